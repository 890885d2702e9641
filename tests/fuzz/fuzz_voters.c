/* Fuzz target: the registry's voter file (registry-voters.json), the
 * challenge answer's normalisation and the encoded Argon2id hashes, all on
 * the same bytes. Whatever the input, the file either parses into voters
 * that pass every check the parser promises (at least one, identifiers
 * unique, text fields bounded valid UTF-8 without controls, hashes whose
 * costs read back, polls unique) and that write back to bytes which parse
 * to the same bytes again; or it is ISO_E_VOTER_FILE with a "where" that
 * formats to a message in both languages and points inside the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "registry_voters.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool cost_ok(const struct registry_argon2 *c)
{
	return c->t_cost >= 1 && c->parallelism >= 1 && c->m_cost_kib >= 8 * c->parallelism;
}

/* The normalised answer: no longer, no separator or ASCII capital left,
 * and normalising it again changes nothing. */
static void check_answer(const char *s)
{
	char *norm = NULL, *again = NULL;
	enum iso_err err = registry_answer_normalise(s, &norm);
	if (err != ISO_OK) {
		if (err != ISO_E_INVALID_ARG && err != ISO_E_TOO_LARGE)
			abort();
		return;
	}
	if (strlen(norm) > strlen(s) || strpbrk(norm, " \t\r\n\v\f/-.,") != NULL)
		abort();
	for (const char *p = norm; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			abort();
	if (registry_answer_normalise(norm, &again) != ISO_OK || strcmp(norm, again) != 0)
		abort();
	free(norm);
	free(again);
}

static void check_voter(const struct registry_voter *v)
{
	struct registry_argon2 c;
	if (!registry_text_ok(v->identifier, REGISTRY_IDENTIFIER_MAX) ||
	    !registry_text_ok(v->name, REGISTRY_NAME_MAX) ||
	    strlen(v->answer) > REGISTRY_HASH_MAX || strlen(v->verifier) > REGISTRY_HASH_MAX ||
	    registry_argon2_params(v->answer, &c) != ISO_OK || !cost_ok(&c) ||
	    registry_argon2_params(v->verifier, &c) != ISO_OK || !cost_ok(&c) || v->npolls == 0 ||
	    v->npolls > REGISTRY_POLLS_MAX)
		abort();
	for (size_t i = 0; i < v->npolls; i++) {
		if (!registry_text_ok(v->polls[i], REGISTRY_POLL_MAX))
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(v->polls[i], v->polls[k]) == 0)
				abort();
	}
}

static bool voter_same(const struct registry_voter *a, const struct registry_voter *b)
{
	if (strcmp(a->identifier, b->identifier) != 0 || strcmp(a->name, b->name) != 0 ||
	    strcmp(a->answer, b->answer) != 0 || strcmp(a->verifier, b->verifier) != 0 ||
	    a->npolls != b->npolls)
		return false;
	for (size_t i = 0; i < a->npolls; i++)
		if (strcmp(a->polls[i], b->polls[i]) != 0)
			return false;
	return true;
}

static void check_parsed(const struct registry_voters *vs)
{
	struct registry_voters *again = NULL;
	struct registry_voters_where w;
	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0;
	if (vs->n == 0)
		abort();
	for (size_t i = 0; i < vs->n; i++) {
		check_voter(&vs->v[i]);
		for (size_t k = 0; k < i; k++)
			if (strcmp(vs->v[i].identifier, vs->v[k].identifier) == 0)
				abort();
	}
	/* what the bureau would write back reads back the same */
	if (registry_voters_write(vs->v, vs->n, &out, &len) != ISO_OK ||
	    registry_voters_parse(out, len, &again, &w) != ISO_OK || again->n != vs->n)
		abort();
	for (size_t i = 0; i < vs->n; i++)
		if (!voter_same(&vs->v[i], &again->v[i]))
			abort();
	if (registry_voters_write(again->v, again->n, &out2, &len2) != ISO_OK || len2 != len ||
	    memcmp(out, out2, len) != 0)
		abort();
	registry_voters_free(again);
	free(out);
	free(out2);
}

/* A refusal says where, within the input, in both languages. */
static void check_where(const uint8_t *data, size_t size, const struct registry_voters_where *w)
{
	static const char *const fields[] = {"version", "voters", "identifier", "name",
					     "answer",  "verifier", "polls"};
	char msg[512], tiny[8];
	size_t lines = 1, voters = 0;
	json_t *j;
	bool known = w->field == NULL;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* jansson may count one line past the last newline at the end */
	if (w->line < 0 || (size_t)w->line > lines + 1 || w->existing != 0)
		abort();
	for (size_t i = 0; !known && i < sizeof fields / sizeof fields[0]; i++)
		known = strcmp(w->field, fields[i]) == 0;
	if (!known)
		abort();
	if ((j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL)) != NULL) {
		voters = json_array_size(json_object_get(j, "voters"));
		json_decref(j);
	}
	if (w->voter > voters || (w->line > 0 && w->voter > 0))
		abort();
	for (int lang = ISO_LANG_FR; lang <= ISO_LANG_EN; lang++) {
		registry_voters_where_format(w, ISO_E_VOTER_FILE, (enum iso_lang)lang, msg,
					     sizeof msg);
		if (msg[0] == '\0' || strlen(msg) >= sizeof msg)
			abort();
		registry_voters_where_format(w, ISO_E_VOTER_FILE, (enum iso_lang)lang, tiny,
					     sizeof tiny);
		if (strlen(tiny) >= sizeof tiny)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry_voters *vs = NULL;
	struct registry_voters_where w = {-7, 12345, "sentinel", 99};
	struct registry_argon2 c;
	char *s;
	enum iso_err err;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_answer(s);
	if (registry_argon2_params(s, &c) == ISO_OK && (!cost_ok(&c) || strlen(s) > REGISTRY_HASH_MAX))
		abort();
	if (registry_text_ok(s, REGISTRY_NAME_MAX)) {
		if (strlen(s) > REGISTRY_NAME_MAX)
			abort();
		for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				abort();
	}
	free(s);

	err = registry_voters_parse((const char *)data, size, &vs, &w);
	if (getenv("ISOLOIR_FUZZ_SHOW") != NULL) { /* to see what a corpus input reaches */
		char msg[512];
		registry_voters_where_format(&w, err, ISO_LANG_EN, msg, sizeof msg);
		fprintf(stderr, "%s\n", err == ISO_OK ? "ok" : msg);
	}
	if (err == ISO_OK) {
		check_parsed(vs);
		registry_voters_free(vs);
	} else if (err == ISO_E_VOTER_FILE) {
		check_where(data, size, &w);
	} else if (!(err == ISO_E_TOO_LARGE && size > REGISTRY_VOTERS_FILE_MAX)) {
		abort();
	}
	return 0;
}
