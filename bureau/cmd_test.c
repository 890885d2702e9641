/* "operation test": before the seal, the voting system and the counting
 * system tried under the bureau's control with known votes (R-SEAL-01).
 *   operation test --dir OP --file COMPONENTS [--count VOTERS] [--wait S]
 * The very programs the seal will cover (COMPONENTS: isoloir-registry and
 * isoloir-urn, as for operation seal) run a test election on this
 * computer's loopback, with throwaway identities (testpki.h): each poll of
 * the operation again, its lists and blank vote, under a new uuid and a
 * test key; VOTERS test voters (default 4) with test credentials made by
 * this tool as credential authority. The bureau opens the urns, each test
 * voter votes in every poll as a kiosk does (net/voter.h), each answer
 * (blank, then each list) in turn, so that every one is tried; the bureau
 * stops the vote, takes each urn's archive, counts it with this tool's
 * count (cli_count) and compares each result with the votes cast. The
 * test is journaled ("test-election": ok, and per poll what was cast and
 * what was counted); the seal refuses an operation whose last test since
 * the key ceremony did not pass. The test's folder, OP/test-<time>, keeps
 * the archives for the record; its secrets (test key, credentials,
 * passwords, TLS keys) are removed. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "election.h"
#include "group.h"
#include "jsondoc.h"
#include "net.h"
#include "number.h"
#include "testpki.h"
#include "trustees.h"
#include "voter.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define POLLS_MAX 16
#define VOTERS_MAX 64

extern char **environ;

struct test_poll {
	const char *code, *uuid; /* the operation's */
	char tuuid[15];          /* the test's */
	char dir[1100];
	struct iso_election *e;
	BIGNUM *x;     /* the test key */
	size_t npos;   /* positions of a choice (blank first when allowed) */
	bool blank;
	long cast[64]; /* votes cast per position */
	char *counted; /* the result's JSON */
	int urn_port, urn_bureau; /* the test urn's kiosk and bureau ports */
};

struct test {
	const struct cli *c;
	char dir[1024], pki[1100];
	const char *urn_bin, *registry_bin;
	struct test_poll p[POLLS_MAX];
	size_t np;
	pid_t pids[POLLS_MAX + 1];
	size_t npids;
	int registry_kiosk, registry_bureau;
};

static enum iso_err write_text(const char *path, const char *text, int mode)
{
	return iso_file_write_atomic(path, text, strlen(text), mode);
}

/* this program again, for one of its own commands */
static int run_self(char *const argv[])
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	pid_t pid;
	int status = -1;
	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (posix_spawn(&pid, self, NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool spawn_server(struct test *t, const char *bin, const char *conf, const char *log)
{
	char *argv[] = {(char *)bin, "--config", (char *)conf, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return false;
	t->pids[t->npids++] = pid;
	return true;
}

static void stop_servers(struct test *t)
{
	for (size_t i = 0; i < t->npids; i++)
		kill(t->pids[i], SIGTERM);
	for (size_t i = 0; i < t->npids; i++)
		while (waitpid(t->pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	t->npids = 0;
}

/* the ports a server's ready file gives, once it is there */
static bool ready_ports(const char *path, int wait_s, int *kiosk, int *bureau)
{
	for (int i = 0; i < wait_s * 20; i++) {
		json_t *j = NULL;
		if (iso_json_file(path, 1u << 16, &j) == ISO_OK) {
			*kiosk = (int)json_integer_value(json_object_get(j, "kiosk"));
			*bureau = (int)json_integer_value(json_object_get(j, "bureau"));
			json_decref(j);
			if (*kiosk > 0 && *bureau > 0)
				return true;
		}
		nanosleep(&(struct timespec){0, 50000000L}, NULL);
	}
	return false;
}

/* the programs to try, from the components file */
static int component(void *arg, const char *name, const char *path)
{
	struct test *t = arg;
	if (strcmp(name, "isoloir-urn") == 0)
		t->urn_bin = path;
	else if (strcmp(name, "isoloir-registry") == 0)
		t->registry_bin = path;
	return CLI_OK;
}

/* One poll's test election: a new uuid, the poll's template, a test key. */
static enum iso_err poll_setup(struct test *t, const char *opdir, struct test_poll *p)
{
	const struct iso_group *grp = iso_group_by_name("BELENIOS-2048");
	char path[8192], *tmpl = NULL, *pub = NULL, *priv = NULL, *trustees = NULL, *election = NULL,
			 id[9];
	size_t tlen = 0;
	struct iso_trustees *tr = NULL;
	struct iso_where where;
	BIGNUM *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	json_t *pj = NULL, *tj = NULL;
	enum iso_err err;
	if (y == NULL || ctx == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if ((err = iso_uuid_generate(p->tuuid)) != ISO_OK)
		goto out;
	{
		char top[sizeof t->dir], uuid[sizeof p->tuuid];
		memcpy(top, t->dir, sizeof top);
		memcpy(uuid, p->tuuid, sizeof uuid);
		snprintf(p->dir, sizeof p->dir, "%s/%s", top, uuid);
	}
	if (mkdir(p->dir, 0700) != 0) {
		err = ISO_E_IO;
		goto out;
	}
	snprintf(path, sizeof path, "%s/%s/template.json", opdir, p->uuid);
	if ((err = iso_file_read(path, 1u << 20, &tmpl, &tlen)) != ISO_OK ||
	    (err = iso_json_parse(tmpl, tlen, &tj)) != ISO_OK ||
	    (err = iso_trustee_key_generate(grp, &pub, &priv, id)) != ISO_OK ||
	    (err = iso_trustees_make(grp, pub, strlen(pub), NULL, 0, &trustees, &where)) != ISO_OK ||
	    (err = iso_trustees_parse(grp, trustees, strlen(trustees), &tr, &where)) != ISO_OK ||
	    (err = iso_trustees_public_key(tr, y, ctx)) != ISO_OK ||
	    (err = iso_election_make(tmpl, tlen, p->tuuid, grp, y, &election)) != ISO_OK ||
	    (err = iso_election_parse(election, strlen(election), &p->e)) != ISO_OK ||
	    (err = iso_election_prepare(p->e, true)) != ISO_OK ||
	    (err = iso_json_parse(priv, strlen(priv), &pj)) != ISO_OK ||
	    (err = iso_json_bn(pj, &p->x)) != ISO_OK)
		goto out;
	{
		const json_t *q = json_array_get(json_object_get(tj, "questions"), 0);
		p->blank = json_is_true(json_object_get(q, "blank"));
		p->npos = json_array_size(json_object_get(q, "answers")) + (p->blank ? 1 : 0);
		if (p->npos < 1 || p->npos > sizeof p->cast / sizeof p->cast[0]) {
			err = ISO_E_SHAPE;
			goto out;
		}
	}
	snprintf(path, sizeof path, "%s/trustees.json", p->dir);
	if ((err = write_text(path, trustees, 0444)) != ISO_OK)
		goto out;
	snprintf(path, sizeof path, "%s/election.json", p->dir);
	err = write_text(path, election, 0444);
out:
	if (priv != NULL) {
		OPENSSL_cleanse(priv, strlen(priv));
		free(priv);
	}
	json_decref(pj);
	json_decref(tj);
	free(tmpl);
	free(pub);
	free(trustees);
	free(election);
	iso_trustees_free(tr);
	BN_free(y);
	BN_CTX_free(ctx);
	return err;
}

/* the servers' configurations, and the servers started */
static int servers_start(const struct cli *c, struct test *t, int wait_s)
{
	char path[8192], conf[16384], common[8192];
	FILE *f;
	int64_t now = (int64_t)time(NULL);
	json_t *polls = json_array(), *rp;
	for (size_t i = 0; i < t->np; i++) {
		snprintf(path, sizeof path, "%s/urn-%zu.pub", t->pki, i);
		json_array_append_new(polls, json_pack("{s:s, s:s, s:s}", "uuid", t->p[i].tuuid, "name",
						       t->p[i].code, "urn_key", path));
	}
	rp = json_pack("{s:i, s:o}", "version", 1, "polls", polls);
	snprintf(path, sizeof path, "%s/registry-polls.json", t->dir);
	if (rp == NULL || json_dump_file(rp, path, JSON_COMPACT) != 0) {
		json_decref(rp);
		return cli_error(c, path, ISO_E_IO, NULL);
	}
	json_decref(rp);
	snprintf(common, sizeof common,
		 "tls_cert = %s/server.pem\ntls_key = %s/server.key\nkiosk_listen = 127.0.0.1:0\n"
		 "kiosk_ca = %s/kiosk-ca.pem\nbureau_listen = 127.0.0.1:0\nbureau_ca = %s/bureau-ca.pem\n",
		 t->pki, t->pki, t->pki, t->pki);
	snprintf(conf, sizeof conf,
		 "voters = %s/registry-voters.json\npolls = %s/registry-polls.json\n"
		 "database = %s/registry.sqlite\nticket_key = %s/registry.key\nopening = %lld\n"
		 "closing = %lld\nready_file = %s/registry-ready.json\n%s",
		 t->dir, t->dir, t->dir, t->pki, (long long)(now - 60), (long long)(now + 3600), t->dir,
		 common);
	snprintf(path, sizeof path, "%s/registry.conf", t->dir);
	if ((f = fopen(path, "wx")) == NULL || fputs(conf, f) < 0 || fclose(f) != 0)
		return cli_error(c, path, ISO_E_IO, NULL);
	{
		char log[8192];
		snprintf(log, sizeof log, "%s/registry.log", t->dir);
		if (!spawn_server(t, t->registry_bin, path, log))
			return cli_error(c, t->registry_bin, ISO_E_IO, NULL);
	}
	for (size_t i = 0; i < t->np; i++) {
		char log[8192], pub[1200];
		snprintf(pub, sizeof pub, "%s/urn-%zu-public", t->dir, i);
		if (mkdir(pub, 0700) != 0)
			return cli_error(c, pub, ISO_E_IO, NULL);
		snprintf(conf, sizeof conf,
			 "setup_archive = %s/%s.bel\ndatabase = %s/urn-%zu.sqlite\npublish_dir = %s\n"
			 "receipt_key = %s/urn-%zu.key\nticket_key = %s/registry.pub\nclosing = %lld\n"
			 "public_listen = 127.0.0.1:0\nready_file = %s/urn-%zu-ready.json\n%s",
			 t->p[i].dir, t->p[i].tuuid, t->dir, i, pub, t->pki, i, t->pki,
			 (long long)(now + 3600), t->dir, i, common);
		snprintf(path, sizeof path, "%s/urn-%zu.conf", t->dir, i);
		if ((f = fopen(path, "wx")) == NULL || fputs(conf, f) < 0 || fclose(f) != 0)
			return cli_error(c, path, ISO_E_IO, NULL);
		snprintf(log, sizeof log, "%s/urn-%zu.log", t->dir, i);
		if (!spawn_server(t, t->urn_bin, path, log))
			return cli_error(c, t->urn_bin, ISO_E_IO, NULL);
	}
	snprintf(path, sizeof path, "%s/registry-ready.json", t->dir);
	if (!ready_ports(path, wait_s, &t->registry_kiosk, &t->registry_bureau)) {
		fprintf(stderr, "E: %s (%s/registry.log)\n",
			TR(c, "le registre d’essai n’a pas démarré", "the test registry did not start"), t->dir);
		return CLI_FAILED;
	}
	for (size_t i = 0; i < t->np; i++) {
		int kiosk = 0, bureau = 0;
		snprintf(path, sizeof path, "%s/urn-%zu-ready.json", t->dir, i);
		if (!ready_ports(path, wait_s, &kiosk, &bureau)) {
			fprintf(stderr, "E: %s %s (%s/urn-%zu.log)\n",
				TR(c, "l’urne d’essai n’a pas démarré :", "the test urn did not start:"),
				t->p[i].code, t->dir, i);
			return CLI_FAILED;
		}
		t->p[i].urn_port = kiosk;
		t->p[i].urn_bureau = bureau;
	}
	return CLI_OK;
}

/* a request at a test server's bureau listener */
static enum iso_err bureau_post(struct net *net, const char *pin, int port, const char *path,
				const char *save_to)
{
	struct net_server s = {0};
	struct net_answer a;
	char url[64];
	enum iso_err err;
	snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
	s.name = "test";
	if ((err = net_endpoint_set(&s.primary, url, pin)) != ISO_OK)
		return err;
	err = save_to != NULL ? net_get_raw(net, &s, path, 1u << 30, &a)
			      : net_request(net, &s, "POST", path, NULL, &a);
	if (err == ISO_OK)
		err = net_refusal(&a);
	if (err == ISO_OK && save_to != NULL)
		err = a.raw != NULL ? iso_file_write_atomic(save_to, a.raw, a.raw_len, 0444)
				    : ISO_E_SERVER_ANSWER;
	net_answer_clear(&a);
	return err;
}

/* the test voters' passwords, from the letters (number;name;password) */
static char *password_of(const char *letters, size_t k)
{
	char want[32];
	const char *p;
	snprintf(want, sizeof want, "\n%zu;", k + 1);
	if ((p = strstr(letters, want)) == NULL || (p = strchr(p + strlen(want), ';')) == NULL)
		return NULL;
	p++;
	return strndup(p, strcspn(p, "\r\n"));
}

static int vote_all(const struct cli *c, struct test *t, size_t nvoters, const char *pin)
{
	char cert[8192], key[8192], path[8192], url[64], *letters = NULL;
	size_t llen = 0;
	struct net_config nc = {cert, key, 0, 0, 20000, 0};
	struct net *net = NULL;
	enum iso_err err;
	int r = CLI_OK;
	snprintf(cert, sizeof cert, "%s/kiosk.pem", t->pki);
	snprintf(key, sizeof key, "%s/kiosk.key", t->pki);
	snprintf(path, sizeof path, "%s/letters-passwords.csv", t->dir);
	if ((err = iso_file_read(path, 1u << 20, &letters, &llen)) != ISO_OK ||
	    (err = net_new(&nc, &net)) != ISO_OK) {
		r = cli_error(c, path, err, NULL);
		goto out;
	}
	snprintf(url, sizeof url, "https://127.0.0.1:%d", t->registry_kiosk);
	for (size_t k = 0; k < nvoters && r == CLI_OK; k++) {
		char id[32], *pw = password_of(letters, k), *why = NULL;
		struct voter *v = NULL;
		snprintf(id, sizeof id, "essai.%zu", k + 1);
		err = pw == NULL ? ISO_E_SHAPE : voter_login(net, url, pin, id, pw, "essai", &v, &why);
		if (pw != NULL) {
			OPENSSL_cleanse(pw, strlen(pw));
			free(pw);
		}
		for (size_t i = 0; err == ISO_OK && i < t->np; i++) {
			struct test_poll *p = &t->p[i];
			char choices[256], urn[64];
			size_t pos = k % p->npos, at = 0;
			at += (size_t)snprintf(choices, sizeof choices, "[[");
			for (size_t j = 0; j < p->npos; j++)
				at += (size_t)snprintf(choices + at, sizeof choices - at, "%s%d", j ? "," : "",
						       j == pos);
			snprintf(choices + at, sizeof choices - at, "]]");
			snprintf(urn, sizeof urn, "https://127.0.0.1:%d", p->urn_port);
			if ((err = voter_cast(v, p->tuuid, urn, p->e, choices, NULL, &why)) == ISO_OK)
				p->cast[pos]++;
			else
				fprintf(stderr, "E: %s %s : %s\n", id, p->code,
					why != NULL ? why : iso_strerror(err, c->lang));
		}
		voter_logout(v);
		if (err != ISO_OK) {
			if (why != NULL && v == NULL)
				fprintf(stderr, "E: %s : %s\n", id, why);
			r = cli_error(c, TR(c, "vote d’essai", "test vote"), err, NULL);
		}
		free(why);
	}
out:
	if (letters != NULL) {
		OPENSSL_cleanse(letters, llen);
		free(letters);
	}
	net_free(net);
	return r;
}

/* the test's secrets, once it is over */
static void remove_secrets(const struct test *t)
{
	static const char *const pki_files[] = {"server.key", "kiosk.key", "bureau.key", "registry.key",
						NULL};
	static const char *const top[] = {"letters-passwords.csv", "letters-identifiers.csv",
					  "voters.csv", NULL};
	char path[8192];
	for (size_t i = 0; pki_files[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/%s", t->pki, pki_files[i]);
		unlink(path);
	}
	for (size_t i = 0; i < t->np; i++) {
		snprintf(path, sizeof path, "%s/urn-%zu.key", t->pki, i);
		unlink(path);
	}
	for (size_t i = 0; top[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/%s", t->dir, top[i]);
		unlink(path);
	}
}

static int cmd_test(struct cli *c)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	struct test t;
	json_t *op = NULL, *journal_polls = NULL;
	char path[8192], *comp = NULL, pin[NET_PIN_LEN + 1], stamp[32];
	size_t clen = 0, nvoters = (c->given & OPT_COUNT) ? (size_t)c->count : 4;
	struct net *net = NULL;
	enum iso_err err;
	bool ok = true, journaled = false;
	int r;
	memset(&t, 0, sizeof t);
	t.c = c;
	if (nvoters < 1 || nvoters > VOTERS_MAX) {
		fprintf(stderr, "E: --count : %s\n", TR(c, "de 1 à 64 électeurs d’essai", "1 to 64 test voters"));
		return CLI_USAGE;
	}
	snprintf(path, sizeof path, "%s/operation.json", dir);
	if ((err = iso_json_file(path, 4u << 20, &op)) != ISO_OK)
		return cli_error(c, path, err, NULL);
	if ((err = cli_read(c->file, &comp, &clen)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	if ((r = cli_components(c, comp, component, &t)) != CLI_OK)
		goto out;
	{
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	}
	/* absolute: the servers read their files from anywhere */
	{
		char *abs = realpath(dir, NULL);
		if (abs == NULL || strlen(abs) > 900) {
			r = cli_error(c, dir, abs == NULL ? ISO_E_IO : ISO_E_TOO_LARGE, NULL);
			free(abs);
			goto out;
		}
		snprintf(t.dir, sizeof t.dir, "%s/test-%s", abs, stamp);
		free(abs);
	}
	snprintf(t.pki, sizeof t.pki, "%s/pki", t.dir);
	if (mkdir(t.dir, 0700) != 0 || mkdir(t.pki, 0700) != 0) {
		r = cli_error(c, t.dir, ISO_E_IO, NULL);
		goto out;
	}
	{
		const json_t *p;
		size_t i;
		json_array_foreach(json_object_get(op, "polls"), i, p)
		{
			if (t.np == POLLS_MAX)
				break;
			t.p[t.np].code = json_string_value(json_object_get(p, "code"));
			t.p[t.np].uuid = json_string_value(json_object_get(p, "uuid"));
			if (t.p[t.np].code == NULL || t.p[t.np].uuid == NULL) {
				r = cli_error(c, "operation.json", ISO_E_SHAPE, NULL);
				goto out;
			}
			t.np++;
			if ((err = poll_setup(&t, dir, &t.p[t.np - 1])) != ISO_OK) {
				r = cli_error(c, t.p[t.np - 1].code, err, NULL);
				goto out;
			}
		}
	}
	if ((err = testpki_make(t.pki, t.np)) != ISO_OK) {
		r = cli_error(c, t.pki, err, NULL);
		goto out;
	}
	cli_info(c, TR(c, "élection d’essai : %zu scrutins, %zu électeurs d’essai, dans %s",
		       "test election: %zu polls, %zu test voters, in %s"),
		 t.np, nvoters, t.dir);
	/* the test voters, their credentials by this tool, each poll's setup archive */
	{
		size_t cap = 64 + nvoters * (64 + t.np * 16), at = 0;
		char *csv = malloc(cap);
		if (csv == NULL) {
			r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
			goto out;
		}
		at += (size_t)snprintf(csv, cap, "identifiant;nom;reponse;scrutins\n");
		for (size_t k = 0; k < nvoters; k++) {
			at += (size_t)snprintf(csv + at, cap - at, "essai.%zu;Électeur d’essai %zu;essai;",
					       k + 1, k + 1);
			for (size_t i = 0; i < t.np; i++)
				at += (size_t)snprintf(csv + at, cap - at, "%s%s", i ? "," : "", t.p[i].tuuid);
			at += (size_t)snprintf(csv + at, cap - at, "\n");
		}
		snprintf(path, sizeof path, "%s/voters.csv", t.dir);
		err = iso_file_write_atomic(path, csv, at, 0600);
		free(csv);
		if (err != ISO_OK) {
			r = cli_error(c, path, err, NULL);
			goto out;
		}
		char *cred[] = {"isoloir-bureau", "operation", "credentials", "--quiet", "--file", path,
				"--dir", t.dir, "--argon2", "1,8192,1", NULL};
		if (run_self(cred) != 0) {
			r = cli_error(c, TR(c, "justificatifs d’essai", "test credentials"), ISO_E_IO, NULL);
			goto out;
		}
		for (size_t i = 0; i < t.np; i++) {
			char *init[] = {"isoloir-bureau", "archive", "init", "--quiet", "--dir", t.p[i].dir, NULL};
			if (run_self(init) != 0) {
				r = cli_error(c, t.p[i].code, ISO_E_IO, NULL);
				goto out;
			}
		}
	}
	/* the servers, the opening, the votes, the stop, the archives */
	if ((r = servers_start(c, &t, (int)(c->wait < 60 ? c->wait : 60))) != CLI_OK)
		goto out;
	snprintf(path, sizeof path, "%s/server.pem", t.pki);
	{
		char cert[8192], key[8192];
		struct net_config nc = {cert, key, 0, 0, 20000, 0};
		snprintf(cert, sizeof cert, "%s/bureau.pem", t.pki);
		snprintf(key, sizeof key, "%s/bureau.key", t.pki);
		if ((err = net_pin_of_file(path, pin)) != ISO_OK || (err = net_new(&nc, &net)) != ISO_OK) {
			r = cli_error(c, path, err, NULL);
			goto out;
		}
	}
	for (size_t i = 0; i < t.np; i++)
		if ((err = bureau_post(net, pin, t.p[i].urn_bureau, "/open", NULL)) != ISO_OK) {
			r = cli_error(c, t.p[i].code, err, NULL);
			goto out;
		}
	if ((r = vote_all(c, &t, nvoters, pin)) != CLI_OK)
		goto out;
	cli_info(c, TR(c, "%zu électeurs d’essai ont voté", "%zu test voters voted"), nvoters);
	if ((err = bureau_post(net, pin, t.registry_bureau, "/stop", NULL)) != ISO_OK) {
		r = cli_error(c, "registry /stop", err, NULL);
		goto out;
	}
	for (size_t i = 0; i < t.np; i++) {
		char bel[8192];
		snprintf(bel, sizeof bel, "%s/%s.bel", t.p[i].dir, t.p[i].tuuid);
		if ((err = bureau_post(net, pin, t.p[i].urn_bureau, "/stop", NULL)) != ISO_OK ||
		    (err = bureau_post(net, pin, t.p[i].urn_bureau, "/archive.bel", bel)) != ISO_OK) {
			r = cli_error(c, t.p[i].code, err, NULL);
			goto out;
		}
	}
	stop_servers(&t);
	/* the count of each test poll, compared with the votes cast */
	journal_polls = json_array();
	for (size_t i = 0; i < t.np; i++) {
		struct cli sub = *c;
		int id = 1;
		json_t *cast = json_array(), *counted = NULL;
		size_t ballots = 0;
		sub.dir = t.p[i].dir;
		for (size_t j = 0; j < t.p[i].npos; j++)
			json_array_append_new(cast, json_integer(t.p[i].cast[j]));
		r = cli_count(&sub, &id, &t.p[i].x, 1, &ballots, &t.p[i].counted);
		{
			json_t *whole = r == CLI_OK ? json_loads(t.p[i].counted, 0, NULL) : NULL;
			counted = json_incref(json_array_get(json_object_get(whole, "result"), 0));
			json_decref(whole);
		}
		bool same = counted != NULL && json_equal(counted, cast);
		if (!same)
			fprintf(stderr, "E: %s : %s\n", t.p[i].code,
				TR(c, "le résultat de l’essai n’est pas celui des votes exprimés",
				   "the test's result is not the votes cast"));
		ok = ok && same;
		json_array_append_new(journal_polls,
				      json_pack("{s:s, s:s, s:o, s:o}", "code", t.p[i].code, "test_uuid",
						t.p[i].tuuid, "expected", cast,
						"counted", counted != NULL ? counted : json_null()));
		r = CLI_OK;
	}
	if ((r = cli_journal(c, "test-election",
			     json_pack("{s:b, s:I, s:s, s:O}", "ok", ok, "voters", (json_int_t)nvoters,
				       "folder", t.dir, "polls", journal_polls))) != CLI_OK)
		goto out;
	if (ok)
		cli_info(c, TR(c, "élection d’essai réussie : chaque résultat est celui des votes exprimés (R-SEAL-01)",
			       "test election passed: each result is the votes cast (R-SEAL-01)"));
	else
		fprintf(stderr, "E: %s (R-SEAL-01)\n",
			TR(c, "élection d’essai manquée : pas de scellement", "test election failed: no seal"));
	r = ok ? CLI_OK : CLI_REFUSED;
	journaled = true;
out:
	stop_servers(&t);
	/* a test that could not run to its end is a failed test, recorded */
	if (!journaled && t.dir[0] != '\0') {
		cli_journal(c, "test-election",
			    json_pack("{s:b, s:I, s:s, s:s}", "ok", 0, "voters", (json_int_t)nvoters, "folder",
				      t.dir, "failure",
				      TR(c, "l’essai n’a pas pu aller à son terme",
					 "the test could not run to its end")));
		fprintf(stderr, "E: %s (R-SEAL-01)\n",
			TR(c, "élection d’essai manquée : pas de scellement", "test election failed: no seal"));
	}
	if (t.dir[0] != '\0')
		remove_secrets(&t);
	for (size_t i = 0; i < t.np; i++) {
		iso_election_free(t.p[i].e);
		BN_clear_free(t.p[i].x);
		free(t.p[i].counted);
	}
	net_free(net);
	json_decref(journal_polls);
	json_decref(op);
	free(comp);
	return r;
}

const struct cli_command cli_commands_test[] = {
	{"operation", "test", cmd_test, OPT_DIR | OPT_FILE | OPT_COUNT | OPT_WAIT, OPT_FILE,
	 "l’élection d’essai avant le scellement : les programmes à sceller, des votes connus, le "
	 "dépouillement comparé",
	 "the test election before the seal: the programs to be sealed, known votes, the count "
	 "compared"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
