/* Exponents (integers mod q) that may be secret: randomness, credential
 * secrets, proof nonces. Arithmetic keeps BN_FLG_CONSTTIME on its operands so
 * OpenSSL takes its fixed-time division paths; selections between two values
 * by a secret bit never branch. */
#ifndef ISOLOIR_SCALAR_H
#define ISOLOIR_SCALAR_H

#include <openssl/bn.h>
#include <stdbool.h>

#include "error.h"
#include "group.h"

/* A new BIGNUM for secrets: secure heap when available, CONSTTIME flag. */
BIGNUM *iso_secret_new(void);
/* Wipe and free a NUL-terminated string that holds a secret (a decimal
 * key, a decrypted message); NULL is fine. */
void iso_secret_str_free(char *s);
/* r uniform in [0, q) from the private CSPRNG. */
enum iso_err iso_zq_random(const struct iso_group *grp, BIGNUM *r);
/* r = a + b*c mod q (a, b, c in [0, q)) */
enum iso_err iso_zq_muladd(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, const BIGNUM *c, BN_CTX *ctx);
/* r = a - b*c mod q */
enum iso_err iso_zq_mulsub(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, const BIGNUM *c, BN_CTX *ctx);
/* r = a + b mod q, r = a - b mod q (a, b in [0, q)) */
enum iso_err iso_zq_add(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			const BIGNUM *b);
enum iso_err iso_zq_sub(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			const BIGNUM *b, BN_CTX *ctx);
/* r = cond ? a : b without a branch on cond; a, b < 2^(8*nbytes), nbytes <= 512 */
enum iso_err iso_bn_select(BIGNUM *r, unsigned cond, const BIGNUM *a, const BIGNUM *b,
			   int nbytes);

#endif
