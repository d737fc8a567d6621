// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware clocks (/dev/rtcN): rtc_set_time() is recorded, rtc_read_time()
 * only remembered, to know what a write replaced.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rtc.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "event.h"
#include "probes.h"
#include "seen.h"

/*
 * The old RTC time cannot be read from a probe (rtc_read_time sleeps),
 * but writers such as hwclock read it first: remember the last reading
 * of each RTC with the CLOCK_MONOTONIC time it was taken at (an RTC
 * ticks on whatever the system does), and carry it forward.
 */
#define TA_RTC_CACHE	4

enum { TA_RTC_TIME, TA_RTC_MONO };

static struct ta_seen ta_rtc_seen[TA_RTC_CACHE];

struct ta_rtc_data {
	int id;
	struct rtc_time *tm;	/* rtc_read_time: filled on return */
	struct rtc_time new;	/* rtc_set_time: what is written */
	s64 real, mono;
};

static int ta_rtc_read_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct ta_rtc_data *d = (void *)ri->data;
	struct rtc_device *rtc = (void *)regs_get_kernel_argument(regs, 0);

	d->id = rtc->id;
	d->tm = (void *)regs_get_kernel_argument(regs, 1);
	return 0;
}
NOKPROBE_SYMBOL(ta_rtc_read_entry);

static int ta_rtc_read_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct ta_rtc_data *d = (void *)ri->data;
	s64 seen[2], old[2];

	if (regs_return_value(regs))
		return 0;
	seen[TA_RTC_TIME] = ta_rtc_tm_to_ns(d->tm);
	seen[TA_RTC_MONO] = ktime_get_ns();
	ta_seen_exchange(ta_rtc_seen, TA_RTC_CACHE, d->id, seen, old);
	return 0;
}
NOKPROBE_SYMBOL(ta_rtc_read_ret);

static int ta_rtc_set_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ta_rtc_data *d = (void *)ri->data;
	struct rtc_device *rtc = (void *)regs_get_kernel_argument(regs, 0);
	const struct rtc_time *tm = (void *)regs_get_kernel_argument(regs, 1);

	d->id = rtc->id;
	d->new = *tm;
	d->real = ktime_get_real_ns();
	d->mono = ktime_get_ns();
	return 0;
}
NOKPROBE_SYMBOL(ta_rtc_set_entry);

static int ta_rtc_set_ret(struct kretprobe_instance *ri,
			  struct pt_regs *regs)
{
	struct ta_rtc_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = TA_PATH_RTC,
		.result = regs_return_value(regs),
		.real_before_ns = d->real,
		.caller = get_kretprobe_retaddr(ri),
		.rtc = {
			.id = d->id,
			.new_ns = ta_rtc_tm_to_ns(&d->new),
		},
	};

	s64 seen[2] = { [TA_RTC_TIME] = ev.rtc.new_ns, [TA_RTC_MONO] = d->mono };
	s64 old[2];

	ev.rtc.old_known = ta_seen_exchange(ta_rtc_seen, TA_RTC_CACHE, d->id,
					    ev.result >= 0 ? seen : NULL, old);
	if (ev.rtc.old_known)
		ev.rtc.old_ns = ta_add_sat(old[TA_RTC_TIME],
					   d->mono - old[TA_RTC_MONO]);
	ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_rtc_set_ret);

static struct kretprobe ta_rtc_table[] = {
	TA_KRETPROBE("rtc_read_time", ta_rtc_read_entry, ta_rtc_read_ret,
		     sizeof(struct ta_rtc_data)),
	TA_KRETPROBE("rtc_set_time", ta_rtc_set_entry, ta_rtc_set_ret,
		     sizeof(struct ta_rtc_data)),
};

const struct ta_probe_set ta_rtc_probes = TA_PROBE_SET(ta_rtc_table);
