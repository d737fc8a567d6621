// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the adjtimex decoding: seeded random adjtimex() and
 * clock_adjtime(CLOCK_REALTIME) calls, every ADJ_* bit and mixes of them,
 * values at 0, +-1, the kernel's limits and the S64/LONG extremes, as root,
 * as nobody and through the i386 entries. Each call is compared twice:
 * with what the kernel did (CLOCK_REALTIME - CLOCK_BOOTTIME, which only a
 * step moves; the NTP state read back with modes=0; time_adjust read with
 * ADJ_OFFSET_SS_READ) and with what timeaudit recorded. A change above its
 * threshold without a record fails, and so does a record of a change that
 * did not happen.
 *
 * Seed: TA_DIFF_SEED, else the time. Calls: TA_DIFF_CALLS (default 20000).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
#define BATCH		500
#define MAX_RECS	4096
#define STA_LEAP	(STA_INS | STA_DEL)
#define NOBODY		65534
#define WRAP_US		18446744073709552LL	/* * 1000 wraps to 384 */
#define PPM_SCALE	65536000LL		/* kernel/time/timex.h */
#define ADJ_ADJTIME	0x8000			/* include/linux/timex.h */
#define MAXPHASE_US	500000L			/* include/linux/timex.h */
#define ALL_BUT_DRIFT	"step,slew,freq,tick,status,tai,denied,rtc,tz,ptp,aux"

/* Defaults of the thresholds this test runs with. */
#define THR_STEP	((long long)TIMEAUDIT_DEF_STEP_NS)
#define THR_SLEW	((long long)TIMEAUDIT_DEF_SLEW_NS)
#define THR_FREQ	((long long)TIMEAUDIT_DEF_FREQ_PPB)
#define THR_PLL		((long long)TIMEAUDIT_DEF_PLL_PPB)

/* arch/x86/entry/syscalls/syscall_32.tbl */
#define I386_ADJTIMEX		124
#define I386_CLOCK_ADJTIME	343
#define I386_CLOCK_ADJTIME64	405
/* One call in 8 goes through the i386 entries, on x86-64 only. */
#ifdef __x86_64__
#define I386_CALLS(n)		((n) / 8)
#else
#define I386_CALLS(n)		0
#define MAP_32BIT		0	/* "low" is then never used */
#endif

enum via { V_ADJTIMEX, V_CLOCK_ADJTIME, V_I386_ADJTIMEX,
	   V_I386_CLOCK_ADJTIME, V_I386_CLOCK_ADJTIME64, V_COUNT };
static const char *const via_names[V_COUNT] = {
	"adjtimex", "clock_adjtime", "i386 adjtimex", "i386 clock_adjtime",
	"i386 clock_adjtime64",
};

/* What a record can be about; the order records of one call come in. */
enum item { I_STEP, I_OFFSET, I_ADJUST, I_FREQ, I_STATUS, I_TAI, I_TICK,
	    I_DENIED, I_COUNT };
static const char *const item_names[I_COUNT] = {
	"step", "offset", "adjust", "freq", "status", "tai", "tick", "denied",
};

struct state {
	long long real_off;	/* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	long long off_err;	/* its measurement error bound, ns */
	long long real;		/* CLOCK_REALTIME, ns */
	long long freq;		/* ppm << 16 */
	long long offset_ns;	/* the PLL offset left */
	long long adjust_us;	/* adjtime() offset left */
	long long tick;
	int status, tai, nano;
};

struct call {
	struct timex tx;	/* as asked (i386: as the kernel saw it) */
	int via, user;
	int ret, err;
	struct state before, after;
};


struct rec {
	int item;
	int cleared;		/* ntp_cleared=1 */
	int ok;			/* res=success */
	unsigned int modes;
	long long val;		/* step: delta_ns; others: new */
	char line[320];
};

static struct call *calls;	/* shared with the unprivileged child */
static struct rec recs[MAX_RECS];
static void *low;		/* below 4 GiB for the i386 calls */
static unsigned long long rng;
static int fails, reported;
static int clears_ntp;		/* ta_refused_step_clears_ntp() */
static long stats_calls[V_COUNT], stats_user, stats_eperm, stats_einval;
static long stats_items[I_COUNT], stats_ambiguous, stats_bits[32];

static unsigned long long rnd(void)
{
	/* xorshift64*: the same calls for the same seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static long long pick(const long long *v, int n)
{
	return v[rnd() % n];
}

#define PICK(...) ({							\
	static const long long _v[] = { __VA_ARGS__ };			\
	pick(_v, sizeof(_v) / sizeof(_v[0]));				\
})

/* A value for any field: the usual suspects, or something random. */
static long long generic(void)
{
	switch (rnd() % 4) {
	case 0:
		return PICK(0, 1, -1, 2, -2, INT_MAX, INT_MIN, LONG_MAX,
			    LONG_MIN, LONG_MAX - 1, LONG_MIN + 1, WRAP_US,
			    -WRAP_US, UINT_MAX, 1LL << 32, -(1LL << 32));
	case 1:
		return (long long)rnd();
	case 2:
		return (int)rnd();
	default:
		return (long long)(rnd() % 2000001) - 1000000;
	}
}

static long long gen_offset(void)
{
	if (rnd() % 3)
		return generic();
	return PICK(127999, 128000, 128001, -128000, 127999999, 128000000,
		    -128000000, 500000, 500001, 500000000, -500000000,
		    1000000, 999999999);
}

static long long gen_freq(void)
{
	if (rnd() % 3 == 0)
		return generic();
	return PICK(0, 1, -1, 10LL << 16, -(10LL << 16), (10LL << 16) - 1,
		    655, 654, 500LL << 16, -(500LL << 16), 501LL << 16,
		    LLONG_MAX / PPM_SCALE, LLONG_MAX / PPM_SCALE + 1,
		    LLONG_MIN / PPM_SCALE, LLONG_MIN / PPM_SCALE - 1) +
	       (long long)(rnd() % 3) - 1;
}

static long long gen_tick(void)
{
	if (rnd() % 4 == 0)
		return generic();
	return PICK(10000, 9999, 10001, 9000, 8999, 11000, 11001, 0) +
	       (rnd() % 2 ? 0 : (long long)(rnd() % 2001) - 1000);
}

static long long gen_sec(void)
{
	if (rnd() % 4 == 0)
		return generic();
	return PICK(0, 0, 1, -1, 2, -2, 3600, -3600, 315360000, -315360000,
		    INT_MAX, INT_MIN);
}

static long long gen_usec(void)
{
	if (rnd() % 3 == 0)
		return generic();
	return PICK(0, 1, -1, 999, 1000, 1001, 500000, 999999, 1000000,
		    999999999, 1000000000, 1000000);
}

static int gen_status(void)
{
	int st = (int)rnd() & 0xffff;

	/* A leap second would follow: rarely, and cleared right away. */
	if (rnd() % 20)
		st &= ~STA_LEAP;
	return rnd() % 3 ? st : (int)PICK(0, STA_PLL, STA_UNSYNC,
					  STA_PLL | STA_FREQHOLD, STA_FLL,
					  STA_PLL | STA_FLL, STA_INS);
}

static const unsigned int defined_bits[] = {
	ADJ_OFFSET, ADJ_FREQUENCY, ADJ_MAXERROR, ADJ_ESTERROR, ADJ_STATUS,
	ADJ_TIMECONST, ADJ_TAI, ADJ_SETOFFSET, ADJ_MICRO, ADJ_NANO, ADJ_TICK,
	0x8000 /* ADJ_ADJTIME */,
};
#define NBITS (sizeof(defined_bits) / sizeof(defined_bits[0]))

static unsigned int gen_modes(void)
{
	unsigned int m = 0;
	size_t i;

	switch (rnd() % 10) {
	case 0:
		return 0;
	case 1:
		m = ADJ_OFFSET_SS_READ;
		break;
	case 2:
		m = ADJ_OFFSET_SINGLESHOT;
		break;
	case 3:
		return defined_bits[rnd() % NBITS];
	case 9:
		return rnd() % 2 ? (unsigned int)rnd() :
		       (unsigned int)PICK(0x40, 0x200, 0x400, 0x800, 0x10000,
					  0x80000000, 0xa101, 0x8100, 0x2100);
	}
	for (i = 0; i < NBITS; i++)
		if (rnd() % 5 == 0)
			m |= defined_bits[i];
	return m;
}

static void gen_call(struct call *c, int via, int user)
{
	struct timex *tx = &c->tx;

	memset(c, 0, sizeof(*c));
	c->via = via;
	c->user = user;
	tx->modes = gen_modes();
	tx->offset = gen_offset();
	tx->freq = gen_freq();
	tx->maxerror = generic();
	tx->esterror = generic();
	tx->status = gen_status();
	tx->constant = rnd() % 2 ? generic() : PICK(-1, 0, 4, 10, 11, 37, 38);
	tx->tick = gen_tick();
	tx->time.tv_sec = gen_sec();
	tx->time.tv_usec = gen_usec();
}

/* CLOCK_REALTIME - CLOCK_BOOTTIME, and how exactly we know it. */
static void real_offset(struct state *s)
{
	struct timespec r1, b, r2;
	long long a, z;
	int i;

	for (i = 0; i < 20; i++) {
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_REALTIME, &r2);
		a = r1.tv_sec * NSEC + r1.tv_nsec;
		z = r2.tv_sec * NSEC + r2.tv_nsec;
		if (z - a >= 0 && z - a < 20000)
			break;
	}
	s->real_off = a / 2 + z / 2 - (b.tv_sec * NSEC + b.tv_nsec);
	s->off_err = llabs(z - a) / 2 + 1000;
	s->real = z;
}

static void observe(struct state *s)
{
	struct timex tx = { 0 }, rd = { .modes = ADJ_OFFSET_SS_READ };

	real_offset(s);
	syscall(SYS_adjtimex, &tx);
	syscall(SYS_adjtimex, &rd);
	s->freq = tx.freq;
	s->status = tx.status;
	s->nano = !!(tx.status & STA_NANO);
	s->offset_ns = s->nano ? tx.offset : tx.offset * 1000LL;
	/*
	 * Up to "ntp: Remove invalid cast in time offset math" (6.13, in
	 * some stable updates: not Debian 11's 5.10.223) the kernel read a
	 * negative offset back in us as (u32)ns / 1000. The offset is
	 * within MAXPHASE (0.5 s), so anything larger is that wrap, off by
	 * less than 1 us.
	 */
	if (!s->nano && tx.offset > MAXPHASE_US)
		s->offset_ns -= 1LL << 32;
	s->adjust_us = rd.offset;
	s->tick = tx.tick;
	s->tai = tx.tai;
}

#ifdef __x86_64__
static long int80(long nr, long a, long b)
{
	long ret;

	asm volatile ("int $0x80" : "=a" (ret) : "a" (nr), "b" (a), "c" (b)
		      : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#else
static long int80(long nr, long a, long b)
{
	(void)nr, (void)a, (void)b;
	return -ENOSYS;		/* not called: I386_CALLS() is 0 */
}
#endif

static void to32(const struct timex *tx, struct timex32 *t)
{
	memset(t, 0, sizeof(*t));
	t->modes = tx->modes;
	t->offset = tx->offset;
	t->freq = tx->freq;
	t->maxerror = tx->maxerror;
	t->esterror = tx->esterror;
	t->status = tx->status;
	t->constant = tx->constant;
	t->tv_sec = tx->time.tv_sec;
	t->tv_usec = tx->time.tv_usec;
	t->tick = tx->tick;
}

/* What the kernel sees of a 32-bit request: each field sign-extended. */
static void from32(struct timex *tx, const struct timex32 *t)
{
	tx->offset = t->offset;
	tx->freq = t->freq;
	tx->maxerror = t->maxerror;
	tx->esterror = t->esterror;
	tx->status = t->status;
	tx->constant = t->constant;
	tx->time.tv_sec = t->tv_sec;
	tx->time.tv_usec = t->tv_usec;
	tx->tick = t->tick;
}

static void run_call(struct call *c)
{
	struct timex tx = c->tx;
	long r;

	observe(&c->before);
	errno = 0;
	switch (c->via) {
	case V_ADJTIMEX:
		r = syscall(SYS_adjtimex, &tx);
		break;
	case V_CLOCK_ADJTIME:
		r = syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
		break;
	case V_I386_CLOCK_ADJTIME64:
		memcpy(low, &tx, sizeof(tx));
		r = int80(I386_CLOCK_ADJTIME64, CLOCK_REALTIME, (long)low);
		break;
	default:
		to32(&c->tx, low);
		from32(&c->tx, low);
		r = c->via == V_I386_ADJTIMEX ?
		    int80(I386_ADJTIMEX, (long)low, 0) :
		    int80(I386_CLOCK_ADJTIME, CLOCK_REALTIME, (long)low);
		break;
	}
	if (c->via >= V_I386_ADJTIMEX && r < 0 && r > -4096) {
		errno = -r;
		r = -1;
	}
	c->ret = r;
	c->err = r < 0 ? errno : 0;
	observe(&c->after);
}

/*
 * A second boundary passed: time_offset and time_adjust moved on their
 * own (second_overflow()). The timekeeper gets to a boundary at its next
 * tick, after the clock reads past it: allow for that lag.
 */
#define TICK_LAG	(NSEC / 10)

static int ambiguous(const struct call *c)
{
	long long step = c->after.real_off - c->before.real_off;
	long long start = c->before.real - TICK_LAG;

	return (start / NSEC) != ((c->after.real - step) / NSEC) ||
	       ((start + step) / NSEC) != (c->after.real / NSEC);
}

/* Seconds the call may have spanned, for the kernel's own decay. */
static long long spans(const struct call *c)
{
	long long step = c->after.real_off - c->before.real_off;

	return llabs(c->after.real - step - c->before.real) / NSEC + 2;
}

/*
 * From @from to @to by second_overflow() alone, within @k seconds:
 * time_adjust moves to 0 by 500 us a second, time_offset by at most a
 * quarter a second (SHIFT_PLL + time_constant).
 */
static int decayed(long long from, long long to, long long per_s, long long k)
{
	if ((from < 0) != (to < 0) && to)
		return 0;
	return llabs(to) <= llabs(from) && llabs(from) - llabs(to) <= per_s * k;
}

static int adjust_decayed(const struct call *c, long long from, long long to)
{
	return decayed(from, to, 500, spans(c));
}

static int offset_decayed(const struct call *c, long long from, long long to)
{
	return decayed(from, to, llabs(from) / 4 + 1000, spans(c));
}

/*
 * What timekeeping_validate_timex() lets through for root (x86-64 and
 * arm64: the frequency check is there): an EINVAL of such an
 * ADJ_SETOFFSET came from the timekeeper, after it cleared the NTP state
 * (before 6.13).
 */
static int valid_for_root(const struct timex *tx)
{
	unsigned int m = tx->modes;

	if ((m & ADJ_ADJTIME) && (m & ADJ_OFFSET_SINGLESHOT) !=
				 ADJ_OFFSET_SINGLESHOT)
		return 0;
	if (!(m & ADJ_ADJTIME) && (m & ADJ_TICK) &&
	    (tx->tick < 9000 || tx->tick > 11000))	/* 90%-110% of 1/USER_HZ */
		return 0;
	if ((m & ADJ_SETOFFSET) &&
	    (tx->time.tv_usec < 0 ||
	     tx->time.tv_usec >= ((m & ADJ_NANO) ? NSEC : 1000000)))
		return 0;
	return !((m & ADJ_FREQUENCY) &&
		 (tx->freq < LLONG_MIN / PPM_SCALE ||
		  tx->freq > LLONG_MAX / PPM_SCALE));
}

/* Which records a call must have, and which it may have. */
static void expect(const struct call *c, unsigned int *must,
		   unsigned int *may)
{
	const struct state *b = &c->before, *a = &c->after;
	long long step = a->real_off - b->real_off;
	long long tol = b->off_err + a->off_err + 2000;
	long long adjust0 = b->adjust_us, offset0 = b->offset_ns;
	long long dppb, thr;
	int amb = ambiguous(c);

	*must = *may = 0;
	if (c->ret < 0 && c->err == EINVAL && !c->user &&
	    (c->tx.modes & ADJ_SETOFFSET) && clears_ntp &&
	    valid_for_root(&c->tx)) {
		/*
		 * Refused by the timekeeper after it cleared the NTP state
		 * (before 6.13): a step record of 0 with ntp_cleared=1.
		 */
		*must = *may = 1u << I_STEP;
		return;
	}
	if (c->ret < 0) {
		if (c->err == EPERM)
			*must = *may = 1u << I_DENIED;
		return;
	}
	/*
	 * A step clears the NTP state first (timekeeping_inject_offset(),
	 * TK_CLEAR_NTP): what the NTP core then sets, it sets from zero.
	 */
	if (c->tx.modes & ADJ_SETOFFSET)
		adjust0 = offset0 = 0;
	if (llabs(step) >= THR_STEP + tol)
		*must |= 1u << I_STEP;
	if (llabs(step) >= THR_STEP - tol)
		*may |= 1u << I_STEP;

	if (amb) {
		*may |= 1u << I_ADJUST | 1u << I_OFFSET;
	} else {
		/*
		 * 1 us of slack: since 7.3 time_adjust drains every tick,
		 * borrowing whole us (time_adjust_frac), so a read can show
		 * 1 us less than the kernel's value at the next call.
		 */
		if (llabs(a->adjust_us - adjust0) > 1 &&
		    llabs(a->adjust_us) >= (THR_SLEW + 999) / 1000 &&
		    !adjust_decayed(c, adjust0, a->adjust_us))
			*must |= 1u << I_ADJUST;
		if (a->adjust_us != adjust0)
			*may |= 1u << I_ADJUST;
		/* read back in us or ns as STA_NANO says: 1 us of slack */
		if (llabs(a->offset_ns - offset0) > 1000 &&
		    llabs(a->offset_ns) >= THR_SLEW + 1000 &&
		    !offset_decayed(c, offset0, a->offset_ns))
			*must |= 1u << I_OFFSET;
		if ((a->offset_ns != offset0 || a->nano != b->nano) &&
		    llabs(a->offset_ns) >= THR_SLEW - 1000)
			*may |= 1u << I_OFFSET;
	}
	/* freq read back is ppm << 16: 1000 / 65536 ppb a unit */
	dppb = llabs(a->freq - b->freq) * 1000 / 65536;
	/* The kernel PLL's own moves have their own threshold. */
	thr = c->tx.modes & ADJ_FREQUENCY ? THR_FREQ : THR_PLL;
	if (dppb >= thr + 2)
		*must |= 1u << I_FREQ;
	if (dppb >= thr - 2)
		*may |= 1u << I_FREQ;
	if ((a->status ^ b->status) & TIMEAUDIT_DEF_STATUS_MASK)
		*must |= 1u << I_STATUS;
	if (a->tai != b->tai)
		*must |= 1u << I_TAI;
	if (a->tick != b->tick)
		*must |= 1u << I_TICK;
	*may |= *must;
}

/* The record's value agrees with what the kernel did. */
static int value_ok(const struct call *c, const struct rec *r)
{
	const struct state *b = &c->before, *a = &c->after;
	long long step = a->real_off - b->real_off;

	switch (r->item) {
	case I_STEP:
		return llabs(r->val - step) <= b->off_err + a->off_err + 2000;
	case I_ADJUST:
		return adjust_decayed(c, r->val, a->adjust_us);
	case I_OFFSET:
		return llabs(r->val - a->offset_ns) <= 1000 ||
		       offset_decayed(c, r->val, a->offset_ns);
	case I_FREQ:
		return llabs(r->val - a->freq * 1000 / 65536) <= 2;
	case I_STATUS:
		/*
		 * At a second boundary second_overflow() may set STA_UNSYNC
		 * itself (maxerror past its limit) after the call.
		 */
		return r->val == a->status ||
		       (ambiguous(c) && (a->status & STA_UNSYNC) &&
			(r->val ^ a->status) == STA_UNSYNC);
	case I_TAI:
		return r->val == a->tai;
	case I_TICK:
		return r->val == a->tick;
	default:
		return 1;
	}
}

static void report(const struct call *c, int idx, const char *what,
		   const struct rec *r)
{
	const struct timex *t = &c->tx;

	fails++;
	if (reported++ >= 12)
		return;
	ksft_print_msg("call %d (%s%s): %s\n", idx, via_names[c->via],
		       c->user ? ", nobody" : "", what);
	ksft_print_msg("  modes=0x%x offset=%ld freq=%ld status=0x%x constant=%ld tick=%ld time=%ld.%ld -> ret %d errno %d\n",
		       t->modes, t->offset, t->freq, t->status, t->constant,
		       t->tick, t->time.tv_sec, t->time.tv_usec, c->ret,
		       c->err);
	ksft_print_msg("  step %lld ns; adjust %lld -> %lld us; offset %lld -> %lld ns; freq %lld -> %lld; status 0x%x -> 0x%x; tai %d -> %d; tick %lld -> %lld\n",
		       c->after.real_off - c->before.real_off,
		       c->before.adjust_us, c->after.adjust_us,
		       c->before.offset_ns, c->after.offset_ns,
		       c->before.freq, c->after.freq, c->before.status,
		       c->after.status, c->before.tai, c->after.tai,
		       c->before.tick, c->after.tick);
	if (r)
		ksft_print_msg("  record: %s\n", r->line);
}

static int parse_rec(const char *line, struct rec *r)
{
	char v[64];

	if (!strstr(line, " via=adjtimex "))
		return 0;
	memset(r, 0, sizeof(*r));
	snprintf(r->line, sizeof(r->line), "%.*s", (int)strcspn(line, "\x1d\n"),
		 line);
	r->modes = (unsigned int)ta_field_ll(line, "modes");
	r->cleared = strstr(line, " ntp_cleared=1") != NULL;
	r->ok = strstr(line, " res=success") != NULL;
	if (strstr(line, "type=TIME_INJOFFSET")) {
		if (ta_field(line, "class", v, sizeof(v)))
			return 0;
		if (!strcmp(v, "step"))
			r->item = I_STEP;
		else if (!strcmp(v, "denied"))
			r->item = I_DENIED;
		else
			return 0;	/* drift: turned off */
		r->val = ta_field_ll(line, "delta_ns");
		return 1;
	}
	if (!strstr(line, "type=TIME_ADJNTPVAL") ||
	    ta_field(line, "op", v, sizeof(v)))
		return 0;
	for (r->item = I_OFFSET; r->item < I_COUNT; r->item++)
		if (!strcmp(v, item_names[r->item]))
			break;
	if (r->item == I_COUNT)
		return 0;
	if (r->item == I_OFFSET)
		r->val = ta_field_ll(line, "new_ns");
	else if (r->item == I_FREQ)
		r->val = ta_field_ll(line, "new") >> 32;	/* ppb */
	else
		r->val = ta_field_ll(line, "new");
	return 1;
}

/* Everything logged after @mark, up to a marker sent now. */
static int read_recs(long mark, int batch)
{
	char marker[64], line[TA_REC_MAX];
	int n = 0, tries, found = 0;

	snprintf(marker, sizeof(marker), "ta-diff-%d-%d", getpid(), batch);
	if (ta_sh("auditctl -m %s >/dev/null 2>&1", marker))
		return -1;
	for (tries = 0; tries < 1000 && !found; tries++) {
		FILE *f = fopen(TA_AUDIT_LOG, "r");

		n = 0;
		if (f && !fseek(f, mark, SEEK_SET)) {
			while (fgets(line, sizeof(line), f)) {
				if (strstr(line, marker)) {
					found = 1;
					break;
				}
				if (n < MAX_RECS && parse_rec(line, &recs[n]))
					n++;
			}
		}
		if (f)
			fclose(f);
		if (!found)
			usleep(10000);
	}
	return found ? n : -1;
}

static int fits(const struct call *c, const struct rec *r)
{
	unsigned int must, may;

	expect(c, &must, &may);
	/*
	 * A step of any size that disarmed a leap second the random status
	 * writes armed (STA_INS, STA_DEL): on record, ntp_cleared=1.
	 */
	if (r->item == I_STEP && r->cleared && c->ret >= 0 &&
	    (c->tx.modes & ADJ_SETOFFSET))
		may |= 1u << I_STEP;
	/* A failed call's record says res=failed, a done one's success. */
	return r->modes == c->tx.modes && r->ok == (c->ret >= 0) &&
	       (may & (1u << r->item)) && value_ok(c, r);
}

/* Match the records to the calls in order, as they were written. */
static void compare(const struct call *c, int n, int first, int nrec)
{
	int i, j, p = 0;

	for (i = 0; i < n; i++) {
		unsigned int must, may, got = 0;

		/* A record no call from here on can have: report, go on. */
		while (p < nrec) {
			for (j = i; j < n; j++)
				if (fits(&c[j], &recs[p]))
					break;
			if (j < n)
				break;
			report(&c[i], first + i,
			       "record of a change that did not happen (at or before this call)",
			       &recs[p]);
			p++;
		}
		/* Its records: the values it left, in the order written. */
		expect(&c[i], &must, &may);
		while (p < nrec && fits(&c[i], &recs[p]) &&
		       !(got & (1u << recs[p].item))) {
			got |= 1u << recs[p].item;
			stats_items[recs[p].item]++;
			p++;
		}
		if (must & ~got) {
			char what[128];
			int it;

			snprintf(what, sizeof(what), "no record of:");
			for (it = 0; it < I_COUNT; it++)
				if (must & ~got & (1u << it))
					snprintf(what + strlen(what),
						 sizeof(what) - strlen(what),
						 " %s", item_names[it]);
			report(&c[i], first + i, what, p < nrec ? &recs[p] : NULL);
		}
	}
	for (; p < nrec; p++)
		report(&c[n - 1], first + n - 1,
		       "record of a change that did not happen (after the last call)",
		       &recs[p]);
}

struct saved {
	struct timex tx;
	long long real0, boot0;
};

static long long now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void save(struct saved *s)
{
	memset(s, 0, sizeof(*s));
	syscall(SYS_adjtimex, &s->tx);
	s->real0 = now(CLOCK_REALTIME);
	s->boot0 = now(CLOCK_BOOTTIME);
}

/* Back to the NTP state and the time we started with. */
static void restore(const struct saved *s)
{
	struct timex tx = { .modes = ADJ_STATUS | ADJ_NANO, .status = STA_PLL };
	struct timespec ts;
	long long t;

	syscall(SYS_adjtimex, &tx);		/* PLL on: offset settable */
	tx = (struct timex){ .modes = ADJ_OFFSET | ADJ_NANO };
	syscall(SYS_adjtimex, &tx);		/* no PLL offset left */
	tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT };
	syscall(SYS_adjtimex, &tx);		/* no adjtime() left */
	tx = s->tx;
	tx.modes = ADJ_STATUS | ADJ_FREQUENCY | ADJ_MAXERROR | ADJ_ESTERROR |
		   ADJ_TICK;
	syscall(SYS_adjtimex, &tx);
	tx.modes = ADJ_TAI;			/* TAI comes in .constant */
	tx.constant = s->tx.tai;
	syscall(SYS_adjtimex, &tx);
	tx.modes = ADJ_TIMECONST | ADJ_NANO;	/* no +4 for micro mode */
	tx.constant = s->tx.constant;
	syscall(SYS_adjtimex, &tx);
	if (!(s->tx.status & STA_NANO)) {
		tx.modes = ADJ_MICRO;
		syscall(SYS_adjtimex, &tx);
	}
	t = s->real0 + now(CLOCK_BOOTTIME) - s->boot0;
	ts.tv_sec = t / NSEC;
	ts.tv_nsec = t % NSEC;
	clock_settime(CLOCK_REALTIME, &ts);
}

static int restored(const struct saved *s)
{
	struct timex tx = { 0 }, rd = { .modes = ADJ_OFFSET_SS_READ };
	long long drift = now(CLOCK_REALTIME) -
			  (s->real0 + now(CLOCK_BOOTTIME) - s->boot0);

	syscall(SYS_adjtimex, &tx);
	syscall(SYS_adjtimex, &rd);
	return tx.freq == s->tx.freq && tx.tick == s->tx.tick &&
	       tx.tai == s->tx.tai && tx.status == s->tx.status &&
	       !(tx.status & STA_LEAP) && rd.offset == 0 &&
	       llabs(drift) < NSEC / 10;
}

/* Root's calls, with a leap flag cleared by the call right after. */
static int run_root(struct call *c, int n, int via_first)
{
	int i = 0;

	while (i < n) {
		gen_call(&c[i], via_first ? V_I386_ADJTIMEX + rnd() % 3 :
			 rnd() % 2, 0);
		run_call(&c[i]);
		i++;
		if ((c[i - 1].after.status & STA_LEAP) && i < n) {
			memset(&c[i], 0, sizeof(c[i]));
			c[i].tx.modes = ADJ_STATUS;
			c[i].tx.status = c[i - 1].after.status & ~STA_LEAP;
			run_call(&c[i]);
			i++;
		}
	}
	return n;
}

/* nobody's calls, in a child whose results land in the shared array. */
static void run_nobody(struct call *c, int n)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < n; i++)
		gen_call(&c[i], rnd() % V_COUNT, 1);
	pid = fork();
	if (pid == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(1);
		for (i = 0; i < n; i++)
			run_call(&c[i]);
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

int main(void)
{
	const char *env = getenv("TA_DIFF_SEED");
	unsigned long long seed = env ? strtoull(env, NULL, 0) :
				  (unsigned long long)time(NULL);
	long total = getenv("TA_DIFF_CALLS") ?
		     atol(getenv("TA_DIFF_CALLS")) : 20000;
	int batches = (total + BATCH - 1) / BATCH, b, i, nrec, bad_read = 0;
	long done = 0;
	struct saved sv;
	size_t bit;

	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("seed=%llu (TA_DIFF_SEED), calls=%ld\n", seed, total);
	rng = seed * 2 + 1;
	clears_ntp = ta_refused_step_clears_ntp() == 1;
	calls = mmap(NULL, BATCH * sizeof(*calls), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (calls == MAP_FAILED || low == MAP_FAILED)
		ksft_exit_fail_msg("mmap\n");
	ksft_test_result(ta_module_load("rate_limit=0 classes=" ALL_BUT_DRIFT) == 0,
			 "module loaded: no rate limit, drift off\n");
	save(&sv);

	for (b = 0; b < batches; b++) {
		int n = total - done < BATCH ? total - done : BATCH;
		int nobody = n / 8, i386 = I386_CALLS(n);
		long mark;

		mark = ta_log_mark();
		run_root(calls, n - nobody - i386, 0);
		run_nobody(calls + n - nobody - i386, nobody);
		run_root(calls + n - i386, i386, 1);
		nrec = read_recs(mark, b);
		if (nrec < 0) {
			bad_read++;
		} else {
			compare(calls, n, done, nrec);
		}
		for (i = 0; i < n; i++) {
			stats_calls[calls[i].via]++;
			stats_user += calls[i].user;
			stats_eperm += calls[i].ret < 0 && calls[i].err == EPERM;
			stats_einval += calls[i].ret < 0 && calls[i].err == EINVAL;
			stats_ambiguous += ambiguous(&calls[i]);
			for (bit = 0; bit < 32; bit++)
				stats_bits[bit] += !!(calls[i].tx.modes & (1u << bit));
		}
		done += n;
		restore(&sv);
	}

	ksft_print_msg("calls: adjtimex %ld, clock_adjtime %ld, i386 %ld/%ld/%ld; nobody %ld; EPERM %ld, EINVAL %ld; second boundary %ld\n",
		       stats_calls[V_ADJTIMEX], stats_calls[V_CLOCK_ADJTIME],
		       stats_calls[V_I386_ADJTIMEX],
		       stats_calls[V_I386_CLOCK_ADJTIME],
		       stats_calls[V_I386_CLOCK_ADJTIME64], stats_user,
		       stats_eperm, stats_einval, stats_ambiguous);
	ksft_print_msg("records matched: step %ld offset %ld adjust %ld freq %ld status %ld tai %ld tick %ld denied %ld\n",
		       stats_items[I_STEP], stats_items[I_OFFSET],
		       stats_items[I_ADJUST], stats_items[I_FREQ],
		       stats_items[I_STATUS], stats_items[I_TAI],
		       stats_items[I_TICK], stats_items[I_DENIED]);
	for (bit = 0; bit < NBITS; bit++)
		if (!stats_bits[__builtin_ctz(defined_bits[bit])])
			ksft_print_msg("mode bit 0x%x never used\n",
				       defined_bits[bit]);
	ksft_test_result(done >= total && !bad_read,
			 "%ld calls in %d batches, every batch's records read\n",
			 done, batches);
	ksft_test_result(!fails,
			 "timeaudit agrees with the kernel on every call (%d disagreements)\n",
			 fails);
	ta_sh("/sbin/hwclock --systohc --utc");
	ksft_test_result(restored(&sv),
			 "NTP state, time_adjust and the time restored, no leap flag\n");
	ksft_finished();
}
