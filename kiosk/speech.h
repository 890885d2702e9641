/* Spoken guidance (espeak-ng): text to 16-bit mono samples, in French or
 * English, at a speed from 0.5× to 2× and a volume, for the headphones of
 * a voter who asked for it (audio guidance, screen-off mode). The samples
 * are the app's to play (SDL audio). Rule: what is spoken may be the
 * voter's choice: it goes to the headphones and nowhere else — never a
 * log or a file. One synthesis at a time per struct speech (espeak-ng is
 * not reentrant). */
#ifndef ISOLOIR_KIOSK_SPEECH_H
#define ISOLOIR_KIOSK_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SPEECH_SPEEDS 5 /* 0.5×, 0.75×, 1×, 1.5×, 2× */
#define SPEECH_SPEED_DEFAULT 2
#define SPEECH_VOLUMES 4 /* 25, 50, 75, 100 % */
#define SPEECH_VOLUME_DEFAULT 2

struct speech;

/* ISO_E_IO when espeak-ng or its voices are missing. */
enum iso_err speech_new(struct speech **ret);
void speech_free(struct speech *sp);
/* The sample rate of what speech_say produces. */
int speech_rate_hz(const struct speech *sp);
double speech_speed_factor(int speed);

/* Synthesize utf8 (*ret malloc'd, *ret_n samples). */
enum iso_err speech_say(struct speech *sp, const char *utf8, enum iso_lang lang, int speed,
			int volume, int16_t **ret, size_t *ret_n);

#endif
