// SPDX-License-Identifier: GPL-2.0
/*
 * Config file parsing: what ends up in the batch, and that every error is
 * reported with FILE:LINE. stderr is captured to check the messages.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcodes.h"
#include "tap.h"

#define FNAME	"t.conf"

static char err[8192];

static FILE *cap;
static int saved_stderr;

/* Send stderr to a temp file until capture_end() copies it into err. */
static void capture_begin(void)
{
	cap = tmpfile();
	if (!cap) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(cap), STDERR_FILENO);
}

static void capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(cap);
	n = fread(err, 1, sizeof(err) - 1, cap);
	err[n] = '\0';
	fclose(cap);
}

/* Parse text as if it were the file FNAME; stderr lands in err. */
static int parse(const char *text, struct ta_batch *b)
{
	FILE *in = tmpfile();
	int rc;

	memset(b, 0, sizeof(*b));
	if (!in) {
		perror("tmpfile");
		exit(2);
	}
	fputs(text, in);
	rewind(in);
	capture_begin();
	rc = ta_config_parse(in, FNAME, b);
	capture_end();
	fclose(in);
	return rc;
}

static bool has(const char *needle)
{
	if (strstr(err, needle))
		return true;
	printf("# stderr was: %s", err);
	return false;
}

static const char *value_of(const struct ta_batch *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->a[i].param->name, name))
			return b->a[i].value;
	return NULL;
}

static void test_valid(void)
{
	struct ta_batch b;
	int rc;

	rc = parse("# timeaudit settings\n"
		   "\n"
		   "step = 1.5ms\n"
		   "  slew=2s  \n"
		   "\tfreq =\t0.5ppm # half a ppm\n"
		   "status = INS | DEL\n"
		   "classes = step, denied\n"
		   "key = ntp-step\r\n"
		   "tai_threshold_s = 37\n"
		   "tick = 10us\n"
		   "rtc = 0.5s\n"
		   "drift_window = 15min  # a quarter hour\n"
		   "drift_budget_ns = 50ms\n"
		   "freq_drift_window = 1.5h\n"
		   "freq_drift_budget = 2ppm\n"
		   "pll_threshold_ppb = 80ppm\n"
		   "rate = 0\n"
		   "rate_exempt = 2s\n"
		   "witness_interval = 2s\n"
		   "heartbeat_s = 1h\n", &b);
	tap_ok(rc == TA_EXIT_OK && !err[0], "valid file parses silently");
	tap_ok(b.n == TA_NPARAMS, "valid file: %d assignments, one each",
	       TA_NPARAMS);
	tap_ok(!b.lock, "valid file: no lock line, no lock");
	tap_ok(b.n && !strcmp(b.a[0].param->name, "step") &&
	       b.a[0].line == 3 && !strcmp(b.a[0].src, FNAME),
	       "assignments keep file order and line numbers");
	tap_ok(value_of(&b, "step") && !strcmp(value_of(&b, "step"), "1500000"),
	       "step = 1.5ms -> 1500000");
	tap_ok(value_of(&b, "slew") &&
	       !strcmp(value_of(&b, "slew"), "2000000000"),
	       "indented slew=2s -> 2000000000");
	tap_ok(value_of(&b, "freq") && !strcmp(value_of(&b, "freq"), "500"),
	       "trailing comment stripped: freq -> 500");
	tap_ok(value_of(&b, "status") && !strcmp(value_of(&b, "status"), "48"),
	       "status = INS | DEL -> 48");
	tap_ok(value_of(&b, "classes") &&
	       !strcmp(value_of(&b, "classes"), "step,denied"),
	       "classes list canonicalised");
	tap_ok(value_of(&b, "key") && !strcmp(value_of(&b, "key"), "ntp-step"),
	       "CRLF line ending stripped from key");
	tap_ok(value_of(&b, "tai") && !strcmp(value_of(&b, "tai"), "37"),
	       "sysfs name accepted in config");
	tap_ok(value_of(&b, "rtc") &&
	       !strcmp(value_of(&b, "rtc"), "500000000"),
	       "rtc = 0.5s -> 500000000");
	tap_ok(value_of(&b, "drift_window") &&
	       !strcmp(value_of(&b, "drift_window"), "900"),
	       "drift_window = 15min -> 900");
	tap_ok(value_of(&b, "drift_budget") &&
	       !strcmp(value_of(&b, "drift_budget"), "50000000"),
	       "drift_budget_ns = 50ms -> 50000000");
	tap_ok(value_of(&b, "freq_drift_window") &&
	       !strcmp(value_of(&b, "freq_drift_window"), "5400"),
	       "freq_drift_window = 1.5h -> 5400");
	tap_ok(value_of(&b, "freq_drift_budget") &&
	       !strcmp(value_of(&b, "freq_drift_budget"), "2000"),
	       "freq_drift_budget = 2ppm -> 2000");
	tap_ok(value_of(&b, "pll") && !strcmp(value_of(&b, "pll"), "80000"),
	       "pll_threshold_ppb = 80ppm -> 80000");
	tap_ok(value_of(&b, "rate") && !strcmp(value_of(&b, "rate"), "0"),
	       "rate = 0 (no limit) -> 0");
	tap_ok(value_of(&b, "rate_exempt") &&
	       !strcmp(value_of(&b, "rate_exempt"), "2000000000"),
	       "rate_exempt = 2s -> 2000000000");
	tap_ok(value_of(&b, "witness_interval") &&
	       !strcmp(value_of(&b, "witness_interval"), "2000"),
	       "witness_interval = 2s -> 2000");
	tap_ok(value_of(&b, "heartbeat") &&
	       !strcmp(value_of(&b, "heartbeat"), "3600"),
	       "heartbeat_s = 1h -> 3600");
	tap_ok(b.n == TA_NPARAMS &&
	       !strcmp(b.a[TA_NPARAMS - 1].param->name, "heartbeat") &&
	       b.a[TA_NPARAMS - 1].line == 20,
	       "last assignment is heartbeat, on line 20");
}

static void test_lock(void)
{
	struct ta_batch b;

	tap_ok(!parse("step = 1ms\nlock\n", &b) && b.lock && b.n == 1,
	       "bare 'lock' line locks");
	tap_ok(!parse("lock = 1\n", &b) && b.lock && b.n == 0,
	       "'lock = 1' locks, alone is fine");
	tap_ok(!parse("lock = 0\n", &b) && !b.lock, "'lock = 0' does not lock");
	tap_ok(parse("lock = 2\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: lock=2: accepted: 0 or 1"), "'lock = 2' refused");
	tap_ok(parse("lock\n\nlock = 1\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":3: lock already set on line 1"),
	       "second lock line refused");
	tap_ok(parse("locked = 1\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: locked cannot be set"),
	       "'locked' points to lock");
}

static void test_errors(void)
{
	struct ta_batch b;

	tap_ok(parse("step = 1ms\n\nfoo = 3\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":3: unknown name 'foo'"), "unknown name cites line");
	tap_ok(parse("step = 1ms\n#\n\nstep = 2ms\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":4: step already set on line 1"),
	       "duplicate cites both lines");
	tap_ok(parse("step_threshold_ns = 1\nstep = 2\n", &b) ==
	       TA_EXIT_USAGE && has(FNAME ":2: step already set on line 1"),
	       "alias counts as duplicate");
	tap_ok(parse("step = 1ms\nslew 2ms\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":2: expected 'name = value'"), "missing '=' refused");
	tap_ok(parse("= 5\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: expected 'name = value'"),
	       "missing name refused");
	tap_ok(parse("step = 5min\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: step=5min: unknown unit, accepted: ns, us, ms, s"),
	       "bad unit cites line and units");
	tap_ok(parse("key =\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: key=: empty value"), "empty value refused");
	tap_ok(parse("freq = 2000ppm\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: freq=2000ppm: out of range, accepted 0..1000ppm (0..1000000 ppb)"),
	       "out of range gives the range");
	tap_ok(parse("drift_window = 0\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: drift_window=0: out of range, accepted 1s..168h (1..604800 s)"),
	       "window of 0 refused with its minimum");
	tap_ok(parse("freq_drift_budget = 0ppm\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: freq_drift_budget=0ppm: out of range, accepted 1ppb..1000ppm"),
	       "budget of 0 refused with its minimum");
	tap_ok(parse("drift_budget_ns = 0\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: drift_budget=0: out of range, accepted 1ns.."),
	       "budget of 0 by sysfs name refused");
	tap_ok(parse("freq_drift_window = 2d\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: freq_drift_window=2d: unknown unit, accepted: s, min, h"),
	       "window units listed");
	tap_ok(parse("rate = 20\nrate_limit = 30\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":2: rate already set on line 1"),
	       "rate and rate_limit are one");
	tap_ok(parse("classes = rtc, tz, drift\n", &b) == TA_EXIT_OK &&
	       value_of(&b, "classes") &&
	       !strcmp(value_of(&b, "classes"), "drift,rtc,tz"),
	       "new classes canonicalised");
	tap_ok(parse("classes = step, leap\n", &b) == TA_EXIT_USAGE &&
	       has("denied, drift, rtc, tz, ptp, aux, all, none"),
	       "unknown class lists every class");
	tap_ok(parse("foo = 1\n", &b) == TA_EXIT_USAGE &&
	       has("freq_drift_budget, rate, rate_exempt, witness_interval, heartbeat, classes, key"),
	       "unknown name lists the new names");
	tap_ok(parse("tick = 1 us\n", &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1: tick=1 us: unknown unit"),
	       "space inside a number refused");
	tap_ok(parse("step = 1x\nok_line_missing\nslew = 1ms\nfreq = -1\n",
		     &b) == TA_EXIT_USAGE &&
	       has(FNAME ":1:") && has(FNAME ":2:") && has(FNAME ":4:") &&
	       !strstr(err, FNAME ":3:"), "all errors reported, not just one");
}

static void test_edges(void)
{
	struct ta_batch b;
	int rc;

	tap_ok(!parse("", &b) && b.n == 0 && !b.lock && !err[0],
	       "empty file is a no-op");
	tap_ok(!parse("# only\n   # comments\n\n", &b) && b.n == 0,
	       "comment-only file is a no-op");
	tap_ok(!parse("key = abc", &b) && b.n == 1 &&
	       !strcmp(b.a[0].value, "abc"), "last line without newline");
	memset(&b, 0, sizeof(b));
	capture_begin();
	rc = ta_config_load("/nonexistent/timeaudit.conf", &b);
	capture_end();
	tap_ok(rc == TA_EXIT_IO &&
	       has("cannot open /nonexistent/timeaudit.conf"),
	       "missing file -> exit %d", TA_EXIT_IO);
}

int main(void)
{
	tap_start();
	test_valid();
	test_lock();
	test_errors();
	test_edges();
	return tap_done();
}
