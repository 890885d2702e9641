/* The polls a registry issues tickets for: registry-polls.json, written by
 * the bureau beside the voter file,
 *   {"version":1,"polls":[{"uuid":"...","name":"...","urn_key":"urn.pub"}]}
 * with each poll's uuid, the name a kiosk shows and the path of its urn's
 * public key (PEM), which checks the receipts the kiosks bring back; a
 * relative path is read from the file's directory. Parsed strictly, every
 * fault named with the poll's number. */
#ifndef ISOLOIR_REGISTRY_POLLS_H
#define ISOLOIR_REGISTRY_POLLS_H

#include <stddef.h>

#include "error.h"
#include "registry.h"

#define REGISTRY_POLLS_FILE_MAX (1u << 20)
#define REGISTRY_POLLS_COUNT_MAX 256

struct registry_polls {
	struct registry_poll *v; /* receipt_key NULL until registry_polls_load_keys */
	char **key_paths;        /* resolved */
	size_t n;
};

/* ISO_E_CONFIG with *ret_poll the 1-based number of the poll at fault (0:
 * the file itself) and *ret_field its field (static) or NULL. base_dir
 * resolves relative key paths (NULL: as they are). */
enum iso_err registry_polls_parse(const char *json, size_t len, const char *base_dir,
				  struct registry_polls **ret, size_t *ret_poll,
				  const char **ret_field);
/* Read each poll's urn key: on failure *ret_poll names the poll. */
enum iso_err registry_polls_load_keys(struct registry_polls *ps, size_t *ret_poll);
void registry_polls_free(struct registry_polls *ps);

#endif
