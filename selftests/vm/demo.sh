#!/bin/sh
# The demo scenario, run inside the VM by /init: ten simulated minutes of
# NTP daemon traffic and one "date -s" step, first under the stock CIS/STIG
# syscall rules, then under timeaudit at its defaults. Prints what auditd
# wrote each time.
log=/var/log/audit/audit.log
count() { ausearch -if "$1" -m "$2" 2>/dev/null | grep -c '^type='; }
scenario() {
	/ta/tests/ntp_burst 600
	date -s "@$(($(date +%s) + 5))" >/dev/null
}
sync_log() { auditctl -m "demo-sync-$1" >/dev/null; sleep 1; }

echo "=== 1. Stock syscall rules (CIS/STIG), no timeaudit"
auditctl -a always,exit -F arch=b64 -S adjtimex -S settimeofday -S clock_settime -k time-change >/dev/null
auditctl -a always,exit -F arch=b64 -S clock_adjtime -k time-change >/dev/null
start=$(wc -c <$log)
scenario
sync_log 1
tail -c +$((start + 1)) $log >/tmp/stock.log
stock=$(ausearch -if /tmp/stock.log -k time-change 2>/dev/null | grep -c '^type=SYSCALL')
stock_cis=$(ausearch -if /tmp/stock.log -k time-change -sc clock_settime 2>/dev/null | grep -c '^type=SYSCALL')
echo "SYSCALL records with key time-change: $stock"
echo "  of which the shipped rules (without clock_adjtime) would keep: $stock_cis"
auditctl -D >/dev/null

echo
echo "=== 2. timeaudit at its defaults, no syscall rules"
insmod /ta/timeaudit.ko
start=$(wc -c <$log)
scenario
sync_log 2
tail -c +$((start + 1)) $log >/tmp/ta.log
ta=$(($(count /tmp/ta.log TIME_INJOFFSET) + $(count /tmp/ta.log TIME_ADJNTPVAL)))
echo "timeaudit records: $ta"
echo
ausearch -if /tmp/ta.log -m TIME_INJOFFSET,TIME_ADJNTPVAL -i 2>/dev/null
echo
echo "=== Summary: 1200 NTP adjustments and one 5 s step"
echo "stock syscall rules:  $stock records (the step is one of them)"
echo "timeaudit defaults:   $ta records"
rmmod timeaudit
