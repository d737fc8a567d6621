// SPDX-License-Identifier: GPL-2.0
/*
 * timeaudit: audit records for changes of the system clock, measured in
 * the timekeeper and filtered by thresholds, instead of one SYSCALL record
 * per adjtimex() call. Load and unload are recorded with who did it.
 */
#include <linux/module.h>

#include "config.h"
#include "counters.h"
#include "defer.h"
#include "event.h"
#include "lock.h"
#include "probes.h"
#include "record.h"
#include "witness.h"

/*
 * Once the probes are gone (or never all came up): write every pending
 * record, then the last summary, and only then let the module go, so no
 * task_work, work item or summary can run after its code is freed.
 */
static void timeaudit_quiesce(void)
{
	ta_defer_drain();
	ta_event_exit();
	ta_defer_exit();
}

static int __init timeaudit_init(void)
{
	struct ta_config cfg;
	int err;

	err = ta_counters_init(ta_probes_missed);
	if (err)
		goto fail_counters;
	err = ta_defer_init();
	if (err)
		goto fail_defer;
	err = ta_witness_init(ta_event_tick);
	if (err)
		goto fail_witness;
	err = ta_probes_init();
	if (err)
		goto fail_probes;
	err = ta_lock_init();
	if (err)
		goto fail_lock;
	ta_config_start();
	ta_config_get(&cfg);
	ta_record_load(&cfg);
	pr_info("version %s loaded\n", TIMEAUDIT_VERSION);
	return 0;

fail_lock:
	ta_probes_exit();
fail_probes:
	/* Probes registered before the failure may have fired. */
	ta_witness_exit();
	timeaudit_quiesce();
	goto fail_defer;
fail_witness:
	ta_defer_exit();
fail_defer:
	ta_counters_exit();
fail_counters:
	ta_config_exit();
	return err;
}

static void __exit timeaudit_exit(void)
{
	struct ta_unload u = { .forced = ta_lock_forced() };
	struct ta_config cfg;

	ta_witness_exit();
	ta_lock_exit();
	ta_probes_exit();
	timeaudit_quiesce();
	ta_counters_exit();
	ta_config_get(&cfg);
	u.locked = cfg.locked;
	u.suppressed = ta_lock_suppressed();
	ta_record_unload(&u, &cfg, GFP_KERNEL);
	ta_config_exit();
	pr_info("unloaded\n");
}

module_init(timeaudit_init);
module_exit(timeaudit_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The timeaudit developers");
MODULE_DESCRIPTION("Threshold-based audit records for system clock changes");
MODULE_VERSION(TIMEAUDIT_VERSION);
