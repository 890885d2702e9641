/* The registry's storage on SQLite (see registry_store.h). One connection
 * and a mutex around each operation, because a transaction is several
 * statements that must not interleave with another thread's. The schema
 * keeps the rules itself: the voters, their polls, the émargement rows and
 * the seals refuse UPDATE and DELETE, and once the final seal is stored no
 * émargement row can be added. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "db.h"
#include "hash.h"
#include "registry_store.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS registry_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"INSERT OR IGNORE INTO registry_meta VALUES ('suspended', 0), ('stopped_at', 0),"
	" ('frozen_at', 0);"
	"CREATE TABLE IF NOT EXISTS voters(identifier TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" answer_hash TEXT NOT NULL, verifier_hash TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS voter_polls("
	" identifier TEXT NOT NULL REFERENCES voters(identifier), poll TEXT NOT NULL,"
	" rank INTEGER NOT NULL, PRIMARY KEY(identifier, poll)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS emargements(identifier TEXT NOT NULL, poll TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('pending', 'final')), at INTEGER NOT NULL,"
	" PRIMARY KEY(identifier, poll, state),"
	" FOREIGN KEY(identifier, poll) REFERENCES voter_polls(identifier, poll)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS emargements_at ON emargements(at);"
	"CREATE TABLE IF NOT EXISTS failures(kind TEXT NOT NULL, key TEXT NOT NULL,"
	" count INTEGER NOT NULL, locked_until INTEGER NOT NULL, lockouts INTEGER NOT NULL,"
	" PRIMARY KEY(kind, key)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY,"
	" identifier TEXT NOT NULL REFERENCES voters(identifier), kiosk TEXT NOT NULL,"
	" started INTEGER NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS seals(name TEXT PRIMARY KEY, time INTEGER NOT NULL,"
	" doc TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS voters_no_update BEFORE UPDATE ON voters"
	" BEGIN SELECT RAISE(ABORT, 'the voters are imported once'); END;"
	"CREATE TRIGGER IF NOT EXISTS voters_no_delete BEFORE DELETE ON voters"
	" BEGIN SELECT RAISE(ABORT, 'the voters are imported once'); END;"
	"CREATE TRIGGER IF NOT EXISTS voter_polls_no_update BEFORE UPDATE ON voter_polls"
	" BEGIN SELECT RAISE(ABORT, 'the voters are imported once'); END;"
	"CREATE TRIGGER IF NOT EXISTS voter_polls_no_delete BEFORE DELETE ON voter_polls"
	" BEGIN SELECT RAISE(ABORT, 'the voters are imported once'); END;"
	"CREATE TRIGGER IF NOT EXISTS emargements_no_update BEFORE UPDATE ON emargements"
	" BEGIN SELECT RAISE(ABORT, 'the emargement list is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS emargements_no_delete BEFORE DELETE ON emargements"
	" BEGIN SELECT RAISE(ABORT, 'the emargement list is append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS emargements_frozen BEFORE INSERT ON emargements"
	" WHEN (SELECT value FROM registry_meta WHERE key = 'frozen_at') != 0"
	" BEGIN SELECT RAISE(ABORT, 'the emargement list is frozen'); END;"
	"CREATE TRIGGER IF NOT EXISTS seals_no_update BEFORE UPDATE ON seals"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;"
	"CREATE TRIGGER IF NOT EXISTS seals_no_delete BEFORE DELETE ON seals"
	" BEGIN SELECT RAISE(ABORT, 'seals are append-only'); END;";

struct sqlite_registry {
	struct registry_store pub;
	sqlite3 *db;
	pthread_mutex_t lock;
};

static struct sqlite_registry *of(struct registry_store *s)
{
	return (struct sqlite_registry *)s;
}

/* ---- statements: types is one letter per parameter, 't' a string, 'i'
 * an int64_t ---- */

static enum iso_err bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i] != '\0'; i++) {
		int rc;
		if (types[i] == 't')
			rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		if (rc != SQLITE_OK)
			return ISO_E_STORAGE;
	}
	return ISO_OK;
}

/* A query whose rows the caller steps through and finalizes. */
static enum iso_err query(sqlite3 *db, sqlite3_stmt **ret, const char *sql, const char *types,
			  ...)
{
	sqlite3_stmt *st = NULL;
	enum iso_err err;
	va_list ap;
	if ((err = db_prepare(db, sql, &st)) != ISO_OK)
		return err;
	va_start(ap, types);
	err = bindv(st, types, ap);
	va_end(ap);
	if (err != ISO_OK) {
		sqlite3_finalize(st);
		return err;
	}
	*ret = st;
	return ISO_OK;
}

/* A statement without rows. */
static enum iso_err run(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	enum iso_err err;
	va_list ap;
	if ((err = db_prepare(db, sql, &st)) != ISO_OK)
		return err;
	va_start(ap, types);
	err = bindv(st, types, ap);
	va_end(ap);
	if (err == ISO_OK && sqlite3_step(st) != SQLITE_DONE)
		err = ISO_E_STORAGE;
	sqlite3_finalize(st);
	return err;
}

/* The single integer a query returns (*ret untouched and *ret_found false
 * when it returns no row). */
static enum iso_err one_int(sqlite3 *db, int64_t *ret, bool *ret_found, const char *sql,
			    const char *a, const char *b)
{
	sqlite3_stmt *st = NULL;
	enum iso_err err = a == NULL	? query(db, &st, sql, "")
			   : b == NULL	? query(db, &st, sql, "t", a)
					: query(db, &st, sql, "tt", a, b);
	int rc;
	if (err != ISO_OK)
		return err;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		err = ISO_E_STORAGE;
	if (ret_found != NULL)
		*ret_found = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return err;
}

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	snprintf(out, size, "%s", t != NULL ? t : "");
}

/* ---- state ---- */

static enum iso_err read_state(sqlite3 *db, struct registry_state *ret)
{
	struct registry_state st = {0};
	sqlite3_stmt *q = NULL;
	enum iso_err err = query(db, &q, "SELECT key, value FROM registry_meta", "");
	int rc;
	if (err != ISO_OK)
		return err;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(q, 0);
		int64_t v = sqlite3_column_int64(q, 1);
		if (k == NULL)
			continue;
		if (strcmp(k, "suspended") == 0)
			st.suspended = v != 0;
		else if (strcmp(k, "stopped_at") == 0)
			st.stopped_at = v;
		else if (strcmp(k, "frozen_at") == 0)
			st.frozen_at = v;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ISO_E_STORAGE;
	if ((err = one_int(db, &st.nvoters, NULL, "SELECT count(*) FROM voters", NULL, NULL)) !=
	    ISO_OK)
		return err;
	*ret = st;
	return ISO_OK;
}

static enum iso_err set_meta(sqlite3 *db, const char *key, int64_t value)
{
	enum iso_err err = run(db, "UPDATE registry_meta SET value = ? WHERE key = ?", "it", value,
			       key);
	return err == ISO_OK && sqlite3_changes(db) != 1 ? ISO_E_STORAGE : err;
}

static void sq_close(struct registry_store *s)
{
	struct sqlite_registry *r = of(s);
	db_close(r->db);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static enum iso_err sq_state(struct registry_store *s, struct registry_state *ret)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	err = read_state(r->db, ret);
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* ---- the voters ---- */

static enum iso_err sq_import(struct registry_store *s, const struct registry_voters *vs,
			      int64_t time, const char *actor,
			      struct registry_voters_where *where)
{
	struct sqlite_registry *r = of(s);
	struct registry_state st;
	enum iso_err err;
	char detail[64];
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = read_state(r->db, &st)) != ISO_OK)
		goto fail;
	if (st.nvoters > 0) {
		if (where != NULL)
			*where = (struct registry_voters_where){0, 0, NULL, st.nvoters};
		err = ISO_E_VOTER_FILE;
		goto fail;
	}
	for (size_t i = 0; i < vs->n; i++) {
		const struct registry_voter *v = &vs->v[i];
		if ((err = run(r->db,
			       "INSERT INTO voters(identifier, name, answer_hash, verifier_hash)"
			       " VALUES (?, ?, ?, ?)",
			       "tttt", v->identifier, v->name, v->answer, v->verifier)) != ISO_OK)
			goto fail;
		for (size_t k = 0; k < v->npolls; k++)
			if ((err = run(r->db,
				       "INSERT INTO voter_polls(identifier, poll, rank) VALUES (?, ?, ?)",
				       "tti", v->identifier, v->polls[k], (int64_t)k)) != ISO_OK)
				goto fail;
	}
	snprintf(detail, sizeof detail, "%zu voters", vs->n);
	if ((err = journal_append(r->db, time, actor, "import", detail)) != ISO_OK)
		goto fail;
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

void registry_voter_view_clear(struct registry_voter_view *v)
{
	if (v == NULL)
		return;
	free(v->name);
	free(v->answer);
	free(v->verifier);
	free(v->polls);
	memset(v, 0, sizeof *v);
}

/* The polls of a voter, in the file's order, with their states. */
static enum iso_err polls_read(sqlite3 *db, const char *identifier,
			       struct registry_poll_status **ret, size_t *ret_n)
{
	sqlite3_stmt *q = NULL;
	struct registry_poll_status *p = NULL;
	size_t n = 0;
	int rc;
	enum iso_err err = query(
		db, &q,
		"SELECT vp.poll,"
		" (SELECT max(CASE e.state WHEN 'final' THEN 2 ELSE 1 END) FROM emargements e"
		"  WHERE e.identifier = vp.identifier AND e.poll = vp.poll),"
		" (SELECT max(e.at) FROM emargements e"
		"  WHERE e.identifier = vp.identifier AND e.poll = vp.poll)"
		" FROM voter_polls vp WHERE vp.identifier = ? ORDER BY vp.rank",
		"t", identifier);
	if (err != ISO_OK)
		return err;
	if ((p = calloc(REGISTRY_POLLS_MAX, sizeof *p)) == NULL) {
		sqlite3_finalize(q);
		return ISO_E_NOMEM;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < REGISTRY_POLLS_MAX) {
		copy_text(q, 0, p[n].poll, sizeof p[n].poll);
		p[n].state = (enum emargement_state)sqlite3_column_int(q, 1);
		p[n].at = sqlite3_column_int64(q, 2);
		n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(p);
		return ISO_E_STORAGE;
	}
	*ret = p;
	*ret_n = n;
	return ISO_OK;
}

static enum iso_err sq_voter(struct registry_store *s, const char *identifier,
			     struct registry_voter_view *ret, bool *ret_found)
{
	struct sqlite_registry *r = of(s);
	struct registry_voter_view v = {0};
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc;
	pthread_mutex_lock(&r->lock);
	if ((err = query(r->db, &q,
			 "SELECT name, answer_hash, verifier_hash FROM voters WHERE identifier = ?",
			 "t", identifier)) != ISO_OK)
		goto out;
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		*ret_found = false;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		err = ISO_E_STORAGE;
		goto out;
	}
	if ((err = db_column_text(q, 0, &v.name)) != ISO_OK ||
	    (err = db_column_text(q, 1, &v.answer)) != ISO_OK ||
	    (err = db_column_text(q, 2, &v.verifier)) != ISO_OK)
		goto out;
	if (v.name == NULL || v.answer == NULL || v.verifier == NULL) {
		err = ISO_E_STORAGE;
		goto out;
	}
	if ((err = polls_read(r->db, identifier, &v.polls, &v.npolls)) != ISO_OK)
		goto out;
	*ret = v;
	*ret_found = true;
	memset(&v, 0, sizeof v);
out:
	sqlite3_finalize(q);
	registry_voter_view_clear(&v);
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_sample(struct registry_store *s, char **ret_answer, char **ret_verifier)
{
	struct sqlite_registry *r = of(s);
	sqlite3_stmt *q = NULL;
	char *a = NULL, *v = NULL;
	enum iso_err err;
	int rc;
	pthread_mutex_lock(&r->lock);
	if ((err = query(r->db, &q,
			 "SELECT answer_hash, verifier_hash FROM voters ORDER BY identifier LIMIT 1",
			 "")) != ISO_OK)
		goto out;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if ((err = db_column_text(q, 0, &a)) != ISO_OK ||
		    (err = db_column_text(q, 1, &v)) != ISO_OK)
			goto out;
	} else if (rc != SQLITE_DONE) {
		err = ISO_E_STORAGE;
		goto out;
	}
	*ret_answer = a;
	*ret_verifier = v;
	a = v = NULL;
out:
	free(a);
	free(v);
	sqlite3_finalize(q);
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* ---- lockout ---- */

struct counter {
	int64_t count, until, lockouts;
};

static enum iso_err counter_read(sqlite3 *db, const struct registry_lock_key *k,
				 struct counter *ret)
{
	sqlite3_stmt *q = NULL;
	enum iso_err err = query(db, &q,
				 "SELECT count, locked_until, lockouts FROM failures"
				 " WHERE kind = ? AND key = ?",
				 "tt", k->kind, k->key);
	int rc;
	if (err != ISO_OK)
		return err;
	*ret = (struct counter){0, 0, 0};
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret = (struct counter){sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
					sqlite3_column_int64(q, 2)};
	else if (rc != SQLITE_DONE)
		err = ISO_E_STORAGE;
	sqlite3_finalize(q);
	return err;
}

/* the delay of the n-th lock in a row: first_delay doubled, at most max */
static int64_t lock_delay(const struct registry_lockout *rule, int64_t n)
{
	int64_t d = rule->first_delay;
	for (int64_t i = 1; i < n && d < rule->max_delay; i++)
		d *= 2;
	return d < rule->max_delay ? d : rule->max_delay;
}

static enum iso_err counters_reset(sqlite3 *db, const struct registry_lock_key *keys, size_t n)
{
	enum iso_err err = ISO_OK;
	for (size_t i = 0; err == ISO_OK && i < n; i++)
		err = run(db, "DELETE FROM failures WHERE kind = ? AND key = ?", "tt", keys[i].kind,
			  keys[i].key);
	return err;
}

/* the longest lock in force at now, 0 if none */
static enum iso_err counters_locked(sqlite3 *db, const struct registry_lock_key *keys, size_t n,
				    int64_t now, int64_t *ret)
{
	int64_t wait = 0;
	for (size_t i = 0; i < n; i++) {
		struct counter c;
		enum iso_err err = counter_read(db, &keys[i], &c);
		if (err != ISO_OK)
			return err;
		if (c.until > now && c.until - now > wait)
			wait = c.until - now;
	}
	*ret = wait;
	return ISO_OK;
}

static enum iso_err sq_attempt(struct registry_store *s, const struct registry_lock_key *keys,
			       size_t n, int64_t now, int64_t *ret_retry)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	int64_t wait = 0;
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = counters_locked(r->db, keys, n, now, &wait)) != ISO_OK)
		goto fail;
	if (wait > 0) {
		*ret_retry = wait;
		err = ISO_E_LOCKED_OUT;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct counter c;
		if ((err = counter_read(r->db, &keys[i], &c)) != ISO_OK)
			goto fail;
		c.count++;
		if (keys[i].rule.threshold > 0 && c.count >= keys[i].rule.threshold) {
			c.lockouts++;
			c.until = now + lock_delay(&keys[i].rule, c.lockouts);
		}
		if ((err = run(r->db,
			       "INSERT OR REPLACE INTO failures(kind, key, count, locked_until,"
			       " lockouts) VALUES (?, ?, ?, ?, ?)",
			       "ttiii", keys[i].kind, keys[i].key, c.count, c.until, c.lockouts)) !=
		    ISO_OK)
			goto fail;
	}
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_failed(struct registry_store *s, const struct registry_lock_key *keys,
			      size_t n, int64_t now, const char *actor, const char *event,
			      const char *detail, int64_t *ret_retry)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	int64_t wait = 0;
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = counters_locked(r->db, keys, n, now, &wait)) != ISO_OK ||
	    (err = journal_append(r->db, now, actor, event, detail)) != ISO_OK) {
		db_rollback(r->db);
		goto out;
	}
	if ((err = db_commit(r->db)) == ISO_OK)
		*ret_retry = wait;
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* ---- sessions ---- */

static enum iso_err session_read(sqlite3 *db, const char *token_hash, int64_t now,
				 struct registry_session *ret)
{
	sqlite3_stmt *q = NULL;
	enum iso_err err = query(db, &q,
				 "SELECT identifier, kiosk, started, expires FROM sessions"
				 " WHERE token_hash = ?",
				 "t", token_hash);
	int rc;
	if (err != ISO_OK)
		return err;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_int64(q, 3) > now) {
		copy_text(q, 0, ret->identifier, sizeof ret->identifier);
		copy_text(q, 1, ret->kiosk, sizeof ret->kiosk);
		ret->started = sqlite3_column_int64(q, 2);
		ret->expires = sqlite3_column_int64(q, 3);
	} else {
		err = rc == SQLITE_ROW || rc == SQLITE_DONE ? ISO_E_SESSION : ISO_E_STORAGE;
	}
	sqlite3_finalize(q);
	return err;
}

static enum iso_err sq_session(struct registry_store *s, const char *token_hash, int64_t now,
			       struct registry_session *ret)
{
	struct sqlite_registry *r = of(s);
	struct registry_session sess;
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	if ((err = session_read(r->db, token_hash, now, &sess)) == ISO_OK)
		*ret = sess;
	pthread_mutex_unlock(&r->lock);
	return err;
}

static void actor_of(char *out, size_t size, const char *kiosk)
{
	snprintf(out, size, "kiosk:%s", kiosk);
}

static enum iso_err sq_login(struct registry_store *s, const struct registry_lock_key *keys,
			     size_t n, const char *token_hash, const struct registry_session *sess,
			     registry_admit_fn admit, void *arg,
			     struct registry_poll_status **ret_polls, size_t *ret_n)
{
	struct sqlite_registry *r = of(s);
	struct registry_state st;
	struct registry_poll_status *polls = NULL;
	size_t np = 0;
	char actor[REGISTRY_KIOSK_MAX + 8];
	enum iso_err err;
	actor_of(actor, sizeof actor, sess->kiosk);
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = read_state(r->db, &st)) != ISO_OK || (err = admit(arg, &st)) != ISO_OK ||
	    (err = counters_reset(r->db, keys, n)) != ISO_OK ||
	    (err = run(r->db, "DELETE FROM sessions WHERE expires <= ?", "i", sess->started)) !=
		    ISO_OK ||
	    (err = run(r->db,
		       "INSERT INTO sessions(token_hash, identifier, kiosk, started, expires)"
		       " VALUES (?, ?, ?, ?, ?)",
		       "tttii", token_hash, sess->identifier, sess->kiosk, sess->started,
		       sess->expires)) != ISO_OK ||
	    (err = journal_append(r->db, sess->started, actor, "login", sess->identifier)) !=
		    ISO_OK ||
	    (err = polls_read(r->db, sess->identifier, &polls, &np)) != ISO_OK)
		goto fail;
	if ((err = db_commit(r->db)) != ISO_OK)
		goto out;
	*ret_polls = polls;
	*ret_n = np;
	polls = NULL;
	goto out;
fail:
	db_rollback(r->db);
out:
	free(polls);
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* Inside a transaction: the session for this kiosk, the poll one of its
 * voter's, the voter's state in it, and the store's state. */
static enum iso_err emargement_context(sqlite3 *db, const char *token_hash, const char *kiosk,
				       const char *poll, int64_t now,
				       struct registry_session *sess,
				       enum emargement_state *ret_state, int64_t *ret_pending_at,
				       struct registry_state *st)
{
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	bool found = false;
	int64_t dummy, pending_at = 0;
	enum emargement_state state = EMARGEMENT_NONE;
	int rc;
	if ((err = session_read(db, token_hash, now, sess)) != ISO_OK)
		return err;
	if (strcmp(sess->kiosk, kiosk) != 0)
		return ISO_E_SESSION;
	if ((err = one_int(db, &dummy, &found,
			   "SELECT 1 FROM voter_polls WHERE identifier = ? AND poll = ?",
			   sess->identifier, poll)) != ISO_OK)
		return err;
	if (!found)
		return ISO_E_NOT_VOTER;
	if ((err = query(db, &q,
			 "SELECT state, at FROM emargements WHERE identifier = ? AND poll = ?", "tt",
			 sess->identifier, poll)) != ISO_OK)
		return err;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t != NULL && strcmp(t, "final") == 0) {
			state = EMARGEMENT_VOTED;
		} else {
			pending_at = sqlite3_column_int64(q, 1);
			if (state == EMARGEMENT_NONE)
				state = EMARGEMENT_PENDING;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ISO_E_STORAGE;
	if ((err = read_state(db, st)) != ISO_OK)
		return err;
	*ret_state = state;
	*ret_pending_at = pending_at;
	return ISO_OK;
}

static enum iso_err sq_ticket(struct registry_store *s, const struct registry_lock_key *keys,
			      size_t n, const char *token_hash, const char *kiosk,
			      const char *poll, int64_t now, int64_t expires,
			      registry_admit_fn admit, void *arg)
{
	struct sqlite_registry *r = of(s);
	struct registry_session sess;
	struct registry_state st;
	enum emargement_state state;
	int64_t pending_at;
	char actor[REGISTRY_KIOSK_MAX + 8], detail[REGISTRY_IDENTIFIER_MAX + REGISTRY_POLL_MAX + 2];
	enum iso_err err;
	actor_of(actor, sizeof actor, kiosk);
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = emargement_context(r->db, token_hash, kiosk, poll, now, &sess, &state,
				      &pending_at, &st)) != ISO_OK)
		goto fail;
	if (state == EMARGEMENT_VOTED) {
		err = ISO_E_ALREADY_VOTED;
		goto fail;
	}
	if (st.frozen_at != 0) {
		err = ISO_E_VOTING_CLOSED;
		goto fail;
	}
	snprintf(detail, sizeof detail, "%s %s", sess.identifier, poll);
	if ((err = admit(arg, &st)) != ISO_OK || (err = counters_reset(r->db, keys, n)) != ISO_OK ||
	    (state == EMARGEMENT_NONE &&
	     (err = run(r->db,
			"INSERT INTO emargements(identifier, poll, state, at)"
			" VALUES (?, ?, 'pending', ?)",
			"tti", sess.identifier, poll, now)) != ISO_OK) ||
	    (err = run(r->db, "UPDATE sessions SET expires = ? WHERE token_hash = ?", "it", expires,
		       token_hash)) != ISO_OK ||
	    (err = journal_append(r->db, now, actor, "ticket", detail)) != ISO_OK)
		goto fail;
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_confirm(struct registry_store *s, const char *token_hash,
			       const char *kiosk, const char *poll, int64_t now,
			       int64_t receipt_time, int64_t expires, registry_admit_fn admit,
			       void *arg)
{
	struct sqlite_registry *r = of(s);
	struct registry_session sess;
	struct registry_state st;
	enum emargement_state state;
	int64_t pending_at;
	char actor[REGISTRY_KIOSK_MAX + 8], detail[REGISTRY_IDENTIFIER_MAX + REGISTRY_POLL_MAX + 2];
	enum iso_err err;
	actor_of(actor, sizeof actor, kiosk);
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = emargement_context(r->db, token_hash, kiosk, poll, now, &sess, &state,
				      &pending_at, &st)) != ISO_OK)
		goto fail;
	if (state == EMARGEMENT_VOTED) {
		/* the same confirmation again: nothing to add */
		db_rollback(r->db);
		goto out;
	}
	if (st.frozen_at != 0) {
		err = ISO_E_VOTING_CLOSED;
		goto fail;
	}
	if ((err = admit(arg, &st)) != ISO_OK)
		goto fail;
	if (state != EMARGEMENT_PENDING || pending_at > receipt_time) {
		err = ISO_E_BAD_RECEIPT;
		goto fail;
	}
	snprintf(detail, sizeof detail, "%s %s", sess.identifier, poll);
	if ((err = run(r->db,
		       "INSERT INTO emargements(identifier, poll, state, at) VALUES (?, ?, 'final', ?)",
		       "tti", sess.identifier, poll, now)) != ISO_OK ||
	    (err = run(r->db, "UPDATE sessions SET expires = ? WHERE token_hash = ?", "it", expires,
		       token_hash)) != ISO_OK ||
	    (err = journal_append(r->db, now, actor, "emargement", detail)) != ISO_OK)
		goto fail;
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_logout(struct registry_store *s, const char *token_hash,
			      const char *kiosk, int64_t now)
{
	struct sqlite_registry *r = of(s);
	struct registry_session sess;
	char actor[REGISTRY_KIOSK_MAX + 8];
	enum iso_err err;
	actor_of(actor, sizeof actor, kiosk);
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = session_read(r->db, token_hash, now, &sess)) != ISO_OK)
		goto fail;
	if (strcmp(sess.kiosk, kiosk) != 0) {
		err = ISO_E_SESSION;
		goto fail;
	}
	if ((err = run(r->db, "DELETE FROM sessions WHERE token_hash = ?", "t", token_hash)) !=
		    ISO_OK ||
	    (err = journal_append(r->db, now, actor, "logout", sess.identifier)) != ISO_OK)
		goto fail;
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

/* ---- the list, counts and seals ---- */

static enum iso_err rows_each(sqlite3 *db, int64_t before, bool pending_only,
			      registry_row_fn fn, void *arg)
{
	sqlite3_stmt *q = NULL;
	enum iso_err err = query(
		db, &q,
		"SELECT e.identifier, v.name, e.poll, e.state, e.at"
		" FROM emargements e JOIN voters v ON v.identifier = e.identifier"
		" WHERE e.at < ?1 AND (?2 = 0 OR (e.state = 'pending' AND NOT EXISTS ("
		"  SELECT 1 FROM emargements f WHERE f.identifier = e.identifier"
		"  AND f.poll = e.poll AND f.state = 'final' AND f.at < ?1)))"
		" ORDER BY e.at, e.poll, e.identifier, e.state DESC",
		"ii", before, (int64_t)pending_only);
	int rc = SQLITE_DONE;
	if (err != ISO_OK)
		return err;
	while (err == ISO_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(q, 3);
		struct emargement_row row = {
			(const char *)sqlite3_column_text(q, 0),
			(const char *)sqlite3_column_text(q, 1),
			(const char *)sqlite3_column_text(q, 2),
			state != NULL && strcmp(state, "final") == 0 ? EMARGEMENT_VOTED
								     : EMARGEMENT_PENDING,
			sqlite3_column_int64(q, 4),
		};
		if (row.identifier == NULL || row.name == NULL || row.poll == NULL || state == NULL)
			err = ISO_E_STORAGE;
		else
			err = fn(arg, &row);
	}
	if (err == ISO_OK && rc != SQLITE_DONE)
		err = ISO_E_STORAGE;
	sqlite3_finalize(q);
	return err;
}

static enum iso_err counts_read(sqlite3 *db, int64_t before, struct registry_poll_count **ret,
				size_t *ret_n)
{
	sqlite3_stmt *q = NULL;
	struct registry_poll_count *c = NULL;
	size_t n = 0, cap = 0;
	int rc;
	enum iso_err err = query(
		db, &q,
		"SELECT vp.poll, count(*),"
		" coalesce(sum(EXISTS (SELECT 1 FROM emargements e WHERE e.identifier = vp.identifier"
		"  AND e.poll = vp.poll AND e.state = 'pending' AND e.at < ?1)"
		"  AND NOT EXISTS (SELECT 1 FROM emargements e WHERE e.identifier = vp.identifier"
		"  AND e.poll = vp.poll AND e.state = 'final' AND e.at < ?1)), 0),"
		" coalesce(sum(EXISTS (SELECT 1 FROM emargements e WHERE e.identifier = vp.identifier"
		"  AND e.poll = vp.poll AND e.state = 'final' AND e.at < ?1)), 0)"
		" FROM voter_polls vp GROUP BY vp.poll ORDER BY vp.poll",
		"i", before);
	if (err != ISO_OK)
		return err;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct registry_poll_count *nc = realloc(c, ncap * sizeof *nc);
			if (nc == NULL) {
				err = ISO_E_NOMEM;
				break;
			}
			c = nc;
			cap = ncap;
		}
		copy_text(q, 0, c[n].poll, sizeof c[n].poll);
		c[n].voters = sqlite3_column_int64(q, 1);
		c[n].pending = sqlite3_column_int64(q, 2);
		c[n].voted = sqlite3_column_int64(q, 3);
		n++;
	}
	sqlite3_finalize(q);
	if (err == ISO_OK && rc != SQLITE_DONE)
		err = ISO_E_STORAGE;
	if (err != ISO_OK) {
		free(c);
		return err;
	}
	*ret = c;
	*ret_n = n;
	return ISO_OK;
}

static enum iso_err csv_digest_row(void *arg, const struct emargement_row *r)
{
	char line[EMARGEMENT_LINE_MAX];
	size_t len;
	enum iso_err err = emargement_csv_line(r, line, &len);
	if (err != ISO_OK)
		return err;
	return EVP_DigestUpdate(arg, line, len) == 1 ? ISO_OK : ISO_E_CRYPTO_LIB;
}

/* SHA-256 hex of the CSV of the rows before `before` */
static enum iso_err csv_digest(sqlite3 *db, int64_t before, char out[JOURNAL_HASH_LEN + 1])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	enum iso_err err = ISO_E_CRYPTO_LIB;
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, emargement_csv_header, strlen(emargement_csv_header)) != 1)
		goto out;
	if ((err = rows_each(db, before, false, csv_digest_row, md)) != ISO_OK)
		goto out;
	err = ISO_E_CRYPTO_LIB;
	if (EVP_DigestFinal_ex(md, h, NULL) != 1)
		goto out;
	iso_hex_encode(h, sizeof h, out);
	out[JOURNAL_HASH_LEN] = '\0';
	err = ISO_OK;
out:
	EVP_MD_CTX_free(md);
	return err;
}

static enum iso_err seal_in_tx(sqlite3 *db, const char *name, int64_t time, int64_t before,
			       const char *actor, bool freeze, registry_seal_fn seal, void *arg)
{
	struct registry_state st;
	struct registry_digest d;
	struct registry_poll_count *counts = NULL;
	size_t n = 0;
	int64_t dummy, count;
	bool exists = false;
	char *doc = NULL, hex[JOURNAL_HASH_LEN + 1];
	enum iso_err err;
	memset(&d, 0, sizeof d);
	if ((err = one_int(db, &dummy, &exists, "SELECT 1 FROM seals WHERE name = ?", name,
			   NULL)) != ISO_OK ||
	    (err = read_state(db, &st)) != ISO_OK)
		return err;
	if (exists || st.frozen_at != 0)
		return ISO_E_URN_STATE;
	if ((err = counts_read(db, before, &counts, &n)) != ISO_OK)
		return err;
	d.event = name;
	d.time = time;
	d.counts = counts;
	d.npolls = n;
	if ((err = csv_digest(db, before, d.emargement)) != ISO_OK ||
	    (err = journal_verify(db, &count, NULL, d.journal_head)) != ISO_OK ||
	    (err = seal(arg, &d, &doc)) != ISO_OK ||
	    (err = run(db, "INSERT INTO seals(name, time, doc) VALUES (?, ?, ?)", "tit", name, time,
		       doc)) != ISO_OK)
		goto out;
	iso_sha256_hex(doc, strlen(doc), hex);
	if ((err = journal_append(db, time, actor, name, hex)) != ISO_OK)
		goto out;
	if (freeze)
		err = set_meta(db, "frozen_at", time);
out:
	free(doc);
	free(counts);
	return err;
}

static enum iso_err sq_seal(struct registry_store *s, const char *name, int64_t time,
			    int64_t before, const char *actor, bool freeze, registry_seal_fn seal,
			    void *arg)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) == ISO_OK) {
		if ((err = seal_in_tx(r->db, name, time, before, actor, freeze, seal, arg)) ==
		    ISO_OK)
			err = db_commit(r->db);
		else
			db_rollback(r->db);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_control(struct registry_store *s, enum registry_action a, int64_t now,
			       const char *actor, registry_seal_fn seal, void *arg)
{
	struct sqlite_registry *r = of(s);
	struct registry_state st;
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	if ((err = db_begin(r->db)) != ISO_OK)
		goto out;
	if ((err = read_state(r->db, &st)) != ISO_OK)
		goto fail;
	err = ISO_E_URN_STATE;
	if (st.frozen_at != 0 || st.stopped_at != 0)
		goto fail;
	switch (a) {
	case REGISTRY_DO_SUSPEND:
		if (st.suspended)
			goto fail;
		if ((err = set_meta(r->db, "suspended", 1)) != ISO_OK ||
		    (err = journal_append(r->db, now, actor, "suspend", "")) != ISO_OK)
			goto fail;
		break;
	case REGISTRY_DO_RESUME:
		if (!st.suspended)
			goto fail;
		if ((err = set_meta(r->db, "suspended", 0)) != ISO_OK ||
		    (err = journal_append(r->db, now, actor, "resume", "")) != ISO_OK)
			goto fail;
		break;
	case REGISTRY_DO_STOP:
		/* the vote ends now, grace included, sealed and frozen at once */
		if ((err = set_meta(r->db, "stopped_at", now)) != ISO_OK ||
		    (err = journal_append(r->db, now, actor, "stop", "")) != ISO_OK ||
		    (err = seal_in_tx(r->db, "stop", now, INT64_MAX, actor, true, seal, arg)) !=
			    ISO_OK)
			goto fail;
		break;
	default:
		err = ISO_E_INVALID_ARG;
		goto fail;
	}
	err = db_commit(r->db);
	goto out;
fail:
	db_rollback(r->db);
out:
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_each_seal(struct registry_store *s, registry_seal_each_fn fn, void *arg)
{
	struct sqlite_registry *r = of(s);
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc = SQLITE_DONE;
	pthread_mutex_lock(&r->lock);
	if ((err = query(r->db, &q, "SELECT name, doc FROM seals ORDER BY time, name", "")) ==
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
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_each_row(struct registry_store *s, int64_t before, bool pending_only,
				registry_row_fn fn, void *arg)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	err = rows_each(r->db, before, pending_only, fn, arg);
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_counts(struct registry_store *s, int64_t before,
			      struct registry_poll_count **ret, size_t *ret_n)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	err = counts_read(r->db, before, ret, ret_n);
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_journal(struct registry_store *s, int64_t time, const char *actor,
			       const char *event, const char *detail)
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	err = journal_append_alone(r->db, time, actor, event, detail);
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_verify_journal(struct registry_store *s, int64_t *ret_count,
				      int64_t *ret_bad, char ret_head[JOURNAL_HASH_LEN + 1])
{
	struct sqlite_registry *r = of(s);
	enum iso_err err;
	pthread_mutex_lock(&r->lock);
	err = journal_verify(r->db, ret_count, ret_bad, ret_head);
	pthread_mutex_unlock(&r->lock);
	return err;
}

static enum iso_err sq_each_event(struct registry_store *s, const char *event,
				   enum iso_err (*fn)(void *arg, int64_t seq, int64_t time,
						      const char *actor, const char *detail),
				   void *arg)
{
	struct sqlite_registry *r = of(s);
	sqlite3_stmt *q = NULL;
	enum iso_err err;
	int rc = SQLITE_DONE;
	pthread_mutex_lock(&r->lock);
	if ((err = query(r->db, &q,
			 "SELECT seq, time, actor, detail FROM journal WHERE event = ? ORDER BY seq",
			 "t", event)) == ISO_OK) {
		while (err == ISO_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *actor = (const char *)sqlite3_column_text(q, 2);
			const char *detail = (const char *)sqlite3_column_text(q, 3);
			err = actor != NULL && detail != NULL
				      ? fn(arg, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
					   actor, detail)
				      : ISO_E_STORAGE;
		}
		if (err == ISO_OK && rc != SQLITE_DONE)
			err = ISO_E_STORAGE;
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

static const struct registry_store_ops sqlite_ops = {
	.close = sq_close,
	.state = sq_state,
	.import = sq_import,
	.voter = sq_voter,
	.sample = sq_sample,
	.attempt = sq_attempt,
	.failed = sq_failed,
	.login = sq_login,
	.session = sq_session,
	.ticket = sq_ticket,
	.confirm = sq_confirm,
	.logout = sq_logout,
	.control = sq_control,
	.seal = sq_seal,
	.each_seal = sq_each_seal,
	.each_row = sq_each_row,
	.counts = sq_counts,
	.journal = sq_journal,
	.verify_journal = sq_verify_journal,
	.each_event = sq_each_event,
};

enum iso_err registry_store_open_sqlite(const char *path, struct registry_store **ret)
{
	struct sqlite_registry *r = calloc(1, sizeof *r);
	enum iso_err err;
	if (r == NULL)
		return ISO_E_NOMEM;
	err = journal_db_open(path, schema, &r->db);
	if (err != ISO_OK) {
		free(r);
		return err;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->pub.ops = &sqlite_ops;
	*ret = &r->pub;
	return ISO_OK;
}
