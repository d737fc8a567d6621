/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy core: what happened (struct ta_event), what the admin asked
 * for (struct ta_config), and the pure decision between them. No kernel
 * I/O here, so KUnit can drive it with plain tables.
 */
#ifndef TA_POLICY_H
#define TA_POLICY_H

#include <linux/bits.h>
#include <linux/rtc.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/types.h>
#include <linux/timeaudit.h>

/* NTP values, in the order of the kernel's enum audit_ntp_type. */
enum ta_ntp {
	TA_NTP_OFFSET,	/* PLL offset, scaled ns (time_offset) */
	TA_NTP_FREQ,	/* frequency, ppb << 32 (time_freq) */
	TA_NTP_STATUS,	/* STA_* flags */
	TA_NTP_TAI,	/* TAI-UTC, s */
	TA_NTP_TICK,	/* tick length, us */
	TA_NTP_ADJUST,	/* adjtime() offset left to slew, us */
	TA_NTP_COUNT
};

/* One record a decision can ask for. Each item belongs to one class. */
enum ta_item {
	TA_ITEM_STEP,
	TA_ITEM_OFFSET,
	TA_ITEM_ADJUST,
	TA_ITEM_FREQ,
	TA_ITEM_STATUS,
	TA_ITEM_TAI,
	TA_ITEM_TICK,
	TA_ITEM_DENIED,
	TA_ITEM_RTC,
	TA_ITEM_TZ,
	TA_ITEM_PHC_STEP,	/* a PTP clock set or stepped */
	TA_ITEM_PHC_FREQ,	/* a PTP clock's frequency changed */
	TA_ITEM_AUX_STEP,	/* an auxiliary clock set or stepped */
	TA_ITEM_AUX_FREQ,	/* an auxiliary clock's frequency changed */
	TA_ITEM_AUX_STATE,	/* an auxiliary clock enabled or disabled */
	TA_ITEM_AUX_SLEW,	/* ... its PLL offset or adjtime() slew */
	TA_ITEM_AUX_STATUS,	/* ... its STA_* flags */
	TA_ITEM_AUX_TICK,	/* ... its tick length */
	TA_ITEM_COUNT
};

/* How the change reached the timekeeper. */
enum ta_path {
	/* do_settimeofday64: settimeofday, clock_settime, stime, rtc_hctosys */
	TA_PATH_SETTOD,
	TA_PATH_ADJTIMEX,	/* adjtimex, clock_adjtime, ntp_adjtime */
	TA_PATH_WARP,		/* first settimeofday(NULL, tz): RTC in local time */
	TA_PATH_RTC,		/* rtc_set_time: a hardware clock written */
	TA_PATH_TZ,		/* settimeofday(..., tz): the kernel timezone */
	TA_PATH_PHC,		/* clock_settime/clock_adjtime on a /dev/ptpN */
	TA_PATH_AUX,		/* CLOCK_AUX + n: set, adjusted, enabled */
	TA_PATH_COUNT
};

#define TA_PHC_NAME	32

/* What was done to an auxiliary clock. */
enum ta_aux_op {
	TA_AUX_SET,	/* clock_settime() */
	TA_AUX_ADJ,	/* clock_adjtime() */
	TA_AUX_ENABLE,	/* a write to /sys/kernel/time/aux_clocks/N/aux_clock_enable */
};

struct ta_ntp_val {
	s64 old;
	s64 new;
};

/*
 * One call seen by a probe. What only one path has shares the union:
 * an event is zeroed whole and filled for its own path. The NTP values
 * are the system clock's (adjtimex) or an auxiliary clock's own.
 */
struct ta_event {
	enum ta_path path;
	int result;		/* return value of the probed call */
	u32 modes;		/* adjtimex modes, 0 for other paths */
	bool stepped;		/* the call asked for a step */
	bool concurrent;	/* measured while another step could land */
	/*
	 * The call cleared an NTP state that mattered: a time refused
	 * after the clear (before 6.13), or an armed leap second.
	 */
	bool ntp_cleared;
	s64 step_ns;		/* measured change of CLOCK_REALTIME */
	s64 real_before_ns;	/* CLOCK_REALTIME before the call */
	unsigned long caller;	/* return address, for in-kernel callers */
	u32 ntp_valid;		/* BIT(enum ta_ntp): filled */
	struct ta_ntp_val ntp[TA_NTP_COUNT];	/* ADJTIMEX, AUX (adjtime) */
	union {
		struct {		/* TA_PATH_RTC */
			int id;		/* rtcN */
			bool old_known;	/* we saw it read earlier */
			s64 old_ns;	/* its time then, carried forward */
			s64 new_ns;	/* what was written */
		} rtc;
		struct {		/* TA_PATH_TZ */
			int old_minuteswest, new_minuteswest;
			int old_dsttime, new_dsttime;
		} tz;
		struct {		/* TA_PATH_PHC */
			char name[TA_PHC_NAME];	/* device file: ptp0 */
			bool settime;	/* clock_settime, else clock_adjtime */
			s64 new_ns;	/* clock_settime: the time written */
			s64 offset_ns;	/* ADJ_SETOFFSET: the step asked for */
			bool old_known;	/* frequency seen before this call */
			s64 old_freq, new_freq;	/* scaled ppm, as timex */
		} phc;
		struct {		/* TA_PATH_AUX */
			int id;		/* n of CLOCK_AUX + n: aux0..aux7 */
			enum ta_aux_op op;
			bool may_set_time;	/* caller held CAP_SYS_TIME */
			bool old_known;	/* the clock was running before */
			s64 old_ns, new_ns;	/* TA_AUX_SET: before, asked */
			s64 step_ns;	/* measured (set), asked (SETOFFSET) */
			bool old_on, new_on;	/* TA_AUX_ENABLE: the state */
		} aux;
	};
};

/*
 * An event of @path with the fields every path sets zeroed, for the
 * paths an NTP daemon takes on every call (adjtimex, settime): ntp[]
 * counts only under ntp_valid and the union only on its own path, so
 * the rest need not be cleared each time (INIT_STACK_ALL_ZERO would).
 * Declare the event __uninitialized; other paths zero it whole.
 */
static __always_inline void ta_event_start(struct ta_event *ev,
					    enum ta_path path)
{
	memset(ev, 0, offsetof(struct ta_event, ntp));
	ev->path = path;
}

struct ta_config {
	u64 threshold[TIMEAUDIT_CLASS_COUNT];	/* unit per class, see uapi */
	u64 drift_window_s;
	u64 drift_budget_ns;
	u64 freq_drift_window_s;
	u64 freq_drift_budget_ppb;
	u64 pll_threshold_ppb;			/* the kernel PLL's moves */
	u64 rate_limit;				/* records/s, 0: none */
	u64 ratelimit_exempt_ns;		/* steps never held back */
	u32 status_mask;
	u32 classes;				/* BIT(enum timeaudit_class) */
	bool locked;
	char key[TIMEAUDIT_KEY_MAX + 1];
	u64 witness_interval_ms;		/* witness and canary period */
	u64 heartbeat_s;			/* 0: no heartbeat */
};

/* The documented defaults (see the uapi header), for the module and KUnit. */
#define TA_CONFIG_DEFAULTS {							\
	.threshold = { \
		[TIMEAUDIT_CLASS_STEP]	= TIMEAUDIT_DEF_STEP_NS, \
		[TIMEAUDIT_CLASS_SLEW]	= TIMEAUDIT_DEF_SLEW_NS, \
		[TIMEAUDIT_CLASS_FREQ]	= TIMEAUDIT_DEF_FREQ_PPB, \
		[TIMEAUDIT_CLASS_TICK]	= TIMEAUDIT_DEF_TICK_US, \
		[TIMEAUDIT_CLASS_TAI]	= TIMEAUDIT_DEF_TAI_S, \
		[TIMEAUDIT_CLASS_RTC]	= TIMEAUDIT_DEF_RTC_NS, \
	}, \
	.drift_window_s = TIMEAUDIT_DEF_DRIFT_WINDOW_S, \
	.drift_budget_ns = TIMEAUDIT_DEF_DRIFT_BUDGET_NS, \
	.freq_drift_window_s = TIMEAUDIT_DEF_FDRIFT_WINDOW_S, \
	.freq_drift_budget_ppb = TIMEAUDIT_DEF_FDRIFT_BUDGET_PPB, \
	.pll_threshold_ppb = TIMEAUDIT_DEF_PLL_PPB, \
	.rate_limit = TIMEAUDIT_DEF_RATE, \
	.ratelimit_exempt_ns = TIMEAUDIT_DEF_RATE_EXEMPT_NS, \
	.status_mask = TIMEAUDIT_DEF_STATUS_MASK, \
	.classes = GENMASK(TIMEAUDIT_CLASS_COUNT - 1, 0), \
	.key = TIMEAUDIT_DEF_KEY, \
	.witness_interval_ms = TIMEAUDIT_DEF_WITNESS_MS, \
	.heartbeat_s = TIMEAUDIT_DEF_HEARTBEAT_S, \
}

/*
 * A value as the policy judged it, converted once into the unit of its
 * class (ns, ppb, s, us, STA_* flags; a step: old 0, new the step), with
 * the threshold it was judged by: what the record shows.
 */
struct ta_value {
	s64 old, new;
	u64 threshold;
};

struct ta_decision {
	u32 seen;	/* BIT(enum ta_item): the call touched this value */
	u32 emit;	/* BIT(enum ta_item): ... and crossed its threshold */
	/* Items in @seen only (0 if not judged on a value): not zeroed. */
	struct ta_value val[TA_ITEM_COUNT];
};

/*
 * Net drift: the sum of the changes that stayed below their own threshold,
 * over a sliding window kept as a ring of time buckets (no allocation).
 * A record is written when the net reaches the budget, then again each
 * time it doubles; the level is back at the budget once the window is
 * empty or a window passed since the last record: a burst says the same
 * with log2 as many records, a steady drift is still seen every window.
 */
#define TA_DRIFT_BUCKETS	16

struct ta_drift {
	struct {
		s64 start_s;	/* first second the bucket covers */
		s64 sum;
		u32 count;
	} b[TA_DRIFT_BUCKETS];
	u64 level;	/* |net| of the next record; 0: the budget */
	s64 fired_s;	/* when the last record was written */
	bool summed;	/* net and count: second summed_s, summed_window */
	s64 summed_s;
	u64 summed_window;
	int cur;	/* the bucket of summed_s */
	s64 net;
	u32 count;
};

struct ta_drift_result {
	s64 net;	/* sum over the window */
	u32 count;	/* contributing events */
};

bool ta_drift_add(struct ta_drift *d, s64 now_s, s64 delta, u64 window_s,
		  u64 budget, struct ta_drift_result *r);
void ta_drift_reset(struct ta_drift *d);

/* Token bucket of @rate records per second, @rate records deep. */
struct ta_rate {
	u64 last_ns;
	u64 tokens;	/* in units of 1/NSEC_PER_SEC record */
};

bool ta_rate_take(struct ta_rate *r, u64 now_ns, u64 rate);
bool ta_rate_exempt(const struct ta_event *ev, enum ta_item item,
		    u64 exempt_ns);
u64 ta_rate_magnitude(const struct ta_event *ev, enum ta_item item);
const char *ta_rate_unit(enum timeaudit_class class);

/* What an event adds to the drift windows, from the policy's decision. */
struct ta_drift_input {
	bool time, freq;		/* something to add */
	bool reset_time, reset_freq;	/* recorded on its own: start over */
	s64 time_ns, freq_ppb;
	bool freq_seen;			/* the frequency changed: */
	s64 freq_old_ppb, freq_new_ppb;	/* from, to */
};

/*
 * The frequency last on record, for pll_threshold_ppb: how far it moved
 * since, by small changes of any kind and over any time.
 */
struct ta_freq_ref {
	bool known;
	s64 ppb;
	u32 count;	/* changes since, not recorded on their own */
};

u64 ta_pll_budget(const struct ta_config *cfg);
bool ta_freq_excursion(struct ta_freq_ref *r, const struct ta_drift_input *in,
		       bool recorded, u64 budget, struct ta_drift_result *res);

void ta_policy_drift_input(const struct ta_event *ev,
			   const struct ta_decision *d,
			   struct ta_drift_input *in);

enum timeaudit_class ta_item_class(enum ta_item item);
void ta_policy_decide(const struct ta_event *ev, const struct ta_config *cfg,
		      struct ta_decision *out);
u64 ta_freq_threshold(const struct ta_event *ev, const struct ta_config *cfg);

/* Unit conversions from the kernel's raw NTP values. */
s64 ta_freq_to_ppb(s64 raw);
s64 ta_scaled_ppm_to_ppb(s64 scaled);
s64 ta_offset_to_ns(s64 raw, unsigned int hz);
u64 ta_abs64(s64 v);

/*
 * Arithmetic on values a user chose: saturated at S64_MIN/S64_MAX rather
 * than wrapped, so a huge value stays huge (and above every threshold).
 */
s64 ta_add_sat(s64 a, s64 b);
s64 ta_sub_sat(s64 a, s64 b);
s64 ta_mul_sat(s64 a, s64 b);
u64 ta_abs_diff(s64 a, s64 b);	/* |a - b|, exact */
s64 ta_us_to_ns(s64 us);
s64 ta_rtc_tm_to_ns(const struct rtc_time *tm);

/*
 * What an adjtimex()/clock_adjtime(CLOCK_REALTIME) call can change, from
 * its modes, decoded as do_adjtimex() does (see policy.c).
 */
#define TA_ADJ_STEP	BIT(0)	/* ADJ_SETOFFSET: the clock is stepped */
#define TA_ADJ_ADJUST	BIT(1)	/* adjtime(): time_adjust, nothing else */
#define TA_ADJ_NTP	BIT(2)	/* process_adjtimex_modes(): the NTP values */
#define TA_ADJ_PRIV	BIT(3)	/* needs CAP_SYS_TIME: EPERM without it */

u32 ta_adjtimex_effects(u32 modes);
int ta_adjtimex_check(const struct __kernel_timex *txc, bool cap_sys_time);
s64 ta_setoffset_ns(const struct __kernel_timex *txc, u32 modes);

#endif /* TA_POLICY_H */
