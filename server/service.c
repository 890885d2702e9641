/* The life of a server process (see service.h). Logs go to stderr (the
 * journal of systemd keeps them); they never carry a vote or a secret. */
#include "service.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "signature.h"

enum iso_err service_parse_listen(const char *s, char *ret_addr, size_t addr_size,
				  unsigned short *ret_port)
{
	const char *colon, *ab, *ae;
	char *end;
	unsigned long port;
	if (s[0] == '[') {
		ae = strchr(s, ']');
		if (ae == NULL || ae[1] != ':')
			return ISO_E_CONFIG;
		ab = s + 1;
		colon = ae + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return ISO_E_CONFIG;
		ab = s;
		ae = colon;
	}
	if (ae == ab || (size_t)(ae - ab) >= addr_size || colon[1] == '\0')
		return ISO_E_CONFIG;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port > 65535 || colon[1] == '-' || colon[1] == '+')
		return ISO_E_CONFIG;
	memcpy(ret_addr, ab, (size_t)(ae - ab));
	ret_addr[ae - ab] = '\0';
	*ret_port = (unsigned short)port;
	return ISO_OK;
}

enum iso_err service_listener(const struct config *c, const char *name, bool required,
			      bool need_ca, struct https_config *ret, bool *ret_present,
			      char *addr_buf, size_t addr_size, const char **ret_key)
{
	static char key[4][80]; /* names for error messages, per kind */
	struct https_config h = {0};
	const char *listen;
	int64_t v;
	snprintf(key[0], sizeof key[0], "%s_listen", name);
	snprintf(key[1], sizeof key[1], "%s_ca", name);
	listen = config_get(c, key[0]);
	if (listen == NULL) {
		*ret_key = key[0];
		if (required)
			return ISO_E_CONFIG;
		*ret_present = false;
		return ISO_OK;
	}
	*ret_key = key[0];
	if (service_parse_listen(listen, addr_buf, addr_size, &h.port) != ISO_OK)
		return ISO_E_CONFIG;
	h.address = addr_buf;
	*ret_key = "tls_cert";
	if (config_get_string(c, "tls_cert", &h.cert_path) != ISO_OK)
		return ISO_E_CONFIG;
	*ret_key = "tls_key";
	if (config_get_string(c, "tls_key", &h.key_path) != ISO_OK)
		return ISO_E_CONFIG;
	h.client_ca_path = config_get(c, key[1]);
	*ret_key = key[1];
	if (need_ca && h.client_ca_path == NULL)
		return ISO_E_CONFIG;
	*ret_key = "max_body";
	if (config_get_int(c, "max_body", 1024, 64 << 20, 256 * 1024, &v) != ISO_OK)
		return ISO_E_CONFIG;
	h.max_body = (size_t)v;
	*ret_key = "timeout";
	if (config_get_int(c, "timeout", 1, 3600, 30, &v) != ISO_OK)
		return ISO_E_CONFIG;
	h.timeout_s = (unsigned)v;
	*ret_key = "max_connections";
	if (config_get_int(c, "max_connections", 1, 65536, 512, &v) != ISO_OK)
		return ISO_E_CONFIG;
	h.max_connections = (unsigned)v;
	*ret = h;
	*ret_present = true;
	return ISO_OK;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

void service_run(void (*tick)(void *arg), void *arg)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!stopping) {
		struct timespec ts = {0, 200 * 1000 * 1000};
		static int n;
		nanosleep(&ts, NULL);
		if (++n % 5 == 0 || stopping)
			tick(arg);
	}
}

enum iso_err service_write_ready(const char *path, const char *const *names,
				 const unsigned short *ports, size_t n)
{
	json_t *o = json_object();
	char tmp[4096];
	enum iso_err err = ISO_OK;
	if (o == NULL)
		return ISO_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, names[i], json_integer(ports[i]));
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (json_dump_file(o, tmp, JSON_COMPACT) != 0 || rename(tmp, path) != 0)
		err = ISO_E_IO;
	json_decref(o);
	return err;
}

#ifdef ISOLOIR_TEST_CLOCK
/* Test builds only: the time is the integer in the file (a test moves it
 * across the closing and the grace); the system's when the file is absent. */
static int64_t file_clock(void *arg)
{
	FILE *f = fopen(arg, "r");
	long long t = 0;
	if (f == NULL)
		return (int64_t)time(NULL);
	if (fscanf(f, "%lld", &t) != 1)
		t = (long long)time(NULL);
	fclose(f);
	return (int64_t)t;
}
#endif

const struct iso_clock *service_clock(void)
{
#ifdef ISOLOIR_TEST_CLOCK
	static struct iso_clock c;
	const char *path = getenv("ISOLOIR_TEST_CLOCK_FILE");
	if (path != NULL && path[0] != '\0') {
		c.now = file_clock;
		c.arg = (void *)path;
		return &c;
	}
#endif
	return NULL;
}

void service_log(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int service_new_key(const char *prog, const char *priv, const char *pub)
{
	EVP_PKEY *k = NULL;
	enum iso_err err = signature_key_new(&k);
	if (err == ISO_OK && (err = signature_key_write(k, priv, 1)) == ISO_OK)
		err = signature_key_write(k, pub, 0);
	EVP_PKEY_free(k);
	if (err != ISO_OK) {
		service_log(prog, "%s", iso_strerror(err, iso_lang_from_env()));
		return 1;
	}
	return 0;
}

int service_config_error(const char *prog, const char *path, const char *key, int line,
			 enum iso_err err)
{
	if (line > 0)
		service_log(prog, "%s, line %d: %s", path, line, iso_strerror(err, ISO_LANG_EN));
	else
		service_log(prog, "%s: %s%s%s", path, key != NULL ? key : "",
			    key != NULL ? ": " : "", iso_strerror(err, ISO_LANG_EN));
	return 2;
}
