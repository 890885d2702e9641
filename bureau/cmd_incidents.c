/* "operation incidents": a kiosk's journal brought to the bureau, for the
 * minutes (R-BUR-06, R-C19-LOGS, R-D11-INTERV).
 *   operation incidents --dir OP --file KIOSK-JOURNAL.jsonl
 * The kiosk's journal (kiosk/journal.h) is checked whole first: a broken
 * chain is itself recorded as an incident and the command refuses. Then
 * each kind of event that tells of the post's life or trouble — starts and
 * stops, a configuration refused, servers not answering, a backup taking
 * over, security alerts, USB devices and their removal — becomes one
 * "incident" entry of the operation's journal: the kiosk, the kind, and a
 * sentence with how many times, the first and the last (at the opening's
 * wall-clock offset). Sessions and logins are no incidents and stay in the
 * kiosk's journal. The same journal brought twice is refused (its head
 * hash is journaled). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kiosk_journal.h"
#include "jsondoc.h"
#include "ledger.h"
#include "proces_verbal.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

struct kind {
	const char *name, *fr, *en;
	long long count;
	char first[32], last[32];
};

struct scan {
	struct kind *kinds;
	size_t nkinds;
	char source[128];
	json_t *interventions; /* each maintenance event, as it is (R-D11-INTERV) */
};

static void see(void *arg, json_t *entry)
{
	struct scan *s = arg;
	const char *ev = json_string_value(json_object_get(entry, "event")),
		   *t = json_string_value(json_object_get(entry, "time")),
		   *src = json_string_value(json_object_get(entry, "source"));
	if (src != NULL && s->source[0] == '\0')
		snprintf(s->source, sizeof s->source, "%s", src);
	/* an intervention is listed one by one in the minutes (R-BUR-06) */
	if (ev != NULL && t != NULL &&
	    (strncmp(ev, "maintenance-", 12) == 0 || strcmp(ev, "journal-export") == 0))
		json_array_append_new(
			s->interventions,
			json_pack("{s:s, s:s, s:s, s:s}", "at", t, "kiosk_event", ev, "outcome",
				  json_string_value(json_object_get(entry, "outcome")) ?: "",
				  "detail", json_string_value(json_object_get(entry, "detail")) ?: ""));
	for (size_t i = 0; ev != NULL && t != NULL && i < s->nkinds; i++)
		if (strcmp(s->kinds[i].name, ev) == 0) {
			if (s->kinds[i].count++ == 0)
				snprintf(s->kinds[i].first, sizeof s->kinds[i].first, "%s", t);
			snprintf(s->kinds[i].last, sizeof s->kinds[i].last, "%s", t);
		}
}

/* was this journal (its head) brought already? */
struct seen_head {
	const char *head;
	bool found;
};

static void head_scan(void *arg, const json_t *e)
{
	struct seen_head *h = arg;
	const char *ev = json_string_value(json_object_get(e, "event")),
		   *jh = json_string_value(json_object_get(e, "journal_head"));
	if (ev != NULL && strcmp(ev, "incidents-imported") == 0 && jh != NULL &&
	    strcmp(jh, h->head) == 0)
		h->found = true;
}

/* ---- interventions: one entry each, whichever way it came ---- */

static void intervention_key(const json_t *e, char *out, size_t size)
{
	snprintf(out, size, "%s|%s|%s|%s", json_string_value(json_object_get(e, "source")) ?: "",
		 json_string_value(json_object_get(e, "at")) ?: "",
		 json_string_value(json_object_get(e, "kiosk_event")) ?: "",
		 json_string_value(json_object_get(e, "detail")) ?: "");
}

static void known_scan(void *arg, const json_t *e)
{
	const char *ev = json_string_value(json_object_get(e, "event"));
	char key[2048];
	if (ev != NULL && strcmp(ev, "intervention") == 0) {
		intervention_key(e, key, sizeof key);
		json_object_set_new(arg, key, json_true());
	}
}

int cli_interventions_known(const struct cli *c, json_t **ret)
{
	char *path = cli_path(c, "journal.jsonl");
	size_t entries = 0, bad = 0;
	json_t *set = json_object();
	enum iso_err err = path != NULL && set != NULL
				   ? ledger_verify(path, &entries, &bad, known_scan, set)
				   : ISO_E_NOMEM;
	int r = err == ISO_OK ? CLI_OK : cli_error(c, path != NULL ? path : "journal.jsonl", err, NULL);
	free(path);
	if (r != CLI_OK)
		json_decref(set);
	else
		*ret = set;
	return r;
}

int cli_intervention_add(const struct cli *c, json_t *known, json_t *entry, bool *ret_added)
{
	char key[2048];
	*ret_added = false;
	intervention_key(entry, key, sizeof key);
	if (json_object_get(known, key) != NULL) {
		json_decref(entry);
		return CLI_OK;
	}
	json_object_set_new(known, key, json_true());
	*ret_added = true;
	return cli_journal(c, "intervention", entry);
}

static int cmd_incidents(struct cli *c)
{
	struct kind kinds[] = {
		{"kiosk-start", "le poste a démarré", "the kiosk started", 0, "", ""},
		{"kiosk-stop", "le poste a été arrêté", "the kiosk was stopped", 0, "", ""},
		{"config-refused", "la configuration du poste a été refusée au démarrage",
		 "the kiosk's configuration was refused at start", 0, "", ""},
		{"network-failure", "un serveur n’a pas répondu dans le délai",
		 "a server did not answer in time", 0, "", ""},
		{"failover", "l’adresse de secours d’un serveur a répondu",
		 "a server's backup address answered", 0, "", ""},
		{"security-alert",
		 "alerte de sécurité : la clé d’un serveur ou un reçu ne correspondait pas",
		 "security alert: a server's key or a receipt did not match", 0, "", ""},
		{"usb-alert", "un périphérique USB est apparu : la session a été suspendue",
		 "a USB device appeared: the session was paused", 0, "", ""},
		{"usb-cleared", "le périphérique USB a été retiré : la session a repris",
		 "the USB device was removed: the session resumed", 0, "", ""},
	};
	struct scan s = {kinds, sizeof kinds / sizeof kinds[0], "", json_array()};
	json_t *known = NULL;
	char *opath = cli_path(c, "operation.json"), *jpath = cli_path(c, "journal.jsonl");
	json_t *op = NULL;
	const char *opening;
	int64_t n = 0, bad = 0;
	char head[65];
	size_t recorded = 0;
	enum iso_err err;
	int r = CLI_REFUSED;
	if (opath == NULL || jpath == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((err = iso_json_file(opath, 4u << 20, &op)) != ISO_OK) {
		r = cli_error(c, opath, err, NULL);
		goto out;
	}
	opening = json_string_value(json_object_get(op, "opening"));
	err = kiosk_journal_walk(c->file, see, &s, &n, &bad, head);
	if (err == ISO_E_JOURNAL_BROKEN) {
		char text[256];
		snprintf(text, sizeof text,
			 TR(c, "le journal du poste est rompu à la ligne %lld : il n’est pas repris",
			    "the kiosk's journal is broken at line %lld: it is not taken"),
			 (long long)bad);
		cli_journal(c, "incident",
			    json_pack("{s:s, s:s, s:s}", "source", s.source[0] ? s.source : "?", "kind",
				      "journal-broken", "text", text));
		fprintf(stderr, "E: %s : %s\n", c->file, text);
		goto out;
	}
	if (err != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	{
		struct seen_head h = {head, false};
		size_t entries = 0, lbad = 0;
		if ((err = ledger_verify(jpath, &entries, &lbad, head_scan, &h)) != ISO_OK) {
			r = cli_error(c, jpath, err, NULL);
			goto out;
		}
		if (h.found) {
			fprintf(stderr, "E: %s : %s\n", c->file,
				TR(c, "ce journal de poste a déjà été repris", "this kiosk journal was taken already"));
			goto out;
		}
	}
	for (size_t i = 0; i < s.nkinds; i++) {
		char text[1024], first[128], last[128];
		if (kinds[i].count == 0)
			continue;
		proces_verbal_time_text(c->lang, kinds[i].first, opening, first, sizeof first);
		proces_verbal_time_text(c->lang, kinds[i].last, opening, last, sizeof last);
		if (kinds[i].count == 1)
			snprintf(text, sizeof text, TR(c, "%s, le %s", "%s, on %s"),
				 TR(c, kinds[i].fr, kinds[i].en), first);
		else
			snprintf(text, sizeof text, TR(c, "%s — %lld fois, du %s au %s", "%s — %lld times, from %s to %s"),
				 TR(c, kinds[i].fr, kinds[i].en), kinds[i].count, first, last);
		if ((r = cli_journal(c, "incident",
				     json_pack("{s:s, s:s, s:s}", "source", s.source, "kind", kinds[i].name,
					       "text", text))) != CLI_OK)
			goto out;
		recorded++;
	}
	if ((r = cli_interventions_known(c, &known)) != CLI_OK)
		goto out;
	for (size_t i = 0; i < json_array_size(s.interventions); i++) {
		json_t *iv = json_array_get(s.interventions, i);
		bool added;
		json_object_set_new(iv, "source", json_string(s.source));
		if ((r = cli_intervention_add(c, known, json_incref(iv), &added)) != CLI_OK)
			goto out;
	}
	if ((r = cli_journal(c, "incidents-imported",
			     json_pack("{s:s, s:I, s:s, s:I}", "source", s.source, "entries", (json_int_t)n,
				       "journal_head", head, "incidents", (json_int_t)recorded))) != CLI_OK)
		goto out;
	cli_info(c, TR(c, "journal du poste %s : %lld entrées, chaîne intacte ; %zu sortes d’incidents au journal de l’opération",
		       "kiosk %s's journal: %lld entries, chain intact; %zu kinds of incidents in the operation's journal"),
		 s.source, (long long)n, recorded);
	r = CLI_OK;
out:
	json_decref(known);
	json_decref(s.interventions);
	json_decref(op);
	free(opath);
	free(jpath);
	return r;
}

const struct cli_command cli_commands_incidents[] = {
	{"operation", "incidents", cmd_incidents, OPT_DIR | OPT_FILE, OPT_FILE,
	 "reprendre au journal de l’opération les incidents du journal d’un poste de vote (démarrages, "
	 "pannes de réseau, secours, alertes, USB)",
	 "bring a kiosk journal's incidents into the operation's journal (starts, network failures, "
	 "backups, alerts, USB)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
