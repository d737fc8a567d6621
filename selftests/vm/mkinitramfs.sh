#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the test VM's initramfs: busybox-static, real auditd and its
# tools with their shared libraries, the module, timeauditctl and the
# compiled selftests.
#
# usage: mkinitramfs.sh OUT.cpio.gz MODULE.ko TIMEAUDITCTL TESTDIR [KUNIT.ko]
# env:   TA_INSTALL=0 leaves out what "make install" would install (see
#        the end; install_test checks it)
#        TA_NIC_KO: the e1000e driver, when the kernel has it as a module
#        (qemu's NIC: ptp_test uses its PTP clock); default: the one in
#        this machine's /lib/modules for the module's kernel release
#        TA_NTPD: NTPsec's ntpd; default: where scripts/fetch-ntpsec.sh
#        unpacks it (left out if absent: ntpsec_test then fails)
#        TA_NIC_DEPS: the modules it needs that are not built in, in load
#        order (Debian 11's ptp.ko and pps_core.ko), copied beside it
set -eu

# shellcheck disable=SC2034 # out, tests: used by initramfs-common.sh
out=$1 ko=$2 ctl=$3 tests=$4 kunit=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp -d makes it 0700, and it becomes the VM's /: let everyone in.
chmod 755 "$root"

# Copy an ELF program and every library it loads, keeping their paths.
add_elf() {
	dst=${2:-$1}
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$1" "$root$dst"
	ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]*ld-linux/{print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

mkdir -p "$root/bin" "$root/sbin" "$root/etc/audit/plugins.d" \
	"$root/ta/tests" "$root/var/log/audit" "$root/proc" "$root/sys" \
	"$root/dev" "$root/tmp" "$root/lib64"
cp /bin/busybox "$root/bin/busybox"
for b in /sbin/auditd /sbin/auditctl /sbin/ausearch /sbin/aureport \
	 /sbin/hwclock /usr/sbin/adjtimex /usr/sbin/chronyd /usr/bin/chronyc \
	 /usr/bin/faketime /usr/bin/python3 /sbin/audisp-remote \
	 /usr/sbin/phc2sys /usr/sbin/ptp4l /usr/sbin/phc_ctl /usr/sbin/pmc; do
	[ -e "$b" ] && add_elf "$b"
done
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1; do
	[ -e "$f" ] && add_elf "$f"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# NTPsec's ntpd (ntpsec_test), unpacked, not installed, by
# scripts/fetch-ntpsec.sh; at the path the never rules name.
ntpd=${TA_NTPD:-${TA_CACHE:-/var/cache/timeaudit}/ntpsec/root/usr/sbin/ntpd}
[ -x "$ntpd" ] && add_elf "$ntpd" /usr/sbin/ntpd

# shellcheck source=selftests/vm/initramfs-common.sh
. "$here/initramfs-common.sh"
ta_add_etc
cp "$here/init" "$root/init"
cp "$here/run-tests.sh" "$here/kunit.sh" "$root/ta/"
for f in demo.sh bench.sh fleet.sh; do
	[ -f "$here/$f" ] && cp "$here/$f" "$root/ta/"
done

cp "$ko" "$root/ta/timeaudit.ko"
kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
nic=${TA_NIC_KO:-/lib/modules/$kver/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko}
[ -f "$nic" ] && cp "$nic" "$root/ta/e1000e.ko"
for dep in ${TA_NIC_DEPS:-}; do
	cp "$dep" "$root/ta/$(basename "$dep")"
done
[ -n "$kunit" ] && cp "$kunit" "$root/ta/timeaudit_kunit.ko"
add_elf "$ctl" /ta/timeauditctl
ta_add_tests
ta_add_install
ta_pack
