/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last value seen of a hardware clock (an RTC's time, a PTP clock's
 * frequency), which a probe cannot read itself: a few places per kind of
 * clock, keyed by its number, shared by key modulo the table size.
 */
#ifndef TA_SEEN_H
#define TA_SEEN_H

#include <linux/types.h>

struct ta_seen {
	u32 key;
	bool valid;
	s64 val[2];
};

/*
 * Copy what was seen for @key into @old (false if nothing), and, if @set
 * is not NULL, put @set in its place: in one step, so that two callers at
 * once each see what the other left.
 */
bool ta_seen_exchange(struct ta_seen *tbl, unsigned int n, u32 key,
		      const s64 set[2], s64 old[2]);

#endif /* TA_SEEN_H */
