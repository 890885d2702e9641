/* The HTTPS front of the servers on libmicrohttpd (see https.h).
 * Rule: no handler runs for a request that has not been checked first —
 * client certificate (verified against the listener's CA, for TLS client
 * use), method, body size — and every refusal is a JSON error.
 * One thread per connection: a handler may spend milliseconds verifying a
 * ballot or an Argon2id hash without holding up other connections. */
#include "https.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* TLS 1.3 only (ARCHITECTURE.md, wire protocol), GnuTLS' normal suites */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

#define MAX_CLIENT_NAME 128

struct https_server {
	struct MHD_Daemon *daemon;
	https_handler_fn fn;
	void *arg;
	bool want_client;
	size_t max_body;
	char *cert, *key, *ca; /* PEM, kept while the daemon runs */
};

/* One request being received. */
struct request_ctx {
	char *body;
	size_t len, cap;
	bool too_large;
	enum iso_err refused; /* the client certificate check, done once */
	char client[MAX_CLIENT_NAME];
};

/* ---- responses ---- */

static void reply_set(struct https_response *r, unsigned status, const char *type, char *body,
		      size_t len)
{
	free(r->body);
	r->status = status;
	r->content_type = type;
	r->body = body;
	r->len = len;
}

void https_reply_json(struct https_response *r, unsigned status, json_t *obj)
{
	char *s = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(obj);
	if (s == NULL) {
		/* out of memory: a fixed body that needs no allocation to send */
		reply_set(r, 500, NULL, NULL, 0);
		return;
	}
	reply_set(r, status, NULL, s, strlen(s));
}

void https_reply_error(struct https_response *r, unsigned status, enum iso_err err,
		       json_t *extra)
{
	json_t *o = json_pack("{s:s, s:i, s:s, s:s}", "error", iso_errname(err), "code", (int)err,
			      "fr", iso_strerror(err, ISO_LANG_FR), "en",
			      iso_strerror(err, ISO_LANG_EN));
	if (o != NULL && extra != NULL)
		json_object_update(o, extra);
	json_decref(extra);
	https_reply_json(r, status, o);
}

void https_reply_bytes(struct https_response *r, unsigned status, const char *content_type,
		       const char *data, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		https_reply_error(r, 500, ISO_E_NOMEM, NULL);
		return;
	}
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	reply_set(r, status, content_type, copy, len);
}

unsigned https_status_for(enum iso_err err)
{
	switch (err) {
	case ISO_OK:
		return 200;
	case ISO_E_LOGIN_FAILED:
	case ISO_E_SESSION:
		return 401;
	case ISO_E_CLIENT_CERT:
	case ISO_E_FORBIDDEN:
	case ISO_E_NOT_VOTER:
		return 403;
	case ISO_E_NOT_FOUND:
		return 404;
	case ISO_E_METHOD:
		return 405;
	case ISO_E_CREDENTIAL_USED:
	case ISO_E_TICKET_USED:
	case ISO_E_ALREADY_VOTED:
	case ISO_E_URN_STATE:
		return 409;
	case ISO_E_TOO_LARGE:
		return 413;
	case ISO_E_NOT_PUBLISHED:
	case ISO_E_NOT_STARTED:
	case ISO_E_VOTING_CLOSED:
	case ISO_E_URN_NOT_OPEN:
		return 403;
	case ISO_E_LOCKED_OUT:
		return 429;
	case ISO_E_URN_SUSPENDED:
		return 503;
	case ISO_E_NOMEM:
	case ISO_E_IO:
	case ISO_E_CRYPTO_LIB:
	case ISO_E_RANDOM:
	case ISO_E_STORAGE:
	case ISO_E_JOURNAL_BROKEN:
		return 500;
	default:
		/* every other code says what is wrong with the request */
		return 400;
	}
}

enum iso_err https_body_object(const struct https_request *req, json_t **ret)
{
	json_error_t jerr;
	json_t *o;
	if (req->body == NULL)
		return ISO_E_JSON;
	o = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL)
		return ISO_E_JSON;
	if (!json_is_object(o)) {
		json_decref(o);
		return ISO_E_SHAPE;
	}
	*ret = o;
	return ISO_OK;
}

/* ---- the client certificate ---- */

/* The peer's certificate chain verified against the listener's CA, for TLS
 * client use; its subject's common name in ret_name. */
static enum iso_err client_check(struct MHD_Connection *conn, char ret_name[MAX_CLIENT_NAME])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t session;
	gnutls_typed_vdata_st purpose = {GNUTLS_DT_KEY_PURPOSE_OID,
					 (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0};
	const gnutls_datum_t *chain;
	unsigned int nchain = 0, status = 0;
	gnutls_x509_crt_t crt;
	char name[MAX_CLIENT_NAME];
	size_t nlen = sizeof name;
	int rc;

	if (ci == NULL || ci->tls_session == NULL)
		return ISO_E_CLIENT_CERT;
	session = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_type_get(session) != GNUTLS_CRT_X509)
		return ISO_E_CLIENT_CERT;
	chain = gnutls_certificate_get_peers(session, &nchain);
	if (chain == NULL || nchain == 0)
		return ISO_E_CLIENT_CERT;
	if (gnutls_certificate_verify_peers(session, &purpose, 1, &status) < 0 || status != 0)
		return ISO_E_CLIENT_CERT;
	if (gnutls_x509_crt_init(&crt) < 0)
		return ISO_E_NOMEM;
	rc = gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, name,
						   &nlen);
	gnutls_x509_crt_deinit(crt);
	/* a name we can write in a journal: printable ASCII, not empty */
	if (rc < 0 || nlen == 0 || nlen >= MAX_CLIENT_NAME)
		return ISO_E_CLIENT_CERT;
	for (size_t i = 0; i < nlen; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return ISO_E_CLIENT_CERT;
	memcpy(ret_name, name, nlen);
	ret_name[nlen] = '\0';
	return ISO_OK;
}

/* ---- the request cycle ---- */

static enum iso_lang request_lang(struct MHD_Connection *conn)
{
	const char *al = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	return al != NULL && (al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N')
		       ? ISO_LANG_EN
		       : ISO_LANG_FR;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct https_response *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	static const char fallback[] = "{\"error\":\"no-memory\",\"code\":1}";
	if (r->body != NULL) {
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		if (resp != NULL)
			r->body = NULL; /* MHD frees it */
	} else {
		resp = MHD_create_response_from_buffer(sizeof fallback - 1, (void *)fallback,
						       MHD_RESPMEM_PERSISTENT);
		r->status = 500;
	}
	free(r->body);
	r->body = NULL;
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type != NULL ? r->content_type
							: "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->content_disposition[0] != '\0')
		MHD_add_response_header(resp, "Content-Disposition", r->content_disposition);
	ok = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, enum iso_err err)
{
	struct https_response r = {0};
	https_reply_error(&r, status, err, NULL);
	return send_response(conn, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct https_server *s = cls;
	struct request_ctx *rq = *con_cls;
	(void)version;

	if (rq == NULL) {
		/* first call: headers only; check before reading any body */
		const char *cl;
		rq = calloc(1, sizeof *rq);
		if (rq == NULL)
			return MHD_NO;
		*con_cls = rq;
		if (s->want_client)
			rq->refused = client_check(conn, rq->client);
		if (rq->refused == ISO_OK &&
		    (cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH)) != NULL) {
			char *end;
			unsigned long long n;
			errno = 0;
			n = strtoull(cl, &end, 10);
			if (errno != 0 || end == cl || *end != '\0' || n > s->max_body)
				rq->refused = ISO_E_TOO_LARGE;
		}
		/* refuse now, without reading the body (the connection closes) */
		if (rq->refused != ISO_OK)
			return send_error(conn, https_status_for(rq->refused), rq->refused);
		return MHD_YES;
	}
	if (*upload_size != 0) {
		size_t n = *upload_size;
		if (!rq->too_large && rq->len + n > s->max_body)
			rq->too_large = true;
		if (!rq->too_large) {
			if (rq->len + n + 1 > rq->cap) {
				size_t cap = rq->cap ? rq->cap : 4096;
				char *nb;
				while (cap < rq->len + n + 1)
					cap *= 2;
				if (cap > s->max_body + 1)
					cap = s->max_body + 1;
				nb = realloc(rq->body, cap);
				if (nb == NULL)
					return MHD_NO;
				rq->body = nb;
				rq->cap = cap;
			}
			memcpy(rq->body + rq->len, upload_data, n);
			rq->len += n;
			rq->body[rq->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return send_error(conn, 413, ISO_E_TOO_LARGE);
	{
		struct https_request req = {
			method, url, rq->body, rq->len, rq->client, request_lang(conn),
		};
		struct https_response r = {0};
		r.status = 500;
		s->fn(s->arg, &req, &r);
		if (r.body == NULL && r.status != 500)
			https_reply_error(&r, 500, ISO_E_NOMEM, NULL);
		return send_response(conn, &r);
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request_ctx *rq = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (rq != NULL) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* MHD's own messages (a refused handshake, a timeout) go to stderr */
static void on_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void on_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("isoloir-https: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- starting and stopping ---- */

static enum iso_err read_pem(const char *path, char **ret)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	if (f == NULL)
		return ISO_E_CONFIG;
	do {
		if (cap - len < 4096) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 20) || (nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(f);
				return ISO_E_CONFIG;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f) || len == 0) {
		free(buf);
		fclose(f);
		return ISO_E_CONFIG;
	}
	fclose(f);
	buf[len] = '\0';
	*ret = buf;
	return ISO_OK;
}

static void server_free(struct https_server *s)
{
	if (s == NULL)
		return;
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	if (s->key != NULL)
		OPENSSL_cleanse(s->key, strlen(s->key));
	free(s->cert);
	free(s->key);
	free(s->ca);
	free(s);
}

enum iso_err https_start(const struct https_config *cfg, https_handler_fn fn, void *arg,
			 struct https_server **ret)
{
	struct https_server *s = calloc(1, sizeof *s);
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_TLS | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	enum iso_err err;

	if (s == NULL)
		return ISO_E_NOMEM;
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, cfg->address, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
		sa->sin_family = AF_INET;
		sa->sin_port = htons(cfg->port);
	} else if (inet_pton(AF_INET6, cfg->address, &((struct sockaddr_in6 *)&ss)->sin6_addr) ==
		   1) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons(cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return ISO_E_CONFIG;
	}
	s->fn = fn;
	s->arg = arg;
	s->max_body = cfg->max_body;
	s->want_client = cfg->client_ca_path != NULL;
	if ((err = read_pem(cfg->cert_path, &s->cert)) != ISO_OK ||
	    (err = read_pem(cfg->key_path, &s->key)) != ISO_OK ||
	    (s->want_client && (err = read_pem(cfg->client_ca_path, &s->ca)) != ISO_OK)) {
		server_free(s);
		return err;
	}
	{
		struct MHD_OptionItem opts[] = {
			{MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert},
			{MHD_OPTION_HTTPS_MEM_KEY, 0, s->key},
			{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)tls_priorities},
			{MHD_OPTION_SOCK_ADDR, 0, &ss},
			{MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 30, NULL},
			{MHD_OPTION_CONNECTION_LIMIT,
			 cfg->max_connections ? cfg->max_connections : 256, NULL},
			/* the client CA last, only when the listener asks for one */
			{s->want_client ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, s->ca},
			{MHD_OPTION_END, 0, NULL},
		};
		s->daemon = MHD_start_daemon(flags, cfg->port, NULL, NULL, on_request, s,
					     MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
					     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
					     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	}
	if (s->daemon == NULL) {
		server_free(s);
		return ISO_E_IO;
	}
	*ret = s;
	return ISO_OK;
}

unsigned short https_port(const struct https_server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return di != NULL ? di->port : 0;
}

void https_stop(struct https_server *s)
{
	server_free(s);
}

bool https_is(const struct https_request *req, const char *method, const char *path)
{
	return strcmp(req->path, path) == 0 && strcmp(req->method, method) == 0;
}

void https_reply_unrouted(const struct https_request *req, struct https_response *resp,
			  const char *const *paths)
{
	for (size_t i = 0; paths[i] != NULL; i++)
		if (strcmp(req->path, paths[i]) == 0) {
			https_reply_error(resp, 405, ISO_E_METHOD, NULL);
			return;
		}
	https_reply_error(resp, 404, ISO_E_NOT_FOUND, NULL);
}
