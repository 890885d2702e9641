/* The servers' clock, injectable so that tests can move time across the
 * closing and the 30-minute grace (R-VOTE-05) without waiting. */
#ifndef ISOLOIR_CLOCK_H
#define ISOLOIR_CLOCK_H

#include <stdint.h>
#include <time.h>

struct iso_clock {
	int64_t (*now)(void *arg); /* Unix seconds */
	void *arg;
};

/* The time of c, or the system's when c or c->now is NULL. */
static inline int64_t iso_clock_now(const struct iso_clock *c)
{
	return c != NULL && c->now != NULL ? c->now(c->arg) : (int64_t)time(NULL);
}

#endif
