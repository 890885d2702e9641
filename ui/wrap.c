/* Lines and pages of text (see wrap.h). */
#include "wrap.h"

/* the bytes of the UTF-8 character at s, within the n left */
static size_t char_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return k < n ? k : n;
}

size_t ui_wrap_line(const struct ui_wrap *w, const char *s, size_t len, size_t *ret_n)
{
	size_t n = 0, fit = 0, next;
	int line_w = 0;
	if (s[0] == '\n') {
		*ret_n = 0;
		return 1;
	}
	/* the longest run of words that fits: each word measured once (with
	 * the spaces before it), their widths added */
	while (n < len && s[n] != '\n') {
		size_t e = n;
		int ww;
		while (e < len && s[e] == ' ')
			e++;
		while (e < len && s[e] != ' ' && s[e] != '\n')
			e += char_len(s + e, len - e);
		ww = w->measure(w->ctx, s + n, e - n);
		if (line_w + ww > w->width)
			break;
		line_w += ww;
		fit = n = e;
	}
	if (fit == 0) { /* one word too long: cut it by characters */
		while (fit < len && s[fit] != '\n' &&
		       w->measure(w->ctx, s, fit + char_len(s + fit, len - fit)) <= w->width)
			fit += char_len(s + fit, len - fit);
		if (fit == 0)
			fit = char_len(s, len);
	}
	if (fit > UI_WRAP_LINE_MAX) {
		fit = UI_WRAP_LINE_MAX;
		while (fit > 0 && ((unsigned char)s[fit] & 0xc0) == 0x80)
			fit--;
		if (fit == 0) /* not UTF-8: still a step on */
			fit = UI_WRAP_LINE_MAX;
	}
	*ret_n = fit;
	next = fit;
	while (next < len && s[next] == ' ')
		next++;
	if (next < len && s[next] == '\n') /* the line's own end; another is an empty line */
		next++;
	return next;
}

size_t ui_wrap_page(const struct ui_wrap *w, const char *s, size_t len, int lines,
		    size_t *ret_n)
{
	size_t at = 0, n, text;
	for (int i = 0; at < len && (i == 0 || i < lines); i++)
		at += ui_wrap_line(w, s + at, len - at, &n);
	text = at;
	while (text > 0 && (s[text - 1] == ' ' || s[text - 1] == '\n'))
		text--;
	while (at < len && s[at] == '\n')
		at++;
	*ret_n = text;
	return at;
}
