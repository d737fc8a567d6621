// SPDX-License-Identifier: GPL-2.0
/*
 * The tunable table. Short names and JSON keys are the CLI's own; the file
 * names and limits are the uapi header's, so the two cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "params.h"

#define TA_NUM(n, f, l, j, u, lo, hi, b, z) \
	{ n, f, l, j, TA_KIND_NUM, u, lo, hi, b, z }

/* The order of "status" and of the JSON keys. */
const struct ta_param ta_params[TA_NPARAMS] = {
	TA_NUM("step", TIMEAUDIT_PARAM_STEP, "step_threshold", "step_ns",
	       ta_units_ns, 0, TIMEAUDIT_MAX_STEP_NS, NULL, NULL),
	TA_NUM("slew", TIMEAUDIT_PARAM_SLEW, "slew_threshold", "slew_ns",
	       ta_units_ns, 0, TIMEAUDIT_MAX_SLEW_NS, NULL, NULL),
	TA_NUM("freq", TIMEAUDIT_PARAM_FREQ, "freq_threshold", "freq_ppb",
	       ta_units_ppb, 0, TIMEAUDIT_MAX_FREQ_PPB, NULL, NULL),
	TA_NUM("pll", TIMEAUDIT_PARAM_PLL, "pll_threshold", "pll_ppb",
	       ta_units_ppb, 0, TIMEAUDIT_MAX_PLL_PPB, NULL, NULL),
	TA_NUM("tick", TIMEAUDIT_PARAM_TICK, "tick_threshold", "tick_us",
	       ta_units_us, 0, TIMEAUDIT_MAX_TICK_US, NULL, NULL),
	TA_NUM("tai", TIMEAUDIT_PARAM_TAI, "tai_threshold", "tai_s",
	       ta_units_s, 0, TIMEAUDIT_MAX_TAI_S, NULL, NULL),
	TA_NUM("rtc", TIMEAUDIT_PARAM_RTC, "rtc_threshold", "rtc_ns",
	       ta_units_ns, 0, TIMEAUDIT_MAX_RTC_NS, NULL, NULL),
	{ "status", TIMEAUDIT_PARAM_STATUS, "status_mask", "status_mask",
	  TA_KIND_STATUS, NULL, 0, TIMEAUDIT_MAX_STATUS_MASK, NULL, NULL },
	/* The kernel refuses 0 for windows and budgets: EINVAL. */
	TA_NUM("drift_window", TIMEAUDIT_PARAM_DRIFT_WINDOW, "drift_window",
	       "drift_window_s", ta_units_window, 1, TIMEAUDIT_MAX_WINDOW_S,
	       NULL, NULL),
	TA_NUM("drift_budget", TIMEAUDIT_PARAM_DRIFT_BUDGET, "drift_budget",
	       "drift_budget_ns", ta_units_ns, 1,
	       TIMEAUDIT_MAX_DRIFT_BUDGET_NS, NULL, NULL),
	TA_NUM("freq_drift_window", TIMEAUDIT_PARAM_FDRIFT_WINDOW,
	       "freq_drift_window", "freq_drift_window_s", ta_units_window, 1,
	       TIMEAUDIT_MAX_WINDOW_S, NULL, NULL),
	TA_NUM("freq_drift_budget", TIMEAUDIT_PARAM_FDRIFT_BUDGET,
	       "freq_drift_budget", "freq_drift_budget_ppb", ta_units_ppb, 1,
	       TIMEAUDIT_MAX_FDRIFT_BUDGET_PPB, NULL, NULL),
	TA_NUM("rate", TIMEAUDIT_PARAM_RATE, "rate_limit", "rate_limit",
	       ta_units_rate, 0, TIMEAUDIT_MAX_RATE, "records/s",
	       "no limit"),
	TA_NUM("rate_exempt", TIMEAUDIT_PARAM_RATE_EXEMPT, "ratelimit_exempt",
	       "ratelimit_exempt_ns", ta_units_ns, 0,
	       TIMEAUDIT_MAX_RATE_EXEMPT_NS, NULL, "every step exempt"),
	/* The witness cannot be turned off: the kernel refuses 0. */
	TA_NUM("witness_interval", TIMEAUDIT_PARAM_WITNESS, "witness_interval",
	       "witness_interval_ms", ta_units_ms, TIMEAUDIT_MIN_WITNESS_MS,
	       TIMEAUDIT_MAX_WITNESS_MS, NULL, NULL),
	TA_NUM("heartbeat", TIMEAUDIT_PARAM_HEARTBEAT, "heartbeat",
	       "heartbeat_s", ta_units_window, 0, TIMEAUDIT_MAX_HEARTBEAT_S,
	       NULL, "off"),
	{ "classes", TIMEAUDIT_PARAM_CLASSES, "classes", NULL,
	  TA_KIND_CLASSES, NULL, 0, 0, NULL, NULL },
	{ "key", TIMEAUDIT_PARAM_KEY, "key", NULL,
	  TA_KIND_KEY, NULL, 0, 0, NULL, NULL },
};

const struct ta_param *ta_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < TA_NPARAMS; i++)
		if (!strcmp(name, ta_params[i].name) ||
		    !strcmp(name, ta_params[i].file))
			return &ta_params[i];
	return NULL;
}

int ta_param_parse(const struct ta_param *p, const char *val, char *out,
		   size_t outlen)
{
	unsigned int mask;
	uint64_t v;
	int err, n;

	switch (p->kind) {
	case TA_KIND_NUM:
		err = ta_parse_scaled(val, p->units, p->max, &v);
		if (!err && v < p->min)
			err = TA_E_RANGE;
		break;
	case TA_KIND_STATUS:
		err = ta_parse_status(val, &v);
		break;
	case TA_KIND_CLASSES:
		err = ta_parse_classes(val, &mask);
		if (!err && ta_format_classes(out, outlen, mask))
			err = TA_E_LENGTH;
		return err;
	case TA_KIND_KEY:
	default:
		err = ta_check_key(val);
		if (!err && strlen(val) >= outlen)
			err = TA_E_LENGTH;
		if (!err)
			strcpy(out, val);
		return err;
	}
	if (err)
		return err;
	n = snprintf(out, outlen, "%llu", (unsigned long long)v);
	return n < 0 || (size_t)n >= outlen ? TA_E_LENGTH : TA_OK;
}

static void ta_join_status(char *buf, size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ta_status_count() && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "",
					 ta_status_name(i) +
					 strlen(TA_STA_PREFIX));
}

static void ta_join_classes(char *buf, size_t len)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < TIMEAUDIT_CLASS_COUNT && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s, ",
					 ta_class_names[i]);
	if (used < len)
		snprintf(buf + used, len - used, "all, none");
}

const char *ta_param_base(const struct ta_param *p)
{
	return p->base ? p->base : p->units[0].suffix;
}

void ta_param_range(const struct ta_param *p, char *buf, size_t len)
{
	char lo[64], hi[64];

	/* A bare 0 needs no unit: "0..1000ppm" rather than "0ppb..". */
	if (p->min)
		ta_format_scaled(lo, sizeof(lo), p->min, p->units);
	else
		snprintf(lo, sizeof(lo), "0");
	ta_format_scaled(hi, sizeof(hi), p->max, p->units);
	snprintf(buf, len, "%s..%s", lo, hi);
}

void ta_param_errmsg(const struct ta_param *p, int err, char *buf,
		     size_t len)
{
	char hint[256];

	switch (err) {
	case TA_E_RANGE:
		if (p->kind == TA_KIND_STATUS) {
			snprintf(buf, len, "out of range, accepted 0..%#llx",
				 (unsigned long long)p->max);
			return;
		}
		ta_param_range(p, hint, sizeof(hint));
		snprintf(buf, len, "out of range, accepted %s (%llu..%llu %s)",
			 hint, (unsigned long long)p->min,
			 (unsigned long long)p->max, ta_param_base(p));
		return;
	case TA_E_UNIT:
		ta_units_join(hint, sizeof(hint), p->units);
		snprintf(buf, len, "unknown unit, accepted: %s", hint);
		return;
	case TA_E_INEXACT:
		snprintf(buf, len, "not a whole number of %s",
			 ta_param_base(p));
		return;
	case TA_E_NAME:
		if (p->kind == TA_KIND_STATUS) {
			ta_join_status(hint, sizeof(hint));
			snprintf(buf, len,
				 "unknown flag, accepted: a number or %s (STA_ prefix optional)",
				 hint);
		} else {
			ta_join_classes(hint, sizeof(hint));
			snprintf(buf, len, "unknown class, accepted: %s",
				 hint);
		}
		return;
	case TA_E_DUP:
		snprintf(buf, len, "%s given twice",
			 p->kind == TA_KIND_STATUS ? "flag" : "class");
		return;
	case TA_E_LENGTH:
		snprintf(buf, len, "longer than %d bytes", TIMEAUDIT_KEY_MAX);
		return;
	case TA_E_SYNTAX:
		if (p->kind == TA_KIND_NUM) {
			snprintf(buf, len,
				 "not a number (digits, optional decimals, optional unit)");
			return;
		}
		break;
	}
	snprintf(buf, len, "%s", ta_perr_str(err));
}

int ta_counter_name(size_t i, char *buf, size_t len)
{
	static const char *const fixed[] = {
		TIMEAUDIT_CNT_EMITTED, TIMEAUDIT_CNT_SUPPRESSED,
		TIMEAUDIT_CNT_LOST, TIMEAUDIT_CNT_RATELIMITED,
		TIMEAUDIT_CNT_MISSED,
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	int n;

	_Static_assert(sizeof(fixed) / sizeof(fixed[0]) + TIMEAUDIT_CLASS_COUNT
		       == TA_NCOUNTERS, "TA_NCOUNTERS out of date");
	if (i < nfixed)
		n = snprintf(buf, len, "%s", fixed[i]);
	else if (i < TA_NCOUNTERS)
		n = snprintf(buf, len, "%s%s", TIMEAUDIT_CNT_EVENTS_PREFIX,
			     ta_class_names[i - nfixed]);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
