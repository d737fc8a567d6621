#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install-module, install-files (make install is both) and uninstall.
#
# usage: scripts/install.sh module|files|uninstall
# env:   DESTDIR   staging root (default: none, the real system)
#        PREFIX    default /usr/local
#        SBINDIR, MANDIR, UNITDIR  default PREFIX/sbin, PREFIX/share/man,
#                  PREFIX/lib/systemd/system
#        KDIR      kernel build tree, for the module's modules_install
#        TIMEAUDITCTL  the helper to install (userspace/timeauditctl)
#
# Everything installed is listed, without DESTDIR, in
# DESTDIR/var/lib/timeaudit/install-manifest, and uninstall removes that:
#   f PATH          a file, replaced by every install
#   c PATH SHA256   an /etc file: installed only where there is none,
#                   updated only while unchanged, removed only unchanged
#   d PATH          a directory install created, removed once empty
# Installing again adds to the list.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

dest=${DESTDIR:-}
if [ -n "$dest" ]; then
	mkdir -p "$dest"
	dest=$(cd "$dest" && pwd)
	[ "$dest" = / ] && dest=
fi
prefix=${PREFIX:-/usr/local}
sbindir=${SBINDIR:-$prefix/sbin}
mandir=${MANDIR:-$prefix/share/man}
unitdir=${UNITDIR:-$prefix/lib/systemd/system}
ctl=${TIMEAUDITCTL:-userspace/timeauditctl}
state=/var/lib/timeaudit
manifest=$dest$state/install-manifest

say() { echo "timeaudit: $*"; }
die() {
	echo "timeaudit: $*" >&2
	exit 1
}
sha256() { sha256sum <"$1" | cut -d' ' -f1; }

new=$(mktemp)
tmp=$(mktemp)
trap 'rm -f "$new" "$tmp"' EXIT
note() { echo "$*" >>"$new"; }

# mkdirs DIR: make DIR under DESTDIR, noting each directory made.
mkdirs() {
	[ -d "$dest$1" ] && return 0
	mkdirs "$(dirname "$1")"
	mkdir -m 0755 "$dest$1"
	note d "$1"
}

# put SRC MODE PATH: install a file, replacing any.
put() {
	mkdirs "$(dirname "$3")"
	install -m "$2" "$1" "$dest$3"
	note f "$3"
	say "installed $dest$3"
}

# The checksum an earlier install noted for /etc file PATH, if any.
old_sum() {
	[ -f "$manifest" ] &&
		awk -v p="$1" '$1 == "c" && $2 == p { print $3 }' "$manifest"
}

# put_conf SRC MODE PATH: install an /etc file where there is none, or
# update one that an earlier install put there and nobody changed.
put_conf() {
	if [ -e "$dest$3" ] || [ -L "$dest$3" ]; then
		cmp -s "$1" "$dest$3" && return 0
		if [ ! -f "$dest$3" ] || [ -L "$dest$3" ] ||
		   [ "$(old_sum "$3")" != "$(sha256 "$dest$3")" ]; then
			say "kept $dest$3: not ours, or changed (new: $1)"
			return 0
		fi
	fi
	mkdirs "$(dirname "$3")"
	install -m "$2" "$1" "$dest$3"
	note c "$3" "$(sha256 "$1")"
	say "installed $dest$3"
}

# Merge the new entries into the manifest: entries of earlier installs
# whose path still exists stay, a new entry replaces an old one.
write_manifest() {
	mkdirs "$state"
	{
		if [ -f "$manifest" ]; then
			while read -r kind path sum; do
				[ -e "$dest$path" ] || continue
				echo "$kind $path${sum:+ $sum}"
			done <"$manifest"
		fi
		cat "$new"
	} | awk '!($2 in line) { order[n++] = $2 } { line[$2] = $0 }
		 END { for (i = 0; i < n; i++) print line[order[i]] }' >"$tmp"
	install -m 0644 "$tmp" "$manifest"
}

install_module() {
	ko=kmod/timeaudit.ko
	[ -f "$ko" ] || die "$ko is not built: run make first"
	kdir=${KDIR:?KDIR not set}
	kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ -n "$kver" ] || die "cannot read the kernel release of $ko"
	# kbuild keeps the source subdirectory: extra/kmod/timeaudit.ko.
	sub=/lib/modules/$kver/extra/kmod
	mkdirs "$sub"
	# depmod is ours to run, and only on the real system. Kernel headers
	# do not ship the kernel's signing key: no kbuild signing without it
	# (make sign signs with a MOK instead).
	set -- INSTALL_MOD_PATH="$dest" INSTALL_MOD_DIR=extra \
		cmd_depmod=: quiet_cmd_depmod=
	[ -f "$kdir/certs/signing_key.x509" ] ||
		set -- "$@" CONFIG_MODULE_SIG_ALL=
	${MAKE:-make} -C "$kdir" M="$top" "$@" modules_install
	found=
	for f in "$dest$sub"/timeaudit*.ko*; do
		[ -f "$f" ] || continue
		note f "${f#"$dest"}"
		found=1
	done
	[ -n "$found" ] || die "modules_install put no timeaudit.ko in" \
		"$dest$sub: was $ko built with KDIR=$kdir?"
	if [ -z "$dest" ]; then
		depmod -a "$kver"
		say "ran depmod -a $kver"
	else
		say "DESTDIR set: depmod not run (depmod -b DESTDIR $kver)"
	fi
}

install_files() {
	[ -x "$ctl" ] || die "$ctl is not built: run make first"
	put "$ctl" 0755 "$sbindir/timeauditctl"
	put Documentation/timeauditctl.8 0644 "$mandir/man8/timeauditctl.8"
	sed "s|/usr/local/sbin/timeauditctl|$sbindir/timeauditctl|" \
		etc/timeaudit.service >"$tmp"
	put "$tmp" 0644 "$unitdir/timeaudit.service"
	put_conf etc/timeaudit.conf 0644 /etc/timeaudit.conf
	put_conf etc/modprobe.d/timeaudit.conf 0644 \
		/etc/modprobe.d/timeaudit.conf
	put_conf etc/modules-load.d/timeaudit.conf 0644 \
		/etc/modules-load.d/timeaudit.conf
	put_conf etc/audit/rules.d/60-timeaudit.rules 0640 \
		/etc/audit/rules.d/60-timeaudit.rules
	if [ -z "$dest" ]; then
		if [ -d /run/systemd/system ]; then
			systemctl daemon-reload || :
		fi
		say "start it at boot: systemctl enable --now timeaudit.service"
	fi
}

uninstall() {
	if [ ! -f "$manifest" ]; then
		say "nothing to uninstall: no $manifest"
		return 0
	fi
	if [ -z "$dest" ] && command -v systemctl >/dev/null &&
	   systemctl -q is-enabled timeaudit.service 2>/dev/null; then
		systemctl disable timeaudit.service || :
	fi
	kvers=
	while read -r kind path sum; do
		case $kind in
		f)
			rm -f "$dest$path"
			say "removed $dest$path"
			case $path in
			/lib/modules/*)
				k=${path#/lib/modules/}
				kvers="$kvers ${k%%/*}"
				;;
			esac
			;;
		c)
			[ -f "$dest$path" ] || continue
			if [ "$(sha256 "$dest$path")" = "$sum" ]; then
				rm -f "$dest$path"
				say "removed $dest$path"
			else
				say "kept $dest$path: changed since installed"
			fi
			;;
		esac
	done <"$manifest"
	awk '$1 == "d" { print $2 }' "$manifest" | sort -r >"$tmp"
	rm -f "$manifest"
	# Deepest first; a directory that holds anything else stays.
	while read -r path; do
		rmdir "$dest$path" 2>/dev/null || :
	done <"$tmp"
	if [ -z "$dest" ]; then
		for k in $(echo "$kvers" | tr ' ' '\n' | sort -u); do
			[ -d "/lib/modules/$k" ] && depmod -a "$k"
		done
		[ -d /sys/module/timeaudit ] && say "the module is still" \
			"loaded: rmmod timeaudit (impossible while locked)"
	fi
	return 0
}

case ${1:-} in
module)
	install_module
	write_manifest
	;;
files)
	install_files
	write_manifest
	;;
uninstall)
	uninstall
	;;
*)
	die "usage: $0 module|files|uninstall"
	;;
esac
