/* The kiosk's session state machine, without a window or a network: the
 * whole vote of one poll and its failures, the password at validation
 * (R-VOTE-02), every poll of the voter (R-VOTE-01), overvotes refused
 * with a notice and never swapped silently, a choice changeable until
 * validation (R-D11-SCREEN), the idle watch and the wipe, a USB alert
 * pausing the session, the receipt closing by itself but never an error,
 * a security alert that never goes on, no session outside the vote's
 * hours, no poll left unvoted without a word; and after each step, no secret
 * left in the session's memory. */
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "credential.h"
#include "session.h"

static int has(const struct session *s, const char *needle)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= sizeof *s; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	for (const char *t = s->ticket; t != NULL && (t = strstr(t, needle)) != NULL;)
		return 1;
	for (const char *t = s->ballot; t != NULL && (t = strstr(t, needle)) != NULL;)
		return 1;
	return 0;
}

static const char *const uuids[] = {"SnxnqSEeeTKnsV", "MZwvPyzaK6BR47", "Xyz123Def456Gh"};
static const char *const names[] = {"Comité social", "Délégués", "Commission"};

static void login_ok(struct session *s, const enum session_poll_state states[3])
{
	struct session_login_result r = {"tok-0123456789", "Élise Lefèvre", 3, uuids, names, states};
	session_done_login(s, ISO_OK, &r, 0, NULL);
}

int main(void)
{
	struct session s;
	char cred[ISO_CREDENTIAL_LEN + 1], bad[ISO_CREDENTIAL_LEN + 1], ver[ISO_B64_HASH_LEN + 1],
		pt[64];
	const enum session_poll_state states[3] = {POLL_TO_VOTE, POLL_VOTED, POLL_TO_VOTE};
	int64_t t = 1000;

	CHECK_ERR(iso_credential_generate(cred), ISO_OK);
	memcpy(bad, cred, sizeof bad);
	bad[0] = bad[0] == 'a' ? 'b' : 'a'; /* the checksum no longer matches */
	CHECK_ERR(iso_registry_verifier("elise", cred, ver), ISO_OK);

	session_init(&s, t);
	CHECK(s.screen == SCREEN_WELCOME);
	/* nothing but the start leaves the welcome screen */
	session_identify(&s, "elise", cred, "01/02/1980");
	CHECK(s.screen == SCREEN_WELCOME && s.action == ACTION_NONE);
	session_start(&s);
	CHECK(s.screen == SCREEN_IDENTIFY);

	/* identification: empty fields, a password whose checksum is wrong,
	 * each said at once; then the login's verifier, the password gone */
	session_identify(&s, "elise", cred, "");
	CHECK(s.notice == NOTICE_EMPTY_FIELD && s.action == ACTION_NONE);
	session_identify(&s, "elise", bad, "01/02/1980");
	CHECK(s.notice == NOTICE_BAD_PASSWORD && s.action == ACTION_NONE);
	session_identify(&s, "elise", cred, "01/02/1980");
	CHECK(s.action == ACTION_LOGIN && s.screen == SCREEN_WORKING && s.notice == NOTICE_NONE);
	CHECK(strcmp(s.verifier, ver) == 0 && strcmp(s.answer, "01/02/1980") == 0);
	CHECK(!has(&s, cred));

	/* a refused login: the secrets wiped, back to the form */
	session_done_login(&s, ISO_E_LOGIN_FAILED, NULL, 0, "identifiant, mot de passe…");
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_LOGIN && s.action == ACTION_NONE);
	CHECK(!has(&s, ver) && s.answer[0] == '\0');
	session_back(&s);
	CHECK(s.screen == SCREEN_IDENTIFY);
	/* locked: the delay kept for the screen */
	session_identify(&s, "elise", cred, "01/02/1980");
	session_done_login(&s, ISO_E_LOCKED_OUT, NULL, 42, NULL);
	CHECK(s.problem == PROBLEM_LOCKED && s.retry_after == 42);
	session_back(&s);
	/* an outcome nobody asked for is ignored */
	login_ok(&s, states);
	CHECK(s.screen == SCREEN_IDENTIFY && s.token[0] == '\0');

	session_identify(&s, "elise", cred, "01/02/1980");
	login_ok(&s, states);
	CHECK(s.screen == SCREEN_POLLS && s.npolls == 3 && strcmp(s.name, "Élise Lefèvre") == 0);
	CHECK(!has(&s, ver) && s.answer[0] == '\0');

	/* R-VOTE-01: the polls; a voted one is not opened again; a poll
	 * opens once its lists are known */
	session_choose_poll(&s, 1);
	CHECK(s.screen == SCREEN_POLLS);
	session_choose_poll(&s, 0);
	CHECK(s.screen == SCREEN_POLLS);
	session_poll_lists(&s, 0, 3, true);
	session_poll_lists(&s, 2, 2, false);
	session_choose_poll(&s, 0);
	CHECK(s.screen == SCREEN_CHOOSE && s.current == 0);

	/* R-D11-SCREEN: one list or blank; an overvote is refused with a
	 * notice and nothing changes; a choice is undone by touching it */
	session_touch(&s, 2);
	CHECK(s.polls[0].choice == 2);
	session_touch(&s, 3);
	CHECK(s.notice == NOTICE_OVERVOTE && s.polls[0].choice == 2);
	session_touch(&s, 0);
	CHECK(s.notice == NOTICE_OVERVOTE && s.polls[0].choice == 2);
	session_touch(&s, 4); /* no such list */
	CHECK(s.polls[0].choice == 2);
	session_touch(&s, 2);
	CHECK(s.polls[0].choice == -1 && s.notice == NOTICE_NONE);
	session_review(&s);
	CHECK(s.screen == SCREEN_CHOOSE && s.notice == NOTICE_NO_CHOICE);
	session_touch(&s, 0);
	session_review(&s);
	CHECK(s.screen == SCREEN_REVIEW);
	CHECK(session_plaintext(&s, pt, sizeof pt) && strcmp(pt, "[[1,0,0,0]]") == 0);
	/* changeable until validation */
	session_change(&s);
	CHECK(s.screen == SCREEN_CHOOSE && s.polls[0].choice == 0);
	session_touch(&s, 0);
	session_touch(&s, 1);
	session_review(&s);
	session_to_validate(&s);
	CHECK(s.screen == SCREEN_VALIDATE);
	session_back(&s);
	CHECK(s.screen == SCREEN_REVIEW);
	session_to_validate(&s);

	/* R-VOTE-02: the password again */
	session_validate(&s, bad);
	CHECK(s.notice == NOTICE_BAD_PASSWORD && s.action == ACTION_NONE && s.credential[0] == '\0');
	session_validate(&s, cred);
	CHECK(s.action == ACTION_VALIDATE && strcmp(s.verifier, ver) == 0);
	session_done_validate(&s, ISO_E_LOGIN_FAILED, NULL, 0, NULL);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_PASSWORD);
	CHECK(!has(&s, cred) && !has(&s, ver));
	session_back(&s);
	CHECK(s.screen == SCREEN_VALIDATE);
	session_validate(&s, cred);
	session_done_validate(&s, ISO_OK, "{\"payload\":{\"nonce\":\"n\"},\"signature\":\"s\"}", 0,
			      NULL);
	CHECK(s.action == ACTION_ENCRYPT && strcmp(s.credential, cred) == 0 && !has(&s, ver));
	CHECK(session_plaintext(&s, pt, sizeof pt) && strcmp(pt, "[[0,1,0,0]]") == 0);
	session_done_encrypt(&s, ISO_OK, "{\"ballot\":1}", "TRACKER-1");
	CHECK(s.action == ACTION_SUBMIT && !has(&s, cred) && strcmp(s.polls[0].tracker, "TRACKER-1") == 0);

	/* the network lost: "try again" sends the same ballot */
	session_done_submit(&s, ISO_E_NETWORK, NULL, 0, NULL);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_NETWORK && s.ballot != NULL);
	/* an error screen never closes by itself */
	session_tick(&s, t + 40);
	CHECK(s.screen == SCREEN_ERROR);
	session_retry(&s);
	CHECK(s.action == ACTION_SUBMIT && s.ballot != NULL && strcmp(s.ballot, "{\"ballot\":1}") == 0);
	session_done_submit(&s, ISO_OK, "{\"payload\":{},\"signature\":\"r\"}", 1234, NULL);
	CHECK(s.action == ACTION_CONFIRM && s.ballot == NULL && s.ticket == NULL);
	CHECK(s.polls[0].state == POLL_PENDING && s.polls[0].receipt_time == 1234);
	session_done_confirm(&s, ISO_OK, NULL);
	CHECK(s.screen == SCREEN_RECEIPT && s.polls[0].state == POLL_VOTED && s.receipt == NULL);

	/* the receipt closes by itself: on to the poll left */
	t += 100;
	session_activity(&s, t);
	session_tick(&s, t + 29);
	CHECK(s.screen == SCREEN_RECEIPT);
	session_tick(&s, t + 31);
	CHECK(s.screen == SCREEN_POLLS && s.current == -1);

	/* the idle watch: "still voting?", yes, then no answer: wiped */
	t += 100;
	session_activity(&s, t);
	session_choose_poll(&s, 2);
	CHECK(s.screen == SCREEN_CHOOSE);
	session_touch(&s, 0); /* no blank in this poll */
	CHECK(s.polls[2].choice == -1);
	session_touch(&s, 2);
	session_tick(&s, t + SESSION_IDLE_S - 1);
	CHECK(s.screen == SCREEN_CHOOSE);
	session_tick(&s, t + SESSION_IDLE_S);
	CHECK(s.screen == SCREEN_STILL_THERE);
	session_activity(&s, t + SESSION_IDLE_S + 5);
	CHECK(s.screen == SCREEN_CHOOSE && s.polls[2].choice == 2);
	CHECK(session_plaintext(&s, pt, sizeof pt) && strcmp(pt, "[[0,1]]") == 0);

	/* a USB device: the session pauses; the voter's acts wait */
	session_usb(&s, true);
	CHECK(s.screen == SCREEN_PAUSED);
	session_touch(&s, 2);
	session_review(&s);
	CHECK(s.polls[2].choice == 2 && s.screen == SCREEN_PAUSED);
	session_usb(&s, false);
	CHECK(s.screen == SCREEN_CHOOSE);

	t += 1000;
	session_activity(&s, t);
	session_tick(&s, t + SESSION_IDLE_S);
	CHECK(s.screen == SCREEN_STILL_THERE);
	session_tick(&s, t + SESSION_IDLE_S + SESSION_COUNTDOWN_S);
	CHECK(s.action == ACTION_LOGOUT && s.screen == SCREEN_WORKING);
	session_done_logout(&s);
	CHECK(s.screen == SCREEN_WELCOME && s.action == ACTION_NONE && s.npolls == 0);
	CHECK(!has(&s, "elise") && !has(&s, "Élise") && !has(&s, "tok-0123456789") &&
	      !has(&s, "TRACKER-1") && !has(&s, uuids[0]));

	/* a security alert never goes on: the session ends */
	session_start(&s);
	session_identify(&s, "elise", cred, "01/02/1980");
	login_ok(&s, (const enum session_poll_state[3]){POLL_TO_VOTE, POLL_TO_VOTE, POLL_TO_VOTE});
	session_poll_lists(&s, 1, 3, true);
	session_choose_poll(&s, 1);
	session_touch(&s, 3);
	session_review(&s);
	session_to_validate(&s);
	session_validate(&s, cred);
	session_done_validate(&s, ISO_OK, "{}", 0, NULL);
	/* a USB alert while encrypting: the outcome comes, the pause stays */
	session_usb(&s, true);
	session_done_encrypt(&s, ISO_OK, "{\"b\":2}", "TRACKER-2");
	CHECK(s.screen == SCREEN_PAUSED && s.action == ACTION_SUBMIT);
	session_done_submit(&s, ISO_E_PIN_MISMATCH, NULL, 0, NULL);
	CHECK(s.screen == SCREEN_PAUSED);
	session_usb(&s, false);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_SECURITY);
	session_retry(&s);
	CHECK(s.action == ACTION_NONE && s.screen == SCREEN_ERROR);
	session_back(&s);
	CHECK(s.action == ACTION_LOGOUT);
	session_done_logout(&s);
	CHECK(s.screen == SCREEN_WELCOME);

	/* already voted elsewhere (the urn knows the credential) */
	session_start(&s);
	session_identify(&s, "elise", cred, "01/02/1980");
	login_ok(&s, (const enum session_poll_state[3]){POLL_VOTED, POLL_PENDING, POLL_VOTED});
	session_poll_lists(&s, 1, 3, true);
	session_choose_poll(&s, 1);
	CHECK(s.screen == SCREEN_CHOOSE);
	session_touch(&s, 1);
	session_review(&s);
	session_to_validate(&s);
	session_validate(&s, cred);
	session_done_validate(&s, ISO_OK, "{}", 0, NULL);
	session_done_encrypt(&s, ISO_OK, "{\"b\":3}", "TRACKER-3");
	session_done_submit(&s, ISO_E_CREDENTIAL_USED, NULL, 0, "déjà voté");
	CHECK(s.problem == PROBLEM_ALREADY_VOTED && s.polls[1].state == POLL_VOTED && s.ballot == NULL);
	session_back(&s);
	CHECK(s.screen == SCREEN_POLLS);
	/* every poll voted: the end, then quit */
	session_next(&s);
	CHECK(s.screen == SCREEN_END);
	session_next(&s);
	CHECK(s.action == ACTION_LOGOUT);
	session_done_logout(&s);
	CHECK(s.screen == SCREEN_WELCOME);
	session_wipe(&s);
	/* "finish" with polls still to vote: said once, the second leaves */
	session_init(&s, 7000);
	session_start(&s);
	session_identify(&s, "elise", cred, "01/02/1980");
	login_ok(&s, states);
	CHECK(s.screen == SCREEN_POLLS);
	session_next(&s);
	CHECK(s.screen == SCREEN_POLLS && s.notice == NOTICE_POLLS_LEFT);
	session_poll_lists(&s, 0, 3, true);
	session_choose_poll(&s, 0);
	CHECK(s.screen == SCREEN_CHOOSE && s.notice == NOTICE_NONE);
	session_back(&s);
	session_next(&s);
	CHECK(s.screen == SCREEN_POLLS && s.notice == NOTICE_POLLS_LEFT);
	session_next(&s);
	CHECK(s.screen == SCREEN_END && s.notice == NOTICE_NONE);
	session_wipe(&s);

	/* the vote's hours: before the opening and from the closing, no
	 * session starts, the voter is told so and is back at welcome; the
	 * hours outlive every wipe */
	session_init(&s, 5000);
	session_set_hours(&s, 6000, 9000);
	session_start(&s);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_CLOSED && s.action == ACTION_NONE);
	session_back(&s);
	CHECK(s.screen == SCREEN_WELCOME && s.opening == 6000 && s.closing == 9000);
	session_tick(&s, 6000);
	session_start(&s);
	CHECK(s.screen == SCREEN_IDENTIFY);
	session_wipe(&s);
	CHECK(s.opening == 6000 && s.closing == 9000);
	session_tick(&s, 9000);
	session_start(&s);
	CHECK(s.screen == SCREEN_ERROR && s.problem == PROBLEM_CLOSED);
	session_wipe(&s);
	return check_status();
}
