/* The throwaway identities of the bureau's test election (operation test):
 * three CAs (servers, kiosks, bureau), the servers' certificate for
 * localhost and 127.0.0.1, a kiosk's and the bureau's client certificates,
 * all P-256, valid for two days; and the signing keys of the test
 * registry (tickets) and urns (receipts). Written as PEM under a folder
 * (mode 0600 for keys), removed with the test's secrets once it is over:
 *   server-ca.pem kiosk-ca.pem bureau-ca.pem server.pem server.key
 *   kiosk.pem kiosk.key bureau.pem bureau.key registry.key registry.pub
 *   urn-N.key urn-N.pub (N from 0, one per poll) */
#ifndef ISOLOIR_BUREAU_TESTPKI_H
#define ISOLOIR_BUREAU_TESTPKI_H

#include <stddef.h>

#include "error.h"

enum iso_err testpki_make(const char *dir, size_t nurns);

#endif
