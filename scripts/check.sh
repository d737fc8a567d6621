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

# W=1 build against Debian's headers: any compiler warning fails it.
build_module() {
	make -C "$kdir" M="$top" W=1 modules 2>&1 | tee "$res/module-build.out"
	[ -f kmod/timeaudit.ko ] && ! grep -q 'warning:' "$res/module-build.out"
}
stage module-build-W1 build_module
stage userspace-build make -C userspace
tap_stage userspace-tests make -s -C userspace test
stage selftests-build make -C selftests KSRC="$KSRC" OUT="$top/build/tests"

vm_test() {
	selftests/vm/mkinitramfs.sh build/vm-initrd.gz kmod/timeaudit.ko \
		userspace/timeauditctl build/tests &&
	TA_EXPECT=build/tests/ORDER selftests/vm/run.sh "/boot/vmlinuz-$kver" build/vm-initrd.gz \
		build/vm-stock 900
}
tap_stage vm-stock-6.1 vm_test

cat "$res"/*.tap | awk -v secs=$(($(date +%s) - t0)) '
/^ok .*# SKIP/ { skip++; next }
/^ok/ { pass++ }
/^not ok/ { fail++ }
END {
	printf "# make check took %d s\n", secs
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit (fail > 0 || (ENVIRON["CI"] != "" && skip > 0))
}'
