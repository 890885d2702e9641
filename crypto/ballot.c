/* Ballot encryption: ElGamal, disjunctive proofs and signature.
 * Every exponentiation here has base g or y, because the prover knows the
 * randomness: alpha^c = g^(r c) and (beta / g^M)^c = y^(r c) g^((m-M) c).
 * So all of them use the constant-time fixed-base tables, and the secret
 * index of the true disjunct only ever drives masked selections. */
#include "ballot.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"
#include "scalar.h"

/* |m - M| never exceeds this in any disjunct (answers <= ISO_MAX_ANSWERS) */
#define DISJ_OFFSET (2 * ISO_MAX_ANSWERS + 2)
#define MAX_DISJ (ISO_MAX_ANSWERS + 2)

void iso_ballot_tracker(const char *ballot, size_t len, char out[ISO_B64_HASH_LEN + 1])
{
	iso_sha256_b64(ballot, len, out);
}

void iso_plaintext_wipe(struct iso_plaintext *pt)
{
	if (pt->v != NULL) {
		OPENSSL_cleanse(pt->v, pt->n * sizeof *pt->v);
		free(pt->v);
	}
	pt->v = NULL;
	pt->n = 0;
}

/* Branch-free on the vote itself: the kiosk calls this with the voter's
 * choices, so only whether the whole plaintext is valid may show in time. */
enum iso_err iso_plaintext_check(const struct iso_election *e, const struct iso_plaintext *pt,
				 struct iso_where *where)
{
	size_t off = 0;
	if (pt->n != e->nchoices_total)
		return ISO_E_PLAINTEXT;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		const struct iso_question *q = &e->questions[qi];
		size_t n = iso_question_nchoices(q), first = q->blank ? 1 : 0;
		unsigned bad = 0, isblank, lo, hi;
		int sum = 0;
		for (size_t i = 0; i < n; i++)
			bad |= (unsigned)pt->v[off + i] & ~1u;
		for (size_t i = first; i < n; i++)
			sum += pt->v[off + i] & 1;
		isblank = q->blank ? (unsigned)pt->v[off] & 1u : 0u;
		/* sum < min or sum > max, as sign bits of int differences */
		lo = (unsigned)(sum - q->min) >> (sizeof(unsigned) * 8 - 1);
		hi = (unsigned)(q->max - sum) >> (sizeof(unsigned) * 8 - 1);
		bad |= (isblank & (unsigned)(sum != 0)) | ((1u ^ isblank) & (lo | hi));
		if (bad != 0) {
			if (where != NULL)
				where->question = (int)qi;
			return ISO_E_PLAINTEXT;
		}
		off += n;
	}
	return ISO_OK;
}

enum iso_err iso_plaintext_parse(const struct iso_election *e, const char *json, size_t len,
				 struct iso_plaintext *ret, struct iso_where *where)
{
	json_t *j = NULL;
	enum iso_err err = iso_json_parse(json, len, &j);
	struct iso_plaintext pt = {0, NULL};
	size_t off = 0;
	if (err != ISO_OK)
		return err;
	if (!json_is_array(j) || json_array_size(j) != e->nquestions) {
		err = ISO_E_PLAINTEXT;
		goto out;
	}
	pt.n = e->nchoices_total;
	pt.v = calloc(pt.n, sizeof *pt.v);
	if (pt.v == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *a = json_array_get(j, qi);
		size_t n = iso_question_nchoices(&e->questions[qi]);
		if (!json_is_array(a) || json_array_size(a) != n) {
			if (where != NULL)
				where->question = (int)qi;
			err = ISO_E_PLAINTEXT;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_array_get(a, i);
			if (!json_is_integer(x) || json_integer_value(x) < 0 ||
			    json_integer_value(x) > 1) {
				if (where != NULL)
					where->question = (int)qi;
				err = ISO_E_PLAINTEXT;
				goto out;
			}
			pt.v[off + i] = (int)json_integer_value(x);
		}
		off += n;
	}
	err = iso_plaintext_check(e, &pt, where);
out:
	json_decref(j); /* the vote sits in jansson's integers until freed */
	if (err != ISO_OK)
		iso_plaintext_wipe(&pt);
	else
		*ret = pt;
	return err;
}

/* ---- constant-time integer helpers ---- */

static unsigned ct_eq(unsigned a, unsigned b)
{
	unsigned x = a ^ b;
	return 1u ^ ((x | (0u - x)) >> (sizeof(unsigned) * 8 - 1));
}

static unsigned ct_lt(unsigned a, unsigned b) /* a, b < 2^31 */
{
	return (a - b) >> (sizeof(unsigned) * 8 - 1);
}

static int ct_select_int(unsigned cond, int a, int b)
{
	unsigned m = 0u - (cond & 1u);
	return (int)(((unsigned)a & m) | ((unsigned)b & ~m));
}

/* ---- the encryption workspace ---- */

struct enc {
	struct iso_election *e;
	const struct iso_group *grp;
	const struct iso_fixbase *gtab;
	BN_CTX *ctx;
	struct iso_fs fs;
	char *s0; /* fingerprint "|" dec(credential) */
	BIGNUM *qmk; /* q - DISJ_OFFSET */
	int pbytes, qbytes;
};

/* one statement of a disjunction: its ciphertext hides m under secret x;
 * the disjunct claims M; d = m - M */
struct disj_stmt {
	const BIGNUM *x;
	int d;
};

static enum iso_err gexp(struct enc *w, BIGNUM *r_mont, const BIGNUM *x)
{
	return iso_fixbase_exp_mont(w->gtab, r_mont, x, w->ctx);
}

static enum iso_err yexp(struct enc *w, BIGNUM *r_mont, const BIGNUM *x)
{
	return iso_election_yexp_mont(w->e, r_mont, x, true, w->ctx);
}

static json_t *proof_json(const BIGNUM *c, const BIGNUM *r)
{
	json_t *o = json_object();
	if (o == NULL || json_object_set_new(o, "challenge", iso_json_of_bn(c)) != 0 ||
	    json_object_set_new(o, "response", iso_json_of_bn(r)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

#define CHECK(expr)                          \
	do {                                 \
		if ((err = (expr)) != ISO_OK) \
			goto out;            \
	} while (0)

/* Prove one of k statements, the rho-th (secret), for the hash already begun
 * in w->fs with its prefix. Appends the k proofs to list. k-1 simulated
 * disjuncts are computed at virtual positions and moved to their slots by
 * masked selection, so the work does not depend on rho. */
static enum iso_err prove_disj(struct enc *w, size_t k, const struct disj_stmt *st, unsigned rho,
			       json_t *list)
{
	enum iso_err err = ISO_E_NOMEM;
	const struct iso_group *grp = w->grp;
	BIGNUM *nonce, *xreal, *sumfake, *h, *t, *e, *tmp, *A, *B, *Areal, *Breal, *creal,
		*rreal, *outc, *outr, *zero;
	BIGNUM *fc[MAX_DISJ], *fr[MAX_DISJ], *fA[MAX_DISJ], *fB[MAX_DISJ];
	size_t nf = k - 1;

	if (k == 0 || k > MAX_DISJ)
		return ISO_E_INVALID_ARG;
	BN_CTX_start(w->ctx);
	nonce = BN_CTX_get(w->ctx);
	xreal = BN_CTX_get(w->ctx);
	sumfake = BN_CTX_get(w->ctx);
	h = BN_CTX_get(w->ctx);
	t = BN_CTX_get(w->ctx);
	e = BN_CTX_get(w->ctx);
	tmp = BN_CTX_get(w->ctx);
	A = BN_CTX_get(w->ctx);
	B = BN_CTX_get(w->ctx);
	Areal = BN_CTX_get(w->ctx);
	Breal = BN_CTX_get(w->ctx);
	creal = BN_CTX_get(w->ctx);
	rreal = BN_CTX_get(w->ctx);
	outc = BN_CTX_get(w->ctx);
	outr = BN_CTX_get(w->ctx);
	zero = BN_CTX_get(w->ctx);
	for (size_t v = 0; v < nf; v++) {
		fc[v] = BN_CTX_get(w->ctx);
		fr[v] = BN_CTX_get(w->ctx);
		fA[v] = BN_CTX_get(w->ctx);
		fB[v] = BN_CTX_get(w->ctx);
	}
	if (zero == NULL || (nf > 0 && fB[nf - 1] == NULL))
		goto out;
	BN_zero(zero);
	BN_zero(xreal);
	BN_zero(sumfake);
	BN_set_flags(xreal, BN_FLG_CONSTTIME);
	BN_set_flags(nonce, BN_FLG_CONSTTIME);
	BN_set_flags(t, BN_FLG_CONSTTIME);

	/* the true disjunct: A = g^nonce, B = y^nonce */
	CHECK(iso_zq_random(grp, nonce));
	CHECK(gexp(w, Areal, nonce));
	CHECK(yexp(w, Breal, nonce));
	for (size_t j = 0; j < k; j++)
		CHECK(iso_bn_select(xreal, ct_eq((unsigned)j, rho), st[j].x, xreal, w->qbytes));

	/* simulated disjuncts at virtual positions v, slot j(v) = v + (v >= rho) */
	for (size_t v = 0; v < nf; v++) {
		unsigned jv = (unsigned)v + (1u ^ ct_lt((unsigned)v, rho));
		int dv = 0;
		BN_zero(tmp);
		for (size_t j = 0; j < k; j++) {
			unsigned m = ct_eq((unsigned)j, jv);
			CHECK(iso_bn_select(tmp, m, st[j].x, tmp, w->qbytes));
			dv = ct_select_int(m, st[j].d, dv);
		}
		CHECK(iso_zq_random(grp, fc[v]));
		CHECK(iso_zq_random(grp, fr[v]));
		CHECK(iso_zq_muladd(grp, t, fr[v], tmp, fc[v], w->ctx)); /* t = r + x c */
		CHECK(gexp(w, fA[v], t));
		CHECK(yexp(w, fB[v], t));
		/* e = (m - M) c mod q, with m - M shifted to be non-negative */
		if (!BN_copy(e, w->qmk) || !BN_add_word(e, (BN_ULONG)(dv + DISJ_OFFSET)))
			goto nomem;
		BN_set_flags(e, BN_FLG_CONSTTIME);
		CHECK(iso_zq_muladd(grp, e, zero, e, fc[v], w->ctx));
		CHECK(gexp(w, tmp, e));
		CHECK(iso_mont_mul(grp, fB[v], fB[v], tmp, w->ctx));
		CHECK(iso_zq_add(grp, sumfake, sumfake, fc[v]));
	}

	/* commitments in slot order */
	for (size_t j = 0; j < k; j++) {
		unsigned isreal = ct_eq((unsigned)j, rho);
		unsigned fj = (unsigned)j - (unsigned)(j > 0) * ct_lt(rho, (unsigned)j);
		if (!BN_copy(A, Areal) || !BN_copy(B, Breal))
			goto nomem;
		for (size_t v = 0; v < nf; v++) {
			unsigned m = ct_eq((unsigned)v, fj) & (1u ^ isreal);
			CHECK(iso_bn_select(A, m, fA[v], A, w->pbytes));
			CHECK(iso_bn_select(B, m, fB[v], B, w->pbytes));
		}
		CHECK(iso_mont_from(grp, A, A, w->ctx));
		CHECK(iso_mont_from(grp, B, B, w->ctx));
		CHECK(iso_fs_elt(&w->fs, A));
		CHECK(iso_fs_elt(&w->fs, B));
	}
	CHECK(iso_fs_finish(&w->fs, grp, h, w->ctx));
	CHECK(iso_zq_sub(grp, creal, h, sumfake, w->ctx));
	CHECK(iso_zq_mulsub(grp, rreal, nonce, xreal, creal, w->ctx)); /* r = w - x c */

	for (size_t j = 0; j < k; j++) {
		unsigned isreal = ct_eq((unsigned)j, rho);
		unsigned fj = (unsigned)j - (unsigned)(j > 0) * ct_lt(rho, (unsigned)j);
		json_t *p;
		if (!BN_copy(outc, creal) || !BN_copy(outr, rreal))
			goto nomem;
		for (size_t v = 0; v < nf; v++) {
			unsigned m = ct_eq((unsigned)v, fj) & (1u ^ isreal);
			CHECK(iso_bn_select(outc, m, fc[v], outc, w->qbytes));
			CHECK(iso_bn_select(outr, m, fr[v], outr, w->qbytes));
		}
		p = proof_json(outc, outr);
		if (p == NULL || json_array_append_new(list, p) != 0)
			goto nomem;
	}
	err = ISO_OK;
	goto out;
nomem:
	err = ISO_E_NOMEM;
out:
	BN_clear(nonce);
	BN_clear(xreal);
	BN_clear(t);
	BN_clear(e);
	BN_clear(tmp);
	BN_CTX_end(w->ctx);
	return err;
}

/* hash prefix "prove|" s "|" dec(alpha) "," dec(beta) "|" */
static enum iso_err begin_prove(struct enc *w, const char *s, const char *alpha,
				const char *beta)
{
	enum iso_err err;
	if ((err = iso_fs_begin(&w->fs)) != ISO_OK || (err = iso_fs_str(&w->fs, "prove|")) ||
	    (err = iso_fs_str(&w->fs, s)) || (err = iso_fs_str(&w->fs, "|")) ||
	    (err = iso_fs_str(&w->fs, alpha)) || (err = iso_fs_str(&w->fs, ",")) ||
	    (err = iso_fs_str(&w->fs, beta)) || (err = iso_fs_str(&w->fs, "|")))
		return err;
	return ISO_OK;
}

static enum iso_err begin_bproof(struct enc *w, const char *which, const char *s)
{
	enum iso_err err;
	if ((err = iso_fs_begin(&w->fs)) != ISO_OK || (err = iso_fs_str(&w->fs, which)) ||
	    (err = iso_fs_str(&w->fs, s)) || (err = iso_fs_str(&w->fs, "|")))
		return err;
	return ISO_OK;
}

/* Append s to a growing string buffer. */
static enum iso_err sb_add(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *nb = realloc(*buf, ncap);
		if (nb == NULL)
			return ISO_E_NOMEM;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	return ISO_OK;
}

static enum iso_err encrypt_answer(struct enc *w, const struct iso_question *q, const int *m,
				   json_t **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	const struct iso_group *grp = w->grp;
	size_t n = iso_question_nchoices(q), first = q->blank ? 1 : 0;
	BIGNUM **r = calloc(n, sizeof *r);
	char **adec = calloc(n, sizeof *adec), **bdec = calloc(n, sizeof *bdec);
	BIGNUM *alpha = BN_new(), *beta = BN_new(), *tmp = BN_new(), *sa = BN_new(),
	       *sb = BN_new(), *rsum = iso_secret_new();
	json_t *ans = json_object(), *choices = json_array(), *ind = json_array(),
	       *overall = json_array(), *blankp = q->blank ? json_array() : NULL;
	char *S = NULL, *sadec = NULL, *sbdec = NULL;
	size_t slen = 0, scap = 0;
	int msum = 0;
	struct disj_stmt st[MAX_DISJ];

	if (r == NULL || adec == NULL || bdec == NULL || alpha == NULL || beta == NULL ||
	    tmp == NULL || sa == NULL || sb == NULL || rsum == NULL || ans == NULL ||
	    choices == NULL || ind == NULL || overall == NULL || (q->blank && blankp == NULL))
		goto out;
	BN_zero(rsum);
	if (!BN_copy(sa, BN_value_one()) || !BN_copy(sb, BN_value_one()))
		goto out;
	CHECK(sb_add(&S, &slen, &scap, w->s0));
	CHECK(sb_add(&S, &slen, &scap, "|"));

	for (size_t i = 0; i < n; i++) {
		json_t *c, *plist;
		r[i] = iso_secret_new();
		if (r[i] == NULL)
			goto nomem;
		CHECK(iso_zq_random(grp, r[i]));
		CHECK(gexp(w, alpha, r[i]));
		CHECK(yexp(w, beta, r[i]));
		/* beta = y^r g^m: multiply by g or by 1, chosen by mask */
		if (!BN_to_montgomery(tmp, grp->g, grp->mont, w->ctx))
			goto crypto;
		CHECK(iso_bn_select(tmp, (unsigned)m[i], tmp, grp->mont_one, w->pbytes));
		CHECK(iso_mont_mul(grp, beta, beta, tmp, w->ctx));
		CHECK(iso_mont_from(grp, alpha, alpha, w->ctx));
		CHECK(iso_mont_from(grp, beta, beta, w->ctx));
		adec[i] = iso_bn_to_dec(alpha);
		bdec[i] = iso_bn_to_dec(beta);
		if (adec[i] == NULL || bdec[i] == NULL)
			goto nomem;
		c = json_object();
		if (c == NULL || json_array_append_new(choices, c) != 0 ||
		    json_object_set_new(c, "alpha", json_string(adec[i])) != 0 ||
		    json_object_set_new(c, "beta", json_string(bdec[i])) != 0)
			goto nomem;
		if (i > 0)
			CHECK(sb_add(&S, &slen, &scap, ","));
		CHECK(sb_add(&S, &slen, &scap, adec[i]));
		CHECK(sb_add(&S, &slen, &scap, ","));
		CHECK(sb_add(&S, &slen, &scap, bdec[i]));
		if (i >= first) {
			CHECK(iso_zq_add(grp, rsum, rsum, r[i]));
			msum += m[i];
			if (!BN_mod_mul(sa, sa, alpha, grp->p, w->ctx) ||
			    !BN_mod_mul(sb, sb, beta, grp->p, w->ctx))
				goto crypto;
		}
		/* individual proof: m in {0, 1} */
		plist = json_array();
		if (plist == NULL || json_array_append_new(ind, plist) != 0)
			goto nomem;
		CHECK(begin_prove(w, w->s0, adec[i], bdec[i]));
		st[0] = (struct disj_stmt){r[i], m[i]};
		st[1] = (struct disj_stmt){r[i], m[i] - 1};
		CHECK(prove_disj(w, 2, st, (unsigned)m[i], plist));
	}

	if (q->blank) {
		/* m0 = 1 means blank; then the other choices sum to 0 */
		int m0 = m[0];
		size_t k = (size_t)(q->max - q->min + 2);
		/* blank_proof: m0 = 0 or msum = 0 (the first when not blank) */
		CHECK(begin_bproof(w, "bproof0|", S));
		st[0] = (struct disj_stmt){r[0], m0};
		st[1] = (struct disj_stmt){rsum, msum};
		/* the commitments are over (alpha0, beta0) and (alpha_sum, beta_sum) */
		CHECK(prove_disj(w, 2, st, (unsigned)m0, blankp));
		/* overall_proof: m0 = 1 or min <= msum <= max */
		CHECK(begin_bproof(w, "bproof1|", S));
		st[0] = (struct disj_stmt){r[0], m0 - 1};
		for (size_t j = 1; j < k; j++)
			st[j] = (struct disj_stmt){rsum, msum - (q->min + (int)j - 1)};
		unsigned rho = (unsigned)ct_select_int((unsigned)m0, 0, msum - q->min + 1);
		CHECK(prove_disj(w, k, st, rho, overall));
	} else {
		size_t k = (size_t)(q->max - q->min + 1);
		sadec = iso_bn_to_dec(sa);
		sbdec = iso_bn_to_dec(sb);
		if (sadec == NULL || sbdec == NULL)
			goto nomem;
		CHECK(begin_prove(w, S, sadec, sbdec));
		for (size_t j = 0; j < k; j++)
			st[j] = (struct disj_stmt){rsum, msum - (q->min + (int)j)};
		CHECK(prove_disj(w, k, st, (unsigned)(msum - q->min), overall));
	}
	if (json_object_set_new(ans, "choices", choices) != 0)
		goto nomem;
	choices = NULL;
	if (json_object_set_new(ans, "individual_proofs", ind) != 0)
		goto nomem;
	ind = NULL;
	if (json_object_set_new(ans, "overall_proof", overall) != 0)
		goto nomem;
	overall = NULL;
	if (blankp != NULL) {
		if (json_object_set_new(ans, "blank_proof", blankp) != 0)
			goto nomem;
		blankp = NULL;
	}
	*ret = ans;
	ans = NULL;
	err = ISO_OK;
	goto out;
crypto:
	err = ISO_E_CRYPTO_LIB;
	goto out;
nomem:
	err = ISO_E_NOMEM;
out:
	msum = 0;
	OPENSSL_cleanse(st, sizeof st);
	for (size_t i = 0; r != NULL && i < n; i++)
		BN_clear_free(r[i]);
	for (size_t i = 0; adec != NULL && bdec != NULL && i < n; i++) {
		free(adec[i]);
		free(bdec[i]);
	}
	free(r);
	free(adec);
	free(bdec);
	free(S);
	free(sadec);
	free(sbdec);
	BN_free(alpha);
	BN_free(beta);
	BN_clear_free(tmp);
	BN_free(sa);
	BN_free(sb);
	BN_clear_free(rsum);
	json_decref(ans);
	json_decref(choices);
	json_decref(ind);
	json_decref(overall);
	json_decref(blankp);
	return err;
}

enum iso_err iso_ballot_encrypt(struct iso_election *e, const char *cred,
				const struct iso_plaintext *pt, char **ret_ballot,
				size_t *ret_len)
{
	enum iso_err err = ISO_E_NOMEM;
	struct enc w = {0};
	char dashed[ISO_CREDENTIAL_LEN + 1];
	BIGNUM *s = iso_secret_new(), *C = BN_new(), *nonce = iso_secret_new(), *A = BN_new(),
	       *c = BN_new(), *r = BN_new();
	json_t *ballot = json_object(), *answers = json_array(), *sig = NULL;
	char *cdec = NULL, *unsigned_s = NULL, *out = NULL;
	size_t ulen = 0, olen = 0, off = 0;
	char h[ISO_B64_HASH_LEN + 1];

	w.e = e;
	w.grp = e->grp;
	w.ctx = BN_CTX_secure_new();
	w.pbytes = e->grp->pbytes;
	w.qbytes = (e->grp->qbits + 7) / 8;
	w.qmk = BN_dup(e->grp->q);
	if (s == NULL || C == NULL || nonce == NULL || A == NULL || c == NULL || r == NULL ||
	    ballot == NULL || answers == NULL || w.ctx == NULL || w.qmk == NULL ||
	    !BN_sub_word(w.qmk, DISJ_OFFSET))
		goto out;
	CHECK(iso_fs_init(&w.fs));
	CHECK(iso_plaintext_check(e, pt, NULL));
	CHECK(iso_group_gtable(e->grp, true, &w.gtab));
	CHECK(iso_election_prepare(e, true));
	CHECK(iso_credential_parse(cred, strlen(cred), dashed));
	CHECK(iso_credential_derive(e->grp, e->uuid, dashed, s, NULL, w.ctx));
	CHECK(gexp(&w, C, s));
	CHECK(iso_mont_from(e->grp, C, C, w.ctx));
	cdec = iso_bn_to_dec(C);
	if (cdec == NULL)
		goto out;
	w.s0 = malloc(strlen(e->fingerprint) + strlen(cdec) + 2);
	if (w.s0 == NULL)
		goto out;
	snprintf(w.s0, strlen(e->fingerprint) + strlen(cdec) + 2, "%s|%s", e->fingerprint, cdec);

	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *ans = NULL;
		CHECK(encrypt_answer(&w, &e->questions[qi], pt->v + off, &ans));
		if (json_array_append_new(answers, ans) != 0) {
			err = ISO_E_NOMEM;
			goto out;
		}
		off += iso_question_nchoices(&e->questions[qi]);
	}
	err = ISO_E_NOMEM;
	if (json_object_set_new(ballot, "election_uuid", json_string(e->uuid)) != 0 ||
	    json_object_set_new(ballot, "election_hash", json_string(e->fingerprint)) != 0 ||
	    json_object_set_new(ballot, "credential", json_string(cdec)) != 0 ||
	    json_object_set(ballot, "answers", answers) != 0)
		goto out;
	/* signature over the compact ballot without its signature */
	CHECK(iso_json_dump(ballot, &unsigned_s, &ulen));
	iso_sha256_b64(unsigned_s, ulen, h);
	CHECK(iso_zq_random(e->grp, nonce));
	CHECK(gexp(&w, A, nonce));
	CHECK(iso_mont_from(e->grp, A, A, w.ctx));
	CHECK(iso_fs_begin(&w.fs));
	CHECK(iso_fs_str(&w.fs, "sig|"));
	CHECK(iso_fs_str(&w.fs, h));
	CHECK(iso_fs_str(&w.fs, "|"));
	CHECK(iso_fs_elt(&w.fs, A));
	CHECK(iso_fs_finish(&w.fs, e->grp, c, w.ctx));
	CHECK(iso_zq_mulsub(e->grp, r, nonce, s, c, w.ctx));
	err = ISO_E_NOMEM;
	sig = json_object();
	if (sig == NULL || json_object_set_new(sig, "hash", json_string(h)) != 0 ||
	    json_object_set_new(sig, "proof", proof_json(c, r)) != 0 ||
	    json_object_set(ballot, "signature", sig) != 0)
		goto out;
	CHECK(iso_json_dump(ballot, &out, &olen));
	*ret_ballot = out;
	*ret_len = olen;
	err = ISO_OK;
out:
	OPENSSL_cleanse(dashed, sizeof dashed);
	BN_clear_free(s);
	BN_clear_free(nonce);
	BN_free(C);
	BN_free(A);
	BN_free(c);
	BN_free(r);
	BN_free(w.qmk);
	BN_CTX_free(w.ctx);
	iso_fs_free(&w.fs);
	free(w.s0);
	free(cdec);
	free(unsigned_s);
	json_decref(sig);
	json_decref(answers);
	json_decref(ballot);
	return err;
}
