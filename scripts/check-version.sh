#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The version is TIMEAUDIT_VERSION in uapi/linux/timeaudit.h; every other
# place that states it must agree. Prints TAP.
set -u
cd "$(dirname "$0")/.." || exit 1
v=$(sed -n 's/^#define TIMEAUDIT_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	uapi/linux/timeaudit.h)
n=0
fail=0
# same FILE FOUND: one TAP line.
same() {
	n=$((n + 1))
	if [ -n "$v" ] && [ "$2" = "$v" ]; then
		echo "ok $n - $1: version $2"
	else
		echo "not ok $n - $1: version '$2', uapi says '$v'"
		fail=1
	fi
}
same dkms.conf "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)"
same Documentation/timeauditctl.8 \
	"$(sed -n 's/^\.TH .*"timeaudit \([^"]*\)".*/\1/p' \
		Documentation/timeauditctl.8)"
same Documentation/admin-guide/timeaudit.rst \
	"$(sed -n 's/^:Module: timeaudit //p' \
		Documentation/admin-guide/timeaudit.rst)"
# The Debian packages (native: no Debian revision) take theirs from here.
same debian/changelog \
	"$(sed -n '1s/^timeaudit (\([^)]*\)).*/\1/p' debian/changelog)"
echo "1..$n"
exit $fail
