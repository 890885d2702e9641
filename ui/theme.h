/* The kiosk's look in physical units (VVSG 2.0, the US voting-system
 * guidelines, taken as the accessibility figures): text sizes as capital
 * heights in millimetres on the panel, whatever its pixel density; touch
 * targets of at least 12.7 mm with gaps of at least 2.54 mm; a default
 * palette whose every text reaches a contrast of 10:1 against its
 * background, and pure black-on-white and white-on-black. Colour is never
 * the only cue (the widgets add a mark or a border), which this file
 * cannot show but the screenshots do.
 * Pure arithmetic: no SDL here, so every figure is unit-tested. */
#ifndef ISOLOIR_UI_THEME_H
#define ISOLOIR_UI_THEME_H

#include <stdint.h>

/* The four text sizes, each a range of capital heights in mm. */
enum ui_text_size { UI_TEXT_SMALL, UI_TEXT_NORMAL, UI_TEXT_LARGE, UI_TEXT_XLARGE };
#define UI_TEXT_SIZES 4
#define UI_TEXT_DEFAULT UI_TEXT_NORMAL

struct ui_range {
	double min, max;
};
/* 3.5–4.2, 4.8–5.6 (default), 6.4–7.1, 8.5–9.0 mm */
struct ui_range ui_cap_range(enum ui_text_size s);

enum ui_contrast { UI_THEME_DEFAULT, UI_THEME_BLACK_ON_WHITE, UI_THEME_WHITE_ON_BLACK };
#define UI_THEMES 3

struct ui_color {
	uint8_t r, g, b;
};

/* Every pair (text on background) a screen draws. */
struct ui_palette {
	struct ui_color background, text, muted;  /* page; body text; secondary text */
	struct ui_color button, button_text;      /* an action */
	struct ui_color choice, choice_text;      /* a list or the blank vote, not chosen */
	struct ui_color chosen, chosen_text;      /* the choice (with a mark, not colour alone) */
	struct ui_color alert, alert_text;        /* an error or a security alert */
	struct ui_color focus;                    /* the focus ring (on background) */
};
const struct ui_palette *ui_palette(enum ui_contrast c);

/* WCAG 2 contrast ratio, from 1 to 21. */
double ui_contrast_ratio(struct ui_color a, struct ui_color b);
/* The lowest ratio of the palette's text pairs (and of the focus ring on
 * the background). */
double ui_palette_min_contrast(const struct ui_palette *p);

#define UI_TARGET_MM 12.7 /* smallest touch target side */
#define UI_GAP_MM 2.54    /* smallest gap between targets */

/* Sizes in pixels for a panel of px_per_mm pixels per millimetre and a
 * font whose capital height is cap_ratio of its size in pixels. */
struct ui_metrics {
	double px_per_mm;
	int font_px;   /* the size to open the font at */
	int cap_px;    /* the capital height it gives */
	int target_px; /* at least 12.7 mm */
	int gap_px;    /* at least 2.54 mm */
	int margin_px; /* the page's margins */
};
/* The font size whose capital height falls within the size's range (the
 * middle of the range when the pixels allow): cap height within range is
 * guaranteed whenever the panel has at least 2 px per mm. */
struct ui_metrics ui_metrics_for(double px_per_mm, double cap_ratio, enum ui_text_size s);

#endif
