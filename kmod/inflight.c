// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed table of slots, claimed with cmpxchg by the task that enters an
 * outer probe and found again by the same task in an inner one. No lock,
 * no allocation: it is used with the timekeeper lock held and IRQs off.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/kprobes.h>

#include "inflight.h"

static struct ta_inflight ta_slots[TA_INFLIGHT_SLOTS];
static atomic64_t ta_inflight_misses;	/* every slot taken: a probe miss */

/* Start where the task's hash points: the first slot tried usually fits. */
static unsigned int ta_inflight_home(void)
{
	return hash_ptr(current, ilog2(TA_INFLIGHT_SLOTS));
}
NOKPROBE_SYMBOL(ta_inflight_home);

/* @needed: without a slot the call is not followed, a probe miss. */
struct ta_inflight *ta_inflight_claim(bool needed)
{
	unsigned int home = ta_inflight_home();
	int i;

	for (i = 0; i < TA_INFLIGHT_SLOTS; i++) {
		struct ta_inflight *s = &ta_slots[(home + i) % TA_INFLIGHT_SLOTS];

		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, current)) {
			s->ntp_filled = false;
			return s;
		}
	}
	if (needed)
		atomic64_inc(&ta_inflight_misses);
	return NULL;
}
NOKPROBE_SYMBOL(ta_inflight_claim);

struct ta_inflight *ta_inflight_find(void)
{
	unsigned int home = ta_inflight_home();
	int i;

	for (i = 0; i < TA_INFLIGHT_SLOTS; i++) {
		struct ta_inflight *s = &ta_slots[(home + i) % TA_INFLIGHT_SLOTS];

		if (READ_ONCE(s->task) == current)
			return s;
	}
	return NULL;
}
NOKPROBE_SYMBOL(ta_inflight_find);

void ta_inflight_release(struct ta_inflight *slot)
{
	/* Our reads of the slot happen before another task may claim it. */
	smp_store_release(&slot->task, NULL);
}
NOKPROBE_SYMBOL(ta_inflight_release);

u64 ta_inflight_missed(void)
{
	return atomic64_read(&ta_inflight_misses);
}
