/* Strict decimal numbers (see number.h). */
#include "number.h"

#include <openssl/crypto.h>
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

char *iso_bn_to_dec(const BIGNUM *x)
{
	char *o = BN_bn2dec(x), *r;
	if (o == NULL)
		return NULL;
	r = strdup(o);
	OPENSSL_free(o);
	return r;
}
