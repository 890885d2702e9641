/* The kiosk's physical sizes and contrasts (VVSG 2.0 figures): at every
 * panel density from a 15" full-HD kiosk (about 3.8 px/mm) to a 4K
 * 13" one (13 px/mm), each of the four text sizes has a capital height
 * within its range, touch targets are at least 12.7 mm with gaps of at
 * least 2.54 mm; the default palette's every text pair reaches 10:1, the
 * pure themes 21:1. Known WCAG ratios check the formula. (From 2 px/mm
 * on: every density a kiosk panel has.) */
#include <math.h>

#include "../unit/check.h"
#include "error.h"
#include "theme.h"

/* DejaVu Sans: capital height 1493 / 2048 of the em */
#define DEJAVU_CAP (1493.0 / 2048.0)

int main(void)
{
	const struct ui_color black = {0, 0, 0}, white = {255, 255, 255}, grey = {119, 119, 119};
	/* known answers: black on white 21, #777 on white about 4.48 */
	CHECK(fabs(ui_contrast_ratio(black, white) - 21.0) < 1e-9);
	CHECK(fabs(ui_contrast_ratio(white, black) - 21.0) < 1e-9);
	CHECK(fabs(ui_contrast_ratio(grey, white) - 4.48) < 0.01);
	CHECK(fabs(ui_contrast_ratio(white, white) - 1.0) < 1e-9);

	CHECK(ui_palette_min_contrast(ui_palette(UI_THEME_DEFAULT)) >= 10.0);
	CHECK(ui_palette_min_contrast(ui_palette(UI_THEME_BLACK_ON_WHITE)) == 21.0);
	CHECK(ui_palette_min_contrast(ui_palette(UI_THEME_WHITE_ON_BLACK)) == 21.0);

	for (double ppm = 2.0; ppm <= 13.0; ppm += 0.05)
		for (int s = 0; s < UI_TEXT_SIZES; s++) {
			struct ui_metrics m = ui_metrics_for(ppm, DEJAVU_CAP, (enum ui_text_size)s);
			struct ui_range r = ui_cap_range((enum ui_text_size)s);
			double cap_mm = m.cap_px / ppm;
			CHECK(cap_mm >= r.min - 1e-9 && cap_mm <= r.max + 1e-9);
			if (!(cap_mm >= r.min - 1e-9 && cap_mm <= r.max + 1e-9))
				fprintf(stderr, "  %.2f px/mm size %d: cap %d px = %.2f mm\n", ppm, s,
					m.cap_px, cap_mm);
			CHECK(m.target_px / ppm >= UI_TARGET_MM && m.gap_px / ppm >= UI_GAP_MM);
			CHECK(m.cap_px == (int)lround(m.font_px * DEJAVU_CAP));
		}
	/* sizes grow with the level */
	{
		struct ui_metrics a = ui_metrics_for(3.78, DEJAVU_CAP, UI_TEXT_SMALL),
				  b = ui_metrics_for(3.78, DEJAVU_CAP, UI_TEXT_XLARGE);
		CHECK(a.font_px < b.font_px);
	}
	return check_status();
}
