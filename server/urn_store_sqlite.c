/* The urn's storage on SQLite (see urn_store.h). One connection, and a
 * mutex around each operation, because a transaction is several statements
 * that must not interleave with another thread's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "db.h"
#include "hash.h"
#include "urn_store.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS urn_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"INSERT OR IGNORE INTO urn_meta VALUES ('phase', 0), ('opened_at', 0), ('closed_at', 0),"
	" ('finished_at', 0);"
	"CREATE TABLE IF NOT EXISTS ballots("
	" credential TEXT PRIMARY KEY, tracker TEXT NOT NULL UNIQUE, ballot BLOB NOT NULL,"
	" received INTEGER NOT NULL, receipt TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS used_tickets(nonce TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS seals(name TEXT PRIMARY KEY, time INTEGER NOT NULL,"
	" doc TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS seals_no_update BEFORE UPDATE ON seals"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS seals_no_delete BEFORE DELETE ON seals"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS ballots_no_update BEFORE UPDATE ON ballots"
	" BEGIN SELECT RAISE(ABORT, 'ballots are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS ballots_no_delete BEFORE DELETE ON ballots"
	" BEGIN SELECT RAISE(ABORT, 'ballots are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS tickets_no_update BEFORE UPDATE ON used_tickets"
	" BEGIN SELECT RAISE(ABORT, 'tickets are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS tickets_no_delete BEFORE DELETE ON used_tickets"
	" BEGIN SELECT RAISE(ABORT, 'tickets are append-only'); END;";

struct sqlite_urn {
	struct urn_store pub;
	sqlite3 *db;
	pthread_mutex_t lock;
};

static const char *const phase_names[] = {"prepared", "open", "suspended", "closed", "finished"};

const char *urn_phase_name(enum urn_phase p)
{
	return (unsigned)p <= URN_FINISHED ? phase_names[p] : "?";
}

static struct sqlite_urn *of(struct urn_store *s)
{
	return (struct sqlite_urn *)s;
}

static void sq_close(struct urn_store *s)
{
	struct sqlite_urn *u = of(s);
	db_close(u->db);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

/* the state, inside or outside a transaction (the lock held) */
static enum iso_err read_state(sqlite3 *db, struct urn_state *ret)
{
	struct urn_state st = {0};
	sqlite3_stmt *q = NULL;
	enum iso_err err = db_prepare(db, "SELECT key, value FROM urn_meta", &q);
	int rc;
	if (err != ISO_OK)
		return err;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(q, 0);
		int64_t v = sqlite3_column_int64(q, 1);
		if (k == NULL)
			continue;
		if (strcmp(k, "phase") == 0)
			st.phase = (enum urn_phase)v;
		else if (strcmp(k, "opened_at") == 0)
			st.opened_at = v;
		else if (strcmp(k, "closed_at") == 0)
			st.closed_at = v;
		else if (strcmp(k, "finished_at") == 0)
			st.finished_at = v;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE || (unsigned)st.phase > URN_FINISHED)
		return ISO_E_STORAGE;
	if ((err = db_prepare(db, "SELECT count(*) FROM ballots", &q)) != ISO_OK)
		return err;
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return ISO_E_STORAGE;
	}
	st.nballots = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	*ret = st;
	return ISO_OK;
}

static enum iso_err sq_state(struct urn_store *s, struct urn_state *ret)
{
	struct sqlite_urn *u = of(s);
	enum iso_err err;
	pthread_mutex_lock(&u->lock);
	err = read_state(u->db, ret);
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err set_meta(sqlite3 *db, const char *key, int64_t value)
{
	sqlite3_stmt *q = NULL;
	enum iso_err err = db_prepare(db, "UPDATE urn_meta SET value = ? WHERE key = ?", &q);
	if (err != ISO_OK)
		return err;
	sqlite3_bind_int64(q, 1, value);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	err = sqlite3_step(q) == SQLITE_DONE && sqlite3_changes(db) == 1 ? ISO_OK : ISO_E_STORAGE;
	sqlite3_finalize(q);
	return err;
}

/* The digest of the state inside the transaction (see urn_store.h). */
static enum iso_err digest_make(sqlite3 *db, int64_t time, enum urn_phase phase,
				struct urn_digest *d)
{
	sqlite3_stmt *q = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	int64_t n = 0, count;
	enum iso_err err;
	int rc;
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return ISO_E_CRYPTO_LIB;
	}
	if ((err = db_prepare(db, "SELECT tracker FROM ballots ORDER BY tracker", &q)) != ISO_OK)
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t == NULL || EVP_DigestUpdate(md, t, strlen(t)) != 1 ||
		    EVP_DigestUpdate(md, "\n", 1) != 1) {
			err = ISO_E_STORAGE;
			goto out;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		err = ISO_E_STORAGE;
		goto out;
	}
	if (EVP_DigestFinal_ex(md, h, NULL) != 1) {
		err = ISO_E_CRYPTO_LIB;
		goto out;
	}
	for (int i = 0; i < 32; i++)
		snprintf(d->trackers + 2 * i, 3, "%02x", h[i]);
	if ((err = journal_verify(db, &count, NULL, d->journal_head)) != ISO_OK)
		goto out;
	d->time = time;
	d->phase = phase;
	d->nballots = n;
out:
	sqlite3_finalize(q);
	EVP_MD_CTX_free(md);
	return err;
}

static enum iso_err seal_store(sqlite3 *db, const char *name, int64_t time, const char *actor,
			       const char *doc)
{
	sqlite3_stmt *q = NULL;
	char hex[65];
	enum iso_err err = db_prepare(db, "INSERT INTO seals(name, time, doc) VALUES (?, ?, ?)", &q);
	int rc;
	if (err != ISO_OK)
		return err;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, time);
	sqlite3_bind_text(q, 3, doc, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_CONSTRAINT)
		return ISO_E_URN_STATE;
	if (rc != SQLITE_DONE)
		return ISO_E_STORAGE;
	iso_sha256_hex(doc, strlen(doc), hex);
	return journal_append(db, time, actor, name, hex);
}

static enum iso_err sq_set_phase(struct urn_store *s, enum urn_phase from, enum urn_phase to,
				 int64_t time, const char *actor, const char *seal_name,
				 urn_seal_fn seal, void *arg)
{
	struct sqlite_urn *u = of(s);
	struct urn_state st;
	struct urn_digest d;
	enum iso_err err;
	char detail[64], *doc = NULL;
	pthread_mutex_lock(&u->lock);
	if ((err = db_begin(u->db)) != ISO_OK)
		goto out;
	if ((err = read_state(u->db, &st)) != ISO_OK)
		goto fail;
	if (st.phase != from) {
		err = ISO_E_URN_STATE;
		goto fail;
	}
	snprintf(detail, sizeof detail, "%s -> %s", urn_phase_name(from), urn_phase_name(to));
	if ((err = set_meta(u->db, "phase", to)) != ISO_OK ||
	    (to == URN_OPEN && st.opened_at == 0 &&
	     (err = set_meta(u->db, "opened_at", time)) != ISO_OK) ||
	    ((to == URN_CLOSED || (to == URN_FINISHED && st.closed_at == 0)) &&
	     (err = set_meta(u->db, "closed_at", time)) != ISO_OK) ||
	    (to == URN_FINISHED && (err = set_meta(u->db, "finished_at", time)) != ISO_OK) ||
	    (err = journal_append(u->db, time, actor, "phase", detail)) != ISO_OK)
		goto fail;
	if (seal != NULL) {
		memset(&d, 0, sizeof d);
		if ((err = digest_make(u->db, time, to, &d)) != ISO_OK ||
		    (err = seal(arg, &d, &doc)) != ISO_OK ||
		    (err = seal_store(u->db, seal_name, time, actor, doc)) != ISO_OK)
			goto fail;
	}
	err = db_commit(u->db);
	goto out;
fail:
	db_rollback(u->db);
out:
	free(doc);
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_each_seal(struct urn_store *s, urn_seal_each_fn fn, void *arg)
{
	struct sqlite_urn *u = of(s);
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc = SQLITE_DONE;
	pthread_mutex_lock(&u->lock);
	if ((err = db_prepare(u->db, "SELECT name, doc FROM seals ORDER BY time, name", &q)) ==
	    ISO_OK) {
		while (err == ISO_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *n = (const char *)sqlite3_column_text(q, 0);
			const char *doc = (const char *)sqlite3_column_text(q, 1);
			err = n != NULL && doc != NULL ? fn(arg, n, doc) : ISO_E_STORAGE;
		}
		if (err == ISO_OK && rc != SQLITE_DONE)
			err = ISO_E_STORAGE;
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_add_ballot(struct urn_store *s, const struct urn_ballot_row *b,
				  const char *ticket_nonce, urn_admit_fn admit, void *arg,
				  char **ret_receipt, bool *ret_again)
{
	struct sqlite_urn *u = of(s);
	struct urn_state st;
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	char *receipt = NULL;
	int rc;

	pthread_mutex_lock(&u->lock);
	if ((err = db_begin(u->db)) != ISO_OK)
		goto out;
	/* the same credential: the same submission again, or a second ballot */
	if ((err = db_prepare(u->db, "SELECT tracker, receipt FROM ballots WHERE credential = ?",
			      &q)) != ISO_OK)
		goto fail;
	sqlite3_bind_text(q, 1, b->credential, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t == NULL || strcmp(t, b->tracker) != 0) {
			err = ISO_E_CREDENTIAL_USED;
			goto fail;
		}
		if ((err = db_column_text(q, 1, &receipt)) != ISO_OK || receipt == NULL) {
			err = err != ISO_OK ? err : ISO_E_STORAGE;
			goto fail;
		}
		sqlite3_finalize(q);
		db_rollback(u->db);
		*ret_receipt = receipt;
		*ret_again = true;
		pthread_mutex_unlock(&u->lock);
		return ISO_OK;
	}
	if (rc != SQLITE_DONE) {
		err = ISO_E_STORAGE;
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	/* a spent ticket */
	if ((err = db_prepare(u->db, "SELECT 1 FROM used_tickets WHERE nonce = ?", &q)) != ISO_OK)
		goto fail;
	sqlite3_bind_text(q, 1, ticket_nonce, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		err = rc == SQLITE_ROW ? ISO_E_TICKET_USED : ISO_E_STORAGE;
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	/* the urn's phase and the ticket's times, decided by the caller */
	if ((err = read_state(u->db, &st)) != ISO_OK || (err = admit(arg, &st)) != ISO_OK)
		goto fail;
	if ((err = db_prepare(u->db,
			      "INSERT INTO ballots(credential, tracker, ballot, received, receipt)"
			      " VALUES (?, ?, ?, ?, ?)",
			      &q)) != ISO_OK)
		goto fail;
	sqlite3_bind_text(q, 1, b->credential, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, b->tracker, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, b->ballot, (int)b->len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, b->received);
	sqlite3_bind_text(q, 5, b->receipt, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		err = ISO_E_STORAGE;
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	if ((err = db_prepare(u->db, "INSERT INTO used_tickets(nonce) VALUES (?)", &q)) != ISO_OK)
		goto fail;
	sqlite3_bind_text(q, 1, ticket_nonce, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		err = ISO_E_STORAGE;
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	/* the receipt's event: the tracker and the time, nothing else */
	if ((err = journal_append(u->db, b->received, "urn", "ballot", b->tracker)) != ISO_OK)
		goto fail;
	receipt = strdup(b->receipt);
	if (receipt == NULL) {
		err = ISO_E_NOMEM;
		goto fail;
	}
	if ((err = db_commit(u->db)) != ISO_OK) {
		free(receipt);
		goto out;
	}
	*ret_receipt = receipt;
	*ret_again = false;
	goto out;
fail:
	free(receipt);
	sqlite3_finalize(q);
	db_rollback(u->db);
out:
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_has_tracker(struct urn_store *s, const char *tracker, bool *ret)
{
	struct sqlite_urn *u = of(s);
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc;
	pthread_mutex_lock(&u->lock);
	if ((err = db_prepare(u->db, "SELECT 1 FROM ballots WHERE tracker = ?", &q)) == ISO_OK) {
		sqlite3_bind_text(q, 1, tracker, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			*ret = rc == SQLITE_ROW;
		else
			err = ISO_E_STORAGE;
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_each_ballot(struct urn_store *s, urn_ballot_fn fn, void *arg)
{
	struct sqlite_urn *u = of(s);
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc = SQLITE_DONE;
	pthread_mutex_lock(&u->lock);
	if ((err = db_prepare(u->db,
			      "SELECT credential, tracker, ballot, received, receipt FROM ballots"
			      " ORDER BY tracker",
			      &q)) != ISO_OK)
		goto out;
	while (err == ISO_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct urn_ballot_row b = {
			(const char *)sqlite3_column_text(q, 0),
			(const char *)sqlite3_column_text(q, 1),
			(const char *)sqlite3_column_blob(q, 2),
			(size_t)sqlite3_column_bytes(q, 2),
			sqlite3_column_int64(q, 3),
			(const char *)sqlite3_column_text(q, 4),
		};
		if (b.credential == NULL || b.tracker == NULL || b.ballot == NULL ||
		    b.receipt == NULL)
			err = ISO_E_STORAGE;
		else
			err = fn(arg, &b);
	}
	if (err == ISO_OK && rc != SQLITE_DONE)
		err = ISO_E_STORAGE;
	sqlite3_finalize(q);
out:
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_journal(struct urn_store *s, int64_t time, const char *actor,
			       const char *event, const char *detail)
{
	struct sqlite_urn *u = of(s);
	enum iso_err err;
	pthread_mutex_lock(&u->lock);
	err = journal_append_alone(u->db, time, actor, event, detail);
	pthread_mutex_unlock(&u->lock);
	return err;
}

static enum iso_err sq_verify_journal(struct urn_store *s, int64_t *ret_count, int64_t *ret_bad,
				      char ret_head[JOURNAL_HASH_LEN + 1])
{
	struct sqlite_urn *u = of(s);
	enum iso_err err;
	pthread_mutex_lock(&u->lock);
	err = journal_verify(u->db, ret_count, ret_bad, ret_head);
	pthread_mutex_unlock(&u->lock);
	return err;
}

static const struct urn_store_ops sqlite_ops = {
	sq_close, sq_state, sq_set_phase, sq_each_seal, sq_add_ballot, sq_has_tracker,
	sq_each_ballot, sq_journal, sq_verify_journal,
};

enum iso_err urn_store_open_sqlite(const char *path, struct urn_store **ret)
{
	struct sqlite_urn *u = calloc(1, sizeof *u);
	enum iso_err err;
	if (u == NULL)
		return ISO_E_NOMEM;
	err = journal_db_open(path, schema, &u->db);
	if (err != ISO_OK) {
		free(u);
		return err;
	}
	pthread_mutex_init(&u->lock, NULL);
	u->pub.ops = &sqlite_ops;
	*ret = &u->pub;
	return ISO_OK;
}
