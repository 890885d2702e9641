/* The bureau's key holders and their USB keys (see keyholder.h). */
#include "keyholder.h"

#include <fcntl.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "jsondoc.h"
#include "maintenance.h"
#include "memberkey.h"
#include "usbkey.h"

#define TR(c, fr, en) ((c)->lang == ISO_LANG_EN ? (en) : (fr))

static enum iso_err read_json_path(const char *opdir, const char *name, json_t **ret,
				   char **ret_raw, size_t *ret_len)
{
	char path[4096];
	char *raw = NULL;
	size_t len = 0;
	enum iso_err err;
	snprintf(path, sizeof path, "%s/%s", opdir, name);
	if ((err = iso_file_read(path, 4u << 20, &raw, &len)) != ISO_OK)
		return err;
	err = iso_json_parse(raw, len, ret);
	if (err == ISO_OK && ret_raw != NULL) {
		*ret_raw = raw;
		*ret_len = len;
	} else {
		free(raw);
	}
	return err;
}

enum iso_err holders_of_operation(const char *opdir, struct holders *ret)
{
	char *raw = NULL;
	size_t len = 0;
	const json_t *bureau, *m;
	size_t i;
	enum iso_err err;
	memset(ret, 0, sizeof *ret);
	if ((err = read_json_path(opdir, "operation.json", &ret->operation, &raw, &len)) != ISO_OK)
		return err;
	memberkey_operation_id(raw, len, ret->opid);
	free(raw);
	bureau = json_object_get(ret->operation, "bureau");
	if (!json_is_array(bureau))
		return ISO_E_SHAPE;
	json_array_foreach(bureau, i, m)
	{
		const char *role = json_string_value(json_object_get(m, "role")),
			   *name = json_string_value(json_object_get(m, "name"));
		struct holder *h;
		if (role == NULL || name == NULL)
			return ISO_E_SHAPE;
		if (strcmp(role, "president") != 0 && strcmp(role, "delegue") != 0)
			continue;
		if (ret->n == HOLDERS_MAX)
			return ISO_E_TOO_LARGE;
		h = &ret->h[ret->n++];
		h->member = (int)i + 1;
		h->trustee = (int)ret->n;
		h->president = strcmp(role, "president") == 0;
		h->name = name;
		h->list = json_string_value(json_object_get(m, "list"));
	}
	return ISO_OK;
}

enum iso_err holders_read(const char *opdir, struct holders *ret)
{
	enum iso_err err = holders_of_operation(opdir, ret);
	const json_t *list, *e;
	size_t i;
	if (err != ISO_OK)
		return err;
	if ((err = read_json_path(opdir, "members.json", &ret->members, NULL, NULL)) != ISO_OK)
		return err;
	list = json_object_get(ret->members, "holders");
	if (!json_is_string(json_object_get(ret->members, "operation")) ||
	    strcmp(json_string_value(json_object_get(ret->members, "operation")), ret->opid) != 0)
		return ISO_E_MEMBER_KEY; /* operation.json changed since the ceremony */
	if (!json_is_integer(json_object_get(ret->members, "threshold")) || !json_is_array(list) ||
	    json_array_size(list) != ret->n)
		return ISO_E_SHAPE;
	ret->threshold = (int)json_integer_value(json_object_get(ret->members, "threshold"));
	json_array_foreach(list, i, e)
	{
		const char *pem = json_string_value(json_object_get(e, "signing_key")),
			   *serial = json_string_value(json_object_get(e, "usb_serial"));
		BIO *b;
		if (json_integer_value(json_object_get(e, "member")) != ret->h[i].member ||
		    pem == NULL)
			return ISO_E_SHAPE;
		if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
			return ISO_E_NOMEM;
		ret->h[i].sign_pub = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
		BIO_free(b);
		if (ret->h[i].sign_pub == NULL)
			return ISO_E_SHAPE;
		snprintf(ret->h[i].serial, sizeof ret->h[i].serial, "%s", serial ? serial : "");
	}
	return ISO_OK;
}

void holders_clear(struct holders *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		EVP_PKEY_free(hs->h[i].sign_pub);
	json_decref(hs->operation);
	json_decref(hs->members);
	memset(hs, 0, sizeof *hs);
}

void holder_label(const struct cli *c, const struct holder *h, char *buf, size_t size)
{
	if (h->president)
		snprintf(buf, size, "%s (%s) [m%d]", h->name, TR(c, "président", "chair"), h->member);
	else
		snprintf(buf, size, "%s (%s, %s) [m%d]", h->name, TR(c, "délégué de liste", "list delegate"),
			 h->list != NULL ? h->list : "?", h->member);
}

struct keysession {
	const struct cli *c;
	const struct holders *hs;
	struct usbkey_watch *w;
	int wait_s;
	struct usbkey_seen judged; /* keys already looked at, still plugged */
};

enum iso_err keysession_open(const struct cli *c, const struct holders *hs, int wait_s,
			     struct keysession **ret)
{
	struct keysession *s = calloc(1, sizeof *s);
	enum iso_err err;
	if (s == NULL)
		return ISO_E_NOMEM;
	s->c = c;
	s->hs = hs;
	s->wait_s = wait_s;
	if ((err = usbkey_watch_open(&s->w)) != ISO_OK) {
		free(s);
		return err;
	}
	*ret = s;
	return ISO_OK;
}

void keysession_close(struct keysession *s)
{
	if (s == NULL)
		return;
	usbkey_watch_close(s->w);
	free(s);
}

/* characters, not bytes, of UTF-8 text */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* a line for the members, always shown */
static void ask(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ask(const char *fmt, ...)
{
	va_list ap;
	fputs("A: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* an informative line, unless --quiet */
static void info(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void info(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	if (c->quiet)
		return;
	fputs("I: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void refuse(const char *fmt, ...)
{
	va_list ap;
	fputs("E: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* One line typed: no echo on a terminal; standard input's next line
 * otherwise. Read a byte at a time: nothing of it is left in a buffer. */
enum iso_err keyholder_read_secret(char *buf, size_t size)
{
	bool tty = isatty(0);
	int fd = tty ? open("/dev/tty", O_RDWR | O_CLOEXEC) : 0;
	struct termios old, quiet;
	size_t n = 0;
	enum iso_err err = ISO_OK;
	if (fd < 0)
		return ISO_E_IO;
	if (tty && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	for (;;) {
		char ch;
		ssize_t k = read(fd, &ch, 1);
		if (k <= 0) {
			err = n == 0 ? ISO_E_IO : ISO_OK;
			break;
		}
		if (ch == '\n')
			break;
		if (n + 1 >= size) {
			err = ISO_E_TOO_LARGE;
			break;
		}
		buf[n++] = ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (tty) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', stderr);
		close(fd);
	}
	return err;
}

/* Wait for a key that fits; every other key is judged once (fits says why
 * it does not). */
static enum iso_err wait_for(struct keysession *s,
			     bool (*fits)(struct keysession *, const struct usbkey *, void *),
			     void *arg, struct usbkey *ret)
{
	time_t deadline = time(NULL) + s->wait_s;
	for (;;) {
		struct usbkey present[USBKEY_MAX];
		size_t n = usbkey_present(s->w, present, USBKEY_MAX);
		time_t now;
		usbkey_seen_forget_gone(&s->judged, present, n, NULL, NULL);
		for (size_t i = 0; i < n; i++) {
			if (!usbkey_seen_first(&s->judged, &present[i]))
				continue;
			if (fits(s, &present[i], arg)) {
				*ret = present[i];
				return ISO_OK;
			}
		}
		now = time(NULL);
		if (now >= deadline)
			return ISO_E_USB;
		usbkey_wait(s->w, (int)((deadline - now) > 1 ? 1000 : (deadline - now) * 1000));
	}
}

static void wait_removed(struct keysession *s, const struct usbkey *k, const char *who)
{
	time_t deadline = time(NULL) + s->wait_s;
	ask(TR(s->c, "retirez la clé de %s", "take out the key of %s"), who);
	for (;;) {
		struct usbkey present[USBKEY_MAX];
		size_t n = usbkey_present(s->w, present, USBKEY_MAX);
		bool here = usbkey_among(present, n, k->devnode);
		usbkey_seen_forget_gone(&s->judged, present, n, NULL, NULL);
		if (!here || time(NULL) >= deadline)
			return;
		usbkey_wait(s->w, 1000);
	}
}

/* ---- the ceremony: a blank key ---- */

static bool fits_blank(struct keysession *s, const struct usbkey *k, void *arg)
{
	char *text = NULL;
	size_t len = 0;
	enum iso_err err = usbkey_read(k, MEMBERKEY_NAME, MEMBERKEY_FILE_MAX, &text, &len);
	(void)arg;
	free(text);
	if (err == ISO_E_NOT_FOUND)
		return true;
	if (err == ISO_OK)
		refuse(TR(s->c, "la clé %s porte déjà une clé de membre : prenez une clé vide",
			  "the key %s already holds a member's key: take a blank key"),
		       k->devnode);
	else
		refuse(TR(s->c, "la clé %s est illisible ou n’est pas formatée en FAT",
			  "the key %s cannot be read or is not formatted FAT"),
		       k->devnode);
	return false;
}

enum iso_err keyholder_new_secret(const struct cli *c, const char *who, bool pin, char *pass,
				  size_t size)
{
	char again[MEMBERKEY_PASSPHRASE_MAX + 1];
	enum iso_err err = ISO_E_PASSPHRASE;
	for (int tries = 0; tries < 3; tries++) {
		if (pin)
			ask(TR(c, "choisissez le code PIN de %s (%d à %d chiffres)",
			       "choose the PIN of %s (%d to %d digits)"),
			    who, MAINT_PIN_MIN, MAINT_PIN_MAX);
		else
			ask(TR(c, "choisissez la phrase secrète de %s (%d caractères au moins ; vous seul la connaîtrez)",
			       "choose the passphrase of %s (%d characters at least; only you will know it)"),
			    who, MEMBERKEY_PASSPHRASE_MIN);
		if ((err = keyholder_read_secret(pass, size)) != ISO_OK)
			break;
		if (pin && !maint_pin_well_formed(pass)) {
			refuse(TR(c, "un code PIN est fait de %d à %d chiffres",
				  "a PIN is %d to %d digits"),
			       MAINT_PIN_MIN, MAINT_PIN_MAX);
			err = ISO_E_PASSPHRASE;
			continue;
		}
		if (!pin && utf8_chars(pass) < MEMBERKEY_PASSPHRASE_MIN) {
			refuse(TR(c, "trop courte : %d caractères au moins",
				  "too short: %d characters at least"),
			       MEMBERKEY_PASSPHRASE_MIN);
			err = ISO_E_PASSPHRASE;
			continue;
		}
		ask(pin ? TR(c, "le même code PIN, une seconde fois, %s", "the same PIN again, %s")
			: TR(c, "la même phrase secrète, une seconde fois, %s",
			     "the same passphrase again, %s"),
		    who);
		if ((err = keyholder_read_secret(again, sizeof again)) != ISO_OK)
			break;
		if (strlen(again) == strlen(pass) && CRYPTO_memcmp(again, pass, strlen(pass)) == 0) {
			OPENSSL_cleanse(again, sizeof again);
			return ISO_OK;
		}
		refuse("%s", TR(c, "les deux saisies diffèrent", "the two entries differ"));
		err = ISO_E_PASSPHRASE;
	}
	OPENSSL_cleanse(again, sizeof again);
	OPENSSL_cleanse(pass, size);
	return err;
}

enum iso_err keysession_write(struct keysession *s, const struct holder *h, const char *secret,
			      size_t len, char ret_serial[128], char ret_sha256[65])
{
	char who[400], pass[MEMBERKEY_PASSPHRASE_MAX + 1], *text = NULL, *back = NULL, *clear = NULL;
	size_t tlen = 0, blen = 0, clen = 0;
	struct memberkey_header hd;
	struct usbkey k;
	const struct memberkey_kdf kdf = MEMBERKEY_KDF_DEFAULT;
	enum iso_err err;
	holder_label(s->c, h, who, sizeof who);
	memset(&hd, 0, sizeof hd);
	memcpy(hd.operation, s->hs->opid, sizeof hd.operation);
	hd.member = h->member;
	snprintf(hd.name, sizeof hd.name, "%s", h->name);
	snprintf(hd.role, sizeof hd.role, "%s", h->president ? "president" : "delegue");
	ask(TR(s->c, "insérez la clé USB de %s : une clé vide, formatée en FAT",
	       "insert the USB key of %s: a blank key, formatted FAT"),
	    who);
	if ((err = wait_for(s, fits_blank, NULL, &k)) != ISO_OK)
		return err;
	info(s->c, TR(s->c, "clé %s (%s)", "key %s (%s)"), k.devnode,
		 k.serial[0] != '\0' ? k.serial : "?");
	if ((err = keyholder_new_secret(s->c, who, false, pass, sizeof pass)) != ISO_OK)
		return err;
	err = memberkey_seal(&hd, &kdf, pass, secret, len, &text, &tlen);
	if (err == ISO_OK)
		err = usbkey_write(&k, MEMBERKEY_NAME, text, tlen);
	/* read back from the key, decrypted again with the passphrase */
	if (err == ISO_OK)
		err = usbkey_read(&k, MEMBERKEY_NAME, MEMBERKEY_FILE_MAX, &back, &blen);
	if (err == ISO_OK && (blen != tlen || memcmp(back, text, tlen) != 0))
		err = ISO_E_USB;
	if (err == ISO_OK)
		err = memberkey_open(back, blen, pass, &clear, &clen);
	if (err == ISO_OK && (clen != len || CRYPTO_memcmp(clear, secret, len) != 0))
		err = ISO_E_USB;
	OPENSSL_cleanse(pass, sizeof pass);
	if (clear != NULL) {
		OPENSSL_cleanse(clear, clen);
		free(clear);
	}
	if (err == ISO_OK) {
		iso_sha256_hex(text, tlen, ret_sha256);
		snprintf(ret_serial, 128, "%s", k.serial);
		info(s->c, TR(s->c, "clé de %s écrite, relue et vérifiée", "key of %s written, read back and checked"),
			 who);
	}
	free(text);
	free(back);
	wait_removed(s, &k, who);
	return err;
}

/* ---- a seal or a count: a holder's key ---- */

struct unlock_arg {
	const bool *accepted;
	const char *who;
	size_t index;
	char *text;
	size_t len;
};

static bool fits_holder(struct keysession *s, const struct usbkey *k, void *arg)
{
	struct unlock_arg *u = arg;
	struct memberkey_header hd;
	char *text = NULL;
	size_t len = 0;
	enum iso_err err = usbkey_read(k, MEMBERKEY_NAME, MEMBERKEY_FILE_MAX, &text, &len);
	if (err == ISO_E_NOT_FOUND) {
		refuse(TR(s->c, "la clé %s ne porte aucune clé de membre ; la clé attendue est celle %s",
			  "the key %s holds no member's key; the key expected is the one %s"),
		       k->devnode, u->who);
		return false;
	}
	if (err != ISO_OK || memberkey_header_read(text, len, &hd) != ISO_OK) {
		free(text);
		refuse(TR(s->c, "la clé %s est illisible", "the key %s cannot be read"), k->devnode);
		return false;
	}
	if (strcmp(hd.operation, s->hs->opid) != 0) {
		free(text);
		refuse(TR(s->c, "la clé %s est celle d’une autre opération (%s) ; la clé attendue est celle %s",
			  "the key %s belongs to another operation (%s); the key expected is the one %s"),
		       k->devnode, hd.operation, u->who);
		return false;
	}
	for (size_t i = 0; i < s->hs->n; i++) {
		if (s->hs->h[i].member != hd.member)
			continue;
		if (!u->accepted[i]) {
			char label[400];
			holder_label(s->c, &s->hs->h[i], label, sizeof label);
			free(text);
			refuse(TR(s->c, "c’est la clé de %s ; la clé attendue est celle %s",
				  "this is the key of %s; the key expected is the one %s"),
			       label, u->who);
			return false;
		}
		if (s->hs->h[i].serial[0] != '\0' && strcmp(s->hs->h[i].serial, k->serial) != 0)
			info(s->c, TR(s->c, "attention : la clé USB n’est pas celle de la cérémonie (%s, non %s)",
					  "beware: not the USB key of the ceremony (%s, not %s)"),
				 k->serial, s->hs->h[i].serial);
		u->index = i;
		u->text = text;
		u->len = len;
		return true;
	}
	free(text);
	refuse(TR(s->c, "la clé %s est celle d’un membre inconnu (m%d)",
		  "the key %s is an unknown member's (m%d)"),
	       k->devnode, hd.member);
	return false;
}

enum iso_err keysession_unlock(struct keysession *s, const bool *accepted, const char *who,
			       size_t *ret_index, char **ret_secret, size_t *ret_len)
{
	struct unlock_arg u = {accepted, who, 0, NULL, 0};
	char label[400], pass[MEMBERKEY_PASSPHRASE_MAX + 1];
	struct usbkey k;
	enum iso_err err;
	ask(TR(s->c, "insérez la clé USB %s", "insert the USB key %s"), who);
	if ((err = wait_for(s, fits_holder, &u, &k)) != ISO_OK)
		return err;
	holder_label(s->c, &s->hs->h[u.index], label, sizeof label);
	for (int tries = 0; tries < 3; tries++) {
		ask(TR(s->c, "phrase secrète de %s", "passphrase of %s"), label);
		if ((err = keyholder_read_secret(pass, sizeof pass)) != ISO_OK)
			break;
		err = memberkey_open(u.text, u.len, pass, ret_secret, ret_len);
		OPENSSL_cleanse(pass, sizeof pass);
		if (err != ISO_E_PASSPHRASE)
			break;
		refuse(TR(s->c, "phrase secrète erronée pour %s (essai %d sur 3)",
			  "wrong passphrase for %s (try %d of 3)"),
		       label, tries + 1);
	}
	free(u.text);
	if (err == ISO_OK)
		*ret_index = u.index;
	wait_removed(s, &k, label);
	return err;
}

enum iso_err keysession_erase(struct keysession *s, const bool *accepted, const char *who,
			      size_t *ret_index)
{
	struct unlock_arg u = {accepted, who, 0, NULL, 0};
	char label[400];
	struct usbkey k;
	enum iso_err err;
	ask(TR(s->c, "insérez la clé USB %s pour effacer sa clé de membre",
	       "insert the USB key %s to erase its member's key"),
	    who);
	if ((err = wait_for(s, fits_holder, &u, &k)) != ISO_OK)
		return err;
	free(u.text);
	holder_label(s->c, &s->hs->h[u.index], label, sizeof label);
	if ((err = usbkey_erase(&k, MEMBERKEY_NAME)) == ISO_OK) {
		*ret_index = u.index;
		info(s->c, TR(s->c, "clé de membre de %s effacée", "member's key of %s erased"), label);
	}
	wait_removed(s, &k, label);
	return err;
}

/* ---- the secret's text ---- */

#define SECRET_HEADER "isoloir-secret-1\n"

enum iso_err holder_secret_text(EVP_PKEY *sign, size_t npolls, const char *const *uuids,
				const char *const *seeds, const char *const *dkeys, char **ret,
				size_t *ret_len)
{
	int dlen = i2d_PrivateKey(sign, NULL);
	unsigned char *der = NULL, *q;
	size_t cap, n = 0;
	char *t;
	*ret = NULL;
	if (dlen <= 0)
		return ISO_E_CRYPTO_LIB;
	cap = sizeof SECRET_HEADER + 16 + 2 * (size_t)dlen + 2;
	for (size_t i = 0; i < npolls; i++)
		cap += 8 + strlen(uuids[i]) + strlen(seeds[i]) + strlen(dkeys[i]) + 3;
	if ((der = malloc((size_t)dlen)) == NULL || (t = malloc(cap)) == NULL) {
		free(der);
		return ISO_E_NOMEM;
	}
	q = der;
	if (i2d_PrivateKey(sign, &q) != dlen) {
		OPENSSL_cleanse(der, (size_t)dlen);
		free(der);
		free(t);
		return ISO_E_CRYPTO_LIB;
	}
	n += (size_t)snprintf(t + n, cap - n, "%ssigning-key ", SECRET_HEADER);
	iso_hex_encode(der, (size_t)dlen, t + n);
	n += 2 * (size_t)dlen;
	t[n++] = '\n';
	for (size_t i = 0; i < npolls; i++)
		n += (size_t)snprintf(t + n, cap - n, "poll %s %s %s\n", uuids[i], seeds[i], dkeys[i]);
	OPENSSL_cleanse(der, (size_t)dlen);
	free(der);
	*ret = t;
	*ret_len = n;
	return ISO_OK;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

enum iso_err holder_secret_parse(const char *text, size_t len, struct holder_secret *ret)
{
	const char *p = text, *end = text + len;
	size_t hl = strlen(SECRET_HEADER);
	memset(ret, 0, sizeof *ret);
	if (len < hl || memcmp(text, SECRET_HEADER, hl) != 0 || memchr(text, '\0', len) != NULL)
		return ISO_E_MEMBER_KEY;
	p += hl;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > 12 && memcmp(p, "signing-key ", 12) == 0 && ret->sign == NULL) {
			size_t hex = l - 12, dl = hex / 2;
			unsigned char *der = malloc(dl + 1);
			const unsigned char *q = der;
			bool ok = der != NULL && hex % 2 == 0;
			for (size_t i = 0; ok && i < dl; i++) {
				unsigned v;
				char two[3] = {p[12 + 2 * i], p[13 + 2 * i], '\0'};
				ok = strspn(two, "0123456789abcdef") == 2 && sscanf(two, "%2x", &v) == 1;
				if (ok)
					der[i] = (unsigned char)v;
			}
			if (ok)
				ret->sign = d2i_AutoPrivateKey(NULL, &q, (long)dl);
			if (der != NULL)
				OPENSSL_cleanse(der, dl);
			free(der);
			if (ret->sign == NULL)
				goto bad;
		} else if (l > 5 && memcmp(p, "poll ", 5) == 0 && ret->npolls < HOLDER_POLLS_MAX) {
			const char *u = p + 5, *sp1 = memchr(u, ' ', l - 5), *sp2;
			if (sp1 == NULL || (size_t)(sp1 - u) >= sizeof ret->poll[0].uuid)
				goto bad;
			sp2 = memchr(sp1 + 1, ' ', (size_t)(p + l - sp1 - 1));
			if (sp2 == NULL || sp2 == sp1 + 1 || sp2 + 1 >= p + l)
				goto bad;
			memcpy(ret->poll[ret->npolls].uuid, u, (size_t)(sp1 - u));
			ret->poll[ret->npolls].uuid[sp1 - u] = '\0';
			ret->poll[ret->npolls].seed = dup_n(sp1 + 1, (size_t)(sp2 - sp1 - 1));
			ret->poll[ret->npolls].dkey = dup_n(sp2 + 1, (size_t)(p + l - sp2 - 1));
			ret->npolls++;
			if (ret->poll[ret->npolls - 1].seed == NULL ||
			    ret->poll[ret->npolls - 1].dkey == NULL)
				goto bad;
		} else {
			goto bad;
		}
		p += l + 1;
	}
	if (ret->sign == NULL)
		goto bad;
	return ISO_OK;
bad:
	holder_secret_clear(ret);
	return ISO_E_MEMBER_KEY;
}

void holder_secret_clear(struct holder_secret *s)
{
	EVP_PKEY_free(s->sign);
	for (size_t i = 0; i < s->npolls; i++) {
		if (s->poll[i].seed != NULL) {
			OPENSSL_cleanse(s->poll[i].seed, strlen(s->poll[i].seed));
			free(s->poll[i].seed);
		}
		if (s->poll[i].dkey != NULL) {
			OPENSSL_cleanse(s->poll[i].dkey, strlen(s->poll[i].dkey));
			free(s->poll[i].dkey);
		}
	}
	memset(s, 0, sizeof *s);
}

int holder_secret_poll(const struct holder_secret *s, const char *uuid)
{
	for (size_t i = 0; i < s->npolls; i++)
		if (strcmp(s->poll[i].uuid, uuid) == 0)
			return (int)i;
	return -1;
}
