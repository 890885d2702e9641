/* The kiosk's start on its image (issue 6): enrolment at first boot, and
 * the image's integrity before any voting session.
 * Enrolment: with no configuration in the state folder, the kiosk shows
 * an enrolment screen and waits for a USB key holding its bundle
 * (enrolment.h), read with mtools on the device node, never mounted; the
 * bundle is checked (the technician key of the image, the image's own
 * manifest hash) and installed, then erased from the key; once the key is
 * pulled out, the kiosk starts as enrolled. A refusal says why and
 * installs nothing. Every key read is journaled in the state folder's
 * journal. */
#ifndef ISOLOIR_KIOSK_ENROL_H
#define ISOLOIR_KIOSK_ENROL_H

#include <SDL.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "kiosk_journal.h"

struct enrol_ctx {
	SDL_Renderer *r;
	SDL_Window *win;   /* NULL headless */
	int w, h;
	double px_per_mm;
	enum iso_lang lang;
	EVP_PKEY *key;                /* the image's technician key */
	const char *manifest_sha256;  /* the image's manifest's SHA-256 */
	const char *state_dir;
	FILE *trace;                  /* tests: the screens shown, or NULL */
	const char *shots;            /* headless: a PNG of each screen there, or NULL */
	volatile sig_atomic_t *stop;  /* SIGTERM */
	int timeout_s;                /* tests: give up after this long (0: never) */
};

/* Wait for the enrolment key, check and install its bundle: ISO_OK once
 * enrolled and the key pulled out; ISO_E_USB without a USB key watch;
 * ISO_E_INVALID_ARG when stopped or timed out. */
enum iso_err kiosk_enrol(const struct enrol_ctx *c);

/* The image's integrity: the manifest (checked against the sealed hash
 * when known, sealed may be NULL), the kiosk's files and its process;
 * ISO_OK, or *ret_report (malloc'd lines, the caller's) says why not. The
 * journal (may be NULL) gets an integrity-check entry either way. */
enum iso_err kiosk_integrity(const char *manifest, const char *sealed, enum iso_lang lang,
			     struct kiosk_journal *journal, char **ret_report);

#endif
