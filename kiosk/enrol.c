/* The kiosk's start on its image (see enrol.h). */
#include "enrol.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrolment.h"
#include "integrity.h"
#include "screens.h"
#include "shot.h"
#include "usbkey.h"

enum enrol_state { WAITING, DONE, REFUSED };

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* The screen of st, presented; new: st has just changed (traced, kept) */
static void draw(const struct enrol_ctx *c, struct ui *u, enum enrol_state st, const char *kiosk,
		 const char *why, bool new)
{
	static const char *const names[] = {"enrolment", "enrolment-done", "enrolment-refused"};
	struct screen_view v = {.lang = c->lang};
	struct screen_layout l;
	char text[1024];
	if (st == DONE)
		tr_args(c->lang, TXT_E_DONE_TEXT, (const struct tr_arg[]){{"{kiosk}", kiosk}}, 1, text,
			sizeof text);
	if (st == WAITING)
		screen_draw_notice(u, &v, tr(c->lang, TXT_E_TITLE), tr(c->lang, TXT_E_TEXT), NULL,
				   NULL, &l);
	else if (st == DONE)
		screen_draw_notice(u, &v, tr(c->lang, TXT_E_DONE_TITLE), text, NULL, NULL, &l);
	else
		screen_draw_notice(u, &v, tr(c->lang, TXT_E_REFUSED_TITLE),
				   tr(c->lang, TXT_E_REFUSED_TEXT), why, NULL, &l);
	if (new && c->shots != NULL) { /* headless: each screen kept, as the script's shots */
		unsigned char *px = NULL;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.png", c->shots, names[st]);
		if (ui_read_rgb(u, &px) == ISO_OK)
			ui_png_write(path, px, c->w, c->h);
		free(px);
	}
	SDL_RenderPresent(c->r);
	if (new && c->trace != NULL) {
		fprintf(c->trace, "SCREEN %s 0 0\n", names[st]);
		fflush(c->trace);
	}
}

/* One key's bundle: checked, installed, erased from the key. */
static enum iso_err take(const struct enrol_ctx *c, const struct usbkey *k, const char *doc,
			 size_t len, struct kiosk_journal *j, char *kiosk, size_t ksize, char *why,
			 size_t wsize)
{
	struct enrolment *e = NULL;
	struct operation_where where = {0, 0, NULL};
	char detail[KIOSK_DETAIL_MAX + 1];
	enum iso_err err = c->key != NULL && c->manifest_sha256 != NULL
				   ? enrolment_check(c->key, doc, len, c->manifest_sha256, &e, &where)
				   : ISO_E_NO_TECHNICIAN_KEY;
	if (err == ISO_OK)
		err = enrolment_install(e, c->state_dir);
	if (err == ISO_OK) {
		snprintf(kiosk, ksize, "%s", e->kiosk);
		snprintf(detail, sizeof detail, "bundle=%s kiosk=%s", e->id, e->kiosk);
		/* the bundle holds the post's key: it does not stay on the key */
		if (usbkey_erase(k, ENROLMENT_FILE_NAME) != ISO_OK)
			snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
				 " not-erased-from-key");
	} else {
		if (err == ISO_E_ENROLMENT_OPERATION && where.field != NULL)
			operation_where_format(&where, err, c->lang, why, wsize);
		else
			snprintf(why, wsize, "%s.", iso_strerror(err, c->lang));
		snprintf(detail, sizeof detail, "refused=%s", iso_errname(err));
		if (why[0] >= 'a' && why[0] <= 'z') /* a sentence */
			why[0] = (char)(why[0] - 'a' + 'A');
	}
	if (j != NULL)
		kiosk_journal_add_detail(j, EV_ENROLMENT, err == ISO_OK ? OUTCOME_SUCCESS : OUTCOME_FAILURE,
					 now_s(), detail);
	enrolment_free(e);
	return err;
}

enum iso_err kiosk_enrol(const struct enrol_ctx *c)
{
	struct usbkey_watch *w = NULL;
	struct usbkey_seen seen = {.n = 0}; /* empty: a key plugged before the start is looked at too */
	struct usbkey mine;
	struct kiosk_journal *j = NULL;
	struct ui u;
	enum enrol_state st = WAITING;
	char kiosk[128] = "", why[512] = "", jpath[4096];
	int64_t start = now_s();
	enum iso_err err = ISO_E_INVALID_ARG;
	bool first = true; /* the keys plugged before the start, looked at once */
	memset(&mine, 0, sizeof mine);
	if (usbkey_watch_open(&w) != ISO_OK)
		return ISO_E_USB;
	if (ui_open(&u, c->r, c->w, c->h, c->px_per_mm, UI_TEXT_DEFAULT, UI_THEME_DEFAULT) != ISO_OK) {
		usbkey_watch_close(w);
		return ISO_E_IO;
	}
	/* the state folder (the image's data partition) holds the journal from
	 * the first key read */
	if (mkdir(c->state_dir, 0700) != 0 && errno != EEXIST)
		fprintf(stderr, "isoloir-kiosk: %s: %s\n", c->state_dir, strerror(errno));
	snprintf(jpath, sizeof jpath, "%s/%s", c->state_dir, ENROLMENT_JOURNAL);
	if (kiosk_journal_open(jpath, "non-enrole", &j) != ISO_OK)
		j = NULL;
	draw(c, &u, st, kiosk, why, true);
	{
		SDL_RendererInfo info = {0};
		const char *e = SDL_GetError();
		SDL_GetRendererInfo(c->r, &info);
		fprintf(stderr, "isoloir-kiosk: ready (enrolment)\n");
		/* what the image's display runs on, for its boot log */
		fprintf(stderr, "isoloir-kiosk: renderer %s %dx%d%s%s\n", info.name ? info.name : "?", c->w,
			c->h, e[0] != '\0' ? ", SDL: " : "", e);
	}
	while (!*c->stop && (c->timeout_s == 0 || now_s() - start < c->timeout_s)) {
		struct usbkey now[USBKEY_MAX];
		size_t n;
		bool mine_here, changed = false;
		SDL_Event ev;
		while (SDL_PollEvent(&ev))
			;
		/* presented again and again: a display (KMSDRM) may show nothing
		 * of a single frame */
		if (!usbkey_wait(w, 100) && seen.n == 0 && !first) {
			draw(c, &u, st, kiosk, why, false);
			continue;
		}
		first = false;
		n = usbkey_present(w, now, USBKEY_MAX);
		mine_here = usbkey_among(now, n, mine.devnode);
		usbkey_seen_forget_gone(&seen, now, n, NULL, NULL);
		for (size_t i = 0; i < n; i++) {
			char *doc = NULL;
			size_t len = 0;
			if (!usbkey_seen_first(&seen, &now[i]) || st != WAITING ||
			    usbkey_read(&now[i], ENROLMENT_FILE_NAME, ENROLMENT_MAX, &doc, &len) != ISO_OK) {
				free(doc);
				continue;
			}
			mine = now[i];
			mine_here = true;
			st = take(c, &now[i], doc, len, j, kiosk, sizeof kiosk, why, sizeof why) == ISO_OK
				     ? DONE
				     : REFUSED;
			OPENSSL_cleanse(doc, len);
			free(doc);
			changed = true;
		}
		if (st != WAITING && !mine_here) {
			if (st == DONE) {
				err = ISO_OK;
				break;
			}
			st = WAITING;
			memset(&mine, 0, sizeof mine);
			changed = true;
		}
		draw(c, &u, st, kiosk, why, changed);
	}
	ui_close(&u);
	kiosk_journal_close(j);
	usbkey_watch_close(w);
	return err;
}

enum iso_err kiosk_integrity(const char *manifest, const char *sealed, enum iso_lang lang,
			     struct kiosk_journal *journal, char **ret_report)
{
	struct integrity_manifest *m = NULL;
	struct integrity_where where = {0, INTEGRITY_FAULT_NONE};
	struct integrity_report files = {0}, proc = {0};
	char detail[KIOSK_DETAIL_MAX + 1], *report = NULL;
	size_t cap = 8192, used = 0;
	enum iso_err err = integrity_manifest_read(manifest, sealed, &m, &where);
	if ((report = calloc(1, cap)) == NULL) {
		integrity_manifest_free(m);
		return ISO_E_NOMEM;
	}
	if (err != ISO_OK) {
		char place[256] = "";
		if (where.fault != INTEGRITY_FAULT_NONE)
			integrity_where_format(&where, lang, place, sizeof place);
		snprintf(report, cap, "%s : %s %s\n", manifest, iso_strerror(err, lang), place);
		snprintf(detail, sizeof detail, "manifest=%s refused=%s", manifest, iso_errname(err));
	} else {
		enum iso_err e1 = integrity_check(m, NULL, integrity_kiosk_files, &files),
			     e2 = integrity_check_process(m, &proc);
		const struct integrity_report *rs[2] = {&files, &proc};
		err = e1 != ISO_OK ? e1 : e2;
		for (int r = 0; r < 2; r++)
			for (size_t i = 0; i < rs[r]->nmismatches && i < INTEGRITY_KEPT; i++) {
				int k = snprintf(report + used, cap - used, "%s : %s\n", rs[r]->kept[i].path,
						 integrity_problem_name(rs[r]->kept[i].problem, lang));
				if (k > 0 && (size_t)k < cap - used)
					used += (size_t)k;
			}
		snprintf(detail, sizeof detail, "files=%zu manifest=%s%s%s", files.checked + proc.checked,
			 m->sha256, used > 0 ? " first=" : "",
			 files.nmismatches > 0 ? files.kept[0].path
			 : proc.nmismatches > 0 ? proc.kept[0].path
						: "");
	}
	if (journal != NULL)
		kiosk_journal_add_detail(journal, EV_INTEGRITY_CHECK,
					 err == ISO_OK ? OUTCOME_SUCCESS : OUTCOME_FAILURE, now_s(), detail);
	integrity_report_clear(&files);
	integrity_report_clear(&proc);
	integrity_manifest_free(m);
	if (err == ISO_OK) {
		free(report);
		return ISO_OK;
	}
	*ret_report = report;
	return err;
}
