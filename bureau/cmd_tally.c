/* The count: encrypted tally, partial decryptions (Single and threshold
 * trustees), result. Each command verifies the whole archive first, as
 * belenios-tool does, and prints the data lines that "archive add-event"
 * appends. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decryption.h"
#include "hash.h"
#include "jsondoc.h"
#include "pedersen.h"
#include "tallyevents.h"

enum iso_err tally_event_check(const struct iso_verified *v, enum iso_event_type type,
			       const struct iso_blob *lines, size_t n, struct iso_where *where)
{
	enum iso_err err = ISO_OK;
	size_t last = iso_archive_nevents(v->ar) - 1;
	enum iso_event_type prev = iso_archive_event(v->ar, last)->type;
	switch (type) {
	case ISO_EV_END_BALLOTS:
		if (n != 0)
			return ISO_E_SHAPE;
		return prev == ISO_EV_BALLOT || prev == ISO_EV_SETUP ? ISO_OK : ISO_E_ARCHIVE_EVENT_ORDER;
	case ISO_EV_ENCRYPTED_TALLY: {
		struct iso_tally *t = NULL;
		struct iso_sized_tally sized;
		char hex[65];
		if (n != 2)
			return ISO_E_SHAPE;
		if (prev != ISO_EV_END_BALLOTS)
			return v->ended ? ISO_E_ARCHIVE_EVENT_ORDER : ISO_E_TALLY_BEFORE_END;
		if ((err = iso_tally_parse(v->e, lines[0].data, lines[0].len, &t)) != ISO_OK ||
		    (err = iso_tally_sized_parse(lines[1].data, lines[1].len, &sized)) != ISO_OK) {
			iso_tally_free(t);
			return err;
		}
		iso_sha256_hex(lines[0].data, lines[0].len, hex);
		if (!iso_verified_tally_matches(v, &sized, t) || strcmp(hex, sized.tally_hex) != 0)
			err = ISO_E_TALLY_MISMATCH;
		iso_tally_free(t);
		return err;
	}
	case ISO_EV_PARTIAL_DECRYPTION: {
		struct iso_partial_decryption *pd = NULL;
		const BIGNUM *key;
		char hex[65], ohex[65];
		int owner;
		if (n != 2)
			return ISO_E_SHAPE;
		if (!v->has_tally || v->has_result)
			return v->ended ? ISO_E_ARCHIVE_EVENT_ORDER : ISO_E_TALLY_BEFORE_END;
		if ((err = iso_owned_parse(lines[1].data, lines[1].len, &owner, ohex)) != ISO_OK)
			return err;
		iso_sha256_hex(lines[0].data, lines[0].len, hex);
		if (strcmp(hex, ohex) != 0)
			return ISO_E_ARCHIVE_MISSING_DATA;
		if ((err = iso_verified_pd_key(v, owner, &key, where)) != ISO_OK)
			return err;
		err = iso_partial_decryption_check(v->e, v->tally, key, lines[0].data,
						   lines[0].len, &pd, where);
		iso_partial_decryption_free(pd);
		return err;
	}
	case ISO_EV_RESULT: {
		struct iso_result r = {0, NULL};
		if (n != 1)
			return ISO_E_SHAPE;
		if (prev != ISO_EV_PARTIAL_DECRYPTION)
			return v->ended ? ISO_E_ARCHIVE_EVENT_ORDER : ISO_E_TALLY_BEFORE_END;
		err = iso_verified_result_check(v, lines[0].data, lines[0].len, &r, where);
		iso_result_clear(&r);
		return err;
	}
	default:
		return ISO_E_ARCHIVE_EVENT_ORDER;
	}
}

static int print_lines(const struct cli *c, const char *a, const char *b)
{
	printf("%s\n", a);
	if (b != NULL)
		printf("%s\n", b);
	return fflush(stdout) == 0 ? CLI_OK : cli_error(c, "stdout", ISO_E_IO, NULL);
}

static int cmd_encrypted_tally(struct cli *c)
{
	struct iso_verified *v = NULL;
	char *tj = NULL, *sj = NULL, hex[65];
	enum iso_err err;
	int r = cli_verify_dir(c, &v);
	if (r != CLI_OK)
		return r;
	if (!v->ended) {
		r = cli_error(c, NULL, ISO_E_TALLY_BEFORE_END, NULL);
		goto out;
	}
	if ((err = iso_tally_to_json(v->tally, &tj)) != ISO_OK) {
		r = cli_error(c, NULL, err, NULL);
		goto out;
	}
	iso_sha256_hex(tj, strlen(tj), hex);
	if ((err = iso_tally_sized_json(v->tally, hex, &sj)) != ISO_OK) {
		r = cli_error(c, NULL, err, NULL);
		goto out;
	}
	r = print_lines(c, tj, sj);
out:
	free(tj);
	free(sj);
	iso_verified_free(v);
	return r;
}

/* Partial decryption by trustee id with secret x, checked against the
 * trustees before it is printed. */
static int decrypt_with(struct cli *c, struct iso_verified *v, const BIGNUM *x,
			enum iso_trustee_kind kind)
{
	size_t item;
	int index;
	BIGNUM *X = BN_new(), *xq = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	char *pd = NULL, *owned = NULL, hex[65];
	struct iso_where where;
	enum iso_err err = ISO_E_NOMEM;
	int r;
	iso_where_clear(&where);
	where.trustee = (int)c->trustee_id;
	if (X == NULL || xq == NULL || ctx == NULL)
		goto fail;
	if (!v->has_tally) {
		err = ISO_E_NO_TALLY;
		goto fail;
	}
	if ((err = iso_trustees_locate(v->trustees, (int)c->trustee_id, &item, &index)) != ISO_OK)
		goto fail;
	err = ISO_E_CRYPTO_LIB;
	if (!BN_nnmod(xq, x, v->e->grp->q, ctx) || iso_group_gexp_ct(v->e->grp, X, xq, ctx) != ISO_OK)
		goto fail;
	if (v->trustees->items[item].kind != kind ||
	    BN_cmp(X, v->trustees->items[item].keys[index - 1]) != 0) {
		err = ISO_E_KEY_NOT_IN_TRUSTEES;
		goto fail;
	}
	if ((err = iso_partial_decryption_make(v->e, v->tally, x, &pd)) != ISO_OK)
		goto fail;
	iso_sha256_hex(pd, strlen(pd), hex);
	if ((err = iso_owned_json((int)c->trustee_id, hex, &owned)) != ISO_OK)
		goto fail;
	r = print_lines(c, pd, owned);
	goto out;
fail:
	r = cli_error(c, cli_tr(c, "déchiffrement partiel", "partial decryption"), err, &where);
out:
	BN_free(X);
	BN_clear_free(xq);
	BN_CTX_free(ctx);
	free(pd);
	free(owned);
	return r;
}

static int cmd_decrypt(struct cli *c)
{
	struct iso_verified *v = NULL;
	char *raw = NULL;
	size_t len = 0;
	json_t *j = NULL;
	BIGNUM *x = NULL;
	enum iso_err err;
	int r;
	if ((err = cli_read_line(c->privkey, &raw, &len)) != ISO_OK)
		return cli_error(c, c->privkey, err, NULL);
	err = iso_json_parse(raw, len, &j);
	if (err == ISO_OK)
		err = iso_json_bn(j, &x);
	OPENSSL_cleanse(raw, len);
	free(raw);
	json_decref(j); /* jansson does not wipe: the key string dies here */
	if (err != ISO_OK)
		return cli_error(c, c->privkey, err, NULL);
	BN_set_flags(x, BN_FLG_CONSTTIME);
	r = cli_verify_dir(c, &v);
	if (r == CLI_OK)
		r = decrypt_with(c, v, x, ISO_TRUSTEE_SINGLE);
	BN_clear_free(x);
	iso_verified_free(v);
	return r;
}

static int cmd_decrypt_threshold(struct cli *c)
{
	struct iso_verified *v = NULL;
	char *seed = NULL, *dkey = NULL;
	size_t slen = 0, dlen = 0;
	BIGNUM *pdk = BN_secure_new();
	enum iso_err err = ISO_E_NOMEM;
	int r = CLI_FAILED;
	if (pdk == NULL)
		return cli_error(c, NULL, err, NULL);
	if ((err = cli_read_line(c->key, &seed, &slen)) != ISO_OK) {
		r = cli_error(c, c->key, err, NULL);
		goto out;
	}
	if ((err = cli_read_line(c->decryption_key, &dkey, &dlen)) != ISO_OK) {
		r = cli_error(c, c->decryption_key, err, NULL);
		goto out;
	}
	r = cli_verify_dir(c, &v);
	if (r != CLI_OK)
		goto out;
	if ((err = iso_pedersen_decryption_key(v->e->grp, seed, dkey, pdk)) != ISO_OK) {
		r = cli_error(c, c->decryption_key, err, NULL);
		goto out;
	}
	r = decrypt_with(c, v, pdk, ISO_TRUSTEE_PEDERSEN);
out:
	if (seed != NULL) {
		OPENSSL_cleanse(seed, slen);
		free(seed);
	}
	free(dkey);
	BN_clear_free(pdk);
	iso_verified_free(v);
	return r;
}

static int cmd_result(struct cli *c)
{
	struct iso_verified *v = NULL;
	BIGNUM **factors = NULL;
	struct iso_result res = {0, NULL};
	struct iso_where where;
	char *out = NULL;
	enum iso_err err;
	int r = cli_verify_dir(c, &v);
	if (r != CLI_OK)
		return r;
	iso_where_clear(&where);
	if (!v->has_tally) {
		r = cli_error(c, NULL, ISO_E_NO_TALLY, NULL);
		goto out;
	}
	if ((err = iso_decryption_combine(v->e, v->trustees, v->pds, &factors, &where)) != ISO_OK ||
	    (err = iso_result_compute(v->e, v->tally, factors, &res)) != ISO_OK ||
	    (err = iso_result_json(v->e, &res, &out)) != ISO_OK) {
		r = cli_error(c, cli_tr(c, "résultat", "result"), err, &where);
		goto out;
	}
	r = print_lines(c, out, NULL);
out:
	free(out);
	iso_result_clear(&res);
	if (v != NULL)
		iso_factors_free(factors, v->tally->n);
	iso_verified_free(v);
	return r;
}

const struct cli_command cli_commands_tally[] = {
	{"election", "compute-encrypted-tally", cmd_encrypted_tally, OPT_DIR | OPT_QUIET | OPT_THREADS, 0,
	 "calculer le dépouillement chiffré (après EndBallots)",
	 "compute the encrypted tally (after EndBallots)"},
	{"election", "decrypt", cmd_decrypt, OPT_DIR | OPT_PRIVKEY | OPT_TRUSTEE_ID | OPT_QUIET | OPT_THREADS,
	 OPT_PRIVKEY | OPT_TRUSTEE_ID, "déchiffrement partiel par un détenteur de clé simple",
	 "partial decryption by a single-key trustee"},
	{"election", "decrypt-threshold", cmd_decrypt_threshold,
	 OPT_DIR | OPT_KEY | OPT_DECRYPTION_KEY | OPT_TRUSTEE_ID | OPT_QUIET | OPT_THREADS,
	 OPT_KEY | OPT_DECRYPTION_KEY | OPT_TRUSTEE_ID,
	 "déchiffrement partiel par un détenteur de fragment de clé (seuil)",
	 "partial decryption by a key-share (threshold) trustee"},
	{"election", "compute-result", cmd_result, OPT_DIR | OPT_QUIET | OPT_THREADS, 0,
	 "combiner les déchiffrements partiels et calculer le résultat",
	 "combine the partial decryptions and compute the result"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
