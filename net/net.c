/* The kiosk's network (see net.h), on libcurl. */
#include "net.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ANSWER_MAX (4u << 20)

struct net {
	struct net_config cfg;
	char *cert, *key;
	CURL *h[2]; /* a kept-alive connection per address slot */
};

static long or_default(long v, long def)
{
	return v > 0 ? v : def;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

enum iso_err net_new(const struct net_config *cfg, struct net **ret)
{
	struct net *n;
	if (cfg->client_cert == NULL || cfg->client_key == NULL)
		return ISO_E_CONFIG;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ISO_E_CRYPTO_LIB;
	if ((n = calloc(1, sizeof *n)) == NULL)
		return ISO_E_NOMEM;
	n->cfg = *cfg;
	n->cfg.connect_timeout_ms = or_default(cfg->connect_timeout_ms, 3000);
	n->cfg.request_timeout_ms = or_default(cfg->request_timeout_ms, 15000);
	n->cfg.deadline_ms = or_default(cfg->deadline_ms, 60000);
	n->cfg.backoff_ms = or_default(cfg->backoff_ms, 250);
	n->cert = strdup(cfg->client_cert);
	n->key = strdup(cfg->client_key);
	n->h[0] = curl_easy_init();
	n->h[1] = curl_easy_init();
	if (n->cert == NULL || n->key == NULL || n->h[0] == NULL || n->h[1] == NULL) {
		net_free(n);
		return ISO_E_NOMEM;
	}
	n->cfg.client_cert = n->cert;
	n->cfg.client_key = n->key;
	*ret = n;
	return ISO_OK;
}

void net_free(struct net *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < 2; i++)
		if (n->h[i] != NULL)
			curl_easy_cleanup(n->h[i]);
	free(n->cert);
	free(n->key);
	free(n);
	curl_global_cleanup();
}

void net_answer_clear(struct net_answer *a)
{
	if (a == NULL)
		return;
	json_decref(a->body);
	free(a->raw);
	memset(a, 0, sizeof *a);
}

/* ---- endpoints and pins ---- */

static bool pin_ok(const char *pin)
{
	size_t n = pin != NULL ? strlen(pin) : 0;
	if (n != NET_PIN_LEN || pin[NET_PIN_LEN - 1] != '=')
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (!(pin[i] >= 'A' && pin[i] <= 'Z') && !(pin[i] >= 'a' && pin[i] <= 'z') &&
		    !(pin[i] >= '0' && pin[i] <= '9') && pin[i] != '+' && pin[i] != '/')
			return false;
	return true;
}

enum iso_err net_endpoint_set(struct net_endpoint *e, const char *url, const char *pin)
{
	static const char scheme[] = "https://";
	const char *host;
	size_t n = url != NULL ? strlen(url) : 0;
	if (n <= sizeof scheme - 1 || n > NET_URL_MAX ||
	    strncmp(url, scheme, sizeof scheme - 1) != 0 || !pin_ok(pin))
		return ISO_E_CONFIG;
	host = url + sizeof scheme - 1;
	/* host[:port] only: the path is the request's */
	for (const char *p = host; *p != '\0'; p++)
		if (*p == '/' || *p == '?' || *p == '#' || *p == '@' || (unsigned char)*p <= ' ')
			return ISO_E_CONFIG;
	snprintf(e->url, sizeof e->url, "%s", url);
	snprintf(e->pin, sizeof e->pin, "%s", pin);
	return ISO_OK;
}

enum iso_err net_pin_of_file(const char *path, char out[NET_PIN_LEN + 1])
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	unsigned char *der = NULL, md[32];
	int len;
	enum iso_err err = ISO_E_CONFIG;
	if (f == NULL)
		return ISO_E_IO;
	if ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		k = X509_get_pubkey(x);
	else {
		rewind(f);
		k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	}
	fclose(f);
	if (k != NULL && (len = i2d_PUBKEY(k, &der)) > 0) {
		unsigned int mdlen = 0;
		if (EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) == 1 &&
		    mdlen == sizeof md) {
			EVP_EncodeBlock((unsigned char *)out, md, sizeof md);
			err = ISO_OK;
		}
	}
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	X509_free(x);
	return err;
}

/* ---- requests ---- */

size_t net_sink_write(char *d, size_t size, size_t nmemb, void *arg)
{
	struct net_sink *b = arg;
	size_t n = size * nmemb;
	char *np;
	if (b->max != 0 && b->n + n > b->max) {
		b->too_large = true;
		return 0;
	}
	if ((np = realloc(b->p, b->n + n + 1)) == NULL)
		return 0;
	memcpy(np + b->n, d, n);
	b->p = np;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

enum attempt { ANSWERED, RETRY, PIN, FATAL, IDENTITY };

/* One attempt at one address. */
/* One attempt at one address; raw_max 0: a JSON answer, else the bytes
 * (at most raw_max) of a 2xx answer. */
static enum attempt attempt(struct net *n, int slot, const struct net_endpoint *e,
			    const char *method, const char *path, const char *body,
			    long timeout_ms, size_t raw_max, struct net_answer *ret)
{
	CURL *h = n->h[slot];
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	struct net_sink b = {NULL, 0, raw_max != 0 ? raw_max : ANSWER_MAX, false};
	char url[NET_URL_MAX + 256], pin[NET_PIN_LEN + 16];
	enum attempt out = RETRY;
	long status = 0;
	CURLcode rc;
	json_t *j;
	if (hdr == NULL)
		return FATAL;
	snprintf(url, sizeof url, "%s%s", e->url, path);
	snprintf(pin, sizeof pin, "sha256//%s", e->pin);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_SSLVERSION,
			 (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3));
	/* the pin is the trust: the server's key, whatever signed its
	 * certificate (a kiosk carries no CA bundle) */
	curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, pin);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_SSLCERT, n->cfg.client_cert);
	curl_easy_setopt(h, CURLOPT_SSLKEY, n->cfg.client_key);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, n->cfg.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, net_sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body != NULL ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(body != NULL ? strlen(body) : 0));
	}
	rc = curl_easy_perform(h);
	curl_slist_free_all(hdr);
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH) {
		out = PIN;
	} else if (rc == CURLE_SSL_CERTPROBLEM) {
		out = IDENTITY; /* the kiosk's own certificate or key: no retry mends it */
	} else if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 500) {
			out = RETRY;
		} else if (raw_max != 0 && status >= 200 && status < 300) {
			ret->status = status;
			ret->raw = b.p != NULL ? b.p : calloc(1, 1);
			ret->raw_len = b.n;
			b.p = NULL;
			out = ret->raw != NULL ? ANSWERED : FATAL;
		} else if ((j = json_loadb(b.p != NULL ? b.p : "", b.n, 0, NULL)) != NULL &&
			 json_is_object(j)) {
			ret->status = status;
			ret->body = j;
			out = ANSWERED;
		} else {
			json_decref(j);
			out = FATAL;
		}
	} else if (b.too_large) {
		out = FATAL;
	}
	free(b.p);
	return out;
}

static enum iso_err request(struct net *n, struct net_server *s, const char *method,
			    const char *path, json_t *body, size_t raw_max, struct net_answer *ret)
{
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	double start = now_ms(), deadline = start + (double)n->cfg.deadline_ms;
	long pause = n->cfg.backoff_ms;
	enum iso_err err = ISO_E_NETWORK;
	bool has_backup = s->backup.url[0] != '\0';
	int slot = has_backup && s->current == 1 ? 1 : 0, tries_here = 0;
	json_decref(body);
	memset(ret, 0, sizeof *ret);
	if (body != NULL && text == NULL)
		return ISO_E_NOMEM;
	while (now_ms() < deadline) {
		const struct net_endpoint *e = slot == 0 ? &s->primary : &s->backup;
		double left = deadline - now_ms();
		long timeout = n->cfg.request_timeout_ms < left ? n->cfg.request_timeout_ms
							       : (long)left + 1;
		enum attempt a;
		ret->attempts++;
		a = attempt(n, slot, e, method, path, text, timeout, raw_max, ret);
		if (a == ANSWERED) {
			s->current = slot;
			ret->by_backup = slot == 1;
			err = ISO_OK;
			break;
		}
		if (a == PIN) {
			err = ISO_E_PIN_MISMATCH;
			break;
		}
		if (a == FATAL) {
			err = ISO_E_SERVER_ANSWER;
			break;
		}
		if (a == IDENTITY) {
			err = ISO_E_CONFIG;
			break;
		}
		/* two tries at an address, then the other one */
		if (++tries_here >= 2 && has_backup) {
			slot = 1 - slot;
			tries_here = 0;
			continue; /* the other address at once */
		}
		if (now_ms() + (double)pause >= deadline)
			break;
		nanosleep(&(struct timespec){pause / 1000, (pause % 1000) * 1000000L}, NULL);
		if (pause < 4000)
			pause *= 2;
	}
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	return err;
}

enum iso_err net_request(struct net *n, struct net_server *s, const char *method,
			 const char *path, json_t *body, struct net_answer *ret)
{
	return request(n, s, method, path, body, 0, ret);
}

enum iso_err net_get_raw(struct net *n, struct net_server *s, const char *path, size_t max,
			 struct net_answer *ret)
{
	return request(n, s, "GET", path, NULL, max, ret);
}

enum iso_err net_refusal(const struct net_answer *a)
{
	enum iso_err e;
	if (a->status >= 200 && a->status < 300)
		return ISO_OK;
	if (iso_err_by_name(json_string_value(json_object_get(a->body, "error")), &e))
		return e;
	return ISO_E_SERVER_ANSWER;
}
