/* A voter's session at the kiosk (see session.h). */
#include "session.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const screen_names[] = {
	"welcome", "identify", "polls", "choose",       "review", "validate",
	"working", "receipt",  "error", "still-there", "paused", "end",
};

const char *session_screen_name(enum session_screen s)
{
	return (unsigned)s < sizeof screen_names / sizeof screen_names[0] ? screen_names[s] : "?";
}

static void text_wipe(char **p)
{
	if (*p != NULL) {
		OPENSSL_cleanse(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static void secrets_wipe(struct session *s)
{
	OPENSSL_cleanse(s->verifier, sizeof s->verifier);
	OPENSSL_cleanse(s->answer, sizeof s->answer);
	OPENSSL_cleanse(s->credential, sizeof s->credential);
}

void session_init(struct session *s, int64_t now)
{
	memset(s, 0, sizeof *s);
	s->screen = SCREEN_WELCOME;
	s->current = -1;
	s->now = s->last_activity = s->screen_since = now;
}

void session_set_hours(struct session *s, int64_t opening, int64_t closing)
{
	s->opening = opening;
	s->closing = closing;
}

void session_wipe(struct session *s)
{
	int64_t now = s->now, opening = s->opening, closing = s->closing;
	bool paused = s->paused;
	text_wipe(&s->ticket);
	text_wipe(&s->ballot);
	text_wipe(&s->receipt);
	OPENSSL_cleanse(s, sizeof *s);
	session_init(s, now);
	session_set_hours(s, opening, closing);
	/* a USB alert outlives the session: the staff clears it */
	if (paused) {
		s->paused = true;
		s->before_pause = SCREEN_WELCOME;
		s->screen = SCREEN_PAUSED;
	}
}

/* The screen shown, or the one to come back to after a USB pause. */
static void go(struct session *s, enum session_screen sc)
{
	if (s->paused)
		s->before_pause = sc;
	else
		s->screen = sc;
	s->screen_since = s->now;
}

static enum session_screen shown(const struct session *s)
{
	return s->paused ? s->before_pause : s->screen;
}

/* The voter acts only on the screen shown, never while paused. */
static bool on(const struct session *s, enum session_screen sc)
{
	return !s->paused && s->screen == sc && s->action == ACTION_NONE;
}

static void ask(struct session *s, enum session_action a)
{
	s->action = a;
	s->notice = NOTICE_NONE;
	go(s, SCREEN_WORKING);
}

static void fail(struct session *s, enum session_problem p, const char *message,
		 enum session_action retry)
{
	s->action = ACTION_NONE;
	s->problem = p;
	s->failed_action = retry;
	snprintf(s->problem_text, sizeof s->problem_text, "%s", message != NULL ? message : "");
	go(s, SCREEN_ERROR);
}

/* The screen that tells why, for a protocol error. */
static enum session_problem problem_of(enum iso_err err)
{
	switch (err) {
	case ISO_E_LOGIN_FAILED:
		return PROBLEM_LOGIN;
	case ISO_E_LOCKED_OUT:
		return PROBLEM_LOCKED;
	case ISO_E_NOT_STARTED:
	case ISO_E_VOTING_CLOSED:
	case ISO_E_URN_NOT_OPEN:
		return PROBLEM_CLOSED;
	case ISO_E_URN_SUSPENDED:
		return PROBLEM_SUSPENDED;
	case ISO_E_ALREADY_VOTED:
	case ISO_E_CREDENTIAL_USED:
		return PROBLEM_ALREADY_VOTED;
	case ISO_E_NETWORK:
		return PROBLEM_NETWORK;
	case ISO_E_PIN_MISMATCH:
	case ISO_E_BAD_RECEIPT:
	case ISO_E_SERVER_ANSWER:
		return PROBLEM_SECURITY;
	default:
		return PROBLEM_OTHER;
	}
}

static bool text_ok(const char *t, size_t max)
{
	return t != NULL && t[0] != '\0' && strlen(t) <= max;
}

/* ---- the voter's acts ---- */

void session_start(struct session *s)
{
	if (!on(s, SCREEN_WELCOME))
		return;
	if (s->closing > 0 && (s->now < s->opening || s->now >= s->closing)) {
		/* outside the vote's hours: said plainly, nothing asked */
		s->problem = PROBLEM_CLOSED;
		go(s, SCREEN_ERROR);
		return;
	}
	go(s, SCREEN_IDENTIFY);
}

void session_identify(struct session *s, const char *identifier, const char *password,
		      const char *answer)
{
	char cred[ISO_CREDENTIAL_LEN + 1];
	if (!on(s, SCREEN_IDENTIFY))
		return;
	if (!text_ok(identifier, SESSION_IDENTIFIER_MAX) || !text_ok(answer, SESSION_ANSWER_MAX) ||
	    password == NULL || password[0] == '\0') {
		s->notice = NOTICE_EMPTY_FIELD;
		return;
	}
	if (iso_credential_parse(password, strlen(password), cred) != ISO_OK) {
		s->notice = NOTICE_BAD_PASSWORD;
		return;
	}
	snprintf(s->identifier, sizeof s->identifier, "%s", identifier);
	snprintf(s->answer, sizeof s->answer, "%s", answer);
	if (iso_registry_verifier(identifier, cred, s->verifier) != ISO_OK) {
		OPENSSL_cleanse(cred, sizeof cred);
		fail(s, PROBLEM_OTHER, NULL, ACTION_NONE);
		return;
	}
	OPENSSL_cleanse(cred, sizeof cred);
	ask(s, ACTION_LOGIN);
}

void session_poll_lists(struct session *s, size_t poll, size_t nlists, bool blank)
{
	if (poll < s->npolls && nlists <= SESSION_CHOICES_MAX) {
		s->polls[poll].nlists = nlists;
		s->polls[poll].blank = blank;
	}
}

void session_choose_poll(struct session *s, size_t poll)
{
	if (!on(s, SCREEN_POLLS) || poll >= s->npolls || s->polls[poll].state == POLL_VOTED ||
	    s->polls[poll].nlists == 0)
		return;
	s->current = (int)poll;
	s->notice = NOTICE_NONE;
	go(s, SCREEN_CHOOSE);
}

void session_touch(struct session *s, int choice)
{
	struct session_poll *p;
	if (!on(s, SCREEN_CHOOSE))
		return;
	p = &s->polls[s->current];
	if (choice < 0 || (size_t)choice > p->nlists || (choice == 0 && !p->blank))
		return;
	s->notice = NOTICE_NONE;
	if (p->choice == -1)
		p->choice = choice;
	else if (p->choice == choice)
		p->choice = -1;
	else
		s->notice = NOTICE_OVERVOTE;
}

void session_review(struct session *s)
{
	if (!on(s, SCREEN_CHOOSE))
		return;
	if (s->polls[s->current].choice < 0) {
		s->notice = NOTICE_NO_CHOICE;
		return;
	}
	s->notice = NOTICE_NONE;
	go(s, SCREEN_REVIEW);
}

void session_change(struct session *s)
{
	if (on(s, SCREEN_REVIEW)) {
		s->notice = NOTICE_NONE;
		go(s, SCREEN_CHOOSE);
	}
}

void session_to_validate(struct session *s)
{
	if (on(s, SCREEN_REVIEW)) {
		s->notice = NOTICE_NONE;
		go(s, SCREEN_VALIDATE);
	}
}

void session_validate(struct session *s, const char *password)
{
	if (!on(s, SCREEN_VALIDATE))
		return;
	if (password == NULL ||
	    iso_credential_parse(password, strlen(password), s->credential) != ISO_OK) {
		OPENSSL_cleanse(s->credential, sizeof s->credential);
		s->notice = NOTICE_BAD_PASSWORD;
		return;
	}
	if (iso_registry_verifier(s->identifier, s->credential, s->verifier) != ISO_OK) {
		secrets_wipe(s);
		fail(s, PROBLEM_OTHER, NULL, ACTION_NONE);
		return;
	}
	ask(s, ACTION_VALIDATE);
}

void session_back(struct session *s)
{
	if (s->paused || s->action != ACTION_NONE)
		return;
	s->notice = NOTICE_NONE;
	switch (s->screen) {
	case SCREEN_IDENTIFY:
		session_wipe(s);
		break;
	case SCREEN_CHOOSE:
		s->current = -1;
		go(s, SCREEN_POLLS);
		break;
	case SCREEN_REVIEW:
		go(s, SCREEN_CHOOSE);
		break;
	case SCREEN_VALIDATE:
		go(s, SCREEN_REVIEW);
		break;
	case SCREEN_ERROR:
		switch (s->problem) {
		case PROBLEM_LOGIN:
		case PROBLEM_LOCKED:
			go(s, SCREEN_IDENTIFY);
			break;
		case PROBLEM_PASSWORD:
			go(s, SCREEN_VALIDATE);
			break;
		case PROBLEM_SECURITY:
			/* never goes on: the session ends */
			session_quit(s);
			return;
		default:
			if (s->token[0] != '\0') {
				s->current = -1;
				go(s, SCREEN_POLLS);
			} else {
				session_wipe(s);
			}
		}
		s->problem = PROBLEM_NONE;
		break;
	default:
		break;
	}
}

void session_next(struct session *s)
{
	bool left = false;
	if (on(s, SCREEN_END)) {
		session_quit(s);
		return;
	}
	if (!on(s, SCREEN_RECEIPT) && !on(s, SCREEN_POLLS))
		return;
	for (size_t i = 0; i < s->npolls; i++)
		left |= s->polls[i].state != POLL_VOTED;
	if (left && s->screen == SCREEN_POLLS && s->notice != NOTICE_POLLS_LEFT) {
		/* never leave a poll unvoted without saying so */
		s->notice = NOTICE_POLLS_LEFT;
		return;
	}
	s->notice = NOTICE_NONE;
	s->current = -1;
	go(s, left && s->screen == SCREEN_RECEIPT ? SCREEN_POLLS : SCREEN_END);
}

void session_retry(struct session *s)
{
	if (!on(s, SCREEN_ERROR) || s->problem != PROBLEM_NETWORK ||
	    s->failed_action == ACTION_NONE)
		return;
	s->problem = PROBLEM_NONE;
	ask(s, s->failed_action);
}

void session_quit(struct session *s)
{
	if (s->action != ACTION_NONE && s->action != ACTION_LOGOUT)
		return; /* a request is under way: its outcome first */
	secrets_wipe(s);
	if (s->token[0] != '\0')
		ask(s, ACTION_LOGOUT);
	else
		session_wipe(s);
}

void session_activity(struct session *s, int64_t now)
{
	s->now = s->last_activity = now;
	if (s->screen == SCREEN_STILL_THERE) {
		s->screen = s->before_idle;
		s->screen_since = now;
	}
}

/* ---- the shell's reports ---- */

void session_tick(struct session *s, int64_t now)
{
	s->now = now;
	if (s->paused || s->action != ACTION_NONE)
		return;
	switch (s->screen) {
	case SCREEN_WELCOME:
	case SCREEN_WORKING:
	case SCREEN_PAUSED:
		return;
	case SCREEN_STILL_THERE:
		if (now - s->screen_since >= SESSION_COUNTDOWN_S) {
			s->screen = s->before_idle;
			session_quit(s);
		}
		return;
	case SCREEN_RECEIPT:
	case SCREEN_END:
		/* closes by itself; an error screen never does */
		if (now - s->screen_since >= SESSION_RECEIPT_S && now - s->last_activity >= SESSION_RECEIPT_S)
			session_next(s);
		return;
	default:
		if (now - s->last_activity >= SESSION_IDLE_S) {
			s->before_idle = s->screen;
			s->screen = SCREEN_STILL_THERE;
			s->screen_since = now;
		}
	}
}

void session_usb(struct session *s, bool alert)
{
	if (alert && !s->paused) {
		s->before_pause = s->screen == SCREEN_STILL_THERE ? s->before_idle : s->screen;
		s->paused = true;
		s->screen = SCREEN_PAUSED;
	} else if (!alert && s->paused) {
		s->paused = false;
		s->screen = s->before_pause;
	}
}

void session_done_login(struct session *s, enum iso_err err, const struct session_login_result *r,
			int64_t retry_after, const char *message)
{
	if (s->action != ACTION_LOGIN)
		return;
	s->action = ACTION_NONE;
	/* the login's secrets served their one purpose */
	secrets_wipe(s);
	if (err == ISO_OK && (r == NULL || r->token == NULL || r->npolls > SESSION_POLLS_MAX ||
			      strlen(r->token) > SESSION_TOKEN_MAX))
		err = ISO_E_SERVER_ANSWER;
	if (err != ISO_OK) {
		s->retry_after = retry_after;
		/* a login is not retried: its secrets are gone, the voter types again */
		fail(s, problem_of(err), message, ACTION_NONE);
		if (err != ISO_E_LOGIN_FAILED && err != ISO_E_LOCKED_OUT)
			OPENSSL_cleanse(s->identifier, sizeof s->identifier);
		return;
	}
	snprintf(s->token, sizeof s->token, "%s", r->token);
	snprintf(s->name, sizeof s->name, "%s", r->name != NULL ? r->name : "");
	s->npolls = r->npolls;
	for (size_t i = 0; i < r->npolls; i++) {
		struct session_poll *p = &s->polls[i];
		memset(p, 0, sizeof *p);
		snprintf(p->uuid, sizeof p->uuid, "%s", r->uuids[i]);
		snprintf(p->name, sizeof p->name, "%s", r->names[i]);
		p->state = r->states[i];
		p->choice = -1;
	}
	go(s, SCREEN_POLLS);
}

void session_done_validate(struct session *s, enum iso_err err, const char *ticket,
			   int64_t retry_after, const char *message)
{
	if (s->action != ACTION_VALIDATE)
		return;
	s->action = ACTION_NONE;
	OPENSSL_cleanse(s->verifier, sizeof s->verifier);
	if (err == ISO_OK && (ticket == NULL || (s->ticket = strdup(ticket)) == NULL))
		err = ISO_E_NOMEM;
	if (err != ISO_OK) {
		OPENSSL_cleanse(s->credential, sizeof s->credential);
		s->retry_after = retry_after;
		if (err == ISO_E_ALREADY_VOTED)
			s->polls[s->current].state = POLL_VOTED;
		fail(s, err == ISO_E_LOGIN_FAILED ? PROBLEM_PASSWORD : problem_of(err), message,
		     ACTION_NONE);
		return;
	}
	ask(s, ACTION_ENCRYPT);
}

void session_done_encrypt(struct session *s, enum iso_err err, const char *ballot,
			  const char *tracker)
{
	struct session_poll *p;
	if (s->action != ACTION_ENCRYPT)
		return;
	s->action = ACTION_NONE;
	/* R-VOTE-02: the password served this poll's ballot, and is gone */
	OPENSSL_cleanse(s->credential, sizeof s->credential);
	p = &s->polls[s->current];
	if (err == ISO_OK && (ballot == NULL || tracker == NULL || strlen(tracker) >= sizeof p->tracker ||
			      (s->ballot = strdup(ballot)) == NULL))
		err = ISO_E_NOMEM;
	if (err != ISO_OK) {
		text_wipe(&s->ticket);
		fail(s, PROBLEM_OTHER, NULL, ACTION_NONE);
		return;
	}
	snprintf(p->tracker, sizeof p->tracker, "%s", tracker);
	ask(s, ACTION_SUBMIT);
}

void session_done_submit(struct session *s, enum iso_err err, const char *receipt,
			 int64_t receipt_time, const char *message)
{
	struct session_poll *p;
	if (s->action != ACTION_SUBMIT)
		return;
	s->action = ACTION_NONE;
	p = &s->polls[s->current];
	if (err == ISO_OK && (receipt == NULL || (s->receipt = strdup(receipt)) == NULL))
		err = ISO_E_NOMEM;
	if (err != ISO_OK) {
		if (err == ISO_E_NETWORK) {
			/* the ballot is kept: "try again" sends the same bytes */
			fail(s, PROBLEM_NETWORK, message, ACTION_SUBMIT);
			return;
		}
		if (err == ISO_E_CREDENTIAL_USED)
			p->state = POLL_VOTED;
		text_wipe(&s->ticket);
		text_wipe(&s->ballot);
		fail(s, problem_of(err), message, ACTION_NONE);
		return;
	}
	/* the ballot is in the urn: the vote is final */
	p->state = POLL_PENDING;
	p->receipt_time = receipt_time;
	text_wipe(&s->ticket);
	text_wipe(&s->ballot);
	ask(s, ACTION_CONFIRM);
}

void session_done_confirm(struct session *s, enum iso_err err, const char *message)
{
	if (s->action != ACTION_CONFIRM)
		return;
	s->action = ACTION_NONE;
	if (err == ISO_E_NETWORK) {
		fail(s, PROBLEM_NETWORK, message, ACTION_CONFIRM);
		return;
	}
	text_wipe(&s->receipt);
	if (err != ISO_OK) {
		fail(s, problem_of(err), message, ACTION_NONE);
		return;
	}
	s->polls[s->current].state = POLL_VOTED;
	go(s, SCREEN_RECEIPT);
}

void session_done_logout(struct session *s)
{
	if (s->action == ACTION_LOGOUT)
		session_wipe(s);
}

bool session_plaintext(const struct session *s, char *buf, size_t size)
{
	const struct session_poll *p;
	size_t n = 0, slots;
	if (s->current < 0 || shown(s) == SCREEN_WELCOME)
		return false;
	p = &s->polls[s->current];
	if (p->choice < 0)
		return false;
	/* blank first when offered, then the lists */
	slots = p->nlists + (p->blank ? 1 : 0);
	if (size < 2 * slots + 8)
		return false;
	n += (size_t)snprintf(buf + n, size - n, "[[");
	for (size_t i = 0; i < slots; i++) {
		size_t choice = p->blank ? i : i + 1;
		n += (size_t)snprintf(buf + n, size - n, "%s%d", i ? "," : "",
				      (int)choice == p->choice ? 1 : 0);
	}
	snprintf(buf + n, size - n, "]]");
	return true;
}
