/* Seats per list (R-TAL-02, bureau/seats.c) against worked examples of
 * both methods: the textbook example of the largest remainder and of
 * D'Hondt (100 000 votes, 10 seats), a CSE-sized poll where the two
 * methods differ, ties broken by the most votes, ties left to the bureau;
 * and properties over random polls: the quotient-first highest average is
 * D'Hondt's result (computed here the plain way), the largest remainder
 * keeps every list within one seat of its exact quota, every seat is
 * given or left to the bureau. */
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "seats.h"

static void expect(const char *name, const uint64_t *votes, size_t n, unsigned nseats,
		   enum seats_method m, const unsigned *want, unsigned left)
{
	struct seats s;
	bool same = true;
	CHECK_ERR(seats_allocate(votes, n, nseats, m, &s), ISO_OK);
	for (size_t i = 0; i < n; i++)
		same &= s.seats[i] == want[i];
	CHECK(same && s.left == left);
	if (!same || s.left != left) {
		fprintf(stderr, "  %s (%s):", name, seats_method_name(m));
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %u", s.seats[i]);
		fprintf(stderr, ", left %u\n", s.left);
	}
}

/* D'Hondt the plain way: every seat to the highest votes / (seats + 1),
 * the most votes at equal average; false when two lists alike (votes and
 * seats) compete for one (not compared) */
static bool dhondt(const uint64_t *votes, size_t n, unsigned nseats, unsigned *seats)
{
	memset(seats, 0, n * sizeof *seats);
	for (unsigned k = 0; k < nseats; k++) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++) {
			uint64_t a = votes[i] * (seats[best] + 1u), b = votes[best] * (seats[i] + 1u);
			if (a > b || (a == b && votes[i] > votes[best]))
				best = i;
		}
		for (size_t i = 0; i < n; i++)
			if (i != best && votes[i] == votes[best] && seats[i] == seats[best])
				return false;
		seats[best]++;
	}
	return true;
}

int main(void)
{
	/* the textbook example: 100 000 votes, 10 seats */
	static const uint64_t book[] = {47000, 16000, 15800, 12000, 6100, 3100};
	/* a CSE poll of 200 votes for 4 seats: the methods differ on the last */
	static const uint64_t cse[] = {110, 60, 30};
	/* a tie in average for the last seat: the most votes takes it */
	static const uint64_t by_votes[] = {30, 15};
	/* tied in votes too: the seat is the bureau's to give (oldest
	 * candidate or a draw), both lists named */
	static const uint64_t even[] = {60, 60, 10};
	struct seats s;
	uint64_t zero[3] = {0, 0, 0}, big[2] = {SEATS_VOTES_MAX + 1u, 1};

	expect("book", book, 6, 10, SEATS_LARGEST_REMAINDER, (const unsigned[]){5, 2, 1, 1, 1, 0}, 0);
	expect("book", book, 6, 10, SEATS_HIGHEST_AVERAGE, (const unsigned[]){5, 2, 2, 1, 0, 0}, 0);
	expect("cse", cse, 3, 4, SEATS_LARGEST_REMAINDER, (const unsigned[]){2, 1, 1}, 0);
	expect("cse", cse, 3, 4, SEATS_HIGHEST_AVERAGE, (const unsigned[]){3, 1, 0}, 0);
	expect("by-votes", by_votes, 2, 2, SEATS_HIGHEST_AVERAGE, (const unsigned[]){2, 0}, 0);
	expect("even", even, 3, 1, SEATS_HIGHEST_AVERAGE, (const unsigned[]){0, 0, 0}, 1);
	CHECK_ERR(seats_allocate(even, 3, 1, SEATS_LARGEST_REMAINDER, &s), ISO_OK);
	CHECK(s.left == 1 && s.tied[0] && s.tied[1] && !s.tied[2]);
	/* two seats for two tied lists: one each */
	expect("even-2", even, 3, 2, SEATS_HIGHEST_AVERAGE, (const unsigned[]){1, 1, 0}, 0);
	/* nobody voted for a list: no seat */
	expect("zero", zero, 3, 4, SEATS_HIGHEST_AVERAGE, (const unsigned[]){0, 0, 0}, 0);
	/* out of range */
	CHECK_ERR(seats_allocate(big, 2, 3, SEATS_HIGHEST_AVERAGE, &s), ISO_E_TOO_LARGE);
	CHECK_ERR(seats_allocate(book, 6, SEATS_MAX + 1, SEATS_HIGHEST_AVERAGE, &s),
		  ISO_E_INVALID_ARG);
	CHECK_ERR(seats_allocate(book, SEATS_LISTS_MAX + 1, 3, SEATS_HIGHEST_AVERAGE, &s),
		  ISO_E_INVALID_ARG);

	/* random polls */
	srand(2026);
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + (size_t)(rand() % 8);
		unsigned nseats = 1 + (unsigned)(rand() % 25), plain[SEATS_LISTS_MAX], sum = 0;
		uint64_t v[SEATS_LISTS_MAX], total = 0;
		for (size_t i = 0; i < n; i++)
			total += v[i] = (uint64_t)(rand() % (round % 2 ? 40 : 5000));
		if (total == 0)
			continue;
		CHECK_ERR(seats_allocate(v, n, nseats, SEATS_HIGHEST_AVERAGE, &s), ISO_OK);
		for (size_t i = 0; i < n; i++)
			sum += s.seats[i];
		CHECK(sum + s.left == nseats);
		if (s.left == 0 && dhondt(v, n, nseats, plain))
			CHECK(memcmp(plain, s.seats, n * sizeof plain[0]) == 0);
		CHECK_ERR(seats_allocate(v, n, nseats, SEATS_LARGEST_REMAINDER, &s), ISO_OK);
		sum = 0;
		for (size_t i = 0; i < n; i++) {
			/* within one seat of the exact quota v * seats / total */
			uint64_t q = v[i] * nseats;
			sum += s.seats[i];
			CHECK((uint64_t)s.seats[i] * total <= q + total &&
			      q < ((uint64_t)s.seats[i] + 1u) * total + (s.left > 0 ? total : 0));
			CHECK(s.seats[i] - s.by_quotient[i] <= 1);
		}
		CHECK(sum + s.left == nseats);
	}
	return check_status();
}
