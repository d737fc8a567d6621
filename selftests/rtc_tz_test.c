// SPDX-License-Identifier: GPL-2.0
/*
 * Writes to the hardware clock (util-linux hwclock --systohc, through the
 * RTC_SET_TIME ioctl) and changes of the kernel timezone are recorded,
 * with old and new values and who did it; writes that change nothing
 * are not.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC 1000000000LL

static char rec[TA_REC_MAX];

static void step_s(long s)
{
	struct timex tx = { .modes = ADJ_SETOFFSET };

	tx.time.tv_sec = s;
	adjtimex(&tx);
}

static int rtc_recs(long mark)
{
	const char *needles[] = { "class=rtc", " comm=\"hwclock\" ", NULL };

	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

static int tz_recs(long mark)
{
	char pid[32];
	const char *needles[] = { pid, "op=tz ", NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, "TIME_ADJNTPVAL", needles, rec, sizeof(rec));
}

static int set_tz(int west, int dst)
{
	struct timezone tz = { .tz_minuteswest = west, .tz_dsttime = dst };

	return syscall(SYS_settimeofday, NULL, &tz);
}

int main(void)
{
	long long d;
	long mark;
	int n;

	ksft_print_header();
	ksft_set_plan(8);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	/* Align the RTC first, then move the system clock 100 s ahead. */
	ta_sh("/sbin/hwclock --systohc --utc");
	step_s(100);
	mark = ta_log_mark_synced();
	ta_sh("/sbin/hwclock --systohc --utc");
	n = rtc_recs(mark);
	d = ta_field_ll(rec, "sec");
	ksft_test_result(n == 1 && d >= 98 && d <= 101 &&
			 strstr(rec, " old_rtc=") && !strstr(rec, "old_rtc=unknown"),
			 "hwclock --systohc after a 100 s step: one record, RTC moved %lld s (%d)\n",
			 d, n);
	ksft_test_result(llabs(ta_field_ll(rec, "offset_ns")) < 2 * NSEC,
			 "... its new time is the system time (offset %lld ns)\n",
			 ta_field_ll(rec, "offset_ns"));
	/* hwclock writes the RTC with ioctl(RTC_SET_TIME): named, no number */
	ksft_test_result(strstr(rec, " entry=ioctl ") != NULL,
			 "... and names its syscall: entry=ioctl\n");
	mark = ta_log_mark_synced();
	ta_sh("/sbin/hwclock --systohc --utc");
	ksft_test_result(rtc_recs(mark) == 0,
			 "hwclock --systohc again: RTC unchanged, no record\n");
	step_s(-100);
	ta_sh("/sbin/hwclock --systohc --utc");

	mark = ta_log_mark_synced();
	set_tz(60, 0);
	n = tz_recs(mark);
	ksft_test_result(n == 1 && ta_field_ll(rec, "old") == 0 &&
			 ta_field_ll(rec, "new") == 60 && strstr(rec, "class=tz"),
			 "timezone 0 -> 60 min west: one record (%d)\n", n);
	mark = ta_log_mark_synced();
	set_tz(60, 0);
	ksft_test_result(tz_recs(mark) == 0, "same timezone again: no record\n");
	mark = ta_log_mark_synced();
	set_tz(0, 1);
	n = tz_recs(mark);
	ksft_test_result(n == 1 && ta_field_ll(rec, "new") == 0 &&
			 ta_field_ll(rec, "new_dsttime") == 1,
			 "timezone back, DST flag set: one record (%d)\n", n);
	set_tz(0, 0);
	ksft_finished();
}
