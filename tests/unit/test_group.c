/* Group arithmetic: both groups' parameters, membership (including elements
 * with a component of order 2 or 3, which (p-1)/q allows), and every fast
 * exponentiation path against OpenSSL's plain one; the table of g built with
 * the library against one built here; the IFMA products (mont52.h) against
 * OpenSSL's, and the combs on them against the combs without them. */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "group.h"
#include "mont52.h"

/* The IFMA products, where this processor has them: products of numbers
 * below 2p (what chained products carry) against OpenSSL's, the edges (0,
 * 1, p - 1), a chain of 3 000 squarings, and both ways in and out. */
static void check_m52(const struct iso_group *grp, BN_CTX *ctx)
{
	const struct iso_m52 *c = grp->m52;
	BIGNUM *a = BN_new(), *b = BN_new(), *ar = BN_new(), *br = BN_new(), *want = BN_new(),
	       *got = BN_new(), *e = BN_new();
	uint64_t x[ISO_M52_LIMBS], y[ISO_M52_LIMBS], z[ISO_M52_LIMBS];

	if (c == NULL) {
		fprintf(stderr, "%s: no IFMA products on this processor: OpenSSL's only\n",
			grp->name);
		goto out;
	}
	for (int i = 0; i < 3000; i++) {
		BN_rand_range(a, grp->p);
		BN_rand_range(b, grp->p);
		if (i == 0)
			BN_zero(a);
		if (i == 1)
			BN_one(a);
		if (i == 2 || i == 3) {
			BN_sub(a, grp->p, BN_value_one());
			BN_copy(b, a);
		}
		BN_to_montgomery(ar, a, grp->mont, ctx);
		BN_to_montgomery(br, b, grp->mont, ctx);
		BN_mod_mul_montgomery(want, ar, br, grp->mont, ctx);
		CHECK_ERR(iso_m52_from_bn(c, x, a), ISO_OK);
		CHECK_ERR(i % 2 ? iso_m52_from_mont(c, y, br) : iso_m52_from_bn(c, y, b), ISO_OK);
		iso_m52_mul(c, z, x, y);
		CHECK_ERR(iso_m52_to_mont(c, got, z), ISO_OK);
		CHECK(BN_cmp(got, want) == 0);
		/* a square and a product of results not reduced below p */
		iso_m52_mul(c, x, z, z);
		iso_m52_mul(c, x, x, z);
		BN_mod_mul_montgomery(ar, want, want, grp->mont, ctx);
		BN_mod_mul_montgomery(want, ar, want, grp->mont, ctx);
		CHECK_ERR(iso_m52_to_mont(c, got, x), ISO_OK);
		CHECK(BN_cmp(got, want) == 0);
	}
	/* x^(2^3000) by 3 000 squarings */
	BN_rand_range(a, grp->p);
	CHECK_ERR(iso_m52_from_bn(c, x, a), ISO_OK);
	for (int i = 0; i < 3000; i++)
		iso_m52_mul(c, x, x, x);
	BN_zero(e);
	BN_set_bit(e, 3000);
	BN_mod_exp(want, a, e, grp->p, ctx);
	BN_to_montgomery(want, want, grp->mont, ctx);
	CHECK_ERR(iso_m52_to_mont(c, got, x), ISO_OK);
	CHECK(BN_cmp(got, want) == 0);
	/* out of range */
	CHECK_ERR(iso_m52_from_bn(c, x, e), ISO_E_INVALID_ARG);
	BN_set_negative(a, 1);
	CHECK_ERR(iso_m52_from_bn(c, x, a), ISO_E_INVALID_ARG);
out:
	BN_free(a);
	BN_free(b);
	BN_free(ar);
	BN_free(br);
	BN_free(want);
	BN_free(got);
	BN_free(e);
}

/* A comb on the IFMA products and one on OpenSSL's give the same powers, of
 * members and of non-members (an element of order 2 times g). */
static void check_combs_agree(const struct iso_group *grp, BN_CTX *ctx)
{
	struct iso_group plain = *grp;
	struct iso_varbase fast, slow;
	BIGNUM *x = BN_new(), *e = BN_new(), *a = BN_new(), *b = BN_new();

	plain.m52 = NULL;
	CHECK_ERR(iso_varbase_init(&fast, grp), ISO_OK);
	CHECK_ERR(iso_varbase_init(&slow, &plain), ISO_OK);
	CHECK(slow.t52 == NULL);
	for (int i = 0; i < 40; i++) {
		BN_rand_range(e, grp->q);
		iso_group_gexp(grp, x, e, ctx);
		if (i % 4 == 1)
			BN_sub(x, grp->p, x); /* -x: a component of order 2 */
		CHECK_ERR(iso_varbase_set(&fast, x, ctx), ISO_OK);
		CHECK_ERR(iso_varbase_set(&slow, x, ctx), ISO_OK);
		CHECK(iso_varbase_in_subgroup(&fast, a, ctx) == (i % 4 != 1));
		CHECK(iso_varbase_in_subgroup(&slow, a, ctx) == (i % 4 != 1));
		for (int k = 0; k < 3; k++) {
			BN_rand_range(e, grp->q);
			if (k == 2)
				BN_zero(e);
			CHECK_ERR(iso_varbase_exp_mont(&fast, a, e, ctx), ISO_OK);
			CHECK_ERR(iso_varbase_exp_mont(&slow, b, e, ctx), ISO_OK);
			CHECK(BN_cmp(a, b) == 0);
		}
	}
	iso_varbase_free(&fast);
	iso_varbase_free(&slow);
	BN_free(x);
	BN_free(e);
	BN_free(a);
	BN_free(b);
}

static void check_group(const char *name)
{
	const struct iso_group *grp = iso_group_by_name(name);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *x = BN_new(), *e = BN_new(), *a = BN_new(), *b = BN_new(), *t = BN_new(),
	       *k = BN_new();
	struct iso_fixbase *pub = NULL, *sec = NULL;
	struct iso_varbase vb;

	CHECK(grp != NULL);
	if (grp == NULL)
		return;
	CHECK(iso_group_is_member(grp, grp->g, ctx));
	CHECK(!iso_group_is_member(grp, grp->p, ctx));
	BN_zero(x);
	CHECK(!iso_group_is_member(grp, x, ctx));
	/* p - 1 has order 2 */
	BN_copy(x, grp->p);
	BN_sub_word(x, 1);
	CHECK(!iso_group_is_member(grp, x, ctx));
	/* -g is g times an element of order 2: not a member */
	BN_sub(x, grp->p, grp->g);
	CHECK(!iso_group_is_member(grp, x, ctx));
	/* an element of order 3 times g (when 3 divides (p-1)/q) */
	BN_sub(k, grp->p, BN_value_one());
	BN_div(k, NULL, k, grp->q, ctx);
	if (BN_mod_word(k, 3) == 0) {
		BN_sub(e, grp->p, BN_value_one());
		BN_div_word(e, 3);
		for (unsigned long h = 2;; h++) {
			BN_set_word(t, h);
			BN_mod_exp(t, t, e, grp->p, ctx);
			if (!BN_is_one(t))
				break;
		}
		/* t has order 3 */
		BN_mod_mul(x, t, grp->g, grp->p, ctx);
		CHECK(!iso_group_is_member(grp, x, ctx));
		CHECK_ERR(iso_varbase_init(&vb, grp), ISO_OK);
		CHECK_ERR(iso_varbase_set(&vb, x, ctx), ISO_OK);
		CHECK(!iso_varbase_in_subgroup(&vb, a, ctx));
		iso_varbase_free(&vb);
	}

	/* the shared constant-time table of g (for BELENIOS-2048, the one
	 * computed at build time) holds exactly the entries built here */
	if (strcmp(name, "BELENIOS-2048") == 0) {
		const struct iso_fixbase *shared = NULL;
		size_t n1 = 0, n2 = 0;
		CHECK_ERR(iso_group_gtable(grp, true, &shared), ISO_OK);
		CHECK_ERR(iso_fixbase_new(grp, grp->g, ISO_FIXBASE_SECRET_WINDOW, true, &sec, ctx),
			  ISO_OK);
		if (shared != NULL && sec != NULL) {
			const uint64_t *l1 = iso_fixbase_limbs(shared, &n1);
			const uint64_t *l2 = iso_fixbase_limbs(sec, &n2);
			CHECK(n1 > 0 && n1 == n2 && l1 != l2);
			CHECK(n1 == n2 && memcmp(l1, l2, n1 * sizeof *l1) == 0);
		}
		iso_fixbase_free(sec);
		sec = NULL;
	}
	/* the window chosen for a few uses and for many */
	CHECK(iso_fixbase_secret_window_for(50) == 4);
	CHECK(iso_fixbase_secret_window_for(100000) == ISO_FIXBASE_SECRET_WINDOW);

	CHECK_ERR(iso_fixbase_new(grp, grp->g, 8, false, &pub, ctx), ISO_OK);
	CHECK_ERR(iso_fixbase_new(grp, grp->g, 5, true, &sec, ctx), ISO_OK);
	CHECK_ERR(iso_varbase_init(&vb, grp), ISO_OK);
	for (int i = 0; i < 20; i++) {
		BN_rand_range(e, grp->q);
		if (i == 0)
			BN_zero(e);
		if (i == 1)
			BN_sub(e, grp->q, BN_value_one());
		CHECK_ERR(iso_group_exp(grp, a, grp->g, e, ctx), ISO_OK);
		CHECK_ERR(iso_fixbase_exp(pub, b, e, ctx), ISO_OK);
		CHECK(BN_cmp(a, b) == 0);
		CHECK_ERR(iso_fixbase_exp(sec, b, e, ctx), ISO_OK);
		CHECK(BN_cmp(a, b) == 0);
		CHECK_ERR(iso_group_gexp_ct(grp, b, e, ctx), ISO_OK);
		CHECK(BN_cmp(a, b) == 0);
		CHECK_ERR(iso_group_exp_ct(grp, b, grp->g, e, ctx), ISO_OK);
		CHECK(BN_cmp(a, b) == 0);
		/* comb of a random member x */
		BN_rand_range(t, grp->q);
		iso_group_gexp(grp, x, t, ctx);
		CHECK_ERR(iso_varbase_set(&vb, x, ctx), ISO_OK);
		CHECK(iso_varbase_in_subgroup(&vb, a, ctx));
		CHECK_ERR(iso_group_exp(grp, a, x, e, ctx), ISO_OK);
		CHECK_ERR(iso_varbase_exp_mont(&vb, b, e, ctx), ISO_OK);
		CHECK_ERR(iso_mont_from(grp, b, b, ctx), ISO_OK);
		CHECK(BN_cmp(a, b) == 0);
	}
	iso_varbase_free(&vb);
	check_m52(grp, ctx);
	check_combs_agree(grp, ctx);
	iso_fixbase_free(pub);
	iso_fixbase_free(sec);
	BN_free(x);
	BN_free(e);
	BN_free(a);
	BN_free(b);
	BN_free(t);
	BN_free(k);
	BN_CTX_free(ctx);
}

int main(void)
{
	check_group("BELENIOS-2048");
	check_group("RFC-3526-2048");
	CHECK(iso_group_by_name("P-256") == NULL);
	/* the way to OpenSSL's products alone, e.g. to compare them */
	setenv("ISOLOIR_NO_IFMA", "1", 1);
	CHECK(!iso_m52_supported());
	unsetenv("ISOLOIR_NO_IFMA");
	return check_status();
}
