/* Strict JSON reading and compact writing (see jsondoc.h), and whole-file
 * reads and atomic writes.
 * Rule: jansson allocates through wipe_malloc/wipe_free, installed before
 * main; every block jansson frees is wiped first, so a secret that went
 * through a JSON value (a channel message, a key share) leaves no copy. */
#include "jsondoc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "number.h"

static void *wipe_malloc(size_t n)
{
	return malloc(n);
}

static void wipe_free(void *ptr)
{
	if (ptr != NULL) {
		OPENSSL_cleanse(ptr, malloc_usable_size(ptr));
		free(ptr);
	}
}

__attribute__((constructor)) static void jsondoc_init(void)
{
	json_set_alloc_funcs(wipe_malloc, wipe_free);
}

enum iso_err iso_json_parse(const char *buf, size_t len, json_t **ret)
{
	json_error_t jerr;
	json_t *v;
	if (len > ISO_JSON_MAX_BYTES)
		return ISO_E_TOO_LARGE;
	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (v == NULL)
		return ISO_E_JSON;
	*ret = v;
	return ISO_OK;
}

enum iso_err iso_json_dump(const json_t *v, char **ret, size_t *ret_len)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		return ISO_E_NOMEM;
	*ret = s;
	if (ret_len != NULL)
		*ret_len = strlen(s);
	return ISO_OK;
}

struct cmp_state {
	const char *buf;
	size_t len, pos;
	bool same;
};

static int cmp_callback(const char *chunk, size_t size, void *data)
{
	struct cmp_state *st = data;
	if (!st->same || size > st->len - st->pos || memcmp(st->buf + st->pos, chunk, size) != 0) {
		st->same = false;
		return -1;
	}
	st->pos += size;
	return 0;
}

bool iso_json_is_canonical(const json_t *v, const char *buf, size_t len)
{
	struct cmp_state st = {buf, len, 0, true};
	if (json_dump_callback(v, cmp_callback, &st, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
		return false;
	return st.same && st.pos == len;
}

/* Same keys as the spec (each once, required ones present) in another
 * order: the document is well formed but not canonical. */
static bool fields_reordered(const json_t *obj, const struct iso_field *fields, size_t n)
{
	size_t present = 0;
	for (size_t k = 0; k < n; k++) {
		json_t *v = json_object_get(obj, fields[k].name);
		if (v == NULL && !fields[k].optional)
			return false;
		present += v != NULL;
	}
	return present == json_object_size(obj);
}

enum iso_err iso_json_fields(const json_t *obj, const struct iso_field *fields, size_t n,
			     json_t **out)
{
	size_t i = 0;
	const char *key;
	json_t *val;
	if (!json_is_object(obj))
		return ISO_E_SHAPE;
	for (size_t k = 0; k < n; k++)
		out[k] = NULL;
	json_object_foreach((json_t *)obj, key, val) {
		while (i < n && strcmp(fields[i].name, key) != 0) {
			if (!fields[i].optional)
				goto mismatch;
			i++;
		}
		if (i == n)
			goto mismatch;
		if (json_typeof(val) != fields[i].type &&
		    !(fields[i].type == JSON_TRUE && json_is_boolean(val)))
			return ISO_E_SHAPE;
		out[i++] = val;
	}
	for (; i < n; i++)
		if (!fields[i].optional)
			return ISO_E_SHAPE;
	return ISO_OK;
mismatch:
	return fields_reordered(obj, fields, n) ? ISO_E_NOT_CANONICAL : ISO_E_SHAPE;
}

enum iso_err iso_json_bn(const json_t *v, BIGNUM **ret)
{
	if (!json_is_string(v))
		return ISO_E_SHAPE;
	if (!iso_dec_is_canonical(json_string_value(v), json_string_length(v)))
		return ISO_E_NUMBER;
	return iso_bn_from_dec(ret, json_string_value(v));
}

json_t *iso_json_of_bn(const BIGNUM *x)
{
	char *d = iso_bn_to_dec(x);
	json_t *s;
	if (d == NULL)
		return NULL;
	s = json_string(d);
	free(d);
	return s;
}

void *iso_grow_wiped(void *p, size_t used, size_t ncap)
{
	char *n = malloc(ncap);
	if (n == NULL)
		return NULL;
	if (p != NULL) {
		memcpy(n, p, used);
		OPENSSL_cleanse(p, used);
		free(p);
	}
	return n;
}

enum iso_err iso_file_read(const char *path, size_t max, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	enum iso_err err = ISO_E_IO;
	if (f == NULL)
		return ISO_E_IO;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			size_t ncap = cap == 0 ? 65536 : cap * 2;
			/* what is read may be a secret (a bundle's key): no copy left */
			char *nb = iso_grow_wiped(buf, len, ncap);
			if (nb == NULL) {
				err = ISO_E_NOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (len > max) {
			err = ISO_E_TOO_LARGE;
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto out;
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	buf = NULL;
	err = ISO_OK;
out:
	if (buf != NULL)
		OPENSSL_cleanse(buf, len < cap ? len : cap);
	free(buf);
	fclose(f);
	return err;
}

enum iso_err iso_file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16), *dircopy = strdup(path);
	int fd = -1, dfd = -1;
	enum iso_err err = ISO_E_IO;
	const char *p = data;
	if (tmp == NULL || dircopy == NULL) {
		err = ISO_E_NOMEM;
		goto out;
	}
	snprintf(tmp, plen + 16, "%s.tmp%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto out;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	err = ISO_OK;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (err != ISO_OK && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dircopy);
	return err;
}

const char *iso_json_text(const json_t *o, const char *key, size_t max, bool multiline)
{
	return iso_json_text_value(json_object_get(o, key), max, multiline);
}

const char *iso_json_text_value(const json_t *v, size_t max, bool multiline)
{
	const char *s = json_string_value(v);
	size_t n;
	/* jansson has checked the UTF-8 */
	if (s == NULL || (n = json_string_length(v)) != strlen(s) || n == 0 || n > max)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(multiline && c == '\n')) || c == 0x7f)
			return NULL;
	}
	return s;
}

bool iso_json_keys_are(const json_t *o, const char *const *keys)
{
	size_t want = 0, have = json_object_size(o);
	if (!json_is_object(o))
		return false;
	for (size_t i = 0; keys[i] != NULL; i++) {
		bool optional = keys[i][0] == '?';
		bool present = json_object_get(o, keys[i] + (optional ? 1 : 0)) != NULL;
		if (!present && !optional)
			return false;
		want += present;
	}
	return want == have;
}

enum iso_err iso_json_file(const char *path, size_t max, json_t **ret)
{
	char *text = NULL;
	size_t len = 0;
	enum iso_err err = iso_file_read(path, max, &text, &len);
	*ret = NULL;
	if (err == ISO_OK && (*ret = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		err = ISO_E_JSON;
	free(text);
	return err;
}

char *iso_json_dumps_line(const json_t *j, size_t flags, size_t *ret_len)
{
	char *text = json_dumps(j, flags), *nl;
	size_t n;
	if (text == NULL)
		return NULL;
	n = strlen(text);
	if ((nl = realloc(text, n + 2)) == NULL) {
		free(text);
		return NULL;
	}
	nl[n] = '\n';
	nl[n + 1] = '\0';
	if (ret_len != NULL)
		*ret_len = n + 1;
	return nl;
}
