/* SPDX-License-Identifier: GPL-2.0 */
/* Event and record counters, shown under /sys/module/timeaudit/counters. */
#ifndef TA_COUNTERS_H
#define TA_COUNTERS_H

#include <linux/percpu.h>
#include <linux/timeaudit.h>

enum ta_counter {
	TA_CNT_EMITTED,
	TA_CNT_SUPPRESSED,
	TA_CNT_LOST,
	TA_CNT_RATELIMITED,
	TA_CNT_EVENTS,	/* first of TIMEAUDIT_CLASS_COUNT per-class counters */
	TA_CNT_COUNT = TA_CNT_EVENTS + TIMEAUDIT_CLASS_COUNT
};

struct ta_counter_cpu {
	u64 n[TA_CNT_COUNT];
};

DECLARE_PER_CPU(struct ta_counter_cpu, ta_counters);

/*
 * Any context (this_cpu_inc() is safe against interrupts and
 * preemption), several times per call: inline.
 */
static __always_inline void ta_count(enum ta_counter c)
{
	this_cpu_inc(ta_counters.n[c]);
}

u64 ta_counter_read(enum ta_counter c);
/* @missed: how many times the probes missed a call, for probe_misses. */
int ta_counters_init(u64 (*missed)(void));
void ta_counters_exit(void);

#endif /* TA_COUNTERS_H */
