/* The operation's archive bundle and its end (R-ARC-*, R-D11-KEEP):
 *   operation archive --dir OP [--count DAYS] [--file SOURCES.tar.gz]
 *     OP/archive.tar (never over an earlier one): manifest.json first —
 *     the operation, the date, the retention date (2 years by default, or
 *     DAYS), each member's path, size and SHA-256 — then operation.json,
 *     results.json, the operation's journal, each poll's .bel, the minutes
 *     (pv.pdf), members.json, seal.json and counts.json when there are,
 *     what the seal covers outside the folder (the kiosk image's
 *     manifest, the servers' programs), the test elections' archives, the
 *     programs (isoloir-* beside this one) and their sources when given. Never a password, an answer, a
 *     key or a letter. Its SHA-256 goes to the journal.
 *   operation verify-bundle --file OP/archive.tar
 *     independently of OP (bundle.[ch]): every member against the
 *     manifest, each poll's archive verified from its first byte and its
 *     result equal to results.json's, the journal's chain.
 *   operation appeal --dir OP --file APPEAL.json   {"text":"…", "closed":false}
 *     an appeal recorded (or its end, closed true) in the journal: while one
 *     is open, nothing is destroyed.
 *   operation destroy --dir OP
 *     refused before the retention date, while an appeal is open, or when
 *     the bundle is not the one the journal recorded; then the bundle, the
 *     key material (.privkey, .key, .dkey files) and any secret left over
 *     (the letters, voters.csv) are overwritten and removed, and a destruction certificate is written
 *     (OP/destruction.json) and journaled. */
/* libarchive's archive.h by its full path: the crypto core's archive.h
 * (Belenios archives) comes first in the include path */
#include LIBARCHIVE_HEADER
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive_verify.h"
#include "bundle.h"
#include "cli.h"
#include "jsondoc.h"
#include "keyholder.h"
#include "ledger.h"
#include "timetext.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define MEMBERS_MAX 256
#define BLOCK (1u << 20)

struct member {
	char *src;  /* the file on disk */
	char *name; /* its path in the bundle */
	char sha[65];
	int64_t size;
};

struct members {
	struct member m[MEMBERS_MAX];
	size_t n;
};

static bool add(struct members *ms, const char *src, const char *name)
{
	if (ms->n == MEMBERS_MAX || access(src, R_OK) != 0)
		return false;
	ms->m[ms->n].src = strdup(src);
	ms->m[ms->n].name = strdup(name);
	return ms->m[ms->n].src != NULL && ms->m[ms->n++].name != NULL;
}

static void members_free(struct members *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->m[i].src);
		free(ms->m[i].name);
	}
}

/* SHA-256 and size of a file, read by blocks */
static bool file_hash(const char *path, char out[65], int64_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *buf = malloc(BLOCK), h[32];
	size_t got;
	int64_t size = 0;
	bool ok = f != NULL && md != NULL && buf != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while (ok && (got = fread(buf, 1, BLOCK, f)) > 0) {
		ok = EVP_DigestUpdate(md, buf, got) == 1;
		size += (int64_t)got;
	}
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(md, h, NULL) == 1;
	for (int i = 0; ok && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	*ret_size = size;
	if (f != NULL)
		fclose(f);
	EVP_MD_CTX_free(md);
	free(buf);
	return ok;
}

static json_t *read_json(const char *path)
{
	json_t *o;
	return iso_json_file(path, 16u << 20, &o) == ISO_OK ? o : NULL;
}

/* The members of the bundle: the operation's public records, its polls'
 * archives, the programs, the sources when given. */
static bool members_collect(const struct cli *c, const json_t *op, struct members *ms)
{
	const char *d = c->dir != NULL ? c->dir : ".";
	char path[8192], name[512], self[4096];
	ssize_t n;
	size_t i;
	json_t *p;
	DIR *dir;
	struct dirent *de;
	for (const char *const *f = (const char *const[]){"operation.json", "results.json",
							  "journal.jsonl", NULL};
	     *f != NULL; f++) {
		snprintf(path, sizeof path, "%s/%s", d, *f);
		if (!add(ms, path, *f)) {
			fprintf(stderr, "E: %s : %s\n", path,
				TR(c, "manque : l’archive se fait après operation results",
				   "missing: the archive comes after operation results"));
			return false;
		}
	}
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "uuid"));
		snprintf(path, sizeof path, "%s/%s/%s.bel", d, u != NULL ? u : "?", u != NULL ? u : "?");
		snprintf(name, sizeof name, "polls/%s.bel", u != NULL ? u : "?");
		if (!add(ms, path, name)) {
			fprintf(stderr, "E: %s : %s\n", path, TR(c, "archive du scrutin introuvable", "poll archive not found"));
			return false;
		}
	}
	/* the minutes, the key ceremony's public side, the seal, the
	 * émargement counts, when they exist */
	for (const char *const *f = (const char *const[]){"pv.pdf", "members.json", "seal.json",
							  "counts.json", NULL};
	     *f != NULL; f++) {
		snprintf(path, sizeof path, "%s/%s", d, *f);
		add(ms, path, *f);
	}
	/* what the seal covers outside the folder: the kiosk image's manifest,
	 * the servers' programs */
	{
		json_t *seal = NULL;
		const json_t *it;
		snprintf(path, sizeof path, "%s/seal.json", d);
		if (iso_json_file(path, 16u << 20, &seal) == ISO_OK)
			json_array_foreach(json_object_get(json_object_get(seal, "manifest"), "items"), i, it)
			{
				const char *ip = json_string_value(json_object_get(it, "path")),
					   *in = json_string_value(json_object_get(it, "name"));
				if (ip == NULL || in == NULL || ip[0] != '/' || strchr(in, '/') != NULL ||
				    strstr(in, "..") != NULL)
					continue;
				snprintf(name, sizeof name, "software/sealed/%s", in);
				add(ms, ip, name);
			}
		json_decref(seal);
	}
	/* the test elections' archives (R-SEAL-01) */
	if ((dir = opendir(d)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			DIR *t;
			struct dirent *te;
			if (strncmp(de->d_name, "test-", 5) != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", d, de->d_name);
			if ((t = opendir(path)) == NULL)
				continue;
			while ((te = readdir(t)) != NULL) {
				char bel[8192];
				if (te->d_name[0] == '.' || strlen(te->d_name) != 14)
					continue;
				snprintf(bel, sizeof bel, "%s/%s/%s/%s.bel", d, de->d_name, te->d_name, te->d_name);
				snprintf(name, sizeof name, "tests/%.40s/%.14s.bel", de->d_name, te->d_name);
				if (access(bel, R_OK) == 0)
					add(ms, bel, name);
			}
			closedir(t);
		}
		closedir(dir);
	}
	/* the programs: isoloir-* beside this one */
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((dir = opendir(dirname(self))) != NULL) {
			while ((de = readdir(dir)) != NULL)
				if (strncmp(de->d_name, "isoloir-", 8) == 0) {
					snprintf(path, sizeof path, "%s/%s", self, de->d_name);
					snprintf(name, sizeof name, "software/bin/%s", de->d_name);
					add(ms, path, name);
				}
			closedir(dir);
		}
	}
	if (c->file != NULL && !add(ms, c->file, "software/sources.tar.gz")) {
		fprintf(stderr, "E: %s : %s\n", c->file, TR(c, "illisible", "unreadable"));
		return false;
	}
	return true;
}

static bool write_member(struct archive *a, const char *name, const void *data, int64_t size,
			 const char *src, int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();
	bool ok = e != NULL;
	if (ok) {
		archive_entry_set_pathname(e, name);
		archive_entry_set_size(e, size);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0444);
		archive_entry_set_mtime(e, (time_t)mtime, 0);
		ok = archive_write_header(a, e) == ARCHIVE_OK;
	}
	if (ok && data != NULL)
		ok = archive_write_data(a, data, (size_t)size) == (la_ssize_t)size;
	if (ok && src != NULL) {
		FILE *f = fopen(src, "rb");
		unsigned char *buf = malloc(BLOCK);
		size_t got;
		int64_t done = 0;
		ok = f != NULL && buf != NULL;
		while (ok && (got = fread(buf, 1, BLOCK, f)) > 0) {
			ok = archive_write_data(a, buf, got) == (la_ssize_t)got;
			done += (int64_t)got;
		}
		ok = ok && done == size;
		if (f != NULL)
			fclose(f);
		free(buf);
	}
	archive_entry_free(e);
	return ok;
}

static int cmd_archive_bundle(struct cli *c)
{
	const char *d = c->dir != NULL ? c->dir : ".";
	struct members ms = {.n = 0};
	char opath[4096], tpath[4096], tmp[4200], jpath[4096], when[32], until[32], sha[65];
	json_t *op = NULL, *manifest = NULL, *list = json_array();
	char *mtext = NULL;
	struct archive *a = NULL;
	int64_t now = (int64_t)time(NULL), keep, tsize;
	struct tm tm;
	time_t tt = (time_t)now;
	int r = CLI_REFUSED;
	snprintf(opath, sizeof opath, "%s/operation.json", d);
	snprintf(tpath, sizeof tpath, "%s/archive.tar", d);
	snprintf(jpath, sizeof jpath, "%s/journal.jsonl", d);
	snprintf(tmp, sizeof tmp, "%s.part", tpath);
	if (access(tpath, F_OK) == 0) {
		fprintf(stderr, "E: %s : %s\n", tpath, TR(c, "existe déjà", "exists already"));
		goto out;
	}
	if ((op = read_json(opath)) == NULL) {
		fprintf(stderr, "E: %s : %s\n", opath, TR(c, "pas d’opération ici", "no operation here"));
		goto out;
	}
	if (!members_collect(c, op, &ms))
		goto out;
	/* the retention date: two years, or --count days */
	gmtime_r(&tt, &tm);
	if ((c->given & OPT_COUNT) != 0) {
		if (c->count < 1 || c->count > 36500) {
			fprintf(stderr, "E: --count : %s\n", TR(c, "de 1 à 36500 jours", "1 to 36500 days"));
			r = CLI_USAGE;
			goto out;
		}
		keep = now + (int64_t)c->count * 86400;
	} else {
		tm.tm_year += 2;
		keep = (int64_t)timegm(&tm);
	}
	iso_time_utc(now, when);
	iso_time_utc(keep, until);
	for (size_t i = 0; i < ms.n; i++) {
		if (!file_hash(ms.m[i].src, ms.m[i].sha, &ms.m[i].size)) {
			r = cli_error(c, ms.m[i].src, ISO_E_IO, NULL);
			goto out;
		}
		json_array_append_new(list, json_pack("{s:s, s:I, s:s}", "path", ms.m[i].name, "size",
						      (json_int_t)ms.m[i].size, "sha256", ms.m[i].sha));
	}
	manifest = json_pack("{s:i, s:s, s:s, s:s, s:I, s:O}", "version", 1, "operation",
			     json_string_value(json_object_get(op, "operation")), "created", when,
			     "retention_until", until, "retention_until_unix", (json_int_t)keep,
			     "members", list);
	if (manifest == NULL || (mtext = json_dumps(manifest, JSON_INDENT(2))) == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	/* written beside its name, synced, renamed */
	a = archive_write_new();
	if (a == NULL || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, tmp) != ARCHIVE_OK ||
	    !write_member(a, "manifest.json", mtext, (int64_t)strlen(mtext), NULL, now)) {
		r = cli_error(c, tmp, ISO_E_IO, NULL);
		goto fail;
	}
	for (size_t i = 0; i < ms.n; i++) {
		cli_info(c, "%s (%lld)", ms.m[i].name, (long long)ms.m[i].size);
		if (!write_member(a, ms.m[i].name, NULL, ms.m[i].size, ms.m[i].src, now)) {
			r = cli_error(c, ms.m[i].src, ISO_E_IO, NULL);
			goto fail;
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		r = cli_error(c, tmp, ISO_E_IO, NULL);
		goto fail;
	}
	{
		int fd = open(tmp, O_RDONLY);
		bool synced = fd >= 0 && fsync(fd) == 0;
		if (fd >= 0)
			close(fd);
		if (!synced || chmod(tmp, 0444) != 0 || rename(tmp, tpath) != 0) {
			r = cli_error(c, tpath, ISO_E_IO, NULL);
			goto fail;
		}
	}
	if (!file_hash(tpath, sha, &tsize) ||
	    ledger_append(jpath, "archive",
			  json_pack("{s:s, s:I, s:s, s:i}", "sha256", sha, "size", (json_int_t)tsize,
				    "retention_until", until, "members", (int)ms.n),
			  now) != ISO_OK) {
		r = cli_error(c, jpath, ISO_E_IO, NULL);
		goto out;
	}
	cli_info(c, TR(c, "%s : %zu pièces, conservé jusqu’au %s ; SHA-256 %s",
		       "%s: %zu members, kept until %s; SHA-256 %s"),
		 tpath, ms.n + 1, until, sha);
	printf("%s\n", sha);
	r = CLI_OK;
	goto out;
fail:
	unlink(tmp);
out:
	if (a != NULL)
		archive_write_free(a);
	free(mtext);
	json_decref(manifest);
	json_decref(list);
	json_decref(op);
	members_free(&ms);
	return r;
}

/* ---- verify-bundle ---- */

struct seen {
	const json_t *members;
	bool found[MEMBERS_MAX];
};

static void say_cli(void *arg, char kind, const char *text)
{
	const struct cli *c = arg;
	if (kind == 'E')
		fprintf(stderr, "E: %s : %s\n", c->file, text);
	else
		cli_info(c, "%s", text);
}

static int cmd_verify_bundle(struct cli *c)
{
	struct bundle_reporter rep = {say_cli, c, c->lang, (int)c->threads};
	enum iso_err err = bundle_verify(c->file, &rep);
	if (err == ISO_E_SHAPE)
		return CLI_REFUSED;
	if (err != ISO_OK)
		return cli_error(c, c->file, err, NULL);
	printf("%s\n", TR(c, "archive conforme", "bundle verified"));
	return CLI_OK;
}

/* ---- appeals and destruction ---- */

struct appeals {
	int open;
	int64_t until;
	char sha[65];
};

static void appeal_scan(void *arg, const json_t *e)
{
	struct appeals *ap = arg;
	const char *ev = json_string_value(json_object_get(e, "event"));
	if (ev == NULL)
		return;
	if (strcmp(ev, "appeal") == 0)
		ap->open += json_is_true(json_object_get(e, "closed")) ? -1 : 1;
	if (strcmp(ev, "archive") == 0 && json_string_value(json_object_get(e, "sha256")) != NULL)
		snprintf(ap->sha, sizeof ap->sha, "%s", json_string_value(json_object_get(e, "sha256")));
}

static int cmd_appeal(struct cli *c)
{
	json_t *o = read_json(c->file);
	const char *text = iso_json_text(o, "text", 8192, true);
	json_t *closed = json_object_get(o, "closed");
	int r = CLI_REFUSED;
	if (text == NULL || (closed != NULL && !json_is_boolean(closed))) {
		fprintf(stderr, "E: %s : %s\n", c->file,
			TR(c, "{\"text\":\"…\", \"closed\":false|true} attendu",
			   "{\"text\":\"…\", \"closed\":false|true} expected"));
	} else if ((r = cli_journal(c, "appeal", json_pack("{s:s, s:b}", "text", text, "closed",
							      json_is_true(closed)))) == CLI_OK) {
		cli_info(c, "%s", json_is_true(closed) ? TR(c, "fin du recours enregistrée", "end of the appeal recorded")
						       : TR(c, "recours enregistré : rien ne sera détruit tant qu’il dure",
							    "appeal recorded: nothing is destroyed while it lasts"));
		r = CLI_OK;
	}
	json_decref(o);
	return r;
}

/* overwrite a file with zeros, sync, remove */
static bool shred(const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && fstat(fd, &st) == 0;
	char zero[65536] = {0};
	for (off_t at = 0; ok && at < st.st_size; at += (off_t)sizeof zero) {
		size_t n = st.st_size - at < (off_t)sizeof zero ? (size_t)(st.st_size - at) : sizeof zero;
		ok = write(fd, zero, n) == (ssize_t)n;
	}
	ok = ok && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	return ok && unlink(path) == 0;
}

/* the keys, and any secret left over: the letters (passwords), the
 * voters' answers */
static bool key_material(const char *name)
{
	size_t n = strlen(name);
	return strncmp(name, "letters-", 8) == 0 || strcmp(name, "voters.csv") == 0 ||
	       (n > 8 && strcmp(name + n - 8, ".privkey") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".key") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".dkey") == 0);
}

/* The members' keys, on their USB keys (R-ARC-02): each holder present
 * within --wait has the member's key file erased from their key; the
 * others are named in the certificate as not presented. Without a key
 * ceremony (members.json), nothing to do. */
static void erase_member_keys(const struct cli *c, const char *d, json_t *erased, json_t *absent)
{
	struct holders hs;
	struct keysession *ks = NULL;
	bool left[HOLDERS_MAX];
	char mpath[4096];
	snprintf(mpath, sizeof mpath, "%s/members.json", d);
	if (access(mpath, F_OK) != 0)
		return;
	if (holders_read(d, &hs) != ISO_OK || keysession_open(c, &hs, (int)c->wait, &ks) != ISO_OK) {
		cli_error(c, mpath, ISO_E_MEMBER_KEY, NULL);
		for (size_t i = 0; i < hs.n; i++)
			json_array_append_new(absent, json_integer(hs.h[i].member));
		holders_clear(&hs);
		return;
	}
	for (size_t i = 0; i < hs.n; i++)
		left[i] = true;
	for (size_t done = 0; done < hs.n; done++) {
		char who[512];
		size_t at = 0, idx = 0;
		at += (size_t)snprintf(who, sizeof who, "%s [", TR(c, "d’un détenteur", "of a holder"));
		for (size_t i = 0; i < hs.n && at < sizeof who; i++)
			if (left[i])
				at += (size_t)snprintf(who + at, sizeof who - at, "%sm%d",
						       who[at - 1] == '[' ? "" : " ", hs.h[i].member);
		if (at < sizeof who)
			snprintf(who + at, sizeof who - at, "]");
		if (keysession_erase(ks, left, who, &idx) != ISO_OK)
			break;
		left[idx] = false;
		json_array_append_new(erased, json_integer(hs.h[idx].member));
	}
	for (size_t i = 0; i < hs.n; i++)
		if (left[i])
			json_array_append_new(absent, json_integer(hs.h[i].member));
	if (json_array_size(absent) > 0)
		fprintf(stderr, "E: %s : %zu\n",
			TR(c, "clés USB de membres non présentées, à effacer ou détruire à part",
			   "members' USB keys not presented, to erase or destroy apart"),
			json_array_size(absent));
	keysession_close(ks);
	holders_clear(&hs);
}

static int cmd_destroy(struct cli *c)
{
	const char *d = c->dir != NULL ? c->dir : ".";
	struct appeals ap = {0, 0, ""};
	char tpath[4096], jpath[4096], cpath[4096], until[32];
	json_t *destroyed = json_array(), *manifest = NULL, *erased = json_array(), *absent = json_array();
	size_t n = 0, bad = 0;
	int64_t now = (int64_t)time(NULL);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r = CLI_REFUSED;
	snprintf(tpath, sizeof tpath, "%s/archive.tar", d);
	snprintf(jpath, sizeof jpath, "%s/journal.jsonl", d);
	snprintf(cpath, sizeof cpath, "%s/destruction.json", d);
	if (ledger_verify(jpath, &n, &bad, appeal_scan, &ap) != ISO_OK || n == 0) {
		fprintf(stderr, "E: %s : %s\n", jpath, TR(c, "journal absent ou rompu", "journal missing or broken"));
		goto out;
	}
	/* the retention date, from the bundle's manifest */
	if (a != NULL) {
		archive_read_support_format_tar(a);
		if (archive_read_open_filename(a, tpath, BLOCK) == ARCHIVE_OK &&
		    archive_read_next_header(a, &e) == ARCHIVE_OK &&
		    strcmp(archive_entry_pathname(e), "manifest.json") == 0) {
			char *text = calloc(1, (size_t)archive_entry_size(e) + 1);
			if (text != NULL && archive_read_data(a, text, (size_t)archive_entry_size(e)) ==
						    (la_ssize_t)archive_entry_size(e))
				manifest = json_loads(text, 0, NULL);
			free(text);
		}
	}
	if (manifest == NULL) {
		fprintf(stderr, "E: %s : %s\n", tpath, TR(c, "pas d’archive de l’opération (operation archive)", "no archive of the operation (operation archive)"));
		goto out;
	}
	ap.until = json_integer_value(json_object_get(manifest, "retention_until_unix"));
	iso_time_utc(ap.until, until);
	if (ap.open > 0) {
		fprintf(stderr, "E: %s\n", TR(c, "un recours est en cours : rien n’est détruit", "an appeal is open: nothing is destroyed"));
		goto out;
	}
	if (now < ap.until) {
		fprintf(stderr, "E: %s %s\n", TR(c, "l’archive est conservée jusqu’au", "the archive is kept until"), until);
		goto out;
	}
	/* the bundle is the one the journal recorded */
	{
		char sha[65];
		int64_t size;
		if (!file_hash(tpath, sha, &size) || strcmp(sha, ap.sha) != 0) {
			fprintf(stderr, "E: %s : %s\n", tpath,
				TR(c, "n’est pas l’archive que le journal a enregistrée",
				   "is not the archive the journal recorded"));
			goto out;
		}
	}
	/* the bundle, then every key of the operation */
	if (!shred(tpath)) {
		r = cli_error(c, tpath, ISO_E_IO, NULL);
		goto out;
	}
	json_array_append_new(destroyed, json_string("archive.tar"));
	{
		DIR *top = opendir(d);
		struct dirent *de;
		while (top != NULL && (de = readdir(top)) != NULL) {
			char sub[4096];
			DIR *in;
			struct dirent *f;
			if (de->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof sub, "%s/%s", d, de->d_name);
			if (key_material(de->d_name) && shred(sub))
				json_array_append_new(destroyed, json_string(de->d_name));
			if ((in = opendir(sub)) == NULL)
				continue;
			while ((f = readdir(in)) != NULL) {
				char p[8192], rel[600];
				if (!key_material(f->d_name))
					continue;
				snprintf(p, sizeof p, "%s/%s", sub, f->d_name);
				snprintf(rel, sizeof rel, "%s/%s", de->d_name, f->d_name);
				if (shred(p))
					json_array_append_new(destroyed, json_string(rel));
			}
			closedir(in);
		}
		if (top != NULL)
			closedir(top);
	}
	erase_member_keys(c, d, erased, absent);
	{
		char when[32], *text;
		json_t *cert;
		iso_time_utc(now, when);
		cert = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:O}", "operation",
				 json_string_value(json_object_get(manifest, "operation")) ?: "", "destroyed_at", when,
				 "retention_until", until, "archive_sha256", ap.sha, "destroyed", destroyed,
				 "usb_keys_erased", erased, "usb_keys_not_presented", absent);
		text = cert != NULL ? json_dumps(cert, JSON_INDENT(2)) : NULL;
		if (text == NULL || iso_file_write_atomic(cpath, text, strlen(text), 0444) != ISO_OK ||
		    ledger_append(jpath, "destruction", json_pack("{s:s, s:O, s:O, s:O}", "archive_sha256", ap.sha, "destroyed", destroyed, "usb_keys_erased", erased, "usb_keys_not_presented", absent), now) != ISO_OK) {
			free(text);
			json_decref(cert);
			r = cli_error(c, cpath, ISO_E_IO, NULL);
			goto out;
		}
		free(text);
		json_decref(cert);
	}
	cli_info(c, TR(c, "archive et clés détruites ; certificat de destruction : %s", "archive and keys destroyed; destruction certificate: %s"), cpath);
	r = CLI_OK;
out:
	if (a != NULL)
		archive_read_free(a);
	json_decref(manifest);
	json_decref(destroyed);
	json_decref(erased);
	json_decref(absent);
	return r;
}

const struct cli_command cli_commands_bundle[] = {
	{"operation", "archive", cmd_archive_bundle, OPT_DIR | OPT_COUNT | OPT_FILE, 0,
	 "l’archive de l’opération (archive.tar) : manifeste, pièces publiques, archives des "
	 "scrutins, journal, programmes ; conservée 2 ans (ou --count jours)",
	 "the operation's archive (archive.tar): manifest, public records, the polls' archives, "
	 "journal, programs; kept 2 years (or --count days)"},
	{"operation", "verify-bundle", cmd_verify_bundle, OPT_FILE | OPT_THREADS, OPT_FILE,
	 "vérifier une archive d’opération sans rien d’autre : manifeste, archives des scrutins, "
	 "résultats, journal",
	 "verify an operation's archive on its own: manifest, polls' archives, results, journal"},
	{"operation", "appeal", cmd_appeal, OPT_DIR | OPT_FILE, OPT_FILE,
	 "enregistrer un recours (ou sa fin) : rien n’est détruit tant qu’il dure",
	 "record an appeal (or its end): nothing is destroyed while it lasts"},
	{"operation", "destroy", cmd_destroy, OPT_DIR | OPT_WAIT, 0,
	 "détruire l’archive et les clés après la date de conservation, sans recours en cours ; "
	 "certificat de destruction",
	 "destroy the archive and the keys after the retention date, no appeal open; destruction "
	 "certificate"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
