/* The bureau's operation commands. "operation credentials" is the credential
 * authority (ARCHITECTURE.md, the two treatments): from voters.csv it draws
 * each voter's password (a Belenios credential, one for all the voter's
 * polls) and writes each poll's public credentials, sorted so that their
 * order tells nothing of who is who, the registry's voter file and the
 * letters, all or none of them. The letters are two files, one per channel
 * (R-AUTH-02: identifier and password never travel together): the
 * identifiers (numero;identifiant;nom) and the passwords
 * (numero;nom;mot_de_passe), joined by the voter's number.
 * Rule: the passwords live in the secure heap from their drawing to the
 * letters' writing, and every copy of a password, verifier or answer is
 * wiped on every path. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "credential.h"
#include "jsondoc.h"
#include "number.h"
#include "parallel.h"
#include "registry_voters.h"
#include "letters.h"
#include "pdf.h"
#include "voterscsv.h"

#define CRED_SIZE (ISO_CREDENTIAL_LEN + 1)
#define IDENTIFIERS_HEADER "numero;identifiant;nom\r\n"
#define PASSWORDS_HEADER "numero;nom;mot_de_passe\r\n"
/* cli_tr for a format, which the compiler checks in both languages */
#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

/* One poll: its uuid, the public credentials of its voters, its file. */
struct op_poll {
	const char *uuid;
	const char **pub; /* into op.pub */
	size_t n;
	char *dir, *path, *json;
	bool dir_made, written;
};

struct op {
	const struct iso_group *grp;
	struct registry_argon2 cost;
	const struct voters_csv *voters;
	char *creds;   /* voter i's password at i * CRED_SIZE (secure heap) */
	size_t *first; /* voter i's public credentials are pub[first[i]...] */
	char **pub;    /* decimal, voter by voter, poll by poll */
	size_t npub;
	struct registry_voter *entries;
	struct op_poll *polls; /* sorted by uuid */
	size_t npolls;
};

/* "T,M,P" within the bounds of registry_argon2_params: the registry applies
 * them to every hash it reads, so a cost it would refuse is refused here,
 * before any hash is made. The check reads an encoded hash of these costs
 * whose salt and hash are placeholders of the right lengths. */
static bool argon2_cost_parse(const char *s, struct registry_argon2 *ret)
{
	unsigned long v[3];
	const char *p = s;
	char enc[160];
	for (int i = 0; i < 3; i++) {
		char *end;
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0 || v[i] > UINT32_MAX || *end != (i < 2 ? ',' : '\0'))
			return false;
		p = end + (i < 2);
	}
	snprintf(enc, sizeof enc, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$%s$%s", v[1], v[0], v[2],
		 "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	return registry_argon2_params(enc, ret) == ISO_OK;
}

/* One voter: password, its public credential in each of the voter's polls,
 * the registry verifier, the registry entry. Jobs write only their own
 * slots, so the outputs keep the input's order whatever the threads do. */
static enum iso_err voter_job(void *arg, int thread, size_t i)
{
	struct op *op = arg;
	const struct voters_csv_row *row = &op->voters->rows[i];
	char *cred = op->creds + i * CRED_SIZE, verifier[ISO_B64_HASH_LEN + 1] = "";
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *pub = BN_new();
	enum iso_err err = ISO_E_NOMEM;
	(void)thread;
	if (ctx == NULL || pub == NULL)
		goto out;
	if ((err = iso_credential_generate(cred)) != ISO_OK)
		goto out;
	for (size_t k = 0; k < row->npolls; k++) {
		if ((err = iso_credential_derive(op->grp, row->polls[k], cred, NULL, pub, ctx)) !=
		    ISO_OK)
			goto out;
		if ((op->pub[op->first[i] + k] = iso_bn_to_dec(pub)) == NULL) {
			err = ISO_E_NOMEM;
			goto out;
		}
	}
	if ((err = iso_registry_verifier(row->identifier, cred, verifier)) != ISO_OK)
		goto out;
	err = registry_voter_make(&op->cost, row->identifier, row->name, row->answer, verifier,
				  (const char *const *)row->polls, row->npolls, &op->entries[i]);
out:
	OPENSSL_cleanse(verifier, sizeof verifier);
	BN_free(pub);
	BN_CTX_free(ctx);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_poll(const void *key, const void *p)
{
	return strcmp(key, ((const struct op_poll *)p)->uuid);
}

/* canonical decimals: by length, then digit by digit, is by value */
static int cmp_dec(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

static struct op_poll *poll_of(const struct op *op, const char *uuid)
{
	return bsearch(uuid, op->polls, op->npolls, sizeof *op->polls, cmp_poll);
}

/* The distinct polls of the file, sorted, each with room for its voters'
 * public credentials, and the output paths. */
static enum iso_err polls_collect(struct op *op, const char *outdir)
{
	const struct voters_csv *v = op->voters;
	const char **all = calloc(op->npub + 1, sizeof *all);
	size_t k = 0;
	enum iso_err err = ISO_E_NOMEM;
	if (all == NULL || (op->polls = calloc(op->npub, sizeof *op->polls)) == NULL)
		goto out;
	for (size_t i = 0; i < v->n; i++)
		for (size_t j = 0; j < v->rows[i].npolls; j++)
			all[k++] = v->rows[i].polls[j];
	qsort(all, k, sizeof *all, cmp_str);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
			op->polls[op->npolls++].uuid = all[i];
	for (size_t i = 0; i < v->n; i++)
		for (size_t j = 0; j < v->rows[i].npolls; j++)
			poll_of(op, v->rows[i].polls[j])->n++;
	for (size_t p = 0; p < op->npolls; p++) {
		struct op_poll *pl = &op->polls[p];
		size_t dn = strlen(outdir) + strlen(pl->uuid) + 2;
		pl->pub = calloc(pl->n, sizeof *pl->pub);
		pl->dir = malloc(dn);
		pl->path = malloc(dn + sizeof "/public_creds.json");
		if (pl->pub == NULL || pl->dir == NULL || pl->path == NULL)
			goto out;
		snprintf(pl->dir, dn, "%s/%s", outdir, pl->uuid);
		snprintf(pl->path, dn + sizeof "/public_creds.json", "%s/public_creds.json", pl->dir);
		pl->n = 0;
	}
	err = ISO_OK;
out:
	free(all);
	return err;
}

/* Each poll's public_creds.json: the JSON array of the public credentials
 * "C" sorted by value, compact, as the archive's public_credentials (what
 * "archive init --public-creds" of either tool takes); no login or
 * identifier, unlike a .pubcreds file, for the urn must hold none
 * (R-SEP-03). */
static enum iso_err pubcreds_make(struct op *op)
{
	const struct voters_csv *v = op->voters;
	for (size_t i = 0; i < v->n; i++)
		for (size_t j = 0; j < v->rows[i].npolls; j++) {
			struct op_poll *pl = poll_of(op, v->rows[i].polls[j]);
			pl->pub[pl->n++] = op->pub[op->first[i] + j];
		}
	for (size_t p = 0; p < op->npolls; p++) {
		struct op_poll *pl = &op->polls[p];
		json_t *arr = json_array();
		enum iso_err err = ISO_E_NOMEM;
		qsort(pl->pub, pl->n, sizeof *pl->pub, cmp_dec);
		for (size_t i = 0; arr != NULL && i < pl->n; i++) {
			/* two voters drew the same password: 58^14 makes it
			 * unheard of, and an urn would refuse the set */
			if (i > 0 && strcmp(pl->pub[i], pl->pub[i - 1]) == 0) {
				json_decref(arr);
				return ISO_E_DUPLICATE_PUBLIC_CREDENTIAL;
			}
			if (json_array_append_new(arr, json_string(pl->pub[i])) != 0) {
				json_decref(arr);
				arr = NULL;
			}
		}
		if (arr != NULL)
			err = iso_json_dump(arr, &pl->json, NULL);
		json_decref(arr);
		if (err != ISO_OK)
			return err;
	}
	return ISO_OK;
}

/* A letters file in the secure heap: its header, then per voter in input
 * order its number (from 1), and either its identifier and name
 * (identifiers) or its name and password (passwords), CRLF, fields quoted
 * as the émargement CSV. */
static enum iso_err letters_make(const struct op *op, bool passwords, char **ret,
				 size_t *ret_len, size_t *ret_cap)
{
	const struct voters_csv *v = op->voters;
	const char *header = passwords ? PASSWORDS_HEADER : IDENTIFIERS_HEADER;
	size_t cap = strlen(header) + 1, n = 0;
	char **id = calloc(v->n, sizeof *id), **name = calloc(v->n, sizeof *name), *out = NULL;
	enum iso_err err = ISO_E_NOMEM;
	if (id == NULL || name == NULL)
		goto out;
	for (size_t i = 0; i < v->n; i++) {
		if ((!passwords && (id[i] = voters_csv_field(v->rows[i].identifier)) == NULL) ||
		    (name[i] = voters_csv_field(v->rows[i].name)) == NULL)
			goto out;
		cap += 24 + (passwords ? ISO_CREDENTIAL_LEN : strlen(id[i])) + strlen(name[i]);
	}
	if ((out = OPENSSL_secure_malloc(cap)) == NULL)
		goto out;
	n = (size_t)snprintf(out, cap, "%s", header);
	for (size_t i = 0; i < v->n; i++)
		n += (size_t)snprintf(out + n, cap - n, "%zu;%s;%s\r\n", i + 1,
				      passwords ? name[i] : id[i],
				      passwords ? op->creds + i * CRED_SIZE : name[i]);
	*ret = out;
	*ret_len = n;
	*ret_cap = cap;
	err = ISO_OK;
out:
	for (size_t i = 0; i < v->n; i++) {
		free(id != NULL ? id[i] : NULL);
		free(name != NULL ? name[i] : NULL);
	}
	free(id);
	free(name);
	return err;
}

/* the two letters files: identifiers, passwords (CSV; or a PDF when the
 * operation was made by operation init) */
struct letters {
	char *path[2], *text[2];
	size_t len[2], cap[2];
	json_t *operation;  /* the folder's operation.json, or NULL */
	unsigned char *pdf; /* the password letters, when operation */
	size_t pdf_len;
};

/* The password letters as a PDF, from the CSV's rows. */
static enum iso_err letters_pdf_make(const struct cli *c, const struct op *op, struct letters *l)
{
	const struct voters_csv *v = op->voters;
	struct letter *ls = calloc(v->n, sizeof *ls);
	char (*num)[24] = calloc(v->n, sizeof *num);
	enum iso_err err = ISO_E_NOMEM;
	if (ls != NULL && num != NULL) {
		for (size_t i = 0; i < v->n; i++) {
			snprintf(num[i], sizeof num[i], "%zu", i + 1);
			ls[i] = (struct letter){num[i], v->rows[i].name, op->creds + i * CRED_SIZE};
		}
		err = letters_pdf(c->lang, l->operation, ls, v->n, &l->pdf, &l->pdf_len);
	}
	free(ls);
	free(num);
	return err;
}

/* An output file, atomically, with exactly this mode: the umask may have
 * narrowed the mode open() gave it, never widened it, so the chmod after
 * the rename never shows the content to more than the mode says. */
static int output_write(const struct cli *c, const char *path, const void *data, size_t len,
			mode_t mode)
{
	enum iso_err err = iso_file_write_atomic(path, data, len, (int)mode);
	int e = errno;
	if (err == ISO_OK && chmod(path, mode) != 0) {
		e = errno;
		unlink(path);
		err = ISO_E_IO;
	}
	if (err == ISO_OK)
		return CLI_OK;
	fprintf(stderr, "E: %s : %s%s%s (%s)\n", path, iso_strerror(err, c->lang),
		err == ISO_E_IO ? " : " : "", err == ISO_E_IO ? strerror(e) : "",
		iso_errname(err));
	return CLI_FAILED;
}

/* An output path that nothing holds yet. */
static bool output_free(const struct cli *c, const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0 && errno == ENOENT)
		return true;
	fprintf(stderr, "E: %s : %s\n", path, cli_tr(c, "existe déjà", "exists already"));
	return false;
}

static bool dir_usable(const struct cli *c, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 ? errno == ENOENT : S_ISDIR(st.st_mode))
		return true;
	fprintf(stderr, "E: %s : %s\n", path,
		cli_tr(c, "n’est pas un répertoire", "is not a directory"));
	return false;
}

/* All the outputs, or none: what was written before a failure is removed. */
static int outputs_write(const struct cli *c, struct op *op, const char *outdir,
			 const char *vpath, const char *vjson, size_t vlen, const struct letters *l)
{
	bool outdir_made = false, voters_written = false, ids_written = false;
	int r = CLI_FAILED;
	if (mkdir(outdir, 0750) == 0)
		outdir_made = true;
	else if (errno != EEXIST) {
		fprintf(stderr, "E: %s : %s\n", outdir, strerror(errno));
		return CLI_FAILED;
	}
	for (size_t p = 0; p < op->npolls; p++) {
		struct op_poll *pl = &op->polls[p];
		if (mkdir(pl->dir, 0755) == 0) {
			pl->dir_made = true;
		} else if (errno != EEXIST) {
			fprintf(stderr, "E: %s : %s\n", pl->dir, strerror(errno));
			goto undo;
		}
		if ((r = output_write(c, pl->path, pl->json, strlen(pl->json), 0644)) != CLI_OK)
			goto undo;
		pl->written = true;
	}
	if ((r = output_write(c, vpath, vjson, vlen, 0640)) != CLI_OK)
		goto undo;
	voters_written = true;
	if ((r = output_write(c, l->path[0], l->text[0], l->len[0], 0600)) != CLI_OK)
		goto undo;
	ids_written = true;
	if ((r = l->pdf != NULL ? output_write(c, l->path[1], l->pdf, l->pdf_len, 0600)
				: output_write(c, l->path[1], l->text[1], l->len[1], 0600)) != CLI_OK)
		goto undo;
	return CLI_OK;
undo:
	if (ids_written)
		unlink(l->path[0]);
	if (voters_written)
		unlink(vpath);
	for (size_t p = op->npolls; p-- > 0;) {
		if (op->polls[p].written)
			unlink(op->polls[p].path);
		if (op->polls[p].dir_made)
			rmdir(op->polls[p].dir);
	}
	if (outdir_made)
		rmdir(outdir);
	return CLI_FAILED;
}

static void op_clear(struct op *op)
{
	const struct voters_csv *v = op->voters;
	if (op->creds != NULL)
		OPENSSL_secure_clear_free(op->creds, (v != NULL ? v->n : 0) * CRED_SIZE);
	for (size_t i = 0; op->pub != NULL && i < op->npub; i++)
		free(op->pub[i]);
	free(op->pub);
	free(op->first);
	for (size_t i = 0; op->entries != NULL && v != NULL && i < v->n; i++)
		registry_voter_clear(&op->entries[i]);
	free(op->entries);
	for (size_t p = 0; op->polls != NULL && p < op->npolls; p++) {
		free(op->polls[p].pub);
		free(op->polls[p].dir);
		free(op->polls[p].path);
		free(op->polls[p].json);
	}
	free(op->polls);
}

static int cmd_credentials(struct cli *c)
{
	struct op op = {0};
	struct voters_csv *voters = NULL;
	struct voters_csv_where where;
	const char *outdir = c->dir != NULL ? c->dir : ".";
	char *text = NULL, *vpath = cli_path(c, "registry-voters.json"), *vjson = NULL;
	struct letters l = {{cli_path(c, "letters-identifiers.csv"), NULL}, {NULL, NULL}, {0, 0},
			    {0, 0}, NULL, NULL, 0};
	char *oppath = cli_path(c, "operation.json");
	size_t len = 0, vlen = 0;
	enum iso_err err;
	int r = CLI_FAILED;

	op.cost = REGISTRY_ARGON2_DEFAULT;
	if (oppath == NULL)
		goto out;
	/* an operation made by operation init: the password letters are a PDF
	 * with its notice */
	if (access(oppath, F_OK) == 0 &&
	    (err = iso_json_file(oppath, 4u << 20, &l.operation)) != ISO_OK) {
		r = cli_error(c, oppath, err, NULL);
		goto out;
	}
	l.path[1] = cli_path(c, l.operation != NULL ? "letters-passwords.pdf"
						    : "letters-passwords.csv");
	if (vpath == NULL || l.path[0] == NULL || l.path[1] == NULL)
		goto out;
	if (c->argon2 != NULL && !argon2_cost_parse(c->argon2, &op.cost)) {
		fprintf(stderr, "E: --argon2 « %s » : %s\n", c->argon2,
			cli_tr(c, "T,M,P attendu (passes de 1 à 16, mémoire de 8×P à 262144 Kio, "
				  "parallélisme de 1 à 8), comme 2,19456,1",
			       "T,M,P expected (passes 1 to 16, memory 8×P to 262144 KiB, "
			       "parallelism 1 to 8), such as 2,19456,1"));
		r = CLI_USAGE;
		goto out;
	}
	if ((op.grp = iso_group_by_name(c->group)) == NULL) {
		r = cli_error(c, c->group, ISO_E_UNKNOWN_GROUP, NULL);
		goto out;
	}
	if ((err = cli_read(c->file, &text, &len)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	err = voters_csv_parse(text, len, &voters, &where);
	OPENSSL_cleanse(text, len); /* the answers */
	if (err != ISO_OK) {
		char buf[512];
		if (err != ISO_E_VOTER_FILE) {
			r = cli_error(c, c->file, err, NULL);
			goto out;
		}
		voters_csv_where_format(&where, c->lang, buf, sizeof buf);
		fprintf(stderr, "E: %s : %s — %s (%s)\n", c->file, iso_strerror(err, c->lang), buf,
			iso_errname(err));
		r = CLI_REFUSED;
		goto out;
	}
	op.voters = voters;

	/* the polls, and no output of an earlier run in the way */
	op.first = calloc(voters->n, sizeof *op.first);
	if (op.first == NULL)
		goto out;
	for (size_t i = 0; i < voters->n; i++) {
		op.first[i] = op.npub;
		op.npub += voters->rows[i].npolls;
	}
	if (polls_collect(&op, outdir) != ISO_OK)
		goto out;
	{
		bool ok = dir_usable(c, outdir), fresh = true;
		for (size_t p = 0; p < op.npolls; p++) {
			ok = dir_usable(c, op.polls[p].dir) && ok;
			fresh = output_free(c, op.polls[p].path) && fresh;
		}
		fresh = output_free(c, vpath) && fresh;
		fresh = output_free(c, l.path[0]) && fresh;
		fresh = output_free(c, l.path[1]) && fresh;
		/* a previous run's letters may be on their way: a new run would
		 * make them worthless */
		if (!fresh)
			fprintf(stderr, "E: %s\n",
				cli_tr(c, "une nouvelle génération donnerait d’autres mots de passe : "
					  "retirer d’abord, à dessein, les fichiers de la génération "
					  "précédente",
				       "a new run would give other passwords: first remove, on "
				       "purpose, the files of the previous run"));
		if (!ok || !fresh) {
			r = CLI_REFUSED;
			goto out;
		}
	}

	op.creds = OPENSSL_secure_zalloc(voters->n * CRED_SIZE);
	op.pub = calloc(op.npub, sizeof *op.pub);
	op.entries = calloc(voters->n, sizeof *op.entries);
	if (op.creds == NULL || op.pub == NULL || op.entries == NULL)
		goto out;
	cli_info(c, TR(c, "%zu électeurs, %zu scrutins : tirage des mots de passe (Argon2id "
			      "t=%u m=%u p=%u, %d fils)…",
			   "%zu voters, %zu polls: drawing the passwords (Argon2id t=%u m=%u "
			   "p=%u, %d threads)…"),
		 voters->n, op.npolls, op.cost.t_cost, op.cost.m_cost_kib, op.cost.parallelism,
		 iso_parallel_threads((int)c->threads, voters->n));
	if ((err = iso_parallel_for(voters->n, (int)c->threads, voter_job, &op)) != ISO_OK ||
	    (err = pubcreds_make(&op)) != ISO_OK ||
	    (err = registry_voters_write(op.entries, voters->n, &vjson, &vlen)) != ISO_OK ||
	    (err = letters_make(&op, false, &l.text[0], &l.len[0], &l.cap[0])) != ISO_OK ||
	    (err = letters_make(&op, true, &l.text[1], &l.len[1], &l.cap[1])) != ISO_OK ||
	    (l.operation != NULL && (err = letters_pdf_make(c, &op, &l)) != ISO_OK)) {
		r = cli_error(c, cli_tr(c, "génération des justificatifs", "credential generation"),
			      err, NULL);
		goto out;
	}
	/* the passwords are in the letters now, and nowhere else */
	OPENSSL_secure_clear_free(op.creds, voters->n * CRED_SIZE);
	op.creds = NULL;
	if ((r = outputs_write(c, &op, outdir, vpath, vjson, vlen, &l)) != CLI_OK)
		goto out;

	for (size_t p = 0; p < op.npolls; p++)
		cli_info(c, TR(c, "scrutin %s : %zu justificatifs publics → %s",
				   "poll %s: %zu public credentials → %s"),
			 op.polls[p].uuid, op.polls[p].n, op.polls[p].path);
	cli_info(c, TR(c, "fichier des électeurs du registre (%zu électeurs) → %s",
			   "the registry's voter file (%zu voters) → %s"),
		 voters->n, vpath);
	cli_info(c, TR(c, "courriers, identifiants (%zu électeurs) → %s",
			   "letters, identifiers (%zu voters) → %s"),
		 voters->n, l.path[0]);
	cli_info(c, TR(c, "courriers, mots de passe (%zu, lisible du seul propriétaire) → %s",
			   "letters, passwords (%zu, readable by the owner only) → %s"),
		 voters->n, l.path[1]);
	fprintf(stderr, "W: %s\n",
		cli_tr(c, "letters-identifiers.csv et letters-passwords.csv partent par deux "
			  "canaux différents, jamais ensemble (par exemple l’identifiant par "
			  "courriel, le mot de passe par courrier ; arrêté du 30 décembre 2017, "
			  "art. 14) ; le numéro de l’électeur les relie. Détruire les deux fichiers "
			  "une fois les envois faits.",
		       "letters-identifiers.csv and letters-passwords.csv go through two "
		       "different channels, never together (for instance the identifier by "
		       "e-mail, the password by post; arrêté of 30 December 2017, art. 14); the "
		       "voter's number joins them. Destroy both files once they are sent."));
	r = CLI_OK;
out:
	op_clear(&op);
	voters_csv_free(voters);
	free(text);
	free(vjson);
	for (int i = 0; i < 2; i++) {
		if (l.text[i] != NULL)
			OPENSSL_secure_clear_free(l.text[i], l.cap[i]);
		free(l.path[i]);
	}
	free(vpath);
	free(oppath);
	json_decref(l.operation);
	pdf_data_free(l.pdf, l.pdf_len);
	return r;
}

const struct cli_command cli_commands_operation[] = {
	{"operation", "init", cli_operation_init, OPT_FILE | OPT_VOTERS | OPT_DIR,
	 OPT_FILE | OPT_VOTERS | OPT_DIR,
	 "l’opération depuis sa description (--file) et ses électeurs (--voters) : un dossier "
	 "(--dir) avec operation.json, le modèle de chaque scrutin et voters.csv pour "
	 "l’autorité des justificatifs ; rien n’est écrit si quoi que ce soit est refusé",
	 "the operation from its description (--file) and its voters (--voters): a folder "
	 "(--dir) with operation.json, each poll's template and voters.csv for the credential "
	 "authority; nothing is written when anything is refused"},
	{"operation", "credentials", cmd_credentials,
	 OPT_DIR | OPT_GROUP | OPT_FILE | OPT_ARGON2 | OPT_THREADS, OPT_FILE,
	 "autorité des justificatifs : depuis --file voters.csv (identifiant;nom;reponse;scrutins), "
	 "mots de passe, public_creds.json de chaque scrutin, registry-voters.json, "
	 "letters-identifiers.csv et letters-passwords.csv (à envoyer par deux canaux différents)",
	 "credential authority: from --file voters.csv (identifiant;nom;reponse;scrutins), "
	 "passwords, each poll's public_creds.json, registry-voters.json, letters-identifiers.csv "
	 "and letters-passwords.csv (to be sent through two different channels)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
