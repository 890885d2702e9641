/* Fuzz target: the technician's maintenance token as a kiosk reads it from
 * a USB key (kiosk/maintenance.c). The first byte chooses: even, the rest
 * is the file as found on the key; odd, the rest is a payload, which the
 * target signs with the technician key so that the bytes reach the
 * payload's checks (a random file never passes the signature). Whatever
 * the bytes: no crash, no leak; a token accepted names a technician, has a
 * 32-hex-digit id, a window in order, acceptable Argon2id costs. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "maintenance.h"
#include "signature.h"

static EVP_PKEY *key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (signature_key_new(&key) != ISO_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct maint_token t;
	char *doc = NULL;
	size_t len;
	enum iso_err err;
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		doc = malloc(size);
		if (doc == NULL)
			return 0;
		memcpy(doc, data + 1, size - 1);
		doc[size - 1] = '\0';
		len = size - 1;
	} else {
		json_t *pl = json_loadb((const char *)data + 1, size - 1, 0, NULL);
		if (pl == NULL)
			return 0;
		err = signature_sign_new(key, pl, &doc);
		if (err != ISO_OK)
			return 0;
		len = strlen(doc);
	}
	/* the time inside the fuzzed tokens' usual windows */
	err = maint_token_check(key, doc, len, "Op", "poste-01", 1764576000, &t);
	if (err == ISO_OK &&
	    (t.technician[0] == '\0' || memchr(t.technician, '\0', sizeof t.technician) == NULL ||
	     strlen(t.id) != 32 || strspn(t.id, "0123456789abcdef") != 32 ||
	     t.not_before >= t.not_after || t.kdf.m < 8192 || t.kdf.m > 65536))
		abort();
	free(doc);
	return 0;
}
