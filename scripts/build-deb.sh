#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make deb: build timeaudit-dkms and timeaudit with dpkg-buildpackage in a
# copy of the source tree, so that the tree itself is left as it was
# (dpkg-buildpackage writes debian/ build directories and the objects of
# timeauditctl into the tree it builds, and the packages into its parent).
# The copy holds what git tracks plus new files not ignored; outside a
# git checkout, everything but build/. Prints the paths of the packages.
#
# usage: scripts/build-deb.sh [OUTDIR]   (default build/deb)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${1:-$top/build/deb}
version=$(sed -n 's/^#define TIMEAUDIT_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	uapi/linux/timeaudit.h)
[ -n "$version" ] || { echo "build-deb: no TIMEAUDIT_VERSION" >&2; exit 1; }
src=$out/src/timeaudit-$version

rm -rf "$out"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files deleted but not yet committed are listed and absent.
	git ls-files -z --cached --others --exclude-standard |
		tr '\0' '\n' | while IFS= read -r f; do
			[ -e "$f" ] && printf '%s\n' "$f"
		done | tar -c --verbatim-files-from -T - -f - |
		tar -x -C "$src" -f -
else
	tar -c --exclude=./build -f - . | tar -x -C "$src" -f -
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed, log: $out/build.log" >&2
	exit 1
}
# dpkg-buildpackage puts them beside the tree it built.
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
ls "$out"/*.deb
