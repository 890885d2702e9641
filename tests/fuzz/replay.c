/* Every fuzz target also builds as this plain program, which replays files
 * and directories of inputs (the committed corpus and crash regressions) so
 * that the ordinary sanitizer build runs them in ctest. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "jsondoc.h"

static int replay_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	if (iso_file_read(path, 1u << 28, &buf, &len) != ISO_OK) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: no %s\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= replay_file(argv[i]);
			n++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		while (d != NULL && (de = readdir(d)) != NULL) {
			char p[4096];
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", argv[i], de->d_name);
			bad |= replay_file(p);
			n++;
		}
		if (d != NULL)
			closedir(d);
	}
	fprintf(stderr, "replay: %d inputs\n", n);
	return bad || n == 0;
}
