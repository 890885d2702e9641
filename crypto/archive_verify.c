/* Full archive verification (see archive_verify.h).
 * Ballots are verified on every core: workers take ballots in chain order
 * from a shared counter, each with its own verifier that multiplies accepted
 * ballots into its own partial tally. Which ballot is "first" to fail, and
 * which credential voted twice, are then decided by one pass in chain order,
 * so the outcome does not depend on scheduling. */
#include "archive_verify.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ballot.h"
#include "jsondoc.h"
#include "parallel.h"

struct ballot_slot {
	size_t event; /* index in the chain */
	enum iso_err err;
	struct iso_where where;
	long cred;
};

struct pool {
	struct iso_verified *v;
	struct ballot_slot *slots;
	size_t nslots;
	atomic_size_t next;
	atomic_size_t done;
	atomic_size_t first_bad; /* lowest slot found invalid so far */
};

struct worker {
	pthread_t tid;
	struct pool *pool;
	struct iso_ballot_verifier *bv;
	enum iso_err err; /* a system error that stopped the worker */
};

void iso_verified_free(struct iso_verified *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v->pds != NULL && i < v->npds; i++)
		iso_partial_decryption_free(v->pds[i]);
	free(v->pds);
	iso_result_clear(&v->result);
	iso_tally_free(v->tally);
	iso_credset_free(v->creds);
	iso_trustees_free(v->trustees);
	iso_election_free(v->e);
	iso_archive_close(v->ar);
	free(v);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		struct ballot_slot *s;
		const struct iso_member *m;
		struct iso_ballot_facts facts;
		if (i >= p->nslots || i > atomic_load(&p->first_bad))
			break;
		s = &p->slots[i];
		iso_where_clear(&s->where);
		s->where.height = (int)s->event;
		m = iso_archive_payload(p->v->ar, s->event);
		if (m == NULL) {
			s->err = ISO_E_ARCHIVE_MISSING_DATA;
		} else {
			s->err = iso_ballot_verify(w->bv, p->v->creds, m->body, m->len, &facts,
						   &s->where);
			s->cred = s->err == ISO_OK ? facts.credential_index : -1;
			if (s->err == ISO_OK)
				s->err = iso_ballot_verifier_accumulate(
					w->bv, iso_credset_weight(p->v->creds, s->cred));
		}
		if (s->err != ISO_OK) {
			size_t cur = atomic_load(&p->first_bad);
			while (i < cur && !atomic_compare_exchange_weak(&p->first_bad, &cur, i))
				;
			if (s->err == ISO_E_NOMEM || s->err == ISO_E_CRYPTO_LIB) {
				w->err = s->err;
				break;
			}
		}
		atomic_fetch_add(&p->done, 1);
	}
	return NULL;
}

static enum iso_err verify_ballots(struct iso_verified *v, const struct iso_verify_opts *opts,
				   struct iso_where *where)
{
	struct pool p = {0};
	struct worker *ws = NULL;
	int nthreads = 0;
	unsigned char *used = NULL;
	enum iso_err err = ISO_E_NOMEM;
	int started = 0;

	p.v = v;
	for (size_t i = 0; i < iso_archive_nevents(v->ar); i++)
		if (iso_archive_event(v->ar, i)->type == ISO_EV_BALLOT)
			p.nslots++;
	if ((err = iso_tally_new(v->e, &v->tally)) != ISO_OK)
		return err;
	if (p.nslots == 0)
		return ISO_OK;
	p.slots = calloc(p.nslots, sizeof *p.slots);
	used = calloc(iso_credset_count(v->creds) + 1, 1);
	if (p.slots == NULL || used == NULL)
		goto out;
	for (size_t i = 0, k = 0; i < iso_archive_nevents(v->ar); i++)
		if (iso_archive_event(v->ar, i)->type == ISO_EV_BALLOT)
			p.slots[k++].event = i;
	atomic_init(&p.next, 0);
	atomic_init(&p.done, 0);
	atomic_init(&p.first_bad, p.nslots);
	nthreads = iso_parallel_threads(opts != NULL ? opts->threads : 0, p.nslots);
	if ((err = iso_election_prepare(v->e, false)) != ISO_OK)
		goto out;
	ws = calloc((size_t)nthreads, sizeof *ws);
	if (ws == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (int t = 0; t < nthreads; t++) {
		ws[t].pool = &p;
		if ((err = iso_ballot_verifier_new(v->e, true, &ws[t].bv)) != ISO_OK)
			goto join;
	}
	for (int t = 0; t < nthreads; t++) {
		if (pthread_create(&ws[t].tid, NULL, worker_run, &ws[t]) != 0) {
			err = ISO_E_NOMEM;
			atomic_store(&p.first_bad, 0);
			goto join;
		}
		started++;
	}
	/* report progress while the workers run */
	while (opts != NULL && opts->progress != NULL) {
		size_t d = atomic_load(&p.done);
		opts->progress(opts->progress_arg, d, p.nslots);
		if (d >= p.nslots || atomic_load(&p.next) >= p.nslots + (size_t)nthreads ||
		    atomic_load(&p.first_bad) < p.nslots)
			break;
		usleep(200000);
	}
	err = ISO_OK;
join:
	for (int t = 0; t < started; t++) {
		pthread_join(ws[t].tid, NULL);
		if (ws[t].err != ISO_OK && err == ISO_OK)
			err = ws[t].err;
	}
	if (err != ISO_OK)
		goto out;
	/* the verdict, in chain order */
	for (size_t i = 0; i < p.nslots; i++) {
		struct ballot_slot *s = &p.slots[i];
		if (s->err == ISO_OK && used[s->cred]) {
			s->err = ISO_E_CREDENTIAL_USED;
		}
		if (s->err != ISO_OK) {
			if (where != NULL)
				*where = s->where;
			err = s->err;
			goto out;
		}
		used[s->cred] = 1;
	}
	for (int t = 0; t < nthreads; t++)
		if ((err = iso_ballot_verifier_merge_tally(ws[t].bv, v->tally)) != ISO_OK)
			goto out;
	v->nballots = p.nslots;
	if (opts != NULL && opts->progress != NULL)
		opts->progress(opts->progress_arg, p.nslots, p.nslots);
out:
	for (int t = 0; ws != NULL && t < nthreads; t++)
		iso_ballot_verifier_free(ws[t].bv);
	free(ws);
	free(p.slots);
	free(used);
	return err;
}

static enum iso_err check_setup(struct iso_verified *v, struct iso_where *where)
{
	static const char *const keys[] = {"election", "trustees", "credentials"};
	const struct iso_member *payload = iso_archive_payload(v->ar, 0), *m[3];
	json_t *j = NULL;
	BIGNUM *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	enum iso_err err = ISO_E_NOMEM;
	if (y == NULL || ctx == NULL)
		goto out;
	if (where != NULL)
		where->height = 0;
	err = ISO_E_ARCHIVE_MISSING_DATA;
	if (payload == NULL || iso_json_parse(payload->body, payload->len, &j) != ISO_OK)
		goto out;
	for (int i = 0; i < 3; i++)
		if ((m[i] = iso_archive_find(v->ar, json_string_value(json_object_get(j, keys[i])))) == NULL)
			goto out;
	if ((err = iso_election_parse(m[0]->body, m[0]->len, &v->e)) != ISO_OK ||
	    (err = iso_trustees_parse(v->e->grp, m[1]->body, m[1]->len, &v->trustees, where)) !=
		    ISO_OK)
		goto out;
	if ((err = iso_trustees_public_key(v->trustees, y, ctx)) != ISO_OK)
		goto out;
	if (BN_cmp(y, v->e->y) != 0) {
		err = ISO_E_PUBLIC_KEY_MISMATCH;
		goto out;
	}
	err = iso_credset_parse(v->e->grp, m[2]->body, m[2]->len, &v->creds, NULL);
out:
	json_decref(j);
	BN_free(y);
	BN_CTX_free(ctx);
	return err;
}

/* The order of events our elections allow:
 * Setup Ballot* [EndBallots [EncryptedTally PartialDecryption* [Result]]] */
static enum iso_err check_order(const struct iso_verified *v, struct iso_where *where)
{
	enum { BALLOTS, ENDED, TALLIED, DECRYPTING, DONE } phase = BALLOTS;
	for (size_t i = 1; i < iso_archive_nevents(v->ar); i++) {
		enum iso_event_type t = iso_archive_event(v->ar, i)->type;
		enum iso_err err = ISO_OK;
		if (where != NULL)
			where->height = (int)i;
		switch (t) {
		case ISO_EV_BALLOT:
			if (phase != BALLOTS)
				err = ISO_E_ARCHIVE_EVENT_ORDER;
			break;
		case ISO_EV_END_BALLOTS:
			if (phase != BALLOTS)
				err = ISO_E_ARCHIVE_EVENT_ORDER;
			phase = ENDED;
			break;
		case ISO_EV_ENCRYPTED_TALLY:
			if (phase == BALLOTS)
				err = ISO_E_TALLY_BEFORE_END;
			else if (phase != ENDED)
				err = ISO_E_ARCHIVE_EVENT_ORDER;
			phase = TALLIED;
			break;
		case ISO_EV_PARTIAL_DECRYPTION:
			if (phase != TALLIED && phase != DECRYPTING)
				err = phase == BALLOTS ? ISO_E_TALLY_BEFORE_END : ISO_E_ARCHIVE_EVENT_ORDER;
			phase = DECRYPTING;
			break;
		case ISO_EV_RESULT:
			if (phase != DECRYPTING)
				err = phase == BALLOTS ? ISO_E_TALLY_BEFORE_END : ISO_E_ARCHIVE_EVENT_ORDER;
			phase = DONE;
			break;
		case ISO_EV_SHUFFLE:
		case ISO_EV_END_SHUFFLES:
			err = ISO_E_SHUFFLE_UNSUPPORTED;
			break;
		default:
			err = ISO_E_ARCHIVE_EVENT_ORDER;
		}
		if (err != ISO_OK)
			return err;
	}
	if (where != NULL)
		where->height = -1;
	return ISO_OK;
}

bool iso_verified_tally_matches(const struct iso_verified *v,
				const struct iso_sized_tally *sized, const struct iso_tally *stored)
{
	return sized->num_tallied == v->tally->num_tallied &&
	       sized->total_weight == v->tally->total_weight && iso_tally_equal(stored, v->tally);
}

enum iso_err iso_verified_pd_key(const struct iso_verified *v, int owner, const BIGNUM **ret_key,
				 struct iso_where *where)
{
	size_t item;
	int index;
	enum iso_err err;
	if (where != NULL)
		where->trustee = owner;
	if ((err = iso_trustees_locate(v->trustees, owner, &item, &index)) != ISO_OK)
		return err;
	if (v->pds[owner - 1] != NULL)
		return ISO_E_DUPLICATE_PARTIAL_DECRYPTION;
	*ret_key = v->trustees->items[item].keys[index - 1];
	return ISO_OK;
}

enum iso_err iso_verified_result_check(const struct iso_verified *v, const char *json, size_t len,
				       struct iso_result *r, struct iso_where *where)
{
	BIGNUM **factors = NULL;
	enum iso_err err;
	if ((err = iso_result_parse(v->e, json, len, r)) != ISO_OK ||
	    (err = iso_decryption_combine(v->e, v->trustees, v->pds, &factors, where)) != ISO_OK)
		return err;
	err = iso_result_check(v->e, v->tally, factors, r, where);
	iso_factors_free(factors, v->tally->n);
	return err;
}

static enum iso_err check_tally_event(struct iso_verified *v, size_t i, struct iso_where *where)
{
	const struct iso_member *m = iso_archive_payload(v->ar, i), *tm;
	struct iso_sized_tally sized;
	struct iso_tally *stored = NULL;
	enum iso_err err;
	if (where != NULL)
		where->height = (int)i;
	if (m == NULL)
		return ISO_E_ARCHIVE_MISSING_DATA;
	if ((err = iso_tally_sized_parse(m->body, m->len, &sized)) != ISO_OK)
		return err;
	if ((tm = iso_archive_find(v->ar, sized.tally_hex)) == NULL)
		return ISO_E_ARCHIVE_MISSING_DATA;
	if ((err = iso_tally_parse(v->e, tm->body, tm->len, &stored)) != ISO_OK)
		return err;
	if (!iso_verified_tally_matches(v, &sized, stored))
		err = ISO_E_TALLY_MISMATCH;
	iso_tally_free(stored);
	v->has_tally = err == ISO_OK;
	return err;
}

static enum iso_err check_partial_decryption(struct iso_verified *v, size_t i,
					     struct iso_where *where)
{
	const struct iso_member *m = iso_archive_payload(v->ar, i), *pm;
	const BIGNUM *key;
	char hex[65];
	int owner;
	enum iso_err err;
	if (where != NULL)
		where->height = (int)i;
	if (m == NULL)
		return ISO_E_ARCHIVE_MISSING_DATA;
	if ((err = iso_owned_parse(m->body, m->len, &owner, hex)) != ISO_OK ||
	    (err = iso_verified_pd_key(v, owner, &key, where)) != ISO_OK)
		return err;
	if ((pm = iso_archive_find(v->ar, hex)) == NULL)
		return ISO_E_ARCHIVE_MISSING_DATA;
	err = iso_partial_decryption_check(v->e, v->tally, key, pm->body, pm->len,
					   &v->pds[owner - 1], where);
	if (err == ISO_OK && where != NULL)
		where->trustee = -1;
	return err;
}

static enum iso_err check_result(struct iso_verified *v, size_t i, struct iso_where *where)
{
	const struct iso_member *m = iso_archive_payload(v->ar, i);
	enum iso_err err;
	if (where != NULL)
		where->height = (int)i;
	if (m == NULL)
		return ISO_E_ARCHIVE_MISSING_DATA;
	err = iso_verified_result_check(v, m->body, m->len, &v->result, where);
	v->has_result = err == ISO_OK;
	return err;
}

enum iso_err iso_archive_verify(const char *path, const struct iso_verify_opts *opts,
				struct iso_verified **ret, struct iso_where *where)
{
	struct iso_verified *v = calloc(1, sizeof *v);
	enum iso_err err;
	if (v == NULL)
		return ISO_E_NOMEM;
	if ((err = iso_archive_open(path, &v->ar, where)) != ISO_OK ||
	    (err = iso_archive_check_canonical(v->ar, where)) != ISO_OK ||
	    (err = check_setup(v, where)) != ISO_OK || (err = check_order(v, where)) != ISO_OK)
		goto out;
	if (where != NULL)
		iso_where_clear(where);
	if ((err = verify_ballots(v, opts, where)) != ISO_OK)
		goto out;
	v->npds = v->trustees->ntrustees;
	v->pds = calloc(v->npds, sizeof *v->pds);
	if (v->pds == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	for (size_t i = 1; i < iso_archive_nevents(v->ar); i++) {
		switch (iso_archive_event(v->ar, i)->type) {
		case ISO_EV_END_BALLOTS:
			v->ended = true;
			break;
		case ISO_EV_ENCRYPTED_TALLY:
			err = check_tally_event(v, i, where);
			break;
		case ISO_EV_PARTIAL_DECRYPTION:
			err = check_partial_decryption(v, i, where);
			break;
		case ISO_EV_RESULT:
			err = check_result(v, i, where);
			break;
		default:
			break;
		}
		if (err != ISO_OK)
			goto out;
	}
	if (where != NULL)
		iso_where_clear(where);
	*ret = v;
	return ISO_OK;
out:
	iso_verified_free(v);
	return err;
}
