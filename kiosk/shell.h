/* The kiosk's shell: it performs what the session asks (session.h) with
 * the network (net/) and the crypto core, and feeds the outcome back. One
 * action at a time, blocking: the screens run it on a worker thread and
 * show progress meanwhile.
 * Rules: the ballot is encrypted and signed here and leaves only with the
 * registry's ticket, to the urn of its poll; a receipt that does not name
 * this poll and this ballot's tracker is a security alert; nothing here
 * is logged but the names of the steps and their outcomes (never an
 * identifier with a time of ballot, R-C19-LINK). */
#ifndef ISOLOIR_KIOSK_SHELL_H
#define ISOLOIR_KIOSK_SHELL_H

#include "error.h"
#include "net.h"
#include "operation.h"
#include "session.h"

struct shell;

/* op is not owned and outlives the shell. lang: the messages of refusals
 * the session shows. */
enum iso_err shell_new(const struct operation *op, const struct net_config *nc,
		       enum iso_lang lang, struct shell **ret);
void shell_free(struct shell *sh);
void shell_set_lang(struct shell *sh, enum iso_lang lang);

/* Perform s->action, if any, and report it to the session; after a login,
 * the session learns each poll's lists (session_poll_lists). */
void shell_perform(struct shell *sh, struct session *s);

/* How many servers were taken over by their backup address since the
 * last call (for the journal's failover event; never which request). */
int shell_take_failovers(struct shell *sh);

#endif
