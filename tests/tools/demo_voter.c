/* isoloir-demo-voter: one voter's visit to a kiosk, without the screen, for
 * ./run demo's crowd of voters (quicker than the kiosk's screens). It
 * speaks the kiosk's wire protocol (docs/architecture.md) through net/
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
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ballot.h"
#include "credential.h"
#include "election.h"
#include "net.h"

static const char *pki;
static struct net *net;
static char pin[NET_PIN_LEN + 1];

/* A request to the server on a loopback port (pinned, net/): the answer's
 * object (NULL when none came), the status in *ret_status. body consumed. */
static json_t *post(unsigned short port, const char *path, json_t *body, long *ret_status)
{
	struct net_server s = {0};
	struct net_answer a;
	char url[64];
	json_t *o = NULL;
	*ret_status = -1;
	snprintf(url, sizeof url, "https://127.0.0.1:%u", port);
	s.name = path;
	if (net_endpoint_set(&s.primary, url, pin) != ISO_OK) {
		json_decref(body);
		return NULL;
	}
	if (net_request(net, &s, "POST", path, body, &a) == ISO_OK) {
		*ret_status = a.status;
		o = json_incref(a.body);
	}
	net_answer_clear(&a);
	return o;
}

/* the French message of an error answer */
static const char *why(const json_t *o)
{
	const char *m = json_string_value(json_object_get(o, "fr"));
	return m != NULL ? m : "pas de réponse du serveur";
}

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

/* one poll: validate, encrypt, submit (retried on a transport error: the
 * same body gets the same receipt), confirm */
static int vote(unsigned short reg, const char *session, const char *verifier, const char *cred,
		const char *poll, unsigned short urn, const char *election, const char *choices)
{
	struct iso_election *e = election_read(election);
	struct iso_plaintext pt = {0};
	struct iso_where where;
	json_t *a, *ticket = NULL, *receipt = NULL, *payload;
	char *ballot = NULL;
	size_t blen;
	long st;
	int rc = 1;
	if (e == NULL ||
	    iso_plaintext_parse(e, choices, strlen(choices), &pt, &where) != ISO_OK) {
		fprintf(stderr, "%s : élection ou choix illisibles\n", poll);
		goto out;
	}
	a = post(reg, "/validate",
		 json_pack("{s:s, s:s, s:s}", "session", session, "verifier", verifier, "poll",
			   poll),
		 &st);
	if (st != 200) {
		fprintf(stderr, "%s : validation refusée : %s\n", poll, why(a));
		json_decref(a);
		goto out;
	}
	ticket = json_incref(json_object_get(a, "ticket"));
	json_decref(a);
	if (iso_ballot_encrypt(e, cred, &pt, 0, &ballot, &blen) != ISO_OK) {
		fprintf(stderr, "%s : chiffrement impossible\n", poll);
		goto out;
	}
	/* net/ retries the same bytes: the same receipt after a lost answer */
	a = post(urn, "/ballot", json_pack("{s:s, s:O}", "ballot", ballot, "ticket", ticket), &st);
	if (st == 200)
		receipt = json_incref(json_object_get(a, "receipt"));
	else
		fprintf(stderr, "%s : bulletin refusé par l’urne : %s\n", poll, why(a));
	json_decref(a);
	if (receipt == NULL)
		goto out;
	a = post(reg, "/confirm",
		 json_pack("{s:s, s:s, s:O}", "session", session, "poll", poll, "receipt", receipt),
		 &st);
	if (st != 200) {
		fprintf(stderr, "%s : émargement refusé : %s\n", poll, why(a));
		json_decref(a);
		goto out;
	}
	json_decref(a);
	payload = json_object_get(receipt, "payload");
	printf("%s : a voté, empreinte du bulletin %s\n", poll,
	       json_string_value(json_object_get(payload, "tracker")));
	rc = 0;
out:
	json_decref(ticket);
	json_decref(receipt);
	free(ballot);
	iso_plaintext_wipe(&pt);
	iso_election_free(e);
	return rc;
}

/* the server's certificate, whose key is pinned */
static const char *path_pin(void)
{
	static char p[1024];
	snprintf(p, sizeof p, "%s/server.pem", pki);
	return p;
}

int main(int argc, char **argv)
{
	char line[128], cred[ISO_CREDENTIAL_LEN + 1], verifier[ISO_B64_HASH_LEN + 1];
	unsigned short reg;
	const char *session;
	json_t *login;
	long st;
	int rc = 0;
	size_t n;

	if (argc < 9 || (argc - 5) % 4 != 0) {
		fprintf(stderr, "usage: %s PKI-DIR REGISTRY-PORT IDENTIFIER ANSWER "
				"(POLL URN-PORT ELECTION.json CHOICES)... <password\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* in order with the refusals on stderr */
	pki = argv[1];
	reg = (unsigned short)strtoul(argv[2], NULL, 10);
	if (fgets(line, sizeof line, stdin) == NULL) {
		fprintf(stderr, "mot de passe attendu sur l’entrée standard\n");
		return 2;
	}
	n = strcspn(line, "\r\n");
	if (iso_credential_parse(line, n, cred) != ISO_OK ||
	    iso_registry_verifier(argv[3], cred, verifier) != ISO_OK) {
		OPENSSL_cleanse(line, sizeof line);
		fprintf(stderr, "mot de passe mal formé\n");
		return 1;
	}
	OPENSSL_cleanse(line, sizeof line);
	{
		char cert[1024], key[1024];
		struct net_config nc = {cert, key, 0, 0, 0, 0};
		snprintf(cert, sizeof cert, "%s/kiosk.pem", pki);
		snprintf(key, sizeof key, "%s/kiosk.key", pki);
		if (net_pin_of_file(path_pin(), pin) != ISO_OK || net_new(&nc, &net) != ISO_OK) {
			fprintf(stderr, "%s : clé du serveur ou identité du poste illisibles\n", pki);
			return 2;
		}
	}
	login = post(reg, "/login",
		     json_pack("{s:s, s:s, s:s}", "identifier", argv[3], "verifier", verifier,
			       "answer", argv[4]),
		     &st);
	if (st != 200 || (session = json_string_value(json_object_get(login, "session"))) == NULL) {
		fprintf(stderr, "%s : connexion refusée : %s\n", argv[3], why(login));
		rc = 1;
	} else {
		printf("%s (%s) connecté·e\n", json_string_value(json_object_get(login, "name")),
		       argv[3]);
		for (int i = 5; i + 3 < argc; i += 4)
			rc |= vote(reg, session, verifier, cred, argv[i],
				   (unsigned short)strtoul(argv[i + 1], NULL, 10), argv[i + 2],
				   argv[i + 3]);
		json_decref(post(reg, "/logout", json_pack("{s:s}", "session", session), &st));
	}
	json_decref(login);
	OPENSSL_cleanse(cred, sizeof cred);
	OPENSSL_cleanse(verifier, sizeof verifier);
	net_free(net);
	return rc;
}
