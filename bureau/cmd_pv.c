/* The bureau's attendance and the procès-verbal on the command line:
 *   operation attendance --dir OP --file PRESENT.json   (R-BUR-02)
 *     {"meeting":"ouverture du scrutin", "present":[1, 2, 4, 5]}: the
 *     members present at a meeting (their numbers from 1, in the order of
 *     operation.json's bureau), journaled only when they are four at
 *     least, the quorum the bureau deliberates with;
 *   operation pv --dir OP   (R-BUR-06, R-BUR-07, R-D11-CHECK)
 *     OP/pv.pdf (proces_verbal.h), made again at will, replaced whole;
 *     made only from a journal whose chain holds and results that pass
 *     R-D11-CHECK and are those journaled; then journaled with its hash. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hash.h"
#include "jsondoc.h"
#include "ledger.h"
#include "proces_verbal.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define MEETING_MAX 256

static json_t *read_json(const struct cli *c, const char *path, const char *fr, const char *en)
{
	json_t *o = NULL;
	enum iso_err err = iso_json_file(path, 16u << 20, &o);
	if (err == ISO_E_IO)
		fprintf(stderr, "E: %s : %s\n", path, TR(c, fr, en));
	else if (err != ISO_OK)
		cli_error(c, path, err, NULL);
	return o;
}

static json_t *operation_read(const struct cli *c)
{
	char *path = cli_path(c, "operation.json");
	json_t *o = NULL;
	if (path == NULL)
		cli_error(c, NULL, ISO_E_NOMEM, NULL);
	else
		o = read_json(c, path, "pas d’opération ici (operation init la crée)",
			      "no operation here (operation init makes one)");
	free(path);
	return o;
}

/* ---- attendance ---- */

static int cmd_attendance(struct cli *c)
{
	static const char *const keys[] = {"meeting", "present", NULL};
	json_t *op = operation_read(c), *doc = NULL, *present, *n, *sorted = NULL;
	const char *meeting;
	size_t members, i;
	bool seen[64 + 1] = {false};
	int r = CLI_REFUSED;
	if (op == NULL)
		goto out;
	members = json_array_size(json_object_get(op, "bureau"));
	if (members == 0 || members > 64) {
		fprintf(stderr, "E: operation.json : %s\n",
			TR(c, "pas de bureau (operation init l’écrit)", "no bureau (operation init writes it)"));
		goto out;
	}
	if ((doc = read_json(c, c->file, "le fichier ne peut pas être lu", "the file cannot be read")) == NULL)
		goto out;
	meeting = iso_json_text(doc, "meeting", MEETING_MAX, false);
	present = json_object_get(doc, "present");
	if (!iso_json_keys_are(doc, keys)) {
		fprintf(stderr, "E: %s : %s\n", c->file,
			TR(c, "un objet JSON {meeting, present} est attendu, sans autre clé",
			   "a JSON object {meeting, present} is expected, with no other key"));
		goto out;
	}
	if (meeting == NULL || strspn(meeting, " \t") == strlen(meeting)) {
		fprintf(stderr, "E: %s : %s\n", c->file,
			TR(c, "champ meeting : vide ou invalide — la réunion du bureau (par exemple "
			      "« ouverture du scrutin »), 256 octets au plus",
			   "field meeting: empty or invalid — the bureau's meeting (for example "
			   "\"ouverture du scrutin\"), 256 bytes at most"));
		goto out;
	}
	if (!json_is_array(present)) {
		fprintf(stderr, "E: %s : %s\n", c->file,
			TR(c, "champ present : une liste des numéros des membres présents est attendue",
			   "field present: a list of the numbers of the members present is expected"));
		goto out;
	}
	json_array_foreach(present, i, n)
	{
		json_int_t k = json_integer_value(n);
		if (!json_is_integer(n) || k < 1 || k > (json_int_t)members) {
			fprintf(stderr,
				TR(c, "E: %s : champ present, élément %zu : aucun membre du bureau n’a ce "
				      "numéro (les membres sont numérotés de 1 à %zu, dans l’ordre du "
				      "bureau de operation.json)\n",
				   "E: %s: field present, item %zu: no member of the bureau has this "
				   "number (the members are numbered 1 to %zu, in the order of "
				   "operation.json's bureau)\n"),
				c->file, i + 1, members);
			goto out;
		}
		if (seen[k]) {
			fprintf(stderr,
				TR(c, "E: %s : champ present : le membre %lld est donné deux fois\n",
				   "E: %s: field present: member %lld is given twice\n"),
				c->file, (long long)k);
			goto out;
		}
		seen[k] = true;
	}
	/* R-BUR-02 (2009 art. 10): four members present, or no deliberation */
	if (json_array_size(present) < PROCES_VERBAL_QUORUM) {
		fprintf(stderr,
			TR(c, "E: %s : champ present : %zu membre(s) présent(s) ; le bureau ne délibère "
			      "qu’en présence d’au moins quatre de ses membres (quorum, R-BUR-02) : "
			      "rien n’est consigné, réunissez le quorum\n",
			   "E: %s: field present: %zu member(s) present; the bureau deliberates only "
			   "with at least four of its members present (quorum, R-BUR-02): nothing is "
			   "recorded, gather the quorum\n"),
			c->file, json_array_size(present));
		goto out;
	}
	/* in the bureau's order, whatever the file's */
	if ((sorted = json_array()) == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	for (size_t k = 1; k <= members; k++)
		if (seen[k])
			json_array_append_new(sorted, json_integer((json_int_t)k));
	if ((r = cli_journal(c, "attendance",
			     json_pack("{s:s, s:O}", "meeting", meeting, "present", sorted))) != CLI_OK)
		goto out;
	cli_info(c, TR(c, "réunion « %s » : %zu membres présents, quorum atteint, consigné au journal",
		       "meeting \"%s\": %zu members present, quorum met, recorded in the journal"),
		 meeting, json_array_size(sorted));
	r = CLI_OK;
out:
	json_decref(sorted);
	json_decref(doc);
	json_decref(op);
	return r;
}

/* ---- the procès-verbal ---- */

static void collect(void *arg, const json_t *entry)
{
	json_array_append_new(arg, json_deep_copy(entry));
}

/* why the results cannot make minutes, said with the poll's figures */
static void say_fault(const struct cli *c, const char *rpath, enum proces_verbal_fault f,
		      const json_t *poll)
{
	const char *code = json_string_value(json_object_get(poll, "code"));
	long long blank = json_integer_value(json_object_get(poll, "blank")),
		  expressed = json_integer_value(json_object_get(poll, "expressed")),
		  em = json_integer_value(json_object_get(poll, "emargements")),
		  ballots = json_integer_value(json_object_get(poll, "ballots"));
	switch (f) {
	case PROCES_VERBAL_CHECK:
		fprintf(stderr,
			TR(c,
			   "E: %s : scrutin %s : %lld blancs + %lld exprimés = %lld, mais %lld "
			   "émargements et %lld bulletins : les comptes ne concordent pas, le "
			   "procès-verbal ne peut pas être fait (R-D11-CHECK)\n",
			   "E: %s: poll %s: %lld blank + %lld expressed = %lld, but %lld émargements "
			   "and %lld ballots: the counts do not agree, the minutes cannot be made "
			   "(R-D11-CHECK)\n"),
			rpath, code, blank, expressed, blank + expressed, em, ballots);
		break;
	case PROCES_VERBAL_LISTS:
		fprintf(stderr,
			TR(c, "E: %s : scrutin %s : les voix des listes ne font pas les %lld suffrages "
			      "exprimés : le procès-verbal ne peut pas être fait\n",
			   "E: %s: poll %s: the lists' votes do not make the %lld votes expressed: the "
			   "minutes cannot be made\n"),
			rpath, code, expressed);
		break;
	case PROCES_VERBAL_POLLS:
		fprintf(stderr,
			TR(c, "E: %s : scrutin %s : les scrutins ne sont pas ceux de l’opération "
			      "(operation.json) : refaites operation results\n",
			   "E: %s: poll %s: the polls are not the operation's (operation.json): run "
			   "operation results again\n"),
			rpath, code != NULL ? code : "?");
		break;
	case PROCES_VERBAL_UNJOURNALED:
		fprintf(stderr, "E: %s : %s\n", rpath,
			TR(c, "ce ne sont pas les résultats consignés au journal par operation results "
			      "(le fichier a changé depuis) : refaites operation results",
			   "these are not the results operation results recorded in the journal (the "
			   "file has changed since): run operation results again"));
		break;
	default:
		fprintf(stderr, "E: %s : %s\n", rpath,
			TR(c, "ce ne sont pas des résultats tels que les écrit operation results (un "
			      "champ manque ou n’a pas son type) : refaites operation results",
			   "these are not results as operation results writes them (a field is missing "
			   "or of the wrong type): run operation results again"));
		break;
	}
}

static int cmd_pv(struct cli *c)
{
	char *rpath = cli_path(c, "results.json"), *jpath = cli_path(c, "journal.jsonl"),
	     *ppath = cli_path(c, "pv.pdf"), sha[65];
	json_t *op = NULL, *results = NULL, *journal = json_array();
	unsigned char *pdf = NULL;
	size_t pdf_len = 0, entries = 0, bad = 0, at = 0;
	int pages = 0, r = CLI_REFUSED;
	enum proces_verbal_fault fault;
	enum iso_err err;
	if (rpath == NULL || jpath == NULL || ppath == NULL || journal == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((op = operation_read(c)) == NULL)
		goto out;
	/* the journal first: minutes are made from a chain that holds */
	if ((err = ledger_verify(jpath, &entries, &bad, collect, journal)) != ISO_OK) {
		if (err == ISO_E_JOURNAL_BROKEN)
			fprintf(stderr, "E: %s : %s %zu : %s\n", jpath,
				TR(c, "la chaîne du journal est rompue à la ligne",
				   "the journal's chain is broken at line"),
				bad,
				TR(c, "le procès-verbal ne peut pas être fait d’un journal altéré",
				   "no minutes can be made from an altered journal"));
		else
			r = cli_error(c, jpath, err, NULL);
		goto out;
	}
	if (json_array_size(journal) != entries) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((results = read_json(c, rpath, "pas de résultats : operation results d’abord",
				 "no results: operation results first")) == NULL)
		goto out;
	{
		struct proces_verbal pv = {op, results, journal, (int64_t)time(NULL)};
		/* R-D11-CHECK before the minutes */
		if ((fault = proces_verbal_check(&pv, &at)) != PROCES_VERBAL_OK) {
			say_fault(c, rpath, fault, json_array_get(json_object_get(results, "polls"), at));
			goto out;
		}
		if ((err = proces_verbal_pdf(c->lang, &pv, &pdf, &pdf_len, &pages)) != ISO_OK) {
			r = cli_error(c, "operation.json", err, NULL);
			goto out;
		}
	}
	iso_sha256_hex(pdf, pdf_len, sha);
	if ((err = iso_file_write_atomic(ppath, pdf, pdf_len, 0444)) != ISO_OK) {
		r = cli_error(c, ppath, err, NULL);
		goto out;
	}
	{
		json_t *fields = json_pack("{s:s}", "sha256", sha);
		/* pages: cairo's page tree says it; left out if it cannot be read */
		if (fields != NULL && pages > 0)
			json_object_set_new(fields, "pages", json_integer(pages));
		if ((r = cli_journal(c, "pv", fields)) != CLI_OK)
			goto out;
	}
	cli_info(c, TR(c, "procès-verbal → %s (%d pages, %zu entrées du journal) ; SHA-256 %s",
		       "minutes → %s (%d pages, %zu journal entries); SHA-256 %s"),
		 ppath, pages, entries, sha);
	printf("%s\n", sha);
	r = CLI_OK;
out:
	pdf_data_free(pdf, pdf_len);
	json_decref(journal);
	json_decref(results);
	json_decref(op);
	free(rpath);
	free(jpath);
	free(ppath);
	return r;
}

const struct cli_command cli_commands_pv[] = {
	{"operation", "attendance", cmd_attendance, OPT_DIR | OPT_FILE, OPT_FILE,
	 "consigner au journal les membres du bureau présents à une réunion, quatre au moins "
	 "(--file : {meeting, present:[numéros]}, R-BUR-02)",
	 "record in the journal the members of the bureau present at a meeting, four at least "
	 "(--file: {meeting, present:[numbers]}, R-BUR-02)"},
	{"operation", "pv", cmd_pv, OPT_DIR, 0,
	 "le procès-verbal (pv.pdf, pages numérotées) : l’opération, le bureau et ses présences, "
	 "le journal, les résultats (blancs + exprimés = émargements, R-D11-CHECK), les "
	 "observations, les signatures",
	 "the minutes (pv.pdf, numbered pages): the operation, the bureau and its attendances, "
	 "the journal, the results (blank + expressed = émargements, R-D11-CHECK), the "
	 "observations, the signatures"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
