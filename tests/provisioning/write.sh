#!/usr/bin/env bash
# write.sh SOURCE WORK: provisioning/write-image on loop devices: each refusal
# (not a disk, a partition, a mounted disk, the disk holding /, too small, a
# changed image, a confirmation that does not name the disk, none at all),
# then a write read back. Exits 77 (skipped) when not root or without loop
# devices.
set -euo pipefail
SOURCE=$(cd "${1:?usage: write.sh SOURCE WORK}" && pwd)
WORK=${2:?usage: write.sh SOURCE WORK}
WRITE=$SOURCE/provisioning/write-image
[ "$(id -u)" -eq 0 ] || { echo "SKIP: writing disks needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop device"; exit 77; }
rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
LOOPS=() MNT=
cleanup() {
	[ -z "$MNT" ] || umount "$MNT" 2>/dev/null || true
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
}
trap cleanup EXIT
PASSED=0
ok() { PASSED=$((PASSED + 1)); echo "ok $PASSED - $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
loop() { # SIZE-MIB: L, a new loop device over a new file (not in a subshell:
	# LOOPS must keep it for the cleanup)
	local f=$WORK/disk$((${#LOOPS[@]} + 1))
	truncate -s "${1}M" "$f"
	L=$(losetup -f --show "$f")
	LOOPS+=("$L")
}
refused() { # WHAT WORDS ARGS...: write-image must fail saying WORDS
	local what=$1 words=$2
	shift 2
	if "$WRITE" "$@" </dev/null >"$WORK/out.log" 2>&1; then fail "write-image accepted $what"; fi
	grep -qe "$words" "$WORK/out.log" || fail "write-image refused $what without '$words': $(cat "$WORK/out.log")"
	ok "refused: $what"
}

IMG=$WORK/isoloir-kiosk.img
head -c $((8 * 1048576)) /dev/urandom >"$IMG"
# a GPT in it, so that the backup header's move on a larger disk is exercised
printf 'label: gpt\nstart=2048, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
	sfdisk --quiet --no-reread --no-tell-kernel "$IMG"
(cd "$WORK" && sha256sum isoloir-kiosk.img >isoloir-kiosk.img.sha256)

refused "a file that is not a device" "not a block device" "$IMG" "$WORK/isoloir-kiosk.img.sha256" --yes-i-mean=x
loop 32; DISK=$L
refused "a confirmation naming another disk" "does not name" "$IMG" "$DISK" --yes-i-mean=/dev/sdz
refused "no confirmation and no terminal" "no confirmation" "$IMG" "$DISK"
refused "an image unlike its sealed digest" "not the expected" "$IMG" "$DISK" --sha256 "$(printf '0%.0s' $(seq 64))" \
	--yes-i-mean="$DISK"
loop 4; SMALL=$L
refused "a disk smaller than the image" "the image needs" "$IMG" "$SMALL" --yes-i-mean="$SMALL"
loop 16; PARTED=$L
printf 'label: gpt\nstart=2048, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
	sfdisk --quiet --no-reread "$PARTED" >/dev/null 2>&1
partx -a "$PARTED" 2>/dev/null || true
if [ -b "${PARTED}p1" ]; then
	refused "a partition" "not a whole disk" "$IMG" "${PARTED}p1" --yes-i-mean="${PARTED}p1"
fi
loop 16; MOUNTED=$L
mkfs.ext4 -q "$MOUNTED"
MNT=$WORK/mnt
mkdir -p "$MNT"
mount "$MOUNTED" "$MNT"
refused "a mounted disk" "in use" "$IMG" "$MOUNTED" --yes-i-mean="$MOUNTED"
umount "$MNT"
MNT=
rootdisk=$(lsblk -nso NAME,TYPE "$(findmnt -no SOURCE /)" 2>/dev/null | awk '$2 == "disk" { print $1 }' | sed 's/^[^[:alnum:]]*//' | head -1)
if [ -n "$rootdisk" ]; then
	refused "the disk holding /" "root filesystem" "$IMG" "/dev/$rootdisk" --yes-i-mean="/dev/$rootdisk"
fi
cp "$IMG" "$WORK/changed.img"
printf x | dd of="$WORK/changed.img" bs=1 seek=5000000 conv=notrunc status=none
cp "$WORK/isoloir-kiosk.img.sha256" "$WORK/changed.img.sha256"
refused "an image unlike its .sha256" "does not match" "$WORK/changed.img" "$DISK" --yes-i-mean="$DISK"

"$WRITE" "$IMG" "$DISK" --yes-i-mean="$DISK" </dev/null >"$WORK/out.log" 2>&1 ||
	fail "write-image failed on a free disk: $(cat "$WORK/out.log")"
# (the GPT's headers changed when the backup moved: compare what lies between)
cmp -s <(dd if="$DISK" bs=1M skip=1 count=6 status=none) <(dd if="$IMG" bs=1M skip=1 count=6 status=none) ||
	fail "the disk does not hold the image"
grep -q "read back" "$WORK/out.log" || fail "write-image did not say it read the disk back"
grep -q "model" "$WORK/out.log" && grep -q "$DISK" "$WORK/out.log" || fail "the disk was not named before writing"
sfdisk --verify "$DISK" >/dev/null 2>&1 || fail "the GPT on the larger disk does not verify: $(sfdisk --verify "$DISK" 2>&1)"
ok "written to a free disk, named first, read back, GPT backup at the disk's end"
echo "$PASSED passed, 0 failed"
