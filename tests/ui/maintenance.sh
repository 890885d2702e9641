#!/usr/bin/env bash
# The kiosk's maintenance mode (issue 6, R-D11-INTERV, R-C19-LOGS): the
# bureau makes the operation's technician key and a technician's tokens;
# the kiosk (headless, the technician's key given by the script) opens
# maintenance only with a token for this post, now, and its PIN, and
# never during a voter's session; three wrong PINs lock it; every tool
# is drawn (screenshots), the journal is exported, every entry, action
# and exit is journaled with the technician and the token's id; a
# restart asked leaves with exit status 10.
# Usage: tests/ui/maintenance.sh ISOLOIR-KIOSK ISOLOIR-BUREAU DATA-DIR FIXTURE WORK
set -euo pipefail
K=$1 B=$2 D=$3 F=$4 W=$5
rm -rf "$W" && mkdir -p "$W/shots"
cd "$W"
fail() { echo "E: $*" >&2; exit 1; }
"$B" operation init --file "$D/operation/description.json" --voters "$D/operation/voters.csv" \
	--dir op >/dev/null 2>&1
opname=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["operation"])' op/operation.json)
# the kiosk's operation.json, of this operation
python3 - "$D/kiosk/operation.json" "$opname" >op-kiosk.json <<'P'
import json, sys
o = json.load(open(sys.argv[1])); o["operation"] = sys.argv[2]; print(json.dumps(o, ensure_ascii=False))
P
pass='une phrase assez longue'
printf '%s\n%s\n' "$pass" "$pass" |
	"$B" operation technician-key --dir op --technician "Claire Morel" --out tk.json 2>/dev/null
token() { # name kiosks from until
	printf '%s\n246810\n246810\n' "$pass" | "$B" operation maintenance-token --dir op --key tk.json \
		--technician "Jean Petit" ${2:+--kiosk "$2"} --from "$3" --until "$4" --out "$1" 2>/dev/null
}
now=$(date -u +%s)
t() { date -u -d "@$(( now + $1 ))" +%Y-%m-%dT%H:%M:%SZ; }
token good.json "kiosk-001,kiosk-042" "$(t -3600)" "$(t 86400)"
token all.json "" "$(t -3600)" "$(t 86400)"
token expired.json "kiosk-042" "$(t -864000)" "$(t -3600)"
token other.json "kiosk-001" "$(t -3600)" "$(t 86400)"
# a token with a wrong PIN typed twice the same: refused at its PIN
cat >k.conf <<C
operation = $W/op-kiosk.json
client_cert = $F/kiosk.pem
client_key = $F/kiosk.key
journal = $W/journal.jsonl
C
run() { # script [expected status]
	set +e
	"$K" --config k.conf --technician-key op/technician-key.pem --headless 1280x800 \
		--script "$1" --shots shots >"$1.out" 2>"$1.err"
	rc=$?
	set -e
	[ "$rc" -eq "${2:-0}" ] || fail "$1: status $rc, not ${2:-0}: $(cat "$1.err")"
}
events() { grep -c "\"event\":\"$1\"" journal.jsonl || true; }

# every tool, screenshots of each
cat >tools.script <<S
maintenance-key $W/good.json
wait maintenance-pin
type 2468
shot m-pin
type 10
tap m-ok
wait maintenance-menu
shot m-menu
tap m-version
wait maintenance-version
shot m-version
tap m-menu
tap m-network
wait maintenance-network
shot m-network
tap m-menu
tap m-clock
shot m-clock
tap m-menu
tap m-pattern
shot m-pattern
tap m-menu
tap m-keyboard
key tab
shot m-keyboard
key escape
tap m-usb
shot m-usb
tap m-menu
tap m-journal
shot m-journal
tap m-menu
tap m-export
shot m-export
tap m-menu
tap m-power
shot m-power
tap m-menu
tap m-leave
wait welcome
S
run tools.script
for s in pin menu version network clock pattern keyboard usb journal export power; do
	[ -s "shots/m-$s.png" ] || fail "no screenshot of the $s screen"
done
[ "$(events maintenance-start)" = 1 ] && [ "$(events maintenance-end)" = 1 ] ||
	fail "start and end not journaled once: $(cat journal.jsonl)"
[ "$(events maintenance-action)" -ge 8 ] || fail "actions not journaled"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["payload"]["id"])' good.json)
grep '"event":"maintenance-start"' journal.jsonl | grep -q "technician=Jean Petit token=$id" ||
	fail "the start does not name the technician and the token"
grep '"event":"maintenance-end"' journal.jsonl | grep -q 'end=asked' || fail "the end's reason"
grep '"event":"maintenance-action"' journal.jsonl | grep -q 'action=network' || fail "network"
# the export: the journal as it was, chained, and journaled with its hash
exported=$(ls shots/journal-kiosk-042-*.jsonl) || fail "no journal exported"
head -c "$(stat -c %s "$exported")" journal.jsonl | cmp -s - "$exported" || fail "export differs"
grep '"event":"journal-export"' journal.jsonl | grep -q "$(sha256sum <"$exported" | cut -c1-64)" ||
	fail "the export's hash not journaled"
"$K" export-journal journal.jsonl kiosk-042 >nist.json
grep -q '"Details": "technician=Jean Petit' nist.json || fail "the NIST export lacks the details"
grep -q 'vote\|identifi' <(grep maintenance journal.jsonl) && fail "a voter's word in maintenance"
echo "I: maintenance: every tool drawn, journaled with technician and token"

# refusals: expired, another post, a voter's session, three wrong PINs
refused() { # token expected-reason [script lines before]
	printf '%s\nmaintenance-key %s\nwait maintenance-refused\nshot refused-%s\nmaintenance-key-removed\nwait %s\n' \
		"${3:-}" "$W/$1" "$2" "${4:-welcome}" >"refused-$2.script"
	run "refused-$2.script"
	tail -n 20 journal.jsonl | grep '"event":"maintenance-refused"' | grep -q "refused=$2" ||
		fail "$1: not refused for $2"
}
refused expired.json token-expired
refused other.json token-other-kiosk
refused all.json maintenance-during-session $'tap start\nwait identify' identify
cat >pins.script <<S
maintenance-key $W/all.json
wait maintenance-pin
type 111111
tap m-ok
type 222222
tap m-ok
shot m-pin-wrong
type 333333
tap m-ok
wait maintenance-refused
shot m-locked
maintenance-key-removed
maintenance-key $W/good.json
wait maintenance-refused
S
run pins.script
[ "$(events maintenance-pin-failure)" = 3 ] && [ "$(events maintenance-locked)" = 1 ] ||
	fail "three wrong PINs not journaled, or no lock"
tail -n 3 journal.jsonl | grep -q 'refused=maintenance-locked' || fail "locked key not refused"
# without the technician key, no token opens anything
printf 'maintenance-key %s\nwait maintenance-refused\n' "$W/good.json" >nokey.script
"$K" --config k.conf --headless 640x480 --script nokey.script --shots shots >/dev/null 2>&1 ||
	fail "no technician key: not refused"
tail -n 3 journal.jsonl | grep -q 'refused=no-technician-key' || fail "no-technician-key"
echo "I: refused: expired, another post, a voter's session, wrong PINs (locked), no key"

# a restart asked: exit status 10, journaled
printf 'maintenance-key %s\nwait maintenance-pin\ntype 246810\ntap m-ok\nwait maintenance-menu\ntap m-power\ntap m-reboot\n' \
	"$W/good.json" >reboot.script
run reboot.script 10
grep '"event":"maintenance-end"' journal.jsonl | tail -n 1 | grep -q 'end=reboot' || fail "reboot end"
"$K" --config k.conf --headless 640x480 --script /dev/null --shots shots 2>/dev/null
echo "I: restart asked: exit status 10 (the image's service restarts the machine)"

# the bureau takes the kiosk's journal: each intervention one by one
"$B" operation incidents --dir op --file journal.jsonl 2>/dev/null
n=$(grep -c '"event":"intervention"' op/journal.jsonl || true)
[ "$n" -eq "$(grep -c '"event":"\(maintenance-[a-z-]*\|journal-export\)"' journal.jsonl)" ] ||
	fail "interventions not taken one by one ($n)"
grep '"event":"intervention"' op/journal.jsonl | grep -q '"source":"kiosk-042"' || fail "source"
echo "I: the bureau's journal lists every intervention ($n)"

# the real way in: the technician's USB key (a FAT image under umockdev),
# read with mtools, never mounted; the journal exported onto it; the key
# pulled out ends maintenance
if command -v umockdev-wrapper >/dev/null && command -v mkfs.vfat >/dev/null; then
	rm -f key.img && mkfs.vfat -C key.img 2048 >/dev/null
	mcopy -i key.img good.json ::isoloir-maintenance.json
	cat >usbkey.script <<S
wait maintenance-pin
type 246810
tap m-ok
wait maintenance-menu
tap m-export
wait maintenance-export
shot usb-export
wait welcome
S
	: >usbkey.trace
	umockdev-wrapper /usr/bin/python3 "$(dirname "$0")/../tools/kioskkey.py" --image key.img \
		--trace usbkey.trace --plug-on "SCREEN welcome" --unplug-on "SCREEN maintenance-export" -- \
		"$K" --config k.conf --technician-key op/technician-key.pem --headless 800x600 \
		--script usbkey.script --shots shots --trace usbkey.trace >usbkey.out 2>usbkey.err ||
		fail "the technician's USB key: $(tail -n 5 usbkey.err)"
	mdir -b -i key.img :: | grep -q 'journal-kiosk-042-' || fail "no journal exported onto the key"
	tail -n 4 journal.jsonl | grep '"event":"maintenance-end"' | grep -q 'end=key-removed' ||
		fail "the key pulled out did not end maintenance"
	echo "I: the technician's USB key: token read, journal exported onto it, pulled out"
fi
