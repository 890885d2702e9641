/* The ballot box (urne) of one poll: it admits a ballot only when the urn
 * is open (or within the 30-minute grace with a ticket of a session that
 * started before closing), the registry's ticket is valid and unused, the
 * ballot passes every Belenios check and its credential has not voted; it
 * answers with a signed receipt only once the ballot is durably stored.
 * It never learns who votes: no identifier, no kiosk, no address is given
 * to it (R-SEP-03, R-C19-LINK). */
#ifndef ISOLOIR_URN_H
#define ISOLOIR_URN_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "error.h"
#include "https.h"
#include "urn_store.h"

#define URN_GRACE_DEFAULT 1800 /* seconds, R-VOTE-05 */

struct urn_config {
	struct urn_store *store;   /* not owned */
	const char *setup_archive; /* the poll's .bel: header and Setup event only */
	EVP_PKEY *receipt_key;     /* the urn's private signing key */
	EVP_PKEY *ticket_key;      /* the registry's public key */
	int64_t opening, closing;  /* scheduled times (Unix); 0: by the bureau only */
	int64_t grace;             /* seconds after closing for sessions started before */
	int64_t skew;              /* clock difference tolerated with the registry */
	const struct iso_clock *clock; /* NULL: the system's */
	const char *publish_dir;   /* where the final archive is written */
	int threads;               /* ballots verified at once (0: one per CPU) */
};

struct urn;

/* Load the poll: the setup archive is fully verified (election, trustees,
 * public credentials) and must hold no ballot. */
enum iso_err urn_new(const struct urn_config *cfg, struct urn **ret, struct iso_where *where);
void urn_free(struct urn *u);

/* The poll's election uuid. */
const char *urn_poll(const struct urn *u);

/* A ballot (its exact bytes) with its voting ticket (the registry's signed
 * document): *ret_receipt (malloc'd) is the urn's signed receipt
 * {"payload":{"poll","time","tracker"},"signature"}; the same ballot again
 * gets the same receipt. where says which check failed. */
enum iso_err urn_submit(struct urn *u, const char *ballot, size_t blen, const char *ticket,
			size_t tlen, char **ret_receipt, struct iso_where *where);

/* Is this tracker on the board? (No count is revealed.) */
enum iso_err urn_board_has(struct urn *u, const char *tracker, bool *ret);

enum urn_action { URN_DO_OPEN, URN_DO_SUSPEND, URN_DO_RESUME, URN_DO_CLOSE, URN_DO_STOP };

/* A bureau control (R-BUR-05); actor names the member for the journal.
 * ISO_E_URN_STATE when the action does not apply to the current phase. */
enum iso_err urn_control(struct urn *u, enum urn_action a, const char *actor);

/* The schedule: opens, closes, ends the grace when their time has come,
 * sealing each change, and publishes the archive once finished. Called
 * every second by the program; idempotent, and catches up after a
 * restart. */
enum iso_err urn_tick(struct urn *u);

/* Write the poll's archive to path (setup, every ballot in tracker order,
 * EndBallots once finished), all or nothing. */
enum iso_err urn_export_archive(struct urn *u, const char *path);

/* The phase as the urn applies it now (a scheduled closing counts from its
 * time, even before the tick records it). */
enum iso_err urn_state(struct urn *u, struct urn_state *ret);

/* The list of trackers, sorted (a JSON array, new reference). */
enum iso_err urn_trackers(struct urn *u, json_t **ret);

/* Cumulated times of the submissions' steps, for operators and the
 * benchmark: {"submissions","ticket_us","verifier_wait_us","verify_us",
 * "store_us"} (store: the transaction, fsync included). */
enum iso_err urn_metrics(struct urn *u, json_t **ret);

struct urn_store *urn_store_of(const struct urn *u);
const char *urn_publish_dir(const struct urn *u);

/* HTTP routes of the three listeners (see docs/architecture.md, wire
 * protocol): kiosks (POST /ballot, GET /status), the bureau (GET /state,
 * /journal, /seals, /archive.bel; POST /open, /suspend, /resume, /close,
 * /stop) and the public board (GET /status, /board/<tracker>, /seals; once
 * finished /trackers and /archive.bel). arg is the struct urn. */
void urn_handle_kiosk(void *arg, const struct https_request *req, struct https_response *resp);
void urn_handle_bureau(void *arg, const struct https_request *req, struct https_response *resp);
void urn_handle_public(void *arg, const struct https_request *req, struct https_response *resp);

#endif
