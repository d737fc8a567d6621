/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics on stderr, all with the same "timeauditctl: " prefix. */
#ifndef TA_MSG_H
#define TA_MSG_H

#define TA_PROG	"timeauditctl"

void ta_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TA_MSG_H */
