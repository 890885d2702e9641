/* The kiosk image's integrity (see integrity.h). Rule: a file is judged by
 * the bytes read through a descriptor opened without following any link,
 * hashed in blocks (on a few threads, once per inode); the manifest's own
 * bytes are hashed before they are believed. Hashes are public: plain
 * comparisons. */
#include "integrity.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <link.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hash.h"
#include "jsondoc.h"

const char *const integrity_kiosk_files[] = {
	"/usr/bin/isoloir-kiosk",
	"/usr/share/isoloir/", /* the technician key, the image's own data */
	"/usr/share/locale/*/LC_MESSAGES/isoloir-kiosk.mo",
	"/usr/share/fonts/truetype/dejavu/", /* ui/draw.h: UI_FONT_DIR */
	"/usr/lib/*/espeak-ng-data/",	     /* the voice */
	/* the shared libraries: those linked and those SDL, Mesa and ALSA
	 * open later; the image holds no library the kiosk may not use */
	"/usr/lib/*/ld-linux*.so*",
	"/usr/lib/*/lib*.so*",
	"/usr/lib/*/dri/",
	"/usr/lib/*/alsa-lib/",
	NULL,
};

/* ---- the manifest ---- */

static const char *const fault_text[][2] = {
	[INTEGRITY_FAULT_NONE] = {"correct", "correct"},
	[INTEGRITY_FAULT_TOO_LARGE] = {"manifeste trop grand", "manifest too large"},
	[INTEGRITY_FAULT_EMPTY] = {"manifeste vide", "empty manifest"},
	[INTEGRITY_FAULT_NUL] = {"octet nul", "NUL byte"},
	[INTEGRITY_FAULT_NO_FINAL_NEWLINE] = {"dernière ligne sans fin de ligne",
					      "last line without a newline"},
	[INTEGRITY_FAULT_LINE_TOO_LONG] = {"ligne trop longue", "line too long"},
	[INTEGRITY_FAULT_HEX] = {"empreinte qui n’est pas de 64 chiffres hexadécimaux minuscules",
				 "hash that is not 64 lowercase hex digits"},
	[INTEGRITY_FAULT_SEPARATOR] = {"deux espaces attendues après l’empreinte",
				       "two spaces expected after the hash"},
	[INTEGRITY_FAULT_NOT_ABSOLUTE] = {"chemin qui n’est pas absolu", "path not absolute"},
	[INTEGRITY_FAULT_ESCAPE] = {"nom mal échappé (\\\\, \\n et \\r seulement, sur une ligne "
				    "commençant par \\)",
				    "name badly escaped (\\\\, \\n and \\r only, on a line starting "
				    "with \\)"},
	[INTEGRITY_FAULT_EMPTY_COMPONENT] = {"élément vide dans le chemin (// ou / final)",
					     "empty component in the path (// or a final /)"},
	[INTEGRITY_FAULT_DOT_COMPONENT] = {"élément . ou .. dans le chemin",
					   "a . or .. component in the path"},
	[INTEGRITY_FAULT_UNSORTED] = {"chemin avant celui de la ligne précédente (ordre C attendu)",
				      "path before the previous line's (C order expected)"},
	[INTEGRITY_FAULT_DUPLICATE] = {"chemin déjà à la ligne précédente",
				       "path already on the previous line"},
};

void integrity_where_format(const struct integrity_where *w, enum iso_lang lang, char *buf,
			    size_t size)
{
	int en = lang == ISO_LANG_EN;
	const char *why = (unsigned)w->fault < sizeof fault_text / sizeof fault_text[0]
				  ? fault_text[w->fault][en]
				  : "?";
	if (w->line > 0)
		snprintf(buf, size, "%s %zu%s%s", en ? "line" : "ligne", w->line, en ? ": " : " : ",
			 why);
	else
		snprintf(buf, size, "%s", why);
}

/* A lowercase hex digit's value, or -1. */
static int hex_value(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 64 lowercase hex digits at h (n bytes there) into out; false otherwise. */
static bool hash_read(const char *h, size_t n, uint8_t out[32])
{
	if (n < 64)
		return false;
	for (size_t i = 0; i < 32; i++) {
		int hi = hex_value((unsigned char)h[2 * i]), lo = hex_value((unsigned char)h[2 * i + 1]);
		if ((hi | lo) < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* The path of one line (n bytes, unescaped): its fault or NONE. */
static enum integrity_fault path_fault(const char *p, size_t n)
{
	const char *end = p + n;
	if (n == 0 || p[0] != '/')
		return INTEGRITY_FAULT_NOT_ABSOLUTE;
	if (n > INTEGRITY_PATH_MAX)
		return INTEGRITY_FAULT_LINE_TOO_LONG;
	while (p < end) { /* p at a '/': the component after it */
		const char *c = p + 1, *next = memchr(c, '/', (size_t)(end - c));
		size_t k = (size_t)((next != NULL ? next : end) - c);
		if (k == 0)
			return INTEGRITY_FAULT_EMPTY_COMPONENT;
		if (c[0] == '.' && (k == 1 || (k == 2 && c[1] == '.')))
			return INTEGRITY_FAULT_DOT_COMPONENT;
		p = c + k;
	}
	return INTEGRITY_FAULT_NONE;
}

/* sha256sum's name, in place: with escaped, \\ \n \r are the only escapes
 * and at least one is there; without, no backslash. *n the new length. */
static bool name_unescape(char *p, size_t *n, bool escaped)
{
	char *b = memchr(p, '\\', *n);
	size_t o, i;
	if (b == NULL)
		return !escaped;
	if (!escaped)
		return false;
	for (o = i = (size_t)(b - p); i < *n; i++) {
		if (p[i] != '\\') {
			p[o++] = p[i];
			continue;
		}
		if (i + 1 == *n)
			return false;
		switch (p[++i]) {
		case '\\': p[o++] = '\\'; break;
		case 'n': p[o++] = '\n'; break;
		case 'r': p[o++] = '\r'; break;
		default: return false;
		}
	}
	p[o] = '\0';
	*n = o;
	return true;
}

void integrity_manifest_free(struct integrity_manifest *m)
{
	if (m == NULL)
		return;
	free(m->entries);
	free(m->text);
	free(m);
}

/* One line (n bytes before its newline, made a NUL) into e. */
static enum integrity_fault line_read(char *line, size_t n, struct integrity_entry *e)
{
	bool escaped = n > 0 && line[0] == '\\';
	char *h = line + escaped, *path;
	size_t pn;
	if (memchr(line, '\0', n) != NULL)
		return INTEGRITY_FAULT_NUL;
	if (n > INTEGRITY_LINE_MAX)
		return INTEGRITY_FAULT_LINE_TOO_LONG;
	n -= escaped;
	if (!hash_read(h, n, e->sha256) || (n > 64 && hex_value((unsigned char)h[64]) >= 0))
		return INTEGRITY_FAULT_HEX;
	if (n < 66 || h[64] != ' ' || h[65] != ' ')
		return INTEGRITY_FAULT_SEPARATOR;
	path = h + 66;
	pn = n - 66;
	if (!name_unescape(path, &pn, escaped))
		return INTEGRITY_FAULT_ESCAPE;
	e->path = path;
	return path_fault(path, pn);
}

/* The manifest of text (len bytes and a NUL after them, malloc'd: taken,
 * freed on failure), its SHA-256 sha when known (else NULL). */
static enum iso_err manifest_parse(char *text, size_t len, const char *sha,
				   struct integrity_manifest **ret, struct integrity_where *where)
{
	struct integrity_where w = {0, INTEGRITY_FAULT_NONE};
	struct integrity_manifest *m = NULL;
	size_t lines = 0, at = 0;
	enum iso_err err = ISO_E_MANIFEST;
	if (len > INTEGRITY_MANIFEST_MAX) {
		w.fault = INTEGRITY_FAULT_TOO_LARGE;
		goto out;
	}
	if (len == 0) {
		w.fault = INTEGRITY_FAULT_EMPTY;
		goto out;
	}
	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++)
		lines++;
	err = ISO_E_NOMEM;
	if ((m = calloc(1, sizeof *m)) == NULL ||
	    (m->entries = calloc(lines + 1, sizeof *m->entries)) == NULL)
		goto out;
	if (sha != NULL)
		memcpy(m->sha256, sha, 65);
	else
		iso_sha256_hex(text, len, m->sha256);
	m->text = text;
	text = NULL;
	err = ISO_E_MANIFEST;
	while (at < len) {
		char *line = m->text + at, *nl = memchr(line, '\n', len - at);
		struct integrity_entry *e = &m->entries[m->n];
		w.line++;
		if (nl == NULL) {
			w.fault = memchr(line, '\0', len - at) != NULL
					  ? INTEGRITY_FAULT_NUL
					  : INTEGRITY_FAULT_NO_FINAL_NEWLINE;
			goto out;
		}
		*nl = '\0';
		if ((w.fault = line_read(line, (size_t)(nl - line), e)) != INTEGRITY_FAULT_NONE)
			goto out;
		if (m->n > 0) {
			int c = strcmp(m->entries[m->n - 1].path, e->path);
			if (c >= 0) {
				w.fault = c == 0 ? INTEGRITY_FAULT_DUPLICATE : INTEGRITY_FAULT_UNSORTED;
				goto out;
			}
		}
		m->n++;
		at = (size_t)(nl - m->text) + 1;
	}
	*ret = m;
	m = NULL;
	w.line = 0;
	err = ISO_OK;
out:
	free(text);
	integrity_manifest_free(m);
	if (where != NULL)
		*where = w;
	return err;
}

enum iso_err integrity_manifest_parse(const char *text, size_t len,
				      struct integrity_manifest **ret,
				      struct integrity_where *where)
{
	char *copy;
	if (len > INTEGRITY_MANIFEST_MAX)
		return manifest_parse(NULL, len, NULL, ret, where);
	if ((copy = malloc(len + 1)) == NULL)
		return ISO_E_NOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return manifest_parse(copy, len, NULL, ret, where);
}

enum iso_err integrity_manifest_read(const char *path, const char *expected_sha256,
				     struct integrity_manifest **ret,
				     struct integrity_where *where)
{
	char *text = NULL, sha[65];
	size_t len = 0;
	enum iso_err err = iso_file_read(path, INTEGRITY_MANIFEST_MAX, &text, &len);
	if (where != NULL)
		*where = (struct integrity_where){0, INTEGRITY_FAULT_NONE};
	if (err == ISO_E_TOO_LARGE && where != NULL)
		where->fault = INTEGRITY_FAULT_TOO_LARGE;
	if (err == ISO_E_TOO_LARGE)
		return ISO_E_MANIFEST;
	if (err != ISO_OK)
		return err;
	iso_sha256_hex(text, len, sha);
	if (expected_sha256 != NULL && strcmp(sha, expected_sha256) != 0) {
		free(text);
		return ISO_E_MANIFEST_HASH;
	}
	return manifest_parse(text, len, sha, ret, where);
}

static int entry_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct integrity_entry *)elt)->path);
}

const struct integrity_entry *integrity_manifest_find(const struct integrity_manifest *m,
						      const char *path)
{
	return bsearch(path, m->entries, m->n, sizeof *m->entries, entry_cmp);
}

/* ---- the files ---- */

static const char *const problem_text[][2] = {
	[INTEGRITY_MISSING] = {"absent", "missing"},
	[INTEGRITY_CHANGED] = {"modifié", "changed"},
	[INTEGRITY_NOT_REGULAR] = {"pas un fichier ordinaire", "not a regular file"},
	[INTEGRITY_UNREADABLE] = {"illisible", "unreadable"},
	[INTEGRITY_UNLISTED] = {"absent du manifeste", "not in the manifest"},
};

const char *integrity_problem_name(enum integrity_problem p, enum iso_lang lang)
{
	if (p < INTEGRITY_MISSING || p > INTEGRITY_UNLISTED)
		return "?";
	return problem_text[p][lang == ISO_LANG_EN];
}

void integrity_report_clear(struct integrity_report *r)
{
	for (size_t i = 0; i < INTEGRITY_KEPT; i++)
		free(r->kept[i].path);
	memset(r, 0, sizeof *r);
}

/* A report being made. */
struct walk {
	struct integrity_report r;
	bool nomem;
};

static void walk_mismatch(struct walk *w, const char *path, enum integrity_problem p)
{
	if (w->r.nmismatches < INTEGRITY_KEPT) {
		struct integrity_mismatch *k = &w->r.kept[w->r.nmismatches];
		k->problem = p;
		if ((k->path = strdup(path)) == NULL)
			w->nomem = true;
	}
	w->r.nmismatches++;
}

/* The report out when it could be made whole, else dropped. */
static enum iso_err walk_end(struct walk *w, struct integrity_report *ret)
{
	if (w->nomem) {
		integrity_report_clear(&w->r);
		return ISO_E_NOMEM;
	}
	*ret = w->r;
	return w->r.nmismatches > 0 ? ISO_E_IMAGE_CHANGED : ISO_OK;
}

/* What reads files: a block buffer, a digest, the bytes it hashed. */
struct hasher {
	uint8_t *buf;
	EVP_MD_CTX *md;
	uint64_t bytes;
};
#define BLOCK (256u << 10)

static enum iso_err hasher_begin(struct hasher *h)
{
	h->bytes = 0;
	h->md = NULL;
	if ((h->buf = malloc(BLOCK)) == NULL || (h->md = EVP_MD_CTX_new()) == NULL) {
		free(h->buf);
		return ISO_E_NOMEM;
	}
	return ISO_OK;
}

static void hasher_end(struct hasher *h)
{
	free(h->buf);
	EVP_MD_CTX_free(h->md);
}

/* Open rel (no leading '/') beneath dirfd, following no link at all, as
 * openat2 does it; where the kernel lacks openat2, the last component
 * alone is not followed. */
static int open_beneath(int dirfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(dirfd, rel, (int)how.flags);
	return fd;
}

/* The SHA-256 of what fd reads, into out; bytes counted. */
static enum integrity_problem hash_fd(struct hasher *h, int fd, uint8_t out[32])
{
	unsigned int len = 0;
	if (EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1)
		return INTEGRITY_UNREADABLE;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t got = read(fd, h->buf, BLOCK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return INTEGRITY_UNREADABLE;
		if (got == 0)
			break;
		if (EVP_DigestUpdate(h->md, h->buf, (size_t)got) != 1)
			return INTEGRITY_UNREADABLE;
		h->bytes += (uint64_t)got;
	}
	return EVP_DigestFinal_ex(h->md, out, &len) == 1 && len == 32 ? 0 : INTEGRITY_UNREADABLE;
}

/* A first look at rel beneath dirfd, without following it: a device or a
 * FIFO is never opened. */
static enum integrity_problem file_look(int dirfd, const char *rel, struct stat *st)
{
	if (fstatat(dirfd, rel, st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT || errno == ENOTDIR ? INTEGRITY_MISSING
		       : errno == ELOOP		   ? INTEGRITY_NOT_REGULAR
						   : INTEGRITY_UNREADABLE;
	return S_ISREG(st->st_mode) ? 0 : INTEGRITY_NOT_REGULAR;
}

/* The file looked at (before) opened with no link on its way, and hashed;
 * fd_given (>= 0) is already open on it (the executable). */
static enum integrity_problem file_hash(struct hasher *h, int dirfd, const char *rel,
					int fd_given, const struct stat *before, uint8_t out[32])
{
	struct stat st;
	enum integrity_problem p;
	int fd = fd_given >= 0 ? fd_given : open_beneath(dirfd, rel);
	if (fd < 0)
		return errno == ELOOP || errno == EXDEV ? INTEGRITY_NOT_REGULAR
		       : errno == ENOENT		? INTEGRITY_MISSING
							: INTEGRITY_UNREADABLE;
	if (fstat(fd, &st) != 0)
		p = INTEGRITY_UNREADABLE;
	else if (!S_ISREG(st.st_mode) ||
		 (before != NULL && (st.st_dev != before->st_dev || st.st_ino != before->st_ino)))
		p = INTEGRITY_NOT_REGULAR; /* replaced between the two looks */
	else
		p = hash_fd(h, fd, out);
	if (fd_given < 0)
		close(fd);
	return p;
}

/* One file, alone: looked at, hashed, compared. */
static void walk_file(struct walk *w, struct hasher *h, int dirfd, const char *rel,
		      int fd_given, const struct integrity_entry *e)
{
	struct stat before;
	uint8_t sha[32];
	enum integrity_problem p = fd_given >= 0 ? 0 : file_look(dirfd, rel, &before);
	w->r.checked++;
	if (p == 0)
		p = file_hash(h, dirfd, rel, fd_given, fd_given >= 0 ? NULL : &before, sha);
	if (p == 0 && memcmp(sha, e->sha256, 32) != 0)
		p = INTEGRITY_CHANGED;
	if (p != 0)
		walk_mismatch(w, e->path, p);
}

/* A pattern, read once: a tree or one path, with or without wildcards. */
struct pattern {
	const char *text;
	size_t head;	 /* bytes before the first wildcard (all of them when none) */
	size_t slashes; /* of a tree: its components */
	bool tree, glob;
};

static bool pattern_matches(const struct pattern *p, const char *path)
{
	char head[INTEGRITY_PATH_MAX + 1];
	size_t k = 0, seen = 0;
	if (strncmp(path, p->text, p->head) != 0)
		return false;
	if (!p->glob)
		return p->tree || path[p->head] == '\0';
	if (!p->tree)
		return fnmatch(p->text, path, FNM_PATHNAME) == 0;
	/* a tree named with wildcards: the path's first components against it */
	while (path[k] != '\0' && seen < p->slashes)
		seen += path[k++] == '/';
	if (seen < p->slashes || path[k] == '\0' || k > INTEGRITY_PATH_MAX)
		return false;
	memcpy(head, path, k);
	head[k] = '\0';
	return fnmatch(p->text, head, FNM_PATHNAME) == 0;
}

/* A file to check: its entry, its first look, the file whose hash it
 * takes (itself, or an earlier hard link to the same inode: the Mesa
 * drivers are a dozen names of one file), what hashing it gave. */
struct item {
	const struct integrity_entry *e;
	struct stat st;
	size_t owner;
	enum integrity_problem look, hashed;
	uint8_t sha[32];
};

/* The entries of m matching one of the patterns, into items (NULL: counted). */
static size_t pattern_select(const struct integrity_manifest *m, const struct pattern *pat,
			     size_t np, struct item *items)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++) {
		bool match = false;
		for (size_t k = 0; k < np && !match; k++)
			match = pattern_matches(&pat[k], m->entries[i].path);
		if (match && items != NULL)
			items[n].e = &m->entries[i];
		n += match;
	}
	return n;
}

/* The files hashed by a few threads sharing one counter. */
struct pool {
	struct item *items;
	size_t *jobs, njobs;
	atomic_size_t next;
	int dirfd;
	struct hasher h[INTEGRITY_THREADS_MAX];
};

static void pool_run(struct pool *p, struct hasher *h)
{
	for (size_t j; (j = atomic_fetch_add(&p->next, 1)) < p->njobs;) {
		struct item *it = &p->items[p->jobs[j]];
		it->hashed = file_hash(h, p->dirfd, it->e->path + 1, -1, &it->st, it->sha);
	}
}

struct pool_thread {
	struct pool *p;
	struct hasher *h;
};

static void *pool_thread(void *arg)
{
	struct pool_thread *t = arg;
	pool_run(t->p, t->h);
	return NULL;
}

/* Hash the jobs on up to INTEGRITY_THREADS_MAX threads (this one too). */
static enum iso_err pool_hash(struct pool *p, uint64_t *ret_bytes)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus < 1 ? 1 : (size_t)cpus, started = 0;
	pthread_t tid[INTEGRITY_THREADS_MAX];
	struct pool_thread args[INTEGRITY_THREADS_MAX];
	enum iso_err err = ISO_OK;
	if (n > INTEGRITY_THREADS_MAX)
		n = INTEGRITY_THREADS_MAX;
	if (n > p->njobs)
		n = p->njobs > 0 ? p->njobs : 1;
	for (size_t i = 0; i < n; i++)
		if ((err = hasher_begin(&p->h[i])) != ISO_OK) {
			n = i;
			break;
		}
	if (n == 0)
		return err;
	atomic_store(&p->next, 0);
	/* threads that cannot start leave their share to the others */
	for (size_t i = 1; i < n; i++) {
		args[started] = (struct pool_thread){p, &p->h[i]};
		if (pthread_create(&tid[started], NULL, pool_thread, &args[started]) == 0)
			started++;
	}
	pool_run(p, &p->h[0]);
	for (size_t i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	*ret_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		*ret_bytes += p->h[i].bytes;
		hasher_end(&p->h[i]);
	}
	return ISO_OK;
}

enum iso_err integrity_check(const struct integrity_manifest *m, const char *root,
			     const char *const *patterns, struct integrity_report *ret)
{
	struct pattern *pat;
	struct pool pool = {0};
	struct walk w;
	size_t np = 0, n = 0, *multi = NULL, nmulti = 0;
	enum iso_err err = ISO_E_NOMEM;
	if (patterns == NULL)
		patterns = integrity_kiosk_files;
	while (patterns[np] != NULL)
		np++;
	if ((pat = calloc(np + 1, sizeof *pat)) == NULL)
		return ISO_E_NOMEM;
	for (size_t i = 0; i < np; i++) {
		size_t len = strlen(patterns[i]);
		pat[i].text = patterns[i];
		pat[i].head = strcspn(patterns[i], "*?[");
		pat[i].glob = pat[i].head < len;
		pat[i].tree = len > 0 && patterns[i][len - 1] == '/';
		for (size_t k = 0; k < len; k++)
			pat[i].slashes += patterns[i][k] == '/';
	}
	memset(&w, 0, sizeof w);
	pool.dirfd = open(root != NULL && root[0] != '\0' ? root : "/",
			  O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pool.dirfd < 0) {
		free(pat);
		return ISO_E_IO;
	}
	/* the files of the patterns, counted first: the kiosk's memory is
	 * locked, nothing is allocated for the whole manifest */
	n = pattern_select(m, pat, np, NULL);
	if ((pool.items = calloc(n + 1, sizeof *pool.items)) == NULL ||
	    (pool.jobs = calloc(n + 1, sizeof *pool.jobs)) == NULL ||
	    (multi = calloc(n + 1, sizeof *multi)) == NULL)
		goto out;
	pattern_select(m, pat, np, pool.items);
	/* each looked at; one hash per inode */
	for (size_t i = 0; i < n; i++) {
		struct item *it = &pool.items[i];
		it->owner = i;
		it->look = file_look(pool.dirfd, it->e->path + 1, &it->st);
		if (it->look == 0 && it->st.st_nlink > 1) {
			for (size_t k = 0; k < nmulti && it->owner == i; k++) {
				const struct item *o = &pool.items[multi[k]];
				if (o->st.st_dev == it->st.st_dev && o->st.st_ino == it->st.st_ino)
					it->owner = multi[k];
			}
			if (it->owner == i)
				multi[nmulti++] = i;
		}
		if (it->look == 0 && it->owner == i)
			pool.jobs[pool.njobs++] = i;
	}
	if ((err = pool_hash(&pool, &w.r.bytes)) != ISO_OK)
		goto out;
	/* the report, in the manifest's order */
	for (size_t i = 0; i < n && !w.nomem; i++) {
		const struct item *it = &pool.items[i], *o = &pool.items[it->owner];
		enum integrity_problem p = it->look != 0 ? it->look : o->hashed;
		if (p == 0 && memcmp(o->sha, it->e->sha256, 32) != 0)
			p = INTEGRITY_CHANGED;
		w.r.checked++;
		if (p != 0)
			walk_mismatch(&w, it->e->path, p);
	}
	err = walk_end(&w, ret);
out:
	close(pool.dirfd);
	free(pool.items);
	free(pool.jobs);
	free(multi);
	free(pat);
	return err;
}

/* Each shared object mapped, by its real path. */
struct objects {
	struct walk *w;
	struct hasher *h;
	const struct integrity_manifest *m;
	int root;
};

static int object_check(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct objects *o = arg;
	const struct integrity_entry *e;
	char *real;
	(void)size;
	/* the executable (""), the vDSO (no path): not files of the image */
	if (info->dlpi_name == NULL || info->dlpi_name[0] != '/')
		return 0;
	if ((real = realpath(info->dlpi_name, NULL)) == NULL) {
		o->w->r.checked++;
		walk_mismatch(o->w, info->dlpi_name, INTEGRITY_MISSING);
		return 0;
	}
	if ((e = integrity_manifest_find(o->m, real)) == NULL) {
		o->w->r.checked++;
		walk_mismatch(o->w, real, INTEGRITY_UNLISTED);
	} else
		walk_file(o->w, o->h, o->root, e->path + 1, -1, e);
	free(real);
	return o->w->nomem;
}

enum iso_err integrity_check_process(const struct integrity_manifest *m,
				     struct integrity_report *ret)
{
	char exe[INTEGRITY_PATH_MAX + 1];
	ssize_t n;
	struct walk w;
	struct hasher h;
	struct objects o;
	const struct integrity_entry *e;
	int fd, root;
	enum iso_err err;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) < 0)
		return ISO_E_IO;
	exe[n] = '\0';
	/* the file that was executed, even if its path now names another */
	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		return ISO_E_IO;
	if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		close(fd);
		return ISO_E_IO;
	}
	memset(&w, 0, sizeof w);
	if ((err = hasher_begin(&h)) == ISO_OK) {
		/* a replaced or deleted executable reads "path (deleted)": unlisted */
		if ((e = integrity_manifest_find(m, exe)) == NULL) {
			w.r.checked++;
			walk_mismatch(&w, exe, INTEGRITY_UNLISTED);
		} else
			walk_file(&w, &h, root, e->path + 1, fd, e);
		o = (struct objects){&w, &h, m, root};
		dl_iterate_phdr(object_check, &o);
		w.r.bytes = h.bytes;
		hasher_end(&h);
		err = walk_end(&w, ret);
	}
	close(fd);
	close(root);
	return err;
}

enum iso_err integrity_file_sha256(const char *path, char ret[65])
{
	struct hasher h;
	uint8_t sha[32];
	enum iso_err err;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ISO_E_IO;
	if ((err = hasher_begin(&h)) == ISO_OK) {
		err = hash_fd(&h, fd, sha) == 0 ? ISO_OK : ISO_E_IO;
		hasher_end(&h);
	}
	close(fd);
	if (err == ISO_OK)
		iso_hex_encode(sha, 32, ret);
	return err;
}
