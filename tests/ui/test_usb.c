/* The kiosk's USB watch with umockdev (run under umockdev-wrapper): the
 * keyboard present at start is known and keeps working, also plugged
 * again; a USB stick plugged while the kiosk runs raises the alert, which
 * ends when it is removed; two unknown devices end it only when both are
 * gone. The rule itself is also checked on plain records. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#include "../unit/check.h"
#include "usb.h"

static UMockdevTestbed *tb;
static struct usb_watch *w;

static char *plug(const char *name, const char *vendor, const char *product, const char *serial)
{
	return umockdev_testbed_add_device(tb, "usb", name, NULL, "idVendor", vendor, "idProduct",
					   product, "serial", serial, NULL, "DEVTYPE", "usb_device",
					   "ID_VENDOR_ID", vendor, "ID_MODEL_ID", product, NULL);
}

static void unplug(char *path)
{
	umockdev_testbed_uevent(tb, path, "remove");
	umockdev_testbed_remove_device(tb, path);
	g_free(path);
}

/* the events of the last second */
static void settle(bool *changed, bool *alert)
{
	struct pollfd p = {usb_watch_fd(w), POLLIN, 0};
	bool c = false;
	*changed = false;
	while (poll(&p, 1, 300) > 0) {
		usb_watch_read(w, &c, alert);
		*changed |= c;
	}
	usb_watch_read(w, &c, alert);
	*changed |= c;
}

int main(void)
{
	struct usb_rule r = {0};
	struct usb_device kb = {"/sys/devices/1-1", "046d:c31c:K1"},
			  stick = {"/sys/devices/1-2", "0781:5567:S1"};
	char *keyboard, *s1, *s2;
	bool changed, alert;

	/* the rule on plain records */
	usb_rule_know(&r, &kb);
	CHECK(!usb_rule_added(&r, &kb) && !usb_rule_alert(&r));
	CHECK(usb_rule_added(&r, &stick) && usb_rule_alert(&r));
	CHECK(!usb_rule_added(&r, &stick));
	CHECK(!usb_rule_removed(&r, "/sys/devices/1-9"));
	CHECK(usb_rule_removed(&r, stick.syspath) && !usb_rule_alert(&r));

	/* udev, mocked */
	tb = umockdev_testbed_new();
	keyboard = plug("1-1", "046d", "c31c", "K1");
	CHECK_ERR(usb_watch_open(&w), ISO_OK);
	if (w == NULL)
		return check_status();
	settle(&changed, &alert);
	CHECK(!alert);

	s1 = plug("1-2", "0781", "5567", "S1");
	settle(&changed, &alert);
	CHECK(changed && alert);
	s2 = plug("1-4", "0951", "1666", "S2");
	settle(&changed, &alert);
	CHECK(!changed && alert);
	unplug(s1);
	settle(&changed, &alert);
	CHECK(!changed && alert);
	unplug(s2);
	settle(&changed, &alert);
	CHECK(changed && !alert);

	/* the kiosk's keyboard unplugged and plugged again, elsewhere */
	unplug(keyboard);
	settle(&changed, &alert);
	CHECK(!changed && !alert);
	keyboard = plug("1-3", "046d", "c31c", "K1");
	settle(&changed, &alert);
	CHECK(!changed && !alert);
	/* another keyboard is a new device */
	s1 = plug("1-5", "046d", "c31c", "K2");
	settle(&changed, &alert);
	CHECK(changed && alert);

	usb_watch_close(w);
	g_free(keyboard);
	g_free(s1);
	g_object_unref(tb);
	return check_status();
}
