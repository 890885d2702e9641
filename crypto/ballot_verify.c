/* Ballot verification: every check belenios-tool makes, in its order.
 * Design: a proof's commitments A = g^r X^c must be recomputed exactly (they
 * are hashed), so the variable-base powers X^c are the floor of the cost.
 * Each alpha and beta is raised to three exponents (two challenges and q for
 * the membership test), which share one comb precomputation (group.h); the
 * g and y parts use the election's fixed-base tables. The membership test is
 * exact, element by element: (p-1)/q has the small factors 2 and 3, which a
 * batched random-exponent test would let through with probability 1/2 or
 * 1/3, and the rest of (p-1)/q is not factored. Sums over choices are
 * products of tested elements, hence members, and are not tested again. */
#include "ballot.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"
#include "tally.h"

enum { VB_A, VB_B, VB_A0, VB_B0, VB_SA, VB_SB, VB_COUNT };

struct iso_ballot_verifier {
	struct iso_election *e;
	const struct iso_group *grp;
	const struct iso_fixbase *gtab;
	BN_CTX *ctx;
	struct iso_fs fs;
	struct iso_varbase vb[VB_COUNT];
	BIGNUM *c, *r, *A, *B, *t, *h, *sum, *x, *sa, *sb, *qmc;
	/* tally accumulation */
	bool accumulate;
	BIGNUM **acc_a, **acc_b;   /* running product, Montgomery form */
	BIGNUM **last_a, **last_b; /* last verified ballot, Montgomery form */
	bool last_ok;
	unsigned long ntallied;
	unsigned long long weight;
};

void iso_ballot_verifier_free(struct iso_ballot_verifier *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < VB_COUNT; i++)
		iso_varbase_free(&v->vb[i]);
	BN_free(v->c);
	BN_free(v->r);
	BN_free(v->A);
	BN_free(v->B);
	BN_free(v->t);
	BN_free(v->h);
	BN_free(v->sum);
	BN_free(v->x);
	BN_free(v->sa);
	BN_free(v->sb);
	BN_free(v->qmc);
	for (size_t i = 0; v->acc_a != NULL && i < v->e->nchoices_total; i++) {
		BN_free(v->acc_a[i]);
		BN_free(v->acc_b[i]);
		BN_free(v->last_a[i]);
		BN_free(v->last_b[i]);
	}
	free(v->acc_a);
	free(v->acc_b);
	free(v->last_a);
	free(v->last_b);
	iso_fs_free(&v->fs);
	BN_CTX_free(v->ctx);
	free(v);
}

enum iso_err iso_ballot_verifier_new(struct iso_election *e, bool accumulate,
				     struct iso_ballot_verifier **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	struct iso_ballot_verifier *v = calloc(1, sizeof *v);
	if (v == NULL)
		return err;
	v->e = e;
	v->grp = e->grp;
	v->ctx = BN_CTX_new();
	if (v->ctx == NULL || iso_fs_init(&v->fs) != ISO_OK)
		goto fail;
	for (int i = 0; i < VB_COUNT; i++)
		if (iso_varbase_init(&v->vb[i], e->grp) != ISO_OK)
			goto fail;
	BIGNUM **all[] = {&v->c, &v->r, &v->A, &v->B, &v->t, &v->h, &v->sum, &v->x, &v->sa, &v->sb, &v->qmc};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if ((*all[i] = BN_new()) == NULL)
			goto fail;
	v->accumulate = accumulate;
	if (accumulate) {
		size_t n = e->nchoices_total;
		v->acc_a = calloc(n, sizeof(BIGNUM *));
		v->acc_b = calloc(n, sizeof(BIGNUM *));
		v->last_a = calloc(n, sizeof(BIGNUM *));
		v->last_b = calloc(n, sizeof(BIGNUM *));
		if (v->acc_a == NULL || v->acc_b == NULL || v->last_a == NULL || v->last_b == NULL)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			v->acc_a[i] = BN_dup(e->grp->mont_one);
			v->acc_b[i] = BN_dup(e->grp->mont_one);
			v->last_a[i] = BN_new();
			v->last_b[i] = BN_new();
			if (v->acc_a[i] == NULL || v->acc_b[i] == NULL || v->last_a[i] == NULL ||
			    v->last_b[i] == NULL)
				goto fail;
		}
	}
	if ((err = iso_group_gtable(e->grp, false, &v->gtab)) != ISO_OK ||
	    (err = iso_election_prepare(e, false)) != ISO_OK)
		goto fail;
	*ret = v;
	return ISO_OK;
fail:
	iso_ballot_verifier_free(v);
	return err == ISO_OK ? ISO_E_NOMEM : err;
}

#define CHECK(expr)                          \
	do {                                 \
		if ((err = (expr)) != ISO_OK) \
			return err;          \
	} while (0)

/* Read one {challenge, response} into v->c, v->r: a number spelt another
 * way makes the ballot not canonical. */
static enum iso_err read_proof(struct iso_ballot_verifier *v, const json_t *j)
{
	enum iso_err err = iso_proof_read(v->grp, j, &v->c, &v->r);
	return err == ISO_E_NUMBER ? ISO_E_NOT_CANONICAL : err;
}

/* One disjunct: A = g^r X^c, B = y^r Y^c g^(-M c), with X, Y as combs;
 * hashes A and B in that order. c and r are in v->c, v->r. */
static enum iso_err commit_disjunct(struct iso_ballot_verifier *v, const struct iso_varbase *X,
				    const struct iso_varbase *Y, int M)
{
	const struct iso_group *grp = v->grp;
	enum iso_err err;
	CHECK(iso_fixbase_exp_mont(v->gtab, v->A, v->r, v->ctx));
	CHECK(iso_varbase_exp_mont(X, v->t, v->c, v->ctx));
	CHECK(iso_mont_mul(grp, v->A, v->A, v->t, v->ctx));
	CHECK(iso_election_yexp_mont(v->e, v->B, v->r, false, v->ctx));
	CHECK(iso_varbase_exp_mont(Y, v->t, v->c, v->ctx));
	CHECK(iso_mont_mul(grp, v->B, v->B, v->t, v->ctx));
	if (M != 0 && !BN_is_zero(v->c)) {
		/* g^(-M c) = g^(q - (M c mod q)) */
		if (!BN_set_word(v->qmc, (BN_ULONG)M) ||
		    !BN_mod_mul(v->qmc, v->qmc, v->c, grp->q, v->ctx))
			return ISO_E_CRYPTO_LIB;
		if (!BN_is_zero(v->qmc)) {
			if (!BN_sub(v->qmc, grp->q, v->qmc))
				return ISO_E_CRYPTO_LIB;
			CHECK(iso_fixbase_exp_mont(v->gtab, v->t, v->qmc, v->ctx));
			CHECK(iso_mont_mul(grp, v->B, v->B, v->t, v->ctx));
		}
	}
	CHECK(iso_mont_from(grp, v->A, v->A, v->ctx));
	CHECK(iso_mont_from(grp, v->B, v->B, v->ctx));
	CHECK(iso_fs_elt(&v->fs, v->A));
	CHECK(iso_fs_elt(&v->fs, v->B));
	return ISO_OK;
}

/* Verify a disjunctive proof list of k entries, disjunct j on the bases
 * (X[j], Y[j]) claiming M[j]; the hash must already hold its prefix. */
static enum iso_err verify_disj(struct iso_ballot_verifier *v, const json_t *list, size_t k,
				const struct iso_varbase *const *X,
				const struct iso_varbase *const *Y, const int *M,
				enum iso_err bad)
{
	enum iso_err err;
	if (json_array_size(list) != k)
		return ISO_E_PROOF_COUNT;
	BN_zero(v->sum);
	for (size_t j = 0; j < k; j++) {
		CHECK(read_proof(v, json_array_get(list, j)));
		if (!BN_mod_add(v->sum, v->sum, v->c, v->grp->q, v->ctx))
			return ISO_E_CRYPTO_LIB;
		CHECK(commit_disjunct(v, X[j], Y[j], M[j]));
	}
	CHECK(iso_fs_finish(&v->fs, v->grp, v->h, v->ctx));
	return BN_cmp(v->h, v->sum) == 0 ? ISO_OK : bad;
}

/* Begin a hash with the concatenation of the given strings (NULL-ended). */
static enum iso_err fs_prefix(struct iso_fs *fs, ...)
{
	va_list ap;
	const char *part;
	enum iso_err err = iso_fs_begin(fs);
	va_start(ap, fs);
	while (err == ISO_OK && (part = va_arg(ap, const char *)) != NULL)
		err = iso_fs_str(fs, part);
	va_end(ap);
	return err;
}

static const struct iso_field answer_fields[] = {
	{"choices", JSON_ARRAY, false},
	{"individual_proofs", JSON_ARRAY, false},
	{"overall_proof", JSON_ARRAY, false},
	{"blank_proof", JSON_ARRAY, true},
};

static const struct iso_field ciphertext_fields[] = {
	{"alpha", JSON_STRING, false},
	{"beta", JSON_STRING, false},
};

/* Shape and canonical numbers of one answer, before any arithmetic. */
static enum iso_err answer_shape(const json_t *ans, json_t **f)
{
	json_t *cf[2];
	enum iso_err err;
	if ((err = iso_json_fields(ans, answer_fields, 4, f)) != ISO_OK)
		return err;
	for (size_t i = 0; i < json_array_size(f[0]); i++) {
		if ((err = iso_json_fields(json_array_get(f[0], i), ciphertext_fields, 2, cf)) != ISO_OK)
			return err;
		for (int k = 0; k < 2; k++)
			if (!iso_dec_is_canonical(json_string_value(cf[k]), json_string_length(cf[k])))
				return ISO_E_NOT_CANONICAL;
	}
	for (size_t i = 0; i < json_array_size(f[1]); i++)
		if (!json_is_array(json_array_get(f[1], i)))
			return ISO_E_SHAPE;
	return ISO_OK;
}

static enum iso_err verify_answer(struct iso_ballot_verifier *v, const char *s0,
				  const struct iso_question *q, const json_t *ans, size_t off,
				  struct iso_where *where)
{
	enum iso_err err;
	json_t *f[4];
	size_t n = iso_question_nchoices(q);
	const struct iso_group *grp = v->grp;
	const struct iso_varbase *X[ISO_MAX_ANSWERS + 2], *Y[ISO_MAX_ANSWERS + 2];
	int M[ISO_MAX_ANSWERS + 2];
	char *S = NULL, *sad = NULL, *sbd = NULL;
	size_t slen, pos;

	CHECK(answer_shape(ans, f));
	if (json_array_size(f[0]) != n)
		return ISO_E_CHOICE_COUNT;
	if (json_array_size(f[1]) != n)
		return ISO_E_PROOF_COUNT;
	if (q->blank && f[3] == NULL)
		return ISO_E_MISSING_BLANK_PROOF;
	if (!q->blank && f[3] != NULL)
		return ISO_E_UNEXPECTED_BLANK_PROOF;

	/* S = s0 "|" a1 "," b1 "," ... over all choices */
	slen = strlen(s0) + 1;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(f[0], i);
		slen += json_string_length(json_object_get(c, "alpha")) +
			json_string_length(json_object_get(c, "beta")) + 2;
	}
	S = malloc(slen + 1);
	if (S == NULL)
		return ISO_E_NOMEM;
	pos = (size_t)snprintf(S, slen + 1, "%s|", s0);

	if (!BN_copy(v->sa, grp->mont_one) || !BN_copy(v->sb, grp->mont_one)) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(f[0], i);
		const char *ad = json_string_value(json_object_get(c, "alpha"));
		const char *bd = json_string_value(json_object_get(c, "beta"));
		struct iso_varbase *va = &v->vb[i == 0 ? VB_A0 : VB_A];
		struct iso_varbase *vb = &v->vb[i == 0 ? VB_B0 : VB_B];
		if (where != NULL)
			where->choice = (int)i;
		pos += (size_t)snprintf(S + pos, slen + 1 - pos, "%s%s,%s", i ? "," : "", ad, bd);
		/* membership of alpha and beta, exactly */
		if ((err = iso_bn_from_dec(&v->x, ad)) != ISO_OK)
			goto out;
		if (BN_is_zero(v->x) || BN_cmp(v->x, grp->p) >= 0 ||
		    (err = iso_varbase_set(va, v->x, v->ctx)) != ISO_OK ||
		    !iso_varbase_in_subgroup(va, v->t, v->ctx)) {
			err = err != ISO_OK ? err : ISO_E_NOT_GROUP_ELEMENT;
			goto out;
		}
		if ((err = iso_bn_from_dec(&v->x, bd)) != ISO_OK)
			goto out;
		if (BN_is_zero(v->x) || BN_cmp(v->x, grp->p) >= 0 ||
		    (err = iso_varbase_set(vb, v->x, v->ctx)) != ISO_OK ||
		    !iso_varbase_in_subgroup(vb, v->t, v->ctx)) {
			err = err != ISO_OK ? err : ISO_E_NOT_GROUP_ELEMENT;
			goto out;
		}
		/* individual proof: the choice is 0 or 1 */
		if ((err = fs_prefix(&v->fs, "prove|", s0, "|", ad, ",", bd, "|", NULL)) != ISO_OK)
			goto out;
		X[0] = X[1] = va;
		Y[0] = Y[1] = vb;
		M[0] = 0;
		M[1] = 1;
		err = verify_disj(v, json_array_get(f[1], i), 2, X, Y, M, ISO_E_BAD_INDIVIDUAL_PROOF);
		if (err != ISO_OK)
			goto out;
		if (v->accumulate && (!BN_copy(v->last_a[off + i], va->x) ||
				      !BN_copy(v->last_b[off + i], vb->x))) {
			err = ISO_E_NOMEM;
			goto out;
		}
		if (i >= (q->blank ? 1u : 0u) &&
		    ((err = iso_mont_mul(grp, v->sa, v->sa, va->x, v->ctx)) != ISO_OK ||
		     (err = iso_mont_mul(grp, v->sb, v->sb, vb->x, v->ctx)) != ISO_OK))
			goto out;
	}
	if (where != NULL)
		where->choice = -1;
	/* the sums, as bases of their own */
	if ((err = iso_mont_from(grp, v->x, v->sa, v->ctx)) != ISO_OK ||
	    (err = iso_varbase_set(&v->vb[VB_SA], v->x, v->ctx)) != ISO_OK)
		goto out;
	if (!q->blank && (sad = iso_bn_to_dec(v->x)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if ((err = iso_mont_from(grp, v->x, v->sb, v->ctx)) != ISO_OK ||
	    (err = iso_varbase_set(&v->vb[VB_SB], v->x, v->ctx)) != ISO_OK)
		goto out;
	if (!q->blank && (sbd = iso_bn_to_dec(v->x)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if (q->blank) {
		size_t k = (size_t)(q->max - q->min + 2);
		/* blank_proof: m0 = 0 or sum = 0 */
		if ((err = fs_prefix(&v->fs, "bproof0|", S, "|", NULL)) != ISO_OK)
			goto out;
		X[0] = &v->vb[VB_A0];
		Y[0] = &v->vb[VB_B0];
		X[1] = &v->vb[VB_SA];
		Y[1] = &v->vb[VB_SB];
		M[0] = M[1] = 0;
		if ((err = verify_disj(v, f[3], 2, X, Y, M, ISO_E_BAD_BLANK_PROOF)) != ISO_OK)
			goto out;
		/* overall_proof: m0 = 1 or min <= sum <= max */
		if ((err = fs_prefix(&v->fs, "bproof1|", S, "|", NULL)) != ISO_OK)
			goto out;
		M[0] = 1;
		for (size_t j = 1; j < k; j++) {
			X[j] = &v->vb[VB_SA];
			Y[j] = &v->vb[VB_SB];
			M[j] = q->min + (int)j - 1;
		}
		err = verify_disj(v, f[2], k, X, Y, M, ISO_E_BAD_OVERALL_PROOF);
	} else {
		size_t k = (size_t)(q->max - q->min + 1);
		if ((err = fs_prefix(&v->fs, "prove|", S, "|", sad, ",", sbd, "|", NULL)) != ISO_OK)
			goto out;
		for (size_t j = 0; j < k; j++) {
			X[j] = &v->vb[VB_SA];
			Y[j] = &v->vb[VB_SB];
			M[j] = q->min + (int)j;
		}
		err = verify_disj(v, f[2], k, X, Y, M, ISO_E_BAD_OVERALL_PROOF);
	}
out:
	free(S);
	free(sad);
	free(sbd);
	return err;
}

static const struct iso_field ballot_fields[] = {
	{"election_uuid", JSON_STRING, false},
	{"election_hash", JSON_STRING, false},
	{"credential", JSON_STRING, false},
	{"answers", JSON_ARRAY, false},
	{"signature", JSON_OBJECT, true},
};

static const struct iso_field signature_fields[] = {
	{"hash", JSON_STRING, false},
	{"proof", JSON_OBJECT, false},
};

/* The signed string is the ballot without its signature member: because the
 * ballot is canonical and the signature comes last, it is the raw bytes up
 * to ',"signature":' followed by '}'. */
static enum iso_err signed_hash(const char *raw, size_t len, char out[ISO_B64_HASH_LEN + 1])
{
	static const char marker[] = ",\"signature\":{";
	const char *p = NULL;
	uint8_t d[32];
	unsigned int dl = 0;
	EVP_MD_CTX *md;
	for (size_t i = len; i-- > 0;)
		if (raw[i] == ',' && len - i >= sizeof marker - 1 &&
		    memcmp(raw + i, marker, sizeof marker - 1) == 0) {
			p = raw + i;
			break;
		}
	if (p == NULL)
		return ISO_E_SHAPE;
	md = EVP_MD_CTX_new();
	if (md == NULL)
		return ISO_E_NOMEM;
	if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, raw, (size_t)(p - raw)) || !EVP_DigestUpdate(md, "}", 1) ||
	    !EVP_DigestFinal_ex(md, d, &dl)) {
		EVP_MD_CTX_free(md);
		return ISO_E_CRYPTO_LIB;
	}
	EVP_MD_CTX_free(md);
	iso_b64_digest(d, out);
	return ISO_OK;
}

static enum iso_err verify_signature(struct iso_ballot_verifier *v, const json_t *sig,
				     const char *raw, size_t len, const BIGNUM *cred,
				     bool cred_checked)
{
	enum iso_err err;
	json_t *f[2];
	char h[ISO_B64_HASH_LEN + 1];
	if ((err = iso_json_fields(sig, signature_fields, 2, f)) != ISO_OK)
		return err;
	CHECK(signed_hash(raw, len, h));
	if (strcmp(h, json_string_value(f[0])) != 0)
		return ISO_E_SIGNATURE_HASH;
	if (!cred_checked && !iso_group_is_member(v->grp, cred, v->ctx))
		return ISO_E_NOT_GROUP_ELEMENT;
	CHECK(read_proof(v, f[1]));
	/* A = g^r C^c; c = H("sig|" h "|", [A]) */
	CHECK(iso_fixbase_exp_mont(v->gtab, v->A, v->r, v->ctx));
	CHECK(iso_mont_from(v->grp, v->A, v->A, v->ctx));
	CHECK(iso_group_exp(v->grp, v->t, cred, v->c, v->ctx));
	CHECK(iso_group_mul(v->grp, v->A, v->A, v->t, v->ctx));
	CHECK(fs_prefix(&v->fs, "sig|", h, "|", NULL));
	CHECK(iso_fs_elt(&v->fs, v->A));
	CHECK(iso_fs_finish(&v->fs, v->grp, v->h, v->ctx));
	return BN_cmp(v->h, v->c) == 0 ? ISO_OK : ISO_E_BAD_SIGNATURE;
}

enum iso_err iso_ballot_verify(struct iso_ballot_verifier *v, const struct iso_credset *creds,
			       const char *raw, size_t len, struct iso_ballot_facts *ret_facts,
			       struct iso_where *where)
{
	enum iso_err err;
	json_t *j = NULL, *f[5];
	struct iso_election *e = v->e;
	const char *cdec;
	char *s0 = NULL;
	long ci = -1;
	size_t off = 0;

	v->last_ok = false;
	if (where != NULL)
		iso_ballot_tracker(raw, len, where->tracker);
	if ((err = iso_json_parse(raw, len, &j)) != ISO_OK)
		return err;
	if ((err = iso_json_fields(j, ballot_fields, 5, f)) != ISO_OK)
		goto out;
	for (size_t qi = 0; qi < json_array_size(f[3]); qi++) {
		json_t *af[4];
		if ((err = answer_shape(json_array_get(f[3], qi), af)) != ISO_OK) {
			if (where != NULL)
				where->question = (int)qi;
			goto out;
		}
	}
	cdec = json_string_value(f[2]);
	if (!iso_dec_is_canonical(cdec, json_string_length(f[2])) ||
	    !iso_json_is_canonical(j, raw, len)) {
		err = ISO_E_NOT_CANONICAL;
		goto out;
	}
	if (creds != NULL && (ci = iso_credset_find(creds, cdec, json_string_length(f[2]))) < 0) {
		err = ISO_E_UNKNOWN_CREDENTIAL;
		goto out;
	}
	if (strcmp(json_string_value(f[0]), e->uuid) != 0) {
		err = ISO_E_WRONG_ELECTION;
		goto out;
	}
	if (strcmp(json_string_value(f[1]), e->fingerprint) != 0) {
		err = ISO_E_WRONG_ELECTION_HASH;
		goto out;
	}
	if (f[4] == NULL) {
		err = ISO_E_MISSING_SIGNATURE;
		goto out;
	}
	if ((err = iso_bn_from_dec(&v->x, cdec)) != ISO_OK)
		goto out;
	if ((err = verify_signature(v, f[4], raw, len, v->x, creds != NULL)) != ISO_OK)
		goto out;
	if (json_array_size(f[3]) != e->nquestions) {
		err = ISO_E_ANSWER_COUNT;
		goto out;
	}
	s0 = malloc(strlen(e->fingerprint) + strlen(cdec) + 2);
	if (s0 == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	snprintf(s0, strlen(e->fingerprint) + strlen(cdec) + 2, "%s|%s", e->fingerprint, cdec);
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		if (where != NULL)
			where->question = (int)qi;
		err = verify_answer(v, s0, &e->questions[qi], json_array_get(f[3], qi), off, where);
		if (err != ISO_OK)
			goto out;
		off += iso_question_nchoices(&e->questions[qi]);
	}
	if (where != NULL)
		where->question = -1;
	if (ret_facts != NULL) {
		ret_facts->credential_index = ci;
		iso_ballot_tracker(raw, len, ret_facts->tracker);
	}
	v->last_ok = true;
	err = ISO_OK;
out:
	free(s0);
	json_decref(j);
	return err;
}

enum iso_err iso_ballot_verifier_accumulate(struct iso_ballot_verifier *v,
					    unsigned long long weight)
{
	enum iso_err err;
	const struct iso_group *grp = v->grp;
	if (!v->accumulate || !v->last_ok)
		return ISO_E_INVALID_ARG;
	for (size_t i = 0; i < v->e->nchoices_total; i++) {
		if (weight != 1) {
			if (!BN_set_word(v->t, (BN_ULONG)weight))
				return ISO_E_CRYPTO_LIB;
			CHECK(iso_mont_from(grp, v->x, v->last_a[i], v->ctx));
			CHECK(iso_group_exp(grp, v->x, v->x, v->t, v->ctx));
			CHECK(iso_mont_to(grp, v->last_a[i], v->x, v->ctx));
			CHECK(iso_mont_from(grp, v->x, v->last_b[i], v->ctx));
			CHECK(iso_group_exp(grp, v->x, v->x, v->t, v->ctx));
			CHECK(iso_mont_to(grp, v->last_b[i], v->x, v->ctx));
		}
		CHECK(iso_mont_mul(grp, v->acc_a[i], v->acc_a[i], v->last_a[i], v->ctx));
		CHECK(iso_mont_mul(grp, v->acc_b[i], v->acc_b[i], v->last_b[i], v->ctx));
	}
	v->last_ok = false;
	v->ntallied++;
	v->weight += weight;
	return ISO_OK;
}

enum iso_err iso_ballot_verifier_merge_tally(struct iso_ballot_verifier *v, struct iso_tally *t)
{
	enum iso_err err;
	if (!v->accumulate || t->e != v->e)
		return ISO_E_INVALID_ARG;
	for (size_t i = 0; i < t->n; i++) {
		CHECK(iso_mont_from(v->grp, v->x, v->acc_a[i], v->ctx));
		CHECK(iso_group_mul(v->grp, t->alpha[i], t->alpha[i], v->x, v->ctx));
		CHECK(iso_mont_from(v->grp, v->x, v->acc_b[i], v->ctx));
		CHECK(iso_group_mul(v->grp, t->beta[i], t->beta[i], v->x, v->ctx));
	}
	t->num_tallied += v->ntallied;
	t->total_weight += v->weight;
	return ISO_OK;
}
