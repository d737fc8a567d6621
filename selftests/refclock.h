/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference clocks for the NTP daemons, fed with samples of a "true
 * time" that runs on CLOCK_MONOTONIC_RAW, @ahead_ns ahead of the system
 * clock as it was at the start. Once a daemon has stepped to it, the
 * offset it sees is zero whatever the system clock does: one clock in a
 * VM cannot serve as both a wrong and a right reference otherwise.
 *
 * chronyd reads its SOCK refclock driver (the interface gpsd uses);
 * NTPsec's ntpd its SHM driver (struct shmTime, mode 1, in a System V
 * shared memory segment). Shared by clients_test, ntpsec_test and make
 * bench's chronyd trace.
 */
#ifndef TA_REFCLOCK_H
#define TA_REFCLOCK_H

#define TA_REFCLOCK_SOCK	"/tmp/chrony.sock"

/* The chrony.conf line that reads it, polled every second. */
#define TA_REFCLOCK_CONF \
	"refclock SOCK " TA_REFCLOCK_SOCK " refid TEST poll 0\n"

/* Send a sample every 250 ms, forever (run it in a child). */
void ta_refclock_feed(long long ahead_ns) __attribute__((noreturn));
/* The same to the socket at @path (chronyd as a service: /run/...). */
void ta_refclock_feed_to(const char *path, long long ahead_ns)
	__attribute__((noreturn));

/* NTPsec's SHM unit 0: key "NTP0", owner-only (ntpd runs as root). */
#define TA_REFCLOCK_SHM_KEY	0x4e545030

/* The ntp.conf line that reads it: an update every 8 s. */
#define TA_REFCLOCK_SHM_CONF \
	"refclock shm unit 0 refid SHM minpoll 3 maxpoll 3\n"

/*
 * Write a sample into the segment every 250 ms, forever. The true time
 * runs @ppb faster than CLOCK_MONOTONIC_RAW, as an oscillator that is a
 * little off (so that the daemon has something to correct), and each
 * sample is off by up to +-@noise_ns.
 */
void ta_refclock_shm_feed(long long ahead_ns, long ppb, long noise_ns)
	__attribute__((noreturn));

#endif /* TA_REFCLOCK_H */
