/* Fuzz target: signed documents (tickets and receipts) as a server reads
 * them off the network. Whatever opens re-signs and opens again to the same
 * payload. The key is a test key (tests/data/signature-test.key) that signed
 * the corpus's valid documents. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "signature.h"

static EVP_PKEY *key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (signature_key_read(ISOLOIR_TEST_DATA "/signature-test.key", 1, &key) != ISO_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *p = NULL, *q = NULL;
	char *doc = NULL;
	if (signature_open(key, (const char *)data, size, &p) != ISO_OK)
		return 0;
	if (signature_sign(key, p, &doc) != ISO_OK ||
	    signature_open(key, doc, strlen(doc), &q) != ISO_OK || !json_equal(p, q))
		abort();
	json_decref(p);
	json_decref(q);
	free(doc);
	return 0;
}
