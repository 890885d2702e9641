#!/usr/bin/env bash
# A short libFuzzer run of one target, for CI: ISOLOIR_FUZZ_SECONDS (default
# 30) over a scratch copy of the committed corpus. Skipped (77) when no
# clang build is available. A crash input is kept in $ISOLOIR_FUZZ_DIR/crashes
# to be committed as a regression input under tests/fuzz/corpus/<target>.
set -euo pipefail
target=$1
corpus=$2
bin=${ISOLOIR_FUZZ_DIR:-}/fuzz_$target
[ -n "${ISOLOIR_FUZZ_DIR:-}" ] && [ -x "$bin" ] || { echo "no clang fuzz build: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$ISOLOIR_FUZZ_DIR/crashes"
cp -r "$corpus/." "$work/"
export ASAN_OPTIONS=detect_leaks=1
# libFuzzer's own exit status on a crash or a timeout is 77, ctest's "skipped":
# a finding must fail the test
"$bin" -max_total_time="${ISOLOIR_FUZZ_SECONDS:-30}" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
	-error_exitcode=1 -timeout_exitcode=1 \
	-artifact_prefix="$ISOLOIR_FUZZ_DIR/crashes/${target}-" -print_final_stats=1 "$work" 2>&1 | tail -15
