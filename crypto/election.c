/* Election data: parsing with every check, the fingerprint, the tables of the
 * public key, and making election.json from a template. */
#include "election.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

bool iso_uuid_check(const char *s)
{
	size_t n = strlen(s);
	if (n < 14 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr(b58, s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

enum iso_err iso_uuid_generate(char out[15])
{
	for (int i = 0; i < 14; i++) {
		unsigned char c;
		do {
			if (RAND_bytes(&c, 1) != 1)
				return ISO_E_RANDOM;
		} while (c >= 58 * 4); /* rejection keeps the digits uniform */
		out[i] = b58[c % 58];
	}
	out[14] = '\0';
	return ISO_OK;
}

static void question_clear(struct iso_question *q)
{
	free(q->text);
	for (size_t i = 0; i < q->nanswers; i++)
		free(q->answers[i]);
	free(q->answers);
}

void iso_election_free(struct iso_election *e)
{
	if (e == NULL)
		return;
	free(e->raw);
	free(e->uuid);
	free(e->name);
	free(e->description);
	BN_free(e->y);
	free(e->y_dec);
	for (size_t i = 0; i < e->nquestions; i++)
		question_clear(&e->questions[i]);
	free(e->questions);
	iso_fixbase_free(e->y_public);
	iso_fixbase_free(e->y_secret);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

static const struct iso_field question_fields[] = {
	{"answers", JSON_ARRAY, false}, {"blank", JSON_TRUE, true},
	{"min", JSON_INTEGER, false},   {"max", JSON_INTEGER, false},
	{"question", JSON_STRING, false},
};

static enum iso_err question_parse(const json_t *j, struct iso_question *q)
{
	json_t *f[5];
	enum iso_err err;
	if (json_is_object(j) && json_object_get(j, "type") != NULL)
		return ISO_E_QUESTION_TYPE;
	if ((err = iso_json_fields(j, question_fields, 5, f)) != ISO_OK)
		return ISO_E_ELECTION;
	size_t n = json_array_size(f[0]);
	json_int_t min = json_integer_value(f[2]), max = json_integer_value(f[3]);
	if (n == 0 || n > ISO_MAX_ANSWERS || min < 0 || max < min || max > (json_int_t)n)
		return ISO_E_ELECTION;
	q->min = (int)min;
	q->max = (int)max;
	q->blank = f[1] != NULL && json_is_true(f[1]);
	q->text = strdup(json_string_value(f[4]));
	q->answers = calloc(n, sizeof(char *));
	if (q->text == NULL || q->answers == NULL)
		return ISO_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(f[0], i);
		if (!json_is_string(a))
			return ISO_E_ELECTION;
		q->answers[i] = strdup(json_string_value(a));
		q->nanswers = i + 1;
		if (q->answers[i] == NULL)
			return ISO_E_NOMEM;
	}
	return ISO_OK;
}

static const struct iso_field election_fields[] = {
	{"version", JSON_INTEGER, false},
	{"description", JSON_STRING, false},
	{"name", JSON_STRING, false},
	{"group", JSON_STRING, false},
	{"public_key", JSON_STRING, false},
	{"questions", JSON_ARRAY, false},
	{"uuid", JSON_STRING, false},
	{"administrator", JSON_STRING, true},
	{"credential_authority", JSON_STRING, true},
};
#define NELECTION_FIELDS (sizeof election_fields / sizeof election_fields[0])

enum iso_err iso_election_parse(const char *raw, size_t len, struct iso_election **ret)
{
	enum iso_err err;
	json_t *j = NULL, *f[NELECTION_FIELDS];
	struct iso_election *e = calloc(1, sizeof *e);
	BN_CTX *ctx = BN_CTX_new();
	if (e == NULL || ctx == NULL) {
		free(e);
		BN_CTX_free(ctx);
		return ISO_E_NOMEM;
	}
	pthread_mutex_init(&e->lock, NULL);
	if ((err = iso_json_parse(raw, len, &j)) != ISO_OK)
		goto out;
	if (!json_is_object(j)) {
		err = ISO_E_ELECTION;
		goto out;
	}
	if ((err = iso_json_fields(j, election_fields, NELECTION_FIELDS, f)) != ISO_OK) {
		err = ISO_E_ELECTION;
		goto out;
	}
	if (json_integer_value(f[0]) != 1) {
		err = ISO_E_ELECTION;
		goto out;
	}
	e->grp = iso_group_by_name(json_string_value(f[3]));
	if (e->grp == NULL) {
		err = ISO_E_UNKNOWN_GROUP;
		goto out;
	}
	if (!iso_uuid_check(json_string_value(f[6]))) {
		err = ISO_E_UUID;
		goto out;
	}
	err = ISO_E_NOMEM;
	e->raw = malloc(len + 1);
	e->uuid = strdup(json_string_value(f[6]));
	e->name = strdup(json_string_value(f[2]));
	e->description = strdup(json_string_value(f[1]));
	e->y_dec = strdup(json_string_value(f[4]));
	if (e->raw == NULL || e->uuid == NULL || e->name == NULL || e->description == NULL ||
	    e->y_dec == NULL)
		goto out;
	memcpy(e->raw, raw, len);
	e->raw[len] = '\0';
	e->raw_len = len;
	iso_sha256_b64(raw, len, e->fingerprint);
	if ((err = iso_json_bn(f[4], &e->y)) != ISO_OK)
		goto out;
	if (!iso_group_is_member(e->grp, e->y, ctx)) {
		err = ISO_E_NOT_GROUP_ELEMENT;
		goto out;
	}
	e->nquestions = json_array_size(f[5]);
	if (e->nquestions == 0 || e->nquestions > ISO_MAX_QUESTIONS) {
		err = ISO_E_ELECTION;
		goto out;
	}
	e->questions = calloc(e->nquestions, sizeof *e->questions);
	if (e->questions == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < e->nquestions; i++) {
		if ((err = question_parse(json_array_get(f[5], i), &e->questions[i])) != ISO_OK)
			goto out;
		e->nchoices_total += iso_question_nchoices(&e->questions[i]);
	}
	err = ISO_OK;
out:
	json_decref(j);
	BN_CTX_free(ctx);
	if (err != ISO_OK) {
		iso_election_free(e);
		return err;
	}
	*ret = e;
	return ISO_OK;
}

static enum iso_err prepare(struct iso_election *e, bool secret, int window)
{
	enum iso_err err = ISO_OK;
	struct iso_fixbase **slot = secret ? &e->y_secret : &e->y_public;
	pthread_mutex_lock(&e->lock);
	if (*slot == NULL) {
		BN_CTX *ctx = BN_CTX_new();
		err = ctx == NULL ? ISO_E_NOMEM
				  : iso_fixbase_new(e->grp, e->y, window, secret, slot, ctx);
		BN_CTX_free(ctx);
	}
	pthread_mutex_unlock(&e->lock);
	return err;
}

enum iso_err iso_election_prepare(struct iso_election *e, bool secret)
{
	return prepare(e, secret, secret ? ISO_FIXBASE_SECRET_WINDOW : ISO_FIXBASE_PUBLIC_WINDOW);
}

enum iso_err iso_election_prepare_secret_for(struct iso_election *e, size_t uses)
{
	return prepare(e, true, iso_fixbase_secret_window_for(uses));
}

enum iso_err iso_election_yexp_mont(struct iso_election *e, BIGNUM *r, const BIGNUM *x,
				    bool secret, BN_CTX *ctx)
{
	enum iso_err err = iso_election_prepare(e, secret);
	if (err != ISO_OK)
		return err;
	return iso_fixbase_exp_mont(secret ? e->y_secret : e->y_public, r, x, ctx);
}

static const struct iso_field template_fields[] = {
	{"description", JSON_STRING, false},
	{"name", JSON_STRING, false},
	{"questions", JSON_ARRAY, false},
	{"administrator", JSON_STRING, true},
	{"credential_authority", JSON_STRING, true},
};

enum iso_err iso_election_make(const char *tmpl, size_t len, const char *uuid,
			       const struct iso_group *grp, const BIGNUM *y, char **ret)
{
	enum iso_err err;
	json_t *t = NULL, *f[5], *out = NULL, *qs = NULL;
	char *s = NULL;
	size_t slen;
	struct iso_election *check = NULL;
	if (!iso_uuid_check(uuid))
		return ISO_E_UUID;
	if ((err = iso_json_parse(tmpl, len, &t)) != ISO_OK)
		return err;
	if (!json_is_object(t)) {
		err = ISO_E_ELECTION;
		goto out;
	}
	/* belenios-tool reads the template with unknown fields ignored; only
	 * these are kept, in this order */
	f[0] = json_object_get(t, "description");
	f[1] = json_object_get(t, "name");
	f[2] = json_object_get(t, "questions");
	f[3] = json_object_get(t, "administrator");
	f[4] = json_object_get(t, "credential_authority");
	for (int i = 0; i < 5; i++)
		if ((f[i] != NULL && json_typeof(f[i]) != template_fields[i].type) ||
		    (f[i] == NULL && !template_fields[i].optional)) {
			err = ISO_E_ELECTION;
			goto out;
		}
	err = ISO_E_NOMEM;
	out = json_object();
	qs = json_array();
	if (out == NULL || qs == NULL)
		goto out;
	for (size_t i = 0; i < json_array_size(f[2]); i++) {
		json_t *q = json_array_get(f[2], i), *nq = json_object();
		static const char *const keys[] = {"answers", "blank", "min", "max", "question"};
		if (nq == NULL || json_array_append_new(qs, nq) != 0)
			goto out;
		if (!json_is_object(q)) {
			err = ISO_E_ELECTION;
			goto out;
		}
		if (json_object_get(q, "type") != NULL) {
			err = ISO_E_QUESTION_TYPE;
			goto out;
		}
		for (size_t k = 0; k < 5; k++) {
			json_t *v = json_object_get(q, keys[k]);
			if (v != NULL && json_object_set(nq, keys[k], v) != 0)
				goto out;
		}
	}
	if (json_object_set_new(out, "version", json_integer(1)) != 0 ||
	    json_object_set(out, "description", f[0]) != 0 ||
	    json_object_set(out, "name", f[1]) != 0 ||
	    json_object_set_new(out, "group", json_string(grp->name)) != 0 ||
	    json_object_set_new(out, "public_key", iso_json_of_bn(y)) != 0 ||
	    json_object_set(out, "questions", qs) != 0 ||
	    json_object_set_new(out, "uuid", json_string(uuid)) != 0)
		goto out;
	if ((f[3] != NULL && json_object_set(out, "administrator", f[3]) != 0) ||
	    (f[4] != NULL && json_object_set(out, "credential_authority", f[4]) != 0))
		goto out;
	if ((err = iso_json_dump(out, &s, &slen)) != ISO_OK)
		goto out;
	/* what we write must be what we accept */
	if ((err = iso_election_parse(s, slen, &check)) != ISO_OK) {
		free(s);
		goto out;
	}
	*ret = s;
out:
	iso_election_free(check);
	json_decref(qs);
	json_decref(out);
	json_decref(t);
	return err;
}
