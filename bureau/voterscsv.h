/* The bureau's CSV files about voters: voters.csv, the credential
 * authority's input ("identifiant;nom;reponse;scrutins", one voter a line),
 * read strictly, and the fields of letters.csv, its output. RFC 4180 with
 * ';' as separator, CRLF or LF, UTF-8 (a leading byte order mark is
 * skipped, as spreadsheets write one).
 * Rule: every refusal names its line and field and never quotes a
 * challenge answer; the answers read are wiped when the list is freed. */
#ifndef ISOLOIR_BUREAU_VOTERSCSV_H
#define ISOLOIR_BUREAU_VOTERSCSV_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The header line, field for field. */
#define VOTERS_CSV_HEADER_LINE "identifiant;nom;reponse;scrutins"
/* Bounds of the file: registry-voters.json, about 300 bytes a voter, must
 * stay under the registry's REGISTRY_VOTERS_FILE_MAX. */
#define VOTERS_CSV_MAX_BYTES (64u << 20)
#define VOTERS_CSV_MAX_VOTERS 500000

struct voters_csv_row {
	char *identifier, *name; /* without surrounding spaces */
	char *answer;            /* as typed (the registry normalises it) */
	char **polls;            /* poll uuids, in the order given */
	size_t npolls;
	int line; /* where the voter's line starts, 1-based */
};

struct voters_csv {
	struct voters_csv_row *rows;
	size_t n;
};

/* Each way a file can be wrong. */
enum voters_csv_fault {
	VOTERS_CSV_OK = 0,
	VOTERS_CSV_HEADER,         /* the first line is not VOTERS_CSV_HEADER_LINE */
	VOTERS_CSV_QUOTE,          /* a quote opened and not closed, or text after it */
	VOTERS_CSV_STRAY_QUOTE,    /* a quote inside a field not in quotes */
	VOTERS_CSV_LINE_END,       /* a carriage return not followed by a line feed */
	VOTERS_CSV_NUL,            /* a NUL byte: not a text file */
	VOTERS_CSV_FIELD_COUNT,    /* not four fields */
	VOTERS_CSV_EMPTY_LINE,
	VOTERS_CSV_EMPTY_FIELD,
	VOTERS_CSV_TEXT,           /* invalid UTF-8, a control character */
	VOTERS_CSV_FIELD_TOO_LONG,
	VOTERS_CSV_ANSWER_BLANK,   /* nothing left once spaces and separators are dropped */
	VOTERS_CSV_DUPLICATE,      /* an identifier given on an earlier line */
	VOTERS_CSV_UUID,           /* not a poll uuid */
	VOTERS_CSV_POLL_EMPTY,     /* nothing between two commas */
	VOTERS_CSV_POLL_TWICE,
	VOTERS_CSV_TOO_MANY_POLLS, /* more than REGISTRY_POLLS_MAX */
	VOTERS_CSV_NO_VOTER,
	VOTERS_CSV_TOO_MANY_VOTERS,
	VOTERS_CSV_TOO_LARGE,
	VOTERS_CSV_CODE,           /* not a poll or college code (the codes' form) */
	VOTERS_CSV_UNKNOWN_CODE,   /* a code the operation does not have (its user's check) */
};

struct voters_csv_where {
	enum voters_csv_fault fault;
	int line;          /* 1-based, or 0 for the whole file */
	const char *field; /* "identifiant", "nom", "reponse", "scrutins" or NULL */
	int other_line;    /* a duplicate's first line */
	size_t count;      /* fields found (FIELD_COUNT), polls given (TOO_MANY_POLLS) */
	char poll[65];     /* the poll at fault (UUID, POLL_TWICE) when printable, or "" */
};

/* ISO_E_VOTER_FILE with *where filled for a refused file, ISO_E_NOMEM. */
enum iso_err voters_csv_parse(const char *text, size_t len, struct voters_csv **ret,
			      struct voters_csv_where *where);
/* The same, the last field holding poll or college codes of the
 * operation's description (opdesc.h) instead of uuids: what the bureau
 * gives "operation init". */
enum iso_err voters_csv_parse_codes(const char *text, size_t len, struct voters_csv **ret,
				    struct voters_csv_where *where);
/* A poll or college code: letters, digits, '-' and '_', 32 at most. */
bool voters_csv_code_check(const char *s);
/* Wipes the answers. NULL is fine. */
void voters_csv_free(struct voters_csv *v);

/* "line 3, field scrutins: poll listed twice — …what to do", terminated. */
void voters_csv_where_format(const struct voters_csv_where *w, enum iso_lang lang, char *buf,
			     size_t size);

/* ---- the records underneath, for letters.csv too ---- */

struct voters_csv_reader {
	const char *p, *end;
	int line; /* of the next record */
};

void voters_csv_reader_init(struct voters_csv_reader *r, const char *text, size_t len);
/* The next record: *ret_n malloc'd fields (0 at the end of the text), in
 * *ret_fields, each malloc'd; *ret_line where it starts. ISO_E_VOTER_FILE
 * with *ret_fault for a syntax error. */
enum iso_err voters_csv_record(struct voters_csv_reader *r, char ***ret_fields, size_t *ret_n,
			       int *ret_line, enum voters_csv_fault *ret_fault);
/* Wipes and frees the fields of a record. */
void voters_csv_fields_free(char **fields, size_t n);

/* A field as written: as is, or in quotes (quotes doubled) when it holds
 * ';', '"', CR or LF. malloc'd. */
char *voters_csv_field(const char *s);

#endif
