/* The voter registry through its logic API, with an injected clock: the
 * voter file imported once (malformed files refused with where they are
 * wrong), login with Argon2id (every wrong field the same error, an unknown
 * identifier costs the same two hashes), lockout per identifier and per
 * kiosk, tickets the urn can check and that name no one, the émargement
 * list pending then voted through the urn's receipt, the grace (R-VOTE-05),
 * the bureau's controls (R-BUR-05), seals at closing and at the end of the
 * grace once each (R-D11-FREEZE), append-only triggers (R-D11-APPEND), the
 * CSV export, the routes' shapes, and no credential, verifier, token,
 * nonce or tracker anywhere in the database files (R-SEP-01, R-C19-LINK). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "credential.h"
#include "db.h"
#include "hash.h"
#include "jsondoc.h"
#include "registry.h"
#include "signature.h"

#define POLL_A "ZvzGy9a8Po4aUM"
#define POLL_B "UQSwJwjLzmQ7mL"
#define POLL_C "Abc123Def456Gh" /* configured, nobody's */
#define OPENING 1000
#define CLOSING 5000
#define GRACE 1800

static int64_t now_value;
static int64_t clock_now(void *arg)
{
	(void)arg;
	return now_value;
}
static const struct iso_clock test_clock = {clock_now, NULL};

/* cheap enough for a test, costly enough that Argon2id dominates a login */
static const struct registry_argon2 test_cost = {1, 2048, 1};

struct voter {
	const char *id, *name, *answer;
	const char *polls[2];
	size_t npolls;
	char cred[ISO_CREDENTIAL_LEN + 1];
	char verifier[ISO_B64_HASH_LEN + 1];
};

static struct voter voters[] = {
	{"jeanne.martin", "Jeanne Martin", "01/02/1980", {POLL_A, POLL_B}, 2, "", ""},
	{"paul.durand", "Durand; Paul \"Polo\"", "12-11-1975", {POLL_A}, 1, "", ""},
	{"zoé", "Zoé Éluard", "3.4.1990", {POLL_B}, 1, "", ""},
};
#define NVOTERS (sizeof voters / sizeof voters[0])

static EVP_PKEY *reg_key, *urn_a, *urn_b, *rogue;

/* every secret and link the database must never hold */
static char *forbidden[64];
static size_t nforbidden;

static void forbid(const char *s)
{
	if (nforbidden < sizeof forbidden / sizeof forbidden[0])
		forbidden[nforbidden++] = strdup(s);
}

static char *voter_file(void)
{
	struct registry_voter v[NVOTERS];
	char *json = NULL;
	size_t len;
	for (size_t i = 0; i < NVOTERS; i++) {
		CHECK_ERR(iso_credential_generate(voters[i].cred), ISO_OK);
		CHECK_ERR(iso_registry_verifier(voters[i].id, voters[i].cred, voters[i].verifier),
			  ISO_OK);
		CHECK_ERR(registry_voter_make(&test_cost, voters[i].id, voters[i].name,
					      voters[i].answer, voters[i].verifier, voters[i].polls,
					      voters[i].npolls, &v[i]),
			  ISO_OK);
		forbid(voters[i].cred);
		forbid(voters[i].verifier);
	}
	CHECK_ERR(registry_voters_write(v, NVOTERS, &json, &len), ISO_OK);
	for (size_t i = 0; i < NVOTERS; i++)
		registry_voter_clear(&v[i]);
	return json;
}

static struct registry_poll polls[3];

static struct registry_config config(struct registry_store *s)
{
	polls[0] = (struct registry_poll){POLL_A, "Comité social", urn_a};
	polls[1] = (struct registry_poll){POLL_B, "Délégués", urn_b};
	polls[2] = (struct registry_poll){POLL_C, "Autre", urn_b};
	return (struct registry_config){
		.store = s,
		.ticket_key = reg_key,
		.polls = polls,
		.npolls = 3,
		.opening = OPENING,
		.closing = CLOSING,
		.grace = GRACE,
		.session_ttl = 86400,
		.clock = &test_clock,
	};
}

static uint64_t argon2_count(struct registry *r)
{
	json_t *m = NULL;
	uint64_t n = 0;
	CHECK_ERR(registry_metrics(r, &m), ISO_OK);
	n = (uint64_t)json_integer_value(json_object_get(m, "argon2"));
	json_decref(m);
	return n;
}

static enum iso_err login(struct registry *r, const struct voter *v, const char *verifier,
			  const char *answer, const char *kiosk, struct registry_login *l,
			  int64_t *retry)
{
	return registry_login(r, v->id, verifier != NULL ? verifier : v->verifier,
			      answer != NULL ? answer : v->answer, kiosk, l, retry);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *receipt(EVP_PKEY *key, const char *poll, int64_t t, const char *tracker)
{
	char *doc = NULL;
	CHECK_ERR(signature_sign_new(key,
				     json_pack("{s:s, s:I, s:s}", "poll", poll, "time", (json_int_t)t,
					       "tracker", tracker),
				     &doc),
		  ISO_OK);
	return doc;
}

static enum iso_err collect_seal(void *arg, const char *name, const char *doc)
{
	(void)doc;
	strncat(arg, name, 32);
	strncat(arg, ";", 2);
	return ISO_OK;
}

static void seal_names(struct registry_store *s, char *out)
{
	out[0] = '\0';
	CHECK_ERR(s->ops->each_seal(s, collect_seal, out), ISO_OK);
}

/* The payload of the seal named name, checked with the registry's key. */
static json_t *seal_payload(struct registry *r, const char *event)
{
	json_t *all = NULL, *found = NULL;
	size_t i;
	json_t *d;
	CHECK_ERR(registry_seals(r, &all), ISO_OK);
	json_array_foreach(json_object_get(all, "seals"), i, d)
	{
		char *doc = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		json_t *p = NULL;
		CHECK_ERR(signature_open(reg_key, doc, strlen(doc), &p), ISO_OK);
		if (p != NULL && strcmp(json_string_value(json_object_get(p, "event")), event) == 0)
			found = json_incref(p);
		json_decref(p);
		free(doc);
	}
	json_decref(all);
	return found;
}

static bool file_contains(const char *path, const char *needle)
{
	char *buf = NULL;
	size_t len = 0, n = strlen(needle);
	bool hit = false;
	if (iso_file_read(path, 1u << 28, &buf, &len) != ISO_OK)
		return false;
	for (size_t i = 0; n > 0 && i + n <= len && !hit; i++)
		hit = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return hit;
}

/* the routes, called as the HTTPS front calls them */
static unsigned route(void (*handler)(void *, const struct https_request *,
				      struct https_response *),
		      struct registry *r, const char *method, const char *path, const char *body,
		      const char *client, json_t **ret)
{
	struct https_request req = {method, path, body, body != NULL ? strlen(body) : 0, client,
				    ISO_LANG_FR};
	struct https_response resp;
	memset(&resp, 0, sizeof resp);
	handler(r, &req, &resp);
	if (ret != NULL)
		*ret = resp.body != NULL ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
	free(resp.body);
	return resp.status;
}

static void test_voter_file(void)
{
	struct registry_voters *vs = NULL;
	struct registry_voters_where w;
	char *norm = NULL, *h = NULL;
	bool match = true;
	static const char *const bad[][2] = {
		/* input, field expected (or "" for none) */
		{"{\"version\":1,\"voters\":[", ""},
		{"{\"version\":2,\"voters\":[]}", "version"},
		{"{\"version\":1,\"voters\":[]}", "voters"},
		{"{\"voters\":[],\"version\":1}", ""},
		{"{\"version\":1,\"voters\":[{\"identifier\":\"a\"}]}", ""},
	};
	/* the answer's normalisation, shared with the generator */
	CHECK_ERR(registry_answer_normalise(" 01/02/1980 ", &norm), ISO_OK);
	CHECK(strcmp(norm, "01021980") == 0);
	free(norm);
	CHECK_ERR(registry_answer_normalise("Paris\xc2\xa0-\xe2\x80\xaf" "15e, Rue.", &norm), ISO_OK);
	CHECK(strcmp(norm, "paris15erue") == 0);
	free(norm);
	CHECK_ERR(registry_answer_normalise("\xff", &norm), ISO_E_INVALID_ARG);
	/* Argon2id hashes: strict form, costs read back */
	CHECK_ERR(registry_argon2_hash(&test_cost, "secret", 6, &h), ISO_OK);
	{
		struct registry_argon2 c;
		CHECK_ERR(registry_argon2_params(h, &c), ISO_OK);
		CHECK(c.t_cost == 1 && c.m_cost_kib == 2048 && c.parallelism == 1);
		CHECK(strncmp(h, "$argon2id$v=19$m=2048,t=1,p=1$", 30) == 0);
	}
	CHECK_ERR(registry_argon2_check(h, "secret", 6, &match), ISO_OK);
	CHECK(match);
	CHECK_ERR(registry_argon2_check(h, "secreT", 6, &match), ISO_OK);
	CHECK(!match);
	free(h);
	CHECK_ERR(registry_argon2_check("$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
					"x", 1, &match),
		  ISO_E_SHAPE);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		registry_voters_where_clear(&w);
		CHECK_ERR(registry_voters_parse(bad[i][0], strlen(bad[i][0]), &vs, &w),
			  ISO_E_VOTER_FILE);
		CHECK(bad[i][1][0] == '\0' ? w.field == NULL : (w.field != NULL && strcmp(w.field, bad[i][1]) == 0));
	}
	/* a JSON syntax error names its line */
	registry_voters_where_clear(&w);
	CHECK_ERR(registry_voters_parse("{\"version\":1,\n\"voters\":[\n}", 26, &vs, &w),
		  ISO_E_VOTER_FILE);
	CHECK(w.line == 3);
	{
		char msg[256];
		registry_voters_where_format(&w, ISO_E_VOTER_FILE, ISO_LANG_EN, msg, sizeof msg);
		CHECK(strcmp(msg, "invalid voter file (JSON, line 3)") == 0);
	}
}

/* a good file with one voter changed, and where the parser says it is wrong */
static void test_bad_voter(const char *good, const char *from, const char *to, size_t voter,
			   const char *field)
{
	struct registry_voters *vs = NULL;
	struct registry_voters_where w;
	size_t glen = strlen(good), flen = strlen(from), tlen = strlen(to), head;
	char *bad = malloc(glen + tlen + 1);
	const char *p = strstr(good, from);
	if (bad == NULL || p == NULL) {
		CHECK(!"substitution");
		free(bad);
		return;
	}
	head = (size_t)(p - good);
	memcpy(bad, good, head);
	memcpy(bad + head, to, tlen);
	memcpy(bad + head + tlen, p + flen, glen - head - flen + 1);
	registry_voters_where_clear(&w);
	CHECK_ERR(registry_voters_parse(bad, strlen(bad), &vs, &w), ISO_E_VOTER_FILE);
	CHECK(w.voter == voter);
	CHECK(field == NULL ? w.field == NULL : (w.field != NULL && strcmp(w.field, field) == 0));
	free(bad);
}

int main(void)
{
	char dir[] = "/tmp/isoloir-test-registry.XXXXXX", path[256], names[256];
	struct registry_store *s = NULL;
	struct registry *r = NULL;
	struct registry_config cfg;
	struct registry_voters_where w;
	struct registry_login l1, l2, lz;
	int64_t retry = 0;
	char *file, *ticket = NULL, *rc = NULL;
	uint64_t before;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/registry.db", dir);
	CHECK_ERR(signature_key_new(&reg_key), ISO_OK);
	CHECK_ERR(signature_key_new(&urn_a), ISO_OK);
	CHECK_ERR(signature_key_new(&urn_b), ISO_OK);
	CHECK_ERR(signature_key_new(&rogue), ISO_OK);
	file = voter_file();
	test_voter_file();
	/* a voter at fault is named with its field */
	test_bad_voter(file, "\"paul.durand\"", "\"jeanne.martin\"", 2, "identifier");
	test_bad_voter(file, "\"polls\":[\"" POLL_A "\"]", "\"polls\":[\"" POLL_A "\",\"" POLL_A "\"]", 2, "polls");
	test_bad_voter(file, "\"polls\":[\"" POLL_A "\"]", "\"polls\":[]", 2, "polls");
	test_bad_voter(file, "\"zoé\"", "\"z\\u0007\"", 3, "identifier");
	test_bad_voter(file, "\"answer\":\"$argon2id$v=19$m=2048", "\"answer\":\"$argon2i$v=19$m=2048", 1, "answer");
	test_bad_voter(file, "\"name\":\"Zoé Éluard\"", "\"name\":1", 3, NULL);
	test_bad_voter(file, "\"name\":\"Zoé Éluard\",", "", 3, NULL);

	CHECK_ERR(registry_store_open_sqlite(path, &s), ISO_OK);
	if (s == NULL)
		return check_status();
	cfg = config(s);
	CHECK_ERR(registry_new(&cfg, &r), ISO_OK);
	if (r == NULL)
		return check_status();

	/* import: a poll the registry does not know is refused, then the file
	 * once; a second import is refused, saying why */
	{
		char *other = strdup(file), *p = strstr(other, POLL_B);
		memcpy(p, "Xyz123Def456Gh", 14);
		registry_voters_where_clear(&w);
		CHECK_ERR(registry_import(r, other, strlen(other), "bureau:test", &w),
			  ISO_E_VOTER_FILE);
		CHECK(w.voter == 1 && w.field != NULL && strcmp(w.field, "polls") == 0);
		free(other);
	}
	CHECK_ERR(registry_import(r, file, strlen(file), "bureau:test", NULL), ISO_OK);
	registry_voters_where_clear(&w);
	CHECK_ERR(registry_import(r, file, strlen(file), "bureau:test", &w), ISO_E_VOTER_FILE);
	CHECK(w.existing == 3);
	{
		char msg[256];
		registry_voters_where_format(&w, ISO_E_VOTER_FILE, ISO_LANG_FR, msg, sizeof msg);
		CHECK(strstr(msg, "déjà 3") != NULL);
	}

	/* R-VOTE-05: nothing before the opening */
	now_value = OPENING - 1;
	CHECK_ERR(login(r, &voters[0], NULL, NULL, "kiosk-1", &l1, &retry), ISO_E_NOT_STARTED);

	/* login */
	now_value = OPENING + 100;
	before = argon2_count(r);
	CHECK_ERR(login(r, &voters[0], NULL, "01 02 1980", "kiosk-1", &l1, &retry), ISO_OK);
	CHECK(argon2_count(r) == before + 2);
	CHECK(strlen(l1.session) == REGISTRY_TOKEN_LEN && l1.started == OPENING + 100 &&
	      l1.expires == OPENING + 100 + 86400);
	CHECK(strcmp(l1.name, "Jeanne Martin") == 0 && l1.npolls == 2);
	CHECK(l1.npolls == 2 && strcmp(l1.polls[0].poll, POLL_A) == 0 &&
	      strcmp(l1.polls[0].name, "Comité social") == 0 &&
	      l1.polls[0].state == EMARGEMENT_NONE && strcmp(l1.polls[1].poll, POLL_B) == 0);
	forbid(l1.session);

	/* every wrong field is the same error, and an unknown identifier costs
	 * the same two Argon2id checks (counted, and timed loosely) */
	{
		struct voter unknown = voters[1];
		double t_known = 0, t_unknown = 0, t0;
		char id[32];
		CHECK_ERR(login(r, &voters[1], voters[0].verifier, NULL, "kiosk-2", &l2, &retry),
			  ISO_E_LOGIN_FAILED);
		CHECK_ERR(login(r, &voters[1], NULL, "12-11-1976", "kiosk-2", &l2, &retry),
			  ISO_E_LOGIN_FAILED);
		unknown.id = "paul.durant";
		before = argon2_count(r);
		CHECK_ERR(login(r, &unknown, NULL, NULL, "kiosk-2", &l2, &retry), ISO_E_LOGIN_FAILED);
		CHECK(argon2_count(r) == before + 2);
		/* a success resets paul's count; then three of each, timed */
		CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-2", &l2, &retry), ISO_OK);
		registry_login_clear(&l2);
		for (int i = 0; i < 3; i++) {
			t0 = seconds();
			CHECK_ERR(login(r, &voters[1], "wrong", NULL, "kiosk-2", &l2, &retry),
				  ISO_E_LOGIN_FAILED);
			t_known += seconds() - t0;
			snprintf(id, sizeof id, "nobody-%d", i);
			unknown.id = id;
			t0 = seconds();
			CHECK_ERR(login(r, &unknown, NULL, NULL, "kiosk-2", &l2, &retry),
				  ISO_E_LOGIN_FAILED);
			t_unknown += seconds() - t0;
		}
		CHECK(t_unknown > 0.4 * t_known && t_unknown < 2.5 * t_known);
		CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-2", &l2, &retry), ISO_OK);
		registry_login_clear(&l2);
		/* a password typed in the identifier field: kept only hashed */
		unknown.id = voters[2].cred;
		CHECK_ERR(login(r, &unknown, NULL, NULL, "kiosk-2", &l2, &retry), ISO_E_LOGIN_FAILED);
	}

	/* lockout per identifier: the fifth failure locks 60 s, refused without
	 * any Argon2id work, the delay shrinking with the clock; a failure after
	 * it doubles the delay; a success resets */
	{
		for (int i = 1; i <= 4; i++)
			CHECK_ERR(login(r, &voters[2], "wrong", NULL, "kiosk-3", &lz, &retry),
				  ISO_E_LOGIN_FAILED);
		retry = 0;
		CHECK_ERR(login(r, &voters[2], "wrong", NULL, "kiosk-3", &lz, &retry),
			  ISO_E_LOCKED_OUT);
		CHECK(retry == 60);
		before = argon2_count(r);
		retry = 0;
		CHECK_ERR(login(r, &voters[2], NULL, NULL, "kiosk-4", &lz, &retry), ISO_E_LOCKED_OUT);
		CHECK(retry == 60 && argon2_count(r) == before);
		now_value += 20;
		CHECK_ERR(login(r, &voters[2], NULL, NULL, "kiosk-4", &lz, &retry), ISO_E_LOCKED_OUT);
		CHECK(retry == 40);
		now_value += 40;
		CHECK_ERR(login(r, &voters[2], "wrong", NULL, "kiosk-3", &lz, &retry),
			  ISO_E_LOCKED_OUT);
		CHECK(retry == 120);
		now_value += 120;
		CHECK_ERR(login(r, &voters[2], "wrong", NULL, "kiosk-3", &lz, &retry),
			  ISO_E_LOCKED_OUT);
		CHECK(retry == 240);
		now_value += 240;
		CHECK_ERR(login(r, &voters[2], NULL, NULL, "kiosk-3", &lz, &retry), ISO_OK);
		registry_login_clear(&lz);
		CHECK_ERR(login(r, &voters[2], "wrong", NULL, "kiosk-3", &lz, &retry),
			  ISO_E_LOGIN_FAILED);
		/* an unknown identifier locks as well */
		{
			struct voter ghost = voters[0];
			ghost.id = "ghost";
			for (int i = 1; i <= 4; i++)
				CHECK_ERR(login(r, &ghost, NULL, NULL, "kiosk-3", &lz, &retry),
					  ISO_E_LOGIN_FAILED);
			CHECK_ERR(login(r, &ghost, NULL, NULL, "kiosk-3", &lz, &retry),
				  ISO_E_LOCKED_OUT);
		}
	}

	/* lockout per kiosk: 20 failures in a row (each for another identifier)
	 * lock the kiosk 30 s, for every voter; it then opens again */
	{
		struct voter nobody = voters[0];
		char id[32];
		for (int i = 1; i <= 19; i++) {
			snprintf(id, sizeof id, "k-%d", i);
			nobody.id = id;
			CHECK_ERR(login(r, &nobody, NULL, NULL, "kiosk-5", &lz, &retry),
				  ISO_E_LOGIN_FAILED);
		}
		nobody.id = "k-20";
		CHECK_ERR(login(r, &nobody, NULL, NULL, "kiosk-5", &lz, &retry), ISO_E_LOCKED_OUT);
		CHECK(retry == 30);
		CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-5", &lz, &retry), ISO_E_LOCKED_OUT);
		CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-6", &lz, &retry), ISO_OK);
		registry_login_clear(&lz);
		now_value += 30;
		CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-5", &lz, &retry), ISO_OK);
		registry_login_clear(&lz);
	}

	/* a ticket: signed by the registry, exactly poll, session_start,
	 * issued, expires and nonce, no identity; the voter is pending */
	{
		json_t *p = NULL, *c = NULL;
		char *t2 = NULL;
		const char *nonce;
		CHECK_ERR(registry_validate(r, l1.session, "wrong", POLL_A, "kiosk-1", &ticket, &retry),
			  ISO_E_LOGIN_FAILED);
		CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_A, "kiosk-1",
					    &ticket, &retry),
			  ISO_OK);
		CHECK_ERR(signature_open(reg_key, ticket, strlen(ticket), &p), ISO_OK);
		CHECK(json_object_size(p) == 5);
		CHECK(strcmp(json_string_value(json_object_get(p, "poll")), POLL_A) == 0);
		CHECK(json_integer_value(json_object_get(p, "session_start")) == OPENING + 100);
		CHECK(json_integer_value(json_object_get(p, "issued")) == now_value);
		CHECK(json_integer_value(json_object_get(p, "expires")) ==
		      now_value + REGISTRY_TICKET_TTL_DEFAULT);
		nonce = json_string_value(json_object_get(p, "nonce"));
		CHECK(nonce != NULL && strlen(nonce) == 24);
		if (nonce != NULL)
			forbid(nonce);
		CHECK(strstr(ticket, voters[0].id) == NULL);
		json_decref(p);
		/* again while pending: a new ticket, still one pending row */
		CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_A, "kiosk-1", &t2,
					    &retry),
			  ISO_OK);
		CHECK(t2 != NULL && strcmp(t2, ticket) != 0);
		CHECK_ERR(signature_open(reg_key, t2, strlen(t2), &p), ISO_OK);
		forbid(json_string_value(json_object_get(p, "nonce")));
		json_decref(p);
		free(t2);
		CHECK_ERR(registry_counts(r, &c), ISO_OK);
		{
			json_t *pa = json_array_get(json_object_get(c, "polls"), 0);
			CHECK(strcmp(json_string_value(json_object_get(c, "phase")), "open") == 0);
			CHECK(strcmp(json_string_value(json_object_get(pa, "poll")), POLL_A) == 0);
			CHECK(json_integer_value(json_object_get(pa, "voters")) == 2);
			CHECK(json_integer_value(json_object_get(pa, "pending")) == 1);
			CHECK(json_integer_value(json_object_get(pa, "voted")) == 0);
		}
		json_decref(c);
	}

	/* refusals: another kiosk's session, no session, not a voter of the
	 * poll, an unknown poll */
	CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_A, "kiosk-2", &rc,
				    &retry),
		  ISO_E_SESSION);
	CHECK_ERR(registry_validate(r, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", voters[0].verifier,
				    POLL_A, "kiosk-1", &rc, &retry),
		  ISO_E_SESSION);
	CHECK_ERR(login(r, &voters[1], NULL, NULL, "kiosk-2", &l2, &retry), ISO_OK);
	forbid(l2.session);
	CHECK_ERR(registry_validate(r, l2.session, voters[1].verifier, POLL_B, "kiosk-2", &rc,
				    &retry),
		  ISO_E_NOT_VOTER);
	CHECK_ERR(registry_validate(r, l2.session, voters[1].verifier, POLL_C, "kiosk-2", &rc,
				    &retry),
		  ISO_E_NOT_VOTER);
	CHECK_ERR(registry_validate(r, l2.session, voters[1].verifier, "NotAPollAtAll1", "kiosk-2",
				    &rc, &retry),
		  ISO_E_NOT_VOTER);

	/* the urn's receipt: wrong key, another poll's, a receipt older than
	 * the ticket, no ticket at all; then the right one, twice */
	{
		char *bad;
		const char *tracker = "TRACKERtrackerTRACKERtrackerTRACKERtracker0";
		forbid(tracker);
		bad = receipt(rogue, POLL_A, now_value, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"),
			  ISO_E_BAD_RECEIPT);
		free(bad);
		bad = receipt(urn_b, POLL_B, now_value, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"),
			  ISO_E_BAD_RECEIPT);
		free(bad);
		bad = receipt(urn_a, POLL_B, now_value, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"),
			  ISO_E_BAD_RECEIPT);
		free(bad);
		bad = receipt(urn_a, POLL_A, OPENING, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"),
			  ISO_E_BAD_RECEIPT);
		free(bad);
		bad = receipt(urn_b, POLL_B, now_value, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_B, bad, strlen(bad), "kiosk-1"),
			  ISO_E_BAD_RECEIPT); /* no ticket for B yet */
		free(bad);
		now_value += 5;
		bad = receipt(urn_a, POLL_A, now_value, tracker);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-2"),
			  ISO_E_SESSION);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"), ISO_OK);
		CHECK_ERR(registry_confirm(r, l1.session, POLL_A, bad, strlen(bad), "kiosk-1"), ISO_OK);
		free(bad);
		/* R-VOTE-02: voted is final */
		CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_A, "kiosk-1", &rc,
					    &retry),
			  ISO_E_ALREADY_VOTED);
		registry_login_clear(&l1);
		CHECK_ERR(login(r, &voters[0], NULL, NULL, "kiosk-1", &l1, &retry), ISO_OK);
		forbid(l1.session);
		CHECK(l1.npolls == 2 && l1.polls[0].state == EMARGEMENT_VOTED &&
		      l1.polls[1].state == EMARGEMENT_NONE);
	}
	free(ticket);
	ticket = NULL;

	/* R-BUR-05: suspended, nothing starts; resumed */
	CHECK_ERR(registry_control(r, REGISTRY_DO_SUSPEND, "bureau:president"), ISO_OK);
	CHECK_ERR(registry_control(r, REGISTRY_DO_SUSPEND, "bureau:president"), ISO_E_URN_STATE);
	CHECK_ERR(login(r, &voters[2], NULL, NULL, "kiosk-3", &lz, &retry), ISO_E_URN_SUSPENDED);
	CHECK_ERR(registry_validate(r, l2.session, voters[1].verifier, POLL_A, "kiosk-2", &rc,
				    &retry),
		  ISO_E_URN_SUSPENDED);
	CHECK_ERR(registry_control(r, REGISTRY_DO_RESUME, "bureau:president"), ISO_OK);
	CHECK_ERR(registry_control(r, REGISTRY_DO_RESUME, "bureau:president"), ISO_E_URN_STATE);

	/* paul is pending on A from before closing; zoé logs in just before it */
	CHECK_ERR(registry_validate(r, l2.session, voters[1].verifier, POLL_A, "kiosk-2", &rc,
				    &retry),
		  ISO_OK);
	free(rc);
	rc = NULL;
	now_value = CLOSING - 10;
	CHECK_ERR(login(r, &voters[2], NULL, NULL, "kiosk-3", &lz, &retry), ISO_OK);
	forbid(lz.session);

	/* R-VOTE-05: at closing no session starts; one started before may get
	 * tickets until the grace ends */
	now_value = CLOSING;
	CHECK_ERR(login(r, &voters[0], NULL, NULL, "kiosk-1", &l2, &retry), ISO_E_VOTING_CLOSED);
	CHECK_ERR(registry_tick(r), ISO_OK);
	seal_names(s, names);
	CHECK(strcmp(names, "closing;") == 0);
	now_value = CLOSING + 100;
	CHECK_ERR(registry_validate(r, lz.session, voters[2].verifier, POLL_B, "kiosk-3", &rc,
				    &retry),
		  ISO_OK);
	free(rc);
	rc = NULL;
	{
		char *ok = receipt(urn_b, POLL_B, now_value, "ANOTHERtrackerANOTHERtrackerANOTHERtracke1");
		forbid("ANOTHERtrackerANOTHERtrackerANOTHERtracke1");
		now_value += 2;
		CHECK_ERR(registry_confirm(r, lz.session, POLL_B, ok, strlen(ok), "kiosk-3"), ISO_OK);
		free(ok);
	}
	CHECK_ERR(registry_tick(r), ISO_OK);
	seal_names(s, names);
	CHECK(strcmp(names, "closing;") == 0);
	/* once per event, also after reopening the store */
	registry_free(r);
	s->ops->close(s);
	CHECK_ERR(registry_store_open_sqlite(path, &s), ISO_OK);
	cfg = config(s);
	CHECK_ERR(registry_new(&cfg, &r), ISO_OK);
	CHECK_ERR(registry_tick(r), ISO_OK);
	seal_names(s, names);
	CHECK(strcmp(names, "closing;") == 0);
	now_value = CLOSING + GRACE - 1;
	CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_B, "kiosk-1", &rc,
				    &retry),
		  ISO_OK);
	free(rc);
	rc = NULL;
	now_value = CLOSING + GRACE;
	CHECK_ERR(registry_validate(r, l1.session, voters[0].verifier, POLL_B, "kiosk-1", &rc,
				    &retry),
		  ISO_E_VOTING_CLOSED);
	CHECK_ERR(registry_tick(r), ISO_OK);
	CHECK_ERR(registry_tick(r), ISO_OK);
	seal_names(s, names);
	CHECK(strcmp(names, "closing;end-of-grace;") == 0);
	registry_free(r);
	s->ops->close(s);
	CHECK_ERR(registry_store_open_sqlite(path, &s), ISO_OK);
	cfg = config(s);
	CHECK_ERR(registry_new(&cfg, &r), ISO_OK);
	now_value += 3600;
	CHECK_ERR(registry_tick(r), ISO_OK);
	seal_names(s, names);
	CHECK(strcmp(names, "closing;end-of-grace;") == 0);

	/* frozen: no receipt is recorded any more, no control applies */
	{
		char *late = receipt(urn_b, POLL_B, now_value, "LATEtrackerLATEtrackerLATEtrackerLATEtrack");
		CHECK_ERR(registry_confirm(r, l1.session, POLL_B, late, strlen(late), "kiosk-1"),
			  ISO_E_VOTING_CLOSED);
		free(late);
		CHECK_ERR(registry_control(r, REGISTRY_DO_STOP, "bureau:president"), ISO_E_URN_STATE);
		CHECK_ERR(registry_control(r, REGISTRY_DO_SUSPEND, "bureau:president"),
			  ISO_E_URN_STATE);
	}

	/* the émargement list: its CSV, what the seals cover, the pending */
	{
		char *csv = NULL, want[1024], hex[65];
		size_t len = 0;
		json_t *p, *pend = NULL;
		CHECK_ERR(registry_emargement_csv(r, &csv, &len), ISO_OK);
		/* at 1550, 1555, 1555, 5100, 5102 and 6799 */
		snprintf(want, sizeof want,
			 "identifier;name;poll;state;time\r\n"
			 "jeanne.martin;Jeanne Martin;" POLL_A ";pending;1970-01-01T00:25:50Z\r\n"
			 "jeanne.martin;Jeanne Martin;" POLL_A ";voted;1970-01-01T00:25:55Z\r\n"
			 "paul.durand;\"Durand; Paul \"\"Polo\"\"\";" POLL_A
			 ";pending;1970-01-01T00:25:55Z\r\n"
			 "zoé;Zoé Éluard;" POLL_B ";pending;1970-01-01T01:25:00Z\r\n"
			 "zoé;Zoé Éluard;" POLL_B ";voted;1970-01-01T01:25:02Z\r\n"
			 "jeanne.martin;Jeanne Martin;" POLL_B ";pending;1970-01-01T01:53:19Z\r\n");
		CHECK(csv != NULL && strcmp(csv, want) == 0 && len == strlen(want));
		if (csv != NULL && strcmp(csv, want) != 0)
			fprintf(stderr, "CSV:\n%s\n", csv);
		/* the end of the grace seals the whole list; the closing seals the
		 * rows before it, a prefix of the list */
		p = seal_payload(r, "end-of-grace");
		iso_sha256_hex(csv, len, hex);
		CHECK(p != NULL && strcmp(json_string_value(json_object_get(p, "emargement")), hex) == 0);
		CHECK(p != NULL && json_integer_value(json_object_get(p, "time")) == CLOSING + GRACE);
		CHECK(p != NULL && strcmp(json_string_value(json_object_get(p, "what")), "registry") == 0);
		CHECK(p != NULL && strlen(json_string_value(json_object_get(p, "journal_head"))) == 64);
		CHECK(p != NULL && json_integer_value(json_object_get(
					   json_object_get(json_object_get(p, "counts"), POLL_B),
					   "voted")) == 1);
		json_decref(p);
		p = seal_payload(r, "closing");
		{
			char *cut = strstr(csv, "zoé");
			iso_sha256_hex(csv, cut != NULL ? (size_t)(cut - csv) : 0, hex);
		}
		CHECK(p != NULL && strcmp(json_string_value(json_object_get(p, "emargement")), hex) == 0);
		CHECK(p != NULL && json_integer_value(json_object_get(
					   json_object_get(json_object_get(p, "counts"), POLL_A),
					   "pending")) == 1);
		json_decref(p);
		free(csv);
		CHECK_ERR(registry_pending(r, &pend), ISO_OK);
		{
			json_t *a = json_object_get(pend, "pending");
			CHECK(json_array_size(a) == 2);
			CHECK(strcmp(json_string_value(json_object_get(json_array_get(a, 0), "identifier")),
				     "paul.durand") == 0);
			CHECK(strcmp(json_string_value(json_object_get(json_array_get(a, 1), "poll")),
				     POLL_B) == 0);
		}
		json_decref(pend);
	}

	/* the routes: exact shapes, the lockout's delay, the CSV's type */
	{
		json_t *o = NULL;
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\",\"verifier\":\"b\",\"answer\":\"c\",\"x\":1}",
			    "kiosk-1", &o) == 400);
		CHECK(o != NULL && strcmp(json_string_value(json_object_get(o, "error")), "wrong-shape") == 0);
		json_decref(o);
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\",\"verifier\":\"b\",\"answer\":3}", "kiosk-1",
			    NULL) == 400);
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\",\"verifier\":\"b\"}", "kiosk-1", NULL) == 400);
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\\u0000b\",\"verifier\":\"b\",\"answer\":\"c\"}",
			    "kiosk-1", NULL) == 400);
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\",\"verifier\":\"b\",\"answer\":\"c\"}", "", NULL) ==
		      403);
		CHECK(route(registry_handle_kiosk, r, "GET", "/login", NULL, "kiosk-1", NULL) == 405);
		CHECK(route(registry_handle_kiosk, r, "GET", "/counts", NULL, "kiosk-1", NULL) == 404);
		CHECK(route(registry_handle_kiosk, r, "POST", "/login",
			    "{\"identifier\":\"a\",\"verifier\":\"b\",\"answer\":\"c\"}", "kiosk-1",
			    &o) == 403);
		CHECK(o != NULL &&
		      strcmp(json_string_value(json_object_get(o, "error")), "voting-closed") == 0);
		json_decref(o);
		CHECK(route(registry_handle_kiosk, r, "GET", "/status", NULL, "kiosk-1", &o) == 200);
		CHECK(o != NULL && strcmp(json_string_value(json_object_get(o, "phase")), "finished") == 0);
		json_decref(o);
		/* R-D11-INTERV: a kiosk's maintenance event, journaled in every
		 * phase and listed to the bureau; the status says the clock */
		CHECK(route(registry_handle_kiosk, r, "GET", "/status", NULL, "kiosk-1", &o) == 200);
		CHECK(o != NULL && json_is_integer(json_object_get(o, "time")));
		json_decref(o);
		CHECK(route(registry_handle_kiosk, r, "POST", "/maintenance",
			    "{\"event\":\"maintenance-start\",\"outcome\":\"success\","
			    "\"time\":\"2026-12-01T08:00:00Z\",\"detail\":\"technician=Jean token=ab\"}",
			    "kiosk-1", &o) == 200);
		json_decref(o);
		CHECK(route(registry_handle_kiosk, r, "POST", "/maintenance",
			    "{\"event\":\"maintenance-start\",\"detail\":\"x\"}", "kiosk-1", &o) == 400);
		json_decref(o);
		CHECK(route(registry_handle_bureau, r, "GET", "/interventions", NULL, "president", &o) ==
		      200);
		{
			json_t *l = json_object_get(o, "interventions"), *e = json_array_get(l, 0);
			CHECK(json_array_size(l) == 1);
			CHECK(e != NULL &&
			      strcmp(json_string_value(json_object_get(e, "kiosk")), "kiosk-1") == 0);
			CHECK(e != NULL &&
			      strcmp(json_string_value(json_object_get(json_object_get(e, "report"),
								       "detail")),
				     "technician=Jean token=ab") == 0);
		}
		json_decref(o);
		CHECK(route(registry_handle_bureau, r, "GET", "/counts", NULL, "president", &o) == 200);
		CHECK(json_array_size(json_object_get(o, "polls")) == 3);
		json_decref(o);
		CHECK(route(registry_handle_bureau, r, "GET", "/journal", NULL, "president", &o) == 200);
		CHECK(o != NULL && json_integer_value(json_object_get(o, "entries")) > 10);
		json_decref(o);
		CHECK(route(registry_handle_bureau, r, "GET", "/seals", NULL, "president", &o) == 200);
		CHECK(json_array_size(json_object_get(o, "seals")) == 2);
		json_decref(o);
		CHECK(route(registry_handle_bureau, r, "POST", "/stop", NULL, "president", &o) == 409);
		json_decref(o);
		{
			struct https_request req = {"GET", "/emargement.csv", NULL, 0, "president",
						    ISO_LANG_FR};
			struct https_response resp;
			memset(&resp, 0, sizeof resp);
			registry_handle_bureau(r, &req, &resp);
			CHECK(resp.status == 200 && resp.content_type != NULL &&
			      strcmp(resp.content_type, "text/csv; charset=utf-8") == 0);
			CHECK(strstr(resp.content_disposition, "attachment") != NULL);
			CHECK(resp.body != NULL && strncmp(resp.body, "identifier;name;poll;state;time\r\n", 33) == 0);
			free(resp.body);
		}
	}

	/* R-D11-APPEND: the list and the seals refuse UPDATE and DELETE, and
	 * nothing is added once frozen (R-D11-FREEZE) */
	{
		sqlite3 *db = NULL;
		CHECK_ERR(db_open(path, "", &db), ISO_OK);
		CHECK(sqlite3_exec(db, "UPDATE emargements SET at = 0", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM emargements", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "UPDATE voters SET name = 'x'", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM voter_polls", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM seals", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM journal", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db,
				   "INSERT INTO emargements VALUES ('paul.durand', '" POLL_A
				   "', 'final', 9999)",
				   NULL, NULL, NULL) != SQLITE_OK);
		db_close(db);
	}
	{
		int64_t n = 0, bad = 0;
		CHECK_ERR(s->ops->verify_journal(s, &n, &bad, NULL), ISO_OK);
	}

	/* R-BUR-05: a stop ends the vote at once, sealed, without grace */
	{
		char dir2[300], path2[320];
		struct registry_store *s2 = NULL;
		struct registry *r2 = NULL;
		struct registry_config c2;
		snprintf(dir2, sizeof dir2, "%s", dir);
		snprintf(path2, sizeof path2, "%s/stopped.db", dir2);
		CHECK_ERR(registry_store_open_sqlite(path2, &s2), ISO_OK);
		c2 = config(s2);
		CHECK_ERR(registry_new(&c2, &r2), ISO_OK);
		CHECK_ERR(registry_import(r2, file, strlen(file), "bureau:test", NULL), ISO_OK);
		now_value = OPENING + 10;
		registry_login_clear(&l2);
		CHECK_ERR(login(r2, &voters[1], NULL, NULL, "kiosk-1", &l2, &retry), ISO_OK);
		forbid(l2.session);
		now_value = OPENING + 20;
		CHECK_ERR(registry_control(r2, REGISTRY_DO_STOP, "bureau:president"), ISO_OK);
		CHECK_ERR(registry_control(r2, REGISTRY_DO_STOP, "bureau:president"), ISO_E_URN_STATE);
		CHECK_ERR(login(r2, &voters[1], NULL, NULL, "kiosk-1", &lz, &retry),
			  ISO_E_VOTING_CLOSED);
		CHECK_ERR(registry_validate(r2, l2.session, voters[1].verifier, POLL_A, "kiosk-1", &rc,
					    &retry),
			  ISO_E_VOTING_CLOSED);
		now_value = CLOSING + GRACE + 1;
		CHECK_ERR(registry_tick(r2), ISO_OK);
		seal_names(s2, names);
		CHECK(strcmp(names, "stop;") == 0);
		registry_login_clear(&l2);
		registry_free(r2);
		s2->ops->close(s2);
		snprintf(path2, sizeof path2, "%s/stopped.db", dir2);
		unlink(path2);
		snprintf(path2, sizeof path2, "%s/stopped.db-wal", dir2);
		unlink(path2);
		snprintf(path2, sizeof path2, "%s/stopped.db-shm", dir2);
		unlink(path2);
	}

	/* R-SEP-01, R-C19-LINK: no credential, verifier, session token, ticket
	 * nonce, tracker or clear answer anywhere in the registry's files */
	registry_login_clear(&l1);
	registry_login_clear(&lz);
	registry_free(r);
	s->ops->close(s);
	forbid("01021980");
	forbid("01/02/1980");
	{
		static const char *const suffixes[] = {"", "-wal", "-shm"};
		char p[320];
		for (size_t k = 0; k < 3; k++) {
			snprintf(p, sizeof p, "%s%s", path, suffixes[k]);
			for (size_t i = 0; i < nforbidden; i++)
				if (forbidden[i] != NULL && file_contains(p, forbidden[i])) {
					fprintf(stderr, "%s holds %s\n", p, forbidden[i]);
					CHECK(!"a secret or a link in the registry's files");
				}
		}
		/* the check itself finds what is there */
		CHECK(file_contains(path, "jeanne.martin") || file_contains(p, "jeanne.martin"));
		for (size_t k = 0; k < 3; k++) {
			snprintf(p, sizeof p, "%s%s", path, suffixes[k]);
			unlink(p);
		}
	}
	rmdir(dir);
	for (size_t i = 0; i < nforbidden; i++)
		free(forbidden[i]);
	free(file);
	EVP_PKEY_free(reg_key);
	EVP_PKEY_free(urn_a);
	EVP_PKEY_free(urn_b);
	EVP_PKEY_free(rogue);
	return check_status();
}
