/* The voter registry (see registry.h): login with Argon2id and lockout,
 * tickets, émargement, the bureau's view and controls, seals.
 * Rules: a refusal that needs no password check comes before any Argon2id
 * work; a login always runs both Argon2id checks, known identifier or not;
 * every decision that changes the store is taken again inside its write
 * transaction (the admit callbacks); a ticket, a receipt and a tracker pass
 * through here but are never stored or journaled. */
#include "registry.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "election.h"
#include "hash.h"
#include "parallel.h"
#include "signature.h"

#define MAX_RECEIPT 4096
/* a receipt's time is a Unix time up to the year 9999 (as the CSV prints
 * times), so that adding the skew to it cannot overflow */
#define RECEIPT_TIME_MAX 253402300799
#define CSV_MAX (512u << 20)

struct registry {
	struct registry_config cfg;
	struct registry_poll *polls;
	/* hashes of random secrets with the voters' costs, checked when an
	 * identifier is unknown so that its login costs the same */
	pthread_mutex_t dummy_lock;
	char *dummy_answer, *dummy_verifier;
	/* Argon2id checks running at once: one per CPU, so that many logins
	 * at once queue instead of taking 19 MiB each and sharing the CPUs */
	sem_t argon2_slots;
	_Atomic bool sealed_closing, sealed_end;
	_Atomic uint64_t m_logins, m_failures, m_argon2, m_argon2_ns, m_tickets, m_receipts;
};

static const char *const phase_names[] = {"not-started", "open", "suspended", "grace",
					  "finished"};

const char *registry_phase_name(enum registry_phase p)
{
	return (unsigned)p <= REGISTRY_FINISHED ? phase_names[p] : "?";
}

struct registry_store *registry_store_of(const struct registry *r)
{
	return r->cfg.store;
}

static int64_t now_of(const struct registry *r)
{
	return iso_clock_now(r->cfg.clock);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct registry_poll *poll_find(const struct registry *r, const char *uuid)
{
	for (size_t i = 0; i < r->cfg.npolls; i++)
		if (strcmp(r->polls[i].uuid, uuid) == 0)
			return &r->polls[i];
	return NULL;
}

/* ---- set-up ---- */

enum iso_err registry_new(const struct registry_config *cfg, struct registry **ret)
{
	struct registry *r;
	struct registry_poll_count *counts = NULL;
	size_t n = 0;
	enum iso_err err;
	if (cfg->store == NULL || cfg->ticket_key == NULL || cfg->opening <= 0 ||
	    cfg->closing <= cfg->opening || cfg->npolls == 0 || cfg->polls == NULL)
		return ISO_E_CONFIG;
	for (size_t i = 0; i < cfg->npolls; i++) {
		const struct registry_poll *p = &cfg->polls[i];
		if (p->uuid == NULL || strlen(p->uuid) > REGISTRY_POLL_MAX || !iso_uuid_check(p->uuid) ||
		    p->name == NULL || p->receipt_key == NULL)
			return ISO_E_CONFIG;
		for (size_t k = 0; k < i; k++)
			if (strcmp(cfg->polls[k].uuid, p->uuid) == 0)
				return ISO_E_CONFIG;
	}
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->polls = calloc(cfg->npolls, sizeof *r->polls)) == NULL) {
		free(r);
		return ISO_E_NOMEM;
	}
	r->cfg = *cfg;
	memcpy(r->polls, cfg->polls, cfg->npolls * sizeof *r->polls);
	r->cfg.polls = r->polls;
	if (r->cfg.grace <= 0)
		r->cfg.grace = REGISTRY_GRACE_DEFAULT;
	if (r->cfg.session_ttl <= 0)
		r->cfg.session_ttl = REGISTRY_SESSION_TTL_DEFAULT;
	if (r->cfg.ticket_ttl <= 0)
		r->cfg.ticket_ttl = REGISTRY_TICKET_TTL_DEFAULT;
	if (r->cfg.lock_identifier.threshold <= 0)
		r->cfg.lock_identifier = (struct registry_lockout){5, 60, 3600};
	if (r->cfg.lock_kiosk.threshold <= 0)
		r->cfg.lock_kiosk = (struct registry_lockout){20, 30, 900};
	pthread_mutex_init(&r->dummy_lock, NULL);
	sem_init(&r->argon2_slots, 0, (unsigned)iso_cpu_count());
	/* every poll of the voters must be one the registry can issue tickets for */
	if ((err = cfg->store->ops->counts(cfg->store, INT64_MAX, &counts, &n)) != ISO_OK) {
		registry_free(r);
		return err;
	}
	for (size_t i = 0; i < n; i++)
		if (poll_find(r, counts[i].poll) == NULL)
			err = ISO_E_CONFIG;
	free(counts);
	if (err != ISO_OK) {
		registry_free(r);
		return err;
	}
	*ret = r;
	return ISO_OK;
}

void registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	free(r->dummy_answer);
	free(r->dummy_verifier);
	pthread_mutex_destroy(&r->dummy_lock);
	sem_destroy(&r->argon2_slots);
	free(r->polls);
	free(r);
}

enum iso_err registry_import(struct registry *r, const char *json, size_t len, const char *actor,
			     struct registry_voters_where *where)
{
	struct registry_voters *vs = NULL;
	enum iso_err err = registry_voters_parse(json, len, &vs, where);
	if (err != ISO_OK)
		return err;
	for (size_t i = 0; i < vs->n; i++)
		for (size_t k = 0; k < vs->v[i].npolls; k++)
			if (poll_find(r, vs->v[i].polls[k]) == NULL) {
				if (where != NULL)
					*where = (struct registry_voters_where){0, i + 1, "polls", 0};
				registry_voters_free(vs);
				return ISO_E_VOTER_FILE;
			}
	err = r->cfg.store->ops->import(r->cfg.store, vs, now_of(r), actor, where);
	registry_voters_free(vs);
	if (err == ISO_OK) {
		/* the dummies follow the imported costs */
		pthread_mutex_lock(&r->dummy_lock);
		free(r->dummy_answer);
		free(r->dummy_verifier);
		r->dummy_answer = r->dummy_verifier = NULL;
		pthread_mutex_unlock(&r->dummy_lock);
	}
	return err;
}

/* ---- phases ---- */

static enum registry_phase phase_at(const struct registry *r, const struct registry_state *st,
				    int64_t now)
{
	if (st->frozen_at != 0 || st->stopped_at != 0 || now >= r->cfg.closing + r->cfg.grace)
		return REGISTRY_FINISHED;
	if (st->suspended)
		return REGISTRY_SUSPENDED;
	if (now < r->cfg.opening)
		return REGISTRY_NOT_STARTED;
	if (now >= r->cfg.closing)
		return REGISTRY_GRACE;
	return REGISTRY_OPEN;
}

enum iso_err registry_phase(struct registry *r, enum registry_phase *ret)
{
	struct registry_state st;
	enum iso_err err = r->cfg.store->ops->state(r->cfg.store, &st);
	if (err != ISO_OK)
		return err;
	*ret = phase_at(r, &st, now_of(r));
	return ISO_OK;
}

enum purpose { FOR_LOGIN, FOR_TICKET, FOR_RECEIPT };

struct admission {
	const struct registry *r;
	int64_t now, session_start;
	enum purpose what;
};

/* R-VOTE-05: no session starts after closing; a session started before it
 * may get tickets until the grace ends; a receipt is recorded until the
 * list is frozen, even while suspended (the ballot is already in the urn). */
static enum iso_err admit(void *arg, const struct registry_state *st)
{
	const struct admission *a = arg;
	switch (phase_at(a->r, st, a->now)) {
	case REGISTRY_NOT_STARTED:
		return ISO_E_NOT_STARTED;
	case REGISTRY_SUSPENDED:
		return a->what == FOR_RECEIPT ? ISO_OK : ISO_E_URN_SUSPENDED;
	case REGISTRY_FINISHED:
		return ISO_E_VOTING_CLOSED;
	case REGISTRY_GRACE:
		if (a->what == FOR_LOGIN ||
		    (a->what == FOR_TICKET && a->session_start >= a->r->cfg.closing))
			return ISO_E_VOTING_CLOSED;
		return ISO_OK;
	case REGISTRY_OPEN:
		return ISO_OK;
	}
	return ISO_E_INVALID_ARG;
}

static enum iso_err admit_now(struct registry *r, struct admission *a)
{
	struct registry_state st;
	enum iso_err err = r->cfg.store->ops->state(r->cfg.store, &st);
	return err != ISO_OK ? err : admit(a, &st);
}

/* ---- secrets and tokens ---- */

/* base64url without padding of n random bytes */
static enum iso_err random_token(char *out, size_t n)
{
	unsigned char raw[32], b64[48];
	size_t k;
	if (n > sizeof raw || RAND_bytes(raw, (int)n) != 1)
		return ISO_E_RANDOM;
	EVP_EncodeBlock(b64, raw, (int)n);
	for (k = 0; b64[k] != '\0' && b64[k] != '='; k++)
		out[k] = b64[k] == '+' ? '-' : b64[k] == '/' ? '_' : (char)b64[k];
	out[k] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(b64, sizeof b64);
	return ISO_OK;
}

/* The dummy hashes (copies), made on first use with the costs of a voter
 * of the store (the production default for an empty store). */
static enum iso_err dummies(struct registry *r, char **ret_answer, char **ret_verifier)
{
	enum iso_err err = ISO_OK;
	char *a = NULL, *v = NULL;
	pthread_mutex_lock(&r->dummy_lock);
	if (r->dummy_answer == NULL) {
		struct registry_argon2 ca = REGISTRY_ARGON2_DEFAULT, cv = REGISTRY_ARGON2_DEFAULT;
		char *sa = NULL, *sv = NULL, secret[REGISTRY_TOKEN_LEN + 1];
		if ((err = r->cfg.store->ops->sample(r->cfg.store, &sa, &sv)) == ISO_OK) {
			if (sa != NULL && registry_argon2_params(sa, &ca) != ISO_OK)
				ca = REGISTRY_ARGON2_DEFAULT;
			if (sv != NULL && registry_argon2_params(sv, &cv) != ISO_OK)
				cv = REGISTRY_ARGON2_DEFAULT;
			free(sa);
			free(sv);
			if ((err = random_token(secret, 32)) == ISO_OK &&
			    (err = registry_argon2_hash(&ca, secret, strlen(secret),
							&r->dummy_answer)) == ISO_OK &&
			    (err = registry_argon2_hash(&cv, secret, strlen(secret),
							&r->dummy_verifier)) != ISO_OK) {
				free(r->dummy_answer);
				r->dummy_answer = NULL;
			}
			OPENSSL_cleanse(secret, sizeof secret);
		}
	}
	if (err == ISO_OK) {
		a = strdup(r->dummy_answer);
		v = strdup(r->dummy_verifier);
		if (a == NULL || v == NULL) {
			free(a);
			free(v);
			err = ISO_E_NOMEM;
		}
	}
	pthread_mutex_unlock(&r->dummy_lock);
	if (err == ISO_OK) {
		*ret_answer = a;
		*ret_verifier = v;
	}
	return err;
}

/* one Argon2id check in a CPU slot, counted and timed (the check alone)
 * for the metrics */
static enum iso_err argon2_check(struct registry *r, const char *encoded, const char *secret,
				 bool *ret_match)
{
	uint64_t t0;
	enum iso_err err;
	while (sem_wait(&r->argon2_slots) != 0)
		;
	t0 = mono_ns();
	err = registry_argon2_check(encoded, secret, strlen(secret), ret_match);
	r->m_argon2++;
	r->m_argon2_ns += mono_ns() - t0;
	sem_post(&r->argon2_slots);
	return err;
}

struct check {
	struct registry *r;
	const char *encoded, *secret;
	bool match;
	enum iso_err err;
};

static void *check_run(void *arg)
{
	struct check *c = arg;
	c->err = argon2_check(c->r, c->encoded, c->secret, &c->match);
	return NULL;
}

/* A login's two checks side by side (two CPUs: the login waits for one
 * check's time, not two), or one after the other when no thread starts. */
static void argon2_pair(struct check *a, struct check *b)
{
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, check_run, b) == 0;
	check_run(a);
	if (threaded)
		pthread_join(th, NULL);
	else
		check_run(b);
}

static void lock_keys(const struct registry *r, const char *identifier, const char *kiosk,
		      char id_hash[65], struct registry_lock_key keys[2])
{
	iso_sha256_hex(identifier, strlen(identifier), id_hash);
	keys[0] = (struct registry_lock_key){"identifier", id_hash, r->cfg.lock_identifier};
	keys[1] = (struct registry_lock_key){"kiosk", kiosk, r->cfg.lock_kiosk};
}

/* A failed password check: journaled; a lock now in force is reported. */
static enum iso_err failure(struct registry *r, const struct registry_lock_key keys[2],
			    int64_t now, const char *kiosk, const char *event, const char *detail,
			    int64_t *ret_retry_after)
{
	char actor[REGISTRY_KIOSK_MAX + 8];
	int64_t wait = 0;
	enum iso_err err;
	r->m_failures++;
	snprintf(actor, sizeof actor, "kiosk:%s", kiosk);
	if ((err = r->cfg.store->ops->failed(r->cfg.store, keys, 2, now, actor, event, detail,
					     &wait)) != ISO_OK)
		return err;
	if (wait > 0) {
		*ret_retry_after = wait;
		return ISO_E_LOCKED_OUT;
	}
	return ISO_E_LOGIN_FAILED;
}

static bool kiosk_ok(const char *kiosk)
{
	return registry_text_ok(kiosk, REGISTRY_KIOSK_MAX);
}

/* ---- login ---- */

void registry_login_clear(struct registry_login *l)
{
	if (l == NULL)
		return;
	free(l->name);
	free(l->polls);
	OPENSSL_cleanse(l, sizeof *l);
}

enum iso_err registry_login(struct registry *r, const char *identifier, const char *verifier,
			    const char *answer, const char *kiosk, struct registry_login *ret,
			    int64_t *ret_retry_after)
{
	struct registry_store *s = r->cfg.store;
	struct admission a = {r, now_of(r), 0, FOR_LOGIN};
	struct registry_lock_key keys[2];
	struct registry_voter_view v = {0};
	struct registry_session sess;
	struct registry_login out = {0};
	struct registry_poll_status *polls = NULL;
	char id_hash[65], token_hash[65], detail[96], *norm = NULL, *da = NULL, *dv = NULL;
	bool found = false, m_verifier = false, m_answer = false;
	size_t np = 0;
	int64_t wait = 0;
	enum iso_err err, e1, e2;

	if (!kiosk_ok(kiosk))
		return ISO_E_CLIENT_CERT;
	if (identifier == NULL || verifier == NULL || answer == NULL ||
	    strnlen(identifier, REGISTRY_IDENTIFIER_MAX + 1) > REGISTRY_IDENTIFIER_MAX)
		return ISO_E_INVALID_ARG;
	/* refusals that need no password check come first */
	if ((err = admit_now(r, &a)) != ISO_OK)
		return err;
	lock_keys(r, identifier, kiosk, id_hash, keys);
	if ((err = s->ops->attempt(s, keys, 2, a.now, &wait)) != ISO_OK) {
		if (err == ISO_E_LOCKED_OUT)
			*ret_retry_after = wait;
		return err;
	}
	if ((err = s->ops->voter(s, identifier, &v, &found)) != ISO_OK ||
	    (err = dummies(r, &da, &dv)) != ISO_OK)
		goto out;
	/* both checks, always, against the voter's hashes or the dummies; an
	 * answer that cannot be normalised is checked as the empty string */
	if (registry_answer_normalise(answer, &norm) != ISO_OK)
		norm = NULL;
	{
		struct check cv = {r, found ? v.verifier : dv, verifier, false, ISO_OK},
			     ca = {r, found ? v.answer : da, norm != NULL ? norm : "", false, ISO_OK};
		argon2_pair(&cv, &ca);
		e1 = cv.err;
		e2 = ca.err;
		m_verifier = cv.match;
		m_answer = ca.match;
	}
	if (e1 == ISO_E_NOMEM || e2 == ISO_E_NOMEM) {
		err = ISO_E_NOMEM;
		goto out;
	}
	if (!(found & m_verifier & m_answer & (e1 == ISO_OK) & (e2 == ISO_OK))) {
		/* the identifier as typed may be a password: only its hash */
		snprintf(detail, sizeof detail, "identifier-sha256=%s", id_hash);
		err = failure(r, keys, a.now, kiosk, "login-failure", detail, ret_retry_after);
		goto out;
	}
	memset(&sess, 0, sizeof sess);
	snprintf(sess.identifier, sizeof sess.identifier, "%s", identifier);
	snprintf(sess.kiosk, sizeof sess.kiosk, "%s", kiosk);
	sess.started = a.now;
	sess.expires = a.now + r->cfg.session_ttl;
	if ((err = random_token(out.session, 32)) != ISO_OK)
		goto out;
	iso_sha256_hex(out.session, strlen(out.session), token_hash);
	if ((err = s->ops->login(s, keys, 2, token_hash, &sess, admit, &a, &polls, &np)) !=
	    ISO_OK)
		goto out;
	err = ISO_E_NOMEM;
	out.name = v.name;
	v.name = NULL;
	if (out.name == NULL || (out.polls = calloc(np ? np : 1, sizeof *out.polls)) == NULL)
		goto out;
	for (size_t i = 0; i < np; i++) {
		const struct registry_poll *p = poll_find(r, polls[i].poll);
		if (p == NULL) {
			err = ISO_E_CONFIG; /* refused by registry_new and the import */
			goto out;
		}
		out.polls[out.npolls++] = (struct registry_ballot_box){p->uuid, p->name,
									polls[i].state};
	}
	out.started = sess.started;
	out.expires = sess.expires;
	r->m_logins++;
	*ret = out;
	memset(&out, 0, sizeof out);
	err = ISO_OK;
out:
	registry_login_clear(&out);
	registry_voter_view_clear(&v);
	free(polls);
	free(da);
	free(dv);
	if (norm != NULL) {
		OPENSSL_cleanse(norm, strlen(norm));
		free(norm);
	}
	return err;
}

/* ---- tickets and receipts ---- */

/* The session of this kiosk, and the voter's state in poll. */
static enum iso_err session_for(struct registry *r, const char *session, const char *kiosk,
				int64_t now, char token_hash[65], struct registry_session *ret)
{
	struct registry_session sess;
	enum iso_err err;
	if (session == NULL || strlen(session) != REGISTRY_TOKEN_LEN)
		return ISO_E_SESSION;
	iso_sha256_hex(session, REGISTRY_TOKEN_LEN, token_hash);
	if ((err = r->cfg.store->ops->session(r->cfg.store, token_hash, now, &sess)) != ISO_OK)
		return err;
	/* a session is bound to the kiosk that opened it */
	if (strcmp(sess.kiosk, kiosk) != 0)
		return ISO_E_SESSION;
	*ret = sess;
	return ISO_OK;
}

static enum iso_err ticket_make(struct registry *r, const char *poll, int64_t session_start,
				int64_t now, char **ret)
{
	unsigned char raw[16];
	char nonce[32];
	enum iso_err err;
	if (RAND_bytes(raw, sizeof raw) != 1)
		return ISO_E_RANDOM;
	EVP_EncodeBlock((unsigned char *)nonce, raw, sizeof raw);
	/* no identity, and no copy of the nonce here: the urn's spent nonces
	 * cannot be joined to voters */
	err = signature_sign_new(r->cfg.ticket_key,
				 json_pack("{s:s, s:I, s:I, s:I, s:s}", "poll", poll, "session_start",
					   (json_int_t)session_start, "issued", (json_int_t)now,
					   "expires", (json_int_t)(now + r->cfg.ticket_ttl), "nonce",
					   nonce),
				 ret);
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(nonce, sizeof nonce);
	return err;
}

enum iso_err registry_validate(struct registry *r, const char *session, const char *verifier,
			       const char *poll, const char *kiosk, char **ret_ticket,
			       int64_t *ret_retry_after)
{
	struct registry_store *s = r->cfg.store;
	struct registry_session sess;
	struct registry_voter_view v = {0};
	struct registry_lock_key keys[2];
	struct admission a = {r, now_of(r), 0, FOR_TICKET};
	const struct registry_poll *p;
	char token_hash[65], id_hash[65], detail[REGISTRY_IDENTIFIER_MAX + REGISTRY_POLL_MAX + 2];
	char *ticket = NULL;
	bool found = false, match = false, mine = false;
	int64_t wait = 0;
	enum iso_err err;

	if (!kiosk_ok(kiosk))
		return ISO_E_CLIENT_CERT;
	if (verifier == NULL || poll == NULL)
		return ISO_E_INVALID_ARG;
	if ((err = session_for(r, session, kiosk, a.now, token_hash, &sess)) != ISO_OK)
		return err;
	a.session_start = sess.started;
	if ((p = poll_find(r, poll)) == NULL)
		return ISO_E_NOT_VOTER;
	if ((err = s->ops->voter(s, sess.identifier, &v, &found)) != ISO_OK)
		return err;
	if (!found) {
		err = ISO_E_SESSION;
		goto out;
	}
	for (size_t i = 0; i < v.npolls; i++)
		if (strcmp(v.polls[i].poll, poll) == 0) {
			mine = true;
			if (v.polls[i].state == EMARGEMENT_VOTED) {
				err = ISO_E_ALREADY_VOTED;
				goto out;
			}
		}
	if (!mine) {
		err = ISO_E_NOT_VOTER;
		goto out;
	}
	if ((err = admit_now(r, &a)) != ISO_OK)
		goto out;
	/* R-VOTE-02: the password again, under the same lockout as a login */
	lock_keys(r, sess.identifier, kiosk, id_hash, keys);
	if ((err = s->ops->attempt(s, keys, 2, a.now, &wait)) != ISO_OK) {
		if (err == ISO_E_LOCKED_OUT)
			*ret_retry_after = wait;
		goto out;
	}
	if ((err = argon2_check(r, v.verifier, verifier, &match)) == ISO_E_NOMEM)
		goto out;
	if (err != ISO_OK || !match) {
		snprintf(detail, sizeof detail, "%s %s", sess.identifier, poll);
		err = failure(r, keys, a.now, kiosk, "reauth-failure", detail, ret_retry_after);
		goto out;
	}
	if ((err = ticket_make(r, p->uuid, sess.started, a.now, &ticket)) != ISO_OK)
		goto out;
	err = s->ops->ticket(s, keys, 2, token_hash, kiosk, p->uuid, a.now,
			     a.now + r->cfg.session_ttl, admit, &a);
	if (err != ISO_OK) {
		OPENSSL_cleanse(ticket, strlen(ticket));
		free(ticket);
		goto out;
	}
	r->m_tickets++;
	*ret_ticket = ticket;
out:
	registry_voter_view_clear(&v);
	return err;
}

/* The receipt's time, if it is the urn's signed receipt for this poll. */
static enum iso_err receipt_open(const struct registry_poll *p, const char *doc, size_t len,
				 int64_t *ret_time)
{
	json_t *payload = NULL;
	const char *poll, *tracker;
	json_int_t t;
	enum iso_err err;
	if (len > MAX_RECEIPT)
		return ISO_E_BAD_RECEIPT;
	if ((err = signature_open(p->receipt_key, doc, len, &payload)) != ISO_OK)
		return err == ISO_E_NOMEM ? err : ISO_E_BAD_RECEIPT;
	err = ISO_E_BAD_RECEIPT;
	if (json_object_size(payload) == 3 &&
	    json_unpack(payload, "{s:s, s:I, s:s}", "poll", &poll, "time", &t, "tracker",
			&tracker) == 0 &&
	    strcmp(poll, p->uuid) == 0 && t >= 0 && t <= RECEIPT_TIME_MAX) {
		*ret_time = t;
		err = ISO_OK;
	}
	/* the tracker goes no further: joined to this voter it would name
	 * their ballot (R-C19-LINK) */
	json_decref(payload);
	return err;
}

enum iso_err registry_confirm(struct registry *r, const char *session, const char *poll,
			      const char *receipt, size_t len, const char *kiosk)
{
	struct registry_store *s = r->cfg.store;
	struct registry_session sess;
	struct admission a = {r, now_of(r), 0, FOR_RECEIPT};
	const struct registry_poll *p;
	char token_hash[65];
	int64_t t = 0;
	enum iso_err err;
	if (!kiosk_ok(kiosk))
		return ISO_E_CLIENT_CERT;
	if (poll == NULL || receipt == NULL)
		return ISO_E_INVALID_ARG;
	if ((err = session_for(r, session, kiosk, a.now, token_hash, &sess)) != ISO_OK)
		return err;
	a.session_start = sess.started;
	if ((p = poll_find(r, poll)) == NULL)
		return ISO_E_NOT_VOTER;
	if ((err = receipt_open(p, receipt, len, &t)) != ISO_OK)
		return err;
	err = s->ops->confirm(s, token_hash, kiosk, p->uuid, a.now, t + r->cfg.skew,
			      a.now + r->cfg.session_ttl, admit, &a);
	if (err == ISO_OK)
		r->m_receipts++;
	return err;
}

enum iso_err registry_logout(struct registry *r, const char *session, const char *kiosk)
{
	char token_hash[65];
	if (!kiosk_ok(kiosk))
		return ISO_E_CLIENT_CERT;
	if (session == NULL || strlen(session) != REGISTRY_TOKEN_LEN)
		return ISO_E_SESSION;
	iso_sha256_hex(session, REGISTRY_TOKEN_LEN, token_hash);
	return r->cfg.store->ops->logout(r->cfg.store, token_hash, kiosk, now_of(r));
}

/* ---- the kiosks' maintenance ---- */

int64_t registry_now(const struct registry *r)
{
	return now_of(r);
}

enum iso_err registry_maintenance(struct registry *r, const char *kiosk, const char *detail)
{
	if (!kiosk_ok(kiosk))
		return ISO_E_CLIENT_CERT;
	return r->cfg.store->ops->journal(r->cfg.store, now_of(r), kiosk, "maintenance", detail);
}

static enum iso_err intervention(void *arg, int64_t seq, int64_t time, const char *actor,
				 const char *detail)
{
	json_t *report = json_loads(detail, 0, NULL);
	int rc = json_array_append_new(arg, json_pack("{s:I, s:I, s:s, s:o}", "seq", (json_int_t)seq,
						      "time", (json_int_t)time, "kiosk", actor,
						      "report", report != NULL ? report : json_string(detail)));
	return rc == 0 ? ISO_OK : ISO_E_NOMEM;
}

enum iso_err registry_interventions(struct registry *r, json_t **ret)
{
	json_t *list = json_array();
	enum iso_err err = list != NULL ? r->cfg.store->ops->each_event(r->cfg.store, "maintenance",
									  intervention, list)
					: ISO_E_NOMEM;
	if (err != ISO_OK) {
		json_decref(list);
		return err;
	}
	*ret = json_pack("{s:o}", "interventions", list);
	return *ret != NULL ? ISO_OK : ISO_E_NOMEM;
}

/* ---- the bureau ---- */

static json_t *counts_json(const struct registry_poll_count *c, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o != NULL && i < n; i++)
		if (json_object_set_new(o, c[i].poll,
					json_pack("{s:I, s:I, s:I}", "voters", (json_int_t)c[i].voters,
						  "pending", (json_int_t)c[i].pending, "voted",
						  (json_int_t)c[i].voted)) != 0) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

enum iso_err registry_counts(struct registry *r, json_t **ret)
{
	struct registry_poll_count *c = NULL;
	enum registry_phase ph;
	size_t n = 0;
	json_t *a, *o;
	enum iso_err err;
	if ((err = registry_phase(r, &ph)) != ISO_OK ||
	    (err = r->cfg.store->ops->counts(r->cfg.store, INT64_MAX, &c, &n)) != ISO_OK)
		return err;
	/* every poll of the configuration, in its order */
	a = json_array();
	for (size_t i = 0; a != NULL && i < r->cfg.npolls; i++) {
		const struct registry_poll *p = &r->polls[i];
		struct registry_poll_count z = {"", 0, 0, 0}, *k = &z;
		for (size_t j = 0; j < n; j++)
			if (strcmp(c[j].poll, p->uuid) == 0)
				k = &c[j];
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I}", "poll", p->uuid,
						       "name", p->name, "voters",
						       (json_int_t)k->voters, "pending",
						       (json_int_t)k->pending, "voted",
						       (json_int_t)k->voted)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	free(c);
	o = a == NULL ? NULL : json_pack("{s:s, s:o}", "phase", registry_phase_name(ph), "polls", a);
	if (o == NULL)
		return ISO_E_NOMEM;
	*ret = o;
	return ISO_OK;
}

struct csv {
	char *buf;
	size_t len, cap;
};

static enum iso_err csv_put(struct csv *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 64 * 1024;
		char *nb;
		while (cap < c->len + n + 1)
			cap *= 2;
		if (cap > CSV_MAX)
			return ISO_E_TOO_LARGE;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return ISO_E_NOMEM;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return ISO_OK;
}

static enum iso_err csv_row(void *arg, const struct emargement_row *row)
{
	char line[EMARGEMENT_LINE_MAX];
	size_t len;
	enum iso_err err = emargement_csv_line(row, line, &len);
	return err != ISO_OK ? err : csv_put(arg, line, len);
}

enum iso_err registry_emargement_csv(struct registry *r, char **ret, size_t *ret_len)
{
	struct csv c = {0};
	enum iso_err err = csv_put(&c, emargement_csv_header, strlen(emargement_csv_header));
	if (err == ISO_OK)
		err = r->cfg.store->ops->each_row(r->cfg.store, INT64_MAX, false, csv_row, &c);
	if (err != ISO_OK) {
		free(c.buf);
		return err;
	}
	*ret = c.buf;
	*ret_len = c.len;
	return ISO_OK;
}

static enum iso_err pending_row(void *arg, const struct emargement_row *row)
{
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:I}", "identifier",
						    row->identifier, "name", row->name, "poll",
						    row->poll, "since", (json_int_t)row->at)) == 0
		       ? ISO_OK
		       : ISO_E_NOMEM;
}

enum iso_err registry_pending(struct registry *r, json_t **ret)
{
	json_t *a = json_array(), *o;
	enum iso_err err;
	if (a == NULL)
		return ISO_E_NOMEM;
	if ((err = r->cfg.store->ops->each_row(r->cfg.store, INT64_MAX, true, pending_row, a)) !=
	    ISO_OK) {
		json_decref(a);
		return err;
	}
	if ((o = json_pack("{s:o}", "pending", a)) == NULL)
		return ISO_E_NOMEM;
	*ret = o;
	return ISO_OK;
}

static enum iso_err seal_add(void *arg, const char *name, const char *doc)
{
	json_t *d = json_loads(doc, 0, NULL);
	(void)name;
	if (d == NULL)
		return ISO_E_STORAGE;
	return json_array_append_new(arg, d) == 0 ? ISO_OK : ISO_E_NOMEM;
}

enum iso_err registry_seals(struct registry *r, json_t **ret)
{
	json_t *a = json_array(), *o;
	enum iso_err err;
	if (a == NULL)
		return ISO_E_NOMEM;
	if ((err = r->cfg.store->ops->each_seal(r->cfg.store, seal_add, a)) != ISO_OK) {
		json_decref(a);
		return err;
	}
	if ((o = json_pack("{s:o}", "seals", a)) == NULL)
		return ISO_E_NOMEM;
	*ret = o;
	return ISO_OK;
}

/* The seal document: signed by the registry's key. */
static enum iso_err seal_make(void *arg, const struct registry_digest *d, char **ret)
{
	const struct registry *r = arg;
	json_t *counts = counts_json(d->counts, d->npolls);
	if (counts == NULL)
		return ISO_E_NOMEM;
	return signature_sign_new(r->cfg.ticket_key,
				  json_pack("{s:s, s:s, s:I, s:s, s:o, s:s}", "what", "registry",
					    "event", d->event, "time", (json_int_t)d->time,
					    "emargement", d->emargement, "counts", counts,
					    "journal_head", d->journal_head),
				  ret);
}

enum iso_err registry_tick(struct registry *r)
{
	struct registry_store *s = r->cfg.store;
	int64_t now = now_of(r), end = r->cfg.closing + r->cfg.grace;
	enum iso_err err;
	/* the list as it stood at the closing time (rows before it): the same
	 * bytes whenever the tick runs, and a prefix of the final list */
	if (!r->sealed_closing && now >= r->cfg.closing) {
		err = s->ops->seal(s, "closing", r->cfg.closing, r->cfg.closing, "schedule", false,
				   seal_make, r);
		if (err != ISO_OK && err != ISO_E_URN_STATE)
			return err;
		r->sealed_closing = true;
	}
	if (!r->sealed_end && now >= end) {
		err = s->ops->seal(s, "end-of-grace", end, INT64_MAX, "schedule", true, seal_make, r);
		if (err != ISO_OK && err != ISO_E_URN_STATE)
			return err;
		r->sealed_end = true;
	}
	return ISO_OK;
}

enum iso_err registry_control(struct registry *r, enum registry_action a, const char *actor)
{
	enum iso_err err;
	/* the schedule first: a control never acts on a state already past */
	if ((err = registry_tick(r)) != ISO_OK)
		return err;
	return r->cfg.store->ops->control(r->cfg.store, a, now_of(r), actor, seal_make, r);
}

enum iso_err registry_metrics(struct registry *r, json_t **ret)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "logins", (json_int_t)r->m_logins,
			      "login_failures", (json_int_t)r->m_failures, "argon2",
			      (json_int_t)r->m_argon2, "argon2_us",
			      (json_int_t)(r->m_argon2_ns / 1000), "tickets",
			      (json_int_t)r->m_tickets, "receipts", (json_int_t)r->m_receipts);
	if (o == NULL)
		return ISO_E_NOMEM;
	*ret = o;
	return ISO_OK;
}
