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
 *   trace 3: a real chronyd for MINUTES real minutes, disciplining the
 *            clock every second to a local reference clock 5 s ahead
 *            (refclock.h): it steps once at start. This program injects
 *            changes as another process would, at the start of the
 *            minute shown, and marks minutes as it marks hours:
 *            01m step +1 s, 02m step +1 h (chronyd steps back both),
 *            03m frequency +50 ppm (chronyd sets its own again),
 *            04m tick +10 us and back, STA_INS set and cleared.
 *
 * usage: trace_replay 1|2 [hours]
 *        trace_replay 3 [minutes]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../refclock.h"

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

static void inject_chrony(int minute)
{
	struct timex tx = { .modes = 0 };

	switch (minute) {
	case 1: step_ns(1000000000LL); break;
	case 2: step_ns(3600000000000LL); break;
	case 3:
		adjtimex(&tx);
		set_freq(tx.freq + (50L << 16));
		break;
	case 4:
		set_tick(10010); set_tick(10000);
		set_status(STA_INS, 0); set_status(0, STA_INS);
		break;
	}
}

static pid_t spawn_chronyd(void)
{
	FILE *f = fopen("/tmp/chrony-bench.conf", "w");
	pid_t pid;

	if (!f)
		return -1;
	fputs(TA_REFCLOCK_CONF "makestep 1 -1\ncmdport 0\nport 0\n"
	      "pidfile /tmp/chronyd-bench.pid\n", f);
	fclose(f);
	unlink(TA_REFCLOCK_SOCK);
	pid = fork();
	if (!pid) {
		if (!freopen("/tmp/chronyd-bench.log", "w", stderr))
			_exit(126);
		execlp("chronyd", "chronyd", "-d", "-u", "root", "-f",
		       "/tmp/chrony-bench.conf", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int chrony_trace(int minutes)
{
	pid_t chronyd, feeder;
	int m;

	mark(0);
	chronyd = spawn_chronyd();
	sleep(1);	/* chronyd creates the socket */
	feeder = fork();
	if (!feeder)
		ta_refclock_feed(5000000000LL);
	for (m = 1; m <= minutes; m++) {
		sleep(60);
		mark(m);
		if (m < minutes)
			inject_chrony(m);
	}
	kill(feeder, SIGTERM);
	kill(chronyd, SIGTERM);
	waitpid(feeder, NULL, 0);
	waitpid(chronyd, NULL, 0);
	printf("trace 3: chronyd %d min, %ld injected calls, %ld failed\n",
	       minutes, calls, failed);
	return chronyd < 0 || feeder < 0 || failed != 0;
}

int main(int argc, char **argv)
{
	int trace = argc > 1 ? atoi(argv[1]) : 1;
	int hours = argc > 2 ? atoi(argv[2]) : 24;
	long s, end = hours * 3600L;
	struct timex tx;

	if (trace == 3)
		return chrony_trace(argc > 2 ? atoi(argv[2]) : 6);
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
