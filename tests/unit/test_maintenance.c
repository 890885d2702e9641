/* The technician's maintenance token (kiosk/maintenance.h; R-D11-INTERV:
 * only named staff intervene): made by the bureau, checked by the kiosk.
 * Valid, expired, not yet valid, for other kiosks, of another operation,
 * signed by another key, altered, truncated; the PIN right, wrong and
 * malformed; the refusals of the maker. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "maintenance.h"
#include "signature.h"

static const struct maint_kdf fast = {1, 8192, 1};
static const char *const two[] = {"poste-01", "poste-02"};

int main(void)
{
	EVP_PKEY *key = NULL, *other = NULL;
	char *doc = NULL, *all = NULL, *alien = NULL, *bad = NULL;
	struct maint_token t;
	int64_t from = 0, until = 0;
	const char *nb = "2026-12-01T07:00:00+01:00", *na = "2026-12-04T20:00:00+01:00";

	CHECK_ERR(signature_key_new(&key), ISO_OK);
	CHECK_ERR(signature_key_new(&other), ISO_OK);
	CHECK_ERR(config_parse_time(nb, &from), ISO_OK);
	CHECK_ERR(config_parse_time(na, &until), ISO_OK);
	CHECK_ERR(maint_token_make(key, "Élections CSE 2026", "Jeanne Martin", two, 2, nb, na,
				   "20261204", &fast, &doc),
		  ISO_OK);
	if (doc == NULL)
		return check_status();

	/* valid: the technician named, the PIN right */
	memset(&t, 0, sizeof t);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-02",
				    from + 60, &t),
		  ISO_OK);
	CHECK(strcmp(t.technician, "Jeanne Martin") == 0);
	CHECK(strlen(t.id) == 32 && !t.all_kiosks);
	CHECK(t.not_before == from && t.not_after == until);
	CHECK_ERR(maint_pin_check(&t, "20261204"), ISO_OK);
	CHECK_ERR(maint_pin_check(&t, "20261205"), ISO_E_WRONG_PIN);
	CHECK_ERR(maint_pin_check(&t, "2026120"), ISO_E_WRONG_PIN);
	CHECK_ERR(maint_pin_check(&t, "2026-12-04"), ISO_E_WRONG_PIN);
	CHECK_ERR(maint_pin_check(&t, ""), ISO_E_WRONG_PIN);

	/* the window, to the second */
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-01", from,
				    &t),
		  ISO_OK);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-01",
				    from - 1, &t),
		  ISO_E_TOKEN_NOT_YET);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-01", until,
				    &t),
		  ISO_OK);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-01",
				    until + 1, &t),
		  ISO_E_TOKEN_EXPIRED);
	/* another kiosk, another operation, another key */
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2026", "poste-03",
				    from + 60, &t),
		  ISO_E_TOKEN_OTHER_KIOSK);
	CHECK_ERR(maint_token_check(key, doc, strlen(doc), "Élections CSE 2027", "poste-01",
				    from + 60, &t),
		  ISO_E_TOKEN_OTHER_OPERATION);
	CHECK_ERR(maint_token_check(other, doc, strlen(doc), "Élections CSE 2026", "poste-01",
				    from + 60, &t),
		  ISO_E_BAD_SIGNATURE);
	/* altered: a name changed, the kiosks widened; truncated; not JSON */
	bad = strdup(doc);
	if (bad != NULL) {
		char *p = strstr(bad, "Jeanne");
		if (p != NULL)
			p[0] = 'X';
		CHECK_ERR(maint_token_check(key, bad, strlen(bad), "Élections CSE 2026", "poste-01",
					    from + 60, &t),
			  ISO_E_BAD_SIGNATURE);
		strcpy(bad, doc);
		p = strstr(bad, "poste-02");
		if (p != NULL)
			p[7] = '3';
		CHECK_ERR(maint_token_check(key, bad, strlen(bad), "Élections CSE 2026", "poste-03",
					    from + 60, &t),
			  ISO_E_BAD_SIGNATURE);
		CHECK_ERR(maint_token_check(key, doc, strlen(doc) / 2, "Élections CSE 2026",
					    "poste-01", from + 60, &t),
			  ISO_E_TOKEN);
	}
	CHECK_ERR(maint_token_check(key, "{}", 2, "Élections CSE 2026", "poste-01", from + 60, &t),
		  ISO_E_TOKEN);
	CHECK_ERR(maint_token_check(key, "", 0, "Élections CSE 2026", "poste-01", from + 60, &t),
		  ISO_E_TOKEN);

	/* every kiosk */
	CHECK_ERR(maint_token_make(key, "Élections CSE 2026", "Paul Roux", NULL, 0, nb, na,
				   "123456", &fast, &all),
		  ISO_OK);
	if (all != NULL) {
		CHECK(strstr(all, "\"kiosks\":[\"*\"]") != NULL);
		CHECK_ERR(maint_token_check(key, all, strlen(all), "Élections CSE 2026", "poste-77",
					    from + 60, &t),
			  ISO_OK);
		CHECK(t.all_kiosks);
	}
	/* signed by the right key but not a token's shape: refused as such */
	{
		json_t *pl = json_pack("{s:s}", "format", MAINT_TOKEN_FORMAT);
		CHECK_ERR(signature_sign_new(key, pl, &alien), ISO_OK);
		if (alien != NULL)
			CHECK_ERR(maint_token_check(key, alien, strlen(alien), "Élections CSE 2026",
						    "poste-01", from + 60, &t),
				  ISO_E_TOKEN);
	}

	/* what the bureau refuses to make */
	{
		char *x = NULL;
		CHECK_ERR(maint_token_make(key, "Op", "A", two, 2, nb, na, "12345", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "A", two, 2, nb, na, "12a456", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "A", two, 2, na, nb, "123456", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "A", two, 2, "2026-11-01T00:00:00Z", na,
					   "123456", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "", two, 2, nb, na, "123456", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "A", (const char *const[]){"*"}, 1, nb, na,
					   "123456", &fast, &x),
			  ISO_E_INVALID_ARG);
		CHECK_ERR(maint_token_make(key, "Op", "A", two, 2, nb, na, "123456",
					   &(struct maint_kdf){1, 1024, 1}, &x),
			  ISO_E_INVALID_ARG);
		CHECK(x == NULL);
	}
	free(doc);
	free(all);
	free(alien);
	free(bad);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	return check_status();
}
