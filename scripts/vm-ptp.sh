#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The vm-ptp-mock stage of make check: the selftests that need a PTP
# clock that ticks under TCG (ptp_mock behind netdevsim, which no Debian
# kernel has; qemu's e1000e clock stands still) or auxiliary clocks
# (CONFIG_POSIX_AUX_CLOCKS, off in Debian's kernels too), by default
# phc2sys_test and aux_test, in one boot.
# Boots the PTP kernel of scripts/build-ptp-kernel.sh (built once from
# unstable's linux-source in the sid chroot, then cached) with the busybox
# initramfs holding only those tests. The module is built W=1 against that
# kernel with unstable's gcc, in the chroot.
# Prints TAP and a "# timing:" line; exits non-zero on any failure.
#
# usage: scripts/vm-ptp.sh [TEST...]
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
out=$top/build/vm-ptp
root=${TA_CACHE:-/var/cache/timeaudit}/chroot-sid
tests=${*:-phc2sys_test aux_test}
export KSRC="${KSRC:-$top/build/ksrc}"
fail=0

. scripts/tap.sh

# objtool reads /proc: mounted in a mount namespace of our own (see
# build-ptp-kernel.sh).
# shellcheck disable=SC2016 # $0, $1: the inner sh's
module_build() {
	LC_ALL=C.UTF-8 unshare -m --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" make -C "$1" \
		M=/ta-ptp-src W=1 modules' "$root" "$1"
}

rm -rf "$out" && mkdir -p "$out"
s=$(date +%s)
# A fresh machine has no sid chroot yet: matrix.sh makes it (and tests
# on unstable's own kernel while at it), once; it is cached after that.
if [ ! -f "$root/.timeaudit-ready" ]; then
	scripts/matrix.sh sid >"$out/matrix-sid.log" 2>&1
	[ -f "$root/.timeaudit-ready" ] ||
		tail -n 20 "$out/matrix-sid.log" | sed 's/^/# /'
fi
how=cached
ls -d "$root"/ta-ptp-kernel-*/.done >/dev/null 2>&1 || how=built
kdir=$(scripts/build-ptp-kernel.sh 2>"$out/kernel-build.log")
rc=$?
t_kernel=$(($(date +%s) - s))
[ $rc = 0 ] || tail -n 20 "$out/kernel-build.log" | sed 's/^/# /'
tap "ptp kernel ${kdir##*/} ($how)" $rc "$t_kernel s"
[ $rc = 0 ] || exit 1

# W=1, in a copy of its own in the chroot, with the compiler the kernel
# was built with.
s=$(date +%s)
src=$root/ta-ptp-src
rm -rf "$src" && mkdir -p "$src" && cp -r Kbuild kmod uapi "$src/" &&
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
	-o -name '.*.cmd' -o -name '*.order' -o -name '*.symvers' \) -delete &&
module_build "/${kdir##*/}" >"$out/module-build.log" 2>&1 &&
[ -f "$src/kmod/timeaudit.ko" ] && ! grep -q 'warning:' "$out/module-build.log"
rc=$?
t_mod=$(($(date +%s) - s))
[ $rc = 0 ] || tail -n 30 "$out/module-build.log" | sed 's/^/# /'
tap "ptp kernel: module build W=1, $(chroot "$root" gcc --version | head -n 1)" \
	$rc "$t_mod s"
[ $rc = 0 ] || exit 1

s=$(date +%s)
mkdir -p "$out/tests" &&
scripts/extract-ksrc.sh "$KSRC" >"$out/build.log" 2>&1 &&
make -s -C userspace timeauditctl >>"$out/build.log" 2>&1 &&
for t in $tests; do
	make -s -C selftests KSRC="$KSRC" OUT="$out/tests" "$out/tests/$t" \
		>>"$out/build.log" 2>&1 || exit 1
done &&
echo "$tests" | tr ' ' '\n' >"$out/tests/ORDER" &&
selftests/vm/mkinitramfs.sh "$out/initrd.gz" "$src/kmod/timeaudit.ko" \
	userspace/timeauditctl "$out/tests" >>"$out/build.log" 2>&1
rc=$?
[ $rc = 0 ] || tail -n 20 "$out/build.log" | sed 's/^/# /'
tap "ptp kernel: selftests and initramfs" $rc
[ $rc = 0 ] || exit 1

TA_EXPECT=$out/tests/ORDER selftests/vm/run.sh "$kdir/arch/x86/boot/bzImage" \
	"$out/initrd.gz" "$out" "${VM_TIMEOUT:-420}" || fail=1
grep -h '^# phc2sys' "$out/results.log.clean" 2>/dev/null
t_vm=$(($(date +%s) - s))
echo "# timing: vm-ptp-mock: kernel $t_kernel s ($how), module build" \
	"$t_mod s, initramfs and VM $t_vm s"
exit $fail
