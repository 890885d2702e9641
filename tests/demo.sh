#!/usr/bin/env bash
# ./run demo: a complete election with isoloir-bureau alone, from setup to
# verified result, saying what each step does: 3 trustees of whom any 2 can
# decrypt (threshold ceremony) plus a server key, 8 voters, the reference
# questions, the count and a full verification; then belenios-tool, the
# reference implementation, verifies the same archive. tests/cross/
# election_ours.sh runs it as a test.
# Usage: tests/demo.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
w=${2:-$(mktemp -d /tmp/isoloir-demo.XXXXXX)}
mkdir -p "$w" && cd "$w"
rm -rf ./*
q=--quiet
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s#$I#isoloir-bureau#g" >&2; "$@"; }

step "1. Identifiant de l’élection"
UUID=$(run $I setup generate-token)
echo "uuid : $UUID"

step "2. Autorité des justificatifs : 8 électeurs"
run $I setup generate-credentials $q --uuid "$UUID" --count 8 >/dev/null
mv ./*.pubcreds public_creds.json
mv ./*.privcreds private_creds.txt
echo "public_creds.json : $(tr ',' '\n' <public_creds.json | grep -c '"') justificatifs publics ; les privés (private_creds.txt) iront aux électeurs"

step "3. Cérémonie des clés : 3 détenteurs, 2 suffisent pour déchiffrer"
for t in 1 2 3; do mkdir -p "t$t"; run $I setup generate-trustee-key-threshold $q --step 1 --dir "t$t"; done
cat t1/*.cert t2/*.cert t3/*.cert >certs.jsons
run $I setup generate-trustee-key-threshold --step 2 --certs certs.jsons
for t in 1 2 3; do
	run $I setup generate-trustee-key-threshold $q --step 3 --certs certs.jsons --key t$t/*.key --threshold 2
done >polynomials.jsons
run $I setup generate-trustee-key-threshold $q --step 4 --certs certs.jsons --polynomials polynomials.jsons
for t in 1 2 3; do
	k=$(ls t$t/*.key)
	run $I setup generate-trustee-key-threshold $q --step 5 --certs certs.jsons --key "$k" <"$(basename "$k" .key).vinput"
done >voutputs.jsons
run $I setup generate-trustee-key-threshold $q --step 6 --certs certs.jsons --polynomials polynomials.jsons <voutputs.jsons >threshold.json
echo "threshold.json : paramètres publics vérifiés, une clé .dkey chiffrée par détenteur"

step "4. Clé du serveur, détenteurs, élection"
run $I setup generate-trustee-key $q >/dev/null
cat ./*.pubkey >public_keys.jsons
run $I setup make-trustees $q
cat >template.json <<'TPL'
{"description":"Élection de démonstration — comité social d’administration","name":"Démonstration","questions":[{"answers":["Liste A","Liste B","Liste C","Liste D","Liste E","Liste F","Liste G","Liste H","Liste I","Liste J"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"},{"answers":["Oui","Non","Peut-être"],"min":1,"max":1,"question":"Approuvez-vous le règlement ?"}]}
TPL
run $I setup make-election $q --uuid "$UUID" --template template.json
run $I archive init

step "5. Vote : 8 bulletins chiffrés, signés, vérifiés puis déposés dans l’urne"
votes=('[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]' '[[0,0,1,0,0,0,0,0,0,0,0],[0,1,0]]'
	'[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]' '[[1,0,0,0,0,0,0,0,0,0,0],[0,0,1]]'
	'[[0,0,0,0,0,0,0,0,0,0,1],[1,0,0]]' '[[0,1,0,0,0,0,0,0,0,0,0],[0,1,0]]'
	'[[0,0,1,0,0,0,0,0,0,0,0],[1,0,0]]' '[[0,1,0,0,0,0,0,0,0,0,0],[1,0,0]]')
i=0
while read -r _ cred; do
	printf '%s\n' "$cred" >cred.tmp
	printf '%s\n' "${votes[$i]}" >vote.tmp
	i=$((i + 1))
	$I ballot encrypt $q --privcred cred.tmp --ballot vote.tmp >"ballot$i.json"
	tracker=$($I ballot verify $q --ballot "ballot$i.json")
	$I archive add-event $q --type=Ballot <"ballot$i.json"
	echo "bulletin $i déposé, empreinte $tracker"
done <private_creds.txt
rm -f cred.tmp vote.tmp

step "6. Clôture et dépouillement chiffré"
run $I archive add-event $q --type=EndBallots </dev/null
$I election compute-encrypted-tally $q | run $I archive add-event $q --type=EncryptedTally

step "7. Déchiffrement : la clé du serveur (détenteur 1) et 2 des 3 détenteurs à seuil (2, 3, 4 ; le 3 est absent)"
$I election decrypt $q --privkey ./*.privkey --trustee-id 1 | $I archive add-event $q --type=PartialDecryption
for t in 1 3; do
	k=$(ls t$t/*.key)
	$I election decrypt-threshold $q --key "$k" --decryption-key "$(basename "$k" .key).dkey" --trustee-id $((t + 1)) |
		$I archive add-event $q --type=PartialDecryption
	echo "détenteur $((t + 1)) : déchiffrement partiel prouvé et ajouté"
done
$I election compute-result $q | run $I archive add-event $q --type=Result

step "8. Vérification complète de l’archive"
run $I archive verify

step "9. Contre-vérification par belenios-tool (l’implémentation de référence)"
mkdir -p belenios && cp ./*.bel belenios/
run belenios-tool election verify --dir belenios 2>&1 | tail -1
printf "\nArchive publique : %s\n" "$w/$(basename ./*.bel)"
