/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records decided in probe context are written in task context: a fixed
 * pool of pending records, handed to the caller's return to user space
 * (task_work) or, for kernel threads and exiting tasks, to a workqueue.
 */
#ifndef TA_DEFER_H
#define TA_DEFER_H

#include <linux/task_work.h>
#include <linux/workqueue.h>

#include "policy.h"
#include "record.h"

/* What record.c needs to write the records of one event. */
struct ta_pending {
	struct callback_head cb;	/* task_work */
	struct work_struct work;	/* or the workqueue */
	struct ta_event ev;
	struct ta_decision d;		/* the values, as judged */
	u32 emit;			/* BIT(enum ta_item) to record */
	bool time_drift, freq_drift, pll_drift;	/* drift records to write */
	struct ta_drift_result time_res, freq_res, pll_res;
	struct ta_actor who;
	atomic_t state;			/* generation and phase, see defer.c */
	u64 queued_ns;			/* CLOCK_MONOTONIC when handed on */
	bool denied;			/* only a refusal: a limited share */
};

struct ta_pending *ta_defer_claim(bool denied);
void ta_defer_submit(struct ta_pending *p);
int ta_defer_init(void);
void ta_defer_drain(void);
void ta_defer_exit(void);

#endif /* TA_DEFER_H */
