#!/usr/bin/env bash
# ./run demo, second part: an operation of two polls run for real on
# localhost. The bureau makes the credentials (one password per voter for
# all their polls), the keys and the elections; a voter registry and one
# urn per poll start with generated TLS identities (mutual TLS 1.3); voters
# vote as a kiosk would (isoloir-demo-voter speaks the kiosk's protocol);
# the bureau follows the counts and the émargement list, stops the vote,
# takes each urn's published archive, counts it and has belenios-tool
# verify it. tests/cross/demo_servers.sh runs it as a test.
# Usage: tests/demo-servers.sh BINDIR [workdir]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$1" && pwd)
I=$BIN/isoloir-bureau
w=${2:-$(mktemp -d /tmp/isoloir-demo-servers.XXXXXX)}
mkdir -p "$w" && w=$(cd "$w" && pwd) && cd "$w"
rm -rf ./*
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
q=--quiet
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s#$BIN/##g; s#$w/##g" >&2; "$@"; }
bureau() { curl -s --tlsv1.3 --noproxy '*' --cacert pki/server-ca.pem \
	--cert pki/bureau.pem --key pki/bureau.key "$@"; }
port() { sed "s/.*\"$2\":\([0-9]*\).*/\1/" "$1"; }

step "1. Identités TLS de l’opération : serveurs, postes de vote, bureau"
"$HERE/server/pki.sh" pki
echo "pki/ : autorité des serveurs, des postes (kiosk-042), du bureau (president) ; clés de signature du fichier des électeurs et des urnes"

step "2. Deux scrutins, six électeurs"
A=$(run "$I" setup generate-token)
B=$(run "$I" setup generate-token)
echo "scrutin A (comité social) : $A ; scrutin B (délégués) : $B"
cat >voters.csv <<CSV
identifiant;nom;reponse;scrutins
ines.moreau;Inès Moreau;14/07/1985;$A,$B
jerome.lefevre;Jérôme Lefèvre;02/03/1979;$A,$B
chloe.nguyen;Chloé Nguyen;21/11/1990;$A,$B
francois.dubois;François Dubois;05/05/1968;$A,$B
zoe.martin;Zoé Martin;30/01/2001;$A
yann.le-gall;Yann Le Gall;12/12/1972;$B
CSV
cat voters.csv

step "3. Autorité des justificatifs : mots de passe, justificatifs publics, fichier des électeurs"
run "$I" operation credentials --file voters.csv --dir op
echo "op/$A/public_creds.json, op/$B/public_creds.json : pour les urnes, sans identité"
echo "op/registry-voters.json : pour le fichier des électeurs, empreintes Argon2id seulement"
echo "op/letters-identifiers.csv, op/letters-passwords.csv : les courriers aux électeurs, identifiant et mot de passe par deux canaux différents"

step "4. Clés et élections des deux scrutins"
for p in A B; do
	u=${!p}
	(
		cd "op/$u"
		"$I" setup generate-trustee-key $q >/dev/null
		cat ./*.pubkey >public_keys.jsons
		"$I" setup make-trustees $q
		name=$([ "$p" = A ] && echo "Comité social" || echo "Délégués du personnel")
		cat >template.json <<TPL
{"description":"Démonstration : $name","name":"$name","questions":[{"answers":["Liste A","Liste B","Liste C"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"}]}
TPL
		"$I" setup make-election $q --uuid "$u" --template template.json
		"$I" archive init $q
	)
	echo "scrutin $p : élection et archive de mise en place op/$u/$u.bel"
done

step "5. Démarrage du fichier des électeurs et des deux urnes (localhost, TLS 1.3 mutuel)"
now=$(date +%s)
cat >registry-polls.json <<JSON
{"version":1,"polls":[{"uuid":"$A","name":"Comité social","urn_key":"pki/urn.pub"},{"uuid":"$B","name":"Délégués du personnel","urn_key":"pki/urn-b.pub"}]}
JSON
common="tls_cert = $w/pki/server.pem
tls_key = $w/pki/server.key
kiosk_listen = 127.0.0.1:0
kiosk_ca = $w/pki/kiosk-ca.pem
bureau_listen = 127.0.0.1:0
bureau_ca = $w/pki/bureau-ca.pem"
cat >registry.conf <<CONF
voters = $w/op/registry-voters.json
polls = $w/registry-polls.json
database = $w/registry/registry.sqlite
ticket_key = $w/pki/registry.key
opening = $((now - 60))
closing = $((now + 3600))
ready_file = $w/registry/ready.json
$common
CONF
mkdir -p registry
"$BIN/isoloir-registry" --config registry.conf 2>registry/log &
pids+=($!)
for p in A B; do
	u=${!p}
	key=$([ "$p" = A ] && echo urn || echo urn-b)
	mkdir -p "urn-$p/public"
	cat >"urn-$p/urn.conf" <<CONF
setup_archive = $w/op/$u/$u.bel
database = $w/urn-$p/urn.sqlite
publish_dir = $w/urn-$p/public
receipt_key = $w/pki/$key.key
ticket_key = $w/pki/registry.pub
closing = $((now + 3600))
public_listen = 127.0.0.1:0
ready_file = $w/urn-$p/ready.json
$common
CONF
	"$BIN/isoloir-urn" --config "urn-$p/urn.conf" 2>"urn-$p/log" &
	pids+=($!)
done
for f in registry/ready.json urn-A/ready.json urn-B/ready.json; do
	for _ in $(seq 200); do [ -s "$f" ] && break; sleep 0.05; done
	[ -s "$f" ] || { echo "E: $f never came" >&2; cat registry/log urn-*/log >&2; exit 1; }
done
RK=$(port registry/ready.json kiosk) RB=$(port registry/ready.json bureau)
AK=$(port urn-A/ready.json kiosk) AB=$(port urn-A/ready.json bureau) AP=$(port urn-A/ready.json public)
BK=$(port urn-B/ready.json kiosk) BB=$(port urn-B/ready.json bureau) BP=$(port urn-B/ready.json public)
cat registry/log urn-A/log urn-B/log

step "6. Le bureau ouvre les urnes (vides, scellées à l’ouverture)"
bureau -X POST --data '' "https://127.0.0.1:$AB/open"; echo
bureau -X POST --data '' "https://127.0.0.1:$BB/open"; echo

step "7. Le poste de vote : Inès Moreau vote à ses deux scrutins sur isoloir-kiosk"
"$HERE/server/kiosk-operation.sh" "$BIN/isoloir-kiosk" pki/server.pem "$RK" \
	"$A" "Comité social" "op/$A/election.json" "$AK" \
	"$B" "Délégués du personnel" "op/$B/election.json" "$BK" >operation.json
cat >kiosk.conf <<CONF
operation = $w/operation.json
client_cert = $w/pki/kiosk.pem
client_key = $w/pki/kiosk.key
journal = $w/kiosk-journal.jsonl
CONF
mkdir -p screens
pw() {
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' op/letters-identifiers.csv)
	awk -F';' -v n="$n" '$1 == n { print $3 }' op/letters-passwords.csv | tr -d '\r'
}
ines=$(pw ines.moreau)
# her identification, typed as a voter does
login_lines() {
	printf '%s\n' "tap start" "wait identify" "type ines.moreau" "tap password" "type $ines" \
		"tap answer" "type 14/07/1985"
}
# the voter's acts (the script holds her password: demo only, mode 0600)
umask 077
cat >ines.script <<SCRIPT
shot 01-accueil
$(login_lines)
shot 02-identification
tap log-in
wait polls
shot 03-scrutins
tap poll $A
wait choose
tap choice 1
shot 04-listes
tap review
wait review
shot 05-verification
tap confirm
wait validate
type $ines
shot 06-validation
tap validate
wait receipt
tracker
shot 07-recu
tap continue
wait polls
tap poll $B
wait choose
tap choice 2
tap review
wait review
tap confirm
wait validate
type $ines
tap validate
wait receipt
tracker
shot 08-recu
tap continue
wait end
shot 09-fin
tap continue
wait welcome
scan-memory $w/ines.pw
$(login_lines)
tap log-in
wait polls
advance 301
wait still-there
shot 10-toujours-la
advance 46
wait welcome
scan-memory $w/ines.pw
SCRIPT
printf '%s\n' "$ines" >ines.pw
umask 022
"$BIN/isoloir-kiosk" --config kiosk.conf --headless 1280x800 --script ines.script --shots screens |
	tee kiosk.out
rm -f ines.script ines.pw
echo "captures d’écran : $w/screens/"
# her session over, the kiosk's memory holds her password in no form
# and after a session left idle, wiped by the countdown
[ "$(grep -c '^memory-scan 0 0$' kiosk.out)" = 2 ] ||
	{ echo "E: the password is still in the kiosk's memory: $(grep memory-scan kiosk.out)" >&2; exit 1; }
grep -q '"event":"session-idle-wipe"' kiosk-journal.jsonl || { echo "E: no idle wipe journaled" >&2; exit 1; }
echo "mémoire du poste après la session, puis après une session abandonnée : aucune trace du mot de passe"
echo "-- le journal du poste (jamais un choix, un identifiant ni l’heure d’un bulletin) :"
cut -c1-120 kiosk-journal.jsonl
"$BIN/isoloir-kiosk" export-journal kiosk-journal.jsonl kiosk-042 >kiosk-journal-nist.json
echo "export NIST SP 1500-101 : $w/kiosk-journal-nist.json"

step "8. Les autres électeurs votent sur un poste (kiosk-042)"
answer() { awk -F';' -v id="$1" '$1 == id { print $3 }' voters.csv; }
vote() { # identifier (poll choices)...
	local id=$1; shift
	local args=()
	while [ $# -gt 0 ]; do
		local u=${!1} port
		port=$([ "$1" = A ] && echo "$AK" || echo "$BK")
		args+=("$u" "$port" "op/$u/election.json" "$2")
		shift 2
	done
	pw "$id" | "$BIN/isoloir-demo-voter" pki "$RK" "$id" "$(answer "$id")" "${args[@]}"
}
echo "-- une réponse fausse à la question : refusée, sans dire quel champ"
if pw ines.moreau | "$BIN/isoloir-demo-voter" pki "$RK" ines.moreau "01/01/1901" \
	"$A" "$AK" "op/$A/election.json" '[[0,1,0,0]]'; then echo "E: accepted" >&2; exit 1; fi
vote jerome.lefevre A '[[0,1,0,0]]' B '[[0,1,0,0]]'
vote chloe.nguyen A '[[0,0,0,1]]' B '[[0,0,1,0]]'
vote zoe.martin A '[[1,0,0,0]]'
vote yann.le-gall B '[[0,0,1,0]]'
echo "-- Inès revient : elle a déjà voté, c’est définitif"
if vote ines.moreau A '[[0,0,1,0]]'; then echo "E: voted twice" >&2; exit 1; fi
if [ -n "${DISPLAY:-}" ] && [ "${ISOLOIR_DEMO_WINDOW:-1}" = 1 ]; then
	echo "-- à vous : François Dubois n’a pas encore voté. Une fenêtre du poste s’ouvre."
	printf '   identifiant : francois.dubois   mot de passe : %s   réponse : 05/05/1968\n' \
		"$(pw francois.dubois)"
	echo "   (Ctrl+C dans ce terminal ferme le poste ; la démonstration continue)"
	"$BIN/isoloir-kiosk" --config kiosk.conf --windowed 1280x800 || true
	human=1
else
	echo "-- François Dubois ne vient pas voter (avec un écran, ./run demo vous le laisse faire)"
fi

step "9. Le bureau suit le scrutin : décomptes d’émargement (jamais de résultat partiel)"
bureau "https://127.0.0.1:$RB/counts"; echo
echo "-- liste d’émargement :"
bureau "https://127.0.0.1:$RB/emargement.csv"
echo "-- ce que voit le public : l’état, une empreinte présente ou non, aucun nombre"
curl -s --noproxy '*' --cacert pki/server-ca.pem "https://127.0.0.1:$AP/status"; echo

step "10. Le bureau arrête le vote : état figé, horodaté et scellé ; archives publiées"
bureau -X POST --data '' "https://127.0.0.1:$RB/stop" >/dev/null
bureau -X POST --data '' "https://127.0.0.1:$AB/stop"; echo
bureau -X POST --data '' "https://127.0.0.1:$BB/stop"; echo
bureau "https://127.0.0.1:$RB/seals" | head -c 300; echo " …"

step "11. Dépouillement de chaque scrutin et contre-vérification par belenios-tool"
for p in A B; do
	u=${!p}
	port=$([ "$p" = A ] && echo "$AP" || echo "$BP")
	mkdir -p "tally-$p"
	curl -s --fail --noproxy '*' --cacert pki/server-ca.pem -o "tally-$p/$u.bel" \
		"https://127.0.0.1:$port/archive.bel"
	(
		cd "tally-$p"
		# the urn's archive ends with EndBallots: the ballots are closed
		"$I" election compute-encrypted-tally $q | "$I" archive add-event $q --type=EncryptedTally
		"$I" election decrypt $q --privkey "../op/$u/"*.privkey --trustee-id 1 |
			"$I" archive add-event $q --type=PartialDecryption
		"$I" election compute-result $q | tee result.json | "$I" archive add-event $q --type=Result
		"$I" archive verify $q
		mkdir -p belenios && cp "$u.bel" belenios/
		belenios-tool election verify --dir belenios >/dev/null 2>&1
		printf 'scrutin %s : résultat (blanc, Liste A, B, C) %s\n' "$p" "$(cat result.json)"
		echo "scrutin $p : archive vérifiée par isoloir-bureau et par belenios-tool"
	)
done
# the receipts the kiosk showed name ballots on each urn's board
while read -r _ poll tracker; do
	port=$([ "$poll" = "$A" ] && echo "$AP" || echo "$BP")
	enc=$(printf '%s' "$tracker" | sed 's/+/%2B/g; s|/|%2F|g')
	curl -s --noproxy '*' --cacert pki/server-ca.pem "https://127.0.0.1:$port/board/$enc" |
		grep -q '"present":true' || { echo "E: $tracker not on the board" >&2; exit 1; }
done < <(grep '^receipt ' kiosk.out)
[ "$(grep -c '^receipt ' kiosk.out)" = 2 ] || { echo "E: the kiosk gave no two receipts" >&2; exit 1; }
# what the voters chose (blank, A, B, C): the demo doubles as a test
if [ -z "${human:-}" ]; then
	[ "$(cat tally-A/result.json)" = '{"result":[[1,2,0,1]]}' ]
	[ "$(cat tally-B/result.json)" = '{"result":[[0,1,3,0]]}' ]
fi
printf "\nTout est dans %s\n" "$w"
