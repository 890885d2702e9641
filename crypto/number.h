/* Numbers as Belenios writes them: JSON strings of decimal digits with no
 * sign and no leading zero ("0" for zero). Parsing is strict, so that a
 * number has exactly one accepted spelling. */
#ifndef ISOLOIR_NUMBER_H
#define ISOLOIR_NUMBER_H

#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Longest decimal we accept: a 4096-bit value has 1234 digits. */
#define ISO_DEC_MAX_DIGITS 1300

/* true if s[0..n) is a canonical decimal. */
bool iso_dec_is_canonical(const char *s, size_t n);

/* Parse a canonical decimal into *ret (allocated when *ret is NULL).
 * ISO_E_NUMBER if not canonical. */
enum iso_err iso_bn_from_dec(BIGNUM **ret, const char *s);

/* The decimal of x (x >= 0) as a malloc'd string; free with free(). */
char *iso_bn_to_dec(const BIGNUM *x);

/* The decimal of x (0 <= x < 2^4096) into buf (at least ISO_DEC_MAX_DIGITS
 * + 1 bytes); returns its length, or 0 on error. Divide and conquer by
 * precomputed powers of 10: about three times faster than BN_bn2dec on
 * 2048-bit numbers, and it does not allocate. */
size_t iso_bn_to_dec_buf(const BIGNUM *x, char *buf, BN_CTX *ctx);

#endif
