/* A bureau member's key file (see memberkey.h). */
#include "memberkey.h"

#include <argon2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jsondoc.h"

#define FORMAT "isoloir-cle-membre-1"
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_LEN 32

/* lowercase hex of exactly 2*len digits */
static enum iso_err hex_decode(const char *s, uint8_t *out, size_t len)
{
	return iso_hex_decode(s, out, len) ? ISO_OK : ISO_E_MEMBER_KEY;
}

static bool kdf_acceptable(const struct memberkey_kdf *k)
{
	return k->t >= 1 && k->t <= 16 && k->m >= 8192 && k->m <= (1u << 20) && k->p >= 1 &&
	       k->p <= 8;
}

/* the associated data: everything in clear, in one fixed order */
static char *aad_of(const struct memberkey_header *h, const struct memberkey_kdf *k,
		    const char *salt_hex, const char *nonce_hex, size_t *ret_len)
{
	json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:{s:s, s:I, s:I, s:I, s:s}, s:s, s:s}",
			      "format", FORMAT, "operation", h->operation, "member", h->member,
			      "name", h->name, "role", h->role, "kdf", "alg", "argon2id", "t",
			      (json_int_t)k->t, "m", (json_int_t)k->m, "p", (json_int_t)k->p,
			      "salt", salt_hex, "cipher", "aes-256-gcm", "nonce", nonce_hex);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (s != NULL)
		*ret_len = strlen(s);
	return s;
}

static enum iso_err derive(const struct memberkey_kdf *k, const char *passphrase,
			   const uint8_t salt[SALT_LEN], uint8_t key[KEY_LEN])
{
	if (argon2id_hash_raw(k->t, k->m, k->p, passphrase, strlen(passphrase), salt, SALT_LEN,
			      key, KEY_LEN) != ARGON2_OK)
		return ISO_E_NOMEM;
	return ISO_OK;
}

/* AES-256-GCM one way or the other; out has len bytes (and the tag) */
static enum iso_err gcm(bool enc, const uint8_t key[KEY_LEN], const uint8_t nonce[NONCE_LEN],
			const char *aad, size_t aad_len, const uint8_t *in, size_t len,
			uint8_t *out, uint8_t tag[TAG_LEN])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	enum iso_err err = ISO_E_CRYPTO_LIB;
	int n = 0, m = 0;
	if (ctx == NULL)
		return ISO_E_NOMEM;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad, (int)aad_len) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &m) != 1) {
		err = enc ? ISO_E_CRYPTO_LIB : ISO_E_PASSPHRASE;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
		goto out;
	err = ISO_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

void memberkey_operation_id(const char *operation_json, size_t len, char out[17])
{
	char hex[65];
	iso_sha256_hex(operation_json, len, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

enum iso_err memberkey_seal(const struct memberkey_header *h, const struct memberkey_kdf *kdf,
			    const char *passphrase, const void *secret, size_t len, char **ret,
			    size_t *ret_len)
{
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN], key[KEY_LEN], *ct = NULL;
	char salt_hex[2 * SALT_LEN + 1], nonce_hex[2 * NONCE_LEN + 1], *aad = NULL, *data = NULL;
	size_t aad_len = 0;
	json_t *j = NULL;
	enum iso_err err;
	*ret = NULL;
	if (!kdf_acceptable(kdf) || len > MEMBERKEY_FILE_MAX / 4)
		return ISO_E_INVALID_ARG;
	if (RAND_bytes(salt, SALT_LEN) != 1 || RAND_bytes(nonce, NONCE_LEN) != 1)
		return ISO_E_RANDOM;
	iso_hex_encode(salt, SALT_LEN, salt_hex);
	iso_hex_encode(nonce, NONCE_LEN, nonce_hex);
	err = ISO_E_NOMEM;
	if ((aad = aad_of(h, kdf, salt_hex, nonce_hex, &aad_len)) == NULL ||
	    (ct = malloc(len + TAG_LEN)) == NULL || (data = malloc(2 * (len + TAG_LEN) + 1)) == NULL)
		goto out;
	if ((err = derive(kdf, passphrase, salt, key)) != ISO_OK ||
	    (err = gcm(true, key, nonce, aad, aad_len, secret, len, ct, ct + len)) != ISO_OK)
		goto out;
	iso_hex_encode(ct, len + TAG_LEN, data);
	err = ISO_E_NOMEM;
	j = json_loads(aad, 0, NULL);
	if (j == NULL || json_object_set_new(j, "data", json_string(data)) != 0)
		goto out;
	if ((*ret = iso_json_dumps_line(j, JSON_COMPACT | JSON_SORT_KEYS, ret_len)) == NULL)
		goto out;
	err = ISO_OK;
out:
	OPENSSL_cleanse(key, sizeof key);
	json_decref(j);
	free(aad);
	free(ct);
	free(data);
	return err;
}

/* the parsed file: header, costs, salt, nonce, hex data */
struct parsed {
	struct memberkey_header h;
	struct memberkey_kdf kdf;
	const char *salt, *nonce, *data;
	json_t *root;
};

static enum iso_err text_field(const json_t *o, const char *key, char *out, size_t size)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (s == NULL || s[0] == '\0' || strlen(s) >= size)
		return ISO_E_MEMBER_KEY;
	memcpy(out, s, strlen(s) + 1);
	return ISO_OK;
}

static enum iso_err parse(const char *text, size_t len, struct parsed *p)
{
	static const char *const keys[] = {"format", "operation", "member", "name", "role",
					   "kdf",    "cipher",    "nonce",  "data", NULL};
	static const char *const kdf_keys[] = {"alg", "t", "m", "p", "salt", NULL};
	const json_t *k, *m;
	json_int_t t, mem, lanes;
	memset(p, 0, sizeof *p);
	if (len > MEMBERKEY_FILE_MAX || iso_json_parse(text, len, &p->root) != ISO_OK)
		return ISO_E_MEMBER_KEY;
	k = json_object_get(p->root, "kdf");
	m = json_object_get(p->root, "member");
	if (!json_is_object(p->root) || !iso_json_keys_are(p->root, keys) || !json_is_object(k) ||
	    !iso_json_keys_are(k, kdf_keys) ||
	    !json_is_string(json_object_get(p->root, "format")) ||
	    strcmp(json_string_value(json_object_get(p->root, "format")), FORMAT) != 0 ||
	    !json_is_string(json_object_get(p->root, "cipher")) ||
	    strcmp(json_string_value(json_object_get(p->root, "cipher")), "aes-256-gcm") != 0 ||
	    !json_is_string(json_object_get(k, "alg")) ||
	    strcmp(json_string_value(json_object_get(k, "alg")), "argon2id") != 0 ||
	    !json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 1000 ||
	    !json_is_integer(json_object_get(k, "t")) || !json_is_integer(json_object_get(k, "m")) ||
	    !json_is_integer(json_object_get(k, "p")))
		return ISO_E_MEMBER_KEY;
	p->h.member = (int)json_integer_value(m);
	t = json_integer_value(json_object_get(k, "t"));
	mem = json_integer_value(json_object_get(k, "m"));
	lanes = json_integer_value(json_object_get(k, "p"));
	if (t < 1 || t > 16 || mem < 1 || mem > (1 << 20) || lanes < 1 || lanes > 8)
		return ISO_E_MEMBER_KEY;
	p->kdf = (struct memberkey_kdf){(uint32_t)t, (uint32_t)mem, (uint32_t)lanes};
	if (!kdf_acceptable(&p->kdf) ||
	    text_field(p->root, "operation", p->h.operation, sizeof p->h.operation) != ISO_OK ||
	    strlen(p->h.operation) != 16 ||
	    strspn(p->h.operation, "0123456789abcdef") != 16 ||
	    text_field(p->root, "name", p->h.name, sizeof p->h.name) != ISO_OK ||
	    text_field(p->root, "role", p->h.role, sizeof p->h.role) != ISO_OK)
		return ISO_E_MEMBER_KEY;
	p->salt = json_string_value(json_object_get(k, "salt"));
	p->nonce = json_string_value(json_object_get(p->root, "nonce"));
	p->data = json_string_value(json_object_get(p->root, "data"));
	if (p->salt == NULL || p->nonce == NULL || p->data == NULL ||
	    strlen(p->salt) != 2 * SALT_LEN || strlen(p->nonce) != 2 * NONCE_LEN ||
	    strlen(p->data) % 2 != 0 || strlen(p->data) < 2 * TAG_LEN)
		return ISO_E_MEMBER_KEY;
	return ISO_OK;
}

enum iso_err memberkey_header_read(const char *text, size_t len, struct memberkey_header *ret)
{
	struct parsed p;
	enum iso_err err = parse(text, len, &p);
	if (err == ISO_OK)
		*ret = p.h;
	json_decref(p.root);
	return err;
}

enum iso_err memberkey_open(const char *text, size_t len, const char *passphrase, char **ret,
			    size_t *ret_len)
{
	struct parsed p;
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN], key[KEY_LEN], *ct = NULL;
	char *aad = NULL, *out = NULL;
	size_t aad_len = 0, n = 0;
	enum iso_err err;
	*ret = NULL;
	if ((err = parse(text, len, &p)) != ISO_OK)
		goto out;
	n = strlen(p.data) / 2;
	err = ISO_E_NOMEM;
	if ((ct = malloc(n)) == NULL || (out = malloc(n - TAG_LEN + 1)) == NULL)
		goto out;
	if ((err = hex_decode(p.salt, salt, SALT_LEN)) != ISO_OK ||
	    (err = hex_decode(p.nonce, nonce, NONCE_LEN)) != ISO_OK ||
	    (err = hex_decode(p.data, ct, n)) != ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	if ((aad = aad_of(&p.h, &p.kdf, p.salt, p.nonce, &aad_len)) == NULL)
		goto out;
	if ((err = derive(&p.kdf, passphrase, salt, key)) != ISO_OK ||
	    (err = gcm(false, key, nonce, aad, aad_len, ct, n - TAG_LEN, (uint8_t *)out,
		       ct + n - TAG_LEN)) != ISO_OK)
		goto out;
	out[n - TAG_LEN] = '\0';
	*ret = out;
	*ret_len = n - TAG_LEN;
	out = NULL;
out:
	OPENSSL_cleanse(key, sizeof key);
	if (out != NULL) {
		OPENSSL_cleanse(out, n - TAG_LEN);
		free(out);
	}
	free(ct);
	free(aad);
	json_decref(p.root);
	return err;
}
