#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The real-system test of make check-system, run inside the Debian 12 VM
# by ta-system.service from the run's second disk (next to the packages).
# Two phases, one boot each; /var/lib/ta-system/phase carries the phase
# across the reboot:
#   1. apt installs both packages offline, DKMS builds the module; one
#      setting is changed in /etc/timeaudit.conf; reboot.
#   2. after that boot: the units are active, the module runs with the
#      setting, date -s and rmmod are in auditd's log with their actor,
#      apt purge leaves nothing behind; power off.
# TAP on ttyS1, read by scripts/system-vm.sh; the plan comes first.
set -u
disk=/run/ta-disk
state=/var/lib/ta-system
log=/var/log/audit/audit.log
tapdev=/dev/ttyS1
PLAN=30
# With a second kernel's headers on the disk: DKMS builds for it too.
[ -d "$disk/kernel2" ] && PLAN=$((PLAN + 2))
# The non-default setting: timeauditctl's name and value, and the module
# parameter it must give.
SET_LINE="step = 2ms"
SET_PARAM=step_threshold_ns
SET_VALUE=2000000
# The admin who acts: a login uid, as a login session would have.
AUID=4242
# The real daemons' steady state under the shipped rules (issue: two
# minutes), then under the stock syscall rule alone, in seconds.
STEADY=${TA_STEADY_S:-120}
STOCK=${TA_STOCK_S:-90}

mkdir -p "$state"
phase=$(cat "$state/phase" 2>/dev/null || echo 1)
kver=$(uname -r)
n=$(cat "$state/n" 2>/dev/null || echo 0)
fail=$(cat "$state/fail" 2>/dev/null || echo 0)

out() { echo "$*" >"$tapdev"; echo "ta-system: $*"; }
ok() {
	ok_rc=$1
	shift
	n=$((n + 1))
	if [ "$ok_rc" = 0 ]; then
		out "ok $n - $*"
	else
		out "not ok $n - $*"
		fail=1
	fi
	echo "$n" >"$state/n"
	echo "$fail" >"$state/fail"
}
diag() { while IFS= read -r l; do out "# $l"; done; }
finish() {
	echo "done" >"$state/phase"
	sync
	[ "$fail" = 0 ] && out "TIMEAUDIT-SYSTEM-DONE"
	systemctl --no-block poweroff
	exit 0
}
# Lines auditd wrote after line $1 of its log that match all of $2...
new_records() {
	nr_from=$1
	shift
	tail -n +"$((nr_from + 1))" "$log" | tr '\035' ' ' | {
		cat >"$state/slice"
		for p in "$@"; do
			grep -E -- "$p" "$state/slice" >"$state/slice.2"
			mv "$state/slice.2" "$state/slice"
		done
		cat "$state/slice"
	}
}
# Wait up to 15 s for auditd to write a record matching $2..., then 2 s
# more for any second one; print the matching lines.
wait_records() {
	wr_i=0
	while [ $wr_i -lt 15 ]; do
		[ -n "$(new_records "$@")" ] && break
		sleep 1
		wr_i=$((wr_i + 1))
	done
	sleep 2
	new_records "$@"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; }

case $phase in
1)
	out "TAP version 13"
	out "1..$PLAN"
	out "# phase 1: kernel $kver, $(systemctl is-system-running)"
	systemctl is-active -q auditd.service
	ok $? "auditd.service is active in the fresh system"
	s=$(date +%s)
	# No network: apt takes the dependencies from what is installed.
	# (Not --no-download: apt 2.6 then fails on local packages.)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		"$disk"/timeaudit-dkms_*.deb "$disk"/timeaudit_*.deb \
		>"$state/apt-install.log" 2>&1
	rc=$?
	t=$(($(date +%s) - s))
	[ $rc = 0 ] || tail -n 30 "$state/apt-install.log" | diag
	ok $rc "apt install ./timeaudit-dkms_*.deb ./timeaudit_*.deb, offline"
	out "# timing: apt install with the DKMS build: $t s"
	# The build itself: from make.log's start (its second line is the
	# date) to its last write; DKMS keeps it beside the built module.
	mlog=$(find /var/lib/dkms/timeaudit -name make.log 2>/dev/null |
		head -n 1)
	ms=$(date -d "$(sed -n 2p "$mlog" 2>/dev/null)" +%s 2>/dev/null)
	me=$(stat -c %Y "$mlog" 2>/dev/null)
	[ -n "$ms" ] && [ -n "$me" ] &&
		out "# timing: DKMS make of the module: $((me - ms)) s"
	dkms status timeaudit | diag
	dkms status timeaudit | grep -q ", $kver, x86_64: installed"
	ok $? "DKMS built and installed timeaudit for $kver"
	ls /lib/modules/"$kver"/updates/dkms/timeaudit.ko* >/dev/null 2>&1
	ok $? "the module is in /lib/modules/$kver/updates/dkms"
	systemctl is-enabled -q timeaudit.service &&
		systemctl is-active -q timeaudit.service
	ok $? "the package enabled and started timeaudit.service"
	echo "$SET_LINE" >>/etc/timeaudit.conf
	echo 2 >"$state/phase"
	out "# phase 1 done: rebooting with \"$SET_LINE\" in /etc/timeaudit.conf"
	sync
	systemctl --no-block reboot
	exit 0
	;;
2)
	;;
*)
	out "Bail out! booted again after the test finished"
	systemctl --no-block poweroff
	exit 0
	;;
esac

out "# phase 2: kernel $kver, $(systemctl is-system-running)"
systemctl is-active -q auditd.service
ok $? "after the reboot: auditd.service is active"
systemctl is-active -q timeaudit.service
ok $? "after the reboot: timeaudit.service is active"
systemctl show -p ExecMainStartTimestampMonotonic auditd.service \
	timeaudit.service | grep . | diag
grep -qx "$SET_VALUE" /sys/module/timeaudit/parameters/$SET_PARAM
ok $? "module loaded with /etc/timeaudit.conf's \"$SET_LINE\":" \
	"$SET_PARAM=$(cat /sys/module/timeaudit/parameters/$SET_PARAM \
	2>/dev/null)"
# This boot's load and the setting applied, as auditd logged them.
boot=$(grep -n 'op=timeaudit_load' "$log" | tail -n 1 | cut -d: -f1)
[ -n "$boot" ] &&
	[ -n "$(new_records $((boot - 1)) 'type=CONFIG_CHANGE' \
		'op=timeaudit_load' 'res=1')" ] &&
	new_records "$boot" 'type=CONFIG_CHANGE' 'op=timeaudit_set' \
		"param=\"?$SET_PARAM\"?" "new=\"?$SET_VALUE\"?" 'res=1' |
		grep -q 'comm="timeauditctl"'
ok $? "audit.log: this boot's load record, then timeauditctl's set of" \
	"$SET_PARAM"

# as_admin CMD...: run CMD with login uid $AUID, as from a login.
as_admin() {
	sh -c 'echo "$0" >/proc/self/loginuid && exec "$@"' "$AUID" "$@"
}

# date -s: one record, with the step's size and its actor.
mark=$(wc -l <"$log")
as_admin date -s '+5 seconds' >/dev/null
ok $? "date -s '+5 seconds' by login uid $AUID"
all=$(wait_records "$mark" 'type=TIME_INJOFFSET')
echo "$all" | diag
# timeaudit's records carry class=; the kernel writes its own
# TIME_INJOFFSET (sec, nsec) into the event of any syscall rule that
# matched, here the shipped time-change-syscall rule on clock_settime.
recs=$(echo "$all" | grep ' class=')
[ "$(echo "$recs" | grep -c .)" = 1 ]
ok $? "exactly one timeaudit TIME_INJOFFSET record in $log"
d=$(echo "$recs" | field delta_ns)
[ -n "$d" ] && [ "$d" -gt 4500000000 ] && [ "$d" -le 5000000000 ] &&
	echo "$recs" | grep -q "threshold_ns=$SET_VALUE class=step"
ok $? "its delta_ns=$d is the +5 s step (4.5 s < delta <= 5 s), under" \
	"threshold_ns=$SET_VALUE"
echo "$recs" | grep -q 'entry=clock_settime' &&
	echo "$recs" | grep -q " auid=$AUID uid=0 " &&
	echo "$recs" | grep -q 'comm="date" exe="/usr/bin/date"'
ok $? "its actor: date, login uid $AUID, through clock_settime"
kern=$(echo "$all" | grep -v ' class=')
rc=0
for serial in $(echo "$kern" | sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p'); do
	new_records "$mark" 'type=SYSCALL' "msg=audit\([0-9.]*:$serial\)" \
		'key="time-change-syscall"' | grep -q . || rc=1
done
ok $rc "the other $(echo "$kern" | grep -c .) TIME_INJOFFSET: the kernel's" \
	"own, in the SYSCALL event of the shipped time-change-syscall rule"

# The real time daemons under exactly the installed rules: a daemon's
# first step is one timeaudit record; its steady state writes none, and
# no SYSCALL record either (the shipped never rules); then the same
# steady state under the stock syscall rule alone, counted for the
# comparison. Their references (ta-timeref) are ahead of the clock.
timeref_pid=
timeref() {
	[ -n "$timeref_pid" ] && kill "$timeref_pid" && wait "$timeref_pid"
	taskset -c 0 "$disk/ta-timeref" "$@" >"$state/timeref.log" 2>&1 &
	timeref_pid=$!
}
# wait_step MARK COMM: up to 60 s for the daemon's first timeaudit step
# record, then 10 s more for any second one; print what it wrote.
wait_step() {
	ws_i=0
	while [ $ws_i -lt 60 ]; do
		[ -n "$(new_records "$1" 'type=TIME_INJOFFSET' ' class=' \
			"comm=\"$2\"")" ] && break
		sleep 1
		ws_i=$((ws_i + 1))
	done
	sleep 10
	new_records "$1" 'type=TIME_INJOFFSET' ' class='
}
# first_step MARK COMM EXE AHEAD_MS TEXT: the daemon's first step is
# one timeaudit step record, by EXE, within 0.5 s of AHEAD_MS.
first_step() {
	fs_recs=$(wait_step "$1" "$2")
	echo "$fs_recs" | diag
	fs_d=$(echo "$fs_recs" | field delta_ns)
	[ "$(echo "$fs_recs" | grep -c .)" = 1 ] && [ -n "$fs_d" ] &&
		[ "$fs_d" -gt $(($4 * 1000000 - 500000000)) ] &&
		[ "$fs_d" -lt $(($4 * 1000000 + 500000000)) ] &&
		echo "$fs_recs" | grep -q 'class=step' &&
		echo "$fs_recs" | grep -q "exe=\"$3\""
	ok $? "$5: one timeaudit record, delta_ns=$fs_d"
}
# settled NAME MARK: after a step a daemon settles (chronyd's slews,
# the kernel PLL's answer to timesyncd's first offsets); what timeaudit
# recorded meanwhile is reported, not judged: its steady state is.
settled() {
	st_recs=$(new_records "$2" ' class=')
	out "# $1 settling after its step: $(echo "$st_recs" | grep -c .)" \
		"timeaudit records"
	echo "$st_recs" | grep -o 'op=[a-z]* .* class=[a-z]*' | diag
}
# steady NAME COMM: STEADY s of the daemon's steady state under the
# installed rules, then STOCK s under the stock rule; two checks. Not a
# record of timeaudit's in either: the kernel PLL's own frequency moves
# (timesyncd hands the kernel offsets) are judged by pll_threshold_ppb.
steady() {
	sd_mark=$(wc -l <"$log")
	sleep "$STEADY"
	new_records "$sd_mark" ' class=' >"$state/steady"
	sd_ta=$(grep -c . "$state/steady")
	sd_sys=$(new_records "$sd_mark" 'type=SYSCALL' \
		'key="time-change-syscall"' | grep -c .)
	diag <"$state/steady"
	[ "$sd_ta" = 0 ] && [ "$sd_sys" = 0 ]
	ok $? "$1 steady state, $STEADY s, installed rules: $sd_ta timeaudit" \
		"records, $sd_sys SYSCALL records"
	# The stock rule (auditd's STIG/CIS lines), and clock_adjtime
	# apart under its own key: the call glibc's adjtimex() makes.
	auditctl -D >/dev/null &&
	auditctl -a always,exit -F arch=b64 -S adjtimex -S settimeofday \
		-S clock_settime -k time-change >/dev/null &&
	auditctl -a always,exit -F arch=b64 -S clock_adjtime \
		-k time-change-clock_adjtime >/dev/null
	sd_rc=$?
	sd_mark=$(wc -l <"$log")
	sleep "$STOCK"
	sd_stock=$(new_records "$sd_mark" 'type=SYSCALL' \
		'key="time-change"' "comm=\"$2\"" | grep -c .)
	sd_adj=$(new_records "$sd_mark" 'type=SYSCALL' \
		'key="time-change-clock_adjtime"' "comm=\"$2\"" | grep -c .)
	new_records "$sd_mark" ' class=' >"$state/steady"
	sd_ta2=$(grep -c . "$state/steady")
	diag <"$state/steady"
	augenrules --load >/dev/null 2>&1 || sd_rc=1
	out "# counts: $1: timeaudit $sd_ta records in $STEADY s;" \
		"stock rule $sd_stock SYSCALL records, with clock_adjtime" \
		"$((sd_stock + sd_adj)), in $STOCK s (timeaudit $sd_ta2)"
	[ $sd_rc = 0 ] && [ $((sd_stock + sd_adj)) -gt 0 ] &&
		[ "$sd_ta2" = 0 ]
	ok $? "$1 under the stock rule, $STOCK s: $sd_stock SYSCALL records" \
		"(adjtimex, settimeofday, clock_settime), $sd_adj more for" \
		"clock_adjtime; timeaudit $sd_ta2"
}
auditctl -l | grep -q -- '-F exe=/usr/sbin/chronyd' &&
	auditctl -l | grep -q 'key=time-change-syscall'
ok $? "auditd loaded the installed rules: never for chronyd, the" \
	"time-change-syscall rules"

# chronyd, as Debian configures it (makestep 1 3), with a reference
# clock where gpsd puts one (the unit lets chronyd write in /run).
timeref sock /run/chrony.ta.sock 3000
echo 'refclock SOCK /run/chrony.ta.sock refid TEST poll 0' \
	>/etc/chrony/conf.d/ta.conf
# As on a host where chronyd ran before: its drift file holds the
# clock's frequency error, here 0 (the refclock runs on the same TSC).
# Without it chronyd learns it anew after the step, and a freshly
# installed chronyd's walk of some ppm is a drift record by design.
echo '0.000 0.100' >/var/lib/chrony/chrony.drift
mark=$(wc -l <"$log")
systemctl restart chrony.service
first_step "$mark" chronyd /usr/sbin/chronyd 3000 \
	"chronyd's first step (3 s behind its refclock)"
mark=$(wc -l <"$log")
chronyc -n waitsync 60 0.0001 1 1 >/dev/null
ok $? "chronyd settled: chronyc waitsync (correction < 0.1 ms, skew < 1 ppm)"
settled chronyd "$mark"
steady chronyd chronyd
chronyc -n tracking | diag

# systemd-timesyncd, Debian's default: installing it removes chrony.
timeref ntp 2000
mkdir -p /etc/systemd/timesyncd.conf.d \
	/etc/systemd/system/systemd-timesyncd.service.d
# Server and client on one vCPU: single-threaded TCG runs the two vCPUs
# in turns, and a packet between them would wait for the switch, ms of
# one-sided delay that the kernel PLL would answer with tens of ppm.
printf '[Service]\nCPUAffinity=0\n' \
	>/etc/systemd/system/systemd-timesyncd.service.d/ta.conf
printf '[Time]\nNTP=127.0.0.1\nPollIntervalMinSec=16\nPollIntervalMaxSec=32\n' \
	>/etc/systemd/timesyncd.conf.d/ta.conf
mark=$(wc -l <"$log")
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	"$disk"/systemd-timesyncd_*.deb >"$state/apt-timesyncd.log" 2>&1 &&
	systemctl is-active -q systemd-timesyncd.service
rc=$?
[ $rc = 0 ] || tail -n 20 "$state/apt-timesyncd.log" | diag
ok $rc "apt install systemd-timesyncd (chrony removed): the unit is active"
first_step "$mark" systemd-timesyn /usr/lib/systemd/systemd-timesyncd 2000 \
	"timesyncd's first step (2 s behind its NTP server)"
# timesyncd has no waitsync: three of its polls (16 to 32 s).
mark=$(wc -l <"$log")
sleep 96
settled systemd-timesyncd "$mark"
steady systemd-timesyncd systemd-timesyn
journalctl -q -u systemd-timesyncd --no-pager | tail -n 5 | diag
kill "$timeref_pid"

# Stopping the unit and unloading the module.
mark=$(wc -l <"$log")
systemctl stop timeaudit.service
ok $? "systemctl stop timeaudit.service"
if [ -d /sys/module/timeaudit ]; then
	out "# the unit has no ExecStop: the module stays loaded; rmmod it"
	as_admin rmmod timeaudit
fi
[ ! -d /sys/module/timeaudit ]
ok $? "timeaudit is unloaded"
recs=$(wait_records "$mark" 'type=CONFIG_CHANGE' 'op=timeaudit_unload')
echo "$recs" | diag
[ "$(echo "$recs" | grep -c .)" = 1 ] &&
	echo "$recs" | grep -q 'entry=delete_module' &&
	echo "$recs" | grep -Eq " pid=[0-9]+ auid=$AUID uid=0 " &&
	echo "$recs" | grep -q 'comm="rmmod" exe="/usr/bin/kmod"' &&
	echo "$recs" | grep -q 'res=1'
ok $? "audit.log: one op=timeaudit_unload record naming its actor" \
	"(rmmod, login uid $AUID)"

# A second kernel's headers: DKMS's hook builds the module for it.
if [ -d "$disk/kernel2" ]; then
	kv2=$(dpkg-deb -f "$(ls "$disk"/kernel2/linux-headers-*-amd64_*.deb |
		head -n 1)" Package)
	kv2=${kv2#linux-headers-}
	s=$(date +%s)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		"$disk"/kernel2/*.deb >"$state/apt-kernel2.log" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 30 "$state/apt-kernel2.log" | diag
	out "# timing: apt install of $kv2's headers with the DKMS build:" \
		"$(($(date +%s) - s)) s"
	ok $rc "apt install the headers of a second kernel, $kv2"
	dkms status timeaudit | diag
	dkms status timeaudit | grep -q ", $kv2, x86_64: installed" &&
		ls /lib/modules/"$kv2"/updates/dkms/timeaudit.ko* >/dev/null
	ok $? "DKMS built and installed timeaudit for $kv2 too (AUTOINSTALL)"
fi

# apt purge leaves nothing behind.
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q timeaudit \
	timeaudit-dkms >"$state/apt-purge.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 30 "$state/apt-purge.log" | diag
ok $rc "apt purge timeaudit timeaudit-dkms"
left=$(
	ls -d /lib/modules/*/updates/dkms/timeaudit.ko* /usr/src/timeaudit-* \
		/var/lib/dkms/timeaudit /etc/timeaudit.conf \
		/etc/modprobe.d/timeaudit.conf \
		/etc/modules-load.d/timeaudit.conf \
		/etc/audit/rules.d/60-timeaudit.rules \
		/lib/systemd/system/timeaudit.service \
		/lib/systemd/system/auditd.service.d/timeaudit.conf \
		/etc/systemd/system/*/timeaudit.service \
		/usr/sbin/timeauditctl /usr/share/man/man8/timeauditctl.8* \
		/usr/share/doc/timeaudit /usr/share/doc/timeaudit-dkms \
		2>/dev/null
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' timeaudit \
		timeaudit-dkms 2>/dev/null | grep -v '^un '
	find /lib/modules /usr/src /var/lib/dkms /etc -name '*timeaudit*' \
		2>/dev/null
	systemctl list-unit-files 'timeaudit*' --no-legend 2>/dev/null)
echo "$left" | grep . | sort -u | diag
! echo "$left" | grep -q .
ok $? "nothing left: no module, no source, no DKMS tree, no unit, no" \
	"/etc/timeaudit.conf, no rules"
[ -z "$(dkms status timeaudit 2>/dev/null)" ]
ok $? "dkms status knows no timeaudit"
[ "$n" = $((PLAN - 1)) ]
ok $? "every planned check ran ($n before this one)"
finish
