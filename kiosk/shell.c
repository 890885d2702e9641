/* The kiosk's shell (see shell.h). */
#include "shell.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ballot.h"

struct shell {
	const struct operation *op;
	struct net *net;
	struct net *quick; /* maintenance's checks: one short attempt each */
	enum iso_lang lang;
	struct net_server registry;
	struct net_server *urns; /* per poll of op, with their failover state */
	int switches;            /* to a backup address, not yet journaled */
};

enum iso_err shell_new(const struct operation *op, const struct net_config *nc,
		       enum iso_lang lang, struct shell **ret)
{
	struct shell *sh = calloc(1, sizeof *sh);
	enum iso_err err;
	if (sh == NULL || (sh->urns = calloc(op->npolls, sizeof *sh->urns)) == NULL) {
		free(sh);
		return ISO_E_NOMEM;
	}
	struct net_config qc = {nc->client_cert, nc->client_key, 2000, 4000, 4000, 250};
	if ((err = net_new(nc, &sh->net)) != ISO_OK || (err = net_new(&qc, &sh->quick)) != ISO_OK) {
		net_free(sh->net);
		free(sh->urns);
		free(sh);
		return err;
	}
	sh->op = op;
	sh->lang = lang;
	sh->registry = op->registry;
	for (size_t i = 0; i < op->npolls; i++)
		sh->urns[i] = op->polls[i].urn;
	*ret = sh;
	return ISO_OK;
}

void shell_free(struct shell *sh)
{
	if (sh == NULL)
		return;
	net_free(sh->net);
	net_free(sh->quick);
	free(sh->urns);
	free(sh);
}

void shell_set_lang(struct shell *sh, enum iso_lang lang)
{
	sh->lang = lang;
}

int shell_take_failovers(struct shell *sh)
{
	int n = sh->switches;
	sh->switches = 0;
	return n;
}

static int poll_index(const struct shell *sh, const char *uuid)
{
	for (size_t i = 0; uuid != NULL && i < sh->op->npolls; i++)
		if (strcmp(sh->op->polls[i].uuid, uuid) == 0)
			return (int)i;
	return -1;
}

/* A POST to a server, its takeover by the backup counted. */
static enum iso_err post(struct shell *sh, struct net_server *srv, const char *path, json_t *body,
			 struct net_answer *a)
{
	int was = srv->current;
	enum iso_err err = net_request(sh->net, srv, "POST", path, body, a);
	if (srv->current == 1 && was != 1)
		sh->switches++;
	return err;
}

/* A request and its outcome: ISO_OK for a 2xx, else the protocol's error
 * with the server's message in the shell's language. */
static enum iso_err call(struct shell *sh, struct net_server *srv, const char *path, json_t *body,
			 struct net_answer *a, const char **ret_message, int64_t *ret_retry)
{
	enum iso_err err = post(sh, srv, path, body, a);
	*ret_message = NULL;
	if (err != ISO_OK)
		return err;
	if ((err = net_refusal(a)) != ISO_OK) {
		*ret_message = json_string_value(
			json_object_get(a->body, sh->lang == ISO_LANG_EN ? "en" : "fr"));
		if (ret_retry != NULL)
			*ret_retry = json_integer_value(json_object_get(a->body, "retry_after"));
	}
	return err;
}

static enum session_poll_state state_of(const char *s)
{
	if (s != NULL && strcmp(s, "voted") == 0)
		return POLL_VOTED;
	if (s != NULL && strcmp(s, "pending") == 0)
		return POLL_PENDING;
	return POLL_TO_VOTE;
}

static void do_login(struct shell *sh, struct session *s)
{
	struct net_answer a;
	const char *msg, *uuids[SESSION_POLLS_MAX], *names[SESSION_POLLS_MAX];
	enum session_poll_state states[SESSION_POLLS_MAX];
	struct session_login_result r = {NULL, NULL, 0, uuids, names, states};
	int64_t retry = 0;
	json_t *p;
	size_t i;
	enum iso_err err = call(sh, &sh->registry, "/login",
				json_pack("{s:s, s:s, s:s}", "identifier", s->identifier,
					  "verifier", s->verifier, "answer", s->answer),
				&a, &msg, &retry);
	if (err == ISO_OK) {
		r.token = json_string_value(json_object_get(a.body, "session"));
		r.name = json_string_value(json_object_get(a.body, "name"));
		/* the polls this kiosk can show; another is the staff's matter */
		json_array_foreach(json_object_get(a.body, "polls"), i, p)
		{
			int k = poll_index(sh, json_string_value(json_object_get(p, "poll")));
			if (k < 0 || r.npolls == SESSION_POLLS_MAX)
				continue;
			uuids[r.npolls] = sh->op->polls[k].uuid;
			names[r.npolls] = sh->op->polls[k].name;
			states[r.npolls++] =
				state_of(json_string_value(json_object_get(p, "state")));
		}
		if (r.token == NULL || !json_is_array(json_object_get(a.body, "polls")))
			err = ISO_E_SERVER_ANSWER;
	}
	session_done_login(s, err, &r, retry, msg);
	net_answer_clear(&a);
	for (i = 0; err == ISO_OK && i < s->npolls; i++) {
		const struct operation_poll *op = operation_poll(sh->op, s->polls[i].uuid);
		session_poll_lists(s, i, op->nlists, op->election->questions[0].blank);
	}
}

static void do_validate(struct shell *sh, struct session *s)
{
	struct net_answer a;
	const char *msg;
	int64_t retry = 0;
	char *ticket = NULL;
	enum iso_err err = call(sh, &sh->registry, "/validate",
				json_pack("{s:s, s:s, s:s}", "session", s->token, "verifier",
					  s->verifier, "poll", s->polls[s->current].uuid),
				&a, &msg, &retry);
	if (err == ISO_OK &&
	    (ticket = json_dumps(json_object_get(a.body, "ticket"), JSON_COMPACT)) == NULL)
		err = ISO_E_SERVER_ANSWER;
	session_done_validate(s, err, ticket, retry, msg);
	if (ticket != NULL) {
		OPENSSL_cleanse(ticket, strlen(ticket));
		free(ticket);
	}
	net_answer_clear(&a);
}

static void do_encrypt(struct shell *sh, struct session *s)
{
	const struct operation_poll *p = operation_poll(sh->op, s->polls[s->current].uuid);
	struct iso_plaintext pt = {0};
	struct iso_where where;
	char text[4 * SESSION_CHOICES_MAX + 16], tracker[ISO_B64_HASH_LEN + 1];
	char *ballot = NULL;
	size_t len = 0;
	enum iso_err err = ISO_E_INVALID_ARG;
	if (p != NULL && session_plaintext(s, text, sizeof text) &&
	    (err = iso_plaintext_parse(p->election, text, strlen(text), &pt, &where)) == ISO_OK &&
	    (err = iso_ballot_encrypt(p->election, s->credential, &pt, 0, &ballot, &len)) ==
		    ISO_OK)
		iso_ballot_tracker(ballot, len, tracker);
	OPENSSL_cleanse(text, sizeof text);
	iso_plaintext_wipe(&pt);
	session_done_encrypt(s, err, ballot, tracker);
	free(ballot);
}

static void do_submit(struct shell *sh, struct session *s)
{
	int k = poll_index(sh, s->polls[s->current].uuid);
	struct session_poll *sp = &s->polls[s->current];
	struct net_answer a = {0};
	const char *msg = NULL;
	char *receipt = NULL;
	int64_t time = 0;
	enum iso_err err = ISO_E_INVALID_ARG;
	json_t *ticket = s->ticket != NULL ? json_loads(s->ticket, 0, NULL) : NULL;
	if (k >= 0 && ticket != NULL && s->ballot != NULL)
		err = call(sh, &sh->urns[k], "/ballot",
			   json_pack("{s:s, s:o}", "ballot", s->ballot, "ticket", ticket), &a, &msg,
			   NULL);
	else
		json_decref(ticket);
	if (err == ISO_OK) {
		json_t *r = json_object_get(a.body, "receipt"),
		       *pl = json_object_get(r, "payload");
		const char *poll = json_string_value(json_object_get(pl, "poll")),
			   *tracker = json_string_value(json_object_get(pl, "tracker"));
		/* the receipt must name this poll and this very ballot */
		if (poll == NULL || tracker == NULL || strcmp(poll, sp->uuid) != 0 ||
		    strcmp(tracker, sp->tracker) != 0 ||
		    !json_is_integer(json_object_get(pl, "time")) ||
		    (receipt = json_dumps(r, JSON_COMPACT)) == NULL)
			err = ISO_E_BAD_RECEIPT;
		else
			time = json_integer_value(json_object_get(pl, "time"));
	}
	session_done_submit(s, err, receipt, time, msg);
	free(receipt);
	net_answer_clear(&a);
}

static void do_confirm(struct shell *sh, struct session *s)
{
	struct net_answer a;
	const char *msg;
	json_t *r = s->receipt != NULL ? json_loads(s->receipt, 0, NULL) : NULL;
	enum iso_err err = r == NULL ? ISO_E_INVALID_ARG
				     : call(sh, &sh->registry, "/confirm",
					    json_pack("{s:s, s:s, s:o}", "session", s->token, "poll",
						      s->polls[s->current].uuid, "receipt", r),
					    &a, &msg, NULL);
	if (r == NULL) {
		memset(&a, 0, sizeof a);
		msg = NULL;
	}
	session_done_confirm(s, err, msg);
	net_answer_clear(&a);
}

static void do_logout(struct shell *sh, struct session *s)
{
	struct net_answer a;
	/* whatever the answer: the session ends here (the registry's expires) */
	post(sh, &sh->registry, "/logout", json_pack("{s:s}", "session", s->token), &a);
	net_answer_clear(&a);
	session_done_logout(s);
}

void shell_perform(struct shell *sh, struct session *s)
{
	switch (s->action) {
	case ACTION_LOGIN:
		do_login(sh, s);
		break;
	case ACTION_VALIDATE:
		do_validate(sh, s);
		break;
	case ACTION_ENCRYPT:
		do_encrypt(sh, s);
		break;
	case ACTION_SUBMIT:
		do_submit(sh, s);
		break;
	case ACTION_CONFIRM:
		do_confirm(sh, s);
		break;
	case ACTION_LOGOUT:
		do_logout(sh, s);
		break;
	case ACTION_NONE:
		break;
	}
}

/* ---- the technician's maintenance (maintmode.h) ---- */

enum iso_err shell_maintenance_report(struct shell *sh, const char *event, const char *outcome,
				      const char *time, const char *detail)
{
	struct net_answer a = {0};
	enum iso_err err = net_request(sh->quick, &sh->registry, "POST", "/maintenance",
				       json_pack("{s:s, s:s, s:s, s:s}", "event", event, "outcome",
						 outcome, "time", time, "detail", detail),
				       &a);
	if (err == ISO_OK)
		err = net_refusal(&a);
	net_answer_clear(&a);
	return err;
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One address of a server: GET /status, its key against its pin. */
static bool check_endpoint(struct shell *sh, const char *name, const struct net_endpoint *e,
			   enum iso_lang lang, char *out, size_t size)
{
	struct net_server one = {name, *e, {"", ""}, 0};
	struct net_answer a = {0};
	int64_t t0 = ms_now();
	enum iso_err err = net_request(sh->quick, &one, "GET", "/status", NULL, &a);
	size_t n = strlen(out);
	bool ok = err == ISO_OK && a.status == 200;
	if (n + 1 >= size)
		return ok;
	if (ok)
		snprintf(out + n, size - n, lang == ISO_LANG_EN ? "%s %s: reached, key as pinned (%lld ms)\n"
							       : "%s %s : joignable, clé conforme à l’empreinte (%lld ms)\n",
			 name, e->url, (long long)(ms_now() - t0));
	else if (err == ISO_E_PIN_MISMATCH)
		snprintf(out + n, size - n, lang == ISO_LANG_EN ? "%s %s: KEY DOES NOT MATCH ITS PIN\n"
							       : "%s %s : CLÉ NON CONFORME À L’EMPREINTE\n",
			 name, e->url);
	else
		snprintf(out + n, size - n, lang == ISO_LANG_EN ? "%s %s: not reached (%s)\n"
							       : "%s %s : injoignable (%s)\n",
			 name, e->url, iso_strerror(err != ISO_OK ? err : ISO_E_SERVER_ANSWER, lang));
	net_answer_clear(&a);
	return ok;
}

static bool check_server(struct shell *sh, const char *name, const struct net_server *s,
			 enum iso_lang lang, char *out, size_t size)
{
	char backup[300];
	bool ok = check_endpoint(sh, name, &s->primary, lang, out, size);
	snprintf(backup, sizeof backup, "%s (%s)", name, lang == ISO_LANG_EN ? "backup" : "secours");
	if (s->backup.url[0] != '\0')
		ok = check_endpoint(sh, backup, &s->backup, lang, out, size) && ok;
	return ok;
}

bool shell_check_servers(struct shell *sh, enum iso_lang lang, char *out, size_t size)
{
	bool ok;
	out[0] = '\0';
	ok = check_server(sh, lang == ISO_LANG_EN ? "registry" : "registre", &sh->op->registry, lang,
			  out, size);
	for (size_t i = 0; i < sh->op->npolls; i++) {
		char name[300];
		snprintf(name, sizeof name, "%s %s", lang == ISO_LANG_EN ? "urn" : "urne",
			 sh->op->polls[i].name);
		ok = check_server(sh, name, &sh->op->polls[i].urn, lang, out, size) && ok;
	}
	return ok;
}

enum iso_err shell_clock_offset(struct shell *sh, int64_t *ret_offset, int64_t *ret_rtt_ms)
{
	struct net_server reg = sh->registry;
	struct net_answer a = {0};
	int64_t t0 = ms_now(), before = (int64_t)time(NULL), after, rtt;
	enum iso_err err = net_request(sh->quick, &reg, "GET", "/status", NULL, &a);
	const json_t *t = json_object_get(a.body, "time");
	after = (int64_t)time(NULL);
	rtt = ms_now() - t0;
	if (err == ISO_OK && (a.status != 200 || !json_is_integer(t)))
		err = ISO_E_SERVER_ANSWER;
	if (err == ISO_OK) {
		/* the server read its clock about half-way */
		*ret_offset = (int64_t)json_integer_value(t) - (before + after) / 2;
		*ret_rtt_ms = rtt;
	}
	net_answer_clear(&a);
	return err;
}
