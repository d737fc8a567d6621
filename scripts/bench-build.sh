#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bench VM's initramfs, for make bench and make profile: timeaudit,
# timeauditctl, the selftests with the bench tools, and the floor module
# (selftests/bench/floor), all built for Debian 12's kernel.
# usage: scripts/bench-build.sh PREFIX   (writes PREFIX-tests,
#        PREFIX-floor, PREFIX-initrd.gz)
set -eu
cd "$(dirname "$0")/.."
B=$1
kver=$(scripts/debian-kernel.sh)
scripts/extract-ksrc.sh build/ksrc
make -s -C "/usr/src/linux-headers-$kver" M="$PWD" modules
make -s -C userspace
make -s -C selftests KSRC="$PWD/build/ksrc" OUT="$PWD/$B-tests"
# The floors: empty probes on the same paths.
rm -rf "$B-floor" && cp -r selftests/bench/floor "$B-floor"
make -s -C "/usr/src/linux-headers-$kver" M="$PWD/$B-floor" modules
cp "$B-floor/ta_floor.ko" "$B-tests/bench/"
TA_INSTALL=0 selftests/vm/mkinitramfs.sh "$B-initrd.gz" kmod/timeaudit.ko \
	userspace/timeauditctl "$B-tests"
