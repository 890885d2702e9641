/* Screenshots as PNG (see png.h). */
#include "shot.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum iso_err ui_png_write(const char *path, const unsigned char *rgb, int w, int h)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	return png_image_write_to_file(&img, path, 0, rgb, w * 3, NULL) ? ISO_OK : ISO_E_IO;
}

enum iso_err ui_png_read(const char *path, unsigned char **ret, int *ret_w, int *ret_h)
{
	png_image img;
	unsigned char *px;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return ISO_E_IO;
	img.format = PNG_FORMAT_RGB;
	if ((px = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		png_image_free(&img);
		return ISO_E_NOMEM;
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		return ISO_E_IO;
	}
	*ret = px;
	*ret_w = (int)img.width;
	*ret_h = (int)img.height;
	return ISO_OK;
}

size_t ui_png_diff(const unsigned char *a, const unsigned char *b, int w, int h, int tolerance)
{
	size_t n = 0;
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
		for (int c = 0; c < 3; c++)
			if (abs((int)a[3 * i + c] - (int)b[3 * i + c]) > tolerance) {
				n++;
				break;
			}
	return n;
}
