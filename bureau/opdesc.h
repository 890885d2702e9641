/* The operation's description, as the bureau writes it before anything
 * else ("operation init"): a JSON file
 *   {"version":1, "operation":"…", "space":"…",
 *    "opening":"2026-12-04T08:00:00+01:00", "closing":"…",
 *    "helpline":"01 23 45 67 89, 9 h – 17 h", "board":"https://…",  (optional:
 *                    the letters' help line and the public board's address)
 *    "colleges":[{"code":"CAT-A","name":"Catégorie A"}, …],      (optional)
 *    "polls":[{"code":"CSA", "name":"…", "colleges":["CAT-A"],    (optional)
 *              "seats":4, "method":"plus-forte-moyenne",
 *              "blank":true,                                        (optional)
 *              "lists":[{"acronym":"…","name":"…","candidates":["…"],
 *                        "profession_de_foi":"professions/la.txt"}]}],
 *    "bureau":[{"name":"…","role":"president"},
 *              {"name":"…","role":"delegue","list":"CSA/LA"}, …]}
 * Codes (polls and colleges, one namespace) are what voters.csv's last
 * field names: a voter votes in each poll named and in each poll of each
 * college named. Roles: president (exactly one), assesseur, secretaire
 * (at most one), delegue (délégué de liste: its list "POLL/ACRONYM");
 * at least four members, the quorum the bureau deliberates with
 * (R-BUR-02). A profession de foi is a UTF-8 text file, its path relative
 * to the description's folder, without "..".
 * Parsed strictly: every fault is named (poll, list, college or member
 * number from 1, and the field); nothing is read from disk but by
 * opdesc_read_professions. */
#ifndef ISOLOIR_BUREAU_OPDESC_H
#define ISOLOIR_BUREAU_OPDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "seats.h"

#define OPDESC_FILE_MAX (1u << 20)
#define OPDESC_CODE_MAX 32
#define OPDESC_TEXT_MAX 256
#define OPDESC_POLLS_MAX 16 /* the registry's and the kiosk's bound */
#define OPDESC_COLLEGES_MAX 64
#define OPDESC_MEMBERS_MAX 64
#define OPDESC_CANDIDATES_MAX 200
#define OPDESC_PROFESSION_MAX (64u << 10)

enum opdesc_role { ROLE_PRESIDENT, ROLE_ASSESSEUR, ROLE_SECRETAIRE, ROLE_DELEGUE };

struct opdesc_list {
	char *acronym, *name, *profession_path;
	char *profession_de_foi; /* the file's text, once read */
	char **candidates;
	size_t ncandidates;
};

struct opdesc_poll {
	char *code, *name;
	char **colleges;
	size_t ncolleges;
	unsigned seats;
	enum seats_method method;
	bool blank;
	struct opdesc_list *lists;
	size_t nlists;
};

struct opdesc_college {
	char *code, *name;
};

struct opdesc_member {
	char *name;
	enum opdesc_role role;
	int poll, list; /* a délégué's list (indexes), else -1 */
};

struct opdesc {
	char *operation, *space, *opening_text, *closing_text;
	char *helpline, *board; /* or NULL */
	int64_t opening, closing;
	struct opdesc_college *colleges;
	size_t ncolleges;
	struct opdesc_poll *polls;
	size_t npolls;
	struct opdesc_member *members;
	size_t nmembers;
};

/* Why a description is refused. */
enum opdesc_fault {
	OPDESC_OK = 0,
	OPDESC_JSON,      /* not JSON (line and column given) */
	OPDESC_TOO_LARGE,
	OPDESC_KEYS,      /* a key missing or not expected */
	OPDESC_VALUE,     /* absent, empty, too long, not text, out of range */
	OPDESC_CODE,      /* not a code: letters, digits, - and _, 32 at most */
	OPDESC_DUPLICATE, /* given twice (a code is one for polls and colleges) */
	OPDESC_UNKNOWN,   /* names no college, or no list of a poll */
	OPDESC_ORDER,     /* the closing is not after the opening */
	OPDESC_PATH,      /* not a relative path inside the folder */
	OPDESC_TEXT_FILE, /* a profession de foi is not UTF-8 text, or too long */
	OPDESC_UNREADABLE,/* a profession de foi's file cannot be read */
	OPDESC_ROLES,     /* not exactly one president, or two secretaries */
	OPDESC_QUORUM,    /* fewer than four members */
	OPDESC_DELEGATE,  /* a délégué without a list, or a list given to another role */
};

/* Where a fault is: numbers from 1 (0: none), the field, and why. */
struct opdesc_where {
	enum opdesc_fault fault;
	size_t poll, list, college, member;
	const char *field;
	int line, column; /* of a JSON syntax error */
};

/* ISO_E_CONFIG with *where filled for any fault, ISO_E_NOMEM. */
enum iso_err opdesc_parse(const char *json, size_t len, struct opdesc **ret,
			  struct opdesc_where *where);
/* Each list's profession de foi from its file under basedir: UTF-8 text
 * of at most OPDESC_PROFESSION_MAX bytes (ISO_E_CONFIG, where naming the
 * poll, the list and "profession_de_foi"; ISO_E_IO when unreadable). */
enum iso_err opdesc_read_professions(struct opdesc *d, const char *basedir,
				     struct opdesc_where *where);
void opdesc_free(struct opdesc *d);

/* "poll 2, list 3, field acronym: given twice", French or English. */
void opdesc_where_format(const struct opdesc_where *w, enum iso_lang lang, char *buf,
			 size_t size);
/* The poll or college of a code: its index, and whether it is a college. */
bool opdesc_code(const struct opdesc *d, const char *code, size_t *ret, bool *ret_college);
const char *opdesc_role_name(enum opdesc_role r);

#endif
