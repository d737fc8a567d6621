// SPDX-License-Identifier: GPL-2.0
/*
 * Registers every subsystem's probes (a missing target fails the load,
 * naming it), adds up their misses, and holds what their handlers
 * share. Handlers run with preemption disabled: no sleeping, no
 * allocation, and nothing but copies inside the NTP core's locked
 * section.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/minmax.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "inflight.h"
#include "lock.h"
#include "probes.h"
#include "witness.h"

/* In the order registered: the NTP core first, the hardware clocks last. */
static const struct ta_probe_set *const ta_probe_sets[] = {
	&ta_adjtimex_probes,
	&ta_settime_probes,
	&ta_rtc_probes,
	&ta_phc_probes,
};

int ta_probe_set_register(const struct ta_probe_set *set, int slots,
			  const char **failed)
{
	unsigned int i;
	int err;

	/* The kernel's default is max(10, 2 * CPUs); calls may sleep inside. */
	for (i = 0; i < set->count; i++) {
		struct kretprobe *rp = &set->rps[i];

		rp->maxactive = max_t(int, slots, 4 * num_possible_cpus());
		err = register_kretprobe(rp);
		if (err) {
			*failed = rp->kp.symbol_name;
			while (i--)
				unregister_kretprobe(&set->rps[i]);
			return err;
		}
	}
	return 0;
}

void ta_probe_set_unregister(const struct ta_probe_set *set)
{
	struct kretprobe *rps[TA_PROBE_SET_MAX];
	unsigned int i;

	/* One grace period for the whole set. */
	for (i = 0; i < set->count; i++)
		rps[i] = &set->rps[i];
	unregister_kretprobes(rps, i);
}

u64 ta_probe_set_missed(const struct ta_probe_set *set)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < set->count; i++)
		n += set->rps[i].nmissed;
	return n;
}

u64 ta_probes_missed(void)
{
	u64 n = ta_inflight_missed();
	int i;

	for (i = 0; i < ARRAY_SIZE(ta_probe_sets); i++)
		n += ta_probe_set_missed(ta_probe_sets[i]);
	return n + ta_lock_missed() + ta_aux_missed();
}

int ta_probes_init(void)
{
	const char *failed = NULL;
	int i, err = 0;

	for (i = 0; i < ARRAY_SIZE(ta_probe_sets); i++) {
		err = ta_probe_set_register(ta_probe_sets[i],
					    TA_INFLIGHT_SLOTS, &failed);
		if (err)
			break;
	}
	if (err) {
		pr_err("cannot probe %s: error %d; is it missing from this kernel (%s)?\n",
		       failed, err, init_utsname()->release);
		while (--i >= 0)
			ta_probe_set_unregister(ta_probe_sets[i]);
		return err;
	}
	ta_aux_init();
	return 0;
}

void ta_probes_exit(void)
{
	int i;

	ta_aux_exit();
	for (i = ARRAY_SIZE(ta_probe_sets) - 1; i >= 0; i--)
		ta_probe_set_unregister(ta_probe_sets[i]);
}

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

static atomic_t ta_steps_open = ATOMIC_INIT(0);
static atomic_t ta_steps_gen = ATOMIC_INIT(0);

void ta_step_window_open(struct ta_step_window *w)
{
	w->busy = atomic_inc_return(&ta_steps_open) > 1;
	w->gen = atomic_inc_return(&ta_steps_gen);
}
NOKPROBE_SYMBOL(ta_step_window_open);

/* True when another window was open at any time during this one. */
bool ta_step_window_close(const struct ta_step_window *w)
{
	bool overlap = w->busy || (u32)atomic_read(&ta_steps_gen) != w->gen;

	atomic_dec(&ta_steps_open);
	return overlap;
}
NOKPROBE_SYMBOL(ta_step_window_close);

/*
 * Whether a step call that began at @real_before_ns and returned @result
 * cleared an NTP state that matters (ev->ntp_cleared): done, it disarmed
 * an armed leap second; refused with EINVAL after the clear (@clears:
 * the request passed the checks before it, TA_REFUSED_STEP_CLEARS_NTP).
 */
bool ta_step_cleared_ntp(int result, bool clears, s64 real_before_ns)
{
	if (result >= 0)
		return ta_witness_leap_take(real_before_ns);
	return result == -EINVAL && clears;
}
NOKPROBE_SYMBOL(ta_step_cleared_ntp);

/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC: read before and after a call, the
 * step it made, exact whatever time the call took.
 */
s64 ta_real_offset(void)
{
	return ktime_to_ns(ktime_mono_to_any(0, TK_OFFS_REAL));
}
NOKPROBE_SYMBOL(ta_real_offset);
