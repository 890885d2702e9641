/* bench_mkarchive BEL PRIVCREDS N: append N ballots to the archive BEL (its
 * Setup done, with the public credentials of PRIVCREDS' voters), each voter
 * choosing a list in turn (blank every 11th, question 2 in turn), then
 * EndBallots. The archive the verification and count benchmarks read.
 * The ballots are made in rounds of 512 on every core and appended with
 * one fsync a round. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "ballot.h"
#include "jsondoc.h"
#include "parallel.h"

#define CHUNK 512

struct job {
	struct iso_election *e;
	const char **creds;
	char **ballots;
	size_t *lens;
	size_t first; /* the round's first voter */
};

/* voter first + i: question 1 blank or one list in turn, the next questions
 * one answer in turn */
static enum iso_err encrypt_job(void *arg, int thread, size_t i)
{
	struct job *jb = arg;
	struct iso_election *e = jb->e;
	size_t voter = jb->first + i, off = 0;
	struct iso_plaintext pt = {e->nchoices_total, calloc(e->nchoices_total, sizeof(int))};
	enum iso_err err;
	(void)thread;
	if (pt.v == NULL)
		return ISO_E_NOMEM;
	for (size_t qi = 0; qi < e->nquestions; qi++) {
		size_t nc = iso_question_nchoices(&e->questions[qi]);
		pt.v[off + voter % nc] = 1;
		off += nc;
	}
	err = iso_ballot_encrypt(e, jb->creds[voter], &pt, 1, &jb->ballots[i], &jb->lens[i]);
	iso_plaintext_wipe(&pt);
	return err;
}

int main(int argc, char **argv)
{
	struct iso_archive *ar = NULL;
	struct iso_election *e = NULL;
	char *priv = NULL, *line, *save = NULL;
	size_t plen;
	int n, done = 0;
	json_t *setup = NULL;
	if (argc != 4)
		return 124;
	{
		char *end;
		long v = strtol(argv[3], &end, 10);
		if (*end != '\0' || v < 1 || v > 1000000)
			return 124;
		n = (int)v;
	}
	if (iso_archive_open(argv[1], &ar, NULL) != ISO_OK ||
	    iso_file_read(argv[2], ISO_JSON_MAX_BYTES, &priv, &plen) != ISO_OK)
		return 2;
	const struct iso_member *p = iso_archive_payload(ar, 0), *m;
	if (p == NULL || iso_json_parse(p->body, p->len, &setup) != ISO_OK ||
	    (m = iso_archive_find(ar, json_string_value(json_object_get(setup, "election")))) == NULL ||
	    iso_election_parse(m->body, m->len, &e) != ISO_OK)
		return 2;
	/* the credentials, then the ballots in rounds: encrypted on every core
	 * (the tables of y built once), appended with one fsync a round */
	struct job jb = {e, calloc((size_t)n, sizeof(char *)), NULL, NULL, 0};
	jb.ballots = calloc(CHUNK, sizeof(char *));
	jb.lens = calloc(CHUNK, sizeof(size_t));
	if (jb.creds == NULL || jb.ballots == NULL || jb.lens == NULL ||
	    iso_election_prepare(e, true) != ISO_OK)
		return 2;
	for (line = strtok_r(priv, "\n", &save); line != NULL && done < n;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *cred = strchr(line, ' ');
		if (cred == NULL)
			return 2;
		jb.creds[done++] = cred + 1;
	}
	if (done != n)
		return 2;
	for (size_t at = 0; at < (size_t)n; at += CHUNK) {
		size_t k = (size_t)n - at < CHUNK ? (size_t)n - at : CHUNK;
		struct iso_blob blobs[CHUNK];
		struct iso_archive_event_in evs[CHUNK];
		jb.first = at;
		if (iso_parallel_for(k, 0, encrypt_job, &jb) != ISO_OK)
			return 1;
		for (size_t i = 0; i < k; i++) {
			blobs[i] = (struct iso_blob){jb.ballots[i], jb.lens[i]};
			evs[i] = (struct iso_archive_event_in){ISO_EV_BALLOT, &blobs[i], 1};
		}
		if (iso_archive_append_events(argv[1], evs, k) != ISO_OK)
			return 1;
		for (size_t i = 0; i < k; i++)
			free(jb.ballots[i]);
	}
	if (done != n || iso_archive_append(argv[1], ISO_EV_END_BALLOTS, NULL, 0) != ISO_OK)
		return 1;
	json_decref(setup);
	free(jb.creds);
	free(jb.ballots);
	free(jb.lens);
	iso_election_free(e);
	iso_archive_close(ar);
	free(priv);
	return 0;
}
