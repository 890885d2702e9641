/* isoloir-registry: the voter registry (fichier des électeurs) of an
 * operation, one process and one database, apart from the urns (R-SEP-01).
 * Reads its configuration, imports the voter file once, serves kiosks and
 * the bureau on separate listeners and seals at closing and at the end of
 * the grace. Logs go to stderr; none carries a credential or a ticket. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hash.h"
#include "jsondoc.h"
#include "registry.h"
#include "registry_polls.h"
#include "service.h"
#include "signature.h"

static const char prog[] = "isoloir-registry";

static const char *const keys[] = {
	"voters",	  "polls",	   "database",	  "ticket_key",	   "opening",
	"closing",	  "grace",	   "session_ttl", "ticket_ttl",	   "skew",
	"tls_cert",	  "tls_key",	   "kiosk_listen", "kiosk_ca",	   "bureau_listen",
	"bureau_ca",	  "max_body",	   "timeout",	  "max_connections", "ready_file",
	NULL,
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --config FILE\n"
		"       %s new-key PRIVATE.pem PUBLIC.pem\n"
		"\n"
		"The voter registry (fichier des électeurs) of an operation: authenticates\n"
		"voters at the kiosks (identifier, password, challenge answer), locks out\n"
		"repeated failures, issues the voting tickets the urns require, keeps the\n"
		"émargement list and seals it at closing and at the end of the grace.\n"
		"It never holds a credential or a ballot. Listeners: kiosks (mutual TLS,\n"
		"kiosk CA) and the bureau (mutual TLS, bureau CA).\n"
		"\n"
		"Configuration (key = value):\n"
		"  voters          registry-voters.json from isoloir-bureau operation\n"
		"                  credentials, imported once into an empty database\n"
		"  polls           registry-polls.json: each poll's uuid, name and urn key\n"
		"  database        the registry's SQLite file (created if missing)\n"
		"  ticket_key      the registry's private key (PEM, P-256): tickets, seals\n"
		"  opening, closing  2026-12-03T08:00:00Z or Unix seconds (required)\n"
		"  grace           seconds after closing for sessions started before (1800)\n"
		"  session_ttl     seconds a session lives (900)\n"
		"  ticket_ttl      seconds a voting ticket lives (600)\n"
		"  skew            tolerated clock difference with the urns (60)\n"
		"  tls_cert, tls_key   the server's TLS identity (PEM)\n"
		"  kiosk_listen, kiosk_ca     address:port and the kiosks' CA\n"
		"  bureau_listen, bureau_ca   address:port and the bureau's CA\n"
		"  max_body, timeout, max_connections   request limits\n"
		"  ready_file      written with the bound ports once listening (optional)\n",
		prog, prog);
}

static void tick(void *arg)
{
	enum iso_err err = registry_tick(arg);
	if (err != ISO_OK)
		service_log(prog, "schedule: %s", iso_strerror(err, ISO_LANG_EN));
}

static int config_error(const char *path, const char *key, int line, enum iso_err err)
{
	return service_config_error(prog, path, key, line, err);
}

static enum iso_err read_polls(const char *cpath, const char *path, struct registry_polls **ret)
{
	size_t len = 0, at = 0;
	const char *field = NULL;
	char *json = NULL, *dir = strdup(path);
	enum iso_err err = dir == NULL ? ISO_E_NOMEM
				       : iso_file_read(path, REGISTRY_POLLS_FILE_MAX, &json, &len);
	if (err == ISO_OK)
		err = registry_polls_parse(json, len, dirname(dir), ret, &at, &field);
	if (err == ISO_OK && (err = registry_polls_load_keys(*ret, &at)) != ISO_OK) {
		field = "urn_key";
		registry_polls_free(*ret);
		*ret = NULL;
	}
	if (err != ISO_OK)
		service_log(prog, "%s: polls: %s%s%.0zu%s%s: %s", cpath, path, at > 0 ? ", poll " : "",
			    at, field != NULL ? ", field " : "", field != NULL ? field : "",
			    iso_strerror(err, ISO_LANG_EN));
	free(json);
	free(dir);
	return err;
}

/* The voter file into an empty store; a store that holds voters keeps
 * them (the file is imported once: a restart does not re-read it). */
static enum iso_err import_voters(struct registry *r, const char *cpath, const char *path)
{
	struct registry_store *s = registry_store_of(r);
	struct registry_state st;
	struct registry_voters_where w;
	char *json, msg[512], actor[128], hex[65];
	size_t len = 0;
	enum iso_err err = s->ops->state(s, &st);
	if (err != ISO_OK)
		return err;
	if (st.nvoters > 0) {
		service_log(prog, "%lld voters already imported", (long long)st.nvoters);
		return ISO_OK;
	}
	if ((err = iso_file_read(path, REGISTRY_VOTERS_FILE_MAX, &json, &len)) != ISO_OK) {
		service_log(prog, "%s: voters: %s: %s", cpath, path, iso_strerror(err, ISO_LANG_EN));
		return err;
	}
	/* the journal names the file imported by its hash */
	iso_sha256_hex(json, len, hex);
	snprintf(actor, sizeof actor, "voter-file:%s", hex);
	registry_voters_where_clear(&w);
	if ((err = registry_import(r, json, len, actor, &w)) != ISO_OK) {
		registry_voters_where_format(&w, err, ISO_LANG_EN, msg, sizeof msg);
		service_log(prog, "%s: voters: %s: %s", cpath, path, msg);
	} else {
		if ((err = s->ops->state(s, &st)) == ISO_OK)
			service_log(prog, "imported %lld voters from %s", (long long)st.nvoters, path);
	}
	free(json);
	return err;
}

int main(int argc, char **argv)
{
	const char *cpath = NULL, *bad = NULL, *s;
	struct config *c = NULL;
	struct registry_config rc_ = {0};
	struct registry_polls *polls = NULL;
	struct registry_store *store = NULL;
	struct registry *r = NULL;
	struct https_server *srv[2] = {NULL};
	static const char *const names[2] = {"kiosk", "bureau"};
	static const https_handler_fn fns[2] = {registry_handle_kiosk, registry_handle_bureau};
	unsigned short ports[2] = {0};
	char addr[2][64];
	enum iso_err err;
	int line = 0, rc = 1;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "new-key") == 0)
		return service_new_key(prog, argv[2], argv[3]);
	if (argc != 3 || strcmp(argv[1], "--config") != 0) {
		usage(stderr);
		return 2;
	}
	cpath = argv[2];
	if ((err = config_read(cpath, &c, &line)) != ISO_OK)
		return config_error(cpath, NULL, line, err);
	if ((err = config_check_keys(c, keys, &bad)) != ISO_OK) {
		rc = config_error(cpath, bad, 0, err);
		goto out;
	}
	/* every required key, in order, so that the first missing one is named */
	static const char *const required[] = {"voters", "polls", "database", "ticket_key",
					       "opening", "closing", NULL};
	for (size_t i = 0; required[i] != NULL; i++)
		if (config_get_string(c, required[i], &s) != ISO_OK) {
			rc = config_error(cpath, required[i], 0, ISO_E_CONFIG);
			goto out;
		}
	bad = "opening";
	if ((err = config_get_time(c, "opening", 0, &rc_.opening)) != ISO_OK ||
	    (bad = "closing", (err = config_get_time(c, "closing", 0, &rc_.closing)) != ISO_OK) ||
	    (bad = "grace", (err = config_get_int(c, "grace", 0, 86400, REGISTRY_GRACE_DEFAULT,
						  &rc_.grace)) != ISO_OK) ||
	    (bad = "session_ttl",
	     (err = config_get_int(c, "session_ttl", 60, 86400, REGISTRY_SESSION_TTL_DEFAULT,
				   &rc_.session_ttl)) != ISO_OK) ||
	    (bad = "ticket_ttl",
	     (err = config_get_int(c, "ticket_ttl", 60, 86400, REGISTRY_TICKET_TTL_DEFAULT,
				   &rc_.ticket_ttl)) != ISO_OK) ||
	    (bad = "skew", (err = config_get_int(c, "skew", 0, 3600, 60, &rc_.skew)) != ISO_OK)) {
		rc = config_error(cpath, bad, 0, err);
		goto out;
	}
	if (rc_.closing <= rc_.opening) {
		rc = config_error(cpath, "closing", 0, ISO_E_CONFIG);
		goto out;
	}
	if ((err = read_polls(cpath, config_get(c, "polls"), &polls)) != ISO_OK) {
		rc = 2;
		goto out;
	}
	rc_.polls = polls->v;
	rc_.npolls = polls->n;
	if ((err = signature_key_read(config_get(c, "ticket_key"), 1, &rc_.ticket_key)) !=
	    ISO_OK) {
		rc = config_error(cpath, "ticket_key", 0, err);
		goto out;
	}
	if ((err = registry_store_open_sqlite(config_get(c, "database"), &store)) != ISO_OK) {
		rc = config_error(cpath, "database", 0, err);
		goto out;
	}
	rc_.store = store;
	rc_.clock = service_clock();
	if ((err = registry_new(&rc_, &r)) != ISO_OK) {
		if (err == ISO_E_CONFIG)
			service_log(prog, "%s: polls: the database's voters vote in a poll that %s "
					  "does not list",
				    cpath, config_get(c, "polls"));
		else
			config_error(cpath, "database", 0, err);
		rc = 2;
		goto out;
	}
	if ((err = import_voters(r, cpath, config_get(c, "voters"))) != ISO_OK) {
		rc = 2;
		goto out;
	}
	tick(r); /* catch up with the schedule before serving */
	for (int i = 0; i < 2; i++) {
		struct https_config hc;
		bool present;
		if ((err = service_listener(c, names[i], true, true, &hc, &present, addr[i],
					    sizeof addr[i], &bad)) != ISO_OK) {
			rc = config_error(cpath, bad, 0, err);
			goto out;
		}
		if ((err = https_start(&hc, fns[i], r, &srv[i])) != ISO_OK) {
			rc = config_error(cpath, bad, 0, err);
			goto out;
		}
		ports[i] = https_port(srv[i]);
	}
	service_log(prog, "%zu polls: kiosks on port %u, bureau on port %u", polls->n, ports[0],
		    ports[1]);
	if ((s = config_get(c, "ready_file")) != NULL &&
	    (err = service_write_ready(s, names, ports, 2)) != ISO_OK) {
		rc = config_error(cpath, "ready_file", 0, err);
		goto out;
	}
	service_run(tick, r);
	service_log(prog, "stopping");
	rc = 0;
out:
	for (int i = 0; i < 2; i++)
		if (srv[i] != NULL)
			https_stop(srv[i]);
	registry_free(r);
	if (store != NULL)
		store->ops->close(store);
	registry_polls_free(polls);
	EVP_PKEY_free(rc_.ticket_key);
	config_free(c);
	return rc;
}
