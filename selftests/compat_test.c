// SPDX-License-Identifier: GPL-2.0
/*
 * The 32-bit (i386) system calls that change the clock, made through
 * int $0x80 from this 64-bit test with their 32-bit structures: each is
 * recorded once with the change, its own name in entry= and the i386
 * audit arch (40000003). stime() is in step_test.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
#define ARCH_I386	"arch=40000003 "

/* arch/x86/entry/syscalls/syscall_32.tbl */
#define I386_STIME		25
#define I386_SETTIMEOFDAY	79
#define I386_ADJTIMEX		124
#define I386_CLOCK_SETTIME	264
#define I386_CLOCK_ADJTIME	343
#define I386_CLOCK_SETTIME64	404
#define I386_CLOCK_ADJTIME64	405


static char rec[TA_REC_MAX];
static void *low;	/* below 4 GiB, where a 32-bit call can point */

static long int80(long nr, long a, long b)
{
	long ret;

	asm volatile ("int $0x80" : "=a" (ret) : "a" (nr), "b" (a), "c" (b)
		      : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static struct timex32 *tx32(uint32_t modes)
{
	struct timex32 *t = low;

	memset(t, 0, sizeof(*t));
	t->modes = modes;
	return t;
}

/* This process's records of @type after @mark with @op and @entry. */
static int recs(long mark, const char *type, const char *op,
		const char *entry)
{
	char pid[32], ent[64];
	const char *needles[] = { pid, op, ent, ARCH_I386, NULL };

	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	snprintf(ent, sizeof(ent), " entry=%s ", entry);
	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static long setoffset32(long nr, int sec, int nsec)
{
	struct timex32 *t = tx32(ADJ_SETOFFSET | ADJ_NANO);

	t->tv_sec = sec;
	t->tv_usec = nsec;
	if (nr == I386_ADJTIMEX)
		return int80(nr, (long)t, 0);
	return int80(nr, CLOCK_REALTIME, (long)t);
}

static void check_step(long nr, const char *name, int sec)
{
	long mark = ta_log_mark();
	long ret = setoffset32(nr, sec, 0);
	int n = recs(mark, "TIME_INJOFFSET", "class=step ", name);

	ksft_test_result(ret >= 0 && n == 1 &&
			 ta_field_ll(rec, "delta_ns") == sec * NSEC &&
			 strstr(rec, " via=adjtimex "),
			 "i386 %s ADJ_SETOFFSET %+d s: one record, exact (%d, ret %ld)\n",
			 name, sec, n, ret);
	setoffset32(nr, -sec, 0);
}

/* clock_settime64 and clock_adjtime64 take the 64-bit structures. */
static void check_adjtime64(void)
{
	struct timex *t = low;
	long mark = ta_log_mark();
	long ret;
	int n;

	memset(t, 0, sizeof(*t));
	t->modes = ADJ_SETOFFSET | ADJ_NANO;
	t->time.tv_sec = -2;
	t->time.tv_usec = 500000000;	/* -1.5 s */
	ret = int80(I386_CLOCK_ADJTIME64, CLOCK_REALTIME, (long)t);
	n = recs(mark, "TIME_INJOFFSET", "class=step ", "clock_adjtime64");
	ksft_test_result(ret >= 0 && n == 1 &&
			 ta_field_ll(rec, "delta_ns") == -1500000000LL,
			 "i386 clock_adjtime64 ADJ_SETOFFSET -1.5 s: one record, exact (%d, ret %ld)\n",
			 n, ret);
	setoffset32(I386_CLOCK_ADJTIME, 1, 500000000);
}

static void check_settime(long nr, const char *name, int wide)
{
	long mark = ta_log_mark();	/* first: it waits for auditd */
	long long now = ta_now_ns() + 7 * NSEC;
	int32_t *t32 = low;
	int64_t *t64 = low;
	long ret;
	int n;

	if (wide) {		/* struct __kernel_timespec */
		t64[0] = now / NSEC;
		t64[1] = now % NSEC;
	} else if (nr == I386_SETTIMEOFDAY) {	/* old_timeval32 */
		t32[0] = now / NSEC;
		t32[1] = now % NSEC / 1000;
	} else {		/* old_timespec32 */
		t32[0] = now / NSEC;
		t32[1] = now % NSEC;
	}
	if (nr == I386_SETTIMEOFDAY)
		ret = int80(nr, (long)low, 0);
	else
		ret = int80(nr, CLOCK_REALTIME, (long)low);
	n = recs(mark, "TIME_INJOFFSET", "class=step ", name);
	ksft_test_result(ret == 0 && n == 1 &&
			 ta_field_ll(rec, "delta_ns") > 6 * NSEC &&
			 ta_field_ll(rec, "delta_ns") < 8 * NSEC &&
			 strstr(rec, " via=settimeofday "),
			 "i386 %s +7 s: one record, delta %lld ns (%d, ret %ld)\n",
			 name, ta_field_ll(rec, "delta_ns"), n, ret);
	setoffset32(I386_CLOCK_ADJTIME, -7, 0);
}

static void check_freq(void)
{
	struct timex32 *t = tx32(0);
	long mark, ret;
	int32_t freq;
	int n, i;

	/* Reads are silent. */
	mark = ta_log_mark();
	for (i = 0; i < 50; i++)
		int80(I386_ADJTIMEX, (long)tx32(0), 0);
	n = recs(mark, "TIME_ADJNTPVAL", "op=", "adjtimex") +
	    recs(mark, "TIME_INJOFFSET", "class=", "adjtimex");
	ksft_test_result(n == 0, "50 i386 adjtimex reads: no record (%d)\n", n);

	int80(I386_ADJTIMEX, (long)t, 0);
	freq = t->freq;
	mark = ta_log_mark();
	t = tx32(ADJ_FREQUENCY);
	t->freq = freq + 50 * 65536;
	ret = int80(I386_CLOCK_ADJTIME, CLOCK_REALTIME, (long)t);
	n = recs(mark, "TIME_ADJNTPVAL", "op=freq ", "clock_adjtime");
	ksft_test_result(ret >= 0 && n == 1 &&
			 strstr(rec, " delta_ppm=50.000 "),
			 "i386 clock_adjtime +50 ppm: one op=freq record (%d, ret %ld)\n",
			 n, ret);
	mark = ta_log_mark();
	t = tx32(ADJ_FREQUENCY);
	t->freq = freq;
	ret = int80(I386_ADJTIMEX, (long)t, 0);
	n = recs(mark, "TIME_ADJNTPVAL", "op=freq ", "adjtimex");
	ksft_test_result(ret >= 0 && n == 1 &&
			 strstr(rec, " delta_ppm=-50.000 "),
			 "i386 adjtimex -50 ppm: one op=freq record (%d, ret %ld)\n",
			 n, ret);
}

/* What a 32-bit caller without CAP_SYS_TIME asks in check_denied(). */
static long denied_call(long nr)
{
	if (nr == I386_STIME) {
		*(int32_t *)low = (int32_t)time(NULL) + 3600;
		return int80(nr, (long)low, 0);
	}
	return setoffset32(nr, 3600, 0);
}

/* A 32-bit caller without CAP_SYS_TIME: refused, and recorded. */
static void check_denied(long nr, const char *name)
{
	long mark = ta_log_mark();
	int status = -1, n;
	pid_t pid = fork();
	char needle[32], entry[64];
	const char *needles[] = { needle, "class=denied ", ARCH_I386,
				  entry, " res=failed", NULL };

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(denied_call(nr) == -EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	snprintf(needle, sizeof(needle), " pid=%d ", pid);
	snprintf(entry, sizeof(entry), " entry=%s ", name);
	n = ta_search(mark, "TIME_INJOFFSET", needles, rec, sizeof(rec));
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			 n == 1 && strstr(rec, " uid=65534 "),
			 "i386 %s +1 h as nobody: EPERM, one denied record (%d)\n",
			 name, n);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(12);
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		ksft_exit_fail_msg("no memory below 4 GiB\n");
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	check_step(I386_ADJTIMEX, "adjtimex", 2);
	check_step(I386_CLOCK_ADJTIME, "clock_adjtime", -3);
	check_adjtime64();
	check_settime(I386_SETTIMEOFDAY, "settimeofday", 0);
	check_settime(I386_CLOCK_SETTIME, "clock_settime", 0);
	check_settime(I386_CLOCK_SETTIME64, "clock_settime64", 1);
	check_freq();
	check_denied(I386_ADJTIMEX, "adjtimex");
	check_denied(I386_STIME, "stime");
	ksft_finished();
}
