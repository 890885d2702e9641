/* iso-check-voterfile VOTERS.CSV OUT T,M,P: the outputs of "isoloir-bureau
 * operation credentials" in OUT against its input, for
 * tests/cross/credentials.sh. The voter file parses as the registry reads
 * it; voters, names and polls are the input's, in its order; the letters
 * are two files joined by the voter's number (R-AUTH-02); each letter's
 * password is a valid credential that opens its own voter's verifier hash
 * and no other's; each answer hash takes the answer as typed (and its other
 * spellings), not a wrong one; every hash has the costs asked for; no
 * password is given twice. Each poll's public_creds.json is compact JSON,
 * sorted by value, a valid credential set, and holds exactly the public
 * credentials that its voters' passwords derive for it. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential.h"
#include "jsondoc.h"
#include "number.h"
#include "registry_voters.h"
#include "voterscsv.h"

static int failures;

#define FAIL(...)                                  \
	do {                                       \
		fprintf(stderr, "FAIL: " __VA_ARGS__); \
		fputc('\n', stderr);               \
		failures++;                        \
	} while (0)

static bool opens(const char *encoded, const char *secret)
{
	bool match = false;
	return registry_argon2_check(encoded, secret, strlen(secret), &match) == ISO_OK && match;
}

static bool verifier_opens(const char *encoded, const char *identifier, const char *password)
{
	char v[ISO_B64_HASH_LEN + 1];
	bool ok = iso_registry_verifier(identifier, password, v) == ISO_OK && opens(encoded, v);
	OPENSSL_cleanse(v, sizeof v);
	return ok;
}

static bool answer_opens(const char *encoded, const char *answer)
{
	char *norm = NULL;
	bool ok = registry_answer_normalise(answer, &norm) == ISO_OK && opens(encoded, norm);
	if (norm != NULL)
		OPENSSL_cleanse(norm, strlen(norm));
	free(norm);
	return ok;
}

struct letter {
	char **f; /* identifier, name, password */
};

/* One letters file: its header (numero, then a and b), then one line per
 * voter numbered 1..n in order; *ret (n arrays of 3 fields) gets the
 * numbered lines. */
static char ***letters_file(const char *path, const char *a, const char *b, size_t n)
{
	struct voters_csv_reader r;
	enum voters_csv_fault fault;
	char ***rows = calloc(n + 1, sizeof *rows), *text = NULL, **f = NULL, num[32];
	size_t len, nf, k = 0;
	int line;
	if (rows == NULL || iso_file_read(path, 1u << 26, &text, &len) != ISO_OK) {
		FAIL("%s unreadable", path);
		exit(1);
	}
	if (len < 2 || memcmp(text + len - 2, "\r\n", 2) != 0)
		FAIL("%s does not end with CRLF", path);
	voters_csv_reader_init(&r, text, len);
	if (voters_csv_record(&r, &f, &nf, &line, &fault) != ISO_OK || nf != 3 ||
	    strcmp(f[0], "numero") != 0 || strcmp(f[1], a) != 0 || strcmp(f[2], b) != 0)
		FAIL("%s: wrong header", path);
	voters_csv_fields_free(f, nf);
	for (;;) {
		if (voters_csv_record(&r, &f, &nf, &line, &fault) != ISO_OK) {
			FAIL("%s line %d: not CSV", path, line);
			break;
		}
		if (nf == 0)
			break;
		snprintf(num, sizeof num, "%zu", k + 1);
		if (nf != 3 || k == n || strcmp(f[0], num) != 0) {
			FAIL("%s line %d: %zu fields, not numbered %s, or more letters than voters",
			     path, line, nf, num);
			voters_csv_fields_free(f, nf);
			break;
		}
		rows[k++] = f;
	}
	if (k != n)
		FAIL("%s: %zu letters for %zu voters", path, k, n);
	OPENSSL_cleanse(text, len);
	free(text);
	return rows;
}

/* R-AUTH-02: letters-identifiers.csv (numero;identifiant;nom) and
 * letters-passwords.csv (numero;nom;mot_de_passe), never both an
 * identifier and a password in one; joined here by number into
 * identifier, name, password. */
static struct letter *letters_read(const char *outdir, size_t n)
{
	char p[512];
	char ***ids, ***pws;
	struct letter *l = calloc(n + 1, sizeof *l);
	snprintf(p, sizeof p, "%s/letters-identifiers.csv", outdir);
	ids = letters_file(p, "identifiant", "nom", n);
	snprintf(p, sizeof p, "%s/letters-passwords.csv", outdir);
	pws = letters_file(p, "nom", "mot_de_passe", n);
	for (size_t i = 0; l != NULL && i < n && ids[i] != NULL && pws[i] != NULL; i++) {
		if (strcmp(ids[i][2], pws[i][1]) != 0)
			FAIL("letter %zu: the two files name %s and %s", i + 1, ids[i][2], pws[i][1]);
		if ((l[i].f = calloc(3, sizeof *l[i].f)) == NULL)
			exit(1);
		l[i].f[0] = ids[i][1];
		l[i].f[1] = ids[i][2];
		l[i].f[2] = pws[i][2];
		ids[i][1] = ids[i][2] = pws[i][2] = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (ids[i] != NULL)
			voters_csv_fields_free(ids[i], 3);
		if (pws[i] != NULL)
			voters_csv_fields_free(pws[i], 3);
	}
	free(ids);
	free(pws);
	return l;
}

static int cmp_dec(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* OUT/poll/public_creds.json against the public credentials the letters'
 * passwords derive for the poll's voters. */
static void pubcreds_check(const char *outdir, const char *poll, const struct voters_csv *in,
			   const struct letter *letters)
{
	const struct iso_group *grp = iso_group_by_name("BELENIOS-2048");
	char path[512], *text = NULL, **want = calloc(in->n + 1, sizeof *want);
	size_t len, n = 0, bad = 0;
	struct iso_credset *cs = NULL;
	json_t *j = NULL;
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *pub = BN_new();
	snprintf(path, sizeof path, "%s/%s/public_creds.json", outdir, poll);
	if (want == NULL || ctx == NULL || pub == NULL ||
	    iso_file_read(path, 1u << 26, &text, &len) != ISO_OK) {
		FAIL("%s unreadable", path);
		goto out;
	}
	for (size_t i = 0; i < in->n; i++)
		for (size_t k = 0; k < in->rows[i].npolls; k++)
			if (strcmp(in->rows[i].polls[k], poll) == 0) {
				if (iso_credential_derive(grp, poll, letters[i].f[2], NULL, pub, ctx) !=
					    ISO_OK ||
				    (want[n++] = iso_bn_to_dec(pub)) == NULL)
					exit(1);
			}
	qsort(want, n, sizeof *want, cmp_dec);
	if (iso_json_parse(text, len, &j) != ISO_OK || !json_is_array(j) ||
	    !iso_json_is_canonical(j, text, len)) {
		FAIL("%s is not compact JSON (or ends with a newline)", path);
		goto out;
	}
	if (json_array_size(j) != n) {
		FAIL("%s: %zu public credentials for %zu voters", path, json_array_size(j), n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *c = json_string_value(json_array_get(j, i));
		if (c == NULL || strcmp(c, want[i]) != 0) {
			FAIL("%s: entry %zu is not the %zu-th smallest of its voters' public "
			     "credentials", path, i + 1, i + 1);
			break;
		}
	}
	if (iso_credset_parse(grp, text, len, &cs, &bad) != ISO_OK)
		FAIL("%s: not a valid credential set (entry %zu)", path, bad + 1);
out:
	iso_credset_free(cs);
	json_decref(j);
	for (size_t i = 0; want != NULL && i < n; i++)
		free(want[i]);
	free(want);
	free(text);
	BN_free(pub);
	BN_CTX_free(ctx);
}

int main(int argc, char **argv)
{
	struct voters_csv *in = NULL;
	struct voters_csv_where where;
	struct registry_voters *out = NULL;
	struct registry_voters_where vwhere;
	struct registry_argon2 want;
	char *text = NULL, *json = NULL, vpath[512];
	struct letter *letters;
	size_t len, jlen;
	if (argc != 4 || sscanf(argv[3], "%u,%u,%u", &want.t_cost, &want.m_cost_kib,
				&want.parallelism) != 3) {
		fprintf(stderr, "usage: iso-check-voterfile VOTERS.CSV OUT T,M,P\n");
		return 124;
	}
	snprintf(vpath, sizeof vpath, "%s/registry-voters.json", argv[2]);
	if (iso_file_read(argv[1], VOTERS_CSV_MAX_BYTES, &text, &len) != ISO_OK ||
	    voters_csv_parse(text, len, &in, &where) != ISO_OK) {
		fprintf(stderr, "FAIL: %s does not parse\n", argv[1]);
		return 1;
	}
	if (iso_file_read(vpath, REGISTRY_VOTERS_FILE_MAX, &json, &jlen) != ISO_OK ||
	    registry_voters_parse(json, jlen, &out, &vwhere) != ISO_OK) {
		char buf[256];
		registry_voters_where_format(&vwhere, ISO_E_VOTER_FILE, ISO_LANG_EN, buf, sizeof buf);
		fprintf(stderr, "FAIL: %s is refused as the registry reads it: %s\n", vpath, buf);
		return 1;
	}
	if (out->n != in->n) {
		fprintf(stderr, "FAIL: %zu voters in, %zu out\n", in->n, out->n);
		return 1;
	}
	letters = letters_read(argv[2], in->n);
	for (size_t i = 0; i < in->n && letters[i].f != NULL; i++) {
		const struct voters_csv_row *a = &in->rows[i];
		const struct registry_voter *v = &out->v[i];
		const char *id = letters[i].f[0], *name = letters[i].f[1], *pw = letters[i].f[2];
		char canon[ISO_CREDENTIAL_LEN + 1];
		struct registry_argon2 got;
		if (strcmp(a->identifier, v->identifier) != 0 || strcmp(a->name, v->name) != 0 ||
		    strcmp(a->identifier, id) != 0 || strcmp(a->name, name) != 0)
			FAIL("voter %zu: identifier or name differs (%s / %s / %s)", i + 1,
			     a->identifier, v->identifier, id);
		if (a->npolls != v->npolls)
			FAIL("voter %zu: %zu polls in, %zu out", i + 1, a->npolls, v->npolls);
		for (size_t k = 0; k < a->npolls && k < v->npolls; k++)
			if (strcmp(a->polls[k], v->polls[k]) != 0)
				FAIL("voter %zu: poll %zu differs", i + 1, k + 1);
		if (iso_credential_parse(pw, strlen(pw), canon) != ISO_OK || strcmp(canon, pw) != 0)
			FAIL("voter %zu: the password is not a credential in dashed form", i + 1);
		if (registry_argon2_params(v->verifier, &got) != ISO_OK ||
		    memcmp(&got, &want, sizeof got) != 0 ||
		    registry_argon2_params(v->answer, &got) != ISO_OK ||
		    memcmp(&got, &want, sizeof got) != 0)
			FAIL("voter %zu: the hashes do not have the costs %s", i + 1, argv[3]);
		if (!verifier_opens(v->verifier, v->identifier, pw))
			FAIL("voter %zu: the letter's password does not open the verifier", i + 1);
		for (size_t j = 0; j < in->n && letters[j].f != NULL; j++) {
			const char *other = letters[j].f[2];
			if (j == i)
				continue;
			if (j < i && strcmp(other, pw) == 0)
				FAIL("voters %zu and %zu have the same password", j + 1, i + 1);
			if (verifier_opens(v->verifier, v->identifier, other))
				FAIL("voter %zu: voter %zu's password opens the verifier", i + 1, j + 1);
		}
		/* bound to the identifier: the right password under another name fails */
		if (verifier_opens(v->verifier, "someone-else", pw))
			FAIL("voter %zu: the verifier is not bound to the identifier", i + 1);
		if (!answer_opens(v->answer, a->answer))
			FAIL("voter %zu: the answer as typed does not open the answer hash", i + 1);
		if (answer_opens(v->answer, "01/01/1901"))
			FAIL("voter %zu: a wrong answer opens the answer hash", i + 1);
		/* R-AUTH-03: the voter may type the date with other separators */
		if (strcmp(a->answer, "01/02/1980") == 0 &&
		    (!answer_opens(v->answer, "01 02 1980") || !answer_opens(v->answer, "01021980")))
			FAIL("voter %zu: another spelling of the answer does not open it", i + 1);
	}
	/* every poll named in the input, once */
	for (size_t i = 0; i < in->n && failures == 0; i++)
		for (size_t k = 0; k < in->rows[i].npolls; k++) {
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				for (size_t l = 0; l < in->rows[j].npolls && !seen; l++)
					seen = strcmp(in->rows[j].polls[l], in->rows[i].polls[k]) == 0;
			if (!seen)
				pubcreds_check(argv[2], in->rows[i].polls[k], in, letters);
		}
	if (failures == 0)
		printf("OK: %zu voters, each letter opens its own verifier only, each poll's "
		       "public credentials are its voters' and theirs only\n", in->n);
	for (size_t i = 0; i < in->n; i++)
		voters_csv_fields_free(letters[i].f, 3);
	free(letters);
	voters_csv_free(in);
	registry_voters_free(out);
	OPENSSL_cleanse(text, len);
	free(text);
	free(json);
	return failures == 0 ? 0 : 1;
}
