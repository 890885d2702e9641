/* The émargement list's words and CSV lines (see emargement.h). */
#include "emargement.h"

#include <stdbool.h>
#include <string.h>

#include "timetext.h"

const char emargement_csv_header[] = "identifier;name;poll;state;time\r\n";

const char *emargement_state_name(enum emargement_state s)
{
	switch (s) {
	case EMARGEMENT_NONE:
		return "to-vote";
	case EMARGEMENT_PENDING:
		return "pending";
	case EMARGEMENT_VOTED:
		return "voted";
	}
	return "?";
}

struct out {
	char *buf;
	size_t len;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= EMARGEMENT_LINE_MAX - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void field(struct out *o, const char *s)
{
	if (strpbrk(s, ";\"\r\n") == NULL) {
		put(o, s, strlen(s));
		return;
	}
	put(o, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			put(o, "\"\"", 2);
		else
			put(o, p, 1);
	}
	put(o, "\"", 1);
}

enum iso_err emargement_csv_line(const struct emargement_row *r,
				 char line[EMARGEMENT_LINE_MAX], size_t *ret_len)
{
	struct out o = {line, 0, false};
	char when[ISO_TIME_UTC_LEN];
	if (!iso_time_utc(r->at, when))
		return ISO_E_INVALID_ARG;
	field(&o, r->identifier);
	put(&o, ";", 1);
	field(&o, r->name);
	put(&o, ";", 1);
	field(&o, r->poll);
	put(&o, ";", 1);
	field(&o, emargement_state_name(r->state));
	put(&o, ";", 1);
	put(&o, when, strlen(when));
	put(&o, "\r\n", 2);
	if (o.full)
		return ISO_E_TOO_LARGE;
	line[o.len] = '\0';
	*ret_len = o.len;
	return ISO_OK;
}
