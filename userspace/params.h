/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunables and counters timeauditctl knows: which sysfs file each one
 * is, what the user may call it, and how its value is checked. The names
 * and limits come from the uapi header; this only adds the CLI view.
 */
#ifndef TA_PARAMS_H
#define TA_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "units.h"

/* Longest canonical value we write or expect to read back. */
#define TA_VALUE_MAX	256

enum ta_kind {
	TA_KIND_NUM,		/* u64 with units, see ->units, ->min, ->max */
	TA_KIND_STATUS,		/* STA_* mask */
	TA_KIND_CLASSES,	/* class list */
	TA_KIND_KEY,		/* audit key */
};

struct ta_param {
	const char *name;	/* short name for set and the config file */
	const char *file;	/* sysfs file name, from the uapi header */
	const char *label;	/* left column of "status" */
	const char *json;	/* key under "thresholds"; NULL if none */
	enum ta_kind kind;
	const struct ta_unit *units;	/* TA_KIND_NUM only */
	uint64_t min;			/* TA_KIND_NUM only */
	uint64_t max;			/* TA_KIND_NUM, TA_KIND_STATUS */
	const char *base;	/* base unit's name if not units[0].suffix */
	const char *zero;	/* what 0 means, if not "record everything" */
};

#define TA_NPARAMS	18
extern const struct ta_param ta_params[TA_NPARAMS];

/* By short name or by sysfs file name; NULL if unknown. */
const struct ta_param *ta_param_find(const char *name);

/*
 * Check a user value and turn it into what the kernel takes (plain
 * decimal base units, canonical lists). Returns a TA_E_* code.
 */
int ta_param_parse(const struct ta_param *p, const char *val, char *out,
		   size_t outlen);

/* "out of range, accepted 0..1s (0..1000000000 ns)" and friends. */
void ta_param_errmsg(const struct ta_param *p, int err, char *buf,
		     size_t len);

/* Name of a TA_KIND_NUM's base unit: "ns", "records/s". */
const char *ta_param_base(const struct ta_param *p);

/* "0" or "1s..168h": the accepted range of a TA_KIND_NUM in its units. */
void ta_param_range(const struct ta_param *p, char *buf, size_t len);

/* Counters: the five fixed ones, then events_<class> per class. */
#define TA_NCOUNTERS	(5 + TIMEAUDIT_CLASS_COUNT)
int ta_counter_name(size_t i, char *buf, size_t len);

#endif /* TA_PARAMS_H */
