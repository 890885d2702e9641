/* Spoken guidance: a French and an English sentence give speech (samples
 * that are not silence), twice as slow at 0.5× as at 1×, within 30 %;
 * the volume steps scale the loudness. */
#include <stdlib.h>

#include "../unit/check.h"
#include "speech.h"

static double seconds(struct speech *sp, const char *text, enum iso_lang lang, int speed,
		      int volume, double *ret_peak)
{
	int16_t *s = NULL;
	size_t n = 0;
	int peak = 0;
	CHECK_ERR(speech_say(sp, text, lang, speed, volume, &s, &n), ISO_OK);
	for (size_t i = 0; i < n; i++)
		if (abs(s[i]) > peak)
			peak = abs(s[i]);
	free(s);
	*ret_peak = peak;
	return (double)n / speech_rate_hz(sp);
}

int main(void)
{
	struct speech *sp = NULL;
	double normal, slow, fast, loud, quiet, en;
	const char *fr = "Vous pouvez voter ici à chacun de vos scrutins. Touchez une liste, ou le vote blanc.";
	CHECK_ERR(speech_new(&sp), ISO_OK);
	if (sp == NULL)
		return check_status();
	CHECK(speech_rate_hz(sp) > 8000);
	normal = seconds(sp, fr, ISO_LANG_FR, SPEECH_SPEED_DEFAULT, 3, &loud);
	slow = seconds(sp, fr, ISO_LANG_FR, 0, 3, &quiet);
	fast = seconds(sp, fr, ISO_LANG_FR, SPEECH_SPEEDS - 1, 3, &quiet);
	CHECK(normal > 2.0 && normal < 15.0);
	CHECK(slow / normal > 1.4 && slow / normal < 2.6);
	CHECK(fast < normal);
	CHECK(loud > 1000);
	seconds(sp, fr, ISO_LANG_FR, SPEECH_SPEED_DEFAULT, 0, &quiet);
	CHECK(quiet < loud);
	en = seconds(sp, "Touch one list, or the blank vote.", ISO_LANG_EN, SPEECH_SPEED_DEFAULT, 3,
		     &loud);
	CHECK(en > 0.5 && loud > 1000);
	fprintf(stderr, "speech: %.2f s at 1x, %.2f s at 0.5x, %.2f s at 2x\n", normal, slow, fast);
	speech_free(sp);
	return check_status();
}
