/* The technicians' access to the kiosks (issue 6, R-D11-INTERV: only named
 * staff intervene, and the bureau knows who may).
 *   operation technician-key --dir OP --technician HOLDER --out FILE
 *   operation maintenance-token --dir OP --key FILE --technician NAME
 *       [--kiosk A,B,…] --from RFC3339 --until RFC3339 --out FILE
 * The first makes the operation's technician key (techkey.h), once. The
 * second makes a technician's maintenance token (kiosk/maintenance.h):
 * the technician key unlocked by its passphrase, the technician's PIN
 * typed twice (6 to 12 digits: the token carries only its Argon2id
 * hash), the kiosks named or all of them, a window of at most 31 days.
 * Each token is journaled (its id, technician, kiosks and window), so the
 * minutes list who was allowed to intervene where and when (R-BUR-06). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsondoc.h"
#include "keyholder.h"
#include "maintenance.h"
#include "signature.h"
#include "techkey.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

static int cmd_technician_key(struct cli *c)
{
	return techkey_create(c, c->technician, c->out);
}

/* The operation's name, from OP/operation.json. */
static char *operation_name(const struct cli *c)
{
	char *path = cli_path(c, "operation.json"), *name = NULL, *text = NULL;
	size_t len = 0;
	json_t *o = NULL;
	enum iso_err err = path != NULL ? iso_file_read(path, 16u << 20, &text, &len) : ISO_E_NOMEM;
	const char *s;
	if (err == ISO_OK)
		err = iso_json_parse(text, len, &o);
	s = json_string_value(json_object_get(o, "operation"));
	if (err != ISO_OK || s == NULL)
		cli_error(c, "operation.json", err != ISO_OK ? err : ISO_E_SHAPE, NULL);
	else
		name = strdup(s);
	json_decref(o);
	free(text);
	free(path);
	return name;
}

/* --kiosk "a,b,c" cut in place: the names, or none for every kiosk. */
static int kiosk_names(const struct cli *c, char *list, const char **names, size_t max,
		       size_t *ret_n)
{
	size_t n = 0;
	for (char *save = NULL, *k = list != NULL ? strtok_r(list, ",", &save) : NULL; k != NULL;
	     k = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			fprintf(stderr, "E: --kiosk : %s %d\n", TR(c, "trop de postes, au plus", "too many kiosks, at most"),
				MAINT_KIOSKS_MAX);
			return CLI_REFUSED;
		}
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], k) == 0) {
				fprintf(stderr, "E: --kiosk : « %s » %s\n", k,
					TR(c, "est nommé deux fois", "is named twice"));
				return CLI_REFUSED;
			}
		names[n++] = k;
	}
	*ret_n = n;
	return CLI_OK;
}

static int cmd_maintenance_token(struct cli *c)
{
	static const char *names[MAINT_KIOSKS_MAX];
	char pin[MAINT_PIN_MAX + 64], who[400], *kiosks = c->kiosk != NULL ? strdup(c->kiosk) : NULL,
		*opname = NULL, *doc = NULL;
	size_t n = 0;
	EVP_PKEY *key = NULL;
	json_t *payload = NULL, *kl = NULL;
	enum iso_err err;
	int r;
	if (c->kiosk != NULL && kiosks == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	if ((r = kiosk_names(c, kiosks, names, MAINT_KIOSKS_MAX, &n)) != CLI_OK ||
	    (opname = operation_name(c)) == NULL) {
		r = CLI_REFUSED;
		goto done;
	}
	if ((r = techkey_unlock(c, c->key, &key)) != CLI_OK)
		goto done;
	snprintf(who, sizeof who, "%s (%s)", c->technician, TR(c, "technicien", "technician"));
	if ((err = keyholder_new_secret(c, who, true, pin, sizeof pin)) != ISO_OK) {
		r = cli_error(c, who, err, NULL);
		goto done;
	}
	err = maint_token_make(key, opname, c->technician, names, n, c->from, c->until, pin,
			       &MAINT_KDF_DEFAULT, &doc);
	OPENSSL_cleanse(pin, sizeof pin);
	if (err == ISO_E_INVALID_ARG) {
		fprintf(stderr, "E: %s\n",
			TR(c, "jeton refusé : un nom vide, une heure qui n’est pas en RFC 3339, "
			      "--until avant --from, ou plus de 31 jours de validité",
			   "token refused: an empty name, a time not in RFC 3339, --until before "
			   "--from, or more than 31 days of validity"));
		r = CLI_REFUSED;
		goto done;
	}
	if (err != ISO_OK || (err = signature_open(key, doc, strlen(doc), &payload)) != ISO_OK) {
		r = cli_error(c, "token", err, NULL);
		goto done;
	}
	{
		size_t len = strlen(doc);
		char *line = malloc(len + 2);
		if (line == NULL) {
			r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
			goto done;
		}
		memcpy(line, doc, len);
		line[len] = '\n';
		err = cli_write_new(c->out, line, len + 1, false);
		free(line);
	}
	if (err != ISO_OK) {
		r = cli_error(c, c->out, err, NULL);
		goto done;
	}
	kl = json_object_get(payload, "kiosks");
	r = cli_journal(c, "maintenance-token",
			json_pack("{s:s, s:s, s:O, s:s, s:s}", "id",
				  json_string_value(json_object_get(payload, "id")), "technician",
				  c->technician, "kiosks", kl, "not_before", c->from, "not_after",
				  c->until));
	if (r == CLI_OK)
		cli_info(c, TR(c, "jeton de maintenance %s pour %s : %s (à copier sous le nom %s sur sa clé USB)",
			       "maintenance token %s for %s: %s (copy it as %s onto their USB key)"),
			 json_string_value(json_object_get(payload, "id")), c->technician, c->out,
			 MAINT_TOKEN_NAME);
done:
	json_decref(payload);
	free(doc);
	free(opname);
	free(kiosks);
	EVP_PKEY_free(key);
	return r;
}

const struct cli_command cli_commands_maintenance[] = {
	{"operation", "technician-key", cmd_technician_key, OPT_DIR | OPT_TECHNICIAN | OPT_OUT,
	 OPT_TECHNICIAN | OPT_OUT,
	 "créer la clé de technicien de l’opération (une fois) : elle signe les jetons de "
	 "maintenance et les lots d’enrôlement des postes",
	 "make the operation's technician key (once): it signs the maintenance tokens and the "
	 "kiosks' enrolment bundles"},
	{"operation", "maintenance-token", cmd_maintenance_token,
	 OPT_DIR | OPT_KEY | OPT_TECHNICIAN | OPT_KIOSK | OPT_FROM | OPT_UNTIL | OPT_OUT,
	 OPT_KEY | OPT_TECHNICIAN | OPT_FROM | OPT_UNTIL | OPT_OUT,
	 "créer le jeton de maintenance d’un technicien nommé (postes, fenêtre de validité, code PIN)",
	 "make a named technician's maintenance token (kiosks, validity window, PIN)"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
