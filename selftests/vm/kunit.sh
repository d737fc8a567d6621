#!/bin/sh
# Load the KUnit module and print its results as TAP 13: one line per test
# case (KTAP nests them one level down), exit non-zero on any failure.
insmod /ta/timeaudit_kunit.ko || exit 1
res=/sys/kernel/debug/kunit/timeaudit/results
[ -r "$res" ] || { echo "# no KUnit results at $res"; exit 1; }
cases=$(sed -n 's/^    \(\(not \)\{0,1\}ok [0-9].*\)/\1/p' "$res")
echo "TAP version 13"
echo "1..$(echo "$cases" | grep -c .)"
echo "$cases"
sed -n 's/^        \(# .*\)/\1/p' "$res" | head -n 40
grep -q '^ok 1 timeaudit' "$res"
rc=$?
rmmod timeaudit_kunit
exit $rc
