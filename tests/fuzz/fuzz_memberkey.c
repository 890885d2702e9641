/* Fuzz target: what a member's USB key gives the bureau (bureau/memberkey.c,
 * bureau/keyholder.c). The first byte chooses: even, the key file's clear
 * header as read before any passphrase; odd, the secret's text as read
 * once decrypted. Whatever the bytes: no crash, no leak; a header accepted
 * has a 16-hex-digit operation, a member from 1 and NUL-terminated texts;
 * a secret accepted has its signing key and at most HOLDER_POLLS_MAX polls,
 * each with its seed and decryption key. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "keyholder.h"
#include "memberkey.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		struct memberkey_header h;
		if (memberkey_header_read((const char *)data + 1, size - 1, &h) == ISO_OK &&
		    (strlen(h.operation) != 16 || strspn(h.operation, "0123456789abcdef") != 16 ||
		     h.member < 1 || memchr(h.name, '\0', sizeof h.name) == NULL ||
		     memchr(h.role, '\0', sizeof h.role) == NULL))
			abort();
	} else {
		struct holder_secret s;
		if (holder_secret_parse((const char *)data + 1, size - 1, &s) == ISO_OK) {
			if (s.sign == NULL || s.npolls > HOLDER_POLLS_MAX)
				abort();
			for (size_t i = 0; i < s.npolls; i++)
				if (s.poll[i].seed == NULL || s.poll[i].dkey == NULL || s.poll[i].seed[0] == '\0')
					abort();
			holder_secret_clear(&s);
		}
	}
	return 0;
}
