// SPDX-License-Identifier: GPL-2.0
/*
 * Setting the time: settimeofday(), clock_settime(CLOCK_REALTIME) and
 * the timezone all go through do_sys_settimeofday64(), which checks the
 * caller (security_settime64()), sets the kernel timezone and steps the
 * clock (do_settimeofday64()). One probe there sees the refusal, the
 * timezone and the step, measured as CLOCK_REALTIME - CLOCK_MONOTONIC
 * before and after, so exact whatever the call took.
 *
 * do_settimeofday64() is probed for the callers that do not pass there:
 * rtc_hctosys() and the 32-bit stime(); under the outer probe it leaves
 * at once. stime()'s refusals are seen at its own entry (x86-64 only:
 * AArch32's EABI has no stime). timekeeping_warp_clock(), the first
 * timezone set of a boot with an RTC in local time, once per boot.
 *
 * A measured step holds every step made meanwhile: a call that overlapped
 * another step-capable call is on record whatever it measured
 * (ta_step_window_*()).
 *
 * Every step clears the NTP state, which disarms a leap second for good:
 * a step while one is armed is on record whatever its size, and so is a
 * time refused after the clear (TA_REFUSED_STEP_CLEARS_NTP): ntp_cleared.
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
	/* The request: in the caller's frame, there until we return. */
	const struct timespec64 *tv;
	bool tz;			/* the call sets the timezone too */
	bool window;			/* a step window is open, see probes.c */
	bool clears;			/* an EINVAL now cleared the NTP state */
	struct ta_step_window w;
	struct timezone old, new;
	s64 offs_before;
	s64 real_before;
};

/*
 * The checks do_sys_settimeofday64() makes before do_settimeofday64(),
 * whose own EINVAL (a time before the boot) then clears the NTP state on
 * kernels with TA_REFUSED_STEP_CLEARS_NTP.
 */
static bool ta_settime_valid(const struct timespec64 *tv,
			     const struct timezone *tz)
{
	return timespec64_valid_settod(tv) &&
	       (!tz || (tz->tz_minuteswest >= -15 * 60 &&
			tz->tz_minuteswest <= 15 * 60));
}
NOKPROBE_SYMBOL(ta_settime_valid);

static int ta_settime_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ta_settime_data *d = (void *)ri->data;
	const struct timespec64 *tv;
	const struct timezone *tz;

	tv = (const void *)regs_get_kernel_argument(regs, 0);
	d->tv = tv;
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
	d->window = d->tv && ta_may_set_time();
	d->slot = d->window ? ta_inflight_claim(false) : NULL;
	if (d->window)
		ta_step_window_open(&d->w);
	d->offs_before = ta_real_offset();
	d->real_before = ktime_get_real_ns();
	return 0;
}
NOKPROBE_SYMBOL(ta_settime_entry);

/* Part of ta_settime_ret(), inline: once or twice per call. */
static __always_inline void
ta_settime_event(struct kretprobe_instance *ri, int result, enum ta_path path,
		 bool concurrent, s64 step)
{
	struct ta_settime_data *d = (void *)ri->data;
	struct ta_event ev __uninitialized;

	ta_event_start(&ev, path);
	ev.result = result;
	ev.stepped = path == TA_PATH_SETTOD && result >= 0;
	ev.concurrent = concurrent;
	/* Without a slot, do_settimeofday64's probe saw it too. */
	ev.ntp_cleared = path == TA_PATH_SETTOD && d->slot &&
			 ta_step_cleared_ntp(result, d->clears, d->real_before);
	ev.step_ns = step;
	ev.real_before_ns = d->real_before;
	ev.caller = get_kretprobe_retaddr(ri);
	if (path == TA_PATH_TZ) {
		ev.tz.old_minuteswest = d->old.tz_minuteswest;
		ev.tz.new_minuteswest = d->new.tz_minuteswest;
		ev.tz.old_dsttime = d->old.tz_dsttime;
		ev.tz.new_dsttime = d->new.tz_dsttime;
	}
	ta_handle_event(&ev);
}

/* The timezone this call wrote, whatever the rest of it did. */
static bool ta_settime_tz_set(const struct ta_settime_data *d)
{
	struct timezone now = READ_ONCE(sys_tz);

	return now.tz_minuteswest == d->new.tz_minuteswest &&
	       now.tz_dsttime == d->new.tz_dsttime;
}
NOKPROBE_SYMBOL(ta_settime_tz_set);

static int ta_settime_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_settime_data *d = (void *)ri->data;
	s64 step = ta_real_offset() - d->offs_before;
	int ret = regs_return_value(regs);	/* an int: the lower half */
	bool concurrent = d->window && ta_step_window_close(&d->w);

	/*
	 * An EINVAL for a request that passed the checks before the clear
	 * came after it (TA_REFUSED_STEP_CLEARS_NTP): asked only then.
	 */
	d->clears = TA_REFUSED_STEP_CLEARS_NTP && ret == -EINVAL &&
		    d->window &&
		    ta_settime_valid(d->tv, d->tz ? &d->new : NULL);

	if (d->slot)
		ta_inflight_release(d->slot);
	/*
	 * The timezone is set before the time: a time refused as invalid
	 * (before the boot, say) leaves the new timezone in place.
	 */
	if (d->tz && (ret >= 0 || ta_settime_tz_set(d)))
		ta_settime_event(ri, 0, TA_PATH_TZ, false, 0);
	/* A refusal, or an invalid request: one event, whatever it asked. */
	if (ret < 0)
		ta_settime_event(ri, ret, TA_PATH_SETTOD, false, 0);
	/* Without a slot, do_settimeofday64's own probe measured the step. */
	else if (d->tv && d->slot)
		ta_settime_event(ri, ret, TA_PATH_SETTOD, concurrent, step);
	return 0;
}
NOKPROBE_SYMBOL(ta_settime_ret);

/* --- do_settimeofday64: rtc_hctosys(), stime() --------------------------- */

struct ta_step_data {
	struct ta_step_window w;
	bool clears;		/* an EINVAL now cleared the NTP state */
	s64 offs_before;
	s64 real_before;
};

static void ta_step_begin(struct ta_step_data *d)
{
	ta_step_window_open(&d->w);
	d->clears = false;
	d->offs_before = ta_real_offset();
	d->real_before = ktime_get_real_ns();
}
NOKPROBE_SYMBOL(ta_step_begin);

static void ta_step_event(struct kretprobe_instance *ri, struct pt_regs *regs,
			  enum ta_path path)
{
	struct ta_step_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = path,
		.stepped = path == TA_PATH_SETTOD,
		.step_ns = ta_real_offset() - d->offs_before,
		.real_before_ns = d->real_before,
		.caller = get_kretprobe_retaddr(ri),
	};

	/* timekeeping_warp_clock() returns nothing: its register is junk. */
	if (path == TA_PATH_SETTOD)
		ev.result = (int)regs_return_value(regs);
	/* Refused: it stepped nothing; what was measured is another's. */
	if (ev.result < 0)
		ev.step_ns = 0;
	ev.concurrent = ta_step_window_close(&d->w);
	ev.ntp_cleared = ta_step_cleared_ntp(ev.result, d->clears,
					     d->real_before);
	ta_handle_event(&ev);
}
NOKPROBE_SYMBOL(ta_step_event);

static int ta_step_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_step_data *d = (void *)ri->data;
	const struct timespec64 *ts;

	if (ta_inflight_find())
		return 1;	/* under do_sys_settimeofday64: measured there */
	ta_step_begin(d);
	/* Its callers checked the caller: only the time is left to refuse. */
	ts = (const void *)regs_get_kernel_argument(regs, 0);
	d->clears = TA_REFUSED_STEP_CLEARS_NTP && timespec64_valid_settod(ts);
	return 0;
}
NOKPROBE_SYMBOL(ta_step_entry);

static int ta_step_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ta_step_event(ri, regs, TA_PATH_SETTOD);
	return 0;
}
NOKPROBE_SYMBOL(ta_step_ret);

/* The first settimeofday(NULL, tz) of a boot, RTC in local time: a step. */
static int ta_warp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ta_step_begin((void *)ri->data);
	return 0;
}
NOKPROBE_SYMBOL(ta_warp_entry);

static int ta_warp_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ta_step_event(ri, regs, TA_PATH_WARP);
	return 0;
}
NOKPROBE_SYMBOL(ta_warp_ret);

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
	TA_KRETPROBE("timekeeping_warp_clock", ta_warp_entry, ta_warp_ret,
		     sizeof(struct ta_step_data)),
#ifdef TA_IA32_SYS_STIME
	TA_KRETPROBE(TA_IA32_SYS_STIME, NULL, ta_stime_ret, 0),
#endif
};

const struct ta_probe_set ta_settime_probes = TA_PROBE_SET(ta_settime_table);
