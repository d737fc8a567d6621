// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven tests of every parser and formatter in units.c, params.c
 * and json.c. Each row is one TAP test, named after its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "json.h"
#include "params.h"
#include "units.h"
#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALL_CLASSES	((1U << TIMEAUDIT_CLASS_COUNT) - 1)

static const char *errname(int err)
{
	static const char *const names[] = {
		"OK", "EMPTY", "SYNTAX", "NEGATIVE", "UNIT", "INEXACT",
		"RANGE", "NAME", "DUP", "CHARSET", "LENGTH",
	};

	return err >= 0 && (size_t)err < ARRAY_SIZE(names) ? names[err] : "?";
}

/* Inputs with control bytes must not break a TAP line: show them escaped. */
static const char *show(const char *s)
{
	static char bufs[2][128];
	static int which;
	char *b = bufs[which ^= 1];
	size_t n = 0;

	for (; *s && n < sizeof(bufs[0]) - 5; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(b + n, 5, "\\x%02x", c);
		else
			b[n++] = (char)c;
	}
	b[n] = '\0';
	return b;
}

struct scaled_case {
	const char *in;
	const struct ta_unit *units;
	uint64_t max;
	int err;
	uint64_t want;
};

#define NS(in, e, v)	{ in, ta_units_ns, TIMEAUDIT_MAX_STEP_NS, e, v }
#define PPB(in, e, v)	{ in, ta_units_ppb, TIMEAUDIT_MAX_FREQ_PPB, e, v }
#define US(in, e, v)	{ in, ta_units_us, TIMEAUDIT_MAX_TICK_US, e, v }
#define SEC(in, e, v)	{ in, ta_units_s, TIMEAUDIT_MAX_TAI_S, e, v }
#define WIN(in, e, v)	{ in, ta_units_window, TIMEAUDIT_MAX_WINDOW_S, e, v }
#define RATE(in, e, v)	{ in, ta_units_rate, TIMEAUDIT_MAX_RATE, e, v }

static const struct scaled_case scaled_cases[] = {
	NS("0", TA_OK, 0),
	NS("1", TA_OK, 1),
	NS("007", TA_OK, 7),
	NS("1ns", TA_OK, 1),
	NS("1us", TA_OK, 1000),
	NS("1ms", TA_OK, 1000000),
	NS("1s", TA_OK, 1000000000),
	NS("1.5ms", TA_OK, 1500000),
	NS("1.5us", TA_OK, 1500),
	NS("0.25s", TA_OK, 250000000),
	NS("1.0", TA_OK, 1),
	NS("1.000ns", TA_OK, 1),
	NS("0.000000001s", TA_OK, 1),
	NS("0.0000000010s", TA_OK, 1),
	NS("0.0000000015s", TA_E_INEXACT, 0),
	NS("1.5ns", TA_E_INEXACT, 0),
	NS("1.5", TA_E_INEXACT, 0),
	NS("1.0001us", TA_E_INEXACT, 0),
	NS("1000000000s", TA_OK, TIMEAUDIT_MAX_STEP_NS),
	NS("1000000000000000000", TA_OK, TIMEAUDIT_MAX_STEP_NS),
	NS("1000000000000000001", TA_E_RANGE, 0),
	NS("1000000000.000000001s", TA_E_RANGE, 0),
	NS("1000000001s", TA_E_RANGE, 0),
	NS("18446744073709551615ns", TA_E_RANGE, 0),
	NS("18446744073709551616ns", TA_E_RANGE, 0),
	NS("99999999999s", TA_E_RANGE, 0),
	NS("99999999999999999999999999s", TA_E_RANGE, 0),
	NS("-1ms", TA_E_NEGATIVE, 0),
	NS("-0", TA_E_NEGATIVE, 0),
	NS("+1", TA_E_SYNTAX, 0),
	NS("", TA_E_EMPTY, 0),
	NS(" 1ms", TA_E_SYNTAX, 0),
	NS("1ms ", TA_E_UNIT, 0),
	NS("1 ms", TA_E_UNIT, 0),
	NS("1ms\n", TA_E_UNIT, 0),
	NS("1msx", TA_E_UNIT, 0),
	NS("1mss", TA_E_UNIT, 0),
	NS("1MS", TA_E_UNIT, 0),
	NS("1min", TA_E_UNIT, 0),
	NS("1ppm", TA_E_UNIT, 0),
	NS("1e3", TA_E_UNIT, 0),
	NS("0x10", TA_E_UNIT, 0),
	NS("ms", TA_E_SYNTAX, 0),
	NS(".5ms", TA_E_SYNTAX, 0),
	NS("1.ms", TA_E_SYNTAX, 0),
	NS("1..5ms", TA_E_SYNTAX, 0),
	NS("1.5.5ms", TA_E_UNIT, 0),
	NS("1,5ms", TA_E_UNIT, 0),
	PPB("10ppm", TA_OK, 10000),
	PPB("0.5ppm", TA_OK, 500),
	PPB("0.001ppm", TA_OK, 1),
	PPB("0.0005ppm", TA_E_INEXACT, 0),
	PPB("5", TA_OK, 5),
	PPB("5ppb", TA_OK, 5),
	PPB("1.5ppb", TA_E_INEXACT, 0),
	PPB("1000ppm", TA_OK, TIMEAUDIT_MAX_FREQ_PPB),
	PPB("1000000ppb", TA_OK, TIMEAUDIT_MAX_FREQ_PPB),
	PPB("1000.001ppm", TA_E_RANGE, 0),
	PPB("1000001", TA_E_RANGE, 0),
	PPB("1ms", TA_E_UNIT, 0),
	PPB("1PPM", TA_E_UNIT, 0),
	PPB("-0.5ppm", TA_E_NEGATIVE, 0),
	US("0", TA_OK, 0),
	US("10", TA_OK, 10),
	US("10us", TA_OK, 10),
	US("10000", TA_OK, TIMEAUDIT_MAX_TICK_US),
	US("10000us", TA_OK, TIMEAUDIT_MAX_TICK_US),
	US("10001", TA_E_RANGE, 0),
	US("1.5us", TA_E_INEXACT, 0),
	US("1ms", TA_E_UNIT, 0),
	US("1ns", TA_E_UNIT, 0),
	SEC("37", TA_OK, 37),
	SEC("37s", TA_OK, 37),
	SEC("1.0s", TA_OK, 1),
	SEC("1.5s", TA_E_INEXACT, 0),
	SEC("2147483647", TA_OK, TIMEAUDIT_MAX_TAI_S),
	SEC("2147483648", TA_E_RANGE, 0),
	SEC("99999999999s", TA_E_RANGE, 0),
	SEC("1ms", TA_E_UNIT, 0),
	/* Multipliers that are not powers of ten: fractions still exact. */
	WIN("600", TA_OK, 600),
	WIN("600s", TA_OK, 600),
	WIN("10min", TA_OK, 600),
	WIN("6h", TA_OK, 21600),
	WIN("1.5min", TA_OK, 90),
	WIN("1.25min", TA_OK, 75),
	WIN("0.05min", TA_OK, 3),
	WIN("0.01min", TA_E_INEXACT, 0),
	WIN("1.5h", TA_OK, 5400),
	WIN("0.125h", TA_OK, 450),
	WIN("0.0005h", TA_E_INEXACT, 0),
	WIN("0.00025h", TA_E_INEXACT, 0),
	WIN("0.0025h", TA_OK, 9),
	WIN("1.000000000000000000000000h", TA_OK, 3600),
	WIN("0.00000000000000000001h", TA_E_INEXACT, 0),
	WIN("1.5s", TA_E_INEXACT, 0),
	WIN("168h", TA_OK, TIMEAUDIT_MAX_WINDOW_S),
	WIN("10080min", TA_OK, TIMEAUDIT_MAX_WINDOW_S),
	WIN("604800", TA_OK, TIMEAUDIT_MAX_WINDOW_S),
	WIN("604801", TA_E_RANGE, 0),
	WIN("168.001h", TA_E_INEXACT, 0),
	WIN("168.01h", TA_E_RANGE, 0),
	WIN("5124095576030432h", TA_E_RANGE, 0),
	WIN("1m", TA_E_UNIT, 0),
	WIN("1mins", TA_E_UNIT, 0),
	WIN("1d", TA_E_UNIT, 0),
	WIN("1H", TA_E_UNIT, 0),
	WIN("1ms", TA_E_UNIT, 0),
	WIN("-1min", TA_E_NEGATIVE, 0),
	RATE("0", TA_OK, 0),
	RATE("20", TA_OK, 20),
	RATE("20/s", TA_OK, 20),
	RATE("1000000", TA_OK, TIMEAUDIT_MAX_RATE),
	RATE("1000001/s", TA_E_RANGE, 0),
	RATE("1.5", TA_E_INEXACT, 0),
	RATE("20/min", TA_E_UNIT, 0),
	RATE("20s", TA_E_UNIT, 0),
};

static void test_parse_scaled(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scaled_cases); i++) {
		const struct scaled_case *c = &scaled_cases[i];
		uint64_t v = 0;
		int err = ta_parse_scaled(c->in, c->units, c->max, &v);

		if (!tap_ok(err == c->err && (err || v == c->want),
			    "parse_scaled(\"%s\" as %s) -> %s %llu",
			    show(c->in), c->units[0].suffix, errname(c->err),
			    (unsigned long long)c->want))
			printf("# got %s %llu\n", errname(err),
			       (unsigned long long)v);
	}
}

struct u64_case {
	const char *in;
	int err;
	uint64_t want;
};

static const struct u64_case u64_cases[] = {
	{ "0", TA_OK, 0 },
	{ "42", TA_OK, 42 },
	{ "18446744073709551615", TA_OK, UINT64_MAX },
	{ "18446744073709551616", TA_E_RANGE, 0 },
	{ "", TA_E_EMPTY, 0 },
	{ "-1", TA_E_NEGATIVE, 0 },
	{ "1 ", TA_E_SYNTAX, 0 },
	{ "1ms", TA_E_SYNTAX, 0 },
	{ "0x10", TA_E_SYNTAX, 0 },
	{ "abc", TA_E_SYNTAX, 0 },
};

static void test_parse_u64(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		uint64_t v = 0;
		int err = ta_parse_u64(c->in, &v);

		if (!tap_ok(err == c->err && (err || v == c->want),
			    "parse_u64(\"%s\") -> %s", show(c->in),
			    errname(c->err)))
			printf("# got %s %llu\n", errname(err),
			       (unsigned long long)v);
	}
}

struct fmt_case {
	uint64_t v;
	const struct ta_unit *units;
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ 0, ta_units_ns, "0ns" },
	{ 1, ta_units_ns, "1ns" },
	{ 999, ta_units_ns, "999ns" },
	{ 1000, ta_units_ns, "1us" },
	{ 1001, ta_units_ns, "1.001us" },
	{ 1000000, ta_units_ns, "1ms" },
	{ 1500000, ta_units_ns, "1.5ms" },
	{ 128000000, ta_units_ns, "128ms" },
	{ 1000000001, ta_units_ns, "1.000000001s" },
	{ TIMEAUDIT_MAX_STEP_NS, ta_units_ns, "1000000000s" },
	{ UINT64_MAX, ta_units_ns, "18446744073.709551615s" },
	{ 500, ta_units_ppb, "500ppb" },
	{ 1500, ta_units_ppb, "1.5ppm" },
	{ 10000, ta_units_ppb, "10ppm" },
	{ 1, ta_units_us, "1us" },
	{ 10000, ta_units_us, "10000us" },
	{ TIMEAUDIT_MAX_TAI_S, ta_units_s, "2147483647s" },
	{ 0, ta_units_window, "0s" },
	{ 59, ta_units_window, "59s" },
	{ 60, ta_units_window, "1min" },
	{ 61, ta_units_window, "61s" },
	{ 75, ta_units_window, "1.25min" },
	{ 90, ta_units_window, "1.5min" },
	{ 600, ta_units_window, "10min" },
	{ 3600, ta_units_window, "1h" },
	{ 3601, ta_units_window, "3601s" },
	{ 3630, ta_units_window, "60.5min" },
	{ 5400, ta_units_window, "1.5h" },
	{ 3609, ta_units_window, "1.0025h" },
	{ 21600, ta_units_window, "6h" },
	{ TIMEAUDIT_MAX_WINDOW_S, ta_units_window, "168h" },
	{ UINT64_MAX, ta_units_window, "307445734561825860.25min" },
	{ UINT64_MAX - 15, ta_units_window, "5124095576030431h" },
	{ UINT64_MAX - 2715, ta_units_window, "5124095576030430.25h" },
	{ 0, ta_units_rate, "0/s" },
	{ 20, ta_units_rate, "20/s" },
};

static void test_format_scaled(void)
{
	char buf[64];
	size_t i;
	uint64_t back;

	for (i = 0; i < ARRAY_SIZE(fmt_cases); i++) {
		const struct fmt_case *c = &fmt_cases[i];
		int r = ta_format_scaled(buf, sizeof(buf), c->v, c->units);

		if (!tap_ok(!r && !strcmp(buf, c->want),
			    "format_scaled(%llu %s) -> \"%s\"",
			    (unsigned long long)c->v, c->units[0].suffix,
			    c->want))
			printf("# got %d \"%s\"\n", r, buf);
		/* What status prints, set must accept back unchanged. */
		r = ta_parse_scaled(buf, c->units, UINT64_MAX, &back);
		tap_ok(!r && back == c->v, "round trip \"%s\"", c->want);
	}
	tap_ok(ta_format_scaled(buf, 4, 1500000, ta_units_ns) == -1,
	       "format_scaled reports truncation");
	ta_units_join(buf, sizeof(buf), ta_units_ns);
	tap_ok(!strcmp(buf, "ns, us, ms, s"), "units_join(ns table)");
	ta_units_join(buf, 5, ta_units_ns);
	tap_ok(!strcmp(buf, "ns, "), "units_join truncates safely");
	ta_units_join(buf, sizeof(buf), ta_units_window);
	tap_ok(!strcmp(buf, "s, min, h"), "units_join(window table)");
}

struct status_case {
	const char *in;
	int err;
	uint64_t want;
};

static const struct status_case status_cases[] = {
	{ "0", TA_OK, 0 },
	{ "48", TA_OK, STA_INS | STA_DEL },
	{ "0x30", TA_OK, STA_INS | STA_DEL },
	{ "0X30", TA_OK, STA_INS | STA_DEL },
	{ "0x0030", TA_OK, STA_INS | STA_DEL },
	{ "0xffff", TA_OK, TIMEAUDIT_MAX_STATUS_MASK },
	{ "65535", TA_OK, TIMEAUDIT_MAX_STATUS_MASK },
	{ "0x10000", TA_E_RANGE, 0 },
	{ "65536", TA_E_RANGE, 0 },
	{ "0xfffffffffffffffff", TA_E_RANGE, 0 },
	{ "99999999999999999999", TA_E_RANGE, 0 },
	{ "0x", TA_E_SYNTAX, 0 },
	{ "0xg", TA_E_SYNTAX, 0 },
	{ "48x", TA_E_SYNTAX, 0 },
	{ "0x30 ", TA_E_SYNTAX, 0 },
	{ "-1", TA_E_NEGATIVE, 0 },
	{ "", TA_E_EMPTY, 0 },
	{ "INS", TA_OK, STA_INS },
	{ "STA_INS|STA_DEL", TA_OK, STA_INS | STA_DEL },
	{ "ins,del", TA_OK, STA_INS | STA_DEL },
	{ "INS | DEL", TA_OK, STA_INS | STA_DEL },
	{ "sta_unsync", TA_OK, STA_UNSYNC },
	{ "Sta_Pll", TA_OK, STA_PLL },
	{ "CLK|nano,MODE", TA_OK, STA_CLK | STA_NANO | STA_MODE },
	{ "PLL|PPSFREQ|PPSTIME|FLL|INS|DEL|UNSYNC|FREQHOLD|PPSSIGNAL|"
	  "PPSJITTER|PPSWANDER|PPSERROR|CLOCKERR|NANO|MODE|CLK", TA_OK,
	  TIMEAUDIT_MAX_STATUS_MASK },
	{ "INS||DEL", TA_E_SYNTAX, 0 },
	{ "INS|", TA_E_SYNTAX, 0 },
	{ "|INS", TA_E_SYNTAX, 0 },
	{ "INS|INS", TA_E_DUP, 0 },
	{ "STA_INS,ins", TA_E_DUP, 0 },
	{ "FOO", TA_E_NAME, 0 },
	{ "STA_", TA_E_NAME, 0 },
	{ "STA_STA_INS", TA_E_NAME, 0 },
	{ "INSERT", TA_E_NAME, 0 },
	{ "INS|0x10", TA_E_NAME, 0 },
	{ "INS DEL", TA_E_NAME, 0 },
};

static void test_parse_status(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		uint64_t v = 0;
		int err = ta_parse_status(c->in, &v);

		if (!tap_ok(err == c->err && (err || v == c->want),
			    "parse_status(\"%s\") -> %s %#llx", show(c->in),
			    errname(c->err), (unsigned long long)c->want))
			printf("# got %s %#llx\n", errname(err),
			       (unsigned long long)v);
	}

	/* Every flag name maps to exactly one bit, with or without STA_. */
	for (i = 0; i < ta_status_count(); i++) {
		const char *name = ta_status_name(i);
		uint64_t a = 0, b = 0;

		tap_ok(!ta_parse_status(name, &a) &&
		       !ta_parse_status(name + strlen(TA_STA_PREFIX), &b) &&
		       a == b && a && !(a & (a - 1)),
		       "flag %s is one bit", name);
	}
}

static void test_status_table(void)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} want[] = {
		{ "STA_PLL", STA_PLL }, { "STA_INS", STA_INS },
		{ "STA_DEL", STA_DEL }, { "STA_UNSYNC", STA_UNSYNC },
		{ "STA_CLK", STA_CLK },
	};
	size_t i;

	tap_ok(ta_status_count() == 16, "16 STA_ flags known");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		uint64_t v = 0;

		tap_ok(!ta_parse_status(want[i].name, &v) && v == want[i].bit,
		       "%s is %#x as in <sys/timex.h>", want[i].name,
		       want[i].bit);
	}
}

struct status_fmt_case {
	uint64_t v;
	const char *want;
};

static const struct status_fmt_case status_fmt_cases[] = {
	{ 0, "0" },
	{ STA_INS | STA_DEL, "STA_INS|STA_DEL" },
	{ STA_UNSYNC, "STA_UNSYNC" },
	{ 0x10000, "0x10000" },
	{ 0x10000 | STA_INS, "STA_INS|0x10000" },
	{ TIMEAUDIT_MAX_STATUS_MASK, "STA_PLL|STA_PPSFREQ|STA_PPSTIME|"
	  "STA_FLL|STA_INS|STA_DEL|STA_UNSYNC|STA_FREQHOLD|STA_PPSSIGNAL|"
	  "STA_PPSJITTER|STA_PPSWANDER|STA_PPSERROR|STA_CLOCKERR|STA_NANO|"
	  "STA_MODE|STA_CLK" },
};

static void test_format_status(void)
{
	char buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_fmt_cases); i++) {
		const struct status_fmt_case *c = &status_fmt_cases[i];
		int r = ta_format_status(buf, sizeof(buf), c->v);

		if (!tap_ok(!r && !strcmp(buf, c->want),
			    "format_status(%#llx) -> \"%s\"",
			    (unsigned long long)c->v, c->want))
			printf("# got %d \"%s\"\n", r, buf);
	}
	tap_ok(ta_format_status(buf, 10, STA_INS | STA_DEL) == -1,
	       "format_status reports truncation");
}

struct classes_case {
	const char *in;
	int err;
	unsigned int want;
};

#define C(cls)	(1U << TIMEAUDIT_CLASS_##cls)

static const struct classes_case classes_cases[] = {
	{ "all", TA_OK, ALL_CLASSES },
	{ "ALL", TA_OK, ALL_CLASSES },
	{ "none", TA_OK, 0 },
	{ "step", TA_OK, C(STEP) },
	{ "Step", TA_OK, C(STEP) },
	{ "denied", TA_OK, C(DENIED) },
	{ "step,slew", TA_OK, C(STEP) | C(SLEW) },
	{ "slew,step", TA_OK, C(STEP) | C(SLEW) },
	{ "step, slew", TA_OK, C(STEP) | C(SLEW) },
	{ "drift", TA_OK, C(DRIFT) },
	{ "rtc", TA_OK, C(RTC) },
	{ "TZ", TA_OK, C(TZ) },
	{ "tz,rtc,drift", TA_OK, C(DRIFT) | C(RTC) | C(TZ) },
	{ "ptp", TA_OK, C(PTP) },
	{ "PTP,tz", TA_OK, C(TZ) | C(PTP) },
	{ "aux", TA_OK, C(AUX) },
	{ "step,slew,freq,tick,status,tai,denied", TA_OK,
	  ALL_CLASSES & ~(C(DRIFT) | C(RTC) | C(TZ) | C(PTP) | C(AUX)) },
	{ "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux", TA_OK,
	  ALL_CLASSES },
	{ "tz,tz", TA_E_DUP, 0 },
	{ "rtc,leap", TA_E_NAME, 0 },
	{ "step,step", TA_E_DUP, 0 },
	{ "step,,slew", TA_E_SYNTAX, 0 },
	{ "step,", TA_E_SYNTAX, 0 },
	{ ",step", TA_E_SYNTAX, 0 },
	{ "", TA_E_EMPTY, 0 },
	{ "foo", TA_E_NAME, 0 },
	{ "all,step", TA_E_NAME, 0 },
	{ "none,step", TA_E_NAME, 0 },
	{ "step|slew", TA_E_NAME, 0 },
	{ "steps", TA_E_NAME, 0 },
};

static void test_classes(void)
{
	char buf[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(classes_cases); i++) {
		const struct classes_case *c = &classes_cases[i];
		unsigned int m = 0;
		int err = ta_parse_classes(c->in, &m);

		if (!tap_ok(err == c->err && (err || m == c->want),
			    "parse_classes(\"%s\") -> %s %#x", show(c->in),
			    errname(c->err), c->want))
			printf("# got %s %#x\n", errname(err), m);
	}
	tap_ok(!ta_format_classes(buf, sizeof(buf), 0) && !strcmp(buf, "none"),
	       "format_classes(0) -> \"none\", as the kernel spells it");
	tap_ok(!ta_format_classes(buf, sizeof(buf), C(FREQ) | C(STEP)) &&
	       !strcmp(buf, "step,freq"), "format_classes keeps enum order");
	tap_ok(!ta_format_classes(buf, sizeof(buf), ALL_CLASSES) &&
	       !strcmp(buf, "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux"),
	       "format_classes(all)");
	tap_ok(TIMEAUDIT_CLASS_COUNT == 12 &&
	       !strcmp(ta_class_names[TIMEAUDIT_CLASS_COUNT - 1], "aux"),
	       "12 classes, aux last");
	tap_ok(ta_format_classes(buf, 6, ALL_CLASSES) == -1,
	       "format_classes reports truncation");
}

struct key_case {
	const char *in;
	int err;
};

static const struct key_case key_cases[] = {
	{ "time-change", TA_OK },
	{ "a", TA_OK },
	{ "A.z_0:9-", TA_OK },
	{ "1234567890123456789012345678901", TA_OK },	/* 31 */
	{ "12345678901234567890123456789012", TA_E_LENGTH },	/* 32 */
	{ "", TA_E_EMPTY },
	{ "a b", TA_E_CHARSET },
	{ "a/b", TA_E_CHARSET },
	{ "a;b", TA_E_CHARSET },
	{ "a\"b", TA_E_CHARSET },
	{ "a\nb", TA_E_CHARSET },
	{ "key ", TA_E_CHARSET },
	{ "caf\xc3\xa9", TA_E_CHARSET },
	{ "a=b", TA_E_CHARSET },
};

static void test_key(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_cases); i++) {
		int err = ta_check_key(key_cases[i].in);

		if (!tap_ok(err == key_cases[i].err,
			    "check_key(\"%s\") -> %s",
			    show(key_cases[i].in), errname(key_cases[i].err)))
			printf("# got %s\n", errname(err));
	}
}

struct param_case {
	const char *name;
	const char *in;
	int err;
	const char *want;	/* what the kernel is sent */
};

static const struct param_case param_cases[] = {
	{ "step", "1.5ms", TA_OK, "1500000" },
	{ "step_threshold_ns", "2us", TA_OK, "2000" },
	{ "slew", "128ms", TA_OK, "128000000" },
	{ "freq", "0.5ppm", TA_OK, "500" },
	{ "tick", "10us", TA_OK, "10" },
	{ "tai", "37s", TA_OK, "37" },
	{ "status", "INS|DEL", TA_OK, "48" },
	{ "status", "0x40", TA_OK, "64" },
	{ "rtc", "1s", TA_OK, "1000000000" },
	{ "rtc_threshold_ns", "0", TA_OK, "0" },
	{ "drift_window", "10min", TA_OK, "600" },
	{ "drift_window_s", "1.5h", TA_OK, "5400" },
	{ "drift_window", "1", TA_OK, "1" },
	{ "drift_window", "0", TA_E_RANGE, NULL },
	{ "drift_window", "0min", TA_E_RANGE, NULL },
	{ "drift_window", "169h", TA_E_RANGE, NULL },
	{ "drift_budget", "100ms", TA_OK, "100000000" },
	{ "drift_budget_ns", "1", TA_OK, "1" },
	{ "drift_budget", "0", TA_E_RANGE, NULL },
	{ "freq_drift_window", "6h", TA_OK, "21600" },
	{ "freq_drift_window_s", "0", TA_E_RANGE, NULL },
	{ "freq_drift_budget", "5ppm", TA_OK, "5000" },
	{ "freq_drift_budget_ppb", "0.001ppm", TA_OK, "1" },
	{ "freq_drift_budget", "0ppm", TA_E_RANGE, NULL },
	{ "freq_drift_budget", "1000.001ppm", TA_E_RANGE, NULL },
	{ "pll", "50ppm", TA_OK, "50000" },
	{ "pll_threshold_ppb", "0", TA_OK, "0" },
	{ "pll_threshold_ppb", "1000ppm", TA_OK, "1000000" },
	{ "pll", "1000.001ppm", TA_E_RANGE, NULL },
	{ "pll", "18446744073709551616", TA_E_RANGE, NULL },
	{ "rate", "20", TA_OK, "20" },
	{ "rate_limit", "0", TA_OK, "0" },
	{ "rate", "1000001", TA_E_RANGE, NULL },
	{ "rate", "20/min", TA_E_UNIT, NULL },
	{ "classes", "slew,step", TA_OK, "step,slew" },
	{ "classes", "all", TA_OK,
	  "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux" },
	{ "classes", "none", TA_OK, "none" },
	{ "key", "ntp-step", TA_OK, "ntp-step" },
	{ "step", "1.5ns", TA_E_INEXACT, NULL },
	{ "freq", "1001ppm", TA_E_RANGE, NULL },
	{ "key", "no spaces", TA_E_CHARSET, NULL },
};

static void test_params(void)
{
	char buf[TA_VALUE_MAX];
	size_t i;

	for (i = 0; i < TA_NPARAMS; i++)
		tap_ok(ta_params[i].name && ta_params[i].file &&
		       ta_params[i].label &&
		       (ta_params[i].kind != TA_KIND_NUM ||
			ta_params[i].units),
		       "param row %zu (%s) is complete", i,
		       ta_params[i].name ? ta_params[i].name : "NULL");
	tap_ok(ta_param_find("step") == ta_param_find(TIMEAUDIT_PARAM_STEP) &&
	       ta_param_find("step"), "step and its sysfs name are one");
	tap_ok(ta_param_find("status") == ta_param_find("status_mask"),
	       "status and status_mask are one");
	tap_ok(!ta_param_find(TIMEAUDIT_PARAM_LOCKED),
	       "locked is not settable");
	tap_ok(!ta_param_find("foo") && !ta_param_find(""),
	       "unknown names are not found");
	tap_ok(!ta_param_find("STEP"), "names are case-sensitive");
	tap_ok(TA_NPARAMS == 18, "18 settable parameters");
	for (i = 0; i < TA_NPARAMS; i++) {
		const struct ta_param *p = &ta_params[i];
		size_t j;
		bool unique = true;

		for (j = 0; j < i; j++)
			if (!strcmp(p->name, ta_params[j].name) ||
			    !strcmp(p->file, ta_params[j].file) ||
			    !strcmp(p->label, ta_params[j].label) ||
			    (p->json && ta_params[j].json &&
			     !strcmp(p->json, ta_params[j].json)))
				unique = false;
		tap_ok(unique && ta_param_find(p->name) == p &&
		       ta_param_find(p->file) == p &&
		       (p->kind != TA_KIND_NUM || p->min <= p->max),
		       "param %s: names unique, found by both, min <= max",
		       p->name);
	}
	{
		static const struct {
			const char *name, *file;
			uint64_t min, max;
		} lim[] = {
			{ "rtc", TIMEAUDIT_PARAM_RTC, 0, TIMEAUDIT_MAX_RTC_NS },
			{ "drift_window", TIMEAUDIT_PARAM_DRIFT_WINDOW, 1,
			  TIMEAUDIT_MAX_WINDOW_S },
			{ "drift_budget", TIMEAUDIT_PARAM_DRIFT_BUDGET, 1,
			  TIMEAUDIT_MAX_DRIFT_BUDGET_NS },
			{ "freq_drift_window", TIMEAUDIT_PARAM_FDRIFT_WINDOW, 1,
			  TIMEAUDIT_MAX_WINDOW_S },
			{ "freq_drift_budget", TIMEAUDIT_PARAM_FDRIFT_BUDGET, 1,
			  TIMEAUDIT_MAX_FDRIFT_BUDGET_PPB },
			{ "pll", TIMEAUDIT_PARAM_PLL, 0, TIMEAUDIT_MAX_PLL_PPB },
			{ "rate", TIMEAUDIT_PARAM_RATE, 0, TIMEAUDIT_MAX_RATE },
			{ "step", TIMEAUDIT_PARAM_STEP, 0,
			  TIMEAUDIT_MAX_STEP_NS },
		};

		for (i = 0; i < ARRAY_SIZE(lim); i++) {
			const struct ta_param *p = ta_param_find(lim[i].name);

			tap_ok(p && p == ta_param_find(lim[i].file) &&
			       p->min == lim[i].min && p->max == lim[i].max,
			       "%s is %s, %llu..%llu as in the uapi header",
			       lim[i].name, lim[i].file,
			       (unsigned long long)lim[i].min,
			       (unsigned long long)lim[i].max);
		}
	}
	/* The defaults the kernel starts with show and set back unchanged. */
	{
		static const struct {
			const char *name;
			uint64_t def;
			const char *human;
		} defs[] = {
			{ "rtc", TIMEAUDIT_DEF_RTC_NS, "1s" },
			{ "drift_window", TIMEAUDIT_DEF_DRIFT_WINDOW_S, "10min" },
			{ "drift_budget", TIMEAUDIT_DEF_DRIFT_BUDGET_NS,
			  "100ms" },
			{ "freq_drift_window", TIMEAUDIT_DEF_FDRIFT_WINDOW_S,
			  "6h" },
			{ "freq_drift_budget", TIMEAUDIT_DEF_FDRIFT_BUDGET_PPB,
			  "5ppm" },
			{ "pll", TIMEAUDIT_DEF_PLL_PPB, "50ppm" },
			{ "rate", TIMEAUDIT_DEF_RATE, "20/s" },
		};

		for (i = 0; i < ARRAY_SIZE(defs); i++) {
			const struct ta_param *p = ta_param_find(defs[i].name);
			char human[64], want[32];

			snprintf(want, sizeof(want), "%llu",
				 (unsigned long long)defs[i].def);
			tap_ok(p && !ta_format_scaled(human, sizeof(human),
						      defs[i].def, p->units) &&
			       !strcmp(human, defs[i].human) &&
			       !ta_param_parse(p, human, buf, sizeof(buf)) &&
			       !strcmp(buf, want),
			       "default %s shows as %s and sets back", defs[i].name,
			       defs[i].human);
		}
	}

	for (i = 0; i < ARRAY_SIZE(param_cases); i++) {
		const struct param_case *c = &param_cases[i];
		int err = ta_param_parse(ta_param_find(c->name), c->in, buf,
					 sizeof(buf));

		if (!tap_ok(err == c->err && (err || !strcmp(buf, c->want)),
			    "param %s=%s -> %s \"%s\"", c->name, c->in,
			    errname(c->err), c->want ? c->want : ""))
			printf("# got %s \"%s\"\n", errname(err),
			       err ? "" : buf);
	}
}

static void test_errmsg(void)
{
	char buf[512];

	ta_param_errmsg(ta_param_find("step"), TA_E_RANGE, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 0..1000000000s "
		       "(0..1000000000000000000 ns)"), "step range message");
	ta_param_errmsg(ta_param_find("freq"), TA_E_RANGE, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 0..1000ppm "
		       "(0..1000000 ppb)"), "freq range message");
	ta_param_errmsg(ta_param_find("drift_window"), TA_E_RANGE, buf,
			sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 1s..168h (1..604800 s)"),
	       "drift_window range message has the minimum");
	ta_param_errmsg(ta_param_find("drift_budget"), TA_E_RANGE, buf,
			sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 1ns..1000000000s "
		       "(1..1000000000000000000 ns)"),
	       "drift_budget range message has the minimum");
	ta_param_errmsg(ta_param_find("freq_drift_budget"), TA_E_RANGE, buf,
			sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 1ppb..1000ppm "
		       "(1..1000000 ppb)"), "freq_drift_budget range message");
	ta_param_errmsg(ta_param_find("rate"), TA_E_RANGE, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 0..1000000/s "
		       "(0..1000000 records/s)"), "rate range message");
	ta_param_errmsg(ta_param_find("rate"), TA_E_INEXACT, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "not a whole number of records/s"),
	       "rate inexact message");
	ta_param_errmsg(ta_param_find("drift_window"), TA_E_UNIT, buf,
			sizeof(buf));
	tap_ok(!strcmp(buf, "unknown unit, accepted: s, min, h"),
	       "window unit message lists s, min, h");
	ta_param_errmsg(ta_param_find("status"), TA_E_RANGE, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "out of range, accepted 0..0xffff"),
	       "status range message");
	ta_param_errmsg(ta_param_find("step"), TA_E_UNIT, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "unknown unit, accepted: ns, us, ms, s"),
	       "step unit message lists units");
	ta_param_errmsg(ta_param_find("step"), TA_E_INEXACT, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "not a whole number of ns"), "inexact message");
	ta_param_errmsg(ta_param_find("classes"), TA_E_NAME, buf, sizeof(buf));
	tap_ok(strstr(buf, "step, slew,") &&
	       strstr(buf, "denied, drift, rtc, tz, ptp, aux, all, none"),
	       "class name message lists all classes");
	ta_param_errmsg(ta_param_find("status"), TA_E_NAME, buf, sizeof(buf));
	tap_ok(strstr(buf, "PLL, PPSFREQ") && strstr(buf, "CLK"),
	       "status name message lists flags");
	ta_param_errmsg(ta_param_find("key"), TA_E_LENGTH, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "longer than 31 bytes"), "key length message");
}

static void test_counters(void)
{
	char buf[64];

	tap_ok(!ta_counter_name(0, buf, sizeof(buf)) &&
	       !strcmp(buf, TIMEAUDIT_CNT_EMITTED), "counter 0 is emitted");
	tap_ok(!ta_counter_name(2, buf, sizeof(buf)) &&
	       !strcmp(buf, TIMEAUDIT_CNT_LOST), "counter 2 is lost");
	tap_ok(!ta_counter_name(3, buf, sizeof(buf)) &&
	       !strcmp(buf, TIMEAUDIT_CNT_RATELIMITED),
	       "counter 3 is ratelimited, after lost as in sysfs");
	tap_ok(!ta_counter_name(4, buf, sizeof(buf)) &&
	       !strcmp(buf, TIMEAUDIT_CNT_MISSED), "counter 4 is misses");
	tap_ok(!ta_counter_name(5, buf, sizeof(buf)) &&
	       !strcmp(buf, "events_step"), "counter 5 is events_step");
	tap_ok(!ta_counter_name(11, buf, sizeof(buf)) &&
	       !strcmp(buf, "events_denied"), "counter 11 is events_denied");
	tap_ok(!ta_counter_name(12, buf, sizeof(buf)) &&
	       !strcmp(buf, "events_drift"), "counter 12 is events_drift");
	tap_ok(TA_NCOUNTERS == 17, "17 counters");
	tap_ok(!ta_counter_name(TA_NCOUNTERS - 2, buf, sizeof(buf)) &&
	       !strcmp(buf, "events_ptp"), "counter 15 is events_ptp");
	tap_ok(!ta_counter_name(TA_NCOUNTERS - 1, buf, sizeof(buf)) &&
	       !strcmp(buf, "events_aux"), "last counter is events_aux");
	tap_ok(ta_counter_name(TA_NCOUNTERS, buf, sizeof(buf)) == -1,
	       "no counter past the end");
}

struct json_case {
	const char *in;
	const char *want;
};

static const struct json_case json_cases[] = {
	{ NULL, "null" },
	{ "", "\"\"" },
	{ "time-change", "\"time-change\"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "a\nb\tc", "\"a\\nb\\tc\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "caf\xc3\xa9", "\"caf\\u00c3\\u00a9\"" },
};

static void test_json(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(json_cases); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		if (!f) {
			tap_ok(false, "open_memstream");
			continue;
		}
		ta_json_str(f, json_cases[i].in);
		fclose(f);
		if (!tap_ok(!strcmp(out, json_cases[i].want),
			    "json_str(%s) -> %s",
			    json_cases[i].in ? show(json_cases[i].in) : "NULL",
			    show(json_cases[i].want)))
			printf("# got %s\n", out);
		free(out);
	}
}

int main(void)
{
	tap_start();
	test_parse_scaled();
	test_parse_u64();
	test_format_scaled();
	test_parse_status();
	test_status_table();
	test_format_status();
	test_classes();
	test_key();
	test_params();
	test_errmsg();
	test_counters();
	test_json();
	return tap_done();
}
