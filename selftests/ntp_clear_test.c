// SPDX-License-Identifier: GPL-2.0
/*
 * Calls that clear the kernel's NTP state (ntp_clear()) where that
 * matters, each on record with ntp_cleared=1 whatever its size.
 *
 * A leap second armed: every step clears the NTP state, which disarms
 * it for good, so that midnight passes without it; a step of 0 ns is
 * enough. Such a step is recorded; the same step with no leap armed is
 * not.
 *
 * Times the kernel refuses with EINVAL, asked by a caller allowed to set
 * the clock. Before 6.13, do_settimeofday64() and
 * timekeeping_inject_offset() clear the NTP state even when they refuse
 * a time before the boot: a pending adjtime() slew is dropped, STA_UNSYNC
 * set, a leap second disarmed. Each such refusal must be one step record
 * with ntp_cleared=1 and res=failed. A request refused before that point
 * (an invalid timespec, a timezone out of range), or any refusal on 6.13
 * and later, leaves the slew alone and writes no record. stime() does
 * not pass do_settimeofday64()'s answer on: it returns 0 all the same.
 *
 * The pending slew is the witness: armed before each call with adjtime(),
 * read back after it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define SLEW_US	400000	/* 0.4 s: 800 s to slew away at 500 ppm */
#define NSEC	1000000000LL

#ifdef __x86_64__
#define STIME_RESULTS	1
#else
#define STIME_RESULTS	0
#endif

static char rec[TA_REC_MAX];

static int adjtime_us(long us)
{
	struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT, .offset = us };

	return adjtimex(&tx) < 0 ? -1 : 0;
}

/* The adjtime() slew still pending, us. */
static long slew_left(void)
{
	struct timex tx = { .modes = ADJ_OFFSET_SS_READ };

	return adjtimex(&tx) < 0 ? -1 : tx.offset;
}

/* This process's records of @type after @mark, with @extra if given. */
static int own_recs(long mark, const char *type, const char *extra)
{
	char pid[32];
	const char *needles[] = { pid, extra, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static int raw_settimeofday(time_t sec, long usec, int tz_west)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };
	struct timezone tz = { .tz_minuteswest = tz_west };

	return syscall(SYS_settimeofday, &tv, tz_west ? &tz : NULL) ?
	       -errno : 0;
}

static int realtime_set(time_t sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	return syscall(SYS_clock_settime, CLOCK_REALTIME, &ts) ? -errno : 0;
}

static int setoffset(long long sec, long nsec)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = sec;
	tx.time.tv_usec = nsec;
	return adjtimex(&tx) < 0 ? -errno : 0;
}

enum call {
	SETTOD_EPOCH,	/* settimeofday(1970-01-01 00:00:01) */
	SETTIME_EPOCH,	/* clock_settime(CLOCK_REALTIME, the same) */
	SETOFFSET_BACK,	/* ADJ_SETOFFSET a day before the boot */
	STIME_EPOCH,	/* i386 stime(1): do_settimeofday64() from stime */
	SETTIME_BAD_NSEC,	/* tv_nsec of a whole second */
	SETTOD_BAD_TZ,	/* 16 hours west: refused before the time */
	SETOFFSET_NEG_NSEC,	/* tv_usec < 0 */
};

static int call(enum call c)
{
	switch (c) {
	case SETTOD_EPOCH:
		return raw_settimeofday(1, 0, 0);
	case SETTIME_EPOCH:
		return realtime_set(1, 0);
	case SETOFFSET_BACK:
		return setoffset(-(long long)time(NULL) - 86400, 0);
#ifdef __x86_64__
	case STIME_EPOCH:
		return ta_stime32(1);
#endif
	case SETTIME_BAD_NSEC:
		return realtime_set(time(NULL), 1000000000);
	case SETTOD_BAD_TZ:
		return raw_settimeofday(time(NULL), 0, 16 * 60);
	case SETOFFSET_NEG_NSEC:
		return setoffset(0, -1);
	default:
		return 0;
	}
}

/*
 * @c with a slew pending: EINVAL (stime(): 0), and the slew dropped with
 * one record (@clears) or kept with none.
 */
static void check(enum call c, const char *what, const char *via, int clears)
{
	long mark, left;
	int ret, n, other;

	if (adjtime_us(SLEW_US)) {
		ksft_test_result_fail("%s: adjtime() failed: %s\n", what,
				      strerror(errno));
		return;
	}
	mark = ta_log_mark();
	ret = call(c);
	left = slew_left();
	n = own_recs(mark, "TIME_INJOFFSET", "ntp_cleared=1");
	if (n == 1 && (!strstr(rec, " class=step ") || !strstr(rec, via) ||
		       !strstr(rec, " delta_ns=0 ") ||
		       !strstr(rec, " res=failed")))
		n = -1;		/* not the record it must be */
	other = own_recs(mark, "TIME_INJOFFSET", NULL) +
		own_recs(mark, "TIME_ADJNTPVAL", NULL) - (n > 0 ? n : 0);
	ksft_test_result(ret == (c == STIME_EPOCH ? 0 : -EINVAL) &&
			 (left == 0) == clears &&
			 n == clears && other == 0,
			 "%s: returned %d, slew %s (%ld us left), %d record(s) with ntp_cleared=1, %d other\n",
			 what, ret, left ? "kept" : "dropped", left, n, other);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * STA_INS, from a status without it (the module arms its view of the leap
 * on that change); maxerror 0. STA_UNSYNC stays set: a synced clock would
 * have the kernel write this test's times into the RTC.
 */
static int arm_leap(int on)
{
	struct timex tx = {
		.modes = ADJ_STATUS | ADJ_MAXERROR,
		.status = STA_UNSYNC | (on ? STA_INS : 0),
	};

	return adjtimex(&tx);
}

/*
 * Arm a leap second in the kernel: STA_INS clear across a second boundary
 * (second_overflow() leaves TIME_INS only then), set, and the next
 * boundary passed (TIME_OK -> TIME_INS, the leap due next midnight).
 * Its state cannot be read back: STA_UNSYNC makes adjtimex() answer
 * TIME_ERROR.
 */
static void arm_leap_in_kernel(void)
{
	arm_leap(0);
	sleep_ms(1100);
	arm_leap(1);
	sleep_ms(1200);
}

/* Jump to @s before the next midnight UTC and arm a leap; that midnight. */
static long long leap_ahead(int s)
{
	struct timespec t = { .tv_sec = (ta_now_ns() / NSEC / 86400 + 1) * 86400 - s };

	clock_settime(CLOCK_REALTIME, &t);
	arm_leap_in_kernel();
	return (t.tv_sec + s) * NSEC;
}

/* Until @ns of CLOCK_REALTIME, by the clock a leap holds back. */
static void sleep_until(long long ns)
{
	while (ta_now_ns() < ns)
		sleep_ms(200);
}

static int realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return syscall(SYS_clock_settime, CLOCK_REALTIME, &ts) ? -errno : 0;
}

static int leap_recs(long mark, const char *via)
{
	const char *needles[] = { "ntp_cleared=1", via, " res=success", NULL };
	char pid[32];
	const char *mine[] = { pid, needles[0], needles[1], needles[2], NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, "TIME_INJOFFSET", mine, rec, sizeof(rec));
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC: an inserted leap second takes 1 s. */
static long long real_mono(void)
{
	struct timespec m;
	long long r = ta_now_ns();

	clock_gettime(CLOCK_MONOTONIC, &m);
	return r - (m.tv_sec * NSEC + m.tv_nsec);
}

/*
 * Armed 5 s before midnight UTC, then a step of 0 before it: one record,
 * and no leap at midnight (CLOCK_REALTIME kept its distance to
 * CLOCK_MONOTONIC; the state may only say TIME_ERROR, as the clear set
 * STA_UNSYNC). Once taken, or once applied, a leap gives no more records.
 * The clock is put back where it would be afterwards.
 */
static void check_leap(void)
{
	struct timespec mono0;
	long long real0 = ta_now_ns(), midnight, off0, moved;
	int n, early;
	long mark;

	clock_gettime(CLOCK_MONOTONIC, &mono0);
	midnight = leap_ahead(8);
	mark = ta_log_mark();
	realtime_now();
	early = ta_now_ns() < midnight;
	off0 = real_mono();
	n = leap_recs(mark, " via=settimeofday ");
	sleep_until(midnight + 1500000000LL);
	moved = real_mono() - off0;
	ksft_test_result(early && llabs(moved) < NSEC / 10 && n == 1 &&
			 strstr(rec, " class=step "),
			 "leap second armed, clock_settime(now) before midnight (%d): one record with ntp_cleared=1 (%d), no leap (realtime moved %lld ns)\n",
			 early, n, moved);
	/* STA_INS is still set: the module knows the leap is gone. */
	mark = ta_log_mark();
	n = setoffset(0, 0);
	ksft_test_result(n == 0 && own_recs(mark, "TIME_INJOFFSET", NULL) == 0,
			 "... ADJ_SETOFFSET of 0 after it: no record\n");

	/* Left armed: the kernel applies it at midnight; no record after. */
	midnight = leap_ahead(6);
	off0 = real_mono();
	sleep_until(midnight + 1500000000LL);
	moved = real_mono() - off0;
	mark = ta_log_mark();
	n = setoffset(0, 0);
	ksft_test_result(llabs(moved + NSEC) < NSEC / 10 && n == 0 &&
			 own_recs(mark, "TIME_INJOFFSET", NULL) == 0,
			 "leap second left armed: applied (realtime moved %lld ns); ADJ_SETOFFSET of 0 after it: no record\n",
			 moved);

	/* Armed again, any time of day: ADJ_SETOFFSET of 0 takes it, once. */
	arm_leap_in_kernel();
	mark = ta_log_mark();
	n = setoffset(0, 0);
	ksft_test_result(n == 0 && leap_recs(mark, " via=adjtimex ") == 1,
			 "leap second armed, ADJ_SETOFFSET of 0: one record with ntp_cleared=1\n");
	mark = ta_log_mark();
	n = setoffset(0, 0);
	ksft_test_result(n == 0 && own_recs(mark, "TIME_INJOFFSET", NULL) == 0,
			 "... and again: no record, the leap is gone\n");
	arm_leap(0);
	ta_clock_restore(real0, &mono0);
}

int main(void)
{
	int clears = ta_refused_step_clears_ntp();

	ksft_print_header();
	ksft_set_plan(12 + STIME_RESULTS);
	ksft_test_result(ta_module_load(NULL) == 0 && clears >= 0,
			 "module loaded; this kernel %s a refused time's NTP state\n",
			 clears ? "clears" : "keeps");

	check(SETTOD_EPOCH, "settimeofday(1 s after the epoch)",
	      " via=settimeofday ", clears);
	check(SETTIME_EPOCH, "clock_settime(1 s after the epoch)",
	      " via=settimeofday ", clears);
	check(SETOFFSET_BACK, "ADJ_SETOFFSET to a day before the epoch",
	      " via=adjtimex ", clears);
#ifdef __x86_64__
	check(STIME_EPOCH, "stime(1) through the i386 entry",
	      " via=settimeofday ", clears);
#else
	ksft_print_msg("not planned here: stime through the i386 entry (x86-64 only)\n");
#endif
	/* Refused before the timekeeper: nothing cleared, nothing written. */
	check(SETTIME_BAD_NSEC, "clock_settime(tv_nsec = 1e9)", "", 0);
	check(SETTOD_BAD_TZ, "settimeofday(now, 16 h west)", "", 0);
	check(SETOFFSET_NEG_NSEC, "ADJ_SETOFFSET with tv_usec = -1", "", 0);

	adjtime_us(0);
	check_leap();
	ksft_finished();
}
