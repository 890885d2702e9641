/* bench_mkarchive BEL PRIVCREDS N: append N ballots to the archive BEL (its
 * Setup done, with the public credentials of PRIVCREDS' voters), each voter
 * choosing a list in turn (blank every 11th, question 2 in turn), then
 * EndBallots. The archive the verification benchmark reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "ballot.h"
#include "jsondoc.h"

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
	for (line = strtok_r(priv, "\n", &save); line != NULL && done < n;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *cred = strchr(line, ' ');
		struct iso_plaintext pt = {e->nchoices_total, calloc(e->nchoices_total, sizeof(int))};
		char *b = NULL;
		size_t bl;
		if (cred == NULL || pt.v == NULL)
			return 2;
		/* question 1: blank or one list; the next questions: one answer */
		size_t off = 0;
		for (size_t qi = 0; qi < e->nquestions; qi++) {
			size_t nc = iso_question_nchoices(&e->questions[qi]);
			pt.v[off + (size_t)done % nc] = 1;
			off += nc;
		}
		if (iso_ballot_encrypt(e, cred + 1, &pt, 0, &b, &bl) != ISO_OK)
			return 1;
		struct iso_blob blob = {b, bl};
		if (iso_archive_append(argv[1], ISO_EV_BALLOT, &blob, 1) != ISO_OK)
			return 1;
		free(b);
		iso_plaintext_wipe(&pt);
		done++;
	}
	if (done != n || iso_archive_append(argv[1], ISO_EV_END_BALLOTS, NULL, 0) != ISO_OK)
		return 1;
	json_decref(setup);
	iso_election_free(e);
	iso_archive_close(ar);
	free(priv);
	return 0;
}
