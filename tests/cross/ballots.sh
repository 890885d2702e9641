#!/usr/bin/env bash
# Ballots both ways, for several question shapes and both groups: ballots
# made by belenios-tool pass "isoloir-bureau ballot verify"; ballots made by
# "isoloir-bureau ballot encrypt" are cast into a belenios-tool archive and
# pass "belenios-tool election verify" (and our archive verify).
# Usage: ballots.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w"
B=belenios-tool
n=0
# shape GROUP TEMPLATE-QUESTIONS PLAINTEXT...   (4 plaintexts: 2 each way)
shape() {
	local group=$1 questions=$2
	shift 2
	n=$((n + 1))
	local d="$w/shape$n"
	mkdir -p "$d" && cd "$d"
	local uuid
	uuid=$($B setup generate-token 2>/dev/null)
	$B setup generate-credentials --uuid "$uuid" --group "$group" --count 4 >/dev/null 2>&1
	mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
	$B setup generate-trustee-key --group "$group" >/dev/null 2>&1
	cat ./*.pubkey >public_keys.jsons
	$B setup make-trustees >/dev/null 2>&1
	echo "{\"description\":\"Forme $n\",\"name\":\"Forme $n\",\"questions\":$questions}" >template.json
	$B setup make-election --uuid "$uuid" --group "$group" --template template.json >/dev/null 2>&1
	$B archive init >/dev/null 2>&1
	local k=0 cred plain
	while read -r _ cred; do
		plain=$1
		shift
		k=$((k + 1))
		echo "$cred" >cred.txt
		echo "$plain" >plain.txt
		if [ $k -le 2 ]; then
			$B election generate-ballot --privcred cred.txt --ballot plain.txt >"b$k.json" 2>/dev/null
			$I ballot verify --quiet --ballot "b$k.json" ||
				{ echo "shape $n: belenios ballot $plain refused by us"; exit 1; }
		else
			$I ballot encrypt --quiet --privcred cred.txt --ballot plain.txt >"b$k.json"
			$B archive add-event --type=Ballot <"b$k.json" >/dev/null 2>&1
		fi
	done <private_creds.txt
	rm -f cred.txt plain.txt
	$B election verify >verify.log 2>&1 || { echo "shape $n: belenios refuses our ballots"; cat verify.log; exit 1; }
	$I archive verify --quiet
	echo "shape $n ($group): OK"
}

shape BELENIOS-2048 '[{"answers":["A","B","C","D","E","F","G","H","I","J"],"blank":true,"min":0,"max":1,"question":"Q1"},{"answers":["Oui","Non","Peut-être"],"min":1,"max":1,"question":"Q2"}]' \
	'[[1,0,0,0,0,0,0,0,0,0,0],[0,0,1]]' '[[0,0,0,0,0,0,0,0,0,0,1],[1,0,0]]' \
	'[[0,0,1,0,0,0,0,0,0,0,0],[0,1,0]]' '[[1,0,0,0,0,0,0,0,0,0,0],[1,0,0]]'
shape BELENIOS-2048 '[{"answers":["a","b","c","d","e"],"min":2,"max":3,"question":"Deux ou trois"}]' \
	'[[1,1,0,1,0]]' '[[0,0,0,1,1]]' '[[1,0,1,0,1]]' '[[0,1,1,0,0]]'
shape BELENIOS-2048 '[{"answers":["a","b","c","d"],"min":0,"max":3,"question":"Zéro à trois"}]' \
	'[[0,0,0,0]]' '[[1,1,1,0]]' '[[0,0,0,0]]' '[[0,1,0,1]]'
shape BELENIOS-2048 '[{"answers":["a","b","c","d"],"blank":true,"min":2,"max":2,"question":"Deux ou blanc"}]' \
	'[[1,0,0,0,0]]' '[[0,1,0,1,0]]' '[[1,0,0,0,0]]' '[[0,0,1,1,0]]'
shape RFC-3526-2048 '[{"answers":["Oui","Non"],"blank":true,"min":1,"max":1,"question":"Référendum"}]' \
	'[[0,1,0]]' '[[1,0,0]]' '[[0,0,1]]' '[[1,0,0]]'
echo "OK: $n shapes, ballots accepted both ways"
