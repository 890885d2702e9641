/* Voter-side commands: encrypt a ballot with a credential, verify a ballot
 * against the election (every check the urn makes). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballot.h"
#include "cli.h"
#include "electiondir.h"
#include "jsondoc.h"

static int cmd_encrypt(struct cli *c)
{
	struct election_dir d;
	struct iso_plaintext pt = {0, NULL};
	struct iso_where where;
	char *cred = NULL, *choices = NULL, *ballot = NULL;
	size_t cred_len = 0, choices_len = 0, blen = 0;
	enum iso_err err;
	int r = election_dir_open(c, &d, false);
	if (r != 0)
		return r;
	iso_where_clear(&where);
	if ((err = cli_read(c->privcred, &cred, &cred_len)) != ISO_OK) {
		r = cli_error(c, c->privcred, err, NULL);
		goto out;
	}
	if ((err = cli_read(c->ballot, &choices, &choices_len)) != ISO_OK ||
	    (err = iso_plaintext_parse(d.e, choices, choices_len, &pt, &where)) != ISO_OK) {
		r = cli_error(c, c->ballot, err, &where);
		goto out;
	}
	/* the credential file holds the credential, maybe followed by a newline */
	while (cred_len > 0 && (cred[cred_len - 1] == '\n' || cred[cred_len - 1] == '\r'))
		cred[--cred_len] = '\0';
	if ((err = iso_ballot_encrypt(d.e, cred, &pt, (int)c->threads, &ballot, &blen)) != ISO_OK) {
		r = cli_error(c, cli_tr(c, "chiffrement du bulletin", "ballot encryption"), err, NULL);
		goto out;
	}
	fwrite(ballot, 1, blen, stdout);
	fputc('\n', stdout);
	if (fflush(stdout) != 0)
		r = cli_error(c, "stdout", ISO_E_IO, NULL);
	else {
		char tracker[ISO_B64_HASH_LEN + 1];
		iso_ballot_tracker(ballot, blen, tracker);
		cli_info(c, "%s %s", cli_tr(c, "bulletin chiffré ; numéro de suivi :", "ballot encrypted; tracker:"), tracker);
	}
out:
	if (cred != NULL) {
		OPENSSL_cleanse(cred, cred_len);
		free(cred);
	}
	if (choices != NULL) {
		OPENSSL_cleanse(choices, choices_len);
		free(choices);
	}
	iso_plaintext_wipe(&pt);
	free(ballot);
	election_dir_close(&d);
	return r;
}

/* Is a ballot with this credential already in the archive? */
static enum iso_err credential_in_archive(const struct election_dir *d, const char *raw,
					  size_t len, bool *ret)
{
	json_t *b = NULL;
	const char *cred;
	enum iso_err err = iso_json_parse(raw, len, &b);
	*ret = false;
	if (err != ISO_OK)
		return err;
	cred = json_string_value(json_object_get(b, "credential"));
	for (size_t i = 1; cred != NULL && d->ar != NULL && i < iso_archive_nevents(d->ar); i++) {
		const struct iso_member *m;
		json_t *o = NULL;
		if (iso_archive_event(d->ar, i)->type != ISO_EV_BALLOT ||
		    (m = iso_archive_payload(d->ar, i)) == NULL)
			continue;
		if (iso_json_parse(m->body, m->len, &o) == ISO_OK) {
			const char *oc = json_string_value(json_object_get(o, "credential"));
			*ret = oc != NULL && strcmp(oc, cred) == 0;
		}
		json_decref(o);
		if (*ret)
			break;
	}
	json_decref(b);
	return ISO_OK;
}

static int cmd_verify(struct cli *c)
{
	struct election_dir d;
	struct iso_ballot_verifier *v = NULL;
	struct iso_ballot_facts facts;
	struct iso_where where;
	char *raw = NULL;
	size_t len = 0;
	enum iso_err err;
	bool used = false;
	int r = election_dir_open(c, &d, true);
	if (r != 0)
		return r;
	iso_where_clear(&where);
	if ((err = cli_read_line(c->ballot, &raw, &len)) != ISO_OK) {
		r = cli_error(c, c->ballot, err, NULL);
		goto out;
	}
	if ((err = iso_ballot_verifier_new(d.e, false, &v)) != ISO_OK ||
	    (err = iso_ballot_verify(v, d.creds, raw, len, &facts, &where)) != ISO_OK) {
		r = cli_error(c, cli_tr(c, "bulletin refusé", "ballot refused"), err, &where);
		goto out;
	}
	if ((err = credential_in_archive(&d, raw, len, &used)) != ISO_OK || used) {
		r = cli_error(c, cli_tr(c, "bulletin refusé", "ballot refused"),
			      err != ISO_OK ? err : ISO_E_CREDENTIAL_USED, &where);
		goto out;
	}
	printf("%s\n", facts.tracker);
	cli_info(c, "%s", cli_tr(c, "bulletin valide", "valid ballot"));
out:
	free(raw);
	iso_ballot_verifier_free(v);
	election_dir_close(&d);
	return r;
}

#define HELP_ENC_FR "chiffrer et signer un bulletin (sortie : le bulletin JSON)"
#define HELP_ENC_EN "encrypt and sign a ballot (output: the ballot JSON)"
#define HELP_VER_FR "vérifier un bulletin : code 0 s’il est valide, sinon la raison"
#define HELP_VER_EN "verify a ballot: exit 0 if valid, else the reason"

const struct cli_command cli_commands_ballot[] = {
	{"ballot", "encrypt", cmd_encrypt, OPT_DIR | OPT_PRIVCRED | OPT_BALLOT | OPT_THREADS,
	 OPT_PRIVCRED | OPT_BALLOT, HELP_ENC_FR, HELP_ENC_EN},
	{"ballot", "verify", cmd_verify, OPT_DIR | OPT_BALLOT | OPT_QUIET, OPT_BALLOT, HELP_VER_FR,
	 HELP_VER_EN},
	{"election", "generate-ballot", cmd_encrypt, OPT_DIR | OPT_PRIVCRED | OPT_BALLOT | OPT_THREADS,
	 OPT_PRIVCRED | OPT_BALLOT, HELP_ENC_FR " (nom de belenios-tool)",
	 HELP_ENC_EN " (belenios-tool's name)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
