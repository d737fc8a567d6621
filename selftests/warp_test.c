// SPDX-License-Identifier: GPL-2.0
/*
 * The first settimeofday(NULL, tz) of a boot "warps" the clock by the
 * timezone offset (for RTCs kept in local time) without going through
 * do_settimeofday64. It must be recorded as a step like any other.
 * Runs first in the VM: the warp happens once per boot.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC 1000000000LL

static char rec[TA_REC_MAX];

static int set_tz(int minuteswest)
{
	struct timezone tz = { .tz_minuteswest = minuteswest };

	return syscall(SYS_settimeofday, NULL, &tz);
}

static int warps(long mark)
{
	char pid[32];
	const char *needles[] = { pid, "via=warp", NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

int main(void)
{
	struct timex tx = { .modes = ADJ_SETOFFSET };
	long mark;
	int n;

	ksft_print_header();
	ksft_set_plan(4);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	mark = ta_log_mark();
	ksft_test_result(set_tz(90) == 0, "first settimeofday(NULL, tz 90 min west)\n");
	n = warps(mark);
	ksft_test_result(n == 1 && ta_field_ll(rec, "delta_ns") == 90 * 60 * NSEC &&
			 strstr(rec, " entry=settimeofday "),
			 "warp recorded once, delta exactly +90 min (%d)\n", n);

	tx.time.tv_sec = -90 * 60;	/* undo it */
	adjtimex(&tx);
	mark = ta_log_mark();
	set_tz(60);
	set_tz(0);
	ksft_test_result(warps(mark) == 0, "later timezone changes do not warp\n");
	ksft_finished();
}
