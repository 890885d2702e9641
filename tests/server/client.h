/* What the servers' HTTPS tests share: the fixture's files
 * (tests/server/fixture.sh), a test clock, requests over mutual TLS with
 * curl, and ballots made with the fixture's credentials. */
#ifndef ISOLOIR_TEST_SERVER_CLIENT_H
#define ISOLOIR_TEST_SERVER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "../unit/check.h"
#include "ballot.h"
#include "credential.h"
#include "election.h"
#include "https.h"

extern const char *fx; /* the fixture's directory */

/* the clock the servers under test read */
int64_t fake_clock(void *arg);
void set_now(int64_t t);

/* a path (one of 8 rotating buffers) */
char *path_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a file's text without its trailing newlines (exits if unreadable) */
char *slurp(const char *path, size_t *ret_len);
/* the n-th private credential of poll p ("a" or "b") */
void credential(const char *p, int n, char out[ISO_CREDENTIAL_LEN + 1]);

/* who: a certificate of the fixture ("kiosk", "bureau", "rogue",
 * "kiosk-noclient"...) or NULL (none). The HTTP status, or -1 when no
 * answer came; *ret_body (may be NULL) gets the body. */
long http(const char *method, unsigned short port, const char *path, const char *body,
	  size_t blen, const char *who, char **ret_body);
/* Is body a JSON error named name, with its French and English messages? */
int error_is(const char *body, const char *name);
/* http() with a string body; the answer in last_body */
extern char *last_body;
long req(const char *method, unsigned short port, const char *path, const char *body,
	 const char *who);

/* Status and error name of a request in one check. */
#define EXPECT(call, st, name)                                                                    \
	do {                                                                                      \
		long s_ = call;                                                                   \
		CHECK(s_ == (st));                                                                \
		if (s_ != (st))                                                                   \
			fprintf(stderr, "  status %ld, expected %d\n", s_, st);                   \
		if (name != NULL)                                                                 \
			CHECK(error_is(last_body, name));                                         \
	} while (0)

/* a ballot of poll p's election with its cred_index-th credential for choice */
char *ballot(struct iso_election *e, const char *poll, int cred_index, int choice,
	     size_t *ret_len);
/* the body of an urn submission */
char *submission(const char *ballot_json, const char *ticket_doc);
/* poll p's election.json */
struct iso_election *election_of(const char *p);

/* Serve handler(arg) on a loopback port with the fixture's server identity;
 * ca: the fixture's CA whose certificates clients must show, or NULL. */
unsigned short serve(https_handler_fn handler, void *arg, const char *ca,
		     struct https_server **ret);

#endif
