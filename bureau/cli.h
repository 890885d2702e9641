/* The command line of isoloir-bureau: one table of commands, one set of
 * options shared by all of them (each command says which it takes), and the
 * helpers every command uses to read its inputs and report errors.
 * Options and files are those of belenios-tool where one exists, so either
 * tool can play any role. Messages go to stderr, in French unless the locale
 * asks for English; results go to stdout or to files. */
#ifndef ISOLOIR_BUREAU_CLI_H
#define ISOLOIR_BUREAU_CLI_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum cli_opt {
	OPT_DIR = 1u << 0,
	OPT_UUID = 1u << 1,
	OPT_GROUP = 1u << 2,
	OPT_COUNT = 1u << 3,
	OPT_FILE = 1u << 4,
	OPT_PRIVCRED = 1u << 5,
	OPT_BALLOT = 1u << 6,
	OPT_STEP = 1u << 7,
	OPT_CERTS = 1u << 8,
	OPT_KEY = 1u << 9,
	OPT_THRESHOLD = 1u << 10,
	OPT_POLYNOMIALS = 1u << 11,
	OPT_PRIVKEY = 1u << 12,
	OPT_TRUSTEE_ID = 1u << 13,
	OPT_DECRYPTION_KEY = 1u << 14,
	OPT_TYPE = 1u << 15,
	OPT_TEMPLATE = 1u << 16,
	OPT_ELECTION = 1u << 17,
	OPT_TRUSTEES = 1u << 18,
	OPT_PUBLIC_CREDS = 1u << 19,
	OPT_QUIET = 1u << 20,
	OPT_THREADS = 1u << 21,
	OPT_ARGON2 = 1u << 22,
	OPT_VOTERS = 1u << 23,
	OPT_TRUSTEE_KEYS = 1u << 24,
	OPT_WAIT = 1u << 25,
	OPT_NO_REFERENCE = 1u << 26,
	OPT_OUT = 1u << 27,
	OPT_TECHNICIAN = 1u << 28,
	OPT_KIOSK = 1u << 29,
	OPT_FROM = 1u << 30,
	OPT_UNTIL = 1u << 31, /* the last bit: widen `unsigned` before adding one */
};

struct cli {
	unsigned given; /* OPT_* bits seen on the command line */
	const char *dir, *uuid, *group, *file, *privcred, *ballot, *certs, *key, *polynomials,
		*privkey, *decryption_key, *type, *template_path, *election, *trustees,
		*public_creds, *argon2, *voters, *trustee_keys, *out, *technician, *kiosk, *from,
		*until;
	long count, step, threshold, trustee_id, threads, wait;
	bool quiet, no_reference;
	enum iso_lang lang;
	int argc; /* positional arguments left */
	char **argv;
};

struct cli_command {
	const char *group; /* "ballot", "archive", ... */
	const char *name;  /* "encrypt", ... */
	int (*run)(struct cli *c);
	unsigned opts;     /* OPT_* accepted */
	unsigned required; /* OPT_* required */
	const char *help_fr, *help_en;
};

/* The commands, defined by each cmd_*.c file. */
extern const struct cli_command cli_commands_ballot[];
extern const struct cli_command cli_commands_archive[];
extern const struct cli_command cli_commands_setup[];
extern const struct cli_command cli_commands_tally[];
extern const struct cli_command cli_commands_ceremony[];
extern const struct cli_command cli_commands_operation[];
extern const struct cli_command cli_commands_count[];
extern const struct cli_command cli_commands_journal[];
extern const struct cli_command cli_commands_results[];
extern const struct cli_command cli_commands_bundle[];
extern const struct cli_command cli_commands_pv[];
extern const struct cli_command cli_commands_keys[];
extern const struct cli_command cli_commands_seal[];
extern const struct cli_command cli_commands_control[];
extern const struct cli_command cli_commands_test[];
extern const struct cli_command cli_commands_incidents[];
extern const struct cli_command cli_commands_maintenance[];
extern const struct cli_command cli_commands_enrolment[];

/* "operation init" (cmd_init.c), in the operation group's table. */
int cli_operation_init(struct cli *c);

/* Exit statuses (belenios-tool uses 123 for errors, so do we for a refused
 * input, and 124 for a command-line error). */
enum { CLI_OK = 0, CLI_REFUSED = 1, CLI_FAILED = 123, CLI_USAGE = 124 };

/* "msg: error text" (with the where, if any) on stderr; returns an exit status
 * (CLI_REFUSED for data refused, CLI_FAILED for system errors). */
int cli_error(const struct cli *c, const char *what, enum iso_err err,
	      const struct iso_where *where);
/* Informative line on stderr ("I: ..."), unless --quiet. */
void cli_info(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text in the command's language: fr or en. */
const char *cli_tr(const struct cli *c, const char *fr, const char *en);

/* Path of name inside --dir (or "."); malloc'd. */
char *cli_path(const struct cli *c, const char *name);
/* Read a file ("-" is stdin); strips nothing. */
enum iso_err cli_read(const char *path, char **ret, size_t *ret_len);
/* Read a file and strip one trailing newline (the way belenios-tool reads
 * one-line JSON files). */
enum iso_err cli_read_line(const char *path, char **ret, size_t *ret_len);
/* Write data to a new file (refuses to overwrite), mode 0444 or 0400 for
 * secrets, durably. */
enum iso_err cli_write_new(const char *path, const void *data, size_t len, bool secret);
/* The same for one line of text: text and a newline, as belenios-tool
 * writes its key, certificate and ceremony files. The copy is wiped. */
enum iso_err cli_write_line(const char *path, const char *text, bool secret);

/* No core dump, not dumpable, memory locked (a warning when it cannot
 * be): for the commands that hold the members' secrets (cmd_keys.c). */
void cli_secure_process(const struct cli *c);

/* Verify the archive of --dir completely (progress on stderr); prints its
 * own error. */
struct iso_verified;
int cli_verify_dir(const struct cli *c, struct iso_verified **ret);


/* Append event with fields (consumed) to --dir's journal.jsonl, now; an
 * exit status (the error said). */
int cli_journal(const struct cli *c, const char *event, json_t *fields);

/* The kiosks' interventions (R-D11-INTERV) in --dir's journal, one
 * "intervention" entry each {source, at, kiosk_event, outcome, detail}
 * whether it came from the registry (operation interventions) or from a
 * kiosk's journal (operation incidents): *ret the set of those recorded
 * (cmd_incidents.c); add journals entry (consumed) unless it is in it. */
int cli_interventions_known(const struct cli *c, json_t **ret);
int cli_intervention_add(const struct cli *c, json_t *known, json_t *entry, bool *ret_added);

/* The components file of operation seal and operation test (cmd_seal.c):
 * "NAME /ABSOLUTE/PATH" lines (# comments, blank lines), kiosk-image,
 * isoloir-urn and isoloir-registry among them; fn sees each (text is cut
 * up). A refusal is said; fn's status stops the walk. */
int cli_components(const struct cli *c, char *text,
		   int (*fn)(void *arg, const char *name, const char *path), void *arg);

/* Check OP/seal.json now (cmd_seal.c): every item hashed again, the
 * signatures and their signers; the check journaled. CLI_OK when it holds. */
int cli_seal_check(const struct cli *c);

/* The whole count of the poll in --dir (cmd_count.c): the archive verified
 * once, the encrypted tally, a partial decryption by each holder (trustee
 * ids[i], secret xs[i], checked against its public key), the result; all
 * appended together, the result printed. *ret_ballots (may be NULL): the
 * ballots counted; *ret_result (may be NULL): the result's JSON, malloc'd. */
int cli_count(const struct cli *c, const int *ids, BIGNUM *const *xs, size_t nx,
	      size_t *ret_ballots, char **ret_result);

#endif
