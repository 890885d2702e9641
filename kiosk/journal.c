/* The kiosk's journal (see kiosk_journal.h). */
#include "kiosk_journal.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "timetext.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define LINE_MAX_LEN 2048

struct kiosk_journal {
	int fd;
	char source[128];
	char head[65];
	int64_t seq;
};

static const char *const outcomes[] = {"success", "failure", "na"};

static const struct kiosk_event_info *info_of(int id)
{
	for (size_t i = 0; i < sizeof kiosk_events / sizeof kiosk_events[0]; i++)
		if (kiosk_events[i].id == id)
			return &kiosk_events[i];
	return NULL;
}

const char *kiosk_event_name(enum kiosk_event ev)
{
	const struct kiosk_event_info *e = info_of((int)ev);
	return e != NULL ? e->name : "?";
}

/* The body of entry seq (everything but its hash), compact, keys in order;
 * detail (may be NULL) is already a JSON string literal. */
static int body_of(char *buf, size_t size, int64_t seq, const struct kiosk_event_info *e,
		   const char *time, const char *outcome, const char *source, const char *detail,
		   const char *prev)
{
	return snprintf(buf, size,
			"{\"seq\":%lld,\"id\":%d,\"event\":\"%s\",\"time\":\"%s\",\"outcome\":\"%s\","
			"\"source\":\"%s\",%s%s%s\"prev\":\"%s\"",
			(long long)seq, e->id, e->name, time, outcome, source,
			detail != NULL ? "\"detail\":" : "", detail != NULL ? detail : "",
			detail != NULL ? "," : "", prev);
}

/* A detail as a JSON string literal (malloc'd), or NULL when it is not
 * printable UTF-8 of at most KIOSK_DETAIL_MAX bytes. */
static char *detail_literal(const char *detail)
{
	json_t *v;
	char *lit;
	if (strlen(detail) > KIOSK_DETAIL_MAX)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)detail; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	if ((v = json_string(detail)) == NULL) /* NULL for invalid UTF-8 */
		return NULL;
	lit = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	return lit;
}

/* Walk a journal's lines, checking the chain; fn (may be NULL) sees each. */
static enum iso_err walk(const char *path, int64_t *ret_n, int64_t *ret_bad, char head[65],
			 void (*fn)(void *arg, json_t *line), void *arg)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN + 2], prev[65] = GENESIS;
	int64_t n = 0;
	if (f == NULL)
		return ISO_E_IO;
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, NULL);
		const struct kiosk_event_info *e =
			info_of((int)json_integer_value(json_object_get(o, "id")));
		const char *t = json_string_value(json_object_get(o, "time")),
			   *oc = json_string_value(json_object_get(o, "outcome")),
			   *src = json_string_value(json_object_get(o, "source")),
			   *pv = json_string_value(json_object_get(o, "prev")),
			   *h = json_string_value(json_object_get(o, "hash"));
		const json_t *d = json_object_get(o, "detail");
		char body[LINE_MAX_LEN], want[65], *lit = d != NULL && json_is_string(d)
								  ? detail_literal(json_string_value(d))
								  : NULL;
		n++;
		if (e == NULL || t == NULL || oc == NULL || src == NULL || pv == NULL || h == NULL ||
		    json_integer_value(json_object_get(o, "seq")) != n || strcmp(pv, prev) != 0 ||
		    json_object_size(o) != (d != NULL ? 9u : 8u) || (d != NULL && lit == NULL) ||
		    strcmp(e->name, json_string_value(json_object_get(o, "event")) ?: "") != 0) {
			free(lit);
			json_decref(o);
			fclose(f);
			*ret_bad = n;
			return ISO_E_JOURNAL_BROKEN;
		}
		body_of(body, sizeof body, n, e, t, oc, src, lit, pv);
		free(lit);
		iso_chain_hash_hex(prev, body, strlen(body), want);
		if (strcmp(want, h) != 0) {
			json_decref(o);
			fclose(f);
			*ret_bad = n;
			return ISO_E_JOURNAL_BROKEN;
		}
		if (fn != NULL)
			fn(arg, o);
		snprintf(prev, sizeof prev, "%s", h);
		json_decref(o);
	}
	fclose(f);
	*ret_n = n;
	if (head != NULL)
		snprintf(head, 65, "%s", prev);
	return ISO_OK;
}

enum iso_err kiosk_journal_open(const char *path, const char *source, struct kiosk_journal **ret)
{
	struct kiosk_journal *j = calloc(1, sizeof *j);
	int64_t bad = 0;
	enum iso_err err;
	if (j == NULL)
		return ISO_E_NOMEM;
	/* the source is a certificate's name: letters, digits and - . _ only */
	for (const char *p = source; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '.' || *p == '_')) {
			free(j);
			return ISO_E_INVALID_ARG;
		}
	snprintf(j->source, sizeof j->source, "%s", source);
	if ((j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		free(j);
		return ISO_E_IO;
	}
	if ((err = walk(path, &j->seq, &bad, j->head, NULL, NULL)) != ISO_OK) {
		close(j->fd);
		free(j);
		return err;
	}
	*ret = j;
	return ISO_OK;
}

void kiosk_journal_close(struct kiosk_journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j);
}

enum iso_err kiosk_journal_add(struct kiosk_journal *j, enum kiosk_event ev,
			       enum journal_outcome outcome, int64_t time)
{
	return kiosk_journal_add_detail(j, ev, outcome, time, NULL);
}

enum iso_err kiosk_journal_add_detail(struct kiosk_journal *j, enum kiosk_event ev,
				      enum journal_outcome outcome, int64_t time,
				      const char *detail)
{
	const struct kiosk_event_info *e = info_of((int)ev);
	char t[32], body[LINE_MAX_LEN], hash[65], line[LINE_MAX_LEN + 128],
		*lit = detail != NULL ? detail_literal(detail) : NULL;
	int n;
	if (e == NULL || (unsigned)outcome > OUTCOME_NA || (detail != NULL && lit == NULL)) {
		free(lit);
		return ISO_E_INVALID_ARG;
	}
	iso_time_utc(time, t);
	n = body_of(body, sizeof body, j->seq + 1, e, t, outcomes[outcome], j->source, lit, j->head);
	free(lit);
	if (n <= 0 || (size_t)n >= sizeof body)
		return ISO_E_INVALID_ARG;
	iso_chain_hash_hex(j->head, body, strlen(body), hash);
	n = snprintf(line, sizeof line, "%s,\"hash\":\"%s\"}\n", body, hash);
	if (n <= 0 || (size_t)n >= sizeof line || write(j->fd, line, (size_t)n) != n ||
	    fdatasync(j->fd) != 0)
		return ISO_E_IO;
	j->seq++;
	snprintf(j->head, sizeof j->head, "%s", hash);
	return ISO_OK;
}

enum iso_err kiosk_journal_verify(const char *path, int64_t *ret_entries, int64_t *ret_bad_line)
{
	*ret_bad_line = 0;
	return walk(path, ret_entries, ret_bad_line, NULL, NULL, NULL);
}

enum iso_err kiosk_journal_walk(const char *path, void (*fn)(void *arg, json_t *entry), void *arg,
				int64_t *ret_entries, int64_t *ret_bad_line, char head[65])
{
	*ret_bad_line = 0;
	return walk(path, ret_entries, ret_bad_line, head, fn, arg);
}

static void nist_event(void *arg, json_t *o)
{
	json_t *events = arg;
	const struct kiosk_event_info *e = info_of((int)json_integer_value(json_object_get(o, "id")));
	char seq[24];
	json_t *ev;
	/* the schema has the sequence as a string */
	snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(o, "seq")));
	ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "@type", "EventLog.Event", "Id",
		       json_string_value(json_object_get(o, "event")), "Sequence", seq, "TimeStamp",
		       json_string_value(json_object_get(o, "time")), "Disposition",
		       json_string_value(json_object_get(o, "outcome")), "Description",
		       e != NULL ? e->description : "");
	if (ev != NULL && json_is_string(json_object_get(o, "detail")))
		json_object_set(ev, "Details", json_object_get(o, "detail"));
	json_array_append_new(events, ev);
}

enum iso_err kiosk_journal_export_nist(const char *path, const char *device_id, char **ret)
{
	json_t *events = json_array(), *log;
	int64_t n = 0, bad = 0;
	char now[32];
	enum iso_err err = walk(path, &n, &bad, NULL, nist_event, events);
	if (err != ISO_OK) {
		json_decref(events);
		return err;
	}
	iso_time_utc((int64_t)time(NULL), now);
	log = json_pack("{s:{s:s, s:s, s:[{s:s, s:s, s:s, s:o}]}}", "ElectionEventLog", "@type",
			"EventLog.ElectionEventLog", "GeneratedTime", now, "Device", "@type",
			"EventLog.Device", "Id", device_id, "Type", "other", "Event", events);
	if (log == NULL)
		return ISO_E_NOMEM;
	*ret = json_dumps(log, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(log);
	return *ret != NULL ? ISO_OK : ISO_E_NOMEM;
}
