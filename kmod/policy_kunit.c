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
		struct ta_decision d;

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
	struct ta_decision d;

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
	{ "freq moved by the PLL", ADJ_OFFSET, TA_NTP_FREQ, 0, PPB(20000),
	  BIT(TA_ITEM_FREQ) },
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

static void ta_test_ntp(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ntp_cases); i++) {
		const struct ntp_case *c = &ntp_cases[i];
		struct ta_event ev = {
			.path = TA_PATH_ADJTIMEX, .modes = c->modes,
			.ntp_valid = BIT(c->v),
		};
		struct ta_decision d;

		ev.ntp[c->v].old = c->old;
		ev.ntp[c->v].new = c->new;
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
	struct ta_decision d;

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
	struct ta_decision d;

	/* Old RTC unknown: judged by its offset from system time. */
	ev.rtc.new_ns = 1000LL * NSEC_PER_SEC;
	ta_policy_decide(&ev, &ta_defaults, &d);
	KUNIT_EXPECT_EQ(test, d.emit, 0U);
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
	struct ta_decision d;

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

static void ta_test_drift_input(struct kunit *test)
{
	struct ta_event ev = {
		.path = TA_PATH_ADJTIMEX, .modes = ADJ_SETOFFSET,
		.stepped = true, .step_ns = 900000,
	};
	struct ta_drift_input in;
	struct ta_decision d;

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
	KUNIT_EXPECT_EQ(test, in.freq_ppb, 500LL);
}

static struct kunit_case ta_policy_cases[] = {
	KUNIT_CASE(ta_test_drift),
	KUNIT_CASE(ta_test_rate),
	KUNIT_CASE(ta_test_drift_backoff),
	KUNIT_CASE(ta_test_rate_exempt),
	KUNIT_CASE(ta_test_rate_magnitude),
	KUNIT_CASE(ta_test_rtc_tz),
	KUNIT_CASE(ta_test_phc),
	KUNIT_CASE(ta_test_drift_input),
	KUNIT_CASE(ta_test_step),
	KUNIT_CASE(ta_test_class_off),
	KUNIT_CASE(ta_test_ntp),
	KUNIT_CASE(ta_test_ntp_offset),
	KUNIT_CASE(ta_test_units),
	KUNIT_CASE(ta_test_format),
	KUNIT_CASE(ta_test_parse_u64),
	KUNIT_CASE(ta_test_parse_classes),
	KUNIT_CASE(ta_test_parse_key),
	{}
};

static struct kunit_suite ta_policy_suite = {
	.name = "timeaudit",
	.test_cases = ta_policy_cases,
};
kunit_test_suite(ta_policy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for timeaudit's policy core");
