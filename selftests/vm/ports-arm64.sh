# SPDX-License-Identifier: GPL-2.0
# Sourced by the arm64 VM's init (selftests/vm/mkinitramfs-arm64.sh):
# load the virtio-serial drivers and name the ports the host gave
# (selftests/vm/boot-arm64.sh) as /dev/ta.NAME; there is no udev. The
# ports come up after the driver's probe, so wait for the last one.
insmod /ta/virtio/virtio_mmio.ko
insmod /ta/virtio/virtio_console.ko
i=0
while [ ! -e /dev/ta.dmesg ] && [ $i -lt 100 ]; do
	for p in /sys/class/virtio-ports/vport*; do
		[ -e "$p/name" ] && ln -sf "/dev/${p##*/}" "/dev/$(cat "$p/name")"
	done
	i=$((i + 1))
	sleep 0.1
done
[ -e /dev/ta.dmesg ] || echo "# init: virtio-serial ports missing" >/dev/console
