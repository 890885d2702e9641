/* The app's side of the technician's maintenance mode (maintmode.h): the
 * token read from the technician's key and checked, the PIN pad, the
 * tools performed (servers, clock, integrity, USB devices, the journal
 * shown and exported to the key, the test sentence), and every event
 * journaled with its detail and sent to the registry at once
 * (R-D11-INTERV). The checks run on the main thread with short deadlines:
 * maintenance happens only outside a voter's session. */
#include "app.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enrol.h"
#include "hash.h"
#include "integrity.h"
#include "jsondoc.h"
#include "timetext.h"
#include "usb.h"
#include "usbkey.h"

#define JOURNAL_LINES_PAGE 14

bool app_voter_present(const struct app *a)
{
	const struct session *s = &a->s;
	enum session_screen sc = s->paused ? s->before_pause : s->screen;
	if (sc == SCREEN_STILL_THERE)
		sc = s->before_idle;
	return atomic_load(&a->busy) || s->token[0] != '\0' ||
	       (sc != SCREEN_WELCOME && sc != SCREEN_END && sc != SCREEN_ERROR) ||
	       (sc == SCREEN_ERROR && s->identifier[0] != '\0');
}

int app_exit_status(const struct app *a)
{
	return a->mm.exit_status;
}

void app_maintenance_key(struct app *a, const char *doc, size_t len, const char *devnode)
{
	struct maint_token tok;
	enum iso_err err = ISO_E_NO_TECHNICIAN_KEY;
	const char *opname = a->op != NULL ? a->op->name : "";
	if (mm_active(&a->mm))
		return;
	if (a->mt.key != NULL)
		err = maint_token_check(a->mt.key, doc, len, opname, a->mt.kiosk, a->now, &tok);
	mm_key_inserted(&a->mm, err, &tok, app_voter_present(a), a->now);
	snprintf(a->mt.devnode, sizeof a->mt.devnode, "%s", devnode);
	if (err == ISO_OK) {
		char t[ISO_TIME_UTC_LEN];
		iso_time_utc(tok.not_after, t);
		iso_time_text(a->set.lang, t, a->mt.until, sizeof a->mt.until);
	}
	OPENSSL_cleanse(&tok, sizeof tok);
	a->focus = a->mm.screen == MM_PIN ? ID_M_DIGIT + 1 : 0;
	a->mt.touch_x = a->mt.touch_y = -1;
}

void app_maintenance_key_gone(struct app *a, const char *devnode)
{
	if (mm_active(&a->mm) && strcmp(devnode, a->mt.devnode) == 0) {
		mm_key_removed(&a->mm, a->now);
		a->mt.devnode[0] = '\0';
	}
}

void maint_app_free(struct app *a)
{
	free(a->mt.journal_text);
	a->mt.journal_text = NULL;
}

/* ---- the tools ---- */

static void version(struct app *a, char *out, size_t size, bool *ok)
{
	char exe[65] = "?", man[65] = "", *report = NULL;
	bool en = a->set.lang == ISO_LANG_EN;
	int n;
	*ok = integrity_file_sha256("/proc/self/exe", exe) == ISO_OK;
	if (a->mt.manifest_path != NULL)
		*ok = integrity_file_sha256(a->mt.manifest_path, man) == ISO_OK && *ok;
	n = snprintf(out, size,
		     "isoloir-kiosk %s\n%s %s\n%s %s\n%s %s\n%s %s%s%s\n%s %s\n%s %s\n",
		     ISOLOIR_VERSION, en ? "post:" : "poste :", a->mt.kiosk,
		     en ? "operation:" : "opération :", a->op != NULL ? a->op->name : "",
		     en ? "program SHA-256:" : "programme SHA-256 :", exe,
		     en ? "image manifest:" : "manifeste de l’image :",
		     a->mt.manifest_path != NULL ? a->mt.manifest_path : (en ? "none" : "aucun"),
		     man[0] != '\0' ? ", SHA-256 " : "", man,
		     en ? "sealed manifest SHA-256:" : "SHA-256 du manifeste scellé :",
		     a->mt.sealed != NULL ? a->mt.sealed : (en ? "unknown" : "inconnu"),
		     en ? "enrolment:" : "enrôlement :",
		     a->mt.enrolment != NULL ? a->mt.enrolment : (en ? "none" : "aucun"));
	if (a->mt.manifest_path == NULL || n < 0 || (size_t)n >= size)
		return;
	/* the files hashed again now, as at start: the manifest against the
	 * sealed hash, the kiosk's files and its process against the manifest */
	if (kiosk_integrity(a->mt.manifest_path, a->mt.sealed, a->set.lang, NULL, &report) == ISO_OK)
		snprintf(out + n, size - (size_t)n, "%s\n",
			 en ? "Integrity: every file as in the manifest."
			    : "Intégrité : chaque fichier conforme au manifeste.");
	else {
		*ok = false;
		snprintf(out + n, size - (size_t)n, "%s\n%s",
			 en ? "INTEGRITY: NOT AS SEALED" : "INTÉGRITÉ : NON CONFORME", report ? report : "");
	}
	free(report);
}

static void clock_check(struct app *a, char *out, size_t size, bool *ok)
{
	int64_t off = 0, rtt = 0;
	enum iso_err err = shell_clock_offset(a->sh, &off, &rtt);
	bool en = a->set.lang == ISO_LANG_EN;
	char mine[ISO_TIME_UTC_LEN];
	iso_time_utc((int64_t)time(NULL), mine);
	*ok = err == ISO_OK && off >= -2 && off <= 2;
	if (err != ISO_OK)
		snprintf(out, size, "%s %s\n", en ? "The registry's clock cannot be read:" :
						      "L’horloge du registre ne peut être lue :",
			 iso_strerror(err, a->set.lang));
	else
		snprintf(out, size,
			 en ? "Post's clock: %s (UTC)\nOffset to the registry: %+lld s (round trip %lld ms)\n%s\n"
			    : "Horloge du poste : %s (UTC)\nÉcart avec le registre : %+lld s (aller-retour %lld ms)\n%s\n",
			 mine, (long long)off, (long long)rtt,
			 *ok ? (en ? "Within 2 seconds." : "Moins de 2 secondes.")
			     : (en ? "More than 2 seconds: check the time synchronisation (NTP)."
				   : "Plus de 2 secondes : vérifiez la synchronisation de l’heure (NTP)."));
}

/* the journal's entries as lines, newest first, page p: the chain walked
 * (kiosk_journal_walk) once to count, once to take the page's entries */
struct page_walk {
	int64_t lo, hi; /* the page's entries: seq from hi down to lo */
	char lines[JOURNAL_LINES_PAGE][KIOSK_DETAIL_MAX + 128];
};

static void page_line(void *arg, json_t *o)
{
	struct page_walk *w = arg;
	int64_t seq = (int64_t)json_integer_value(json_object_get(o, "seq"));
	const char *d = json_string_value(json_object_get(o, "detail"));
	if (seq < w->lo || seq > w->hi)
		return;
	snprintf(w->lines[w->hi - seq], sizeof w->lines[0], "%lld  %s  %s  %s%s%s", (long long)seq,
		 json_string_value(json_object_get(o, "time")) ?: "?",
		 json_string_value(json_object_get(o, "event")) ?: "?",
		 json_string_value(json_object_get(o, "outcome")) ?: "?", d != NULL ? "  " : "",
		 d != NULL ? d : "");
}

static void journal_page(struct app *a)
{
	static struct page_walk w;
	int64_t n = 0, bad = 0;
	size_t at = 0;
	enum iso_err err = a->mt.journal_path != NULL
				   ? kiosk_journal_verify(a->mt.journal_path, &n, &bad)
				   : ISO_E_IO;
	free(a->mt.journal_text);
	a->mt.journal_text = NULL;
	if (err == ISO_E_JOURNAL_BROKEN) /* the entries before the bad line */
		n = bad - 1;
	else if (err != ISO_OK)
		n = 0;
	if ((int64_t)a->mm.journal_page * JOURNAL_LINES_PAGE >= n && a->mm.journal_page > 0)
		a->mm.journal_page = (int)((n - 1) / JOURNAL_LINES_PAGE);
	memset(&w, 0, sizeof w);
	w.hi = n - (int64_t)a->mm.journal_page * JOURNAL_LINES_PAGE;
	w.lo = w.hi - JOURNAL_LINES_PAGE + 1;
	if (n > 0)
		kiosk_journal_walk(a->mt.journal_path, page_line, &w, &n, &bad, NULL);
	if ((a->mt.journal_text = calloc(1, sizeof w.lines + 1)) == NULL)
		return;
	for (int64_t i = 0; i < JOURNAL_LINES_PAGE && i <= w.hi - w.lo && w.hi - i >= 1; i++) {
		size_t l = strlen(w.lines[i]);
		memcpy(a->mt.journal_text + at, w.lines[i], l);
		a->mt.journal_text[at + l] = '\n';
		at += l + 1;
	}
}

/* the journal, as it is (chained: operation incidents reads it), onto the
 * technician's key */
static void journal_export(struct app *a, char *out, size_t size, bool *ok)
{
	char *text = NULL, name[256], hex[65], when[ISO_TIME_UTC_LEN], stamp[32];
	size_t len = 0, j = 0;
	enum iso_err err = a->mt.journal_path != NULL
				   ? iso_file_read(a->mt.journal_path, 64u << 20, &text, &len)
				   : ISO_E_IO;
	bool en = a->set.lang == ISO_LANG_EN;
	iso_time_utc(a->now, when);
	for (size_t i = 0; when[i] != '\0' && j + 1 < sizeof stamp; i++)
		if (when[i] != '-' && when[i] != ':')
			stamp[j++] = when[i];
	stamp[j] = '\0';
	snprintf(name, sizeof name, "journal-%s-%s.jsonl", a->mt.kiosk, stamp);
	if (err == ISO_OK) {
		iso_sha256_hex(text, len, hex);
		if (strcmp(a->mt.devnode, "script") == 0) { /* the headless script's key: a folder */
			char path[600];
			snprintf(path, sizeof path, "%s/%s", a->mt.export_dir, name);
			err = iso_file_write_atomic(path, text, len, 0644);
		} else {
			struct usbkey k;
			memset(&k, 0, sizeof k);
			snprintf(k.devnode, sizeof k.devnode, "%s", a->mt.devnode);
			err = usbkey_write(&k, name, text, len);
		}
	}
	free(text);
	*ok = err == ISO_OK;
	if (*ok) {
		char detail[KIOSK_DETAIL_MAX + 1];
		snprintf(out, size, en ? "Written to the key: %s\nSHA-256 %s\n" : "Écrit sur la clé : %s\nSHA-256 %s\n",
			 name, hex);
		snprintf(detail, sizeof detail, "file=%s sha256=%s", name, hex);
		if (a->journal != NULL)
			kiosk_journal_add_detail(a->journal, EV_JOURNAL_EXPORT, OUTCOME_SUCCESS, a->now,
						 detail);
	} else {
		snprintf(out, size, "%s %s\n", en ? "The journal could not be written to the key:"
						  : "Le journal n’a pu être écrit sur la clé :",
			 iso_strerror(err, a->set.lang));
	}
}

static void perform(struct app *a)
{
	char *report = calloc(1, MM_RESULT_MAX);
	bool ok = true;
	if (report == NULL)
		return;
	switch (a->mm.action) {
	case MMA_VERSION:
		version(a, report, MM_RESULT_MAX, &ok);
		break;
	case MMA_NETWORK:
		ok = shell_check_servers(a->sh, a->set.lang, report, MM_RESULT_MAX);
		break;
	case MMA_CLOCK:
		clock_check(a, report, MM_RESULT_MAX, &ok);
		break;
	case MMA_AUDIO:
		app_say(a, tr(a->set.lang, TXT_M_AUDIO_SAY));
		ok = a->voice.running;
		snprintf(report, MM_RESULT_MAX, "%s", ok ? tr(a->set.lang, TXT_M_AUDIO_SAY)
						      : iso_strerror(ISO_E_IO, a->set.lang));
		break;
	case MMA_USB:
		ok = usb_list(report, MM_RESULT_MAX) == ISO_OK;
		break;
	case MMA_JOURNAL:
		journal_page(a);
		ok = a->mt.journal_text != NULL;
		break;
	case MMA_EXPORT:
		journal_export(a, report, MM_RESULT_MAX, &ok);
		break;
	case MMA_NONE:
		break;
	}
	mm_done(&a->mm, ok, report);
	free(report);
}

/* each event journaled with its detail, and sent to the registry at once;
 * a refusal during a voter's session waits for the network to be free */
static void report_events(struct app *a)
{
	struct mm_event ev[MM_EVENTS_MAX];
	int n;
	if (atomic_load(&a->busy))
		return;
	n = mm_take_events(&a->mm, ev, MM_EVENTS_MAX);
	for (int i = 0; i < n; i++) {
		static const char *const oc[] = {"success", "failure", "na"};
		char when[ISO_TIME_UTC_LEN];
		const char *name = kiosk_event_name(ev[i].ev);
		enum iso_err err;
		if (a->trace != NULL) {
			fprintf(a->trace, "MAINTENANCE %s %s\n", name, oc[ev[i].outcome]);
			fflush(a->trace);
		}
		if (a->journal != NULL &&
		    kiosk_journal_add_detail(a->journal, ev[i].ev, ev[i].outcome, a->now,
					     ev[i].detail) != ISO_OK)
			fprintf(stderr, "isoloir-kiosk: the journal cannot be written\n");
		iso_time_utc(a->now, when);
		/* a registry that did not answer is not asked again for a
		 * minute: the journal holds every event, and the bureau takes
		 * it with operation incidents */
		if (a->now < a->mt.offline_until)
			continue;
		if ((err = shell_maintenance_report(a->sh, name, oc[ev[i].outcome], when,
						    ev[i].detail)) != ISO_OK) {
			fprintf(stderr, "isoloir-kiosk: maintenance event %s not sent to the registry: %s\n",
				name, iso_errname(err));
			if (err == ISO_E_NETWORK)
				a->mt.offline_until = a->now + 60;
		}
	}
}

void maint_app_step(struct app *a)
{
	enum mm_screen before = a->mm.screen;
	mm_tick(&a->mm, a->now);
	if (a->mm.action != MMA_NONE)
		perform(a);
	report_events(a);
	if (a->mm.screen != before) {
		a->focus = a->mm.screen == MM_PIN ? ID_M_DIGIT + 1
			   : a->mm.screen == MM_MENU ? ID_M_TOOL + MM_VERSION
						     : ID_M_MENU;
		a->spoken_audio = false;
	}
}

void maint_app_activate(struct app *a, int id)
{
	struct maint_mode *m = &a->mm;
	if (id >= ID_M_DIGIT && id <= ID_M_DIGIT + 9)
		mm_pin_digit(m, (char)('0' + id - ID_M_DIGIT), a->now);
	else if (id == ID_M_PIN_ERASE)
		mm_pin_erase(m, a->now);
	else if (id == ID_M_PIN_OK)
		mm_pin_submit(m, a->now);
	else if (id > ID_M_TOOL && id <= ID_M_TOOL + MM_TOOLS_LAST)
		mm_open(m, (enum mm_screen)(id - ID_M_TOOL), a->now);
	else if (id == ID_M_MENU || id == ID_BACK || id == ID_M_LEAVE)
		mm_back(m, a->now);
	else if (id == ID_M_AGAIN && m->screen >= MM_TOOLS_FIRST) {
		enum mm_screen s = m->screen;
		m->screen = MM_MENU;
		mm_open(m, s, a->now);
	} else if (id == ID_M_REBOOT || id == ID_M_POWEROFF)
		mm_power(m, id == ID_M_POWEROFF, a->now);
	else if (id == ID_M_PAGE_PREV || id == ID_M_PAGE_NEXT) {
		mm_journal_page(m, id == ID_M_PAGE_NEXT ? 1 : -1, a->now);
		journal_page(a);
	}
}

void maint_app_key(struct app *a, SDL_Keycode k, bool shift)
{
	if (a->mm.screen == MM_KEYBOARD && k != SDLK_ESCAPE) {
		mm_key_seen(&a->mm, SDL_GetKeyName(k), a->now);
		return;
	}
	if (app_focus_key(a, k, shift))
		return;
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		if (a->mm.screen == MM_PIN)
			mm_pin_submit(&a->mm, a->now);
		else if (a->focus != 0)
			maint_app_activate(a, a->focus);
		break;
	case SDLK_BACKSPACE:
		mm_pin_erase(&a->mm, a->now);
		break;
	case SDLK_ESCAPE:
		mm_back(&a->mm, a->now);
		break;
	default:
		break;
	}
}

void maint_app_draw(struct app *a)
{
	struct screen_view v = {.lang = a->set.lang, .focus = a->focus};
	struct maint_view mv = {a->mt.journal_text, a->mt.touch_x, a->mt.touch_y, a->mt.until};
	screen_draw_maintenance(&a->u, &a->mm, &v, &mv, &a->layout);
	if (a->trace != NULL && (a->mm.screen != a->traced_mm || a->layout.n != a->traced_n)) {
		char name[64];
		for (int i = 0; i < a->layout.n; i++) {
			const SDL_Rect *b = &a->layout.t[i].box;
			app_target_name(a->layout.t[i].id, name, sizeof name);
			fprintf(a->trace, "TARGET %s %d %d %d %d\n", name, b->x, b->y, b->w, b->h);
		}
		fprintf(a->trace, "SCREEN maintenance-%s 0 0\n", mm_screen_name(a->mm.screen));
		fflush(a->trace);
		a->traced_mm = a->mm.screen;
		a->traced_n = a->layout.n;
		a->traced = false;
	}
	if (a->set.audio && a->layout.spoken[0] != '\0' && !a->spoken_audio) {
		app_say(a, a->layout.spoken);
		a->spoken_audio = true;
	}
}
