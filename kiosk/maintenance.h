/* The technician's maintenance token (issue 6; R-D11-INTERV: only named
 * staff intervene). A file on the technician's USB key, signed by the
 * operation's technician key (signature.h: ECDSA P-256 over the payload's
 * canonical form), which the kiosk image carries (--technician-key):
 *   {"payload":{"format":"isoloir-maintenance-1",
 *     "id":"<32 hex: names the token in the journals>",
 *     "kiosks":["poste-01",…] or ["*"] (the posts' certificate names),
 *     "not_after":"<RFC 3339>","not_before":"<RFC 3339>",
 *     "operation":"<the operation's name>",
 *     "pin":{"alg":"argon2id","hash":"<64 hex>","m":32768,"p":1,
 *            "salt":"<32 hex>","t":3},
 *     "technician":"<name>"},
 *    "signature":"<base64 DER>"}
 * The token alone opens nothing: the technician also types the PIN, whose
 * Argon2id hash the token carries. The bureau makes tokens
 * (maint_token_make), the kiosk checks them (maint_token_check, then
 * maint_pin_check). Parsing is strict and fuzzed. */
#ifndef ISOLOIR_KIOSK_MAINTENANCE_H
#define ISOLOIR_KIOSK_MAINTENANCE_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MAINT_TOKEN_NAME "isoloir-maintenance.json"
#define MAINT_TOKEN_FORMAT "isoloir-maintenance-1"
#define MAINT_TOKEN_MAX (256u << 10)
#define MAINT_KIOSKS_MAX 2000
#define MAINT_TEXT_MAX 256
#define MAINT_PIN_MIN 6  /* digits */
#define MAINT_PIN_MAX 12
/* The longest validity a token may have: an operation's week and margins. */
#define MAINT_VALIDITY_MAX (31 * 86400)

/* Argon2id costs: passes, memory in KiB, lanes; accepted within
 * t 1..10, m 8 MiB..64 MiB (the kiosk's memory is locked), p 1..4. */
struct maint_kdf {
	uint32_t t, m, p;
};
#define MAINT_KDF_DEFAULT ((struct maint_kdf){3, 32768, 1})

struct maint_token {
	char id[33];
	char technician[MAINT_TEXT_MAX + 1];
	int64_t not_before, not_after;
	bool all_kiosks;
	struct maint_kdf kdf;
	uint8_t salt[16], hash[32];
};

/* true for MAINT_PIN_MIN to MAINT_PIN_MAX decimal digits. */
bool maint_pin_well_formed(const char *pin);

/* The bureau: a token for the kiosks named (or every kiosk when nkiosks is
 * 0), valid from not_before to not_after (RFC 3339), with the PIN's hash;
 * *ret the signed document, malloc'd. ISO_E_INVALID_ARG for a bad PIN, an
 * empty name, a time that does not parse, a window reversed or longer than
 * MAINT_VALIDITY_MAX. */
enum iso_err maint_token_make(EVP_PKEY *key, const char *operation, const char *technician,
			      const char *const *kiosks, size_t nkiosks, const char *not_before,
			      const char *not_after, const char *pin, const struct maint_kdf *kdf,
			      char **ret);

/* The kiosk: the token read from the key, checked in this order, the first
 * fault returned: its shape (ISO_E_TOKEN), the technician key's signature
 * (ISO_E_BAD_SIGNATURE), the operation (ISO_E_TOKEN_OTHER_OPERATION), this
 * kiosk among those named (ISO_E_TOKEN_OTHER_KIOSK), the time window
 * (ISO_E_TOKEN_NOT_YET, ISO_E_TOKEN_EXPIRED). *ret filled on ISO_OK. */
enum iso_err maint_token_check(EVP_PKEY *key, const char *doc, size_t len, const char *operation,
			       const char *kiosk, int64_t now, struct maint_token *ret);

/* The PIN typed against the token's hash (constant-time comparison):
 * ISO_OK or ISO_E_WRONG_PIN (also for a PIN not well formed). */
enum iso_err maint_pin_check(const struct maint_token *t, const char *pin);

#endif
