// SPDX-License-Identifier: GPL-2.0
/*
 * The first bypasses of issue 14, each a clock change that once left no
 * record: a step hidden in an adjtime() read (modes 0xa101), an adjtime()
 * offset whose ns wrapped to 384, and a hardware clock written right after
 * load by a tool that does not read it first (busybox hwclock).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
/* adjtime() offset, us: * 1000 wraps to 384 in 64 bits */
#define WRAP_US		18446744073709552LL

static char rec[TA_REC_MAX];

/* CLOCK_REALTIME - CLOCK_BOOTTIME: moved by steps only. */
static long long real_offset(void)
{
	struct timespec r1, b, r2;

	clock_gettime(CLOCK_REALTIME, &r1);
	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_REALTIME, &r2);
	return (r1.tv_sec * NSEC + r1.tv_nsec) / 2 +
	       (r2.tv_sec * NSEC + r2.tv_nsec) / 2 - (b.tv_sec * NSEC + b.tv_nsec);
}

/* Field @name of the record found is exactly @want. */
static int is(const char *name, const char *want)
{
	char v[64];

	return !ta_field(rec, name, v, sizeof(v)) && !strcmp(v, want);
}

static int mine(long mark, const char *type, const char *a, const char *b)
{
	char pid[32];
	const char *needles[] = { pid, a, b, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static void step_hidden_in_read(void)
{
	struct timex tx = { .modes = ADJ_OFFSET_SS_READ | ADJ_SETOFFSET };
	long long before, moved;
	long mark;
	int ret, n;

	tx.time.tv_sec = 3600;
	mark = ta_log_mark();
	before = real_offset();
	ret = adjtimex(&tx);
	moved = real_offset() - before;
	n = mine(mark, "TIME_INJOFFSET", "class=step ", " modes=0xa101 ");
	ksft_test_result(ret >= 0 && llabs(moved - 3600 * NSEC) < NSEC / 10,
			 "modes 0xa101, tv_sec 3600: the kernel stepped the clock %lld ns (ret %d)\n",
			 moved, ret);
	ksft_test_result(n == 1 && ta_field_ll(rec, "sec") == 3600 &&
			 ta_field_ll(rec, "delta_ns") == 3600 * NSEC,
			 "... one step record of 3600 s (%d, sec=%lld)\n",
			 n, ta_field_ll(rec, "sec"));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_sec = -3600;
	tx.time.tv_usec = 0;
	adjtimex(&tx);
}

static void adjtime_wrap(void)
{
	struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT, .offset = WRAP_US };
	struct timex rd = { .modes = ADJ_OFFSET_SS_READ };
	long mark;
	int ret, n;

	mark = ta_log_mark();
	ret = adjtimex(&tx);
	adjtimex(&rd);
	n = mine(mark, "TIME_ADJNTPVAL", "op=adjust ", " class=slew ");
	ksft_test_result(ret >= 0 && rd.offset > WRAP_US - 10 * 1000000,
			 "adjtime() of %lld us: the kernel slews it (%ld us left)\n",
			 WRAP_US, rd.offset);
	ksft_test_result(n == 1 && is("new", "18446744073709552") &&
			 is("new_ns", "9223372036854775807"),
			 "... one slew record, new_ns saturated at S64_MAX (%d, new_ns=%lld)\n",
			 n, ta_field_ll(rec, "new_ns"));
	tx.offset = 0;
	adjtimex(&tx);
	/* The same huge slew backwards. */
	tx.offset = -WRAP_US;
	mark = ta_log_mark();
	adjtimex(&tx);
	n = mine(mark, "TIME_ADJNTPVAL", "op=adjust ", " class=slew ");
	ksft_test_result(n == 1 && is("new_ns", "-9223372036854775808"),
			 "adjtime() of -%lld us: one record, new_ns saturated at S64_MIN (%d)\n",
			 WRAP_US, n);
	tx.offset = 0;
	adjtimex(&tx);
}

static int rtc_recs(long mark)
{
	const char *needles[] = { "class=rtc ", " comm=\"busybox\" ", NULL };

	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

static void rtc_first_write(void)
{
	struct timex tx = { .modes = ADJ_SETOFFSET };
	long mark;
	int n;

	/* A fresh module has seen no RTC read. */
	ta_module_load("rate_limit=0");
	tx.time.tv_sec = 7200;
	adjtimex(&tx);
	mark = ta_log_mark();
	ta_sh("/bin/busybox hwclock -w -u");
	n = rtc_recs(mark);
	ksft_test_result(n == 1 && strstr(rec, " old_rtc=unknown ") &&
			 ta_field_ll(rec, "offset_ns") < 2 * NSEC &&
			 ta_field_ll(rec, "offset_ns") > -2 * NSEC,
			 "busybox hwclock -w after +2 h, first write since load: one record, old_rtc=unknown (%d)\n",
			 n);
	tx.time.tv_sec = -7200;
	adjtimex(&tx);
	ta_sh("/sbin/hwclock --systohc --utc");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(7);
	ksft_test_result(ta_module_load("rate_limit=0") == 0,
			 "module loaded\n");
	step_hidden_in_read();
	adjtime_wrap();
	rtc_first_write();
	ksft_finished();
}
