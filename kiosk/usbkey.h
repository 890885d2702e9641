/* USB keys holding files: the bureau's members' keys (R-KEY-03), and on the
 * kiosk the technician's maintenance key and the enrolment key (issue 6).
 * libudev finds the USB block devices that carry a filesystem (a partition,
 * or a whole key formatted without one) and says when one comes or goes.
 * A key is never mounted: its FAT filesystem is read and written on the
 * device node by mtools (mdir, mtype, mcopy, mren, mdel), so no filesystem
 * of a stranger's key meets the kernel and nothing depends on automounting.
 * A file is written under a temporary name, flushed, then renamed, so a
 * key pulled out midway holds the old state or the new one; the caller
 * reads it back. Tests give umockdev's testbed devices whose /dev node is
 * a real FAT image (umockdev redirects /dev for this process and its
 * children). */
#ifndef ISOLOIR_USBKEY_H
#define ISOLOIR_USBKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define USBKEY_MAX 16

struct usbkey {
	char devnode[128];
	char serial[128]; /* ID_SERIAL, else the USB device's serial, else "" */
};

struct usbkey_watch;

enum iso_err usbkey_watch_open(struct usbkey_watch **ret);
void usbkey_watch_close(struct usbkey_watch *w);
/* The keys plugged now (at most max). */
size_t usbkey_present(struct usbkey_watch *w, struct usbkey *out, size_t max);
/* Wait for a key to come or go, at most timeout_ms: true when one did. */
bool usbkey_wait(struct usbkey_watch *w, int timeout_ms);

/* Keys already looked at and still plugged: each key plugged is looked at
 * once, until it is taken out (the bureau's key sessions, the kiosk's
 * technician and enrolment keys). */
struct usbkey_seen {
	struct usbkey k[USBKEY_MAX];
	size_t n;
};
/* Whether devnode is among the n keys of present. */
bool usbkey_among(const struct usbkey *present, size_t n, const char *devnode);
/* Forget the seen keys that are not among present; gone (may be NULL) is
 * told of each. */
void usbkey_seen_forget_gone(struct usbkey_seen *s, const struct usbkey *present, size_t n,
			     void (*gone)(void *arg, const struct usbkey *k), void *arg);
/* true the first time k is seen (it is remembered), false after. */
bool usbkey_seen_first(struct usbkey_seen *s, const struct usbkey *k);

/* The file `name` of the key's root: ISO_E_NOT_FOUND when absent, ISO_E_USB
 * when the key cannot be read as FAT, ISO_E_TOO_LARGE beyond max. */
enum iso_err usbkey_read(const struct usbkey *k, const char *name, size_t max, char **ret,
			 size_t *ret_len);
/* Write `name` (replacing it) through a temporary name, flushed to the
 * device, then renamed. */
enum iso_err usbkey_write(const struct usbkey *k, const char *name, const void *data, size_t len);
/* Delete `name` (absent is fine). */
enum iso_err usbkey_erase(const struct usbkey *k, const char *name);

#endif
