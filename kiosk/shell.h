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

/* ---- the technician's maintenance (never during a voter's session) ---- */

/* A maintenance event sent to the registry (POST /maintenance), one short
 * attempt: the bureau is told at once (R-D11-INTERV). */
enum iso_err shell_maintenance_report(struct shell *sh, const char *event, const char *outcome,
				      const char *time, const char *detail);
/* Each address of each server (registry, urns, their backups) reached by
 * GET /status, its key against its pin: a line each into out; true when
 * all answered with their pinned keys. */
bool shell_check_servers(struct shell *sh, enum iso_lang lang, char *out, size_t size);
/* The registry's clock minus this post's (seconds) and the round trip. */
enum iso_err shell_clock_offset(struct shell *sh, int64_t *ret_offset, int64_t *ret_rtt_ms);

#endif
