/* SQLite databases of the servers (see db.h). */
#include "db.h"

#include <stdlib.h>
#include <string.h>

enum iso_err db_open(const char *path, const char *schema, sqlite3 **ret_db)
{
	static const char pragmas[] = "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON;"
				      "PRAGMA trusted_schema=OFF;";
	sqlite3 *db = NULL;
	char *msg = NULL;
	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	/* another process (a bureau export) may hold the lock for a moment */
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	*ret_db = db;
	return ISO_OK;
fail:
	sqlite3_free(msg);
	sqlite3_close(db);
	return ISO_E_STORAGE;
}

void db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

static enum iso_err exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? ISO_OK : ISO_E_STORAGE;
}

enum iso_err db_begin(sqlite3 *db)
{
	return exec(db, "BEGIN IMMEDIATE");
}

enum iso_err db_commit(sqlite3 *db)
{
	if (exec(db, "COMMIT") == ISO_OK)
		return ISO_OK;
	db_rollback(db);
	return ISO_E_STORAGE;
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

enum iso_err db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **ret_stmt)
{
	return sqlite3_prepare_v2(db, sql, -1, ret_stmt, NULL) == SQLITE_OK ? ISO_OK
									     : ISO_E_STORAGE;
}

enum iso_err db_column_text(sqlite3_stmt *st, int col, char **ret)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	char *c;
	if (t == NULL) {
		*ret = NULL;
		return sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM ? ISO_E_NOMEM : ISO_OK;
	}
	c = malloc((size_t)n + 1);
	if (c == NULL)
		return ISO_E_NOMEM;
	memcpy(c, t, (size_t)n);
	c[n] = '\0';
	*ret = c;
	return ISO_OK;
}
