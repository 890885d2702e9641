/* The registry's storage: the voters (imported once), the émargement list,
 * failure counters for the lockout, the sessions, the bureau's controls,
 * seals and the journal. It never holds a credential, a public credential,
 * a verifier in clear, a session token in clear, a ticket or a receipt
 * (R-SEP-01, R-C19-LINK). The voters and the émargement list only grow
 * (R-D11-APPEND, triggers), and after the final seal the list refuses any
 * row (R-D11-FREEZE). An interface, so that a PostgreSQL backend can stand
 * beside SQLite; every operation is one transaction, durable when it
 * returns ISO_OK. */
#ifndef ISOLOIR_REGISTRY_STORE_H
#define ISOLOIR_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emargement.h"
#include "error.h"
#include "journal.h"
#include "registry_voters.h"

#define REGISTRY_KIOSK_MAX 128 /* a kiosk's certificate name */

struct registry_state {
	bool suspended;
	int64_t stopped_at; /* the bureau's stop, or 0 */
	int64_t frozen_at;  /* the final seal (end of grace or stop), or 0 */
	int64_t nvoters;
};

/* consecutive failures before a lock; its first delay, doubled at each
 * further failure up to max_delay (seconds) */
struct registry_lockout {
	int64_t threshold, first_delay, max_delay;
};

/* A failure counter: kind "identifier" with key the SHA-256 hex of the
 * identifier as typed (known or not: a password typed in the identifier
 * field is never stored in clear), or kind "kiosk" with its name. */
struct registry_lock_key {
	const char *kind, *key;
	struct registry_lockout rule;
};

struct registry_session {
	char identifier[REGISTRY_IDENTIFIER_MAX + 1];
	char kiosk[REGISTRY_KIOSK_MAX + 1];
	int64_t started, expires;
};

struct registry_poll_status {
	char poll[REGISTRY_POLL_MAX + 1];
	enum emargement_state state;
	int64_t at; /* of the latest row, or 0 */
};

/* What a login checks: the display name, both hashes, the polls. */
struct registry_voter_view {
	char *name, *answer, *verifier;
	struct registry_poll_status *polls;
	size_t npolls;
};
void registry_voter_view_clear(struct registry_voter_view *v);

struct registry_poll_count {
	char poll[REGISTRY_POLL_MAX + 1];
	int64_t voters, pending, voted;
};

/* What a seal covers, computed inside the transaction that stores it. */
struct registry_digest {
	const char *event; /* the seal's name */
	int64_t time;
	char emargement[JOURNAL_HASH_LEN + 1]; /* SHA-256 hex of the CSV of the rows covered */
	const struct registry_poll_count *counts; /* per poll, in poll order */
	size_t npolls;
	char journal_head[JOURNAL_HASH_LEN + 1]; /* the journal verified up to here */
};

/* Decides, inside a write transaction, whether the operation may go on. */
typedef enum iso_err (*registry_admit_fn)(void *arg, const struct registry_state *st);
/* Makes the signed seal document of a digest (malloc'd). */
typedef enum iso_err (*registry_seal_fn)(void *arg, const struct registry_digest *d,
					 char **ret_doc);
typedef enum iso_err (*registry_seal_each_fn)(void *arg, const char *name, const char *doc);
typedef enum iso_err (*registry_row_fn)(void *arg, const struct emargement_row *r);

enum registry_action { REGISTRY_DO_SUSPEND, REGISTRY_DO_RESUME, REGISTRY_DO_STOP };

struct registry_store;

struct registry_store_ops {
	void (*close)(struct registry_store *s);
	enum iso_err (*state)(struct registry_store *s, struct registry_state *ret);
	/* The voter file, once, into an empty store: otherwise
	 * ISO_E_VOTER_FILE with where->existing set. Journaled. */
	enum iso_err (*import)(struct registry_store *s, const struct registry_voters *vs,
			       int64_t time, const char *actor,
			       struct registry_voters_where *where);
	/* A voter: *ret_found false (ret untouched) for an unknown one. */
	enum iso_err (*voter)(struct registry_store *s, const char *identifier,
			      struct registry_voter_view *ret, bool *ret_found);
	/* The two hashes of one voter, whose costs the registry copies for
	 * unknown identifiers; both NULL for an empty store. */
	enum iso_err (*sample)(struct registry_store *s, char **ret_answer, char **ret_verifier);
	/* Before a password is checked: ISO_E_LOCKED_OUT with the seconds to
	 * wait in *ret_retry if a key is locked; otherwise the attempt is
	 * counted as a failure in advance (and locks at the threshold), so
	 * that attempts run in parallel cannot pass the threshold. */
	enum iso_err (*attempt)(struct registry_store *s, const struct registry_lock_key *keys,
				size_t n, int64_t now, int64_t *ret_retry);
	/* The attempt failed: journaled (event, detail); *ret_retry is the
	 * delay of a lock now in force, 0 if none. */
	enum iso_err (*failed)(struct registry_store *s, const struct registry_lock_key *keys,
			       size_t n, int64_t now, const char *actor, const char *event,
			       const char *detail, int64_t *ret_retry);
	/* The login succeeded: admit decides; the keys' counters are reset,
	 * expired sessions dropped, the session stored under the SHA-256 hex
	 * of its token, journaled; *ret_polls (malloc'd) are the voter's polls
	 * and states. */
	enum iso_err (*login)(struct registry_store *s, const struct registry_lock_key *keys,
			      size_t n, const char *token_hash, const struct registry_session *sess,
			      registry_admit_fn admit, void *arg,
			      struct registry_poll_status **ret_polls, size_t *ret_n);
	/* ISO_E_SESSION for an unknown or expired session. */
	enum iso_err (*session)(struct registry_store *s, const char *token_hash, int64_t now,
				struct registry_session *ret);
	/* A voting ticket is issued: the session checked again (kiosk, expiry:
	 * ISO_E_SESSION), ISO_E_NOT_VOTER, ISO_E_ALREADY_VOTED, then admit; the
	 * counters reset, a pending row unless there is one, the session kept
	 * until `expires`, journaled (identifier and poll, nothing of the
	 * ticket). */
	enum iso_err (*ticket)(struct registry_store *s, const struct registry_lock_key *keys,
			       size_t n, const char *token_hash, const char *kiosk,
			       const char *poll, int64_t now, int64_t expires,
			       registry_admit_fn admit, void *arg);
	/* The urn's receipt came back: as ticket for the session and the poll,
	 * then admit; a voted row (nothing if there is one: a repeat is
	 * ISO_OK); ISO_E_BAD_RECEIPT without a pending row at or before
	 * receipt_time (a receipt cannot predate its ticket). Journaled
	 * without the receipt. */
	enum iso_err (*confirm)(struct registry_store *s, const char *token_hash,
				const char *kiosk, const char *poll, int64_t now,
				int64_t receipt_time, int64_t expires, registry_admit_fn admit,
				void *arg);
	enum iso_err (*logout)(struct registry_store *s, const char *token_hash, const char *kiosk,
			       int64_t now);
	/* Suspend, resume, stop (R-BUR-05): ISO_E_URN_STATE where it does not
	 * apply. A stop seals "stop" in the same transaction and freezes. */
	enum iso_err (*control)(struct registry_store *s, enum registry_action a, int64_t now,
				const char *actor, registry_seal_fn seal, void *arg);
	/* A seal named name (once: ISO_E_URN_STATE if it exists, or if the
	 * list is frozen) over the rows before `before`; freeze makes it the
	 * final one. */
	enum iso_err (*seal)(struct registry_store *s, const char *name, int64_t time,
			     int64_t before, const char *actor, bool freeze, registry_seal_fn seal,
			     void *arg);
	enum iso_err (*each_seal)(struct registry_store *s, registry_seal_each_fn fn, void *arg);
	/* The rows before `before`, in the list's order (time, poll,
	 * identifier, pending before voted); pending_only: the rows of voters
	 * still pending. */
	enum iso_err (*each_row)(struct registry_store *s, int64_t before, bool pending_only,
				 registry_row_fn fn, void *arg);
	/* Per poll, as of `before` (malloc'd array). */
	enum iso_err (*counts)(struct registry_store *s, int64_t before,
			       struct registry_poll_count **ret, size_t *ret_n);
	/* An event of the journal, in a transaction of its own. */
	enum iso_err (*journal)(struct registry_store *s, int64_t time, const char *actor,
				const char *event, const char *detail);
	enum iso_err (*verify_journal)(struct registry_store *s, int64_t *ret_count,
				       int64_t *ret_bad, char ret_head[JOURNAL_HASH_LEN + 1]);
	/* The journal's entries of one event, in order (the kiosks'
	 * maintenance: R-D11-INTERV); fn's error stops the walk. */
	enum iso_err (*each_event)(struct registry_store *s, const char *event,
				   enum iso_err (*fn)(void *arg, int64_t seq, int64_t time,
						      const char *actor, const char *detail),
				   void *arg);
};

struct registry_store {
	const struct registry_store_ops *ops;
};

/* The embedded default: one SQLite file (created if missing). */
enum iso_err registry_store_open_sqlite(const char *path, struct registry_store **ret);

#endif
