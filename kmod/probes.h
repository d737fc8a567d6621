/* SPDX-License-Identifier: GPL-2.0 */
/* The kretprobes on the timekeeping entry points. */
#ifndef TA_PROBES_H
#define TA_PROBES_H

#include <linux/types.h>

int ta_probes_init(void);
void ta_probes_exit(void);
u64 ta_probes_missed(void);

#endif /* TA_PROBES_H */
