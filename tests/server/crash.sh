#!/usr/bin/env bash
# Crash safety of the urn: 16 kiosks submit at once while the urn is killed
# with SIGKILL at random moments and restarted. Afterwards every receipt a
# kiosk ever got matches a stored ballot, nothing is stored twice, every
# ballot is stored, the journal's chain holds, and the published archive
# passes belenios-tool (R-D11-APPEND; "no partial write survives a crash";
# "a receipt is given only for a ballot that is durably stored").
# Usage: tests/server/crash.sh ISOLOIR-BUREAU ISOLOIR-URN ISOLOIR-URN-LOAD WORK [KILLS] [VOTERS]
set -euo pipefail
BUREAU=$1 URN=$2 LOAD=$3 W=$4
KILLS=${5:-8}
VOTERS=${6:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W" && mkdir -p "$W"
F=$W/fixture
"$HERE/fixture.sh" "$BUREAU" "$F" "$VOTERS" >/dev/null
U=$(cat "$F/poll-a/uuid")
"$LOAD" prepare "$F/poll-a/election.json" "$F/poll-a/private_creds.txt" "$VOTERS" "$W/ballots.txt"

# fixed ports, so that the kiosks find the urn again after each restart
free_port() { # a port the kernel just gave out and released
	local p
	for p in $(shuf -i 20000-60000 -n 50); do
		(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
	done
	return 1
}
PK=$(free_port) PB=$(free_port) PP=$(free_port)
cat >"$W/urn.conf" <<CONF
setup_archive = $F/poll-a/$U.bel
database = $W/urn.sqlite
publish_dir = $W/public
receipt_key = $F/urn.key
ticket_key = $F/registry.pub
opening = $(($(date +%s) - 60))
tls_cert = $F/server.pem
tls_key = $F/server.key
kiosk_listen = 127.0.0.1:$PK
kiosk_ca = $F/kiosk-ca.pem
bureau_listen = 127.0.0.1:$PB
bureau_ca = $F/bureau-ca.pem
public_listen = 127.0.0.1:$PP
ready_file = $W/ready.json
CONF
mkdir -p "$W/public"

urn_pid=
start_urn() {
	rm -f "$W/ready.json"
	"$URN" --config "$W/urn.conf" 2>>"$W/urn.log" &
	urn_pid=$!
	for _ in $(seq 200); do [ -s "$W/ready.json" ] && return 0; sleep 0.05; done
	echo "E: the urn did not start" >&2; cat "$W/urn.log" >&2; return 1
}
cleanup() { [ -n "$urn_pid" ] && kill -9 "$urn_pid" 2>/dev/null || true; }
trap cleanup EXIT

start_urn
"$LOAD" submit --fixture "$F" --poll "$U" --port "$PK" --ballots "$W/ballots.txt" \
	--clients 16 --rate 50 --receipts "$W/receipts.txt" --timeout 300 >"$W/load.json" 2>"$W/load.err" &
load_pid=$!
kills=0
while kill -0 "$load_pid" 2>/dev/null && [ "$kills" -lt "$KILLS" ]; do
	sleep "0.$(shuf -i 15-90 -n 1)"
	kill -9 "$urn_pid" 2>/dev/null || true
	wait "$urn_pid" 2>/dev/null || true
	kills=$((kills + 1))
	echo "I: urn killed ($kills), $(wc -l <"$W/receipts.txt") receipts so far"
	start_urn
done
wait "$load_pid" || { echo "E: the kiosks did not all finish" >&2; cat "$W/load.json" "$W/load.err" >&2; exit 1; }
echo "I: kiosks: $(cat "$W/load.json")"
[ "$kills" -ge 3 ] || { echo "E: only $kills kills happened (the run was too short)" >&2; exit 1; }

curl_b() { curl -s --fail --tlsv1.3 --noproxy '*' --cacert "$F/server-ca.pem" \
	--cert "$F/bureau.pem" --key "$F/bureau.key" "$@"; }
# the journal's chain holds
curl_b "https://127.0.0.1:$PB/journal" >"$W/journal.json"
# the bureau ends the vote: frozen, sealed, published
curl_b -X POST --data '' "https://127.0.0.1:$PB/stop" >/dev/null
curl -s --fail --tlsv1.3 --noproxy '*' --cacert "$F/server-ca.pem" \
	"https://127.0.0.1:$PP/trackers" | grep -o '"[A-Za-z0-9+/]\{43\}"' | tr -d '"' | sort >"$W/stored.txt"
cut -d' ' -f1 "$W/receipts.txt" | sort >"$W/receipted.txt"

nstored=$(wc -l <"$W/stored.txt")
nreceipts=$(wc -l <"$W/receipted.txt")
echo "I: $nstored ballots stored, $nreceipts receipts, $kills kills"
[ "$(sort -u "$W/stored.txt" | wc -l)" -eq "$nstored" ] || { echo "E: a tracker is stored twice" >&2; exit 1; }
[ "$(sort -u "$W/receipted.txt" | wc -l)" -eq "$nreceipts" ] || { echo "E: a ballot was receipted twice" >&2; exit 1; }
missing=$(comm -23 "$W/receipted.txt" "$W/stored.txt" | wc -l)
[ "$missing" -eq 0 ] || { echo "E: $missing receipts without a stored ballot" >&2; exit 1; }
[ "$nstored" -eq "$VOTERS" ] || { echo "E: $nstored ballots stored for $VOTERS voters" >&2; exit 1; }
[ "$nreceipts" -eq "$VOTERS" ] || { echo "E: $nreceipts receipts for $VOTERS voters" >&2; exit 1; }
mkdir -p "$W/verify" && cp "$W/public/$U.bel" "$W/verify/"
belenios-tool election verify --dir "$W/verify" >"$W/belenios-verify.log" 2>&1 ||
	{ cat "$W/belenios-verify.log" >&2; exit 1; }
echo "I: every receipt matches a stored ballot, none twice; belenios-tool accepts the archive"
