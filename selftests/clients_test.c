// SPDX-License-Identifier: GPL-2.0
/*
 * Real clients that nobody here wrote: busybox date, util-linux hwclock,
 * Debian's adjtimex tool and chronyd. Each meaningful change is recorded
 * once, with the client's name; chronyd's steady state is silent.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "refclock.h"
#include "ta_lib.h"

#define NSEC 1000000000LL

static char rec[TA_REC_MAX];

static int by_comm(long mark, const char *type, const char *comm,
		   const char *extra)
{
	char c[64];
	const char *needles[] = { c, extra, NULL };

	snprintf(c, sizeof(c), " comm=\"%s\" ", comm);
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static void step_by(long long sec)
{
	struct timex tx = { .modes = ADJ_SETOFFSET };

	tx.time.tv_sec = sec;
	adjtimex(&tx);
}

static void test_date(void)
{
	char when[64];
	long mark = ta_log_mark();	/* first: it waits for auditd */
	time_t t = time(NULL) + 100;
	long long d;
	int n, rc;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
	rc = ta_sh("date -u -s '%s' >/dev/null", when);
	n = by_comm(mark, "TIME_INJOFFSET", "date", "class=step");
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(rc == 0 && n == 1 && d > 98 * NSEC && d < 101 * NSEC,
			 "busybox date -s +100 s: one record (%d, %lld ns)\n",
			 n, d);
	step_by(-100);
}

static void test_hwclock(void)
{
	long mark;
	long long d;
	int n, rc;

	/*
	 * The RTC in step with the system clock first, whatever ran before
	 * (a test that set the time), then the clock 2 h ahead of it, and
	 * read it back.
	 */
	ta_sh("/sbin/hwclock --systohc --utc");
	step_by(7200);
	mark = ta_log_mark();
	rc = ta_sh("/sbin/hwclock --hctosys --utc");
	n = by_comm(mark, "TIME_INJOFFSET", "hwclock", "class=step");
	/*
	 * 5.10's rtc_cmos gives up on a long update-in-progress under a
	 * loaded host: a failed read set nothing, so read it again.
	 */
	if (rc && !n) {
		ksft_print_msg("hwclock --hctosys failed (%d), once more\n", rc);
		rc = ta_sh("/sbin/hwclock --hctosys --utc");
		n = by_comm(mark, "TIME_INJOFFSET", "hwclock", "class=step");
	}
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(rc == 0 && n == 1 && d < -7190 * NSEC &&
			 d > -7210 * NSEC,
			 "hwclock --hctosys: one record, about -2 h (%d, %lld ns)\n",
			 n, d);
}

static void test_adjtimex_tool(void)
{
	long mark = ta_log_mark();
	int n;

	ta_sh("/usr/sbin/adjtimex --frequency 6553600");		/* 100 ppm */
	n = by_comm(mark, "TIME_ADJNTPVAL", "adjtimex", "op=freq");
	ksft_test_result(n == 1 && strstr(rec, "new_ppm=100.000 "),
			 "adjtimex --frequency 100 ppm: one record (%d)\n", n);

	mark = ta_log_mark();
	ta_sh("/usr/sbin/adjtimex --tick 10001");
	n = by_comm(mark, "TIME_ADJNTPVAL", "adjtimex", "op=tick");
	ksft_test_result(n == 1 && ta_field_ll(rec, "new") == 10001,
			 "adjtimex --tick 10001: one record (%d)\n", n);

	mark = ta_log_mark();
	ta_sh("/usr/sbin/adjtimex --singleshot 300000");		/* 300 ms */
	n = by_comm(mark, "TIME_ADJNTPVAL", "adjtimex", "op=adjust");
	ksft_test_result(n == 1 && ta_field_ll(rec, "new_ns") == 300000000,
			 "adjtimex --singleshot 300 ms: one record (%d)\n", n);

	mark = ta_log_mark();
	ta_sh("/usr/sbin/adjtimex --print >/dev/null");
	ta_sh("/usr/sbin/adjtimex --singleshot 0");
	ta_sh("/usr/sbin/adjtimex --tick 10000 --frequency 0");
	n = by_comm(mark, "TIME_ADJNTPVAL,TIME_INJOFFSET", "adjtimex", NULL);
	ksft_test_result(n == 2, "adjtimex --print: nothing; reset: tick and freq (%d)\n",
			 n);
}

/* chronyd: a step, then a disciplined clock and nothing in the log. */
static void feed_refclock(void)
{
	ta_refclock_feed(5 * NSEC);
}

static void test_chronyd(void)
{
	pid_t feeder, chronyd;
	long mark, quiet;
	int i, n = 0;
	FILE *f;

	f = fopen("/tmp/chrony.conf", "w");
	if (f) {
		fputs(TA_REFCLOCK_CONF "makestep 1 -1\ncmdport 0\nport 0\n"
		      "pidfile /tmp/chronyd.pid\n", f);
		fclose(f);
	}
	mark = ta_log_mark();
	chronyd = ta_start_child(NULL, "exec chronyd -d -u root -f /tmp/chrony.conf "
			      ">/tmp/chronyd.log 2>&1");
	sleep(1);	/* chronyd creates the socket */
	feeder = ta_start_child(feed_refclock, NULL);
	for (i = 0; i < 90 && n < 1; i += 2) {
		sleep(2);
		n = by_comm(mark, "TIME_INJOFFSET", "chronyd", "class=step");
	}
	ksft_test_result(n == 1 && ta_field_ll(rec, "delta_ns") > 4 * NSEC &&
			 ta_field_ll(rec, "delta_ns") < 6 * NSEC,
			 "chronyd steps +5 s: one record after %d s (%lld ns)\n",
			 i, ta_field_ll(rec, "delta_ns"));
	if (n != 1)
		ta_sh("tail -n 15 /tmp/chronyd.log | sed 's/^/# /'");

	sleep(5);
	quiet = ta_log_mark();
	sleep(30);
	n = by_comm(quiet, "TIME_INJOFFSET,TIME_ADJNTPVAL", "chronyd", NULL);
	ksft_test_result(n == 0, "chronyd disciplining for 30 s: no record (%d)\n",
			 n);
	if (n) {
		ksft_print_msg("%s", rec);
		ta_sh("head -n 30 /tmp/chronyd.log | sed 's/^/# /'");
	}
	n = by_comm(mark, "TIME_INJOFFSET", "chronyd", "class=step");
	ksft_test_result(n == 1, "chronyd: exactly one step in all (%d)\n", n);
	ta_stop_child(feeder);
	ta_stop_child(chronyd);
	ta_sh("grep -v 'starting\\|privileges' /tmp/chronyd.log | head -n 12 | sed 's/^/# chronyd: /'");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(9);
	ta_module_load(NULL);
	test_date();
	test_hwclock();
	test_adjtimex_tool();
	test_chronyd();
	ksft_finished();
}
