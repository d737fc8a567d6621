/* SPDX-License-Identifier: GPL-2.0 */
/* Lock mode's unload side: refused delete_module() calls, recorded. */
#ifndef TA_LOCK_H
#define TA_LOCK_H

#include <linux/types.h>

int ta_lock_init(void);
void ta_lock_exit(void);
bool ta_lock_forced(void);
u64 ta_lock_suppressed(void);
u64 ta_lock_missed(void);

#endif /* TA_LOCK_H */
