/* The ballot box of one poll (see urn.h): admission, receipts, the board,
 * the bureau's controls, the schedule, seals and the published archive.
 * Rule: the decision to admit is taken inside the store's write
 * transaction, so a ballot is either stored with its receipt and its spent
 * ticket, or not at all; the receipt leaves only after the commit. */
#include "urn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "archive_verify.h"
#include "ballot.h"
#include "hash.h"
#include "jsondoc.h"
#include "parallel.h"
#include "signature.h"

#define MAX_BALLOT (1u << 20)
#define MAX_TICKET 4096

struct urn {
	struct urn_config cfg;
	struct iso_verified *setup; /* election, trustees, public credentials */
	char *setup_bytes;          /* the setup archive, for exports */
	size_t setup_len;
	/* verification workspaces, one per ballot verified at once */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct iso_ballot_verifier **verifiers;
	int nverifiers, nfree;
	struct iso_ballot_verifier **free_list;
	pthread_mutex_t publish_lock;
	/* where a submission's time goes (GET /metrics of the bureau) */
	_Atomic uint64_t m_count, m_ticket_ns, m_wait_ns, m_verify_ns, m_store_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum iso_err urn_metrics(struct urn *u, json_t **ret)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I}", "submissions",
			      (json_int_t)u->m_count, "ticket_us", (json_int_t)(u->m_ticket_ns / 1000),
			      "verifier_wait_us", (json_int_t)(u->m_wait_ns / 1000), "verify_us",
			      (json_int_t)(u->m_verify_ns / 1000), "store_us",
			      (json_int_t)(u->m_store_ns / 1000));
	if (o == NULL)
		return ISO_E_NOMEM;
	*ret = o;
	return ISO_OK;
}

const char *urn_poll(const struct urn *u)
{
	return u->setup->e->uuid;
}

struct urn_store *urn_store_of(const struct urn *u)
{
	return u->cfg.store;
}

const char *urn_publish_dir(const struct urn *u)
{
	return u->cfg.publish_dir;
}

static int64_t now_of(const struct urn *u)
{
	return iso_clock_now(u->cfg.clock);
}

/* ---- loading ---- */

static enum iso_err file_read(const char *path, size_t max, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	if (f == NULL)
		return ISO_E_IO;
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(f);
		return ISO_E_NOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		enum iso_err err = ferror(f) ? ISO_E_IO : ISO_E_TOO_LARGE;
		fclose(f);
		free(buf);
		return err;
	}
	fclose(f);
	*ret = buf;
	*ret_len = n;
	return ISO_OK;
}

enum iso_err urn_new(const struct urn_config *cfg, struct urn **ret, struct iso_where *where)
{
	struct urn *u = calloc(1, sizeof *u);
	struct iso_verify_opts vo = {0};
	enum iso_err err;
	if (u == NULL)
		return ISO_E_NOMEM;
	u->cfg = *cfg;
	if (u->cfg.grace <= 0)
		u->cfg.grace = URN_GRACE_DEFAULT;
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->freed, NULL);
	pthread_mutex_init(&u->publish_lock, NULL);
	vo.threads = 1;
	if ((err = iso_archive_verify(cfg->setup_archive, &vo, &u->setup, where)) != ISO_OK)
		goto fail;
	/* the poll's starting point: the setup, nothing else */
	if (u->setup->nballots != 0 || u->setup->ended || u->setup->has_tally ||
	    iso_archive_nevents(u->setup->ar) != 1) {
		err = ISO_E_ARCHIVE_EVENT_ORDER;
		goto fail;
	}
	if ((err = file_read(cfg->setup_archive, 64u << 20, &u->setup_bytes, &u->setup_len)) !=
	    ISO_OK)
		goto fail;
	if ((err = iso_election_prepare(u->setup->e, false)) != ISO_OK)
		goto fail;
	u->nverifiers = iso_parallel_threads(cfg->threads, 64);
	u->verifiers = calloc((size_t)u->nverifiers, sizeof *u->verifiers);
	u->free_list = calloc((size_t)u->nverifiers, sizeof *u->free_list);
	if (u->verifiers == NULL || u->free_list == NULL) {
		err = ISO_E_NOMEM;
		goto fail;
	}
	for (int i = 0; i < u->nverifiers; i++) {
		if ((err = iso_ballot_verifier_new(u->setup->e, false, &u->verifiers[i])) != ISO_OK)
			goto fail;
		u->free_list[u->nfree++] = u->verifiers[i];
	}
	*ret = u;
	return ISO_OK;
fail:
	urn_free(u);
	return err;
}

void urn_free(struct urn *u)
{
	if (u == NULL)
		return;
	for (int i = 0; i < u->nverifiers; i++)
		iso_ballot_verifier_free(u->verifiers[i]);
	free(u->verifiers);
	free(u->free_list);
	iso_verified_free(u->setup);
	free(u->setup_bytes);
	pthread_mutex_destroy(&u->lock);
	pthread_cond_destroy(&u->freed);
	pthread_mutex_destroy(&u->publish_lock);
	free(u);
}

/* ---- admission ---- */

/* What the urn needs of a ticket: its times and its nonce. */
struct ticket {
	int64_t session_start, issued, expires;
	char nonce[64];
};

static enum iso_err ticket_open(const struct urn *u, const char *doc, size_t len,
				struct ticket *ret)
{
	json_t *p = NULL;
	const char *poll, *nonce;
	json_int_t ss, is, ex;
	enum iso_err err;
	if (len > MAX_TICKET)
		return ISO_E_TICKET_INVALID;
	if ((err = signature_open(u->cfg.ticket_key, doc, len, &p)) != ISO_OK)
		return err == ISO_E_NOMEM ? err : ISO_E_TICKET_INVALID;
	err = ISO_E_TICKET_INVALID;
	if (json_object_size(p) != 5 ||
	    json_unpack(p, "{s:s, s:I, s:I, s:I, s:s}", "poll", &poll, "session_start", &ss,
			"issued", &is, "expires", &ex, "nonce", &nonce) != 0 ||
	    strlen(nonce) < 16 || strlen(nonce) >= sizeof ret->nonce || ss > is || is > ex)
		goto out;
	if (strcmp(poll, urn_poll(u)) != 0) {
		err = ISO_E_WRONG_POLL;
		goto out;
	}
	ret->session_start = ss;
	ret->issued = is;
	ret->expires = ex;
	memcpy(ret->nonce, nonce, strlen(nonce) + 1);
	err = ISO_OK;
out:
	json_decref(p);
	return err;
}

/* The phase as it applies at now: a scheduled closing counts from its time
 * even before urn_tick records it. */
static void state_effective(const struct urn *u, int64_t now, struct urn_state *st)
{
	if ((st->phase == URN_OPEN || st->phase == URN_SUSPENDED) && u->cfg.closing != 0 &&
	    now >= u->cfg.closing) {
		st->phase = URN_CLOSED;
		st->closed_at = u->cfg.closing;
	}
	if (st->phase == URN_CLOSED && now >= st->closed_at + u->cfg.grace) {
		st->phase = URN_FINISHED;
		st->finished_at = st->closed_at + u->cfg.grace;
	}
}

struct admission {
	const struct urn *u;
	const struct ticket *t;
	int64_t now;
};

static enum iso_err admit(void *arg, const struct urn_state *stored)
{
	const struct admission *a = arg;
	struct urn_state st = *stored;
	state_effective(a->u, a->now, &st);
	switch (st.phase) {
	case URN_PREPARED:
		return ISO_E_NOT_STARTED;
	case URN_SUSPENDED:
		return ISO_E_URN_SUSPENDED;
	case URN_FINISHED:
		return ISO_E_VOTING_CLOSED;
	case URN_CLOSED:
		/* the grace is for sessions that started before closing */
		if (a->t->session_start >= st.closed_at)
			return ISO_E_VOTING_CLOSED;
		break;
	case URN_OPEN:
		break;
	}
	if (a->t->issued > a->now + a->u->cfg.skew || a->now > a->t->expires + a->u->cfg.skew)
		return ISO_E_TICKET_EXPIRED;
	return ISO_OK;
}

static struct iso_ballot_verifier *verifier_take(struct urn *u)
{
	struct iso_ballot_verifier *v;
	pthread_mutex_lock(&u->lock);
	while (u->nfree == 0)
		pthread_cond_wait(&u->freed, &u->lock);
	v = u->free_list[--u->nfree];
	pthread_mutex_unlock(&u->lock);
	return v;
}

static void verifier_give(struct urn *u, struct iso_ballot_verifier *v)
{
	pthread_mutex_lock(&u->lock);
	u->free_list[u->nfree++] = v;
	pthread_cond_signal(&u->freed);
	pthread_mutex_unlock(&u->lock);
}

static enum iso_err receipt_make(const struct urn *u, const char *tracker, int64_t time,
				 char **ret)
{
	return signature_sign_new(u->cfg.receipt_key,
				  json_pack("{s:s, s:I, s:s}", "poll", urn_poll(u), "time",
					    (json_int_t)time, "tracker", tracker),
				  ret);
}

enum iso_err urn_submit(struct urn *u, const char *ballot, size_t blen, const char *ticket,
			size_t tlen, char **ret_receipt, struct iso_where *where)
{
	struct ticket t;
	struct iso_ballot_facts facts;
	struct iso_ballot_verifier *v;
	struct admission a;
	struct urn_ballot_row row;
	json_t *b = NULL;
	char *receipt = NULL, *stored = NULL;
	const char *cred;
	bool again;
	enum iso_err err;

	uint64_t t0 = mono_ns(), t1, t2, t3;

	iso_where_clear(where);
	u->m_count++;
	err = ticket_open(u, ticket, tlen, &t);
	u->m_ticket_ns += mono_ns() - t0;
	if (err != ISO_OK)
		return err;
	if (blen > MAX_BALLOT)
		return ISO_E_TOO_LARGE;
	/* a ballot of another poll is named as such before any other check */
	b = json_loadb(ballot, blen, 0, NULL);
	if (b != NULL && json_is_string(json_object_get(b, "election_uuid")) &&
	    strcmp(json_string_value(json_object_get(b, "election_uuid")), urn_poll(u)) != 0) {
		json_decref(b);
		return ISO_E_WRONG_POLL;
	}
	t1 = mono_ns();
	v = verifier_take(u);
	t2 = mono_ns();
	err = iso_ballot_verify(v, u->setup->creds, ballot, blen, &facts, where);
	verifier_give(u, v);
	t3 = mono_ns();
	u->m_wait_ns += t2 - t1;
	u->m_verify_ns += t3 - t2;
	if (err != ISO_OK) {
		json_decref(b);
		return err;
	}
	/* verified, hence well-formed: its public credential */
	if (b == NULL || (cred = json_string_value(json_object_get(b, "credential"))) == NULL) {
		json_decref(b);
		return ISO_E_SHAPE;
	}
	a = (struct admission){u, &t, now_of(u)};
	if ((err = receipt_make(u, facts.tracker, a.now, &receipt)) != ISO_OK)
		goto out;
	row = (struct urn_ballot_row){cred, facts.tracker, ballot, blen, a.now, receipt};
	t1 = mono_ns();
	err = u->cfg.store->ops->add_ballot(u->cfg.store, &row, t.nonce, admit, &a, &stored,
					    &again);
	u->m_store_ns += mono_ns() - t1;
	if (err == ISO_OK)
		*ret_receipt = stored;
out:
	free(receipt);
	json_decref(b);
	return err;
}

static bool tracker_ok(const char *s)
{
	size_t n = strlen(s);
	if (n != ISO_B64_HASH_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return false;
	}
	return true;
}

enum iso_err urn_board_has(struct urn *u, const char *tracker, bool *ret)
{
	if (!tracker_ok(tracker))
		return ISO_E_SHAPE;
	return u->cfg.store->ops->has_tracker(u->cfg.store, tracker, ret);
}

static enum iso_err tracker_add(void *arg, const struct urn_ballot_row *b)
{
	return json_array_append_new(arg, json_string(b->tracker)) == 0 ? ISO_OK : ISO_E_NOMEM;
}

enum iso_err urn_trackers(struct urn *u, json_t **ret)
{
	json_t *a = json_array();
	enum iso_err err;
	if (a == NULL)
		return ISO_E_NOMEM;
	if ((err = u->cfg.store->ops->each_ballot(u->cfg.store, tracker_add, a)) != ISO_OK) {
		json_decref(a);
		return err;
	}
	*ret = a;
	return ISO_OK;
}

/* ---- phases, seals, publication ---- */

static enum iso_err seal_make(void *arg, const struct urn_digest *d, char **ret)
{
	const struct urn *u = arg;
	static const char *const events[] = {"prepared", "opening", "suspension", "closing",
					     "end"};
	return signature_sign_new(
		u->cfg.receipt_key,
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "what", "urn", "poll",
			  urn_poll(u), "event", events[d->phase], "phase", urn_phase_name(d->phase),
			  "time", (json_int_t)d->time, "ballots", (json_int_t)d->nballots,
			  "trackers", d->trackers, "journal_head", d->journal_head),
		ret);
}

enum iso_err urn_state(struct urn *u, struct urn_state *ret)
{
	struct urn_state st;
	enum iso_err err = u->cfg.store->ops->state(u->cfg.store, &st);
	if (err != ISO_OK)
		return err;
	state_effective(u, now_of(u), &st);
	*ret = st;
	return ISO_OK;
}

/* A phase change, sealed when it opens, closes or ends the vote. */
static enum iso_err phase_change(struct urn *u, enum urn_phase from, enum urn_phase to,
				 int64_t time, const char *actor, const char *seal_name)
{
	return u->cfg.store->ops->set_phase(u->cfg.store, from, to, time, actor, seal_name,
					    seal_name != NULL ? seal_make : NULL, u);
}

static enum iso_err publish(struct urn *u);

enum iso_err urn_control(struct urn *u, enum urn_action a, const char *actor)
{
	struct urn_state st;
	int64_t now = now_of(u);
	enum iso_err err;
	/* the schedule first: a control never acts on a state already past */
	if ((err = urn_tick(u)) != ISO_OK)
		return err;
	if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
		return err;
	switch (a) {
	case URN_DO_OPEN:
		if (st.phase != URN_PREPARED || st.nballots != 0)
			return ISO_E_URN_STATE;
		return phase_change(u, URN_PREPARED, URN_OPEN, now, actor, "opening");
	case URN_DO_SUSPEND:
		return st.phase == URN_OPEN
			       ? phase_change(u, URN_OPEN, URN_SUSPENDED, now, actor, NULL)
			       : ISO_E_URN_STATE;
	case URN_DO_RESUME:
		return st.phase == URN_SUSPENDED
			       ? phase_change(u, URN_SUSPENDED, URN_OPEN, now, actor, NULL)
			       : ISO_E_URN_STATE;
	case URN_DO_CLOSE:
		if (st.phase != URN_OPEN && st.phase != URN_SUSPENDED)
			return ISO_E_URN_STATE;
		return phase_change(u, st.phase, URN_CLOSED, now, actor, "closing");
	case URN_DO_STOP:
		/* ends the vote now, grace included */
		if (st.phase != URN_OPEN && st.phase != URN_SUSPENDED && st.phase != URN_CLOSED)
			return ISO_E_URN_STATE;
		if ((err = phase_change(u, st.phase, URN_FINISHED, now, actor, "stop")) != ISO_OK)
			return err;
		return publish(u);
	}
	return ISO_E_INVALID_ARG;
}

enum iso_err urn_tick(struct urn *u)
{
	struct urn_state st;
	int64_t now = now_of(u);
	enum iso_err err;
	if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
		return err;
	if (st.phase == URN_PREPARED && u->cfg.opening != 0 && now >= u->cfg.opening &&
	    (u->cfg.closing == 0 || now < u->cfg.closing)) {
		err = phase_change(u, URN_PREPARED, URN_OPEN, now, "schedule", "opening");
		if (err != ISO_OK && err != ISO_E_URN_STATE)
			return err;
		if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
			return err;
	}
	if ((st.phase == URN_OPEN || st.phase == URN_SUSPENDED) && u->cfg.closing != 0 &&
	    now >= u->cfg.closing) {
		/* sealed at the closing time itself: ballots admitted since then
		 * were admitted under the grace's rule (see admit) */
		err = phase_change(u, st.phase, URN_CLOSED, u->cfg.closing, "schedule", "closing");
		if (err != ISO_OK && err != ISO_E_URN_STATE)
			return err;
		if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
			return err;
	}
	if (st.phase == URN_CLOSED && now >= st.closed_at + u->cfg.grace) {
		err = phase_change(u, URN_CLOSED, URN_FINISHED, st.closed_at + u->cfg.grace,
				   "schedule", "end");
		if (err != ISO_OK && err != ISO_E_URN_STATE)
			return err;
		if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
			return err;
	}
	if (st.phase == URN_FINISHED)
		return publish(u);
	return ISO_OK;
}

/* ---- the archive ---- */

struct export {
	struct iso_archive_event_in *evs;
	struct iso_blob *blobs;
	char **copies;
	size_t n, cap;
};

static enum iso_err export_one(void *arg, const struct urn_ballot_row *b)
{
	struct export *x = arg;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 256;
		struct iso_archive_event_in *e = realloc(x->evs, (cap + 1) * sizeof *e);
		if (e == NULL)
			return ISO_E_NOMEM;
		x->evs = e;
		struct iso_blob *bl = realloc(x->blobs, cap * sizeof *bl);
		if (bl == NULL)
			return ISO_E_NOMEM;
		x->blobs = bl;
		char **c = realloc(x->copies, cap * sizeof *c);
		if (c == NULL)
			return ISO_E_NOMEM;
		x->copies = c;
		x->cap = cap;
	}
	if ((x->copies[x->n] = malloc(b->len ? b->len : 1)) == NULL)
		return ISO_E_NOMEM;
	memcpy(x->copies[x->n], b->ballot, b->len);
	x->blobs[x->n] = (struct iso_blob){x->copies[x->n], b->len};
	x->n++;
	return ISO_OK;
}

static enum iso_err write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = data;
	if (fd < 0)
		return ISO_E_IO;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return ISO_E_IO;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0) {
		close(fd);
		return ISO_E_IO;
	}
	return close(fd) == 0 ? ISO_OK : ISO_E_IO;
}

enum iso_err urn_export_archive(struct urn *u, const char *path)
{
	struct export x = {0};
	struct urn_state st;
	char *tmp = NULL;
	size_t plen = strlen(path) + 32;
	enum iso_err err;
	size_t nev;

	if ((err = u->cfg.store->ops->state(u->cfg.store, &st)) != ISO_OK)
		return err;
	/* the ballots in tracker order: the archive shows no order of arrival */
	if ((err = u->cfg.store->ops->each_ballot(u->cfg.store, export_one, &x)) != ISO_OK)
		goto out;
	if (x.evs == NULL && (x.evs = malloc(sizeof *x.evs)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < x.n; i++)
		x.evs[i] = (struct iso_archive_event_in){ISO_EV_BALLOT, &x.blobs[i], 1};
	nev = x.n;
	if (st.phase == URN_FINISHED)
		x.evs[nev++] = (struct iso_archive_event_in){ISO_EV_END_BALLOTS, NULL, 0};
	if ((tmp = malloc(plen)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	snprintf(tmp, plen, "%s.tmp%d", path, (int)getpid());
	if ((err = write_file(tmp, u->setup_bytes, u->setup_len)) != ISO_OK)
		goto out;
	if (nev > 0 && (err = iso_archive_append_events(tmp, x.evs, nev)) != ISO_OK)
		goto out;
	if (rename(tmp, path) != 0) {
		err = ISO_E_IO;
		goto out;
	}
out:
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	for (size_t i = 0; i < x.n; i++)
		free(x.copies[i]);
	free(x.copies);
	free(x.blobs);
	free(x.evs);
	return err;
}

static enum iso_err publish(struct urn *u)
{
	char path[4096];
	struct stat sb;
	enum iso_err err = ISO_OK;
	if (u->cfg.publish_dir == NULL)
		return ISO_OK;
	snprintf(path, sizeof path, "%s/%s.bel", u->cfg.publish_dir, urn_poll(u));
	pthread_mutex_lock(&u->publish_lock);
	if (stat(path, &sb) != 0) {
		err = urn_export_archive(u, path);
		if (err == ISO_OK)
			err = u->cfg.store->ops->journal(u->cfg.store, now_of(u), "urn", "published",
							 path);
	}
	pthread_mutex_unlock(&u->publish_lock);
	return err;
}
