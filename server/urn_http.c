/* The urn's HTTP routes, one handler per listener (kiosks, bureau, public
 * board). Rule: nothing here decides; it reads the request, calls urn.c and
 * writes the answer. The kiosk's name (its certificate) is never passed on:
 * the urn does not record which kiosk sent a ballot (R-C19-LINK). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "jsondoc.h"
#include "urn.h"

static void reply_err(struct https_response *resp, enum iso_err err, const struct iso_where *w)
{
	json_t *extra = NULL;
	if (w != NULL && (w->question >= 0 || w->choice >= 0)) {
		char fr[256], en[256];
		iso_where_format(w, err, ISO_LANG_FR, fr, sizeof fr);
		iso_where_format(w, err, ISO_LANG_EN, en, sizeof en);
		extra = json_pack("{s:s, s:s}", "fr", fr, "en", en);
	}
	https_reply_error(resp, https_status_for(err), err, extra);
}

static void reply_status(struct urn *u, struct https_response *resp, bool bureau)
{
	struct urn_state st;
	enum iso_err err = urn_state(u, &st);
	json_t *o;
	if (err != ISO_OK) {
		reply_err(resp, err, NULL);
		return;
	}
	o = json_pack("{s:s, s:s}", "poll", urn_poll(u), "phase", urn_phase_name(st.phase));
	/* the count of ballots is the bureau's only (R-D11-NOPARTIAL) */
	if (o != NULL && bureau)
		json_object_update_new(o, json_pack("{s:I, s:I, s:I, s:I}", "ballots",
						    (json_int_t)st.nballots, "opened_at",
						    (json_int_t)st.opened_at, "closed_at",
						    (json_int_t)st.closed_at, "finished_at",
						    (json_int_t)st.finished_at));
	https_reply_json(resp, 200, o);
}

/* ---- kiosks ---- */

static void post_ballot(struct urn *u, const struct https_request *req,
			struct https_response *resp)
{
	json_t *body = NULL, *ticket, *receipt;
	const char *ballot;
	char *tdoc = NULL, *rdoc = NULL;
	struct iso_where where;
	enum iso_err err;

	iso_where_clear(&where);
	if ((err = https_body_object(req, &body)) != ISO_OK)
		goto fail;
	ballot = json_string_value(json_object_get(body, "ballot"));
	ticket = json_object_get(body, "ticket");
	if (json_object_size(body) != 2 || ballot == NULL || !json_is_object(ticket)) {
		err = ISO_E_SHAPE;
		goto fail;
	}
	/* the ticket's payload is signed in its canonical form */
	tdoc = json_dumps(ticket, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (tdoc == NULL) {
		err = ISO_E_NOMEM;
		goto fail;
	}
	err = urn_submit(u, ballot, json_string_length(json_object_get(body, "ballot")), tdoc,
			 strlen(tdoc), &rdoc, &where);
	if (err != ISO_OK)
		goto fail;
	receipt = json_loads(rdoc, 0, NULL);
	https_reply_json(resp, 200, json_pack("{s:o}", "receipt", receipt));
	goto out;
fail:
	reply_err(resp, err, &where);
out:
	free(tdoc);
	free(rdoc);
	json_decref(body);
}

void urn_handle_kiosk(void *arg, const struct https_request *req, struct https_response *resp)
{
	static const char *const paths[] = {"/ballot", "/status", NULL};
	struct urn *u = arg;
	if (https_is(req, "POST", "/ballot"))
		post_ballot(u, req, resp);
	else if (https_is(req, "GET", "/status"))
		reply_status(u, resp, false);
	else
		https_reply_unrouted(req, resp, paths);
}

/* ---- shared by the bureau and the public ---- */

static enum iso_err seal_add(void *arg, const char *name, const char *doc)
{
	json_t *a = arg, *d = json_loads(doc, 0, NULL);
	(void)name;
	if (d == NULL)
		return ISO_E_STORAGE;
	return json_array_append_new(a, d) == 0 ? ISO_OK : ISO_E_NOMEM;
}

static void get_seals(struct urn *u, struct https_response *resp)
{
	json_t *a = json_array();
	enum iso_err err;
	if (a == NULL) {
		reply_err(resp, ISO_E_NOMEM, NULL);
		return;
	}
	err = urn_store_of(u)->ops->each_seal(urn_store_of(u), seal_add, a);
	if (err != ISO_OK) {
		json_decref(a);
		reply_err(resp, err, NULL);
		return;
	}
	https_reply_json(resp, 200, json_pack("{s:s, s:o}", "poll", urn_poll(u), "seals", a));
}

static void reply_archive(struct urn *u, struct https_response *resp, const char *path)
{
	char *data;
	size_t len;
	enum iso_err err = iso_file_read(path, SIZE_MAX, &data, &len);
	if (err != ISO_OK) {
		reply_err(resp, err, NULL);
		return;
	}
	https_reply_bytes(resp, 200, "application/x-tar", data, len);
	free(data);
	snprintf(resp->content_disposition, sizeof resp->content_disposition,
		 "attachment; filename=\"%s.bel\"", urn_poll(u));
}

/* ---- the bureau ---- */

static const struct {
	const char *path;
	enum urn_action action;
} controls[] = {
	{"/open", URN_DO_OPEN},	    {"/suspend", URN_DO_SUSPEND}, {"/resume", URN_DO_RESUME},
	{"/close", URN_DO_CLOSE}, {"/stop", URN_DO_STOP},
};

static void get_journal(struct urn *u, struct https_response *resp)
{
	int64_t count = 0, bad = 0;
	char head[JOURNAL_HASH_LEN + 1];
	enum iso_err err = urn_store_of(u)->ops->verify_journal(urn_store_of(u), &count, &bad,
								  head);
	if (err == ISO_E_JOURNAL_BROKEN) {
		https_reply_error(resp, 500, err, json_pack("{s:I}", "entry", (json_int_t)bad));
		return;
	}
	if (err != ISO_OK) {
		reply_err(resp, err, NULL);
		return;
	}
	https_reply_json(resp, 200, json_pack("{s:I, s:s}", "entries", (json_int_t)count, "head",
					      head));
}

/* The archive as it stands, written to a temporary file of the publish
 * directory. */
static void get_bureau_archive(struct urn *u, struct https_response *resp)
{
	char path[4096];
	const char *dir = urn_publish_dir(u);
	int fd;
	enum iso_err err;
	snprintf(path, sizeof path, "%s/.export-XXXXXX", dir != NULL ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		reply_err(resp, ISO_E_IO, NULL);
		return;
	}
	close(fd);
	err = urn_export_archive(u, path);
	if (err == ISO_OK)
		reply_archive(u, resp, path);
	else
		reply_err(resp, err, NULL);
	unlink(path);
}

void urn_handle_bureau(void *arg, const struct https_request *req, struct https_response *resp)
{
	static const char *const paths[] = {"/state",  "/journal", "/seals",  "/archive.bel", "/metrics",
					    "/open",   "/suspend", "/resume", "/close",
					    "/stop",   NULL};
	struct urn *u = arg;
	char actor[160];
	if (https_is(req, "GET", "/state")) {
		reply_status(u, resp, true);
		return;
	}
	if (https_is(req, "GET", "/journal")) {
		get_journal(u, resp);
		return;
	}
	if (https_is(req, "GET", "/metrics")) {
		json_t *m = NULL;
		enum iso_err err = urn_metrics(u, &m);
		if (err != ISO_OK)
			reply_err(resp, err, NULL);
		else
			https_reply_json(resp, 200, m);
		return;
	}
	if (https_is(req, "GET", "/seals")) {
		get_seals(u, resp);
		return;
	}
	if (https_is(req, "GET", "/archive.bel")) {
		get_bureau_archive(u, resp);
		return;
	}
	snprintf(actor, sizeof actor, "bureau:%s", req->client);
	for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
		if (https_is(req, "POST", controls[i].path)) {
			enum iso_err err = urn_control(u, controls[i].action, actor);
			if (err != ISO_OK)
				reply_err(resp, err, NULL);
			else
				reply_status(u, resp, true);
			return;
		}
	https_reply_unrouted(req, resp, paths);
}

/* ---- the public board ---- */

void urn_handle_public(void *arg, const struct https_request *req, struct https_response *resp)
{
	static const char *const paths[] = {"/status", "/seals", "/trackers", "/archive.bel", NULL};
	static const char board[] = "/board/";
	struct urn *u = arg;
	struct urn_state st;
	enum iso_err err;

	if (strncmp(req->path, board, sizeof board - 1) == 0 && strcmp(req->method, "GET") == 0) {
		const char *t = req->path + sizeof board - 1;
		bool present = false;
		if ((err = urn_board_has(u, t, &present)) != ISO_OK) {
			reply_err(resp, err, NULL);
			return;
		}
		https_reply_json(resp, 200,
				 json_pack("{s:s, s:b}", "tracker", t, "present", present));
		return;
	}
	if (https_is(req, "GET", "/status")) {
		reply_status(u, resp, false);
		return;
	}
	if (https_is(req, "GET", "/seals")) {
		get_seals(u, resp);
		return;
	}
	if (https_is(req, "GET", "/trackers") || https_is(req, "GET", "/archive.bel")) {
		/* the whole board, only once the vote is over */
		if ((err = urn_state(u, &st)) != ISO_OK || st.phase != URN_FINISHED) {
			reply_err(resp, err != ISO_OK ? err : ISO_E_NOT_PUBLISHED, NULL);
			return;
		}
		if (strcmp(req->path, "/trackers") == 0) {
			json_t *a = NULL;
			if ((err = urn_trackers(u, &a)) != ISO_OK)
				reply_err(resp, err, NULL);
			else
				https_reply_json(resp, 200,
						 json_pack("{s:s, s:o}", "poll", urn_poll(u),
							   "trackers", a));
			return;
		}
		{
			char path[4096];
			if ((err = urn_tick(u)) != ISO_OK) { /* publishes if not yet done */
				reply_err(resp, err, NULL);
				return;
			}
			snprintf(path, sizeof path, "%s/%s.bel",
				 urn_publish_dir(u) != NULL ? urn_publish_dir(u) : ".", urn_poll(u));
			reply_archive(u, resp, path);
		}
		return;
	}
	https_reply_unrouted(req, resp, paths);
}
