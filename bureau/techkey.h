/* The operation's technician key (issue 6, R-D11-INTERV): a P-256 key held
 * by the local service head, not a member of the bureau (R-KEY-02: it opens
 * no ballot box). It signs the technicians' maintenance tokens
 * (kiosk/maintenance.h) and the kiosks' enrolment bundles; the kiosk image
 * carries its public half (/usr/share/isoloir/technician-key.pem), so a
 * kiosk trusts nothing else. The private half lies in a file under a
 * passphrase, in the members' key-file format (memberkey.h: Argon2id +
 * AES-256-GCM, role "technicien"), wherever its holder keeps it (a USB key
 * of their own); its public half is OP/technician-key.pem, which the seal
 * covers through the kiosk image's manifest. */
#ifndef ISOLOIR_BUREAU_TECHKEY_H
#define ISOLOIR_BUREAU_TECHKEY_H

#include <openssl/evp.h>

#include "cli.h"
#include "error.h"

#define TECHKEY_ROLE "technicien"
#define TECHKEY_PUBLIC "technician-key.pem"

/* A new key pair for the operation of --dir, its holder named `holder`:
 * the passphrase typed twice, the private file written at out (never over
 * a file), OP/technician-key.pem beside; journaled. An exit status. */
int techkey_create(const struct cli *c, const char *holder, const char *out);

/* The private key of the file at path, for the operation of --dir: the
 * file's header checked (this operation, the technician's role), its
 * passphrase asked (three tries), the key checked against
 * OP/technician-key.pem. *ret the key (EVP_PKEY_free it). An exit status,
 * the refusal said. */
int techkey_unlock(const struct cli *c, const char *path, EVP_PKEY **ret);

#endif
