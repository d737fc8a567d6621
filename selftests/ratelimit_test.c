// SPDX-License-Identifier: GPL-2.0
/*
 * A loop changing the clock faster than rate_limit: the first records
 * are written, the rest are summarised a second later, and every change
 * is accounted for: none is dropped silently.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define CALLS 200

static char recs[64][TA_REC_MAX];

int main(void)
{
	struct timex tx;
	unsigned long long held0;
	long long held = 0, net = 0;
	char pid[32];
	const char *mine[] = { pid, "class=step", NULL };
	const char *sums[] = { "class=ratelimit", NULL };
	long mark;
	int i, steps, n;

	ksft_print_header();
	ksft_set_plan(5);
	ksft_test_result(ta_module_load(TIMEAUDIT_PARAM_RATE "=5") == 0,
			 "module loaded with rate_limit=5\n");
	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	held0 = ta_counter(TIMEAUDIT_CNT_RATELIMITED);
	mark = ta_log_mark_synced();
	for (i = 0; i < CALLS; i++) {
		tx = (struct timex){ .modes = ADJ_SETOFFSET | ADJ_NANO };
		tx.time.tv_usec = 2000000;		/* +2 ms each */
		adjtimex(&tx);
	}
	sleep(3);	/* the summary comes a second after the first held */
	steps = ta_search(mark, "TIME_INJOFFSET", mine, NULL, 0);
	n = ta_ausearch(mark, "-m TIME_INJOFFSET", sums, recs, 64);
	for (i = 0; i < n && i < 64; i++) {
		held += ta_field_ll(recs[i], "suppressed");
		net += ta_field_ll(recs[i], "delta_ns");
	}
	ksft_print_msg("%d step records, %d summaries holding %lld\n", steps, n,
		       held);
	ksft_test_result(steps >= 5 && steps < 20,
			 "only the first few steps recorded one by one (%d)\n", steps);
	ksft_test_result(n >= 1 && steps + held == CALLS,
			 "the rest in summaries: %d + %lld = %d\n", steps, held, CALLS);
	ksft_test_result(net == held * 2000000 &&
			 strstr(recs[0], " last_comm=\"ratelimit_test\"") &&
			 ta_field_ll(recs[0], "last_pid") == getpid(),
			 "summaries carry the net change and who did it\n");
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_RATELIMITED) - held0 ==
			 (unsigned long long)held,
			 "records_ratelimited counts them (%llu)\n",
			 ta_counter(TIMEAUDIT_CNT_RATELIMITED) - held0);
	tx = (struct timex){ .modes = ADJ_SETOFFSET | ADJ_NANO };
	tx.time.tv_sec = -1;
	tx.time.tv_usec = 1000000000 - 2000000LL * CALLS % 1000000000;
	adjtimex(&tx);
	ta_module_load(NULL);
	ksft_finished();
}
