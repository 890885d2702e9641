/* Fuzz target: the operation's description (bureau/opdesc.h), what the
 * bureau gives "operation init". Whatever the input: either a description
 * that keeps every rule (polls with lists, codes unique across polls and
 * colleges, the hours in order, a bureau of at least four with one
 * president, each délégué's list found) or ISO_E_CONFIG with a reason and
 * a message in both languages, terminated even in a small buffer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "opdesc.h"
#include "voterscsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opdesc *d = NULL;
	struct opdesc_where w;
	size_t presidents = 0, at;
	bool college;
	enum iso_err err = opdesc_parse((const char *)data, size, &d, &w);
	if (err != ISO_OK) {
		char msg[512], small[7];
		if (err == ISO_E_NOMEM)
			return 0;
		if (err != ISO_E_CONFIG || d != NULL || w.fault == OPDESC_OK ||
		    w.poll > OPDESC_POLLS_MAX || w.member > OPDESC_MEMBERS_MAX)
			abort();
		for (int lang = 0; lang < 2; lang++) {
			opdesc_where_format(&w, (enum iso_lang)lang, msg, sizeof msg);
			opdesc_where_format(&w, (enum iso_lang)lang, small, sizeof small);
			if (msg[0] == '\0' || memchr(small, '\0', sizeof small) == NULL)
				abort();
		}
		return 0;
	}
	if (d->npolls == 0 || d->closing <= d->opening || d->nmembers < 4)
		abort();
	for (size_t p = 0; p < d->npolls; p++) {
		const struct opdesc_poll *pl = &d->polls[p];
		if (!voters_csv_code_check(pl->code) || !opdesc_code(d, pl->code, &at, &college) ||
		    college || at != p || pl->nlists == 0 || pl->seats == 0)
			abort();
		for (size_t c = 0; c < pl->ncolleges; c++)
			if (!opdesc_code(d, pl->colleges[c], &at, &college) || !college)
				abort();
		for (size_t l = 0; l < pl->nlists; l++)
			if (pl->lists[l].ncandidates == 0 || pl->lists[l].profession_path[0] == '/' ||
			    strstr(pl->lists[l].profession_path, "..") == pl->lists[l].profession_path)
				abort();
	}
	for (size_t c = 0; c < d->ncolleges; c++)
		if (!opdesc_code(d, d->colleges[c].code, &at, &college) || !college || at != c)
			abort();
	for (size_t m = 0; m < d->nmembers; m++) {
		const struct opdesc_member *mb = &d->members[m];
		presidents += mb->role == ROLE_PRESIDENT;
		if ((mb->role == ROLE_DELEGUE) != (mb->poll >= 0) ||
		    (mb->poll >= 0 && ((size_t)mb->poll >= d->npolls ||
				       (size_t)mb->list >= d->polls[mb->poll].nlists)))
			abort();
	}
	if (presidents != 1)
		abort();
	opdesc_free(d);
	return 0;
}
