/* The homomorphic encrypted tally: per question and choice, the product of
 * every tallied ballot's ciphertext raised to its weight. Only this product
 * is ever decrypted, never a ballot. */
#ifndef ISOLOIR_TALLY_H
#define ISOLOIR_TALLY_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "election.h"
#include "error.h"

struct iso_tally {
	const struct iso_election *e;
	size_t n;              /* e->nchoices_total */
	BIGNUM **alpha, **beta; /* normal form */
	unsigned long num_tallied;
	unsigned long long total_weight;
};

/* The empty tally (every ciphertext (1, 1)). */
enum iso_err iso_tally_new(const struct iso_election *e, struct iso_tally **ret);
void iso_tally_free(struct iso_tally *t);

/* t = t * (alpha, beta)^weight for one ballot's ciphertexts (normal form). */
enum iso_err iso_tally_add(struct iso_tally *t, BIGNUM *const *alpha, BIGNUM *const *beta,
			   unsigned long long weight, BN_CTX *ctx);

/* [[{"alpha":..,"beta":..},..],..] compact */
enum iso_err iso_tally_to_json(const struct iso_tally *t, char **ret);
/* Parse an encrypted tally of e's shape; every element must be in the group. */
enum iso_err iso_tally_parse(const struct iso_election *e, const char *json, size_t len,
			     struct iso_tally **ret);
bool iso_tally_equal(const struct iso_tally *a, const struct iso_tally *b);

/* {"num_tallied":N,"total_weight":W,"encrypted_tally":"<hex>"} */
enum iso_err iso_tally_sized_json(const struct iso_tally *t, const char *tally_hex, char **ret);
struct iso_sized_tally {
	unsigned long num_tallied;
	unsigned long long total_weight;
	char tally_hex[65];
};
enum iso_err iso_tally_sized_parse(const char *json, size_t len, struct iso_sized_tally *ret);

/* JSON of a weight as Belenios writes it: a number up to 2^30-1, else a
 * decimal string. */
json_t *iso_json_of_weight(unsigned long long w);
enum iso_err iso_weight_of_json(const json_t *v, unsigned long long *ret);

#endif
