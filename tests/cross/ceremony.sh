#!/usr/bin/env bash
# The threshold key ceremony with mixed tools: trustee 1 uses belenios-tool,
# trustees 2 and 3 use isoloir-bureau; the administrator's steps (2, 4, 6)
# are run by both tools, which must accept each other's outputs and produce
# the same bytes (vinputs, threshold.json, dkeys). Then a refusal: a share
# altered in a vinput is caught at step 5 by both tools.
# Usage: ceremony.sh ISOLOIR-BUREAU [workdir]
set -euo pipefail
I=$1
w=${2:-$(mktemp -d)}
rm -rf "$w" && mkdir -p "$w" && cd "$w"
BT="belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048"
IT="$I setup generate-trustee-key-threshold --quiet"
mkdir t1 t2 t3 adm-b adm-i
(cd t1 && $BT --step 1 2>/dev/null)
$IT --step 1 --dir t2
$IT --step 1 --dir t3
cat t1/*.cert t2/*.cert t3/*.cert >certs.jsons
$BT --step 2 --certs certs.jsons 2>/dev/null
$IT --step 2 --certs certs.jsons
key() { ls "t$1"/*.key; }
id() { basename "$(key "$1")" .key; }
{
	$BT --step 3 --certs certs.jsons --key "$(key 1)" --threshold 2 2>/dev/null
	$IT --step 3 --certs certs.jsons --key "$(key 2)" --threshold 2
	$IT --step 3 --certs certs.jsons --key "$(key 3)" --threshold 2
} >polynomials.jsons
(cd adm-b && $BT --step 4 --certs ../certs.jsons --polynomials ../polynomials.jsons 2>/dev/null)
$IT --step 4 --certs certs.jsons --polynomials polynomials.jsons --dir adm-i
for t in 1 2 3; do cmp "adm-b/$(id $t).vinput" "adm-i/$(id $t).vinput"; done
{
	$BT --step 5 --certs certs.jsons --key "$(key 1)" <"adm-i/$(id 1).vinput" 2>/dev/null
	$IT --step 5 --certs certs.jsons --key "$(key 2)" <"adm-b/$(id 2).vinput"
	$IT --step 5 --certs certs.jsons --key "$(key 3)" <"adm-b/$(id 3).vinput"
} >voutputs.jsons
(cd adm-b && $BT --step 6 --certs ../certs.jsons --polynomials ../polynomials.jsons <../voutputs.jsons >threshold.json 2>/dev/null)
$IT --step 6 --certs certs.jsons --polynomials polynomials.jsons --dir adm-i <voutputs.jsons >adm-i/threshold.json
cmp adm-b/threshold.json adm-i/threshold.json
for t in 1 2 3; do cmp "adm-b/$(id $t).dkey" "adm-i/$(id $t).dkey"; done
# a tampered share: trustee 2's vinput with trustee 1's share replaced by trustee 3's
sed 's/"secrets":\["\([^"\\]*\(\\.[^"\\]*\)*\)","\([^"\\]*\(\\.[^"\\]*\)*\)","\([^"\\]*\(\\.[^"\\]*\)*\)"\]/"secrets":["\5","\3","\1"]/' \
	"adm-i/$(id 2).vinput" >bad.vinput
cmp -s bad.vinput "adm-i/$(id 2).vinput" && { echo "tampering failed"; exit 1; }
if $IT --step 5 --certs certs.jsons --key "$(key 2)" <bad.vinput >/dev/null 2>ours.err; then
	echo "FAIL: isoloir-bureau accepted a swapped share"; exit 1
fi
grep -q "(bad-message-signature)\|(wrong-recipient)\|(channel-decrypt)" ours.err || { cat ours.err; exit 1; }
if $BT --step 5 --certs certs.jsons --key "$(key 2)" <bad.vinput >/dev/null 2>&1; then
	echo "FAIL: belenios-tool accepted a swapped share"; exit 1
fi
echo "OK: mixed ceremony, identical administrator outputs, swapped share refused ($(grep -o '([a-z-]*)' ours.err))"
