/* The test election's throwaway identities (see testpki.h). */
#include "testpki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "signature.h"

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;
	bool ok;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return false;
	ok = X509_add_ext(x, ex, -1) == 1;
	X509_EXTENSION_free(ex);
	return ok;
}

/* A certificate for key: a CA's own (issuer NULL) or one signed by issuer;
 * eku and san may be NULL. */
static X509 *cert_make(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
		       const char *eku, const char *san)
{
	X509 *x = X509_new();
	X509_NAME *name;
	uint64_t serial;
	bool ok;
	if (x == NULL || RAND_bytes((unsigned char *)&serial, sizeof serial) != 1) {
		X509_free(x);
		return NULL;
	}
	name = X509_get_subject_name(x);
	ok = X509_set_version(x, 2) == 1 &&
	     ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1) == 1 &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 2 * 86400) != NULL && X509_set_pubkey(x, key) == 1 &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
					0) == 1 &&
	     X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1;
	if (ok && issuer == NULL)
		ok = add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") &&
		     add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	else if (ok)
		ok = add_ext(x, issuer, NID_basic_constraints, "CA:FALSE") &&
		     add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") &&
		     (eku == NULL || add_ext(x, issuer, NID_ext_key_usage, eku)) &&
		     (san == NULL || add_ext(x, issuer, NID_subject_alt_name, san));
	if (ok)
		ok = X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static bool write_cert(const char *dir, const char *name, X509 *x)
{
	char path[4096];
	FILE *f;
	bool ok;
	snprintf(path, sizeof path, "%s/%s.pem", dir, name);
	if ((f = fopen(path, "wx")) == NULL)
		return false;
	ok = PEM_write_X509(f, x) == 1;
	return fclose(f) == 0 && ok;
}

static bool write_key(const char *dir, const char *name, EVP_PKEY *k)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	return signature_key_write(k, path, 1) == ISO_OK;
}

enum iso_err testpki_make(const char *dir, size_t nurns)
{
	static const char *const cas[] = {"server-ca", "kiosk-ca", "bureau-ca"};
	static const char *const ca_names[] = {"Isoloir test election: servers",
					       "Isoloir test election: kiosks",
					       "Isoloir test election: bureau"};
	EVP_PKEY *cakey[3] = {NULL}, *k = NULL;
	X509 *ca[3] = {NULL}, *x = NULL;
	enum iso_err err = ISO_E_CRYPTO_LIB;
	char path[4096], name[32];
	for (int i = 0; i < 3; i++) {
		if (signature_key_new(&cakey[i]) != ISO_OK ||
		    (ca[i] = cert_make(cakey[i], ca_names[i], NULL, NULL, NULL, NULL)) == NULL ||
		    !write_cert(dir, cas[i], ca[i]))
			goto out;
	}
	/* the leaves: the servers', a kiosk's, the bureau's */
	{
		static const struct {
			const char *file, *cn, *eku, *san;
			int ca;
		} leaves[] = {
			{"server", "localhost", "serverAuth", "DNS:localhost,IP:127.0.0.1", 0},
			{"kiosk", "kiosk-essai", "clientAuth", NULL, 1},
			{"bureau", "bureau-essai", "clientAuth", NULL, 2},
		};
		for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
			if (signature_key_new(&k) != ISO_OK ||
			    (x = cert_make(k, leaves[i].cn, ca[leaves[i].ca], cakey[leaves[i].ca],
					   leaves[i].eku, leaves[i].san)) == NULL ||
			    !write_cert(dir, leaves[i].file, x) || !write_key(dir, leaves[i].file, k))
				goto out;
			X509_free(x);
			EVP_PKEY_free(k);
			x = NULL;
			k = NULL;
		}
	}
	/* the signing keys of the registry and of each urn */
	for (size_t i = 0; i <= nurns; i++) {
		if (i == 0)
			snprintf(name, sizeof name, "registry");
		else
			snprintf(name, sizeof name, "urn-%zu", i - 1);
		if ((err = signature_key_new(&k)) != ISO_OK)
			goto out;
		snprintf(path, sizeof path, "%s/%s.key", dir, name);
		if ((err = signature_key_write(k, path, 1)) != ISO_OK)
			goto out;
		snprintf(path, sizeof path, "%s/%s.pub", dir, name);
		if ((err = signature_key_write(k, path, 0)) != ISO_OK)
			goto out;
		EVP_PKEY_free(k);
		k = NULL;
	}
	err = ISO_OK;
out:
	for (int i = 0; i < 3; i++) {
		X509_free(ca[i]);
		EVP_PKEY_free(cakey[i]);
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return err;
}
