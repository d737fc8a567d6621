#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the VM twice with selftests/vm/bench.sh.
#  1. volume (TCG; BENCH_ACCEL=kvm to override): a simulated day of NTP
#     traffic per trace, with injected changes, under the stock syscall
#     rules and under timeaudit: records and bytes auditd wrote, recall.
#  2. cost (TCG, -icount shift=0 -smp 1, so guest ns = instructions):
#     guest ns per clock call, baseline / timeaudit / stock rules.
# Writes bench/RESULTS.md and bench/records.png; prints a summary.
#     Trace 3 is a real chronyd, for BENCH_MINUTES real minutes each time.
# env: BENCH_HOURS (24), BENCH_MINUTES (6), BENCH_ROUNDS (5),
#      BENCH_CALLS (1000), BENCH_ACCEL, BENCH_PHASES ("volume cost")
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
kver=$(scripts/debian-kernel.sh)
hours=${BENCH_HOURS:-24} rounds=${BENCH_ROUNDS:-5} ncalls=${BENCH_CALLS:-1000}
minutes=${BENCH_MINUTES:-6}
B=build/bench
mkdir -p $B bench
scripts/bench-build.sh $B

# KVM would be faster, but nested KVM on the build hosts fails with -cpu
# max or host and hangs with kvm64: TCG unless BENCH_ACCEL says otherwise.
accel="tcg,thread=single"
[ "${BENCH_ACCEL:-}" ] && accel=$BENCH_ACCEL

# BENCH_PHASES: which VMs to boot (default "volume cost").
phases=${BENCH_PHASES:-volume cost}
for v in $phases; do
case $v in
volume)
echo "bench: volume VM ($accel)"
TA_ACCEL=$accel TA_MEM=2048 TA_SMP=1 selftests/vm/run.sh "/boot/vmlinuz-$kver" \
	$B-initrd.gz $B-volume $((900 + 150 * minutes)) \
	"timeaudit.mode=bench timeaudit.bench=volume timeaudit.hours=$hours timeaudit.minutes=$minutes" \
	>$B-volume.verdict || true ;;
cost)
echo "bench: cost VM (TCG, -icount shift=0 -smp 1)"
TA_ACCEL="tcg,thread=single" TA_SMP=1 TA_QEMU_EXTRA="-icount shift=0" \
	selftests/vm/run.sh "/boot/vmlinuz-$kver" $B-initrd.gz $B-cost 1200 \
	"timeaudit.mode=bench timeaudit.bench=cost timeaudit.rounds=$rounds timeaudit.calls=$ncalls" \
	>$B-cost.verdict || true ;;
esac
done
for v in $phases; do
	if ! grep -q '^ok - vm: guest reached' $B-$v.verdict; then
		echo "bench: $v VM failed:" >&2; cat $B-$v.verdict >&2; exit 1
	fi
done

for v in $phases; do grep -h '^BENCH ' $B-$v/results.log.clean; done \
	>$B/raw.txt
size kmod/timeaudit.ko | tail -n 1 >$B/size.txt
for s in ta_adjtimex_data ta_ntp_core_data ta_settime_data ta_step_data \
	 ta_rtc_data ta_phc_data ta_lock_data; do
	printf '%s %s\n' $s "$(pahole -C $s kmod/timeaudit.ko 2>/dev/null |
		sed -n 's/.*size: \([0-9]*\),.*/\1/p' | head -n 1)"
done >$B/datasize.txt
maxactive=$(sed -n 's/^#define TA_INFLIGHT_SLOTS[^0-9]*\([0-9]*\).*/\1/p' kmod/inflight.h)

# Records per simulated hour, for the plot: hour stock1 ta1 stock2 ta2
awk -v H="$hours" '$2 == "hours" { for (i = 4; i <= NF; i++) v[$3, i - 4] = $i }
END { for (i = 0; i < H; i++) {
	printf "%d", i
	n = split("stock1 ta1 stock2 ta2", r, " ")
	for (k = 1; k <= n; k++) { x = v[r[k], i] + 0; printf " %s", (x > 0 ? x : 0.5) }
	print "" } }' $B/raw.txt >$B/hours.dat
case $phases in *volume*)
gnuplot <<GP
set terminal pngcairo size 900,520 font ",10"
set output "bench/records.png"
set title "Audit records per hour of a simulated day of NTP traffic (injected changes at 02, 05, 08, 11, 14, 17, 20 h)"
set xlabel "simulated hour"
set ylabel "records written by auditd (log scale; 0 drawn at 0.5)"
set logscale y
set yrange [0.4:*]
set ytics add ("0" 0.5)
set xrange [-0.5:$hours-0.5]
set key outside bottom center horizontal
set grid ytics
plot "$B/hours.dat" u 1:2 w linespoints lw 2 t "stock rules, trace 1 (ntpd, adjtime slews)", \
     "" u 1:4 w linespoints lw 2 t "stock rules, trace 2 (kernel PLL, 64 s poll)", \
     "" u 1:3 w linespoints lw 2 pt 7 t "timeaudit, trace 1", \
     "" u 1:5 w linespoints lw 2 pt 5 t "timeaudit, trace 2"
GP
;;
esac

# A partial run (BENCH_PHASES) keeps the full run's report.
report=bench/RESULTS.md
[ "$phases" = "volume cost" ] || report=bench/RESULTS-$(echo $phases | tr ' ' -).md
python3 scripts/bench-report.py $B "$hours" "$rounds" "$ncalls" "$accel" \
	"$maxactive" "$(qemu-system-x86_64 --version | head -n 1)" "$minutes" \
	>"$report"
sed -n '/^## Summary/,/^## /p' "$report" | sed '$d'
echo "bench: wrote $report"
