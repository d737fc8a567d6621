#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Developer loop: build the module, timeauditctl and the selftests, and
# run only the named selftests in the stock Debian 6.1 VM (make check runs
# them all). Output and logs go to build/vm-quick/.
#
# usage: scripts/vm-quick.sh TEST...     e.g. scripts/vm-quick.sh step_test
# env:   KERNEL (default /boot/vmlinuz of linux-image-amd64), KDIR (the
#        matching build tree), TA_SMP, VM_TIMEOUT (default 900), KSRC,
#        VM_CMDLINE (added to the kernel command line; the rt kernel
#        wants noirqdebug, see scripts/check.sh)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
[ $# -gt 0 ] || { echo "usage: $0 TEST..." >&2; exit 2; }
kver=$(scripts/debian-kernel.sh)
kdir=${KDIR:-/usr/src/linux-headers-$kver}
kernel=${KERNEL:-/boot/vmlinuz-$kver}
export KSRC="${KSRC:-$top/build/ksrc}"
scripts/extract-ksrc.sh "$KSRC"
make -s -C "$kdir" M="$top" modules >/dev/null
make -s -C userspace >/dev/null
out=$top/build/vm-quick
rm -rf "$out/tests"
make -s -C selftests KSRC="$KSRC" OUT="$out/tests" >/dev/null
printf '%s\n' "$@" >"$out/tests/ORDER"
selftests/vm/mkinitramfs.sh "$out/initrd.gz" kmod/timeaudit.ko \
	userspace/timeauditctl "$out/tests"
TA_EXPECT=$out/tests/ORDER selftests/vm/run.sh "$kernel" "$out/initrd.gz" \
	"$out" "${VM_TIMEOUT:-900}" "${VM_CMDLINE:-}"
