/* Fuzz target: credentials typed by a voter and public credential lists.
 * A parsed credential is always the canonical dashed form that parses to
 * itself. */
#include <stdlib.h>
#include <string.h>

#include "credential.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[ISO_CREDENTIAL_LEN + 1], again[ISO_CREDENTIAL_LEN + 1];
	struct iso_credset *cs = NULL;
	if (iso_credential_parse((const char *)data, size, out) == ISO_OK) {
		if (strlen(out) != ISO_CREDENTIAL_LEN ||
		    iso_credential_parse(out, ISO_CREDENTIAL_LEN, again) != ISO_OK ||
		    strcmp(out, again) != 0)
			abort();
	}
	if (size < 20000 && iso_credset_parse(iso_group_by_name("BELENIOS-2048"), (const char *)data,
					      size, &cs, NULL) == ISO_OK)
		iso_credset_free(cs);
	return 0;
}
