// SPDX-License-Identifier: GPL-2.0
/*
 * timeauditctl end to end, on the real sysfs: status and --json show what
 * the module has, set and apply write exactly what they say (each write a
 * CONFIG_CHANGE record by timeauditctl) or, on any mistake, nothing, and
 * the exit codes of timeauditctl(8) hold. The locked case (exit 4) is in
 * lock_test, the last test of the run.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"
#include "../userspace/exitcodes.h"

#define NOBODY		65534
#define OUT		"/tmp/ctl.out"
#define ERR		"/tmp/ctl.err"
#define ALL_CLASSES	"step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux"

static char out[8192], err[8192];
static char recs[16][TA_REC_MAX];

static const char *ctl_path(void)
{
	const char *c = getenv("TA_CTL");

	return c ? c : "/ta/timeauditctl";
}

/*
 * Run timeauditctl with @args (a shell word list) as root or nobody;
 * stdout and stderr land in out[] and err[]. Returns the exit status.
 */
static int ctl_as(int uid, const char *args)
{
	char cmd[1024];
	int rc, status;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "exec %s %s >" OUT " 2>" ERR, ctl_path(),
		 args);
	unlink(OUT);
	unlink(ERR);
	pid = fork();
	if (!pid) {
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(125);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		rc = -1;
	else
		rc = WEXITSTATUS(status);
	if (ta_read_file(OUT, out, sizeof(out)))
		out[0] = '\0';
	if (ta_read_file(ERR, err, sizeof(err)))
		err[0] = '\0';
	return rc;
}

static int ctl(const char *args)
{
	return ctl_as(0, args);
}

static int param_is(const char *name, const char *want)
{
	char v[256];

	return !ta_param_read(name, v, sizeof(v)) && !strcmp(v, want);
}

static int defaults(void)
{
	return param_is(TIMEAUDIT_PARAM_STEP, "1000000") &&
	       param_is(TIMEAUDIT_PARAM_SLEW, "128000000") &&
	       param_is(TIMEAUDIT_PARAM_FREQ, "10000") &&
	       param_is(TIMEAUDIT_PARAM_TICK, "1") &&
	       param_is(TIMEAUDIT_PARAM_TAI, "1") &&
	       param_is(TIMEAUDIT_PARAM_STATUS, "0x0030") &&
	       param_is(TIMEAUDIT_PARAM_CLASSES, ALL_CLASSES) &&
	       param_is(TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY) &&
	       param_is(TIMEAUDIT_PARAM_LOCKED, "0");
}

/* Records by timeauditctl written after @mark; copies them to recs[]. */
static int ctl_records(long mark)
{
	const char *needles[] = { "op=" TIMEAUDIT_OP_SET,
				  "comm=\"timeauditctl\"", NULL };

	return ta_ausearch(mark, "-m CONFIG_CHANGE", needles, recs, 16);
}

static int set_record(const char *r, const char *param, const char *old,
		      const char *new)
{
	char want[256];

	snprintf(want, sizeof(want), " param=%s old=\"%s\" new=\"%s\" ",
		 param, old, new);
	return strstr(r, want) && strstr(r, " res=1") &&
	       ta_field_ll(r, "uid") == 0;
}

/* A "label    value" line of status, exactly. */
static int has_line(const char *label, const char *value)
{
	char want[256];
	const char *p = out;
	size_t n;

	n = snprintf(want, sizeof(want), "%-20s%s", label, value);
	while ((p = strstr(p, want))) {
		if ((p == out || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

static const char *const counter_names[] = {
	TIMEAUDIT_CNT_EMITTED, TIMEAUDIT_CNT_SUPPRESSED, TIMEAUDIT_CNT_LOST,
	TIMEAUDIT_CNT_RATELIMITED, TIMEAUDIT_CNT_MISSED, "events_step",
	"events_slew", "events_freq", "events_tick", "events_status",
	"events_tai", "events_denied", "events_drift", "events_rtc",
	"events_tz", "events_ptp", "events_aux",
};

#define NCOUNTERS ARRAY_SIZE(counter_names)

static unsigned long long cval[NCOUNTERS];
static char unavail[32], unavail_json[64];

static void read_counters(void)
{
	size_t i;

	for (i = 0; i < NCOUNTERS; i++)
		cval[i] = ta_counter(counter_names[i]);
}

static int status_counters_ok(void)
{
	char v[32];
	size_t i;

	for (i = 0; i < NCOUNTERS; i++) {
		snprintf(v, sizeof(v), "%llu", cval[i]);
		if (!has_line(counter_names[i], v))
			return 0;
	}
	return 1;
}

static int json_counters_ok(void)
{
	char want[128];
	size_t i;

	for (i = 0; i < NCOUNTERS; i++) {
		snprintf(want, sizeof(want), "\"%s\":%llu", counter_names[i],
			 cval[i]);
		if (!strstr(out, want))
			return 0;
	}
	return 1;
}

/* python3 in the VM is only the binary; use it if it can import json. */
static int python_json_ok(int *have)
{
	*have = !ta_sh("/usr/bin/python3 -c 'import json' >/dev/null 2>&1");
	if (!*have)
		return 1;
	return !ta_sh("/usr/bin/python3 -c 'import json,sys; json.load(open(\"" OUT "\"))' >/dev/null 2>&1");
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int main(void)
{
	const char *conf = "/tmp/ta-ctl.conf", *badconf = "/tmp/ta-bad.conf";
	int rc, n, have_py = 0;
	long mark;

	ksft_print_header();
	ksft_set_plan(33);

	if (ta_module_load(NULL) || !defaults())
		ksft_exit_fail_msg("cannot load timeaudit with its defaults\n");

	rc = ctl("--version");
	ksft_test_result(rc == 0 && !strcmp(out, "timeauditctl (" TIMEAUDIT_NAME
					    ") " TIMEAUDIT_VERSION),
			 "--version: exit 0, '%s'\n", out);

	/* status: what sysfs says, in human and base units */
	read_counters();
	/* "aux" on kernels without auxiliary clocks, else "none". */
	if (ta_param_read(TIMEAUDIT_PARAM_UNAVAILABLE, unavail,
			  sizeof(unavail)))
		snprintf(unavail, sizeof(unavail), "unreadable");
	snprintf(unavail_json, sizeof(unavail_json),
		 "\"unavailable_classes\":%s",
		 strcmp(unavail, "none") ? "[\"aux\"]" : "[]");
	rc = ctl("status");
	ksft_test_result(rc == 0 && !err[0], "status: exit 0, nothing on stderr\n");
	ksft_test_result(has_line(TIMEAUDIT_NAME, "loaded, version " TIMEAUDIT_VERSION) &&
			 has_line("locked", "no") &&
			 has_line("step_threshold", "1ms (1000000 ns)") &&
			 has_line("slew_threshold", "128ms (128000000 ns)") &&
			 has_line("freq_threshold", "10ppm (10000 ppb)") &&
			 has_line("tick_threshold", "1us (1 us)") &&
			 has_line("tai_threshold", "1s (1 s)") &&
			 has_line("status_mask", "0x0030 (STA_INS|STA_DEL)") &&
			 has_line("classes", ALL_CLASSES) &&
			 has_line(TIMEAUDIT_PARAM_UNAVAILABLE, unavail) &&
			 has_line("key", TIMEAUDIT_DEF_KEY),
			 "status: version, locked, thresholds, mask, classes, key\n");
	ksft_test_result(status_counters_ok(),
			 "status: all %zu counters, with sysfs's values\n",
			 NCOUNTERS);
	if (ksft_get_fail_cnt())
		ksft_print_msg("status said:\n%s\n", out);

	rc = ctl("--json");
	ksft_test_result(rc == 0 && ta_json_valid(out) &&
			 python_json_ok(&have_py),
			 "--json: exit 0, valid JSON (checked in C%s)\n",
			 have_py ? " and by python3" : "; python3 unusable here");
	ksft_test_result(strstr(out, "\"loaded\":true") &&
			 strstr(out, "\"version\":\"" TIMEAUDIT_VERSION "\"") &&
			 strstr(out, "\"locked\":false") &&
			 strstr(out, "\"key\":\"" TIMEAUDIT_DEF_KEY "\"") &&
			 strstr(out, "\"classes\":[\"step\",\"slew\",\"freq\",\"tick\",\"status\",\"tai\",\"denied\",\"drift\",\"rtc\",\"tz\",\"ptp\",\"aux\"]") &&
			 strstr(out, unavail_json) &&
			 strstr(out, "\"thresholds\":{\"step_ns\":1000000,\"slew_ns\":128000000,\"freq_ppb\":10000,\"pll_ppb\":50000,\"tick_us\":1,\"tai_s\":1,") &&
			 strstr(out, "\"rtc_ns\":1000000000") &&
			 strstr(out, "\"drift_window_s\":600") &&
			 strstr(out, "\"drift_budget_ns\":100000000") &&
			 strstr(out, "\"freq_drift_window_s\":21600") &&
			 strstr(out, "\"freq_drift_budget_ppb\":5000") &&
			 strstr(out, "\"rate_limit\":20") &&
			 strstr(out, "\"status_mask\":48"),
			 "--json: loaded, version, locked, key, classes, thresholds\n");
	ksft_test_result(json_counters_ok(), "--json: all counters, with sysfs's values\n");

	/* set: both written, both recorded, in order */
	mark = ta_log_mark();
	rc = ctl("set step=5ms freq=20ppm");
	ksft_test_result(rc == 0 && !err[0], "set step=5ms freq=20ppm: exit 0\n");
	ksft_test_result(param_is(TIMEAUDIT_PARAM_STEP, "5000000") &&
			 param_is(TIMEAUDIT_PARAM_FREQ, "20000"),
			 "... sysfs has 5000000 and 20000\n");
	n = ctl_records(mark);
	ksft_test_result(n == 2 &&
			 set_record(recs[0], TIMEAUDIT_PARAM_STEP, "1000000", "5000000") &&
			 set_record(recs[1], TIMEAUDIT_PARAM_FREQ, "10000", "20000"),
			 "... two CONFIG_CHANGE records by timeauditctl, old and new (%d)\n",
			 n);

	/* mistakes: exit 1, nothing written, nothing recorded */
	mark = ta_log_mark();
	rc = ctl("set step=abc");
	ksft_test_result(rc == TA_EXIT_USAGE &&
			 !strncmp(err, "timeauditctl: step=abc: ", 24),
			 "set step=abc: exit 1, says 'timeauditctl: step=abc: ...' (%d: %.80s)\n",
			 rc, err);
	rc = ctl("set step=1ms classes=bogus");
	ksft_test_result(rc == TA_EXIT_USAGE && strstr(err, "classes=bogus"),
			 "set step=1ms classes=bogus: exit 1 (%d)\n", rc);
	rc = ctl("set step=1ms step=2ms");
	ksft_test_result(rc == TA_EXIT_USAGE, "set step twice: exit 1 (%d)\n", rc);
	rc = ctl("set locked=0");
	ksft_test_result(rc == TA_EXIT_USAGE, "set locked=0: exit 1, use lock (%d)\n", rc);
	rc = ctl("set step=1000000001s");
	ksft_test_result(rc == TA_EXIT_USAGE, "set step beyond its range: exit 1 (%d)\n", rc);
	rc = ctl("set key=pci\\ time");
	ksft_test_result(rc == TA_EXIT_USAGE, "set key with a blank: exit 1 (%d)\n", rc);
	n = ctl_records(mark);
	ksft_test_result(n == 0 && param_is(TIMEAUDIT_PARAM_STEP, "5000000") &&
			 param_is(TIMEAUDIT_PARAM_CLASSES, ALL_CLASSES) &&
			 param_is(TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY),
			 "... after all of them nothing written, nothing recorded (%d)\n",
			 n);

	/* nobody: may look, may not touch */
	rc = ctl_as(NOBODY, "status");
	ksft_test_result(rc == 0 && has_line("step_threshold", "5ms (5000000 ns)"),
			 "status as nobody: exit 0 (%d)\n", rc);
	mark = ta_log_mark();
	rc = ctl_as(NOBODY, "set step=1ms");
	ksft_test_result(rc == TA_EXIT_PERM && strstr(err, "permission denied"),
			 "set as nobody: exit 3, permission denied (%d: %.80s)\n",
			 rc, err);
	n = ctl_records(mark);
	ksft_test_result(n == 0 && param_is(TIMEAUDIT_PARAM_STEP, "5000000"),
			 "... nothing written (%d)\n", n);

	/* apply: a config file, all of it or nothing */
	write_file(conf, "# test\nstep = 2ms\nfreq = 10ppm  # back\n\nkey = ctl-key\nlock = 0\n");
	mark = ta_log_mark();
	rc = ctl("apply /tmp/ta-ctl.conf");
	ksft_test_result(rc == 0 && param_is(TIMEAUDIT_PARAM_STEP, "2000000") &&
			 param_is(TIMEAUDIT_PARAM_FREQ, "10000") &&
			 param_is(TIMEAUDIT_PARAM_KEY, "ctl-key") &&
			 param_is(TIMEAUDIT_PARAM_LOCKED, "0"),
			 "apply FILE: exit 0, values written, 'lock = 0' does not lock (%d)\n",
			 rc);
	n = ctl_records(mark);
	ksft_test_result(n == 3 &&
			 set_record(recs[0], TIMEAUDIT_PARAM_STEP, "5000000", "2000000") &&
			 set_record(recs[1], TIMEAUDIT_PARAM_FREQ, "20000", "10000") &&
			 set_record(recs[2], TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY, "ctl-key"),
			 "... three records, in file order (%d)\n", n);
	write_file(badconf, "step = 1ms\nslew = fast\n");
	mark = ta_log_mark();
	rc = ctl("apply /tmp/ta-bad.conf");
	n = ctl_records(mark);
	ksft_test_result(rc == TA_EXIT_USAGE &&
			 strstr(err, "/tmp/ta-bad.conf:2:") && n == 0 &&
			 param_is(TIMEAUDIT_PARAM_STEP, "2000000"),
			 "apply with a bad line 2: exit 1, FILE:2 named, nothing written (%d, %d)\n",
			 rc, n);

	rc = ctl("set step=1ms freq=10ppm 'status=INS|DEL' classes=all key=" TIMEAUDIT_DEF_KEY);
	ksft_test_result(rc == 0 && defaults(), "set back to the defaults: exit 0 (%d)\n", rc);
	rc = ctl("set step=0.5ms 'status=STA_ins|del|UNSYNC'");
	ksft_test_result(rc == 0 && param_is(TIMEAUDIT_PARAM_STEP, "500000") &&
			 param_is(TIMEAUDIT_PARAM_STATUS, "0x0070"),
			 "set step=0.5ms status=STA_ins|del|UNSYNC: 500000 and 0x0070 (%d)\n", rc);
	rc = ctl("set step=1ms status=0x30");
	ksft_test_result(rc == 0 && defaults(), "... and back (%d)\n", rc);

	/* unloaded: exit 2 everywhere, JSON still valid */
	ksft_test_result(ta_module_unload() == 0, "rmmod timeaudit\n");
	rc = ctl("status");
	ksft_test_result(rc == TA_EXIT_NOT_LOADED && strstr(out, "not loaded"),
			 "status, module not loaded: exit 2 (%d)\n", rc);
	rc = ctl("--json");
	ksft_test_result(rc == TA_EXIT_NOT_LOADED && ta_json_valid(out) &&
			 strstr(out, "\"loaded\":false"),
			 "--json, module not loaded: exit 2, valid JSON, loaded false (%d)\n",
			 rc);
	rc = ctl("set step=1ms");
	ksft_test_result(rc == TA_EXIT_NOT_LOADED,
			 "set, module not loaded: exit 2 (%d)\n", rc);
	rc = ctl("apply /tmp/ta-ctl.conf");
	ksft_test_result(rc == TA_EXIT_NOT_LOADED,
			 "apply, module not loaded: exit 2 (%d)\n", rc);
	rc = ctl("lock");
	ksft_test_result(rc == TA_EXIT_NOT_LOADED,
			 "lock, module not loaded: exit 2 (%d)\n", rc);

	ksft_test_result(ta_module_load(NULL) == 0 && defaults(),
			 "module reloaded with the defaults\n");
	ksft_finished();
}
