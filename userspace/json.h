/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough JSON output for "status --json". */
#ifndef TA_JSON_H
#define TA_JSON_H

#include <stdio.h>

/* s as a quoted JSON string; NULL as null. */
void ta_json_str(FILE *f, const char *s);

#endif /* TA_JSON_H */
