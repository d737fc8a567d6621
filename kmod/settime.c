// SPDX-License-Identifier: GPL-2.0
/*
 * Setting the time: settimeofday(), clock_settime(CLOCK_REALTIME) and
 * the timezone all go through do_sys_settimeofday64(), which checks
 * the caller (security_settime64()), sets the kernel timezone, warps the
 * clock on the first timezone set of a boot (an RTC in local time), and
 * steps it (do_settimeofday64()). One probe there sees it all: the
 * refusal, the timezone and the step, measured as CLOCK_REALTIME -
 * CLOCK_MONOTONIC before and after, so exact whatever the call took.
 *
 * do_settimeofday64() is probed for the callers that do not pass there:
 * rtc_hctosys() and the 32-bit stime(); under the outer probe it leaves
 * at once. stime()'s refusals are seen at its own entry (x86-64 only:
 * AArch32's EABI has no stime).
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/time.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "event.h"
#include "inflight.h"
#include "probes.h"

struct ta_settime_data {
	struct ta_inflight *slot;	/* tells do_settimeofday64 we are here */
	bool tv, tz;			/* what the call asks to set */
	struct timezone old, new;
	s64 offs_before;
	s64 real_before;
};

static int ta_settime_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ta_settime_data *d = (void *)ri->data;
	const struct timezone *tz;

	d->tv = regs_get_kernel_argument(regs, 0) != 0;
	tz = (const void *)regs_get_kernel_argument(regs, 1);
	d->tz = tz;
	if (tz) {
		d->new = *tz;
		d->old = READ_ONCE(sys_tz);
	}
	/*
	 * Only a caller the kernel may let through reaches
	 * do_settimeofday64(). Without a free slot the step is left to
	 * that probe, which then finds none.
	 */
	d->slot = d->tv && ta_may_set_time() ? ta_inflight_claim(false) :
		  NULL;
	d->offs_before = ta_real_offset();
	d->real_before = ktime_get_real_ns();
	return 0;
}
NOKPROBE_SYMBOL(ta_settime_entry);

static void ta_settime_event(struct kretprobe_instance *ri,
			     struct pt_regs *regs, enum ta_path path,
			     bool step_known, s64 step)
{
	struct ta_settime_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = path,
		.result = regs_return_value(regs),
		.stepped = step_known && path == TA_PATH_SETTOD,
		.step_ns = step,
		.real_before_ns = d->real_before,
		.caller = get_kretprobe_retaddr(ri),
	};

	if (path == TA_PATH_TZ) {
		ev.tz.old_minuteswest = d->old.tz_minuteswest;
		ev.tz.new_minuteswest = d->new.tz_minuteswest;
		ev.tz.old_dsttime = d->old.tz_dsttime;
		ev.tz.new_dsttime = d->new.tz_dsttime;
	}
	ta_handle_event(&ev);
}
NOKPROBE_SYMBOL(ta_settime_event);

static int ta_settime_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_settime_data *d = (void *)ri->data;
	s64 step = ta_real_offset() - d->offs_before;

	if (d->slot)
		ta_inflight_release(d->slot);
	/*
	 * A refusal, or an invalid request: one event, whatever it asked.
	 * An int: the upper half of the register is not part of it.
	 */
	if ((int)regs_return_value(regs) < 0) {
		ta_settime_event(ri, regs, TA_PATH_SETTOD, false, 0);
		return 0;
	}
	if (d->tz)
		ta_settime_event(ri, regs, TA_PATH_TZ, false, 0);
	/* Without a slot, do_settimeofday64's own probe measured the step. */
	if (d->tv && d->slot)
		ta_settime_event(ri, regs, TA_PATH_SETTOD, true, step);
	/* The first timezone set of a boot, with an RTC in local time. */
	else if (d->tz && !d->tv && step)
		ta_settime_event(ri, regs, TA_PATH_WARP, true, step);
	return 0;
}
NOKPROBE_SYMBOL(ta_settime_ret);

/* --- do_settimeofday64: rtc_hctosys(), stime() --------------------------- */

struct ta_step_data {
	s64 offs_before;
	s64 real_before;
};

static int ta_step_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_step_data *d = (void *)ri->data;

	if (ta_inflight_find())
		return 1;	/* under do_sys_settimeofday64: measured there */
	d->offs_before = ta_real_offset();
	d->real_before = ktime_get_real_ns();
	return 0;
}
NOKPROBE_SYMBOL(ta_step_entry);

static int ta_step_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_step_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = TA_PATH_SETTOD,
		.result = regs_return_value(regs),
		.stepped = true,
		.step_ns = ta_real_offset() - d->offs_before,
		.real_before_ns = d->real_before,
		.caller = get_kretprobe_retaddr(ri),
	};

	ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_step_ret);

#ifdef TA_IA32_SYS_STIME
/* stime() asks security_settime64() itself: its refusals, here. */
static int ta_stime_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_event ev = {
		.path = TA_PATH_SETTOD,
		.result = regs_return_value(regs),
		.real_before_ns = ktime_get_real_ns(),
		.caller = get_kretprobe_retaddr(ri),
	};

	if (ev.result == -EPERM)
		ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_stime_ret);
#endif

static struct kretprobe ta_settime_table[] = {
	TA_KRETPROBE("do_sys_settimeofday64", ta_settime_entry, ta_settime_ret,
		     sizeof(struct ta_settime_data)),
	TA_KRETPROBE("do_settimeofday64", ta_step_entry, ta_step_ret,
		     sizeof(struct ta_step_data)),
#ifdef TA_IA32_SYS_STIME
	TA_KRETPROBE(TA_IA32_SYS_STIME, NULL, ta_stime_ret, 0),
#endif
};

const struct ta_probe_set ta_settime_probes = TA_PROBE_SET(ta_settime_table);
