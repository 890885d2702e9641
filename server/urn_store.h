/* The urn's storage: the poll's ballots, the spent voting tickets, the urn's
 * phase and its journal. It never holds an identifier, nor which kiosk sent
 * a ballot (R-SEP-03, R-C19-LINK); tables have no insertion order to give
 * away (keyed by credential and by ticket nonce). During the vote it only
 * grows (R-D11-APPEND: ballots and tickets refuse UPDATE and DELETE).
 * An interface, so that a PostgreSQL backend can stand beside SQLite; every
 * operation is one transaction, durable when it returns ISO_OK. */
#ifndef ISOLOIR_URN_STORE_H
#define ISOLOIR_URN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "journal.h"

/* prepared → open ⇄ suspended → closed (the 30-minute grace runs) →
 * finished (frozen, sealed, published); a stop goes straight to finished. */
enum urn_phase { URN_PREPARED, URN_OPEN, URN_SUSPENDED, URN_CLOSED, URN_FINISHED };

struct urn_state {
	enum urn_phase phase;
	int64_t opened_at, closed_at, finished_at; /* 0 until it happens */
	int64_t nballots;
};

/* What a seal covers, computed inside the transaction that changes the
 * phase: nothing can enter between the change and the seal. */
struct urn_digest {
	int64_t time;
	enum urn_phase phase; /* the new phase */
	int64_t nballots;
	char trackers[JOURNAL_HASH_LEN + 1]; /* SHA-256 hex of the sorted trackers, one per line */
	char journal_head[JOURNAL_HASH_LEN + 1]; /* the journal verified up to here */
};

/* Makes the signed seal document of a digest (malloc'd). */
typedef enum iso_err (*urn_seal_fn)(void *arg, const struct urn_digest *d, char **ret_doc);
/* Called for each seal, in order. */
typedef enum iso_err (*urn_seal_each_fn)(void *arg, const char *name, const char *doc);

struct urn_ballot_row {
	const char *credential; /* the public credential, decimal */
	const char *tracker;
	const char *ballot; /* the canonical ballot JSON */
	size_t len;
	int64_t received;    /* the receipt's time */
	const char *receipt; /* the signed receipt, returned again on a retry */
};

/* Decides, inside the write transaction, whether a ballot may enter. */
typedef enum iso_err (*urn_admit_fn)(void *arg, const struct urn_state *st);
/* Called for each ballot, in tracker order. */
typedef enum iso_err (*urn_ballot_fn)(void *arg, const struct urn_ballot_row *b);

struct urn_store;

struct urn_store_ops {
	void (*close)(struct urn_store *s);
	enum iso_err (*state)(struct urn_store *s, struct urn_state *ret);
	/* Compare and set: to `to` only if the phase is `from`, else
	 * ISO_E_URN_STATE; journals the change. With seal (may be NULL), in
	 * the same transaction: the digest of the new state is sealed and the
	 * seal stored under seal_name (once: a second seal of that name is
	 * ISO_E_URN_STATE) and journaled by its hash. */
	enum iso_err (*set_phase)(struct urn_store *s, enum urn_phase from, enum urn_phase to,
				  int64_t time, const char *actor, const char *seal_name,
				  urn_seal_fn seal, void *arg);
	enum iso_err (*each_seal)(struct urn_store *s, urn_seal_each_fn fn, void *arg);
	/* In one transaction: a ballot already stored for this credential is
	 * the same submission again if it has the same tracker (its stored
	 * receipt is returned, *ret_again set) and ISO_E_CREDENTIAL_USED
	 * otherwise; a spent ticket nonce is ISO_E_TICKET_USED; then admit
	 * decides; then the ballot and the nonce are stored and journaled.
	 * *ret_receipt (malloc'd) is the receipt to send. */
	enum iso_err (*add_ballot)(struct urn_store *s, const struct urn_ballot_row *b,
				   const char *ticket_nonce, urn_admit_fn admit, void *arg,
				   char **ret_receipt, bool *ret_again);
	enum iso_err (*has_tracker)(struct urn_store *s, const char *tracker, bool *ret);
	enum iso_err (*each_ballot)(struct urn_store *s, urn_ballot_fn fn, void *arg);
	/* An event of the urn's journal, in a transaction of its own. */
	enum iso_err (*journal)(struct urn_store *s, int64_t time, const char *actor,
				const char *event, const char *detail);
	enum iso_err (*verify_journal)(struct urn_store *s, int64_t *ret_count, int64_t *ret_bad,
				       char ret_head[JOURNAL_HASH_LEN + 1]);
};

struct urn_store {
	const struct urn_store_ops *ops;
};

/* The embedded default: one SQLite file (created if missing). */
enum iso_err urn_store_open_sqlite(const char *path, struct urn_store **ret);

const char *urn_phase_name(enum urn_phase p);

#endif
