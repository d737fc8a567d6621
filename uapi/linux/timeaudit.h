/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * timeaudit: names and numbers shared by the kernel module, timeauditctl
 * and the tests. Everything a record or a sysfs file is called lives here,
 * so the module and its tools cannot drift apart.
 */
#ifndef _UAPI_LINUX_TIMEAUDIT_H
#define _UAPI_LINUX_TIMEAUDIT_H

#define TIMEAUDIT_NAME		"timeaudit"
#define TIMEAUDIT_VERSION	"0.1.0"

/*
 * Audit record types. The clock records reuse the kernel's own types so
 * that existing parsers and ausearch -m keep working.
 */
#define TIMEAUDIT_REC_CONFIG	1305	/* AUDIT_CONFIG_CHANGE */
#define TIMEAUDIT_REC_STEP	1332	/* AUDIT_TIME_INJOFFSET */
#define TIMEAUDIT_REC_NTPVAL	1333	/* AUDIT_TIME_ADJNTPVAL */

/* Values of the op= field in TIMEAUDIT_REC_CONFIG records. */
#define TIMEAUDIT_OP_LOAD	"timeaudit_load"
#define TIMEAUDIT_OP_UNLOAD	"timeaudit_unload"
#define TIMEAUDIT_OP_SET	"timeaudit_set"

/*
 * Event classes. Each has a switch in the "classes" parameter and, except
 * for "denied", "tz", "ptp" and "aux", a threshold parameter of its own.
 * Steps and frequency changes of a PTP clock or an auxiliary clock are
 * judged by the step and freq thresholds.
 */
enum timeaudit_class {
	TIMEAUDIT_CLASS_STEP,	/* realtime stepped: settimeofday, ADJ_SETOFFSET */
	TIMEAUDIT_CLASS_SLEW,	/* offset slew: ADJ_OFFSET, adjtime() */
	TIMEAUDIT_CLASS_FREQ,	/* frequency correction */
	TIMEAUDIT_CLASS_TICK,	/* tick length */
	TIMEAUDIT_CLASS_STATUS,	/* NTP status flags (leap, sync, PLL...) */
	TIMEAUDIT_CLASS_TAI,	/* TAI-UTC offset */
	TIMEAUDIT_CLASS_DENIED,	/* attempt refused with EPERM */
	TIMEAUDIT_CLASS_DRIFT,	/* small changes adding up within a window */
	TIMEAUDIT_CLASS_RTC,	/* hardware clock written */
	TIMEAUDIT_CLASS_TZ,	/* kernel timezone changed */
	TIMEAUDIT_CLASS_PTP,	/* PTP hardware clock set, stepped, retuned */
	TIMEAUDIT_CLASS_AUX,	/* auxiliary clock (CLOCK_AUX + n) set, retuned, enabled */
	TIMEAUDIT_CLASS_COUNT
};

#define TIMEAUDIT_CLASS_NAMES \
	{ "step", "slew", "freq", "tick", "status", "tai", "denied", \
	  "drift", "rtc", "tz", "ptp", "aux" }

/* Sysfs: /sys/module/timeaudit/parameters/<name>, read-write for root. */
#define TIMEAUDIT_SYSFS_PARAMS		"/sys/module/timeaudit/parameters"
#define TIMEAUDIT_PARAM_STEP		"step_threshold_ns"	/* ns */
#define TIMEAUDIT_PARAM_SLEW		"slew_threshold_ns"	/* ns */
#define TIMEAUDIT_PARAM_FREQ		"freq_threshold_ppb"	/* ppb */
#define TIMEAUDIT_PARAM_TICK		"tick_threshold_us"	/* us */
#define TIMEAUDIT_PARAM_STATUS		"status_mask"		/* STA_* bits */
#define TIMEAUDIT_PARAM_TAI		"tai_threshold_s"	/* s */
#define TIMEAUDIT_PARAM_RTC		"rtc_threshold_ns"	/* ns */
#define TIMEAUDIT_PARAM_DRIFT_WINDOW	"drift_window_s"	/* s */
#define TIMEAUDIT_PARAM_DRIFT_BUDGET	"drift_budget_ns"	/* ns */
#define TIMEAUDIT_PARAM_FDRIFT_WINDOW	"freq_drift_window_s"	/* s */
#define TIMEAUDIT_PARAM_FDRIFT_BUDGET	"freq_drift_budget_ppb"	/* ppb */
#define TIMEAUDIT_PARAM_PLL		"pll_threshold_ppb"	/* ppb */
#define TIMEAUDIT_PARAM_RATE		"rate_limit"	/* records/s */
#define TIMEAUDIT_PARAM_RATE_EXEMPT	"ratelimit_exempt_ns"	/* ns */
#define TIMEAUDIT_PARAM_CLASSES		"classes"	/* comma list */
#define TIMEAUDIT_PARAM_KEY		"key"		/* audit key */
#define TIMEAUDIT_PARAM_LOCKED		"locked"	/* 0, or 1 until reboot */
#define TIMEAUDIT_PARAM_WITNESS		"witness_interval_ms"	/* ms */
#define TIMEAUDIT_PARAM_HEARTBEAT	"heartbeat_s"	/* s, 0: off */
/* Read-only: classes whose probe targets this kernel lacks, or "none". */
#define TIMEAUDIT_PARAM_UNAVAILABLE	"unavailable_classes"

/* Defaults, as documented in Documentation/admin-guide/timeaudit.rst. */
#define TIMEAUDIT_DEF_STEP_NS		1000000ULL	/* 1 ms */
#define TIMEAUDIT_DEF_SLEW_NS		128000000ULL	/* 128 ms: ntpd's step limit */
#define TIMEAUDIT_DEF_FREQ_PPB		10000ULL	/* 10 ppm */
#define TIMEAUDIT_DEF_TICK_US		1ULL		/* any change */
#define TIMEAUDIT_DEF_STATUS_MASK	0x0030U		/* STA_INS | STA_DEL */
#define TIMEAUDIT_DEF_TAI_S		1ULL		/* any change */
#define TIMEAUDIT_DEF_RTC_NS		1000000000ULL	/* 1 s: RTC resolution */
/* 15 ppm corrected by slews is 9 ms per 10 min: far below the budget. */
#define TIMEAUDIT_DEF_DRIFT_WINDOW_S	600ULL		/* 10 min */
#define TIMEAUDIT_DEF_DRIFT_BUDGET_NS	100000000ULL	/* 100 ms */
#define TIMEAUDIT_DEF_FDRIFT_WINDOW_S	21600ULL	/* 6 h */
#define TIMEAUDIT_DEF_FDRIFT_BUDGET_PPB	5000ULL		/* 5 ppm */
/*
 * The kernel PLL's own frequency moves (ADJ_OFFSET without ADJ_FREQUENCY):
 * a daemon's routine offsets move it by tens of ppm while it settles.
 */
#define TIMEAUDIT_DEF_PLL_PPB		50000ULL	/* 50 ppm */
#define TIMEAUDIT_DEF_RATE		20ULL		/* records/s, per class */
/* A step this large is always recorded on its own, whatever the rate. */
#define TIMEAUDIT_DEF_RATE_EXEMPT_NS	1000000000ULL	/* 1 s */
#define TIMEAUDIT_DEF_KEY		"time-change"
#define TIMEAUDIT_DEF_WITNESS_MS	1000ULL		/* 1 s */
#define TIMEAUDIT_DEF_HEARTBEAT_S	3600ULL		/* hourly */

/* Accepted ranges (inclusive). A threshold of 0 records every event. */
#define TIMEAUDIT_MAX_STEP_NS		1000000000000000000ULL	/* ~31.7 years */
#define TIMEAUDIT_MAX_SLEW_NS		1000000000000000000ULL
#define TIMEAUDIT_MAX_FREQ_PPB		1000000ULL	/* twice MAXFREQ (500 ppm) */
#define TIMEAUDIT_MAX_TICK_US		10000ULL
#define TIMEAUDIT_MAX_STATUS_MASK	0xffffU
#define TIMEAUDIT_MAX_TAI_S		2147483647ULL
#define TIMEAUDIT_MAX_RTC_NS		1000000000000000000ULL
#define TIMEAUDIT_MAX_WINDOW_S		604800ULL	/* a week */
#define TIMEAUDIT_MAX_DRIFT_BUDGET_NS	1000000000000000000ULL
#define TIMEAUDIT_MAX_FDRIFT_BUDGET_PPB	1000000ULL
#define TIMEAUDIT_MAX_PLL_PPB		TIMEAUDIT_MAX_FREQ_PPB
#define TIMEAUDIT_MAX_RATE		1000000ULL	/* 0: no limit */
#define TIMEAUDIT_MAX_RATE_EXEMPT_NS	TIMEAUDIT_MAX_STEP_NS	/* 0: all steps */
#define TIMEAUDIT_KEY_MAX		31	/* bytes, [A-Za-z0-9._:-] */
/* The witness cannot be switched off: that would be a silent blind spot. */
#define TIMEAUDIT_MIN_WITNESS_MS	100ULL
#define TIMEAUDIT_MAX_WITNESS_MS	60000ULL	/* 1 min */
#define TIMEAUDIT_MAX_HEARTBEAT_S	604800ULL	/* a week; 0: off */

/* Sysfs: /sys/module/timeaudit/counters/<name>, read-only, one u64 each. */
#define TIMEAUDIT_SYSFS_COUNTERS	"/sys/module/timeaudit/counters"
#define TIMEAUDIT_CNT_EMITTED		"records_emitted"
#define TIMEAUDIT_CNT_SUPPRESSED	"records_suppressed"	/* below threshold */
#define TIMEAUDIT_CNT_LOST		"records_lost"	/* audit refused */
#define TIMEAUDIT_CNT_MISSED		"probe_misses"	/* kretprobe nmissed */
#define TIMEAUDIT_CNT_RATELIMITED	"records_ratelimited"	/* in summaries */
/* events_<class> counts every event of that class seen by the probes. */
#define TIMEAUDIT_CNT_EVENTS_PREFIX	"events_"

/*
 * Records that do not come from a probed call, in their class= field:
 * a change of the clock no probe reported, the probes found disarmed
 * (and armed again), and the periodic sign of life.
 */
#define TIMEAUDIT_CLASS_WITNESS		"witness"
#define TIMEAUDIT_CLASS_BLIND		"blind"
#define TIMEAUDIT_CLASS_HEARTBEAT	"heartbeat"

#endif /* _UAPI_LINUX_TIMEAUDIT_H */
