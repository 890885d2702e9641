/* A minimal test harness: CHECK records a failure with its line and goes
 * on; a test program's main returns check_status(). */
#ifndef ISOLOIR_TESTS_CHECK_H
#define ISOLOIR_TESTS_CHECK_H

#include <stdio.h>

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

#endif
