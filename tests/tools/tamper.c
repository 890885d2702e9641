/* Ballot corruptions for the tests (see tamper.h). */
#include "tamper.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ballot.h"
#include "credential.h"
#include "hash.h"
#include "jsondoc.h"
#include "number.h"
#include "scalar.h"

const struct tamper tampers[] = {
	{"not-json", ISO_E_JSON, "the ballot cut in the middle"},
	{"spaces", ISO_E_NOT_CANONICAL, "a space after the opening brace"},
	{"field-order", ISO_E_NOT_CANONICAL, "election_hash before election_uuid"},
	{"leading-zero", ISO_E_NOT_CANONICAL, "a leading zero in the credential"},
	{"extra-field", ISO_E_SHAPE, "an unknown top-level field"},
	{"unknown-credential", ISO_E_UNKNOWN_CREDENTIAL, "signed with a credential not in the list"},
	{"wrong-uuid", ISO_E_WRONG_ELECTION, "another election's uuid"},
	{"wrong-hash", ISO_E_WRONG_ELECTION_HASH, "another election fingerprint"},
	{"no-signature", ISO_E_MISSING_SIGNATURE, "the signature removed"},
	{"signature-hash", ISO_E_SIGNATURE_HASH, "the signed hash altered"},
	{"signature-response", ISO_E_BAD_SIGNATURE, "the signature's response altered"},
	{"signature-challenge-q", ISO_E_NOT_IN_ZQ, "the signature's challenge set to q"},
	{"extra-answer", ISO_E_ANSWER_COUNT, "one answer too many"},
	{"missing-choice", ISO_E_CHOICE_COUNT, "the last choice of question 1 removed"},
	{"proof-count", ISO_E_PROOF_COUNT, "an individual proof with three entries"},
	{"alpha-zero", ISO_E_NOT_GROUP_ELEMENT, "alpha set to 0"},
	{"alpha-order-2", ISO_E_NOT_GROUP_ELEMENT, "alpha replaced by p - alpha"},
	{"alpha-times-order-3", ISO_E_NOT_GROUP_ELEMENT, "alpha times an element of order 3"},
	{"beta-above-p", ISO_E_NOT_GROUP_ELEMENT, "beta replaced by beta + p"},
	{"response-q", ISO_E_NOT_IN_ZQ, "an individual proof's response set to q"},
	{"individual-proof", ISO_E_BAD_INDIVIDUAL_PROOF, "the proofs of choices 1 and 2 swapped"},
	{"swap-ciphertexts", ISO_E_BAD_INDIVIDUAL_PROOF, "the ciphertexts of choices 1 and 2 swapped"},
	{"overall-proof", ISO_E_BAD_OVERALL_PROOF, "an overall proof challenge altered"},
	{"blank-proof", ISO_E_BAD_BLANK_PROOF, "a blank proof response altered"},
	{"no-blank-proof", ISO_E_MISSING_BLANK_PROOF, "the blank proof removed"},
	{"extra-blank-proof", ISO_E_UNEXPECTED_BLANK_PROOF, "a blank proof on a question without blank"},
	{NULL, ISO_OK, NULL},
};

/* Sign the ballot again with the credential's secret for e. */
static enum iso_err resign(const struct iso_election *e, const BIGNUM *s, json_t *b, char **ret)
{
	const struct iso_group *grp = e->grp;
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *w = BN_new(), *A = BN_new(), *c = BN_new(), *r = BN_new();
	struct iso_fs fs;
	char *unsigned_s = NULL, h[ISO_B64_HASH_LEN + 1];
	size_t ulen;
	json_t *sig, *proof;
	enum iso_err err = iso_fs_init(&fs);
	if (err != ISO_OK)
		return err;
	json_object_del(b, "signature");
	if ((err = iso_json_dump(b, &unsigned_s, &ulen)) != ISO_OK)
		goto out;
	iso_sha256_b64(unsigned_s, ulen, h);
	if ((err = iso_zq_random(grp, w)) || (err = iso_group_gexp(grp, A, w, ctx)) ||
	    (err = iso_fs_begin(&fs)) || (err = iso_fs_str(&fs, "sig|")) || (err = iso_fs_str(&fs, h)) ||
	    (err = iso_fs_str(&fs, "|")) || (err = iso_fs_elt(&fs, A)) ||
	    (err = iso_fs_finish(&fs, grp, c, ctx)) || (err = iso_zq_mulsub(grp, r, w, s, c, ctx)))
		goto out;
	sig = json_object();
	proof = json_object();
	json_object_set_new(proof, "challenge", iso_json_of_bn(c));
	json_object_set_new(proof, "response", iso_json_of_bn(r));
	json_object_set_new(sig, "hash", json_string(h));
	json_object_set_new(sig, "proof", proof);
	json_object_set_new(b, "signature", sig);
	err = iso_json_dump(b, ret, NULL);
out:
	iso_fs_free(&fs);
	free(unsigned_s);
	BN_free(w);
	BN_free(A);
	BN_free(c);
	BN_free(r);
	BN_CTX_free(ctx);
	return err;
}

/* x := f(x) on a decimal string member */
static void set_bn(json_t *obj, const char *key, const BIGNUM *x)
{
	json_object_set_new(obj, key, iso_json_of_bn(x));
}

static BIGNUM *get_bn(json_t *obj, const char *key)
{
	BIGNUM *x = NULL;
	if (iso_json_bn(json_object_get(obj, key), &x) != ISO_OK)
		return NULL;
	return x;
}

/* An element of order 3, if 3 divides (p-1)/q. */
static BIGNUM *order3(const struct iso_group *grp, BN_CTX *ctx)
{
	BIGNUM *e = BN_new(), *t = BN_new();
	BN_sub(e, grp->p, BN_value_one());
	BN_div_word(e, 3);
	for (unsigned long h = 2;; h++) {
		BN_set_word(t, h);
		BN_mod_exp(t, t, e, grp->p, ctx);
		if (!BN_is_one(t))
			break;
	}
	BN_free(e);
	return t;
}

static char *text_edit(const char *ballot, size_t len, const char *name)
{
	char *out = malloc(len + 2);
	if (out == NULL)
		return NULL;
	if (strcmp(name, "not-json") == 0) {
		memcpy(out, ballot, len / 2);
		out[len / 2] = '\0';
	} else if (strcmp(name, "spaces") == 0) {
		out[0] = '{';
		out[1] = ' ';
		memcpy(out + 2, ballot + 1, len - 1);
		out[len + 1] = '\0';
	} else {
		free(out);
		return NULL;
	}
	return out;
}

enum iso_err tamper_ballot(const char *name, const struct iso_election *e, const char *cred,
			   const char *ballot, size_t len, char **ret)
{
	const struct iso_group *grp = e->grp;
	json_t *b = NULL, *answers, *a0, *choices, *ind, *c0;
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *s = BN_new(), *x = NULL, *t = NULL;
	enum iso_err err;
	char dashed[ISO_CREDENTIAL_LEN + 1];
	bool sign = true;

	if ((*ret = text_edit(ballot, len, name)) != NULL) {
		BN_free(s);
		BN_CTX_free(ctx);
		return ISO_OK;
	}
	if ((err = iso_json_parse(ballot, len, &b)) != ISO_OK ||
	    (err = iso_credential_parse(cred, strlen(cred), dashed)) != ISO_OK ||
	    (err = iso_credential_derive(grp, e->uuid, dashed, s, NULL, ctx)) != ISO_OK)
		goto out;
	answers = json_object_get(b, "answers");
	a0 = json_array_get(answers, 0);
	choices = json_object_get(a0, "choices");
	ind = json_object_get(a0, "individual_proofs");
	c0 = json_array_get(choices, 0);
	err = ISO_OK;
	if (strcmp(name, "field-order") == 0) {
		json_t *nb = json_object(), *v;
		const char *order[] = {"election_hash", "election_uuid", "credential", "answers", "signature"};
		for (int i = 0; i < 5; i++)
			if ((v = json_object_get(b, order[i])) != NULL)
				json_object_set(nb, order[i], v);
		json_decref(b);
		b = nb;
		sign = false;
	} else if (strcmp(name, "leading-zero") == 0) {
		char *z = malloc(2000);
		snprintf(z, 2000, "0%s", json_string_value(json_object_get(b, "credential")));
		json_object_set_new(b, "credential", json_string(z));
		free(z);
		sign = false;
	} else if (strcmp(name, "extra-field") == 0) {
		json_t *sig = json_incref(json_object_get(b, "signature"));
		json_object_del(b, "signature");
		json_object_set_new(b, "comment", json_string("hello"));
		json_object_set_new(b, "signature", sig);
		sign = false;
	} else if (strcmp(name, "unknown-credential") == 0) {
		BIGNUM *C = BN_new();
		iso_zq_random(grp, s);
		iso_group_gexp(grp, C, s, ctx);
		set_bn(b, "credential", C);
		BN_free(C);
	} else if (strcmp(name, "wrong-uuid") == 0) {
		json_object_set_new(b, "election_uuid", json_string("AAAAAAAAAAAAAA"));
	} else if (strcmp(name, "wrong-hash") == 0) {
		json_object_set_new(b, "election_hash", json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	} else if (strcmp(name, "no-signature") == 0) {
		json_object_del(b, "signature");
		sign = false;
	} else if (strcmp(name, "signature-hash") == 0) {
		json_object_set_new(json_object_get(b, "signature"), "hash",
				    json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
		sign = false;
	} else if (strcmp(name, "signature-response") == 0 || strcmp(name, "signature-challenge-q") == 0) {
		json_t *p = json_object_get(json_object_get(b, "signature"), "proof");
		bool resp = name[10] == 'r';
		x = get_bn(p, resp ? "response" : "challenge");
		if (resp)
			BN_mod_add(x, x, BN_value_one(), grp->q, ctx);
		else
			BN_copy(x, grp->q);
		set_bn(p, resp ? "response" : "challenge", x);
		sign = false;
	} else if (strcmp(name, "extra-answer") == 0) {
		json_array_append(answers, json_array_get(answers, json_array_size(answers) - 1));
	} else if (strcmp(name, "missing-choice") == 0) {
		json_array_remove(choices, json_array_size(choices) - 1);
		json_array_remove(ind, json_array_size(ind) - 1);
	} else if (strcmp(name, "proof-count") == 0) {
		json_t *p = json_array_get(ind, 0);
		json_array_append(p, json_array_get(p, 0));
	} else if (strcmp(name, "alpha-zero") == 0) {
		json_object_set_new(c0, "alpha", json_string("0"));
	} else if (strcmp(name, "alpha-order-2") == 0 || strcmp(name, "alpha-times-order-3") == 0 ||
		   strcmp(name, "beta-above-p") == 0) {
		bool beta = name[0] == 'b';
		x = get_bn(c0, beta ? "beta" : "alpha");
		if (name[6] == 'o')
			BN_sub(x, grp->p, x);
		else if (beta)
			BN_add(x, x, grp->p);
		else {
			t = order3(grp, ctx);
			BN_mod_mul(x, x, t, grp->p, ctx);
		}
		set_bn(c0, beta ? "beta" : "alpha", x);
	} else if (strcmp(name, "response-q") == 0) {
		json_object_set_new(json_array_get(json_array_get(ind, 0), 0), "response",
				    iso_json_of_bn(grp->q));
	} else if (strcmp(name, "individual-proof") == 0 || strcmp(name, "swap-ciphertexts") == 0) {
		json_t *arr = name[0] == 'i' ? ind : choices;
		json_t *p0 = json_incref(json_array_get(arr, 0)), *p1 = json_incref(json_array_get(arr, 1));
		json_array_set_new(arr, 0, p1);
		json_array_set_new(arr, 1, p0);
	} else if (strcmp(name, "overall-proof") == 0 || strcmp(name, "blank-proof") == 0) {
		bool blank = name[0] == 'b';
		json_t *p = json_array_get(json_object_get(a0, blank ? "blank_proof" : "overall_proof"), 0);
		x = get_bn(p, blank ? "response" : "challenge");
		BN_mod_add(x, x, BN_value_one(), grp->q, ctx);
		set_bn(p, blank ? "response" : "challenge", x);
	} else if (strcmp(name, "no-blank-proof") == 0) {
		json_object_del(a0, "blank_proof");
	} else if (strcmp(name, "extra-blank-proof") == 0) {
		json_t *a1 = json_array_get(answers, 1);
		json_object_set(a1, "blank_proof", json_object_get(a0, "blank_proof"));
	} else {
		err = ISO_E_INVALID_ARG;
		goto out;
	}
	if (sign)
		err = resign(e, s, b, ret);
	else
		err = iso_json_dump(b, ret, NULL);
out:
	json_decref(b);
	BN_free(s);
	BN_free(x);
	BN_free(t);
	BN_CTX_free(ctx);
	return err;
}
