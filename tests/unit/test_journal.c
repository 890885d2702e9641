/* The hash-chained journal (R-C19-LOGS): the chain verifies, the table
 * refuses UPDATE and DELETE, and an entry altered or removed behind its back
 * (by someone with the file, triggers dropped) is found at its sequence. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "db.h"
#include "journal.h"

static void append(sqlite3 *db, int64_t t, const char *event, const char *detail)
{
	CHECK_ERR(db_begin(db), ISO_OK);
	CHECK_ERR(journal_append(db, t, "test", event, detail), ISO_OK);
	CHECK_ERR(db_commit(db), ISO_OK);
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int main(void)
{
	char dir[] = "/tmp/isoloir-test-journal.XXXXXX", path[256], head[JOURNAL_HASH_LEN + 1];
	sqlite3 *db = NULL;
	int64_t n = 0, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/j.db", dir);
	CHECK_ERR(db_open(path, journal_schema, &db), ISO_OK);
	if (db == NULL)
		return check_status();
	CHECK_ERR(journal_verify(db, &n, &bad, head), ISO_OK);
	CHECK(n == 0 && strspn(head, "0") == JOURNAL_HASH_LEN);
	for (int i = 0; i < 5; i++)
		append(db, 1000 + i, "event", i % 2 ? "odd" : "even");
	CHECK_ERR(journal_verify(db, &n, &bad, head), ISO_OK);
	CHECK(n == 5 && strlen(head) == JOURNAL_HASH_LEN && strspn(head, "0") < JOURNAL_HASH_LEN);

	/* append-only for whoever goes through SQL */
	CHECK(exec(db, "UPDATE journal SET detail = 'x' WHERE seq = 3") != SQLITE_OK);
	CHECK(exec(db, "DELETE FROM journal WHERE seq = 3") != SQLITE_OK);
	CHECK_ERR(journal_verify(db, &n, &bad, NULL), ISO_OK);

	/* behind its back: an altered entry, then a removed one */
	CHECK(exec(db, "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;"
		       "UPDATE journal SET detail = 'forged' WHERE seq = 3") == SQLITE_OK);
	CHECK_ERR(journal_verify(db, &n, &bad, NULL), ISO_E_JOURNAL_BROKEN);
	CHECK(bad == 3);
	CHECK(exec(db, "UPDATE journal SET detail = 'even' WHERE seq = 3") == SQLITE_OK);
	CHECK_ERR(journal_verify(db, &n, &bad, NULL), ISO_OK);
	CHECK(exec(db, "DELETE FROM journal WHERE seq = 4") == SQLITE_OK);
	CHECK_ERR(journal_verify(db, &n, &bad, NULL), ISO_E_JOURNAL_BROKEN);
	CHECK(bad == 4);
	/* a time changed is found too */
	CHECK(exec(db, "DELETE FROM journal WHERE seq = 5;"
		       "UPDATE journal SET time = 1 WHERE seq = 2") == SQLITE_OK);
	CHECK_ERR(journal_verify(db, &n, &bad, NULL), ISO_E_JOURNAL_BROKEN);
	CHECK(bad == 2);

	db_close(db);
	unlink(path);
	snprintf(path, sizeof path, "%s/j.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/j.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_status();
}
