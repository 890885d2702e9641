/* "operation keys": the threshold key ceremony of an operation, on the key
 * holders' USB keys (R-KEY-01…04, R-D11-KEYS, R-C19-SPLIT).
 *   operation keys --dir OP [--threshold T] [--wait SECONDS]
 * The holders are the président and the délégués de liste (keyholder.h):
 * at least three, two thirds of them délégués at least (R-D11-KEYS). T of
 * them are needed to count (default 3, the président and two délégués of
 * R-D11-TALLY; less is refused). For each poll, Belenios's Pedersen
 * ceremony is run in this process for the n holders (one per trustee),
 * which gives its trustees.json and election.json; each holder also gets a
 * P-256 key to sign the seals. Then, holder by holder, the tool asks for a
 * blank USB key and a passphrase typed twice, writes the holder's material
 * encrypted under it (memberkey.h), reads it back and decrypts it again.
 * Only when every key is written are the polls' files and OP/members.json
 * (the public side: threshold, holders, their signing keys, the serials of
 * their USB keys) written, and the ceremony journaled. The secrets never
 * touch the computer's disk: memory locked, no core dump, wiped. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "election.h"
#include "group.h"
#include "hash.h"
#include "jsondoc.h"
#include "keyholder.h"
#include "pedersen.h"
#include "signature.h"
#include "trustees.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

void cli_secure_process(const struct cli *c)
{
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		cli_info(c, TR(c, "mémoire non verrouillée (%s) : lancez l’outil en root",
			       "memory not locked (%s): run the tool as root"),
			 strerror(errno));
}

/* one poll's ceremony, all in memory */
struct poll_keys {
	const char *code, *uuid;
	char *election, *trustees;
	char (*seed)[ISO_PKI_SEED_LEN + 1]; /* per holder */
	char **dkey;                         /* per holder */
	char pk_sha256[65];
};

static void free_text(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static char *joined(char **lines, size_t n)
{
	size_t len = 1;
	char *s;
	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0, at = 0; i < n; i++) {
		size_t l = strlen(lines[i]);
		memcpy(s + at, lines[i], l);
		s[at + l] = '\n';
		at += l + 1;
		s[at] = '\0';
	}
	return s;
}

static enum iso_err poll_ceremony(const struct iso_group *grp, const char *opdir, size_t n,
				  int threshold, struct poll_keys *pk, struct iso_where *where)
{
	char **certs = calloc(n, sizeof *certs), **polys = calloc(n, sizeof *polys),
	     **vouts = calloc(n, sizeof *vouts), **vinputs = NULL, **dkeys = NULL;
	char *certs_text = NULL, *polys_text = NULL, *vouts_text = NULL, *threshold_json = NULL,
	     *tmpl = NULL, path[4096], id[65];
	size_t tlen = 0;
	struct iso_pedersen_certs *pc = NULL;
	struct iso_trustees *tr = NULL;
	BIGNUM *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	pk->seed = calloc(n, sizeof *pk->seed);
	pk->dkey = calloc(n, sizeof *pk->dkey);
	if (certs == NULL || polys == NULL || vouts == NULL || y == NULL || ctx == NULL ||
	    pk->seed == NULL || pk->dkey == NULL)
		goto out;
	for (size_t j = 0; j < n; j++)
		if ((err = iso_pedersen_step1(grp, pk->seed[j], &certs[j], id)) != ISO_OK)
			goto out;
	err = ISO_E_NOMEM;
	if ((certs_text = joined(certs, n)) == NULL)
		goto out;
	if ((err = iso_pedersen_certs_read(grp, certs_text, strlen(certs_text), &pc, where)) != ISO_OK)
		goto out;
	for (size_t j = 0; j < n; j++)
		if ((err = iso_pedersen_step3(grp, pc, pk->seed[j], threshold, &polys[j])) != ISO_OK)
			goto out;
	err = ISO_E_NOMEM;
	if ((polys_text = joined(polys, n)) == NULL)
		goto out;
	if ((err = iso_pedersen_step4(grp, pc, polys_text, strlen(polys_text), &vinputs, where)) !=
	    ISO_OK)
		goto out;
	for (size_t j = 0; j < n; j++)
		if ((err = iso_pedersen_step5(grp, pc, pk->seed[j], vinputs[j], strlen(vinputs[j]),
					      &vouts[j], where)) != ISO_OK)
			goto out;
	err = ISO_E_NOMEM;
	if ((vouts_text = joined(vouts, n)) == NULL)
		goto out;
	if ((err = iso_pedersen_step6(grp, pc, polys_text, strlen(polys_text), vouts_text,
				      strlen(vouts_text), &threshold_json, &dkeys, where)) != ISO_OK ||
	    (err = iso_trustees_make(grp, "", 0, threshold_json, strlen(threshold_json),
				     &pk->trustees, where)) != ISO_OK ||
	    (err = iso_trustees_parse(grp, pk->trustees, strlen(pk->trustees), &tr, where)) !=
		    ISO_OK ||
	    (err = iso_trustees_public_key(tr, y, ctx)) != ISO_OK)
		goto out;
	for (size_t j = 0; j < n; j++) {
		pk->dkey[j] = dkeys[j];
		dkeys[j] = NULL;
	}
	snprintf(path, sizeof path, "%s/%s/template.json", opdir, pk->uuid);
	if ((err = iso_file_read(path, 1u << 20, &tmpl, &tlen)) != ISO_OK ||
	    (err = iso_election_make(tmpl, tlen, pk->uuid, grp, y, &pk->election)) != ISO_OK)
		goto out;
	{
		char *dec = BN_bn2dec(y);
		if (dec == NULL) {
			err = ISO_E_NOMEM;
			goto out;
		}
		iso_sha256_hex(dec, strlen(dec), pk->pk_sha256);
		OPENSSL_free(dec);
	}
	err = ISO_OK;
out:
	for (size_t j = 0; j < n; j++) {
		if (certs != NULL)
			free(certs[j]);
		if (polys != NULL)
			free_text(polys[j]);
		if (vouts != NULL)
			free_text(vouts[j]);
		if (vinputs != NULL)
			free_text(vinputs[j]);
		if (dkeys != NULL)
			free_text(dkeys[j]);
	}
	free(certs);
	free(polys);
	free(vouts);
	free(vinputs);
	free(dkeys);
	free(certs_text);
	free_text(polys_text);
	free_text(vouts_text);
	free(threshold_json);
	free(tmpl);
	iso_pedersen_certs_free(pc);
	iso_trustees_free(tr);
	BN_free(y);
	BN_CTX_free(ctx);
	return err;
}

static void poll_keys_clear(struct poll_keys *pk, size_t n)
{
	if (pk->seed != NULL)
		OPENSSL_cleanse(pk->seed, n * sizeof *pk->seed);
	free(pk->seed);
	for (size_t j = 0; pk->dkey != NULL && j < n; j++)
		free_text(pk->dkey[j]);
	free(pk->dkey);
	free(pk->election);
	free(pk->trustees);
}

static char *public_pem(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL, *s = NULL;
	long n;
	if (b != NULL && PEM_write_bio_PUBKEY(b, k) == 1 && (n = BIO_get_mem_data(b, &data)) > 0 &&
	    (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, data, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(b);
	return s;
}

/* a rule of the texts broken: said with the figures */
#define refuse_rule(c, fr, en, n, ndel, t) \
	(fprintf(stderr, "E: "), fprintf(stderr, TR(c, fr, en), n, ndel, t), fputc('\n', stderr), \
	 CLI_REFUSED)

static int cmd_keys(struct cli *c)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	struct holders hs;
	struct poll_keys pk[HOLDER_POLLS_MAX];
	EVP_PKEY *sign[HOLDERS_MAX] = {NULL};
	char serial[HOLDERS_MAX][128], sha[HOLDERS_MAX][65], path[4096];
	const struct iso_group *grp = iso_group_by_name(c->group);
	const json_t *polls;
	struct keysession *ks = NULL;
	struct iso_where where;
	size_t npolls = 0, ndel = 0, written = 0;
	long t = (c->given & OPT_THRESHOLD) ? c->threshold : 3;
	enum iso_err err;
	int r = CLI_FAILED;
	json_t *members = NULL, *holders_j = NULL, *polls_j = NULL;

	memset(pk, 0, sizeof pk);
	iso_where_clear(&where);
	if (grp == NULL)
		return cli_error(c, c->group, ISO_E_UNKNOWN_GROUP, NULL);
	if ((err = holders_of_operation(dir, &hs)) != ISO_OK) {
		holders_clear(&hs);
		snprintf(path, sizeof path, "%s/operation.json", dir);
		return cli_error(c, path, err, NULL);
	}
	snprintf(path, sizeof path, "%s/members.json", dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "E: %s : %s\n", path,
			TR(c, "la cérémonie des clés a déjà eu lieu ; elle ne se refait pas",
			   "the key ceremony took place already; it is not done again"));
		holders_clear(&hs);
		return CLI_REFUSED;
	}
	for (size_t i = 0; i < hs.n; i++)
		ndel += !hs.h[i].president;
	/* R-D11-KEYS and R-D11-TALLY */
	if (hs.n < 3 || hs.n - ndel != 1) {
		r = refuse_rule(c,
				"%zu détenteurs de clé (dont %zu délégués) : il en faut au moins trois, dont "
				"le président (R-D11-KEYS) ; seuil %ld",
				"%zu key holders (%zu delegates): at least three are needed, the chair among "
				"them (R-D11-KEYS); threshold %ld",
				hs.n, ndel, t);
		goto out;
	}
	if (3 * ndel < 2 * hs.n) {
		r = refuse_rule(c,
				"%zu détenteurs de clé, dont %zu délégués de liste : les deux tiers au moins "
				"doivent être des délégués (R-D11-KEYS) ; seuil %ld",
				"%zu key holders, %zu of them list delegates: two thirds at least must be "
				"delegates (R-D11-KEYS); threshold %ld",
				hs.n, ndel, t);
		goto out;
	}
	if (t < 3 || (size_t)t > hs.n) {
		r = refuse_rule(c,
				"%zu détenteurs (%zu délégués), seuil %ld : le dépouillement demande le président "
				"et deux délégués au moins (R-D11-TALLY), donc un seuil de 3 au moins, et au plus "
				"le nombre de détenteurs",
				"%zu holders (%zu delegates), threshold %ld: the count needs the chair and two "
				"delegates at least (R-D11-TALLY), so a threshold of 3 at least, and at most "
				"the number of holders",
				hs.n, ndel, t);
		goto out;
	}
	polls = json_object_get(hs.operation, "polls");
	if (!json_is_array(polls) || json_array_size(polls) == 0 ||
	    json_array_size(polls) > HOLDER_POLLS_MAX) {
		r = cli_error(c, "operation.json", ISO_E_SHAPE, NULL);
		goto out;
	}
	cli_secure_process(c);
	cli_info(c, TR(c, "cérémonie des clés : %zu détenteurs, %ld nécessaires au dépouillement, %zu scrutins",
		       "key ceremony: %zu holders, %ld needed to count, %zu polls"),
		 hs.n, t, json_array_size(polls));
	for (npolls = 0; npolls < json_array_size(polls); npolls++) {
		const json_t *p = json_array_get(polls, npolls);
		pk[npolls].code = json_string_value(json_object_get(p, "code"));
		pk[npolls].uuid = json_string_value(json_object_get(p, "uuid"));
		if (pk[npolls].code == NULL || pk[npolls].uuid == NULL ||
		    !iso_uuid_check(pk[npolls].uuid)) {
			npolls++;
			r = cli_error(c, "operation.json", ISO_E_SHAPE, NULL);
			goto out;
		}
		if ((err = poll_ceremony(grp, dir, hs.n, (int)t, &pk[npolls], &where)) != ISO_OK) {
			npolls++;
			r = cli_error(c, pk[npolls - 1].code, err, &where);
			goto out;
		}
		cli_info(c, TR(c, "scrutin %s : clé publique de l’élection calculée",
			       "poll %s: the election's public key computed"),
			 pk[npolls].code);
	}
	for (size_t j = 0; j < hs.n; j++)
		if ((err = signature_key_new(&sign[j])) != ISO_OK) {
			r = cli_error(c, NULL, err, NULL);
			goto out;
		}
	/* each holder's USB key */
	if ((err = keysession_open(c, &hs, (int)c->wait, &ks)) != ISO_OK) {
		r = cli_error(c, "udev", err, NULL);
		goto out;
	}
	for (size_t j = 0; j < hs.n; j++) {
		const char *uuids[HOLDER_POLLS_MAX], *seeds[HOLDER_POLLS_MAX], *dk[HOLDER_POLLS_MAX];
		char *secret = NULL, label[400];
		size_t slen = 0;
		for (size_t p = 0; p < npolls; p++) {
			uuids[p] = pk[p].uuid;
			seeds[p] = pk[p].seed[j];
			dk[p] = pk[p].dkey[j];
		}
		if ((err = holder_secret_text(sign[j], npolls, uuids, seeds, dk, &secret, &slen)) ==
		    ISO_OK)
			err = keysession_write(ks, &hs.h[j], secret, slen, serial[j], sha[j]);
		if (secret != NULL) {
			OPENSSL_cleanse(secret, slen);
			free(secret);
		}
		if (err != ISO_OK) {
			holder_label(c, &hs.h[j], label, sizeof label);
			r = cli_error(c, label, err, NULL);
			if (written > 0)
				fprintf(stderr, "E: %s\n",
					TR(c, "cérémonie interrompue : rien n’est écrit dans l’opération ; les clés "
					      "déjà écrites ne servent à rien et se réutilisent après effacement",
					   "ceremony interrupted: nothing is written in the operation; the keys "
					   "written already are useless and can be reused once erased"));
			goto out;
		}
		written++;
	}
	/* every key written: the public side */
	err = ISO_E_NOMEM;
	holders_j = json_array();
	polls_j = json_array();
	for (size_t j = 0; holders_j != NULL && j < hs.n; j++) {
		char *pem = public_pem(sign[j]);
		json_t *h = json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s}", "member", hs.h[j].member,
				      "trustee", hs.h[j].trustee, "name", hs.h[j].name, "role",
				      hs.h[j].president ? "president" : "delegue", "signing_key",
				      pem != NULL ? pem : "", "usb_serial", serial[j], "key_sha256", sha[j]);
		if (h != NULL && hs.h[j].list != NULL)
			json_object_set_new(h, "list", json_string(hs.h[j].list));
		free(pem);
		if (h == NULL || pem == NULL) {
			json_decref(h);
			goto fail;
		}
		json_array_append_new(holders_j, h);
	}
	for (size_t p = 0; polls_j != NULL && p < npolls; p++) {
		char *files[2] = {pk[p].trustees, pk[p].election};
		const char *names[2] = {"trustees.json", "election.json"};
		for (int f = 0; f < 2; f++) {
			size_t l = strlen(files[f]);
			char *line = malloc(l + 1);
			if (line == NULL)
				goto fail;
			memcpy(line, files[f], l);
			line[l] = '\n';
			snprintf(path, sizeof path, "%s/%s/%s", dir, pk[p].uuid, names[f]);
			err = iso_file_write_atomic(path, line, l + 1, 0444);
			free(line);
			if (err != ISO_OK)
				goto fail;
		}
		json_array_append_new(polls_j, json_pack("{s:s, s:s, s:s}", "code", pk[p].code, "uuid",
							 pk[p].uuid, "public_key_sha256",
							 pk[p].pk_sha256));
	}
	err = ISO_E_NOMEM;
	members = json_pack("{s:s, s:I, s:O, s:O}", "operation", hs.opid, "threshold", (json_int_t)t,
			    "holders", holders_j, "polls", polls_j);
	if (members == NULL)
		goto fail;
	{
		size_t l = 0;
		char *nl = iso_json_dumps_line(members, JSON_INDENT(2) | JSON_PRESERVE_ORDER, &l);
		if (nl == NULL)
			goto fail;
		snprintf(path, sizeof path, "%s/members.json", dir);
		err = iso_file_write_atomic(path, nl, l, 0444);
		free(nl);
		if (err != ISO_OK)
			goto fail;
	}
	{
		json_t *who = json_array();
		for (size_t j = 0; who != NULL && j < hs.n; j++) {
			json_t *h = json_pack("{s:i, s:s, s:s, s:i}", "member", hs.h[j].member, "name",
					      hs.h[j].name, "role", hs.h[j].president ? "president" : "delegue",
					      "trustee", hs.h[j].trustee);
			if (h != NULL && hs.h[j].list != NULL)
				json_object_set_new(h, "list", json_string(hs.h[j].list));
			json_array_append_new(who, h);
		}
		if ((r = cli_journal(c, "keys-ceremony",
				     json_pack("{s:I, s:o, s:O}", "threshold", (json_int_t)t, "holders",
					       who, "polls", polls_j))) != CLI_OK)
			goto out;
	}
	cli_info(c, TR(c, "cérémonie terminée : %zu clés écrites ; election.json et trustees.json de chaque scrutin, members.json",
		       "ceremony done: %zu keys written; each poll's election.json and trustees.json, members.json"),
		 written);
	r = CLI_OK;
	goto out;
fail:
	r = cli_error(c, dir, err, NULL);
out:
	keysession_close(ks);
	for (size_t p = 0; p < npolls; p++)
		poll_keys_clear(&pk[p], hs.n);
	for (size_t j = 0; j < hs.n; j++)
		EVP_PKEY_free(sign[j]);
	json_decref(members);
	json_decref(holders_j);
	json_decref(polls_j);
	holders_clear(&hs);
	return r;
}

const struct cli_command cli_commands_keys[] = {
	{"operation", "keys", cmd_keys, OPT_DIR | OPT_THRESHOLD | OPT_WAIT | OPT_GROUP, 0,
	 "la cérémonie des clés : un seuil de détenteurs (président et délégués), chacun sa clé USB et "
	 "sa phrase secrète",
	 "the key ceremony: a threshold of holders (chair and delegates), each with a USB key and a "
	 "passphrase"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
