// SPDX-License-Identifier: GPL-2.0
/*
 * Salami attacks: changes that each stay below their threshold but add
 * up are recorded once, when their net within the window reaches the
 * budget. An NTP daemon's steady corrections never are.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

static char rec[TA_REC_MAX];
static char recs[16][TA_REC_MAX];

static void step_ns(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns < 0 ? -1 : 0;
	tx.time.tv_usec = ns < 0 ? 1000000000 + ns : ns;
	adjtimex(&tx);
}

static void step_back_s(long s)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = -s;
	adjtimex(&tx);
}

static void slew_us(long us)
{
	struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT, .offset = us };

	adjtimex(&tx);
}

static void freq_ppb(long ppb)
{
	struct timex tx = { .modes = ADJ_FREQUENCY, .freq = ppb * 65536 / 1000 };

	adjtimex(&tx);
}

static int drift_recs(long mark, const char *type)
{
	char pid[32];
	const char *needles[] = { pid, "class=drift", NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

int main(void)
{
	long mark;
	int i, n, last;

	ksft_print_header();
	ksft_set_plan(8);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded, defaults\n");

	/* 150 steps of 0.9 ms: none recorded alone, 100 ms reached at 112. */
	mark = ta_log_mark();
	for (i = 0; i < 150; i++)
		step_ns(900000);
	n = drift_recs(mark, "TIME_INJOFFSET");
	ksft_test_result(n == 1 && ta_field_ll(rec, "events") == 112 &&
			 ta_field_ll(rec, "delta_ns") == 112 * 900000LL &&
			 ta_field_ll(rec, "window_s") == 600,
			 "150 steps of 0.9 ms: one drift record at the 112th (%d, events %lld)\n",
			 n, ta_field_ll(rec, "events"));
	ksft_test_result(ta_search(mark, "TIME_INJOFFSET",
				   (const char *[]){ "class=step", NULL },
				   NULL, 0) == 0,
			 "... and no step record\n");
	for (i = 0; i < 150; i++)
		step_ns(-900000);

	/* An NTP daemon's corrections: +-450 us, and 15 ppm worth of slew. */
	mark = ta_log_mark();
	for (i = 0; i < 600; i++)
		slew_us(i % 2 ? 450 : -450);
	for (i = 0; i < 600; i++)
		slew_us(15);
	slew_us(0);
	n = drift_recs(mark, "TIME_INJOFFSET");
	ksft_test_result(n == 0, "1200 NTP-style slews: no drift record (%d)\n", n);

	/* Frequency creeping up 0.5 ppm at a time, within a 60 s window. */
	ta_param_write(TIMEAUDIT_PARAM_FDRIFT_WINDOW, "60");
	freq_ppb(15000);
	mark = ta_log_mark();
	for (i = 1; i <= 12; i++)
		freq_ppb(15000 + 500 * i);
	n = drift_recs(mark, "TIME_ADJNTPVAL");
	ksft_test_result(n == 1 && ta_field_ll(rec, "events") == 10 &&
			 strstr(rec, " delta_ppm=5.000 ") && strstr(rec, "op=freq "),
			 "freq +0.5 ppm x 12: one drift record at +5 ppm (%d)\n", n);
	freq_ppb(0);		/* recorded jumps: each restarts the window */
	freq_ppb(15000);
	mark = ta_log_mark();
	for (i = 0; i < 100; i++)
		freq_ppb(i % 2 ? 17000 : 13000);
	n = drift_recs(mark, "TIME_ADJNTPVAL");
	ksft_test_result(n == 0, "freq wandering +-2 ppm: no drift record (%d)\n", n);
	freq_ppb(0);

	/* The drift class can be switched off like any other. */
	ta_param_write(TIMEAUDIT_PARAM_CLASSES,
		       "step,slew,freq,tick,status,tai,denied,rtc,tz,ptp,aux");
	mark = ta_log_mark();
	for (i = 0; i < 150; i++)
		step_ns(900000);
	for (i = 0; i < 150; i++)
		step_ns(-900000);
	n = drift_recs(mark, "TIME_INJOFFSET");
	ksft_test_result(n == 0, "classes without drift: no drift record (%d)\n", n);

	/*
	 * A burst: 100 steps of 50 ms under a 100 ms step threshold, 5 s in
	 * all. One record at the budget, then one each time the net doubles
	 * (0.1, 0.2, 0.4, 0.8, 1.6, 3.2 s): log2(5 s / 100 ms) + 1, not one
	 * per 100 ms.
	 */
	ta_module_load(TIMEAUDIT_PARAM_STEP "=100000000");
	mark = ta_log_mark();
	for (i = 0; i < 100; i++)
		step_ns(50000000);
	n = ta_ausearch(mark, "-m TIME_INJOFFSET",
			(const char *[]){ "class=drift", NULL }, recs, 16);
	last = n < 1 ? 0 : n > 16 ? 15 : n - 1;
	ksft_print_msg("100 steps of 50 ms: %d drift records, the last kept %lld ns over %lld events\n",
		       n, ta_field_ll(recs[last], "delta_ns"),
		       ta_field_ll(recs[last], "events"));
	ksft_test_result(n == 6 &&
			 ta_field_ll(recs[0], "delta_ns") == 100000000 &&
			 ta_field_ll(recs[5], "delta_ns") == 3200000000LL &&
			 ta_field_ll(recs[5], "events") == 64,
			 "100 steps of 50 ms: a drift record at each doubling (%d)\n",
			 n);
	step_back_s(5);
	ta_module_load(NULL);
	ksft_finished();
}
