#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot the arm64 test VM for run.sh (TA_BOOT): Debian's arm64 kernel
# under qemu-system-aarch64 -M virt, TCG. The outputs are those of the
# x86-64 VM, by other means: -M virt has one UART (PL011, the guest's
# ttyAMA0), the console; the TAP, the audit log and the kernel log go to
# three virtio-serial ports (virtio-mmio transport) named ta.results,
# ta.audit and ta.dmesg, which the guest's init finds by name
# (ports-arm64.sh). No NIC: no PHC to test. pauth-impdef: TCG's
# architected pointer-authentication hash is very slow, the
# implementation-defined one is not, and the guest cannot tell.
#
# usage: boot-arm64.sh KERNEL INITRD OUTDIR TIMEOUT_S EXTRA_CMDLINE
# env:   as run.sh: TA_SMP, TA_MEM, TA_CPU, TA_ACCEL, TA_QEMU_EXTRA
set -u
kernel=$1 initrd=$2 outdir=$3 timeout_s=$4 extra=$5
port() {
	echo "-chardev file,id=$1,path=$outdir/$2" \
	     "-device virtserialport,chardev=$1,name=ta.$1"
}
# shellcheck disable=SC2046,SC2086
exec timeout --foreground -k 5 "$timeout_s" qemu-system-aarch64 \
	-M virt -accel "${TA_ACCEL:-tcg,thread=single}" \
	-cpu "${TA_CPU:-max,pauth-impdef=on}" -m "${TA_MEM:-1024}" -smp "${TA_SMP:-2}" \
	-no-reboot -display none -monitor none -nodefaults \
	-rtc base=utc \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyAMA0 audit=1 panic=-1 loglevel=6 $extra" \
	-serial "file:$outdir/console.log" \
	-device virtio-serial-device \
	$(port results results.log) $(port audit audit.log) \
	$(port dmesg dmesg.log) \
	${TA_QEMU_EXTRA:-} </dev/null >"$outdir/qemu.log" 2>&1
