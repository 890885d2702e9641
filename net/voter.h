/* A voter's visit as a kiosk makes it, without screens: the wire protocol
 * (docs/architecture.md) through net/ — login at the registry (identifier,
 * verifier of the password, challenge answer), then per poll: validate
 * (the password again) → a ticket → the ballot, encrypted and signed here,
 * to the poll's urn → its receipt, checked to name this poll, back to the
 * registry (émargement) → logout. Used by the bureau's test election
 * (operation test) and by the demo's crowd of voters (isoloir-demo-voter);
 * the kiosk has its own session (kiosk/session.c) around the same calls.
 * The password and the verifier are wiped with the visit. */
#ifndef ISOLOIR_NET_VOTER_H
#define ISOLOIR_NET_VOTER_H

#include "election.h"
#include "error.h"
#include "net.h"

struct voter;

/* Log in at the registry (url "https://host:port", its key's pin). On a
 * refusal, *ret_why (malloc'd, may be NULL) is the server's French message. */
enum iso_err voter_login(struct net *net, const char *registry_url, const char *pin,
			 const char *identifier, const char *password, const char *answer,
			 struct voter **ret, char **ret_why);
/* One poll: choices in belenios-tool's form ("[[0,1,0]]") for election e
 * (prepared for secret exponentiations); the urn at urn_url (same pin).
 * ret_tracker (may be NULL): the receipt's tracker. */
enum iso_err voter_cast(struct voter *v, const char *poll, const char *urn_url,
			struct iso_election *e, const char *choices, char ret_tracker[64],
			char **ret_why);
/* Log out and wipe. */
void voter_logout(struct voter *v);

#endif
