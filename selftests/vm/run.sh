#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel with the test initramfs under qemu (TCG), collect the TAP
# the guest writes on its second serial port, and judge the run: every
# selftest must finish with its full plan, the guest must print its
# success marker, and the kernel console must show no BUG, WARNING, oops
# or lockdep report. Prints TAP on stdout; exits non-zero on any failure.
#
# usage: run.sh KERNEL INITRD OUTDIR [TIMEOUT_S] [EXTRA_CMDLINE]
# env:   TA_EXPECT: file listing the selftests that must have run
# env:   TA_SMP (default 2), TA_MEM (default 1024), TA_CPU (default max),
#        TA_ACCEL, TA_QEMU_EXTRA; TA_BOOT: a program that boots instead
#        (same arguments, same files in OUTDIR: scripts/vm-arm64.sh)
set -u

kernel=$1 initrd=$2 outdir=$3 timeout_s=${4:-600} extra=${5:-}
mkdir -p "$outdir"
console=$outdir/console.log
results=$outdir/results.log
rm -f "$console" "$results" "$outdir/dmesg.log"

# Single-threaded TCG: with one host thread per vCPU, a vCPU could keep
# running a stale translation of kernel text that another vCPU had just
# patched (ftrace/kprobe int3 patching), and spin in the int3 handler.
start=$(date +%s)
if [ -n "${TA_BOOT:-}" ]; then
	# Another machine (selftests/vm/boot-arm64.sh): the same four files.
	"$TA_BOOT" "$kernel" "$initrd" "$outdir" "$timeout_s" "$extra"
else
# shellcheck disable=SC2086
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 \
	-accel "${TA_ACCEL:-tcg,thread=single}" -cpu "${TA_CPU:-max}" -m "${TA_MEM:-1024}" -smp "${TA_SMP:-2}" \
	-no-reboot -display none -monitor none -nodefaults \
	-rtc base=utc -device e1000e \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 audit=1 panic=-1 loglevel=6 $extra" \
	-serial "file:$console" -serial "file:$results" \
	-serial "file:$outdir/audit.log" -serial "file:$outdir/dmesg.log" \
	${TA_QEMU_EXTRA:-} </dev/null >"$outdir/qemu.log" 2>&1
fi
qrc=$?
echo "# vm: $(basename "$kernel") ran $(($(date +%s) - start)) s, qemu exit $qrc"

tr -d '\r' <"$results" >"$results.clean" 2>/dev/null || : >"$results.clean"
fail=0

awk '
/^# selftest: / { name = $3; n = 0; plan = -1; next }
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0 }
/^(ok|not ok) / { n++ }
/^# exit: / {
	rc = $4
	good = (rc == 0 && plan >= 0 && n == plan)
	printf "%s - %s: exit %s, %d of %d planned results\n",
	       good ? "ok" : "not ok", $3, rc, n, plan
	name = ""
	next
}
{ print }
END { if (name != "") printf "not ok - %s: did not finish\n", name }
' "$results.clean" | tee "$outdir/tap.log"
grep -q '^not ok' "$outdir/tap.log" && fail=1

for t in $(cat "${TA_EXPECT:-/dev/null}"); do
	if ! grep -q "^ok - $t: " "$outdir/tap.log"; then
		grep -q " - $t: " "$outdir/tap.log" ||
			echo "not ok - $t: no result"
		fail=1
	fi
done

if grep -q '^TIMEAUDIT-VM-DONE' "$results.clean"; then
	echo "ok - vm: guest reached its success marker"
else
	echo "not ok - vm: no success marker (timeout ${timeout_s}s, crash or hang)"
	tail -n 20 "$console" | sed 's/^/# console: /'
	fail=1
fi

# The console, and the kernel log the guest writes to its fourth port at
# the end (a run with a quiet console, as the debug tier's, keeps its
# reports there).
pat='BUG:|WARNING:|Call Trace|Oops|Kernel panic|possible circular locking|inconsistent lock state|possible recursive locking|sleeping function called from invalid context|KASAN|UBSAN'
if grep -Eq "$pat" "$console" "$outdir/dmesg.log" 2>/dev/null; then
	echo "not ok - vm: kernel reported a problem"
	grep -hE -A 15 "$pat" "$console" "$outdir/dmesg.log" 2>/dev/null |
		head -n 60 | sed 's/^/# console: /'
	fail=1
else
	echo "ok - vm: no BUG, WARNING, oops or lockdep report on the console"
fi
exit $fail
