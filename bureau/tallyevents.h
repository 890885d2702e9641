/* The events of the count (EndBallots, EncryptedTally, PartialDecryption,
 * Result): what each must hold given the verified archive, and how the tally
 * commands produce them. */
#ifndef ISOLOIR_BUREAU_TALLYEVENTS_H
#define ISOLOIR_BUREAU_TALLYEVENTS_H

#include "archive.h"
#include "archive_verify.h"

/* Would appending this event (its data lines) to v keep a valid archive? */
enum iso_err tally_event_check(const struct iso_verified *v, enum iso_event_type type,
			       const struct iso_blob *lines, size_t n, struct iso_where *where);

#endif
