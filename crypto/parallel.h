/* Jobs shared between threads, for work cut into short jobs (a ballot's
 * choices). Each thread takes the next job from a shared counter; rounds
 * follow each other without new threads, and no round waits for a thread
 * that the system starts late: the others, the caller's included, take its
 * share.
 * (Archive verification, with its long run and progress reports, keeps its
 * own workers: archive_verify.c.) */
#ifndef ISOLOIR_PARALLEL_H
#define ISOLOIR_PARALLEL_H

#include <stddef.h>

#include "error.h"

/* One job: thread is the index of the thread running it, in [0, nthreads),
 * 0 being the caller's, so that each thread can use its own workspace. */
typedef enum iso_err (*iso_job_fn)(void *arg, int thread, size_t job);

/* n jobs; none starts before every job of the round before has finished. */
struct iso_round {
	size_t n;
	iso_job_fn fn;
};

/* Online CPUs, between 1 and 64. */
int iso_cpu_count(void);

/* The thread count for rounds of at most n jobs when asked for `threads`
 * (<= 0: one per online CPU): never more than n, never less than 1. */
int iso_parallel_threads(int threads, size_t n);

/* Run the rounds in order on iso_parallel_threads(threads, largest n)
 * threads, the caller's being one. After a job fails no job starts, and the
 * error of the lowest failed job is returned. If a thread cannot be started,
 * the others do its share. */
enum iso_err iso_parallel_rounds(const struct iso_round *rounds, size_t nrounds, int threads,
				 void *arg);

/* One round. */
enum iso_err iso_parallel_for(size_t n, int threads, iso_job_fn fn, void *arg);

#endif
