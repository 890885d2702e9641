#!/usr/bin/env bash
# Corrupted ballots and archives: each must be refused by isoloir-bureau with
# the expected error name AND refused by belenios-tool.
# Ballots: every corruption of iso-tamper (a belenios-tool ballot, altered).
# Archives: byte-level damage of a belenios-tool archive.
# Usage: corruptions.sh ISOLOIR-BUREAU ISO-TAMPER [workdir]
set -euo pipefail
I=$1
T=$2
w=${3:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w/base" && cd "$w/base"
B=belenios-tool
uuid=$($B setup generate-token 2>/dev/null)
$B setup generate-credentials --uuid "$uuid" --group BELENIOS-2048 --count 3 >/dev/null 2>&1
mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
$B setup generate-trustee-key --group BELENIOS-2048 >/dev/null 2>&1
cat ./*.pubkey >public_keys.jsons
$B setup make-trustees >/dev/null 2>&1
cat >template.json <<'TPL'
{"description":"Corruptions","name":"Corruptions","questions":[{"answers":["A","B","C","D","E","F","G","H","I","J"],"blank":true,"min":0,"max":1,"question":"Q1"},{"answers":["Oui","Non","Peut-être"],"min":1,"max":1,"question":"Q2"}]}
TPL
$B setup make-election --uuid "$uuid" --group BELENIOS-2048 --template template.json >/dev/null 2>&1
$B archive init >/dev/null 2>&1
cred=$(head -1 private_creds.txt | cut -d' ' -f2)
echo "$cred" >cred.txt
echo '[[0,0,1,0,0,0,0,0,0,0,0],[0,1,0]]' >plain.txt
$B election generate-ballot --privcred cred.txt --ballot plain.txt >ballot.json 2>/dev/null
$I ballot verify --quiet --ballot ballot.json >/dev/null
fails=0 count=0
refused_by_belenios() { # dir: the archive with the suspicious content
	! $B election verify --dir "$1" >/dev/null 2>&1
}
check() { # name expected-error our-stderr belenios-dir
	count=$((count + 1))
	if ! grep -q "($2)" "$3"; then
		echo "FAIL $1: expected ($2), we said: $(cat "$3")"
		fails=$((fails + 1))
	elif ! refused_by_belenios "$4"; then
		echo "FAIL $1: belenios-tool accepts it"
		fails=$((fails + 1))
	else
		echo "ok   $1 ($2)"
	fi
}
while read -r name expected; do
	d="$w/b-$name"
	cp -r "$w/base" "$d"
	$T "$name" election.json "$cred" <ballot.json >"$d/tampered.json"
	if $I ballot verify --quiet --dir "$d" --ballot "$d/tampered.json" >/dev/null 2>"$d/ours.err"; then
		echo "FAIL $name: accepted by isoloir-bureau"
		fails=$((fails + 1))
		continue
	fi
	# belenios-tool may refuse at add-event already; otherwise at verify
	$B archive add-event --dir "$d" --type=Ballot <"$d/tampered.json" >/dev/null 2>&1 || true
	check "ballot/$name" "$expected" "$d/ours.err" "$d"
done < <($T list)

# archives: a complete belenios archive with one ballot, then damaged
$B archive add-event --type=Ballot <ballot.json >/dev/null 2>&1
$B election verify >/dev/null 2>&1
bel=$(ls ./*.bel)
size=$(stat -c %s "$bel")
archive_case() { # name expected-error transformation-command
	local d="$w/a-$1"
	mkdir -p "$d"
	cp "$bel" "$d/"
	(cd "$d" && eval "$3")
	$I archive verify --quiet --dir "$d" >/dev/null 2>"$d/ours.err" && {
		echo "FAIL archive/$1: accepted by isoloir-bureau"
		fails=$((fails + 1))
		return
	}
	check "archive/$1" "$2" "$d/ours.err" "$d"
}
# offset of the first digit of the ballot's first response in the archive
off=$(grep -boa '"response":"' "$bel" | head -1 | cut -d: -f1)
off=$((off + 12))
flip='f=$(ls ./*.bel); c=$(dd if="$f" bs=1 skip='$off' count=1 2>/dev/null); n=$(( c == 0 ? 2 : (c + 1) % 10 )); printf "%s" "$n" | dd of="$f" bs=1 seek='$off' conv=notrunc 2>/dev/null'
archive_case digit-changed archive-hash "$flip"
archive_case truncated archive-format 'truncate -s $(('"$size"' - 700)) *.bel'
archive_case end-blocks archive-format 'head -c 1024 /dev/zero >>"$(ls ./*.bel)"'
archive_case mtime-changed archive-not-canonical 'printf "1" | dd of=$(ls *.bel) bs=1 seek=$((512 + 136)) conv=notrunc 2>/dev/null'
archive_case garbage archive-format 'head -c 3000 /dev/urandom >$(ls *.bel)'
echo "$count corruptions, $fails failures"
[ "$fails" -eq 0 ]
