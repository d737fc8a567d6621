#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The arm64 test VM's initramfs, as mkinitramfs.sh makes the x86-64 one,
# from Debian 12 arm64 packages unpacked by scripts/arm64-fetch.sh (this
# machine's own programs are amd64). Differences:
# - programs and libraries come from the unpacked root USERLAND; ldd
#   cannot run arm64 programs, so the libraries are found by following
#   DT_NEEDED (aarch64-linux-gnu-readelf) in its multiarch directories;
#   each program lands at the path the tests call it by (x86-64's);
# - -M virt has one UART, the console: the TAP, the audit log and the
#   kernel log leave through virtio-serial ports (selftests/vm/
#   boot-arm64.sh) whose drivers are modules in Debian's arm64 kernel:
#   virtio_mmio.ko and virtio_console.ko from KMODS go to /ta/virtio/;
# - init is selftests/vm/init with its three serial ports (ttyS1-3)
#   replaced by the ports' names, ports-arm64.sh run first;
# - no e1000e (no PHC: ptp_test does not apply), no ntpd, no linuxptp.
#
# usage: mkinitramfs-arm64.sh OUT.cpio.gz MODULE.ko TIMEAUDITCTL TESTDIR \
#                             USERLAND KMODS
#        USERLAND: unpacked root of busybox-static, auditd, chrony, ...
#        KMODS: the unpacked kernel's /lib/modules/KVER
# env:   TA_INSTALL=0 as for mkinitramfs.sh
set -eu

# shellcheck disable=SC2034 # out, tests: used by initramfs-common.sh
out=$1 ko=$2 ctl=$3 tests=$4 uroot=$5 kmods=$6
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
libdirs="/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib /usr/lib"

# Copy an arm64 ELF file and, recursively, every library it needs.
add_lib() {
	for d in $libdirs; do
		[ -e "$uroot$d/$1" ] || continue
		[ -e "$root$d/$1" ] && return 0
		add_elf "$uroot$d/$1" "$d/$1"
		return 0
	done
	echo "mkinitramfs-arm64: library $1 not in $uroot" >&2
	exit 1
}
add_elf() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
	for lib in $(aarch64-linux-gnu-readelf -d "$1" |
		     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		add_lib "$lib"
	done
}
# A program at the path the tests call it by, wherever Debian put it.
add_prog() {
	for src in "$1" "/usr$1" "${1#/usr}"; do
		if [ -e "$uroot$src" ]; then
			add_elf "$uroot$src" "$1"
			return 0
		fi
	done
}

mkdir -p "$root/bin" "$root/sbin" "$root/etc/audit/plugins.d" \
	"$root/ta/tests" "$root/ta/virtio" "$root/var/log/audit" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/lib"
cp "$uroot/bin/busybox" "$root/bin/busybox"
for b in /sbin/auditd /sbin/auditctl /sbin/ausearch /sbin/aureport \
	 /sbin/hwclock /usr/sbin/adjtimex /usr/sbin/chronyd /usr/bin/chronyc \
	 /usr/bin/faketime /usr/bin/python3 /sbin/audisp-remote \
	 /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1; do
	add_prog "$b"
done
cp -L "$uroot/lib/ld-linux-aarch64.so.1" "$root/lib/"

# shellcheck source=selftests/vm/initramfs-common.sh
. "$here/initramfs-common.sh"
ta_add_etc
cp "$here/run-tests.sh" "$here/kunit.sh" "$root/ta/"

# init: the output ports' drivers and names first (ports-arm64.sh).
for port in ttyS1 ttyS2 ttyS3; do
	grep -q "/dev/$port" "$here/init" || {
		echo "mkinitramfs-arm64: init no longer writes /dev/$port" >&2
		exit 1
	}
done
sed -e '/^ifconfig lo /a . /ta/virtio/ports.sh' \
    -e 's|/dev/ttyS1|/dev/ta.results|g' -e 's|/dev/ttyS2|/dev/ta.audit|g' \
    -e 's|/dev/ttyS3|/dev/ta.dmesg|g' "$here/init" >"$root/init"
grep -q '^\. /ta/virtio/ports.sh' "$root/init" || {
	echo "mkinitramfs-arm64: no 'ifconfig lo' line in init to follow" >&2
	exit 1
}
chmod 755 "$root/init"
cp "$here/ports-arm64.sh" "$root/ta/virtio/ports.sh"
for m in drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko; do
	cp "$kmods/kernel/$m" "$root/ta/virtio/"
done

cp "$ko" "$root/ta/timeaudit.ko"
kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
add_elf "$ctl" /ta/timeauditctl
ta_add_tests
ta_add_install
ta_pack
