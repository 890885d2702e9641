/* The operation's technician key (techkey.h). */
#include "techkey.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsondoc.h"
#include "keyholder.h"
#include "memberkey.h"
#include "signature.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

/* The operation's id from OP/operation.json's bytes. */
static int operation_id(const struct cli *c, char out[17])
{
	char *path = cli_path(c, "operation.json"), *text = NULL;
	size_t len = 0;
	enum iso_err err = path != NULL ? cli_read(path, &text, &len) : ISO_E_NOMEM;
	int r = CLI_OK;
	if (err != ISO_OK)
		r = err == ISO_E_IO ? (fprintf(stderr, "E: %s : %s\n", path,
					      TR(c, "pas d’opération ici (operation init la crée)",
						 "no operation here (operation init makes one)")),
				       CLI_REFUSED)
				    : cli_error(c, "operation.json", err, NULL);
	else
		memberkey_operation_id(text, len, out);
	free(text);
	free(path);
	return r;
}

int techkey_create(const struct cli *c, const char *holder, const char *out)
{
	struct memberkey_header h = {.member = 1};
	char pass[MEMBERKEY_PASSPHRASE_MAX + 1], who[400], *secret = NULL, *file = NULL,
		*pub = cli_path(c, TECHKEY_PUBLIC);
	size_t slen = 0, flen = 0;
	EVP_PKEY *key = NULL;
	enum iso_err err;
	int r;
	if (pub == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	if ((r = operation_id(c, h.operation)) != CLI_OK)
		goto done;
	r = CLI_REFUSED;
	if (holder[0] == '\0' || strlen(holder) >= sizeof h.name) {
		fprintf(stderr, "E: --technician : %s\n",
			TR(c, "le nom du détenteur est vide ou trop long",
			   "the holder's name is empty or too long"));
		goto done;
	}
	if (access(pub, F_OK) == 0 || access(out, F_OK) == 0) {
		fprintf(stderr, "E: %s : %s\n", access(pub, F_OK) == 0 ? pub : out,
			TR(c, "existe déjà : l’opération a sa clé de technicien, elle n’est jamais remplacée",
			   "exists already: the operation has its technician key, it is never replaced"));
		goto done;
	}
	snprintf(h.name, sizeof h.name, "%s", holder);
	snprintf(h.role, sizeof h.role, "%s", TECHKEY_ROLE);
	snprintf(who, sizeof who, "%s (%s)", holder,
		 TR(c, "clé de technicien", "technician key"));
	if ((err = signature_key_new(&key)) != ISO_OK ||
	    (err = holder_secret_text(key, 0, NULL, NULL, NULL, &secret, &slen)) != ISO_OK) {
		r = cli_error(c, "technician key", err, NULL);
		goto done;
	}
	if ((err = keyholder_new_secret(c, who, false, pass, sizeof pass)) != ISO_OK) {
		r = cli_error(c, who, err, NULL);
		goto done;
	}
	err = memberkey_seal(&h, &MEMBERKEY_KDF_DEFAULT, pass, secret, slen, &file, &flen);
	OPENSSL_cleanse(pass, sizeof pass);
	if (err != ISO_OK) {
		r = cli_error(c, out, err, NULL);
		goto done;
	}
	if ((err = cli_write_new(out, file, flen, true)) != ISO_OK) {
		r = cli_error(c, out, err, NULL);
		goto done;
	}
	if ((err = signature_key_write(key, pub, 0)) != ISO_OK) {
		unlink(out);
		r = cli_error(c, pub, err, NULL);
		goto done;
	}
	r = cli_journal(c, "technician-key", json_pack("{s:s}", "holder", holder));
	if (r == CLI_OK)
		cli_info(c, TR(c, "clé de technicien de l’opération : %s (privée, sous phrase secrète), %s (publique, à mettre dans l’image des postes)",
			       "the operation's technician key: %s (private, under a passphrase), %s (public, for the kiosks' image)"),
			 out, pub);
done:
	if (secret != NULL)
		OPENSSL_cleanse(secret, slen);
	free(secret);
	free(file);
	free(pub);
	EVP_PKEY_free(key);
	return r;
}

int techkey_unlock(const struct cli *c, const char *path, EVP_PKEY **ret)
{
	char opid[17], pass[MEMBERKEY_PASSPHRASE_MAX + 1], label[400], *text = NULL,
		*secret = NULL, *pub_path = cli_path(c, TECHKEY_PUBLIC);
	size_t len = 0, slen = 0;
	struct memberkey_header h;
	struct holder_secret hs = {0};
	EVP_PKEY *pub = NULL;
	enum iso_err err;
	int r;
	if (pub_path == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	if ((r = operation_id(c, opid)) != CLI_OK)
		goto done;
	r = CLI_REFUSED;
	if ((err = signature_key_read(pub_path, 0, &pub)) != ISO_OK) {
		fprintf(stderr, "E: %s : %s\n", pub_path,
			TR(c, "l’opération n’a pas de clé de technicien (operation technician-key la crée)",
			   "the operation has no technician key (operation technician-key makes it)"));
		goto done;
	}
	if ((err = cli_read(path, &text, &len)) != ISO_OK) {
		r = cli_error(c, path, err, NULL);
		goto done;
	}
	if (memberkey_header_read(text, len, &h) != ISO_OK || strcmp(h.role, TECHKEY_ROLE) != 0) {
		fprintf(stderr, "E: %s : %s\n", path,
			TR(c, "ce n’est pas une clé de technicien", "this is not a technician key"));
		goto done;
	}
	if (strcmp(h.operation, opid) != 0) {
		fprintf(stderr, "E: %s : %s\n", path,
			TR(c, "c’est la clé de technicien d’une autre opération",
			   "this is another operation's technician key"));
		goto done;
	}
	snprintf(label, sizeof label, "%s (%s)", h.name, TR(c, "clé de technicien", "technician key"));
	for (int tries = 0; tries < 3; tries++) {
		fprintf(stderr, "A: %s %s\n", TR(c, "phrase secrète de", "passphrase of"), label);
		fflush(stderr);
		if ((err = keyholder_read_secret(pass, sizeof pass)) != ISO_OK)
			break;
		err = memberkey_open(text, len, pass, &secret, &slen);
		OPENSSL_cleanse(pass, sizeof pass);
		if (err != ISO_E_PASSPHRASE)
			break;
		fprintf(stderr, "E: %s %s (%s %d %s 3)\n",
			TR(c, "phrase secrète erronée pour", "wrong passphrase for"), label,
			TR(c, "essai", "try"), tries + 1, TR(c, "sur", "of"));
	}
	if (err != ISO_OK) {
		r = cli_error(c, label, err, NULL);
		goto done;
	}
	if ((err = holder_secret_parse(secret, slen, &hs)) != ISO_OK || hs.sign == NULL) {
		r = cli_error(c, path, err != ISO_OK ? err : ISO_E_MEMBER_KEY, NULL);
		goto done;
	}
	if (EVP_PKEY_eq(hs.sign, pub) != 1) {
		fprintf(stderr, "E: %s : %s %s\n", path,
			TR(c, "cette clé ne correspond pas à", "this key does not match"), pub_path);
		goto done;
	}
	*ret = hs.sign;
	hs.sign = NULL;
	r = CLI_OK;
done:
	holder_secret_clear(&hs);
	if (secret != NULL)
		OPENSSL_cleanse(secret, slen);
	free(secret);
	free(text);
	free(pub_path);
	EVP_PKEY_free(pub);
	return r;
}
