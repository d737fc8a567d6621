// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading timeaudit are themselves audited, with the
 * identity of whoever did it, and the probes come and go with the module.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "ta_lib.h"

#define LOGINUID 4242

/* The 64-bit kernel's entries: the i386 ones are not counted. */
static const char *probes[] = {
	"do_adjtimex", "ntp core", "do_sys_settimeofday64",
	"do_settimeofday64", "timekeeping_warp_clock", TA_SYS_DELETE_MODULE,
	"rtc_read_time",
	"rtc_set_time", "pc_clock_settime", "pc_clock_adjtime", NULL,
};

/* How many of our probe targets debugfs lists as registered kretprobes. */
static int probes_listed(void)
{
	char line[512], want[128], *p;
	int found = 0, i;
	FILE *f;

	for (i = 0; probes[i]; i++) {
		f = fopen("/sys/kernel/debug/kprobes/list", "r");
		if (!f)
			return -1;
		/*
		 * At the entry: +0x0, or +0x4 past the ENDBR64 that kernels
		 * built with CONFIG_X86_KERNEL_IBT (Debian 6.12+) start with.
		 */
		snprintf(want, sizeof(want), " r  %s+0x", probes[i]);
		while (fgets(line, sizeof(line), f))
			if ((p = strstr(line, want)) &&
			    (p[strlen(want)] == '0' || p[strlen(want)] == '4') &&
			    p[strlen(want) + 1] == ' ') {
				found++;
				break;
			}
		fclose(f);
	}
	return found;
}

static void check_identity(const char *rec, pid_t pid, const char *comm,
			   const char *what)
{
	char v[64];

	ksft_test_result(ta_field_ll(rec, "pid") == pid,
			 "%s record names the pid %d\n", what, pid);
	ksft_test_result(ta_field_ll(rec, "auid") == LOGINUID &&
			 ta_field_ll(rec, "uid") == 0,
			 "%s record names auid %d and uid 0\n", what, LOGINUID);
	ksft_test_result(!ta_field(rec, "comm", v, sizeof(v)) &&
			 !strcmp(v, comm),
			 "%s record names comm=%s (got %s)\n", what, comm, v);
	ksft_test_result(!ta_field(rec, "exe", v, sizeof(v)) &&
			 !strcmp(v, "/bin/busybox") &&
			 ta_field_ll(rec, "ses") > 0 &&
			 ta_field_ll(rec, "ses") != 4294967295LL,
			 "%s record names exe and a session\n", what);
}

int main(void)
{
	const char *load[] = { "/bin/insmod", "/ta/timeaudit.ko", NULL };
	const char *unload[] = { "/bin/rmmod", "timeaudit", NULL };
	const char *op_load[] = { "op=" TIMEAUDIT_OP_LOAD, "res=1", NULL };
	const char *op_unload[] = { "op=" TIMEAUDIT_OP_UNLOAD, "res=1",
				    NULL };
	char rec[TA_REC_MAX], v[64];
	int status, n;
	long mark;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(17);
	probes[1] = ta_ntp_core_sym();

	if (ta_module_loaded())
		ta_module_unload();
	ksft_test_result(probes_listed() == 0, "no probes before load\n");

	mark = ta_log_mark();
	pid = ta_spawn(load, LOGINUID, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status),
			 "insmod succeeds\n");
	ksft_test_result(!ta_read_file(TA_SYSFS "/version", v, sizeof(v)) &&
			 !strcmp(v, TIMEAUDIT_VERSION),
			 "version %s in sysfs\n", TIMEAUDIT_VERSION);
	ksft_test_result(probes_listed() == 10,
			 "all ten kretprobes registered\n");

	n = ta_search(mark, "CONFIG_CHANGE", op_load, rec, sizeof(rec));
	ksft_test_result(n == 1, "one load record (found %d)\n", n);
	check_identity(rec, pid, "insmod", "load");
	ksft_test_result(ta_field_ll(rec, TIMEAUDIT_PARAM_STEP) ==
			 TIMEAUDIT_DEF_STEP_NS &&
			 ta_field_ll(rec, TIMEAUDIT_PARAM_FREQ) ==
			 TIMEAUDIT_DEF_FREQ_PPB &&
			 !ta_field(rec, "classes", v, sizeof(v)) &&
			 !strcmp(v, "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux"),
			 "load record carries the effective configuration\n");
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_EMITTED) == 1,
			 "records_emitted counts the load record\n");

	mark = ta_log_mark();
	pid = ta_spawn(unload, LOGINUID + 1, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status),
			 "rmmod succeeds\n");
	ksft_test_result(!ta_module_loaded() && probes_listed() == 0,
			 "module and probes gone after rmmod\n");
	n = ta_search(mark, "CONFIG_CHANGE", op_unload, rec, sizeof(rec));
	ksft_test_result(n == 1, "one unload record (found %d)\n", n);
	ksft_test_result(ta_field_ll(rec, "pid") == pid &&
			 ta_field_ll(rec, "auid") == LOGINUID + 1,
			 "unload record names the unloading pid and auid\n");
	ksft_test_result(!ta_field(rec, "comm", v, sizeof(v)) &&
			 !strcmp(v, "rmmod"), "unload record names comm=rmmod\n");

	/* Leave the module loaded for the tests that follow. */
	ksft_test_result(ta_module_load(NULL) == 0, "module reloads\n");
	ksft_finished();
}
