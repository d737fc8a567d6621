// SPDX-License-Identifier: GPL-2.0
/*
 * Counters are atomics, bumped from probe context and read by sysfs. They
 * sit under the module's own kobject so they vanish with the module.
 */
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "counters.h"
#include "probes.h"

static atomic64_t ta_counters[TA_CNT_COUNT];

void ta_count(enum ta_counter c)
{
	atomic64_inc(&ta_counters[c]);
}
NOKPROBE_SYMBOL(ta_count);

u64 ta_counter_read(enum ta_counter c)
{
	return atomic64_read(&ta_counters[c]);
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
	u64 v = ca->index < 0 ? ta_probes_missed() :
		atomic64_read(&ta_counters[ca->index]);

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

int ta_counters_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ta_counter_attrs); i++)
		ta_counter_list[i] = &ta_counter_attrs[i].attr.attr;
	return sysfs_create_group(&THIS_MODULE->mkobj.kobj, &ta_counter_group);
}

void ta_counters_exit(void)
{
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &ta_counter_group);
}
