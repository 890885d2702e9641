/* The procès-verbal of an operation (see proces_verbal.h). Every figure
 * and name comes from the documents given; a journal entry whose fields
 * are not those its writer gives is said plainly, its fields listed,
 * never left out: the minutes hold every entry of the journal. All the
 * times are said at the wall-clock offset of the operation's opening, as
 * its description wrote it (the letters and the kiosk say it so too). */
#include "proces_verbal.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "timetext.h"

#define NNBSP "\u202f" /* before : ; ! ? % and inside « » */
#define T(L, fr_, en_) ((L)->en ? (en_) : (fr_))
/* figures beyond this are not figures of a poll: refused before any sum */
#define FIGURE_MAX ((json_int_t)1 << 40)

struct layout {
	enum iso_lang lang;
	bool en;
	const struct proces_verbal *pv;
	const struct proces_verbal_sink *sink;
	const char *opening; /* the offset every time is said at */
	const char *foot;    /* each page's note */
	FILE *f;             /* the block being written */
	char *buf;
	size_t len;
	bool failed;
};

/* ---- documents ---- */

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* a figure: an integer of [0, FIGURE_MAX] */
static bool figure(const json_t *o, const char *key, json_int_t *ret)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > FIGURE_MAX)
		return false;
	*ret = json_integer_value(v);
	return true;
}

static bool is_event(const json_t *e, const char *event)
{
	return str(e, "event") != NULL && strcmp(str(e, "event"), event) == 0;
}

/* an array whose every element has this type (and, for objects, these
 * string keys) */
static bool array_of(const json_t *a, json_type type, const char *const *keys)
{
	size_t i;
	const json_t *v;
	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
	{
		if (json_typeof(v) != type)
			return false;
		for (size_t k = 0; keys != NULL && keys[k] != NULL; k++)
			if (str(v, keys[k]) == NULL)
				return false;
	}
	return true;
}

static const json_t *poll_by_code(const json_t *op, const char *code)
{
	size_t i;
	const json_t *p;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		if (code != NULL && str(p, "code") != NULL && strcmp(str(p, "code"), code) == 0)
			return p;
	}
	return NULL;
}

/* ---- the checks before the minutes ---- */

/* one poll of results.json: its shape, then R-D11-CHECK, then its lists */
static enum proces_verbal_fault poll_check(const json_t *p)
{
	json_int_t voters, emargements, ballots, blank, expressed, votes, seats, sum = 0;
	const json_t *lists = json_object_get(p, "lists"), *l;
	size_t i;
	if (!json_is_object(p) || str(p, "code") == NULL || !figure(p, "voters", &voters) ||
	    !figure(p, "emargements", &emargements) || !figure(p, "ballots", &ballots) ||
	    !figure(p, "blank", &blank) || !figure(p, "expressed", &expressed) ||
	    !json_is_array(lists) || json_array_size(lists) == 0)
		return PROCES_VERBAL_SHAPE;
	json_array_foreach(lists, i, l)
	{
		if (!json_is_object(l) || str(l, "acronym") == NULL || !figure(l, "votes", &votes) ||
		    !figure(l, "seats", &seats))
			return PROCES_VERBAL_SHAPE;
		sum += votes;
	}
	/* D11 art. 14 II: blank and expressed votes are the voters of the
	 * émargement list, and the ballots of the urn */
	if (blank + expressed != emargements || blank + expressed != ballots)
		return PROCES_VERBAL_CHECK;
	if (sum != expressed)
		return PROCES_VERBAL_LISTS;
	return PROCES_VERBAL_OK;
}

enum proces_verbal_fault proces_verbal_check(const struct proces_verbal *pv, size_t *ret_poll)
{
	const json_t *polls = json_object_get(pv->results, "polls"),
		     *opolls = json_object_get(pv->operation, "polls"), *p, *e, *last = NULL;
	enum proces_verbal_fault f;
	size_t i;
	*ret_poll = 0;
	if (!json_is_array(polls) || json_array_size(polls) == 0)
		return PROCES_VERBAL_SHAPE;
	json_array_foreach(polls, i, p)
	{
		*ret_poll = i;
		if ((f = poll_check(p)) != PROCES_VERBAL_OK)
			return f;
	}
	/* the operation's polls, each once */
	if (json_array_size(opolls) != json_array_size(polls))
		return PROCES_VERBAL_POLLS;
	json_array_foreach(polls, i, p)
	{
		const json_t *op = poll_by_code(pv->operation, str(p, "code"));
		size_t k, same = 0;
		const json_t *q;
		*ret_poll = i;
		json_array_foreach(polls, k, q)
			same += strcmp(str(q, "code"), str(p, "code")) == 0;
		if (op == NULL || same != 1 ||
		    (str(p, "uuid") != NULL &&
		     (str(op, "uuid") == NULL || strcmp(str(p, "uuid"), str(op, "uuid")) != 0)))
			return PROCES_VERBAL_POLLS;
	}
	/* what operation results wrote and journaled: a results.json changed
	 * since, or copied from elsewhere, is not the result */
	*ret_poll = 0;
	json_array_foreach(pv->journal, i, e)
	{
		if (is_event(e, "results"))
			last = e;
	}
	if (last == NULL || !json_equal(json_object_get(last, "polls"), polls))
		return PROCES_VERBAL_UNJOURNALED;
	return PROCES_VERBAL_OK;
}

/* ---- times and figures as people read them ---- */

void proces_verbal_time_text(enum iso_lang lang, const char *utc, const char *opening,
			     char *buf, size_t size)
{
	int64_t t, t0;
	int offset, off;
	time_t wall;
	struct tm tm;
	char rfc[64];
	if (size == 0)
		return;
	if (utc == NULL || opening == NULL || config_parse_time(utc, &t) != ISO_OK ||
	    config_parse_time_offset(opening, &t0, &offset) != ISO_OK ||
	    (wall = (time_t)(t + offset), gmtime_r(&wall, &tm) == NULL)) {
		snprintf(buf, size, "?");
		return;
	}
	off = offset < 0 ? -offset : offset;
	if (offset == 0)
		snprintf(rfc, sizeof rfc, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(rfc, sizeof rfc, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
	iso_time_text(lang, rfc, buf, size);
}

/* n with its thousands apart: "12 345" (a narrow no-break space) or
 * "12,345" */
static const char *num(const struct layout *L, json_int_t n, char buf[48])
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	size_t k = 0;
	if (n < 0)
		buf[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			const char *sep = T(L, NNBSP, ",");
			memcpy(buf + k, sep, strlen(sep));
			k += strlen(sep);
		}
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	return buf;
}

/* part of whole in percent, one decimal: "66,7 %" or "66.7%" */
static const char *percent(const struct layout *L, json_int_t part, json_int_t whole, char buf[32])
{
	char *dot;
	snprintf(buf, 32, "%.1f%s", whole > 0 ? 100.0 * (double)part / (double)whole : 0.0,
		 T(L, NNBSP "%", "%"));
	if (!L->en && (dot = strchr(buf, '.')) != NULL)
		*dot = ',';
	return buf;
}

/* the singular or the plural (French: 0 and 1 take the singular) */
static const char *pl(const struct layout *L, json_int_t n, const char *fr1, const char *frn,
		      const char *en1, const char *enn)
{
	return L->en ? (n == 1 ? en1 : enn) : (n <= 1 ? fr1 : frn);
}

/* ---- blocks ---- */

static void put(struct layout *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct layout *L, const char *fmt, ...)
{
	va_list ap;
	if (L->f == NULL)
		return;
	va_start(ap, fmt);
	if (vfprintf(L->f, fmt, ap) < 0)
		L->failed = true;
	va_end(ap);
}

static void begin(struct layout *L)
{
	L->buf = NULL;
	L->len = 0;
	if ((L->f = open_memstream(&L->buf, &L->len)) == NULL)
		L->failed = true;
}

/* the block written since begin, without its last newlines, to the sink */
static void end(struct layout *L, enum pdf_style style, double space_mm)
{
	if (L->f == NULL)
		return;
	if (fclose(L->f) != 0)
		L->failed = true;
	L->f = NULL;
	while (L->buf != NULL && L->len > 0 && L->buf[L->len - 1] == '\n')
		L->buf[--L->len] = '\0';
	if (!L->failed && L->buf != NULL && L->len > 0)
		L->sink->text(L->sink->arg, style, L->buf, space_mm);
	free(L->buf);
	L->buf = NULL;
}

static void block(struct layout *L, enum pdf_style style, double space_mm, const char *text)
{
	begin(L);
	put(L, "%s", text);
	end(L, style, space_mm);
}

static void put_time(struct layout *L, const char *utc)
{
	char when[96];
	proces_verbal_time_text(L->lang, utc, L->opening, when, sizeof when);
	put(L, "%s", when);
}

static void put_quoted(struct layout *L, const char *text)
{
	put(L, T(L, "«" NNBSP "%s" NNBSP "»", "“%s”"), text);
}

static void put_role(struct layout *L, const json_t *m)
{
	const char *role = str(m, "role");
	if (role == NULL)
		put(L, "?");
	else if (strcmp(role, "president") == 0)
		put(L, "%s", T(L, "président(e)", "president"));
	else if (strcmp(role, "assesseur") == 0)
		put(L, "%s", T(L, "assesseur", "assessor"));
	else if (strcmp(role, "secretaire") == 0)
		/* 2009 art. 10: the secretary's vote is advisory */
		put(L, "%s", T(L, "secrétaire, voix consultative", "secretary, advisory vote"));
	else if (strcmp(role, "delegue") == 0 && str(m, "list") == NULL)
		put(L, "%s", T(L, "délégué(e) de liste", "list delegate"));
	else if (strcmp(role, "delegue") == 0)
		put(L, T(L, "délégué(e) de la liste %s", "delegate of list %s"), str(m, "list"));
	else
		put(L, "%s", role);
}

static const json_t *member(const struct layout *L, json_int_t n)
{
	return n >= 1 ? json_array_get(json_object_get(L->pv->operation, "bureau"), (size_t)n - 1)
		      : NULL;
}

/* "Name (role)", or the number when it is no member */
static void put_member(struct layout *L, json_int_t n, bool role)
{
	const json_t *m = member(L, n);
	if (m == NULL || str(m, "name") == NULL) {
		put(L, T(L, "membre n° %lld (inconnu)", "member no. %lld (unknown)"), (long long)n);
		return;
	}
	put(L, "%s", str(m, "name"));
	if (role) {
		put(L, " (");
		put_role(L, m);
		put(L, ")");
	}
}

/* members by their numbers, separated */
static void put_members(struct layout *L, const json_t *numbers, bool role)
{
	size_t i;
	const json_t *n;
	json_array_foreach(numbers, i, n)
	{
		if (i > 0)
			put(L, "%s", role ? T(L, NNBSP "; ", "; ") : ", ");
		put_member(L, json_integer_value(n), role);
	}
}

static void put_strings(struct layout *L, const json_t *a, const char *sep)
{
	size_t i;
	const json_t *s;
	json_array_foreach(a, i, s)
		put(L, "%s%s", i > 0 ? sep : "", json_string_value(s));
}

static void put_method(struct layout *L, const char *method)
{
	if (method != NULL && strcmp(method, "plus-forte-moyenne") == 0)
		put(L, "%s", T(L, "à la plus forte moyenne", "by highest average"));
	else if (method != NULL && strcmp(method, "plus-fort-reste") == 0)
		put(L, "%s", T(L, "au plus fort reste", "by largest remainder"));
	else
		put(L, "%s", method != NULL ? method : "?");
}

/* ---- the journal's entries as sentences ---- */

/* Each says its event when its fields are those its writer gives, and
 * writes nothing otherwise (it is then said generically). */

static bool say_operation_init(struct layout *L, const json_t *e)
{
	static const char *const keys[] = {"code", NULL};
	const json_t *polls = json_object_get(e, "polls"), *p;
	json_int_t voters, v;
	size_t i;
	char a[48], b[48];
	if (str(e, "operation") == NULL || !figure(e, "voters", &voters) ||
	    !array_of(polls, JSON_OBJECT, keys))
		return false;
	put(L, T(L, "Opération ", "Operation "));
	put_quoted(L, str(e, "operation"));
	put(L, T(L, " créée" NNBSP ": %s %s, %s %s", " made: %s %s, %s %s"),
	    num(L, (json_int_t)json_array_size(polls), a),
	    pl(L, (json_int_t)json_array_size(polls), "scrutin", "scrutins", "poll", "polls"),
	    num(L, voters, b),
	    pl(L, voters, "électeur inscrit", "électeurs inscrits", "registered voter",
	       "registered voters"));
	json_array_foreach(polls, i, p)
	{
		put(L, "%s%s", i == 0 ? " — " : T(L, NNBSP "; ", "; "), str(p, "code"));
		if (figure(p, "voters", &v))
			put(L, T(L, NNBSP ": %s", ": %s"), num(L, v, a));
	}
	put(L, ".");
	return true;
}

static bool say_keys_ceremony(struct layout *L, const json_t *e)
{
	static const char *const hkeys[] = {"name", NULL}, *const pkeys[] = {"code", "public_key_sha256", NULL};
	const json_t *holders = json_object_get(e, "holders"), *polls = json_object_get(e, "polls"), *h,
		     *p;
	json_int_t threshold, trustee;
	size_t i;
	char a[48];
	if (!figure(e, "threshold", &threshold) || !array_of(holders, JSON_OBJECT, hkeys) ||
	    !array_of(polls, JSON_OBJECT, pkeys))
		return false;
	/* R-KEY-04: established and handed over publicly */
	put(L,
	    T(L,
	      "Cérémonie des clés, en séance publique" NNBSP ": la clé de chaque scrutin est "
	      "partagée entre %zu %s, dont %s %s au dépouillement",
	      "Key ceremony, in public session: each poll's key is shared among %zu %s, of whom "
	      "%s %s for the count"),
	    json_array_size(holders),
	    pl(L, (json_int_t)json_array_size(holders), "détenteur", "détenteurs", "holder", "holders"),
	    num(L, threshold, a),
	    pl(L, threshold, "suffit", "suffisent", "is enough", "are enough"));
	json_array_foreach(holders, i, h)
	{
		json_int_t number;
		const json_t *m = figure(h, "member", &number) ? member(L, number) : NULL;
		put(L, "%s%s (", i == 0 ? " — " : T(L, NNBSP "; ", "; "), str(h, "name"));
		/* the role as the bureau has it (a délégué's list), else the entry's */
		put_role(L, m != NULL && str(m, "role") != NULL ? m : h);
		if (figure(h, "trustee", &trustee))
			put(L, T(L, ", détenteur n° %lld", ", holder no. %lld"), (long long)trustee);
		put(L, ")");
	}
	put(L, ".");
	json_array_foreach(polls, i, p)
		put(L, T(L, "\nClé publique du scrutin %s (SHA-256)" NNBSP ": %s",
			 "\nPublic key of poll %s (SHA-256): %s"),
		    str(p, "code"), str(p, "public_key_sha256"));
	return true;
}

static bool say_seal(struct layout *L, const json_t *e)
{
	const json_t *signers = json_object_get(e, "signers");
	json_int_t items;
	char a[48];
	if (str(e, "manifest_sha256") == NULL || !figure(e, "items", &items) ||
	    !array_of(signers, JSON_INTEGER, NULL))
		return false;
	put(L, T(L, "Scellement" NNBSP ": %s %s, manifeste SHA-256 %s, signé par ",
		 "Sealing: %s %s, manifest SHA-256 %s, signed by "),
	    num(L, items, a),
	    pl(L, items, "élément scellé", "éléments scellés", "item sealed", "items sealed"),
	    str(e, "manifest_sha256"));
	put_members(L, signers, false);
	put(L, ".");
	return true;
}

static bool say_seal_check(struct layout *L, const json_t *e)
{
	const json_t *ok = json_object_get(e, "ok"), *changed = json_object_get(e, "changed");
	if (str(e, "manifest_sha256") == NULL || !json_is_boolean(ok) ||
	    (changed != NULL && !array_of(changed, JSON_STRING, NULL)))
		return false;
	put(L, T(L, "Contrôle des scellés (manifeste SHA-256 %s)" NNBSP ": ",
		 "Check of the seals (manifest SHA-256 %s): "),
	    str(e, "manifest_sha256"));
	if (json_is_true(ok))
		put(L, "%s", T(L, "intacts.", "intact."));
	else {
		put(L, "%s", T(L, "ROMPUS", "BROKEN"));
		if (json_array_size(changed) > 0) {
			put(L, "%s", T(L, " — éléments modifiés" NNBSP ": ", " — items changed: "));
			put_strings(L, changed, ", ");
		}
		put(L, ".");
	}
	return true;
}

static bool say_test_election(struct layout *L, const json_t *e)
{
	static const char *const keys[] = {"code", NULL};
	const json_t *ok = json_object_get(e, "ok"), *polls = json_object_get(e, "polls"), *p;
	json_int_t expected, counted;
	size_t i;
	char a[48], b[48];
	if (!json_is_boolean(ok) || !array_of(polls, JSON_OBJECT, keys))
		return false;
	json_array_foreach(polls, i, p)
	{
		if (!figure(p, "expected", &expected) || !figure(p, "counted", &counted))
			return false;
	}
	put(L, T(L, "Élection de test" NNBSP ": %s", "Test election: %s"),
	    json_is_true(ok) ? T(L, "conforme", "as expected") : T(L, "NON CONFORME", "NOT AS EXPECTED"));
	json_array_foreach(polls, i, p)
	{
		figure(p, "expected", &expected);
		figure(p, "counted", &counted);
		put(L, T(L, "%s%s" NNBSP ": %s %s, %s %s", "%s%s: %s %s, %s %s"),
		    i == 0 ? " — " : T(L, NNBSP "; ", "; "), str(p, "code"), num(L, expected, a),
		    pl(L, expected, "bulletin attendu", "bulletins attendus", "ballot expected",
		       "ballots expected"),
		    num(L, counted, b), pl(L, counted, "compté", "comptés", "counted", "counted"));
	}
	put(L, ".");
	return true;
}

static bool say_control(struct layout *L, const json_t *e)
{
	static const char *const actions[][3] = {
		{"open", "Ouverture du vote", "Voting opened"},
		{"suspend", "Suspension du vote", "Voting suspended"},
		{"resume", "Reprise du vote", "Voting resumed"},
		{"stop", "Arrêt du vote", "Voting stopped"},
		{"close", "Clôture du vote", "Voting closed"},
	};
	const char *action = str(e, "action"), *what = NULL;
	const json_t *polls = json_object_get(e, "polls"), *reason = json_object_get(e, "reason");
	for (size_t i = 0; action != NULL && i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(action, actions[i][0]) == 0)
			what = L->en ? actions[i][2] : actions[i][1];
	if (what == NULL || !array_of(polls, JSON_STRING, NULL) ||
	    (reason != NULL && !json_is_string(reason)))
		return false;
	put(L, "%s", what);
	if (json_array_size(polls) > 0) {
		put(L, "%s", json_array_size(polls) == 1 ? T(L, " — scrutin ", " — poll ")
							  : T(L, " — scrutins ", " — polls "));
		put_strings(L, polls, ", ");
	}
	put(L, ".");
	if (json_string_value(reason) != NULL)
		put(L, T(L, " Motif" NNBSP ": %s", " Reason: %s"), json_string_value(reason));
	return true;
}

static bool say_incident(struct layout *L, const json_t *e)
{
	if (str(e, "source") == NULL || str(e, "kind") == NULL || str(e, "text") == NULL)
		return false;
	put(L, T(L, "Incident signalé par %s (%s)" NNBSP ": %s", "Incident reported by %s (%s): %s"),
	    str(e, "source"), str(e, "kind"), str(e, "text"));
	return true;
}

/* the strings of an array, comma-separated, into buf ("" when none) */
static void list_text(const json_t *a, const char *key, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);
		const char *v = json_is_string(x) ? json_string_value(x)
						   : json_string_value(json_object_get(x, key));
		int k = snprintf(buf + n, size - n, "%s%s", i > 0 ? ", " : "", v != NULL ? v : "?");
		if (k < 0 || (size_t)k >= size - n)
			break;
		n += (size_t)k;
	}
}

/* who may intervene on the kiosks, and how they were configured (issue 6) */
static bool say_technician_key(struct layout *L, const json_t *e)
{
	if (str(e, "holder") == NULL)
		return false;
	put(L, T(L, "Clé de technicien de l’opération créée, détenue par %s",
		 "The operation's technician key made, held by %s"),
	    str(e, "holder"));
	return true;
}

static bool say_maintenance_token(struct layout *L, const json_t *e)
{
	char kiosks[1024];
	if (str(e, "technician") == NULL || str(e, "id") == NULL || str(e, "not_before") == NULL ||
	    str(e, "not_after") == NULL || !json_is_array(json_object_get(e, "kiosks")))
		return false;
	list_text(json_object_get(e, "kiosks"), NULL, kiosks, sizeof kiosks);
	put(L, T(L, "Jeton de maintenance %s pour %s, postes %s, valable du %s au %s",
		 "Maintenance token %s for %s, kiosks %s, valid from %s to %s"),
	    str(e, "id"), str(e, "technician"),
	    strcmp(kiosks, "*") == 0 ? T(L, "tous", "all") : kiosks, str(e, "not_before"),
	    str(e, "not_after"));
	return true;
}

static bool say_enrolment_bundles(struct layout *L, const json_t *e)
{
	char kiosks[2048];
	if (!json_is_array(json_object_get(e, "bundles")) || str(e, "image_manifest_sha256") == NULL)
		return false;
	list_text(json_object_get(e, "bundles"), "kiosk", kiosks, sizeof kiosks);
	put(L, T(L, "Lots d’enrôlement des postes %s, pour l’image de manifeste %s",
		 "Enrolment bundles of kiosks %s, for the image of manifest %s"),
	    kiosks, str(e, "image_manifest_sha256"));
	return true;
}

/* a technician's intervention on a kiosk (R-D11-INTERV, R-BUR-06) */
static bool say_intervention(struct layout *L, const json_t *e)
{
	static const char *const events[][3] = {
		{"maintenance-start", "entrée en maintenance", "maintenance entered"},
		{"maintenance-end", "sortie de maintenance", "maintenance left"},
		{"maintenance-action", "action de maintenance", "maintenance action"},
		{"maintenance-refused", "maintenance refusée", "maintenance refused"},
		{"maintenance-pin-failure", "code PIN de maintenance erroné", "wrong maintenance PIN"},
		{"maintenance-locked", "maintenance bloquée (codes PIN erronés)",
		 "maintenance locked (wrong PINs)"},
		{"journal-export", "journal exporté sur la clé du technicien",
		 "journal exported to the technician's key"},
	};
	if (str(e, "source") == NULL || str(e, "kiosk_event") == NULL || str(e, "detail") == NULL)
		return false;
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		if (strcmp(str(e, "kiosk_event"), events[i][0]) == 0) {
			put(L, T(L, "Intervention sur le poste %s, à %s (UTC)" NNBSP ": %s (%s)",
				 "Intervention on kiosk %s, at %s (UTC): %s (%s)"),
			    str(e, "source"), str(e, "at") != NULL ? str(e, "at") : "?",
			    T(L, events[i][1], events[i][2]), str(e, "detail"));
			return true;
		}
	return false;
}

static bool say_incidents_imported(struct layout *L, const json_t *e)
{
	json_int_t entries, incidents;
	char a[48], b[48];
	if (str(e, "source") == NULL || !figure(e, "entries", &entries) ||
	    !figure(e, "incidents", &incidents))
		return false;
	put(L,
	    T(L, "Journal du poste %s repris" NNBSP ": %s %s, chaîne intacte, %s %s d’incidents "
		 "ci-dessus.",
	      "Journal of kiosk %s taken: %s %s, chain intact, %s %s of incidents above."),
	    str(e, "source"), num(L, entries, a), pl(L, entries, "entrée", "entrées", "entry", "entries"),
	    num(L, incidents, b), pl(L, incidents, "sorte", "sortes", "kind", "kinds"));
	return true;
}

static bool say_tally(struct layout *L, const json_t *e)
{
	const json_t *holders = json_object_get(e, "holders");
	json_int_t ballots;
	char a[48];
	if (str(e, "poll") == NULL || !figure(e, "ballots", &ballots) ||
	    !array_of(holders, JSON_INTEGER, NULL))
		return false;
	put(L,
	    T(L, "Dépouillement du scrutin %s" NNBSP ": %s %s, déchiffrés en présence des "
		 "détenteurs de clé ",
	      "Count of poll %s: %s %s, decrypted with the key holders "),
	    str(e, "poll"), num(L, ballots, a),
	    pl(L, ballots, "bulletin", "bulletins", "ballot", "ballots"));
	put_members(L, holders, false);
	put(L, ".");
	return true;
}

static bool say_results(struct layout *L, const json_t *e)
{
	static const char *const keys[] = {"code", NULL};
	const json_t *polls = json_object_get(e, "polls"), *p;
	json_int_t ballots, blank, expressed;
	size_t i;
	char a[48], b[48], c[48];
	if (!array_of(polls, JSON_OBJECT, keys))
		return false;
	json_array_foreach(polls, i, p)
	{
		if (!figure(p, "ballots", &ballots) || !figure(p, "blank", &blank) ||
		    !figure(p, "expressed", &expressed))
			return false;
	}
	put(L, "%s",
	    T(L, "Résultats arrêtés, chaque archive vérifiée de nouveau et son dépouillement refait",
	      "Results drawn up, each archive verified again and its count run again"));
	json_array_foreach(polls, i, p)
	{
		figure(p, "ballots", &ballots);
		figure(p, "blank", &blank);
		figure(p, "expressed", &expressed);
		put(L, T(L, "%s%s" NNBSP ": %s %s, %s %s, %s %s", "%s%s: %s %s, %s %s, %s %s"),
		    i == 0 ? " — " : T(L, NNBSP "; ", "; "), str(p, "code"), num(L, ballots, a),
		    pl(L, ballots, "bulletin", "bulletins", "ballot", "ballots"), num(L, blank, b),
		    pl(L, blank, "blanc", "blancs", "blank", "blank"), num(L, expressed, c),
		    pl(L, expressed, "exprimé", "exprimés", "expressed", "expressed"));
	}
	put(L, ".");
	return true;
}

static void put_quality(struct layout *L, const char *quality)
{
	if (strcmp(quality, "electeur") == 0)
		put(L, "%s", T(L, "électeur", "voter"));
	else if (strcmp(quality, "candidat") == 0)
		put(L, "%s", T(L, "candidat", "candidate"));
	else if (strcmp(quality, "delegue") == 0)
		put(L, "%s", T(L, "délégué de liste", "list delegate"));
	else
		put(L, "%s", quality);
}

static bool say_observation(struct layout *L, const json_t *e)
{
	if (str(e, "author") == NULL || str(e, "quality") == NULL || str(e, "text") == NULL)
		return false;
	put(L, T(L, "Observation de %s (", "Observation by %s ("), str(e, "author"));
	put_quality(L, str(e, "quality"));
	put(L, ")");
	if (str(e, "poll") != NULL)
		put(L, T(L, ", scrutin %s", ", poll %s"), str(e, "poll"));
	put(L, "%s", T(L, " — son texte à la section 5.", " — its text in section 5."));
	return true;
}

static bool say_archive(struct layout *L, const json_t *e)
{
	json_int_t size, members;
	char a[48], b[48], until[96];
	if (str(e, "sha256") == NULL || !figure(e, "size", &size) ||
	    !figure(e, "members", &members) || str(e, "retention_until") == NULL)
		return false;
	proces_verbal_time_text(L->lang, str(e, "retention_until"), L->opening, until, sizeof until);
	put(L,
	    T(L, "Archive de l’opération constituée" NNBSP ": %s %s, %s octets, SHA-256 %s, à "
		 "conserver jusqu’au %s.",
	      "Operation's archive made: %s %s, %s bytes, SHA-256 %s, kept until %s."),
	    num(L, members, a), pl(L, members, "pièce", "pièces", "member", "members"),
	    num(L, size, b), str(e, "sha256"), until);
	return true;
}

static bool say_appeal(struct layout *L, const json_t *e)
{
	const json_t *closed = json_object_get(e, "closed");
	if (str(e, "text") == NULL || !json_is_boolean(closed))
		return false;
	put(L, "%s", json_is_true(closed) ? T(L, "Fin du recours" NNBSP ": ", "End of the appeal: ")
					  : T(L, "Recours enregistré" NNBSP ": ", "Appeal recorded: "));
	put_quoted(L, str(e, "text"));
	return true;
}

static bool say_destruction(struct layout *L, const json_t *e)
{
	const json_t *destroyed = json_object_get(e, "destroyed");
	char a[48];
	if (str(e, "archive_sha256") == NULL || !array_of(destroyed, JSON_STRING, NULL))
		return false;
	put(L,
	    T(L, "Destruction de l’archive (SHA-256 %s), des clés et des secrets restants" NNBSP
		 ": %s %s" NNBSP "; certificat de destruction établi.",
	      "Destruction of the archive (SHA-256 %s), the keys and the secrets left: %s %s; "
	      "destruction certificate made."),
	    str(e, "archive_sha256"), num(L, (json_int_t)json_array_size(destroyed), a),
	    pl(L, (json_int_t)json_array_size(destroyed), "fichier détruit", "fichiers détruits",
	       "file destroyed", "files destroyed"));
	return true;
}

static bool say_attendance(struct layout *L, const json_t *e)
{
	const json_t *present = json_object_get(e, "present");
	size_t n = json_array_size(present);
	if (str(e, "meeting") == NULL || !array_of(present, JSON_INTEGER, NULL))
		return false;
	put(L, T(L, "Réunion du bureau ", "Meeting of the bureau "));
	put_quoted(L, str(e, "meeting"));
	put(L, T(L, NNBSP ": %zu %s, quorum %s — voir la section 2.",
		 ": %zu %s, quorum %s — see section 2."),
	    n,
	    pl(L, (json_int_t)n, "membre présent", "membres présents", "member present",
	       "members present"),
	    n >= PROCES_VERBAL_QUORUM ? T(L, "atteint", "met") : T(L, "NON ATTEINT", "NOT MET"));
	return true;
}

static bool say_pv(struct layout *L, const json_t *e)
{
	json_int_t pages;
	char a[48];
	if (str(e, "sha256") == NULL)
		return false;
	put(L, "%s", T(L, "Procès-verbal établi", "Minutes made"));
	if (figure(e, "pages", &pages))
		put(L, T(L, " (%s %s)", " (%s %s)"), num(L, pages, a),
		    pl(L, pages, "page", "pages", "page", "pages"));
	put(L, ", SHA-256 %s.", str(e, "sha256"));
	return true;
}

/* any other entry: its event and its fields */
static void say_generic(struct layout *L, const json_t *e)
{
	static const char *const skip[] = {"seq", "time", "event", "prev", "hash"};
	const char *key;
	const json_t *v;
	bool first = true;
	put(L, "%s", str(e, "event"));
	json_object_foreach((json_t *)e, key, v)
	{
		bool skipped = false;
		char *text;
		for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
			skipped |= strcmp(key, skip[i]) == 0;
		if (skipped)
			continue;
		text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		put(L, "%s%s=%s", first ? T(L, NNBSP ": ", ": ") : ", ", key,
		    json_is_string(v) ? json_string_value(v) : text != NULL ? text : "?");
		free(text);
		first = false;
	}
}

static void say_entry(struct layout *L, const json_t *e)
{
	static const struct {
		const char *event;
		bool (*say)(struct layout *L, const json_t *e);
	} events[] = {
		{"operation-init", say_operation_init},
		{"keys-ceremony", say_keys_ceremony},
		{"seal", say_seal},
		{"seal-check", say_seal_check},
		{"test-election", say_test_election},
		{"control", say_control},
		{"incident", say_incident},
		{"intervention", say_intervention},
		{"technician-key", say_technician_key},
		{"maintenance-token", say_maintenance_token},
		{"enrolment-bundles", say_enrolment_bundles},
		{"incidents-imported", say_incidents_imported},
		{"tally", say_tally},
		{"results", say_results},
		{"observation", say_observation},
		{"archive", say_archive},
		{"appeal", say_appeal},
		{"destruction", say_destruction},
		{"attendance", say_attendance},
		{"pv", say_pv},
	};
	bool said = false;
	begin(L);
	put(L, "%lld. ", (long long)json_integer_value(json_object_get(e, "seq")));
	put_time(L, str(e, "time"));
	put(L, " — ");
	for (size_t i = 0; !said && i < sizeof events / sizeof events[0]; i++)
		if (is_event(e, events[i].event))
			said = events[i].say(L, e);
	if (!said)
		say_generic(L, e);
	end(L, PDF_BODY, 2.5);
}

/* ---- the sections ---- */

static void section_polls(struct layout *L)
{
	const json_t *op = L->pv->operation, *p, *l;
	size_t i, k;
	json_int_t seats, voters;
	char a[48];
	block(L, PDF_HEADING, 3, T(L, "1. Les scrutins", "1. The polls"));
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		begin(L);
		put(L, "%s — %s\n", str(p, "code") ? str(p, "code") : "?",
		    str(p, "name") ? str(p, "name") : "?");
		if (json_array_size(json_object_get(p, "colleges")) > 0) {
			put(L, "%s", T(L, "Collèges" NNBSP ": ", "Colleges: "));
			put_strings(L, json_object_get(p, "colleges"), ", ");
			put(L, "\n");
		}
		if (figure(p, "seats", &seats)) {
			put(L, T(L, "Sièges à pourvoir" NNBSP ": %s, répartis ", "Seats: %s, given "),
			    num(L, seats, a));
			put_method(L, str(p, "method"));
			put(L, "\n");
		}
		put(L, "%s\n", json_is_true(json_object_get(p, "blank"))
				       ? T(L, "Vote blanc" NNBSP ": proposé", "Blank vote: offered")
				       : T(L, "Vote blanc" NNBSP ": non proposé", "Blank vote: not offered"));
		if (figure(p, "voters", &voters))
			put(L, T(L, "Électeurs inscrits" NNBSP ": %s\n", "Registered voters: %s\n"),
			    num(L, voters, a));
		if (str(p, "uuid") != NULL)
			put(L, T(L, "Identifiant de l’élection" NNBSP ": %s\n", "Election identifier: %s\n"),
			    str(p, "uuid"));
		put(L, "%s", T(L, "Listes" NNBSP ":", "Lists:"));
		json_array_foreach(json_object_get(p, "lists"), k, l)
		{
			put(L, "\n  %s — %s", str(l, "acronym") ? str(l, "acronym") : "?",
			    str(l, "name") ? str(l, "name") : "?");
			if (json_array_size(json_object_get(l, "candidates")) > 0) {
				put(L, " (");
				put_strings(L, json_object_get(l, "candidates"), ", ");
				put(L, ")");
			}
		}
		end(L, PDF_BODY, 4);
	}
}

static void section_bureau(struct layout *L)
{
	const json_t *bureau = json_object_get(L->pv->operation, "bureau"), *m, *e;
	size_t i, meetings = 0;
	block(L, PDF_HEADING, 3, T(L, "2. Le bureau de vote", "2. The polling bureau"));
	begin(L);
	json_array_foreach(bureau, i, m)
	{
		put(L, "%zu. %s — ", i + 1, str(m, "name") ? str(m, "name") : "?");
		put_role(L, m);
		put(L, "\n");
	}
	end(L, PDF_BODY, 3);
	block(L, PDF_BODY, 4,
	      T(L, "Le bureau ne délibère valablement qu’en présence d’au moins quatre de ses "
		   "membres (R-BUR-02).",
		"The bureau deliberates only with at least four of its members present (R-BUR-02)."));
	json_array_foreach(L->pv->journal, i, e)
	{
		const json_t *present = json_object_get(e, "present"), *n;
		size_t k, count;
		if (!is_event(e, "attendance") || str(e, "meeting") == NULL ||
		    !array_of(present, JSON_INTEGER, NULL))
			continue;
		count = json_array_size(present);
		meetings++;
		begin(L);
		put(L, T(L, "Réunion ", "Meeting "));
		put_quoted(L, str(e, "meeting"));
		put(L, " — ");
		put_time(L, str(e, "time"));
		put(L, T(L, "\nPrésents (%zu)" NNBSP ": ", "\nPresent (%zu): "), count);
		put_members(L, present, true);
		put(L, "%s", T(L, "\nAbsents" NNBSP ": ", "\nAbsent: "));
		{
			bool any = false;
			json_array_foreach(bureau, k, m)
			{
				bool here = false;
				size_t j;
				json_array_foreach(present, j, n)
					here |= json_integer_value(n) == (json_int_t)k + 1;
				if (here)
					continue;
				if (any)
					put(L, "%s", T(L, NNBSP "; ", "; "));
				put_member(L, (json_int_t)k + 1, true);
				any = true;
			}
			if (!any)
				put(L, "%s", T(L, "aucun", "none"));
		}
		put(L, "\n%s",
		    count >= PROCES_VERBAL_QUORUM
			    ? T(L, "Quorum de quatre membres" NNBSP ": atteint.", "Quorum of four members: met.")
			    : T(L, "Quorum de quatre membres" NNBSP ": NON ATTEINT — le bureau ne pouvait pas délibérer.",
				"Quorum of four members: NOT MET — the bureau could not deliberate."));
		end(L, PDF_BODY, 3);
	}
	if (meetings == 0)
		block(L, PDF_BODY, 3,
		      T(L, "Aucune présence n’a été consignée au journal (operation attendance).",
			"No attendance was recorded in the journal (operation attendance)."));
}

static void section_journal(struct layout *L)
{
	const json_t *e, *last = json_array_get(L->pv->journal, json_array_size(L->pv->journal) - 1);
	size_t i, n = json_array_size(L->pv->journal);
	block(L, PDF_HEADING, 3, T(L, "3. Déroulement des opérations", "3. Course of the operations"));
	begin(L);
	put(L,
	    T(L, "Les %zu %s du journal de l’opération, dans leur ordre (numéro, heure, "
		 "événement)" NNBSP ": ce que le bureau a fait, constaté et reçu, et les "
		 "interventions sur le système. La chaîne du journal est vérifiée",
	      "The %zu %s of the operation's journal, in their order (number, time, event): what "
	      "the bureau did, found and received, and the interventions on the system. The "
	      "journal's chain is checked"),
	    n, pl(L, (json_int_t)n, "entrée", "entrées", "entry", "entries"));
	if (str(last, "hash") != NULL)
		put(L, T(L, "" NNBSP "; sa tête (SHA-256)" NNBSP ": %s", "; its head (SHA-256): %s"),
		    str(last, "hash"));
	put(L, ".");
	end(L, PDF_SMALL, 3);
	json_array_foreach(L->pv->journal, i, e)
		say_entry(L, e);
}

static void section_results(struct layout *L)
{
	const json_t *p, *l;
	size_t i, k;
	json_int_t voters = 0, em = 0, ballots = 0, blank = 0, expressed = 0, votes = 0, seats = 0,
		   left = 0;
	char a[48], b[48], c[48], pc[32];
	block(L, PDF_HEADING, 3, T(L, "4. Résultats", "4. Results"));
	json_array_foreach(json_object_get(L->pv->results, "polls"), i, p)
	{
		const json_t *op = poll_by_code(L->pv->operation, str(p, "code"));
		figure(p, "voters", &voters);
		figure(p, "emargements", &em);
		figure(p, "ballots", &ballots);
		figure(p, "blank", &blank);
		figure(p, "expressed", &expressed);
		begin(L);
		put(L, "%s — %s", str(p, "code"), op != NULL && str(op, "name") ? str(op, "name") : "?");
		end(L, PDF_HEADING, 2);
		begin(L);
		put(L, T(L, "Électeurs inscrits" NNBSP ": %s\n", "Registered voters: %s\n"), num(L, voters, a));
		put(L, T(L, "Émargements" NNBSP ": %s (participation" NNBSP ": %s)\n",
			 "Émargements (voters who voted): %s (turnout: %s)\n"),
		    num(L, em, a), percent(L, em, voters, pc));
		put(L, T(L, "Bulletins dans l’urne" NNBSP ": %s\n", "Ballots in the urn: %s\n"),
		    num(L, ballots, a));
		put(L, T(L, "Votes blancs" NNBSP ": %s\n", "Blank votes: %s\n"), num(L, blank, a));
		put(L, T(L, "Suffrages exprimés" NNBSP ": %s\n", "Votes expressed: %s\n"),
		    num(L, expressed, a));
		/* R-D11-CHECK, checked before the minutes were made */
		put(L, T(L, "Contrôle" NNBSP ": %s %s + %s %s = %s %s (R-D11-CHECK)\n",
			 "Check: %s %s + %s %s = %s %s (R-D11-CHECK)\n"),
		    num(L, blank, a), pl(L, blank, "blanc", "blancs", "blank", "blank"),
		    num(L, expressed, b), pl(L, expressed, "exprimé", "exprimés", "expressed", "expressed"),
		    num(L, em, c), pl(L, em, "émargement", "émargements", "émargement", "émargements"));
		put(L, "%s", T(L, "Répartition des sièges ", "Seats given "));
		put_method(L, str(p, "method"));
		end(L, PDF_BODY, 2);
		begin(L);
		put(L, "%s",
		    T(L, "Liste — voix (part des exprimés) — sièges",
		      "List — votes (share of expressed) — seats"));
		json_array_foreach(json_object_get(p, "lists"), k, l)
		{
			figure(l, "votes", &votes);
			figure(l, "seats", &seats);
			put(L, "\n  %s — %s — %s %s (%s) — %s %s", str(l, "acronym"),
			    str(l, "name") != NULL ? str(l, "name") : "", num(L, votes, a),
			    pl(L, votes, "voix", "voix", "vote", "votes"), percent(L, votes, expressed, pc),
			    num(L, seats, b), pl(L, seats, "siège", "sièges", "seat", "seats"));
			if (json_is_true(json_object_get(l, "tied")))
				put(L, "%s", T(L, " (égalité" NNBSP ": le bureau décide)", " (tie: the bureau decides)"));
		}
		if (figure(p, "seats_left", &left) && left > 0)
			put(L, T(L, "\n%s %s à attribuer par le bureau entre les listes à égalité",
				 "\n%s %s for the bureau to give among the tied lists"),
			    num(L, left, a), pl(L, left, "siège", "sièges", "seat", "seats"));
		end(L, PDF_BODY, 5);
	}
}

static void section_observations(struct layout *L)
{
	const json_t *e;
	size_t i, n = 0;
	block(L, PDF_HEADING, 3, T(L, "5. Observations", "5. Observations"));
	block(L, PDF_SMALL, 3,
	      T(L, "Les observations des électeurs, des candidats et des délégués de liste, "
		   "consignées au journal (R-BUR-07).",
		"The observations of voters, candidates and list delegates, recorded in the journal "
		"(R-BUR-07)."));
	json_array_foreach(L->pv->journal, i, e)
	{
		if (!is_event(e, "observation") || str(e, "author") == NULL ||
		    str(e, "quality") == NULL || str(e, "text") == NULL)
			continue;
		n++;
		begin(L);
		put(L, T(L, "Observation n° %zu — ", "Observation no. %zu — "), n);
		put_time(L, str(e, "time"));
		put(L, T(L, "\nDe %s, ", "\nBy %s, "), str(e, "author"));
		put_quality(L, str(e, "quality"));
		if (str(e, "poll") != NULL)
			put(L, T(L, " — scrutin %s", " — poll %s"), str(e, "poll"));
		put(L, "\n");
		put_quoted(L, str(e, "text"));
		end(L, PDF_BODY, 4);
	}
	if (n == 0)
		block(L, PDF_BODY, 4, T(L, "Aucune observation n’a été présentée.", "No observation was made."));
}

static void section_signatures(struct layout *L)
{
	const json_t *e, *present = NULL, *bureau = json_object_get(L->pv->operation, "bureau"), *m;
	const char *meeting = NULL;
	size_t i;
	char when[96], now[ISO_TIME_UTC_LEN];
	json_array_foreach(L->pv->journal, i, e)
	{
		if (is_event(e, "attendance") && str(e, "meeting") != NULL &&
		    array_of(json_object_get(e, "present"), JSON_INTEGER, NULL)) {
			present = json_object_get(e, "present");
			meeting = str(e, "meeting");
		}
	}
	L->sink->page(L->sink->arg, L->foot);
	block(L, PDF_HEADING, 3, T(L, "6. Signatures", "6. Signatures"));
	begin(L);
	if (!iso_time_utc(L->pv->now, now))
		now[0] = '\0';
	proces_verbal_time_text(L->lang, now, L->opening, when, sizeof when);
	put(L, T(L, "Fait à %s, le %s, par ", "Made at %s on %s by "),
	    str(L->pv->operation, "space") ? str(L->pv->operation, "space") : "?", when);
	if (meeting != NULL) {
		put(L, "%s",
		    T(L, "les membres du bureau présents à la réunion ",
		      "the members of the bureau present at the meeting "));
		put_quoted(L, meeting);
	} else
		put(L, "%s", T(L, "les membres du bureau", "the members of the bureau"));
	put(L, ".");
	end(L, PDF_BODY, 6);
	json_array_foreach(bureau, i, m)
	{
		bool here = present == NULL;
		size_t j;
		const json_t *n;
		json_array_foreach(present, j, n)
			here |= json_integer_value(n) == (json_int_t)i + 1;
		if (!here)
			continue;
		begin(L);
		put(L, "%s — ", str(m, "name") ? str(m, "name") : "?");
		put_role(L, m);
		put(L, "%s", T(L, "\n\nSignature" NNBSP ": ______________________________",
			       "\n\nSignature: ______________________________"));
		end(L, PDF_BODY, 10);
	}
}

enum iso_err proces_verbal_layout(enum iso_lang lang, const struct proces_verbal *pv,
				  const struct proces_verbal_sink *sink)
{
	const json_t *op = pv->operation;
	char from[96], to[96], now[ISO_TIME_UTC_LEN], made[96], foot[512];
	struct layout L = {lang, lang == ISO_LANG_EN, pv, sink, str(op, "opening"), foot,
			   NULL, NULL, 0, false};
	if (str(op, "operation") == NULL || str(op, "space") == NULL || str(op, "opening") == NULL ||
	    str(op, "closing") == NULL)
		return ISO_E_CONFIG;
	iso_time_text(lang, str(op, "opening"), from, sizeof from);
	iso_time_text(lang, str(op, "closing"), to, sizeof to);
	if (!iso_time_utc(pv->now, now))
		now[0] = '\0';
	proces_verbal_time_text(lang, now, str(op, "opening"), made, sizeof made);
	snprintf(foot, sizeof foot, "%s — %s", T(&L, "Procès-verbal", "Minutes"), str(op, "operation"));
	sink->page(sink->arg, foot);
	block(&L, PDF_TITLE, 3,
	      T(&L, "Procès-verbal des opérations électorales", "Minutes of the electoral operations"));
	block(&L, PDF_HEADING, 4, str(op, "operation"));
	begin(&L);
	put(&L, T(&L, "Espace électoral" NNBSP ": %s\n", "Electoral space: %s\n"), str(op, "space"));
	put(&L, T(&L, "Ouverture du vote" NNBSP ": %s\n", "Voting opens: %s\n"), from);
	put(&L, T(&L, "Clôture du vote" NNBSP ": %s\n", "Voting closes: %s\n"), to);
	put(&L, T(&L, "Procès-verbal établi le %s, d’après le journal de l’opération et ses "
		      "résultats vérifiés.",
		  "Minutes made on %s from the operation's journal and its verified results."),
	    made);
	end(&L, PDF_BODY, 6);
	section_polls(&L);
	section_bureau(&L);
	section_journal(&L);
	section_results(&L);
	section_observations(&L);
	section_signatures(&L);
	return L.failed ? ISO_E_NOMEM : ISO_OK;
}

/* ---- the PDF ---- */

static void pdf_new_page(void *arg, const char *note)
{
	pdf_page(arg, note);
}

static void pdf_block(void *arg, enum pdf_style style, const char *text, double space_mm)
{
	pdf_text(arg, style, text, space_mm);
}

int proces_verbal_pdf_pages(const unsigned char *pdf, size_t len)
{
	static const char tree[] = "/Type /Pages", count[] = "/Count ";
	const unsigned char *at = memmem(pdf, len, tree, sizeof tree - 1), *end, *c;
	int n = 0;
	if (at == NULL)
		return 0;
	end = memmem(at, len - (size_t)(at - pdf), ">>", 2);
	if (end == NULL || (c = memmem(at, (size_t)(end - at), count, sizeof count - 1)) == NULL)
		return 0;
	for (c += sizeof count - 1; c < end && *c >= '0' && *c <= '9' && n < 1000000; c++)
		n = n * 10 + (*c - '0');
	return n;
}

enum iso_err proces_verbal_pdf(enum iso_lang lang, const struct proces_verbal *pv,
			       unsigned char **ret, size_t *ret_len, int *ret_pages)
{
	struct pdf *p;
	unsigned char *data = NULL;
	size_t len = 0;
	enum iso_err err;
	if ((err = pdf_new(lang, &p)) != ISO_OK)
		return err;
	struct proces_verbal_sink sink = {pdf_new_page, pdf_block, p};
	if ((err = proces_verbal_layout(lang, pv, &sink)) != ISO_OK) {
		/* pdf_finish is what frees a pdf */
		if (pdf_finish(p, &data, &len) == ISO_OK)
			pdf_data_free(data, len);
		return err;
	}
	if ((err = pdf_finish(p, &data, &len)) != ISO_OK)
		return err;
	*ret_pages = proces_verbal_pdf_pages(data, len);
	*ret = data;
	*ret_len = len;
	return ISO_OK;
}
