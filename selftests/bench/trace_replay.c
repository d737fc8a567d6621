// SPDX-License-Identifier: GPL-2.0
/*
 * Replays a simulated day of NTP daemon traffic to the kernel clock, as
 * fast as it can, with a fixed set of meaningful changes injected at known
 * simulated hours. Used by make bench (bench/bench.sh in the VM).
 *
 *   trace 1: ntpd without kernel discipline: one adjtime()-style slew
 *            (ADJ_OFFSET_SINGLESHOT, +-10..30 us) per simulated second,
 *            86400 calls.
 *   trace 2: ntpd/chronyd with kernel discipline: STA_PLL set once at start,
 *            then one ADJ_OFFSET|ADJ_FREQUENCY update per 64 s poll with
 *            small values (+-20 us, 3 ppm +-0.2), 1350 calls.
 *
 * Injected (both traces), at the start of the simulated hour shown:
 *   02h step +1 ms, undone    05h step +1 s, undone   08h step +1 h, undone
 *   11h frequency +50 ppm, undone   14h tick +10 us, undone
 *   17h leap flag STA_INS set, then cleared
 *   20h 120 steps of +0.9 ms in a row (salami; left in place)
 *
 * At the start of every simulated hour H (and H=24 at the end) it runs
 * "auditctl -m ta-bench-hour=H", so the log can be cut per hour.
 *
 * usage: trace_replay 1|2 [days_fraction_hours]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

static long calls, failed;

static void tx_call(struct timex *tx)
{
	calls++;
	if (adjtimex(tx) < 0) {
		failed++;
		perror("adjtimex");
	}
}

static void mark(int hour)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "auditctl -m ta-bench-hour=%d", hour);
	if (system(cmd) != 0)
		fprintf(stderr, "marker %d failed\n", hour);
}

static void step_ns(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns / 1000000000LL;
	tx.time.tv_usec = ns % 1000000000LL;
	if (tx.time.tv_usec < 0) {
		tx.time.tv_sec -= 1;
		tx.time.tv_usec += 1000000000LL;
	}
	tx_call(&tx);
}

static long base_freq;	/* scaled ppm (ppm << 16) */

static void set_freq(long f)
{
	struct timex tx = { .modes = ADJ_FREQUENCY, .freq = f };

	tx_call(&tx);
}

static void set_tick(long t)
{
	struct timex tx = { .modes = ADJ_TICK, .tick = t };

	tx_call(&tx);
}

static void set_status(int set, int clear)
{
	struct timex tx = { .modes = 0 };

	adjtimex(&tx);
	tx.modes = ADJ_STATUS;
	tx.status = (tx.status | set) & ~clear;
	tx_call(&tx);
}

static void inject(int hour)
{
	int i;

	switch (hour) {
	case 2: step_ns(1000000); step_ns(-1000000); break;
	case 5: step_ns(1000000000LL); step_ns(-1000000000LL); break;
	case 8: step_ns(3600000000000LL); step_ns(-3600000000000LL); break;
	case 11: set_freq(base_freq + (50L << 16)); set_freq(base_freq); break;
	case 14: set_tick(10010); set_tick(10000); break;
	case 17: set_status(STA_INS, 0); set_status(0, STA_INS); break;
	case 20:
		for (i = 0; i < 120; i++)
			step_ns(900000);
		break;
	}
}

int main(int argc, char **argv)
{
	int trace = argc > 1 ? atoi(argv[1]) : 1;
	int hours = argc > 2 ? atoi(argv[2]) : 24;
	long s, end = hours * 3600L;
	struct timex tx;

	mark(0);
	if (trace == 2) {
		base_freq = 3L << 16;
		tx = (struct timex){ .modes = ADJ_STATUS | ADJ_FREQUENCY,
				     .status = STA_PLL, .freq = base_freq };
		tx_call(&tx);
	}
	for (s = 0; s < end; s++) {
		if (s % 3600 == 0) {
			if (s)
				mark(s / 3600);
			inject(s / 3600);
		}
		if (trace == 1) {
			tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT };
			tx.offset = (s % 7 - 3) * 10;	/* +-30 us */
			tx_call(&tx);
		} else if (s % 64 == 0) {
			long k = s / 64;

			tx = (struct timex){ .modes = ADJ_OFFSET | ADJ_FREQUENCY };
			tx.offset = (k % 2 ? 20 : -20);		/* us */
			tx.freq = base_freq + (k % 5 - 2) * 6554; /* +-0.2 ppm */
			tx_call(&tx);
		}
	}
	if (trace == 2) {
		tx = (struct timex){ .modes = ADJ_STATUS | ADJ_FREQUENCY,
				     .status = 0, .freq = 0 };
		tx_call(&tx);	/* the daemon exits: back to rest */
	}
	mark(hours);
	printf("trace %d: %ld calls, %ld failed\n", trace, calls, failed);
	return failed != 0;
}
