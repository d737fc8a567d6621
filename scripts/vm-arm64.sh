#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The selftests on arm64: Debian 12's arm64 kernel (the ABI of the amd64
# test kernel, 6.1.0-57-arm64) under qemu-system-aarch64 -M virt -cpu max
# (TCG), with arm64 busybox-static, auditd, chrony, adjtimex, hwclock,
# faketime from Debian's arm64 packages (scripts/arm64-fetch.sh: unpacked,
# not installed). Everything is cross-built into build/vm-arm64/ (the
# tree's x86-64 objects stay): the module (scripts/arm64-build.sh, W=1
# clean), timeauditctl and the selftests (gcc-aarch64-linux-gnu). The
# judge is run.sh's, with the boot of selftests/vm/boot-arm64.sh; the
# initramfs is selftests/vm/mkinitramfs-arm64.sh's. Logs as vm-quick's:
# build/vm-arm64/console.log, results.log, audit.log, dmesg.log.
#
# Not run on arm64 (ARM64_SKIP), by name:
# - compat_test: the i386 int $0x80 entries, x86-64 only. arm64's own
#   32-bit entry (AArch32: CONFIG_COMPAT=y in Debian's kernel, AArch32
#   EL0 in -cpu max) is compat_a32_test's (ARM64_TESTS, run here only,
#   before lock_test), with a32_calls, an AArch32 program (clang, lld);
# - ptp_test: qemu's e1000e PHC; -M virt has no NIC with a PHC;
# - heldslot_test: it holds tasks between a probe and their return to
#   user space with userfaultfd write protection, which arm64 has only
#   since Linux 6.10 (6.1: EINVAL); a tracer cannot stand in for it, as
#   ptrace_notify() runs the task's task_work before the syscall-exit
#   stop (tried: every slot came back, no record lost).
# step_test, lock_test and adjtimex_diff_test leave their i386 parts
# out of their plans here (no skips: a skip fails this script).
#
# usage: scripts/vm-arm64.sh [--build-only] [TEST...]
#        (default: every other selftest; --build-only: stop before the
#        boot, with build/vm-arm64/initrd.gz made)
# env:   VM_TIMEOUT (default 1200 s; the full set boots for ~6 min),
#        VM_CMDLINE, KSRC, TA_SMP, TA_MEM, KVER_ARM64, TA_CACHE
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=$top/build/vm-arm64
ARM64_SKIP="compat_test ptp_test heldslot_test"
cross=aarch64-linux-gnu-gcc
boot=1
[ "${1:-}" = --build-only ] && { boot=0; shift; }

ko=$(scripts/arm64-build.sh W=1)
kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
kroot=$(scripts/arm64-fetch.sh -n "kernel-$kver" "linux-image-$kver")
uroot=$(scripts/arm64-fetch.sh vm auditd audispd-plugins busybox-static \
	chrony adjtimex util-linux-extra faketime python3)

# timeauditctl, in a copy (its Makefile builds in place).
mkdir -p "$out/src"
find userspace uapi \( -name '*.[ch]' -o -name Makefile \) -print |
	cpio -pdmu --quiet "$out/src"
make -s -C "$out/src/userspace" CC=$cross timeauditctl >/dev/null

# The selftests: the named ones, or all of TESTS but ARM64_SKIP, in
# TESTS's order (warp_test first, lock_test last), with the tools and the
# kernel's timers selftests they use.
export KSRC="${KSRC:-$top/build/ksrc}"
scripts/extract-ksrc.sh "$KSRC"
var() {
	make -s --no-print-directory -C selftests \
		--eval "ta-print-var: ; @echo \$($1)" ta-print-var
}
if [ $# -gt 0 ]; then
	tests="$*"
else
	tests=
	for t in $(var TESTS); do
		case " $ARM64_SKIP " in *" $t "*) continue ;; esac
		# arm64's own (ARM64_TESTS), before lock_test, which is last.
		[ "$t" = lock_test ] && tests="$tests $(var ARM64_TESTS)"
		tests="$tests $t"
	done
fi
rm -rf "$out/tests"
targets=$out/tests/a32_calls
for t in $tests $(var TOOLS); do
	targets="$targets $out/tests/$t"
done
for t in $(var TIMERS); do
	targets="$targets $out/tests/timers/$t"
done
# shellcheck disable=SC2086
make -s -C selftests CC=$cross KSRC="$KSRC" OUT="$out/tests" $targets >/dev/null
# shellcheck disable=SC2086
printf '%s\n' $tests >"$out/tests/ORDER"
cp "$out/tests/ORDER" "$out/expect"

selftests/vm/mkinitramfs-arm64.sh "$out/initrd.gz" "$ko" \
	"$out/src/userspace/timeauditctl" "$out/tests" "$uroot" \
	"$kroot/lib/modules/$kver"
[ $boot = 1 ] || { echo "$out/initrd.gz"; exit 0; }
rc=0
TA_BOOT=$top/selftests/vm/boot-arm64.sh TA_EXPECT=$out/expect \
	selftests/vm/run.sh "$kroot/boot/vmlinuz-$kver" "$out/initrd.gz" \
	"$out" "${VM_TIMEOUT:-1200}" "${VM_CMDLINE:-}" || rc=$?
# No skips: what cannot run on arm64 is left out by name (ARM64_SKIP
# above, or the tests' own plans), so a skip is a failure here.
if grep -q '^ok .*# SKIP' "$out/results.log.clean"; then
	echo "not ok - vm: skipped checks (leave them out by name instead)"
	grep '^ok .*# SKIP' "$out/results.log.clean" | sed 's/^/# /'
	rc=1
else
	echo "ok - vm: no skipped check"
fi
exit $rc
