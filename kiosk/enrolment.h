/* A kiosk's enrolment (issue 6): the bundle that makes a freshly installed
 * kiosk image the post of one operation. The bureau makes it (operation
 * enrolment-bundle), signed by the operation's technician key (signature.h:
 * ECDSA P-256 over the payload's canonical form), and a technician brings
 * it on a USB key as ENROLMENT_FILE_NAME:
 *   {"payload":{"client_cert":"<PEM: the post's TLS certificate>",
 *     "client_key":"<PEM: its private key>",
 *     "created":"<RFC 3339>",
 *     "format":"isoloir-enrolment-1",
 *     "id":"<32 hex: names the bundle in the journals>",
 *     "image_manifest_sha256":"<64 hex: the sealed kiosk image's manifest>",
 *     "kiosk":"<the post's name: its certificate's common name>",
 *     "operation":"<the operation's name>",
 *     "operation_json":"<the kiosk's operation.json, exactly>",
 *     "settings":{"language":"fr"|"en","px_per_mm":<number>|null,
 *                 "touch_keyboard":true|false}},
 *    "signature":"<base64 DER>"}
 * The kiosk checks it in a fixed order, the first fault returned, then
 * installs it into its state folder: operation.json, client.pem,
 * client.key, and last kiosk.conf, whose presence says the kiosk is
 * enrolled (a crash midway leaves none: the kiosk stays unenrolled). A
 * kiosk is enrolled once; to enrol it again, its image is reinstalled.
 * The bundle carries the post's private key: whoever holds a document
 * wipes it (OPENSSL_cleanse) before freeing it; nothing here logs. */
#ifndef ISOLOIR_KIOSK_ENROLMENT_H
#define ISOLOIR_KIOSK_ENROLMENT_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "operation.h"

/* On the USB key, in French like the people who carry it. */
#define ENROLMENT_FILE_NAME "isoloir-enrolement.json"
#define ENROLMENT_FORMAT "isoloir-enrolment-1"
/* operation.json (OPERATION_FILE_MAX), escaped, and the identity. */
#define ENROLMENT_MAX (2 * OPERATION_FILE_MAX + (256u << 10))
#define ENROLMENT_PEM_MAX (64u << 10)
#define ENROLMENT_KIOSK_MAX 64 /* bytes: X.520's bound on a common name */
/* The kiosk image's state folder, and what an enrolment writes there. */
#define ENROLMENT_STATE_DIR "/var/lib/isoloir"
#define ENROLMENT_CONF "kiosk.conf"
#define ENROLMENT_OPERATION "operation.json"
#define ENROLMENT_CERT "client.pem"
#define ENROLMENT_KEY "client.key"
#define ENROLMENT_JOURNAL "journal.jsonl"

struct enrolment_settings {
	enum iso_lang language;
	bool touch_keyboard;
	double px_per_mm; /* 2 to 20; 0: measured from the display */
};

/* A bundle checked. */
struct enrolment {
	char id[33];
	char kiosk[ENROLMENT_KIOSK_MAX + 1];
	char image_manifest_sha256[65];
	char *operation; /* the operation's name */
	char *created;
	char *operation_json;
	size_t operation_json_len;
	char *client_cert;
	char *client_key; /* secret: wiped by enrolment_free */
	struct enrolment_settings settings;
};
void enrolment_free(struct enrolment *e);

/* A post's name: 1 to ENROLMENT_KIOSK_MAX bytes of letters, digits, '-',
 * '_' and '.', not starting with '.' (it names a folder at the bureau). */
bool enrolment_kiosk_name_ok(const char *name);

/* The post's identity: the certificate (PEM X.509) and the private key
 * (PEM, unencrypted) are a pair (ISO_E_ENROLMENT_IDENTITY otherwise, also
 * when either cannot be read), and the certificate's common name is kiosk
 * (ISO_E_ENROLMENT_OTHER_KIOSK). ret_cn (may be NULL, size bytes) gets
 * the common name whenever the certificate could be read. */
enum iso_err enrolment_identity_check(const char *cert_pem, const char *key_pem,
				      const char *kiosk, char *ret_cn, size_t size);

/* What the bureau puts in a bundle. */
struct enrolment_input {
	const char *operation, *kiosk, *created, *image_manifest_sha256;
	const char *operation_json; /* NUL-terminated, exactly the bytes to install */
	const char *client_cert, *client_key;
	struct enrolment_settings settings;
};

/* The bureau: the signed bundle, malloc'd (it holds the private key: wipe
 * it), and its id (32 hex digits, random). ISO_E_INVALID_ARG for an input
 * the kiosk would refuse by its shape (a name, a time, a hash, a setting);
 * the identity and operation.json are the caller's to check
 * (enrolment_identity_check, operation_parse), or enrolment_check's on
 * the result. */
enum iso_err enrolment_make(EVP_PKEY *key, const struct enrolment_input *in, char **ret_doc,
			    char ret_id[33]);

/* The kiosk: the bundle read from the key, checked in this order, the
 * first fault returned: its shape (ISO_E_ENROLMENT), the technician key's
 * signature (ISO_E_BAD_SIGNATURE), operation.json refused by
 * operation_parse or naming another operation than the bundle
 * (ISO_E_ENROLMENT_OPERATION, *where says where; may be NULL), the
 * certificate and key (ISO_E_ENROLMENT_IDENTITY), the certificate's name
 * (ISO_E_ENROLMENT_OTHER_KIOSK), the kiosk image's manifest hash
 * (ISO_E_ENROLMENT_IMAGE: image_manifest_sha256 is this kiosk's own,
 * integrity.h). *ret filled on ISO_OK. */
enum iso_err enrolment_check(EVP_PKEY *key, const char *doc, size_t len,
			     const char *image_manifest_sha256, struct enrolment **ret,
			     struct operation_where *where);

/* Install a checked bundle into state_dir (absolute; made 0700, its
 * parent must exist): operation.json, client.pem, client.key (0600), then
 * kiosk.conf, each written atomically, kiosk.conf last:
 *   operation = DIR/operation.json     journal = DIR/journal.jsonl
 *   client_cert = DIR/client.pem       client_key = DIR/client.key
 *   language = fr|en                   touch_keyboard = yes|no
 *   px_per_mm = N (when given)         enrolment = <the bundle's id>
 *   image_manifest_sha256 = <hex>
 * ISO_E_ENROLLED, nothing written, when kiosk.conf is there already;
 * ISO_E_IO when a file cannot be written (kiosk.conf is then not). */
enum iso_err enrolment_install(const struct enrolment *e, const char *state_dir);

/* Whether state_dir holds an enrolment (its kiosk.conf). */
bool enrolment_installed(const char *state_dir);

#endif
