#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The one test entry point (make check). Every stage leaves TAP lines in
# build/results; the closing line counts them all. A stage that cannot
# run is a failure, never a silent skip.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
res=$top/build/results
rm -rf "$res"
mkdir -p "$res"
t0=$(date +%s)

# stage NAME CMD...: run CMD, keep its log, record one TAP line for it.
stage() {
	name=$1
	shift
	s=$(date +%s)
	if "$@" >"$res/$name.log" 2>&1; then
		echo "ok - $name ($(($(date +%s) - s)) s)" | tee "$res/$name.tap"
	else
		echo "not ok - $name ($(($(date +%s) - s)) s)" | tee "$res/$name.tap"
		tail -n 30 "$res/$name.log" | sed 's/^/# /'
	fi
}

# tap_stage NAME CMD...: CMD prints TAP itself; keep it as the results.
tap_stage() {
	name=$1
	shift
	if "$@" >"$res/$name.tap" 2>"$res/$name.log"; then
		rc=0
	else
		rc=$?
	fi
	grep -E '^(not )?ok' "$res/$name.tap" | sed "s/^/[$name] /"
	if [ $rc != 0 ] && ! grep -q '^not ok' "$res/$name.tap"; then
		echo "not ok - $name exited $rc" | tee -a "$res/$name.tap"
		tail -n 30 "$res/$name.log" | sed 's/^/# /'
	fi
}

stage deps scripts/install-deps.sh
kver=$(scripts/debian-kernel.sh)
kdir=/usr/src/linux-headers-$kver
export KSRC="$top/build/ksrc"
stage kernel-source scripts/extract-ksrc.sh "$KSRC"
tap_stage version-sync scripts/check-version.sh

# W=1 build against Debian's headers: any compiler warning fails it.
build_module() {
	make -C "$kdir" M="$top" W=1 modules 2>&1 | tee "$res/module-build.out"
	[ -f kmod/timeaudit.ko ] && ! grep -q 'warning:' "$res/module-build.out"
}
stage module-build-W1 build_module

# Kernel style on every kernel source. compat.h is the one file whose job
# is comparing kernel versions, so it may use LINUX_VERSION_CODE.
checkpatch() {
	rc=0
	for f in kmod/*.c kmod/*.h uapi/linux/timeaudit.h \
		 selftests/bench/floor/ta_floor.c; do
		case $f in *.mod.c) continue ;; esac
		ign=
		[ "$f" = kmod/compat.h ] &&
			ign="--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON"
		# shellcheck disable=SC2086
		perl "$KSRC/scripts/checkpatch.pl" --no-tree --terse -f $ign \
			"$f" || rc=1
	done
	return $rc
}
stage checkpatch checkpatch
sparse() {
	make -C "$kdir" M="$top" C=2 modules 2>&1 | tee "$res/sparse.out" &&
	! grep -Eq '(warning|error):' "$res/sparse.out"
}
stage sparse-C2 sparse
# The same two for arm64, cross, against Debian's arm64 headers of the
# same ABI (fetched once into the cache): ~30 s cold, seconds warm.
stage arm64-build-W1 scripts/arm64-build.sh W=1
stage arm64-sparse-C2 scripts/arm64-build.sh C=2
stage userspace-build make -C userspace
tap_stage userspace-tests make -s -C userspace test
stage userspace-cppcheck make -C userspace lint

# Shipping: the man page renders without a groff warning; make install
# and uninstall into a DESTDIR; make sign with a throwaway key; DKMS
# builds the module against Debian's headers.
stage man-page make -s -B man
tap_stage install-destdir scripts/test-install.sh "$kdir"
tap_stage sign scripts/test-sign.sh "$kdir"
tap_stage dkms scripts/test-dkms.sh "$kver"
# The Debian packages (make deb), linted; the rules they ship pass the
# scanners' time-change checks (OpenSCAP, SCAP Security Guide's OVAL).
tap_stage deb scripts/test-deb.sh "$kdir"
tap_stage openscap scripts/test-openscap.sh
stage selftests-build make -C selftests KSRC="$KSRC" OUT="$top/build/tests"

vm_test() {
	selftests/vm/mkinitramfs.sh build/vm-initrd.gz kmod/timeaudit.ko \
		userspace/timeauditctl build/tests &&
	TA_EXPECT=build/tests/ORDER.stock selftests/vm/run.sh \
		"/boot/vmlinuz-$kver" build/vm-initrd.gz build/vm-stock 1500 \
		ta.order=stock
}

# The PREEMPT_RT tier: Debian 12's own -rt kernel (linux-image-rt-amd64),
# where a spinlock_t sleeps, so a probe handler that takes one (through
# audit_log_end(), say) shows as "BUG: scheduling while atomic" on the
# console and fails run.sh. The module is built W=1 against the rt
# headers in a copy of its own, like the debug tier's.
rtver=$(scripts/debian-kernel.sh rt-amd64)
rt_module_build() {
	[ -n "$rtver" ] && rm -rf build/rt-src && mkdir -p build/rt-src &&
	cp -r Kbuild kmod uapi build/rt-src/ &&
	make -C "/usr/src/linux-headers-$rtver" M="$top/build/rt-src" W=1 \
		modules 2>&1 | tee "$res/rt-module-build.out" &&
	[ -f build/rt-src/kmod/timeaudit.ko ] &&
	! grep -q 'warning:' "$res/rt-module-build.out"
}
vm_rt() {
	# mkinitramfs.sh takes qemu's NIC driver from the rt release's tree.
	nic=/lib/modules/$rtver/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko
	[ -f "$nic" ] || { echo "not ok - vm-rt: no $nic"; return 1; }
	selftests/vm/mkinitramfs.sh build/rt-initrd.gz \
		build/rt-src/kmod/timeaudit.ko userspace/timeauditctl \
		build/tests &&
	# noirqdebug: on RT the 8250's IRQ is a thread, and dumping the
	# audit log on ttyS2 (IRQ 4, shared with the console's ttyS0) kept
	# it busy past RT throttling; the kernel then took the interrupts
	# as unhandled ("irq 4: nobody cared"), disabled the line, and the
	# dump and the success marker never came out.
	TA_SMP=2 TA_EXPECT=build/tests/ORDER selftests/vm/run.sh \
		"/boot/vmlinuz-$rtver" build/rt-initrd.gz build/vm-rt 900 \
		noirqdebug
}

# The debug tier: KUnit, then every selftest again, on a KASAN + lockdep
# kernel built from Debian's linux-source-6.1 (cached after the first run),
# booted so that any warning panics, with 4 CPUs for the stress test.
# TCG's TSCs are one clock, but the kernel's sync check across 4 vCPUs
# fails and leaves it on the HPET, whose slow emulated reads made chronyd
# swing by 35 ppm in clients_test: tsc=reliable keeps the TSC.
# PROVE_RAW_LOCK_NESTING checks the lock order PREEMPT_RT needs; 6.1
# itself breaks it when it prints under the raw timekeeper_lock
# ("Clock: inserting leap second", "Adjusting tsc more than 11%") and
# the serial console driver takes its port lock, and lockdep then
# switches itself off. loglevel=4 keeps warnings and notices in the
# kernel log only; run.sh reads that (dmesg, on the guest's fourth
# serial port) as well as the console.
dbg=""
find_debug_kernel() {
	dbg=$(scripts/build-debug-kernel.sh) && [ -f "$dbg/arch/x86/boot/bzImage" ]
}
debug_module_build() {
	rm -rf build/dbg-src && mkdir -p build/dbg-src &&
	cp -r Kbuild kmod uapi build/dbg-src/ &&
	make -C "$dbg" M="$top/build/dbg-src" W=1 modules 2>&1 |
		tee "$res/debug-module-build.out" &&
	[ -f build/dbg-src/kmod/timeaudit_kunit.ko ] &&
	! grep -q 'warning:' "$res/debug-module-build.out"
}
vm_debug() {
	{ echo kunit; cat build/tests/ORDER; } >build/dbg-expect &&
	selftests/vm/mkinitramfs.sh build/dbg-initrd.gz \
		build/dbg-src/kmod/timeaudit.ko userspace/timeauditctl \
		build/tests build/dbg-src/kmod/timeaudit_kunit.ko &&
	TA_SMP=4 TA_EXPECT=build/dbg-expect selftests/vm/run.sh \
		"$dbg/arch/x86/boot/bzImage" build/dbg-initrd.gz build/vm-debug \
		1800 "panic_on_warn=1 oops=panic tsc=reliable loglevel=4"
}

# Other Debian kernels (scripts/matrix.sh): each module built with that
# release's gcc against its headers in a debootstrap chroot cached in
# /var/cache/timeaudit, and every selftest run again on that release's
# own kernel. About 4 min each with the chroot cached; creating one
# takes a minute or two more. make check runs the newest and the
# oldest (lane B below); make check-matrix runs them all.

# linuxptp's phc2sys on a PTP clock that ticks under TCG (qemu's e1000e
# one does not): netdevsim's ptp_mock, in a small kernel built once from
# unstable's linux-source in matrix.sh's sid chroot and cached
# (scripts/build-ptp-kernel.sh; it has CONFIG_POSIX_AUX_CLOCKS too).
# One boot, phc2sys_test and aux_test: phc2sys's first step is one
# record, two minutes of steady state none; the stock syscall rule's
# count beside it; aux clock 0 enabled, set, stepped, retuned, attacked
# (about 10 s of the boot). Under 3 min warm (lane B).

# Detection content and reporting, against the records of vm-stock-6.1:
# every Sigma rule is valid, uses real field names and matches real
# records; timeaudit-report's counts equal grep's.
# Forwarding: audisp-remote to a second auditd over loopback in the VM
# (selftests/vm/fleet.sh); the forwarded records, node= and all, must
# then be read by timeaudit-report as the VM's host.
vm_fleet() {
	selftests/vm/mkinitramfs.sh build/fleet-initrd.gz kmod/timeaudit.ko \
		userspace/timeauditctl build/tests &&
	echo fleet >build/fleet-expect &&
	TA_EXPECT=build/fleet-expect selftests/vm/run.sh "/boot/vmlinuz-$kver" \
		build/fleet-initrd.gz build/vm-fleet 300 timeaudit.mode=fleet &&
	sed -n 's/^# collector: //p' build/vm-fleet/results.log.clean |
		scripts/timeaudit-report --json | grep -q '"timeaudit-vm"' &&
	echo "ok - fleet: timeaudit-report reads the collector's log"
}

# The real system (scripts/system-vm.sh, also make check-system): a
# Debian 12 root file system booted with systemd, the packages of the deb
# stage installed with apt, DKMS, a reboot, auditd's log; chronyd and
# systemd-timesyncd under the installed rules and under the stock rule;
# a second kernel's headers (DKMS builds for it too); apt purge. About
# 25 min warm, most of it two DKMS builds and the daemons' windows.

# The VM stages run in two lanes side by side, one qemu each on the two
# cores: lane A the 6.1 tiers (stock with the records that sigma, report
# and fleet read, PREEMPT_RT, debug), lane B the other kernels and the
# real system. Each stage still keeps its own log and TAP; lane B's
# lines come out when it ends.
lane_a() {
	tap_stage vm-stock-6.1 vm_test
	tap_stage sigma /usr/bin/python3 scripts/check-sigma.py build/vm-stock/audit.log
	tap_stage report scripts/test-report.sh build/vm-stock/audit.log
	tap_stage vm-fleet vm_fleet
	stage rt-module-build-W1 rt_module_build
	tap_stage vm-rt-6.1 vm_rt
	stage debug-kernel-build find_debug_kernel
	stage debug-module-build-W1 debug_module_build
	tap_stage vm-debug-kasan-lockdep vm_debug
}
lane_b() {
	tap_stage matrix-experimental scripts/matrix.sh experimental
	tap_stage matrix-bullseye scripts/matrix.sh bullseye
	tap_stage vm-ptp-mock scripts/vm-ptp.sh
	tap_stage system env TA_DEBS="$top/build/deb" TA_SYSTEM_KERNEL2=1 \
		scripts/system-vm.sh
}
lane_b >"$res/lane-b.out" 2>&1 &
lane_b_pid=$!
lane_a
wait $lane_b_pid
cat "$res/lane-b.out"

# The failures again, last: a CI log shows only its tail.
grep -H '^not ok' "$res"/*.tap | sed 's|^.*/\([^/]*\)\.tap:|# failed [\1] |'
cat "$res"/*.tap | awk -v secs=$(($(date +%s) - t0)) '
/^ok .*# SKIP/ { skip++; next }
/^ok/ { pass++ }
/^not ok/ { fail++ }
END {
	printf "# make check took %d s\n", secs
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit (fail > 0 || (ENVIRON["CI"] != "" && skip > 0))
}'
