/* Secret exponents mod q, and the wiping of secret strings (see scalar.h). */
#include "scalar.h"

#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

BIGNUM *iso_secret_new(void)
{
	BIGNUM *x = BN_secure_new();
	if (x != NULL)
		BN_set_flags(x, BN_FLG_CONSTTIME);
	return x;
}

enum iso_err iso_zq_random(const struct iso_group *grp, BIGNUM *r)
{
	BN_set_flags(r, BN_FLG_CONSTTIME);
	return BN_priv_rand_range(r, grp->q) ? ISO_OK : ISO_E_RANDOM;
}

enum iso_err iso_zq_add(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			const BIGNUM *b)
{
	/* BN_mod_add_quick is OpenSSL's fixed-time modular addition */
	return BN_mod_add_quick(r, a, b, grp->q) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_zq_sub(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			const BIGNUM *b, BN_CTX *ctx)
{
	enum iso_err err = ISO_E_CRYPTO_LIB;
	BIGNUM *nb;
	BN_CTX_start(ctx);
	nb = BN_CTX_get(ctx);
	/* a - b = a + (q - b); q - b is in [1, q] and the quick addition's
	 * single conditional subtraction still lands in [0, q) */
	if (nb != NULL && BN_sub(nb, grp->q, b)) {
		BN_set_flags(nb, BN_FLG_CONSTTIME);
		if (BN_mod_add_quick(r, a, nb, grp->q))
			err = ISO_OK;
	}
	if (nb != NULL)
		BN_clear(nb);
	BN_CTX_end(ctx);
	return err;
}

static enum iso_err zq_mul(const struct iso_group *grp, BIGNUM *r, const BIGNUM *b,
			   const BIGNUM *c, BN_CTX *ctx)
{
	BN_set_flags(r, BN_FLG_CONSTTIME);
	return BN_mod_mul(r, b, c, grp->q, ctx) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_zq_muladd(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, const BIGNUM *c, BN_CTX *ctx)
{
	enum iso_err err;
	BIGNUM *t;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	err = t == NULL ? ISO_E_NOMEM : zq_mul(grp, t, b, c, ctx);
	if (err == ISO_OK)
		err = iso_zq_add(grp, r, a, t);
	if (t != NULL)
		BN_clear(t);
	BN_CTX_end(ctx);
	return err;
}

enum iso_err iso_zq_mulsub(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, const BIGNUM *c, BN_CTX *ctx)
{
	enum iso_err err;
	BIGNUM *t;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	err = t == NULL ? ISO_E_NOMEM : zq_mul(grp, t, b, c, ctx);
	if (err == ISO_OK)
		err = iso_zq_sub(grp, r, a, t, ctx);
	if (t != NULL)
		BN_clear(t);
	BN_CTX_end(ctx);
	return err;
}

enum iso_err iso_bn_select(BIGNUM *r, unsigned cond, const BIGNUM *a, const BIGNUM *b,
			   int nbytes)
{
	unsigned char ba[512], bb[512];
	uint8_t mask = (uint8_t)(0u - (uint8_t)(cond & 1u));
	enum iso_err err = ISO_E_INVALID_ARG;
	if (nbytes <= 0 || nbytes > 512)
		return err;
	if (BN_bn2binpad(a, ba, nbytes) < 0 || BN_bn2binpad(b, bb, nbytes) < 0)
		goto out;
	for (int i = 0; i < nbytes; i++)
		ba[i] = (uint8_t)((ba[i] & mask) | (bb[i] & (uint8_t)~mask));
	err = BN_bin2bn(ba, nbytes, r) != NULL ? ISO_OK : ISO_E_NOMEM;
out:
	OPENSSL_cleanse(ba, sizeof ba);
	OPENSSL_cleanse(bb, sizeof bb);
	return err;
}

void iso_secret_str_free(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}
