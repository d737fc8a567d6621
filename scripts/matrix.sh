#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-matrix: build and test timeaudit on newer Debian kernels.
#
# For each release (default: trixie sid) this builds the module inside a
# debootstrap chroot of that release, with its own gcc against its own
# linux-headers-amd64, takes that release's kernel image from its own
# linux-image package, and boots it in qemu with the full selftest suite.
# The VM's userspace (busybox, auditd, the selftests) is the host's
# Debian 12 build: only the kernel and the module vary.
#
# Chroots are cached in $TA_CACHE/chroot-RELEASE (default
# /var/cache/timeaudit) and reused as they are; delete one to refresh it.
# Prints TAP, one "# timing:" line per kernel, and exits non-zero on any
# failure.
#
# usage: scripts/matrix.sh [RELEASE...]
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
cache=${TA_CACHE:-/var/cache/timeaudit}
out=$top/build/matrix
ksrc=${KSRC:-$out/ksrc}
releases=${*:-trixie sid}
# What kbuild needs besides the compiler (the headers pull in the gcc
# the kernel was built with); perl for W=1's kernel-doc.
CHROOT_PKGS="gcc make libc6-dev linux-headers-amd64 bc kmod libelf-dev libssl-dev bison flex dwarves xz-utils perl"

fail=0
mounted=""
cleanup() {
	for m in $mounted; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	mounted=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

log() { echo "# $*"; }

# Remove a chroot tree, never through a filesystem still mounted in it.
safe_rm() {
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount "$m" || umount -l "$m"; done
	rm -rf "$1"
}

# The Debian mirror this machine's apt uses (deb822 or one-line format).
debian_mirror() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | awk '/^deb / {
				for (i = 2; i <= NF; i++)
					if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break }
			}'
	} | grep -E '/debian/?$' | head -n 1
}

# in_chroot DIR CMD...: run CMD in DIR with /proc mounted.
in_chroot() {
	local root=$1 rc
	shift
	mountpoint -q "$root/proc" || {
		mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
	}
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		chroot "$root" "$@"
	rc=$?
	cleanup
	return $rc
}

# chroot_install DIR: the build packages, without an initramfs for the
# kernel image that the headers depend on since trixie (nobody boots it
# from the chroot).
chroot_install() {
	# A mirror that is a frozen copy serves a sid whose Release file
	# expired (Valid-Until is a week): signatures are still checked.
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$1/etc/apt/apt.conf.d/99timeaudit"
	in_chroot "$1" sh -c "
		if ! dpkg-divert --list /usr/sbin/update-initramfs | grep -q .
		then
			dpkg-divert --local --rename --add \
				/usr/sbin/update-initramfs &&
			ln -s /bin/true /usr/sbin/update-initramfs
		fi &&
		apt-get update -q &&
		apt-get install -y -q --no-install-recommends $CHROOT_PKGS &&
		apt-get clean"
}

# make_chroot RELEASE DIR: debootstrap it once with the build packages;
# later runs only add packages this script has come to need.
make_chroot() {
	local rel=$1 dir=$2 mirror
	if [ -f "$dir/.timeaudit-ready" ]; then
		[ "$(cat "$dir/.timeaudit-ready")" = "$CHROOT_PKGS" ] &&
			return 0
		chroot_install "$dir" >"$out/$rel/chroot-install.log" 2>&1 &&
			echo "$CHROOT_PKGS" >"$dir/.timeaudit-ready" && return 0
		tail -n 20 "$out/$rel/chroot-install.log" | sed 's/^/# /'
		return 1
	fi
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || { log "no Debian mirror in /etc/apt"; return 1; }
	safe_rm "$dir.new"
	log "debootstrap --variant=minbase $rel $dir $mirror"
	debootstrap --variant=minbase "$rel" "$dir.new" "$mirror" \
		>"$out/$rel/debootstrap.log" 2>&1 || {
		tail -n 20 "$out/$rel/debootstrap.log" | sed 's/^/# /'
		safe_rm "$dir.new"
		return 1
	}
	chroot_install "$dir.new" >"$out/$rel/chroot-install.log" 2>&1 || {
		tail -n 20 "$out/$rel/chroot-install.log" | sed 's/^/# /'
		return 1
	}
	echo "$CHROOT_PKGS" >"$dir.new/.timeaudit-ready"
	safe_rm "$dir" && mv "$dir.new" "$dir"
}

# The release of the kernel that the chroot's linux-headers-amd64 names.
chroot_kver() {
	chroot "$1" dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' | head -n 1
}

# get_kernel DIR KVER: the release's own vmlinuz, from its own package,
# kept in the chroot (/ta-kernel) once extracted.
get_kernel() {
	local dir=$1 kver=$2 img pkg p deb f
	img=$dir/ta-kernel/vmlinuz-$kver
	[ -s "$img" ] && return 0
	rm -rf "$dir/ta-kernel" && mkdir -p "$dir/ta-kernel/x"
	# Since trixie the headers depend on the image: apt installed it.
	pkg=$(chroot "$dir" dpkg-query -S "/boot/vmlinuz-$kver" 2>/dev/null)
	if [ -n "$pkg" ] && [ -s "$dir/boot/vmlinuz-$kver" ]; then
		cp "$dir/boot/vmlinuz-$kver" "$img" &&
		cp "$dir/boot/config-$kver" "$dir/ta-kernel/" &&
		echo "${pkg%%:*} (installed)" >"$dir/ta-kernel/package" &&
		return 0
	fi
	# The signed image first (what users boot); unsigned or split
	# packages as they appear in newer releases.
	for p in "linux-image-$kver" "linux-image-$kver-unsigned" \
		 "linux-binary-$kver"; do
		in_chroot "$dir" sh -c "cd /ta-kernel &&
			apt-get download -o APT::Sandbox::User=root $p" \
			>>"$dir/ta-kernel/download.log" 2>&1 || continue
		deb=$(find "$dir/ta-kernel" -maxdepth 1 -name '*.deb' | head -n 1)
		dpkg-deb -x "$deb" "$dir/ta-kernel/x" || continue
		for f in "boot/vmlinuz-$kver" "usr/lib/modules/$kver/vmlinuz" \
			 "lib/modules/$kver/vmlinuz"; do
			[ -s "$dir/ta-kernel/x/$f" ] || continue
			cp "$dir/ta-kernel/x/$f" "$img"
			cp "$dir/usr/src/linux-headers-$kver/.config" \
				"$dir/ta-kernel/config-$kver"
			printf "%s /%s\n" "$(basename "$deb")" "$f" \
				>"$dir/ta-kernel/package"
			rm -rf "$dir/ta-kernel/x" "$deb"
			return 0
		done
		rm -rf "$dir/ta-kernel/x" "$deb" && mkdir "$dir/ta-kernel/x"
	done
	tail -n 20 "$dir/ta-kernel/download.log" | sed 's/^/# /'
	return 1
}

# build_module DIR KVER DEST: the release's gcc, its headers, W=1.
build_module() {
	local dir=$1 kver=$2 dest=$3 rc
	rm -rf "$dir/ta-src" && mkdir -p "$dir/ta-src" &&
	cp -r Kbuild kmod uapi "$dir/ta-src/" &&
	find "$dir/ta-src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name '*.order' -o -name '*.symvers' \) \
		-delete &&
	in_chroot "$dir" make -C "/usr/src/linux-headers-$kver" M=/ta-src \
		W=1 modules >"$dest/module-build.log" 2>&1
	rc=$?
	[ $rc = 0 ] && [ -f "$dir/ta-src/kmod/timeaudit.ko" ] &&
		cp "$dir/ta-src/kmod/timeaudit.ko" "$dest/timeaudit.ko" || rc=1
	chroot "$dir" gcc --version | head -n 1 >"$dest/gcc-version"
	return $rc
}

# tap NAME RC [DETAIL]
tap() {
	if [ "$2" = 0 ]; then
		echo "ok - $1${3:+ ($3)}"
	else
		echo "not ok - $1${3:+ ($3)}"
		fail=1
	fi
}

mkdir -p "$out"
for rel in $releases; do mkdir -p "$out/$rel"; done

# The host-side parts, built once into our own directories.
host_build() {
	scripts/extract-ksrc.sh "$ksrc" &&
	rm -rf "$out/src" && mkdir -p "$out/src" &&
	cp -r userspace uapi "$out/src/" &&
	make -s -C "$out/src/userspace" clean >/dev/null &&
	make -s -C "$out/src/userspace" timeauditctl &&
	make -s -C selftests KSRC="$ksrc" OUT="$out/tests"
}
s=$(date +%s)
host_build >"$out/host-build.log" 2>&1
tap "matrix: host userspace and selftests build" $? "$(($(date +%s) - s)) s"

for rel in $releases; do
	dir=$cache/chroot-$rel
	res=$out/$rel
	mkdir -p "$cache"

	s=$(date +%s)
	cached=cached
	[ -f "$dir/.timeaudit-ready" ] || cached=created
	make_chroot "$rel" "$dir"
	rc=$?
	t_chroot=$(($(date +%s) - s))
	tap "$rel: chroot $cached" $rc "$t_chroot s"
	[ $rc = 0 ] || continue

	kver=$(chroot_kver "$dir")
	s=$(date +%s)
	get_kernel "$dir" "$kver"
	rc=$?
	if [ $rc != 0 ] && [ $cached = cached ]; then
		# A cached sid may name a kernel the mirror has dropped.
		log "$rel: refreshing the cached chroot's kernel headers"
		in_chroot "$dir" sh -c "apt-get update -q &&
			apt-get install -y -q --no-install-recommends \
			linux-headers-amd64 && apt-get clean" \
			>"$res/chroot-refresh.log" 2>&1 &&
		kver=$(chroot_kver "$dir") && get_kernel "$dir" "$kver"
		rc=$?
	fi
	t_kernel=$(($(date +%s) - s))
	tap "$rel: kernel image $kver from $(cat "$dir/ta-kernel/package" 2>/dev/null)" \
		$rc "$t_kernel s"
	[ $rc = 0 ] || continue

	s=$(date +%s)
	build_module "$dir" "$kver" "$res"
	rc=$?
	t_build=$(($(date +%s) - s))
	gccv=$(cat "$res/gcc-version")
	if [ $rc = 0 ] && grep -q 'warning:' "$res/module-build.log"; then
		grep 'warning:' "$res/module-build.log" | sed 's/^/# /'
		rc=1
	fi
	[ $rc = 0 ] || tail -n 30 "$res/module-build.log" | sed 's/^/# /'
	tap "$rel $kver: module build W=1, $gccv" $rc "$t_build s"
	[ $rc = 0 ] || continue

	s=$(date +%s)
	selftests/vm/mkinitramfs.sh "$res/initrd.gz" "$res/timeaudit.ko" \
		"$out/src/userspace/timeauditctl" "$out/tests" &&
	TA_EXPECT=$out/tests/ORDER selftests/vm/run.sh \
		"$dir/ta-kernel/vmlinuz-$kver" "$res/initrd.gz" "$res/vm" \
		"${TA_MATRIX_TIMEOUT:-1200}" >"$res/vm.tap"
	rc=$?
	t_vm=$(($(date +%s) - s))
	# Each line names the kernel it ran on.
	sed -e "s/^\(not \)\{0,1\}ok - /&$rel $kver: /" "$res/vm.tap"
	[ $rc = 0 ] || fail=1
	echo "# timing: $rel $kver ($gccv): chroot $t_chroot s ($cached)," \
		"kernel image $t_kernel s, module build $t_build s, VM $t_vm s"
done
exit $fail
