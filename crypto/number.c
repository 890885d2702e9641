/* Strict decimal numbers (see number.h). */
#include "number.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool iso_dec_is_canonical(const char *s, size_t n)
{
	if (n == 0 || n > ISO_DEC_MAX_DIGITS)
		return false;
	if (s[0] == '0' && n > 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum iso_err iso_bn_from_dec(BIGNUM **ret, const char *s)
{
	size_t n = strlen(s);
	if (!iso_dec_is_canonical(s, n))
		return ISO_E_NUMBER;
	/* BN_dec2bn allocates when *ret is NULL and reuses it otherwise */
	if (BN_dec2bn(ret, s) != (int)n)
		return ISO_E_NOMEM;
	return ISO_OK;
}

/* dec_pow[k] = 10^(19 * 2^k): 10^19 is the largest power of 10 in 64 bits */
#define POW10_LEVELS 7
static BIGNUM *dec_pow[POW10_LEVELS];
static pthread_once_t pow10_once = PTHREAD_ONCE_INIT;
static bool pow10_ok;

static void pow10_init(void)
{
	BN_CTX *ctx = BN_CTX_new();
	if (ctx == NULL)
		return;
	for (int k = 0; k < POW10_LEVELS; k++) {
		dec_pow[k] = BN_new();
		if (dec_pow[k] == NULL)
			goto out;
		if (k == 0 ? !BN_set_word(dec_pow[k], 10000000000000000000ULL)
			   : !BN_sqr(dec_pow[k], dec_pow[k - 1], ctx))
			goto out;
	}
	pow10_ok = true;
out:
	BN_CTX_free(ctx);
}

/* x < 10^76 (four 64-bit limbs) as digits, by long division with 128-bit
 * words: cheaper than more BN_div calls at this size. */
static bool dec_small(const BIGNUM *x, bool pad, char **out)
{
	unsigned char b[32];
	uint64_t limb[4];
	char tmp[80];
	int n = 0;
	if (BN_bn2lebinpad(x, b, 32) < 0)
		return false;
	for (int i = 0; i < 4; i++) {
		limb[i] = 0;
		for (int k = 7; k >= 0; k--)
			limb[i] = limb[i] << 8 | b[8 * i + k];
	}
	for (int round = 0; round < 4; round++) {
		/* divide by 10^19, keep the remainder's 19 digits */
		unsigned __int128 r = 0;
		for (int i = 3; i >= 0; i--) {
			unsigned __int128 cur = r << 64 | limb[i];
			limb[i] = (uint64_t)(cur / 10000000000000000000ULL);
			r = cur % 10000000000000000000ULL;
		}
		uint64_t v = (uint64_t)r;
		for (int d = 0; d < 19; d++) {
			tmp[n++] = (char)('0' + v % 10);
			v /= 10;
		}
	}
	if (!pad) {
		while (n > 1 && tmp[n - 1] == '0')
			n--;
	} else {
		n = 76;
	}
	while (n > 0)
		*(*out)++ = tmp[--n];
	return true;
}

/* Write x (x < dec_pow[k + 1]) as its digits, left-padded with zeros to
 * 19 * 2^(k+1) digits when pad. */
static bool dec_rec(const BIGNUM *x, int k, bool pad, char **out, BN_CTX *ctx)
{
	if (k <= 1)
		return dec_small(x, pad, out); /* x < dec_pow[2] = 10^76 */
	if (!pad && BN_cmp(x, dec_pow[k]) < 0)
		return dec_rec(x, k - 1, false, out, ctx);
	bool ok = false;
	BN_CTX_start(ctx);
	BIGNUM *hi = BN_CTX_get(ctx), *lo = BN_CTX_get(ctx);
	if (lo != NULL && BN_div(hi, lo, x, dec_pow[k], ctx))
		ok = dec_rec(hi, k - 1, pad, out, ctx) && dec_rec(lo, k - 1, true, out, ctx);
	BN_CTX_end(ctx);
	return ok;
}

size_t iso_bn_to_dec_buf(const BIGNUM *x, char *buf, BN_CTX *ctx)
{
	char *p = buf;
	int k;
	pthread_once(&pow10_once, pow10_init);
	if (!pow10_ok || BN_is_negative(x) || BN_num_bits(x) > 4096)
		return 0;
	/* the level whose square exceeds x */
	k = 1;
	while (k < POW10_LEVELS - 1 && BN_num_bits(dec_pow[k]) * 2 - 2 <= BN_num_bits(x))
		k++;
	if (!dec_rec(x, k, false, &p, ctx))
		return 0;
	*p = '\0';
	return (size_t)(p - buf);
}

char *iso_bn_to_dec(const BIGNUM *x)
{
	char buf[ISO_DEC_MAX_DIGITS + 1];
	BN_CTX *ctx = BN_CTX_new();
	size_t n = ctx == NULL ? 0 : iso_bn_to_dec_buf(x, buf, ctx);
	BN_CTX_free(ctx);
	return n == 0 ? NULL : strdup(buf);
}
