#!/bin/sh
# Run the selftests in the order listed in /ta/tests/ORDER. Each one's TAP
# goes out between "# selftest:" and "# exit:" lines for the host to check.
cd /ta/tests || exit 1
if [ -f /ta/timeaudit_kunit.ko ]; then
	echo "# selftest: kunit"
	/ta/kunit.sh
	echo "# exit: kunit $?"
fi
for t in $(cat ORDER); do
	echo "# selftest: $t"
	TA_MODULE=/ta/timeaudit.ko "./$t"
	echo "# exit: $t $?"
done
