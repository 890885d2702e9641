/* The bureau's journal of an operation (see ledger.h). */
#include "ledger.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "timetext.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The line's body: its JSON without the hash, keys in order, compact,
 * without the closing brace. */
static char *body_of(json_t *o, size_t *ret_len)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	size_t n;
	if (s == NULL || (n = strlen(s)) < 2 || s[n - 1] != '}') {
		free(s);
		return NULL;
	}
	s[--n] = '\0';
	*ret_len = n;
	return s;
}

/* Walk the journal's complete lines, checking the chain: the entries, the
 * head (the last hash), and the length of the complete lines (a crash may
 * leave a torn last line without its newline: never acknowledged, it is
 * not part of the journal and the next append cuts it off). */
static enum iso_err walk(const char *path, size_t *ret_n, size_t *ret_bad, char head[65],
			 off_t *ret_good, void (*fn)(void *arg, const json_t *entry), void *arg)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;
	off_t good = 0;
	enum iso_err err = ISO_OK;
	memcpy(head, GENESIS, 65);
	*ret_n = *ret_bad = 0;
	*ret_good = 0;
	if (f == NULL)
		return errno == ENOENT ? ISO_OK : ISO_E_IO;
	while ((got = getline(&line, &cap, f)) > 0 && line[got - 1] == '\n') {
		json_t *o;
		const char *h;
		char *body = NULL, *hcopy = NULL, want[65];
		size_t blen = 0;
		bool ok;
		n++;
		line[--got] = '\0';
		o = json_loadb(line, (size_t)got, JSON_REJECT_DUPLICATES, NULL);
		h = json_string_value(json_object_get(o, "hash"));
		ok = o != NULL && (size_t)got <= LEDGER_LINE_MAX && h != NULL && strlen(h) == 64 &&
		     json_integer_value(json_object_get(o, "seq")) == (json_int_t)n &&
		     json_string_value(json_object_get(o, "prev")) != NULL &&
		     strcmp(json_string_value(json_object_get(o, "prev")), head) == 0 &&
		     json_string_value(json_object_get(o, "event")) != NULL &&
		     json_string_value(json_object_get(o, "time")) != NULL &&
		     (hcopy = strdup(h)) != NULL;
		if (ok) {
			/* the line is exactly its canonical form, its hash last */
			json_object_del(o, "hash");
			body = body_of(o, &blen);
			ok = body != NULL && (size_t)got == blen + 75 && strncmp(line, body, blen) == 0 &&
			     strncmp(line + blen, ",\"hash\":\"", 9) == 0 &&
			     strcmp(line + blen + 73, "\"}") == 0;
			if (ok) {
				iso_chain_hash_hex(head, body, blen, want);
				ok = strcmp(want, hcopy) == 0;
			}
			if (ok) {
				json_object_set_new(o, "hash", json_string(hcopy));
				if (fn != NULL)
					fn(arg, o);
				memcpy(head, hcopy, 65);
				good += got + 1;
			}
		}
		free(hcopy);
		free(body);
		json_decref(o);
		if (!ok) {
			*ret_bad = n;
			err = ISO_E_JOURNAL_BROKEN;
			break;
		}
	}
	free(line);
	fclose(f);
	if (err == ISO_OK) {
		*ret_n = n;
		*ret_good = good;
	}
	return err;
}

enum iso_err ledger_verify(const char *path, size_t *ret_entries, size_t *ret_bad_line,
			   void (*fn)(void *arg, const json_t *entry), void *arg)
{
	char head[65];
	off_t good;
	return walk(path, ret_entries, ret_bad_line, head, &good, fn, arg);
}

enum iso_err ledger_append(const char *path, const char *event, json_t *fields, int64_t time)
{
	static const char *const reserved[] = {"seq", "time", "event", "prev", "hash"};
	size_t n = 0, bad = 0, blen = 0, llen;
	char when[ISO_TIME_UTC_LEN], *body = NULL, *line = NULL, prev[65], head[65];
	json_t *o = NULL, *value;
	const char *key;
	off_t good = 0;
	enum iso_err err = ISO_E_INVALID_ARG;
	int fd = -1;
	if (!json_is_object(fields) || event == NULL)
		goto out;
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (json_object_get(fields, reserved[i]) != NULL)
			goto out;
	if ((err = walk(path, &n, &bad, prev, &good, NULL, NULL)) != ISO_OK)
		goto out;
	err = ISO_E_INVALID_ARG;
	if (!iso_time_utc(time, when))
		goto out;
	err = ISO_E_NOMEM;
	if ((o = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)(n + 1), "time", when, "event",
			   event)) == NULL)
		goto out;
	json_object_foreach(fields, key, value)
		json_object_set(o, key, value);
	json_object_set_new(o, "prev", json_string(prev));
	if ((body = body_of(o, &blen)) == NULL)
		goto out;
	iso_chain_hash_hex(prev, body, blen, head);
	if ((line = malloc(blen + 80)) == NULL)
		goto out;
	llen = (size_t)snprintf(line, blen + 80, "%s,\"hash\":\"%s\"}\n", body, head);
	err = ISO_E_TOO_LARGE;
	if (llen - 1 > LEDGER_LINE_MAX)
		goto out;
	err = ISO_E_IO;
	/* a torn line of a crashed append is cut off first */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) < 0 || ftruncate(fd, good) != 0 ||
	    lseek(fd, good, SEEK_SET) != good || write(fd, line, llen) != (ssize_t)llen ||
	    fsync(fd) != 0)
		goto out;
	err = ISO_OK;
out:
	if (fd >= 0)
		close(fd);
	free(line);
	free(body);
	json_decref(o);
	json_decref(fields);
	return err;
}
