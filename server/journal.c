/* The hash-chained event journal (see journal.h).
 * hash(n) = SHA-256 of "isoloir-journal-v1" followed by seq, time, actor,
 * event, detail and hash(n-1), each written as <length>:<bytes>, so that no
 * two different entries hash the same input. hash(0) is 64 zeros. */
#include "journal.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

const char journal_schema[] =
	"CREATE TABLE IF NOT EXISTS journal("
	" seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, actor TEXT NOT NULL,"
	" event TEXT NOT NULL, detail TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal"
	" BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal"
	" BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;";

static const char zero_hash[JOURNAL_HASH_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static int field(EVP_MD_CTX *md, const char *s, size_t n)
{
	char len[32];
	int k = snprintf(len, sizeof len, "%zu:", n);
	return EVP_DigestUpdate(md, len, (size_t)k) && EVP_DigestUpdate(md, s, n);
}

static enum iso_err entry_hash(int64_t seq, int64_t time, const char *actor, const char *event,
			       const char *detail, const char *prev,
			       char out[JOURNAL_HASH_LEN + 1])
{
	static const char tag[] = "isoloir-journal-v1";
	unsigned char h[32];
	char num[2][32];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok;
	snprintf(num[0], sizeof num[0], "%" PRId64, seq);
	snprintf(num[1], sizeof num[1], "%" PRId64, time);
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(md, tag, sizeof tag - 1) && field(md, num[0], strlen(num[0])) &&
	     field(md, num[1], strlen(num[1])) && field(md, actor, strlen(actor)) &&
	     field(md, event, strlen(event)) && field(md, detail, strlen(detail)) &&
	     field(md, prev, strlen(prev)) && EVP_DigestFinal_ex(md, h, NULL);
	EVP_MD_CTX_free(md);
	if (!ok)
		return ISO_E_CRYPTO_LIB;
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	return ISO_OK;
}

enum iso_err journal_append(sqlite3 *db, int64_t time, const char *actor, const char *event,
			    const char *detail)
{
	enum iso_err err;
	sqlite3_stmt *st = NULL;
	char prev[JOURNAL_HASH_LEN + 1], hash[JOURNAL_HASH_LEN + 1];
	int64_t seq = 1;

	if ((err = db_prepare(db, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
			      &st)) != ISO_OK)
		return err;
	memcpy(prev, zero_hash, sizeof prev);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: {
		const unsigned char *h = sqlite3_column_text(st, 1);
		if (h == NULL || strlen((const char *)h) != JOURNAL_HASH_LEN) {
			sqlite3_finalize(st);
			return ISO_E_JOURNAL_BROKEN;
		}
		seq = sqlite3_column_int64(st, 0) + 1;
		memcpy(prev, h, JOURNAL_HASH_LEN + 1);
		break;
	}
	case SQLITE_DONE:
		break;
	default:
		sqlite3_finalize(st);
		return ISO_E_STORAGE;
	}
	sqlite3_finalize(st);
	if ((err = entry_hash(seq, time, actor, event, detail, prev, hash)) != ISO_OK ||
	    (err = db_prepare(db,
			      "INSERT INTO journal(seq, time, actor, event, detail, hash)"
			      " VALUES (?, ?, ?, ?, ?, ?)",
			      &st)) != ISO_OK)
		return err;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, time);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, hash, -1, SQLITE_STATIC);
	err = sqlite3_step(st) == SQLITE_DONE ? ISO_OK : ISO_E_STORAGE;
	sqlite3_finalize(st);
	return err;
}

enum iso_err journal_verify(sqlite3 *db, int64_t *ret_count, int64_t *ret_bad,
			    char ret_head[JOURNAL_HASH_LEN + 1])
{
	enum iso_err err;
	sqlite3_stmt *st = NULL;
	char prev[JOURNAL_HASH_LEN + 1], hash[JOURNAL_HASH_LEN + 1];
	int64_t n = 0;
	int rc;

	if ((err = db_prepare(db,
			      "SELECT seq, time, actor, event, detail, hash FROM journal"
			      " ORDER BY seq",
			      &st)) != ISO_OK)
		return err;
	memcpy(prev, zero_hash, sizeof prev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *actor = (const char *)sqlite3_column_text(st, 2);
		const char *event = (const char *)sqlite3_column_text(st, 3);
		const char *detail = (const char *)sqlite3_column_text(st, 4);
		const char *stored = (const char *)sqlite3_column_text(st, 5);
		int64_t seq = sqlite3_column_int64(st, 0);
		n++;
		err = ISO_E_JOURNAL_BROKEN;
		if (seq != n || actor == NULL || event == NULL || detail == NULL ||
		    stored == NULL ||
		    (err = entry_hash(seq, sqlite3_column_int64(st, 1), actor, event, detail,
				      prev, hash)) != ISO_OK ||
		    strcmp(hash, stored) != 0) {
			if (ret_bad != NULL)
				*ret_bad = n;
			sqlite3_finalize(st);
			return err == ISO_OK ? ISO_E_JOURNAL_BROKEN : err;
		}
		memcpy(prev, hash, sizeof prev);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ISO_E_STORAGE;
	*ret_count = n;
	if (ret_head != NULL)
		memcpy(ret_head, prev, sizeof prev);
	return ISO_OK;
}

enum iso_err journal_db_open(const char *path, const char *schema, sqlite3 **ret_db)
{
	size_t n = strlen(schema) + strlen(journal_schema) + 1;
	char *full = malloc(n);
	enum iso_err err;
	if (full == NULL)
		return ISO_E_NOMEM;
	snprintf(full, n, "%s%s", schema, journal_schema);
	err = db_open(path, full, ret_db);
	free(full);
	return err;
}

enum iso_err journal_append_alone(sqlite3 *db, int64_t time, const char *actor,
				  const char *event, const char *detail)
{
	enum iso_err err = db_begin(db);
	if (err != ISO_OK)
		return err;
	if ((err = journal_append(db, time, actor, event, detail)) == ISO_OK)
		return db_commit(db);
	db_rollback(db);
	return err;
}
