/* The kiosk's maintenance mode (issue 6, R-D11-INTERV) as a state machine
 * with no window, no network and no USB, like the voter's session: the app
 * feeds it what happens (a technician's key with its token checked, the
 * PIN typed, the screens chosen, the key removed, the clock) and performs
 * the actions it asks for (a check of the network, the clock, the audio,
 * the USB devices, the journal's export, a restart), reporting their
 * outcome. Every entry, refusal, action and exit becomes an event (its
 * journal type, outcome and detail: the technician, the token's id, the
 * action), queued for the app to journal and send to the registry at once.
 * Rules: maintenance starts only outside a voter's session, with a token
 * valid for this kiosk and now, and its PIN (three wrong PINs lock it for
 * 15 minutes); it never reaches a credential, a ballot or the urn; it ends
 * when the technician leaves, removes the key, or after 10 idle minutes. */
#ifndef ISOLOIR_KIOSK_MAINTMODE_H
#define ISOLOIR_KIOSK_MAINTMODE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "events.h"
#include "kiosk_journal.h"
#include "maintenance.h"

#define MM_PIN_TRIES 3
#define MM_LOCK_S 900
#define MM_IDLE_S 600
#define MM_EVENTS_MAX 8
#define MM_RESULT_MAX 4096
/* the kiosk's exit statuses the image's service turns into a restart of
 * the machine or its power off (provisioning/) */
#define MM_EXIT_REBOOT 10
#define MM_EXIT_POWEROFF 11

enum mm_screen {
	MM_OFF,      /* not in maintenance */
	MM_REFUSED,  /* a key refused: why, until it is removed */
	MM_PIN,      /* the token is good: the PIN */
	MM_MENU,     /* the tools */
	MM_VERSION,  /* version and integrity */
	MM_NETWORK,  /* each server reached, its key against its pin */
	MM_CLOCK,    /* the offset to the registry's clock */
	MM_PATTERN,  /* screen and touch test pattern */
	MM_KEYBOARD, /* the last key pressed */
	MM_AUDIO,    /* a test sentence in the headphones */
	MM_USB,      /* the USB devices */
	MM_JOURNAL,  /* the kiosk's journal (never a vote) */
	MM_EXPORT,   /* the journal written to the technician's key */
	MM_POWER     /* restart or shut down */
};
#define MM_TOOLS_FIRST MM_VERSION
#define MM_TOOLS_LAST MM_POWER
const char *mm_screen_name(enum mm_screen s);

/* What the app must do for the screen shown. */
enum mm_action {
	MMA_NONE,
	MMA_VERSION,
	MMA_NETWORK,
	MMA_CLOCK,
	MMA_AUDIO,
	MMA_USB,
	MMA_JOURNAL,
	MMA_EXPORT
};

struct mm_event {
	enum kiosk_event ev;
	enum journal_outcome outcome;
	char detail[KIOSK_DETAIL_MAX + 1];
};

struct maint_mode {
	enum mm_screen screen;
	enum iso_err refusal;      /* MM_REFUSED: why */
	bool have_token;
	struct maint_token tok;
	char pin[MAINT_PIN_MAX + 1]; /* wiped when submitted or left */
	int failures;              /* wrong PINs in a row */
	int64_t locked_until;
	int64_t last_activity;
	enum mm_action action;     /* asked of the app, until mm_done */
	char result[MM_RESULT_MAX]; /* the last action's report */
	bool result_ok;
	char key_seen[128];        /* the keyboard test: the last key's name */
	int journal_page;
	int exit_status;           /* MM_EXIT_* once asked, else 0 */
	struct mm_event events[MM_EVENTS_MAX];
	int nevents;
};

void mm_init(struct maint_mode *m);
static inline bool mm_active(const struct maint_mode *m)
{
	return m->screen != MM_OFF;
}

/* A USB key holding a maintenance token was plugged: err is its check
 * (maint_token_check, or ISO_E_NO_TECHNICIAN_KEY), tok its content when
 * err is ISO_OK; voter_present: a voter's session is under way
 * (ISO_E_MAINT_SESSION). Refused → MM_REFUSED, else MM_PIN. */
void mm_key_inserted(struct maint_mode *m, enum iso_err err, const struct maint_token *tok,
		     bool voter_present, int64_t now);
/* The technician's key is gone: maintenance ends. */
void mm_key_removed(struct maint_mode *m, int64_t now);

/* The PIN: a digit, erase, submit (checked in constant time). */
void mm_pin_digit(struct maint_mode *m, char digit, int64_t now);
void mm_pin_erase(struct maint_mode *m, int64_t now);
void mm_pin_submit(struct maint_mode *m, int64_t now);

/* From the menu: a tool's screen (its action asked); back: the menu from
 * a tool, leaving from the menu or the PIN. */
void mm_open(struct maint_mode *m, enum mm_screen s, int64_t now);
void mm_back(struct maint_mode *m, int64_t now);
/* The action's outcome and its report (shown on its screen). */
void mm_done(struct maint_mode *m, bool ok, const char *report);
/* The keyboard test: a key's name. */
void mm_key_seen(struct maint_mode *m, const char *name, int64_t now);
/* The journal's pages. */
void mm_journal_page(struct maint_mode *m, int delta, int64_t now);
/* Restart (reboot) or shut down (poweroff): maintenance ends, exit_status set. */
void mm_power(struct maint_mode *m, bool poweroff, int64_t now);
/* The clock: 10 idle minutes end maintenance. */
void mm_tick(struct maint_mode *m, int64_t now);

/* The events to journal and send, oldest first; the app takes them all. */
int mm_take_events(struct maint_mode *m, struct mm_event *out, int max);

#endif
