/* Fuzz target: operation.json as a kiosk reads it (kiosk/operation.h).
 * Whatever the input: either a well-formed operation (at least one poll,
 * each with a parsed election of one question whose answers are the
 * lists, endpoints with a URL and a pin, unique uuids) or ISO_E_CONFIG
 * with a poll and list number within the input's and a message in both
 * languages. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "operation.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct operation *op = NULL;
	struct operation_where w;
	char msg[512];
	enum iso_err err = operation_parse((const char *)data, size, &op, &w);
	if (err != ISO_OK) {
		if (err != ISO_E_CONFIG || op != NULL || w.poll > OPERATION_POLLS_MAX ||
		    w.list > OPERATION_LISTS_MAX)
			abort();
		for (int lang = 0; lang < 2; lang++) {
			operation_where_format(&w, err, (enum iso_lang)lang, msg, sizeof msg);
			if (msg[0] == '\0')
				abort();
		}
		return 0;
	}
	if (op->npolls == 0 || op->registry.primary.url[0] == '\0' ||
	    strlen(op->registry.primary.pin) != NET_PIN_LEN)
		abort();
	for (size_t i = 0; i < op->npolls; i++) {
		const struct operation_poll *p = &op->polls[i];
		if (p->election == NULL || p->election->nquestions != 1 ||
		    p->nlists != p->election->questions[0].nanswers ||
		    strcmp(p->uuid, p->election->uuid) != 0 || operation_poll(op, p->uuid) != p)
			abort();
		for (size_t k = 0; k < p->nlists; k++)
			if (strcmp(p->lists[k].name, p->election->questions[0].answers[k]) != 0 ||
			    p->lists[k].ncandidates == 0)
				abort();
	}
	operation_free(op);
	return 0;
}
