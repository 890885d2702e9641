/* iso-integrity-time: how long the kiosk's start-up check takes on a real
 * root (kiosk/integrity.h), for bench/README and the report of issue 6.
 *   iso-integrity-time MANIFEST [ROOT [ROUNDS]]
 * Reads the manifest, checks the default patterns (integrity_kiosk_files)
 * under ROOT (default /) ROUNDS times (default 5), then this process's
 * own files; prints the files, the bytes, the mismatches (the first ones
 * named) and the best and median times in milliseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integrity.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct integrity_manifest *m = NULL;
	struct integrity_where w;
	struct integrity_report r;
	const char *root = argc > 2 ? argv[2] : "/";
	int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 5;
	double t0, read_ms, times[100];
	enum iso_err err;
	char msg[256];
	if (argc < 2 || rounds < 1 || rounds > 100) {
		fprintf(stderr, "usage: %s MANIFEST [ROOT [ROUNDS]]\n", argv[0]);
		return 2;
	}
	t0 = now_ms();
	if ((err = integrity_manifest_read(argv[1], NULL, &m, &w)) != ISO_OK) {
		integrity_where_format(&w, ISO_LANG_EN, msg, sizeof msg);
		fprintf(stderr, "%s: %s (%s)\n", argv[1], iso_errname(err), msg);
		return 1;
	}
	read_ms = now_ms() - t0;
	printf("manifest: %zu entries, sha256 %s, read and parsed in %.1f ms\n", m->n, m->sha256,
	       read_ms);
	for (int i = 0; i < rounds; i++) {
		memset(&r, 0, sizeof r);
		t0 = now_ms();
		err = integrity_check(m, root, NULL, &r);
		times[i] = now_ms() - t0;
		if (err != ISO_OK && err != ISO_E_IMAGE_CHANGED) {
			fprintf(stderr, "check: %s\n", iso_errname(err));
			return 1;
		}
		if (i + 1 < rounds)
			integrity_report_clear(&r);
	}
	qsort(times, (size_t)rounds, sizeof *times, cmp);
	printf("default patterns: %zu files, %.1f MB, %zu mismatches; best %.1f ms, median %.1f ms "
	       "(%d rounds)\n",
	       r.checked, (double)r.bytes / 1e6, r.nmismatches, times[0], times[rounds / 2], rounds);
	for (size_t i = 0; i < r.nmismatches && i < INTEGRITY_KEPT; i++)
		printf("  %s: %s\n", r.kept[i].path,
		       integrity_problem_name(r.kept[i].problem, ISO_LANG_EN));
	integrity_report_clear(&r);
	t0 = now_ms();
	err = integrity_check_process(m, &r);
	printf("this process: %s, %zu files, %.1f MB, %zu mismatches, %.1f ms\n", iso_errname(err),
	       r.checked, (double)r.bytes / 1e6, r.nmismatches, now_ms() - t0);
	integrity_report_clear(&r);
	integrity_manifest_free(m);
	return 0;
}
