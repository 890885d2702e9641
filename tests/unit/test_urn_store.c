/* The urn's storage on SQLite: phases (compare and set, journaled), one
 * ballot per credential and final (R-VOTE-02), the same submission again
 * gets the same receipt, a spent ticket is refused, the admission decision
 * runs inside the transaction and a refusal stores nothing, ballots and
 * tickets are append-only (R-D11-APPEND), everything survives a reopen, and
 * the storage has no place for an identity (R-SEP-03, R-C19-LINK). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "db.h"
#include "hash.h"
#include "urn_store.h"

static enum iso_err admit_open(void *arg, const struct urn_state *st)
{
	(void)arg;
	return st->phase == URN_OPEN ? ISO_OK : ISO_E_URN_NOT_OPEN;
}

static enum iso_err admit_refuse(void *arg, const struct urn_state *st)
{
	(void)st;
	*(int *)arg += 1;
	return ISO_E_URN_NOT_OPEN;
}

static enum iso_err collect(void *arg, const struct urn_ballot_row *b)
{
	char *list = arg;
	strncat(list, b->tracker, 16);
	strncat(list, ",", 2);
	return ISO_OK;
}

/* a "seal" that keeps the digest it was given */
static enum iso_err seal_fake(void *arg, const struct urn_digest *d, char **ret)
{
	char buf[32];
	*(struct urn_digest *)arg = *d;
	snprintf(buf, sizeof buf, "{\"seal\":%lld}", (long long)d->nballots);
	*ret = strdup(buf);
	return *ret != NULL ? ISO_OK : ISO_E_NOMEM;
}

static enum iso_err seal_list(void *arg, const char *name, const char *doc)
{
	strncat(arg, name, 32);
	strncat(arg, "=", 2);
	strncat(arg, doc, 64);
	strncat(arg, ";", 2);
	return ISO_OK;
}

static struct urn_ballot_row row(const char *cred, const char *tracker, int64_t t,
				 const char *receipt)
{
	return (struct urn_ballot_row){cred, tracker, "{\"ballot\":1}", 12, t, receipt};
}

static enum iso_err add(struct urn_store *s, struct urn_ballot_row b, const char *nonce,
			urn_admit_fn admit, void *arg, char **receipt, bool *again)
{
	return s->ops->add_ballot(s, &b, nonce, admit, arg, receipt, again);
}

int main(void)
{
	char dir[] = "/tmp/isoloir-test-urn.XXXXXX", path[256], list[256] = "";
	struct urn_store *s = NULL;
	struct urn_state st;
	char *receipt = NULL;
	bool again = true, present = false;
	int refused = 0;
	int64_t n = 0, bad = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/urn.db", dir);
	CHECK_ERR(urn_store_open_sqlite(path, &s), ISO_OK);
	if (s == NULL)
		return check_status();
	CHECK_ERR(s->ops->state(s, &st), ISO_OK);
	CHECK(st.phase == URN_PREPARED && st.nballots == 0 && st.opened_at == 0);

	/* not open: refused, nothing stored */
	CHECK_ERR(add(s, row("111", "T1", 10, "R1"), "n1", admit_open, NULL, &receipt, &again),
		  ISO_E_URN_NOT_OPEN);
	CHECK_ERR(s->ops->set_phase(s, URN_OPEN, URN_CLOSED, 20, "bureau", NULL, NULL, NULL), ISO_E_URN_STATE);
	CHECK_ERR(s->ops->set_phase(s, URN_PREPARED, URN_OPEN, 100, "bureau", NULL, NULL, NULL), ISO_OK);
	CHECK_ERR(s->ops->state(s, &st), ISO_OK);
	CHECK(st.phase == URN_OPEN && st.opened_at == 100 && st.nballots == 0);

	/* a ballot, then the same submission again: the same receipt */
	CHECK_ERR(add(s, row("111", "T1", 110, "R1"), "n1", admit_open, NULL, &receipt, &again),
		  ISO_OK);
	CHECK(receipt != NULL && strcmp(receipt, "R1") == 0 && !again);
	free(receipt);
	receipt = NULL;
	CHECK_ERR(add(s, row("111", "T1", 150, "R1-later"), "n1", admit_refuse, &refused,
		      &receipt, &again),
		  ISO_OK);
	CHECK(receipt != NULL && strcmp(receipt, "R1") == 0 && again && refused == 0);
	free(receipt);
	receipt = NULL;
	/* R-VOTE-02: another ballot for the credential is refused, even with a
	 * fresh ticket */
	CHECK_ERR(add(s, row("111", "T9", 160, "R9"), "n9", admit_open, NULL, &receipt, &again),
		  ISO_E_CREDENTIAL_USED);
	/* a spent ticket, for another credential */
	CHECK_ERR(add(s, row("222", "T2", 170, "R2"), "n1", admit_open, NULL, &receipt, &again),
		  ISO_E_TICKET_USED);
	/* the admission decision refuses: nothing stored, the ticket not spent */
	CHECK_ERR(add(s, row("222", "T2", 170, "R2"), "n2", admit_refuse, &refused, &receipt,
		      &again),
		  ISO_E_URN_NOT_OPEN);
	CHECK(refused == 1);
	CHECK_ERR(add(s, row("222", "T2", 180, "R2"), "n2", admit_open, NULL, &receipt, &again),
		  ISO_OK);
	free(receipt);
	receipt = NULL;
	CHECK_ERR(add(s, row("333", "T0", 190, "R3"), "n3", admit_open, NULL, &receipt, &again),
		  ISO_OK);
	free(receipt);
	receipt = NULL;
	CHECK_ERR(s->ops->state(s, &st), ISO_OK);
	CHECK(st.nballots == 3);
	CHECK_ERR(s->ops->has_tracker(s, "T2", &present), ISO_OK);
	CHECK(present);
	CHECK_ERR(s->ops->has_tracker(s, "T9", &present), ISO_OK);
	CHECK(!present);
	CHECK_ERR(s->ops->each_ballot(s, collect, list), ISO_OK);
	CHECK(strcmp(list, "T0,T1,T2,") == 0);

	/* closing, sealed in the same transaction (R-D11-FREEZE); then nothing
	 * enters */
	{
		struct urn_digest d;
		char expect[65];
		memset(&d, 0, sizeof d);
		CHECK_ERR(s->ops->set_phase(s, URN_OPEN, URN_CLOSED, 200, "bureau", "closing",
					    seal_fake, &d),
			  ISO_OK);
		iso_sha256_hex("T0\nT1\nT2\n", 9, expect);
		CHECK(d.time == 200 && d.phase == URN_CLOSED && d.nballots == 3 &&
		      strcmp(d.trackers, expect) == 0 && strlen(d.journal_head) == 64);
		list[0] = '\0';
		CHECK_ERR(s->ops->each_seal(s, seal_list, list), ISO_OK);
		CHECK(strcmp(list, "closing={\"seal\":3};") == 0);
		/* a seal of the same name is never replaced; the phase stays */
		CHECK_ERR(s->ops->set_phase(s, URN_CLOSED, URN_FINISHED, 300, "bureau", "closing",
					    seal_fake, &d),
			  ISO_E_URN_STATE);
		CHECK_ERR(s->ops->state(s, &st), ISO_OK);
		CHECK(st.phase == URN_CLOSED && st.finished_at == 0);
	}
	CHECK_ERR(add(s, row("444", "T4", 210, "R4"), "n4", admit_open, NULL, &receipt, &again),
		  ISO_E_URN_NOT_OPEN);
	s->ops->close(s);
	s = NULL;

	/* R-D11-APPEND, R-SEP-03: straight into the file */
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *q = NULL;
		CHECK(sqlite3_open(path, &db) == SQLITE_OK);
		CHECK(sqlite3_exec(db, "UPDATE ballots SET ballot = 'x'", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM ballots", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM used_tickets", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "DELETE FROM seals", NULL, NULL, NULL) != SQLITE_OK);
		CHECK(sqlite3_exec(db, "UPDATE seals SET doc = 1", NULL, NULL, NULL) != SQLITE_OK);
		/* every column of every table: none for an identity, a kiosk or
		 * an address */
		CHECK(sqlite3_prepare_v2(db,
					 "SELECT m.name || '.' || p.name FROM sqlite_master m,"
					 " pragma_table_info(m.name) p WHERE m.type = 'table'"
					 " ORDER BY 1",
					 -1, &q, NULL) == SQLITE_OK);
		list[0] = '\0';
		while (q != NULL && sqlite3_step(q) == SQLITE_ROW) {
			strncat(list, (const char *)sqlite3_column_text(q, 0),
				sizeof list - strlen(list) - 2);
			strncat(list, " ", 2);
		}
		sqlite3_finalize(q);
		CHECK(strcmp(list, "ballots.ballot ballots.credential ballots.receipt ballots.received "
				   "ballots.tracker journal.actor journal.detail journal.event "
				   "journal.hash journal.seq journal.time seals.doc seals.name "
				   "seals.time urn_meta.key urn_meta.value used_tickets.nonce ") == 0);
		sqlite3_close(db);
	}

	/* everything survives a reopen, and the journal holds */
	CHECK_ERR(urn_store_open_sqlite(path, &s), ISO_OK);
	if (s != NULL) {
		CHECK_ERR(s->ops->state(s, &st), ISO_OK);
		CHECK(st.phase == URN_CLOSED && st.closed_at == 200 && st.opened_at == 100 &&
		      st.nballots == 3);
		CHECK_ERR(s->ops->verify_journal(s, &n, &bad, NULL), ISO_OK);
		CHECK(n == 6); /* open, 3 ballots, close, its seal */
		s->ops->close(s);
	}
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[300];
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
	return check_status();
}
