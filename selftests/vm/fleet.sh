#!/bin/sh
# Forwarding scenario, run inside the VM by /init (timeaudit.mode=fleet):
# the VM's auditd ships its events with audisp-remote over loopback to a
# second auditd, the collector, started with its own configuration
# directory (auditd -c). Checks that timeaudit's standalone records arrive
# whole, with node=, as Documentation/admin-guide/timeaudit-fleet.rst
# describes, also across an outage of the collector: what audisp-remote
# queued meanwhile must arrive, all of it, once the collector is back and
# the client has a next event. Prints one selftest's TAP for run.sh.
echo "# selftest: fleet"
echo "1..15"
n=0
fail=0
t() { # t DESC CMD...
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fail=1; fi
}
# within SECONDS CMD...: up to SECONDS s for CMD to succeed
within() {
	w_i=0 w_max=$(($1 * 10))
	shift
	until "$@"; do
		w_i=$((w_i + 1))
		[ $w_i -gt $w_max ] && { echo "# timed out: $*"; return 1; }
		sleep 0.1
	done
}
until10() { within 10 "$@"; }
# wait_for PATTERN FILE: an extended regex shows up in FILE
wait_for() { until10 grep -Eq "$1" "$2"; }
# port 60 (0x3C) in state LISTEN (0A)
listening() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	grep -Eq ':003C [0-9A-F]+:[0-9A-F]+ 0A'; }
same() { [ "$1" -gt 0 ] && [ "$1" = "$2" ]; }
col=/var/log/audit-collector/audit.log
client=/var/log/audit/audit.log

# The collector: network events only, its own log, TCP port 60.
mkdir -p /etc/audit-collector/plugins.d /var/log/audit-collector
cat >/etc/audit-collector/auditd.conf <<'EOF'
local_events = no
write_logs = yes
log_file = /var/log/audit-collector/audit.log
log_format = RAW
flush = DATA
name_format = NONE
max_log_file = 64
max_log_file_action = ROTATE
space_left = 2
space_left_action = SYSLOG
admin_space_left = 1
admin_space_left_action = SYSLOG
disk_full_action = SYSLOG
disk_error_action = SYSLOG
tcp_listen_port = 60
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
use_libwrap = no
transport = TCP
plugin_dir = /etc/audit-collector/plugins.d
EOF
chmod 0640 /etc/audit-collector/auditd.conf
auditd -c /etc/audit-collector
t "collector auditd -c listens on port 60" until10 listening

# The client: restart the VM's auditd with node names and audisp-remote.
sed -i 's/^name_format.*/name_format = hostname/' /etc/audit/auditd.conf
cat >/etc/audit/plugins.d/au-remote.conf <<'EOF'
active = yes
direction = out
path = /sbin/audisp-remote
type = always
format = string
EOF
cat >/etc/audit/audisp-remote.conf <<'EOF'
remote_server = 127.0.0.1
port = 60
transport = tcp
mode = immediate
queue_depth = 10240
format = managed
network_retry_time = 1
max_tries_per_record = 3
max_time_per_record = 5
network_failure_action = syslog
remote_ending_action = reconnect
overflow_action = syslog
startup_failure_action = warn_once_continue
EOF
old=$(auditctl -s | sed -n 's/^pid //p')
kill "$old"
while kill -0 "$old" 2>/dev/null; do sleep 0.1; done
auditd
until10 sh -c "auditctl -s | grep -q '^pid [1-9]'"
t "client auditd runs audisp-remote" until10 sh -c 'pidof audisp-remote >/dev/null'

insmod /ta/timeaudit.ko
t "load record arrives at the collector with node=" \
	wait_for '^node=timeaudit-vm type=CONFIG_CHANGE .*op=timeaudit_load' $col
date -s "@$(($(date +%s) + 5))" >/dev/null
t "step record arrives whole" wait_for \
	'^node=timeaudit-vm type=TIME_INJOFFSET .* class=step .* res=success' $col
adjtimex -f 6553600 >/dev/null	# +100 ppm
t "frequency record arrives" \
	wait_for '^node=timeaudit-vm type=TIME_ADJNTPVAL .*: op=freq .* class=freq ' $col

# The collector down for a while. Stop it, make timeaudit records with
# known values, start it again: audisp-remote's queue (queue_depth, in
# memory with mode = immediate) must hand over every one of them.
ta='type=(TIME_INJOFFSET|TIME_ADJNTPVAL) .* class=|op=timeaudit_'
cpid=
me=$(auditctl -s | sed -n 's/^pid //p')
for p in $(pidof auditd); do [ "$p" != "$me" ] && cpid=$p; done
stopped() { ! kill -0 "$cpid" 2>/dev/null && ! listening; }
kill "$cpid"
t "collector stopped, port 60 closed" until10 stopped
c0=$(grep -Ec "$ta" $col)
n0=$(grep -Ec "$ta" $client)
for ppm in 150 250 75; do	# three frequency changes
	adjtimex -f $((ppm * 65536)) >/dev/null
done
date -s "@$(($(date +%s) + 7))" >/dev/null	# two steps
date -s "@$(($(date +%s) + 3))" >/dev/null
sleep 2
n1=$(grep -Ec "$ta" $client)
out=$((n1 - n0))
# the outage's records by their msg=audit(time:serial) ids
ids=$(grep -E "$ta" $client | tail -n "$out" |
	sed -n 's/.* msg=audit(\([0-9.:]*\)).*/\1/p')
# shellcheck disable=SC2086 # one line of ids
echo "# outage: client logged $out timeaudit records:" $ids
t "client logged all 5 outage records" [ "$out" = 5 ]
t "none reached the collector while it was down" \
	[ "$(grep -Ec "$ta" $col)" = "$c0" ]
auditd -c /etc/audit-collector
t "collector listens again" until10 listening
# arrived(): every outage record is in the collector's log with node=
arrived() {
	for id in $ids; do
		grep -Eq "^node=timeaudit-vm type=[A-Z_]+ msg=audit\($id\)" $col ||
			return 1
	done
}
# audisp-remote 3.0.9 reconnects only when auditd hands it the next
# event: see how many come over with none (5 s), then make one.
sleep 5
quiet=0
for id in $ids; do grep -q "msg=audit($id)" $col && quiet=$((quiet + 1)); done
echo "# collector back 5 s, no new event on the client: $quiet of $out arrived"
t "none arrives before the client's next event (audisp-remote 3.0.9)" \
	[ "$quiet" = 0 ]
s0=$(date +%s)
auditctl -m "timeaudit fleet selftest: collector is back" 2>/dev/null
t "all $out outage records arrive with node= after the next event" \
	within 60 arrived
echo "# outage records arrived $(($(date +%s) - s0)) s after the next event"
t "frequency values kept (150, 250, 75 ppm)" sh -c "
	grep -Eq '^node=timeaudit-vm type=TIME_ADJNTPVAL .* new_ppm=150.000 .*class=freq' $col &&
	grep -Eq '^node=timeaudit-vm type=TIME_ADJNTPVAL .* new_ppm=250.000 .*class=freq' $col &&
	grep -Eq '^node=timeaudit-vm type=TIME_ADJNTPVAL .* new_ppm=75.000 .*class=freq' $col"
t "steps kept (+7 s, +3 s)" sh -c "
	grep -Eq '^node=timeaudit-vm type=TIME_INJOFFSET .* delta_ns=[67][0-9]{9} .*class=step' $col &&
	grep -Eq '^node=timeaudit-vm type=TIME_INJOFFSET .* delta_ns=[23][0-9]{9} .*class=step' $col"

rmmod timeaudit
t "unload record arrives" \
	wait_for '^node=timeaudit-vm type=CONFIG_CHANGE .*op=timeaudit_unload' $col
sleep 1
# Every timeaudit record the client logged, the collector has.
a=$(grep -Ec "$ta" $client)
b=$(grep -Ec "$ta" $col)
echo "# client $a timeaudit records, collector $b"
t "collector has all $a timeaudit records" same "$a" "$b"
# For the host: the forwarded records, as the collector wrote them.
grep -E "$ta" $col | sed 's/^/# collector: /'
echo "# exit: fleet $fail"
