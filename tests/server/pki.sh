#!/usr/bin/env bash
# The TLS identities and signing keys of a test or demo operation, in DIR:
# the server's (server-ca, server: localhost and 127.0.0.1); a kiosk CA
# and kiosks (kiosk: kiosk-042, kiosk2: kiosk-043, kiosk-noclient: without
# the TLS-client purpose); a bureau CA and a member (bureau: president); a
# rogue CA with a kiosk of its own; an imposter server (server-other: same
# CA and names, another key); the pins of both (.pin); the registry's and three urns' P-256
# signing keys (registry, urn, urn-b, urn-c: .key and .pub). All P-256, 10 years.
# Usage: tests/server/pki.sh DIR
set -euo pipefail
mkdir -p "$1"
cd "$1"

ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { # name CN
	ec "$1.key"
	openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3650 -subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
leaf() { # name CN CA EKU [SAN]
	ec "$1.key"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
	{
		echo "basicConstraints=CA:FALSE"
		echo "keyUsage=critical,digitalSignature"
		echo "extendedKeyUsage=$4"
		[ -n "${5:-}" ] && echo "subjectAltName=$5"
	} >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
		-out "$1.pem" -days 3650 -extfile "$1.ext" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

ca server-ca "Isoloir Test Server CA"
leaf server localhost server-ca serverAuth "DNS:localhost,IP:127.0.0.1"
ca kiosk-ca "Isoloir Test Kiosk CA"
leaf kiosk kiosk-042 kiosk-ca clientAuth
leaf kiosk2 kiosk-043 kiosk-ca clientAuth
leaf kiosk-noclient kiosk-044 kiosk-ca serverAuth
ca bureau-ca "Isoloir Test Bureau CA"
leaf bureau president bureau-ca clientAuth
ca rogue-ca "Rogue CA"
leaf rogue kiosk-042 rogue-ca clientAuth

for k in registry urn urn-b urn-c; do
	ec "$k.key"
	openssl pkey -in "$k.key" -pubout -out "$k.pub" 2>/dev/null
done

# an imposter: a certificate of the same CA for the same names, another
# key (the kiosk's pin refuses it), and the pins (base64 SHA-256 of the
# SPKI) a kiosk's configuration holds
leaf server-other localhost server-ca serverAuth "DNS:localhost,IP:127.0.0.1"
for s in server server-other; do
	openssl x509 -in "$s.pem" -pubkey -noout | openssl pkey -pubin -outform der |
		openssl dgst -sha256 -binary | openssl base64 -A >"$s.pin"
done
