/* SPDX-License-Identifier: GPL-2.0 */
/* Audit record emission: the only file that talks to the audit subsystem. */
#ifndef TA_RECORD_H
#define TA_RECORD_H

#include <linux/gfp.h>
#include <linux/sched.h>
#include <linux/timeaudit.h>

#include "policy.h"

/*
 * Who made a change, taken in probe context without a lock. A record
 * written by the caller itself (task_work) names it with the kernel's
 * own identity fields; one written by a worker uses this snapshot.
 */
struct ta_actor {
	pid_t pid, ppid;
	u32 uid, euid, gid, auid, ses;
	int syscall;		/* its number; -1: not from a syscall */
	u32 arch;		/* AUDIT_ARCH_* of the syscall */
	bool compat;		/* a 32-bit entry */
	bool self;		/* written in the caller's own context */
	char comm[TASK_COMM_LEN];
};

void ta_actor_get(struct ta_actor *who);

/* What the rate limit held back of one class, for the summary record. */
struct ta_held {
	u64 count;		/* records held back */
	u64 sum_abs;		/* sum of |change|, saturated */
	u64 max_abs;		/* the largest |change| ... */
	s64 max_time_ns;	/* ... when (CLOCK_REALTIME) ... */
	struct ta_actor max_who;	/* ... and who */
	s64 net_ns;		/* step class: net of the steps */
};

struct ta_summary {
	struct ta_held cls[TIMEAUDIT_CLASS_COUNT];
	s64 first_ns;		/* CLOCK_REALTIME of the first held back */
	u64 lost, missed;	/* totals since load, when it is written */
};

void ta_record_event(const struct ta_event *ev, const struct ta_decision *d,
		     u32 emit, const struct ta_actor *who,
		     const struct ta_config *cfg);
/* Small changes that added up: steps and slews, the frequency. */
enum ta_drift_kind {
	TA_DRIFT_TIME,	/* drift_budget_ns */
	TA_DRIFT_FREQ,	/* the caller's: freq_drift_budget_ppb */
	TA_DRIFT_PLL,	/* away from the last on record: pll_threshold_ppb */
};

void ta_record_drift(const struct ta_event *ev, const struct ta_decision *dec,
		     const struct ta_drift_result *res, enum ta_drift_kind kind,
		     const struct ta_actor *who, const struct ta_config *cfg);
int ta_record_summary(const struct ta_summary *sum,
		      const struct ta_config *cfg);
void ta_record_config(const char *op, const char *param, const char *old_val,
		      const char *new_val, int err, const struct ta_config *cfg,
		      gfp_t gfp);
void ta_record_load(const struct ta_config *cfg);
/* An unload (err 0) or a refused attempt at one (lock.c). */
struct ta_unload {
	int err;
	bool locked;
	bool forced;		/* rmmod -f despite a reference */
	u64 suppressed;		/* refusals not recorded before this one */
};

void ta_record_unload(const struct ta_unload *u, const struct ta_config *cfg,
		      gfp_t gfp);

/* From the witness's worker (task context), see witness.h. */
struct ta_witness_rec;
struct ta_blind_rec;
struct ta_heartbeat_rec;
void ta_record_witness(const struct ta_witness_rec *w,
		       const struct ta_config *cfg);
void ta_record_blind(const struct ta_blind_rec *b, bool end,
		     const struct ta_config *cfg);
void ta_record_heartbeat(const struct ta_heartbeat_rec *h,
			 const struct ta_config *cfg);

#endif /* TA_RECORD_H */
