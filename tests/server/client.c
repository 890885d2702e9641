/* What the servers' HTTPS tests share (client.h). */
#include "client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

const char *fx;

static int64_t fake_now;
int64_t fake_clock(void *arg)
{
	(void)arg;
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}
void set_now(int64_t t)
{
	__atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
}

/* ---- files ---- */

char *path_of(const char *fmt, ...)
{
	static char buf[8][1024];
	static int i;
	va_list ap;
	char *p = buf[i++ % 8];
	va_start(ap, fmt);
	vsnprintf(p, 1024, fmt, ap);
	va_end(ap);
	return p;
}

char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n = 0;
	if (f == NULL || buf == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if (ret_len != NULL)
		*ret_len = n;
	return buf;
}

/* the n-th private credential of poll p ("a" or "b") */
void credential(const char *p, int n, char out[ISO_CREDENTIAL_LEN + 1])
{
	char *all = slurp(path_of("%s/poll-%s/private_creds.txt", fx, p), NULL), *line = all;
	for (int i = 0; i < n; i++)
		line = strchr(line, '\n') + 1;
	memcpy(out, strchr(line, ' ') + 1, ISO_CREDENTIAL_LEN);
	out[ISO_CREDENTIAL_LEN] = '\0';
	free(all);
}

/* ---- requests ---- */

/* who: "kiosk", "bureau", "rogue", "kiosk-noclient" or NULL (no certificate).
 * Returns the HTTP status, or -1 when no answer came; *ret_body (may be
 * NULL) gets the body. */
long http(const char *method, unsigned short port, const char *path, const char *body,
		 size_t blen, const char *who, char **ret_body)
{
	CURL *h = curl_easy_init();
	struct net_sink b = {NULL, 0, 0, false};
	long status = -1;
	char url[256];
	snprintf(url, sizeof url, "https://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, path_of("%s/server-ca.pem", fx));
	curl_easy_setopt(h, CURLOPT_SSLVERSION,
			 (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3));
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, net_sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (who != NULL) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, path_of("%s/%s.pem", fx, who));
		curl_easy_setopt(h, CURLOPT_SSLKEY, path_of("%s/%s.key", fx, who));
	}
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body != NULL ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(body != NULL ? blen : 0));
	}
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (ret_body != NULL)
		*ret_body = b.p != NULL ? b.p : strdup("");
	else
		free(b.p);
	return status;
}

/* the "error" name of a JSON error body */
int error_is(const char *body, const char *name)
{
	json_t *o = json_loads(body, 0, NULL);
	const char *e = json_string_value(json_object_get(o, "error"));
	int ok = e != NULL && strcmp(e, name) == 0 &&
		 json_string_value(json_object_get(o, "fr")) != NULL &&
		 json_string_value(json_object_get(o, "en")) != NULL;
	if (!ok)
		fprintf(stderr, "expected error %s, got %s\n", name, body);
	json_decref(o);
	return ok;
}


char *last_body;

long req(const char *method, unsigned short port, const char *path, const char *body,
		const char *who)
{
	free(last_body);
	last_body = NULL;
	return http(method, port, path, body, body != NULL ? strlen(body) : 0, who, &last_body);
}

char *ballot(struct iso_election *e, const char *poll, int cred_index, int choice,
		    size_t *ret_len)
{
	char cred[ISO_CREDENTIAL_LEN + 1];
	int v[4] = {0, 0, 0, 0};
	struct iso_plaintext pt = {4, v};
	char *b = NULL;
	v[choice] = 1;
	credential(poll, cred_index, cred);
	if (iso_ballot_encrypt(e, cred, &pt, 1, &b, ret_len) != ISO_OK)
		exit(2);
	return b;
}

/* the request body of a submission */
char *submission(const char *ballot_json, const char *ticket_doc)
{
	json_t *t = json_loads(ticket_doc, 0, NULL);
	json_t *o = json_pack("{s:s, s:o}", "ballot", ballot_json, "ticket", t);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

struct iso_election *election_of(const char *p)
{
	size_t len;
	char *raw = slurp(path_of("%s/poll-%s/election.json", fx, p), &len);
	struct iso_election *e = NULL;
	if (iso_election_parse(raw, len, &e) != ISO_OK)
		exit(2);
	free(raw);
	return e;
}

unsigned short serve(https_handler_fn handler, void *arg, const char *ca,
		     struct https_server **ret)
{
	char cert[1024], key[1024], cap[1024];
	struct https_config hc = {"127.0.0.1", 0, cert, key, NULL, 64 * 1024, 10, 64};
	snprintf(cert, sizeof cert, "%s/server.pem", fx);
	snprintf(key, sizeof key, "%s/server.key", fx);
	snprintf(cap, sizeof cap, "%s/%s.pem", fx, ca != NULL ? ca : "x");
	hc.client_ca_path = ca != NULL ? cap : NULL;
	*ret = NULL;
	CHECK_ERR(https_start(&hc, handler, arg, ret), ISO_OK);
	return *ret != NULL ? https_port(*ret) : 0;
}
