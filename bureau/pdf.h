/* The bureau's PDF documents (cairo + pango): A4 pages filled from the
 * top with blocks of text in DejaVu (the fonts the kiosk uses), wrapped
 * at the margins, a new page when a block does not fit; each page's foot
 * says "page n / N" with an optional note. The document is made in
 * memory: the caller writes it (the password letters hold secrets, and
 * the buffer is wiped when freed). */
#ifndef ISOLOIR_BUREAU_PDF_H
#define ISOLOIR_BUREAU_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct pdf;

enum pdf_style {
	PDF_TITLE,   /* 18 pt bold */
	PDF_HEADING, /* 12 pt bold */
	PDF_BODY,    /* 10.5 pt */
	PDF_SMALL,   /* 8.5 pt */
	PDF_SECRET   /* 20 pt bold monospace: a password, on its own line */
};

enum iso_err pdf_new(enum iso_lang lang, struct pdf **ret);
/* A block of plain text (UTF-8, newlines kept) in a style, then space_mm. */
void pdf_text(struct pdf *p, enum pdf_style style, const char *text, double space_mm);
/* The next blocks on a new page; note (may be NULL) at this page's foot. */
void pdf_page(struct pdf *p, const char *note);
/* The document: *ret (free with pdf_data_free), its length. The pdf is
 * freed in any case. */
enum iso_err pdf_finish(struct pdf *p, unsigned char **ret, size_t *ret_len);
void pdf_data_free(unsigned char *data, size_t len);

#endif
