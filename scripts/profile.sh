#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Where a clock call's instructions go: boot the bench VM (no KASLR,
# -icount) with one call kind in a loop, step through one whole syscall
# (its 21st) with gdb, and print the instructions per function, a
# module's marked [timeaudit]. A developer's tool beside make bench:
# make bench says how much, this says where.
#
# usage: scripts/profile.sh [LOAD [OPS]]   (make profile LOAD= OPS=)
#   LOAD: ta (default), none, or a floor: kprobe, kretprobe, kretprobe2,
#         skeleton
#   OPS:  adjtimex_read, adjtimex_slew, clock_settime, clock_adjtime_freq
#         (default: all four)
# env: PROFILE_TOP (40) lines per report; PROFILE_NOBUILD=1 reuses the
#      build of the last run.
set -eu
cd "$(dirname "$0")/.."
load=${1:-ta}
ops=${2:-adjtimex_read adjtimex_slew clock_settime clock_adjtime_freq}
scripts/install-deps.sh
kver=$(scripts/debian-kernel.sh)
B=build/profile
mkdir -p $B
[ -n "${PROFILE_NOBUILD:-}" ] || scripts/bench-build.sh $B
port=$((20000 + $$ % 10000))
for op in $ops; do
	case $op in
	# glibc's adjtimex() is clock_adjtime(CLOCK_REALTIME).
	adjtimex_*|clock_adjtime_freq) sys=__x64_sys_clock_adjtime ;;
	clock_settime) sys=__x64_sys_clock_settime ;;
	*) echo "profile: no call $op" >&2; exit 1 ;;
	esac
	out=$B/$load-$op
	mkdir -p "$out"
	rm -f "$out/console.log"
	qemu-system-x86_64 -accel tcg,thread=single -icount shift=0 \
		-cpu max -m 1024 -smp 1 \
		-no-reboot -display none -monitor none -nodefaults \
		-rtc base=utc -kernel "/boot/vmlinuz-$kver" -initrd $B-initrd.gz \
		-append "console=ttyS0 audit=1 panic=-1 nokaslr timeaudit.mode=bench timeaudit.bench=profile timeaudit.op=$op timeaudit.load=$load" \
		-serial "file:$out/console.log" -serial "file:$out/kallsyms" \
		-serial null \
		-serial null -gdb "tcp:127.0.0.1:$port" </dev/null \
		>"$out/qemu.log" 2>&1 &
	qpid=$!
	i=0
	until grep -q 'PROFILE ready' "$out/console.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { kill $qpid; echo "profile: VM not ready" >&2; exit 1; }
		sleep 1
	done
	TA_PROF_PORT=$port TA_PROF_OUT=$out/trace \
	TA_PROF_BREAK=0x$(awk -v s=$sys '$3 == s { print $1 }' "$out/kallsyms") \
		gdb -nx -batch -x scripts/profile-gdb.py >"$out/gdb.log" 2>&1 || :
	kill $qpid 2>/dev/null || :
	wait $qpid 2>/dev/null || :
	echo "== $load $op"
	scripts/profile-report.py "$out/trace" "$out/kallsyms" \
		"${PROFILE_TOP:-40}" | tee "$out/report.txt"
done
