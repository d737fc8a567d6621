// SPDX-License-Identifier: GPL-2.0
/*
 * Lock mode: once locked=1 is written, no parameter can change and the
 * module cannot be unloaded, not even with rmmod -f, until reboot; every
 * refusal is recorded, and the clock is still audited. The lock cannot be
 * undone, so this must be the last test of the boot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"
#include "../userspace/exitcodes.h"

#define LOCKER_AUID	4444
#define UNLOADER_AUID	4445
#define TAINT_FORCED_RMMOD	(1UL << 7)
#define ALL_CLASSES	"step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp"

static char rec[TA_REC_MAX];
static char recs[32][TA_REC_MAX];
static char out[8192], err[8192];

static const struct {
	const char *name;
	const char *now;	/* the defaults */
	const char *attempt;	/* a valid new value */
} params[] = {
	{ TIMEAUDIT_PARAM_STEP, "1000000", "5000" },
	{ TIMEAUDIT_PARAM_SLEW, "128000000", "0" },
	{ TIMEAUDIT_PARAM_FREQ, "10000", "1" },
	{ TIMEAUDIT_PARAM_TICK, "1", "0" },
	{ TIMEAUDIT_PARAM_TAI, "1", "0" },
	{ TIMEAUDIT_PARAM_STATUS, "0x0030", "0" },
	{ TIMEAUDIT_PARAM_CLASSES, ALL_CLASSES, "none" },
	{ TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY, "\n" },	/* no key */
	{ TIMEAUDIT_PARAM_RTC, "1000000000", "0" },
	{ TIMEAUDIT_PARAM_DRIFT_WINDOW, "600", "60" },
	{ TIMEAUDIT_PARAM_DRIFT_BUDGET, "100000000", "1" },
	{ TIMEAUDIT_PARAM_FDRIFT_WINDOW, "21600", "60" },
	{ TIMEAUDIT_PARAM_FDRIFT_BUDGET, "5000", "1" },
	{ TIMEAUDIT_PARAM_RATE, "20", "0" },
	{ TIMEAUDIT_PARAM_LOCKED, "1", "0" },
};

static int param_is(const char *name, const char *want)
{
	char v[256];

	return !ta_param_read(name, v, sizeof(v)) && !strcmp(v, want);
}

static int ctl(const char *args)
{
	const char *c = getenv("TA_CTL");
	int rc;

	rc = ta_sh("%s %s >/tmp/ctl.out 2>/tmp/ctl.err",
		   c ? c : "/ta/timeauditctl", args);
	if (ta_read_file("/tmp/ctl.out", out, sizeof(out)))
		out[0] = '\0';
	if (ta_read_file("/tmp/ctl.err", err, sizeof(err)))
		err[0] = '\0';
	return rc;
}

static unsigned long tainted(void)
{
	char v[64];

	if (ta_read_file("/proc/sys/kernel/tainted", v, sizeof(v)))
		return ~0UL;
	return strtoul(v, NULL, 10);
}

static int setoffset(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns < 0 ? -1 : 0;
	tx.time.tv_usec = ns < 0 ? 1000000000LL + ns : ns;
	return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) < 0 ? -errno : 0;
}

/* rmmod [-f] timeaudit as a child with a login uid. */
static void try_unload(int force)
{
	const char *argv[] = { "/bin/rmmod", force ? "-f" : "timeaudit",
			       force ? "timeaudit" : NULL, NULL };
	const char *needles[] = { "op=" TIMEAUDIT_OP_UNLOAD, NULL, NULL };
	unsigned long taint = tainted();
	char pidn[32], v[64];
	int status, n;
	long mark;
	pid_t pid;

	mark = ta_log_mark_synced();
	pid = ta_spawn(argv, UNLOADER_AUID, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) &&
			 ta_module_loaded() && ta_module_listed(),
			 "rmmod%s timeaudit fails, the module stays\n",
			 force ? " -f" : "");
	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	needles[1] = pidn;
	n = ta_search(mark, "CONFIG_CHANGE", needles, rec, sizeof(rec));
	ksft_test_result(n == 1 && strstr(rec, " res=0") &&
			 ta_field_ll(rec, "exit") == -EWOULDBLOCK &&
			 ta_field_ll(rec, "auid") == UNLOADER_AUID &&
			 !ta_field(rec, "comm", v, sizeof(v)) &&
			 !strcmp(v, "rmmod"),
			 "one op=%s res=0 exit=-%d record names the rmmod pid, auid, comm (%d)\n",
			 TIMEAUDIT_OP_UNLOAD, EWOULDBLOCK, n);
	if (force)
		ksft_test_result(!((tainted() ^ taint) & TAINT_FORCED_RMMOD),
				 "rmmod -f did not force anything: no new R taint\n");
}

int main(void)
{
	const char *lock_argv[] = { "/bin/sh", "-c",
				    "echo 1 > " TIMEAUDIT_SYSFS_PARAMS "/"
				    TIMEAUDIT_PARAM_LOCKED, NULL };
	const char *failed[] = { "op=" TIMEAUDIT_OP_SET, "res=0", NULL,
				 NULL };
	char pidn[32], pn[64];
	int status, n, all, k;
	size_t i;
	long mark;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(3 + ARRAY_SIZE(params) + 1 + 5 + 1 + 6);

	/* Start from a fresh load: nothing left over from other tests. */
	ksft_test_result(ta_module_load(NULL) == 0 && param_is(TIMEAUDIT_PARAM_LOCKED, "0"),
			 "fresh load, unlocked\n");

	mark = ta_log_mark_synced();
	pid = ta_spawn(lock_argv, LOCKER_AUID, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) &&
			 param_is(TIMEAUDIT_PARAM_LOCKED, "1"),
			 "echo 1 > locked: accepted, locked reads 1\n");
	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	{
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET,
					  " param=" TIMEAUDIT_PARAM_LOCKED " ",
					  pidn, NULL };

		n = ta_search(mark, "CONFIG_CHANGE", needles, rec, sizeof(rec));
	}
	ksft_test_result(n == 1 && strstr(rec, " old=\"0\" new=\"1\" ") &&
			 strstr(rec, " res=1") &&
			 ta_field_ll(rec, "auid") == LOCKER_AUID,
			 "the lock is recorded: old 0, new 1, auid %d (%d)\n",
			 LOCKER_AUID, n);

	/* Every parameter, locked itself included, now refuses with EPERM. */
	mark = ta_log_mark_synced();
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		int e = ta_param_write(params[i].name, params[i].attempt);

		ksft_test_result(e == -EPERM && param_is(params[i].name, params[i].now),
				 "locked: %s='%s' gives EPERM (%s), still '%s'\n",
				 params[i].name,
				 strcmp(params[i].attempt, "\n") ?
				 params[i].attempt : "\\n",
				 strerror(-e), params[i].now);
	}
	snprintf(pidn, sizeof(pidn), " pid=%d ", getpid());
	failed[2] = pidn;
	n = ta_ausearch(mark, "-m CONFIG_CHANGE", failed, recs, 32);
	for (i = 0, all = n == (int)ARRAY_SIZE(params), k = 0;
	     all && i < ARRAY_SIZE(params); i++) {
		snprintf(pn, sizeof(pn), " param=%s ", params[i].name);
		all = strstr(recs[i], pn) && ta_field_ll(recs[i], "exit") == -EPERM;
		k += all;
	}
	ksft_test_result(all, "each refusal recorded res=0 exit=-1, in order (%d records, %d matched)\n",
			 n, k);

	try_unload(0);
	try_unload(1);

	/* The module still does its job. */
	mark = ta_log_mark_synced();
	n = setoffset(5000000) || setoffset(-5000000);
	{
		const char *needles[] = { "class=step", pidn, NULL };

		k = ta_ausearch(mark, "-m TIME_INJOFFSET", needles, recs, 32);
	}
	/* ausearch sorts by time: the step back may come first. */
	ksft_test_result(!n && k == 2 &&
			 ta_field_ll(recs[0], "delta_ns") +
			 ta_field_ll(recs[1], "delta_ns") == 0 &&
			 llabs(ta_field_ll(recs[0], "delta_ns")) == 5000000,
			 "locked: 5 ms steps still recorded (%d)\n", k);

	/* timeauditctl: exit 4 for changes, lock is idempotent */
	mark = ta_log_mark_synced();
	n = ctl("set step=5ms");
	ksft_test_result(n == TA_EXIT_LOCKED && strstr(err, "locked"),
			 "timeauditctl set, locked: exit 4 (%d: %.80s)\n", n, err);
	n = ctl("apply /dev/null");
	ksft_test_result(n == TA_EXIT_LOCKED, "timeauditctl apply, locked: exit 4 (%d)\n", n);
	n = ctl("lock");
	ksft_test_result(n == 0, "timeauditctl lock, already locked: exit 0 (%d)\n", n);
	{
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET,
					  "comm=\"timeauditctl\"", NULL };

		n = ta_search(mark, "CONFIG_CHANGE", needles, NULL, 0);
	}
	ksft_test_result(n == 0 && param_is(TIMEAUDIT_PARAM_STEP, "1000000"),
			 "... nothing written (%d)\n", n);
	n = ctl("status");
	ksft_test_result(n == 0 && strstr(out, "\nlocked              yes\n"),
			 "timeauditctl status: locked yes (%d)\n", n);
	n = ctl("--json");
	ksft_test_result(n == 0 && ta_json_valid(out) && strstr(out, "\"locked\":true"),
			 "timeauditctl --json: valid, locked true (%d)\n", n);
	ksft_finished();
}
