// SPDX-License-Identifier: GPL-2.0
/*
 * timeaudit: audit records for changes of the system clock, measured in
 * the timekeeper and filtered by thresholds, instead of one SYSCALL record
 * per adjtimex() call. Load and unload are recorded with who did it.
 */
#include <linux/module.h>

#include "config.h"
#include "counters.h"
#include "event.h"
#include "probes.h"
#include "record.h"
#include "witness.h"

static int __init timeaudit_init(void)
{
	struct ta_config cfg;
	int err;

	err = ta_counters_init();
	if (err)
		return err;
	err = ta_witness_init();
	if (err) {
		ta_counters_exit();
		return err;
	}
	err = ta_probes_init();
	if (err) {
		ta_witness_exit();
		ta_counters_exit();
		return err;
	}
	ta_config_start();
	ta_config_get(&cfg);
	ta_record_load(&cfg);
	pr_info("version %s loaded\n", TIMEAUDIT_VERSION);
	return 0;
}

static void __exit timeaudit_exit(void)
{
	struct ta_config cfg;

	ta_witness_exit();
	ta_probes_exit();
	ta_event_exit();
	ta_counters_exit();
	ta_config_get(&cfg);
	ta_record_unload(0, &cfg, GFP_KERNEL);
	pr_info("unloaded\n");
}

module_init(timeaudit_init);
module_exit(timeaudit_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The timeaudit developers");
MODULE_DESCRIPTION("Threshold-based audit records for system clock changes");
MODULE_VERSION(TIMEAUDIT_VERSION);
