/* Fuzz target: the bureau's journal of an operation (bureau/ledger.c) as
 * "operation journal" reads it. Whatever the file: either a chain of
 * entries numbered from 1, or ISO_E_JOURNAL_BROKEN with the first bad
 * line within the file's lines; an entry appended to a good one makes a
 * journal one entry longer that still verifies, and a broken one is never
 * appended to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ledger.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof path, "/tmp/isoloir-fuzz-ledger-%d.jsonl", (int)getpid());
	return 0;
}

static size_t lines_of(const uint8_t *data, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	size_t n = 0, bad = 0, n2 = 0, bad2 = 0;
	enum iso_err err, err2;
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	err = ledger_verify(path, &n, &bad, NULL, NULL);
	if (err == ISO_E_JOURNAL_BROKEN) {
		if (bad == 0 || bad > lines_of(data, size) ||
		    ledger_append(path, "observation", json_pack("{s:s}", "text", "x"), 0) !=
			    ISO_E_JOURNAL_BROKEN)
			abort();
	} else if (err == ISO_OK) {
		if (ledger_append(path, "observation", json_pack("{s:s}", "text", "x"), 0) != ISO_OK)
			abort();
		err2 = ledger_verify(path, &n2, &bad2, NULL, NULL);
		if (err2 != ISO_OK || n2 != n + 1)
			abort();
	} else if (err != ISO_E_NOMEM) {
		abort();
	}
	unlink(path);
	return 0;
}
