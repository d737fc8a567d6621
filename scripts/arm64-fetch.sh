#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian 12 arm64 packages, downloaded and unpacked (dpkg-deb -x), never
# installed: this amd64 machine has no arm64 dpkg architecture, and adding
# one would change what apt does for everything else. apt gets its own
# arm64 package lists and an empty status file under the cache, so its
# ordinary client resolves and downloads arm64 packages without touching
# the system's state. Idempotent: nothing is done when SET was unpacked
# with the same packages; delete the directory to refresh it. Prints the
# root the packages were unpacked into.
#
# usage: scripts/arm64-fetch.sh [-n] SET PKG...
#        -n: these packages only (default: with every package they
#        depend on, as apt would install them on an empty arm64 system)
# env:   TA_CACHE (default /var/cache/timeaudit)
set -eu
deps=1
[ "${1:-}" = -n ] && { deps=0; shift; }
[ $# -ge 2 ] || { echo "usage: $0 [-n] SET PKG..." >&2; exit 2; }
set_=$1
shift
top=${TA_CACHE:-/var/cache/timeaudit}/arm64
apt=$top/apt
dir=$top/$set_
want="deps=$deps $*"

if [ -f "$dir/root/.packages" ] && [ "$(cat "$dir/root/.packages")" = "$want" ]; then
	echo "$dir/root"
	exit 0
fi

mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
[ -f "$apt/status" ] || : >"$apt/status"
aptarm() {
	apt-get -q -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
		-o Dir::State::status="$apt/status" \
		-o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
		-o APT::Sandbox::User=root "$@"
}
fetch() {
	if [ $deps = 1 ]; then
		aptarm install -d -y --no-install-recommends "$@" >/dev/null &&
			cp "$apt"/cache/archives/*.deb "$dir/deb/"
	else
		(cd "$dir/deb" && aptarm download "$@" >/dev/null)
	fi
}

rm -rf "$dir"
mkdir -p "$dir/deb"
rm -f "$apt"/cache/archives/*.deb
# First use, or stale lists whose candidate left the mirror: update.
if [ ! -f "$apt/updated" ] || ! fetch "$@"; then
	aptarm update >/dev/null
	touch "$apt/updated"
	fetch "$@"
fi
rm -f "$apt"/cache/archives/*.deb
mkdir "$dir/root.new"
for deb in "$dir"/deb/*.deb; do
	dpkg-deb -x "$deb" "$dir/root.new"
done
echo "$want" >"$dir/root.new/.packages"
mv "$dir/root.new" "$dir/root"
echo "$dir/root"
