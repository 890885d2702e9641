#!/usr/bin/env bash
# A whole threshold election made only with isoloir-bureau: the election of
# ./run demo (3 Pedersen trustees, threshold 2, plus a Single server key; the
# reference questions; 8 voters), which ends with belenios-tool election
# verify on its archive. Here we also require the published result to be the
# one the demo's votes give. Usage: election_ours.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
here=$(cd "$(dirname "$0")" && pwd)
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w"
"$here/../demo.sh" "$I" "$w" >"$w.log" 2>&1 || { cat "$w.log"; exit 1; }
grep -q "all checks passed" "$w.log" || { cat "$w.log"; exit 1; }
cd "$w"
expected='[[1,4,2,0,0,0,0,0,0,0,1],[5,2,1]]'
ours=$(tar -xOf ./*.bel 2>/dev/null | grep -o '"result":\[\[[0-9,]*\],\[[0-9,]*\]\]' | tail -1 | sed 's/"result"://')
[ "$ours" = "$expected" ] || { echo "result $ours, expected $expected"; exit 1; }
echo "OK: isoloir-bureau election verified by belenios-tool, result $ours"
