/* The bureau's key holders and their USB keys (R-KEY-01…03, R-D11-KEYS).
 * The holders are the président and the délégués de liste of the
 * operation's bureau (operation.json), numbered as trustees in that order;
 * assesseurs, the secrétaire and the technical staff hold no key
 * (R-KEY-02). After the ceremony, OP/members.json says who holds which
 * key: the threshold, each holder's public signing key (the seals), the
 * serial of the USB key written.
 *
 * A key session talks to the members at the bureau's computer: it says
 * which key it expects and waits for it (libudev), tells a wrong key from
 * the right one by the file's clear header, asks the passphrase (no echo
 * on a terminal; one line of standard input otherwise, for scripts), and
 * asks for the key to be taken out. Lines for the members start with
 * "A: " and end with the expected members in brackets ("[m1 m4]"), on
 * standard error. */
#ifndef ISOLOIR_BUREAU_KEYHOLDER_H
#define ISOLOIR_BUREAU_KEYHOLDER_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "error.h"

#define HOLDERS_MAX 64

struct holder {
	int member;      /* 1-based in the bureau's order */
	int trustee;     /* 1-based among the holders */
	bool president;  /* else a délégué */
	const char *name, *list; /* in the operation's JSON; list NULL for the président */
	EVP_PKEY *sign_pub;      /* from members.json; NULL before the ceremony */
	char serial[128];
};

struct holders {
	char opid[17];
	int threshold;
	size_t n;
	struct holder h[HOLDERS_MAX];
	json_t *operation, *members; /* what the names point into */
};

/* From OP/operation.json only (the ceremony). */
enum iso_err holders_of_operation(const char *opdir, struct holders *ret);
/* From OP/operation.json and OP/members.json (after the ceremony). */
enum iso_err holders_read(const char *opdir, struct holders *ret);
void holders_clear(struct holders *hs);
/* "Martine Lebrun (présidente)", "Karim Haddad (délégué, CST/USA)" */
void holder_label(const struct cli *c, const struct holder *h, char *buf, size_t size);

/* One line typed: no echo on a terminal; standard input's next line
 * otherwise (scripts), a byte at a time so nothing is left buffered. */
enum iso_err keyholder_read_secret(char *buf, size_t size);
/* A new secret typed twice (three tries): a passphrase of
 * MEMBERKEY_PASSPHRASE_MIN characters at least, or (pin) a PIN of
 * MAINT_PIN_MIN to MAINT_PIN_MAX digits; `who` names its holder. The
 * caller wipes it. */
enum iso_err keyholder_new_secret(const struct cli *c, const char *who, bool pin, char *pass,
				  size_t size);

struct keysession;

/* wait_s: how long to wait for a key before giving up (ISO_E_USB). */
enum iso_err keysession_open(const struct cli *c, const struct holders *hs, int wait_s,
			     struct keysession **ret);
void keysession_close(struct keysession *s);

/* The ceremony: a blank FAT key for h, a new passphrase typed twice, the
 * secret written, read back and decrypted again; the key's serial and the
 * file's SHA-256 returned. */
enum iso_err keysession_write(struct keysession *s, const struct holder *h, const char *secret,
			      size_t len, char ret_serial[128], char ret_sha256[65]);

/* A seal or a count: the key of one of the holders accepted[i] (a wrong
 * member's key, another operation's or a blank one is refused and waited
 * past), its passphrase (three tries), its secret (the caller wipes it).
 * `who` says whom the bureau waits for: "de Martine Lebrun (président)
 * [m1]", "d’un délégué de liste [m4 m5]". */
enum iso_err keysession_unlock(struct keysession *s, const bool *accepted, const char *who,
			       size_t *ret_index, char **ret_secret, size_t *ret_len);


/* The operation's end: the key of one of the holders accepted[i], its
 * member's key file erased (no passphrase: the file goes whoever holds the
 * key); *ret_index the holder. */
enum iso_err keysession_erase(struct keysession *s, const bool *accepted, const char *who,
			      size_t *ret_index);

/* ---- what a holder's key file holds, in clear once opened ----
 *   isoloir-secret-1
 *   signing-key <hex DER PKCS#8 of the P-256 key of the seals>
 *   poll <uuid> <Pedersen seed (.key)> <decryption key (.dkey), one line>
 *   …
 * Built and read here only; every copy is wiped. */
#define HOLDER_POLLS_MAX 16

struct holder_secret {
	EVP_PKEY *sign;
	size_t npolls;
	struct {
		char uuid[16];
		char *seed, *dkey;
	} poll[HOLDER_POLLS_MAX];
};

/* The text: *ret malloc'd (wipe it). */
enum iso_err holder_secret_text(EVP_PKEY *sign, size_t npolls, const char *const *uuids,
				const char *const *seeds, const char *const *dkeys, char **ret,
				size_t *ret_len);
enum iso_err holder_secret_parse(const char *text, size_t len, struct holder_secret *ret);
void holder_secret_clear(struct holder_secret *s);
/* The index of the poll's part, or -1. */
int holder_secret_poll(const struct holder_secret *s, const char *uuid);

#endif
