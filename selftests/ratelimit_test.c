// SPDX-License-Identifier: GPL-2.0
/*
 * The rate limit must not be turned against the audit:
 * - a loop changing the clock faster than rate_limit: the first records
 *   are written, the rest summarised, and every change is accounted for;
 *   a big step inside the loop (and its undo) is never folded into a
 *   summary, and the summary keeps count, sum and largest change;
 * - an unprivileged flood of refused clock_settime() calls has a budget
 *   of its own: privileged steps meanwhile are all recorded one by one,
 *   and a summary names the refusals and who made them;
 * - the record of a step, written on the way back to user space, names
 *   the process that made it;
 * - records refused by audit are told by a summary, not only in sysfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define CALLS	400		/* one-ms steps ... */
#define HOUR_AT	150		/* ... then +1 h here ... */
#define UNDO_AT	250		/* ... and -1 h here */
#define HOUR_NS	3600000000000LL
#define MS	1000000LL
#define NOBODY	65534
#define PRIV	10		/* privileged steps during the flood */
#define NSUMS	64

static char recs[NSUMS][TA_REC_MAX];

static void step_ns(long long ns)
{
	struct timex tx = { 0 };

	ta_timex_setoffset(&tx, ns);
	adjtimex(&tx);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The summaries of @class after @mark, in recs[]; their count. */
static int summaries(long mark, const char *class)
{
	char held[64];
	const char *needles[] = { "class=ratelimit", held, NULL };

	snprintf(held, sizeof(held), " held_class=%s ", class);
	return ta_ausearch(mark, "-m TIME_INJOFFSET", needles, recs, NSUMS);
}

static int step_recs(long mark, pid_t pid, const char *extra)
{
	char p[32];
	const char *needles[] = { p, "class=step", extra, NULL };

	snprintf(p, sizeof(p), " pid=%d ", pid);
	return ta_search(mark, "TIME_INJOFFSET", needles, NULL, 0);
}

/* A loop of small steps with an hour forth and back in the middle. */
static void hour_in_a_loop(void)
{
	long long held = 0, sum = 0, net = 0, max = 0;
	unsigned long long held0;
	int i, n, steps, hour, undo, fields = 1, actor = 1;
	long mark;

	held0 = ta_counter(TIMEAUDIT_CNT_RATELIMITED);
	mark = ta_log_mark();
	for (i = 0; i < CALLS; i++)
		step_ns(i == HOUR_AT ? HOUR_NS : i == UNDO_AT ? -HOUR_NS : MS);
	sleep(3);	/* the summary comes a second after the first held */
	steps = step_recs(mark, getpid(), " class=step ");
	hour = step_recs(mark, getpid(), " delta_ns=3600000000000 ");
	undo = step_recs(mark, getpid(), " delta_ns=-3600000000000 ");
	n = summaries(mark, "step");
	for (i = 0; i < n && i < NSUMS; i++) {
		held += ta_field_ll(recs[i], "suppressed");
		sum += ta_field_ll(recs[i], "sum_abs");
		net += ta_field_ll(recs[i], "delta_ns");
		if (ta_field_ll(recs[i], "max_abs") > max)
			max = ta_field_ll(recs[i], "max_abs");
		if (!strstr(recs[i], " unit=ns ") ||
		    !strstr(recs[i], " lost=") || !strstr(recs[i], " missed="))
			fields = 0;
		if (ta_field_ll(recs[i], "max_pid") != getpid() ||
		    !strstr(recs[i], " max_comm=\"ratelimit_test\""))
			actor = 0;
	}
	ksft_print_msg("%d step records (hour %d, undo %d), %d summaries holding %lld, sum %lld, max %lld\n",
		       steps, hour, undo, n, held, sum, max);
	ksft_test_result(hour == 1 && undo == 1,
			 "+1 h and its -1 h undo are on record on their own\n");
	ksft_test_result(steps >= 5 && steps < 30 && n >= 1 &&
			 steps + held == CALLS,
			 "the rest in summaries: %d + %lld = %d\n", steps, held,
			 CALLS);
	ksft_test_result(fields && sum == held * MS && net == held * MS &&
			 max == MS,
			 "summaries add up: sum_abs %lld, net %lld, max_abs %lld\n",
			 sum, net, max);
	ksft_test_result(actor && n >= 1,
			 "summaries name the largest change's actor\n");
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_RATELIMITED) - held0 ==
			 (unsigned long long)held,
			 "records_ratelimited counts them (%llu)\n",
			 ta_counter(TIMEAUDIT_CNT_RATELIMITED) - held0);
	step_ns(-(CALLS - 2) * MS);
}

/* nobody floods refused clock_settime() for 3 s; returns its pid. */
static pid_t flood(int pipefd[2])
{
	struct timespec ts;
	long attempts = 0;
	double end;
	pid_t pid;

	pid = fork();
	if (pid)
		return pid;
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(1);
	end = mono_s() + 3;
	while (mono_s() < end) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 3600;
		if (clock_settime(CLOCK_REALTIME, &ts) && errno == EPERM)
			attempts++;
	}
	if (write(pipefd[1], &attempts, sizeof(attempts)) != sizeof(attempts))
		_exit(1);
	_exit(0);
}

static void refusals_do_not_starve_steps(void)
{
	long long held = 0;
	long attempts = 0, mark;
	int pipefd[2], i, n, steps, denied, named = 0, status;
	char p[32];
	pid_t pid;

	if (pipe(pipefd)) {
		ksft_test_result_fail("pipe\n");
		ksft_test_result_fail("pipe\n");
		return;
	}
	mark = ta_log_mark();
	pid = flood(pipefd);
	usleep(300000);
	for (i = 0; i < PRIV; i++) {
		step_ns(2 * MS);
		usleep(250000);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &attempts, sizeof(attempts)) != sizeof(attempts))
		attempts = -1;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	step_ns(-PRIV * 2 * MS);
	sleep(3);
	steps = step_recs(mark, getpid(), " delta_ns=2000000 ");
	snprintf(p, sizeof(p), " pid=%d ", pid);
	denied = ta_search(mark, "TIME_INJOFFSET",
			   (const char *[]){ p, "class=denied", NULL }, NULL, 0);
	n = summaries(mark, "denied");
	for (i = 0; i < n && i < NSUMS; i++) {
		held += ta_field_ll(recs[i], "suppressed");
		if (ta_field_ll(recs[i], "max_pid") == pid &&
		    ta_field_ll(recs[i], "max_uid") == NOBODY)
			named++;
	}
	ksft_print_msg("nobody: %ld refused, %d recorded, %lld summarised in %d; root: %d of %d steps recorded\n",
		       attempts, denied, held, n, steps, PRIV);
	ksft_test_result(steps == PRIV && summaries(mark, "step") == 0,
			 "every privileged step recorded on its own (%d of %d)\n",
			 steps, PRIV);
	ksft_test_result(attempts > 100 && n >= 1 && named == n &&
			 denied + held == attempts,
			 "refusals: %d records + %lld summarised = %ld, actor named\n",
			 denied, held, attempts);
}

/* The record is written by the caller on its way back to user space. */
static void caller_named(void)
{
	char p[32], pp[32];
	long mark;
	pid_t pid;
	int status, n;

	mark = ta_log_mark();
	pid = fork();
	if (!pid) {
		step_ns(3 * MS);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	step_ns(-3 * MS);
	snprintf(p, sizeof(p), " pid=%d ", pid);
	snprintf(pp, sizeof(pp), " ppid=%d ", getpid());
	n = ta_search(mark, "TIME_INJOFFSET",
		      (const char *[]){ p, pp, " delta_ns=3000000 ", " exe=",
					"class=step", NULL }, NULL, 0);
	ksft_test_result(n == 1, "a step's record names the stepping process (%d)\n",
			 n);
}

/* A record refused by audit is told by a summary within seconds. */
static void losses_on_record(void)
{
	struct timex tx = { 0 };
	unsigned long long lost0, lost;
	long orig, mark;
	int n, i, told = 0;

	adjtimex(&tx);
	orig = tx.freq;
	lost0 = ta_counter(TIMEAUDIT_CNT_LOST);
	mark = ta_log_mark();
	ta_sh("auditctl -a always,exclude -F msgtype=TIME_ADJNTPVAL");
	tx = (struct timex){ .modes = ADJ_FREQUENCY, .freq = orig + (100 << 16) };
	adjtimex(&tx);
	tx = (struct timex){ .modes = ADJ_FREQUENCY, .freq = orig };
	adjtimex(&tx);
	ta_sh("auditctl -d always,exclude -F msgtype=TIME_ADJNTPVAL");
	sleep(3);
	lost = ta_counter(TIMEAUDIT_CNT_LOST);
	n = summaries(mark, "none");
	for (i = 0; i < n && i < NSUMS; i++)
		if ((unsigned long long)ta_field_ll(recs[i], "lost") == lost)
			told++;
	ksft_test_result(lost - lost0 == 2 && told >= 1,
			 "2 records refused by audit: a summary says lost=%llu (%d)\n",
			 lost, told);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(10);
	ksft_test_result(ta_module_load(TIMEAUDIT_PARAM_RATE "=5") == 0,
			 "module loaded with rate_limit=5\n");
	hour_in_a_loop();
	refusals_do_not_starve_steps();
	caller_named();
	losses_on_record();
	ta_module_load(NULL);
	ksft_finished();
}
