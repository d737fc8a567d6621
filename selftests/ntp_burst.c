// SPDX-License-Identifier: GPL-2.0
/*
 * Replays what an NTP daemon does to the kernel clock, as fast as it can:
 * per simulated second one small adjtime()-style slew (ntpd without
 * kernel discipline) and one small frequency correction (with it). Used
 * by the demo and the benchmarks; every call goes through glibc, so as
 * clock_adjtime(CLOCK_REALTIME).
 *
 * usage: ntp_burst SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/timex.h>

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 600;
	struct timex tx;
	int i, calls = 0;

	for (i = 0; i < secs; i++) {
		tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT };
		tx.offset = (i % 7 - 3) * 150;		/* +-450 us */
		calls += adjtimex(&tx) >= 0;
		tx = (struct timex){ .modes = ADJ_FREQUENCY };
		tx.freq = (15 << 16) + (i % 5 - 2) * 20000;	/* 15 ppm +-0.6 */
		calls += adjtimex(&tx) >= 0;
	}
	tx = (struct timex){ .modes = ADJ_FREQUENCY };
	adjtimex(&tx);
	printf("%d adjtimex calls\n", calls);
	return 0;
}
