/* What the two server programs share: the listeners of a configuration
 * ("<name>_listen = address:port", "<name>_ca"), the TLS identity, the
 * loop that ticks every second until SIGTERM, the ready file that tells a
 * supervisor (or a test) which ports were bound, and the clock. */
#ifndef ISOLOIR_SERVICE_H
#define ISOLOIR_SERVICE_H

#include <stdbool.h>

#include "clock.h"
#include "config.h"
#include "https.h"

/* "127.0.0.1:8443" or "[::1]:8443" */
enum iso_err service_parse_listen(const char *s, char *ret_addr, size_t addr_size,
				  unsigned short *ret_port);

/* The listener <name> of the configuration: ISO_OK with *ret_present false
 * when <name>_listen is absent and not required. need_ca: <name>_ca is
 * required (mutual TLS). Strings point into c. On error, *ret_key names the
 * faulty key. */
enum iso_err service_listener(const struct config *c, const char *name, bool required,
			      bool need_ca, struct https_config *ret, bool *ret_present,
			      char *addr_buf, size_t addr_size, const char **ret_key);

/* Run until SIGTERM or SIGINT, calling tick every second (errors are
 * logged by the caller's tick). */
void service_run(void (*tick)(void *arg), void *arg);

/* Write {"<name>": port, ...} to path atomically (names and ports arrays of
 * n entries). */
enum iso_err service_write_ready(const char *path, const char *const *names,
				 const unsigned short *ports, size_t n);

/* The clock of the process: the system's, or in test builds the time read
 * from the file $ISOLOIR_TEST_CLOCK_FILE when that is set. */
const struct iso_clock *service_clock(void);

/* `prog new-key PRIVATE PUBLIC`: a new P-256 signing key in two PEM
 * files (the private one 0600). The exit status. */
int service_new_key(const char *prog, const char *priv, const char *pub);
/* Log a configuration mistake, naming the line (line > 0) or the key;
 * returns 2, the exit status of a configuration refused. */
int service_config_error(const char *prog, const char *path, const char *key, int line,
			 enum iso_err err);
/* Log a line to stderr with the program's name. */
void service_log(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
