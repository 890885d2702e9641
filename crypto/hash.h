/* SHA-256 as Belenios uses it: hex names of archive members, Base64Compact
 * fingerprints and trackers, and the Fiat-Shamir hash of proofs,
 *   H(prefix, [x1..xn]) = int(SHA256(prefix || dec(x1) "," ... dec(xn))) mod q. */
#ifndef ISOLOIR_HASH_H
#define ISOLOIR_HASH_H

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "group.h"

#define ISO_B64_HASH_LEN 43  /* Base64 of 32 bytes without '=' padding */

void iso_sha256(const void *data, size_t len, uint8_t out[32]);
/* lowercase hex, 64 chars + NUL */
void iso_sha256_hex(const void *data, size_t len, char out[65]);
void iso_hex_encode(const uint8_t *in, size_t len, char *out);
/* out (len bytes) from exactly 2 len lowercase hex digits; false otherwise. */
bool iso_hex_decode(const char *s, uint8_t *out, size_t len);
/* Base64Compact: standard alphabet, no padding, 43 chars + NUL */
void iso_b64_digest(const uint8_t digest[32], char out[ISO_B64_HASH_LEN + 1]);
void iso_sha256_b64(const void *data, size_t len, char out[ISO_B64_HASH_LEN + 1]);
/* The link of a hash-chained journal (the kiosk's, the bureau's):
 * SHA-256 of prev (64 hex digits), a newline, and the body. */
void iso_chain_hash_hex(const char prev[65], const char *body, size_t len, char out[65]);
/* true if s is 64 lowercase hex digits */
bool iso_is_hex_hash(const char *s, size_t n);

/* An incremental Fiat-Shamir hash. */
struct iso_fs {
	EVP_MD_CTX *md;
	BN_CTX *ctx; /* for decimal conversion */
	int nelts;
};
enum iso_err iso_fs_init(struct iso_fs *fs);
void iso_fs_free(struct iso_fs *fs);
/* Start a new hash (the object can be reused). */
enum iso_err iso_fs_begin(struct iso_fs *fs);
/* Raw bytes of the prefix. */
enum iso_err iso_fs_raw(struct iso_fs *fs, const void *data, size_t len);
enum iso_err iso_fs_str(struct iso_fs *fs, const char *s);
/* Next element of the list, written in decimal after a comma if not first. */
enum iso_err iso_fs_elt(struct iso_fs *fs, const BIGNUM *x);
/* Next element already in decimal. */
enum iso_err iso_fs_elt_dec(struct iso_fs *fs, const char *dec);
/* ret = digest mod q */
enum iso_err iso_fs_finish(struct iso_fs *fs, const struct iso_group *grp, BIGNUM *ret,
			   BN_CTX *ctx);

/* A proof {"challenge":c,"response":r} as a verifier reads it: exactly these
 * fields in this order (otherwise the error of iso_json_fields), canonical
 * decimals (ISO_E_NUMBER), both in [0, q) (ISO_E_NOT_IN_ZQ). *ret_c and
 * *ret_r are allocated when NULL, reused otherwise. */
enum iso_err iso_proof_read(const struct iso_group *grp, const json_t *proof, BIGNUM **ret_c,
			    BIGNUM **ret_r);

#endif
