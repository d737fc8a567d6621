// SPDX-License-Identifier: GPL-2.0
/*
 * Field formatting and parsing shared by records and parameters. Audit
 * fields are unquoted tokens, so nothing here may emit a space or a quote.
 */
#include <linux/bits.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timex.h>

#include "format.h"
#include "policy.h"

static const char * const ta_sta_names[] = {
	"STA_PLL", "STA_PPSFREQ", "STA_PPSTIME", "STA_FLL",
	"STA_INS", "STA_DEL", "STA_UNSYNC", "STA_FREQHOLD",
	"STA_PPSSIGNAL", "STA_PPSJITTER", "STA_PPSWANDER", "STA_PPSERROR",
	"STA_CLOCKERR", "STA_NANO", "STA_MODE", "STA_CLK",
};

static const char * const ta_class_names[] = TIMEAUDIT_CLASS_NAMES;

/* "STA_PLL|STA_UNSYNC", "0" for no flag, unknown bits as hex. */
int ta_format_status(char *buf, size_t len, u32 status)
{
	int n = 0;
	int i;

	if (!status)
		return scnprintf(buf, len, "0");
	for (i = 0; i < ARRAY_SIZE(ta_sta_names); i++) {
		if (status & BIT(i))
			n += scnprintf(buf + n, len - n, "%s%s",
				       n ? "|" : "", ta_sta_names[i]);
	}
	status &= ~GENMASK(ARRAY_SIZE(ta_sta_names) - 1, 0);
	if (status)
		n += scnprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", status);
	return n;
}

/* ppb as ppm with three decimals: -12345 -> "-12.345". */
int ta_format_ppm(char *buf, size_t len, s64 ppb)
{
	u64 mag = ta_abs64(ppb);
	u32 frac;
	u64 whole = div_u64_rem(mag, 1000, &frac);

	return scnprintf(buf, len, "%s%llu.%03u", ppb < 0 ? "-" : "",
			 whole, frac);
}

/* ns since the epoch as "seconds.nanoseconds", floor-rounded. */
int ta_format_time(char *buf, size_t len, s64 ns)
{
	struct timespec64 ts = ns_to_timespec64(ns);

	return scnprintf(buf, len, "%lld.%09ld", (long long)ts.tv_sec,
			 ts.tv_nsec);
}

/* adjtimex() return values: the clock state after the call. */
const char *ta_state_name(int state)
{
	switch (state) {
	case TIME_OK:
		return "TIME_OK";
	case TIME_INS:
		return "TIME_INS";
	case TIME_DEL:
		return "TIME_DEL";
	case TIME_OOP:
		return "TIME_OOP";
	case TIME_WAIT:
		return "TIME_WAIT";
	case TIME_ERROR:
		return "TIME_ERROR";
	default:
		return "unknown";
	}
}

int ta_format_classes(char *buf, size_t len, u32 classes)
{
	int n = 0;
	int i;

	for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++) {
		if (classes & BIT(i))
			n += scnprintf(buf + n, len - n, "%s%s",
				       n ? "," : "", ta_class_names[i]);
	}
	if (!n)
		n = scnprintf(buf, len, "none");
	return n;
}

/*
 * "step,freq", "all" or "none", one trailing newline allowed. Unknown,
 * empty or repeated names are refused so a typo never disables a class.
 */
int ta_parse_classes(const char *s, u32 *classes)
{
	size_t len = strlen(s);
	u32 mask = 0;

	if (len && s[len - 1] == '\n')
		len--;
	if (len == 3 && !strncmp(s, "all", 3)) {
		*classes = GENMASK(TIMEAUDIT_CLASS_COUNT - 1, 0);
		return 0;
	}
	if (len == 4 && !strncmp(s, "none", 4)) {
		*classes = 0;
		return 0;
	}
	while (len) {
		const char *comma = memchr(s, ',', len);
		size_t n = comma ? comma - s : len;
		int i;

		for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++) {
			if (strlen(ta_class_names[i]) == n &&
			    !strncmp(s, ta_class_names[i], n))
				break;
		}
		if (i == TIMEAUDIT_CLASS_COUNT || (mask & BIT(i)))
			return -EINVAL;
		mask |= BIT(i);
		if (!comma)
			break;
		len -= n + 1;
		s = comma + 1;
		if (!len)
			return -EINVAL;	/* trailing comma */
	}
	if (!mask)
		return -EINVAL;
	*classes = mask;
	return 0;
}

/* Keys are logged as key="..." so they must not need escaping. */
bool ta_key_valid(const char *key)
{
	size_t len = strlen(key);
	size_t i;

	if (len > TIMEAUDIT_KEY_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-')
			return false;
	}
	return true;
}

/*
 * Strict unsigned parsing for parameters: digits only (hex with 0x when
 * @hex_ok), one trailing newline, no sign, no spaces, no overflow.
 */
int ta_parse_u64(const char *s, bool hex_ok, u64 max, u64 *out)
{
	unsigned int base = 10;
	u64 v;

	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit(s[0]))	/* refuses "", "+1", "-1", " 1" */
		return -EINVAL;
	/* kstrtou64() would skip a second "0x" after ours: "0x0x10". */
	if (base == 16 && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL;
	if (kstrtou64(s, base, &v) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A key of at most TIMEAUDIT_KEY_MAX safe bytes; "" means no key. */
int ta_parse_key(const char *s, char *key, size_t size)
{
	size_t len = strlen(s);

	if (len && s[len - 1] == '\n')
		len--;
	if (len > TIMEAUDIT_KEY_MAX || len >= size)
		return -EINVAL;
	memcpy(key, s, len);
	key[len] = '\0';
	return ta_key_valid(key) ? 0 : -EINVAL;
}
