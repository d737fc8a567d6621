// SPDX-License-Identifier: GPL-2.0
/*
 * A pending record holds one of 64 slots until its task returns to user
 * space. Root can keep tasks from returning: adjtimex() copies the timex
 * back after the step, and a write-protected userfaultfd page makes that
 * copy wait for as long as nobody answers. With every slot held, the
 * next step's record is lost; the witness must then report the step,
 * and not count it as explained by a record that was never written. A
 * held task's own record is written by a worker after a second, once.
 * Refusals must not be able to do that to privileged changes at all:
 * tasks without CAP_SYS_TIME holding their refusal records may not take
 * the slots a privileged change needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define NSEC		1000000000LL
#define HOLDERS		72	/* more than the 64 slots */
#define HOUR		3600

static char rec[TA_REC_MAX];
static char *area;
static size_t area_len;

static int uffd_wp(int uffd, int on);
static int refused;	/* holders drop CAP_SYS_TIME: refusals */

static void *holder(void *arg)
{
	long i = (long)arg;
	struct timex *tx = (struct timex *)(area + i * sizeof(struct timex));
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	/* Capabilities are per thread: this one alone is refused. */
	if (refused && !syscall(SYS_capget, &h, d)) {
		d[0].effective &= ~(1u << CAP_SYS_TIME);
		syscall(SYS_capset, &h, d);
	}
	/*
	 * The copy back to *tx waits for the uffd: the slot stays held.
	 * adjtimex() copies back even a refusal; clock_adjtime() does not.
	 */
	syscall(SYS_adjtimex, tx);
	return NULL;
}

/* HOLDERS tasks, each inside adjtimex() after its record was decided. */
static void hold(pthread_t *t, int uffd)
{
	long i;

	uffd_wp(uffd, 0);
	/* +1 s and -1 s in turn: exempt from the rate limit, net 0. */
	for (i = 0; i < HOLDERS; i++) {
		struct timex *tx = (struct timex *)(area +
						    i * sizeof(struct timex));

		memset(tx, 0, sizeof(*tx));
		tx->modes = refused ? ADJ_FREQUENCY : ADJ_SETOFFSET;
		tx->time.tv_sec = i & 1 ? -1 : 1;
	}
	uffd_wp(uffd, 1);
	/* Refusals have their own rate: 20 a second get a record. */
	for (i = 0; i < HOLDERS; i++) {
		pthread_create(&t[i], NULL, holder, (void *)i);
		if (refused)
			usleep(60000);
	}
}

static void release(pthread_t *t, int uffd)
{
	long i;

	uffd_wp(uffd, 0);
	for (i = 0; i < HOLDERS; i++)
		pthread_join(t[i], NULL);
}

static int uffd_wp(int uffd, int on)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (unsigned long)area, .len = area_len },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
}

static int step(long long sec)
{
	struct timex tx = { .modes = ADJ_SETOFFSET };

	tx.time.tv_sec = sec;
	return adjtimex(&tx);
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	const char *wit[] = { "class=witness", NULL };
	pthread_t t[HOLDERS];
	unsigned long long lost;
	struct timex f = { .modes = ADJ_FREQUENCY }, r = { 0 };
	char pid[32];
	const char *frq[] = { "op=freq ", pid, NULL };
	const char *held[] = { "class=step ", pid, " delta_ns=1000000000 ",
			       NULL };
	long mark, early;
	int uffd, n, m, i, ok, held_n;

	ksft_print_header();
	ksft_set_plan(6);
	ksft_test_result(ta_module_load(NULL) == 0, "module loaded\n");

	area_len = (HOLDERS * sizeof(struct timex) + 4095) & ~4095UL;
	area = mmap(NULL, area_len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (area == MAP_FAILED || uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		ksft_exit_skip("no userfaultfd (%s)\n", strerror(errno));
	memset(area, 0, area_len);
	reg.range.start = (unsigned long)area;
	reg.range.len = area_len;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) || uffd_wp(uffd, 1))
		ksft_exit_skip("no userfaultfd write protection (%s)\n",
			       strerror(errno));

	/* Refusals first: 20 a second get a record, and hold its slot. */
	refused = 1;
	hold(t, uffd);
	sleep(1);
	snprintf(pid, sizeof(pid), " pid=%d ", getpid());
	adjtimex(&r);
	f.freq = r.freq > 0 ? r.freq - (100 << 16) : r.freq + (100 << 16);
	mark = ta_log_mark();
	ok = adjtimex(&f) >= 0;
	sleep(1);
	n = ta_search(mark, "TIME_ADJNTPVAL", frq, NULL, 0);
	ksft_test_result(ok && n == 1,
			 "refusals held in every slot they may take: a 100 ppm change is still recorded (%d)\n",
			 n);
	f.freq = r.freq;
	adjtimex(&f);
	release(t, uffd);

	refused = 0;
	mark = ta_log_mark();
	hold(t, uffd);
	/*
	 * The holders' records settle (the late worker writes a held one a
	 * second or two after its step; the holders reach the probe one by
	 * one on a slow kernel): until two searches a second apart agree.
	 */
	sleep(3);
	n = ta_search(mark, "TIME_INJOFFSET", held, NULL, 0);
	for (i = 0; i < 15; i++) {
		sleep(1);
		m = ta_search(mark, "TIME_INJOFFSET", held, NULL, 0);
		if (m == n)
			break;
		n = m;
	}
	ksft_test_result(n >= HOLDERS / 2 - (HOLDERS - 64),
			 "the held +1 s steps are on record while their tasks are still held (%d)\n",
			 n);
	early = mark;
	held_n = n;
	lost = ta_counter("records_lost");
	mark = ta_log_mark();
	ok = step(HOUR) >= 0;
	sleep(4);
	n = ta_search(mark, "TIME_INJOFFSET", wit, rec, sizeof(rec));
	ksft_test_result(ok && ta_counter("records_lost") > lost,
			 "with every slot held, the +1 h step's record is lost (%llu -> %llu)\n",
			 lost, ta_counter("records_lost"));
	ksft_test_result(n >= 1 && llabs(ta_field_ll(rec, "delta_ns") -
					 HOUR * NSEC) < 10 * NSEC,
			 "... and the witness records it (%d, delta_ns=%lld)\n",
			 n, n ? ta_field_ll(rec, "delta_ns") : 0);
	step(-HOUR);
	release(t, uffd);
	n = ta_search(early, "TIME_INJOFFSET", held, NULL, 0);
	ksft_test_result(n == held_n,
			 "... and once only: none more when released (%d)\n",
			 n);
	ksft_finished();
}
