#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compliance scanners pass with the shipped rules: OpenSCAP evaluates SCAP
# Security Guide's (package ssg-debian) time-change OVAL definitions
# against a tree installed by "make install-files DESTDIR=...", with
# OSCAP_PROBE_ROOT on it. The tree looks like a real Debian install: a
# merged /usr, auditd's own auditd.service (the OVAL reads its
# ExecStartPost= to choose between the augenrules and the auditctl
# checks) and auditd's rules.d/audit.rules. Every definition must be
# true; with the rules file of timeaudit 0.1.0 (the localtime watch alone)
# the three syscall definitions must be false, which shows the test can
# fail. Prints TAP, and the scanner's time per evaluation as a comment.
#
# usage: scripts/test-openscap.sh
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
w=$top/build/openscap
. scripts/tap.sh
rm -rf "$w"
mkdir -p "$w"

# ssg-debian 0.1.65 (Debian 12) has no debian12 content: take the newest.
content=
for f in $(printf "%s\n" /usr/share/xml/scap/ssg/content/ssg-debian*-oval.xml |
	sort -V); do
	grep -q 'id="oval:ssg-audit_rules_time_clock_settime:def:1"' "$f" &&
		content=$f
done
[ -n "$content" ]
ok $? "SSG OVAL content with the time-change definitions: ${content##*/}"
[ -n "$content" ] || { echo "1..$n"; exit 1; }

# tree DIR RULES: a merged-/usr root with auditd's unit and rules, and
# make install-files; RULES, if given, replaces 60-timeaudit.rules.
tree() {
	mkdir -p "$1/usr/bin" "$1/usr/sbin" "$1/usr/lib/systemd/system" \
		"$1/etc/audit/rules.d"
	for d in bin sbin lib; do ln -s "usr/$d" "$1/$d"; done
	cp "$(dpkg -L auditd | grep '/systemd/system/auditd.service$')" \
		"$1/usr/lib/systemd/system/" &&
	cp /etc/audit/rules.d/audit.rules "$1/etc/audit/rules.d/" &&
	make -s --no-print-directory install-files DESTDIR="$1" PREFIX=/usr \
		>"$1.install.log" 2>&1 || return 1
	[ -z "${2:-}" ] || cp "$2" "$1/etc/audit/rules.d/60-timeaudit.rules"
}

# scan DIR NAME: evaluate one definition on the tree, print true/false.
scan() {
	s=$(date +%s%N)
	OSCAP_PROBE_ROOT=$1 oscap oval eval \
		--id "oval:ssg-audit_rules_time_$2:def:1" "$content" \
		>"$1.$2.out" 2>&1
	echo "$(( ($(date +%s%N) - s) / 1000000 ))" >>"$w/ms"
	sed -n "s/^Definition oval:ssg-audit_rules_time_$2:def:1: //p" \
		"$1.$2.out"
}

make -s -C userspace >"$w/userspace.log" 2>&1
tree "$w/shipped" && tree "$w/old" scripts/fixtures/60-timeaudit-0.1.0-watch-only.rules
ok $? "two trees: make install-files DESTDIR=..., auditd's unit and rules"
grep -q '^ExecStartPost=-/sbin/augenrules' \
	"$w/shipped/usr/lib/systemd/system/auditd.service"
ok $? "their auditd.service loads rules with augenrules, as Debian's does"

for def in adjtimex settimeofday clock_settime watch_localtime; do
	r=$(scan "$w/shipped" $def)
	[ "$r" = true ]
	ok $? "shipped rules: audit_rules_time_$def is ${r:-not evaluated}"
done
for def in adjtimex settimeofday clock_settime; do
	r=$(scan "$w/old" $def)
	[ "$r" = false ]
	ok $? "0.1.0's rules (watch only): audit_rules_time_$def is ${r:-not evaluated}"
done

echo "# oscap oval eval: $(sort -n "$w/ms" | head -n 1) to" \
	"$(sort -n "$w/ms" | tail -n 1) ms per definition"
echo "1..$n"
exit $fail
