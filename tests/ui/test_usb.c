/* The kiosk's USB watch with umockdev (run under umockdev-wrapper): the
 * keyboard present at start is known and keeps working, also plugged
 * again; a USB stick plugged while the kiosk runs raises the alert, which
 * ends when it is removed; two unknown devices end it only when both are
 * gone. The rule itself is also checked on plain records. Given the
 * kiosk program: a stick plugged during a session pauses it, and the
 * session goes on once it is removed (the journal has both). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
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

/* Wait (20 s at most) for a line of the kiosk's trace. */
static bool traced(const char *trace, const char *line)
{
	for (int i = 0; i < 400; i++) {
		FILE *f = fopen(trace, "r");
		char l[512];
		bool found = false;
		while (f != NULL && !found && fgets(l, sizeof l, f) != NULL)
			found = strncmp(l, line, strlen(line)) == 0;
		if (f != NULL)
			fclose(f);
		if (found)
			return true;
		usleep(50000);
	}
	fprintf(stderr, "test_usb: the kiosk never traced \"%s\"\n", line);
	return false;
}

/* The program: isoloir-kiosk (headless, its own USB watch) is in a
 * session; a stick plugged by this process pauses it, the screen says
 * so, the journal has the alert; removed, the session goes on where it
 * was. */
static void program(const char *kiosk, const char *data, const char *fx, const char *work)
{
	char conf[1024], script[1024], trace[1024], journal[1024], cmd[4096], *stick;
	FILE *f;
	pid_t pid;
	int status = -1;
	snprintf(conf, sizeof conf, "%s/kiosk.conf", work);
	snprintf(script, sizeof script, "%s/usb.script", work);
	snprintf(trace, sizeof trace, "%s/trace", work);
	snprintf(journal, sizeof journal, "%s/journal.jsonl", work);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", work, work);
	CHECK(system(cmd) == 0);
	CHECK((f = fopen(conf, "w")) != NULL);
	if (f == NULL)
		return;
	fprintf(f, "operation = %s/kiosk/operation.json\nclient_cert = %s/kiosk.pem\n"
		   "client_key = %s/kiosk.key\njournal = %s\n",
		data, fx, fx, journal);
	fclose(f);
	CHECK((f = fopen(script, "w")) != NULL);
	if (f == NULL)
		return;
	fputs("tap start\nwait identify\nwait paused\nshot paused\nwait identify\n", f);
	fclose(f);
	pid = fork();
	if (pid == 0) {
		execl(kiosk, kiosk, "--config", conf, "--headless", "800x600", "--script", script,
		      "--shots", work, "--trace", trace, (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	CHECK(traced(trace, "SCREEN identify"));
	stick = plug("1-7", "0781", "5567", "S7");
	CHECK(traced(trace, "SCREEN paused"));
	unplug(stick);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(cmd, sizeof cmd,
		 "grep -q '\"event\":\"usb-alert\"' '%s' && grep -q '\"event\":\"usb-cleared\"' '%s'",
		 journal, journal);
	CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
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
	unplug(s1);
	if (argc == 5)
		program(argv[1], argv[2], argv[3], argv[4]);
	g_free(keyboard);
	g_object_unref(tb);
	return check_status();
}
