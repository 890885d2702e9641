/* The two groups of Belenios 2.0 and their exponentiations.
 * Invariants: a group is built once and then only read, so threads share it;
 * the shared tables of g are built under a lock on first use. Anything that
 * may take a secret exponent (the *_ct paths) touches memory independently
 * of the exponent's value. */
#include "group.h"
#include "gtables.h"
#include "mont52.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char belenios2048_p[] =
	"20694785691422546401013643657505008064922989295751104097100884787057374219242717401922237254497684338129066633138078958404960054389636289796393038773905722803605973749427671376777618898589872735865049081167099310535867780980030790491654063777173764198678527273474476341835600035698305193144284561701911000786737307333564123971732897913240474578834468260652327974647951137672658693582180046317922073668860052627186363386088796882120769432366149491002923444346373222145884100586421050242120365433561201320481118852408731077014151666200162313177169372189248078507711827842317498073276598828825169183103125680162072880719";
static const char belenios2048_q[] =
	"78571733251071885079927659812671450121821421258408794611510081919805623223441";
static const char belenios2048_g[] =
	"2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285676155269678799694668298749389095083896573425601900601068477164491735474137283104610458681314511781646755400527402889846139864532661215055797097162016168270312886432456663834863635782106154918419982534315189740658186868651151358576410138882215396016043228843603930989333662772848406593138406010231675095763777982665103606822406635076697764025346253773085133173495194248967754052573659049492477631475991575198775177711481490920456600205478127054728238140972518639858334115700568353695553423781475582491896050296680037745308460627";
static const char rfc3526_p[] =
	"32317006071311007300338913926423828248817941241140239112842009751400741706634354222619689417363569347117901737909704191754605873209195028853758986185622153212175412514901774520270235796078236248884246189477587641105928646099411723245426622522193230540919037680524235519125679715870117001058055877651038861847280257976054903569732561526167081339361799541336476559160368317896729073178384589680639671900977202194168647225871031411336429319536193471636533209717077448227988588565369208645296636077250268955505928362751121174096972998068410554359584866583291642136218231078990999448652468262416972035911852507045361090559";
static const char rfc3526_q[] =
	"16158503035655503650169456963211914124408970620570119556421004875700370853317177111309844708681784673558950868954852095877302936604597514426879493092811076606087706257450887260135117898039118124442123094738793820552964323049705861622713311261096615270459518840262117759562839857935058500529027938825519430923640128988027451784866280763083540669680899770668238279580184158948364536589192294840319835950488601097084323612935515705668214659768096735818266604858538724113994294282684604322648318038625134477752964181375560587048486499034205277179792433291645821068109115539495499724326234131208486017955926253522680545279";

struct group_slot {
	const char *name, *p, *q, *g;
	struct iso_group grp;
	pthread_once_t once;
	bool ok;
	pthread_mutex_t lock;
	struct iso_fixbase *gtab_public, *gtab_secret;
};

static struct group_slot slots[] = {
	{"BELENIOS-2048", belenios2048_p, belenios2048_q, belenios2048_g, {0},
	 PTHREAD_ONCE_INIT, false, PTHREAD_MUTEX_INITIALIZER, NULL, NULL},
	{"RFC-3526-2048", rfc3526_p, rfc3526_q, "2", {0}, PTHREAD_ONCE_INIT, false,
	 PTHREAD_MUTEX_INITIALIZER, NULL, NULL},
};

static _Thread_local struct iso_opcount opcount;

void iso_opcount_get(struct iso_opcount *ret)
{
	*ret = opcount;
}

void iso_opcount_reset(void)
{
	memset(&opcount, 0, sizeof opcount);
}

static void group_slot_init(struct group_slot *s)
{
	struct iso_group *grp = &s->grp;
	BN_CTX *ctx = BN_CTX_new();
	grp->name = s->name;
	if (ctx == NULL || !BN_dec2bn(&grp->p, s->p) || !BN_dec2bn(&grp->q, s->q) ||
	    !BN_dec2bn(&grp->g, s->g))
		goto out;
	grp->mont = BN_MONT_CTX_new();
	grp->g_inv = BN_new();
	grp->mont_one = BN_new();
	if (grp->mont == NULL || grp->g_inv == NULL || grp->mont_one == NULL ||
	    !BN_MONT_CTX_set(grp->mont, grp->p, ctx) ||
	    BN_mod_inverse(grp->g_inv, grp->g, grp->p, ctx) == NULL ||
	    !BN_to_montgomery(grp->mont_one, BN_value_one(), grp->mont, ctx))
		goto out;
	grp->qbits = BN_num_bits(grp->q);
	grp->pbytes = BN_num_bytes(grp->p);
	/* without IFMA (or on no memory) OpenSSL's products serve alone */
	if (iso_m52_new(grp->p, grp->mont, &grp->m52, ctx) != ISO_OK)
		grp->m52 = NULL;
	s->ok = true;
out:
	BN_CTX_free(ctx);
}

static void init_slot0(void) { group_slot_init(&slots[0]); }
static void init_slot1(void) { group_slot_init(&slots[1]); }

static struct group_slot *slot_of(const struct iso_group *grp)
{
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (&slots[i].grp == grp)
			return &slots[i];
	return NULL;
}

const struct iso_group *iso_group_by_name(const char *name)
{
	static void (*const inits[])(void) = {init_slot0, init_slot1};
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
		if (strcmp(name, slots[i].name) != 0)
			continue;
		pthread_once(&slots[i].once, inits[i]);
		return slots[i].ok ? &slots[i].grp : NULL;
	}
	return NULL;
}

bool iso_group_in_zq(const struct iso_group *grp, const BIGNUM *x)
{
	return !BN_is_negative(x) && BN_cmp(x, grp->q) < 0;
}

enum iso_err iso_group_exp(const struct iso_group *grp, BIGNUM *r, const BIGNUM *base,
			   const BIGNUM *e, BN_CTX *ctx)
{
	opcount.plain_exp++;
	return BN_mod_exp_mont(r, base, e, grp->p, ctx, grp->mont) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_group_exp_ct(const struct iso_group *grp, BIGNUM *r, const BIGNUM *base,
			      const BIGNUM *e, BN_CTX *ctx)
{
	enum iso_err err = ISO_E_NOMEM;
	BIGNUM *ec = BN_dup(e);
	opcount.plain_exp++;
	if (ec == NULL)
		return err;
	BN_set_flags(ec, BN_FLG_CONSTTIME);
	err = BN_mod_exp_mont_consttime(r, base, ec, grp->p, ctx, grp->mont) ? ISO_OK
									      : ISO_E_CRYPTO_LIB;
	BN_clear_free(ec);
	return err;
}

bool iso_group_is_member(const struct iso_group *grp, const BIGNUM *x, BN_CTX *ctx)
{
	bool ok = false;
	BIGNUM *t;
	if (BN_is_negative(x) || BN_is_zero(x) || BN_cmp(x, grp->p) >= 0)
		return false;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	if (t != NULL && iso_group_exp(grp, t, x, grp->q, ctx) == ISO_OK)
		ok = BN_is_one(t);
	BN_CTX_end(ctx);
	return ok;
}

enum iso_err iso_group_mul(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			   const BIGNUM *b, BN_CTX *ctx)
{
	return BN_mod_mul(r, a, b, grp->p, ctx) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_group_inv(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx)
{
	return BN_mod_inverse(r, a, grp->p, ctx) != NULL ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_mont_mul(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a,
			  const BIGNUM *b, BN_CTX *ctx)
{
	opcount.mont_mul++;
	return BN_mod_mul_montgomery(r, a, b, grp->mont, ctx) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_mont_to(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx)
{
	return BN_to_montgomery(r, a, grp->mont, ctx) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

enum iso_err iso_mont_from(const struct iso_group *grp, BIGNUM *r, const BIGNUM *a, BN_CTX *ctx)
{
	return BN_from_montgomery(r, a, grp->mont, ctx) ? ISO_OK : ISO_E_CRYPTO_LIB;
}

/* ---- fixed-base tables ---- */

struct iso_fixbase {
	const struct iso_group *grp;
	int window, windows, entries; /* entries = 2^window per window */
	bool secret;
	BIGNUM **bn;      /* public: [windows * entries], entry 0 of each unused */
	uint64_t *t52;    /* public with the group's m52: the same in m52 form, instead */
	const uint64_t *limbs; /* secret: [windows * entries * nlimbs], entry 0 = 1 */
	uint64_t *owned;       /* limbs when built here; NULL when embedded */
	int nlimbs;
};

#define FB52(fb, k) ((fb)->t52 + (size_t)(k) * ISO_M52_LIMBS)

static void m52_mul(const struct iso_group *grp, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
	opcount.mont_mul++;
	iso_m52_mul(grp->m52, r, a, b);
}

void iso_fixbase_free(struct iso_fixbase *fb)
{
	if (fb == NULL)
		return;
	if (fb->bn != NULL) {
		for (int i = 0; i < fb->windows * fb->entries; i++)
			BN_free(fb->bn[i]);
		free(fb->bn);
	}
	free(fb->t52);
	free(fb->owned);
	free(fb);
}

size_t iso_fixbase_bytes(const struct iso_fixbase *fb)
{
	size_t n = (size_t)fb->windows * (size_t)fb->entries;
	if (fb->t52 != NULL)
		return n * ISO_M52_LIMBS * sizeof(uint64_t);
	return fb->secret ? n * (size_t)fb->nlimbs * 8 : n * ((size_t)fb->grp->pbytes + 24);
}

enum iso_err iso_fixbase_new(const struct iso_group *grp, const BIGNUM *base, int window,
			     bool secret, struct iso_fixbase **ret, BN_CTX *ctx)
{
	enum iso_err err = ISO_E_NOMEM;
	struct iso_fixbase *fb;
	BIGNUM *cur = NULL, *acc = NULL;
	unsigned char *buf = NULL;

	if (window < 1 || window > 12)
		return ISO_E_INVALID_ARG;
	fb = calloc(1, sizeof *fb);
	if (fb == NULL)
		return ISO_E_NOMEM;
	fb->grp = grp;
	fb->window = window;
	fb->windows = (grp->qbits + window - 1) / window;
	fb->entries = 1 << window;
	fb->secret = secret;
	fb->nlimbs = (grp->pbytes + 7) / 8;
	cur = BN_new();
	acc = BN_new();
	if (cur == NULL || acc == NULL)
		goto fail;
	if (secret) {
		fb->owned = calloc((size_t)fb->windows * (size_t)fb->entries * (size_t)fb->nlimbs,
				   sizeof(uint64_t));
		fb->limbs = fb->owned;
		buf = malloc((size_t)fb->nlimbs * 8);
		if (fb->owned == NULL || buf == NULL)
			goto fail;
	} else if (grp->m52 != NULL) {
		fb->t52 = aligned_alloc(64, (size_t)fb->windows * (size_t)fb->entries *
						    ISO_M52_LIMBS * sizeof(uint64_t));
		if (fb->t52 == NULL)
			goto fail;
	} else {
		fb->bn = calloc((size_t)fb->windows * (size_t)fb->entries, sizeof(BIGNUM *));
		if (fb->bn == NULL)
			goto fail;
	}
	/* cur = base^(2^(w*i)) in Montgomery form at window i */
	if ((err = iso_mont_to(grp, cur, base, ctx)) != ISO_OK)
		goto fail;
	err = ISO_E_NOMEM;
	for (int i = 0; i < fb->windows; i++) {
		if (!BN_copy(acc, grp->mont_one))
			goto fail;
		for (int d = 0; d < fb->entries; d++) {
			if (d > 0 && iso_mont_mul(grp, acc, acc, cur, ctx) != ISO_OK)
				goto fail;
			if (secret) {
				if (BN_bn2lebinpad(acc, buf, fb->nlimbs * 8) < 0)
					goto fail;
				memcpy(fb->owned + ((size_t)i * fb->entries + d) * fb->nlimbs, buf,
				       (size_t)fb->nlimbs * 8);
			} else if (fb->t52 != NULL) {
				err = iso_m52_from_mont(grp->m52,
							FB52(fb, i * fb->entries + d), acc);
				if (err != ISO_OK)
					goto fail;
				err = ISO_E_NOMEM;
			} else if (d > 0) {
				fb->bn[i * fb->entries + d] = BN_dup(acc);
				if (fb->bn[i * fb->entries + d] == NULL)
					goto fail;
			}
		}
		/* next window base: acc = cur^(2^w - 1); cur^(2^w) = acc * cur */
		if (iso_mont_mul(grp, cur, acc, cur, ctx) != ISO_OK)
			goto fail;
	}
	err = ISO_OK;
	*ret = fb;
	fb = NULL;
fail:
	BN_clear_free(cur);
	BN_clear_free(acc);
	free(buf);
	iso_fixbase_free(fb);
	return err;
}

int iso_fixbase_secret_window_for(size_t uses)
{
	/* BELENIOS-2048 on the reference machine: an entry costs about 1.4 us to
	 * build, an exponentiation 80, 69 and 65 us at windows 4, 5 and 6; so 4
	 * wins below about 80 uses, 6 above about 400 */
	return uses < 80 ? 4 : uses < 400 ? 5 : ISO_FIXBASE_SECRET_WINDOW;
}

const uint64_t *iso_fixbase_limbs(const struct iso_fixbase *fb, size_t *count)
{
	*count = fb->limbs == NULL ? 0
				   : (size_t)fb->windows * (size_t)fb->entries * (size_t)fb->nlimbs;
	return fb->limbs;
}

/* The secret table of g built with the library (gtables.h), if there is one
 * for this group and it starts with g in Montgomery form; else NULL. */
static struct iso_fixbase *fixbase_embedded(const struct iso_group *grp, BN_CTX *ctx)
{
	struct iso_fixbase *fb = NULL;
	int w = ISO_FIXBASE_SECRET_WINDOW, nlimbs = (grp->pbytes + 7) / 8;
	int windows = (grp->qbits + w - 1) / w;
	unsigned char g1[512];
	BIGNUM *t = BN_new();
	for (const struct iso_gtable_data *d = iso_gtables; t != NULL && d->group != NULL; d++) {
		if (strcmp(d->group, grp->name) != 0 || d->window != w || d->nlimbs != nlimbs ||
		    d->count != (size_t)windows * ((size_t)1 << w) * (size_t)nlimbs ||
		    (size_t)nlimbs * 8 > sizeof g1)
			continue;
		/* entry 1 of window 0 is g itself */
		if (iso_mont_to(grp, t, grp->g, ctx) != ISO_OK ||
		    BN_bn2lebinpad(t, g1, nlimbs * 8) < 0 ||
		    memcmp(g1, d->limbs + nlimbs, (size_t)nlimbs * 8) != 0)
			break;
		fb = calloc(1, sizeof *fb);
		if (fb == NULL)
			break;
		*fb = (struct iso_fixbase){.grp = grp, .window = w, .windows = windows,
					   .entries = 1 << w, .secret = true,
					   .limbs = d->limbs, .nlimbs = nlimbs};
		break;
	}
	BN_free(t);
	return fb;
}

/* The w-bit digit i of a little-endian byte string, at fixed positions. */
static unsigned digit_at(const unsigned char *e, int nbytes, int w, int i)
{
	int bit = w * i;
	unsigned v = 0;
	for (int k = 0; k < w; k++) {
		int b = bit + k;
		unsigned byte = b / 8 < nbytes ? e[b / 8] : 0;
		v |= ((byte >> (b % 8)) & 1u) << k;
	}
	return v;
}

/* all-ones if a == b, else 0, without branches */
static uint64_t ct_eq_mask(unsigned a, unsigned b)
{
	uint64_t x = (uint64_t)(a ^ b);
	return ((x | (0 - x)) >> 63) - 1;
}

/* sel = row[d] by reading every entry of the row: the memory access pattern
 * does not depend on d. Vectorised (AVX2 where the CPU has it; the file is
 * built with -O3 for this loop). */
__attribute__((target_clones("avx2", "default"))) static void
ct_select_row(const uint64_t *row, int entries, size_t n, unsigned d, uint64_t *sel)
{
	memset(sel, 0, n * sizeof(uint64_t));
	for (int j = 0; j < entries; j++) {
		uint64_t m = ct_eq_mask((unsigned)j, d);
		for (size_t k = 0; k < n; k++)
			sel[k] |= row[(size_t)j * n + k] & m;
	}
}

static enum iso_err fixbase_exp_secret(const struct iso_fixbase *fb, BIGNUM *r_mont,
				       const BIGNUM *e, BN_CTX *ctx)
{
	enum iso_err err = ISO_E_NOMEM;
	const struct iso_group *grp = fb->grp;
	int nbytes = (fb->windows * fb->window + 7) / 8;
	size_t n = (size_t)fb->nlimbs;
	unsigned char ebuf[512];
	uint64_t sel[64];
	BIGNUM *t;

	if (nbytes > (int)sizeof ebuf || n > 64 || BN_num_bits(e) > fb->windows * fb->window)
		return ISO_E_INVALID_ARG;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	if (t == NULL || BN_bn2lebinpad(e, ebuf, nbytes) < 0 || !BN_copy(r_mont, grp->mont_one))
		goto out;
	for (int i = 0; i < fb->windows; i++) {
		unsigned d = digit_at(ebuf, nbytes, fb->window, i);
		const uint64_t *row = fb->limbs + (size_t)i * fb->entries * n;
		ct_select_row(row, fb->entries, n, d, sel);
		if (BN_lebin2bn((unsigned char *)sel, (int)(n * 8), t) == NULL ||
		    iso_mont_mul(grp, r_mont, r_mont, t, ctx) != ISO_OK)
			goto out;
	}
	err = ISO_OK;
out:
	OPENSSL_cleanse(ebuf, sizeof ebuf);
	OPENSSL_cleanse(sel, sizeof sel);
	BN_CTX_end(ctx);
	return err;
}

/* The digit of window i of a public exponent. */
static unsigned window_digit(const BIGNUM *e, int w, int i)
{
	unsigned d = 0;
	for (int k = w - 1; k >= 0; k--)
		d = (d << 1) | (unsigned)BN_is_bit_set(e, i * w + k);
	return d;
}

static enum iso_err fixbase_exp_m52(const struct iso_fixbase *fb, BIGNUM *r_mont, const BIGNUM *e)
{
	uint64_t acc[ISO_M52_LIMBS] __attribute__((aligned(64)));
	bool first = true;
	for (int i = 0; i < fb->windows; i++) {
		unsigned d = window_digit(e, fb->window, i);
		if (d == 0)
			continue;
		if (first)
			memcpy(acc, FB52(fb, i * fb->entries + (int)d), sizeof acc);
		else
			m52_mul(fb->grp, acc, acc, FB52(fb, i * fb->entries + (int)d));
		first = false;
	}
	if (first)
		return BN_copy(r_mont, fb->grp->mont_one) ? ISO_OK : ISO_E_NOMEM;
	return iso_m52_to_mont(fb->grp->m52, r_mont, acc);
}

static enum iso_err fixbase_exp_public(const struct iso_fixbase *fb, BIGNUM *r_mont,
				       const BIGNUM *e, BN_CTX *ctx)
{
	bool first = true;
	int w = fb->window;
	if (BN_num_bits(e) > fb->windows * w)
		return ISO_E_INVALID_ARG;
	if (fb->t52 != NULL)
		return fixbase_exp_m52(fb, r_mont, e);
	for (int i = 0; i < fb->windows; i++) {
		unsigned d = window_digit(e, w, i);
		if (d == 0)
			continue;
		const BIGNUM *entry = fb->bn[i * fb->entries + (int)d];
		if (first) {
			if (!BN_copy(r_mont, entry))
				return ISO_E_NOMEM;
			first = false;
		} else if (iso_mont_mul(fb->grp, r_mont, r_mont, entry, ctx) != ISO_OK) {
			return ISO_E_CRYPTO_LIB;
		}
	}
	if (first && !BN_copy(r_mont, fb->grp->mont_one))
		return ISO_E_NOMEM;
	return ISO_OK;
}

enum iso_err iso_fixbase_exp_mont(const struct iso_fixbase *fb, BIGNUM *r_mont, const BIGNUM *e,
				  BN_CTX *ctx)
{
	if (BN_is_negative(e))
		return ISO_E_INVALID_ARG;
	opcount.fixed_exp++;
	return fb->secret ? fixbase_exp_secret(fb, r_mont, e, ctx)
			  : fixbase_exp_public(fb, r_mont, e, ctx);
}

enum iso_err iso_fixbase_exp(const struct iso_fixbase *fb, BIGNUM *r, const BIGNUM *e, BN_CTX *ctx)
{
	enum iso_err err = iso_fixbase_exp_mont(fb, r, e, ctx);
	if (err != ISO_OK)
		return err;
	return iso_mont_from(fb->grp, r, r, ctx);
}

enum iso_err iso_group_gtable(const struct iso_group *grp, bool secret,
			      const struct iso_fixbase **ret)
{
	struct group_slot *s = slot_of(grp);
	enum iso_err err = ISO_OK;
	struct iso_fixbase **slotp;
	if (s == NULL)
		return ISO_E_INVALID_ARG;
	slotp = secret ? &s->gtab_secret : &s->gtab_public;
	pthread_mutex_lock(&s->lock);
	if (*slotp == NULL) {
		BN_CTX *ctx = BN_CTX_new();
		if (ctx == NULL)
			err = ISO_E_NOMEM;
		else if (!secret || (*slotp = fixbase_embedded(grp, ctx)) == NULL)
			err = iso_fixbase_new(grp, grp->g,
					      secret ? ISO_FIXBASE_SECRET_WINDOW
						     : ISO_FIXBASE_PUBLIC_WINDOW,
					      secret, slotp, ctx);
		BN_CTX_free(ctx);
	}
	pthread_mutex_unlock(&s->lock);
	*ret = *slotp;
	return err;
}

enum iso_err iso_group_gexp(const struct iso_group *grp, BIGNUM *r, const BIGNUM *e, BN_CTX *ctx)
{
	const struct iso_fixbase *fb;
	enum iso_err err = iso_group_gtable(grp, false, &fb);
	return err != ISO_OK ? err : iso_fixbase_exp(fb, r, e, ctx);
}

enum iso_err iso_group_gexp_ct(const struct iso_group *grp, BIGNUM *r, const BIGNUM *e,
			       BN_CTX *ctx)
{
	const struct iso_fixbase *fb;
	enum iso_err err = iso_group_gtable(grp, true, &fb);
	return err != ISO_OK ? err : iso_fixbase_exp(fb, r, e, ctx);
}

/* ---- variable-base comb ---- */

#define T52(vb, m) ((vb)->t52 + (size_t)(m) * ISO_M52_LIMBS)

enum iso_err iso_varbase_init(struct iso_varbase *vb, const struct iso_group *grp)
{
	memset(vb, 0, sizeof *vb);
	vb->grp = grp;
	vb->L = (grp->qbits + ISO_COMB_ROWS - 1) / ISO_COMB_ROWS;
	vb->x = BN_new();
	if (vb->x == NULL)
		return ISO_E_NOMEM;
	if (grp->m52 != NULL) {
		vb->t52 = aligned_alloc(64, (size_t)(1 << ISO_COMB_ROWS) * ISO_M52_LIMBS *
						    sizeof(uint64_t));
		if (vb->t52 == NULL) {
			iso_varbase_free(vb);
			return ISO_E_NOMEM;
		}
		return ISO_OK;
	}
	for (int m = 1; m < (1 << ISO_COMB_ROWS); m++) {
		vb->t[m] = BN_new();
		if (vb->t[m] == NULL) {
			iso_varbase_free(vb);
			return ISO_E_NOMEM;
		}
	}
	return ISO_OK;
}

void iso_varbase_free(struct iso_varbase *vb)
{
	for (int m = 1; m < (1 << ISO_COMB_ROWS); m++)
		BN_free(vb->t[m]);
	BN_free(vb->x);
	free(vb->t52);
	memset(vb, 0, sizeof *vb);
}

enum iso_err iso_varbase_set(struct iso_varbase *vb, const BIGNUM *x, BN_CTX *ctx)
{
	const struct iso_group *grp = vb->grp;
	const int rows = 1 << ISO_COMB_ROWS;
	opcount.comb_setup++;
	if (iso_mont_to(grp, vb->x, x, ctx) != ISO_OK)
		return ISO_E_CRYPTO_LIB;
	if (vb->t52 != NULL) {
		enum iso_err err = iso_m52_from_bn(grp->m52, T52(vb, 1), x);
		if (err != ISO_OK)
			return err;
		for (int row = 1; row < ISO_COMB_ROWS; row++) {
			uint64_t *dst = T52(vb, 1 << row);
			m52_mul(grp, dst, T52(vb, 1 << (row - 1)), T52(vb, 1 << (row - 1)));
			for (int k = 1; k < vb->L; k++)
				m52_mul(grp, dst, dst, dst);
		}
		for (int m = 3; m < rows; m++) {
			int low = m & -m;
			if (m != low)
				m52_mul(grp, T52(vb, m), T52(vb, m - low), T52(vb, low));
		}
		return ISO_OK;
	}
	if (!BN_copy(vb->t[1], vb->x))
		return ISO_E_NOMEM;
	/* rows: t[1 << i] = x^(2^(i L)) */
	for (int row = 1; row < ISO_COMB_ROWS; row++) {
		BIGNUM *dst = vb->t[1 << row];
		const BIGNUM *src = vb->t[1 << (row - 1)];
		if (!BN_copy(dst, src))
			return ISO_E_NOMEM;
		for (int k = 0; k < vb->L; k++)
			if (iso_mont_mul(grp, dst, dst, dst, ctx) != ISO_OK)
				return ISO_E_CRYPTO_LIB;
	}
	/* every other mask: its lowest row times the rest */
	for (int m = 3; m < rows; m++) {
		int low = m & -m;
		if (m == low)
			continue;
		if (iso_mont_mul(grp, vb->t[m], vb->t[m - low], vb->t[low], ctx) != ISO_OK)
			return ISO_E_CRYPTO_LIB;
	}
	return ISO_OK;
}

/* The comb's column of bit j: bit `row` of the mask is bit j + row L of e. */
static unsigned comb_column(const struct iso_varbase *vb, const BIGNUM *e, int j)
{
	unsigned m = 0;
	for (int row = 0; row < ISO_COMB_ROWS; row++)
		m |= (unsigned)BN_is_bit_set(e, j + row * vb->L) << row;
	return m;
}

static enum iso_err varbase_exp_m52(const struct iso_varbase *vb, BIGNUM *r_mont, const BIGNUM *e)
{
	const struct iso_group *grp = vb->grp;
	uint64_t acc[ISO_M52_LIMBS] __attribute__((aligned(64)));
	bool first = true;
	for (int j = vb->L - 1; j >= 0; j--) {
		unsigned m = comb_column(vb, e, j);
		if (!first)
			m52_mul(grp, acc, acc, acc);
		if (m == 0)
			continue;
		if (first)
			memcpy(acc, T52(vb, m), sizeof acc);
		else
			m52_mul(grp, acc, acc, T52(vb, m));
		first = false;
	}
	if (first)
		return BN_copy(r_mont, grp->mont_one) ? ISO_OK : ISO_E_NOMEM;
	return iso_m52_to_mont(grp->m52, r_mont, acc);
}

enum iso_err iso_varbase_exp_mont(const struct iso_varbase *vb, BIGNUM *r_mont, const BIGNUM *e,
				  BN_CTX *ctx)
{
	const struct iso_group *grp = vb->grp;
	int L = vb->L;
	bool first = true;
	if (BN_is_negative(e) || BN_num_bits(e) > ISO_COMB_ROWS * L)
		return ISO_E_INVALID_ARG;
	opcount.comb_exp++;
	if (vb->t52 != NULL)
		return varbase_exp_m52(vb, r_mont, e);
	for (int j = L - 1; j >= 0; j--) {
		unsigned m = comb_column(vb, e, j);
		if (!first && iso_mont_mul(grp, r_mont, r_mont, r_mont, ctx) != ISO_OK)
			return ISO_E_CRYPTO_LIB;
		if (m == 0)
			continue;
		if (first) {
			if (!BN_copy(r_mont, vb->t[m]))
				return ISO_E_NOMEM;
			first = false;
		} else if (iso_mont_mul(grp, r_mont, r_mont, vb->t[m], ctx) != ISO_OK) {
			return ISO_E_CRYPTO_LIB;
		}
	}
	if (first && !BN_copy(r_mont, grp->mont_one))
		return ISO_E_NOMEM;
	return ISO_OK;
}

bool iso_varbase_in_subgroup(const struct iso_varbase *vb, BIGNUM *tmp, BN_CTX *ctx)
{
	if (iso_varbase_exp_mont(vb, tmp, vb->grp->q, ctx) != ISO_OK)
		return false;
	return BN_cmp(tmp, vb->grp->mont_one) == 0;
}
