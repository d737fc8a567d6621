// SPDX-License-Identifier: GPL-2.0
/*
 * Threshold decisions. Everything here is a pure function of its
 * arguments: no locks, no clocks, no audit. The probes build a ta_event,
 * take a snapshot of the config and ask ta_policy_decide() what to log.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/timex.h>

#include "policy.h"

static const u8 ta_item_classes[TA_ITEM_COUNT] = {
	[TA_ITEM_STEP]	 = TIMEAUDIT_CLASS_STEP,
	[TA_ITEM_OFFSET] = TIMEAUDIT_CLASS_SLEW,
	[TA_ITEM_ADJUST] = TIMEAUDIT_CLASS_SLEW,
	[TA_ITEM_FREQ]	 = TIMEAUDIT_CLASS_FREQ,
	[TA_ITEM_STATUS] = TIMEAUDIT_CLASS_STATUS,
	[TA_ITEM_TAI]	 = TIMEAUDIT_CLASS_TAI,
	[TA_ITEM_TICK]	 = TIMEAUDIT_CLASS_TICK,
	[TA_ITEM_DENIED] = TIMEAUDIT_CLASS_DENIED,
};

enum timeaudit_class ta_item_class(enum ta_item item)
{
	return ta_item_classes[item];
}

u64 ta_abs64(s64 v)
{
	/* Defined for S64_MIN too: its magnitude fits in u64. */
	return v < 0 ? -(u64)v : (u64)v;
}

/* time_freq is ppm scaled by PPM_SCALE << 16, which is ppb << 32. */
s64 ta_freq_to_ppb(s64 raw)
{
	return raw >> 32;
}

/* time_offset is ns << 32 divided by NTP_INTERVAL_FREQ (HZ). */
s64 ta_offset_to_ns(s64 raw, unsigned int hz)
{
	s64 ns = (raw >> 32) * hz;

	return ns + (s64)(((raw & 0xffffffffLL) * hz) >> 32);
}

/*
 * A threshold of 0 records every event of its class, even one that
 * changes nothing; otherwise the magnitude must reach the threshold.
 */
static bool ta_crossed(u64 magnitude, bool requested, u64 threshold)
{
	if (!threshold)
		return requested || magnitude;
	return magnitude >= threshold;
}

static void ta_mark(struct ta_decision *out, const struct ta_config *cfg,
		    enum ta_item item, bool crossed)
{
	out->seen |= BIT(item);
	if (crossed && (cfg->classes & BIT(ta_item_class(item))))
		out->emit |= BIT(item);
}

static u64 ta_ntp_delta(const struct ta_event *ev, enum ta_ntp v)
{
	return ta_abs64(ev->ntp[v].new - ev->ntp[v].old);
}

static bool ta_ntp_has(const struct ta_event *ev, enum ta_ntp v)
{
	return ev->ntp_valid & BIT(v);
}

static void ta_decide_ntp(const struct ta_event *ev,
			  const struct ta_config *cfg, struct ta_decision *out)
{
	const u64 *thr = cfg->threshold;
	u32 m = ev->modes;

	if (ta_ntp_has(ev, TA_NTP_ADJUST)) {
		const struct ta_ntp_val *a = &ev->ntp[TA_NTP_ADJUST];
		u64 ns = a->new != a->old ? ta_abs64(a->new) * NSEC_PER_USEC : 0;

		ta_mark(out, cfg, TA_ITEM_ADJUST,
			ta_crossed(ns, true, thr[TIMEAUDIT_CLASS_SLEW]));
	}
	if (ta_ntp_has(ev, TA_NTP_OFFSET) && (m & ADJ_OFFSET)) {
		const struct ta_ntp_val *o = &ev->ntp[TA_NTP_OFFSET];
		u64 ns = o->new != o->old ?
			 ta_abs64(ta_offset_to_ns(o->new, HZ)) : 0;

		ta_mark(out, cfg, TA_ITEM_OFFSET,
			ta_crossed(ns, true, thr[TIMEAUDIT_CLASS_SLEW]));
	}
	/* The PLL moves freq on ADJ_OFFSET too: judge the value, not the mode. */
	if (ta_ntp_has(ev, TA_NTP_FREQ) &&
	    ((m & ADJ_FREQUENCY) || ta_ntp_delta(ev, TA_NTP_FREQ))) {
		const struct ta_ntp_val *f = &ev->ntp[TA_NTP_FREQ];
		u64 ppb = ta_abs64(ta_freq_to_ppb(f->new) -
				   ta_freq_to_ppb(f->old));

		ta_mark(out, cfg, TA_ITEM_FREQ,
			ta_crossed(ppb, m & ADJ_FREQUENCY,
				   thr[TIMEAUDIT_CLASS_FREQ]));
	}
	if (ta_ntp_has(ev, TA_NTP_STATUS) &&
	    ((m & ADJ_STATUS) || ta_ntp_delta(ev, TA_NTP_STATUS))) {
		const struct ta_ntp_val *s = &ev->ntp[TA_NTP_STATUS];

		ta_mark(out, cfg, TA_ITEM_STATUS,
			(s->old ^ s->new) & cfg->status_mask);
	}
	if (ta_ntp_has(ev, TA_NTP_TAI) &&
	    ((m & ADJ_TAI) || ta_ntp_delta(ev, TA_NTP_TAI)))
		ta_mark(out, cfg, TA_ITEM_TAI,
			ta_crossed(ta_ntp_delta(ev, TA_NTP_TAI), m & ADJ_TAI,
				   thr[TIMEAUDIT_CLASS_TAI]));
	if (ta_ntp_has(ev, TA_NTP_TICK) &&
	    ((m & ADJ_TICK) || ta_ntp_delta(ev, TA_NTP_TICK)))
		ta_mark(out, cfg, TA_ITEM_TICK,
			ta_crossed(ta_ntp_delta(ev, TA_NTP_TICK), m & ADJ_TICK,
				   thr[TIMEAUDIT_CLASS_TICK]));
}

void ta_policy_decide(const struct ta_event *ev, const struct ta_config *cfg,
		      struct ta_decision *out)
{
	out->seen = 0;
	out->emit = 0;

	/* A refused attempt changed nothing: one record, whatever it asked. */
	if (ev->result == -EPERM) {
		ta_mark(out, cfg, TA_ITEM_DENIED, true);
		return;
	}
	if (ev->result < 0)
		return;

	if (ev->stepped || ev->step_ns)
		ta_mark(out, cfg, TA_ITEM_STEP,
			ta_crossed(ta_abs64(ev->step_ns), ev->stepped,
				   cfg->threshold[TIMEAUDIT_CLASS_STEP]));
	ta_decide_ntp(ev, cfg, out);
}
