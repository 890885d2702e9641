/* Reading the reference data for the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "jsondoc.h"

char *fuzz_data_file(const char *name, size_t *len)
{
	char path[1024], *buf = NULL;
	const char *dir = getenv("ISOLOIR_TEST_DATA");
	snprintf(path, sizeof path, "%s/belenios-ref/%s", dir != NULL ? dir : ISOLOIR_TEST_DATA, name);
	if (iso_file_read(path, ISO_JSON_MAX_BYTES, &buf, len) != ISO_OK) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		exit(2);
	}
	if (*len > 0 && buf[*len - 1] == '\n')
		buf[--*len] = '\0';
	return buf;
}
