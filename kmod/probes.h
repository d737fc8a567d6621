/* SPDX-License-Identifier: GPL-2.0 */
/* The kretprobes on the timekeeping entry points. */
#ifndef TA_PROBES_H
#define TA_PROBES_H

#include <linux/types.h>

int ta_probes_init(void);
void ta_probes_exit(void);
u64 ta_probes_missed(void);
bool ta_may_set_time(void);

/* Auxiliary clocks (aux.c): never a load failure, see there. */
void ta_aux_init(void);
void ta_aux_exit(void);
u64 ta_aux_missed(void);

#endif /* TA_PROBES_H */
