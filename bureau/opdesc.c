/* The operation's description, strictly (see opdesc.h). */
#include "opdesc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "jsondoc.h"
#include "voterscsv.h"

static const char *const role_names[] = {"president", "assesseur", "secretaire", "delegue"};

const char *opdesc_role_name(enum opdesc_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "?";
}

/* A refusal: the field and why, then false. */
static bool fail(struct opdesc_where *w, const char *field, enum opdesc_fault f)
{
	w->field = field;
	w->fault = f;
	return false;
}

static char *dup_text(const json_t *o, const char *key, size_t max)
{
	const char *s = iso_json_text(o, key, max, false);
	return s != NULL ? strdup(s) : NULL;
}

/* a relative path without "..", nor empty parts */
static bool path_ok(const char *s)
{
	const char *p = s;
	if (s[0] == '/')
		return false;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

/* an array of 1..max texts of at most maxlen bytes into *ret */
static bool texts_read(const json_t *a, size_t max, size_t maxlen, char ***ret, size_t *ret_n)
{
	size_t i;
	json_t *v;
	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > max ||
	    (*ret = calloc(json_array_size(a), sizeof **ret)) == NULL)
		return false;
	json_array_foreach(a, i, v)
	{
		const char *s = iso_json_text_value(v, maxlen, false);
		(*ret)[i] = s != NULL ? strdup(s) : NULL;
		*ret_n = i + 1;
		if ((*ret)[i] == NULL)
			return false;
	}
	return true;
}

static void texts_free(char **t, size_t n)
{
	for (size_t i = 0; t != NULL && i < n; i++)
		free(t[i]);
	free(t);
}

bool opdesc_code(const struct opdesc *d, const char *code, size_t *ret, bool *ret_college)
{
	for (size_t i = 0; i < d->npolls; i++)
		if (d->polls[i].code != NULL && strcmp(d->polls[i].code, code) == 0) {
			*ret = i;
			*ret_college = false;
			return true;
		}
	for (size_t i = 0; i < d->ncolleges; i++)
		if (d->colleges[i].code != NULL && strcmp(d->colleges[i].code, code) == 0) {
			*ret = i;
			*ret_college = true;
			return true;
		}
	return false;
}

/* a code of its own: well formed, not a poll's nor a college's already */
static bool code_read(const json_t *o, const struct opdesc *d, char **ret, struct opdesc_where *w)
{
	size_t at;
	bool college;
	char *code = dup_text(o, "code", OPDESC_CODE_MAX + 1);
	if (code == NULL)
		return fail(w, "code", OPDESC_VALUE);
	/* looked for before it is the current poll's or college's */
	if (!voters_csv_code_check(code) || opdesc_code(d, code, &at, &college)) {
		bool bad = !voters_csv_code_check(code);
		free(code);
		return fail(w, "code", bad ? OPDESC_CODE : OPDESC_DUPLICATE);
	}
	*ret = code;
	return true;
}

static bool list_read(const json_t *o, const struct opdesc_poll *p, size_t k,
		      struct opdesc_list *l, struct opdesc_where *w)
{
	static const char *const keys[] = {"acronym", "name", "candidates", "profession_de_foi",
					   NULL};
	if (!iso_json_keys_are(o, keys))
		return fail(w, "list", OPDESC_KEYS);
	if ((l->acronym = dup_text(o, "acronym", OPDESC_CODE_MAX)) == NULL)
		return fail(w, "acronym", OPDESC_VALUE);
	if ((l->name = dup_text(o, "name", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "name", OPDESC_VALUE);
	for (size_t j = 0; j < k; j++) {
		if (strcmp(p->lists[j].acronym, l->acronym) == 0)
			return fail(w, "acronym", OPDESC_DUPLICATE);
		/* the names are the election's answers, told apart */
		if (strcmp(p->lists[j].name, l->name) == 0)
			return fail(w, "name", OPDESC_DUPLICATE);
	}
	if (!texts_read(json_object_get(o, "candidates"), OPDESC_CANDIDATES_MAX, OPDESC_TEXT_MAX,
			&l->candidates, &l->ncandidates))
		return fail(w, "candidates", OPDESC_VALUE);
	if ((l->profession_path = dup_text(o, "profession_de_foi", 1024)) == NULL)
		return fail(w, "profession_de_foi", OPDESC_VALUE);
	if (!path_ok(l->profession_path))
		return fail(w, "profession_de_foi", OPDESC_PATH);
	return true;
}

static bool poll_read(const json_t *o, struct opdesc *d, size_t i, struct opdesc_where *w)
{
	static const char *const keys[] = {"code",   "name",   "?colleges", "seats",
					   "method", "?blank", "lists",	    NULL};
	struct opdesc_poll *p = &d->polls[i];
	json_t *v, *lists;
	size_t k, at;
	bool college;
	if (!iso_json_keys_are(o, keys))
		return fail(w, "poll", OPDESC_KEYS);
	if (!code_read(o, d, &p->code, w))
		return false;
	if ((p->name = dup_text(o, "name", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "name", OPDESC_VALUE);
	if ((v = json_object_get(o, "colleges")) != NULL) {
		if (!texts_read(v, OPDESC_COLLEGES_MAX, OPDESC_CODE_MAX, &p->colleges, &p->ncolleges))
			return fail(w, "colleges", OPDESC_VALUE);
		for (size_t j = 0; j < p->ncolleges; j++) {
			if (!opdesc_code(d, p->colleges[j], &at, &college) || !college)
				return fail(w, "colleges", OPDESC_UNKNOWN);
			for (size_t m = 0; m < j; m++)
				if (strcmp(p->colleges[m], p->colleges[j]) == 0)
					return fail(w, "colleges", OPDESC_DUPLICATE);
		}
	}
	v = json_object_get(o, "seats");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > SEATS_MAX)
		return fail(w, "seats", OPDESC_VALUE);
	p->seats = (unsigned)json_integer_value(v);
	if (json_string_value(json_object_get(o, "method")) == NULL ||
	    !seats_method_parse(json_string_value(json_object_get(o, "method")), &p->method))
		return fail(w, "method", OPDESC_VALUE);
	v = json_object_get(o, "blank");
	if (v != NULL && !json_is_boolean(v))
		return fail(w, "blank", OPDESC_VALUE);
	p->blank = v == NULL || json_is_true(v);
	lists = json_object_get(o, "lists");
	if (!json_is_array(lists) || json_array_size(lists) == 0 ||
	    json_array_size(lists) > SEATS_LISTS_MAX)
		return fail(w, "lists", OPDESC_VALUE);
	if ((p->lists = calloc(json_array_size(lists), sizeof *p->lists)) == NULL)
		return false;
	json_array_foreach(lists, k, v)
	{
		p->nlists = k + 1;
		w->list = k + 1;
		if (!list_read(v, p, k, &p->lists[k], w))
			return false;
	}
	w->list = 0;
	return true;
}

/* a délégué's "POLL/ACRONYM" */
static bool list_find(const struct opdesc *d, const char *ref, struct opdesc_member *m)
{
	const char *slash = ref != NULL ? strchr(ref, '/') : NULL;
	if (slash == NULL)
		return false;
	for (size_t p = 0; p < d->npolls; p++)
		if (strlen(d->polls[p].code) == (size_t)(slash - ref) &&
		    strncmp(d->polls[p].code, ref, (size_t)(slash - ref)) == 0)
			for (size_t l = 0; l < d->polls[p].nlists; l++)
				if (strcmp(d->polls[p].lists[l].acronym, slash + 1) == 0) {
					m->poll = (int)p;
					m->list = (int)l;
					return true;
				}
	return false;
}

static bool member_read(const json_t *o, struct opdesc *d, size_t i, struct opdesc_where *w)
{
	static const char *const keys[] = {"name", "role", "?list", NULL};
	struct opdesc_member *m = &d->members[i];
	const char *role = json_string_value(json_object_get(o, "role"));
	size_t r;
	m->poll = m->list = -1;
	if (!iso_json_keys_are(o, keys))
		return fail(w, "member", OPDESC_KEYS);
	if ((m->name = dup_text(o, "name", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "name", OPDESC_VALUE);
	for (size_t j = 0; j < i; j++)
		if (strcmp(d->members[j].name, m->name) == 0)
			return fail(w, "name", OPDESC_DUPLICATE);
	for (r = 0; role != NULL && r < 4; r++)
		if (strcmp(role, role_names[r]) == 0)
			break;
	if (role == NULL || r == 4)
		return fail(w, "role", OPDESC_VALUE);
	m->role = (enum opdesc_role)r;
	if ((m->role == ROLE_DELEGUE) != (json_object_get(o, "list") != NULL))
		return fail(w, "list", OPDESC_DELEGATE);
	if (m->role == ROLE_DELEGUE &&
	    !list_find(d, iso_json_text(o, "list", 2 * OPDESC_CODE_MAX + 1, false), m))
		return fail(w, "list", OPDESC_UNKNOWN);
	return true;
}

static bool colleges_read(const json_t *a, struct opdesc *d, struct opdesc_where *w)
{
	static const char *const keys[] = {"code", "name", NULL};
	size_t i;
	json_t *v;
	if (a == NULL)
		return true;
	if (!json_is_array(a) || json_array_size(a) > OPDESC_COLLEGES_MAX)
		return fail(w, "colleges", OPDESC_VALUE);
	if ((d->colleges = calloc(json_array_size(a) + 1, sizeof *d->colleges)) == NULL)
		return false;
	json_array_foreach(a, i, v)
	{
		struct opdesc_college *c = &d->colleges[i];
		w->college = i + 1;
		if (!iso_json_keys_are(v, keys))
			return fail(w, "college", OPDESC_KEYS);
		if (!code_read(v, d, &c->code, w))
			return false;
		d->ncolleges = i + 1;
		if ((c->name = dup_text(v, "name", OPDESC_TEXT_MAX)) == NULL)
			return fail(w, "name", OPDESC_VALUE);
	}
	w->college = 0;
	return true;
}

static bool body_read(const json_t *root, struct opdesc *d, struct opdesc_where *w)
{
	static const char *const keys[] = {"version", "operation", "space",  "opening",
					   "closing", "?helpline", "?board", "?colleges",
					   "polls",   "bureau",	 NULL};
	const json_t *a, *v;
	size_t i, presidents = 0, secretaries = 0;
	if (!iso_json_keys_are(root, keys))
		return fail(w, "version", OPDESC_KEYS);
	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != 1)
		return fail(w, "version", OPDESC_VALUE);
	if ((d->operation = dup_text(root, "operation", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "operation", OPDESC_VALUE);
	if ((d->space = dup_text(root, "space", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "space", OPDESC_VALUE);
	if ((d->opening_text = dup_text(root, "opening", 64)) == NULL ||
	    config_parse_time(d->opening_text, &d->opening) != ISO_OK)
		return fail(w, "opening", OPDESC_VALUE);
	if ((d->closing_text = dup_text(root, "closing", 64)) == NULL ||
	    config_parse_time(d->closing_text, &d->closing) != ISO_OK)
		return fail(w, "closing", OPDESC_VALUE);
	if (d->closing <= d->opening)
		return fail(w, "closing", OPDESC_ORDER);
	if (json_object_get(root, "helpline") != NULL &&
	    (d->helpline = dup_text(root, "helpline", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "helpline", OPDESC_VALUE);
	if (json_object_get(root, "board") != NULL &&
	    (d->board = dup_text(root, "board", OPDESC_TEXT_MAX)) == NULL)
		return fail(w, "board", OPDESC_VALUE);
	if (!colleges_read(json_object_get(root, "colleges"), d, w))
		return false;
	a = json_object_get(root, "polls");
	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > OPDESC_POLLS_MAX)
		return fail(w, "polls", OPDESC_VALUE);
	if ((d->polls = calloc(json_array_size(a), sizeof *d->polls)) == NULL)
		return false;
	json_array_foreach(a, i, v)
	{
		d->npolls = i + 1;
		w->poll = i + 1;
		if (!poll_read(v, d, i, w))
			return false;
	}
	w->poll = 0;
	a = json_object_get(root, "bureau");
	if (!json_is_array(a) || json_array_size(a) > OPDESC_MEMBERS_MAX)
		return fail(w, "bureau", OPDESC_VALUE);
	if (json_array_size(a) < 4)
		return fail(w, "bureau", OPDESC_QUORUM);
	if ((d->members = calloc(json_array_size(a), sizeof *d->members)) == NULL)
		return false;
	json_array_foreach(a, i, v)
	{
		d->nmembers = i + 1;
		w->member = i + 1;
		if (!member_read(v, d, i, w))
			return false;
		presidents += d->members[i].role == ROLE_PRESIDENT;
		secretaries += d->members[i].role == ROLE_SECRETAIRE;
	}
	w->member = 0;
	if (presidents != 1 || secretaries > 1)
		return fail(w, "bureau", OPDESC_ROLES);
	return true;
}

enum iso_err opdesc_parse(const char *json, size_t len, struct opdesc **ret,
			  struct opdesc_where *where)
{
	struct opdesc_where w;
	struct opdesc *d = NULL;
	json_t *root = NULL;
	json_error_t je;
	enum iso_err err = ISO_E_CONFIG;
	memset(&w, 0, sizeof w);
	*ret = NULL;
	if (len > OPDESC_FILE_MAX) {
		fail(&w, NULL, OPDESC_TOO_LARGE);
	} else if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		fail(&w, NULL, OPDESC_JSON);
		w.line = je.line;
		w.column = je.column;
	} else if ((d = calloc(1, sizeof *d)) == NULL) {
		err = ISO_E_NOMEM;
	} else if (body_read(root, d, &w)) {
		*ret = d;
		d = NULL;
		memset(&w, 0, sizeof w);
		err = ISO_OK;
	} else if (w.fault == OPDESC_OK) {
		err = ISO_E_NOMEM; /* refused by nothing but an allocation */
	}
	opdesc_free(d);
	json_decref(root);
	if (where != NULL)
		*where = w;
	return err;
}

enum iso_err opdesc_read_professions(struct opdesc *d, const char *basedir,
				     struct opdesc_where *where)
{
	memset(where, 0, sizeof *where);
	for (size_t p = 0; p < d->npolls; p++)
		for (size_t l = 0; l < d->polls[p].nlists; l++) {
			struct opdesc_list *li = &d->polls[p].lists[l];
			size_t n = strlen(basedir) + strlen(li->profession_path) + 2, len = 0;
			char *path = malloc(n), *text = NULL;
			json_t *s;
			enum iso_err err;
			where->poll = p + 1;
			where->list = l + 1;
			where->field = "profession_de_foi";
			if (path == NULL)
				return ISO_E_NOMEM;
			snprintf(path, n, "%s/%s", basedir, li->profession_path);
			err = iso_file_read(path, OPDESC_PROFESSION_MAX, &text, &len);
			free(path);
			if (err == ISO_E_TOO_LARGE) {
				where->fault = OPDESC_TEXT_FILE;
				return ISO_E_CONFIG;
			}
			if (err != ISO_OK) {
				where->fault = OPDESC_UNREADABLE;
				return err;
			}
			/* UTF-8 (jansson's check), no NUL nor control character
			 * but newlines (the check of every text) */
			s = json_stringn(text, len);
			if (s == NULL || iso_json_text_value(s, OPDESC_PROFESSION_MAX, true) == NULL) {
				json_decref(s);
				free(text);
				where->fault = OPDESC_TEXT_FILE;
				return ISO_E_CONFIG;
			}
			json_decref(s);
			free(li->profession_de_foi);
			li->profession_de_foi = text;
		}
	memset(where, 0, sizeof *where);
	return ISO_OK;
}

void opdesc_free(struct opdesc *d)
{
	if (d == NULL)
		return;
	for (size_t p = 0; p < d->npolls; p++) {
		struct opdesc_poll *pl = &d->polls[p];
		for (size_t l = 0; l < pl->nlists; l++) {
			free(pl->lists[l].acronym);
			free(pl->lists[l].name);
			free(pl->lists[l].profession_path);
			free(pl->lists[l].profession_de_foi);
			texts_free(pl->lists[l].candidates, pl->lists[l].ncandidates);
		}
		free(pl->lists);
		texts_free(pl->colleges, pl->ncolleges);
		free(pl->code);
		free(pl->name);
	}
	free(d->polls);
	for (size_t c = 0; c < d->ncolleges; c++) {
		free(d->colleges[c].code);
		free(d->colleges[c].name);
	}
	free(d->colleges);
	for (size_t m = 0; m < d->nmembers; m++)
		free(d->members[m].name);
	free(d->members);
	free(d->operation);
	free(d->space);
	free(d->opening_text);
	free(d->closing_text);
	free(d->helpline);
	free(d->board);
	free(d);
}

static const char *fault_text(enum opdesc_fault f, bool en)
{
	switch (f) {
	case OPDESC_JSON:
		return en ? "not JSON" : "ce n’est pas du JSON";
	case OPDESC_TOO_LARGE:
		return en ? "the file is too large" : "le fichier est trop grand";
	case OPDESC_KEYS:
		return en ? "a key is missing or not expected" : "une clé manque ou n’est pas attendue";
	case OPDESC_VALUE:
		return en ? "missing, empty, too long or out of range"
			  : "absent, vide, trop long ou hors des bornes";
	case OPDESC_CODE:
		return en ? "a code is letters, digits, - and _ (32 at most)"
			  : "un code s’écrit en lettres, chiffres, - et _ (32 au plus)";
	case OPDESC_DUPLICATE:
		return en ? "given twice (polls and colleges share their codes)"
			  : "donné deux fois (scrutins et collèges partagent leurs codes)";
	case OPDESC_UNKNOWN:
		return en ? "names no college, or no list of a poll"
			  : "ne désigne aucun collège, ou aucune liste d’un scrutin";
	case OPDESC_ORDER:
		return en ? "the closing is not after the opening"
			  : "la clôture n’est pas après l’ouverture";
	case OPDESC_PATH:
		return en ? "a relative path inside the description's folder, without .."
			  : "un chemin relatif dans le dossier de la description, sans ..";
	case OPDESC_TEXT_FILE:
		return en ? "the file is not UTF-8 text of 64 KiB at most"
			  : "le fichier n’est pas du texte UTF-8 de 64 Kio au plus";
	case OPDESC_UNREADABLE:
		return en ? "the file cannot be read" : "le fichier ne peut pas être lu";
	case OPDESC_ROLES:
		return en ? "the bureau needs exactly one president and at most one secretary"
			  : "le bureau a exactement un président et au plus un secrétaire";
	case OPDESC_QUORUM:
		return en ? "the bureau needs at least four members (its quorum)"
			  : "le bureau compte au moins quatre membres (son quorum)";
	case OPDESC_DELEGATE:
		return en ? "a list (POLL/ACRONYM) for each délégué, and for them only"
			  : "une liste (SCRUTIN/SIGLE) pour chaque délégué, et pour eux seuls";
	default:
		return en ? "refused" : "refusé";
	}
}

void opdesc_where_format(const struct opdesc_where *w, enum iso_lang lang, char *buf,
			 size_t size)
{
	bool en = lang == ISO_LANG_EN;
	size_t n = 0;
	buf[0] = '\0';
#define ADD(...)                                                           \
	do {                                                               \
		if (n < size)                                              \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
	if (w->line > 0)
		ADD(en ? "line %d, column %d, " : "ligne %d, colonne %d, ", w->line, w->column);
	if (w->college > 0)
		ADD(en ? "college %zu, " : "collège %zu, ", w->college);
	if (w->poll > 0)
		ADD(en ? "poll %zu, " : "scrutin %zu, ", w->poll);
	if (w->list > 0)
		ADD(en ? "list %zu, " : "liste %zu, ", w->list);
	if (w->member > 0)
		ADD(en ? "bureau member %zu, " : "membre du bureau %zu, ", w->member);
	if (w->field != NULL)
		ADD(en ? "field %s, " : "champ %s, ", w->field);
	ADD("%s", fault_text(w->fault, en));
#undef ADD
}
