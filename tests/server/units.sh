#!/usr/bin/env bash
# The servers' systemd units: systemd-analyze accepts them (pointing at the
# binaries just built), and their sandboxing scores "OK" (exposure < 2.0).
# Usage: tests/server/units.sh BINDIR WORK
set -euo pipefail
BIN=$1 W=$2
SRC=$(cd "$(dirname "$0")/../../server/systemd" && pwd)
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; exit 77; }
rm -rf "$W" && mkdir -p "$W" && cd "$W"
for u in "$SRC"/*.service; do
	name=$(basename "$u")
	sed "s|/usr/bin/|$BIN/|" "$u" >"$name"
	systemd-analyze verify "./$name"
	level=$(systemd-analyze security --offline=true "./$name" 2>/dev/null |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	echo "I: $name: exposure $level"
	awk -v l="$level" 'BEGIN { exit !(l != "" && l < 2.0) }' || { echo "E: $name exposure $level" >&2; exit 1; }
done
