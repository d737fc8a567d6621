#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-system: timeaudit deployed as Debian admins deploy it, on a
# real Debian 12 system. Boots the image of scripts/system-image.sh
# (systemd as PID 1, auditd, DKMS; cached) under qemu TCG with its own
# kernel and initramfs, from a qcow2 overlay (the cached image stays
# clean, the in-run reboot keeps state), with a second disk holding the
# packages of make deb and selftests/system/test.sh. The guest installs
# them with apt (no network: DKMS builds with what the image holds),
# reboots, checks the units, the setting, the records of date -s and of
# the unload in auditd's log, and that apt purge leaves nothing; it
# prints TAP on its second serial port. This script judges it: the full
# plan, no failure, the success marker, and no BUG, WARNING, oops or
# lockdep report on the kernel console. Prints TAP and "# timing:" lines;
# exits non-zero on any failure. Logs in build/system/ (vm/console.log,
# vm/results.log: the guest's TAP). Time: the image once about 7 min;
# then a run about 9 min under TCG, 6 of them DKMS's build in the guest.
#
# usage: scripts/system-vm.sh
# env:   TA_DEBS: directory with the two packages (default: make deb into
#        build/system/deb); TA_SYSTEM_TIMEOUT (default 2400 s);
#        TA_CACHE (default /var/cache/timeaudit); TA_SYSTEM_KERNEL2=1:
#        also install a second kernel's headers in the VM (Debian 12's
#        PREEMPT_RT flavour) and check that DKMS builds for it too
#        (AUTOINSTALL): one more DKMS build, about 6 min more.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
out=$top/build/system
tmo=${TA_SYSTEM_TIMEOUT:-2400}
. scripts/tap.sh

if [ "$(id -u)" != 0 ]; then
	echo "not ok 1 - check-system: needs root (debootstrap, chroot)"
	exit 1
fi
scripts/install-deps.sh || {
	echo "not ok 1 - check-system: scripts/install-deps.sh failed"
	exit 1
}
mkdir -p "$out"
rm -rf "$out/vm" "$out/disk" "$out/overlay.qcow2" "$out/disk2.raw"
mkdir -p "$out/vm" "$out/disk"

s=$(date +%s)
cached=cached
[ -f "$(ls -d "${TA_CACHE:-/var/cache/timeaudit}"/system-*/.done \
	2>/dev/null | head -n 1)" ] || cached=created
img=$(scripts/system-image.sh 2>"$out/image.err")
rc=$?
[ $rc = 0 ] || sed 's/^/# /' "$out/image.err"
# A stale image of an older key counts as created too.
grep -q debootstrap "$out/image.err" && cached=created
t_image=$(($(date +%s) - s))
ok $rc "Debian 12 system image $cached: ${img:-none}"
[ $rc = 0 ] || exit 1
kver=$(cat "$img/kver")

s=$(date +%s)
debs=${TA_DEBS:-}
if [ -z "$debs" ]; then
	debs=$out/deb
	scripts/build-deb.sh "$debs" >"$out/build-deb.log" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 20 "$out/build-deb.log" | sed 's/^/# /'
else
	ls "$debs"/timeaudit-dkms_*_all.deb "$debs"/timeaudit_*_amd64.deb \
		>/dev/null
	rc=$?
fi
t_deb=$(($(date +%s) - s))
ok $rc "packages: $(cd "$debs" 2>/dev/null &&
	echo timeaudit-dkms_*_all.deb timeaudit_*_amd64.deb)"
[ $rc = 0 ] || exit 1

# The second disk: the packages, the guest's test, its time sources, and
# systemd-timesyncd of the image's systemd version (it conflicts with
# chrony, which the image holds: the guest installs it after chronyd's
# part), from apt's cache or downloaded.
sdver=$(chroot "$img/rootfs" dpkg-query -W -f='${Version}' systemd 2>/dev/null)
f=$(ls /var/cache/apt/archives/systemd-timesyncd_"$(echo "$sdver" |
	sed 's/:/%3a/')"_amd64.deb 2>/dev/null)
if [ -n "$f" ]; then
	cp "$f" "$out/disk/"
else
	(cd "$out/disk" && apt-get download -q -o APT::Sandbox::User=root \
		"systemd-timesyncd=$sdver") >"$out/timesyncd-download.log" 2>&1
fi
ls "$out"/disk/systemd-timesyncd_*.deb >/dev/null 2>&1
ok $? "systemd-timesyncd $sdver, the image's systemd version, for the guest"
cc -O2 -Wall -Wextra -Werror -o "$out/disk/ta-timeref" \
	selftests/system/ta-timeref.c selftests/refclock.c
ok $? "ta-timeref, the guest's time sources (NTP server, refclock), built"
cp "$debs"/timeaudit-dkms_*_all.deb "$debs"/timeaudit_*_amd64.deb \
	selftests/system/test.sh "$out/disk/" &&
if [ -n "${TA_SYSTEM_KERNEL2:-}" ]; then
	# What a second kernel's headers need beyond what the image holds
	# (its kbuild and compiler are the first one's): from apt's cache,
	# else downloaded.
	kv2=$(scripts/debian-kernel.sh rt-amd64)
	mkdir -p "$out/disk/kernel2"
	for p in "linux-headers-$kv2" "linux-headers-${kv2%-rt-amd64}-common-rt"
	do
		f=$(ls /var/cache/apt/archives/"${p}"_*.deb 2>/dev/null |
			tail -n 1)
		if [ -n "$f" ]; then
			cp "$f" "$out/disk/kernel2/"
		else
			(cd "$out/disk/kernel2" && apt-get download -q \
				-o APT::Sandbox::User=root "$p") \
				>>"$out/kernel2-download.log" 2>&1
		fi
	done
fi
mkfs.ext4 -q -L ta-disk -d "$out/disk" "$out/disk2.raw" 128M \
	>"$out/mkfs.log" 2>&1 &&
qemu-img create -q -f qcow2 -F raw -b "$img/disk.raw" \
	"$out/overlay.qcow2" >"$out/qemu-img.log" 2>&1
ok $? "test disk and a qcow2 overlay of the cached image"

# Without -no-reboot: the guest's reboot resets the machine, the same
# overlay keeps what phase 1 installed, -kernel/-initrd boot again.
# Single-threaded TCG, as selftests/vm/run.sh explains.
s=$(date +%s)
timeout --foreground -k 5 "$tmo" qemu-system-x86_64 \
	-accel tcg,thread=single -cpu max -m 2048 -smp 2 \
	-display none -monitor none -nodefaults -rtc base=utc \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
	-append "root=/dev/vda rw audit=1 console=ttyS0 loglevel=5 panic=-1 fsck.mode=skip systemd.show_status=0 net.ifnames=0" \
	-drive "file=$out/overlay.qcow2,format=qcow2,if=virtio,cache=unsafe" \
	-drive "file=$out/disk2.raw,format=raw,if=virtio,readonly=on" \
	-serial "file:$out/vm/console.log" -serial "file:$out/vm/results.log" \
	</dev/null >"$out/vm/qemu.log" 2>&1
qrc=$?
t_vm=$(($(date +%s) - s))
echo "# vm: kernel $kver ran $t_vm s, qemu exit $qrc"

tr -d '\r' <"$out/vm/results.log" >"$out/vm/tap.log"
# The guest's checks, renumbered into this TAP stream.
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/vm/tap.log" | head -n 1)
got=0
while IFS= read -r l; do
	case $l in
	"ok "*) got=$((got + 1)); ok 0 "vm: ${l#ok * - }" ;;
	"not ok "*) got=$((got + 1)); ok 1 "vm: ${l#not ok * - }" ;;
	"#"*|"Bail out"*) echo "# vm: $l" ;;
	esac
done <"$out/vm/tap.log"
[ -n "$plan" ] && [ "$got" = "$plan" ] &&
	! grep -q '^Bail out' "$out/vm/tap.log"
ok $? "vm: $got of ${plan:-?} planned checks ran"
grep -qx 'TIMEAUDIT-SYSTEM-DONE' "$out/vm/tap.log"
rc=$?
[ $rc = 0 ] || tail -n 30 "$out/vm/console.log" | sed 's/^/# console: /'
ok $rc "vm: guest reached its success marker and powered off (qemu exit $qrc)"
pat='BUG:|WARNING:|Call Trace|Oops|Kernel panic|possible circular locking|inconsistent lock state|possible recursive locking|sleeping function called from invalid context|KASAN|UBSAN'
if grep -Eq "$pat" "$out/vm/console.log"; then
	grep -E -A 15 "$pat" "$out/vm/console.log" | head -n 60 |
		sed 's/^/# console: /'
	ok 1 "vm: kernel reported a problem on the console"
else
	ok 0 "vm: no BUG, WARNING, oops or lockdep report on the console"
fi
echo "1..$n"
dkms=$(sed -n 's/.*# timing: apt install with the DKMS build: \([0-9]*\) s.*/\1/p' \
	"$out/vm/tap.log")
echo "# timing: image $t_image s ($cached), packages $t_deb s, VM $t_vm s" \
	"(apt install with the DKMS build ${dkms:-?} s), total" \
	"$((t_image + t_deb + t_vm)) s"
exit $fail
