// SPDX-License-Identifier: GPL-2.0
/*
 * An unprivileged attempt to change the clock fails with EPERM and is
 * recorded exactly once, with res=failed and the caller's identity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NOBODY 65534

static char rec[TA_REC_MAX];

/* In a child as nobody: attempt @what; its errno, 0 if allowed. */
static int nobody_tries(int what)
{
	struct timespec ts;
	struct timex tx = { 0 };
	int e = 0;

	if (ta_be_nobody())
		_exit(1);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 3600;
	switch (what) {
	case 0:
		if (clock_settime(CLOCK_REALTIME, &ts))
			e = errno;
		break;
	case 1:
		tx.modes = ADJ_FREQUENCY;
		tx.freq = 100 << 16;
		if (adjtimex(&tx) < 0)
			e = errno;
		break;
	case 2:
		tx.modes = ADJ_SETOFFSET;
		tx.time.tv_sec = 3600;
		if (adjtimex(&tx) < 0)
			e = errno;
		break;
	case 4: {	/* the syscall itself: glibc makes clock_settime of it */
		struct timeval tv = { .tv_sec = ts.tv_sec };

		if (syscall(SYS_settimeofday, &tv, NULL))
			e = errno;
		break;
	}
	case 5: {	/* the timezone alone: the same check */
		struct timezone tz = { .tz_minuteswest = -60 };

		if (syscall(SYS_settimeofday, NULL, &tz))
			e = errno;
		break;
	}
	default:	/* a read is not an attempt to change anything */
		if (adjtimex(&tx) < 0)
			e = errno;
		break;
	}
	return e;
}

/* Run @what as nobody in a child; returns the child's pid, or -1. */
static pid_t as_nobody(int what, int *err)
{
	return ta_run_child(nobody_tries, what, err);
}

static int denied(long mark, const char *type, pid_t pid)
{
	char p[32];
	const char *needles[] = { p, "class=denied", "res=failed", NULL };

	snprintf(p, sizeof(p), " pid=%d ", pid);
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

/* What nobody tries (nobody_tries()), and the record each must make. */
static const struct attempt {
	int what;
	const char *name, *type;
} attempts[] = {
	{ 0, "clock_settime", "TIME_INJOFFSET" },
	{ 1, "adjtimex freq", "TIME_ADJNTPVAL" },
	{ 2, "ADJ_SETOFFSET", "TIME_INJOFFSET" },
	{ 4, "settimeofday", "TIME_INJOFFSET" },
	{ 5, "settimeofday(NULL, tz)", "TIME_INJOFFSET" },
};

static int is_nobody(void)
{
	char v[64];

	return ta_field_ll(rec, "uid") == NOBODY &&
	       ta_field_ll(rec, "euid") == NOBODY &&
	       ta_field_ll(rec, "exit") == -EPERM &&
	       !ta_field(rec, "comm", v, sizeof(v)) && !strcmp(v, "denied_test");
}

int main(void)
{
	long mark;
	pid_t pid;
	int err, n;
	size_t i;

	ksft_print_header();
	ksft_set_plan(12);
	ta_module_load(NULL);

	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		const struct attempt *t = &attempts[i];

		mark = ta_log_mark();
		pid = as_nobody(t->what, &err);
		ksft_test_result(err == EPERM, "%s as nobody: EPERM\n", t->name);
		n = denied(mark, t->type, pid);
		ksft_test_result(n == 1 && is_nobody() &&
				 (strcmp(t->type, "TIME_ADJNTPVAL") ?
				  ta_field_ll(rec, "delta_ns") == 0 :
				  strstr(rec, "op=denied") != NULL),
				 "%s as nobody: one record, nothing changed (%d)\n",
				 t->name, n);
	}

	mark = ta_log_mark();
	pid = as_nobody(3, &err);
	ksft_test_result(err == 0, "adjtimex read as nobody: allowed\n");
	{
		char p[32];
		const char *needles[] = { p, NULL };

		snprintf(p, sizeof(p), " pid=%d ", pid);
		n = ta_search(mark, "TIME_INJOFFSET,TIME_ADJNTPVAL", needles,
			      NULL, 0);
	}
	ksft_test_result(n == 0, "adjtimex read as nobody: no record\n");
	ksft_finished();
}
