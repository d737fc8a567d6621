/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters: validation, RCU publication and lock mode. */
#ifndef TA_CONFIG_H
#define TA_CONFIG_H

#include "policy.h"

void ta_config_get(struct ta_config *out);
/* Probe handlers only (preemption off): see config.c. */
const struct ta_config *ta_config_probe(void);
bool ta_config_locked(void);
void ta_config_start(void);
void ta_config_exit(void);

#endif /* TA_CONFIG_H */
