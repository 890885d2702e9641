/* Spoken guidance with espeak-ng (see speech.h). */
#include "speech.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SPEECH_MAX_SAMPLES (22050 * 120) /* two minutes of speech at most */

/* espeak-ng keeps one global state: one synthesis at a time, process-wide */
static pthread_mutex_t engine = PTHREAD_MUTEX_INITIALIZER;

struct speech {
	int hz;
	/* the samples of the synthesis under way */
	int16_t *buf;
	size_t n, cap;
	int failed;
};

static struct speech *current;

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	struct speech *sp = current;
	(void)events;
	if (sp == NULL || wav == NULL || n <= 0)
		return 0;
	if (sp->n + (size_t)n > sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 65536;
		int16_t *nb;
		while (cap < sp->n + (size_t)n)
			cap *= 2;
		if (cap > SPEECH_MAX_SAMPLES || (nb = realloc(sp->buf, cap * sizeof *nb)) == NULL) {
			sp->failed = 1;
			return 1; /* stop */
		}
		sp->buf = nb;
		sp->cap = cap;
	}
	memcpy(sp->buf + sp->n, wav, (size_t)n * sizeof *wav);
	sp->n += (size_t)n;
	return 0;
}

enum iso_err speech_new(struct speech **ret)
{
	static int initialised;
	struct speech *sp = calloc(1, sizeof *sp);
	enum iso_err err = ISO_OK;
	if (sp == NULL)
		return ISO_E_NOMEM;
	pthread_mutex_lock(&engine);
	if (!initialised) {
		espeak_ng_InitializePath(NULL);
		if (espeak_ng_Initialize(NULL) != ENS_OK ||
		    espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) != ENS_OK)
			err = ISO_E_IO;
		else {
			espeak_SetSynthCallback(on_samples);
			initialised = 1;
		}
	}
	if (err == ISO_OK)
		sp->hz = espeak_ng_GetSampleRate();
	pthread_mutex_unlock(&engine);
	if (err != ISO_OK) {
		free(sp);
		return err;
	}
	*ret = sp;
	return ISO_OK;
}

void speech_free(struct speech *sp)
{
	free(sp);
}

int speech_rate_hz(const struct speech *sp)
{
	return sp->hz;
}

double speech_speed_factor(int speed)
{
	static const double f[SPEECH_SPEEDS] = {0.5, 0.75, 1.0, 1.5, 2.0};
	return f[speed >= 0 && speed < SPEECH_SPEEDS ? speed : SPEECH_SPEED_DEFAULT];
}

enum iso_err speech_say(struct speech *sp, const char *utf8, enum iso_lang lang, int speed,
			int volume, int16_t **ret, size_t *ret_n)
{
	enum iso_err err = ISO_OK;
	size_t len = strlen(utf8);
	if (volume < 0 || volume >= SPEECH_VOLUMES)
		volume = SPEECH_VOLUME_DEFAULT;
	pthread_mutex_lock(&engine);
	current = sp;
	sp->buf = NULL;
	sp->n = sp->cap = 0;
	sp->failed = 0;
	if (espeak_ng_SetVoiceByName(lang == ISO_LANG_EN ? "en" : "fr") != ENS_OK ||
	    espeak_ng_SetParameter(espeakRATE, (int)(175 * speech_speed_factor(speed)), 0) != ENS_OK ||
	    espeak_ng_SetParameter(espeakVOLUME, 25 * (volume + 1), 0) != ENS_OK ||
	    espeak_ng_Synthesize(utf8, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) !=
		    ENS_OK ||
	    espeak_ng_Synchronize() != ENS_OK || sp->failed)
		err = ISO_E_IO;
	current = NULL;
	pthread_mutex_unlock(&engine);
	if (err != ISO_OK) {
		if (sp->buf != NULL)
			OPENSSL_cleanse(sp->buf, sp->n * sizeof *sp->buf);
		free(sp->buf);
		sp->buf = NULL;
		return err;
	}
	*ret = sp->buf;
	*ret_n = sp->n;
	sp->buf = NULL;
	return ISO_OK;
}
