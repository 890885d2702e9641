/* The kiosk's screens: each session screen drawn with ui/ from the session,
 * the operation and the voter's settings, and the places a touch or the
 * focus can land (targets), so that touch, keyboard and switches share one
 * focus model. Every list of a poll and the blank vote are on one screen,
 * never scrolled (R-D11-SCREEN): screen_draw says when they cannot fit. */
#ifndef ISOLOIR_KIOSK_SCREENS_H
#define ISOLOIR_KIOSK_SCREENS_H

#include <stdbool.h>

#include "draw.h"
#include "maintmode.h"
#include "operation.h"
#include "session.h"
#include "strings.h"

/* What a target does when activated. */
enum target_id {
	ID_START = 1,
	ID_LANGUAGE,
	ID_TEXT_SIZE,
	ID_CONTRAST,
	ID_AUDIO,
	ID_FIELD_IDENTIFIER,
	ID_FIELD_PASSWORD,
	ID_FIELD_ANSWER,
	ID_LOG_IN,
	ID_BACK,
	ID_FINISH,
	ID_TO_REVIEW,
	ID_CHANGE,
	ID_CONFIRM,
	ID_VALIDATE,
	ID_CONTINUE,
	ID_YES,
	ID_RETRY,
	ID_KEY_BACKSPACE,
	ID_KEY_SHIFT,
	ID_DETAILS,
	ID_VIEW_PREV,
	ID_VIEW_NEXT,
	ID_VIEW_CLOSE,
	ID_SPEED,
	ID_VOLUME,
	ID_VIEW_PAGE_PREV, /* the pages of a long profession de foi */
	ID_VIEW_PAGE_NEXT,
	ID_POLL = 100,  /* + poll index */
	ID_CHOICE = 200, /* + choice (0 blank, 1.. lists) */
	/* the technician's maintenance mode */
	ID_M_TOOL = 300, /* + enum mm_screen */
	ID_M_DIGIT = 400, /* + digit */
	ID_M_PIN_ERASE = 410,
	ID_M_PIN_OK,
	ID_M_LEAVE,
	ID_M_MENU,
	ID_M_AGAIN,
	ID_M_REBOOT,
	ID_M_POWEROFF,
	ID_M_PAGE_PREV,
	ID_M_PAGE_NEXT,
	ID_KEY = 1000   /* + the character of an on-screen key (ASCII) */
};

#define SCREEN_TARGETS_MAX 128

struct target {
	SDL_Rect box;
	int id;
	char label[256]; /* what the spoken guidance says of it */
};

struct screen_layout {
	struct target t[SCREEN_TARGETS_MAX];
	int n;
	bool overflow;     /* the lists did not fit on one screen */
	int view_pages;    /* the pages of the profession de foi shown (1 when it fits) */
	/* the page's title, text and notice, to be read: room for a page of a
	 * profession de foi at the smallest text on a full-HD panel */
	char spoken[8192];
};

/* What is shown beyond the session: the settings, the focus, the text
 * typed in the fields (the password only as its count of characters). */
struct screen_view {
	enum iso_lang lang;
	bool audio;
	int focus;                 /* a target id, or 0 */
	const char *identifier, *answer;
	int password_len;          /* shown as dots */
	int countdown;             /* seconds left on "still there?" */
	const struct operation *op;
	bool keyboard;             /* an on-screen keyboard (touch-only posts) */
	bool shift;                /* its capitals */
	int field;                 /* the field typed into (ID_FIELD_*), or 0 */
	int viewing;               /* the list shown in detail (1..), or 0 */
	int view_page;             /* its page of profession de foi (0..) */
	int speed, volume;         /* the speech's steps (speech.h) */
	bool screen_off;           /* the voice alone, the screen dark (the welcome's label) */
};

void screen_draw(struct ui *u, const struct session *s, const struct screen_view *v,
		 struct screen_layout *out);

/* The maintenance mode's screens (maintmode.h): v gives the language and
 * the focus; the journal's text (its lines, newest last) for MM_JOURNAL;
 * the touches of the test pattern. */
struct maint_view {
	const char *journal;     /* MM_JOURNAL: the entries, a line each */
	int touch_x, touch_y;    /* MM_PATTERN: the last touch, or -1 */
	const char *until;       /* MM_PIN: the token's end, as said */
};
/* A page that only says: its title, text, notice (may be NULL) and lines
 * (may be NULL), no target: the enrolment's, a post not as sealed. */
void screen_draw_notice(struct ui *u, const struct screen_view *v, const char *title,
			const char *text, const char *notice, const char *lines,
			struct screen_layout *out);
void screen_draw_maintenance(struct ui *u, const struct maint_mode *m, const struct screen_view *v,
			     const struct maint_view *mv, struct screen_layout *out);
/* The target under a point, or 0. */
int screen_hit(const struct screen_layout *l, int x, int y);

#endif
