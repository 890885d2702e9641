/* Credentials: generation, checked parsing, per-election derivation, and the
 * sorted set of public credentials an urn or a verifier looks ballots up in. */
#include "credential.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "number.h"
#include "parallel.h"

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int b58_value(char c)
{
	const char *p = c == '\0' ? NULL : strchr(b58, c);
	return p == NULL ? -1 : (int)(p - b58);
}

/* (sum d_i 58^(14-i)) mod 53, by Horner's rule on small numbers */
static unsigned checksum_of(const int digits[14])
{
	unsigned v = 0;
	for (int i = 0; i < 14; i++)
		v = (v * 58 + (unsigned)digits[i]) % 53;
	return 53 - v; /* in 1..53 */
}

static void dashed(const char raw[15], char out[ISO_CREDENTIAL_LEN + 1])
{
	int k = 0;
	for (int i = 0; i < 15; i++) {
		if (i > 0 && i % 3 == 0)
			out[k++] = '-';
		out[k++] = raw[i];
	}
	out[k] = '\0';
}

enum iso_err iso_credential_generate(char out[ISO_CREDENTIAL_LEN + 1])
{
	int digits[14];
	char raw[15];
	for (int i = 0; i < 14; i++) {
		unsigned char c;
		do {
			if (RAND_priv_bytes(&c, 1) != 1) {
				OPENSSL_cleanse(digits, sizeof digits);
				return ISO_E_RANDOM;
			}
		} while (c >= 58 * 4); /* rejection keeps digits uniform */
		digits[i] = c % 58;
		raw[i] = b58[digits[i]];
	}
	raw[14] = b58[checksum_of(digits)];
	dashed(raw, out);
	OPENSSL_cleanse(digits, sizeof digits);
	OPENSSL_cleanse(raw, sizeof raw);
	return ISO_OK;
}

enum iso_err iso_credential_parse(const char *in, size_t len, char out[ISO_CREDENTIAL_LEN + 1])
{
	char raw[15];
	int digits[14];
	size_t k = 0;
	enum iso_err err = ISO_OK;
	while (len > 0 && (in[0] == ' ' || in[0] == '\t')) {
		in++;
		len--;
	}
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\n' ||
			   in[len - 1] == '\r'))
		len--;
	if (len == 19) {
		for (size_t i = 0; i < 19; i++) {
			if (i % 4 == 3) {
				if (in[i] != '-')
					return ISO_E_CREDENTIAL_FORMAT;
			} else {
				raw[k++] = in[i];
			}
		}
	} else if (len == 15) {
		memcpy(raw, in, 15);
	} else {
		return ISO_E_CREDENTIAL_FORMAT;
	}
	for (int i = 0; i < 15; i++) {
		int v = b58_value(raw[i]);
		if (v < 0) {
			err = ISO_E_CREDENTIAL_FORMAT;
			goto out;
		}
		if (i < 14)
			digits[i] = v;
		else if ((unsigned)v != checksum_of(digits))
			err = ISO_E_CREDENTIAL_CHECKSUM;
	}
	if (err == ISO_OK)
		dashed(raw, out);
out:
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(digits, sizeof digits);
	return err;
}

enum iso_err iso_credential_derive(const struct iso_group *grp, const char *uuid,
				   const char *cred, BIGNUM *ret_secret, BIGNUM *ret_public,
				   BN_CTX *ctx)
{
	unsigned char d[32];
	enum iso_err err = ISO_E_CRYPTO_LIB;
	BIGNUM *s = BN_secure_new();
	if (s == NULL)
		return ISO_E_NOMEM;
	BN_set_flags(s, BN_FLG_CONSTTIME);
	if (!PKCS5_PBKDF2_HMAC(cred, (int)strlen(cred), (const unsigned char *)uuid,
			       (int)strlen(uuid), 1000, EVP_sha256(), 32, d))
		goto out;
	if (BN_bin2bn(d, 32, s) == NULL || !BN_nnmod(s, s, grp->q, ctx))
		goto out;
	if (ret_public != NULL && (err = iso_group_gexp_ct(grp, ret_public, s, ctx)) != ISO_OK)
		goto out;
	if (ret_secret != NULL && !BN_copy(ret_secret, s))
		goto out;
	if (ret_secret != NULL)
		BN_set_flags(ret_secret, BN_FLG_CONSTTIME);
	err = ISO_OK;
out:
	OPENSSL_cleanse(d, sizeof d);
	BN_clear_free(s);
	return err;
}

enum iso_err iso_registry_verifier(const char *identifier, const char *cred,
				   char out[ISO_B64_HASH_LEN + 1])
{
	static const char label[] = ISO_REGISTRY_VERIFIER_LABEL;
	size_t ilen = strlen(identifier);
	unsigned char d[32], *salt;
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (ilen > 4096)
		return ISO_E_TOO_LARGE;
	if ((salt = malloc(sizeof label + ilen)) == NULL)
		return ISO_E_NOMEM;
	/* the label with its NUL, then the identifier */
	memcpy(salt, label, sizeof label);
	memcpy(salt + sizeof label, identifier, ilen);
	if (PKCS5_PBKDF2_HMAC(cred, (int)strlen(cred), salt, (int)(sizeof label + ilen), 1000,
			      EVP_sha256(), 32, d)) {
		iso_b64_digest(d, out);
		err = ISO_OK;
	}
	OPENSSL_cleanse(d, sizeof d);
	free(salt);
	return err;
}

/* ---- the set of public credentials ---- */

struct cred_entry {
	char *c; /* canonical decimal */
	size_t len;
	unsigned long long weight;
	bool has_weight;
};

struct iso_credset {
	size_t n;
	struct cred_entry *entries; /* file order */
	size_t *sorted;             /* indexes sorted by (len, bytes) */
	bool weighted;
};

static int cmp_entry(const struct cred_entry *a, const char *c, size_t len)
{
	if (a->len != len)
		return a->len < len ? -1 : 1;
	return memcmp(a->c, c, len);
}

static int cmp_sorted(const void *x, const void *y, void *base)
{
	const struct cred_entry *entries = base;
	const struct cred_entry *b = &entries[*(const size_t *)y];
	return cmp_entry(&entries[*(const size_t *)x], b->c, b->len);
}

void iso_credset_free(struct iso_credset *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->n; i++)
		free(cs->entries[i].c);
	free(cs->entries);
	free(cs->sorted);
	free(cs);
}

static enum iso_err parse_weight(const char *s, size_t n, unsigned long long *ret)
{
	unsigned long long w = 0;
	if (!iso_dec_is_canonical(s, n) || n > 12)
		return ISO_E_WEIGHT;
	for (size_t i = 0; i < n; i++)
		w = w * 10 + (unsigned)(s[i] - '0');
	/* belenios caps expanded weights at 10^11 */
	if (w > 100000000000ULL)
		return ISO_E_WEIGHT;
	*ret = w;
	return ISO_OK;
}

static enum iso_err entry_parse(const char *s, struct cred_entry *e)
{
	const char *c1 = strchr(s, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	size_t clen = c1 ? (size_t)(c1 - s) : strlen(s);
	enum iso_err err;
	if (!iso_dec_is_canonical(s, clen))
		return ISO_E_NUMBER;
	e->c = strndup(s, clen);
	if (e->c == NULL)
		return ISO_E_NOMEM;
	e->len = clen;
	e->weight = 1;
	if (c1 != NULL) {
		size_t wlen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
		if (wlen > 0) {
			if ((err = parse_weight(c1 + 1, wlen, &e->weight)) != ISO_OK)
				return err;
			e->has_weight = true;
		} else if (c2 == NULL) {
			return ISO_E_WEIGHT;
		}
	}
	return ISO_OK;
}

/* The public credentials' subgroup tests, one exponentiation each, shared
 * between the cores for a large poll (iso_parallel_for): each thread its
 * own context and scratch number, and the lowest credential that fails. */
struct members_check {
	const struct iso_group *grp;
	const struct iso_credset *cs;
	BN_CTX **ctx;
	BIGNUM **x;
	size_t *bad; /* per thread: the lowest failing index, or SIZE_MAX */
};

static enum iso_err member_job(void *arg, int thread, size_t i)
{
	struct members_check *m = arg;
	enum iso_err err = iso_bn_from_dec(&m->x[thread], m->cs->entries[i].c);
	if (err == ISO_OK && !iso_group_is_member(m->grp, m->x[thread], m->ctx[thread]))
		err = ISO_E_NOT_GROUP_ELEMENT;
	if (err != ISO_OK && i < m->bad[thread])
		m->bad[thread] = i;
	return err;
}

static enum iso_err members_check(const struct iso_group *grp, const struct iso_credset *cs,
				  size_t *ret_bad)
{
	/* below a few hundred, threads cost more than they give */
	int nt = iso_parallel_threads(cs->n >= 256 ? 0 : 1, cs->n > 0 ? cs->n : 1);
	struct members_check m = {grp, cs, calloc((size_t)nt, sizeof(BN_CTX *)),
				  calloc((size_t)nt, sizeof(BIGNUM *)), calloc((size_t)nt, sizeof(size_t))};
	enum iso_err err = ISO_E_NOMEM;
	*ret_bad = SIZE_MAX;
	if (m.ctx == NULL || m.x == NULL || m.bad == NULL)
		goto out;
	for (int t = 0; t < nt; t++) {
		m.bad[t] = SIZE_MAX;
		if ((m.ctx[t] = BN_CTX_new()) == NULL || (m.x[t] = BN_new()) == NULL)
			goto out;
	}
	err = iso_parallel_for(cs->n, nt, member_job, &m);
	for (int t = 0; t < nt; t++)
		if (m.bad[t] < *ret_bad)
			*ret_bad = m.bad[t];
out:
	for (int t = 0; t < nt; t++) {
		if (m.ctx != NULL)
			BN_CTX_free(m.ctx[t]);
		if (m.x != NULL)
			BN_free(m.x[t]);
	}
	free(m.ctx);
	free(m.x);
	free(m.bad);
	return err;
}

enum iso_err iso_credset_parse(const struct iso_group *grp, const char *json, size_t len,
			       struct iso_credset **ret, size_t *ret_bad_index)
{
	enum iso_err err;
	json_t *j = NULL;
	struct iso_credset *cs = calloc(1, sizeof *cs);
	size_t i = 0;
	if (cs == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if ((err = iso_json_parse(json, len, &j)) != ISO_OK)
		goto out;
	if (!json_is_array(j)) {
		err = ISO_E_SHAPE;
		goto out;
	}
	cs->entries = calloc(json_array_size(j) + 1, sizeof *cs->entries);
	cs->sorted = calloc(json_array_size(j) + 1, sizeof *cs->sorted);
	if (cs->entries == NULL || cs->sorted == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (i = 0; i < json_array_size(j); i++) {
		json_t *v = json_array_get(j, i);
		if (!json_is_string(v)) {
			err = ISO_E_SHAPE;
			goto out;
		}
		cs->n = i + 1;
		if ((err = entry_parse(json_string_value(v), &cs->entries[i])) != ISO_OK)
			goto out;
		if (cs->entries[i].has_weight)
			cs->weighted = true;
		cs->sorted[i] = i;
	}
	/* each a group element: the lowest that is not is named */
	{
		size_t bad = SIZE_MAX;
		if ((err = members_check(grp, cs, &bad)) != ISO_OK) {
			if (bad != SIZE_MAX)
				i = bad;
			goto out;
		}
	}
	qsort_r(cs->sorted, cs->n, sizeof *cs->sorted, cmp_sorted, cs->entries);
	for (i = 1; i < cs->n; i++) {
		const struct cred_entry *a = &cs->entries[cs->sorted[i - 1]];
		if (cmp_entry(a, cs->entries[cs->sorted[i]].c, cs->entries[cs->sorted[i]].len) == 0) {
			i = cs->sorted[i];
			err = ISO_E_DUPLICATE_PUBLIC_CREDENTIAL;
			goto out;
		}
	}
	err = ISO_OK;
out:
	json_decref(j);
	if (err != ISO_OK) {
		if (ret_bad_index != NULL)
			*ret_bad_index = i;
		iso_credset_free(cs);
		return err;
	}
	*ret = cs;
	return ISO_OK;
}

size_t iso_credset_count(const struct iso_credset *cs)
{
	return cs->n;
}

bool iso_credset_weighted(const struct iso_credset *cs)
{
	return cs->weighted;
}

long iso_credset_find(const struct iso_credset *cs, const char *c, size_t len)
{
	size_t lo = 0, hi = cs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_entry(&cs->entries[cs->sorted[mid]], c, len);
		if (r == 0)
			return (long)cs->sorted[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

unsigned long long iso_credset_weight(const struct iso_credset *cs, long index)
{
	return cs->entries[index].weight;
}

enum iso_err iso_credset_archive_json(const struct iso_credset *cs, char **ret)
{
	enum iso_err err = ISO_E_NOMEM;
	json_t *a = json_array();
	if (a == NULL)
		return err;
	for (size_t i = 0; i < cs->n; i++) {
		const struct cred_entry *e = &cs->entries[i];
		json_t *s;
		if (e->has_weight) {
			size_t tlen = e->len + 32;
			char *t = malloc(tlen);
			if (t == NULL)
				goto out;
			snprintf(t, tlen, "%s,%llu", e->c, e->weight);
			s = json_string(t);
			free(t);
		} else {
			s = json_string(e->c);
		}
		if (s == NULL || json_array_append_new(a, s) != 0)
			goto out;
	}
	err = iso_json_dump(a, ret, NULL);
out:
	json_decref(a);
	return err;
}
