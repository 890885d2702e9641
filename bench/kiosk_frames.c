/* bench_kiosk_frames: the kiosk's drawing at 1920×1080 with SDL's software
 * renderer (the slowest path a kiosk can take): the time from the process's
 * start to its first frame (fonts opened, the welcome screen drawn), and
 * the time of each frame of every screen, drawn again and again; the
 * resident memory at the end. Prints one JSON line.
 * Usage: bench_kiosk_frames OPERATION.json [FRAMES-PER-SCREEN]
 *        bench_kiosk_frames --first   (ends at the first frame) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens.h"
#include "speech.h"

#define W 1920
#define H 1080

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	if (f != NULL)
		fclose(f);
	return kib;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const char *const uuids[] = {"cHLp1ryRP63Upu", "DEr1FE2GxwUVb4"};
	static const char *const names[] = {"Comité social", "Délégués"};
	static const enum session_poll_state states[] = {POLL_TO_VOTE, POLL_TO_VOTE};
	const struct session_login_result lr = {"token", "Élise Lefèvre", 2, uuids, names, states};
	SDL_Surface *sf;
	SDL_Renderer *r;
	struct ui u;
	struct screen_layout l;
	struct screen_view v = {ISO_LANG_FR, false, 0, "", "", 0, 45, NULL, false, false, 0, 0, 0, SPEECH_SPEED_DEFAULT, SPEECH_VOLUME_DEFAULT, false};
	struct session s;
	struct operation *op = NULL;
	FILE *f;
	char *json;
	size_t len;
	int per = argc > 2 ? atoi(argv[2]) : 50, n = 0;
	double start = now_ms(), first, *t, t0;
	char cred[ISO_CREDENTIAL_LEN + 1];

	/* the first frame, as the kiosk draws it at start */
	if (TTF_Init() != 0 || (sf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32,
								     SDL_PIXELFORMAT_ARGB8888)) == NULL ||
	    (r = SDL_CreateSoftwareRenderer(sf)) == NULL ||
	    ui_open(&u, r, W, H, 4.5, UI_TEXT_DEFAULT, UI_THEME_DEFAULT) != ISO_OK)
		return 2;
	session_init(&s, 0);
	screen_draw(&u, &s, &v, &l);
	first = now_ms() - start;
	/* --first: the process ends at its first frame (timed from outside,
	 * exec and libraries included) */
	if (argc > 1 && strcmp(argv[1], "--first") == 0)
		return 0;

	if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	json = malloc(1 << 20);
	len = fread(json, 1, (1 << 20) - 1, f);
	fclose(f);
	if (operation_parse(json, len, &op, NULL) != ISO_OK)
		return 2;
	free(json);
	v.op = op;
	t = calloc((size_t)per * 16, sizeof *t);
	iso_credential_generate(cred);
#define FRAMES()                                                      \
	do {                                                          \
		double worst = 0;                                     \
		for (int i = 0; i < per; i++) {                       \
			t0 = now_ms();                                \
			screen_draw(&u, &s, &v, &l);                  \
			t[n] = now_ms() - t0;                         \
			worst = t[n] > worst ? t[n] : worst;          \
			n++;                                          \
		}                                                     \
		fprintf(stderr, "%s: worst %.2f ms\n",                \
			session_screen_name(s.screen), worst);        \
	} while (0)
	FRAMES(); /* welcome */
	session_start(&s);
	FRAMES();
	session_identify(&s, "elise", cred, "01/02/1980");
	FRAMES(); /* working */
	session_done_login(&s, ISO_OK, &lr, 0, NULL);
	session_poll_lists(&s, 0, 3, true);
	session_poll_lists(&s, 1, 3, true);
	FRAMES(); /* polls */
	session_choose_poll(&s, 0);
	session_touch(&s, 2);
	FRAMES(); /* choose */
	session_review(&s);
	FRAMES();
	session_to_validate(&s);
	FRAMES();
	session_validate(&s, cred);
	session_done_validate(&s, ISO_OK, "{}", 0, NULL);
	session_done_encrypt(&s, ISO_OK, "{}", "s0ABnC8xRUlVtGnOlqfjHk2cFOjqiWSsvxTr8nPRoiI");
	session_done_submit(&s, ISO_OK, "{}", 1796011757, NULL);
	session_done_confirm(&s, ISO_OK, NULL);
	FRAMES(); /* receipt, with its QR code */
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("{\"width\":%d,\"height\":%d,\"main_to_first_frame_ms\":%.1f,\"frames\":%d,"
	       "\"frame_p50_ms\":%.2f,\"frame_p99_ms\":%.2f,\"frame_max_ms\":%.2f,\"rss_max_kib\":%ld}\n",
	       W, H, first, n, t[n / 2], t[(n * 99) / 100], t[n - 1], rss_kib());
	session_wipe(&s);
	operation_free(op);
	free(t);
	ui_close(&u);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(sf);
	TTF_Quit();
	return 0;
}
