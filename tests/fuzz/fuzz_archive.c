/* Fuzz target: a .bel archive. Reading, the canonical check and the full
 * verification must end with an error code on any bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "archive.h"
#include "archive_verify.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct iso_verify_opts opts = {1, NULL, NULL};
	struct iso_verified *v = NULL;
	struct iso_where where;
	int fd = memfd_create("bel", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	iso_where_clear(&where);
	if (iso_archive_verify(path, &opts, &v, &where) == ISO_OK)
		iso_verified_free(v);
	close(fd);
	return 0;
}
