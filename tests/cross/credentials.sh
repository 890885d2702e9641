#!/usr/bin/env bash
# The credential authority, "isoloir-bureau operation credentials", on a
# spreadsheet's voters.csv with two polls (the cheapest Argon2id cost the
# registry accepts):
# - R-AUTH-01: one letter per voter, in the input's order; R-AUTH-02: the
#   run says the identifier and the password go through two channels;
#   R-AUTH-03: the registry's answer hash takes the voter's answer.
# - R-SEP-01, R-SEP-03: each poll's public_creds.json holds public
#   credentials only, sorted; the voter file no password and no public
#   credential. Modes: public_creds.json 0644, registry-voters.json 0640,
#   letters-identifiers.csv and letters-passwords.csv 0600, whatever the
#   umask; never an identifier and a password in one file (R-AUTH-02).
# - iso-check-voterfile: the registry's reader takes the voter file; each
#   letter's password opens its own voter's verifier and derives exactly the
#   public credentials of that voter's polls.
# - belenios-tool takes each poll's public_creds.json ("archive init"), and
#   so does isoloir-bureau; the
#   voters of the poll vote with their letters' passwords (belenios-tool's
#   ballots and ours), "belenios-tool election verify" and ours accept the
#   archive; a voter of the other poll only is refused.
# - refusals, each naming its line (and field): bad header, duplicate
#   identifier, bad poll uuid, empty answer, poll twice, ...; out-of-bounds
#   Argon2id costs; a second run over the first's outputs; a write that
#   fails half-way leaves nothing.
# Usage: credentials.sh ISOLOIR-BUREAU ISO-CHECK-VOTERFILE [workdir]
set -euo pipefail
I=$1
CHECK=$2
w=${3:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w" && cd "$w"
B=belenios-tool
cost=1,8,1 # t=1, m=8 KiB, p=1: registry_argon2_params's lowest
export LANGUAGE=fr LC_ALL=C # French messages; byte order, as strcmp, for sort and [[ < ]]
fail() {
	echo "FAIL: $*"
	exit 1
}

# two polls, pa sorting before pb (the half-way failure below needs it)
t1=$($I setup generate-token)
t2=$($I setup generate-token)
if [[ "$t1" < "$t2" ]]; then pa=$t1 pb=$t2; else pa=$t2 pb=$t1; fi

# as a spreadsheet exports it: byte order mark, CRLF and LF, quotes, spaces
{
	printf '\xef\xbb\xbfidentifiant;nom;reponse;scrutins\r\n'
	printf 'alice;Alice Martin;01/02/1980;%s,%s\r\n' "$pa" "$pb"
	printf 'bob;"Bob ""le"" Dupont; fils";3 mars 1975;%s\n' "$pa"
	printf 'carol;Carol Éluard;31-12-1990;%s\r\n' "$pb"
	printf 'dave;Dave;"12/06/1968";%s, %s\n' "$pb" "$pa"
} >voters.csv
voters_a="alice bob dave"

(umask 077 && $I operation credentials --file voters.csv --dir out --argon2 $cost) 2>run.log ||
	{ cat run.log; fail "operation credentials failed"; }
cat run.log
grep -q "deux canaux différents" run.log || fail "no word of the two channels (R-AUTH-02)"
grep -q "scrutin $pa : 3 justificatifs publics" run.log || fail "no count for poll $pa"
grep -q "scrutin $pb : 3 justificatifs publics" run.log || fail "no count for poll $pb"

# the files, their modes, nothing else (no temporary file left)
[ "$(cd out && find . -mindepth 1 | sort)" = "$(printf './%s\n' "$pa" "$pa/public_creds.json" "$pb" \
	"$pb/public_creds.json" letters-identifiers.csv letters-passwords.csv registry-voters.json | sort)" ] || fail "unexpected outputs: $(find out)"
for f in "$pa/public_creds.json:644" "$pb/public_creds.json:644" "registry-voters.json:640" "letters-identifiers.csv:600" "letters-passwords.csv:600"; do
	[ "$(stat -c %a "out/${f%:*}")" = "${f#*:}" ] || fail "out/${f%:*} has mode $(stat -c %a "out/${f%:*}"), not ${f#*:}"
done

# the letters: header, one per voter in order (R-AUTH-01), identifiers and
# passwords apart (R-AUTH-02), joined by the voter's number
[ "$(cut -d';' -f2 out/letters-identifiers.csv | tr -d '\r' | tr '\n' ' ')" = "identifiant alice bob carol dave " ] ||
	fail "letters: $(cat out/letters-identifiers.csv)"
for v in alice bob carol dave; do
	! grep -q "$v" out/letters-passwords.csv || fail "identifier $v in letters-passwords.csv"
done
[ "$(head -1 out/letters-passwords.csv | tr -d '\r')" = "numero;nom;mot_de_passe" ] ||
	fail "passwords header: $(head -1 out/letters-passwords.csv)"
pw_of() {
	local n
	n=$(grep ";$1;" "$w/out/letters-identifiers.csv" | cut -d';' -f1)
	grep "^$n;" "$w/out/letters-passwords.csv" | sed 's/.*;//; s/\r$//'
}

# R-SEP-01/03: no password anywhere but the letters; no identifier in the
# public credentials; no public credential in the registry's file
for v in alice bob carol dave; do
	pw=$(pw_of $v)
	[ ${#pw} = 19 ] || fail "$v's password: $pw"
	! grep -qF "$pw" out/registry-voters.json out/*/public_creds.json out/letters-identifiers.csv run.log || fail "$v's password outside letters-passwords.csv"
	! grep -qF "$v" out/*/public_creds.json || fail "identifier $v in a public_creds.json"
done
for c in $(grep -ho '"[0-9]\{40\}' out/*/public_creds.json | tr -d '"'); do
	! grep -qF "$c" out/registry-voters.json || fail "a public credential in registry-voters.json"
done

"$CHECK" voters.csv out $cost || fail "iso-check-voterfile"

# belenios-tool takes each poll's public_creds.json; its voters vote with
# their letters' passwords
election() { # poll-uuid dir
	mkdir -p "$2" && cd "$2"
	cp "$w/out/$1/public_creds.json" .
	$B setup generate-trustee-key --group BELENIOS-2048 >/dev/null 2>&1
	cat ./*.pubkey >public_keys.jsons
	$B setup make-trustees >/dev/null 2>&1
	echo '{"description":"Scrutin","name":"Scrutin","questions":[{"answers":["Liste A","Liste B"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"}]}' >template.json
	$B setup make-election --uuid "$1" --group BELENIOS-2048 --template template.json >/dev/null 2>&1
	$B archive init >init.log 2>&1 || { cat init.log; fail "belenios-tool archive init refuses $1's public_creds.json"; }
	# and so does ours, which makes the urns' archives
	mkdir ours && cp election.json trustees.json public_creds.json ours/
	(cd ours && $I archive init --quiet && $I archive verify --quiet 2>/dev/null) ||
		fail "isoloir-bureau archive init refuses $1's public_creds.json"
}
cast() { # voter plaintext [ours]
	pw_of "$1" >cred.txt
	echo "$2" >plain.txt
	if [ -n "${3:-}" ]; then
		$I ballot encrypt --quiet --privcred cred.txt --ballot plain.txt >"ballot-$1.json"
	else
		$B election generate-ballot --privcred cred.txt --ballot plain.txt >"ballot-$1.json" 2>/dev/null
	fi
	$B archive add-event --type=Ballot <"ballot-$1.json" >/dev/null 2>&1
	rm -f cred.txt plain.txt
}
verify() { # dir what
	$B election verify >verify.log 2>&1 && grep -q "all checks passed" verify.log ||
		{ cat verify.log; fail "belenios-tool election verify refuses $2"; }
	$I archive verify --quiet || fail "isoloir-bureau archive verify refuses $2"
}
for p in "$pa" "$pb"; do
	election "$p" "$w/election-$p"
	cp -r "$w/election-$p" "$w/intruder-$p"
	if [ "$p" = "$pa" ]; then voters=$voters_a intruder=carol; else voters="alice carol dave" intruder=bob; fi
	n=0
	for v in $voters; do
		n=$((n + 1))
		cast $v '[[0,1,0]]' "$([ $n = 3 ] && echo ours)"
	done
	verify "$w/election-$p" "the ballots of poll $p's voters"
	echo "ok   poll $p: belenios-tool takes public_creds.json, $voters voted, archive verified"
	# a voter of the other poll only: not in this poll's credentials
	cd "$w/intruder-$p"
	cast $intruder '[[0,1,0]]'
	! $B election verify >verify.log 2>&1 || fail "belenios-tool accepts $intruder's ballot in poll $p"
	! $I archive verify --quiet 2>ours.err || fail "we accept $intruder's ballot in poll $p"
	grep -q "(unknown-credential)" ours.err || fail "$intruder in $p: $(cat ours.err)"
	echo "ok   poll $p: $intruder, not a voter of it, refused"
done
cd "$w"

# refusals: non-zero exit, the line (and field) named, nothing written
refuse() { # name line [field] < csv
	local out="$w/refused-$1"
	cat >"bad-$1.csv"
	if $I operation credentials --file "bad-$1.csv" --dir "$out" --argon2 $cost 2>"bad-$1.err"; then
		fail "$1: accepted"
	fi
	grep -q "ligne $2\b" "bad-$1.err" || fail "$1: line $2 not named: $(cat "bad-$1.err")"
	[ -z "${3:-}" ] || grep -q "champ $3" "bad-$1.err" || fail "$1: field $3 not named: $(cat "bad-$1.err")"
	[ ! -e "$out" ] || fail "$1: $out written"
	echo "ok   refused $1: $(cat "bad-$1.err")"
}
refuse header 1 <<EOF
identifiant;nom;réponse;scrutins
alice;Alice;01/02/1980;$pa
EOF
refuse duplicate-identifier 4 identifiant <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;01/02/1980;$pa
bob;Bob;02/02/1980;$pa
alice;Alice bis;03/02/1980;$pb
EOF
grep -q "déjà donné ligne 2" bad-duplicate-identifier.err || fail "the first alice's line is not named"
refuse bad-uuid 3 scrutins <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;01/02/1980;$pa
bob;Bob;02/02/1980;$pa,pas-un-uuid
EOF
refuse empty-answer 2 reponse <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;;$pa
EOF
refuse blank-answer 2 reponse <<EOF
identifiant;nom;reponse;scrutins
alice;Alice; / ;$pa
EOF
refuse poll-twice 3 scrutins <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;01/02/1980;$pa
bob;Bob;02/02/1980;$pb,$pa, $pb
EOF
refuse empty-name 2 nom <<EOF
identifiant;nom;reponse;scrutins
alice;  ;01/02/1980;$pa
EOF
refuse field-count 2 <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;$pa
EOF
refuse open-quote 3 <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;01/02/1980;$pa
bob;"Bob;02/02/1980;$pa
EOF
refuse empty-line 3 <<EOF
identifiant;nom;reponse;scrutins
alice;Alice;01/02/1980;$pa

bob;Bob;02/02/1980;$pa
EOF
# in English when the environment asks for it
printf 'identifiant;nom;reponse;scrutins\nalice;Alice;x;%s,%s\n' "$pa" "$pa" >bad-en.csv
! LANGUAGE=en $I operation credentials --file bad-en.csv --dir "$w/refused-en" 2>bad-en.err || fail "en: accepted"
grep -q "line 2, field scrutins: poll listed twice" bad-en.err || fail "en: $(cat bad-en.err)"

# Argon2id costs the registry would refuse
for c in 0,64,1 1,7,1 1,15,2 17,64,1 1,64,9 1,262145,1 1,64 1,64,1,1 a,64,1 " 1,64,1" 1,064x,1 -1,64,1; do
	if $I operation credentials --file voters.csv --dir "$w/refused-cost" --argon2 "$c" 2>cost.err; then
		fail "--argon2 $c accepted"
	fi
	grep -q -- "--argon2" cost.err && [ ! -e "$w/refused-cost" ] || fail "--argon2 $c: $(cat cost.err)"
done
echo "ok   out-of-bounds Argon2id costs refused"

# a second run over the first's outputs: refused, nothing changed
sum=$(cd out && find . -type f -exec sha256sum {} + | sort)
! $I operation credentials --file voters.csv --dir out --argon2 $cost 2>again.err || fail "second run accepted"
grep -q "letters-passwords.csv : existe déjà" again.err || fail "second run: $(cat again.err)"
[ "$(cd out && find . -type f -exec sha256sum {} + | sort)" = "$sum" ] || fail "second run changed the outputs"
echo "ok   a second run over the outputs refused"

# a write failing half-way (file size limit: poll pa's one public
# credential fits, pb's two do not): what was written is removed, the
# directory given stays as it was
printf 'identifiant;nom;reponse;scrutins\nx;X;1;%s\ny;Y;2;%s\nz;Z;3;%s\n' "$pa" "$pb" "$pb" >partial.csv
mkdir partial
if (trap '' XFSZ && ulimit -f 1 && exec $I operation credentials --file partial.csv --dir partial --argon2 $cost) 2>partial.err; then
	fail "the run under a 1 KiB file size limit succeeded"
fi
grep -q "$pb/public_creds.json" partial.err || fail "partial: $(cat partial.err)"
[ -z "$(ls -A partial)" ] || fail "left after a failed run: $(find partial)"
echo "ok   a failed write leaves nothing"
echo "OK: operation credentials"
