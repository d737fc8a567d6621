// SPDX-License-Identifier: GPL-2.0
/*
 * NTPsec's ntpd, the daemon of the PCI DSS flood, against a local
 * reference clock (its SHM driver, fed by refclock.c from
 * CLOCK_MONOTONIC_RAW, so the reference stays put when ntpd steps).
 * Twice: with the kernel discipline (the default: an ntp_adjtime()
 * every poll) and with "disable kernel" (an adjtime() slew every
 * second). Each time ntpd's first step is one record with the measured
 * delta, and its steady state writes none; the stock syscall rules,
 * loaded for the same window, are counted for comparison.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "refclock.h"
#include "ta_lib.h"

#define PLAN		8
#define NSEC		1000000000LL
#define NTPD		"/usr/sbin/ntpd"
#define DIR		"/tmp/ntpsec"

#define AHEAD_NS	(4 * NSEC)	/* the reference, ahead of the clock */
#define RATE_PPB	1000		/* and faster by 1 ppm */
#define NOISE_NS	20000		/* +-20 us */
/*
 * The time after the step that must write no record: at least a minute,
 * 60 slews without the kernel discipline, where ntpd slews with
 * adjtime() every second from the start. With it, ntpd too slews every
 * second (its startup clamp) until an update finds its offset below
 * 0.5 ms, which takes from nothing to about 85 s after a step that left
 * a few ms (its read and write of the clock can be that far apart under
 * TCG), and only then feeds the kernel PLL every 8 s: the window lasts
 * until it has done so 4 times, 150 s at most.
 */
#define WINDOW_MIN_S	60
#define WINDOW_MAX_S	150
#define PLL_UPDATES	4

/*
 * The stock rule (30-stig.rules, PCI DSS 10.6.3), and the clock_adjtime
 * rule those files carry commented out: glibc 2.36 makes adjtime(),
 * adjtimex() and ntp_adjtime() with clock_adjtime, so without it the
 * stock rule sees only the steps.
 */
#define RULE_STOCK	"-F arch=b64 -S adjtimex -S settimeofday -S clock_settime -k time-change"
#define RULE_ADJ	"-F arch=b64 -S clock_adjtime -k time-change-adj"

static char rec[TA_REC_MAX];

static void feed(void)
{
	ta_refclock_shm_feed(AHEAD_NS, RATE_PPB, NOISE_NS);
}

/* timeaudit's records (they have class=; the kernel's own do not). */
static int ta_records(long mark, const char *comm)
{
	char c[64];
	const char *needles[] = { "class=", comm ? c : NULL, NULL };

	snprintf(c, sizeof(c), " comm=\"%s\" ", comm ? comm : "");
	return ta_search(mark, "TIME_INJOFFSET,TIME_ADJNTPVAL", needles, rec,
			 sizeof(rec));
}

static int ntpd_steps(long mark)
{
	const char *needles[] = { "class=step", " comm=\"ntpd\" ",
				  " exe=\"" NTPD "\" ", NULL };

	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

/* Lines of the records ausearch @args selects that hold @a and @b. */
static int count(long mark, const char *args, const char *a, const char *b)
{
	const char *needles[] = { a, b, NULL };

	return ta_ausearch(mark, args, needles, NULL, 0);
}

/*
 * The kernel's own records of op=@op (adjust: an adjtime() slew, offset:
 * an update of its PLL), in the events of the audited calls: those
 * without timeaudit's class=.
 */
static int ntp_ops(long mark, const char *op)
{
	char o[32];

	snprintf(o, sizeof(o), " op=%s ", op);
	return count(mark, "-m TIME_ADJNTPVAL", "type=TIME_ADJNTPVAL ", o) -
	       count(mark, "-m TIME_ADJNTPVAL", o, "class=");
}

/* SYSCALL records of the rule with key @key. */
static int rule_records(long mark, const char *key)
{
	char k[64];

	snprintf(k, sizeof(k), " key=\"%s\"", key);
	return count(mark, "-m SYSCALL", "type=SYSCALL ", k);
}

static int write_conf(int kernel)
{
	FILE *f = fopen(DIR "/ntp.drift", "w");

	/* A frequency file: ntpd steps at once, not after 300 s. */
	if (!f)
		return -1;
	fputs("0.000\n", f);
	fclose(f);
	f = fopen(DIR "/ntp.conf", "w");
	if (!f)
		return -1;
	fputs(TA_REFCLOCK_SHM_CONF
	      "driftfile " DIR "/ntp.drift\n"
	      "statsdir " DIR "/\n"
	      "logfile " DIR "/ntpd.log\n", f);
	if (!kernel)
		fputs("disable kernel\n", f);
	fclose(f);
	return 0;
}

/*
 * One life of ntpd, with the stock rules loaded all along, as where they
 * are deployed: the step, then the window of what follows.
 */
static void phase(int kernel)
{
	const char *name = kernel ? "kernel" : "disable kernel";
	long mark, quiet, ta_n, stock, adj, window;
	int n = 0, pll, slews;
	unsigned long long emitted;
	pid_t feeder, ntpd;
	long long d;
	time_t t0, tq, took;

	if (write_conf(kernel))
		ksft_exit_fail_msg("cannot write " DIR "/ntp.conf\n");
	unlink(DIR "/ntpd.log");
	ta_sh("auditctl -a always,exit " RULE_STOCK " && "
	      "auditctl -a always,exit " RULE_ADJ);
	mark = ta_log_mark();
	feeder = ta_start_child(feed, NULL);
	t0 = time(NULL);
	ntpd = ta_start_child(NULL, "exec " NTPD " -n -g -N -c " DIR "/ntp.conf "
			   ">" DIR "/ntpd.out 2>&1");
	while (n < 1 && time(NULL) - t0 < 120) {
		sleep(2);
		n = ntpd_steps(mark);
	}
	took = time(NULL) - t0;
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(n == 1 && d > AHEAD_NS - NSEC / 10 &&
			 d < AHEAD_NS + NSEC / 10,
			 "ntpsec %s: steps +4 s: one record, seen after %ld s (%lld ns)\n",
			 name, took, d);
	if (n != 1)
		ta_sh("tail -n 20 " DIR "/ntpd.log " DIR "/ntpd.out | sed 's/^/# /'");

	/* What follows the step: the startup clamp, then the steady state. */
	sleep(2);
	quiet = ta_log_mark();
	ksft_print_msg("ntpsec %s: up to the step: stock rule %d, clock_adjtime rule %d records\n",
		       name, rule_records(mark, "time-change"),
		       rule_records(mark, "time-change-adj"));
	emitted = ta_counter(TIMEAUDIT_CNT_EMITTED);
	tq = time(NULL);
	do {
		sleep(10);
		window = time(NULL) - tq;
		pll = kernel ? ntp_ops(quiet, "offset") : 0;
	} while (window < WINDOW_MIN_S ||
		 (pll < PLL_UPDATES && kernel && window < WINDOW_MAX_S));
	ta_sh("auditctl -d always,exit " RULE_STOCK "; "
	      "auditctl -d always,exit " RULE_ADJ);
	ta_n = ta_records(quiet, NULL);
	ksft_test_result(ta_n == 0 && ta_counter(TIMEAUDIT_CNT_EMITTED) == emitted,
			 "ntpsec %s: the %ld s after the step: no timeaudit record (%ld)\n",
			 name, window, ta_n);
	if (ta_n)
		ksft_print_msg("%s", rec);
	stock = rule_records(quiet, "time-change");
	adj = rule_records(quiet, "time-change-adj");
	ksft_print_msg("ntpsec %s: timeaudit %ld records, stock rule %ld records (%ld more with clock_adjtime) in %ld s\n",
		       name, ta_n, stock, adj, window);
	/* The kernel's own records in those events say what each call did. */
	slews = ntp_ops(quiet, "adjust");
	pll = ntp_ops(quiet, "offset");
	ksft_print_msg("ntpsec %s: in them %d adjtime() slews (op=adjust), %d kernel PLL updates (op=offset), %d TIME_INJOFFSET (phantom steps)\n",
		       name, slews, pll,
		       count(quiet, "-m TIME_INJOFFSET", "type=TIME_INJOFFSET ", NULL) -
		       count(quiet, "-m TIME_INJOFFSET", "type=TIME_INJOFFSET ", "class="));
	if (kernel)
		ksft_test_result(pll >= PLL_UPDATES,
				 "ntpsec %s: it fed the kernel PLL in that time (%d updates)\n",
				 name, pll);
	else
		ksft_test_result(stock + adj > 0,
				 "ntpsec %s: the syscall rules did log its slews (%ld)\n",
				 name, stock + adj);

	n = ntpd_steps(mark);
	ksft_test_result(n == 1, "ntpsec %s: exactly one step in all (%d)\n",
			 name, n);
	ksft_print_msg("ntpsec %s: %d timeaudit records by ntpd in all\n",
		       name, ta_records(mark, "ntpd"));
	ta_stop_child(ntpd);
	ta_stop_child(feeder);
	ta_sh("grep -i 'step\\|kernel\\|SHM\\|error' " DIR "/ntpd.log | "
	      "head -n 12 | sed 's/^/# ntpd: /'");
}

/* ntpd's SHM driver needs System V shared memory (CONFIG_SYSVIPC). */
static int have_sysv_shm(void)
{
	int id = shmget(IPC_PRIVATE, 64, IPC_CREAT | 0600);

	if (id < 0)
		return errno != ENOSYS;
	shmctl(id, IPC_RMID, NULL);
	return 1;
}

int main(void)
{
	struct stat st;
	time_t t[3];
	int id;

	ksft_print_header();
	ksft_set_plan(PLAN);
	if (stat(NTPD, &st))
		ksft_exit_fail_msg(NTPD " is not in the VM: scripts/install-deps.sh unpacks it\n");
	if (!have_sysv_shm()) {
		/* The debug tier's tinyconfig kernel: say so, in each result. */
		for (id = 0; id < PLAN; id++)
			ksft_test_result_skip("ntpsec: kernel without System V IPC, no SHM reference clock\n");
		ksft_finished();
	}
	mkdir(DIR, 0755);
	ta_module_load(NULL);
	t[0] = time(NULL);
	phase(1);
	t[1] = time(NULL);
	phase(0);
	t[2] = time(NULL);
	ksft_print_msg("timing: ntpsec_test %ld s (kernel %ld s, disable kernel %ld s)\n",
		       (long)(t[2] - t[0]), (long)(t[1] - t[0]), (long)(t[2] - t[1]));
	id = shmget(TA_REFCLOCK_SHM_KEY, 0, 0);
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	ksft_finished();
}
