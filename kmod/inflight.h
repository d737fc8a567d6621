/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-task hand-off between an outer probe (do_adjtimex,
 * do_sys_settimeofday64) and a probe nested inside the same call. A
 * claim that finds every slot taken, when the call is then not followed,
 * is counted as a probe miss.
 */
#ifndef TA_INFLIGHT_H
#define TA_INFLIGHT_H

#include <linux/audit.h>
#include <linux/sched.h>

#define TA_INFLIGHT_SLOTS	128

struct ta_inflight {
	struct task_struct *task;	/* owner; NULL when free */
	bool ntp_filled;		/* the NTP core ran and filled @ntp */
	struct audit_ntp_data ntp;	/* old and new NTP values */
};

struct ta_inflight *ta_inflight_claim(bool needed);
struct ta_inflight *ta_inflight_find(void);
void ta_inflight_release(struct ta_inflight *slot);
u64 ta_inflight_missed(void);

#endif /* TA_INFLIGHT_H */
