/* isoloir-registry-load: kiosks logging voters in at a registry, over
 * mutual TLS, for the login benchmark.
 *   prepare: COUNT voters of one poll with fresh credentials, their
 *            registry-voters.json hashed at the given Argon2id cost (all
 *            cores), and the logins a kiosk would send (identifier,
 *            registry verifier, answer: secrets of this benchmark only)
 *   login:   N client threads, each with its own TLS connection kept
 *            alive, take the logins in turn: POST /login (timed), then
 *            POST /logout; closed loop, or an offered rate.
 * Prints one JSON line of figures. Never used in production. */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "credential.h"
#include "load.h"
#include "parallel.h"
#include "registry_voters.h"

static const char tool[] = "isoloir-registry-load";

/* ---- prepare ---- */

struct prep {
	const char *poll;
	struct registry_argon2 cost;
	struct registry_voter *v;
	char (*login)[512];
};

static enum iso_err prep_one(void *arg, int thread, size_t i)
{
	struct prep *p = arg;
	char id[64], answer[32], cred[ISO_CREDENTIAL_LEN + 1], ver[ISO_B64_HASH_LEN + 1];
	const char *polls[1] = {p->poll};
	enum iso_err err;
	(void)thread;
	snprintf(id, sizeof id, "agent.%06zu@exemple.fr", i);
	snprintf(answer, sizeof answer, "%02zu/%02zu/19%02zu", 1 + i % 28, 1 + i % 12, 50 + i % 50);
	if ((err = iso_credential_generate(cred)) != ISO_OK ||
	    (err = iso_registry_verifier(id, cred, ver)) != ISO_OK)
		return err;
	snprintf(p->login[i], sizeof p->login[i], "%s\t%s\t%s", id, ver, answer);
	err = registry_voter_make(&p->cost, id, id, answer, ver, polls, 1, &p->v[i]);
	OPENSSL_cleanse(cred, sizeof cred);
	OPENSSL_cleanse(ver, sizeof ver);
	return err;
}

static int prepare(size_t count, const char *poll, const char *cost, const char *dir)
{
	struct prep p = {poll, REGISTRY_ARGON2_DEFAULT, NULL, NULL};
	char path[1024], *json = NULL;
	size_t len = 0;
	FILE *f;
	if (cost != NULL && sscanf(cost, "%u,%u,%u", &p.cost.t_cost, &p.cost.m_cost_kib,
				   &p.cost.parallelism) != 3) {
		fprintf(stderr, "%s: cost is T,M,P\n", tool);
		return 2;
	}
	p.v = calloc(count, sizeof *p.v);
	p.login = calloc(count, sizeof *p.login);
	if (p.v == NULL || p.login == NULL || count == 0)
		return 2;
	if (iso_parallel_for(count, 0, prep_one, &p) != ISO_OK ||
	    registry_voters_write(p.v, count, &json, &len) != ISO_OK) {
		fprintf(stderr, "%s: cannot make the voters\n", tool);
		return 1;
	}
	snprintf(path, sizeof path, "%s/registry-voters.json", dir);
	if ((f = fopen(path, "w")) == NULL || fwrite(json, 1, len, f) != len || fclose(f) != 0)
		return 2;
	snprintf(path, sizeof path, "%s/logins.txt", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 2;
	for (size_t i = 0; i < count; i++) {
		fprintf(f, "%s\n", p.login[i]);
		registry_voter_clear(&p.v[i]);
	}
	fclose(f);
	OPENSSL_cleanse(p.login, count * sizeof *p.login);
	free(p.login);
	free(p.v);
	free(json);
	return 0;
}

/* ---- login ---- */

struct load {
	const char *fixture;
	char url_login[256], url_logout[256];
	char **logins;
	size_t n;
	atomic_size_t next;
	double rate, start;
	pthread_mutex_t lock;
	double *lat;
	size_t nlat, refused, errors;
	char first_refusal[512];
};

static long post(CURL *h, const char *url, const char *body, struct net_sink *b)
{
	long status = -1;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static void *client(void *arg)
{
	struct load *L = arg;
	struct curl_slist *hdr = NULL;
	CURL *h = load_kiosk_handle(L->fixture, L->url_login, &hdr);
	for (;;) {
		size_t i = atomic_fetch_add(&L->next, 1);
		char *f[3], *save = NULL, *body, *out;
		struct net_sink b = {NULL, 0, 0, false};
		json_t *o;
		double t0;
		long status;
		if (i >= L->n)
			break;
		f[0] = strtok_r(L->logins[i], "\t", &save);
		f[1] = strtok_r(NULL, "\t", &save);
		f[2] = strtok_r(NULL, "\t", &save);
		o = json_pack("{s:s, s:s, s:s}", "identifier", f[0], "verifier", f[1], "answer",
			      f[2]);
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (L->rate > 0)
			load_wait_until(L->start + (double)i / L->rate);
		t0 = L->rate > 0 ? L->start + (double)i / L->rate : now_s();
		status = post(h, L->url_login, body, &b);
		pthread_mutex_lock(&L->lock);
		if (status == 200)
			L->lat[L->nlat++] = now_s() - t0;
		else if (status < 0)
			L->errors++;
		else {
			L->refused++;
			if (L->first_refusal[0] == '\0')
				snprintf(L->first_refusal, sizeof L->first_refusal, "%ld %s", status,
					 b.p != NULL ? b.p : "");
		}
		pthread_mutex_unlock(&L->lock);
		if (status == 200) {
			/* the kiosk ends the session (not timed) */
			o = json_loads(b.p, 0, NULL);
			json_t *lo = json_pack("{s:O}", "session", json_object_get(o, "session"));
			struct net_sink b2 = {NULL, 0, 0, false};
			out = json_dumps(lo, JSON_COMPACT);
			post(h, L->url_logout, out, &b2);
			free(out);
			free(b2.p);
			json_decref(lo);
			json_decref(o);
		}
		free(b.p);
		free(body);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return NULL;
}

static int login(int argc, char **argv)
{
	struct load L = {0};
	const char *path = NULL;
	unsigned short port = 0;
	int clients = 4;
	size_t cap = 1024, limit = 0;
	pthread_t *th;
	char *all, *save = NULL, *line;
	double elapsed;

	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--fixture") == 0)
			L.fixture = argv[i + 1];
		else if (strcmp(argv[i], "--port") == 0)
			port = (unsigned short)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--logins") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--clients") == 0)
			clients = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rate") == 0)
			L.rate = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--count") == 0)
			limit = strtoul(argv[i + 1], NULL, 10);
		else {
			fprintf(stderr, "%s: unknown option %s\n", tool, argv[i]);
			return 2;
		}
	}
	if (L.fixture == NULL || port == 0 || path == NULL || clients < 1) {
		fprintf(stderr, "%s login: --fixture, --port and --logins are required\n", tool);
		return 2;
	}
	all = slurp(tool, path, NULL);
	L.logins = malloc(cap * sizeof *L.logins);
	for (line = strtok_r(all, "\n", &save); line != NULL && (limit == 0 || L.n < limit);
	     line = strtok_r(NULL, "\n", &save)) {
		if (L.n == cap)
			L.logins = realloc(L.logins, (cap *= 2) * sizeof *L.logins);
		L.logins[L.n++] = line;
	}
	L.lat = calloc(L.n + 1, sizeof *L.lat);
	snprintf(L.url_login, sizeof L.url_login, "https://127.0.0.1:%u/login", port);
	snprintf(L.url_logout, sizeof L.url_logout, "https://127.0.0.1:%u/logout", port);
	pthread_mutex_init(&L.lock, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	th = calloc((size_t)clients, sizeof *th);
	L.start = now_s();
	for (int i = 0; i < clients; i++)
		pthread_create(&th[i], NULL, client, &L);
	for (int i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	elapsed = now_s() - L.start;
	load_sort(L.lat, L.nlat);
	printf("{\"logins\":%zu,\"ok\":%zu,\"refused\":%zu,\"errors\":%zu,\"clients\":%d,"
	       "\"rate\":%.1f,\"seconds\":%.3f,\"per_second\":%.2f,\"p50_ms\":%.1f,"
	       "\"p90_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}\n",
	       L.n, L.nlat, L.refused, L.errors, clients, L.rate, elapsed,
	       (double)L.nlat / elapsed, 1e3 * load_pct(L.lat, L.nlat, 0.50),
	       1e3 * load_pct(L.lat, L.nlat, 0.90), 1e3 * load_pct(L.lat, L.nlat, 0.99),
	       1e3 * (L.nlat ? L.lat[L.nlat - 1] : 0));
	if (L.first_refusal[0] != '\0')
		fprintf(stderr, "%s: first refusal: %s\n", tool, L.first_refusal);
	curl_global_cleanup();
	OPENSSL_cleanse(all, strlen(all));
	free(all);
	free(th);
	free(L.lat);
	free(L.logins);
	return L.nlat == L.n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "prepare") == 0)
		return prepare(strtoul(argv[2], NULL, 10), argv[3], argc == 6 ? argv[5] : NULL,
			       argv[4]);
	if (argc >= 2 && strcmp(argv[1], "login") == 0)
		return login(argc, argv);
	fprintf(stderr, "usage: %s prepare COUNT POLL-UUID OUTDIR [T,M,P]\n"
			"       %s login --fixture DIR --port P --logins FILE [--clients N]"
			" [--rate R] [--count N]\n",
		tool, tool);
	return 2;
}
