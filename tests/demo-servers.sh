#!/usr/bin/env bash
# ./run demo, second part: an operation of three polls and thirty voters
# run for real on localhost. The bureau makes the credentials (one
# password per voter for all their polls; the table of the demo's voters
# is printed), the keys and the elections; a voter registry and one urn
# per poll start with generated TLS identities (mutual TLS 1.3). Inès
# votes in her three polls on isoloir-kiosk (headless: a script of her
# acts, a screenshot of every screen she meets, the kiosk's memory scanned
# for her password afterwards); the other voters vote as a kiosk would
# (isoloir-demo-voter speaks the kiosk's protocol); François votes in the
# kiosk's window: you, when there is a display, or (ISOLOIR_DEMO_ROBOT=1,
# the tests under Xvfb) a robot with real input events. The bureau follows
# the counts and the émargement list and stops the vote; each urn's
# published archive is counted and verified by isoloir-bureau and by
# belenios-tool; the receipts are found on the boards and each result must
# be the votes cast. ISOLOIR_DEMO_WINDOW=0: no window even with a display.
# Usage: tests/demo-servers.sh BINDIR [workdir]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=server/serve.sh
. "$HERE/server/serve.sh"
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

step "2. Trois scrutins, trente électeurs"
A=$(run "$I" setup generate-token)
B=$(run "$I" setup generate-token)
C=$(run "$I" setup generate-token)
declare -A NAME=([A]="Comité social d’administration" [B]="Commission administrative paritaire"
	[C]="Formation spécialisée santé et sécurité")
declare -A KEY=([A]=urn [B]=urn-b [C]=urn-c)
for p in A B C; do echo "scrutin $p (${NAME[$p]}) : ${!p}"; done
# identifier;name;challenge answer;polls (letters, made uuids below)
cat >voters.txt <<'TXT'
ines.moreau;Inès Moreau;14/07/1985;ABC
jerome.lefevre;Jérôme Lefèvre;02/03/1979;ABC
chloe.nguyen;Chloé Nguyen;21/11/1990;AB
francois.dubois;François Dubois;05/05/1968;ABC
zoe.martin;Zoé Martin;30/01/2001;A
yann.le-gall;Yann Le Gall;12/12/1972;BC
amelie.bernard;Amélie Bernard;08/09/1983;AB
benoit.petit;Benoît Petit;17/04/1975;ABC
celine.durand;Céline Durand;29/02/1988;AC
denis.leroy;Denis Leroy;11/06/1966;AB
elodie.roux;Élodie Roux;03/10/1992;A
fabrice.garnier;Fabrice Garnier;25/12/1970;AB
gaelle.faure;Gaëlle Faure;14/02/1986;ABC
herve.girard;Hervé Girard;19/08/1963;A
ingrid.bonnet;Ingrid Bonnet;07/07/1977;AB
joel.francois;Joël François;31/03/1969;AC
karima.benali;Karima Benali;22/05/1991;AB
loic.mercier;Loïc Mercier;09/11/1980;A
maelle.blanc;Maëlle Blanc;16/01/1995;ABC
noel.guerin;Noël Guérin;24/12/1961;AB
oceane.muller;Océane Muller;05/03/1998;A
pascal.henry;Pascal Henry;13/09/1974;AC
raphaelle.roussel;Raphaëlle Roussel;28/06/1987;AB
sebastien.nicolas;Sébastien Nicolas;02/02/1982;A
therese.perrin;Thérèse Perrin;18/10/1965;AB
ugo.morin;Ugo Morin;10/04/1999;A
valerie.mathieu;Valérie Mathieu;06/12/1973;ABC
william.clement;William Clément;27/07/1984;A
xavier.gauthier;Xavier Gauthier;15/05/1978;AB
yasmine.chevalier;Yasmine Chevalier;01/08/1993;AC
TXT
{
	echo "identifiant;nom;reponse;scrutins"
	awk -F';' -v a="$A" -v b="$B" -v c="$C" '{
		s = ""
		if (index($4, "A")) s = a
		if (index($4, "B")) s = s (s != "" ? "," : "") b
		if (index($4, "C")) s = s (s != "" ? "," : "") c
		print $1 ";" $2 ";" $3 ";" s }' voters.txt
} >voters.csv
echo "voters.csv : $(($(wc -l <voters.csv) - 1)) électeurs (identifiant ; nom ; réponse à la question personnelle ; scrutins)"

step "3. Autorité des justificatifs : mots de passe, justificatifs publics, fichier des électeurs"
run "$I" operation credentials --file voters.csv --dir op
for p in A B C; do echo "op/${!p}/public_creds.json : pour l’urne du scrutin $p, sans identité"; done
echo "op/registry-voters.json : pour le fichier des électeurs, empreintes Argon2id seulement"
echo "op/letters-identifiers.csv, op/letters-passwords.csv : les courriers aux électeurs, identifiant et mot de passe par deux canaux différents"
pw() {
	local n
	n=$(awk -F';' -v id="$1" '$2 == id { print $1 }' op/letters-identifiers.csv)
	awk -F';' -v n="$n" '$1 == n { print $3 }' op/letters-passwords.csv | tr -d '\r'
}
answer() { awk -F';' -v id="$1" '$1 == id { print $3 }' voters.txt; }
echo "-- les électeurs de la démonstration (demo-voters.txt) :"
{
	printf '%-20s %-21s %-12s %s\n' identifiant "mot de passe" réponse scrutins
	while IFS=';' read -r id _ ans polls; do
		printf '%-20s %-21s %-11s %s\n' "$id" "$(pw "$id")" "$ans" "$polls"
	done <voters.txt
} | tee demo-voters.txt

step "4. Clés et élections des trois scrutins"
for p in A B C; do
	u=${!p}
	(
		cd "op/$u"
		"$I" setup generate-trustee-key $q >/dev/null
		cat ./*.pubkey >public_keys.jsons
		"$I" setup make-trustees $q
		cat >template.json <<TPL
{"description":"Démonstration : ${NAME[$p]}","name":"${NAME[$p]}","questions":[{"answers":["Liste A","Liste B","Liste C"],"blank":true,"min":0,"max":1,"question":"Quelle liste ?"}]}
TPL
		"$I" setup make-election $q --uuid "$u" --template template.json
		"$I" archive init $q
	)
	echo "scrutin $p : élection et archive de mise en place op/$u/$u.bel"
done

step "5. Démarrage du fichier des électeurs et des trois urnes (localhost, TLS 1.3 mutuel)"
serve_args=()
for p in A B C; do serve_args+=("${!p}" "${NAME[$p]}" "urn-$p" "${KEY[$p]}"); done
serve_polls "$BIN" "$w" "$w/op/registry-voters.json" "${serve_args[@]}" || exit 1
RK=$(port registry/ready.json kiosk) RB=$(port registry/ready.json bureau)
declare -A UK UB UP
for p in A B C; do
	UK[$p]=$(port "urn-$p/ready.json" kiosk)
	UB[$p]=$(port "urn-$p/ready.json" bureau)
	UP[$p]=$(port "urn-$p/ready.json" public)
done
cat registry/log urn-A/log urn-B/log urn-C/log

step "6. Le bureau ouvre les urnes (vides, scellées à l’ouverture)"
for p in A B C; do bureau -X POST --data '' "https://127.0.0.1:${UB[$p]}/open"; echo; done

step "7. Le poste de vote : Inès Moreau vote à ses trois scrutins sur isoloir-kiosk"
kop=()
for p in A B C; do kop+=("${!p}" "${NAME[$p]}" "op/${!p}/election.json" "${UK[$p]}"); done
"$HERE/server/kiosk-operation.sh" "$BIN/isoloir-kiosk" pki/server.pem "$RK" "${kop[@]}" >operation.json
cat >kiosk.conf <<CONF
operation = $w/operation.json
client_cert = $w/pki/kiosk.pem
client_key = $w/pki/kiosk.key
journal = $w/kiosk-journal.jsonl
CONF
mkdir -p screens
ines=$(pw ines.moreau)
# her identification, typed as a voter does
login_lines() {
	printf '%s\n' "tap start" "wait identify" "type ines.moreau" "tap password" "type $ines" \
		"tap answer" "type $1"
}
# one poll: the list chosen, reviewed, validated with the password again
vote_lines() { # uuid choice [shot-prefix]
	printf '%s\n' "tap poll $1" "wait choose" "tap choice $2" "tap review" "wait review" \
		"tap confirm" "wait validate" "type $ines" "tap validate" "wait receipt" "tracker" \
		${3:+"shot $3-recu"} "tap continue"
}
# the voter's acts (the script holds her password: demo only, mode 0600);
# a screenshot of every screen she meets
umask 077
cat >ines.script <<SCRIPT
shot 01-accueil
tap language
shot 02-welcome-english
tap language
$(login_lines 01/01/1901)
shot 03-identification
tap log-in
wait error
shot 04-erreur-identification
tap back
wait identify
tap password
type $ines
tap answer
type 14/07/1985
tap log-in
wait polls
shot 05-scrutins
tap poll $A
wait choose
shot 06-listes
tap details
shot 07-liste-detaillee
tap next-list
shot 07b-liste-b-page-1
tap next-page
shot 07c-liste-b-page-2
tap close-list
tap choice 1
tap choice 2
shot 08-un-seul-choix
tap review
wait review
shot 09-verification
tap confirm
wait validate
type $ines
shot 10-validation
tap validate
wait receipt
tracker
shot 11-recu
tap continue
wait polls
shot 12-scrutins-restants
$(vote_lines "$B" 2)
wait polls
$(vote_lines "$C" 0 13-vote-blanc)
wait end
shot 14-fin
tap continue
wait welcome
scan-memory $w/ines.pw
$(login_lines 14/07/1985)
tap log-in
wait polls
advance 301
wait still-there
shot 15-toujours-la
advance 46
wait welcome
scan-memory $w/ines.pw
SCRIPT
printf '%s\n' "$ines" >ines.pw
umask 022
"$BIN/isoloir-kiosk" --config kiosk.conf --headless 1280x800 --script ines.script --shots screens |
	tee kiosk.out
rm -f ines.script ines.pw
echo "captures d’écran de chaque écran qu’elle a vu : $w/screens/"
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
grep '^receipt ' kiosk.out >receipts.txt
# what each voter chooses in polls A, B, C: 0 blank, 1..3 a list, - none
cat >votes.txt <<'TXT'
ines.moreau;1;2;0
jerome.lefevre;1;1;2
chloe.nguyen;3;2;-
zoe.martin;0;-;-
yann.le-gall;-;2;2
amelie.bernard;2;1;-
benoit.petit;1;3;1
celine.durand;2;-;3
denis.leroy;1;1;-
elodie.roux;3;-;-
fabrice.garnier;2;2;-
gaelle.faure;1;2;1
ingrid.bonnet;2;0;-
joel.francois;1;-;2
karima.benali;3;2;-
loic.mercier;1;-;-
maelle.blanc;2;1;2
oceane.muller;1;-;-
pascal.henry;2;-;1
raphaelle.roussel;1;2;-
sebastien.nicolas;0;-;-
therese.perrin;2;1;-
valerie.mathieu;1;3;2
william.clement;3;-;-
xavier.gauthier;1;2;-
yasmine.chevalier;2;-;1
TXT

step "7 bis. Un technicien passe le poste en maintenance ; le bureau le sait aussitôt"
# the operation's technician key (the service head's) and Jean Petit's
# token for kiosk-042, valid a day, with his PIN; the image would carry
# the public key (provisioning/), here it is given on the command line
mkdir -p tech && echo '{"operation":"Démonstration"}' >tech/operation.json
tp='phrase du chef de service'
printf '%s\n%s\n' "$tp" "$tp" | run "$I" operation technician-key --dir tech \
	--technician "Claire Morel" --out tech/technician-key.json $q
printf '%s\n24681357\n24681357\n' "$tp" | run "$I" operation maintenance-token --dir tech \
	--key tech/technician-key.json --technician "Jean Petit" --kiosk kiosk-042 \
	--from "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
	--until "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)" --out tech/token.json $q
cat >tech.script <<SCRIPT
maintenance-key $w/tech/token.json
wait maintenance-pin
type 24681357
tap m-ok
wait maintenance-menu
shot maintenance-menu
tap m-network
shot maintenance-network
tap m-menu
tap m-clock
shot maintenance-clock
tap m-menu
tap m-leave
wait welcome
SCRIPT
"$BIN/isoloir-kiosk" --config kiosk.conf --technician-key tech/technician-key.pem \
	--headless 1280x800 --script tech.script --shots screens >/dev/null
echo "-- le registre, prévenu à chaque étape (GET /interventions du bureau) :"
bureau "https://127.0.0.1:$RB/interventions" >interventions.json
python3 -c 'import json,sys; [print(i["kiosk"], i["report"]["event"], i["report"]["outcome"], i["report"]["detail"]) for i in json.load(open(sys.argv[1]))["interventions"]]' interventions.json
cat >tech/servers.json <<JSON
{"client_cert":"$w/pki/bureau.pem","client_key":"$w/pki/bureau.key",
 "registry":{"url":"https://127.0.0.1:$RB","pin":"$("$BIN/isoloir-kiosk" pin pki/server.pem)"},"urns":[]}
JSON
run "$I" operation interventions --dir tech >/dev/null
n=$(grep -c '"event":"intervention"' tech/journal.jsonl)
[ "$n" -ge 4 ] && [ "$n" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["interventions"]))' interventions.json)" ] ||
	{ echo "E: the interventions did not all reach the bureau's journal ($n)" >&2; exit 1; }
echo "$n interventions au journal du bureau, pour le procès-verbal"

step "8. Les autres électeurs votent sur un poste (kiosk-042)"
plain() { case $1 in 0) echo '[[1,0,0,0]]' ;; 1) echo '[[0,1,0,0]]' ;; 2) echo '[[0,0,1,0]]' ;; 3) echo '[[0,0,0,1]]' ;; esac; }
echo "-- une réponse fausse à la question : refusée, sans dire quel champ"
if pw jerome.lefevre | "$BIN/isoloir-demo-voter" pki "$RK" jerome.lefevre "01/01/1901" \
	"$A" "${UK[A]}" "op/$A/election.json" '[[0,1,0,0]]'; then echo "E: accepted" >&2; exit 1; fi
voted=0
while IFS=';' read -r id a b c; do
	[ "$id" = ines.moreau ] && continue
	args=()
	for p in A B C; do
		k=$([ $p = A ] && echo "$a" || { [ $p = B ] && echo "$b" || echo "$c"; })
		[ "$k" = - ] || args+=("${!p}" "${UK[$p]}" "op/${!p}/election.json" "$(plain "$k")")
	done
	pw "$id" | "$BIN/isoloir-demo-voter" pki "$RK" "$id" "$(answer "$id")" "${args[@]}" >/dev/null
	voted=$((voted + 1))
done <votes.txt
echo "$voted électeurs ont voté ; Hervé Girard, Noël Guérin et Ugo Morin s’abstiennent"
echo "-- Inès revient : elle a déjà voté, c’est définitif"
if pw ines.moreau | "$BIN/isoloir-demo-voter" pki "$RK" ines.moreau 14/07/1985 \
	"$A" "${UK[A]}" "op/$A/election.json" '[[0,0,1,0]]'; then echo "E: voted twice" >&2; exit 1; fi
if [ -n "${DISPLAY:-}" ] && [ "${ISOLOIR_DEMO_ROBOT:-0}" = 1 ]; then
	# the tests: François Dubois at the kiosk's window, played by a robot
	# with real input events (tests/ui/xdotool-voter.sh, under Xvfb)
	echo "-- François Dubois vote dans la fenêtre du poste (clavier et souris, xdotool)"
	: >robot.trace
	# (a sanitizer build: no leak check of this one, X11's and Mesa's
	# libraries leak at exit; the headless kiosk above is checked); its
	# headphones are a file (SDL's disk audio driver)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$w/voice.raw" \
		"$BIN/isoloir-kiosk" --config kiosk.conf --windowed 1280x800 --trace robot.trace 2>robot.log &
	kpid=$!
	pids+=("$kpid")
	pw francois.dubois | "$HERE/ui/xdotool-voter.sh" robot.trace screens francois.dubois \
		05/05/1968 2 0 1 | tee -a receipts.txt
	kill -0 "$kpid" 2>/dev/null || { echo "E: the kiosk's window was closed by the keyboard" >&2; exit 1; }
	kill -TERM "$kpid"
	wait "$kpid" || { echo "E: the kiosk did not end cleanly on SIGTERM" >&2; cat robot.log >&2; exit 1; }
	# the voice spoke to the headphones: seconds of sound, not silence
	spoken=$(tr -d '\000' <voice.raw | wc -c)
	[ "$spoken" -gt 88200 ] || { echo "E: the kiosk said nothing ($spoken bytes of sound)" >&2; exit 1; }
	echo "guidage vocal : $((spoken / 44100)) s de parole environ dans le casque (voice.raw)"
	echo "francois.dubois;2;0;1" >>votes.txt
	robot=1
elif [ -n "${DISPLAY:-}" ] && [ "${ISOLOIR_DEMO_WINDOW:-1}" = 1 ]; then
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
echo "-- liste d’émargement (début) :"
bureau "https://127.0.0.1:$RB/emargement.csv" >emargement.csv
head -n 8 emargement.csv
echo "… ($(($(wc -l <emargement.csv) - 1)) lignes : emargement.csv)"
echo "-- ce que voit le public : l’état, une empreinte présente ou non, aucun nombre"
curl -s --noproxy '*' --cacert pki/server-ca.pem "https://127.0.0.1:${UP[A]}/status"; echo

step "10. Le bureau arrête le vote : état figé, horodaté et scellé ; archives publiées"
bureau -X POST --data '' "https://127.0.0.1:$RB/stop" >/dev/null
for p in A B C; do bureau -X POST --data '' "https://127.0.0.1:${UB[$p]}/stop"; echo; done
bureau "https://127.0.0.1:$RB/seals" >seals.json
head -c 300 seals.json; echo " … (seals.json)"

step "11. Dépouillement de chaque scrutin et contre-vérification par belenios-tool"
for p in A B C; do
	u=${!p}
	mkdir -p "tally-$p"
	curl -s --fail --noproxy '*' --cacert pki/server-ca.pem -o "tally-$p/$u.bel" \
		"https://127.0.0.1:${UP[$p]}/archive.bel"
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
echo "-- les reçus donnés par le poste, chacun retrouvé sur le tableau public de son urne :"
while read -r _ poll tracker; do
	for p in A B C; do [ "${!p}" = "$poll" ] && port=${UP[$p]} && name=$p; done
	enc=$(printf '%s' "$tracker" | sed 's/+/%2B/g; s|/|%2F|g')
	curl -s --noproxy '*' --cacert pki/server-ca.pem "https://127.0.0.1:$port/board/$enc" |
		grep -q '"present":true' || { echo "E: $tracker not on the board" >&2; exit 1; }
	echo "scrutin $name : $tracker présent"
done <receipts.txt
want=$([ -n "${robot:-}" ] && echo 6 || echo 3)
[ "$(wc -l <receipts.txt)" = "$want" ] || { echo "E: the kiosk gave not $want receipts" >&2; exit 1; }
# the result is the votes cast (blank, A, B, C): the demo doubles as a test
if [ -z "${human:-}" ]; then
	for col in 2 3 4; do
		p=$(echo "- A B C" | cut -d' ' -f"$col")
		expect=$(awk -F';' -v c="$col" '$c != "-" { n[$c]++ }
			END { printf "{\"result\":[[%d,%d,%d,%d]]}", n[0], n[1], n[2], n[3] }' votes.txt)
		[ "$(cat "tally-$p/result.json")" = "$expect" ] ||
			{ echo "E: poll $p counted $(cat "tally-$p/result.json"), the votes were $expect" >&2; exit 1; }
	done
	echo "chaque résultat est exactement les votes exprimés"
fi
printf "\nTout est dans %s\n" "$w"
