/* The voters' password letters as a PDF (R-AUTH-02: the identifier goes
 * by another channel): one page per voter with their name, the password,
 * and the notice — where and when to vote (the electoral space, the
 * hours), how, the receipt and the public board, the help line — from
 * the operation.json that "operation init" wrote. The letter's number
 * joins it to the identifiers' letter; nothing else identifies the voter. */
#ifndef ISOLOIR_BUREAU_LETTERS_H
#define ISOLOIR_BUREAU_LETTERS_H

#include <jansson.h>
#include <openssl/crypto.h>
#include <stddef.h>

#include "error.h"

struct letter {
	const char *number, *name, *password;
};

/* ISO_E_CONFIG when op lacks operation, space or the hours. *ret is
 * freed with pdf_data_free (pdf.h). */
enum iso_err letters_pdf(enum iso_lang lang, const json_t *op, const struct letter *l, size_t n,
			 unsigned char **ret, size_t *ret_len);

#endif
