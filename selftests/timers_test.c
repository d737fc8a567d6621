// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own timers selftests that change the clock (built from
 * Debian's linux-source-6.1) must still pass with timeaudit loaded, and
 * what they change must show up in the audit log.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "kselftest.h"
#include "ta_lib.h"

static const struct {
	const char *name;
	const char *type;	/* a record it must cause, or NULL */
	const char *needle;
} tests[] = {
	{ "set-tai", "TIME_ADJNTPVAL", "op=tai " },
	{ "set-tz", "TIME_ADJNTPVAL", "op=tz " },
	{ "valid-adjtimex", "TIME_INJOFFSET", "via=adjtimex" },
	{ "leapcrash", "TIME_ADJNTPVAL", "changed=STA_INS" },
};

int main(void)
{
	char comm[64];
	unsigned int i;
	int rc, n;
	long mark;

	ksft_print_header();
	ksft_set_plan(2 * ARRAY_SIZE(tests));
	/* These tests are bursts by design: count every record. */
	ta_module_load(TIMEAUDIT_PARAM_RATE "=0");
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		const char *needles[] = { comm, tests[i].needle, NULL };

		mark = ta_log_mark();
		rc = ta_sh("./timers/%s >/tmp/%s.log 2>&1", tests[i].name,
			   tests[i].name);
		ksft_test_result(rc == 0, "timers/%s passes (exit %d)\n",
				 tests[i].name, rc);
		if (rc)
			ta_sh("sed 's/^/# /' /tmp/%s.log | tail -20",
			      tests[i].name);
		/* comm is at most 15 characters */
		snprintf(comm, sizeof(comm), " comm=\"%.15s\" ", tests[i].name);
		if (!tests[i].type) {
			n = ta_search(mark, "TIME_INJOFFSET,TIME_ADJNTPVAL",
				      needles, NULL, 0);
			ksft_test_result(n == 0, "timers/%s: nothing to record (%d)\n",
					 tests[i].name, n);
			continue;
		}
		n = ta_search(mark, tests[i].type, needles, NULL, 0);
		ksft_test_result(n > 0, "timers/%s: %d %s records with %s\n",
				 tests[i].name, n, tests[i].type, tests[i].needle);
	}
	ta_module_load(NULL);
	ksft_finished();
}
