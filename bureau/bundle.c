/* Reading an operation's bundle (see bundle.h). */
#include "bundle.h"

/* libarchive's archive.h by its full path: the crypto core's archive.h
 * (Belenios archives) comes first in the include path */
#include LIBARCHIVE_HEADER
#include <archive_entry.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_verify.h"
#include "hash.h"
#include "ledger.h"

#define TR(r, fr, en) ((r)->lang == ISO_LANG_EN ? (en) : (fr))
#define MEMBERS_MAX 256
#define BLOCK (1u << 20)
#define TEXT_MAX (16u << 20) /* manifest.json, results.json */

static void say(const struct bundle_reporter *r, char kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const struct bundle_reporter *r, char kind, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	if (r->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	r->say(r->arg, kind, text);
}

/* a member's name as "operation archive" writes them: plain relative
 * paths, polls' archives one level under polls/ */
static bool name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;
	if (n == 0 || n > 255 || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == '\\')
			return false;
	if (strncmp(name, "polls/", 6) == 0)
		return strchr(name + 6, '/') == NULL && name[6] != '\0';
	return true;
}

/* one poll's archive and its line of results.json */
static bool poll_matches(const struct bundle_reporter *rep, const char *bel, const json_t *results,
			 enum iso_err *ret_err)
{
	struct iso_verify_opts opts = {rep->threads, NULL, NULL};
	struct iso_verified *v = NULL;
	struct iso_where where;
	const json_t *p, *poll = NULL, *lists;
	size_t i, nlists, off;
	bool same;
	enum iso_err err;
	iso_where_clear(&where);
	if ((err = iso_archive_verify(bel, &opts, &v, &where)) != ISO_OK) {
		char buf[512];
		iso_where_format(&where, err, rep->lang, buf, sizeof buf);
		say(rep, 'E', "%s : %s", strrchr(bel, '/') != NULL ? strrchr(bel, '/') + 1 : bel, buf);
		*ret_err = ISO_E_SHAPE;
		return false;
	}
	json_array_foreach(json_object_get(results, "polls"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "uuid"));
		if (u != NULL && strcmp(u, v->e->uuid) == 0)
			poll = p;
	}
	lists = json_object_get(poll, "lists");
	nlists = json_array_size(lists);
	same = poll != NULL && v->has_result && nlists <= v->result.n &&
	       json_integer_value(json_object_get(poll, "ballots")) >= 0 &&
	       (size_t)json_integer_value(json_object_get(poll, "ballots")) == v->nballots;
	off = same ? v->result.n - nlists : 0;
	for (size_t k = 0; same && k < nlists; k++)
		same = (unsigned long long)json_integer_value(
			       json_object_get(json_array_get(lists, k), "votes")) == v->result.counts[off + k];
	same = same && (off == 0 || (unsigned long long)json_integer_value(json_object_get(
					    poll, "blank")) == v->result.counts[0]);
	say(rep, same ? 'I' : 'E',
	    TR(rep, "scrutin %s : %zu bulletins, archive vérifiée, résultat %s",
	       "poll %s: %zu ballots, archive verified, result %s"),
	    v->e->uuid, v->nballots,
	    same ? TR(rep, "conforme à results.json", "as in results.json")
		 : TR(rep, "DIFFÉRENT de results.json", "DIFFERENT from results.json"));
	iso_verified_free(v);
	*ret_err = same ? ISO_OK : ISO_E_SHAPE;
	return same;
}

enum iso_err bundle_verify(const char *path, const struct bundle_reporter *rep)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	json_t *manifest = NULL, *results = NULL;
	char tmpdir[] = "/tmp/isoloir-bundle.XXXXXX", file[64 + 256];
	bool found[MEMBERS_MAX] = {false}, have_tmp = mkdtemp(tmpdir) != NULL, first = true,
	     journal = false;
	unsigned char *buf = malloc(BLOCK);
	size_t nbel = 0, i;
	char (*bels)[sizeof file] = calloc(MEMBERS_MAX, sizeof *bels);
	const json_t *m;
	enum iso_err err = ISO_E_SHAPE;
	if (a == NULL || buf == NULL || bels == NULL || !have_tmp) {
		err = have_tmp ? ISO_E_NOMEM : ISO_E_IO;
		goto out;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, BLOCK) != ARCHIVE_OK) {
		err = ISO_E_IO;
		goto out;
	}
	for (int rc; (rc = archive_read_next_header(a, &e)) != ARCHIVE_EOF;) {
		const char *name = rc == ARCHIVE_OK ? archive_entry_pathname(e) : NULL;
		EVP_MD_CTX *md;
		unsigned char h[32];
		char sha[65];
		la_ssize_t got;
		FILE *out = NULL;
		char *text = NULL;
		size_t tlen = 0, k = MEMBERS_MAX;
		bool keep_text, is_bel, too_long = false;
		if (rc != ARCHIVE_OK || !name_ok(name) || archive_entry_filetype(e) != AE_IFREG) {
			say(rep, 'E', "%s %s", TR(rep, "pièce illisible ou nom refusé :", "member unreadable or name refused:"),
			    name != NULL && rc == ARCHIVE_OK ? name : "?");
			goto out;
		}
		is_bel = strncmp(name, "polls/", 6) == 0;
		keep_text = first || strcmp(name, "results.json") == 0;
		if (is_bel || strcmp(name, "journal.jsonl") == 0) {
			if (is_bel && nbel == MEMBERS_MAX) {
				say(rep, 'E', "%s", TR(rep, "trop de pièces", "too many members"));
				goto out;
			}
			snprintf(file, sizeof file, "%s/%s", tmpdir, is_bel ? name + 6 : "journal.jsonl");
			if (access(file, F_OK) == 0) {
				say(rep, 'E', "%s %s", TR(rep, "pièce en double :", "member twice:"), name);
				goto out;
			}
			if ((out = fopen(file, "wbx")) == NULL) {
				err = ISO_E_IO;
				goto out;
			}
			if (is_bel)
				snprintf(bels[nbel++], sizeof bels[0], "%s", file);
			else
				journal = true;
		}
		if ((md = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
			EVP_MD_CTX_free(md);
			if (out != NULL)
				fclose(out);
			err = ISO_E_NOMEM;
			goto out;
		}
		if (keep_text && (text = malloc(TEXT_MAX + 1)) == NULL) {
			EVP_MD_CTX_free(md);
			if (out != NULL)
				fclose(out);
			err = ISO_E_NOMEM;
			goto out;
		}
		while ((got = archive_read_data(a, buf, BLOCK)) > 0) {
			EVP_DigestUpdate(md, buf, (size_t)got);
			if (out != NULL && fwrite(buf, 1, (size_t)got, out) != (size_t)got)
				err = ISO_E_IO;
			if (text != NULL) {
				if (tlen + (size_t)got > TEXT_MAX) {
					too_long = true;
				} else {
					memcpy(text + tlen, buf, (size_t)got);
					tlen += (size_t)got;
				}
			}
		}
		if (text != NULL)
			text[tlen] = '\0';
		if (out != NULL && fclose(out) != 0)
			err = ISO_E_IO;
		EVP_DigestFinal_ex(md, h, NULL);
		EVP_MD_CTX_free(md);
		iso_hex_encode(h, 32, sha);
		if (got < 0 || err == ISO_E_IO || too_long) {
			free(text);
			say(rep, 'E', "%s %s", TR(rep, "pièce illisible :", "member unreadable:"), name);
			if (err != ISO_E_IO)
				err = ISO_E_SHAPE;
			goto out;
		}
		if (first) {
			first = false;
			if (strcmp(name, "manifest.json") != 0 ||
			    (manifest = json_loadb(text, tlen, 0, NULL)) == NULL ||
			    !json_is_array(json_object_get(manifest, "members"))) {
				free(text);
				say(rep, 'E', "%s", TR(rep, "pas de manifeste en tête", "no manifest first"));
				goto out;
			}
			free(text);
			continue;
		}
		json_array_foreach(json_object_get(manifest, "members"), i, m)
		{
			const char *mp = json_string_value(json_object_get(m, "path"));
			if (i < MEMBERS_MAX && mp != NULL && strcmp(mp, name) == 0)
				k = i;
		}
		{
			const char *want = k < MEMBERS_MAX ? json_string_value(json_object_get(
								   json_array_get(json_object_get(manifest, "members"), k),
								   "sha256"))
							   : NULL;
			if (k == MEMBERS_MAX || found[k] || want == NULL || strcmp(want, sha) != 0) {
				free(text);
				say(rep, 'E', "%s %s",
				    TR(rep, "pièce absente du manifeste, en double ou altérée :",
				       "member not in the manifest, twice or altered:"),
				    name);
				goto out;
			}
		}
		found[k] = true;
		if (strcmp(name, "results.json") == 0 && (results = json_loadb(text, tlen, 0, NULL)) == NULL) {
			free(text);
			say(rep, 'E', "%s", TR(rep, "results.json illisible", "results.json unreadable"));
			goto out;
		}
		free(text);
	}
	if (manifest == NULL) {
		say(rep, 'E', "%s", TR(rep, "pas de manifeste en tête", "no manifest first"));
		goto out;
	}
	json_array_foreach(json_object_get(manifest, "members"), i, m)
	{
		if (i >= MEMBERS_MAX || !found[i]) {
			const char *mp = json_string_value(json_object_get(m, "path"));
			say(rep, 'E', "%s %s", TR(rep, "pièce manquante :", "member missing:"), mp != NULL ? mp : "?");
			goto out;
		}
	}
	say(rep, 'I', TR(rep, "%zu pièces conformes au manifeste", "%zu members match the manifest"),
	    json_array_size(json_object_get(manifest, "members")));
	/* each poll's archive, and its result as results.json has it */
	for (size_t b = 0; b < nbel; b++)
		if (!poll_matches(rep, bels[b], results, &err))
			goto out;
	{
		size_t n = 0, bad = 0;
		snprintf(file, sizeof file, "%s/journal.jsonl", tmpdir);
		if (!journal || ledger_verify(file, &n, &bad, NULL, NULL) != ISO_OK) {
			say(rep, 'E', "journal.jsonl : %s %zu", TR(rep, "absent ou chaîne rompue à la ligne",
								    "missing or chain broken at line"),
			    bad);
			err = ISO_E_SHAPE;
			goto out;
		}
		say(rep, 'I', TR(rep, "journal : %zu entrées, chaîne intacte", "journal: %zu entries, chain intact"),
		    n);
	}
	err = ISO_OK;
out:
	if (have_tmp) {
		for (size_t b = 0; b < nbel; b++)
			unlink(bels[b]);
		snprintf(file, sizeof file, "%s/journal.jsonl", tmpdir);
		unlink(file);
		rmdir(tmpdir);
	}
	if (a != NULL)
		archive_read_free(a);
	free(buf);
	free(bels);
	json_decref(manifest);
	json_decref(results);
	return err;
}
