/* operation.json, strictly (see operation.h). */
#include "operation.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "jsondoc.h"

static enum iso_err server_read(const json_t *o, struct net_server *s, const char *name,
				const char **ret_field)
{
	static const char *const keys[] = {"url", "pin", "?backup", NULL};
	static const char *const bkeys[] = {"url", "pin", NULL};
	const json_t *b = json_object_get(o, "backup");
	memset(s, 0, sizeof *s);
	s->name = name;
	if (!iso_json_keys_are(o, keys) ||
	    net_endpoint_set(&s->primary, iso_json_text(o, "url", NET_URL_MAX, false),
			     iso_json_text(o, "pin", NET_PIN_LEN, false)) != ISO_OK) {
		*ret_field = "url";
		return ISO_E_CONFIG;
	}
	if (b != NULL && (!iso_json_keys_are(b, bkeys) ||
			  net_endpoint_set(&s->backup, iso_json_text(b, "url", NET_URL_MAX, false),
					   iso_json_text(b, "pin", NET_PIN_LEN, false)) != ISO_OK)) {
		*ret_field = "backup";
		return ISO_E_CONFIG;
	}
	return ISO_OK;
}

static char *dup_text(const json_t *o, const char *key, size_t max, bool multiline)
{
	const char *s = iso_json_text(o, key, max, multiline);
	return s != NULL ? strdup(s) : NULL;
}

static enum iso_err list_read(const json_t *o, struct operation_list *l, const char **ret_field)
{
	static const char *const keys[] = {"acronym", "name", "candidates", "profession_de_foi",
					   NULL};
	const json_t *c = json_object_get(o, "candidates"), *v;
	size_t i;
	*ret_field = NULL;
	if (!iso_json_keys_are(o, keys))
		return ISO_E_CONFIG;
	if ((l->acronym = dup_text(o, "acronym", 32, false)) == NULL) {
		*ret_field = "acronym";
		return ISO_E_CONFIG;
	}
	if ((l->name = dup_text(o, "name", OPERATION_TEXT_MAX, false)) == NULL) {
		*ret_field = "name";
		return ISO_E_CONFIG;
	}
	if ((l->profession_de_foi =
		     dup_text(o, "profession_de_foi", OPERATION_PROFESSION_MAX, true)) == NULL) {
		*ret_field = "profession_de_foi";
		return ISO_E_CONFIG;
	}
	*ret_field = "candidates";
	if (!json_is_array(c) || json_array_size(c) == 0 ||
	    json_array_size(c) > OPERATION_CANDIDATES_MAX ||
	    (l->candidates = calloc(json_array_size(c), sizeof *l->candidates)) == NULL)
		return ISO_E_CONFIG;
	json_array_foreach(c, i, v)
	{
		const char *s = json_string_value(v);
		if (s == NULL || json_string_length(v) != strlen(s) || s[0] == '\0' ||
		    strlen(s) > OPERATION_TEXT_MAX || (l->candidates[i] = strdup(s)) == NULL)
			return ISO_E_CONFIG;
		l->ncandidates = i + 1;
		for (const char *p = s; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return ISO_E_CONFIG;
	}
	*ret_field = NULL;
	return ISO_OK;
}

static enum iso_err poll_read(const json_t *o, struct operation_poll *p,
			      struct operation_where *w)
{
	static const char *const keys[] = {"uuid", "name", "election", "urn", "lists", NULL};
	const json_t *lists = json_object_get(o, "lists"), *v;
	const char *election;
	const struct iso_question *q;
	size_t i;
	enum iso_err err;
	if (!iso_json_keys_are(o, keys))
		return ISO_E_CONFIG;
	w->field = "uuid";
	if ((p->uuid = dup_text(o, "uuid", 64, false)) == NULL || !iso_uuid_check(p->uuid))
		return ISO_E_CONFIG;
	w->field = "name";
	if ((p->name = dup_text(o, "name", OPERATION_TEXT_MAX, false)) == NULL)
		return ISO_E_CONFIG;
	w->field = "election";
	election = json_string_value(json_object_get(o, "election"));
	if (election == NULL ||
	    json_string_length(json_object_get(o, "election")) != strlen(election) ||
	    iso_election_parse(election, strlen(election), &p->election) != ISO_OK ||
	    strcmp(p->election->uuid, p->uuid) != 0 || p->election->nquestions != 1)
		return ISO_E_CONFIG;
	q = &p->election->questions[0];
	/* one list among the answers, or blank */
	if (q->max != 1 || q->min > 1)
		return ISO_E_CONFIG;
	if ((err = server_read(json_object_get(o, "urn"), &p->urn, p->uuid, &w->field)) != ISO_OK) {
		w->field = "urn";
		return err;
	}
	w->field = "lists";
	if (!json_is_array(lists) || json_array_size(lists) != q->nanswers ||
	    json_array_size(lists) > OPERATION_LISTS_MAX ||
	    (p->lists = calloc(json_array_size(lists), sizeof *p->lists)) == NULL)
		return ISO_E_CONFIG;
	json_array_foreach(lists, i, v)
	{
		p->nlists = i + 1;
		w->list = i + 1;
		if ((err = list_read(v, &p->lists[i], &w->field)) != ISO_OK)
			return err;
		/* the list is the question's answer of the same rank */
		if (strcmp(p->lists[i].name, q->answers[i]) != 0) {
			w->field = "name";
			return ISO_E_CONFIG;
		}
	}
	w->list = 0;
	w->field = NULL;
	return ISO_OK;
}

static void list_free(struct operation_list *l)
{
	for (size_t i = 0; i < l->ncandidates; i++)
		free(l->candidates[i]);
	free(l->candidates);
	free(l->acronym);
	free(l->name);
	free(l->profession_de_foi);
}

void operation_free(struct operation *op)
{
	if (op == NULL)
		return;
	for (size_t i = 0; i < op->npolls; i++) {
		struct operation_poll *p = &op->polls[i];
		for (size_t k = 0; k < p->nlists; k++)
			list_free(&p->lists[k]);
		free(p->lists);
		iso_election_free(p->election);
		free(p->uuid);
		free(p->name);
	}
	free(op->polls);
	free(op->name);
	free(op->space);
	free(op->opening_text);
	free(op->closing_text);
	free(op);
}

enum iso_err operation_parse(const char *json, size_t len, struct operation **ret,
			     struct operation_where *where)
{
	static const char *const keys[] = {"version", "operation", "space",    "opening",
					   "closing", "registry",  "polls", NULL};
	struct operation_where w = {0, 0, NULL};
	struct operation *op = NULL;
	json_t *root = NULL, *polls, *v;
	enum iso_err err = ISO_E_CONFIG;
	size_t i;
	if (len > OPERATION_FILE_MAX ||
	    (root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		goto out;
	if (!iso_json_keys_are(root, keys) || !json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != 1) {
		w.field = "version";
		goto out;
	}
	if ((op = calloc(1, sizeof *op)) == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	w.field = "operation";
	if ((op->name = dup_text(root, "operation", OPERATION_TEXT_MAX, false)) == NULL)
		goto out;
	w.field = "space";
	if ((op->space = dup_text(root, "space", OPERATION_TEXT_MAX, false)) == NULL)
		goto out;
	w.field = "opening";
	if ((op->opening_text = dup_text(root, "opening", 64, false)) == NULL ||
	    config_parse_time(op->opening_text, &op->opening) != ISO_OK)
		goto out;
	w.field = "closing";
	if ((op->closing_text = dup_text(root, "closing", 64, false)) == NULL ||
	    config_parse_time(op->closing_text, &op->closing) != ISO_OK ||
	    op->closing <= op->opening)
		goto out;
	if (server_read(json_object_get(root, "registry"), &op->registry, "registry", &w.field) !=
	    ISO_OK) {
		w.field = "registry";
		goto out;
	}
	polls = json_object_get(root, "polls");
	w.field = "polls";
	if (!json_is_array(polls) || json_array_size(polls) == 0 ||
	    json_array_size(polls) > OPERATION_POLLS_MAX ||
	    (op->polls = calloc(json_array_size(polls), sizeof *op->polls)) == NULL)
		goto out;
	w.field = NULL;
	json_array_foreach(polls, i, v)
	{
		op->npolls = i + 1;
		w.poll = i + 1;
		if ((err = poll_read(v, &op->polls[i], &w)) != ISO_OK)
			goto out;
		for (size_t k = 0; k < i; k++)
			if (strcmp(op->polls[k].uuid, op->polls[i].uuid) == 0) {
				w.field = "uuid";
				err = ISO_E_CONFIG;
				goto out;
			}
	}
	*ret = op;
	op = NULL;
	w = (struct operation_where){0, 0, NULL};
	err = ISO_OK;
out:
	if (err != ISO_OK && err != ISO_E_NOMEM)
		err = ISO_E_CONFIG;
	operation_free(op);
	json_decref(root);
	if (where != NULL)
		*where = w;
	return err;
}

const struct operation_poll *operation_poll(const struct operation *op, const char *uuid)
{
	for (size_t i = 0; uuid != NULL && i < op->npolls; i++)
		if (strcmp(op->polls[i].uuid, uuid) == 0)
			return &op->polls[i];
	return NULL;
}

void operation_where_format(const struct operation_where *w, enum iso_err err,
			    enum iso_lang lang, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s", iso_strerror(err, lang));
	const char *sep = " (";
	if (n < 0 || (size_t)n >= size)
		return;
	if (w->poll > 0) {
		n += snprintf(buf + n, size - (size_t)n, "%s%s %zu", sep,
			      lang == ISO_LANG_EN ? "poll" : "scrutin", w->poll);
		sep = ", ";
	}
	if (w->list > 0 && (size_t)n < size) {
		n += snprintf(buf + n, size - (size_t)n, "%s%s %zu", sep,
			      lang == ISO_LANG_EN ? "list" : "liste", w->list);
		sep = ", ";
	}
	if (w->field != NULL && (size_t)n < size) {
		n += snprintf(buf + n, size - (size_t)n, "%s%s %s", sep,
			      lang == ISO_LANG_EN ? "field" : "champ", w->field);
		sep = ", ";
	}
	if (sep[0] == ',' && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ")");
}
