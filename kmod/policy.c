// SPDX-License-Identifier: GPL-2.0
/*
 * Threshold decisions. Everything here is a pure function of its
 * arguments: no locks, no clocks, no audit. The probes build a ta_event,
 * take a snapshot of the config and ask ta_policy_decide() what to log.
 * Called from probe handlers, so NOKPROBE_SYMBOL like all they call.
 */
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timex.h>
#include <asm/param.h>

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
	[TA_ITEM_RTC]	 = TIMEAUDIT_CLASS_RTC,
	[TA_ITEM_TZ]	 = TIMEAUDIT_CLASS_TZ,
	[TA_ITEM_PHC_STEP] = TIMEAUDIT_CLASS_PTP,
	[TA_ITEM_PHC_FREQ] = TIMEAUDIT_CLASS_PTP,
	[TA_ITEM_AUX_STEP] = TIMEAUDIT_CLASS_AUX,
	[TA_ITEM_AUX_FREQ] = TIMEAUDIT_CLASS_AUX,
	[TA_ITEM_AUX_STATE] = TIMEAUDIT_CLASS_AUX,
	[TA_ITEM_AUX_SLEW] = TIMEAUDIT_CLASS_AUX,
	[TA_ITEM_AUX_STATUS] = TIMEAUDIT_CLASS_AUX,
	[TA_ITEM_AUX_TICK] = TIMEAUDIT_CLASS_AUX,
};

enum timeaudit_class ta_item_class(enum ta_item item)
{
	return ta_item_classes[item];
}
NOKPROBE_SYMBOL(ta_item_class);

u64 ta_abs64(s64 v)
{
	/* Defined for S64_MIN too: its magnitude fits in u64. */
	return v < 0 ? -(u64)v : (u64)v;
}
NOKPROBE_SYMBOL(ta_abs64);

/* time_freq is ppm scaled by PPM_SCALE << 16, which is ppb << 32. */
s64 ta_freq_to_ppb(s64 raw)
{
	return raw >> 32;
}
NOKPROBE_SYMBOL(ta_freq_to_ppb);

/*
 * timex.freq is ppm << 16, and * 1000 >> 16 is * 125 >> 13: rounded as
 * the PTP core's scaled_ppm_to_ppb() does, what a driver is asked for;
 * saturated.
 */
s64 ta_scaled_ppm_to_ppb(s64 scaled)
{
	scaled = clamp_t(s64, scaled, S64_MIN / 125, S64_MAX / 125 - 1);
	return ((scaled + 1) * 125) >> 13;
}
NOKPROBE_SYMBOL(ta_scaled_ppm_to_ppb);

/* time_offset is ns << 32 divided by NTP_INTERVAL_FREQ (HZ). */
s64 ta_offset_to_ns(s64 raw, unsigned int hz)
{
	s64 ns = (raw >> 32) * hz;

	return ns + (s64)(((raw & 0xffffffffLL) * hz) >> 32);
}
NOKPROBE_SYMBOL(ta_offset_to_ns);

s64 ta_add_sat(s64 a, s64 b)
{
	s64 r;

	if (check_add_overflow(a, b, &r))
		return b < 0 ? S64_MIN : S64_MAX;
	return r;
}
NOKPROBE_SYMBOL(ta_add_sat);

s64 ta_sub_sat(s64 a, s64 b)
{
	s64 r;

	if (check_sub_overflow(a, b, &r))
		return b > 0 ? S64_MIN : S64_MAX;
	return r;
}
NOKPROBE_SYMBOL(ta_sub_sat);

s64 ta_mul_sat(s64 a, s64 b)
{
	s64 r;

	if (check_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? S64_MIN : S64_MAX;
	return r;
}
NOKPROBE_SYMBOL(ta_mul_sat);

u64 ta_abs_diff(s64 a, s64 b)
{
	/* Two's complement: the u64 difference is exact either way round. */
	return a >= b ? (u64)a - (u64)b : (u64)b - (u64)a;
}
NOKPROBE_SYMBOL(ta_abs_diff);

/* time_adjust (adjtime()) is in us whatever STA_NANO says. */
s64 ta_us_to_ns(s64 us)
{
	return ta_mul_sat(us, NSEC_PER_USEC);
}
NOKPROBE_SYMBOL(ta_us_to_ns);

/*
 * An RTC time in ns since the epoch, as rtc_tm_to_time64() * NSEC_PER_SEC
 * for every date an RTC can hold, but in s64 throughout: mktime64() takes
 * the year as unsigned int (year * 365 wraps beyond year 11,767,033), and
 * the ns overflow after 2262; both saturate here instead. The probe sees
 * the rtc_time before the RTC core validates it, so any int goes.
 */
s64 ta_rtc_tm_to_ns(const struct rtc_time *tm)
{
	s64 year = (s64)tm->tm_year + 1900;
	s64 mon = (s64)tm->tm_mon + 1 - 2;	/* from March: leap day last */
	s64 days, secs;

	if (mon <= 0) {
		mon += 12;
		year--;
	}
	/* |year| < 2^32, |mon| < 2^32: every product fits easily. */
	days = div_s64(year, 4) - div_s64(year, 100) + div_s64(year, 400) +
	       div_s64(367 * mon, 12) + tm->tm_mday + year * 365 - 719499;
	secs = ((days * 24 + tm->tm_hour) * 60 + tm->tm_min) * 60 + tm->tm_sec;
	return ta_mul_sat(secs, NSEC_PER_SEC);
}
NOKPROBE_SYMBOL(ta_rtc_tm_to_ns);

/*
 * Decoding an adjtimex() call as the kernel does: timekeeping_validate_timex()
 * and do_adjtimex()/__do_adjtimex() of 6.1, unchanged for CLOCK_REALTIME up
 * to 7.2 (6.13 moved the NTP state into struct ntp_data, 6.17 split
 * do_adjtimex() and renamed the NTP core ntp_adjtimex(), see compat.h;
 * only auxiliary clocks, which do not come through do_adjtimex(), gained
 * checks of their own).
 *
 * - ADJ_SETOFFSET steps the clock in do_adjtimex() before the NTP core
 *   runs, whatever ADJ_ADJTIME or ADJ_OFFSET_READONLY say.
 * - ADJ_ADJTIME (adjtime()) sets time_adjust unless ADJ_OFFSET_READONLY,
 *   and ignores every other NTP bit. Without ADJ_OFFSET_SINGLESHOT (bit 0
 *   in the kernel; user space's 0x8001 holds both) the call is refused
 *   with EINVAL before anything else, for any caller.
 * - Any other nonzero modes go through process_adjtimex_modes(), even
 *   bits it does not know (which change nothing). ADJ_OFFSET_READONLY
 *   is ADJ_NANO there: it sets STA_NANO.
 */
u32 ta_adjtimex_effects(u32 modes)
{
	u32 eff = 0;

	if (modes & ADJ_ADJTIME) {
		if (!(modes & ADJ_OFFSET_SINGLESHOT))
			return 0;
		if (!(modes & ADJ_OFFSET_READONLY))
			eff |= TA_ADJ_ADJUST | TA_ADJ_PRIV;
	} else if (modes) {
		eff |= TA_ADJ_NTP | TA_ADJ_PRIV;
	}
	if (modes & ADJ_SETOFFSET)
		eff |= TA_ADJ_STEP | TA_ADJ_PRIV;
	return eff;
}
NOKPROBE_SYMBOL(ta_adjtimex_effects);

/*
 * The errno timekeeping_validate_timex() gives @txc, in its order, for a
 * caller with or without CAP_SYS_TIME. timekeeping_inject_offset() may
 * still refuse a valid ADJ_SETOFFSET with -EINVAL: that depends on the
 * time, not on the request. The frequency check exists only where
 * BITS_PER_LONG == 64.
 */
int ta_adjtimex_check(const struct __kernel_timex *txc, bool cap_sys_time)
{
	u32 modes = txc->modes;

	if (modes & ADJ_ADJTIME) {
		if (!(modes & ADJ_OFFSET_SINGLESHOT))
			return -EINVAL;
		if (!(modes & ADJ_OFFSET_READONLY) && !cap_sys_time)
			return -EPERM;
	} else {
		if (modes && !cap_sys_time)
			return -EPERM;
		if ((modes & ADJ_TICK) && (txc->tick < 900000 / USER_HZ ||
					   txc->tick > 1100000 / USER_HZ))
			return -EINVAL;
	}
	if (modes & ADJ_SETOFFSET) {
		if (!cap_sys_time)
			return -EPERM;
		if (txc->time.tv_usec < 0)
			return -EINVAL;
		if (txc->time.tv_usec >= ((modes & ADJ_NANO) ? NSEC_PER_SEC :
					  USEC_PER_SEC))
			return -EINVAL;
	}
	if ((modes & ADJ_FREQUENCY) && BITS_PER_LONG == 64 &&
	    (txc->freq < S64_MIN / PPM_SCALE || txc->freq > S64_MAX / PPM_SCALE))
		return -EINVAL;
	return 0;
}
NOKPROBE_SYMBOL(ta_adjtimex_check);

/*
 * The step an ADJ_SETOFFSET request asks for, in ns; else 0. Saturated:
 * a refused request is recorded as asked, and nothing checked it yet.
 * tv_usec holds ns with ADJ_NANO (a mode bit, not STA_NANO), else us.
 */
s64 ta_setoffset_ns(const struct __kernel_timex *txc, u32 modes)
{
	s64 frac = txc->time.tv_usec;

	if (!(modes & ADJ_SETOFFSET))
		return 0;
	if (!(modes & ADJ_NANO))
		frac = ta_us_to_ns(frac);
	return ta_add_sat(ta_mul_sat(txc->time.tv_sec, NSEC_PER_SEC), frac);
}
NOKPROBE_SYMBOL(ta_setoffset_ns);

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
NOKPROBE_SYMBOL(ta_crossed);

/* The item's value starts at 0: a decision is not zeroed (event.c). */
static void ta_mark(struct ta_decision *out, const struct ta_config *cfg,
		    enum ta_item item, bool crossed)
{
	out->val[item] = (struct ta_value){};
	out->seen |= BIT(item);
	if (crossed && (cfg->classes & BIT(ta_item_class(item))))
		out->emit |= BIT(item);
}
NOKPROBE_SYMBOL(ta_mark);

/* An item with the values it was judged on, in its class's unit. */
static void ta_judge(struct ta_decision *out, const struct ta_config *cfg,
		     enum ta_item item, s64 old, s64 new, u64 threshold,
		     bool crossed)
{
	ta_mark(out, cfg, item, crossed);
	out->val[item].old = old;
	out->val[item].new = new;
	out->val[item].threshold = threshold;
}
NOKPROBE_SYMBOL(ta_judge);

static u64 ta_ntp_delta(const struct ta_event *ev, enum ta_ntp v)
{
	return ta_abs_diff(ev->ntp[v].new, ev->ntp[v].old);
}
NOKPROBE_SYMBOL(ta_ntp_delta);

static bool ta_ntp_has(const struct ta_event *ev, enum ta_ntp v)
{
	return ev->ntp_valid & BIT(v);
}
NOKPROBE_SYMBOL(ta_ntp_has);

/*
 * A frequency the caller set is judged by freq_threshold_ppb. Without
 * ADJ_FREQUENCY only the kernel PLL moved it, answering the offsets a
 * daemon hands it: by tens of ppm while it settles, so by its own
 * threshold. An auxiliary clock's frequency always by freq_threshold_ppb.
 */
u64 ta_freq_threshold(const struct ta_event *ev, const struct ta_config *cfg)
{
	/* An aux clock's PLL is not followed (ta_freq_excursion()). */
	if ((ev->modes & ADJ_FREQUENCY) || ev->path == TA_PATH_AUX)
		return cfg->threshold[TIMEAUDIT_CLASS_FREQ];
	return cfg->pll_threshold_ppb;
}
NOKPROBE_SYMBOL(ta_freq_threshold);

/*
 * The item each NTP value is judged as: the system clock's own, or an
 * auxiliary clock's (no TAI offset there: the kernel refuses ADJ_TAI).
 */
static const s8 ta_sys_ntp_items[TA_NTP_COUNT] = {
	[TA_NTP_OFFSET] = TA_ITEM_OFFSET, [TA_NTP_FREQ] = TA_ITEM_FREQ,
	[TA_NTP_STATUS] = TA_ITEM_STATUS, [TA_NTP_TAI] = TA_ITEM_TAI,
	[TA_NTP_TICK] = TA_ITEM_TICK, [TA_NTP_ADJUST] = TA_ITEM_ADJUST,
};

static const s8 ta_aux_ntp_items[TA_NTP_COUNT] = {
	[TA_NTP_OFFSET] = TA_ITEM_AUX_SLEW, [TA_NTP_FREQ] = TA_ITEM_AUX_FREQ,
	[TA_NTP_STATUS] = TA_ITEM_AUX_STATUS, [TA_NTP_TAI] = -1,
	[TA_NTP_TICK] = TA_ITEM_AUX_TICK, [TA_NTP_ADJUST] = TA_ITEM_AUX_SLEW,
};

/* Whether NTP value @v was reported and is judged on this clock. */
static bool ta_ntp_judged(const struct ta_event *ev, const s8 *items,
			  enum ta_ntp v)
{
	return ta_ntp_has(ev, v) && items[v] >= 0;
}
NOKPROBE_SYMBOL(ta_ntp_judged);

/* Every NTP value the call reported, each as the item @items names. */
static void ta_decide_ntp(const struct ta_event *ev, const s8 *items,
			  const struct ta_config *cfg, struct ta_decision *out)
{
	const u64 *thr = cfg->threshold;
	const struct ta_ntp_val *v;
	u32 m = ev->modes;
	s64 old, new;
	u64 t;

	if (!ev->ntp_valid)	/* a step, say: the common case, quickly */
		return;
	if (ta_ntp_judged(ev, items, TA_NTP_ADJUST)) {
		v = &ev->ntp[TA_NTP_ADJUST];
		old = ta_us_to_ns(v->old);
		new = ta_us_to_ns(v->new);
		ta_judge(out, cfg, items[TA_NTP_ADJUST], old, new,
			 thr[TIMEAUDIT_CLASS_SLEW],
			 ta_crossed(v->new != v->old ? ta_abs64(new) : 0, true,
				    thr[TIMEAUDIT_CLASS_SLEW]));
	}
	if (ta_ntp_judged(ev, items, TA_NTP_OFFSET) && (m & ADJ_OFFSET)) {
		v = &ev->ntp[TA_NTP_OFFSET];
		old = ta_offset_to_ns(v->old, HZ);
		new = ta_offset_to_ns(v->new, HZ);
		ta_judge(out, cfg, items[TA_NTP_OFFSET], old, new,
			 thr[TIMEAUDIT_CLASS_SLEW],
			 ta_crossed(v->new != v->old ? ta_abs64(new) : 0, true,
				    thr[TIMEAUDIT_CLASS_SLEW]));
	}
	/*
	 * The PLL moves freq on ADJ_OFFSET too: judge the value, not the
	 * mode, against the PLL's own threshold when the caller did not
	 * set a frequency (ta_freq_threshold()).
	 */
	if (ta_ntp_judged(ev, items, TA_NTP_FREQ) &&
	    ((m & ADJ_FREQUENCY) || ta_ntp_delta(ev, TA_NTP_FREQ))) {
		v = &ev->ntp[TA_NTP_FREQ];
		old = ta_freq_to_ppb(v->old);
		new = ta_freq_to_ppb(v->new);
		t = ta_freq_threshold(ev, cfg);
		ta_judge(out, cfg, items[TA_NTP_FREQ], old, new, t,
			 ta_crossed(ta_abs_diff(new, old), m & ADJ_FREQUENCY, t));
	}
	if (ta_ntp_judged(ev, items, TA_NTP_STATUS) &&
	    ((m & ADJ_STATUS) || ta_ntp_delta(ev, TA_NTP_STATUS))) {
		v = &ev->ntp[TA_NTP_STATUS];
		ta_judge(out, cfg, items[TA_NTP_STATUS], v->old, v->new,
			 cfg->status_mask,
			 (v->old ^ v->new) & cfg->status_mask);
	}
	if (ta_ntp_judged(ev, items, TA_NTP_TAI) &&
	    ((m & ADJ_TAI) || ta_ntp_delta(ev, TA_NTP_TAI))) {
		v = &ev->ntp[TA_NTP_TAI];
		ta_judge(out, cfg, items[TA_NTP_TAI], v->old, v->new,
			 thr[TIMEAUDIT_CLASS_TAI],
			 ta_crossed(ta_ntp_delta(ev, TA_NTP_TAI), m & ADJ_TAI,
				    thr[TIMEAUDIT_CLASS_TAI]));
	}
	if (ta_ntp_judged(ev, items, TA_NTP_TICK) &&
	    ((m & ADJ_TICK) || ta_ntp_delta(ev, TA_NTP_TICK))) {
		v = &ev->ntp[TA_NTP_TICK];
		ta_judge(out, cfg, items[TA_NTP_TICK], v->old, v->new,
			 thr[TIMEAUDIT_CLASS_TICK],
			 ta_crossed(ta_ntp_delta(ev, TA_NTP_TICK), m & ADJ_TICK,
				    thr[TIMEAUDIT_CLASS_TICK]));
	}
}
NOKPROBE_SYMBOL(ta_decide_ntp);

/*
 * A PTP clock: setting it is always recorded (its old time cannot be read
 * from a probe), a step and a new frequency are judged by the system
 * clock's thresholds. A frequency never seen before counts as changed.
 */
static void ta_decide_phc(const struct ta_event *ev,
			  const struct ta_config *cfg, struct ta_decision *out)
{
	const u64 *thr = cfg->threshold;
	s64 old, new;

	if (ev->phc.settime) {
		ta_mark(out, cfg, TA_ITEM_PHC_STEP, true);
	} else if (ev->modes & ADJ_SETOFFSET) {
		ta_judge(out, cfg, TA_ITEM_PHC_STEP, 0, ev->phc.offset_ns,
			 thr[TIMEAUDIT_CLASS_STEP],
			 ta_crossed(ta_abs64(ev->phc.offset_ns), true,
				    thr[TIMEAUDIT_CLASS_STEP]));
	} else if (ev->modes & ADJ_FREQUENCY) {
		old = ta_scaled_ppm_to_ppb(ev->phc.old_freq);
		new = ta_scaled_ppm_to_ppb(ev->phc.new_freq);
		ta_judge(out, cfg, TA_ITEM_PHC_FREQ, old, new,
			 thr[TIMEAUDIT_CLASS_FREQ], !ev->phc.old_known ||
			 ta_crossed(ta_abs_diff(new, old), true,
				    thr[TIMEAUDIT_CLASS_FREQ]));
	}
}
NOKPROBE_SYMBOL(ta_decide_phc);

/*
 * An auxiliary clock: its steps are measured (set) or asked for
 * (ADJ_SETOFFSET) and judged by the step threshold (a set of a clock
 * that could not be read first, enabled meanwhile, counts as crossed);
 * its NTP values (PLL offset and adjtime() slew, frequency, status, tick)
 * with the NTP core's own old and new values, by the thresholds of the
 * system clock's; enabling or disabling it when the state changed.
 */
static void ta_decide_aux(const struct ta_event *ev,
			  const struct ta_config *cfg, struct ta_decision *out)
{
	const u64 *thr = cfg->threshold;

	switch (ev->aux.op) {
	case TA_AUX_ENABLE:
		if (ev->aux.old_on != ev->aux.new_on)
			ta_mark(out, cfg, TA_ITEM_AUX_STATE, true);
		return;
	case TA_AUX_SET:
		ta_judge(out, cfg, TA_ITEM_AUX_STEP, 0, ev->aux.step_ns,
			 thr[TIMEAUDIT_CLASS_STEP], !ev->aux.old_known ||
			 ta_crossed(ta_abs64(ev->aux.step_ns), true,
				    thr[TIMEAUDIT_CLASS_STEP]));
		return;
	case TA_AUX_ADJ:
		break;
	}
	if (ev->modes & ADJ_SETOFFSET)
		ta_judge(out, cfg, TA_ITEM_AUX_STEP, 0, ev->aux.step_ns,
			 thr[TIMEAUDIT_CLASS_STEP],
			 ta_crossed(ta_abs64(ev->aux.step_ns), true,
				    thr[TIMEAUDIT_CLASS_STEP]));
	/* Its NTP values, judged as the system clock's are. */
	ta_decide_ntp(ev, ta_aux_ntp_items, cfg, out);
}
NOKPROBE_SYMBOL(ta_decide_aux);

void ta_policy_decide(const struct ta_event *ev, const struct ta_config *cfg,
		      struct ta_decision *out)
{
	out->seen = 0;
	out->emit = 0;

	/*
	 * A refused attempt changed nothing: one record, whatever it asked.
	 * A PTP clock refuses a caller without write access with EACCES.
	 */
	if (ev->result == -EPERM ||
	    (ev->path == TA_PATH_PHC && ev->result == -EACCES)) {
		ta_mark(out, cfg, TA_ITEM_DENIED, true);
		return;
	}
	/*
	 * Any other failure changed nothing, but for a step the kernel
	 * refused after clearing its NTP state (TA_REFUSED_STEP_CLEARS_NTP):
	 * on record as the step it was, whatever its size.
	 */
	if (ev->result < 0 && !ev->ntp_cleared)
		return;
	if (ev->path == TA_PATH_PHC) {
		ta_decide_phc(ev, cfg, out);
		return;
	}
	if (ev->path == TA_PATH_AUX) {
		ta_decide_aux(ev, cfg, out);
		return;
	}

	if (ev->path == TA_PATH_RTC) {
		/*
		 * Judge the change if we know the old value. If not (a write
		 * with no read seen since load, as busybox hwclock does), the
		 * system time says nothing about what the RTC held: record.
		 */
		ta_judge(out, cfg, TA_ITEM_RTC, ev->rtc.old_ns, ev->rtc.new_ns,
			 cfg->threshold[TIMEAUDIT_CLASS_RTC],
			 !ev->rtc.old_known ||
			 ta_crossed(ta_abs_diff(ev->rtc.new_ns, ev->rtc.old_ns),
				    true, cfg->threshold[TIMEAUDIT_CLASS_RTC]));
		return;
	}
	if (ev->path == TA_PATH_TZ) {
		ta_mark(out, cfg, TA_ITEM_TZ,
			ev->tz.old_minuteswest != ev->tz.new_minuteswest ||
			ev->tz.old_dsttime != ev->tz.new_dsttime);
		return;
	}

	/*
	 * A step measured while another call could step the clock may hold
	 * both, cancelled out: on record whatever it measured.
	 */
	if (ev->stepped || ev->step_ns || ev->ntp_cleared)
		ta_judge(out, cfg, TA_ITEM_STEP, 0, ev->step_ns,
			 cfg->threshold[TIMEAUDIT_CLASS_STEP],
			 ev->concurrent || ev->ntp_cleared ||
			 ta_crossed(ta_abs64(ev->step_ns), ev->stepped,
				    cfg->threshold[TIMEAUDIT_CLASS_STEP]));
	ta_decide_ntp(ev, ta_sys_ntp_items, cfg, out);
}
NOKPROBE_SYMBOL(ta_policy_decide);

void ta_drift_reset(struct ta_drift *d)
{
	memset(d, 0, sizeof(*d));
}
NOKPROBE_SYMBOL(ta_drift_reset);

/*
 * Add @delta at second @now_s; returns true when the net of the last
 * @window_s seconds reaches @budget in either direction, and then each
 * time it doubles again. The level is back at @budget when the window is
 * empty or a whole window passed since the last record, so a steady
 * drift is still recorded once per window. The net is added up over the
 * ring once per second (a bucket counts while it lies within the window,
 * except the one that @now_s starts over), and kept up to date by each
 * change within that second: a burst costs one addition per change.
 */
bool ta_drift_add(struct ta_drift *d, s64 now_s, s64 delta, u64 window_s,
		  u64 budget, struct ta_drift_result *r)
{
	u64 mag;
	int i;

	if (!d->summed || d->summed_s != now_s || d->summed_window != window_s) {
		s64 width = max_t(s64, 1, div_u64(window_s, TA_DRIFT_BUCKETS));
		s64 start = now_s - (now_s % width);
		s64 oldest = now_s - (s64)window_s - width;

		d->cur = (int)(div_s64(start, width) % TA_DRIFT_BUCKETS);
		if (d->b[d->cur].start_s != start) {
			d->b[d->cur].start_s = start;
			d->b[d->cur].sum = 0;
			d->b[d->cur].count = 0;
		}
		d->net = 0;
		d->count = 0;
		for (i = 0; i < TA_DRIFT_BUCKETS; i++) {
			if (!d->b[i].count || d->b[i].start_s <= oldest)
				continue;
			d->net = ta_add_sat(d->net, d->b[i].sum);
			d->count += d->b[i].count;
		}
		if (!d->count || now_s - d->fired_s >= (s64)window_s)
			d->level = 0;
		d->summed = true;
		d->summed_s = now_s;
		d->summed_window = window_s;
	}
	d->b[d->cur].sum = ta_add_sat(d->b[d->cur].sum, delta);
	d->b[d->cur].count++;
	d->net = ta_add_sat(d->net, delta);
	d->count++;
	r->net = d->net;
	r->count = d->count;

	mag = ta_abs64(r->net);
	if (mag < max(d->level, budget))
		return false;
	/* The next record when the net has doubled again (saturated). */
	d->level = mag > U64_MAX / 2 ? U64_MAX : 2 * mag;
	d->fired_s = now_s;
	return true;
}
NOKPROBE_SYMBOL(ta_drift_add);

/*
 * How far small frequency changes may go from the mark (0: not judged).
 * pll_threshold_ppb 0 is "every move on its own": with the freq class
 * off, as drift records.
 */
u64 ta_pll_budget(const struct ta_config *cfg)
{
	if (!(cfg->classes & BIT(TIMEAUDIT_CLASS_DRIFT)))
		return 0;
	if (!cfg->pll_threshold_ppb &&
	    !(cfg->classes & BIT(TIMEAUDIT_CLASS_FREQ)))
		return 1;
	return cfg->pll_threshold_ppb;
}
NOKPROBE_SYMBOL(ta_pll_budget);

/*
 * A change of the frequency @in, @recorded on its own or not: returns
 * true when the frequency is now @budget or more away from the one last
 * on record (the one before the first change seen, at first), and takes
 * the new one as on record. So no walk in small changes, through the
 * PLL, by hand or both, slow or fast, gets further than @budget away
 * unrecorded. @budget 0: every PLL move is recorded on its own.
 */
bool ta_freq_excursion(struct ta_freq_ref *r, const struct ta_drift_input *in,
		       bool recorded, u64 budget, struct ta_drift_result *res)
{
	if (!in->freq_seen)
		return false;
	if (!r->known) {
		r->known = true;
		r->ppb = in->freq_old_ppb;
		r->count = 0;
	}
	if (recorded || !budget) {
		r->ppb = in->freq_new_ppb;
		r->count = 0;
		return false;
	}
	r->count++;
	if (ta_abs_diff(in->freq_new_ppb, r->ppb) < budget)
		return false;
	res->net = ta_sub_sat(in->freq_new_ppb, r->ppb);
	res->count = r->count;
	r->ppb = in->freq_new_ppb;
	r->count = 0;
	return true;
}
NOKPROBE_SYMBOL(ta_freq_excursion);

bool ta_rate_take(struct ta_rate *r, u64 now_ns, u64 rate)
{
	u64 cap = rate * NSEC_PER_SEC;

	if (!rate)
		return true;
	if (!r->last_ns) {
		r->tokens = cap;
	} else if (now_ns > r->last_ns) {
		/* A full bucket needs at most a second: no overflow. */
		u64 dt = min_t(u64, now_ns - r->last_ns, NSEC_PER_SEC);

		r->tokens = min(cap, r->tokens + dt * rate);
	}
	r->last_ns = now_ns;
	if (r->tokens < NSEC_PER_SEC)
		return false;
	r->tokens -= NSEC_PER_SEC;
	return true;
}
NOKPROBE_SYMBOL(ta_rate_take);

/*
 * A step at least @exempt_ns large is written on its own whatever the
 * rate: a flood of small steps cannot fold a big one into a summary.
 */
bool ta_rate_exempt(const struct ta_event *ev, enum ta_item item,
		    u64 exempt_ns)
{
	if (ev->result < 0)
		return false;	/* a refusal changed nothing */
	/* A step that disarmed a leap second: never folded into a summary. */
	if (item == TA_ITEM_STEP)
		return ev->ntp_cleared || ta_abs64(ev->step_ns) >= exempt_ns;
	if (item == TA_ITEM_PHC_STEP && !ev->phc.settime)
		return ta_abs64(ev->phc.offset_ns) >= exempt_ns;
	/*
	 * 6.17 to 7.2 let anyone set an enabled aux clock: only a caller
	 * with CAP_SYS_TIME is exempt, or nobody could flood the log.
	 */
	if (item == TA_ITEM_AUX_STEP)
		return ev->aux.may_set_time &&
		       ta_abs64(ev->aux.step_ns) >= exempt_ns;
	return false;
}
NOKPROBE_SYMBOL(ta_rate_exempt);

/* Unit of ta_rate_magnitude() for the items of each class. */
const char *ta_rate_unit(enum timeaudit_class class)
{
	switch (class) {
	case TIMEAUDIT_CLASS_FREQ:
		return "ppb";
	case TIMEAUDIT_CLASS_TICK:
		return "us";
	case TIMEAUDIT_CLASS_TAI:
		return "s";
	case TIMEAUDIT_CLASS_TZ:
		return "min";
	case TIMEAUDIT_CLASS_STATUS:
		return "flags";
	default:
		return "ns";
	}
}

static u64 ta_us_to_ns_sat(s64 us)
{
	u64 ns;

	if (check_mul_overflow(ta_abs64(us), (u64)NSEC_PER_USEC, &ns))
		return U64_MAX;
	return ns;
}
NOKPROBE_SYMBOL(ta_us_to_ns_sat);

/* The NTP value behind each NTP item, for ta_rate_magnitude(). */
static const s8 ta_item_ntp[TA_ITEM_COUNT] = {
	[TA_ITEM_STEP] = -1, [TA_ITEM_OFFSET] = TA_NTP_OFFSET,
	[TA_ITEM_ADJUST] = TA_NTP_ADJUST, [TA_ITEM_FREQ] = TA_NTP_FREQ,
	[TA_ITEM_STATUS] = TA_NTP_STATUS, [TA_ITEM_TAI] = TA_NTP_TAI,
	[TA_ITEM_TICK] = TA_NTP_TICK, [TA_ITEM_DENIED] = -1,
	[TA_ITEM_RTC] = -1, [TA_ITEM_TZ] = -1, [TA_ITEM_PHC_STEP] = -1,
	[TA_ITEM_PHC_FREQ] = -1, [TA_ITEM_AUX_STEP] = -1,
	[TA_ITEM_AUX_FREQ] = -1, [TA_ITEM_AUX_STATE] = -1,
	[TA_ITEM_AUX_SLEW] = -1, [TA_ITEM_AUX_STATUS] = -1,
	[TA_ITEM_AUX_TICK] = -1,
};

/*
 * How large the change an item held back by the rate limit was, in the
 * unit of its class (ta_rate_unit()): what the summary adds up and keeps
 * the largest of. A refusal changed nothing (0); a PTP frequency change
 * counts 0 in a class measured in ns; status counts the flags changed.
 */
u64 ta_rate_magnitude(const struct ta_event *ev, enum ta_item item)
{
	const struct ta_ntp_val *v = NULL;

	if (item < TA_ITEM_COUNT && ta_item_ntp[item] >= 0)
		v = &ev->ntp[ta_item_ntp[item]];
	switch (item) {
	case TA_ITEM_STEP:
		return ta_abs64(ev->step_ns);
	case TA_ITEM_OFFSET:
		return ta_abs64(ta_offset_to_ns(v->new, HZ));
	case TA_ITEM_ADJUST:
		return ta_us_to_ns_sat(v->new);
	case TA_ITEM_FREQ:
		return ta_abs64(ta_freq_to_ppb(v->new) - ta_freq_to_ppb(v->old));
	case TA_ITEM_STATUS:
		return hweight64(v->old ^ v->new);
	case TA_ITEM_TAI:
	case TA_ITEM_TICK:
		return ta_abs64(v->new - v->old);
	case TA_ITEM_RTC:
		return ta_abs64(ev->rtc.new_ns - (ev->rtc.old_known ?
						  ev->rtc.old_ns :
						  ev->real_before_ns));
	case TA_ITEM_TZ:
		return ta_abs64((s64)ev->tz.new_minuteswest -
				ev->tz.old_minuteswest);
	case TA_ITEM_PHC_STEP:
		return ta_abs64(ev->phc.settime ?
				ev->phc.new_ns - ev->real_before_ns :
				ev->phc.offset_ns);
	case TA_ITEM_AUX_STEP:
		return ta_abs64(ev->aux.step_ns);
	case TA_ITEM_AUX_SLEW:	/* adjtime() or the PLL, never both */
		if (ev->ntp_valid & BIT(TA_NTP_ADJUST))
			return ta_us_to_ns_sat(ev->ntp[TA_NTP_ADJUST].new);
		return ta_abs64(ta_offset_to_ns(ev->ntp[TA_NTP_OFFSET].new,
						HZ));
	default:	/* denied, PTP and aux frequency, aux state and tick */
		return 0;
	}
}
NOKPROBE_SYMBOL(ta_rate_magnitude);


/*
 * Changes too small to be recorded on their own feed the drift windows;
 * one recorded on its own restarts its window, so drift never repeats it.
 */
void ta_policy_drift_input(const struct ta_event *ev,
			   const struct ta_decision *d,
			   struct ta_drift_input *in)
{
	const u32 time_items = BIT(TA_ITEM_STEP) | BIT(TA_ITEM_ADJUST) |
			       BIT(TA_ITEM_OFFSET);
	u32 quiet = d->seen & ~d->emit;

	*in = (struct ta_drift_input){};
	/* A refused call (ntp_cleared=1, say) neither adds nor starts over. */
	if (ev->result < 0)
		return;
	in->reset_time = d->emit & time_items;
	in->time = quiet & time_items;
	if (quiet & BIT(TA_ITEM_STEP))
		in->time_ns = d->val[TA_ITEM_STEP].new;
	if (quiet & BIT(TA_ITEM_ADJUST))
		in->time_ns = ta_add_sat(in->time_ns,
					 d->val[TA_ITEM_ADJUST].new);
	if (quiet & BIT(TA_ITEM_OFFSET))
		in->time_ns = ta_add_sat(in->time_ns,
					 d->val[TA_ITEM_OFFSET].new);
	in->reset_freq = d->emit & BIT(TA_ITEM_FREQ);
	if (!(d->seen & BIT(TA_ITEM_FREQ)))
		return;
	in->freq_seen = true;
	in->freq_old_ppb = d->val[TA_ITEM_FREQ].old;
	in->freq_new_ppb = d->val[TA_ITEM_FREQ].new;
	/*
	 * Small changes the caller set add up in the frequency window; the
	 * kernel PLL's moves are judged by how far they took the frequency
	 * from the one last on record (ta_freq_excursion()).
	 */
	if ((quiet & BIT(TA_ITEM_FREQ)) && (ev->modes & ADJ_FREQUENCY)) {
		in->freq = true;
		in->freq_ppb = in->freq_new_ppb - in->freq_old_ppb;
	}
}
NOKPROBE_SYMBOL(ta_policy_drift_input);
