#!/usr/bin/env bash
# image.sh SOURCE WORK: builds the kiosk's disk image with provisioning/build-image
# (test keys, the kiosk built in release in WORK/kiosk-build, Debian's packages
# kept in WORK/apt-cache between runs) and checks the image itself: its
# partitions are taken out of the disk file, the root is unpacked from the
# squashfs that dm-verity covers, and every check below reads those.
# Exits 77 (skipped) when not root: the build needs chroot and mounts.
set -euo pipefail
SOURCE=$(cd "${1:?usage: image.sh SOURCE WORK}" && pwd)
WORK=${2:?usage: image.sh SOURCE WORK}
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: building the image needs root"
	exit 77
fi
BUILD=$SOURCE/provisioning/build-image
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
OUT=$WORK/out
CHECK=$WORK/check
PASSED=0
ok() { PASSED=$((PASSED + 1)); echo "ok $PASSED - $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- keys, as an operation would hold them ----
KEYS=$WORK/keys
mkdir -p "$KEYS"
[ -s "$KEYS/technician.pem" ] || {
	openssl ecparam -name prime256v1 -genkey -noout -out "$KEYS/technician.key"
	openssl ec -in "$KEYS/technician.key" -pubout -out "$KEYS/technician.pem" 2>/dev/null
}
ARGS=(--technician-key "$KEYS/technician.pem" --allow 192.0.2.10:443 --allow 192.0.2.11:8443
	--allow '[2001:db8::10]:443' --ntp 192.0.2.1 --host registry.test=192.0.2.10)

# ---- refusals, before anything is built ----
refused() { # WHAT EXPECTED-WORDS ARGS...
	local what=$1 words=$2
	shift 2
	if "$BUILD" --out "$WORK/refused" "$@" >"$WORK/refused.log" 2>&1; then
		fail "build-image accepted $what"
	fi
	grep -qe "$words" "$WORK/refused.log" || fail "build-image refused $what without saying '$words': $(cat "$WORK/refused.log")"
	ok "refused: $what"
}
refused "a private key as technician key" "not a public key" \
	--technician-key "$KEYS/technician.key" --allow 192.0.2.10:443 --ntp 192.0.2.1 --sb-test-keys
refused "no server" "--allow" --technician-key "$KEYS/technician.pem" --ntp 192.0.2.1 --sb-test-keys
refused "a server by name" "not an IPv4 address" --technician-key "$KEYS/technician.pem" \
	--allow registry.test:443 --ntp 192.0.2.1 --sb-test-keys
refused "an address out of range" "not an IPv4 address" --technician-key "$KEYS/technician.pem" \
	--allow 192.0.2.300:443 --ntp 192.0.2.1 --sb-test-keys
refused "no Secure Boot key" "Secure Boot" "${ARGS[@]}"
openssl req -new -x509 -newkey rsa:2048 -nodes -subj /CN=a/ -keyout "$WORK/a.key" -out "$WORK/a.crt" 2>/dev/null
openssl req -new -x509 -newkey rsa:2048 -nodes -subj /CN=b/ -keyout "$WORK/b.key" -out "$WORK/b.crt" 2>/dev/null
refused "a Secure Boot key that is not the certificate's" "does not match" "${ARGS[@]}" \
	--sb-key "$WORK/a.key" --sb-cert "$WORK/b.crt"

# ---- the build (ISOLOIR_IMAGE_CHECK_ONLY=1: check the last build again, to
# work on the checks themselves) ----
start=$(date +%s)
[ "${ISOLOIR_IMAGE_CHECK_ONLY:-0}" = 1 ] && [ -s "$OUT/isoloir-kiosk.img" ] ||
"$BUILD" --out "$OUT" --work "$WORK/build" --kiosk-build "$WORK/kiosk-build" \
	--apt-cache "$WORK/apt-cache" --source "$SOURCE" --sb-test-keys --serial-console "${ARGS[@]}" ||
	fail "build-image failed"
ok "build-image built the image in $(($(date +%s) - start)) s"

# ---- the outputs ----
for f in isoloir-kiosk.img isoloir-kiosk.efi manifest.txt manifest.txt.sha256 isoloir-kiosk.img.sha256 \
	roothash.txt packages.txt cmdline.txt secure-boot.crt build-info.txt; do
	[ -s "$OUT/$f" ] || fail "output $f missing"
done
(cd "$OUT" && sha256sum -c --quiet manifest.txt.sha256 isoloir-kiosk.img.sha256 isoloir-kiosk.efi.sha256) ||
	fail "an output's digest does not match"
ROOTHASH=$(cat "$OUT/roothash.txt")
[[ $ROOTHASH =~ ^[0-9a-f]{64}$ ]] || fail "roothash.txt: $ROOTHASH"
grep -q "^systemd	252" "$OUT/packages.txt" && grep -q "^linux-image-.*-amd64	" "$OUT/packages.txt" ||
	fail "packages.txt has no versions of systemd 252 or the kernel"
ok "outputs present, their digests match"

# ---- the partitions, out of the disk file ----
rm -rf "$CHECK"
mkdir -p "$CHECK"
IMG=$OUT/isoloir-kiosk.img
sfdisk -J "$IMG" >"$CHECK/table.json"
part() { # N FIELD
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["partitiontable"]["partitions"][int(sys.argv[2])]; print(p.get(sys.argv[3],""))' \
		"$CHECK/table.json" "$1" "$2"
}
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["partitiontable"]["partitions"]))' "$CHECK/table.json")" -eq 4 ] ||
	fail "the image has not four partitions"
uuid_of() { echo "${1:0:8}-${1:8:4}-${1:12:4}-${1:16:4}-${1:20:12}" | tr a-f A-F; }
[ "$(part 0 type)" = C12A7328-F81F-11D2-BA4B-00A0C93EC93B ] || fail "partition 1 is not an ESP"
[ "$(part 1 name)" = isoloir-root ] && [ "$(part 1 uuid)" = "$(uuid_of "${ROOTHASH:0:32}")" ] ||
	fail "partition 2 is not the root named by the root hash's first half"
[ "$(part 2 name)" = isoloir-root-verity ] && [ "$(part 2 uuid)" = "$(uuid_of "${ROOTHASH:32:32}")" ] ||
	fail "partition 3 is not the hash tree named by the root hash's second half"
[ "$(part 3 name)" = ISOLOIR-DATA ] || fail "partition 4 is not ISOLOIR-DATA"
for i in 0 1 2 3; do
	dd if="$IMG" of="$CHECK/p$i" bs=512 skip="$(part $i start)" count="$(part $i size)" status=none
done
ok "GPT: ESP, root and hash tree named by the root hash, data"

veritysetup verify "$CHECK/p1" "$CHECK/p2" "$ROOTHASH" || fail "veritysetup does not verify the root"
cp "$CHECK/p1" "$CHECK/p1.bad"
printf '\x5a' | dd of="$CHECK/p1.bad" bs=1 seek=$(($(stat -c %s "$CHECK/p1") / 2)) conv=notrunc status=none
if veritysetup verify "$CHECK/p1.bad" "$CHECK/p2" "$ROOTHASH" 2>/dev/null; then
	fail "dm-verity accepts a root with one byte changed"
fi
rm -f "$CHECK/p1.bad"
ok "dm-verity: the root verifies; one byte changed does not"

TREE=$CHECK/root
unsquashfs -q -n -d "$TREE" "$CHECK/p1" >/dev/null || fail "unsquashfs failed on the root partition"

# ---- the manifest against the unpacked root ----
cmp -s "$OUT/manifest.txt" "$TREE/usr/share/isoloir/manifest.txt" ||
	fail "the manifest in the outputs is not the image's"
(cd "$TREE" && sed 's|^\(\\\?[0-9a-f]\{64\}\)  /|\1  ./|' usr/share/isoloir/manifest.txt |
	sha256sum -c --quiet --strict) || fail "sha256sum -c of the manifest against the root"
files=$(cd "$TREE" && find . -type f | wc -l)
[ "$(wc -l <"$OUT/manifest.txt")" -eq $((files - 1)) ] ||
	fail "the manifest has $(wc -l <"$OUT/manifest.txt") lines for $files files (itself excluded)"
grep -v '^\\' "$OUT/manifest.txt" | cut -c67- >"$CHECK/paths"
LC_ALL=C sort -c "$CHECK/paths" || fail "the manifest is not sorted by path (LC_ALL=C)"
ok "manifest: sha256sum -c against the root, every file but itself, sorted ($files files)"

# ---- the kiosk ----
K=$TREE/usr/bin/isoloir-kiosk
[ -x "$K" ] || fail "no /usr/bin/isoloir-kiosk"
! objdump -p "$K" | grep -q 'NEEDED.*san' || fail "the image's kiosk is a sanitizer build"
[ -s "$TREE/usr/share/locale/en/LC_MESSAGES/isoloir-kiosk.mo" ] || fail "no English catalogue"
[ -s "$TREE/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" ] || fail "no DejaVu Sans"
[ -d "$TREE/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices" ] || fail "no espeak-ng data"
[ -x "$TREE/usr/bin/mcopy" ] || fail "no mtools"
cmp -s <(openssl pkey -pubin -in "$KEYS/technician.pem") "$TREE/usr/share/isoloir/technician-key.pem" ||
	fail "the technician key in the image is not the one given"
grep -q "  /usr/share/isoloir/technician-key.pem$" "$OUT/manifest.txt" || fail "the technician key is not in the manifest"
chroot "$TREE" /usr/bin/ldd /usr/bin/isoloir-kiosk >"$CHECK/ldd" || fail "ldd in the root failed"
! grep -q "not found" "$CHECK/ldd" || fail "libraries missing in the root: $(grep 'not found' "$CHECK/ldd")"
ok "kiosk, catalogue, font, voices, mtools, technician key; its $(wc -l <"$CHECK/ldd") libraries resolve in the root"

ug=$(grep '^isoloir-kiosk:' "$TREE/etc/passwd") || fail "no user isoloir-kiosk"
[ "$(echo "$ug" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "isoloir-kiosk has a shell"
[ "$(echo "$ug" | cut -d: -f3)" -lt 1000 ] || fail "isoloir-kiosk is not a system user"
for g in video input render audio isoloir-usb; do
	grep -q "^$g:.*[:,]isoloir-kiosk\(,\|$\)" "$TREE/etc/group" || fail "isoloir-kiosk not in group $g"
done
ok "user isoloir-kiosk: system, no shell, groups video input render audio isoloir-usb"

# ---- units ----
SA=(systemd-analyze --root="$TREE")
enabled() { systemctl --root="$TREE" is-enabled "$1" 2>/dev/null || true; }
for u in isoloir-kiosk.service isoloir-console.service nftables.service systemd-networkd.service systemd-timesyncd.service; do
	[ "$(enabled "$u")" = enabled ] || fail "$u is not enabled ($(enabled "$u"))"
done
for u in getty@.service serial-getty@.service autovt@.service getty.target console-getty.service \
	debug-shell.service emergency.service rescue.service ctrl-alt-del.target systemd-logind.service swap.target; do
	[ "$(enabled "$u")" = masked ] || fail "$u is not masked ($(enabled "$u"))"
done
[ -z "$(find "$TREE/etc/systemd/system" -path '*getty*' -name '*.service' ! -lname /dev/null)" ] ||
	fail "a getty is started: $(find "$TREE/etc/systemd/system" -path '*getty*' ! -lname /dev/null)"
for f in usr/sbin/sshd usr/lib/systemd/system/ssh.service usr/bin/apt usr/bin/apt-get; do
	[ ! -e "$TREE/$f" ] || fail "/$f is in the image"
done
! chroot "$TREE" dpkg-query -W -f '${Status}' apt 2>/dev/null | grep -q "install ok" || fail "apt is installed"
! grep -qw swap "$TREE/etc/fstab" || fail "a swap in fstab"
grep -q "^Storage=volatile" "$TREE/etc/systemd/journald.conf.d/isoloir.conf" || fail "the journal is not volatile"
ok "units: the kiosk's enabled; getty, shells, logind, swap masked; no sshd, no apt; volatile journal"

"${SA[@]}" verify isoloir-kiosk.service isoloir-console.service >"$CHECK/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$CHECK/verify")"
! grep -v "^$" "$CHECK/verify" | grep -q . || fail "systemd-analyze verify complains: $(cat "$CHECK/verify")"
# systemd-analyze's exposure goes from 0 (can do nothing) to 10 (no sandbox);
# --threshold counts tenths. The kiosk must keep the display, input, sound,
# USB disks (devices), the network (AF_INET, AF_NETLINK for udev), the users'
# table (its groups give it the devices) and setrlimit (no core file): with
# every other protection on it scores 1.5 ("OK"). 2.0 lets one minor item
# (0.1-0.2) go, but not one of the heavy ones (capabilities, system calls,
# NoNewPrivileges, ProtectSystem, ProtectHome, PrivateTmp...), whose loss must
# be a decision made here, not a side effect.
THRESHOLD=20
"${SA[@]}" security --offline=yes --threshold="$THRESHOLD" isoloir-kiosk.service >"$CHECK/security" 2>&1 ||
	fail "systemd-analyze security: above $THRESHOLD tenths: $(tail -3 "$CHECK/security")"
ok "systemd-analyze verify clean; security $(grep -o 'exposure level.*' "$CHECK/security" | head -1) (threshold $THRESHOLD tenths)"

# ---- the kiosk's power requests (exit 10, 11), with systemctl played by a recorder ----
mkdir -p "$CHECK/bin"
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$CHECK/systemctl.calls" >"$CHECK/bin/systemctl"
chmod 755 "$CHECK/bin/systemctl"
power() { : >"$CHECK/systemctl.calls"; PATH=$CHECK/bin:$PATH SERVICE_RESULT=$1 EXIT_CODE=$2 EXIT_STATUS=$3 \
	sh "$TREE/usr/lib/isoloir/kiosk-power" >/dev/null; cat "$CHECK/systemctl.calls"; }
[ "$(power exit-code exited 10)" = "--no-block reboot" ] || fail "exit 10 does not reboot"
[ "$(power exit-code exited 11)" = "--no-block poweroff" ] || fail "exit 11 does not power off"
[ -z "$(power success exited 0)" ] && [ -z "$(power exit-code exited 1)" ] &&
	[ -z "$(power signal killed 10)" ] || fail "kiosk-power acts on an ordinary stop"
grep -q "^RestartPreventExitStatus=10 11$" "$TREE/etc/systemd/system/isoloir-kiosk.service" ||
	fail "the kiosk would be restarted after asking for a reboot"
ok "kiosk-power: 10 reboots, 11 powers off, nothing else does"

# ---- firewall ----
NFT=$TREE/etc/nftables.conf
nft -c -f "$NFT" || fail "nft -c refuses the rules"
for r in "ip daddr 192.0.2.10 tcp dport 443 accept" "ip daddr 192.0.2.11 tcp dport 8443 accept" \
	"ip6 daddr 2001:db8::10 tcp dport 443 accept" "ip daddr 192.0.2.1 udp dport 123 accept"; do
	grep -qF "$r" "$NFT" || fail "the rules lack: $r"
done
[ "$(grep -c "policy drop;" "$NFT")" -eq 3 ] || fail "input, output and forward do not all drop by default"
[ "$(grep -c " accept$" "$NFT")" -eq 14 ] || fail "the rules accept more (or less) than expected: $(grep -c ' accept$' "$NFT") accepts"
grep -q "^IPAddressAllow=192.0.2.10 192.0.2.11 2001:db8::10$" \
	"$TREE/etc/systemd/system/isoloir-kiosk.service.d/network.conf" || fail "the kiosk's IPAddressAllow"
grep -q "^NTP=192.0.2.1$" "$TREE/etc/systemd/timesyncd.conf.d/isoloir.conf" || fail "timesyncd's server"
grep -q "^192.0.2.10	registry.test$" "$TREE/etc/hosts" || fail "/etc/hosts"
ok "nft -c accepts the rules: drop by default, the three servers, NTP, DHCP"

# ---- USB ----
ua() { sh "$TREE/usr/lib/isoloir/usb-authorize" "$1"; }
[ "$(ua :030101:)" = authorize ] && [ "$(ua :080650:)" = authorize ] && [ "$(ua :090000:)" = authorize ] &&
	[ "$(ua :030101:030102:)" = authorize ] || fail "a keyboard, a USB key or a hub is refused"
[ "$(ua :030101:020600:)" = refuse ] && [ "$(ua :0e0100:)" = refuse ] && [ "$(ua :e00101:)" = refuse ] &&
	[ "$(ua "")" = refuse ] && [ "$(ua :)" = refuse ] || fail "a network, camera or Bluetooth interface is authorized"
grep -q 'ATTR{authorized}="1"' "$TREE/etc/udev/rules.d/70-isoloir-usb.rules" || fail "no USB rule"
ok "USB: HID, mass storage and hubs only (usb-authorize)"

# ---- the signed kernel image ----
export MTOOLS_SKIP_CHECK=1
mcopy -i "$CHECK/p0" ::/EFI/BOOT/BOOTX64.EFI "$CHECK/uki.efi" || fail "no EFI/BOOT/BOOTX64.EFI on the ESP"
cmp -s "$CHECK/uki.efi" "$OUT/isoloir-kiosk.efi" || fail "the ESP's kernel image is not the output's"
sbverify --cert "$OUT/secure-boot.crt" "$CHECK/uki.efi" >/dev/null 2>&1 ||
	fail "the kernel image is not signed by the Secure Boot certificate"
sbverify --cert "$WORK/a.crt" "$CHECK/uki.efi" >/dev/null 2>&1 && fail "sbverify accepts another certificate"
for s in cmdline linux initrd osrel; do
	objcopy -O binary --only-section=".$s" "$CHECK/uki.efi" "$CHECK/uki.$s" 2>/dev/null
	[ -s "$CHECK/uki.$s" ] || fail "no .$s section in the kernel image"
done
CMD=$(cat "$CHECK/uki.cmdline")
for w in "isoloir.roothash=$ROOTHASH" root=/dev/mapper/root panic=10 usbcore.authorized_default=0 \
	systemd.volatile=state lockdown=confidentiality module.sig_enforce=1 sysctl.kernel.sysrq=0; do
	[[ " $CMD " == *" $w "* ]] || fail "the command line lacks $w: $CMD"
done
[[ $CMD != *init=* && $CMD != *single* && $CMD != *emergency* ]] || fail "a shell on the command line: $CMD"
while read -r sum name; do
	case "$name" in vmlinuz-*) s=linux ;; initrd.img-*) s=initrd ;; *) fail "boot.sha256: $name" ;; esac
	[ "$(sha256sum <"$CHECK/uki.$s" | cut -d' ' -f1)" = "$sum" ] || fail "the image's .$s is not $name of the manifest"
done <"$TREE/usr/share/isoloir/boot.sha256"
cp "$CHECK/uki.initrd" "$TREE/tmp/initrd.img"
chroot "$TREE" lsinitramfs /tmp/initrd.img >"$CHECK/initrd.list"
rm -f "$TREE/tmp/initrd.img"
for f in usr/sbin/veritysetup scripts/local-top/isoloir-verity 'dm-verity.ko' 'squashfs.ko'; do
	grep -q "$f" "$CHECK/initrd.list" || fail "the initramfs lacks $f"
done
ok "kernel image: signed (sbverify), the root hash and hardening on its command line, kernel and initramfs as in boot.sha256, veritysetup in the initramfs"

# ---- the data partition ----
debugfs -R "stat /" "$CHECK/p3" 2>/dev/null >"$CHECK/data.stat"
kuid=$(echo "$ug" | cut -d: -f3)
grep -q "Mode:  0700" "$CHECK/data.stat" && grep -q "User: *$kuid " "$CHECK/data.stat" ||
	fail "the data partition's root is not the kiosk's, 0700: $(head -3 "$CHECK/data.stat")"
[ "$(debugfs -R "ls -l /" "$CHECK/p3" 2>/dev/null | grep -cv '^\s*$')" -le 3 ] || fail "the data partition is not empty"
grep -q "^PARTUUID=$(part 3 uuid | tr A-F a-f) /var/lib/isoloir ext4 nosuid,nodev,noexec" "$TREE/etc/fstab" ||
	fail "fstab does not mount the data partition nosuid,nodev,noexec at /var/lib/isoloir"
ok "data partition: empty ext4, the kiosk's 0700, mounted nosuid,nodev,noexec"

# ---- kernel and sysctl hardening ----
grep -q "^kernel.sysrq = 0" "$TREE/etc/sysctl.d/90-isoloir.conf" || fail "SysRq not off"
grep -q "^install firewire-core /bin/false" "$TREE/etc/modprobe.d/isoloir.conf" || fail "FireWire not refused"
ok "sysctl and module hardening present"

echo "# image: $(du -b --apparent-size "$IMG" | cut -f1) bytes, root $(du -sb "$TREE" | cut -f1) bytes unpacked"
rm -rf "$CHECK"
echo "$PASSED passed, 0 failed"
