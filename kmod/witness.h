/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The second line of detection: a sampler that watches the clock itself
 * (CLOCK_REALTIME - CLOCK_BOOTTIME moves with every step and nothing
 * else), a canary that tells whether the probes still fire, and the
 * heartbeat that says the auditor is alive.
 */
#ifndef TA_WITNESS_H
#define TA_WITNESS_H

#include <linux/timex.h>
#include <linux/types.h>

#include "policy.h"

/* A change of the clock that no probe reported. */
struct ta_witness_rec {
	s64 delta_ns;		/* unexplained change of realtime - boottime */
	s64 start_real_ns;	/* the sample before it was first seen */
	s64 end_real_ns;	/* the sample that first saw it */
	u64 window_ms;		/* between the two, by CLOCK_BOOTTIME */
	bool blind;		/* the canary was silent at that sample */
};

/* The probes stopped firing (start), or fire again (end). */
struct ta_blind_rec {
	s64 since_real_ns;	/* last sample at which the canary fired */
	s64 until_real_ns;	/* detected (start), or fires again (end) */
	u64 blind_ms;		/* end: since -> until, by CLOCK_BOOTTIME */
	s64 delta_ns;		/* end: the clock's steps meanwhile, net */
	s64 unexplained_ns;	/* end: of which no probe reported */
	u64 witness_records;	/* end: witness records meanwhile */
};

/* The clock's NTP state as the last adjtimex() call left it. */
struct ta_sync_state {
	bool seen;
	int status;		/* STA_* */
	long maxerror, esterror;	/* us */
};

struct ta_heartbeat_rec {
	u64 seq;		/* 1 for the first after load */
	u64 period_ms;		/* since the previous one (or the load) */
	bool armed;		/* the canary fired at the last sample */
	u64 witness_records;	/* since the previous heartbeat */
	u64 blind_records;
	u64 events[TIMEAUDIT_CLASS_COUNT];
	u64 suppressed, ratelimited, lost, missed;
	struct ta_sync_state sync;
};

/* @tick: called on each sample, from the worker (task context). */
int ta_witness_init(void (*tick)(void));
void ta_witness_exit(void);

/* Probe context: a step the probes saw applied (any size, any class). */
void ta_witness_explain(s64 step_ns);
/* Probe context: the state do_adjtimex() left in @txc on success. */
void ta_witness_ntp_seen(const struct __kernel_timex *txc);

void ta_witness_sync_state(struct ta_sync_state *out);
/* Probe context: a status write of the system clock's NTP core. */
void ta_witness_leap_status(s64 old, s64 new);
/* Probe context, at a step: it disarmed an armed leap second (once). */
bool ta_witness_leap_take(s64 before_ns);

/* heartbeat.c: called by the sampler after each sample. */
void ta_heartbeat_tick(const struct ta_config *cfg, bool armed,
		       u64 witness_records, u64 blind_records);
void ta_heartbeat_init(void);

#endif /* TA_WITNESS_H */
