// SPDX-License-Identifier: GPL-2.0
/*
 * Lock mode: once locked=1 is written, no parameter can change and the
 * module holds a reference on itself until reboot, so delete_module()
 * fails with EWOULDBLOCK. Refusals are recorded for callers with
 * CAP_SYS_MODULE only, rate-limited with a count of what was held back,
 * from both the x86-64 and the i386 entry; a flood by nobody leaves no
 * record at all. A kernel with MODULE_FORCE_UNLOAD (Debian's) still
 * unloads on rmmod -f, and the module's exit records who forced it.
 * The lock cannot be undone, so this must be the last test of the boot;
 * rmmod -f is its last step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "../userspace/exitcodes.h"

#define LOCKER_AUID	4444
#define UNLOADER_AUID	4445
#define TAINT_FORCED_RMMOD	(1UL << 3)	/* R; 1 << 7 is D, a die */
#define FLOOD		2000
#define BURST		5	/* kmod/lock.c: a burst of 5, then 5 per s */
#define RATE		5
#define I386_DELETE_MODULE	129
#define ARCH_NATIVE	"arch=" TA_ARCH_NATIVE " "
#define ARCH_I386	"arch=40000003 "
/* delete_module through int $0x80: x86-64 only, planned there only. */
#ifdef __x86_64__
#define I386_RESULTS	2
#else
#define I386_RESULTS	0
#endif
#define OP_UNLOAD	"op=" TIMEAUDIT_OP_UNLOAD " "
#define ALL_CLASSES	"step,slew,freq,tick,status,tai,denied,drift,rtc,tz,ptp,aux"

static char rec[TA_REC_MAX];
static char recs[64][TA_REC_MAX];
static char out[8192], err[8192];

static const struct {
	const char *name;
	const char *now;	/* the defaults */
	const char *attempt;	/* a valid new value */
} params[] = {
	{ TIMEAUDIT_PARAM_STEP, "1000000", "5000" },
	{ TIMEAUDIT_PARAM_SLEW, "128000000", "0" },
	{ TIMEAUDIT_PARAM_FREQ, "10000", "1" },
	{ TIMEAUDIT_PARAM_TICK, "1", "0" },
	{ TIMEAUDIT_PARAM_TAI, "1", "0" },
	{ TIMEAUDIT_PARAM_STATUS, "0x0030", "0" },
	{ TIMEAUDIT_PARAM_CLASSES, ALL_CLASSES, "none" },
	{ TIMEAUDIT_PARAM_KEY, TIMEAUDIT_DEF_KEY, "\n" },	/* no key */
	{ TIMEAUDIT_PARAM_RTC, "1000000000", "0" },
	{ TIMEAUDIT_PARAM_DRIFT_WINDOW, "600", "60" },
	{ TIMEAUDIT_PARAM_DRIFT_BUDGET, "100000000", "1" },
	{ TIMEAUDIT_PARAM_FDRIFT_WINDOW, "21600", "60" },
	{ TIMEAUDIT_PARAM_FDRIFT_BUDGET, "5000", "1" },
	{ TIMEAUDIT_PARAM_PLL, "50000", "0" },
	{ TIMEAUDIT_PARAM_RATE, "20", "0" },
	{ TIMEAUDIT_PARAM_LOCKED, "1", "0" },
};

static int param_is(const char *name, const char *want)
{
	char v[256];

	return !ta_param_read(name, v, sizeof(v)) && !strcmp(v, want);
}

static int ctl(const char *args)
{
	const char *c = getenv("TA_CTL");
	int rc;

	rc = ta_sh("%s %s >/tmp/ctl.out 2>/tmp/ctl.err",
		   c ? c : "/ta/timeauditctl", args);
	if (ta_read_file("/tmp/ctl.out", out, sizeof(out)))
		out[0] = '\0';
	if (ta_read_file("/tmp/ctl.err", err, sizeof(err)))
		err[0] = '\0';
	return rc;
}

static unsigned long tainted(void)
{
	char v[64];

	if (ta_read_file("/proc/sys/kernel/tainted", v, sizeof(v)))
		return ~0UL;
	return strtoul(v, NULL, 10);
}

static int setoffset(long long ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns < 0 ? -1 : 0;
	tx.time.tv_usec = ns < 0 ? 1000000000LL + ns : ns;
	return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) < 0 ? -errno : 0;
}

static long del_module(const char *name, unsigned int flags)
{
	return syscall(SYS_delete_module, name, flags) < 0 ? -errno : 0;
}

#ifdef __x86_64__
static long int80(long nr, long a, long b)
{
	long ret;

	asm volatile ("int $0x80" : "=a" (ret) : "a" (nr), "b" (a), "c" (b)
		      : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Debian builds MODULE_FORCE_UNLOAD in; a kernel that says otherwise. */
static int force_unload_built(void)
{
	return ta_sh("zcat /proc/config.gz 2>/dev/null | grep -q '^# CONFIG_MODULE_FORCE_UNLOAD is not set'") != 0;
}

/* The one unload record of @pid since @mark, in rec; how many there were. */
static int unload_records(long mark, pid_t pid)
{
	const char *needles[] = { OP_UNLOAD, NULL, NULL };
	char pidn[32];

	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	needles[1] = pidn;
	return ta_search(mark, "CONFIG_CHANGE", needles, rec, sizeof(rec));
}

static int names_unloader(const char *r)
{
	char v[64];

	return ta_field_ll(r, "auid") == UNLOADER_AUID &&
	       ta_field_ll(r, "uid") == 0 &&
	       !ta_field(r, "comm", v, sizeof(v)) && !strcmp(v, "rmmod") &&
	       strstr(r, " entry=delete_module " ARCH_NATIVE);
}

/* rmmod timeaudit as a child with a login uid: refused, recorded. */
static void try_unload(void)
{
	const char *argv[] = { "/bin/rmmod", "timeaudit", NULL };
	int status, n;
	long mark;
	pid_t pid;

	mark = ta_log_mark();
	pid = ta_spawn(argv, UNLOADER_AUID, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) &&
			 ta_module_loaded() && ta_module_listed(),
			 "rmmod timeaudit fails, the module stays\n");
	n = unload_records(mark, pid);
	ksft_test_result(n == 1 && strstr(rec, " res=0") &&
			 ta_field_ll(rec, "exit") == -EWOULDBLOCK &&
			 strstr(rec, " locked=1 forced=0 suppressed=0 ") &&
			 names_unloader(rec),
			 "one %sres=0 exit=-%d locked=1 forced=0 record names the rmmod pid, auid, uid, comm, entry (%d)\n",
			 OP_UNLOAD, EWOULDBLOCK, n);
}

/*
 * nobody cannot unload anything: the kernel says EPERM before it even
 * reads the name, and nothing is recorded, so nobody cannot flood.
 */
static void flood_nobody(void)
{
	int status, n;
	long mark;
	pid_t pid;

	mark = ta_log_mark();
	pid = fork();
	if (!pid) {
		/*
		 * On the stack: a page that is present, so a probe can read
		 * the name even though the kernel refuses before reading it.
		 */
		char name[] = TIMEAUDIT_NAME;
		int i, other = 0;

		if (setgid(65534) || setuid(65534))
			_exit(255);
		for (i = 0; i < FLOOD; i++)
			other += del_module(name, O_NONBLOCK) != -EPERM;
		_exit(other > 254 ? 254 : other);
	}
	ksft_test_result(pid > 0 && waitpid(pid, &status, 0) == pid &&
			 WIFEXITED(status) && !WEXITSTATUS(status) &&
			 ta_module_listed(),
			 "%d delete_module(timeaudit) by nobody: all EPERM (%d other)\n",
			 FLOOD, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	n = ta_search(mark, "CONFIG_CHANGE", (const char *[]){ OP_UNLOAD, NULL },
		      NULL, 0);
	ksft_test_result(n == 0, "... and no %srecord (%d)\n", OP_UNLOAD, n);
}

/*
 * root is refused too, and recorded at a bounded rate: every attempt is
 * either a record or counted in the next one's suppressed=. One more
 * attempt once the bucket has refilled states the rest. With auditctl
 * -f 2 a lost record panics: the flood must not lose any.
 */
static void flood_root(void)
{
	unsigned long long lost = ta_counter("records_lost");
	long long held = 0;
	int i, n, other = 0, f2;
	double t0, secs;
	long mark;

	mark = ta_log_mark();
	f2 = ta_sh("auditctl -f 2 >/dev/null");
	t0 = now_s();
	/* Over about 2 s, so that the bucket refills during the flood. */
	for (i = 0; i < FLOOD; i++) {
		other += del_module(TIMEAUDIT_NAME, O_NONBLOCK) != -EWOULDBLOCK;
		usleep(1000);
	}
	usleep(1200000);	/* the bucket refills */
	other += del_module(TIMEAUDIT_NAME, O_NONBLOCK) != -EWOULDBLOCK;
	secs = now_s() - t0;
	ta_sh("auditctl -f 1 >/dev/null");
	ksft_test_result(!f2 && !other && ta_module_listed(),
			 "auditctl -f 2, then %d+1 delete_module(timeaudit) by root: all EWOULDBLOCK (%d other), the module stays\n",
			 FLOOD, other);

	{
		const char *needles[] = { OP_UNLOAD, NULL, NULL };
		char pidn[32];

		snprintf(pidn, sizeof(pidn), " pid=%d ", getpid());
		needles[1] = pidn;
		n = ta_ausearch(mark, "-m CONFIG_CHANGE", needles, recs,
				ARRAY_SIZE(recs));
	}
	ksft_test_result(n >= 2 && n <= BURST + 1 + (int)(RATE * secs + 1),
			 "... %d records in %.1f s: at most %d + %d/s\n",
			 n, secs, BURST, RATE);
	for (i = 0; i < n && i < (int)ARRAY_SIZE(recs); i++)
		if (strstr(recs[i], " res=0") &&
		    ta_field_ll(recs[i], "exit") == -EWOULDBLOCK &&
		    strstr(recs[i], " locked=1 forced=0 ") &&
		    strstr(recs[i], " entry=delete_module " ARCH_NATIVE))
			held += ta_field_ll(recs[i], "suppressed");
		else
			held = -1000000;
	ksft_test_result(n + held == FLOOD + 1,
			 "... records + suppressed = %lld, every attempt accounted for\n",
			 n + held);
	ksft_test_result(ta_counter("records_lost") == lost,
			 "... no record lost, no panic (records_lost %llu)\n",
			 ta_counter("records_lost"));
}

/* The i386 entry, int $0x80 with the name below 4 GiB, is no way out. */
static void unload_i386(void)
{
#ifdef __x86_64__
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret = -1;
	long mark;
	int n;

	usleep(300000);		/* a token for this one */
	mark = ta_log_mark();
	if (low != MAP_FAILED) {
		strcpy(low, TIMEAUDIT_NAME);
		ret = int80(I386_DELETE_MODULE, (long)low, O_NONBLOCK);
	}
	ksft_test_result(ret == -EWOULDBLOCK && ta_module_listed(),
			 "i386 delete_module(timeaudit): EWOULDBLOCK, the module stays (%ld)\n",
			 ret);
	n = unload_records(mark, getpid());
	ksft_test_result(n == 1 && strstr(rec, " res=0") &&
			 ta_field_ll(rec, "exit") == -EWOULDBLOCK &&
			 strstr(rec, " entry=delete_module " ARCH_I386),
			 "... one %srecord, entry=delete_module %s(%d)\n",
			 OP_UNLOAD, ARCH_I386, n);
#else
	/* arm64: AArch32 tasks enter the same __arm64_sys_delete_module. */
	ksft_print_msg("not planned here: delete_module through the i386 entry (x86-64 only)\n");
#endif
}

/*
 * rmmod -f: on a kernel with MODULE_FORCE_UNLOAD the reference does not
 * stop it (taint R), but the module's exit records it, forced=1, with
 * the identity of whoever did it. Elsewhere it is refused like rmmod.
 */
static void force_unload(void)
{
	const char *argv[] = { "/bin/rmmod", "-f", "timeaudit", NULL };
	unsigned long taint = tainted();
	int status, n, built = force_unload_built();
	long mark;
	pid_t pid;

	mark = ta_log_mark();
	pid = ta_spawn(argv, UNLOADER_AUID, &status);
	n = unload_records(mark, pid);
	if (!built) {
		ksft_test_result(pid > 0 && WIFEXITED(status) &&
				 WEXITSTATUS(status) && ta_module_listed(),
				 "no MODULE_FORCE_UNLOAD: rmmod -f fails, the module stays\n");
		ksft_test_result(!((tainted() ^ taint) & TAINT_FORCED_RMMOD),
				 "... no R taint\n");
		ksft_test_result(n == 1 && strstr(rec, " res=0") &&
				 ta_field_ll(rec, "exit") == -EWOULDBLOCK &&
				 names_unloader(rec),
				 "... one refusal record names the rmmod (%d)\n", n);
		return;
	}
	ksft_test_result(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) &&
			 !ta_module_listed(),
			 "rmmod -f timeaudit: forced out despite the lock\n");
	ksft_test_result((tainted() & ~taint) & TAINT_FORCED_RMMOD,
			 "... the kernel taints R\n");
	ksft_test_result(n == 1 && strstr(rec, " res=1") &&
			 strstr(rec, " locked=1 forced=1 ") &&
			 names_unloader(rec),
			 "... one %sres=1 locked=1 forced=1 record names the rmmod pid, auid, uid, comm, entry (%d)\n",
			 OP_UNLOAD, n);
}

int main(void)
{
	const char *lock_argv[] = { "/bin/sh", "-c",
				    "echo 1 > " TIMEAUDIT_SYSFS_PARAMS "/"
				    TIMEAUDIT_PARAM_LOCKED, NULL };
	const char *failed[] = { "op=" TIMEAUDIT_OP_SET, "res=0", NULL,
				 NULL };
	char pidn[32], pn[64];
	int status, n, all, k;
	size_t i;
	long mark;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(3 + ARRAY_SIZE(params) + 1 + 2 + 2 + 4 + I386_RESULTS + 1 + 6 +
		      3);

	/* Start from a fresh load: nothing left over from other tests. */
	ksft_test_result(ta_module_load(NULL) == 0 && param_is(TIMEAUDIT_PARAM_LOCKED, "0"),
			 "fresh load, unlocked\n");

	mark = ta_log_mark();
	pid = ta_spawn(lock_argv, LOCKER_AUID, &status);
	ksft_test_result(pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) &&
			 param_is(TIMEAUDIT_PARAM_LOCKED, "1"),
			 "echo 1 > locked: accepted, locked reads 1\n");
	snprintf(pidn, sizeof(pidn), " pid=%d ", pid);
	{
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET,
					  " param=" TIMEAUDIT_PARAM_LOCKED " ",
					  pidn, NULL };

		n = ta_search(mark, "CONFIG_CHANGE", needles, rec, sizeof(rec));
	}
	ksft_test_result(n == 1 && strstr(rec, " old=\"0\" new=\"1\" ") &&
			 strstr(rec, " res=1") &&
			 ta_field_ll(rec, "auid") == LOCKER_AUID,
			 "the lock is recorded: old 0, new 1, auid %d (%d)\n",
			 LOCKER_AUID, n);

	/* Every parameter, locked itself included, now refuses with EPERM. */
	mark = ta_log_mark();
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		int e = ta_param_write(params[i].name, params[i].attempt);

		ksft_test_result(e == -EPERM && param_is(params[i].name, params[i].now),
				 "locked: %s='%s' gives EPERM (%s), still '%s'\n",
				 params[i].name,
				 strcmp(params[i].attempt, "\n") ?
				 params[i].attempt : "\\n",
				 strerror(-e), params[i].now);
	}
	snprintf(pidn, sizeof(pidn), " pid=%d ", getpid());
	failed[2] = pidn;
	n = ta_ausearch(mark, "-m CONFIG_CHANGE", failed, recs, 32);
	for (i = 0, all = n == (int)ARRAY_SIZE(params), k = 0;
	     all && i < ARRAY_SIZE(params); i++) {
		snprintf(pn, sizeof(pn), " param=%s ", params[i].name);
		all = strstr(recs[i], pn) && ta_field_ll(recs[i], "exit") == -EPERM;
		k += all;
	}
	ksft_test_result(all, "each refusal recorded res=0 exit=-1, in order (%d records, %d matched)\n",
			 n, k);

	try_unload();
	flood_nobody();
	flood_root();
	unload_i386();

	/* The module still does its job. */
	mark = ta_log_mark();
	n = setoffset(5000000) || setoffset(-5000000);
	{
		const char *needles[] = { "class=step", pidn, NULL };

		k = ta_ausearch(mark, "-m TIME_INJOFFSET", needles, recs, 32);
	}
	/* ausearch sorts by time: the step back may come first. */
	ksft_test_result(!n && k == 2 &&
			 ta_field_ll(recs[0], "delta_ns") +
			 ta_field_ll(recs[1], "delta_ns") == 0 &&
			 llabs(ta_field_ll(recs[0], "delta_ns")) == 5000000,
			 "locked: 5 ms steps still recorded (%d)\n", k);

	/* timeauditctl: exit 4 for changes, lock is idempotent */
	mark = ta_log_mark();
	n = ctl("set step=5ms");
	ksft_test_result(n == TA_EXIT_LOCKED && strstr(err, "locked"),
			 "timeauditctl set, locked: exit 4 (%d: %.80s)\n", n, err);
	n = ctl("apply /dev/null");
	ksft_test_result(n == TA_EXIT_LOCKED, "timeauditctl apply, locked: exit 4 (%d)\n", n);
	n = ctl("lock");
	ksft_test_result(n == 0, "timeauditctl lock, already locked: exit 0 (%d)\n", n);
	{
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET,
					  "comm=\"timeauditctl\"", NULL };

		n = ta_search(mark, "CONFIG_CHANGE", needles, NULL, 0);
	}
	ksft_test_result(n == 0 && param_is(TIMEAUDIT_PARAM_STEP, "1000000"),
			 "... nothing written (%d)\n", n);
	n = ctl("status");
	ksft_test_result(n == 0 && strstr(out, "\nlocked              yes\n"),
			 "timeauditctl status: locked yes (%d)\n", n);
	n = ctl("--json");
	ksft_test_result(n == 0 && ta_json_valid(out) && strstr(out, "\"locked\":true"),
			 "timeauditctl --json: valid, locked true (%d)\n", n);

	force_unload();
	ksft_finished();
}
