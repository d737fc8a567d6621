/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kretprobes on the timekeeping entry points, one file per subsystem
 * (adjtimex.c, settime.c, rtc.c, phc.c, aux.c; lock.c for unloading),
 * each with its own table. probes.c registers them and keeps the helpers
 * their handlers share.
 *
 * Every handler, and every function of this module a handler calls, is
 * NOKPROBE_SYMBOL: a probe there would fire inside our own handler,
 * where kprobes can only count it as missed, so it is refused at once.
 */
#ifndef TA_PROBES_H
#define TA_PROBES_H

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

#define TA_PROBE_SET(_table) {						\
	.rps = (_table),						\
	.count = ARRAY_SIZE(_table),					\
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

/* Auxiliary clocks (aux.c): never a load failure, see there. */
void ta_aux_init(void);
void ta_aux_exit(void);
u64 ta_aux_missed(void);

#endif /* TA_PROBES_H */
