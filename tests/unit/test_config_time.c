/* The configuration files' times (crypto/config.c): UTC with Z, the local
 * time written with its offset from UTC (operation.json's opening hours,
 * e.g. 08:00 in Paris in winter), decimal Unix seconds; and refusals of
 * anything else (impossible dates, offsets out of range, stray bytes);
 * such a time said as people read it, at the wall-clock time written,
 * whatever the machine's time zone (iso_time_text). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/check.h"
#include "config.h"
#include "timetext.h"

static int64_t t_of(const char *s)
{
	int64_t t = -1;
	CHECK_ERR(config_parse_time(s, &t), ISO_OK);
	return t;
}

int main(void)
{
	static const char *const bad[] = {
		"2026-12-04T08:00:00",	     "2026-12-04T08:00:00z",	 "2026-12-04 08:00:00Z",
		"2026-13-04T08:00:00Z",	     "2026-02-29T08:00:00Z",	 "2026-12-04T24:00:00Z",
		"2026-12-04T08:00:00+1:00",  "2026-12-04T08:00:00+01:60", "2026-12-04T08:00:00*01:00",
		"2026-12-04T08:00:00+24:00", "2026-12-04T08:00:00+01-00", "-5",
		"12x",			     "",			 "2026-12-04T08:00:00+01:00Z",
	};
	int64_t t;
	/* 2026-12-04T07:00:00Z: 1796367600 */
	CHECK(t_of("2026-12-04T07:00:00Z") == 1796367600);
	CHECK(t_of("2026-12-04T08:00:00+01:00") == 1796367600);
	CHECK(t_of("2026-12-04T02:30:00-04:30") == 1796367600);
	CHECK(t_of("2026-12-04T07:00:00+00:00") == 1796367600);
	CHECK(t_of("1796367600") == 1796367600);
	CHECK(t_of("2028-02-29T00:00:00Z") == 1835395200);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_ERR(config_parse_time(bad[i], &t), ISO_E_CONFIG);

	/* said at the wall-clock time written, whatever the machine's zone */
	setenv("TZ", "America/New_York", 1);
	tzset();
	{
		char buf[128];
		iso_time_text(ISO_LANG_FR, "2026-12-04T08:00:00+01:00", buf, sizeof buf);
		CHECK(strcmp(buf, "vendredi 4\u00a0décembre 2026 à\u00a08\u00a0h\u00a000") == 0);
		iso_time_text(ISO_LANG_EN, "2026-12-04T08:00:00+01:00", buf, sizeof buf);
		CHECK(strcmp(buf, "Friday 4 December 2026 at 8:00") == 0);
		iso_time_text(ISO_LANG_FR, "2026-07-01T09:30:00+02:00", buf, sizeof buf);
		CHECK(strcmp(buf, "mercredi 1\u00a0juillet 2026 à\u00a09\u00a0h\u00a030") == 0);
		iso_time_text(ISO_LANG_EN, "2026-07-01T23:59:00Z", buf, sizeof buf);
		CHECK(strcmp(buf, "Wednesday 1 July 2026 at 23:59") == 0);
		iso_time_text(ISO_LANG_FR, "demain", buf, sizeof buf);
		CHECK(strcmp(buf, "?") == 0);
	}
	return check_status();
}
