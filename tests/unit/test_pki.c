/* The threshold ceremony's PKI and Pedersen steps against belenios-tool's
 * reference ceremony (tests/data/belenios-ref): its certificates and
 * threshold parameters check; our step 5 on its vinputs finds the same
 * verification keys; its .dkey files open with its seeds; signatures,
 * channel messages (two nonce sizes) and altered inputs behave. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "group.h"
#include "jsondoc.h"
#include "pedersen.h"
#include "pki.h"
#include "scalar.h"

static const char *dir;

static char *ref_file(const char *name, size_t *len)
{
	char path[1024], *b = NULL;
	size_t l;
	snprintf(path, sizeof path, "%s/belenios-ref/%s", dir, name);
	if (iso_file_read(path, 1u << 26, &b, &l) != ISO_OK) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	while (l > 0 && b[l - 1] == '\n')
		b[--l] = '\0';
	if (len != NULL)
		*len = l;
	return b;
}

static void test_sign_and_channel(const struct iso_group *grp, BN_CTX *ctx)
{
	char seed[ISO_PKI_SEED_LEN + 1], *sig = NULL, *enc = NULL, *out = NULL;
	BIGNUM *sk = iso_secret_new(), *dk = iso_secret_new(), *vk = BN_new(), *ek = BN_new(),
	       *t = BN_new();
	json_t *j = NULL;
	size_t n;
	const char *msg;
	CHECK_ERR(iso_pki_seed_generate(seed), ISO_OK);
	CHECK(strlen(seed) == ISO_PKI_SEED_LEN);
	CHECK_ERR(iso_pki_derive(seed, sk, dk), ISO_OK);
	BN_nnmod(t, sk, grp->q, ctx);
	iso_group_gexp(grp, vk, t, ctx);
	BN_nnmod(t, dk, grp->q, ctx);
	iso_group_gexp(grp, ek, t, ctx);

	CHECK_ERR(iso_pki_sign(grp, sk, "{\"a\":\"b\"}", &sig, ctx), ISO_OK);
	CHECK_ERR(iso_json_parse(sig, strlen(sig), &j), ISO_OK);
	CHECK_ERR(iso_pki_verify(grp, vk, j, &msg, ctx), ISO_OK);
	CHECK(strcmp(msg, "{\"a\":\"b\"}") == 0);
	CHECK_ERR(iso_pki_verify(grp, ek, j, NULL, ctx), ISO_E_BAD_MESSAGE_SIGNATURE);
	json_object_set_new(j, "message", json_string("{\"a\":\"c\"}"));
	CHECK_ERR(iso_pki_verify(grp, vk, j, NULL, ctx), ISO_E_BAD_MESSAGE_SIGNATURE);
	json_decref(j);
	free(sig);

	/* 13-byte nonce below 64 KiB, 12-byte above */
	for (size_t len = 1; len <= 70000; len += 69999) {
		char *m = malloc(len + 1);
		memset(m, 'x', len);
		m[len] = '\0';
		CHECK_ERR(iso_pki_encrypt(grp, ek, m, len, &enc, ctx), ISO_OK);
		CHECK_ERR(iso_json_parse(enc, strlen(enc), &j), ISO_OK);
		CHECK_ERR(iso_pki_decrypt(grp, dk, j, &out, &n, ctx), ISO_OK);
		CHECK(n == len && memcmp(out, m, len) == 0);
		free(out);
		CHECK_ERR(iso_pki_decrypt(grp, sk, j, &out, &n, ctx), ISO_E_CHANNEL_DECRYPT);
		/* one bit of the tag */
		char *data = strdup(json_string_value(json_object_get(j, "data")));
		data[strlen(data) - 1] = data[strlen(data) - 1] == '0' ? '1' : '0';
		json_object_set_new(j, "data", json_string(data));
		CHECK_ERR(iso_pki_decrypt(grp, dk, j, &out, &n, ctx), ISO_E_CHANNEL_DECRYPT);
		json_object_set_new(j, "alpha", json_string("0"));
		CHECK_ERR(iso_pki_decrypt(grp, dk, j, &out, &n, ctx), ISO_E_NOT_GROUP_ELEMENT);
		free(data);
		json_decref(j);
		free(enc);
		free(m);
	}

	/* a channel message to oneself, and to the wrong recipient */
	CHECK_ERR(iso_channel_send(grp, sk, ek, "{\"secret\":\"42\"}", &enc, ctx), ISO_OK);
	CHECK_ERR(iso_json_parse(enc, strlen(enc), &j), ISO_OK);
	CHECK_ERR(iso_channel_recv(grp, dk, vk, j, &out, ctx), ISO_OK);
	CHECK(out != NULL && strcmp(out, "{\"secret\":\"42\"}") == 0);
	free(out);
	CHECK_ERR(iso_channel_recv(grp, dk, ek, j, &out, ctx), ISO_E_BAD_MESSAGE_SIGNATURE);
	json_decref(j);
	free(enc);
	BN_clear_free(sk);
	BN_clear_free(dk);
	BN_free(vk);
	BN_free(ek);
	BN_free(t);
}

static void test_reference(const struct iso_group *grp, BN_CTX *ctx)
{
	size_t len;
	char *certs_text = ref_file("certs.jsons", &len);
	struct iso_pedersen_certs *certs = NULL;
	struct iso_threshold *th = NULL;
	struct iso_where w;
	json_t *tj = NULL;
	char *tt;
	iso_where_clear(&w);
	CHECK_ERR(iso_pedersen_certs_read(grp, certs_text, len, &certs, &w), ISO_OK);
	if (certs == NULL)
		return;
	CHECK(certs->n == 3);
	tt = ref_file("threshold.json", &len);
	CHECK_ERR(iso_json_parse(tt, len, &tj), ISO_OK);
	CHECK_ERR(iso_threshold_check(grp, tj, &th, &w, ctx), ISO_OK);
	CHECK(th != NULL && th->threshold == 2 && th->n == 3);

	for (size_t j = 0; th != NULL && j < certs->n; j++) {
		char name[80], *seed, *dkey, *vinput, *vout = NULL, *refvout;
		BIGNUM *pdk = iso_secret_new(), *X = BN_new();
		json_t *a = NULL, *b = NULL;
		size_t vlen;
		snprintf(name, sizeof name, "%s.key", certs->ids[j]);
		seed = ref_file(name, NULL);
		snprintf(name, sizeof name, "%s.dkey", certs->ids[j]);
		dkey = ref_file(name, NULL);
		CHECK_ERR(iso_pedersen_decryption_key(grp, seed, dkey, pdk), ISO_OK);
		iso_group_gexp(grp, X, pdk, ctx);
		CHECK(BN_cmp(X, th->verification_keys[j]) == 0);
		/* another trustee's seed cannot open it */
		snprintf(name, sizeof name, "%s.key", certs->ids[(j + 1) % 3]);
		char *other = ref_file(name, NULL);
		CHECK(iso_pedersen_decryption_key(grp, other, dkey, pdk) != ISO_OK);
		free(other);
		/* our step 5 on belenios-tool's vinput: the same public key */
		snprintf(name, sizeof name, "%s.vinput", certs->ids[j]);
		vinput = ref_file(name, &vlen);
		CHECK_ERR(iso_pedersen_step5(grp, certs, seed, vinput, vlen, &vout, &w), ISO_OK);
		snprintf(name, sizeof name, "%s.voutput", certs->ids[j]);
		refvout = ref_file(name, NULL);
		if (vout != NULL && iso_json_parse(vout, strlen(vout), &a) == ISO_OK &&
		    iso_json_parse(refvout, strlen(refvout), &b) == ISO_OK)
			CHECK(json_equal(json_object_get(json_object_get(a, "public_key"), "public_key"),
					 json_object_get(json_object_get(b, "public_key"), "public_key")));
		else
			CHECK(!"step 5 output");
		/* step 5 with another trustee's vinput: the shares are not ours */
		snprintf(name, sizeof name, "%s.vinput", certs->ids[(j + 1) % 3]);
		char *wrong = ref_file(name, &vlen);
		free(vout);
		vout = NULL;
		CHECK(iso_pedersen_step5(grp, certs, seed, wrong, vlen, &vout, &w) != ISO_OK);
		free(wrong);
		json_decref(a);
		json_decref(b);
		free(vout);
		free(refvout);
		free(vinput);
		free(seed);
		free(dkey);
		BN_clear_free(pdk);
		BN_free(X);
	}
	iso_threshold_free(th);
	th = NULL;

	/* altered threshold parameters */
	json_t *alt = json_deep_copy(tj);
	json_object_set_new(alt, "threshold", json_integer(3));
	CHECK_ERR(iso_threshold_check(grp, alt, &th, &w, ctx), ISO_E_THRESHOLD);
	json_decref(alt);
	alt = json_deep_copy(tj);
	json_t *vks = json_object_get(alt, "verification_keys");
	json_t *v0 = json_incref(json_array_get(vks, 0));
	json_array_set(vks, 0, json_array_get(vks, 1));
	json_array_set_new(vks, 1, v0);
	iso_where_clear(&w);
	CHECK_ERR(iso_threshold_check(grp, alt, &th, &w, ctx), ISO_E_BAD_VERIFICATION_KEY);
	CHECK(w.trustee == 1);
	json_decref(alt);
	alt = json_deep_copy(tj);
	json_t *ce = json_object_get(alt, "coefexps");
	json_t *c0 = json_incref(json_array_get(ce, 0));
	json_array_set(ce, 0, json_array_get(ce, 2));
	json_array_set_new(ce, 2, c0);
	iso_where_clear(&w);
	CHECK_ERR(iso_threshold_check(grp, alt, &th, &w, ctx), ISO_E_BAD_COEFEXPS);
	CHECK(w.trustee == 1);
	json_decref(alt);

	/* certificates: a duplicate, and a signature that does not verify */
	size_t twice_size = 2 * strlen(certs_text) + 2;
	char *twice = malloc(twice_size);
	snprintf(twice, twice_size, "%s\n%s", certs_text, certs_text);
	struct iso_pedersen_certs *c2 = NULL;
	iso_where_clear(&w);
	CHECK_ERR(iso_pedersen_certs_read(grp, twice, strlen(twice), &c2, &w),
		  ISO_E_DUPLICATE_CERTIFICATE);
	CHECK(w.trustee == 4);
	char *resp = strstr(certs_text, "\"response\":\"");
	resp[12] = resp[12] == '1' ? '2' : '1';
	iso_where_clear(&w);
	CHECK_ERR(iso_pedersen_certs_read(grp, certs_text, strlen(certs_text), &c2, &w),
		  ISO_E_BAD_CERTIFICATE);
	CHECK(w.trustee == 1);
	free(twice);
	json_decref(tj);
	free(tt);
	free(certs_text);
	iso_pedersen_certs_free(certs);
}

/* A whole ceremony of ours with 4 trustees, threshold 3, and a wrong
 * number of polynomials. */
static void test_ceremony(const struct iso_group *grp, BN_CTX *ctx)
{
	enum { N = 4, T = 3 };
	char seeds[N][ISO_PKI_SEED_LEN + 1], ids[N][65], *certs_text = NULL, *polys = NULL,
	     *vouts = NULL, **vinputs = NULL, **dkeys = NULL, *thr = NULL;
	size_t clen = 0, plen = 0, vlen = 0;
	struct iso_pedersen_certs *certs = NULL;
	struct iso_threshold *th = NULL;
	struct iso_where w;
	json_t *tj = NULL;
	iso_where_clear(&w);
	for (int i = 0; i < N; i++) {
		char *cert = NULL;
		CHECK_ERR(iso_pedersen_step1(grp, seeds[i], &cert, ids[i]), ISO_OK);
		certs_text = realloc(certs_text, clen + strlen(cert) + 2);
		clen += (size_t)snprintf(certs_text + clen, strlen(cert) + 2, "%s\n", cert);
		free(cert);
	}
	CHECK_ERR(iso_pedersen_certs_read(grp, certs_text, clen, &certs, &w), ISO_OK);
	if (certs == NULL)
		return;
	CHECK(strcmp(certs->ids[2], ids[2]) == 0);
	CHECK_ERR(iso_pedersen_step3(grp, certs, seeds[0], N + 1, &polys), ISO_E_THRESHOLD);
	for (int i = 0; i < N; i++) {
		char *p = NULL;
		CHECK_ERR(iso_pedersen_step3(grp, certs, seeds[i], T, &p), ISO_OK);
		polys = realloc(polys, plen + strlen(p) + 2);
		plen += (size_t)sprintf(polys + plen, "%s\n", p);
		if (i == N - 2)
			CHECK_ERR(iso_pedersen_step4(grp, certs, polys, plen, &vinputs, &w),
				  ISO_E_TRUSTEE_COUNT);
		free(p);
	}
	CHECK_ERR(iso_pedersen_step4(grp, certs, polys, plen, &vinputs, &w), ISO_OK);
	for (int j = 0; vinputs != NULL && j < N; j++) {
		char *v = NULL;
		CHECK_ERR(iso_pedersen_step5(grp, certs, seeds[j], vinputs[j], strlen(vinputs[j]), &v,
					     &w),
			  ISO_OK);
		vouts = realloc(vouts, vlen + strlen(v) + 2);
		vlen += (size_t)sprintf(vouts + vlen, "%s\n", v);
		free(v);
	}
	CHECK_ERR(iso_pedersen_step6(grp, certs, polys, plen, vouts, vlen, &thr, &dkeys, &w), ISO_OK);
	CHECK_ERR(iso_json_parse(thr, strlen(thr), &tj), ISO_OK);
	CHECK_ERR(iso_threshold_check(grp, tj, &th, &w, ctx), ISO_OK);
	CHECK(th != NULL && th->threshold == T && th->n == N);
	for (int j = 0; th != NULL && j < N; j++) {
		BIGNUM *pdk = iso_secret_new(), *X = BN_new();
		CHECK_ERR(iso_pedersen_decryption_key(grp, seeds[j], dkeys[j], pdk), ISO_OK);
		iso_group_gexp(grp, X, pdk, ctx);
		CHECK(BN_cmp(X, th->verification_keys[j]) == 0);
		BN_clear_free(pdk);
		BN_free(X);
	}
	for (int j = 0; j < N; j++) {
		free(vinputs != NULL ? vinputs[j] : NULL);
		free(dkeys != NULL ? dkeys[j] : NULL);
	}
	free(vinputs);
	free(dkeys);
	iso_threshold_free(th);
	json_decref(tj);
	free(thr);
	free(vouts);
	free(polys);
	free(certs_text);
	iso_pedersen_certs_free(certs);
}

int main(int argc, char **argv)
{
	const struct iso_group *grp = iso_group_by_name("BELENIOS-2048");
	BN_CTX *ctx = BN_CTX_new();
	dir = argc > 1 ? argv[1] : "tests/data";
	test_sign_and_channel(grp, ctx);
	test_reference(grp, ctx);
	test_ceremony(grp, ctx);
	BN_CTX_free(ctx);
	return check_status();
}
