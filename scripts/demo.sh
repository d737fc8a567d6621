#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: boot the test VM, run the demo scenario (selftests/vm/demo.sh)
# and print what auditd recorded.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
kver=$(scripts/debian-kernel.sh)
scripts/extract-ksrc.sh build/ksrc
make -s -C "/usr/src/linux-headers-$kver" M="$PWD" modules
make -s -C userspace
make -s -C selftests KSRC="$PWD/build/ksrc" OUT="$PWD/build/tests"
selftests/vm/mkinitramfs.sh build/demo-initrd.gz kmod/timeaudit.ko \
	userspace/timeauditctl build/tests
selftests/vm/run.sh "/boot/vmlinuz-$kver" build/demo-initrd.gz build/vm-demo \
	600 timeaudit.mode=demo >build/vm-demo.verdict || true
grep -v '^TIMEAUDIT-VM-DONE' build/vm-demo/results.log.clean
grep -q '^not ok' build/vm-demo.verdict && { cat build/vm-demo.verdict; exit 1; }
exit 0
