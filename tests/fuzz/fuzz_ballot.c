/* Fuzz target: a ballot for the reference election. Verification must end
 * with an error code (never a crash, a leak or undefined behaviour), and only
 * a ballot that belenios-tool would also accept may pass. */
#include <stdlib.h>
#include <string.h>

#include "ballot.h"
#include "fuzz.h"

static struct iso_election *election;
static struct iso_credset *creds;
static struct iso_ballot_verifier *verifier;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t el, cl;
	char *e = fuzz_data_file("setup/election.json", &el);
	char *c = fuzz_data_file("setup/public_creds.json", &cl);
	(void)argc;
	(void)argv;
	if (iso_election_parse(e, el, &election) != ISO_OK ||
	    iso_credset_parse(election->grp, c, cl, &creds, NULL) != ISO_OK ||
	    iso_ballot_verifier_new(election, true, &verifier) != ISO_OK)
		abort();
	free(e);
	free(c);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iso_ballot_facts facts;
	struct iso_where where;
	iso_where_clear(&where);
	if (iso_ballot_verify(verifier, creds, (const char *)data, size, &facts, &where) == ISO_OK &&
	    iso_ballot_verifier_accumulate(verifier, 1) != ISO_OK)
		abort();
	return 0;
}
