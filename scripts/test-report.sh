#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Test scripts/timeaudit-report on the records of the VM tests: its counts
# must equal what grep and awk find in the same log, by other means.
# Prints TAP. A missing log fails: the point is real records.
# sh -c '...$1...' below expands in the child on purpose; eq is called
# through t.
# shellcheck disable=SC2016,SC2317
set -u
cd "$(dirname "$0")/.." || exit 1
log=${1:-build/vm-stock/audit.log}
py=/usr/bin/python3
rep=scripts/timeaudit-report
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/tap.sh
t() { # t DESC CMD...: one TAP line for CMD's status, its output if it fails
	d=$1
	shift
	"$@" >"$tmp/out" 2>&1
	rc=$?
	ok $rc "$d"
	[ $rc = 0 ] || sed 's/^/# /' "$tmp/out" | tail -n 5
}
# jq-less JSON lookups: get FILE PYEXPR (j is the parsed JSON)
get() { $py -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
# The same selection as the report, by grep: clock records with class=,
# CONFIG_CHANGE with op=timeaudit_*. Cut auditd's ENRICHED part first.
ta_lines() {
	tr '\035' '\n' <"$1" | grep -aE \
		'^(node=[^ ]+ )?type=(TIME_INJOFFSET|TIME_ADJNTPVAL) .* class=|^(node=[^ ]+ )?type=CONFIG_CHANGE .*: op=timeaudit_'
}

echo "1..8"
t "audit log $log exists and has timeaudit records" \
	sh -c '[ -s "$1" ] && grep -aq "op=timeaudit_load" "$1"' sh "$log"
[ -s "$log" ] || exit 1
ta_lines "$log" >"$tmp/ta"
t "report --json runs" sh -c '"$1" --json "$2" >"$3"' sh $rep "$log" "$tmp/j"
h=$(get "$tmp/j" 'next(iter(j["hosts"]))')
t "total records equal grep count" \
	eq "$(get "$tmp/j" "j['hosts']['$h']['records']")" "$(wc -l <"$tmp/ta")"
# op= of clock records is not their class; only op=timeaudit_* counts.
t "per-class counts equal grep counts" eq \
	"$(get "$tmp/j" "'\n'.join(f'{k} {v}' for k, v in sorted(j['hosts']['$h']['classes'].items()))")" \
	"$(grep -oE ' class=[a-z]+| op=timeaudit_[a-z]+' "$tmp/ta" |
		sed 's/.*=//' | sort | uniq -c | awk '{print $2, $1}')"
# awk sums in floating point: compare in ms, far above its rounding.
t "largest and net step equal awk" eq \
	"$(get "$tmp/j" "'%d %d' % (round(j['hosts']['$h']['largest_step_ns'] / 1e6), round(j['hosts']['$h']['net_step_ns'] / 1e6))")" \
	"$(grep -a ' class=step ' "$tmp/ta" | grep -oE 'delta_ns=-?[0-9]+' |
		awk -F= '{ d = $2 + 0; s += d; a = d < 0 ? -d : d
			if (a > m) { m = a; l = d } }
			END { printf "%.0f %.0f\n", l / 1e6, s / 1e6 }')"
t "stdin gives the same report as FILE" sh -c \
	'cat "$2" | "$1" --json | cmp - "$3"' sh $rep "$log" "$tmp/j"
# ausearch --raw output on stdin: what a collector pipes in.
t "ausearch --raw output on stdin counts the same" eq \
	"$(ausearch --raw -m TIME_INJOFFSET,TIME_ADJNTPVAL,CONFIG_CHANGE \
		-if "$log" 2>/dev/null | $rep --json |
		$py -c 'import json,sys; print(sum(h["records"] for h in json.load(sys.stdin)["hosts"].values()))')" \
	"$(wc -l <"$tmp/ta")"
# Forwarded records carry node= (name_format): split the log over two
# hosts and expect two hosts whose counts add up.
awk 'NR % 2 { print "node=alpha " $0; next } { print "node=beta " $0 }' \
	"$log" >"$tmp/two"
t "node= splits hosts; counts add up" eq \
	"$($rep --json "$tmp/two" | $py -c 'import json,sys; h=json.load(sys.stdin)["hosts"]; print(sorted(h), sum(v["records"] for v in h.values()))')" \
	"['alpha', 'beta'] $(wc -l <"$tmp/ta")"
exit $fail
