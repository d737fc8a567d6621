/* SPDX-License-Identifier: GPL-2.0 */
/* Human-unit formatting of record fields: pure, KUnit-tested. */
#ifndef TA_FORMAT_H
#define TA_FORMAT_H

#include <linux/types.h>

#define TA_FLAGS_BUF	256	/* every STA_* name joined by '|' fits */
#define TA_NUM_BUF	32	/* a signed 64-bit fixed-point number fits */

int ta_format_status(char *buf, size_t len, u32 status);
int ta_format_ppm(char *buf, size_t len, s64 ppb);
int ta_format_time(char *buf, size_t len, s64 ns);
const char *ta_state_name(int state);
int ta_format_classes(char *buf, size_t len, u32 classes);
int ta_parse_classes(const char *s, u32 *classes);
bool ta_key_valid(const char *key);
int ta_parse_u64(const char *s, bool hex_ok, u64 max, u64 *out);
int ta_parse_key(const char *s, char *key, size_t size);

#endif /* TA_FORMAT_H */
