#!/usr/bin/env bash
# A voter at the kiosk's window, played by a robot as a person would:
# real X input (xdotool, XTEST) on the window the kiosk draws under Xvfb,
# touch for some acts and the keyboard for others. The robot sees what a
# person sees through the kiosk's trace (--trace: each screen's targets
# with their boxes, the focus, the receipt's tracker); it never reaches
# into the program. The spoken guidance on, it votes in the order the
# polls screen offers them.
# Usage: xdotool-voter.sh TRACE SHOTS-DIR IDENTIFIER ANSWER CHOICE... (password on stdin)
#   CHOICE: 0 for the blank vote, 1.. for a list, one per poll to vote
# Prints "receipt POLL-UUID TRACKER" for each vote.
set -euo pipefail
trace=$1 shots=$2 id=$3 answer=$4
shift 4
IFS= read -r password
seen=0 # lines of the trace already read

die() { echo "E: xdotool-voter: $*" >&2; tail -n 20 "$trace" >&2; exit 1; }

# Wait (20 s at most) for a new trace line matching the extended regex;
# it is printed, and what came before it is read.
next() {
	local n line
	for _ in $(seq 400); do
		n=$(wc -l <"$trace")
		while [ "$seen" -lt "$n" ]; do
			seen=$((seen + 1))
			line=$(sed -n "${seen}p" "$trace")
			if [[ $line =~ $1 ]]; then
				printf '%s\n' "$line"
				return 0
			fi
		done
		sleep 0.05
	done
	die "never saw /$1/"
}
screen() { next "^SCREEN $1 " >/dev/null; }

# The box of a target on the screen last drawn, and a touch at its centre:
# pressed and released inside it, as the kiosk wants.
touch() {
	local box
	box=$(awk -v t="$1" '$1 == "TARGET" && $2 == t { b = $3 " " $4 " " $5 " " $6 } END { print b }' \
		"$trace")
	[ -n "$box" ] || die "no target $1 on the screen"
	read -r x y w h <<<"$box"
	xdotool mousemove $((x + w / 2)) $((y + h / 2)) click 1
}
key() { xdotool key --delay 40 "$@"; }
type_text() { xdotool type --delay 25 -- "$1"; }
shot() { import -window root "$shots/$1.png"; }

# the welcome screen is drawn, then shown
next '^READY$' >/dev/null
# the spoken guidance on (the caller may listen: SDL's disk audio driver)
touch audio
next '^FOCUS audio$' >/dev/null
shot robot-01-accueil
touch start
screen identify
# the identification with the keyboard: the identifier field has the focus
type_text "$id"
key Tab
type_text "$password"
key Tab
type_text "$answer"
shot robot-02-identification
touch log-in
n=0
for choice in "$@"; do
	n=$((n + 1))
	screen polls
	# the focus is on the first poll still to vote: Enter takes it
	key Return
	screen choose
	# the first list's details, then back to all the lists (Escape)
	touch details
	next '^SCREEN choose 1 ' >/dev/null
	[ $n = 1 ] && shot robot-03-liste
	key Escape
	next '^SCREEN choose 0 ' >/dev/null
	touch "choice-$choice"
	next '^FOCUS choice$' >/dev/null
	touch review
	screen review
	[ $n = 1 ] && shot robot-04-verification
	# change of mind is offered: Escape goes back, the choice kept
	key Escape
	screen choose
	touch review
	screen review
	key Return
	screen validate
	type_text "$password"
	key Return
	screen receipt
	grep '^RECEIPT ' "$trace" | tail -n 1 | sed 's/^RECEIPT/receipt/'
	[ $n = 1 ] && shot robot-05-recu
	touch continue
done
password=
screen end
touch continue
screen welcome
shot robot-06-accueil
# no way out with the keyboard: the window stays, on the welcome screen
# (the caller checks the process is alive)
key alt+F4 ctrl+alt+F1 alt+Tab ctrl+q ctrl+w Escape super
sleep 0.5
if sed -n "$((seen + 1)),\$p" "$trace" | grep -q '^SCREEN '; then
	die "the keys took the kiosk to another screen"
fi
