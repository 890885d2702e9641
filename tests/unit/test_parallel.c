/* Jobs shared between threads: every job runs once, rounds follow each other,
 * a failure stops what has not started and the lowest failed job's error is
 * returned, whatever the thread count. */
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "parallel.h"

#define N 200

struct state {
	atomic_int runs[3][N];
	atomic_int done[3];
	atomic_int out_of_order; /* a job of round k ran before round k-1 ended */
	atomic_int bad_thread;
	int nthreads;
	long fail_at; /* round * N + job that fails, or -1 */
};

static enum iso_err job(struct state *s, int k, int thread, size_t j)
{
	if (thread < 0 || thread >= s->nthreads)
		atomic_fetch_add(&s->bad_thread, 1);
	if (k > 0 && atomic_load(&s->done[k - 1]) != N)
		atomic_fetch_add(&s->out_of_order, 1);
	atomic_fetch_add(&s->runs[k][j], 1);
	atomic_fetch_add(&s->done[k], 1);
	if (s->fail_at >= 0 && (long)k * N + (long)j >= s->fail_at)
		return (long)k * N + (long)j == s->fail_at ? ISO_E_RANDOM : ISO_E_NOMEM;
	return ISO_OK;
}

static enum iso_err job0(void *a, int t, size_t j) { return job(a, 0, t, j); }
static enum iso_err job1(void *a, int t, size_t j) { return job(a, 1, t, j); }
static enum iso_err job2(void *a, int t, size_t j) { return job(a, 2, t, j); }

static void run(int threads, long fail_at)
{
	static struct state s;
	const struct iso_round rounds[] = {{N, job0}, {N, job1}, {N, job2}};
	enum iso_err err;
	memset(&s, 0, sizeof s);
	s.nthreads = iso_parallel_threads(threads, N);
	s.fail_at = fail_at;
	err = iso_parallel_rounds(rounds, 3, threads, &s);
	CHECK(atomic_load(&s.out_of_order) == 0);
	CHECK(atomic_load(&s.bad_thread) == 0);
	if (fail_at < 0) {
		CHECK_ERR(err, ISO_OK);
		for (int k = 0; k < 3; k++)
			for (int j = 0; j < N; j++)
				CHECK(atomic_load(&s.runs[k][j]) == 1);
		return;
	}
	/* the failing job's own error, never that of a later one (which fail
	 * too); the rounds before it ran whole, those after not at all; no job
	 * ran twice */
	CHECK_ERR(err, ISO_E_RANDOM);
	for (int k = 0; k < 3; k++)
		for (int j = 0; j < N; j++) {
			int r = atomic_load(&s.runs[k][j]);
			CHECK(r <= 1);
			if (k < fail_at / N)
				CHECK(r == 1);
			if (k > fail_at / N)
				CHECK(r == 0);
		}
	CHECK(atomic_load(&s.runs[fail_at / N][fail_at % N]) == 1);
}

int main(void)
{
	CHECK(iso_cpu_count() >= 1);
	CHECK(iso_parallel_threads(0, 1) == 1);
	CHECK(iso_parallel_threads(8, 3) == 3);
	CHECK(iso_parallel_threads(-1, 0) == 1);
	for (int threads = 0; threads <= 4; threads++) {
		for (int rep = 0; rep < 20; rep++)
			run(threads, -1);
		run(threads, 0);
		run(threads, N + 17);
		run(threads, 3 * N - 1);
	}
	CHECK_ERR(iso_parallel_for(0, 2, job0, NULL), ISO_OK);
	return check_status();
}
