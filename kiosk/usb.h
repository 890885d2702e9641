/* The kiosk's USB watch (libudev): a USB device that appears while the
 * kiosk runs pauses the session (SCREEN_PAUSED) until it is gone, and the
 * journal says so. The devices present when the kiosk starts (its
 * keyboard, its touch panel) are known: they keep working, also when
 * plugged again (same vendor, product and serial). The decision is made
 * on plain records (usb_rule), so it is tested without udev; the watch
 * itself is tested with umockdev. */
#ifndef ISOLOIR_KIOSK_USB_H
#define ISOLOIR_KIOSK_USB_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define USB_KNOWN_MAX 32
#define USB_ID_MAX 96

/* A USB device: its sysfs path and identity (vendor:product:serial). */
struct usb_device {
	char syspath[256];
	char id[USB_ID_MAX];
};

/* What is known and what is out of place. */
struct usb_rule {
	char known[USB_KNOWN_MAX][USB_ID_MAX]; /* present at start */
	size_t nknown;
	char alerting[USB_KNOWN_MAX][256];     /* unknown devices still plugged */
	size_t nalerting;
};

void usb_rule_know(struct usb_rule *r, const struct usb_device *d);
/* A device added or removed; true when the alert state changed. */
bool usb_rule_added(struct usb_rule *r, const struct usb_device *d);
bool usb_rule_removed(struct usb_rule *r, const char *syspath);
static inline bool usb_rule_alert(const struct usb_rule *r)
{
	return r->nalerting > 0;
}

struct usb_watch;

/* Enumerate the USB devices present (known), then listen. */
enum iso_err usb_watch_open(struct usb_watch **ret);
void usb_watch_close(struct usb_watch *w);
/* The descriptor to poll (readable when events wait). */
int usb_watch_fd(const struct usb_watch *w);
/* Read the events waiting (never blocks); *ret_changed when the alert
 * state changed, *ret_alert the state now. */
void usb_watch_read(struct usb_watch *w, bool *ret_changed, bool *ret_alert);

/* The USB devices present, a line each ("1d6b:0002 Linux Foundation 2.0
 * root hub"), for the technician's maintenance screen. */
enum iso_err usb_list(char *out, size_t size);

#endif
