#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the release of the kernel that Debian's linux-headers-amd64
# metapackage points at (e.g. 6.1.0-56-amd64): the default test kernel.
set -eu
dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
	sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' | head -n 1
