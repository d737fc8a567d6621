// SPDX-License-Identifier: GPL-2.0
/* Last values seen of hardware clocks: see seen.h. Probe context. */
#include <linux/kprobes.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "seen.h"

static DEFINE_RAW_SPINLOCK(ta_seen_lock);

bool ta_seen_exchange(struct ta_seen *tbl, unsigned int n, u32 key,
		      const s64 set[2], s64 old[2])
{
	struct ta_seen *e = &tbl[key % n];
	unsigned long flags;
	bool known;

	raw_spin_lock_irqsave(&ta_seen_lock, flags);
	known = e->valid && e->key == key;
	if (known)
		memcpy(old, e->val, sizeof(e->val));
	if (set) {
		e->key = key;
		e->valid = true;
		memcpy(e->val, set, sizeof(e->val));
	}
	raw_spin_unlock_irqrestore(&ta_seen_lock, flags);
	return known;
}
NOKPROBE_SYMBOL(ta_seen_exchange);
