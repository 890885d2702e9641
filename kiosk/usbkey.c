/* The members' USB keys (see usbkey.h). */
#include "usbkey.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "jsondoc.h"

extern char **environ;

struct usbkey_watch {
	struct udev *udev;
	struct udev_monitor *mon;
};

enum iso_err usbkey_watch_open(struct usbkey_watch **ret)
{
	struct usbkey_watch *w = calloc(1, sizeof *w);
	if (w == NULL)
		return ISO_E_NOMEM;
	if ((w->udev = udev_new()) == NULL ||
	    (w->mon = udev_monitor_new_from_netlink(w->udev, "udev")) == NULL ||
	    udev_monitor_filter_add_match_subsystem_devtype(w->mon, "block", NULL) < 0 ||
	    udev_monitor_enable_receiving(w->mon) < 0) {
		usbkey_watch_close(w);
		return ISO_E_USB;
	}
	*ret = w;
	return ISO_OK;
}

void usbkey_watch_close(struct usbkey_watch *w)
{
	if (w == NULL)
		return;
	if (w->mon != NULL)
		udev_monitor_unref(w->mon);
	if (w->udev != NULL)
		udev_unref(w->udev);
	free(w);
}

/* a USB block device holding a filesystem: a partition, or a disk formatted
 * whole (it has a filesystem type and no partition table) */
static bool is_key(struct udev_device *d)
{
	const char *bus = udev_device_get_property_value(d, "ID_BUS"),
		   *type = udev_device_get_devtype(d),
		   *fs = udev_device_get_property_value(d, "ID_FS_TYPE");
	if (bus == NULL || strcmp(bus, "usb") != 0 || type == NULL ||
	    udev_device_get_devnode(d) == NULL)
		return false;
	return strcmp(type, "partition") == 0 || (strcmp(type, "disk") == 0 && fs != NULL);
}

size_t usbkey_present(struct usbkey_watch *w, struct usbkey *out, size_t max)
{
	struct udev_enumerate *en = udev_enumerate_new(w->udev);
	struct udev_list_entry *e;
	size_t n = 0;
	if (en == NULL)
		return 0;
	udev_enumerate_add_match_subsystem(en, "block");
	udev_enumerate_add_match_property(en, "ID_BUS", "usb");
	udev_enumerate_scan_devices(en);
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d =
			udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(e));
		if (d == NULL)
			continue;
		if (n < max && is_key(d)) {
			const char *serial = udev_device_get_property_value(d, "ID_SERIAL");
			struct udev_device *usb =
				udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_device");
			if (serial == NULL && usb != NULL)
				serial = udev_device_get_sysattr_value(usb, "serial");
			snprintf(out[n].devnode, sizeof out[n].devnode, "%s", udev_device_get_devnode(d));
			snprintf(out[n].serial, sizeof out[n].serial, "%s", serial != NULL ? serial : "");
			n++;
		}
		udev_device_unref(d);
	}
	udev_enumerate_unref(en);
	return n;
}

bool usbkey_among(const struct usbkey *present, size_t n, const char *devnode)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(present[i].devnode, devnode) == 0)
			return true;
	return false;
}

void usbkey_seen_forget_gone(struct usbkey_seen *s, const struct usbkey *present, size_t n,
			     void (*gone)(void *arg, const struct usbkey *k), void *arg)
{
	for (size_t i = 0; i < s->n;) {
		struct usbkey k;
		if (usbkey_among(present, n, s->k[i].devnode)) {
			i++;
			continue;
		}
		k = s->k[i];
		memmove(&s->k[i], &s->k[i + 1], (s->n - i - 1) * sizeof s->k[0]);
		s->n--;
		if (gone != NULL)
			gone(arg, &k);
	}
}

bool usbkey_seen_first(struct usbkey_seen *s, const struct usbkey *k)
{
	if (usbkey_among(s->k, s->n, k->devnode))
		return false;
	if (s->n < USBKEY_MAX)
		s->k[s->n++] = *k;
	return true;
}

bool usbkey_wait(struct usbkey_watch *w, int timeout_ms)
{
	struct pollfd p = {udev_monitor_get_fd(w->mon), POLLIN, 0};
	bool any = false;
	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	for (struct udev_device *d; (d = udev_monitor_receive_device(w->mon)) != NULL;) {
		any = true;
		udev_device_unref(d);
	}
	return any;
}

/* ---- mtools on the device node ---- */

/* Run an mtools program (argv[0] under /usr/bin), feeding it `in` or
 * collecting its output into *out (at most max bytes); its exit status, -1
 * when it could not run, -2 when its output exceeds max. */
static int run_mtools(char *const argv[], const void *in, size_t in_len, char **out,
		      size_t *out_len, size_t max)
{
	char path[64];
	int fds[2], devnull = open("/dev/null", O_RDWR | O_CLOEXEC), status = -1;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	bool over = false;
	snprintf(path, sizeof path, "/usr/bin/%s", argv[0]);
	if (devnull < 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		close(devnull);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	if (in == NULL && out == NULL) {
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
		posix_spawn_file_actions_adddup2(&fa, devnull, 1);
	} else if (in != NULL) {
		posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
		posix_spawn_file_actions_adddup2(&fa, devnull, 1);
	} else {
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
		posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	}
	posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	signal(SIGPIPE, SIG_IGN); /* a program that dies early is an error, not our end */
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("MTOOLS_NO_VFAT", "0", 1);
	if (posix_spawn(&pid, path, &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		close(devnull);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(devnull);
	if (in == NULL && out == NULL) {
		close(fds[0]);
		close(fds[1]);
	} else if (in != NULL) {
		const char *p = in;
		close(fds[0]);
		while (in_len > 0) {
			ssize_t k = write(fds[1], p, in_len);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			p += k;
			in_len -= (size_t)k;
		}
		close(fds[1]);
	} else {
		size_t n = 0, cap = 4096;
		char *buf = malloc(cap + 1);
		close(fds[1]);
		for (;;) {
			ssize_t k;
			if (buf != NULL && n == cap && cap < max + 1) {
				size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
				char *b = iso_grow_wiped(buf, n, ncap + 1); /* a bundle holds a key */
				if (b == NULL) {
					OPENSSL_cleanse(buf, n);
					free(buf);
					buf = NULL;
				} else {
					buf = b;
					cap = ncap;
				}
			}
			if (buf == NULL || n == cap) {
				char sink[512];
				k = read(fds[0], sink, sizeof sink);
				over = over || k > 0;
			} else {
				k = read(fds[0], buf + n, cap - n);
				if (k > 0)
					n += (size_t)k;
			}
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
		}
		close(fds[0]);
		if (buf != NULL)
			buf[n] = '\0';
		over = over || n > max || buf == NULL;
		*out = buf;
		*out_len = n;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (over)
		return -2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void key_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "::%s", name);
}

/* the names at the key's root, one a line, or NULL when it is not FAT */
static char *listing(const struct usbkey *k)
{
	char *argv[] = {"mdir", "-b", "-i", (char *)k->devnode, "::", NULL}, *out = NULL;
	size_t n = 0;
	if (run_mtools(argv, NULL, 0, &out, &n, 1u << 20) == 0 && out != NULL)
		return out;
	free(out);
	return NULL;
}

/* FAT names compare without case (ASCII); not strncasecmp: kiosk/strings.h
 * stands where <strings.h> would be found */
static bool same_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool listed(const char *list, const char *name)
{
	char want[300];
	size_t wl;
	snprintf(want, sizeof want, "::/%s", name);
	wl = strlen(want);
	for (const char *p = list; *p != '\0';) {
		size_t l = strcspn(p, "\n");
		if (l == wl && same_name(p, want, wl))
			return true;
		p += l;
		p += *p == '\n';
	}
	return false;
}

enum iso_err usbkey_read(const struct usbkey *k, const char *name, size_t max, char **ret,
			 size_t *ret_len)
{
	char src[300], *list = listing(k);
	char *argv[] = {"mtype", "-i", (char *)k->devnode, src, NULL};
	int rc;
	*ret = NULL;
	if (list == NULL)
		return ISO_E_USB;
	if (!listed(list, name)) {
		free(list);
		return ISO_E_NOT_FOUND;
	}
	free(list);
	key_path(src, sizeof src, name);
	rc = run_mtools(argv, NULL, 0, ret, ret_len, max);
	if (rc == 0)
		return ISO_OK;
	free(*ret);
	*ret = NULL;
	return rc == -2 ? ISO_E_TOO_LARGE : ISO_E_USB;
}

/* the device's buffers written out, and dropped so that what is read back
 * comes from the key */
static enum iso_err flush(const struct usbkey *k)
{
	int fd = open(k->devnode, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ISO_E_USB;
	if (fsync(fd) != 0) {
		close(fd);
		return ISO_E_USB;
	}
	(void)ioctl(fd, BLKFLSBUF, 0); /* a block device: its cache dropped */
	close(fd);
	return ISO_OK;
}

enum iso_err usbkey_erase(const struct usbkey *k, const char *name)
{
	char dst[300], *list = listing(k);
	char *argv[] = {"mdel", "-i", (char *)k->devnode, dst, NULL};
	bool there;
	if (list == NULL)
		return ISO_E_USB;
	there = listed(list, name);
	free(list);
	if (!there)
		return ISO_OK;
	key_path(dst, sizeof dst, name);
	if (run_mtools(argv, NULL, 0, NULL, NULL, 0) != 0)
		return ISO_E_USB;
	return flush(k);
}

enum iso_err usbkey_write(const struct usbkey *k, const char *name, const void *data, size_t len)
{
	char tmpname[256], tmp[300], dst[300];
	enum iso_err err;
	snprintf(tmpname, sizeof tmpname, "%s.tmp", name);
	key_path(tmp, sizeof tmp, tmpname);
	key_path(dst, sizeof dst, name);
	char *copy[] = {"mcopy", "-o", "-i", (char *)k->devnode, "-", tmp, NULL};
	char *ren[] = {"mren", "-i", (char *)k->devnode, tmp, dst, NULL};
	if (run_mtools(copy, data, len, NULL, NULL, 0) != 0)
		return ISO_E_USB;
	if ((err = flush(k)) != ISO_OK || (err = usbkey_erase(k, name)) != ISO_OK)
		return err;
	if (run_mtools(ren, NULL, 0, NULL, NULL, 0) != 0)
		return ISO_E_USB;
	return flush(k);
}
