#!/usr/bin/env bash
# The bureau's keys, seals and count on USB keys (R-KEY-01, R-KEY-02,
# R-KEY-03, R-KEY-04, R-D11-KEYS, R-D11-TALLY, R-SEAL-02, R-SEAL-04,
# R-C19-SEALCHECK, R-C19-SPLIT, R-TAL-01, R-D11-CHECK): an operation of
# three polls, 200 voters and a bureau of five key holders (the président
# and four délégués), threshold 3. The members' USB keys are real FAT
# images plugged and unplugged by umockdev (tests/tools/usbkeys.py), the
# passphrases typed on standard input.
#   - the ceremony: a threshold below the texts refused; a passphrase
#     typed differently twice, or too short, asked again; every key written
#     and read back; nothing secret in clear on a key; each poll's election
#     accepted by belenios-tool; a second ceremony refused;
#   - the seal: a délégué's key where the président's is expected refused,
#     then signed by the président and a délégué; seal-verify holds, names
#     a modified program, refuses a seal by one key only;
#   - the count: with two holders only it is refused and the archives stay
#     as they were; a wrong passphrase is asked again; with the président
#     and two délégués every poll is counted, the results match the votes
#     cast, and belenios-tool verifies every archive.
# Usage: tests/cross/operation_keys.sh ISOLOIR-BUREAU DATA-DIR WORK-DIR URN REGISTRY
set -euo pipefail
I=$1 D=$(cd "$2/operation" && pwd) W=$3 URN=$4 REG=$5
HERE=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$W" && mkdir -p "$W/keys" && cd "$W" && W=$(pwd)
fail() { echo "E: $*" >&2; exit 1; }
members() { # the members at the computer: umockdev, their keys, their passphrases
	umockdev-wrapper /usr/bin/python3 "$HERE/tools/usbkeys.py" --keys "$W/keys" "$@"
}

# ---- the operation: five holders, 200 voters ----
cp -r "$D/professions" .
/usr/bin/python3 - "$D/description.json" >description.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["bureau"] = [
    {"name": "Martine Lebrun", "role": "president"},
    {"name": "Karim Haddad", "role": "delegue", "list": "CST/USA"},
    {"name": "Anne Colin", "role": "delegue", "list": "CST/AE"},
    {"name": "Hugo Roux", "role": "delegue", "list": "CAP-B/USA"},
    {"name": "Yann Le Gall", "role": "delegue", "list": "FS/AE"},
]
json.dump(d, sys.stdout, ensure_ascii=False, indent=1)
PY
{
	echo "identifiant;nom;reponse;scrutins"
	for i in $(seq 1 200); do
		case $((i % 4)) in
		0) c=CAT-A ;; 1) c=CAT-B ;; 2) c="CAT-B,FS" ;; 3) c=CAT-C ;;
		esac
		echo "agent.$i;Agent $i;01/01/19$((50 + i % 50));$c"
	done
} >voters.csv
"$I" operation init --quiet --file description.json --voters voters.csv --dir op >/dev/null
"$I" operation credentials --quiet --file op/voters.csv --dir op --argon2 1,8192,1 2>/dev/null
polls=$(sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p' op/operation.json)
cst=$(sed -n 1p <<<"$polls") capb=$(sed -n 2p <<<"$polls") fs=$(sed -n 3p <<<"$polls")
for m in 1 2 3 4 5; do mkfs.vfat -C -n CLE "keys/m$m.img" 4096 >/dev/null; done
echo "I: an operation of 3 polls and 200 voters, five blank FAT keys"

# ---- the ceremony ----
if "$I" operation keys --dir op --threshold 2 2>err.txt; then fail "threshold 2 accepted"; fi
grep -q "R-D11-TALLY" err.txt && [ ! -e op/members.json ] || fail "threshold 2: $(cat err.txt)"
members --plan m1,m2,m3,m4,m5 --pass "m2=une phrase longue,une autre phrase" \
	--pass "m3=court" -- "$I" operation keys --dir op --wait 20 2>keys.log ||
	fail "the ceremony failed: $(cat keys.log)"
grep -q "les deux saisies diffèrent" keys.log && grep -q "trop courte" keys.log ||
	fail "a mismatched or short passphrase went unnoticed: $(cat keys.log)"
[ "$(grep -c "écrite, relue et vérifiée" keys.log)" = 5 ] || fail "not five keys written"
tr -d ' \n' <op/members.json | grep -q '"threshold":3' || fail "members.json: $(cat op/members.json)"
[ "$(grep -c '"usb_serial": "ISOLOIR_KEY_m' op/members.json)" = 5 ] || fail "the keys' serials"
for m in 1 2 3 4 5; do
	mtype -i "keys/m$m.img" ::isoloir-membre.json >key.json || fail "no key file on m$m"
	grep -q '"cipher":"aes-256-gcm"' key.json && ! grep -q "signing-key\|poll " key.json ||
		fail "key m$m holds its secret in clear"
done
# nothing secret on the computer: the operation's folder holds public files only
! grep -rlq "signing-key\|isoloir-secret" op || fail "a secret on the computer's disk"
[ "$("$I" operation journal --quiet --dir op | awk '{ print $3 }' | tail -1)" = keys-ceremony ] ||
	fail "the ceremony is not journaled"
if "$I" operation keys --dir op 2>err.txt; then fail "a second ceremony"; fi
grep -q "déjà eu lieu" err.txt || fail "second ceremony: $(cat err.txt)"
for u in $polls; do
	(cd "op/$u" && "$I" archive init --quiet && mkdir -p bt && cp "$u.bel" bt/ &&
		belenios-tool election verify --dir bt >verify.log 2>&1 && grep -q "all checks passed" verify.log) ||
		fail "belenios-tool refuses poll $u: $(cat "op/$u/verify.log")"
done
echo "I: the ceremony: five keys, threshold 3, each poll's election accepted by belenios-tool"

# ---- votes: a few voters in each poll ----
B58='[1-9A-HJ-NP-Za-km-z]'
pw() { # identifier: the password on the page of the voter's number
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' "$W/op/letters-identifiers.csv")
	pdftotext -f "$n" -l "$n" "$W/op/letters-passwords.pdf" - | grep -oE "^$B58{3}(-$B58{3}){4}\$"
}
cast() { # uuid plaintext voter
	(
		cd "op/$1"
		pw "$3" >cred.txt
		echo "$2" >plain.txt
		"$I" ballot encrypt --quiet --privcred cred.txt --ballot plain.txt >ballot.json
		"$I" archive add-event --quiet --type=Ballot <ballot.json
		rm -f cred.txt plain.txt ballot.json
	)
}
cast "$cst" '[[0,1,0]]' agent.1
cast "$cst" '[[0,1,0]]' agent.2
cast "$cst" '[[0,0,1]]' agent.3
cast "$cst" '[[1,0,0]]' agent.4
cast "$capb" '[[0,1]]' agent.1
cast "$capb" '[[0,1]]' agent.2
cast "$fs" '[[0,0,1]]' agent.2
cast "$fs" '[[1,0,0]]' agent.6
echo "I: 8 ballots cast"

# ---- the seal ----
printf 'kiosk manifest\nisoloir-kiosk sha256 …\n' >kiosk-manifest.txt
cp "$URN" isoloir-urn && cp "$REG" isoloir-registry
printf 'kiosk-image %s\nisoloir-urn %s\nisoloir-registry %s\n' "$W/kiosk-manifest.txt" \
	"$W/isoloir-urn" "$W/isoloir-registry" >components.txt
grep -v registry components.txt >components-short.txt
if "$I" operation seal --dir op --file components-short.txt 2>err.txt; then fail "sealed without the registry"; fi
grep -q "isoloir-registry" err.txt && [ ! -e op/seal.json ] || fail "short components: $(cat err.txt)"
members --plan m3,m1,m2 -- "$I" operation seal --dir op --file components.txt --wait 20 2>seal.log ||
	fail "the seal failed: $(cat seal.log)"
grep -q "c’est la clé de Anne Colin" seal.log || fail "a délégué's key taken for the président's"
[ "$(grep -c '"member":' op/seal.json)" = 2 ] || fail "not two signatures: $(cat op/seal.json)"
"$I" operation seal-verify --dir op 2>verify.log || fail "seal-verify: $(cat verify.log)"
cp isoloir-urn urn.bak && printf 'x' >>isoloir-urn
if "$I" operation seal-verify --dir op 2>verify.log; then fail "a modified urn passes"; fi
grep -q "isoloir-urn : modifié depuis le scellement" verify.log || fail "not named: $(cat verify.log)"
cp urn.bak isoloir-urn
cp op/seal.json seal.bak
/usr/bin/python3 - op/seal.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["signatures"] = s["signatures"][:1]
json.dump(s, open(sys.argv[1], "w"), indent=1)
PY
if "$I" operation seal-verify --dir op 2>verify.log; then fail "a seal by one key passes"; fi
grep -q "R-SEAL-04" verify.log || fail "one key: $(cat verify.log)"
cp seal.bak op/seal.json
"$I" operation seal-verify --dir op 2>/dev/null || fail "the seal restored does not hold"
[ "$("$I" operation journal --quiet --dir op | awk '$3 == "seal-check"' | wc -l)" = 4 ] ||
	fail "the seal checks are not journaled"
echo "I: sealed by the président and a délégué; a modified program and a single signature refused"

# ---- the count ----
for u in $polls; do "$I" archive add-event --quiet --dir "op/$u" --type=EndBallots </dev/null; done
before=$(sha256sum op/*/*.bel)
if members --plan m1,m2 -- "$I" operation tally --dir op --wait 3 >/dev/null 2>tally.log; then
	fail "counted with two holders"
fi
grep -q "pas assez de détenteurs de clé" tally.log || fail "two holders: $(cat tally.log)"
[ "$(sha256sum op/*/*.bel)" = "$before" ] || fail "an archive changed after a refused count"
members --plan m1,m4,m5 --pass "m1=pas la bonne phrase" -- "$I" operation tally --dir op --wait 20 \
	>results.txt 2>tally.log || fail "the count failed: $(cat tally.log)"
grep -q "phrase secrète erronée pour Martine Lebrun" tally.log || fail "a wrong passphrase went unnoticed"
[ "$(sed -n 1p results.txt)" = '{"result":[[1,2,1]]}' ] || fail "CST: $(sed -n 1p results.txt)"
[ "$(sed -n 2p results.txt)" = '{"result":[[0,2]]}' ] || fail "CAP-B: $(sed -n 2p results.txt)"
[ "$(sed -n 3p results.txt)" = '{"result":[[1,0,1]]}' ] || fail "FS: $(sed -n 3p results.txt)"
for u in $polls; do
	rm -rf "op/$u/bt" && mkdir "op/$u/bt" && cp "op/$u/$u.bel" "op/$u/bt/"
	belenios-tool election verify --dir "op/$u/bt" >verify.log 2>&1 && grep -q "all checks passed" verify.log ||
		fail "belenios-tool refuses the count of $u: $(cat verify.log)"
done
[ "$("$I" operation journal --quiet --dir op | awk '$3 == "tally"' | wc -l)" = 3 ] || fail "the counts are not journaled"
echo "I: counted with the président and two délégués; belenios-tool verifies every poll"
