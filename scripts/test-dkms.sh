#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DKMS: dkms add, dkms build -k KVER against the installed headers, the
# built module, the exclusions (older kernel, other architecture), the
# aarch64 build (cross, Debian's arm64 headers), dkms
# remove --all (scripts/check-version.sh compares PACKAGE_VERSION). Uses
# its own DKMS and source trees under build/dkms-test, so a real DKMS
# install of timeaudit on this machine is left alone; a leftover of an
# earlier run is removed first. Debian's DKMS signs what it builds with
# /var/lib/dkms/mok.key and makes that key if missing: a key made by
# this test is removed again. Prints TAP.
#
# usage: scripts/test-dkms.sh [KVER]   (default: Debian's headers version)
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
kver=${1:-$(scripts/debian-kernel.sh)}
w=$top/build/dkms-test
. scripts/tap.sh
conf() { sed -n "s/^$1=\"\(.*\)\"$/\1/p" dkms.conf; }
dk() {
	dkms "$@" --dkmstree "$w/tree" --sourcetree "$w/src" \
		>>"$w/dkms.log" 2>&1
}

mok=/var/lib/dkms/mok.key
mok_pub=/var/lib/dkms/mok.pub
had_mok=
[ -e "$mok" ] || [ -e "$mok_pub" ] && had_mok=1
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	if [ -z "$had_mok" ]; then
		rm -f "$mok" "$mok_pub"
	fi
}
trap cleanup EXIT

# Leftovers of an earlier run (an interrupted one kept its trees).
if [ -d "$w/tree/timeaudit" ]; then
	dk remove timeaudit --all
fi
rm -rf "$w"
mkdir -p "$w/tree" "$w/src"

version=$(sed -n 's/^#define TIMEAUDIT_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	uapi/linux/timeaudit.h)
[ "$(conf PACKAGE_NAME)" = timeaudit ] &&
	[ "$(conf PACKAGE_VERSION)" = "$version" ] &&
	[ "$(conf 'BUILT_MODULE_NAME\[0\]')" = timeaudit ] &&
	[ "$(conf 'BUILT_MODULE_LOCATION\[0\]')" = kmod/ ] &&
	[ "$(conf AUTOINSTALL)" = yes ]
ok $? "dkms.conf: timeaudit $version, built in kmod/, AUTOINSTALL=yes"

make -s --no-print-directory dkms-source DKMS_SRC="$w/stage" \
	>"$w/make.out" 2>&1 &&
	[ -f "$w/stage/dkms.conf" ] && [ -f "$w/stage/kmod/main.c" ] &&
	[ -z "$(find "$w/stage" -name '*.o' -o -name '*.ko' -o -name '*.cmd' \
		-o -name '*.mod*')" ]
ok $? "make dkms-source: dkms.conf and sources, no build products"

dk add "$w/stage"
ok $? "dkms add"
dk status timeaudit
grep -q "^timeaudit/$version: added" "$w/dkms.log"
ok $? "dkms status: timeaudit/$version added"

dk build timeaudit/"$version" -k "$kver"
ok $? "dkms build -k $kver"
built=$w/tree/timeaudit/$version/$kver/x86_64/module/timeaudit.ko
[ -f "$built" ]
ok $? "the built module exists: ${built#"$top"/}"
[ "$(modinfo -F vermagic "$built" | cut -d' ' -f1)" = "$kver" ] &&
	[ "$(modinfo -F name "$built")" = timeaudit ] &&
	[ "$(modinfo -F version "$built")" = "$version" ]
ok $? "it is timeaudit $version for $kver (modinfo)"
[ "$(tail -c 28 "$built")" = "~Module signature appended~" ]
ok $? "DKMS signed it with its MOK ($(modinfo -F signer "$built"))"
: >"$w/dkms.log"
dk status timeaudit
grep -q "^timeaudit/$version, $kver, x86_64: built" "$w/dkms.log"
ok $? "dkms status: built for $kver"

# BUILD_EXCLUSIVE: exit 77, which dkms autoinstall skips quietly.
dk build timeaudit/"$version" -k 5.9.0-5-amd64 \
	--kernelsourcedir "/usr/src/linux-headers-$kver"
[ $? = 77 ]
ok $? "dkms build for a 5.9 kernel: excluded (exit 77)"
dk build timeaudit/"$version" -k "$kver" -a ppc64le
[ $? = 77 ]
ok $? "dkms build for ppc64le: excluded (exit 77)"

# aarch64 is built: cross, against Debian's arm64 headers of the same
# ABI (scripts/arm64-build.sh), whose Makefile takes the cross compiler
# from the DEB_* variables a Debian cross build sets.
akdir=$(scripts/arm64-build.sh --kdir)
akver=${akdir##*/linux-headers-}
(
	export DEB_BUILD_ARCH=amd64 DEB_HOST_ARCH=arm64 \
		DEB_HOST_GNU_TYPE=aarch64-linux-gnu
	dk build timeaudit/"$version" -k "$akver" -a aarch64 \
		--kernelsourcedir "$akdir"
)
ok $? "dkms build -k $akver -a aarch64 (cross)"
abuilt=$w/tree/timeaudit/$version/$akver/aarch64/module/timeaudit.ko
[ "$(modinfo -F vermagic "$abuilt" 2>/dev/null)" = \
	"$akver SMP mod_unload modversions aarch64" ]
ok $? "it is an aarch64 module for $akver (modinfo vermagic)"

dk remove timeaudit/"$version" --all
ok $? "dkms remove --all"
[ -z "$(ls -A "$w/tree")" ]
ok $? "the DKMS tree is empty again"

echo "1..$n"
exit $fail
