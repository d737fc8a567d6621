// SPDX-License-Identifier: GPL-2.0
/*
 * The heartbeat: every heartbeat_s a record that the auditor is alive,
 * whether its probes fire, what it saw since the last one and what it
 * lost. Its absence (an unloaded, wedged or blinded module, or a lost
 * record) is what a SIEM alerts on. Driven by the witness's worker, so
 * its resolution is witness_interval_ms.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "counters.h"
#include "probes.h"
#include "record.h"
#include "witness.h"

/* Only the witness's worker (and init before it) touch this. */
static struct {
	u64 seq;
	s64 last_boot;
	u64 cnt[TA_CNT_COUNT];	/* counters at the last heartbeat */
	u64 missed;
	u64 witness_records, blind_records;
} ta_hb;

void ta_heartbeat_init(void)
{
	ta_hb.last_boot = ktime_get_boottime_ns();
}

void ta_heartbeat_tick(const struct ta_config *cfg, bool armed,
		       u64 witness_records, u64 blind_records)
{
	struct ta_heartbeat_rec h = { .armed = armed };
	s64 now = ktime_get_boottime_ns();
	u64 cnt[TA_CNT_COUNT], missed;
	int i;

	if (!cfg->heartbeat_s ||
	    now - ta_hb.last_boot < (s64)cfg->heartbeat_s * NSEC_PER_SEC)
		return;
	for (i = 0; i < TA_CNT_COUNT; i++)
		cnt[i] = ta_counter_read(i);
	missed = ta_probes_missed();

	h.seq = ++ta_hb.seq;
	h.period_ms = div_u64(now - ta_hb.last_boot, NSEC_PER_MSEC);
	h.witness_records = witness_records - ta_hb.witness_records;
	h.blind_records = blind_records - ta_hb.blind_records;
	for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++)
		h.events[i] = cnt[TA_CNT_EVENTS + i] -
			      ta_hb.cnt[TA_CNT_EVENTS + i];
	h.suppressed = cnt[TA_CNT_SUPPRESSED] - ta_hb.cnt[TA_CNT_SUPPRESSED];
	h.ratelimited = cnt[TA_CNT_RATELIMITED] -
			ta_hb.cnt[TA_CNT_RATELIMITED];
	h.lost = cnt[TA_CNT_LOST] - ta_hb.cnt[TA_CNT_LOST];
	h.missed = missed - ta_hb.missed;
	ta_witness_sync_state(&h.sync);

	ta_record_heartbeat(&h, cfg);

	ta_hb.last_boot = now;
	memcpy(ta_hb.cnt, cnt, sizeof(cnt));
	ta_hb.missed = missed;
	ta_hb.witness_records = witness_records;
	ta_hb.blind_records = blind_records;
}
