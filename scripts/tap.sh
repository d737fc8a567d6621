# SPDX-License-Identifier: GPL-2.0
# Sourced by the check scripts: "ok RC DESCRIPTION" prints one TAP line
# and remembers a failure in $fail; $n counts the lines.
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}
