/* The kiosk's look in physical units (see theme.h). */
#include "theme.h"

#include <math.h>

static const struct ui_range cap_ranges[UI_TEXT_SIZES] = {
	{3.5, 4.2}, {4.8, 5.6}, {6.4, 7.1}, {8.5, 9.0}};

struct ui_range ui_cap_range(enum ui_text_size s)
{
	return cap_ranges[(unsigned)s < UI_TEXT_SIZES ? s : UI_TEXT_DEFAULT];
}

#define C(r, g, b) {r, g, b}
static const struct ui_palette palettes[UI_THEMES] = {
	/* default: near-black on white, deep blue actions, dark green choice */
	[UI_THEME_DEFAULT] = {C(255, 255, 255), C(26, 26, 26), C(64, 64, 64),
			      C(0, 45, 98), C(255, 255, 255),
			      C(240, 240, 240), C(26, 26, 26),
			      C(0, 70, 30), C(255, 255, 255),
			      C(128, 0, 0), C(255, 255, 255),
			      C(0, 45, 98)},
	[UI_THEME_BLACK_ON_WHITE] = {C(255, 255, 255), C(0, 0, 0), C(0, 0, 0),
				     C(0, 0, 0), C(255, 255, 255),
				     C(255, 255, 255), C(0, 0, 0),
				     C(0, 0, 0), C(255, 255, 255),
				     C(0, 0, 0), C(255, 255, 255),
				     C(0, 0, 0)},
	[UI_THEME_WHITE_ON_BLACK] = {C(0, 0, 0), C(255, 255, 255), C(255, 255, 255),
				     C(255, 255, 255), C(0, 0, 0),
				     C(0, 0, 0), C(255, 255, 255),
				     C(255, 255, 255), C(0, 0, 0),
				     C(255, 255, 255), C(0, 0, 0),
				     C(255, 255, 255)},
};
#undef C

const struct ui_palette *ui_palette(enum ui_contrast c)
{
	return &palettes[(unsigned)c < UI_THEMES ? c : UI_THEME_DEFAULT];
}

static double channel(uint8_t v)
{
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(struct ui_color c)
{
	return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ui_contrast_ratio(struct ui_color a, struct ui_color b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

double ui_palette_min_contrast(const struct ui_palette *p)
{
	const struct ui_color pairs[][2] = {
		{p->text, p->background},     {p->muted, p->background},
		{p->button_text, p->button},  {p->choice_text, p->choice},
		{p->chosen_text, p->chosen},  {p->alert_text, p->alert},
		{p->focus, p->background},
	};
	double m = 21;
	for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		double r = ui_contrast_ratio(pairs[i][0], pairs[i][1]);
		if (r < m)
			m = r;
	}
	return m;
}

struct ui_metrics ui_metrics_for(double px_per_mm, double cap_ratio, enum ui_text_size s)
{
	struct ui_range r = ui_cap_range(s);
	struct ui_metrics m = {0};
	double mid = (r.min + r.max) / 2, best = 1e9;
	m.px_per_mm = px_per_mm;
	/* the font size whose rounded capital height is nearest the middle of
	 * the range while inside it */
	for (int f = 4; f < 1000; f++) {
		int cap = (int)lround(f * cap_ratio);
		double mm = cap / px_per_mm, d = fabs(mm - mid);
		if (mm >= r.min && mm <= r.max && d < best) {
			best = d;
			m.font_px = f;
			m.cap_px = cap;
		}
		if (mm > r.max)
			break;
	}
	if (m.font_px == 0) { /* a panel too coarse for the range: the nearest */
		m.font_px = (int)lround(mid * px_per_mm / cap_ratio);
		m.cap_px = (int)lround(m.font_px * cap_ratio);
	}
	m.target_px = (int)ceil(UI_TARGET_MM * px_per_mm);
	m.gap_px = (int)ceil(UI_GAP_MM * px_per_mm);
	m.margin_px = (int)ceil(5.0 * px_per_mm);
	return m;
}
