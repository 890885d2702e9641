/* The threshold key ceremony, as belenios-tool's "setup
 * generate-trustee-key-threshold --step N" with the same files, so that
 * trustees using either tool can take part in one ceremony:
 *   1 trustee   new key: ID.key (secret seed) and ID.cert
 *   2 admin     check certs.jsons (the certificates, one per line)
 *   3 trustee   polynomial (stdout) from certs.jsons, ID.key, --threshold
 *   4 admin     ID.vinput for each trustee from polynomials.jsons
 *   5 trustee   voutput (stdout) from certs.jsons, ID.key, its vinput (stdin)
 *   6 admin     threshold.json (stdout) and ID.dkey from the voutputs (stdin) */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pedersen.h"

static void free_secret(char *s, size_t n)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, n);
		free(s);
	}
}

static int write_file(const struct cli *c, const char *id, const char *ext, const char *text,
		      bool secret)
{
	char name[96];
	char *path;
	enum iso_err err = ISO_E_NOMEM;
	snprintf(name, sizeof name, "%s%s", id, ext);
	path = cli_path(c, name);
	if (path != NULL)
		err = cli_write_line(path, text, secret);
	if (err != ISO_OK) {
		int r = cli_error(c, path != NULL ? path : name, err, NULL);
		free(path);
		return r;
	}
	cli_info(c, "%s %s", cli_tr(c, "écrit :", "wrote"), path);
	free(path);
	return CLI_OK;
}

static int step1(const struct cli *c, const struct iso_group *grp)
{
	char seed[ISO_PKI_SEED_LEN + 1], id[65], *cert = NULL;
	enum iso_err err = iso_pedersen_step1(grp, seed, &cert, id);
	int r;
	if (err != ISO_OK)
		return cli_error(c, NULL, err, NULL);
	cli_info(c, "%s %s", cli_tr(c, "certificat créé :", "certificate generated:"), id);
	r = write_file(c, id, ".cert", cert, false);
	if (r == CLI_OK)
		r = write_file(c, id, ".key", seed, true);
	OPENSSL_cleanse(seed, sizeof seed);
	free(cert);
	return r;
}

/* The certificates of --certs, checked; prints its own error. */
static int read_certs(const struct cli *c, const struct iso_group *grp,
		      struct iso_pedersen_certs **ret)
{
	char *text = NULL;
	size_t len = 0;
	struct iso_where w;
	enum iso_err err;
	if (!(c->given & OPT_CERTS)) {
		fprintf(stderr, "E: %s --certs\n", cli_tr(c, "option obligatoire manquante :", "missing required option:"));
		return CLI_USAGE;
	}
	iso_where_clear(&w);
	if ((err = cli_read(c->certs, &text, &len)) == ISO_OK)
		err = iso_pedersen_certs_read(grp, text, len, ret, &w);
	free(text);
	return err == ISO_OK ? CLI_OK : cli_error(c, c->certs, err, &w);
}

static int read_seed(const struct cli *c, char **ret, size_t *ret_len)
{
	enum iso_err err;
	if (!(c->given & OPT_KEY)) {
		fprintf(stderr, "E: %s --key\n", cli_tr(c, "option obligatoire manquante :", "missing required option:"));
		return CLI_USAGE;
	}
	if ((err = cli_read_line(c->key, ret, ret_len)) != ISO_OK)
		return cli_error(c, c->key, err, NULL);
	return CLI_OK;
}

static int read_input(const struct cli *c, const char *path, unsigned opt, char **ret,
		      size_t *ret_len)
{
	enum iso_err err;
	if (opt != 0 && !(c->given & opt)) {
		fprintf(stderr, "E: %s --polynomials\n", cli_tr(c, "option obligatoire manquante :", "missing required option:"));
		return CLI_USAGE;
	}
	if ((err = cli_read(path, ret, ret_len)) != ISO_OK)
		return cli_error(c, strcmp(path, "-") == 0 ? "stdin" : path, err, NULL);
	return CLI_OK;
}

static int step_with_certs(const struct cli *c, const struct iso_group *grp,
			   const struct iso_pedersen_certs *certs)
{
	char *seed = NULL, *in = NULL, *out = NULL, *in2 = NULL, **files = NULL;
	size_t slen = 0, ilen = 0, ilen2 = 0;
	struct iso_where w;
	enum iso_err err = ISO_OK;
	const char *what = NULL;
	int r = CLI_OK;
	iso_where_clear(&w);
	switch (c->step) {
	case 2:
		cli_info(c, "%s (%zu)", cli_tr(c, "les certificats sont valides", "certificates are valid"),
			 certs->n);
		return CLI_OK;
	case 3:
		if (!(c->given & OPT_THRESHOLD)) {
			fprintf(stderr, "E: %s --threshold\n", cli_tr(c, "option obligatoire manquante :", "missing required option:"));
			return CLI_USAGE;
		}
		if (c->threshold < 1 || (size_t)c->threshold > certs->n)
			return cli_error(c, "--threshold", ISO_E_THRESHOLD, NULL);
		if ((r = read_seed(c, &seed, &slen)) != CLI_OK)
			break;
		what = c->key;
		err = iso_pedersen_step3(grp, certs, seed, (int)c->threshold, &out);
		break;
	case 4:
		if ((r = read_input(c, c->polynomials, OPT_POLYNOMIALS, &in, &ilen)) != CLI_OK)
			break;
		what = c->polynomials;
		err = iso_pedersen_step4(grp, certs, in, ilen, &files, &w);
		break;
	case 5:
		if ((r = read_seed(c, &seed, &slen)) != CLI_OK ||
		    (r = read_input(c, "-", 0, &in, &ilen)) != CLI_OK)
			break;
		what = "vinput";
		err = iso_pedersen_step5(grp, certs, seed, in, ilen, &out, &w);
		break;
	case 6:
		if ((r = read_input(c, c->polynomials, OPT_POLYNOMIALS, &in, &ilen)) != CLI_OK ||
		    (r = read_input(c, "-", 0, &in2, &ilen2)) != CLI_OK)
			break;
		what = "voutputs";
		err = iso_pedersen_step6(grp, certs, in, ilen, in2, ilen2, &out, &files, &w);
		break;
	default:
		fprintf(stderr, "E: --step : %s\n", cli_tr(c, "étape entre 1 et 6", "step between 1 and 6"));
		return CLI_USAGE;
	}
	if (r == CLI_OK && err != ISO_OK)
		r = cli_error(c, what, err, &w);
	if (r == CLI_OK && files != NULL) {
		for (size_t j = 0; j < certs->n && r == CLI_OK; j++)
			r = write_file(c, certs->ids[j], c->step == 4 ? ".vinput" : ".dkey", files[j],
				       c->step == 6);
	}
	if (r == CLI_OK && out != NULL) {
		printf("%s\n", out);
		if (fflush(stdout) != 0)
			r = cli_error(c, "stdout", ISO_E_IO, NULL);
	}
	if (files != NULL)
		for (size_t j = 0; j < certs->n; j++)
			free_secret(files[j], files[j] != NULL ? strlen(files[j]) : 0);
	free(files);
	free_secret(seed, slen);
	free(in);
	free(in2);
	free(out);
	return r;
}

static int cmd_threshold(struct cli *c)
{
	const struct iso_group *grp = iso_group_by_name(c->group);
	struct iso_pedersen_certs *certs = NULL;
	int r;
	if (grp == NULL)
		return cli_error(c, c->group, ISO_E_UNKNOWN_GROUP, NULL);
	if (c->step == 1)
		return step1(c, grp);
	if (c->step < 2 || c->step > 6) {
		fprintf(stderr, "E: --step : %s\n", cli_tr(c, "étape entre 1 et 6", "step between 1 and 6"));
		return CLI_USAGE;
	}
	if ((r = read_certs(c, grp, &certs)) != CLI_OK)
		return r;
	r = step_with_certs(c, grp, certs);
	iso_pedersen_certs_free(certs);
	return r;
}

const struct cli_command cli_commands_ceremony[] = {
	{"setup", "generate-trustee-key-threshold", cmd_threshold,
	 OPT_DIR | OPT_GROUP | OPT_STEP | OPT_CERTS | OPT_KEY | OPT_THRESHOLD | OPT_POLYNOMIALS,
	 OPT_STEP,
	 "cérémonie des clés à seuil, étapes 1 à 6 (comme belenios-tool)",
	 "threshold key ceremony, steps 1 to 6 (as belenios-tool)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
