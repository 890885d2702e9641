/* Drawing the kiosk's screens with SDL2 and SDL2_ttf: a page, wrapped
 * text, buttons and choice tiles, at the sizes of theme.h. The font is
 * DejaVu Sans from fonts-dejavu-core, opened by path so that nothing else
 * installed changes a screenshot. Works on any SDL_Renderer: the kiosk's
 * window, or a software renderer on a surface for the screenshot tests.
 * Rule: colour is never the only cue — a chosen tile has a mark and a
 * thick border, the focus a ring. */
#ifndef ISOLOIR_UI_DRAW_H
#define ISOLOIR_UI_DRAW_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

#include "error.h"
#include "theme.h"
#include "wrap.h"

#define UI_FONT_DIR "/usr/share/fonts/truetype/dejavu"

/* Rendered text, kept between frames: a screen draws the same words again
 * and again (the frame budget is 8 ms at 1920×1080 in software). */
#define UI_TEXT_CACHE 256
struct ui_text_cached {
	TTF_Font *font;
	struct ui_color fg;
	char *text;
	SDL_Texture *tex;
	int w, h;
	unsigned long used;
};

struct ui {
	SDL_Renderer *r;
	int w, h;
	struct ui_metrics m;
	const struct ui_palette *p;
	TTF_Font *body, *bold, *title; /* title: 1.4 × body, bold */
	struct ui_text_cached cache[UI_TEXT_CACHE];
	unsigned long clock;
};

/* Open the fonts for this density, text size and theme; the capital
 * height is measured on the font itself. ISO_E_IO when a font is missing. */
enum iso_err ui_open(struct ui *u, SDL_Renderer *r, int w, int h, double px_per_mm,
		     enum ui_text_size size, enum ui_contrast theme);
void ui_close(struct ui *u);

void ui_clear(struct ui *u);
void ui_fill(struct ui *u, SDL_Rect box, struct ui_color c);
/* A border of t pixels inside box. */
void ui_frame(struct ui *u, SDL_Rect box, int t, struct ui_color c);

/* Text wrapped on words within width (wrap.h: at spaces and newlines; a
 * word wider than width is cut between characters), drawn from (x, y)
 * unless measure_only; the height used. */
int ui_text(struct ui *u, TTF_Font *f, const char *utf8, int x, int y, int width,
	    struct ui_color fg, bool measure_only);
/* ui_text of the first len bytes of utf8 only (a page of a longer text). */
int ui_text_n(struct ui *u, TTF_Font *f, const char *utf8, size_t len, int x, int y, int width,
	      struct ui_color fg, bool measure_only);
/* A page of at most `lines` lines of utf8 (len bytes) wrapped as ui_text
 * wraps it: its text's bytes in *ret_n, the next page's first byte
 * returned (ui_wrap_page). */
size_t ui_text_page(TTF_Font *f, const char *utf8, size_t len, int width, int lines,
		    size_t *ret_n);
/* One line, centred in box (shortened with "…" when too long). */
void ui_text_centred(struct ui *u, TTF_Font *f, const char *utf8, SDL_Rect box,
		     struct ui_color fg);

enum ui_button_kind { UI_BUTTON_MAIN, UI_BUTTON_SECOND, UI_BUTTON_ALERT };
/* A button at least a touch target high; focused: a ring outside it. */
void ui_button(struct ui *u, SDL_Rect box, const char *label, enum ui_button_kind kind,
	       bool focused);
/* A choice tile (a list, the blank vote): its title (in the title font, or
 * bold body text when compact), a second line (may be NULL); when chosen,
 * the chosen colours, a thick border and a check mark. */
void ui_tile(struct ui *u, SDL_Rect box, const char *title, const char *line, bool compact,
	     bool chosen, bool focused);
/* The height a tile of width w needs for its text. */
int ui_tile_height(struct ui *u, int w, const char *title, const char *line, bool compact);

/* The screen's pixels as RGB24 (w × h × 3 bytes, malloc'd), read before
 * presenting. */
enum iso_err ui_read_rgb(struct ui *u, unsigned char **ret);

#endif
