/* The kiosk's session and shell, without a window, against a real
 * registry and two urns over pinned TLS on loopback: a voter votes in
 * both their polls (R-VOTE-01), each validated with the password again
 * (R-VOTE-02); the receipts name ballots on the board (R-VOTE-04,
 * R-C19-VERIF); a second voter is refused a poll not theirs; a wrong
 * answer is refused, a wrong pin is a security alert, a registry down is
 * taken over by its backup address (counted once for the journal); no password
 * remains in the session; the urns' archives pass belenios-tool and their
 * count is the votes cast. operation.json is parsed as the kiosk reads
 * it, and its faults are named.
 * Usage: test_kiosk_flow FIXTURE-DIR WORK-DIR ISOLOIR-BUREAU */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "operation.h"
#include "registry.h"
#include "shell.h"
#include "signature.h"
#include "urn.h"

#define T0 1900000000

static const char *work;
static char uuid[2][32];
static struct shell *sh;

/* field k (from 0) of the line of a ';' file whose field key_k is key */
static char *field_of(const char *file, int key_k, const char *key, int k)
{
	char *all = slurp(path_of("%s/op/%s", fx, file), NULL), *save = NULL, *line, *out = NULL;
	for (line = strtok_r(all, "\r\n", &save); line != NULL && out == NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *f[4] = {NULL}, *s2 = NULL;
		int n = 0;
		for (char *x = strtok_r(line, ";", &s2); x != NULL && n < 4; x = strtok_r(NULL, ";", &s2))
			f[n++] = x;
		if (n > k && n > key_k && strcmp(f[key_k], key) == 0)
			out = strdup(f[k]);
	}
	free(all);
	return out;
}

/* the password of a voter of op/: its two letters joined by number */
static void password_of(const char *id, char out[ISO_CREDENTIAL_LEN + 1])
{
	char *num = field_of("letters-identifiers.csv", 1, id, 0),
	     *pw = num != NULL ? field_of("letters-passwords.csv", 0, num, 2) : NULL;
	snprintf(out, ISO_CREDENTIAL_LEN + 1, "%s", pw != NULL ? pw : "");
	free(num);
	free(pw);
}

static void perform(struct session *s)
{
	for (int i = 0; i < 10 && s->action != ACTION_NONE; i++)
		shell_perform(sh, s);
}

static char *operation_json(const char *registry_pin, unsigned short rport,
			    const unsigned short uport[2], const char *pin)
{
	json_t *polls = json_array(), *o;
	char *s;
	for (int i = 0; i < 2; i++) {
		char *e = slurp(path_of("%s/op/%s/election.json", fx, uuid[i]), NULL);
		json_t *lists = json_array();
		for (int k = 0; k < 3; k++)
			json_array_append_new(
				lists, json_pack("{s:s, s:s, s:[s,s], s:s}", "acronym",
						 path_of("L%c", 'A' + k), "name", path_of("Liste %c", 'A' + k),
						 "candidates", "Camille Durand", "Sacha Petit",
						 "profession_de_foi", "Nous défendrons\nvos droits."));
		json_array_append_new(
			polls, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o}", "uuid", uuid[i], "name",
					 i == 0 ? "Comité social" : "Délégués", "election", e, "urn",
					 "url", path_of("https://127.0.0.1:%u", uport[i]), "pin", pin,
					 "lists", lists));
		free(e);
	}
	o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o}", "version", 1, "operation",
		      "Élections professionnelles", "space", "Espace électoral, mairie annexe",
		      "opening", "2030-03-17T08:00:00+01:00", "closing", "2030-03-17T20:00:00+01:00",
		      "registry", "url", path_of("https://127.0.0.1:%u", rport), "pin", registry_pin,
		      "polls", polls);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static void expect_fault(const char *good, const char *from, const char *to, size_t poll,
			 size_t list, const char *field)
{
	char *bad = strdup(good), *p = strstr(bad, from), *t;
	struct operation *op = NULL;
	struct operation_where w;
	char msg[256];
	if (p == NULL) {
		fprintf(stderr, "no %s in the operation\n", from);
		CHECK(0);
		free(bad);
		return;
	}
	t = malloc(strlen(bad) + strlen(to) + 1);
	sprintf(t, "%.*s%s%s", (int)(p - bad), bad, to, p + strlen(from));
	CHECK_ERR(operation_parse(t, strlen(t), &op, &w), ISO_E_CONFIG);
	CHECK(op == NULL && w.poll == poll && w.list == list &&
	      (field == NULL ? w.field == NULL : w.field != NULL && strcmp(w.field, field) == 0));
	if (!(w.poll == poll && w.list == list))
		fprintf(stderr, "  %s → %s: poll %zu list %zu field %s\n", from, to, w.poll, w.list,
			w.field ? w.field : "-");
	operation_where_format(&w, ISO_E_CONFIG, ISO_LANG_FR, msg, sizeof msg);
	CHECK(strlen(msg) > 10);
	free(t);
	free(bad);
}

/* one poll's vote from the polls screen: choice, review, validation */
static void vote_poll(struct session *s, size_t poll, int choice, const char *password)
{
	session_choose_poll(s, poll);
	CHECK(s->screen == SCREEN_CHOOSE);
	session_touch(s, choice);
	session_review(s);
	session_to_validate(s);
	session_validate(s, password);
	perform(s);
	CHECK(s->screen == SCREEN_RECEIPT && s->polls[poll].state == POLL_VOTED);
	if (s->screen != SCREEN_RECEIPT)
		fprintf(stderr, "  screen %s, problem %d: %s\n", session_screen_name(s->screen),
			s->problem, s->problem_text);
}

int main(int argc, char **argv)
{
	struct iso_clock clk = {fake_clock, NULL};
	struct registry_store *rstore = NULL;
	struct registry *reg = NULL;
	struct registry_config rc;
	struct registry_poll rpolls[2];
	struct urn_store *ustore[2] = {NULL};
	struct urn *urn[2] = {NULL};
	struct urn_config uc[2];
	struct https_server *srv[4] = {NULL};
	struct iso_where where;
	struct net_config nc = {0};
	struct operation *op = NULL;
	struct operation_where ow;
	struct session s;
	EVP_PKEY *registry_key = NULL, *registry_pub = NULL, *urn_pub[2] = {NULL};
	char pin[NET_PIN_LEN + 1], other_pin[NET_PIN_LEN + 1], pw[ISO_CREDENTIAL_LEN + 1],
		pwz[ISO_CREDENTIAL_LEN + 1], *voters, *json, trackers[2][64];
	unsigned short rport, uport[2];
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: %s FIXTURE-DIR WORK-DIR ISOLOIR-BUREAU\n", argv[0]);
		return 2;
	}
	fx = argv[1];
	work = argv[2];
	set_now(T0);
	if (system(path_of("rm -rf '%s' && mkdir -p '%s/public-0' '%s/public-1'", work, work,
			   work)) != 0)
		return 2;
	{
		char *p = slurp(path_of("%s/op/polls", fx), NULL);
		sscanf(p, "%31s %31s", uuid[0], uuid[1]);
		free(p);
	}
	CHECK_ERR(signature_key_read(path_of("%s/registry.key", fx), 1, &registry_key), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/registry.pub", fx), 0, &registry_pub), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn.pub", fx), 0, &urn_pub[0]), ISO_OK);
	CHECK_ERR(signature_key_read(path_of("%s/urn-b.pub", fx), 0, &urn_pub[1]), ISO_OK);

	/* the registry of the operation, its voters from the credential authority */
	CHECK_ERR(registry_store_open_sqlite(path_of("%s/registry.sqlite", work), &rstore), ISO_OK);
	rpolls[0] = (struct registry_poll){uuid[0], "Comité social", urn_pub[0]};
	rpolls[1] = (struct registry_poll){uuid[1], "Délégués", urn_pub[1]};
	rc = (struct registry_config){.store = rstore,
				      .ticket_key = registry_key,
				      .polls = rpolls,
				      .npolls = 2,
				      .opening = T0 - 60,
				      .closing = T0 + 3600,
				      .clock = &clk};
	CHECK_ERR(registry_new(&rc, &reg), ISO_OK);
	voters = slurp(path_of("%s/op/registry-voters.json", fx), &len);
	CHECK_ERR(registry_import(reg, voters, len, "test", NULL), ISO_OK);
	free(voters);
	/* its urns, open */
	for (int i = 0; i < 2; i++) {
		memset(&uc[i], 0, sizeof uc[i]);
		CHECK_ERR(urn_store_open_sqlite(path_of("%s/urn-%d.sqlite", work, i), &ustore[i]),
			  ISO_OK);
		uc[i].store = ustore[i];
		uc[i].setup_archive = strdup(path_of("%s/op/%s/%s.bel", fx, uuid[i], uuid[i]));
		CHECK_ERR(signature_key_read(path_of("%s/%s.key", fx, i == 0 ? "urn" : "urn-b"), 1,
					     &uc[i].receipt_key),
			  ISO_OK);
		uc[i].ticket_key = registry_pub;
		uc[i].closing = T0 + 3600;
		uc[i].clock = &clk;
		uc[i].publish_dir = strdup(path_of("%s/public-%d", work, i));
		CHECK_ERR(urn_new(&uc[i], &urn[i], &where), ISO_OK);
		if (urn[i] == NULL)
			return check_status();
		CHECK_ERR(urn_control(urn[i], URN_DO_OPEN, "test"), ISO_OK);
	}
	if (reg == NULL)
		return check_status();
	rport = serve(registry_handle_kiosk, reg, "kiosk-ca", &srv[0]);
	uport[0] = serve(urn_handle_kiosk, urn[0], "kiosk-ca", &srv[1]);
	uport[1] = serve(urn_handle_kiosk, urn[1], "kiosk-ca", &srv[2]);

	/* operation.json as the kiosk reads it; its faults named */
	CHECK_ERR(net_pin_of_file(path_of("%s/server.pem", fx), pin), ISO_OK);
	CHECK_ERR(net_pin_of_file(path_of("%s/server-other.pem", fx), other_pin), ISO_OK);
	json = operation_json(pin, rport, uport, pin);
	CHECK_ERR(operation_parse(json, strlen(json), &op, &ow), ISO_OK);
	CHECK(op != NULL && op->npolls == 2 && op->polls[0].nlists == 3 &&
	      op->polls[0].lists[1].ncandidates == 2);
	expect_fault(json, "\"version\":1", "\"version\":2", 0, 0, "version");
	expect_fault(json, "\"acronym\":\"LB\"", "\"acronym\":\"\"", 1, 2, "acronym");
	expect_fault(json, "\"name\":\"Liste C\"", "\"name\":\"Liste Z\"", 1, 3, "name");
	expect_fault(json, "\"pin\":\"", "\"pin\":\"x", 0, 0, "registry");
	expect_fault(json, "\"space\":\"", "\"space\":\"\\u0007", 0, 0, "space");
	/* the hours: RFC 3339 with an offset, the closing after the opening */
	CHECK(op->opening == T0 - 38800 && op->closing == T0 + 4400);
	expect_fault(json, "\"closing\":\"2030", "\"closing\":\"2029", 0, 0, "closing");
	expect_fault(json, "\"opening\":\"2030-03-17T08:00:00+01:00", "\"opening\":\"2030-03-17T08:00:00",
		     0, 0, "opening");
	expect_fault(json, uuid[1], uuid[0], 2, 0, "election");
	expect_fault(json, "\"candidates\":[\"Camille Durand\",", "\"candidates\":[\"\",", 1, 1,
		     "candidates");

	nc.client_cert = strdup(path_of("%s/kiosk.pem", fx));
	nc.client_key = strdup(path_of("%s/kiosk.key", fx));
	nc.deadline_ms = 5000;
	CHECK_ERR(shell_new(op, &nc, ISO_LANG_FR, &sh), ISO_OK);
	if (sh == NULL)
		return check_status();

	/* Inès votes in her two polls */
	password_of("ines.moreau", pw);
	CHECK(strlen(pw) == ISO_CREDENTIAL_LEN);
	session_init(&s, T0);
	session_start(&s);
	session_identify(&s, "ines.moreau", pw, "01/01/1901");
	perform(&s);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_LOGIN &&
	      strstr(s.problem_text, "incorrect") != NULL);
	session_back(&s);
	session_identify(&s, "ines.moreau", pw, "14 07 1985");
	perform(&s);
	CHECK(s.screen == SCREEN_POLLS && s.npolls == 2 && strcmp(s.name, "Inès Moreau") == 0);
	CHECK(s.polls[0].nlists == 3 && s.polls[0].blank);
	vote_poll(&s, 0, 2, pw);
	snprintf(trackers[0], sizeof trackers[0], "%s", s.polls[0].tracker);
	session_next(&s);
	CHECK(s.screen == SCREEN_POLLS);
	vote_poll(&s, 1, 0, pw);
	snprintf(trackers[1], sizeof trackers[1], "%s", s.polls[1].tracker);
	/* no password left in the session, at any point after its use */
	{
		const unsigned char *m = (const unsigned char *)&s;
		int found = 0;
		for (size_t i = 0; i + ISO_CREDENTIAL_LEN <= sizeof s; i++)
			found |= memcmp(m + i, pw, ISO_CREDENTIAL_LEN) == 0;
		CHECK(!found);
	}
	session_next(&s);
	CHECK(s.screen == SCREEN_END);
	session_next(&s);
	perform(&s);
	CHECK(s.screen == SCREEN_WELCOME && s.npolls == 0);

	/* the receipts name ballots on the board */
	for (int i = 0; i < 2; i++) {
		bool present = false;
		CHECK_ERR(urn_board_has(urn[i], trackers[i], &present), ISO_OK);
		CHECK(present);
	}

	/* Zoé votes in hers; she is not a voter of the second poll */
	password_of("zoe.martin", pwz);
	session_start(&s);
	session_identify(&s, "zoe.martin", pwz, "30/01/2001");
	perform(&s);
	CHECK(s.screen == SCREEN_POLLS && s.npolls == 1);
	vote_poll(&s, 0, 1, pwz);
	session_quit(&s);
	perform(&s);
	CHECK(s.screen == SCREEN_WELCOME);

	/* a registry that shows another key: a security alert, nothing sent */
	{
		struct operation *op2 = NULL;
		struct shell *sh2 = NULL, *saved = sh;
		char *j2 = operation_json(other_pin, rport, uport, pin);
		CHECK_ERR(operation_parse(j2, strlen(j2), &op2, &ow), ISO_OK);
		CHECK_ERR(shell_new(op2, &nc, ISO_LANG_FR, &sh2), ISO_OK);
		sh = sh2;
		session_start(&s);
		session_identify(&s, "yann.le-gall", pwz, "12/12/1972");
		perform(&s);
		CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_SECURITY);
		if (s.problem != PROBLEM_SECURITY)
			fprintf(stderr, "  screen %s, problem %d: %s\n", session_screen_name(s.screen),
				s.problem, s.problem_text);
		session_back(&s);
		CHECK(s.screen == SCREEN_WELCOME);
		sh = saved;
		shell_free(sh2);
		operation_free(op2);
		free(j2);
	}

	/* the registry's address down: its backup address takes over, and
	 * the shell counts one takeover for the journal (EV_FAILOVER) */
	{
		struct operation *op3 = NULL;
		struct shell *sh3 = NULL, *saved = sh;
		json_t *o = json_loads(json, 0, NULL), *r = json_object_get(o, "registry");
		char *j3, pwy[ISO_CREDENTIAL_LEN + 1];
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t sl = sizeof sa;
		/* a port nobody listens on */
		CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
		      getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
		close(fd);
		json_object_set_new(r, "backup",
				    json_pack("{s:s, s:s}", "url",
					      path_of("https://127.0.0.1:%u", rport), "pin", pin));
		json_object_set_new(r, "url",
				    json_string(path_of("https://127.0.0.1:%u", ntohs(sa.sin_port))));
		j3 = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		CHECK_ERR(operation_parse(j3, strlen(j3), &op3, &ow), ISO_OK);
		CHECK_ERR(shell_new(op3, &nc, ISO_LANG_FR, &sh3), ISO_OK);
		sh = sh3;
		password_of("yann.le-gall", pwy);
		for (int i = 0; i < 2; i++) {
			session_start(&s);
			session_identify(&s, "yann.le-gall", pwy, "12/12/1972");
			perform(&s);
			CHECK(s.screen == SCREEN_POLLS);
			/* one takeover; the second login goes to the backup directly */
			CHECK(shell_take_failovers(sh) == (i == 0 ? 1 : 0));
			session_quit(&s);
			perform(&s);
			CHECK(s.screen == SCREEN_WELCOME && shell_take_failovers(sh) == 0);
		}
		OPENSSL_cleanse(pwy, sizeof pwy);
		sh = saved;
		shell_free(sh3);
		operation_free(op3);
		free(j3);
	}

	/* the count: each urn stopped, its archive counted with
	 * isoloir-bureau and verified by belenios-tool */
	for (int i = 0; i < 2; i++) {
		static const char *const expected[2] = {"{\"result\":[[0,0,1,0]]}",
							"{\"result\":[[1,0,0,0]]}"};
		static const char *const expected_zoe = "{\"result\":[[0,1,1,0]]}";
		char *result;
		CHECK_ERR(urn_control(urn[i], URN_DO_STOP, "test"), ISO_OK);
		CHECK(system(path_of(
			      "set -e; cd '%s/public-%d'; B='%s'; q=--quiet;"
			      " $B election compute-encrypted-tally $q | $B archive add-event $q --type=EncryptedTally;"
			      " $B election decrypt $q --privkey '%s/op/%s/'*.privkey --trustee-id 1 |"
			      " $B archive add-event $q --type=PartialDecryption;"
			      " $B election compute-result $q > result.json;"
			      " $B archive add-event $q --type=Result < result.json;"
			      " mkdir -p b && cp %s.bel b/ && belenios-tool election verify --dir b >/dev/null 2>&1",
			      work, i, argv[3], fx, uuid[i], uuid[i])) == 0);
		result = slurp(path_of("%s/public-%d/result.json", work, i), NULL);
		/* poll 1: Inès list B, Zoé list A; poll 2: Inès blank */
		CHECK(strcmp(result, i == 0 ? expected_zoe : expected[1]) == 0);
		if (strcmp(result, i == 0 ? expected_zoe : expected[1]) != 0)
			fprintf(stderr, "  poll %d result %s\n", i, result);
		free(result);
	}

	for (int i = 0; i < 4; i++)
		if (srv[i] != NULL)
			https_stop(srv[i]);
	shell_free(sh);
	operation_free(op);
	free(json);
	for (int i = 0; i < 2; i++) {
		urn_free(urn[i]);
		ustore[i]->ops->close(ustore[i]);
		free((char *)uc[i].setup_archive);
		free((char *)uc[i].publish_dir);
		EVP_PKEY_free(uc[i].receipt_key);
		EVP_PKEY_free(urn_pub[i]);
	}
	registry_free(reg);
	rstore->ops->close(rstore);
	EVP_PKEY_free(registry_key);
	EVP_PKEY_free(registry_pub);
	free((char *)nc.client_cert);
	free((char *)nc.client_key);
	free(last_body);
	return check_status();
}
