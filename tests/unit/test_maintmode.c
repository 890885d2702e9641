/* The kiosk's maintenance mode as a state machine (kiosk/maintmode.h;
 * R-D11-INTERV, R-C19-LOGS): no maintenance during a voter's session or
 * with a refused token; the PIN, three wrong ones lock it for 15 minutes
 * (the lock outlives the key); each tool asks its action, the report is
 * kept; every entry, refusal, action and exit is an event naming the
 * technician and the token; the key removed, the menu left, 10 idle
 * minutes or a restart end it; the PIN is wiped once submitted. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "maintmode.h"
#include "signature.h"

static const struct maint_kdf fast = {1, 8192, 1};

/* the events waiting, in order, as "name:outcome" separated by spaces */
static void take(struct maint_mode *m, char *out, size_t size)
{
	static const char *const oc[] = {"ok", "fail", "na"};
	struct mm_event ev[MM_EVENTS_MAX];
	int n = mm_take_events(m, ev, MM_EVENTS_MAX);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(out + strlen(out), size - strlen(out), "%s%s:%s", i ? " " : "",
			 kiosk_event_name(ev[i].ev), oc[ev[i].outcome]);
		CHECK(ev[i].ev == EV_MAINTENANCE_REFUSED || strstr(ev[i].detail, "technician=Jeanne Martin token=") != NULL);
	}
}

int main(void)
{
	EVP_PKEY *key = NULL;
	char *doc = NULL, got[1024];
	struct maint_token tok;
	struct maint_mode m;
	static const char *const one[] = {"poste-01"};
	int64_t t = 0;

	CHECK_ERR(signature_key_new(&key), ISO_OK);
	CHECK_ERR(maint_token_make(key, "Op", "Jeanne Martin", one, 1, "2026-12-01T07:00:00Z",
				   "2026-12-04T20:00:00Z", "135790", &fast, &doc),
		  ISO_OK);
	if (doc == NULL)
		return check_status();
	CHECK_ERR(config_parse_time("2026-12-02T10:00:00Z", &t), ISO_OK);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Op", "poste-01", t, &tok), ISO_OK);
	mm_init(&m);
	CHECK(!mm_active(&m));

	/* a voter's session: refused, said, nothing else reachable */
	mm_key_inserted(&m, ISO_OK, &tok, true, t);
	CHECK(m.screen == MM_REFUSED && m.refusal == ISO_E_MAINT_SESSION);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-refused:fail") == 0);
	mm_pin_digit(&m, '1', t);
	mm_open(&m, MM_NETWORK, t);
	CHECK(m.screen == MM_REFUSED && m.pin[0] == '\0');
	mm_key_removed(&m, t);
	CHECK(!mm_active(&m));
	take(&m, got, sizeof got);
	CHECK(got[0] == '\0'); /* no end: it never began */

	/* a refused token (expired, other post...): its reason kept */
	mm_key_inserted(&m, ISO_E_TOKEN_EXPIRED, NULL, false, t);
	CHECK(m.screen == MM_REFUSED && m.refusal == ISO_E_TOKEN_EXPIRED && !m.have_token);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-refused:fail") == 0);
	mm_key_removed(&m, t);

	/* the PIN: digits only, at most 12, erase; right → the menu */
	mm_key_inserted(&m, ISO_OK, &tok, false, t);
	CHECK(m.screen == MM_PIN);
	mm_pin_digit(&m, 'a', t);
	mm_pin_digit(&m, '1', t);
	mm_pin_erase(&m, t);
	for (const char *p = "135790"; *p; p++)
		mm_pin_digit(&m, *p, t);
	mm_pin_submit(&m, t);
	CHECK(m.screen == MM_MENU && m.pin[0] == '\0');
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-start:ok") == 0);

	/* a tool asks its action; back refused while it runs; the report */
	mm_open(&m, MM_NETWORK, t + 1);
	CHECK(m.screen == MM_NETWORK && m.action == MMA_NETWORK);
	mm_back(&m, t + 1);
	CHECK(m.screen == MM_NETWORK);
	mm_done(&m, false, "registre : injoignable");
	CHECK(m.action == MMA_NONE && !m.result_ok && strcmp(m.result, "registre : injoignable") == 0);
	mm_back(&m, t + 2);
	CHECK(m.screen == MM_MENU);
	mm_open(&m, MM_KEYBOARD, t + 3); /* a tool that only shows: journaled at once */
	mm_key_seen(&m, "Tab", t + 3);
	CHECK(strcmp(m.key_seen, "Tab") == 0);
	mm_back(&m, t + 3);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-action:fail maintenance-action:na") == 0);

	/* 10 idle minutes end it */
	mm_tick(&m, t + 3 + MM_IDLE_S - 1);
	CHECK(m.screen == MM_MENU);
	mm_tick(&m, t + 3 + MM_IDLE_S);
	CHECK(!mm_active(&m) && !m.have_token);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-end:ok") == 0);

	/* three wrong PINs lock it, even with the key pulled and plugged again */
	mm_key_inserted(&m, ISO_OK, &tok, false, t);
	for (int i = 0; i < MM_PIN_TRIES; i++) {
		mm_pin_digit(&m, '9', t);
		mm_pin_digit(&m, '9', t);
		mm_pin_submit(&m, t);
	}
	CHECK(m.screen == MM_REFUSED && m.refusal == ISO_E_MAINT_LOCKED);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-pin-failure:fail maintenance-pin-failure:fail "
			  "maintenance-pin-failure:fail maintenance-locked:fail") == 0);
	mm_key_removed(&m, t);
	mm_key_inserted(&m, ISO_OK, &tok, false, t + MM_LOCK_S - 1);
	CHECK(m.screen == MM_REFUSED && m.refusal == ISO_E_MAINT_LOCKED);
	mm_key_removed(&m, t);
	mm_key_inserted(&m, ISO_OK, &tok, false, t + MM_LOCK_S);
	CHECK(m.screen == MM_PIN && m.failures == 0);
	take(&m, got, sizeof got);

	/* a restart: the exit status, the end said; the key removed also ends */
	for (const char *p = "135790"; *p; p++)
		mm_pin_digit(&m, *p, t);
	mm_pin_submit(&m, t + MM_LOCK_S);
	mm_open(&m, MM_POWER, t + MM_LOCK_S);
	mm_power(&m, false, t + MM_LOCK_S);
	CHECK(!mm_active(&m) && m.exit_status == MM_EXIT_REBOOT);
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-start:ok maintenance-action:ok maintenance-end:ok") == 0);
	m.exit_status = 0;
	mm_key_inserted(&m, ISO_OK, &tok, false, t + MM_LOCK_S);
	for (const char *p = "135790"; *p; p++)
		mm_pin_digit(&m, *p, t);
	mm_pin_submit(&m, t + MM_LOCK_S);
	mm_key_removed(&m, t + MM_LOCK_S);
	CHECK(!mm_active(&m));
	take(&m, got, sizeof got);
	CHECK(strcmp(got, "maintenance-start:ok maintenance-end:ok") == 0);

	free(doc);
	EVP_PKEY_free(key);
	return check_status();
}
