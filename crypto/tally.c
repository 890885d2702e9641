/* The encrypted tally (see tally.h). */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"

void iso_tally_free(struct iso_tally *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		BN_free(t->alpha ? t->alpha[i] : NULL);
		BN_free(t->beta ? t->beta[i] : NULL);
	}
	free(t->alpha);
	free(t->beta);
	free(t);
}

enum iso_err iso_tally_new(const struct iso_election *e, struct iso_tally **ret)
{
	struct iso_tally *t = calloc(1, sizeof *t);
	if (t == NULL)
		return ISO_E_NOMEM;
	t->e = e;
	t->n = e->nchoices_total;
	t->alpha = calloc(t->n, sizeof(BIGNUM *));
	t->beta = calloc(t->n, sizeof(BIGNUM *));
	if (t->alpha == NULL || t->beta == NULL)
		goto fail;
	for (size_t i = 0; i < t->n; i++) {
		t->alpha[i] = BN_new();
		t->beta[i] = BN_new();
		if (t->alpha[i] == NULL || t->beta[i] == NULL || !BN_one(t->alpha[i]) ||
		    !BN_one(t->beta[i]))
			goto fail;
	}
	*ret = t;
	return ISO_OK;
fail:
	iso_tally_free(t);
	return ISO_E_NOMEM;
}

enum iso_err iso_tally_add(struct iso_tally *t, BIGNUM *const *alpha, BIGNUM *const *beta,
			   unsigned long long weight, BN_CTX *ctx)
{
	const struct iso_group *grp = t->e->grp;
	enum iso_err err = ISO_E_CRYPTO_LIB;
	BIGNUM *w, *x;
	BN_CTX_start(ctx);
	w = BN_CTX_get(ctx);
	x = BN_CTX_get(ctx);
	if (x == NULL || !BN_set_word(w, (BN_ULONG)weight))
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		if (weight == 1) {
			if (!BN_mod_mul(t->alpha[i], t->alpha[i], alpha[i], grp->p, ctx) ||
			    !BN_mod_mul(t->beta[i], t->beta[i], beta[i], grp->p, ctx))
				goto out;
			continue;
		}
		if (iso_group_exp(grp, x, alpha[i], w, ctx) != ISO_OK ||
		    !BN_mod_mul(t->alpha[i], t->alpha[i], x, grp->p, ctx) ||
		    iso_group_exp(grp, x, beta[i], w, ctx) != ISO_OK ||
		    !BN_mod_mul(t->beta[i], t->beta[i], x, grp->p, ctx))
			goto out;
	}
	t->num_tallied++;
	t->total_weight += weight;
	err = ISO_OK;
out:
	BN_CTX_end(ctx);
	return err;
}

enum iso_err iso_tally_to_json(const struct iso_tally *t, char **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	json_t *all = json_array();
	size_t off = 0;
	if (all == NULL)
		return err;
	for (size_t qi = 0; qi < t->e->nquestions; qi++) {
		json_t *qa = json_array();
		if (qa == NULL || json_array_append_new(all, qa) != 0)
			goto out;
		for (size_t i = 0; i < iso_question_nchoices(&t->e->questions[qi]); i++) {
			json_t *c = json_object();
			if (c == NULL || json_array_append_new(qa, c) != 0 ||
			    json_object_set_new(c, "alpha", iso_json_of_bn(t->alpha[off + i])) != 0 ||
			    json_object_set_new(c, "beta", iso_json_of_bn(t->beta[off + i])) != 0)
				goto out;
		}
		off += iso_question_nchoices(&t->e->questions[qi]);
	}
	err = iso_json_dump(all, ret, NULL);
out:
	json_decref(all);
	return err;
}

static const struct iso_field ciphertext_fields[] = {
	{"alpha", JSON_STRING, false},
	{"beta", JSON_STRING, false},
};

enum iso_err iso_tally_parse(const struct iso_election *e, const char *json, size_t len,
			     struct iso_tally **ret)
{
	enum iso_err err;
	json_t *j = NULL;
	struct iso_tally *t = NULL;
	BN_CTX *ctx = BN_CTX_new();
	size_t off = 0;
	if (ctx == NULL)
		return ISO_E_NOMEM;
	if ((err = iso_json_parse(json, len, &j)) != ISO_OK)
		goto out;
	if ((err = iso_tally_new(e, &t)) != ISO_OK)
		goto out;
	err = ISO_E_SHAPE;
	if (!json_is_array(j) || json_array_size(j) != e->nquestions)
		goto out;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		json_t *qa = json_array_get(j, qi);
		size_t n = iso_question_nchoices(&e->questions[qi]);
		if (!json_is_array(qa) || json_array_size(qa) != n) {
			err = ISO_E_SHAPE;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			json_t *f[2];
			if ((err = iso_json_fields(json_array_get(qa, i), ciphertext_fields, 2, f)) ||
			    (err = iso_json_bn(f[0], &t->alpha[off + i])) ||
			    (err = iso_json_bn(f[1], &t->beta[off + i])))
				goto out;
			if (!iso_group_is_member(e->grp, t->alpha[off + i], ctx) ||
			    !iso_group_is_member(e->grp, t->beta[off + i], ctx)) {
				err = ISO_E_NOT_GROUP_ELEMENT;
				goto out;
			}
		}
		off += n;
	}
	err = ISO_OK;
out:
	json_decref(j);
	BN_CTX_free(ctx);
	if (err != ISO_OK) {
		iso_tally_free(t);
		return err;
	}
	*ret = t;
	return ISO_OK;
}

bool iso_tally_equal(const struct iso_tally *a, const struct iso_tally *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (BN_cmp(a->alpha[i], b->alpha[i]) != 0 || BN_cmp(a->beta[i], b->beta[i]) != 0)
			return false;
	return true;
}

json_t *iso_json_of_weight(unsigned long long w)
{
	char buf[32];
	if (w <= 1073741823ULL)
		return json_integer((json_int_t)w);
	snprintf(buf, sizeof buf, "%llu", w);
	return json_string(buf);
}

enum iso_err iso_weight_of_json(const json_t *v, unsigned long long *ret)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return ISO_E_WEIGHT;
		*ret = (unsigned long long)json_integer_value(v);
		return ISO_OK;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		unsigned long long w = 0;
		if (!iso_dec_is_canonical(s, n) || n > 19)
			return ISO_E_WEIGHT;
		for (size_t i = 0; i < n; i++)
			w = w * 10 + (unsigned)(s[i] - '0');
		*ret = w;
		return ISO_OK;
	}
	return ISO_E_WEIGHT;
}

enum iso_err iso_tally_sized_json(const struct iso_tally *t, const char *tally_hex, char **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	json_t *o = json_object();
	if (o == NULL || json_object_set_new(o, "num_tallied", json_integer((json_int_t)t->num_tallied)) ||
	    json_object_set_new(o, "total_weight", iso_json_of_weight(t->total_weight)) ||
	    json_object_set_new(o, "encrypted_tally", json_string(tally_hex)))
		goto out;
	err = iso_json_dump(o, ret, NULL);
out:
	json_decref(o);
	return err;
}

static const struct iso_field sized_fields[] = {
	{"num_tallied", JSON_INTEGER, false},
	{"total_weight", JSON_INTEGER, false},
	{"encrypted_tally", JSON_STRING, false},
};

enum iso_err iso_tally_sized_parse(const char *json, size_t len, struct iso_sized_tally *ret)
{
	json_t *j = NULL, *f[3];
	struct iso_field fields[3];
	enum iso_err err = iso_json_parse(json, len, &j);
	if (err != ISO_OK)
		return err;
	memcpy(fields, sized_fields, sizeof fields);
	/* a weight above 2^30-1 is a string */
	if (json_is_object(j) && json_is_string(json_object_get(j, "total_weight")))
		fields[1].type = JSON_STRING;
	if ((err = iso_json_fields(j, fields, 3, f)) != ISO_OK)
		goto out;
	if (json_integer_value(f[0]) < 0 ||
	    !iso_is_hex_hash(json_string_value(f[2]), json_string_length(f[2]))) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = iso_weight_of_json(f[1], &ret->total_weight)) != ISO_OK)
		goto out;
	ret->num_tallied = (unsigned long)json_integer_value(f[0]);
	memcpy(ret->tally_hex, json_string_value(f[2]), 65);
out:
	json_decref(j);
	return err;
}
