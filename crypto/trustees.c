/* Trustees (see trustees.h): Single keys with their proofs of knowledge,
 * Pedersen groups (checked by pedersen.c), the flattened numbering and the
 * election key. */
#include "trustees.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "pedersen.h"
#include "scalar.h"

static void item_clear(struct iso_trustee_item *it)
{
	for (size_t i = 0; it->keys != NULL && i < it->nkeys; i++)
		BN_free(it->keys[i]);
	free(it->keys);
	BN_free(it->y_part);
}

void iso_trustees_free(struct iso_trustees *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nitems; i++)
		item_clear(&t->items[i]);
	free(t->items);
	free(t);
}

/* c = H("pok|" group "|" dec(X) "|", [A]) */
static enum iso_err pok_hash(const struct iso_group *grp, const BIGNUM *X, const BIGNUM *A,
			     BIGNUM *ret, BN_CTX *ctx)
{
	struct iso_fs fs;
	char *xdec = iso_bn_to_dec(X);
	enum iso_err err = xdec == NULL ? ISO_E_NOMEM : iso_fs_init(&fs);
	if (err != ISO_OK) {
		free(xdec);
		return err;
	}
	if ((err = iso_fs_begin(&fs)) == ISO_OK && (err = iso_fs_str(&fs, "pok|")) == ISO_OK &&
	    (err = iso_fs_str(&fs, grp->name)) == ISO_OK && (err = iso_fs_str(&fs, "|")) == ISO_OK &&
	    (err = iso_fs_str(&fs, xdec)) == ISO_OK && (err = iso_fs_str(&fs, "|")) == ISO_OK &&
	    (err = iso_fs_elt(&fs, A)) == ISO_OK)
		err = iso_fs_finish(&fs, grp, ret, ctx);
	iso_fs_free(&fs);
	free(xdec);
	return err;
}

static const struct iso_field pk_fields[] = {
	{"pok", JSON_OBJECT, false},
	{"public_key", JSON_STRING, false},
	{"name", JSON_STRING, true},
};

static const struct iso_field proof_fields[] = {
	{"challenge", JSON_STRING, false},
	{"response", JSON_STRING, false},
};

enum iso_err iso_trustee_public_key_check(const struct iso_group *grp, const json_t *pk,
					  BIGNUM **ret_x, BN_CTX *ctx)
{
	json_t *f[3], *p[2];
	BIGNUM *X = NULL, *c = NULL, *r = NULL, *A = BN_new(), *t = BN_new(), *h = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (A == NULL || t == NULL || h == NULL)
		goto out;
	if (iso_json_fields(pk, pk_fields, 3, f) != ISO_OK ||
	    iso_json_fields(f[0], proof_fields, 2, p) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = iso_json_bn(f[1], &X)) != ISO_OK || (err = iso_json_bn(p[0], &c)) != ISO_OK ||
	    (err = iso_json_bn(p[1], &r)) != ISO_OK)
		goto out;
	if (!iso_group_is_member(grp, X, ctx)) {
		err = ISO_E_NOT_GROUP_ELEMENT;
		goto out;
	}
	if (!iso_group_in_zq(grp, c) || !iso_group_in_zq(grp, r)) {
		err = ISO_E_NOT_IN_ZQ;
		goto out;
	}
	/* A = g^r X^c */
	if ((err = iso_group_gexp(grp, A, r, ctx)) != ISO_OK ||
	    (err = iso_group_exp(grp, t, X, c, ctx)) != ISO_OK ||
	    (err = iso_group_mul(grp, A, A, t, ctx)) != ISO_OK ||
	    (err = pok_hash(grp, X, A, h, ctx)) != ISO_OK)
		goto out;
	if (BN_cmp(h, c) != 0) {
		err = ISO_E_BAD_POK;
		goto out;
	}
	*ret_x = X;
	X = NULL;
	err = ISO_OK;
out:
	BN_free(X);
	BN_free(c);
	BN_free(r);
	BN_free(A);
	BN_free(t);
	BN_free(h);
	return err;
}

enum iso_err iso_trustee_public_key_make(const struct iso_group *grp, const BIGNUM *x,
					 char **ret, BN_CTX *ctx)
{
	BIGNUM *X = BN_new(), *w = iso_secret_new(), *A = BN_new(), *c = BN_new(),
	       *r = BN_new();
	json_t *o = json_object(), *p = json_object();
	enum iso_err err = ISO_E_NOMEM;
	if (X == NULL || w == NULL || A == NULL || c == NULL || r == NULL || o == NULL || p == NULL)
		goto out;
	if ((err = iso_group_gexp_ct(grp, X, x, ctx)) != ISO_OK ||
	    (err = iso_zq_random(grp, w)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, A, w, ctx)) != ISO_OK ||
	    (err = pok_hash(grp, X, A, c, ctx)) != ISO_OK ||
	    (err = iso_zq_mulsub(grp, r, w, x, c, ctx)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	if (json_object_set_new(p, "challenge", iso_json_of_bn(c)) != 0 ||
	    json_object_set_new(p, "response", iso_json_of_bn(r)) != 0 ||
	    json_object_set(o, "pok", p) != 0 ||
	    json_object_set_new(o, "public_key", iso_json_of_bn(X)) != 0)
		goto out;
	err = iso_json_dump(o, ret, NULL);
out:
	BN_free(X);
	BN_clear_free(w);
	BN_free(A);
	BN_free(c);
	BN_free(r);
	json_decref(p);
	json_decref(o);
	return err;
}

enum iso_err iso_trustee_key_generate(const struct iso_group *grp, char **ret_pubkey,
				      char **ret_privkey, char ret_id[9])
{
	BIGNUM *x = iso_secret_new(), *X = BN_new();
	BN_CTX *ctx = BN_CTX_secure_new();
	char *pub = NULL, *xdec = NULL, *priv = NULL, *Xdec = NULL, hex[65];
	enum iso_err err = ISO_E_NOMEM;
	size_t n;
	if (x == NULL || X == NULL || ctx == NULL)
		goto out;
	if ((err = iso_zq_random(grp, x)) != ISO_OK ||
	    (err = iso_trustee_public_key_make(grp, x, &pub, ctx)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, X, x, ctx)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	xdec = iso_bn_to_dec(x);
	Xdec = iso_bn_to_dec(X);
	if (xdec == NULL || Xdec == NULL)
		goto out;
	n = strlen(xdec) + 3;
	priv = malloc(n);
	if (priv == NULL)
		goto out;
	snprintf(priv, n, "\"%s\"", xdec);
	iso_sha256_hex(Xdec, strlen(Xdec), hex);
	for (int i = 0; i < 8; i++)
		ret_id[i] = (char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]);
	ret_id[8] = '\0';
	*ret_pubkey = pub;
	*ret_privkey = priv;
	pub = priv = NULL;
	err = ISO_OK;
out:
	free(pub);
	iso_secret_str_free(priv);
	iso_secret_str_free(xdec);
	free(Xdec);
	BN_clear_free(x);
	BN_free(X);
	BN_CTX_free(ctx);
	return err;
}

static enum iso_err item_single(const struct iso_group *grp, const json_t *pk,
				struct iso_trustee_item *it, BN_CTX *ctx)
{
	enum iso_err err;
	it->kind = ISO_TRUSTEE_SINGLE;
	it->threshold = 1;
	it->keys = calloc(1, sizeof(BIGNUM *));
	if (it->keys == NULL)
		return ISO_E_NOMEM;
	it->nkeys = 1;
	if ((err = iso_trustee_public_key_check(grp, pk, &it->keys[0], ctx)) != ISO_OK)
		return err;
	it->y_part = BN_dup(it->keys[0]);
	return it->y_part == NULL ? ISO_E_NOMEM : ISO_OK;
}

static enum iso_err item_pedersen(const struct iso_group *grp, const json_t *params,
				  struct iso_trustee_item *it, int first_id,
				  struct iso_where *where, BN_CTX *ctx)
{
	struct iso_threshold *th = NULL;
	enum iso_err err = iso_threshold_check(grp, params, &th, where, ctx);
	if (err != ISO_OK) {
		if (where != NULL && where->trustee > 0)
			where->trustee += first_id - 1;
		return err;
	}
	it->kind = ISO_TRUSTEE_PEDERSEN;
	it->threshold = th->threshold;
	it->nkeys = (size_t)th->n;
	it->keys = calloc(it->nkeys, sizeof(BIGNUM *));
	it->y_part = BN_new();
	err = ISO_E_NOMEM;
	if (it->keys == NULL || it->y_part == NULL || !BN_one(it->y_part))
		goto out;
	for (size_t j = 0; j < it->nkeys; j++) {
		it->keys[j] = BN_dup(th->verification_keys[j]);
		if (it->keys[j] == NULL ||
		    iso_group_mul(grp, it->y_part, it->y_part, th->coefexps[j][0], ctx) != ISO_OK)
			goto out;
	}
	err = ISO_OK;
out:
	iso_threshold_free(th);
	return err;
}

enum iso_err iso_trustees_parse(const struct iso_group *grp, const char *json, size_t len,
				struct iso_trustees **ret, struct iso_where *where)
{
	json_t *j = NULL;
	struct iso_trustees *t = calloc(1, sizeof *t);
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	if (t == NULL || ctx == NULL)
		goto out;
	t->grp = grp;
	if ((err = iso_json_parse(json, len, &j)) != ISO_OK)
		goto out;
	err = ISO_E_BAD_TRUSTEES;
	if (!json_is_array(j) || json_array_size(j) == 0 || json_array_size(j) > 1024)
		goto out;
	t->items = calloc(json_array_size(j), sizeof *t->items);
	if (t->items == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *it = json_array_get(j, i);
		const char *kind = json_string_value(json_array_get(it, 0));
		if (!json_is_array(it) || json_array_size(it) != 2 || kind == NULL) {
			err = ISO_E_BAD_TRUSTEES;
			goto out;
		}
		t->nitems = i + 1;
		if (where != NULL)
			where->trustee = (int)t->ntrustees + 1;
		if (strcmp(kind, "Single") == 0)
			err = item_single(grp, json_array_get(it, 1), &t->items[i], ctx);
		else if (strcmp(kind, "Pedersen") == 0)
			err = item_pedersen(grp, json_array_get(it, 1), &t->items[i],
					    (int)t->ntrustees + 1, where, ctx);
		else
			err = ISO_E_BAD_TRUSTEES;
		if (err != ISO_OK)
			goto out;
		t->ntrustees += t->items[i].nkeys;
	}
	if (where != NULL)
		where->trustee = -1;
	err = ISO_OK;
out:
	json_decref(j);
	BN_CTX_free(ctx);
	if (err != ISO_OK) {
		iso_trustees_free(t);
		return err;
	}
	*ret = t;
	return ISO_OK;
}

enum iso_err iso_trustees_public_key(const struct iso_trustees *t, BIGNUM *ret_y, BN_CTX *ctx)
{
	if (!BN_one(ret_y))
		return ISO_E_NOMEM;
	for (size_t i = 0; i < t->nitems; i++)
		if (iso_group_mul(t->grp, ret_y, ret_y, t->items[i].y_part, ctx) != ISO_OK)
			return ISO_E_CRYPTO_LIB;
	return ISO_OK;
}

enum iso_err iso_trustees_locate(const struct iso_trustees *t, int id, size_t *ret_item,
				 int *ret_index)
{
	size_t first = 1;
	for (size_t i = 0; i < t->nitems; i++) {
		if ((size_t)id >= first && (size_t)id < first + t->items[i].nkeys) {
			*ret_item = i;
			*ret_index = (int)((size_t)id - first) + 1;
			return ISO_OK;
		}
		first += t->items[i].nkeys;
	}
	return ISO_E_UNKNOWN_TRUSTEE;
}

enum iso_err iso_trustees_make(const struct iso_group *grp, const char *public_keys, size_t pk_len,
			       const char *threshold, size_t th_len, char **ret,
			       struct iso_where *where)
{
	json_t *out = json_array(), *v = NULL;
	struct iso_trustees *check = NULL;
	enum iso_err err = ISO_E_NOMEM;
	size_t pos = 0;
	char *s = NULL;
	size_t slen;
	if (out == NULL)
		return err;
	/* one Single public key per line */
	while (public_keys != NULL && pos < pk_len) {
		const char *nl = memchr(public_keys + pos, '\n', pk_len - pos);
		size_t end = nl != NULL ? (size_t)(nl - public_keys) : pk_len;
		if (end > pos) {
			json_t *item = json_array();
			if ((err = iso_json_parse(public_keys + pos, end - pos, &v)) != ISO_OK)
				goto out;
			err = ISO_E_NOMEM;
			if (item == NULL || json_array_append_new(out, item) != 0 ||
			    json_array_append_new(item, json_string("Single")) != 0 ||
			    json_array_append_new(item, v) != 0)
				goto out;
			v = NULL;
		}
		pos = end + 1;
	}
	if (threshold != NULL) {
		json_t *item = json_array();
		if ((err = iso_json_parse(threshold, th_len, &v)) != ISO_OK)
			goto out;
		err = ISO_E_NOMEM;
		if (item == NULL || json_array_append_new(out, item) != 0 ||
		    json_array_append_new(item, json_string("Pedersen")) != 0 ||
		    json_array_append_new(item, v) != 0)
			goto out;
		v = NULL;
	}
	if ((err = iso_json_dump(out, &s, &slen)) != ISO_OK)
		goto out;
	/* everything written is checked, as make-trustees does */
	if ((err = iso_trustees_parse(grp, s, slen, &check, where)) != ISO_OK)
		goto out;
	*ret = s;
	s = NULL;
out:
	free(s);
	iso_trustees_free(check);
	json_decref(v);
	json_decref(out);
	return err;
}
