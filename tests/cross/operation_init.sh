#!/usr/bin/env bash
# isoloir-bureau operation init (R-BUR-01): an operation of three polls
# (colleges, lists, professions de foi, a bureau of five) from its
# description and its voters by codes; then the credential authority on
# its voters.csv (the password letters a PDF, checked page by page), and
# each poll's election made from its template, a blank
# and a list ballot cast, belenios-tool verifying the archive. Every bad
# description or voters file is refused with the place and the reason, in
# French and English, and leaves nothing: no operation folder, no
# temporary one.
# Usage: tests/cross/operation_init.sh ISOLOIR-BUREAU DATA-DIR WORK-DIR
set -euo pipefail
I=$1 D=$(cd "$2/operation" && pwd) W=$3
rm -rf "$W" && mkdir -p "$W" && cd "$W" && W=$(pwd)
B=belenios-tool
fail() { echo "E: $*" >&2; exit 1; }

# ---- the operation, made ----
"$I" operation init --quiet --file "$D/description.json" --voters "$D/voters.csv" --dir op >/dev/null
[ "$(stat -c %a op)" = 700 ] && [ "$(stat -c %a op/voters.csv)" = 600 ] ||
	fail "the operation's folder or voters.csv is readable by others"
polls=$(sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p' op/operation.json)
[ "$(wc -w <<<"$polls")" = 3 ] || fail "three polls expected: $polls"
# the voters by codes: Inès (CAT-A) votes in the CST only, François
# (CAT-B and FS) in all three
cst=$(sed -n 1p <<<"$polls") capb=$(sed -n 2p <<<"$polls")
tr -d '\r' <op/voters.csv >voters.lf
grep -q "^ines.moreau;Inès Moreau;14/07/1985;$cst\$" voters.lf || fail "ines: $(grep ines voters.lf)"
grep -q "^francois.dubois;.*;$cst,$capb,[A-Za-z0-9]*\$" voters.lf ||
	fail "francois: $(grep francois voters.lf)"
rm voters.lf
grep -q '"profession_de_foi": "Chères collègues' op/operation.json || fail "no profession de foi text"
grep -q '"list": "CST/AE"' op/operation.json || fail "no délégué's list"

# the credential authority on it, then each poll's election from its template
"$I" operation credentials --quiet --file op/voters.csv --dir op 2>/dev/null
# the password letters: a PDF, one page per voter, the letter's number
# joining it to the identifiers' letter (R-AUTH-02)
L=op/letters-passwords.pdf
[ -f "$L" ] && [ ! -e op/letters-passwords.csv ] && [ "$(stat -c %a "$L")" = 600 ] ||
	fail "no password letters as a PDF readable by the owner only"
[ "$(pdfinfo "$L" | awk '/^Pages:/ { print $2 }')" = 5 ] || fail "not one page per voter"
B58='[1-9A-HJ-NP-Za-km-z]'
pw() { # identifier: the password on the page of the voter's number
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' "$W/op/letters-identifiers.csv")
	pdftotext -f "$n" -l "$n" "$W/$L" - | grep -oE "^$B58{3}(-$B58{3}){4}\$"
}
for i in 1 2 3 4 5; do
	page=$(pdftotext -layout -f $i -l $i "$L" -)
	name=$(awk -F';' -v n=$i '$1 == n { print $3 }' op/letters-identifiers.csv | tr -d '\r')
	for want in "$name" "Courrier n° $i" "page $i / 5" "Votre mot de passe pour voter" \
		"Espace électoral, hôtel" "vendredi 4 décembre 2026 à 8 h 00" "01 84 60 12 34" \
		"https://urnes.saint-aubin.example/tableau"; do
		grep -qF "$want" <<<"$page" || fail "letter $i lacks '$want'"
	done
	[ "$(grep -cE "$B58{3}(-$B58{3}){4}" <<<"$page")" = 1 ] || fail "letter $i: not one password"
	! grep -qF "$(awk -F';' -v n=$i '$1 == n { print $2 }' op/letters-identifiers.csv)" <<<"$page" ||
		fail "letter $i holds the identifier"
done
pdftoppm -r 40 -f 1 -l 1 -png "$L" letter && [ -s letter-1.png ] || fail "the letters do not render"
echo "I: the password letters: one page per voter, the notice, no identifier"
for u in $polls; do
	(
		cd "op/$u"
		"$I" setup generate-trustee-key --quiet >/dev/null
		cat ./*.pubkey >public_keys.jsons
		"$I" setup make-trustees --quiet
		"$I" setup make-election --quiet --uuid "$u" --template template.json
		"$I" archive init --quiet
	)
done
# François votes blank in the CST, for the first list in the CAP
cast() { # uuid plaintext [voter]
	(
		cd "op/$1"
		pw "${3:-francois.dubois}" >cred.txt
		echo "$2" >plain.txt
		"$I" ballot encrypt --quiet --privcred cred.txt --ballot plain.txt >ballot.json
		"$I" archive add-event --quiet --type=Ballot <ballot.json
		rm -f cred.txt plain.txt
		mkdir -p bt && cp "$1.bel" bt/
		$B election verify --dir bt >verify.log 2>&1 && grep -q "all checks passed" verify.log ||
			fail "belenios-tool refuses poll $1: $(cat verify.log)"
	)
}
cast "$cst" '[[1,0,0]]'
cast "$capb" '[[0,1]]'
cast "$cst" '[[0,1,0]]' ines.moreau
cast "$cst" '[[0,0,1]]' jerome.lefevre
cast "$cst" '[[0,1,0]]' chloe.nguyen
cast "$capb" '[[1,0]]' jerome.lefevre
echo "I: an operation made, its elections accepted by belenios-tool"


# ---- the operation's journal (R-BUR-06, R-BUR-07) ----
[ "$("$I" operation journal --quiet --dir op | awk '{ print $3 }')" = operation-init ] ||
	fail "the journal does not begin with the operation made"
cat >obs.json <<'OBS'
{"author":"Karim Haddad","quality":"delegue","poll":"CST","text":"Le poste n° 3 a affiché un écran noir pendant deux minutes ; le vote a repris."}
OBS
"$I" operation observe --quiet --dir op --file obs.json
for bad in '{"author":"X","quality":"maire","text":"t"}' '{"author":"X","quality":"electeur","poll":"ZZ","text":"t"}' \
	'{"author":"X","quality":"electeur"}' '{"quality":"electeur","text":"t"}'; do
	echo "$bad" >bad-obs.json
	if "$I" operation observe --quiet --dir op --file bad-obs.json 2>/dev/null; then fail "observation accepted: $bad"; fi
done
[ "$("$I" operation journal --quiet --dir op | wc -l)" = 2 ] || fail "not two entries"
# a crash in the middle of an append leaves a torn line: not an entry, cut
# off by the next append
printf '{"seq":3,"time":"2026' >>op/journal.jsonl
[ "$("$I" operation journal --quiet --dir op | wc -l)" = 2 ] || fail "the torn line counted"
"$I" operation observe --quiet --dir op --file obs.json
[ "$("$I" operation journal --quiet --dir op | tail -1 | cut -d' ' -f1)" = 3 ] || fail "no third entry"
# a changed word shows
cp op/journal.jsonl journal.bak
sed -i '2s/deux minutes/trois minutes/' op/journal.jsonl
if "$I" operation journal --quiet --dir op >/dev/null 2>&1; then fail "a changed journal passes"; fi
if "$I" operation observe --quiet --dir op --file obs.json 2>/dev/null; then fail "appended to a broken journal"; fi
cp journal.bak op/journal.jsonl
echo "I: the journal: the operation made, observations, a torn line cut off, a change shown"

# ---- the count and the results (R-TAL-01, R-TAL-02, R-D11-CHECK) ----
fs=$(sed -n 3p <<<"$polls")
for u in $polls; do
	"$I" archive add-event --quiet --dir "op/$u" --type=EndBallots </dev/null
	echo "1 single $(ls "op/$u"/*.privkey)" >"keys-$u.txt"
	"$I" election tally --quiet --dir "op/$u" --trustee-keys "keys-$u.txt" >/dev/null
done
counts() { # CST CAP-B FS émargements
	printf '{"phase":"finished","polls":[{"poll":"%s","voters":4,"pending":0,"voted":%s},{"poll":"%s","voters":2,"pending":0,"voted":%s},{"poll":"%s","voters":2,"pending":0,"voted":%s}]}\n' \
		"$cst" "$1" "$capb" "$2" "$fs" "$3"
}
counts 4 2 0 >counts.json
"$I" operation results --quiet --dir op --file counts.json >results.txt
grep -q "inscrits : 4 · émargements : 4 (participation 100,0 %) · bulletins : 4 · blancs : 1 · exprimés : 3" results.txt ||
	fail "CST's figures: $(cat results.txt)"
# 5 seats à la plus forte moyenne for 2 and 1 votes: 3 and 1 by quotient,
# the last tied in average, to the most votes
tr -d ' \n' <op/results.json | grep -q '"acronym":"USA","name":"UnionsyndicaledeSaint-Aubin","votes":2,"seats":4' ||
	fail "CST's seats: $(cat op/results.json)"
tr -d ' \n' <op/results.json | grep -q '"acronym":"AE","name":"Agirensemble","votes":1,"seats":1' ||
	fail "CST's seats: $(cat op/results.json)"
tr -d ' \n' <op/results.json | grep -q '"code":"CAP-B".*"blank":1,"expressed":1.*"votes":1,"seats":2' ||
	fail "CAP-B: $(cat op/results.json)"
[ "$("$I" operation journal --quiet --dir op | tail -1 | awk '{ print $3 }')" = results ] ||
	fail "no results in the journal"
# the émargements disagree with the urn: no results, said why
counts 5 2 0 >counts-bad.json
rm op/results.json
if "$I" operation results --quiet --dir op --file counts-bad.json >out.txt 2>err.txt; then fail "5 émargements for 4 ballots accepted"; fi
grep -q "R-D11-CHECK" err.txt && [ ! -e op/results.json ] || fail "the refusal: $(cat err.txt)"
echo "I: counted, results and seats per list, émargements checked against the urns"

# ---- the archive bundle, its independent verification, appeals ----
"$I" operation results --quiet --dir op --file counts.json >/dev/null
"$I" operation archive --quiet --dir op >bundle.sha
[ "$(sha256sum op/archive.tar | cut -d' ' -f1)" = "$(cat bundle.sha)" ] || fail "the bundle's hash"
tar tf op/archive.tar >members.txt
[ "$(head -1 members.txt)" = manifest.json ] || fail "the manifest is not first"
for secret in voters.csv letters registry-voters .privkey .key .dkey; do
	! grep -q "$secret" members.txt || fail "the bundle holds $secret"
done
"$I" operation verify-bundle --quiet --file op/archive.tar >/dev/null || fail "the bundle does not verify"
# a byte changed in a member: found
cp op/archive.tar altered.tar && chmod u+w altered.tar
off=$(grep -abo '"expressed": 3' altered.tar | head -1 | cut -d: -f1)
printf '4' | dd of=altered.tar bs=1 seek=$((off + 14)) conv=notrunc status=none
if "$I" operation verify-bundle --quiet --file altered.tar 2>err.txt; then fail "an altered bundle verifies"; fi
grep -q "altérée" err.txt || fail "the alteration: $(cat err.txt)"
# kept two years; an appeal open keeps it whatever the date
echo '{"text":"Recours de la liste AE devant le tribunal judiciaire, 12 décembre 2026."}' >appeal.json
"$I" operation appeal --quiet --dir op --file appeal.json
if "$I" operation destroy --quiet --dir op 2>err.txt; then fail "destroyed during an appeal"; fi
grep -q "recours est en cours" err.txt || fail "the appeal: $(cat err.txt)"
echo '{"text":"Jugement rendu, recours rejeté.","closed":true}' >appeal.json
"$I" operation appeal --quiet --dir op --file appeal.json
if "$I" operation destroy --quiet --dir op 2>err.txt; then fail "destroyed before its date"; fi
grep -q "conservée jusqu’au $(date -u -d '+2 years' +%Y)" err.txt || fail "the date: $(cat err.txt)"
[ -f op/archive.tar ] && ls op/*/*.privkey >/dev/null || fail "something was destroyed"
# two years and two days later (faketime): destroyed, with its certificate
later=$(date -u -d '+2 years +2 days' '+%Y-%m-%d %H:%M:%S')
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 faketime "$later" \
	"$I" operation destroy --quiet --dir op
[ ! -e op/archive.tar ] && ! ls op/*/*.privkey op/letters-* op/voters.csv 2>/dev/null ||
	fail "something survived the destruction"
grep -q "\"archive_sha256\": \"$(cat bundle.sha)\"" op/destruction.json || fail "the certificate: $(cat op/destruction.json)"
[ "$("$I" operation journal --quiet --dir op | tail -1 | awk '{ print $3 }')" = destruction ] ||
	fail "the destruction is not journaled"
echo "I: the bundle: manifest first, no secret, verified alone, an alteration found; kept during an appeal and until its date, then destroyed with a certificate"

# ---- refusals: the place and the reason, nothing written ----
refused() { # expected-text description voters [lang]
	local out
	set +e
	out=$(env ${4:+LANGUAGE=$4} "$I" operation init --file "$2" --voters "$3" --dir bad 2>&1)
	local rc=$?
	set -e
	[ "$rc" = 1 ] || fail "exit $rc, not 1, for '$1': $out"
	grep -qF -- "$1" <<<"$out" || fail "expected '$1', got: $out"
	[ ! -e bad ] && ! ls -d bad.tmp-* >/dev/null 2>&1 || fail "something was left for '$1'"
}
desc() { # sed-expression: a copy of the description, changed
	mkdir -p "d$n/professions"
	cp "$D"/professions/*.txt "d$n/professions/"
	sed "$1" "$D/description.json" >"d$n/description.json"
	[ "$(cat "d$n/description.json")" != "$(cat "$D/description.json")" ] || fail "the change $1 changed nothing"
	echo "d$n/description.json"
}
n=0
check() { # expected sed-expression [lang]
	n=$((n + 1))
	refused "$1" "$(desc "$2")" "$D/voters.csv" "${3:-}"
}
check "scrutin 2, champ code, donné deux fois" '0,/"code": "CAP-B"/s//"code": "CST"/'
check "scrutin 1, champ code, donné deux fois" '0,/"code": "CST"/s//"code": "CAT-A"/'
check "poll 1, field code, given twice" '0,/"code": "CST"/s//"code": "CAT-A"/' en
check "champ code, un code s’écrit en lettres" '0,/"code": "CST"/s//"code": "C S T"/'
check "scrutin 2, champ colleges, ne désigne aucun collège" 's/"colleges": \["CAT-B"\]/"colleges": ["CAT-Z"]/'
check "champ closing, la clôture n’est pas après l’ouverture" 's/2026-12-11T17:00:00+01:00/2026-12-04T07:00:00+01:00/'
check "champ opening, absent, vide" 's/2026-12-04T08:00:00+01:00/4 décembre/'
check "scrutin 1, liste 2, champ acronym, donné deux fois" '0,/"acronym": "AE"/s//"acronym": "USA"/'
check "scrutin 2, champ method, absent, vide, trop long ou hors des bornes" 's/"method": "plus-fort-reste"/"method": "proportionnelle"/'
check "scrutin 1, champ seats, absent" 's/"seats": 5/"seats": 0/'
check "scrutin 1, liste 1, champ profession_de_foi, un chemin relatif" 's|"professions/cst-usa.txt"|"../cst-usa.txt"|'
check "scrutin 2, liste 1, champ profession_de_foi, le fichier ne peut pas être lu" 's|professions/cap-usa.txt|professions/absente.txt|'
check "champ bureau, le bureau a exactement un président" 's/"role": "secretaire"/"role": "president"/'
check "membre du bureau 5, champ list, ne désigne aucun collège, ou aucune liste" 's|"list": "CST/AE"|"list": "CST/XX"|'
check "membre du bureau 3, champ list, une liste (SCRUTIN/SIGLE) pour chaque délégué" 's/"role": "assesseur"}/"role": "assesseur", "list": "CST\/AE"}/'
check "une clé manque ou n’est pas attendue" 's/"space":/"espace":/'
check "ligne 3, colonne" '3s/$/,/'
# four members at least (R-BUR-02)
n=$((n + 1))
sed '/"Paul Girard"/d; /"Sophie Marchand"/d' "$D/description.json" >"d$n.json"
mkdir -p professions && cp "$D"/professions/*.txt professions/
refused "le bureau compte au moins quatre membres" "d$n.json" "$D/voters.csv"
# a profession de foi that is not UTF-8 text
n=$((n + 1))
mkdir -p "d$n/professions" && cp "$D"/professions/*.txt "d$n/professions/" && cp "$D/description.json" "d$n/"
printf 'Caf\xe9 \xe0 volont\xe9\n' >"d$n/professions/cap-usa.txt"
refused "scrutin 2, liste 1, champ profession_de_foi, le fichier n’est pas du texte UTF-8" "d$n/description.json" "$D/voters.csv"
# the voters
voters() { # expected sed-expression
	n=$((n + 1))
	sed "$2" "$D/voters.csv" >"v$n.csv"
	refused "$1" "$D/description.json" "v$n.csv"
}
voters "ligne 3, champ scrutins : aucun scrutin ni collège de l’opération n’a ce code" 's/;CAT-B\r$/;CAT-D\r/'
voters "ligne 2, champ scrutins : code de scrutin ou de collège invalide" 's/;CAT-A\r$/;CAT A\r/'
voters "identifiant déjà donné ligne" 's/^chloe.nguyen;/ines.moreau;/'
voters "aucun électeur pour le scrutin FS" '/FS\r$/d; s/,FS//'
# an operation folder that exists is never written into
mkdir bad
set +e
out=$("$I" operation init --file "$D/description.json" --voters "$D/voters.csv" --dir bad 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "existe déjà" <<<"$out" && [ -z "$(ls bad)" ] || fail "an existing folder: $rc $out"
echo "I: $n bad descriptions and voters files refused, each with its place and reason, nothing written"
