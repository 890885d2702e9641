/* A Belenios 2.0 election (election.json): its questions, group and public
 * key, and its fingerprint over the exact bytes as stored in the archive.
 * Only homomorphic questions are supported; anything else is refused with
 * ISO_E_QUESTION_TYPE. */
#ifndef ISOLOIR_ELECTION_H
#define ISOLOIR_ELECTION_H

#include <jansson.h>
#include <openssl/bn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "group.h"
#include "hash.h"

#define ISO_MAX_QUESTIONS 64
#define ISO_MAX_ANSWERS 256

struct iso_question {
	char *text;
	size_t nanswers;
	char **answers;
	int min, max;
	bool blank;
};

/* number of encrypted choices of the question (blank choice included) */
static inline size_t iso_question_nchoices(const struct iso_question *q)
{
	return q->nanswers + (q->blank ? 1 : 0);
}

struct iso_election {
	char *raw; /* the exact bytes the fingerprint covers */
	size_t raw_len;
	char fingerprint[ISO_B64_HASH_LEN + 1];
	char *uuid, *name, *description;
	const struct iso_group *grp;
	BIGNUM *y;    /* election public key */
	char *y_dec;  /* as written in the election */
	size_t nquestions;
	struct iso_question *questions;
	size_t nchoices_total; /* sum over questions */
	/* precomputed tables of y, built on first use */
	pthread_mutex_t lock;
	struct iso_fixbase *y_public, *y_secret;
};

/* true if s is a valid election uuid: >= 14 base58 characters. */
bool iso_uuid_check(const char *s);

/* Parse election data. The bytes are taken as they are (a file's single
 * trailing newline is the caller's to strip, as belenios-tool's archive init
 * does). Checks the group, the public key's group membership and every
 * question. */
enum iso_err iso_election_parse(const char *raw, size_t len, struct iso_election **ret);
void iso_election_free(struct iso_election *e);

/* r (Montgomery form) = y^e; secret selects the constant-time table. */
enum iso_err iso_election_yexp_mont(struct iso_election *e, BIGNUM *r, const BIGNUM *x,
				    bool secret, BN_CTX *ctx);
/* Build the table now (before sharing e between threads), for the long run:
 * a process that will make many exponentiations of y (a kiosk, a verifier).
 * An existing table is kept. */
enum iso_err iso_election_prepare(struct iso_election *e, bool secret);
/* The same for about `uses` secret exponentiations only (one ballot in a
 * one-shot process): a smaller constant-time table, quicker to build. */
enum iso_err iso_election_prepare_secret_for(struct iso_election *e, size_t uses);

/* Make election.json from a template {"description","name","questions",...}
 * as belenios-tool's make-election does. *ret is malloc'd, compact, without
 * trailing newline. */
enum iso_err iso_election_make(const char *tmpl, size_t len, const char *uuid,
			       const struct iso_group *grp, const BIGNUM *y, char **ret);

/* Generate an election uuid (14 base58 characters). */
enum iso_err iso_uuid_generate(char out[15]);

#endif
