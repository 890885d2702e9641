/* bench_ballot DIR [N]: in-process cost of one ballot for the election of
 * DIR (election.json, a credential in cred.txt, a vote in vote.json), on one
 * core: encryption (first ballot of a one-shot process, then the steady
 * state of a process that prepared its tables)
 * and verification, with the exponentiation counts per ballot; then the
 * steady encryption on every core (wall clock). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ballot.h"
#include "jsondoc.h"

static double clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[2048], *b = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (iso_file_read(path, ISO_JSON_MAX_BYTES, &b, len) != ISO_OK) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	while (*len > 0 && b[*len - 1] == '\n')
		b[--*len] = '\0';
	return b;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 50;
	size_t el, cl, vl, bl = 0;
	char *eraw = slurp(dir, "election.json", &el), *cred = slurp(dir, "cred.txt", &cl),
	     *vote = slurp(dir, "vote.json", &vl), *ballot = NULL;
	struct iso_election *e = NULL;
	struct iso_plaintext pt;
	struct iso_ballot_verifier *v = NULL;
	struct iso_opcount oc;
	double t0, first, enc = 1e9, ver = 1e9, enc_all = 1e9;

	if (n < 1 || n > 100000)
		return 124;
	if (iso_election_parse(eraw, el, &e) != ISO_OK ||
	    iso_plaintext_parse(e, vote, vl, &pt, NULL) != ISO_OK)
		return 2;
	/* first ballot of a fresh process, as `ballot encrypt` makes it: the
	 * table of y is built for this one ballot (that of g comes with the
	 * library) */
	t0 = now();
	if (iso_ballot_encrypt(e, cred, &pt, 1, &ballot, &bl) != ISO_OK)
		return 1;
	first = now() - t0;
	free(ballot);
	/* then the steady state of a kiosk, which prepares its tables once */
	iso_election_free(e);
	if (iso_election_parse(eraw, el, &e) != ISO_OK || iso_election_prepare(e, true) != ISO_OK)
		return 2;
	iso_opcount_reset();
	for (long i = 0; i < n; i++) {
		t0 = now();
		if (iso_ballot_encrypt(e, cred, &pt, 1, &ballot, &bl) != ISO_OK)
			return 1;
		double t = now() - t0;
		enc = t < enc ? t : enc;
		if (i + 1 < n)
			free(ballot);
	}
	iso_opcount_get(&oc);
	printf("encrypt.first_ms %.3f\n", first * 1e3);
	printf("encrypt.ms %.3f\n", enc * 1e3);
	printf("encrypt.fixed_exp %lu\n", oc.fixed_exp / (unsigned long)n);
	printf("encrypt.plain_exp %lu\n", oc.plain_exp / (unsigned long)n);
	if (iso_ballot_verifier_new(e, false, &v) != ISO_OK ||
	    iso_ballot_verify(v, NULL, ballot, bl, NULL, NULL) != ISO_OK)
		return 1;
	iso_opcount_reset();
	for (long i = 0; i < n; i++) {
		t0 = now();
		if (iso_ballot_verify(v, NULL, ballot, bl, NULL, NULL) != ISO_OK)
			return 1;
		double t = now() - t0;
		ver = t < ver ? t : ver;
	}
	iso_opcount_get(&oc);
	printf("verify.ms %.3f\n", ver * 1e3);
	printf("verify.fixed_exp %lu\n", oc.fixed_exp / (unsigned long)n);
	printf("verify.plain_exp %lu\n", oc.plain_exp / (unsigned long)n);
	printf("verify.comb_setup %lu\n", oc.comb_setup / (unsigned long)n);
	printf("verify.comb_exp %lu\n", oc.comb_exp / (unsigned long)n);
	printf("verify.mont_mul %lu\n", oc.mont_mul / (unsigned long)n);
	for (long i = 0; i < n; i++) {
		char *b = NULL;
		t0 = clock_s(CLOCK_MONOTONIC);
		if (iso_ballot_encrypt(e, cred, &pt, 0, &b, &bl) != ISO_OK)
			return 1;
		double t = clock_s(CLOCK_MONOTONIC) - t0;
		enc_all = t < enc_all ? t : enc_all;
		free(b);
	}
	printf("encrypt_all_cores.wall_ms %.3f\n", enc_all * 1e3);
	iso_plaintext_wipe(&pt);
	iso_ballot_verifier_free(v);
	iso_election_free(e);
	free(ballot);
	free(eraw);
	free(cred);
	free(vote);
	return 0;
}
