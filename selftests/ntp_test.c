// SPDX-License-Identifier: GPL-2.0
/*
 * NTP values changed through adjtimex/clock_adjtime: each change at or
 * above its threshold gives one TIME_ADJNTPVAL record with the kernel's
 * old and new values and human units; reads, small changes and
 * steady-state corrections give none.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define PPM(x)	((long)(x) * 65536)	/* struct timex freq: ppm << 16 */

static char rec[TA_REC_MAX];

static int adj(unsigned int modes, struct timex *in)
{
	struct timex tx = *in;

	tx.modes = modes;
	return adjtimex(&tx);	/* glibc: clock_adjtime(CLOCK_REALTIME) */
}

static int set_freq(long ppm_scaled)
{
	struct timex tx = { .freq = ppm_scaled };

	return adj(ADJ_FREQUENCY, &tx);
}

static long get_status(void)
{
	struct timex tx = { 0 };

	adjtimex(&tx);
	return tx.status;
}

/* Count this process's TIME_ADJNTPVAL records for @op after @mark. */
static int ntp_recs(long mark, const char *op)
{
	char pid[32], opf[32], cls[32];
	const char *needles[] = { pid, opf, cls, NULL };
	int slew = !strcmp(op, "adjust") || !strcmp(op, "offset");

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	snprintf(opf, sizeof(opf), "op=%s ", op);
	/* Not the drift records small changes add up to (drift_test's). */
	snprintf(cls, sizeof(cls), " class=%s ", slew ? "slew" : op);
	return ta_search(mark, "TIME_ADJNTPVAL", needles, rec, sizeof(rec));
}

static int has(const char *field, const char *want)
{
	char v[256];

	return !ta_field(rec, field, v, sizeof(v)) && !strcmp(v, want);
}

static void test_freq(void)
{
	long mark;
	int n;

	/* The baseline must be right on the very first event after load. */
	ta_module_unload();
	set_freq(PPM(50));
	ta_module_load(NULL);

	mark = ta_log_mark();
	set_freq(PPM(250));
	n = ntp_recs(mark, "freq");
	ksft_test_result(n == 1 && has("old_ppm", "50.000") &&
			 has("new_ppm", "250.000") && has("delta_ppm", "200.000"),
			 "freq 50 -> 250 ppm: one record, old/new in ppm\n");
	ksft_test_result(ta_field_ll(rec, "old") == 50000LL << 32 &&
			 ta_field_ll(rec, "new") == 250000LL << 32 &&
			 has("class", "freq") && has("via", "adjtimex") &&
			 has("entry", "clock_adjtime") &&
			 has("state", "TIME_ERROR") && strstr(rec, "res=success"),
			 "freq: raw kernel values, via, entry, state\n");

	mark = ta_log_mark();
	set_freq(PPM(250) + PPM(9));
	n = ntp_recs(mark, "freq");
	ksft_test_result(n == 0, "freq +9 ppm: below 10 ppm, no record\n");

	mark = ta_log_mark();
	set_freq(PPM(-10) + PPM(259));
	n = ntp_recs(mark, "freq");
	ksft_test_result(n == 1 && has("delta_ppm", "-10.000"),
			 "freq -10 ppm: exactly at threshold, one record\n");
	set_freq(0);
}

static void test_tick(void)
{
	struct timex tx = { .tick = 10010 };
	long mark = ta_log_mark();
	int n;

	adj(ADJ_TICK, &tx);
	n = ntp_recs(mark, "tick");
	ksft_test_result(n == 1 && ta_field_ll(rec, "old") == 10000 &&
			 ta_field_ll(rec, "new") == 10010 &&
			 ta_field_ll(rec, "delta_us") == 10,
			 "tick 10000 -> 10010: one record\n");
	mark = ta_log_mark();
	tx.tick = 10000;
	tx.freq = PPM(100);
	adj(ADJ_TICK | ADJ_FREQUENCY, &tx);
	ksft_test_result(ntp_recs(mark, "tick") == 1 &&
			 ntp_recs(mark, "freq") == 1,
			 "tick and freq in one call: one record each\n");
	set_freq(0);
}

static void test_status(void)
{
	long base = get_status() & ~(STA_INS | STA_DEL | STA_PLL);
	struct timex tx = { .status = base | STA_INS };
	long mark = ta_log_mark();
	int n;

	adj(ADJ_STATUS, &tx);
	n = ntp_recs(mark, "status");
	ksft_test_result(n == 1 && has("changed", "STA_INS") &&
			 strstr(rec, "new_flags=STA_INS") &&
			 has("mask", "0x0030"),
			 "STA_INS set: one record, flags decoded\n");

	mark = ta_log_mark();
	tx.status = base;
	adj(ADJ_STATUS, &tx);
	ksft_test_result(ntp_recs(mark, "status") == 1,
			 "STA_INS cleared: one record\n");

	mark = ta_log_mark();
	tx.status = base | STA_PLL;
	adj(ADJ_STATUS, &tx);
	tx.status = base;
	adj(ADJ_STATUS, &tx);
	ksft_test_result(ntp_recs(mark, "status") == 0,
			 "STA_PLL toggled: not in status_mask, no record\n");
}

static void test_tai(void)
{
	struct timex tx = { .constant = 37 };
	long mark = ta_log_mark();

	adj(ADJ_TAI, &tx);
	ksft_test_result(ntp_recs(mark, "tai") == 1 &&
			 ta_field_ll(rec, "old") == 0 &&
			 ta_field_ll(rec, "new") == 37,
			 "TAI 0 -> 37: one record\n");
	mark = ta_log_mark();
	adj(ADJ_TAI, &tx);
	ksft_test_result(ntp_recs(mark, "tai") == 0,
			 "TAI 37 -> 37: no change, no record\n");
	tx.constant = 0;
	adj(ADJ_TAI, &tx);
}

static void test_slew(void)
{
	struct timex tx = { .offset = 200000 };	/* us: adjtime() units */
	long mark = ta_log_mark();
	long st;

	adj(ADJ_OFFSET_SINGLESHOT, &tx);
	ksft_test_result(ntp_recs(mark, "adjust") == 1 &&
			 ta_field_ll(rec, "new_ns") == 200000000 &&
			 has("class", "slew"),
			 "adjtime 200 ms slew: one record\n");
	mark = ta_log_mark();
	tx.offset = 10000;
	adj(ADJ_OFFSET_SINGLESHOT, &tx);
	tx.offset = 0;
	adj(ADJ_OFFSET_SINGLESHOT, &tx);
	ksft_test_result(ntp_recs(mark, "adjust") == 0,
			 "adjtime 10 ms slew and cancel: no record\n");

	/* PLL offset; FREQHOLD keeps the PLL from moving freq as well. */
	st = get_status() & ~(STA_INS | STA_DEL);
	tx.status = st | STA_PLL | STA_FREQHOLD;
	adj(ADJ_STATUS, &tx);
	mark = ta_log_mark();
	tx.offset = 300000;
	adj(ADJ_OFFSET, &tx);
	ksft_test_result(ntp_recs(mark, "offset") == 1 &&
			 ta_field_ll(rec, "new_ns") > 299990000 &&
			 ta_field_ll(rec, "new_ns") <= 300000000,
			 "PLL offset 300 ms: one record (%lld ns)\n",
			 ta_field_ll(rec, "new_ns"));
	mark = ta_log_mark();
	tx.offset = 1000;
	adj(ADJ_OFFSET, &tx);
	ksft_test_result(ntp_recs(mark, "offset") == 0,
			 "PLL offset 1 ms: no record\n");
	tx.offset = 0;
	adj(ADJ_OFFSET, &tx);
	tx.status = st;
	adj(ADJ_STATUS, &tx);
}

/* The frequency now, in ppb. */
static long long freq_ppb(void)
{
	struct timex tx = { 0 };

	adjtimex(&tx);
	return (long long)tx.freq * 1000 / 65536;
}

static void next_second(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	usleep((1000000000L - now.tv_nsec) / 1000 + 20000);
}

/*
 * Hand the kernel PLL an offset of @ns in the next second, as ntpd and
 * systemd-timesyncd do at each poll: with time constant 0 it moves the
 * frequency by @ns * (seconds since the last offset) / 256 on its own.
 * An offset of 0 a second before makes that one second, however long
 * the caller's searches took. Returns the move, in ppb; the calls the
 * move was counted as in @events, if not NULL.
 */
static long long pll_offset(long ns, unsigned long long *events)
{
	struct timex tx = { .offset = 0 };
	unsigned long long ev0;
	long long f0;

	next_second();
	adj(ADJ_OFFSET | ADJ_NANO, &tx);
	f0 = freq_ppb();
	ev0 = ta_counter("events_freq");
	next_second();
	tx.offset = ns;
	adj(ADJ_OFFSET | ADJ_NANO, &tx);
	if (events)
		*events = ta_counter("events_freq") - ev0;
	return freq_ppb() - f0;
}

/* Count this process's PLL drift records after @mark. */
static int pll_drift_recs(long mark)
{
	char pid[32];
	const char *needles[] = { pid, "op=freq ", " source=pll ",
				  " class=drift ", NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, "TIME_ADJNTPVAL", needles, rec, sizeof(rec));
}

/*
 * The kernel PLL's own frequency moves (ADJ_OFFSET, no ADJ_FREQUENCY)
 * are judged by pll_threshold_ppb (50 ppm), alone and as a walk.
 */
static void test_pll(void)
{
	unsigned long long sup0, ev;
	struct timex tx = { .constant = 0 };
	long long d, net = 0;
	long st, mark;
	int fired = 0, i;

	set_freq(0);
	st = get_status() & ~(STA_INS | STA_DEL | STA_FREQHOLD);
	tx.status = st | STA_PLL;
	adj(ADJ_STATUS | ADJ_TIMECONST | ADJ_NANO, &tx);
	pll_offset(0, NULL);			/* the PLL's clock starts */

	mark = ta_log_mark();
	d = pll_offset(20000000, NULL);
	ksft_test_result(llabs(d) >= 51000 && ntp_recs(mark, "freq") == 1 &&
			 has("threshold_ppb", "50000") &&
			 strstr(rec, " source=pll ") && has("modes", "0x2001"),
			 "PLL moved freq by %lld ppb on a 20 ms offset: one record, source=pll, threshold 50 ppm\n",
			 d);

	mark = ta_log_mark();	/* after the record above */
	sup0 = ta_counter(TIMEAUDIT_CNT_SUPPRESSED);
	d = pll_offset(4000000, &ev);
	net = d;
	/* 15.6 ppm: above freq_threshold_ppb, which no longer applies */
	ksft_test_result(llabs(d) >= 11000 && llabs(d) < 49000 &&
			 ntp_recs(mark, "freq") == 0 && ev == 1 &&
			 ta_counter(TIMEAUDIT_CNT_SUPPRESSED) - sup0 >= 1,
			 "PLL moved freq by %lld ppb: counted, no record\n", d);

	/*
	 * The walk: moves under 50 ppm each, recorded once they took the
	 * frequency 50 ppm from the one last on record, however slow: a
	 * 1 s window holds at most two of them, under 50 ppm.
	 */
	ta_param_write(TIMEAUDIT_PARAM_FDRIFT_WINDOW, "1");
	for (i = 0; i < 6 && !fired; i++) {
		mark = ta_log_mark();
		d = pll_offset(4000000, NULL);
		net += d;
		fired = pll_drift_recs(mark);
		if (llabs(net) < 49000 && fired)
			break;
	}
	ksft_test_result(fired == 1 && llabs(net) >= 50000 &&
			 llabs(net) < 50000 + llabs(d) + 1000 &&
			 has("budget_ppb", "50000") &&
			 /* old and new: the kernel's ppb << 32 */
			 llabs((ta_field_ll(rec, "new") -
				ta_field_ll(rec, "old")) / (1LL << 32) - net) < 100,
			 "PLL walk of %d moves, a second apart: one drift record at %lld ppb from the last on record\n",
			 i + 1, net);
	ta_param_write(TIMEAUDIT_PARAM_FDRIFT_WINDOW, "21600");

	/* pll_threshold_ppb 0 with the freq class off: every move is drift. */
	ta_param_write(TIMEAUDIT_PARAM_CLASSES,
		       "step,slew,tick,status,tai,denied,drift,rtc,tz,ptp");
	ta_param_write(TIMEAUDIT_PARAM_PLL, "0");
	mark = ta_log_mark();
	d = pll_offset(4000000, NULL);
	fired = pll_drift_recs(mark);
	ksft_test_result(llabs(d) >= 11000 && fired == 1 &&
			 ntp_recs(mark, "freq") == 0,
			 "freq class off, pll_threshold_ppb 0: a %lld ppb PLL move is one drift record\n",
			 d);
	ta_param_write(TIMEAUDIT_PARAM_PLL, "50000");
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, "all");

	tx.offset = 0;
	tx.status = st;
	adj(ADJ_OFFSET | ADJ_STATUS, &tx);
	set_freq(0);
}

/* What an NTP daemon does all day must leave nothing in the log. */
static void test_steady_state(void)
{
	unsigned long long ev0 = ta_counter("events_freq");
	unsigned long long sup0 = ta_counter(TIMEAUDIT_CNT_SUPPRESSED);
	struct timex tx = { 0 };
	long mark = ta_log_mark();	/* after test_pll()'s records */
	char pid[32];
	const char *needles[] = { pid, NULL };
	int i, n;

	for (i = 0; i < 1000; i++) {
		tx.modes = 0;
		adjtimex(&tx);
	}
	for (i = 0; i < 100; i++)
		set_freq(PPM(15) + (i % 2 ? PPM(1) : -PPM(1)));
	set_freq(0);
	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	n = ta_search(mark, "TIME_ADJNTPVAL,TIME_INJOFFSET", needles, NULL, 0);
	/* Recorded: the jump 0 -> 14 ppm and the return to 0, nothing else. */
	ksft_test_result(n == 2, "1000 reads, 99 corrections of 2 ppm: 2 records (%d)\n",
			 n);
	ksft_test_result(ta_counter("events_freq") - ev0 == 101 &&
			 ta_counter(TIMEAUDIT_CNT_SUPPRESSED) - sup0 == 99,
			 "counters: 101 freq events, 99 suppressed, reads not counted\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(21);
	test_freq();
	test_tick();
	test_status();
	test_tai();
	test_slew();
	test_pll();
	test_steady_state();
	ksft_finished();
}
