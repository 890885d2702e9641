#!/usr/bin/env bash
# isoloir-bureau operation enrolment-bundle (issue 6): an operation made
# from tests/data/operation, each poll's election made from its template
# (as operation_init.sh makes them), the operation's technician key, the
# kiosks' TLS identities made with openssl, a kiosk image's manifest; one
# bundle per kiosk (0600 in 0700 folders), journaled without a key; each
# bundle checked and installed by the kiosk's own library
# (iso-enrol-check) into a state folder: operation.json with every poll's
# election.json bytes, the identity, kiosk.conf with the kiosk's settings.
# Refused, named in French and English, nothing written nor journaled: a
# poll without election.json, a poll without urn, an urn of no poll, a
# certificate of another name (CN), a key not the certificate's, a kiosk
# named twice (in the file, in --kiosk), an unknown --kiosk, a manifest
# that is none, a wrong passphrase, a bundle already there. Refused by
# the kiosk: another technician key, an altered bundle, another image, a
# second enrolment.
# Usage: tests/cross/enrolment.sh ISOLOIR-BUREAU ISO-ENROL-CHECK DATA-DIR WORK-DIR
set -euo pipefail
I=$1 CHECK=$2 D=$(cd "$3/operation" && pwd) W=$4
rm -rf "$W" && mkdir -p "$W" && cd "$W" && W=$(pwd)
fail() { echo "E: $*" >&2; exit 1; }
PASS='phrase secrète du technicien'
export LANGUAGE=fr

"$I" operation init --quiet --file "$D/description.json" --voters "$D/voters.csv" --dir op >/dev/null
polls=$(sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p' op/operation.json)
cst=$(sed -n 1p <<<"$polls") capb=$(sed -n 2p <<<"$polls") fs=$(sed -n 3p <<<"$polls")
printf '%s\n%s\n' "$PASS" "$PASS" |
	"$I" operation technician-key --quiet --dir op --technician "Jeanne Martin" --out tk.json
[ -s op/technician-key.pem ] || fail "no public technician key"

# ---- the kiosks' identities (tests/server/pki.sh's way), the servers' pin ----
mkdir -p conf/pki conf/image/root/usr/bin conf/image/root/usr/share/isoloir
(
	cd conf/pki
	ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
	ec ca.key
	openssl req -x509 -new -key ca.key -out ca.pem -days 3650 -subj "/CN=Isoloir Test Kiosk CA" \
		-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
	leaf() { # file CN
		ec "$1.key"
		openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
		printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >"$1.ext"
		openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
			-days 3650 -extfile "$1.ext" 2>/dev/null
		rm -f "$1.csr" "$1.ext"
	}
	leaf poste-01 poste-01
	leaf poste-02 poste-02
	leaf poste-03 poste-99 # a certificate of another name
	ec stray.key
	ec server.key
	openssl pkey -in server.key -pubout -outform der | openssl dgst -sha256 -binary |
		openssl base64 -A >server.pin
)
PIN=$(cat conf/pki/server.pin)
# the image: a few files and their manifest, sha256sum's lines sorted by path
printf 'isoloir-kiosk\n' >conf/image/root/usr/bin/isoloir-kiosk
cp op/technician-key.pem conf/image/root/usr/share/isoloir/
# a name sha256sum escapes, as systemd's are
mkdir -p conf/image/root/usr/lib/systemd/system
printf '[Unit]\n' >'conf/image/root/usr/lib/systemd/system/system-systemd\x2dcryptsetup.slice'
(cd conf/image/root && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum |
	sed 's|^\(\\\?[0-9a-f]\{64\}\)  \./|\1  /|') >conf/image/manifest.txt
grep -q '^\\[0-9a-f]\{64\}  /usr/lib/systemd/system/system-systemd\\\\x2dcryptsetup.slice$' \
	conf/image/manifest.txt || fail "no escaped name in the manifest: $(cat conf/image/manifest.txt)"
IMAGE=$(sha256sum conf/image/manifest.txt | cut -d' ' -f1)

# KIOSKS.json: urns as given (uuid:host lines), kiosks as given (JSON)
kiosks_json() { # file urns kiosks [manifest]
	local urns=
	for u in $2; do
		urns="$urns${urns:+,}{\"poll\":\"${u%%:*}\",\"url\":\"https://${u#*:}.example:8444\",\"pin\":\"$PIN\"}"
	done
	cat >"$1" <<JSON
{"registry":{"url":"https://registre.example:8443","pin":"$PIN","backup":{"url":"https://10.0.0.2:8443","pin":"$PIN"}},
 "urns":[$urns],
 "image_manifest":"${4:-image/manifest.txt}",
 "kiosks":[$3]}
JSON
}
K1='{"name":"poste-01","client_cert":"pki/poste-01.pem","client_key":"pki/poste-01.key","language":"fr","touch_keyboard":true,"px_per_mm":null}'
K2='{"name":"poste-02","client_cert":"pki/poste-02.pem","client_key":"pki/poste-02.key","language":"en","touch_keyboard":false,"px_per_mm":7.5}'
URNS="$cst:urne-cst $capb:urne-cap $fs:urne-fs"
kiosks_json conf/kiosks.json "$URNS" "$K1,$K2"

journal_lines() { wc -l <op/journal.jsonl; }
# refused: status 1, each word in French then in English, nothing written
refused() { # "words FR|words EN" args...
	local want=$1 lines out lang words
	shift
	lines=$(journal_lines)
	for lang in fr en; do
		if [ $lang = fr ]; then words=${want%%|*}; else words=${want#*|}; fi
		set +e
		out=$(printf '%s\n' "$PASS" | env LANGUAGE=$lang "$I" operation enrolment-bundle \
			--dir op --key tk.json "$@" 2>&1)
		st=$?
		set -e
		[ $st = 1 ] || fail "refusal expected (status $st) for $*: $out"
		IFS=';' read -ra ws <<<"$words"
		for w in "${ws[@]}"; do
			grep -qF -- "$w" <<<"$out" || fail "[$lang] '$w' not said for $*: $out"
		done
	done
	[ "$(journal_lines)" = "$lines" ] || fail "a refusal was journaled: $*"
	[ ! -e bad-out ] || fail "a refusal wrote bad-out: $*"
}

# ---- a poll without election.json: before the key ceremony ----
refused "scrutin CST ($cst);pas d’election.json;operation keys|poll CST ($cst);no election.json" \
	--file conf/kiosks.json --out bad-out
for u in $polls; do
	(
		cd "op/$u"
		"$I" setup generate-trustee-key --quiet >/dev/null
		cat ./*.pubkey >public_keys.jsons
		"$I" setup make-trustees --quiet
		"$I" setup make-election --quiet --uuid "$u" --template template.json
	)
done
rm "op/$fs/election.json"
refused "scrutin FS ($fs);pas d’election.json|poll FS ($fs);no election.json" \
	--file conf/kiosks.json --out bad-out
(cd "op/$fs" && "$I" setup make-election --quiet --uuid "$fs" --template template.json)

# ---- KIOSKS.json refused, named ----
kiosks_json conf/no-urn.json "$cst:urne-cst $capb:urne-cap" "$K1"
refused "conf/no-urn.json : urns : scrutin FS ($fs) : pas d’urne pour ce scrutin|poll FS ($fs) : no urn for this poll" \
	--file conf/no-urn.json --out bad-out
kiosks_json conf/stray-urn.json "$URNS notapoll1234567:x" "$K1"
refused "urns[4] : poll;pas l’uuid d’un scrutin|urns[4] : poll;not the uuid of a poll" \
	--file conf/stray-urn.json --out bad-out
kiosks_json conf/two-urns.json "$URNS $cst:urne-bis" "$K1"
refused "urns[4] : poll;une deuxième urne|a second urn" --file conf/two-urns.json --out bad-out
sed 's|"pin":"[^"]*"|"pin":"court"|' conf/kiosks.json >conf/bad-pin.json
refused "registry : url, pin;empreinte (pin)|registry : url, pin;key's pin" \
	--file conf/bad-pin.json --out bad-out
kiosks_json conf/bad-cn.json "$URNS" \
	"$K1,"'{"name":"poste-03","client_cert":"pki/poste-03.pem","client_key":"pki/poste-03.key"}'
refused "conf/pki/poste-03.pem : poste poste-03 : client_cert : le certificat est celui de « poste-99 » (CN), pas de « poste-03 »|kiosk poste-03 : client_cert : the certificate is \"poste-99\"'s (CN), not \"poste-03\"'s" \
	--file conf/bad-cn.json --out bad-out
kiosks_json conf/bad-key.json "$URNS" \
	"$K1,"'{"name":"poste-02","client_cert":"pki/poste-02.pem","client_key":"pki/stray.key"}'
refused "conf/pki/stray.key : poste poste-02 : client_key : pas la clé privée de ce certificat|kiosk poste-02 : client_key : not this certificate's private key" \
	--file conf/bad-key.json --out bad-out
kiosks_json conf/twice.json "$URNS" "$K1,$K2,$K1"
refused "conf/twice.json : kiosks[3] poste-01 : name : poste nommé deux fois|kiosks[3] poste-01 : name : kiosk named twice" \
	--file conf/twice.json --out bad-out
kiosks_json conf/bad-name.json "$URNS" '{"name":"../poste-01","client_cert":"pki/poste-01.pem","client_key":"pki/poste-01.key"}'
refused "kiosks[1] ../poste-01 : name : le nom du poste|kiosks[1] ../poste-01 : name : the post's name" \
	--file conf/bad-name.json --out bad-out
kiosks_json conf/bad-px.json "$URNS" '{"name":"poste-01","client_cert":"pki/poste-01.pem","client_key":"pki/poste-01.key","px_per_mm":40}'
refused "kiosks[1] poste-01 : px_per_mm|kiosks[1] poste-01 : px_per_mm : a number from 2 to 20" \
	--file conf/bad-px.json --out bad-out
refused "--kiosk : « poste-07 » n’est pas un poste de conf/kiosks.json|« poste-07 » is not a kiosk of conf/kiosks.json" \
	--file conf/kiosks.json --kiosk poste-01,poste-07 --out bad-out
refused "--kiosk : « poste-01 » est nommé deux fois|« poste-01 » is named twice" \
	--file conf/kiosks.json --kiosk poste-01,poste-02,poste-01 --out bad-out
kiosks_json conf/not-manifest.json "$URNS" "$K1" pki/poste-01.pem
refused "conf/pki/poste-01.pem : ligne 1 : empreinte|conf/pki/poste-01.pem : line 1: hash" \
	--file conf/not-manifest.json --out bad-out
# a wrong passphrase, three times
set +e
out=$(printf 'pas la bonne phrase\npas la bonne phrase\npas la bonne phrase\n' |
	"$I" operation enrolment-bundle --dir op --key tk.json --file conf/kiosks.json --out bad-out 2>&1)
st=$?
set -e
[ $st != 0 ] && [ ! -e bad-out ] && grep -q 'phrase secrète erronée' <<<"$out" ||
	fail "a wrong passphrase made bundles ($st): $out"
echo "I: every refusal named, nothing written, nothing journaled"

# ---- the bundles ----
lines=$(journal_lines)
printf '%s\n' "$PASS" | "$I" operation enrolment-bundle --dir op --key tk.json \
	--file conf/kiosks.json --out bundles 2>info.txt || fail "bundles refused: $(cat info.txt)"
grep -q "image des postes n’est pas encore scellée" info.txt || fail "the seal not said: $(cat info.txt)"
[ "$(journal_lines)" = $((lines + 1)) ] || fail "not one journal entry"
[ "$(stat -c %a bundles)" = 700 ] || fail "the bundles' folder is readable by others"
for k in poste-01 poste-02; do
	b=bundles/$k/isoloir-enrolement.json
	[ -f "$b" ] && [ "$(stat -c %a "$b")" = 600 ] && [ "$(stat -c %a "bundles/$k")" = 700 ] ||
		fail "$b: not a 0600 file in a 0700 folder"
	grep -qF "$k : $W/bundles/$k/isoloir-enrolement.json" info.txt ||
		grep -qF "$k : bundles/$k/isoloir-enrolement.json" info.txt || fail "$k not said: $(cat info.txt)"
done
"$I" operation journal --quiet --dir op | tail -1 | grep -q enrolment-bundles ||
	fail "the journal's last entry is not the bundles"
tail -1 op/journal.jsonl >entry.json
! grep -q 'PRIVATE KEY\|BEGIN' entry.json || fail "a key or a certificate in the journal"
python3 - "$IMAGE" <<'PY' || fail "the journal entry: $(cat entry.json)"
import json, sys
e = json.load(open("entry.json"))
assert e["event"] == "enrolment-bundles", e
assert e["image_manifest_sha256"] == sys.argv[1], e
assert [b["kiosk"] for b in e["bundles"]] == ["poste-01", "poste-02"], e
for b in e["bundles"]:
    doc = json.load(open("bundles/%s/isoloir-enrolement.json" % b["kiosk"]))
    assert doc["payload"]["id"] == b["id"] and len(b["id"]) == 32, (b, doc["payload"]["id"])
    assert doc["payload"]["image_manifest_sha256"] == sys.argv[1]
PY
refused "bundles/poste-01/isoloir-enrolement.json : poste poste-01 : existe déjà|kiosk poste-01 : exists already" \
	--file conf/kiosks.json --out bundles
# one kiosk only
printf '%s\n' "$PASS" | "$I" operation enrolment-bundle --quiet --dir op --key tk.json \
	--file conf/kiosks.json --kiosk poste-02 --out bundles-02
[ "$(ls bundles-02)" = poste-02 ] || fail "--kiosk poste-02 made: $(ls bundles-02)"
echo "I: bundles made, 0600, journaled without keys"

# ---- the kiosk's side ----
M=conf/image/manifest.txt
for k in poste-01 poste-02; do
	out=$("$CHECK" op/technician-key.pem $M bundles/$k/isoloir-enrolement.json "$W/state-$k") ||
		fail "$k not enrolled: $out"
	grep -q "^enrolled $k [0-9a-f]\{32\}\$" <<<"$out" || fail "$k: $out"
	s=state-$k
	[ "$(cd $s && ls | tr '\n' ' ')" = "client.key client.pem kiosk.conf operation.json " ] ||
		fail "$s holds: $(ls $s)"
	[ "$(stat -c %a $s)" = 700 ] && [ "$(stat -c %a $s/client.key)" = 600 ] ||
		fail "$s: modes $(stat -c '%a %n' $s $s/*)"
	cmp -s $s/client.key conf/pki/$k.key && cmp -s $s/client.pem conf/pki/$k.pem ||
		fail "$s: not the post's identity"
	grep -qx "enrolment = $(cut -d' ' -f3 <<<"$out")" $s/kiosk.conf &&
		grep -qx "image_manifest_sha256 = $IMAGE" $s/kiosk.conf &&
		grep -qx "operation = $W/$s/operation.json" $s/kiosk.conf &&
		grep -qx "client_key = $W/$s/client.key" $s/kiosk.conf ||
		fail "$s/kiosk.conf: $(cat $s/kiosk.conf)"
	python3 - $s op $polls <<'PY' || fail "$s/operation.json is not the operation's"
import json, sys
s, op, polls = sys.argv[1], sys.argv[2], sys.argv[3:]
k = json.load(open(s + "/operation.json"))
o = json.load(open(op + "/operation.json"))
assert set(k) == {"version", "operation", "space", "opening", "closing", "registry", "polls"}, k.keys()
for f in ("operation", "space", "opening", "closing"):
    assert k[f] == o[f], f
assert k["registry"]["backup"]["url"] == "https://10.0.0.2:8443"
assert [p["uuid"] for p in k["polls"]] == polls
for kp, op_ in zip(k["polls"], o["polls"]):
    e = open("%s/%s/election.json" % (op, kp["uuid"])).read().rstrip("\n")
    assert kp["election"] == e, kp["uuid"]
    assert kp["name"] == op_["name"]
    assert kp["urn"]["url"].startswith("https://urne-")
    assert [(l["acronym"], l["name"], l["candidates"], l["profession_de_foi"]) for l in kp["lists"]] == \
        [(l["acronym"], l["name"], l["candidates"], l["profession_de_foi"]) for l in op_["lists"]]
PY
done
grep -qx 'language = fr' state-poste-01/kiosk.conf && grep -qx 'touch_keyboard = yes' state-poste-01/kiosk.conf &&
	! grep -q px_per_mm state-poste-01/kiosk.conf || fail "poste-01's settings: $(cat state-poste-01/kiosk.conf)"
grep -qx 'language = en' state-poste-02/kiosk.conf && grep -qx 'touch_keyboard = no' state-poste-02/kiosk.conf &&
	grep -qx 'px_per_mm = 7.5' state-poste-02/kiosk.conf || fail "poste-02's settings: $(cat state-poste-02/kiosk.conf)"
# kiosk refusals
kiosk_refused() { # want manifest bundle state [key]
	local out
	if out=$("$CHECK" "${5:-op/technician-key.pem}" "$2" "$3" "$W/$4"); then fail "enrolled: $*"; fi
	grep -q "^$1" <<<"$out" || fail "$1 expected: $out"
	[ ! -e "$4/kiosk.conf" ] || [ "$4" = state-poste-01 ] || fail "$4 enrolled by a refused bundle"
}
kiosk_refused enrolled $M bundles/poste-02/isoloir-enrolement.json state-poste-01
cmp -s state-poste-01/client.key conf/pki/poste-01.key || fail "a second enrolment changed the key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout >other-tech.pem
kiosk_refused bad-signature $M bundles/poste-01/isoloir-enrolement.json state-x other-tech.pem
sed 's/"touch_keyboard":true/"touch_keyboard":false/' bundles/poste-01/isoloir-enrolement.json >altered.json
! cmp -s altered.json bundles/poste-01/isoloir-enrolement.json || fail "nothing altered"
kiosk_refused bad-signature $M altered.json state-x
{ cat $M; printf '%064d  /usr/share/isoloir/zz-extra\n' 0; } >other-manifest.txt
kiosk_refused enrolment-image other-manifest.txt bundles/poste-01/isoloir-enrolement.json state-x
[ ! -e state-x/kiosk.conf ] || fail "state-x enrolled"
echo "I: bundles installed by the kiosk's library; another key, an altered bundle, another image, a second enrolment refused"
