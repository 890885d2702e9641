/* Fuzz target: voters.csv, the credential authority's input
 * (bureau/voterscsv.c). A file read is written back, field by field as
 * letters.csv writes its fields, and reads again to the same voters on the
 * same lines; a refusal's message is always terminated. The same input
 * read by codes ("operation init") gives codes only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "voterscsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* the voters as a file: header, one line per voter, LF */
static char *voters_write(const struct voters_csv *v, size_t *ret_len)
{
	size_t cap = sizeof VOTERS_CSV_HEADER_LINE + 1, n;
	char *out;
	for (size_t i = 0; i < v->n; i++) {
		const struct voters_csv_row *r = &v->rows[i];
		cap += 2 * (strlen(r->identifier) + strlen(r->name) + strlen(r->answer)) + 16;
		for (size_t k = 0; k < r->npolls; k++)
			cap += strlen(r->polls[k]) + 1;
	}
	if ((out = malloc(cap)) == NULL)
		abort();
	n = (size_t)snprintf(out, cap, "%s\n", VOTERS_CSV_HEADER_LINE);
	for (size_t i = 0; i < v->n; i++) {
		const struct voters_csv_row *r = &v->rows[i];
		char *f[3] = {voters_csv_field(r->identifier), voters_csv_field(r->name),
			      voters_csv_field(r->answer)};
		if (f[0] == NULL || f[1] == NULL || f[2] == NULL)
			abort();
		n += (size_t)snprintf(out + n, cap - n, "%s;%s;%s;", f[0], f[1], f[2]);
		for (size_t k = 0; k < r->npolls; k++)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", k ? "," : "", r->polls[k]);
		n += (size_t)snprintf(out + n, cap - n, "\n");
		for (int k = 0; k < 3; k++)
			free(f[k]);
	}
	*ret_len = n;
	return out;
}

static void voters_same(const struct voters_csv *a, const struct voters_csv *b)
{
	if (a->n != b->n || a->n == 0)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		const struct voters_csv_row *x = &a->rows[i], *y = &b->rows[i];
		if (strcmp(x->identifier, y->identifier) != 0 || strcmp(x->name, y->name) != 0 ||
		    strcmp(x->answer, y->answer) != 0 || x->npolls != y->npolls ||
		    x->npolls == 0 || x->line != y->line || x->identifier[0] == '\0' ||
		    x->name[0] == '\0' || x->answer[0] == '\0')
			abort();
		for (size_t k = 0; k < x->npolls; k++)
			if (strcmp(x->polls[k], y->polls[k]) != 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct voters_csv *v = NULL, *again = NULL;
	struct voters_csv_where w;
	enum iso_err err = voters_csv_parse_codes((const char *)data, size, &v, &w);
	/* by codes ("operation init"): each one a code */
	if (err == ISO_OK) {
		for (size_t i = 0; i < v->n; i++)
			for (size_t k = 0; k < v->rows[i].npolls; k++)
				if (!voters_csv_code_check(v->rows[i].polls[k]))
					abort();
		voters_csv_free(v);
		v = NULL;
	} else if (err != ISO_E_VOTER_FILE && err != ISO_E_NOMEM) {
		abort();
	}
	err = voters_csv_parse((const char *)data, size, &v, &w);
	if (err == ISO_OK) {
		size_t len;
		char *text = voters_write(v, &len);
		if (voters_csv_parse(text, len, &again, &w) != ISO_OK)
			abort();
		voters_same(v, again);
		free(text);
		voters_csv_free(again);
		voters_csv_free(v);
	} else if (err == ISO_E_VOTER_FILE) {
		char buf[512], small[9];
		voters_csv_where_format(&w, ISO_LANG_FR, buf, sizeof buf);
		voters_csv_where_format(&w, ISO_LANG_EN, small, sizeof small);
		if (memchr(buf, '\0', sizeof buf) == NULL || memchr(small, '\0', sizeof small) == NULL)
			abort();
	} else if (err != ISO_E_NOMEM) {
		abort();
	}
	return 0;
}
