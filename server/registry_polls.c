/* registry-polls.json (see registry_polls.h). */
#include "registry_polls.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election.h"
#include "signature.h"

#define PATH_MAX_LEN 4096

void registry_polls_free(struct registry_polls *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		free((char *)ps->v[i].uuid);
		free((char *)ps->v[i].name);
		EVP_PKEY_free(ps->v[i].receipt_key);
		free(ps->key_paths[i]);
	}
	free(ps->v);
	free(ps->key_paths);
	free(ps);
}

static const char *text(json_t *o, const char *key, size_t max)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	if (s == NULL || strlen(s) != json_string_length(v) || !registry_text_ok(s, max))
		return NULL;
	return s;
}

/* one poll's object into slot i; *ret_field names a fault */
static enum iso_err poll_read(json_t *o, const char *base_dir, struct registry_polls *ps,
			      size_t i, const char **ret_field)
{
	const char *uuid, *name, *key;
	size_t need;
	if (!json_is_object(o) || json_object_size(o) != 3) {
		*ret_field = NULL;
		return ISO_E_CONFIG;
	}
	if ((uuid = text(o, "uuid", REGISTRY_POLL_MAX)) == NULL || !iso_uuid_check(uuid)) {
		*ret_field = "uuid";
		return ISO_E_CONFIG;
	}
	for (size_t k = 0; k < i; k++)
		if (strcmp(ps->v[k].uuid, uuid) == 0) {
			*ret_field = "uuid";
			return ISO_E_CONFIG;
		}
	if ((name = text(o, "name", REGISTRY_NAME_MAX)) == NULL) {
		*ret_field = "name";
		return ISO_E_CONFIG;
	}
	if ((key = text(o, "urn_key", PATH_MAX_LEN)) == NULL) {
		*ret_field = "urn_key";
		return ISO_E_CONFIG;
	}
	need = strlen(key) + (base_dir != NULL ? strlen(base_dir) + 2 : 1);
	ps->v[i].uuid = strdup(uuid);
	ps->v[i].name = strdup(name);
	if ((ps->key_paths[i] = malloc(need)) != NULL) {
		if (key[0] == '/' || base_dir == NULL)
			snprintf(ps->key_paths[i], need, "%s", key);
		else
			snprintf(ps->key_paths[i], need, "%s/%s", base_dir, key);
	}
	ps->n = i + 1;
	return ps->v[i].uuid == NULL || ps->v[i].name == NULL || ps->key_paths[i] == NULL
		       ? ISO_E_NOMEM
		       : ISO_OK;
}

enum iso_err registry_polls_parse(const char *json, size_t len, const char *base_dir,
				  struct registry_polls **ret, size_t *ret_poll,
				  const char **ret_field)
{
	json_t *root, *arr;
	struct registry_polls *ps = NULL;
	enum iso_err err = ISO_E_CONFIG;
	size_t n;
	*ret_poll = 0;
	*ret_field = NULL;
	if (len > REGISTRY_POLLS_FILE_MAX)
		return ISO_E_CONFIG;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) || json_object_size(root) != 2 ||
	    json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_integer(json_object_get(root, "version"))) {
		*ret_field = json_is_object(root) ? "version" : NULL;
		goto out;
	}
	arr = json_object_get(root, "polls");
	n = json_array_size(arr);
	if (!json_is_array(arr) || n == 0 || n > REGISTRY_POLLS_COUNT_MAX) {
		*ret_field = "polls";
		goto out;
	}
	err = ISO_E_NOMEM;
	if ((ps = calloc(1, sizeof *ps)) == NULL || (ps->v = calloc(n, sizeof *ps->v)) == NULL ||
	    (ps->key_paths = calloc(n, sizeof *ps->key_paths)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((err = poll_read(json_array_get(arr, i), base_dir, ps, i, ret_field)) != ISO_OK) {
			*ret_poll = i + 1;
			goto out;
		}
	*ret = ps;
	ps = NULL;
out:
	registry_polls_free(ps);
	json_decref(root);
	return err;
}

enum iso_err registry_polls_load_keys(struct registry_polls *ps, size_t *ret_poll)
{
	enum iso_err err;
	for (size_t i = 0; i < ps->n; i++) {
		EVP_PKEY_free(ps->v[i].receipt_key);
		ps->v[i].receipt_key = NULL;
		if ((err = signature_key_read(ps->key_paths[i], 0, &ps->v[i].receipt_key)) !=
		    ISO_OK) {
			*ret_poll = i + 1;
			return err;
		}
	}
	return ISO_OK;
}
