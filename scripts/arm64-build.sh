#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cross-build timeaudit.ko for Debian 12's arm64 kernel with the same ABI
# as the amd64 test kernel (6.1.0-57-amd64 -> 6.1.0-57-arm64), from
# Debian's linux-headers-*-arm64 and gcc-aarch64-linux-gnu. Fails on any
# warning or error, so "scripts/arm64-build.sh W=1" and "... C=2" are the
# arm64 twins of the x86-64 W=1 and sparse builds. Prints the module's
# path. Idempotent: the headers are fetched once (scripts/arm64-fetch.sh)
# and the build is incremental.
#
# The headers' scripts/ is a symlink into linux-kbuild-6.1, whose fixdep
# and modpost are programs for the build machine. That package is
# Multi-Arch: foreign for this reason: the amd64 one that
# linux-headers-amd64 installed here serves the arm64 headers, so the
# unpacked tree's usr/lib/linux-kbuild-6.1 points at it (it must be at
# least the version the headers depend on). The headers' Makefile
# includes the common tree by absolute path: pointed at the unpacked one.
# The build runs in a copy of the sources, build/arm64/, so that the
# tree's x86-64 objects stay as they are.
#
# usage: scripts/arm64-build.sh [MAKE-ARG...]    e.g. W=1 or C=2
#        scripts/arm64-build.sh --kdir   only prepare the headers and
#        print their directory (KDIR; scripts/test-dkms.sh)
# env:   KVER_ARM64 (default: the amd64 test kernel's ABI, -arm64),
#        TA_CACHE (default /var/cache/timeaudit)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
amd=$(scripts/debian-kernel.sh)
kver=${KVER_ARM64:-${amd%-amd64}-arm64}
abi=${kver%-arm64}

root=$(scripts/arm64-fetch.sh -n "headers-$kver" \
	"linux-headers-$kver" "linux-headers-$abi-common")
kdir=$root/usr/src/linux-headers-$kver
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"

kbuild=$(basename "$(dirname "$(readlink "$kdir/scripts")")")
need=$(dpkg-deb -f "$root"/../deb/linux-headers-"$kver"_*.deb Depends |
	sed -n "s/.*$kbuild (>= \([^)]*\)).*/\1/p")
have=$(dpkg-query -W -f='${Version}' "$kbuild" 2>/dev/null || true)
if [ -z "$have" ] || ! dpkg --compare-versions "$have" ge "$need"; then
	echo "arm64-build: $kbuild ${have:-not installed}, the headers need >= $need: apt-get install $kbuild" >&2
	exit 1
fi
mkdir -p "$root/usr/lib"
ln -sfn "/usr/lib/$kbuild" "$root/usr/lib/$kbuild"
[ "${1:-}" = --kdir ] && { echo "$kdir"; exit 0; }

out=$top/build/arm64
mkdir -p "$out"
# Sources only, with their times, so that make rebuilds what changed.
find Kbuild kmod uapi \( -name '*.[ch]' -o -name Kbuild \) -print |
	cpio -pdmu --quiet "$out"
log=$out/build.log
status=0
make -C "$kdir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- M="$out" \
	"$@" modules >"$log" 2>&1 || status=$?
if [ $status != 0 ] || grep -q -e 'warning:' -e 'error:' "$log"; then
	grep -v -e '^  [A-Z]' -e '^make' "$log" >&2
	echo "arm64-build: failed or warned (full log: $log)" >&2
	exit 1
fi
echo "$out/kmod/timeaudit.ko"
