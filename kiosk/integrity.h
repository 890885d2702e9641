/* The kiosk image's integrity (issue 6; R-SEAL-02: the bureau checks that
 * the expertised components are unchanged; R-POST-03: the post's image is
 * part of the expertise). The image ships /usr/share/isoloir/manifest.txt,
 * one line per regular file of its root filesystem but the manifest
 * itself, in sha256sum's format, sorted by path (C locale, byte order):
 *   <64 lowercase hex digits of SHA-256>  /absolute/path\n
 * and, as sha256sum (coreutils 9) writes a name holding a backslash, a
 * newline or a carriage return (systemd's units have backslashes), the
 * line starts with '\' and the name has them as \\, \n and \r.
 * The seal (bureau `operation seal`, component kiosk-image) holds the
 * SHA-256 of that file, so a manifest that is the sealed one vouches for
 * every hash it lists. At start-up the kiosk reads the manifest (checked
 * against the sealed hash when it knows it), then hashes its own files
 * again: its program, its data, its words, its fonts, its voice, the
 * libraries (integrity_check), and the very executable and shared objects
 * mapped into its process (integrity_check_process). Files are read in
 * blocks, never mapped whole; every file opened refuses a symbolic link
 * on its way (openat2 RESOLVE_NO_SYMLINKS where the kernel has it). */
#ifndef ISOLOIR_KIOSK_INTEGRITY_H
#define ISOLOIR_KIOSK_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define INTEGRITY_MANIFEST_PATH "/usr/share/isoloir/manifest.txt"
/* A Debian root of 200 000 files at 120 bytes a line is 24 MiB. */
#define INTEGRITY_MANIFEST_MAX (64u << 20)
#define INTEGRITY_PATH_MAX 4095 /* bytes, as PATH_MAX with its NUL */
/* a line: '\', the hash, two spaces, a path of which each byte may be escaped */
#define INTEGRITY_LINE_MAX (1 + 64 + 2 + 2 * INTEGRITY_PATH_MAX)
/* The mismatches a report keeps (all are counted). */
#define INTEGRITY_KEPT 16
/* integrity_check hashes on as many threads as cores, at most these. */
#define INTEGRITY_THREADS_MAX 4

struct integrity_entry {
	const char *path; /* into the manifest's own copy of the text */
	uint8_t sha256[32];
};

struct integrity_manifest {
	struct integrity_entry *entries; /* sorted by path, distinct */
	size_t n;
	char sha256[65]; /* the manifest file's own SHA-256, lowercase hex */
	char *text;      /* private */
};

/* Why a manifest is refused. */
enum integrity_fault {
	INTEGRITY_FAULT_NONE = 0,
	INTEGRITY_FAULT_TOO_LARGE,       /* beyond INTEGRITY_MANIFEST_MAX */
	INTEGRITY_FAULT_EMPTY,           /* no line at all */
	INTEGRITY_FAULT_NUL,             /* a NUL byte */
	INTEGRITY_FAULT_NO_FINAL_NEWLINE,/* the last line is not ended */
	INTEGRITY_FAULT_LINE_TOO_LONG,   /* a path beyond INTEGRITY_PATH_MAX */
	INTEGRITY_FAULT_HEX,             /* not 64 lowercase hex digits */
	INTEGRITY_FAULT_SEPARATOR,       /* not two spaces after the hash */
	INTEGRITY_FAULT_NOT_ABSOLUTE,    /* the path does not start with / */
	INTEGRITY_FAULT_ESCAPE,          /* not sha256sum's escapes, or where it puts none */
	INTEGRITY_FAULT_EMPTY_COMPONENT, /* "//" or a final "/" */
	INTEGRITY_FAULT_DOT_COMPONENT,   /* a "." or ".." component */
	INTEGRITY_FAULT_UNSORTED,        /* before the previous line's path */
	INTEGRITY_FAULT_DUPLICATE,       /* the previous line's path again */
};

/* Where: the line (from 1; 0 for the whole file) and why. */
struct integrity_where {
	size_t line;
	enum integrity_fault fault;
};
/* "line 12: …" (French or English). */
void integrity_where_format(const struct integrity_where *w, enum iso_lang lang, char *buf,
			    size_t size);

/* Parse len bytes (copied): ISO_E_MANIFEST with *where (may be NULL)
 * filled for any fault, ISO_E_NOMEM. */
enum iso_err integrity_manifest_parse(const char *text, size_t len,
				      struct integrity_manifest **ret,
				      struct integrity_where *where);
/* Read and parse the manifest at path. With expected_sha256 (64 hex
 * digits, or NULL when the seal's hash is not known here), a file of
 * another SHA-256 is ISO_E_MANIFEST_HASH, before it is parsed. ISO_E_IO
 * when it cannot be read. */
enum iso_err integrity_manifest_read(const char *path, const char *expected_sha256,
				     struct integrity_manifest **ret,
				     struct integrity_where *where);
void integrity_manifest_free(struct integrity_manifest *m);
/* The entry of a path, or NULL. */
const struct integrity_entry *integrity_manifest_find(const struct integrity_manifest *m,
						      const char *path);

/* The kiosk's own files, the default patterns (NULL-terminated). A
 * pattern ending in '/' is that folder's whole tree; any other is one
 * path, or an fnmatch(3) pattern whose wildcards stay inside one
 * component (FNM_PATHNAME). */
extern const char *const integrity_kiosk_files[];

enum integrity_problem {
	INTEGRITY_MISSING = 1, /* listed, not there */
	INTEGRITY_CHANGED,     /* another SHA-256 */
	INTEGRITY_NOT_REGULAR, /* a directory, a link (also on its way), a device… */
	INTEGRITY_UNREADABLE,  /* there, but it cannot be read */
	INTEGRITY_UNLISTED,    /* running in the process, not in the manifest */
};
/* "missing", "changed", … (French or English). */
const char *integrity_problem_name(enum integrity_problem p, enum iso_lang lang);

struct integrity_mismatch {
	char *path; /* malloc'd */
	enum integrity_problem problem;
};

struct integrity_report {
	size_t checked;      /* files looked at */
	uint64_t bytes;      /* bytes hashed */
	size_t nmismatches;  /* all of them */
	struct integrity_mismatch kept[INTEGRITY_KEPT]; /* the first ones */
};
/* Frees the paths kept; the report can be used again. */
void integrity_report_clear(struct integrity_report *r);

/* Hash again every file of m whose path matches one of patterns (NULL:
 * integrity_kiosk_files), each under root ("" or NULL: /; tests give a
 * fake root), on as many threads as cores (INTEGRITY_THREADS_MAX at
 * most), a file of several hard links once. ISO_OK when every one matches; ISO_E_IMAGE_CHANGED when any
 * does not. In both cases *ret is filled (integrity_report_clear it);
 * for any other error (ISO_E_IO: root cannot be opened; ISO_E_NOMEM) it
 * is left alone. */
enum iso_err integrity_check(const struct integrity_manifest *m, const char *root,
			     const char *const *patterns, struct integrity_report *ret);

/* The running process against m: the executable (hashed through
 * /proc/self/exe, the very file that was executed, listed under the path
 * it was started from) and each shared object mapped into the process
 * (by its real path); one mapped but not listed (LD_PRELOAD, a library
 * from elsewhere) is INTEGRITY_UNLISTED. Return and *ret as
 * integrity_check. */
enum iso_err integrity_check_process(const struct integrity_manifest *m,
				     struct integrity_report *ret);

/* SHA-256 of a file read in blocks (lowercase hex): ISO_E_IO when it
 * cannot be read. */
enum iso_err integrity_file_sha256(const char *path, char ret[65]);

#endif
