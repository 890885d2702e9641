/* Fuzz target: requests as the urn's three listeners receive them, after
 * TLS. The first byte picks the route, modulo 5 ('A' a kiosk's POST
 * /ballot, 'B' a board lookup, 'C' the status, 'D' the bureau's state, 'E'
 * another path); the rest is the body or the path. Whatever the input, the answer is a JSON object with
 * an "error" (name, code, French and English) or the route's fields, and a
 * 200 on /ballot carries a receipt. The urn is the reference election's
 * (tests/data/belenios-ref), open, with the test key as the registry's and
 * the urn's key, and a fixed clock (the corpus's valid ticket is for it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "fuzz.h"
#include "hash.h"
#include "signature.h"
#include "urn.h"

#define FUZZ_NOW 1900000000

static struct urn *u;
static struct urn_store *store;
static EVP_PKEY *key;
static char dir[] = "/tmp/isoloir-fuzz-urn.XXXXXX";

static int64_t fixed_clock(void *arg)
{
	(void)arg;
	return FUZZ_NOW;
}
static const struct iso_clock clk = {fixed_clock, NULL};

static void cleanup(void)
{
	static const char *const names[] = {"setup.bel", "urn.sqlite", "urn.sqlite-wal",
					    "urn.sqlite-shm"};
	char p[256];
	urn_free(u);
	if (store != NULL)
		store->ops->close(store);
	EVP_PKEY_free(key);
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* the reference archive's setup, alone, as the bureau gives it to an urn */
static void setup_archive(const char *path)
{
	static const char *const keys[] = {"election", "trustees", "credentials"};
	struct iso_archive *ar = NULL;
	const struct iso_member *payload, *m[3];
	json_t *j;
	if (iso_archive_open(ISOLOIR_TEST_DATA "/belenios-ref/UQSwJwjLzmQ7mL.bel", &ar, NULL) !=
		    ISO_OK ||
	    (payload = iso_archive_payload(ar, 0)) == NULL ||
	    (j = json_loadb(payload->body, payload->len, 0, NULL)) == NULL)
		abort();
	for (int i = 0; i < 3; i++)
		if ((m[i] = iso_archive_find(ar, json_string_value(json_object_get(j, keys[i])))) ==
		    NULL)
			abort();
	if (iso_archive_create(path, 1, (struct iso_blob){m[0]->body, m[0]->len},
			       (struct iso_blob){m[1]->body, m[1]->len},
			       (struct iso_blob){m[2]->body, m[2]->len}) != ISO_OK)
		abort();
	json_decref(j);
	iso_archive_close(ar);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct urn_config uc = {0};
	char path[256], db[256];
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/setup.bel", dir);
	snprintf(db, sizeof db, "%s/urn.sqlite", dir);
	setup_archive(path);
	if (signature_key_read(ISOLOIR_TEST_DATA "/signature-test.key", 1, &key) != ISO_OK ||
	    urn_store_open_sqlite(db, &store) != ISO_OK)
		abort();
	uc.store = store;
	uc.setup_archive = path;
	uc.receipt_key = key;
	uc.ticket_key = key;
	uc.skew = 60;
	uc.clock = &clk;
	uc.threads = 1;
	if (urn_new(&uc, &u, NULL) != ISO_OK || urn_control(u, URN_DO_OPEN, "fuzz") != ISO_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct https_request req = {0};
	struct https_response resp = {0};
	char *rest, path[300];
	json_t *o;
	int route;
	if (size == 0)
		return 0;
	route = data[0] % 5;
	if ((rest = malloc(size)) == NULL)
		return 0;
	memcpy(rest, data + 1, size - 1);
	rest[size - 1] = '\0';
	req.client = "kiosk-fuzz";
	req.lang = ISO_LANG_FR;
	switch (route) {
	case 0:
		req.method = "POST";
		req.path = "/ballot";
		req.body = rest;
		req.len = size - 1;
		urn_handle_kiosk(u, &req, &resp);
		break;
	case 1:
		snprintf(path, sizeof path, "/board/%.*s", (int)strnlen(rest, 256), rest);
		req.method = "GET";
		req.path = path;
		urn_handle_public(u, &req, &resp);
		break;
	case 2:
		req.method = "GET";
		req.path = "/status";
		urn_handle_public(u, &req, &resp);
		break;
	case 3:
		req.method = "GET";
		req.path = "/state";
		urn_handle_bureau(u, &req, &resp);
		break;
	default:
		snprintf(path, sizeof path, "/%.*s", (int)strnlen(rest, 256), rest);
		req.method = "POST";
		req.path = path;
		urn_handle_kiosk(u, &req, &resp);
		break;
	}
	if (getenv("ISOLOIR_FUZZ_SHOW") != NULL) /* to see what a corpus input reaches */
		fprintf(stderr, "%u %s\n", resp.status, resp.body != NULL ? resp.body : "");
	if (resp.body == NULL || (o = json_loadb(resp.body, resp.len, 0, NULL)) == NULL ||
	    !json_is_object(o))
		abort();
	if (resp.status == 200) {
		if (route == 0 && !json_is_object(json_object_get(o, "receipt")))
			abort();
	} else {
		json_t *code = json_object_get(o, "code");
		if (json_string_value(json_object_get(o, "error")) == NULL ||
		    json_string_value(json_object_get(o, "fr")) == NULL ||
		    json_string_value(json_object_get(o, "en")) == NULL || !json_is_integer(code) ||
		    resp.status != https_status_for((enum iso_err)json_integer_value(code)))
			abort();
	}
	json_decref(o);
	free(resp.body);
	free(rest);
	return 0;
}
