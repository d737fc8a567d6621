#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-matrix: build and test timeaudit on newer Debian kernels.
#
# For each release (default: bullseye trixie sid experimental arm64) this builds the module inside a
# debootstrap chroot of that release, with its own gcc against its own
# linux-headers-amd64, takes that release's kernel image from its own
# linux-image package, and boots it in qemu with the full selftest suite.
# The VM's userspace (busybox, auditd, the selftests) is the host's
# Debian 12 build: only the kernel and the module vary.
#
# Chroots are cached in $TA_CACHE/chroot-RELEASE (default
# /var/cache/timeaudit) and reused as they are; delete one to refresh it.
# TA_MATRIX_TESTS="a b" runs only those selftests. Prints TAP, one
# "# timing:" line per kernel, and exits non-zero on any
# failure.
#
# Needs root (debootstrap, chroot, mount). Creating a chroot downloads
# about 100-250 MB from the Debian mirror that apt uses here and takes
# about a minute on a fast mirror; each step is bounded by
# TA_CHROOT_TIMEOUT seconds (default 900).
#
# Experimental is no full suite (debootstrap cannot make it): its chroot
# is a copy of the cached sid chroot (or a new sid) with experimental in
# its apt sources and the kernel packages taken from there.
#
# "arm64" is no release: Debian 12's arm64 kernel, the module and the
# selftests cross-built, under qemu-system-aarch64 (scripts/vm-arm64.sh;
# about 7 min warm, so here and not in make check).
#
# usage: scripts/matrix.sh [RELEASE...]   (any Debian suite, e.g. bookworm,
#                                          or experimental, or arm64)
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
cache=${TA_CACHE:-/var/cache/timeaudit}
out=$top/build/matrix
ksrc=${KSRC:-$out/ksrc}
releases=${*:-bullseye trixie sid experimental arm64}
tmo=${TA_CHROOT_TIMEOUT:-900}
# What kbuild needs besides the compiler (the headers pull in the gcc
# the kernel was built with); perl for W=1's kernel-doc.
CHROOT_PKGS="gcc make libc6-dev linux-headers-amd64 bc kmod libelf-dev \
libssl-dev bison flex dwarves xz-utils perl"

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
	ic_root=$1
	shift
	mountpoint -q "$ic_root/proc" || {
		mount -t proc proc "$ic_root/proc" &&
			mounted="$ic_root/proc $mounted"
	}
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		timeout "$tmo" chroot "$ic_root" "$@"
	ic_rc=$?
	cleanup
	return $ic_rc
}

# The full suite a release's chroot is made from: experimental holds only
# the packages that are newer than sid's.
base_suite() {
	case $1 in
	experimental) echo sid ;;
	*) echo "$1" ;;
	esac
}

# apt-get options that take a release's kernel packages from that release.
kernel_apt_opts() {
	[ "$(base_suite "$1")" = "$1" ] || echo "-t $1"
}

# chroot_install DIR REL: the build packages, without an initramfs for the
# kernel image that the headers depend on since trixie (nobody boots it
# from the chroot).
chroot_install() {
	# A mirror that is a frozen copy serves a sid whose Release file
	# expired (Valid-Until is a week): signatures are still checked.
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$1/etc/apt/apt.conf.d/99timeaudit"
	# Experimental's kernel replaces the base suite's (and its headers).
	ci_kernel=""
	[ -z "$(kernel_apt_opts "$2")" ] ||
		ci_kernel="apt-get install -y -q --no-install-recommends \
			$(kernel_apt_opts "$2") linux-headers-amd64 &&
		apt-get autoremove -y -q --purge &&"
	in_chroot "$1" sh -c "
		if ! dpkg-divert --list /usr/sbin/update-initramfs | grep -q .
		then
			dpkg-divert --local --rename --add \
				/usr/sbin/update-initramfs &&
			ln -s /bin/true /usr/sbin/update-initramfs
		fi &&
		apt-get update -q &&
		apt-get install -y -q --no-install-recommends $CHROOT_PKGS &&
		$ci_kernel apt-get clean"
}

# make_chroot RELEASE DIR: debootstrap it once with the build packages;
# later runs only add packages this script has come to need.
make_chroot() {
	mc_rel=$1 mc_dir=$2
	if [ -f "$mc_dir/.timeaudit-ready" ]; then
		[ "$(cat "$mc_dir/.timeaudit-ready")" = "$CHROOT_PKGS" ] &&
			return 0
		chroot_install "$mc_dir" "$mc_rel" \
			>"$out/$mc_rel/chroot-install.log" 2>&1 &&
			echo "$CHROOT_PKGS" >"$mc_dir/.timeaudit-ready" && return 0
		tail -n 20 "$out/$mc_rel/chroot-install.log" | sed 's/^/# /'
		return 1
	fi
	mc_mirror=$(debian_mirror)
	[ -n "$mc_mirror" ] || { log "no Debian mirror in /etc/apt"; return 1; }
	safe_rm "$mc_dir.new"
	mc_base=$(base_suite "$mc_rel")
	if [ "$mc_base" != "$mc_rel" ] &&
	   [ -f "$cache/chroot-$mc_base/.timeaudit-ready" ]; then
		# One file system only (never what is mounted in it now), and
		# not what scripts keep in it (/ta-*: kernels, build trees).
		log "copying $cache/chroot-$mc_base to $mc_dir"
		mkdir -p "$mc_dir.new" || return 1
		if ! tar -C "$cache/chroot-$mc_base" --one-file-system \
			--numeric-owner --exclude='./ta-*' \
			--exclude=./.timeaudit-ready -cf - . |
			tar -C "$mc_dir.new" --numeric-owner -xpf -; then
			safe_rm "$mc_dir.new"
			return 1
		fi
	else
		log "debootstrap --variant=minbase $mc_base $mc_dir $mc_mirror"
		timeout "$tmo" debootstrap --variant=minbase "$mc_base" \
			"$mc_dir.new" "$mc_mirror" \
			>"$out/$mc_rel/debootstrap.log" 2>&1 || {
			tail -n 20 "$out/$mc_rel/debootstrap.log" | sed 's/^/# /'
			safe_rm "$mc_dir.new"
			return 1
		}
	fi
	[ "$mc_base" = "$mc_rel" ] ||
		echo "deb $mc_mirror $mc_rel main" \
			>"$mc_dir.new/etc/apt/sources.list.d/timeaudit-$mc_rel.list"
	chroot_install "$mc_dir.new" "$mc_rel" \
		>"$out/$mc_rel/chroot-install.log" 2>&1 || {
		tail -n 20 "$out/$mc_rel/chroot-install.log" | sed 's/^/# /'
		return 1
	}
	echo "$CHROOT_PKGS" >"$mc_dir.new/.timeaudit-ready"
	safe_rm "$mc_dir" && mv "$mc_dir.new" "$mc_dir"
}

# The release of the kernel that the chroot's linux-headers-amd64 names.
chroot_kver() {
	# shellcheck disable=SC2016 # ${Depends} is dpkg-query's, not ours
	chroot "$1" dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
		sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' | head -n 1
}

# get_kernel DIR KVER: the release's own vmlinuz, from its own package,
# kept in the chroot (/ta-kernel) once extracted.
get_kernel() {
	gk_dir=$1 gk_kver=$2
	gk_img=$gk_dir/ta-kernel/vmlinuz-$gk_kver
	[ -s "$gk_img" ] && return 0
	rm -rf "$gk_dir/ta-kernel" && mkdir -p "$gk_dir/ta-kernel/x"
	# Since trixie the headers depend on the image: apt installed it.
	gk_pkg=$(chroot "$gk_dir" dpkg-query -S "/boot/vmlinuz-$gk_kver" \
		2>/dev/null)
	if [ -n "$gk_pkg" ] && [ -s "$gk_dir/boot/vmlinuz-$gk_kver" ]; then
		cp "$gk_dir/boot/vmlinuz-$gk_kver" "$gk_img" &&
		cp "$gk_dir/boot/config-$gk_kver" "$gk_dir/ta-kernel/" &&
		echo "${gk_pkg%%:*} (installed)" >"$gk_dir/ta-kernel/package" &&
		return 0
	fi
	# The signed image first (what users boot); unsigned or split
	# packages as they appear in newer releases.
	for gk_p in "linux-image-$gk_kver" "linux-image-$gk_kver-unsigned" \
		 "linux-binary-$gk_kver"; do
		in_chroot "$gk_dir" sh -c "cd /ta-kernel &&
			apt-get download -o APT::Sandbox::User=root $gk_p" \
			>>"$gk_dir/ta-kernel/download.log" 2>&1 || continue
		gk_deb=$(find "$gk_dir/ta-kernel" -maxdepth 1 -name '*.deb' |
			head -n 1)
		dpkg-deb -x "$gk_deb" "$gk_dir/ta-kernel/x" || continue
		for gk_f in "boot/vmlinuz-$gk_kver" \
			    "usr/lib/modules/$gk_kver/vmlinuz" \
			    "lib/modules/$gk_kver/vmlinuz"; do
			[ -s "$gk_dir/ta-kernel/x/$gk_f" ] || continue
			cp "$gk_dir/ta-kernel/x/$gk_f" "$gk_img"
			cp "$gk_dir/usr/src/linux-headers-$gk_kver/.config" \
				"$gk_dir/ta-kernel/config-$gk_kver"
			printf "%s /%s\n" "$(basename "$gk_deb")" "$gk_f" \
				>"$gk_dir/ta-kernel/package"
			rm -rf "$gk_dir/ta-kernel/x" "$gk_deb"
			return 0
		done
		rm -rf "$gk_dir/ta-kernel/x" "$gk_deb" &&
			mkdir "$gk_dir/ta-kernel/x"
	done
	tail -n 20 "$gk_dir/ta-kernel/download.log" | sed 's/^/# /'
	return 1
}

# get_nic DIR KVER: the release's e1000e driver (qemu's NIC, whose PTP
# clock ptp_test uses), as /ta-kernel/e1000e.ko, and the PTP and PPS
# cores it needs where they are modules too (Debian 11), as ptp.ko and
# pps_core.ko: from the installed image's modules, or else from the
# release's modules package (linux-image itself before trixie).
NIC_MODS="net/ethernet/intel/e1000e/e1000e ptp/ptp pps/pps_core"
get_nic() {
	gn_dir=$1 gn_kver=$2
	gn_drv=lib/modules/$gn_kver/kernel/drivers
	[ -s "$gn_dir/ta-kernel/e1000e.ko" ] && return 0
	gn_tree=$gn_dir
	if [ -z "$(find "$gn_dir/$gn_drv" -name 'e1000e.ko*' 2>/dev/null)" ]
	then
		gn_tree=$gn_dir/ta-kernel/m
		rm -rf "$gn_tree" && mkdir -p "$gn_tree"
		for gn_p in "linux-modules-$gn_kver" "linux-image-$gn_kver"; do
			in_chroot "$gn_dir" sh -c "cd /ta-kernel/m &&
				apt-get download -o APT::Sandbox::User=root \
				$gn_p" >>"$gn_dir/ta-kernel/download.log" 2>&1 &&
				break
		done
		gn_deb=$(find "$gn_tree" -name '*.deb' | head -n 1)
		[ -n "$gn_deb" ] || return 1
		dpkg-deb --fsys-tarfile "$gn_deb" |
			tar -x -C "$gn_tree" --wildcards "*/e1000e/e1000e.ko*" \
			"*/ptp/ptp.ko*" "*/pps/pps_core.ko*" 2>/dev/null
		gn_drv=$(find "$gn_tree" -type d -path '*/kernel/drivers' |
			head -n 1)
		gn_drv=${gn_drv#"$gn_tree"/}
	fi
	gn_rc=0
	for gn_m in $NIC_MODS; do
		gn_src=$(find "$gn_tree/$gn_drv/$(dirname "$gn_m")" -maxdepth 1 \
			-name "$(basename "$gn_m").ko*" 2>/dev/null | head -n 1)
		gn_out=$gn_dir/ta-kernel/$(basename "$gn_m").ko
		case $gn_src in
		"") continue ;;		# built in
		*.xz) xz -dc "$gn_src" >"$gn_out" ;;
		*.zst) zstd -qdc "$gn_src" >"$gn_out" ;;
		*) cp "$gn_src" "$gn_out" ;;
		esac || gn_rc=1
	done
	rm -rf "$gn_dir/ta-kernel/m"
	[ $gn_rc = 0 ] && [ -s "$gn_dir/ta-kernel/e1000e.ko" ]
}

# nic_deps DIR: the modular cores e1000e needs, in load order.
nic_deps() {
	for nd_m in pps_core ptp; do
		[ -s "$1/ta-kernel/$nd_m.ko" ] && printf '%s ' "$1/ta-kernel/$nd_m.ko"
	done
}

# build_module DIR KVER DEST: the release's gcc, its headers, W=1.
build_module() {
	bm_dir=$1 bm_kver=$2 bm_dest=$3
	rm -rf "$bm_dir/ta-src" && mkdir -p "$bm_dir/ta-src" &&
	cp -r Kbuild kmod uapi "$bm_dir/ta-src/" &&
	find "$bm_dir/ta-src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name '*.order' -o -name '*.symvers' \) \
		-delete &&
	in_chroot "$bm_dir" make -C "/usr/src/linux-headers-$bm_kver" \
		M=/ta-src W=1 modules >"$bm_dest/module-build.log" 2>&1
	bm_rc=$?
	if [ $bm_rc = 0 ] && [ -f "$bm_dir/ta-src/kmod/timeaudit.ko" ]; then
		cp "$bm_dir/ta-src/kmod/timeaudit.ko" "$bm_dest/timeaudit.ko" ||
			bm_rc=1
	else
		bm_rc=1
	fi
	chroot "$bm_dir" gcc --version | head -n 1 >"$bm_dest/gcc-version"
	return $bm_rc
}

. scripts/tap.sh

if [ "$(id -u)" != 0 ]; then
	echo "not ok - matrix: needs root (debootstrap, chroot, mount)"
	exit 1
fi
scripts/install-deps.sh || {
	echo "not ok - matrix: scripts/install-deps.sh failed"
	exit 1
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
	make -s -C selftests KSRC="$ksrc" OUT="$out/tests" || return 1
	# TA_MATRIX_TESTS="a b": only these selftests (a developer's loop).
	# shellcheck disable=SC2086 # one name per word
	[ -z "${TA_MATRIX_TESTS:-}" ] ||
		printf '%s\n' $TA_MATRIX_TESTS >"$out/tests/ORDER"
}
s=$(date +%s)
host_build >"$out/host-build.log" 2>&1
tap "matrix: host userspace and selftests build" $? "$(($(date +%s) - s)) s"

for rel in $releases; do
	dir=$cache/chroot-$rel
	res=$out/$rel
	mkdir -p "$cache"

	if [ "$rel" = arm64 ]; then
		s=$(date +%s)
		# shellcheck disable=SC2086 # one name per word
		scripts/vm-arm64.sh ${TA_MATRIX_TESTS:-} >"$res/vm.tap" \
			2>"$res/vm-arm64.log"
		rc=$?
		t_vm=$(($(date +%s) - s))
		sed -e "s/^\(not \)\{0,1\}ok - /&arm64: /" "$res/vm.tap"
		[ $rc = 0 ] || tail -n 20 "$res/vm-arm64.log" | sed 's/^/# /'
		tap "arm64: scripts/vm-arm64.sh" $rc "$t_vm s"
		echo "# timing: arm64 6.1 (cross-built): fetch, builds and VM $t_vm s"
		continue
	fi

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
			$(kernel_apt_opts "$rel") linux-headers-amd64 &&
			apt-get clean" \
			>"$res/chroot-refresh.log" 2>&1 &&
		kver=$(chroot_kver "$dir") && get_kernel "$dir" "$kver"
		rc=$?
	fi
	t_kernel=$(($(date +%s) - s))
	pkg=$(cat "$dir/ta-kernel/package" 2>/dev/null)
	tap "$rel: kernel image $kver from $pkg" $rc "$t_kernel s"
	[ $rc = 0 ] || continue
	s=$(date +%s)
	get_nic "$dir" "$kver"
	rc=$?
	[ $rc = 0 ] || tail -n 5 "$dir/ta-kernel/download.log" | sed 's/^/# /'
	tap "$rel: e1000e driver for the PTP clock" $rc "$(($(date +%s) - s)) s"
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
	TA_NIC_KO=$dir/ta-kernel/e1000e.ko \
	TA_NIC_DEPS=$(nic_deps "$dir") \
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
