// SPDX-License-Identifier: GPL-2.0
/*
 * The one place with state across events: the drift windows, the rate
 * limit and the summary of what the rate limit held back. It is small
 * and guarded by a raw spinlock, since events arrive in probe context.
 * Nothing is dropped silently: a record over the rate is counted and
 * described by a summary record, written a second later from a worker.
 */
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "config.h"
#include "counters.h"
#include "event.h"
#include "record.h"
#include "witness.h"

static DEFINE_RAW_SPINLOCK(ta_state_lock);
static struct ta_drift ta_time_drift, ta_freq_drift;
static struct ta_rate ta_rate;
static struct ta_summary ta_summary;	/* guarded by ta_state_lock */

static void ta_summary_work(struct work_struct *work)
{
	struct ta_summary sum;
	struct ta_config cfg;
	unsigned long flags;

	raw_spin_lock_irqsave(&ta_state_lock, flags);
	sum = ta_summary;
	memset(&ta_summary, 0, sizeof(ta_summary));
	raw_spin_unlock_irqrestore(&ta_state_lock, flags);
	if (!sum.suppressed)
		return;
	ta_config_get(&cfg);
	ta_record_summary(&sum, &cfg);
}

static DECLARE_DELAYED_WORK(ta_summary_dwork, ta_summary_work);

/* Caller holds ta_state_lock. */
static void ta_hold_back(const struct ta_event *ev, enum ta_item item)
{
	struct ta_summary *s = &ta_summary;

	if (!s->suppressed)
		s->first_ns = ktime_get_real_ns();
	s->suppressed++;
	if (item == TA_ITEM_STEP)
		s->net_step_ns += ev->step_ns;
	else
		s->ntp++;
	s->last_pid = task_tgid_nr(current);
	s->last_uid = from_kuid(&init_user_ns, current_uid());
	s->last_auid = from_kuid(&init_user_ns, audit_get_loginuid(current));
	get_task_comm(s->last_comm, current);
	ta_count(TA_CNT_RATELIMITED);
}

void ta_handle_event(const struct ta_event *ev)
{
	struct ta_drift_result time_res, freq_res;
	bool time_fire = false, freq_fire = false, held = false;
	struct ta_drift_input in;
	struct ta_decision d;
	struct ta_config cfg;
	unsigned long flags;
	u32 emit = 0;
	s64 now_s;
	int item;

	if (ev->result >= 0 && ev->step_ns && ev->path != TA_PATH_PHC)
		ta_witness_explain(ev->step_ns);
	ta_config_get(&cfg);
	ta_policy_decide(ev, &cfg, &d);
	for (item = 0; item < TA_ITEM_COUNT; item++) {
		if (!(d.seen & BIT(item)))
			continue;
		ta_count(TA_CNT_EVENTS + ta_item_class(item));
		if (!(d.emit & BIT(item)))
			ta_count(TA_CNT_SUPPRESSED);
	}
	ta_policy_drift_input(ev, &d, &in);
	now_s = div_s64(ktime_get_mono_fast_ns(), NSEC_PER_SEC);

	raw_spin_lock_irqsave(&ta_state_lock, flags);
	if (in.reset_time)
		ta_drift_reset(&ta_time_drift);
	if (in.reset_freq)
		ta_drift_reset(&ta_freq_drift);
	if (in.time && (cfg.classes & BIT(TIMEAUDIT_CLASS_DRIFT)))
		time_fire = ta_drift_add(&ta_time_drift, now_s, in.time_ns,
					 cfg.drift_window_s,
					 cfg.drift_budget_ns, &time_res);
	if (in.freq && (cfg.classes & BIT(TIMEAUDIT_CLASS_DRIFT)))
		freq_fire = ta_drift_add(&ta_freq_drift, now_s, in.freq_ppb,
					 cfg.freq_drift_window_s,
					 cfg.freq_drift_budget_ppb, &freq_res);
	for (item = 0; item < TA_ITEM_COUNT; item++) {
		if (!(d.emit & BIT(item)))
			continue;
		if (ta_rate_take(&ta_rate, ktime_get_mono_fast_ns(),
				 cfg.rate_limit)) {
			emit |= BIT(item);
		} else {
			ta_hold_back(ev, item);
			held = true;
		}
	}
	raw_spin_unlock_irqrestore(&ta_state_lock, flags);

	if (held)
		schedule_delayed_work(&ta_summary_dwork, HZ);
	if (emit)
		ta_record_event(ev, emit, &cfg);
	if (time_fire) {
		ta_count(TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT);
		ta_record_drift(ev, &time_res, false, &cfg);
	}
	if (freq_fire) {
		ta_count(TA_CNT_EVENTS + TIMEAUDIT_CLASS_DRIFT);
		ta_record_drift(ev, &freq_res, true, &cfg);
	}
}
NOKPROBE_SYMBOL(ta_handle_event);

/* After the probes are gone: write what the rate limit still holds. */
void ta_event_exit(void)
{
	cancel_delayed_work_sync(&ta_summary_dwork);
	ta_summary_work(NULL);
}
