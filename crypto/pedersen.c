/* The Pedersen threshold key ceremony and the check of its parameters (see
 * pedersen.h). Trustee i's polynomial f_i has T secret coefficients a_ik and
 * public commitments A_ik = g^a_ik; trustee j receives s_ij = f_i(j) from
 * every i and keeps pdk_j = sum_i s_ij; its verification key is
 * g^pdk_j = prod_k B_k^(j^k) with B_k = prod_i A_ik, which anyone can check.
 * Rule: coefficients, shares and decryption keys are secret BIGNUMs wiped on
 * every path; the JSON that carries them is wiped by the allocator. */
#include "pedersen.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "scalar.h"
#include "trustees.h"

#define MAX_TRUSTEES 1024

static void blame(struct iso_where *where, size_t index0)
{
	if (where != NULL)
		where->trustee = (int)index0 + 1;
}

static void bn_array_free(BIGNUM **a, size_t n)
{
	for (size_t i = 0; a != NULL && i < n; i++)
		BN_clear_free(a[i]);
	free(a);
}

static void str_array_free(char **a, size_t n)
{
	for (size_t i = 0; a != NULL && i < n; i++)
		iso_secret_str_free(a[i]);
	free(a);
}

/* ---- lines of a .jsons file ---- */

struct lines {
	size_t n;
	json_t **v;
};

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		json_decref(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Parse each non-blank line as JSON; where->trustee names a bad line. */
static enum iso_err lines_parse(const char *text, size_t len, struct lines *ret,
				struct iso_where *where)
{
	size_t cap = 0;
	const char *p = text, *end = text + len;
	ret->n = 0;
	ret->v = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		bool blank = true;
		for (const char *q = p; q < e; q++)
			blank = blank && (*q == ' ' || *q == '\t' || *q == '\r');
		if (!blank) {
			json_t *v;
			enum iso_err err;
			if (ret->n == MAX_TRUSTEES) {
				lines_free(ret);
				return ISO_E_TOO_LARGE;
			}
			if (ret->n == cap) {
				json_t **nv = realloc(ret->v, (cap = cap ? 2 * cap : 8) * sizeof *nv);
				if (nv == NULL) {
					lines_free(ret);
					return ISO_E_NOMEM;
				}
				ret->v = nv;
			}
			if ((err = iso_json_parse(p, (size_t)(e - p), &v)) != ISO_OK) {
				blame(where, ret->n);
				lines_free(ret);
				return err;
			}
			ret->v[ret->n++] = v;
		}
		p = e + 1;
	}
	return ISO_OK;
}

/* ---- certificates ---- */

void iso_pedersen_certs_free(struct iso_pedersen_certs *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		BN_free(c->vk != NULL ? c->vk[i] : NULL);
		BN_free(c->ek != NULL ? c->ek[i] : NULL);
	}
	free(c->vk);
	free(c->ek);
	free(c->ids);
	json_decref(c->certs);
	free(c);
}

/* Check an array of certificates; takes a reference to arr. */
static enum iso_err certs_of_array(const struct iso_group *grp, json_t *arr,
				   struct iso_pedersen_certs **ret, struct iso_where *where,
				   BN_CTX *ctx)
{
	struct iso_pedersen_certs *c = calloc(1, sizeof *c);
	size_t n = json_array_size(arr);
	enum iso_err err = ISO_E_NOMEM;
	if (c == NULL)
		return err;
	c->certs = json_incref(arr);
	if (n == 0 || n > MAX_TRUSTEES) {
		err = ISO_E_TRUSTEE_COUNT;
		goto out;
	}
	c->vk = calloc(n, sizeof *c->vk);
	c->ek = calloc(n, sizeof *c->ek);
	c->ids = calloc(n, sizeof *c->ids);
	if (c->vk == NULL || c->ek == NULL || c->ids == NULL)
		goto out;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		json_t *cert = json_array_get(arr, i), *msg = json_object_get(cert, "message");
		err = iso_pki_cert_keys(grp, cert, &c->vk[i], &c->ek[i], ctx);
		if (err != ISO_OK) {
			blame(where, i);
			goto out;
		}
		iso_sha256_hex(json_string_value(msg), json_string_length(msg), c->ids[i]);
	}
	*ret = c;
	return ISO_OK;
out:
	iso_pedersen_certs_free(c);
	return err;
}

enum iso_err iso_pedersen_certs_read(const struct iso_group *grp, const char *text, size_t len,
				     struct iso_pedersen_certs **ret, struct iso_where *where)
{
	struct lines l;
	json_t *arr = json_array();
	BN_CTX *ctx = BN_CTX_new();
	struct iso_pedersen_certs *c = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (arr == NULL || ctx == NULL)
		goto out;
	if ((err = lines_parse(text, len, &l, where)) != ISO_OK)
		goto out;
	for (size_t i = 0; i < l.n; i++)
		if (json_array_append(arr, l.v[i]) != 0) {
			lines_free(&l);
			err = ISO_E_NOMEM;
			goto out;
		}
	lines_free(&l);
	if ((err = certs_of_array(grp, arr, &c, where, ctx)) != ISO_OK)
		goto out;
	/* a trustee finds itself by its keys: they must be unique */
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < i; j++)
			if (BN_cmp(c->vk[i], c->vk[j]) == 0 || BN_cmp(c->ek[i], c->ek[j]) == 0) {
				blame(where, i);
				err = ISO_E_DUPLICATE_CERTIFICATE;
				goto out;
			}
	*ret = c;
	c = NULL;
out:
	iso_pedersen_certs_free(c);
	json_decref(arr);
	BN_CTX_free(ctx);
	return err;
}

/* The index of the certificate of seed's keys; *ret_sk and *ret_dk get the
 * keys (secret, not reduced). */
static enum iso_err certs_find(const struct iso_group *grp, const struct iso_pedersen_certs *c,
			       const char *seed, BIGNUM *sk, BIGNUM *dk, size_t *ret_i,
			       BN_CTX *ctx)
{
	BIGNUM *t = iso_secret_new(), *vk = BN_new(), *ek = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (t == NULL || vk == NULL || ek == NULL)
		goto out;
	if ((err = iso_pki_derive(seed, sk, dk)) != ISO_OK)
		goto out;
	err = ISO_E_CRYPTO_LIB;
	if (BN_nnmod(t, sk, grp->q, ctx) != 1 || iso_group_gexp_ct(grp, vk, t, ctx) != ISO_OK ||
	    BN_nnmod(t, dk, grp->q, ctx) != 1 || iso_group_gexp_ct(grp, ek, t, ctx) != ISO_OK)
		goto out;
	err = ISO_E_CERT_NOT_FOUND;
	for (size_t i = 0; i < c->n; i++)
		if (BN_cmp(vk, c->vk[i]) == 0 && BN_cmp(ek, c->ek[i]) == 0) {
			*ret_i = i;
			err = ISO_OK;
			break;
		}
out:
	BN_clear_free(t);
	BN_free(vk);
	BN_free(ek);
	return err;
}

/* ---- commitments ---- */

/* A signed {"coefexps":[...]} from trustee i: signature by vk, every
 * element in the group, T of them (T = *io_T, or any if *io_T is 0, then
 * set). *ret is an array of T elements. */
static enum iso_err coefexps_read(const struct iso_group *grp, const BIGNUM *vk,
				  const json_t *signed_msg, int *io_T, BIGNUM ***ret, BN_CTX *ctx)
{
	const char *msg;
	json_t *m = NULL, *arr;
	BIGNUM **A = NULL;
	size_t T = 0;
	enum iso_err err = iso_pki_verify(grp, vk, signed_msg, &msg, ctx);
	if (err != ISO_OK) {
		if (err == ISO_E_BAD_MESSAGE_SIGNATURE || err == ISO_E_SHAPE)
			err = ISO_E_BAD_COEFEXPS;
		return err;
	}
	err = ISO_E_BAD_COEFEXPS;
	if (iso_json_parse(msg, strlen(msg), &m) != ISO_OK || !json_is_object(m) ||
	    json_object_size(m) != 1 || !json_is_array(arr = json_object_get(m, "coefexps")))
		goto out;
	T = json_array_size(arr);
	if (T == 0 || T > MAX_TRUSTEES || (*io_T != 0 && T != (size_t)*io_T)) {
		err = ISO_E_THRESHOLD;
		goto out;
	}
	if ((A = calloc(T, sizeof *A)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < T; k++) {
		json_t *v = json_array_get(arr, k);
		if (!json_is_string(v)) {
			err = ISO_E_BAD_COEFEXPS;
			goto out;
		}
		if ((err = iso_json_bn(v, &A[k])) != ISO_OK)
			goto out;
		if (!iso_group_is_member(grp, A[k], ctx)) {
			err = ISO_E_NOT_GROUP_ELEMENT;
			goto out;
		}
	}
	*io_T = (int)T;
	*ret = A;
	A = NULL;
	err = ISO_OK;
out:
	bn_array_free(A, T);
	json_decref(m);
	return err;
}

/* ret = prod_k A[k]^(j^k), exponents reduced mod q (A[k] are in the group) */
static enum iso_err commitment_eval(const struct iso_group *grp, BIGNUM *const *A, int T,
				    size_t j, BIGNUM *ret, BN_CTX *ctx)
{
	BIGNUM *jk = BN_new(), *jj = BN_new(), *t = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (jk == NULL || jj == NULL || t == NULL || !BN_one(jk) || !BN_set_word(jj, j) ||
	    !BN_one(ret))
		goto out;
	for (int k = 0; k < T; k++) {
		if ((err = iso_group_exp(grp, t, A[k], jk, ctx)) != ISO_OK ||
		    (err = iso_group_mul(grp, ret, ret, t, ctx)) != ISO_OK)
			goto out;
		err = ISO_E_CRYPTO_LIB;
		if (!BN_mod_mul(jk, jk, jj, grp->q, ctx))
			goto out;
	}
	err = ISO_OK;
out:
	BN_free(jk);
	BN_free(jj);
	BN_free(t);
	return err;
}

/* The n verification keys from the n × T commitments. */
static enum iso_err verification_keys(const struct iso_group *grp, BIGNUM ***A, size_t n, int T,
				      BIGNUM ***ret, BN_CTX *ctx)
{
	BIGNUM **B = calloc((size_t)T, sizeof *B), **vks = calloc(n, sizeof *vks);
	enum iso_err err = ISO_E_NOMEM;
	if (B == NULL || vks == NULL)
		goto out;
	for (int k = 0; k < T; k++) {
		if ((B[k] = BN_new()) == NULL || !BN_one(B[k]))
			goto out;
		for (size_t i = 0; i < n; i++)
			if ((err = iso_group_mul(grp, B[k], B[k], A[i][k], ctx)) != ISO_OK)
				goto out;
	}
	err = ISO_E_NOMEM;
	for (size_t j = 0; j < n; j++)
		if ((vks[j] = BN_new()) == NULL ||
		    (err = commitment_eval(grp, B, T, j + 1, vks[j], ctx)) != ISO_OK)
			goto out;
	*ret = vks;
	vks = NULL;
	err = ISO_OK;
out:
	bn_array_free(B, (size_t)T);
	bn_array_free(vks, n);
	return err;
}

static void commitments_free(BIGNUM ***A, size_t n, int T)
{
	for (size_t i = 0; A != NULL && i < n; i++)
		bn_array_free(A[i], (size_t)T);
	free(A);
}

/* The commitments of every polynomial (coefexps[i] signed by trustee i). */
static enum iso_err commitments_read(const struct iso_group *grp,
				     const struct iso_pedersen_certs *c, json_t *const *coefexps,
				     int *ret_T, BIGNUM ****ret, struct iso_where *where,
				     BN_CTX *ctx)
{
	BIGNUM ***A = calloc(c->n, sizeof *A);
	int T = 0;
	enum iso_err err = ISO_E_NOMEM;
	if (A == NULL)
		return err;
	for (size_t i = 0; i < c->n; i++)
		if ((err = coefexps_read(grp, c->vk[i], coefexps[i], &T, &A[i], ctx)) != ISO_OK) {
			blame(where, i);
			commitments_free(A, c->n, T);
			return err;
		}
	if ((size_t)T > c->n) {
		commitments_free(A, c->n, T);
		return ISO_E_THRESHOLD;
	}
	*ret_T = T;
	*ret = A;
	return ISO_OK;
}

/* ---- step 1 ---- */

enum iso_err iso_pedersen_step1(const struct iso_group *grp, char ret_seed[ISO_PKI_SEED_LEN + 1],
				char **ret_cert, char ret_id[65])
{
	char seed[ISO_PKI_SEED_LEN + 1];
	BIGNUM *sk = iso_secret_new(), *dk = iso_secret_new();
	BN_CTX *ctx = BN_CTX_secure_new();
	char *cert = NULL;
	json_t *j = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (sk == NULL || dk == NULL || ctx == NULL)
		goto out;
	if ((err = iso_pki_seed_generate(seed)) != ISO_OK ||
	    (err = iso_pki_derive(seed, sk, dk)) != ISO_OK ||
	    (err = iso_pki_make_cert(grp, sk, dk, &cert, ctx)) != ISO_OK ||
	    (err = iso_json_parse(cert, strlen(cert), &j)) != ISO_OK)
		goto out;
	iso_sha256_hex(json_string_value(json_object_get(j, "message")),
		       json_string_length(json_object_get(j, "message")), ret_id);
	memcpy(ret_seed, seed, sizeof seed);
	*ret_cert = cert;
	cert = NULL;
out:
	OPENSSL_cleanse(seed, sizeof seed);
	free(cert);
	json_decref(j);
	BN_clear_free(sk);
	BN_clear_free(dk);
	BN_CTX_free(ctx);
	return err;
}

/* ---- step 3 ---- */

/* {"name":["d0","d1",…]} or {"name":"d"} as compact JSON (secret). */
static enum iso_err secret_msg(const char *name, BIGNUM *const *v, size_t n, bool list,
			       char **ret)
{
	json_t *o = json_object(), *val = list ? json_array() : NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (o == NULL || (list && val == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *d = iso_bn_to_dec(v[i]);
		json_t *s = d != NULL ? json_string(d) : NULL;
		iso_secret_str_free(d);
		if (s == NULL)
			goto out;
		if (list)
			json_array_append_new(val, s);
		else
			val = s;
	}
	if (json_object_set(o, name, val) != 0)
		goto out;
	err = iso_json_dump(o, ret, NULL);
out:
	json_decref(val);
	json_decref(o);
	return err;
}

enum iso_err iso_pedersen_step3(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *seed, int threshold, char **ret_polynomial)
{
	BIGNUM *sk = NULL, *dk = NULL, **a = NULL, **A = NULL, *s = NULL, *jj = NULL;
	BN_CTX *ctx = NULL;
	char *msg = NULL, *sent = NULL;
	json_t *out = NULL, *secrets = NULL, *coefexps = NULL;
	size_t me, T = (size_t)threshold;
	enum iso_err err = ISO_E_NOMEM;
	if (threshold < 1 || (size_t)threshold > certs->n)
		return ISO_E_THRESHOLD;
	sk = iso_secret_new();
	dk = iso_secret_new();
	s = iso_secret_new();
	jj = BN_new();
	ctx = BN_CTX_secure_new();
	a = calloc(T, sizeof *a);
	A = calloc(T, sizeof *A);
	out = json_object();
	secrets = json_array();
	if (sk == NULL || dk == NULL || s == NULL || jj == NULL || ctx == NULL || a == NULL ||
	    A == NULL || out == NULL || secrets == NULL)
		goto out;
	if ((err = certs_find(grp, certs, seed, sk, dk, &me, ctx)) != ISO_OK)
		goto out;
	for (size_t k = 0; k < T; k++) {
		err = ISO_E_NOMEM;
		if ((a[k] = iso_secret_new()) == NULL || (A[k] = BN_new()) == NULL)
			goto out;
		if ((err = iso_zq_random(grp, a[k])) != ISO_OK ||
		    (err = iso_group_gexp_ct(grp, A[k], a[k], ctx)) != ISO_OK)
			goto out;
	}
	/* the polynomial, sent to oneself */
	if ((err = secret_msg("polynomial", a, T, true, &msg)) != ISO_OK ||
	    (err = iso_channel_send(grp, sk, certs->ek[me], msg, &sent, ctx)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	if (json_object_set_new(out, "polynomial", json_string(sent)) != 0)
		goto out;
	iso_secret_str_free(msg);
	free(sent);
	msg = sent = NULL;
	/* s_j = f(j) by Horner's rule, sent to trustee j */
	for (size_t j = 1; j <= certs->n; j++) {
		err = ISO_E_NOMEM;
		if (!BN_set_word(jj, j) || !BN_copy(s, a[T - 1]))
			goto out;
		for (size_t k = T - 1; k-- > 0;)
			if ((err = iso_zq_muladd(grp, s, a[k], s, jj, ctx)) != ISO_OK)
				goto out;
		if ((err = secret_msg("secret", &s, 1, false, &msg)) != ISO_OK ||
		    (err = iso_channel_send(grp, sk, certs->ek[j - 1], msg, &sent, ctx)) != ISO_OK)
			goto out;
		iso_secret_str_free(msg);
		msg = NULL;
		err = ISO_E_NOMEM;
		if (json_array_append_new(secrets, json_string(sent)) != 0)
			goto out;
		free(sent);
		sent = NULL;
	}
	/* the commitments, signed */
	if ((err = secret_msg("coefexps", A, T, true, &msg)) != ISO_OK ||
	    (err = iso_pki_sign(grp, sk, msg, &sent, ctx)) != ISO_OK ||
	    (err = iso_json_parse(sent, strlen(sent), &coefexps)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	if (json_object_set(out, "secrets", secrets) != 0 ||
	    json_object_set(out, "coefexps", coefexps) != 0)
		goto out;
	err = iso_json_dump(out, ret_polynomial, NULL);
out:
	iso_secret_str_free(msg);
	free(sent);
	json_decref(out);
	json_decref(secrets);
	json_decref(coefexps);
	bn_array_free(a, T);
	bn_array_free(A, T);
	BN_clear_free(sk);
	BN_clear_free(dk);
	BN_clear_free(s);
	BN_free(jj);
	BN_CTX_free(ctx);
	return err;
}

/* ---- step 4 ---- */

static const struct iso_field polynomial_fields[] = {
	{"polynomial", JSON_STRING, false},
	{"secrets", JSON_ARRAY, false},
	{"coefexps", JSON_OBJECT, false},
};

/* polynomials.jsons: n polynomials of the right shape, commitments checked. */
static enum iso_err polynomials_read(const struct iso_group *grp,
				     const struct iso_pedersen_certs *c, const char *text,
				     size_t len, struct lines *ret, int *ret_T, BIGNUM ****ret_A,
				     struct iso_where *where, BN_CTX *ctx)
{
	json_t **coefexps = NULL;
	enum iso_err err = lines_parse(text, len, ret, where);
	if (err != ISO_OK)
		return err;
	if (ret->n != c->n) {
		err = ISO_E_TRUSTEE_COUNT;
		goto out;
	}
	if ((coefexps = calloc(c->n, sizeof *coefexps)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		json_t *f[3];
		if (iso_json_fields(ret->v[i], polynomial_fields, 3, f) != ISO_OK) {
			blame(where, i);
			err = ISO_E_SHAPE;
			goto out;
		}
		if (json_array_size(f[1]) != c->n) {
			blame(where, i);
			err = ISO_E_TRUSTEE_COUNT;
			goto out;
		}
		for (size_t j = 0; j < c->n; j++)
			if (!json_is_string(json_array_get(f[1], j))) {
				blame(where, i);
				err = ISO_E_SHAPE;
				goto out;
			}
		coefexps[i] = f[2];
	}
	err = commitments_read(grp, c, coefexps, ret_T, ret_A, where, ctx);
out:
	free(coefexps);
	if (err != ISO_OK)
		lines_free(ret);
	return err;
}

enum iso_err iso_pedersen_step4(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *polynomials, size_t len, char ***ret_vinputs,
				struct iso_where *where)
{
	struct lines p = {0, NULL};
	BIGNUM ***A = NULL;
	int T = 0;
	char **vinputs = calloc(certs->n, sizeof *vinputs);
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	if (vinputs == NULL || ctx == NULL)
		goto out;
	if ((err = polynomials_read(grp, certs, polynomials, len, &p, &T, &A, where, ctx)) != ISO_OK)
		goto out;
	for (size_t j = 0; j < certs->n; j++) {
		json_t *vi = json_object(), *sec = json_array(), *ce = json_array();
		err = ISO_E_NOMEM;
		if (vi == NULL || sec == NULL || ce == NULL) {
			json_decref(vi);
			json_decref(sec);
			json_decref(ce);
			goto out;
		}
		for (size_t i = 0; i < certs->n; i++) {
			json_array_append(sec, json_array_get(json_object_get(p.v[i], "secrets"), j));
			json_array_append(ce, json_object_get(p.v[i], "coefexps"));
		}
		if (json_object_set(vi, "polynomial", json_object_get(p.v[j], "polynomial")) == 0 &&
		    json_object_set(vi, "secrets", sec) == 0 && json_object_set(vi, "coefexps", ce) == 0)
			err = iso_json_dump(vi, &vinputs[j], NULL);
		json_decref(vi);
		json_decref(sec);
		json_decref(ce);
		if (err != ISO_OK)
			goto out;
	}
	*ret_vinputs = vinputs;
	vinputs = NULL;
out:
	str_array_free(vinputs, certs->n);
	commitments_free(A, certs->n, T);
	lines_free(&p);
	BN_CTX_free(ctx);
	return err;
}

/* ---- step 5 ---- */

static const struct iso_field vinput_fields[] = {
	{"polynomial", JSON_STRING, false},
	{"secrets", JSON_ARRAY, false},
	{"coefexps", JSON_ARRAY, false},
};

/* Receive a message sent as a JSON string holding an encrypted_msg. */
static enum iso_err recv_string(const struct iso_group *grp, const BIGNUM *dk,
				const BIGNUM *vk_from, const json_t *str, char **ret, BN_CTX *ctx)
{
	json_t *em = NULL;
	enum iso_err err;
	if (!json_is_string(str))
		return ISO_E_SHAPE;
	if ((err = iso_json_parse(json_string_value(str), json_string_length(str), &em)) != ISO_OK)
		return err;
	err = iso_channel_recv(grp, dk, vk_from, em, ret, ctx);
	json_decref(em);
	return err;
}

/* {"name":"decimal"} (secret) → *ret (any size up to ISO_DEC_MAX_DIGITS). */
static enum iso_err secret_value(const char *msg, const char *name, BIGNUM *ret)
{
	json_t *m = NULL, *v;
	BIGNUM *x = ret;
	enum iso_err err = iso_json_parse(msg, strlen(msg), &m);
	if (err != ISO_OK)
		return err;
	err = ISO_E_SHAPE;
	if (json_is_object(m) && json_object_size(m) == 1 &&
	    json_is_string(v = json_object_get(m, name)))
		err = iso_json_bn(v, &x);
	json_decref(m);
	return err;
}

/* The number of coefficients of one's own polynomial (the threshold). */
static enum iso_err own_threshold(const char *msg, int *ret)
{
	json_t *m = NULL, *arr;
	enum iso_err err = iso_json_parse(msg, strlen(msg), &m);
	if (err != ISO_OK)
		return err;
	err = ISO_E_SHAPE;
	if (json_is_object(m) && json_object_size(m) == 1 &&
	    json_is_array(arr = json_object_get(m, "polynomial")) && json_array_size(arr) > 0 &&
	    json_array_size(arr) <= MAX_TRUSTEES) {
		*ret = (int)json_array_size(arr);
		err = ISO_OK;
	}
	json_decref(m);
	return err;
}

enum iso_err iso_pedersen_step5(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *seed, const char *vinput, size_t len,
				char **ret_voutput, struct iso_where *where)
{
	BIGNUM *sk = iso_secret_new(), *dk = iso_secret_new(), *s = iso_secret_new(),
	       *pdk = iso_secret_new(), *gs = BN_new(), *expect = BN_new(), **Ai = NULL;
	BN_CTX *ctx = BN_CTX_secure_new();
	json_t *vi = NULL, *f[3], *o = NULL, *pk = NULL;
	char *msg = NULL, *sent = NULL, *pub = NULL;
	size_t me;
	int T = 0;
	enum iso_err err = ISO_E_NOMEM;
	if (sk == NULL || dk == NULL || s == NULL || pdk == NULL || gs == NULL || expect == NULL ||
	    ctx == NULL)
		goto out;
	BN_zero(pdk);
	if ((err = certs_find(grp, certs, seed, sk, dk, &me, ctx)) != ISO_OK ||
	    (err = iso_json_parse(vinput, len, &vi)) != ISO_OK)
		goto out;
	if (iso_json_fields(vi, vinput_fields, 3, f) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if (json_array_size(f[1]) != certs->n || json_array_size(f[2]) != certs->n) {
		err = ISO_E_TRUSTEE_COUNT;
		goto out;
	}
	if ((err = recv_string(grp, dk, certs->vk[me], f[0], &msg, ctx)) != ISO_OK ||
	    (err = own_threshold(msg, &T)) != ISO_OK) {
		blame(where, me);
		goto out;
	}
	iso_secret_str_free(msg);
	msg = NULL;
	for (size_t i = 0; i < certs->n; i++) {
		blame(where, i);
		if ((err = recv_string(grp, dk, certs->vk[i], json_array_get(f[1], i), &msg, ctx)) !=
			    ISO_OK ||
		    (err = secret_value(msg, "secret", s)) != ISO_OK ||
		    (err = coefexps_read(grp, certs->vk[i], json_array_get(f[2], i), &T, &Ai, ctx)) !=
			    ISO_OK ||
		    (err = commitment_eval(grp, Ai, T, me + 1, expect, ctx)) != ISO_OK)
			goto out;
		iso_secret_str_free(msg);
		msg = NULL;
		bn_array_free(Ai, (size_t)T);
		Ai = NULL;
		err = ISO_E_CRYPTO_LIB;
		BN_set_flags(s, BN_FLG_CONSTTIME);
		if (BN_nnmod(s, s, grp->q, ctx) != 1)
			goto out;
		if ((err = iso_group_gexp_ct(grp, gs, s, ctx)) != ISO_OK ||
		    (err = iso_zq_add(grp, pdk, pdk, s)) != ISO_OK)
			goto out;
		if (BN_cmp(gs, expect) != 0) {
			err = ISO_E_BAD_SECRET_SHARE;
			goto out;
		}
	}
	if (where != NULL)
		where->trustee = -1;
	if ((err = secret_msg("decryption_key", &pdk, 1, false, &msg)) != ISO_OK ||
	    (err = iso_channel_send(grp, sk, certs->ek[me], msg, &sent, ctx)) != ISO_OK ||
	    (err = iso_trustee_public_key_make(grp, pdk, &pub, ctx)) != ISO_OK ||
	    (err = iso_json_parse(pub, strlen(pub), &pk)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	o = json_pack("{s:s,s:O}", "private_key", sent, "public_key", pk);
	if (o != NULL)
		err = iso_json_dump(o, ret_voutput, NULL);
out:
	iso_secret_str_free(msg);
	free(sent);
	free(pub);
	bn_array_free(Ai, (size_t)T);
	json_decref(vi);
	json_decref(o);
	json_decref(pk);
	BN_clear_free(sk);
	BN_clear_free(dk);
	BN_clear_free(s);
	BN_clear_free(pdk);
	BN_free(gs);
	BN_free(expect);
	BN_CTX_free(ctx);
	return err;
}

/* ---- step 6 ---- */

static const struct iso_field voutput_fields[] = {
	{"private_key", JSON_STRING, false},
	{"public_key", JSON_OBJECT, false},
};

enum iso_err iso_pedersen_step6(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *polynomials, size_t plen, const char *voutputs,
				size_t vlen, char **ret_threshold, char ***ret_dkeys,
				struct iso_where *where)
{
	struct lines p = {0, NULL}, v = {0, NULL};
	BIGNUM ***A = NULL, **vks = NULL, *X = NULL;
	int T = 0;
	char **dkeys = calloc(certs->n, sizeof *dkeys);
	json_t *th = NULL, *ce = json_array(), *vk = json_array();
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	if (dkeys == NULL || ce == NULL || vk == NULL || ctx == NULL)
		goto out;
	if ((err = polynomials_read(grp, certs, polynomials, plen, &p, &T, &A, where, ctx)) !=
		    ISO_OK ||
	    (err = lines_parse(voutputs, vlen, &v, where)) != ISO_OK)
		goto out;
	if (v.n != certs->n) {
		err = ISO_E_TRUSTEE_COUNT;
		goto out;
	}
	if ((err = verification_keys(grp, A, certs->n, T, &vks, ctx)) != ISO_OK)
		goto out;
	for (size_t j = 0; j < certs->n; j++) {
		json_t *f[2];
		blame(where, j);
		if (iso_json_fields(v.v[j], voutput_fields, 2, f) != ISO_OK) {
			err = ISO_E_SHAPE;
			goto out;
		}
		if ((err = iso_trustee_public_key_check(grp, f[1], &X, ctx)) != ISO_OK)
			goto out;
		if (BN_cmp(X, vks[j]) != 0) {
			err = ISO_E_BAD_VERIFICATION_KEY;
			goto out;
		}
		BN_free(X);
		X = NULL;
		err = ISO_E_NOMEM;
		if ((dkeys[j] = strdup(json_string_value(f[0]))) == NULL ||
		    json_array_append(ce, json_object_get(p.v[j], "coefexps")) != 0 ||
		    json_array_append(vk, f[1]) != 0)
			goto out;
	}
	if (where != NULL)
		where->trustee = -1;
	err = ISO_E_NOMEM;
	th = json_pack("{s:i,s:O,s:O,s:O}", "threshold", T, "certs", certs->certs, "coefexps", ce,
		       "verification_keys", vk);
	if (th == NULL || (err = iso_json_dump(th, ret_threshold, NULL)) != ISO_OK)
		goto out;
	*ret_dkeys = dkeys;
	dkeys = NULL;
out:
	str_array_free(dkeys, certs->n);
	commitments_free(A, certs->n, T);
	bn_array_free(vks, certs->n);
	BN_free(X);
	lines_free(&p);
	lines_free(&v);
	json_decref(th);
	json_decref(ce);
	json_decref(vk);
	BN_CTX_free(ctx);
	return err;
}

/* ---- decryption key ---- */

enum iso_err iso_pedersen_decryption_key(const struct iso_group *grp, const char *seed,
					 const char *dkey, BIGNUM *ret_pdk)
{
	BIGNUM *sk = iso_secret_new(), *dk = iso_secret_new(), *vk = BN_new(),
	       *x = iso_secret_new(), *t = iso_secret_new();
	BN_CTX *ctx = BN_CTX_secure_new();
	json_t *em = NULL;
	char *msg = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (sk == NULL || dk == NULL || vk == NULL || x == NULL || t == NULL || ctx == NULL)
		goto out;
	if ((err = iso_pki_derive(seed, sk, dk)) != ISO_OK)
		goto out;
	err = ISO_E_CRYPTO_LIB;
	if (BN_nnmod(t, sk, grp->q, ctx) != 1 || iso_group_gexp_ct(grp, vk, t, ctx) != ISO_OK)
		goto out;
	if ((err = iso_json_parse(dkey, strlen(dkey), &em)) != ISO_OK ||
	    (err = iso_channel_recv(grp, dk, vk, em, &msg, ctx)) != ISO_OK ||
	    (err = secret_value(msg, "decryption_key", x)) != ISO_OK)
		goto out;
	BN_set_flags(ret_pdk, BN_FLG_CONSTTIME);
	err = BN_nnmod(ret_pdk, x, grp->q, ctx) == 1 ? ISO_OK : ISO_E_CRYPTO_LIB;
out:
	iso_secret_str_free(msg);
	json_decref(em);
	BN_clear_free(sk);
	BN_clear_free(dk);
	BN_free(vk);
	BN_clear_free(x);
	BN_clear_free(t);
	BN_CTX_free(ctx);
	return err;
}

/* ---- threshold parameters ---- */

void iso_threshold_free(struct iso_threshold *th)
{
	if (th == NULL)
		return;
	bn_array_free(th->verification_keys, (size_t)th->n);
	commitments_free(th->coefexps, (size_t)th->n, th->threshold);
	free(th);
}

static const struct iso_field threshold_fields[] = {
	{"threshold", JSON_INTEGER, false},
	{"certs", JSON_ARRAY, false},
	{"coefexps", JSON_ARRAY, false},
	{"verification_keys", JSON_ARRAY, false},
};

enum iso_err iso_threshold_check(const struct iso_group *grp, const json_t *params,
				 struct iso_threshold **ret, struct iso_where *where, BN_CTX *ctx)
{
	json_t *f[4];
	struct iso_pedersen_certs *c = NULL;
	struct iso_threshold *th = calloc(1, sizeof *th);
	BIGNUM **computed = NULL;
	json_t **ce = NULL;
	size_t n = 0;
	int T = 0;
	enum iso_err err = ISO_E_NOMEM;
	if (th == NULL)
		return err;
	if (iso_json_fields(params, threshold_fields, 4, f) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = certs_of_array(grp, f[1], &c, where, ctx)) != ISO_OK)
		goto out;
	n = c->n;
	if (json_array_size(f[2]) != n || json_array_size(f[3]) != n) {
		err = ISO_E_TRUSTEE_COUNT;
		goto out;
	}
	th->n = (int)n;
	if ((ce = calloc(n, sizeof *ce)) == NULL ||
	    (th->verification_keys = calloc(n, sizeof *th->verification_keys)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ce[i] = json_array_get(f[2], i);
	if ((err = commitments_read(grp, c, ce, &T, &th->coefexps, where, ctx)) != ISO_OK)
		goto out;
	th->threshold = T;
	for (size_t j = 0; j < n; j++)
		if ((err = iso_trustee_public_key_check(grp, json_array_get(f[3], j),
							&th->verification_keys[j], ctx)) != ISO_OK) {
			blame(where, j);
			goto out;
		}
	if (json_integer_value(f[0]) != T) {
		err = ISO_E_THRESHOLD;
		goto out;
	}
	if ((err = verification_keys(grp, th->coefexps, n, T, &computed, ctx)) != ISO_OK)
		goto out;
	for (size_t j = 0; j < n; j++)
		if (BN_cmp(computed[j], th->verification_keys[j]) != 0) {
			blame(where, j);
			err = ISO_E_BAD_VERIFICATION_KEY;
			goto out;
		}
	*ret = th;
	th = NULL;
out:
	free(ce);
	bn_array_free(computed, n);
	iso_pedersen_certs_free(c);
	iso_threshold_free(th);
	return err;
}
