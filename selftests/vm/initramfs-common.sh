# SPDX-License-Identifier: GPL-2.0
# The parts of the test initramfs every architecture shares, sourced by
# mkinitramfs.sh and mkinitramfs-arm64.sh. The caller defines
# add_elf SRC DST (a program and the libraries it needs) and sets root,
# here, ctl, ko, kver, tests and out.

# The users and groups the tests and daemons need, and auditd's setup.
ta_add_etc() {
	cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
_chrony:x:100:101::/var/lib/chrony:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
	cat >"$root/etc/group" <<'GR'
root:x:0:
adm:x:4:
_chrony:x:101:
nogroup:x:65534:
GR
	cp "$here/auditd.conf" "$root/etc/audit/auditd.conf"
	cp "$here/audit.rules" "$root/etc/audit/audit.rules"
}

# The selftests: programs with their libraries, the rest as they are.
ta_add_tests() {
	for t in "$tests"/* "$tests"/*/*; do
		[ -f "$t" ] || continue
		dst=/ta/tests/${t#"$tests"/}
		if [ "$(head -c 4 "$t" | tail -c 3)" = ELF ]; then
			add_elf "$t" "$dst"
		else
			mkdir -p "$root$(dirname "$dst")"
			cp "$t" "$root$dst"
		fi
	done
}

# What "make install" puts on a real machine: the helper, its man page,
# the unit and the /etc files, by make install-files DESTDIR=<image>; and
# the module where modules_install puts it, for the release it was built
# for, indexed by depmod for busybox modprobe, which stands in for kmod's
# /sbin/modprobe, the one the unit runs. TA_INSTALL=0 leaves it out.
ta_add_install() {
	[ "${TA_INSTALL:-1}" != 0 ] || return 0
	ctl_abs=$(cd "$(dirname "$ctl")" && pwd)/$(basename "$ctl")
	make -s --no-print-directory -C "$here/../.." install-files \
		DESTDIR="$root" TIMEAUDITCTL="$ctl_abs" >/dev/null
	add_elf "$ctl_abs" /usr/local/sbin/timeauditctl	# and its libraries
	mods=$root/lib/modules/$kver
	mkdir -p "$mods/extra/kmod"
	cp "$ko" "$mods/extra/kmod/timeaudit.ko"
	touch "$mods/modules.order" "$mods/modules.builtin" \
		"$mods/modules.builtin.modinfo"
	depmod -b "$root" "$kver"
	ln -s /bin/busybox "$root/sbin/modprobe"
}

ta_pack() {
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
}
