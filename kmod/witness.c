// SPDX-License-Identifier: GPL-2.0
/*
 * The witness: every step of CLOCK_REALTIME moves CLOCK_REALTIME -
 * CLOCK_BOOTTIME, and nothing else does (slews, frequency, suspend leave
 * it alone). A worker samples it and subtracts the steps the probes
 * reported meanwhile; what is left, once it has lasted two samples (the
 * probe reports a step just after the kernel applies it), is a change no
 * probe saw: a disarmed probe, a path nobody probes, a new kernel's path.
 *
 * The canary: the worker calls a function of ours that has a kprobe on
 * it, set the way the other probes are. When that probe stops firing,
 * every probe has (kprobes disarmed in debugfs), and that is on record.
 *
 * Refusal: an ftrace_ops of ours with FTRACE_OPS_FL_PERMANENT, filtered
 * to a function nobody calls, makes the kernel answer EBUSY to
 * kernel.ftrace_enabled=0, which would silence ftrace-based kprobes
 * (before 7.3; since then the kernel refuses it by itself).
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "config.h"
#include "record.h"
#include "witness.h"

#define TA_SECS_PER_DAY	86400

/*
 * A remainder seen while steps are being reported may be one applied but
 * not reported yet, at every sample if a task steps the clock in a loop:
 * wait while reports keep coming, this many samples at most.
 */
#define TA_WITNESS_PATIENCE	8

/* Steps the probes saw applied since the last sample: net, and how many. */
static atomic64_t ta_explained;
static atomic_t ta_explain_calls;

/* The NTP state the last successful adjtimex() left (see heartbeat). */
static atomic_t ta_sync_seen, ta_sync_status;
static atomic_long_t ta_sync_maxerror, ta_sync_esterror;

static atomic_t ta_canary_hits;

/* The sampler's state: only the worker (and init before it) touch it. */
static struct {
	s64 off;		/* realtime - boottime at the last sample */
	s64 real, boot;		/* that sample's CLOCK_REALTIME, BOOTTIME */
	s64 residual;		/* unexplained change not yet on record */
	int pending;		/* samples it has been over the threshold */
	struct ta_witness_rec rec;	/* ... and where it was first seen */
	s64 leap_day;		/* the last UTC day end a leap explained */
	bool blind;		/* the canary was silent at the last sample */
	struct ta_blind_rec b;	/* the blindness going on */
	s64 blind_off, blind_boot;
	u64 witness_records, blind_records;	/* since load */
} ta_w;

static s64 ta_witness_offset(void)
{
	return ktime_to_ns(ktime_mono_to_any(0, TK_OFFS_REAL)) -
	       ktime_to_ns(ktime_mono_to_any(0, TK_OFFS_BOOT));
}

void ta_witness_explain(s64 step_ns)
{
	atomic64_add(step_ns, &ta_explained);
	atomic_inc(&ta_explain_calls);
}
NOKPROBE_SYMBOL(ta_witness_explain);

void ta_witness_ntp_seen(const struct __kernel_timex *txc)
{
	atomic_set(&ta_sync_status, READ_ONCE(txc->status));
	atomic_long_set(&ta_sync_maxerror, READ_ONCE(txc->maxerror));
	atomic_long_set(&ta_sync_esterror, READ_ONCE(txc->esterror));
	atomic_set_release(&ta_sync_seen, 1);
}
NOKPROBE_SYMBOL(ta_witness_ntp_seen);

/*
 * The leap second the kernel will apply, as the probes saw it armed: the
 * second (CLOCK_REALTIME) it is due by, 0 if none, and the second from
 * which it is armed in the kernel: second_overflow() computes it at the
 * first second boundary after the status write, for the next midnight.
 */
static atomic64_t ta_leap_due, ta_leap_from;

/*
 * Probe context: an NTP status write, @old -> @new, just made.
 * Setting STA_INS or STA_DEL arms a leap, and so does dropping STA_PLL
 * with one set (process_adj_status() resets the state machine); clearing
 * both takes it back. A write that keeps one set changes nothing: once a
 * step disarmed it, the kernel does not arm it again.
 */
void ta_witness_leap_status(s64 old, s64 new)
{
	s64 from;

	if (!(new & (STA_INS | STA_DEL))) {
		atomic64_set(&ta_leap_due, 0);
		return;
	}
	if ((old & (STA_INS | STA_DEL)) &&
	    !((old & STA_PLL) && !(new & STA_PLL)))
		return;
	/* Armed at the next second boundary, for the midnight after it. */
	from = ktime_get_real_seconds() + 1;
	atomic64_set(&ta_leap_from, from);
	atomic64_set(&ta_leap_due, from - from % TA_SECS_PER_DAY +
				   TA_SECS_PER_DAY);
}
NOKPROBE_SYMBOL(ta_witness_leap_status);

/*
 * Probe context, at a step that began at @before_ns (CLOCK_REALTIME):
 * every step clears the NTP state, which disarms an armed leap second for
 * good (ntp_next_leap_sec). True once per leap: when this step did that
 * before it was due.
 */
bool ta_witness_leap_take(s64 before_ns)
{
	s64 now = div_s64(before_ns, NSEC_PER_SEC);
	s64 due = atomic64_read(&ta_leap_due);

	/* None, or not yet armed in the kernel: nothing to disarm. */
	if (!due || now < atomic64_read(&ta_leap_from))
		return false;
	if (atomic64_cmpxchg(&ta_leap_due, due, 0) != due)
		return false;	/* another step took it */
	return now < due;
}
NOKPROBE_SYMBOL(ta_witness_leap_take);

/* "As last seen": the three values may come from two different calls. */
void ta_witness_sync_state(struct ta_sync_state *out)
{
	out->seen = atomic_read_acquire(&ta_sync_seen);
	out->status = atomic_read(&ta_sync_status);
	out->maxerror = atomic_long_read(&ta_sync_maxerror);
	out->esterror = atomic_long_read(&ta_sync_esterror);
}

/* --- the canary -------------------------------------------------------- */

/* Not static inline, not pure: the call must stay and be probeable. */
static noinline void ta_canary(void)
{
	barrier();
}

static int ta_canary_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_inc(&ta_canary_hits);
	return 0;
}
NOKPROBE_SYMBOL(ta_canary_pre);

static struct kprobe ta_canary_kp = {
	.pre_handler = ta_canary_pre,
};

static bool ta_canary_fires(void)
{
	int before = atomic_read(&ta_canary_hits);

	ta_canary();
	return atomic_read(&ta_canary_hits) != before;
}

/* --- refusing ftrace_enabled=0 ------------------------------------------ */

#if defined(CONFIG_DYNAMIC_FTRACE) && defined(TA_FTRACE_CAN_BE_TURNED_OFF)
/* Never called: the filter holds only ta_ftrace_anchor, which no one calls. */
static void notrace ta_ftrace_nop(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, TA_FTRACE_REGS *fregs)
{
}

static noinline void ta_ftrace_anchor(void)
{
	barrier();
}

static struct ftrace_ops ta_permanent_ops = {
	.func = ta_ftrace_nop,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

static int ta_ftrace_hold(void)
{
	int err;

	err = ftrace_set_filter_ip(&ta_permanent_ops,
				   (unsigned long)ta_ftrace_anchor, 0, 0);
	if (err) {
		pr_err("cannot filter our ftrace_ops: error %d\n", err);
		return err;
	}
	err = register_ftrace_function(&ta_permanent_ops);
	if (err) {
		ta_ftrace_free_filter(&ta_permanent_ops);
		if (err == -EBUSY)
			pr_err("kernel.ftrace_enabled is 0, which silences ftrace-based kprobes: set it to 1 before loading\n");
		else
			pr_err("cannot register our ftrace_ops: error %d\n",
			       err);
	}
	return err;
}

static void ta_ftrace_release(void)
{
	unregister_ftrace_function(&ta_permanent_ops);
	ta_ftrace_free_filter(&ta_permanent_ops);
}
#else
/*
 * Without function tracing no kprobe is ftrace-based, and a kernel that
 * refuses ftrace_enabled=0 itself needs no help: nothing to hold.
 */
static int ta_ftrace_hold(void)
{
	return 0;
}

static void ta_ftrace_release(void)
{
}
#endif

/* --- the sampler -------------------------------------------------------- */

static u64 ta_elapsed_ms(s64 from_boot, s64 to_boot)
{
	return div_u64(max_t(s64, to_boot - from_boot, 0), NSEC_PER_MSEC);
}

/*
 * A leap second is the kernel's own step: exactly one second back
 * (STA_INS) or forward (STA_DEL) at the end of a UTC day. Explain it when
 * the flag was last seen set and a day ended within the window (two
 * seconds of slack: an inserted second reads 23:59:59 twice).
 */
static s64 ta_witness_leap(s64 r, s64 from_real, s64 to_real)
{
	int status = atomic_read(&ta_sync_status);
	s64 from_day, to_day, leap;

	if (!atomic_read_acquire(&ta_sync_seen))
		return 0;
	if (status & STA_INS)
		leap = -(s64)NSEC_PER_SEC;
	else if (status & STA_DEL)
		leap = NSEC_PER_SEC;
	else
		return 0;
	from_day = div_s64(div_s64(from_real, NSEC_PER_SEC) - 2, TA_SECS_PER_DAY);
	to_day = div_s64(div_s64(to_real, NSEC_PER_SEC) + 2, TA_SECS_PER_DAY);
	if (from_day == to_day || to_day == ta_w.leap_day)
		return 0;
	if (ta_abs64(ta_sub_sat(r, leap)) >= ta_abs64(r))
		return 0;
	ta_w.leap_day = to_day;
	return leap;
}

static void ta_witness_blindness(bool armed, s64 off, s64 real, s64 boot,
				 const struct ta_config *cfg)
{
	struct ta_blind_rec *b = &ta_w.b;

	if (!armed && !ta_w.blind) {
		ta_w.blind = true;
		memset(b, 0, sizeof(*b));
		b->since_real_ns = ta_w.real;	/* it fired then */
		b->until_real_ns = real;
		ta_w.blind_off = ta_w.off;
		ta_w.blind_boot = ta_w.boot;
		ta_w.blind_records++;
		ta_record_blind(b, false, cfg);
	} else if (armed && ta_w.blind) {
		ta_w.blind = false;
		b->until_real_ns = real;
		b->blind_ms = ta_elapsed_ms(ta_w.blind_boot, boot);
		b->delta_ns = ta_sub_sat(off, ta_w.blind_off);
		/* What the witness has not put on record yet counts too. */
		b->unexplained_ns = ta_add_sat(b->unexplained_ns,
					       ta_w.residual);
		ta_w.blind_records++;
		ta_record_blind(b, true, cfg);
	}
}

static void ta_witness_sample(const struct ta_config *cfg)
{
	u64 thr = max_t(u64, cfg->threshold[TIMEAUDIT_CLASS_STEP], 1);
	s64 expl, off, real, boot, r;
	bool armed, reports;

	/* The explanation first: a report never precedes its step. */
	reports = atomic_xchg(&ta_explain_calls, 0) != 0;
	expl = atomic64_xchg(&ta_explained, 0);
	off = ta_witness_offset();
	real = ktime_get_real_ns();
	boot = ktime_get_boottime_ns();
	armed = ta_canary_fires();

	r = ta_add_sat(ta_w.residual, ta_sub_sat(off, ta_w.off));
	r = ta_sub_sat(r, expl);
	r = ta_sub_sat(r, ta_witness_leap(r, ta_w.real, real));

	if (ta_abs64(r) < thr) {
		ta_w.pending = 0;
	} else if (!ta_w.pending ||
		   (reports && ta_w.pending < TA_WITNESS_PATIENCE)) {
		/* Maybe a step whose probe has not reported yet: wait. */
		if (!ta_w.pending++) {
			ta_w.rec.start_real_ns = ta_w.real;
			ta_w.rec.end_real_ns = real;
			ta_w.rec.window_ms = ta_elapsed_ms(ta_w.boot, boot);
			ta_w.rec.blind = !armed;
		}
	} else {
		ta_w.rec.delta_ns = r;
		ta_record_witness(&ta_w.rec, cfg);
		ta_w.witness_records++;
		if (ta_w.blind) {
			ta_w.b.unexplained_ns = ta_add_sat(ta_w.b.unexplained_ns,
							   r);
			ta_w.b.witness_records++;
		}
		ta_w.pending = 0;
		r = 0;
	}
	ta_w.residual = r;

	ta_witness_blindness(armed, off, real, boot, cfg);
	ta_w.off = off;
	ta_w.real = real;
	ta_w.boot = boot;
}

static void ta_witness_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(ta_witness_dwork, ta_witness_work);
static void (*ta_witness_tick)(void);

static void ta_witness_work(struct work_struct *work)
{
	struct ta_config cfg;

	ta_config_get(&cfg);
	ta_witness_sample(&cfg);
	ta_witness_tick();
	ta_heartbeat_tick(&cfg, !ta_w.blind, ta_w.witness_records,
			  ta_w.blind_records);
	/* A new interval takes effect from the next sample. */
	queue_delayed_work(system_power_efficient_wq, &ta_witness_dwork,
			   msecs_to_jiffies(cfg.witness_interval_ms));
}

int ta_witness_init(void (*tick)(void))
{
	struct ta_config cfg;
	int err;

	err = ta_ftrace_hold();
	if (err)
		return err;
	ta_canary_kp.addr = (kprobe_opcode_t *)ta_canary;
	err = register_kprobe(&ta_canary_kp);
	if (err) {
		pr_err("cannot probe our own canary: error %d\n", err);
		ta_ftrace_release();
		return err;
	}
	ta_witness_tick = tick;
	ta_w.off = ta_witness_offset();
	ta_w.real = ktime_get_real_ns();
	ta_w.boot = ktime_get_boottime_ns();
	ta_heartbeat_init();
	ta_config_get(&cfg);
	queue_delayed_work(system_power_efficient_wq, &ta_witness_dwork,
			   msecs_to_jiffies(cfg.witness_interval_ms));
	return 0;
}

void ta_witness_exit(void)
{
	cancel_delayed_work_sync(&ta_witness_dwork);
	unregister_kprobe(&ta_canary_kp);
	ta_ftrace_release();
}
