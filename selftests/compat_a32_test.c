// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's twin of compat_test: the 32-bit (AArch32) system calls that
 * change the clock, made by a 32-bit ARM program (a32_calls) with their
 * 32-bit structures. Each is recorded once with the change, its own name
 * in entry= and the AArch32 audit arch (40000028). Built and run by
 * scripts/vm-arm64.sh only (ARM64_TESTS in the Makefile).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
#define ARCH_A32	"arch=40000028 "

static char rec[TA_REC_MAX];
static char pid[32];

/* a32_calls' step records through @entry: how many, the last in rec. */
static int steps(long mark, const char *entry, const char *delta)
{
	char ent[64];
	const char *needles[] = { pid, ARCH_A32, ent, "class=step ", delta,
				  NULL };

	snprintf(ent, sizeof(ent), " entry=%s ", entry);
	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

static void check_exact(long mark, const char *entry, const char *delta)
{
	int n = steps(mark, entry, delta);

	ksft_test_result(n == 1 && strstr(rec, " via=adjtimex "),
			 "AArch32 %s ADJ_SETOFFSET: one record,%sexact (%d)\n",
			 entry, delta, n);
}

static void check_settime(long mark, const char *entry)
{
	int n = steps(mark, entry, " via=settimeofday ");
	long long d = n ? ta_field_ll(rec, "delta_ns") : 0;

	ksft_test_result(n == 1 && d > 6 * NSEC && d < 8 * NSEC,
			 "AArch32 %s +7 s: one record, delta %lld ns (%d)\n",
			 entry, d, n);
}

int main(void)
{
	int status = -1;
	long mark;
	pid_t child;

	ksft_print_header();
	ksft_set_plan(8);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	mark = ta_log_mark();
	child = fork();
	if (!child) {
		execl("./a32_calls", "a32_calls", NULL);
		_exit(127);
	}
	waitpid(child, &status, 0);
	snprintf(pid, sizeof(pid), " pid=%d ", child);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "the AArch32 program ran, every call succeeded (status %#x)\n",
			 status);

	check_exact(mark, "adjtimex", " delta_ns=2000000000 ");
	check_exact(mark, "clock_adjtime", " delta_ns=-3000000000 ");
	check_exact(mark, "clock_adjtime64", " delta_ns=-1500000000 ");
	check_settime(mark, "settimeofday");
	check_settime(mark, "clock_settime");
	check_settime(mark, "clock_settime64");
	ksft_finished();
}
