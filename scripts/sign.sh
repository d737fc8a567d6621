#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make sign: sign a module (default kmod/timeaudit.ko) with the kernel
# build tree's scripts/sign-file, SHA-256, KEY and CERT. They default to
# the Machine Owner Key that Debian's DKMS makes and uses. A signature
# already on the module is replaced, so signing twice is harmless.
#
# usage: scripts/sign.sh [MODULE.ko]
# env:   KDIR (required), KEY, CERT
set -eu
cd "$(dirname "$0")/.."
ko=${1:-kmod/timeaudit.ko}
key=${KEY:-/var/lib/dkms/mok.key}
cert=${CERT:-/var/lib/dkms/mok.pub}
sign_file=${KDIR:?KDIR not set}/scripts/sign-file
magic='~Module signature appended~'

die() {
	echo "make sign: $*" >&2
	exit 1
}

[ -f "$ko" ] || die "$ko is not built: run make first"
[ -x "$sign_file" ] ||
	die "no $sign_file: install the kernel's headers or set KDIR"
[ -r "$key" ] || die "signing key $key not found." \
	"Make a Machine Owner Key and enrol it with mokutil --import" \
	"(see Secure Boot in Documentation/admin-guide/timeaudit.rst)," \
	"or give KEY=... CERT=..."
[ -r "$cert" ] || die "certificate $cert not found:" \
	"give the certificate of $key as CERT=... (DER or PEM)"

# Appended: signature, struct module_signature (12 bytes, the last 4 the
# signature's length, big endian), then the magic string and a newline.
if [ "$(tail -c 28 "$ko")" = "$magic" ]; then
	size=$(stat -c %s "$ko")
	len=$(tail -c 40 "$ko" | head -c 12 | od -An -tu1 -w12 |
		awk '{ print $9 * 16777216 + $10 * 65536 + $11 * 256 + $12 }')
	truncate -s $((size - 40 - len)) "$ko"
	echo "make sign: replacing the signature of $ko"
fi
"$sign_file" sha256 "$key" "$cert" "$ko"
echo "make sign: signed $ko, signer: $(modinfo -F signer "$ko")"
