/* A minimal test harness: CHECK records a failure with its line and goes
 * on; a test program's main returns check_status(). */
#ifndef ISOLOIR_TESTS_CHECK_H
#define ISOLOIR_TESTS_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                             \
			check_failures++;                                     \
		}                                                             \
	} while (0)

/* CHECK_ERR(expr, ISO_E_...): the call returns exactly this code */
#define CHECK_ERR(expr, want)                                                  \
	do {                                                                   \
		int got_ = (int)(expr);                                        \
		if (got_ != (int)(want)) {                                     \
			fprintf(stderr, "%s:%d: %s returned %s (%d), expected %s\n", \
				__FILE__, __LINE__, #expr, iso_errname(got_),  \
				got_, iso_errname(want));                      \
			check_failures++;                                      \
		}                                                              \
	} while (0)

static inline int check_status(void)
{
	if (check_failures > 0)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures > 0 ? 1 : 0;
}

/* The words of the n bytes at s, one space between them, appended to out:
 * texts compared whatever their line breaks (the pages of a text). */
static inline void check_words_of(const char *s, size_t n, char *out, size_t size)
{
	size_t k = strlen(out);
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		bool blank = s[i] == ' ' || s[i] == '\n';
		if (!blank)
			out[k++] = s[i];
		else if (k > 0 && out[k - 1] != ' ')
			out[k++] = ' ';
	}
	out[k] = '\0';
}

#endif
