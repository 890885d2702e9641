/* The seals of an operation and its count with the holders' USB keys
 * (R-SEAL-02, R-SEAL-04, R-C19-SEALCHECK, R-D11-TALLY).
 *   operation seal --dir OP --file COMPONENTS [--wait S]
 *   operation seal-verify --dir OP
 *   operation tally --dir OP [--wait S]
 * COMPONENTS names the programs outside the operation's folder, a line
 * each, "NAME PATH": kiosk-image (the kiosk image's manifest),
 * isoloir-urn and isoloir-registry are required; the bureau's own
 * executable (the counting software) is always sealed. With them, the
 * seal's manifest holds the SHA-256 of operation.json (lists, candidates,
 * hours), members.json, each poll's election.json, trustees.json and
 * public_creds.json, the registry's registry-voters.json, and the opening
 * and closing times. The président's key and a délégué's key sign it
 * (ECDSA P-256, signature.h), each unlocked by its holder's passphrase:
 * OP/seal.json. seal-verify hashes everything again, checks the
 * signatures and who made them, names what changed, and journals the
 * check, at any moment (R-C19-SEALCHECK). The count checks the seal first,
 * then asks the président's key and délégués' keys until the threshold is
 * met (never fewer than the président and two délégués), then counts each
 * poll's archive (the .bel of OP/<uuid>) in one pass (cli_count), and has
 * belenios-tool verify the counted archive too when it is installed
 * (--no-reference: not; a 100 000-ballot poll takes it hours). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "group.h"
#include "hash.h"
#include "jsondoc.h"
#include "keyholder.h"
#include "ledger.h"
#include "pedersen.h"
#include "signature.h"
#include "timetext.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

extern char **environ;

static const char *const required_components[] = {"kiosk-image", "isoloir-urn", "isoloir-registry",
						  NULL};

/* where an item's path points: absolute, or inside OP */
static void item_path(const char *dir, const char *path, char *out, size_t size)
{
	if (path[0] == '/')
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%s/%s", dir, path);
}

static enum iso_err file_sha256(const char *path, char out[65])
{
	char *data = NULL;
	size_t len = 0;
	enum iso_err err = iso_file_read(path, 1u << 30, &data, &len);
	if (err == ISO_OK)
		iso_sha256_hex(data, len, out);
	free(data);
	return err;
}

static int add_item(const struct cli *c, const char *dir, json_t *items, const char *name,
		    const char *path)
{
	char sha[65], full[4096];
	enum iso_err err;
	item_path(dir, path, full, sizeof full);
	if ((err = file_sha256(full, sha)) != ISO_OK)
		return cli_error(c, full, err, NULL);
	json_array_append_new(items,
			      json_pack("{s:s, s:s, s:s}", "name", name, "path", path, "sha256", sha));
	return CLI_OK;
}

int cli_components(const struct cli *c, char *text,
		   int (*fn)(void *arg, const char *name, const char *path), void *arg)
{
	bool seen[3] = {false, false, false};
	int r;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp;
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((sp = strchr(line, ' ')) == NULL || sp[1] != '/') {
			fprintf(stderr, "E: %s : « %s » — %s\n", c->file, line,
				TR(c, "une ligne « NOM /CHEMIN/ABSOLU » attendue",
				   "a line \"NAME /ABSOLUTE/PATH\" expected"));
			return CLI_REFUSED;
		}
		*sp = '\0';
		for (size_t k = 0; required_components[k] != NULL; k++)
			seen[k] = seen[k] || strcmp(line, required_components[k]) == 0;
		if ((r = fn(arg, line, sp + 1)) != CLI_OK)
			return r;
	}
	for (size_t k = 0; required_components[k] != NULL; k++)
		if (!seen[k]) {
			fprintf(stderr, "E: %s : %s « %s » (R-SEAL-02)\n", c->file,
				TR(c, "il manque le composant", "the component is missing:"),
				required_components[k]);
			return CLI_REFUSED;
		}
	return CLI_OK;
}

struct items_arg {
	const struct cli *c;
	const char *dir;
	json_t *items;
};

static int component_item(void *arg, const char *name, const char *path)
{
	struct items_arg *a = arg;
	return add_item(a->c, a->dir, a->items, name, path);
}

/* the manifest's items: the operation's files, then the programs */
static int manifest_items(const struct cli *c, const char *dir, const json_t *op,
			  const char *components, json_t *items)
{
	static const char *const per_poll[] = {"election.json", "trustees.json", "public_creds.json"};
	const json_t *p;
	size_t i;
	char rel[256], name[256], self[PATH_MAX];
	int r;
	ssize_t n;
	if ((r = add_item(c, dir, items, "operation.json", "operation.json")) != CLI_OK ||
	    (r = add_item(c, dir, items, "members.json", "members.json")) != CLI_OK ||
	    (r = add_item(c, dir, items, "registry-voters.json", "registry-voters.json")) != CLI_OK)
		return r;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		const char *code = json_string_value(json_object_get(p, "code")),
			   *uuid = json_string_value(json_object_get(p, "uuid"));
		if (code == NULL || uuid == NULL)
			return cli_error(c, "operation.json", ISO_E_SHAPE, NULL);
		for (size_t k = 0; k < 3; k++) {
			snprintf(rel, sizeof rel, "%s/%s", uuid, per_poll[k]);
			snprintf(name, sizeof name, "%s %s", code, per_poll[k]);
			if ((r = add_item(c, dir, items, name, rel)) != CLI_OK)
				return r;
		}
	}
	/* the counting software: this very program */
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		return cli_error(c, "/proc/self/exe", ISO_E_IO, NULL);
	self[n] = '\0';
	if ((r = add_item(c, dir, items, "isoloir-bureau", self)) != CLI_OK)
		return r;
	struct items_arg a = {c, dir, items};
	return cli_components(c, (char *)components, component_item, &a);
}

/* Unlock the président's key, then délégués' keys until `need` holders
 * and `need_del` délégués at least are in; secrets[i] for holder i. */
static int gather(const struct cli *c, const struct holders *hs, size_t need, size_t need_del,
		  struct holder_secret *secrets, bool *present, size_t *ret_n)
{
	struct keysession *ks = NULL;
	bool accepted[HOLDERS_MAX];
	size_t n = 0, ndel = 0;
	enum iso_err err;
	int r = CLI_OK;
	memset(present, 0, hs->n * sizeof *present);
	if ((err = keysession_open(c, hs, (int)c->wait, &ks)) != ISO_OK)
		return cli_error(c, "udev", err, NULL);
	while (n < need || ndel < need_del || n == ndel) {
		char who[512], *text = NULL;
		size_t idx = 0, len = 0;
		bool want_chair = n == ndel; /* the président first */
		for (size_t i = 0; i < hs->n; i++)
			accepted[i] = !present[i] && hs->h[i].president == want_chair;
		if (want_chair) {
			for (size_t i = 0; i < hs->n; i++)
				if (hs->h[i].president) {
					char label[400];
					holder_label(c, &hs->h[i], label, sizeof label);
					snprintf(who, sizeof who, "%s %s", TR(c, "de", "of"), label);
				}
		} else {
			size_t at = 0;
			at += (size_t)snprintf(who, sizeof who, "%s [",
					       TR(c, "d’un délégué de liste", "of a list delegate"));
			for (size_t i = 0; i < hs->n && at < sizeof who; i++)
				if (accepted[i])
					at += (size_t)snprintf(who + at, sizeof who - at, "%sm%d",
							       who[at - 1] == '[' ? "" : " ", hs->h[i].member);
			if (at < sizeof who)
				snprintf(who + at, sizeof who - at, "]");
		}
		err = keysession_unlock(ks, accepted, who, &idx, &text, &len);
		if (err == ISO_OK) {
			err = holder_secret_parse(text, len, &secrets[idx]);
			OPENSSL_cleanse(text, len);
			free(text);
		}
		if (err != ISO_OK) {
			if (err == ISO_E_USB)
				fprintf(stderr, "E: %s : %zu %s %zu (%s %zu %s)\n",
					TR(c, "pas assez de détenteurs de clé", "not enough key holders"), n,
					TR(c, "présents, il en faut", "present,"), need,
					TR(c, "le président et", "the chair and"), need_del,
					TR(c, "délégué(s) au moins, R-D11-TALLY, R-SEAL-04",
					   "delegate(s) at least, R-D11-TALLY, R-SEAL-04"));
			r = cli_error(c, TR(c, "clé du membre", "member's key"), err, NULL);
			break;
		}
		present[idx] = true;
		n++;
		ndel += !hs->h[idx].president;
	}
	keysession_close(ks);
	*ret_n = n;
	return r;
}

/* ---- seal ---- */

/* R-SEAL-01: the last test election since the key ceremony passed */
struct tested {
	bool ceremony, passed;
};

static void tested_scan(void *arg, const json_t *entry)
{
	struct tested *t = arg;
	const char *ev = json_string_value(json_object_get(entry, "event"));
	if (ev == NULL)
		return;
	if (strcmp(ev, "keys-ceremony") == 0) {
		t->ceremony = true;
		t->passed = false;
	} else if (strcmp(ev, "test-election") == 0 && t->ceremony) {
		t->passed = json_is_true(json_object_get(entry, "ok"));
	}
}

static int cmd_seal(struct cli *c)
{
	struct holders hs;
	struct holder_secret secrets[HOLDERS_MAX];
	bool present[HOLDERS_MAX];
	char *components = NULL, *spath = cli_path(c, "seal.json"), stamp[ISO_TIME_UTC_LEN], sha[65];
	size_t clen = 0, n = 0;
	json_t *items = json_array(), *manifest = NULL, *sigs = json_array(), *seal = NULL;
	enum iso_err err;
	int r;
	memset(secrets, 0, sizeof secrets);
	if ((err = holders_read(c->dir != NULL ? c->dir : ".", &hs)) != ISO_OK) {
		holders_clear(&hs);
		free(spath);
		json_decref(items);
		json_decref(sigs);
		return cli_error(c, TR(c, "members.json (la cérémonie des clés a-t-elle eu lieu ?)",
				       "members.json (did the key ceremony take place?)"),
				 err, NULL);
	}
	if (access(spath, F_OK) == 0) {
		fprintf(stderr, "E: %s : %s\n", spath,
			TR(c, "l’opération est déjà scellée", "the operation is sealed already"));
		r = CLI_REFUSED;
		goto out;
	}
	{
		struct tested t = {false, false};
		char *jpath = cli_path(c, "journal.jsonl");
		size_t entries = 0, bad = 0;
		err = jpath != NULL ? ledger_verify(jpath, &entries, &bad, tested_scan, &t) : ISO_E_NOMEM;
		free(jpath);
		if (err != ISO_OK) {
			r = cli_error(c, "journal.jsonl", err, NULL);
			goto out;
		}
		if (!t.passed) {
			fprintf(stderr, "E: %s (R-SEAL-01)\n",
				TR(c, "pas de scellement sans une élection d’essai réussie depuis la cérémonie des clés "
				      "(operation test)",
				   "no seal without a test election passed since the key ceremony (operation test)"));
			r = CLI_REFUSED;
			goto out;
		}
	}
	if ((err = cli_read(c->file, &components, &clen)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	if ((r = manifest_items(c, c->dir != NULL ? c->dir : ".", hs.operation, components, items)) !=
	    CLI_OK)
		goto out;
	iso_time_utc((int64_t)time(NULL), stamp);
	manifest = json_pack("{s:s, s:s, s:O, s:O, s:O}", "operation", hs.opid, "sealed_at", stamp,
			     "opening", json_object_get(hs.operation, "opening"), "closing",
			     json_object_get(hs.operation, "closing"), "items", items);
	if (manifest == NULL || sigs == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	cli_secure_process(c);
	cli_info(c, TR(c, "manifeste de %zu éléments ; signatures du président et d’un délégué (R-SEAL-04)",
		       "manifest of %zu items; signatures of the chair and a delegate (R-SEAL-04)"),
		 json_array_size(items));
	/* the président and one délégué: two keys */
	if ((r = gather(c, &hs, 2, 1, secrets, present, &n)) != CLI_OK)
		goto out;
	for (size_t i = 0; i < hs.n; i++) {
		char *doc = NULL;
		json_t *d;
		if (!present[i])
			continue;
		if ((err = signature_sign(secrets[i].sign, manifest, &doc)) != ISO_OK ||
		    (err = iso_json_parse(doc, strlen(doc), &d)) != ISO_OK) {
			free(doc);
			r = cli_error(c, NULL, err, NULL);
			goto out;
		}
		free(doc);
		json_array_append_new(sigs, json_pack("{s:i, s:o}", "member", hs.h[i].member, "document", d));
	}
	seal = json_pack("{s:O, s:O}", "manifest", manifest, "signatures", sigs);
	{
		char *text = seal != NULL ? json_dumps(seal, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
		if (text == NULL) {
			r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
			goto out;
		}
		iso_sha256_hex(text, strlen(text), sha);
		err = cli_write_line(spath, text, false);
		free(text);
		if (err != ISO_OK) {
			r = cli_error(c, spath, err, NULL);
			goto out;
		}
	}
	{
		json_t *signers = json_array();
		for (size_t i = 0; i < hs.n; i++)
			if (present[i])
				json_array_append_new(signers, json_integer(hs.h[i].member));
		if ((r = cli_journal(c, "seal", json_pack("{s:s, s:I, s:o}", "manifest_sha256", sha, "items",
						      (json_int_t)json_array_size(items), "signers",
						      signers))) != CLI_OK)
			goto out;
	}
	cli_info(c, TR(c, "scellé : %s", "sealed: %s"), spath);
	r = CLI_OK;
out:
	for (size_t i = 0; i < HOLDERS_MAX; i++)
		holder_secret_clear(&secrets[i]);
	holders_clear(&hs);
	json_decref(items);
	json_decref(manifest);
	json_decref(sigs);
	json_decref(seal);
	if (components != NULL)
		OPENSSL_cleanse(components, clen);
	free(components);
	free(spath);
	return r;
}

/* ---- seal verify ---- */

int cli_seal_check(const struct cli *c)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	struct holders hs;
	json_t *seal = NULL, *changed = json_array();
	const json_t *manifest, *sigs, *it;
	char *spath = cli_path(c, "seal.json"), sha[65] = "";
	bool chair = false, delegate = false, sig_ok = true;
	size_t i;
	enum iso_err err;
	int r = CLI_REFUSED;
	if ((err = holders_read(dir, &hs)) != ISO_OK) {
		r = cli_error(c, "members.json", err, NULL);
		goto out;
	}
	{
		char *raw = NULL;
		size_t len = 0;
		if ((err = iso_file_read(spath, 16u << 20, &raw, &len)) != ISO_OK ||
		    (err = iso_json_parse(raw, len, &seal)) != ISO_OK) {
			free(raw);
			r = cli_error(c, spath, err, NULL);
			goto out;
		}
		/* the hash of the file as written (its trailing newline aside) */
		iso_sha256_hex(raw, len > 0 && raw[len - 1] == '\n' ? len - 1 : len, sha);
		free(raw);
	}
	manifest = json_object_get(seal, "manifest");
	sigs = json_object_get(seal, "signatures");
	if (!json_is_object(manifest) || !json_is_array(sigs)) {
		r = cli_error(c, spath, ISO_E_SHAPE, NULL);
		goto out;
	}
	/* the signatures, and who made them */
	json_array_foreach(sigs, i, it)
	{
		json_int_t m = json_integer_value(json_object_get(it, "member"));
		const struct holder *h = NULL;
		char *doc = json_dumps(json_object_get(it, "document"), JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_t *payload = NULL;
		for (size_t k = 0; k < hs.n; k++)
			if (hs.h[k].member == m)
				h = &hs.h[k];
		err = h == NULL || doc == NULL ? ISO_E_BAD_SIGNATURE
					       : signature_open(h->sign_pub, doc, strlen(doc), &payload);
		free(doc);
		if (err == ISO_OK && !json_equal(payload, manifest))
			err = ISO_E_BAD_SIGNATURE;
		json_decref(payload);
		if (err != ISO_OK) {
			fprintf(stderr, "E: %s m%lld : %s\n", TR(c, "signature du membre", "signature of member"),
				(long long)m, iso_strerror(err, c->lang));
			sig_ok = false;
			continue;
		}
		chair = chair || h->president;
		delegate = delegate || !h->president;
	}
	if (!chair || !delegate) {
		fprintf(stderr, "E: %s (R-SEAL-04)\n",
			TR(c, "le scellement doit porter la signature du président et celle d’un délégué de liste",
			   "the seal must bear the chair's signature and a list delegate's"));
		sig_ok = false;
	}
	if (!json_is_string(json_object_get(manifest, "operation")) ||
	    strcmp(json_string_value(json_object_get(manifest, "operation")), hs.opid) != 0) {
		fprintf(stderr, "E: %s\n", TR(c, "le scellement est celui d’une autre opération",
					      "the seal is another operation's"));
		sig_ok = false;
	}
	/* every item hashed again */
	json_array_foreach(json_object_get(manifest, "items"), i, it)
	{
		const char *name = json_string_value(json_object_get(it, "name")),
			   *path = json_string_value(json_object_get(it, "path")),
			   *want = json_string_value(json_object_get(it, "sha256"));
		char full[4096], now[65];
		if (name == NULL || path == NULL || want == NULL) {
			sig_ok = false;
			continue;
		}
		item_path(dir, path, full, sizeof full);
		if (file_sha256(full, now) != ISO_OK || strcmp(now, want) != 0) {
			fprintf(stderr, "E: %s : %s (%s)\n", name,
				TR(c, "modifié depuis le scellement", "changed since the seal"), full);
			json_array_append_new(changed, json_string(name));
		}
	}
	{
		bool ok = sig_ok && json_array_size(changed) == 0;
		char *jpath = cli_path(c, "journal.jsonl");
		err = jpath != NULL ? ledger_append(jpath, "seal-check",
						    json_pack("{s:s, s:b, s:O}", "manifest_sha256", sha,
							      "ok", ok, "changed", changed),
						    (int64_t)time(NULL))
				    : ISO_E_NOMEM;
		free(jpath);
		if (err != ISO_OK) {
			r = cli_error(c, "journal.jsonl", err, NULL);
			goto out;
		}
		if (ok)
			cli_info(c, TR(c, "scellement vérifié : %zu éléments inchangés, signé par le président et un délégué",
				       "seal verified: %zu items unchanged, signed by the chair and a delegate"),
				 json_array_size(json_object_get(manifest, "items")));
		else
			fprintf(stderr, "E: %s (R-SEAL-02, R-SEAL-04)\n",
				TR(c, "le scellement ne tient pas", "the seal does not hold"));
		r = ok ? CLI_OK : CLI_REFUSED;
	}
out:
	holders_clear(&hs);
	json_decref(seal);
	json_decref(changed);
	free(spath);
	return r;
}

static int cmd_seal_verify(struct cli *c)
{
	return cli_seal_check(c);
}

/* ---- the count ---- */

/* The counted archive verified by the reference too, when it is installed
 * (R-TAL-03): belenios-tool election verify on a folder holding only it. */
static int reference_verify(const struct cli *c, const char *bel, const char *code)
{
	char tmp[] = "/tmp/isoloir-reference.XXXXXX", link[128], *abs = realpath(bel, NULL);
	char *argv[] = {"belenios-tool", "election", "verify", "--dir", tmp, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1, rc;
	if (abs == NULL || mkdtemp(tmp) == NULL) {
		free(abs);
		return cli_error(c, bel, ISO_E_IO, NULL);
	}
	snprintf(link, sizeof link, "%s/%s", tmp, strrchr(abs, '/') + 1);
	if (symlink(abs, link) != 0) {
		free(abs);
		rmdir(tmp);
		return cli_error(c, bel, ISO_E_IO, NULL);
	}
	free(abs);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "belenios-tool", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	unlink(link);
	rmdir(tmp);
	if (rc != 0) {
		cli_info(c, TR(c, "belenios-tool absent : le scrutin %s n’est pas vérifié par la référence",
			       "belenios-tool not installed: poll %s not verified by the reference"),
			 code);
		return CLI_OK;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "E: %s : %s (R-TAL-03)\n", code,
			TR(c, "belenios-tool refuse l’archive dépouillée", "belenios-tool refuses the counted archive"));
		return CLI_REFUSED;
	}
	cli_info(c, TR(c, "scrutin %s : archive dépouillée vérifiée aussi par belenios-tool",
		       "poll %s: counted archive verified by belenios-tool too"),
		 code);
	return CLI_OK;
}

static int cmd_optally(struct cli *c)
{
	const char *dir = c->dir != NULL ? c->dir : ".";
	struct holders hs;
	struct holder_secret secrets[HOLDERS_MAX];
	bool present[HOLDERS_MAX];
	const struct iso_group *grp;
	const json_t *p;
	size_t n = 0, i;
	enum iso_err err;
	int r;
	memset(secrets, 0, sizeof secrets);
	if ((r = cli_seal_check(c)) != CLI_OK) {
		fprintf(stderr, "E: %s (R-D11-TALLY)\n",
			TR(c, "pas de dépouillement sans un scellement vérifié",
			   "no count without a verified seal"));
		return r;
	}
	if ((err = holders_read(dir, &hs)) != ISO_OK) {
		holders_clear(&hs);
		return cli_error(c, "members.json", err, NULL);
	}
	grp = iso_group_by_name(c->group);
	cli_secure_process(c);
	cli_info(c, TR(c, "dépouillement : %d détenteurs nécessaires, dont le président et deux délégués",
		       "count: %d holders needed, the chair and two delegates among them"),
		 hs.threshold < 3 ? 3 : hs.threshold);
	if ((r = gather(c, &hs, (size_t)(hs.threshold < 3 ? 3 : hs.threshold), 2, secrets, present,
			  &n)) != CLI_OK)
		goto out;
	json_array_foreach(json_object_get(hs.operation, "polls"), i, p)
	{
		const char *code = json_string_value(json_object_get(p, "code")),
			   *uuid = json_string_value(json_object_get(p, "uuid"));
		int ids[HOLDERS_MAX];
		BIGNUM *xs[HOLDERS_MAX] = {NULL};
		size_t k = 0, ballots = 0;
		char pdir[4096];
		struct cli sub = *c;
		json_t *who = json_array();
		if (code == NULL || uuid == NULL) {
			json_decref(who);
			r = cli_error(c, "operation.json", ISO_E_SHAPE, NULL);
			goto out;
		}
		for (size_t h = 0; h < hs.n && r == CLI_OK; h++) {
			int at;
			if (!present[h])
				continue;
			at = holder_secret_poll(&secrets[h], uuid);
			if ((xs[k] = BN_secure_new()) == NULL) {
				r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
				break;
			}
			BN_set_flags(xs[k], BN_FLG_CONSTTIME);
			ids[k] = hs.h[h].trustee;
			k++;
			err = at < 0 ? ISO_E_MEMBER_KEY
				     : iso_pedersen_decryption_key(grp, secrets[h].poll[at].seed,
								   secrets[h].poll[at].dkey, xs[k - 1]);
			if (err != ISO_OK)
				r = cli_error(c, code, err, NULL);
			json_array_append_new(who, json_integer(hs.h[h].member));
		}
		snprintf(pdir, sizeof pdir, "%s/%s", dir, uuid);
		sub.dir = pdir;
		if (r == CLI_OK) {
			cli_info(c, TR(c, "scrutin %s", "poll %s"), code);
			r = cli_count(&sub, ids, xs, k, &ballots, NULL);
		}
		if (r == CLI_OK && !c->no_reference) {
			char bel[8192];
			snprintf(bel, sizeof bel, "%s/%s.bel", pdir, uuid);
			r = reference_verify(c, bel, code);
		}
		for (size_t x = 0; x < k; x++)
			BN_clear_free(xs[x]);
		if (r == CLI_OK)
			r = cli_journal(c, "tally", json_pack("{s:s, s:s, s:O, s:I}", "poll", code, "uuid", uuid,
							  "holders", who, "ballots", (json_int_t)ballots));
		json_decref(who);
		if (r != CLI_OK)
			goto out;
	}
out:
	for (size_t h = 0; h < HOLDERS_MAX; h++)
		holder_secret_clear(&secrets[h]);
	holders_clear(&hs);
	return r;
}

const struct cli_command cli_commands_seal[] = {
	{"operation", "seal", cmd_seal, OPT_DIR | OPT_FILE | OPT_WAIT, OPT_FILE,
	 "le scellement : empreintes des programmes, des données de chaque scrutin, des listes et des "
	 "horaires, signées par le président et un délégué",
	 "the seal: hashes of the programs, each poll's data, the lists and the hours, signed by the "
	 "chair and a delegate"},
	{"operation", "seal-verify", cmd_seal_verify, OPT_DIR, 0,
	 "vérifie le scellement, à tout moment du scrutin", "checks the seal, at any moment of the vote"},
	{"operation", "tally", cmd_optally, OPT_DIR | OPT_WAIT | OPT_THREADS | OPT_GROUP | OPT_NO_REFERENCE, 0,
	 "le dépouillement de chaque scrutin avec les clés USB des détenteurs, après vérification du "
	 "scellement",
	 "the count of every poll with the holders' USB keys, after the seal is verified"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
