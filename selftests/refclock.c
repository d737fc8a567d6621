// SPDX-License-Identifier: GPL-2.0
/* chronyd's SOCK refclock, fed with a known "true time": see refclock.h. */
#include <string.h>
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

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

void ta_refclock_feed(long long ahead_ns)
{
	ta_refclock_feed_to(TA_REFCLOCK_SOCK, ahead_ns);
}

void ta_refclock_feed_to(const char *path, long long ahead_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec mono0, mono, real;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	long long true0;

	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	/* RAW: the NTP frequency chronyd sets must not move the reference. */
	clock_gettime(CLOCK_MONOTONIC_RAW, &mono0);
	clock_gettime(CLOCK_REALTIME, &real);
	true0 = ns(&real) + ahead_ns;
	for (;;) {
		struct sock_sample s = { .magic = SOCK_MAGIC };
		long long t;

		clock_gettime(CLOCK_MONOTONIC_RAW, &mono);
		clock_gettime(CLOCK_REALTIME, &real);
		t = true0 + ns(&mono) - ns(&mono0);
		s.tv.tv_sec = real.tv_sec;
		s.tv.tv_usec = real.tv_nsec / 1000;
		s.offset = (t - ns(&real)) / 1e9;
		sendto(fd, &s, sizeof(s), 0, (struct sockaddr *)&sa, sizeof(sa));
		usleep(250000);
	}
}
