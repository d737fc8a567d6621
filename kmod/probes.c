// SPDX-License-Identifier: GPL-2.0
/*
 * With phc.c, the only files that know kprobes. Entry handlers snapshot
 * the "before" state into per-instance data; return handlers build a
 * struct ta_event and hand it on. Handlers run with preemption disabled:
 * no sleeping, no allocation, and nothing but copies inside the NTP
 * core's locked section.
 *
 * Offsets are measured as CLOCK_REALTIME - CLOCK_MONOTONIC before and
 * after the call, so the step is exact whatever time the call took.
 */
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/minmax.h>
#include <linux/ptrace.h>
#include <linux/rtc.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "compat.h"
#include "config.h"
#include "counters.h"
#include "event.h"
#include "inflight.h"
#include "lock.h"
#include "phc.h"
#include "probes.h"
#include "record.h"
#include "seen.h"
#include "witness.h"

static atomic64_t ta_inflight_misses;

static s64 ta_real_offset(void)
{
	return ktime_to_ns(ktime_mono_to_any(0, TK_OFFS_REAL));
}
NOKPROBE_SYMBOL(ta_real_offset);


/* --- adjtimex, ntp_adjtime, clock_adjtime(CLOCK_REALTIME) --------------- */

struct ta_adjtimex_data {
	struct ta_inflight *slot;
	u32 modes;
	u32 effects;		/* TA_ADJ_*: what the call can change */
	s64 setoffset_ns;	/* ADJ_SETOFFSET: the step, applied exactly */
	s64 real_before;
	const struct __kernel_timex *txc;	/* read back on return */
};

/*
 * capable(CAP_SYS_TIME) without the LSM call (which may audit or take
 * locks): the bit in the effective set of a task of the initial user
 * namespace. The kernel may still refuse; it never allows without it.
 */
bool ta_may_set_time(void)
{
	const struct cred *cred = current_cred();

	return cred->user_ns == &init_user_ns &&
	       cap_raised(cred->cap_effective, CAP_SYS_TIME);
}
NOKPROBE_SYMBOL(ta_may_set_time);

static int ta_adjtimex_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct ta_adjtimex_data *d = (void *)ri->data;
	const struct __kernel_timex *txc;

	txc = (const void *)regs_get_kernel_argument(regs, 0);
	d->modes = READ_ONCE(txc->modes);
	/* Reads are what NTP daemons do most: leave at once. */
	if (!d->modes)
		return 1;
	/* Decoded as the kernel does, so that no mode mix hides a change. */
	d->effects = ta_adjtimex_effects(d->modes);
	if (!d->effects)
		return 1;	/* adjtime() read: nothing to change or refuse */
	/*
	 * The kernel overwrites txc->time on return, and a measurement
	 * around the call would include other CPUs' steps: take the request,
	 * which timekeeping_inject_offset() applies as is when it succeeds.
	 */
	d->setoffset_ns = ta_setoffset_ns(txc, d->modes);
	/*
	 * Only a caller the kernel will let through needs the NTP values:
	 * refusals must not hold the slots a privileged change needs.
	 */
	d->slot = NULL;
	if (ta_may_set_time()) {
		d->slot = ta_inflight_claim();
		if (!d->slot)
			atomic64_inc(&ta_inflight_misses);
	}
	/* The time before is only shown in a step's record. */
	d->real_before = d->effects & TA_ADJ_STEP ? ktime_get_real_ns() : 0;
	d->txc = txc;
	return 0;
}
NOKPROBE_SYMBOL(ta_adjtimex_entry);

static void ta_fill_ntp(struct ta_event *ev, const struct ta_inflight *slot,
			u32 effects)
{
	int i;

	if (!slot->ntp_filled)
		return;
	/* The NTP core fills only what this kind of call can change. */
	if (effects & TA_ADJ_ADJUST)
		ev->ntp_valid |= BIT(TA_NTP_ADJUST);
	if (effects & TA_ADJ_NTP)
		ev->ntp_valid |= BIT(TA_NTP_ADJUST) - 1;
	for (i = 0; i < TA_NTP_COUNT; i++) {
		ev->ntp[i].old = slot->ntp.vals[i].oldval;
		ev->ntp[i].new = slot->ntp.vals[i].newval;
	}
}
NOKPROBE_SYMBOL(ta_fill_ntp);

static int ta_adjtimex_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct ta_adjtimex_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX,
		.result = regs_return_value(regs),
		.modes = d->modes,
		.real_before_ns = d->real_before,
		.caller = get_kretprobe_retaddr(ri),
	};

	if (d->effects & TA_ADJ_STEP) {
		ev.stepped = true;
		/* A refused or invalid request changed nothing. */
		ev.step_ns = ev.result < 0 ? 0 : d->setoffset_ns;
	}
	if (d->slot) {
		ta_fill_ntp(&ev, d->slot, d->effects);
		ta_inflight_release(d->slot);
	}
	if (ev.result >= 0)	/* the sync state, for the witness */
		ta_witness_ntp_seen(d->txc);
	ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_adjtimex_ret);

/*
 * Inside the timekeeper lock with IRQs off: copy the kernel's own old/new
 * NTP values for the outer probe of the same task, and nothing more.
 */
struct ta_ntp_core_data {
	struct ta_inflight *slot;
	const struct audit_ntp_data *ad;
};

static int ta_ntp_core_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct ta_ntp_core_data *d = (void *)ri->data;
	const struct __kernel_timex *txc;
	u32 modes;

	/* Calls that leave the NTP state alone had no slot: skip the search. */
	txc = (const void *)regs_get_kernel_argument(regs,
						     TA_NTP_CORE_TXC_ARG);
	modes = READ_ONCE(txc->modes);
	if (!modes ||
	    !(ta_adjtimex_effects(modes) & (TA_ADJ_ADJUST | TA_ADJ_NTP)))
		return 1;
	d->slot = ta_inflight_find();
	if (!d->slot)
		return 1;	/* not under our do_adjtimex probe */
	d->ad = (const void *)regs_get_kernel_argument(regs,
						       TA_NTP_CORE_AD_ARG);
	return 0;
}
NOKPROBE_SYMBOL(ta_ntp_core_entry);

static int ta_ntp_core_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct ta_ntp_core_data *d = (void *)ri->data;

	d->slot->ntp = *d->ad;
	d->slot->ntp_filled = true;
	return 0;
}
NOKPROBE_SYMBOL(ta_ntp_core_ret);

/* --- settimeofday, clock_settime, stime, rtc_hctosys: every step ------- */

struct ta_step_data {
	s64 offs_before;
	s64 real_before;
};

static int ta_step_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_step_data *d = (void *)ri->data;

	d->offs_before = ta_real_offset();
	d->real_before = ktime_get_real_ns();
	return 0;
}
NOKPROBE_SYMBOL(ta_step_entry);

static void ta_step_event(struct kretprobe_instance *ri, struct pt_regs *regs,
			  enum ta_path path)
{
	struct ta_step_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = path,
		.result = regs_return_value(regs),
		.stepped = path == TA_PATH_SETTOD,
		.step_ns = ta_real_offset() - d->offs_before,
		.real_before_ns = d->real_before,
		.caller = get_kretprobe_retaddr(ri),
	};

	ta_handle_event(&ev);
}
NOKPROBE_SYMBOL(ta_step_event);

static int ta_settod_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ta_step_event(ri, regs, TA_PATH_SETTOD);
	return 0;
}
NOKPROBE_SYMBOL(ta_settod_ret);

/* First settimeofday(NULL, tz) with an RTC in local time: a hidden step. */
static int ta_warp_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ta_step_event(ri, regs, TA_PATH_WARP);
	return 0;
}
NOKPROBE_SYMBOL(ta_warp_ret);

/* The LSM check every settimeofday-type call makes: refusals land here. */
static int ta_settime_check_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct ta_event ev = {
		.path = TA_PATH_SETTOD,
		.result = regs_return_value(regs),
		.real_before_ns = ktime_get_real_ns(),
		.caller = get_kretprobe_retaddr(ri),
	};

	if (ev.result < 0)
		ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_settime_check_ret);

/* --- the kernel timezone: settimeofday(..., tz) ------------------------ */

struct ta_tz_data {
	struct timezone old, new;
};

static int ta_tz_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_tz_data *d = (void *)ri->data;
	const struct timezone *tz;

	tz = (const void *)regs_get_kernel_argument(regs, 1);
	if (!tz)
		return 1;
	d->new = *tz;
	d->old = READ_ONCE(sys_tz);
	return 0;
}
NOKPROBE_SYMBOL(ta_tz_entry);

static int ta_tz_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_tz_data *d = (void *)ri->data;
	struct ta_event ev = {
		.path = TA_PATH_TZ,
		.result = regs_return_value(regs),
		.real_before_ns = ktime_get_real_ns(),
		.caller = get_kretprobe_retaddr(ri),
		.tz = {
			.old_minuteswest = d->old.tz_minuteswest,
			.new_minuteswest = d->new.tz_minuteswest,
			.old_dsttime = d->old.tz_dsttime,
			.new_dsttime = d->new.tz_dsttime,
		},
	};

	/* Refusals are recorded by the settime check, once. */
	if (ev.result >= 0)
		ta_handle_event(&ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_tz_ret);

/* --- hardware clocks: rtc_read_time seen, rtc_set_time recorded -------- */

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

/* --- registration -------------------------------------------------------- */

#define TA_KRETPROBE(_sym, _entry, _ret, _size) {			\
	.kp.symbol_name	= (_sym),					\
	.entry_handler	= (_entry),					\
	.handler	= (_ret),					\
	.data_size	= (_size),					\
}

static struct kretprobe ta_kretprobes[] = {
	TA_KRETPROBE("do_adjtimex", ta_adjtimex_entry, ta_adjtimex_ret,
		     sizeof(struct ta_adjtimex_data)),
	TA_KRETPROBE(TA_NTP_CORE_SYM, ta_ntp_core_entry, ta_ntp_core_ret,
		     sizeof(struct ta_ntp_core_data)),
	TA_KRETPROBE("do_settimeofday64", ta_step_entry, ta_settod_ret,
		     sizeof(struct ta_step_data)),
	TA_KRETPROBE("timekeeping_warp_clock", ta_step_entry, ta_warp_ret,
		     sizeof(struct ta_step_data)),
	TA_KRETPROBE(TA_SETTIME_CHECK_SYM, NULL, ta_settime_check_ret, 0),
	TA_KRETPROBE("do_sys_settimeofday64", ta_tz_entry, ta_tz_ret,
		     sizeof(struct ta_tz_data)),
	TA_KRETPROBE("rtc_read_time", ta_rtc_read_entry, ta_rtc_read_ret,
		     sizeof(struct ta_rtc_data)),
	TA_KRETPROBE("rtc_set_time", ta_rtc_set_entry, ta_rtc_set_ret,
		     sizeof(struct ta_rtc_data)),
	TA_KRETPROBE(TA_PHC_SETTIME_SYM, ta_phc_settime_entry,
		     ta_phc_settime_ret, sizeof(struct ta_phc_data)),
	TA_KRETPROBE(TA_PHC_ADJTIME_SYM, ta_phc_adjtime_entry,
		     ta_phc_adjtime_ret, sizeof(struct ta_phc_data)),
};

u64 ta_probes_missed(void)
{
	u64 n = atomic64_read(&ta_inflight_misses);
	int i;

	for (i = 0; i < ARRAY_SIZE(ta_kretprobes); i++)
		n += ta_kretprobes[i].nmissed;
	return n + ta_lock_missed() + ta_aux_missed();
}

int ta_probes_init(void)
{
	int i, err;

	/* The kernel's default is max(10, 2 * CPUs); calls may sleep inside. */
	for (i = 0; i < ARRAY_SIZE(ta_kretprobes); i++) {
		struct kretprobe *rp = &ta_kretprobes[i];

		rp->maxactive = max_t(int, TA_INFLIGHT_SLOTS,
				      4 * num_possible_cpus());
		err = register_kretprobe(rp);
		if (err) {
			pr_err("cannot probe %s: error %d; is it missing from this kernel (%s)?\n",
			       rp->kp.symbol_name, err, init_utsname()->release);
			goto fail;
		}
	}
	ta_aux_init();
	return 0;
fail:
	while (--i >= 0)
		unregister_kretprobe(&ta_kretprobes[i]);
	return err;
}

void ta_probes_exit(void)
{
	struct kretprobe *rps[ARRAY_SIZE(ta_kretprobes)];
	int i;

	ta_aux_exit();
	for (i = 0; i < ARRAY_SIZE(ta_kretprobes); i++)
		rps[i] = &ta_kretprobes[i];
	unregister_kretprobes(rps, ARRAY_SIZE(rps));
}
