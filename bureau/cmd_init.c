/* "operation init": the operation from its description (opdesc.h) and
 * its voters (voters.csv with poll or college codes). Everything is read
 * and checked first — every refusal names the file, the line or the
 * poll, list or member, the field and why — then the operation's folder
 * is made whole in a temporary folder beside it and renamed: nothing is
 * written when anything is wrong, and a crash leaves no half folder
 * under the name. The folder holds:
 *   operation.json   the description made definite: each poll's uuid and
 *                    number of voters, the professions de foi's texts;
 *   <uuid>/template.json   each poll's Belenios template (one question,
 *                    its answers the lists' names, in order; the blank
 *                    vote as the poll says), for "setup make-election";
 *   journal.jsonl    the bureau's journal of the operation (ledger.h), its
 *                    first entry the operation made;
 *   voters.csv       the credential authority's input (identifiant;nom;
 *                    reponse;scrutins with uuids), readable by the owner
 *                    only: "operation credentials --file" takes it.
 * Rule: the challenge answers are wiped from every buffer that held them. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "election.h"
#include "jsondoc.h"
#include "ledger.h"
#include "opdesc.h"
#include "voterscsv.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

/* Each voter's polls (indexes into the description), from the codes. */
struct init {
	struct opdesc *d;
	struct voters_csv *v;
	bool *votes;  /* voter i votes in poll p: votes[i * npolls + p] */
	size_t *count; /* voters per poll */
	char (*uuid)[15];
};

static int refuse_voters(const struct cli *c, const struct voters_csv_where *w)
{
	char buf[512];
	voters_csv_where_format(w, c->lang, buf, sizeof buf);
	fprintf(stderr, "E: %s: %s\n", c->voters, buf);
	return CLI_REFUSED;
}

/* The codes of each voter: a poll's, or a college's (its polls). */
static int resolve(const struct cli *c, struct init *in)
{
	const struct opdesc *d = in->d;
	for (size_t i = 0; i < in->v->n; i++) {
		const struct voters_csv_row *row = &in->v->rows[i];
		bool *mine = &in->votes[i * d->npolls], any = false;
		for (size_t k = 0; k < row->npolls; k++) {
			size_t at;
			bool college;
			if (!opdesc_code(d, row->polls[k], &at, &college)) {
				struct voters_csv_where w = {.fault = VOTERS_CSV_UNKNOWN_CODE,
							     .line = row->line,
							     .field = "scrutins"};
				snprintf(w.poll, sizeof w.poll, "%s", row->polls[k]);
				return refuse_voters(c, &w);
			}
			for (size_t p = 0; p < d->npolls; p++) {
				bool in_college = false;
				for (size_t j = 0; college && j < d->polls[p].ncolleges; j++)
					in_college |=
						strcmp(d->polls[p].colleges[j], d->colleges[at].code) == 0;
				if (college ? in_college : p == at)
					mine[p] = true;
			}
		}
		for (size_t p = 0; p < d->npolls; p++) {
			any |= mine[p];
			in->count[p] += mine[p];
		}
		if (!any) {
			fprintf(stderr, "E: %s: %s %d, %s\n", c->voters, TR(c, "ligne", "line"),
				row->line,
				TR(c, "champ scrutins : ces collèges ne votent à aucun scrutin",
				   "field scrutins: these colleges vote in no poll"));
			return CLI_REFUSED;
		}
	}
	for (size_t p = 0; p < d->npolls; p++)
		if (in->count[p] == 0) {
			fprintf(stderr, "E: %s: %s %s (%s)\n", c->voters,
				TR(c, "aucun électeur pour le scrutin", "no voter for the poll"),
				d->polls[p].code, d->polls[p].name);
			return CLI_REFUSED;
		}
	return CLI_OK;
}

static json_t *strings(char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

/* operation.json: the description made definite */
static json_t *operation_json(const struct init *in)
{
	const struct opdesc *d = in->d;
	json_t *polls = json_array(), *colleges = json_array(), *bureau = json_array();
	for (size_t i = 0; i < d->ncolleges; i++)
		json_array_append_new(colleges, json_pack("{s:s, s:s}", "code", d->colleges[i].code,
							  "name", d->colleges[i].name));
	for (size_t p = 0; p < d->npolls; p++) {
		const struct opdesc_poll *pl = &d->polls[p];
		json_t *lists = json_array();
		for (size_t l = 0; l < pl->nlists; l++) {
			const struct opdesc_list *li = &pl->lists[l];
			json_array_append_new(
				lists, json_pack("{s:s, s:s, s:o, s:s}", "acronym", li->acronym, "name",
						 li->name, "candidates",
						 strings(li->candidates, li->ncandidates),
						 "profession_de_foi", li->profession_de_foi));
		}
		json_array_append_new(
			polls, json_pack("{s:s, s:s, s:s, s:o, s:i, s:s, s:b, s:i, s:o}", "code",
					 pl->code, "uuid", in->uuid[p], "name", pl->name, "colleges",
					 strings(pl->colleges, pl->ncolleges), "seats", (int)pl->seats,
					 "method", seats_method_name(pl->method), "blank", pl->blank,
					 "voters", (json_int_t)in->count[p], "lists", lists));
	}
	for (size_t m = 0; m < d->nmembers; m++) {
		const struct opdesc_member *mb = &d->members[m];
		json_t *o = json_pack("{s:s, s:s}", "name", mb->name, "role",
				      opdesc_role_name(mb->role));
		if (o != NULL && mb->poll >= 0) {
			char ref[2 * OPDESC_CODE_MAX + 2];
			snprintf(ref, sizeof ref, "%s/%s", d->polls[mb->poll].code,
				 d->polls[mb->poll].lists[mb->list].acronym);
			json_object_set_new(o, "list", json_string(ref));
		}
		json_array_append_new(bureau, o);
	}
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:I, s:o, s:o, s:o}", "version", 1,
			      "operation", d->operation, "space", d->space, "opening",
			      d->opening_text, "opening_unix", (json_int_t)d->opening, "closing",
			      d->closing_text, "closing_unix", (json_int_t)d->closing, "colleges",
			      colleges, "polls", polls, "bureau", bureau);
	if (o != NULL && d->helpline != NULL)
		json_object_set_new(o, "helpline", json_string(d->helpline));
	if (o != NULL && d->board != NULL)
		json_object_set_new(o, "board", json_string(d->board));
	return o;
}

/* a poll's Belenios template: its lists are the question's answers */
static json_t *template_json(const struct opdesc *d, const struct opdesc_poll *pl)
{
	json_t *answers = json_array();
	char description[2 * OPDESC_TEXT_MAX + 8];
	for (size_t l = 0; l < pl->nlists; l++)
		json_array_append_new(answers, json_string(pl->lists[l].name));
	snprintf(description, sizeof description, "%s — %s", d->operation, pl->name);
	return json_pack("{s:s, s:s, s:[{s:o, s:b, s:i, s:i, s:s}]}", "description", description,
			 "name", pl->name, "questions", "answers", answers, "blank", pl->blank,
			 "min", 1, "max", 1, "question", pl->name);
}

/* voters.csv for the credential authority, the codes made uuids */
static char *voters_text(const struct init *in, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	len = (size_t)snprintf(out, cap, "%s\r\n", VOTERS_CSV_HEADER_LINE);
	for (size_t i = 0; i < in->v->n; i++) {
		const struct voters_csv_row *row = &in->v->rows[i];
		char *f[3] = {voters_csv_field(row->identifier), voters_csv_field(row->name),
			      voters_csv_field(row->answer)};
		size_t need = 64 + 15 * in->d->npolls;
		bool ok = f[0] != NULL && f[1] != NULL && f[2] != NULL;
		for (int k = 0; ok && k < 3; k++)
			need += strlen(f[k]);
		if (ok && len + need > cap) {
			size_t ncap = (len + need) * 2;
			char *n = malloc(ncap);
			if ((ok = n != NULL)) {
				memcpy(n, out, len);
				OPENSSL_cleanse(out, cap);
				free(out);
				out = n;
				cap = ncap;
			}
		}
		if (ok) {
			bool first = true;
			len += (size_t)snprintf(out + len, cap - len, "%s;%s;%s;", f[0], f[1], f[2]);
			for (size_t p = 0; p < in->d->npolls; p++)
				if (in->votes[i * in->d->npolls + p]) {
					len += (size_t)snprintf(out + len, cap - len, "%s%s",
								first ? "" : ",", in->uuid[p]);
					first = false;
				}
			len += (size_t)snprintf(out + len, cap - len, "\r\n");
		}
		for (int k = 0; k < 3; k++)
			if (f[k] != NULL) {
				OPENSSL_cleanse(f[k], strlen(f[k]));
				free(f[k]);
			}
		if (!ok) {
			OPENSSL_cleanse(out, cap);
			free(out);
			return NULL;
		}
	}
	*ret_len = len;
	return out;
}

static enum iso_err write_json(const char *dir, const char *name, json_t *j)
{
	char path[4096], *text = NULL;
	size_t len;
	enum iso_err err = ISO_E_NOMEM;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (j != NULL && (text = json_dumps(j, JSON_INDENT(2))) != NULL) {
		char *line = NULL;
		len = strlen(text);
		/* a text file: its last line ends */
		if ((line = malloc(len + 2)) != NULL) {
			memcpy(line, text, len);
			line[len++] = '\n';
			err = iso_file_write_atomic(path, line, len, 0644);
			free(line);
		}
	}
	free(text);
	json_decref(j);
	return err;
}

/* Everything into a new folder beside dir, then renamed to dir. */
static enum iso_err folder_write(const struct init *in, const char *dir, char **ret_failed)
{
	size_t n = strlen(dir) + 16, vlen = 0;
	char *tmp = malloc(n), path[4096], *vtext = NULL;
	enum iso_err err = ISO_E_NOMEM;
	*ret_failed = NULL;
	if (tmp == NULL)
		return ISO_E_NOMEM;
	snprintf(tmp, n, "%s.tmp-XXXXXX", dir);
	if (mkdtemp(tmp) == NULL) {
		*ret_failed = tmp;
		return ISO_E_IO;
	}
	if ((err = write_json(tmp, "operation.json", operation_json(in))) != ISO_OK)
		goto out;
	for (size_t p = 0; p < in->d->npolls; p++) {
		snprintf(path, sizeof path, "%s/%s", tmp, in->uuid[p]);
		if (mkdir(path, 0755) != 0) {
			err = ISO_E_IO;
			goto out;
		}
		snprintf(path, sizeof path, "%s/template.json", in->uuid[p]);
		if ((err = write_json(tmp, path, template_json(in->d, &in->d->polls[p]))) != ISO_OK)
			goto out;
	}
	err = ISO_E_NOMEM;
	if ((vtext = voters_text(in, &vlen)) == NULL)
		goto out;
	snprintf(path, sizeof path, "%s/voters.csv", tmp);
	if ((err = iso_file_write_atomic(path, vtext, vlen, 0600)) != ISO_OK)
		goto out;
	/* the journal's first entry: the operation made */
	{
		json_t *polls = json_array();
		for (size_t p = 0; polls != NULL && p < in->d->npolls; p++)
			json_array_append_new(polls, json_pack("{s:s, s:s, s:I}", "code",
							       in->d->polls[p].code, "uuid", in->uuid[p],
							       "voters", (json_int_t)in->count[p]));
		snprintf(path, sizeof path, "%s/journal.jsonl", tmp);
		if ((err = ledger_append(path, "operation-init",
					 json_pack("{s:s, s:o, s:I}", "operation", in->d->operation,
						   "polls", polls, "voters", (json_int_t)in->v->n),
					 (int64_t)time(NULL))) != ISO_OK)
			goto out;
	}
	/* the whole folder under its name at once */
	if (rename(tmp, dir) != 0) {
		err = ISO_E_IO;
		goto out;
	}
	{
		char *copy = strdup(dir);
		int fd = copy != NULL ? open(dirname(copy), O_RDONLY | O_DIRECTORY) : -1;
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		free(copy);
	}
	free(tmp);
	tmp = NULL;
	err = ISO_OK;
out:
	if (vtext != NULL) {
		OPENSSL_cleanse(vtext, vlen);
		free(vtext);
	}
	if (tmp != NULL) {
		/* nothing left of a refused or failed run */
		for (size_t p = 0; p < in->d->npolls; p++) {
			snprintf(path, sizeof path, "%s/%s/template.json", tmp, in->uuid[p]);
			unlink(path);
			snprintf(path, sizeof path, "%s/%s", tmp, in->uuid[p]);
			rmdir(path);
		}
		snprintf(path, sizeof path, "%s/operation.json", tmp);
		unlink(path);
		snprintf(path, sizeof path, "%s/voters.csv", tmp);
		unlink(path);
		snprintf(path, sizeof path, "%s/journal.jsonl", tmp);
		unlink(path);
		rmdir(tmp);
		*ret_failed = tmp;
	}
	return err;
}

int cli_operation_init(struct cli *c)
{
	struct init in = {0};
	struct opdesc_where ow;
	struct voters_csv_where vw;
	char *text = NULL, *vtext = NULL, *base = NULL, *failed = NULL, buf[512];
	size_t len = 0, vlen = 0;
	enum iso_err err;
	int r = CLI_REFUSED;
	struct stat st;

	if (stat(c->dir, &st) == 0 || errno != ENOENT) {
		fprintf(stderr, "E: %s : %s\n", c->dir,
			TR(c, "existe déjà : l’opération se fait dans un dossier nouveau",
			   "exists already: the operation is made in a new folder"));
		return CLI_REFUSED;
	}
	/* the description, then the files it names */
	if ((err = iso_file_read(c->file, OPDESC_FILE_MAX, &text, &len)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	if ((err = opdesc_parse(text, len, &in.d, &ow)) == ISO_OK &&
	    (base = strdup(c->file)) != NULL)
		err = opdesc_read_professions(in.d, dirname(base), &ow);
	if (err != ISO_OK) {
		if (err == ISO_E_CONFIG) {
			opdesc_where_format(&ow, c->lang, buf, sizeof buf);
			fprintf(stderr, "E: %s: %s\n", c->file, buf);
		} else {
			opdesc_where_format(&ow, c->lang, buf, sizeof buf);
			fprintf(stderr, "E: %s: %s (%s)\n", c->file, buf, iso_errname(err));
			r = err == ISO_E_IO ? CLI_REFUSED : CLI_FAILED;
		}
		goto out;
	}
	/* the voters, by codes */
	if ((err = cli_read(c->voters, &vtext, &vlen)) != ISO_OK) {
		r = cli_error(c, c->voters, err, NULL);
		goto out;
	}
	if ((err = voters_csv_parse_codes(vtext, vlen, &in.v, &vw)) != ISO_OK) {
		r = err == ISO_E_NOMEM ? cli_error(c, c->voters, err, NULL) : refuse_voters(c, &vw);
		goto out;
	}
	in.votes = calloc(in.v->n * in.d->npolls, sizeof *in.votes);
	in.count = calloc(in.d->npolls, sizeof *in.count);
	in.uuid = calloc(in.d->npolls, sizeof *in.uuid);
	if (in.votes == NULL || in.count == NULL || in.uuid == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	if ((r = resolve(c, &in)) != CLI_OK)
		goto out;
	/* each poll its Belenios election's uuid */
	for (size_t p = 0; p < in.d->npolls; p++)
		if ((err = iso_uuid_generate(in.uuid[p])) != ISO_OK) {
			r = cli_error(c, NULL, err, NULL);
			goto out;
		}
	if ((err = folder_write(&in, c->dir, &failed)) != ISO_OK) {
		fprintf(stderr, "E: %s : %s (%s)\n", c->dir,
			TR(c, "le dossier de l’opération n’a pas pu être écrit ; rien n’en reste",
			   "the operation's folder could not be written; nothing of it is left"),
			strerror(errno));
		r = CLI_FAILED;
		goto out;
	}
	for (size_t p = 0; p < in.d->npolls; p++)
		cli_info(c, TR(c, "scrutin %s (%s) : uuid %s, %zu électeurs, %zu listes, %u sièges",
			       "poll %s (%s): uuid %s, %zu voters, %zu lists, %u seats"),
			 in.d->polls[p].code, in.d->polls[p].name, in.uuid[p], in.count[p],
			 in.d->polls[p].nlists, in.d->polls[p].seats);
	cli_info(c, TR(c, "%s : operation.json, les modèles des scrutins, voters.csv (%zu électeurs, "
			  "lisible du seul propriétaire : pour operation credentials)",
		       "%s: operation.json, the polls' templates, voters.csv (%zu voters, readable "
		       "by the owner only: for operation credentials)"),
		 c->dir, in.v->n);
	printf("%s\n", c->dir);
	r = CLI_OK;
out:
	free(failed);
	free(base);
	free(in.votes);
	free(in.count);
	free(in.uuid);
	voters_csv_free(in.v);
	opdesc_free(in.d);
	free(text);
	if (vtext != NULL) {
		OPENSSL_cleanse(vtext, vlen);
		free(vtext);
	}
	return r;
}
