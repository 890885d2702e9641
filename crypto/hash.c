/* SHA-256 helpers, the Fiat-Shamir hash and the reading of the proofs it
 * makes (see hash.h). */
#include "hash.h"

#include "jsondoc.h"
#include "number.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

void iso_sha256(const void *data, size_t len, uint8_t out[32])
{
	SHA256(data, len, out);
}

void iso_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool iso_hex_decode(const char *s, uint8_t *out, size_t len)
{
	if (strlen(s) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

void iso_sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t d[32];
	iso_sha256(data, len, d);
	iso_hex_encode(d, 32, out);
}

void iso_chain_hash_hex(const char prev[65], const char *body, size_t len, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t d[32];
	if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, prev, 64) || !EVP_DigestUpdate(md, "\n", 1) ||
	    !EVP_DigestUpdate(md, body, len) || !EVP_DigestFinal_ex(md, d, NULL))
		memset(d, 0, sizeof d); /* a link of zeros breaks the chain: never silent */
	EVP_MD_CTX_free(md);
	iso_hex_encode(d, 32, out);
}

void iso_b64_digest(const uint8_t digest[32], char out[ISO_B64_HASH_LEN + 1])
{
	unsigned char tmp[48];
	EVP_EncodeBlock(tmp, digest, 32); /* 44 chars, the last one '=' */
	memcpy(out, tmp, ISO_B64_HASH_LEN);
	out[ISO_B64_HASH_LEN] = '\0';
}

void iso_sha256_b64(const void *data, size_t len, char out[ISO_B64_HASH_LEN + 1])
{
	uint8_t d[32];
	iso_sha256(data, len, d);
	iso_b64_digest(d, out);
}

bool iso_is_hex_hash(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

enum iso_err iso_fs_init(struct iso_fs *fs)
{
	fs->nelts = 0;
	fs->md = EVP_MD_CTX_new();
	fs->ctx = BN_CTX_new();
	if (fs->md == NULL || fs->ctx == NULL) {
		iso_fs_free(fs);
		return ISO_E_NOMEM;
	}
	return ISO_OK;
}

void iso_fs_free(struct iso_fs *fs)
{
	EVP_MD_CTX_free(fs->md);
	BN_CTX_free(fs->ctx);
	fs->md = NULL;
	fs->ctx = NULL;
}

enum iso_err iso_fs_begin(struct iso_fs *fs)
{
	fs->nelts = 0;
	return EVP_DigestInit_ex(fs->md, EVP_sha256(), NULL) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_fs_raw(struct iso_fs *fs, const void *data, size_t len)
{
	return EVP_DigestUpdate(fs->md, data, len) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_fs_str(struct iso_fs *fs, const char *s)
{
	return iso_fs_raw(fs, s, strlen(s));
}

enum iso_err iso_fs_elt_dec(struct iso_fs *fs, const char *dec)
{
	if (fs->nelts++ > 0 && iso_fs_raw(fs, ",", 1) != ISO_OK)
		return ISO_E_CRYPTO_LIB;
	return iso_fs_str(fs, dec);
}

enum iso_err iso_fs_elt(struct iso_fs *fs, const BIGNUM *x)
{
	char d[ISO_DEC_MAX_DIGITS + 1];
	if (iso_bn_to_dec_buf(x, d, fs->ctx) == 0)
		return ISO_E_CRYPTO_LIB;
	return iso_fs_elt_dec(fs, d);
}

enum iso_err iso_fs_finish(struct iso_fs *fs, const struct iso_group *grp, BIGNUM *ret,
			   BN_CTX *ctx)
{
	unsigned char d[32];
	unsigned int n = 0;
	if (!EVP_DigestFinal_ex(fs->md, d, &n) || n != 32)
		return ISO_E_CRYPTO_LIB;
	if (BN_bin2bn(d, 32, ret) == NULL || !BN_nnmod(ret, ret, grp->q, ctx))
		return ISO_E_CRYPTO_LIB;
	return ISO_OK;
}

static const struct iso_field proof_fields[] = {
	{"challenge", JSON_STRING, false},
	{"response", JSON_STRING, false},
};

enum iso_err iso_proof_read(const struct iso_group *grp, const json_t *proof, BIGNUM **ret_c,
			    BIGNUM **ret_r)
{
	json_t *f[2];
	enum iso_err err;
	if ((err = iso_json_fields(proof, proof_fields, 2, f)) != ISO_OK ||
	    (err = iso_json_bn(f[0], ret_c)) != ISO_OK || (err = iso_json_bn(f[1], ret_r)) != ISO_OK)
		return err;
	if (!iso_group_in_zq(grp, *ret_c) || !iso_group_in_zq(grp, *ret_r))
		return ISO_E_NOT_IN_ZQ;
	return ISO_OK;
}
