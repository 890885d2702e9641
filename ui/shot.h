/* Screenshots: RGB24 pixels to and from PNG (libpng), and their comparison
 * with a tolerance, for the screens' golden tests and the headless demo. */
#ifndef ISOLOIR_UI_SHOT_H
#define ISOLOIR_UI_SHOT_H

#include <stddef.h>

#include "error.h"

enum iso_err ui_png_write(const char *path, const unsigned char *rgb, int w, int h);
/* *ret malloc'd, w × h × 3 */
enum iso_err ui_png_read(const char *path, unsigned char **ret, int *ret_w, int *ret_h);
/* Pixels whose channels differ by more than tolerance (0–255). */
size_t ui_png_diff(const unsigned char *a, const unsigned char *b, int w, int h, int tolerance);

#endif
