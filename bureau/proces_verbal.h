/* The procès-verbal of an operation (R-BUR-06): the operation and its
 * polls, the bureau and its attendances (R-BUR-02), the journal's entries
 * as sentences in their order (the key ceremony R-KEY-04, seals,
 * controls, incidents, counts…), the results of each poll with the check
 * blank + expressed = émargements (R-D11-CHECK), the observations
 * (R-BUR-07) and the signature lines; in French or English.
 * Pure: the same documents give the same blocks. The layout is a list of
 * text blocks handed to a sink (the PDF, or a test); nothing is read
 * here, the caller reads and checks the files. */
#ifndef ISOLOIR_BUREAU_PROCES_VERBAL_H
#define ISOLOIR_BUREAU_PROCES_VERBAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "pdf.h"

#define PROCES_VERBAL_QUORUM 4 /* members present for the bureau to deliberate (R-BUR-02) */

struct proces_verbal {
	const json_t *operation; /* OP/operation.json, as operation init wrote it */
	const json_t *results;   /* OP/results.json, as operation results wrote it */
	const json_t *journal;   /* the journal's entries in order (an array), chain checked */
	int64_t now;             /* when the minutes are made (Unix seconds) */
};

/* Why the minutes cannot be made from these documents. */
enum proces_verbal_fault {
	PROCES_VERBAL_OK,
	PROCES_VERBAL_SHAPE,     /* results.json lacks a field, or one is of the wrong type */
	PROCES_VERBAL_POLLS,     /* its polls are not the operation's */
	PROCES_VERBAL_CHECK,     /* blank + expressed ≠ émargements or ballots (R-D11-CHECK) */
	PROCES_VERBAL_LISTS,     /* the lists' votes do not make the expressed votes */
	PROCES_VERBAL_UNJOURNALED /* results.json is not the last results journaled */
};

/* The checks made before the minutes, in this order: each poll of
 * results.json (its shape, R-D11-CHECK, the lists' votes), the polls
 * against the operation's, then results.json against the journal's last
 * "results" entry. *ret_poll: the index in results.json's polls of the
 * poll at fault, when there is one. */
enum proces_verbal_fault proces_verbal_check(const struct proces_verbal *pv, size_t *ret_poll);

/* The blocks of the minutes, in order, each given to text (style, UTF-8
 * text, space after in mm); page starts a new page (the first call, on
 * the empty document, only sets it) with the note at its foot: first,
 * and before the signatures, kept together. ISO_E_CONFIG when
 * operation.json lacks its name or hours, ISO_E_NOMEM. */
struct proces_verbal_sink {
	void (*page)(void *arg, const char *note);
	void (*text)(void *arg, enum pdf_style style, const char *text, double space_mm);
	void *arg;
};
enum iso_err proces_verbal_layout(enum iso_lang lang, const struct proces_verbal *pv,
				  const struct proces_verbal_sink *sink);

/* The minutes as a PDF (pdf.h): *ret freed with pdf_data_free, its
 * number of pages in *ret_pages (0 when it cannot be told). */
enum iso_err proces_verbal_pdf(enum iso_lang lang, const struct proces_verbal *pv,
			       unsigned char **ret, size_t *ret_len, int *ret_pages);

/* The number of pages of a PDF as cairo writes it (its page tree's
 * /Count), 0 when it cannot be found. */
int proces_verbal_pdf_pages(const unsigned char *pdf, size_t len);

/* A journal's UTC stamp ("2026-12-04T07:00:00Z") said at the wall-clock
 * offset of the operation's opening ("…+01:00"), as iso_time_text says
 * it; "?" when either is not a time. */
void proces_verbal_time_text(enum iso_lang lang, const char *utc, const char *opening,
			     char *buf, size_t size);

#endif
