/* isoloir-urn: the ballot box of one poll, one process and one database
 * per poll (R-SEP-04). Reads its configuration file, serves kiosks, the
 * bureau and the public board on separate listeners, and follows the
 * schedule every second. Logs go to stderr; none carries a vote. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "service.h"
#include "signature.h"
#include "urn.h"

static const char prog[] = "isoloir-urn";

static const char *const keys[] = {
	"setup_archive", "database",	    "publish_dir", "receipt_key",   "ticket_key",
	"opening",	 "closing",	    "grace",	   "skew",	    "threads",
	"tls_cert",	 "tls_key",	    "kiosk_listen", "kiosk_ca",	    "bureau_listen",
	"bureau_ca",	 "public_listen", "max_body",	   "timeout",	    "max_connections",
	"ready_file",	 NULL,
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --config FILE\n"
		"       %s new-key PRIVATE.pem PUBLIC.pem\n"
		"\n"
		"The ballot box (urne) of one poll: accepts each voter's ballot once, with a\n"
		"voting ticket of the registry, and answers with a signed receipt once the\n"
		"ballot is on disk. Listeners: kiosks (mutual TLS, kiosk CA), the bureau\n"
		"(mutual TLS, bureau CA) and the public board.\n"
		"\n"
		"Configuration (key = value):\n"
		"  setup_archive   the poll's .bel (Setup event only), from the bureau\n"
		"  database        the urn's SQLite file (created if missing)\n"
		"  publish_dir     where the final archive is written\n"
		"  receipt_key     the urn's private key (PEM, P-256)\n"
		"  ticket_key      the registry's public key (PEM)\n"
		"  opening, closing  scheduled times, 2026-12-03T18:00:00Z (optional)\n"
		"  grace           seconds after closing for sessions started before (1800)\n"
		"  skew            tolerated clock difference with the registry (60)\n"
		"  threads         ballots verified at once (0: one per CPU)\n"
		"  tls_cert, tls_key   the server's TLS identity (PEM)\n"
		"  kiosk_listen, kiosk_ca     address:port and the kiosks' CA\n"
		"  bureau_listen, bureau_ca   address:port and the bureau's CA\n"
		"  public_listen   address:port of the public board (optional)\n"
		"  max_body, timeout, max_connections   request limits\n"
		"  ready_file      written with the bound ports once listening (optional)\n",
		prog, prog);
}

static void tick(void *arg)
{
	enum iso_err err = urn_tick(arg);
	if (err != ISO_OK)
		service_log(prog, "schedule: %s", iso_strerror(err, ISO_LANG_EN));
}

static int config_error(const char *path, const char *key, int line, enum iso_err err)
{
	return service_config_error(prog, path, key, line, err);
}

int main(int argc, char **argv)
{
	const char *cpath = NULL, *bad = NULL, *s;
	struct config *c = NULL;
	struct urn_config uc = {0};
	struct urn_store *store = NULL;
	struct urn *u = NULL;
	struct https_server *srv[3] = {NULL};
	static const char *const names[3] = {"kiosk", "bureau", "public"};
	static const https_handler_fn fns[3] = {urn_handle_kiosk, urn_handle_bureau,
						urn_handle_public};
	unsigned short ports[3] = {0};
	char addr[3][64];
	struct iso_where where;
	enum iso_err err;
	int line = 0, rc = 1;
	int64_t v;

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
	static const char *const required[] = {"setup_archive", "database", "publish_dir",
					       "receipt_key", "ticket_key", NULL};
	for (size_t i = 0; required[i] != NULL; i++)
		if (config_get_string(c, required[i], &s) != ISO_OK) {
			rc = config_error(cpath, required[i], 0, ISO_E_CONFIG);
			goto out;
		}
	uc.setup_archive = config_get(c, "setup_archive");
	uc.publish_dir = config_get(c, "publish_dir");
	if ((err = config_get_time(c, "opening", 0, &uc.opening)) != ISO_OK ||
	    (bad = "closing", (err = config_get_time(c, "closing", 0, &uc.closing)) != ISO_OK) ||
	    (bad = "grace", (err = config_get_int(c, "grace", 0, 86400, URN_GRACE_DEFAULT,
						  &uc.grace)) != ISO_OK) ||
	    (bad = "skew", (err = config_get_int(c, "skew", 0, 3600, 60, &uc.skew)) != ISO_OK) ||
	    (bad = "threads", (err = config_get_int(c, "threads", 0, 256, 0, &v)) != ISO_OK)) {
		rc = config_error(cpath, bad != NULL ? bad : "opening", 0, err);
		goto out;
	}
	uc.threads = (int)v;
	if ((err = signature_key_read(config_get(c, "receipt_key"), 1, &uc.receipt_key)) !=
	    ISO_OK) {
		rc = config_error(cpath, "receipt_key", 0, err);
		goto out;
	}
	if ((err = signature_key_read(config_get(c, "ticket_key"), 0, &uc.ticket_key)) != ISO_OK) {
		rc = config_error(cpath, "ticket_key", 0, err);
		goto out;
	}
	if ((err = urn_store_open_sqlite(config_get(c, "database"), &store)) != ISO_OK) {
		rc = config_error(cpath, "database", 0, err);
		goto out;
	}
	uc.store = store;
	uc.clock = service_clock();
	if ((err = urn_new(&uc, &u, &where)) != ISO_OK) {
		rc = config_error(cpath, "setup_archive", 0, err);
		goto out;
	}
	tick(u); /* catch up with the schedule before serving */
	for (int i = 0; i < 3; i++) {
		struct https_config hc;
		bool present;
		if ((err = service_listener(c, names[i], i < 2, i < 2, &hc, &present, addr[i],
					    sizeof addr[i], &bad)) != ISO_OK) {
			rc = config_error(cpath, bad, 0, err);
			goto out;
		}
		if (!present)
			continue;
		if ((err = https_start(&hc, fns[i], u, &srv[i])) != ISO_OK) {
			rc = config_error(cpath, bad, 0, err);
			goto out;
		}
		ports[i] = https_port(srv[i]);
	}
	service_log(prog, "poll %s: kiosks on port %u, bureau on port %u, public board on port %u",
		    urn_poll(u), ports[0], ports[1], ports[2]);
	if ((s = config_get(c, "ready_file")) != NULL &&
	    (err = service_write_ready(s, names, ports, 3)) != ISO_OK) {
		rc = config_error(cpath, "ready_file", 0, err);
		goto out;
	}
	service_run(tick, u);
	service_log(prog, "stopping");
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		if (srv[i] != NULL)
			https_stop(srv[i]);
	urn_free(u);
	if (store != NULL)
		store->ops->close(store);
	EVP_PKEY_free(uc.receipt_key);
	EVP_PKEY_free(uc.ticket_key);
	config_free(c);
	return rc;
}
