#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing timeaudit needs, from Debian's
# packages only. Idempotent: installs nothing when everything is present.
set -eu

PKGS="build-essential bc bison flex cpio kmod xz-utils zstd python3
linux-headers-amd64 linux-image-amd64 linux-source-6.1
libelf-dev libssl-dev dwarves sparse cppcheck
qemu-system-x86 qemu-utils busybox-static auditd debootstrap
chrony adjtimex util-linux faketime
dkms openssl groff-base man-db
python3-yaml audispd-plugins gnuplot-nox
debhelper dh-dkms dpkg-dev fakeroot lintian openscap-scanner ssg-debian
linux-image-rt-amd64 linux-headers-rt-amd64
libbsd0 libcap2 libssl3
linuxptp
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm clang lld
gdb"

# NTPsec's ntpd for the test VM, unpacked but not installed (the package
# conflicts with chrony); the libraries it needs are in PKGS.
ntpsec() { "$(dirname "$0")/fetch-ntpsec.sh" >/dev/null; }

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && { ntpsec; exit; }

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
ntpsec
