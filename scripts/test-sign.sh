#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make sign, with a throwaway key made here: a copy of kmod/timeaudit.ko
# gets a valid SHA-256 PKCS#7 signature, signing twice replaces it, and
# missing keys fail with a message. Prints TAP.
#
# usage: scripts/test-sign.sh [KDIR]
set -u
cd "$(dirname "$0")/.." || exit 1
kdir=${1:-/usr/src/linux-headers-$(scripts/debian-kernel.sh)}
w=build/sign-test
ko=$w/timeaudit.ko
. scripts/tap.sh
sign() {
	make -s --no-print-directory sign KDIR="$kdir" SIGN_MODULE="$ko" \
		"$@" >"$w/make.out" 2>&1
}
# Split the module into its unsigned part and its PKCS#7 signature.
split_sig() {
	size=$(stat -c %s "$ko")
	len=$(tail -c 40 "$ko" | head -c 12 | od -An -tu1 -w12 |
		awk '{ print $9 * 16777216 + $10 * 65536 + $11 * 256 + $12 }')
	head -c $((size - 40 - len)) "$ko" >"$w/unsigned.ko"
	tail -c $((len + 40)) "$ko" | head -c "$len" >"$w/sig.p7"
}
verify() {
	openssl cms -verify -binary -inform DER -in "$w/sig.p7" \
		-content "$w/unsigned.ko" -certfile "$w/cert.pem" -nointern \
		-noverify -out /dev/null >>"$w/openssl.out" 2>&1
}

rm -rf "$w"
mkdir -p "$w"
cp kmod/timeaudit.ko "$w/orig.ko"
cp "$w/orig.ko" "$ko"

! sign KEY="$w/none.key" CERT="$w/none.pub" &&
	grep -q "signing key $w/none.key not found" "$w/make.out" &&
	grep -q "mokutil --import" "$w/make.out" && cmp -s "$w/orig.ko" "$ko"
ok $? "make sign without the key fails, names it and mokutil, signs nothing"

openssl req -new -x509 -nodes -days 1 -subj "/CN=timeaudit test key/" \
	-newkey rsa:2048 -keyout "$w/key.pem" -outform DER \
	-out "$w/cert.der" >"$w/openssl.out" 2>&1 &&
	openssl x509 -inform DER -in "$w/cert.der" -out "$w/cert.pem" \
		>>"$w/openssl.out" 2>&1
ok $? "openssl makes a throwaway key and certificate"

! sign KEY="$w/key.pem" CERT="$w/none.pub" &&
	grep -q "certificate $w/none.pub not found" "$w/make.out"
ok $? "make sign without the certificate fails and names it"

sign KEY="$w/key.pem" CERT="$w/cert.der"
ok $? "make sign KEY=... CERT=... (DER certificate) exits 0"
[ "$(tail -c 28 "$ko")" = "~Module signature appended~" ]
ok $? "the module ends with the signature trailer"
[ "$(modinfo -F signer "$ko")" = "timeaudit test key" ] &&
	[ "$(modinfo -F sig_hashalgo "$ko")" = sha256 ] &&
	[ "$(modinfo -F sig_id "$ko")" = "PKCS#7" ]
ok $? "modinfo: signer 'timeaudit test key', sha256, PKCS#7"
split_sig
cmp -s "$w/unsigned.ko" "$w/orig.ko"
ok $? "the signed part is the module, unchanged"
verify
ok $? "openssl cms -verify: the signature is valid for the certificate"
size1=$(stat -c %s "$ko")

sign KEY="$w/key.pem" CERT="$w/cert.pem"
ok $? "make sign again (PEM certificate) exits 0"
grep -q "replacing the signature" "$w/make.out" &&
	[ "$(stat -c %s "$ko")" = "$size1" ]
ok $? "signing again replaces the signature (same size, one signature)"
split_sig
cmp -s "$w/unsigned.ko" "$w/orig.ko" && verify
ok $? "the new signature is valid too"
echo corrupt >>"$w/unsigned.ko"
! verify
ok $? "and fails to verify a changed module"

echo "1..$n"
exit $fail
