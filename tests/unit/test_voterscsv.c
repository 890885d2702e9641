/* voters.csv, the credential authority's input (bureau/voterscsv.c): a
 * file with quoting, CRLF and LF, a byte order mark and spaces around
 * fields reads as meant; each way a file can be wrong is refused with its
 * own fault, line and field; the messages name them in both languages. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "voterscsv.h"

#define H "identifiant;nom;reponse;scrutins\n"
#define P1 "ZvzGy9a8Po4aUM"
#define P2 "uA8QHA56J3H1NB"

struct bad {
	const char *text;
	size_t len; /* 0: strlen */
	enum voters_csv_fault fault;
	int line;
	const char *field;
};

static char *long_identifier(void)
{
	static char s[sizeof H + 300];
	char id[130];
	memset(id, 'x', 129);
	id[129] = '\0';
	snprintf(s, sizeof s, H "%s;A;x;" P1 "\n", id);
	return s;
}

static char *many_polls(void)
{
	static char s[sizeof H + 65 * 16 + 32];
	size_t n = (size_t)snprintf(s, sizeof s, H "a;A;x;");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "%sZvzGy9a8Po4a%c%c", i ? "," : "",
				      "ABCDEFGH"[i / 8], "ABCDEFGH"[i % 8]);
	snprintf(s + n, sizeof s - n, "\n");
	return s;
}

static void check_bad(const struct bad *b)
{
	struct voters_csv *v = NULL;
	struct voters_csv_where w;
	size_t len = b->len != 0 ? b->len : strlen(b->text);
	enum iso_err err = voters_csv_parse(b->text, len, &v, &w);
	CHECK_ERR(err, ISO_E_VOTER_FILE);
	if (err != ISO_E_VOTER_FILE) {
		voters_csv_free(v);
		return;
	}
	if (w.fault != b->fault || w.line != b->line ||
	    (b->field == NULL) != (w.field == NULL) ||
	    (b->field != NULL && strcmp(b->field, w.field) != 0)) {
		fprintf(stderr, "case %.60s: fault %d line %d field %s, expected %d %d %s\n",
			b->text, w.fault, w.line, w.field ? w.field : "-", b->fault, b->line,
			b->field ? b->field : "-");
		check_failures++;
	}
}

static void test_refusals(void)
{
	const struct bad bads[] = {
		{"", 0, VOTERS_CSV_HEADER, 1, NULL},
		{"identifiant;nom;reponse\n", 0, VOTERS_CSV_HEADER, 1, NULL},
		{"identifiant;nom;réponse;scrutins\n", 0, VOTERS_CSV_HEADER, 1, NULL},
		{H, 0, VOTERS_CSV_NO_VOTER, 0, NULL},
		{H "a;A;x;" P1 "\n\n", 0, VOTERS_CSV_EMPTY_LINE, 3, NULL},
		{H "a;A;x\n", 0, VOTERS_CSV_FIELD_COUNT, 2, NULL},
		{H "a;A;x;" P1 ";\n", 0, VOTERS_CSV_FIELD_COUNT, 2, NULL},
		{H "a;A;x;" P1 ";", 0, VOTERS_CSV_FIELD_COUNT, 2, NULL},
		{H " ;A;x;" P1 "\n", 0, VOTERS_CSV_EMPTY_FIELD, 2, "identifiant"},
		{H "a;;x;" P1 "\n", 0, VOTERS_CSV_EMPTY_FIELD, 2, "nom"},
		{H "a;A;;" P1 "\n", 0, VOTERS_CSV_EMPTY_FIELD, 2, "reponse"},
		{H "a;A;x;\n", 0, VOTERS_CSV_EMPTY_FIELD, 2, "scrutins"},
		{H "a;A;x;\"\"\r\n", 0, VOTERS_CSV_EMPTY_FIELD, 2, "scrutins"},
		{H "a;A; / - ;" P1 "\n", 0, VOTERS_CSV_ANSWER_BLANK, 2, "reponse"},
		{H "a;A;x;" P1 "\nb;B;y;" P2 "\r\na;C;z;" P1 "\n", 0, VOTERS_CSV_DUPLICATE, 4,
		 "identifiant"},
		{H "a;A;x;notauuid\n", 0, VOTERS_CSV_UUID, 2, "scrutins"},
		{H "a;A;x;" P1 " " P2 "\n", 0, VOTERS_CSV_UUID, 2, "scrutins"},
		{H "a;A;x;" P1 "0\n", 0, VOTERS_CSV_UUID, 2, "scrutins"},
		{H "a;A;x;" P1 "," P2 ", " P1 "\n", 0, VOTERS_CSV_POLL_TWICE, 2, "scrutins"},
		{H "a;A;x;" P1 ",," P2 "\n", 0, VOTERS_CSV_POLL_EMPTY, 2, "scrutins"},
		{H "a;A;x;" P1 ",\n", 0, VOTERS_CSV_POLL_EMPTY, 2, "scrutins"},
		{H "a;\"A;x;" P1 "\n", 0, VOTERS_CSV_QUOTE, 2, NULL},
		{H "a;\"A\"x;y;" P1 "\n", 0, VOTERS_CSV_QUOTE, 2, NULL},
		{H "a;A\"b;x;" P1 "\n", 0, VOTERS_CSV_STRAY_QUOTE, 2, NULL},
		{H "a;A;x;" P1 "\rb;B;y;" P1 "\n", 0, VOTERS_CSV_LINE_END, 2, NULL},
		{H "a;A;x\0y;" P1 "\n", sizeof H + 13 + 14, VOTERS_CSV_NUL, 2, NULL},
		{H "a;A\x01;x;" P1 "\n", 0, VOTERS_CSV_TEXT, 2, "nom"},
		{H "a;A\xff;x;" P1 "\n", 0, VOTERS_CSV_TEXT, 2, "nom"},
		{H "a\xc3;A;x;" P1 "\n", 0, VOTERS_CSV_TEXT, 2, "identifiant"},
		{H "a;A;x\x7f;" P1 "\n", 0, VOTERS_CSV_TEXT, 2, "reponse"},
		/* a line break inside quotes: the record's first line is named */
		{H "b;B;y;" P2 "\na;\"A\nB\";x;" P1 "\n", 0, VOTERS_CSV_TEXT, 3, "nom"},
		{H "b;B;y;" P2 "\na;\"A\nB\";x;" P1 "\nc;C;;" P1 "\n", 0, VOTERS_CSV_TEXT, 3, "nom"},
		{long_identifier(), 0, VOTERS_CSV_FIELD_TOO_LONG, 2, "identifiant"},
		{many_polls(), 0, VOTERS_CSV_TOO_MANY_POLLS, 2, "scrutins"},
	};
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++)
		check_bad(&bads[i]);
}

static void test_reads_as_meant(void)
{
	static const char text[] =
		"\xef\xbb\xbf"
		"identifiant;nom;reponse;scrutins\r\n"
		"alice;Alice Martin;01/02/1980;" P1 "," P2 "\r\n"
		"bob;\"Bob \"\"le\"\" Dupont; fils\";3 mars 1975;" P1 "\n"
		"  carol ;\" Carol \"; x ; " P2 " , " P1 " \n"
		"\"dave\";Dave;\"a;b\";\"" P1 "\"";
	struct voters_csv *v = NULL;
	struct voters_csv_where w;
	CHECK_ERR(voters_csv_parse(text, sizeof text - 1, &v, &w), ISO_OK);
	if (v == NULL)
		return;
	CHECK(v->n == 4);
	if (v->n == 4) {
		CHECK(strcmp(v->rows[0].identifier, "alice") == 0 && v->rows[0].line == 2);
		CHECK(strcmp(v->rows[0].answer, "01/02/1980") == 0);
		CHECK(v->rows[0].npolls == 2 && strcmp(v->rows[0].polls[1], P2) == 0);
		CHECK(strcmp(v->rows[1].name, "Bob \"le\" Dupont; fils") == 0 && v->rows[1].line == 3);
		CHECK(strcmp(v->rows[2].identifier, "carol") == 0 &&
		      strcmp(v->rows[2].name, "Carol") == 0 && v->rows[2].line == 4);
		CHECK(strcmp(v->rows[2].answer, " x ") == 0); /* as typed */
		CHECK(v->rows[2].npolls == 2 && strcmp(v->rows[2].polls[0], P2) == 0 &&
		      strcmp(v->rows[2].polls[1], P1) == 0);
		CHECK(strcmp(v->rows[3].identifier, "dave") == 0 &&
		      strcmp(v->rows[3].answer, "a;b") == 0 && v->rows[3].line == 5);
	}
	voters_csv_free(v);
}

static void test_letters_fields(void)
{
	static const char *const plain[] = {"alice", "Alice Martin", "Zoé", "a,b"};
	char *q;
	for (size_t i = 0; i < 4; i++) {
		q = voters_csv_field(plain[i]);
		CHECK(q != NULL && strcmp(q, plain[i]) == 0);
		free(q);
	}
	q = voters_csv_field("Bob \"le\" Dupont; fils");
	CHECK(q != NULL && strcmp(q, "\"Bob \"\"le\"\" Dupont; fils\"") == 0);
	free(q);
	/* what is written reads back */
	{
		struct voters_csv_reader r;
		enum voters_csv_fault fault;
		char **f = NULL;
		size_t n = 0;
		int line = 0;
		const char *t = "a;\"Bob \"\"le\"\" Dupont; fils\";Nhh-BDW-9xA-wnr-wob\r\n";
		voters_csv_reader_init(&r, t, strlen(t));
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 3 && strcmp(f[1], "Bob \"le\" Dupont; fils") == 0 && line == 1);
		voters_csv_fields_free(f, n);
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 0);
		/* line breaks inside quotes count; "a;" ends with an empty field */
		t = "a;\"x\ny\r\nz\";\"\"\r\nb;c;\n\"\"\"\";";
		voters_csv_reader_init(&r, t, strlen(t));
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 3 && line == 1 && strcmp(f[1], "x\ny\r\nz") == 0 && f[2][0] == '\0');
		voters_csv_fields_free(f, n);
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 3 && line == 4 && strcmp(f[1], "c") == 0 && f[2][0] == '\0');
		voters_csv_fields_free(f, n);
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 2 && line == 5 && strcmp(f[0], "\"") == 0 && f[1][0] == '\0');
		voters_csv_fields_free(f, n);
		CHECK_ERR(voters_csv_record(&r, &f, &n, &line, &fault), ISO_OK);
		CHECK(n == 0);
	}
}

static void test_messages(void)
{
	struct voters_csv *v = NULL;
	struct voters_csv_where w;
	char buf[512];
	const char *t = H "a;A;x;" P1 "\nb;B;y;" P2 "\na;C;z;" P1 "\n";
	CHECK_ERR(voters_csv_parse(t, strlen(t), &v, &w), ISO_E_VOTER_FILE);
	voters_csv_where_format(&w, ISO_LANG_FR, buf, sizeof buf);
	CHECK(strcmp(buf, "ligne 4, champ identifiant : identifiant déjà donné ligne 2") == 0);
	voters_csv_where_format(&w, ISO_LANG_EN, buf, sizeof buf);
	CHECK(strcmp(buf, "line 4, field identifiant: identifier already given on line 2") == 0);
	t = H "a;A;x;" P1 ",zz\n";
	CHECK_ERR(voters_csv_parse(t, strlen(t), &v, &w), ISO_E_VOTER_FILE);
	voters_csv_where_format(&w, ISO_LANG_EN, buf, sizeof buf);
	CHECK(strncmp(buf, "line 2, field scrutins: invalid poll uuid", 41) == 0 &&
	      strstr(buf, ": zz") != NULL);
	/* a message never quotes an answer */
	t = H "a;A;secret\x01;" P1 "\n";
	CHECK_ERR(voters_csv_parse(t, strlen(t), &v, &w), ISO_E_VOTER_FILE);
	voters_csv_where_format(&w, ISO_LANG_FR, buf, sizeof buf);
	CHECK(strstr(buf, "secret") == NULL && strstr(buf, "ligne 2, champ reponse") == buf);
	/* a short buffer is cut, terminated */
	voters_csv_where_format(&w, ISO_LANG_FR, buf, 8);
	CHECK(strlen(buf) == 7);
}

int main(void)
{
	test_refusals();
	test_reads_as_meant();
	test_letters_fields();
	test_messages();
	return check_status();
}
