// SPDX-License-Identifier: GPL-2.0
/*
 * Every CPU changes the clock in a loop while other threads rewrite the
 * thresholds: the counters must add up to what was done and what is in
 * the log. Then the same with the module unloaded and reloaded under the
 * callers, and the faults: audit disabled, audit backlog overflowing with
 * auditd stopped, auditd restarted. Kernel reports (KASAN, lockdep,
 * sleeping in atomic context) are caught by the VM runner on the console.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC 1000000000LL
#define ROUNDS 150

static volatile int stop_flag;
static int nthreads;

static int setoffset_ns(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns / NSEC - (ns < 0 && ns % NSEC);
	tx.time.tv_usec = ns - tx.time.tv_sec * NSEC;
	return adjtimex(&tx) < 0 ? -1 : 0;
}

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * NSEC + t->tv_nsec;
}

/*
 * Preemption between the two reads (PREEMPT_RT under load: milliseconds)
 * would show as a step: bracket the realtime read with two monotonic
 * reads and keep the tightest of a few tries.
 */
static long long real_minus_mono(void)
{
	long long best = 0, width = -1;
	struct timespec m1, r, m2;
	int i;

	for (i = 0; i < 20; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		if (width < 0 || ts_ns(&m2) - ts_ns(&m1) < width) {
			width = ts_ns(&m2) - ts_ns(&m1);
			best = ts_ns(&r) - (ts_ns(&m1) + width / 2);
		}
	}
	return best;
}

/* Phase A: a known number of steps and frequency writes per thread. */
static void *counted_caller(void *arg)
{
	struct timex tx;
	long i;

	for (i = 0; i < ROUNDS; i++) {
		setoffset_ns(2000000);
		setoffset_ns(-2000000);
		tx = (struct timex){ .modes = ADJ_FREQUENCY };
		tx.freq = ((long)arg + i) % 2 ? 20 << 16 : -(20 << 16);
		adjtimex(&tx);
	}
	return NULL;
}

static void *threshold_writer(void *arg)
{
	long *writes = arg;

	while (!stop_flag) {
		if (!ta_param_write(TIMEAUDIT_PARAM_STEP,
				    *writes % 2 ? "1500000" : "1000000"))
			(*writes)++;
		usleep(2000);
	}
	return NULL;
}

/* Phase B: everything at once, including unload and reload. */
static void *chaos_caller(void *arg)
{
	struct timespec ts;
	struct timeval tv;
	struct timex tx;
	long i = (long)arg;

	while (!stop_flag) {
		switch (i++ % 4) {
		case 0:
			clock_gettime(CLOCK_REALTIME, &ts);
			clock_settime(CLOCK_REALTIME, &ts);
			break;
		case 1:
			gettimeofday(&tv, NULL);
			syscall(SYS_settimeofday, &tv, NULL);
			break;
		case 2:
			setoffset_ns(3000000);
			setoffset_ns(-3000000);
			break;
		default:
			tx = (struct timex){ .modes = ADJ_FREQUENCY };
			tx.freq = i % 8 < 4 ? 30 << 16 : 0;
			adjtimex(&tx);
			break;
		}
	}
	return NULL;
}

static void *reloader(void *arg)
{
	long *reloads = arg;

	while (!stop_flag) {
		if (!ta_module_unload() && !ta_module_load(NULL))
			(*reloads)++;
	}
	return NULL;
}

static void run_threads(void *(*fn)(void *), int n, pthread_t *t)
{
	long i;

	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, (void *)i);
}

static void join_threads(int n, pthread_t *t)
{
	int i;

	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static int count_mine(long mark, const char *type)
{
	char pid[32];
	const char *needles[] = { pid, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, type, needles, NULL, 0);
}

static void phase_counted(void)
{
	unsigned long long ev0, fr0, em0, lost0, miss0;
	long long drift;
	pthread_t t[64], w;
	long writes = 0;
	long mark;
	const char *thr_lo[] = { " threshold_ns=1000000 ", NULL };
	const char *thr_hi[] = { " threshold_ns=1500000 ", NULL };
	int steps, ntp, cfg, lo, hi;

	/* Count every record: no rate limit here (ratelimit_test has it). */
	ta_module_load(TIMEAUDIT_PARAM_RATE "=0");
	mark = ta_log_mark();
	drift = real_minus_mono();
	ev0 = ta_counter("events_step");
	fr0 = ta_counter("events_freq");
	em0 = ta_counter(TIMEAUDIT_CNT_EMITTED);
	lost0 = ta_counter(TIMEAUDIT_CNT_LOST);
	miss0 = ta_counter(TIMEAUDIT_CNT_MISSED);

	stop_flag = 0;
	pthread_create(&w, NULL, threshold_writer, &writes);
	run_threads(counted_caller, nthreads, t);
	join_threads(nthreads, t);
	stop_flag = 1;
	pthread_join(w, NULL);
	ta_param_write(TIMEAUDIT_PARAM_STEP, "1000000");
	writes++;
	drift = real_minus_mono() - drift;
	ksft_test_result(llabs(drift) < 1000000,
			 "steps of +-2 ms from every CPU cancel out exactly (%lld ns)\n",
			 drift);

	steps = count_mine(mark, "TIME_INJOFFSET");
	ntp = count_mine(mark, "TIME_ADJNTPVAL");
	cfg = count_mine(mark, "CONFIG_CHANGE");
	ksft_print_msg("%d threads: %d steps, %d freq writes, %ld threshold writes\n",
		       nthreads, 2 * ROUNDS * nthreads, ROUNDS * nthreads, writes);
	ksft_print_msg("records: %d step, %d ntp, %d config; lost %llu, misses %llu\n",
		       steps, ntp, cfg, ta_counter(TIMEAUDIT_CNT_LOST) - lost0,
		       ta_counter(TIMEAUDIT_CNT_MISSED) - miss0);
	ksft_test_result(ta_counter("events_step") - ev0 == 2ULL * ROUNDS * nthreads &&
			 ta_counter("events_freq") - fr0 == (unsigned long long)ROUNDS * nthreads,
			 "every call counted as one event\n");
	ksft_test_result(steps == 2 * ROUNDS * nthreads,
			 "every 2 ms step recorded once, on every CPU at once (%d)\n",
			 steps);
	ksft_test_result(cfg == writes, "every threshold write recorded (%d of %ld)\n",
			 cfg, writes);
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_EMITTED) - em0 ==
			 (unsigned long long)(steps + ntp + cfg) &&
			 ta_counter(TIMEAUDIT_CNT_LOST) == lost0 &&
			 ta_counter(TIMEAUDIT_CNT_MISSED) == miss0,
			 "records_emitted matches the log; nothing lost, no probe misses\n");
	/* A handler never sees half a config: only the two values written. */
	lo = ta_search(mark, "TIME_INJOFFSET", thr_lo, NULL, 0);
	hi = ta_search(mark, "TIME_INJOFFSET", thr_hi, NULL, 0);
	ksft_test_result(lo + hi == steps,
			 "every step record shows one of the two thresholds written (%d + %d)\n",
			 lo, hi);
}

static void phase_chaos(void)
{
	long long before = real_minus_mono();
	pthread_t t[64], r, w;
	long reloads = 0, writes = 0;

	stop_flag = 0;
	run_threads(chaos_caller, nthreads, t);
	pthread_create(&r, NULL, reloader, &reloads);
	pthread_create(&w, NULL, threshold_writer, &writes);
	sleep(15);
	stop_flag = 1;
	join_threads(nthreads, t);
	pthread_join(r, NULL);
	pthread_join(w, NULL);
	ksft_print_msg("chaos: %ld reloads, %ld threshold writes in 15 s\n",
		       reloads, writes);
	/*
	 * Each unload waits for RCU-tasks grace periods (the ftrace_ops
	 * that refuses ftrace_enabled=0): under load and KASAN one cycle
	 * can take most of the 15 s. One full cycle under load is the test.
	 */
	ksft_test_result(reloads >= 1, "module unloaded and reloaded under load (%ld)\n",
			 reloads);
	/* Setting the time just read loses the time between: some drift. */
	ksft_test_result(llabs(real_minus_mono() - before) < 10 * NSEC,
			 "clock sane afterwards (realtime moved %lld ns against monotonic)\n",
			 real_minus_mono() - before);
	ksft_test_result(ta_module_load(NULL) == 0, "module loads cleanly after the storm\n");
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void phase_faults(void)
{
	unsigned long long em0, lost0;
	long long worst = 0, start, extra;
	struct timespec a, b;
	long mark;
	int i, n, rc;

	/* Audit disabled: nothing emitted, nothing counted as lost. */
	ta_module_load(TIMEAUDIT_PARAM_RATE "=0");
	mark = ta_log_mark();		/* syncs: needs audit on */
	ta_sh("auditctl -e 0 >/dev/null");
	em0 = ta_counter(TIMEAUDIT_CNT_EMITTED);
	lost0 = ta_counter(TIMEAUDIT_CNT_LOST);
	for (i = 0; i < 10; i++)
		setoffset_ns(i % 2 ? -5000000 : 5000000);
	ta_sh("auditctl -e 1 >/dev/null");
	n = count_mine(mark, "TIME_INJOFFSET");
	ksft_test_result(n == 0 && ta_counter(TIMEAUDIT_CNT_EMITTED) == em0 &&
			 ta_counter(TIMEAUDIT_CNT_LOST) == lost0,
			 "auditctl -e 0: no record, none counted (%d)\n", n);

	/*
	 * auditd stopped, tiny backlog: records refused, callers never wait.
	 * No backlog wait either, or auditctl's own records (it logs the
	 * old limit first) would wait up to --backlog_wait_time.
	 */
	ta_sh("auditctl --backlog_wait_time 0 >/dev/null; auditctl -b 1 >/dev/null; "
	      "kill -STOP $(cat /var/run/auditd.pid)");
	em0 = ta_counter(TIMEAUDIT_CNT_EMITTED);
	lost0 = ta_counter(TIMEAUDIT_CNT_LOST);
	start = mono_ns();
	for (i = 0; i < 4000; i++) {
		long long d;

		clock_gettime(CLOCK_MONOTONIC, &a);
		setoffset_ns(i % 2 ? -2000000 : 2000000);
		clock_gettime(CLOCK_MONOTONIC, &b);
		d = (b.tv_sec - a.tv_sec) * NSEC + b.tv_nsec - a.tv_nsec;
		if (d > worst)
			worst = d;
	}
	ta_sh("kill -CONT $(cat /var/run/auditd.pid); auditctl -b 8192 >/dev/null; "
	      "auditctl --backlog_wait_time 60000 >/dev/null");
	ksft_print_msg("backlog: emitted %llu, lost %llu, slowest call %lld us\n",
		       ta_counter(TIMEAUDIT_CNT_EMITTED) - em0,
		       ta_counter(TIMEAUDIT_CNT_LOST) - lost0, worst / 1000);
	/*
	 * A loss queues a summary record a second later (written or lost
	 * itself, and counted either way): at most one a second on top.
	 */
	extra = ta_counter(TIMEAUDIT_CNT_EMITTED) - em0 +
		ta_counter(TIMEAUDIT_CNT_LOST) - lost0 - 4000;
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_LOST) > lost0 &&
			 extra >= 0 && extra <= (mono_ns() - start) / NSEC + 2,
			 "backlog full: refused records counted as lost, emitted + lost = 4000 + %lld summaries\n",
			 extra);
	ksft_test_result(worst < NSEC / 2, "no caller blocked (slowest %lld us)\n",
			 worst / 1000);

	/*
	 * auditd restarted: records resume. The new one only once the old
	 * one is gone, or it finds the audit pid taken and exits.
	 */
	rc = ta_sh("old=$(cat /var/run/auditd.pid); kill $old; i=0; "
		   "while kill -0 $old 2>/dev/null; do "
		   "[ $i -gt 300 ] && exit 1; i=$((i+1)); sleep 0.1; done; "
		   "auditd || exit 1; i=0; "
		   "until auditctl -s | grep -q '^pid [1-9]'; do "
		   "[ $i -gt 300 ] && exit 1; i=$((i+1)); sleep 0.1; done");
	mark = ta_log_mark();
	setoffset_ns(7000000);
	setoffset_ns(-7000000);
	n = count_mine(mark, "TIME_INJOFFSET");
	ksft_test_result(rc == 0 && n == 2,
			 "auditd restarted: records resume (%d, restart %d)\n", n, rc);
	ta_module_load(NULL);
}

int main(void)
{
	nthreads = 2 * sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads > 64)
		nthreads = 64;
	ksft_print_header();
	ksft_set_plan(13);
	phase_counted();
	phase_chaos();
	phase_faults();
	ksft_finished();
}
