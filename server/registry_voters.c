/* The registry's voter file (see registry_voters.h): the answer's
 * normalisation, Argon2id hashing and checking, and the file's strict
 * reading and writing. Rule: a secret (answer, verifier) passed in is only
 * hashed; its normalised copy is wiped before returning. */
#include "registry_voters.h"

#include <argon2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election.h"
#include "jsondoc.h"

#define SALT_LEN 16
#define HASH_LEN 32

/* Bounds on the costs read from a file: a hash costing more would let a
 * wrong file turn every login into a denial of service. */
#define T_COST_MAX 16
#define M_COST_MAX_KIB (256u * 1024)
#define PARALLELISM_MAX 8

void registry_voters_where_clear(struct registry_voters_where *w)
{
	if (w != NULL)
		*w = (struct registry_voters_where){0, 0, NULL, 0};
}

void registry_voters_where_format(const struct registry_voters_where *w, enum iso_err err,
				  enum iso_lang lang, char *buf, size_t size)
{
	bool en = lang == ISO_LANG_EN;
	size_t n;
	if (size == 0)
		return;
	snprintf(buf, size, "%s", iso_strerror(err, lang));
	if (w == NULL)
		return;
	n = strlen(buf);
	if (w->existing > 0)
		snprintf(buf + n, size - n,
			 en ? " (the registry already holds %lld voters: the voter file is imported"
			      " once, into an empty registry)"
			    : " (le fichier des électeurs en contient déjà %lld : l’import n’a lieu"
			      " qu’une fois, dans une base vide)",
			 (long long)w->existing);
	else if (w->line > 0)
		snprintf(buf + n, size - n, en ? " (JSON, line %d)" : " (JSON, ligne %d)", w->line);
	else if (w->voter > 0 && w->field != NULL)
		snprintf(buf + n, size - n, en ? " (voter %zu, field %s)" : " (électeur n° %zu, champ %s)",
			 w->voter, w->field);
	else if (w->voter > 0)
		snprintf(buf + n, size - n, en ? " (voter %zu)" : " (électeur n° %zu)", w->voter);
	else if (w->field != NULL)
		snprintf(buf + n, size - n, en ? " (field %s)" : " (champ %s)", w->field);
}

/* ---- text ---- */

/* Strict UTF-8: shortest forms, no surrogates, at most U+10FFFF; with
 * controls false, no C0 or C1 control character and no DEL. */
static bool utf8_ok(const unsigned char *s, size_t n, bool controls)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], cp, k;
		if (c < 0x80) {
			if (!controls && (c < 0x20 || c == 0x7f))
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (unsigned j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (!controls && cp >= 0x80 && cp <= 0x9f))
			return false;
		i += k + 1;
	}
	return true;
}

bool registry_text_ok(const char *s, size_t max)
{
	size_t n;
	if (s == NULL)
		return false;
	n = strnlen(s, max + 1);
	return n > 0 && n <= max && utf8_ok((const unsigned char *)s, n, false);
}

enum iso_err registry_answer_normalise(const char *answer, char **ret)
{
	size_t n = strnlen(answer, REGISTRY_ANSWER_MAX + 1), k = 0;
	const unsigned char *s = (const unsigned char *)answer;
	char *out;
	if (n > REGISTRY_ANSWER_MAX)
		return ISO_E_TOO_LARGE;
	if (!utf8_ok(s, n, true))
		return ISO_E_INVALID_ARG;
	if ((out = malloc(n + 1)) == NULL)
		return ISO_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' ||
		    c == '/' || c == '-' || c == '.' || c == ',')
			continue;
		/* U+00A0 no-break space, U+202F narrow no-break space (French
		 * keyboards and spreadsheets put them in dates and numbers) */
		if (c == 0xc2 && i + 1 < n && s[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xaf) {
			i += 2;
			continue;
		}
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[k] = '\0';
	*ret = out;
	return ISO_OK;
}

/* ---- Argon2id ---- */

enum iso_err registry_argon2_hash(const struct registry_argon2 *cost, const char *secret,
				  size_t len, char **ret_encoded)
{
	unsigned char salt[SALT_LEN];
	size_t elen;
	char *enc;
	int rc;
	if (cost->t_cost < 1 || cost->t_cost > T_COST_MAX || cost->parallelism < 1 ||
	    cost->parallelism > PARALLELISM_MAX || cost->m_cost_kib < 8 * cost->parallelism ||
	    cost->m_cost_kib > M_COST_MAX_KIB || len > UINT32_MAX)
		return ISO_E_INVALID_ARG;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return ISO_E_RANDOM;
	elen = argon2_encodedlen(cost->t_cost, cost->m_cost_kib, cost->parallelism, SALT_LEN,
				 HASH_LEN, Argon2_id);
	if ((enc = malloc(elen)) == NULL)
		return ISO_E_NOMEM;
	rc = argon2id_hash_encoded(cost->t_cost, cost->m_cost_kib, cost->parallelism, secret, len,
				   salt, SALT_LEN, HASH_LEN, enc, elen);
	if (rc != ARGON2_OK) {
		free(enc);
		return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ISO_E_NOMEM : ISO_E_CRYPTO_LIB;
	}
	*ret_encoded = enc;
	return ISO_OK;
}

/* a decimal without leading zeros, at most 9 digits */
static bool read_u32(const char **p, uint32_t *ret)
{
	const char *s = *p;
	uint32_t v = 0;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 9)
			return false;
		v = v * 10 + (uint32_t)(s[n] - '0');
		n++;
	}
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	*p = s + n;
	*ret = v;
	return true;
}

static bool skip(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* unpadded base64 of min..max bytes */
static bool read_b64(const char **p, size_t min, size_t max)
{
	const char *s = *p;
	size_t n = 0;
	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
	       (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '/')
		n++;
	if (n % 4 == 1 || n * 3 / 4 < min || n * 3 / 4 > max)
		return false;
	*p = s + n;
	return true;
}

enum iso_err registry_argon2_params(const char *encoded, struct registry_argon2 *ret)
{
	struct registry_argon2 c;
	const char *p = encoded;
	if (encoded == NULL || strnlen(encoded, REGISTRY_HASH_MAX + 1) > REGISTRY_HASH_MAX ||
	    !skip(&p, "$argon2id$v=19$m=") || !read_u32(&p, &c.m_cost_kib) || !skip(&p, ",t=") ||
	    !read_u32(&p, &c.t_cost) || !skip(&p, ",p=") || !read_u32(&p, &c.parallelism) ||
	    !skip(&p, "$") || !read_b64(&p, 8, 64) || !skip(&p, "$") || !read_b64(&p, 16, 64) ||
	    *p != '\0')
		return ISO_E_SHAPE;
	if (c.t_cost < 1 || c.t_cost > T_COST_MAX || c.parallelism < 1 ||
	    c.parallelism > PARALLELISM_MAX || c.m_cost_kib < 8 * c.parallelism ||
	    c.m_cost_kib > M_COST_MAX_KIB)
		return ISO_E_SHAPE;
	*ret = c;
	return ISO_OK;
}

enum iso_err registry_argon2_check(const char *encoded, const char *secret, size_t len,
				   bool *ret_match)
{
	struct registry_argon2 c;
	int rc;
	if (registry_argon2_params(encoded, &c) != ISO_OK)
		return ISO_E_SHAPE;
	rc = argon2id_verify(encoded, secret != NULL ? secret : "", secret != NULL ? len : 0);
	switch (rc) {
	case ARGON2_OK:
		*ret_match = true;
		return ISO_OK;
	case ARGON2_VERIFY_MISMATCH:
		*ret_match = false;
		return ISO_OK;
	case ARGON2_MEMORY_ALLOCATION_ERROR:
		return ISO_E_NOMEM;
	default:
		return ISO_E_SHAPE;
	}
}

/* ---- voters ---- */

void registry_voter_clear(struct registry_voter *v)
{
	if (v == NULL)
		return;
	free(v->identifier);
	free(v->name);
	free(v->answer);
	free(v->verifier);
	for (size_t i = 0; v->polls != NULL && i < v->npolls; i++)
		free(v->polls[i]);
	free(v->polls);
	memset(v, 0, sizeof *v);
}

static bool poll_ok(const char *p)
{
	return p != NULL && strnlen(p, REGISTRY_POLL_MAX + 1) <= REGISTRY_POLL_MAX &&
	       iso_uuid_check(p);
}

enum iso_err registry_voter_make(const struct registry_argon2 *cost, const char *identifier,
				 const char *name, const char *answer, const char *verifier,
				 const char *const *polls, size_t npolls,
				 struct registry_voter *ret)
{
	struct registry_voter v = {0};
	char *norm = NULL;
	enum iso_err err;
	if (!registry_text_ok(identifier, REGISTRY_IDENTIFIER_MAX) ||
	    !registry_text_ok(name, REGISTRY_NAME_MAX) || verifier == NULL || npolls == 0 ||
	    npolls > REGISTRY_POLLS_MAX)
		return ISO_E_INVALID_ARG;
	for (size_t i = 0; i < npolls; i++) {
		if (!poll_ok(polls[i]))
			return ISO_E_INVALID_ARG;
		for (size_t j = 0; j < i; j++)
			if (strcmp(polls[i], polls[j]) == 0)
				return ISO_E_INVALID_ARG;
	}
	if ((err = registry_answer_normalise(answer, &norm)) != ISO_OK)
		return err;
	if (norm[0] == '\0') {
		err = ISO_E_INVALID_ARG;
		goto fail;
	}
	if ((err = registry_argon2_hash(cost, norm, strlen(norm), &v.answer)) != ISO_OK ||
	    (err = registry_argon2_hash(cost, verifier, strlen(verifier), &v.verifier)) != ISO_OK)
		goto fail;
	err = ISO_E_NOMEM;
	v.identifier = strdup(identifier);
	v.name = strdup(name);
	v.polls = calloc(npolls, sizeof *v.polls);
	if (v.identifier == NULL || v.name == NULL || v.polls == NULL)
		goto fail;
	for (v.npolls = 0; v.npolls < npolls; v.npolls++)
		if ((v.polls[v.npolls] = strdup(polls[v.npolls])) == NULL)
			goto fail;
	OPENSSL_cleanse(norm, strlen(norm));
	free(norm);
	*ret = v;
	return ISO_OK;
fail:
	OPENSSL_cleanse(norm, strlen(norm));
	free(norm);
	registry_voter_clear(&v);
	return err;
}

enum iso_err registry_voters_write(const struct registry_voter *v, size_t n, char **ret,
				   size_t *ret_len)
{
	json_t *arr = json_array(), *doc = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (arr == NULL)
		return err;
	for (size_t i = 0; i < n; i++) {
		json_t *polls = json_array(), *o;
		for (size_t k = 0; polls != NULL && k < v[i].npolls; k++)
			if (json_array_append_new(polls, json_string(v[i].polls[k])) != 0) {
				json_decref(polls);
				polls = NULL;
			}
		/* the field order the reader demands */
		o = polls == NULL ? NULL
				  : json_pack("{s:s, s:s, s:s, s:s, s:o}", "identifier",
					      v[i].identifier, "name", v[i].name, "answer",
					      v[i].answer, "verifier", v[i].verifier, "polls", polls);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			goto out;
	}
	doc = json_pack("{s:i, s:O}", "version", 1, "voters", arr);
	if (doc != NULL)
		err = iso_json_dump(doc, ret, ret_len);
out:
	json_decref(doc);
	json_decref(arr);
	return err;
}

void registry_voters_free(struct registry_voters *vs)
{
	if (vs == NULL)
		return;
	for (size_t i = 0; i < vs->n; i++)
		registry_voter_clear(&vs->v[i]);
	free(vs->v);
	free(vs);
}

/* One voter of the file; on a fault, *ret_field names it (NULL: the
 * object's shape). */
static enum iso_err voter_read(const json_t *j, struct registry_voter *ret,
			       const char **ret_field)
{
	static const struct iso_field fields[] = {
		{"identifier", JSON_STRING, false}, {"name", JSON_STRING, false},
		{"answer", JSON_STRING, false},     {"verifier", JSON_STRING, false},
		{"polls", JSON_ARRAY, false},
	};
	struct registry_argon2 cost;
	struct registry_voter v = {0};
	json_t *f[5];
	size_t np;
	*ret_field = NULL;
	if (iso_json_fields(j, fields, 5, f) != ISO_OK)
		return ISO_E_VOTER_FILE;
	for (int i = 0; i < 4; i++)
		if (strlen(json_string_value(f[i])) != json_string_length(f[i])) {
			*ret_field = fields[i].name; /* an embedded NUL */
			return ISO_E_VOTER_FILE;
		}
	if (!registry_text_ok(json_string_value(f[0]), REGISTRY_IDENTIFIER_MAX)) {
		*ret_field = "identifier";
		return ISO_E_VOTER_FILE;
	}
	if (!registry_text_ok(json_string_value(f[1]), REGISTRY_NAME_MAX)) {
		*ret_field = "name";
		return ISO_E_VOTER_FILE;
	}
	for (int i = 2; i < 4; i++)
		if (registry_argon2_params(json_string_value(f[i]), &cost) != ISO_OK) {
			*ret_field = fields[i].name;
			return ISO_E_VOTER_FILE;
		}
	np = json_array_size(f[4]);
	*ret_field = "polls";
	if (np == 0 || np > REGISTRY_POLLS_MAX)
		return ISO_E_VOTER_FILE;
	for (size_t i = 0; i < np; i++) {
		const char *p = json_string_value(json_array_get(f[4], i));
		if (!poll_ok(p))
			return ISO_E_VOTER_FILE;
		for (size_t k = 0; k < i; k++)
			if (strcmp(p, json_string_value(json_array_get(f[4], k))) == 0)
				return ISO_E_VOTER_FILE;
	}
	*ret_field = NULL;
	v.identifier = strdup(json_string_value(f[0]));
	v.name = strdup(json_string_value(f[1]));
	v.answer = strdup(json_string_value(f[2]));
	v.verifier = strdup(json_string_value(f[3]));
	v.polls = calloc(np, sizeof *v.polls);
	if (v.identifier == NULL || v.name == NULL || v.answer == NULL || v.verifier == NULL ||
	    v.polls == NULL)
		goto nomem;
	for (v.npolls = 0; v.npolls < np; v.npolls++)
		if ((v.polls[v.npolls] = strdup(json_string_value(json_array_get(f[4], v.npolls)))) ==
		    NULL)
			goto nomem;
	*ret = v;
	return ISO_OK;
nomem:
	registry_voter_clear(&v);
	return ISO_E_NOMEM;
}

static int cmp_identifier(const void *a, const void *b, void *arg)
{
	const struct registry_voter *v = arg;
	int c = strcmp(v[*(const size_t *)a].identifier, v[*(const size_t *)b].identifier);
	if (c != 0)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

enum iso_err registry_voters_parse(const char *json, size_t len, struct registry_voters **ret,
				   struct registry_voters_where *where)
{
	static const struct iso_field top[] = {
		{"version", JSON_INTEGER, false},
		{"voters", JSON_ARRAY, false},
	};
	struct registry_voters_where w = {0, 0, NULL, 0};
	struct registry_voters *vs = calloc(1, sizeof *vs);
	json_error_t jerr;
	json_t *j = NULL, *f[2];
	size_t *order = NULL, n;
	enum iso_err err = ISO_E_NOMEM;

	if (vs == NULL)
		goto out;
	err = ISO_E_VOTER_FILE;
	if (len > REGISTRY_VOTERS_FILE_MAX) {
		err = ISO_E_TOO_LARGE;
		goto out;
	}
	if ((j = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		w.line = jerr.line > 0 ? jerr.line : 1;
		goto out;
	}
	if (iso_json_fields(j, top, 2, f) != ISO_OK)
		goto out;
	if (json_integer_value(f[0]) != 1) {
		w.field = "version";
		goto out;
	}
	if ((n = json_array_size(f[1])) == 0) {
		w.field = "voters";
		goto out;
	}
	err = ISO_E_NOMEM;
	if ((vs->v = calloc(n, sizeof *vs->v)) == NULL || (order = calloc(n, sizeof *order)) == NULL)
		goto out;
	for (vs->n = 0; vs->n < n; vs->n++) {
		if ((err = voter_read(json_array_get(f[1], vs->n), &vs->v[vs->n], &w.field)) !=
		    ISO_OK) {
			w.voter = vs->n + 1;
			goto out;
		}
		order[vs->n] = vs->n;
	}
	/* identifiers are unique: the later of the first pair found is named */
	qsort_r(order, n, sizeof *order, cmp_identifier, vs->v);
	for (size_t i = 1; i < n; i++)
		if (strcmp(vs->v[order[i - 1]].identifier, vs->v[order[i]].identifier) == 0 &&
		    (w.voter == 0 || order[i] + 1 < w.voter))
			w.voter = order[i] + 1;
	if (w.voter != 0) {
		w.field = "identifier";
		err = ISO_E_VOTER_FILE;
		goto out;
	}
	err = ISO_OK;
out:
	json_decref(j);
	free(order);
	if (err != ISO_OK) {
		registry_voters_free(vs);
		if (where != NULL)
			*where = w;
		return err;
	}
	*ret = vs;
	return ISO_OK;
}
