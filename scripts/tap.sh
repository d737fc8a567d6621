# SPDX-License-Identifier: GPL-2.0
# Sourced by the check scripts: "ok RC DESCRIPTION" prints one numbered
# TAP line, "tap NAME RC [DETAIL]" one unnumbered line (stages whose
# lines are merged with others'); both remember a failure in $fail, and
# $n counts ok's lines.
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

tap() {
	if [ "$2" = 0 ]; then
		echo "ok - $1${3:+ ($3)}"
	else
		echo "not ok - $1${3:+ ($3)}"
		fail=1
	fi
}
