# shellcheck shell=bash
# Sourced: serve_polls, the servers of an operation on localhost for the
# demo and the tests — a registry and one urn per poll, mutual TLS 1.3 with
# the identities of tests/server/pki.sh (in W/pki), open for an hour. It
# writes W/registry-polls.json, W/registry/registry.conf and each urn's
# W/DIR/urn.conf, starts them (their logs beside), waits for their ready
# files and appends their pids to the caller's pids array.
#   serve_polls BINDIR W VOTERS.json UUID NAME DIR KEY [UUID NAME DIR KEY]...
# VOTERS.json is the registry's voter file; each poll's setup archive is
# W/op/UUID/UUID.bel; KEY names its urn's signing key in W/pki.
serve_polls() {
	local bin=$1 w=$2 voters=$3 now polls_json= common u name dir key f i
	shift 3
	now=$(date +%s)
	local args=("$@")
	for ((i = 0; i < ${#args[@]}; i += 4)); do
		u=${args[i]} name=${args[i + 1]} key=${args[i + 3]}
		polls_json="$polls_json${polls_json:+,}{\"uuid\":\"$u\",\"name\":\"$name\",\"urn_key\":\"$w/pki/$key.pub\"}"
	done
	echo "{\"version\":1,\"polls\":[$polls_json]}" >"$w/registry-polls.json"
	common="tls_cert = $w/pki/server.pem
tls_key = $w/pki/server.key
kiosk_listen = 127.0.0.1:0
kiosk_ca = $w/pki/kiosk-ca.pem
bureau_listen = 127.0.0.1:0
bureau_ca = $w/pki/bureau-ca.pem"
	mkdir -p "$w/registry"
	cat >"$w/registry/registry.conf" <<CONF
voters = $voters
polls = $w/registry-polls.json
database = $w/registry/registry.sqlite
ticket_key = $w/pki/registry.key
opening = $((now - 60))
closing = $((now + 3600))
ready_file = $w/registry/ready.json
$common
CONF
	"$bin/isoloir-registry" --config "$w/registry/registry.conf" 2>"$w/registry/log" &
	pids+=($!)
	for ((i = 0; i < ${#args[@]}; i += 4)); do
		u=${args[i]} dir=${args[i + 2]} key=${args[i + 3]}
		mkdir -p "$w/$dir/public"
		cat >"$w/$dir/urn.conf" <<CONF
setup_archive = $w/op/$u/$u.bel
database = $w/$dir/urn.sqlite
publish_dir = $w/$dir/public
receipt_key = $w/pki/$key.key
ticket_key = $w/pki/registry.pub
closing = $((now + 3600))
public_listen = 127.0.0.1:0
ready_file = $w/$dir/ready.json
$common
CONF
		"$bin/isoloir-urn" --config "$w/$dir/urn.conf" 2>"$w/$dir/log" &
		pids+=($!)
	done
	for f in "$w/registry" $(for ((i = 2; i < ${#args[@]}; i += 4)); do echo "$w/${args[i]}"; done); do
		for _ in $(seq 200); do [ -s "$f/ready.json" ] && break; sleep 0.05; done
		[ -s "$f/ready.json" ] || { echo "E: $f/ready.json never came" >&2; cat "$w"/registry/log "$w"/*/log >&2; return 1; }
	done
}
