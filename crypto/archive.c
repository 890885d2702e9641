/* The .bel archive (see archive.h). Byte layout of a member header, as
 * belenios-tool writes it: name at 0, "0000644" at 100, "0000000" at 108 and
 * 116, size "%011o" at 124, mtime "%011o" at 136, checksum "%06o\0 " at 148
 * (sum of the header bytes with the checksum field as spaces), '0' at 156,
 * everything else NUL; the body follows, NUL-padded to 512 bytes. */
#include "archive.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "jsondoc.h"

#define BLOCK 512

static const char *const event_names[ISO_EV__COUNT] = {
	"Setup",   "Ballot",     "EndBallots",        "EncryptedTally",
	"Shuffle", "EndShuffles", "PartialDecryption", "Result",
};

const char *iso_event_type_name(enum iso_event_type t)
{
	return (unsigned)t < ISO_EV__COUNT ? event_names[t] : "?";
}

int iso_event_type_parse(const char *s)
{
	for (int i = 0; i < ISO_EV__COUNT; i++)
		if (strcmp(s, event_names[i]) == 0)
			return i;
	return -1;
}

struct iso_archive {
	int fd;
	const char *map;
	size_t size;
	uint64_t timestamp;
	struct iso_member *members;
	size_t nmembers;
	size_t *slots; /* open-addressing index of members by hash: index + 1, 0 = empty */
	size_t nslots;
	struct iso_event *events; /* chain order */
	size_t nevents;
};

static size_t padded(size_t n)
{
	return (n + BLOCK - 1) / BLOCK * BLOCK;
}

/* ---- header bytes ---- */

static void header_make(unsigned char h[BLOCK], const char *name, size_t size, uint64_t mtime)
{
	unsigned sum = 0;
	char tmp[16];
	memset(h, 0, BLOCK);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf(tmp, sizeof tmp, "%011" PRIo64, (uint64_t)size);
	memcpy(h + 124, tmp, 11);
	snprintf(tmp, sizeof tmp, "%011" PRIo64, mtime);
	memcpy(h + 136, tmp, 11);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	for (int i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf(tmp, sizeof tmp, "%06o", sum);
	memcpy(h + 148, tmp, 6);
	h[154] = '\0';
	h[155] = ' ';
}

/* Parse the name and size of a member header. */
static enum iso_err header_read(const unsigned char *h, char name[101], size_t *size)
{
	const unsigned char *nul = memchr(h, '\0', 100);
	uint64_t v = 0;
	if (nul == NULL || nul == h)
		return ISO_E_ARCHIVE_FORMAT;
	memcpy(name, h, (size_t)(nul - h));
	name[nul - h] = '\0';
	for (int i = 124; i < 135; i++) {
		if (h[i] < '0' || h[i] > '7')
			return ISO_E_ARCHIVE_FORMAT;
		v = v * 8 + (uint64_t)(h[i] - '0');
	}
	if (v > (uint64_t)ISO_JSON_MAX_BYTES)
		return ISO_E_TOO_LARGE;
	*size = (size_t)v;
	return ISO_OK;
}

/* "<hex>.data.json" or "<hex>.event.json" */
static bool name_parse(const char *name, char hex[65], bool *is_event)
{
	size_t n = strlen(name);
	if (n < 65 || !iso_is_hex_hash(name, 64) || name[64] != '.')
		return false;
	if (strcmp(name + 64, ".data.json") == 0)
		*is_event = false;
	else if (strcmp(name + 64, ".event.json") == 0)
		*is_event = true;
	else
		return false;
	memcpy(hex, name, 64);
	hex[64] = '\0';
	return true;
}

/* ---- JSON of the archive's own objects ---- */

static const struct iso_field header_fields[] = {
	{"version", JSON_INTEGER, false},
	{"timestamp", JSON_STRING, false},
};

static enum iso_err archive_header_parse(const char *body, size_t len, uint64_t *ts)
{
	json_t *j = NULL, *f[2];
	enum iso_err err = iso_json_parse(body, len, &j);
	const char *s;
	uint64_t v = 0;
	if (err != ISO_OK)
		return ISO_E_ARCHIVE_HEADER;
	err = ISO_E_ARCHIVE_HEADER;
	if (iso_json_fields(j, header_fields, 2, f) != ISO_OK || json_integer_value(f[0]) != 1)
		goto out;
	s = json_string_value(f[1]);
	if (s[0] == '\0' || strlen(s) > 19 || (s[0] == '0' && s[1] != '\0'))
		goto out;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto out;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ts = v;
	err = ISO_OK;
out:
	json_decref(j);
	return err;
}

static char *archive_header_json(uint64_t ts)
{
	char *s = malloc(64);
	if (s != NULL)
		snprintf(s, 64, "{\"version\":1,\"timestamp\":\"%" PRIu64 "\"}", ts);
	return s;
}

static const struct iso_field event_fields[] = {
	{"parent", JSON_STRING, true},
	{"height", JSON_INTEGER, false},
	{"type", JSON_STRING, false},
	{"payload", JSON_STRING, true},
};

static enum iso_err event_parse(const struct iso_member *m, struct iso_event *ev)
{
	json_t *j = NULL, *f[4];
	enum iso_err err = iso_json_parse(m->body, m->len, &j);
	int t;
	if (err != ISO_OK)
		return ISO_E_ARCHIVE_FORMAT;
	err = ISO_E_ARCHIVE_FORMAT;
	if (iso_json_fields(j, event_fields, 4, f) != ISO_OK)
		goto out;
	t = iso_event_type_parse(json_string_value(f[2]));
	if (t < 0 || json_integer_value(f[1]) < 0 || json_integer_value(f[1]) > 1000000000)
		goto out;
	memset(ev, 0, sizeof *ev);
	ev->type = (enum iso_event_type)t;
	ev->height = (int)json_integer_value(f[1]);
	ev->member = m;
	if (f[0] != NULL) {
		if (!iso_is_hex_hash(json_string_value(f[0]), json_string_length(f[0])))
			goto out;
		ev->has_parent = true;
		memcpy(ev->parent, json_string_value(f[0]), 65);
	}
	if (f[3] != NULL) {
		if (!iso_is_hex_hash(json_string_value(f[3]), json_string_length(f[3])))
			goto out;
		ev->has_payload = true;
		memcpy(ev->payload, json_string_value(f[3]), 65);
	}
	err = iso_json_is_canonical(j, m->body, m->len) ? ISO_OK : ISO_E_ARCHIVE_NOT_CANONICAL;
out:
	json_decref(j);
	return err;
}

static char *event_json(const struct iso_event *ev, size_t *len)
{
	char buf[256];
	int n = snprintf(buf, sizeof buf, "{%s%s%s\"height\":%d,\"type\":\"%s\"%s%s%s}",
			 ev->has_parent ? "\"parent\":\"" : "", ev->has_parent ? ev->parent : "",
			 ev->has_parent ? "\"," : "", ev->height, iso_event_type_name(ev->type),
			 ev->has_payload ? ",\"payload\":\"" : "",
			 ev->has_payload ? ev->payload : "", ev->has_payload ? "\"" : "");
	*len = (size_t)n;
	return strdup(buf);
}

/* ---- index ---- */

static uint64_t hex_key(const char *hex)
{
	uint64_t k = 0;
	for (int i = 0; i < 16; i++)
		k = k << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return k;
}

static enum iso_err index_build(struct iso_archive *ar)
{
	ar->nslots = 16;
	while (ar->nslots < ar->nmembers * 2 + 1)
		ar->nslots *= 2;
	ar->slots = calloc(ar->nslots, sizeof *ar->slots);
	if (ar->slots == NULL)
		return ISO_E_NOMEM;
	for (size_t i = 1; i < ar->nmembers; i++) {
		size_t s = (size_t)hex_key(ar->members[i].hex) & (ar->nslots - 1);
		while (ar->slots[s] != 0)
			s = (s + 1) & (ar->nslots - 1);
		ar->slots[s] = i + 1;
	}
	return ISO_OK;
}

const struct iso_member *iso_archive_find(const struct iso_archive *ar, const char *hex)
{
	size_t s;
	if (ar->nslots == 0 || !iso_is_hex_hash(hex, strlen(hex)))
		return NULL;
	s = (size_t)hex_key(hex) & (ar->nslots - 1);
	while (ar->slots[s] != 0) {
		const struct iso_member *m = &ar->members[ar->slots[s] - 1];
		if (memcmp(m->hex, hex, 64) == 0)
			return m;
		s = (s + 1) & (ar->nslots - 1);
	}
	return NULL;
}

/* ---- reading ---- */

void iso_archive_close(struct iso_archive *ar)
{
	if (ar == NULL)
		return;
	if (ar->map != NULL && ar->size > 0)
		munmap((void *)ar->map, ar->size);
	if (ar->fd >= 0)
		close(ar->fd);
	free(ar->members);
	free(ar->slots);
	free(ar->events);
	free(ar);
}

/* Walk the members of map[0..size). In tolerant mode stop quietly at the
 * first incomplete member and report in *ret_end the end of the last
 * complete event member (what a writer keeps). */
static enum iso_err members_scan(struct iso_archive *ar, bool tolerant, size_t *ret_end,
				 struct iso_where *where)
{
	size_t off = 0, cap = 0, last_event_end = 0;
	char name[101];
	while (off < ar->size) {
		size_t len;
		struct iso_member *m;
		if (ar->size - off < BLOCK ||
		    header_read((const unsigned char *)ar->map + off, name, &len) != ISO_OK ||
		    ar->size - off - BLOCK < padded(len)) {
			if (tolerant)
				break;
			return ISO_E_ARCHIVE_FORMAT;
		}
		if (ar->nmembers == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct iso_member *nm = realloc(ar->members, ncap * sizeof *nm);
			if (nm == NULL)
				return ISO_E_NOMEM;
			ar->members = nm;
			cap = ncap;
		}
		m = &ar->members[ar->nmembers];
		memset(m, 0, sizeof *m);
		m->offset = off;
		m->body = ar->map + off + BLOCK;
		m->len = len;
		if (ar->nmembers == 0) {
			if (strcmp(name, "BELENIOS") != 0 ||
			    archive_header_parse(m->body, m->len, &ar->timestamp) != ISO_OK)
				return ISO_E_ARCHIVE_HEADER;
		} else if (!name_parse(name, m->hex, &m->is_event)) {
			if (tolerant)
				break;
			return ISO_E_ARCHIVE_FORMAT;
		} else {
			char hex[65];
			iso_sha256_hex(m->body, m->len, hex);
			if (strcmp(hex, m->hex) != 0) {
				if (tolerant)
					break;
				if (where != NULL)
					where->height = -1;
				return ISO_E_ARCHIVE_HASH;
			}
		}
		ar->nmembers++;
		off += BLOCK + padded(len);
		if (m->is_event)
			last_event_end = off;
	}
	if (ret_end != NULL)
		*ret_end = last_event_end;
	return ar->nmembers == 0 ? ISO_E_ARCHIVE_HEADER : ISO_OK;
}

static enum iso_err chain_build(struct iso_archive *ar, struct iso_where *where)
{
	const struct iso_member *last = NULL;
	struct iso_event ev;
	size_t n = 0, cap = 0;
	enum iso_err err;
	for (size_t i = ar->nmembers; i-- > 1;)
		if (ar->members[i].is_event) {
			last = &ar->members[i];
			break;
		}
	if (last == NULL)
		return ISO_E_ARCHIVE_NO_EVENTS;
	/* from the last event back to height 0, then reversed */
	for (const struct iso_member *m = last; m != NULL;) {
		if ((err = event_parse(m, &ev)) != ISO_OK) {
			if (where != NULL)
				where->height = (int)n;
			return err;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct iso_event *ne = realloc(ar->events, ncap * sizeof *ne);
			if (ne == NULL)
				return ISO_E_NOMEM;
			ar->events = ne;
			cap = ncap;
		}
		ar->events[n++] = ev;
		if (n > ar->nmembers)
			return ISO_E_ARCHIVE_CHAIN; /* a cycle */
		if (!ev.has_parent) {
			m = NULL;
		} else {
			m = iso_archive_find(ar, ev.parent);
			if (m == NULL || !m->is_event) {
				if (where != NULL)
					where->height = ev.height;
				return ISO_E_ARCHIVE_CHAIN;
			}
		}
	}
	for (size_t i = 0; i < n / 2; i++) {
		ev = ar->events[i];
		ar->events[i] = ar->events[n - 1 - i];
		ar->events[n - 1 - i] = ev;
	}
	ar->nevents = n;
	for (size_t i = 0; i < n; i++) {
		const struct iso_event *e = &ar->events[i];
		if (e->height != (int)i || e->has_parent != (i > 0) ||
		    (i > 0 && strcmp(e->parent, ar->events[i - 1].member->hex) != 0)) {
			if (where != NULL)
				where->height = (int)i;
			return ISO_E_ARCHIVE_CHAIN;
		}
		if (e->type == ISO_EV_SETUP ? i != 0 : i == 0) {
			if (where != NULL)
				where->height = (int)i;
			return ISO_E_ARCHIVE_EVENT_ORDER;
		}
	}
	return ISO_OK;
}

static enum iso_err archive_map(const char *path, bool writable, struct iso_archive **ret)
{
	struct iso_archive *ar = calloc(1, sizeof *ar);
	struct stat st;
	if (ar == NULL)
		return ISO_E_NOMEM;
	ar->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (ar->fd < 0 || fstat(ar->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		iso_archive_close(ar);
		return ISO_E_IO;
	}
	ar->size = (size_t)st.st_size;
	if (ar->size > 0) {
		void *p = mmap(NULL, ar->size, PROT_READ, MAP_PRIVATE, ar->fd, 0);
		if (p == MAP_FAILED) {
			iso_archive_close(ar);
			return ISO_E_IO;
		}
		ar->map = p;
		madvise(p, ar->size, MADV_SEQUENTIAL);
	}
	*ret = ar;
	return ISO_OK;
}

enum iso_err iso_archive_open(const char *path, struct iso_archive **ret, struct iso_where *where)
{
	struct iso_archive *ar;
	enum iso_err err = archive_map(path, false, &ar);
	if (err != ISO_OK)
		return err;
	if ((err = members_scan(ar, false, NULL, where)) != ISO_OK ||
	    (err = index_build(ar)) != ISO_OK || (err = chain_build(ar, where)) != ISO_OK) {
		iso_archive_close(ar);
		return err;
	}
	*ret = ar;
	return ISO_OK;
}

uint64_t iso_archive_timestamp(const struct iso_archive *ar)
{
	return ar->timestamp;
}

size_t iso_archive_nevents(const struct iso_archive *ar)
{
	return ar->nevents;
}

const struct iso_event *iso_archive_event(const struct iso_archive *ar, size_t i)
{
	return i < ar->nevents ? &ar->events[i] : NULL;
}

const struct iso_member *iso_archive_payload(const struct iso_archive *ar, size_t i)
{
	const struct iso_event *e = iso_archive_event(ar, i);
	return e != NULL && e->has_payload ? iso_archive_find(ar, e->payload) : NULL;
}

/* The hashes a payload refers to, in the order their members precede it. */
static enum iso_err payload_refs(const struct iso_event *ev, const struct iso_member *payload,
				 char refs[3][65], int *nrefs)
{
	static const struct iso_field setup_fields[] = {
		{"election", JSON_STRING, false},
		{"trustees", JSON_STRING, false},
		{"credentials", JSON_STRING, false},
	};
	static const struct iso_field owned_fields[] = {
		{"owner", JSON_INTEGER, false},
		{"payload", JSON_STRING, false},
	};
	json_t *j = NULL, *f[3];
	enum iso_err err = ISO_OK;
	int want = 0, at = 0;
	*nrefs = 0;
	switch (ev->type) {
	case ISO_EV_SETUP:
		want = 3;
		break;
	case ISO_EV_ENCRYPTED_TALLY:
		want = 1;
		at = 2;
		break;
	case ISO_EV_SHUFFLE:
	case ISO_EV_PARTIAL_DECRYPTION:
		want = 1;
		at = 1;
		break;
	default:
		return ISO_OK;
	}
	if (iso_json_parse(payload->body, payload->len, &j) != ISO_OK)
		return ISO_E_ARCHIVE_FORMAT;
	if (ev->type == ISO_EV_SETUP)
		err = iso_json_fields(j, setup_fields, 3, f);
	else if (ev->type == ISO_EV_ENCRYPTED_TALLY)
		f[2] = json_object_get(j, "encrypted_tally"), err = json_is_string(f[2]) ? ISO_OK : ISO_E_SHAPE;
	else
		err = iso_json_fields(j, owned_fields, 2, f);
	if (err != ISO_OK) {
		err = ISO_E_ARCHIVE_FORMAT;
		goto out;
	}
	for (int i = 0; i < want; i++) {
		const json_t *s = f[at + i];
		if (!iso_is_hex_hash(json_string_value(s), json_string_length(s))) {
			err = ISO_E_ARCHIVE_FORMAT;
			goto out;
		}
		memcpy(refs[i], json_string_value(s), 65);
	}
	*nrefs = want;
out:
	json_decref(j);
	return err;
}

/* Compare the canonical member (name, body) with the file at *off. */
static bool member_matches(const struct iso_archive *ar, size_t *off, const char *name,
			   const char *body, size_t len)
{
	unsigned char h[BLOCK];
	size_t pad = padded(len) - len;
	header_make(h, name, len, ar->timestamp);
	if (ar->size - *off < BLOCK + padded(len) || memcmp(ar->map + *off, h, BLOCK) != 0 ||
	    memcmp(ar->map + *off + BLOCK, body, len) != 0)
		return false;
	for (size_t i = 0; i < pad; i++)
		if (ar->map[*off + BLOCK + len + i] != '\0')
			return false;
	*off += BLOCK + padded(len);
	return true;
}

static bool data_matches(const struct iso_archive *ar, size_t *off, const struct iso_member *m,
			 bool is_event)
{
	char name[80];
	snprintf(name, sizeof name, "%s.%s.json", m->hex, is_event ? "event" : "data");
	return member_matches(ar, off, name, m->body, m->len);
}

enum iso_err iso_archive_check_canonical(const struct iso_archive *ar, struct iso_where *where)
{
	size_t off = 0;
	char *hj = archive_header_json(ar->timestamp);
	bool ok;
	if (hj == NULL)
		return ISO_E_NOMEM;
	ok = member_matches(ar, &off, "BELENIOS", hj, strlen(hj));
	free(hj);
	if (!ok)
		return ISO_E_ARCHIVE_NOT_CANONICAL;
	for (size_t i = 0; i < ar->nevents; i++) {
		const struct iso_event *ev = &ar->events[i];
		const struct iso_member *payload = NULL;
		char refs[3][65];
		int nrefs = 0;
		enum iso_err err;
		size_t elen;
		char *ej;
		if (where != NULL)
			where->height = (int)i;
		bool no_payload = ev->type == ISO_EV_END_BALLOTS || ev->type == ISO_EV_END_SHUFFLES;
		if (ev->has_payload == no_payload)
			return ISO_E_ARCHIVE_FORMAT;
		if (ev->has_payload) {
			payload = iso_archive_find(ar, ev->payload);
			if (payload == NULL)
				return ISO_E_ARCHIVE_MISSING_DATA;
			if ((err = payload_refs(ev, payload, refs, &nrefs)) != ISO_OK)
				return err;
		}
		for (int k = 0; k < nrefs; k++) {
			const struct iso_member *m = iso_archive_find(ar, refs[k]);
			if (m == NULL)
				return ISO_E_ARCHIVE_MISSING_DATA;
			if (!data_matches(ar, &off, m, false))
				return ISO_E_ARCHIVE_NOT_CANONICAL;
		}
		if (payload != NULL && !data_matches(ar, &off, payload, false))
			return ISO_E_ARCHIVE_NOT_CANONICAL;
		/* the event as belenios re-serialises it */
		ej = event_json(ev, &elen);
		if (ej == NULL)
			return ISO_E_NOMEM;
		ok = elen == ev->member->len && memcmp(ej, ev->member->body, elen) == 0 &&
		     data_matches(ar, &off, ev->member, true);
		free(ej);
		if (!ok)
			return ISO_E_ARCHIVE_NOT_CANONICAL;
	}
	if (where != NULL)
		where->height = -1;
	return off == ar->size ? ISO_OK : ISO_E_ARCHIVE_NOT_CANONICAL;
}

/* ---- writing ---- */

static enum iso_err write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return ISO_E_IO;
		}
		p += w;
		len -= (size_t)w;
	}
	return ISO_OK;
}

static enum iso_err member_write(int fd, const char *name, const char *body, size_t len,
				 uint64_t ts)
{
	unsigned char h[BLOCK];
	static const unsigned char zeros[BLOCK];
	enum iso_err err;
	header_make(h, name, len, ts);
	if ((err = write_all(fd, h, BLOCK)) != ISO_OK || (err = write_all(fd, body, len)) != ISO_OK)
		return err;
	return write_all(fd, zeros, padded(len) - len);
}

static enum iso_err record_write(int fd, const char *body, size_t len, bool is_event, uint64_t ts,
				 char hex[65])
{
	char name[80];
	iso_sha256_hex(body, len, hex);
	snprintf(name, sizeof name, "%s.%s.json", hex, is_event ? "event" : "data");
	return member_write(fd, name, body, len, ts);
}

/* Write data members and one event after the event (parent_hex, height-1). */
static enum iso_err group_write(int fd, uint64_t ts, enum iso_event_type type,
				const struct iso_blob *data, size_t ndata, const char *parent_hex,
				int height, char ret_hex[65])
{
	struct iso_event ev = {0};
	char hex[65];
	enum iso_err err;
	size_t elen;
	char *ej;
	for (size_t i = 0; i < ndata; i++)
		if ((err = record_write(fd, data[i].data, data[i].len, false, ts, hex)) != ISO_OK)
			return err;
	ev.height = height;
	ev.type = type;
	if (parent_hex != NULL) {
		ev.has_parent = true;
		memcpy(ev.parent, parent_hex, 65);
	}
	if (ndata > 0) {
		ev.has_payload = true;
		memcpy(ev.payload, hex, 65);
	}
	ej = event_json(&ev, &elen);
	if (ej == NULL)
		return ISO_E_NOMEM;
	err = record_write(fd, ej, elen, true, ts, hex);
	free(ej);
	if (err == ISO_OK && ret_hex != NULL)
		memcpy(ret_hex, hex, 65);
	return err;
}

static void dir_sync(const char *path)
{
	char *copy = strdup(path);
	int dfd;
	if (copy == NULL)
		return;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
}

static uint64_t timestamp_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde != NULL && sde[0] != '\0') {
		char *end;
		unsigned long long v = strtoull(sde, &end, 10);
		if (*end == '\0')
			return v;
	}
	return (uint64_t)time(NULL);
}

enum iso_err iso_archive_create(const char *path, uint64_t timestamp, struct iso_blob election,
				struct iso_blob trustees, struct iso_blob public_creds)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32), *hj = NULL, *setup = NULL;
	char he[65], ht[65], hc[65];
	int fd = -1;
	enum iso_err err = ISO_E_NOMEM;
	struct iso_blob data[4];
	if (tmp == NULL)
		return err;
	if (timestamp == 0)
		timestamp = timestamp_now();
	snprintf(tmp, plen + 32, "%s.new%d", path, (int)getpid());
	hj = archive_header_json(timestamp);
	setup = malloc(256);
	if (hj == NULL || setup == NULL)
		goto out;
	iso_sha256_hex(election.data, election.len, he);
	iso_sha256_hex(trustees.data, trustees.len, ht);
	iso_sha256_hex(public_creds.data, public_creds.len, hc);
	snprintf(setup, 256, "{\"election\":\"%s\",\"trustees\":\"%s\",\"credentials\":\"%s\"}", he,
		 ht, hc);
	data[0] = election;
	data[1] = trustees;
	data[2] = public_creds;
	data[3] = (struct iso_blob){setup, strlen(setup)};
	err = ISO_E_IO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if ((err = member_write(fd, "BELENIOS", hj, strlen(hj), timestamp)) != ISO_OK ||
	    (err = group_write(fd, timestamp, ISO_EV_SETUP, data, 4, NULL, 0, NULL)) != ISO_OK)
		goto out;
	err = ISO_E_IO;
	if (fsync(fd) != 0)
		goto out;
	/* link, not rename: never replace an existing archive */
	if (link(tmp, path) != 0) {
		err = errno == EEXIST ? ISO_E_ARCHIVE_EXISTS : ISO_E_IO;
		goto out;
	}
	dir_sync(path);
	err = ISO_OK;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(hj);
	free(setup);
	return err;
}

enum iso_err iso_archive_append_events(const char *path, const struct iso_archive_event_in *evs,
				       size_t nevs)
{
	struct iso_archive *ar = NULL;
	enum iso_err err = archive_map(path, true, &ar);
	size_t end = 0;
	const struct iso_member *last = NULL;
	struct iso_event ev;
	char parent[65];
	if (err != ISO_OK)
		return err;
	for (size_t i = 0; i < nevs; i++)
		if (evs[i].type == ISO_EV_SETUP ||
		    ((evs[i].type == ISO_EV_END_BALLOTS || evs[i].type == ISO_EV_END_SHUFFLES) !=
		     (evs[i].ndata == 0))) {
			err = ISO_E_INVALID_ARG;
			goto out;
		}
	if ((err = members_scan(ar, true, &end, NULL)) != ISO_OK)
		goto out;
	for (size_t i = ar->nmembers; i-- > 1;)
		if (ar->members[i].is_event && ar->members[i].offset < end) {
			last = &ar->members[i];
			break;
		}
	if (last == NULL) {
		err = ISO_E_ARCHIVE_NO_EVENTS;
		goto out;
	}
	if ((err = event_parse(last, &ev)) != ISO_OK)
		goto out;
	/* cut off what a crashed append left after the last complete event */
	if (end < ar->size && ftruncate(ar->fd, (off_t)end) != 0) {
		err = ISO_E_IO;
		goto out;
	}
	if (lseek(ar->fd, (off_t)end, SEEK_SET) < 0) {
		err = ISO_E_IO;
		goto out;
	}
	memcpy(parent, last->hex, sizeof parent);
	for (size_t i = 0; i < nevs && err == ISO_OK; i++)
		err = group_write(ar->fd, ar->timestamp, evs[i].type, evs[i].data, evs[i].ndata,
				  parent, ev.height + 1 + (int)i, parent);
	if (err == ISO_OK && fsync(ar->fd) != 0)
		err = ISO_E_IO;
	if (err != ISO_OK && ftruncate(ar->fd, (off_t)end) == 0)
		fsync(ar->fd);
out:
	iso_archive_close(ar);
	return err;
}

enum iso_err iso_archive_append(const char *path, enum iso_event_type type,
				const struct iso_blob *data, size_t ndata)
{
	struct iso_archive_event_in ev = {type, data, ndata};
	return iso_archive_append_events(path, &ev, 1);
}
