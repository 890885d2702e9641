/* iso-tamper NAME ELECTION_JSON CREDENTIAL < ballot > tampered: the
 * corruptions of tamper.c for the cross-check scripts; "iso-tamper list"
 * prints "name expected-error" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondoc.h"
#include "tamper.h"

int main(int argc, char **argv)
{
	char *raw = NULL, *ballot = NULL, *out = NULL;
	size_t rl, bl;
	struct iso_election *e = NULL;
	enum iso_err err;
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (const struct tamper *t = tampers; t->name != NULL; t++)
			printf("%s %s\n", t->name, iso_errname(t->expect));
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: iso-tamper list | NAME ELECTION_JSON CREDENTIAL < ballot\n");
		return 124;
	}
	if (iso_file_read(argv[2], ISO_JSON_MAX_BYTES, &raw, &rl) != ISO_OK ||
	    iso_file_read("/dev/stdin", ISO_JSON_MAX_BYTES, &ballot, &bl) != ISO_OK)
		return 2;
	if (rl > 0 && raw[rl - 1] == '\n')
		rl--;
	if (bl > 0 && ballot[bl - 1] == '\n')
		bl--;
	if ((err = iso_election_parse(raw, rl, &e)) != ISO_OK ||
	    (err = tamper_ballot(argv[1], e, argv[3], ballot, bl, &out)) != ISO_OK) {
		fprintf(stderr, "iso-tamper: %s\n", iso_strerror(err, ISO_LANG_EN));
		return 1;
	}
	printf("%s\n", out);
	free(out);
	free(raw);
	free(ballot);
	iso_election_free(e);
	return 0;
}
