/* Lines and pages of text (ui/wrap.c) without a window: every character
 * one unit wide. Lines break at spaces and newlines only, never at a
 * no-break space (French « » : ; ! ?), and a word wider than the line is
 * cut between characters, never inside a UTF-8 sequence; pages of a
 * profession de foi (R-VOTE-07) hold at most their lines, never start
 * with a blank, and together give back the whole text once, in order. */
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "error.h"
#include "wrap.h"

/* one unit per UTF-8 character */
static int chars(void *ctx, const char *s, size_t n)
{
	int w = 0;
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static bool char_start(const char *s, size_t at)
{
	return ((unsigned char)s[at] & 0xc0) != 0x80;
}

/* the lines of s at this width, joined by '|' */
static void lines_of(const char *s, int width, char *out, size_t size)
{
	const struct ui_wrap w = {chars, NULL, width};
	size_t len = strlen(s), at = 0, k = 0, n;
	while (at < len && k + 2 < size) {
		size_t next = ui_wrap_line(&w, s + at, len - at, &n);
		if (k > 0)
			out[k++] = '|';
		if (n > size - k - 1)
			n = size - k - 1;
		memcpy(out + k, s + at, n);
		k += n;
		at += next;
	}
	out[k] = '\0';
}

#define NNBSP "\u202f"

static const char *const text =
	"Chères collègues, chers collègues,\n\n"
	"Le comité social et économique n’est pas une instance lointaine" NNBSP ": c’est "
	"l’endroit où se décident vos conditions de travail.\n\n"
	"Ce que nous voulons" NNBSP ":\n\n"
	"– des salaires qui suivent les prix, et non «" NNBSP "à la fin de l’exercice" NNBSP
	"»" NNBSP ";\n\n"
	"– un droit à la déconnexion après 19" NNBSP "h.\n\n"
	"Pourquoi voter" NNBSP "? Votre vote est secret. Nous comptons sur vous" NNBSP "!";

/* Every page split of the text for this width and page height. */
static void pages_ok(int width, int lines)
{
	const struct ui_wrap w = {chars, NULL, width};
	size_t len = strlen(text), at = 0;
	char said[4096] = "", whole[4096] = "";
	int pages = 0;
	while (at < len) {
		size_t k, next = ui_wrap_page(&w, text + at, len - at, lines, &k) + at, end = at + k,
			  p = at, n;
		int count = 0;
		CHECK(next > at && next <= len && end <= next && end > at);
		CHECK(char_start(text, at) && text[at] != ' ' && text[at] != '\n');
		CHECK(text[end - 1] != ' ' && text[end - 1] != '\n');
		CHECK(next == len || char_start(text, next));
		/* the page's lines, as ui_text draws them: at most `lines` */
		while (p < end) {
			size_t step = ui_wrap_line(&w, text + p, end - p, &n);
			CHECK(chars(NULL, text + p, n) <= width);
			p += step;
			count++;
		}
		CHECK(count <= lines);
		if (count > lines)
			fprintf(stderr, "  width %d, %d lines: page %d has %d\n", width, lines, pages + 1,
				count);
		check_words_of(text + at, end - at, said, sizeof said);
		if (said[0] != '\0' && said[strlen(said) - 1] != ' ')
			strcat(said, " ");
		at = next;
		pages++;
		if (pages > 1000)
			break;
	}
	check_words_of(text, len, whole, sizeof whole);
	strcat(whole, " ");
	CHECK(strcmp(said, whole) == 0);
	if (strcmp(said, whole) != 0)
		fprintf(stderr, "  width %d, %d lines:\n%s\n%s\n", width, lines, said, whole);
}

int main(void)
{
	char out[4096];
	const struct ui_wrap narrow = {chars, NULL, 4};

	/* at spaces: the most words that fit */
	lines_of("Nous défendrons vos droits.", 15, out, sizeof out);
	CHECK(strcmp(out, "Nous défendrons|vos droits.") == 0);
	lines_of("Nous défendrons vos droits.", 100, out, sizeof out);
	CHECK(strcmp(out, "Nous défendrons vos droits.") == 0);
	/* a newline ends a line; a second one is an empty line */
	lines_of("un\ndeux\n\ntrois", 100, out, sizeof out);
	CHECK(strcmp(out, "un|deux||trois") == 0);
	/* a no-break space holds the guillemets and the colon to their words */
	lines_of("dit «" NNBSP "oui" NNBSP "» ici" NNBSP ": bien", 9, out, sizeof out);
	CHECK(strcmp(out, "dit|«" NNBSP "oui" NNBSP "»|ici" NNBSP ":|bien") == 0);
	/* a word too wide: cut between characters, never inside one */
	lines_of("ééééééééééé", 4, out, sizeof out);
	CHECK(strcmp(out, "éééé|éééé|ééé") == 0);
	{
		size_t n, next = ui_wrap_line(&narrow, "€€€€€€", strlen("€€€€€€"), &n);
		CHECK(n == 12 && next == 12);
	}
	/* a line never longer than the drawing's buffer, cut at a character */
	{
		static char longword[2001];
		const struct ui_wrap wide = {chars, NULL, 5000};
		size_t n;
		for (int i = 0; i < 1000; i++)
			memcpy(longword + 2 * i, "é", 2);
		ui_wrap_line(&wide, longword, 2000, &n);
		CHECK(n <= UI_WRAP_LINE_MAX && n % 2 == 0 && n > 0);
	}
	/* the page of one line: at least one, always a step on */
	{
		size_t n, next = ui_wrap_page(&narrow, "abc def", 7, 0, &n);
		CHECK(next == 4 && n == 3);
	}
	/* the blank lines between two pages are on neither */
	{
		const struct ui_wrap w = {chars, NULL, 100};
		const char *s = "un\n\n\ndeux";
		size_t n, next = ui_wrap_page(&w, s, strlen(s), 1, &n);
		CHECK(next == 5 && n == 2);
		next = ui_wrap_page(&w, s, strlen(s), 2, &n);
		CHECK(next == 5 && n == 2);
		next = ui_wrap_page(&w, s + 5, strlen(s + 5), 1, &n);
		CHECK(next == 4 && n == 4);
	}
	/* every split of the profession de foi, from narrow to wide */
	for (int width = 15; width <= 90; width += 3)
		for (int lines = 1; lines <= 8; lines++)
			pages_ok(width, lines);
	return check_status();
}
