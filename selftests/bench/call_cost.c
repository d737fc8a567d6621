// SPDX-License-Identifier: GPL-2.0
/*
 * Guest time per clock call, for make bench. Boot the VM with
 * "-icount shift=0": guest time then counts instructions (1 ns each), so
 * the numbers are repeatable. Prints one line per call kind:
 *   <name> <ns per call>
 * The loop and a CLOCK_MONOTONIC_RAW read around it are included.
 *
 * usage: call_cost N
 *        call_cost -l NAME   (NAME's call, once every 10 ms, for ever:
 *                             for scripts/profile.sh's debugger)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/timex.h>


static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void op_read(int i)
{
	struct timex tx = { .modes = 0 };

	(void)i;
	adjtimex(&tx);
}

static void op_slew(int i)
{
	struct timex tx = { .modes = ADJ_OFFSET_SINGLESHOT };

	tx.offset = i & 1 ? 10 : -10;	/* us */
	adjtimex(&tx);
}

static void op_settime(int i)
{
	struct timespec ts;

	(void)i;
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_settime(CLOCK_REALTIME, &ts);
}

static void op_freq(int i)
{
	struct timex tx = { .modes = ADJ_FREQUENCY };

	tx.freq = i & 1 ? 65536 : 0;	/* 1 ppm, 0 */
	clock_adjtime(CLOCK_REALTIME, &tx);
}

/* Unrelated calls: what syscall rules tax on the whole machine. */
static void op_getppid(int i)
{
	(void)i;
	getppid();
}

static void op_open_read_close(int i)
{
	char buf[64];
	int fd = open("/init", O_RDONLY);

	(void)i;
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
	}
}

static const struct {
	const char *name;
	void (*fn)(int);
} ops[] = {
	{ "adjtimex_read", op_read },
	{ "adjtimex_slew", op_slew },
	{ "clock_settime", op_settime },
	{ "clock_adjtime_freq", op_freq },
	{ "getppid", op_getppid },
	{ "open_read_close", op_open_read_close },
};

static int loop(const char *name)
{
	unsigned int k;
	int i = 0;

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(ops[k].name, name))
			for (;; i++) {
				ops[k].fn(i);
				usleep(10000);
			}
	fprintf(stderr, "call_cost: no call %s\n", name);
	return 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	unsigned int k;
	int i;

	if (argc > 2 && !strcmp(argv[1], "-l"))
		return loop(argv[2]);

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		long long t0;

		for (i = 0; i < 20; i++)	/* warm up */
			ops[k].fn(i);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			ops[k].fn(i);
		printf("%s %.1f\n", ops[k].name, (double)(now_ns() - t0) / n);
	}
	return 0;
}
