/* Drawing the kiosk's screens (see draw.h). */
#include "draw.h"

#include <stdlib.h>
#include <string.h>

static TTF_Font *font_open(const char *file, int px)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", UI_FONT_DIR, file);
	return TTF_OpenFont(path, px);
}

enum iso_err ui_open(struct ui *u, SDL_Renderer *r, int w, int h, double px_per_mm,
		     enum ui_text_size size, enum ui_contrast theme)
{
	TTF_Font *probe;
	int miny, maxy, minx, maxx, adv;
	double cap_ratio = 1493.0 / 2048.0;
	memset(u, 0, sizeof *u);
	if (!TTF_WasInit() && TTF_Init() != 0)
		return ISO_E_IO;
	/* the capital height measured on the font: H at 1000 px */
	if ((probe = font_open("DejaVuSans.ttf", 1000)) == NULL)
		return ISO_E_IO;
	if (TTF_GlyphMetrics(probe, 'H', &minx, &maxx, &miny, &maxy, &adv) == 0 && maxy > 0)
		cap_ratio = maxy / 1000.0;
	TTF_CloseFont(probe);
	u->r = r;
	u->w = w;
	u->h = h;
	u->m = ui_metrics_for(px_per_mm, cap_ratio, size);
	u->p = ui_palette(theme);
	u->body = font_open("DejaVuSans.ttf", u->m.font_px);
	u->bold = font_open("DejaVuSans-Bold.ttf", u->m.font_px);
	u->title = font_open("DejaVuSans-Bold.ttf", u->m.font_px * 7 / 5);
	if (u->body == NULL || u->bold == NULL || u->title == NULL) {
		ui_close(u);
		return ISO_E_IO;
	}
	/* every fill is opaque: no blending (text textures blend on their own) */
	SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
	return ISO_OK;
}

void ui_close(struct ui *u)
{
	for (int i = 0; i < UI_TEXT_CACHE; i++) {
		if (u->cache[i].tex != NULL)
			SDL_DestroyTexture(u->cache[i].tex);
		/* a cached text may be a voter's name or identifier */
		if (u->cache[i].text != NULL)
			SDL_memset(u->cache[i].text, 0, strlen(u->cache[i].text));
		free(u->cache[i].text);
		u->cache[i] = (struct ui_text_cached){0};
	}
	if (u->body != NULL)
		TTF_CloseFont(u->body);
	if (u->bold != NULL)
		TTF_CloseFont(u->bold);
	if (u->title != NULL)
		TTF_CloseFont(u->title);
	u->body = u->bold = u->title = NULL;
}

static void set(struct ui *u, struct ui_color c)
{
	SDL_SetRenderDrawColor(u->r, c.r, c.g, c.b, 255);
}

void ui_clear(struct ui *u)
{
	set(u, u->p->background);
	SDL_RenderClear(u->r);
}

void ui_fill(struct ui *u, SDL_Rect box, struct ui_color c)
{
	set(u, c);
	SDL_RenderFillRect(u->r, &box);
}

void ui_frame(struct ui *u, SDL_Rect box, int t, struct ui_color c)
{
	SDL_Rect e[4] = {{box.x, box.y, box.w, t},
			 {box.x, box.y + box.h - t, box.w, t},
			 {box.x, box.y, t, box.h},
			 {box.x + box.w - t, box.y, t, box.h}};
	set(u, c);
	SDL_RenderFillRects(u->r, e, 4);
}

static void blit(struct ui *u, TTF_Font *f, const char *s, int x, int y, struct ui_color fg)
{
	SDL_Color c = {fg.r, fg.g, fg.b, 255};
	struct ui_text_cached *slot = &u->cache[0];
	SDL_Surface *sf;
	if (s[0] == '\0')
		return;
	u->clock++;
	for (int i = 0; i < UI_TEXT_CACHE; i++) {
		struct ui_text_cached *e = &u->cache[i];
		if (e->tex != NULL && e->font == f && e->fg.r == fg.r && e->fg.g == fg.g &&
		    e->fg.b == fg.b && strcmp(e->text, s) == 0) {
			SDL_Rect d = {x, y, e->w, e->h};
			e->used = u->clock;
			SDL_RenderCopy(u->r, e->tex, NULL, &d);
			return;
		}
		if (e->used < slot->used)
			slot = e;
	}
	if ((sf = TTF_RenderUTF8_Blended(f, s, c)) == NULL)
		return;
	/* the least recently used slot takes it */
	if (slot->tex != NULL)
		SDL_DestroyTexture(slot->tex);
	if (slot->text != NULL)
		SDL_memset(slot->text, 0, strlen(slot->text));
	free(slot->text);
	*slot = (struct ui_text_cached){f, fg, strdup(s), SDL_CreateTextureFromSurface(u->r, sf),
					sf->w, sf->h, u->clock};
	if (slot->tex != NULL && slot->text != NULL) {
		SDL_Rect d = {x, y, sf->w, sf->h};
		SDL_RenderCopy(u->r, slot->tex, NULL, &d);
	} else {
		if (slot->tex != NULL)
			SDL_DestroyTexture(slot->tex);
		free(slot->text);
		*slot = (struct ui_text_cached){0};
	}
	SDL_FreeSurface(sf);
}

static int width_of(TTF_Font *f, const char *s, size_t n)
{
	char buf[1024];
	int w = 0, h = 0;
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	TTF_SizeUTF8(f, buf, &w, &h);
	return w;
}

static int measure(void *font, const char *s, size_t n)
{
	return width_of(font, s, n);
}

int ui_text_n(struct ui *u, TTF_Font *f, const char *utf8, size_t len, int x, int y, int width,
	      struct ui_color fg, bool measure_only)
{
	const struct ui_wrap w = {measure, f, width};
	int line_h = TTF_FontLineSkip(f), used = 0;
	char line[UI_WRAP_LINE_MAX + 1];
	size_t at = 0, n;
	while (at < len) {
		size_t next = ui_wrap_line(&w, utf8 + at, len - at, &n);
		if (!measure_only && n > 0) {
			memcpy(line, utf8 + at, n);
			line[n] = '\0';
			blit(u, f, line, x, y + used, fg);
		}
		used += line_h;
		at += next;
	}
	return used;
}

int ui_text(struct ui *u, TTF_Font *f, const char *utf8, int x, int y, int width,
	    struct ui_color fg, bool measure_only)
{
	return ui_text_n(u, f, utf8, strlen(utf8), x, y, width, fg, measure_only);
}

size_t ui_text_page(TTF_Font *f, const char *utf8, size_t len, int width, int lines,
		    size_t *ret_n)
{
	const struct ui_wrap w = {measure, f, width};
	return ui_wrap_page(&w, utf8, len, lines, ret_n);
}

void ui_text_centred(struct ui *u, TTF_Font *f, const char *utf8, SDL_Rect box,
		     struct ui_color fg)
{
	char buf[512];
	int w = 0, h = 0;
	snprintf(buf, sizeof buf, "%s", utf8);
	TTF_SizeUTF8(f, buf, &w, &h);
	while (w > box.w && strlen(buf) > 4) {
		/* drop the last character, add an ellipsis */
		size_t n = strlen(buf);
		char *e = strstr(buf, "…");
		if (e != NULL)
			n = (size_t)(e - buf);
		do
			n--;
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80);
		snprintf(buf + n, sizeof buf - n, "…");
		TTF_SizeUTF8(f, buf, &w, &h);
	}
	blit(u, f, buf, box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, fg);
}

static void focus_ring(struct ui *u, SDL_Rect box)
{
	int t = u->m.gap_px / 2 > 2 ? u->m.gap_px / 2 : 2;
	SDL_Rect ring = {box.x - t - 2, box.y - t - 2, box.w + 2 * t + 4, box.h + 2 * t + 4};
	ui_frame(u, ring, t, u->p->focus);
}

void ui_button(struct ui *u, SDL_Rect box, const char *label, enum ui_button_kind kind,
	       bool focused)
{
	struct ui_color bg = kind == UI_BUTTON_ALERT ? u->p->alert
			     : kind == UI_BUTTON_MAIN ? u->p->button
						      : u->p->background,
			fg = kind == UI_BUTTON_ALERT ? u->p->alert_text
			     : kind == UI_BUTTON_MAIN ? u->p->button_text
						      : u->p->text;
	if (box.h < u->m.target_px)
		box.h = u->m.target_px;
	ui_fill(u, box, bg);
	/* a second button is told by its border, not by colour */
	ui_frame(u, box, 3, kind == UI_BUTTON_SECOND ? u->p->text : bg);
	ui_text_centred(u, u->bold, label, box, fg);
	if (focused)
		focus_ring(u, box);
}

/* a check mark drawn as two thick strokes, in a square of side s */
static void check_mark(struct ui *u, int x, int y, int s, struct ui_color c)
{
	int t = s / 8 > 2 ? s / 8 : 2;
	set(u, c);
	for (int i = 0; i < t; i++)
		for (int j = 0; j < t; j++) {
			SDL_RenderDrawLine(u->r, x + i, y + s / 2 + j, x + s / 3 + i, y + s - s / 6 + j);
			SDL_RenderDrawLine(u->r, x + s / 3 + i, y + s - s / 6 + j, x + s + i - t,
					   y + s / 6 + j);
		}
}

/* the text's width inside a tile of width w: padding, and room for the mark */
static int tile_text_w(const struct ui *u, int w)
{
	return w - 5 * u->m.gap_px - 2 * u->m.cap_px;
}

int ui_tile_height(struct ui *u, int w, const char *title, const char *line, bool compact)
{
	int tw = tile_text_w(u, w);
	int h = ui_text(u, compact ? u->bold : u->title, title, 0, 0, tw, u->p->text, true);
	if (line != NULL)
		h += ui_text(u, u->body, line, 0, 0, tw, u->p->text, true);
	return h + 4 * u->m.gap_px;
}

void ui_tile(struct ui *u, SDL_Rect box, const char *title, const char *line, bool compact,
	     bool chosen, bool focused)
{
	const struct ui_palette *p = u->p;
	struct ui_color bg = chosen ? p->chosen : p->choice, fg = chosen ? p->chosen_text : p->choice_text;
	int pad = u->m.gap_px, mark = u->m.cap_px * 2, tw = tile_text_w(u, box.w), th;
	ui_fill(u, box, bg);
	/* chosen: a thick border of the text's colour, then a thin one of the
	 * tile's, so the choice shows in any theme without colour */
	ui_frame(u, box, chosen ? u->m.gap_px : 2, p->text);
	if (chosen)
		ui_frame(u, (SDL_Rect){box.x + u->m.gap_px, box.y + u->m.gap_px,
				       box.w - 2 * u->m.gap_px, box.h - 2 * u->m.gap_px},
			 2, p->chosen_text);
	th = ui_text(u, compact ? u->bold : u->title, title, box.x + 2 * pad, box.y + 2 * pad, tw,
		     fg, false);
	if (line != NULL)
		ui_text(u, u->body, line, box.x + 2 * pad, box.y + 2 * pad + th, tw, fg, false);
	if (chosen)
		check_mark(u, box.x + box.w - 2 * pad - mark, box.y + 2 * pad, mark, fg);
	if (focused)
		focus_ring(u, box);
}

enum iso_err ui_read_rgb(struct ui *u, unsigned char **ret)
{
	unsigned char *px = malloc((size_t)u->w * (size_t)u->h * 3);
	if (px == NULL)
		return ISO_E_NOMEM;
	if (SDL_RenderReadPixels(u->r, NULL, SDL_PIXELFORMAT_RGB24, px, u->w * 3) != 0) {
		free(px);
		return ISO_E_IO;
	}
	*ret = px;
	return ISO_OK;
}
