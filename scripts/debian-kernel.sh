#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the release of the kernel that Debian's linux-headers-FLAVOUR
# metapackage points at: the default test kernel for amd64 (e.g.
# 6.1.0-56-amd64), the PREEMPT_RT one for rt-amd64 (6.1.0-56-rt-amd64).
#
# usage: debian-kernel.sh [FLAVOUR]    FLAVOUR: amd64 (default), rt-amd64
set -eu
flavour=${1:-amd64}
dpkg-query -W -f='${Depends}\n' "linux-headers-$flavour" |
	sed -n "s/.*linux-headers-\([^ ,]*-$flavour\).*/\1/p" | head -n 1
