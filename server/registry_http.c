/* The registry's HTTP routes, one handler per listener (kiosks, bureau).
 * Rule: nothing here decides; it checks the request's shape (exact fields,
 * types, bounded valid UTF-8), calls registry.c and writes the answer. A
 * ticket or a receipt passes through, never into a log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "registry.h"

#define VERIFIER_MAX 64

static void reply_err(struct https_response *resp, enum iso_err err, int64_t retry_after)
{
	json_t *extra = NULL;
	if (err == ISO_E_LOCKED_OUT)
		extra = json_pack("{s:I}", "retry_after", (json_int_t)retry_after);
	https_reply_error(resp, https_status_for(err), err, extra);
}

/* The body: an object with exactly these string fields (and, for
 * object_field, one object field), each string bounded and valid UTF-8. */
struct field_spec {
	const char *name;
	size_t max; /* bytes; 0: an object */
};

static enum iso_err body_read(const struct https_request *req, const struct field_spec *spec,
			      size_t n, json_t **ret_body, json_t **out)
{
	json_t *body = NULL;
	enum iso_err err = https_body_object(req, &body);
	if (err != ISO_OK)
		return err;
	if (json_object_size(body) != n)
		goto shape;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(body, spec[i].name);
		if (spec[i].max == 0) {
			if (!json_is_object(v))
				goto shape;
		} else {
			const char *s = json_string_value(v);
			if (s == NULL || strlen(s) != json_string_length(v) ||
			    !registry_text_ok(s, spec[i].max))
				goto shape;
		}
		out[i] = v;
	}
	*ret_body = body;
	return ISO_OK;
shape:
	json_decref(body);
	return ISO_E_SHAPE;
}

/* ---- kiosks ---- */

static void post_login(struct registry *r, const struct https_request *req,
		       struct https_response *resp)
{
	static const struct field_spec spec[] = {
		{"identifier", REGISTRY_IDENTIFIER_MAX},
		{"verifier", VERIFIER_MAX},
		{"answer", REGISTRY_ANSWER_MAX},
	};
	struct registry_login l = {0};
	json_t *body = NULL, *f[3], *polls = NULL, *o;
	int64_t retry = 0;
	enum iso_err err = body_read(req, spec, 3, &body, f);
	if (err == ISO_OK)
		err = registry_login(r, json_string_value(f[0]), json_string_value(f[1]),
				     json_string_value(f[2]), req->client, &l, &retry);
	json_decref(body); /* jansson's allocator wipes the password's copy */
	if (err != ISO_OK) {
		reply_err(resp, err, retry);
		return;
	}
	polls = json_array();
	for (size_t i = 0; polls != NULL && i < l.npolls; i++)
		if (json_array_append_new(polls,
					  json_pack("{s:s, s:s, s:s}", "poll", l.polls[i].poll, "name",
						    l.polls[i].name, "state",
						    emargement_state_name(l.polls[i].state))) != 0) {
			json_decref(polls);
			polls = NULL;
		}
	o = polls == NULL ? NULL
			  : json_pack("{s:s, s:I, s:s, s:o}", "session", l.session, "expires",
				      (json_int_t)l.expires, "name", l.name, "polls", polls);
	registry_login_clear(&l);
	if (o == NULL)
		reply_err(resp, ISO_E_NOMEM, 0);
	else
		https_reply_json(resp, 200, o);
}

static void post_validate(struct registry *r, const struct https_request *req,
			  struct https_response *resp)
{
	static const struct field_spec spec[] = {
		{"session", REGISTRY_TOKEN_LEN},
		{"verifier", VERIFIER_MAX},
		{"poll", REGISTRY_POLL_MAX},
	};
	json_t *body = NULL, *f[3], *ticket;
	char *doc = NULL;
	int64_t retry = 0;
	enum iso_err err = body_read(req, spec, 3, &body, f);
	if (err == ISO_OK)
		err = registry_validate(r, json_string_value(f[0]), json_string_value(f[1]),
					json_string_value(f[2]), req->client, &doc, &retry);
	json_decref(body);
	if (err != ISO_OK) {
		reply_err(resp, err, retry);
		return;
	}
	ticket = json_loads(doc, 0, NULL);
	OPENSSL_cleanse(doc, strlen(doc));
	free(doc);
	if (ticket == NULL)
		reply_err(resp, ISO_E_NOMEM, 0);
	else
		https_reply_json(resp, 200, json_pack("{s:o}", "ticket", ticket));
}

static void post_confirm(struct registry *r, const struct https_request *req,
			 struct https_response *resp)
{
	static const struct field_spec spec[] = {
		{"session", REGISTRY_TOKEN_LEN},
		{"poll", REGISTRY_POLL_MAX},
		{"receipt", 0},
	};
	json_t *body = NULL, *f[3];
	char *doc = NULL, *poll = NULL;
	enum iso_err err = body_read(req, spec, 3, &body, f);
	if (err == ISO_OK) {
		/* the receipt's payload is signed in its canonical form */
		doc = json_dumps(f[2], JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		poll = strdup(json_string_value(f[1]));
		err = doc == NULL || poll == NULL
			      ? ISO_E_NOMEM
			      : registry_confirm(r, json_string_value(f[0]), poll, doc, strlen(doc),
						 req->client);
	}
	json_decref(body);
	free(doc);
	if (err != ISO_OK)
		reply_err(resp, err, 0);
	else
		https_reply_json(resp, 200, json_pack("{s:s, s:s}", "poll", poll, "state",
						      emargement_state_name(EMARGEMENT_VOTED)));
	free(poll);
}

static void post_logout(struct registry *r, const struct https_request *req,
			struct https_response *resp)
{
	static const struct field_spec spec[] = {{"session", REGISTRY_TOKEN_LEN}};
	json_t *body = NULL, *f[1];
	enum iso_err err = body_read(req, spec, 1, &body, f);
	if (err == ISO_OK)
		err = registry_logout(r, json_string_value(f[0]), req->client);
	json_decref(body);
	if (err != ISO_OK)
		reply_err(resp, err, 0);
	else
		https_reply_json(resp, 200, json_pack("{s:s}", "session", "closed"));
}

static void get_status(struct registry *r, struct https_response *resp)
{
	enum registry_phase ph;
	enum iso_err err = registry_phase(r, &ph);
	if (err != ISO_OK)
		reply_err(resp, err, 0);
	else
		https_reply_json(resp, 200, json_pack("{s:s, s:I}", "phase", registry_phase_name(ph),
						      "time", (json_int_t)registry_now(r)));
}

/* A kiosk's maintenance event: {"event","outcome","time","detail"}, its
 * compact JSON journaled as it came (fields checked, nothing else). */
static void post_maintenance(struct registry *r, const struct https_request *req,
			     struct https_response *resp)
{
	static const struct field_spec spec[] = {
		{"event", 64}, {"outcome", 16}, {"time", 32}, {"detail", 400}};
	json_t *body = NULL, *f[4];
	char *detail = NULL;
	enum iso_err err = body_read(req, spec, 4, &body, f);
	if (err == ISO_OK) {
		detail = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
		err = detail != NULL ? registry_maintenance(r, req->client, detail) : ISO_E_NOMEM;
	}
	free(detail);
	json_decref(body);
	if (err != ISO_OK)
		reply_err(resp, err, 0);
	else
		https_reply_json(resp, 200, json_pack("{s:s}", "maintenance", "journaled"));
}

void registry_handle_kiosk(void *arg, const struct https_request *req,
			   struct https_response *resp)
{
	static const char *const paths[] = {"/login",  "/validate", "/confirm", "/logout",
					    "/status", "/maintenance", NULL};
	struct registry *r = arg;
	if (!registry_text_ok(req->client, REGISTRY_KIOSK_MAX)) {
		https_reply_error(resp, 403, ISO_E_CLIENT_CERT, NULL);
		return;
	}
	if (https_is(req, "POST", "/login"))
		post_login(r, req, resp);
	else if (https_is(req, "POST", "/validate"))
		post_validate(r, req, resp);
	else if (https_is(req, "POST", "/confirm"))
		post_confirm(r, req, resp);
	else if (https_is(req, "POST", "/logout"))
		post_logout(r, req, resp);
	else if (https_is(req, "GET", "/status"))
		get_status(r, resp);
	else if (https_is(req, "POST", "/maintenance"))
		post_maintenance(r, req, resp);
	else
		https_reply_unrouted(req, resp, paths);
}

/* ---- the bureau ---- */

static void reply_json_of(struct https_response *resp, enum iso_err err, json_t *o)
{
	if (err != ISO_OK)
		reply_err(resp, err, 0);
	else
		https_reply_json(resp, 200, o);
}

static void get_journal(struct registry *r, struct https_response *resp)
{
	struct registry_store *s = registry_store_of(r);
	int64_t count = 0, bad = 0;
	char head[JOURNAL_HASH_LEN + 1];
	enum iso_err err = s->ops->verify_journal(s, &count, &bad, head);
	if (err == ISO_E_JOURNAL_BROKEN) {
		https_reply_error(resp, 500, err, json_pack("{s:I}", "entry", (json_int_t)bad));
		return;
	}
	if (err != ISO_OK) {
		reply_err(resp, err, 0);
		return;
	}
	https_reply_json(resp, 200,
			 json_pack("{s:I, s:s}", "entries", (json_int_t)count, "head", head));
}

static void get_csv(struct registry *r, struct https_response *resp)
{
	char *csv = NULL;
	size_t len = 0;
	enum iso_err err = registry_emargement_csv(r, &csv, &len);
	if (err != ISO_OK) {
		reply_err(resp, err, 0);
		return;
	}
	https_reply_bytes(resp, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	snprintf(resp->content_disposition, sizeof resp->content_disposition,
		 "attachment; filename=\"emargement.csv\"");
}

static const struct {
	const char *path;
	enum registry_action action;
} controls[] = {
	{"/suspend", REGISTRY_DO_SUSPEND},
	{"/resume", REGISTRY_DO_RESUME},
	{"/stop", REGISTRY_DO_STOP},
};

void registry_handle_bureau(void *arg, const struct https_request *req,
			    struct https_response *resp)
{
	static const char *const paths[] = {"/counts", "/emargement.csv", "/pending", "/journal",
					    "/seals",  "/metrics",	  "/suspend", "/resume",
					    "/stop",   "/interventions",  NULL};
	struct registry *r = arg;
	json_t *o = NULL;
	char actor[REGISTRY_KIOSK_MAX + 16];
	enum iso_err err;
	if (https_is(req, "GET", "/counts")) {
		err = registry_counts(r, &o);
		reply_json_of(resp, err, o);
		return;
	}
	if (https_is(req, "GET", "/emargement.csv")) {
		get_csv(r, resp);
		return;
	}
	if (https_is(req, "GET", "/pending")) {
		err = registry_pending(r, &o);
		reply_json_of(resp, err, o);
		return;
	}
	if (https_is(req, "GET", "/journal")) {
		get_journal(r, resp);
		return;
	}
	if (https_is(req, "GET", "/interventions")) {
		err = registry_interventions(r, &o);
		reply_json_of(resp, err, o);
		return;
	}
	if (https_is(req, "GET", "/seals")) {
		err = registry_seals(r, &o);
		reply_json_of(resp, err, o);
		return;
	}
	if (https_is(req, "GET", "/metrics")) {
		err = registry_metrics(r, &o);
		reply_json_of(resp, err, o);
		return;
	}
	snprintf(actor, sizeof actor, "bureau:%s", req->client);
	for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
		if (https_is(req, "POST", controls[i].path)) {
			if ((err = registry_control(r, controls[i].action, actor)) == ISO_OK)
				err = registry_counts(r, &o);
			reply_json_of(resp, err, o);
			return;
		}
	https_reply_unrouted(req, resp, paths);
}
