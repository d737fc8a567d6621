/* SPDX-License-Identifier: GPL-2.0 */
/* From a probed event to records: policy, drift, rate limit, counters. */
#ifndef TA_EVENT_H
#define TA_EVENT_H

#include "policy.h"

void ta_handle_event(const struct ta_event *ev);
void ta_event_loss(void);
void ta_event_tick(void);
void ta_event_exit(void);

#endif /* TA_EVENT_H */
