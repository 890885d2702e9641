/* Jobs shared between threads (see parallel.h).
 * Waiting between rounds spins: rounds last microseconds to milliseconds, and
 * a thread put to sleep can take as long to wake up on a virtual machine. A
 * thread that the system starts late finds every job taken and goes through
 * the rounds without running any; the caller joins it at the end (so that
 * its per-thread state, OpenSSL's included, is freed before we return). */
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct round_state {
	size_t n;
	iso_job_fn fn;
	atomic_size_t next; /* the next job to take */
	atomic_size_t done; /* jobs finished or skipped */
	enum iso_err *errs; /* [n] */
};

struct shared {
	atomic_bool failed;
	void *arg;
	size_t nrounds;
	struct round_state *r;
};

struct worker {
	struct shared *sh;
	int thread;
	pthread_t tid;
};

static void spin_until_done(struct round_state *r)
{
	for (unsigned spins = 0; atomic_load(&r->done) < r->n; spins++) {
		if (spins % 64 == 63)
			sched_yield();
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
}

static void run_rounds(struct shared *sh, int thread)
{
	for (size_t k = 0; k < sh->nrounds; k++) {
		struct round_state *r = &sh->r[k];
		for (;;) {
			size_t j = atomic_fetch_add(&r->next, 1);
			if (j >= r->n)
				break;
			if (!atomic_load(&sh->failed)) {
				r->errs[j] = r->fn(sh->arg, thread, j);
				if (r->errs[j] != ISO_OK)
					atomic_store(&sh->failed, true);
			}
			atomic_fetch_add(&r->done, 1);
		}
		spin_until_done(r);
	}
}

static void *worker_main(void *p)
{
	struct worker *w = p;
	run_rounds(w->sh, w->thread);
	return NULL;
}

int iso_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int iso_parallel_threads(int threads, size_t n)
{
	int t = threads > 0 ? threads : iso_cpu_count();
	if ((size_t)t > n)
		t = (int)n;
	return t < 1 ? 1 : t;
}

enum iso_err iso_parallel_rounds(const struct iso_round *rounds, size_t nrounds, int threads,
				 void *arg)
{
	struct shared sh = {.arg = arg, .nrounds = nrounds};
	struct worker ws[64];
	size_t most = 0;
	enum iso_err err = ISO_E_NOMEM;
	int nt, started = 0;

	atomic_init(&sh.failed, false);
	sh.r = calloc(nrounds, sizeof *sh.r);
	if (sh.r == NULL)
		return ISO_E_NOMEM;
	for (size_t k = 0; k < nrounds; k++) {
		sh.r[k].n = rounds[k].n;
		sh.r[k].fn = rounds[k].fn;
		atomic_init(&sh.r[k].next, 0);
		atomic_init(&sh.r[k].done, 0);
		/* + 1: a round of no jobs still gets a block */
		sh.r[k].errs = calloc(rounds[k].n + 1, sizeof *sh.r[k].errs);
		if (sh.r[k].errs == NULL)
			goto out;
		most = rounds[k].n > most ? rounds[k].n : most;
	}
	nt = iso_parallel_threads(threads, most);
	for (int t = 1; t < nt && t < 64; t++) {
		ws[started] = (struct worker){.sh = &sh, .thread = started + 1};
		if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
			break; /* the threads started do the work */
		started++;
	}
	run_rounds(&sh, 0);
	for (int t = 0; t < started; t++)
		pthread_join(ws[t].tid, NULL);
	err = ISO_OK;
	for (size_t k = 0; k < nrounds && err == ISO_OK; k++)
		for (size_t j = 0; j < sh.r[k].n && err == ISO_OK; j++)
			err = sh.r[k].errs[j];
out:
	for (size_t k = 0; k < nrounds; k++)
		free(sh.r[k].errs);
	free(sh.r);
	return err;
}

enum iso_err iso_parallel_for(size_t n, int threads, iso_job_fn fn, void *arg)
{
	struct iso_round r = {n, fn};
	return iso_parallel_rounds(&r, 1, threads, arg);
}
