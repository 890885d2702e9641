/* The registry's voter file, registry-voters.json: what the credential
 * authority (isoloir-bureau operation credentials) hands the voter registry
 * and what the registry checks a login against. Per voter: identifier,
 * display name, the Argon2id hashes of the normalised challenge answer and
 * of the registry verifier (crypto/credential.h), and the voter's polls.
 * Rule: the file holds no credential, public credential or ballot; a secret
 * given to these functions is only hashed, and every copy is wiped. The
 * answer's normalisation lives here, shared by the generator and the
 * registry, so that both sides hash the same bytes. */
#ifndef ISOLOIR_REGISTRY_VOTERS_H
#define ISOLOIR_REGISTRY_VOTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Limits of the file's fields (bytes), also applied to what a kiosk sends. */
#define REGISTRY_IDENTIFIER_MAX 128
#define REGISTRY_NAME_MAX 256
#define REGISTRY_ANSWER_MAX 256
#define REGISTRY_POLL_MAX 64 /* a poll uuid */
#define REGISTRY_POLLS_MAX 64 /* polls per voter */
#define REGISTRY_HASH_MAX 256 /* an encoded Argon2id hash */
#define REGISTRY_VOTERS_FILE_MAX (256u << 20)

/* Argon2id costs. The production default follows OWASP's recommendation
 * (t=2, m=19 MiB, p=1: about 20 ms per hash); the registry reads the costs
 * from each encoded hash, so only the generator chooses them (tests choose
 * cheaper ones). */
struct registry_argon2 {
	uint32_t t_cost, m_cost_kib, parallelism;
};
#define REGISTRY_ARGON2_DEFAULT ((struct registry_argon2){2, 19456, 1})

struct registry_voter {
	char *identifier, *name;
	char *answer;   /* Argon2id encoded hash of the normalised answer */
	char *verifier; /* Argon2id encoded hash of the registry verifier */
	char **polls;   /* poll uuids */
	size_t npolls;
};

struct registry_voters {
	struct registry_voter *v;
	size_t n;
};

/* Where a voter file is wrong, for a message the bureau can act on. */
struct registry_voters_where {
	int line;          /* a JSON syntax error's line, or 0 */
	size_t voter;      /* 1-based number of the voter at fault, or 0 */
	const char *field; /* the field at fault (static), or NULL */
	int64_t existing;  /* an import into a store that already holds this many voters, or 0 */
};

void registry_voters_where_clear(struct registry_voters_where *w);
/* "message (voter 3, field polls)", always terminated. */
void registry_voters_where_format(const struct registry_voters_where *w, enum iso_err err,
				  enum iso_lang lang, char *buf, size_t size);

/* Non-empty, at most max bytes, valid UTF-8 without control characters. */
bool registry_text_ok(const char *s, size_t max);

/* The challenge answer as hashed: spaces (ASCII, no-break, narrow no-break)
 * and the separators / - . , dropped, ASCII letters lowercased, so that
 * "01/02/1980", "01 02 1980" and "01021980" are one answer. *ret is
 * malloc'd: the caller wipes and frees it. ISO_E_INVALID_ARG for invalid
 * UTF-8, ISO_E_TOO_LARGE beyond REGISTRY_ANSWER_MAX. */
enum iso_err registry_answer_normalise(const char *answer, char **ret);

/* Argon2id encoded hash of secret (random 16-byte salt, 32-byte hash). */
enum iso_err registry_argon2_hash(const struct registry_argon2 *cost, const char *secret,
				  size_t len, char **ret_encoded);
/* The costs of an encoded hash, checking its whole form strictly
 * ($argon2id$v=19$m=..,t=..,p=..$salt$hash, costs within bounds that keep a
 * login affordable): ISO_E_SHAPE otherwise. */
enum iso_err registry_argon2_params(const char *encoded, struct registry_argon2 *ret);
/* Does secret match encoded? The comparison is libargon2's, in constant
 * time. ISO_E_SHAPE for an encoded hash that cannot be read. */
enum iso_err registry_argon2_check(const char *encoded, const char *secret, size_t len,
				   bool *ret_match);

/* One voter's entry: the answer normalised and hashed, the verifier (the
 * string of iso_registry_verifier) hashed. Fields are checked
 * (ISO_E_INVALID_ARG for an identifier, name or poll out of bounds, an empty
 * normalised answer). */
enum iso_err registry_voter_make(const struct registry_argon2 *cost, const char *identifier,
				 const char *name, const char *answer, const char *verifier,
				 const char *const *polls, size_t npolls,
				 struct registry_voter *ret);
void registry_voter_clear(struct registry_voter *v);

/* The file: {"version":1,"voters":[{"identifier","name","answer",
 * "verifier","polls":[...]}, ...]}, compact, voters in the given order. */
enum iso_err registry_voters_write(const struct registry_voter *v, size_t n, char **ret,
				   size_t *ret_len);
/* Read a file strictly (exact fields in this order, every field checked,
 * at least one voter, identifiers unique, each voter's polls unique):
 * ISO_E_VOTER_FILE with where filled for any fault. */
enum iso_err registry_voters_parse(const char *json, size_t len, struct registry_voters **ret,
				   struct registry_voters_where *where);
void registry_voters_free(struct registry_voters *vs);

#endif
