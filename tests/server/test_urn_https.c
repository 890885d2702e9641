/* The urn over real HTTPS on loopback (mutual TLS, TLS 1.3), with an
 * injected clock: one ballot per credential, final (R-VOTE-02); the same
 * submission again gets the same receipt; replayed tickets, other polls,
 * malformed and oversized bodies, missing or foreign client certificates
 * are refused with a clear error and store nothing; suspend and resume
 * (R-BUR-05); the board shows a tracker without any count
 * (R-D11-NOPARTIAL); closing and the 30-minute grace (R-VOTE-05); seals at
 * opening, closing and the end (R-D11-FREEZE); the published archive is
 * accepted by belenios-tool.
 * Usage: test_urn_https FIXTURE-DIR WORK-DIR (tests/server/fixture.sh) */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_verify.h"
#include "client.h"
#include "hash.h"
#include "signature.h"
#include "urn.h"

#define T0 1900000000 /* the test's "now" at the start */
#define CLOSING (T0 + 3600)
#define GRACE 1800

static const char *work;

static unsigned short port_kiosk, port_bureau, port_public;
static EVP_PKEY *registry_key, *urn_pub, *urn_b_key;
static char uuid_a[32], uuid_b[32];
static struct iso_election *elec_a, *elec_b;

/* ---- tickets and ballots ---- */

static char *ticket(EVP_PKEY *key, const char *poll, int64_t session_start, int64_t issued,
		    int64_t expires)
{
	static int n;
	char nonce[32];
	char *doc = NULL;
	snprintf(nonce, sizeof nonce, "nonce-%08d-%06d", (int)getpid(), n++);
	json_t *p = json_pack("{s:s, s:I, s:I, s:I, s:s}", "poll", poll, "session_start",
			      (json_int_t)session_start, "issued", (json_int_t)issued, "expires",
			      (json_int_t)expires, "nonce", nonce);
	if (p == NULL || signature_sign(key, p, &doc) != ISO_OK)
		exit(2);
	json_decref(p);
	return doc;
}

static char *fresh_ticket(void)
{
	int64_t now = fake_clock(NULL);
	return ticket(registry_key, uuid_a, now - 60, now, now + 600);
}


/* the receipt of a 200 answer, checked against the urn's key */
static json_t *receipt_of(const char *body)
{
	json_t *o = json_loads(body, 0, NULL), *payload = NULL;
	char *doc = json_dumps(json_object_get(o, "receipt"), JSON_COMPACT | JSON_SORT_KEYS);
	CHECK(doc != NULL);
	if (doc != NULL)
		CHECK_ERR(signature_open(urn_pub, doc, strlen(doc), &payload), ISO_OK);
	free(doc);
	json_decref(o);
	return payload;
}

static int64_t bureau_count(void)
{
	json_t *o;
	int64_t n = -1;
	CHECK(req("GET", port_bureau, "/state", NULL, "bureau") == 200);
	o = json_loads(last_body, 0, NULL);
	if (json_is_integer(json_object_get(o, "ballots")))
		n = json_integer_value(json_object_get(o, "ballots"));
	json_decref(o);
	return n;
}

static const char *phase_public(void)
{
	static char phase[32];
	json_t *o;
	CHECK(req("GET", port_public, "/status", NULL, NULL) == 200);
	o = json_loads(last_body, 0, NULL);
	snprintf(phase, sizeof phase, "%s", json_string_value(json_object_get(o, "phase")));
	/* never a count on the public side */
	CHECK(json_object_get(o, "ballots") == NULL);
	json_decref(o);
	return phase;
}


int main(int argc, char **argv)
{
	struct iso_clock clk = {fake_clock, NULL};
	struct urn_config uc = {0};
	struct urn_store *store = NULL;
	struct urn *u = NULL;
	struct https_server *srv[3];
	struct iso_where where;
	char *b1, *b2, *b3, *bb, *t1, *t2, *body, *receipt1 = NULL, tracker1[64];
	size_t l1, l2, l3, lb;
	json_t *r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURE-DIR WORK-DIR\n", argv[0]);
		return 2;
	}
	fx = argv[1];
	work = argv[2];
	set_now(T0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (system(path_of("rm -rf '%s' && mkdir -p '%s/public'", work, work)) != 0)
		return 2;
	for (int i = 0; i < 2; i++) {
		char *s = slurp(path_of("%s/poll-%c/uuid", fx, "ab"[i]), NULL);
		snprintf(i == 0 ? uuid_a : uuid_b, sizeof uuid_a, "%s", s);
		free(s);
	}
	elec_a = election_of("a");
	elec_b = election_of("b");
	CHECK_ERR(signature_key_read(path_of("%s/registry.key", fx), 1, &registry_key), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn.pub", fx), 0, &urn_pub), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn-b.key", fx), 1, &urn_b_key), ISO_OK);

	/* the urn of poll a */
	CHECK_ERR(urn_store_open_sqlite(path_of("%s/urn.sqlite", work), &store), ISO_OK);
	uc.store = store;
	uc.setup_archive = strdup(path_of("%s/poll-a/%s.bel", fx, uuid_a));
	CHECK_ERR(signature_key_read(path_of("%s/urn.key", fx), 1, &uc.receipt_key), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/registry.pub", fx), 0, &uc.ticket_key), ISO_OK);
	uc.closing = CLOSING;
	uc.grace = GRACE;
	uc.skew = 60;
	uc.clock = &clk;
	uc.publish_dir = strdup(path_of("%s/public", work));
	CHECK_ERR(urn_new(&uc, &u, &where), ISO_OK);
	if (u == NULL)
		return check_status();
	port_kiosk = serve(urn_handle_kiosk, u, "kiosk-ca", &srv[0]);
	port_bureau = serve(urn_handle_bureau, u, "bureau-ca", &srv[1]);
	port_public = serve(urn_handle_public, u, NULL, &srv[2]);

	b1 = ballot(elec_a, "a", 0, 1, &l1);
	b2 = ballot(elec_a, "a", 1, 2, &l2);
	b3 = ballot(elec_a, "a", 2, 0, &l3);
	iso_ballot_tracker(b1, l1, tracker1);

	/* prepared: nothing enters before the bureau opens the urn */
	CHECK(strcmp(phase_public(), "prepared") == 0);
	t1 = fresh_ticket();
	body = submission(b1, t1);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 403, "not-started");

	/* client certificates: none, a foreign CA's, one not for TLS clients,
	 * a kiosk's on the bureau's listener */
	EXPECT(req("POST", port_kiosk, "/ballot", body, NULL), 403, "client-certificate");
	EXPECT(req("POST", port_kiosk, "/ballot", body, "rogue"), 403, "client-certificate");
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk-noclient"), 403,
	       "client-certificate");
	EXPECT(req("POST", port_bureau, "/open", "", "kiosk"), 403, "client-certificate");
	EXPECT(req("POST", port_bureau, "/open", "", NULL), 403, "client-certificate");
	/* bureau routes do not exist on the kiosks' listener */
	EXPECT(req("POST", port_kiosk, "/open", "", "kiosk"), 404, "not-found");
	EXPECT(req("GET", port_kiosk, "/ballot", NULL, "kiosk"), 405, "method");

	/* R-BUR-05: the bureau opens; the opening is sealed */
	CHECK(req("POST", port_bureau, "/open", "", "bureau") == 200);
	CHECK(strcmp(phase_public(), "open") == 0);
	EXPECT(req("POST", port_bureau, "/open", "", "bureau"), 409, "urn-state");

	/* a ballot, its receipt; the same submission again, the same receipt */
	CHECK(req("POST", port_kiosk, "/ballot", body, "kiosk") == 200);
	receipt1 = strdup(last_body);
	r = receipt_of(last_body);
	CHECK(r != NULL && json_object_size(r) == 3 &&
	      strcmp(json_string_value(json_object_get(r, "poll")), uuid_a) == 0 &&
	      strcmp(json_string_value(json_object_get(r, "tracker")), tracker1) == 0 &&
	      json_integer_value(json_object_get(r, "time")) == T0);
	json_decref(r);
	set_now(T0 + 5);
	CHECK(req("POST", port_kiosk, "/ballot", body, "kiosk2") == 200);
	CHECK(strcmp(last_body, receipt1) == 0);
	free(body);

	/* R-VOTE-02: a second ballot for the credential is refused */
	bb = ballot(elec_a, "a", 0, 2, &lb);
	t2 = fresh_ticket();
	body = submission(bb, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 409, "credential-used");
	free(body);
	free(bb);
	free(t2);
	/* a replayed ticket with another voter's ballot */
	body = submission(b2, t1);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 409, "ticket-used");
	free(body);
	/* a ticket of another poll, a ticket not signed by the registry, an
	 * expired one, one issued in the future */
	t2 = ticket(registry_key, uuid_b, T0, T0, T0 + 600);
	body = submission(b2, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 400, "wrong-poll");
	free(body);
	free(t2);
	t2 = ticket(urn_b_key, uuid_a, T0, T0, T0 + 600);
	body = submission(b2, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 400, "ticket-invalid");
	free(body);
	free(t2);
	t2 = ticket(registry_key, uuid_a, T0 - 2000, T0 - 1000, T0 - 400);
	body = submission(b2, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 400, "ticket-expired");
	free(body);
	free(t2);
	t2 = ticket(registry_key, uuid_a, T0 + 500, T0 + 500, T0 + 1100);
	body = submission(b2, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 400, "ticket-expired");
	free(body);
	free(t2);
	/* a ballot of another poll */
	bb = ballot(elec_b, "b", 3, 1, &lb);
	t2 = fresh_ticket();
	body = submission(bb, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 400, "wrong-poll");
	free(body);
	free(bb);
	/* a ballot altered in transit: one digit of a proof */
	bb = strdup(b2);
	{
		char *p = strstr(bb, "\"response\":\"") + 12;
		*p = *p == '1' ? '2' : '1';
	}
	body = submission(bb, t2);
	CHECK(req("POST", port_kiosk, "/ballot", body, "kiosk") == 400);
	/* the first check to fail is the signature's (it covers the answers) */
	CHECK(error_is(last_body, "signature-hash-mismatch"));
	free(body);
	free(bb);
	/* malformed and oversized bodies */
	EXPECT(req("POST", port_kiosk, "/ballot", "{\"ballot\":", "kiosk"), 400, "malformed-json");
	EXPECT(req("POST", port_kiosk, "/ballot", "[]", "kiosk"), 400, "wrong-shape");
	EXPECT(req("POST", port_kiosk, "/ballot", "{\"ballot\":\"x\"}", "kiosk"), 400,
	       "wrong-shape");
	EXPECT(req("POST", port_kiosk, "/ballot", "", "kiosk"), 400, "malformed-json");
	{
		size_t n = 70 * 1024;
		char *big = malloc(n + 1);
		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = '\0';
		EXPECT(req("POST", port_kiosk, "/ballot", big, "kiosk"), 413, "too-large");
		free(big);
	}
	/* none of this stored anything */
	CHECK(bureau_count() == 1);

	/* R-BUR-05: suspended, nothing enters; resumed, it does */
	CHECK(req("POST", port_bureau, "/suspend", "", "bureau") == 200);
	CHECK(strcmp(phase_public(), "suspended") == 0);
	body = submission(b2, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 503, "suspended");
	CHECK(req("POST", port_bureau, "/resume", "", "bureau") == 200);
	CHECK(req("POST", port_kiosk, "/ballot", body, "kiosk") == 200);
	free(body);
	free(t2);

	/* the board: a tracker is there or not; the count is the bureau's */
	CHECK(req("GET", port_public, path_of("/board/%s", tracker1), NULL, NULL) == 200);
	CHECK(strstr(last_body, "\"present\":true") != NULL);
	CHECK(req("GET", port_public, "/board/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
		  NULL) == 200);
	CHECK(strstr(last_body, "\"present\":false") != NULL);
	EXPECT(req("GET", port_public, "/board/nonsense", NULL, NULL), 400, "wrong-shape");
	EXPECT(req("GET", port_public, "/trackers", NULL, NULL), 403, "not-published");
	EXPECT(req("GET", port_public, "/archive.bel", NULL, NULL), 403, "not-published");
	EXPECT(req("GET", port_public, "/state", NULL, NULL), 404, "not-found");
	CHECK(bureau_count() == 2);

	/* R-VOTE-05: after closing, a session that started before may finish
	 * within the grace; one that started after may not */
	set_now(CLOSING + 600);
	CHECK(strcmp(phase_public(), "closed") == 0);
	t2 = ticket(registry_key, uuid_a, CLOSING + 10, CLOSING + 500, CLOSING + 1100);
	body = submission(b3, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 403, "voting-closed");
	free(body);
	free(t2);
	CHECK_ERR(urn_tick(u), ISO_OK); /* the closing is recorded and sealed */
	t2 = ticket(registry_key, uuid_a, CLOSING - 300, CLOSING + 500, CLOSING + 1100);
	body = submission(b3, t2);
	CHECK(req("POST", port_kiosk, "/ballot", body, "kiosk") == 200);
	free(body);
	free(t2);
	EXPECT(req("POST", port_bureau, "/resume", "", "bureau"), 409, "urn-state");

	/* the end of the grace: frozen, sealed, published */
	set_now(CLOSING + GRACE + 1);
	bb = ballot(elec_a, "a", 4, 1, &lb);
	t2 = ticket(registry_key, uuid_a, CLOSING - 300, CLOSING + GRACE - 100, CLOSING + GRACE + 500);
	body = submission(bb, t2);
	EXPECT(req("POST", port_kiosk, "/ballot", body, "kiosk"), 403, "voting-closed");
	free(body);
	free(t2);
	free(bb);
	CHECK_ERR(urn_tick(u), ISO_OK);
	CHECK(strcmp(phase_public(), "finished") == 0);
	CHECK(bureau_count() == 3);
	CHECK(req("GET", port_public, "/trackers", NULL, NULL) == 200);
	{
		json_t *o = json_loads(last_body, 0, NULL);
		json_t *a = json_object_get(o, "trackers");
		CHECK(json_array_size(a) == 3);
		json_decref(o);
	}
	/* the seals: opening, closing, end, each signed by the urn */
	CHECK(req("GET", port_public, "/seals", NULL, NULL) == 200);
	{
		json_t *o = json_loads(last_body, 0, NULL), *a = json_object_get(o, "seals"), *s;
		size_t i;
		static const char *const events[] = {"opening", "closing", "end"};
		CHECK(json_array_size(a) == 3);
		json_array_foreach(a, i, s)
		{
			char *doc = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
			json_t *p = NULL;
			CHECK_ERR(signature_open(urn_pub, doc, strlen(doc), &p), ISO_OK);
			CHECK(i < 3 && p != NULL &&
			      strcmp(json_string_value(json_object_get(p, "event")), events[i]) == 0);
			if (i == 1) /* at closing, two ballots; the grace's came after */
				CHECK(json_integer_value(json_object_get(p, "ballots")) == 2 &&
				      json_integer_value(json_object_get(p, "time")) == CLOSING);
			if (i == 2)
				CHECK(json_integer_value(json_object_get(p, "ballots")) == 3);
			json_decref(p);
			free(doc);
		}
		json_decref(o);
	}
	CHECK(req("GET", port_bureau, "/journal", NULL, "bureau") == 200);
	/* the published archive (binary: fetched with curl into a file); ours
	 * and belenios-tool accept it */
	CHECK(system(path_of("mkdir -p '%s/published'", work)) == 0);
	CHECK(system(path_of("curl -s --fail --cacert '%s/server-ca.pem' --tlsv1.3 --noproxy '*'"
			     " -o '%s/published/%s.bel' https://127.0.0.1:%u/archive.bel",
			     fx, work, uuid_a, port_public)) == 0);
	{
		struct iso_verified *v = NULL;
		struct iso_verify_opts vo = {0};
		CHECK_ERR(iso_archive_verify(path_of("%s/published/%s.bel", work, uuid_a), &vo, &v,
					     &where),
			  ISO_OK);
		CHECK(v != NULL && v->nballots == 3 && v->ended);
		iso_verified_free(v);
	}
	CHECK(system(path_of("belenios-tool election verify --dir '%s/published' >/dev/null",
			     work)) == 0);

	for (int i = 0; i < 3; i++)
		https_stop(srv[i]);
	urn_free(u);
	store->ops->close(store);
	free(b1);
	free(b2);
	free(b3);
	free(t1);
	free(receipt1);
	free(last_body);
	free((char *)uc.setup_archive);
	free((char *)uc.publish_dir);
	EVP_PKEY_free(uc.receipt_key);
	EVP_PKEY_free(uc.ticket_key);
	EVP_PKEY_free(registry_key);
	EVP_PKEY_free(urn_pub);
	EVP_PKEY_free(urn_b_key);
	iso_election_free(elec_a);
	iso_election_free(elec_b);
	curl_global_cleanup();
	return check_status();
}
