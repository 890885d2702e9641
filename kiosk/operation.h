/* What a kiosk knows of its operation: operation.json, installed by its
 * enrolment (enrolment.h: the bureau's operation enrolment-bundle makes it)
 * and named by the kiosk's configuration:
 *   {"version":1, "operation":"…", "space":"…",
 *    "opening":"2026-12-04T08:00:00+01:00", "closing":"…" (RFC 3339, config_parse_time),
 *    "registry":{"url":"https://…","pin":"…"[, "backup":{"url","pin"}]},
 *    "polls":[{"uuid":"…", "name":"…", "election":"<election.json's exact bytes>",
 *              "urn":{"url","pin"[, "backup"]},
 *              "lists":[{"acronym":"…","name":"…","candidates":["…"],
 *                        "profession_de_foi":"…"}]}]}
 * Each poll is one Belenios election of one question, one list among its
 * answers (blank as the election says): the lists are the question's
 * answers, in the same order and the same number. Parsed strictly; every
 * fault is named (poll, list, field). */
#ifndef ISOLOIR_KIOSK_OPERATION_H
#define ISOLOIR_KIOSK_OPERATION_H

#include <stddef.h>
#include <stdint.h>

#include "election.h"
#include "error.h"
#include "net.h"

#define OPERATION_FILE_MAX (16u << 20)
#define OPERATION_POLLS_MAX 16
#define OPERATION_LISTS_MAX 64
#define OPERATION_CANDIDATES_MAX 200
#define OPERATION_TEXT_MAX 256
#define OPERATION_PROFESSION_MAX (64u << 10)

struct operation_list {
	char *acronym, *name, *profession_de_foi;
	char **candidates;
	size_t ncandidates;
};

struct operation_poll {
	char *uuid, *name;
	struct iso_election *election;
	struct net_server urn;
	struct operation_list *lists;
	size_t nlists;
};

struct operation {
	char *name, *space;
	int64_t opening, closing; /* the vote's hours (seconds), closing after opening */
	char *opening_text, *closing_text; /* as written, with their offset */
	struct net_server registry;
	struct operation_poll *polls;
	size_t npolls;
};

/* Where a fault is: poll and list numbers from 1 (0: none), the field. */
struct operation_where {
	size_t poll, list;
	const char *field;
};
/* "message (poll 2, list 3, field acronym)", French or English. */
void operation_where_format(const struct operation_where *w, enum iso_err err,
			    enum iso_lang lang, char *buf, size_t size);

/* ISO_E_CONFIG with where filled for any fault. */
enum iso_err operation_parse(const char *json, size_t len, struct operation **ret,
			     struct operation_where *where);
void operation_free(struct operation *op);
/* The poll of a uuid, or NULL. */
const struct operation_poll *operation_poll(const struct operation *op, const char *uuid);

#endif
