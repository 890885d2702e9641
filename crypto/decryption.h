/* Decrypting the encrypted tally: each trustee's partial decryption (the
 * factors alpha^x with a proof of correct decryption), their combination
 * (Single factors as they are, Pedersen groups by Lagrange interpolation over
 * the first T trustees of the group), and the result g^m = beta / F solved for
 * m by baby-step giant-step. Only sums are ever decrypted. */
#ifndef ISOLOIR_DECRYPTION_H
#define ISOLOIR_DECRYPTION_H

#include <openssl/bn.h>
#include <stddef.h>

#include "election.h"
#include "error.h"
#include "tally.h"
#include "trustees.h"

struct iso_partial_decryption {
	size_t n;         /* = tally's number of ciphertexts */
	BIGNUM **factors; /* alpha_i^x */
};
void iso_partial_decryption_free(struct iso_partial_decryption *pd);

/* The partial decryption of t with the trustee's secret x (a Single private
 * key or a Pedersen decryption key, which may exceed q). */
enum iso_err iso_partial_decryption_make(const struct iso_election *e, const struct iso_tally *t,
					 const BIGNUM *x, char **ret);

/* Parse and check a partial decryption against the trustee's public key X:
 * shape of the tally, every factor in the group, every challenge and
 * response in [0, q), every proof. */
enum iso_err iso_partial_decryption_check(const struct iso_election *e, const struct iso_tally *t,
					  const BIGNUM *X, const char *json, size_t len,
					  struct iso_partial_decryption **ret,
					  struct iso_where *where);

/* {"owner":id,"payload":"<hex>"} */
enum iso_err iso_owned_json(int owner, const char *hex, char **ret);
enum iso_err iso_owned_parse(const char *json, size_t len, int *ret_owner, char ret_hex[65]);

/* Combine checked partial decryptions, pds[id - 1] for trustee id (NULL if
 * that trustee has none), into one factor per ciphertext. */
enum iso_err iso_decryption_combine(const struct iso_election *e, const struct iso_trustees *tr,
				    struct iso_partial_decryption *const *pds,
				    BIGNUM ***ret_factors, struct iso_where *where);
void iso_factors_free(BIGNUM **factors, size_t n);

struct iso_result {
	size_t n;
	unsigned long long *counts; /* per ciphertext, blank first in a blank question */
};
void iso_result_clear(struct iso_result *r);

/* Solve beta / F = g^m for every ciphertext, m <= total weight. */
enum iso_err iso_result_compute(const struct iso_election *e, const struct iso_tally *t,
				BIGNUM *const *factors, struct iso_result *ret);
/* Check g^m == beta / F for every ciphertext. */
enum iso_err iso_result_check(const struct iso_election *e, const struct iso_tally *t,
			      BIGNUM *const *factors, const struct iso_result *r,
			      struct iso_where *where);
/* {"result":[[..],..]} */
enum iso_err iso_result_json(const struct iso_election *e, const struct iso_result *r, char **ret);
enum iso_err iso_result_parse(const struct iso_election *e, const char *json, size_t len,
			      struct iso_result *ret);

#endif
