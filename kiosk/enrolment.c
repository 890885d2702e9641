/* A kiosk's enrolment bundle (see enrolment.h). Rule: kiosk.conf is the
 * commit point: it is written last, and only once; every copy of the
 * post's private key this file makes is wiped before it is freed. */
#include "enrolment.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hash.h"
#include "jsondoc.h"
#include "signature.h"

bool enrolment_kiosk_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > ENROLMENT_KIOSK_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* A name of the operation: 1 to OPERATION_TEXT_MAX bytes, no control
 * character (as operation_parse reads it). */
static bool text_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > OPERATION_TEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* PEM text: printable ASCII lines. */
static bool pem_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > ENROLMENT_PEM_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
			return false;
	return true;
}

static bool time_ok(const char *s)
{
	int64_t t;
	return s != NULL && strlen(s) <= 64 && config_parse_time(s, &t) == ISO_OK;
}

static bool settings_ok(const struct enrolment_settings *s)
{
	return (s->language == ISO_LANG_FR || s->language == ISO_LANG_EN) &&
	       (s->px_per_mm == 0 || (s->px_per_mm >= 2 && s->px_per_mm <= 20));
}

/* never asks: an encrypted key is refused, not prompted for */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* The certificate's single common name, as UTF-8, into out. */
static bool cert_cn(X509 *x, char *out, size_t size)
{
	const X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int n;
	bool ok;
	if (i < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0)
		return false;
	n = ASN1_STRING_to_UTF8(
		&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	ok = n > 0 && (size_t)n < size && memchr(utf8, '\0', (size_t)n) == NULL;
	if (ok) {
		memcpy(out, utf8, (size_t)n);
		out[n] = '\0';
	}
	OPENSSL_free(utf8);
	return ok;
}

enum iso_err enrolment_identity_check(const char *cert_pem, const char *key_pem,
				      const char *kiosk, char *ret_cn, size_t size)
{
	BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	char cn[ENROLMENT_KIOSK_MAX * 4 + 1];
	enum iso_err err = ISO_E_NOMEM;
	if (cb == NULL || kb == NULL)
		goto out;
	err = ISO_E_ENROLMENT_IDENTITY;
	if ((x = PEM_read_bio_X509(cb, NULL, no_passphrase, NULL)) == NULL ||
	    !cert_cn(x, cn, sizeof cn))
		goto out;
	if (ret_cn != NULL && size > 0)
		snprintf(ret_cn, size, "%s", cn);
	if ((k = PEM_read_bio_PrivateKey(kb, NULL, no_passphrase, NULL)) == NULL ||
	    X509_check_private_key(x, k) != 1)
		goto out;
	/* valid now, and for a TLS client (no extended key usage, or clientAuth
	 * among them): a post must be able to speak the protocol once enrolled */
	if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0 ||
	    X509_cmp_current_time(X509_get0_notAfter(x)) <= 0 ||
	    X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT, 0) != 1)
		goto out;
	err = strcmp(cn, kiosk) == 0 ? ISO_OK : ISO_E_ENROLMENT_OTHER_KIOSK;
out:
	ERR_clear_error(); /* a refusal leaves nothing for the next caller */
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(cb);
	BIO_free(kb);
	return err;
}

enum iso_err enrolment_make(EVP_PKEY *key, const struct enrolment_input *in, char **ret_doc,
			    char ret_id[33])
{
	uint8_t id[16];
	char idhex[33];
	const struct enrolment_settings *s = &in->settings;
	json_t *payload;
	enum iso_err err;
	if (!text_ok(in->operation) || in->kiosk == NULL || !enrolment_kiosk_name_ok(in->kiosk) ||
	    !time_ok(in->created) || in->image_manifest_sha256 == NULL ||
	    !iso_is_hex_hash(in->image_manifest_sha256, strlen(in->image_manifest_sha256)) ||
	    in->operation_json == NULL || in->operation_json[0] == '\0' ||
	    strlen(in->operation_json) > OPERATION_FILE_MAX || !pem_ok(in->client_cert) ||
	    !pem_ok(in->client_key) || !settings_ok(s))
		return ISO_E_INVALID_ARG;
	if (RAND_bytes(id, sizeof id) != 1)
		return ISO_E_RANDOM;
	iso_hex_encode(id, sizeof id, idhex);
	/* the keys in their canonical (sorted) order, as the kiosk reads them */
	payload = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:o, s:b}}",
			    "client_cert", in->client_cert, "client_key", in->client_key,
			    "created", in->created, "format", ENROLMENT_FORMAT, "id", idhex,
			    "image_manifest_sha256", in->image_manifest_sha256, "kiosk", in->kiosk,
			    "operation", in->operation, "operation_json", in->operation_json,
			    "settings", "language", s->language == ISO_LANG_EN ? "en" : "fr",
			    "px_per_mm", s->px_per_mm == 0 ? json_null() : json_real(s->px_per_mm),
			    "touch_keyboard", (int)s->touch_keyboard);
	/* json_pack fails on text that is not UTF-8 (or without memory) */
	if (payload == NULL)
		return ISO_E_INVALID_ARG;
	if ((err = signature_sign_new(key, payload, ret_doc)) == ISO_OK)
		memcpy(ret_id, idhex, 33);
	return err;
}

void enrolment_free(struct enrolment *e)
{
	if (e == NULL)
		return;
	if (e->client_key != NULL)
		OPENSSL_cleanse(e->client_key, strlen(e->client_key));
	free(e->client_key);
	free(e->client_cert);
	free(e->operation_json);
	free(e->operation);
	free(e->created);
	OPENSSL_cleanse(e, sizeof *e);
	free(e);
}

static const struct iso_field payload_fields[] = {
	{"client_cert", JSON_STRING, false},
	{"client_key", JSON_STRING, false},
	{"created", JSON_STRING, false},
	{"format", JSON_STRING, false},
	{"id", JSON_STRING, false},
	{"image_manifest_sha256", JSON_STRING, false},
	{"kiosk", JSON_STRING, false},
	{"operation", JSON_STRING, false},
	{"operation_json", JSON_STRING, false},
	{"settings", JSON_OBJECT, false},
};
enum {
	F_CERT,
	F_KEY,
	F_CREATED,
	F_FORMAT,
	F_ID,
	F_IMAGE,
	F_KIOSK,
	F_OPERATION,
	F_OPERATION_JSON,
	F_SETTINGS,
	F_N
};

static enum iso_err settings_read(const json_t *o, struct enrolment_settings *s)
{
	static const char *const keys[] = {"language", "px_per_mm", "touch_keyboard", NULL};
	const json_t *lang = json_object_get(o, "language"), *px = json_object_get(o, "px_per_mm"),
		     *touch = json_object_get(o, "touch_keyboard");
	const char *l = json_string_value(lang);
	if (!iso_json_keys_are(o, keys) || l == NULL || !json_is_boolean(touch) ||
	    !(json_is_null(px) || json_is_number(px)))
		return ISO_E_ENROLMENT;
	if (strcmp(l, "fr") == 0 && json_string_length(lang) == 2)
		s->language = ISO_LANG_FR;
	else if (strcmp(l, "en") == 0 && json_string_length(lang) == 2)
		s->language = ISO_LANG_EN;
	else
		return ISO_E_ENROLMENT;
	s->touch_keyboard = json_is_true(touch);
	s->px_per_mm = json_is_null(px) ? 0 : json_number_value(px);
	return settings_ok(s) && (json_is_null(px) || s->px_per_mm != 0) ? ISO_OK
									   : ISO_E_ENROLMENT;
}

/* A string field with no NUL inside, copied. */
static char *dup_string(const json_t *v, size_t max)
{
	const char *s = json_string_value(v);
	if (s == NULL || json_string_length(v) != strlen(s) || json_string_length(v) > max)
		return NULL;
	return strdup(s);
}

/* The payload's shape and values, into e. */
static enum iso_err payload_read(const json_t *pl, struct enrolment *e)
{
	json_t *f[F_N];
	const char *s;
	uint8_t id[16];
	if (iso_json_fields(pl, payload_fields, F_N, f) != ISO_OK ||
	    strcmp(json_string_value(f[F_FORMAT]), ENROLMENT_FORMAT) != 0 ||
	    json_string_length(f[F_FORMAT]) != strlen(ENROLMENT_FORMAT))
		return ISO_E_ENROLMENT;
	s = json_string_value(f[F_ID]);
	if (!iso_hex_decode(s, id, sizeof id))
		return ISO_E_ENROLMENT;
	memcpy(e->id, s, 33);
	s = json_string_value(f[F_IMAGE]);
	if (json_string_length(f[F_IMAGE]) != 64 || strlen(s) != 64 || !iso_is_hex_hash(s, 64))
		return ISO_E_ENROLMENT;
	memcpy(e->image_manifest_sha256, s, 65);
	s = json_string_value(f[F_KIOSK]);
	if (json_string_length(f[F_KIOSK]) != strlen(s) || !enrolment_kiosk_name_ok(s))
		return ISO_E_ENROLMENT;
	snprintf(e->kiosk, sizeof e->kiosk, "%s", s);
	if (iso_json_text_value(f[F_OPERATION], OPERATION_TEXT_MAX, false) == NULL ||
	    iso_json_text_value(f[F_CREATED], 64, false) == NULL ||
	    !time_ok(json_string_value(f[F_CREATED])) ||
	    iso_json_text_value(f[F_CERT], ENROLMENT_PEM_MAX, true) == NULL ||
	    iso_json_text_value(f[F_KEY], ENROLMENT_PEM_MAX, true) == NULL ||
	    json_string_length(f[F_OPERATION_JSON]) == 0 ||
	    settings_read(f[F_SETTINGS], &e->settings) != ISO_OK)
		return ISO_E_ENROLMENT;
	if ((e->operation = dup_string(f[F_OPERATION], OPERATION_TEXT_MAX)) == NULL ||
	    (e->created = dup_string(f[F_CREATED], 64)) == NULL ||
	    (e->client_cert = dup_string(f[F_CERT], ENROLMENT_PEM_MAX)) == NULL ||
	    (e->client_key = dup_string(f[F_KEY], ENROLMENT_PEM_MAX)) == NULL)
		return ISO_E_NOMEM;
	if (json_string_length(f[F_OPERATION_JSON]) > OPERATION_FILE_MAX ||
	    json_string_length(f[F_OPERATION_JSON]) !=
		    strlen(json_string_value(f[F_OPERATION_JSON])))
		return ISO_E_ENROLMENT;
	if ((e->operation_json = dup_string(f[F_OPERATION_JSON], OPERATION_FILE_MAX)) == NULL)
		return ISO_E_NOMEM;
	e->operation_json_len = json_string_length(f[F_OPERATION_JSON]);
	return ISO_OK;
}

enum iso_err enrolment_check(EVP_PKEY *key, const char *doc, size_t len,
			     const char *image_manifest_sha256, struct enrolment **ret,
			     struct operation_where *where)
{
	struct operation_where w = {0, 0, NULL};
	struct operation *op = NULL;
	struct enrolment *e = NULL;
	json_t *pl = NULL;
	enum iso_err err;
	if (image_manifest_sha256 == NULL)
		return ISO_E_INVALID_ARG;
	if (len > ENROLMENT_MAX)
		return ISO_E_ENROLMENT;
	/* 1. its shape, 2. the technician key's signature */
	err = signature_open(key, doc, len, &pl);
	if (err != ISO_OK)
		return err == ISO_E_BAD_SIGNATURE || err == ISO_E_NOMEM ? err : ISO_E_ENROLMENT;
	if ((e = calloc(1, sizeof *e)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if ((err = payload_read(pl, e)) != ISO_OK)
		goto out;
	/* 3. the kiosk's operation.json, of this operation */
	if ((err = operation_parse(e->operation_json, e->operation_json_len, &op, &w)) != ISO_OK) {
		if (err != ISO_E_NOMEM)
			err = ISO_E_ENROLMENT_OPERATION;
		goto out;
	}
	if (strcmp(op->name, e->operation) != 0) {
		w = (struct operation_where){0, 0, "operation"};
		err = ISO_E_ENROLMENT_OPERATION;
		goto out;
	}
	/* 4. the key is the certificate's, 5. the certificate is this post's */
	if ((err = enrolment_identity_check(e->client_cert, e->client_key, e->kiosk, NULL, 0)) !=
	    ISO_OK)
		goto out;
	/* 6. made for this very image */
	if (strcmp(e->image_manifest_sha256, image_manifest_sha256) != 0) {
		err = ISO_E_ENROLMENT_IMAGE;
		goto out;
	}
	*ret = e;
	e = NULL;
out:
	if (where != NULL)
		*where = w;
	operation_free(op);
	enrolment_free(e);
	json_decref(pl);
	return err;
}

/* ---- the installation ---- */

/* dir/name, malloc'd */
static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

bool enrolment_installed(const char *state_dir)
{
	char *conf = path_in(state_dir, ENROLMENT_CONF);
	struct stat st;
	bool there = conf != NULL && lstat(conf, &st) == 0;
	free(conf);
	return there;
}

/* A state folder a configuration can name: absolute, no control character. */
static bool state_dir_ok(const char *d)
{
	size_t n = d != NULL ? strlen(d) : 0;
	if (n < 2 || n > 512 || d[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return false;
	return true;
}

static enum iso_err write_in(const char *dir, const char *name, const char *data, size_t len,
			     int mode)
{
	char *p = path_in(dir, name);
	enum iso_err err = p != NULL ? iso_file_write_atomic(p, data, len, mode) : ISO_E_NOMEM;
	free(p);
	return err;
}

/* kiosk.conf's text, malloc'd */
static char *conf_text(const struct enrolment *e, const char *d)
{
	char px[32] = "";
	char *t = NULL;
	size_t n;
	if (e->settings.px_per_mm != 0)
		snprintf(px, sizeof px, "px_per_mm = %g\n", e->settings.px_per_mm);
	n = 1024 + 5 * strlen(d) + strlen(px);
	if ((t = malloc(n)) == NULL)
		return NULL;
	snprintf(t, n,
		 "# written by the kiosk's enrolment (%s): do not edit; to enrol the\n"
		 "# kiosk again, reinstall its image\n"
		 "operation = %s/%s\n"
		 "journal = %s/%s\n"
		 "client_cert = %s/%s\n"
		 "client_key = %s/%s\n"
		 "language = %s\n"
		 "touch_keyboard = %s\n"
		 "%s"
		 "enrolment = %s\n"
		 "image_manifest_sha256 = %s\n",
		 ENROLMENT_FILE_NAME, d, ENROLMENT_OPERATION, d, ENROLMENT_JOURNAL, d,
		 ENROLMENT_CERT, d, ENROLMENT_KEY,
		 e->settings.language == ISO_LANG_EN ? "en" : "fr",
		 e->settings.touch_keyboard ? "yes" : "no", px, e->id, e->image_manifest_sha256);
	return t;
}

enum iso_err enrolment_install(const struct enrolment *e, const char *state_dir)
{
	struct stat st;
	char *conf = NULL;
	enum iso_err err;
	if (!state_dir_ok(state_dir))
		return ISO_E_INVALID_ARG;
	if (mkdir(state_dir, 0700) != 0 && errno != EEXIST)
		return ISO_E_IO;
	/* a folder of its own, not a link to one elsewhere */
	if (lstat(state_dir, &st) != 0 || !S_ISDIR(st.st_mode) || chmod(state_dir, 0700) != 0)
		return ISO_E_IO;
	if (enrolment_installed(state_dir))
		return ISO_E_ENROLLED;
	/* files of an attempt cut short are replaced: no kiosk.conf, no enrolment */
	if ((err = write_in(state_dir, ENROLMENT_OPERATION, e->operation_json,
			    e->operation_json_len, 0644)) != ISO_OK ||
	    (err = write_in(state_dir, ENROLMENT_CERT, e->client_cert, strlen(e->client_cert),
			    0644)) != ISO_OK ||
	    (err = write_in(state_dir, ENROLMENT_KEY, e->client_key, strlen(e->client_key),
			    0600)) != ISO_OK)
		return err;
	if ((conf = conf_text(e, state_dir)) == NULL)
		return ISO_E_NOMEM;
	err = write_in(state_dir, ENROLMENT_CONF, conf, strlen(conf), 0644);
	free(conf);
	return err;
}
