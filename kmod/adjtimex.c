// SPDX-License-Identifier: GPL-2.0
/*
 * adjtimex(), ntp_adjtime() and clock_adjtime(CLOCK_REALTIME) all reach
 * do_adjtimex(): its probe sees the request and the result, and a probe
 * of the NTP core inside it copies the kernel's own old and new NTP
 * values, taken under the timekeeper lock, for the same task.
 */
#include <linux/audit.h>
#include <linux/bits.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>

#include "compat.h"
#include "event.h"
#include "inflight.h"
#include "probes.h"
#include "witness.h"

struct ta_adjtimex_data {
	struct ta_inflight *slot;
	u32 modes;
	u32 effects;		/* TA_ADJ_*: what the call can change */
	s64 setoffset_ns;	/* ADJ_SETOFFSET: the step, applied exactly */
	s64 adjust;		/* adjtime(): the new time_adjust, us */
	bool window;		/* a step window is open, see probes.c */
	bool clears;		/* an EINVAL now cleared the NTP state */
	struct ta_step_window w;
	s64 real_before;
	const struct __kernel_timex *txc;	/* read back on return */
};

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
	d->adjust = txc->offset;	/* adjtime(): ta_adjtime_values() */
	/*
	 * Only a caller the kernel will let through needs the NTP values:
	 * refusals must not hold the slots a privileged change needs.
	 */
	d->slot = NULL;
	d->window = false;
	if (ta_may_set_time()) {
		if (d->effects & TA_ADJ_NTP)
			d->slot = ta_inflight_claim(true);
		/* Exact itself, but inside another call's measured window. */
		d->window = d->effects & TA_ADJ_STEP;
		if (d->window)
			ta_step_window_open(&d->w);
	}
	/*
	 * A valid ADJ_SETOFFSET the timekeeper then refuses (out of range
	 * once added) cleared the NTP state: TA_REFUSED_STEP_CLEARS_NTP.
	 */
	d->clears = TA_REFUSED_STEP_CLEARS_NTP && d->window &&
		    !ta_adjtimex_check(txc, true);
	/* The time before is only shown in a step's record. */
	d->real_before = d->effects & TA_ADJ_STEP ? ktime_get_real_ns() : 0;
	d->txc = txc;
	return 0;
}
NOKPROBE_SYMBOL(ta_adjtimex_entry);

/* The old and new values the NTP core probe copied into @slot, if any. */
void ta_ntp_core_values(struct ta_event *ev, const struct ta_inflight *slot)
{
	int i;

	if (!slot->ntp_filled)
		return;
	/* What process_adjtimex_modes() can change: all but time_adjust. */
	ev->ntp_valid = BIT(TA_NTP_ADJUST) - 1;
	for (i = 0; i < TA_NTP_ADJUST; i++) {
		ev->ntp[i].old = slot->ntp.vals[i].oldval;
		ev->ntp[i].new = slot->ntp.vals[i].newval;
	}
}
NOKPROBE_SYMBOL(ta_ntp_core_values);

/*
 * adjtime() sets time_adjust to the request (@asked, us) as is and hands
 * the old one back in txc->offset: no NTP core values needed.
 */
void ta_adjtime_values(struct ta_event *ev, const struct __kernel_timex *txc,
		       s64 asked)
{
	ev->ntp_valid = BIT(TA_NTP_ADJUST);
	ev->ntp[TA_NTP_ADJUST].old = READ_ONCE(txc->offset);
	ev->ntp[TA_NTP_ADJUST].new = asked;
}
NOKPROBE_SYMBOL(ta_adjtime_values);

static int ta_adjtimex_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct ta_adjtimex_data *d = (void *)ri->data;
	struct ta_event ev __uninitialized;

	ta_event_start(&ev, TA_PATH_ADJTIMEX);
	ev.result = regs_return_value(regs);
	ev.modes = d->modes;
	ev.real_before_ns = d->real_before;
	ev.caller = get_kretprobe_retaddr(ri);
	if (d->effects & TA_ADJ_STEP) {
		ev.stepped = true;
		/* A refused or invalid request stepped nothing. */
		ev.step_ns = ev.result < 0 ? 0 : d->setoffset_ns;
		/* It cleared the NTP state: see settime.c. */
		ev.ntp_cleared = ta_step_cleared_ntp(ev.result, d->clears,
						     d->real_before);
	}
	if (d->window)
		ta_step_window_close(&d->w);
	if (d->slot) {
		ta_ntp_core_values(&ev, d->slot);
		ta_inflight_release(d->slot);
	}
	/* A leap second armed or taken back: see witness.c. */
	if (ev.ntp_valid & BIT(TA_NTP_STATUS))
		ta_witness_leap_status(ev.ntp[TA_NTP_STATUS].old,
				       ev.ntp[TA_NTP_STATUS].new);
	if ((d->effects & TA_ADJ_ADJUST) && ev.result >= 0)
		ta_adjtime_values(&ev, d->txc, d->adjust);
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

	/* Reads and adjtime() had no slot: skip the search. */
	txc = (const void *)regs_get_kernel_argument(regs,
						     TA_NTP_CORE_TXC_ARG);
	modes = READ_ONCE(txc->modes);
	if (!modes || !(ta_adjtimex_effects(modes) & TA_ADJ_NTP))
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

static struct kretprobe ta_adjtimex_table[] = {
	TA_KRETPROBE("do_adjtimex", ta_adjtimex_entry, ta_adjtimex_ret,
		     sizeof(struct ta_adjtimex_data)),
	TA_KRETPROBE(TA_NTP_CORE_SYM, ta_ntp_core_entry, ta_ntp_core_ret,
		     sizeof(struct ta_ntp_core_data)),
};

const struct ta_probe_set ta_adjtimex_probes = TA_PROBE_SET(ta_adjtimex_table);
