#!/usr/bin/env bash
# The servers' test fixture: the TLS identities and signing keys of
# pki.sh, and two polls made with isoloir-bureau (Setup-only
# archives, private credentials kept for the tests to vote with).
# Usage: tests/server/fixture.sh ISOLOIR-BUREAU DIR [VOTERS]
# TEMPLATE=file.json replaces poll a's questions (the benchmark's election).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
I=$1
d=$2
[ -n "${TEMPLATE:-}" ] && TEMPLATE=$(realpath "$TEMPLATE")
voters=${3:-24}
rm -rf "$d"
mkdir -p "$d"
cd "$d"

"$HERE/pki.sh" .

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
