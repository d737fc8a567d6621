// SPDX-License-Identifier: GPL-2.0
/*
 * linuxptp's phc2sys stepping and then disciplining a PTP clock from the
 * system clock, as at a site that serves PTP from an NTP-synced host.
 * The clock is the ptp_mock of a netdevsim port: it ticks under TCG, where
 * qemu's e1000e clock stands still. Needs a kernel with netdevsim and
 * ptp_mock (scripts/build-ptp-kernel.sh): the vm-ptp-mock stage.
 *
 * The clock starts 5 s ahead. phc2sys's first step is exactly one record,
 * with the offset phc2sys measured; the steady state that follows writes
 * none. The stock time-change syscall rule and the same rule with
 * clock_adjtime added are loaded for the whole run and counted alongside.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#ifndef STEADY_S
#define STEADY_S	120	/* the two minutes */
#endif
#define NSIM_ID		7
#define NSIM_DIR	"/sys/bus/netdevsim/devices/netdevsim7/ptp"
#define PHC2SYS		"/usr/sbin/phc2sys"
#define PHC2SYS_LOG	"/tmp/phc2sys.log"
#define AHEAD_NS	5000000000LL
#define NSEC		1000000000LL
#define CLOCKFD		3
#define FD_TO_CLOCKID(fd)	((~(clockid_t)(fd) << 3) | CLOCKFD)
#define MAX_LINES	1024

/* The syscall rules admins are told to load, as in 30-stig.rules... */
#define STOCK_RULE	"-a always,exit -F arch=b64 -S adjtimex -S settimeofday -S clock_settime -k time-change"
/* ...and the syscall they leave out, through which phc2sys works. */
#define ADJ_RULE	"-a always,exit -F arch=b64 -S clock_adjtime -k ta-clock-adjtime"

/* One "-m" line of phc2sys: offset in ns, servo state (0, 1, 2), ppb. */
struct sample {
	long long offset;
	int state;
	double freq;
};

static struct sample lines[MAX_LINES];
static int nlines;
static char rec[TA_REC_MAX];
static char phc[NAME_MAX + 1];

/* The PTP clock of the netdevsim port made here: "ptpN". */
static int find_phc(void)
{
	struct dirent *e;
	DIR *d;
	int i;

	if (access(NSIM_DIR, F_OK) &&
	    ta_write_file("/sys/bus/netdevsim/new_device", "7 1"))
		return -1;
	for (i = 0; i < 50 && access(NSIM_DIR, F_OK); i++)
		usleep(100000);
	d = opendir(NSIM_DIR);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "ptp", 3))
			snprintf(phc, sizeof(phc), "%s", e->d_name);
	closedir(d);
	return phc[0] ? 0 : -1;
}

/* Parse what phc2sys has printed so far: "... offset N sS freq F ...". */
static int read_log(void)
{
	char line[512];
	FILE *f = fopen(PHC2SYS_LOG, "r");

	nlines = 0;
	while (f && fgets(line, sizeof(line), f) && nlines < MAX_LINES) {
		struct sample *s = &lines[nlines];
		char *p = strstr(line, " offset ");

		if (p && sscanf(p, " offset %lld s%d freq %lf", &s->offset,
				&s->state, &s->freq) == 3)
			nlines++;
	}
	if (f)
		fclose(f);
	return nlines;
}

static int first_with_state(int state)
{
	int i;

	for (i = 0; i < nlines; i++)
		if (lines[i].state == state)
			return i;
	return -1;
}

/* timeaudit's records (they carry class=) since @mark. */
static int ta_records(long mark)
{
	const char *needles[] = { " class=", NULL };

	return ta_ausearch(mark, "-m TIME_INJOFFSET,TIME_ADJNTPVAL", needles,
			   NULL, 0);
}

/* phc2sys's SYSCALL records of the rule with key @key since @mark. */
static int rule_records(long mark, const char *key)
{
	const char *needles[] = { "comm=\"phc2sys\"", NULL };
	char args[128];

	snprintf(args, sizeof(args), "-m SYSCALL -k %s", key);
	return ta_ausearch(mark, args, needles, NULL, 0);
}

static pid_t start_phc2sys(void)
{
	char dev[NAME_MAX + 8];
	pid_t pid;
	int fd;

	snprintf(dev, sizeof(dev), "/dev/%s", phc);
	pid = fork();
	if (pid)
		return pid;
	fd = open(PHC2SYS_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	execl(PHC2SYS, "phc2sys", "-s", "CLOCK_REALTIME", "-c", dev, "-O", "0",
	      "-m", "-q", (char *)NULL);
	_exit(127);
}

int main(void)
{
	long long delta, max_late = 0;
	long mark0, mark_lock;
	int jump, lock, i, n, all_s2, fd, err;
	int ta_step, ta_steady, stock_step, stock_steady, adj_step, adj_steady;
	struct timespec ts;
	char dev[NAME_MAX + 8];
	pid_t pid;
	time_t t0;

	ksft_print_header();
	ksft_set_plan(7);
	if (access(PHC2SYS, X_OK))
		ksft_exit_fail_msg("no %s (linuxptp) in the VM\n", PHC2SYS);
	ksft_test_result(find_phc() == 0,
			 "netdevsim port with a ptp_mock clock: %s\n", phc);
	if (!phc[0])
		ksft_exit_fail_msg("no PTP clock under %s\n", NSIM_DIR);
	snprintf(dev, sizeof(dev), "/dev/%s", phc);

	/* The clock starts 5 s ahead, before timeaudit watches. */
	fd = open(dev, O_RDWR);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += AHEAD_NS / NSEC;
	err = fd < 0 || clock_settime(FD_TO_CLOCKID(fd), &ts);
	if (fd >= 0)
		close(fd);
	if (err)
		ksft_exit_fail_msg("setting %s: %s\n", dev, strerror(errno));
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");
	if (ta_sh("auditctl " STOCK_RULE " >/dev/null") ||
	    ta_sh("auditctl " ADJ_RULE " >/dev/null"))
		ksft_exit_fail_msg("auditctl could not add the syscall rules\n");

	/* The step: phc2sys samples twice (s0), steps (s1), locks (s2). */
	mark0 = ta_log_mark();
	pid = start_phc2sys();
	t0 = time(NULL);
	while (read_log() >= 0 && first_with_state(2) < 0 &&
	       time(NULL) - t0 < 60)
		usleep(100000);
	mark_lock = ta_log_mark();
	jump = first_with_state(1);
	lock = first_with_state(2);
	ta_step = ta_records(mark0);
	n = ta_search(mark0, "TIME_INJOFFSET", (const char *[]){
		" op=phc_step ", NULL }, rec, sizeof(rec));
	delta = ta_field_ll(rec, "delta_ns");
	ksft_test_result(jump >= 0 && lock > jump && ta_step == 1 && n == 1 &&
			 delta == -lines[jump].offset &&
			 delta > -AHEAD_NS - NSEC / 10 &&
			 delta < -AHEAD_NS + NSEC / 10,
			 "phc2sys's first step: %d timeaudit record(s), delta_ns=%lld for its offset %lld (s1 at line %d, s2 at %d)\n",
			 ta_step, delta, jump >= 0 ? lines[jump].offset : 0,
			 jump, lock);
	ksft_test_result(strstr(rec, " class=ptp via=phc ") &&
			 strstr(rec, " clock=\"" ) && strstr(rec, phc) &&
			 strstr(rec, " comm=\"phc2sys\" ") &&
			 strstr(rec, " entry=clock_adjtime ") &&
			 strstr(rec, " res=success"),
			 "... class=ptp, the clock %s named, comm=phc2sys\n", phc);

	/* The steady state: phc2sys keeps the clock locked, once a second. */
	sleep(STEADY_S);
	/* Stopped before counting, so that counts and samples match. */
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	read_log();
	ta_steady = ta_records(mark_lock);
	stock_steady = rule_records(mark_lock, "time-change");
	adj_steady = rule_records(mark_lock, "ta-clock-adjtime");
	stock_step = rule_records(mark0, "time-change") - stock_steady;
	adj_step = rule_records(mark0, "ta-clock-adjtime") - adj_steady;
	ta_sh("auditctl -d %s >/dev/null", STOCK_RULE + 3);
	ta_sh("auditctl -d %s >/dev/null", ADJ_RULE + 3);

	all_s2 = lock >= 0 && nlines > lock + STEADY_S / 2;
	for (i = lock + 1; all_s2 && i < nlines; i++) {
		if (lines[i].state != 2)
			all_s2 = 0;
		if (i >= (lock + nlines) / 2 && llabs(lines[i].offset) > max_late)
			max_late = llabs(lines[i].offset);
	}
	ksft_test_result(all_s2 && max_late < 1000000,
			 "phc2sys locked for %d s: %d samples, all s2, |offset| at most %lld ns in the second half (first after the step %lld ns)\n",
			 STEADY_S, nlines - lock - 1, max_late,
			 lock >= 0 ? lines[lock].offset : 0);
	ksft_test_result(ta_steady == 0,
			 "steady state: no timeaudit record in %d s (%d)\n",
			 STEADY_S, ta_steady);
	/*
	 * phc2sys works through clock_adjtime only: the stock rule sees
	 * neither the step nor the discipline; with clock_adjtime added it
	 * writes a record per sample.
	 */
	ksft_test_result(lock >= 0 && adj_steady + stock_steady >= nlines - lock - 2,
			 "the rule with clock_adjtime writes a record per sample (%d for %d samples)\n",
			 adj_steady + stock_steady, nlines - lock - 1);
	ksft_print_msg("phc2sys: timeaudit %d records, stock rule %d (with clock_adjtime %d) in %d s\n",
		       ta_steady, stock_steady, stock_steady + adj_steady,
		       STEADY_S);
	ksft_print_msg("phc2sys step phase: timeaudit %d records, stock rule %d (with clock_adjtime %d)\n",
		       ta_step, stock_step, stock_step + adj_step);
	ksft_finished();
}
