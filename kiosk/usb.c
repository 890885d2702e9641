/* The kiosk's USB watch (see usb.h). */
#include "usb.h"

#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void usb_rule_know(struct usb_rule *r, const struct usb_device *d)
{
	for (size_t i = 0; i < r->nknown; i++)
		if (strcmp(r->known[i], d->id) == 0)
			return;
	if (r->nknown < USB_KNOWN_MAX)
		snprintf(r->known[r->nknown++], USB_ID_MAX, "%s", d->id);
}

bool usb_rule_added(struct usb_rule *r, const struct usb_device *d)
{
	bool before = usb_rule_alert(r);
	for (size_t i = 0; i < r->nknown; i++)
		if (strcmp(r->known[i], d->id) == 0)
			return false; /* a known input device plugged again */
	for (size_t i = 0; i < r->nalerting; i++)
		if (strcmp(r->alerting[i], d->syspath) == 0)
			return false;
	if (r->nalerting < USB_KNOWN_MAX)
		snprintf(r->alerting[r->nalerting++], sizeof r->alerting[0], "%s", d->syspath);
	else
		r->nalerting = USB_KNOWN_MAX; /* full: the alert stays */
	return before != usb_rule_alert(r);
}

bool usb_rule_removed(struct usb_rule *r, const char *syspath)
{
	bool before = usb_rule_alert(r);
	for (size_t i = 0; i < r->nalerting; i++)
		if (strcmp(r->alerting[i], syspath) == 0) {
			memmove(r->alerting[i], r->alerting[i + 1],
				(r->nalerting - i - 1) * sizeof r->alerting[0]);
			r->nalerting--;
			break;
		}
	return before != usb_rule_alert(r);
}

struct usb_watch {
	struct udev *udev;
	struct udev_monitor *mon;
	struct usb_rule rule;
};

static void device_of(struct udev_device *d, struct usb_device *out)
{
	const char *v = udev_device_get_sysattr_value(d, "idVendor"),
		   *p = udev_device_get_sysattr_value(d, "idProduct"),
		   *s = udev_device_get_sysattr_value(d, "serial");
	/* after removal the attributes are gone: the event's properties */
	if (v == NULL)
		v = udev_device_get_property_value(d, "ID_VENDOR_ID");
	if (p == NULL)
		p = udev_device_get_property_value(d, "ID_MODEL_ID");
	snprintf(out->syspath, sizeof out->syspath, "%s", udev_device_get_syspath(d));
	snprintf(out->id, sizeof out->id, "%s:%s:%s", v ? v : "?", p ? p : "?", s ? s : "");
}

static bool is_usb_device(struct udev_device *d)
{
	const char *t = udev_device_get_devtype(d);
	return t != NULL && strcmp(t, "usb_device") == 0;
}

enum iso_err usb_watch_open(struct usb_watch **ret)
{
	struct usb_watch *w = calloc(1, sizeof *w);
	struct udev_enumerate *en;
	struct udev_list_entry *e;
	if (w == NULL)
		return ISO_E_NOMEM;
	if ((w->udev = udev_new()) == NULL ||
	    (w->mon = udev_monitor_new_from_netlink(w->udev, "udev")) == NULL ||
	    udev_monitor_filter_add_match_subsystem_devtype(w->mon, "usb", "usb_device") < 0 ||
	    udev_monitor_enable_receiving(w->mon) < 0) {
		usb_watch_close(w);
		return ISO_E_IO;
	}
	/* what is there at start is the kiosk's own */
	if ((en = udev_enumerate_new(w->udev)) != NULL) {
		udev_enumerate_add_match_subsystem(en, "usb");
		udev_enumerate_scan_devices(en);
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
		{
			struct udev_device *d =
				udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(e));
			if (d != NULL && is_usb_device(d)) {
				struct usb_device u;
				device_of(d, &u);
				usb_rule_know(&w->rule, &u);
			}
			if (d != NULL)
				udev_device_unref(d);
		}
		udev_enumerate_unref(en);
	}
	*ret = w;
	return ISO_OK;
}

void usb_watch_close(struct usb_watch *w)
{
	if (w == NULL)
		return;
	if (w->mon != NULL)
		udev_monitor_unref(w->mon);
	if (w->udev != NULL)
		udev_unref(w->udev);
	free(w);
}

int usb_watch_fd(const struct usb_watch *w)
{
	return udev_monitor_get_fd(w->mon);
}

void usb_watch_read(struct usb_watch *w, bool *ret_changed, bool *ret_alert)
{
	struct udev_device *d;
	*ret_changed = false;
	/* the monitor's socket does not block: NULL when nothing waits */
	while ((d = udev_monitor_receive_device(w->mon)) != NULL) {
		const char *action = udev_device_get_action(d);
		if (action != NULL && is_usb_device(d)) {
			struct usb_device u;
			device_of(d, &u);
			if (strcmp(action, "add") == 0)
				*ret_changed |= usb_rule_added(&w->rule, &u);
			else if (strcmp(action, "remove") == 0)
				*ret_changed |= usb_rule_removed(&w->rule, u.syspath);
		}
		udev_device_unref(d);
	}
	*ret_alert = usb_rule_alert(&w->rule);
}

enum iso_err usb_list(char *out, size_t size)
{
	struct udev *u = udev_new();
	struct udev_enumerate *en = u != NULL ? udev_enumerate_new(u) : NULL;
	struct udev_list_entry *e;
	size_t n = 0;
	out[0] = '\0';
	if (en == NULL || udev_enumerate_add_match_subsystem(en, "usb") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		udev_enumerate_unref(en);
		udev_unref(u);
		return ISO_E_IO;
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d = udev_device_new_from_syspath(u, udev_list_entry_get_name(e));
		const char *type = d != NULL ? udev_device_get_devtype(d) : NULL;
		if (type != NULL && strcmp(type, "usb_device") == 0 && n + 1 < size) {
			const char *v = udev_device_get_sysattr_value(d, "idVendor"),
				   *p = udev_device_get_sysattr_value(d, "idProduct"),
				   *m = udev_device_get_sysattr_value(d, "manufacturer"),
				   *pr = udev_device_get_sysattr_value(d, "product");
			int k = snprintf(out + n, size - n, "%s:%s %s %s\n", v ? v : "?", p ? p : "?",
					 m ? m : "", pr ? pr : "");
			if (k > 0)
				n += (size_t)k < size - n ? (size_t)k : size - n - 1;
		}
		udev_device_unref(d);
	}
	udev_enumerate_unref(en);
	udev_unref(u);
	return ISO_OK;
}
