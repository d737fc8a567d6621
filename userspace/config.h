/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The config file read by "apply": "name = value" lines with the names and
 * values of "set", '#' comments, and an optional "lock" / "lock = 1".
 */
#ifndef TA_CONFIG_H
#define TA_CONFIG_H

#include <stdio.h>

#include "assign.h"

#define TA_CONFIG_DEFAULT	"/etc/timeaudit.conf"

/*
 * Parse f into b. Every problem is reported as FNAME:LINE, not just the
 * first; returns TA_EXIT_USAGE if there was any, TA_EXIT_IO if f could
 * not be read. fname must outlive b.
 */
int ta_config_parse(FILE *f, const char *fname, struct ta_batch *b);

/* Open path and parse it. */
int ta_config_load(const char *path, struct ta_batch *b);

#endif /* TA_CONFIG_H */
