// SPDX-License-Identifier: GPL-2.0
/*
 * Auxiliary clocks (CLOCK_AUX + n, Linux 6.17+ with CONFIG_POSIX_AUX_CLOCKS).
 * clock_settime() and clock_adjtime() on them reach aux_clock_set() and
 * aux_clock_adj(), past do_settimeofday64(), do_adjtimex() and the LSM
 * hook; a write to /sys/kernel/time/aux_clocks/N/aux_clock_enable reaches
 * aux_clock_enable_store(). Their own kretprobes, registered only where
 * the kernel has them: elsewhere the module loads all the same and names
 * the class in the read-only parameter unavailable_classes.
 *
 * Unlike a PTP clock, an aux clock can be read from a probe (a seqcount
 * on a raw spinlock, lockless for readers on PREEMPT_RT too): a step is
 * measured as the change of aux - CLOCK_MONOTONIC around the call.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>

#include "compat.h"
#include "event.h"
#include "inflight.h"
#include "probes.h"

static bool ta_aux_available;

#ifdef TA_HAVE_AUX_CLOCKS

struct ta_aux_data {
	struct ta_inflight *slot;	/* aux_clock_adj: the NTP values */
	const struct __kernel_timex *txc;
	clockid_t id;
	u32 modes;
	s64 adjust;		/* adjtime(): the new time_adjust, us */
	bool may_set_time;
	bool old_known, want;
	s64 old_ns, mono_before, new_ns, offset_ns, real_before;
};

/* The clock's time, and CLOCK_MONOTONIC read right after it. */
static bool ta_aux_read(clockid_t id, s64 *aux_ns, s64 *mono_ns)
{
	ktime_t kt;

	if (!ktime_get_aux(id, &kt))
		return false;
	*mono_ns = ktime_get_ns();
	*aux_ns = ktime_to_ns(kt);
	return true;
}
NOKPROBE_SYMBOL(ta_aux_read);

static void ta_aux_begin(struct ta_aux_data *d, clockid_t id)
{
	d->id = id;
	d->may_set_time = ta_may_set_time();
	d->real_before = ktime_get_real_ns();
	d->old_known = ta_aux_read(id, &d->old_ns, &d->mono_before);
}
NOKPROBE_SYMBOL(ta_aux_begin);

static void ta_aux_event(struct kretprobe_instance *ri, struct pt_regs *regs,
			 const struct ta_aux_data *d, struct ta_event *ev)
{
	ev->path = TA_PATH_AUX;
	ev->result = (int)regs_return_value(regs);
	ev->modes = d->modes;
	ev->real_before_ns = d->real_before;
	ev->caller = get_kretprobe_retaddr(ri);
	ev->aux.id = d->id - CLOCK_AUX;
	ev->aux.may_set_time = d->may_set_time;
	ev->aux.old_known = d->old_known;
	ev->aux.old_ns = d->old_ns;
	ta_handle_event(ev);
}
NOKPROBE_SYMBOL(ta_aux_event);

/* aux_clock_set(id, tnew): clock_settime(CLOCK_AUX + n, tnew). */
static int ta_aux_set_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;
	const struct timespec64 *ts = (void *)regs_get_kernel_argument(regs, 1);

	d->modes = 0;
	d->new_ns = timespec64_to_ns(ts);
	ta_aux_begin(d, (clockid_t)regs_get_kernel_argument(regs, 0));
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_set_entry);

static int ta_aux_set_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;
	struct ta_event ev = {
		.aux.op = TA_AUX_SET,
		.aux.new_ns = d->new_ns,
	};
	s64 aux, mono;

	/* An int: the upper half of the register is not part of it. */
	if (!(int)regs_return_value(regs) && d->old_known) {
		if (ta_aux_read(d->id, &aux, &mono))
			ev.aux.step_ns = ta_sub_sat(ta_sub_sat(aux, mono),
						    d->old_ns - d->mono_before);
		else	/* disabled meanwhile: what was asked */
			ev.aux.step_ns = ta_sub_sat(d->new_ns, d->old_ns);
	}
	ta_aux_event(ri, regs, d, &ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_set_ret);

/* aux_clock_adj(id, txc): clock_adjtime(CLOCK_AUX + n, txc). */
static int ta_aux_adj_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;

	d->txc = (const void *)regs_get_kernel_argument(regs, 1);
	d->modes = READ_ONCE(d->txc->modes);
	/* Reads change nothing and need no privilege: leave at once. */
	if (!d->modes || !ta_adjtimex_effects(d->modes))
		return 1;
	d->offset_ns = ta_setoffset_ns(d->txc, d->modes);
	d->adjust = d->txc->offset;
	ta_aux_begin(d, (clockid_t)regs_get_kernel_argument(regs, 0));
	/*
	 * The NTP core's old and new values, copied by the probe on it
	 * (probes.c) into a slot of this task; only for a caller the kernel
	 * lets through, so that refusals cannot hold the slots.
	 */
	d->slot = d->may_set_time &&
		  (ta_adjtimex_effects(d->modes) & TA_ADJ_NTP) ?
		  ta_inflight_claim(true) : NULL;
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_adj_entry);

static int ta_aux_adj_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;
	struct ta_event ev = { .aux.op = TA_AUX_ADJ };
	int ret = (int)regs_return_value(regs);	/* an int, as above */

	if (ret >= 0 && (d->modes & ADJ_SETOFFSET))
		ev.aux.step_ns = d->offset_ns;
	/* Its own NTP state's old and new values, as for the system clock. */
	if (d->slot) {
		if (ret >= 0)
			ta_ntp_core_values(&ev, d->slot);
		ta_inflight_release(d->slot);
	}
	if (ret >= 0 && (ta_adjtimex_effects(d->modes) & TA_ADJ_ADJUST))
		ta_adjtime_values(&ev, d->txc, d->adjust);
	ta_aux_event(ri, regs, d, &ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_adj_ret);

/* aux_clock_enable_store(kobj, attr, buf, count): "N" is kobj's name. */
static int ta_aux_enable_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;
	const struct kobject *kobj = (void *)regs_get_kernel_argument(regs, 0);
	const char *buf = (const char *)regs_get_kernel_argument(regs, 2);

	/* Not a boolean: the kernel refuses it with EINVAL, nothing changes. */
	if (kstrtobool(buf, &d->want))
		return 1;
	d->modes = 0;
	/* The kernel's own reading of the name "0".."7". */
	ta_aux_begin(d, CLOCK_AUX + (kobj->name[0] & 0x7));
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_enable_entry);

static int ta_aux_enable_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct ta_aux_data *d = (void *)ri->data;
	struct ta_event ev = {
		.aux.op = TA_AUX_ENABLE,
		.aux.old_on = d->old_known,
		.aux.new_on = d->want,
	};
	s64 aux, mono;

	/* The state it is in now, not the one asked for. */
	if ((long)regs_return_value(regs) >= 0)
		ev.aux.new_on = ta_aux_read(d->id, &aux, &mono);
	ta_aux_event(ri, regs, d, &ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_aux_enable_ret);

static struct kretprobe ta_aux_probes[] = {
	TA_KRETPROBE(TA_AUX_SET_SYM, ta_aux_set_entry, ta_aux_set_ret,
		     sizeof(struct ta_aux_data)),
	TA_KRETPROBE(TA_AUX_ADJ_SYM, ta_aux_adj_entry, ta_aux_adj_ret,
		     sizeof(struct ta_aux_data)),
	TA_KRETPROBE(TA_AUX_ENABLE_SYM, ta_aux_enable_entry,
		     ta_aux_enable_ret, sizeof(struct ta_aux_data)),
};

static const struct ta_probe_set ta_aux_set = TA_PROBE_SET(ta_aux_probes);

void ta_aux_init(void)
{
	const char *failed;
	int err;

	err = ta_probe_set_register(&ta_aux_set, TA_INFLIGHT_SLOTS, &failed);
	if (err) {
		/* A kernel that inlined or renamed it: say so, load. */
		pr_warn("auxiliary clocks not audited: cannot probe %s: error %d\n",
			failed, err);
		return;
	}
	ta_aux_available = true;
}

void ta_aux_exit(void)
{
	if (!ta_aux_available)
		return;
	ta_probe_set_unregister(&ta_aux_set);
	ta_aux_available = false;
}

u64 ta_aux_missed(void)
{
	return ta_aux_available ? ta_probe_set_missed(&ta_aux_set) : 0;
}

#else /* !TA_HAVE_AUX_CLOCKS */

void ta_aux_init(void)
{
	pr_info("auxiliary clocks: not in this kernel, class aux unavailable\n");
}

void ta_aux_exit(void)
{
}

u64 ta_aux_missed(void)
{
	return 0;
}

#endif /* TA_HAVE_AUX_CLOCKS */

/* /sys/module/timeaudit/parameters/unavailable_classes, read-only. */
static int ta_unavailable_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 ta_aux_available ? "none" : "aux");
}

/* A value at insmod: refused (the kernel calls .set without a NULL check). */
static int ta_unavailable_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops ta_unavailable_ops = {
	.set = ta_unavailable_set,
	.get = ta_unavailable_get,
};
module_param_cb(unavailable_classes, &ta_unavailable_ops, NULL, 0444);
MODULE_PARM_DESC(unavailable_classes,
		 "Classes this kernel cannot be audited for (aux: no auxiliary clocks), or none");
