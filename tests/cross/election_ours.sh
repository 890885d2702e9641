#!/usr/bin/env bash
# A whole threshold election made only with isoloir-bureau (3 Pedersen
# trustees, threshold 2, plus a Single server key; the reference questions;
# 6 voters), then verified by belenios-tool election verify, which must find
# the same result. Usage: election_ours.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w" && cd "$w"
q=--quiet
UUID=$($I setup generate-token)
$I setup generate-credentials $q --uuid "$UUID" --count 6 >/dev/null
mv ./*.pubcreds public_creds.json
mv ./*.privcreds private_creds.txt
for t in 1 2 3; do mkdir "t$t"; $I setup generate-trustee-key-threshold $q --step 1 --dir "t$t"; done
cat t1/*.cert t2/*.cert t3/*.cert >certs.jsons
$I setup generate-trustee-key-threshold $q --step 2 --certs certs.jsons
for t in 1 2 3; do
	$I setup generate-trustee-key-threshold $q --step 3 --certs certs.jsons --key t$t/*.key --threshold 2
done >polynomials.jsons
$I setup generate-trustee-key-threshold $q --step 4 --certs certs.jsons --polynomials polynomials.jsons
for t in 1 2 3; do
	k=$(ls t$t/*.key); id=$(basename "$k" .key)
	$I setup generate-trustee-key-threshold $q --step 5 --certs certs.jsons --key "$k" <"$id.vinput"
done >voutputs.jsons
$I setup generate-trustee-key-threshold $q --step 6 --certs certs.jsons --polynomials polynomials.jsons <voutputs.jsons >threshold.json
$I setup generate-trustee-key $q >/dev/null
cat ./*.pubkey >public_keys.jsons
$I setup make-trustees $q
cat >template.json <<'TPL'
{"description":"Élection de référence — «CSA» 2026","name":"Référence","questions":[{"answers":["Liste A","Liste B","Liste C","Liste D","Liste E","Liste F","Liste G","Liste H","Liste I","Liste J"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"},{"answers":["Oui","Non","Peut-être"],"min":1,"max":1,"question":"Question 2"}]}
TPL
$I setup make-election $q --uuid "$UUID" --template template.json
$I archive init $q
cat >votes.txt <<'VOTES'
[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]
[[1,0,0,0,0,0,0,0,0,0,0],[0,1,0]]
[[0,0,0,1,0,0,0,0,0,0,0],[0,0,1]]
[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]
[[0,0,0,0,0,0,0,0,0,0,1],[0,1,0]]
[[0,1,0,0,0,0,0,0,0,0,0],[0,0,1]]
VOTES
i=0
paste -d' ' private_creds.txt votes.txt | while read -r _ cred vote; do
	i=$((i + 1))
	echo "$cred" >cred.tmp
	echo "$vote" >vote.tmp
	$I ballot encrypt $q --privcred cred.tmp --ballot vote.tmp >"ballot$i.json"
	$I archive add-event $q --type=Ballot <"ballot$i.json"
done
rm -f cred.tmp vote.tmp
$I archive add-event $q --type=EndBallots </dev/null
$I election compute-encrypted-tally $q | $I archive add-event $q --type=EncryptedTally
$I election decrypt $q --privkey ./*.privkey --trustee-id 1 | $I archive add-event $q --type=PartialDecryption
# trustees 2 and 4 (threshold trustees 1 and 3) decrypt; 3 stays away
for t in 1 3; do
	k=$(ls t$t/*.key); id=$(basename "$k" .key)
	$I election decrypt-threshold $q --key "$k" --decryption-key "$id.dkey" --trustee-id $((t + 1)) |
		$I archive add-event $q --type=PartialDecryption
done
$I election compute-result $q | $I archive add-event $q --type=Result
$I archive verify $q
# the reference verifier must accept it and find the same result
mkdir -p b && cp ./*.bel b/
belenios-tool election verify --dir b >belenios-verify.log 2>&1 || { cat belenios-verify.log; exit 1; }
expected='[[1,3,0,1,0,0,0,0,0,0,1],[2,2,2]]'
ours=$(tar -xOf ./*.bel --wildcards '*.json' 2>/dev/null | grep -o '"result":\[\[[0-9,]*\],\[[0-9,]*\]\]' | tail -1 | sed 's/"result"://')
[ "$ours" = "$expected" ] || { echo "result $ours, expected $expected"; exit 1; }
echo "OK: isoloir-bureau election verified by belenios-tool, result $ours"
