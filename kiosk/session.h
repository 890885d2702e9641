/* A voter's session at the kiosk, as a state machine with no window and no
 * network (ARCHITECTURE.md, the vote at the kiosk). The screens feed it
 * what the voter does (session_*), the kiosk's shell performs the work it
 * asks for (session_action: a login, a ticket, an encryption, a
 * submission, an émargement) and feeds back the outcome
 * (session_done_*). Everything the voter typed or chose lives here and
 * nowhere else, and session_wipe erases it (OPENSSL_cleanse).
 * Rules: the password typed at identification only makes the login's
 * verifier and is wiped at once; the password typed at validation serves
 * one poll's encryption and is wiped when it is done (R-VOTE-02). A choice
 * changes only by the voter's act: a second list while one is chosen is an
 * overvote, refused with a notice, never a silent swap. Nothing here is
 * logged; the shell's journal takes the events session_event_name names,
 * never a selection (R-C19-LINK). */
#ifndef ISOLOIR_KIOSK_SESSION_H
#define ISOLOIR_KIOSK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credential.h"
#include "error.h"

#define SESSION_IDENTIFIER_MAX 128
#define SESSION_ANSWER_MAX 256
#define SESSION_NAME_MAX 256
#define SESSION_POLLS_MAX 16
#define SESSION_CHOICES_MAX 64  /* lists of a poll, blank excluded */
#define SESSION_TOKEN_MAX 64
#define SESSION_IDLE_S 300      /* idle before "are you still voting?" */
#define SESSION_COUNTDOWN_S 45  /* then everything is wiped */
#define SESSION_RECEIPT_S 30    /* the receipt closes by itself (never an error) */

enum session_screen {
	SCREEN_WELCOME,    /* language, text size, contrast, audio */
	SCREEN_IDENTIFY,   /* identifier, password, challenge answer */
	SCREEN_POLLS,      /* the voter's polls: to vote / voted */
	SCREEN_CHOOSE,     /* all the lists of one poll and the blank vote */
	SCREEN_REVIEW,     /* the choice, alone, and a clear way to change it */
	SCREEN_VALIDATE,   /* the password again; the vote becomes final */
	SCREEN_WORKING,    /* logging in, encrypting, sending: progress */
	SCREEN_RECEIPT,    /* tracker, time, QR code, how to check */
	SCREEN_ERROR,      /* a refusal or a failure, in plain words */
	SCREEN_STILL_THERE,/* idle: "are you still voting?" with a countdown */
	SCREEN_PAUSED,     /* a USB device appeared: call the staff */
	SCREEN_END         /* thanks; back to welcome */
};
const char *session_screen_name(enum session_screen s);

/* What the shell must do now. */
enum session_action {
	ACTION_NONE,
	ACTION_LOGIN,    /* POST /login with session_login_request */
	ACTION_VALIDATE, /* POST /validate: the ticket for the current poll */
	ACTION_ENCRYPT,  /* encrypt the current poll's choice (session_encrypt_request) */
	ACTION_SUBMIT,   /* POST /ballot to the poll's urn, retried: the same bytes */
	ACTION_CONFIRM,  /* POST /confirm with the receipt */
	ACTION_LOGOUT    /* POST /logout, then the session is wiped */
};

/* Why the error screen is shown: each has its own words and way out. */
enum session_problem {
	PROBLEM_NONE,
	PROBLEM_LOGIN,        /* wrong identifier, password or answer: try again */
	PROBLEM_LOCKED,       /* too many attempts: wait retry_after seconds */
	PROBLEM_CLOSED,       /* not open yet, or closed */
	PROBLEM_SUSPENDED,    /* the bureau suspended the vote */
	PROBLEM_ALREADY_VOTED,/* this poll: already voted */
	PROBLEM_NETWORK,      /* server unreachable: call the staff */
	PROBLEM_SECURITY,     /* a pin mismatch or a bad receipt: call the staff */
	PROBLEM_PASSWORD,     /* the password at validation does not match */
	PROBLEM_OTHER         /* any other refusal (its message shown) */
};

/* A notice on the current screen, without leaving it. */
enum session_notice {
	NOTICE_NONE,
	NOTICE_OVERVOTE,      /* a list is chosen already: unselect it first */
	NOTICE_NO_CHOICE,     /* choose a list or the blank vote before review */
	NOTICE_BAD_PASSWORD,  /* the password's checksum or form is wrong */
	NOTICE_EMPTY_FIELD,   /* a field of the identification is empty */
	NOTICE_POLLS_LEFT     /* "finish" with polls still to vote: once more to leave */
};

enum session_poll_state { POLL_TO_VOTE, POLL_PENDING, POLL_VOTED };

struct session_poll {
	char uuid[64], name[SESSION_NAME_MAX + 1];
	enum session_poll_state state;
	size_t nlists;  /* set by session_poll_lists before it is chosen */
	bool blank;     /* the blank vote is offered */
	int choice;     /* -1 none, 0 blank, 1..nlists a list */
	char tracker[64];
	int64_t receipt_time;
};

struct session {
	enum session_screen screen;
	enum session_action action;
	enum session_problem problem;
	enum session_notice notice;
	char problem_text[256];  /* the server's message for PROBLEM_OTHER */
	int64_t retry_after;

	/* the voter, between login and wipe */
	char identifier[SESSION_IDENTIFIER_MAX + 1];
	char name[SESSION_NAME_MAX + 1];
	char token[SESSION_TOKEN_MAX + 1];
	struct session_poll polls[SESSION_POLLS_MAX];
	size_t npolls;
	int current; /* the poll being voted, or -1 */

	/* secrets, each for one step */
	char verifier[ISO_B64_HASH_LEN + 1];   /* of the identification's password */
	char answer[SESSION_ANSWER_MAX + 1];
	char credential[ISO_CREDENTIAL_LEN + 1];/* the validation's password */

	/* the current poll's ticket, ballot and receipt (JSON texts) */
	char *ticket, *ballot, *receipt;

	/* the vote's hours (operation.json), kept across sessions; 0: none */
	int64_t opening, closing;

	/* idle watch (the shell's clock, seconds) */
	int64_t now, last_activity, screen_since;
	enum session_screen before_idle;
	bool paused;
	enum session_screen before_pause;
	enum session_action failed_action; /* what session_retry asks again */
};

void session_init(struct session *s, int64_t now);
/* Erase everything of the voter and return to welcome. */
void session_wipe(struct session *s);

/* The vote's hours: outside them no session starts (PROBLEM_CLOSED). */
void session_set_hours(struct session *s, int64_t opening, int64_t closing);

/* ---- the voter's acts ---- */

/* Welcome → identification (within the hours, else PROBLEM_CLOSED). */
void session_start(struct session *s);
/* The identification form: the password's form and checksum are checked
 * here (NOTICE_BAD_PASSWORD, immediately); then ACTION_LOGIN. The
 * password is used for the verifier and wiped. */
void session_identify(struct session *s, const char *identifier, const char *password,
		      const char *answer);
/* The polls screen: a poll to vote → its lists (the shell first calls
 * session_poll_lists). Voted polls are not chosen. */
void session_choose_poll(struct session *s, size_t poll);
void session_poll_lists(struct session *s, size_t poll, size_t nlists, bool blank);
/* Touch a list (1..nlists) or the blank vote (0): chooses it, or
 * unchooses it when it is the choice; another while one is chosen is an
 * overvote (NOTICE_OVERVOTE, nothing changes). */
void session_touch(struct session *s, int choice);
/* Choose → review (NOTICE_NO_CHOICE without a choice); review → choose
 * (change); review → validation. */
void session_review(struct session *s);
void session_change(struct session *s);
void session_to_validate(struct session *s);
/* The password again (form checked, NOTICE_BAD_PASSWORD): ACTION_VALIDATE. */
void session_validate(struct session *s, const char *password);
/* Back (Escape): one step back where that loses nothing final. */
void session_back(struct session *s);
/* The receipt screen or the end: on to the polls still to vote, or the
 * end. From the polls screen with polls still to vote, the first "finish"
 * says so (NOTICE_POLLS_LEFT), the second leaves. */
void session_next(struct session *s);
/* The error screen's "try again" after a network failure: the same
 * request again (a submission: the same ballot, so the same receipt). */
void session_retry(struct session *s);
/* The voter leaves: ACTION_LOGOUT (when logged in), then wipe. */
void session_quit(struct session *s);
/* Any touch or key: the idle watch starts again ("still voting?" → yes). */
void session_activity(struct session *s, int64_t now);

/* ---- the shell's reports ---- */

/* The clock, every second: idle → SCREEN_STILL_THERE → wipe; the receipt
 * closes by itself after SESSION_RECEIPT_S. */
void session_tick(struct session *s, int64_t now);
/* A USB device appeared (paused) or the staff cleared it. */
void session_usb(struct session *s, bool alert);

/* The outcome of the action asked for: ISO_OK with its data, or the
 * protocol's error (ISO_E_LOGIN_FAILED, ISO_E_LOCKED_OUT with
 * retry_after, ISO_E_NETWORK, ISO_E_PIN_MISMATCH...); message is the
 * server's (may be NULL). */
struct session_login_result {
	const char *token, *name;
	size_t npolls;
	const char *const *uuids, *const *names;
	const enum session_poll_state *states;
};
void session_done_login(struct session *s, enum iso_err err, const struct session_login_result *r,
			int64_t retry_after, const char *message);
void session_done_validate(struct session *s, enum iso_err err, const char *ticket,
			   int64_t retry_after, const char *message);
/* ballot: the encrypted, signed ballot (its tracker computed by the shell) */
void session_done_encrypt(struct session *s, enum iso_err err, const char *ballot,
			  const char *tracker);
void session_done_submit(struct session *s, enum iso_err err, const char *receipt,
			 int64_t receipt_time, const char *message);
void session_done_confirm(struct session *s, enum iso_err err, const char *message);
void session_done_logout(struct session *s);

/* The plaintext of the current poll's choice in belenios-tool's form,
 * e.g. [[0,1,0,0]] (blank first), into buf. */
bool session_plaintext(const struct session *s, char *buf, size_t size);

#endif
