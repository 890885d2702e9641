/* The kiosk's application: the session, the shell on a worker thread, the
 * screens, and the voter's input — touch (activated on release inside the
 * target), keyboard (Tab and arrows move the focus, Enter activates,
 * Escape goes back, F1 or Help turns the voice on and says the screen again), a 5-key pad or two switches (the same keys) — in one
 * focus model. The settings (language, text size, contrast, audio, the
 * screen dark for blind voters) and
 * every field typed return to their defaults when a session ends.
 * Rule: while the worker runs, the main thread never reads the session: it
 * shows the progress screen from a copy that holds nothing. The password
 * fields live in the secure heap and are wiped once handed over. */
#ifndef ISOLOIR_KIOSK_APP_H
#define ISOLOIR_KIOSK_APP_H

#include <SDL.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "kiosk_journal.h"
#include "maintmode.h"
#include "screens.h"
#include "shell.h"
#include "speech.h"

#define APP_PASSWORD_MAX 64

struct app_settings {
	enum iso_lang lang;
	enum ui_text_size size;
	enum ui_contrast theme;
	bool audio;
	int speed, volume; /* speech.h steps */
	bool screen_off;   /* the voice alone, the screen dark: with audio only */
};

/* The spoken guidance: a speaker thread synthesises the latest words and
 * queues them on the audio device (the headphones); newer words cut older
 * ones. */
struct app_voice {
	struct speech *speech;
	SDL_AudioDeviceID dev;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char *pending; /* the words to say next, or NULL */
	enum iso_lang lang;
	int speed, volume;
	unsigned gen;
	bool quit, running;
};

/* What maintenance needs beyond its state machine. */
struct app_maint {
	EVP_PKEY *key;              /* the technician key's public half (not owned), or NULL */
	const char *kiosk;          /* this post's name (its certificate's) */
	const char *journal_path;   /* the journal shown and exported */
	const char *manifest_path;  /* the image's manifest, or NULL */
	const char *sealed;         /* its sealed SHA-256 (kiosk.conf), or NULL */
	const char *enrolment;      /* the enrolment bundle's id, or NULL */
	char devnode[128];          /* the technician's key ("script": the headless script's) */
	char until[128];            /* the token's end, as said */
	int touch_x, touch_y;       /* the test pattern's last touch, or -1 */
	char *journal_text;         /* the journal's page shown */
	char export_dir[256];       /* the headless script's stand-in for a key */
	int64_t offline_until;      /* the registry did not answer: not before */
};

struct app {
	struct session s;
	struct maint_mode mm;
	struct app_maint mt;
	char *blocked; /* why no voting session may open (the image's integrity), or NULL */
	struct shell *sh;
	const struct operation *op;
	SDL_Renderer *r;
	int w, h;
	double px_per_mm;
	struct ui u;
	bool ui_open;
	struct app_settings set, defaults, drawn; /* drawn: what u was opened for */
	char identifier[SESSION_IDENTIFIER_MAX + 1], answer[SESSION_ANSWER_MAX + 1];
	char *password; /* secure heap, APP_PASSWORD_MAX + 1 */
	int field;      /* the field typed into (ID_FIELD_*), or 0 */
	bool keyboard;  /* the on-screen keyboard is shown (touch-only posts) */
	bool shift;     /* its capitals */
	int viewing;    /* the list shown in detail (1..), or 0 */
	int view_page;  /* its page of profession de foi (0..) */
	int focus;      /* the focused target, or 0 */
	int pressed;    /* the target under a press, or 0 */
	struct screen_layout layout;
	enum session_screen last_screen;
	pthread_t worker;
	atomic_bool busy;
	bool joinable;
	int64_t now;
	bool usb_pending, usb_alert; /* applied when the worker is done */
	enum session_action performed; /* the worker's action, for the journal */
	struct kiosk_journal *journal;  /* may be NULL */
	FILE *trace; /* test mode: the screens, targets and focus drawn, never a choice */
	bool traced;
	enum session_screen traced_screen;
	int traced_viewing, traced_page, traced_n, traced_focus, traced_ids[SCREEN_TARGETS_MAX];
	enum mm_screen traced_mm;
	struct app_voice voice;
	enum session_screen spoken_screen;
	int spoken_focus;
	bool spoken_audio;
};

/* Start the spoken guidance on an opened SDL audio subsystem (the kiosk's
 * headphones); without it the audio setting says nothing. */
enum iso_err app_voice_start(struct app *a);

enum iso_err app_init(struct app *a, const struct operation *op, struct shell *sh,
		      SDL_Renderer *r, int w, int h, double px_per_mm, enum iso_lang lang,
		      int64_t now);
void app_free(struct app *a);

/* An SDL event (mouse, keys, text). */
void app_event(struct app *a, const SDL_Event *e);
/* What the voter does, by target: the same as a touch on it. */
void app_activate(struct app *a, int id);
/* Text typed into the focused field. */
void app_text(struct app *a, const char *utf8);
/* A key: SDLK_TAB, SDLK_RETURN, SDLK_ESCAPE, SDLK_BACKSPACE, arrows. */
void app_key(struct app *a, SDL_Keycode k, bool shift);
/* Every loop: start the worker for the session's action, or collect it;
 * the clock (seconds) for the idle watch. */
void app_step(struct app *a, int64_t now);
/* The USB watch's state changed (usb.h): the session pauses or resumes
 * as soon as no request is under way. */
void app_usb(struct app *a, bool alert);
/* Draw the screen (without presenting). */
void app_draw(struct app *a);
/* A target's name ("start", "choice-2", "poll-0", "key-a"...) for the
 * headless script and the trace, and back (0: none). */
void app_target_name(int id, char *buf, size_t size);
int app_target_id(const char *name);
/* A USB key holding a maintenance token (doc, len bytes) was plugged at
 * devnode: checked against the technician key, this post and now, then
 * maintenance asks the PIN (or says why not). The key gone ends it. */
void app_maintenance_key(struct app *a, const char *doc, size_t len, const char *devnode);
void app_maintenance_key_gone(struct app *a, const char *devnode);
/* A maintenance exit status (maintmode.h: MM_EXIT_REBOOT, _POWEROFF), or 0. */
int app_exit_status(const struct app *a);
/* The app's side of maintenance (app_maint.c), called by app.c. */
void maint_app_activate(struct app *a, int id);
void maint_app_key(struct app *a, SDL_Keycode k, bool shift);
void maint_app_step(struct app *a);
void maint_app_draw(struct app *a);
void maint_app_free(struct app *a);
/* app.c's own, for app_maint.c: the voice says words; the focus moves. */
void app_say(struct app *a, const char *words);
void app_move_focus(struct app *a, int step);
/* Tab, Shift-Tab and the arrows move the focus: true when k was one. */
bool app_focus_key(struct app *a, SDL_Keycode k, bool shift);
/* A voter's session is under way (maintenance is refused). */
bool app_voter_present(const struct app *a);

/* The screen shown ("working" while the worker runs). */
enum session_screen app_screen(struct app *a);

#endif
