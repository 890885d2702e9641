/* What the load tools (isoloir-urn-load, isoloir-registry-load) share: a
 * monotonic clock, whole files, curl handles of a kiosk of the servers'
 * test fixture (tests/server/fixture.sh), latency percentiles. Never used
 * in production. */
#ifndef ISOLOIR_BENCH_LOAD_H
#define ISOLOIR_BENCH_LOAD_H

#include <curl/curl.h>
#include <stddef.h>

#include "net.h"

double now_s(void);
/* a whole file, NUL-terminated; exits (tool) if unreadable */
char *slurp(const char *tool, const char *path, size_t *ret_len);

/* a response body: net.h's sink (net_sink_write), without a bound */

/* a curl handle for url, with the fixture's kiosk certificate, TLS 1.3
 * only, JSON requests; *ret_hdr is freed by the caller
 * (curl_slist_free_all) */
CURL *load_kiosk_handle(const char *fixture, const char *url, struct curl_slist **ret_hdr);

/* sort v, then its p-quantile (0 for none) */
void load_sort(double *v, size_t n);
double load_pct(const double *v, size_t n, double p);

/* sleep until the monotonic time t */
void load_wait_until(double t);

#endif
