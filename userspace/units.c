// SPDX-License-Identifier: GPL-2.0
/*
 * Human units <-> base units. All arithmetic is on u64 with explicit
 * overflow checks: a threshold that silently wrapped would audit nothing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/timex.h>

#include "units.h"

const struct ta_unit ta_units_ns[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_ppb[] = {
	{ "ppb", 1 },
	{ "ppm", 1000 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_us[] = {
	{ "us", 1 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_s[] = {
	{ "s", 1 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_window[] = {
	{ "s", 1 },
	{ "min", 60 },
	{ "h", 3600 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_ms[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ "min", 60000 },
	{ NULL, 0 },
};

const struct ta_unit ta_units_rate[] = {
	{ "/s", 1 },
	{ NULL, 0 },
};

const char *const ta_class_names[TIMEAUDIT_CLASS_COUNT] =
	TIMEAUDIT_CLASS_NAMES;

/* Too many names fails to compile above; too few would leave NULLs. */
_Static_assert(sizeof((const char *[])TIMEAUDIT_CLASS_NAMES) ==
	       TIMEAUDIT_CLASS_COUNT * sizeof(const char *),
	       "TIMEAUDIT_CLASS_NAMES does not match TIMEAUDIT_CLASS_COUNT");

#define TA_STA(flag) { flag, #flag }
static const struct {
	unsigned int bit;
	const char *name;
} ta_sta[] = {
	TA_STA(STA_PLL), TA_STA(STA_PPSFREQ), TA_STA(STA_PPSTIME),
	TA_STA(STA_FLL), TA_STA(STA_INS), TA_STA(STA_DEL),
	TA_STA(STA_UNSYNC), TA_STA(STA_FREQHOLD), TA_STA(STA_PPSSIGNAL),
	TA_STA(STA_PPSJITTER), TA_STA(STA_PPSWANDER), TA_STA(STA_PPSERROR),
	TA_STA(STA_CLOCKERR), TA_STA(STA_NANO), TA_STA(STA_MODE),
	TA_STA(STA_CLK),
};
#define TA_NSTA (sizeof(ta_sta) / sizeof(ta_sta[0]))

const char *ta_perr_str(int err)
{
	switch (err) {
	case TA_OK:		return "ok";
	case TA_E_EMPTY:	return "empty value";
	case TA_E_SYNTAX:	return "malformed value";
	case TA_E_NEGATIVE:	return "negative values are not allowed";
	case TA_E_UNIT:		return "unknown unit";
	case TA_E_INEXACT:	return "not a whole number of the base unit";
	case TA_E_RANGE:	return "out of range";
	case TA_E_NAME:		return "unknown name";
	case TA_E_DUP:		return "name given twice";
	case TA_E_CHARSET:	return "character outside " TA_KEY_CHARSET;
	case TA_E_LENGTH:	return "too long";
	}
	return "unknown error";
}

static bool ta_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static bool ta_isspace(char c)
{
	return c == ' ' || c == '\t';
}

/* Digits at *pp into *v; advances *pp. Returns false on overflow. */
static bool ta_digits(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	bool ok = true;

	*v = 0;
	for (; ta_isdigit(*p); p++)
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(*p - '0'), v))
			ok = false;
	*pp = p;
	return ok;
}

int ta_parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;

	if (!*p)
		return TA_E_EMPTY;
	if (*p == '-')
		return TA_E_NEGATIVE;
	if (!ta_isdigit(*p))
		return TA_E_SYNTAX;
	if (!ta_digits(&p, out))
		return TA_E_RANGE;
	return *p ? TA_E_SYNTAX : TA_OK;
}

static const struct ta_unit *ta_find_unit(const struct ta_unit *units,
					  const char *suffix)
{
	if (!*suffix)
		return &units[0];
	for (; units->suffix; units++)
		if (!strcmp(units->suffix, suffix))
			return units;
	return NULL;
}

static uint64_t ta_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * At most this many significant fraction digits: 10^19 still fits a u64,
 * and no table's multiplier has 2^20 or 5^20 as a factor, which a 20th
 * digit would need to come out whole.
 */
#define TA_FRAC_MAX	19

/*
 * The fraction digits at frac (trailing zeros ignored) times mult, in base
 * units; false if that is not a whole number.
 */
static bool ta_frac_value(const char *frac, uint64_t mult, uint64_t *out)
{
	const char *p, *end = frac;
	uint64_t f = 0, den = 1, g;

	for (p = frac; ta_isdigit(*p); p++)
		if (*p != '0')
			end = p + 1;
	if (end - frac > TA_FRAC_MAX)
		return false;
	for (p = frac; p < end; p++) {
		f = f * 10 + (uint64_t)(*p - '0');
		den *= 10;
	}
	/* f * mult / den, whole iff den / g divides f. Below mult: no wrap. */
	g = ta_gcd(mult, den);
	if (f % (den / g))
		return false;
	*out = f / (den / g) * (mult / g);
	return true;
}

int ta_parse_scaled(const char *s, const struct ta_unit *units, uint64_t max,
		    uint64_t *out)
{
	const char *p = s, *frac = NULL;
	const struct ta_unit *u;
	uint64_t ip, fv = 0, v;
	bool fits;

	if (!*p)
		return TA_E_EMPTY;
	if (*p == '-')
		return TA_E_NEGATIVE;
	if (!ta_isdigit(*p))
		return TA_E_SYNTAX;
	fits = ta_digits(&p, &ip);
	if (*p == '.') {
		frac = ++p;
		while (ta_isdigit(*p))
			p++;
		if (p == frac)
			return TA_E_SYNTAX;
	}
	u = ta_find_unit(units, p);
	if (!u)
		return TA_E_UNIT;
	if (!fits)
		return TA_E_RANGE;
	if (frac && !ta_frac_value(frac, u->mult, &fv))
		return TA_E_INEXACT;
	if (__builtin_mul_overflow(ip, u->mult, &v) ||
	    __builtin_add_overflow(v, fv, &v) || v > max)
		return TA_E_RANGE;
	*out = v;
	return TA_OK;
}

void ta_units_join(char *buf, size_t len, const struct ta_unit *units)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (; units->suffix && used < len; units++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", units->suffix);
}

/*
 * The decimals of rem / mult (rem < mult) by long division, into buf of
 * TA_FRAC_MAX + 1 bytes; false if they do not end within TA_FRAC_MAX.
 */
static bool ta_frac_digits(uint64_t rem, uint64_t mult, char *buf)
{
	size_t n = 0;

	/* rem * 10 must not wrap; a zero mult would be a broken table. */
	if (!mult || (rem && mult > UINT64_MAX / 10))
		return false;
	while (rem && n < TA_FRAC_MAX) {
		rem *= 10;
		buf[n++] = (char)('0' + rem / mult);
		rem %= mult;
	}
	buf[n] = '\0';
	return !rem;
}

int ta_format_scaled(char *buf, size_t len, uint64_t v,
		     const struct ta_unit *units)
{
	char frac[TA_FRAC_MAX + 1];
	const struct ta_unit *u;
	size_t i = 0;
	int n;

	while (units[i].suffix)
		i++;
	/* Largest unit first; the base unit (mult 1) always has no fraction. */
	do {
		u = &units[--i];
	} while (i && (u->mult > v || !ta_frac_digits(v % u->mult, u->mult,
						       frac)));
	if (!i)
		frac[0] = '\0';
	n = snprintf(buf, len, "%llu%s%s%s", (unsigned long long)(v / u->mult),
		     frac[0] ? "." : "", frac, u->suffix);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Next token of s up to any of seps, blanks trimmed; NULL at the end. */
static const char *ta_token(const char **sp, const char *seps, size_t *n)
{
	const char *b = *sp, *e;

	if (!b)
		return NULL;
	e = b + strcspn(b, seps);
	*sp = *e ? e + 1 : NULL;
	while (b < e && ta_isspace(*b))
		b++;
	while (e > b && ta_isspace(e[-1]))
		e--;
	*n = (size_t)(e - b);
	return b;
}

static bool ta_tokeq(const char *tok, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(tok, name, n);
}

static int ta_parse_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	const char *b = p;

	for (; *p; p++) {
		unsigned int d;

		if (ta_isdigit(*p))
			d = (unsigned int)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			return TA_E_SYNTAX;
		if (v >> 60)
			return TA_E_RANGE;
		v = v << 4 | d;
	}
	if (p == b)
		return TA_E_SYNTAX;
	*out = v;
	return TA_OK;
}

int ta_parse_status(const char *s, uint64_t *out)
{
	const char *tok;
	uint64_t v = 0;
	size_t n, i;

	if (!*s)
		return TA_E_EMPTY;
	if (*s == '-')
		return TA_E_NEGATIVE;
	if (ta_isdigit(*s)) {
		int err;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			err = ta_parse_hex(s + 2, &v);
		else
			err = ta_parse_u64(s, &v);
		if (err)
			return err;
		if (v > TIMEAUDIT_MAX_STATUS_MASK)
			return TA_E_RANGE;
		*out = v;
		return TA_OK;
	}
	while ((tok = ta_token(&s, "|,", &n))) {
		if (!n)
			return TA_E_SYNTAX;
		if (n > strlen(TA_STA_PREFIX) &&
		    !strncasecmp(tok, TA_STA_PREFIX, strlen(TA_STA_PREFIX))) {
			tok += strlen(TA_STA_PREFIX);
			n -= strlen(TA_STA_PREFIX);
		}
		for (i = 0; i < TA_NSTA; i++)
			if (ta_tokeq(tok, n,
				     ta_sta[i].name + strlen(TA_STA_PREFIX)))
				break;
		if (i == TA_NSTA)
			return TA_E_NAME;
		if (v & ta_sta[i].bit)
			return TA_E_DUP;
		v |= ta_sta[i].bit;
	}
	*out = v;
	return TA_OK;
}

int ta_format_status(char *buf, size_t len, uint64_t mask)
{
	size_t used = 0, i;
	int n;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < TA_NSTA; i++) {
		if (!(mask & ta_sta[i].bit))
			continue;
		mask &= ~(uint64_t)ta_sta[i].bit;
		n = snprintf(buf + used, len - used, "%s%s",
			     used ? "|" : "", ta_sta[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	if (mask || !used) {
		n = snprintf(buf + used, len - used, "%s%#llx",
			     used ? "|" : "", (unsigned long long)mask);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
	}
	return 0;
}

size_t ta_status_count(void)
{
	return TA_NSTA;
}

const char *ta_status_name(size_t i)
{
	return i < TA_NSTA ? ta_sta[i].name : NULL;
}

int ta_parse_classes(const char *s, unsigned int *mask)
{
	const char *tok;
	unsigned int m = 0;
	size_t n, i;

	if (!*s)
		return TA_E_EMPTY;
	if (!strcasecmp(s, "all")) {
		*mask = (1U << TIMEAUDIT_CLASS_COUNT) - 1;
		return TA_OK;
	}
	if (!strcasecmp(s, "none")) {
		*mask = 0;
		return TA_OK;
	}
	while ((tok = ta_token(&s, ",", &n))) {
		if (!n)
			return TA_E_SYNTAX;
		for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++)
			if (ta_tokeq(tok, n, ta_class_names[i]))
				break;
		if (i == TIMEAUDIT_CLASS_COUNT)
			return TA_E_NAME;
		if (m & 1U << i)
			return TA_E_DUP;
		m |= 1U << i;
	}
	*mask = m;
	return TA_OK;
}

int ta_format_classes(char *buf, size_t len, unsigned int mask)
{
	size_t used = 0, i;
	int n;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++) {
		if (!(mask & 1U << i))
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
			     used ? "," : "", ta_class_names[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	/* The kernel's own spelling of the empty list. */
	if (!used && snprintf(buf, len, "none") >= (int)len)
		return -1;
	return 0;
}

int ta_check_key(const char *s)
{
	const char *p;

	if (!*s)
		return TA_E_EMPTY;
	for (p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      ta_isdigit(*p) || strchr("._:-", *p)))
			return TA_E_CHARSET;
	return p - s > TIMEAUDIT_KEY_MAX ? TA_E_LENGTH : TA_OK;
}
