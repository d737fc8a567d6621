// SPDX-License-Identifier: GPL-2.0
/*
 * Every tunable is a module parameter with the same name at insmod time
 * and under /sys/module/timeaudit/parameters. Writers are serialised by a
 * mutex and publish a whole new config through an RCU pointer, so a probe
 * handler sees one consistent config and never waits for anything (a
 * seqlock_t reader may take the writer's lock on PREEMPT_RT).
 */
#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include "config.h"
#include "format.h"
#include "record.h"

struct ta_config_box {
	struct rcu_head rcu;
	struct ta_config cfg;
};

static DEFINE_MUTEX(ta_config_mutex);
static bool ta_pinned;	/* locked: we hold a reference on ourselves */
static bool ta_config_closed;	/* module exit: no new box to leak */

/*
 * The config in force. It starts as the static box, which insmod's
 * arguments edit in place (nothing reads it before init); every later
 * write publishes a new allocated box and frees the old after a grace
 * period.
 */
static struct ta_config_box ta_config_initial = { .cfg = TA_CONFIG_DEFAULTS };
static struct ta_config_box __rcu *ta_config_cur =
	RCU_INITIALIZER(&ta_config_initial);

/* Any context, probe handlers included: never waits. */
void ta_config_get(struct ta_config *out)
{
	rcu_read_lock();
	*out = rcu_dereference(ta_config_cur)->cfg;
	rcu_read_unlock();
}
NOKPROBE_SYMBOL(ta_config_get);

/*
 * Probe context: the config in force, read in place (no copy). A probe
 * handler runs with preemption off, which is an RCU read-side section
 * for the kfree_rcu() that retires an old config (one RCU since 4.20,
 * PREEMPT_RT included): no rcu_read_lock() of its own.
 */
const struct ta_config *ta_config_probe(void)
{
	return &rcu_dereference_sched(ta_config_cur)->cfg;
}
NOKPROBE_SYMBOL(ta_config_probe);

bool ta_config_locked(void)
{
	bool locked;

	rcu_read_lock();
	locked = rcu_dereference(ta_config_cur)->cfg.locked;
	rcu_read_unlock();
	return locked;
}
NOKPROBE_SYMBOL(ta_config_locked);

static struct ta_config_box *ta_config_held(void)
{
	return rcu_dereference_protected(ta_config_cur,
					 lockdep_is_held(&ta_config_mutex));
}

/* Writers hold the mutex. The boxes are never changed once published. */
static int ta_config_publish(const struct ta_config *next, bool runtime)
{
	struct ta_config_box *old = ta_config_held(), *box;

	if (!runtime) {
		/* insmod arguments: no reader yet, no allocation to leak. */
		old->cfg = *next;
		return 0;
	}
	if (ta_config_closed)
		return -EBUSY;
	box = kmalloc(sizeof(*box), GFP_KERNEL);
	if (!box)
		return -ENOMEM;
	box->cfg = *next;
	rcu_assign_pointer(ta_config_cur, box);
	if (old != &ta_config_initial)
		kfree_rcu(old, rcu);
	return 0;
}

enum ta_param_kind { TA_P_U64, TA_P_MASK, TA_P_CLASSES, TA_P_KEY,
		     TA_P_LOCKED };

struct ta_param {
	const char *name;
	enum ta_param_kind kind;
	size_t offset;			/* TA_P_U64: its u64 in ta_config */
	u64 min, max;
	const char *expect;		/* unit, or what else is accepted */
};

static u64 *ta_param_u64(const struct ta_param *p, struct ta_config *cfg)
{
	return (u64 *)((char *)cfg + p->offset);
}

static void ta_param_format(const struct ta_param *p,
			    const struct ta_config *cfg, char *buf, size_t len)
{
	switch (p->kind) {
	case TA_P_U64:
		scnprintf(buf, len, "%llu",
			  *ta_param_u64(p, (struct ta_config *)cfg));
		break;
	case TA_P_MASK:
		scnprintf(buf, len, "0x%04x", cfg->status_mask);
		break;
	case TA_P_CLASSES:
		ta_format_classes(buf, len, cfg->classes);
		break;
	case TA_P_KEY:
		strscpy(buf, cfg->key, len);
		break;
	case TA_P_LOCKED:
		scnprintf(buf, len, "%d", cfg->locked);
		break;
	}
}

static int ta_param_parse(const struct ta_param *p, const char *val,
			  struct ta_config *cfg)
{
	u64 v;
	int err;

	switch (p->kind) {
	case TA_P_U64:
		err = ta_parse_u64(val, false, p->max, &v);
		if (!err && v < p->min)
			err = -EINVAL;
		if (!err)
			*ta_param_u64(p, cfg) = v;
		return err;
	case TA_P_MASK:
		err = ta_parse_u64(val, true, p->max, &v);
		if (!err)
			cfg->status_mask = v;
		return err;
	case TA_P_CLASSES:
		return ta_parse_classes(val, &cfg->classes);
	case TA_P_KEY:
		return ta_parse_key(val, cfg->key, sizeof(cfg->key));
	case TA_P_LOCKED:
		err = ta_parse_u64(val, false, 1, &v);
		if (!err)
			cfg->locked = v;
		return err;
	}
	return -EINVAL;
}

/*
 * insmod arguments are parsed before the module has a sysfs directory.
 * Once it has one, which is before its init even starts, a write comes
 * from sysfs: it needs CAP_AUDIT_CONTROL, obeys the lock and is audited.
 * No interface tells the two apart (the same .set is called, in state
 * MODULE_STATE_COMING, by the same lock): a flag set by our init would
 * leave sysfs writes between mod_sysfs_setup() and init unchecked, so
 * the module's kobject says whether it is in sysfs yet.
 */
static bool ta_param_runtime(void)
{
	return THIS_MODULE->mkobj.kobj.state_in_sysfs;
}

/* Locked until reboot: the reference makes rmmod fail. */
static void ta_pin(void)
{
	lockdep_assert_held(&ta_config_mutex);
	if (!ta_pinned) {
		__module_get(THIS_MODULE);
		ta_pinned = true;
	}
}

static int ta_param_set(const char *val, const struct kernel_param *kp)
{
	const struct ta_param *p = kp->arg;
	bool runtime = ta_param_runtime();
	char old[TA_FLAGS_BUF];
	struct ta_config next;
	int err;

	mutex_lock(&ta_config_mutex);
	next = ta_config_held()->cfg;
	ta_param_format(p, &next, old, sizeof(old));

	if (runtime && !capable(CAP_AUDIT_CONTROL))
		err = -EPERM;
	else if (runtime && next.locked)
		err = -EPERM;
	else
		err = ta_param_parse(p, val, &next);

	if (!err)
		err = ta_config_publish(&next, runtime);
	if (!err) {
		if (runtime && next.locked)
			ta_pin();
	} else {
		/*
		 * A failed parse may have left half a value in next (a key
		 * is copied before it is checked): the record of the refusal
		 * must carry the config in force, never the rejected one.
		 */
		next = ta_config_held()->cfg;
	}

	if (runtime) {
		ta_record_config(TIMEAUDIT_OP_SET, p->name, old, val, err,
				 &next, GFP_KERNEL);
	} else if (err) {
		if (p->kind == TA_P_U64)
			pr_err("invalid %s=%.64s: expected an integer from %llu to %llu (%s)\n",
			       p->name, val, p->min, p->max, p->expect);
		else
			pr_err("invalid %s=%.64s: expected %s\n", p->name, val,
			       p->expect);
		ta_record_config(TIMEAUDIT_OP_LOAD, p->name, NULL, val, err,
				 &next, GFP_KERNEL);
	}
	mutex_unlock(&ta_config_mutex);
	return err;
}

static int ta_param_get(char *buf, const struct kernel_param *kp)
{
	struct ta_config cfg;
	int n;

	ta_config_get(&cfg);
	ta_param_format(kp->arg, &cfg, buf, PAGE_SIZE - 1);
	n = strlen(buf);
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static const struct kernel_param_ops ta_param_ops = {
	.set = ta_param_set,
	.get = ta_param_get,
};

#define TA_U64(_var, _field, _min, _max, _unit)				\
	static struct ta_param ta_param_##_var = {			\
		.name = __stringify(_var), .kind = TA_P_U64,		\
		.offset = offsetof(struct ta_config, _field),		\
		.min = (_min), .max = (_max), .expect = (_unit),	\
	};								\
	module_param_cb(_var, &ta_param_ops, &ta_param_##_var, 0644)

TA_U64(step_threshold_ns, threshold[TIMEAUDIT_CLASS_STEP], 0,
	TIMEAUDIT_MAX_STEP_NS, "ns");
MODULE_PARM_DESC(step_threshold_ns, "Smallest clock step recorded, ns (default 1000000 = 1 ms; 0 records every step)");
TA_U64(slew_threshold_ns, threshold[TIMEAUDIT_CLASS_SLEW], 0,
	TIMEAUDIT_MAX_SLEW_NS, "ns");
MODULE_PARM_DESC(slew_threshold_ns, "Smallest offset slew recorded, ns (default 128000000 = 128 ms)");
TA_U64(freq_threshold_ppb, threshold[TIMEAUDIT_CLASS_FREQ], 0,
	TIMEAUDIT_MAX_FREQ_PPB, "ppb");
MODULE_PARM_DESC(freq_threshold_ppb, "Smallest frequency change recorded, ppb (default 10000 = 10 ppm)");
TA_U64(pll_threshold_ppb, pll_threshold_ppb, 0, TIMEAUDIT_MAX_PLL_PPB, "ppb");
MODULE_PARM_DESC(pll_threshold_ppb, "Smallest frequency move of the kernel PLL recorded, alone or as the distance small frequency changes took it from the frequency last on record, ppb (default 50000 = 50 ppm)");
TA_U64(tick_threshold_us, threshold[TIMEAUDIT_CLASS_TICK], 0,
	TIMEAUDIT_MAX_TICK_US, "us");
MODULE_PARM_DESC(tick_threshold_us, "Smallest tick length change recorded, us (default 1)");
TA_U64(tai_threshold_s, threshold[TIMEAUDIT_CLASS_TAI], 0,
	TIMEAUDIT_MAX_TAI_S, "s");
MODULE_PARM_DESC(tai_threshold_s, "Smallest TAI offset change recorded, s (default 1)");
TA_U64(rtc_threshold_ns, threshold[TIMEAUDIT_CLASS_RTC], 0,
	TIMEAUDIT_MAX_RTC_NS, "ns");
MODULE_PARM_DESC(rtc_threshold_ns, "Smallest change of a hardware clock recorded, ns (default 1000000000 = 1 s)");
TA_U64(drift_window_s, drift_window_s, 1, TIMEAUDIT_MAX_WINDOW_S, "s");
MODULE_PARM_DESC(drift_window_s, "Window over which small steps and slews add up, s (default 600)");
TA_U64(drift_budget_ns, drift_budget_ns, 1, TIMEAUDIT_MAX_DRIFT_BUDGET_NS,
	"ns");
MODULE_PARM_DESC(drift_budget_ns, "Net of small steps and slews within the window that is recorded, ns (default 100000000 = 100 ms)");
TA_U64(freq_drift_window_s, freq_drift_window_s, 1, TIMEAUDIT_MAX_WINDOW_S,
	"s");
MODULE_PARM_DESC(freq_drift_window_s, "Window over which small frequency changes add up, s (default 21600 = 6 h)");
TA_U64(freq_drift_budget_ppb, freq_drift_budget_ppb, 1,
	TIMEAUDIT_MAX_FDRIFT_BUDGET_PPB, "ppb");
MODULE_PARM_DESC(freq_drift_budget_ppb, "Net of small frequency changes within the window that is recorded, ppb (default 5000 = 5 ppm)");
TA_U64(rate_limit, rate_limit, 0, TIMEAUDIT_MAX_RATE, "records/s, 0: none");
MODULE_PARM_DESC(rate_limit, "Records per second of each class before the rest are summarised, 0 for no limit (default 20)");
TA_U64(ratelimit_exempt_ns, ratelimit_exempt_ns, 0,
	TIMEAUDIT_MAX_RATE_EXEMPT_NS, "ns, 0: every step");
MODULE_PARM_DESC(ratelimit_exempt_ns, "Steps at least this large are recorded whatever the rate limit, ns (default 1000000000 = 1 s; 0: every step)");

static struct ta_param ta_param_status_mask = {
	.name = TIMEAUDIT_PARAM_STATUS, .kind = TA_P_MASK,
	.max = TIMEAUDIT_MAX_STATUS_MASK,
	.expect = "STA_* bits, decimal or 0x hex, at most 0xffff",
};
module_param_cb(status_mask, &ta_param_ops, &ta_param_status_mask, 0644);
MODULE_PARM_DESC(status_mask, "STA_* flags whose change is recorded (default 0x0030 = STA_INS|STA_DEL)");

static struct ta_param ta_param_classes = {
	.name = TIMEAUDIT_PARAM_CLASSES, .kind = TA_P_CLASSES,
	.expect = "a comma list of step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux, or all, or none",
};
module_param_cb(classes, &ta_param_ops, &ta_param_classes, 0644);
MODULE_PARM_DESC(classes, "Classes recorded, comma list (default all)");

static struct ta_param ta_param_key = {
	.name = TIMEAUDIT_PARAM_KEY, .kind = TA_P_KEY,
	.expect = "at most 31 characters from A-Z a-z 0-9 . _ : -",
};
module_param_cb(key, &ta_param_ops, &ta_param_key, 0644);
MODULE_PARM_DESC(key, "Audit key of every record (default time-change; empty for none)");

static struct ta_param ta_param_locked = {
	.name = TIMEAUDIT_PARAM_LOCKED, .kind = TA_P_LOCKED, .max = 1,
	.expect = "0 or 1",
};
module_param_cb(locked, &ta_param_ops, &ta_param_locked, 0644);
MODULE_PARM_DESC(locked, "1: parameters read-only and module pinned until reboot");

TA_U64(witness_interval_ms, witness_interval_ms, TIMEAUDIT_MIN_WITNESS_MS,
	TIMEAUDIT_MAX_WITNESS_MS, "ms");
MODULE_PARM_DESC(witness_interval_ms, "How often the witness compares the clock with the steps the probes saw and checks that they fire, ms (default 1000; 100 to 60000, it cannot be turned off)");
TA_U64(heartbeat_s, heartbeat_s, 0, TIMEAUDIT_MAX_HEARTBEAT_S, "s, 0: off");
MODULE_PARM_DESC(heartbeat_s, "Period of the heartbeat record, s (default 3600; 0 for none; at most 604800)");

/* Called once init has succeeded: insmod's locked=1 pins us from now on. */
void ta_config_start(void)
{
	mutex_lock(&ta_config_mutex);
	if (ta_config_held()->cfg.locked)
		ta_pin();
	mutex_unlock(&ta_config_mutex);
}

/* After the probes are gone: nobody reads the config any more. */
void ta_config_exit(void)
{
	struct ta_config_box *box;

	mutex_lock(&ta_config_mutex);
	box = ta_config_held();
	ta_config_initial.cfg = box->cfg;	/* the unload record's config */
	RCU_INIT_POINTER(ta_config_cur, &ta_config_initial);
	ta_config_closed = true;
	mutex_unlock(&ta_config_mutex);
	if (box != &ta_config_initial)
		kfree_rcu(box, rcu);
}
