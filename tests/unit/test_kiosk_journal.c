/* The kiosk's journal (R-C19-LOGS): events appended as chained JSON lines,
 * the chain continued after a restart, a changed or removed line found at
 * its place, and the NIST SP 1500-101 export of the events in order; an
 * event is only its type, outcome, time and kiosk (R-C19-LINK). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/check.h"
#include "kiosk_journal.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b = calloc(1, 1 << 16);
	if (f != NULL) {
		size_t n = fread(b, 1, (1 << 16) - 1, f);
		b[n] = '\0';
		fclose(f);
	}
	return b;
}

static void write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	fputs(s, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/isoloir-test-kjournal.XXXXXX", path[256], *text, *nist = NULL, *p;
	struct kiosk_journal *j = NULL;
	int64_t n = 0, bad = 0;
	json_t *o, *events;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/journal.jsonl", dir);
	CHECK_ERR(kiosk_journal_open(path, "kiosk 042", &j), ISO_E_INVALID_ARG);
	CHECK_ERR(kiosk_journal_open(path, "kiosk-042", &j), ISO_OK);
	CHECK_ERR(kiosk_journal_add(j, EV_KIOSK_START, OUTCOME_SUCCESS, 1796000000), ISO_OK);
	CHECK_ERR(kiosk_journal_add(j, EV_SESSION_START, OUTCOME_NA, 1796000010), ISO_OK);
	CHECK_ERR(kiosk_journal_add(j, EV_LOGIN, OUTCOME_FAILURE, 1796000020), ISO_OK);
	CHECK_ERR(kiosk_journal_add(j, (enum kiosk_event)999, OUTCOME_NA, 1796000020),
		  ISO_E_INVALID_ARG);
	kiosk_journal_close(j);
	/* a restart continues the chain */
	CHECK_ERR(kiosk_journal_open(path, "kiosk-042", &j), ISO_OK);
	CHECK_ERR(kiosk_journal_add(j, EV_USB_ALERT, OUTCOME_NA, 1796000030), ISO_OK);
	kiosk_journal_close(j);
	CHECK_ERR(kiosk_journal_verify(path, &n, &bad), ISO_OK);
	CHECK(n == 4);

	text = read_all(path);
	CHECK(strstr(text, "\"event\":\"login\",\"time\":\"2026-11-30T") != NULL);
	/* the NIST SP 1500-101 form */
	CHECK_ERR(kiosk_journal_export_nist(path, "kiosk-042", &nist), ISO_OK);
	o = json_loads(nist != NULL ? nist : "", 0, NULL);
	events = json_object_get(json_array_get(json_object_get(json_object_get(o, "ElectionEventLog"),
								"Device"),
						0),
				 "Event");
	CHECK(json_array_size(events) == 4);
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(events, 2), "Disposition")),
		     "failure") == 0);
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(events, 3), "Sequence")),
		     "4") == 0);
	json_decref(o);
	free(nist);

	/* a line changed: found at its place */
	p = strstr(text, "\"outcome\":\"failure\"");
	if (p != NULL) {
		char *changed = strdup(text);
		memcpy(changed + (p - text) + 11, "success", 7);
		write_all(path, changed);
		CHECK_ERR(kiosk_journal_verify(path, &n, &bad), ISO_E_JOURNAL_BROKEN);
		CHECK(bad == 3);
		CHECK_ERR(kiosk_journal_open(path, "kiosk-042", &j), ISO_E_JOURNAL_BROKEN);
		free(changed);
	}
	/* a line removed */
	{
		char *removed = strdup(text), *second = strchr(removed, '\n') + 1,
		     *third = strchr(second, '\n') + 1;
		memmove(second, third, strlen(third) + 1);
		write_all(path, removed);
		CHECK_ERR(kiosk_journal_verify(path, &n, &bad), ISO_E_JOURNAL_BROKEN);
		CHECK(bad == 2);
		free(removed);
	}
	free(text);
	unlink(path);
	rmdir(dir);
	return check_status();
}
