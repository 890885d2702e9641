#!/usr/bin/env bash
# The servers' test fixture: the TLS identities and signing keys of
# pki.sh; an operation of two polls from the credential authority (op/);
# and two polls made with isoloir-bureau (Setup-only
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
# an operation of two polls made by the credential authority: one password
# per voter for all their polls (op/letters-*.csv), cheap Argon2id costs
# unless ARGON2=T,M,P says otherwise (the benchmarks use the production's)
mkdir op
(
	cd op
	q=--quiet
	c=$("$I" setup generate-token)
	e=$("$I" setup generate-token)
	{
		echo "identifiant;nom;reponse;scrutins"
		echo "ines.moreau;Inès Moreau;14/07/1985;$c,$e"
		echo "jerome.lefevre;Jérôme Lefèvre;02/03/1979;$c,$e"
		echo "zoe.martin;Zoé Martin;30/01/2001;$c"
		echo "yann.le-gall;Yann Le Gall;12/12/1972;$e"
	} >voters.csv
	"$I" operation credentials $q --file voters.csv --dir . --argon2 "${ARGON2:-1,8,1}" 2>/dev/null
	for u in "$c" "$e"; do
		(
			cd "$u"
			"$I" setup generate-trustee-key $q >/dev/null
			cat ./*.pubkey >public_keys.jsons
			"$I" setup make-trustees $q
			cat >template.json <<TPL
{"description":"Scrutin $u","name":"Scrutin $u","questions":[{"answers":["Liste A","Liste B","Liste C"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"}]}
TPL
			"$I" setup make-election $q --uuid "$u" --template template.json
			"$I" archive init $q
		)
	done
	echo "$c $e" >polls
)
echo "fixture ready in $d"
