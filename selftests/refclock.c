// SPDX-License-Identifier: GPL-2.0
/* The daemons' reference clocks, fed with a known "true time": see refclock.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "refclock.h"

#define NSEC		1000000000LL
#define SOCK_MAGIC	0x534f434b

struct sock_sample {		/* chrony's refclock_sock.c */
	struct timeval tv;
	double offset;
	int pulse;
	int leap;
	int _pad;
	int magic;
};

/* NTPsec's struct shmTime (docs/driver_shm.adoc), as laid out on x86-64. */
struct shm_sample {
	int mode;		/* 1: ntpd checks count around its read */
	int count;
	time_t clock_sec;	/* the reference's time */
	int clock_usec;
	time_t receive_sec;	/* the system clock's, at the same moment */
	int receive_usec;
	int leap;
	int precision;
	int nsamples;
	int valid;
	unsigned int clock_nsec;
	unsigned int receive_nsec;
	int dummy[8];
};
_Static_assert(sizeof(struct shm_sample) == 96, "NTPsec's struct shmTime");

/* The true time: CLOCK_MONOTONIC_RAW, which no NTP adjustment moves. */
struct truth {
	long long mono0, true0;
	long ppb;
};

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

static void truth_start(struct truth *t, long long ahead_ns, long ppb)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC_RAW, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	t->mono0 = ns(&mono);
	t->true0 = ns(&real) + ahead_ns;
	t->ppb = ppb;
}

/*
 * The true time now, and the system clock's at the same moment in @real.
 * The raw clock is read between two reads of the system clock, and again
 * until they are less than 20 us apart: a VM whose vCPU the host took
 * away between two reads would otherwise make the sample wrong by that
 * pause (ms on a loaded host), which the daemon takes for a frequency
 * error and corrects, a real change that the test then sees recorded.
 */
static long long truth_now(const struct truth *t, struct timespec *real)
{
	struct timespec r1, mono, r2;
	long long el, mid;
	int i;

	for (i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(CLOCK_MONOTONIC_RAW, &mono);
		clock_gettime(CLOCK_REALTIME, &r2);
		if (ns(&r2) - ns(&r1) >= 0 && ns(&r2) - ns(&r1) < 20000)
			break;
	}
	mid = ns(&r1) + (ns(&r2) - ns(&r1)) / 2;
	real->tv_sec = mid / NSEC;
	real->tv_nsec = mid % NSEC;
	el = ns(&mono) - t->mono0;
	return t->true0 + el + el / 1000 * t->ppb / 1000000;
}

void ta_refclock_feed(long long ahead_ns)
{
	ta_refclock_feed_to(TA_REFCLOCK_SOCK, ahead_ns);
}

void ta_refclock_feed_to(const char *path, long long ahead_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct timespec real;
	struct truth t;

	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	truth_start(&t, ahead_ns, 0);
	for (;;) {
		struct sock_sample s = { .magic = SOCK_MAGIC };
		long long now = truth_now(&t, &real);

		s.tv.tv_sec = real.tv_sec;
		s.tv.tv_usec = real.tv_nsec / 1000;
		s.offset = (now - ns(&real)) / 1e9;
		sendto(fd, &s, sizeof(s), 0, (struct sockaddr *)&sa, sizeof(sa));
		usleep(250000);
	}
}

void ta_refclock_shm_feed(long long ahead_ns, long ppb, long noise_ns)
{
	int id = shmget(TA_REFCLOCK_SHM_KEY, sizeof(struct shm_sample),
			IPC_CREAT | 0600);
	struct shm_sample *s = id < 0 ? NULL : shmat(id, NULL, 0);
	struct timespec real;
	struct truth t;

	if (!s || s == (void *)-1)
		_exit(1);
	srandom(getpid());
	truth_start(&t, ahead_ns, ppb);
	for (;;) {
		long long now = truth_now(&t, &real) +
				random() % (2 * noise_ns + 1) - noise_ns;

		/* Mode 1: a count that changed during ntpd's read voids it. */
		s->valid = 0;
		s->count++;
		__sync_synchronize();
		s->mode = 1;
		s->clock_sec = now / NSEC;
		s->clock_nsec = now % NSEC;
		s->clock_usec = s->clock_nsec / 1000;	/* truncated, not rounded */
		s->receive_sec = real.tv_sec;
		s->receive_nsec = real.tv_nsec;
		s->receive_usec = real.tv_nsec / 1000;
		s->leap = 0;
		s->precision = -20;			/* 1 us */
		__sync_synchronize();
		s->count++;
		s->valid = 1;
		usleep(250000);
	}
}
