#!/usr/bin/env bash
# isoloir-registry as a program: --help; configuration mistakes (the
# configuration, registry-polls.json, the voter file) refused with the
# line, key, poll or voter named (exit 2) before anything is served; a
# good configuration serves, stops on SIGTERM, and a restart keeps the
# voters imported once.
# Usage: tests/server/registry_program.sh ISOLOIR-REGISTRY ISOLOIR-REGISTRY-LOAD FIXTURE WORK
set -euo pipefail
REG=$1 LOAD=$2 F=$3 W=$4
rm -rf "$W" && mkdir -p "$W"
"$REG" --help | grep -q "registry-voters.json"
A=$(cat "$F/poll-a/uuid") B=$(cat "$F/poll-b/uuid")
"$LOAD" prepare 3 "$A" "$W" 1,8,1
polls() { printf '{"version":1,"polls":[%s]}' "$1" >"$W/polls.json"; }
good_polls="{\"uuid\":\"$A\",\"name\":\"Scrutin a\",\"urn_key\":\"$F/urn.pub\"}"
polls "$good_polls"
good="voters = $W/registry-voters.json
polls = $W/polls.json
database = $W/registry.sqlite
ticket_key = $F/registry.key
opening = 2026-12-03T08:00:00Z
closing = 2026-12-10T18:00:00Z
tls_cert = $F/server.pem
tls_key = $F/server.key
kiosk_listen = 127.0.0.1:0
kiosk_ca = $F/kiosk-ca.pem
bureau_listen = 127.0.0.1:0
bureau_ca = $F/bureau-ca.pem
ready_file = $W/ready.json"
expect() { # message-pattern config-text
	printf '%s\n' "$2" >"$W/c.conf"
	set +e
	"$REG" --config "$W/c.conf" 2>"$W/err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] && grep -q -- "$1" "$W/err" || {
		echo "E: expected exit 2 and '$1', got $rc: $(cat "$W/err")" >&2; exit 1; }
}
expect "line 1" "voters"
expect "colour" "$good
colour = blue"
expect "voters" "$(grep -v '^voters' <<<"$good")"
expect "closing" "$(sed 's/^closing = .*/closing = 2026-12-01T00:00:00Z/' <<<"$good")"
expect "ticket_key" "$(sed "s|^ticket_key = .*|ticket_key = $F/registry.pub|" <<<"$good")"
expect "kiosk_ca" "$(grep -v '^kiosk_ca' <<<"$good")"
polls "{\"uuid\":\"not a uuid\",\"name\":\"x\",\"urn_key\":\"$F/urn.pub\"}"
expect "poll 1, field uuid" "$good"
polls "$good_polls,$good_polls"
expect "poll 2, field uuid" "$good"
polls "{\"uuid\":\"$A\",\"name\":\"x\",\"urn_key\":\"missing.pem\"}"
expect "poll 1, field urn_key" "$good"
# the voters' poll must be one of the registry's, in the file and in the
# database (the failed start above had imported the voters)
polls "{\"uuid\":\"$B\",\"name\":\"Scrutin b\",\"urn_key\":\"$F/urn-b.pub\"}"
expect "database's voters vote in a poll" "$good"
rm -f "$W"/registry.sqlite*
expect "voter 1, field polls" "$good"
polls "$good_polls"
printf '{"version":1,"voters":[]}' >"$W/empty.json"
expect "voter" "$(sed "s|^voters = .*|voters = $W/empty.json|" <<<"$good")"

# a good configuration: served, stopped, restarted without importing again
run_once() {
	rm -f "$W/ready.json"
	"$REG" --config "$W/c.conf" 2>"$W/log" &
	pid=$!
	for _ in $(seq 200); do [ -s "$W/ready.json" ] && break; sleep 0.05; done
	[ -s "$W/ready.json" ] || { cat "$W/log" >&2; exit 1; }
	kill -TERM "$pid"
	wait "$pid"
}
printf '%s\n' "$good" >"$W/c.conf"
run_once
grep -q "imported 3 voters" "$W/log"
run_once
grep -q "3 voters already imported" "$W/log"
echo "I: every mistake named; imported once"
