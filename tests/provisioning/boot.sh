#!/usr/bin/env bash
# boot.sh OUT WORK: boots the image that image.sh built (OUT, a --serial-console
# build) under qemu-system-x86_64 with OVMF, with KVM when /dev/kvm can be
# used, else in software emulation, and waits for the kiosk on the serial
# console: "isoloir-kiosk: ready" (printed once its first frame is shown),
# or, for a kiosk that never prints it, systemd's "Started isoloir-kiosk.service".
# Then a copy of the image with one byte of the root changed must not boot:
# dm-verity's error, a kernel panic, a reboot (qemu -no-reboot then exits),
# and never a shell or a login prompt. Exits 77 (skipped) unless
# ISOLOIR_QEMU_BOOT=1, or when not root or the image is missing.
set -euo pipefail
OUT=${1:?usage: boot.sh OUT WORK}
WORK=${2:?usage: boot.sh OUT WORK}
if [ "${ISOLOIR_QEMU_BOOT:-0}" != 1 ]; then
	echo "SKIP: set ISOLOIR_QEMU_BOOT=1 to boot the image under qemu"
	exit 77
fi
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
IMG=$OUT/isoloir-kiosk.img
[ -s "$IMG" ] || { echo "SKIP: no image at $IMG (run the image test first: ctest -R image_build)"; exit 77; }
grep -q "console=ttyS0" "$OUT/cmdline.txt" || { echo "FAIL: $IMG was built without --serial-console" >&2; exit 1; }
CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
[ -r "$CODE" ] && [ -r "$VARS" ] || { echo "FAIL: OVMF missing (package ovmf)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "FAIL: qemu-system-x86_64 missing (package qemu-system-x86)" >&2; exit 1; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

ACCEL=(-machine q35,accel=tcg -cpu max)
HOW="software emulation (TCG)"
LIMIT=${ISOLOIR_QEMU_TIMEOUT:-420}
# /dev/kvm may open and still fail on the firmware's first instructions (a
# nested hypervisor that emulates too little): KVM is used only if OVMF runs
# three seconds under it without an internal error
if [ -w /dev/kvm ]; then
	timeout 3 qemu-system-x86_64 -machine q35,accel=kvm -cpu host -m 256 -display none -nodefaults \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$CODE" -serial none -monitor none \
		>"$WORK/kvm-probe.log" 2>&1 || true
	if ! grep -qi "error\|failed\|could not" "$WORK/kvm-probe.log"; then
		ACCEL=(-machine q35,accel=kvm -cpu host)
		HOW="KVM"
		LIMIT=${ISOLOIR_QEMU_TIMEOUT:-180}
	else
		echo "# /dev/kvm is there but unusable: $(grep -im1 "error\|failed\|could not" "$WORK/kvm-probe.log")"
	fi
fi

QPID=
stop_qemu() { [ -z "$QPID" ] || { kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null || true; QPID=; }; }
trap stop_qemu EXIT
boot() { # DISK LOG: starts qemu in the background
	cp "$VARS" "$WORK/vars.fd"
	: >"$2"
	qemu-system-x86_64 "${ACCEL[@]}" -m 2048 -smp 2 -no-reboot \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$CODE" \
		-drive if=pflash,format=raw,unit=1,file="$WORK/vars.fd" \
		-drive file="$1",format=raw,if=virtio,snapshot=on \
		-device virtio-vga -display none -nic user,model=virtio-net-pci \
		-serial file:"$2" -monitor unix:"$WORK/monitor.sock",server=on,wait=off >"$2.qemu" 2>&1 &
	QPID=$!
	T0=$(date +%s.%N)
}
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
shell_seen() { grep -aqE "login:|\(initramfs\)|emergency mode|Give root password|sh: can't access tty" "$1"; }

# ---- the image boots to the kiosk ----
LOG=$WORK/boot.log
boot "$IMG" "$LOG"
marker= ready=
while :; do
	if grep -aq "isoloir-kiosk: ready" "$LOG"; then
		ready=$(elapsed)
		marker=$(grep -ao "isoloir-kiosk: ready[ (a-z)]*" "$LOG" | head -1 | sed 's/ *$//')
		[ -n "${started:-}" ] || started=$ready
		break
	fi
	if [ -z "${started:-}" ] && grep -aqE "Started .*isoloir-kiosk" "$LOG"; then started=$(elapsed); fi
	# the fallback, for a kiosk that does not print its ready line: the
	# service started, and 90 s later still no line (the kiosk takes 15 to
	# 25 s from its start to its first frame in software emulation)
	if [ -n "${started:-}" ] && awk -v a="$started" -v b="$(elapsed)" 'BEGIN { exit !(b - a > 90) }'; then
		marker="Started isoloir-kiosk.service (fallback: no ready line from the kiosk yet)"; ready=$started; break
	fi
	kill -0 "$QPID" 2>/dev/null || fail "qemu stopped before the kiosk started: $(tail -20 "$LOG")"
	awk -v e="$(elapsed)" -v l="$LIMIT" 'BEGIN { exit !(e > l) }' && fail "no kiosk after $LIMIT s ($HOW): $(tail -20 "$LOG")"
	sleep 0.2
done
! shell_seen "$LOG" || fail "a shell or login prompt on the console"
# what the screen shows (qemu's monitor), kept for a person to look at. Not
# a failure yet: the kiosk's enrolment screen, presented once, shows black in
# qemu's virtio-gpu screendump (with or without MemoryDenyWriteExecute), to
# be understood with the kiosk (provisioning/README.md, "Not done")
sleep 2
python3 - "$WORK/monitor.sock" "$WORK/screen.ppm" <<'PY' || echo "# no screendump from qemu's monitor"
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.5)
s.sendall(("screendump " + sys.argv[2] + "\n").encode()); time.sleep(2); s.close()
PY
if [ -s "$WORK/screen.ppm" ]; then
	set -- $(python3 - "$WORK/screen.ppm" <<'PY'
import sys
d = open(sys.argv[1], "rb").read().split(b"\n", 3)  # P6, "W H", 255, pixels
w, h = map(int, d[1].split()); px = d[3][:w * h * 3]
print(len({px[i:i + 3] for i in range(0, len(px), 3 * 7)}), w, h)
PY
)
	echo "# screen: $2x$3, $1 colour(s) (qemu's screendump: $WORK/screen.ppm)"
	# the enrolment screen's words: more than the background's one colour
	[ "$1" -ge 2 ] || screen_blank=1
fi
grep -aq "Reached target.*Multi-User" "$LOG" || sleep 5
multi=$(grep -ac "Reached target.*Multi-User" "$LOG" || true)
stop_qemu
[ "${screen_blank:-0}" = 0 ] && [ -s "$WORK/screen.ppm" ] ||
	fail "the kiosk started ($marker at $ready s) but its screen shows nothing: $WORK/screen.ppm"
echo "ok 1 - boot to the kiosk in $ready s under $HOW (marker: $marker)"
[ "$multi" -ge 1 ] && echo "#   multi-user target reached"
echo "# boot-to-ready: $ready s ($HOW)${started:+; the service started at $started s}"

# ---- one byte of the root changed: dm-verity, a panic, a reboot, no shell ----
BAD=$WORK/corrupt.img
cp --sparse=always "$IMG" "$BAD"
root_start=$(sfdisk -J "$BAD" | python3 -c 'import json,sys; print(json.load(sys.stdin)["partitiontable"]["partitions"][1]["start"])')
# the squashfs's first block (its superblock and root inode): read at mount
off=$((root_start * 512 + 100))
orig=$(dd if="$BAD" bs=1 skip="$off" count=1 status=none | od -An -tu1 | tr -d ' ')
printf "\\$(printf '%03o' $(((orig + 1) % 256)))" | dd of="$BAD" bs=1 seek="$off" conv=notrunc status=none
LOG2=$WORK/corrupt.log
boot "$BAD" "$LOG2"
while kill -0 "$QPID" 2>/dev/null; do
	shell_seen "$LOG2" && fail "the corrupted image gave a shell: $(tail -20 "$LOG2")"
	grep -aqE "Started .*isoloir-kiosk|isoloir-kiosk: ready" "$LOG2" && fail "the corrupted image started the kiosk"
	awk -v e="$(elapsed)" -v l="$LIMIT" 'BEGIN { exit !(e > l) }' && fail "the corrupted image neither booted nor rebooted in $LIMIT s: $(tail -20 "$LOG2")"
	sleep 0.2
done
wait "$QPID" 2>/dev/null || true
QPID=
gone=$(elapsed)
! shell_seen "$LOG2" || fail "the corrupted image gave a shell"
grep -aqE "dm-verity device corrupted|verity.*corrupted" "$LOG2" || fail "no verity error on the console: $(tail -20 "$LOG2")"
grep -aq "Kernel panic" "$LOG2" || fail "no kernel panic: $(tail -20 "$LOG2")"
echo "ok 2 - one byte of the root changed: '$(grep -a "Kernel panic" "$LOG2" | head -1 | tr -d '\r' | sed 's/^.*Kernel/Kernel/')', reboot after $gone s, no shell"
rm -f "$BAD"
echo "2 passed, 0 failed"
