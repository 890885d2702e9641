#!/usr/bin/env bash
# isoloir-kiosk as a program: --help; a configuration or operation file
# refused clearly (exit 2, the line, key, poll or field named) before
# anything is shown; the pin of a certificate as openssl computes it; the
# screen-off mode; no session outside the vote's hours.
# Usage: tests/ui/kiosk_program.sh ISOLOIR-KIOSK DATA-DIR FIXTURE WORK
set -euo pipefail
K=$1 D=$2 F=$3 W=$4
rm -rf "$W" && mkdir -p "$W"
"$K" --help | grep -q "operation.json"
[ "$("$K" pin "$F/server.pem")" = "$(cat "$F/server.pin")" ]
expect() { # pattern config-text
	printf '%s\n' "$2" >"$W/k.conf"
	set +e
	"$K" --config "$W/k.conf" --headless 640x480 --script /dev/null --shots "$W" 2>"$W/err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] && grep -q -- "$1" "$W/err" || {
		echo "E: expected exit 2 and '$1', got $rc: $(cat "$W/err")" >&2; exit 1; }
}
good="operation = $D/kiosk/operation.json
client_cert = $F/kiosk.pem
client_key = $F/kiosk.key
journal = $W/journal.jsonl"
expect "line 1" "operation"
expect "colour" "$good
colour = blue"
expect "journal" "$(grep -v '^journal' <<<"$good")"
expect "language" "$good
language = de"
expect "px_per_mm" "$good
px_per_mm = 100"
sed 's/"name":"Liste B"/"name":"Liste Z"/' "$D/kiosk/operation.json" >"$W/op.json"
expect "poll 1, list 2, field name" "$(sed "s|^operation = .*|operation = $W/op.json|" <<<"$good")"
grep -q '"event":"config-refused"' "$W/journal.jsonl"
# a good configuration plays an empty script and stops
printf '%s\n' "$good" >"$W/k.conf"
"$K" --config "$W/k.conf" --headless 640x480 --script /dev/null --shots "$W"
grep -q '"event":"kiosk-stop"' "$W/journal.jsonl"
echo "I: every mistake named"

# the voice alone (blind voters): the audio button's third state darkens
# every screen, the keys still work; the session's end lights it again
lit() { [ "$(convert "$W/$1.png" -format '%[fx:maxima]' info:)" != 0 ]; }
cat >"$W/dark.script" <<'S'
tap audio
shot voice
tap audio
shot dark
tap start
wait identify
shot dark-identify
key escape
wait welcome
shot lit-again
S
"$K" --config "$W/k.conf" --headless 640x480 --script "$W/dark.script" --shots "$W" >/dev/null
lit voice && ! lit dark && ! lit dark-identify && lit lit-again ||
	{ echo "E: the screen-off mode shows or hides the wrong screens" >&2; exit 1; }
echo "I: voice alone: the screen dark until the session ends"
# the help key (F1) turns the voice on, as its button does, found without sight
# (then one touch on the audio button is the voice alone: the screen dark)
printf '%s\n' "key help" "tap audio" "shot help-key" >"$W/help.script"
"$K" --config "$W/k.conf" --headless 640x480 --script "$W/help.script" --shots "$W" >/dev/null
! lit help-key || { echo "E: the help key did not turn the voice on" >&2; exit 1; }
echo "I: the help key turns the voice on"

# outside the vote's hours no session starts: the voter is told when
sed 's/"closing":"[^"]*"/"closing":"2026-01-05T09:00:00+01:00"/' "$D/kiosk/operation.json" >"$W/op-closed.json"
sed "s|^operation = .*|operation = $W/op-closed.json|" "$W/k.conf" >"$W/k-closed.conf"
printf '%s\n' "tap start" "wait error" "shot closed" "tap back" "wait welcome" >"$W/closed.script"
"$K" --config "$W/k-closed.conf" --headless 640x480 --script "$W/closed.script" --shots "$W" >/dev/null
echo "I: closed outside the hours"
