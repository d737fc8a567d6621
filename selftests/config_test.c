// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration through /sys/module/timeaudit/parameters and insmod:
 * every malformed value is refused with EINVAL, changes nothing and is
 * recorded res=0; every accepted change reads back in canonical form
 * and is recorded once with the writer's identity; the records follow the
 * new settings; a bad insmod parameter loads nothing and says why; only
 * root with CAP_AUDIT_CONTROL may change anything. Locking is tested last
 * of all, by lock_test, since it lasts until reboot.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
#define NOBODY		65534
#define WRITER_AUID	4343
#define LOADER_AUID	4242
#define MAX_RECS	256
#define ALL_CLASSES	"step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux"

static char recs[MAX_RECS][TA_REC_MAX];
static char rec[TA_REC_MAX];

static const char *const params[] = {
	TIMEAUDIT_PARAM_STEP, TIMEAUDIT_PARAM_SLEW, TIMEAUDIT_PARAM_FREQ,
	TIMEAUDIT_PARAM_TICK, TIMEAUDIT_PARAM_TAI, TIMEAUDIT_PARAM_STATUS,
	TIMEAUDIT_PARAM_CLASSES, TIMEAUDIT_PARAM_KEY, TIMEAUDIT_PARAM_LOCKED,
	TIMEAUDIT_PARAM_RTC, TIMEAUDIT_PARAM_DRIFT_WINDOW,
	TIMEAUDIT_PARAM_DRIFT_BUDGET, TIMEAUDIT_PARAM_FDRIFT_WINDOW,
	TIMEAUDIT_PARAM_FDRIFT_BUDGET, TIMEAUDIT_PARAM_RATE,
	TIMEAUDIT_PARAM_PLL,
};

#define LOCKED_IDX	8	/* params[LOCKED_IDX] is "locked" */

/* Canonical defaults, in the order of params[]. */
static const char *const defaults[ARRAY_SIZE(params)] = {
	"1000000", "128000000", "10000", "1", "1", "0x0030", ALL_CLASSES,
	TIMEAUDIT_DEF_KEY, "0", "1000000000", "600", "100000000", "21600",
	"5000", "20", "50000",
};

static const char *ko(void)
{
	const char *m = getenv("TA_MODULE");

	return m ? m : "/ta/timeaudit.ko";
}

/* A string of @n copies of @c; never freed, the test is short-lived. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		ksft_exit_fail_msg("out of memory\n");
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static char *fmt(const char *f, unsigned long long v)
{
	char *s;

	if (asprintf(&s, f, v) < 0)
		ksft_exit_fail_msg("out of memory\n");
	return s;
}

/*
 * How the module shows a written value in old=/new=: at most 64 bytes,
 * one trailing newline dropped, quoted if every byte is safe, else hex.
 */
static void encode(const char *field, const char *val, char *out, size_t len)
{
	size_t n = strnlen(val, 64), i, used;

	if (n && val[n - 1] == '\n')
		n--;
	for (i = 0; i < n; i++)
		if (!((val[i] >= 'a' && val[i] <= 'z') ||
		      (val[i] >= 'A' && val[i] <= 'Z') ||
		      (val[i] >= '0' && val[i] <= '9') ||
		      strchr("._:,|-", val[i])))
			break;
	if (i == n) {
		snprintf(out, len, " %s=\"%.*s\"", field, (int)n, val);
		return;
	}
	used = snprintf(out, len, " %s=", field);
	for (i = 0; i < n && used + 3 < len; i++)
		used += snprintf(out + used, len - used, "%02X",
				 (unsigned char)val[i]);
}

/* The record has this exact old=/new= field (followed by a blank). */
static int has_value(const char *r, const char *field, const char *val)
{
	char want[256];
	const char *p;

	encode(field, val, want, sizeof(want));
	p = strstr(r, want);
	return p && p[strlen(want)] == ' ';
}

/* How many times @name= appears as a field before the enrichment. */
static int field_count(const char *r, const char *name)
{
	const char *end = strchr(r, 0x1d), *p = r;
	char want[64];
	int n = 0;

	snprintf(want, sizeof(want), " %s=", name);
	while ((p = strstr(p, want)) && (!end || p < end)) {
		n++;
		p++;
	}
	return n;
}

static int key_is(const char *r, const char *key)
{
	char v[64];

	return field_count(r, "key") == 1 &&
	       !ta_field(r, "key", v, sizeof(v)) && !strcmp(v, key);
}

static int param_is(const char *name, const char *want)
{
	char v[4096];

	return !ta_param_read(name, v, sizeof(v)) && !strcmp(v, want);
}

static void restore_defaults(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		ta_param_write(params[i], defaults[i]);
}

static int all_defaults(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (!param_is(params[i], defaults[i]))
			return 0;
	return 1;
}

/* --- 1. malformed values ------------------------------------------------ */

struct bad {
	const char *param;
	const char *val;
	int err;		/* expected errno of the write */
};

static struct bad bad[320];
static size_t nbad;

static void add_bad(const char *param, const char *val, int err)
{
	if (nbad == ARRAY_SIZE(bad))
		ksft_exit_fail_msg("bad[] too small\n");
	bad[nbad].param = param;
	bad[nbad].val = val;
	bad[nbad].err = err;
	nbad++;
}

static const char *const hundred =
	"1234567890123456789012345678901234567890123456789012345678901234567890"
	"123456789012345678901234567890";

static void build_bad_table(void)
{
	static const char *const dec[] = {
		"\n", "-1", "+1", " 1", "1 ", "1x", "0x10", "1\n\n", "1.5",
		"-0", "18446744073709551616",
	};
	static const struct { const char *name; unsigned long long max; }
	thr[] = {
		{ TIMEAUDIT_PARAM_STEP, TIMEAUDIT_MAX_STEP_NS },
		{ TIMEAUDIT_PARAM_SLEW, TIMEAUDIT_MAX_SLEW_NS },
		{ TIMEAUDIT_PARAM_FREQ, TIMEAUDIT_MAX_FREQ_PPB },
		{ TIMEAUDIT_PARAM_PLL, TIMEAUDIT_MAX_PLL_PPB },
		{ TIMEAUDIT_PARAM_TICK, TIMEAUDIT_MAX_TICK_US },
		{ TIMEAUDIT_PARAM_TAI, TIMEAUDIT_MAX_TAI_S },
		{ TIMEAUDIT_PARAM_RTC, TIMEAUDIT_MAX_RTC_NS },
		{ TIMEAUDIT_PARAM_DRIFT_WINDOW, TIMEAUDIT_MAX_WINDOW_S },
		{ TIMEAUDIT_PARAM_DRIFT_BUDGET, TIMEAUDIT_MAX_DRIFT_BUDGET_NS },
		{ TIMEAUDIT_PARAM_FDRIFT_WINDOW, TIMEAUDIT_MAX_WINDOW_S },
		{ TIMEAUDIT_PARAM_FDRIFT_BUDGET, TIMEAUDIT_MAX_FDRIFT_BUDGET_PPB },
		{ TIMEAUDIT_PARAM_RATE, TIMEAUDIT_MAX_RATE },
	};
	/* Windows and budgets cannot be empty. */
	static const char *const at_least_one[] = {
		TIMEAUDIT_PARAM_DRIFT_WINDOW, TIMEAUDIT_PARAM_DRIFT_BUDGET,
		TIMEAUDIT_PARAM_FDRIFT_WINDOW, TIMEAUDIT_PARAM_FDRIFT_BUDGET,
	};
	static const char *const mask[] = {
		"\n", "-1", "+1", " 1", "1 ", "1x", "0x", "0xg", "0x0x10",
		"0x+10", "0x 10", "0x10000", "65536", "18446744073709551616",
		"0x10000000000000000",
	};
	static const char *const classes[] = {
		"\n", "-1", "bogus", "step,step", "step,", ",step",
		"step,,freq", " step", "step ", "STEP", "all,step",
		"none,step", "step,bogus", "all,", "step\n\n",
	};
	static const char *const key[] = {
		" 1", "1 ", "pci time", "pci\"time", "a/b", "x=y",
		"caf\xc3\xa9", "key\n\n", "tab\tkey",
	};
	static const char *const locked[] = {
		"\n", "2", "-1", "+1", " 1", "1 ", "1x", "0x1", "1\n\n", "-0",
		"18446744073709551616", "true",
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(thr); i++) {
		for (j = 0; j < ARRAY_SIZE(dec); j++)
			add_bad(thr[i].name, dec[j], EINVAL);
		add_bad(thr[i].name, fmt("%llu", thr[i].max + 1), EINVAL);
		add_bad(thr[i].name, hundred, EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(at_least_one); i++)
		add_bad(at_least_one[i], "0", EINVAL);
	for (j = 0; j < ARRAY_SIZE(mask); j++)
		add_bad(TIMEAUDIT_PARAM_STATUS, mask[j], EINVAL);
	add_bad(TIMEAUDIT_PARAM_STATUS,
		fmt("%llu", TIMEAUDIT_MAX_STATUS_MASK + 1), EINVAL);
	add_bad(TIMEAUDIT_PARAM_STATUS, hundred, EINVAL);
	for (j = 0; j < ARRAY_SIZE(classes); j++)
		add_bad(TIMEAUDIT_PARAM_CLASSES, classes[j], EINVAL);
	for (j = 0; j < ARRAY_SIZE(key); j++)
		add_bad(TIMEAUDIT_PARAM_KEY, key[j], EINVAL);
	add_bad(TIMEAUDIT_PARAM_KEY, repeat('k', TIMEAUDIT_KEY_MAX + 1), EINVAL);
	add_bad(TIMEAUDIT_PARAM_KEY, repeat('k', TIMEAUDIT_KEY_MAX + 2), EINVAL);
	for (j = 0; j < ARRAY_SIZE(locked); j++)
		add_bad(TIMEAUDIT_PARAM_LOCKED, locked[j], EINVAL);
	add_bad(TIMEAUDIT_PARAM_LOCKED, hundred, EINVAL);

	/*
	 * Every parameter: 4000 bytes, and 5000 (sysfs hands the module
	 * its first page), are refused; a zero-byte write never reaches the
	 * module and changes nothing.
	 */
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		add_bad(params[i], repeat(i < 6 ? '9' : 'a', 4000), EINVAL);
		add_bad(params[i], repeat('a', 5000), EINVAL);
		add_bad(params[i], "", 0);
	}
}

/* Printable form of a value for the test name. */
static const char *show(const char *v, char *buf, size_t len)
{
	size_t n = strlen(v), i, used = 0;

	if (n > 24) {
		snprintf(buf, len, "<%zu bytes>", n);
		return buf;
	}
	for (i = 0; i < n && used + 5 < len; i++) {
		unsigned char c = v[i];

		if (c == '\n')
			used += snprintf(buf + used, len - used, "\\n");
		else if (c == '\t')
			used += snprintf(buf + used, len - used, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			used += snprintf(buf + used, len - used, "\\x%02x", c);
		else
			buf[used++] = c;
	}
	buf[used] = '\0';
	return buf;
}

static void test_bad_values(void)
{
	static int got[ARRAY_SIZE(bad)], same[ARRAY_SIZE(bad)];
	static char before[ARRAY_SIZE(bad)][64];
	const char *needles[] = { "op=" TIMEAUDIT_OP_SET, "res=0", NULL,
				  NULL };
	char pidn[32], v[4096], sh[64];
	int n, k = 0, refused = 0;
	long mark;
	size_t i;

	snprintf(pidn, sizeof(pidn), " pid=%d ", getpid());
	needles[2] = pidn;
	mark = ta_log_mark();
	for (i = 0; i < nbad; i++) {
		ta_param_read(bad[i].param, before[i], sizeof(before[i]));
		got[i] = -ta_param_write(bad[i].param, bad[i].val);
		same[i] = !ta_param_read(bad[i].param, v, sizeof(v)) &&
			  !strcmp(v, before[i]);
		if (!same[i])	/* accepted by mistake: put it back */
			ta_param_write(bad[i].param, before[i]);
		if (got[i] == EINVAL)
			refused++;
	}
	n = ta_ausearch(mark, "-m CONFIG_CHANGE", needles, recs, MAX_RECS);

	for (i = 0; i < nbad; i++) {
		const char *r = NULL;
		char pn[64];
		int ok;

		snprintf(pn, sizeof(pn), " param=%s ", bad[i].param);
		/* Refusals are recorded in order: the k-th is this one. */
		if (got[i] == EINVAL && k < n && k < MAX_RECS)
			r = recs[k++];
		ok = got[i] == bad[i].err && same[i];
		if (bad[i].err == EINVAL)
			ok = ok && r && strstr(r, pn) &&
			     has_value(r, "old", before[i]) &&
			     has_value(r, "new", bad[i].val) &&
			     ta_field_ll(r, "exit") == -EINVAL &&
			     ta_field_ll(r, "uid") == 0 &&
			     key_is(r, TIMEAUDIT_DEF_KEY);
		ksft_test_result(ok, "%s='%s': %s (got %s), unchanged%s\n",
				 bad[i].param, show(bad[i].val, sh, sizeof(sh)),
				 bad[i].err ? strerror(bad[i].err) : "no error",
				 got[i] ? strerror(got[i]) : "no error",
				 bad[i].err == EINVAL ?
				 ", recorded res=0 with old, new and key" :
				 ", not recorded");
		if (!ok && r)
			ksft_print_msg("record: %.400s\n", r);
	}
	ksft_test_result(n == refused && all_defaults(),
			 "one res=0 record per refusal (%d for %d), all values still the defaults\n",
			 n, refused);
}

/* --- 2. accepted values, written by an identifiable child --------------- */

struct good {
	const char *param;
	const char *val;
	const char *canon;	/* what reads back */
};

static const struct good good[] = {
	{ TIMEAUDIT_PARAM_STEP, "5000", "5000" },
	{ TIMEAUDIT_PARAM_STEP, "007", "7" },
	{ TIMEAUDIT_PARAM_SLEW, "0", "0" },
	{ TIMEAUDIT_PARAM_FREQ, "1000000", "1000000" },
	{ TIMEAUDIT_PARAM_TICK, "10000", "10000" },
	{ TIMEAUDIT_PARAM_TAI, "2147483647", "2147483647" },
	{ TIMEAUDIT_PARAM_STATUS, "255", "0x00ff" },
	{ TIMEAUDIT_PARAM_STATUS, "0XFFFF", "0xffff" },
	{ TIMEAUDIT_PARAM_STATUS, "0x0", "0x0000" },
	{ TIMEAUDIT_PARAM_CLASSES, "denied,freq,step", "step,freq,denied" },
	{ TIMEAUDIT_PARAM_CLASSES, "none", "none" },
	{ TIMEAUDIT_PARAM_CLASSES, "all", ALL_CLASSES },
	{ TIMEAUDIT_PARAM_KEY, "pci-time", "pci-time" },
	{ TIMEAUDIT_PARAM_KEY, "A.b_c:d-0123456789012345678901x",
	  "A.b_c:d-0123456789012345678901x" },
	{ TIMEAUDIT_PARAM_KEY, "", "" },
	{ TIMEAUDIT_PARAM_LOCKED, "0", "0" },
	{ TIMEAUDIT_PARAM_RTC, "0", "0" },
	{ TIMEAUDIT_PARAM_DRIFT_WINDOW, "1", "1" },
	{ TIMEAUDIT_PARAM_DRIFT_BUDGET, "1000000000000000000",
	  "1000000000000000000" },
	{ TIMEAUDIT_PARAM_FDRIFT_WINDOW, "604800", "604800" },
	{ TIMEAUDIT_PARAM_FDRIFT_BUDGET, "1", "1" },
	{ TIMEAUDIT_PARAM_RATE, "0", "0" },
	{ TIMEAUDIT_PARAM_PLL, "0", "0" },
};

/* echo VAL > the parameter, as /bin/sh with a login uid; returns its pid. */
static pid_t sh_write(const char *param, const char *val, int *status)
{
	char path[256];
	const char *argv[] = { "/bin/sh", "-c", "echo \"$1\" > \"$2\"", "sh",
			       val, path, NULL };

	snprintf(path, sizeof(path), TIMEAUDIT_SYSFS_PARAMS "/%s", param);
	return ta_spawn(argv, WRITER_AUID, status);
}

static void test_good_values(void)
{
	char old[4096], v[64], pidn[32], pn[64], sh[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET, pn, pidn,
					  NULL };
		int status, n;
		long mark;
		pid_t pid;

		ta_param_read(good[i].param, old, sizeof(old));
		mark = ta_log_mark();
		pid = sh_write(good[i].param, good[i].val, &status);
		ksft_test_result(pid > 0 && WIFEXITED(status) &&
				 !WEXITSTATUS(status) &&
				 param_is(good[i].param, good[i].canon),
				 "%s='%s' accepted, reads back '%s'\n",
				 good[i].param,
				 show(good[i].val, sh, sizeof(sh)),
				 good[i].canon);

		snprintf(pn, sizeof(pn), " param=%s ", good[i].param);
		snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
		n = ta_search(mark, "CONFIG_CHANGE", needles, rec, sizeof(rec));
		ksft_test_result(n == 1 && strstr(rec, " res=1") &&
				 has_value(rec, "old", old) &&
				 has_value(rec, "new", good[i].val) &&
				 ta_field_ll(rec, "auid") == WRITER_AUID &&
				 ta_field_ll(rec, "uid") == 0 &&
				 !ta_field(rec, "comm", v, sizeof(v)) &&
				 !strcmp(v, "sh") &&
				 !ta_field(rec, "exe", v, sizeof(v)) &&
				 !strcmp(v, "/bin/busybox") &&
				 field_count(rec, "key") == 1,
				 "%s='%s': one record with old='%s', new, res=1, auid %d, pid, comm=sh (%d)\n",
				 good[i].param,
				 show(good[i].val, sh, sizeof(sh)), old,
				 WRITER_AUID, n);
		if (n != 1 || !strstr(rec, " res=1"))
			ksft_print_msg("record: %.400s\n", rec);
	}
	restore_defaults();
	ksft_test_result(all_defaults(), "defaults restored\n");
}

/* --- 3. the records follow the configuration ---------------------------- */

static int setoffset(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };
	long long s = ns / NSEC, r = ns % NSEC;

	if (r < 0) {
		r += NSEC;
		s--;
	}
	tx.time.tv_sec = s;
	tx.time.tv_usec = r;
	return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) < 0 ? -errno : 0;
}

/* This process's step records after @mark. */
static int steps(long mark)
{
	char pid[32];
	const char *needles[] = { "class=step", pid, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	return ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
}

static void test_behaviour(void)
{
	const char *pci[] = { "op=" TIMEAUDIT_OP_SET, "param=key", NULL };
	unsigned long long ev, sup;
	long mark;
	int n, m;

	/* A threshold above the step: counted, suppressed, not recorded. */
	ta_param_write(TIMEAUDIT_PARAM_STEP, "10000000000");
	setoffset(0);	/* sets STA_NANO first, itself a (status) event */
	ev = ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step");
	sup = ta_counter(TIMEAUDIT_CNT_SUPPRESSED);
	mark = ta_log_mark();
	n = setoffset(5 * NSEC) || setoffset(-5 * NSEC);
	m = steps(mark);
	ksft_test_result(!n && m == 0,
			 "step_threshold_ns=10 s: steps of +-5 s not recorded (%d)\n",
			 m);
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step") == ev + 2 &&
			 ta_counter(TIMEAUDIT_CNT_SUPPRESSED) == sup + 2,
			 "... but counted in events_step and records_suppressed\n");

	ta_param_write(TIMEAUDIT_PARAM_STEP, "1000000");
	mark = ta_log_mark();
	n = setoffset(5 * NSEC);
	m = steps(mark);
	ksft_test_result(!n && m == 1 &&
			 ta_field_ll(rec, "delta_ns") == 5 * NSEC &&
			 ta_field_ll(rec, "threshold_ns") == 1000000,
			 "step_threshold_ns back to 1 ms: the 5 s step is recorded (%d)\n",
			 m);
	mark = ta_log_mark();
	n = setoffset(-5 * NSEC);
	m = steps(mark);
	ksft_test_result(!n && m == 1 &&
			 ta_field_ll(rec, "delta_ns") == -5 * NSEC,
			 "... and so is the step back (%d)\n", m);

	/* A class switched off: counted, never recorded. */
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, "slew,freq,tick,status,tai,denied");
	ev = ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step");
	mark = ta_log_mark();
	n = setoffset(5000000) || setoffset(-5000000);
	m = steps(mark);
	ksft_test_result(!n && m == 0,
			 "classes without step: 5 ms steps not recorded (%d)\n", m);
	ksft_test_result(ta_counter(TIMEAUDIT_CNT_EVENTS_PREFIX "step") == ev + 2,
			 "... but counted in events_step\n");
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, "all");

	/* The key goes on every record, the set record included. */
	mark = ta_log_mark();
	ta_param_write(TIMEAUDIT_PARAM_KEY, "pci-time");
	n = setoffset(5000000);
	m = steps(mark);
	ksft_test_result(!n && m == 1 && key_is(rec, "pci-time"),
			 "key=pci-time: the step record carries key=\"pci-time\"\n");
	n = ta_ausearch(mark, "-k pci-time", pci, recs, MAX_RECS);
	ksft_test_result(n == 1 && key_is(recs[0], "pci-time") &&
			 has_value(recs[0], "old", TIMEAUDIT_DEF_KEY) &&
			 has_value(recs[0], "new", "pci-time"),
			 "ausearch -k pci-time finds the change of key (%d)\n", n);
	m = ta_ausearch(mark, "-k pci-time -m TIME_INJOFFSET", NULL, recs,
			MAX_RECS);
	if (m < 1)
		ksft_print_msg("note: ausearch -k does not index TIME_INJOFFSET records (found %d)\n",
			       m);
	setoffset(-5000000);
	ta_param_write(TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY);

	/* A threshold of 0 records every step, even of 1 ns. */
	ta_param_write(TIMEAUDIT_PARAM_STEP, "0");
	mark = ta_log_mark();
	n = setoffset(1);
	m = steps(mark);
	ksft_test_result(!n && m == 1 && ta_field_ll(rec, "delta_ns") == 1 &&
			 ta_field_ll(rec, "threshold_ns") == 0,
			 "step_threshold_ns=0: a 1 ns step is recorded (%d)\n", m);
	mark = ta_log_mark();
	n = setoffset(-1);
	m = steps(mark);
	ksft_test_result(!n && m == 1 && ta_field_ll(rec, "delta_ns") == -1,
			 "step_threshold_ns=0: a -1 ns step is recorded (%d)\n", m);
	ta_param_write(TIMEAUDIT_PARAM_STEP, "1000000");
	mark = ta_log_mark();
	n = setoffset(1) || setoffset(-1);
	m = steps(mark);
	ksft_test_result(!n && m == 0,
			 "step_threshold_ns=1 ms: 1 ns steps not recorded (%d)\n", m);
	restore_defaults();
}

/* --- 5. who may read and write ------------------------------------------ */

struct probe_result {
	int read_ok;		/* parameters read, same as root's */
	int counters_ok;	/* counters read and numeric */
	int write_err[ARRAY_SIZE(params)];
	int cap_gone;
	int fail_errno;		/* first failed read, for the log */
	char fail_what[64];
};

#define MAX_COUNTERS	32	/* 5 + one per class: 17 with aux */
static char counters[MAX_COUNTERS][256];
static int ncounters;

static void list_counters(void)
{
	DIR *d = opendir(TIMEAUDIT_SYSFS_COUNTERS);
	struct dirent *e;

	ncounters = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && ncounters < MAX_COUNTERS)
			snprintf(counters[ncounters++], sizeof(counters[0]),
				 "%s", e->d_name);
	if (d)
		closedir(d);
}

static int drop_audit_control(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	const unsigned int bit = 1U << CAP_AUDIT_CONTROL;

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~bit;
	d[0].permitted &= ~bit;
	d[0].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d) || syscall(SYS_capget, &h, d))
		return -1;
	return !(d[0].effective & bit) && !(d[0].permitted & bit) ? 0 : -1;
}

/*
 * In a child: become nobody (@nocap false) or root without
 * CAP_AUDIT_CONTROL (@nocap true), read everything, try one write per
 * parameter (@vals), report through a pipe.
 */
static pid_t probe_as(int nocap, const char *const *vals,
		      struct probe_result *res)
{
	int fd[2], status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(fd))
		return -1;
	pid = fork();
	if (!pid) {
		struct probe_result r = { .read_ok = 1, .counters_ok = 1 };
		char v[4096], path[512];
		size_t i;

		if (nocap)
			r.cap_gone = !drop_audit_control();
		else if (setresgid(NOBODY, NOBODY, NOBODY) ||
			 setresuid(NOBODY, NOBODY, NOBODY))
			_exit(1);
		for (i = 0; i < ARRAY_SIZE(params); i++) {
			int e = ta_param_read(params[i], v, sizeof(v));

			if (!e && !strcmp(v, defaults[i]))
				continue;
			if (r.read_ok) {
				r.fail_errno = -e;
				snprintf(r.fail_what, sizeof(r.fail_what),
					 "%s='%.40s'", params[i], e ? "" : v);
			}
			r.read_ok = 0;
		}
		for (i = 0; i < (size_t)ncounters; i++) {
			int e;

			snprintf(path, sizeof(path),
				 TIMEAUDIT_SYSFS_COUNTERS "/%.200s", counters[i]);
			e = ta_read_file(path, v, sizeof(v));
			if (!e && v[0] && strspn(v, "0123456789") == strlen(v))
				continue;
			if (r.counters_ok && r.read_ok) {
				r.fail_errno = -e;
				snprintf(r.fail_what, sizeof(r.fail_what),
					 "%.20s='%.20s'", counters[i],
					 e ? "" : v);
			}
			r.counters_ok = 0;
		}
		for (i = 0; i < ARRAY_SIZE(params); i++)
			r.write_err[i] = vals[i] ?
				-ta_param_write(params[i], vals[i]) : 0;
		if (write(fd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], res, sizeof(*res)) != sizeof(*res))
		res->read_ok = -1;
	close(fd[0]);
	waitpid(pid, &status, 0);
	return pid;
}

static void test_permissions(void)
{
	static const char *const newvals[ARRAY_SIZE(params)] = {
		"5000", "5000", "5000", "5", "5", "0x1", "step", "evil", "1",
		"5", "5", "5", "5", "5", "5", "5",
	};
	const char *nocap[ARRAY_SIZE(params)] = { NULL };
	const char *needles[] = { NULL, "res=0", NULL };
	struct probe_result r;
	char pidn[32];
	size_t i;
	long mark;
	pid_t pid;
	int n, all;

	list_counters();
	mark = ta_log_mark();
	pid = probe_as(0, newvals, &r);
	if (r.read_ok != 1 || !r.counters_ok)
		ksft_print_msg("nobody: first failed read: %s: %s\n",
			       r.fail_what, strerror(r.fail_errno));
	ksft_test_result(pid > 0 && r.read_ok == 1,
			 "nobody reads all %zu parameters\n", ARRAY_SIZE(params));
	ksft_test_result(r.counters_ok && ncounters == 5 + TIMEAUDIT_CLASS_COUNT,
			 "nobody reads all %d counters\n", ncounters);
	for (i = 0, all = 1; i < ARRAY_SIZE(params); i++)
		if (r.write_err[i] != EACCES) {
			ksft_print_msg("nobody writing %s: %s\n", params[i],
				       strerror(r.write_err[i]));
			all = 0;
		}
	ksft_test_result(all, "nobody's writes fail with EACCES\n");
	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	needles[0] = pidn;
	needles[1] = NULL;
	n = ta_search(mark, "CONFIG_CHANGE", needles, NULL, 0);
	ksft_test_result(all_defaults() && n == 0,
			 "nothing changed, nothing recorded (%d)\n", n);

	/* Root without CAP_AUDIT_CONTROL gets as far as the module. */
	nocap[0] = "5000";
	nocap[LOCKED_IDX] = "1";
	mark = ta_log_mark();
	pid = probe_as(1, nocap, &r);
	ksft_test_result(pid > 0 && r.cap_gone && r.read_ok == 1,
			 "root without CAP_AUDIT_CONTROL reads all parameters\n");
	ksft_test_result(r.write_err[0] == EPERM &&
			 r.write_err[LOCKED_IDX] == EPERM,
			 "... but writing step_threshold_ns or locked gives EPERM (%s, %s)\n",
			 strerror(r.write_err[0]),
			 strerror(r.write_err[LOCKED_IDX]));
	ksft_test_result(all_defaults(), "... and changes nothing (not locked)\n");
	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	needles[0] = pidn;
	needles[1] = "res=0";
	n = ta_ausearch(mark, "-m CONFIG_CHANGE", needles, recs, MAX_RECS);
	ksft_test_result(n == 2 && strstr(recs[0], " param=" TIMEAUDIT_PARAM_STEP " ") &&
			 has_value(recs[0], "new", "5000") &&
			 ta_field_ll(recs[0], "exit") == -EPERM &&
			 strstr(recs[1], " param=" TIMEAUDIT_PARAM_LOCKED " ") &&
			 has_value(recs[1], "new", "1") &&
			 ta_field_ll(recs[1], "exit") == -EPERM &&
			 ta_field_ll(recs[1], "uid") == 0,
			 "... and each refusal is recorded res=0 exit=-1 with its pid (%d)\n",
			 n);
}

/* --- 4. insmod ----------------------------------------------------------- */

/*
 * The parameter files appear before the module's init runs. A write in
 * that window is a runtime write like any other: a writer without
 * CAP_AUDIT_CONTROL hammering step_threshold_ns from the moment the file
 * exists must never get through, and every attempt must be recorded.
 */
static void test_init_race(void)
{
	const char *argv[] = { "/bin/insmod", NULL, "step_threshold_ns=5000",
			       NULL };
	const char *needles[] = { "op=" TIMEAUDIT_OP_SET, NULL, NULL };
	int fd[2], status, n, i;
	long counts[3] = { 0 };	/* writes accepted, EPERM, other errors */
	char pidn[32];
	pid_t hammer;
	long mark;

	argv[1] = ko();
	mark = ta_log_mark();
	if (pipe(fd))
		ksft_exit_fail_msg("pipe\n");
	hammer = fork();
	if (!hammer) {
		long c[3] = { 0 };
		int w = -1;

		drop_audit_control();
		/* Until the module is there, then 300 writes. */
		for (i = 0; i < 20000000 && w < 0; i++)
			w = open(TIMEAUDIT_SYSFS_PARAMS "/" TIMEAUDIT_PARAM_STEP,
				 O_WRONLY);
		for (i = 0; w >= 0 && i < 300; i++) {
			if (write(w, "7", 1) == 1)
				c[0]++;
			else
				c[errno == EPERM ? 1 : 2]++;
		}
		if (write(fd[1], c, sizeof(c)) != sizeof(c))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	ta_spawn(argv, LOADER_AUID, &status);
	if (read(fd[0], counts, sizeof(counts)) != sizeof(counts))
		counts[2] = -1;
	close(fd[0]);
	waitpid(hammer, NULL, 0);
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
			 counts[0] == 0 && counts[1] == 300 &&
			 param_is(TIMEAUDIT_PARAM_STEP, "5000"),
			 "insmod while a writer without CAP_AUDIT_CONTROL hammers step_threshold_ns: %ld of 300 writes got through, %ld EPERM, %ld other\n",
			 counts[0], counts[1], counts[2]);
	snprintf(pidn, sizeof(pidn), " pid=%d ", hammer);
	needles[1] = pidn;
	n = ta_ausearch(mark, "-m CONFIG_CHANGE", needles, recs, MAX_RECS);
	for (i = 0; i < n && i < MAX_RECS; i++)
		if (!strstr(recs[i], " res=0") ||
		    ta_field_ll(recs[i], "exit") != -EPERM)
			break;
	ksft_test_result(n == 300 && i == (n < MAX_RECS ? n : MAX_RECS),
			 "... each attempt recorded op=%s res=0 exit=-1 (%d)\n",
			 TIMEAUDIT_OP_SET, n);
	ksft_test_result(ta_module_load(NULL) == 0 && all_defaults(),
			 "reloaded with the defaults\n");
}

/* /dev/kmsg positioned after every message so far. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether a message since kmsg_open() contains @needle; closes @fd. */
static int kmsg_find(int fd, const char *needle)
{
	char buf[8192];
	int found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten: skip on */
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, needle))
			found = 1;
	}
	close(fd);
	return found;
}

struct badload {
	const char *args[3];
	const char *param;
	const char *val;
	const char *msg;	/* the module's own complaint */
};

static void test_insmod(void)
{
	static char msg[6][256];
	const struct badload bl[] = {
		{ { "step_threshold_ns=-1" }, TIMEAUDIT_PARAM_STEP, "-1",
		  msg[0] },
		{ { "freq_threshold_ppb=1000001" }, TIMEAUDIT_PARAM_FREQ,
		  "1000001", msg[1] },
		{ { "status_mask=0x10000" }, TIMEAUDIT_PARAM_STATUS,
		  "0x10000", msg[2] },
		{ { "classes=bogus" }, TIMEAUDIT_PARAM_CLASSES, "bogus",
		  msg[3] },
		{ { "step_threshold_ns=5000", "key=a/b" }, TIMEAUDIT_PARAM_KEY,
		  "a/b", msg[4] },
		{ { "locked=2" }, TIMEAUDIT_PARAM_LOCKED, "2", msg[5] },
	};
	const char *op_load[] = { "op=" TIMEAUDIT_OP_LOAD, NULL, NULL, NULL };
	char pn[64], pidn[32], v[256];
	int status, fd, n, j, good_recs;
	size_t i;
	long mark;
	pid_t pid;

	snprintf(msg[0], sizeof(msg[0]),
		 TIMEAUDIT_NAME ": invalid %s=-1: expected an integer from 0 to %llu (ns)",
		 TIMEAUDIT_PARAM_STEP, TIMEAUDIT_MAX_STEP_NS);
	snprintf(msg[1], sizeof(msg[1]),
		 TIMEAUDIT_NAME ": invalid %s=1000001: expected an integer from 0 to %llu (ppb)",
		 TIMEAUDIT_PARAM_FREQ, TIMEAUDIT_MAX_FREQ_PPB);
	snprintf(msg[2], sizeof(msg[2]),
		 TIMEAUDIT_NAME ": invalid %s=0x10000: expected STA_* bits, decimal or 0x hex, at most 0x%llx",
		 TIMEAUDIT_PARAM_STATUS,
		 (unsigned long long)TIMEAUDIT_MAX_STATUS_MASK);
	snprintf(msg[3], sizeof(msg[3]),
		 TIMEAUDIT_NAME ": invalid %s=bogus: expected a comma list of %s, or all, or none",
		 TIMEAUDIT_PARAM_CLASSES, ALL_CLASSES);
	snprintf(msg[4], sizeof(msg[4]),
		 TIMEAUDIT_NAME ": invalid %s=a/b: expected at most %d characters from A-Z a-z 0-9 . _ : -",
		 TIMEAUDIT_PARAM_KEY, TIMEAUDIT_KEY_MAX);
	snprintf(msg[5], sizeof(msg[5]),
		 TIMEAUDIT_NAME ": invalid %s=2: expected 0 or 1",
		 TIMEAUDIT_PARAM_LOCKED);

	ksft_test_result(ta_module_unload() == 0 && !ta_module_loaded(),
			 "rmmod before the insmod tests\n");
	for (i = 0; i < ARRAY_SIZE(bl); i++) {
		const char *argv[] = { "/bin/insmod", ko(), bl[i].args[0],
				       bl[i].args[1], NULL };

		mark = ta_log_mark();
		fd = kmsg_open();
		pid = ta_spawn(argv, LOADER_AUID, &status);
		ksft_test_result(pid > 0 && WIFEXITED(status) &&
				 WEXITSTATUS(status) && !ta_module_loaded() &&
				 !ta_module_listed(),
				 "insmod %s%s%s fails, nothing stays loaded\n",
				 bl[i].args[0], bl[i].args[1] ? " " : "",
				 bl[i].args[1] ? bl[i].args[1] : "");
		ksft_test_result(kmsg_find(fd, bl[i].msg),
				 "kernel log: \"%s\"\n", bl[i].msg);
		snprintf(pn, sizeof(pn), " param=%s ", bl[i].param);
		snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
		op_load[1] = pn;
		op_load[2] = pidn;
		/*
		 * busybox insmod tries finit_module() and then init_module():
		 * one record per attempt, each complete.
		 */
		n = ta_ausearch(mark, "-m CONFIG_CHANGE", op_load, recs,
				MAX_RECS);
		for (j = 0, good_recs = 0; j < n && j < MAX_RECS; j++) {
			const char *r = recs[j];

			if (strstr(r, " res=0") &&
			    ta_field_ll(r, "exit") == -EINVAL &&
			    has_value(r, "new", bl[i].val) &&
			    ta_field_ll(r, "auid") == LOADER_AUID &&
			    key_is(r, TIMEAUDIT_DEF_KEY))
				good_recs++;
			else
				ksft_print_msg("record: %.400s\n", r);
		}
		ksft_test_result(n >= 1 && n <= 2 && good_recs == n,
				 "op=%s res=0 exit=-22 records (one per load attempt) name %s, its value, the loader and the key in force (%d)\n",
				 TIMEAUDIT_OP_LOAD, bl[i].param, n);
	}

	{
		const char *argv[] = {
			"/bin/insmod", ko(), "step_threshold_ns=5000",
			"slew_threshold_ns=0", "freq_threshold_ppb=20000",
			"tick_threshold_us=3", "tai_threshold_s=2",
			"status_mask=0x10", "classes=freq,step", "key=boot-key",
			"locked=0", NULL,
		};
		const char *ok[] = { "op=" TIMEAUDIT_OP_LOAD, "res=1",
				     pidn, NULL };

		mark = ta_log_mark();
		pid = ta_spawn(argv, LOADER_AUID, &status);
		ksft_test_result(pid > 0 && WIFEXITED(status) &&
				 !WEXITSTATUS(status) && ta_module_loaded(),
				 "insmod with every parameter set succeeds\n");
		ksft_test_result(param_is(TIMEAUDIT_PARAM_STEP, "5000") &&
				 param_is(TIMEAUDIT_PARAM_SLEW, "0") &&
				 param_is(TIMEAUDIT_PARAM_FREQ, "20000") &&
				 param_is(TIMEAUDIT_PARAM_TICK, "3") &&
				 param_is(TIMEAUDIT_PARAM_TAI, "2") &&
				 param_is(TIMEAUDIT_PARAM_STATUS, "0x0010") &&
				 param_is(TIMEAUDIT_PARAM_CLASSES, "step,freq") &&
				 param_is(TIMEAUDIT_PARAM_KEY, "boot-key") &&
				 param_is(TIMEAUDIT_PARAM_LOCKED, "0"),
				 "sysfs shows the insmod parameters\n");
		snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
		n = ta_search(mark, "CONFIG_CHANGE", ok, rec, sizeof(rec));
		ksft_test_result(n == 1 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_STEP) == 5000 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_SLEW) == 0 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_FREQ) == 20000 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_TICK) == 3 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_TAI) == 2 &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_STATUS) == 0x10 &&
				 !ta_field(rec, TIMEAUDIT_PARAM_CLASSES, v, sizeof(v)) &&
				 !strcmp(v, "step,freq") &&
				 ta_field_ll(rec, TIMEAUDIT_PARAM_LOCKED) == 0 &&
				 key_is(rec, "boot-key") &&
				 ta_field_ll(rec, "auid") == LOADER_AUID,
				 "the load record carries every parameter and the key (%d)\n",
				 n);
		if (n != 1)
			ksft_print_msg("record: %.400s\n", rec);
	}
	ksft_test_result(ta_module_unload() == 0, "rmmod\n");
	test_init_race();
}

int main(void)
{
	ksft_print_header();
	build_bad_table();
	ksft_set_plan(nbad + 1 + 2 * ARRAY_SIZE(good) + 1 + 11 + 8 +
		      1 + 3 * 6 + 3 + 1 + 3);

	if (ta_module_load(NULL) || !all_defaults())
		ksft_exit_fail_msg("cannot load timeaudit with its defaults\n");

	test_bad_values();
	test_good_values();
	test_behaviour();
	test_permissions();
	test_insmod();
	ksft_finished();
}
