/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference clock for chronyd: its SOCK refclock driver (the interface
 * gpsd uses) fed with samples of a "true time" that runs on
 * CLOCK_MONOTONIC_RAW, @ahead_ns ahead of the system clock as it was at
 * the start. Once chronyd has stepped to it, the offset it sees is zero
 * whatever the system clock does: one clock in a VM cannot serve as both
 * a wrong and a right reference otherwise. Shared by clients_test and
 * make bench's chronyd trace.
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

#endif /* TA_REFCLOCK_H */
