/* Ballot encryption: ElGamal, disjunctive proofs and signature.
 * Every exponentiation here has base g or y, because the prover knows the
 * randomness: alpha^c = g^(r c) and (beta / g^M)^c = y^(r c) g^((m-M) c).
 * So all of them use the constant-time fixed-base tables, and the secret
 * index of the true disjunct only ever drives masked selections. */
#include "ballot.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"
#include "parallel.h"
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
	const struct iso_group *grp;
	const struct iso_fixbase *gtab, *ytab;
	const BIGNUM *g_mont; /* g in Montgomery form */
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
	return iso_fixbase_exp_mont(w->ytab, r_mont, x, w->ctx);
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

/* One encrypted choice: what the first round computes for each. */
struct choice {
	int m;                /* the vote for this choice, 0 or 1 (secret) */
	BIGNUM *r;            /* its randomness (secret) */
	BIGNUM *alpha, *beta; /* normal form */
	char *adec, *bdec;
	json_t *proof;        /* its individual proof: m in {0, 1} */
};

/* (the vote is secret: OPENSSL_cleanse, which no compiler elides) */
static void choice_clear(struct choice *ch)
{
	BN_clear_free(ch->r);
	BN_free(ch->alpha);
	BN_free(ch->beta);
	free(ch->adec);
	free(ch->bdec);
	json_decref(ch->proof);
	OPENSSL_cleanse(ch, sizeof *ch);
}

/* ElGamal encryption of ch->m and its individual proof. */
static enum iso_err encrypt_choice(struct enc *w, struct choice *ch)
{
	enum iso_err err = ISO_E_NOMEM;
	const struct iso_group *grp = w->grp;
	struct disj_stmt st[2];
	BIGNUM *tmp;

	ch->r = iso_secret_new();
	ch->alpha = BN_new();
	ch->beta = BN_new();
	ch->proof = json_array();
	BN_CTX_start(w->ctx);
	tmp = BN_CTX_get(w->ctx);
	if (ch->r == NULL || ch->alpha == NULL || ch->beta == NULL || ch->proof == NULL ||
	    tmp == NULL)
		goto out;
	CHECK(iso_zq_random(grp, ch->r));
	CHECK(gexp(w, ch->alpha, ch->r));
	CHECK(yexp(w, ch->beta, ch->r));
	/* beta = y^r g^m: multiply by g or by 1, chosen by mask */
	CHECK(iso_bn_select(tmp, (unsigned)ch->m, w->g_mont, grp->mont_one, w->pbytes));
	CHECK(iso_mont_mul(grp, ch->beta, ch->beta, tmp, w->ctx));
	CHECK(iso_mont_from(grp, ch->alpha, ch->alpha, w->ctx));
	CHECK(iso_mont_from(grp, ch->beta, ch->beta, w->ctx));
	err = ISO_E_NOMEM;
	ch->adec = iso_bn_to_dec(ch->alpha);
	ch->bdec = iso_bn_to_dec(ch->beta);
	if (ch->adec == NULL || ch->bdec == NULL)
		goto out;
	CHECK(begin_prove(w, w->s0, ch->adec, ch->bdec));
	st[0] = (struct disj_stmt){ch->r, ch->m};
	st[1] = (struct disj_stmt){ch->r, ch->m - 1};
	CHECK(prove_disj(w, 2, st, (unsigned)ch->m, ch->proof));
out:
	OPENSSL_cleanse(st, sizeof st);
	if (tmp != NULL)
		BN_clear(tmp);
	BN_CTX_end(w->ctx);
	return err;
}

/* What the overall and blank proofs of a question share. */
struct qsum {
	const struct iso_question *q;
	const struct choice *ch; /* its choices */
	char *S;                 /* s0 "|" alpha0 "," beta0 "," alpha1 ... */
	char *sadec, *sbdec;     /* the product of the choices (without blank) */
	BIGNUM *rsum;            /* the sum of their randomness (secret) */
	int msum;                /* and of their votes (secret) */
	json_t *overall, *blankp;
};

static void qsum_clear(struct qsum *qs)
{
	free(qs->S);
	free(qs->sadec);
	free(qs->sbdec);
	BN_clear_free(qs->rsum);
	json_decref(qs->overall);
	json_decref(qs->blankp);
	OPENSSL_cleanse(qs, sizeof *qs);
}

/* The sums over the non-blank choices and the proofs' prefixes. */
static enum iso_err question_sums(struct enc *w, struct qsum *qs)
{
	enum iso_err err = ISO_E_NOMEM;
	const struct iso_group *grp = w->grp;
	const struct iso_question *q = qs->q;
	const struct choice *ch = qs->ch;
	size_t n = iso_question_nchoices(q), first = q->blank ? 1 : 0;
	size_t slen = 0, scap = 0;
	BIGNUM *sa = BN_new(), *sb = BN_new();

	qs->rsum = iso_secret_new();
	qs->overall = json_array();
	qs->blankp = q->blank ? json_array() : NULL;
	if (sa == NULL || sb == NULL || qs->rsum == NULL || qs->overall == NULL ||
	    (q->blank && qs->blankp == NULL))
		goto out;
	BN_zero(qs->rsum);
	if (!BN_copy(sa, BN_value_one()) || !BN_copy(sb, BN_value_one()))
		goto out;
	CHECK(sb_add(&qs->S, &slen, &scap, w->s0));
	CHECK(sb_add(&qs->S, &slen, &scap, "|"));
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			CHECK(sb_add(&qs->S, &slen, &scap, ","));
		CHECK(sb_add(&qs->S, &slen, &scap, ch[i].adec));
		CHECK(sb_add(&qs->S, &slen, &scap, ","));
		CHECK(sb_add(&qs->S, &slen, &scap, ch[i].bdec));
		if (i >= first) {
			CHECK(iso_zq_add(grp, qs->rsum, qs->rsum, ch[i].r));
			qs->msum += ch[i].m;
			if (!q->blank && (!BN_mod_mul(sa, sa, ch[i].alpha, grp->p, w->ctx) ||
					  !BN_mod_mul(sb, sb, ch[i].beta, grp->p, w->ctx))) {
				err = ISO_E_CRYPTO_LIB;
				goto out;
			}
		}
	}
	err = ISO_E_NOMEM;
	if (!q->blank && ((qs->sadec = iso_bn_to_dec(sa)) == NULL ||
			  (qs->sbdec = iso_bn_to_dec(sb)) == NULL))
		goto out;
	err = ISO_OK;
out:
	BN_free(sa);
	BN_free(sb);
	return err;
}

/* The overall proof: min <= msum <= max, or (with blank) m0 = 1 or
 * min <= msum <= max. */
static enum iso_err overall_proof(struct enc *w, struct qsum *qs)
{
	enum iso_err err;
	const struct iso_question *q = qs->q;
	struct disj_stmt st[MAX_DISJ];
	if (q->blank) {
		int m0 = qs->ch[0].m;
		size_t k = (size_t)(q->max - q->min + 2);
		unsigned rho = (unsigned)ct_select_int((unsigned)m0, 0, qs->msum - q->min + 1);
		st[0] = (struct disj_stmt){qs->ch[0].r, m0 - 1};
		for (size_t j = 1; j < k; j++)
			st[j] = (struct disj_stmt){qs->rsum, qs->msum - (q->min + (int)j - 1)};
		if ((err = begin_bproof(w, "bproof1|", qs->S)) == ISO_OK)
			err = prove_disj(w, k, st, rho, qs->overall);
	} else {
		size_t k = (size_t)(q->max - q->min + 1);
		for (size_t j = 0; j < k; j++)
			st[j] = (struct disj_stmt){qs->rsum, qs->msum - (q->min + (int)j)};
		if ((err = begin_prove(w, qs->S, qs->sadec, qs->sbdec)) == ISO_OK)
			err = prove_disj(w, k, st, (unsigned)(qs->msum - q->min), qs->overall);
	}
	OPENSSL_cleanse(st, sizeof st);
	return err;
}

/* The blank proof: m0 = 0 or msum = 0 (the first when not blank), over
 * (alpha0, beta0) and the sum of the others. */
static enum iso_err blank_proof(struct enc *w, struct qsum *qs)
{
	enum iso_err err;
	int m0 = qs->ch[0].m;
	struct disj_stmt st[2] = {{qs->ch[0].r, m0}, {qs->rsum, qs->msum}};
	if ((err = begin_bproof(w, "bproof0|", qs->S)) == ISO_OK)
		err = prove_disj(w, 2, st, (unsigned)m0, qs->blankp);
	OPENSSL_cleanse(st, sizeof st);
	return err;
}

/* The answer's JSON, in Belenios' field order. */
static enum iso_err question_answer(struct qsum *qs, json_t **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	size_t n = iso_question_nchoices(qs->q);
	json_t *ans = json_object(), *choices = json_array(), *ind = json_array();
	if (ans == NULL || choices == NULL || ind == NULL ||
	    json_object_set(ans, "choices", choices) != 0 ||
	    json_object_set(ans, "individual_proofs", ind) != 0 ||
	    json_object_set(ans, "overall_proof", qs->overall) != 0 ||
	    (qs->blankp != NULL && json_object_set(ans, "blank_proof", qs->blankp) != 0))
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_object();
		if (c == NULL || json_array_append_new(choices, c) != 0 ||
		    json_object_set_new(c, "alpha", json_string(qs->ch[i].adec)) != 0 ||
		    json_object_set_new(c, "beta", json_string(qs->ch[i].bdec)) != 0 ||
		    json_array_append(ind, qs->ch[i].proof) != 0)
			goto out;
	}
	*ret = ans;
	ans = NULL;
	err = ISO_OK;
out:
	json_decref(ans);
	json_decref(choices);
	json_decref(ind);
	return err;
}

/* ---- the rounds, each spread over the threads ---- */

struct encryption {
	struct iso_election *e;
	const struct iso_plaintext *pt;
	struct enc *ws; /* one workspace per thread */
	int nthreads;
	const char *dashed; /* the credential, checked */
	BIGNUM *s;          /* its secret */
	BIGNUM *C;          /* the public credential, normal form */
	char *cdec;         /* and in decimal */
	char *s0;           /* the prefix of every proof */
	struct choice *ch;  /* the choices of every question, one after another */
	struct qsum *qs;    /* [question] */
	size_t *blanks;     /* the questions with blank */
	size_t nblanks;
	BIGNUM *sig_nonce, *sig_A; /* the signature's commitment g^nonce */
};

/* How many exponentiations of y one ballot makes: 3 for each choice (its
 * beta and the two disjuncts of its individual proof) and one for each
 * disjunct of the overall and blank proofs. */
static size_t ballot_yexps(const struct iso_election *e)
{
	size_t n = 0;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		const struct iso_question *q = &e->questions[qi];
		n += 3 * iso_question_nchoices(q) + (size_t)(q->max - q->min + 1) +
		     (q->blank ? 3 : 0);
	}
	return n;
}

/* Round 1, independent jobs: the table of y (sized for this one ballot if
 * there is none yet), OpenSSL's random generator (set up on first use, about
 * a millisecond), the credential's secret (PBKDF2) and the table of g (built
 * with the library, for the default group). */
static enum iso_err prepare_job(void *arg, int thread, size_t job)
{
	struct encryption *x = arg;
	const struct iso_fixbase *gtab;
	unsigned char b;
	switch (job) {
	case 0:
		return iso_election_prepare_secret_for(x->e, ballot_yexps(x->e));
	case 1:
		return RAND_priv_bytes(&b, 1) == 1 ? ISO_OK : ISO_E_RANDOM;
	case 2:
		return iso_credential_derive(x->e->grp, x->e->uuid, x->dashed, x->s, NULL,
					     x->ws[thread].ctx);
	default:
		return iso_group_gtable(x->e->grp, true, &gtab);
	}
}

/* Round 2, one job: the public credential and the proofs' prefix; it
 * completes every thread's workspace (the others wait for the round). */
static enum iso_err credential_job(void *arg, int thread, size_t job)
{
	struct encryption *x = arg;
	struct enc *w = &x->ws[thread];
	const struct iso_election *e = x->e;
	const struct iso_fixbase *gtab;
	enum iso_err err;
	size_t len;
	(void)job;
	if ((err = iso_group_gtable(e->grp, true, &gtab)) != ISO_OK)
		return err;
	for (int t = 0; t < x->nthreads; t++) {
		x->ws[t].gtab = gtab;
		x->ws[t].ytab = e->y_secret;
	}
	if ((err = gexp(w, x->C, x->s)) != ISO_OK ||
	    (err = iso_mont_from(e->grp, x->C, x->C, w->ctx)) != ISO_OK)
		return err;
	x->cdec = iso_bn_to_dec(x->C);
	if (x->cdec == NULL)
		return ISO_E_NOMEM;
	len = strlen(e->fingerprint) + strlen(x->cdec) + 2;
	x->s0 = malloc(len);
	if (x->s0 == NULL)
		return ISO_E_NOMEM;
	snprintf(x->s0, len, "%s|%s", e->fingerprint, x->cdec);
	for (int t = 0; t < x->nthreads; t++)
		x->ws[t].s0 = x->s0;
	return ISO_OK;
}

/* Round 3: every choice of every question. */
static enum iso_err choice_job(void *arg, int thread, size_t i)
{
	struct encryption *x = arg;
	x->ch[i].m = x->pt->v[i];
	return encrypt_choice(&x->ws[thread], &x->ch[i]);
}

/* Round 4: every question's sums. */
static enum iso_err sums_job(void *arg, int thread, size_t qi)
{
	struct encryption *x = arg;
	return question_sums(&x->ws[thread], &x->qs[qi]);
}

/* Round 5: the overall proofs (the longest first), the blank proofs, and the
 * signature's commitment. */
static enum iso_err proofs_job(void *arg, int thread, size_t j)
{
	struct encryption *x = arg;
	struct enc *w = &x->ws[thread];
	size_t nq = x->e->nquestions;
	enum iso_err err;
	if (j < nq)
		return overall_proof(w, &x->qs[j]);
	if (j < nq + x->nblanks)
		return blank_proof(w, &x->qs[x->blanks[j - nq]]);
	if ((err = iso_zq_random(w->grp, x->sig_nonce)) != ISO_OK ||
	    (err = gexp(w, x->sig_A, x->sig_nonce)) != ISO_OK)
		return err;
	return iso_mont_from(w->grp, x->sig_A, x->sig_A, w->ctx);
}

/* The signature with the credential over the ballot without it. */
static enum iso_err sign(struct encryption *x, json_t *ballot)
{
	enum iso_err err = ISO_E_NOMEM;
	struct enc *w = &x->ws[0];
	const struct iso_group *grp = x->e->grp;
	BIGNUM *c = BN_new(), *r = BN_new();
	json_t *sig = json_object();
	char *unsigned_s = NULL, h[ISO_B64_HASH_LEN + 1];
	size_t ulen = 0;
	if (c == NULL || r == NULL || sig == NULL)
		goto out;
	CHECK(iso_json_dump(ballot, &unsigned_s, &ulen));
	iso_sha256_b64(unsigned_s, ulen, h);
	CHECK(iso_fs_begin(&w->fs));
	CHECK(iso_fs_str(&w->fs, "sig|"));
	CHECK(iso_fs_str(&w->fs, h));
	CHECK(iso_fs_str(&w->fs, "|"));
	CHECK(iso_fs_elt(&w->fs, x->sig_A));
	CHECK(iso_fs_finish(&w->fs, grp, c, w->ctx));
	CHECK(iso_zq_mulsub(grp, r, x->sig_nonce, x->s, c, w->ctx));
	err = ISO_E_NOMEM;
	if (json_object_set_new(sig, "hash", json_string(h)) != 0 ||
	    json_object_set_new(sig, "proof", proof_json(c, r)) != 0 ||
	    json_object_set(ballot, "signature", sig) != 0)
		goto out;
	err = ISO_OK;
out:
	BN_free(c);
	BN_free(r);
	json_decref(sig);
	free(unsigned_s);
	return err;
}

static void enc_free(struct enc *w)
{
	BN_CTX_free(w->ctx);
	iso_fs_free(&w->fs);
}

enum iso_err iso_ballot_encrypt(struct iso_election *e, const char *cred,
				const struct iso_plaintext *pt, int threads, char **ret_ballot,
				size_t *ret_len)
{
	enum iso_err err = ISO_E_NOMEM;
	struct enc w = {0};
	struct encryption x = {.e = e, .pt = pt};
	char dashed[ISO_CREDENTIAL_LEN + 1];
	BIGNUM *g_mont = BN_new();
	json_t *ballot = json_object(), *answers = json_array();
	size_t nq = e->nquestions;

	/* what every thread's workspace shares */
	w.grp = e->grp;
	w.pbytes = e->grp->pbytes;
	w.qbytes = (e->grp->qbits + 7) / 8;
	w.qmk = BN_dup(e->grp->q);
	w.g_mont = g_mont;
	x.s = iso_secret_new();
	x.C = BN_new();
	x.sig_nonce = iso_secret_new();
	x.sig_A = BN_new();
	x.nthreads = iso_parallel_threads(threads, e->nchoices_total);
	x.ws = calloc((size_t)x.nthreads, sizeof *x.ws);
	x.ch = calloc(e->nchoices_total, sizeof *x.ch);
	x.qs = calloc(nq, sizeof *x.qs);
	x.blanks = calloc(nq, sizeof *x.blanks);
	if (g_mont == NULL || ballot == NULL || answers == NULL || w.qmk == NULL ||
	    !BN_sub_word(w.qmk, DISJ_OFFSET) || x.s == NULL || x.C == NULL ||
	    x.sig_nonce == NULL || x.sig_A == NULL || x.ws == NULL || x.ch == NULL ||
	    x.qs == NULL || x.blanks == NULL)
		goto out;
	for (int t = 0; t < x.nthreads; t++) {
		x.ws[t] = w;
		x.ws[t].ctx = BN_CTX_secure_new();
		if (x.ws[t].ctx == NULL)
			goto out;
		CHECK(iso_fs_init(&x.ws[t].fs));
	}
	if (!BN_to_montgomery(g_mont, e->grp->g, e->grp->mont, x.ws[0].ctx)) {
		err = ISO_E_CRYPTO_LIB;
		goto out;
	}
	CHECK(iso_plaintext_check(e, pt, NULL));
	CHECK(iso_credential_parse(cred, strlen(cred), dashed));
	x.dashed = dashed;
	for (size_t qi = 0, off = 0; qi < nq; qi++) {
		x.qs[qi].q = &e->questions[qi];
		x.qs[qi].ch = x.ch + off;
		off += iso_question_nchoices(&e->questions[qi]);
		if (e->questions[qi].blank)
			x.blanks[x.nblanks++] = qi;
	}
	const struct iso_round rounds[] = {
		{4, prepare_job},
		{1, credential_job},
		{e->nchoices_total, choice_job},
		{nq, sums_job},
		{nq + x.nblanks + 1, proofs_job},
	};
	CHECK(iso_parallel_rounds(rounds, sizeof rounds / sizeof rounds[0], x.nthreads, &x));

	for (size_t qi = 0; qi < nq; qi++) {
		json_t *ans = NULL;
		CHECK(question_answer(&x.qs[qi], &ans));
		if (json_array_append_new(answers, ans) != 0) {
			err = ISO_E_NOMEM;
			goto out;
		}
	}
	err = ISO_E_NOMEM;
	if (json_object_set_new(ballot, "election_uuid", json_string(e->uuid)) != 0 ||
	    json_object_set_new(ballot, "election_hash", json_string(e->fingerprint)) != 0 ||
	    json_object_set_new(ballot, "credential", json_string(x.cdec)) != 0 ||
	    json_object_set(ballot, "answers", answers) != 0)
		goto out;
	CHECK(sign(&x, ballot));
	CHECK(iso_json_dump(ballot, ret_ballot, ret_len));
out:
	OPENSSL_cleanse(dashed, sizeof dashed);
	for (size_t i = 0; x.ch != NULL && i < e->nchoices_total; i++)
		choice_clear(&x.ch[i]);
	for (size_t qi = 0; x.qs != NULL && qi < nq; qi++)
		qsum_clear(&x.qs[qi]);
	for (int t = 0; x.ws != NULL && t < x.nthreads; t++)
		enc_free(&x.ws[t]);
	free(x.ch);
	free(x.qs);
	free(x.blanks);
	free(x.ws);
	BN_clear_free(x.s);
	BN_clear_free(x.sig_nonce);
	BN_free(x.sig_A);
	BN_free(x.C);
	free(x.cdec);
	free(x.s0);
	BN_free(g_mont);
	BN_free(w.qmk);
	json_decref(answers);
	json_decref(ballot);
	return err;
}
