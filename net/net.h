/* The kiosk's network (ARCHITECTURE.md, wire protocol): HTTPS and JSON to
 * the registry and the urns, TLS 1.3 only, each server's public key pinned
 * (SHA-256 of its SubjectPublicKeyInfo), the kiosk's client certificate, a
 * backup address per server taken over automatically, and retries of the
 * same request (every write of the protocol is idempotent) within a
 * deadline.
 * Rules: a pin mismatch is a security alert: the request stops there, with
 * no retry and no backup, and nothing of it was sent (the pin is checked
 * during the handshake). A request's body may hold a verifier: its text is
 * wiped once sent. Not thread-safe: one caller at a time per struct net. */
#ifndef ISOLOIR_NET_H
#define ISOLOIR_NET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define NET_PIN_LEN 44 /* base64 of a SHA-256 */
#define NET_URL_MAX 512

/* One address of a server and the key it must show. */
struct net_endpoint {
	char url[NET_URL_MAX + 1]; /* "https://host:port", no path; "" when absent */
	char pin[NET_PIN_LEN + 1]; /* base64 SHA-256 of the server's SPKI */
};

/* A server: its address, and a backup one that serves the same data
 * (ARCHITECTURE.md, dispositif de secours). */
struct net_server {
	const char *name; /* for the journal: "registry", "urn <poll>" */
	struct net_endpoint primary, backup;
	int current; /* 0: primary, 1: backup (the last that answered) */
};

struct net_config {
	const char *client_cert, *client_key; /* PEM: the kiosk's identity */
	long connect_timeout_ms;  /* 0: 3000 */
	long request_timeout_ms;  /* one attempt, 0: 15000 */
	long deadline_ms;         /* all attempts of one request, 0: 60000 */
	long backoff_ms;          /* first pause between attempts (doubled), 0: 250 */
};

struct net;

enum iso_err net_new(const struct net_config *cfg, struct net **ret);
void net_free(struct net *n);

/* A curl write function's sink: the body received, NUL-terminated (p is
 * malloc'd, NULL when nothing came). max 0: no bound; beyond max the
 * transfer stops and too_large is set. Also the tests' and benchmarks'
 * clients' sink. */
struct net_sink {
	char *p;
	size_t n, max;
	bool too_large;
};
size_t net_sink_write(char *d, size_t size, size_t nmemb, void *arg);

/* An answer: the HTTP status and its JSON object. */
struct net_answer {
	long status;
	json_t *body;   /* a new reference */
	bool by_backup; /* the backup address answered */
	int attempts;
	char *raw;      /* net_get_raw: the bytes of a 2xx answer (NUL after them) */
	size_t raw_len;
};
void net_answer_clear(struct net_answer *a);

/* A request (method "GET" or "POST"; body NULL for none, consumed) to
 * path on server. An HTTP answer below 500 whose body is a JSON object is
 * ISO_OK (the caller reads "error" for a refusal, see net_refusal). A 5xx,
 * a timeout or a failed connection is tried again, the same bytes, on the
 * same address then the other, until the deadline: ISO_E_NETWORK then.
 * ISO_E_PIN_MISMATCH at once for a key that is not the pinned one;
 * ISO_E_CONFIG at once when the kiosk's certificate or key is unusable.
 * ISO_E_SERVER_ANSWER for an answer that is not a JSON object. */
enum iso_err net_request(struct net *n, struct net_server *s, const char *method,
			 const char *path, json_t *body, struct net_answer *ret);

/* A GET whose 2xx answer is kept as bytes, at most max (an archive: the
 * bureau's download of an urn's archive.bel); an answer that is not 2xx is
 * read as JSON as net_request does. */
enum iso_err net_get_raw(struct net *n, struct net_server *s, const char *path, size_t max,
			 struct net_answer *ret);

/* The protocol's error of a refusal (the answer's "error" name, e.g.
 * "already-voted" → ISO_E_ALREADY_VOTED), ISO_OK for a 2xx. An unknown
 * name is ISO_E_SERVER_ANSWER. */
enum iso_err net_refusal(const struct net_answer *a);

/* The pin of a PEM certificate or public key file (what a kiosk's
 * configuration holds for a server). */
enum iso_err net_pin_of_file(const char *path, char out[NET_PIN_LEN + 1]);

/* An endpoint from its URL and pin (ISO_E_CONFIG when the URL is not
 * https://host[:port] without a path, or the pin is not 44 base64
 * characters). */
enum iso_err net_endpoint_set(struct net_endpoint *e, const char *url, const char *pin);

#endif
