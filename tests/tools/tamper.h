/* Named corruptions of a valid ballot, for the tests: each one yields a
 * ballot that one specific check must refuse. Where the signature would
 * catch the change first, the tampered ballot is signed again with the
 * voter's credential, so the check under test is the one that refuses. */
#ifndef ISOLOIR_TESTS_TAMPER_H
#define ISOLOIR_TESTS_TAMPER_H

#include "election.h"
#include "error.h"

struct tamper {
	const char *name;
	enum iso_err expect; /* what iso_ballot_verify must return */
	const char *what;    /* one line for people */
};

/* NULL-terminated list of every corruption. */
extern const struct tamper tampers[];

/* Apply corruption `name` to a valid ballot of e signed with cred.
 * *ret is malloc'd (one line, no newline). */
enum iso_err tamper_ballot(const char *name, const struct iso_election *e, const char *cred,
			   const char *ballot, size_t len, char **ret);

#endif
