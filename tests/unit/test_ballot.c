/* Ballots: belenios-tool's ballots verify here; ours verify, for every kind
 * of vote; each corruption of tamper.c is refused with its own error; a bad
 * plaintext is refused before anything is encrypted. Data: the reference
 * election made by tests/data/make-belenios-ref.sh. */
#include <stdlib.h>
#include <string.h>

#include "../tools/tamper.h"
#include "ballot.h"
#include "check.h"
#include "jsondoc.h"

static char *read_data(const char *dir, const char *name, size_t *len)
{
	char path[1024], *buf = NULL;
	snprintf(path, sizeof path, "%s/belenios-ref/%s", dir, name);
	if (iso_file_read(path, ISO_JSON_MAX_BYTES, &buf, len) != ISO_OK) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	if (*len > 0 && buf[*len - 1] == '\n')
		buf[--*len] = '\0';
	return buf;
}

static const char *line_field(char *text, int line, int field)
{
	/* the line-th line (1-based), field-th space-separated field (1-based) */
	static char out[256];
	char *p = text;
	for (int l = 1; l < line && p != NULL; l++)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	if (p == NULL)
		return NULL;
	for (int f = 1; f < field && p != NULL; f++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	size_t n = strcspn(p, " \n");
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static enum iso_err verify(struct iso_ballot_verifier *v, const struct iso_credset *cs,
			   const char *b)
{
	struct iso_ballot_facts f;
	struct iso_where w;
	iso_where_clear(&w);
	return iso_ballot_verify(v, cs, b, strlen(b), &f, &w);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data";
	size_t el, cl, pl;
	char *eraw = read_data(dir, "setup/election.json", &el);
	char *craw = read_data(dir, "setup/public_creds.json", &cl);
	char *priv = read_data(dir, "private_creds.txt", &pl);
	struct iso_election *e = NULL;
	struct iso_credset *cs = NULL;
	struct iso_ballot_verifier *v = NULL;
	char cred[300];

	CHECK_ERR(iso_election_parse(eraw, el, &e), ISO_OK);
	CHECK_ERR(iso_credset_parse(e->grp, craw, cl, &cs, NULL), ISO_OK);
	CHECK_ERR(iso_ballot_verifier_new(e, false, &v), ISO_OK);
	CHECK(iso_credset_count(cs) == 5);

	/* belenios-tool's ballots */
	for (int i = 1; i <= 5; i++) {
		char name[32];
		size_t bl;
		snprintf(name, sizeof name, "ballot%d.json", i);
		char *b = read_data(dir, name, &bl);
		CHECK_ERR(verify(v, cs, b), ISO_OK);
		free(b);
	}

	/* ours: every vote shape of the reference election */
	static const char *const votes[] = {
		"[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]", /* list A */
		"[[1,0,0,0,0,0,0,0,0,0,0],[0,1,0]]", /* blank */
		"[[0,0,0,0,0,0,0,0,0,0,0],[0,0,1]]", /* no list, not blank (min 0) */
		"[[0,0,0,0,0,0,0,0,0,0,1],[0,1,0]]", /* last list */
	};
	snprintf(cred, sizeof cred, "%s", line_field(priv, 1, 2));
	char *good = NULL;
	for (size_t i = 0; i < sizeof votes / sizeof votes[0]; i++) {
		struct iso_plaintext pt;
		char *b = NULL;
		size_t bl;
		CHECK_ERR(iso_plaintext_parse(e, votes[i], strlen(votes[i]), &pt, NULL), ISO_OK);
		/* threads: one per CPU, one, two: the same work split differently */
		CHECK_ERR(iso_ballot_encrypt(e, cred, &pt, (int)(i % 3), &b, &bl), ISO_OK);
		CHECK(b != NULL && strlen(b) == bl && strchr(b, '\n') == NULL);
		if (b != NULL)
			CHECK_ERR(verify(v, cs, b), ISO_OK);
		iso_plaintext_wipe(&pt);
		if (good == NULL)
			good = b;
		else
			free(b);
	}

	/* plaintexts refused before encryption */
	static const char *const bad[] = {
		"[[0,1,1,0,0,0,0,0,0,0,0],[1,0,0]]", /* two lists, max 1 */
		"[[1,1,0,0,0,0,0,0,0,0,0],[1,0,0]]", /* blank and a list */
		"[[0,1,0,0,0,0,0,0,0,0,0],[0,0,0]]", /* question 2 needs one answer */
		"[[0,2,0,0,0,0,0,0,0,0,0],[1,0,0]]", /* not 0 or 1 */
		"[[0,1,0,0,0,0,0,0,0,0],[1,0,0]]",   /* one choice short */
		"[[0,1,0,0,0,0,0,0,0,0,0]]",         /* one question short */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct iso_plaintext pt;
		CHECK_ERR(iso_plaintext_parse(e, bad[i], strlen(bad[i]), &pt, NULL), ISO_E_PLAINTEXT);
	}
	{
		struct iso_plaintext pt;
		char *b = NULL;
		size_t bl;
		CHECK_ERR(iso_plaintext_parse(e, votes[0], strlen(votes[0]), &pt, NULL), ISO_OK);
		CHECK_ERR(iso_ballot_encrypt(e, "Nhh-BDW-9xA-wnr-woc", &pt, 2, &b, &bl), ISO_E_CREDENTIAL_CHECKSUM);
		iso_plaintext_wipe(&pt);
	}

	/* every corruption, refused with its own error */
	int ntamper = 0;
	for (const struct tamper *t = tampers; t->name != NULL && good != NULL; t++) {
		char *bad_ballot = NULL;
		enum iso_err err = tamper_ballot(t->name, e, cred, good, strlen(good), &bad_ballot);
		CHECK_ERR(err, ISO_OK);
		if (err != ISO_OK)
			continue;
		enum iso_err got = verify(v, cs, bad_ballot);
		if (got != t->expect)
			fprintf(stderr, "corruption %s: got %s, expected %s\n", t->name, iso_errname(got),
				iso_errname(t->expect));
		CHECK(got == t->expect);
		free(bad_ballot);
		ntamper++;
	}
	CHECK(ntamper >= 20);

	free(good);
	iso_ballot_verifier_free(v);
	iso_credset_free(cs);
	iso_election_free(e);
	free(eraw);
	free(craw);
	free(priv);
	return check_status();
}
