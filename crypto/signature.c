/* Signed JSON documents (see signature.h). */
#include "signature.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "jsondoc.h"

enum iso_err signature_key_new(EVP_PKEY **ret)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	if (k == NULL)
		return ISO_E_CRYPTO_LIB;
	*ret = k;
	return ISO_OK;
}

/* a P-256 key, nothing else */
static int is_p256(EVP_PKEY *k)
{
	char name[32];
	size_t len = 0;
	return EVP_PKEY_is_a(k, "EC") &&
	       EVP_PKEY_get_utf8_string_param(k, "group", name, sizeof name, &len) &&
	       strcmp(name, "prime256v1") == 0;
}

enum iso_err signature_key_read(const char *path, int private_key, EVP_PKEY **ret)
{
	char *pem = NULL;
	size_t len = 0;
	BIO *b;
	EVP_PKEY *k;
	enum iso_err err = iso_file_read(path, 64 * 1024, &pem, &len);
	if (err != ISO_OK)
		return err;
	b = BIO_new_mem_buf(pem, (int)len);
	k = b == NULL ? NULL
	    : private_key ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)
			  : PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (k == NULL || !is_p256(k)) {
		EVP_PKEY_free(k);
		return ISO_E_INVALID_ARG;
	}
	*ret = k;
	return ISO_OK;
}

enum iso_err signature_key_write(EVP_PKEY *key, const char *path, int private_key)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (b == NULL)
		return ISO_E_NOMEM;
	if (private_key ? PEM_write_bio_PKCS8PrivateKey(b, key, NULL, NULL, 0, NULL, NULL)
			: PEM_write_bio_PUBKEY(b, key)) {
		len = BIO_get_mem_data(b, &data);
		err = iso_file_write_atomic(path, data, (size_t)len, private_key ? 0600 : 0644);
		if (private_key)
			OPENSSL_cleanse(data, (size_t)len);
	}
	BIO_free(b);
	return err;
}

/* the bytes a signature covers: compact, keys sorted */
static char *canonical(const json_t *payload)
{
	return json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
}

enum iso_err signature_sign(EVP_PKEY *key, const json_t *payload, char **ret)
{
	enum iso_err err = ISO_E_CRYPTO_LIB;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	char *msg = canonical(payload), *b64 = NULL;
	size_t siglen = 0;
	json_t *doc = NULL;
	if (md == NULL || msg == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if (!json_is_object(payload)) {
		err = ISO_E_INVALID_ARG;
		goto out;
	}
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (unsigned char *)msg, strlen(msg)) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)msg, strlen(msg)) != 1)
		goto out;
	b64 = malloc(4 * ((siglen + 2) / 3) + 1);
	if (b64 == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	doc = json_pack("{s:O, s:s}", "payload", payload, "signature", b64);
	err = doc == NULL ? ISO_E_NOMEM : iso_json_dump(doc, ret, &siglen);
out:
	json_decref(doc);
	EVP_MD_CTX_free(md);
	free(sig);
	free(b64);
	if (msg != NULL) /* a payload may hold a secret (an enrolment bundle's key) */
		OPENSSL_cleanse(msg, strlen(msg));
	free(msg);
	return err;
}

enum iso_err signature_open(EVP_PKEY *key, const char *doc, size_t len, json_t **ret_payload)
{
	static const struct iso_field fields[] = {
		{"payload", JSON_OBJECT, false},
		{"signature", JSON_STRING, false},
	};
	json_t *j = NULL, *f[2];
	EVP_MD_CTX *md = NULL;
	unsigned char sig[256];
	char *msg = NULL;
	const char *b64;
	size_t blen;
	int slen;
	enum iso_err err = iso_json_parse(doc, len, &j);
	if (err != ISO_OK)
		return err;
	if ((err = iso_json_fields(j, fields, 2, f)) != ISO_OK)
		goto out;
	b64 = json_string_value(f[1]);
	blen = strlen(b64);
	/* a DER ECDSA P-256 signature is at most 72 bytes: 96 in base64 */
	err = ISO_E_SHAPE;
	if (blen == 0 || blen % 4 != 0 || blen > 96)
		goto out;
	slen = EVP_DecodeBlock(sig, (const unsigned char *)b64, (int)blen);
	if (slen < 0)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes */
	slen -= (b64[blen - 1] == '=') + (b64[blen - 2] == '=');
	err = ISO_E_NOMEM;
	if ((msg = canonical(f[0])) == NULL || (md = EVP_MD_CTX_new()) == NULL)
		goto out;
	err = ISO_E_BAD_SIGNATURE;
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestVerify(md, sig, (size_t)slen, (unsigned char *)msg, strlen(msg)) != 1)
		goto out;
	*ret_payload = json_incref(f[0]);
	err = ISO_OK;
out:
	EVP_MD_CTX_free(md);
	if (msg != NULL) /* a payload may hold a secret (an enrolment bundle's key) */
		OPENSSL_cleanse(msg, strlen(msg));
	free(msg);
	json_decref(j);
	return err;
}

enum iso_err signature_sign_new(EVP_PKEY *key, json_t *payload, char **ret)
{
	enum iso_err err;
	if (payload == NULL)
		return ISO_E_NOMEM;
	err = signature_sign(key, payload, ret);
	json_decref(payload);
	return err;
}
