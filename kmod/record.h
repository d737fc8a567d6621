/* SPDX-License-Identifier: GPL-2.0 */
/* Audit record emission: the only file that talks to the audit subsystem. */
#ifndef TA_RECORD_H
#define TA_RECORD_H

#include <linux/gfp.h>

#include "policy.h"

void ta_record_event(const struct ta_event *ev, u32 emit,
		     const struct ta_config *cfg);
void ta_record_config(const char *op, const char *param, const char *old_val,
		      const char *new_val, int err, const struct ta_config *cfg,
		      gfp_t gfp);
void ta_record_load(const struct ta_config *cfg);
void ta_record_unload(int err, const struct ta_config *cfg, gfp_t gfp);

#endif /* TA_RECORD_H */
