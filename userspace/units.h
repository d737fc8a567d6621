/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and formatting of the values timeauditctl deals in: numbers with
 * human units, STA_* flag sets, class lists and audit keys. Pure functions:
 * no I/O, no globals that change, so the host tests can table-drive them.
 */
#ifndef TA_UNITS_H
#define TA_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/timeaudit.h>

/* Why a parse failed; 0 means it did not. */
enum ta_perr {
	TA_OK = 0,
	TA_E_EMPTY,	/* nothing given */
	TA_E_SYNTAX,	/* not a number / malformed list */
	TA_E_NEGATIVE,	/* leading minus */
	TA_E_UNIT,	/* unknown unit suffix or trailing junk */
	TA_E_INEXACT,	/* fraction finer than the base unit */
	TA_E_RANGE,	/* overflow or above the maximum */
	TA_E_NAME,	/* unknown flag or class name */
	TA_E_DUP,	/* flag or class given twice */
	TA_E_CHARSET,	/* key character outside the allowed set */
	TA_E_LENGTH,	/* key too long */
};

/*
 * A unit suffix and how many base units it is worth. Tables start with the
 * base unit (mult 1), which is also what a bare number means, list larger
 * units in increasing order and end with a NULL suffix. A decimal fraction
 * is accepted when it comes to a whole number of base units, whatever the
 * multiplier: 1.5ms is 1500000 ns, 1.5min is 90 s, 1.5ns is refused.
 */
struct ta_unit {
	const char *suffix;
	uint64_t mult;
};

extern const struct ta_unit ta_units_ns[];	/* ns us ms s */
extern const struct ta_unit ta_units_ppb[];	/* ppb ppm */
extern const struct ta_unit ta_units_us[];	/* us */
extern const struct ta_unit ta_units_s[];	/* s */
extern const struct ta_unit ta_units_window[];	/* s min h */
extern const struct ta_unit ta_units_rate[];	/* /s */
extern const struct ta_unit ta_units_ms[];	/* ms s min */

extern const char *const ta_class_names[TIMEAUDIT_CLASS_COUNT];

const char *ta_perr_str(int err);

/* Plain decimal u64, as the kernel prints counters and thresholds. */
int ta_parse_u64(const char *s, uint64_t *out);

int ta_parse_scaled(const char *s, const struct ta_unit *units, uint64_t max,
		    uint64_t *out);
/* "ns, us, ms, s": the suffixes of a table, for help and errors. */
void ta_units_join(char *buf, size_t len, const struct ta_unit *units);
/*
 * Largest unit not above v in which v is an exact decimal: 1500000 ns ->
 * "1.5ms", 90 s -> "1.5min", 3601 s -> "3601s". ta_parse_scaled takes the
 * result back unchanged.
 */
int ta_format_scaled(char *buf, size_t len, uint64_t v,
		     const struct ta_unit *units);

/* Number (decimal or 0x hex) or flag names joined by | or ','. */
int ta_parse_status(const char *s, uint64_t *out);
/* "STA_INS|STA_DEL"; unknown bits as a trailing hex number; "0" if none. */
int ta_format_status(char *buf, size_t len, uint64_t mask);
#define TA_STA_PREFIX	"STA_"	/* optional on input */
size_t ta_status_count(void);
const char *ta_status_name(size_t i);	/* with the STA_ prefix */

/* Comma list of class names, or "all" / "none"; mask of BIT(class). */
int ta_parse_classes(const char *s, unsigned int *mask);
/* Comma list in enum order; "" for an empty mask. */
int ta_format_classes(char *buf, size_t len, unsigned int mask);

/* The uapi header states this set only in a comment. */
#define TA_KEY_CHARSET	"[A-Za-z0-9._:-]"
int ta_check_key(const char *s);

#endif /* TA_UNITS_H */
