#!/usr/bin/env bash
# Where belenios-tool 2.0 is lax, our verifier refuses: archives built with
# belenios-tool's own (unchecking) "archive add-event" that
# "belenios-tool election verify" accepts and "isoloir-bureau archive verify"
# refuses, each with its error: a second ballot for a credential, a tally
# before EndBallots, a stored tally that does not match the ballots.
# Two partial decryption cases that belenios-tool 2.0 already refuses (it
# checks every partial decryption of a threshold group, used or not) are
# checked for the same refusal on both sides: an invalid one and a factor
# outside the group.
# Usage: stricter.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
ref=$(cd "$(dirname "$0")/../data/belenios-ref" && pwd)
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w"
B=belenios-tool
fails=0
start() { # name: a fresh archive from the reference setup, with its 5 ballots
	d="$w/$1"
	mkdir -p "$d" && cd "$d"
	cp "$ref"/setup/*.json .
	$B archive init >/dev/null 2>&1
	rm -f election.json trustees.json public_creds.json
	for b in "$ref"/ballot*.json; do $B archive add-event --type=Ballot <"$b" >/dev/null 2>&1; done
}
# check lax|both NAME EXPECTED-ERROR: we refuse with that error, and
# belenios-tool accepts it (lax) or refuses it too (both)
check() {
	local belenios_ok=0
	$B election verify >belenios.log 2>&1 && belenios_ok=1
	if [ "$1" = lax ] && [ $belenios_ok = 0 ]; then
		echo "FAIL $2: belenios-tool refuses it too (the case is not lax)"; cat belenios.log
		fails=$((fails + 1))
	elif [ "$1" = both ] && [ $belenios_ok = 1 ]; then
		echo "FAIL $2: belenios-tool accepts it"
		fails=$((fails + 1))
	elif $I archive verify --quiet >/dev/null 2>ours.err; then
		echo "FAIL $2: isoloir-bureau accepts it"
		fails=$((fails + 1))
	elif ! grep -q "($3)" ours.err; then
		echo "FAIL $2: expected ($3), we said: $(cat ours.err)"
		fails=$((fails + 1))
	else
		echo "ok   $2 ($3$([ "$1" = both ] && echo ", refused by both"))"
	fi
}
# payload line + owned line for a partial decryption data line, as trustee $2
owned() { printf '%s\n{"owner":%s,"payload":"%s"}\n' "$1" "$2" "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }

start revote
cred=$(sed -n 1p "$ref/private_creds.txt" | cut -d' ' -f2)
$B election generate-ballot --privcred <(echo "$cred") --ballot <(echo '[[0,0,0,0,0,0,0,0,0,1,0],[0,0,1]]') 2>/dev/null |
	$B archive add-event --type=Ballot >/dev/null 2>&1
check lax revote credential-used

start tally-before-end
$B election compute-encrypted-tally 2>/dev/null | $B archive add-event --type=EncryptedTally >/dev/null 2>&1
check lax tally-before-end tally-before-end

start tally-mismatch
# the tally of the first ballot only, stored as the tally of all five
mkdir -p first && cd first && cp "$ref"/setup/*.json . && $B archive init >/dev/null 2>&1 &&
	$B archive add-event --type=Ballot <"$ref/ballot1.json" >/dev/null 2>&1 &&
	$B archive add-event --type=EndBallots </dev/null >/dev/null 2>&1 &&
	$B election compute-encrypted-tally 2>/dev/null >../first.tally && cd ..
rm -rf first
$B archive add-event --type=EndBallots </dev/null >/dev/null 2>&1
$B archive add-event --type=EncryptedTally <first.tally >/dev/null 2>&1
rm -f first.tally
check lax tally-mismatch tally-mismatch

decrypt_all() { # the count, plus $1 as trustee 4's partial decryption (unused:
	# belenios-tool combines the first two of the threshold block, 2 and 3)
	$B archive add-event --type=EndBallots </dev/null >/dev/null 2>&1
	$B election compute-encrypted-tally 2>/dev/null | $B archive add-event --type=EncryptedTally >/dev/null 2>&1
	$B election decrypt --privkey "$ref"/*.privkey --trustee-id 1 2>/dev/null | $B archive add-event --type=PartialDecryption >/dev/null 2>&1
	$B archive add-event --type=PartialDecryption <"$ref/pd2.jsons" >/dev/null 2>&1
	$B archive add-event --type=PartialDecryption <"$ref/pd3.jsons" >/dev/null 2>&1
	# belenios-tool's compute-result refuses to run with a bad one: the
	# result comes from a copy without it (same tally, same result)
	mkdir -p ../copy-$$ && cp ./*.bel ../copy-$$/
	(cd ../copy-$$ && $B election compute-result 2>/dev/null) >result.jsons
	rm -rf ../copy-$$
	printf '%s' "$1" | $B archive add-event --type=PartialDecryption >/dev/null 2>&1
	$B archive add-event --type=Result <result.jsons >/dev/null 2>&1
	rm -f result.jsons
}

start invalid-unused-pd
# trustee 2's partial decryption presented as trustee 4's: its proof fails
decrypt_all "$(owned "$(sed -n 1p "$ref/pd2.jsons")" 4)"
check both invalid-unused-pd bad-decryption-proof

start factor-not-in-group
# trustee 4's partial decryption with a factor replaced by 0
pd4=$(sed -n 1p "$ref/pd4.jsons" | sed 's/^{"decryption_factors":\[\["[0-9]*"/{"decryption_factors":[["0"/')
decrypt_all "$(owned "$pd4" 4)"
check both factor-not-in-group not-group-element

echo "$fails failures"
[ "$fails" -eq 0 ]
