#!/usr/bin/env bash
# operation.json for a kiosk: the registry and each poll's urn on
# 127.0.0.1 with the server's pin, each poll's exact election bytes, and
# three lists (the questions' answers "Liste A", "Liste B", "Liste C"),
# Liste B's profession de foi long enough to be read in pages.
# Usage: tests/server/kiosk-operation.sh ISOLOIR-KIOSK SERVER-CERT REGISTRY-PORT \
#          (POLL-UUID POLL-NAME ELECTION.json URN-PORT)... > operation.json
set -euo pipefail
K=$1 cert=$2 rport=$3
shift 3
pin=$("$K" pin "$cert")
esc() { sed 's/\\/\\\\/g; s/"/\\"/g' "$1" | tr -d '\n'; }
# Liste B's profession de foi runs to several pages
long=$(sed 's/\\/\\\\/g; s/"/\\"/g' "$(dirname "$0")/../data/kiosk/profession-de-foi-longue.txt" |
	awk '{ printf "%s%s", (NR > 1 ? "\\n" : ""), $0 }')
lists='[{"acronym":"LA","name":"Liste A","candidates":["Camille Durand","Sacha Petit"],"profession_de_foi":"Pour des services publics de proximité."},{"acronym":"LB","name":"Liste B","candidates":["Noé Bernard","Léa Garnier"],"profession_de_foi":"'"$long"'"},{"acronym":"LC","name":"Liste C","candidates":["Hugo Roux","Chloé Faure"],"profession_de_foi":"Pour le télétravail choisi."}]'
polls=
while [ $# -ge 4 ]; do
	polls="$polls${polls:+,}{\"uuid\":\"$1\",\"name\":\"$2\",\"election\":\"$(esc "$3")\",\"urn\":{\"url\":\"https://127.0.0.1:$4\",\"pin\":\"$pin\"},\"lists\":$lists}"
	shift 4
done
# the vote's hours: from an hour ago for a day, in local time with its offset
now=$(date +%s)
opening=$(date -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%S%:z)
closing=$(date -d "@$((now + 86400))" +%Y-%m-%dT%H:%M:%S%:z)
printf '{"version":1,"operation":"Démonstration","space":"Espace électoral de démonstration","opening":"%s","closing":"%s","registry":{"url":"https://127.0.0.1:%s","pin":"%s"},"polls":[%s]}\n' \
	"$opening" "$closing" "$rport" "$pin" "$polls"
