// SPDX-License-Identifier: GPL-2.0
/*
 * PTP hardware clocks: qemu's e1000e NIC has one (/dev/ptp0). Setting it,
 * stepping it and retuning it are recorded with the clock's name and who
 * did it; small steps and frequency changes are not, nor are reads. A
 * caller without write access is refused by the kernel, and recorded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define PHC		"/dev/ptp0"
#define NIC_MODULE	"/ta/e1000e.ko"	/* when the NIC driver is modular */
#define NIC_DEPS	"/ta/pps_core.ko /ta/ptp.ko"	/* modular on 5.10 */
#define NSEC		1000000000LL
#define CLOCKFD		3
#define FD_TO_CLOCKID(fd)	((~(clockid_t)(fd) << 3) | CLOCKFD)
#define SCALED_PPM(ppm)	((long)(ppm) * 65536)

static char rec[TA_REC_MAX];
static char pid_needle[32];

static int phc_recs(long mark, const char *type, const char *op)
{
	const char *needles[] = { pid_needle, op, NULL };

	return ta_search(mark, type, needles, rec, sizeof(rec));
}

static int phc_open(int flags)
{
	int fd = open(PHC, flags);

	if (fd < 0)
		ksft_exit_fail_msg("open %s: %s\n", PHC, strerror(errno));
	return fd;
}

static int set_phc(int fd, long long ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	return clock_settime(FD_TO_CLOCKID(fd), &ts) ? -errno : 0;
}

static int step_phc(int fd, long long ns)
{
	struct timex tx = { 0 };

	ta_timex_setoffset(&tx, ns);
	return clock_adjtime(FD_TO_CLOCKID(fd), &tx) < 0 ? -errno : 0;
}

static int tune_phc(int fd, long scaled_ppm)
{
	struct timex tx = { .modes = ADJ_FREQUENCY, .freq = scaled_ppm };

	return clock_adjtime(FD_TO_CLOCKID(fd), &tx) < 0 ? -errno : 0;
}

static long read_freq(int fd)
{
	struct timex tx = { .modes = 0 };

	if (clock_adjtime(FD_TO_CLOCKID(fd), &tx) < 0)
		return -1;
	return tx.freq;
}

/* The NIC's driver may be a module (Debian) or built in (debug kernel). */
static void find_phc(void)
{
	int i;

	if (access(PHC, F_OK) && !access(NIC_MODULE, F_OK))
		ta_sh("for m in " NIC_DEPS "; do [ ! -f $m ] || insmod $m; done; "
		      "insmod " NIC_MODULE);
	for (i = 0; i < 50 && access(PHC, F_OK); i++)
		usleep(100000);
	if (access(PHC, F_OK))
		ksft_exit_fail_msg("no %s: is qemu's e1000e NIC there?\n",
				   PHC);
}

int main(void)
{
	unsigned long long events;
	long long now, v;
	long mark;
	int fd, ro, n, err;

	ksft_print_header();
	ksft_set_plan(15);
	find_phc();
	snprintf(pid_needle, sizeof(pid_needle), " pid=%d ", getpid());
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");
	fd = phc_open(O_RDWR);

	/* Set 100 s ahead of the system clock: one record. */
	mark = ta_log_mark();
	now = ta_now_ns();
	err = set_phc(fd, now + 100 * NSEC);
	n = phc_recs(mark, "TIME_INJOFFSET", "op=phc_settime ");
	v = ta_field_ll(rec, "offset_ns");
	ksft_test_result(!err && n == 1 && v > 99 * NSEC && v < 101 * NSEC &&
			 ta_field_ll(rec, "sec") == v / NSEC &&
			 strstr(rec, " clock=\"ptp0\" ") &&
			 strstr(rec, " class=ptp via=phc ") &&
			 strstr(rec, " entry=clock_settime ") &&
			 strstr(rec, " res=success"),
			 "clock_settime on %s, 100 s ahead: one record, offset %lld ns (%d, err %d)\n",
			 PHC, v, n, err);
	ksft_test_result(strstr(rec, " auid=") && strstr(rec, " uid=0 ") &&
			 strstr(rec, " exe=") && strstr(rec, " key=\"time-change\""),
			 "... with the caller's identity and the key\n");

	/* Steps: 5 ms recorded with its exact size, 500 us not. */
	mark = ta_log_mark();
	err = step_phc(fd, -5000000);
	n = phc_recs(mark, "TIME_INJOFFSET", "op=phc_step ");
	ksft_test_result(!err && n == 1 &&
			 ta_field_ll(rec, "delta_ns") == -5000000 &&
			 strstr(rec, " entry=clock_adjtime ") &&
			 strstr(rec, " threshold_ns=1000000 "),
			 "ADJ_SETOFFSET -5 ms: one record, delta_ns=%lld (%d, err %d)\n",
			 ta_field_ll(rec, "delta_ns"), n, err);
	mark = ta_log_mark();
	err = step_phc(fd, 500000);
	n = phc_recs(mark, "TIME_INJOFFSET", "op=phc_step ");
	ksft_test_result(!err && n == 0,
			 "ADJ_SETOFFSET 500 us, below the step threshold: no record (%d)\n",
			 n);

	/* Frequency: reads are silent and give the old value. */
	mark = ta_log_mark();
	events = ta_counter("events_ptp");
	for (n = 0; n < 50; n++)
		v = read_freq(fd);
	n = phc_recs(mark, "TIME_ADJNTPVAL", "op=phc_freq ") +
	    phc_recs(mark, "TIME_INJOFFSET", "via=phc ");
	ksft_test_result(v >= 0 && n == 0 &&
			 ta_counter("events_ptp") == events,
			 "50 frequency reads: no record, no event (%d)\n", n);
	mark = ta_log_mark();
	err = tune_phc(fd, v + SCALED_PPM(2));
	n = phc_recs(mark, "TIME_ADJNTPVAL", "op=phc_freq ");
	ksft_test_result(!err && n == 0,
			 "frequency +2 ppm: below the threshold, no record (%d)\n", n);
	mark = ta_log_mark();
	err = tune_phc(fd, v + SCALED_PPM(50));
	n = phc_recs(mark, "TIME_ADJNTPVAL", "op=phc_freq ");
	ksft_test_result(!err && n == 1 &&
			 ta_field_ll(rec, "old") == v + SCALED_PPM(2) &&
			 ta_field_ll(rec, "new") == v + SCALED_PPM(50) &&
			 strstr(rec, " delta_ppm=48.000 ") &&
			 strstr(rec, " class=ptp via=phc clock=\"ptp0\" "),
			 "frequency +48 ppm: one record with old and new (%d, err %d)\n",
			 n, err);

	/* After a reload the old frequency is unknown until read. */
	ta_module_unload();
	ta_module_load(NULL);
	mark = ta_log_mark();
	err = tune_phc(fd, 0);
	n = phc_recs(mark, "TIME_ADJNTPVAL", "op=phc_freq ");
	ksft_test_result(!err && n == 1 && strstr(rec, " old=unknown ") &&
			 strstr(rec, " delta_ppm=unknown "),
			 "first frequency write after a reload: recorded, old unknown (%d)\n",
			 n);

	/* Without write access the kernel refuses (EACCES): recorded. */
	ro = phc_open(O_RDONLY);
	mark = ta_log_mark();
	err = set_phc(ro, ta_now_ns());
	n = phc_recs(mark, "TIME_INJOFFSET", "class=denied ");
	ksft_test_result(err == -EACCES && n == 1 &&
			 strstr(rec, " op=phc_settime ") &&
			 strstr(rec, " res=failed exit=-13"),
			 "clock_settime on a read-only %s: EACCES, one denied record (%d)\n",
			 PHC, n);
	mark = ta_log_mark();
	err = tune_phc(ro, SCALED_PPM(100));
	n = phc_recs(mark, "TIME_ADJNTPVAL", "class=denied ");
	ksft_test_result(err == -EACCES && n == 1 &&
			 strstr(rec, "op=phc_freq ") && strstr(rec, " res=failed"),
			 "frequency write on a read-only %s: one denied record (%d)\n",
			 PHC, n);
	mark = ta_log_mark();
	{
		struct timex tx = { .modes = ADJ_STATUS };

		err = clock_adjtime(FD_TO_CLOCKID(ro), &tx) < 0 ? -errno : 0;
	}
	n = phc_recs(mark, "TIME_ADJNTPVAL", "class=denied ");
	ksft_test_result(err == -EACCES && n == 1 &&
			 strstr(rec, "op=denied old=0 new=0 ") &&
			 strstr(rec, " modes=0x10 "),
			 "ADJ_STATUS on a read-only %s: one op=denied record (%d)\n",
			 PHC, n);
	close(ro);

	/* The system clock was not touched by any of this. */
	ksft_test_result(phc_recs(0, "TIME_INJOFFSET", "via=settimeofday") == 0 &&
			 phc_recs(0, "TIME_INJOFFSET", "via=adjtimex") == 0,
			 "no record of a system clock change from this test\n");

	/* The class switch: counted, not recorded. */
	ta_param_write(TIMEAUDIT_PARAM_CLASSES,
		       "step,slew,freq,tick,status,tai,denied,drift,rtc,tz,aux");
	events = ta_counter("events_ptp");
	mark = ta_log_mark();
	err = set_phc(fd, ta_now_ns() + 3600 * NSEC);
	n = phc_recs(mark, "TIME_INJOFFSET", "via=phc ");
	ksft_test_result(!err && n == 0 &&
			 ta_counter("events_ptp") == events + 1,
			 "ptp class off: a 1 h setting counted, not recorded (%d)\n", n);
	ta_param_write(TIMEAUDIT_PARAM_CLASSES, "all");
	mark = ta_log_mark();
	err = set_phc(fd, ta_now_ns());
	ksft_test_result(!err &&
			 phc_recs(mark, "TIME_INJOFFSET", "op=phc_settime ") == 1,
			 "ptp class back on: recorded again\n");
	close(fd);
	ksft_finished();
}
