/* The threshold ceremony's PKI (see pki.h): seeds, Schnorr-signed messages,
 * certificates, and the ElGamal + AES-256-CCM channel between trustees.
 * Rule: every secret this file computes (sk and dk reduced mod q, nonces,
 * the channel key, plaintexts) is wiped before it returns; JSON holding
 * secrets is freed through the library's wiping allocator (jsondoc.c). */
#include "pki.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "scalar.h"

#define TAG_LEN 8

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

enum iso_err iso_pki_seed_generate(char out[ISO_PKI_SEED_LEN + 1])
{
	unsigned char byte;
	int i = 0;
	/* rejection sampling: 58 * 4 = 232 keeps every digit equally likely */
	while (i < ISO_PKI_SEED_LEN) {
		if (RAND_priv_bytes(&byte, 1) != 1)
			return ISO_E_RANDOM;
		if (byte < 232)
			out[i++] = b58[byte % 58];
	}
	out[ISO_PKI_SEED_LEN] = '\0';
	OPENSSL_cleanse(&byte, sizeof byte);
	return ISO_OK;
}

static enum iso_err derive_one(const char *label, const char *seed, BIGNUM *ret)
{
	uint8_t d[32];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (md == NULL)
		return ISO_E_NOMEM;
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, label, strlen(label)) == 1 &&
	    EVP_DigestUpdate(md, seed, strlen(seed)) == 1 && EVP_DigestFinal_ex(md, d, NULL) == 1 &&
	    BN_bin2bn(d, 32, ret) != NULL) {
		BN_set_flags(ret, BN_FLG_CONSTTIME);
		err = ISO_OK;
	}
	OPENSSL_cleanse(d, sizeof d);
	EVP_MD_CTX_free(md);
	return err;
}

enum iso_err iso_pki_derive(const char *seed, BIGNUM *ret_sk, BIGNUM *ret_dk)
{
	enum iso_err err = ISO_OK;
	if (seed == NULL || seed[0] == '\0')
		return ISO_E_INVALID_ARG;
	if (ret_sk != NULL)
		err = derive_one("sk|", seed, ret_sk);
	if (err == ISO_OK && ret_dk != NULL)
		err = derive_one("dk|", seed, ret_dk);
	return err;
}

/* r = x mod q for a secret x (the 256-bit sk and dk may exceed q). */
static enum iso_err secret_mod_q(const struct iso_group *grp, BIGNUM *r, const BIGNUM *x,
				 BN_CTX *ctx)
{
	BN_set_flags(r, BN_FLG_CONSTTIME);
	return BN_nnmod(r, x, grp->q, ctx) == 1 ? ISO_OK : ISO_E_CRYPTO_LIB;
}

/* H("sigmsg|" M "|", [A]) */
static enum iso_err sigmsg_hash(const struct iso_group *grp, const char *msg, const BIGNUM *A,
				BIGNUM *ret, BN_CTX *ctx)
{
	struct iso_fs fs;
	enum iso_err err = iso_fs_init(&fs);
	if (err != ISO_OK)
		return err;
	if ((err = iso_fs_begin(&fs)) == ISO_OK && (err = iso_fs_str(&fs, "sigmsg|")) == ISO_OK &&
	    (err = iso_fs_str(&fs, msg)) == ISO_OK && (err = iso_fs_str(&fs, "|")) == ISO_OK &&
	    (err = iso_fs_elt(&fs, A)) == ISO_OK)
		err = iso_fs_finish(&fs, grp, ret, ctx);
	iso_fs_free(&fs);
	return err;
}

enum iso_err iso_pki_sign(const struct iso_group *grp, const BIGNUM *sk, const char *msg,
			  char **ret, BN_CTX *ctx)
{
	BIGNUM *w = iso_secret_new(), *skq = iso_secret_new(), *A = BN_new(), *c = BN_new(),
	       *r = BN_new();
	json_t *o = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (w == NULL || skq == NULL || A == NULL || c == NULL || r == NULL)
		goto out;
	if ((err = secret_mod_q(grp, skq, sk, ctx)) != ISO_OK ||
	    (err = iso_zq_random(grp, w)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, A, w, ctx)) != ISO_OK ||
	    (err = sigmsg_hash(grp, msg, A, c, ctx)) != ISO_OK ||
	    (err = iso_zq_mulsub(grp, r, w, skq, c, ctx)) != ISO_OK)
		goto out;
	o = json_pack("{s:s,s:{s:o,s:o}}", "message", msg, "signature", "challenge",
		      iso_json_of_bn(c), "response", iso_json_of_bn(r));
	err = o == NULL ? ISO_E_NOMEM : iso_json_dump(o, ret, NULL);
out:
	json_decref(o);
	BN_clear_free(w);
	BN_clear_free(skq);
	BN_free(A);
	BN_free(c);
	BN_free(r);
	return err;
}

static const struct iso_field signed_fields[] = {
	{"message", JSON_STRING, false},
	{"signature", JSON_OBJECT, false},
};

enum iso_err iso_pki_verify(const struct iso_group *grp, const BIGNUM *vk,
			    const json_t *signed_msg, const char **ret_msg, BN_CTX *ctx)
{
	json_t *f[2];
	BIGNUM *c = NULL, *r = NULL, *A = BN_new(), *t = BN_new(), *h = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	if (A == NULL || t == NULL || h == NULL)
		goto out;
	if (iso_json_fields(signed_msg, signed_fields, 2, f) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = iso_proof_read(grp, f[1], &c, &r)) != ISO_OK) {
		if (err == ISO_E_NOT_CANONICAL) /* fields reordered */
			err = ISO_E_SHAPE;
		goto out;
	}
	/* A = g^r vk^c */
	if ((err = iso_group_gexp(grp, A, r, ctx)) != ISO_OK ||
	    (err = iso_group_exp(grp, t, vk, c, ctx)) != ISO_OK ||
	    (err = iso_group_mul(grp, A, A, t, ctx)) != ISO_OK ||
	    (err = sigmsg_hash(grp, json_string_value(f[0]), A, h, ctx)) != ISO_OK)
		goto out;
	if (BN_cmp(h, c) != 0) {
		err = ISO_E_BAD_MESSAGE_SIGNATURE;
		goto out;
	}
	if (ret_msg != NULL)
		*ret_msg = json_string_value(f[0]);
	err = ISO_OK;
out:
	BN_free(c);
	BN_free(r);
	BN_free(A);
	BN_free(t);
	BN_free(h);
	return err;
}

enum iso_err iso_pki_make_cert(const struct iso_group *grp, const BIGNUM *sk, const BIGNUM *dk,
			       char **ret, BN_CTX *ctx)
{
	BIGNUM *k = iso_secret_new(), *vk = BN_new(), *ek = BN_new();
	json_t *o = NULL;
	char *msg = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (k == NULL || vk == NULL || ek == NULL)
		goto out;
	if ((err = secret_mod_q(grp, k, sk, ctx)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, vk, k, ctx)) != ISO_OK ||
	    (err = secret_mod_q(grp, k, dk, ctx)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, ek, k, ctx)) != ISO_OK)
		goto out;
	o = json_pack("{s:o,s:o}", "verification", iso_json_of_bn(vk), "encryption",
		      iso_json_of_bn(ek));
	err = ISO_E_NOMEM;
	if (o == NULL || (err = iso_json_dump(o, &msg, NULL)) != ISO_OK)
		goto out;
	err = iso_pki_sign(grp, sk, msg, ret, ctx);
out:
	json_decref(o);
	free(msg);
	BN_clear_free(k);
	BN_free(vk);
	BN_free(ek);
	return err;
}

static const struct iso_field cert_fields[] = {
	{"verification", JSON_STRING, false},
	{"encryption", JSON_STRING, false},
};

enum iso_err iso_pki_cert_keys(const struct iso_group *grp, const json_t *cert, BIGNUM **ret_vk,
			       BIGNUM **ret_ek, BN_CTX *ctx)
{
	json_t *f[2], *keys = NULL, *k[2];
	BIGNUM *vk = NULL, *ek = NULL;
	const char *msg;
	enum iso_err err = ISO_E_BAD_CERTIFICATE;
	if (iso_json_fields(cert, signed_fields, 2, f) != ISO_OK)
		goto out;
	msg = json_string_value(f[0]);
	if (iso_json_parse(msg, strlen(msg), &keys) != ISO_OK ||
	    iso_json_fields(keys, cert_fields, 2, k) != ISO_OK)
		goto out;
	if ((err = iso_json_bn(k[0], &vk)) != ISO_OK || (err = iso_json_bn(k[1], &ek)) != ISO_OK)
		goto out;
	if (!iso_group_is_member(grp, vk, ctx) || !iso_group_is_member(grp, ek, ctx)) {
		err = ISO_E_NOT_GROUP_ELEMENT;
		goto out;
	}
	if ((err = iso_pki_verify(grp, vk, cert, NULL, ctx)) != ISO_OK) {
		if (err == ISO_E_BAD_MESSAGE_SIGNATURE || err == ISO_E_SHAPE)
			err = ISO_E_BAD_CERTIFICATE;
		goto out;
	}
	*ret_vk = vk;
	*ret_ek = ek;
	vk = ek = NULL;
out:
	json_decref(keys);
	BN_free(vk);
	BN_free(ek);
	return err;
}

/* key = SHA256("key|" dec(K)), nonce = SHA256("iv|" dec(alpha))[0..15-L) */
static enum iso_err channel_key(const BIGNUM *K, const BIGNUM *alpha, size_t len,
				uint8_t key[32], uint8_t iv[32], int *ret_ivlen, BN_CTX *ctx)
{
	char *buf = malloc(ISO_DEC_MAX_DIGITS + 8);
	size_t n;
	int L = len < (1u << 16) ? 2 : len < (1u << 24) ? 3 : 4;
	if (buf == NULL)
		return ISO_E_NOMEM;
	memcpy(buf, "key|", 4);
	n = iso_bn_to_dec_buf(K, buf + 4, ctx);
	if (n == 0) {
		free(buf);
		return ISO_E_NOMEM;
	}
	iso_sha256(buf, n + 4, key);
	OPENSSL_cleanse(buf, n + 4);
	memcpy(buf, "iv|", 3);
	n = iso_bn_to_dec_buf(alpha, buf + 3, ctx);
	if (n == 0) {
		free(buf);
		return ISO_E_NOMEM;
	}
	iso_sha256(buf, n + 3, iv);
	free(buf);
	*ret_ivlen = 15 - L;
	return ISO_OK;
}

/* AES-256-CCM as SJCL: 8-byte tag, no associated data. out gets len bytes
 * of ciphertext then the tag (encrypt), or len - TAG_LEN bytes of plaintext
 * (decrypt; ISO_E_CHANNEL_DECRYPT if the tag does not verify). */
static enum iso_err ccm(bool enc, const uint8_t key[32], const uint8_t *iv, int ivlen,
			const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	enum iso_err err = ISO_E_CRYPTO_LIB;
	int outl;
	size_t plen = enc ? len : len - TAG_LEN;
	if (cx == NULL)
		return ISO_E_NOMEM;
	if (len > INT32_MAX || EVP_CipherInit_ex(cx, EVP_aes_256_ccm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_AEAD_SET_IVLEN, ivlen, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN,
				enc ? NULL : (void *)(in + plen)) != 1 ||
	    EVP_CipherInit_ex(cx, NULL, NULL, key, iv, enc) != 1 ||
	    EVP_CipherUpdate(cx, NULL, &outl, NULL, (int)plen) != 1)
		goto out;
	if (EVP_CipherUpdate(cx, out, &outl, in, (int)plen) != 1) {
		err = enc ? ISO_E_CRYPTO_LIB : ISO_E_CHANNEL_DECRYPT;
		goto out;
	}
	if (enc && (EVP_CipherFinal_ex(cx, out + outl, &outl) != 1 ||
		    EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, out + plen) != 1))
		goto out;
	err = ISO_OK;
out:
	EVP_CIPHER_CTX_free(cx);
	return err;
}

enum iso_err iso_pki_encrypt(const struct iso_group *grp, const BIGNUM *ek, const void *msg,
			     size_t len, char **ret, BN_CTX *ctx)
{
	BIGNUM *r = iso_secret_new(), *s = iso_secret_new(), *K = BN_new(), *alpha = BN_new(),
	       *beta = BN_new();
	uint8_t key[32], iv[32], *ct = malloc(len + TAG_LEN);
	char *hex = malloc(2 * (len + TAG_LEN) + 1);
	json_t *o = NULL;
	int ivlen;
	enum iso_err err = ISO_E_NOMEM;
	if (r == NULL || s == NULL || K == NULL || alpha == NULL || beta == NULL || ct == NULL ||
	    hex == NULL)
		goto out;
	BN_set_flags(K, BN_FLG_CONSTTIME);
	/* alpha = g^r, beta = ek^r g^s, the key comes from K = g^s */
	if ((err = iso_zq_random(grp, r)) != ISO_OK || (err = iso_zq_random(grp, s)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, alpha, r, ctx)) != ISO_OK ||
	    (err = iso_group_exp_ct(grp, beta, ek, r, ctx)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, K, s, ctx)) != ISO_OK ||
	    (err = iso_group_mul(grp, beta, beta, K, ctx)) != ISO_OK ||
	    (err = channel_key(K, alpha, len, key, iv, &ivlen, ctx)) != ISO_OK ||
	    (err = ccm(true, key, iv, ivlen, msg, len, ct)) != ISO_OK)
		goto out;
	iso_hex_encode(ct, len + TAG_LEN, hex);
	o = json_pack("{s:o,s:o,s:s}", "alpha", iso_json_of_bn(alpha), "beta", iso_json_of_bn(beta),
		      "data", hex);
	err = o == NULL ? ISO_E_NOMEM : iso_json_dump(o, ret, NULL);
out:
	OPENSSL_cleanse(key, sizeof key);
	json_decref(o);
	free(ct);
	free(hex);
	BN_clear_free(r);
	BN_clear_free(s);
	BN_clear_free(K);
	BN_free(alpha);
	BN_free(beta);
	return err;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static const struct iso_field enc_fields[] = {
	{"alpha", JSON_STRING, false},
	{"beta", JSON_STRING, false},
	{"data", JSON_STRING, false},
};

enum iso_err iso_pki_decrypt(const struct iso_group *grp, const BIGNUM *dk,
			     const json_t *encrypted_msg, char **ret, size_t *ret_len,
			     BN_CTX *ctx)
{
	json_t *f[3];
	BIGNUM *alpha = NULL, *beta = NULL, *K = BN_new(), *dkq = iso_secret_new();
	uint8_t key[32], iv[32], *ct = NULL;
	char *pt = NULL;
	const char *hex;
	size_t hlen, len = 0;
	int ivlen;
	enum iso_err err = ISO_E_NOMEM;
	if (K == NULL || dkq == NULL)
		goto out;
	BN_set_flags(K, BN_FLG_CONSTTIME);
	if (iso_json_fields(encrypted_msg, enc_fields, 3, f) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = iso_json_bn(f[0], &alpha)) != ISO_OK || (err = iso_json_bn(f[1], &beta)) != ISO_OK)
		goto out;
	if (!iso_group_is_member(grp, alpha, ctx) || !iso_group_is_member(grp, beta, ctx)) {
		err = ISO_E_NOT_GROUP_ELEMENT;
		goto out;
	}
	hex = json_string_value(f[2]);
	hlen = json_string_length(f[2]);
	err = ISO_E_CHANNEL_DECRYPT;
	if (hlen % 2 != 0 || hlen / 2 < TAG_LEN)
		goto out;
	len = hlen / 2;
	ct = malloc(len);
	pt = malloc(len - TAG_LEN + 1);
	if (ct == NULL || pt == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto out;
		ct[i] = (uint8_t)(hi << 4 | lo);
	}
	/* K = beta / alpha^dk */
	if ((err = secret_mod_q(grp, dkq, dk, ctx)) != ISO_OK ||
	    (err = iso_group_exp_ct(grp, K, alpha, dkq, ctx)) != ISO_OK ||
	    (err = iso_group_inv(grp, K, K, ctx)) != ISO_OK ||
	    (err = iso_group_mul(grp, K, beta, K, ctx)) != ISO_OK ||
	    (err = channel_key(K, alpha, len - TAG_LEN, key, iv, &ivlen, ctx)) != ISO_OK ||
	    (err = ccm(false, key, iv, ivlen, ct, len, (uint8_t *)pt)) != ISO_OK)
		goto out;
	pt[len - TAG_LEN] = '\0';
	if (memchr(pt, '\0', len - TAG_LEN) != NULL) {
		err = ISO_E_CHANNEL_DECRYPT;
		goto out;
	}
	*ret = pt;
	*ret_len = len - TAG_LEN;
	pt = NULL;
	err = ISO_OK;
out:
	OPENSSL_cleanse(key, sizeof key);
	if (pt != NULL) {
		OPENSSL_cleanse(pt, len - TAG_LEN + 1);
		free(pt);
	}
	free(ct);
	BN_free(alpha);
	BN_free(beta);
	BN_clear_free(K);
	BN_clear_free(dkq);
	return err;
}

enum iso_err iso_channel_send(const struct iso_group *grp, const BIGNUM *sk_from,
			      const BIGNUM *ek_to, const char *msg, char **ret, BN_CTX *ctx)
{
	json_t *o = json_pack("{s:o,s:s}", "recipient", iso_json_of_bn(ek_to), "message", msg);
	char *inner = NULL, *signed_msg = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (o == NULL)
		goto out;
	if ((err = iso_json_dump(o, &inner, NULL)) != ISO_OK ||
	    (err = iso_pki_sign(grp, sk_from, inner, &signed_msg, ctx)) != ISO_OK)
		goto out;
	err = iso_pki_encrypt(grp, ek_to, signed_msg, strlen(signed_msg), ret, ctx);
out:
	json_decref(o);
	iso_secret_str_free(inner);
	iso_secret_str_free(signed_msg);
	return err;
}

static const struct iso_field channel_fields[] = {
	{"recipient", JSON_STRING, false},
	{"message", JSON_STRING, false},
};

enum iso_err iso_channel_recv(const struct iso_group *grp, const BIGNUM *dk,
			      const BIGNUM *vk_from, const json_t *encrypted_msg, char **ret,
			      BN_CTX *ctx)
{
	char *pt = NULL, *msg = NULL;
	size_t len = 0;
	json_t *sm = NULL, *cm = NULL, *f[2];
	const char *inner;
	BIGNUM *recipient = NULL, *ek = BN_new(), *dkq = iso_secret_new();
	enum iso_err err = ISO_E_NOMEM;
	if (ek == NULL || dkq == NULL)
		goto out;
	if ((err = iso_pki_decrypt(grp, dk, encrypted_msg, &pt, &len, ctx)) != ISO_OK)
		goto out;
	if ((err = iso_json_parse(pt, len, &sm)) != ISO_OK ||
	    (err = iso_pki_verify(grp, vk_from, sm, &inner, ctx)) != ISO_OK)
		goto out;
	if ((err = iso_json_parse(inner, strlen(inner), &cm)) != ISO_OK)
		goto out;
	if (iso_json_fields(cm, channel_fields, 2, f) != ISO_OK) {
		err = ISO_E_SHAPE;
		goto out;
	}
	if ((err = iso_json_bn(f[0], &recipient)) != ISO_OK ||
	    (err = secret_mod_q(grp, dkq, dk, ctx)) != ISO_OK ||
	    (err = iso_group_gexp_ct(grp, ek, dkq, ctx)) != ISO_OK)
		goto out;
	if (BN_cmp(recipient, ek) != 0) {
		err = ISO_E_WRONG_RECIPIENT;
		goto out;
	}
	msg = strdup(json_string_value(f[1]));
	if (msg == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	*ret = msg;
	err = ISO_OK;
out:
	if (pt != NULL) {
		OPENSSL_cleanse(pt, len);
		free(pt);
	}
	json_decref(sm);
	json_decref(cm);
	BN_free(recipient);
	BN_free(ek);
	BN_clear_free(dkq);
	return err;
}
