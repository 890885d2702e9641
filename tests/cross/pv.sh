#!/usr/bin/env bash
# isoloir-bureau operation attendance and operation pv: the bureau's
# attendance (R-BUR-02: four members present at least, else refused and
# nothing journaled) and the procès-verbal (R-BUR-06: numbered pages, the
# operation, the bureau, the journal's events, the results; R-BUR-07: the
# observations printed; R-KEY-04: the journal's ceremonies in it;
# R-D11-CHECK: results whose blank + expressed votes are not the
# émargements make no minutes). The operation is made as
# operation_init.sh makes it: three polls, ballots cast, counted, results.
# Usage: tests/cross/pv.sh ISOLOIR-BUREAU DATA-DIR WORK-DIR
set -euo pipefail
I=$1 D=$(cd "$2/operation" && pwd) W=$3
rm -rf "$W" && mkdir -p "$W" && cd "$W" && W=$(pwd)
fail() { echo "E: $*" >&2; exit 1; }
# pdftotext's text with its no-break spaces (U+00A0, U+202F) made spaces
text() { pdftotext -layout "$@" - | sed 's/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g'; }

# ---- the operation: made, voted, counted, its results ----
"$I" operation init --quiet --file "$D/description.json" --voters "$D/voters.csv" --dir op >/dev/null
"$I" operation credentials --quiet --file op/voters.csv --dir op 2>/dev/null
polls=$(sed -n 's/.*"uuid": "\([^"]*\)".*/\1/p' op/operation.json)
cst=$(sed -n 1p <<<"$polls") capb=$(sed -n 2p <<<"$polls") fs=$(sed -n 3p <<<"$polls")
B58='[1-9A-HJ-NP-Za-km-z]'
pw() { # identifier: the password on the page of the voter's number
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' "$W/op/letters-identifiers.csv")
	pdftotext -f "$n" -l "$n" "$W/op/letters-passwords.pdf" - | grep -oE "^$B58{3}(-$B58{3}){4}\$"
}
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
cast() { # uuid plaintext voter
	(
		cd "op/$1"
		pw "$3" >cred.txt
		echo "$2" >plain.txt
		"$I" ballot encrypt --quiet --privcred cred.txt --ballot plain.txt >ballot.json
		"$I" archive add-event --quiet --type=Ballot <ballot.json
		rm -f cred.txt plain.txt ballot.json
	)
}
cast "$cst" '[[1,0,0]]' francois.dubois
cast "$capb" '[[0,1]]' francois.dubois
cast "$cst" '[[0,1,0]]' ines.moreau
cast "$cst" '[[0,0,1]]' jerome.lefevre
cast "$cst" '[[0,1,0]]' chloe.nguyen
cast "$capb" '[[1,0]]' jerome.lefevre
for u in $polls; do
	"$I" archive add-event --quiet --dir "op/$u" --type=EndBallots </dev/null
	echo "1 single $(ls "op/$u"/*.privkey)" >"keys-$u.txt"
	"$I" election tally --quiet --dir "op/$u" --trustee-keys "keys-$u.txt" >/dev/null
done
printf '{"phase":"finished","polls":[{"poll":"%s","voters":4,"pending":0,"voted":4},{"poll":"%s","voters":2,"pending":0,"voted":2},{"poll":"%s","voters":2,"pending":0,"voted":0}]}\n' \
	"$cst" "$capb" "$fs" >counts.json
"$I" operation results --quiet --dir op --file counts.json >/dev/null
echo "I: an operation made, voted, counted, its results"

# ---- attendance (R-BUR-02) ----
attend() { # file-content [lang] → the exit status; stderr in err.txt
	echo "$1" >present.json
	set +e
	env ${2:+LANGUAGE=$2} "$I" operation attendance --quiet --dir op --file present.json 2>err.txt
	local rc=$?
	set -e
	return $rc
}
attend '{"meeting": "ouverture du scrutin", "present": [5, 1, 2, 4]}' || fail "attendance refused: $(cat err.txt)"
cp op/journal.jsonl journal.before
refused() { # expected-text file-content [lang]
	local rc=0
	attend "$2" "${3:-}" || rc=$?
	[ "$rc" = 1 ] || fail "exit $rc, not 1, for $2: $(cat err.txt)"
	grep -qF -- "$1" err.txt || fail "expected '$1' for $2, got: $(cat err.txt)"
	cmp -s op/journal.jsonl journal.before || fail "the journal changed for $2"
}
refused "3 membre(s) présent(s) ; le bureau ne délibère qu’en présence d’au moins quatre de ses membres (quorum, R-BUR-02)" \
	'{"meeting": "délibération sur l’incident", "present": [1, 3, 4]}'
refused "3 member(s) present; the bureau deliberates only with at least four of its members present (quorum, R-BUR-02)" \
	'{"meeting": "délibération sur l’incident", "present": [1, 3, 4]}' en
refused "champ present, élément 3 : aucun membre du bureau n’a ce numéro (les membres sont numérotés de 1 à 5" \
	'{"meeting": "x", "present": [1, 2, 7, 4]}'
refused "champ present, élément 1 : aucun membre" '{"meeting": "x", "present": [0, 1, 2, 3]}'
refused "field present, item 2: no member of the bureau has this number" '{"meeting": "x", "present": [1, "2", 3, 4]}' en
refused "champ present : le membre 2 est donné deux fois" '{"meeting": "x", "present": [1, 2, 3, 2]}'
refused "champ meeting : vide" '{"meeting": "", "present": [1, 2, 3, 4]}'
refused "champ meeting : vide" '{"meeting": "  ", "present": [1, 2, 3, 4]}'
refused "field meeting: empty" '{"meeting": "", "present": [1, 2, 3, 4]}' en
refused "un objet JSON {meeting, present} est attendu" '{"meeting": "x", "present": [1, 2, 3, 4], "note": "y"}'
refused "un objet JSON {meeting, present} est attendu" '[1, 2, 3, 4]'
tail -1 op/journal.jsonl | grep -q '"event":"attendance","meeting":"ouverture du scrutin","present":\[1,2,4,5\]' ||
	fail "the attendance journaled: $(tail -1 op/journal.jsonl)"
echo "I: attendance: four members journaled in the bureau's order; three, unknown, twice, no meeting refused, nothing journaled"

cat >obs.json <<'OBS'
{"author":"Karim Haddad","quality":"delegue","poll":"CST","text":"Le poste n° 3 a affiché un écran noir pendant deux minutes ; le vote a repris."}
OBS
"$I" operation observe --quiet --dir op --file obs.json
attend '{"meeting": "clôture et dépouillement", "present": [1, 3, 4, 5]}' || fail "attendance refused: $(cat err.txt)"

# ---- results that do not add up: no minutes (R-D11-CHECK) ----
cp op/results.json results.good
chmod u+w op/results.json
sed -i '0,/"emargements": 4/s//"emargements": 5/' op/results.json
cmp -s op/results.json results.good && fail "results.json not altered"
if "$I" operation pv --quiet --dir op >/dev/null 2>err.txt; then fail "minutes made from results that do not add up"; fi
grep -qF "scrutin CST : 1 blancs + 3 exprimés = 4, mais 5 émargements et 4 bulletins" err.txt &&
	grep -q "R-D11-CHECK" err.txt && [ ! -e op/pv.pdf ] || fail "the refusal: $(cat err.txt)"
# figures that add up, but not the results journaled
cp results.good op/results.json
sed -i '0,/"voters": 4/s//"voters": 40/' op/results.json
if "$I" operation pv --quiet --dir op >/dev/null 2>err.txt; then fail "minutes made from results not journaled"; fi
grep -q "résultats consignés au journal" err.txt && [ ! -e op/pv.pdf ] || fail "the refusal: $(cat err.txt)"
cp results.good op/results.json
echo "I: results whose blank + expressed are not the émargements, or not those journaled: no minutes"

# ---- the minutes (R-BUR-06, R-BUR-07) ----
"$I" operation pv --quiet --dir op >pv.sha
[ "$(sha256sum op/pv.pdf | cut -d' ' -f1)" = "$(cat pv.sha)" ] || fail "the minutes' hash"
tail -1 op/journal.jsonl | grep -q "\"event\":\"pv\",\"sha256\":\"$(cat pv.sha)\",\"pages\":[0-9]" ||
	fail "the minutes are not journaled: $(tail -1 op/journal.jsonl)"
N=$(pdfinfo op/pv.pdf | awk '/^Pages:/ { print $2 }')
[ "$N" -ge 2 ] || fail "$N pages"
tail -1 op/journal.jsonl | grep -q "\"pages\":$N," || fail "pages journaled: $(tail -1 op/journal.jsonl), not $N"
pdftoppm -png -r 50 op/pv.pdf page
[ "$(ls page-*.png | wc -l)" = "$N" ] || fail "$(ls page-*.png | wc -l) pages rendered, not $N"
for k in $(seq 1 "$N"); do
	text -f "$k" -l "$k" op/pv.pdf | grep -q "page $k / $N\$" || fail "page $k lacks 'page $k / $N'"
done
text op/pv.pdf >pv.txt
tr '\n' ' ' <pv.txt | tr -s ' ' >pv.flat
has() { grep -qF -- "$1" pv.flat || fail "the minutes lack '$1'"; }
has "Procès-verbal des opérations électorales"
has "Élections professionnelles 2026 — Ville de Saint-Aubin"
has "Ouverture du vote : vendredi 4 décembre 2026 à 8 h 00"
has "Clôture du vote : vendredi 11 décembre 2026 à 17 h 00"
has "CAP-B — Commission administrative paritaire, catégorie B"
has "Sièges à pourvoir : 5, répartis à la plus forte moyenne"
has "Martine Lebrun — président(e)"
has "Paul Girard — secrétaire, voix consultative"
has "Anne Colin — délégué(e) de la liste CST/AE"
has "Réunion « ouverture du scrutin »"
has "Présents (4) : Martine Lebrun (président(e)) ; Paul Girard (secrétaire, voix consultative) ;"
has "Absents : Sophie Marchand (assesseur)"
has "Quorum de quatre membres : atteint."
# the journal's entries as sentences, each with its number
has "Opération « Élections professionnelles 2026 — Ville de Saint-Aubin » créée : 3 scrutins, 5 électeurs inscrits"
has "Résultats arrêtés, chaque archive vérifiée de nouveau et son dépouillement refait — CST : 4 bulletins, 1 blanc, 3 exprimés"
has "Réunion du bureau « clôture et dépouillement » : 4 membres présents, quorum atteint"
# the results
has "Électeurs inscrits : 4"
has "Émargements : 4 (participation : 100,0 %)"
has "Bulletins dans l’urne : 4"
has "Contrôle : 1 blanc + 3 exprimés = 4 émargements (R-D11-CHECK)"
has "USA — Union syndicale de Saint-Aubin — 2 voix (66,7 %) — 4 sièges"
has "AE — Agir ensemble — 1 voix (33,3 %) — 1 siège"
# the observation, its text whole (R-BUR-07)
has "Observation n° 1"
has "De Karim Haddad, délégué de liste — scrutin CST"
grep -qF "« Le poste n° 3 a affiché un écran noir pendant deux minutes ; le vote a repris. »" pv.flat ||
	fail "the observation's text"
# the signatures: those present at the last meeting, and only they
sed -n '/6\. Signatures$/,$p' pv.txt >signatures.txt
for who in "Martine Lebrun — président(e)" "Sophie Marchand — assesseur" "Karim Haddad" "Anne Colin"; do
	grep -qF "$who" signatures.txt || fail "no signature line for $who"
done
! grep -q "Paul Girard" signatures.txt || fail "Paul Girard, absent, signs"
[ "$(grep -c "Signature : ____" signatures.txt)" = 4 ] || fail "not four signature lines"
echo "I: the minutes: $N numbered pages, the operation, the bureau and its attendance, the journal, the results, the observation, four signatures"

# made again: the first minutes in the journal, the file replaced; in English
LANGUAGE=en "$I" operation pv --quiet --dir op >pv2.sha
[ "$(sha256sum op/pv.pdf | cut -d' ' -f1)" = "$(cat pv2.sha)" ] || fail "the second minutes' hash"
text op/pv.pdf | tr '\n' ' ' | tr -s ' ' >pv-en.txt
for want in "Minutes of the electoral operations" "Voting opens: Friday 4 December 2026 at 8:00" \
	"Minutes made (" "SHA-256 $(cut -c1-16 pv.sha)" "Check: 1 blank + 3 expressed = 4 émargements (R-D11-CHECK)" \
	"Quorum of four members: met." "6. Signatures"; do
	grep -qF -- "$want" pv-en.txt || fail "the English minutes lack '$want'"
done
[ "$("$I" operation journal --quiet --dir op | tail -2 | awk '{ print $3 }' | tr '\n' ' ')" = "pv pv " ] ||
	fail "the two minutes are not journaled"

# a broken journal: no minutes, the line named
cp op/pv.pdf pv.before
line=$(grep -n '"event":"observation"' op/journal.jsonl | cut -d: -f1)
sed -i "${line}s/deux minutes/trois minutes/" op/journal.jsonl
if "$I" operation pv --quiet --dir op >/dev/null 2>err.txt; then fail "minutes made from a broken journal"; fi
grep -q "la chaîne du journal est rompue à la ligne $line " err.txt && cmp -s pv.before op/pv.pdf ||
	fail "the broken journal: $(cat err.txt)"
echo "I: minutes made again (in English), the first journaled in the second; a broken journal refused at its line"
