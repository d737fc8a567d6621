// SPDX-License-Identifier: GPL-2.0
/*
 * compat_a32_test's AArch32 half: the 32-bit calls that change the clock,
 * made by a 32-bit ARM (EABI) program on an arm64 kernel, each with its
 * own 32-bit structure. Built without libc (clang for armv7a, lld), as
 * nothing else here targets AArch32. Each change is undone by
 * clock_adjtime64, by a delta other than -1.5 s (that call's own test),
 * so every record the test looks for is told apart by entry and delta.
 * Exit status: the number of calls that failed.
 */
#include <stdint.h>

/* AArch32 EABI numbers: arch/arm/tools/syscall.tbl */
#define NR_EXIT			1
#define NR_SETTIMEOFDAY		79
#define NR_ADJTIMEX		124
#define NR_CLOCK_SETTIME	262
#define NR_CLOCK_ADJTIME	372
#define NR_CLOCK_GETTIME64	403
#define NR_CLOCK_SETTIME64	404
#define NR_CLOCK_ADJTIME64	405

#define ADJ_SETOFFSET		0x0100
#define ADJ_NANO		0x2000
#define NSEC			1000000000LL

static long sys3(long nr, long a, long b)
{
	register long r7 __asm__("r7") = nr;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;

	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r7), "r"(r1) : "memory");
	return r0;
}

/* struct old_timex32: time at word 9 */
static int32_t tx32[32];
/* struct __kernel_timex, 64-bit layout: time at long long 9 */
static int64_t tx64[26];
static int failed;

static void call(long nr, long a, long b)
{
	if (sys3(nr, a, b) < 0)
		failed++;
}

static void setoffset32(long nr, int32_t sec)
{
	int i;

	for (i = 0; i < 32; i++)
		tx32[i] = 0;
	tx32[0] = ADJ_SETOFFSET | ADJ_NANO;
	tx32[9] = sec;
	if (nr == NR_ADJTIMEX)
		call(nr, (long)tx32, 0);
	else
		call(nr, 0 /* CLOCK_REALTIME */, (long)tx32);
}

/* Undo by clock_adjtime64: @sec s and @nsec ns, nsec in [0, NSEC). */
static void setoffset64(int64_t sec, int64_t nsec)
{
	int i;

	for (i = 0; i < 26; i++)
		tx64[i] = 0;
	*(uint32_t *)tx64 = ADJ_SETOFFSET | ADJ_NANO;
	tx64[9] = sec;
	tx64[10] = nsec;
	call(NR_CLOCK_ADJTIME64, 0, (long)tx64);
}

/* Realtime + 7 s through @nr with its own structure. */
static void settime(long nr)
{
	int64_t now[2];
	int32_t t32[2];
	int64_t t64[2];

	call(NR_CLOCK_GETTIME64, 0, (long)now);
	if (nr == NR_CLOCK_SETTIME64) {
		t64[0] = now[0] + 7;
		t64[1] = now[1];
		call(nr, 0, (long)t64);
		return;
	}
	t32[0] = now[0] + 7;
	t32[1] = nr == NR_SETTIMEOFDAY ? (int32_t)now[1] / 1000 : now[1];
	if (nr == NR_SETTIMEOFDAY)
		call(nr, (long)t32, 0);
	else
		call(nr, 0, (long)t32);
}

void _start(void)
{
	setoffset32(NR_ADJTIMEX, 2);
	setoffset64(-2, 0);
	setoffset32(NR_CLOCK_ADJTIME, -3);
	setoffset64(3, 0);
	setoffset64(-2, 500000000);		/* clock_adjtime64 -1.5 s */
	setoffset64(1, 500000000);
	settime(NR_SETTIMEOFDAY);
	setoffset64(-7, 0);
	settime(NR_CLOCK_SETTIME);
	setoffset64(-7, 0);
	settime(NR_CLOCK_SETTIME64);
	setoffset64(-7, 0);
	sys3(NR_EXIT, failed, 0);
	for (;;)
		;
}
