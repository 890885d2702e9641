/* The kiosk's journal (R-C19-LOGS): one JSON line per event of
 * kiosk/events.tsv — seq, id, event, time (UTC), outcome, source, a detail
 * for maintenance events, and a
 * SHA-256 chain (prev, hash) that shows a line removed or changed — appended
 * and synced. Rule: an event is only its type, outcome and time; the
 * journal never holds a choice, a key press, a credential, an identifier,
 * nor the time a ballot was sent (R-C19-LINK). */
#ifndef ISOLOIR_KIOSK_JOURNAL_H
#define ISOLOIR_KIOSK_JOURNAL_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"
#include "events.h"

enum journal_outcome { OUTCOME_SUCCESS, OUTCOME_FAILURE, OUTCOME_NA };

struct kiosk_journal;

/* Open (create) the journal at path, continuing its chain; source names
 * the kiosk (its certificate's name). ISO_E_JOURNAL_BROKEN when the file's
 * chain does not hold. */
enum iso_err kiosk_journal_open(const char *path, const char *source, struct kiosk_journal **ret);
void kiosk_journal_close(struct kiosk_journal *j);
/* An event's name in events.tsv ("maintenance-start"), or "?". */
const char *kiosk_event_name(enum kiosk_event ev);
enum iso_err kiosk_journal_add(struct kiosk_journal *j, enum kiosk_event ev,
			       enum journal_outcome outcome, int64_t time);
/* The same with a detail: who and what of a maintenance (the technician,
 * the token's id, the action), printable UTF-8 of at most
 * KIOSK_DETAIL_MAX bytes (ISO_E_INVALID_ARG otherwise); never a voter's
 * data. It is the entry's "detail" member, between source and prev. */
#define KIOSK_DETAIL_MAX 400
enum iso_err kiosk_journal_add_detail(struct kiosk_journal *j, enum kiosk_event ev,
				      enum journal_outcome outcome, int64_t time,
				      const char *detail);

/* Check a journal's chain: the number of entries, or ISO_E_JOURNAL_BROKEN
 * with the first bad line. */
enum iso_err kiosk_journal_verify(const char *path, int64_t *ret_entries, int64_t *ret_bad_line);
/* The same, fn (may be NULL) seeing each entry's JSON object as its chain
 * holds (the entries before a bad line are seen); head (may be NULL): the
 * last entry's hash. The bureau takes a kiosk's incidents with it. */
enum iso_err kiosk_journal_walk(const char *path, void (*fn)(void *arg, json_t *entry), void *arg,
				int64_t *ret_entries, int64_t *ret_bad_line, char head[65]);
/* The journal in the NIST SP 1500-101 election event log JSON form
 * (ElectionEventLog → Device → Event, with Sequence, TimeStamp,
 * Disposition, Id, Description), malloc'd. The chain is verified first. */
enum iso_err kiosk_journal_export_nist(const char *path, const char *device_id, char **ret);

#endif
