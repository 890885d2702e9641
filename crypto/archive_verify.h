/* Full verification of a .bel archive: every check `belenios-tool election
 * verify` makes, and stricter where it is lax. On top of Belenios 2.0 it
 * recomputes the encrypted tally from the ballots and compares it with the
 * stored one, requires EndBallots before a tally, refuses a second ballot for
 * a credential (no revote in our elections), checks group membership of
 * every element (decryption factors included) and refuses any invalid
 * partial decryption, even one the result does not use. */
#ifndef ISOLOIR_ARCHIVE_VERIFY_H
#define ISOLOIR_ARCHIVE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "archive.h"
#include "credential.h"
#include "decryption.h"
#include "election.h"
#include "error.h"
#include "tally.h"
#include "trustees.h"

struct iso_verify_opts {
	int threads; /* 0: one per online CPU */
	/* called from the calling thread every few ballots; may be NULL */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

/* What a verified archive holds, for the tally commands to build on. */
struct iso_verified {
	struct iso_archive *ar;
	struct iso_election *e;
	struct iso_trustees *trustees;
	struct iso_credset *creds;
	size_t nballots;
	bool ended;              /* EndBallots seen */
	struct iso_tally *tally; /* recomputed from the ballots */
	bool has_tally;          /* an EncryptedTally event (equal to tally) */
	struct iso_partial_decryption **pds; /* by trustee id - 1, NULL if none */
	size_t npds;
	bool has_result;
	struct iso_result result;
};

enum iso_err iso_archive_verify(const char *path, const struct iso_verify_opts *opts,
				struct iso_verified **ret, struct iso_where *where);
void iso_verified_free(struct iso_verified *v);

/* The checks of the count's events given what v verified before them,
 * shared by the verifier and by whoever appends such an event. */
/* The stored tally and its sized form equal the tally recomputed from the
 * ballots. */
bool iso_verified_tally_matches(const struct iso_verified *v,
				const struct iso_sized_tally *sized, const struct iso_tally *stored);
/* The key that checks trustee owner's partial decryption: a known trustee
 * that has not decrypted yet. Sets where->trustee to owner. */
enum iso_err iso_verified_pd_key(const struct iso_verified *v, int owner, const BIGNUM **ret_key,
				 struct iso_where *where);
/* A result: parsed into *r (the caller clears it), checked against the
 * combination of v's partial decryptions. */
enum iso_err iso_verified_result_check(const struct iso_verified *v, const char *json, size_t len,
				       struct iso_result *r, struct iso_where *where);

#endif
