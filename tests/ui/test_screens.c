/* Screenshots of every screen of the kiosk, rendered headless with SDL's
 * software renderer on a surface (no display), 1280×800 at 4 px/mm, and
 * compared with the committed goldens (tests/data/screens/) within a small
 * tolerance: in French and English, at the default and the large text
 * size, in the default and the white-on-black themes. The lists of a poll
 * and the blank vote fit on one screen (R-D11-SCREEN); every touch target
 * is at least 12.7 mm with gaps of 2.54 mm, and no two overlap. A long
 * profession de foi is shown in pages that together say it all, once.
 * Usage: test_screens DATA-DIR WORK-DIR [--regenerate]
 * Each screenshot is written to WORK-DIR for people to look at; with
 * --regenerate (or ISOLOIR_REGENERATE_GOLDENS=1) the goldens are rewritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/check.h"
#include "screens.h"
#include "speech.h"
#include "shot.h"

#define W 1280
#define H 800
#define PX_PER_MM 4.0

static const char *data, *work;
static bool regenerate;
static struct operation *op;
static char *long_text; /* kiosk/profession-de-foi-longue.txt */
static struct screen_layout shot; /* the last screenshot's layout */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(1 << 20);
	*len = f != NULL && b != NULL ? fread(b, 1, (1 << 20) - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	return b;
}

/* the targets: big enough, apart, inside the screen */
static void targets_ok(const struct screen_layout *l, const char *name)
{
	int min = (int)(UI_TARGET_MM * PX_PER_MM), gap = (int)(UI_GAP_MM * PX_PER_MM);
	for (int i = 0; i < l->n; i++) {
		const SDL_Rect *a = &l->t[i].box;
		bool ok = a->w >= min && a->h >= min && a->x >= 0 && a->y >= 0 &&
			  a->x + a->w <= W && a->y + a->h <= H;
		for (int k = 0; k < i; k++) {
			const SDL_Rect *b = &l->t[k].box;
			/* apart by the gap on one axis at least */
			if (!(a->x >= b->x + b->w + gap || b->x >= a->x + a->w + gap ||
			      a->y >= b->y + b->h + gap || b->y >= a->y + a->h + gap))
				ok = false;
		}
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  %s: target %d (%d,%d %dx%d)\n", name, l->t[i].id, a->x, a->y,
				a->w, a->h);
	}
	CHECK(!l->overflow);
}

/* What a screenshot draws: a session's screen, maintenance's, a notice. */
struct drawing {
	const struct session *s;
	const struct maint_mode *m;
	const struct maint_view *mv;
	const char *title, *text, *notice, *lines; /* a notice page when s and m are NULL */
};

static void draw_it(struct ui *u, const struct drawing *d, const struct screen_view *v,
		    struct screen_layout *l)
{
	if (d->s != NULL)
		screen_draw(u, d->s, v, l);
	else if (d->m != NULL)
		screen_draw_maintenance(u, d->m, v, d->mv, l);
	else
		screen_draw_notice(u, v, d->title, d->text, d->notice, d->lines, l);
}

static void shoot_drawing(const struct drawing *d, const struct screen_view *v,
			  enum ui_text_size size, enum ui_contrast theme, const char *name);

static void shoot(const struct session *s, const struct screen_view *v, enum ui_text_size size,
		  enum ui_contrast theme, const char *name)
{
	struct drawing d = {.s = s};
	shoot_drawing(&d, v, size, theme, name);
}

static void shoot_drawing(const struct drawing *d, const struct screen_view *v,
			  enum ui_text_size size, enum ui_contrast theme, const char *name)
{
	SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_Renderer *r = sf != NULL ? SDL_CreateSoftwareRenderer(sf) : NULL;
	struct ui u;
	struct screen_layout *l = &shot;
	unsigned char *px = NULL, *gold = NULL;
	char path[1024], golden[1024];
	int gw = 0, gh = 0;
	CHECK(r != NULL);
	if (r == NULL)
		return;
	CHECK_ERR(ui_open(&u, r, W, H, PX_PER_MM, size, theme), ISO_OK);
	draw_it(&u, d, v, l);
	targets_ok(l, name);
	CHECK_ERR(ui_read_rgb(&u, &px), ISO_OK);
	snprintf(path, sizeof path, "%s/%s.png", work, name);
	snprintf(golden, sizeof golden, "%s/screens/%s.png", data, name);
	CHECK_ERR(ui_png_write(path, px, W, H), ISO_OK);
	if (regenerate) {
		CHECK_ERR(ui_png_write(golden, px, W, H), ISO_OK);
	} else if (ui_png_read(golden, &gold, &gw, &gh) != ISO_OK || gw != W || gh != H) {
		fprintf(stderr, "  %s: no golden %s (run with --regenerate, then look at it)\n", name,
			golden);
		CHECK(0);
	} else {
		/* anti-aliasing may move by a step between library builds */
		size_t diff = ui_png_diff(px, gold, W, H, 16);
		CHECK(diff <= (size_t)W * H / 1000);
		if (diff > (size_t)W * H / 1000)
			fprintf(stderr, "  %s: %zu pixels differ from %s (see %s)\n", name, diff,
				golden, path);
	}
	free(gold);
	free(px);
	ui_close(&u);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(sf);
}

static bool has_target(const struct screen_layout *l, int id)
{
	for (int i = 0; i < l->n; i++)
		if (l->t[i].id == id)
			return true;
	return false;
}

/* R-VOTE-07: every page of the long profession de foi, drawn in turn (and
 * one past the last, which shows the last): the pages' spoken texts are
 * the whole text once, in order — nothing cut, nothing said twice; the
 * first page has no previous page, the last no next page, every page's
 * targets are big enough and apart. Each page is written to WORK-DIR
 * (list-long-all-pageN-SUFFIX.png) to be looked at; no golden. */
static void pages_cover(const struct session *s, struct screen_view v, enum ui_text_size size,
			enum ui_contrast theme, const char *suffix)
{
	SDL_Surface *sf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
	SDL_Renderer *r = sf != NULL ? SDL_CreateSoftwareRenderer(sf) : NULL;
	static struct screen_layout l;
	static char said[1 << 16], whole[1 << 16];
	const char *head = tr(v.lang, TXT_PROFESSION);
	char name[128], last[sizeof l.spoken] = "";
	struct ui u;
	int pages = 1;
	CHECK(r != NULL && ui_open(&u, r, W, H, PX_PER_MM, size, theme) == ISO_OK);
	if (r == NULL)
		return;
	said[0] = whole[0] = '\0';
	for (int p = 0; p < pages; p++) {
		const char *at;
		unsigned char *px = NULL;
		char path[1024];
		v.view_page = p;
		screen_draw(&u, s, &v, &l);
		pages = l.view_pages;
		snprintf(name, sizeof name, "list-long-all-page%d-%s", p + 1, suffix);
		snprintf(path, sizeof path, "%s/%s.png", work, name);
		CHECK_ERR(ui_read_rgb(&u, &px), ISO_OK);
		CHECK_ERR(ui_png_write(path, px, W, H), ISO_OK);
		free(px);
		targets_ok(&l, name);
		CHECK(has_target(&l, ID_VIEW_PAGE_PREV) == (p > 0));
		CHECK(has_target(&l, ID_VIEW_PAGE_NEXT) == (p + 1 < pages));
		CHECK((at = strstr(l.spoken, head)) != NULL);
		if (at != NULL)
			check_words_of(at + strlen(head), strlen(at + strlen(head)), said, sizeof said);
		snprintf(last, sizeof last, "%s", l.spoken);
	}
	check_words_of(long_text, strlen(long_text), whole, sizeof whole);
	CHECK(pages >= 3);
	CHECK(strcmp(said, whole) == 0);
	if (strcmp(said, whole) != 0)
		fprintf(stderr, "  list-long-%s: the pages say\n%s\n  instead of\n%s\n", suffix, said,
			whole);
	v.view_page = pages + 2;
	screen_draw(&u, s, &v, &l);
	CHECK(strcmp(l.spoken, last) == 0);
	ui_close(&u);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(sf);
}

/* every screen, one session walked through them */
static void all_screens(enum iso_lang lang, enum ui_text_size size, enum ui_contrast theme,
			const char *suffix)
{
	static const char *const uuids[] = {"cHLp1ryRP63Upu", "DEr1FE2GxwUVb4"};
	static const char *const names[] = {"Comité social", "Délégués"};
	static const enum session_poll_state states[] = {POLL_TO_VOTE, POLL_VOTED};
	const struct session_login_result lr = {"token", "Élise Lefèvre", 2, uuids, names, states};
	const char *cred = "F7d-jkL-2qW-PLx-u3m";
	struct screen_view v = {lang, false, 0, NULL, NULL, 0, 45, op, false, false, 0, 0, 0, SPEECH_SPEED_DEFAULT, SPEECH_VOLUME_DEFAULT, false};
	struct session s;
	char name[128], good[ISO_CREDENTIAL_LEN + 1];
#define SHOT(n)                                                             \
	do {                                                                \
		snprintf(name, sizeof name, "%s-%s", n, suffix);            \
		shoot(&s, &v, size, theme, name);                           \
	} while (0)

	CHECK_ERR(iso_credential_generate(good), ISO_OK);
	(void)cred;
	session_init(&s, 0);
	v.focus = ID_START;
	SHOT("welcome");
	/* the voice alone, said on its button (the app darkens the screen) */
	v.audio = v.screen_off = true;
	v.focus = ID_AUDIO;
	SHOT("welcome-voice-alone");
	CHECK(strstr(shot.spoken, lang == ISO_LANG_EN ? "Voting is open from" : "Le vote est ouvert du") !=
	      NULL);
	v.audio = v.screen_off = false;
	/* outside the vote's hours (operation.json's, in Paris time) */
	session_set_hours(&s, op->opening, op->closing);
	session_start(&s);
	v.focus = ID_BACK;
	SHOT("error-closed");
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_CLOSED);
	session_back(&s);
	session_set_hours(&s, 0, 0);
	v.focus = ID_START;
	session_start(&s);
	v.focus = ID_FIELD_PASSWORD;
	v.identifier = "elise.lefevre";
	v.password_len = 7;
	v.answer = "";
	session_identify(&s, "elise.lefevre", good, "");
	SHOT("identify");
	/* a touch-only post: the keyboard of the field typed into */
	v.keyboard = true;
	v.field = ID_FIELD_PASSWORD;
	v.focus = ID_KEY + 'k';
	SHOT("identify-keyboard");
	v.field = ID_FIELD_ANSWER;
	v.focus = ID_FIELD_ANSWER;
	SHOT("identify-keyboard-answer");
	v.keyboard = false;
	v.field = 0;
	session_identify(&s, "elise.lefevre", good, "14/07/1985");
	v.focus = 0;
	SHOT("working");
	session_done_login(&s, ISO_E_LOCKED_OUT, NULL, 60, NULL);
	SHOT("error-locked");
	session_back(&s);
	session_identify(&s, "elise.lefevre", good, "14/07/1985");
	session_done_login(&s, ISO_OK, &lr, 0, NULL);
	session_poll_lists(&s, 0, 3, true);
	session_poll_lists(&s, 1, 3, true);
	v.focus = ID_POLL;
	SHOT("polls");
	/* "finish" with a poll still to vote: said before leaving */
	session_next(&s);
	v.focus = ID_FINISH;
	SHOT("polls-left");
	CHECK(s.notice == NOTICE_POLLS_LEFT);
	v.focus = ID_POLL;
	session_choose_poll(&s, 0);
	session_touch(&s, 2);
	v.focus = ID_CHOICE + 3;
	session_touch(&s, 3);
	SHOT("choose-overvote");
	/* R-VOTE-07: a list in detail */
	v.viewing = 2;
	v.focus = ID_VIEW_NEXT;
	SHOT("list-details");
	CHECK(shot.view_pages == 1 && !has_target(&shot, ID_VIEW_PAGE_NEXT));
	/* a profession de foi longer than the page: the first page (the
	 * candidates, the next page only), the second (both ways) */
	{
		struct operation_list *lc = &op->polls[0].lists[2];
		char *kept = lc->profession_de_foi, number[64];
		lc->profession_de_foi = long_text;
		v.viewing = 3;
		v.focus = ID_VIEW_PAGE_NEXT;
		SHOT("list-long-page1");
		tr_n_total(lang, TXT_PAGE_OF, 1, shot.view_pages, number, sizeof number);
		CHECK(strstr(shot.spoken, number) != NULL);
		CHECK(strstr(shot.spoken, "Camille Durand") != NULL);
		CHECK(strstr(shot.spoken, "Chères collègues") != NULL);
		v.view_page = 1;
		SHOT("list-long-page2");
		tr_n_total(lang, TXT_PAGE_OF, 2, shot.view_pages, number, sizeof number);
		CHECK(strstr(shot.spoken, number) != NULL);
		CHECK(strstr(shot.spoken, "Camille Durand") == NULL);
		CHECK(strstr(shot.spoken, "Chères collègues") == NULL);
		pages_cover(&s, v, size, theme, suffix);
		lc->profession_de_foi = kept;
		v.view_page = 0;
	}
	v.viewing = 0;
	session_review(&s);
	v.focus = ID_CONFIRM;
	SHOT("review");
	session_to_validate(&s);
	v.focus = ID_FIELD_PASSWORD;
	v.password_len = 15;
	SHOT("validate");
	v.keyboard = true;
	v.shift = true;
	v.field = ID_FIELD_PASSWORD;
	SHOT("validate-keyboard");
	v.keyboard = false;
	v.shift = false;
	v.field = 0;
	session_validate(&s, good);
	session_done_validate(&s, ISO_OK, "{}", 0, NULL);
	session_done_encrypt(&s, ISO_OK, "{}", "s0ABnC8xRUlVtGnOlqfjHk2cFOjqiWSsvxTr8nPRoiI");
	session_done_submit(&s, ISO_E_NETWORK, NULL, 0, NULL);
	v.focus = ID_RETRY;
	SHOT("error-network");
	session_retry(&s);
	session_done_submit(&s, ISO_OK, "{}", 1796011757, NULL);
	session_done_confirm(&s, ISO_OK, NULL);
	v.focus = ID_CONTINUE;
	SHOT("receipt");
	session_next(&s);
	session_activity(&s, 1000);
	session_tick(&s, 1000 + SESSION_IDLE_S);
	v.focus = ID_YES;
	v.countdown = 45;
	SHOT("still-there");
	session_activity(&s, 1400);
	session_usb(&s, true);
	v.focus = 0;
	SHOT("paused");
	session_usb(&s, false);
	session_next(&s);
	v.focus = ID_CONTINUE;
	SHOT("end");
	session_wipe(&s);
#undef SHOT
}

/* The technician's screens (issue 6, R-D11-INTERV) and the kiosk's own
 * notices (enrolment, a kiosk not as sealed), with fixed contents. */
static void service_screens(enum iso_lang lang, const char *suffix, bool all)
{
	struct screen_view v = {.lang = lang};
	struct maint_mode m;
	struct maint_view mv = {"42  2026-12-02T09:14:03Z  maintenance-start  success  technician=Jeanne "
				"Martin token=5f0c2a9e8d7b6c4a3f2e1d0c9b8a7f6e\n"
				"41  2026-12-02T09:13:40Z  usb-alert  na\n40  2026-12-02T08:00:12Z  kiosk-start  success\n",
				640, 400, "jeudi 4 décembre 2026 à 20 h 00"};
	static const enum mm_screen screens[] = {MM_PIN, MM_MENU, MM_REFUSED, MM_NETWORK, MM_PATTERN,
						 MM_KEYBOARD, MM_JOURNAL, MM_POWER};
	char name[128];
	struct drawing d = {.m = &m, .mv = &mv};
	for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
		if (!all && screens[i] != MM_PIN && screens[i] != MM_MENU)
			continue;
		mm_init(&m);
		m.screen = screens[i];
		m.have_token = true;
		snprintf(m.tok.technician, sizeof m.tok.technician, "Jeanne Martin");
		snprintf(m.pin, sizeof m.pin, "2468");
		m.failures = 1;
		m.refusal = ISO_E_TOKEN_EXPIRED;
		m.result_ok = true;
		snprintf(m.result, sizeof m.result,
			 "registre https://registre.example:8443 : joignable, clé conforme à l’empreinte "
			 "(12 ms)\nurne Comité social https://urne-cs.example:8444 : joignable, clé "
			 "conforme à l’empreinte (9 ms)\n");
		snprintf(m.key_seen, sizeof m.key_seen, "Tab");
		snprintf(name, sizeof name, "maintenance-%s-%s", mm_screen_name(screens[i]), suffix);
		shoot_drawing(&d, &v, UI_TEXT_NORMAL, UI_THEME_DEFAULT, name);
	}
	d = (struct drawing){.title = tr(lang, TXT_E_TITLE), .text = tr(lang, TXT_E_TEXT)};
	snprintf(name, sizeof name, "enrolment-%s", suffix);
	shoot_drawing(&d, &v, UI_TEXT_NORMAL, UI_THEME_DEFAULT, name);
	d = (struct drawing){.title = tr(lang, TXT_I_TITLE), .text = tr(lang, TXT_I_TEXT),
			     .lines = lang == ISO_LANG_EN ? "/usr/bin/isoloir-kiosk: changed\n"
							   : "/usr/bin/isoloir-kiosk : modifié\n"};
	snprintf(name, sizeof name, "not-as-sealed-%s", suffix);
	shoot_drawing(&d, &v, UI_TEXT_NORMAL, UI_THEME_DEFAULT, name);
}

int main(int argc, char **argv)
{
	char path[1024], *json;
	size_t len;
	if (argc < 3) {
		fprintf(stderr, "usage: %s DATA-DIR WORK-DIR [--regenerate]\n", argv[0]);
		return 2;
	}
	data = argv[1];
	work = argv[2];
	regenerate = (argc > 3 && strcmp(argv[3], "--regenerate") == 0) ||
		     getenv("ISOLOIR_REGENERATE_GOLDENS") != NULL;
	mkdir(work, 0755);
	snprintf(path, sizeof path, "%s/kiosk/operation.json", data);
	json = slurp(path, &len);
	CHECK_ERR(operation_parse(json, len, &op, NULL), ISO_OK);
	free(json);
	if (op == NULL)
		return check_status();
	snprintf(path, sizeof path, "%s/kiosk/profession-de-foi-longue.txt", data);
	long_text = slurp(path, &len);
	CHECK(long_text != NULL && len > 0);
	if (long_text == NULL)
		return check_status();
	while (len > 0 && long_text[len - 1] == '\n')
		len--;
	long_text[len] = '\0';
	if (TTF_Init() != 0)
		return 2;
	/* the page's number in each language's words */
	{
		char of[64];
		tr_n_total(ISO_LANG_FR, TXT_PAGE_OF, 2, 3, of, sizeof of);
		CHECK(strcmp(of, "Page 2 sur 3") == 0);
		tr_n_total(ISO_LANG_EN, TXT_PAGE_OF, 12, 14, of, sizeof of);
		CHECK(strcmp(of, "Page 12 of 14") == 0);
		tr_n_total(ISO_LANG_FR, TXT_PAGE_PREV, 0, 0, of, 9); /* short: no half "é" */
		CHECK(strcmp(of, "Page pr") == 0);
	}
	all_screens(ISO_LANG_FR, UI_TEXT_NORMAL, UI_THEME_DEFAULT, "fr");
	all_screens(ISO_LANG_EN, UI_TEXT_NORMAL, UI_THEME_DEFAULT, "en");
	all_screens(ISO_LANG_FR, UI_TEXT_LARGE, UI_THEME_DEFAULT, "fr-large");
	all_screens(ISO_LANG_FR, UI_TEXT_NORMAL, UI_THEME_WHITE_ON_BLACK, "fr-contrast");
	service_screens(ISO_LANG_FR, "fr", true);
	service_screens(ISO_LANG_EN, "en", false);
	TTF_Quit();
	operation_free(op);
	free(long_text);
	return check_status();
}
