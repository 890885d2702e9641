/* Partial decryptions, combination and result (see decryption.h).
 * A partial decryption's proof: A = g^w, B = alpha^w,
 * c = H("decrypt|" fingerprint "|" dec(X) "|", [A, B]), r = w - x c;
 * checked as A = g^r X^c, B = alpha^r f^c. */
#include "decryption.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "scalar.h"

void iso_partial_decryption_free(struct iso_partial_decryption *pd)
{
	if (pd == NULL)
		return;
	iso_factors_free(pd->factors, pd->n);
	free(pd);
}

void iso_factors_free(BIGNUM **factors, size_t n)
{
	for (size_t i = 0; factors != NULL && i < n; i++)
		BN_free(factors[i]);
	free(factors);
}

static BIGNUM **factors_new(size_t n)
{
	BIGNUM **f = calloc(n, sizeof *f);
	for (size_t i = 0; f != NULL && i < n; i++)
		if ((f[i] = BN_new()) == NULL) {
			iso_factors_free(f, n);
			return NULL;
		}
	return f;
}

static enum iso_err decrypt_hash(const struct iso_election *e, const char *xdec, const BIGNUM *A,
				 const BIGNUM *B, BIGNUM *ret, struct iso_fs *fs, BN_CTX *ctx)
{
	enum iso_err err;
	if ((err = iso_fs_begin(fs)) != ISO_OK || (err = iso_fs_str(fs, "decrypt|")) ||
	    (err = iso_fs_str(fs, e->fingerprint)) || (err = iso_fs_str(fs, "|")) ||
	    (err = iso_fs_str(fs, xdec)) || (err = iso_fs_str(fs, "|")) ||
	    (err = iso_fs_elt(fs, A)) || (err = iso_fs_elt(fs, B)))
		return err;
	return iso_fs_finish(fs, e->grp, ret, ctx);
}

enum iso_err iso_partial_decryption_make(const struct iso_election *e, const struct iso_tally *t,
					 const BIGNUM *x, char **ret)
{
	const struct iso_group *grp = e->grp;
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *X = BN_new(), *w = iso_secret_new(), *A = BN_new(), *B = BN_new(), *c = BN_new(),
	       *r = BN_new(), *f = BN_new(), *xq = iso_secret_new();
	json_t *out = json_object(), *fs_all = json_array(), *ps_all = json_array();
	struct iso_fs fs = {0};
	char *xdec = NULL;
	enum iso_err err = ISO_E_NOMEM;
	size_t off = 0;
	if (ctx == NULL || X == NULL || w == NULL || A == NULL || B == NULL || c == NULL ||
	    r == NULL || f == NULL || xq == NULL || out == NULL || fs_all == NULL || ps_all == NULL ||
	    iso_fs_init(&fs) != ISO_OK)
		goto out;
	/* x may exceed q (Pedersen keys are unreduced sums); the responses use
	 * x mod q, which is the same exponent in the group */
	if (!BN_nnmod(xq, x, grp->q, ctx))
		goto out;
	if ((err = iso_group_gexp_ct(grp, X, xq, ctx)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	if ((xdec = iso_bn_to_dec(X)) == NULL)
		goto out;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *fq = json_array(), *pq = json_array();
		if (fq == NULL || pq == NULL || json_array_append_new(fs_all, fq) != 0 ||
		    json_array_append_new(ps_all, pq) != 0) {
			json_decref(fq);
			json_decref(pq);
			err = ISO_E_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < iso_question_nchoices(&e->questions[qi]); i++) {
			const BIGNUM *alpha = t->alpha[off + i];
			json_t *p = json_object();
			if (p == NULL || json_array_append_new(pq, p) != 0) {
				err = ISO_E_NOMEM;
				goto out;
			}
			if ((err = iso_group_exp_ct(grp, f, alpha, xq, ctx)) != ISO_OK ||
			    (err = iso_zq_random(grp, w)) != ISO_OK ||
			    (err = iso_group_gexp_ct(grp, A, w, ctx)) != ISO_OK ||
			    (err = iso_group_exp_ct(grp, B, alpha, w, ctx)) != ISO_OK ||
			    (err = decrypt_hash(e, xdec, A, B, c, &fs, ctx)) != ISO_OK ||
			    (err = iso_zq_mulsub(grp, r, w, xq, c, ctx)) != ISO_OK)
				goto out;
			err = ISO_E_NOMEM;
			if (json_array_append_new(fq, iso_json_of_bn(f)) != 0 ||
			    json_object_set_new(p, "challenge", iso_json_of_bn(c)) != 0 ||
			    json_object_set_new(p, "response", iso_json_of_bn(r)) != 0)
				goto out;
		}
		off += iso_question_nchoices(&e->questions[qi]);
	}
	if (json_object_set(out, "decryption_factors", fs_all) != 0 ||
	    json_object_set(out, "decryption_proofs", ps_all) != 0)
		goto out;
	err = iso_json_dump(out, ret, NULL);
out:
	iso_fs_free(&fs);
	free(xdec);
	BN_free(X);
	BN_clear_free(w);
	BN_clear_free(xq);
	BN_free(A);
	BN_free(B);
	BN_free(c);
	BN_free(r);
	BN_free(f);
	json_decref(fs_all);
	json_decref(ps_all);
	json_decref(out);
	BN_CTX_free(ctx);
	return err;
}

static const struct iso_field pd_fields[] = {
	{"decryption_factors", JSON_ARRAY, false},
	{"decryption_proofs", JSON_ARRAY, false},
};

static const struct iso_field proof_fields[] = {
	{"challenge", JSON_STRING, false},
	{"response", JSON_STRING, false},
};

enum iso_err iso_partial_decryption_check(const struct iso_election *e, const struct iso_tally *t,
					  const BIGNUM *X, const char *json, size_t len,
					  struct iso_partial_decryption **ret,
					  struct iso_where *where)
{
	const struct iso_group *grp = e->grp;
	json_t *j = NULL, *f[2], *pf[2];
	struct iso_partial_decryption *pd = calloc(1, sizeof *pd);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *c = BN_new(), *r = BN_new(), *A = BN_new(), *B = BN_new(), *u = BN_new(),
	       *h = BN_new();
	struct iso_varbase vx = {0};
	struct iso_fs fs = {0};
	char *xdec = iso_bn_to_dec(X);
	enum iso_err err = ISO_E_NOMEM;
	size_t off = 0;
	if (pd == NULL || ctx == NULL || c == NULL || r == NULL || A == NULL || B == NULL ||
	    u == NULL || h == NULL || xdec == NULL || iso_fs_init(&fs) != ISO_OK ||
	    iso_varbase_init(&vx, grp) != ISO_OK)
		goto out;
	pd->n = t->n;
	if ((pd->factors = factors_new(t->n)) == NULL)
		goto out;
	if ((err = iso_varbase_set(&vx, X, ctx)) != ISO_OK)
		goto out;
	if ((err = iso_json_parse(json, len, &j)) != ISO_OK)
		goto out;
	err = ISO_E_SHAPE;
	if (iso_json_fields(j, pd_fields, 2, f) != ISO_OK || json_array_size(f[0]) != e->nquestions ||
	    json_array_size(f[1]) != e->nquestions)
		goto out;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *fq = json_array_get(f[0], qi), *pq = json_array_get(f[1], qi);
		size_t n = iso_question_nchoices(&e->questions[qi]);
		if (where != NULL)
			where->question = (int)qi;
		if (!json_is_array(fq) || !json_is_array(pq) || json_array_size(fq) != n ||
		    json_array_size(pq) != n) {
			err = ISO_E_SHAPE;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			BIGNUM *fi = pd->factors[off + i];
			const BIGNUM *alpha = t->alpha[off + i];
			if (where != NULL)
				where->choice = (int)i;
			if ((err = iso_json_bn(json_array_get(fq, i), &fi)) != ISO_OK)
				goto out;
			if (iso_json_fields(json_array_get(pq, i), proof_fields, 2, pf) != ISO_OK) {
				err = ISO_E_SHAPE;
				goto out;
			}
			if ((err = iso_json_bn(pf[0], &c)) != ISO_OK ||
			    (err = iso_json_bn(pf[1], &r)) != ISO_OK)
				goto out;
			if (!iso_group_is_member(grp, fi, ctx)) {
				err = ISO_E_NOT_GROUP_ELEMENT;
				goto out;
			}
			if (!iso_group_in_zq(grp, c) || !iso_group_in_zq(grp, r)) {
				err = ISO_E_NOT_IN_ZQ;
				goto out;
			}
			/* A = g^r X^c, B = alpha^r f^c */
			if ((err = iso_group_gexp(grp, A, r, ctx)) != ISO_OK ||
			    (err = iso_varbase_exp_mont(&vx, u, c, ctx)) != ISO_OK ||
			    (err = iso_mont_from(grp, u, u, ctx)) != ISO_OK ||
			    (err = iso_group_mul(grp, A, A, u, ctx)) != ISO_OK ||
			    (err = iso_group_exp(grp, B, alpha, r, ctx)) != ISO_OK ||
			    (err = iso_group_exp(grp, u, fi, c, ctx)) != ISO_OK ||
			    (err = iso_group_mul(grp, B, B, u, ctx)) != ISO_OK ||
			    (err = decrypt_hash(e, xdec, A, B, h, &fs, ctx)) != ISO_OK)
				goto out;
			if (BN_cmp(h, c) != 0) {
				err = ISO_E_BAD_DECRYPTION_PROOF;
				goto out;
			}
		}
		off += n;
	}
	if (where != NULL)
		where->question = where->choice = -1;
	*ret = pd;
	pd = NULL;
	err = ISO_OK;
out:
	iso_partial_decryption_free(pd);
	iso_varbase_free(&vx);
	iso_fs_free(&fs);
	free(xdec);
	BN_free(c);
	BN_free(r);
	BN_free(A);
	BN_free(B);
	BN_free(u);
	BN_free(h);
	BN_CTX_free(ctx);
	json_decref(j);
	return err;
}

enum iso_err iso_owned_json(int owner, const char *hex, char **ret)
{
	char *s = malloc(128);
	if (s == NULL)
		return ISO_E_NOMEM;
	snprintf(s, 128, "{\"owner\":%d,\"payload\":\"%s\"}", owner, hex);
	*ret = s;
	return ISO_OK;
}

static const struct iso_field owned_fields[] = {
	{"owner", JSON_INTEGER, false},
	{"payload", JSON_STRING, false},
};

enum iso_err iso_owned_parse(const char *json, size_t len, int *ret_owner, char ret_hex[65])
{
	json_t *j = NULL, *f[2];
	enum iso_err err = iso_json_parse(json, len, &j);
	if (err != ISO_OK)
		return err;
	err = ISO_E_SHAPE;
	if (iso_json_fields(j, owned_fields, 2, f) != ISO_OK || json_integer_value(f[0]) < 1 ||
	    json_integer_value(f[0]) > 100000 ||
	    !iso_is_hex_hash(json_string_value(f[1]), json_string_length(f[1])))
		goto out;
	*ret_owner = (int)json_integer_value(f[0]);
	memcpy(ret_hex, json_string_value(f[1]), 65);
	err = ISO_OK;
out:
	json_decref(j);
	return err;
}

/* lambda_j = prod_{k in I, k != j} k / (k - j) mod q */
static enum iso_err lagrange(const struct iso_group *grp, const int *idx, int T, int j,
			     BIGNUM *ret, BN_CTX *ctx)
{
	BIGNUM *num = BN_new(), *den = BN_new();
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (num == NULL || den == NULL || !BN_one(ret))
		goto out;
	for (int a = 0; a < T; a++) {
		int k = idx[a];
		if (k == j)
			continue;
		if (!BN_set_word(num, (BN_ULONG)k) || !BN_set_word(den, (BN_ULONG)(k > j ? k - j : j - k)))
			goto out;
		if (k < j && !BN_sub(den, grp->q, den))
			goto out;
		if (BN_mod_inverse(den, den, grp->q, ctx) == NULL ||
		    !BN_mod_mul(ret, ret, num, grp->q, ctx) || !BN_mod_mul(ret, ret, den, grp->q, ctx))
			goto out;
	}
	err = ISO_OK;
out:
	BN_free(num);
	BN_free(den);
	return err;
}

enum iso_err iso_decryption_combine(const struct iso_election *e, const struct iso_trustees *tr,
				    struct iso_partial_decryption *const *pds,
				    BIGNUM ***ret_factors, struct iso_where *where)
{
	const struct iso_group *grp = e->grp;
	size_t n = e->nchoices_total, id0 = 0;
	BIGNUM **F = factors_new(n), *lambda = BN_new(), *u = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	int *idx = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (F == NULL || lambda == NULL || u == NULL || ctx == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!BN_one(F[i]))
			goto out;
	for (size_t it = 0; it < tr->nitems; it++) {
		const struct iso_trustee_item *item = &tr->items[it];
		if (item->kind == ISO_TRUSTEE_SINGLE) {
			const struct iso_partial_decryption *pd = pds[id0];
			if (pd == NULL) {
				if (where != NULL)
					where->trustee = (int)id0 + 1;
				err = ISO_E_MISSING_PARTIAL_DECRYPTION;
				goto out;
			}
			for (size_t i = 0; i < n; i++)
				if (iso_group_mul(grp, F[i], F[i], pd->factors[i], ctx) != ISO_OK)
					goto crypto;
		} else {
			int T = item->threshold, got = 0;
			free(idx);
			idx = calloc((size_t)T, sizeof *idx);
			if (idx == NULL)
				goto out;
			/* the first T trustees of the group that have one, in order */
			for (size_t j = 0; j < item->nkeys && got < T; j++)
				if (pds[id0 + j] != NULL)
					idx[got++] = (int)j + 1;
			if (got < T) {
				err = ISO_E_NOT_ENOUGH_PARTIAL_DECRYPTIONS;
				goto out;
			}
			for (int a = 0; a < T; a++) {
				const struct iso_partial_decryption *pd = pds[id0 + (size_t)idx[a] - 1];
				if ((err = lagrange(grp, idx, T, idx[a], lambda, ctx)) != ISO_OK)
					goto out;
				for (size_t i = 0; i < n; i++)
					if (iso_group_exp(grp, u, pd->factors[i], lambda, ctx) != ISO_OK ||
					    iso_group_mul(grp, F[i], F[i], u, ctx) != ISO_OK)
						goto crypto;
			}
		}
		id0 += item->nkeys;
	}
	*ret_factors = F;
	F = NULL;
	err = ISO_OK;
	goto out;
crypto:
	err = ISO_E_CRYPTO_LIB;
out:
	iso_factors_free(F, n);
	free(idx);
	BN_free(lambda);
	BN_free(u);
	BN_CTX_free(ctx);
	return err;
}

void iso_result_clear(struct iso_result *r)
{
	free(r->counts);
	r->counts = NULL;
	r->n = 0;
}

/* ---- baby-step giant-step ---- */

struct bsgs_entry {
	uint64_t key;
	uint64_t j;
};

static enum iso_err low_bytes_key(const BIGNUM *x, uint64_t *ret)
{
	unsigned char buf[512];
	int n = BN_num_bytes(x);
	uint64_t k = 0;
	if (n > (int)sizeof buf || BN_bn2lebinpad(x, buf, n < 8 ? 8 : n) < 0)
		return ISO_E_CRYPTO_LIB;
	for (int i = 7; i >= 0; i--)
		k = k << 8 | buf[i];
	*ret = k;
	return ISO_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const struct bsgs_entry *)a)->key, y = ((const struct bsgs_entry *)b)->key;
	return x < y ? -1 : x > y;
}

/* Solve g^m = target for m in [0, bound] for every target. */
static enum iso_err bsgs(const struct iso_group *grp, BIGNUM *const *targets, size_t nt,
			 unsigned long long bound, unsigned long long *out, BN_CTX *ctx)
{
	unsigned long long m = 1;
	struct bsgs_entry *tab = NULL;
	BIGNUM *x = BN_new(), *giant = BN_new(), *y = BN_new(), *e = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	while (m * m <= bound)
		m++;
	if (x == NULL || giant == NULL || y == NULL || e == NULL || m > (1ULL << 26))
		goto out;
	tab = malloc(m * sizeof *tab);
	if (tab == NULL)
		goto out;
	if (!BN_one(x))
		goto out;
	for (unsigned long long j = 0; j < m; j++) {
		if ((err = low_bytes_key(x, &tab[j].key)) != ISO_OK)
			goto out;
		tab[j].j = j;
		if ((err = iso_group_mul(grp, x, x, grp->g, ctx)) != ISO_OK)
			goto out;
	}
	qsort(tab, m, sizeof *tab, cmp_entry);
	/* giant = g^-m */
	if (!BN_set_word(e, (BN_ULONG)m) || !BN_sub(e, grp->q, e) ||
	    (err = iso_group_gexp(grp, giant, e, ctx)) != ISO_OK)
		goto out;
	for (size_t t = 0; t < nt; t++) {
		bool found = false;
		if (!BN_copy(y, targets[t])) {
			err = ISO_E_NOMEM;
			goto out;
		}
		for (unsigned long long i = 0; i * m <= bound && !found; i++) {
			struct bsgs_entry key, *hit;
			if ((err = low_bytes_key(y, &key.key)) != ISO_OK)
				goto out;
			hit = bsearch(&key, tab, m, sizeof *tab, cmp_entry);
			/* step back to the first entry with that key, then try each */
			while (hit != NULL && hit > tab && hit[-1].key == key.key)
				hit--;
			for (; hit != NULL && hit < tab + m && hit->key == key.key; hit++) {
				unsigned long long cand = i * m + hit->j;
				if (cand > bound)
					continue;
				if (!BN_set_word(e, (BN_ULONG)cand) ||
				    (err = iso_group_gexp(grp, x, e, ctx)) != ISO_OK)
					goto out;
				if (BN_cmp(x, targets[t]) == 0) {
					out[t] = cand;
					found = true;
					break;
				}
			}
			if (!found && (err = iso_group_mul(grp, y, y, giant, ctx)) != ISO_OK)
				goto out;
		}
		if (!found) {
			err = ISO_E_RESULT_OUT_OF_RANGE;
			goto out;
		}
	}
	err = ISO_OK;
out:
	free(tab);
	BN_free(x);
	BN_free(giant);
	BN_free(y);
	BN_free(e);
	return err;
}

/* targets[i] = beta_i / F_i */
static enum iso_err quotients(const struct iso_election *e, const struct iso_tally *t,
			      BIGNUM *const *factors, BIGNUM ***ret, BN_CTX *ctx)
{
	BIGNUM **q = factors_new(t->n), *inv = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (q == NULL || inv == NULL)
		goto out;
	for (size_t i = 0; i < t->n; i++)
		if ((err = iso_group_inv(e->grp, inv, factors[i], ctx)) != ISO_OK ||
		    (err = iso_group_mul(e->grp, q[i], t->beta[i], inv, ctx)) != ISO_OK)
			goto out;
	*ret = q;
	q = NULL;
	err = ISO_OK;
out:
	iso_factors_free(q, t->n);
	BN_free(inv);
	return err;
}

enum iso_err iso_result_compute(const struct iso_election *e, const struct iso_tally *t,
				BIGNUM *const *factors, struct iso_result *ret)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM **q = NULL;
	unsigned long long *counts = calloc(t->n, sizeof *counts);
	enum iso_err err = ISO_E_NOMEM;
	if (ctx == NULL || counts == NULL)
		goto out;
	if ((err = quotients(e, t, factors, &q, ctx)) != ISO_OK ||
	    (err = bsgs(e->grp, q, t->n, t->total_weight, counts, ctx)) != ISO_OK)
		goto out;
	ret->n = t->n;
	ret->counts = counts;
	counts = NULL;
out:
	free(counts);
	iso_factors_free(q, t->n);
	BN_CTX_free(ctx);
	return err;
}

enum iso_err iso_result_check(const struct iso_election *e, const struct iso_tally *t,
			      BIGNUM *const *factors, const struct iso_result *r,
			      struct iso_where *where)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM **q = NULL, *x = BN_new(), *m = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (ctx == NULL || x == NULL || m == NULL)
		goto out;
	if (r->n != t->n) {
		err = ISO_E_BAD_RESULT;
		goto out;
	}
	if ((err = quotients(e, t, factors, &q, ctx)) != ISO_OK)
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		if (!BN_set_word(m, (BN_ULONG)r->counts[i]) ||
		    (err = iso_group_gexp(e->grp, x, m, ctx)) != ISO_OK)
			goto out;
		if (BN_cmp(x, q[i]) != 0 || r->counts[i] > t->total_weight) {
			if (where != NULL) {
				size_t off = 0;
				for (size_t qi = 0; qi < e->nquestions; qi++) {
					size_t nc = iso_question_nchoices(&e->questions[qi]);
					if (i < off + nc) {
						where->question = (int)qi;
						where->choice = (int)(i - off);
						break;
					}
					off += nc;
				}
			}
			err = ISO_E_BAD_RESULT;
			goto out;
		}
	}
	err = ISO_OK;
out:
	iso_factors_free(q, t->n);
	BN_free(x);
	BN_free(m);
	BN_CTX_free(ctx);
	return err;
}

enum iso_err iso_result_json(const struct iso_election *e, const struct iso_result *r, char **ret)
{
	json_t *o = json_object(), *all = json_array();
	enum iso_err err = ISO_E_NOMEM;
	size_t off = 0;
	if (o == NULL || all == NULL)
		goto out;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *a = json_array();
		if (a == NULL || json_array_append_new(all, a) != 0)
			goto out;
		for (size_t i = 0; i < iso_question_nchoices(&e->questions[qi]); i++)
			if (json_array_append_new(a, iso_json_of_weight(r->counts[off + i])) != 0)
				goto out;
		off += iso_question_nchoices(&e->questions[qi]);
	}
	if (json_object_set(o, "result", all) != 0)
		goto out;
	err = iso_json_dump(o, ret, NULL);
out:
	json_decref(all);
	json_decref(o);
	return err;
}

enum iso_err iso_result_parse(const struct iso_election *e, const char *json, size_t len,
			      struct iso_result *ret)
{
	static const struct iso_field fields[] = {{"result", JSON_ARRAY, false}};
	json_t *j = NULL, *f[1];
	unsigned long long *counts = calloc(e->nchoices_total, sizeof *counts);
	enum iso_err err = counts == NULL ? ISO_E_NOMEM : iso_json_parse(json, len, &j);
	size_t off = 0;
	if (err != ISO_OK)
		goto out;
	err = ISO_E_SHAPE;
	if (iso_json_fields(j, fields, 1, f) != ISO_OK || json_array_size(f[0]) != e->nquestions)
		goto out;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *a = json_array_get(f[0], qi);
		size_t n = iso_question_nchoices(&e->questions[qi]);
		if (!json_is_array(a) || json_array_size(a) != n) {
			err = ISO_E_SHAPE;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if ((err = iso_weight_of_json(json_array_get(a, i), &counts[off + i])) != ISO_OK)
				goto out;
		off += n;
	}
	if (!iso_json_is_canonical(j, json, len)) {
		err = ISO_E_NOT_CANONICAL;
		goto out;
	}
	ret->n = e->nchoices_total;
	ret->counts = counts;
	counts = NULL;
	err = ISO_OK;
out:
	free(counts);
	json_decref(j);
	return err;
}
