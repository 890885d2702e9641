/* Fuzz target: the servers' configuration files, and the values read from
 * them (times, integers, listen addresses). Whatever parses gives back, for
 * each key, the value it was given; nothing reads out of bounds. The same
 * bytes as the registry's polls file (registry-polls.json): parsed, each
 * poll is well formed and unique; refused, the poll at fault is one of the
 * file's. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "election.h"
#include "fuzz.h"
#include "registry_polls.h"
#include "service.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void polls_file(const uint8_t *data, size_t size)
{
	struct registry_polls *ps = NULL;
	const char *field = NULL;
	size_t at = 0;
	if (registry_polls_parse((const char *)data, size, "/etc/isoloir", &ps, &at, &field) !=
	    ISO_OK) {
		if (ps != NULL || at > size)
			abort();
		return;
	}
	if (ps->n == 0 || at != 0)
		abort();
	for (size_t i = 0; i < ps->n; i++) {
		if (!iso_uuid_check(ps->v[i].uuid) || !registry_text_ok(ps->v[i].name, 1 << 20) ||
		    ps->key_paths[i] == NULL || ps->v[i].receipt_key != NULL)
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(ps->v[k].uuid, ps->v[i].uuid) == 0)
				abort();
	}
	registry_polls_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	polls_file(data, size);
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
