// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

void ta_err(const char *fmt, ...)
{
	va_list ap;

	/* Keep stdout and stderr in order when both go to one terminal. */
	fflush(stdout);
	fprintf(stderr, TA_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
