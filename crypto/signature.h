/* Signed JSON documents of the servers: the registry's voting tickets and
 * the urn's receipts. ECDSA on P-256 with SHA-256 (RGS B1, R-SEP-06), over
 * the payload's canonical form (compact, keys sorted), so that whoever
 * re-reads the payload can check it without keeping the bytes. On the wire:
 * {"payload":{...},"signature":"<base64 DER>"}. */
#ifndef ISOLOIR_SIGNATURE_H
#define ISOLOIR_SIGNATURE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "error.h"

/* A new P-256 key pair. */
enum iso_err signature_key_new(EVP_PKEY **ret);
/* Read a PEM private key (PKCS#8) or public key (SubjectPublicKeyInfo). */
enum iso_err signature_key_read(const char *path, int private_key, EVP_PKEY **ret);
/* Write the private key (mode 0600, atomically) or the public key. */
enum iso_err signature_key_write(EVP_PKEY *key, const char *path, int private_key);

/* Sign payload (not consumed): *ret is the document, compact, malloc'd. */
enum iso_err signature_sign(EVP_PKEY *key, const json_t *payload, char **ret);

/* The same, consuming payload (a new reference, e.g. json_pack's result;
 * NULL, as a failed json_pack gives, is ISO_E_NOMEM). */
enum iso_err signature_sign_new(EVP_PKEY *key, json_t *payload, char **ret);

/* Check a document against the public key: *ret_payload is its payload (a
 * new reference). ISO_E_JSON, ISO_E_SHAPE or ISO_E_NOT_CANONICAL (fields
 * out of order) for a malformed document, ISO_E_BAD_SIGNATURE for a
 * signature that does not verify. */
enum iso_err signature_open(EVP_PKEY *key, const char *doc, size_t len, json_t **ret_payload);

#endif
