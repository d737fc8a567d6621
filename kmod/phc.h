/* SPDX-License-Identifier: GPL-2.0 */
/* Handlers for the PTP hardware clock probes, registered by probes.c. */
#ifndef TA_PHC_H
#define TA_PHC_H

#include <linux/kprobes.h>
#include <linux/timex.h>

#include "policy.h"

/* Where clock_settime and clock_adjtime reach any dynamic posix clock. */
#define TA_PHC_SETTIME_SYM	"pc_clock_settime"
#define TA_PHC_ADJTIME_SYM	"pc_clock_adjtime"

/* What the entry handlers keep for the return handlers. */
struct ta_phc_data {
	dev_t dev;
	u32 modes;
	struct __kernel_timex *tx;	/* the kernel's copy, alive on return */
	s64 freq, new_ns, offset_ns;
	s64 real_before;
	char name[TA_PHC_NAME];
};

int ta_phc_settime_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ta_phc_settime_ret(struct kretprobe_instance *ri, struct pt_regs *regs);
int ta_phc_adjtime_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int ta_phc_adjtime_ret(struct kretprobe_instance *ri, struct pt_regs *regs);

#endif /* TA_PHC_H */
