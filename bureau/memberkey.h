/* A bureau member's key file, as it lies on the member's USB key
 * (R-KEY-01, R-KEY-03): the member's secret material (the signing key of
 * the seals, and per poll the Pedersen seed and decryption key), encrypted
 * under a passphrase only the member types: Argon2id derives a 256-bit key
 * from it (libargon2), AES-256-GCM (OpenSSL) encrypts, the clear header
 * (format, operation, member, costs, salt, nonce) being its associated
 * data, so that nothing of it can be changed unseen.
 *   {"format":"isoloir-cle-membre-1","operation":"<16 hex>","member":1,
 *    "name":"…","role":"president",
 *    "kdf":{"alg":"argon2id","t":3,"m":65536,"p":1,"salt":"<32 hex>"},
 *    "cipher":"aes-256-gcm","nonce":"<24 hex>","data":"<hex: ciphertext, tag>"}
 * A wrong passphrase and an altered file look the same: ISO_E_PASSPHRASE.
 * The clear text is the caller's to wipe. Parsing is strict (fuzzed). */
#ifndef ISOLOIR_BUREAU_MEMBERKEY_H
#define ISOLOIR_BUREAU_MEMBERKEY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MEMBERKEY_FILE_MAX (256u << 10)
#define MEMBERKEY_NAME "isoloir-membre.json"
#define MEMBERKEY_PASSPHRASE_MIN 12 /* characters */
#define MEMBERKEY_PASSPHRASE_MAX 1024

/* The costs: the defaults, and the bounds a file is accepted within. */
struct memberkey_kdf {
	uint32_t t, m, p; /* passes, memory in KiB, lanes */
};
#define MEMBERKEY_KDF_DEFAULT ((struct memberkey_kdf){3, 65536, 1})

/* The clear header of a key file. */
struct memberkey_header {
	char operation[17]; /* the operation's id: 16 hex digits */
	int member;         /* 1-based, in the bureau's order */
	char name[257];
	char role[16];
};

/* Encrypt secret (len bytes) under passphrase: *ret is the file's text
 * (JSON and a newline), malloc'd. */
enum iso_err memberkey_seal(const struct memberkey_header *h, const struct memberkey_kdf *kdf,
			    const char *passphrase, const void *secret, size_t len, char **ret,
			    size_t *ret_len);

/* Read a key file's header only (no passphrase): ISO_E_MEMBER_KEY when it
 * is not one. */
enum iso_err memberkey_header_read(const char *text, size_t len, struct memberkey_header *ret);

/* Decrypt: *ret (NUL-terminated, *ret_len bytes) the secret, in memory the
 * caller wipes with OPENSSL_cleanse before free. */
enum iso_err memberkey_open(const char *text, size_t len, const char *passphrase, char **ret,
			    size_t *ret_len);

/* The operation's id from its operation.json bytes: the first 16 hex
 * digits of their SHA-256. */
void memberkey_operation_id(const char *operation_json, size_t len, char out[17]);

#endif
