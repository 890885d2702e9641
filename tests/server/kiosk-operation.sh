#!/usr/bin/env bash
# operation.json for a kiosk: the registry and each poll's urn on
# 127.0.0.1 with the server's pin, each poll's exact election bytes, and
# three lists (the questions' answers "Liste A", "Liste B", "Liste C").
# Usage: tests/server/kiosk-operation.sh ISOLOIR-KIOSK SERVER-CERT REGISTRY-PORT \
#          (POLL-UUID POLL-NAME ELECTION.json URN-PORT)... > operation.json
set -euo pipefail
K=$1 cert=$2 rport=$3
shift 3
pin=$("$K" pin "$cert")
esc() { sed 's/\\/\\\\/g; s/"/\\"/g' "$1" | tr -d '\n'; }
lists='[{"acronym":"LA","name":"Liste A","candidates":["Camille Durand","Sacha Petit"],"profession_de_foi":"Pour des services publics de proximité."},{"acronym":"LB","name":"Liste B","candidates":["Noé Bernard","Léa Garnier"],"profession_de_foi":"Pour l’égalité professionnelle."},{"acronym":"LC","name":"Liste C","candidates":["Hugo Roux","Chloé Faure"],"profession_de_foi":"Pour le télétravail choisi."}]'
polls=
while [ $# -ge 4 ]; do
	polls="$polls${polls:+,}{\"uuid\":\"$1\",\"name\":\"$2\",\"election\":\"$(esc "$3")\",\"urn\":{\"url\":\"https://127.0.0.1:$4\",\"pin\":\"$pin\"},\"lists\":$lists}"
	shift 4
done
printf '{"version":1,"operation":"Démonstration","space":"Espace électoral de démonstration","registry":{"url":"https://127.0.0.1:%s","pin":"%s"},"polls":[%s]}\n' \
	"$rport" "$pin" "$polls"
