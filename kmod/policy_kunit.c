// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pure parts of timeaudit: threshold decisions, unit
 * conversions, field formatting and parameter parsing. Table-driven, with
 * the edge values: 0, negative, 64-bit limits, exactly at a threshold.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/timex.h>

#include "format.h"
#include "policy.h"

static const struct ta_config ta_defaults = TA_CONFIG_DEFAULTS;

/*
 * Decisions are static in the cases, off the stack: beside an event and
 * a config they take a frame past KASAN's 1 KiB limit. The cases run one
 * at a time.
 */

#define PPB(x)	((s64)(x) << 32)	/* time_freq units */

struct step_case {
	s64 step_ns;
	bool stepped;
	int result;
	u64 threshold;
	u32 seen, emit;
};

static const struct step_case step_cases[] = {
	{ 0, true, 0, 1000000, BIT(TA_ITEM_STEP), 0 },
	{ 999999, true, 0, 1000000, BIT(TA_ITEM_STEP), 0 },
	{ 1000000, true, 0, 1000000, BIT(TA_ITEM_STEP), BIT(TA_ITEM_STEP) },
	{ -1000000, true, 0, 1000000, BIT(TA_ITEM_STEP), BIT(TA_ITEM_STEP) },
	{ -999999, true, 0, 1000000, BIT(TA_ITEM_STEP), 0 },
	{ S64_MAX, true, 0, 1000000, BIT(TA_ITEM_STEP), BIT(TA_ITEM_STEP) },
	{ S64_MIN, true, 0, 1000000, BIT(TA_ITEM_STEP), BIT(TA_ITEM_STEP) },
	{ S64_MIN, true, 0, U64_MAX, BIT(TA_ITEM_STEP), 0 },
	/* threshold 0: every step, even one that changes nothing */
	{ 0, true, 0, 0, BIT(TA_ITEM_STEP), BIT(TA_ITEM_STEP) },
	/* warp: no step asked for, yet the clock moved */
	{ 5400LL * NSEC_PER_SEC, false, 0, 1000000, BIT(TA_ITEM_STEP),
	  BIT(TA_ITEM_STEP) },
	{ 0, false, 0, 0, 0, 0 },
	/* refusals: one denied item, whatever the size */
	{ 0, true, -EPERM, 1000000, BIT(TA_ITEM_DENIED), BIT(TA_ITEM_DENIED) },
	/* other errors changed nothing and say nothing */
	{ 5, true, -EINVAL, 0, 0, 0 },
};

static void ta_test_step(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(step_cases); i++) {
		const struct step_case *c = &step_cases[i];
		struct ta_config cfg = ta_defaults;
		struct ta_event ev = {
			.path = TA_PATH_SETTOD, .result = c->result,
			.stepped = c->stepped, .step_ns = c->step_ns,
		};
		static struct ta_decision d;

		cfg.threshold[TIMEAUDIT_CLASS_STEP] = c->threshold;
		ta_policy_decide(&ev, &cfg, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.seen, c->seen, "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, d.emit, c->emit, "case %d", i);
	}
}

static void ta_test_class_off(struct kunit *test)
{
	struct ta_config cfg = ta_defaults;
	struct ta_event ev = { .stepped = true, .step_ns = NSEC_PER_SEC };
	static struct ta_decision d;

	cfg.classes &= ~BIT(TIMEAUDIT_CLASS_STEP);
	ta_policy_decide(&ev, &cfg, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_STEP));
	KUNIT_EXPECT_EQ(test, d.emit, 0U);

	ev.result = -EPERM;
	cfg.classes = BIT(TIMEAUDIT_CLASS_STEP);
	ta_policy_decide(&ev, &cfg, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
}

struct ntp_case {
	const char *name;
	u32 modes;
	enum ta_ntp v;
	s64 old, new;
	u32 emit;
};

static const struct ntp_case ntp_cases[] = {
	{ "freq +10ppm", ADJ_FREQUENCY, TA_NTP_FREQ, 0, PPB(10000),
	  BIT(TA_ITEM_FREQ) },
	{ "freq +9.999ppm", ADJ_FREQUENCY, TA_NTP_FREQ, 0, PPB(9999), 0 },
	{ "freq -10ppm", ADJ_FREQUENCY, TA_NTP_FREQ, PPB(5000), PPB(-5000),
	  BIT(TA_ITEM_FREQ) },
	/* The kernel PLL's own moves: pll_threshold_ppb (50 ppm). */
	{ "freq moved by the PLL 50ppm", ADJ_OFFSET, TA_NTP_FREQ, 0,
	  PPB(50000), BIT(TA_ITEM_FREQ) },
	{ "freq moved by the PLL -50ppm", ADJ_OFFSET | ADJ_STATUS, TA_NTP_FREQ,
	  PPB(20000), PPB(-30000), BIT(TA_ITEM_FREQ) },
	{ "freq moved by the PLL 49.999ppm", ADJ_OFFSET, TA_NTP_FREQ, 0,
	  PPB(49999), 0 },
	{ "freq moved by the PLL 20ppm", ADJ_OFFSET, TA_NTP_FREQ, 0,
	  PPB(20000), 0 },
	{ "freq set 20ppm with an offset", ADJ_OFFSET | ADJ_FREQUENCY,
	  TA_NTP_FREQ, 0, PPB(20000), BIT(TA_ITEM_FREQ) },
	{ "freq PLL to its limits", ADJ_OFFSET, TA_NTP_FREQ, PPB(-500000),
	  PPB(500000), BIT(TA_ITEM_FREQ) },
	{ "freq extremes", ADJ_FREQUENCY, TA_NTP_FREQ, PPB(-500000),
	  PPB(500000), BIT(TA_ITEM_FREQ) },
	{ "tick +1us", ADJ_TICK, TA_NTP_TICK, 10000, 10001, BIT(TA_ITEM_TICK) },
	{ "tick same", ADJ_TICK, TA_NTP_TICK, 10000, 10000, 0 },
	{ "tai +1", ADJ_TAI, TA_NTP_TAI, 36, 37, BIT(TA_ITEM_TAI) },
	{ "tai same", ADJ_TAI, TA_NTP_TAI, 37, 37, 0 },
	{ "leap insert", ADJ_STATUS, TA_NTP_STATUS, STA_UNSYNC,
	  STA_UNSYNC | STA_INS, BIT(TA_ITEM_STATUS) },
	{ "leap delete cleared", ADJ_STATUS, TA_NTP_STATUS, STA_DEL, 0,
	  BIT(TA_ITEM_STATUS) },
	{ "pll only", ADJ_STATUS, TA_NTP_STATUS, 0, STA_PLL, 0 },
	{ "unsync only", ADJ_STATUS, TA_NTP_STATUS, STA_UNSYNC, 0, 0 },
	{ "adjtime 128ms", ADJ_OFFSET_SINGLESHOT, TA_NTP_ADJUST, 0, 128000,
	  BIT(TA_ITEM_ADJUST) },
	{ "adjtime -128ms", ADJ_OFFSET_SINGLESHOT, TA_NTP_ADJUST, 0, -128000,
	  BIT(TA_ITEM_ADJUST) },
	{ "adjtime 127.999ms", ADJ_OFFSET_SINGLESHOT, TA_NTP_ADJUST, 0,
	  127999, 0 },
	{ "adjtime unchanged", ADJ_OFFSET_SINGLESHOT, TA_NTP_ADJUST, 200000,
	  200000, 0 },
};

/* An adjtimex() event whose NTP core changed one value. */
static struct ta_event ta_ntp_event(u32 modes, enum ta_ntp v, s64 old,
				    s64 new)
{
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX, .modes = modes,
		.ntp_valid = BIT(v),
	};

	ev.ntp[v].old = old;
	ev.ntp[v].new = new;
	return ev;
}

static void ta_test_ntp(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ntp_cases); i++) {
		const struct ntp_case *c = &ntp_cases[i];
		struct ta_event ev = ta_ntp_event(c->modes, c->v, c->old,
						  c->new);
		static struct ta_decision d;

		ta_policy_decide(&ev, &ta_defaults, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.emit, c->emit, "%s", c->name);
	}
}

static void ta_test_ntp_offset(struct kunit *test)
{
	/* time_offset for 300 ms at HZ=250, as ntp_update_offset() sets it */
	s64 raw = div_s64(300000000LL << 32, 250);
	struct ta_event ev = {
		.modes = ADJ_OFFSET, .ntp_valid = BIT(TA_NTP_OFFSET),
	};
	static struct ta_decision d;

	KUNIT_EXPECT_EQ(test, ta_offset_to_ns(raw, 250), 300000000LL);
	KUNIT_EXPECT_EQ(test, ta_offset_to_ns(-raw, 250), -300000000LL);
	KUNIT_EXPECT_EQ(test, ta_offset_to_ns(0, 250), 0LL);
	/* 1 ns does not survive the kernel's truncating division */
	KUNIT_EXPECT_EQ(test, ta_offset_to_ns(div_s64(1LL << 32, 250), 250),
			0LL);

	ev.ntp[TA_NTP_OFFSET].new = div_s64(200000000LL << 32, HZ);
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_OFFSET));

	ev.ntp[TA_NTP_OFFSET].new = div_s64(1000000LL << 32, HZ);
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
}

static void ta_test_units(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ta_freq_to_ppb(PPB(250000)), 250000LL);
	KUNIT_EXPECT_EQ(test, ta_freq_to_ppb(PPB(-1)), -1LL);
	KUNIT_EXPECT_EQ(test, ta_abs64(S64_MIN), (u64)S64_MAX + 1);
	KUNIT_EXPECT_EQ(test, ta_abs64(-5), 5ULL);
	/* timex.freq, ppm << 16: 10 ppm, -1 ppm, and saturation */
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(10LL << 16), 10000LL);
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(-(1LL << 16)), -1000LL);
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(0), 0LL);
	/* rounded as the PTP core's scaled_ppm_to_ppb() */
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(-1), 0LL);
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(65535), 1000LL);
	KUNIT_EXPECT_EQ(test, ta_scaled_ppm_to_ppb(S64_MAX),
			ta_scaled_ppm_to_ppb(S64_MAX / 125));
	KUNIT_EXPECT_LT(test, ta_scaled_ppm_to_ppb(S64_MIN), 0LL);
}

static void ta_test_format(struct kunit *test)
{
	char buf[TA_FLAGS_BUF];

	ta_format_status(buf, sizeof(buf), STA_PLL | STA_UNSYNC);
	KUNIT_EXPECT_STREQ(test, buf, "STA_PLL|STA_UNSYNC");
	ta_format_status(buf, sizeof(buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, "0");
	ta_format_status(buf, sizeof(buf), STA_INS | 0x10000);
	KUNIT_EXPECT_STREQ(test, buf, "STA_INS|0x10000");
	ta_format_status(buf, sizeof(buf), 0xffff);
	KUNIT_EXPECT_EQ(test, strlen(buf), strlen(
		"STA_PLL|STA_PPSFREQ|STA_PPSTIME|STA_FLL|STA_INS|STA_DEL|STA_UNSYNC|STA_FREQHOLD|STA_PPSSIGNAL|STA_PPSJITTER|STA_PPSWANDER|STA_PPSERROR|STA_CLOCKERR|STA_NANO|STA_MODE|STA_CLK"));

	ta_format_ppm(buf, sizeof(buf), -12345);
	KUNIT_EXPECT_STREQ(test, buf, "-12.345");
	ta_format_ppm(buf, sizeof(buf), 5);
	KUNIT_EXPECT_STREQ(test, buf, "0.005");
	ta_format_ppm(buf, sizeof(buf), S64_MIN);
	KUNIT_EXPECT_STREQ(test, buf, "-9223372036854775.808");

	ta_format_time(buf, sizeof(buf), -1);
	KUNIT_EXPECT_STREQ(test, buf, "-1.999999999");
	ta_format_time(buf, sizeof(buf), 1700000000123456789LL);
	KUNIT_EXPECT_STREQ(test, buf, "1700000000.123456789");

	KUNIT_EXPECT_STREQ(test, ta_state_name(TIME_ERROR), "TIME_ERROR");
	KUNIT_EXPECT_STREQ(test, ta_state_name(42), "unknown");

	ta_format_classes(buf, sizeof(buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, "none");
	ta_format_classes(buf, sizeof(buf), BIT(TIMEAUDIT_CLASS_FREQ) |
			  BIT(TIMEAUDIT_CLASS_STEP));
	KUNIT_EXPECT_STREQ(test, buf, "step,freq");
}

struct parse_case {
	const char *in;
	bool hex;
	u64 max;
	int err;
	u64 out;
};

static const struct parse_case parse_cases[] = {
	{ "0", false, 10, 0, 0 },
	{ "10", false, 10, 0, 10 },
	{ "10\n", false, 10, 0, 10 },
	{ "11", false, 10, -EINVAL, 0 },
	{ "", false, 10, -EINVAL, 0 },
	{ "\n", false, 10, -EINVAL, 0 },
	{ "-1", false, 10, -EINVAL, 0 },
	{ "+1", false, 10, -EINVAL, 0 },
	{ " 1", false, 10, -EINVAL, 0 },
	{ "1 ", false, 10, -EINVAL, 0 },
	{ "1x", false, 10, -EINVAL, 0 },
	{ "1\n\n", false, 10, -EINVAL, 0 },
	{ "0x10", false, 100, -EINVAL, 0 },
	{ "0x10", true, 100, 0, 16 },
	{ "0X30\n", true, 100, 0, 48 },
	{ "0x", true, 100, -EINVAL, 0 },
	{ "0x-1", true, 100, -EINVAL, 0 },
	{ "18446744073709551615", false, U64_MAX, 0, U64_MAX },
	{ "18446744073709551616", false, U64_MAX, -EINVAL, 0 },
	{ "1000000000000000000", false, TIMEAUDIT_MAX_STEP_NS, 0,
	  TIMEAUDIT_MAX_STEP_NS },
	{ "1000000000000000001", false, TIMEAUDIT_MAX_STEP_NS, -EINVAL, 0 },
};

static void ta_test_parse_u64(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		u64 v = 12345;
		int err = ta_parse_u64(c->in, c->hex, c->max, &v);

		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "\"%s\"", c->in);
		KUNIT_EXPECT_EQ_MSG(test, v, c->err ? 12345 : c->out,
				    "\"%s\"", c->in);
	}
}

static void ta_test_parse_classes(struct kunit *test)
{
	u32 m = 0x55;

	KUNIT_EXPECT_EQ(test, ta_parse_classes("step,freq\n", &m), 0);
	KUNIT_EXPECT_EQ(test, m, (u32)(BIT(TIMEAUDIT_CLASS_STEP) |
				       BIT(TIMEAUDIT_CLASS_FREQ)));
	KUNIT_EXPECT_EQ(test, ta_parse_classes("all", &m), 0);
	KUNIT_EXPECT_EQ(test, m, (u32)GENMASK(TIMEAUDIT_CLASS_COUNT - 1, 0));
	KUNIT_EXPECT_EQ(test, ta_parse_classes("none\n", &m), 0);
	KUNIT_EXPECT_EQ(test, m, 0U);
	m = 7;
	KUNIT_EXPECT_EQ(test, ta_parse_classes("", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_classes("step,", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_classes(",step", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_classes("step,step", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_classes("steps", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_classes("Step", &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, m, 7U);
}

static void ta_test_parse_key(struct kunit *test)
{
	char key[TIMEAUDIT_KEY_MAX + 1] = "old";

	KUNIT_EXPECT_EQ(test, ta_parse_key("pci-10.6.3:time_x\n", key,
					   sizeof(key)), 0);
	KUNIT_EXPECT_STREQ(test, key, "pci-10.6.3:time_x");
	KUNIT_EXPECT_EQ(test, ta_parse_key("", key, sizeof(key)), 0);
	KUNIT_EXPECT_STREQ(test, key, "");
	KUNIT_EXPECT_EQ(test, ta_parse_key("a b", key, sizeof(key)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_key("a\"b", key, sizeof(key)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ta_parse_key("0123456789012345678901234567890",
					   key, sizeof(key)), 0);
	KUNIT_EXPECT_EQ(test, ta_parse_key("01234567890123456789012345678901",
					   key, sizeof(key)), -EINVAL);
}

/*
 * Within one second the net is kept up change by change: the same as
 * summing the ring each time, also across a window changed in that
 * second and a second that goes back.
 */
static void ta_test_drift_same_second(struct kunit *test)
{
	struct ta_drift d;
	struct ta_drift_result r;
	int i;

	ta_drift_reset(&d);
	/* 111 changes of 0.9 ms in second 5000: still under 100 ms ... */
	for (i = 0; i < 111; i++)
		KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 5000, 900000, 600,
						      100000000, &r));
	KUNIT_EXPECT_EQ(test, r.count, 111U);
	/* ... the 112th, in the same second, reaches it. */
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 5000, 900000, 600,
					     100000000, &r));
	KUNIT_EXPECT_EQ(test, r.net, 112LL * 900000);

	/* A window shortened within the second: summed again, same net. */
	ta_drift_reset(&d);
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 7000, 60000000, 600,
					      100000000, &r));
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 7300, 30000000, 600,
					      100000000, &r));
	/* 600 s: both count, 90 ms; a 200 s window in that second: 30 ms. */
	KUNIT_EXPECT_EQ(test, r.net, 90000000LL);
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 7300, 1000000, 200,
					      100000000, &r));
	KUNIT_EXPECT_EQ(test, r.net, 31000000LL);
	/* Back to 600 s in the same second: 91 ms, then 101 ms fires. */
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 7300, 10000000, 600,
					     100000000, &r));
	KUNIT_EXPECT_EQ(test, r.net, 101000000LL);

	/* A second that goes back is summed again, not taken as the same. */
	ta_drift_reset(&d);
	ta_drift_add(&d, 9000, 1000, 600, 100000000, &r);
	ta_drift_add(&d, 8999, 1000, 600, 100000000, &r);
	KUNIT_EXPECT_EQ(test, r.count, 2U);
	KUNIT_EXPECT_EQ(test, r.net, 2000LL);
}

/* A step measured while another call could land inside: on record. */
static void ta_test_concurrent_step(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_SETTOD, .stepped = true, .step_ns = 12,
	};
	static struct ta_decision d;

	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	ev.concurrent = true;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_STEP));
	/* Cancelled out to nothing: still on record. */
	ev.step_ns = 0;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_STEP));
	/* ... unless the step class is off. */
	{
		struct ta_config cfg = ta_defaults;

		cfg.classes &= ~BIT(TIMEAUDIT_CLASS_STEP);
		ta_policy_decide(&ev, &cfg, &d);
		KUNIT_EXPECT_EQ(test, d.emit, 0U);
	}
}

/*
 * A time refused with EINVAL after the kernel cleared its NTP state
 * (before 6.13): on record as a step of 0, on either path, and nothing
 * else; the same EINVAL without the clearing says nothing. A small step
 * that cleared it (a leap second armed) is on record too.
 */
static void ta_test_refused_clears_ntp(struct kunit *test)
{
	static const enum ta_path paths[] = {
		TA_PATH_SETTOD, TA_PATH_ADJTIMEX,
	};
	static struct ta_decision d;
	int i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		struct ta_event ev = {
			.path = paths[i], .result = -EINVAL,
			.stepped = paths[i] == TA_PATH_ADJTIMEX,
			.modes = paths[i] == TA_PATH_ADJTIMEX ?
				 ADJ_SETOFFSET | ADJ_NANO : 0,
		};

		ta_policy_decide(&ev, &ta_defaults, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.seen, 0U, "path %d", i);
		ev.ntp_cleared = true;
		ta_policy_decide(&ev, &ta_defaults, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.seen, (u32)BIT(TA_ITEM_STEP),
				    "path %d", i);
		KUNIT_EXPECT_EQ_MSG(test, d.emit, (u32)BIT(TA_ITEM_STEP),
				    "path %d", i);
		KUNIT_EXPECT_EQ_MSG(test, d.val[TA_ITEM_STEP].new, 0LL,
				    "path %d", i);
		/* Never exempt from the rate limit: it stepped nothing. */
		KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_STEP, 0));
		/* A step below the threshold with a leap second armed. */
		ev.result = 0;
		ev.step_ns = 12;
		ta_policy_decide(&ev, &ta_defaults, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.emit, (u32)BIT(TA_ITEM_STEP),
				    "path %d", i);
		/* ... and never held back by the rate limit. */
		KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_STEP,
						       NSEC_PER_SEC));
		ev.ntp_cleared = false;
		ta_policy_decide(&ev, &ta_defaults, &d);
		KUNIT_EXPECT_EQ_MSG(test, d.emit, 0U, "path %d", i);
	}
}

static void ta_test_drift(struct kunit *test)
{
	struct ta_drift d;
	struct ta_drift_result r;
	int i;

	ta_drift_reset(&d);
	/* Steps of 0.9 ms, one a second: the 112th reaches 100 ms. */
	for (i = 0; i < 200; i++)
		if (ta_drift_add(&d, 1000 + i, 900000, 600, 100000000, &r))
			break;
	KUNIT_EXPECT_EQ(test, i, 111);
	KUNIT_EXPECT_EQ(test, r.count, 112U);
	KUNIT_EXPECT_EQ(test, r.net, 112LL * 900000);
	/* ... and the next one waits until the net has doubled: 201.6 ms. */
	for (i = 112; i < 300; i++)
		if (ta_drift_add(&d, 1000 + i, 900000, 600, 100000000, &r))
			break;
	KUNIT_EXPECT_EQ(test, i, 223);
	KUNIT_EXPECT_EQ(test, r.count, 224U);
	KUNIT_EXPECT_EQ(test, r.net, 224LL * 900000);

	/* Alternating corrections never add up. */
	ta_drift_reset(&d);
	for (i = 0; i < 10000; i++)
		KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, i, i % 2 ? 450000 :
						      -450000, 600, 100000000,
						      &r));
	/* 15 ppm corrected by slews: 15 us a second, 9 ms per window. */
	ta_drift_reset(&d);
	for (i = 0; i < 100000; i++)
		KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, i, 15000, 600,
						      100000000, &r));
	/* What left the window no longer counts. */
	ta_drift_reset(&d);
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 0, 60000000, 600, 100000000,
					      &r));
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 2000, 60000000, 600,
					      100000000, &r));
	KUNIT_EXPECT_EQ(test, r.count, 1U);
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 2001, -60000000, 600,
					     100000000, &r) == false);
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 2002, -100000000, 600,
					     100000000, &r));
	KUNIT_EXPECT_EQ(test, r.net, -100000000LL);
	KUNIT_EXPECT_EQ(test, r.count, 3U);
}

/* A burst says the same with fewer records; a steady drift still shows. */
static void ta_test_drift_backoff(struct kunit *test)
{
	struct ta_drift d;
	struct ta_drift_result r;
	int i, n = 0;

	/* 100 steps of 50 ms: at 0.1, 0.2, 0.4, 0.8, 1.6 and 3.2 s. */
	ta_drift_reset(&d);
	for (i = 0; i < 100; i++)
		n += ta_drift_add(&d, 5000 + i, 50000000, 600, 100000000, &r);
	KUNIT_EXPECT_EQ(test, n, 6);
	KUNIT_EXPECT_EQ(test, r.net, 100LL * 50000000);
	/* The other way counts as much. */
	ta_drift_reset(&d);
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 0, 100000000, 600, 100000000,
					     &r));
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 1, -250000000, 600,
					      100000000, &r));
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 2, -50000000, 600, 100000000,
					     &r));
	KUNIT_EXPECT_EQ(test, r.net, -200000000LL);
	/* A window after the last record, the level is the budget again. */
	ta_drift_reset(&d);
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 0, 100000000, 600, 100000000,
					     &r));
	KUNIT_EXPECT_FALSE(test, ta_drift_add(&d, 500, 99000000, 600, 100000000,
					      &r));
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 600, 1000000, 600, 100000000,
					     &r));
	KUNIT_EXPECT_EQ(test, r.net, 100000000LL);
	/* Near the top, the level saturates instead of wrapping. */
	ta_drift_reset(&d);
	KUNIT_EXPECT_TRUE(test, ta_drift_add(&d, 0, S64_MIN, 600, 1, &r));
	KUNIT_EXPECT_EQ(test, d.level, U64_MAX);
}

static void ta_test_rate_exempt(struct kunit *test)
{
	struct ta_event ev = { .path = TA_PATH_ADJTIMEX, .stepped = true };

	ev.step_ns = NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_STEP,
					       NSEC_PER_SEC));
	ev.step_ns = -(s64)NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_STEP,
					       NSEC_PER_SEC));
	ev.step_ns = NSEC_PER_SEC - 1;
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_STEP,
						NSEC_PER_SEC));
	ev.step_ns = S64_MIN;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_STEP,
					       TIMEAUDIT_MAX_RATE_EXEMPT_NS));
	/* 0: every step, never anything else. */
	ev.step_ns = 0;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_STEP, 0));
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_FREQ, 0));
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_DENIED, 0));
	/* A refusal changed nothing, whatever it asked for. */
	ev.step_ns = 3600LL * NSEC_PER_SEC;
	ev.result = -EPERM;
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_STEP, 0));
	/* A PTP clock stepped by ADJ_SETOFFSET; a settime is not a step. */
	ev = (struct ta_event){ .path = TA_PATH_PHC };
	ev.phc.offset_ns = -2LL * NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_PHC_STEP,
					       NSEC_PER_SEC));
	ev.phc.settime = true;
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_PHC_STEP,
						NSEC_PER_SEC));
}

static void ta_test_rate_magnitude(struct kunit *test)
{
	struct ta_event ev = { .path = TA_PATH_ADJTIMEX };

	ev.step_ns = -3600LL * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_STEP),
			3600ULL * NSEC_PER_SEC);
	ev.step_ns = S64_MIN;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_STEP),
			(u64)S64_MAX + 1);
	ev.ntp[TA_NTP_ADJUST].new = -500;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_ADJUST),
			500000ULL);
	ev.ntp[TA_NTP_ADJUST].new = S64_MIN;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_ADJUST),
			U64_MAX);
	ev.ntp[TA_NTP_FREQ].old = PPB(1000);
	ev.ntp[TA_NTP_FREQ].new = PPB(-4000);
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_FREQ), 5000ULL);
	ev.ntp[TA_NTP_STATUS].old = STA_PLL;
	ev.ntp[TA_NTP_STATUS].new = STA_INS | STA_DEL | STA_PLL;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_STATUS), 2ULL);
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_DENIED), 0ULL);
	KUNIT_EXPECT_STREQ(test, ta_rate_unit(TIMEAUDIT_CLASS_STEP), "ns");
	KUNIT_EXPECT_STREQ(test, ta_rate_unit(TIMEAUDIT_CLASS_FREQ), "ppb");
}

static void ta_test_rate(struct kunit *test)
{
	struct ta_rate r = { 0 };
	int i, ok = 0;

	for (i = 0; i < 100; i++)
		ok += ta_rate_take(&r, 1000000000ULL + i, 20);
	KUNIT_EXPECT_EQ(test, ok, 20);
	/* Half a second later: ten more. */
	for (i = 0, ok = 0; i < 100; i++)
		ok += ta_rate_take(&r, 1500000000ULL + i, 20);
	KUNIT_EXPECT_EQ(test, ok, 10);
	/* No limit. */
	for (i = 0, ok = 0; i < 100; i++)
		ok += ta_rate_take(&r, 1600000000ULL, 0);
	KUNIT_EXPECT_EQ(test, ok, 100);
	/* A day idle does not overflow the bucket. */
	for (i = 0, ok = 0; i < 100; i++)
		ok += ta_rate_take(&r, 86400ULL * 1000000000ULL * 365, 20);
	KUNIT_EXPECT_EQ(test, ok, 20);
}

static void ta_test_rtc_tz(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_RTC, .real_before_ns = 1000LL * NSEC_PER_SEC,
	};
	static struct ta_decision d;

	/*
	 * Old RTC unknown: always recorded, even when it is set to the
	 * system time (busybox hwclock --systohc writes without reading).
	 */
	ev.rtc.new_ns = 1000LL * NSEC_PER_SEC;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_RTC));
	ev.rtc.new_ns = 1100LL * NSEC_PER_SEC;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_RTC));
	/* Old RTC known: judged by the change, even far from system time. */
	ev.rtc.old_known = true;
	ev.rtc.old_ns = 1100LL * NSEC_PER_SEC + 500000000;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);

	ev = (struct ta_event){ .path = TA_PATH_TZ };
	ev.tz.old_minuteswest = 0;
	ev.tz.new_minuteswest = 0;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	ev.tz.new_dsttime = 1;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_TZ));
}

static void ta_test_phc(struct kunit *test)
{
	struct ta_event ev = { .path = TA_PATH_PHC };
	struct ta_config cfg = ta_defaults;
	static struct ta_decision d;

	/* Setting a PTP clock: recorded, its old time is unknown. */
	ev.phc.settime = true;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_PHC_STEP));

	/* A step: judged by the step threshold, exactly at it counts. */
	ev = (struct ta_event){ .path = TA_PATH_PHC, .modes = ADJ_SETOFFSET };
	ev.phc.offset_ns = -(s64)TIMEAUDIT_DEF_STEP_NS + 1;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_PHC_STEP));
	ev.phc.offset_ns = -(s64)TIMEAUDIT_DEF_STEP_NS;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_PHC_STEP));

	/* Frequency: unknown old value recorded; then by the threshold. */
	ev = (struct ta_event){ .path = TA_PATH_PHC, .modes = ADJ_FREQUENCY };
	ev.phc.new_freq = 1LL << 16;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_PHC_FREQ));
	ev.phc.old_known = true;
	ev.phc.old_freq = -(9LL << 16);		/* 10 ppm apart */
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_PHC_FREQ));
	ev.phc.old_freq = -(8LL << 16);		/* 9 ppm apart */
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	/* SETOFFSET wins over FREQUENCY, as in the PTP core. */
	ev.modes |= ADJ_SETOFFSET;
	ev.phc.offset_ns = 5;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_PHC_STEP));

	/* No write access: EACCES is a denial here, and only here. */
	ev.result = -EACCES;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_DENIED));
	ev.path = TA_PATH_SETTOD;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);

	/* The ptp class switch. */
	ev = (struct ta_event){ .path = TA_PATH_PHC };
	ev.phc.settime = true;
	cfg.classes &= ~BIT(TIMEAUDIT_CLASS_PTP);
	ta_policy_decide(&ev, &cfg, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_PHC_STEP));
}

static void ta_test_aux(struct kunit *test)
{
	struct ta_event ev = { .path = TA_PATH_AUX };
	struct ta_config cfg = ta_defaults;
	static struct ta_decision d;

	/* clock_settime: the measured step, judged by the step threshold. */
	ev.aux.op = TA_AUX_SET;
	ev.aux.old_known = true;
	ev.aux.step_ns = (s64)TIMEAUDIT_DEF_STEP_NS - 1;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_AUX_STEP));
	ev.aux.step_ns = -(s64)TIMEAUDIT_DEF_STEP_NS;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STEP));
	/* The largest step backwards is not wrapped into a small one. */
	ev.aux.step_ns = S64_MIN;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STEP));
	/* Not readable before (enabled meanwhile): recorded, any size. */
	ev.aux.old_known = false;
	ev.aux.step_ns = 0;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STEP));
	/* A clock that is off (ENODEV) or a bad time (EINVAL): nothing. */
	ev.result = -ENODEV;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, 0U);
	ev.result = -EINVAL;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, 0U);
	/* Refused: one denied record, whatever was asked. */
	ev.result = -EPERM;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_DENIED));

	/* clock_adjtime: ADJ_SETOFFSET as asked, frequency by threshold. */
	ev = (struct ta_event){ .path = TA_PATH_AUX, .modes = ADJ_SETOFFSET };
	ev.aux.op = TA_AUX_ADJ;
	ev.aux.step_ns = TIMEAUDIT_DEF_STEP_NS;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STEP));
	ev = (struct ta_event){ .path = TA_PATH_AUX, .modes = ADJ_FREQUENCY };
	ev.aux.op = TA_AUX_ADJ;
	/* No NTP values (no slot: counted as a miss): nothing to judge. */
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, 0U);
	ev.ntp_valid = BIT(TA_NTP_ADJUST) - 1;
	ev.ntp[TA_NTP_FREQ].new = (s64)TIMEAUDIT_DEF_FREQ_PPB << 32;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_FREQ));
	ev.ntp[TA_NTP_FREQ].new = ((s64)TIMEAUDIT_DEF_FREQ_PPB - 1) << 32;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_AUX_FREQ));
	/* Its PLL: by freq_threshold_ppb, not the system's PLL threshold. */
	ev.modes = ADJ_OFFSET;
	ev.ntp[TA_NTP_FREQ].new = (s64)TIMEAUDIT_DEF_FREQ_PPB << 32;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_FREQ));
	/* Only the status bit asked, nothing changed: nothing written. */
	ev.modes = ADJ_STATUS;
	ev.ntp[TA_NTP_FREQ].new = 0;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_AUX_STATUS));
	/* ... a flag of the mask changed: its own record. */
	ev.ntp[TA_NTP_STATUS].new = STA_PLL;
	cfg.status_mask = STA_PLL;
	ta_policy_decide(&ev, &cfg, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STATUS));
	cfg = ta_defaults;
	ev.ntp[TA_NTP_STATUS].new = 0;
	/* Its PLL offset and its tick, by the slew and tick thresholds. */
	ev.modes = ADJ_OFFSET | ADJ_TICK;
	/* 200 ms as ntp_update_offset() sets it: ns << 32 / HZ */
	ev.ntp[TA_NTP_OFFSET].new = div_s64(200000000LL << 32, HZ);
	ev.ntp[TA_NTP_TICK].old = 10000;
	ev.ntp[TA_NTP_TICK].new = 10001;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)(BIT(TA_ITEM_AUX_SLEW) |
					    BIT(TA_ITEM_AUX_TICK)));
	/* Converted once, in ns: the kernel's division may lose 1 ns. */
	KUNIT_EXPECT_GE(test, d.val[TA_ITEM_AUX_SLEW].new, 199999999LL);
	KUNIT_EXPECT_LE(test, d.val[TA_ITEM_AUX_SLEW].new, 200000000LL);
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_AUX_SLEW),
			(u64)d.val[TA_ITEM_AUX_SLEW].new);
	ev.ntp[TA_NTP_OFFSET].new = div_s64(((s64)TIMEAUDIT_DEF_SLEW_NS -
					     NSEC_PER_MSEC) << 32, HZ);
	ev.ntp[TA_NTP_TICK].new = 10000;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	/* adjtime() on it: time_adjust, us, by the slew threshold. */
	ev = (struct ta_event){
		.path = TA_PATH_AUX, .modes = ADJ_OFFSET_SINGLESHOT,
		.ntp_valid = BIT(TA_NTP_ADJUST),
	};
	ev.aux.op = TA_AUX_ADJ;
	ev.ntp[TA_NTP_ADJUST].new = TIMEAUDIT_DEF_SLEW_NS / NSEC_PER_USEC;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_SLEW));
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_AUX_SLEW),
			TIMEAUDIT_DEF_SLEW_NS);
	ev.ntp[TA_NTP_ADJUST].new = -1;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_AUX_SLEW));
	/* An aux clock never touches the system clock's items. */
	ev = (struct ta_event){
		.path = TA_PATH_AUX, .ntp_valid = BIT(TA_NTP_COUNT) - 1,
		.modes = ADJ_SETOFFSET | ADJ_FREQUENCY | ADJ_TAI | ADJ_TICK |
			 ADJ_STATUS | ADJ_OFFSET,
	};
	ev.aux.op = TA_AUX_ADJ;
	ev.aux.step_ns = S64_MAX;
	ev.ntp[TA_NTP_FREQ].new = S64_MIN;
	ev.ntp[TA_NTP_TAI].new = 37;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)(BIT(TA_ITEM_AUX_STEP) |
					    BIT(TA_ITEM_AUX_FREQ) |
					    BIT(TA_ITEM_AUX_SLEW) |
					    BIT(TA_ITEM_AUX_STATUS) |
					    BIT(TA_ITEM_AUX_TICK)));

	/* enable/disable: recorded when the state changed. */
	ev = (struct ta_event){ .path = TA_PATH_AUX };
	ev.aux.op = TA_AUX_ENABLE;
	ev.aux.new_on = true;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_AUX_STATE));
	ev.aux.old_on = true;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, 0U);
	ev.result = -EPERM;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_DENIED));

	/* The aux class switch, and its items' class. */
	ev = (struct ta_event){ .path = TA_PATH_AUX };
	ev.aux.op = TA_AUX_ENABLE;
	ev.aux.new_on = true;
	cfg.classes &= ~BIT(TIMEAUDIT_CLASS_AUX);
	ta_policy_decide(&ev, &cfg, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_AUX_STATE));
	KUNIT_EXPECT_EQ(test, ta_item_class(TA_ITEM_AUX_STEP),
			TIMEAUDIT_CLASS_AUX);
	KUNIT_EXPECT_EQ(test, ta_item_class(TA_ITEM_AUX_FREQ),
			TIMEAUDIT_CLASS_AUX);
	KUNIT_EXPECT_EQ(test, ta_item_class(TA_ITEM_AUX_SLEW),
			TIMEAUDIT_CLASS_AUX);
	KUNIT_EXPECT_EQ(test, ta_item_class(TA_ITEM_AUX_STATUS),
			TIMEAUDIT_CLASS_AUX);
	KUNIT_EXPECT_EQ(test, ta_item_class(TA_ITEM_AUX_TICK),
			TIMEAUDIT_CLASS_AUX);

	/* Rate limit: a big aux step is exempt, its size is counted. */
	ev = (struct ta_event){ .path = TA_PATH_AUX };
	ev.aux.op = TA_AUX_SET;
	ev.aux.old_known = true;
	ev.aux.may_set_time = true;
	ev.aux.step_ns = -2LL * NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, ta_rate_exempt(&ev, TA_ITEM_AUX_STEP,
					       NSEC_PER_SEC));
	/* ... but not one by a caller without CAP_SYS_TIME (7.2 allows). */
	ev.aux.may_set_time = false;
	KUNIT_EXPECT_FALSE(test, ta_rate_exempt(&ev, TA_ITEM_AUX_STEP, 0));
	ev.aux.may_set_time = true;
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_AUX_STEP),
			2ULL * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, ta_rate_magnitude(&ev, TA_ITEM_AUX_STATE), 0ULL);
}

static void ta_test_drift_input(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX, .modes = ADJ_SETOFFSET,
		.stepped = true, .step_ns = 900000,
	};
	struct ta_drift_input in;
	static struct ta_decision d;

	ta_policy_decide(&ev, &ta_defaults, &d);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_TRUE(test, in.time);
	KUNIT_EXPECT_FALSE(test, in.reset_time);
	KUNIT_EXPECT_EQ(test, in.time_ns, 900000LL);

	ev.step_ns = 2000000;
	ta_policy_decide(&ev, &ta_defaults, &d);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_FALSE(test, in.time);
	KUNIT_EXPECT_TRUE(test, in.reset_time);

	ev = (struct ta_event){
		.path = TA_PATH_ADJTIMEX, .modes = ADJ_FREQUENCY,
		.ntp_valid = BIT(TA_NTP_FREQ),
	};
	ev.ntp[TA_NTP_FREQ].old = PPB(15000);
	ev.ntp[TA_NTP_FREQ].new = PPB(15500);
	ta_policy_decide(&ev, &ta_defaults, &d);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_TRUE(test, in.freq);
	KUNIT_EXPECT_TRUE(test, in.freq_seen);
	KUNIT_EXPECT_EQ(test, in.freq_ppb, 500LL);

	/* A PLL move under its threshold: no frequency window, a change. */
	ev.modes = ADJ_OFFSET | ADJ_STATUS;
	ev.ntp[TA_NTP_FREQ].new = PPB(45000);
	ta_policy_decide(&ev, &ta_defaults, &d);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_FALSE(test, in.freq);
	KUNIT_EXPECT_TRUE(test, in.freq_seen);
	KUNIT_EXPECT_FALSE(test, in.reset_freq);
	KUNIT_EXPECT_EQ(test, in.freq_old_ppb, 15000LL);
	KUNIT_EXPECT_EQ(test, in.freq_new_ppb, 45000LL);

	/* One recorded on its own starts over. */
	ev.ntp[TA_NTP_FREQ].new = PPB(-40000);
	ta_policy_decide(&ev, &ta_defaults, &d);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_FREQ));
	KUNIT_EXPECT_TRUE(test, in.freq_seen);
	KUNIT_EXPECT_TRUE(test, in.reset_freq);
	KUNIT_EXPECT_EQ(test, ta_freq_threshold(&ev, &ta_defaults),
			TIMEAUDIT_DEF_PLL_PPB);
	ev.modes |= ADJ_FREQUENCY;
	KUNIT_EXPECT_EQ(test, ta_freq_threshold(&ev, &ta_defaults),
			TIMEAUDIT_DEF_FREQ_PPB);
}

/* One PLL move of @from -> @to ppb: whether it is an excursion. */
static bool pll_move(struct ta_freq_ref *ref, s64 from, s64 to, u64 budget,
		     struct ta_drift_result *r)
{
	struct ta_drift_input in = {
		.freq_seen = true, .freq_old_ppb = from, .freq_new_ppb = to,
	};

	return ta_freq_excursion(ref, &in, false, budget, r);
}

/*
 * The hot path zeroes neither its decision nor more of its event than
 * ta_event_start() does (event.c, adjtimex.c, settime.c): what the
 * policy decides must not depend on what was in them before.
 */
static void ta_test_unzeroed(struct kunit *test)
{
	static struct ta_decision d;
	static struct ta_event ev;
	struct ta_drift_input in;

	/* A small step, junk wherever the step path does not write. */
	memset(&ev, 0xa5, sizeof(ev));
	ta_event_start(&ev, TA_PATH_SETTOD);
	ev.stepped = true;
	ev.step_ns = 1000;
	memset(&d, 0xa5, sizeof(d));
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_STEP));
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_STEP].old, 0LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_STEP].new, 1000LL);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_TRUE(test, in.time);
	KUNIT_EXPECT_EQ(test, in.time_ns, 1000LL);
	KUNIT_EXPECT_FALSE(test, in.freq_seen);

	/* An item marked without a value shows 0s, not what was there. */
	memset(&ev, 0xa5, sizeof(ev));
	ta_event_start(&ev, TA_PATH_TZ);
	ev.tz.old_minuteswest = 0;
	ev.tz.new_minuteswest = 60;
	ev.tz.old_dsttime = 0;
	ev.tz.new_dsttime = 0;
	memset(&d, 0xa5, sizeof(d));
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_TZ));
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_TZ].old, 0LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_TZ].new, 0LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_TZ].threshold, 0ULL);

	/* adjtime(): its slew is the one NTP value, the rest is junk. */
	memset(&ev, 0xa5, sizeof(ev));
	ta_event_start(&ev, TA_PATH_ADJTIMEX);
	ev.modes = ADJ_OFFSET_SINGLESHOT;
	ev.ntp_valid = BIT(TA_NTP_ADJUST);
	ev.ntp[TA_NTP_ADJUST].old = 0;
	ev.ntp[TA_NTP_ADJUST].new = 10;	/* us */
	memset(&d, 0xa5, sizeof(d));
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.seen, (u32)BIT(TA_ITEM_ADJUST));
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_EQ(test, in.time_ns, 10000LL);
	KUNIT_EXPECT_FALSE(test, in.freq_seen);
	KUNIT_EXPECT_FALSE(test, in.reset_freq);
}

/*
 * A walk of the PLL's frequency in moves under pll_threshold_ppb, the
 * attacker's way past it, at any pace: recorded each time it is 50 ppm
 * away from the frequency last on record.
 */
static void ta_test_pll_walk(struct kunit *test)
{
	struct ta_freq_ref ref = {};
	struct ta_drift_result r = {};
	struct ta_drift_input in = {};
	int fired = 0, i;

	for (i = 0; i < 10; i++) {
		if (!pll_move(&ref, i * 20000, (i + 1) * 20000, 50000, &r))
			continue;
		fired++;
		/* 20, 40, 60 ppm: recorded at 60, then 120, 180 */
		KUNIT_EXPECT_EQ(test, r.net, 60000LL);
		KUNIT_EXPECT_EQ(test, r.count, 3U);
	}
	KUNIT_EXPECT_EQ(test, fired, 3);

	/* Back and forth under the threshold: never. */
	ref = (struct ta_freq_ref){};
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_FALSE(test, pll_move(&ref, i % 2 ? 40000 : 0,
						  i % 2 ? 0 : 40000, 50000,
						  &r));

	/* The first change seen sets the mark from its old value. */
	ref = (struct ta_freq_ref){};
	KUNIT_EXPECT_TRUE(test, pll_move(&ref, -30000, 25000, 50000, &r));
	KUNIT_EXPECT_EQ(test, r.net, 55000LL);

	/* A frequency recorded on its own is the new mark. */
	in = (struct ta_drift_input){
		.freq_seen = true, .freq_old_ppb = 25000, .freq_new_ppb = 500000,
	};
	KUNIT_EXPECT_FALSE(test, ta_freq_excursion(&ref, &in, true, 50000,
						   &r));
	KUNIT_EXPECT_FALSE(test, pll_move(&ref, 500000, 460000, 50000, &r));
	KUNIT_EXPECT_TRUE(test, pll_move(&ref, 460000, 450000, 50000, &r));
	KUNIT_EXPECT_EQ(test, r.net, -50000LL);

	/* Budget 0: nothing adds up (every move is recorded alone). */
	KUNIT_EXPECT_FALSE(test, pll_move(&ref, 0, 900000, 0, &r));
}

/* pll_threshold_ppb 0 records every move of the PLL, of 1 ppb too. */
static void ta_test_pll_zero(struct kunit *test)
{
	struct ta_config *cfg = kunit_kmalloc(test, sizeof(*cfg), GFP_KERNEL);
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX, .modes = ADJ_OFFSET,
		.ntp_valid = BIT(TA_NTP_FREQ),
	};
	static struct ta_decision d;

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	*cfg = ta_defaults;
	cfg->pll_threshold_ppb = 0;
	ev.ntp[TA_NTP_FREQ].new = PPB(1);
	ta_policy_decide(&ev, cfg, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_FREQ));
	ev.ntp[TA_NTP_FREQ].new = 0;
	ta_policy_decide(&ev, cfg, &d);
	KUNIT_EXPECT_EQ(test, d.seen, 0U);

	/* The mark's budget: 0 (each move alone), 1 ppb with freq off. */
	KUNIT_EXPECT_EQ(test, ta_pll_budget(cfg), 0ULL);
	cfg->classes &= ~BIT(TIMEAUDIT_CLASS_FREQ);
	KUNIT_EXPECT_EQ(test, ta_pll_budget(cfg), 1ULL);
	cfg->classes &= ~BIT(TIMEAUDIT_CLASS_DRIFT);
	KUNIT_EXPECT_EQ(test, ta_pll_budget(cfg), 0ULL);
	*cfg = ta_defaults;
	KUNIT_EXPECT_EQ(test, ta_pll_budget(cfg), TIMEAUDIT_DEF_PLL_PPB);
}


/* --- decoding adjtimex() as the kernel does ----------------------------- */

/* User space's adjtime() modes; in the kernel SINGLESHOT is bit 0 alone. */
#define U_SINGLESHOT	(ADJ_ADJTIME | ADJ_OFFSET_SINGLESHOT)	/* 0x8001 */
#define U_SS_READ	(U_SINGLESHOT | ADJ_OFFSET_READONLY)	/* 0xa001 */

struct decode_case {
	const char *name;
	u32 modes;
	u32 effects;
};

static const struct decode_case decode_cases[] = {
	{ "read", 0, 0 },
	{ "adjtime read", U_SS_READ, 0 },
	{ "adjtime", U_SINGLESHOT, TA_ADJ_ADJUST | TA_ADJ_PRIV },
	/* adjtime() without its bit 0: EINVAL for anyone, whatever else */
	{ "ADJ_ADJTIME alone", ADJ_ADJTIME, 0 },
	{ "ADJ_ADJTIME + setoffset", ADJ_ADJTIME | ADJ_SETOFFSET, 0 },
	/* adjtime() ignores the NTP bits, but not ADJ_SETOFFSET */
	{ "adjtime + freq", U_SINGLESHOT | ADJ_FREQUENCY,
	  TA_ADJ_ADJUST | TA_ADJ_PRIV },
	{ "adjtime read + setoffset (0xa101)",
	  U_SS_READ | ADJ_SETOFFSET, TA_ADJ_STEP | TA_ADJ_PRIV },
	{ "adjtime + setoffset", U_SINGLESHOT | ADJ_SETOFFSET,
	  TA_ADJ_STEP | TA_ADJ_ADJUST | TA_ADJ_PRIV },
	{ "adjtime read + all", 0xffffffff,
	  TA_ADJ_STEP | TA_ADJ_PRIV },
	{ "setoffset", ADJ_SETOFFSET, TA_ADJ_STEP | TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "setoffset nano", ADJ_SETOFFSET | ADJ_NANO,
	  TA_ADJ_STEP | TA_ADJ_NTP | TA_ADJ_PRIV },
	/* ADJ_OFFSET_READONLY without ADJ_ADJTIME is ADJ_NANO: STA_NANO */
	{ "nano alone", ADJ_NANO, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "offset", ADJ_OFFSET, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "freq", ADJ_FREQUENCY, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "tick", ADJ_TICK, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "status", ADJ_STATUS, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "tai", ADJ_TAI, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "maxerror", ADJ_MAXERROR, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "undefined bit", 0x0800, TA_ADJ_NTP | TA_ADJ_PRIV },
	{ "high bit", 0x80000000, TA_ADJ_NTP | TA_ADJ_PRIV },
};

static void decode_desc(const struct decode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s (0x%x)", c->name, c->modes);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_desc);

static void ta_test_decode(struct kunit *test)
{
	const struct decode_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ta_adjtimex_effects(c->modes), c->effects);
}

struct check_case {
	const char *name;
	u32 modes;
	long tick, freq;
	long long sec;
	long usec;
	int err_root, err_user;
};

#define TICK_OK	(1000000 / USER_HZ)

static const struct check_case check_cases[] = {
	{ "read", 0, 0, 0, 0, 0, 0, 0 },
	{ "adjtime read", U_SS_READ, 0, 0, 0, 0, 0, 0 },
	{ "adjtime", U_SINGLESHOT, 0, 0, 0, 0, 0, -EPERM },
	{ "ADJ_ADJTIME alone", ADJ_ADJTIME, 0, 0, 0, 0, -EINVAL, -EINVAL },
	{ "ADJ_ADJTIME + step", ADJ_ADJTIME | ADJ_SETOFFSET, 0, 0, 1, 0,
	  -EINVAL, -EINVAL },
	{ "0xa101: read + step", U_SS_READ | ADJ_SETOFFSET, 0, 0,
	  3600, 0, 0, -EPERM },
	{ "0xa101 nsec 999999999", U_SS_READ | ADJ_SETOFFSET, 0, 0,
	  0, 999999999, 0, -EPERM },
	{ "0xa101 nsec 1e9", U_SS_READ | ADJ_SETOFFSET, 0, 0,
	  0, 1000000000, -EINVAL, -EPERM },
	/* adjtime() skips the tick check, not the frequency check */
	{ "adjtime bad tick", U_SINGLESHOT | ADJ_TICK, 1, 0, 0, 0,
	  0, -EPERM },
	{ "adjtime read bad freq", U_SS_READ | ADJ_FREQUENCY, 0,
	  LONG_MAX, 0, 0, -EINVAL, -EINVAL },
	{ "tick ok", ADJ_TICK, TICK_OK, 0, 0, 0, 0, -EPERM },
	{ "tick low", ADJ_TICK, 900000 / USER_HZ - 1, 0, 0, 0, -EINVAL,
	  -EPERM },
	{ "tick high", ADJ_TICK, 1100000 / USER_HZ + 1, 0, 0, 0, -EINVAL,
	  -EPERM },
	{ "tick limits", ADJ_TICK, 900000 / USER_HZ, 0, 0, 0, 0, -EPERM },
	{ "step usec -1", ADJ_SETOFFSET, 0, 0, 1, -1, -EINVAL, -EPERM },
	{ "step usec 999999", ADJ_SETOFFSET, 0, 0, 1, 999999, 0, -EPERM },
	{ "step usec 1e6", ADJ_SETOFFSET, 0, 0, 1, 1000000, -EINVAL, -EPERM },
	{ "step nsec 1e6", ADJ_SETOFFSET | ADJ_NANO, 0, 0, 1, 1000000, 0,
	  -EPERM },
	{ "step S64_MIN s", ADJ_SETOFFSET, 0, 0, S64_MIN, 0, 0, -EPERM },
	{ "freq max", ADJ_FREQUENCY, 0, S64_MAX / PPM_SCALE, 0, 0, 0, -EPERM },
	{ "freq max+1", ADJ_FREQUENCY, 0, S64_MAX / PPM_SCALE + 1, 0, 0,
	  -EINVAL, -EPERM },
	{ "freq LONG_MIN", ADJ_FREQUENCY, 0, LONG_MIN, 0, 0, -EINVAL,
	  -EPERM },
	{ "freq S32 (compat)", ADJ_FREQUENCY, 0, S32_MIN, 0, 0, 0, -EPERM },
	{ "nano alone", ADJ_NANO, 0, 0, 0, 0, 0, -EPERM },
};

static void check_desc(const struct check_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_desc);

static void ta_test_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	struct __kernel_timex tx = {
		.modes = c->modes, .tick = c->tick, .freq = c->freq,
	};

	tx.time.tv_sec = c->sec;
	tx.time.tv_usec = c->usec;
	KUNIT_EXPECT_EQ(test, ta_adjtimex_check(&tx, true), c->err_root);
	KUNIT_EXPECT_EQ(test, ta_adjtimex_check(&tx, false), c->err_user);
	/* Whatever may change needs the capability. */
	if (ta_adjtimex_effects(c->modes))
		KUNIT_EXPECT_EQ(test, ta_adjtimex_check(&tx, false), -EPERM);
}

/* --- saturated arithmetic ------------------------------------------------ */

struct sat_case {
	s64 a, b;
	s64 add, sub, mul;
	u64 diff;
};

static const struct sat_case sat_cases[] = {
	{ 0, 0, 0, 0, 0, 0 },
	{ 1, -1, 0, 2, -1, 2 },
	{ S64_MAX, 1, S64_MAX, S64_MAX - 1, S64_MAX, (u64)S64_MAX - 1 },
	{ S64_MAX, -1, S64_MAX - 1, S64_MAX, -S64_MAX, (u64)S64_MAX + 1 },
	{ S64_MIN, 1, S64_MIN + 1, S64_MIN, S64_MIN, (u64)S64_MAX + 2 },
	{ S64_MIN, -1, S64_MIN, S64_MIN + 1, S64_MAX, (u64)S64_MAX },
	{ S64_MAX, S64_MIN, -1, S64_MAX, S64_MIN, U64_MAX },
	{ S64_MIN, S64_MAX, -1, S64_MIN, S64_MIN, U64_MAX },
	{ S64_MIN, S64_MIN, S64_MIN, 0, S64_MAX, 0 },
	{ S64_MAX, S64_MAX, S64_MAX, 0, S64_MAX, 0 },
	/* the adjtime() offset of the bypass: wraps to 384 unsaturated */
	{ 18446744073709552LL, 1000, 18446744073709552LL + 1000,
	  18446744073709552LL - 1000, S64_MAX, 18446744073709552ULL - 1000 },
	{ -18446744073709552LL, 1000, -18446744073709552LL + 1000,
	  -18446744073709552LL - 1000, S64_MIN, 18446744073709552ULL + 1000 },
	/* KTIME_SEC_MAX + 1 s in ns */
	{ 9223372037LL, 1000000000, 10223372037LL, 8223372037LL, S64_MAX,
	  8223372037ULL },
};

static void sat_desc(const struct sat_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lld, %lld", c->a, c->b);
}

KUNIT_ARRAY_PARAM(sat, sat_cases, sat_desc);

static void ta_test_sat(struct kunit *test)
{
	const struct sat_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ta_add_sat(c->a, c->b), c->add);
	KUNIT_EXPECT_EQ(test, ta_sub_sat(c->a, c->b), c->sub);
	KUNIT_EXPECT_EQ(test, ta_mul_sat(c->a, c->b), c->mul);
	KUNIT_EXPECT_EQ(test, ta_abs_diff(c->a, c->b), c->diff);
	KUNIT_EXPECT_EQ(test, ta_abs_diff(c->b, c->a), c->diff);
}

/* ADJ_SETOFFSET and adjtime() values: us or ns, 64-bit and compat. */
struct scale_case {
	const char *name;
	u32 modes;
	s64 sec, frac;
	s64 setoffset_ns;
};

static const struct scale_case scale_cases[] = {
	{ "not a step", ADJ_OFFSET, 5, 5, 0 },
	{ "1 h (0xa101)", U_SS_READ | ADJ_SETOFFSET, 3600, 0,
	  3600 * NSEC_PER_SEC },
	{ "-1.5 s us", ADJ_SETOFFSET, -2, 500000, -1500000000LL },
	{ "-1.5 s ns", ADJ_SETOFFSET | ADJ_NANO, -2, 500000000,
	  -1500000000LL },
	{ "1 us", ADJ_SETOFFSET, 0, 1, 1000 },
	{ "1 ns", ADJ_SETOFFSET | ADJ_NANO, 0, 1, 1 },
	{ "S64_MAX s", ADJ_SETOFFSET, S64_MAX, 999999, S64_MAX },
	{ "S64_MIN s", ADJ_SETOFFSET, S64_MIN, 0, S64_MIN },
	{ "S64_MIN s, usec up", ADJ_SETOFFSET, S64_MIN, 999999,
	  S64_MIN + 999999000 },
	{ "S64_MAX us", ADJ_SETOFFSET, 0, S64_MAX, S64_MAX },
	{ "S32 compat", ADJ_SETOFFSET, S32_MIN, 999999,
	  (s64)S32_MIN * NSEC_PER_SEC + 999999000 },
	{ "S32_MAX compat", ADJ_SETOFFSET | ADJ_NANO, S32_MAX, 999999999,
	  (s64)S32_MAX * NSEC_PER_SEC + 999999999 },
	{ "KTIME_SEC_MAX", ADJ_SETOFFSET, KTIME_SEC_MAX, 0,
	  KTIME_SEC_MAX * NSEC_PER_SEC },
	{ "KTIME_SEC_MAX + 1", ADJ_SETOFFSET, KTIME_SEC_MAX + 1, 0,
	  S64_MAX },
};

static void scale_desc(const struct scale_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(scale, scale_cases, scale_desc);

static void ta_test_scale(struct kunit *test)
{
	const struct scale_case *c = test->param_value;
	struct __kernel_timex tx = { .modes = c->modes };

	tx.time.tv_sec = c->sec;
	tx.time.tv_usec = c->frac;
	KUNIT_EXPECT_EQ(test, ta_setoffset_ns(&tx, c->modes), c->setoffset_ns);
}

struct us_case {
	s64 us, ns;
};

static const struct us_case us_cases[] = {
	{ 0, 0 }, { 1, 1000 }, { -1, -1000 },
	{ 128000, 128000000 },
	{ S32_MAX, (s64)S32_MAX * 1000 }, { S32_MIN, (s64)S32_MIN * 1000 },
	{ S64_MAX / 1000, S64_MAX / 1000 * 1000 },
	{ S64_MAX / 1000 + 1, S64_MAX },
	{ 18446744073709552LL, S64_MAX }, { -18446744073709552LL, S64_MIN },
	{ S64_MAX, S64_MAX }, { S64_MIN, S64_MIN },
};

static void us_desc(const struct us_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lld us", c->us);
}

KUNIT_ARRAY_PARAM(us, us_cases, us_desc);

static void ta_test_us(struct kunit *test)
{
	const struct us_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ta_us_to_ns(c->us), c->ns);
}

/* --- RTC times: years 1900 to INT_MAX ------------------------------------ */

struct rtc_case {
	int year, mon, mday, hour, min, sec;
	s64 ns;		/* S64_MAX: beyond 2262, saturated */
};

static const struct rtc_case rtc_cases[] = {
	{ 1970, 1, 1, 0, 0, 0, 0 },
	{ 1969, 12, 31, 23, 59, 59, -NSEC_PER_SEC },
	{ 1900, 1, 1, 0, 0, 0, -2208988800LL * NSEC_PER_SEC },
	{ 2000, 2, 29, 12, 0, 0, 951825600LL * NSEC_PER_SEC },
	{ 2038, 1, 19, 3, 14, 8, 2147483648LL * NSEC_PER_SEC },
	{ 2100, 3, 1, 0, 0, 0, 4107542400LL * NSEC_PER_SEC },
	/* the last second an s64 of ns holds, and the first it does not */
	{ 2262, 4, 11, 23, 47, 16, 9223372036LL * NSEC_PER_SEC },
	{ 2262, 4, 11, 23, 47, 17, S64_MAX },
	{ 2300, 1, 1, 0, 0, 0, S64_MAX },
	{ 9999, 12, 31, 23, 59, 59, S64_MAX },
	/* mktime64()'s unsigned year * 365 wraps past here */
	{ 11767034, 1, 1, 0, 0, 0, S64_MAX },
	{ INT_MAX - 1900, 12, 31, 23, 59, 59, S64_MAX },
	{ INT_MAX, 12, 31, 23, 59, 59, S64_MAX },
};

static void rtc_desc(const struct rtc_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d-%02d-%02d %02d:%02d:%02d",
		 c->year, c->mon, c->mday, c->hour, c->min, c->sec);
}

KUNIT_ARRAY_PARAM(rtc, rtc_cases, rtc_desc);

static void ta_test_rtc_ns(struct kunit *test)
{
	const struct rtc_case *c = test->param_value;
	struct rtc_time tm = {
		.tm_year = c->year - 1900, .tm_mon = c->mon - 1,
		.tm_mday = c->mday, .tm_hour = c->hour, .tm_min = c->min,
		.tm_sec = c->sec,
	};

	KUNIT_EXPECT_EQ(test, ta_rtc_tm_to_ns(&tm), c->ns);
}

/* Every year the kernel's own conversion gets right: the same answer. */
static void ta_test_rtc_mktime(struct kunit *test)
{
	struct rtc_time tm = { .tm_mday = 28, .tm_hour = 13 };
	s64 prev = S64_MIN;
	s64 y;
	int m;

	for (y = 1900; y < 2262; y++) {
		for (m = 0; m < 12; m++) {
			s64 ns;

			tm.tm_year = y - 1900;
			tm.tm_mon = m;
			ns = ta_rtc_tm_to_ns(&tm);
			KUNIT_ASSERT_EQ(test, ns, mktime64(y, m + 1, 28, 13,
							   0, 0) *
					NSEC_PER_SEC);
			KUNIT_ASSERT_GT(test, ns, prev);
			prev = ns;
		}
	}
	/* Then saturated, never wrapped back into a plausible time. */
	for (y = 2263; y <= INT_MAX; y += y / 3 + 1) {
		tm.tm_year = y - 1900;
		KUNIT_ASSERT_EQ(test, ta_rtc_tm_to_ns(&tm), S64_MAX);
	}
}

/* --- the values a decision carries to the record ----------------------- */

struct value_case {
	const char *name;
	u32 modes;
	enum ta_ntp v;
	s64 old, new;		/* raw, as the NTP core keeps them */
	enum ta_item item;
	s64 want_old, want_new;	/* in the class's unit */
	u64 want_threshold;
};

static const struct value_case value_cases[] = {
	{ "adjtime 200 ms", ADJ_OFFSET_SINGLESHOT, TA_NTP_ADJUST, -5, 200000,
	  TA_ITEM_ADJUST, -5000, 200000000, TIMEAUDIT_DEF_SLEW_NS },
	{ "freq set +20 ppm", ADJ_FREQUENCY, TA_NTP_FREQ, PPB(-1000),
	  PPB(20000), TA_ITEM_FREQ, -1000, 20000, TIMEAUDIT_DEF_FREQ_PPB },
	{ "freq by the PLL", ADJ_OFFSET | ADJ_STATUS, TA_NTP_FREQ, PPB(0),
	  PPB(-60000), TA_ITEM_FREQ, 0, -60000, TIMEAUDIT_DEF_PLL_PPB },
	{ "tai 37 to 38", ADJ_TAI, TA_NTP_TAI, 37, 38, TA_ITEM_TAI, 37, 38,
	  TIMEAUDIT_DEF_TAI_S },
	{ "tick 10000 to 10001", ADJ_TICK, TA_NTP_TICK, 10000, 10001,
	  TA_ITEM_TICK, 10000, 10001, TIMEAUDIT_DEF_TICK_US },
	{ "status +STA_INS", ADJ_STATUS, TA_NTP_STATUS, STA_PLL,
	  STA_PLL | STA_INS, TA_ITEM_STATUS, STA_PLL, STA_PLL | STA_INS,
	  TIMEAUDIT_DEF_STATUS_MASK },
};

static void value_desc(const struct value_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(value, value_cases, value_desc);

/* Converted once, with the threshold that judged it: the record prints it. */
static void ta_test_values(struct kunit *test)
{
	const struct value_case *c = test->param_value;
	struct ta_event ev = ta_ntp_event(c->modes, c->v, c->old, c->new);
	static struct ta_decision d;

	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_ASSERT_TRUE(test, d.seen & BIT(c->item));
	KUNIT_EXPECT_EQ(test, d.val[c->item].old, c->want_old);
	KUNIT_EXPECT_EQ(test, d.val[c->item].new, c->want_new);
	KUNIT_EXPECT_EQ(test, d.val[c->item].threshold, c->want_threshold);
}

/* A step: old 0, new the step; a PTP clock's frequency in ppb. */
static void ta_test_values_step_phc(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_SETTOD, .stepped = true, .step_ns = -7,
	};
	static struct ta_decision d;

	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_STEP].old, 0LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_STEP].new, -7LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_STEP].threshold,
			TIMEAUDIT_DEF_STEP_NS);

	ev = (struct ta_event){ .path = TA_PATH_PHC, .modes = ADJ_FREQUENCY };
	ev.phc.old_known = true;
	ev.phc.old_freq = 1 << 16;		/* 1 ppm */
	ev.phc.new_freq = -(25LL << 16);	/* -25 ppm */
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_PHC_FREQ));
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_PHC_FREQ].old, 1000LL);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_PHC_FREQ].new, -25000LL);
}

/* --- the bypasses of issue 14, decided end to end ------------------------ */

static void ta_test_bypasses(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX,
		.modes = U_SS_READ | ADJ_SETOFFSET,
		.stepped = true, .step_ns = 3600 * NSEC_PER_SEC,
	};
	static struct ta_decision d;
	struct ta_drift_input in;
	struct rtc_time tm = { .tm_year = 9999 - 1900, .tm_mday = 1 };

	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_STEP));

	/* adjtime() of 18446744073709552 us: far above 128 ms, saturated */
	ev = (struct ta_event){
		.path = TA_PATH_ADJTIMEX, .modes = U_SINGLESHOT,
		.ntp_valid = BIT(TA_NTP_ADJUST),
	};
	ev.ntp[TA_NTP_ADJUST].new = 18446744073709552LL;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_ADJUST));
	ev.ntp[TA_NTP_ADJUST].new = -18446744073709552LL;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_ADJUST));
	/* below its threshold it feeds drift, saturated, not wrapped */
	ev.ntp[TA_NTP_ADJUST].new = S64_MAX;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.val[TA_ITEM_ADJUST].new, S64_MAX);
	d.val[TA_ITEM_OFFSET].new = 1;	/* and a slew of 1 ns beside it */
	d.seen |= BIT(TA_ITEM_OFFSET);
	d.emit = 0;
	ta_policy_drift_input(&ev, &d, &in);
	KUNIT_EXPECT_EQ(test, in.time_ns, S64_MAX);

	/* an RTC set to 9999, whatever the ns wrap to: a change */
	ev = (struct ta_event){ .path = TA_PATH_RTC };
	ev.rtc.old_known = true;
	ev.rtc.old_ns = 1700000000LL * NSEC_PER_SEC;
	ev.rtc.new_ns = ta_rtc_tm_to_ns(&tm);
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_RTC));
	/* NTP values at the extremes: an exact difference */
	ev = (struct ta_event){
		.path = TA_PATH_ADJTIMEX, .modes = ADJ_TICK,
		.ntp_valid = BIT(TA_NTP_TICK),
	};
	ev.ntp[TA_NTP_TICK].old = S64_MIN;
	ev.ntp[TA_NTP_TICK].new = S64_MAX;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, (u32)BIT(TA_ITEM_TICK));
}

static struct kunit_case ta_policy_cases[] = {
	KUNIT_CASE(ta_test_drift),
	KUNIT_CASE(ta_test_drift_same_second),
	KUNIT_CASE(ta_test_concurrent_step),
	KUNIT_CASE(ta_test_refused_clears_ntp),
	KUNIT_CASE(ta_test_rate),
	KUNIT_CASE(ta_test_drift_backoff),
	KUNIT_CASE(ta_test_rate_exempt),
	KUNIT_CASE(ta_test_rate_magnitude),
	KUNIT_CASE(ta_test_rtc_tz),
	KUNIT_CASE(ta_test_phc),
	KUNIT_CASE(ta_test_aux),
	KUNIT_CASE(ta_test_drift_input),
	KUNIT_CASE(ta_test_unzeroed),
	KUNIT_CASE(ta_test_pll_walk),
	KUNIT_CASE(ta_test_pll_zero),
	KUNIT_CASE(ta_test_step),
	KUNIT_CASE(ta_test_class_off),
	KUNIT_CASE(ta_test_ntp),
	KUNIT_CASE(ta_test_ntp_offset),
	KUNIT_CASE(ta_test_units),
	KUNIT_CASE(ta_test_format),
	KUNIT_CASE(ta_test_parse_u64),
	KUNIT_CASE(ta_test_parse_classes),
	KUNIT_CASE(ta_test_parse_key),
	KUNIT_CASE_PARAM(ta_test_decode, decode_gen_params),
	KUNIT_CASE_PARAM(ta_test_check, check_gen_params),
	KUNIT_CASE_PARAM(ta_test_sat, sat_gen_params),
	KUNIT_CASE_PARAM(ta_test_scale, scale_gen_params),
	KUNIT_CASE_PARAM(ta_test_us, us_gen_params),
	KUNIT_CASE_PARAM(ta_test_rtc_ns, rtc_gen_params),
	KUNIT_CASE(ta_test_rtc_mktime),
	KUNIT_CASE(ta_test_bypasses),
	KUNIT_CASE_PARAM(ta_test_values, value_gen_params),
	KUNIT_CASE(ta_test_values_step_phc),
	{}
};

static struct kunit_suite ta_policy_suite = {
	.name = "timeaudit",
	.test_cases = ta_policy_cases,
};
kunit_test_suite(ta_policy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for timeaudit's policy core");
