// SPDX-License-Identifier: GPL-2.0
/*
 * The one place with state across events: the drift windows, the rate
 * limits and the summary of what they held back. It is small and guarded
 * by a raw spinlock, since events arrive in probe context, where nothing
 * may sleep on PREEMPT_RT: the records themselves are written later, in
 * task context (defer.c). Nothing is dropped silently: a record over the
 * rate, lost by audit or by a full pool, and a missed probe, are counted
 * and told by a summary record written a second later from a worker.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/kprobes.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "config.h"
#include "counters.h"
#include "defer.h"
#include "event.h"
#include "probes.h"
#include "record.h"
#include "witness.h"

static DEFINE_RAW_SPINLOCK(ta_state_lock);
static struct ta_drift ta_time_drift, ta_freq_drift;
static struct ta_freq_ref ta_freq_ref;
static struct ta_rate ta_rate[TIMEAUDIT_CLASS_COUNT];	/* one per class */
static struct ta_summary ta_summary;	/* guarded by ta_state_lock */

/* Losses and misses already told by a summary; the summary worker's. */
static u64 ta_told_lost, ta_told_missed;
static u64 ta_missed_seen;	/* the witness's worker only */
static bool ta_summary_off;	/* module exit: no more summaries queued */

static void ta_summary_work(struct work_struct *work)
{
	static struct ta_summary sum;	/* one worker at a time */
	struct ta_config cfg;
	unsigned long flags;
	bool held = false;
	int c;

	raw_spin_lock_irqsave(&ta_state_lock, flags);
	sum = ta_summary;
	memset(&ta_summary, 0, sizeof(ta_summary));
	raw_spin_unlock_irqrestore(&ta_state_lock, flags);
	for (c = 0; c < TIMEAUDIT_CLASS_COUNT; c++)
		held |= sum.cls[c].count != 0;
	sum.lost = ta_counter_read(TA_CNT_LOST);
	sum.missed = ta_probes_missed();
	if (!held && sum.lost == ta_told_lost && sum.missed == ta_told_missed)
		return;
	ta_config_get(&cfg);
	/*
	 * A summary lost itself is counted, but does not make the next
	 * one: with an exclude rule on its type that would never end.
	 */
	ta_told_lost = sum.lost + ta_record_summary(&sum, &cfg);
	ta_told_missed = sum.missed;
}

static DECLARE_DELAYED_WORK(ta_summary_dwork, ta_summary_work);

/* Any context: a summary within a second. */
static void ta_summary_soon(void)
{
	/* Under RCU: ta_event_exit() waits for us between flag and cancel. */
	rcu_read_lock();
	if (!READ_ONCE(ta_summary_off))
		schedule_delayed_work(&ta_summary_dwork, HZ);
	rcu_read_unlock();
}
NOKPROBE_SYMBOL(ta_summary_soon);

/* A record was lost (audit refused it, or no slot was free). */
void ta_event_loss(void)
{
	ta_summary_soon();
}
NOKPROBE_SYMBOL(ta_event_loss);

/* Caller holds ta_state_lock. */
static void ta_hold_back(const struct ta_event *ev, enum ta_item item,
			 const struct ta_actor *who)
{
	struct ta_held *h = &ta_summary.cls[ta_item_class(item)];
	u64 mag = ta_rate_magnitude(ev, item);
	s64 now = ktime_get_real_ns();

	if (!ta_summary.first_ns)
		ta_summary.first_ns = now;
	if (!h->count || mag > h->max_abs) {
		h->max_abs = mag;
		h->max_time_ns = now;
		h->max_who = *who;
	}
	h->count++;
	h->sum_abs = h->sum_abs + mag < mag ? U64_MAX : h->sum_abs + mag;
	if (item == TA_ITEM_STEP)
		h->net_ns = ta_add_sat(h->net_ns, ev->step_ns);
	ta_count(TA_CNT_RATELIMITED);
}
NOKPROBE_SYMBOL(ta_hold_back);

/*
 * Every witness_interval_ms, from the witness's worker: a probe that
 * missed a call is told by a summary, like a loss. Not on every event:
 * a missed call makes none.
 */
void ta_event_tick(void)
{
	u64 missed = ta_probes_missed();

	if (missed != ta_missed_seen) {
		ta_missed_seen = missed;
		ta_summary_soon();
	}
}

/* Probe context: an event's records, written later, and its drift. */
void ta_handle_event(const struct ta_event *ev)
{
	const struct ta_config *cfg = ta_config_probe();
	bool time_fire = false, freq_fire = false, pll_fire = false;
	bool held = false;
	/*
	 * On every call, so not zeroed (INIT_STACK_ALL_ZERO): the decision
	 * is filled item by item and read only for the items marked, the
	 * rest whole by their functions, each read only when it was.
	 */
	struct ta_drift_result time_res __uninitialized;
	struct ta_drift_result freq_res __uninitialized;
	struct ta_drift_result pll_res __uninitialized;
	struct ta_decision d __uninitialized;
	struct ta_drift_input in __uninitialized;
	struct ta_actor who __uninitialized;
	struct ta_pending *p;
	unsigned long flags, seen;
	u64 now_ns = 0;
	u32 emit = 0;
	s64 now_s;
	int item;

	/* A step on record, or on its way there: not the witness's to tell. */
	if (ev->result >= 0 && ev->step_ns && ev->path != TA_PATH_PHC)
		ta_witness_explain(ev->step_ns);
	ta_policy_decide(ev, cfg, &d);
	seen = d.seen;
	for_each_set_bit(item, &seen, TA_ITEM_COUNT) {
		ta_count(TA_CNT_EVENTS + ta_item_class(item));
		if (!(d.emit & BIT(item)))
			ta_count(TA_CNT_SUPPRESSED);
	}
	ta_policy_drift_input(ev, &d, &in);
	if (!d.emit && !in.time && !in.freq_seen && !in.reset_time &&
	    !in.reset_freq)
		return;
	/*
	 * Who did it and when, for the items to write and their rate limit;
	 * drift mostly adds up quietly, in buckets of seconds.
	 */
	if (d.emit) {
		ta_actor_get(&who);
		now_ns = ktime_get_mono_fast_ns();
	}
	now_s = ktime_get_seconds();

	raw_spin_lock_irqsave(&ta_state_lock, flags);
	if (in.reset_time)
		ta_drift_reset(&ta_time_drift);
	if (in.reset_freq)
		ta_drift_reset(&ta_freq_drift);
	if (in.time && (cfg->classes & BIT(TIMEAUDIT_CLASS_DRIFT)))
		time_fire = ta_drift_add(&ta_time_drift, now_s, in.time_ns,
					 cfg->drift_window_s,
					 cfg->drift_budget_ns, &time_res);
	if (in.freq && (cfg->classes & BIT(TIMEAUDIT_CLASS_DRIFT)))
		freq_fire = ta_drift_add(&ta_freq_drift, now_s, in.freq_ppb,
					 cfg->freq_drift_window_s,
					 cfg->freq_drift_budget_ppb, &freq_res);
	seen = d.emit;
	for_each_set_bit(item, &seen, TA_ITEM_COUNT) {
		if (ta_rate_exempt(ev, item, cfg->ratelimit_exempt_ns) ||
		    ta_rate_take(&ta_rate[ta_item_class(item)], now_ns,
				 cfg->rate_limit)) {
			emit |= BIT(item);
		} else {
			ta_hold_back(ev, item, &who);
			held = true;
		}
	}
	/* A frequency written out, alone (not held back) or as drift. */
	if (in.freq_seen)
		pll_fire = ta_freq_excursion(&ta_freq_ref, &in,
					     (emit & BIT(TA_ITEM_FREQ)) ||
					     freq_fire, ta_pll_budget(cfg),
					     &pll_res);
	if (pll_fire)	/* the caller's small changes are in it too */
		ta_drift_reset(&ta_freq_drift);
	raw_spin_unlock_irqrestore(&ta_state_lock, flags);

	if (held)
		ta_summary_soon();
	if (time_fire)
		ta_count(TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT);
	if (freq_fire)
		ta_count(TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT);
	if (pll_fire)
		ta_count(TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT);
	if (!emit && !time_fire && !freq_fire && !pll_fire)
		return;
	if (!d.emit)
		ta_actor_get(&who);
	p = ta_defer_claim(emit == BIT(TA_ITEM_DENIED) && !time_fire &&
			   !freq_fire && !pll_fire);
	if (!p) {
		/* Each record this event would have written is lost. */
		for (item = hweight32(emit) + time_fire + freq_fire + pll_fire;
		     item; item--)
			ta_count(TA_CNT_LOST);
		/* A step off the record is not explained: the witness tells it. */
		if (emit & BIT(TA_ITEM_STEP))
			ta_witness_explain(-ev->step_ns);
		ta_event_loss();
		return;
	}
	p->ev = *ev;
	p->d = d;
	p->emit = emit;
	p->time_drift = time_fire;
	p->freq_drift = freq_fire;
	p->pll_drift = pll_fire;
	p->pll_res = pll_res;
	p->time_res = time_res;
	p->freq_res = freq_res;
	p->who = who;
	ta_defer_submit(p);
}
NOKPROBE_SYMBOL(ta_handle_event);

/*
 * After the probes are gone and the pending records are written: write
 * what the rate limit still holds, and queue no summary any more.
 */
void ta_event_exit(void)
{
	WRITE_ONCE(ta_summary_off, true);
	synchronize_rcu();
	cancel_delayed_work_sync(&ta_summary_dwork);
	ta_summary_work(NULL);
}
