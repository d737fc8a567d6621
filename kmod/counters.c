// SPDX-License-Identifier: GPL-2.0
/*
 * Counters are per CPU, bumped from probe context without a shared cache
 * line and added up when sysfs reads them. They sit under the module's
 * own kobject so they vanish with the module.
 */
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "counters.h"

DEFINE_PER_CPU(struct ta_counter_cpu, ta_counters);
static u64 (*ta_missed)(void);	/* probe misses: the probes' own count */

/* The sum over every CPU, for sysfs and the summary record. */
u64 ta_counter_read(enum ta_counter c)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(ta_counters.n[c], cpu);
	return sum;
}

/* Under the module's kobject, attributes are module_attributes. */
struct ta_counter_attr {
	struct module_attribute attr;
	int index;		/* enum ta_counter, or -1 for probe misses */
};

static ssize_t ta_counter_show(TA_MODATTR_CONST struct module_attribute *attr,
			       struct module_kobject *mk, char *buf)
{
	const struct ta_counter_attr *ca =
		container_of(attr, struct ta_counter_attr, attr);
	u64 v = ca->index < 0 ? ta_missed() : ta_counter_read(ca->index);

	return sysfs_emit(buf, "%llu\n", v);
}

#define TA_COUNTER(_name, _index) {				\
	.attr = __ATTR(_name, 0444, ta_counter_show, NULL),	\
	.index = (_index),					\
}

/* Names must match TIMEAUDIT_CNT_* and TIMEAUDIT_CLASS_NAMES in the uapi. */
static struct ta_counter_attr ta_counter_attrs[] = {
	TA_COUNTER(records_emitted, TA_CNT_EMITTED),
	TA_COUNTER(records_suppressed, TA_CNT_SUPPRESSED),
	TA_COUNTER(records_lost, TA_CNT_LOST),
	TA_COUNTER(records_ratelimited, TA_CNT_RATELIMITED),
	TA_COUNTER(probe_misses, -1),
	TA_COUNTER(events_step, TA_CNT_EVENTS + TIMEAUDIT_CLASS_STEP),
	TA_COUNTER(events_slew, TA_CNT_EVENTS + TIMEAUDIT_CLASS_SLEW),
	TA_COUNTER(events_freq, TA_CNT_EVENTS + TIMEAUDIT_CLASS_FREQ),
	TA_COUNTER(events_tick, TA_CNT_EVENTS + TIMEAUDIT_CLASS_TICK),
	TA_COUNTER(events_status, TA_CNT_EVENTS + TIMEAUDIT_CLASS_STATUS),
	TA_COUNTER(events_tai, TA_CNT_EVENTS + TIMEAUDIT_CLASS_TAI),
	TA_COUNTER(events_denied, TA_CNT_EVENTS + TIMEAUDIT_CLASS_DENIED),
	TA_COUNTER(events_drift, TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT),
	TA_COUNTER(events_rtc, TA_CNT_EVENTS + TIMEAUDIT_CLASS_RTC),
	TA_COUNTER(events_tz, TA_CNT_EVENTS + TIMEAUDIT_CLASS_TZ),
	TA_COUNTER(events_ptp, TA_CNT_EVENTS + TIMEAUDIT_CLASS_PTP),
	TA_COUNTER(events_aux, TA_CNT_EVENTS + TIMEAUDIT_CLASS_AUX),
};

static struct attribute *ta_counter_list[ARRAY_SIZE(ta_counter_attrs) + 1];

static const struct attribute_group ta_counter_group = {
	.name = "counters",
	.attrs = ta_counter_list,
};

int ta_counters_init(u64 (*missed)(void))
{
	int i;

	ta_missed = missed;
	for (i = 0; i < ARRAY_SIZE(ta_counter_attrs); i++)
		ta_counter_list[i] = &ta_counter_attrs[i].attr.attr;
	/*
	 * The kernel has no call that adds a group to /sys/module/<name>/
	 * (module_param only fills parameters/): struct module's own kobject
	 * is the documented member for it, as kernel/params.c uses it.
	 */
	return sysfs_create_group(&THIS_MODULE->mkobj.kobj, &ta_counter_group);
}

void ta_counters_exit(void)
{
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &ta_counter_group);
}
