/* Fuzz target: requests as the registry's two listeners receive them,
 * after TLS. The first byte picks the route (its low four bits, see
 * routes[]: '@' POST /login, 'A' /validate, 'B' /confirm, 'C' /logout, 'D'
 * GET /status, then the bureau's routes, and 'M'/'N' another path on the
 * kiosks' or the bureau's listener) and the client (bits 4-5: '@'..'O' the
 * kiosk "kiosk-1", 'P'..'_' "kiosk-2", then an empty name and one with a
 * control character, which a kiosk listener refuses); the rest is the body,
 * or for 'M'/'N' the method (first byte odd: POST, else GET) and the path.
 * A first byte with its high bit set picks instead, by its lowest bit, a
 * kiosk's maintenance event (POST /maintenance, the rest its body) or the
 * bureau's list of them (GET /interventions).
 * In a body, "$SESSION" stands for the session of the latest successful
 * login, and "$LOGIN" for a session the target opens for the first fixture
 * voter at the input's client just before the request: both let inputs
 * reach past the session check, and an input with "$LOGIN" does not depend
 * on the ones before it (the corpus's crash inputs use it).
 * Whatever the input, the answer is a JSON object (the CSV on a 200 of
 * /emargement.csv) with an "error" (name, code, French and English, the
 * status https_status_for gives) or the route's fields: a session and
 * polls for /login, a ticket signed by the registry that names no one for
 * /validate; and no answer holds a fixture voter's credential or verifier.
 * The registry has two polls (the test key as urn and registry key), two
 * voters with the cheapest Argon2id costs, a lockout that releases within
 * seconds, and a clock that starts in the voting period and moves one
 * second per input; it is rebuilt in a fresh store after a stop and every
 * REBUILD_EVERY inputs, so that the store stays small. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credential.h"
#include "fuzz.h"
#include "registry.h"
#include "signature.h"

#define FUZZ_NOW 1900000000
#define REBUILD_EVERY 16384
#define POLL_A "ZvzGy9a8Po4aUM"
#define POLL_B "UQSwJwjLzmQ7mL"
#define SESSION_MARK "$SESSION"
#define LOGIN_MARK "$LOGIN"

/* the corpus's login and validate bodies carry these voters' verifiers */
static const struct {
	const char *id, *name, *cred, *answer;
	const char *polls[2];
	size_t npolls;
} fixture[] = {
	{"jeanne.martin", "Jeanne Martin", "XUB-GYy-hRj-NVN-AaC", "01/02/1980", {POLL_A, POLL_B}, 2},
	{"paul.durand", "Durand; Paul \"Polo\"", "G1G-gXP-Ran-PMB-raC", "12-11-1975", {POLL_A}, 1},
};
#define NVOTERS (sizeof fixture / sizeof fixture[0])

/* the cheapest costs registry_argon2_params accepts: a login costs two
 * hashes of 8 KiB */
static const struct registry_argon2 cheap = {1, 8, 1};

static struct registry *r;
static struct registry_store *store;
static EVP_PKEY *key;
static struct registry_poll polls[2];
static char *voter_file;
static size_t voter_file_len;
static char verifiers[NVOTERS][ISO_B64_HASH_LEN + 1];
static char session[REGISTRY_TOKEN_LEN + 1];
static unsigned long inputs;
static int64_t now = FUZZ_NOW;
static char dir[] = "/tmp/isoloir-fuzz-registry.XXXXXX";

static int64_t fuzz_clock(void *arg)
{
	(void)arg;
	return now;
}
static const struct iso_clock clk = {fuzz_clock, NULL};

static void store_remove(void)
{
	static const char *const names[] = {"registry.sqlite", "registry.sqlite-wal",
					    "registry.sqlite-shm"};
	char p[256];
	registry_free(r);
	r = NULL;
	if (store != NULL)
		store->ops->close(store);
	store = NULL;
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
}

static void cleanup(void)
{
	store_remove();
	rmdir(dir);
	EVP_PKEY_free(key);
	free(voter_file);
}

/* a fresh store, the voter file imported, the clock at the start */
static void registry_build(void)
{
	struct registry_config cfg = {0};
	char db[256];
	store_remove();
	snprintf(db, sizeof db, "%s/registry.sqlite", dir);
	if (registry_store_open_sqlite(db, &store) != ISO_OK)
		abort();
	cfg.store = store;
	cfg.ticket_key = key;
	cfg.polls = polls;
	cfg.npolls = 2;
	cfg.opening = FUZZ_NOW - 3600;
	/* beyond REBUILD_EVERY seconds; the corpus's receipts (signed with the
	 * test key) are timed FUZZ_NOW + 20000, after any ticket */
	cfg.closing = FUZZ_NOW + 86400;
	cfg.skew = 60;
	cfg.lock_identifier = (struct registry_lockout){5, 1, 2};
	cfg.lock_kiosk = (struct registry_lockout){1000, 1, 2};
	cfg.clock = &clk;
	now = FUZZ_NOW;
	session[0] = '\0';
	if (registry_new(&cfg, &r) != ISO_OK ||
	    registry_import(r, voter_file, voter_file_len, "bureau:fuzz", NULL) != ISO_OK)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct registry_voter v[NVOTERS];
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	if (signature_key_read(ISOLOIR_TEST_DATA "/signature-test.key", 1, &key) != ISO_OK)
		abort();
	polls[0] = (struct registry_poll){POLL_A, "Comité social", key};
	polls[1] = (struct registry_poll){POLL_B, "Délégués", key};
	for (size_t i = 0; i < NVOTERS; i++)
		if (iso_registry_verifier(fixture[i].id, fixture[i].cred, verifiers[i]) != ISO_OK ||
		    registry_voter_make(&cheap, fixture[i].id, fixture[i].name, fixture[i].answer,
					verifiers[i], fixture[i].polls, fixture[i].npolls,
					&v[i]) != ISO_OK)
			abort();
	if (registry_voters_write(v, NVOTERS, &voter_file, &voter_file_len) != ISO_OK)
		abort();
	for (size_t i = 0; i < NVOTERS; i++)
		registry_voter_clear(&v[i]);
	registry_build();
	return 0;
}

enum target { KIOSK, BUREAU };
static const struct {
	enum target to;
	const char *method, *path; /* path NULL: method and path from the input */
	bool body;
} routes[16] = {
	{KIOSK, "POST", "/login", true},      {KIOSK, "POST", "/validate", true},
	{KIOSK, "POST", "/confirm", true},    {KIOSK, "POST", "/logout", true},
	{KIOSK, "GET", "/status", false},     {BUREAU, "GET", "/counts", false},
	{BUREAU, "GET", "/pending", false},   {BUREAU, "GET", "/emargement.csv", false},
	{BUREAU, "POST", "/suspend", false},  {BUREAU, "POST", "/resume", false},
	{BUREAU, "POST", "/stop", false},     {BUREAU, "GET", "/seals", false},
	{BUREAU, "GET", "/metrics", false},   {KIOSK, NULL, NULL, false},
	{BUREAU, NULL, NULL, false},          {BUREAU, "GET", "/journal", false},
};
static const struct {
	enum target to;
	const char *method, *path;
	bool body;
} maintenance_routes[2] = {
	{KIOSK, "POST", "/maintenance", true}, {BUREAU, "GET", "/interventions", false},
};
static const char *const clients[4] = {"kiosk-1", "kiosk-2", "", "kiosk\x01"};

static bool mark_at(const uint8_t *data, size_t size, const char *mark)
{
	return size >= strlen(mark) && memcmp(data, mark, strlen(mark)) == 0;
}

/* a session of the first fixture voter at this client, if the registry
 * gives one now */
static void session_open(const char *client)
{
	struct registry_login l = {0};
	int64_t retry = 0;
	if (registry_login(r, fixture[0].id, verifiers[0], fixture[0].answer, client, &l,
			   &retry) == ISO_OK)
		memcpy(session, l.session, sizeof session);
	registry_login_clear(&l);
}

/* body with each mark replaced by the session (malloc'd) */
static char *body_with_session(const uint8_t *data, size_t size, const char *client,
			       size_t *ret_len)
{
	size_t tok, len = 0;
	char *out;
	for (size_t i = 0; i < size; i++)
		if (mark_at(data + i, size - i, LOGIN_MARK)) {
			session_open(client);
			break;
		}
	tok = strlen(session);
	/* a mark is at least 6 bytes long */
	if ((out = malloc(size / strlen(LOGIN_MARK) * tok + size + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < size;) {
		const char *mark = mark_at(data + i, size - i, SESSION_MARK) ? SESSION_MARK
				   : mark_at(data + i, size - i, LOGIN_MARK) ? LOGIN_MARK
									       : NULL;
		if (mark != NULL) {
			memcpy(out + len, session, tok);
			len += tok;
			i += strlen(mark);
		} else {
			out[len++] = (char)data[i++];
		}
	}
	out[len] = '\0';
	*ret_len = len;
	return out;
}

static bool has(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* a ticket: the registry's signature over exactly these fields, no identity */
static bool ticket_ok(const json_t *t)
{
	json_t *payload = NULL;
	char *doc = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	bool ok = doc != NULL && json_object_size(t) == 2 &&
		  json_is_object(json_object_get(t, "payload")) &&
		  json_is_string(json_object_get(t, "signature")) &&
		  signature_open(key, doc, strlen(doc), &payload) == ISO_OK &&
		  json_object_size(payload) == 5 &&
		  json_is_string(json_object_get(payload, "poll")) &&
		  json_is_string(json_object_get(payload, "nonce")) &&
		  json_is_integer(json_object_get(payload, "session_start")) &&
		  json_is_integer(json_object_get(payload, "issued")) &&
		  json_is_integer(json_object_get(payload, "expires"));
	json_decref(payload);
	free(doc);
	return ok;
}

static void check_ok(unsigned route, const json_t *o)
{
	const char *s;
	size_t i;
	json_t *p;
	switch (route) {
	case 0: /* /login */
		s = json_string_value(json_object_get(o, "session"));
		if (s == NULL || strlen(s) != REGISTRY_TOKEN_LEN ||
		    !json_is_string(json_object_get(o, "name")) ||
		    json_array_size(json_object_get(o, "polls")) == 0)
			abort();
		json_array_foreach(json_object_get(o, "polls"), i, p)
		{
			if (!json_is_string(json_object_get(p, "poll")) ||
			    !json_is_string(json_object_get(p, "state")))
				abort();
		}
		memcpy(session, s, REGISTRY_TOKEN_LEN + 1);
		break;
	case 1: /* /validate */
		if (!ticket_ok(json_object_get(o, "ticket")))
			abort();
		break;
	case 2: /* /confirm */
		s = json_string_value(json_object_get(o, "state"));
		if (s == NULL || strcmp(s, "voted") != 0)
			abort();
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct https_request req = {0};
	struct https_response resp = {0};
	enum registry_phase ph;
	unsigned route;
	char *rest, path[300];
	size_t len = 0;
	json_t *o;
	if (size == 0)
		return 0;
	route = data[0] & 0x0f;
	req.client = clients[(data[0] >> 4) & 3];
	now++;
	/* a maintenance event is the kiosk's own words, journaled as they
	 * come: no session is put in them (the oracle below would take the
	 * fuzzer's own insertion for a leak) */
	if ((data[0] & 0x80) != 0) {
		if ((rest = malloc(size)) == NULL)
			return 0;
		memcpy(rest, data + 1, size - 1);
		rest[size - 1] = '\0';
		len = size - 1;
	} else if ((rest = body_with_session(data + 1, size - 1, req.client, &len)) == NULL) {
		return 0;
	}
	req.lang = ISO_LANG_FR;
	req.method = routes[route].method;
	req.path = routes[route].path;
	if (data[0] & 0x80) {
		req.method = maintenance_routes[data[0] & 1].method;
		req.path = maintenance_routes[data[0] & 1].path;
	}
	if (((data[0] & 0x80) ? maintenance_routes[data[0] & 1].body : routes[route].body) &&
	    len > 0) {
		req.body = rest;
		req.len = len;
	}
	if (req.path == NULL) {
		req.method = len > 0 && (rest[0] & 1) ? "POST" : "GET";
		snprintf(path, sizeof path, "/%.*s", (int)strnlen(rest + (len > 0), 256),
			 rest + (len > 0));
		req.path = path;
	}
	if (((data[0] & 0x80) ? maintenance_routes[data[0] & 1].to : routes[route].to) == KIOSK)
		registry_handle_kiosk(r, &req, &resp);
	else
		registry_handle_bureau(r, &req, &resp);
	if (getenv("ISOLOIR_FUZZ_SHOW") != NULL) /* to see what a corpus input reaches */
		fprintf(stderr, "%s %s %u %s\n", req.method, req.path, resp.status,
			resp.body != NULL ? resp.body : "");
	if (resp.body == NULL)
		abort();
	/* R-SEP-01: no secret of a voter, and a session only to its login */
	for (size_t i = 0; i < NVOTERS; i++)
		if (has(resp.body, resp.len, verifiers[i]) || has(resp.body, resp.len, fixture[i].cred))
			abort();
	if (has(resp.body, resp.len, session))
		abort();
	if (resp.status == 200 && resp.content_type != NULL) {
		/* only the émargement list is not JSON */
		if (strcmp(req.path, "/emargement.csv") != 0 ||
		    strncmp(resp.content_type, "text/csv", 8) != 0 ||
		    strncmp(resp.body, emargement_csv_header, strlen(emargement_csv_header)) != 0)
			abort();
	} else {
		if ((o = json_loadb(resp.body, resp.len, 0, NULL)) == NULL || !json_is_object(o))
			abort();
		if (resp.status == 200) {
			if (req.path == routes[route].path)
				check_ok(route, o);
			if (strcmp(req.path, "/interventions") == 0 &&
			    !json_is_array(json_object_get(o, "interventions")))
				abort();
		} else {
			json_t *code = json_object_get(o, "code");
			if (json_string_value(json_object_get(o, "error")) == NULL ||
			    json_string_value(json_object_get(o, "fr")) == NULL ||
			    json_string_value(json_object_get(o, "en")) == NULL ||
			    !json_is_integer(code) || resp.status < 400 || resp.status > 599 ||
			    resp.status != https_status_for((enum iso_err)json_integer_value(code)))
				abort();
			if (json_integer_value(code) == ISO_E_LOCKED_OUT &&
			    json_integer_value(json_object_get(o, "retry_after")) <= 0)
				abort();
		}
		json_decref(o);
	}
	free(resp.body);
	free(rest);
	/* a stop ends the vote for good: start again so that later inputs
	 * still reach an open registry */
	if (++inputs % REBUILD_EVERY == 0 || registry_phase(r, &ph) != ISO_OK ||
	    ph == REGISTRY_FINISHED)
		registry_build();
	return 0;
}
