#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Debian 12 system that make check-system boots: a debootstrap root
# file system with systemd as PID 1, auditd, chrony, DKMS with what it
# needs to build a module offline (build-essential, the kernel headers),
# and the kernel image and headers of the Debian 12 kernel the other
# tiers use (scripts/debian-kernel.sh), turned into an ext4 disk image
# by mkfs.ext4 -d (no loop mount) with the kernel and initramfs beside it.
#
# Cached in $TA_CACHE/system-KEY (default /var/cache/timeaudit), KEY a
# hash of the package list, the apt candidate version of each package
# (as this machine's apt sees them) and the files that configure the
# image (selftests/system/image/): a new kernel or package, or a change
# of those files, makes a new image; older ones are removed (a change of
# this script does not: delete $TA_CACHE/system-* to remake). The image
# is never written by a run: each boots a qcow2 overlay of it.
# Prints the cache directory: disk.raw, vmlinuz, initrd.img, kver.
#
# Needs root (debootstrap, chroot, mount of /proc in the chroot) and
# about 220 MB from the Debian mirror that apt uses here; each step is
# bounded by TA_CHROOT_TIMEOUT seconds (default 1200).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${TA_CACHE:-/var/cache/timeaudit}
tmo=${TA_CHROOT_TIMEOUT:-1200}
conf=$top/selftests/system/image
kver=$("$top/scripts/debian-kernel.sh")
[ -n "$kver" ] || { echo "system-image: no linux-headers-amd64" >&2; exit 1; }
# systemd as PID 1 with udev (the disks) and dbus (systemctl), auditd,
# chrony; DKMS and the compiler, make and headers it builds with.
PKGS="systemd systemd-sysv udev dbus auditd chrony kmod procps
initramfs-tools e2fsprogs dkms build-essential
linux-image-$kver linux-headers-$kver"

# shellcheck disable=SC2086 # one argument per package
key=$( (echo $PKGS; find "$conf" -type f | LC_ALL=C sort | xargs cat
	LC_ALL=C apt-cache policy $PKGS | awk '/^[^ ]/ { p = $1 }
		/Candidate:/ { print p, $2 }') | sha256sum | cut -c1-16)
dir=$cache/system-$key
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

mounted=""
cleanup() {
	for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m"; done
	mounted=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP
# Remove a tree, never through a file system still mounted in it.
safe_rm() {
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount "$m" || umount -l "$m"; done
	rm -rf "$1"
}

# The mirrors this machine's apt uses: the kernel of a point release
# may be only in bookworm-security.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
	grep -E '/debian/?$' | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian*}/debian-security

# One image is enough: drop those of older keys (and a half-made one).
for d in "$cache"/system-*; do
	[ -d "$d" ] && safe_rm "$d"
done
mkdir -p "$dir"
root=$dir/rootfs
log=$dir/build.log
echo "system-image: debootstrap bookworm $mirror ($dir)" >&2
timeout "$tmo" debootstrap --variant=minbase bookworm "$root" "$mirror" \
	>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }

cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SRC
# No daemon starts in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc" && mounted="$root/proc"
pkgs=$(echo "$PKGS" | tr '\n' ' ')
DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 timeout "$tmo" \
	chroot "$root" sh -c "apt-get update -q &&
	apt-get install -y -q --no-install-recommends $pkgs &&
	apt-get clean" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
cleanup
rm -f "$root/usr/sbin/policy-rc.d"

# The image's configuration: fstab, hostname, the test's runner unit.
cp -a "$conf/." "$root/"
chroot "$root" systemd-machine-id-setup >>"$log" 2>&1
chroot "$root" systemctl enable ta-system.service >>"$log" 2>&1
# Timers and jobs that a test boot does not need and TCG pays for.
chroot "$root" systemctl mask apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer e2scrub_reap.service fstrim.timer \
	dpkg-db-backup.timer systemd-tmpfiles-clean.timer \
	getty@tty1.service >>"$log" 2>&1

cp "$root/boot/vmlinuz-$kver" "$dir/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$dir/initrd.img"
echo "$kver" >"$dir/kver"
# Room for DKMS's build and the logs; the file is sparse.
size=$(($(du -sm "$root" | cut -f1) + 1024))
mkfs.ext4 -q -L ta-root -d "$root" "$dir/disk.raw" "${size}M" >>"$log" 2>&1
touch "$dir/.done"
echo "$dir"
