/* A time as people read it, at the wall-clock time it was written with
 * (an RFC 3339 time and its offset, as operation files give the vote's
 * hours; whatever the machine's time zone): "jeudi 4 décembre 2026 à
 * 8 h 00" (French typography: no-break spaces in "4 décembre", "à 8" and
 * "8 h 00") or "Thursday 4 December 2026 at 8:00". The kiosk's welcome
 * screen and the bureau's letters and minutes say the vote's hours with
 * it. */
#ifndef ISOLOIR_TIMETEXT_H
#define ISOLOIR_TIMETEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* when: "2026-12-04T08:00:00+01:00" (config_parse_time's forms); "?"
 * when it is none. */
void iso_time_text(enum iso_lang lang, const char *when, char *buf, size_t size);

/* t as a journal's or a file's stamp, "2026-12-04T07:00:00Z" (UTC);
 * false when t has no such form. */
#define ISO_TIME_UTC_LEN 32
bool iso_time_utc(int64_t t, char out[ISO_TIME_UTC_LEN]);

#endif
