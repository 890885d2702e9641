/* The bureau at the servers' bureau listeners (R-BUR-01, R-BUR-05,
 * R-SEAL-03, R-D11-NOPARTIAL): mutual TLS 1.3, each server's key pinned,
 * the bureau's client certificate (net/).
 *   operation control --dir OP --type open|suspend|resume|close|stop
 *   operation counts --dir OP      the registry's émargement counts: OP/counts.json
 *   operation fetch --dir OP       each urn's archive: OP/<uuid>/<uuid>.bel
 * OP/servers.json says where the servers are:
 *   {"client_cert":"…pem", "client_key":"…key",        (relative to OP, or absolute)
 *    "registry":{"url":"https://host:port", "pin":"<base64 SHA-256 of its key>"},
 *    "urns":[{"poll":"<uuid>", "url":"…", "pin":"…"}, …]}
 * Opening checks the seal first and that every urn is prepared and empty
 * (R-SEAL-03), then opens each. Suspend, resume and stop go to the registry
 * and every urn; close to every urn (the grace then the freeze). Each
 * control is journaled with what each server answered. The émargement
 * counts come from the registry's bureau listener only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jsondoc.h"
#include "net.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define SERVERS_MAX 17 /* the registry and 16 urns */
#define ARCHIVE_MAX (4ull << 30)

struct servers {
	json_t *conf, *op;
	struct net *net;
	struct net_server registry;
	struct net_server urn[SERVERS_MAX];
	const char *uuid[SERVERS_MAX], *code[SERVERS_MAX];
	size_t nurns;
	char names[SERVERS_MAX][64];
	char cert[4096], key[4096];
};

static void servers_close(struct servers *s)
{
	net_free(s->net);
	json_decref(s->conf);
	json_decref(s->op);
}

static void rel_path(const char *dir, const char *p, char *out, size_t size)
{
	if (p[0] == '/')
		snprintf(out, size, "%s", p);
	else
		snprintf(out, size, "%s/%s", dir, p);
}

static const char *code_of(const json_t *op, const char *uuid)
{
	const json_t *p;
	size_t i;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "uuid"));
		if (u != NULL && strcmp(u, uuid) == 0)
			return json_string_value(json_object_get(p, "code"));
	}
	return NULL;
}

static int endpoint(const struct cli *c, const json_t *o, const char *what, struct net_server *s)
{
	const char *url = json_string_value(json_object_get(o, "url")),
		   *pin = json_string_value(json_object_get(o, "pin"));
	enum iso_err err;
	if (url == NULL || pin == NULL || (err = net_endpoint_set(&s->primary, url, pin)) != ISO_OK) {
		fprintf(stderr, "E: servers.json : %s : %s\n", what,
			TR(c, "une adresse https://hôte:port et l’empreinte (pin) de sa clé attendues",
			   "an https://host:port address and its key's pin expected"));
		return CLI_REFUSED;
	}
	return CLI_OK;
}

static int servers_open(const struct cli *c, struct servers *s)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	char path[4096];
	const json_t *u;
	size_t i;
	enum iso_err err;
	int r;
	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "%s/servers.json", dir);
	if ((err = iso_json_file(path, 1u << 20, &s->conf)) != ISO_OK)
		return cli_error(c, path, err, NULL);
	snprintf(path, sizeof path, "%s/operation.json", dir);
	if ((err = iso_json_file(path, 4u << 20, &s->op)) != ISO_OK)
		return cli_error(c, path, err, NULL);
	if (!json_is_string(json_object_get(s->conf, "client_cert")) ||
	    !json_is_string(json_object_get(s->conf, "client_key")) ||
	    !json_is_array(json_object_get(s->conf, "urns")) ||
	    json_array_size(json_object_get(s->conf, "urns")) >= SERVERS_MAX) {
		fprintf(stderr, "E: servers.json : %s\n",
			TR(c, "client_cert, client_key, registry et urns attendus",
			   "client_cert, client_key, registry and urns expected"));
		return CLI_REFUSED;
	}
	rel_path(dir, json_string_value(json_object_get(s->conf, "client_cert")), s->cert,
		 sizeof s->cert);
	rel_path(dir, json_string_value(json_object_get(s->conf, "client_key")), s->key,
		 sizeof s->key);
	s->registry.name = "registry";
	if ((r = endpoint(c, json_object_get(s->conf, "registry"), "registry", &s->registry)) != CLI_OK)
		return r;
	json_array_foreach(json_object_get(s->conf, "urns"), i, u)
	{
		const char *uuid = json_string_value(json_object_get(u, "poll"));
		const char *code = uuid != NULL ? code_of(s->op, uuid) : NULL;
		if (code == NULL) {
			fprintf(stderr, "E: servers.json : urns[%zu].poll : %s\n", i + 1,
				TR(c, "pas un scrutin de l’opération", "not a poll of the operation"));
			return CLI_REFUSED;
		}
		snprintf(s->names[i], sizeof s->names[i], "urn %s", code);
		s->urn[i].name = s->names[i];
		s->uuid[i] = uuid;
		s->code[i] = code;
		if ((r = endpoint(c, u, s->names[i], &s->urn[i])) != CLI_OK)
			return r;
	}
	s->nurns = json_array_size(json_object_get(s->conf, "urns"));
	if (s->nurns != json_array_size(json_object_get(s->op, "polls"))) {
		fprintf(stderr, "E: servers.json : %s\n",
			TR(c, "une urne par scrutin de l’opération attendue",
			   "one urn per poll of the operation expected"));
		return CLI_REFUSED;
	}
	{
		struct net_config cfg = {s->cert, s->key, 0, 0, 20000, 0};
		if ((err = net_new(&cfg, &s->net)) != ISO_OK)
			return cli_error(c, "net", err, NULL);
	}
	return CLI_OK;
}

/* One request; the answer's JSON (a new reference) or NULL, said why. */
static json_t *ask(const struct cli *c, struct servers *s, struct net_server *srv,
		   const char *method, const char *path)
{
	struct net_answer a;
	enum iso_err err = net_request(s->net, srv, method, path, NULL, &a);
	json_t *body;
	if (err == ISO_OK)
		err = net_refusal(&a);
	if (err != ISO_OK) {
		fprintf(stderr, "E: %s %s%s : %s (%s)\n", srv->name, method[0] == 'P' ? "POST " : "", path,
			iso_strerror(err, c->lang), iso_errname(err));
		net_answer_clear(&a);
		return NULL;
	}
	body = json_incref(a.body);
	net_answer_clear(&a);
	return body;
}

static int cmd_control(struct cli *c)
{
	static const char *const actions[] = {"open", "suspend", "resume", "close", "stop", NULL};
	struct servers s;
	const char *action = c->type;
	json_t *answers = NULL, *polls = NULL;
	bool ok = true, known = false;
	char path[32];
	int r;
	for (size_t i = 0; actions[i] != NULL; i++)
		known = known || strcmp(actions[i], action) == 0;
	if (!known) {
		fprintf(stderr, "E: --type %s : %s\n", action,
			TR(c, "open, suspend, resume, close ou stop attendu",
			   "open, suspend, resume, close or stop expected"));
		return CLI_USAGE;
	}
	if ((r = servers_open(c, &s)) != CLI_OK)
		goto out;
	if (strcmp(action, "open") == 0) {
		/* the seal, then every urn prepared and empty (R-SEAL-03) */
		if ((r = cli_seal_check(c)) != CLI_OK) {
			fprintf(stderr, "E: %s (R-SEAL-03)\n",
				TR(c, "pas d’ouverture sans un scellement vérifié", "no opening without a verified seal"));
			goto out;
		}
		for (size_t i = 0; i < s.nurns; i++) {
			json_t *st = ask(c, &s, &s.urn[i], "GET", "/state");
			const char *phase = json_string_value(json_object_get(st, "phase")),
				   *poll = json_string_value(json_object_get(st, "poll"));
			json_int_t n = json_integer_value(json_object_get(st, "ballots"));
			bool fine = st != NULL && phase != NULL && strcmp(phase, "prepared") == 0 && n == 0 &&
				    poll != NULL && strcmp(poll, s.uuid[i]) == 0;
			if (st != NULL && !fine)
				fprintf(stderr, "E: %s : %s (%s, %lld %s) (R-SEAL-03)\n", s.urn[i].name,
					TR(c, "l’urne n’est pas prête et vide", "the urn is not prepared and empty"),
					phase != NULL ? phase : "?", (long long)n, TR(c, "bulletins", "ballots"));
			json_decref(st);
			if (!fine) {
				r = CLI_REFUSED;
				goto out;
			}
		}
		cli_info(c, TR(c, "scellement vérifié, %zu urnes prêtes et vides", "seal verified, %zu urns prepared and empty"),
			 s.nurns);
	}
	answers = json_object();
	polls = json_array();
	snprintf(path, sizeof path, "/%s", action);
	/* the registry first: no voter is let in while an urn would refuse */
	if (strcmp(action, "suspend") == 0 || strcmp(action, "resume") == 0 ||
	    strcmp(action, "stop") == 0) {
		json_t *a = ask(c, &s, &s.registry, "POST", path);
		ok = ok && a != NULL;
		json_object_set_new(answers, "registry",
				    json_string(a != NULL ? json_string_value(json_object_get(a, "phase")) : "error"));
		json_decref(a);
	}
	for (size_t i = 0; i < s.nurns; i++) {
		json_t *a = ask(c, &s, &s.urn[i], "POST", path);
		const char *phase = json_string_value(json_object_get(a, "phase"));
		ok = ok && a != NULL;
		json_object_set_new(answers, s.code[i], json_string(phase != NULL ? phase : "error"));
		json_array_append_new(polls, json_string(s.code[i]));
		cli_info(c, "%s : %s", s.urn[i].name, phase != NULL ? phase : "?");
		json_decref(a);
	}
	r = cli_journal(c, "control", json_pack("{s:s, s:O, s:O, s:b}", "action", action, "polls", polls,
					      "answers", answers, "ok", ok));
	if (r == CLI_OK && !ok)
		r = CLI_FAILED;
out:
	json_decref(answers);
	json_decref(polls);
	servers_close(&s);
	return r;
}

static int cmd_counts(struct cli *c)
{
	struct servers s;
	json_t *counts = NULL;
	char *path = cli_path(c, "counts.json"), *text = NULL;
	size_t n = 0;
	enum iso_err err;
	int r;
	if ((r = servers_open(c, &s)) != CLI_OK)
		goto out;
	if ((counts = ask(c, &s, &s.registry, "GET", "/counts")) == NULL) {
		r = CLI_FAILED;
		goto out;
	}
	text = iso_json_dumps_line(counts, JSON_INDENT(1) | JSON_SORT_KEYS, &n);
	if (text == NULL || path == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((err = iso_file_write_atomic(path, text, n, 0444)) != ISO_OK) {
		r = cli_error(c, path, err, NULL);
		goto out;
	}
	cli_info(c, TR(c, "décomptes d’émargement du registre : %s", "the registry's émargement counts: %s"),
		 path);
	r = CLI_OK;
out:
	free(text);
	free(path);
	json_decref(counts);
	servers_close(&s);
	return r;
}

/* The kiosks' maintenance events the registry was told of (R-D11-INTERV:
 * the bureau is told at once), each new one journaled as an intervention
 * for the minutes, and said. */
static int cmd_interventions(struct cli *c)
{
	struct servers s;
	json_t *answer = NULL, *known = NULL, *list;
	size_t added = 0;
	int r;
	if ((r = servers_open(c, &s)) != CLI_OK)
		goto out;
	if ((answer = ask(c, &s, &s.registry, "GET", "/interventions")) == NULL) {
		r = CLI_FAILED;
		goto out;
	}
	if ((r = cli_interventions_known(c, &known)) != CLI_OK)
		goto out;
	list = json_object_get(answer, "interventions");
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *e = json_array_get(list, i), *rep = json_object_get(e, "report");
		const char *kiosk = json_string_value(json_object_get(e, "kiosk")),
			   *at = json_string_value(json_object_get(rep, "time")),
			   *ev = json_string_value(json_object_get(rep, "event")),
			   *oc = json_string_value(json_object_get(rep, "outcome")),
			   *detail = json_string_value(json_object_get(rep, "detail"));
		bool fresh = false;
		if (kiosk == NULL || at == NULL || ev == NULL || oc == NULL || detail == NULL) {
			fprintf(stderr, "E: %s /interventions : %s %zu\n", s.registry.name,
				TR(c, "réponse incomplète, intervention", "incomplete answer, intervention"),
				i + 1);
			r = CLI_FAILED;
			goto out;
		}
		if ((r = cli_intervention_add(c, known,
					      json_pack("{s:s, s:s, s:s, s:s, s:s}", "source", kiosk,
							"at", at, "kiosk_event", ev, "outcome", oc,
							"detail", detail),
					      &fresh)) != CLI_OK)
			goto out;
		if (fresh) {
			printf("%s %s %s %s %s\n", at, kiosk, ev, oc, detail);
			added++;
		}
	}
	cli_info(c, TR(c, "interventions sur les postes : %zu au registre, %zu nouvelles au journal de l’opération",
		       "interventions on the kiosks: %zu at the registry, %zu new in the operation's journal"),
		 json_array_size(list), added);
	r = CLI_OK;
out:
	json_decref(known);
	json_decref(answer);
	servers_close(&s);
	return r;
}

static int cmd_fetch(struct cli *c)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	struct servers s;
	int r;
	if ((r = servers_open(c, &s)) != CLI_OK)
		goto out;
	for (size_t i = 0; i < s.nurns; i++) {
		struct net_answer a;
		char path[4096];
		enum iso_err err = net_get_raw(s.net, &s.urn[i], "/archive.bel", ARCHIVE_MAX, &a);
		if (err == ISO_OK)
			err = net_refusal(&a);
		if (err == ISO_OK && a.raw == NULL)
			err = ISO_E_SERVER_ANSWER;
		snprintf(path, sizeof path, "%s/%s/%s.bel", dir, s.uuid[i], s.uuid[i]);
		if (err == ISO_OK)
			err = iso_file_write_atomic(path, a.raw, a.raw_len, 0444);
		net_answer_clear(&a);
		if (err != ISO_OK) {
			r = cli_error(c, s.urn[i].name, err, NULL);
			goto out;
		}
		cli_info(c, TR(c, "%s : archive %s", "%s: archive %s"), s.urn[i].name, path);
	}
	r = CLI_OK;
out:
	servers_close(&s);
	return r;
}

const struct cli_command cli_commands_control[] = {
	{"operation", "control", cmd_control, OPT_DIR | OPT_TYPE, OPT_TYPE,
	 "ouvre (scellement et urnes vides vérifiés), suspend, reprend, clôt ou arrête le vote sur les serveurs",
	 "opens (seal and empty urns checked), suspends, resumes, closes or stops the vote on the servers"},
	{"operation", "counts", cmd_counts, OPT_DIR, 0,
	 "les décomptes d’émargement du registre (counts.json)", "the registry's émargement counts (counts.json)"},
	{"operation", "interventions", cmd_interventions, OPT_DIR, 0,
	 "les interventions de maintenance sur les postes, signalées au registre, portées au journal de l’opération",
	 "the maintenance interventions on the kiosks, reported to the registry, brought into the operation's journal"},
	{"operation", "fetch", cmd_fetch, OPT_DIR, 0,
	 "l’archive de chaque urne, dans le dossier de son scrutin",
	 "each urn's archive, into its poll's folder"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
