#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests of timeauditctl against a fake sysfs tree, selected with
# TIMEAUDIT_SYSFS. Sysfs file names come from the uapi header, so the
# tests follow it. Usage: cli_test.sh [path/to/timeauditctl]
# Prints TAP 13 and exits non-zero if any test failed.

BIN=${1:-./timeauditctl}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HDR=$(cd "$(dirname "$0")/../../uapi/linux" && pwd)/timeaudit.h

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
chmod 755 "$T"		# the permission test runs as nobody
R=$T/sys
export TIMEAUDIT_SYSFS="$R"
unset LC_ALL LANG	# stable strerror() texts

hdr_str() {
	sed -n "s/^#define $1[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$HDR"
}

P_STEP=$(hdr_str TIMEAUDIT_PARAM_STEP)
P_SLEW=$(hdr_str TIMEAUDIT_PARAM_SLEW)
P_FREQ=$(hdr_str TIMEAUDIT_PARAM_FREQ)
P_PLL=$(hdr_str TIMEAUDIT_PARAM_PLL)
P_TICK=$(hdr_str TIMEAUDIT_PARAM_TICK)
P_STATUS=$(hdr_str TIMEAUDIT_PARAM_STATUS)
P_TAI=$(hdr_str TIMEAUDIT_PARAM_TAI)
P_RTC=$(hdr_str TIMEAUDIT_PARAM_RTC)
P_DWIN=$(hdr_str TIMEAUDIT_PARAM_DRIFT_WINDOW)
P_DBUD=$(hdr_str TIMEAUDIT_PARAM_DRIFT_BUDGET)
P_FWIN=$(hdr_str TIMEAUDIT_PARAM_FDRIFT_WINDOW)
P_FBUD=$(hdr_str TIMEAUDIT_PARAM_FDRIFT_BUDGET)
P_RATE=$(hdr_str TIMEAUDIT_PARAM_RATE)
P_REXEMPT=$(hdr_str TIMEAUDIT_PARAM_RATE_EXEMPT)
P_CLASSES=$(hdr_str TIMEAUDIT_PARAM_CLASSES)
P_KEY=$(hdr_str TIMEAUDIT_PARAM_KEY)
P_LOCKED=$(hdr_str TIMEAUDIT_PARAM_LOCKED)
P_WIT=$(hdr_str TIMEAUDIT_PARAM_WITNESS)
P_HB=$(hdr_str TIMEAUDIT_PARAM_HEARTBEAT)
P_UNAVAIL=$(hdr_str TIMEAUDIT_PARAM_UNAVAILABLE)
VERSION=$(hdr_str TIMEAUDIT_VERSION)
EVENTS=$(hdr_str TIMEAUDIT_CNT_EVENTS_PREFIX)
# In sysfs order, which is the order of status.
COUNTERS="$(hdr_str TIMEAUDIT_CNT_EMITTED) $(hdr_str TIMEAUDIT_CNT_SUPPRESSED)
	  $(hdr_str TIMEAUDIT_CNT_LOST) $(hdr_str TIMEAUDIT_CNT_RATELIMITED)
	  $(hdr_str TIMEAUDIT_CNT_MISSED)"
# TIMEAUDIT_CLASS_NAMES may span lines: from its #define to the closing }.
CLASSES=$(sed -n '/^#define TIMEAUDIT_CLASS_NAMES/,/}/p' "$HDR" |
	  tr -d '\n' | sed 's/^[^{]*{\([^}]*\)}.*$/\1/' | tr -d '"\\ \t')
NCLASSES=$(echo "$CLASSES" | tr , '\n' | wc -l)
NCOUNTERS=$(($(echo $COUNTERS | wc -w) + NCLASSES))
LAST_CLASS=${CLASSES##*,}

n=0
failed=0
rc=0
: >"$T/out"
: >"$T/err"

# ok STATUS DESC [# SKIP ...]: one TAP line; on failure show what ran.
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		echo "# rc=$rc"
		sed 's/^/# stderr: /' "$T/err"
		sed 's/^/# stdout: /' "$T/out" | head -40
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

check() {
	desc=$1
	shift
	"$@"
	ok $? "$desc"
}

run() {
	"$BIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

rc_is()		{ [ "$rc" -eq "$1" ]; }
err_has()	{ grep -qF -- "$1" "$T/err"; }
err_empty()	{ [ ! -s "$T/err" ]; }
out_has()	{ grep -qF -- "$1" "$T/out"; }
out_re()	{ grep -qE -- "$1" "$T/out"; }
param_is()	{ [ "$(cat "$R/parameters/$1")" = "$2" ]; }
json_valid()	{ python3 -m json.tool "$T/out" >/dev/null 2>&1; }
# json_is PYEXPR: PYEXPR over the parsed output d must hold.
json_is() {
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if ($1) else 1)" "$T/out"
}

# A loaded, unlocked module with known settings and counters.
mk_tree() {
	rm -rf "$R"
	mkdir -p "$R/parameters" "$R/counters"
	echo "$VERSION" >"$R/version"
	printf '1000000\n' >"$R/parameters/$P_STEP"
	printf '128000000\n' >"$R/parameters/$P_SLEW"
	printf '10000\n' >"$R/parameters/$P_FREQ"
	printf '50000\n' >"$R/parameters/$P_PLL"
	printf '1\n' >"$R/parameters/$P_TICK"
	printf '0x0030\n' >"$R/parameters/$P_STATUS"
	printf '1\n' >"$R/parameters/$P_TAI"
	printf '1000000000\n' >"$R/parameters/$P_RTC"
	printf '600\n' >"$R/parameters/$P_DWIN"
	printf '100000000\n' >"$R/parameters/$P_DBUD"
	printf '21600\n' >"$R/parameters/$P_FWIN"
	printf '5000\n' >"$R/parameters/$P_FBUD"
	printf '20\n' >"$R/parameters/$P_RATE"
	printf '1000000000\n' >"$R/parameters/$P_REXEMPT"
	printf '%s\n' "$CLASSES" >"$R/parameters/$P_CLASSES"
	printf 'time-change\n' >"$R/parameters/$P_KEY"
	printf '0\n' >"$R/parameters/$P_LOCKED"
	printf '1000\n' >"$R/parameters/$P_WIT"
	printf '3600\n' >"$R/parameters/$P_HB"
	printf 'aux\n' >"$R/parameters/$P_UNAVAIL"
	i=10
	for c in $COUNTERS; do
		echo $i >"$R/counters/$c"
		i=$((i + 1))
	done
	for c in $(echo "$CLASSES" | tr , ' '); do
		echo $i >"$R/counters/$EVENTS$c"
		i=$((i + 1))
	done
	snapshot "$T/before"
}

snapshot() {
	for f in "$R/version" "$R"/parameters/* "$R"/counters/*; do
		printf '%s=%s\n' "${f#"$R"/}" "$(cat "$f")"
	done >"$1"
}

unchanged() {
	snapshot "$T/after"
	cmp -s "$T/before" "$T/after"
}

echo "TAP version 13"

# --- sanity of the header extraction, or every later test is moot ----------
check "header names extracted" [ -n "$P_STEP" ] && [ -n "$P_LOCKED" ] &&
	[ -n "$P_RATE" ] && [ -n "$P_FBUD" ] && [ -n "$P_PLL" ] && [ -n "$P_WIT" ] && [ -n "$P_HB" ] &&
	[ "$(echo $COUNTERS | wc -w)" -eq 5 ] &&
	[ "$CLASSES" = "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux" ]

# --- options -----------------------------------------------------------------
run --version
check "--version exits 0" rc_is 0
check "--version prints the uapi version" out_has "$VERSION"
run --help
check "--help exits 0" rc_is 0
check "--help shows set usage" out_has "set NAME=VALUE"
run --bogus
check "unknown option exits 1" rc_is 1
run frobnicate
check "unknown command exits 1" rc_is 1
check "unknown command is named" err_has "unknown command 'frobnicate'"
mk_tree
run --json set step=1ms
check "--json with set exits 1" rc_is 1
check "--json with set writes nothing" unchanged

# --- status ------------------------------------------------------------------
mk_tree
run status
check "status exits 0" rc_is 0
check "status is quiet on stderr" err_empty
check "status: loaded and version" out_re "^timeaudit +loaded, version $VERSION\$"
check "status: step in human form" out_re '^step_threshold +1ms \(1000000 ns\)$'
check "status: slew in human form" out_re '^slew_threshold +128ms \(128000000 ns\)$'
check "status: freq in ppm" out_re '^freq_threshold +10ppm \(10000 ppb\)$'
check "status: pll in ppm" out_re '^pll_threshold +50ppm \(50000 ppb\)$'
check "status: tick in us" out_re '^tick_threshold +1us \(1 us\)$'
check "status: tai in s" out_re '^tai_threshold +1s \(1 s\)$'
check "status: rtc in s" out_re '^rtc_threshold +1s \(1000000000 ns\)$'
check "status: drift window in min" out_re '^drift_window +10min \(600 s\)$'
check "status: drift budget in ms" out_re '^drift_budget +100ms \(100000000 ns\)$'
check "status: freq drift window in h" \
	out_re '^freq_drift_window +6h \(21600 s\)$'
check "status: freq drift budget in ppm" \
	out_re '^freq_drift_budget +5ppm \(5000 ppb\)$'
check "status: rate limit" out_re '^rate_limit +20/s \(20 records/s\)$'
check "status: rate limit exemption" \
	out_re '^ratelimit_exempt +1s \(1000000000 ns\)$'
check "status: witness interval" out_re '^witness_interval +1s \(1000 ms\)$'
check "status: heartbeat" out_re '^heartbeat +1h \(3600 s\)$'
check "status: classes this kernel lacks" out_re '^unavailable_classes +aux$'
check "status: mask decoded" out_re '^status_mask +0x0030 \(STA_INS\|STA_DEL\)$'
check "status: classes" out_re "^classes +$CLASSES\$"
check "status: key" out_re '^key +time-change$'
check "status: unlocked" out_re '^locked +no$'
check "status: first counter" out_re '^records_emitted +10$'
check "status: ratelimited after lost" \
	out_re '^records_lost +12$' && out_re '^records_ratelimited +13$'
check "status: misses after ratelimited" out_re '^probe_misses +14$'
check "status: denied events" out_re '^events_denied +21$'
check "status: last counter" \
	out_re "^$EVENTS$LAST_CLASS +$((10 + NCOUNTERS - 1))\$"
# Counters are the last lines, after the key.
check "status: counters in sysfs order" [ "$(sed '1,/^key /d' "$T/out" |
	awk '{ printf "%s ", $1 }')" = "$(for c in $COUNTERS; do
	printf '%s ' "$c"; done; for c in $(echo "$CLASSES" | tr , ' '); do
	printf '%s ' "$EVENTS$c"; done)" ]
cp "$T/out" "$T/status1"
run
check "no command means status" cmp -s "$T/out" "$T/status1"

run --json
check "--json exits 0" rc_is 0
check "--json is valid JSON" json_valid
check "--json loaded/version/locked" json_is \
	"d['loaded'] is True and d['version'] == '$VERSION' and d['locked'] is False"
check "--json key and classes" json_is \
	"d['key'] == 'time-change' and ','.join(d['classes']) == '$CLASSES'"
check "--json classes this kernel lacks" json_is "d['unavailable_classes'] == ['aux']"
printf 'none\n' >"$R/parameters/$P_UNAVAIL"
run --json
check "--json none unavailable: an empty list" json_is "d['unavailable_classes'] == []"
rm "$R/parameters/$P_UNAVAIL"
run --json
check "--json older module without the file: null, exit 0" json_is \
	"d['unavailable_classes'] is None and $rc == 0"
printf 'aux\n' >"$R/parameters/$P_UNAVAIL"
check "--json thresholds in base units" json_is \
	"d['thresholds'] == {'step_ns': 1000000, 'slew_ns': 128000000,
	 'freq_ppb': 10000, 'pll_ppb': 50000, 'tick_us': 1, 'tai_s': 1, 'rtc_ns': 1000000000,
	 'status_mask': 48, 'drift_window_s': 600,
	 'drift_budget_ns': 100000000, 'freq_drift_window_s': 21600,
	 'freq_drift_budget_ppb': 5000, 'rate_limit': 20,
	 'ratelimit_exempt_ns': 1000000000, 'witness_interval_ms': 1000,
	 'heartbeat_s': 3600}"
check "--json has all $NCOUNTERS counters" json_is \
	"len(d['counters']) == $NCOUNTERS and d['counters']['records_emitted'] == 10
	 and d['counters']['records_ratelimited'] == 13
	 and d['counters']['events_denied'] == 21
	 and d['counters']['$EVENTS$LAST_CLASS'] == $((10 + NCOUNTERS - 1))"
check "--json counters in sysfs order" json_is \
	"list(d['counters'])[2:5] ==
	 ['records_lost', 'records_ratelimited', 'probe_misses']"
run status --json
check "option after command works" json_valid

printf 'a"b\\c\tq\n' >"$R/parameters/$P_KEY"
printf '\n' >"$R/parameters/$P_CLASSES"
run --json
check "--json escapes odd strings" json_is \
	"d['key'] == 'a\"b\\\\c\\tq' and d['classes'] == []"

mk_tree
rm "$R/counters/probe_misses"
run status
check "missing counter: exit 6" rc_is 6
check "missing counter: named on stderr" err_has "cannot read probe_misses"
check "missing counter: rest still shown" out_re '^probe_misses +unavailable$'
check "missing counter: thresholds shown" out_re '^step_threshold +1ms'
run --json
check "missing counter: JSON still valid, null" json_is \
	"d['counters']['probe_misses'] is None and d['thresholds']['step_ns'] == 1000000"

# --- not loaded --------------------------------------------------------------
TIMEAUDIT_SYSFS=$T/absent run status
check "not loaded: status exits 2" rc_is 2
check "not loaded: said on stderr" err_has "not loaded"
check "not loaded: said on stdout" out_re '^timeaudit +not loaded$'
TIMEAUDIT_SYSFS=$T/absent run --json
check "not loaded: JSON valid, loaded false" json_is \
	"d['loaded'] is False and d['thresholds'] is None and 'counters' in d"
TIMEAUDIT_SYSFS=$T/absent run set step=1ms
check "not loaded: set exits 2" rc_is 2
TIMEAUDIT_SYSFS=$T/absent run lock
check "not loaded: lock exits 2" rc_is 2
printf 'step = 2ms\n' >"$T/ok.conf"
TIMEAUDIT_SYSFS=$T/absent run apply "$T/ok.conf"
check "not loaded: apply exits 2" rc_is 2

# --- set: good values land in base units -------------------------------------
mk_tree
run set step=1.5ms slew=2s freq=0.5ppm pll=0 tick=10 tai=37s 'status=INS|UNSYNC' \
	classes=denied,step key=ntp-step
check "set all: exit 0" rc_is 0
check "set all: quiet" err_empty
check "set step=1.5ms -> 1500000" param_is "$P_STEP" 1500000
check "set slew=2s -> 2000000000" param_is "$P_SLEW" 2000000000
check "set freq=0.5ppm -> 500" param_is "$P_FREQ" 500
check "set pll=0: every PLL move" param_is "$P_PLL" 0
check "set tick=10 -> 10" param_is "$P_TICK" 10
check "set tai=37s -> 37" param_is "$P_TAI" 37
check "set status=INS|UNSYNC -> 80" param_is "$P_STATUS" 80
check "set classes canonical order" param_is "$P_CLASSES" step,denied
check "set key" param_is "$P_KEY" ntp-step
check "set leaves locked alone" param_is "$P_LOCKED" 0

mk_tree
run set "$P_STEP=5us" "$P_FREQ=3ppm" status_mask=0x40 tick=10000us
check "set by sysfs names: exit 0" rc_is 0
check "set step_threshold_ns=5us -> 5000" param_is "$P_STEP" 5000
check "set freq_threshold_ppb=3ppm -> 3000" param_is "$P_FREQ" 3000
check "set status_mask=0x40 -> 64" param_is "$P_STATUS" 64
check "set tick at its limit" param_is "$P_TICK" 10000

mk_tree
run set step=1000000000s
check "set step at its limit" param_is "$P_STEP" 1000000000000000000

mk_tree
run set rtc=2s drift_window=15min drift_budget=50ms freq_drift_window=12h \
	freq_drift_budget=2.5ppm rate=100
check "set new tunables: exit 0" rc_is 0
check "set new tunables: quiet" err_empty
check "set rtc=2s -> 2000000000" param_is "$P_RTC" 2000000000
check "set drift_window=15min -> 900" param_is "$P_DWIN" 900
check "set drift_budget=50ms -> 50000000" param_is "$P_DBUD" 50000000
check "set freq_drift_window=12h -> 43200" param_is "$P_FWIN" 43200
check "set freq_drift_budget=2.5ppm -> 2500" param_is "$P_FBUD" 2500
check "set rate=100 -> 100" param_is "$P_RATE" 100
run status
check "status after set: 15min" out_re '^drift_window +15min \(900 s\)$'
check "status after set: 12h" out_re '^freq_drift_window +12h \(43200 s\)$'

mk_tree
run set "$P_DWIN=1.25min" "$P_FWIN=1.5h" "$P_DBUD=1" "$P_FBUD=1" \
	"$P_RATE=0" "$P_RTC=0"
check "set new tunables by sysfs names: exit 0" rc_is 0
check "set drift_window_s=1.25min -> 75" param_is "$P_DWIN" 75
check "set freq_drift_window_s=1.5h -> 5400" param_is "$P_FWIN" 5400
check "set drift_budget_ns=1: the minimum" param_is "$P_DBUD" 1
check "set freq_drift_budget_ppb=1: the minimum" param_is "$P_FBUD" 1
check "set rate_limit=0: no limit" param_is "$P_RATE" 0
check "set rtc_threshold_ns=0: every write" param_is "$P_RTC" 0
run status
check "status: rate 0 is no limit" \
	out_re '^rate_limit +0/s \(0 records/s, no limit\)$'
check "status: 75 s in min" out_re '^drift_window +1.25min \(75 s\)$'
check "status: 5400 s in h" out_re '^freq_drift_window +1.5h \(5400 s\)$'
run --json
check "--json: new tunables in base units" json_is \
	"d['thresholds']['drift_window_s'] == 75 and
	 d['thresholds']['rate_limit'] == 0 and d['thresholds']['rtc_ns'] == 0"

mk_tree
run set drift_window=168h freq_drift_window=604800 rate=1000000/s \
	freq_drift_budget=1000ppm drift_budget=1000000000s
check "set new tunables at their limits: exit 0" rc_is 0
check "drift_window=168h at its limit" param_is "$P_DWIN" 604800
check "freq_drift_window at its limit" param_is "$P_FWIN" 604800
check "rate=1000000/s at its limit" param_is "$P_RATE" 1000000
check "freq_drift_budget at its limit" param_is "$P_FBUD" 1000000
check "drift_budget at its limit" param_is "$P_DBUD" 1000000000000000000

mk_tree
run set classes=none
check "classes=none: exit 0" rc_is 0
check "classes=none writes none" param_is "$P_CLASSES" none
run set classes=all
check "classes=all lists every class" param_is "$P_CLASSES" "$CLASSES"

# --- set: bad input changes nothing, exit 1 ----------------------------------
# bad_set DESC MESSAGE ARGS...: exit 1, MESSAGE on stderr, tree untouched.
bad_set() {
	desc=$1
	msg=$2
	shift 2
	mk_tree
	run set "$@"
	check "$desc: exit 1" rc_is 1
	check "$desc: message" err_has "$msg"
	check "$desc: nothing written" unchanged
}

bad_set "inexact ns" "step=1.5ns: not a whole number of ns" step=1.5ns
bad_set "good then bad" \
	"freq=2000ppm: out of range, accepted 0..1000ppm (0..1000000 ppb)" \
	step=2ms freq=2000ppm
bad_set "step one past limit" "out of range, accepted 0..1000000000s" \
	step=1000000000.000000001s
bad_set "u64 overflow" "out of range" step=18446744073709551616ns
bad_set "huge seconds" "out of range" slew=99999999999s
bad_set "tick one past limit" "out of range, accepted 0..10000us" tick=10001
bad_set "tai one past limit" "out of range" tai=2147483648
bad_set "negative" "negative values are not allowed" step=-1ms
bad_set "empty value" "step=: empty value" step=
bad_set "trailing junk" "unknown unit, accepted: ns, us, ms, s" step=5msx
bad_set "space in value" "unknown unit" "step=5 ms"
bad_set "status past 16 bits" "out of range, accepted 0..0xffff" \
	status=0x10000
bad_set "unknown flag" "unknown flag" status=INS\|BOGUS
bad_set "drift window 0" \
	"drift_window=0: out of range, accepted 1s..168h (1..604800 s)" \
	drift_window=0
bad_set "freq drift window 0h" \
	"freq_drift_window=0h: out of range, accepted 1s..168h" \
	freq_drift_window=0h
bad_set "drift budget 0" \
	"drift_budget=0ms: out of range, accepted 1ns..1000000000s (1..1000000000000000000 ns)" \
	rate=5 drift_budget=0ms
bad_set "freq drift budget 0 by sysfs name" \
	"freq_drift_budget=0: out of range, accepted 1ppb..1000ppm (1..1000000 ppb)" \
	"$P_FBUD=0"
bad_set "drift window one past limit" "out of range, accepted 1s..168h" \
	drift_window=604801
bad_set "drift window in ms" "unknown unit, accepted: s, min, h" \
	drift_window=500ms
bad_set "drift window fraction of a second" "not a whole number of s" \
	drift_window=0.01min
bad_set "freq drift budget past limit" "out of range, accepted 1ppb..1000ppm" \
	freq_drift_budget=1000.001ppm
bad_set "pll past limit" \
	"pll=1000.001ppm: out of range, accepted 0..1000ppm (0..1000000 ppb)" \
	pll=1000.001ppm
bad_set "pll negative" "pll=-1ppm: negative values are not allowed" "$P_PLL=-1ppm"
bad_set "rtc inexact" "rtc=1.5ns: not a whole number of ns" rtc=1.5ns
bad_set "rate past limit" \
	"rate=1000001: out of range, accepted 0..1000000/s (0..1000000 records/s)" \
	rate=1000001

mk_tree
run set witness_interval=250ms heartbeat=0
check "set witness and heartbeat: exit 0" rc_is 0
check "set witness_interval=250ms -> 250" param_is "$P_WIT" 250
check "set heartbeat=0 -> 0" param_is "$P_HB" 0
run status
check "status: heartbeat 0 is off" out_re '^heartbeat +0s \(0 s, off\)$'
mk_tree
run set "$P_WIT=1min" "$P_HB=168h"
check "witness_interval=1min, heartbeat=168h at their limits" \
	param_is "$P_WIT" 60000 && param_is "$P_HB" 604800
mk_tree
bad_set "witness off" \
	"witness_interval=0: out of range, accepted 100ms..1min (100..60000 ms)" \
	witness_interval=0
bad_set "witness interval under 100 ms" "out of range" witness_interval=99ms
bad_set "heartbeat past a week" "out of range, accepted 0..168h" \
	heartbeat=604801
bad_set "rate fraction" "not a whole number of records/s" rate=1.5
bad_set "rate per minute" "unknown unit, accepted: /s" rate=5/min
bad_set "negative rate" "negative values are not allowed" rate=-1
bad_set "duplicate flag" "flag given twice" status=INS,STA_INS
bad_set "unknown class" "unknown class, accepted: step" classes=step,leap
check "unknown class: lists the last class" err_has "$LAST_CLASS, all, none"
bad_set "duplicate class" "class given twice" classes=step,step
bad_set "key charset" "character outside [A-Za-z0-9._:-]" "key=a b"
bad_set "key too long" "longer than 31 bytes" \
	key=12345678901234567890123456789012
bad_set "unknown name" "unknown name 'foo'" foo=1
bad_set "duplicate name" "step given twice" step=1ms step_threshold_ns=2ms
bad_set "locked is not set" "use 'timeauditctl lock'" locked=1
bad_set "missing =" "expected NAME=VALUE, got 'step'" step
bad_set "nothing to set" "nothing to set"
bad_set "all errors reported" "freq=x" step=x freq=x
check "all errors reported: first one too" err_has "step=x"

# --- locked ------------------------------------------------------------------
mk_tree
printf '1\n' >"$R/parameters/$P_LOCKED"
snapshot "$T/before"
run status
check "locked: status says yes" out_re '^locked +yes$'
run set step=2ms
check "locked: set exits 4" rc_is 4
check "locked: set says so" err_has "locked"
check "locked: set writes nothing" unchanged
run apply "$T/ok.conf"
check "locked: apply exits 4" rc_is 4
check "locked: apply writes nothing" unchanged
run lock
check "locked: lock again exits 0" rc_is 0
check "locked: lock again says already" err_has "already locked"

mk_tree
run lock
check "lock: exit 0" rc_is 0
check "lock: writes 1" param_is "$P_LOCKED" 1
run lock extra
check "lock with an argument exits 1" rc_is 1

# --- rollback when a write fails half way ------------------------------------
# /dev/full takes the read of the old value but fails every write, root or
# not, so the failure comes after step, status and slew were written.
if [ -c /dev/full ] && [ -w /dev/full ]; then
	mk_tree
	ln -sf /dev/full "$R/parameters/$P_TAI"
	run set step=2ms status=UNSYNC slew=3ms tai=5
	check "write failure: exit 6" rc_is 6
	check "write failure: names the file" err_has "cannot write $P_TAI"
	check "write failure: reports rollback" \
		err_has "rolled back 3 value(s)"
	check "write failure: step restored" param_is "$P_STEP" 1000000
	check "write failure: status restored as read" \
		param_is "$P_STATUS" 0x0030
	check "write failure: slew restored" param_is "$P_SLEW" 128000000

	mk_tree
	ln -sf /dev/full "$R/parameters/$P_TAI"
	printf '# test\nstep = 2ms\ntai = 5\nlock\n' >"$T/fail.conf"
	run apply "$T/fail.conf"
	check "apply write failure: exit 6" rc_is 6
	check "apply write failure: cites FILE:LINE" \
		err_has "$T/fail.conf:3: cannot write $P_TAI"
	check "apply write failure: step restored" param_is "$P_STEP" 1000000
	check "apply write failure: not locked" param_is "$P_LOCKED" 0
else
	for i in 1 2 3 4 5 6 7 8 9 10; do
		skip "write failure rollback" "no writable /dev/full"
	done
fi

# The kernel's EINVAL, faked with a proc file that refuses writes that way.
if [ "$(id -u)" -eq 0 ] && python3 -c "
import errno, os, sys
fd = os.open('/proc/self/oom_score', os.O_WRONLY)
try:
    os.write(fd, b'5')
except OSError as e:
    sys.exit(0 if e.errno == errno.EINVAL else 1)
sys.exit(1)" 2>/dev/null; then
	mk_tree
	ln -sf /proc/self/oom_score "$R/parameters/$P_TAI"
	run set step=2ms tai=5
	check "kernel EINVAL: exit 5" rc_is 5
	check "kernel EINVAL: says rejected" \
		err_has "kernel rejected $P_TAI=5"
	check "kernel EINVAL: step restored" param_is "$P_STEP" 1000000
else
	for i in 1 2 3; do
		skip "kernel EINVAL" "needs root and EINVAL from /proc/self/oom_score"
	done
fi

# --- permission denied -------------------------------------------------------
mk_tree
if [ "$(id -u)" -ne 0 ]; then
	chmod 0444 "$R/parameters/$P_SLEW"
	snapshot "$T/before"
	run set step=2ms slew=3ms
	perm_ok=1
elif command -v setpriv >/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	"$BIN" --version >/dev/null	# the binary must be reachable as nobody
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BIN" set step=2ms slew=3ms >"$T/out" 2>"$T/err"
	rc=$?
	perm_ok=1
else
	perm_ok=0
fi
if [ $perm_ok -eq 1 ]; then
	check "no permission: exit 3" rc_is 3
	check "no permission: says so" err_has "permission denied"
	check "no permission: nothing written" unchanged
else
	for i in 1 2 3; do
		skip "permission denied" "root without setpriv"
	done
fi

# --- apply -------------------------------------------------------------------
mk_tree
cat >"$T/good.conf" <<'CONF'
# timeaudit policy
step = 500us
slew = 1s	# ntpd would have stepped
freq = 0.5ppm

status = STA_INS | STA_DEL | STA_UNSYNC
classes = step, slew, denied
key = clock-audit
tai_threshold_s = 1
rtc = 0.5s
drift_window = 5min
drift_budget = 20ms
freq_drift_window_s = 3600
freq_drift_budget = 2ppm
rate = 0	# no limit
CONF
run apply "$T/good.conf"
check "apply: exit 0" rc_is 0
check "apply: quiet" err_empty
check "apply: step" param_is "$P_STEP" 500000
check "apply: slew" param_is "$P_SLEW" 1000000000
check "apply: freq" param_is "$P_FREQ" 500
check "apply: status" param_is "$P_STATUS" 112
check "apply: classes" param_is "$P_CLASSES" step,slew,denied
check "apply: key" param_is "$P_KEY" clock-audit
check "apply: rtc" param_is "$P_RTC" 500000000
check "apply: drift window" param_is "$P_DWIN" 300
check "apply: drift budget" param_is "$P_DBUD" 20000000
check "apply: freq drift window" param_is "$P_FWIN" 3600
check "apply: freq drift budget" param_is "$P_FBUD" 2000
check "apply: rate" param_is "$P_RATE" 0
check "apply: no lock line, not locked" param_is "$P_LOCKED" 0

mk_tree
printf 'step = 3ms\nlock\n' >"$T/lock.conf"
run apply "$T/lock.conf"
check "apply with lock: exit 0" rc_is 0
check "apply with lock: value written" param_is "$P_STEP" 3000000
check "apply with lock: locked" param_is "$P_LOCKED" 1

mk_tree
cat >"$T/bad.conf" <<'CONF'
step = 2ms
# fine so far
slew = 1.5ns
freq 3ppm
step = 4ms
nosuch = 1
drift_window = 0
CONF
run apply "$T/bad.conf"
check "apply errors: exit 1" rc_is 1
check "apply errors: line 3 cited" err_has "$T/bad.conf:3: slew=1.5ns"
check "apply errors: line 4 cited" err_has "$T/bad.conf:4: expected"
check "apply errors: line 5 cited" \
	err_has "$T/bad.conf:5: step already set on line 1"
check "apply errors: line 6 cited" err_has "$T/bad.conf:6: unknown name"
check "apply errors: line 7 cited" \
	err_has "$T/bad.conf:7: drift_window=0: out of range, accepted 1s..168h"
check "apply errors: nothing written" unchanged

run apply "$T/missing.conf"
check "apply missing file: exit 6" rc_is 6
check "apply missing file: says so" err_has "cannot open $T/missing.conf"
run apply a b
check "apply two files: exit 1" rc_is 1

echo "1..$n"
[ "$failed" -eq 0 ] || echo "# $failed of $n failed"
[ "$failed" -eq 0 ]
