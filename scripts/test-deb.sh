#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (make deb): dpkg-buildpackage -us -uc -b builds
# timeaudit-dkms and timeaudit without changing the source tree; lintian
# finds no error or warning (the info and pedantic tags left are printed
# as comments); each package holds what it should and the dkms package no
# build product; the versions are TIMEAUDIT_VERSION; the unit is enabled
# by the package; and the module source the dkms package ships builds
# with its dkms.conf's own command against Debian's headers. Prints TAP.
#
# usage: scripts/test-deb.sh [KDIR]   (default: Debian's headers)
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
kdir=${1:-/usr/src/linux-headers-$(scripts/debian-kernel.sh)}
out=$top/build/deb
w=$top/build/deb-test
. scripts/tap.sh
version=$(sed -n 's/^#define TIMEAUDIT_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	uapi/linux/timeaudit.h)
dkms_deb=$out/timeaudit-dkms_${version}_all.deb
main_deb=$out/timeaudit_${version}_amd64.deb
rm -rf "$w"
mkdir -p "$w"

state() { git status --porcelain --ignored 2>/dev/null | grep -v '^!! build/$'; }
before=$(state)
scripts/build-deb.sh "$out" >"$w/build-deb.out" 2>&1
ok $? "make deb: dpkg-buildpackage -us -uc -b (log: build/deb/build.log)"
[ -f "$dkms_deb" ] && [ -f "$main_deb" ]
ok $? "both packages built: ${dkms_deb#"$top"/}, ${main_deb#"$top"/}"
[ "$(state)" = "$before" ]
ok $? "the source tree is as it was (git status, ignored files too)"

lintian --pedantic -I -E --fail-on error,warning "$out"/*.changes \
	>"$w/lintian.out" 2>&1
ok $? "lintian: no error, no warning"
grep -E '^[EWIPX]: ' "$w/lintian.out" | sed 's/^/# lintian: /'

for deb in "$dkms_deb" "$main_deb"; do
	dpkg-deb -f "$deb" Version
done | sort -u >"$w/versions"
[ "$(cat "$w/versions")" = "$version" ]
ok $? "both packages are version $version (uapi/linux/timeaudit.h)"

dpkg-deb -c "$dkms_deb" | awk '{ print $6 }' >"$w/dkms.list"
src=./usr/src/timeaudit-$version
grep -qx "$src/dkms.conf" "$w/dkms.list" &&
	grep -qx "$src/kmod/main.c" "$w/dkms.list" &&
	grep -qx "$src/uapi/linux/timeaudit.h" "$w/dkms.list" &&
	! grep -Eq '\.(o|ko|cmd|mod|mod\.c|order|symvers)$' "$w/dkms.list"
ok $? "timeaudit-dkms: dkms.conf and the sources in ${src#.}, no objects"
dpkg-deb -f "$dkms_deb" Depends | grep -q 'dkms' &&
	dpkg-deb -e "$dkms_deb" "$w/dkms-ctl" &&
	grep -qx 'DKMS_NAME=timeaudit' "$w/dkms-ctl/postinst" &&
	grep -qx "DKMS_VERSION=$version" "$w/dkms-ctl/postinst" &&
	grep -q '/usr/lib/dkms/common.postinst' "$w/dkms-ctl/postinst"
ok $? "timeaudit-dkms: depends on dkms, its postinst builds with DKMS"

dpkg-deb -c "$main_deb" | awk '{ print $1, $6 }' >"$w/main.list"
for f in ./usr/sbin/timeauditctl ./lib/systemd/system/timeaudit.service \
	 ./usr/share/man/man8/timeauditctl.8.gz ./etc/timeaudit.conf \
	 ./etc/audit/rules.d/60-timeaudit.rules; do
	grep -q " $f\$" "$w/main.list" || echo "missing $f"
done >"$w/missing"
[ ! -s "$w/missing" ] && ! grep -q ' ./usr/local' "$w/main.list" &&
	! grep -q ' ./var/' "$w/main.list"
ok $? "timeaudit: timeauditctl, unit, man page, conf, rules; no /usr/local, /var"
dpkg-deb -e "$main_deb" "$w/main-ctl"
grep -qx /etc/timeaudit.conf "$w/main-ctl/conffiles" &&
	grep -qx /etc/audit/rules.d/60-timeaudit.rules "$w/main-ctl/conffiles"
ok $? "timeaudit: /etc/timeaudit.conf and the audit rules are conffiles"
grep -q "^-rw-r----- ./etc/audit/rules.d/60-timeaudit.rules" "$w/main.list" &&
	grep -q "^drwxr-x--- ./etc/audit/\$" "$w/main.list"
ok $? "timeaudit: the rules 0640 in a 0750 /etc/audit, as auditd's own"
dpkg-deb --fsys-tarfile "$main_deb" |
	tar -xO ./etc/audit/rules.d/60-timeaudit.rules >"$w/rules"
cmp -s "$w/rules" etc/audit/rules.d/60-timeaudit.rules
ok $? "timeaudit: its audit rules are etc/'s (the ones test-openscap.sh scans)"
dpkg-deb --fsys-tarfile "$main_deb" |
	tar -xO ./lib/systemd/system/timeaudit.service >"$w/unit"
grep -qx 'ExecStart=/usr/sbin/timeauditctl apply /etc/timeaudit.conf' \
	"$w/unit" && grep -qx 'After=auditd.service' "$w/unit"
ok $? "timeaudit.service: after auditd, runs /usr/sbin/timeauditctl"
grep -q "deb-systemd-helper enable 'timeaudit.service'" \
	"$w/main-ctl/postinst"
ok $? "timeaudit: postinst enables timeaudit.service (dh_installsystemd)"

# What DKMS runs (dkms.conf's MAKE[0]) on the shipped source, by hand.
mkdir -p "$w/root" && dpkg-deb -x "$dkms_deb" "$w/root"
make -C "$kdir" M="$w/root/usr/src/timeaudit-$version" modules \
	>"$w/module-build.out" 2>&1 &&
	[ "$(modinfo -F version \
		"$w/root/usr/src/timeaudit-$version/kmod/timeaudit.ko")" = "$version" ]
ok $? "the shipped source builds timeaudit $version against ${kdir##*/}"

echo "1..$n"
exit $fail
