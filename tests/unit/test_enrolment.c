/* A kiosk's enrolment (kiosk/enrolment.h, issue 6): the bundle made by the
 * bureau with the operation's technician key, checked by the kiosk in a
 * fixed order — shape, signature, operation.json, the key of the
 * certificate, the certificate of the post, the image — and installed into
 * the kiosk's state folder with kiosk.conf last (a failure at each step
 * leaves no kiosk.conf: the kiosk stays unenrolled), never over an
 * enrolment. Each refusal is shown with a later fault present too, so the
 * order is what is tested. */
#include <dirent.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "enrolment.h"
#include "jsondoc.h"
#include "signature.h"

#define OP_NAME "Élections professionnelles"
#define IMAGE "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define OTHER_IMAGE "1f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

struct identity {
	char *cert, *key;
};

static char *bio_text(BIO *b)
{
	char *data = NULL, *t;
	long n = BIO_get_mem_data(b, &data);
	if (n <= 0 || (t = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(t, data, (size_t)n);
	t[n] = '\0';
	return t;
}

/* A P-256 key and a self-signed certificate naming cn; with pass, the key
 * is written encrypted under it. */
static struct identity identity_make(const char *cn, const char *pass, long from, long until,
				     const char *eku);

static struct identity identity_new(const char *cn, const char *pass)
{
	return identity_make(cn, pass, 0, 3600L * 24 * 365, NULL);
}

/* valid from now + from to now + until (seconds); eku: an extended key
 * usage ("serverAuth"), or NULL for none */
static struct identity identity_make(const char *cn, const char *pass, long from, long until,
				     const char *eku)
{
	struct identity id = {NULL, NULL};
	EVP_PKEY *k = NULL;
	X509 *x = X509_new();
	BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
	X509_NAME *n = X509_get_subject_name(x);
	if (x == NULL || cb == NULL || kb == NULL || signature_key_new(&k) != ISO_OK)
		goto out;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), until);
	if (eku != NULL) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, eku);
		if (e == NULL || X509_add_ext(x, e, -1) != 1)
			goto out;
		X509_EXTENSION_free(e);
	}
	X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8, (const unsigned char *)cn,
				   -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	if (X509_sign(x, k, EVP_sha256()) == 0 || PEM_write_bio_X509(cb, x) != 1 ||
	    PEM_write_bio_PKCS8PrivateKey(kb, k, pass != NULL ? EVP_aes_256_cbc() : NULL,
					  (char *)pass, pass != NULL ? (int)strlen(pass) : 0,
					  NULL, NULL) != 1)
		goto out;
	id.cert = bio_text(cb);
	id.key = bio_text(kb);
out:
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(cb);
	BIO_free(kb);
	return id;
}

static EVP_PKEY *tech, *other_tech;
static char *opjson;
static struct identity p1, p2, stray, locked;

static struct enrolment_input input(void)
{
	return (struct enrolment_input){
		.operation = OP_NAME,
		.kiosk = "poste-01",
		.created = "2026-11-30T12:00:00Z",
		.image_manifest_sha256 = IMAGE,
		.operation_json = opjson,
		.client_cert = p1.cert,
		.client_key = p1.key,
		.settings = {ISO_LANG_FR, true, 0},
	};
}

/* a bundle of in, signed by key */
static char *bundle(EVP_PKEY *key, const struct enrolment_input *in)
{
	char *doc = NULL, id[33];
	CHECK_ERR(enrolment_make(key, in, &doc, id), ISO_OK);
	return doc;
}

/* doc refused with want; *where returned */
static struct operation_where refused(const char *doc, enum iso_err want)
{
	struct enrolment *e = NULL;
	struct operation_where w = {9, 9, "?"};
	if (doc == NULL) {
		CHECK(doc != NULL);
		return w;
	}
	CHECK_ERR(enrolment_check(tech, doc, strlen(doc), IMAGE, &e, &w), want);
	CHECK(e == NULL);
	return w;
}

/* the bundle of in refused with want; freed */
static struct operation_where refused_input(const struct enrolment_input *in,
					    enum iso_err want)
{
	char *doc = bundle(tech, in);
	struct operation_where w = refused(doc, want);
	free(doc);
	return w;
}

/* a payload signed by the technician key, whatever its shape */
static char *signed_payload(json_t *pl)
{
	char *doc = NULL;
	CHECK_ERR(signature_sign_new(tech, pl, &doc), ISO_OK);
	return doc;
}

static void test_refusals(void)
{
	struct enrolment_input in;
	struct operation_where w;
	char *good, *doc, *altered, *none = NULL, noid[33];
	CHECK_ERR(enrolment_make(tech, &(struct enrolment_input){0}, &none, noid), ISO_E_INVALID_ARG);
	CHECK(none == NULL);
	in = input();
	good = bundle(tech, &in);
	if (good == NULL)
		return;

	/* 1. the shape: not JSON, cut short, a payload of another shape */
	refused("", ISO_E_ENROLMENT);
	refused("{}", ISO_E_ENROLMENT);
	doc = strndup(good, strlen(good) / 2);
	refused(doc, ISO_E_ENROLMENT);
	free(doc);
	doc = signed_payload(json_pack("{s:s}", "format", ENROLMENT_FORMAT));
	refused(doc, ISO_E_ENROLMENT);
	free(doc);
	{
		json_t *pl = NULL;
		CHECK_ERR(signature_open(tech, good, strlen(good), &pl), ISO_OK);
		if (pl != NULL) {
			static const char *const edits[][2] = {
				{"format", "isoloir-enrolment-2"}, {"id", "0123"},
				{"kiosk", "../poste-01"},	       {"created", "hier"},
				{"image_manifest_sha256", "AB"},   {"operation_json", ""},
				{"extra", "x"},
			};
			for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
				json_t *copy = json_deep_copy(pl);
				json_object_set_new(copy, edits[i][0], json_string(edits[i][1]));
				doc = signed_payload(copy);
				refused(doc, ISO_E_ENROLMENT);
				free(doc);
			}
			/* a key missing, a setting out of range, of a wrong type */
			json_t *copy = json_deep_copy(pl);
			json_object_del(copy, "client_key");
			doc = signed_payload(copy);
			refused(doc, ISO_E_ENROLMENT);
			free(doc);
			copy = json_deep_copy(pl);
			json_object_set_new(json_object_get(copy, "settings"), "px_per_mm",
					    json_integer(40));
			doc = signed_payload(copy);
			refused(doc, ISO_E_ENROLMENT);
			free(doc);
			copy = json_deep_copy(pl);
			json_object_set_new(json_object_get(copy, "settings"), "language",
					    json_string("de"));
			doc = signed_payload(copy);
			refused(doc, ISO_E_ENROLMENT);
			free(doc);
			copy = json_deep_copy(pl);
			json_object_set_new(json_object_get(copy, "settings"), "touch_keyboard",
					    json_string("yes"));
			doc = signed_payload(copy);
			refused(doc, ISO_E_ENROLMENT);
			free(doc);
			json_decref(pl);
		}
	}

	/* 2. the signature: another key's (also over a bundle that would
	 * fail later), an altered payload */
	in = input();
	in.image_manifest_sha256 = OTHER_IMAGE;
	in.client_key = stray.key;
	doc = bundle(other_tech, &in);
	refused(doc, ISO_E_BAD_SIGNATURE);
	free(doc);
	altered = strdup(good);
	if (altered != NULL) {
		char *p = strstr(altered, "\"kiosk\":\"poste-01\"");
		CHECK(p != NULL);
		if (p != NULL)
			p[16] = '2';
		refused(altered, ISO_E_BAD_SIGNATURE);
		strcpy(altered, good);
		p = strstr(altered, "\"language\":\"fr\"");
		CHECK(p != NULL);
		if (p != NULL)
			memcpy(p + 12, "en", 2);
		refused(altered, ISO_E_BAD_SIGNATURE);
		free(altered);
	}

	/* 3. operation.json: one the kiosk refuses (a list renamed: not the
	 * election's answer), said where; one of another operation */
	in = input();
	{
		char *bad = strdup(opjson), *p = bad != NULL ? strstr(bad, "\"name\":\"Liste B\"") : NULL;
		CHECK(p != NULL);
		if (p != NULL) {
			p[14] = 'Z';
			in.operation_json = bad;
			in.client_key = stray.key; /* a later fault */
			w = refused_input(&in, ISO_E_ENROLMENT_OPERATION);
			CHECK(w.poll == 1 && w.list == 2 && w.field != NULL &&
			      strcmp(w.field, "name") == 0);
		}
		free(bad);
	}
	in = input();
	in.operation = "Élections professionnelles 2027";
	in.client_key = stray.key;
	w = refused_input(&in, ISO_E_ENROLMENT_OPERATION);
	CHECK(w.poll == 0 && w.field != NULL && strcmp(w.field, "operation") == 0);

	/* 4. the key is not the certificate's (the name wrong too); a key
	 * under a passphrase is refused, never asked for; no certificate */
	in = input();
	in.client_key = stray.key;
	in.kiosk = "poste-02";
	refused_input(&in, ISO_E_ENROLMENT_IDENTITY);
	in = input();
	in.client_key = locked.key;
	refused_input(&in, ISO_E_ENROLMENT_IDENTITY);
	in = input();
	in.client_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
	refused_input(&in, ISO_E_ENROLMENT_IDENTITY);
	in = input();
	in.client_cert = p1.key;
	refused_input(&in, ISO_E_ENROLMENT_IDENTITY);

	/* 5. another post's identity in the bundle (the image wrong too) */
	in = input();
	in.kiosk = "poste-02";
	in.image_manifest_sha256 = OTHER_IMAGE;
	refused_input(&in, ISO_E_ENROLMENT_OTHER_KIOSK);
	in = input();
	in.client_cert = p2.cert;
	in.client_key = p2.key;
	refused_input(&in, ISO_E_ENROLMENT_OTHER_KIOSK);

	/* 6. made for another image */
	in = input();
	in.image_manifest_sha256 = OTHER_IMAGE;
	refused_input(&in, ISO_E_ENROLMENT_IMAGE);
	free(good);

	/* what the bureau refuses to make */
	{
		static const char *const names[] = {"", ".poste", "poste/01", "poste 01", "../x"};
		char *x = NULL, id[33];
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			in = input();
			in.kiosk = names[i];
			CHECK_ERR(enrolment_make(tech, &in, &x, id), ISO_E_INVALID_ARG);
		}
		in = input();
		in.created = "30/11/2026";
		CHECK_ERR(enrolment_make(tech, &in, &x, id), ISO_E_INVALID_ARG);
		in = input();
		in.image_manifest_sha256 = "0F1E";
		CHECK_ERR(enrolment_make(tech, &in, &x, id), ISO_E_INVALID_ARG);
		in = input();
		in.settings.px_per_mm = 25;
		CHECK_ERR(enrolment_make(tech, &in, &x, id), ISO_E_INVALID_ARG);
		in = input();
		in.operation = "";
		CHECK_ERR(enrolment_make(tech, &in, &x, id), ISO_E_INVALID_ARG);
		CHECK(x == NULL);
	}
	CHECK(enrolment_kiosk_name_ok("poste-01") && enrolment_kiosk_name_ok("kiosk-042") &&
	      enrolment_kiosk_name_ok("P.01_a"));
}

/* ---- the installation ---- */

static char tmp[128];

static char *in_dir(const char *dir, const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static int mode_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* the names in dir, sorted, joined by spaces */
static void dir_names(const char *dir, char *out, size_t size)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.')
			snprintf(out + strlen(out), size - strlen(out), "%s%s",
				 out[0] != '\0' ? " " : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

static bool file_is(const char *path, const char *want)
{
	char *text = NULL;
	size_t len = 0;
	bool same = iso_file_read(path, 1u << 24, &text, &len) == ISO_OK &&
		    len == strlen(want) && memcmp(text, want, len) == 0;
	free(text);
	return same;
}

static struct enrolment *checked(const struct enrolment_input *in)
{
	char *doc = bundle(tech, in);
	struct enrolment *e = NULL;
	if (doc != NULL) {
		CHECK_ERR(enrolment_check(tech, doc, strlen(doc), IMAGE, &e, NULL), ISO_OK);
		OPENSSL_cleanse(doc, strlen(doc));
	}
	free(doc);
	return e;
}

static void test_install(void)
{
	struct enrolment_input in = input();
	struct enrolment *e = NULL;
	struct config *c = NULL;
	char names[512], state[256], *doc = NULL, id[33];
	int line = 0;

	snprintf(state, sizeof state, "%s/state", tmp);

	/* the bundle read back as made */
	in.settings = (struct enrolment_settings){ISO_LANG_EN, true, 7.5};
	CHECK_ERR(enrolment_make(tech, &in, &doc, id), ISO_OK);
	if (doc == NULL)
		return;
	CHECK_ERR(enrolment_check(tech, doc, strlen(doc), IMAGE, &e, NULL), ISO_OK);
	free(doc);
	if (e == NULL)
		return;
	CHECK(strcmp(e->id, id) == 0 && strspn(id, "0123456789abcdef") == 32);
	CHECK(strcmp(e->kiosk, "poste-01") == 0 && strcmp(e->operation, OP_NAME) == 0);
	CHECK(strcmp(e->operation_json, opjson) == 0 && e->operation_json_len == strlen(opjson));
	CHECK(strcmp(e->client_cert, p1.cert) == 0 && strcmp(e->client_key, p1.key) == 0);
	CHECK(strcmp(e->image_manifest_sha256, IMAGE) == 0);
	CHECK(e->settings.language == ISO_LANG_EN && e->settings.touch_keyboard &&
	      e->settings.px_per_mm == 7.5);

	/* installed: exactly these files, these modes, kiosk.conf as the kiosk reads it */
	CHECK(!enrolment_installed(state));
	CHECK_ERR(enrolment_install(e, "relative/state"), ISO_E_INVALID_ARG);
	CHECK_ERR(enrolment_install(e, state), ISO_OK);
	CHECK(enrolment_installed(state));
	dir_names(state, names, sizeof names);
	CHECK(strcmp(names, "client.key client.pem kiosk.conf operation.json") == 0);
	if (strcmp(names, "client.key client.pem kiosk.conf operation.json") != 0)
		fprintf(stderr, "  installed: %s\n", names);
	CHECK(mode_of(state) == 0700);
	CHECK(mode_of(in_dir(state, "client.key")) == 0600);
	CHECK(mode_of(in_dir(state, "client.pem")) == 0644);
	CHECK(mode_of(in_dir(state, "operation.json")) == 0644);
	CHECK(mode_of(in_dir(state, "kiosk.conf")) == 0644);
	CHECK(file_is(in_dir(state, "operation.json"), opjson));
	CHECK(file_is(in_dir(state, "client.pem"), p1.cert));
	CHECK(file_is(in_dir(state, "client.key"), p1.key));
	CHECK_ERR(config_read(in_dir(state, "kiosk.conf"), &c, &line), ISO_OK);
	if (c != NULL) {
		static const char *const keys[] = {"operation", "journal", "client_cert",
						   "client_key", "language", "touch_keyboard",
						   "px_per_mm", "enrolment", "image_manifest_sha256",
						   NULL};
		const char *bad = NULL;
		CHECK_ERR(config_check_keys(c, keys, &bad), ISO_OK);
		for (size_t i = 0; keys[i] != NULL; i++)
			CHECK(config_get(c, keys[i]) != NULL);
		CHECK(strcmp(config_get(c, "operation"), in_dir(state, "operation.json")) == 0);
		CHECK(strcmp(config_get(c, "journal"), in_dir(state, "journal.jsonl")) == 0);
		CHECK(strcmp(config_get(c, "client_cert"), in_dir(state, "client.pem")) == 0);
		CHECK(strcmp(config_get(c, "client_key"), in_dir(state, "client.key")) == 0);
		CHECK(strcmp(config_get(c, "language"), "en") == 0);
		CHECK(strcmp(config_get(c, "touch_keyboard"), "yes") == 0);
		CHECK(strcmp(config_get(c, "px_per_mm"), "7.5") == 0);
		CHECK(strcmp(config_get(c, "enrolment"), id) == 0);
		CHECK(strcmp(config_get(c, "image_manifest_sha256"), IMAGE) == 0);
		config_free(c);
	}
	/* once: a second bundle, even a good one, changes nothing */
	{
		struct enrolment *again = checked(&(struct enrolment_input){
			.operation = OP_NAME, .kiosk = "poste-02", .created = "2026-12-01T09:00:00+01:00",
			.image_manifest_sha256 = IMAGE, .operation_json = opjson,
			.client_cert = p2.cert, .client_key = p2.key,
			.settings = {ISO_LANG_FR, false, 0}});
		char *before = NULL;
		size_t blen = 0;
		CHECK(iso_file_read(in_dir(state, "kiosk.conf"), 1u << 16, &before, &blen) == ISO_OK);
		if (again != NULL && before != NULL) {
			CHECK_ERR(enrolment_install(again, state), ISO_E_ENROLLED);
			CHECK(file_is(in_dir(state, "kiosk.conf"), before));
			CHECK(file_is(in_dir(state, "client.key"), p1.key));
		}
		free(before);
		enrolment_free(again);
	}
	/* a state folder that is a link to another: refused */
	{
		char target[256], link[256];
		snprintf(target, sizeof target, "%s/elsewhere", tmp);
		snprintf(link, sizeof link, "%s/linked", tmp);
		CHECK(mkdir(target, 0700) == 0 && symlink(target, link) == 0);
		CHECK_ERR(enrolment_install(e, link), ISO_E_IO);
		CHECK(!enrolment_installed(target));
	}
	enrolment_free(e);
}

/* A failure at each step of the installation: no kiosk.conf, the kiosk
 * unenrolled; the files before it written, the same install later whole. */
static void test_crash(void)
{
	static const char *const steps[] = {"operation.json", "client.pem", "client.key",
					    "kiosk.conf"};
	struct enrolment_input in = input();
	struct enrolment *e = checked(&in);
	if (e == NULL)
		return;
	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		char dir[256], obstacle[512], names[512];
		snprintf(dir, sizeof dir, "%s/crash-%zu", tmp, s);
		CHECK(mkdir(dir, 0755) == 0);
		/* a folder where the step's file goes: its rename fails; for
		 * kiosk.conf, where its temporary file goes (jsondoc.c's name),
		 * so the write fails before any rename */
		if (s < 3)
			snprintf(obstacle, sizeof obstacle, "%s/%s", dir, steps[s]);
		else
			snprintf(obstacle, sizeof obstacle, "%s/kiosk.conf.tmp%d", dir, (int)getpid());
		CHECK(mkdir(obstacle, 0700) == 0);
		CHECK_ERR(enrolment_install(e, dir), ISO_E_IO);
		CHECK(!enrolment_installed(dir));
		CHECK(access(in_dir(dir, "kiosk.conf"), F_OK) != 0);
		for (size_t k = 0; k < s; k++)
			CHECK(access(in_dir(dir, steps[k]), F_OK) == 0);
		CHECK(rmdir(obstacle) == 0);
		/* the next attempt replaces what the first left */
		CHECK_ERR(enrolment_install(e, dir), ISO_OK);
		CHECK(enrolment_installed(dir));
		dir_names(dir, names, sizeof names);
		CHECK(strcmp(names, "client.key client.pem kiosk.conf operation.json") == 0);
		CHECK(mode_of(dir) == 0700);
	}
	enrolment_free(e);
}

int main(int argc, char **argv)
{
	char path[512], cmd[300];
	size_t len = 0;
	if (argc < 2)
		return 2;
	umask(022);
	snprintf(path, sizeof path, "%s/kiosk/operation.json", argv[1]);
	snprintf(tmp, sizeof tmp, "/tmp/test_enrolment.XXXXXX");
	if (iso_file_read(path, OPERATION_FILE_MAX, &opjson, &len) != ISO_OK || mkdtemp(tmp) == NULL)
		return 2;
	CHECK_ERR(signature_key_new(&tech), ISO_OK);
	CHECK_ERR(signature_key_new(&other_tech), ISO_OK);
	p1 = identity_new("poste-01", NULL);
	p2 = identity_new("poste-02", NULL);
	stray = identity_new("poste-01", NULL);
	locked = identity_new("poste-01", "une phrase secrète");
	CHECK(p1.cert != NULL && p1.key != NULL && p2.key != NULL && stray.key != NULL &&
	      locked.key != NULL && strstr(locked.key, "ENCRYPTED") != NULL);
	if (check_status() != 0)
		return 1;
	{
		char cn[80] = "";
		CHECK_ERR(enrolment_identity_check(p1.cert, p1.key, "poste-01", cn, sizeof cn),
			  ISO_OK);
		CHECK_ERR(enrolment_identity_check(p2.cert, p2.key, "poste-01", cn, sizeof cn),
			  ISO_E_ENROLMENT_OTHER_KIOSK);
		CHECK(strcmp(cn, "poste-02") == 0);
		CHECK_ERR(enrolment_identity_check(p1.cert, stray.key, "poste-01", NULL, 0),
			  ISO_E_ENROLMENT_IDENTITY);
		/* expired, not yet valid, for a TLS server only: refused; for a
		 * TLS client: accepted */
		{
			struct identity ids[4] = {
				identity_make("poste-01", NULL, -7200, -3600, NULL),
				identity_make("poste-01", NULL, 3600, 7200, NULL),
				identity_make("poste-01", NULL, 0, 3600, "serverAuth"),
				identity_make("poste-01", NULL, 0, 3600, "clientAuth"),
			};
			for (int i = 0; i < 4; i++) {
				CHECK(ids[i].cert != NULL);
				if (ids[i].cert != NULL)
					CHECK_ERR(enrolment_identity_check(ids[i].cert, ids[i].key,
									   "poste-01", NULL, 0),
						  i < 3 ? ISO_E_ENROLMENT_IDENTITY : ISO_OK);
				free(ids[i].cert);
				free(ids[i].key);
			}
		}
	}
	test_refusals();
	test_install();
	test_crash();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	EVP_PKEY_free(tech);
	EVP_PKEY_free(other_tech);
	struct identity *ids[] = {&p1, &p2, &stray, &locked};
	for (size_t i = 0; i < 4; i++) {
		free(ids[i]->cert);
		free(ids[i]->key);
	}
	free(opjson);
	return check_status();
}
