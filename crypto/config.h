/* The configuration files of the servers and the kiosk: one "key = value" per line, '#'
 * comments, blank lines ignored, each key at most once, values UTF-8
 * without control characters. Every refusal names the line. Times are
 * ISO 8601 UTC ("2026-12-03T18:00:00Z") or Unix seconds. */
#ifndef ISOLOIR_CONFIG_H
#define ISOLOIR_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CONFIG_MAX_SIZE (64 * 1024)
#define CONFIG_MAX_ENTRIES 256

struct config;

/* Parse text: ISO_E_CONFIG with the 1-based line in *ret_line. */
enum iso_err config_parse(const char *text, size_t len, struct config **ret, int *ret_line);
/* Read and parse a file (ISO_E_IO if it cannot be read). */
enum iso_err config_read(const char *path, struct config **ret, int *ret_line);
void config_free(struct config *c);

/* ISO_E_CONFIG naming the first key not in allowed (NULL-terminated). */
enum iso_err config_check_keys(const struct config *c, const char *const *allowed,
			       const char **ret_bad);

/* The value of key, or NULL. */
const char *config_get(const struct config *c, const char *key);
/* A required string: ISO_E_CONFIG when missing. */
enum iso_err config_get_string(const struct config *c, const char *key, const char **ret);
/* An integer in [min, max], def when the key is absent. */
enum iso_err config_get_int(const struct config *c, const char *key, int64_t min, int64_t max,
			    int64_t def, int64_t *ret);
/* A time, def when absent. */
enum iso_err config_get_time(const struct config *c, const char *key, int64_t def, int64_t *ret);

/* "2026-12-03T18:00:00Z", "2026-12-03T19:00:00+01:00" (the offset from UTC
 * of the local time written) or decimal Unix seconds. */
enum iso_err config_parse_time(const char *s, int64_t *ret);
/* The same, and the offset from UTC written (seconds; 0 for Z or Unix
 * seconds): the wall-clock time is *ret + *ret_offset. */
enum iso_err config_parse_time_offset(const char *s, int64_t *ret, int *ret_offset);

#endif
