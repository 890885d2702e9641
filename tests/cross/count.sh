#!/usr/bin/env bash
# isoloir-bureau election tally (R-TAL-01): the count in one pass. The
# demo's election (a Single key and 3 threshold holders, any 2 of them)
# is rebuilt from its ballots up to EndBallots; the count with the Single
# key and holders 2 and 4 gives the votes cast and belenios-tool verifies
# the archive. Too few holders, a key given for another holder, an
# archive already counted: each refused, the archive left byte for byte.
# Usage: tests/cross/count.sh ISOLOIR-BUREAU WORK-DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
I=$1 W=$2
rm -rf "$W" && mkdir -p "$W" && cd "$W"
fail() { echo "E: $*" >&2; exit 1; }
"$HERE/demo.sh" "$I" demo >/dev/null 2>&1 || fail "the demo failed"
fresh() { # a copy of the demo's election, its ballots in, ended
	rm -rf "$1" && mkdir "$1"
	cp demo/election.json demo/trustees.json demo/public_creds.json "$1/"
	(
		cd "$1"
		"$I" archive init --quiet
		for b in ../demo/ballot*.json; do "$I" archive add-event --quiet --type=Ballot <"$b"; done
		"$I" archive add-event --quiet --type=EndBallots </dev/null
	)
}
k1=$(ls demo/t1/*.key) k3=$(ls demo/t3/*.key)
d1=demo/$(basename "$k1" .key).dkey d3=demo/$(basename "$k3" .key).dkey
cat >keys.txt <<KEYS
# the holders present: the Single key, threshold holders 2 and 4
1 single $(ls demo/*.privkey)
2 threshold $k1 $d1
4 threshold $k3 $d3
KEYS
fresh count
result=$("$I" election tally --quiet --dir count --trustee-keys keys.txt)
[ "$result" = '{"result":[[1,4,2,0,0,0,0,0,0,0,1],[5,2,1]]}' ] || fail "the count says $result"
"$I" archive verify --quiet --dir count || fail "our verifier refuses the counted archive"
mkdir -p bt && cp count/*.bel bt/
belenios-tool election verify --dir bt >verify.log 2>&1 && grep -q "all checks passed" verify.log ||
	fail "belenios-tool refuses the counted archive: $(cat verify.log)"
echo "I: counted in one pass, verified by belenios-tool"

refused() { # expected dir keys-file
	local before out rc
	before=$(sha256sum "$2"/*.bel)
	set +e
	out=$("$I" election tally --dir "$2" --trustee-keys "$3" 2>&1)
	rc=$?
	set -e
	[ "$rc" = 1 ] && grep -qF -- "$1" <<<"$out" || fail "expected '$1' (exit 1), got $rc: $out"
	[ "$(sha256sum "$2"/*.bel)" = "$before" ] || fail "the archive changed after: $1"
}
fresh few
head -3 keys.txt >few.txt
refused "pas assez de déchiffrements partiels" few few.txt
grep -v '^4 ' keys.txt | sed "s|^2 threshold $k1 $d1|3 threshold $k1 $d1|" >wrong.txt
refused "détenteur 3" few wrong.txt
refused "déjà dépouillé" count keys.txt
echo "I: too few holders, a wrong key, a second count: refused, the archive unchanged"
