/* Text broken into lines and pages of a given width, the widths measured
 * by the caller (draw.c with SDL_ttf, the unit test with fixed advances):
 * no SDL here, so the breaking is tested without a window.
 * Rule: a line breaks at an ASCII space or a newline only — a no-break
 * space (U+00A0, U+202F before « : ; ! ? » in French) holds its neighbours
 * together — and a word wider than the line is cut between two
 * characters, never inside a UTF-8 sequence. */
#ifndef ISOLOIR_UI_WRAP_H
#define ISOLOIR_UI_WRAP_H

#include <stddef.h>

/* The width of the n bytes at s. */
typedef int ui_measure_fn(void *ctx, const char *s, size_t n);

/* The longest line in bytes (the drawing's buffer); a longer one is cut. */
#define UI_WRAP_LINE_MAX 1023

struct ui_wrap {
	ui_measure_fn *measure;
	void *ctx;
	int width;
};

/* The line that starts at s (len > 0 bytes left): the most words that fit
 * the width, or the most characters of a word too wide, at least one
 * character; none when s starts with a newline (an empty line). Its bytes
 * in *ret_n; returned, where the next line starts (after the spaces and
 * the newline that end this one). */
size_t ui_wrap_line(const struct ui_wrap *w, const char *s, size_t len, size_t *ret_n);

/* A page of at most `lines` lines (at least one: a page always moves on)
 * that starts at s: its text's bytes in *ret_n (without the spaces and
 * blank lines that end it); returned, the next page's first byte, the
 * blank lines between the two skipped (len when the text ends here). */
size_t ui_wrap_page(const struct ui_wrap *w, const char *s, size_t len, int lines,
		    size_t *ret_n);

#endif
