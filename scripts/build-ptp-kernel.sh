#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the PTP kernel (tinyconfig + selftests/vm/ptp-mock.config) from
# Debian unstable's newest linux-source, with unstable's gcc, inside the
# sid chroot that scripts/matrix.sh keeps in $TA_CACHE (default
# /var/cache/timeaudit/chroot-sid): netdevsim with ptp_mock (a PTP clock
# that ticks under TCG, for phc2sys) and CONFIG_POSIX_AUX_CLOCKS, which
# no Debian kernel has. Built once per fragment, source version and gcc:
# cached as chroot-sid/ta-ptp-kernel-<hash>.
# Prints that directory as seen from the host (bzImage, and the tree to
# build modules in, from inside the chroot at /ta-ptp-kernel-<hash>).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/selftests/vm/ptp-mock.config
cache=${TA_CACHE:-/var/cache/timeaudit}
root=$cache/chroot-sid

if [ ! -f "$root/.timeaudit-ready" ]; then
	echo "ptp kernel: no sid chroot in $root (scripts/matrix.sh sid makes it)" >&2
	exit 1
fi
inroot() {
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 chroot "$root" "$@"
}
# objtool reads /proc: mount it in a mount namespace of our own, so that
# matrix.sh unmounting the chroot's /proc meanwhile cannot take it away.
# shellcheck disable=SC2016 # $0, $1: the inner sh's
build_in_root() {
	LC_ALL=C.UTF-8 unshare -m --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" sh -c "$1"' \
		"$root" "$1"
}
# linux-source depends on the newest linux-source-X.Y: install it once.
# shellcheck disable=SC2016 # dpkg-query's fields
if ! inroot dpkg-query -W -f='${Status}\n' linux-source 2>/dev/null |
	grep -q 'ok installed'; then
	inroot sh -c 'apt-get install -y -q --no-install-recommends \
		linux-source && apt-get clean' >&2
fi
# shellcheck disable=SC2016 # ${Depends} is dpkg-query's
src=$(inroot dpkg-query -W -f='${Depends}\n' linux-source |
	sed -n 's/.*\(linux-source-[0-9][0-9.]*\).*/\1/p' | head -n 1)
tarball=$root/usr/src/$src.tar.xz
# shellcheck disable=SC2016 # dpkg-query's fields
key=$( (cat "$frag"; inroot dpkg-query -W -f='${Version}' "$src";
	inroot gcc --version | head -n 1) | sha256sum | cut -c1-16)
dir=$root/ta-ptp-kernel-$key

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
# One PTP kernel is enough: drop builds of older fragments or sources.
rm -rf "$root"/ta-ptp-kernel-*
mkdir -p "$dir"
tar -xJf "$tarball" -C "$dir" --strip-components=1
cp "$frag" "$dir/ptp-mock.config"
kd=/${dir##*/}
build_in_root "cd $kd && make -s tinyconfig &&
	scripts/kconfig/merge_config.sh -m .config ptp-mock.config &&
	make -s olddefconfig" >&2
# Fail loudly if a fragment option did not survive olddefconfig.
missing=$(grep '^CONFIG_.*=y' "$frag" | while read -r opt; do
	grep -qx "$opt" "$dir/.config" || echo "$opt"
done)
if [ -n "$missing" ]; then
	echo "ptp kernel: options not set: $missing" >&2
	exit 1
fi
# "modules" writes Module.symvers, which out-of-tree modules link against.
build_in_root "cd $kd && make -s -j$(nproc) bzImage modules" >&2
touch "$dir/.done"
echo "$dir"
