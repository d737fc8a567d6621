#!/bin/sh
# Run the selftests in the order listed in /ta/tests/ORDER, or in
# ORDER.stock where the kernel command line says ta.order=stock (the stock
# tier, which adds the real daemons' long tests). Each one's TAP goes out
# between "# selftest:" and "# exit:" lines for the host to check.
cd /ta/tests || exit 1
order=ORDER
grep -q 'ta\.order=stock' /proc/cmdline && order=ORDER.stock
if [ -f /ta/timeaudit_kunit.ko ]; then
	echo "# selftest: kunit"
	/ta/kunit.sh
	echo "# exit: kunit $?"
fi
for t in $(cat $order); do
	echo "# selftest: $t"
	TA_MODULE=/ta/timeaudit.ko "./$t"
	echo "# exit: $t $?"
done
