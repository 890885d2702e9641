/* Fuzz target: a kiosk's enrolment bundle as the kiosk reads it from a USB
 * key (kiosk/enrolment.c). The first byte chooses: even, the rest is the
 * file as found on the key; odd, the rest is a payload, which the target
 * signs with the technician key so that the bytes reach the payload's
 * checks, operation.json's and the identity's (a random file never passes
 * the signature). The image's manifest hash the kiosk compares with is
 * "ab" 32 times. Whatever the bytes: no crash, no leak; a refusal is one
 * of the enrolment's codes; a bundle accepted has a 32-hex-digit id, a
 * post's name, this image's hash, an operation.json the kiosk accepts of
 * the bundle's operation, and settings in range. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "enrolment.h"
#include "fuzz.h"
#include "signature.h"

static EVP_PKEY *key;
static const char image[] = "abababababababababababababababababababababababababababababababab";

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
	struct enrolment *e = NULL;
	struct operation_where w;
	struct operation *op = NULL;
	char *doc = NULL;
	size_t len;
	enum iso_err err;
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		if ((doc = malloc(size)) == NULL)
			return 0;
		memcpy(doc, data + 1, size - 1);
		doc[size - 1] = '\0';
		len = size - 1;
	} else {
		json_t *pl = json_loadb((const char *)data + 1, size - 1, 0, NULL);
		if (pl == NULL)
			return 0;
		if (signature_sign_new(key, pl, &doc) != ISO_OK)
			return 0;
		len = strlen(doc);
	}
	err = enrolment_check(key, doc, len, image, &e, &w);
	switch (err) {
	case ISO_OK:
		if (strlen(e->id) != 32 || strspn(e->id, "0123456789abcdef") != 32 ||
		    !enrolment_kiosk_name_ok(e->kiosk) || strcmp(e->image_manifest_sha256, image) != 0 ||
		    e->client_key == NULL || e->client_cert == NULL ||
		    (e->settings.px_per_mm != 0 &&
		     (e->settings.px_per_mm < 2 || e->settings.px_per_mm > 20)) ||
		    operation_parse(e->operation_json, e->operation_json_len, &op, NULL) != ISO_OK ||
		    strcmp(op->name, e->operation) != 0)
			abort();
		operation_free(op);
		enrolment_free(e);
		break;
	case ISO_E_ENROLMENT_OPERATION:
		if (e != NULL || w.poll > OPERATION_POLLS_MAX || w.list > OPERATION_LISTS_MAX)
			abort();
		break;
	case ISO_E_ENROLMENT:
	case ISO_E_BAD_SIGNATURE:
	case ISO_E_ENROLMENT_IDENTITY:
	case ISO_E_ENROLMENT_OTHER_KIOSK:
	case ISO_E_ENROLMENT_IMAGE:
	case ISO_E_NOMEM:
		if (e != NULL)
			abort();
		break;
	default:
		abort();
	}
	free(doc);
	return 0;
}
