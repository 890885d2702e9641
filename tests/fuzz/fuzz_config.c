/* Fuzz target: the servers' configuration files, and the values read from
 * them (times, integers, listen addresses). Whatever parses gives back, for
 * each key, the value it was given; nothing reads out of bounds. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "service.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"opening", "closing", "grace", "kiosk_listen",
					   "database", "a", NULL};
	struct config *c = NULL;
	int line = 0;
	if (config_parse((const char *)data, size, &c, &line) != ISO_OK) {
		if (line < 0 || (size_t)line > size + 1)
			abort();
		return 0;
	}
	for (size_t i = 0; keys[i] != NULL; i++) {
		const char *v = config_get(c, keys[i]), *s;
		int64_t t;
		char addr[64];
		unsigned short port;
		if (v == NULL)
			continue;
		if (strlen(v) > size)
			abort();
		config_get_time(c, keys[i], 0, &t);
		config_get_int(c, keys[i], -5, 5, 0, &t);
		if (config_get_string(c, keys[i], &s) == ISO_OK && strcmp(s, v) != 0)
			abort();
		if (service_parse_listen(v, addr, sizeof addr, &port) == ISO_OK &&
		    strlen(addr) >= sizeof addr)
			abort();
	}
	{
		const char *bad = NULL;
		if (config_check_keys(c, keys, &bad) != ISO_OK && config_get(c, bad) == NULL)
			abort();
	}
	config_free(c);
	return 0;
}
