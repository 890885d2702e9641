/* Setting an election up, as belenios-tool's "setup" commands do and with the
 * same files: election uuid, credentials (credential authority), Single
 * trustee keys, trustees.json and election.json. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "credential.h"
#include "election.h"
#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "scalar.h"
#include "tally.h"
#include "trustees.h"

static const struct iso_group *cli_group(const struct cli *c)
{
	const struct iso_group *grp = iso_group_by_name(c->group);
	if (grp == NULL)
		cli_error(c, c->group, ISO_E_UNKNOWN_GROUP, NULL);
	return grp;
}

static int cmd_generate_token(struct cli *c)
{
	char uuid[15];
	enum iso_err err = iso_uuid_generate(uuid);
	if (err != ISO_OK)
		return cli_error(c, NULL, err, NULL);
	printf("%s\n", uuid);
	return CLI_OK;
}

/* Identities: generated ids of equal length (1..5, 100..199, ...) or the
 * lines of --file ("address[,login[,weight]]"). */
static char **identities(const struct cli *c, size_t *ret_n)
{
	char **ids = NULL;
	size_t n = 0;
	if (c->given & OPT_COUNT) {
		long first = 1;
		if (c->count < 1 || c->count > 10000000)
			return NULL;
		/* the first id such that first and first + n - 1 have the same length */
		for (;;) {
			char a[24], b[24];
			snprintf(a, sizeof a, "%ld", first);
			snprintf(b, sizeof b, "%ld", first + c->count - 1);
			if (strlen(a) == strlen(b))
				break;
			first *= 10;
		}
		ids = calloc((size_t)c->count, sizeof *ids);
		for (long i = 0; ids != NULL && i < c->count; i++) {
			char buf[24];
			snprintf(buf, sizeof buf, "%ld", first + i);
			if ((ids[n++] = strdup(buf)) == NULL)
				return NULL;
		}
	} else {
		char *text = NULL, *save = NULL, *line;
		size_t len;
		if (cli_read(c->file, &text, &len) != ISO_OK)
			return NULL;
		ids = calloc(len / 2 + 2, sizeof *ids);
		for (line = strtok_r(text, "\n", &save); ids != NULL && line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			if (line[0] != '\0' && (ids[n++] = strdup(line)) == NULL)
				ids = NULL;
		free(text);
	}
	*ret_n = n;
	return ids;
}

struct pubcred {
	BIGNUM *c;
	char *dec;
	char *id;     /* login */
	char *weight; /* NULL when implicit */
};

static int cmp_pubcred(const void *a, const void *b)
{
	return BN_cmp(((const struct pubcred *)a)->c, ((const struct pubcred *)b)->c);
}

static int cmd_generate_credentials(struct cli *c)
{
	const struct iso_group *grp = cli_group(c);
	size_t n = 0;
	char **ids = NULL, *priv = NULL, *pub = NULL, *fp = NULL;
	struct pubcred *pc = NULL;
	size_t plen = 0, pcap = 0;
	json_t *apub = json_array(), *afp = json_array();
	BN_CTX *ctx = BN_CTX_secure_new();
	enum iso_err err = ISO_E_NOMEM;
	bool weighted = false;
	char stamp[32], *ppath = NULL, *upath = NULL, fingerprint[ISO_B64_HASH_LEN + 1];
	int r = CLI_FAILED;

	if (grp == NULL)
		return CLI_REFUSED;
	if (!iso_uuid_check(c->uuid))
		return cli_error(c, "--uuid", ISO_E_UUID, NULL);
	if (!!(c->given & OPT_COUNT) == !!(c->given & OPT_FILE)) {
		fprintf(stderr, "E: %s\n", cli_tr(c, "donner --count ou --file (pas les deux)",
						   "give --count or --file (not both)"));
		return CLI_USAGE;
	}
	ids = identities(c, &n);
	if (ids == NULL || n == 0) {
		r = cli_error(c, cli_tr(c, "identités", "identities"), ISO_E_INVALID_ARG, NULL);
		goto out;
	}
	pc = calloc(n, sizeof *pc);
	if (pc == NULL || apub == NULL || afp == NULL || ctx == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		char cred[ISO_CREDENTIAL_LEN + 1], *f1 = strchr(ids[i], ','), *f2 = NULL;
		char line[512];
		size_t ll;
		pc[i].c = BN_new();
		if (pc[i].c == NULL)
			goto fail;
		if ((err = iso_credential_generate(cred)) != ISO_OK ||
		    (err = iso_credential_derive(grp, c->uuid, cred, NULL, pc[i].c, ctx)) != ISO_OK)
			goto fail;
		/* T.privcreds: "<identity> <credential>" per line */
		ll = (size_t)snprintf(line, sizeof line, "%s %s\n", ids[i], cred);
		OPENSSL_cleanse(cred, sizeof cred);
		if (ll >= sizeof line) {
			err = ISO_E_TOO_LARGE;
			goto fail;
		}
		if (plen + ll + 1 > pcap) {
			char *np;
			pcap = (plen + ll + 1) * 2;
			np = OPENSSL_secure_malloc(pcap);
			if (np == NULL)
				goto fail;
			if (priv != NULL) {
				memcpy(np, priv, plen);
				OPENSSL_secure_clear_free(priv, plen);
			}
			priv = np;
		}
		memcpy(priv + plen, line, ll);
		plen += ll;
		OPENSSL_cleanse(line, sizeof line);
		/* login and weight of "address[,login[,weight]]" */
		if (f1 != NULL) {
			*f1++ = '\0';
			f2 = strchr(f1, ',');
			if (f2 != NULL)
				*f2++ = '\0';
		}
		pc[i].id = strdup(f1 != NULL && *f1 != '\0' ? f1 : ids[i]);
		pc[i].dec = iso_bn_to_dec(pc[i].c);
		if (pc[i].id == NULL || pc[i].dec == NULL)
			goto fail;
		if (f2 != NULL) {
			unsigned long long w = 0;
			json_t *wj = json_string(f2);
			err = wj == NULL ? ISO_E_NOMEM : iso_weight_of_json(wj, &w);
			json_decref(wj);
			if (err != ISO_OK)
				goto fail;
			pc[i].weight = strdup(f2);
			weighted = true;
		}
	}
	/* public credentials sorted by numeric value, as belenios-tool does */
	qsort(pc, n, sizeof *pc, cmp_pubcred);
	for (size_t i = 0; i < n; i++) {
		size_t sz = strlen(pc[i].dec) + strlen(pc[i].id) + 40;
		char *s = malloc(sz), *f = malloc(sz);
		if (s == NULL || f == NULL) {
			free(s);
			free(f);
			goto fail;
		}
		snprintf(s, sz, "%s,%s,%s", pc[i].dec, weighted && pc[i].weight ? pc[i].weight : (weighted ? "1" : ""), pc[i].id);
		snprintf(f, sz, "%s%s%s", pc[i].dec, weighted ? "," : "", weighted ? (pc[i].weight ? pc[i].weight : "1") : "");
		if (json_array_append_new(apub, json_string(s)) != 0 ||
		    json_array_append_new(afp, json_string(f)) != 0) {
			free(s);
			free(f);
			goto fail;
		}
		free(s);
		free(f);
	}
	if ((err = iso_json_dump(apub, &pub, NULL)) != ISO_OK ||
	    (err = iso_json_dump(afp, &fp, NULL)) != ISO_OK)
		goto fail;
	iso_sha256_b64(fp, strlen(fp), fingerprint);
	snprintf(stamp, sizeof stamp, "%lld.privcreds", (long long)time(NULL));
	ppath = cli_path(c, stamp);
	snprintf(stamp, sizeof stamp, "%lld.pubcreds", (long long)time(NULL));
	upath = cli_path(c, stamp);
	if (ppath == NULL || upath == NULL)
		goto fail;
	if ((err = cli_write_new(ppath, priv, plen, true)) != ISO_OK) {
		r = cli_error(c, ppath, err, NULL);
		goto out;
	}
	printf("%zu %s %s\n", n, cli_tr(c, "justificatifs privés avec identités enregistrés dans", "private credentials with ids saved to"), ppath);
	if ((err = cli_write_new(upath, pub, strlen(pub), false)) != ISO_OK) {
		r = cli_error(c, upath, err, NULL);
		goto out;
	}
	printf("%zu %s %s\n", n, cli_tr(c, "justificatifs publics enregistrés dans", "public credentials saved to"), upath);
	printf("%s %s\n", cli_tr(c, "L’empreinte des justificatifs publics est", "The fingerprint of public credentials is"), fingerprint);
	r = CLI_OK;
	goto out;
fail:
	r = cli_error(c, cli_tr(c, "génération des justificatifs", "credential generation"), err, NULL);
out:
	for (size_t i = 0; ids != NULL && i < n; i++)
		free(ids[i]);
	free(ids);
	for (size_t i = 0; pc != NULL && i < n; i++) {
		BN_free(pc[i].c);
		free(pc[i].dec);
		free(pc[i].id);
		free(pc[i].weight);
	}
	free(pc);
	if (priv != NULL)
		OPENSSL_secure_clear_free(priv, pcap);
	free(pub);
	free(fp);
	free(ppath);
	free(upath);
	json_decref(apub);
	json_decref(afp);
	BN_CTX_free(ctx);
	return r;
}

static int cmd_generate_trustee_key(struct cli *c)
{
	const struct iso_group *grp = cli_group(c);
	char *pub = NULL, *priv = NULL, id[9], name[32], *pp = NULL, *sp = NULL;
	enum iso_err err;
	int r = CLI_FAILED;
	if (grp == NULL)
		return CLI_REFUSED;
	if ((err = iso_trustee_key_generate(grp, &pub, &priv, id)) != ISO_OK)
		return cli_error(c, NULL, err, NULL);
	printf("I: %s %s %s\n", cli_tr(c, "la paire de clés", "keypair"), id, cli_tr(c, "a été générée", "has been generated"));
	snprintf(name, sizeof name, "%s.pubkey", id);
	pp = cli_path(c, name);
	snprintf(name, sizeof name, "%s.privkey", id);
	sp = cli_path(c, name);
	if (pp == NULL || sp == NULL)
		goto out;
	/* one line each, as belenios-tool writes them */
	if ((err = cli_write_line(pp, pub, false)) != ISO_OK) {
		r = cli_error(c, pp, err, NULL);
		goto out;
	}
	printf("I: %s %s\n", cli_tr(c, "clé publique enregistrée dans", "public key saved to"), pp);
	if ((err = cli_write_line(sp, priv, true)) != ISO_OK) {
		r = cli_error(c, sp, err, NULL);
		goto out;
	}
	printf("I: %s %s\n", cli_tr(c, "clé privée enregistrée dans", "private key saved to"), sp);
	r = CLI_OK;
out:
	free(pub);
	iso_secret_str_free(priv);
	free(pp);
	free(sp);
	return r;
}

static int cmd_make_trustees(struct cli *c)
{
	char *pk = NULL, *th = NULL, *out = NULL, *pkp = cli_path(c, "public_keys.jsons"),
	     *thp = cli_path(c, "threshold.json"), *outp = cli_path(c, "trustees.json");
	size_t pkl = 0, thl = 0;
	const struct iso_group *grp = NULL;
	struct iso_where where;
	enum iso_err err;
	int r = CLI_FAILED;
	iso_where_clear(&where);
	if (pkp == NULL || thp == NULL || outp == NULL)
		goto out;
	/* either file may be absent, not both */
	if (cli_read(pkp, &pk, &pkl) != ISO_OK)
		pk = NULL;
	if (cli_read_line(thp, &th, &thl) != ISO_OK)
		th = NULL;
	if (pk == NULL && th == NULL) {
		r = cli_error(c, "public_keys.jsons, threshold.json", ISO_E_IO, NULL);
		goto out;
	}
	/* the group is in no input: take the one whose keys check */
	grp = iso_group_by_name(c->group);
	if (grp == NULL) {
		r = cli_error(c, c->group, ISO_E_UNKNOWN_GROUP, NULL);
		goto out;
	}
	if ((err = iso_trustees_make(grp, pk, pkl, th, thl, &out, &where)) != ISO_OK) {
		r = cli_error(c, "trustees.json", err, &where);
		goto out;
	}
	{
		size_t n = strlen(out);
		char *line = realloc(out, n + 2);
		if (line == NULL)
			goto out;
		out = line;
		out[n] = '\n';
		out[n + 1] = '\0';
		if ((err = iso_file_write_atomic(outp, out, n + 1, 0644)) != ISO_OK) {
			r = cli_error(c, outp, err, NULL);
			goto out;
		}
	}
	r = CLI_OK;
out:
	free(pk);
	free(th);
	free(out);
	free(pkp);
	free(thp);
	free(outp);
	return r;
}

static int cmd_make_election(struct cli *c)
{
	const struct iso_group *grp = cli_group(c);
	char *tp = cli_path(c, "trustees.json"), *ep = cli_path(c, "election.json");
	char *traw = NULL, *tmpl = NULL, *out = NULL;
	size_t tlen = 0, tmpl_len = 0;
	struct iso_trustees *tr = NULL;
	struct iso_where where;
	BIGNUM *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err;
	int r = CLI_FAILED;
	iso_where_clear(&where);
	if (grp == NULL) {
		r = CLI_REFUSED;
		goto out;
	}
	if (tp == NULL || ep == NULL || y == NULL || ctx == NULL)
		goto out;
	if ((err = cli_read_line(tp, &traw, &tlen)) != ISO_OK ||
	    (err = iso_trustees_parse(grp, traw, tlen, &tr, &where)) != ISO_OK) {
		r = cli_error(c, tp, err, &where);
		goto out;
	}
	if ((err = iso_trustees_public_key(tr, y, ctx)) != ISO_OK)
		goto out;
	if ((err = cli_read(c->template_path, &tmpl, &tmpl_len)) != ISO_OK ||
	    (err = iso_election_make(tmpl, tmpl_len, c->uuid, grp, y, &out)) != ISO_OK) {
		r = cli_error(c, c->template_path, err, NULL);
		goto out;
	}
	{
		size_t n = strlen(out);
		char *line = realloc(out, n + 2);
		if (line == NULL)
			goto out;
		out = line;
		out[n] = '\n';
		if ((err = iso_file_write_atomic(ep, out, n + 1, 0644)) != ISO_OK) {
			r = cli_error(c, ep, err, NULL);
			goto out;
		}
	}
	r = CLI_OK;
out:
	iso_trustees_free(tr);
	free(tp);
	free(ep);
	free(traw);
	free(tmpl);
	free(out);
	BN_free(y);
	BN_CTX_free(ctx);
	return r;
}

const struct cli_command cli_commands_setup[] = {
	{"setup", "generate-token", cmd_generate_token, 0, 0,
	 "tirer un identifiant d’élection (uuid)", "draw an election identifier (uuid)"},
	{"setup", "generate-credentials", cmd_generate_credentials,
	 OPT_DIR | OPT_UUID | OPT_GROUP | OPT_COUNT | OPT_FILE, OPT_UUID,
	 "autorité des justificatifs : générer les justificatifs (T.privcreds, T.pubcreds)",
	 "credential authority: generate credentials (T.privcreds, T.pubcreds)"},
	{"setup", "generate-trustee-key", cmd_generate_trustee_key, OPT_DIR | OPT_GROUP, 0,
	 "générer une clé de détenteur simple (ID.pubkey, ID.privkey)",
	 "generate a single trustee key (ID.pubkey, ID.privkey)"},
	{"setup", "make-trustees", cmd_make_trustees, OPT_DIR | OPT_GROUP, 0,
	 "assembler trustees.json (public_keys.jsons, threshold.json)",
	 "assemble trustees.json (public_keys.jsons, threshold.json)"},
	{"setup", "make-election", cmd_make_election, OPT_DIR | OPT_UUID | OPT_GROUP | OPT_TEMPLATE,
	 OPT_UUID | OPT_TEMPLATE, "créer election.json (modèle + clé des détenteurs)",
	 "make election.json (template + trustees' key)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
