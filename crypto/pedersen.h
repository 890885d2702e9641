/* The Pedersen threshold key ceremony of Belenios 2.0 (setup
 * generate-trustee-key-threshold, steps 1 to 6) and the check of its result,
 * the threshold parameters stored in trustees.json.
 * n trustees, T of them needed to decrypt (T coefficients per polynomial).
 * Trustees are numbered 1..n by the line order of certs.jsons; every list
 * (polynomials, vinputs, voutputs) follows that order.
 * Every text produced is compact JSON without the trailing newline that
 * belenios-tool adds to its files. Secrets (seeds, polynomials, shares,
 * decryption keys) are wiped by this module; those it returns are the
 * caller's to wipe. We reduce our own shares mod q (as the spec says) and
 * accept unreduced ones from belenios-tool (which does not reduce them). */
#ifndef ISOLOIR_PEDERSEN_H
#define ISOLOIR_PEDERSEN_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stddef.h>

#include "error.h"
#include "group.h"
#include "pki.h"

/* The certificates of the n trustees, each checked. */
struct iso_pedersen_certs {
	size_t n;
	json_t *certs;       /* the array of certificates as read */
	BIGNUM **vk, **ek;   /* their keys */
	char (*ids)[65];     /* hex SHA-256 of each certificate message (file names) */
};

/* certs.jsons: one certificate per line (blank lines ignored). Each must be
 * well formed, its keys group elements and its signature valid; two trustees
 * may not share a key. where->trustee names a culprit. */
enum iso_err iso_pedersen_certs_read(const struct iso_group *grp, const char *text, size_t len,
				     struct iso_pedersen_certs **ret, struct iso_where *where);
void iso_pedersen_certs_free(struct iso_pedersen_certs *c);

/* Step 1 (trustee): a new seed (the .key file), the certificate and its id. */
enum iso_err iso_pedersen_step1(const struct iso_group *grp, char ret_seed[ISO_PKI_SEED_LEN + 1],
				char **ret_cert, char ret_id[65]);

/* Step 3 (trustee with seed): a random polynomial of threshold coefficients,
 * sent to itself, its shares sent to each trustee, its commitments signed:
 * {"polynomial":"…","secrets":["…",…],"coefexps":{signed_msg}}.
 * ISO_E_CERT_NOT_FOUND if the seed's keys are not among the certificates. */
enum iso_err iso_pedersen_step3(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *seed, int threshold, char **ret_polynomial);

/* Step 4 (administrator): from polynomials.jsons (one per line, certs
 * order), the n vinputs ((*ret)[j] for trustee j+1; free each and the array). */
enum iso_err iso_pedersen_step4(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *polynomials, size_t len, char ***ret_vinputs,
				struct iso_where *where);

/* Step 5 (trustee with seed): receive and check every share against the
 * senders' commitments; the voutput holds the decryption key (the sum of
 * the shares) sent to itself and its public key with a proof. */
enum iso_err iso_pedersen_step5(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *seed, const char *vinput, size_t len,
				char **ret_voutput, struct iso_where *where);

/* Step 6 (administrator): checks every voutput against the commitments;
 * threshold.json and, per trustee, its .dkey content ((*ret_dkeys)[j]). */
enum iso_err iso_pedersen_step6(const struct iso_group *grp, const struct iso_pedersen_certs *certs,
				const char *polynomials, size_t plen, const char *voutputs,
				size_t vlen, char **ret_threshold, char ***ret_dkeys,
				struct iso_where *where);

/* The trustee's decryption key (mod q) from its seed and .dkey content. */
enum iso_err iso_pedersen_decryption_key(const struct iso_group *grp, const char *seed,
					 const char *dkey, BIGNUM *ret_pdk);

/* Threshold parameters (a "Pedersen" item of trustees.json), checked. */
struct iso_threshold {
	int threshold; /* T */
	int n;
	BIGNUM **verification_keys; /* n keys g^pdk_j */
	BIGNUM ***coefexps;         /* coefexps[i][k], n × T */
};

/* Every certificate, every signed commitment list (signed by its trustee),
 * every verification key's proof and its value against the commitments,
 * T equal to the number of coefficients, group membership of every element.
 * where->trustee is the 1-based index inside the group. */
enum iso_err iso_threshold_check(const struct iso_group *grp, const json_t *params,
				 struct iso_threshold **ret, struct iso_where *where, BN_CTX *ctx);
void iso_threshold_free(struct iso_threshold *th);

#endif
