/* The kiosk's screens (see screens.h). A screen is a page: a title, a
 * text, a notice when there is one, its content, and a row of buttons at
 * the bottom (back on the left, the way on at the right). */
#include "screens.h"

#include "speech.h"
#include "timetext.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct page {
	struct ui *u;
	const struct screen_view *v;
	struct screen_layout *l;
	SDL_Rect content; /* what is left between the text and the buttons */
};

/* the first k bytes of src after what dst holds, within size, never
 * cutting a UTF-8 character */
static void append_utf8_n(char *dst, size_t size, const char *src, size_t k)
{
	size_t n = strlen(dst);
	if (n + 1 >= size)
		return;
	if (k > size - 1 - n) {
		k = size - 1 - n;
		while (k > 0 && ((unsigned char)src[k] & 0xc0) == 0x80)
			k--;
	}
	memcpy(dst + n, src, k);
	dst[n + k] = '\0';
}

static void append_utf8(char *dst, size_t size, const char *src)
{
	append_utf8_n(dst, size, src, strlen(src));
}

static void target(struct page *pg, SDL_Rect box, int id, const char *label)
{
	if (pg->l->n < SCREEN_TARGETS_MAX) {
		struct target *tg = &pg->l->t[pg->l->n++];
		tg->box = box;
		tg->id = id;
		tg->label[0] = '\0';
		append_utf8(tg->label, sizeof tg->label, label != NULL ? label : "");
	}
}

static const char *T(const struct page *pg, enum msg m)
{
	return tr(pg->v->lang, m);
}

/* Title, text and notice from the top; the content box below them. */
static void page_begin(struct page *pg, const char *title, const char *text, const char *notice)
{
	struct ui *u = pg->u;
	int m = u->m.margin_px, y = m, w = u->w - 2 * m;
	ui_clear(u);
	pg->l->spoken[0] = '\0';
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, title);
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, ". ");
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, text != NULL ? text : "");
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, " ");
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, notice != NULL ? notice : "");
	y += ui_text(u, u->title, title, m, y, w, u->p->text, false) + u->m.gap_px;
	if (text != NULL)
		y += ui_text(u, u->body, text, m, y, w, u->p->text, false) + u->m.gap_px;
	if (notice != NULL && notice[0] != '\0') {
		int pad = u->m.gap_px, h = ui_text(u, u->bold, notice, 0, 0, w - 2 * pad, u->p->text,
						   true);
		SDL_Rect box = {m, y, w, h + 2 * pad};
		ui_fill(u, box, u->p->alert);
		ui_text(u, u->bold, notice, m + pad, y + pad, w - 2 * pad, u->p->alert_text, false);
		y += box.h + u->m.gap_px;
	}
	pg->content = (SDL_Rect){m, y, w, u->h - y - m - u->m.target_px - 2 * u->m.gap_px};
}

/* The bottom row: back (or nothing) at the left, the way on at the right. */
static void page_buttons(struct page *pg, int back_id, enum msg back, int main_id, enum msg main,
			 enum ui_button_kind kind)
{
	struct ui *u = pg->u;
	int m = u->m.margin_px, h = u->m.target_px, y = u->h - m - h, bw = (u->w - 2 * m - u->m.gap_px * 4) / 2;
	if (back_id != 0) {
		SDL_Rect b = {m, y, bw, h};
		ui_button(u, b, T(pg, back), UI_BUTTON_SECOND, pg->v->focus == back_id);
		target(pg, b, back_id, T(pg, back));
	}
	if (main_id != 0) {
		SDL_Rect b = {u->w - m - bw, y, bw, h};
		ui_button(u, b, T(pg, main), kind, pg->v->focus == main_id);
		target(pg, b, main_id, T(pg, main));
	}
}

/* Three buttons in the bottom row: left, middle, right. */
static void page_buttons3(struct page *pg, const int ids[3], const enum msg labels[3],
			  enum ui_button_kind right_kind)
{
	struct ui *u = pg->u;
	int m = u->m.margin_px, h = u->m.target_px, g = 2 * u->m.gap_px, y = u->h - m - h,
	    bw = (u->w - 2 * m - 2 * g) / 3;
	for (int i = 0; i < 3; i++) {
		SDL_Rect b = {m + i * (bw + g), y, bw, h};
		ui_button(u, b, T(pg, labels[i]), i == 2 ? right_kind : UI_BUTTON_SECOND,
			  pg->v->focus == ids[i]);
		target(pg, b, ids[i], T(pg, labels[i]));
	}
}

/* ---- each screen ---- */

/* "Le vote est ouvert du … au …." */
static void hours_text(const struct page *pg, char *buf, size_t size)
{
	char from[128], to[128];
	buf[0] = '\0';
	if (pg->v->op == NULL || pg->v->op->closing == 0)
		return;
	iso_time_text(pg->v->lang, pg->v->op->opening_text, from, sizeof from);
	iso_time_text(pg->v->lang, pg->v->op->closing_text, to, sizeof to);
	tr_args(pg->v->lang, TXT_HOURS, (const struct tr_arg[]){{"{from}", from}, {"{to}", to}}, 2,
		buf, size);
}

static void welcome(struct page *pg)
{
	struct ui *u = pg->u;
	SDL_Rect c;
	int h = u->m.target_px, gap = u->m.gap_px * 2, bw;
	static const int ids[6] = {ID_LANGUAGE, ID_TEXT_SIZE, ID_CONTRAST, ID_AUDIO, ID_SPEED,
				   ID_VOLUME};
	char labels[6][96];
	snprintf(labels[0], sizeof labels[0], "%s", T(pg, TXT_LANGUAGE));
	snprintf(labels[1], sizeof labels[1], "%s", T(pg, TXT_TEXT_SIZE));
	snprintf(labels[2], sizeof labels[2], "%s", T(pg, TXT_CONTRAST));
	/* the voice's state is said on its button: nothing shows it otherwise */
	{
		/* French typography: a narrow no-break space before the colon and
		 * the per cent sign, a decimal comma */
		static const char *const speeds[2][SPEECH_SPEEDS] = {
			{"0,5×", "0,75×", "1×", "1,5×", "2×"}, {"0.5×", "0.75×", "1×", "1.5×", "2×"}};
		bool en = pg->v->lang == ISO_LANG_EN;
		const char *colon = en ? ":" : "\u202f:", *pct = en ? "%" : "\u202f%";
		int sp = pg->v->speed >= 0 && pg->v->speed < SPEECH_SPEEDS ? pg->v->speed
									   : SPEECH_SPEED_DEFAULT;
		if (pg->v->screen_off)
			snprintf(labels[3], sizeof labels[3], "%s", T(pg, TXT_SCREEN_OFF));
		else
			snprintf(labels[3], sizeof labels[3], "%s%s %s", T(pg, TXT_AUDIO), colon,
				 T(pg, pg->v->audio ? TXT_ON : TXT_OFF));
		snprintf(labels[4], sizeof labels[4], "%s%s %s", T(pg, TXT_SPEED), colon,
			 speeds[en][sp]);
		snprintf(labels[5], sizeof labels[5], "%s%s %d%s", T(pg, TXT_VOLUME), colon,
			 25 * (pg->v->volume + 1), pct);
	}
	{
		char text[1024], hours[512];
		hours_text(pg, hours, sizeof hours);
		snprintf(text, sizeof text, "%s%s%s", T(pg, TXT_WELCOME_TEXT), hours[0] ? "\n" : "",
			 hours);
		page_begin(pg, T(pg, TXT_WELCOME_TITLE), text, NULL);
	}
	c = pg->content;
	bw = (c.w - gap) / 2;
	for (int i = 0; i < 6; i++) {
		SDL_Rect b = {c.x + (i % 2) * (bw + gap), c.y + (i / 2) * (h + gap), bw, h};
		ui_button(u, b, labels[i], UI_BUTTON_SECOND, pg->v->focus == ids[i]);
		target(pg, b, ids[i], labels[i]);
	}
	page_buttons(pg, 0, TXT_BACK, ID_START, TXT_START, UI_BUTTON_MAIN);
}

/* a labelled text field: the label above it, or at its left when the
 * page is short of room (the on-screen keyboard below) */
static int field(struct page *pg, int y, enum msg label, enum msg hint, const char *value, int id)
{
	struct ui *u = pg->u;
	SDL_Rect c = pg->content, box;
	bool compact = pg->v->keyboard;
	int lw = compact ? c.w * 2 / 5 : c.w,
	    used = ui_text(u, u->bold, T(pg, label), c.x,
			   compact ? y + (u->m.target_px - TTF_FontLineSkip(u->bold)) / 2 : y, lw,
			   u->p->text, false);
	if (compact) {
		box = (SDL_Rect){c.x + lw, y, c.w - lw, u->m.target_px};
		used = 0;
	} else {
		box = (SDL_Rect){c.x, y + used, c.w, u->m.target_px};
	}
	ui_fill(u, box, u->p->background);
	ui_frame(u, box, pg->v->focus == id || pg->v->field == id ? u->m.gap_px : 2, u->p->text);
	ui_text(u, u->body, value, box.x + u->m.gap_px * 2,
		box.y + (box.h - TTF_FontLineSkip(u->body)) / 2, box.w - 4 * u->m.gap_px, u->p->text,
		false);
	target(pg, box, id, T(pg, label));
	used += box.h;
	if (hint != TXT__COUNT)
		used += ui_text(u, u->body, T(pg, hint), c.x, y + used, c.w, u->p->muted, false);
	return used + u->m.gap_px;
}

static const char *notice_text(const struct page *pg, enum session_notice n)
{
	switch (n) {
	case NOTICE_OVERVOTE:
		return T(pg, TXT_NOTICE_OVERVOTE);
	case NOTICE_NO_CHOICE:
		return T(pg, TXT_NOTICE_NO_CHOICE);
	case NOTICE_BAD_PASSWORD:
		return T(pg, TXT_NOTICE_BAD_PASSWORD);
	case NOTICE_EMPTY_FIELD:
		return T(pg, TXT_NOTICE_EMPTY);
	default:
		return NULL;
	}
}

static void dots(char *buf, size_t size, int n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && k + 4 < size; i++) {
		memcpy(buf + k, "●", 3); /* U+25CF */
		k += 3;
		if (i % 3 == 2 && i + 1 < n && k + 2 < size)
			buf[k++] = '-';
	}
	buf[k] = '\0';
}

/* The on-screen keyboard for the focused field, at the bottom of the
 * content: the characters that field takes (an identifier: letters,
 * digits, . - _ @; the password: base58 letters and digits, capitals by
 * the shift key; the answer: digits and /), then erase. Its height. */
static int keyboard(struct page *pg, int field_id, int bottom)
{
	static const char *const ident[] = {"1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn.-_@"};
	static const char *const pass[] = {"123456789", "azertyuiop", "qsdfghjkmn", "wxcvb-"};
	static const char *const pass_up[] = {"123456789", "AZERTYUPQS", "DFGHJKLMNW", "XCVB-"};
	static const char *const digits[] = {"123", "456", "789", "/0"};
	const char *const *rows = field_id == ID_FIELD_PASSWORD ? (pg->v->shift ? pass_up : pass)
				 : field_id == ID_FIELD_ANSWER ? digits
							       : ident;
	struct ui *u = pg->u;
	int k = u->m.target_px, gap = u->m.gap_px, nrows = 5, top = bottom - nrows * (k + gap);
	SDL_Rect c = pg->content;
	for (int r = 0; r < 4; r++) {
		int n = (int)strlen(rows[r]), x = c.x + (c.w - n * (k + gap) + gap) / 2;
		for (int i = 0; i < n; i++) {
			char label[2] = {rows[r][i], '\0'};
			SDL_Rect b = {x + i * (k + gap), top + r * (k + gap), k, k};
			int id = ID_KEY + (unsigned char)rows[r][i];
			ui_button(u, b, label, UI_BUTTON_SECOND, pg->v->focus == id);
			target(pg, b, id, label);
		}
	}
	{
		int w = 6 * k < c.w / 2 - gap ? 6 * k : c.w / 2 - gap, y = top + 4 * (k + gap);
		SDL_Rect erase = {c.x + c.w / 2 + gap / 2, y, w, k},
			 shift = {c.x + c.w / 2 - gap / 2 - w, y, w, k};
		ui_button(u, erase, T(pg, TXT_ERASE), UI_BUTTON_SECOND, pg->v->focus == ID_KEY_BACKSPACE);
		target(pg, erase, ID_KEY_BACKSPACE, T(pg, TXT_ERASE));
		if (field_id == ID_FIELD_PASSWORD) {
			ui_button(u, shift, T(pg, pg->v->shift ? TXT_LOWER : TXT_UPPER), UI_BUTTON_SECOND,
				  pg->v->focus == ID_KEY_SHIFT);
			target(pg, shift, ID_KEY_SHIFT, T(pg, pg->v->shift ? TXT_LOWER : TXT_UPPER));
		}
	}
	return nrows * (k + gap);
}

/* the field typed into, or the first */
static int field_shown(const struct page *pg, int first)
{
	int f = pg->v->field;
	return f == ID_FIELD_IDENTIFIER || f == ID_FIELD_PASSWORD || f == ID_FIELD_ANSWER ? f : first;
}

static void identify(struct page *pg, const struct session *s)
{
	char pw[128];
	int y, kb = pg->v->keyboard ? field_shown(pg, ID_FIELD_IDENTIFIER) : 0;
	bool hints = kb == 0;
	page_begin(pg, T(pg, TXT_IDENTIFY_TITLE), NULL, notice_text(pg, s->notice));
	y = pg->content.y;
	dots(pw, sizeof pw, pg->v->password_len);
	y += field(pg, y, TXT_IDENTIFIER, TXT__COUNT, pg->v->identifier ? pg->v->identifier : "",
		   ID_FIELD_IDENTIFIER);
	y += field(pg, y, TXT_PASSWORD, hints ? TXT_PASSWORD_HINT : TXT__COUNT, pw,
		   ID_FIELD_PASSWORD);
	y += field(pg, y, TXT_ANSWER, hints ? TXT_ANSWER_HINT : TXT__COUNT,
		   pg->v->answer ? pg->v->answer : "", ID_FIELD_ANSWER);
	if (kb != 0 && keyboard(pg, kb, pg->content.y + pg->content.h) > pg->content.y + pg->content.h - y)
		pg->l->overflow = true;
	page_buttons(pg, ID_BACK, TXT_BACK, ID_LOG_IN, TXT_LOG_IN, UI_BUTTON_MAIN);
}

static void polls(struct page *pg, const struct session *s)
{
	struct ui *u = pg->u;
	char title[SESSION_NAME_MAX + 64];
	SDL_Rect c;
	int h, gap = u->m.gap_px * 2;
	char left_text[512] = "";
	size_t left = 0;
	for (size_t i = 0; i < s->npolls; i++)
		left += s->polls[i].state != POLL_VOTED;
	if (s->notice == NOTICE_POLLS_LEFT)
		tr_n(pg->v->lang, left == 1 ? TXT_NOTICE_POLL_LEFT : TXT_NOTICE_POLLS_LEFT,
		     (long long)left, left_text, sizeof left_text);
	snprintf(title, sizeof title, "%s — %s", T(pg, TXT_POLLS_TITLE), s->name);
	page_begin(pg, title, T(pg, TXT_POLLS_TEXT), left_text[0] != '\0' ? left_text : NULL);
	c = pg->content;
	/* each poll as tall as its words need, and at least a target */
	h = u->m.target_px;
	for (size_t i = 0; i < s->npolls; i++) {
		int need = ui_tile_height(u, c.w, s->polls[i].name, T(pg, TXT_TO_VOTE), false);
		if (need > h)
			h = need;
	}
	if (s->npolls > 0 && h * (int)s->npolls + gap * ((int)s->npolls - 1) > c.h)
		pg->l->overflow = true;
	for (size_t i = 0; i < s->npolls; i++) {
		SDL_Rect b = {c.x, c.y + (int)i * (h + gap), c.w, h};
		bool voted = s->polls[i].state == POLL_VOTED;
		ui_tile(u, b, s->polls[i].name, T(pg, voted ? TXT_VOTED : TXT_TO_VOTE), false, voted,
			pg->v->focus == ID_POLL + (int)i);
		if (!voted)
			target(pg, b, ID_POLL + (int)i, s->polls[i].name);
	}
	page_buttons(pg, 0, TXT_BACK, ID_FINISH, TXT_FINISH, UI_BUTTON_SECOND);
}

/* The candidates of a list on one line, shortened. */
static void candidates_line(const struct operation_list *l, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->ncandidates && n + 8 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", l->candidates[i]);
}

/* A tile's words for choice k of a poll (0 blank, 1.. lists). */
static void tile_words(const struct page *pg, const struct operation_poll *p, int choice,
		       bool with_candidates, char *title, size_t tsize, char *line, size_t lsize)
{
	if (choice == 0) {
		snprintf(title, tsize, "%s", T(pg, TXT_BLANK));
		snprintf(line, lsize, "%s", T(pg, TXT_BLANK_LINE));
		return;
	}
	snprintf(title, tsize, "%s — %s", p->lists[choice - 1].acronym, p->lists[choice - 1].name);
	if (with_candidates)
		candidates_line(&p->lists[choice - 1], line, lsize);
	else
		line[0] = '\0';
}

static void choose(struct page *pg, const struct session *s)
{
	struct ui *u = pg->u;
	const struct session_poll *sp = &s->polls[s->current];
	const struct operation_poll *p = operation_poll(pg->v->op, sp->uuid);
	int n = (int)sp->nlists + (sp->blank ? 1 : 0), gap = u->m.gap_px * 2, cols = 1, rows = 1,
	    tw = 0, th = 0, level, need = 0;
	char line[512], title[512];
	bool fits = false;
	SDL_Rect c;
	page_begin(pg, sp->name, T(pg, TXT_CHOOSE_TEXT), notice_text(pg, s->notice));
	c = pg->content;
	if (p == NULL || n == 0)
		return;
	/* R-D11-SCREEN: every list and the blank vote on this one screen.
	 * The largest words that fit: titles with the candidates, then bold
	 * titles with them, then bold titles alone (the candidates open from
	 * the list); for each, the fewest columns whose tiles hold the words.
	 * The choice is kept for the next frames of the same page. */
	static struct {
		const void *op, *font;
		char uuid[64];
		SDL_Rect content;
		enum iso_lang lang;
		int font_px, level, cols, tw, th, need;
		bool fits;
	} memo;
	if (memo.op == pg->v->op && memo.font == u->body && memo.font_px == u->m.font_px &&
	    memo.lang == pg->v->lang &&
	    strcmp(memo.uuid, sp->uuid) == 0 && SDL_RectEquals(&memo.content, &c)) {
		level = memo.level + 1;
		cols = memo.cols + 1;
		tw = memo.tw;
		th = memo.th;
		need = memo.need;
		fits = memo.fits;
	}
	for (level = fits ? level : 0; level < 3 && !fits; level++)
		for (cols = 1; cols <= n && !fits; cols++) {
			need = 0;
			rows = (n + cols - 1) / cols;
			tw = (c.w - gap * (cols - 1)) / cols;
			th = (c.h - gap * (rows - 1)) / rows;
			for (int i = 0; i < n; i++) {
				int h;
				tile_words(pg, p, sp->blank ? i : i + 1, level < 2, title, sizeof title,
					   line, sizeof line);
				h = ui_tile_height(u, tw, title, line[0] ? line : NULL, level > 0);
				if (h > need)
					need = h;
			}
			fits = th >= need && th >= u->m.target_px && tw >= u->m.target_px;
		}
	if (!fits)
		pg->l->overflow = true;
	level--;
	cols--;
	memo.op = pg->v->op;
	memo.font = u->body;
	memo.font_px = u->m.font_px;
	memo.lang = pg->v->lang;
	snprintf(memo.uuid, sizeof memo.uuid, "%s", sp->uuid);
	memo.content = c;
	memo.level = level;
	memo.cols = cols;
	memo.tw = tw;
	memo.th = th;
	memo.need = need;
	memo.fits = fits;
	/* no taller than needed, nor than three targets, so the eye finds them */
	if (th > u->m.target_px * 3 && th > need)
		th = need > u->m.target_px * 3 ? need : u->m.target_px * 3;
	for (int i = 0; i < n; i++) {
		int choice = sp->blank ? i : i + 1;
		SDL_Rect b = {c.x + (i % cols) * (tw + gap), c.y + (i / cols) * (th + gap), tw, th};
		tile_words(pg, p, choice, level < 2, title, sizeof title, line, sizeof line);
		ui_tile(u, b, title, line[0] ? line : NULL, level > 0, sp->choice == choice,
			pg->v->focus == ID_CHOICE + choice);
		{
			char said[256] = "";
			append_utf8(said, sizeof said, title);
			append_utf8(said, sizeof said, ". ");
			append_utf8(said, sizeof said, line);
			target(pg, b, ID_CHOICE + choice, said);
		}
	}
	page_buttons3(pg, (const int[3]){ID_BACK, ID_DETAILS, ID_TO_REVIEW},
		      (const enum msg[3]){TXT_BACK, TXT_DETAILS, TXT_TO_REVIEW}, UI_BUTTON_MAIN);
}

/* The viewer's page row, at the bottom of the content: the previous page
 * (not on the first), the page's number ("Page 2 sur 3"), the next page
 * (not on the last), in the columns of the bottom row's three buttons. */
static void viewer_page_row(struct page *pg, int page, int pages, const char *number)
{
	struct ui *u = pg->u;
	int m = u->m.margin_px, h = u->m.target_px, g = 2 * u->m.gap_px,
	    y = pg->content.y + pg->content.h - h, bw = (u->w - 2 * m - 2 * g) / 3;
	SDL_Rect prev = {m, y, bw, h}, middle = {m + bw + g, y, bw, h},
		 next = {m + 2 * (bw + g), y, bw, h};
	if (page > 0) {
		ui_button(u, prev, T(pg, TXT_PAGE_PREV), UI_BUTTON_SECOND,
			  pg->v->focus == ID_VIEW_PAGE_PREV);
		target(pg, prev, ID_VIEW_PAGE_PREV, T(pg, TXT_PAGE_PREV));
	}
	ui_text_centred(u, u->bold, number, middle, u->p->text);
	if (page + 1 < pages) {
		ui_button(u, next, T(pg, TXT_PAGE_NEXT), UI_BUTTON_SECOND,
			  pg->v->focus == ID_VIEW_PAGE_NEXT);
		target(pg, next, ID_VIEW_PAGE_NEXT, T(pg, TXT_PAGE_NEXT));
	}
}

/* One list in detail (R-VOTE-07): its candidates and its profession de
 * foi; nothing here chooses. A profession de foi longer than the page is
 * shown in pages of whole lines (the candidates on the first), turned by
 * a row of buttons above the bottom one; what is spoken is the page shown.
 * The pages are found again at each frame: the same state, the same pages. */
static void viewer(struct page *pg, const struct session *s)
{
	struct ui *u = pg->u;
	const struct session_poll *sp = &s->polls[s->current];
	const struct operation_poll *p = operation_poll(pg->v->op, sp->uuid);
	const struct operation_list *l;
	const char *text;
	char title[512], names[4096], of[64];
	char *said = pg->l->spoken;
	size_t n = 0, len, start = 0, end;
	int y, top, head, page = 0, pages = 1, first = 1;
	SDL_Rect c;
	if (p == NULL || pg->v->viewing < 1 || (size_t)pg->v->viewing > p->nlists)
		return;
	l = &p->lists[pg->v->viewing - 1];
	text = l->profession_de_foi;
	len = end = strlen(text);
	snprintf(title, sizeof title, "%s — %s", l->acronym, l->name);
	page_begin(pg, title, NULL, NULL);
	c = pg->content;
	names[0] = '\0';
	for (size_t i = 0; i < l->ncandidates && n + 4 < sizeof names; i++)
		n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? " · " : "",
				      l->candidates[i]);
	top = ui_text(u, u->bold, T(pg, TXT_CANDIDATES), 0, 0, c.w, u->p->text, true) +
	      ui_text(u, u->body, names, 0, 0, c.w, u->p->text, true) + u->m.gap_px;
	head = ui_text(u, u->bold, T(pg, TXT_PROFESSION), 0, 0, c.w, u->p->text, true);
	if (top + head + ui_text(u, u->body, text, 0, 0, c.w, u->p->text, true) > c.h) {
		/* pages of whole lines above the page row; the first after the
		 * candidates (none there when they leave no room for a line) */
		int area = c.h - u->m.target_px - 2 * u->m.gap_px,
		    line_h = TTF_FontLineSkip(u->body), rest = (area - head) / line_h;
		size_t at = 0;
		first = (area - top - head) / line_h;
		if (top > area || rest < 1)
			pg->l->overflow = true; /* not one line a page: cut */
		for (pages = 0; at < len || pages == 0; pages++) {
			size_t k = 0, next = pages == 0 && first < 1
						     ? 0
						     : ui_text_page(u->body, text + at, len - at, c.w,
								    pages == 0 ? first : rest, &k);
			/* the page asked for, or the last there is */
			if (pages == 0 || pages <= pg->v->view_page) {
				page = pages;
				start = at;
				end = at + k;
			}
			at += next;
		}
	}
	pg->l->view_pages = pages;
	y = c.y;
	if (pages > 1) {
		tr_n_total(pg->v->lang, TXT_PAGE_OF, page + 1, pages, of, sizeof of);
		append_utf8(said, sizeof pg->l->spoken, of);
		append_utf8(said, sizeof pg->l->spoken, ". ");
	}
	if (page == 0) {
		y += ui_text(u, u->bold, T(pg, TXT_CANDIDATES), c.x, y, c.w, u->p->text, false);
		y += ui_text(u, u->body, names, c.x, y, c.w, u->p->text, false) + u->m.gap_px;
		append_utf8(said, sizeof pg->l->spoken, T(pg, TXT_CANDIDATES));
		for (size_t i = 0; i < l->ncandidates; i++) {
			append_utf8(said, sizeof pg->l->spoken, i ? ", " : " ");
			append_utf8(said, sizeof pg->l->spoken, l->candidates[i]);
		}
		append_utf8(said, sizeof pg->l->spoken, ". ");
	}
	if (page > 0 || first >= 1) {
		y += ui_text(u, u->bold, T(pg, TXT_PROFESSION), c.x, y, c.w, u->p->text, false);
		ui_text_n(u, u->body, text + start, end - start, c.x, y, c.w, u->p->text, false);
		append_utf8(said, sizeof pg->l->spoken, T(pg, TXT_PROFESSION));
		append_utf8(said, sizeof pg->l->spoken, " ");
		append_utf8_n(said, sizeof pg->l->spoken, text + start, end - start);
	}
	if (pages > 1)
		viewer_page_row(pg, page, pages, of);
	page_buttons3(pg, (const int[3]){ID_VIEW_PREV, ID_VIEW_CLOSE, ID_VIEW_NEXT},
		      (const enum msg[3]){TXT_PREV_LIST, TXT_TO_LISTS, TXT_NEXT_LIST},
		      UI_BUTTON_SECOND);
}

static void review(struct page *pg, const struct session *s)
{
	struct ui *u = pg->u;
	const struct session_poll *sp = &s->polls[s->current];
	const struct operation_poll *p = operation_poll(pg->v->op, sp->uuid);
	char title[512], line[512];
	SDL_Rect c;
	page_begin(pg, T(pg, TXT_REVIEW_TITLE), T(pg, TXT_REVIEW_TEXT), NULL);
	c = pg->content;
	c.h = c.h < u->m.target_px * 3 ? c.h : u->m.target_px * 3;
	if (sp->choice == 0 || p == NULL) {
		ui_tile(u, c, T(pg, TXT_BLANK), T(pg, TXT_REVIEW_BLANK), false, true, false);
	} else {
		const struct operation_list *l = &p->lists[sp->choice - 1];
		snprintf(title, sizeof title, "%s — %s", l->acronym, l->name);
		candidates_line(l, line, sizeof line);
		ui_tile(u, c, title, line, false, true, false);
	}
	page_buttons(pg, ID_CHANGE, TXT_CHANGE, ID_CONFIRM, TXT_CONFIRM, UI_BUTTON_MAIN);
}

static void validate(struct page *pg, const struct session *s)
{
	char pw[128];
	dots(pw, sizeof pw, pg->v->password_len);
	page_begin(pg, T(pg, TXT_VALIDATE_TITLE), T(pg, TXT_VALIDATE_TEXT),
		   notice_text(pg, s->notice));
	{
		int y = pg->content.y + field(pg, pg->content.y, TXT_PASSWORD,
					      pg->v->keyboard ? TXT__COUNT : TXT_PASSWORD_HINT, pw,
					      ID_FIELD_PASSWORD);
		if (pg->v->keyboard && keyboard(pg, ID_FIELD_PASSWORD, pg->content.y + pg->content.h) >
					       pg->content.y + pg->content.h - y)
			pg->l->overflow = true;
	}
	page_buttons(pg, ID_BACK, TXT_BACK, ID_VALIDATE, TXT_VALIDATE, UI_BUTTON_MAIN);
}

static void qr(struct ui *u, const char *text, SDL_Rect box)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int side, mod, x0, y0;
	if (q == NULL)
		return;
	side = q->width + 8; /* a quiet zone of four modules */
	mod = (box.w < box.h ? box.w : box.h) / side;
	if (mod < 1)
		mod = 1;
	x0 = box.x + (box.w - side * mod) / 2 + 4 * mod;
	y0 = box.y + 4 * mod;
	/* always dark on light, whatever the theme: scanners expect it */
	ui_fill(u, (SDL_Rect){x0 - 4 * mod, y0 - 4 * mod, side * mod, side * mod},
		(struct ui_color){255, 255, 255});
	{
		SDL_Rect *dark = malloc((size_t)q->width * (size_t)q->width * sizeof *dark);
		int n = 0;
		for (int y = 0; dark != NULL && y < q->width; y++)
			for (int x = 0; x < q->width; x++)
				if (q->data[y * q->width + x] & 1)
					dark[n++] = (SDL_Rect){x0 + x * mod, y0 + y * mod, mod, mod};
		SDL_SetRenderDrawColor(u->r, 0, 0, 0, 255);
		if (dark != NULL)
			SDL_RenderFillRects(u->r, dark, n);
		free(dark);
	}
	QRcode_free(q);
}

static void receipt(struct page *pg, const struct session *s)
{
	struct ui *u = pg->u;
	const struct session_poll *sp = &s->polls[s->current >= 0 ? s->current : 0];
	char when[64], text[256];
	struct tm tm;
	time_t t = (time_t)sp->receipt_time;
	SDL_Rect c;
	int y, half;
	page_begin(pg, T(pg, TXT_RECEIPT_TITLE), T(pg, TXT_RECEIPT_TEXT), NULL);
	c = pg->content;
	half = c.w / 2;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%d/%m/%Y %H:%M:%S UTC", &tm);
	y = c.y;
	y += ui_text(u, u->bold, sp->name, c.x, y, half, u->p->text, false);
	y += ui_text(u, u->body, T(pg, TXT_RECEIPT_TRACKER), c.x, y, half, u->p->text, false);
	y += ui_text(u, u->title, sp->tracker, c.x, y, half - u->m.gap_px, u->p->text, false);
	snprintf(text, sizeof text, "%s %s", T(pg, TXT_RECEIPT_TIME), when);
	ui_text(u, u->body, text, c.x, y + u->m.gap_px, half, u->p->text, false);
	snprintf(text, sizeof text, "%s %s %lld", sp->uuid, sp->tracker, (long long)sp->receipt_time);
	qr(u, text, (SDL_Rect){c.x + half, c.y, half, c.h});
	page_buttons(pg, 0, TXT_BACK, ID_CONTINUE, TXT_CONTINUE, UI_BUTTON_MAIN);
}

static void problem(struct page *pg, const struct session *s)
{
	static const enum msg msgs[] = {
		[PROBLEM_NONE] = TXT_PROBLEM_OTHER,	      [PROBLEM_LOGIN] = TXT_PROBLEM_LOGIN,
		[PROBLEM_LOCKED] = TXT_PROBLEM_LOCKED,	      [PROBLEM_CLOSED] = TXT_PROBLEM_CLOSED,
		[PROBLEM_SUSPENDED] = TXT_PROBLEM_SUSPENDED,  [PROBLEM_ALREADY_VOTED] = TXT_PROBLEM_ALREADY_VOTED,
		[PROBLEM_NETWORK] = TXT_PROBLEM_NETWORK,      [PROBLEM_SECURITY] = TXT_PROBLEM_SECURITY,
		[PROBLEM_PASSWORD] = TXT_PROBLEM_PASSWORD,    [PROBLEM_OTHER] = TXT_PROBLEM_OTHER,
	};
	char text[512], hours[512] = "";
	if (s->problem == PROBLEM_CLOSED)
		hours_text(pg, hours, sizeof hours);
	if (s->problem == PROBLEM_LOCKED)
		tr_n(pg->v->lang, TXT_PROBLEM_LOCKED, (long long)s->retry_after, text, sizeof text);
	else if (s->problem == PROBLEM_OTHER && s->problem_text[0] != '\0')
		snprintf(text, sizeof text, "%s %s", T(pg, TXT_PROBLEM_OTHER), s->problem_text);
	else
		snprintf(text, sizeof text, "%s", T(pg, msgs[s->problem]));
	page_begin(pg, text, hours[0] != '\0' ? hours : NULL, NULL);
	if (s->problem == PROBLEM_NETWORK && s->failed_action != ACTION_NONE)
		page_buttons(pg, ID_BACK, TXT_BACK, ID_RETRY, TXT_RETRY, UI_BUTTON_ALERT);
	else
		page_buttons(pg, 0, TXT_BACK, ID_BACK, TXT_CONTINUE, UI_BUTTON_ALERT);
}

void screen_draw(struct ui *u, const struct session *s, const struct screen_view *v,
		 struct screen_layout *out)
{
	struct page pg = {u, v, out, {0, 0, 0, 0}};
	char text[512];
	memset(out, 0, sizeof *out);
	switch (s->screen) {
	case SCREEN_WELCOME:
		welcome(&pg);
		break;
	case SCREEN_IDENTIFY:
		identify(&pg, s);
		break;
	case SCREEN_POLLS:
		polls(&pg, s);
		break;
	case SCREEN_CHOOSE:
		if (v->viewing > 0)
			viewer(&pg, s);
		else
			choose(&pg, s);
		break;
	case SCREEN_REVIEW:
		review(&pg, s);
		break;
	case SCREEN_VALIDATE:
		validate(&pg, s);
		break;
	case SCREEN_WORKING:
		page_begin(&pg, tr(v->lang, TXT_WORKING), tr(v->lang, TXT_WORKING_TEXT), NULL);
		break;
	case SCREEN_RECEIPT:
		receipt(&pg, s);
		break;
	case SCREEN_ERROR:
		problem(&pg, s);
		break;
	case SCREEN_STILL_THERE:
		tr_n(v->lang, TXT_STILL_THERE_TEXT, v->countdown, text, sizeof text);
		page_begin(&pg, tr(v->lang, TXT_STILL_THERE_TITLE), text, NULL);
		page_buttons(&pg, 0, TXT_BACK, ID_YES, TXT_YES, UI_BUTTON_MAIN);
		break;
	case SCREEN_PAUSED:
		page_begin(&pg, tr(v->lang, TXT_PAUSED_TITLE), tr(v->lang, TXT_PAUSED_TEXT), NULL);
		break;
	case SCREEN_END:
		page_begin(&pg, tr(v->lang, TXT_END_TITLE), tr(v->lang, TXT_END_TEXT), NULL);
		page_buttons(&pg, 0, TXT_BACK, ID_CONTINUE, TXT_CONTINUE, UI_BUTTON_MAIN);
		break;
	}
}

int screen_hit(const struct screen_layout *l, int x, int y)
{
	for (int i = 0; i < l->n; i++) {
		const SDL_Rect *b = &l->t[i].box;
		if (x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h)
			return l->t[i].id;
	}
	return 0;
}

/* ---- the technician's maintenance mode ---- */

/* text lines (a report, the journal's entries), one line each (a long
 * line wraps), in the content box: those that fit */
static void text_lines(struct page *pg, const char *text)
{
	struct ui *u = pg->u;
	SDL_Rect c = pg->content;
	int y = c.y;
	for (const char *p = text; p != NULL && *p != '\0';) {
		size_t l = strcspn(p, "\n");
		int h = ui_text_n(u, u->body, p, l, 0, 0, c.w, u->p->text, true);
		if (y + h > c.y + c.h)
			break;
		y += ui_text_n(u, u->body, p, l, c.x, y, c.w, u->p->text, false);
		p += l;
		p += *p == '\n';
	}
}

static void maint_pin(struct page *pg, const struct maint_mode *m, const struct maint_view *mv)
{
	struct ui *u = pg->u;
	char text[1024], dotted[128], wrong[128] = "";
	int k = u->m.target_px, gap = u->m.gap_px, y;
	SDL_Rect c;
	tr_args(pg->v->lang, TXT_M_PIN_TEXT,
		(const struct tr_arg[]){{"{who}", m->tok.technician}, {"{until}", mv->until}}, 2, text,
		sizeof text);
	if (m->failures > 0)
		tr_n(pg->v->lang, TXT_M_PIN_WRONG, m->failures, wrong, sizeof wrong);
	page_begin(pg, T(pg, TXT_M_PIN_TITLE), text, wrong[0] != '\0' ? wrong : NULL);
	c = pg->content;
	dots(dotted, sizeof dotted, (int)strlen(m->pin));
	y = c.y;
	{
		SDL_Rect box = {c.x + (c.w - 6 * k) / 2, y, 6 * k, k};
		ui_fill(u, box, u->p->background);
		ui_frame(u, box, 2, u->p->text);
		ui_text_centred(u, u->body, dotted, box, u->p->text);
		y += k + gap;
	}
	/* a telephone pad: 1 2 3 / 4 5 6 / 7 8 9 / erase 0 */
	for (int i = 0; i < 11; i++) {
		int row = i / 3, col = i == 10 ? 1 : i % 3, id = i < 9 ? ID_M_DIGIT + 1 + i
							      : i == 9 ? ID_M_PIN_ERASE
								       : ID_M_DIGIT;
		char label[32];
		SDL_Rect b = {c.x + (c.w - 3 * (k + gap)) / 2 + col * (k + gap), y + row * (k + gap), k, k};
		if (i == 9)
			snprintf(label, sizeof label, "⌫");
		else
			snprintf(label, sizeof label, "%d", i < 9 ? i + 1 : 0);
		ui_button(u, b, label, UI_BUTTON_SECOND, pg->v->focus == id);
		target(pg, b, id, i == 9 ? T(pg, TXT_ERASE) : label);
	}
	page_buttons(pg, ID_BACK, TXT_BACK, ID_M_PIN_OK, TXT_M_OK, UI_BUTTON_MAIN);
}

static void maint_menu(struct page *pg, const struct maint_mode *m)
{
	static const enum msg labels[] = {
		[MM_VERSION] = TXT_M_VERSION, [MM_NETWORK] = TXT_M_NETWORK, [MM_CLOCK] = TXT_M_CLOCK,
		[MM_PATTERN] = TXT_M_PATTERN, [MM_KEYBOARD] = TXT_M_KEYBOARD, [MM_AUDIO] = TXT_M_AUDIO,
		[MM_USB] = TXT_M_USB,	      [MM_JOURNAL] = TXT_M_JOURNAL,   [MM_EXPORT] = TXT_M_EXPORT,
		[MM_POWER] = TXT_M_POWER,
	};
	struct ui *u = pg->u;
	char text[1024];
	int gap = u->m.gap_px, h = u->m.target_px, n = MM_TOOLS_LAST - MM_TOOLS_FIRST + 1, cols, rows;
	SDL_Rect c;
	tr_args(pg->v->lang, TXT_M_MENU_TEXT, (const struct tr_arg[]){{"{who}", m->tok.technician}},
		1, text, sizeof text);
	page_begin(pg, T(pg, TXT_M_MENU_TITLE), text, NULL);
	c = pg->content;
	rows = c.h / (h + gap);
	if (rows < 1)
		rows = 1;
	cols = (n + rows - 1) / rows;
	rows = (n + cols - 1) / cols;
	for (int i = 0; i < n; i++) {
		int col = i / rows, row = i % rows, w = (c.w - (cols - 1) * 2 * gap) / cols;
		SDL_Rect b = {c.x + col * (w + 2 * gap), c.y + row * (h + gap), w, h};
		enum mm_screen s = (enum mm_screen)(MM_TOOLS_FIRST + i);
		ui_button(u, b, T(pg, labels[s]), UI_BUTTON_SECOND, pg->v->focus == ID_M_TOOL + (int)s);
		target(pg, b, ID_M_TOOL + (int)s, T(pg, labels[s]));
	}
	page_buttons(pg, ID_M_LEAVE, TXT_M_LEAVE, 0, TXT_BACK, UI_BUTTON_MAIN);
}

static void maint_pattern(struct page *pg, const struct maint_view *mv)
{
	struct ui *u = pg->u;
	static const struct ui_color bars[] = {{255, 255, 255}, {255, 255, 0}, {0, 255, 255},
					       {0, 255, 0},	{255, 0, 255}, {255, 0, 0},
					       {0, 0, 255},	{0, 0, 0}};
	int step = u->m.target_px, n = (int)(sizeof bars / sizeof bars[0]), bw = u->w / n,
	    corner = u->m.target_px;
	ui_clear(u);
	pg->l->spoken[0] = '\0';
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, T(pg, TXT_M_PATTERN_TEXT));
	for (int x = 0; x < u->w; x += step)
		ui_fill(u, (SDL_Rect){x, 0, 1, u->h}, u->p->muted);
	for (int y = 0; y < u->h; y += step)
		ui_fill(u, (SDL_Rect){0, y, u->w, 1}, u->p->muted);
	for (int i = 0; i < n; i++)
		ui_fill(u, (SDL_Rect){i * bw, u->h / 3, bw, u->h / 6}, bars[i]);
	ui_fill(u, (SDL_Rect){0, 0, corner, corner}, u->p->text);
	ui_fill(u, (SDL_Rect){u->w - corner, 0, corner, corner}, u->p->text);
	ui_fill(u, (SDL_Rect){0, u->h - corner, corner, corner}, u->p->text);
	ui_fill(u, (SDL_Rect){u->w - corner, u->h - corner, corner, corner}, u->p->text);
	ui_text(u, u->body, T(pg, TXT_M_PATTERN_TEXT), corner + u->m.gap_px, u->m.margin_px,
		u->w - 2 * corner - 2 * u->m.gap_px, u->p->text, false);
	if (mv->touch_x >= 0) {
		ui_fill(u, (SDL_Rect){mv->touch_x - step / 2, mv->touch_y - 2, step, 5}, u->p->alert);
		ui_fill(u, (SDL_Rect){mv->touch_x - 2, mv->touch_y - step / 2, 5, step}, u->p->alert);
	}
	pg->content = (SDL_Rect){0, 0, u->w, u->h};
	page_buttons(pg, ID_M_MENU, TXT_M_MENU, 0, TXT_BACK, UI_BUTTON_MAIN);
}

/* A tool's page: its report (or "checking"), and its buttons. */
static void maint_tool(struct page *pg, const struct maint_mode *m, const struct maint_view *mv,
		       enum msg title)
{
	char text[256] = "";
	const char *body = m->action != MMA_NONE ? T(pg, TXT_M_WORKING) : m->result;
	if (m->screen == MM_KEYBOARD) {
		page_begin(pg, T(pg, title), T(pg, TXT_M_KEYBOARD_TEXT), NULL);
		ui_text_centred(pg->u, pg->u->title,
				m->key_seen[0] != '\0' ? m->key_seen : T(pg, TXT_M_KEYBOARD_NONE),
				pg->content, pg->u->p->text);
		append_utf8(pg->l->spoken, sizeof pg->l->spoken, m->key_seen);
		page_buttons(pg, ID_M_MENU, TXT_M_MENU, 0, TXT_BACK, UI_BUTTON_MAIN);
		return;
	}
	if (m->screen == MM_POWER) {
		const int ids[3] = {ID_M_MENU, ID_M_REBOOT, ID_M_POWEROFF};
		const enum msg labels[3] = {TXT_M_MENU, TXT_M_REBOOT, TXT_M_POWEROFF};
		page_begin(pg, T(pg, title), T(pg, TXT_M_POWER_TEXT), NULL);
		page_buttons3(pg, ids, labels, UI_BUTTON_ALERT);
		return;
	}
	if (m->screen == MM_AUDIO)
		snprintf(text, sizeof text, "%s", T(pg, TXT_M_AUDIO_TEXT));
	page_begin(pg, T(pg, title), text[0] != '\0' ? text : NULL,
		   m->action == MMA_NONE && !m->result_ok && m->result[0] != '\0' ? m->result : NULL);
	if (m->screen == MM_JOURNAL)
		text_lines(pg, mv->journal != NULL ? mv->journal : "");
	else if (m->result_ok || m->action != MMA_NONE)
		text_lines(pg, body);
	append_utf8(pg->l->spoken, sizeof pg->l->spoken, body);
	if (m->screen == MM_JOURNAL) {
		const int ids[3] = {ID_M_MENU, ID_M_PAGE_PREV, ID_M_PAGE_NEXT};
		const enum msg labels[3] = {TXT_M_MENU, TXT_PAGE_PREV, TXT_PAGE_NEXT};
		page_buttons3(pg, ids, labels, UI_BUTTON_SECOND);
	} else {
		page_buttons(pg, ID_M_MENU, TXT_M_MENU, m->action == MMA_NONE ? ID_M_AGAIN : 0,
			     TXT_M_AGAIN, UI_BUTTON_MAIN);
	}
}

void screen_draw_maintenance(struct ui *u, const struct maint_mode *m, const struct screen_view *v,
			     const struct maint_view *mv, struct screen_layout *out)
{
	static const enum msg titles[] = {
		[MM_VERSION] = TXT_M_VERSION, [MM_NETWORK] = TXT_M_NETWORK, [MM_CLOCK] = TXT_M_CLOCK,
		[MM_PATTERN] = TXT_M_PATTERN, [MM_KEYBOARD] = TXT_M_KEYBOARD, [MM_AUDIO] = TXT_M_AUDIO,
		[MM_USB] = TXT_M_USB,	      [MM_JOURNAL] = TXT_M_JOURNAL,   [MM_EXPORT] = TXT_M_EXPORT,
		[MM_POWER] = TXT_M_POWER,
	};
	struct page pg = {u, v, out, {0, 0, 0, 0}};
	char text[512];
	memset(out, 0, sizeof *out);
	switch (m->screen) {
	case MM_OFF:
		break;
	case MM_REFUSED:
		snprintf(text, sizeof text, "%s.", iso_strerror(m->refusal, v->lang));
		if (text[0] >= 'a' && text[0] <= 'z') /* a sentence */
			text[0] = (char)(text[0] - 'a' + 'A');
		page_begin(&pg, T(&pg, TXT_M_REFUSED_TITLE), T(&pg, TXT_M_REFUSED_TEXT), text);
		break;
	case MM_PIN:
		maint_pin(&pg, m, mv);
		break;
	case MM_MENU:
		maint_menu(&pg, m);
		break;
	case MM_PATTERN:
		maint_pattern(&pg, mv);
		break;
	default:
		maint_tool(&pg, m, mv, titles[m->screen]);
		break;
	}
}

/* ---- a page that only says (enrolment, a post not as sealed) ---- */

void screen_draw_notice(struct ui *u, const struct screen_view *v, const char *title,
			const char *text, const char *notice, const char *lines,
			struct screen_layout *out)
{
	struct page pg = {u, v, out, {0, 0, 0, 0}};
	memset(out, 0, sizeof *out);
	page_begin(&pg, title, text, notice);
	if (lines != NULL) {
		text_lines(&pg, lines);
		append_utf8(out->spoken, sizeof out->spoken, lines);
	}
}
