// SPDX-License-Identifier: GPL-2.0
/*
 * The time sources of the real-system test, where the VM has no network.
 * Both serve a "true time" that runs on CLOCK_MONOTONIC_RAW, AHEAD_MS
 * ahead of the system clock as it was at the start, so a daemon that
 * steps the system clock does not move its own reference.
 *
 * usage: ta-timeref ntp AHEAD_MS
 *          a minimal NTP server on 127.0.0.1:123 (stratum 1, refid LOCL),
 *          for systemd-timesyncd
 *        ta-timeref sock PATH AHEAD_MS
 *          samples for chronyd's SOCK refclock at PATH, as gpsd sends
 *          them (selftests/refclock.c)
 * Runs in the foreground until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../refclock.h"

#define NSEC		1000000000LL
#define NTP_EPOCH	2208988800LL	/* 1900-01-01 to 1970-01-01, in s */

struct ntp_packet {		/* RFC 5905, figure 8 */
	uint8_t li_vn_mode;
	uint8_t stratum;
	int8_t poll;
	int8_t precision;
	uint32_t root_delay;
	uint32_t root_dispersion;
	uint32_t refid;
	uint32_t ref[2], org[2], rec[2], xmt[2];
};

static long long true0, mono0;

static long long ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* The true time now, in ns since 1970. */
static long long true_now(void)
{
	return true0 + ns(CLOCK_MONOTONIC_RAW) - mono0;
}

static void ntp_stamp(uint32_t out[2], long long t)
{
	long long frac = t % NSEC;

	out[0] = htonl((uint32_t)(t / NSEC + NTP_EPOCH));
	out[1] = htonl((uint32_t)((frac << 32) / NSEC));
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(123),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd;

	if (argc == 4 && !strcmp(argv[1], "sock"))
		ta_refclock_feed_to(argv[2], atoll(argv[3]) * 1000000LL);
	if (argc != 3 || strcmp(argv[1], "ntp")) {
		fprintf(stderr, "usage: ta-timeref ntp AHEAD_MS | sock PATH AHEAD_MS\n");
		return 2;
	}
	mono0 = ns(CLOCK_MONOTONIC_RAW);
	true0 = ns(CLOCK_REALTIME) + atoll(argv[2]) * 1000000LL;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("ta-timeref: 127.0.0.1:123");
		return 1;
	}
	for (;;) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		struct ntp_packet q, r;
		ssize_t len = recvfrom(fd, &q, sizeof(q), 0,
				       (struct sockaddr *)&peer, &plen);
		long long rec = true_now();

		if (len < (ssize_t)sizeof(q) || (q.li_vn_mode & 7) != 3)
			continue;	/* only client requests */
		memset(&r, 0, sizeof(r));
		/* LI 0, the client's version, mode 4 (server) */
		r.li_vn_mode = (q.li_vn_mode & 0x38) | 4;
		r.stratum = 1;
		r.poll = q.poll;
		r.precision = -20;
		r.root_dispersion = htonl(1 << 6);	/* ~1 ms, 16.16 s */
		memcpy(&r.refid, "LOCL", 4);
		ntp_stamp(r.ref, rec - NSEC);
		memcpy(r.org, q.xmt, sizeof(r.org));
		ntp_stamp(r.rec, rec);
		ntp_stamp(r.xmt, true_now());
		sendto(fd, &r, sizeof(r), 0, (struct sockaddr *)&peer, plen);
	}
}
