/* iso-enrol-check: a kiosk's side of the enrolment, for the cross test
 * (tests/cross/enrolment.sh), with the kiosk's library as the kiosk will
 * call it: the image's manifest read (its SHA-256 is the image's), the
 * bundle checked against the technician key, then installed.
 *   iso-enrol-check TECHNICIAN-KEY.pem MANIFEST BUNDLE STATE-DIR
 * Prints "enrolled KIOSK ID" and exits 0, or prints the refusal's name
 * (iso_errname) and its place, and exits 1. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrolment.h"
#include "integrity.h"
#include "jsondoc.h"
#include "signature.h"

int main(int argc, char **argv)
{
	EVP_PKEY *key = NULL;
	struct integrity_manifest *m = NULL;
	struct integrity_where mw;
	struct enrolment *e = NULL;
	struct operation_where w = {0, 0, NULL};
	char *doc = NULL, msg[512];
	size_t len = 0;
	enum iso_err err;
	int rc = 1;
	if (argc != 5) {
		fprintf(stderr, "usage: %s TECHNICIAN-KEY.pem MANIFEST BUNDLE STATE-DIR\n", argv[0]);
		return 2;
	}
	if ((err = signature_key_read(argv[1], 0, &key)) != ISO_OK ||
	    (err = integrity_manifest_read(argv[2], NULL, &m, &mw)) != ISO_OK ||
	    (err = iso_file_read(argv[3], ENROLMENT_MAX, &doc, &len)) != ISO_OK) {
		printf("%s\n", iso_errname(err));
		goto out;
	}
	err = enrolment_check(key, doc, len, m->sha256, &e, &w);
	if (err == ISO_OK)
		err = enrolment_install(e, argv[4]);
	if (err != ISO_OK) {
		operation_where_format(&w, err, ISO_LANG_EN, msg, sizeof msg);
		printf("%s: %s\n", iso_errname(err), msg);
		goto out;
	}
	printf("enrolled %s %s\n", e->kiosk, e->id);
	rc = 0;
out:
	if (doc != NULL)
		OPENSSL_cleanse(doc, len);
	free(doc);
	enrolment_free(e);
	integrity_manifest_free(m);
	EVP_PKEY_free(key);
	return rc;
}
