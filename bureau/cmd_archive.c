/* The .bel archive from the command line: create it, append events (each one
 * checked before it is written: an archive this tool wrote always
 * verifies), and verify it completely. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_verify.h"
#include "ballot.h"
#include "cli.h"
#include "electiondir.h"
#include "jsondoc.h"
#include "tallyevents.h"

static void progress_print(void *arg, size_t done, size_t total)
{
	const struct cli *c = arg;
	if (!c->quiet && total >= 200)
		fprintf(stderr, "\rI: %s %zu / %zu", cli_tr(c, "bulletins vérifiés :", "ballots verified:"), done, total);
	if (!c->quiet && total >= 200 && done == total)
		fputc('\n', stderr);
}

int cli_verify_dir(const struct cli *c, struct iso_verified **ret)
{
	struct iso_verify_opts opts = {(int)c->threads, progress_print, (void *)c};
	struct iso_where where;
	char *bel = NULL;
	enum iso_err err = election_dir_find_bel(c, &bel);
	iso_where_clear(&where);
	if (err != ISO_OK || bel == NULL) {
		free(bel);
		return cli_error(c, cli_tr(c, "une seule archive .bel attendue dans le répertoire", "exactly one .bel archive expected in the directory"),
				 err != ISO_OK ? err : ISO_E_IO, NULL);
	}
	err = iso_archive_verify(bel, &opts, ret, &where);
	if (err != ISO_OK) {
		int r = cli_error(c, bel, err, &where);
		free(bel);
		return r;
	}
	free(bel);
	return CLI_OK;
}

static int cmd_verify(struct cli *c)
{
	struct iso_verified *v = NULL;
	int r = cli_verify_dir(c, &v);
	if (r != CLI_OK)
		return r;
	cli_info(c, "%s %s", cli_tr(c, "élection", "election"), v->e->uuid);
	cli_info(c, "%zu %s", v->nballots, cli_tr(c, "bulletins valides, un par justificatif", "valid ballots, one per credential"));
	if (v->has_tally)
		cli_info(c, "%s", cli_tr(c, "dépouillement chiffré conforme aux bulletins", "encrypted tally matches the ballots"));
	if (v->has_result) {
		size_t off = 0;
		for (size_t qi = 0; qi < v->e->nquestions; qi++) {
			const struct iso_question *q = &v->e->questions[qi];
			cli_info(c, "%s %zu : %s", cli_tr(c, "question", "question"), qi + 1, q->text);
			if (q->blank)
				cli_info(c, "  %s : %llu", cli_tr(c, "blanc", "blank"), v->result.counts[off]);
			for (size_t i = 0; i < q->nanswers; i++)
				cli_info(c, "  %s : %llu", q->answers[i], v->result.counts[off + (q->blank ? 1 : 0) + i]);
			off += iso_question_nchoices(q);
		}
	} else {
		fprintf(stderr, "W: %s\n", cli_tr(c, "pas de résultat à vérifier", "no result to check"));
	}
	cli_info(c, "%s", cli_tr(c, "toutes les vérifications ont réussi", "all checks passed"));
	iso_verified_free(v);
	return CLI_OK;
}

/* Strip the ids of a .pubcreds ("C,w,id" -> "C,w", "C,,id" -> "C"), as
 * belenios-tool's archive init does, and check the result. */
static enum iso_err public_creds_for_archive(const struct iso_group *grp, const char *raw,
					     size_t len, char **ret)
{
	struct iso_credset *cs = NULL;
	enum iso_err err = iso_credset_parse(grp, raw, len, &cs, NULL);
	if (err == ISO_OK)
		err = iso_credset_archive_json(cs, ret);
	iso_credset_free(cs);
	return err;
}

static int cmd_init(struct cli *c)
{
	char *ep = c->election ? strdup(c->election) : cli_path(c, "election.json");
	char *tp = c->trustees ? strdup(c->trustees) : cli_path(c, "trustees.json");
	char *cp = c->public_creds ? strdup(c->public_creds) : cli_path(c, "public_creds.json");
	char *eraw = NULL, *traw = NULL, *craw = NULL, *creds = NULL, *bel = NULL, name[300];
	size_t el = 0, tl = 0, cl = 0;
	struct iso_election *e = NULL;
	struct iso_trustees *tr = NULL;
	struct iso_where where;
	BIGNUM *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	const char *what = NULL;
	int r = CLI_FAILED;
	iso_where_clear(&where);
	if (ep == NULL || tp == NULL || cp == NULL || y == NULL || ctx == NULL)
		goto fail;
	what = ep;
	if ((err = cli_read_line(ep, &eraw, &el)) != ISO_OK ||
	    (err = iso_election_parse(eraw, el, &e)) != ISO_OK)
		goto fail;
	what = tp;
	if ((err = cli_read_line(tp, &traw, &tl)) != ISO_OK ||
	    (err = iso_trustees_parse(e->grp, traw, tl, &tr, &where)) != ISO_OK ||
	    (err = iso_trustees_public_key(tr, y, ctx)) != ISO_OK)
		goto fail;
	if (BN_cmp(y, e->y) != 0) {
		err = ISO_E_PUBLIC_KEY_MISMATCH;
		goto fail;
	}
	what = cp;
	if ((err = cli_read_line(cp, &craw, &cl)) != ISO_OK ||
	    (err = public_creds_for_archive(e->grp, craw, cl, &creds)) != ISO_OK)
		goto fail;
	snprintf(name, sizeof name, "%s.bel", e->uuid);
	what = name;
	if ((bel = cli_path(c, name)) == NULL) {
		err = ISO_E_NOMEM;
		goto fail;
	}
	err = iso_archive_create(bel, 0, (struct iso_blob){eraw, el}, (struct iso_blob){traw, tl},
				 (struct iso_blob){creds, strlen(creds)});
	if (err != ISO_OK)
		goto fail;
	cli_info(c, "%s %s", cli_tr(c, "archive créée :", "archive created:"), bel);
	r = CLI_OK;
	goto out;
fail:
	r = cli_error(c, what, err, &where);
out:
	iso_election_free(e);
	iso_trustees_free(tr);
	BN_free(y);
	BN_CTX_free(ctx);
	free(ep);
	free(tp);
	free(cp);
	free(eraw);
	free(traw);
	free(craw);
	free(creds);
	free(bel);
	return r;
}

/* The lines of stdin, each a data member (belenios-tool's add-event). */
static enum iso_err read_lines(struct iso_blob **ret, size_t *ret_n, char **ret_buf)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	struct iso_blob *lines;
	enum iso_err err = cli_read("-", &buf, &len);
	if (err != ISO_OK)
		return err;
	lines = calloc(len / 2 + 2, sizeof *lines);
	if (lines == NULL) {
		free(buf);
		return ISO_E_NOMEM;
	}
	for (size_t pos = 0; pos < len;) {
		char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		lines[n++] = (struct iso_blob){buf + pos, end - pos};
		pos = end + 1;
	}
	*ret = lines;
	*ret_n = n;
	*ret_buf = buf;
	return ISO_OK;
}

/* Check a new event against the archive as it is: what an urn or the bureau
 * would refuse is never written. */
static enum iso_err check_new_event(const struct cli *c, enum iso_event_type type,
				    const struct iso_blob *lines, size_t n,
				    struct iso_where *where);

static int cmd_add_event(struct cli *c)
{
	int type = iso_event_type_parse(c->type);
	struct iso_blob *lines = NULL;
	size_t n = 0;
	char *buf = NULL, *bel = NULL;
	struct iso_where where;
	enum iso_err err;
	int r;
	iso_where_clear(&where);
	if (type < 0 || type == ISO_EV_SETUP) {
		fprintf(stderr, "E: --type : %s « %s »\n", cli_tr(c, "type d’événement inconnu", "unknown event type"), c->type);
		return CLI_USAGE;
	}
	if ((err = election_dir_find_bel(c, &bel)) != ISO_OK || bel == NULL) {
		free(bel);
		return cli_error(c, "*.bel", err != ISO_OK ? err : ISO_E_IO, NULL);
	}
	if ((err = read_lines(&lines, &n, &buf)) != ISO_OK ||
	    (err = check_new_event(c, (enum iso_event_type)type, lines, n, &where)) != ISO_OK ||
	    (err = iso_archive_append(bel, (enum iso_event_type)type, lines, n)) != ISO_OK) {
		r = cli_error(c, cli_tr(c, "événement refusé", "event refused"), err, &where);
		goto out;
	}
	r = CLI_OK;
out:
	free(bel);
	free(lines);
	free(buf);
	return r;
}

static enum iso_err check_ballot_event(const struct cli *c, const struct iso_blob *b,
				       struct iso_where *where)
{
	struct election_dir d;
	struct iso_ballot_verifier *v = NULL;
	struct iso_ballot_facts facts;
	enum iso_err err = ISO_OK;
	json_t *nb = NULL;
	if (election_dir_open(c, &d, true) != 0)
		return ISO_E_INVALID_ARG;
	for (size_t i = 1; i < iso_archive_nevents(d.ar); i++)
		if (iso_archive_event(d.ar, i)->type != ISO_EV_BALLOT) {
			err = ISO_E_ARCHIVE_EVENT_ORDER;
			goto out;
		}
	if ((err = iso_ballot_verifier_new(d.e, false, &v)) != ISO_OK ||
	    (err = iso_ballot_verify(v, d.creds, b->data, b->len, &facts, where)) != ISO_OK)
		goto out;
	/* one ballot per credential */
	if ((err = iso_json_parse(b->data, b->len, &nb)) != ISO_OK)
		goto out;
	for (size_t i = 1; i < iso_archive_nevents(d.ar); i++) {
		const struct iso_member *m = iso_archive_payload(d.ar, i);
		json_t *o = NULL;
		bool same;
		if (m == NULL || iso_json_parse(m->body, m->len, &o) != ISO_OK)
			continue;
		same = json_equal(json_object_get(o, "credential"), json_object_get(nb, "credential"));
		json_decref(o);
		if (same) {
			err = ISO_E_CREDENTIAL_USED;
			goto out;
		}
	}
out:
	json_decref(nb);
	iso_ballot_verifier_free(v);
	election_dir_close(&d);
	return err;
}

static enum iso_err check_new_event(const struct cli *c, enum iso_event_type type,
				    const struct iso_blob *lines, size_t n,
				    struct iso_where *where)
{
	struct iso_verified *v = NULL;
	enum iso_err err = ISO_OK;
	switch (type) {
	case ISO_EV_BALLOT:
		return n == 1 ? check_ballot_event(c, &lines[0], where) : ISO_E_SHAPE;
	case ISO_EV_SHUFFLE:
	case ISO_EV_END_SHUFFLES:
		return ISO_E_SHUFFLE_UNSUPPORTED;
	default:
		break;
	}
	if (cli_verify_dir(c, &v) != CLI_OK)
		return ISO_E_INVALID_ARG;
	err = tally_event_check(v, type, lines, n, where);
	iso_verified_free(v);
	return err;
}

const struct cli_command cli_commands_archive[] = {
	{"archive", "verify", cmd_verify, OPT_DIR | OPT_QUIET | OPT_THREADS, 0,
	 "tout vérifier dans l’archive .bel (plus strict que belenios-tool)",
	 "verify everything in the .bel archive (stricter than belenios-tool)"},
	{"election", "verify", cmd_verify, OPT_DIR | OPT_QUIET | OPT_THREADS, 0,
	 "comme archive verify (nom de belenios-tool)", "same as archive verify (belenios-tool's name)"},
	{"archive", "init", cmd_init, OPT_DIR | OPT_ELECTION | OPT_TRUSTEES | OPT_PUBLIC_CREDS, 0,
	 "créer l’archive <uuid>.bel (élection, détenteurs, justificatifs publics)",
	 "create the <uuid>.bel archive (election, trustees, public credentials)"},
	{"archive", "add-event", cmd_add_event, OPT_DIR | OPT_TYPE | OPT_QUIET | OPT_THREADS, OPT_TYPE,
	 "ajouter un événement (lignes lues sur l’entrée standard), vérifié avant écriture",
	 "append an event (lines read from standard input), checked before writing"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
