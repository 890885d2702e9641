/* The kiosk's network (net/) against real HTTPS servers on loopback: the
 * pinned key (R-AUTH-05) — an imposter with a certificate of the same CA
 * for the same names is refused at once, nothing sent, no retry, no
 * backup; the kiosk's client certificate; failover to the backup address,
 * which then stays the current one; retries of the same bytes after 503s;
 * the deadline of a server that never answers; answers that are not JSON;
 * the protocol's refusals; configuration checks; and a submission whose
 * answer is lost (the urn stored the ballot, the kiosk timed out): the
 * retry gets the same receipt and the urn holds exactly one ballot.
 * Usage: test_net FIXTURE-DIR WORK-DIR (tests/server/fixture.sh) */
#include <curl/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "net.h"
#include "signature.h"
#include "urn.h"

#define T0 1900000000

static const char *work;

/* ---- servers under test ---- */

struct echo {
	atomic_int hits;
	int fail_first; /* answer 503 to this many requests first */
	long sleep_ms;  /* before answering */
	int plain;      /* answer text, not JSON */
	char first_body[256], last_body[256];
};

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

static void echo_handler(void *arg, const struct https_request *req, struct https_response *resp)
{
	struct echo *e = arg;
	int k = atomic_fetch_add(&e->hits, 1);
	char *b = strndup(req->body != NULL ? req->body : "", req->len);
	snprintf(k == 0 ? e->first_body : e->last_body, sizeof e->first_body, "%s", b);
	free(b);
	if (e->sleep_ms > 0)
		sleep_ms(e->sleep_ms);
	if (k < e->fail_first) {
		https_reply_error(resp, 503, ISO_E_URN_SUSPENDED, NULL);
		return;
	}
	if (e->plain) {
		https_reply_bytes(resp, 200, "text/plain", "bonjour", 7);
		return;
	}
	if (strcmp(req->path, "/voted") == 0) {
		https_reply_error(resp, 409, ISO_E_ALREADY_VOTED, NULL);
		return;
	}
	https_reply_json(resp, 200,
			 json_pack("{s:s, s:s, s:i}", "client", req->client, "path", req->path,
				   "hit", k + 1));
}

/* the urn, whose first answer is lost: the ballot is stored, then the
 * handler outlives the kiosk's timeout */
static struct urn *urn;
static atomic_int urn_calls;
static void lossy_urn(void *arg, const struct https_request *req, struct https_response *resp)
{
	urn_handle_kiosk(arg, req, resp);
	if (atomic_fetch_add(&urn_calls, 1) == 0)
		sleep_ms(1500);
}

static struct net_server server(const char *name, unsigned short port, const char *pin,
				unsigned short backup_port, const char *backup_pin)
{
	struct net_server s;
	memset(&s, 0, sizeof s);
	s.name = name;
	CHECK_ERR(net_endpoint_set(&s.primary, path_of("https://127.0.0.1:%u", port), pin), ISO_OK);
	if (backup_port != 0)
		CHECK_ERR(net_endpoint_set(&s.backup, path_of("https://127.0.0.1:%u", backup_port),
					   backup_pin),
			  ISO_OK);
	return s;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned short dead_port(void)
{
	/* a port that was bound and is free again: nothing listens there */
	struct https_server *s;
	struct echo e = {0};
	unsigned short p = serve(echo_handler, &e, NULL, &s);
	https_stop(s);
	return p;
}

static unsigned short serve_as(const char *cert, https_handler_fn fn, void *arg,
			       struct https_server **ret)
{
	char c[1024], k[1024], ca[1024];
	struct https_config hc = {"127.0.0.1", 0, c, k, ca, 64 * 1024, 10, 64};
	snprintf(c, sizeof c, "%s/%s.pem", fx, cert);
	snprintf(k, sizeof k, "%s/%s.key", fx, cert);
	snprintf(ca, sizeof ca, "%s/kiosk-ca.pem", fx);
	CHECK_ERR(https_start(&hc, fn, arg, ret), ISO_OK);
	return *ret != NULL ? https_port(*ret) : 0;
}

int main(int argc, char **argv)
{
	struct net_config nc = {0};
	struct net *n = NULL;
	struct net_answer a;
	struct net_server s;
	struct https_server *srv[8] = {NULL};
	struct echo primary = {0}, backup = {0}, imposter = {0}, flaky = {0}, slow = {0},
		    plain = {0};
	char pin[NET_PIN_LEN + 1], pin_other[NET_PIN_LEN + 1], *expected;
	unsigned short p_primary, p_backup, p_imposter, p_flaky, p_slow, p_plain, p_dead;
	struct net_endpoint e;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURE-DIR WORK-DIR\n", argv[0]);
		return 2;
	}
	fx = argv[1];
	work = argv[2];
	set_now(T0);
	if (system(path_of("rm -rf '%s' && mkdir -p '%s/public'", work, work)) != 0)
		return 2;

	/* pins: ours equals openssl's (tests/server/pki.sh) */
	CHECK_ERR(net_pin_of_file(path_of("%s/server.pem", fx), pin), ISO_OK);
	expected = slurp(path_of("%s/server.pin", fx), NULL);
	CHECK(strcmp(pin, expected) == 0);
	free(expected);
	CHECK_ERR(net_pin_of_file(path_of("%s/server-other.pem", fx), pin_other), ISO_OK);
	CHECK(strcmp(pin, pin_other) != 0);
	CHECK_ERR(net_pin_of_file(path_of("%s/nothing.pem", fx), pin_other), ISO_E_IO);
	CHECK_ERR(net_pin_of_file(path_of("%s/server.pin", fx), pin_other), ISO_E_CONFIG);
	CHECK_ERR(net_pin_of_file(path_of("%s/server-other.pem", fx), pin_other), ISO_OK);

	/* endpoints: https, host[:port], no path; a pin of 44 base64 characters */
	CHECK_ERR(net_endpoint_set(&e, "https://127.0.0.1:8443", pin), ISO_OK);
	CHECK_ERR(net_endpoint_set(&e, "http://127.0.0.1:8443", pin), ISO_E_CONFIG);
	CHECK_ERR(net_endpoint_set(&e, "https://127.0.0.1:8443/x", pin), ISO_E_CONFIG);
	CHECK_ERR(net_endpoint_set(&e, "https://user@127.0.0.1", pin), ISO_E_CONFIG);
	CHECK_ERR(net_endpoint_set(&e, "https://", pin), ISO_E_CONFIG);
	CHECK_ERR(net_endpoint_set(&e, "https://127.0.0.1", "sha256//abc"), ISO_E_CONFIG);
	CHECK_ERR(net_endpoint_set(&e, "https://127.0.0.1", NULL), ISO_E_CONFIG);

	nc.client_cert = path_of("%s/kiosk.pem", fx);
	nc.client_key = path_of("%s/kiosk.key", fx);
	nc.connect_timeout_ms = 1000;
	nc.request_timeout_ms = 500;
	nc.deadline_ms = 4000;
	nc.backoff_ms = 50;
	CHECK_ERR(net_new(&nc, &n), ISO_OK);
	if (n == NULL)
		return check_status();

	flaky.fail_first = 2;
	slow.sleep_ms = 1500;
	plain.plain = 1;
	p_primary = serve_as("server", echo_handler, &primary, &srv[0]);
	p_backup = serve_as("server", echo_handler, &backup, &srv[1]);
	p_imposter = serve_as("server-other", echo_handler, &imposter, &srv[2]);
	p_flaky = serve_as("server", echo_handler, &flaky, &srv[3]);
	p_slow = serve_as("server", echo_handler, &slow, &srv[4]);
	p_plain = serve_as("server", echo_handler, &plain, &srv[5]);
	p_dead = dead_port();

	/* the pinned server, the kiosk's certificate shown */
	s = server("registry", p_primary, pin, 0, NULL);
	CHECK_ERR(net_request(n, &s, "POST", "/login", json_pack("{s:s}", "a", "b"), &a), ISO_OK);
	CHECK(a.status == 200 && !a.by_backup && a.attempts == 1);
	CHECK(strcmp(json_string_value(json_object_get(a.body, "client")), "kiosk-042") == 0);
	CHECK(strcmp(primary.first_body, "{\"a\":\"b\"}") == 0);
	CHECK_ERR(net_refusal(&a), ISO_OK);
	net_answer_clear(&a);

	/* R-AUTH-05: an imposter with a valid certificate of the same CA and
	 * another key: refused at once; its handler never runs; the backup is
	 * not tried (the path to the server is not to be trusted) */
	s = server("registry", p_imposter, pin, p_backup, pin);
	CHECK_ERR(net_request(n, &s, "POST", "/login", json_pack("{s:s}", "secret", "x"), &a),
		  ISO_E_PIN_MISMATCH);
	CHECK(a.attempts == 1 && a.body == NULL);
	CHECK(atomic_load(&imposter.hits) == 0 && atomic_load(&backup.hits) == 0);
	net_answer_clear(&a);

	/* the primary down: the backup answers, and stays the current one */
	s = server("urn", p_dead, pin, p_backup, pin);
	CHECK_ERR(net_request(n, &s, "GET", "/status", NULL, &a), ISO_OK);
	CHECK(a.status == 200 && a.by_backup && a.attempts == 3 && s.current == 1);
	net_answer_clear(&a);
	CHECK_ERR(net_request(n, &s, "GET", "/status", NULL, &a), ISO_OK);
	CHECK(a.by_backup && a.attempts == 1);
	net_answer_clear(&a);
	CHECK(atomic_load(&backup.hits) == 2);

	/* 503 twice: the same bytes a third time */
	s = server("urn", p_flaky, pin, 0, NULL);
	CHECK_ERR(net_request(n, &s, "POST", "/ballot", json_pack("{s:s}", "ballot", "B"), &a),
		  ISO_OK);
	CHECK(a.status == 200 && a.attempts == 3 && atomic_load(&flaky.hits) == 3);
	CHECK(strcmp(flaky.first_body, flaky.last_body) == 0);
	net_answer_clear(&a);

	/* a server that never answers in time: tried until the deadline */
	{
		double t0 = now_s();
		s = server("urn", p_slow, pin, 0, NULL);
		CHECK_ERR(net_request(n, &s, "GET", "/status", NULL, &a), ISO_E_NETWORK);
		CHECK(a.attempts >= 2);
		CHECK(now_s() - t0 < 6.0);
		net_answer_clear(&a);
	}
	/* nobody anywhere */
	s = server("urn", p_dead, pin, p_dead, pin);
	CHECK_ERR(net_request(n, &s, "GET", "/status", NULL, &a), ISO_E_NETWORK);
	net_answer_clear(&a);
	/* not JSON: no guess */
	s = server("urn", p_plain, pin, 0, NULL);
	CHECK_ERR(net_request(n, &s, "GET", "/status", NULL, &a), ISO_E_SERVER_ANSWER);
	net_answer_clear(&a);
	/* the kiosk's own identity unusable: said at once, not retried */
	{
		struct net *n2 = NULL;
		struct net_config bad = nc;
		bad.client_cert = path_of("%s/server-ca.srl", fx);
		CHECK_ERR(net_new(&bad, &n2), ISO_OK);
		s = server("registry", p_primary, pin, 0, NULL);
		CHECK_ERR(net_request(n2, &s, "GET", "/status", NULL, &a), ISO_E_CONFIG);
		CHECK(a.attempts == 1);
		net_answer_clear(&a);
		net_free(n2);
	}
	/* the protocol's refusals, by name */
	s = server("registry", p_primary, pin, 0, NULL);
	CHECK_ERR(net_request(n, &s, "POST", "/voted", NULL, &a), ISO_OK);
	CHECK(a.status == 409);
	CHECK_ERR(net_refusal(&a), ISO_E_ALREADY_VOTED);
	net_answer_clear(&a);

	/* a submission whose answer is lost: the retry gets the same receipt,
	 * the urn holds one ballot */
	{
		struct iso_clock clk = {fake_clock, NULL};
		struct urn_config uc = {0};
		struct urn_store *store = NULL;
		struct urn_state st;
		struct iso_where where;
		struct iso_election *ea = election_of("a");
		EVP_PKEY *registry_key = NULL;
		char uuid[32], *u = slurp(path_of("%s/poll-a/uuid", fx), NULL), *ticket = NULL,
			       *b, *r1 = NULL;
		size_t len;
		snprintf(uuid, sizeof uuid, "%s", u);
		free(u);
		CHECK_ERR(urn_store_open_sqlite(path_of("%s/urn.sqlite", work), &store), ISO_OK);
		uc.store = store;
		uc.setup_archive = strdup(path_of("%s/poll-a/%s.bel", fx, uuid));
		CHECK_ERR(signature_key_read(path_of("%s/urn.key", fx), 1, &uc.receipt_key), ISO_OK);
		CHECK_ERR(signature_key_read(path_of("%s/registry.pub", fx), 0, &uc.ticket_key),
			  ISO_OK);
		CHECK_ERR(signature_key_read(path_of("%s/registry.key", fx), 1, &registry_key),
			  ISO_OK);
		uc.closing = T0 + 3600;
		uc.clock = &clk;
		uc.publish_dir = strdup(path_of("%s/public", work));
		CHECK_ERR(urn_new(&uc, &urn, &where), ISO_OK);
		CHECK_ERR(urn_control(urn, URN_DO_OPEN, "test"), ISO_OK);
		CHECK_ERR(signature_sign_new(registry_key,
					     json_pack("{s:s, s:I, s:I, s:I, s:s}", "poll", uuid,
						       "session_start", (json_int_t)T0, "issued",
						       (json_int_t)T0, "expires", (json_int_t)T0 + 600,
						       "nonce", "net-test-nonce-0001"),
					     &ticket),
			  ISO_OK);
		b = ballot(ea, "a", 0, 1, &len);
		s = server("urn", serve_as("server", lossy_urn, urn, &srv[6]), pin, 0, NULL);
		CHECK_ERR(net_request(n, &s, "POST", "/ballot",
				      json_pack("{s:s, s:o}", "ballot", b, "ticket",
						json_loads(ticket, 0, NULL)),
				      &a),
			  ISO_OK);
		CHECK(a.status == 200 && a.attempts >= 2);
		if (a.status != 200 || a.attempts < 2) {
			char *d = json_dumps(a.body, 0);
			fprintf(stderr, "  %ld after %d attempts: %s\n", a.status, a.attempts, d);
			free(d);
		}
		r1 = json_dumps(json_object_get(a.body, "receipt"), JSON_COMPACT | JSON_SORT_KEYS);
		net_answer_clear(&a);
		/* the kiosk asks again after the fact: the same receipt */
		CHECK_ERR(net_request(n, &s, "POST", "/ballot",
				      json_pack("{s:s, s:o}", "ballot", b, "ticket",
						json_loads(ticket, 0, NULL)),
				      &a),
			  ISO_OK);
		{
			char *r2 = json_dumps(json_object_get(a.body, "receipt"),
					      JSON_COMPACT | JSON_SORT_KEYS);
			CHECK(r1 != NULL && r2 != NULL && strcmp(r1, r2) == 0);
			free(r2);
		}
		net_answer_clear(&a);
		CHECK_ERR(urn_state(urn, &st), ISO_OK);
		CHECK(st.nballots == 1);
		https_stop(srv[6]);
		srv[6] = NULL;
		urn_free(urn);
		store->ops->close(store);
		free(r1);
		free(b);
		free(ticket);
		free((char *)uc.setup_archive);
		free((char *)uc.publish_dir);
		EVP_PKEY_free(uc.receipt_key);
		EVP_PKEY_free(uc.ticket_key);
		EVP_PKEY_free(registry_key);
		iso_election_free(ea);
	}

	for (int i = 0; i < 8; i++)
		if (srv[i] != NULL)
			https_stop(srv[i]);
	net_free(n);
	free(last_body);
	return check_status();
}
