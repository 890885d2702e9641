/* isoloir-demo-voter: one voter's visit to a kiosk, without the screen, for
 * ./run demo's crowd of voters (quicker than the kiosk's screens). It
 * speaks the kiosk's wire protocol (docs/architecture.md) through net/
 * (voter.h: the visit without screens)
 * (TLS 1.3, the server's key pinned, retries) with the kiosk certificate of
 * a PKI directory (tests/server/pki.sh layout: server.pin, kiosk.pem,
 * kiosk.key):
 *   login (identifier, registry verifier, answer) → for each poll given:
 *   validate (the password again) → a ticket → the ballot, encrypted and
 *   signed here, to the poll's urn → its receipt, checked, back to the
 *   registry (émargement) → logout.
 * The password is read from stdin (never argv: ps would show it) and wiped.
 * Usage: isoloir-demo-voter PKI-DIR REGISTRY-PORT IDENTIFIER ANSWER
 *            (POLL-UUID URN-PORT ELECTION.json CHOICES)...
 * CHOICES is belenios-tool's form, e.g. [[0,1,0,0]]. Prints one line per
 * poll: its state (voted) and the ballot's tracker. Exit 0 when every poll
 * given was voted (or already was), 1 on a refusal, 2 on a usage error. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election.h"
#include "net.h"
#include "voter.h"

static struct iso_election *election_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[1 << 16];
	size_t n;
	struct iso_election *e = NULL;
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	if (iso_election_parse(buf, n, &e) != ISO_OK || iso_election_prepare(e, true) != ISO_OK) {
		iso_election_free(e);
		return NULL;
	}
	return e;
}

int main(int argc, char **argv)
{
	char line[128], pin[NET_PIN_LEN + 1], url[64], cert[1024], key[1024], path[1024];
	struct net_config nc = {cert, key, 0, 0, 0, 0};
	struct net *net = NULL;
	struct voter *v = NULL;
	char *why = NULL;
	enum iso_err err;
	int rc = 0;

	if (argc < 9 || (argc - 5) % 4 != 0) {
		fprintf(stderr, "usage: %s PKI-DIR REGISTRY-PORT IDENTIFIER ANSWER "
				"(POLL URN-PORT ELECTION.json CHOICES)... <password\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* in order with the refusals on stderr */
	if (fgets(line, sizeof line, stdin) == NULL) {
		fprintf(stderr, "mot de passe attendu sur l’entrée standard\n");
		return 2;
	}
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(cert, sizeof cert, "%s/kiosk.pem", argv[1]);
	snprintf(key, sizeof key, "%s/kiosk.key", argv[1]);
	snprintf(path, sizeof path, "%s/server.pem", argv[1]);
	if (net_pin_of_file(path, pin) != ISO_OK || net_new(&nc, &net) != ISO_OK) {
		OPENSSL_cleanse(line, sizeof line);
		fprintf(stderr, "%s : clé du serveur ou identité du poste illisibles\n", argv[1]);
		return 2;
	}
	snprintf(url, sizeof url, "https://127.0.0.1:%s", argv[2]);
	err = voter_login(net, url, pin, argv[3], line, argv[4], &v, &why);
	OPENSSL_cleanse(line, sizeof line);
	if (err != ISO_OK) {
		fprintf(stderr, "%s : connexion refusée : %s\n", argv[3],
			why != NULL ? why : iso_strerror(err, ISO_LANG_FR));
		free(why);
		net_free(net);
		return 1;
	}
	printf("%s connecté·e\n", argv[3]);
	for (int i = 5; i + 3 < argc; i += 4) {
		struct iso_election *e = election_read(argv[i + 2]);
		char tracker[64];
		snprintf(url, sizeof url, "https://127.0.0.1:%s", argv[i + 1]);
		err = e == NULL ? ISO_E_JSON : voter_cast(v, argv[i], url, e, argv[i + 3], tracker, &why);
		if (err == ISO_OK) {
			printf("%s : a voté, empreinte du bulletin %s\n", argv[i], tracker);
		} else {
			fprintf(stderr, "%s : %s\n", argv[i], why != NULL ? why : iso_strerror(err, ISO_LANG_FR));
			rc = 1;
		}
		free(why);
		why = NULL;
		iso_election_free(e);
	}
	voter_logout(v);
	net_free(net);
	return rc;
}
