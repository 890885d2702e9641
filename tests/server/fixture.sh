#!/usr/bin/env bash
# The servers' test fixture: TLS identities (the server's; a kiosk CA and a
# kiosk; a bureau CA and a member; a rogue CA with a kiosk of its own; a
# kiosk certificate without the TLS-client purpose), the registry's and the
# urn's signing keys, and two polls made with isoloir-bureau (Setup-only
# archives, private credentials kept for the tests to vote with).
# Usage: tests/server/fixture.sh ISOLOIR-BUREAU DIR [VOTERS]
# TEMPLATE=file.json replaces poll a's questions (the benchmark's election).
set -euo pipefail
I=$1
d=$2
[ -n "${TEMPLATE:-}" ] && TEMPLATE=$(realpath "$TEMPLATE")
voters=${3:-24}
rm -rf "$d"
mkdir -p "$d"
cd "$d"

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

for k in registry urn urn-b; do
	ec "$k.key"
	openssl pkey -in "$k.key" -pubout -out "$k.pub" 2>/dev/null
done

# two polls, one question each (one list among three, blank allowed)
for p in a b; do
	mkdir "poll-$p"
	(
		cd "poll-$p"
		q=--quiet
		uuid=$("$I" setup generate-token)
		"$I" setup generate-credentials $q --uuid "$uuid" --count "$voters" >/dev/null
		mv ./*.pubcreds public_creds.json
		mv ./*.privcreds private_creds.txt
		"$I" setup generate-trustee-key $q >/dev/null
		cat ./*.pubkey >public_keys.jsons
		"$I" setup make-trustees $q
		if [ "$p" = a ] && [ -n "${TEMPLATE:-}" ]; then cp "$TEMPLATE" template.json; else
		cat >template.json <<TPL
{"description":"Scrutin de test $p","name":"Scrutin $p","questions":[{"answers":["Liste A","Liste B","Liste C"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"}]}
TPL
		fi
		"$I" setup make-election $q --uuid "$uuid" --template template.json
		"$I" archive init $q
		echo "$uuid" >uuid
	)
done
echo "fixture ready in $d"
