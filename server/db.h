/* The servers' SQLite databases: one file per process, WAL journal and
 * synchronous FULL, so that a transaction is on disk when its COMMIT
 * returns (a receipt is only sent after that). Statements are always
 * prepared with bound parameters, never built by formatting. */
#ifndef ISOLOIR_DB_H
#define ISOLOIR_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"

/* Open or create the database at path and run schema (idempotent DDL:
 * CREATE ... IF NOT EXISTS). */
enum iso_err db_open(const char *path, const char *schema, sqlite3 **ret_db);
void db_close(sqlite3 *db);

/* BEGIN IMMEDIATE (takes the write lock now), COMMIT, ROLLBACK. */
enum iso_err db_begin(sqlite3 *db);
enum iso_err db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Prepare sql into *ret_stmt. */
enum iso_err db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **ret_stmt);

/* The text of column col of the current row, copied (malloc'd); NULL for
 * SQL NULL. */
enum iso_err db_column_text(sqlite3_stmt *st, int col, char **ret);

#endif
