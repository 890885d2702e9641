/* Seats per list from the votes, as French professional elections count
 * them (R-TAL-02; Code du travail L2314-29, the CSE's rule, and the same
 * for the fonction publique's comités): first the electoral quotient —
 * the votes validly cast for lists (blank votes excluded) divided by the
 * seats — gives each list as many seats as it holds quotients; the seats
 * left go one at a time, per poll's choice:
 *   - au plus fort reste (largest remainder): to the largest remainders
 *     of votes once the quotients are taken;
 *   - à la plus forte moyenne (highest average): to the list whose votes
 *     divided by its seats plus one is the largest (D'Hondt's result).
 * A tie for a seat goes to the list with the most votes. Lists tied in
 * votes as well are decided by the texts outside the count (the oldest
 * candidate, or a draw): the seat is then left to the bureau, the tied
 * lists named. Every comparison is exact (integers, cross-multiplied). */
#ifndef ISOLOIR_BUREAU_SEATS_H
#define ISOLOIR_BUREAU_SEATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SEATS_LISTS_MAX 64
#define SEATS_MAX 1000
#define SEATS_VOTES_MAX 100000000u /* per list: products stay in 64 bits */

enum seats_method {
	SEATS_LARGEST_REMAINDER, /* au plus fort reste */
	SEATS_HIGHEST_AVERAGE    /* à la plus forte moyenne */
};

struct seats {
	unsigned seats[SEATS_LISTS_MAX]; /* per list */
	unsigned by_quotient[SEATS_LISTS_MAX];
	unsigned left;                   /* seats the count could not give: a tie */
	bool tied[SEATS_LISTS_MAX];      /* the lists tied for them */
};

/* votes[i] for list i (blank excluded), nseats to fill. ISO_E_BAD_INPUT
 * for more than SEATS_LISTS_MAX lists, more than SEATS_MAX seats or a
 * list above SEATS_VOTES_MAX. No vote for any list: no seat, none left. */
enum iso_err seats_allocate(const uint64_t *votes, size_t nlists, unsigned nseats,
			    enum seats_method m, struct seats *ret);

/* "plus-fort-reste" or "plus-forte-moyenne" (the words of the texts). */
bool seats_method_parse(const char *s, enum seats_method *ret);
const char *seats_method_name(enum seats_method m);

#endif
