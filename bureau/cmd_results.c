/* "operation results": the results of every poll of an operation, for the
 * minutes (R-TAL-01, R-TAL-02, R-D11-CHECK, R-D11-RERUN).
 *   operation results --dir OP --file COUNTS.json
 * COUNTS.json is the registry's émargement counts (its bureau's GET
 * /counts: {"polls":[{"poll":UUID,"voters":N,"pending":P,"voted":V}…]}).
 * Each poll's archive (the .bel in OP/<uuid>) is verified again from its first
 * byte, its count recomputed and compared with the Result it holds (the
 * count run again from the archive gives the same result); then per poll:
 * registered voters, émargements, ballots, blank votes, votes and seats
 * per list (the poll's method), turnout. Blank and expressed votes must
 * add up to the ballots and to the émargements, none pending: checked
 * before anything is written (R-D11-CHECK). Written: OP/results.json and
 * a "results" entry of the operation's journal. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive_verify.h"
#include "cli.h"
#include "decryption.h"
#include "electiondir.h"
#include "jsondoc.h"
#include "seats.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

static json_t *read_json(const struct cli *c, const char *path)
{
	json_t *o = NULL;
	enum iso_err err = iso_json_file(path, 16u << 20, &o);
	if (err != ISO_OK)
		cli_error(c, path, err, NULL);
	return o;
}

static const json_t *count_of(const json_t *counts, const char *uuid)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(counts, "polls"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "poll"));
		if (u != NULL && strcmp(u, uuid) == 0)
			return p;
	}
	return NULL;
}

static void progress(void *arg, size_t done, size_t total)
{
	const struct cli *c = arg;
	if (!c->quiet && (done == total || done % 2000 == 0))
		fprintf(stderr, "\rI: %zu / %zu", done, total);
	if (!c->quiet && done == total)
		fputc('\n', stderr);
}

/* One poll: its archive verified, its figures checked, its seats. */
static int poll_results(const struct cli *c, const json_t *poll, const json_t *count,
			json_t *out)
{
	const char *uuid = json_string_value(json_object_get(poll, "uuid")),
		   *code = json_string_value(json_object_get(poll, "code")),
		   *method_name = json_string_value(json_object_get(poll, "method"));
	const json_t *lists = json_object_get(poll, "lists");
	bool blank = json_is_true(json_object_get(poll, "blank"));
	struct iso_verify_opts opts = {(int)c->threads, progress, (void *)c};
	struct iso_verified *v = NULL;
	struct iso_where where;
	struct seats s;
	enum seats_method method;
	uint64_t votes[SEATS_LISTS_MAX] = {0}, expressed = 0, nblank = 0;
	size_t nlists = json_array_size(lists), off = blank ? 1 : 0;
	json_int_t voters = json_integer_value(json_object_get(poll, "voters")),
		   voted = json_integer_value(json_object_get(count, "voted")),
		   pending = json_integer_value(json_object_get(count, "pending"));
	char dir[4096], *bel = NULL;
	json_t *rl = json_array();
	enum iso_err err;
	int r = CLI_REFUSED;
	iso_where_clear(&where);
	if (uuid == NULL || code == NULL || method_name == NULL || nlists == 0 ||
	    nlists > SEATS_LISTS_MAX || !seats_method_parse(method_name, &method)) {
		fprintf(stderr, "E: operation.json : %s\n",
			TR(c, "un scrutin est incomplet", "a poll is incomplete"));
		goto out;
	}
	if (count == NULL) {
		fprintf(stderr, "E: %s : %s %s\n", c->file,
			TR(c, "pas de décompte d’émargements pour le scrutin",
			   "no émargement count for the poll"),
			code);
		goto out;
	}
	snprintf(dir, sizeof dir, "%s/%s", c->dir != NULL ? c->dir : ".", uuid);
	{
		struct cli sub = *c;
		sub.dir = dir;
		err = election_dir_find_bel(&sub, &bel);
	}
	if (err != ISO_OK || bel == NULL) {
		r = cli_error(c, dir, err != ISO_OK ? err : ISO_E_IO, NULL);
		goto out;
	}
	cli_info(c, TR(c, "scrutin %s : l’archive vérifiée de nouveau, le dépouillement refait",
		       "poll %s: the archive verified again, the count run again"),
		 code);
	if ((err = iso_archive_verify(bel, &opts, &v, &where)) != ISO_OK) {
		r = cli_error(c, bel, err, &where);
		goto out;
	}
	if (!v->has_result || v->result.n != nlists + off) {
		fprintf(stderr, "E: %s : %s\n", bel,
			TR(c, "pas encore de résultat : election tally d’abord",
			   "no result yet: election tally first"));
		goto out;
	}
	nblank = blank ? v->result.counts[0] : 0;
	for (size_t k = 0; k < nlists; k++)
		expressed += votes[k] = v->result.counts[off + k];
	/* R-D11-CHECK: blank and expressed votes are the ballots and the émargements */
	if (pending != 0 || nblank + expressed != v->nballots ||
	    (json_int_t)(nblank + expressed) != voted) {
		fprintf(stderr,
			TR(c,
			   "E: scrutin %s : %llu blancs + %llu exprimés = %llu, mais %zu bulletins "
			   "dans l’urne et %lld émargements (%lld en attente) : les comptes ne "
			   "concordent pas, le procès-verbal ne peut pas être fait (R-D11-CHECK)\n",
			   "E: poll %s: %llu blank + %llu expressed = %llu, but %zu ballots in the "
			   "urn and %lld émargements (%lld pending): the counts do not agree, the "
			   "minutes cannot be made (R-D11-CHECK)\n"),
			code, (unsigned long long)nblank, (unsigned long long)expressed,
			(unsigned long long)(nblank + expressed), v->nballots, (long long)voted,
			(long long)pending);
		goto out;
	}
	if ((err = seats_allocate(votes, nlists,
				  (unsigned)json_integer_value(json_object_get(poll, "seats")), method,
				  &s)) != ISO_OK) {
		r = cli_error(c, code, err, NULL);
		goto out;
	}
	{
		/* the turnout, French decimal comma and no-break spaces */
		char turnout[32];
		double t = voters > 0 ? 100.0 * (double)voted / (double)voters : 0.0;
		snprintf(turnout, sizeof turnout, "%.1f", t);
		if (c->lang != ISO_LANG_EN && strchr(turnout, '.') != NULL)
			*strchr(turnout, '.') = ',';
		printf("%s — %s\n", code, json_string_value(json_object_get(poll, "name")));
		printf(TR(c,
			  "  inscrits\u202f: %lld · émargements\u202f: %lld (participation %s\u202f%%) · "
			  "bulletins\u202f: %zu · blancs\u202f: %llu · exprimés\u202f: %llu · "
			  "sièges\u202f: %lld (%s)\n",
			  "  registered: %lld · émargements: %lld (turnout %s %%) · ballots: %zu · "
			  "blank: %llu · expressed: %llu · seats: %lld (%s)\n"),
		       (long long)voters, (long long)voted, turnout, v->nballots,
		       (unsigned long long)nblank, (unsigned long long)expressed,
		       (long long)json_integer_value(json_object_get(poll, "seats")),
		       method == SEATS_HIGHEST_AVERAGE
			       ? TR(c, "à la plus forte moyenne", "highest average")
			       : TR(c, "au plus fort reste", "largest remainder"));
	}
	for (size_t k = 0; k < nlists; k++) {
		const json_t *l = json_array_get(lists, k);
		printf(TR(c, "  %s — %s · voix\u202f: %llu · sièges\u202f: %u%s\n",
			  "  %s — %s · votes: %llu · seats: %u%s\n"),
		       json_string_value(json_object_get(l, "acronym")),
		       json_string_value(json_object_get(l, "name")), (unsigned long long)votes[k],
		       s.seats[k], s.tied[k] ? TR(c, " (égalité : le bureau décide)", " (tie: the bureau decides)") : "");
		json_array_append_new(rl, json_pack("{s:s, s:s, s:I, s:i, s:b}", "acronym",
						    json_string_value(json_object_get(l, "acronym")),
						    "name", json_string_value(json_object_get(l, "name")),
						    "votes", (json_int_t)votes[k], "seats", (int)s.seats[k],
						    "tied", s.tied[k]));
	}
	if (s.left > 0)
		printf(TR(c, "  %u siège(s) à attribuer par le bureau entre les listes à égalité\n",
			  "  %u seat(s) for the bureau to give among the tied lists\n"),
		       s.left);
	json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:i, s:O}",
					     "code", code, "uuid", uuid, "voters", voters,
					     "emargements", voted, "ballots", (json_int_t)v->nballots,
					     "blank", (json_int_t)nblank, "expressed",
					     (json_int_t)expressed, "method", method_name,
					     "seats_left", (int)s.left, "lists", rl));
	r = CLI_OK;
out:
	json_decref(rl);
	iso_verified_free(v);
	free(bel);
	return r;
}

static int cmd_results(struct cli *c)
{
	char *opath = cli_path(c, "operation.json"), *rpath = cli_path(c, "results.json"), *text = NULL;
	json_t *op = NULL, *counts = NULL, *polls = json_array(), *doc = NULL, *p;
	size_t i;
	enum iso_err err;
	int r = CLI_REFUSED;
	if (opath == NULL || rpath == NULL || polls == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((op = read_json(c, opath)) == NULL || (counts = read_json(c, c->file)) == NULL)
		goto out;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		const char *uuid = json_string_value(json_object_get(p, "uuid"));
		if ((r = poll_results(c, p, uuid != NULL ? count_of(counts, uuid) : NULL, polls)) !=
		    CLI_OK)
			goto out;
	}
	doc = json_pack("{s:i, s:s, s:O}", "version", 1, "operation",
			json_string_value(json_object_get(op, "operation")), "polls", polls);
	if (doc == NULL || (text = json_dumps(doc, JSON_INDENT(2))) == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((err = iso_file_write_atomic(rpath, text, strlen(text), 0644)) != ISO_OK) {
		r = cli_error(c, rpath, err, NULL);
		goto out;
	}
	if ((r = cli_journal(c, "results", json_pack("{s:O}", "polls", polls))) != CLI_OK)
		goto out;
	cli_info(c, TR(c, "résultats vérifiés → %s", "verified results → %s"), rpath);
	r = CLI_OK;
out:
	free(text);
	json_decref(doc);
	json_decref(polls);
	json_decref(op);
	json_decref(counts);
	free(opath);
	free(rpath);
	return r;
}

const struct cli_command cli_commands_results[] = {
	{"operation", "results", cmd_results, OPT_DIR | OPT_FILE | OPT_THREADS, OPT_FILE,
	 "les résultats de chaque scrutin : archive revérifiée, dépouillement refait, inscrits, "
	 "émargements (--file : les décomptes du registre), blancs, exprimés, voix et sièges par "
	 "liste ; blancs + exprimés = émargements, vérifié avant tout (R-D11-CHECK)",
	 "each poll's results: archive verified again, count run again, registered voters, "
	 "émargements (--file: the registry's counts), blank, expressed, votes and seats per "
	 "list; blank + expressed = émargements, checked first (R-D11-CHECK)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
