/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kretprobes on the timekeeping entry points, one file per subsystem
 * (adjtimex.c, settime.c, rtc.c, phc.c, aux.c; lock.c for unloading),
 * each with its own table. probes.c registers them and keeps the helpers
 * their handlers share.
 *
 * Every handler, and every function of this module a handler calls, is
 * NOKPROBE_SYMBOL (or always inlined into one): a probe there would fire
 * inside our own handler, where kprobes can only count it as missed, so
 * it is refused at once.
 */
#ifndef TA_PROBES_H
#define TA_PROBES_H

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/types.h>

/* A subsystem's probes: registered together, gone together. */
struct ta_probe_set {
	struct kretprobe *rps;
	unsigned int count;
};

#define TA_KRETPROBE(_sym, _entry, _ret, _data) {			\
	.kp.symbol_name	= (_sym),					\
	.entry_handler	= (_entry),					\
	.handler	= (_ret),					\
	.data_size	= (_data),					\
}

#define TA_PROBE_SET_MAX	8	/* unregistered in one call */

#define TA_PROBE_SET(_table) {						\
	.rps = (_table),						\
	.count = ARRAY_SIZE(_table) +					\
		 BUILD_BUG_ON_ZERO(ARRAY_SIZE(_table) > TA_PROBE_SET_MAX), \
}

extern const struct ta_probe_set ta_adjtimex_probes, ta_settime_probes,
	ta_rtc_probes, ta_phc_probes;

int ta_probe_set_register(const struct ta_probe_set *set, int slots,
			  const char **failed);
void ta_probe_set_unregister(const struct ta_probe_set *set);
u64 ta_probe_set_missed(const struct ta_probe_set *set);

int ta_probes_init(void);
void ta_probes_exit(void);
u64 ta_probes_missed(void);

/* For the handlers. */
bool ta_may_set_time(void);
s64 ta_real_offset(void);
bool ta_step_cleared_ntp(int result, bool clears, s64 real_before_ns);

/* adjtimex.c: the NTP values of an adjtimex() call, for aux.c too. */
struct ta_event;
struct ta_inflight;
struct __kernel_timex;
void ta_ntp_core_values(struct ta_event *ev, const struct ta_inflight *slot);
void ta_adjtime_values(struct ta_event *ev, const struct __kernel_timex *txc,
		       s64 asked);

/*
 * A step measured across a call (ta_real_offset() before and after)
 * holds every step made meanwhile. Each call by a task that may step
 * the clock opens a window; closing it says whether another such call
 * overlapped, so that two cannot cancel each other out of the record.
 */
struct ta_step_window {
	u32 gen;
	bool busy;	/* another call was in one at the start */
};

void ta_step_window_open(struct ta_step_window *w);
bool ta_step_window_close(const struct ta_step_window *w);

/* Auxiliary clocks (aux.c): never a load failure, see there. */
void ta_aux_init(void);
void ta_aux_exit(void);
u64 ta_aux_missed(void);

#endif /* TA_PROBES_H */
