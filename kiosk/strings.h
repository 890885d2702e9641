/* The kiosk's words, French (default) and English (gettext), one entry per
 * message.
 * French typography: a narrow no-break space (U+202F) before « : ; ! ? »
 * and inside guillemets, typographic apostrophes, accents on capitals. */
#ifndef ISOLOIR_KIOSK_STRINGS_H
#define ISOLOIR_KIOSK_STRINGS_H

#include <stddef.h>

#include "error.h"

enum msg {
	TXT_WELCOME_TITLE,
	TXT_WELCOME_TEXT,
	TXT_START,
	TXT_LANGUAGE,
	TXT_TEXT_SIZE,
	TXT_CONTRAST,
	TXT_AUDIO,
	TXT_IDENTIFY_TITLE,
	TXT_IDENTIFIER,
	TXT_PASSWORD,
	TXT_PASSWORD_HINT,
	TXT_ANSWER,
	TXT_ANSWER_HINT,
	TXT_LOG_IN,
	TXT_BACK,
	TXT_POLLS_TITLE,
	TXT_POLLS_TEXT,
	TXT_TO_VOTE,
	TXT_VOTED,
	TXT_FINISH,
	TXT_CHOOSE_TEXT,
	TXT_BLANK,
	TXT_BLANK_LINE,
	TXT_TO_REVIEW,
	TXT_REVIEW_TITLE,
	TXT_REVIEW_TEXT,
	TXT_REVIEW_BLANK,
	TXT_CHANGE,
	TXT_CONFIRM,
	TXT_VALIDATE_TITLE,
	TXT_VALIDATE_TEXT,
	TXT_VALIDATE,
	TXT_WORKING,
	TXT_WORKING_TEXT,
	TXT_RECEIPT_TITLE,
	TXT_RECEIPT_TEXT,
	TXT_RECEIPT_TRACKER,
	TXT_RECEIPT_TIME,
	TXT_CONTINUE,
	TXT_STILL_THERE_TITLE,
	TXT_STILL_THERE_TEXT,
	TXT_YES,
	TXT_PAUSED_TITLE,
	TXT_PAUSED_TEXT,
	TXT_END_TITLE,
	TXT_END_TEXT,
	TXT_NOTICE_OVERVOTE,
	TXT_NOTICE_NO_CHOICE,
	TXT_NOTICE_BAD_PASSWORD,
	TXT_NOTICE_EMPTY,
	TXT_PROBLEM_LOGIN,
	TXT_PROBLEM_LOCKED,
	TXT_PROBLEM_CLOSED,
	TXT_PROBLEM_SUSPENDED,
	TXT_PROBLEM_ALREADY_VOTED,
	TXT_PROBLEM_NETWORK,
	TXT_PROBLEM_SECURITY,
	TXT_PROBLEM_PASSWORD,
	TXT_PROBLEM_OTHER,
	TXT_RETRY,
	TXT_CALL_STAFF,
	TXT_ERASE,
	TXT_SPEED,
	TXT_VOLUME,
	TXT_ON,
	TXT_OFF,
	TXT_DETAILS,
	TXT_CANDIDATES,
	TXT_PROFESSION,
	TXT_PREV_LIST,
	TXT_NEXT_LIST,
	TXT_TO_LISTS,
	TXT_UPPER,
	TXT_LOWER,
	TXT_PAGE_PREV,
	TXT_PAGE_NEXT,
	TXT_PAGE_OF,
	TXT_SCREEN_OFF,
	TXT_HOURS,
	TXT_NOTICE_POLL_LEFT,
	TXT_NOTICE_POLLS_LEFT,
	TXT_M_REFUSED_TITLE,
	TXT_M_REFUSED_TEXT,
	TXT_M_PIN_TITLE,
	TXT_M_PIN_TEXT,
	TXT_M_PIN,
	TXT_M_PIN_WRONG,
	TXT_M_OK,
	TXT_M_MENU_TITLE,
	TXT_M_MENU_TEXT,
	TXT_M_LEAVE,
	TXT_M_VERSION,
	TXT_M_NETWORK,
	TXT_M_CLOCK,
	TXT_M_PATTERN,
	TXT_M_KEYBOARD,
	TXT_M_AUDIO,
	TXT_M_USB,
	TXT_M_JOURNAL,
	TXT_M_EXPORT,
	TXT_M_POWER,
	TXT_M_WORKING,
	TXT_M_PATTERN_TEXT,
	TXT_M_KEYBOARD_TEXT,
	TXT_M_KEYBOARD_NONE,
	TXT_M_AUDIO_TEXT,
	TXT_M_AUDIO_SAY,
	TXT_M_AGAIN,
	TXT_M_POWER_TEXT,
	TXT_M_REBOOT,
	TXT_M_POWEROFF,
	TXT_M_MENU,
	TXT_E_TITLE,
	TXT_E_TEXT,
	TXT_E_DONE_TITLE,
	TXT_E_DONE_TEXT,
	TXT_E_REFUSED_TITLE,
	TXT_E_REFUSED_TEXT,
	TXT_I_TITLE,
	TXT_I_TEXT,
	TXT__COUNT
};

/* Bind the English catalogue (LOCALEDIR/en/LC_MESSAGES/isoloir-kiosk.mo;
 * $ISOLOIR_LOCALEDIR overrides); tr does it on first use otherwise. */
void strings_init(const char *localedir);
/* Never NULL. */
const char *tr(enum iso_lang lang, enum msg m);
/* A message with its number ("{n}" in the text) into buf. */
void tr_n(enum iso_lang lang, enum msg m, long long n, char *buf, size_t size);
/* A message with each "{key}" of args replaced by its value, into buf
 * (cut at a whole character when buf is short). */
struct tr_arg {
	const char *key, *value; /* key with its braces: "{from}" */
};
void tr_args(enum iso_lang lang, enum msg m, const struct tr_arg *args, size_t nargs, char *buf,
	     size_t size);
/* A message with a number and the total it counts towards ("{n}" and
 * "{total}": "Page {n} sur {total}") into buf. */
void tr_n_total(enum iso_lang lang, enum msg m, long long n, long long total, char *buf,
		size_t size);

#endif
