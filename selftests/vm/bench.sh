#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM (run by /init for timeaudit.mode=bench).
# timeaudit.bench=volume: replay each trace of /ta/tests/bench/trace_replay
#   under the stock syscall rules, then under timeaudit; count what auditd
#   writes, per simulated hour, and check that timeaudit recorded every
#   injected change with the right value (trace 2 runs at 3 ppm: +50 ppm
#   is new_ppm=53.000). Trace 3 runs a real chronyd for
#   timeaudit.minutes (default 6) real minutes, counted per minute.
# timeaudit.bench=cost: guest ns per call (boot with -icount shift=0
#   -smp 1) under no module/no rules, the floors (ta_floor.ko: an empty
#   kprobe, an empty kretprobe on each hooked path; timeaudit's own
#   probes, empty), timeaudit, and the stock rules, rounds interleaved.
# Every result is a line starting with "BENCH ", parsed by scripts/bench.sh.
export LC_ALL=C
log=/var/log/audit/audit.log
phase=$(sed -n 's/.*timeaudit.bench=\([a-z]*\).*/\1/p' /proc/cmdline)
rounds=$(sed -n 's/.*timeaudit.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
hours=$(sed -n 's/.*timeaudit.hours=\([0-9]*\).*/\1/p' /proc/cmdline)
ncalls=$(sed -n 's/.*timeaudit.calls=\([0-9]*\).*/\1/p' /proc/cmdline)
minutes=$(sed -n 's/.*timeaudit.minutes=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=${rounds:-5} hours=${hours:-24} ncalls=${ncalls:-1000}
minutes=${minutes:-6}
T=/ta/tests/bench

stock_rules() {
	auditctl -a always,exit -F arch=b64 -S adjtimex -S settimeofday -S clock_settime -k time-change >/dev/null
	auditctl -a always,exit -F arch=b64 -S clock_adjtime -k time-change >/dev/null
}

auditd_up() {
	i=0
	until auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; do
		i=$((i + 1)); [ $i -gt 200 ] && { echo "# auditd did not start"; return 1; }
		sleep 0.1
	done
}

# A fresh auditd and an empty log for each run, never rotated.
fresh_log() {
	pid=$(pidof auditd)
	[ -n "$pid" ] && kill "$pid"
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	rm -f $log $log.*
	auditd
	auditd_up
}

# Wait until the marker ta-bench-hour=$1 is in the log: all before it is.
wait_marker() {
	i=0
	until grep -Eq "ta-bench-hour=$1[ ']" $log 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 1200 ] && { echo "# marker $1 never logged"; return 1; }
		sleep 0.5
	done
}

# Count the records, bytes and per-hour records between marker 0 and the
# end marker (the markers themselves and auditd's own records excluded).
count() {	# run-name hours
	awk -v run="$1" -v H="$2" '
	/ta-bench-hour=/ { h = $0; sub(/.*ta-bench-hour=/, "", h); h += 0; started = 1; next }
	!started || h >= H { next }
	/^type=DAEMON_/ { next }
	{ recs++; bytes += length($0) + 1; per[h]++
	  if ($0 ~ /^type=SYSCALL/ && $0 ~ /key="time-change"/) {
		ev++; if ($0 !~ / syscall=305 /) shipped++ } }
	/^type=TIME_INJOFFSET|^type=TIME_ADJNTPVAL/ { ta++ }
	END {
		printf "BENCH volume %s records %d bytes %d syscall_events %d shipped_events %d ta_records %d\n",
		       run, recs, bytes, ev, shipped, ta
		line = "BENCH hours " run
		for (i = 0; i < H; i++) line = line " " (per[i] + 0)
		print line
	}' $log
}

# One injected change: recorded (in $f) with the right value, or not.
chk() {	# run-name, ERE, change-name
	total=$((total + 1))
	if grep -Eq "$2" "$f"; then
		found=$((found + 1)); echo "BENCH event $1 $3 found"
	else
		echo "BENCH event $1 $3 missed"
	fi
}

# Did timeaudit record each injected change with the right value?
recall() {	# run-name
	f=/tmp/ta-$1.log
	cp $log "$f"
	found=0 total=0
	run=$1
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=1000000 .*class=step' step+1ms
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=-1000000 .*class=step' step-1ms
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=1000000000 .*class=step' step+1s
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=-1000000000 .*class=step' step-1s
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=3600000000000 .*class=step' step+1h
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=-3600000000000 .*class=step' step-1h
	chk "$run" '^type=TIME_ADJNTPVAL.*op=freq .* new_ppm=(50|53)\.000 .*class=freq' freq+50ppm
	chk "$run" '^type=TIME_ADJNTPVAL.*op=freq .* old_ppm=(50|53)\.000 new_ppm=(0|3)\.000 .*class=freq' freq-50ppm
	chk "$run" '^type=TIME_ADJNTPVAL.*op=tick .* delta_us=10 .*class=tick' tick+10us
	chk "$run" '^type=TIME_ADJNTPVAL.*op=tick .* delta_us=-10 .*class=tick' tick-10us
	chk "$run" '^type=TIME_ADJNTPVAL.*op=status .* new_flags=[^ ]*INS' leap_set
	chk "$run" '^type=TIME_ADJNTPVAL.*op=status .* old_flags=[^ ]*INS' leap_clear
	chk "$run" '^type=TIME_INJOFFSET.* delta_ns=10[0-9]{7} .*class=drift' salami_drift
	recall_end
}

# Trace 3: what this VM's injector did, and what chronyd did about it.
recall3() {	# run-name
	f=/tmp/ta-$1.log
	cp $log "$f"
	found=0 total=0
	run=$1
	inj='.*comm="trace_replay"'
	chk "$run" "^type=TIME_INJOFFSET.* delta_ns=1000000000 .*class=step$inj" step+1s
	chk "$run" "^type=TIME_INJOFFSET.* delta_ns=3600000000000 .*class=step$inj" step+1h
	chk "$run" "^type=TIME_ADJNTPVAL.*op=freq .* delta_ppm=50\\.000 .*class=freq$inj" freq+50ppm
	chk "$run" "^type=TIME_ADJNTPVAL.*op=tick .* delta_us=10 .*class=tick$inj" tick+10us
	chk "$run" "^type=TIME_ADJNTPVAL.*op=tick .* delta_us=-10 .*class=tick$inj" tick-10us
	chk "$run" "^type=TIME_ADJNTPVAL.*op=status .* new_flags=[^ ]*INS$inj" leap_set
	chk "$run" "^type=TIME_ADJNTPVAL.*op=status .* old_flags=[^ ]*INS$inj" leap_clear
	recall_end
	# chronyd's own: its first step (~5 s), and stepping back 1 s and 1 h.
	for c in 'delta_ns=[45][0-9]{9} .*class=step' \
		 'delta_ns=-[0-9]{10} .*class=step' \
		 'delta_ns=-36[0-9]{11} .*class=step'; do
		echo "BENCH chronyd $run $(grep -Ec "^type=TIME_INJOFFSET.*$c.*comm=\"chronyd\"" "$f") $c"
	done
}

recall_end() {
	echo "BENCH recall $run $found $total"
	# The records themselves, for RESULTS.md and whoever checks.
	grep -E '^type=TIME_(INJOFFSET|ADJNTPVAL)' "$f" | tr '\035' ' ' |
		sed "s/^/BENCH rec $run /" | cut -c1-400
}

volume() {
	sed -i 's/^max_log_file_action.*/max_log_file_action = IGNORE/;
		s/^max_log_file .*/max_log_file = 4096/' /etc/audit/auditd.conf
	for tr in 1 2; do
		fresh_log
		stock_rules
		t0=$(date +%s)
		$T/trace_replay $tr "$hours"
		wait_marker "$hours"
		echo "BENCH wall stock$tr $(($(date +%s) - t0))"
		auditctl -D >/dev/null
		count stock$tr "$hours"

		fresh_log
		insmod /ta/timeaudit.ko
		t0=$(date +%s)
		$T/trace_replay $tr "$hours"
		wait_marker "$hours"
		echo "BENCH wall ta$tr $(($(date +%s) - t0))"
		count ta$tr "$hours"
		recall ta$tr
		rmmod timeaudit
	done
	chrony
}

# Trace 3: a real chronyd, minutes counted as the other traces' hours.
chrony() {
	for cfg in stock ta; do
		fresh_log
		if [ $cfg = stock ]; then stock_rules; else insmod /ta/timeaudit.ko; fi
		t0=$(date +%s)
		$T/trace_replay 3 "$minutes"
		wait_marker "$minutes"
		echo "BENCH wall ${cfg}3 $(($(date +%s) - t0))"
		auditctl -D >/dev/null
		count ${cfg}3 "$minutes"
		if [ $cfg = ta ]; then recall3 ta3; rmmod timeaudit; fi
	done
}

cost() {
	r=1
	while [ $r -le "$rounds" ]; do
		for cfg in base kprobe kretprobe kretprobe2 skeleton ta stock; do
			case $cfg in
			kprobe|kretprobe|kretprobe2|skeleton)
				# Not loaded, its numbers would be the baseline's.
				insmod $T/ta_floor.ko kind=$cfg ||
					{ echo "# floor $cfg did not load"; continue; } ;;
			ta)	insmod /ta/timeaudit.ko
				echo "BENCH mem coresize $(cat /sys/module/timeaudit/coresize) initsize $(cat /sys/module/timeaudit/initsize)" ;;
			stock)	stock_rules ;;
			esac
			$T/call_cost "$ncalls" | sed "s/^/BENCH cost $r $cfg /"
			case $cfg in
			kprobe|kretprobe|kretprobe2|skeleton)
				rmmod ta_floor ;;
			ta)	rmmod timeaudit ;;
			stock)	auditctl -D >/dev/null ;;
			esac
		done
		r=$((r + 1))
	done
}

# scripts/profile.sh: one call kind in a loop, for a debugger to step
# through, after what is to be loaded (timeaudit, a floor, nothing); the
# kernel's and the modules' symbols on the second port, to name them.
profile() {
	op=$(sed -n 's/.*timeaudit.op=\([a-z_]*\).*/\1/p' /proc/cmdline)
	load=$(sed -n 's/.*timeaudit.load=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
	case $load in
	ta) insmod /ta/timeaudit.ko ;;
	none) ;;
	*) insmod $T/ta_floor.ko kind="$load" ;;
	esac
	cat /proc/kallsyms >/dev/ttyS1
	echo "PROFILE ready $op $load" >/dev/console
	$T/call_cost -l "$op"
}

echo "BENCH kernel $(uname -r)"
case $phase in
profile) profile ;;
volume) volume ;;
cost) cost ;;
*) echo "# unknown timeaudit.bench=$phase" ;;
esac
