/* The prime-order subgroups of Z_p^* that Belenios 2.0 uses, and fast
 * exponentiation in them.
 * Elements cross this API in normal form (0 < x < p); internally products are
 * computed in Montgomery form. Exponentiations whose exponent may be secret go
 * through the *_ct functions only: fixed-base tables are then read by a full
 * masked scan, never by a secret-dependent address. */
#ifndef ISOLOIR_GROUP_H
#define ISOLOIR_GROUP_H

#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct iso_fixbase;
struct iso_m52;

struct iso_group {
	const char *name; /* "BELENIOS-2048" or "RFC-3526-2048" */
	BIGNUM *p, *q, *g;
	BIGNUM *g_inv;     /* g^-1 mod p */
	BN_MONT_CTX *mont; /* Montgomery context of p */
	BIGNUM *mont_one;  /* 1 in Montgomery form (R mod p) */
	struct iso_m52 *m52; /* IFMA products (mont52.h), NULL where the processor lacks them */
	int qbits;         /* bit length of q */
	int pbytes;        /* byte length of p */
};

/* The group of that name, initialised once (thread-safe); NULL if unknown. */
const struct iso_group *iso_group_by_name(const char *name);

/* 1 if 0 < x < p and x^q = 1 (one exponentiation): the membership test
 * applied to every element read from outside. 0 if not. */
bool iso_group_is_member(const struct iso_group *grp, const BIGNUM *x, BN_CTX *ctx);

/* 1 if 0 <= x < q. */
bool iso_group_in_zq(const struct iso_group *grp, const BIGNUM *x);

/* r = base^e mod p, e public. */
enum iso_err iso_group_exp(const struct iso_group *grp, BIGNUM *r, const BIGNUM *base,
			   const BIGNUM *e, BN_CTX *ctx);

/* r = base^e mod p in time independent of e (e < 2^(8*pbytes)). */
enum iso_err iso_group_exp_ct(const struct iso_group *grp, BIGNUM *r, const BIGNUM *base,
			      const BIGNUM *e, BN_CTX *ctx);

/* r = g^e for public e, with the group's shared precomputed table. */
enum iso_err iso_group_gexp(const struct iso_group *grp, BIGNUM *r, const BIGNUM *e, BN_CTX *ctx);
/* r = g^e for secret e, constant-time table scan. */
enum iso_err iso_group_gexp_ct(const struct iso_group *grp, BIGNUM *r, const BIGNUM *e,
			       BN_CTX *ctx);

/* The group's shared table of g (built on first use); secret selects the
 * constant-time one. */
enum iso_err iso_group_gtable(const struct iso_group *grp, bool secret,
			      const struct iso_fixbase **ret);

/* r = a * b mod p, normal form. */
enum iso_err iso_group_mul(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, BN_CTX *ctx);
/* r = a^-1 mod p. */
enum iso_err iso_group_inv(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx);

/* Montgomery-form helpers (all arguments in Montgomery form). */
enum iso_err iso_mont_mul(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			  const BIGNUM *b, BN_CTX *ctx);
enum iso_err iso_mont_to(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx);
enum iso_err iso_mont_from(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx);

/* Fixed-base exponentiation with a precomputed table of base^(d * 2^(w*i)).
 * A public table (secret=false) holds a BIGNUM per entry and skips zero
 * digits; a secret table (secret=true) holds fixed-width limbs and reads every
 * entry of a window for each digit. Exponents must be < 2^(w*windows) where
 * windows covers qbits; reduce mod q first. */
#define ISO_FIXBASE_PUBLIC_WINDOW 8 /* 2^8 entries a window, 2 MiB for 256-bit q */
#define ISO_FIXBASE_SECRET_WINDOW 6 /* 2^6 entries a window: measured best (scan vs products) */
/* The constant-time window that makes building a table and then `uses`
 * exponentiations quickest (measured: bench/README.md). */
int iso_fixbase_secret_window_for(size_t uses);
enum iso_err iso_fixbase_new(const struct iso_group *grp, const BIGNUM *base, int window,
			     bool secret, struct iso_fixbase **ret, BN_CTX *ctx);
void iso_fixbase_free(struct iso_fixbase *fb);
/* r (Montgomery form) = base^e. */
enum iso_err iso_fixbase_exp_mont(const struct iso_fixbase *fb, BIGNUM *r_mont, const BIGNUM *e,
				  BN_CTX *ctx);
/* r (normal form) = base^e. */
enum iso_err iso_fixbase_exp(const struct iso_fixbase *fb, BIGNUM *r, const BIGNUM *e, BN_CTX *ctx);
size_t iso_fixbase_bytes(const struct iso_fixbase *fb);
/* The limbs of a secret table (count of them in *count), e.g. to write them
 * out at build time (gtables.h); NULL for a public table. */
const uint64_t *iso_fixbase_limbs(const struct iso_fixbase *fb, size_t *count);

/* Several public exponents of one variable base share one precomputation:
 * the rows x, x^(2^L), ..., x^(2^((R-1)L)) (R = ISO_COMB_ROWS, L = qbits/R
 * rounded up) and all 2^R - 1 products of rows (a comb). Each exponentiation
 * then costs L squarings and about L multiplications instead of R*L
 * squarings. With R = 6 the precomputation costs about one exponentiation
 * and each further exponent about 0.3 of one: worth it from two exponents
 * (a verifier raises each alpha and beta to three: two challenges and q). */
#define ISO_COMB_ROWS 6
struct iso_varbase {
	const struct iso_group *grp;
	int L;
	BIGNUM *t[1 << ISO_COMB_ROWS]; /* t[m] = product of the rows in mask m,
					  Montgomery form; t[0] unused */
	BIGNUM *x; /* the base, Montgomery form */
	uint64_t *t52; /* with the group's m52: the same table in m52 form, 40 limbs an entry */
};
enum iso_err iso_varbase_init(struct iso_varbase *vb, const struct iso_group *grp);
void iso_varbase_free(struct iso_varbase *vb);
/* Set the base (normal form) and precompute. */
enum iso_err iso_varbase_set(struct iso_varbase *vb, const BIGNUM *x, BN_CTX *ctx);
/* r (Montgomery form) = x^e for public 0 <= e < 2^(4L). */
enum iso_err iso_varbase_exp_mont(const struct iso_varbase *vb, BIGNUM *r_mont, const BIGNUM *e,
				  BN_CTX *ctx);
/* true if x^q = 1, using the comb (x must already satisfy 0 < x < p). */
bool iso_varbase_in_subgroup(const struct iso_varbase *vb, BIGNUM *tmp, BN_CTX *ctx);

/* Operation counts of the calling thread, for the benchmarks. */
struct iso_opcount {
	unsigned long plain_exp;   /* full variable-base exponentiations */
	unsigned long fixed_exp;   /* fixed-base table exponentiations */
	unsigned long comb_setup;  /* variable-base comb precomputations */
	unsigned long comb_exp;    /* exponentiations on a comb */
	unsigned long mont_mul;    /* Montgomery products and squarings */
};
void iso_opcount_get(struct iso_opcount *ret);
void iso_opcount_reset(void);

#endif
