#!/usr/bin/env bash
# A whole threshold election made only with belenios-tool must pass
# isoloir-bureau archive verify. Then the roles are mixed: our archive holds
# belenios-tool's ballots, we compute the encrypted tally, belenios-tool's
# trustees decrypt it, we compute the result, belenios-tool verifies the
# whole; both results must equal the all-belenios one.
# Usage: election_belenios.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
here=$(cd "$(dirname "$0")" && pwd)
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w"
"$here/../data/make-belenios-ref.sh" "$w/ref" >/dev/null
cd "$w/ref"
result_of() { tar -xOf "$1" 2>/dev/null | grep -o '{"result":\[[][0-9,]*\]}' | tail -1 |
	sed 's/^{"result"://; s/}$//'; }
ref_result=$(result_of ./*.bel)
[ -n "$ref_result" ] || { echo "no result in the belenios archive"; exit 1; }
$I archive verify --quiet
# mixed roles
mkdir ../mix && cd ../mix
cp ../ref/setup/*.json .
$I archive init --quiet
for b in ../ref/ballot*.json; do $I archive add-event --quiet --type=Ballot <"$b"; done
$I archive add-event --quiet --type=EndBallots </dev/null
$I election compute-encrypted-tally --quiet | $I archive add-event --quiet --type=EncryptedTally
B=belenios-tool
$B election decrypt --privkey ../ref/*.privkey --trustee-id 1 2>/dev/null | $I archive add-event --quiet --type=PartialDecryption
keys=(../ref/*.key)
for id in 3 4; do
	k=${keys[$((id - 2))]}
	$B election decrypt-threshold --key "$k" --decryption-key "${k%.key}.dkey" --trustee-id $id 2>/dev/null |
		$I archive add-event --quiet --type=PartialDecryption
done
$I election compute-result --quiet | $I archive add-event --quiet --type=Result
$I archive verify --quiet
$B election verify --dir . >verify.log 2>&1 || { cat verify.log; exit 1; }
mix_result=$(result_of ./*.bel)
[ "$mix_result" = "$ref_result" ] || { echo "mixed result $mix_result, belenios $ref_result"; exit 1; }
echo "OK: belenios-tool election verified by isoloir-bureau; mixed roles give $ref_result"
