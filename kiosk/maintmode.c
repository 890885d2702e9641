/* The kiosk's maintenance mode (see maintmode.h). */
#include "maintmode.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static const char *const screen_names[] = {
	[MM_OFF] = "off",	      [MM_REFUSED] = "refused", [MM_PIN] = "pin",
	[MM_MENU] = "menu",	      [MM_VERSION] = "version", [MM_NETWORK] = "network",
	[MM_CLOCK] = "clock",	      [MM_PATTERN] = "pattern", [MM_KEYBOARD] = "keyboard",
	[MM_AUDIO] = "audio",	      [MM_USB] = "usb",		[MM_JOURNAL] = "journal",
	[MM_EXPORT] = "export",	      [MM_POWER] = "power",
};

const char *mm_screen_name(enum mm_screen s)
{
	return (unsigned)s <= MM_POWER ? screen_names[s] : "?";
}

void mm_init(struct maint_mode *m)
{
	memset(m, 0, sizeof *m);
}

static void event(struct maint_mode *m, enum kiosk_event ev, enum journal_outcome oc,
		  const char *what)
{
	struct mm_event *e;
	if (m->nevents == MM_EVENTS_MAX) /* the oldest are kept: they say how it began */
		return;
	e = &m->events[m->nevents++];
	e->ev = ev;
	e->outcome = oc;
	if (m->have_token)
		snprintf(e->detail, sizeof e->detail, "technician=%s token=%s%s%s", m->tok.technician,
			 m->tok.id, what[0] != '\0' ? " " : "", what);
	else
		snprintf(e->detail, sizeof e->detail, "%s", what);
}

int mm_take_events(struct maint_mode *m, struct mm_event *out, int max)
{
	int n = m->nevents < max ? m->nevents : max;
	memcpy(out, m->events, (size_t)n * sizeof *out);
	memmove(m->events, m->events + n, (size_t)(m->nevents - n) * sizeof *out);
	m->nevents -= n;
	return n;
}

static void pin_wipe(struct maint_mode *m)
{
	OPENSSL_cleanse(m->pin, sizeof m->pin);
}

/* Back to no maintenance; the token forgotten, the lock and its count kept. */
static void leave(struct maint_mode *m)
{
	int failures = m->failures, exit_status = m->exit_status, n = m->nevents;
	int64_t locked = m->locked_until;
	struct mm_event ev[MM_EVENTS_MAX];
	memcpy(ev, m->events, sizeof ev);
	pin_wipe(m);
	OPENSSL_cleanse(&m->tok, sizeof m->tok);
	mm_init(m);
	m->failures = failures;
	m->locked_until = locked;
	m->exit_status = exit_status;
	memcpy(m->events, ev, sizeof ev);
	m->nevents = n;
}

/* Maintenance ends: the journal says how. */
static void end(struct maint_mode *m, const char *how)
{
	char what[64];
	if (m->screen >= MM_MENU) {
		snprintf(what, sizeof what, "end=%s", how);
		event(m, EV_MAINTENANCE_END, OUTCOME_SUCCESS, what);
	}
	leave(m);
}

void mm_key_inserted(struct maint_mode *m, enum iso_err err, const struct maint_token *tok,
		     bool voter_present, int64_t now)
{
	char what[160];
	if (m->screen != MM_OFF)
		return;
	m->last_activity = now;
	if (err == ISO_OK) {
		m->tok = *tok;
		m->have_token = true;
		if (voter_present)
			err = ISO_E_MAINT_SESSION;
		else if (now < m->locked_until)
			err = ISO_E_MAINT_LOCKED;
	}
	if (err != ISO_OK) {
		m->refusal = err;
		m->screen = MM_REFUSED;
		snprintf(what, sizeof what, "refused=%s", iso_errname(err));
		event(m, EV_MAINTENANCE_REFUSED, OUTCOME_FAILURE, what);
		return;
	}
	if (now >= m->locked_until && m->locked_until != 0) {
		m->locked_until = 0;
		m->failures = 0;
	}
	m->screen = MM_PIN;
}

void mm_key_removed(struct maint_mode *m, int64_t now)
{
	(void)now;
	if (m->screen != MM_OFF)
		end(m, "key-removed");
}

void mm_pin_digit(struct maint_mode *m, char digit, int64_t now)
{
	size_t n = strlen(m->pin);
	if (m->screen != MM_PIN || digit < '0' || digit > '9' || n >= MAINT_PIN_MAX)
		return;
	m->last_activity = now;
	m->pin[n] = digit;
	m->pin[n + 1] = '\0';
}

void mm_pin_erase(struct maint_mode *m, int64_t now)
{
	size_t n = strlen(m->pin);
	if (m->screen != MM_PIN || n == 0)
		return;
	m->last_activity = now;
	m->pin[n - 1] = '\0';
}

void mm_pin_submit(struct maint_mode *m, int64_t now)
{
	char what[64];
	enum iso_err err;
	if (m->screen != MM_PIN)
		return;
	m->last_activity = now;
	err = maint_pin_check(&m->tok, m->pin);
	pin_wipe(m);
	if (err == ISO_OK) {
		m->failures = 0;
		m->screen = MM_MENU;
		event(m, EV_MAINTENANCE_START, OUTCOME_SUCCESS, "");
		return;
	}
	m->failures++;
	snprintf(what, sizeof what, "failures=%d", m->failures);
	event(m, EV_MAINTENANCE_PIN_FAILURE, OUTCOME_FAILURE, what);
	if (m->failures >= MM_PIN_TRIES) {
		m->locked_until = now + MM_LOCK_S;
		event(m, EV_MAINTENANCE_LOCKED, OUTCOME_FAILURE, "");
		m->refusal = ISO_E_MAINT_LOCKED;
		m->screen = MM_REFUSED;
	}
}

static const enum mm_action actions[] = {
	[MM_VERSION] = MMA_VERSION, [MM_NETWORK] = MMA_NETWORK, [MM_CLOCK] = MMA_CLOCK,
	[MM_PATTERN] = MMA_NONE,    [MM_KEYBOARD] = MMA_NONE,   [MM_AUDIO] = MMA_AUDIO,
	[MM_USB] = MMA_USB,	    [MM_JOURNAL] = MMA_JOURNAL, [MM_EXPORT] = MMA_EXPORT,
	[MM_POWER] = MMA_NONE,
};

void mm_open(struct maint_mode *m, enum mm_screen s, int64_t now)
{
	if (m->screen != MM_MENU || s < MM_TOOLS_FIRST || s > MM_TOOLS_LAST)
		return;
	m->last_activity = now;
	m->screen = s;
	m->action = actions[s];
	m->result[0] = '\0';
	m->result_ok = false;
	m->key_seen[0] = '\0';
	m->journal_page = 0;
	/* the tools that only show are journaled here; the others when done */
	if (m->action == MMA_NONE && s != MM_POWER) {
		char what[64];
		snprintf(what, sizeof what, "action=%s", mm_screen_name(s));
		event(m, EV_MAINTENANCE_ACTION, OUTCOME_NA, what);
	}
}

void mm_done(struct maint_mode *m, bool ok, const char *report)
{
	char what[KIOSK_DETAIL_MAX + 1];
	if (m->action == MMA_NONE)
		return;
	m->action = MMA_NONE;
	m->result_ok = ok;
	snprintf(m->result, sizeof m->result, "%s", report != NULL ? report : "");
	snprintf(what, sizeof what, "action=%s", mm_screen_name(m->screen));
	event(m, EV_MAINTENANCE_ACTION, ok ? OUTCOME_SUCCESS : OUTCOME_FAILURE, what);
}

void mm_back(struct maint_mode *m, int64_t now)
{
	m->last_activity = now;
	if (m->screen >= MM_TOOLS_FIRST && m->action == MMA_NONE)
		m->screen = MM_MENU;
	else if (m->screen == MM_MENU)
		end(m, "asked");
	else if (m->screen == MM_PIN)
		leave(m);
}

void mm_key_seen(struct maint_mode *m, const char *name, int64_t now)
{
	if (m->screen != MM_KEYBOARD)
		return;
	m->last_activity = now;
	snprintf(m->key_seen, sizeof m->key_seen, "%s", name);
}

void mm_journal_page(struct maint_mode *m, int delta, int64_t now)
{
	if (m->screen != MM_JOURNAL)
		return;
	m->last_activity = now;
	m->journal_page += delta;
	if (m->journal_page < 0)
		m->journal_page = 0;
}

void mm_power(struct maint_mode *m, bool poweroff, int64_t now)
{
	char what[64];
	if (m->screen != MM_POWER)
		return;
	m->last_activity = now;
	snprintf(what, sizeof what, "action=%s", poweroff ? "poweroff" : "reboot");
	event(m, EV_MAINTENANCE_ACTION, OUTCOME_SUCCESS, what);
	m->exit_status = poweroff ? MM_EXIT_POWEROFF : MM_EXIT_REBOOT;
	end(m, poweroff ? "poweroff" : "reboot");
}

void mm_tick(struct maint_mode *m, int64_t now)
{
	if (m->screen != MM_OFF && m->screen != MM_REFUSED && m->action == MMA_NONE &&
	    now - m->last_activity >= MM_IDLE_S)
		end(m, "timeout");
}
