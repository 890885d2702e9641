/* The configuration files' times (crypto/config.c): UTC with Z, the local
 * time written with its offset from UTC (operation.json's opening hours,
 * e.g. 08:00 in Paris in winter), decimal Unix seconds; and refusals of
 * anything else (impossible dates, offsets out of range, stray bytes). */
#include "../unit/check.h"
#include "config.h"

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
	return check_status();
}
