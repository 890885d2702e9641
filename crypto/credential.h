/* Voter credentials (the password of the voter): 14 random base58 digits and
 * a checksum digit, shown as XXX-XXX-XXX-XXX-XXX. Each poll derives its own
 * secret from the same string (PBKDF2 salted by the poll uuid), so public
 * credentials of one voter cannot be linked across polls.
 * Rule: a credential string or its secret lives only for one call and is
 * wiped (OPENSSL_cleanse) before returning. */
#ifndef ISOLOIR_CREDENTIAL_H
#define ISOLOIR_CREDENTIAL_H

#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "group.h"
#include "hash.h"

#define ISO_CREDENTIAL_LEN 19 /* dashed form */

/* A new credential, dashed form, NUL-terminated. */
enum iso_err iso_credential_generate(char out[ISO_CREDENTIAL_LEN + 1]);

/* Accepts the dashed form or the 15 characters without dashes (spaces
 * around are ignored); writes the dashed form. ISO_E_CREDENTIAL_FORMAT for a
 * wrong length, character or dash position, ISO_E_CREDENTIAL_CHECKSUM when
 * the checksum catches a typing error. */
enum iso_err iso_credential_parse(const char *in, size_t len, char out[ISO_CREDENTIAL_LEN + 1]);

/* secret = PBKDF2-HMAC-SHA256(cred, uuid, 1000, 32) mod q; public = g^secret.
 * cred must be the dashed form (it is hashed verbatim, as Belenios does).
 * ret_secret may be NULL; it gets BN_FLG_CONSTTIME. */
enum iso_err iso_credential_derive(const struct iso_group *grp, const char *uuid,
				   const char *cred, BIGNUM *ret_secret, BIGNUM *ret_public,
				   BN_CTX *ctx);

/* The registry verifier of a voter (ARCHITECTURE.md, the two treatments):
 * Base64Compact(PBKDF2-HMAC-SHA256(cred, "isoloir-registry-verifier-v1" 0x00
 * identifier, 1000, 32)). Another label than the polls' derivation (salted
 * by a poll uuid) and bound to the identifier, so that the registry, which
 * stores it only under Argon2id, learns nothing it could use in an urn.
 * cred is the dashed form. */
#define ISO_REGISTRY_VERIFIER_LABEL "isoloir-registry-verifier-v1"
enum iso_err iso_registry_verifier(const char *identifier, const char *cred,
				   char out[ISO_B64_HASH_LEN + 1]);

/* The public credentials of an election, sorted for lookup. */
struct iso_credset;

/* From the archive's public_credentials data (JSON array of "C" or "C,w") or
 * a .pubcreds file ("C,w,id", weight possibly empty). Every C must be a
 * group element, canonical and unique. */
enum iso_err iso_credset_parse(const struct iso_group *grp, const char *json, size_t len,
			       struct iso_credset **ret, size_t *ret_bad_index);
void iso_credset_free(struct iso_credset *cs);
size_t iso_credset_count(const struct iso_credset *cs);
bool iso_credset_weighted(const struct iso_credset *cs);
/* Index of C (canonical decimal) or -1. */
long iso_credset_find(const struct iso_credset *cs, const char *c, size_t len);
unsigned long long iso_credset_weight(const struct iso_credset *cs, long index);
/* The archive form: compact JSON array of "C" / "C,w" in file order. */
enum iso_err iso_credset_archive_json(const struct iso_credset *cs, char **ret);

#endif
