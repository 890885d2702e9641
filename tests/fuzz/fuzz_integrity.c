/* Fuzz target: the kiosk image's manifest as the kiosk reads it
 * (kiosk/integrity.c). Whatever the bytes: no crash, no leak; a manifest
 * refused says a line within the input and a reason in both languages; a
 * manifest accepted has absolute paths with no empty, "." or ".."
 * component, strictly increasing in byte order,
 * each found again by its path, and its own SHA-256 is the input's. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hash.h"
#include "integrity.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool path_sound(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || p[0] != '/' || p[n - 1] == '/' || strstr(p, "//") != NULL ||
	    strstr(p, "/./") != NULL || strstr(p, "/../") != NULL || n > INTEGRITY_PATH_MAX)
		return false;
	return !((n >= 2 && strcmp(p + n - 2, "/.") == 0) ||
		 (n >= 3 && strcmp(p + n - 3, "/..") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct integrity_manifest *m = NULL;
	struct integrity_where w;
	char msg[256], sha[65];
	size_t lines = 0;
	enum iso_err err = integrity_manifest_parse((const char *)data, size, &m, &w);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (err != ISO_OK) {
		if (err != ISO_E_MANIFEST || m != NULL || w.fault == INTEGRITY_FAULT_NONE ||
		    w.line > lines + 1 || (w.line == 0 && size > 0))
			abort();
		for (int lang = 0; lang < 2; lang++) {
			integrity_where_format(&w, (enum iso_lang)lang, msg, sizeof msg);
			if (msg[0] == '\0' || msg[0] == '?')
				abort();
		}
		return 0;
	}
	iso_sha256_hex(data, size, sha);
	if (m->n != lines || m->n == 0 || strcmp(m->sha256, sha) != 0)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		if (!path_sound(m->entries[i].path) ||
		    (i > 0 && strcmp(m->entries[i - 1].path, m->entries[i].path) >= 0) ||
		    integrity_manifest_find(m, m->entries[i].path) != &m->entries[i])
			abort();
	}
	integrity_manifest_free(m);
	return 0;
}
