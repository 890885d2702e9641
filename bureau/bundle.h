/* Reading an operation's bundle (archive.tar, written by "operation
 * archive"), independently of everything else (R-TAL-03, R-D11-KEEP):
 * manifest.json first, then every member present once, no other, each
 * with the SHA-256 the manifest gives; each poll's archive (polls/NAME.bel)
 * verified from its first byte and its result equal to results.json's;
 * the journal's chain. A member's name with "..", an absolute name or one
 * that is not plain text is refused. Messages go to the reporter, in its
 * language. Fuzzed (fuzz target bundle). */
#ifndef ISOLOIR_BUREAU_BUNDLE_H
#define ISOLOIR_BUREAU_BUNDLE_H

#include <stdbool.h>

#include "error.h"

struct bundle_reporter {
	/* kind 'E' (a refusal) or 'I' (progress); may be NULL */
	void (*say)(void *arg, char kind, const char *text);
	void *arg;
	enum iso_lang lang;
	int threads; /* for the polls' verification; 0: every core */
};

/* ISO_OK when the bundle holds; ISO_E_SHAPE (said why) when it does not;
 * ISO_E_IO, ISO_E_NOMEM for the system. */
enum iso_err bundle_verify(const char *path, const struct bundle_reporter *rep);

#endif
