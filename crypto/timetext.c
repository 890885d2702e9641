/* A time as people read it (see timetext.h). */
#include "timetext.h"

#include <stdio.h>
#include <time.h>

#include "config.h"

void iso_time_text(enum iso_lang lang, const char *when, char *buf, size_t size)
{
	static const char *const days[2][7] = {
		{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}};
	static const char *const months[2][12] = {
		{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
		 "octobre", "novembre", "décembre"},
		{"January", "February", "March", "April", "May", "June", "July", "August",
		 "September", "October", "November", "December"}};
	int64_t t;
	int offset, en = lang == ISO_LANG_EN;
	time_t wall;
	struct tm tm;
	if (size == 0)
		return;
	if (when == NULL || config_parse_time_offset(when, &t, &offset) != ISO_OK ||
	    (wall = (time_t)(t + offset), gmtime_r(&wall, &tm) == NULL)) {
		snprintf(buf, size, "?");
		return;
	}
	if (en)
		snprintf(buf, size, "%s %d %s %d at %d:%02d", days[1][tm.tm_wday], tm.tm_mday,
			 months[1][tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, size, "%s %d\u00a0%s %d à\u00a0%d\u00a0h\u00a0%02d", days[0][tm.tm_wday],
			 tm.tm_mday, months[0][tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

bool iso_time_utc(int64_t t, char out[ISO_TIME_UTC_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	out[0] = '\0';
	return gmtime_r(&tt, &tm) != NULL &&
	       strftime(out, ISO_TIME_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0;
}
