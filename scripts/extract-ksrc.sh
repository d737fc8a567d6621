#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extract the parts of Debian's linux-source-6.1 the tests use (kselftest.h,
# the timers selftests, checkpatch.pl). Used as is, never copied into git.
set -eu
dst=$1
tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
stamp=$dst/.stamp
[ -f "$stamp" ] && [ "$stamp" -nt "$tarball" ] && exit 0
rm -rf "$dst"
mkdir -p "$dst"
tar -xJf "$tarball" -C "$dst" --strip-components=1 \
	linux-source-6.1/tools/testing/selftests/kselftest.h \
	linux-source-6.1/tools/testing/selftests/timers \
	linux-source-6.1/scripts/checkpatch.pl \
	linux-source-6.1/scripts/spelling.txt \
	linux-source-6.1/scripts/const_structs.checkpatch
touch "$stamp"
