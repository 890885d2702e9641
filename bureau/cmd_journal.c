/* The bureau's journal of an operation (ledger.h) on the command line:
 *   operation observe --dir OP --file OBSERVATION.json   (R-BUR-07)
 *     {"author":"…", "quality":"electeur"|"candidat"|"delegue",
 *      "poll":"CODE" (optional), "text":"…"}: an observation by a voter, a
 *     candidate or a délégué, appended to the journal for the minutes;
 *   operation journal --dir OP: the chain checked, each entry listed. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jsondoc.h"
#include "ledger.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define OBSERVATION_MAX (8u << 10)

/* OP/operation.json, as operation init wrote it */
static json_t *operation_read(const struct cli *c)
{
	char *path = cli_path(c, "operation.json");
	json_t *o = NULL;
	if (path == NULL || iso_json_file(path, 4u << 20, &o) != ISO_OK)
		fprintf(stderr, "E: %s : %s\n", path != NULL ? path : "operation.json",
			TR(c, "pas d’opération ici (operation init la crée)",
			   "no operation here (operation init makes one)"));
	free(path);
	return o;
}

static bool poll_known(const json_t *op, const char *code)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		if (json_string_value(json_object_get(p, "code")) != NULL &&
		    strcmp(json_string_value(json_object_get(p, "code")), code) == 0)
			return true;
	}
	return false;
}

static int cmd_observe(struct cli *c)
{
	static const char *const keys[] = {"author", "quality", "?poll", "text", NULL};
	static const char *const qualities[] = {"electeur", "candidat", "delegue"};
	json_t *op = operation_read(c), *obs = NULL, *fields = NULL;
	char *text = NULL, *jpath = cli_path(c, "journal.jsonl");
	const char *author, *quality, *poll, *body, *why = NULL;
	size_t len = 0;
	bool known = false;
	enum iso_err err;
	int r = CLI_REFUSED;
	if (op == NULL || jpath == NULL)
		goto out;
	if ((err = cli_read(c->file, &text, &len)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	obs = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	author = iso_json_text(obs, "author", 256, false);
	quality = iso_json_text(obs, "quality", 16, false);
	poll = iso_json_text(obs, "poll", 32, false);
	body = iso_json_text(obs, "text", OBSERVATION_MAX, true);
	for (size_t i = 0; quality != NULL && i < 3; i++)
		known |= strcmp(quality, qualities[i]) == 0;
	if (obs == NULL || !iso_json_keys_are(obs, keys))
		why = TR(c, "un objet JSON {author, quality, poll (facultatif), text} est attendu",
			 "a JSON object {author, quality, poll (optional), text} is expected");
	else if (author == NULL)
		why = TR(c, "author : le nom de qui fait l’observation", "author: who observes");
	else if (!known)
		why = TR(c, "quality : electeur, candidat ou delegue",
			 "quality: electeur, candidat or delegue");
	else if (json_object_get(obs, "poll") != NULL && (poll == NULL || !poll_known(op, poll)))
		why = TR(c, "poll : le code d’un scrutin de l’opération",
			 "poll: the code of a poll of the operation");
	else if (body == NULL)
		why = TR(c, "text : le texte de l’observation (8 Kio au plus)",
			 "text: the observation's text (8 KiB at most)");
	if (why != NULL) {
		fprintf(stderr, "E: %s : %s\n", c->file, why);
		goto out;
	}
	fields = json_pack("{s:s, s:s}", "author", author, "quality", quality);
	if (fields != NULL && poll != NULL)
		json_object_set_new(fields, "poll", json_string(poll));
	if (fields != NULL)
		json_object_set_new(fields, "text", json_string(body));
	if ((r = cli_journal(c, "observation", fields)) != CLI_OK)
		goto out;
	cli_info(c, TR(c, "observation de %s ajoutée au journal de l’opération (%s)",
		       "observation by %s added to the operation's journal (%s)"),
		 author, jpath);
	r = CLI_OK;
out:
	json_decref(obs);
	json_decref(op);
	free(text);
	free(jpath);
	return r;
}

static void list_entry(void *arg, const json_t *e)
{
	(void)arg;
	printf("%lld %s %s", (long long)json_integer_value(json_object_get(e, "seq")),
	       json_string_value(json_object_get(e, "time")),
	       json_string_value(json_object_get(e, "event")));
	if (json_string_value(json_object_get(e, "author")) != NULL)
		printf(" — %s", json_string_value(json_object_get(e, "author")));
	printf("\n");
}

static int cmd_journal(struct cli *c)
{
	char *jpath = cli_path(c, "journal.jsonl");
	size_t n = 0, bad = 0;
	enum iso_err err;
	int r = CLI_OK;
	if (jpath == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	if ((err = ledger_verify(jpath, &n, &bad, list_entry, NULL)) != ISO_OK) {
		if (err == ISO_E_JOURNAL_BROKEN)
			fprintf(stderr, "E: %s : %s %zu\n", jpath,
				TR(c, "la chaîne du journal est rompue à la ligne",
				   "the journal's chain is broken at line"),
				bad);
		else
			cli_error(c, jpath, err, NULL);
		r = CLI_REFUSED;
	} else {
		cli_info(c, TR(c, "%s : %zu entrées, chaîne intacte", "%s: %zu entries, chain intact"),
			 jpath, n);
	}
	free(jpath);
	return r;
}

const struct cli_command cli_commands_journal[] = {
	{"operation", "observe", cmd_observe, OPT_DIR | OPT_FILE, OPT_FILE,
	 "ajouter au journal de l’opération l’observation d’un électeur, d’un candidat ou d’un "
	 "délégué (--file : {author, quality, poll, text})",
	 "add to the operation's journal an observation by a voter, a candidate or a délégué "
	 "(--file: {author, quality, poll, text})"},
	{"operation", "journal", cmd_journal, OPT_DIR, 0,
	 "vérifier la chaîne du journal de l’opération et en lister les entrées",
	 "check the chain of the operation's journal and list its entries"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
