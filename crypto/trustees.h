/* The trustees of an election (trustees.json): a list of "Single" keys (one
 * holder, one key with a proof of knowledge) and "Pedersen" groups (n holders,
 * any T of them decrypt). The election key is the product of every Single key
 * and every Pedersen group's constant commitments.
 * Trustees are numbered from 1 across the flattened list, in file order: a
 * Single counts one, a Pedersen group counts n. */
#ifndef ISOLOIR_TRUSTEES_H
#define ISOLOIR_TRUSTEES_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "group.h"

enum iso_trustee_kind { ISO_TRUSTEE_SINGLE, ISO_TRUSTEE_PEDERSEN };

struct iso_trustee_item {
	enum iso_trustee_kind kind;
	int threshold;  /* T for Pedersen, 1 for Single */
	size_t nkeys;   /* n for Pedersen, 1 for Single */
	BIGNUM **keys;  /* the Single key, or the n verification keys g^pdk_j */
	BIGNUM *y_part; /* contribution to the election key */
};

struct iso_trustees {
	const struct iso_group *grp;
	size_t nitems;
	struct iso_trustee_item *items;
	size_t ntrustees; /* flattened count */
};

/* Parse trustees.json and check everything in it: every proof of knowledge,
 * and for Pedersen groups every certificate, every signed commitment, every
 * verification key against the commitments, and group membership of every
 * element. where->trustee names the culprit. */
enum iso_err iso_trustees_parse(const struct iso_group *grp, const char *json, size_t len,
				struct iso_trustees **ret, struct iso_where *where);
void iso_trustees_free(struct iso_trustees *t);

/* y = product of every item's contribution. */
enum iso_err iso_trustees_public_key(const struct iso_trustees *t, BIGNUM *ret_y, BN_CTX *ctx);

/* Trustee id (1-based, flattened) -> item and 1-based index inside it. */
enum iso_err iso_trustees_locate(const struct iso_trustees *t, int id, size_t *ret_item,
				 int *ret_index);

/* ---- single trustee keys (setup generate-trustee-key) ---- */

/* {"pok":{"challenge","response"},"public_key":"X"} with the proof
 * c = H("pok|" group "|" dec(X) "|", [g^w]), r = w - x c. */
enum iso_err iso_trustee_public_key_make(const struct iso_group *grp, const BIGNUM *x,
					 char **ret, BN_CTX *ctx);
/* Parse and check a trustee_public_key object: X in the group, c and r in
 * [0, q), the proof. *ret_x is allocated. */
enum iso_err iso_trustee_public_key_check(const struct iso_group *grp, const json_t *pk,
					  BIGNUM **ret_x, BN_CTX *ctx);

/* A new Single key: *ret_pubkey is the public key JSON, *ret_privkey the
 * secret as a JSON string ("x"), *ret_id the first 8 hex digits of
 * SHA256(dec(X)) in capitals, as belenios-tool names its files. */
enum iso_err iso_trustee_key_generate(const struct iso_group *grp, char **ret_pubkey,
				      char **ret_privkey, char ret_id[9]);

/* trustees.json from public_keys.jsons (one Single key per line, may be
 * empty) and threshold.json (may be NULL), as belenios-tool's make-trustees:
 * Singles first, then the Pedersen group. Every input is checked. */
enum iso_err iso_trustees_make(const struct iso_group *grp, const char *public_keys, size_t pk_len,
			       const char *threshold, size_t th_len, char **ret,
			       struct iso_where *where);

#endif
