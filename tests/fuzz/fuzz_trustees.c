/* Fuzz target: trustees.json (Single keys and Pedersen threshold
 * parameters: certificates, signed commitments, verification keys). Parsing
 * and checking must end with an error code on any bytes; what passes must
 * give an election key. */
#include <stdlib.h>

#include "fuzz.h"
#include "trustees.h"

static const struct iso_group *grp;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	grp = iso_group_by_name("BELENIOS-2048");
	return grp == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iso_trustees *t = NULL;
	struct iso_where where;
	iso_where_clear(&where);
	if (iso_trustees_parse(grp, (const char *)data, size, &t, &where) == ISO_OK) {
		BIGNUM *y = BN_new();
		BN_CTX *ctx = BN_CTX_new();
		if (y == NULL || ctx == NULL || iso_trustees_public_key(t, y, ctx) != ISO_OK)
			abort();
		BN_free(y);
		BN_CTX_free(ctx);
		iso_trustees_free(t);
	}
	return 0;
}
