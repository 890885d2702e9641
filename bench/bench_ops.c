/* bench_ops: the unit of the floor and of our fast paths, on this machine.
 * Prints the time of one plain 2048-bit exponentiation with a 256-bit
 * exponent (OpenSSL BN_mod_exp_mont: the floor unit), of a
 * Montgomery squaring (OpenSSL's, and on AVX-512 IFMA where the processor
 * has it: crypto/mont52.h), of a fixed-base exponentiation (public and
 * constant-time tables) and of the comb (setup, each exponent): the public
 * tables and the comb run on the IFMA products when there are. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "group.h"
#include "mont52.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define TIME(label, n, stmt)                                                  \
	do {                                                                  \
		double best = 1e9;                                            \
		for (int rep = 0; rep < 5; rep++) {                           \
			double t0 = now();                                    \
			for (int i_ = 0; i_ < (n); i_++)                      \
				stmt;                                         \
			double t = (now() - t0) / (n);                        \
			best = t < best ? t : best;                           \
		}                                                             \
		printf("%-44s %9.2f us\n", label, best * 1e6);                \
	} while (0)

int main(void)
{
	const struct iso_group *grp = iso_group_by_name("BELENIOS-2048");
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *x = BN_new(), *e = BN_new(), *r = BN_new(), *a = BN_new();
	struct iso_fixbase *pub = NULL, *sec = NULL;
	struct iso_varbase vb;
	BN_rand_range(e, grp->q);
	BN_rand_range(a, grp->q);
	iso_group_gexp(grp, x, a, ctx);
	iso_fixbase_new(grp, x, ISO_FIXBASE_PUBLIC_WINDOW, false, &pub, ctx);
	iso_fixbase_new(grp, x, ISO_FIXBASE_SECRET_WINDOW, true, &sec, ctx);
	iso_varbase_init(&vb, grp);
	iso_mont_to(grp, a, x, ctx);
	printf("one core, CPU time, best of 5 runs\n");
	TIME("plain exponentiation (BN_mod_exp_mont)", 400, BN_mod_exp_mont(r, x, e, grp->p, ctx, grp->mont));
	TIME("plain exponentiation, constant time", 400, iso_group_exp_ct(grp, r, x, e, ctx));
	TIME("Montgomery squaring (OpenSSL)", 20000, iso_mont_mul(grp, r, a, a, ctx));
	if (grp->m52 != NULL) {
		uint64_t u[ISO_M52_LIMBS], v[ISO_M52_LIMBS];
		iso_m52_from_bn(grp->m52, u, x);
		TIME("Montgomery squaring (AVX-512 IFMA, mont52)", 20000, iso_m52_mul(grp->m52, v, u, u));
	} else {
		printf("no AVX-512 IFMA on this processor (or ISOLOIR_NO_IFMA): OpenSSL's products only\n");
	}
	TIME("fixed base, public table (window 8)", 2000, iso_fixbase_exp_mont(pub, r, e, ctx));
	TIME("fixed base, constant-time table (window 6)", 2000, iso_fixbase_exp_mont(sec, r, e, ctx));
	TIME("comb: precomputation of one base", 400, iso_varbase_set(&vb, x, ctx));
	TIME("comb: one exponent", 2000, iso_varbase_exp_mont(&vb, r, e, ctx));
	TIME("subgroup test (x^q), plain", 400, iso_group_is_member(grp, x, ctx));
	TIME("subgroup test on the comb", 2000, iso_varbase_in_subgroup(&vb, r, ctx));
	iso_varbase_free(&vb);
	iso_fixbase_free(pub);
	iso_fixbase_free(sec);
	BN_free(x);
	BN_free(e);
	BN_free(r);
	BN_free(a);
	BN_CTX_free(ctx);
	return 0;
}
