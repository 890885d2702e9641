/* The kiosk's application (see app.h). */
#include "app.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum iso_err app_init(struct app *a, const struct operation *op, struct shell *sh,
		      SDL_Renderer *r, int w, int h, double px_per_mm, enum iso_lang lang,
		      int64_t now)
{
	memset(a, 0, sizeof *a);
	if ((a->password = OPENSSL_secure_zalloc(APP_PASSWORD_MAX + 1)) == NULL)
		return ISO_E_NOMEM;
	a->op = op;
	a->sh = sh;
	a->r = r;
	a->w = w;
	a->h = h;
	a->px_per_mm = px_per_mm;
	a->defaults = (struct app_settings){lang,  UI_TEXT_DEFAULT,      UI_THEME_DEFAULT,
					    false, SPEECH_SPEED_DEFAULT, SPEECH_VOLUME_DEFAULT,
					    false};
	a->set = a->defaults;
	a->now = now;
	atomic_init(&a->busy, false);
	session_init(&a->s, now);
	session_set_hours(&a->s, op->opening, op->closing);
	a->last_screen = SCREEN_WELCOME;
	a->focus = ID_START;
	return ISO_OK;
}

static void fields_wipe(struct app *a)
{
	OPENSSL_cleanse(a->identifier, sizeof a->identifier);
	OPENSSL_cleanse(a->answer, sizeof a->answer);
	OPENSSL_cleanse(a->password, APP_PASSWORD_MAX + 1);
}

/* ---- the spoken guidance ---- */

static void *speaker(void *arg)
{
	struct app_voice *v = arg;
	pthread_mutex_lock(&v->lock);
	while (!v->quit) {
		char *text;
		unsigned gen;
		enum iso_lang lang;
		int speed, volume;
		int16_t *s = NULL;
		size_t n = 0;
		if (v->pending == NULL) {
			pthread_cond_wait(&v->wake, &v->lock);
			continue;
		}
		text = v->pending;
		v->pending = NULL;
		gen = v->gen;
		lang = v->lang;
		speed = v->speed;
		volume = v->volume;
		pthread_mutex_unlock(&v->lock);
		if (speech_say(v->speech, text, lang, speed, volume, &s, &n) != ISO_OK)
			n = 0;
		OPENSSL_cleanse(text, strlen(text));
		free(text);
		pthread_mutex_lock(&v->lock);
		/* newer words came meanwhile: these are not said */
		if (n > 0 && gen == v->gen) {
			SDL_ClearQueuedAudio(v->dev);
			SDL_QueueAudio(v->dev, s, (Uint32)(n * sizeof *s));
			SDL_PauseAudioDevice(v->dev, 0);
		}
		if (s != NULL)
			OPENSSL_cleanse(s, n * sizeof *s);
		free(s);
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

enum iso_err app_voice_start(struct app *a)
{
	struct app_voice *v = &a->voice;
	SDL_AudioSpec want = {0}, got;
	enum iso_err err = speech_new(&v->speech);
	if (err != ISO_OK)
		return err;
	want.freq = speech_rate_hz(v->speech);
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024;
	if ((v->dev = SDL_OpenAudioDevice(NULL, 0, &want, &got, 0)) == 0) {
		speech_free(v->speech);
		v->speech = NULL;
		return ISO_E_IO;
	}
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->wake, NULL);
	if (pthread_create(&v->thread, NULL, speaker, v) != 0) {
		SDL_CloseAudioDevice(v->dev);
		speech_free(v->speech);
		v->speech = NULL;
		return ISO_E_IO;
	}
	v->running = true;
	return ISO_OK;
}

/* Say these words now (the older ones cut), if the voter asked for it. */
void app_say(struct app *a, const char *words)
{
	struct app_voice *v = &a->voice;
	char *copy;
	if (!v->running || words == NULL || words[0] == '\0' || (copy = strdup(words)) == NULL)
		return;
	pthread_mutex_lock(&v->lock);
	if (v->pending != NULL) {
		OPENSSL_cleanse(v->pending, strlen(v->pending));
		free(v->pending);
	}
	v->pending = copy;
	v->lang = a->set.lang;
	v->speed = a->set.speed;
	v->volume = a->set.volume;
	v->gen++;
	SDL_ClearQueuedAudio(v->dev);
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->lock);
}

static void voice_stop(struct app *a)
{
	struct app_voice *v = &a->voice;
	if (!v->running)
		return;
	pthread_mutex_lock(&v->lock);
	v->quit = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->thread, NULL);
	if (v->pending != NULL) {
		OPENSSL_cleanse(v->pending, strlen(v->pending));
		free(v->pending);
	}
	SDL_ClearQueuedAudio(v->dev);
	SDL_CloseAudioDevice(v->dev);
	speech_free(v->speech);
	v->running = false;
}

void app_free(struct app *a)
{
	voice_stop(a);
	if (a->joinable)
		pthread_join(a->worker, NULL);
	session_wipe(&a->s);
	fields_wipe(a);
	maint_app_free(a);
	free(a->blocked);
	OPENSSL_cleanse(&a->mm, sizeof a->mm);
	OPENSSL_secure_clear_free(a->password, APP_PASSWORD_MAX + 1);
	if (a->ui_open)
		ui_close(&a->u);
}

enum session_screen app_screen(struct app *a)
{
	return atomic_load(&a->busy) ? SCREEN_WORKING : a->s.screen;
}

/* ---- the targets' names: the headless script's words, the trace's ---- */

static const struct {
	const char *name;
	int id;
} names[] = {
	{"start", ID_START},	     {"language", ID_LANGUAGE},
	{"text-size", ID_TEXT_SIZE}, {"contrast", ID_CONTRAST},
	{"audio", ID_AUDIO},	     {"identifier", ID_FIELD_IDENTIFIER},
	{"password", ID_FIELD_PASSWORD}, {"answer", ID_FIELD_ANSWER},
	{"log-in", ID_LOG_IN},	     {"back", ID_BACK},
	{"finish", ID_FINISH},	     {"review", ID_TO_REVIEW},
	{"change", ID_CHANGE},	     {"confirm", ID_CONFIRM},
	{"validate", ID_VALIDATE},   {"continue", ID_CONTINUE},
	{"yes", ID_YES},	     {"retry", ID_RETRY},
	{"details", ID_DETAILS},     {"next-list", ID_VIEW_NEXT},
	{"speed", ID_SPEED},	     {"volume", ID_VOLUME},
	{"previous-list", ID_VIEW_PREV}, {"close-list", ID_VIEW_CLOSE},
	{"key-backspace", ID_KEY_BACKSPACE}, {"key-shift", ID_KEY_SHIFT},
	{"previous-page", ID_VIEW_PAGE_PREV}, {"next-page", ID_VIEW_PAGE_NEXT},
	/* maintenance */
	{"m-version", ID_M_TOOL + MM_VERSION}, {"m-network", ID_M_TOOL + MM_NETWORK},
	{"m-clock", ID_M_TOOL + MM_CLOCK},     {"m-pattern", ID_M_TOOL + MM_PATTERN},
	{"m-keyboard", ID_M_TOOL + MM_KEYBOARD}, {"m-audio", ID_M_TOOL + MM_AUDIO},
	{"m-usb", ID_M_TOOL + MM_USB},	       {"m-journal", ID_M_TOOL + MM_JOURNAL},
	{"m-export", ID_M_TOOL + MM_EXPORT},   {"m-power", ID_M_TOOL + MM_POWER},
	{"m-erase", ID_M_PIN_ERASE},	       {"m-ok", ID_M_PIN_OK},
	{"m-leave", ID_M_LEAVE},	       {"m-menu", ID_M_MENU},
	{"m-again", ID_M_AGAIN},	       {"m-reboot", ID_M_REBOOT},
	{"m-poweroff", ID_M_POWEROFF},	       {"m-page-prev", ID_M_PAGE_PREV},
	{"m-page-next", ID_M_PAGE_NEXT},
};

void app_target_name(int id, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].id == id) {
			snprintf(buf, size, "%s", names[i].name);
			return;
		}
	if (id >= ID_KEY && id < ID_KEY + 128)
		snprintf(buf, size, "key-%c", (char)(id - ID_KEY));
	else if (id >= ID_CHOICE && id <= ID_CHOICE + SESSION_CHOICES_MAX)
		snprintf(buf, size, "choice-%d", id - ID_CHOICE);
	else if (id >= ID_M_DIGIT && id <= ID_M_DIGIT + 9)
		snprintf(buf, size, "m-digit-%d", id - ID_M_DIGIT);
	else if (id >= ID_POLL && id < ID_CHOICE)
		snprintf(buf, size, "poll-%d", id - ID_POLL);
	else
		snprintf(buf, size, "target-%d", id);
}

int app_target_id(const char *name)
{
	char *end;
	long n;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].id;
	if (strncmp(name, "choice-", 7) == 0 || strncmp(name, "choice ", 7) == 0) {
		n = strtol(name + 7, &end, 10);
		return end != name + 7 && *end == '\0' && n >= 0 && n <= SESSION_CHOICES_MAX
			       ? ID_CHOICE + (int)n
			       : 0;
	}
	if (strncmp(name, "m-digit-", 8) == 0 && name[8] >= '0' && name[8] <= '9' && name[9] == '\0')
		return ID_M_DIGIT + (name[8] - '0');
	if (strncmp(name, "poll-", 5) == 0) {
		n = strtol(name + 5, &end, 10);
		return end != name + 5 && *end == '\0' && n >= 0 && n < SESSION_POLLS_MAX
			       ? ID_POLL + (int)n
			       : 0;
	}
	return 0;
}

/* ---- the voter's acts ---- */

static void backspace(struct app *a);

static bool idle(struct app *a)
{
	return !atomic_load(&a->busy);
}

void app_activate(struct app *a, int id)
{
	struct session *s = &a->s;
	if (mm_active(&a->mm)) {
		maint_app_activate(a, id);
		return;
	}
	if (!idle(a) || a->blocked != NULL)
		return;
	session_activity(s, a->now);
	if (id >= ID_KEY && id < ID_KEY + 128) {
		char c[2] = {(char)(id - ID_KEY), '\0'};
		app_text(a, c);
		return;
	}
	if (a->viewing > 0 && id != ID_VIEW_PREV && id != ID_VIEW_NEXT && id != ID_VIEW_CLOSE &&
	    id != ID_VIEW_PAGE_PREV && id != ID_VIEW_PAGE_NEXT)
		return; /* the viewer's own buttons only */
	if (id >= ID_CHOICE) {
		session_touch(s, id - ID_CHOICE);
		return;
	}
	if (id >= ID_POLL) {
		session_choose_poll(s, (size_t)(id - ID_POLL));
		return;
	}
	switch (id) {
	case ID_START:
		session_start(s);
		break;
	case ID_LANGUAGE:
		a->set.lang = a->set.lang == ISO_LANG_FR ? ISO_LANG_EN : ISO_LANG_FR;
		shell_set_lang(a->sh, a->set.lang);
		break;
	case ID_TEXT_SIZE:
		a->set.size = (enum ui_text_size)((a->set.size + 1) % UI_TEXT_SIZES);
		break;
	case ID_CONTRAST:
		a->set.theme = (enum ui_contrast)((a->set.theme + 1) % UI_THEMES);
		break;
	case ID_AUDIO:
		/* off → on → on with the screen dark (blind voters) → off: the
		 * screen is never dark without the voice */
		if (!a->set.audio) {
			a->set.audio = true;
		} else if (!a->set.screen_off) {
			a->set.screen_off = true;
		} else {
			a->set.audio = a->set.screen_off = false;
			if (a->voice.running)
				SDL_ClearQueuedAudio(a->voice.dev);
		}
		a->spoken_audio = false; /* the button's new state is said */
		break;
	case ID_SPEED:
		a->set.speed = (a->set.speed + 1) % SPEECH_SPEEDS;
		break;
	case ID_VOLUME:
		a->set.volume = (a->set.volume + 1) % SPEECH_VOLUMES;
		break;
	case ID_FIELD_IDENTIFIER:
	case ID_FIELD_PASSWORD:
	case ID_FIELD_ANSWER:
		a->field = id;
		break;
	case ID_LOG_IN:
		session_identify(s, a->identifier, a->password, a->answer);
		/* the password made the verifier, or was refused, and the answer
		 * went to the session: gone from the form either way (after a
		 * refusal the voter types both again, the identifier kept) */
		OPENSSL_cleanse(a->password, APP_PASSWORD_MAX + 1);
		OPENSSL_cleanse(a->answer, sizeof a->answer);
		break;
	case ID_VALIDATE:
		session_validate(s, a->password);
		OPENSSL_cleanse(a->password, APP_PASSWORD_MAX + 1);
		break;
	case ID_BACK:
		session_back(s);
		break;
	case ID_FINISH:
	case ID_CONTINUE:
		session_next(s);
		break;
	case ID_TO_REVIEW:
		session_review(s);
		break;
	case ID_CHANGE:
		session_change(s);
		break;
	case ID_CONFIRM:
		session_to_validate(s);
		break;
	case ID_YES:
		session_activity(s, a->now);
		break;
	case ID_RETRY:
		session_retry(s);
		break;
	case ID_KEY_BACKSPACE:
		backspace(a);
		break;
	case ID_KEY_SHIFT:
		a->shift = !a->shift;
		break;
	/* the viewer: each list, each page, is a new page for the spoken
	 * guidance, said whole as when the voice is turned on */
	case ID_DETAILS:
		if (s->screen == SCREEN_CHOOSE) {
			a->viewing = 1;
			a->view_page = 0;
			a->spoken_audio = false;
		}
		break;
	case ID_VIEW_PREV:
	case ID_VIEW_NEXT:
		if (a->viewing > 0 && s->current >= 0) {
			int n = (int)s->polls[s->current].nlists;
			a->viewing = (a->viewing - 1 + (id == ID_VIEW_NEXT ? 1 : n - 1)) % n + 1;
			a->view_page = 0;
			a->spoken_audio = false;
		}
		break;
	case ID_VIEW_PAGE_PREV:
	case ID_VIEW_PAGE_NEXT:
		/* within the pages the viewer last drew; on the first or the last
		 * page the button pressed is gone, the focus goes to the other */
		if (a->viewing > 0) {
			int last = a->layout.view_pages - 1;
			a->view_page += id == ID_VIEW_PAGE_NEXT ? 1 : -1;
			if (a->view_page > last)
				a->view_page = last;
			if (a->view_page < 0)
				a->view_page = 0;
			if (a->focus == id && last > 0 &&
			    a->view_page == (id == ID_VIEW_PAGE_NEXT ? last : 0))
				a->focus = id == ID_VIEW_PAGE_NEXT ? ID_VIEW_PAGE_PREV : ID_VIEW_PAGE_NEXT;
			a->spoken_audio = false;
		}
		break;
	case ID_VIEW_CLOSE:
		a->viewing = 0;
		a->view_page = 0;
		a->focus = ID_DETAILS;
		a->spoken_audio = false;
		break;
	default:
		break;
	}
}

/* the focused text field's buffer */
static char *field_buf(struct app *a, size_t *size)
{
	switch (a->field) {
	case ID_FIELD_IDENTIFIER:
		*size = sizeof a->identifier;
		return a->identifier;
	case ID_FIELD_ANSWER:
		*size = sizeof a->answer;
		return a->answer;
	case ID_FIELD_PASSWORD:
		*size = APP_PASSWORD_MAX + 1;
		return a->password;
	default:
		return NULL;
	}
}

void app_text(struct app *a, const char *utf8)
{
	size_t size = 0, n, add = strlen(utf8);
	char *b = idle(a) && !mm_active(&a->mm) ? field_buf(a, &size) : NULL;
	if (mm_active(&a->mm)) {
		for (const char *p = utf8; *p != '\0'; p++)
			mm_pin_digit(&a->mm, *p, a->now);
		return;
	}
	if (b == NULL)
		return;
	session_activity(&a->s, a->now);
	n = strlen(b);
	if (n + add < size) {
		memcpy(b + n, utf8, add);
		b[n + add] = '\0';
	}
}

static void backspace(struct app *a)
{
	size_t size, n;
	char *b = field_buf(a, &size);
	if (b == NULL || (n = strlen(b)) == 0)
		return;
	do
		b[--n] = '\0';
	while (n > 0 && ((unsigned char)b[n] & 0xc0) == 0x80);
}

/* the focus to the next (or previous) target of the screen */
void app_move_focus(struct app *a, int step)
{
	const struct screen_layout *l = &a->layout;
	int at = -1;
	if (l->n == 0)
		return;
	for (int i = 0; i < l->n; i++)
		if (l->t[i].id == a->focus)
			at = i;
	at = at < 0 ? (step > 0 ? 0 : l->n - 1) : (at + step + l->n) % l->n;
	a->focus = l->t[at].id;
	if (a->focus == ID_FIELD_IDENTIFIER || a->focus == ID_FIELD_PASSWORD ||
	    a->focus == ID_FIELD_ANSWER)
		a->field = a->focus;
}

bool app_focus_key(struct app *a, SDL_Keycode k, bool shift)
{
	switch (k) {
	case SDLK_TAB:
		app_move_focus(a, shift ? -1 : 1);
		return true;
	case SDLK_DOWN:
	case SDLK_RIGHT:
		app_move_focus(a, 1);
		return true;
	case SDLK_UP:
	case SDLK_LEFT:
		app_move_focus(a, -1);
		return true;
	default:
		return false;
	}
}

void app_key(struct app *a, SDL_Keycode k, bool shift)
{
	if (mm_active(&a->mm)) {
		maint_app_key(a, k, shift);
		return;
	}
	if (!idle(a))
		return;
	session_activity(&a->s, a->now);
	if (app_focus_key(a, k, shift))
		return;
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		/* Enter in a field submits its form */
		if (a->focus == ID_FIELD_IDENTIFIER || a->focus == ID_FIELD_ANSWER ||
		    (a->focus == ID_FIELD_PASSWORD && a->s.screen == SCREEN_IDENTIFY))
			app_activate(a, ID_LOG_IN);
		else if (a->focus == ID_FIELD_PASSWORD)
			app_activate(a, ID_VALIDATE);
		else if (a->focus != 0)
			app_activate(a, a->focus);
		break;
	case SDLK_ESCAPE:
		app_activate(a, a->viewing > 0 ? ID_VIEW_CLOSE : ID_BACK);
		break;
	case SDLK_F1:
	case SDLK_HELP:
		/* the help key, found without sight: the voice on, then the
		 * screen said again at each press */
		if (!a->set.audio)
			app_activate(a, ID_AUDIO);
		a->spoken_audio = false;
		break;
	case SDLK_BACKSPACE:
		backspace(a);
		break;
	default:
		break;
	}
}

void app_event(struct app *a, const SDL_Event *e)
{
	/* maintenance's test pattern marks each touch; touches, keys and text
	 * then go where the voter's do (app_activate, app_key and app_text
	 * hand them to maintenance while it is on) */
	if (mm_active(&a->mm) && a->mm.screen == MM_PATTERN && e->type == SDL_MOUSEBUTTONDOWN) {
		a->mt.touch_x = e->button.x;
		a->mt.touch_y = e->button.y;
	}
	switch (e->type) {
	case SDL_MOUSEBUTTONDOWN:
		if (e->button.button == SDL_BUTTON_LEFT)
			a->pressed = screen_hit(&a->layout, e->button.x, e->button.y);
		break;
	case SDL_MOUSEBUTTONUP:
		/* activated on release, inside the target pressed */
		if (e->button.button == SDL_BUTTON_LEFT && a->pressed != 0 &&
		    screen_hit(&a->layout, e->button.x, e->button.y) == a->pressed) {
			a->focus = a->pressed;
			app_activate(a, a->pressed);
		}
		a->pressed = 0;
		break;
	case SDL_TEXTINPUT:
		app_text(a, e->text.text);
		break;
	case SDL_KEYDOWN:
		app_key(a, e->key.keysym.sym, (e->key.keysym.mod & KMOD_SHIFT) != 0);
		break;
	default:
		break;
	}
}

/* ---- the loop ---- */

static void jlog(struct app *a, enum kiosk_event ev, enum journal_outcome oc)
{
	if (a->journal != NULL && kiosk_journal_add(a->journal, ev, oc, a->now) != ISO_OK)
		fprintf(stderr, "isoloir-kiosk: the journal cannot be written\n");
}

/* What the worker's outcome says to the journal: a login's outcome, a
 * network failure, a security alert; never which poll or when a ballot
 * left (R-C19-LINK). */
static void journal_outcome(struct app *a)
{
	struct session *s = &a->s;
	if (s->screen == SCREEN_ERROR && s->problem == PROBLEM_NETWORK)
		jlog(a, EV_NETWORK_FAILURE, OUTCOME_FAILURE);
	else if (s->screen == SCREEN_ERROR && s->problem == PROBLEM_SECURITY)
		jlog(a, EV_SECURITY_ALERT, OUTCOME_FAILURE);
	if (a->performed == ACTION_LOGIN)
		jlog(a, EV_LOGIN, s->screen == SCREEN_POLLS ? OUTCOME_SUCCESS : OUTCOME_FAILURE);
	a->performed = ACTION_NONE;
}

static void *work(void *arg)
{
	struct app *a = arg;
	shell_perform(a->sh, &a->s);
	atomic_store(&a->busy, false);
	return NULL;
}

/* A new screen: its first target focused, the fields of a form emptied
 * when it opens, everything reset when the session is over. */
static void screen_changed(struct app *a, enum session_screen before)
{
	enum session_screen sc = a->s.screen;
	if (before == SCREEN_WELCOME && sc == SCREEN_IDENTIFY)
		jlog(a, EV_SESSION_START, OUTCOME_NA);
	if (sc == SCREEN_WELCOME)
		jlog(a, before == SCREEN_STILL_THERE ? EV_SESSION_IDLE_WIPE : EV_SESSION_END, OUTCOME_NA);
	a->focus = 0;
	a->field = 0;
	a->shift = false;
	a->viewing = 0;
	a->view_page = 0;
	if (sc == SCREEN_WELCOME) {
		fields_wipe(a);
		a->set = a->defaults;
		shell_set_lang(a->sh, a->set.lang);
		a->focus = ID_START;
	} else if (sc == SCREEN_IDENTIFY) {
		OPENSSL_cleanse(a->password, APP_PASSWORD_MAX + 1);
		a->focus = a->field = a->identifier[0] ? ID_FIELD_PASSWORD : ID_FIELD_IDENTIFIER;
	} else if (sc == SCREEN_VALIDATE) {
		OPENSSL_cleanse(a->password, APP_PASSWORD_MAX + 1);
		a->focus = a->field = ID_FIELD_PASSWORD;
	} else if (sc == SCREEN_POLLS) {
		/* the identification's fields served the login */
		fields_wipe(a);
		/* the focus on the first poll still to vote */
		a->focus = ID_FINISH;
		for (size_t i = a->s.npolls; i-- > 0;)
			if (a->s.polls[i].state != POLL_VOTED)
				a->focus = ID_POLL + (int)i;
	} else if (sc == SCREEN_STILL_THERE) {
		a->focus = ID_YES;
	} else if (sc == SCREEN_RECEIPT || sc == SCREEN_END) {
		a->focus = ID_CONTINUE;
	} else if (sc == SCREEN_REVIEW) {
		a->focus = ID_CONFIRM;
	} else if (sc == SCREEN_ERROR) {
		a->focus = a->s.problem == PROBLEM_NETWORK && a->s.failed_action != ACTION_NONE
				   ? ID_RETRY
				   : ID_BACK;
	}
}

void app_usb(struct app *a, bool alert)
{
	a->usb_alert = alert;
	a->usb_pending = true;
}

void app_step(struct app *a, int64_t now)
{
	bool in_maintenance = mm_active(&a->mm);
	a->now = now;
	maint_app_step(a);
	if (in_maintenance && !mm_active(&a->mm)) {
		/* back from maintenance: the session's screen drawn anew */
		a->focus = a->s.screen == SCREEN_WELCOME ? ID_START : 0;
		a->traced = false;
		a->spoken_audio = false;
	}
	if (atomic_load(&a->busy))
		return;
	if (a->joinable) {
		pthread_join(a->worker, NULL);
		a->joinable = false;
	}
	if (a->performed != ACTION_NONE) {
		for (int n = shell_take_failovers(a->sh); n > 0; n--)
			jlog(a, EV_FAILOVER, OUTCOME_NA);
		journal_outcome(a);
	}
	if (a->usb_pending) {
		a->usb_pending = false;
		session_usb(&a->s, a->usb_alert);
		jlog(a, a->usb_alert ? EV_USB_ALERT : EV_USB_CLEARED, OUTCOME_NA);
		if (a->trace != NULL) {
			fprintf(a->trace, "USB %s\n", a->usb_alert ? "alert" : "cleared");
			fflush(a->trace);
		}
	}
	session_tick(&a->s, now);
	if (a->s.action != ACTION_NONE) {
		a->performed = a->s.action;
		atomic_store(&a->busy, true);
		if (pthread_create(&a->worker, NULL, work, a) == 0) {
			a->joinable = true;
		} else {
			/* no thread: the work here, the screen frozen meanwhile */
			shell_perform(a->sh, &a->s);
			atomic_store(&a->busy, false);
		}
		return;
	}
	if (a->s.screen != a->last_screen && !mm_active(&a->mm)) {
		enum session_screen before = a->last_screen;
		a->last_screen = a->s.screen;
		screen_changed(a, before);
	}
}

/* Test mode: what a person would see, for a robot driving the window
 * (tests/ui/xdotool-voter.sh): on each new screen (or list shown, or
 * layout), its targets and then its name; each move of the focus; the
 * receipt's tracker, public on the board. Never a choice (the focus on
 * a list is "choice", whichever) or a key. A test mode: it would tell
 * which receipt followed which session, so a polling station's kiosk is
 * never started with it. */
static void trace_drawn(struct app *a, enum session_screen sc)
{
	char name[64];
	bool changed = sc != a->traced_screen || a->viewing != a->traced_viewing ||
		       a->view_page != a->traced_page ||
		       a->layout.n != a->traced_n || !a->traced;
	for (int i = 0; !changed && i < a->layout.n; i++)
		changed = a->layout.t[i].id != a->traced_ids[i];
	if (changed) {
		for (int i = 0; i < a->layout.n; i++) {
			const SDL_Rect *b = &a->layout.t[i].box;
			app_target_name(a->layout.t[i].id, name, sizeof name);
			fprintf(a->trace, "TARGET %s %d %d %d %d\n", name, b->x, b->y, b->w, b->h);
			a->traced_ids[i] = a->layout.t[i].id;
		}
		if (sc == SCREEN_RECEIPT && a->s.current >= 0)
			fprintf(a->trace, "RECEIPT %s %s\n", a->s.polls[a->s.current].uuid,
				a->s.polls[a->s.current].tracker);
		fprintf(a->trace, "SCREEN %s %d %d\n", session_screen_name(sc), a->viewing,
			a->view_page);
		a->traced_screen = sc;
		a->traced_viewing = a->viewing;
		a->traced_page = a->view_page;
		a->traced_n = a->layout.n;
		a->traced = true;
		a->traced_focus = -1;
	}
	if (a->focus != a->traced_focus) {
		app_target_name(a->focus, name, sizeof name);
		/* on a list or the blank vote, which one is the voter's secret */
		fprintf(a->trace, "FOCUS %s\n",
			a->focus == 0 ? "none" : a->focus >= ID_CHOICE && a->focus <= ID_CHOICE + SESSION_CHOICES_MAX ? "choice" : name);
		a->traced_focus = a->focus;
	}
	fflush(a->trace);
}

void app_draw(struct app *a)
{
	static const struct session working = {.screen = SCREEN_WORKING, .current = -1};
	struct screen_view v;
	bool busy = atomic_load(&a->busy);
	if (!a->ui_open || memcmp(&a->drawn, &a->set, sizeof a->set) != 0) {
		if (a->ui_open)
			ui_close(&a->u);
		a->ui_open = ui_open(&a->u, a->r, a->w, a->h, a->px_per_mm, a->set.size,
				     a->set.theme) == ISO_OK;
		a->drawn = a->set;
		if (!a->ui_open)
			return;
	}
	if (mm_active(&a->mm)) {
		maint_app_draw(a);
		return;
	}
	if (a->blocked != NULL) {
		/* no voting session: the reason, and nothing to touch */
		v = (struct screen_view){.lang = a->set.lang};
		screen_draw_notice(&a->u, &v, tr(a->set.lang, TXT_I_TITLE), tr(a->set.lang, TXT_I_TEXT),
				   NULL, a->blocked, &a->layout);
		if (a->trace != NULL && !a->traced) {
			fprintf(a->trace, "SCREEN blocked 0 0\n");
			fflush(a->trace);
			a->traced = true;
		}
		return;
	}
	v = (struct screen_view){a->set.lang, a->set.audio, a->focus,	  a->identifier,
				 a->answer,	  (int)strlen(a->password), 0, a->op,
				 a->keyboard,	  a->shift,		  a->field,
				 a->viewing,	  a->view_page,		  a->set.speed,
				 a->set.volume,	  a->set.screen_off};
	if (!busy && a->s.screen == SCREEN_STILL_THERE)
		v.countdown = (int)(SESSION_COUNTDOWN_S - (a->now - a->s.screen_since));
	screen_draw(&a->u, busy ? &working : &a->s, &v, &a->layout);
	if (a->set.screen_off) {
		/* nothing to see: the targets stay where they were drawn, for
		 * the keys (and a touch), and the voice says everything */
		SDL_SetRenderDrawColor(a->r, 0, 0, 0, 255);
		SDL_RenderClear(a->r);
	}
	if (a->trace != NULL)
		trace_drawn(a, busy ? SCREEN_WORKING : a->s.screen);
	/* the spoken guidance: the page when it changes, then the focused
	 * item (the voter's choice included: to the headphones only) */
	if (a->set.audio) {
		enum session_screen sc = busy ? SCREEN_WORKING : a->s.screen;
		if (sc != a->spoken_screen || !a->spoken_audio) {
			char words[sizeof a->layout.spoken + 300] = "";
			snprintf(words, sizeof words, "%s", a->layout.spoken);
			for (int i = 0; i < a->layout.n; i++)
				if (a->layout.t[i].id == a->focus)
					snprintf(words + strlen(words), sizeof words - strlen(words), " %s",
						 a->layout.t[i].label);
			app_say(a, words);
			a->spoken_screen = sc;
			a->spoken_focus = a->focus;
		} else if (a->focus != a->spoken_focus) {
			for (int i = 0; i < a->layout.n; i++)
				if (a->layout.t[i].id == a->focus)
					app_say(a, a->layout.t[i].label);
			a->spoken_focus = a->focus;
		}
	}
	a->spoken_audio = a->set.audio;
}
