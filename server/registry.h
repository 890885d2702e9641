/* The voter registry (fichier des électeurs, R-SEP-01/02): it authenticates
 * a voter (identifier, registry verifier, challenge answer, all checked
 * against Argon2id hashes), locks out brute force, issues voting tickets
 * that carry no identity, keeps the émargement list and seals it at
 * closing (R-D11-FREEZE). It never holds a credential, a public credential
 * or a ballot, and keeps nothing that joins a voter to a ballot: no ticket
 * nonce, no receipt, no tracker (R-C19-LINK). */
#ifndef ISOLOIR_REGISTRY_H
#define ISOLOIR_REGISTRY_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "error.h"
#include "https.h"
#include "registry_store.h"
#include "registry_voters.h"

#define REGISTRY_GRACE_DEFAULT 1800      /* seconds, R-VOTE-05 */
#define REGISTRY_SESSION_TTL_DEFAULT 900 /* idle seconds before a session ends */
#define REGISTRY_TICKET_TTL_DEFAULT 600
#define REGISTRY_TOKEN_LEN 43 /* a session token: base64url of 32 random bytes */

/* A poll the registry issues tickets for. */
struct registry_poll {
	const char *uuid;
	const char *name;      /* shown to voters */
	EVP_PKEY *receipt_key; /* the poll's urn public key, to check receipts */
};

struct registry_config {
	struct registry_store *store;     /* not owned */
	EVP_PKEY *ticket_key;             /* the registry's private key: tickets and seals */
	const struct registry_poll *polls; /* the array is copied; its strings and keys are not */
	size_t npolls;
	int64_t opening, closing;         /* Unix times, both required */
	int64_t grace;                    /* seconds after closing; 0: the default */
	int64_t session_ttl, ticket_ttl;  /* 0: the defaults */
	int64_t skew;                     /* clock difference tolerated with the urns */
	/* zeros: 5 failures lock an identifier 60 s (doubling, at most 1 h);
	 * 20 failures in a row lock a kiosk 30 s (doubling, at most 15 min) */
	struct registry_lockout lock_identifier, lock_kiosk;
	const struct iso_clock *clock; /* NULL: the system's */
};

/* not started → open ⇄ suspended → grace (after closing, for sessions
 * started before it) → finished (frozen); a stop goes straight to
 * finished. */
enum registry_phase {
	REGISTRY_NOT_STARTED,
	REGISTRY_OPEN,
	REGISTRY_SUSPENDED,
	REGISTRY_GRACE,
	REGISTRY_FINISHED
};
const char *registry_phase_name(enum registry_phase p);

struct registry;

/* ISO_E_CONFIG for missing keys or times, a closing before the opening, a
 * poll listed twice. */
enum iso_err registry_new(const struct registry_config *cfg, struct registry **ret);
void registry_free(struct registry *r);

/* Import registry-voters.json, once, into the empty store; every poll of
 * the file must be one of the configuration's (ISO_E_VOTER_FILE, where
 * naming the voter). actor names who imports, for the journal. */
enum iso_err registry_import(struct registry *r, const char *json, size_t len, const char *actor,
			     struct registry_voters_where *where);

/* A voter's poll as a kiosk shows it. */
struct registry_ballot_box {
	const char *poll, *name; /* the configuration's strings */
	enum emargement_state state;
};

struct registry_login {
	char session[REGISTRY_TOKEN_LEN + 1]; /* the token, given only to the kiosk */
	int64_t started, expires;
	char *name; /* the voter's display name */
	struct registry_ballot_box *polls;
	size_t npolls;
};
/* Frees and wipes. */
void registry_login_clear(struct registry_login *l);

/* Authenticate a voter at a kiosk (kiosk: its certificate's name). The
 * verifier and the normalised answer are both checked with Argon2id, also
 * for an unknown identifier (against hashes of the same cost), so the time
 * taken tells nothing. ISO_E_NOT_STARTED, ISO_E_URN_SUSPENDED,
 * ISO_E_VOTING_CLOSED (no session starts after closing, R-VOTE-05),
 * ISO_E_LOGIN_FAILED for any wrong field, ISO_E_LOCKED_OUT with the
 * seconds to wait in *ret_retry_after (written only with that error). */
enum iso_err registry_login(struct registry *r, const char *identifier, const char *verifier,
			    const char *answer, const char *kiosk, struct registry_login *ret,
			    int64_t *ret_retry_after);

/* A voting ticket for poll, after the voter typed the password again
 * (R-VOTE-02): *ret_ticket (malloc'd) is the signed document
 * {"payload":{"poll","session_start","issued","expires","nonce"},
 * "signature"}; the registry keeps no copy of its nonce. The voter is
 * marked pending. ISO_E_SESSION, ISO_E_LOGIN_FAILED (counted for the
 * lockout), ISO_E_LOCKED_OUT (*ret_retry_after), ISO_E_NOT_VOTER,
 * ISO_E_ALREADY_VOTED, ISO_E_URN_SUSPENDED, ISO_E_VOTING_CLOSED (after
 * closing only a session started before it, within the grace). */
enum iso_err registry_validate(struct registry *r, const char *session, const char *verifier,
			       const char *poll, const char *kiosk, char **ret_ticket,
			       int64_t *ret_retry_after);

/* The urn's receipt for poll (its signed document): checked with the
 * poll's urn key, then the voter is marked as having voted. Neither the
 * receipt nor its tracker is kept. A repeat is ISO_OK. ISO_E_BAD_RECEIPT,
 * ISO_E_SESSION, ISO_E_NOT_VOTER, ISO_E_VOTING_CLOSED once frozen. */
enum iso_err registry_confirm(struct registry *r, const char *session, const char *poll,
			      const char *receipt, size_t len, const char *kiosk);

enum iso_err registry_logout(struct registry *r, const char *session, const char *kiosk);

/* A kiosk's maintenance event (R-D11-INTERV: the bureau is told at once):
 * journaled as "maintenance" with the kiosk as actor and detail, the
 * kiosk's own report (compact JSON: event, outcome, time, detail — who
 * and what, never a voter's data). Accepted in every phase. */
enum iso_err registry_maintenance(struct registry *r, const char *kiosk, const char *detail);
/* The registry's clock (seconds): a kiosk's maintenance measures its
 * offset to it through GET /status. */
int64_t registry_now(const struct registry *r);

/* ---- the bureau (R-D11-NOPARTIAL: nothing of this reaches a kiosk) ---- */

enum iso_err registry_phase(struct registry *r, enum registry_phase *ret);
/* {"phase", "polls":[{"poll","name","voters","pending","voted"}]} */
enum iso_err registry_counts(struct registry *r, json_t **ret);
/* {"interventions":[{"seq","time","kiosk","report"}]}: the kiosks'
 * maintenance events, in order. */
enum iso_err registry_interventions(struct registry *r, json_t **ret);
/* The émargement list, CSV (emargement.h), malloc'd. */
enum iso_err registry_emargement_csv(struct registry *r, char **ret, size_t *ret_len);
/* {"pending":[{"identifier","name","poll","since"}]}: voters given a
 * ticket whose receipt never came back. */
enum iso_err registry_pending(struct registry *r, json_t **ret);
/* {"seals":[document, ...]} in time order */
enum iso_err registry_seals(struct registry *r, json_t **ret);
/* Suspend, resume or stop (R-BUR-05); actor names the member. A stop ends
 * the vote now, without grace, and seals. ISO_E_URN_STATE when the action
 * does not apply. */
enum iso_err registry_control(struct registry *r, enum registry_action a, const char *actor);
/* Called every second: at closing and at the end of the grace, seals
 * (R-D11-FREEZE: a signed document over the émargement list's hash, the
 * counts and the journal's head), each once, also after a restart. */
enum iso_err registry_tick(struct registry *r);
/* For operators and the login benchmark: {"logins","login_failures",
 * "argon2","argon2_us","tickets","receipts"}. */
enum iso_err registry_metrics(struct registry *r, json_t **ret);

struct registry_store *registry_store_of(const struct registry *r);

/* HTTP routes (docs/architecture.md, wire protocol). Kiosks: POST /login,
 * /validate, /confirm, /logout, GET /status. The bureau: GET /counts,
 * /emargement.csv, /pending, /journal, /seals; POST /suspend, /resume,
 * /stop. arg is the struct registry. */
void registry_handle_kiosk(void *arg, const struct https_request *req,
			   struct https_response *resp);
void registry_handle_bureau(void *arg, const struct https_request *req,
			    struct https_response *resp);

#endif
