/* The Belenios .bel archive: a plain tar (no ustar magic, no end blocks) of a
 * header member "BELENIOS", then data members "<sha256>.data.json" and event
 * members "<sha256>.event.json" forming a hash chain (each event names its
 * parent event by hash and has height parent + 1).
 * Reading maps the file and copies nothing: members are (pointer, length)
 * into the mapping. Appending is crash-safe: an append that did not complete
 * leaves a tail that the next writer cuts off, and a reader refuses. */
#ifndef ISOLOIR_ARCHIVE_H
#define ISOLOIR_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum iso_event_type {
	ISO_EV_SETUP,
	ISO_EV_BALLOT,
	ISO_EV_END_BALLOTS,
	ISO_EV_ENCRYPTED_TALLY,
	ISO_EV_SHUFFLE,
	ISO_EV_END_SHUFFLES,
	ISO_EV_PARTIAL_DECRYPTION,
	ISO_EV_RESULT,
	ISO_EV__COUNT
};

/* "Setup", "Ballot", ... and back; -1 if unknown. */
const char *iso_event_type_name(enum iso_event_type t);
int iso_event_type_parse(const char *s);

struct iso_member {
	char hex[65];    /* name's hash (data and events); "" for the header */
	bool is_event;
	const char *body; /* into the mapping */
	size_t len;
	size_t offset;   /* of the member's tar header in the file */
};

struct iso_event {
	int height;
	enum iso_event_type type;
	bool has_parent, has_payload;
	char parent[65], payload[65];
	const struct iso_member *member; /* the event's own member */
};

struct iso_archive;

/* Open and index an archive: strict tar layout, header member first, every
 * member's content matches its name hash, events parse and form one chain
 * ending at the last event of the file. */
enum iso_err iso_archive_open(const char *path, struct iso_archive **ret, struct iso_where *where);
void iso_archive_close(struct iso_archive *ar);

/* Regenerate the canonical archive from the last event backwards and compare
 * it byte for byte with the file (belenios-tool's fsck): member order per
 * event type, headers, padding, timestamp, and no trailing bytes. */
enum iso_err iso_archive_check_canonical(const struct iso_archive *ar, struct iso_where *where);

/* Unix time of the archive (header and every member's mtime). */
uint64_t iso_archive_timestamp(const struct iso_archive *ar);
/* Events in chain order (height 0 first). */
size_t iso_archive_nevents(const struct iso_archive *ar);
const struct iso_event *iso_archive_event(const struct iso_archive *ar, size_t i);
/* The body of the member whose content hashes to hex; NULL if absent. */
const struct iso_member *iso_archive_find(const struct iso_archive *ar, const char *hex);
/* The payload of event i (NULL if none or missing). */
const struct iso_member *iso_archive_payload(const struct iso_archive *ar, size_t i);

/* ---- writing ---- */

struct iso_blob {
	const char *data;
	size_t len;
};

/* Create path (must not exist) with the header and the Setup event over
 * election, trustees and public credentials (exact bytes, no newline).
 * timestamp 0 means now (or $SOURCE_DATE_EPOCH when set). */
enum iso_err iso_archive_create(const char *path, uint64_t timestamp, struct iso_blob election,
				struct iso_blob trustees, struct iso_blob public_creds);

/* Append data members then an event of the given type whose payload is the
 * hash of the last data member (no payload when ndata is 0), like
 * belenios-tool's "archive add-event". Cuts off first any incomplete tail a
 * crashed writer left, and makes the append durable (fsync) before returning;
 * on failure the file is cut back to its previous length. */
enum iso_err iso_archive_append(const char *path, enum iso_event_type type,
				const struct iso_blob *data, size_t ndata);

/* Several events at once, each as iso_archive_append would write it, with
 * one fsync for all (an archive export writes thousands). On failure the
 * file is cut back; after a crash, a prefix of them may remain (whoever
 * needs all or nothing writes a copy and renames it). */
struct iso_archive_event_in {
	enum iso_event_type type;
	const struct iso_blob *data;
	size_t ndata;
};
enum iso_err iso_archive_append_events(const char *path, const struct iso_archive_event_in *evs,
				       size_t nevs);

#endif
