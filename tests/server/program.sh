#!/usr/bin/env bash
# isoloir-urn as a program: --help, and configuration mistakes refused with
# the line or the key named (exit 2), before anything is served.
# Usage: tests/server/program.sh ISOLOIR-URN FIXTURE WORK
set -euo pipefail
URN=$1 F=$2 W=$3
rm -rf "$W" && mkdir -p "$W"
"$URN" --help | grep -q "setup_archive"
expect() { # message-pattern config-text
	printf '%s\n' "$2" >"$W/c.conf"
	set +e
	"$URN" --config "$W/c.conf" 2>"$W/err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] && grep -q -- "$1" "$W/err" || {
		echo "E: expected exit 2 and '$1', got $rc: $(cat "$W/err")" >&2; exit 1; }
}
U=$(cat "$F/poll-a/uuid")
good="setup_archive = $F/poll-a/$U.bel
database = $W/urn.sqlite
publish_dir = $W
receipt_key = $F/urn.key
ticket_key = $F/registry.pub
tls_cert = $F/server.pem
tls_key = $F/server.key
kiosk_listen = 127.0.0.1:0
kiosk_ca = $F/kiosk-ca.pem
bureau_listen = 127.0.0.1:0
bureau_ca = $F/bureau-ca.pem"
expect "line 2" "# a comment
no equals sign"
expect "colour" "$good
colour = blue"
expect "receipt_key" "$(grep -v receipt_key <<<"$good")"
expect "closing" "$good
closing = 2026-13-01T00:00:00Z"
expect "kiosk_listen" "$(sed 's/kiosk_listen = .*/kiosk_listen = localhost/' <<<"$good")"
expect "bureau_ca" "$(grep -v bureau_ca <<<"$good")"
expect "ticket_key" "$(sed "s|ticket_key = .*|ticket_key = $F/server-ca.pem|" <<<"$good")"
expect "line 2" "a = 1
a = 2"
echo "I: every mistake named"
