/* The émargement list of the registry (R-SEP-02): a row when a voter is
 * given a voting ticket for a poll ("pending") and one when the urn's
 * receipt comes back ("voted"); rows are only ever appended
 * (R-D11-APPEND), so the list at any moment is the rows before it. Its CSV
 * form is made here because the bureau downloads it and the registry's
 * seals hash it: both must be the same bytes. Rule: a row names a voter, a
 * poll, a state and a time, never a ticket, a receipt or a tracker
 * (R-C19-LINK). */
#ifndef ISOLOIR_EMARGEMENT_H
#define ISOLOIR_EMARGEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A voter's state in a poll: its latest row (none: still to vote). */
enum emargement_state { EMARGEMENT_NONE = 0, EMARGEMENT_PENDING = 1, EMARGEMENT_VOTED = 2 };

/* "to-vote", "pending", "voted" (the wire protocol's words). */
const char *emargement_state_name(enum emargement_state s);

struct emargement_row {
	const char *identifier, *name, *poll;
	enum emargement_state state; /* PENDING or VOTED */
	int64_t at;                  /* Unix seconds */
};

/* The CSV's header line: "identifier;name;poll;state;time" and CRLF. */
extern const char emargement_csv_header[];

/* A line is at most this long (fields are bounded at import). */
#define EMARGEMENT_LINE_MAX 1024

/* One row as a CSV line (RFC 4180 with ';': a field holding ';', '"', CR
 * or LF is quoted, quotes doubled; the time in UTC, ISO 8601; CRLF).
 * ISO_E_TOO_LARGE if it does not fit. */
enum iso_err emargement_csv_line(const struct emargement_row *r,
				 char line[EMARGEMENT_LINE_MAX], size_t *ret_len);

#endif
