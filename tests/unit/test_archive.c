/* The .bel archive: belenios-tool's archive reads, passes the byte-exact
 * canonical check, and is rebuilt byte for byte by our writer; damaged
 * archives are refused with their own error; an append cut short by a crash
 * is cut off by the next append and never survives. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "check.h"
#include "jsondoc.h"

static char *find_bel(const char *dir)
{
	char path[1024], uuid[64];
	FILE *f;
	snprintf(path, sizeof path, "%s/belenios-ref/uuid.txt", dir);
	f = fopen(path, "r");
	if (f == NULL || fscanf(f, "%63s", uuid) != 1)
		exit(2);
	fclose(f);
	snprintf(path, sizeof path, "%s/belenios-ref/%s.bel", dir, uuid);
	return strdup(path);
}

static char *slurp(const char *path, size_t *len)
{
	char *b = NULL;
	if (iso_file_read(path, 1u << 30, &b, len) != ISO_OK)
		return NULL;
	return b;
}

static void spit(const char *path, const char *data, size_t len)
{
	unlink(path);
	CHECK_ERR(iso_file_write_atomic(path, data, len, 0644), ISO_OK);
}

static enum iso_err open_check(const char *path)
{
	struct iso_archive *ar = NULL;
	struct iso_where w;
	enum iso_err err;
	iso_where_clear(&w);
	err = iso_archive_open(path, &ar, &w);
	if (err == ISO_OK)
		err = iso_archive_check_canonical(ar, &w);
	iso_archive_close(ar);
	return err;
}

/* the data members an event's group writes before the event itself */
static size_t event_data(const struct iso_archive *ar, size_t i, struct iso_blob *out)
{
	const struct iso_event *ev = iso_archive_event(ar, i);
	const struct iso_member *p = iso_archive_payload(ar, i);
	json_t *j = NULL;
	size_t n = 0;
	if (p == NULL)
		return 0;
	if (ev->type == ISO_EV_ENCRYPTED_TALLY || ev->type == ISO_EV_PARTIAL_DECRYPTION) {
		const char *key = ev->type == ISO_EV_ENCRYPTED_TALLY ? "encrypted_tally" : "payload";
		iso_json_parse(p->body, p->len, &j);
		const struct iso_member *inner = iso_archive_find(ar, json_string_value(json_object_get(j, key)));
		json_decref(j);
		CHECK(inner != NULL);
		if (inner != NULL)
			out[n++] = (struct iso_blob){inner->body, inner->len};
	}
	out[n++] = (struct iso_blob){p->body, p->len};
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data";
	char *bel = find_bel(dir), tmpdir[] = "/tmp/iso-archive-XXXXXX", path[1200], copy[1200];
	struct iso_archive *ar = NULL;
	size_t len, len2;
	char *orig = slurp(bel, &len), *again;

	CHECK(orig != NULL && mkdtemp(tmpdir) != NULL);
	CHECK_ERR(iso_archive_open(bel, &ar, NULL), ISO_OK);
	if (ar == NULL)
		return check_status();
	CHECK_ERR(iso_archive_check_canonical(ar, NULL), ISO_OK);
	CHECK(iso_archive_nevents(ar) == 12);
	CHECK(iso_archive_event(ar, 0)->type == ISO_EV_SETUP);
	CHECK(iso_archive_event(ar, 11)->type == ISO_EV_RESULT);

	/* rebuild it with our writer, same timestamp: identical bytes */
	{
		const struct iso_member *setup = iso_archive_payload(ar, 0);
		json_t *j = NULL;
		struct iso_blob parts[3];
		static const char *const keys[] = {"election", "trustees", "credentials"};
		iso_json_parse(setup->body, setup->len, &j);
		for (int k = 0; k < 3; k++) {
			const struct iso_member *m = iso_archive_find(ar, json_string_value(json_object_get(j, keys[k])));
			parts[k] = (struct iso_blob){m->body, m->len};
		}
		json_decref(j);
		snprintf(path, sizeof path, "%s/rebuilt.bel", tmpdir);
		CHECK_ERR(iso_archive_create(path, iso_archive_timestamp(ar), parts[0], parts[1], parts[2]), ISO_OK);
		CHECK_ERR(iso_archive_create(path, 0, parts[0], parts[1], parts[2]), ISO_E_ARCHIVE_EXISTS);
		for (size_t i = 1; i < iso_archive_nevents(ar); i++) {
			struct iso_blob data[2];
			size_t n = event_data(ar, i, data);
			CHECK_ERR(iso_archive_append(path, iso_archive_event(ar, i)->type, data, n), ISO_OK);
		}
		again = slurp(path, &len2);
		CHECK(again != NULL && len2 == len && memcmp(orig, again, len) == 0);
		free(again);
	}

	snprintf(copy, sizeof copy, "%s/damaged.bel", tmpdir);
	/* a flipped byte inside a ballot */
	{
		const struct iso_member *m = iso_archive_payload(ar, 1);
		size_t at = m->offset + 512 + 100;
		orig[at] ^= 1;
		spit(copy, orig, len);
		CHECK_ERR(open_check(copy), ISO_E_ARCHIVE_HASH);
		orig[at] ^= 1;
	}
	/* another mtime in one member header */
	{
		const struct iso_member *m = iso_archive_payload(ar, 2);
		size_t at = m->offset + 146;
		orig[at] = orig[at] == '0' ? '1' : '0';
		spit(copy, orig, len);
		CHECK_ERR(open_check(copy), ISO_E_ARCHIVE_NOT_CANONICAL);
		orig[at] = orig[at] == '0' ? '1' : '0';
	}
	/* tar end-of-archive blocks, as GNU tar would add */
	{
		char *z = calloc(1, len + 1024);
		memcpy(z, orig, len);
		spit(copy, z, len + 1024);
		CHECK_ERR(open_check(copy), ISO_E_ARCHIVE_FORMAT);
		free(z);
	}
	/* crash in the middle of appending the Result: every cut is refused by a
	 * reader and cut off by the next writer */
	{
		const struct iso_event *last = iso_archive_event(ar, 11);
		const struct iso_member *res = iso_archive_payload(ar, 11);
		size_t group_start = res->offset, end = len;
		(void)last;
		for (size_t cut = group_start + 1; cut < end; cut += 997) {
			spit(copy, orig, cut);
			CHECK(open_check(copy) != ISO_OK);
			struct iso_blob data = {res->body, res->len};
			CHECK_ERR(iso_archive_append(copy, ISO_EV_RESULT, &data, 1), ISO_OK);
			again = slurp(copy, &len2);
			CHECK(again != NULL && len2 == len && memcmp(again, orig, len) == 0);
			free(again);
		}
	}
	/* events without their ordering rule */
	{
		struct iso_blob none = {NULL, 0};
		spit(copy, orig, len);
		CHECK_ERR(iso_archive_append(copy, ISO_EV_SETUP, &none, 1), ISO_E_INVALID_ARG);
		CHECK_ERR(iso_archive_append(copy, ISO_EV_END_BALLOTS, &none, 1), ISO_E_INVALID_ARG);
		CHECK_ERR(iso_archive_append(copy, ISO_EV_BALLOT, NULL, 0), ISO_E_INVALID_ARG);
	}

	iso_archive_close(ar);
	snprintf(path, sizeof path, "rm -rf '%s'", tmpdir);
	CHECK(system(path) == 0);
	free(orig);
	free(bel);
	return check_status();
}
