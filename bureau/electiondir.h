/* An election directory as belenios-tool uses one (--dir): the single
 * <uuid>.bel archive, whose Setup event gives the election, the trustees and
 * the public credentials; before the archive exists, the loose files
 * election.json, trustees.json and public_creds.json. */
#ifndef ISOLOIR_BUREAU_ELECTIONDIR_H
#define ISOLOIR_BUREAU_ELECTIONDIR_H

#include "archive.h"
#include "cli.h"
#include "credential.h"
#include "election.h"
#include "jsondoc.h"

struct election_dir {
	char *bel_path;          /* NULL without archive */
	struct iso_archive *ar;  /* NULL without archive */
	char *raw_election, *raw_trustees, *raw_creds; /* exact bytes */
	size_t election_len, trustees_len, creds_len;
	struct iso_election *e;
	struct iso_credset *creds;
};

/* Find the .bel of --dir: ISO_OK with *ret NULL if there is none,
 * ISO_E_INVALID_ARG if there are several. */
enum iso_err election_dir_find_bel(const struct cli *c, char **ret);

/* Open the directory; with_creds also parses and checks the public
 * credentials. Prints its own error and returns an exit status, 0 on
 * success. */
int election_dir_open(const struct cli *c, struct election_dir *d, bool with_creds);
void election_dir_close(struct election_dir *d);

#endif
