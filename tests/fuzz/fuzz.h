/* Shared by the fuzz targets: the entry points libFuzzer calls, and the
 * reference election they check inputs against (tests/data/belenios-ref). */
#ifndef ISOLOIR_FUZZ_H
#define ISOLOIR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes of tests/data/belenios-ref/<name>, one trailing newline
 * stripped; exits if it cannot be read. */
char *fuzz_data_file(const char *name, size_t *len);

#endif
