#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall into a DESTDIR: every file where it
# belongs with its mode, no depmod, /etc files never overwritten, changed
# ones kept by uninstall, and nothing else left behind. Also: the shipped
# /etc/timeaudit.conf applies cleanly, commented out or not, and the
# unit passes systemd-analyze verify. Needs kmod/timeaudit.ko and
# userspace/timeauditctl built. Prints TAP.
#
# usage: scripts/test-install.sh [KDIR]
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
kdir=${1:-/usr/src/linux-headers-$(scripts/debian-kernel.sh)}
work=$top/build/install-test
d=$work/destdir
. scripts/tap.sh
check() {
	desc=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$desc"
}
mk() {
	make -s --no-print-directory KDIR="$kdir" DESTDIR="$d" "$@" \
		>"$work/make.out" 2>&1
}
mode() { stat -c %a "$1" 2>/dev/null; }
# Files under DESTDIR, directories included, one per line, sorted.
tree() { (cd "$d" && find . -mindepth 1 | sort); }

rm -rf "$work"
mkdir -p "$work"
kver=$(modinfo -F vermagic kmod/timeaudit.ko | cut -d' ' -f1)
ko=/lib/modules/$kver/extra/kmod/timeaudit.ko
unit=/usr/local/lib/systemd/system/timeaudit.service
manifest=/var/lib/timeaudit/install-manifest

# path mode source (the unit's source differs in nothing but the prefix)
expected="$ko 644 kmod/timeaudit.ko
/usr/local/sbin/timeauditctl 755 userspace/timeauditctl
/usr/local/share/man/man8/timeauditctl.8 644 Documentation/timeauditctl.8
$unit 644 etc/timeaudit.service
/etc/timeaudit.conf 644 etc/timeaudit.conf
/etc/modprobe.d/timeaudit.conf 644 etc/modprobe.d/timeaudit.conf
/etc/modules-load.d/timeaudit.conf 644 etc/modules-load.d/timeaudit.conf
/etc/audit/rules.d/60-timeaudit.rules 640 etc/audit/rules.d/60-timeaudit.rules"

# --- a fresh install ------------------------------------------------------
mk install
ok $? "make install DESTDIR=... exits 0"
while read -r path m src; do
	[ -f "$d$path" ] && [ "$(mode "$d$path")" = "$m" ] &&
		cmp -s "$src" "$d$path"
	ok $? "$path: installed, mode $m, same as $src"
done <<EOF
$expected
EOF
[ -f "$d$manifest" ] && [ "$(mode "$d$manifest")" = 644 ]
ok $? "$manifest: written, mode 644"

# Nothing but those, the manifest and their directories.
{ echo "$expected" | cut -d' ' -f1; echo "$manifest"; } |
	sed 's|^|.|' | sort >"$work/want"
(cd "$d" && find . -type f | sort) >"$work/got"
check "no other file installed (no depmod output under DESTDIR)" \
	cmp "$work/want" "$work/got"
grep -v "^.$manifest\$" "$work/want" >"$work/want.nomanifest"
check "the manifest lists each file installed" \
	sh -c "awk '\$1 != \"d\" { print \".\" \$2 }' '$d$manifest' | sort |
	       cmp - '$work/want.nomanifest'"
grep -q "depmod not run" "$work/make.out"
ok $? "install says it did not run depmod because of DESTDIR"

# The unit: ExecStart lines name installed programs; systemd likes it.
grep '^ExecStart=' "$d$unit" | sed 's/^ExecStart=//; s/ .*//' >"$work/exec"
[ "$(wc -l <"$work/exec")" = 2 ] &&
	while read -r prog; do
		[ -x "$d$prog" ] || [ "$prog" = /sbin/modprobe ] || exit 1
	done <"$work/exec"
ok $? "unit: ExecStart runs /sbin/modprobe and the installed helper"
grep -q '^After=auditd.service$' "$d$unit" &&
	grep -q '^Type=oneshot$' "$d$unit" &&
	grep -q '^WantedBy=multi-user.target$' "$d$unit"
ok $? "unit: oneshot, after auditd.service, wanted by multi-user.target"
if command -v systemd-analyze >/dev/null; then
	MANPATH=$d/usr/local/share/man systemd-analyze verify "$d$unit" \
		>"$work/verify.out" 2>&1
	ok $? "unit: systemd-analyze verify (man page found too)"
else
	ok 1 "unit: systemd-analyze verify: systemd-analyze missing"
fi

# The shipped configuration applies, as shipped and uncommented, to a
# stand-in for /sys/module/timeaudit.
fake=$work/sysfs
mkdir -p "$fake/parameters"
for p in step_threshold_ns slew_threshold_ns freq_threshold_ppb \
	 tick_threshold_us tai_threshold_s rtc_threshold_ns status_mask \
	 drift_window_s drift_budget_ns freq_drift_window_s \
	 freq_drift_budget_ppb pll_threshold_ppb rate_limit ratelimit_exempt_ns \
	 witness_interval_ms heartbeat_s classes key locked; do
	echo x >"$fake/parameters/$p"
done
echo 0 >"$fake/parameters/locked"
TIMEAUDIT_SYSFS=$fake userspace/timeauditctl apply "$d/etc/timeaudit.conf" \
	>"$work/apply.out" 2>&1
ok $? "timeauditctl apply: the installed /etc/timeaudit.conf as shipped"
sed 's/^#\([a-z_]* = \)/\1/' "$d/etc/timeaudit.conf" >"$work/uncommented"
grep -c '^[a-z_]* = ' "$work/uncommented" >"$work/count"
TIMEAUDIT_SYSFS=$fake userspace/timeauditctl apply "$work/uncommented" \
	>>"$work/apply.out" 2>&1 && [ "$(cat "$work/count")" -ge 18 ]
ok $? "timeauditctl apply: every setting uncommented ($(cat "$work/count"))"
grep -lx x "$fake/parameters/"* >"$work/unset"
[ ! -s "$work/unset" ]
ok $? "uncommented: every parameter written$(tr '\n' ' ' <"$work/unset" |
	sed 's/^./, not: &/')"
[ "$(cat "$fake/parameters/step_threshold_ns")" = 1000000 ] &&
	[ "$(cat "$fake/parameters/key")" = time-change ] &&
	[ "$(cat "$fake/parameters/locked")" = 0 ]
ok $? "uncommented: step 1000000 ns, key time-change, not locked"

# --- again: same files, same manifest -------------------------------------
cp "$d$manifest" "$work/manifest.1"
tree >"$work/tree.1"
mk install
ok $? "make install again exits 0"
tree >"$work/tree.2"
cmp -s "$work/tree.1" "$work/tree.2" && cmp -s "$work/manifest.1" "$d$manifest"
ok $? "installing again changes no file list and no manifest"

# --- uninstall: empty -----------------------------------------------------
mk uninstall
ok $? "make uninstall DESTDIR=... exits 0"
[ -z "$(tree)" ]
ok $? "uninstall leaves DESTDIR empty (files and directories)"
mk uninstall && grep -q "nothing to uninstall" "$work/make.out"
ok $? "uninstall again: exits 0, nothing to uninstall"

# --- /etc files of the admin's are never touched --------------------------
mkdir -p "$d/etc"
echo "step = 5ms" >"$d/etc/timeaudit.conf"
mk install
ok $? "make install with an existing /etc/timeaudit.conf exits 0"
[ "$(cat "$d/etc/timeaudit.conf")" = "step = 5ms" ] &&
	grep -q "kept $d/etc/timeaudit.conf" "$work/make.out"
ok $? "install keeps the existing /etc/timeaudit.conf and says so"
echo "# changed" >>"$d/etc/modprobe.d/timeaudit.conf"
cp etc/modules-load.d/timeaudit.conf "$work/mlc"
echo timeaudit >>"$d/etc/modules-load.d/timeaudit.conf"
mk install
grep -q "kept $d/etc/modprobe.d/timeaudit.conf" "$work/make.out" &&
	tail -n 1 "$d/etc/modprobe.d/timeaudit.conf" | grep -q changed
ok $? "install keeps an installed /etc file the admin changed"
mk uninstall
ok $? "make uninstall exits 0"
grep -q "kept $d/etc/modprobe.d/timeaudit.conf: changed" "$work/make.out" &&
	grep -q "kept $d/etc/modules-load.d/timeaudit.conf: changed" \
		"$work/make.out"
ok $? "uninstall keeps the changed /etc files and says so"
printf '%s\n' ./etc ./etc/modprobe.d ./etc/modprobe.d/timeaudit.conf \
	./etc/modules-load.d ./etc/modules-load.d/timeaudit.conf \
	./etc/timeaudit.conf | sort >"$work/want"
tree >"$work/got"
cmp -s "$work/want" "$work/got" &&
	[ "$(cat "$d/etc/timeaudit.conf")" = "step = 5ms" ]
ok $? "uninstall removes everything else, and not the admin's own file"
rm -rf "$d"

# --- an unchanged /etc file of an older install is updated ----------------
mkdir -p "$work/old/etc"
sed 's/^# \/etc\/timeaudit.conf:/# old:/' etc/timeaudit.conf \
	>"$work/old/etc/timeaudit.conf"
mk install-files DESTDIR="$d" &&
	cp "$work/old/etc/timeaudit.conf" "$d/etc/timeaudit.conf" &&
	sed -i "s|^c /etc/timeaudit.conf .*|c /etc/timeaudit.conf $(sha256sum \
		<"$work/old/etc/timeaudit.conf" | cut -d' ' -f1)|" \
		"$d$manifest" &&
	mk install-files && cmp -s etc/timeaudit.conf "$d/etc/timeaudit.conf"
ok $? "install updates an /etc file it installed that nobody changed"
mk uninstall && [ -z "$(tree)" ]
ok $? "and uninstall then removes it"

# --- PREFIX=/usr ----------------------------------------------------------
mk install PREFIX=/usr
ok $? "make install PREFIX=/usr exits 0"
[ -x "$d/usr/sbin/timeauditctl" ] &&
	[ -f "$d/usr/share/man/man8/timeauditctl.8" ] &&
	grep -qx 'ExecStart=/usr/sbin/timeauditctl apply /etc/timeaudit.conf' \
		"$d/usr/lib/systemd/system/timeaudit.service"
ok $? "PREFIX=/usr: /usr/sbin, /usr/share/man, unit runs /usr/sbin/timeauditctl"
mk uninstall PREFIX=/usr && [ -z "$(tree)" ]
ok $? "make uninstall PREFIX=/usr leaves DESTDIR empty"

# --- errors ---------------------------------------------------------------
! mk install-files TIMEAUDITCTL=build/no-such-file &&
	grep -q "not built: run make first" "$work/make.out" && [ -z "$(tree)" ]
ok $? "install of an unbuilt helper fails, says so, installs nothing"

echo "1..$n"
exit $fail
