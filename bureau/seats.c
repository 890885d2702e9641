/* Seats per list (see seats.h). */
#include "seats.h"

#include <string.h>

struct count {
	const uint64_t *votes;
	size_t n;
	uint64_t total, nseats;
	enum seats_method m;
	struct seats *s;
	bool extra[SEATS_LISTS_MAX]; /* plus fort reste: at most one seat more each */
};

/* Whether list i may still take a seat left after the quotients. */
static bool open_to(const struct count *c, size_t i)
{
	return c->m == SEATS_HIGHEST_AVERAGE || !c->extra[i];
}

/* Who has the better claim to the next seat: > 0 list i, < 0 list j, 0
 * tied (in claim and in votes). */
static int claim(const struct count *c, size_t i, size_t j)
{
	uint64_t a, b;
	if (c->m == SEATS_LARGEST_REMAINDER) {
		/* remainders, in units of 1/nseats of a vote */
		a = c->votes[i] * c->nseats - c->s->by_quotient[i] * c->total;
		b = c->votes[j] * c->nseats - c->s->by_quotient[j] * c->total;
	} else {
		/* votes[i] / (seats[i] + 1) against votes[j] / (seats[j] + 1) */
		a = c->votes[i] * (c->s->seats[j] + 1u);
		b = c->votes[j] * (c->s->seats[i] + 1u);
	}
	if (a != b)
		return a > b ? 1 : -1;
	/* the same claim: the seat goes to the most votes */
	if (c->votes[i] != c->votes[j])
		return c->votes[i] > c->votes[j] ? 1 : -1;
	return 0;
}

enum iso_err seats_allocate(const uint64_t *votes, size_t nlists, unsigned nseats,
			    enum seats_method m, struct seats *ret)
{
	struct count c = {votes, nlists, 0, nseats, m, ret, {false}};
	unsigned given = 0;
	memset(ret, 0, sizeof *ret);
	if (nlists > SEATS_LISTS_MAX || nseats > SEATS_MAX ||
	    (m != SEATS_LARGEST_REMAINDER && m != SEATS_HIGHEST_AVERAGE))
		return ISO_E_INVALID_ARG;
	for (size_t i = 0; i < nlists; i++) {
		if (votes[i] > SEATS_VOTES_MAX)
			return ISO_E_TOO_LARGE;
		c.total += votes[i];
	}
	if (c.total == 0 || nseats == 0)
		return ISO_OK;
	/* the electoral quotient: total / nseats votes a seat */
	for (size_t i = 0; i < nlists; i++) {
		ret->by_quotient[i] = (unsigned)(votes[i] * nseats / c.total);
		ret->seats[i] = ret->by_quotient[i];
		given += ret->seats[i];
	}
	/* the seats left, one at a time, to the best claim; lists tied in
	 * claim and votes take them together, or none when too few remain */
	while (given < nseats) {
		size_t best = nlists, tied = 0;
		for (size_t i = 0; i < nlists; i++)
			if (open_to(&c, i) && (best == nlists || claim(&c, i, best) > 0))
				best = i;
		if (best == nlists)
			break; /* cannot happen: the remainders add up to the seats left */
		for (size_t i = 0; i < nlists; i++)
			tied += open_to(&c, i) && claim(&c, i, best) == 0;
		if (tied > nseats - given) {
			for (size_t i = 0; i < nlists; i++)
				ret->tied[i] = open_to(&c, i) && claim(&c, i, best) == 0;
			ret->left = nseats - given;
			break;
		}
		{
			bool take[SEATS_LISTS_MAX] = {false};
			for (size_t i = 0; i < nlists; i++)
				take[i] = open_to(&c, i) && claim(&c, i, best) == 0;
			for (size_t i = 0; i < nlists; i++)
				if (take[i]) {
					ret->seats[i]++;
					c.extra[i] = true;
					given++;
				}
		}
	}
	return ISO_OK;
}

bool seats_method_parse(const char *s, enum seats_method *ret)
{
	if (strcmp(s, "plus-fort-reste") == 0)
		*ret = SEATS_LARGEST_REMAINDER;
	else if (strcmp(s, "plus-forte-moyenne") == 0)
		*ret = SEATS_HIGHEST_AVERAGE;
	else
		return false;
	return true;
}

const char *seats_method_name(enum seats_method m)
{
	return m == SEATS_HIGHEST_AVERAGE ? "plus-forte-moyenne" : "plus-fort-reste";
}
