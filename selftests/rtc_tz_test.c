// SPDX-License-Identifier: GPL-2.0
/*
 * Writes to the hardware clock (util-linux hwclock --systohc, through the
 * RTC_SET_TIME ioctl) and changes of the kernel timezone are recorded,
 * with old and new values and who did it; writes that change nothing
 * are not.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/rtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <errno.h>
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

/*
 * The RTC written with the time it holds, right after it ticks: what
 * "hwclock --systohc" does when nothing moved. util-linux's hwclock is
 * not that exact under TCG: it writes a second ahead when it wakes past
 * its target (the ceiling of the elapsed time) and exactly when it wakes
 * on it; two of its writes of one time can then differ by a whole second,
 * a real move of the RTC, recorded. Seen on arm64 often and on a loaded
 * x86-64 CI machine once, so the test writes the RTC itself.
 */
static int rtc_rewrite(void)
{
	struct rtc_time a, b;
	int fd = open("/dev/rtc0", O_RDONLY), ret = -1, errs = 0;

	if (fd < 0)
		return -1;
	/*
	 * A read can fail while the CMOS clock updates (5.10's rtc_cmos
	 * gives up on a long update-in-progress, "unable to read current
	 * time", as a loaded TCG host stretches it): read again.
	 */
	while (ioctl(fd, RTC_RD_TIME, &a))
		if (++errs > 100)
			goto out;
	do
		while (ioctl(fd, RTC_RD_TIME, &b))
			if (++errs > 100)
				goto out;
	while (b.tm_sec == a.tm_sec);
	ret = ioctl(fd, RTC_SET_TIME, &b);
out:
	close(fd);
	return ret;
}

static int own_rtc_recs(long mark)
{
	char pid[32];
	const char *needles[] = { "class=rtc", pid, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
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
	ksft_set_plan(9);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	/* Align the RTC first, then move the system clock 100 s ahead. */
	ta_sh("/sbin/hwclock --systohc --utc");
	step_s(100);
	mark = ta_log_mark();
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
	mark = ta_log_mark();
	n = rtc_rewrite();
	ksft_test_result(n == 0 && own_rtc_recs(mark) == 0,
			 "RTC written with its own time on its tick: no record (%d)\n",
			 n);
	step_s(-100);
	ta_sh("/sbin/hwclock --systohc --utc");

	mark = ta_log_mark();
	set_tz(60, 0);
	n = tz_recs(mark);
	ksft_test_result(n == 1 && ta_field_ll(rec, "old") == 0 &&
			 ta_field_ll(rec, "new") == 60 && strstr(rec, "class=tz"),
			 "timezone 0 -> 60 min west: one record (%d)\n", n);
	mark = ta_log_mark();
	set_tz(60, 0);
	ksft_test_result(tz_recs(mark) == 0, "same timezone again: no record\n");
	mark = ta_log_mark();
	set_tz(0, 1);
	n = tz_recs(mark);
	ksft_test_result(n == 1 && ta_field_ll(rec, "new") == 0 &&
			 ta_field_ll(rec, "new_dsttime") == 1,
			 "timezone back, DST flag set: one record (%d)\n", n);
	set_tz(0, 0);

	/*
	 * The kernel sets the timezone before the time: a time it then
	 * refuses (the epoch, before this boot) leaves the timezone set.
	 */
	mark = ta_log_mark();
	{
		struct timeval epoch = { 0, 0 };
		struct timezone tz = { .tz_minuteswest = -120 };
		long rc = syscall(SYS_settimeofday, &epoch, &tz);

		n = tz_recs(mark);
		ksft_test_result(rc == -1 && errno == EINVAL && n == 1 &&
				 ta_field_ll(rec, "new") == -120,
				 "timezone with a refused time (EINVAL): the timezone change is on record (%d)\n",
				 n);
	}
	set_tz(0, 0);
	ksft_finished();
}
