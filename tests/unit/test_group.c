/* Group arithmetic: both groups' parameters, membership (including elements
 * with a component of order 2 or 3, which (p-1)/q allows), and every fast
 * exponentiation path against OpenSSL's plain one; the table of g built with
 * the library against one built here. */
#include <openssl/rand.h>
#include <string.h>

#include "check.h"
#include "group.h"

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
	return check_status();
}
