/* isoloir-bureau: the bureau's command-line tool. This file parses the
 * command line, dispatches to the command tables of the cmd_*.c files and
 * holds the helpers they share (cli.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jsondoc.h"
#include "ledger.h"

static const struct cli_command *const tables[] = {
	cli_commands_setup, cli_commands_ceremony, cli_commands_ballot,
	cli_commands_archive, cli_commands_tally, cli_commands_operation, cli_commands_count,
	cli_commands_journal, cli_commands_results, cli_commands_bundle, cli_commands_keys, cli_commands_seal,
	cli_commands_control, cli_commands_test, cli_commands_incidents, cli_commands_maintenance,
	cli_commands_pv, cli_commands_enrolment,
};

struct opt_spec {
	const char *name;
	unsigned bit;
	int has_arg;
	const char *help_fr, *help_en;
};

static const struct opt_spec opt_specs[] = {
	{"dir", OPT_DIR, 1, "répertoire de l’élection (défaut : .)", "election directory (default: .)"},
	{"uuid", OPT_UUID, 1, "identifiant de l’élection", "election uuid"},
	{"group", OPT_GROUP, 1, "groupe (BELENIOS-2048 par défaut)", "group (default BELENIOS-2048)"},
	{"count", OPT_COUNT, 1, "nombre de justificatifs", "number of credentials"},
	{"file", OPT_FILE, 1, "fichier d’identités, une par ligne", "identities file, one per line"},
	{"privcred", OPT_PRIVCRED, 1, "fichier du justificatif privé (mot de passe)", "private credential (password) file"},
	{"ballot", OPT_BALLOT, 1, "fichier du bulletin ou des choix", "ballot or choices file"},
	{"step", OPT_STEP, 1, "étape de la cérémonie (1 à 6)", "ceremony step (1 to 6)"},
	{"certs", OPT_CERTS, 1, "fichier des certificats (certs.jsons)", "certificates file (certs.jsons)"},
	{"key", OPT_KEY, 1, "fichier de clé privée de détenteur (.key)", "trustee private key file (.key)"},
	{"threshold", OPT_THRESHOLD, 1, "seuil : nombre de détenteurs nécessaires", "threshold: number of trustees needed"},
	{"polynomials", OPT_POLYNOMIALS, 1, "fichier des polynômes", "polynomials file"},
	{"privkey", OPT_PRIVKEY, 1, "fichier de clé privée simple (.privkey)", "single private key file (.privkey)"},
	{"trustee-id", OPT_TRUSTEE_ID, 1, "numéro du détenteur (à partir de 1)", "trustee number (from 1)"},
	{"decryption-key", OPT_DECRYPTION_KEY, 1, "fichier de clé de déchiffrement (.dkey)", "decryption key file (.dkey)"},
	{"type", OPT_TYPE, 1, "type d’événement", "event type"},
	{"template", OPT_TEMPLATE, 1, "modèle de l’élection (questions)", "election template (questions)"},
	{"election", OPT_ELECTION, 1, "fichier election.json", "election.json file"},
	{"trustees", OPT_TRUSTEES, 1, "fichier trustees.json", "trustees.json file"},
	{"public-creds", OPT_PUBLIC_CREDS, 1, "fichier public_creds.json", "public_creds.json file"},
	{"quiet", OPT_QUIET, 0, "moins de messages", "fewer messages"},
	{"threads", OPT_THREADS, 1, "nombre de fils de calcul (défaut : nombre de cœurs)", "worker threads (default: number of cores)"},
	{"trustee-keys", OPT_TRUSTEE_KEYS, 1, "les détenteurs de clé présents, un par ligne : ID single FICHIER.privkey, ou ID threshold FICHIER.key FICHIER.dkey", "the key holders present, one a line: ID single FILE.privkey, or ID threshold FILE.key FILE.dkey"},
	{"voters", OPT_VOTERS, 1, "les électeurs, CSV UTF-8 : identifiant;nom;reponse;scrutins (codes de scrutins ou de collèges)", "the voters, CSV UTF-8: identifiant;nom;reponse;scrutins (poll or college codes)"},
	{"no-reference", OPT_NO_REFERENCE, 0, "ne pas faire vérifier aussi par belenios-tool (un très grand scrutin : des heures)", "do not have belenios-tool verify too (a very large poll: hours)"},
	{"wait", OPT_WAIT, 1, "secondes d’attente d’une clé USB (défaut : 600)", "seconds to wait for a USB key (default: 600)"},
	{"out", OPT_OUT, 1, "fichier à écrire (jamais par-dessus un fichier)", "file to write (never over a file)"},
	{"technician", OPT_TECHNICIAN, 1, "nom du technicien (ou du détenteur de la clé de technicien)", "the technician's name (or the technician key's holder)"},
	{"kiosk", OPT_KIOSK, 1, "postes, par le nom de leur certificat, séparés par des virgules (défaut : tous)", "kiosks, by their certificates' names, comma-separated (default: all)"},
	{"from", OPT_FROM, 1, "début de validité, RFC 3339 (2026-12-01T08:00:00+01:00)", "start of validity, RFC 3339 (2026-12-01T08:00:00+01:00)"},
	{"until", OPT_UNTIL, 1, "fin de validité, RFC 3339 (31 jours au plus après le début)", "end of validity, RFC 3339 (31 days at most after the start)"},
	{"argon2", OPT_ARGON2, 1, "coûts Argon2id T,M,P : passes, mémoire en Kio, parallélisme (défaut : 2,19456,1)", "Argon2id costs T,M,P: passes, memory in KiB, parallelism (default: 2,19456,1)"},
};
#define NOPTS (sizeof opt_specs / sizeof opt_specs[0])

/* Options a command gives another meaning, for its --help. */
static const struct {
	const char *group, *name;
	unsigned bit;
	const char *help_fr, *help_en;
} opt_meanings[] = {
	{"operation", "init", OPT_FILE, "la description de l’opération (JSON : scrutins, collèges, listes, horaires, bureau)",
	 "the operation's description (JSON: polls, colleges, lists, hours, bureau)"},
	{"operation", "init", OPT_DIR, "le dossier de l’opération à créer (il ne doit pas exister)",
	 "the operation's folder to create (it must not exist)"},
	{"operation", "observe", OPT_FILE, "l’observation, JSON : {author, quality (electeur, candidat, delegue), poll (facultatif), text}",
	 "the observation, JSON: {author, quality (electeur, candidat, delegue), poll (optional), text}"},
	{"operation", "observe", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "results", OPT_FILE, "les décomptes d’émargement du registre (GET /counts du bureau), JSON",
	 "the registry's émargement counts (the bureau's GET /counts), JSON"},
	{"operation", "results", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "attendance", OPT_FILE, "les présents, JSON : {meeting, present:[numéros des membres, à partir de 1]}",
	 "those present, JSON: {meeting, present:[members' numbers, from 1]}"},
	{"operation", "attendance", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "technician-key", OPT_OUT, "la clé privée de technicien à écrire (sur la clé USB de son détenteur)",
	 "the private technician key to write (on its holder's USB key)"},
	{"operation", "technician-key", OPT_TECHNICIAN, "le détenteur de la clé de technicien (le chef de service local)",
	 "the technician key's holder (the local service head)"},
	{"operation", "maintenance-token", OPT_KEY, "la clé privée de technicien de l’opération (operation technician-key)",
	 "the operation's private technician key (operation technician-key)"},
	{"operation", "maintenance-token", OPT_OUT, "le jeton à écrire ; à copier sous le nom isoloir-maintenance.json sur la clé USB du technicien",
	 "the token to write; to be copied as isoloir-maintenance.json onto the technician's USB key"},
	{"operation", "enrolment-bundle", OPT_DIR, "le dossier de l’opération (défaut : .) : operation.json, les election.json des scrutins, la clé de technicien publique",
	 "the operation's folder (default: .): operation.json, the polls' election.json, the public technician key"},
	{"operation", "enrolment-bundle", OPT_KEY, "la clé privée de technicien de l’opération (operation technician-key)",
	 "the operation's private technician key (operation technician-key)"},
	{"operation", "enrolment-bundle", OPT_FILE, "les postes, JSON : {registry, urns:[{poll, url, pin, backup}], image_manifest, kiosks:[{name, client_cert, client_key, language, touch_keyboard, px_per_mm}]} (chemins relatifs au fichier)",
	 "the kiosks, JSON: {registry, urns:[{poll, url, pin, backup}], image_manifest, kiosks:[{name, client_cert, client_key, language, touch_keyboard, px_per_mm}]} (paths relative to the file)"},
	{"operation", "enrolment-bundle", OPT_KIOSK, "les postes dont faire le lot, par leur nom, séparés par des virgules (défaut : tous ceux du fichier)",
	 "the kiosks to make a bundle for, by name, comma-separated (default: all those of the file)"},
	{"operation", "enrolment-bundle", OPT_OUT, "le dossier où écrire DOSSIER/<poste>/isoloir-enrolement.json (0600, jamais par-dessus un lot)",
	 "the folder to write DIR/<kiosk>/isoloir-enrolement.json into (0600, never over a bundle)"},
	{"operation", "pv", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "archive", OPT_COUNT, "jours de conservation (défaut : 2 ans)", "days of retention (default: 2 years)"},
	{"operation", "archive", OPT_FILE, "les sources des programmes (archive .tar.gz), jointes", "the programs' sources (a .tar.gz), joined"},
	{"operation", "archive", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "verify-bundle", OPT_FILE, "l’archive de l’opération (archive.tar)", "the operation's archive (archive.tar)"},
	{"operation", "appeal", OPT_FILE, "le recours, JSON : {text, closed}", "the appeal, JSON: {text, closed}"},
	{"operation", "destroy", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "journal", OPT_DIR, "le dossier de l’opération (défaut : .)", "the operation's folder (default: .)"},
	{"operation", "credentials", OPT_FILE,
	 "les électeurs, CSV UTF-8 : identifiant;nom;reponse;scrutins (uuids séparés par des virgules)",
	 "the voters, CSV UTF-8: identifiant;nom;reponse;scrutins (uuids separated by commas)"},
	{"operation", "credentials", OPT_DIR,
	 "répertoire de sortie, un sous-répertoire par scrutin (défaut : .)",
	 "output directory, one subdirectory per poll (default: .)"},
};

const char *cli_tr(const struct cli *c, const char *fr, const char *en)
{
	return c->lang == ISO_LANG_EN ? en : fr;
}

int cli_error(const struct cli *c, const char *what, enum iso_err err,
	      const struct iso_where *where)
{
	char buf[512];
	iso_where_format(where, err, c->lang, buf, sizeof buf);
	fprintf(stderr, "E: %s%s%s (%s)\n", what ? what : "", what ? " : " : "", buf,
		iso_errname(err));
	switch (err) {
	case ISO_E_NOMEM:
	case ISO_E_IO:
	case ISO_E_CRYPTO_LIB:
	case ISO_E_RANDOM:
		return CLI_FAILED;
	default:
		return CLI_REFUSED;
	}
}

void cli_info(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	if (c->quiet)
		return;
	fputs("I: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *cli_path(const struct cli *c, const char *name)
{
	const char *d = c->dir != NULL ? c->dir : ".";
	size_t n = strlen(d) + strlen(name) + 2;
	char *p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/%s", d, name);
	return p;
}

enum iso_err cli_read(const char *path, char **ret, size_t *ret_len)
{
	return iso_file_read(strcmp(path, "-") == 0 ? "/dev/stdin" : path, ISO_JSON_MAX_BYTES * 4u,
			     ret, ret_len);
}

enum iso_err cli_read_line(const char *path, char **ret, size_t *ret_len)
{
	enum iso_err err = cli_read(path, ret, ret_len);
	if (err == ISO_OK && *ret_len > 0 && (*ret)[*ret_len - 1] == '\n')
		(*ret)[--*ret_len] = '\0';
	return err;
}

int cli_journal(const struct cli *c, const char *event, json_t *fields)
{
	char *path = cli_path(c, "journal.jsonl");
	enum iso_err err = path != NULL ? ledger_append(path, event, fields, (int64_t)time(NULL))
					: ISO_E_NOMEM;
	int r = err == ISO_OK ? CLI_OK : cli_error(c, path != NULL ? path : "journal.jsonl", err, NULL);
	free(path);
	return r;
}

enum iso_err cli_write_new(const char *path, const void *data, size_t len, bool secret)
{
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return ISO_E_IO;
	}
	return iso_file_write_atomic(path, data, len, secret ? 0400 : 0444);
}

enum iso_err cli_write_line(const char *path, const char *text, bool secret)
{
	size_t n = strlen(text);
	char *data = malloc(n + 1);
	enum iso_err err;
	if (data == NULL)
		return ISO_E_NOMEM;
	memcpy(data, text, n);
	data[n] = '\n';
	err = cli_write_new(path, data, n + 1, secret);
	OPENSSL_cleanse(data, n + 1);
	free(data);
	return err;
}

static void usage_all(const struct cli *c, FILE *out)
{
	fprintf(out, "%s\n\n", cli_tr(c, "isoloir-bureau — l’outil du bureau de vote électronique (compatible Belenios 2.0)",
				      "isoloir-bureau — the electronic polling bureau's tool (Belenios 2.0 compatible)"));
	fprintf(out, "%s\n", cli_tr(c, "Usage : isoloir-bureau GROUPE COMMANDE [OPTIONS]", "Usage: isoloir-bureau GROUP COMMAND [OPTIONS]"));
	fprintf(out, "%s\n\n", cli_tr(c, "        isoloir-bureau GROUPE COMMANDE --help", "       isoloir-bureau GROUP COMMAND --help"));
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct cli_command *cmd = tables[t]; cmd->name != NULL; cmd++)
			fprintf(out, "  %-9s %-30s %s\n", cmd->group, cmd->name,
				cli_tr(c, cmd->help_fr, cmd->help_en));
}

static void usage_command(const struct cli *c, const struct cli_command *cmd, FILE *out)
{
	fprintf(out, "isoloir-bureau %s %s — %s\n\n", cmd->group, cmd->name,
		cli_tr(c, cmd->help_fr, cmd->help_en));
	fprintf(out, "%s\n", cli_tr(c, "Options :", "Options:"));
	for (size_t i = 0; i < NOPTS; i++) {
		if (!((cmd->opts | OPT_QUIET) & opt_specs[i].bit))
			continue;
		char name[40];
		const char *help = cli_tr(c, opt_specs[i].help_fr, opt_specs[i].help_en);
		for (size_t k = 0; k < sizeof opt_meanings / sizeof opt_meanings[0]; k++)
			if (opt_meanings[k].bit == opt_specs[i].bit &&
			    strcmp(opt_meanings[k].group, cmd->group) == 0 &&
			    strcmp(opt_meanings[k].name, cmd->name) == 0)
				help = cli_tr(c, opt_meanings[k].help_fr, opt_meanings[k].help_en);
		snprintf(name, sizeof name, "--%s%s", opt_specs[i].name, opt_specs[i].has_arg ? "=…" : "");
		fprintf(out, "  %-22s %s%s\n", name, help,
			(cmd->required & opt_specs[i].bit) ? cli_tr(c, " (obligatoire)", " (required)") : "");
	}
	fprintf(out, "  %-22s %s\n", "--help", cli_tr(c, "cette aide", "this help"));
}

static const struct cli_command *find_command(const char *group, const char *name)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct cli_command *cmd = tables[t]; cmd->name != NULL; cmd++)
			if (strcmp(cmd->group, group) == 0 && strcmp(cmd->name, name) == 0)
				return cmd;
	return NULL;
}

static bool parse_long(const char *s, long *ret)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	*ret = v;
	return true;
}

static int parse_options(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	struct option lopts[NOPTS + 2];
	size_t k = 0;
	for (size_t i = 0; i < NOPTS; i++)
		lopts[k++] = (struct option){opt_specs[i].name, opt_specs[i].has_arg ? required_argument : no_argument, NULL, (int)(i + 1)};
	lopts[k++] = (struct option){"help", no_argument, NULL, 'h'};
	lopts[k] = (struct option){NULL, 0, NULL, 0};
	optind = 1;
	opterr = 0;
	for (;;) {
		int o = getopt_long(argc, argv, "", lopts, NULL);
		if (o == -1)
			break;
		if (o == 'h') {
			usage_command(c, cmd, stdout);
			return -1;
		}
		if (o <= 0 || o > (int)NOPTS || !((cmd->opts | OPT_QUIET) & opt_specs[o - 1].bit)) {
			fprintf(stderr, "E: %s %s\n", cli_tr(c, "option inconnue ou sans objet pour cette commande :", "unknown option or not for this command:"), argv[optind - 1]);
			return CLI_USAGE;
		}
		const struct opt_spec *s = &opt_specs[o - 1];
		c->given |= s->bit;
		long *num = NULL;
		switch (s->bit) {
		case OPT_DIR: c->dir = optarg; break;
		case OPT_UUID: c->uuid = optarg; break;
		case OPT_GROUP: c->group = optarg; break;
		case OPT_FILE: c->file = optarg; break;
		case OPT_VOTERS: c->voters = optarg; break;
		case OPT_TRUSTEE_KEYS: c->trustee_keys = optarg; break;
		case OPT_PRIVCRED: c->privcred = optarg; break;
		case OPT_BALLOT: c->ballot = optarg; break;
		case OPT_CERTS: c->certs = optarg; break;
		case OPT_KEY: c->key = optarg; break;
		case OPT_POLYNOMIALS: c->polynomials = optarg; break;
		case OPT_PRIVKEY: c->privkey = optarg; break;
		case OPT_DECRYPTION_KEY: c->decryption_key = optarg; break;
		case OPT_TYPE: c->type = optarg; break;
		case OPT_TEMPLATE: c->template_path = optarg; break;
		case OPT_ELECTION: c->election = optarg; break;
		case OPT_TRUSTEES: c->trustees = optarg; break;
		case OPT_PUBLIC_CREDS: c->public_creds = optarg; break;
		case OPT_ARGON2: c->argon2 = optarg; break;
		case OPT_OUT: c->out = optarg; break;
		case OPT_TECHNICIAN: c->technician = optarg; break;
		case OPT_KIOSK: c->kiosk = optarg; break;
		case OPT_FROM: c->from = optarg; break;
		case OPT_UNTIL: c->until = optarg; break;
		case OPT_QUIET: c->quiet = true; break;
		case OPT_NO_REFERENCE: c->no_reference = true; break;
		case OPT_COUNT: num = &c->count; break;
		case OPT_STEP: num = &c->step; break;
		case OPT_THRESHOLD: num = &c->threshold; break;
		case OPT_TRUSTEE_ID: num = &c->trustee_id; break;
		case OPT_THREADS: num = &c->threads; break;
		case OPT_WAIT: num = &c->wait; break;
		default: break;
		}
		if (num != NULL && !parse_long(optarg, num)) {
			fprintf(stderr, "E: --%s : %s « %s »\n", s->name, cli_tr(c, "nombre attendu, pas", "number expected, not"), optarg);
			return CLI_USAGE;
		}
	}
	for (size_t i = 0; i < NOPTS; i++)
		if ((cmd->required & opt_specs[i].bit) && !(c->given & opt_specs[i].bit)) {
			fprintf(stderr, "E: %s --%s\n", cli_tr(c, "option obligatoire manquante :", "missing required option:"), opt_specs[i].name);
			return CLI_USAGE;
		}
	c->argc = argc - optind;
	c->argv = argv + optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	const struct cli_command *cmd;
	int r;
	c.lang = iso_lang_from_env();
	c.group = "BELENIOS-2048";
	c.wait = 600;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage_all(&c, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("isoloir-bureau 0.1.0\n");
		return CLI_OK;
	}
	if (argc < 3 || (cmd = find_command(argv[1], argv[2])) == NULL) {
		fprintf(stderr, "E: %s\n\n", cli_tr(&c, "commande inconnue", "unknown command"));
		usage_all(&c, stderr);
		return CLI_USAGE;
	}
	r = parse_options(&c, cmd, argc - 2, argv + 2);
	if (r != 0)
		return r < 0 ? CLI_OK : r;
	return cmd->run(&c);
}
