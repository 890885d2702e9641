/* Opening an election directory (see electiondir.h). */
#include "electiondir.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

enum iso_err election_dir_find_bel(const struct cli *c, char **ret)
{
	const char *d = c->dir != NULL ? c->dir : ".";
	DIR *dir = opendir(d);
	struct dirent *de;
	char *found = NULL;
	enum iso_err err = ISO_OK;
	if (dir == NULL)
		return ISO_E_IO;
	while ((de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n <= 4 || strcmp(de->d_name + n - 4, ".bel") != 0)
			continue;
		if (found != NULL) {
			err = ISO_E_INVALID_ARG;
			break;
		}
		found = cli_path(c, de->d_name);
		if (found == NULL) {
			err = ISO_E_NOMEM;
			break;
		}
	}
	closedir(dir);
	if (err != ISO_OK) {
		free(found);
		return err;
	}
	*ret = found;
	return ISO_OK;
}

void election_dir_close(struct election_dir *d)
{
	/* with an archive the raw bytes point into its mapping */
	bool owns_raw = d->ar == NULL;
	iso_credset_free(d->creds);
	iso_election_free(d->e);
	iso_archive_close(d->ar);
	free(d->bel_path);
	if (owns_raw) {
		free(d->raw_election);
		free(d->raw_trustees);
		free(d->raw_creds);
	}
	memset(d, 0, sizeof *d);
}

static enum iso_err setup_from_archive(struct election_dir *d, struct iso_where *where)
{
	static const char *const keys[] = {"election", "trustees", "credentials"};
	const struct iso_member *payload = iso_archive_payload(d->ar, 0), *m[3];
	json_t *j = NULL;
	enum iso_err err = ISO_E_ARCHIVE_MISSING_DATA;
	if (where != NULL)
		where->height = 0;
	if (payload == NULL || iso_json_parse(payload->body, payload->len, &j) != ISO_OK)
		goto out;
	for (int i = 0; i < 3; i++) {
		m[i] = iso_archive_find(d->ar, json_string_value(json_object_get(j, keys[i])));
		if (m[i] == NULL)
			goto out;
	}
	/* members point into the mapping: no copies */
	d->raw_election = (char *)m[0]->body;
	d->election_len = m[0]->len;
	d->raw_trustees = (char *)m[1]->body;
	d->trustees_len = m[1]->len;
	d->raw_creds = (char *)m[2]->body;
	d->creds_len = m[2]->len;
	err = ISO_OK;
out:
	json_decref(j);
	return err;
}

static enum iso_err read_loose(const struct cli *c, const char *name, char **ret, size_t *len)
{
	char *p = cli_path(c, name);
	enum iso_err err = p == NULL ? ISO_E_NOMEM : cli_read_line(p, ret, len);
	free(p);
	return err;
}

int election_dir_open(const struct cli *c, struct election_dir *d, bool with_creds)
{
	struct iso_where where;
	enum iso_err err;
	const char *what = NULL;
	memset(d, 0, sizeof *d);
	iso_where_clear(&where);
	err = election_dir_find_bel(c, &d->bel_path);
	if (err != ISO_OK) {
		what = cli_tr(c, "répertoire de l’élection (une seule archive .bel attendue)",
			      "election directory (exactly one .bel archive expected)");
		goto fail;
	}
	if (d->bel_path != NULL) {
		what = d->bel_path;
		if ((err = iso_archive_open(d->bel_path, &d->ar, &where)) != ISO_OK ||
		    (err = setup_from_archive(d, &where)) != ISO_OK)
			goto fail;
	} else {
		what = "election.json";
		if ((err = read_loose(c, "election.json", &d->raw_election, &d->election_len)))
			goto fail;
		what = "trustees.json";
		if ((err = read_loose(c, "trustees.json", &d->raw_trustees, &d->trustees_len)))
			goto fail;
		what = "public_creds.json";
		if (with_creds &&
		    (err = read_loose(c, "public_creds.json", &d->raw_creds, &d->creds_len)))
			goto fail;
	}
	what = cli_tr(c, "élection", "election");
	if ((err = iso_election_parse(d->raw_election, d->election_len, &d->e)) != ISO_OK)
		goto fail;
	if (with_creds) {
		size_t bad = 0;
		what = cli_tr(c, "justificatifs publics", "public credentials");
		err = iso_credset_parse(d->e->grp, d->raw_creds, d->creds_len, &d->creds, &bad);
		if (err != ISO_OK)
			goto fail;
	}
	return 0;
fail:
	{
		int r = cli_error(c, what, err, &where);
		election_dir_close(d);
		return r;
	}
}
