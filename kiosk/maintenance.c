/* The technician's maintenance token (see maintenance.h). */
#include "maintenance.h"

#include <argon2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hash.h"
#include "jsondoc.h"
#include "signature.h"

bool maint_pin_well_formed(const char *pin)
{
	size_t n = strlen(pin);
	if (n < MAINT_PIN_MIN || n > MAINT_PIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

static bool kdf_acceptable(const struct maint_kdf *k)
{
	return k->t >= 1 && k->t <= 10 && k->m >= 8192 && k->m <= 65536 && k->p >= 1 && k->p <= 4;
}

/* A name or a label: 1 to MAINT_TEXT_MAX bytes, no control character. */
static bool text_acceptable(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > MAINT_TEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Both ends parse, the start comes first, the window is not too long. */
static bool window_acceptable(const char *from, const char *until, int64_t *ret_from,
			      int64_t *ret_until)
{
	return config_parse_time(from, ret_from) == ISO_OK &&
	       config_parse_time(until, ret_until) == ISO_OK && *ret_from < *ret_until &&
	       *ret_until - *ret_from <= MAINT_VALIDITY_MAX;
}

static enum iso_err pin_hash(const struct maint_kdf *k, const char *pin, const uint8_t salt[16],
			     uint8_t out[32])
{
	return argon2id_hash_raw(k->t, k->m, k->p, pin, strlen(pin), salt, 16, out, 32) ==
			       ARGON2_OK
		       ? ISO_OK
		       : ISO_E_NOMEM;
}

enum iso_err maint_token_make(EVP_PKEY *key, const char *operation, const char *technician,
			      const char *const *kiosks, size_t nkiosks, const char *not_before,
			      const char *not_after, const char *pin, const struct maint_kdf *kdf,
			      char **ret)
{
	uint8_t id[16], salt[16], hash[32];
	char idhex[33], salthex[33], hashhex[65];
	int64_t from, until;
	json_t *list;
	enum iso_err err;

	if (!maint_pin_well_formed(pin) || !text_acceptable(operation) ||
	    !text_acceptable(technician) || !kdf_acceptable(kdf) || nkiosks > MAINT_KIOSKS_MAX ||
	    !window_acceptable(not_before, not_after, &from, &until))
		return ISO_E_INVALID_ARG;
	for (size_t i = 0; i < nkiosks; i++)
		if (!text_acceptable(kiosks[i]) || strcmp(kiosks[i], "*") == 0)
			return ISO_E_INVALID_ARG;
	if (nkiosks == 0) { /* every kiosk */
		static const char *const every[] = {"*"};
		kiosks = every;
		nkiosks = 1;
	}
	if (RAND_bytes(id, sizeof id) != 1 || RAND_bytes(salt, sizeof salt) != 1)
		return ISO_E_CRYPTO_LIB;
	if ((err = pin_hash(kdf, pin, salt, hash)) != ISO_OK)
		return err;
	iso_hex_encode(id, sizeof id, idhex);
	iso_hex_encode(salt, sizeof salt, salthex);
	iso_hex_encode(hash, sizeof hash, hashhex);
	OPENSSL_cleanse(hash, sizeof hash);
	list = json_array();
	for (size_t i = 0; list != NULL && i < nkiosks; i++)
		if (json_array_append_new(list, json_string(kiosks[i])) != 0) {
			json_decref(list);
			list = NULL;
		}
	if (list == NULL)
		return ISO_E_NOMEM;
	err = signature_sign_new(
		key,
		json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:{s:s, s:s, s:I, s:I, s:s, s:I}, s:s}",
			  "format", MAINT_TOKEN_FORMAT, "id", idhex, "kiosks", list, "not_after",
			  not_after, "not_before", not_before, "operation", operation, "pin", "alg",
			  "argon2id", "hash", hashhex, "m", (json_int_t)kdf->m, "p",
			  (json_int_t)kdf->p, "salt", salthex, "t", (json_int_t)kdf->t,
			  "technician", technician),
		ret);
	OPENSSL_cleanse(hashhex, sizeof hashhex);
	return err;
}

static const struct iso_field payload_fields[] = {
	{"format", JSON_STRING, false},	   {"id", JSON_STRING, false},
	{"kiosks", JSON_ARRAY, false},	   {"not_after", JSON_STRING, false},
	{"not_before", JSON_STRING, false}, {"operation", JSON_STRING, false},
	{"pin", JSON_OBJECT, false},	   {"technician", JSON_STRING, false},
};
enum { F_FORMAT, F_ID, F_KIOSKS, F_NOT_AFTER, F_NOT_BEFORE, F_OPERATION, F_PIN, F_TECHNICIAN, F_N };

static const struct iso_field pin_fields[] = {
	{"alg", JSON_STRING, false},  {"hash", JSON_STRING, false}, {"m", JSON_INTEGER, false},
	{"p", JSON_INTEGER, false},   {"salt", JSON_STRING, false}, {"t", JSON_INTEGER, false},
};
enum { P_ALG, P_HASH, P_M, P_P, P_SALT, P_T, P_N };

static uint32_t small_int(const json_t *v)
{
	json_int_t i = json_integer_value(v);
	return i < 0 || i > 1 << 20 ? 0 : (uint32_t)i;
}

/* The payload's shape and values, into *t; the kiosk list in *ret_kiosks. */
static enum iso_err payload_read(const json_t *pl, struct maint_token *t, const json_t **ret_kiosks,
				 const char **ret_operation)
{
	json_t *f[F_N], *p[P_N];
	const json_t *ks;
	size_t nk;
	if (iso_json_fields(pl, payload_fields, F_N, f) != ISO_OK ||
	    iso_json_fields(f[F_PIN], pin_fields, P_N, p) != ISO_OK ||
	    strcmp(json_string_value(f[F_FORMAT]), MAINT_TOKEN_FORMAT) != 0 ||
	    strcmp(json_string_value(p[P_ALG]), "argon2id") != 0)
		return ISO_E_TOKEN;
	t->kdf = (struct maint_kdf){small_int(p[P_T]), small_int(p[P_M]), small_int(p[P_P])};
	if (!kdf_acceptable(&t->kdf) || !iso_hex_decode(json_string_value(p[P_SALT]), t->salt, 16) ||
	    !iso_hex_decode(json_string_value(p[P_HASH]), t->hash, 32))
		return ISO_E_TOKEN;
	{
		uint8_t id[16];
		if (!iso_hex_decode(json_string_value(f[F_ID]), id, sizeof id))
			return ISO_E_TOKEN;
		memcpy(t->id, json_string_value(f[F_ID]), 33);
	}
	if (!text_acceptable(json_string_value(f[F_TECHNICIAN])) ||
	    !text_acceptable(json_string_value(f[F_OPERATION])) ||
	    !window_acceptable(json_string_value(f[F_NOT_BEFORE]), json_string_value(f[F_NOT_AFTER]),
			       &t->not_before, &t->not_after))
		return ISO_E_TOKEN;
	snprintf(t->technician, sizeof t->technician, "%s", json_string_value(f[F_TECHNICIAN]));
	ks = f[F_KIOSKS];
	nk = json_array_size(ks);
	if (nk == 0 || nk > MAINT_KIOSKS_MAX)
		return ISO_E_TOKEN;
	for (size_t i = 0; i < nk; i++) {
		const json_t *k = json_array_get(ks, i);
		if (!json_is_string(k) || !text_acceptable(json_string_value(k)))
			return ISO_E_TOKEN;
		/* "*" alone, or names only */
		if (strcmp(json_string_value(k), "*") == 0 && nk != 1)
			return ISO_E_TOKEN;
	}
	t->all_kiosks = strcmp(json_string_value(json_array_get(ks, 0)), "*") == 0;
	*ret_kiosks = ks;
	*ret_operation = json_string_value(f[F_OPERATION]);
	return ISO_OK;
}

enum iso_err maint_token_check(EVP_PKEY *key, const char *doc, size_t len, const char *operation,
			       const char *kiosk, int64_t now, struct maint_token *ret)
{
	json_t *pl = NULL;
	const json_t *ks = NULL;
	const char *op = NULL;
	struct maint_token t;
	enum iso_err err;
	bool mine;

	memset(&t, 0, sizeof t);
	if (len > MAINT_TOKEN_MAX)
		return ISO_E_TOKEN;
	err = signature_open(key, doc, len, &pl);
	if (err == ISO_E_BAD_SIGNATURE)
		return err;
	if (err != ISO_OK)
		return err == ISO_E_NOMEM ? err : ISO_E_TOKEN;
	if ((err = payload_read(pl, &t, &ks, &op)) != ISO_OK)
		goto out;
	err = ISO_E_TOKEN_OTHER_OPERATION;
	if (strcmp(op, operation) != 0)
		goto out;
	mine = t.all_kiosks;
	for (size_t i = 0; !mine && i < json_array_size(ks); i++)
		mine = strcmp(json_string_value(json_array_get(ks, i)), kiosk) == 0;
	err = !mine		     ? ISO_E_TOKEN_OTHER_KIOSK
	      : now < t.not_before ? ISO_E_TOKEN_NOT_YET
	      : now > t.not_after  ? ISO_E_TOKEN_EXPIRED
				   : ISO_OK;
	if (err == ISO_OK)
		*ret = t;
out:
	OPENSSL_cleanse(&t, sizeof t);
	json_decref(pl);
	return err;
}

enum iso_err maint_pin_check(const struct maint_token *t, const char *pin)
{
	uint8_t h[32];
	enum iso_err err;
	if (!maint_pin_well_formed(pin) || !kdf_acceptable(&t->kdf))
		return ISO_E_WRONG_PIN;
	if ((err = pin_hash(&t->kdf, pin, t->salt, h)) != ISO_OK)
		return err;
	err = CRYPTO_memcmp(h, t->hash, sizeof h) == 0 ? ISO_OK : ISO_E_WRONG_PIN;
	OPENSSL_cleanse(h, sizeof h);
	return err;
}
