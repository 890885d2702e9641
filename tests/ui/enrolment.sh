#!/usr/bin/env bash
# The kiosk's first start and its image's integrity (issue 6, R-SEAL-02,
# R-POST-03): with no configuration in its state folder the kiosk shows
# the enrolment screen; a USB key (a FAT image plugged by umockdev) holding
# its bundle, made by isoloir-bureau with the operation's technician key,
# is checked, installed and erased from the key; the key pulled out, the
# kiosk starts enrolled, its files checked against the image's manifest.
# Refused: a bundle for another image (nothing installed). At start, a
# manifest that is not the sealed one, or a file that differs from it,
# opens no voting session: the kiosk says why, and maintenance still opens.
# Usage: tests/ui/enrolment.sh ISOLOIR-KIOSK ISOLOIR-BUREAU DATA-DIR FIXTURE WORK
set -euo pipefail
K=$1 B=$2 D=$3 F=$4 W=$5
T=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$W" && mkdir -p "$W/shots" && cd "$W"
fail() { echo "E: $*" >&2; exit 1; }
command -v umockdev-wrapper >/dev/null || fail "umockdev-wrapper is needed (./run deps)"
PASS='phrase du chef de service'
"$B" operation init --quiet --file "$D/operation/description.json" \
	--voters "$D/operation/voters.csv" --dir op >/dev/null
for u in $(sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p' op/operation.json); do
	(cd "op/$u" && "$B" setup generate-trustee-key --quiet >/dev/null && cat ./*.pubkey >public_keys.jsons &&
		"$B" setup make-trustees --quiet && "$B" setup make-election --quiet --uuid "$u" --template template.json)
done
printf '%s\n%s\n' "$PASS" "$PASS" |
	"$B" operation technician-key --quiet --dir op --technician "Claire Morel" --out tk.json
# the image's manifest: the kiosk program and every library it maps
kbin=$(readlink -f "$K")
# (and umockdev's preload library, mapped into it under the test)
{ echo "$kbin"; { ldd "$kbin" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^\s*\(\/[^ ]*\) .*/\1/p'
	ls /usr/lib/*/libumockdev-preload.so.0; } | xargs -r readlink -f; } | LC_ALL=C sort -u |
	xargs sha256sum >manifest.txt
printf 'deadbeef\n' | sha256sum | sed 's|-$|/usr/share/isoloir/other|' | cat manifest.txt - |
	LC_ALL=C sort -k2 >other-manifest.txt
pin=$("$K" pin "$F/server.pem")
urns=$(python3 -c 'import json,sys; print(",".join("{\"poll\":\"%s\",\"url\":\"https://127.0.0.1:9\",\"pin\":\"%s\"}" % (p["uuid"], sys.argv[2]) for p in json.load(open(sys.argv[1]))["polls"]))' op/operation.json "$pin")
kiosks() { # file manifest
	cat >"$1" <<JSON
{"registry":{"url":"https://127.0.0.1:9","pin":"$pin"},"urns":[$urns],"image_manifest":"$2",
 "kiosks":[{"name":"kiosk-042","client_cert":"$F/kiosk.pem","client_key":"$F/kiosk.key","language":"fr","touch_keyboard":false,"px_per_mm":null}]}
JSON
}
kiosks kiosks.json "$W/manifest.txt"
kiosks other.json "$W/other-manifest.txt"
printf '%s\n' "$PASS" | "$B" operation enrolment-bundle --quiet --dir op --key tk.json --file kiosks.json --out bundles
printf '%s\n' "$PASS" | "$B" operation enrolment-bundle --quiet --dir op --key tk.json --file other.json --out other
key() { # image bundle
	rm -f "$1" && mkfs.vfat -C "$1" 4096 >/dev/null && mcopy -i "$1" "$2" ::isoloir-enrolement.json
}
kiosk() { # script plug-on unplug-on extra-args...
	local s=$1 on=$2 off=$3
	shift 3
	: >"$s.trace"
	set +e
	ISOLOIR_ENROL_TIMEOUT=${TIMEOUT:-60} umockdev-wrapper /usr/bin/python3 "$T/kioskkey.py" \
		--image key.img --trace "$s.trace" --plug-on "$on" --unplug-on "$off" -- \
		"$K" --state-dir "$W/state" --manifest manifest.txt --technician-key op/technician-key.pem \
		--headless 1024x768 --script "$s" --shots shots --trace "$s.trace" "$@" >"$s.out" 2>"$s.err"
	st=$?
	set -e
}

# a bundle for another image: refused, nothing installed
key key.img other/kiosk-042/isoloir-enrolement.json
printf 'wait welcome\n' >refused.script
TIMEOUT=4 kiosk refused.script "SCREEN enrolment" "SCREEN enrolment-refused"
[ "$st" = 2 ] || fail "another image's bundle: status $st: $(tail -n 3 refused.script.err)"
grep -q 'SCREEN enrolment-refused' refused.script.trace || fail "no refusal shown"
[ ! -e state/kiosk.conf ] && [ ! -e state/client.key ] || fail "a refused bundle installed files"
grep '"event":"enrolment"' state/journal.jsonl | grep -q 'refused=enrolment-image' ||
	fail "the refusal not journaled: $(cat state/journal.jsonl)"
mdir -b -i key.img :: | grep -qi 'isoloir-enrolement.json' || fail "a refused bundle was erased"
echo "I: another image's bundle refused, nothing installed"

# the right bundle: installed, erased from the key, the kiosk starts enrolled
key key.img bundles/kiosk-042/isoloir-enrolement.json
printf 'wait welcome\nshot enrolled-welcome\n' >enrol.script
kiosk enrol.script "SCREEN enrolment 0" "SCREEN enrolment-done"
[ "$st" = 0 ] || fail "enrolment: status $st: $(tail -n 5 enrol.script.err)"
grep -q 'SCREEN enrolment-done' enrol.script.trace || fail "no enrolment screen"
for s in enrolment enrolment-done enrolment-refused; do [ -s "shots/$s.png" ] || fail "no $s.png"; done
[ -s state/kiosk.conf ] && [ "$(stat -c %a state)" = 700 ] && [ "$(stat -c %a state/client.key)" = 600 ] ||
	fail "the enrolment's files: $(ls -la state)"
! mdir -b -i key.img :: | grep -qi 'isoloir-enrolement.json' || fail "the bundle stayed on the key"
grep '"event":"enrolment"' state/journal.jsonl | tail -n 1 | grep -q '"outcome":"success"' ||
	fail "the enrolment not journaled"
grep '"event":"integrity-check"' state/journal.jsonl | tail -n 1 | grep -q '"outcome":"success"' ||
	fail "the files not checked at start: $(tail -n 3 state/journal.jsonl) $(cat enrol.script.err)"
grep -q 'ready (enrolment)' enrol.script.err || fail "no ready line at enrolment"
echo "I: enrolled from its USB key, the bundle erased, the files checked at start"

# maintenance's version screen hashes the files again: as sealed
now=$(date -u +%s)
printf '%s\n135790\n135790\n' "$PASS" | "$B" operation maintenance-token --quiet --dir op --key tk.json \
	--technician "Jean Petit" --kiosk kiosk-042 --from "$(date -u -d "@$((now - 60))" +%FT%TZ)" \
	--until "$(date -u -d "@$((now + 3600))" +%FT%TZ)" --out token.json
version_script() { # the screen waited for at the end
	printf '%s\n' "maintenance-key $W/token.json" "wait maintenance-pin" "type 135790" "tap m-ok" \
		"wait maintenance-menu" "tap m-version" "wait maintenance-version" "shot version-$1" \
		"tap m-menu" "tap m-leave" "wait $1" >"version-$1.script"
}
version_script welcome
"$K" --state-dir "$W/state" --manifest manifest.txt --technician-key op/technician-key.pem \
	--headless 1024x768 --script version-welcome.script --shots shots >/dev/null 2>version.err ||
	fail "maintenance on the enrolled kiosk: $(cat version.err)"
grep '"event":"maintenance-action"' state/journal.jsonl | tail -n 1 | grep 'action=version' |
	grep -q '"outcome":"success"' || fail "the version screen's integrity check did not pass"
echo "I: the enrolled kiosk's maintenance: its files hashed again, as sealed"

# a manifest that is not the sealed one: no voting session, said
cp manifest.txt sealed.txt && cp other-manifest.txt manifest.txt
printf 'wait blocked\nshot blocked\ntap start\nwait blocked\n' >blocked.script
"$K" --state-dir "$W/state" --manifest manifest.txt --headless 1024x768 --script blocked.script \
	--shots shots >/dev/null 2>blocked.err || fail "blocked: $(cat blocked.err)"
grep -q 'not as sealed' blocked.err || fail "the difference not said"
grep '"event":"integrity-check"' state/journal.jsonl | tail -n 1 | grep -q 'refused=manifest-hash' ||
	fail "the manifest's hash not journaled"
# maintenance still opens on it, and its version screen says the same
version_script blocked
"$K" --state-dir "$W/state" --manifest manifest.txt --technician-key op/technician-key.pem \
	--headless 1024x768 --script version-blocked.script --shots shots >/dev/null 2>version.err ||
	fail "maintenance on a kiosk not as sealed: $(cat version.err)"
grep '"event":"maintenance-action"' state/journal.jsonl | tail -n 1 | grep 'action=version' |
	grep -q '"outcome":"failure"' || fail "the version screen did not see the other manifest"
cp sealed.txt manifest.txt
# a file that differs from the manifest (a configuration of the tests,
# with no sealed hash: the program's copy changed after the manifest)
cp "$kbin" kiosk-copy && chmod +x kiosk-copy
{ grep -v "  $kbin\$" manifest.txt; sha256sum "$W/kiosk-copy"; } | LC_ALL=C sort -k2 >copy-manifest.txt
printf '\0' >>kiosk-copy
grep -v '^image_manifest_sha256' state/kiosk.conf >plain.conf
./kiosk-copy --config plain.conf --manifest copy-manifest.txt --headless 1024x768 \
	--script blocked.script --shots shots >/dev/null 2>changed.err || fail "changed: $(cat changed.err)"
grep -q "kiosk-copy" changed.err || fail "the changed program not named: $(cat changed.err)"
echo "I: not as sealed (another manifest, a changed program): no voting session, said"
