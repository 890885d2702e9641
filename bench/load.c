/* What the load tools share (load.h). */
#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *slurp(const char *tool, const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);
	if (f == NULL || buf == NULL) {
		fprintf(stderr, "%s: cannot read %s\n", tool, path);
		exit(2);
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				exit(2);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (ret_len != NULL)
		*ret_len = n;
	return buf;
}

CURL *load_kiosk_handle(const char *fixture, const char *url, struct curl_slist **ret_hdr)
{
	CURL *h = curl_easy_init();
	char cert[1024], key[1024], ca[1024];
	*ret_hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (h == NULL || *ret_hdr == NULL)
		exit(2);
	snprintf(cert, sizeof cert, "%s/kiosk.pem", fixture);
	snprintf(key, sizeof key, "%s/kiosk.key", fixture);
	snprintf(ca, sizeof ca, "%s/server-ca.pem", fixture);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_SSLCERT, cert);
	curl_easy_setopt(h, CURLOPT_SSLKEY, key);
	curl_easy_setopt(h, CURLOPT_SSLVERSION,
			 (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3));
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *ret_hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, net_sink_write);
	return h;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void load_sort(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
}

double load_pct(const double *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	return v[(size_t)(p * (double)(n - 1) + 0.5)];
}

void load_wait_until(double t)
{
	while (now_s() < t) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
}
