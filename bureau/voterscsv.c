/* The bureau's CSV files about voters (see voterscsv.h): records of RFC 4180
 * with ';', voters.csv checked line by line before any credential is made,
 * so that a mistake costs the bureau a message, not a run. */
#include "voterscsv.h"

#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election.h"
#include "registry_voters.h"

_Static_assert(sizeof(((struct voters_csv_where *)0)->poll) == REGISTRY_POLL_MAX + 1,
	       "the poll at fault fits a poll uuid");

static const char *const header_fields[4] = {"identifiant", "nom", "reponse", "scrutins"};

/* ---- records ---- */

void voters_csv_reader_init(struct voters_csv_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text + len;
	r->line = 1;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
}

void voters_csv_fields_free(char **fields, size_t n)
{
	for (size_t i = 0; fields != NULL && i < n; i++) {
		if (fields[i] != NULL)
			OPENSSL_cleanse(fields[i], strlen(fields[i]));
		free(fields[i]);
	}
	free(fields);
}

/* One field at r->p and the separator after it; *ret_last when it ends the
 * record. A first pass finds the field's end and length, a second copies
 * it: memory stays within the text's size whatever the fields. */
static enum iso_err field_read(struct voters_csv_reader *r, char **ret, bool *ret_last,
			       enum voters_csv_fault *ret_fault)
{
	const char *p = r->p, *end = r->end, *start;
	bool quoted = p < end && *p == '"';
	size_t len = 0, k = 0;
	int breaks = 0;
	char *out;
	if (quoted) {
		for (start = ++p;; p++) {
			if (p == end || *p == '\0') {
				*ret_fault = p == end ? VOTERS_CSV_QUOTE : VOTERS_CSV_NUL;
				return ISO_E_VOTER_FILE;
			}
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					p++;
				} else {
					p++;
					break;
				}
			}
			breaks += *p == '\n';
			len++;
		}
		if (p < end && *p != ';' && *p != '\n' && *p != '\r') {
			*ret_fault = VOTERS_CSV_QUOTE;
			return ISO_E_VOTER_FILE;
		}
	} else {
		for (start = p; p < end && *p != ';' && *p != '\n' && *p != '\r'; p++, len++)
			if (*p == '"' || *p == '\0') {
				*ret_fault = *p == '"' ? VOTERS_CSV_STRAY_QUOTE : VOTERS_CSV_NUL;
				return ISO_E_VOTER_FILE;
			}
	}
	if (p < end && *p == '\r' && (p + 1 == end || p[1] != '\n')) {
		*ret_fault = VOTERS_CSV_LINE_END;
		return ISO_E_VOTER_FILE;
	}
	if ((out = malloc(len + 1)) == NULL)
		return ISO_E_NOMEM;
	for (const char *q = start; k < len; q++) {
		out[k++] = *q;
		if (quoted && *q == '"')
			q++; /* "" is one quote */
	}
	out[len] = '\0';
	*ret_last = p == end || *p != ';';
	r->line += breaks;
	if (p < end)
		p += *p == '\r' ? 2 : 1;
	r->line += p > r->p && p[-1] == '\n';
	r->p = p;
	*ret = out;
	return ISO_OK;
}

enum iso_err voters_csv_record(struct voters_csv_reader *r, char ***ret_fields, size_t *ret_n,
			       int *ret_line, enum voters_csv_fault *ret_fault)
{
	char **fields = NULL;
	size_t n = 0, cap = 0;
	bool last = false;
	enum iso_err err = ISO_E_NOMEM;
	*ret_line = r->line;
	*ret_fault = VOTERS_CSV_OK;
	while (r->p < r->end && !last) {
		if (n == cap) {
			char **nf = realloc(fields, (cap = cap * 2 + 4) * sizeof *nf);
			if (nf == NULL)
				goto fail;
			fields = nf;
		}
		if ((err = field_read(r, &fields[n], &last, ret_fault)) != ISO_OK)
			goto fail;
		n++;
	}
	/* "a;" at the very end: the empty last field */
	if (n > 0 && !last) {
		char **nf = realloc(fields, (n + 1) * sizeof *nf);
		err = ISO_E_NOMEM;
		if (nf == NULL)
			goto fail;
		fields = nf;
		if ((fields[n] = strdup("")) == NULL)
			goto fail;
		n++;
	}
	*ret_fields = fields;
	*ret_n = n;
	return ISO_OK;
fail:
	voters_csv_fields_free(fields, n);
	return err;
}

char *voters_csv_field(const char *s)
{
	size_t n = strlen(s), q = 0, k = 0;
	char *out;
	if (strpbrk(s, ";\"\r\n") == NULL)
		return strdup(s);
	for (size_t i = 0; i < n; i++)
		q += s[i] == '"';
	if ((out = malloc(n + q + 3)) == NULL)
		return NULL;
	out[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			out[k++] = '"';
		out[k++] = s[i];
	}
	out[k++] = '"';
	out[k] = '\0';
	return out;
}

/* ---- voters.csv ---- */

void voters_csv_free(struct voters_csv *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct voters_csv_row *r = &v->rows[i];
		free(r->identifier);
		free(r->name);
		if (r->answer != NULL)
			OPENSSL_cleanse(r->answer, strlen(r->answer));
		free(r->answer);
		for (size_t k = 0; k < r->npolls; k++)
			free(r->polls[k]);
		free(r->polls);
	}
	free(v->rows);
	free(v);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s without the spaces and tabs around it, in place */
static void trim(char *s)
{
	size_t n = strlen(s), a = 0;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	while (a < n && is_blank(s[a]))
		a++;
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
}

static void where_poll(struct voters_csv_where *w, const char *p, size_t n)
{
	w->poll[0] = '\0';
	if (n >= sizeof w->poll)
		return;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return;
	memcpy(w->poll, p, n);
	w->poll[n] = '\0';
}

/* A text field: identifier or name, trimmed, non-empty, bounded, UTF-8
 * without control characters. */
static enum voters_csv_fault text_check(char *s, size_t max)
{
	trim(s);
	if (s[0] == '\0')
		return VOTERS_CSV_EMPTY_FIELD;
	if (strlen(s) > max)
		return VOTERS_CSV_FIELD_TOO_LONG;
	return registry_text_ok(s, max) ? VOTERS_CSV_OK : VOTERS_CSV_TEXT;
}

static enum voters_csv_fault answer_check(const char *s, enum iso_err *ret_err)
{
	char *norm = NULL;
	bool blank;
	*ret_err = ISO_OK;
	if (s[0] == '\0')
		return VOTERS_CSV_EMPTY_FIELD;
	if (strlen(s) > REGISTRY_ANSWER_MAX)
		return VOTERS_CSV_FIELD_TOO_LONG;
	if (!registry_text_ok(s, REGISTRY_ANSWER_MAX))
		return VOTERS_CSV_TEXT;
	if ((*ret_err = registry_answer_normalise(s, &norm)) != ISO_OK)
		return *ret_err == ISO_E_NOMEM ? VOTERS_CSV_OK : VOTERS_CSV_TEXT;
	blank = norm[0] == '\0';
	OPENSSL_cleanse(norm, strlen(norm));
	free(norm);
	return blank ? VOTERS_CSV_ANSWER_BLANK : VOTERS_CSV_OK;
}

bool voters_csv_code_check(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

/* The polls field: uuids (or codes) separated by commas, spaces around
 * each allowed. */
static enum voters_csv_fault polls_read(const char *s, struct voters_csv_row *row,
					struct voters_csv_where *w, bool codes,
					enum iso_err *ret_err)
{
	size_t given = 1;
	*ret_err = ISO_OK;
	for (const char *p = s; *p != '\0'; p++)
		given += *p == ',';
	if (given > REGISTRY_POLLS_MAX) {
		w->count = given;
		return VOTERS_CSV_TOO_MANY_POLLS;
	}
	if ((row->polls = calloc(given, sizeof *row->polls)) == NULL) {
		*ret_err = ISO_E_NOMEM;
		return VOTERS_CSV_OK;
	}
	for (const char *p = s;;) {
		const char *comma = strchr(p, ','), *e = comma != NULL ? comma : p + strlen(p);
		while (p < e && is_blank(*p))
			p++;
		while (e > p && is_blank(e[-1]))
			e--;
		if (p == e)
			return VOTERS_CSV_POLL_EMPTY;
		where_poll(w, p, (size_t)(e - p));
		if ((size_t)(e - p) > REGISTRY_POLL_MAX)
			return codes ? VOTERS_CSV_CODE : VOTERS_CSV_UUID;
		if ((row->polls[row->npolls] = strndup(p, (size_t)(e - p))) == NULL) {
			*ret_err = ISO_E_NOMEM;
			return VOTERS_CSV_OK;
		}
		if (codes ? !voters_csv_code_check(row->polls[row->npolls++])
			  : !iso_uuid_check(row->polls[row->npolls++]))
			return codes ? VOTERS_CSV_CODE : VOTERS_CSV_UUID;
		for (size_t k = 0; k + 1 < row->npolls; k++)
			if (strcmp(row->polls[k], row->polls[row->npolls - 1]) == 0)
				return VOTERS_CSV_POLL_TWICE;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	w->poll[0] = '\0';
	return VOTERS_CSV_OK;
}

/* A voter's line: takes the four fields (freed here in every case). */
static enum voters_csv_fault row_read(char **f, struct voters_csv_row *row,
				      struct voters_csv_where *w, bool codes, enum iso_err *ret_err)
{
	enum voters_csv_fault fault;
	*ret_err = ISO_OK;
	row->identifier = f[0];
	row->name = f[1];
	row->answer = f[2];
	w->field = header_fields[0];
	if ((fault = text_check(row->identifier, REGISTRY_IDENTIFIER_MAX)) != VOTERS_CSV_OK)
		goto out;
	w->field = header_fields[1];
	if ((fault = text_check(row->name, REGISTRY_NAME_MAX)) != VOTERS_CSV_OK)
		goto out;
	w->field = header_fields[2];
	if ((fault = answer_check(row->answer, ret_err)) != VOTERS_CSV_OK || *ret_err != ISO_OK)
		goto out;
	w->field = header_fields[3];
	trim(f[3]);
	if (f[3][0] == '\0')
		fault = VOTERS_CSV_EMPTY_FIELD;
	else
		fault = polls_read(f[3], row, w, codes, ret_err);
	if (fault == VOTERS_CSV_OK && *ret_err == ISO_OK)
		w->field = NULL;
out:
	OPENSSL_cleanse(f[3], strlen(f[3]));
	free(f[3]);
	free(f);
	return fault;
}

static int cmp_identifier(const void *a, const void *b, void *arg)
{
	const struct voters_csv_row *rows = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(rows[i].identifier, rows[j].identifier);
	return c != 0 ? c : (i < j ? -1 : i > j);
}

/* The first line (in file order) whose identifier an earlier line gave. */
static bool duplicate_find(const struct voters_csv *v, struct voters_csv_where *w,
			   enum iso_err *ret_err)
{
	size_t *order = calloc(v->n, sizeof *order), later = v->n, first = 0;
	if (order == NULL) {
		*ret_err = ISO_E_NOMEM;
		return false;
	}
	for (size_t i = 0; i < v->n; i++)
		order[i] = i;
	qsort_r(order, v->n, sizeof *order, cmp_identifier, v->rows);
	/* in a run of equal identifiers, sorted by line, the second is the
	 * first duplicate and the run's head its original */
	for (size_t i = 1, head = 0; i < v->n; i++) {
		if (strcmp(v->rows[order[i]].identifier, v->rows[order[head]].identifier) != 0) {
			head = i;
			continue;
		}
		if (i == head + 1 && order[i] < later) {
			later = order[i];
			first = order[head];
		}
	}
	free(order);
	*ret_err = ISO_OK;
	if (later == v->n)
		return false;
	w->fault = VOTERS_CSV_DUPLICATE;
	w->line = v->rows[later].line;
	w->other_line = v->rows[first].line;
	w->field = header_fields[0];
	return true;
}

static bool header_ok(char **f, size_t n)
{
	if (n != 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		if (strcmp(f[i], header_fields[i]) != 0)
			return false;
	return true;
}

static enum iso_err parse(const char *text, size_t len, bool codes, struct voters_csv **ret,
			  struct voters_csv_where *where)
{
	struct voters_csv_where w;
	struct voters_csv_reader r;
	struct voters_csv *v = calloc(1, sizeof *v);
	size_t cap = 0, n;
	char **f = NULL;
	int line;
	enum iso_err err = ISO_E_NOMEM;
	memset(&w, 0, sizeof w);
	if (v == NULL)
		goto out;
	err = ISO_E_VOTER_FILE;
	if (len > VOTERS_CSV_MAX_BYTES) {
		w.fault = VOTERS_CSV_TOO_LARGE;
		goto out;
	}
	voters_csv_reader_init(&r, text, len);
	if ((err = voters_csv_record(&r, &f, &n, &line, &w.fault)) != ISO_OK) {
		w.line = line;
		goto out;
	}
	if (!header_ok(f, n)) {
		voters_csv_fields_free(f, n);
		w.fault = VOTERS_CSV_HEADER;
		w.line = 1;
		err = ISO_E_VOTER_FILE;
		goto out;
	}
	voters_csv_fields_free(f, n);
	for (;;) {
		if ((err = voters_csv_record(&r, &f, &n, &line, &w.fault)) != ISO_OK) {
			w.line = line;
			goto out;
		}
		if (n == 0)
			break;
		err = ISO_E_VOTER_FILE;
		w.line = line;
		if (n == 1 && f[0][0] == '\0')
			w.fault = VOTERS_CSV_EMPTY_LINE;
		else if (n != 4)
			w.fault = VOTERS_CSV_FIELD_COUNT;
		else if (v->n == VOTERS_CSV_MAX_VOTERS)
			w.fault = VOTERS_CSV_TOO_MANY_VOTERS;
		if (w.fault != VOTERS_CSV_OK) {
			w.count = n;
			voters_csv_fields_free(f, n);
			goto out;
		}
		if (v->n == cap) {
			struct voters_csv_row *nr = realloc(v->rows, (cap = cap * 2 + 16) * sizeof *nr);
			if (nr == NULL) {
				voters_csv_fields_free(f, n);
				err = ISO_E_NOMEM;
				goto out;
			}
			v->rows = nr;
		}
		memset(&v->rows[v->n], 0, sizeof v->rows[v->n]);
		v->rows[v->n].line = line;
		/* the row is counted first so that a fault frees what it holds */
		w.fault = row_read(f, &v->rows[v->n++], &w, codes, &err);
		if (err != ISO_OK)
			goto out;
		if (w.fault != VOTERS_CSV_OK) {
			err = ISO_E_VOTER_FILE;
			goto out;
		}
	}
	w.line = 0;
	if (v->n == 0) {
		w.fault = VOTERS_CSV_NO_VOTER;
		err = ISO_E_VOTER_FILE;
		goto out;
	}
	if (duplicate_find(v, &w, &err))
		err = ISO_E_VOTER_FILE;
out:
	if (err != ISO_OK) {
		voters_csv_free(v);
		if (where != NULL)
			*where = w;
		return err;
	}
	*ret = v;
	return ISO_OK;
}

/* ---- messages ---- */

static const char *fault_text(enum voters_csv_fault f, bool en)
{
	switch (f) {
	case VOTERS_CSV_OK:
		return "";
	case VOTERS_CSV_HEADER:
		return en ? "the first line must be the header " VOTERS_CSV_HEADER_LINE
			  : "la première ligne doit être l’en-tête " VOTERS_CSV_HEADER_LINE;
	case VOTERS_CSV_QUOTE:
		return en ? "a quote is not closed, or text follows the closing quote (a quote "
			    "inside a quoted field is written twice: \"\")"
			  : "guillemet non fermé, ou texte après le guillemet fermant (dans un champ "
			    "entre guillemets, un guillemet s’écrit deux fois : \"\")";
	case VOTERS_CSV_STRAY_QUOTE:
		return en ? "a quote inside a field that is not in quotes (put the field in "
			    "quotes and write the quote twice)"
			  : "guillemet dans un champ qui n’est pas entre guillemets (mettre le "
			    "champ entre guillemets et doubler le guillemet)";
	case VOTERS_CSV_LINE_END:
		return en ? "a carriage return alone (lines end with CRLF or LF)"
			  : "retour chariot isolé (les lignes finissent par CRLF ou LF)";
	case VOTERS_CSV_NUL:
		return en ? "a NUL byte: not a text file (save as CSV UTF-8)"
			  : "octet nul : ce n’est pas un fichier texte (enregistrer en CSV UTF-8)";
	case VOTERS_CSV_FIELD_COUNT:
		return en ? "fields instead of 4 (identifiant;nom;reponse;scrutins; a field "
			    "holding ';' goes in quotes)"
			  : "champs au lieu de 4 (identifiant;nom;reponse;scrutins ; un champ qui "
			    "contient « ; » se met entre guillemets)";
	case VOTERS_CSV_EMPTY_LINE:
		return en ? "empty line (remove it)" : "ligne vide (la supprimer)";
	case VOTERS_CSV_EMPTY_FIELD:
		return en ? "empty field (every voter needs all four)"
			  : "champ vide (les quatre sont nécessaires pour chaque électeur)";
	case VOTERS_CSV_TEXT:
		return en ? "invalid text (UTF-8 without control characters: save as CSV UTF-8)"
			  : "texte invalide (UTF-8 sans caractère de contrôle : enregistrer en CSV "
			    "UTF-8)";
	case VOTERS_CSV_FIELD_TOO_LONG:
		return en ? "field too long (at most 128 bytes for identifiant, 256 for nom and "
			    "reponse)"
			  : "champ trop long (au plus 128 octets pour identifiant, 256 pour nom et "
			    "reponse)";
	case VOTERS_CSV_ANSWER_BLANK:
		return en ? "the answer is empty once spaces and separators (/ - . ,) are dropped"
			  : "réponse vide une fois retirés les espaces et séparateurs (/ - . ,)";
	case VOTERS_CSV_DUPLICATE:
		return en ? "identifier already given on line" : "identifiant déjà donné ligne";
	case VOTERS_CSV_UUID:
		return en ? "invalid poll uuid (14 to 64 base58 characters; polls are separated "
			    "by commas)"
			  : "identifiant de scrutin invalide (14 à 64 caractères base58 ; les "
			    "scrutins sont séparés par des virgules)";
	case VOTERS_CSV_POLL_EMPTY:
		return en ? "no poll between two commas" : "aucun scrutin entre deux virgules";
	case VOTERS_CSV_POLL_TWICE:
		return en ? "poll listed twice for this voter"
			  : "scrutin cité deux fois pour cet électeur";
	case VOTERS_CSV_TOO_MANY_POLLS:
		return en ? "polls for one voter, at most 64" : "scrutins pour un électeur, 64 au plus";
	case VOTERS_CSV_NO_VOTER:
		return en ? "no voter after the header" : "aucun électeur après l’en-tête";
	case VOTERS_CSV_TOO_MANY_VOTERS:
		return en ? "more than 500000 voters: split the file"
			  : "plus de 500000 électeurs : diviser le fichier";
	case VOTERS_CSV_CODE:
		return en ? "invalid poll or college code (letters, digits, - and _; separated by "
			    "commas)"
			  : "code de scrutin ou de collège invalide (lettres, chiffres, - et _ ; "
			    "séparés par des virgules)";
	case VOTERS_CSV_UNKNOWN_CODE:
		return en ? "no poll or college of the operation has this code"
			  : "aucun scrutin ni collège de l’opération n’a ce code";
	case VOTERS_CSV_TOO_LARGE:
		return en ? "file too large (64 MiB at most)"
			  : "fichier trop volumineux (64 Mio au plus)";
	}
	return "?";
}

void voters_csv_where_format(const struct voters_csv_where *w, enum iso_lang lang, char *buf,
			     size_t size)
{
	bool en = lang == ISO_LANG_EN;
	size_t n = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
#define PUT(...)                                                              \
	do {                                                                  \
		if (n < size) {                                               \
			int k_ = snprintf(buf + n, size - n, __VA_ARGS__);    \
			n += k_ > 0 ? (size_t)k_ : 0;                         \
		}                                                             \
	} while (0)
	if (w->line > 0)
		PUT(en ? "line %d" : "ligne %d", w->line);
	if (w->field != NULL)
		PUT(en ? "%sfield %s" : "%schamp %s", n > 0 ? ", " : "", w->field);
	if (n > 0)
		PUT(en ? ": " : " : ");
	if (w->fault == VOTERS_CSV_FIELD_COUNT || w->fault == VOTERS_CSV_TOO_MANY_POLLS)
		PUT("%zu ", w->count);
	PUT("%s", fault_text(w->fault, en));
	if (w->fault == VOTERS_CSV_DUPLICATE)
		PUT(" %d", w->other_line);
	if ((w->fault == VOTERS_CSV_UUID || w->fault == VOTERS_CSV_POLL_TWICE ||
	     w->fault == VOTERS_CSV_CODE || w->fault == VOTERS_CSV_UNKNOWN_CODE) &&
	    w->poll[0] != '\0')
		PUT(en ? ": %s" : " : %s", w->poll);
#undef PUT
}

enum iso_err voters_csv_parse(const char *text, size_t len, struct voters_csv **ret,
			      struct voters_csv_where *where)
{
	return parse(text, len, false, ret, where);
}

enum iso_err voters_csv_parse_codes(const char *text, size_t len, struct voters_csv **ret,
				    struct voters_csv_where *where)
{
	return parse(text, len, true, ret, where);
}
