/* Montgomery products modulo a prime of at most 2 048 bits on the AVX-512
 * IFMA instructions (52-bit limbs), for the verifier's hot loop.
 * A number here is ISO_M52_LIMBS limbs of 52 bits, least significant first,
 * each below 2^52. Its "m52 form" is x R' mod p with R' = 2^(52 * 40); the
 * products are almost-Montgomery: a, b < 2p give a result < 2p, reduced
 * below p only when leaving (iso_m52_to_mont). Nothing here branches on or
 * indexes by the numbers' values, but it is used for public values only.
 * Where the processor lacks IFMA (or ISOLOIR_NO_IFMA is set in the
 * environment) iso_m52_new says so and callers keep OpenSSL's products. */
#ifndef ISOLOIR_MONT52_H
#define ISOLOIR_MONT52_H

#include <openssl/bn.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define ISO_M52_LIMBS 40

struct iso_m52 {
	uint64_t m[ISO_M52_LIMBS];    /* p */
	uint64_t rr[ISO_M52_LIMBS];   /* R'^2 mod p: normal form in */
	uint64_t rbn[ISO_M52_LIMBS];  /* R mod p, R OpenSSL's Montgomery radix: out to it */
	uint64_t rbn2[ISO_M52_LIMBS]; /* R'^2 / R mod p: OpenSSL's Montgomery form in */
	uint64_t k0;                  /* -p^-1 mod 2^52 */
	BIGNUM *p;
};

/* true if this processor runs the products (AVX-512 F and IFMA) and
 * ISOLOIR_NO_IFMA is not set. */
bool iso_m52_supported(void);

/* The context of the odd modulus p (at most 2 048 bits) whose OpenSSL
 * Montgomery context is mont. ISO_E_INVALID_ARG when the processor cannot
 * (iso_m52_supported) or p does not fit. */
enum iso_err iso_m52_new(const BIGNUM *p, BN_MONT_CTX *mont, struct iso_m52 **ret,
			 BN_CTX *ctx);
void iso_m52_free(struct iso_m52 *c);

/* r = a b / R' mod p (almost: r < 2p when a, b < 2p); r may alias a or b. */
void iso_m52_mul(const struct iso_m52 *c, uint64_t *r, const uint64_t *a, const uint64_t *b);

/* r = x R' mod p from x in normal form (0 <= x < p). */
enum iso_err iso_m52_from_bn(const struct iso_m52 *c, uint64_t *r, const BIGNUM *x);
/* r = x R' mod p from x in OpenSSL's Montgomery form (x R mod p). */
enum iso_err iso_m52_from_mont(const struct iso_m52 *c, uint64_t *r, const BIGNUM *xr);
/* r = x R mod p (OpenSSL's Montgomery form, reduced) from a = x R'. */
enum iso_err iso_m52_to_mont(const struct iso_m52 *c, BIGNUM *r, const uint64_t *a);

#endif
