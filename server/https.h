/* The servers' HTTPS front (libmicrohttpd on GnuTLS): TLS 1.3 only, one
 * listener per audience. A listener with a client CA demands a client
 * certificate issued by it (kiosks: the operation's kiosk CA; the bureau:
 * the bureau's CA); libmicrohttpd only *requests* one, so every request is
 * checked here before any handler runs, and refused with 403 otherwise. A
 * listener without a client CA serves everyone (the public board).
 * Bodies are read up to a limit (413 beyond), connections time out, and
 * every error is JSON: {"error": name, "code": n, "fr": message,
 * "en": message} plus fields the handler adds (e.g. "retry_after"). */
#ifndef ISOLOIR_HTTPS_H
#define ISOLOIR_HTTPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct https_config {
	const char *address;   /* numeric IPv4 or IPv6 address to bind */
	unsigned short port;   /* 0: any free port (see https_port) */
	const char *cert_path; /* the server's certificate chain, PEM */
	const char *key_path;  /* its private key, PEM */
	const char *client_ca_path; /* NULL: no client certificate asked */
	size_t max_body;       /* bytes; larger bodies get 413 */
	unsigned timeout_s;    /* idle connection timeout */
	unsigned max_connections;
};

struct https_request {
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* without the query */
	const char *body;   /* NUL-terminated; NULL when empty */
	size_t len;
	/* the verified client certificate's subject common name ("" when the
	 * listener asks for none) */
	const char *client;
	enum iso_lang lang; /* from Accept-Language, French by default */
};

struct https_response {
	unsigned status;
	const char *content_type; /* static string; JSON when NULL */
	char *body;               /* malloc'd, freed by the server */
	size_t len;
	char content_disposition[128]; /* "" or e.g. attachment; filename="x.csv" */
};

/* A handler fills the response; it is called on a worker thread, possibly
 * many at once. */
typedef void (*https_handler_fn)(void *arg, const struct https_request *req,
				 struct https_response *resp);

struct https_server;

/* Start a listener: ISO_E_IO when the address cannot be bound, ISO_E_CONFIG
 * when the certificate, key or CA cannot be loaded. */
enum iso_err https_start(const struct https_config *cfg, https_handler_fn fn, void *arg,
			 struct https_server **ret);
/* The port actually bound. */
unsigned short https_port(const struct https_server *s);
/* Stop accepting, finish the requests under way, free. */
void https_stop(struct https_server *s);

/* ---- building responses ---- */

/* 200-style JSON: obj is consumed (its reference is stolen). */
void https_reply_json(struct https_response *r, unsigned status, json_t *obj);
/* An error: status, the code's name and both messages; extra (may be NULL,
 * consumed) adds fields such as "retry_after" or "where". */
void https_reply_error(struct https_response *r, unsigned status, enum iso_err err,
		       json_t *extra);
/* Raw bytes of a content type (copied). */
void https_reply_bytes(struct https_response *r, unsigned status, const char *content_type,
		       const char *data, size_t len);

/* ---- routing ---- */

/* Is this request method on path? */
bool https_is(const struct https_request *req, const char *method, const char *path);
/* No route took the request: 405 when its path is one of paths (a
 * NULL-terminated list of the listener's routes) with another method, 404
 * otherwise. */
void https_reply_unrouted(const struct https_request *req, struct https_response *resp,
			  const char *const *paths);

/* The HTTP status for an error code of the protocol (400, 401, 403, 404,
 * 409, 410, 413, 423, 429, 500, 503 ...). */
unsigned https_status_for(enum iso_err err);

/* ---- reading requests ---- */

/* Parse the body as a JSON object: ISO_E_JSON or ISO_E_SHAPE (not an
 * object) otherwise. *ret is a new reference. */
enum iso_err https_body_object(const struct https_request *req, json_t **ret);

#endif
