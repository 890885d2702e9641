/* The hash-chained event journal of a server (R-C19-LOGS, R-BUR-04): who,
 * what, when, and a detail — never a vote, a credential or a secret, and in
 * the urn never an identity. Each entry's hash covers its fields and the
 * previous entry's hash, so removing, reordering or altering an entry breaks
 * the chain from there on. Entries are appended inside the caller's
 * transaction: an event is recorded exactly when what it describes is. The
 * table refuses UPDATE and DELETE (triggers). */
#ifndef ISOLOIR_JOURNAL_H
#define ISOLOIR_JOURNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"

#define JOURNAL_HASH_LEN 64 /* hex SHA-256 */

/* The DDL of the journal table, to include in a database's schema. */
extern const char journal_schema[];

/* db_open with schema followed by the journal's. */
enum iso_err journal_db_open(const char *path, const char *schema, sqlite3 **ret_db);

/* Append an entry (inside a transaction the caller holds). */
enum iso_err journal_append(sqlite3 *db, int64_t time, const char *actor, const char *event,
			    const char *detail);

/* Append an entry in a transaction of its own. */
enum iso_err journal_append_alone(sqlite3 *db, int64_t time, const char *actor,
				  const char *event, const char *detail);

/* Recompute the whole chain: ISO_E_JOURNAL_BROKEN with the first bad
 * entry's sequence number in *ret_bad if it does not hold. *ret_count is
 * the number of entries; ret_head (may be NULL) receives the last hash
 * (all zeros for an empty journal). */
enum iso_err journal_verify(sqlite3 *db, int64_t *ret_count, int64_t *ret_bad,
			    char ret_head[JOURNAL_HASH_LEN + 1]);

#endif
