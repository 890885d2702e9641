/* The bureau's PDF documents (see pdf.h). The blocks are kept, then laid
 * out twice: once to count the pages, once to draw them with "page n / N". */
#include "pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/crypto.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (20 * MM)
#define FOOT (12 * MM) /* the foot's band above the bottom margin */

struct block {
	bool page; /* a new page, its note in text (may be NULL) */
	enum pdf_style style;
	char *text;
	double space;
};

struct pdf {
	enum iso_lang lang;
	struct block *b;
	size_t n, cap;
	bool failed;
};

/* the document in memory, wiped when it grows or is freed */
struct sink {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	if (s->len + len > s->cap) {
		size_t cap = (s->len + len) * 2 + 4096;
		unsigned char *n = malloc(cap);
		if (n == NULL) {
			s->failed = true;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		if (s->data != NULL) {
			memcpy(n, s->data, s->len);
			OPENSSL_cleanse(s->data, s->cap);
			free(s->data);
		}
		s->data = n;
		s->cap = cap;
	}
	memcpy(s->data + s->len, data, len);
	s->len += len;
	return CAIRO_STATUS_SUCCESS;
}

enum iso_err pdf_new(enum iso_lang lang, struct pdf **ret)
{
	if ((*ret = calloc(1, sizeof **ret)) == NULL)
		return ISO_E_NOMEM;
	(*ret)->lang = lang;
	return ISO_OK;
}

static void add(struct pdf *p, bool page, enum pdf_style style, const char *text, double space)
{
	if (p->n == p->cap) {
		size_t cap = p->cap * 2 + 16;
		struct block *n = realloc(p->b, cap * sizeof *n);
		if (n == NULL) {
			p->failed = true;
			return;
		}
		p->b = n;
		p->cap = cap;
	}
	p->b[p->n] = (struct block){page, style, text != NULL ? strdup(text) : NULL, space};
	if (text != NULL && p->b[p->n].text == NULL) {
		p->failed = true;
		return;
	}
	p->n++;
}

void pdf_text(struct pdf *p, enum pdf_style style, const char *text, double space_mm)
{
	add(p, false, style, text, space_mm * MM);
}

void pdf_page(struct pdf *p, const char *note)
{
	add(p, true, PDF_BODY, note, 0);
}

static const char *font_of(enum pdf_style s)
{
	switch (s) {
	case PDF_TITLE:
		return "DejaVu Sans Bold 18";
	case PDF_HEADING:
		return "DejaVu Sans Bold 12";
	case PDF_SMALL:
		return "DejaVu Sans 8.5";
	case PDF_SECRET:
		return "DejaVu Sans Mono Bold 20";
	default:
		return "DejaVu Sans 10.5";
	}
}

static void foot(cairo_t *cr, const struct pdf *p, const char *note, int page, int pages)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *f = pango_font_description_from_string(font_of(PDF_SMALL));
	char text[64];
	int w, h;
	pango_layout_set_font_description(l, f);
	if (note != NULL) {
		pango_layout_set_width(l, (int)((PAGE_W - 2 * MARGIN) * 0.7 * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_text(l, note, -1);
		cairo_move_to(cr, MARGIN, PAGE_H - MARGIN - 10);
		pango_cairo_show_layout(cr, l);
	}
	pango_layout_set_width(l, -1);
	/* "page 3 / 12" in both languages */
	snprintf(text, sizeof text, "page %d / %d", page, pages);
	(void)p;
	pango_layout_set_text(l, text, -1);
	pango_layout_get_size(l, &w, &h);
	cairo_move_to(cr, PAGE_W - MARGIN - (double)w / PANGO_SCALE, PAGE_H - MARGIN - 10);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(f);
	g_object_unref(l);
}

/* Lay the blocks out on cr, drawing when draw (and pages is then the
 * total); returns the number of pages. */
static int render(const struct pdf *p, cairo_t *cr, bool draw, int pages)
{
	double top = MARGIN, bottom = PAGE_H - MARGIN - FOOT, y = top;
	int page = 1;
	const char *note = NULL;
	bool empty = true;
	for (size_t i = 0; i < p->n; i++) {
		const struct block *b = &p->b[i];
		PangoLayout *l;
		PangoFontDescription *f;
		PangoLayoutIter *it;
		if (b->page) {
			if (!empty) {
				if (draw) {
					foot(cr, p, note, page, pages);
					cairo_show_page(cr);
				}
				page++;
				y = top;
				empty = true;
			}
			note = b->text;
			continue;
		}
		l = pango_cairo_create_layout(cr);
		f = pango_font_description_from_string(font_of(b->style));
		pango_layout_set_font_description(l, f);
		pango_layout_set_width(l, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_text(l, b->text, -1);
		it = pango_layout_get_iter(l);
		do {
			int y0, y1, baseline = pango_layout_iter_get_baseline(it);
			double h;
			pango_layout_iter_get_line_yrange(it, &y0, &y1);
			h = (double)(y1 - y0) / PANGO_SCALE;
			/* a line that does not fit goes to the next page */
			if (y + h > bottom && !empty) {
				if (draw) {
					foot(cr, p, note, page, pages);
					cairo_show_page(cr);
				}
				page++;
				y = top;
			}
			if (draw) {
				cairo_move_to(cr, MARGIN, y + (double)(baseline - y0) / PANGO_SCALE);
				pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
			}
			y += h;
			empty = false;
		} while (pango_layout_iter_next_line(it));
		pango_layout_iter_free(it);
		pango_font_description_free(f);
		g_object_unref(l);
		y += b->space;
	}
	if (draw)
		foot(cr, p, note, page, pages);
	return page;
}

static void blocks_free(struct pdf *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->b[i].text != NULL) {
			OPENSSL_cleanse(p->b[i].text, strlen(p->b[i].text));
			free(p->b[i].text);
		}
	free(p->b);
	free(p);
}

enum iso_err pdf_finish(struct pdf *p, unsigned char **ret, size_t *ret_len)
{
	struct sink s = {NULL, 0, 0, false};
	cairo_surface_t *count = NULL, *doc = NULL;
	cairo_t *cr = NULL;
	enum iso_err err = ISO_E_NOMEM;
	int pages;
	*ret = NULL;
	*ret_len = 0;
	if (p->failed)
		goto out;
	/* the pages counted on a surface that draws nothing */
	count = cairo_pdf_surface_create_for_stream(NULL, NULL, PAGE_W, PAGE_H);
	cr = cairo_create(count);
	pages = render(p, cr, false, 0);
	cairo_destroy(cr);
	cr = NULL;
	/* then drawn */
	doc = cairo_pdf_surface_create_for_stream(sink_write, &s, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(doc, CAIRO_PDF_METADATA_CREATOR, "isoloir-bureau");
	cr = cairo_create(doc);
	cairo_set_source_rgb(cr, 0, 0, 0);
	render(p, cr, true, pages);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(doc);
	if (s.failed || cairo_surface_status(doc) != CAIRO_STATUS_SUCCESS) {
		err = s.failed ? ISO_E_NOMEM : ISO_E_IO;
		goto out;
	}
	*ret = s.data;
	*ret_len = s.len;
	s.data = NULL;
	err = ISO_OK;
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (count != NULL)
		cairo_surface_destroy(count);
	if (doc != NULL)
		cairo_surface_destroy(doc);
	pdf_data_free(s.data, s.cap);
	blocks_free(p);
	/* the fonts' caches, which nothing else frees before the exit */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
	return err;
}

void pdf_data_free(unsigned char *data, size_t len)
{
	if (data == NULL)
		return;
	OPENSSL_cleanse(data, len);
	free(data);
}
