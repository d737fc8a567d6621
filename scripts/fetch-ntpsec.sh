#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# NTPsec's ntpd for the test VM (selftests/ntpsec_test.c). Debian's ntpsec
# package conflicts with chrony, which the other tests need on this
# machine, so it is not installed: apt-get download fetches it and
# dpkg-deb -x unpacks it into a cache, from where mkinitramfs.sh copies
# ntpd (its libraries are in scripts/install-deps.sh). Idempotent: does
# nothing once unpacked; delete the directory to refresh it. Prints the
# path of ntpd.
#
# usage: scripts/fetch-ntpsec.sh
# env:   TA_CACHE (default /var/cache/timeaudit)
set -eu
dir=${TA_CACHE:-/var/cache/timeaudit}/ntpsec
ntpd=$dir/root/usr/sbin/ntpd

download() {
	(cd "$dir/deb" && apt-get download -q -o APT::Sandbox::User=root ntpsec)
}

if [ ! -x "$ntpd" ]; then
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	# With stale package lists the candidate may be gone from the mirror.
	download >/dev/null || { [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null && download >/dev/null; }
	dpkg-deb -x "$dir"/deb/ntpsec_*.deb "$dir/root.new"
	mv "$dir/root.new" "$dir/root"
fi
echo "$ntpd"
