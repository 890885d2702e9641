/* isoloir-kiosk: the program of the dedicated voting post.
 *   isoloir-kiosk --config FILE [--windowed WxH]
 *   isoloir-kiosk --config FILE --headless WxH --script FILE --shots DIR
 *   isoloir-kiosk pin CERTIFICATE.pem
 * Fullscreen by default (KMSDRM on the kiosk image); --windowed for
 * development; --headless draws with the software renderer on a surface
 * and plays a script of the voter's acts (the demo without a display and
 * the end-to-end tests), saving a screenshot where the script says;
 * --trace FILE (tests) writes what is drawn, for a robot at the window.
 * The process locks its memory, is not dumpable and makes no core file;
 * SIGTERM ends it cleanly, the session wiped; nothing of a session is
 * written to disk or to the logs (R-C19-NOMACHINE, R-C19-LINK). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>

#include "app.h"
#include "config.h"
#include "enrol.h"
#include "enrolment.h"
#include "integrity.h"
#include "maintenance.h"
#include "signature.h"
#include "usbkey.h"
#include "jsondoc.h"
#include "shot.h"
#include "usb.h"

static const char prog[] = "isoloir-kiosk";
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s --config FILE | --state-dir DIR [--windowed WxH]\n"
		"       %s --config FILE --headless WxH --script FILE --shots DIR\n"
		"       %s pin CERTIFICATE.pem\n"
		"       %s export-journal JOURNAL DEVICE-ID   (NIST SP 1500-101 JSON)\n"
		"  --technician-key PEM   the operation's technician key (public): a USB key\n"
		"                  holding isoloir-maintenance.json it signed opens maintenance\n"
		"  --manifest FILE  the image's manifest: the kiosk's files are checked against it\n"
		"                  at start (and its hash against the sealed one)\n"
		"  --state-dir DIR  instead of --config: DIR/kiosk.conf, made by enrolment at\n"
		"                  first boot from a USB key holding isoloir-enrolement.json\n"
		"Exit status 10 or 11: the technician asked for a restart or a shutdown.\n"
		"Tests only, never at a polling station: --trace FILE writes what is drawn\n"
		"(screens, targets, focus, receipts) for a robot at the window.\n"
		"\n"
		"The dedicated voting post: fullscreen, French by default, English one touch\n"
		"away; the ballot is encrypted here and sent over pinned TLS.\n"
		"\n"
		"Configuration (key = value):\n"
		"  operation     operation.json: registry, urns with their pins, polls, lists\n"
		"  journal       the kiosk's journal (JSON lines, chained), e.g.\n"
		"                /var/lib/isoloir-kiosk/journal.jsonl\n"
		"  client_cert, client_key   the post's identity (PEM), from its enrolment\n"
		"  language      fr (default) or en\n"
		"  px_per_mm     the panel's pixels per millimetre (default: from the display)\n"
		"  touch_keyboard  yes: an on-screen keyboard (posts with a touch panel only)\n",
		prog, prog, prog, prog);
}

/* the post's name: its certificate's common name */
static void cert_name(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	X509 *x = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	snprintf(out, size, "kiosk");
	if (x != NULL)
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, out, (int)size);
	X509_free(x);
	if (f != NULL)
		fclose(f);
}

/* the headless script may move the clock on (the idle watch's tests) */
static int64_t clock_offset;

static int64_t now_s(void)
{
	return (int64_t)time(NULL) + clock_offset;
}

/* Threads' stacks: 1 MiB instead of glibc's 8. The memory is locked, so
 * every page of a stack is resident: the encryption's workers, the
 * network's and the voice's threads would cost 8 MiB each. */
#define KIOSK_THREAD_STACK (1u << 20)

static void harden(void)
{
	struct rlimit none = {0, 0};
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) == 0) {
		if (pthread_attr_setstacksize(&attr, KIOSK_THREAD_STACK) != 0 ||
		    pthread_setattr_default_np(&attr) != 0)
			fprintf(stderr, "%s: threads keep their default stacks\n", prog);
		pthread_attr_destroy(&attr);
	}
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		fprintf(stderr, "%s: memory not locked (%s): the kiosk image grants it\n", prog,
			strerror(errno));
}

/* ---- the script of the headless mode ---- */


static const struct {
	const char *name;
	SDL_Keycode k;
} keys[] = {{"tab", SDLK_TAB},	     {"return", SDLK_RETURN}, {"escape", SDLK_ESCAPE},
	    {"backspace", SDLK_BACKSPACE}, {"down", SDLK_DOWN},	      {"up", SDLK_UP},
	    {"help", SDLK_F1}};

/* the USB watch (NULL without one): a device plugged or removed since */
static struct usb_watch *usb;
static struct usbkey_watch *tech_keys; /* USB keys: the technician's */
static struct usbkey_seen seen;        /* the keys plugged, each looked at once */

static void key_gone(void *arg, const struct usbkey *k)
{
	app_maintenance_key_gone(arg, k->devnode);
}

/* The keys come and go: a new one holding a maintenance token is given
 * to the app (read with mtools, never mounted), one gone is said. */
static void keys_check(struct app *a)
{
	static unsigned frames;
	struct usbkey now[USBKEY_MAX];
	size_t n;
	/* on an event, and twice a second while a key is plugged: udev's
	 * events of one key come and go before its devices do */
	if (tech_keys == NULL ||
	    (!usbkey_wait(tech_keys, 0) && (seen.n == 0 || ++frames % 30 != 0)))
		return;
	n = usbkey_present(tech_keys, now, USBKEY_MAX);
	usbkey_seen_forget_gone(&seen, now, n, key_gone, a);
	for (size_t j = 0; j < n; j++) {
		char *doc = NULL;
		size_t len = 0;
		if (usbkey_seen_first(&seen, &now[j]) &&
		    usbkey_read(&now[j], MAINT_TOKEN_NAME, MAINT_TOKEN_MAX, &doc, &len) == ISO_OK)
			app_maintenance_key(a, doc, len, now[j].devnode);
		free(doc);
	}
}

static void usb_check(struct app *a)
{
	struct pollfd p = {usb != NULL ? usb_watch_fd(usb) : -1, POLLIN, 0};
	bool changed, alert;
	if (usb != NULL && poll(&p, 1, 0) > 0) {
		usb_watch_read(usb, &changed, &alert);
		if (changed)
			app_usb(a, alert);
	}
	keys_check(a);
}

static void frame(struct app *a)
{
	usb_check(a);
	app_step(a, now_s());
	app_draw(a);
}

/* Run until the screen is the one named (30 s at most). */
static bool wait_screen(struct app *a, const char *name)
{
	for (int i = 0; i < 3000 && !stop; i++) {
		if (mm_active(&a->mm) && strncmp(name, "maintenance-", 12) == 0 &&
		    strcmp(name + 12, mm_screen_name(a->mm.screen)) == 0)
			return true;
		frame(a);
		if (a->blocked != NULL && strcmp(name, "blocked") == 0)
			return true;
		if (!mm_active(&a->mm) && a->blocked == NULL &&
		    strcmp(session_screen_name(app_screen(a)), name) == 0 && a->s.action == ACTION_NONE)
			return true;
		SDL_Delay(10);
	}
	return false;
}

/* The tests' memory scan: does any readable page of this process hold
 * needle (other than the buffer that holds it for the search)? */
static long memory_holds(const char *needle, size_t len)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	char line[512];
	long found = 0;
	unsigned char *page = malloc(1 << 20);
	while (maps != NULL && mem >= 0 && page != NULL && fgets(line, sizeof line, maps) != NULL) {
		unsigned long lo, hi;
		char perms[8];
		/* readable pages; not the sanitizers' terabytes of shadow */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
		    hi - lo > (256ul << 20) || strstr(line, "[vvar]") != NULL ||
		    strstr(line, "[vsyscall]") != NULL)
			continue;
		for (unsigned long at = lo; at < hi; at += (1 << 20) - 64) {
			size_t want = hi - at < (1 << 20) ? hi - at : (1 << 20);
			ssize_t got = pread(mem, page, want, (off_t)at);
			for (ssize_t i = 0; got > 0 && i + (ssize_t)len <= got; i++)
				if (page[i] == (unsigned char)needle[0] && memcmp(page + i, needle, len) == 0 &&
				    (const char *)(uintptr_t)(at + (unsigned long)i) != needle)
					found++;
			if (want < (1 << 20))
				break;
		}
	}
	if (page != NULL)
		OPENSSL_cleanse(page, 1 << 20);
	free(page);
	if (mem >= 0)
		close(mem);
	if (maps != NULL)
		fclose(maps);
	return found;
}

static int run_script(struct app *a, const char *path, const char *shots)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;
	Uint64 timer = 0;
	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	/* no stdio buffer: the script holds passwords, and each line is wiped
	 * once played, so a memory scan finds only what the kiosk kept */
	setvbuf(f, NULL, _IONBF, 0);
	frame(a);
	while (fgets(line, sizeof line, f) != NULL && !stop) {
		char *arg, *cmd = line;
		bool ok = true;
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		arg = strchr(line, ' ');
		if (arg != NULL)
			*arg++ = '\0';
		if (strcmp(cmd, "tap") == 0 && arg != NULL) {
			int id = 0;
			if (strncmp(arg, "poll ", 5) == 0) {
				/* by the poll's uuid, as the voter finds it by its name */
				for (size_t i = 0; i < a->s.npolls; i++)
					if (strcmp(a->s.polls[i].uuid, arg + 5) == 0)
						id = ID_POLL + (int)i;
			}
			else
				id = app_target_id(arg);
			ok = id != 0;
			if (ok) {
				a->focus = id;
				app_activate(a, id);
			}
		} else if (strcmp(cmd, "type") == 0) {
			app_text(a, arg != NULL ? arg : "");
		} else if (strcmp(cmd, "key") == 0 && arg != NULL) {
			ok = false;
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (strcmp(arg, keys[i].name) == 0) {
					app_key(a, keys[i].k, false);
					ok = true;
				}
		} else if (strcmp(cmd, "wait") == 0 && arg != NULL) {
			ok = wait_screen(a, arg);
			if (!ok)
				fprintf(stderr, "%s: %s line %d: still on %s, not %s\n", prog, path, n,
					session_screen_name(app_screen(a)), arg);
		} else if (strcmp(cmd, "shot") == 0 && arg != NULL) {
			unsigned char *px = NULL;
			char out[1024];
			frame(a);
			snprintf(out, sizeof out, "%s/%s.png", shots, arg);
			ok = ui_read_rgb(&a->u, &px) == ISO_OK && ui_png_write(out, px, a->w, a->h) == ISO_OK;
			free(px);
			if (ok)
				printf("screenshot %s\n", out);
		} else if (strcmp(cmd, "advance") == 0 && arg != NULL) {
			/* the clock moves on: seconds of a voter who does nothing */
			clock_offset += strtol(arg, NULL, 10);
		} else if (strcmp(cmd, "timer-start") == 0) {
			timer = SDL_GetPerformanceCounter();
		} else if (strcmp(cmd, "timer-stop") == 0 && arg != NULL) {
			/* what a voter waits, e.g. from validation to the receipt */
			printf("timer %s %.1f ms\n", arg,
			       (double)(SDL_GetPerformanceCounter() - timer) * 1e3 /
				       (double)SDL_GetPerformanceFrequency());
		} else if (strcmp(cmd, "scan-memory") == 0 && arg != NULL) {
			/* the secret of the file named: every form a voter types it */
			FILE *nf = fopen(arg, "r");
			char secret[128] = "", bare[128] = "";
			size_t k = 0;
			if (nf != NULL) {
				setvbuf(nf, NULL, _IONBF, 0);
				if (fgets(secret, sizeof secret, nf) == NULL)
					secret[0] = '\0';
				fclose(nf);
			}
			secret[strcspn(secret, "\r\n")] = '\0';
			for (size_t i = 0; secret[i] != '\0' && k + 1 < sizeof bare; i++)
				if (secret[i] != '-')
					bare[k++] = secret[i];
			bare[k] = '\0';
			ok = secret[0] != '\0';
			if (ok)
				printf("memory-scan %ld %ld\n", memory_holds(secret, strlen(secret)),
				       memory_holds(bare, strlen(bare)));
			OPENSSL_cleanse(secret, sizeof secret);
			OPENSSL_cleanse(bare, sizeof bare);
		} else if (strcmp(cmd, "maintenance-key") == 0 && arg != NULL) {
			/* the technician's key plugged, its token read from a file */
			char *doc = NULL;
			size_t dl = 0;
			ok = iso_file_read(arg, MAINT_TOKEN_MAX, &doc, &dl) == ISO_OK;
			if (ok)
				app_maintenance_key(a, doc, dl, "script");
			free(doc);
		} else if (strcmp(cmd, "maintenance-key-removed") == 0) {
			app_maintenance_key_gone(a, "script");
		} else if (strcmp(cmd, "tracker") == 0) {
			/* the receipt shown: its poll and tracker, for the demo's check */
			if (a->s.current >= 0)
				printf("receipt %s %s\n", a->s.polls[a->s.current].uuid,
				       a->s.polls[a->s.current].tracker);
		} else {
			ok = false;
		}
		if (!ok) {
			fprintf(stderr, "%s: %s line %d: cannot do \"%s\"\n", prog, path, n, cmd);
			OPENSSL_cleanse(line, sizeof line);
			fclose(f);
			return 1;
		}
		OPENSSL_cleanse(line, sizeof line);
		frame(a);
	}
	fclose(f);
	return 0;
}

/* ---- main ---- */

/* The screen: a software surface (headless) or the window, fullscreen
 * and locked down; ppm measured when not configured. NULL: said why. */
static SDL_Renderer *open_display(bool headless, bool windowed, int *w, int *h, double *ppm,
				  SDL_Window **win, SDL_Surface **surface)
{
	SDL_Renderer *r = NULL;
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (TTF_Init() != 0)
		return NULL;
	if (headless) {
		*surface = SDL_CreateRGBSurfaceWithFormat(0, *w, *h, 32, SDL_PIXELFORMAT_ARGB8888);
		r = *surface != NULL ? SDL_CreateSoftwareRenderer(*surface) : NULL;
		if (*ppm == 0)
			*ppm = 4.0;
	} else {
		float hdpi = 0;
		/* lockdown: no way out with the keyboard, the pointer confined */
		SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
		SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
		SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
		if (SDL_Init(SDL_INIT_VIDEO) != 0) {
			fprintf(stderr, "%s: %s\n", prog, SDL_GetError());
			return NULL;
		}
		*win = SDL_CreateWindow("isoloir-kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
					windowed ? *w : 1024, windowed ? *h : 768,
					windowed ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
		r = *win != NULL ? SDL_CreateRenderer(*win, -1, 0) : NULL;
		if (*win != NULL) {
			SDL_GetRendererOutputSize(r, w, h);
			SDL_SetWindowGrab(*win, SDL_TRUE);
			SDL_SetWindowKeyboardGrab(*win, SDL_TRUE);
		}
		if (*ppm == 0)
			*ppm = SDL_GetDisplayDPI(0, NULL, &hdpi, NULL) == 0 && hdpi > 50 ? hdpi / 25.4 : 4.0;
		SDL_StartTextInput();
	}
	if (r == NULL)
		fprintf(stderr, "%s: no renderer: %s\n", prog, SDL_GetError());
	return r;
}

static bool size_arg(const char *s, int *w, int *h)
{
	return sscanf(s, "%dx%d", w, h) == 2 && *w >= 320 && *h >= 240 && *w <= 8192 && *h <= 8192;
}

int main(int argc, char **argv)
{
	const char *cpath = NULL, *script = NULL, *shots = ".", *trace = NULL, *bad = NULL,
		   *techkey = NULL, *manifest = NULL, *state_dir = NULL;
	char state_conf[4096];
	EVP_PKEY *tkey = NULL;
	static const char *const allowed[] = {"operation",	     "client_cert",	 "client_key",
					      "journal",	     "language",	 "px_per_mm",
					      "touch_keyboard",	     "enrolment",
					      "image_manifest_sha256", NULL};
	int w = 0, h = 0, rc = 1, line = 0;
	bool headless = false, windowed = false;
	struct config *c = NULL;
	struct operation *op = NULL;
	struct operation_where ow;
	struct shell *sh = NULL;
	struct app a;
	struct kiosk_journal *journal = NULL;
	char name[128];
	bool app_ok = false;
	SDL_Window *win = NULL;
	SDL_Renderer *r = NULL;
	SDL_Surface *surface = NULL;
	double ppm = 0;
	enum iso_lang lang = ISO_LANG_FR;
	char *json = NULL;
	size_t len;
	enum iso_err err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "export-journal") == 0) {
		char *out = NULL;
		if ((err = kiosk_journal_export_nist(argv[2], argv[3], &out)) != ISO_OK) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[2], iso_strerror(err, iso_lang_from_env()));
			return 1;
		}
		printf("%s\n", out);
		free(out);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "pin") == 0) {
		char pin[NET_PIN_LEN + 1];
		if ((err = net_pin_of_file(argv[2], pin)) != ISO_OK) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[2], iso_strerror(err, iso_lang_from_env()));
			return 1;
		}
		printf("%s\n", pin);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--config") == 0 && v != NULL)
			cpath = argv[++i];
		else if (strcmp(argv[i], "--windowed") == 0 && v != NULL && size_arg(v, &w, &h))
			windowed = ++i > 0;
		else if (strcmp(argv[i], "--headless") == 0 && v != NULL && size_arg(v, &w, &h))
			headless = ++i > 0;
		else if (strcmp(argv[i], "--script") == 0 && v != NULL)
			script = argv[++i];
		else if (strcmp(argv[i], "--shots") == 0 && v != NULL)
			shots = argv[++i];
		else if (strcmp(argv[i], "--trace") == 0 && v != NULL)
			trace = argv[++i];
		else if (strcmp(argv[i], "--technician-key") == 0 && v != NULL)
			techkey = argv[++i];
		else if (strcmp(argv[i], "--manifest") == 0 && v != NULL)
			manifest = argv[++i];
		else if (strcmp(argv[i], "--state-dir") == 0 && v != NULL)
			state_dir = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if ((cpath == NULL && state_dir == NULL) || (headless && script == NULL)) {
		usage(stderr);
		return 2;
	}
	harden();
	if (techkey != NULL && (err = signature_key_read(techkey, 0, &tkey)) != ISO_OK) {
		fprintf(stderr, "%s: --technician-key %s: %s\n", prog, techkey,
			iso_strerror(err, ISO_LANG_EN));
		rc = 2;
		goto out;
	}
	/* on the image: the configuration is the enrolment's, made at first boot */
	if (cpath == NULL) {
		snprintf(state_conf, sizeof state_conf, "%s/%s", state_dir, ENROLMENT_CONF);
		cpath = state_conf;
		if (!enrolment_installed(state_dir)) {
			char sha[65] = "";
			struct enrol_ctx ec;
			if (manifest == NULL || tkey == NULL ||
			    (err = integrity_file_sha256(manifest, sha)) != ISO_OK) {
				fprintf(stderr, "%s: not enrolled, and enrolment needs --technician-key and "
						"--manifest (readable)\n", prog);
				rc = 2;
				goto out;
			}
			if ((r = open_display(headless, windowed, &w, &h, &ppm, &win, &surface)) == NULL)
				goto out;
			ec = (struct enrol_ctx){r,	  win,	    w,	   h,	  ppm, iso_lang_from_env(),
						tkey,	  sha,	    state_dir, NULL, headless ? shots : NULL,
						&stop,	  0};
			/* tests: the headless kiosk gives up (ISOLOIR_ENROL_TIMEOUT seconds, 60) */
			if (headless)
				ec.timeout_s = getenv("ISOLOIR_ENROL_TIMEOUT") != NULL
						       ? (int)strtol(getenv("ISOLOIR_ENROL_TIMEOUT"), NULL, 10)
						       : 60;
			if (trace != NULL)
				ec.trace = fopen(trace, "a");
			err = kiosk_enrol(&ec);
			if (ec.trace != NULL)
				fclose(ec.trace);
			if (err != ISO_OK) {
				fprintf(stderr, "%s: not enrolled: %s\n", prog, iso_strerror(err, ISO_LANG_EN));
				rc = stop ? 0 : 2;
				goto out;
			}
		}
	}
	/* the configuration: refused clearly, before anything is shown */
	if ((err = config_read(cpath, &c, &line)) != ISO_OK ||
	    (err = config_check_keys(c, allowed, &bad)) != ISO_OK) {
		fprintf(stderr, "%s: %s%s%d%s%s: %s\n", prog, cpath, line > 0 ? ", line " : "",
			line > 0 ? line : 0, bad ? ": " : "", bad ? bad : "",
			iso_strerror(err, ISO_LANG_EN));
		rc = 2;
		goto out;
	}
	for (const char *const *k =
		     (const char *const[]){"operation", "client_cert", "client_key", "journal", NULL};
	     *k != NULL; k++)
		if (config_get(c, *k) == NULL) {
			fprintf(stderr, "%s: %s: %s: %s\n", prog, cpath, *k,
				iso_strerror(ISO_E_CONFIG, ISO_LANG_EN));
			rc = 2;
			goto out;
		}
	if (config_get(c, "language") != NULL) {
		const char *l = config_get(c, "language");
		if (strcmp(l, "en") != 0 && strcmp(l, "fr") != 0) {
			fprintf(stderr, "%s: %s: language: fr or en\n", prog, cpath);
			rc = 2;
			goto out;
		}
		lang = strcmp(l, "en") == 0 ? ISO_LANG_EN : ISO_LANG_FR;
	}
	if (config_get(c, "touch_keyboard") != NULL && strcmp(config_get(c, "touch_keyboard"), "yes") != 0 &&
	    strcmp(config_get(c, "touch_keyboard"), "no") != 0) {
		fprintf(stderr, "%s: %s: touch_keyboard: yes or no\n", prog, cpath);
		rc = 2;
		goto out;
	}
	if (config_get(c, "px_per_mm") != NULL &&
	    ((ppm = strtod(config_get(c, "px_per_mm"), NULL)) < 2 || ppm > 20)) {
		fprintf(stderr, "%s: %s: px_per_mm: between 2 and 20\n", prog, cpath);
		rc = 2;
		goto out;
	}
	cert_name(config_get(c, "client_cert"), name, sizeof name);
	if ((err = kiosk_journal_open(config_get(c, "journal"), name, &journal)) != ISO_OK) {
		fprintf(stderr, "%s: %s: journal: %s\n", prog, cpath, iso_strerror(err, ISO_LANG_EN));
		rc = 2;
		goto out;
	}
	ow = (struct operation_where){0, 0, NULL};
	if ((err = iso_file_read(config_get(c, "operation"), OPERATION_FILE_MAX, &json, &len)) !=
		    ISO_OK ||
	    (err = operation_parse(json, len, &op, &ow)) != ISO_OK) {
		char msg[512];
		operation_where_format(&ow, err, ISO_LANG_EN, msg, sizeof msg);
		fprintf(stderr, "%s: %s: %s\n", prog, config_get(c, "operation"), msg);
		kiosk_journal_add(journal, EV_CONFIG_REFUSED, OUTCOME_FAILURE, now_s());
		rc = 2;
		goto out;
	}
	{
		struct net_config nc = {config_get(c, "client_cert"), config_get(c, "client_key"), 0, 0,
					0, 0};
		if ((err = shell_new(op, &nc, lang, &sh)) != ISO_OK) {
			fprintf(stderr, "%s: %s\n", prog, iso_strerror(err, ISO_LANG_EN));
			goto out;
		}
	}

	if (r == NULL && (r = open_display(headless, windowed, &w, &h, &ppm, &win, &surface)) == NULL)
		goto out;
	if ((err = app_init(&a, op, sh, r, w, h, ppm, lang, now_s())) != ISO_OK)
		goto out;
	app_ok = true;
	a.journal = journal;
	a.mt.key = tkey;
	a.mt.kiosk = name;
	a.mt.journal_path = config_get(c, "journal");
	a.mt.manifest_path = manifest;
	a.mt.enrolment = config_get(c, "enrolment");
	a.mt.sealed = config_get(c, "image_manifest_sha256");
	/* the image's integrity: a kiosk that is not as sealed opens no
	 * voting session, and says why (maintenance stays possible) */
	if (manifest != NULL &&
	    kiosk_integrity(manifest, config_get(c, "image_manifest_sha256"), lang, journal,
			    &a.blocked) != ISO_OK && a.blocked != NULL)
		fprintf(stderr, "%s: not as sealed, no voting session:\n%s", prog, a.blocked);
	snprintf(a.mt.export_dir, sizeof a.mt.export_dir, "%s", shots);
	a.keyboard = config_get(c, "touch_keyboard") != NULL &&
		     strcmp(config_get(c, "touch_keyboard"), "yes") == 0;
	kiosk_journal_add(journal, EV_KIOSK_START, OUTCOME_SUCCESS, now_s());
	if (trace != NULL)
		a.trace = fopen(trace, "a");
	/* a USB device plugged during a session pauses it (the headless
	 * script's too: the tests plug devices with umockdev) */
	if ((err = usb_watch_open(&usb)) != ISO_OK)
		fprintf(stderr, "%s: no USB watch: %s\n", prog, iso_strerror(err, ISO_LANG_EN));
	/* the technician's key (maintenance), only with the technician key */
	if (tkey != NULL && (err = usbkey_watch_open(&tech_keys)) != ISO_OK)
		fprintf(stderr, "%s: no USB key watch: %s\n", prog, iso_strerror(err, ISO_LANG_EN));
	if (tech_keys != NULL) { /* the keys plugged at start are the post's own */
		struct usbkey now[USBKEY_MAX];
		size_t n = usbkey_present(tech_keys, now, USBKEY_MAX);
		for (size_t i = 0; i < n; i++)
			usbkey_seen_first(&seen, &now[i]);
	}
	if (headless) {
		rc = run_script(&a, script, shots);
		if (rc == 0 && app_exit_status(&a) != 0)
			rc = app_exit_status(&a);
		goto out;
	}
	/* the spoken guidance, to the post's headphones */
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0 || (err = app_voice_start(&a)) != ISO_OK)
		fprintf(stderr, "%s: no spoken guidance: %s\n", prog, SDL_GetError());
	for (bool shown = false; !stop; shown = true) {
		SDL_Event e;
		while (SDL_PollEvent(&e))
			/* closing the window is not a way out: SIGTERM is */
			if (e.type != SDL_QUIT)
				app_event(&a, &e);
		usb_check(&a);
		app_step(&a, now_s());
		app_draw(&a);
		SDL_RenderPresent(r);
		if (!shown) {
			/* the first frame is on screen: input may come (the image's
			 * boot measure waits for this line) */
			fprintf(stderr, "%s: ready\n", prog);
			if (a.trace != NULL) {
				fprintf(a.trace, "READY\n");
				fflush(a.trace);
			}
		}
		if (app_exit_status(&a) != 0)
			break; /* the technician's restart or shutdown */
		SDL_Delay(16);
	}
	rc = app_exit_status(&a);
out:
	usb_watch_close(usb);
	usbkey_watch_close(tech_keys);
	if (app_ok) {
		if (a.trace != NULL)
			fclose(a.trace);
		app_free(&a);
		kiosk_journal_add(journal, EV_KIOSK_STOP, OUTCOME_SUCCESS, now_s());
	}
	kiosk_journal_close(journal);
	if (r != NULL)
		SDL_DestroyRenderer(r);
	if (surface != NULL)
		SDL_FreeSurface(surface);
	if (win != NULL)
		SDL_DestroyWindow(win);
	if (TTF_WasInit())
		TTF_Quit();
	SDL_Quit();
	shell_free(sh);
	EVP_PKEY_free(tkey);
	operation_free(op);
	free(json);
	config_free(c);
	return rc;
}
