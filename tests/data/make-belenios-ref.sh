#!/usr/bin/env bash
# Regenerates tests/data/belenios-ref/: a complete election made only with
# belenios-tool 2.0 (3 Pedersen trustees with threshold 2 plus a Single
# server key, 5 voters, the reference questions), kept as known answers for
# the unit tests. Usage: tests/data/make-belenios-ref.sh [outdir]
set -euo pipefail
out=${1:-$(dirname "$0")/belenios-ref}
rm -rf "$out"
mkdir -p "$out"
cd "$out"
B=belenios-tool
G="--group BELENIOS-2048"
UUID=$($B setup generate-token)
$B setup generate-credentials --uuid "$UUID" $G --count 5 >/dev/null
mv ./*.pubcreds public_creds.json
mv ./*.privcreds private_creds.txt
for _ in 1 2 3; do $B setup generate-trustee-key-threshold $G --step 1 >/dev/null; done
cat ./*.cert >certs.jsons
$B setup generate-trustee-key-threshold $G --certs certs.jsons --step 2 2>/dev/null
for k in *.key; do
	$B setup generate-trustee-key-threshold $G --certs certs.jsons --key "$k" --step 3 --threshold 2
done >polynomials.jsons 2>/dev/null
$B setup generate-trustee-key-threshold $G --certs certs.jsons --step 4 --polynomials polynomials.jsons 2>/dev/null
for k in *.key; do
	$B setup generate-trustee-key-threshold $G --certs certs.jsons --key "$k" --step 5 <"${k%.key}.vinput" >"${k%.key}.voutput" 2>/dev/null
done
cat ./*.voutput | $B setup generate-trustee-key-threshold $G --certs certs.jsons --step 6 --polynomials polynomials.jsons >threshold.json 2>/dev/null
$B setup generate-trustee-key $G >/dev/null
cat ./*.pubkey >public_keys.jsons
$B setup make-trustees
cat >template.json <<'TPL'
{"description":"Élection de référence — «CSA» 2026","name":"Référence","questions":[{"answers":["Liste A","Liste B","Liste C","Liste D","Liste E","Liste F","Liste G","Liste H","Liste I","Liste J"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"},{"answers":["Oui","Non","Peut-être"],"min":1,"max":1,"question":"Question 2"}]}
TPL
$B setup make-election --uuid "$UUID" $G --template template.json
cp election.json trustees.json public_creds.json .. 2>/dev/null || true
mkdir -p setup && cp election.json trustees.json public_creds.json setup/
$B archive init 2>/dev/null
cat >votes.txt <<'VOTES'
[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]
[[1,0,0,0,0,0,0,0,0,0,0],[0,1,0]]
[[0,0,0,1,0,0,0,0,0,0,0],[0,0,1]]
[[0,0,0,0,0,0,0,0,0,0,0],[1,0,0]]
[[0,0,0,0,0,0,0,0,0,0,1],[0,1,0]]
VOTES
i=0
paste -d' ' private_creds.txt votes.txt | while read -r _ cred vote; do
	i=$((i + 1))
	$B election generate-ballot --privcred <(echo "$cred") --ballot <(echo "$vote") 2>/dev/null >"ballot$i.json"
	$B archive add-event --type=Ballot <"ballot$i.json" 2>/dev/null
done
$B archive add-event --type=EndBallots </dev/null 2>/dev/null
$B election compute-encrypted-tally 2>/dev/null | $B archive add-event --type=EncryptedTally 2>/dev/null
$B election decrypt --privkey ./*.privkey --trustee-id 1 2>/dev/null | $B archive add-event --type=PartialDecryption 2>/dev/null
id=2
for k in *.key; do
	$B election decrypt-threshold --key "$k" --decryption-key "${k%.key}.dkey" --trustee-id $id 2>/dev/null >"pd$id.jsons"
	id=$((id + 1))
done
# trustees 2 and 4 decrypt (3 stays away): the threshold is 2 of 3
for id in 2 4; do $B archive add-event --type=PartialDecryption <"pd$id.jsons" 2>/dev/null; done
$B election compute-result 2>/dev/null | $B archive add-event --type=Result 2>/dev/null
$B election verify 2>&1 | tail -1
rm -f ../election.json ../trustees.json ../public_creds.json election.json trustees.json public_creds.json
chmod u+w ./* 2>/dev/null || true
echo "$UUID" >uuid.txt
