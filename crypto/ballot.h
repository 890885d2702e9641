/* Ballots of homomorphic questions, byte for byte as Belenios 2.0 writes
 * them: ElGamal encryption of each choice, individual proofs (each choice is
 * 0 or 1), overall proofs (the count is within [min, max]), blank proofs, the
 * signature with the credential, and the smart ballot tracker.
 * Rule: the plaintext, the randomness and the credential secret are wiped
 * before iso_ballot_encrypt returns, on every path. */
#ifndef ISOLOIR_BALLOT_H
#define ISOLOIR_BALLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "credential.h"
#include "election.h"
#include "error.h"

/* A vote: one 0/1 entry per encrypted choice, questions one after the other
 * (blank choice first in a blank question). */
struct iso_plaintext {
	size_t n;
	int *v;
};

/* Parse belenios-tool's --ballot form, e.g. [[0,1,0],[1,0]], and check it
 * against the questions (ISO_E_PLAINTEXT with the question in where). */
enum iso_err iso_plaintext_parse(const struct iso_election *e, const char *json, size_t len,
				 struct iso_plaintext *ret, struct iso_where *where);
/* Check a plaintext against the questions. */
enum iso_err iso_plaintext_check(const struct iso_election *e, const struct iso_plaintext *pt,
				 struct iso_where *where);
/* Wipe and free. */
void iso_plaintext_wipe(struct iso_plaintext *pt);

/* Encrypt and sign. cred is the voter's credential (any accepted form).
 * threads: how many threads share the work (<= 0: one per online CPU); the
 * ballot's bytes are random either way. *ret_ballot is the canonical
 * one-line JSON, malloc'd. */
enum iso_err iso_ballot_encrypt(struct iso_election *e, const char *cred,
				const struct iso_plaintext *pt, int threads, char **ret_ballot,
				size_t *ret_len);

/* The smart ballot tracker: Base64Compact(SHA256(ballot bytes)). */
void iso_ballot_tracker(const char *ballot, size_t len, char out[ISO_B64_HASH_LEN + 1]);

/* ---- verification ---- */

/* A verification workspace: one per thread. It can also multiply every
 * accepted ballot into a running encrypted tally. */
struct iso_ballot_verifier;

enum iso_err iso_ballot_verifier_new(struct iso_election *e, bool accumulate,
				     struct iso_ballot_verifier **ret);
void iso_ballot_verifier_free(struct iso_ballot_verifier *v);

/* What a verified ballot says about itself. */
struct iso_ballot_facts {
	long credential_index; /* in the credential set */
	char tracker[ISO_B64_HASH_LEN + 1];
};

/* Every check Belenios makes on a ballot, in Belenios' order, each failure
 * with its own code: JSON, shape, canonical bytes, known credential,
 * election uuid and fingerprint, signature, then every answer (group
 * membership of every alpha and beta, proofs in [0, q), individual, blank and
 * overall proofs). Does not decide whether the credential already voted: that
 * is the caller's (the urn's or the archive's) state. */
enum iso_err iso_ballot_verify(struct iso_ballot_verifier *v, const struct iso_credset *creds,
			       const char *raw, size_t len, struct iso_ballot_facts *ret_facts,
			       struct iso_where *where);

/* Multiply the last verified ballot into the running tally with this
 * weight (only if the verifier was made with accumulate). */
enum iso_err iso_ballot_verifier_accumulate(struct iso_ballot_verifier *v,
					    unsigned long long weight);

struct iso_tally;
/* Multiply the verifier's running tally into t (same election). */
enum iso_err iso_ballot_verifier_merge_tally(struct iso_ballot_verifier *v,
					     struct iso_tally *t);

#endif
