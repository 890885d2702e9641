#!/usr/bin/env bash
# A whole operation, from "operation init" to "operation destroy", through
# the real servers (R-KEY-01…04, R-D11-KEYS, R-D11-TALLY, R-SEAL-01…04,
# R-C19-SEALCHECK, R-C19-SPLIT, R-BUR-01, R-BUR-02, R-BUR-05, R-BUR-06,
# R-TAL-01, R-D11-CHECK, R-D11-KEEP, R-ARC-02): three polls, 200 voters,
# a bureau of five key holders (the président and four délégués),
# threshold 3. The members' USB keys are real FAT images plugged and
# unplugged by umockdev (tests/tools/usbkeys.py), their passphrases typed
# on standard input.
#   - the ceremony: a threshold below the texts refused; a passphrase
#     typed differently twice, or too short, asked again; every key written
#     and read back; nothing secret in clear on a key or on the computer;
#     each poll's election accepted by belenios-tool; a second ceremony
#     refused;
#   - the test election (R-SEAL-01): no seal before it passes; the programs
#     to be sealed run it on loopback with known votes, counted and compared;
#   - the seal: a délégué's key where the président's is expected refused,
#     then signed by the président and a délégué; seal-verify holds, names
#     a modified program, refuses a seal by one key only;
#   - the vote: a registry and three urns started from the operation's
#     files; opened by the bureau (seal and empty urns checked); voters vote
#     as a kiosk does; a suspension refuses a voter, the resumption lets
#     them in; the bureau stops the vote, takes the émargement counts and
#     the urns' archives;
#   - the count: with two holders only it is refused and the archives stay
#     as they were; a wrong passphrase is asked again; with the président
#     and two délégués every poll is counted, the results are the votes
#     cast, and belenios-tool verifies every archive;
#   - a kiosk's journal: its incidents journaled for the minutes, the same
#     journal twice and a broken one refused;
#   - the results (émargements = ballots), the attendance, the minutes
#     (rendered, every page numbered, the results in them), the archive
#     bundle verified alone, its destruction two years later with the
#     member's keys (one member absent: named in the certificate).
# Usage: tests/cross/operation.sh ISOLOIR-BUREAU DATA-DIR WORK-DIR BINDIR
set -euo pipefail
I=$1 D=$(cd "$2/operation" && pwd) W=$3 BIN=$(cd "$4" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../server/serve.sh
. "$HERE/server/serve.sh"
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

# ---- the seal ----
printf 'kiosk manifest\nisoloir-kiosk sha256 …\n' >kiosk-manifest.txt
cp "$BIN/isoloir-urn" isoloir-urn && cp "$BIN/isoloir-registry" isoloir-registry
printf 'kiosk-image %s\nisoloir-urn %s\nisoloir-registry %s\n' "$W/kiosk-manifest.txt" \
	"$W/isoloir-urn" "$W/isoloir-registry" >components.txt
# R-SEAL-01: no seal before a test election passes; a test whose urn is
# not a working program fails, and is recorded
if "$I" operation seal --dir op --file components.txt 2>err.txt; then fail "sealed untested"; fi
grep -q "R-SEAL-01" err.txt || fail "untested seal: $(cat err.txt)"
sed 's|^isoloir-urn .*|isoloir-urn /bin/false|' components.txt >components-broken.txt
if "$I" operation test --dir op --file components-broken.txt --wait 3 >/dev/null 2>err.txt; then
	fail "a test with a broken urn passed"
fi
grep -q "R-SEAL-01" err.txt || fail "broken test: $(cat err.txt)"
if "$I" operation seal --dir op --file components.txt 2>err.txt; then fail "sealed after a failed test"; fi
"$I" operation test --dir op --file components.txt --count 5 >test.txt 2>test.log ||
	fail "the test election failed: $(cat test.log)"
tail -1 op/journal.jsonl | grep -q '"event":"test-election","ok":true' || fail "the test is not journaled"
! ls op/test-*/pki/*.key op/test-*/letters-* >/dev/null 2>&1 || fail "the test's secrets were kept"
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

# ---- the servers, from the operation's files ----
"$HERE/server/pki.sh" pki
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
keys=(urn urn-b urn-c) serve_args=() k=0
for u in $polls; do serve_args+=("$u" "poll $k" "urn-$k" "${keys[$k]}") && k=$((k + 1)); done
serve_polls "$BIN" "$W" "$W/op/registry-voters.json" "${serve_args[@]}" || fail "the servers did not start"
port() { sed "s/.*\"$2\":\([0-9]*\).*/\1/" "$1"; }
RK=$(port registry/ready.json kiosk)
UK=("$(port urn-0/ready.json kiosk)" "$(port urn-1/ready.json kiosk)" "$(port urn-2/ready.json kiosk)")
pin=$(cat pki/server.pin)
{
	printf '{"client_cert":"%s","client_key":"%s",\n' "$W/pki/bureau.pem" "$W/pki/bureau.key"
	printf ' "registry":{"url":"https://127.0.0.1:%s","pin":"%s"},\n "urns":[' "$(port registry/ready.json bureau)" "$pin"
	k=0
	for u in $polls; do
		[ $k = 0 ] || printf ','
		printf '{"poll":"%s","url":"https://127.0.0.1:%s","pin":"%s"}' "$u" "$(port "urn-$k/ready.json" bureau)" "$pin"
		k=$((k + 1))
	done
	printf ']}\n'
} >op/servers.json
echo "I: a registry and three urns started from the operation's files"

# ---- the vote ----
cp isoloir-urn urn.bak && printf 'x' >>isoloir-urn
if "$I" operation control --dir op --type open 2>err.txt; then fail "opened with a broken seal"; fi
grep -q "R-SEAL-03" err.txt || fail "open with a broken seal: $(cat err.txt)"
cp urn.bak isoloir-urn
"$I" operation control --quiet --dir op --type open || fail "the bureau could not open the vote"
B58='[1-9A-HJ-NP-Za-km-z]'
pdftotext -layout op/letters-passwords.pdf letters.txt
pw() { # identifier: the password of the voter's letter (its number joins the two letters)
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' "$W/op/letters-identifiers.csv")
	pdftotext -f "$n" -l "$n" "$W/op/letters-passwords.pdf" - | grep -oE "^$B58{3}(-$B58{3}){4}\$"
}
answer() { echo "01/01/19$((50 + $1 % 50))"; }
declare -a CST=(0 0 0) CAPB=(0 0) FS=(0 0 0)
vote() { # i: agent.i votes in each of their polls
	local i=$1 args=() c f
	c=$((i % 3)) # CST: 0 blank, 1 USA, 2 AE
	args+=("$cst" "${UK[0]}" "op/$cst/election.json" "$(case $c in 0) echo '[[1,0,0]]' ;; 1) echo '[[0,1,0]]' ;; 2) echo '[[0,0,1]]' ;; esac)")
	if [ $((i % 4)) = 1 ] || [ $((i % 4)) = 2 ]; then # CAT-B: CAP-B, USA or blank
		args+=("$capb" "${UK[1]}" "op/$capb/election.json" "$([ $((i % 5)) = 0 ] && echo '[[1,0]]' || echo '[[0,1]]')")
	fi
	if [ $((i % 4)) = 2 ]; then # FS
		f=$((i % 3))
		args+=("$fs" "${UK[2]}" "op/$fs/election.json" "$(case $f in 0) echo '[[1,0,0]]' ;; 1) echo '[[0,1,0]]' ;; 2) echo '[[0,0,1]]' ;; esac)")
	fi
	pw "agent.$i" | "$BIN/isoloir-demo-voter" pki "$RK" "agent.$i" "$(answer "$i")" "${args[@]}" >/dev/null 2>>voters.log || return 1
	CST[$c]=$((${CST[$c]} + 1))
	if [ $((i % 4)) = 1 ] || [ $((i % 4)) = 2 ]; then
		if [ $((i % 5)) = 0 ]; then CAPB[0]=$((${CAPB[0]} + 1)); else CAPB[1]=$((${CAPB[1]} + 1)); fi
	fi
	[ $((i % 4)) = 2 ] && FS[$f]=$((${FS[$f]} + 1))
	return 0
}
for i in $(seq 1 30); do vote "$i" || fail "agent.$i could not vote: $(tail -3 voters.log)"; done
"$I" operation control --quiet --dir op --type suspend
if vote 31; then fail "a vote during the suspension"; fi
"$I" operation control --quiet --dir op --type resume
for i in $(seq 31 40); do vote "$i" || fail "agent.$i could not vote: $(tail -3 voters.log)"; done
"$I" operation seal-verify --quiet --dir op || fail "the seal checked during the vote (R-C19-SEALCHECK)"
"$I" operation control --quiet --dir op --type stop
"$I" operation counts --quiet --dir op
"$I" operation fetch --quiet --dir op
[ "$("$I" operation journal --quiet --dir op | awk '$3 == "control"' | wc -l)" = 4 ] || fail "the controls are not journaled"
echo "I: opened (seal and empty urns checked), 40 voters, a suspension, stopped; counts and archives fetched"

# ---- a kiosk's incidents, for the minutes (R-BUR-06, R-D11-INTERV) ----
/usr/bin/python3 - kiosk-journal.jsonl <<'PY'
import hashlib, sys
events = [(1, "kiosk-start", "na"), (4, "session-start", "na"), (10, "network-failure", "failure"),
          (11, "failover", "success"), (10, "network-failure", "failure"), (13, "usb-alert", "na"),
          (14, "usb-cleared", "na"), (5, "session-end", "na"), (2, "kiosk-stop", "na")]
prev = "0" * 64
with open(sys.argv[1], "w") as f:
    for n, (i, name, outcome) in enumerate(events, 1):
        body = ('{"seq":%d,"id":%d,"event":"%s","time":"2026-12-04T07:%02d:00Z","outcome":"%s",'
                '"source":"kiosk-042","prev":"%s"' % (n, i, name, 10 + n, outcome, prev))
        h = hashlib.sha256((prev + "\n" + body).encode()).hexdigest()
        f.write(body + ',"hash":"%s"}\n' % h)
        prev = h
PY
"$I" operation incidents --quiet --dir op --file kiosk-journal.jsonl || fail "the kiosk's journal refused"
[ "$("$I" operation journal --quiet --dir op | awk '$3 == "incident"' | wc -l)" = 6 ] ||
	fail "not six kinds of incidents: $("$I" operation journal --quiet --dir op | tail -8)"
grep -qF '"kind":"network-failure","text":"un serveur n\u2019a pas r\u00E9pondu dans le d\u00E9lai \u2014 2 fois, du vendredi 4' op/journal.jsonl ||
	fail "the network failures: $(grep network-failure op/journal.jsonl)"
if "$I" operation incidents --dir op --file kiosk-journal.jsonl 2>err.txt; then fail "the same journal taken twice"; fi
sed 's/"usb-alert"/"usb-cleared"/; s/"id":13/"id":14/' kiosk-journal.jsonl >kiosk-broken.jsonl
if "$I" operation incidents --dir op --file kiosk-broken.jsonl 2>err.txt; then fail "a broken kiosk journal taken"; fi
grep -q "rompu à la ligne 6" err.txt || fail "the broken journal: $(cat err.txt)"
echo "I: a kiosk's incidents in the operation's journal; the same journal twice and a broken one refused"

# ---- the count ----
before=$(sha256sum op/*/*.bel)
if members --plan m1,m2 -- "$I" operation tally --dir op --wait 3 >/dev/null 2>tally.log; then
	fail "counted with two holders"
fi
grep -q "pas assez de détenteurs de clé" tally.log || fail "two holders: $(cat tally.log)"
[ "$(sha256sum op/*/*.bel)" = "$before" ] || fail "an archive changed after a refused count"
members --plan m1,m4,m5 --pass "m1=pas la bonne phrase" -- "$I" operation tally --dir op --wait 20 \
	>results.txt 2>tally.log || fail "the count failed: $(cat tally.log)"
grep -q "phrase secrète erronée pour Martine Lebrun" tally.log || fail "a wrong passphrase went unnoticed"
[ "$(grep -c "archive dépouillée vérifiée aussi par belenios-tool" tally.log)" = 3 ] ||
	fail "the count did not have belenios-tool verify each poll: $(cat tally.log)"
[ "$(sed -n 1p results.txt)" = "{\"result\":[[${CST[0]},${CST[1]},${CST[2]}]]}" ] || fail "CST: $(sed -n 1p results.txt), ${CST[*]} cast"
[ "$(sed -n 2p results.txt)" = "{\"result\":[[${CAPB[0]},${CAPB[1]}]]}" ] || fail "CAP-B: $(sed -n 2p results.txt), ${CAPB[*]} cast"
[ "$(sed -n 3p results.txt)" = "{\"result\":[[${FS[0]},${FS[1]},${FS[2]}]]}" ] || fail "FS: $(sed -n 3p results.txt), ${FS[*]} cast"
for u in $polls; do
	rm -rf "op/$u/bt" && mkdir "op/$u/bt" && cp "op/$u/$u.bel" "op/$u/bt/"
	belenios-tool election verify --dir "op/$u/bt" >verify.log 2>&1 && grep -q "all checks passed" verify.log ||
		fail "belenios-tool refuses the count of $u: $(cat verify.log)"
	rm -rf "op/$u/bt"
done
[ "$("$I" operation journal --quiet --dir op | awk '$3 == "tally"' | wc -l)" = 3 ] || fail "the counts are not journaled"
echo "I: counted with the président and two délégués; belenios-tool verifies every poll"

# ---- results, attendance, minutes ----
"$I" operation results --quiet --dir op --file op/counts.json >results-table.txt ||
	fail "the results: $(cat results-table.txt)"
echo '{"meeting":"dépouillement","present":[1,2,4,5]}' >present.json
"$I" operation attendance --quiet --dir op --file present.json
"$I" operation pv --quiet --dir op >/dev/null
n=$(pdfinfo op/pv.pdf | awk '/^Pages:/ { print $2 }')
for k in $(seq 1 "$n"); do
	pdftotext -layout -f "$k" -l "$k" op/pv.pdf - | grep -q "page $k / $n" || fail "page $k lacks 'page $k / $n'"
done
pdftoppm -r 40 -png op/pv.pdf pv && [ "$(ls pv-*.png | wc -l)" = "$n" ] || fail "the minutes do not render"
pdftotext op/pv.pdf pv.txt
grep -q "Martine Lebrun" pv.txt && grep -q "Comité social territorial" pv.txt || fail "the minutes: $(head -40 pv.txt)"
echo "I: results, attendance and the minutes ($n pages, each numbered)"

# ---- the archive bundle, its destruction ----
kill "${pids[@]}" 2>/dev/null || true
"$I" operation archive --quiet --dir op >bundle.sha
"$I" operation verify-bundle --quiet --file op/archive.tar >/dev/null || fail "the bundle does not verify"
tar tf op/archive.tar >members.txt
for m in pv.pdf seal.json members.json counts.json software/sealed/kiosk-image software/sealed/isoloir-urn \
	software/sealed/isoloir-registry; do
	grep -qx "$m" members.txt || fail "the bundle lacks $m: $(cat members.txt)"
done
[ "$(grep -c '^tests/test-.*\.bel$' members.txt)" = 6 ] || fail "the test election's archives are not kept"
! grep -q "key\|letters\|voters.csv\|isoloir-membre" members.txt || fail "a secret in the bundle: $(cat members.txt)"
if "$I" operation destroy --quiet --dir op 2>err.txt; then fail "destroyed before its date"; fi
later=$(date -u -d '+2 years +2 days' '+%Y-%m-%d %H:%M:%S')
# the members bring their keys, but Yann Le Gall (m5) has left
members --plan m1,m2,m3,m4 -- faketime "$later" "$I" operation destroy --dir op --wait 3 2>destroy.log ||
	fail "the destruction failed: $(cat destroy.log)"
[ ! -e op/archive.tar ] && [ -e op/destruction.json ] || fail "the bundle survived its destruction"
for m in 1 2 3 4; do
	! mtype -i "keys/m$m.img" ::isoloir-membre.json >/dev/null 2>&1 || fail "m$m's key survived"
done
mtype -i keys/m5.img ::isoloir-membre.json >/dev/null || fail "m5's key, never presented, is gone"
tr -d ' \n' <op/destruction.json | grep -q '"usb_keys_erased":\[1,2,3,4\],"usb_keys_not_presented":\[5\]' ||
	fail "the certificate: $(cat op/destruction.json)"
echo "I: the bundle verified alone, destroyed two years later with the members' keys presented; its certificate names the key not presented"
