/* Fuzz target: an operation's bundle (bureau/bundle.c) as "operation
 * verify-bundle" reads it, from a tar file of any bytes. Whatever the
 * file: no crash, no leak, nothing left in /tmp; refused unless it holds
 * (a made-up bundle never does: its polls' archives would have to verify).
 * Every message said is short, NUL-terminated text of kind E or I. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "fuzz.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof path, "/tmp/isoloir-fuzz-bundle-%d.tar", (int)getpid());
	return 0;
}

static void say(void *arg, char kind, const char *text)
{
	(void)arg;
	if ((kind != 'E' && kind != 'I') || strlen(text) >= 1024)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_reporter rep = {say, NULL, ISO_LANG_FR, 1};
	FILE *f = fopen(path, "wb");
	enum iso_err err;
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	err = bundle_verify(path, &rep);
	if (err == ISO_OK && size < 512)
		abort(); /* nothing that short is a whole bundle */
	unlink(path);
	return 0;
}
