/* The kiosk image's integrity (kiosk/integrity.h). R-SEAL-02: the sealed
 * manifest's hash is checked before the manifest is believed, and the
 * kiosk's files are compared with it; R-POST-03: the post runs the image
 * that was expertised. A fake root in a temporary folder: a good root, a
 * changed byte, a missing file, files replaced by a symbolic link, a
 * directory or a FIFO, a link on the way, files outside the patterns left
 * alone, more mismatches than are kept; a wrong manifest hash; every
 * malformed manifest refused at its line with its reason; the running
 * process (its executable and shared objects) against a manifest of them. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "hash.h"
#include "integrity.h"
#include "jsondoc.h"

static char root[256];

/* root + path, made with its folders, holding text */
static void put(const char *path, const char *text, size_t len)
{
	char full[1024];
	snprintf(full, sizeof full, "%s%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	CHECK(iso_file_write_atomic(full, text, len, 0644) == ISO_OK);
}

static char *full(const char *path)
{
	static char buf[1024];
	snprintf(buf, sizeof buf, "%s%s", root, path);
	return buf;
}

struct file {
	const char *path;
	char *data;
	size_t len;
	bool checked; /* by the default patterns */
};

/* the image: the kiosk's files and others the default patterns leave */
static struct file files[] = {
	{"/etc/hostname", NULL, 0, false},
	{"/usr/bin/isoloir-kiosk", NULL, 0, true},
	{"/usr/bin/other", NULL, 0, false},
	{"/usr/lib/x86_64-linux-gnu/dri/iris_dri.so", NULL, 0, true},
	{"/usr/lib/x86_64-linux-gnu/dri/radeonsi_dri.so", NULL, 0, true}, /* iris's hard link */
	{"/usr/lib/x86_64-linux-gnu/espeak-ng-data/fr_dict", NULL, 0, true},
	{"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", NULL, 0, true},
	{"/usr/lib/x86_64-linux-gnu/libSDL2-2.0.so.0.2600.5", NULL, 0, true},
	{"/usr/lib/x86_64-linux-gnu/perl/Config.pm", NULL, 0, false},
	{"/usr/lib/x86_64-linux-gnu/sub/libdeep.so", NULL, 0, false},
	{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", NULL, 0, true},
	{"/usr/share/isoloir/big.bin", NULL, 0, true},
	{"/usr/share/isoloir/technician-key.pem", NULL, 0, true},
	{"/usr/share/isoloir/unit\\x2dname.slice", NULL, 0, true}, /* as systemd names */
	{"/usr/share/locale/en/LC_MESSAGES/isoloir-kiosk.mo", NULL, 0, true},
	{"/usr/share/locale/en/LC_MESSAGES/other.mo", NULL, 0, false},
};
#define NFILES (sizeof files / sizeof files[0])
enum { KIOSK = 1, IRIS = 3, RADEONSI = 4, BIG = 11, KEY = 12 };

/* the manifest of files (sorted above), as sha256sum writes it */
static char *manifest_text(size_t *ret_len)
{
	size_t cap = 64 * 1024, n = 0;
	char *t = malloc(cap), hex[65];
	for (size_t i = 0; t != NULL && i < NFILES; i++) {
		bool esc = strchr(files[i].path, '\\') != NULL;
		iso_sha256_hex(files[i].data, files[i].len, hex);
		n += (size_t)snprintf(t + n, cap - n, "%s%s  ", esc ? "\\" : "", hex);
		for (const char *p = files[i].path; *p != '\0'; p++) /* sha256sum's escape */
			n += (size_t)snprintf(t + n, cap - n, "%s", *p == '\\' ? "\\\\" : (char[2]){*p, 0});
		t[n++] = '\n';
		t[n] = '\0';
	}
	*ret_len = n;
	return t;
}

static void make_root(void)
{
	for (size_t i = 0; i < NFILES; i++) {
		if (i == RADEONSI) { /* the same file as iris, by a hard link */
			char a[1024];
			snprintf(a, sizeof a, "%s%s", root, files[IRIS].path);
			files[i].len = files[IRIS].len;
			if ((files[i].data = malloc(files[i].len)) != NULL)
				memcpy(files[i].data, files[IRIS].data, files[i].len);
			CHECK(link(a, full(files[i].path)) == 0);
			continue;
		}
		/* big.bin spans many read blocks, ending inside one */
		files[i].len = strcmp(files[i].path, "/usr/share/isoloir/big.bin") == 0
				       ? (3u << 20) + 12345
				       : 100 + i;
		files[i].data = malloc(files[i].len);
		for (size_t k = 0; files[i].data != NULL && k < files[i].len; k++)
			files[i].data[k] = (char)(k * 31 + i);
		if (files[i].data != NULL)
			put(files[i].path, files[i].data, files[i].len);
	}
}

/* the files of the default patterns; their bytes, a hard link's once */
static size_t default_count(uint64_t *ret_bytes)
{
	size_t n = 0;
	*ret_bytes = 0;
	for (size_t i = 0; i < NFILES; i++)
		if (files[i].checked) {
			n++;
			*ret_bytes += i == RADEONSI ? 0 : files[i].len;
		}
	return n;
}

/* one problem expected at path */
static void check_one(const struct integrity_manifest *m, const char *path,
		      enum integrity_problem want)
{
	struct integrity_report r;
	memset(&r, 0, sizeof r);
	CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_E_IMAGE_CHANGED);
	CHECK(r.nmismatches == 1);
	if (r.nmismatches == 1) {
		CHECK(strcmp(r.kept[0].path, path) == 0);
		CHECK(r.kept[0].problem == want);
		if (r.kept[0].problem != want)
			fprintf(stderr, "  %s: %s\n", path,
				integrity_problem_name(r.kept[0].problem, ISO_LANG_EN));
	}
	integrity_report_clear(&r);
}

static void test_root(void)
{
	struct integrity_manifest *m = NULL;
	struct integrity_report r;
	struct integrity_where w;
	size_t len = 0, want;
	uint64_t bytes;
	char *text, mpath[300], sha[65], bad[65];
	const char *const kiosk_only[] = {"/usr/bin/isoloir-kiosk", NULL};

	make_root();
	if ((text = manifest_text(&len)) == NULL)
		return;
	snprintf(mpath, sizeof mpath, "%s/manifest.txt", root);
	CHECK(iso_file_write_atomic(mpath, text, len, 0644) == ISO_OK);
	iso_sha256_hex(text, len, sha);

	/* R-SEAL-02: the manifest read is the sealed one, or refused unread */
	snprintf(bad, sizeof bad, "%s", sha);
	bad[0] = bad[0] == '0' ? '1' : '0';
	CHECK_ERR(integrity_manifest_read(mpath, bad, &m, &w), ISO_E_MANIFEST_HASH);
	CHECK(m == NULL);
	CHECK_ERR(integrity_manifest_read(mpath, sha, &m, &w), ISO_OK);
	if (m == NULL)
		return;
	CHECK(strcmp(m->sha256, sha) == 0);
	CHECK(m->n == NFILES);
	CHECK(integrity_manifest_find(m, "/usr/bin/isoloir-kiosk") != NULL);
	CHECK(integrity_manifest_find(m, "/usr/bin/isoloir") == NULL);
	{
		char fsha[65];
		CHECK_ERR(integrity_file_sha256(mpath, fsha), ISO_OK);
		CHECK(strcmp(fsha, sha) == 0);
	}

	/* R-POST-03: the good root; exactly the kiosk's files looked at */
	want = default_count(&bytes);
	memset(&r, 0, sizeof r);
	CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_OK);
	CHECK(r.checked == want && r.bytes == bytes && r.nmismatches == 0);
	integrity_report_clear(&r);
	/* the caller's patterns */
	CHECK_ERR(integrity_check(m, root, kiosk_only, &r), ISO_OK);
	CHECK(r.checked == 1 && r.bytes == files[KIOSK].len);
	integrity_report_clear(&r);

	/* files outside the patterns may change: not the kiosk's */
	put("/usr/bin/other", "x", 1);
	put("/usr/share/locale/en/LC_MESSAGES/other.mo", "x", 1);
	put("/usr/lib/x86_64-linux-gnu/sub/libdeep.so", "x", 1);
	CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_OK);
	integrity_report_clear(&r);

	/* one byte changed, at the end of a large file */
	{
		struct file *f = &files[BIG];
		f->data[f->len - 1] ^= 1;
		put(f->path, f->data, f->len);
		check_one(m, f->path, INTEGRITY_CHANGED);
		f->data[f->len - 1] ^= 1;
		put(f->path, f->data, f->len);
	}
	/* a file of two names changed in place: both changed, hashed once */
	{
		int fd = open(full(files[IRIS].path), O_WRONLY);
		CHECK(fd >= 0 && pwrite(fd, "!", 1, 0) == 1);
		if (fd >= 0)
			close(fd);
		memset(&r, 0, sizeof r);
		CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_E_IMAGE_CHANGED);
		CHECK(r.nmismatches == 2 && r.bytes == bytes);
		CHECK(r.kept[0].path != NULL && strcmp(r.kept[0].path, files[IRIS].path) == 0 &&
		      r.kept[0].problem == INTEGRITY_CHANGED);
		CHECK(r.kept[1].path != NULL && strcmp(r.kept[1].path, files[RADEONSI].path) == 0 &&
		      r.kept[1].problem == INTEGRITY_CHANGED);
		integrity_report_clear(&r);
		fd = open(full(files[IRIS].path), O_WRONLY);
		CHECK(fd >= 0 && pwrite(fd, files[IRIS].data, 1, 0) == 1);
		if (fd >= 0)
			close(fd);
		CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_OK);
		integrity_report_clear(&r);
	}
	/* a file gone */
	CHECK(unlink(full("/usr/share/isoloir/technician-key.pem")) == 0);
	check_one(m, "/usr/share/isoloir/technician-key.pem", INTEGRITY_MISSING);
	/* replaced by a symbolic link to a copy of the same bytes */
	put("/etc/copy.pem", files[KEY].data, files[KEY].len);
	CHECK(symlink("/etc/copy.pem", full("/usr/share/isoloir/technician-key.pem")) == 0);
	check_one(m, "/usr/share/isoloir/technician-key.pem", INTEGRITY_NOT_REGULAR);
	CHECK(unlink(full("/usr/share/isoloir/technician-key.pem")) == 0);
	/* by a directory, by a FIFO */
	CHECK(mkdir(full("/usr/share/isoloir/technician-key.pem"), 0755) == 0);
	check_one(m, "/usr/share/isoloir/technician-key.pem", INTEGRITY_NOT_REGULAR);
	CHECK(rmdir(full("/usr/share/isoloir/technician-key.pem")) == 0);
	CHECK(mkfifo(full("/usr/share/isoloir/technician-key.pem"), 0644) == 0);
	check_one(m, "/usr/share/isoloir/technician-key.pem", INTEGRITY_NOT_REGULAR);
	CHECK(unlink(full("/usr/share/isoloir/technician-key.pem")) == 0);
	put(files[KEY].path, files[KEY].data, files[KEY].len);
	CHECK_ERR(integrity_check(m, root, NULL, &r), ISO_OK);
	integrity_report_clear(&r);

	/* a link on the way: the fonts' folder moved elsewhere, the same
	 * bytes behind a link (refused where the kernel has openat2) */
	{
		struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
				       .resolve = RESOLVE_NO_SYMLINKS};
		long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
		char moved[1024];
		snprintf(moved, sizeof moved, "%s/elsewhere", root);
		CHECK(rename(full("/usr/share/fonts/truetype/dejavu"), moved) == 0);
		/* relative, staying inside the root */
		CHECK(symlink("../../../../elsewhere", full("/usr/share/fonts/truetype/dejavu")) == 0);
		if (fd >= 0) {
			close((int)fd);
			check_one(m, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
				  INTEGRITY_NOT_REGULAR);
		} else
			fprintf(stderr, "no openat2 here (%s): links on the way not refused\n",
				strerror(errno));
		CHECK(unlink(full("/usr/share/fonts/truetype/dejavu")) == 0);
		CHECK(rename(moved, full("/usr/share/fonts/truetype/dejavu")) == 0);
	}

	/* many mismatches: all counted, the first kept in the manifest's order */
	{
		char name[64];
		const char *pats[] = {"/usr/share/many/", NULL};
		char *many = malloc(64 * 100);
		size_t n = 0;
		struct integrity_manifest *mm = NULL;
		for (int i = 0; many != NULL && i < 40; i++) {
			snprintf(name, sizeof name, "/usr/share/many/f%02d", i);
			n += (size_t)snprintf(many + n, 64 * 100 - n, "%064d  %s\n", 0, name);
		}
		CHECK_ERR(integrity_manifest_parse(many, n, &mm, NULL), ISO_OK);
		if (mm != NULL) {
			put("/usr/share/many/f03", "x", 1);
			CHECK_ERR(integrity_check(mm, root, pats, &r), ISO_E_IMAGE_CHANGED);
			CHECK(r.checked == 40 && r.nmismatches == 40 && r.bytes == 1);
			CHECK(r.kept[0].path != NULL && strcmp(r.kept[0].path, "/usr/share/many/f00") == 0);
			CHECK(r.kept[3].problem == INTEGRITY_CHANGED &&
			      r.kept[4].problem == INTEGRITY_MISSING);
			CHECK(r.kept[INTEGRITY_KEPT - 1].path != NULL &&
			      strcmp(r.kept[INTEGRITY_KEPT - 1].path, "/usr/share/many/f15") == 0);
			integrity_report_clear(&r);
		}
		integrity_manifest_free(mm);
		free(many);
	}
	/* a root that is not there */
	CHECK_ERR(integrity_check(m, "/nonexistent/root", NULL, &r), ISO_E_IO);
	integrity_manifest_free(m);
	free(text);
	for (size_t i = 0; i < NFILES; i++)
		free(files[i].data);
}

/* A malformed manifest: refused at line with fault, in both languages. */
static void refused(const char *text, size_t len, size_t line, enum integrity_fault fault)
{
	struct integrity_manifest *m = NULL;
	struct integrity_where w = {99, INTEGRITY_FAULT_NONE};
	CHECK_ERR(integrity_manifest_parse(text, len, &m, &w), ISO_E_MANIFEST);
	CHECK(m == NULL);
	if (w.line != line || w.fault != fault) {
		fprintf(stderr, "  manifest refused at line %zu fault %d, expected %zu %d: %.80s\n",
			w.line, (int)w.fault, line, (int)fault, text);
		CHECK(w.line == line && w.fault == fault);
	}
	if (line > 0) {
		char fr[256], en[256], want[32];
		integrity_where_format(&w, ISO_LANG_FR, fr, sizeof fr);
		integrity_where_format(&w, ISO_LANG_EN, en, sizeof en);
		snprintf(want, sizeof want, "line %zu: ", line);
		CHECK(strncmp(en, want, strlen(want)) == 0);
		snprintf(want, sizeof want, "ligne %zu : ", line);
		CHECK(strncmp(fr, want, strlen(want)) == 0);
		CHECK(strcmp(fr, en) != 0);
	}
}

#define H "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define REFUSED(lit, line, fault) refused(lit, sizeof lit - 1, line, fault)
/* accepted, freed */
static void accepted(const char *text, size_t len)
{
	struct integrity_manifest *m = NULL;
	CHECK_ERR(integrity_manifest_parse(text, len, &m, NULL), ISO_OK);
	integrity_manifest_free(m);
}
#define ACCEPTED(lit) accepted(lit, sizeof lit - 1)

static void test_malformed(void)
{
	static const char good[] = H "  /a\n" H "  /b c\n";
	struct integrity_manifest *m = NULL;
	char *huge;
	CHECK_ERR(integrity_manifest_parse(good, sizeof good - 1, &m, NULL), ISO_OK);
	if (m != NULL) {
		CHECK(m->n == 2 && strcmp(m->entries[1].path, "/b c") == 0);
		CHECK(m->entries[0].sha256[0] == 0x01 && m->entries[0].sha256[31] == 0xef);
	}
	integrity_manifest_free(m);

	REFUSED("", 0, INTEGRITY_FAULT_EMPTY);
	REFUSED(H "  /a\n" H "  /b\0c\n", 2, INTEGRITY_FAULT_NUL);
	REFUSED(H "  /a\n" H "  /b", 2, INTEGRITY_FAULT_NO_FINAL_NEWLINE);
	REFUSED(H "  /a\n" H, 2, INTEGRITY_FAULT_NO_FINAL_NEWLINE);
	/* the hash */
	REFUSED(H "  /a\n"
		  "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef  /b\n",
		2, INTEGRITY_FAULT_HEX);
	REFUSED("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde  /a\n", 1,
		INTEGRITY_FAULT_HEX);
	REFUSED(H "0  /a\n", 1, INTEGRITY_FAULT_HEX);
	REFUSED("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /a\n", 1,
		INTEGRITY_FAULT_HEX);
	REFUSED("\\\\" H "  /a\\\\b\n", 1, INTEGRITY_FAULT_HEX);
	REFUSED("\n", 1, INTEGRITY_FAULT_HEX);
	/* the separator: sha256sum's text mode only */
	REFUSED(H " /a\n", 1, INTEGRITY_FAULT_SEPARATOR);
	REFUSED(H " */a\n", 1, INTEGRITY_FAULT_SEPARATOR);
	REFUSED(H "\t/a\n", 1, INTEGRITY_FAULT_SEPARATOR);
	REFUSED(H "\n", 1, INTEGRITY_FAULT_SEPARATOR);
	/* the path */
	REFUSED(H "  /a\n" H "  b\n", 2, INTEGRITY_FAULT_NOT_ABSOLUTE);
	REFUSED(H "  \n", 1, INTEGRITY_FAULT_NOT_ABSOLUTE);
	REFUSED(H "   /a\n", 1, INTEGRITY_FAULT_NOT_ABSOLUTE);
	/* sha256sum's escapes (coreutils 9): \\, \n, \r on a line starting
	 * with a backslash, only when the name needs them */
	{
		static const char esc[] = "\\" H "  /a\\\\b\n"
					  "\\" H "  /c\\nd\n"
					  "\\" H "  /e\\rf\n" H "  /g\th\x7f\n";
		CHECK_ERR(integrity_manifest_parse(esc, sizeof esc - 1, &m, NULL), ISO_OK);
		if (m != NULL) {
			CHECK(m->n == 4 && strcmp(m->entries[0].path, "/a\\b") == 0 &&
			      strcmp(m->entries[1].path, "/c\nd") == 0 &&
			      strcmp(m->entries[2].path, "/e\rf") == 0 &&
			      strcmp(m->entries[3].path, "/g\th\x7f") == 0);
			CHECK(integrity_manifest_find(m, "/c\nd") == &m->entries[1]);
		}
		integrity_manifest_free(m);
		m = NULL;
	}
	REFUSED(H "  /a\\b\n", 1, INTEGRITY_FAULT_ESCAPE);	/* not escaped */
	REFUSED("\\" H "  /ab\n", 1, INTEGRITY_FAULT_ESCAPE);	/* escaped for nothing */
	REFUSED("\\" H "  /a\\tb\n", 1, INTEGRITY_FAULT_ESCAPE); /* not sha256sum's */
	REFUSED("\\" H "  /ab\\\n", 1, INTEGRITY_FAULT_ESCAPE);	/* cut */
	REFUSED("\\" H "  /a\\nb\n" H "  /a\n", 2, INTEGRITY_FAULT_UNSORTED); /* unescaped order */
	REFUSED("\\" H "  /a/\\n/..\n", 1, INTEGRITY_FAULT_DOT_COMPONENT);
	REFUSED(H "  /usr//bin\n", 1, INTEGRITY_FAULT_EMPTY_COMPONENT);
	REFUSED(H "  /usr/bin/\n", 1, INTEGRITY_FAULT_EMPTY_COMPONENT);
	REFUSED(H "  /\n", 1, INTEGRITY_FAULT_EMPTY_COMPONENT);
	REFUSED(H "  /usr/./bin\n", 1, INTEGRITY_FAULT_DOT_COMPONENT);
	REFUSED(H "  /usr/../etc/shadow\n", 1, INTEGRITY_FAULT_DOT_COMPONENT);
	REFUSED(H "  /..\n", 1, INTEGRITY_FAULT_DOT_COMPONENT);
	REFUSED(H "  /usr/bin/.\n", 1, INTEGRITY_FAULT_DOT_COMPONENT);
	/* names that merely start with dots are names */
	ACCEPTED(H "  /.a/..b/...\n");
	/* the order: bytes (C locale), unsigned */
	REFUSED(H "  /b\n" H "  /a\n", 2, INTEGRITY_FAULT_UNSORTED);
	REFUSED(H "  /usr/lib/a\n" H "  /usr/lib-b/x\n", 2, INTEGRITY_FAULT_UNSORTED);
	REFUSED(H "  /\xc3\xa9\n" H "  /z\n", 2, INTEGRITY_FAULT_UNSORTED);
	ACCEPTED(H "  /z\n" H "  /\xc3\xa9\n");
	ACCEPTED(H "  /usr/lib-b/x\n" H "  /usr/lib/a\n");
	REFUSED(H "  /a\n" H "  /b\n" H "  /b\n", 3, INTEGRITY_FAULT_DUPLICATE);
	/* a line too long: a path of PATH_MAX bytes and more */
	{
		size_t n = 66 + INTEGRITY_PATH_MAX + 2;
		char *t = malloc(n + 1);
		if (t != NULL) {
			memcpy(t, H "  /", 67);
			memset(t + 67, 'x', n - 68);
			t[n - 1] = '\n';
			refused(t, n, 1, INTEGRITY_FAULT_LINE_TOO_LONG);
			/* one byte shorter is accepted */
			t[n - 2] = '\n';
			CHECK_ERR(integrity_manifest_parse(t, n - 1, &m, NULL), ISO_OK);
			integrity_manifest_free(m);
			m = NULL;
			free(t);
		}
		/* and a line longer than any escaped path */
		n = INTEGRITY_LINE_MAX + 2;
		if ((t = malloc(n)) != NULL) {
			memcpy(t, H "  /", 67);
			memset(t + 67, 'x', n - 68);
			t[n - 1] = '\n';
			refused(t, n, 1, INTEGRITY_FAULT_LINE_TOO_LONG);
			free(t);
		}
	}
	/* too large: refused before it is looked at */
	if ((huge = malloc(INTEGRITY_MANIFEST_MAX + 1)) != NULL) {
		memset(huge, 'a', INTEGRITY_MANIFEST_MAX + 1);
		refused(huge, INTEGRITY_MANIFEST_MAX + 1, 0, INTEGRITY_FAULT_TOO_LARGE);
		free(huge);
	}
}

/* ---- the running process ---- */

struct obj {
	char *path, hex[65];
};
static struct obj objs[256];
static size_t nobjs;

static void obj_add(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	for (size_t i = 0; i < nobjs; i++)
		if (strcmp(objs[i].path, path) == 0)
			return;
	if (nobjs == sizeof objs / sizeof objs[0] ||
	    iso_file_read(path, 1u << 30, &data, &len) != ISO_OK)
		return;
	objs[nobjs].path = strdup(path);
	iso_sha256_hex(data, len, objs[nobjs].hex);
	nobjs++;
	free(data);
}

static int obj_found(struct dl_phdr_info *info, size_t size, void *arg)
{
	char *real;
	(void)size;
	(void)arg;
	if (info->dlpi_name[0] == '/' && (real = realpath(info->dlpi_name, NULL)) != NULL) {
		obj_add(real);
		free(real);
	}
	return 0;
}

static int obj_cmp(const void *a, const void *b)
{
	return strcmp(((const struct obj *)a)->path, ((const struct obj *)b)->path);
}

/* the manifest of the process's files, without `skip`, exe's hash flipped */
static char *process_manifest(const char *skip, bool flip, size_t *ret_len, const char *exe)
{
	size_t cap = 256 * 5000, n = 0;
	char *t = malloc(cap);
	for (size_t i = 0; t != NULL && i < nobjs; i++) {
		char hex[65];
		if (skip != NULL && strcmp(objs[i].path, skip) == 0)
			continue;
		memcpy(hex, objs[i].hex, 65);
		if (flip && strcmp(objs[i].path, exe) == 0)
			hex[10] = hex[10] == 'a' ? 'b' : 'a';
		n += (size_t)snprintf(t + n, cap - n, "%s  %s\n", hex, objs[i].path);
	}
	*ret_len = n;
	return t;
}

static void test_process(void)
{
	char exe[4096], *text, *lib = NULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t len = 0;
	struct integrity_manifest *m = NULL;
	struct integrity_report r;
	if (n <= 0)
		return;
	exe[n] = '\0';
	obj_add(exe);
	dl_iterate_phdr(obj_found, NULL);
	CHECK(nobjs >= 3); /* the test, libc, the loader at least */
	qsort(objs, nobjs, sizeof *objs, obj_cmp);
	for (size_t i = 0; i < nobjs && lib == NULL; i++)
		if (strstr(objs[i].path, "libc.so") != NULL)
			lib = objs[i].path;
	CHECK(lib != NULL);
	memset(&r, 0, sizeof r);

	/* all listed, all the same */
	text = process_manifest(NULL, false, &len, exe);
	CHECK_ERR(integrity_manifest_parse(text, len, &m, NULL), ISO_OK);
	if (m != NULL) {
		CHECK_ERR(integrity_check_process(m, &r), ISO_OK);
		CHECK(r.checked == nobjs && r.nmismatches == 0 && r.bytes > 0);
		integrity_report_clear(&r);
	}
	integrity_manifest_free(m);
	m = NULL;
	free(text);
	/* the executable is not the one listed */
	text = process_manifest(NULL, true, &len, exe);
	CHECK_ERR(integrity_manifest_parse(text, len, &m, NULL), ISO_OK);
	if (m != NULL) {
		CHECK_ERR(integrity_check_process(m, &r), ISO_E_IMAGE_CHANGED);
		CHECK(r.nmismatches == 1 && r.kept[0].problem == INTEGRITY_CHANGED &&
		      strcmp(r.kept[0].path, exe) == 0);
		integrity_report_clear(&r);
	}
	integrity_manifest_free(m);
	m = NULL;
	free(text);
	/* a library mapped that the image does not hold */
	text = process_manifest(lib, false, &len, exe);
	CHECK_ERR(integrity_manifest_parse(text, len, &m, NULL), ISO_OK);
	if (m != NULL && lib != NULL) {
		CHECK_ERR(integrity_check_process(m, &r), ISO_E_IMAGE_CHANGED);
		CHECK(r.nmismatches == 1 && r.kept[0].problem == INTEGRITY_UNLISTED &&
		      strcmp(r.kept[0].path, lib) == 0);
		integrity_report_clear(&r);
	}
	integrity_manifest_free(m);
	free(text);
	for (size_t i = 0; i < nobjs; i++)
		free(objs[i].path);
}

int main(void)
{
	char cmd[300];
	char fsha[65];
	snprintf(root, sizeof root, "/tmp/test_integrity.XXXXXX");
	if (mkdtemp(root) == NULL)
		return 1;
	test_root();
	test_malformed();
	test_process();
	/* the SHA-256 of "abc" (FIPS 180-2), read in blocks */
	put("/abc", "abc", 3);
	CHECK_ERR(integrity_file_sha256(full("/abc"), fsha), ISO_OK);
	CHECK(strcmp(fsha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	CHECK_ERR(integrity_file_sha256(full("/none"), fsha), ISO_E_IO);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return check_status();
}
