/* The constant-time table of g of the default group, computed when the library is
 * built: the build runs isoloir-gtables (gtables_gen.c), which builds them
 * with iso_fixbase_new and writes it out as C (704 KiB of limbs). A process that encrypts one
 * ballot then starts with the table of g ready (it costs about as much as the
 * rest of the ballot to build). The tables are public values; only the order
 * in which they are read would leak, and it never depends on the exponent.
 * group.c checks that a table starts with g in Montgomery form before using
 * it, and builds its own otherwise; test_group compares every entry. */
#ifndef ISOLOIR_GTABLES_H
#define ISOLOIR_GTABLES_H

#include <stddef.h>
#include <stdint.h>

struct iso_gtable_data {
	const char *group; /* NULL ends the list */
	int window, nlimbs;
	size_t count;         /* windows * 2^window * nlimbs */
	const uint64_t *limbs; /* as iso_fixbase_limbs gives them */
};

extern const struct iso_gtable_data iso_gtables[];

#endif
