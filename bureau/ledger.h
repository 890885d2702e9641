/* The bureau's journal of an operation (OP/journal.jsonl, R-BUR-06): what
 * the bureau did and what was said to it — the operation made, the
 * observations of voters, candidates and délégués (R-BUR-07), and, as the
 * tool grows, the ceremonies, seals, suspensions and counts — that the
 * procès-verbal reads. One JSON object a line, its keys in order: seq,
 * time (UTC), event, the event's own fields, prev, hash; the hash is the
 * SHA-256 of prev, a newline and the line up to its hash (as the kiosk's
 * journal chains), so a line removed or changed shows. Appended and synced.
 * Never a password, an answer or a vote. */
#ifndef ISOLOIR_BUREAU_LEDGER_H
#define ISOLOIR_BUREAU_LEDGER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define LEDGER_LINE_MAX (64u << 10)

/* Append event with fields (an object, consumed; its keys must not be
 * seq, time, event, prev or hash) at time. ISO_E_JOURNAL_BROKEN when the
 * file's chain does not hold: nothing is appended to a broken journal. */
enum iso_err ledger_append(const char *path, const char *event, json_t *fields, int64_t time);
/* Check the chain: the number of entries, or ISO_E_JOURNAL_BROKEN with the
 * first bad line; fn (may be NULL) sees each entry. A missing file is an
 * empty journal. */
enum iso_err ledger_verify(const char *path, size_t *ret_entries, size_t *ret_bad_line,
			   void (*fn)(void *arg, const json_t *entry), void *arg);

#endif
