/* Almost-Montgomery products on AVX-512 IFMA (see mont52.h).
 * Design: operand scanning over the 40 limbs of a. Each step adds a_i b and
 * y m (y = the multiple of m that clears the lowest limb) as low 52-bit
 * halves, drops the cleared limb by moving every lane down one place, then
 * adds the high halves, which now sit at the right place. The a_i b and y m
 * halves go to two accumulators so that the two chains of dependent
 * multiply-adds run side by side, and the lowest limb is followed in a
 * general register so that y never waits for a vector lane. Lanes carry up
 * to 4 * 40 additions below 2^52 each, far below 2^64; the carries are
 * propagated once, at the end. */
#include "mont52.h"

#include <stdlib.h>
#include <string.h>

#define MASK52 ((UINT64_C(1) << 52) - 1)
#define RBITS (52 * ISO_M52_LIMBS)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define M52_X86 1

__attribute__((target("avx512f,avx512ifma"))) static void
amm(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m, uint64_t k0)
{
	enum { V = ISO_M52_LIMBS / 8 };
	__m512i B[V], M[V], R[V], S[V];
	const __m512i zero = _mm512_setzero_si512();
	const uint64_t m0 = m[0], m1 = m[1], b0 = b[0], b1 = b[1];
	uint64_t r0 = 0, r1 = 0; /* lanes 0 and 1 of R + S */
	uint64_t t[ISO_M52_LIMBS], u[ISO_M52_LIMBS], carry;

	for (int k = 0; k < V; k++) {
		B[k] = _mm512_loadu_si512(b + 8 * k);
		M[k] = _mm512_loadu_si512(m + 8 * k);
		R[k] = zero;
		S[k] = zero;
	}
	for (int i = 0; i < ISO_M52_LIMBS; i++) {
		const uint64_t ai = a[i];
		const unsigned __int128 pa0 = (unsigned __int128)ai * b0;
		const unsigned __int128 pa1 = (unsigned __int128)ai * b1;
		const uint64_t t0 = r0 + ((uint64_t)pa0 & MASK52);
		const uint64_t y = (t0 * k0) & MASK52;
		const unsigned __int128 py0 = (unsigned __int128)y * m0;
		const unsigned __int128 py1 = (unsigned __int128)y * m1;
		const __m512i av = _mm512_set1_epi64((long long)ai);
		const __m512i yv = _mm512_set1_epi64((long long)y);
		__m128i low;

		carry = (t0 + ((uint64_t)py0 & MASK52)) >> 52;
		for (int k = 0; k < V; k++) {
			R[k] = _mm512_madd52lo_epu64(R[k], av, B[k]);
			S[k] = _mm512_madd52lo_epu64(S[k], yv, M[k]);
		}
		for (int k = 0; k < V - 1; k++) {
			R[k] = _mm512_alignr_epi64(R[k + 1], R[k], 1);
			S[k] = _mm512_alignr_epi64(S[k + 1], S[k], 1);
		}
		R[V - 1] = _mm512_alignr_epi64(zero, R[V - 1], 1);
		S[V - 1] = _mm512_alignr_epi64(zero, S[V - 1], 1);
		for (int k = 0; k < V; k++) {
			R[k] = _mm512_madd52hi_epu64(R[k], av, B[k]);
			S[k] = _mm512_madd52hi_epu64(S[k], yv, M[k]);
		}
		R[0] = _mm512_add_epi64(R[0],
					_mm512_zextsi128_si512(_mm_cvtsi64_si128((long long)carry)));
		/* the next lowest limb: the old second one and what this step
		 * added to it */
		r0 = r1 + ((uint64_t)pa1 & MASK52) + ((uint64_t)py1 & MASK52) +
		     (uint64_t)(pa0 >> 52) + (uint64_t)(py0 >> 52) + carry;
		low = _mm_add_epi64(_mm512_castsi512_si128(R[0]), _mm512_castsi512_si128(S[0]));
		r1 = (uint64_t)_mm_extract_epi64(low, 1);
	}
	for (int k = 0; k < V; k++) {
		_mm512_storeu_si512(t + 8 * k, R[k]);
		_mm512_storeu_si512(u + 8 * k, S[k]);
	}
	carry = 0;
	for (int j = 0; j < ISO_M52_LIMBS; j++) {
		uint64_t v = t[j] + u[j] + carry;
		r[j] = v & MASK52;
		carry = v >> 52;
	}
}
#endif

bool iso_m52_supported(void)
{
#ifdef M52_X86
	const char *off = getenv("ISOLOIR_NO_IFMA");
	if (off != NULL && off[0] != '\0')
		return false;
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
	return false;
#endif
}

void iso_m52_mul(const struct iso_m52 *c, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
#ifdef M52_X86
	amm(r, a, b, c->m, c->k0);
#else
	(void)c, (void)r, (void)a, (void)b;
	abort(); /* iso_m52_new never made a context here */
#endif
}

/* 52-bit limbs of 0 <= x < 2^RBITS. */
static enum iso_err limbs_of(uint64_t *r, const BIGNUM *x)
{
	unsigned char buf[RBITS / 8 + 16] = {0};
	if (BN_is_negative(x) || BN_num_bits(x) > RBITS || BN_bn2lebinpad(x, buf, RBITS / 8) < 0)
		return ISO_E_INVALID_ARG;
	for (int j = 0; j < ISO_M52_LIMBS; j++) {
		uint64_t v;
		memcpy(&v, buf + 52 * j / 8, sizeof v);
		r[j] = (v >> (52 * j % 8)) & MASK52;
	}
	return ISO_OK;
}

static enum iso_err bn_of(BIGNUM *r, const uint64_t *a)
{
	unsigned char buf[RBITS / 8 + 16] = {0};
	for (int j = 0; j < ISO_M52_LIMBS; j++) {
		uint64_t v;
		memcpy(&v, buf + 52 * j / 8, sizeof v);
		v |= a[j] << (52 * j % 8);
		memcpy(buf + 52 * j / 8, &v, sizeof v);
	}
	return BN_lebin2bn(buf, RBITS / 8, r) != NULL ? ISO_OK : ISO_E_NOMEM;
}

void iso_m52_free(struct iso_m52 *c)
{
	if (c == NULL)
		return;
	BN_free(c->p);
	free(c);
}

enum iso_err iso_m52_new(const BIGNUM *p, BN_MONT_CTX *mont, struct iso_m52 **ret,
			 BN_CTX *ctx)
{
	enum iso_err err = ISO_E_NOMEM;
	struct iso_m52 *c;
	BIGNUM *t;
	uint64_t inv;

	*ret = NULL;
	/* 4p < R' keeps the almost-Montgomery results below 2p */
	if (!iso_m52_supported() || !BN_is_odd(p) || BN_num_bits(p) > 2048)
		return ISO_E_INVALID_ARG;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return err;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	if (t == NULL || (c->p = BN_dup(p)) == NULL)
		goto out;
	if ((err = limbs_of(c->m, p)) != ISO_OK)
		goto out;
	/* p^-1 mod 2^64 by Newton's iteration (p odd: right to 3 bits, doubling) */
	inv = c->m[0];
	for (int i = 0; i < 5; i++)
		inv *= 2 - c->m[0] * inv;
	c->k0 = (0 - inv) & MASK52;
	err = ISO_E_CRYPTO_LIB;
	/* R'^2 mod p, then R'^2 / R mod p from it; and R mod p */
	BN_zero(t);
	if (!BN_set_bit(t, 2 * RBITS) || !BN_mod(t, t, p, ctx) || limbs_of(c->rr, t) != ISO_OK ||
	    !BN_from_montgomery(t, t, mont, ctx) || limbs_of(c->rbn2, t) != ISO_OK)
		goto out;
	if (!BN_to_montgomery(t, BN_value_one(), mont, ctx) || limbs_of(c->rbn, t) != ISO_OK)
		goto out;
	err = ISO_OK;
out:
	BN_CTX_end(ctx);
	if (err != ISO_OK)
		iso_m52_free(c);
	else
		*ret = c;
	return err;
}

/* r = x k / R' mod p: into m52 form by the constant k fitting x's form. */
static enum iso_err m52_in(const struct iso_m52 *c, uint64_t *r, const BIGNUM *x,
			   const uint64_t *k)
{
	uint64_t a[ISO_M52_LIMBS];
	enum iso_err err = limbs_of(a, x);
	if (err == ISO_OK)
		iso_m52_mul(c, r, a, k);
	return err;
}

enum iso_err iso_m52_from_bn(const struct iso_m52 *c, uint64_t *r, const BIGNUM *x)
{
	return m52_in(c, r, x, c->rr);
}

enum iso_err iso_m52_from_mont(const struct iso_m52 *c, uint64_t *r, const BIGNUM *xr)
{
	return m52_in(c, r, xr, c->rbn2);
}

enum iso_err iso_m52_to_mont(const struct iso_m52 *c, BIGNUM *r, const uint64_t *a)
{
	uint64_t x[ISO_M52_LIMBS];
	enum iso_err err;
	iso_m52_mul(c, x, a, c->rbn);
	if ((err = bn_of(r, x)) != ISO_OK)
		return err;
	/* a < 2p and R mod p < p make x < 2p */
	if (BN_cmp(r, c->p) >= 0 && !BN_sub(r, r, c->p))
		return ISO_E_CRYPTO_LIB;
	return ISO_OK;
}
