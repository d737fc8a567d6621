// SPDX-License-Identifier: GPL-2.0
/*
 * The second line of detection. Root disarms every kprobe and steps the
 * clock: the canary says timeaudit is blind, the witness records the
 * step nobody reported, and when the probes fire again a record says for
 * how long they did not and by how much the clock moved. ftrace_enabled=0
 * is refused while the module is loaded. Hundreds of steps the probes do
 * see, and thousands of NTP calls, give no witness record; a leap second
 * is the kernel's own. The heartbeat arrives with the right counts, and
 * heartbeat_s=0 stops it. The audit watch on kprobes/enabled records
 * root's write.
 */
#define _GNU_SOURCE
#include <sys/timex.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define KPROBES_ENABLED	"/sys/kernel/debug/kprobes/enabled"
#define FTRACE_ENABLED	"/proc/sys/kernel/ftrace_enabled"
#define RULES		"/etc/audit/rules.d/60-timeaudit.rules"
#define TAMPER_KEY	"timeaudit-tamper"
#define MAX_HB		16

static char rec[TA_REC_MAX];
static char hb[MAX_HB][TA_REC_MAX];

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int clock_settime_by(long long ns)
{
	long long t = ta_now_ns() + ns;
	struct timespec ts = { t / NSEC, t % NSEC };

	return clock_settime(CLOCK_REALTIME, &ts);
}

static int settod_by(long long ns)
{
	long long t = ta_now_ns() + ns;
	struct timeval tv = { t / NSEC, (t % NSEC) / 1000 };

	return syscall(SYS_settimeofday, &tv, NULL);
}

static int setoffset_by(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };
	long long s = ns / NSEC, n = ns % NSEC;

	if (n < 0) {
		s--;
		n += NSEC;
	}
	tx.time.tv_sec = s;
	tx.time.tv_usec = n;
	return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) < 0 ? -1 : 0;
}

static int count(long mark, const char *type, const char *a, const char *b)
{
	const char *needles[] = { a, b, NULL };

	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static int near(long long v, long long want, long long tol)
{
	return v >= want - tol && v <= want + tol;
}

/* The rules file's watch on kprobes/enabled, else the same by hand. */
static int load_tamper_watch(void)
{
	char line[512];
	FILE *f = fopen(RULES, "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '-' && strstr(line, KPROBES_ENABLED) &&
		    strstr(line, TAMPER_KEY))
			found = 1;
	}
	if (f)
		fclose(f);
	ksft_print_msg("audit watch from %s\n",
		       found ? RULES : "auditctl (not in the rules file)");
	if (found)
		return ta_sh("auditctl %s", line);
	return ta_sh("auditctl -w " KPROBES_ENABLED " -p w -k " TAMPER_KEY);
}

static void test_blind(void)
{
	long mark, hbmark;
	char since[64];
	long long d;
	int n, i, blind_hb = 0;

	ksft_test_result(ta_module_load("heartbeat_s=2") == 0,
			 "module loaded, heartbeat_s=2\n");
	ksft_test_result(load_tamper_watch() == 0, "audit watch on %s\n",
			 KPROBES_ENABLED);
	sleep_ms(1500);
	mark = ta_log_mark();
	hbmark = mark;

	ksft_test_result(ta_write_file(KPROBES_ENABLED, "0") == 0,
			 "root disarms every kprobe\n");
	sleep_ms(2500);
	ksft_test_result(clock_settime_by(2500 * MSEC) == 0,
			 "clock_settime +2.5 s while disarmed\n");
	sleep_ms(3500);
	ksft_test_result(ta_write_file(KPROBES_ENABLED, "1") == 0,
			 "kprobes armed again\n");
	sleep_ms(2500);

	n = count(mark, "TIME_INJOFFSET", "class=step", NULL);
	ksft_test_result(n == 0, "the probes saw nothing (%d step records)\n",
			 n);

	n = count(mark, "TIME_ADJNTPVAL", "op=blind ", "class=blind");
	ksft_test_result(n == 1 && strstr(rec, " probes=blind") &&
			 !ta_field(rec, "since", since, sizeof(since)) &&
			 strstr(rec, " detected=") && strstr(rec, " res=success"),
			 "one blind record, with since= and detected= (%d)\n", n);

	n = count(mark, "TIME_INJOFFSET", "class=witness", NULL);
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(n == 1 && near(d, 2500 * MSEC, 20 * MSEC) &&
			 strstr(rec, " probes=blind") &&
			 strstr(rec, " window_start=") &&
			 ta_field_ll(rec, "window_ms") > 0 &&
			 ta_field_ll(rec, "window_ms") < 3000 &&
			 ta_field_ll(rec, "sec") == 2 &&
			 strstr(rec, " key=\"" TIMEAUDIT_DEF_KEY "\""),
			 "one witness record, delta %lld ns ~ 2.5 s, its window (%d)\n",
			 d, n);

	n = count(mark, "TIME_INJOFFSET", "op=rearmed", "class=blind");
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(n == 1 && near(d, 2500 * MSEC, 20 * MSEC) &&
			 near(ta_field_ll(rec, "unexplained_ns"), d, 1) &&
			 ta_field_ll(rec, "witness_records") == 1 &&
			 ta_field_ll(rec, "blind_ms") >= 5000 &&
			 ta_field_ll(rec, "blind_ms") < 9000,
			 "end of blindness: blind_ms %lld, delta %lld ns, one witness record (%d)\n",
			 ta_field_ll(rec, "blind_ms"), d, n);

	/* The heartbeats meanwhile said so. */
	n = ta_ausearch(hbmark, "-m TIME_ADJNTPVAL", (const char *[]){
			"op=heartbeat", NULL }, hb, MAX_HB);
	for (i = 0; i < n && i < MAX_HB; i++)
		if (strstr(hb[i], " probes=blind"))
			blind_hb++;
	ksft_test_result(n > 0 && blind_hb >= 1 &&
			 strstr(hb[(n > MAX_HB ? MAX_HB : n) - 1], " probes=armed"),
			 "heartbeats said blind (%d of %d), then armed\n",
			 blind_hb, n);

	n = ta_ausearch(mark, "-k " TAMPER_KEY, (const char *[]){
			"type=SYSCALL", " uid=0 ", NULL }, &rec, 1);
	ksft_test_result(n >= 1 && strstr(rec, "witness_test"),
			 "root's write to kprobes/enabled is in the audit log, key %s (%d)\n",
			 TAMPER_KEY, n);
	ta_sh("auditctl -W " KPROBES_ENABLED " -p w -k " TAMPER_KEY
	      " >/dev/null 2>&1");

	/* Armed again: undoing the step is an ordinary step record. */
	mark = ta_log_mark();
	clock_settime_by(-2500 * MSEC);
	sleep_ms(2500);
	ksft_test_result(count(mark, "TIME_INJOFFSET", "class=step", NULL) == 1 &&
			 count(mark, "TIME_INJOFFSET", "class=witness", NULL) == 0,
			 "armed: -2.5 s is a step record, not a witness record\n");
}

/* 7.3 refuses ftrace_enabled=0 itself, module or not (EOPNOTSUPP). */
static int kernel_refuses_ftrace_off(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 7 || (major == 7 && minor >= 3);
}

static void test_ftrace(void)
{
	int by_kernel = kernel_refuses_ftrace_off();
	char v[16] = "";
	int err;

	err = ta_write_file(FTRACE_ENABLED, "0");
	ta_read_file(FTRACE_ENABLED, v, sizeof(v));
	ksft_test_result(err == (by_kernel ? -EOPNOTSUPP : -EBUSY) &&
			 atoi(v) == 1,
			 "loaded: ftrace_enabled=0 refused with %s (%d), still %s\n",
			 by_kernel ? "EOPNOTSUPP by the kernel (7.3+)" : "EBUSY",
			 err, v);

	ta_module_unload();
	err = ta_write_file(FTRACE_ENABLED, "0");
	if (by_kernel) {
		ta_read_file(FTRACE_ENABLED, v, sizeof(v));
		ksft_test_result(err == -EOPNOTSUPP && atoi(v) == 1,
				 "unloaded: the kernel refuses ftrace_enabled=0 itself (%d), still %s\n",
				 err, v);
		/* Nothing to guard: the module loads without its ftrace_ops. */
		err = ta_module_load(NULL);
		ksft_test_result(err == 0 && ta_module_listed() &&
				 ta_sh("dmesg | tail -n 20 | grep -q 'kernel.ftrace_enabled is 0'") != 0,
				 "insmod where ftrace cannot be turned off (7.3+): loads, nothing to refuse (%d)\n",
				 err);
		ta_module_unload();
	} else {
		ksft_test_result(err == 0,
				 "unloaded: ftrace_enabled=0 allowed (%d)\n",
				 err);
		ksft_test_result(ta_module_load(NULL) != 0 &&
				 !ta_module_listed() &&
				 ta_sh("dmesg | tail -n 20 | grep -q 'kernel.ftrace_enabled is 0'") == 0,
				 "insmod with ftrace off fails, and the kernel log says why\n");
	}
	err = ta_write_file(FTRACE_ENABLED, "1");
	ta_read_file(FTRACE_ENABLED, v, sizeof(v));
	ksft_test_result(err == 0 && atoi(v) == 1,
			 "ftrace_enabled restored to 1\n");
}

/* The NTP calls a daemon makes, and some it should not: no step. */
static int ntp_noise(int i)
{
	struct timex tx = { 0 };

	switch (i % 5) {
	case 0:
		tx.modes = ADJ_FREQUENCY;
		tx.freq = ((i * 7919) % 200 - 100) * 65536L;
		break;
	case 1:
		tx.modes = ADJ_OFFSET | ADJ_STATUS | ADJ_NANO;
		tx.status = STA_PLL | STA_NANO;
		tx.offset = (i % 2 ? 1 : -1) * 400 * MSEC;
		break;
	case 2:
		tx.modes = ADJ_OFFSET_SINGLESHOT;
		tx.offset = (i % 2 ? 1 : -1) * 20000;
		break;
	case 3:
		tx.modes = ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TICK;
		tx.maxerror = i;
		tx.esterror = i / 2;
		tx.tick = 10000 + i % 3 - 1;
		break;
	default:
		tx.modes = 0;
		break;
	}
	return adjtimex(&tx) < 0 ? -1 : 0;
}

static volatile int stop_loop;

/* Steps back and forth as fast as possible: reports always in flight. */
static void *stepper(void *arg)
{
	long long s = (long)arg * MSEC;
	long n = 0;

	while (!stop_loop) {
		n += setoffset_by(s) == 0;
		n += setoffset_by(-s) == 0;
	}
	return (void *)n;
}

static void test_no_false_positive(void)
{
	static const long long sizes[] = {
		1 * MSEC, 3 * MSEC, 17 * MSEC, 250 * MSEC, 999 * MSEC,
		1000 * MSEC, 2000 * MSEC, 1500000, 60 * MSEC,
	};
	struct timex reset = {
		.modes = ADJ_FREQUENCY | ADJ_OFFSET | ADJ_STATUS | ADJ_TICK |
			 ADJ_MAXERROR | ADJ_ESTERROR,
		.status = STA_UNSYNC, .tick = 10000, .maxerror = 16000000,
	};
	int i, fails = 0, ntp_fails = 0, n;
	unsigned long long seen;
	long mark;

	ksft_test_result(ta_module_load("rate_limit=0") == 0,
			 "module loaded, rate_limit=0\n");
	mark = ta_log_mark();
	seen = ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step");
	for (i = 0; i < 300; i++) {
		long long s = sizes[i % 9] * (i % 2 ? -1 : 1);
		int r;

		switch ((i / 2) % 3) {
		case 0:
			r = settod_by(s);
			break;
		case 1:
			r = clock_settime_by(s);
			break;
		default:
			r = setoffset_by(s);
			break;
		}
		fails += r != 0;
		for (n = 0; n < 10; n++)
			ntp_fails += ntp_noise(i * 10 + n) != 0;
		sleep_ms(i % 7 == 0 ? 60 : 7);
	}
	adjtimex(&reset);
	sleep_ms(2500);
	ksft_test_result(fails == 0 && ntp_fails == 0,
			 "300 steps of 1 ms to 2 s, both signs, three paths, 3000 adjtimex calls\n");
	seen = ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step") - seen;
	ksft_test_result(seen == 300, "the probes saw all 300 (%llu)\n", seen);
	n = count(mark, "TIME_INJOFFSET", "class=witness", NULL);
	ksft_test_result(n == 0, "no witness record (%d)\n", n);
	n = count(mark, "TIME_ADJNTPVAL", "class=blind", NULL);
	ksft_test_result(n == 0, "no blind record (%d)\n", n);

	/* Two tasks stepping in a loop for 6 s, across many samples. */
	mark = ta_log_mark();
	{
		pthread_t t[2];
		void *r0, *r1;

		stop_loop = 0;
		pthread_create(&t[0], NULL, stepper, (void *)3L);
		pthread_create(&t[1], NULL, stepper, (void *)7L);
		sleep_ms(6000);
		stop_loop = 1;
		pthread_join(t[0], &r0);
		pthread_join(t[1], &r1);
		sleep_ms(2500);
		n = count(mark, "TIME_INJOFFSET", "class=witness", NULL);
		ksft_test_result(n == 0,
				 "%ld ADJ_SETOFFSET steps from 2 tasks in 6 s: no witness record (%d)\n",
				 (long)r0 + (long)r1, n);
	}
}

/*
 * An inserted leap second steps the clock back 1 s with no call to
 * report it: STA_INS, seen by the probes, explains it.
 */
static void test_leap(void)
{
	/* maxerror from 0: over 16 s the kernel would set STA_UNSYNC. */
	struct timex tx = {
		.modes = ADJ_STATUS | ADJ_MAXERROR, .status = STA_INS,
	};
	struct timespec mono0, t;
	long long before;
	int state, n;
	long mark;

	mark = ta_log_mark();
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	before = ta_now_ns();
	t.tv_sec = (before / NSEC / 86400 + 1) * 86400 - 3;
	t.tv_nsec = 0;
	clock_settime(CLOCK_REALTIME, &t);
	state = adjtimex(&tx);
	sleep_ms(6000);
	tx.modes = 0;
	state = adjtimex(&tx);
	tx.modes = ADJ_STATUS;
	tx.status = STA_UNSYNC;
	adjtimex(&tx);
	/* Back to where the clock would be, minus the leap. */
	ta_clock_restore(before, &mono0);
	sleep_ms(2500);
	n = count(mark, "TIME_INJOFFSET", "class=witness", NULL);
	ksft_test_result(state == TIME_WAIT && n == 0,
			 "leap second inserted (state %d), explained by STA_INS: no witness record (%d)\n",
			 state, n);
}

static void test_heartbeat(void)
{
	struct timex tx = {
		.modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR,
		.status = STA_UNSYNC | STA_PLL,
		.maxerror = 12345, .esterror = 678,
	};
	long long step = 0, seq = 0, p, t0;
	int n, i, seq_ok = 1, period_ok = 1, most;
	char *last;
	long mark;

	ksft_test_result(ta_param_write(TIMEAUDIT_PARAM_HEARTBEAT, "2") == 0,
			 "heartbeat_s=2 at run time\n");
	sleep_ms(3000);
	mark = ta_log_mark();
	t0 = ta_mono_ms();
	for (i = 0; i < 3; i++)
		clock_settime_by(5 * MSEC);
	adjtimex(&tx);
	sleep_ms(4500);
	n = ta_ausearch(mark, "-m TIME_ADJNTPVAL", (const char *[]){
			"op=heartbeat", "class=heartbeat", NULL }, hb, MAX_HB);
	/* Every 2 s in the window, which the search's own sync extends. */
	most = (ta_mono_ms() - t0) / 2000 + 1;
	for (i = 0; i < n && i < MAX_HB; i++) {
		step += ta_field_ll(hb[i], "events_step");
		p = ta_field_ll(hb[i], "period_ms");
		period_ok &= p >= 1900 && p <= 3500;
		if (i && ta_field_ll(hb[i], "seq") != seq + 1)
			seq_ok = 0;
		seq = ta_field_ll(hb[i], "seq");
	}
	ksft_test_result(n >= 2 && n <= most && seq_ok && period_ok,
			 "%d heartbeats (at most %d), seq consecutive, period ~2 s\n",
			 n, most);
	last = n > 0 ? hb[n > MAX_HB ? MAX_HB - 1 : n - 1] : rec;
	ksft_test_result(step == 3, "events_step adds up to the 3 steps (%lld)\n",
			 step);
	ksft_test_result(n > 0 && strstr(last, " probes=armed") &&
			 ta_field_ll(last, "maxerror_us") == 12345 &&
			 ta_field_ll(last, "esterror_us") == 678 &&
			 ta_field_ll(last, "unsync") == 1 &&
			 strstr(last, "UNSYNC") &&
			 ta_field_ll(last, "records_lost") == 0 &&
			 ta_field_ll(last, "probe_misses") == 0 &&
			 ta_field_ll(last, "records_suppressed") >= 0 &&
			 ta_field_ll(last, "records_ratelimited") >= 0 &&
			 strstr(last, " version=" TIMEAUDIT_VERSION),
			 "last heartbeat: armed, maxerror/esterror/unsync as set, nothing lost or missed\n");

	ksft_test_result(ta_param_write(TIMEAUDIT_PARAM_HEARTBEAT, "0") == 0,
			 "heartbeat_s=0\n");
	sleep_ms(1200);
	mark = ta_log_mark();
	sleep_ms(4500);
	n = count(mark, "TIME_ADJNTPVAL", "op=heartbeat", NULL);
	ksft_test_result(n == 0, "heartbeat_s=0: no heartbeat (%d)\n", n);
}

static void test_limits(void)
{
	ksft_test_result(ta_param_write(TIMEAUDIT_PARAM_WITNESS, "0") == -EINVAL &&
			 ta_param_write(TIMEAUDIT_PARAM_WITNESS, "99") == -EINVAL &&
			 ta_param_write(TIMEAUDIT_PARAM_WITNESS, "60001") == -EINVAL &&
			 ta_param_write(TIMEAUDIT_PARAM_HEARTBEAT, "604801") == -EINVAL &&
			 ta_param_write(TIMEAUDIT_PARAM_HEARTBEAT, "-1") == -EINVAL,
			 "witness_interval_ms 0, 99, 60001 and heartbeat_s 604801, -1 refused\n");
	ksft_test_result(ta_param_write(TIMEAUDIT_PARAM_WITNESS, "100") == 0 &&
			 ta_param_write(TIMEAUDIT_PARAM_WITNESS, "60000") == 0 &&
			 ta_param_write(TIMEAUDIT_PARAM_HEARTBEAT, "604800") == 0,
			 "witness_interval_ms 100 and 60000, heartbeat_s 604800 taken\n");
	ta_module_unload();
	ksft_test_result(ta_module_load("witness_interval_ms=0") != 0 &&
			 !ta_module_listed(),
			 "insmod witness_interval_ms=0 refused\n");
}

/* What the ftrace_ops and the canary add to a reload: for the report. */
static void time_reloads(void)
{
	long long t0, t1, t2, load = 0, unload = 0;
	int i;

	for (i = 0; i < 3; i++) {
		t0 = ta_mono_ms();
		ta_module_load(NULL);
		t1 = ta_mono_ms();
		ta_module_unload();
		t2 = ta_mono_ms();
		load += t1 - t0;
		unload += t2 - t1;
	}
	ksft_print_msg("insmod %lld ms, rmmod %lld ms (mean of 3)\n",
		       load / 3, unload / 3);
}

int main(void)
{
	char v[32] = "";

	ksft_print_header();
	ksft_set_plan(36);

	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");
	ksft_test_result(!ta_param_read(TIMEAUDIT_PARAM_WITNESS, v, sizeof(v)) &&
			 atoll(v) == TIMEAUDIT_DEF_WITNESS_MS,
			 "witness_interval_ms defaults to 1000 (%s)\n", v);
	ksft_test_result(!ta_param_read(TIMEAUDIT_PARAM_HEARTBEAT, v, sizeof(v)) &&
			 atoll(v) == TIMEAUDIT_DEF_HEARTBEAT_S,
			 "heartbeat_s defaults to 3600 (%s)\n", v);

	test_blind();
	test_ftrace();
	test_no_false_positive();
	test_leap();
	test_heartbeat();
	test_limits();

	ta_write_file(FTRACE_ENABLED, "1");
	ta_write_file(KPROBES_ENABLED, "1");
	time_reloads();
	ksft_test_result(ta_module_load(NULL) == 0, "module reloaded at its defaults\n");
	ksft_finished();
}
