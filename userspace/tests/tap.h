/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP 13 producer for the host tests. The plan goes last, which
 * TAP allows, so tables can grow without anyone counting rows.
 */
#ifndef TA_TAP_H
#define TA_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_n, tap_failed;

static void tap_start(void)
{
	printf("TAP version 13\n");
}

/* Prints ok/not ok N - desc; returns cond so callers can add detail. */
static bool __attribute__((format(printf, 2, 3)))
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* TA_TAP_H */
