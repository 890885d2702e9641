/* The kiosks' enrolment bundles (issue 6; kiosk/enrolment.h).
 *   operation enrolment-bundle --dir OP --key TECHKEY --file KIOSKS.json
 *       [--kiosk A,B,…] --out DIR
 * One bundle per kiosk, DIR/<kiosk>/isoloir-enrolement.json (0600), to be
 * copied onto the USB key a technician brings to the post. Each carries
 * the kiosk's operation.json, made here from OP/operation.json (the
 * operation, its electoral space and hours, each poll's name, lists,
 * candidates and professions de foi), each poll's OP/<uuid>/election.json
 * (after the key ceremony) and the servers as the kiosks reach them;
 * the post's TLS identity; the SHA-256 of the kiosk image's manifest; the
 * post's settings. KIOSKS.json (paths relative to it):
 *   {"registry":{"url":"https://…","pin":"…"[,"backup":{"url","pin"}]},
 *    "urns":[{"poll":"<uuid>","url":"…","pin":"…"[,"backup":{…}]}],
 *    "image_manifest":"image/manifest.txt",
 *    "kiosks":[{"name":"poste-01","client_cert":"poste-01.pem",
 *               "client_key":"poste-01.key"[,"language":"fr"|"en"]
 *               [,"touch_keyboard":true|false][,"px_per_mm":7.5|null]}]}
 * Everything is checked before the technician key is asked for, and
 * nothing is written when anything is refused; each bundle is checked as
 * a kiosk checks it before it is written. The bundles' ids and kiosks are
 * journaled (enrolment-bundles), never a key. */
#include <errno.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "enrolment.h"
#include "hash.h"
#include "integrity.h"
#include "jsondoc.h"
#include "net.h"
#include "operation.h"
#include "signature.h"
#include "techkey.h"
#include "timetext.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))
#define KIOSKS_MAX 2000
#define KIOSKS_FILE_MAX (4u << 20)

/* A refusal: "E: FILE : WHO : FIELD : reason" (WHO and FIELD when given). */
static int refuse(const struct cli *c, const char *file, const char *who, const char *field,
		  const char *fr, const char *en)
{
	fprintf(stderr, "E: %s%s%s%s%s : %s\n", file, who != NULL ? " : " : "",
		who != NULL ? who : "", field != NULL ? " : " : "", field != NULL ? field : "",
		TR(c, fr, en));
	return CLI_REFUSED;
}

struct kiosk {
	const char *name;
	char cert_path[4096], key_path[4096];
	char *cert, *key; /* the files' texts; key wiped */
	struct enrolment_settings settings;
	bool chosen;
	char id[33];
	char *doc; /* the bundle; wiped */
	char out[4096];
	bool written;
};

struct job {
	struct cli *c;
	char base[4096]; /* KIOSKS.json's folder */
	json_t *op, *conf;
	json_t *kop; /* the kiosk's operation.json */
	char *kop_text;
	char manifest_sha[65];
	struct kiosk *k;
	size_t nk;
};

/* path relative to base unless absolute; false when too long */
static bool rel_path(const char *base, const char *path, char *out, size_t size)
{
	int n = path[0] == '/' ? snprintf(out, size, "%s", path)
			       : snprintf(out, size, "%s/%s", base, path);
	return n > 0 && (size_t)n < size;
}

/* {url, pin[, backup{url, pin}]} as the kiosk reads it: a copy, or NULL */
static json_t *server_read(struct job *j, const json_t *o, const char *who)
{
	static const char *const keys[] = {"url", "pin", "?backup", NULL};
	static const char *const bkeys[] = {"url", "pin", NULL};
	const json_t *b = json_object_get(o, "backup");
	struct net_endpoint e;
	const char *fr = "une adresse https://hôte:port et l’empreinte (pin) de la clé du serveur "
			 "attendues (isoloir-kiosk pin CERTIFICAT)",
		   *en = "an https://host:port address and the server key's pin expected "
			 "(isoloir-kiosk pin CERTIFICATE)";
	if (!json_is_object(o)) {
		refuse(j->c, j->c->file, who, NULL, fr, en);
		return NULL;
	}
	if (net_endpoint_set(&e, json_string_value(json_object_get(o, "url")),
			     json_string_value(json_object_get(o, "pin"))) != ISO_OK) {
		refuse(j->c, j->c->file, who,
		       json_string_value(json_object_get(o, "url")) == NULL ? "url" : "url, pin", fr,
		       en);
		return NULL;
	}
	if (b != NULL && (!iso_json_keys_are(b, bkeys) ||
			  net_endpoint_set(&e, json_string_value(json_object_get(b, "url")),
					   json_string_value(json_object_get(b, "pin"))) != ISO_OK)) {
		refuse(j->c, j->c->file, who, "backup", fr, en);
		return NULL;
	}
	if (!iso_json_keys_are(o, keys)) {
		refuse(j->c, j->c->file, who, NULL, "seuls url, pin et backup sont attendus",
		       "only url, pin and backup are expected");
		return NULL;
	}
	return b != NULL ? json_pack("{s:O, s:O, s:O}", "url", json_object_get(o, "url"), "pin",
				     json_object_get(o, "pin"), "backup", b)
			 : json_pack("{s:O, s:O}", "url", json_object_get(o, "url"), "pin",
				     json_object_get(o, "pin"));
}

/* The poll of a uuid in OP/operation.json, or NULL. */
static const json_t *poll_of(const json_t *op, const char *uuid)
{
	const json_t *p;
	size_t i;
	json_array_foreach(json_object_get(op, "polls"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "uuid"));
		if (u != NULL && uuid != NULL && strcmp(u, uuid) == 0)
			return p;
	}
	return NULL;
}

/* "poll CST (uuid)" */
static void poll_label(const struct cli *c, const json_t *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s (%s)", TR(c, "scrutin", "poll"),
		 json_string_value(json_object_get(p, "code")) != NULL
			 ? json_string_value(json_object_get(p, "code"))
			 : "?",
		 json_string_value(json_object_get(p, "uuid")) != NULL
			 ? json_string_value(json_object_get(p, "uuid"))
			 : "?");
}

/* The kiosk's operation.json: OP/operation.json's operation, space,
 * hours, polls with their election.json, urns and lists; the registry. */
static int kiosk_operation(struct job *j, json_t *registry, json_t *const *urns)
{
	const struct cli *c = j->c;
	json_t *polls = json_array(), *p;
	const char *opfile = "operation.json";
	size_t i;
	struct operation *parsed = NULL;
	struct operation_where w;
	enum iso_err err;
	if (polls == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	json_array_foreach(json_object_get(j->op, "polls"), i, p)
	{
		const char *uuid = json_string_value(json_object_get(p, "uuid"));
		char rel[512], *path, *election = NULL, label[300];
		size_t len = 0;
		json_t *lists = json_array(), *l, *poll;
		size_t k;
		poll_label(c, p, label, sizeof label);
		if (uuid == NULL || !json_is_string(json_object_get(p, "name")) ||
		    !json_is_array(json_object_get(p, "lists"))) {
			json_decref(lists);
			json_decref(polls);
			return refuse(c, opfile, label, NULL, "uuid, name et lists attendus",
				      "uuid, name and lists expected");
		}
		snprintf(rel, sizeof rel, "%s/election.json", uuid);
		path = cli_path(c, rel);
		err = path != NULL ? cli_read_line(path, &election, &len) : ISO_E_NOMEM;
		if (err != ISO_OK) {
			json_decref(lists);
			json_decref(polls);
			if (err == ISO_E_IO)
				refuse(c, path, label, NULL,
				       "pas d’election.json : la cérémonie des clés (operation keys) le fait",
				       "no election.json: the key ceremony (operation keys) makes it");
			else
				cli_error(c, path, err, NULL);
			free(path);
			return CLI_REFUSED;
		}
		free(path);
		json_array_foreach(json_object_get(p, "lists"), k, l)
		{
			json_array_append_new(
				lists, json_pack("{s:O, s:O, s:O, s:O}", "acronym",
						 json_object_get(l, "acronym"), "name",
						 json_object_get(l, "name"), "candidates",
						 json_object_get(l, "candidates"), "profession_de_foi",
						 json_object_get(l, "profession_de_foi")));
		}
		poll = json_pack("{s:s, s:O, s:s, s:O, s:o}", "uuid", uuid, "name",
				 json_object_get(p, "name"), "election", election, "urn", urns[i],
				 "lists", lists);
		free(election);
		if (poll == NULL || json_array_size(lists) != json_array_size(json_object_get(p, "lists"))) {
			json_decref(poll);
			json_decref(polls);
			return refuse(c, opfile, label, "lists",
				      "chaque liste a acronym, name, candidates et profession_de_foi",
				      "each list has acronym, name, candidates and profession_de_foi");
		}
		json_array_append_new(polls, poll);
	}
	j->kop = json_pack("{s:i, s:O, s:O, s:O, s:O, s:O, s:o}", "version", 1, "operation",
			   json_object_get(j->op, "operation"), "space",
			   json_object_get(j->op, "space"), "opening",
			   json_object_get(j->op, "opening"), "closing",
			   json_object_get(j->op, "closing"), "registry", registry, "polls", polls);
	if (j->kop == NULL)
		return refuse(c, opfile, NULL, NULL,
			      "operation, space, opening, closing et polls attendus",
			      "operation, space, opening, closing and polls expected");
	if ((j->kop_text = iso_json_dumps_line(j->kop, JSON_COMPACT, NULL)) == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	/* what the kiosk will read: refused here, not at the post */
	if ((err = operation_parse(j->kop_text, strlen(j->kop_text), &parsed, &w)) != ISO_OK) {
		char msg[512], who[300] = "";
		const json_t *bad = json_array_get(json_object_get(j->op, "polls"), w.poll - 1);
		operation_where_format(&w, err, c->lang, msg, sizeof msg);
		if (bad != NULL)
			poll_label(c, bad, who, sizeof who);
		fprintf(stderr, "E: %s%s%s : %s — %s\n", opfile, who[0] != '\0' ? " : " : "", who,
			TR(c, "le poste refuserait l’operation.json fait", "the kiosk would refuse the operation.json made"),
			msg);
		return CLI_REFUSED;
	}
	operation_free(parsed);
	return CLI_OK;
}

/* The servers and the image of KIOSKS.json, then the kiosk's operation.json. */
static int servers_and_image(struct job *j)
{
	const struct cli *c = j->c;
	static const char *const keys[] = {"registry", "urns", "image_manifest", "kiosks", NULL};
	const json_t *urns = json_object_get(j->conf, "urns"), *u;
	size_t npolls = json_array_size(json_object_get(j->op, "polls")), i;
	json_t *registry = NULL, **per_poll = calloc(npolls + 1, sizeof *per_poll);
	const char *manifest = json_string_value(json_object_get(j->conf, "image_manifest"));
	char path[4096];
	struct integrity_manifest *m = NULL;
	struct integrity_where mw;
	enum iso_err err;
	int r = CLI_REFUSED;
	if (per_poll == NULL)
		return cli_error(c, NULL, ISO_E_NOMEM, NULL);
	if (!iso_json_keys_are(j->conf, keys)) {
		refuse(c, c->file, NULL, NULL,
		       "registry, urns, image_manifest et kiosks attendus, rien d’autre",
		       "registry, urns, image_manifest and kiosks expected, nothing else");
		goto out;
	}
	if ((registry = server_read(j, json_object_get(j->conf, "registry"), "registry")) == NULL)
		goto out;
	if (!json_is_array(urns)) {
		refuse(c, c->file, "urns", NULL, "une liste d’urnes attendue",
		       "a list of urns expected");
		goto out;
	}
	json_array_foreach(urns, i, u)
	{
		static const char *const ukeys[] = {"poll", "url", "pin", "?backup", NULL};
		char who[64], label[300];
		const char *uuid = json_string_value(json_object_get(u, "poll"));
		const json_t *p = poll_of(j->op, uuid);
		size_t at = 0;
		json_t *copy;
		snprintf(who, sizeof who, "urns[%zu]", i + 1);
		if (p == NULL) {
			refuse(c, c->file, who, "poll",
			       "pas l’uuid d’un scrutin de l’opération (operation.json)",
			       "not the uuid of a poll of the operation (operation.json)");
			goto out;
		}
		while (json_array_get(json_object_get(j->op, "polls"), at) != p)
			at++;
		poll_label(c, p, label, sizeof label);
		if (per_poll[at] != NULL) {
			refuse(c, c->file, who, "poll", "une deuxième urne pour ce scrutin",
			       "a second urn for this poll");
			goto out;
		}
		if (!iso_json_keys_are(u, ukeys)) {
			refuse(c, c->file, who, NULL, "seuls poll, url, pin et backup sont attendus",
			       "only poll, url, pin and backup are expected");
			goto out;
		}
		if ((copy = json_deep_copy(u)) == NULL)
			goto out;
		json_object_del(copy, "poll");
		per_poll[at] = server_read(j, copy, who);
		json_decref(copy);
		if (per_poll[at] == NULL)
			goto out;
	}
	for (i = 0; i < npolls; i++)
		if (per_poll[i] == NULL) {
			char label[300];
			poll_label(c, json_array_get(json_object_get(j->op, "polls"), i), label,
				   sizeof label);
			refuse(c, c->file, "urns", label, "pas d’urne pour ce scrutin",
			       "no urn for this poll");
			goto out;
		}
	/* the image's manifest: a manifest, and the sealed one once sealed */
	if (manifest == NULL) {
		refuse(c, c->file, "image_manifest", NULL,
		       "le chemin du manifeste de l’image des postes attendu (manifest.txt)",
		       "the path of the kiosk image's manifest expected (manifest.txt)");
		goto out;
	}
	if (!rel_path(j->base, manifest, path, sizeof path)) {
		refuse(c, c->file, "image_manifest", NULL, "chemin trop long", "path too long");
		goto out;
	}
	if ((err = integrity_manifest_read(path, NULL, &m, &mw)) != ISO_OK) {
		char msg[256];
		integrity_where_format(&mw, c->lang, msg, sizeof msg);
		if (err == ISO_E_MANIFEST)
			refuse(c, path, NULL, NULL, msg, msg);
		else
			cli_error(c, path, err, NULL);
		goto out;
	}
	memcpy(j->manifest_sha, m->sha256, 65);
	integrity_manifest_free(m);
	{
		char *spath = cli_path(c, "seal.json");
		json_t *seal = NULL, *it;
		const char *sealed = NULL;
		size_t k;
		if (spath != NULL && access(spath, F_OK) == 0 &&
		    iso_json_file(spath, 16u << 20, &seal) == ISO_OK)
			json_array_foreach(json_object_get(json_object_get(seal, "manifest"), "items"),
					   k, it)
			{
				const char *name = json_string_value(json_object_get(it, "name"));
				if (name != NULL && strcmp(name, "kiosk-image") == 0)
					sealed = json_string_value(json_object_get(it, "sha256"));
			}
		if (sealed != NULL && strcmp(sealed, j->manifest_sha) != 0) {
			refuse(c, path, NULL, NULL,
			       "ce n’est pas le manifeste de l’image scellée (composant kiosk-image "
			       "de seal.json)",
			       "this is not the sealed image's manifest (component kiosk-image of "
			       "seal.json)");
			json_decref(seal);
			free(spath);
			goto out;
		}
		if (sealed == NULL)
			cli_info(c, "%s", TR(c, "l’image des postes n’est pas encore scellée",
					     "the kiosk image is not sealed yet"));
		json_decref(seal);
		free(spath);
	}
	r = kiosk_operation(j, registry, per_poll);
out:
	for (i = 0; i < npolls; i++)
		json_decref(per_poll[i]);
	free(per_poll);
	json_decref(registry);
	return r;
}

/* KIOSKS.json's kiosks, those of --kiosk chosen, their identities read and checked. */
static int kiosks_read(struct job *j)
{
	const struct cli *c = j->c;
	static const char *const keys[] = {"name",     "client_cert",    "client_key",
					   "?language", "?touch_keyboard", "?px_per_mm", NULL};
	const json_t *ks = json_object_get(j->conf, "kiosks"), *o;
	char *names = j->c->kiosk != NULL ? strdup(j->c->kiosk) : NULL;
	size_t i;
	int r = CLI_REFUSED;
	if (!json_is_array(ks) || json_array_size(ks) == 0 || json_array_size(ks) > KIOSKS_MAX) {
		refuse(c, c->file, "kiosks", NULL, "une liste de postes attendue (2 000 au plus)",
		       "a list of kiosks expected (2,000 at most)");
		goto out;
	}
	if ((j->k = calloc(json_array_size(ks), sizeof *j->k)) == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	json_array_foreach(ks, i, o)
	{
		struct kiosk *k = &j->k[i];
		const char *name = json_string_value(json_object_get(o, "name"));
		const json_t *lang = json_object_get(o, "language"),
			     *touch = json_object_get(o, "touch_keyboard"),
			     *px = json_object_get(o, "px_per_mm");
		char who[128];
		j->nk = i + 1;
		snprintf(who, sizeof who, "kiosks[%zu]%s%s", i + 1, name != NULL ? " " : "",
			 name != NULL ? name : "");
		if (name == NULL || !enrolment_kiosk_name_ok(name)) {
			refuse(c, c->file, who, "name",
			       "le nom du poste (le nom commun, CN, de son certificat) : 1 à 64 "
			       "lettres, chiffres, « - », « _ » ou « . »",
			       "the post's name (its certificate's common name, CN): 1 to 64 "
			       "letters, digits, '-', '_' or '.'");
			goto out;
		}
		for (size_t m = 0; m < i; m++)
			if (strcmp(j->k[m].name, name) == 0) {
				refuse(c, c->file, who, "name", "poste nommé deux fois",
				       "kiosk named twice");
				goto out;
			}
		if (!iso_json_keys_are(o, keys)) {
			refuse(c, c->file, who, NULL,
			       "name, client_cert et client_key attendus ; language, touch_keyboard "
			       "et px_per_mm possibles ; rien d’autre",
			       "name, client_cert and client_key expected; language, touch_keyboard "
			       "and px_per_mm possible; nothing else");
			goto out;
		}
		k->name = name;
		k->settings = (struct enrolment_settings){ISO_LANG_FR, false, 0};
		if (lang != NULL) {
			const char *l = json_string_value(lang);
			if (l == NULL || (strcmp(l, "fr") != 0 && strcmp(l, "en") != 0)) {
				refuse(c, c->file, who, "language", "fr ou en", "fr or en");
				goto out;
			}
			k->settings.language = strcmp(l, "en") == 0 ? ISO_LANG_EN : ISO_LANG_FR;
		}
		if (touch != NULL && !json_is_boolean(touch)) {
			refuse(c, c->file, who, "touch_keyboard", "true ou false", "true or false");
			goto out;
		}
		k->settings.touch_keyboard = json_is_true(touch);
		if (px != NULL && !json_is_null(px)) {
			double v = json_number_value(px);
			if (!json_is_number(px) || v < 2 || v > 20) {
				refuse(c, c->file, who, "px_per_mm",
				       "un nombre de 2 à 20 (pixels par millimètre de l’écran), ou null",
				       "a number from 2 to 20 (the panel's pixels per millimetre), or null");
				goto out;
			}
			k->settings.px_per_mm = v;
		}
		if (!json_is_string(json_object_get(o, "client_cert")) ||
		    !json_is_string(json_object_get(o, "client_key"))) {
			refuse(c, c->file, who, "client_cert, client_key",
			       "les chemins du certificat et de la clé du poste attendus",
			       "the paths of the post's certificate and key expected");
			goto out;
		}
		if (!rel_path(j->base, json_string_value(json_object_get(o, "client_cert")),
			      k->cert_path, sizeof k->cert_path) ||
		    !rel_path(j->base, json_string_value(json_object_get(o, "client_key")),
			      k->key_path, sizeof k->key_path)) {
			refuse(c, c->file, who, "client_cert, client_key", "chemin trop long",
			       "path too long");
			goto out;
		}
	}
	/* --kiosk: some of them, each named once */
	if (c->kiosk == NULL)
		for (i = 0; i < j->nk; i++)
			j->k[i].chosen = true;
	if (c->kiosk != NULL && names == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	for (char *save = NULL, *n = names != NULL ? strtok_r(names, ",", &save) : NULL; n != NULL;
	     n = strtok_r(NULL, ",", &save)) {
		struct kiosk *found = NULL;
		for (i = 0; i < j->nk; i++)
			if (strcmp(j->k[i].name, n) == 0)
				found = &j->k[i];
		if (found == NULL) {
			fprintf(stderr, "E: --kiosk : « %s » %s %s\n", n,
				TR(c, "n’est pas un poste de", "is not a kiosk of"), c->file);
			goto out;
		}
		if (found->chosen) {
			fprintf(stderr, "E: --kiosk : « %s » %s\n", n,
				TR(c, "est nommé deux fois", "is named twice"));
			goto out;
		}
		found->chosen = true;
	}
	/* the identities of those chosen */
	for (i = 0; i < j->nk; i++) {
		struct kiosk *k = &j->k[i];
		char cn[300] = "", who[128];
		size_t len = 0;
		enum iso_err err;
		if (!k->chosen)
			continue;
		snprintf(who, sizeof who, "%s %s", TR(c, "poste", "kiosk"), k->name);
		if ((err = iso_file_read(k->cert_path, ENROLMENT_PEM_MAX, &k->cert, &len)) != ISO_OK ||
		    (err = iso_file_read(k->key_path, ENROLMENT_PEM_MAX, &k->key, &len)) != ISO_OK) {
			r = cli_error(c, k->cert == NULL ? k->cert_path : k->key_path, err, NULL);
			goto out;
		}
		err = enrolment_identity_check(k->cert, k->key, k->name, cn, sizeof cn);
		if (err == ISO_E_ENROLMENT_OTHER_KIOSK) {
			char fr[600], en[600];
			snprintf(fr, sizeof fr, "le certificat est celui de « %s » (CN), pas de « %s »",
				 cn, k->name);
			snprintf(en, sizeof en, "the certificate is \"%s\"'s (CN), not \"%s\"'s", cn,
				 k->name);
			refuse(c, k->cert_path, who, "client_cert", fr, en);
			goto out;
		}
		if (err != ISO_OK) {
			refuse(c, cn[0] == '\0' ? k->cert_path : k->key_path, who,
			       cn[0] == '\0' ? "client_cert" : "client_key",
			       cn[0] == '\0'
				       ? "pas un certificat PEM avec un seul nom commun (CN)"
				       : "pas la clé privée de ce certificat (ou une clé chiffrée : "
					 "elle doit être en clair, sur ce poste de travail du bureau)",
			       cn[0] == '\0'
				       ? "not a PEM certificate with a single common name (CN)"
				       : "not this certificate's private key (or an encrypted key: it "
					 "must be in clear, on this bureau computer)");
			goto out;
		}
		if ((size_t)snprintf(k->out, sizeof k->out, "%s/%s/%s", c->out, k->name,
				     ENROLMENT_FILE_NAME) >= sizeof k->out) {
			refuse(c, c->out, NULL, NULL, "chemin trop long", "path too long");
			goto out;
		}
		if (access(k->out, F_OK) == 0) {
			refuse(c, k->out, who, NULL,
			       "existe déjà : un lot n’est jamais écrit par-dessus un autre",
			       "exists already: a bundle is never written over another");
			goto out;
		}
	}
	r = CLI_OK;
out:
	free(names);
	return r;
}

/* Each chosen kiosk's bundle, made and checked as its kiosk will. */
static int bundles_make(struct job *j, EVP_PKEY *key)
{
	const struct cli *c = j->c;
	char created[ISO_TIME_UTC_LEN];
	if (!iso_time_utc((int64_t)time(NULL), created))
		return cli_error(c, NULL, ISO_E_INVALID_ARG, NULL);
	for (size_t i = 0; i < j->nk; i++) {
		struct kiosk *k = &j->k[i];
		struct enrolment_input in = {
			.operation = json_string_value(json_object_get(j->op, "operation")),
			.kiosk = k->name,
			.created = created,
			.image_manifest_sha256 = j->manifest_sha,
			.operation_json = j->kop_text,
			.client_cert = k->cert,
			.client_key = k->key,
			.settings = k->settings,
		};
		struct enrolment *e = NULL;
		struct operation_where w = {0, 0, NULL};
		enum iso_err err;
		if (!k->chosen)
			continue;
		if ((err = enrolment_make(key, &in, &k->doc, k->id)) != ISO_OK ||
		    (err = enrolment_check(key, k->doc, strlen(k->doc), j->manifest_sha, &e, &w)) !=
			    ISO_OK) {
			char msg[512];
			operation_where_format(&w, err, c->lang, msg, sizeof msg);
			fprintf(stderr, "E: %s %s : %s\n", TR(c, "poste", "kiosk"), k->name,
				err == ISO_E_INVALID_ARG
					? TR(c, "le nom de l’opération ou le certificat ne peut pas aller dans un lot",
					     "the operation's name or the certificate cannot go into a bundle")
					: msg);
			return CLI_REFUSED;
		}
		enrolment_free(e);
	}
	return CLI_OK;
}

/* DIR/<kiosk>/ENROLMENT_FILE_NAME for each, all or none. */
static int bundles_write(struct job *j)
{
	const struct cli *c = j->c;
	enum iso_err err = ISO_OK;
	const char *failed = NULL;
	if (mkdir(c->out, 0700) != 0 && errno != EEXIST)
		return cli_error(c, c->out, ISO_E_IO, NULL);
	for (size_t i = 0; i < j->nk && err == ISO_OK; i++) {
		struct kiosk *k = &j->k[i];
		char dir[4096];
		if (!k->chosen)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", c->out, k->name);
		failed = k->out;
		if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || access(k->out, F_OK) == 0)
			err = ISO_E_IO;
		else if ((err = iso_file_write_atomic(k->out, k->doc, strlen(k->doc), 0600)) == ISO_OK)
			k->written = true;
	}
	if (err == ISO_OK)
		return CLI_OK;
	for (size_t i = 0; i < j->nk; i++)
		if (j->k[i].written && unlink(j->k[i].out) == 0)
			j->k[i].written = false;
	return cli_error(c, failed, err, NULL);
}

static int cmd_enrolment_bundle(struct cli *c)
{
	struct job j = {.c = c};
	char *oppath = cli_path(c, "operation.json"), *fcopy = strdup(c->file);
	EVP_PKEY *key = NULL;
	json_t *ids = NULL;
	enum iso_err err;
	size_t n = 0;
	int r = CLI_REFUSED;
	if (oppath == NULL || fcopy == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	snprintf(j.base, sizeof j.base, "%s", dirname(fcopy));
	if ((err = iso_json_file(oppath, OPERATION_FILE_MAX, &j.op)) != ISO_OK) {
		if (err == ISO_E_IO)
			refuse(c, oppath, NULL, NULL, "pas d’opération ici (operation init la crée)",
			       "no operation here (operation init makes one)");
		else
			r = cli_error(c, oppath, err, NULL);
		goto out;
	}
	if ((err = iso_json_file(c->file, KIOSKS_FILE_MAX, &j.conf)) != ISO_OK) {
		r = cli_error(c, c->file, err, NULL);
		goto out;
	}
	if ((r = servers_and_image(&j)) != CLI_OK || (r = kiosks_read(&j)) != CLI_OK)
		goto out;
	/* everything checked: the technician key now */
	if ((r = techkey_unlock(c, c->key, &key)) != CLI_OK || (r = bundles_make(&j, key)) != CLI_OK ||
	    (r = bundles_write(&j)) != CLI_OK)
		goto out;
	if ((ids = json_array()) == NULL) {
		r = cli_error(c, NULL, ISO_E_NOMEM, NULL);
		goto out;
	}
	for (size_t i = 0; i < j.nk; i++)
		if (j.k[i].chosen) {
			json_array_append_new(ids, json_pack("{s:s, s:s}", "id", j.k[i].id, "kiosk",
							     j.k[i].name));
			n++;
		}
	{
		char opsha[65];
		iso_sha256_hex(j.kop_text, strlen(j.kop_text), opsha);
		r = cli_journal(c, "enrolment-bundles",
				json_pack("{s:O, s:s, s:s}", "bundles", ids, "image_manifest_sha256",
					  j.manifest_sha, "operation_json_sha256", opsha));
	}
	if (r != CLI_OK) {
		for (size_t i = 0; i < j.nk; i++)
			if (j.k[i].written)
				unlink(j.k[i].out);
		goto out;
	}
	for (size_t i = 0; i < j.nk; i++)
		if (j.k[i].chosen)
			cli_info(c, TR(c, "poste %s : %s (lot %s ; à copier sous ce nom sur la clé USB du technicien)",
				       "kiosk %s: %s (bundle %s; to copy under this name onto the technician's USB key)"),
				 j.k[i].name, j.k[i].out, j.k[i].id);
	cli_info(c, TR(c, "%zu lots d’enrôlement ; ils contiennent la clé privée de chaque poste : à effacer une fois les postes enrôlés",
		       "%zu enrolment bundles; they hold each post's private key: erase them once the posts are enrolled"),
		 n);
out:
	for (size_t i = 0; j.k != NULL && i < j.nk; i++) {
		if (j.k[i].key != NULL)
			OPENSSL_cleanse(j.k[i].key, strlen(j.k[i].key));
		if (j.k[i].doc != NULL)
			OPENSSL_cleanse(j.k[i].doc, strlen(j.k[i].doc));
		free(j.k[i].key);
		free(j.k[i].doc);
		free(j.k[i].cert);
	}
	free(j.k);
	json_decref(ids);
	json_decref(j.op);
	json_decref(j.conf);
	json_decref(j.kop);
	free(j.kop_text);
	free(oppath);
	free(fcopy);
	EVP_PKEY_free(key);
	return r;
}

const struct cli_command cli_commands_enrolment[] = {
	{"operation", "enrolment-bundle", cmd_enrolment_bundle,
	 OPT_DIR | OPT_KEY | OPT_FILE | OPT_KIOSK | OPT_OUT, OPT_KEY | OPT_FILE | OPT_OUT,
	 "faire le lot d’enrôlement de chaque poste (operation.json des postes, identité TLS, "
	 "image, réglages), signé par la clé de technicien",
	 "make each kiosk's enrolment bundle (the kiosks' operation.json, TLS identity, image, "
	 "settings), signed by the technician key"},
	{NULL, NULL, NULL, 0, 0, NULL, NULL},
};
