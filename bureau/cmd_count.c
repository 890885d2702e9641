/* "election tally": the whole count of a poll in one pass, as the bureau
 * runs it (R-TAL-01). The archive is verified once, every ballot (the
 * longest step, with its progress); then, without reading it again, the
 * encrypted tally, a partial decryption by each key holder given, each
 * checked against the holder's public key as any verifier would, their
 * combination and the result; the three kinds of events are appended
 * together (one fsync) and the result printed. belenios-tool's steps
 * (compute-encrypted-tally, decrypt, compute-result) each verify the
 * whole archive again: for a large poll, this is the difference between
 * one verification and five.
 * --trustee-keys FILE: one key holder a line,
 *   ID single PRIVKEY-FILE           (a Single trustee's .privkey)
 *   ID threshold KEY-FILE DKEY-FILE  (a Pedersen trustee's .key and .dkey)
 * at least as many as the trustees' threshold. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_verify.h"
#include "cli.h"
#include "decryption.h"
#include "electiondir.h"
#include "hash.h"
#include "jsondoc.h"
#include "pedersen.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define HOLDERS_MAX 64

/* The secret of one holder's line, checked against the trustees. */
static enum iso_err holder_secret(const struct cli *c, const struct iso_group *grp, char *line,
				  int *ret_id, BIGNUM *x)
{
	char *save = NULL, *id = strtok_r(line, " \t", &save), *kind = strtok_r(NULL, " \t", &save),
	     *a = strtok_r(NULL, " \t", &save), *b = strtok_r(NULL, " \t", &save), *end;
	char *s1 = NULL, *s2 = NULL;
	size_t l1 = 0, l2 = 0;
	long n;
	enum iso_err err;
	(void)c;
	if (id == NULL || kind == NULL || a == NULL)
		return ISO_E_INVALID_ARG;
	n = strtol(id, &end, 10);
	if (*end != '\0' || n < 1 || n > 1000)
		return ISO_E_INVALID_ARG;
	*ret_id = (int)n;
	if (strcmp(kind, "single") == 0 && b == NULL) {
		json_t *j = NULL;
		BIGNUM *k = NULL;
		if ((err = cli_read_line(a, &s1, &l1)) != ISO_OK)
			return err;
		if ((err = iso_json_parse(s1, l1, &j)) == ISO_OK && (err = iso_json_bn(j, &k)) == ISO_OK &&
		    BN_copy(x, k) == NULL)
			err = ISO_E_NOMEM;
		BN_clear_free(k);
		json_decref(j);
	} else if (strcmp(kind, "threshold") == 0 && b != NULL) {
		if ((err = cli_read_line(a, &s1, &l1)) == ISO_OK &&
		    (err = cli_read_line(b, &s2, &l2)) == ISO_OK)
			err = iso_pedersen_decryption_key(grp, s1, s2, x);
	} else {
		return ISO_E_INVALID_ARG;
	}
	if (s1 != NULL) {
		OPENSSL_cleanse(s1, l1);
		free(s1);
	}
	if (s2 != NULL) {
		OPENSSL_cleanse(s2, l2);
		free(s2);
	}
	return err;
}

/* the holder's secret is the one of the public key X (a Pedersen
 * decryption key may exceed q) */
static enum iso_err key_is(const struct iso_verified *v, const BIGNUM *x, const BIGNUM *X)
{
	BIGNUM *xq = BN_secure_new(), *gx = BN_new();
	BN_CTX *ctx = BN_CTX_secure_new();
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (xq != NULL && gx != NULL && ctx != NULL && BN_nnmod(xq, x, v->e->grp->q, ctx) &&
	    iso_group_gexp_ct(v->e->grp, gx, xq, ctx) == ISO_OK)
		err = BN_cmp(gx, X) == 0 ? ISO_OK : ISO_E_KEY_NOT_IN_TRUSTEES;
	BN_clear_free(xq);
	BN_free(gx);
	BN_CTX_free(ctx);
	return err;
}

int cli_count(const struct cli *c, const int *ids, BIGNUM *const *xs, size_t nx,
	      size_t *ret_ballots, char **ret_result)
{
	struct iso_verified *v = NULL;
	struct iso_where where;
	struct iso_result res = {0, NULL};
	struct iso_blob blobs[2 + 2 * HOLDERS_MAX + 1];
	struct iso_archive_event_in evs[2 + HOLDERS_MAX];
	char *tj = NULL, *sj = NULL, *result = NULL, *bel = NULL, hex[65];
	char *pd[HOLDERS_MAX] = {NULL}, *owned[HOLDERS_MAX] = {NULL};
	BIGNUM **factors = NULL;
	size_t nh = 0, nev = 0;
	enum iso_err err = ISO_E_NOMEM;
	int r;

	iso_where_clear(&where);
	if (nx > HOLDERS_MAX)
		return cli_error(c, NULL, ISO_E_TOO_LARGE, NULL);
	if ((r = cli_verify_dir(c, &v)) != CLI_OK)
		goto out;
	if (!v->ended) {
		r = cli_error(c, NULL, ISO_E_TALLY_BEFORE_END, NULL);
		goto out;
	}
	if (v->has_tally) {
		fprintf(stderr, "E: %s\n",
			TR(c, "ce scrutin est déjà dépouillé : son archive a son dépouillement chiffré",
			   "this poll is counted already: its archive has its encrypted tally"));
		r = CLI_REFUSED;
		goto out;
	}
	if (ret_ballots != NULL)
		*ret_ballots = v->nballots;
	cli_info(c, TR(c, "%zu bulletins vérifiés ; dépouillement chiffré", "%zu ballots verified; "
								   "encrypted tally"),
		 v->nballots);
	/* the encrypted tally, from the verified ballots */
	if ((err = iso_tally_to_json(v->tally, &tj)) != ISO_OK)
		goto fail;
	iso_sha256_hex(tj, strlen(tj), hex);
	if ((err = iso_tally_sized_json(v->tally, hex, &sj)) != ISO_OK)
		goto fail;
	blobs[0] = (struct iso_blob){tj, strlen(tj)};
	blobs[1] = (struct iso_blob){sj, strlen(sj)};
	evs[nev++] = (struct iso_archive_event_in){ISO_EV_ENCRYPTED_TALLY, &blobs[0], 2};
	v->has_tally = true;
	/* each key holder's partial decryption, checked as a verifier would */
	for (nh = 0; nh < nx; nh++) {
		const BIGNUM *X;
		struct iso_partial_decryption *parsed = NULL;
		int id = ids[nh];
		where.trustee = id;
		cli_info(c, TR(c, "déchiffrement partiel du détenteur %d", "partial decryption by holder %d"),
			 id);
		if ((err = iso_verified_pd_key(v, id, &X, &where)) != ISO_OK ||
		    (err = key_is(v, xs[nh], X)) != ISO_OK ||
		    (err = iso_partial_decryption_make(v->e, v->tally, xs[nh], &pd[nh])) != ISO_OK ||
		    (err = iso_partial_decryption_check(v->e, v->tally, X, pd[nh], strlen(pd[nh]),
							&parsed, &where)) != ISO_OK)
			goto fail;
		v->pds[id - 1] = parsed;
		iso_sha256_hex(pd[nh], strlen(pd[nh]), hex);
		if ((err = iso_owned_json(id, hex, &owned[nh])) != ISO_OK)
			goto fail;
		blobs[2 + 2 * nh] = (struct iso_blob){pd[nh], strlen(pd[nh])};
		blobs[3 + 2 * nh] = (struct iso_blob){owned[nh], strlen(owned[nh])};
		evs[nev++] = (struct iso_archive_event_in){ISO_EV_PARTIAL_DECRYPTION, &blobs[2 + 2 * nh], 2};
	}
	/* their combination: enough holders, else nothing is written */
	where.trustee = 0;
	if ((err = iso_decryption_combine(v->e, v->trustees, v->pds, &factors, &where)) != ISO_OK ||
	    (err = iso_result_compute(v->e, v->tally, factors, &res)) != ISO_OK ||
	    (err = iso_result_json(v->e, &res, &result)) != ISO_OK)
		goto fail;
	blobs[2 + 2 * nh] = (struct iso_blob){result, strlen(result)};
	evs[nev++] = (struct iso_archive_event_in){ISO_EV_RESULT, &blobs[2 + 2 * nh], 1};
	if ((err = election_dir_find_bel(c, &bel)) != ISO_OK || bel == NULL ||
	    (err = iso_archive_append_events(bel, evs, nev)) != ISO_OK) {
		err = err != ISO_OK ? err : ISO_E_IO;
		goto fail;
	}
	cli_info(c, TR(c, "dépouillement chiffré, %zu déchiffrements partiels et résultat ajoutés à %s",
		       "encrypted tally, %zu partial decryptions and result appended to %s"),
		 nh, bel);
	printf("%s\n", result);
	r = fflush(stdout) == 0 ? CLI_OK : cli_error(c, "stdout", ISO_E_IO, NULL);
	if (r == CLI_OK && ret_result != NULL) {
		*ret_result = result;
		result = NULL;
	}
	goto out;
fail:
	r = cli_error(c, TR(c, "dépouillement", "count"), err, &where);
out:
	for (size_t i = 0; i < nh + 1 && i < HOLDERS_MAX; i++) {
		free(pd[i]);
		free(owned[i]);
	}
	if (v != NULL)
		iso_factors_free(factors, v->tally->n);
	iso_result_clear(&res);
	iso_verified_free(v);
	free(tj);
	free(sj);
	free(result);
	free(bel);
	return r;
}

static int cmd_tally(struct cli *c)
{
	char *keys = NULL;
	size_t klen = 0, n = 0;
	int ids[HOLDERS_MAX];
	BIGNUM *xs[HOLDERS_MAX] = {NULL};
	struct election_dir d;
	struct iso_where where;
	enum iso_err err;
	int r;
	iso_where_clear(&where);
	memset(&d, 0, sizeof d);
	if ((err = cli_read(c->trustee_keys, &keys, &klen)) != ISO_OK)
		return cli_error(c, c->trustee_keys, err, NULL);
	/* the group, for the Pedersen keys: the election's */
	if ((r = election_dir_open(c, &d, false)) != CLI_OK)
		goto out;
	for (char *save = NULL, *line = strtok_r(keys, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[strspn(line, " \t\r")] == '\0')
			continue;
		line[strcspn(line, "\r")] = '\0';
		if (n == HOLDERS_MAX) {
			r = cli_error(c, c->trustee_keys, ISO_E_TOO_LARGE, NULL);
			goto out;
		}
		if ((xs[n] = BN_secure_new()) == NULL) {
			r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
			goto out;
		}
		BN_set_flags(xs[n], BN_FLG_CONSTTIME);
		err = holder_secret(c, d.e->grp, line, &ids[n], xs[n]);
		n++;
		if (err != ISO_OK) {
			where.trustee = ids[n - 1];
			r = cli_error(c, TR(c, "dépouillement", "count"), err, &where);
			goto out;
		}
	}
	election_dir_close(&d);
	r = cli_count(c, ids, xs, n, NULL, NULL);
out:
	election_dir_close(&d);
	for (size_t i = 0; i < n; i++)
		BN_clear_free(xs[i]);
	OPENSSL_cleanse(keys, klen);
	free(keys);
	return r;
}

const struct cli_command cli_commands_count[] = {
	{"election", "tally", cmd_tally, OPT_DIR | OPT_TRUSTEE_KEYS | OPT_QUIET | OPT_THREADS,
	 OPT_TRUSTEE_KEYS,
	 "le dépouillement complet en une passe : l’archive vérifiée une fois, puis dépouillement "
	 "chiffré, déchiffrements partiels des détenteurs de --trustee-keys et résultat, ajoutés "
	 "ensemble",
	 "the whole count in one pass: the archive verified once, then the encrypted tally, the "
	 "partial decryptions of the holders in --trustee-keys and the result, appended together"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
