/* The registry and an urn over real HTTPS on loopback (mutual TLS, TLS
 * 1.3), with an injected clock, the way a kiosk uses them: login with
 * identifier, password and challenge answer; lockout per identifier and
 * per kiosk with the delay in the error; re-authentication and a voting
 * ticket (no identity in it) that the urn accepts once; émargement pending
 * then voted through the urn's receipt (R-SEP-02), a forged receipt
 * refused; one vote per voter and poll (R-VOTE-02); the bureau's counts,
 * pending list and CSV, never on a kiosk's listener (R-D11-NOPARTIAL);
 * suspend and resume (R-BUR-05); closing and the 30-minute grace
 * (R-VOTE-05); the seals at closing and at the end of the grace
 * (R-D11-FREEZE); bad bodies and certificates refused with a clear error;
 * neither database holds what would join a voter to a ballot (R-SEP-01,
 * R-C19-LINK).
 * Usage: test_registry_https FIXTURE-DIR WORK-DIR (tests/server/fixture.sh) */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "hash.h"
#include "registry.h"
#include "signature.h"
#include "urn.h"

#define T0 1900000000
#define OPENING (T0 - 3600)
#define CLOSING (T0 + 3600)
#define GRACE 1800

static const struct registry_argon2 test_cost = {1, 2048, 1};

static const char *work;
static unsigned short reg_kiosk, reg_bureau, urn_kiosk, urn_bureau;
static EVP_PKEY *registry_pub, *urn_pub, *urn_b_key;
static char uuid_a[32], uuid_b[32];
static struct iso_election *elec_a;
static struct registry *reg;
static struct urn *urn;

/* Voters 0..5 vote in poll a with the fixture's credentials 0..5 of poll
 * a; voter 6 in poll b with credential 0 of poll b. */
#define NVOTERS 7
static char ids[NVOTERS][32], answers[NVOTERS][32], creds[NVOTERS][ISO_CREDENTIAL_LEN + 1],
	verifiers[NVOTERS][ISO_B64_HASH_LEN + 1];

static char *voter_file(void)
{
	struct registry_voter v[NVOTERS];
	char *json = NULL;
	size_t len;
	for (int i = 0; i < NVOTERS; i++) {
		const char *poll = i < 6 ? uuid_a : uuid_b;
		snprintf(ids[i], sizeof ids[i], "agent.%d@exemple.fr", i);
		snprintf(answers[i], sizeof answers[i], "0%d/02/1980", i + 1);
		credential(i < 6 ? "a" : "b", i < 6 ? i : 0, creds[i]);
		CHECK_ERR(iso_registry_verifier(ids[i], creds[i], verifiers[i]), ISO_OK);
		CHECK_ERR(registry_voter_make(&test_cost, ids[i], i == 0 ? "Élise Lefèvre" : ids[i],
					      answers[i], verifiers[i], &poll, 1, &v[i]),
			  ISO_OK);
	}
	CHECK_ERR(registry_voters_write(v, NVOTERS, &json, &len), ISO_OK);
	for (int i = 0; i < NVOTERS; i++)
		registry_voter_clear(&v[i]);
	return json;
}

/* ---- a kiosk's requests ---- */

static json_t *body_json(void)
{
	return json_loads(last_body, 0, NULL);
}

static long login_as(int i, const char *verifier, const char *answer, const char *kiosk)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "identifier", ids[i], "verifier",
			      verifier != NULL ? verifier : verifiers[i], "answer",
			      answer != NULL ? answer : answers[i]);
	char *s = json_dumps(o, JSON_COMPACT);
	long st = req("POST", reg_kiosk, "/login", s, kiosk);
	json_decref(o);
	free(s);
	return st;
}

/* login as voter i at the kiosk; its session token into sess */
static void login_ok(int i, const char *kiosk, char sess[REGISTRY_TOKEN_LEN + 1])
{
	json_t *o;
	sess[0] = '\0';
	CHECK(login_as(i, NULL, NULL, kiosk) == 200);
	o = body_json();
	snprintf(sess, REGISTRY_TOKEN_LEN + 1, "%s",
		 json_string_value(json_object_get(o, "session")) != NULL
			 ? json_string_value(json_object_get(o, "session"))
			 : "");
	json_decref(o);
	CHECK(strlen(sess) == REGISTRY_TOKEN_LEN);
}

/* the state of poll in the last login answer */
static const char *login_state(const char *poll)
{
	static char st[16];
	json_t *o = body_json(), *p;
	size_t k;
	st[0] = '\0';
	json_array_foreach(json_object_get(o, "polls"), k, p)
		if (strcmp(json_string_value(json_object_get(p, "poll")), poll) == 0)
			snprintf(st, sizeof st, "%s", json_string_value(json_object_get(p, "state")));
	json_decref(o);
	return st;
}

static long validate(const char *sess, const char *verifier, const char *poll,
		     const char *kiosk)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "session", sess, "verifier", verifier, "poll",
			      poll);
	char *s = json_dumps(o, JSON_COMPACT);
	long st = req("POST", reg_kiosk, "/validate", s, kiosk);
	json_decref(o);
	free(s);
	return st;
}

/* the ticket document of the last /validate answer */
static char *ticket_of_answer(void)
{
	json_t *o = body_json();
	char *t = json_dumps(json_object_get(o, "ticket"), JSON_COMPACT);
	json_decref(o);
	return t;
}

/* the receipt object of the last urn answer, as a string */
static char *receipt_of_answer(void)
{
	json_t *o = body_json();
	char *t = json_dumps(json_object_get(o, "receipt"), JSON_COMPACT);
	json_decref(o);
	return t;
}

static long confirm(const char *sess, const char *poll, const char *receipt, const char *kiosk)
{
	json_t *o = json_pack("{s:s, s:s, s:o}", "session", sess, "poll", poll, "receipt",
			      json_loads(receipt, 0, NULL));
	char *s = json_dumps(o, JSON_COMPACT);
	long st = req("POST", reg_kiosk, "/confirm", s, kiosk);
	json_decref(o);
	free(s);
	return st;
}

/* The whole vote of voter i (poll a) at the kiosk: login, validation,
 * the ballot to the urn, the receipt back to the registry. */
static void vote(int i, int choice, const char *kiosk)
{
	char sess[REGISTRY_TOKEN_LEN + 1], *t, *b, *sub, *rc;
	size_t len;
	login_ok(i, kiosk, sess);
	CHECK(strcmp(login_state(uuid_a), "to-vote") == 0);
	CHECK(validate(sess, verifiers[i], uuid_a, kiosk) == 200);
	t = ticket_of_answer();
	b = ballot(elec_a, "a", i, choice, &len);
	sub = submission(b, t);
	CHECK(req("POST", urn_kiosk, "/ballot", sub, kiosk) == 200);
	rc = receipt_of_answer();
	CHECK(confirm(sess, uuid_a, rc, kiosk) == 200);
	CHECK(req("POST", reg_kiosk, "/logout",
		  path_of("{\"session\":\"%s\"}", sess), kiosk) == 200);
	free(t);
	free(b);
	free(sub);
	free(rc);
}

/* ---- the bureau ---- */

/* counts of poll a: voters, pending, voted */
static void counts_a(int64_t *voters, int64_t *pending, int64_t *voted)
{
	json_t *o, *p;
	size_t k;
	*voters = *pending = *voted = -1;
	CHECK(req("GET", reg_bureau, "/counts", NULL, "bureau") == 200);
	o = body_json();
	json_array_foreach(json_object_get(o, "polls"), k, p)
		if (strcmp(json_string_value(json_object_get(p, "poll")), uuid_a) == 0) {
			*voters = json_integer_value(json_object_get(p, "voters"));
			*pending = json_integer_value(json_object_get(p, "pending"));
			*voted = json_integer_value(json_object_get(p, "voted"));
		}
	json_decref(o);
}

static const char *phase(void)
{
	static char ph[32];
	json_t *o;
	CHECK(req("GET", reg_kiosk, "/status", NULL, "kiosk") == 200);
	o = body_json();
	snprintf(ph, sizeof ph, "%s", json_string_value(json_object_get(o, "phase")));
	/* a kiosk sees the phase and the clock (its maintenance measures the
	 * offset), never a count */
	CHECK(json_object_size(o) == 2 && json_is_integer(json_object_get(o, "time")));
	json_decref(o);
	return ph;
}

/* does the file hold the bytes s? */
static int file_has(const char *path, const char *s)
{
	FILE *f = fopen(path, "rb");
	size_t n = strlen(s), cap = 1 << 24, len;
	char *buf = malloc(cap);
	int found = 0;
	if (f == NULL || buf == NULL) {
		free(buf);
		if (f != NULL)
			fclose(f);
		return 0;
	}
	len = fread(buf, 1, cap, f);
	fclose(f);
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(buf + i, s, n) == 0;
	free(buf);
	return found;
}

static void check_no_link(const char *tracker, const char *nonce)
{
	static const char *const dbs[] = {"registry.sqlite", "registry.sqlite-wal", "urn.sqlite",
					  "urn.sqlite-wal"};
	for (size_t d = 0; d < 4; d++) {
		const char *p = path_of("%s/%s", work, dbs[d]);
		/* nowhere a credential or a verifier */
		for (int i = 0; i < NVOTERS; i++) {
			CHECK(!file_has(p, creds[i]));
			CHECK(!file_has(p, verifiers[i]));
		}
		/* the urn holds no identifier, and the registry no tracker and
		 * no ticket nonce */
		if (d >= 2)
			for (int i = 0; i < NVOTERS; i++)
				CHECK(!file_has(p, ids[i]));
		else {
			CHECK(!file_has(p, tracker));
			CHECK(!file_has(p, nonce));
		}
	}
}

int main(int argc, char **argv)
{
	struct iso_clock clk = {fake_clock, NULL};
	struct urn_config uc = {0};
	struct registry_config rc = {0};
	struct registry_poll polls[2];
	struct urn_store *ustore = NULL;
	struct registry_store *rstore = NULL;
	struct https_server *srv[4] = {NULL};
	struct iso_where where;
	char *file, s0[REGISTRY_TOKEN_LEN + 1], s1[REGISTRY_TOKEN_LEN + 1],
		s2[REGISTRY_TOKEN_LEN + 1], *t = NULL, *b, *sub, *rcpt, tracker[64], nonce[64];
	size_t len;
	int64_t nv, np, nd;
	EVP_PKEY *registry_key = NULL, *urn_b_pub = NULL;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURE-DIR WORK-DIR\n", argv[0]);
		return 2;
	}
	fx = argv[1];
	work = argv[2];
	set_now(OPENING - 100);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (system(path_of("rm -rf '%s' && mkdir -p '%s/public'", work, work)) != 0)
		return 2;
	for (int i = 0; i < 2; i++) {
		char *s = slurp(path_of("%s/poll-%c/uuid", fx, "ab"[i]), NULL);
		snprintf(i == 0 ? uuid_a : uuid_b, sizeof uuid_a, "%s", s);
		free(s);
	}
	elec_a = election_of("a");
	CHECK_ERR(signature_key_read(path_of("%s/registry.key", fx), 1, &registry_key), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/registry.pub", fx), 0, &registry_pub), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn.pub", fx), 0, &urn_pub), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn-b.key", fx), 1, &urn_b_key), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn-b.pub", fx), 0, &urn_b_pub), ISO_OK);

	/* the registry: polls a and b; 3 failures lock an identifier, 6 a kiosk */
	CHECK_ERR(registry_store_open_sqlite(path_of("%s/registry.sqlite", work), &rstore), ISO_OK);
	polls[0] = (struct registry_poll){uuid_a, "Comité social et économique", urn_pub};
	polls[1] = (struct registry_poll){uuid_b, "Délégués du personnel", urn_b_pub};
	rc = (struct registry_config){
		.store = rstore,
		.ticket_key = registry_key,
		.polls = polls,
		.npolls = 2,
		.opening = OPENING,
		.closing = CLOSING,
		.grace = GRACE,
		.session_ttl = 7200, /* outlives the grace, to see the phase refuse */
		.ticket_ttl = 600,
		.skew = 60,
		.lock_identifier = {3, 60, 3600},
		.lock_kiosk = {6, 30, 900},
		.clock = &clk,
	};
	CHECK_ERR(registry_new(&rc, &reg), ISO_OK);
	if (reg == NULL)
		return check_status();
	file = voter_file();
	CHECK_ERR(registry_import(reg, file, strlen(file), "bureau:test", NULL), ISO_OK);
	free(file);

	/* the urn of poll a, trusting the registry's tickets */
	CHECK_ERR(urn_store_open_sqlite(path_of("%s/urn.sqlite", work), &ustore), ISO_OK);
	uc.store = ustore;
	uc.setup_archive = strdup(path_of("%s/poll-a/%s.bel", fx, uuid_a));
	CHECK_ERR(signature_key_read(path_of("%s/urn.key", fx), 1, &uc.receipt_key), ISO_OK);
	uc.ticket_key = registry_pub;
	uc.closing = CLOSING;
	uc.grace = GRACE;
	uc.skew = 60;
	uc.clock = &clk;
	uc.publish_dir = strdup(path_of("%s/public", work));
	CHECK_ERR(urn_new(&uc, &urn, &where), ISO_OK);
	if (urn == NULL)
		return check_status();

	reg_kiosk = serve(registry_handle_kiosk, reg, "kiosk-ca", &srv[0]);
	reg_bureau = serve(registry_handle_bureau, reg, "bureau-ca", &srv[1]);
	urn_kiosk = serve(urn_handle_kiosk, urn, "kiosk-ca", &srv[2]);
	urn_bureau = serve(urn_handle_bureau, urn, "bureau-ca", &srv[3]);

	/* before the opening nobody logs in */
	CHECK(strcmp(phase(), "not-started") == 0);
	EXPECT(login_as(0, NULL, NULL, "kiosk"), 403, "not-started");
	set_now(T0);
	CHECK(strcmp(phase(), "open") == 0);
	CHECK(req("POST", urn_bureau, "/open", "", "bureau") == 200);

	/* certificates: none, a foreign CA's, not for TLS clients; a kiosk's
	 * on the bureau's listener; the bureau's routes not on the kiosks' */
	EXPECT(login_as(0, NULL, NULL, NULL), 403, "client-certificate");
	EXPECT(login_as(0, NULL, NULL, "rogue"), 403, "client-certificate");
	EXPECT(login_as(0, NULL, NULL, "kiosk-noclient"), 403, "client-certificate");
	EXPECT(req("GET", reg_bureau, "/counts", NULL, "kiosk"), 403, "client-certificate");
	EXPECT(req("GET", reg_kiosk, "/counts", NULL, "kiosk"), 404, "not-found");
	EXPECT(req("GET", reg_kiosk, "/emargement.csv", NULL, "kiosk"), 404, "not-found");
	EXPECT(req("GET", reg_kiosk, "/login", NULL, "kiosk"), 405, "method");

	/* malformed and oversized bodies */
	EXPECT(req("POST", reg_kiosk, "/login", "{\"identifier\":", "kiosk"), 400, "malformed-json");
	EXPECT(req("POST", reg_kiosk, "/login",
		   path_of("{\"identifier\":\"%s\",\"verifier\":\"%s\",\"answer\":\"%s\",\"x\":1}",
			   ids[0], verifiers[0], answers[0]),
		   "kiosk"),
	       400, "wrong-shape");
	EXPECT(req("POST", reg_kiosk, "/login",
		   path_of("{\"identifier\":\"%s\",\"verifier\":\"%s\",\"answer\":\"\"}", ids[0],
			   verifiers[0]),
		   "kiosk"),
	       400, "wrong-shape");
	{
		size_t big = 100 * 1024;
		char *huge = malloc(big + 1);
		memset(huge, 'a', big);
		huge[big] = '\0';
		EXPECT(req("POST", reg_kiosk, "/login", huge, "kiosk"), 413, "too-large");
		free(huge);
	}

	/* login: the voter's polls and their state; the answer as typed with
	 * other separators is the same answer */
	CHECK(login_as(0, NULL, "01 02 1980", "kiosk") == 200);
	{
		json_t *o = body_json();
		CHECK(strcmp(json_string_value(json_object_get(o, "name")), "Élise Lefèvre") == 0);
		CHECK(json_array_size(json_object_get(o, "polls")) == 1);
		json_decref(o);
	}
	CHECK(strcmp(login_state(uuid_a), "to-vote") == 0);

	/* wrong answer, wrong password, unknown identifier: the same error */
	EXPECT(login_as(1, NULL, "31/12/1999", "kiosk"), 401, "login-failed");
	EXPECT(login_as(1, verifiers[2], NULL, "kiosk"), 401, "login-failed");
	{
		char saved[32];
		memcpy(saved, ids[1], sizeof saved);
		snprintf(ids[1], sizeof ids[1], "inconnu@exemple.fr");
		EXPECT(login_as(1, NULL, NULL, "kiosk"), 401, "login-failed");
		memcpy(ids[1], saved, sizeof saved);
	}
	/* the third failure of an identifier locks it: even the right password
	 * is refused, with the delay to wait; after it, the voter logs in */
	EXPECT(login_as(1, NULL, "31/12/1999", "kiosk"), 429, "locked-out");
	EXPECT(login_as(1, NULL, NULL, "kiosk2"), 429, "locked-out");
	{
		json_t *o = body_json();
		json_int_t wait = json_integer_value(json_object_get(o, "retry_after"));
		CHECK(wait > 0 && wait <= 60);
		json_decref(o);
	}
	set_now(T0 + 61);
	login_ok(1, "kiosk2", s1);

	/* a kiosk that fails 6 times in a row (any identifiers) is locked; the
	 * other kiosk is not */
	for (int k = 0; k < 5; k++)
		EXPECT(login_as(2 + k % 3, NULL, "00/00/0000", "kiosk2"), 401, "login-failed");
	EXPECT(login_as(5, NULL, "00/00/0000", "kiosk2"), 429, "locked-out");
	EXPECT(login_as(5, NULL, NULL, "kiosk2"), 429, "locked-out");
	set_now(T0 + 200);
	login_ok(0, "kiosk", s0);

	/* a session belongs to its kiosk and its voter's polls */
	EXPECT(validate(s0, verifiers[0], uuid_a, "kiosk2"), 401, "session");
	EXPECT(validate("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", verifiers[0], uuid_a,
			"kiosk"),
	       401, "session");
	EXPECT(validate(s0, verifiers[0], uuid_b, "kiosk"), 403, "not-voter");
	/* R-VOTE-02: the password again at validation */
	EXPECT(validate(s0, verifiers[1], uuid_a, "kiosk"), 401, "login-failed");
	CHECK(validate(s0, verifiers[0], uuid_a, "kiosk") == 200);
	t = ticket_of_answer();
	{
		/* the ticket: the registry's signature, the poll, no identity */
		json_t *p = NULL;
		CHECK_ERR(signature_open(registry_pub, t, strlen(t), &p), ISO_OK);
		CHECK(p != NULL && json_object_size(p) == 5 &&
		      strcmp(json_string_value(json_object_get(p, "poll")), uuid_a) == 0 &&
		      json_integer_value(json_object_get(p, "issued")) == T0 + 200 &&
		      json_integer_value(json_object_get(p, "expires")) == T0 + 800);
		CHECK(strstr(t, ids[0]) == NULL);
		snprintf(nonce, sizeof nonce, "%s", json_string_value(json_object_get(p, "nonce")));
		json_decref(p);
	}
	counts_a(&nv, &np, &nd);
	CHECK(nv == 6 && np == 1 && nd == 0);
	CHECK(req("GET", reg_bureau, "/pending", NULL, "bureau") == 200);
	CHECK(strstr(last_body, ids[0]) != NULL);

	/* the ballot with the ticket; the receipt to the registry */
	b = ballot(elec_a, "a", 0, 1, &len);
	iso_ballot_tracker(b, len, tracker);
	sub = submission(b, t);
	CHECK(req("POST", urn_kiosk, "/ballot", sub, "kiosk") == 200);
	rcpt = receipt_of_answer();
	/* a receipt signed by another urn, or for another poll, is refused */
	{
		json_t *p = json_pack("{s:s, s:I, s:s}", "poll", uuid_a, "time", (json_int_t)T0 + 200,
				      "tracker", tracker);
		char *forged = NULL;
		CHECK_ERR(signature_sign_new(urn_b_key, p, &forged), ISO_OK);
		EXPECT(confirm(s0, uuid_a, forged, "kiosk"), 400, "bad-receipt");
		free(forged);
		EXPECT(confirm(s0, uuid_b, rcpt, "kiosk"), 400, "bad-receipt");
	}
	CHECK(confirm(s0, uuid_a, rcpt, "kiosk") == 200);
	/* the kiosk retries: the same answer, nothing counted twice */
	CHECK(confirm(s0, uuid_a, rcpt, "kiosk") == 200);
	counts_a(&nv, &np, &nd);
	CHECK(nv == 6 && np == 0 && nd == 1);
	/* voted is final: no second ticket, now or in a new session */
	EXPECT(validate(s0, verifiers[0], uuid_a, "kiosk"), 409, "already-voted");
	login_ok(0, "kiosk", s0);
	CHECK(strcmp(login_state(uuid_a), "voted") == 0);
	/* the ticket is spent at the urn */
	{
		size_t l2;
		char *b2 = ballot(elec_a, "a", 3, 0, &l2), *sub2 = submission(b2, t);
		EXPECT(req("POST", urn_kiosk, "/ballot", sub2, "kiosk"), 409, "ticket-used");
		free(b2);
		free(sub2);
	}
	free(sub);
	free(b);

	/* voters 1 and 2 vote through the whole flow */
	vote(1, 2, "kiosk2");
	set_now(T0 + 300);
	vote(2, 0, "kiosk");

	/* a voter given a ticket whose receipt never comes back: pending, for
	 * the bureau's reconciliation */
	login_ok(3, "kiosk", s2);
	CHECK(validate(s2, verifiers[3], uuid_a, "kiosk") == 200);
	counts_a(&nv, &np, &nd);
	CHECK(nv == 6 && np == 1 && nd == 3);

	/* R-BUR-05: suspended, no login and no ticket; a receipt still
	 * counts; resumed */
	EXPECT(req("POST", reg_bureau, "/suspend", "", "kiosk"), 403, "client-certificate");
	CHECK(req("POST", reg_bureau, "/suspend", "", "bureau") == 200);
	CHECK(strcmp(phase(), "suspended") == 0);
	EXPECT(login_as(4, NULL, NULL, "kiosk"), 503, "suspended");
	EXPECT(req("POST", reg_bureau, "/suspend", "", "bureau"), 409, "urn-state");
	CHECK(req("POST", reg_bureau, "/resume", "", "bureau") == 200);

	/* R-VOTE-05: voter 4 logs in before closing; after it, nobody new
	 * logs in, voter 4 gets a ticket and the urn takes the ballot within
	 * the grace */
	set_now(CLOSING - 60);
	login_ok(4, "kiosk", s1);
	set_now(CLOSING + 300);
	CHECK_ERR(registry_tick(reg), ISO_OK);
	CHECK_ERR(urn_tick(urn), ISO_OK);
	CHECK(strcmp(phase(), "grace") == 0);
	EXPECT(login_as(5, NULL, NULL, "kiosk"), 403, "voting-closed");
	CHECK(validate(s1, verifiers[4], uuid_a, "kiosk") == 200);
	{
		char *t4 = ticket_of_answer(), *b4 = ballot(elec_a, "a", 4, 2, &len),
		     *sub4 = submission(b4, t4), *r4;
		CHECK(req("POST", urn_kiosk, "/ballot", sub4, "kiosk") == 200);
		r4 = receipt_of_answer();
		CHECK(confirm(s1, uuid_a, r4, "kiosk") == 200);
		free(t4);
		free(b4);
		free(sub4);
		free(r4);
	}

	/* the end of the grace: frozen and sealed; no ticket, no receipt */
	set_now(CLOSING + GRACE + 1);
	CHECK_ERR(registry_tick(reg), ISO_OK);
	CHECK_ERR(urn_tick(urn), ISO_OK);
	CHECK(strcmp(phase(), "finished") == 0);
	EXPECT(validate(s2, verifiers[3], uuid_a, "kiosk"), 403, "voting-closed");
	EXPECT(confirm(s2, uuid_a, rcpt, "kiosk"), 403, "voting-closed");
	EXPECT(req("POST", reg_bureau, "/resume", "", "bureau"), 409, "urn-state");

	/* R-D11-FREEZE: two seals, closing and end of grace, each the
	 * registry's signature over the list's hash and the counts */
	CHECK(req("GET", reg_bureau, "/seals", NULL, "bureau") == 200);
	{
		json_t *o = body_json(), *a = json_object_get(o, "seals"), *sd;
		size_t k;
		CHECK(json_array_size(a) == 2);
		json_array_foreach(a, k, sd)
		{
			char *doc = json_dumps(sd, JSON_COMPACT);
			json_t *p = NULL;
			CHECK_ERR(signature_open(registry_pub, doc, strlen(doc), &p), ISO_OK);
			CHECK(p != NULL && strcmp(json_string_value(json_object_get(p, "event")),
						  k == 0 ? "closing" : "end-of-grace") == 0);
			json_decref(p);
			free(doc);
		}
		json_decref(o);
	}
	/* the émargement list: 4 voted, 1 pending, named; its hash is the
	 * final seal's */
	CHECK(req("GET", reg_bureau, "/emargement.csv", NULL, "bureau") == 200);
	{
		char hex[65];
		size_t voted = 0, pending = 0;
		for (const char *p = last_body; (p = strstr(p, ";voted;")) != NULL; p++)
			voted++;
		for (const char *p = last_body; (p = strstr(p, ";pending;")) != NULL; p++)
			pending++;
		CHECK(strncmp(last_body, "identifier;name;poll;state;time\r\n", 33) == 0);
		CHECK(voted == 4 && pending == 5);
		CHECK(strstr(last_body, "Élise Lefèvre") != NULL);
		iso_sha256_hex(last_body, strlen(last_body), hex);
		CHECK(req("GET", reg_bureau, "/seals", NULL, "bureau") == 200);
		CHECK(strstr(last_body, hex) != NULL);
	}
	CHECK(req("GET", reg_bureau, "/journal", NULL, "bureau") == 200);
	CHECK(strstr(last_body, "\"head\"") != NULL);

	/* R-SEP-01, R-C19-LINK */
	check_no_link(tracker, nonce);

	for (int i = 0; i < 4; i++)
		https_stop(srv[i]);
	registry_free(reg);
	rstore->ops->close(rstore);
	urn_free(urn);
	ustore->ops->close(ustore);
	free(t);
	free(rcpt);
	free(last_body);
	free((char *)uc.setup_archive);
	free((char *)uc.publish_dir);
	EVP_PKEY_free(uc.receipt_key);
	EVP_PKEY_free(registry_key);
	EVP_PKEY_free(registry_pub);
	EVP_PKEY_free(urn_pub);
	EVP_PKEY_free(urn_b_key);
	EVP_PKEY_free(urn_b_pub);
	iso_election_free(elec_a);
	curl_global_cleanup();
	return check_status();
}
