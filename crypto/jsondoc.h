/* JSON documents as Belenios writes them: compact, fields in a fixed order,
 * optional fields left out. Reading is strict: an object must carry exactly
 * the expected fields, in the expected order, so that one document has one
 * accepted spelling and re-serialising it gives the same bytes. */
#ifndef ISOLOIR_JSONDOC_H
#define ISOLOIR_JSONDOC_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* jansson's allocator is replaced, before main, by one that wipes every block
 * it frees (secrets pass through JSON: channel messages, key shares). Strings
 * returned by iso_json_dump are plain malloc blocks: wipe those that hold a
 * secret before free(). */

/* Largest document we parse: a .bel member or a ballot. */
#define ISO_JSON_MAX_BYTES (64u * 1024 * 1024)

/* Parse len bytes (exactly one JSON value, no trailing bytes). */
enum iso_err iso_json_parse(const char *buf, size_t len, json_t **ret);

/* Compact serialisation; *ret is malloc'd and NUL-terminated. */
enum iso_err iso_json_dump(const json_t *v, char **ret, size_t *ret_len);

/* true if serialising v compactly gives exactly buf[0..len). */
bool iso_json_is_canonical(const json_t *v, const char *buf, size_t len);

struct iso_field {
	const char *name;
	json_type type;
	bool optional;
};

/* Check that obj is an object whose keys are, in order, the listed fields
 * (optional ones may be absent) and have the listed types. Fills out[i] with
 * the value of field i or NULL. ISO_E_SHAPE otherwise. */
enum iso_err iso_json_fields(const json_t *obj, const struct iso_field *fields, size_t n,
			     json_t **out);

/* Configuration documents (the kiosk's operation.json, the bureau's
 * operation description), read strictly: */
/* the string at key, of 1 to max bytes, no NUL inside, no control
 * character (newlines allowed where multiline), or NULL */
const char *iso_json_text(const json_t *o, const char *key, size_t max, bool multiline);
/* the same of a value */
const char *iso_json_text_value(const json_t *v, size_t max, bool multiline);
/* o is an object with exactly these keys, optional ones marked with a
 * leading '?'; keys is NULL-terminated */
bool iso_json_keys_are(const json_t *o, const char *const *keys);

/* A canonical decimal string value → BIGNUM (*ret allocated if NULL). */
enum iso_err iso_json_bn(const json_t *v, BIGNUM **ret);

/* json string of x in decimal */
json_t *iso_json_of_bn(const BIGNUM *x);

/* json_dumps(j, flags) and a newline, as the files written for people
 * end: malloc'd, *ret_len its length (may be NULL); NULL without memory. */
char *iso_json_dumps_line(const json_t *j, size_t flags, size_t *ret_len);

/* Read a whole file (at most max bytes); *ret is NUL-terminated. */
enum iso_err iso_file_read(const char *path, size_t max, char **ret, size_t *ret_len);
/* A buffer grown to ncap bytes, its first used bytes copied and the old
 * one wiped and freed (realloc would leave a copy of a secret behind);
 * NULL (p untouched) when memory is short. */
void *iso_grow_wiped(void *p, size_t used, size_t ncap);
/* A whole file (at most max bytes) parsed as JSON: ISO_E_IO, ISO_E_TOO_LARGE
 * or ISO_E_JSON when it is not one. */
enum iso_err iso_json_file(const char *path, size_t max, json_t **ret);
/* Write a file atomically (temporary file, fsync, rename, fsync of the
 * directory): after a crash the file is either old or new, never partial. */
enum iso_err iso_file_write_atomic(const char *path, const void *data, size_t len, int mode);

#endif
