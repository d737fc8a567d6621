#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the debug kernel (tinyconfig + selftests/vm/debug.config) from
# Debian's linux-source-6.1, once per fragment and source version: the
# result is cached under $TA_CACHE (default /var/cache/timeaudit).
# Prints the build directory (bzImage, and the tree to build modules in).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/selftests/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${TA_CACHE:-/var/cache/timeaudit}
key=$( (cat "$frag"; dpkg-query -W -f='${Version}' linux-source-6.1) |
	sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
# One debug kernel is enough: drop builds of older fragments.
rm -rf "$cache"/debug-kernel-*
mkdir -p "$dir"
tar -xJf "$tarball" -C "$dir" --strip-components=1
cd "$dir"
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "$frag" >&2
make -s olddefconfig >&2
# Fail loudly if a fragment option did not survive olddefconfig.
missing=$(grep '^CONFIG_.*=y' "$frag" | while read -r opt; do
	grep -qx "$opt" .config || echo "$opt"
done)
if [ -n "$missing" ]; then
	echo "debug kernel: options not set: $missing" >&2
	exit 1
fi
# "modules" writes Module.symvers, which out-of-tree modules link against.
make -s -j"$(nproc)" bzImage modules >&2
touch .done
echo "$dir"
