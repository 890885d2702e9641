/* isoloir-urn-load: many kiosks submitting ballots to an urn at once, over
 * mutual TLS, as the benchmark and the crash test need them.
 *   prepare: encrypt one ballot per credential of a poll (all cores), to a
 *            file of one ballot per line, so that submission measures the urn
 *   submit:  N client threads, each with its own TLS connection kept alive,
 *            take the ballots in turn; each gets a ticket signed with the
 *            registry's key (this tool plays the registry) and is retried
 *            with the same body until a receipt or a final refusal (a crash
 *            of the urn is a transport error); every receipt is checked
 *            against the urn's key and appended (fsync'd) to the receipts
 *            file before it counts. Closed loop, or an offered rate.
 * Prints one JSON line of figures. Never used in production. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ballot.h"
#include "load.h"
#include "credential.h"
#include "election.h"
#include "parallel.h"
#include "signature.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* ---- prepare ---- */

struct prep {
	struct iso_election *e;
	char **creds;
	char **out;
	size_t *len;
};

static enum iso_err prep_one(void *arg, int thread, size_t i)
{
	struct prep *p = arg;
	struct iso_plaintext pt;
	size_t n = p->e->nchoices_total;
	int v[4 * ISO_MAX_ANSWERS] = {0};
	unsigned r = (unsigned)(i * 2654435761u);
	(void)thread;
	/* in each question one choice (a list, an answer, or blank), depending
	 * on the voter: valid for every question with min <= 1 <= max */
	size_t off = 0;
	for (size_t q = 0; q < p->e->nquestions; q++) {
		size_t nc = iso_question_nchoices(&p->e->questions[q]);
		v[off + (r + q) % nc] = 1;
		off += nc;
	}
	pt.n = n;
	pt.v = v;
	return iso_ballot_encrypt(p->e, p->creds[i], &pt, 1, &p->out[i], &p->len[i]);
}

static int prepare(const char *election, const char *privcreds, size_t count, const char *out)
{
	size_t elen, n = 0;
	char *raw = slurp("isoloir-urn-load", election, &elen), *all = slurp("isoloir-urn-load", privcreds, NULL), *line, *save = NULL;
	struct prep p = {0};
	FILE *f;
	while (elen > 0 && raw[elen - 1] == '\n')
		elen--;
	if (iso_election_parse(raw, elen, &p.e) != ISO_OK ||
	    iso_election_prepare(p.e, true) != ISO_OK) {
		fprintf(stderr, "isoloir-urn-load: bad election %s\n", election);
		return 2;
	}
	p.creds = calloc(count, sizeof *p.creds);
	p.out = calloc(count, sizeof *p.out);
	p.len = calloc(count, sizeof *p.len);
	for (line = strtok_r(all, "\n", &save); line != NULL && n < count;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		p.creds[n++] = sp != NULL ? sp + 1 : line;
	}
	if (n < count) {
		fprintf(stderr, "isoloir-urn-load: only %zu credentials\n", n);
		return 2;
	}
	if (iso_parallel_for(count, 0, prep_one, &p) != ISO_OK) {
		fprintf(stderr, "isoloir-urn-load: encryption failed\n");
		return 1;
	}
	f = fopen(out, "w");
	for (size_t i = 0; i < count; i++) {
		fwrite(p.out[i], 1, p.len[i], f);
		fputc('\n', f);
		free(p.out[i]);
	}
	fclose(f);
	OPENSSL_cleanse(all, strlen(all));
	free(all);
	free(raw);
	free(p.creds);
	free(p.out);
	free(p.len);
	iso_election_free(p.e);
	return 0;
}

/* ---- submit ---- */

struct load {
	const char *fixture, *poll_uuid, *receipts_path;
	unsigned short port;
	char url[256];
	EVP_PKEY *registry, *urn;
	char **ballots;
	size_t nballots;
	atomic_size_t next;
	double rate, start, deadline;
	int fd_receipts;
	pthread_mutex_t lock;
	double *lat;
	size_t nlat;
	size_t ok, refused, transport_errors;
	double handshake_s; /* TLS connection set-ups, summed */
	size_t handshakes;
	char first_refusal[512];
};

static char *ticket_for(struct load *L, size_t i)
{
	int64_t now = (int64_t)time(NULL);
	unsigned char rnd[16];
	char nonce[40];
	char *doc = NULL;
	json_t *p;
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		exit(2);
	for (int k = 0; k < 16; k++)
		snprintf(nonce + 2 * k, 3, "%02x", rnd[k]);
	(void)i;
	p = json_pack("{s:s, s:I, s:I, s:I, s:s}", "poll", L->poll_uuid, "session_start",
		      (json_int_t)(now - 120), "issued", (json_int_t)now, "expires",
		      (json_int_t)(now + 3600), "nonce", nonce);
	if (p == NULL || signature_sign(L->registry, p, &doc) != ISO_OK)
		exit(2);
	json_decref(p);
	return doc;
}

/* a checked receipt, durably recorded: "tracker time\n" */
static int receipt_record(struct load *L, const char *body)
{
	json_t *o = json_loads(body, 0, NULL), *payload = NULL;
	char *doc = json_dumps(json_object_get(o, "receipt"), JSON_COMPACT | JSON_SORT_KEYS);
	char line[160];
	int ok = 0;
	if (doc != NULL && signature_open(L->urn, doc, strlen(doc), &payload) == ISO_OK) {
		const char *t = json_string_value(json_object_get(payload, "tracker"));
		json_int_t time = json_integer_value(json_object_get(payload, "time"));
		if (t != NULL) {
			int n = snprintf(line, sizeof line, "%s %lld\n", t, (long long)time);
			ok = 1;
			if (L->fd_receipts >= 0) {
				pthread_mutex_lock(&L->lock);
				ok = write(L->fd_receipts, line, (size_t)n) == n &&
				     fdatasync(L->fd_receipts) == 0;
				pthread_mutex_unlock(&L->lock);
			}
		}
	}
	json_decref(payload);
	json_decref(o);
	free(doc);
	return ok;
}

static void *client(void *arg)
{
	struct load *L = arg;
	struct curl_slist *hdr = NULL;
	CURL *h = load_kiosk_handle(L->fixture, L->url, &hdr);
	for (;;) {
		size_t i = atomic_fetch_add(&L->next, 1);
		char *t, *body;
		json_t *o;
		double t0;
		int done = 0;
		if (i >= L->nballots)
			break;
		/* an offered rate: ballot i is due at start + i / rate */
		if (L->rate > 0)
			load_wait_until(L->start + (double)i / L->rate);
		t = ticket_for(L, i);
		o = json_pack("{s:s, s:o}", "ballot", L->ballots[i], "ticket",
			      json_loads(t, 0, NULL));
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		free(t);
		t0 = L->rate > 0 ? L->start + (double)i / L->rate : now_s();
		while (!done && now_s() < L->deadline) {
			struct net_sink b = {NULL, 0, 0, false};
			long status = 0;
			CURLcode rc;
			curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
			rc = curl_easy_perform(h);
			if (rc == CURLE_OK) {
				long nconn = 0;
				curl_off_t hs = 0;
				curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
				curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn);
				if (nconn > 0 &&
				    curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &hs) == CURLE_OK) {
					pthread_mutex_lock(&L->lock);
					L->handshake_s += (double)hs / 1e6;
					L->handshakes++;
					pthread_mutex_unlock(&L->lock);
				}
			}
			if (rc != CURLE_OK || status >= 500) {
				/* the urn is down or failing: the same body again */
				pthread_mutex_lock(&L->lock);
				L->transport_errors++;
				pthread_mutex_unlock(&L->lock);
				struct timespec ts = {0, 50 * 1000 * 1000};
				nanosleep(&ts, NULL);
			} else if (status == 200 && receipt_record(L, b.p)) {
				double lat = now_s() - t0;
				pthread_mutex_lock(&L->lock);
				L->lat[L->nlat++] = lat;
				L->ok++;
				pthread_mutex_unlock(&L->lock);
				done = 1;
			} else {
				pthread_mutex_lock(&L->lock);
				L->refused++;
				if (L->first_refusal[0] == '\0')
					snprintf(L->first_refusal, sizeof L->first_refusal,
						 "%ld %s", status, b.p != NULL ? b.p : "");
				pthread_mutex_unlock(&L->lock);
				done = 1;
			}
			free(b.p);
		}
		free(body);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return NULL;
}

static int submit(int argc, char **argv)
{
	struct load L = {0};
	const char *ballots_path = NULL;
	int clients = 32;
	double timeout = 600, elapsed;
	pthread_t *th;
	char *all, *save = NULL, *line;
	size_t cap = 1024;

	L.fd_receipts = -1;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--fixture") == 0)
			L.fixture = argv[i + 1];
		else if (strcmp(argv[i], "--poll") == 0)
			L.poll_uuid = argv[i + 1];
		else if (strcmp(argv[i], "--port") == 0)
			L.port = (unsigned short)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--ballots") == 0)
			ballots_path = argv[i + 1];
		else if (strcmp(argv[i], "--clients") == 0)
			clients = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rate") == 0)
			L.rate = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--receipts") == 0)
			L.receipts_path = argv[i + 1];
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout = strtod(argv[i + 1], NULL);
		else {
			fprintf(stderr, "isoloir-urn-load: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (L.fixture == NULL || L.poll_uuid == NULL || L.port == 0 || ballots_path == NULL ||
	    clients < 1) {
		fprintf(stderr, "isoloir-urn-load submit: --fixture, --poll, --port and "
				"--ballots are required\n");
		return 2;
	}
	{
		char p[1024];
		snprintf(p, sizeof p, "%s/registry.key", L.fixture);
		if (signature_key_read(p, 1, &L.registry) != ISO_OK)
			return 2;
		snprintf(p, sizeof p, "%s/urn.pub", L.fixture);
		if (signature_key_read(p, 0, &L.urn) != ISO_OK)
			return 2;
	}
	if (L.receipts_path != NULL &&
	    (L.fd_receipts = open(L.receipts_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				  0644)) < 0)
		return 2;
	all = slurp("isoloir-urn-load", ballots_path, NULL);
	L.ballots = malloc(cap * sizeof *L.ballots);
	for (line = strtok_r(all, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (L.nballots == cap)
			L.ballots = realloc(L.ballots, (cap *= 2) * sizeof *L.ballots);
		L.ballots[L.nballots++] = line;
	}
	L.lat = calloc(L.nballots + 1, sizeof *L.lat);
	snprintf(L.url, sizeof L.url, "https://127.0.0.1:%u/ballot", L.port);
	pthread_mutex_init(&L.lock, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	th = calloc((size_t)clients, sizeof *th);
	L.start = now_s();
	L.deadline = L.start + timeout;
	for (int i = 0; i < clients; i++)
		pthread_create(&th[i], NULL, client, &L);
	for (int i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	elapsed = now_s() - L.start;
	load_sort(L.lat, L.nlat);
	printf("{\"ballots\":%zu,\"receipts\":%zu,\"refused\":%zu,\"transport_errors\":%zu,"
	       "\"clients\":%d,\"rate\":%.1f,\"seconds\":%.3f,\"per_second\":%.2f,"
	       "\"p50_ms\":%.1f,\"p90_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,"
	       "\"tls_handshakes\":%zu,\"tls_handshake_ms\":%.2f}\n",
	       L.nballots, L.ok, L.refused, L.transport_errors, clients, L.rate, elapsed,
	       (double)L.ok / elapsed, 1e3 * load_pct(L.lat, L.nlat, 0.50),
	       1e3 * load_pct(L.lat, L.nlat, 0.90), 1e3 * load_pct(L.lat, L.nlat, 0.99),
	       1e3 * (L.nlat ? L.lat[L.nlat - 1] : 0), L.handshakes,
	       L.handshakes ? 1e3 * L.handshake_s / (double)L.handshakes : 0.0);
	if (L.first_refusal[0] != '\0')
		fprintf(stderr, "isoloir-urn-load: first refusal: %s\n", L.first_refusal);
	if (L.fd_receipts >= 0)
		close(L.fd_receipts);
	curl_global_cleanup();
	free(th);
	free(L.lat);
	free(L.ballots);
	free(all);
	EVP_PKEY_free(L.registry);
	EVP_PKEY_free(L.urn);
	return L.ok + L.refused == L.nballots ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "prepare") == 0)
		return prepare(argv[2], argv[3], strtoul(argv[4], NULL, 10), argv[5]);
	if (argc >= 2 && strcmp(argv[1], "submit") == 0)
		return submit(argc, argv);
	fprintf(stderr,
		"usage: isoloir-urn-load prepare ELECTION.json PRIVATE-CREDS COUNT OUT\n"
		"       isoloir-urn-load submit --fixture DIR --poll UUID --port P --ballots FILE\n"
		"            [--clients N] [--rate PER-SECOND] [--receipts FILE] [--timeout S]\n");
	return 2;
}
