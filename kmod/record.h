/* SPDX-License-Identifier: GPL-2.0 */
/* Audit record emission: the only file that talks to the audit subsystem. */
#ifndef TA_RECORD_H
#define TA_RECORD_H

#include <linux/gfp.h>
#include <linux/sched.h>

#include "policy.h"

/* What the rate limit held back, for the summary record. */
struct ta_summary {
	u64 suppressed;		/* records held back */
	u64 ntp;		/* ... of which NTP values and others */
	s64 net_step_ns;	/* net of the steps held back */
	s64 first_ns;		/* CLOCK_REALTIME of the first */
	pid_t last_pid;
	u32 last_uid, last_auid;
	char last_comm[TASK_COMM_LEN];
};

void ta_record_event(const struct ta_event *ev, u32 emit,
		     const struct ta_config *cfg);
void ta_record_drift(const struct ta_event *ev,
		     const struct ta_drift_result *res, bool freq,
		     const struct ta_config *cfg);
void ta_record_summary(const struct ta_summary *sum,
		       const struct ta_config *cfg);
void ta_record_config(const char *op, const char *param, const char *old_val,
		      const char *new_val, int err, const struct ta_config *cfg,
		      gfp_t gfp);
void ta_record_load(const struct ta_config *cfg);
void ta_record_unload(int err, const struct ta_config *cfg, gfp_t gfp);

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
