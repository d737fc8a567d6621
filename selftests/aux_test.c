// SPDX-License-Identifier: GPL-2.0
/*
 * Auxiliary clocks (CLOCK_AUX + n, Linux 6.17+ with CONFIG_POSIX_AUX_CLOCKS):
 * enabling aux clock 0 through sysfs, setting it with clock_settime(),
 * stepping, slewing (adjtime() and the PLL), retuning it and changing its
 * tick with clock_adjtime() and disabling it are recorded in class aux with the clock's name and who did it; none of it
 * passes the system clock's paths. Attacks: callers without CAP_SYS_TIME,
 * huge and negative steps, calls on a disabled clock (an error, no record).
 * Needs the PTP kernel (scripts/build-ptp-kernel.sh): the vm-ptp-mock stage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#ifndef CLOCK_AUX
#define CLOCK_AUX	16	/* MAX_CLOCKS in include/uapi/linux/time.h */
#endif
#define AUX0		CLOCK_AUX
#define AUX0_ENABLE	"/sys/kernel/time/aux_clocks/0/aux_clock_enable"
#define NSEC		1000000000LL
#define SCALED_PPM(ppm)	((long)(ppm) * 65536)
#define NOBODY		65534
#define ALL_BUT_AUX	"step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp"
#define I386_CLOCK_SETTIME	264	/* arch/x86/entry/syscalls/syscall_32.tbl */
#define FLOOD		300	/* nobody's 1 h sets in a row */
#define NSUMS		16

static char rec[TA_REC_MAX];
static char sums[NSUMS][TA_REC_MAX];
static int32_t *low;	/* below 4 GiB, where a 32-bit call can point */

/* Records of @type after @mark from @pid holding @what. */
static int aux_recs(long mark, const char *type, pid_t pid, const char *what)
{
	char p[32];
	const char *needles[] = { p, what, NULL };

	snprintf(p, sizeof(p), " pid=%d ", pid);
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

/* Every record of this class (or about this clock) after @mark. */
static int any_aux(long mark)
{
	const char *needles[] = { "clock=aux", NULL };

	return ta_search(mark, "TIME_INJOFFSET,TIME_ADJNTPVAL", needles,
			 NULL, 0);
}

/* Steps held back in aux summaries after @mark whose largest was nobody's. */
static long long held_by_nobody(long mark)
{
	const char *needles[] = { "class=ratelimit", " held_class=aux ", NULL };
	int i, n = ta_ausearch(mark, "-m TIME_INJOFFSET", needles, sums, NSUMS);
	long long held = 0;

	for (i = 0; i < n && i < NSUMS; i++)
		if (ta_field_ll(sums[i], "max_uid") == NOBODY)
			held += ta_field_ll(sums[i], "suppressed");
	return held;
}

static long long aux_now(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, AUX0, &ts))
		return -1;
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static int aux_set(long long sec, long nsec)
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	return syscall(SYS_clock_settime, AUX0, &ts) ? -errno : 0;
}

static int aux_adj(struct timex *tx)
{
	return syscall(SYS_clock_adjtime, AUX0, tx) < 0 ? -errno : 0;
}

static int aux_step(long long ns)
{
	struct timex tx = { 0 };

	ta_timex_setoffset(&tx, ns);
	return aux_adj(&tx);
}

static int aux_tune(long scaled_ppm)
{
	struct timex tx = { .modes = ADJ_FREQUENCY, .freq = scaled_ppm };

	return aux_adj(&tx);
}

/* adjtime() on it: ADJ_OFFSET_SINGLESHOT, @us to slew. */
static int aux_adjtime(long us)
{
	struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT, .offset = us };

	return aux_adj(&tx);
}

/*
 * Its PLL: STA_PLL (or not) and an offset of @us for it to slew away; in
 * us (ADJ_MICRO), as the ADJ_NANO steps above left it in ns.
 */
static int aux_pll(int status, long us)
{
	struct timex tx = {
		.modes = ADJ_STATUS | ADJ_OFFSET | ADJ_MICRO,
		.status = status, .offset = us,
	};

	return aux_adj(&tx);
}

static int aux_tick(long tick)
{
	struct timex tx = { .modes = ADJ_TICK, .tick = tick };

	return aux_adj(&tx);
}

static int aux_enable(const char *v)
{
	return ta_write_file(AUX0_ENABLE, v);
}

/* clock_settime(CLOCK_AUX, old_timespec32) through the i386 entry. */
static long aux_set32(int32_t sec)
{
	long ret;

	low[0] = sec;
	low[1] = 0;
	asm volatile ("int $0x80" : "=a" (ret)
		      : "a" ((long)I386_CLOCK_SETTIME), "b" ((long)AUX0),
			"c" ((long)low)
		      : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* FLOOD sets an hour apart, back and forth: 0, or the first error. */
static int aux_flood(void)
{
	long long base = aux_now() / NSEC;
	int i, err;

	for (i = 0; i < FLOOD; i++) {
		err = aux_set(base + (i & 1 ? 0 : 3600), 0);
		if (err)
			return -err;
	}
	return 0;
}

enum attack { SET_NOBODY, FREQ_NOBODY, STEP_NOBODY, ENABLE_NO_CAP,
	      SET32_NOBODY, FLOOD_NOBODY };

/* uid 0 with CAP_SYS_TIME gone from every set: the sysfs file opens. */
static int drop_sys_time(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_TO_INDEX(CAP_SYS_TIME)].effective &= ~CAP_TO_MASK(CAP_SYS_TIME);
	d[CAP_TO_INDEX(CAP_SYS_TIME)].permitted &= ~CAP_TO_MASK(CAP_SYS_TIME);
	return syscall(SYS_capset, &h, d);
}

/* In a child: drop the rights @what needs gone, attempt it; its errno. */
static int attack_child(int what)
{
	int e = 0;

	if (what == ENABLE_NO_CAP ? drop_sys_time() : ta_be_nobody())
		_exit(1);
	switch (what) {
	case SET_NOBODY:
		e = -aux_set(aux_now() / NSEC + 3600, 0);
		break;
	case FREQ_NOBODY:
		e = -aux_tune(SCALED_PPM(100));
		break;
	case STEP_NOBODY:
		e = -aux_step(3600 * NSEC);
		break;
	case ENABLE_NO_CAP:
		e = -aux_enable("0");
		break;
	case SET32_NOBODY:
		e = -aux_set32(1000000000);
		break;
	case FLOOD_NOBODY:
		e = aux_flood();
		break;
	}
	return e;
}

/* Run @what in a child; its pid, and its errno (0: allowed) in *@err. */
static pid_t attack(enum attack what, int *err)
{
	return ta_run_child(attack_child, what, err);
}

int main(void)
{
	pid_t me = getpid(), pid;
	unsigned long long events;
	char v[64];
	long long before, d, held;
	long mark;
	int err, n;

	ksft_print_header();
	if (access(AUX0_ENABLE, F_OK)) {
		/*
		 * No aux clocks here (before 6.17, or built without them):
		 * not a skip, the module must say so, load, and the kernel
		 * must refuse the clock ids.
		 */
		ksft_set_plan(2);
		v[0] = 0;
		ksft_test_result(ta_module_load(NULL) == 0 &&
				 !ta_param_read(TIMEAUDIT_PARAM_UNAVAILABLE, v,
						sizeof(v)) &&
				 !strcmp(v, "aux"),
				 "no aux clocks: loaded, unavailable_classes=%s\n",
				 v);
		mark = ta_log_mark();
		err = aux_set(1000, 0);
		n = aux_tune(SCALED_PPM(100));
		ksft_test_result(err == -EINVAL && n == -EINVAL &&
				 any_aux(mark) == 0 &&
				 ta_counter("events_aux") == 0,
				 "no aux clocks: clock_settime/clock_adjtime(CLOCK_AUX) EINVAL (%d, %d), no record, events_aux 0\n",
				 err, n);
		ksft_finished();
	}
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		ksft_exit_fail_msg("mmap below 4 GiB: %s\n", strerror(errno));
	ksft_set_plan(30);
	aux_enable("0");	/* a known start */
	ksft_test_result(ta_module_load(NULL) == 0 &&
			 !ta_param_read(TIMEAUDIT_PARAM_UNAVAILABLE, v,
					sizeof(v)) && !strcmp(v, "none"),
			 "module loaded, unavailable_classes=none\n");

	/* A disabled clock refuses everything (ENODEV): nothing recorded. */
	mark = ta_log_mark();
	err = aux_set(1000, 0);
	ksft_test_result(err == -ENODEV && any_aux(mark) == 0,
			 "clock_settime on disabled aux0: ENODEV, no record (%d)\n",
			 err);
	mark = ta_log_mark();
	err = aux_tune(SCALED_PPM(100));
	ksft_test_result(err == -ENODEV && any_aux(mark) == 0,
			 "clock_adjtime on disabled aux0: ENODEV, no record (%d)\n",
			 err);

	/* Enabled: one record; enabling it again is no change. */
	mark = ta_log_mark();
	err = aux_enable("1");
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_enable ");
	ksft_test_result(!err && n == 1 && strstr(rec, " old=0 new=1 ") &&
			 strstr(rec, " class=aux via=aux clock=aux0 ") &&
			 strstr(rec, " uid=0 ") && strstr(rec, " res=success"),
			 "aux0 enabled: one record (%d, err %d)\n", n, err);
	mark = ta_log_mark();
	err = aux_enable("1");
	ksft_test_result(!err && any_aux(mark) == 0,
			 "enabled again: no change, no record\n");

	/* Set 100 s ahead: the step is measured. */
	mark = ta_log_mark();
	before = aux_now();	/* after the wait for auditd */
	err = aux_set(before / NSEC + 100, before % NSEC);
	n = aux_recs(mark, "TIME_INJOFFSET", me, "op=aux_settime ");
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(!err && n == 1 && d > 99 * NSEC && d <= 100 * NSEC &&
			 ta_field_ll(rec, "sec") == d / NSEC &&
			 ta_field_ll(rec, "new_ns") ==
			 (before / NSEC + 100) * NSEC + before % NSEC &&
			 strstr(rec, " class=aux via=aux clock=aux0 ") &&
			 strstr(rec, " cap_sys_time=1 ") &&
			 strstr(rec, " entry=clock_settime ") &&
			 strstr(rec, " res=success"),
			 "clock_settime aux0 +100 s: one record, delta_ns=%lld (%d, err %d)\n",
			 d, n, err);
	ksft_test_result(strstr(rec, " auid=") && strstr(rec, " exe=") &&
			 strstr(rec, " key=\"time-change\""),
			 "... with the caller's identity and the key\n");

	/* Steps: 5 ms recorded exactly, 500 us not. */
	mark = ta_log_mark();
	err = aux_step(-5000000);
	n = aux_recs(mark, "TIME_INJOFFSET", me, "op=aux_step ");
	ksft_test_result(!err && n == 1 &&
			 ta_field_ll(rec, "delta_ns") == -5000000 &&
			 strstr(rec, " entry=clock_adjtime ") &&
			 strstr(rec, " threshold_ns=1000000 "),
			 "ADJ_SETOFFSET -5 ms: one record, delta_ns=%lld (%d, err %d)\n",
			 ta_field_ll(rec, "delta_ns"), n, err);
	mark = ta_log_mark();
	err = aux_step(500000);
	ksft_test_result(!err && any_aux(mark) == 0,
			 "ADJ_SETOFFSET 500 us: below the threshold, no record\n");

	/* Extremes: set to 0 (a huge step back), far ahead, invalid. */
	mark = ta_log_mark();
	before = aux_now();	/* after the wait for auditd */
	err = aux_set(0, 0);
	n = aux_recs(mark, "TIME_INJOFFSET", me, "op=aux_settime ");
	d = ta_field_ll(rec, "delta_ns");
	/* The clock ran on between the read and the call: a bit more. */
	ksft_test_result(!err && n == 1 && d <= -before &&
			 d > -before - NSEC,
			 "clock_settime aux0 to 0: recorded, delta_ns=%lld of %lld\n",
			 d, before);
	mark = ta_log_mark();
	err = aux_set(4000000000LL, 0);	/* 2096 */
	n = aux_recs(mark, "TIME_INJOFFSET", me, "op=aux_settime ");
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(!err && n == 1 && d > 3999999999LL * NSEC,
			 "clock_settime aux0 to 4e9 s: recorded, delta_ns=%lld\n",
			 d);
	mark = ta_log_mark();
	err = aux_set(-1, 0);
	n = aux_set(0x7fffffffffffffffLL, 0);
	ksft_test_result(err == -EINVAL && n == -EINVAL && any_aux(mark) == 0,
			 "negative and out-of-range times: EINVAL, no record (%d, %d)\n",
			 err, n);
	/* 9e18 ns back from 2096 is before 0. */
	mark = ta_log_mark();
	err = aux_step(-9000000000LL * NSEC);
	ksft_test_result(err == -EINVAL && any_aux(mark) == 0,
			 "a step below 0: EINVAL, no record (%d)\n", err);

	/* Frequency: the NTP core's old and new values. */
	aux_tune(0);
	mark = ta_log_mark();
	err = aux_tune(SCALED_PPM(50));
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_freq ");
	ksft_test_result(!err && n == 1 && ta_field_ll(rec, "old") == 0 &&
			 ta_field_ll(rec, "new") == 50000LL << 32 &&
			 strstr(rec, " new_ppm=50.000 ") &&
			 strstr(rec, " delta_ppm=50.000 ") &&
			 strstr(rec, " clock=aux0 "),
			 "frequency +50 ppm: one record with old and new (%d, err %d)\n",
			 n, err);
	mark = ta_log_mark();
	err = aux_tune(SCALED_PPM(52));
	ksft_test_result(!err && any_aux(mark) == 0,
			 "frequency +2 ppm more: below the threshold, no record\n");

	/* Slews: adjtime() and the PLL offset, by the slew threshold. */
	mark = ta_log_mark();
	err = aux_adjtime(200000);
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_adjust ");
	ksft_test_result(!err && n == 1 && ta_field_ll(rec, "new") == 200000 &&
			 ta_field_ll(rec, "new_ns") == 200000000 &&
			 strstr(rec, " class=aux via=aux clock=aux0 ") &&
			 any_aux(mark) == 1,
			 "adjtime() +200 ms on aux0: one record, new_ns=%lld (%d, err %d)\n",
			 ta_field_ll(rec, "new_ns"), n, err);
	mark = ta_log_mark();
	err = aux_adjtime(-50000);
	ksft_test_result(!err && any_aux(mark) == 0,
			 "adjtime() -50 ms: below the threshold, no record\n");
	mark = ta_log_mark();
	err = aux_pll(STA_PLL, 200000);
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_offset ");
	d = ta_field_ll(rec, "new_ns");
	ksft_test_result(!err && n == 1 && d > 199 * 1000000 &&
			 d <= 200 * 1000000 && strstr(rec, " clock=aux0 "),
			 "PLL offset +200 ms on aux0: one record, new_ns=%lld (%d, err %d)\n",
			 d, n, err);
	aux_pll(STA_PLL, 0);
	aux_pll(0, 0);
	aux_tune(SCALED_PPM(52));
	mark = ta_log_mark();
	err = aux_tick(10001);
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_tick ");
	ksft_test_result(!err && n == 1 && ta_field_ll(rec, "old") == 10000 &&
			 ta_field_ll(rec, "new") == 10001 &&
			 strstr(rec, " clock=aux0 ") && any_aux(mark) == 1,
			 "tick 10000 -> 10001 us on aux0: one record (%d, err %d)\n",
			 n, err);
	mark = ta_log_mark();
	err = aux_tick(10000);
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_tick ");
	ksft_test_result(!err && n == 1 && ta_field_ll(rec, "delta_us") == -1,
			 "tick back to 10000 us: one record, delta_us=%lld (%d, err %d)\n",
			 ta_field_ll(rec, "delta_us"), n, err);

	/* Callers without CAP_SYS_TIME. */
	mark = ta_log_mark();
	pid = attack(FREQ_NOBODY, &err);
	n = aux_recs(mark, "TIME_ADJNTPVAL", pid, "class=denied ");
	ksft_test_result(err == EPERM && n == 1 &&
			 ta_field_ll(rec, "uid") == NOBODY &&
			 strstr(rec, " clock=aux0 ") &&
			 strstr(rec, " res=failed exit=-1"),
			 "frequency as nobody: EPERM, one denied record (%d)\n", n);
	mark = ta_log_mark();
	pid = attack(STEP_NOBODY, &err);
	n = aux_recs(mark, "TIME_INJOFFSET", pid, "class=denied ");
	ksft_test_result(err == EPERM && n == 1 &&
			 ta_field_ll(rec, "delta_ns") == 0,
			 "ADJ_SETOFFSET as nobody: EPERM, one denied record, nothing changed (%d)\n",
			 n);
	mark = ta_log_mark();
	pid = attack(ENABLE_NO_CAP, &err);
	n = aux_recs(mark, "TIME_ADJNTPVAL", pid, "class=denied ");
	ksft_test_result(err == EPERM && n == 1 &&
			 strstr(rec, " op=aux_disable ") &&
			 strstr(rec, " cap_sys_time=0 "),
			 "disable by root without CAP_SYS_TIME: EPERM, one denied record (%d)\n",
			 n);
	/*
	 * 6.17 to 7.2's aux_clock_set() checks no capability: whatever the
	 * kernel decides, the record must say it, and who.
	 */
	mark = ta_log_mark();
	pid = attack(SET_NOBODY, &err);
	if (err == EPERM)
		n = aux_recs(mark, "TIME_INJOFFSET", pid, "class=denied ");
	else
		n = aux_recs(mark, "TIME_INJOFFSET", pid, "class=aux ");
	ksft_test_result((err == EPERM || err == 0) && n == 1 &&
			 ta_field_ll(rec, "uid") == NOBODY &&
			 strstr(rec, " cap_sys_time=0 ") &&
			 strstr(rec, err ? " res=failed" : " res=success"),
			 "clock_settime as nobody: the kernel %s it, recorded as such (%d)\n",
			 err ? "refused" : "allowed", n);

	/* The same through the i386 entry, which has its own syscall. */
	mark = ta_log_mark();
	before = aux_now();	/* after the wait for auditd */
	pid = attack(SET32_NOBODY, &err);
	n = aux_recs(mark, "TIME_INJOFFSET", pid, "op=aux_settime ");
	d = ta_field_ll(rec, "delta_ns");
	ksft_test_result(n == 1 && (err ? !!strstr(rec, " res=failed") :
			 (strstr(rec, " res=success") &&
			  ta_field_ll(rec, "new_ns") == 1000000000LL * NSEC &&
			  d < 1000000000LL * NSEC - before + NSEC &&
			  d > 1000000000LL * NSEC - before - NSEC)) &&
			 ta_field_ll(rec, "uid") == NOBODY &&
			 strstr(rec, " cap_sys_time=0 ") &&
			 strstr(rec, " arch=40000003 ") &&
			 strstr(rec, " entry=clock_settime "),
			 "i386 clock_settime as nobody: errno %d, recorded with arch and actor (%d)\n",
			 err, n);

	/*
	 * nobody's flood of 1 h sets: held to rate_limit (20/s) and
	 * summarised, not exempt like a privileged 1 h step; root's 2 h
	 * step right after it (the bucket empty) is still written.
	 */
	mark = ta_log_mark();
	pid = attack(FLOOD_NOBODY, &err);
	err = err ? err : -aux_step(7200 * NSEC);
	sleep(3);	/* the summary comes a second after the first held */
	n = aux_recs(mark, "TIME_INJOFFSET", pid, "op=aux_settime ");
	held = held_by_nobody(mark);
	ksft_test_result(!err && n > 0 && n < FLOOD / 2 && n + held == FLOOD,
			 "%d 1 h sets as nobody: %d records, %lld in summaries of nobody's (err %d)\n",
			 FLOOD, n, held, err);
	n = aux_recs(mark, "TIME_INJOFFSET", me, "op=aux_step ");
	ksft_test_result(n == 1 && ta_field_ll(rec, "delta_ns") == 7200 * NSEC,
			 "root's 2 h step after the flood: recorded (%d)\n", n);

	/* The system clock was not touched by any of this. */
	ksft_test_result(aux_recs(0, "TIME_INJOFFSET", me, "via=settimeofday") == 0 &&
			 aux_recs(0, "TIME_INJOFFSET", me, "via=adjtimex") == 0 &&
			 aux_recs(0, "TIME_ADJNTPVAL", me, "via=adjtimex") == 0,
			 "no record of a system clock change from this test\n");

	/* The class switch: counted, not recorded. */
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, ALL_BUT_AUX);
	events = ta_counter("events_aux");
	mark = ta_log_mark();
	err = aux_step(3600 * NSEC);
	ksft_test_result(!err && any_aux(mark) == 0 &&
			 ta_counter("events_aux") == events + 1,
			 "aux class off: a 1 h step counted, not recorded\n");
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, "all");

	/* Disabled: one record, and the clock refuses again. */
	mark = ta_log_mark();
	err = aux_enable("0");
	n = aux_recs(mark, "TIME_ADJNTPVAL", me, "op=aux_disable ");
	ksft_test_result(!err && n == 1 && strstr(rec, " old=1 new=0 ") &&
			 aux_set(1000, 0) == -ENODEV,
			 "aux0 disabled: one record, then ENODEV (%d, err %d)\n",
			 n, err);
	ksft_finished();
}
