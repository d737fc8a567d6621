// SPDX-License-Identifier: GPL-2.0
/*
 * audit_log_end() wakes auditd under a spinlock_t, which sleeps on
 * PREEMPT_RT, so no record may be written from a probe handler. The
 * handler claims a preallocated slot (no allocation, no lock), fills it
 * and hands it on:
 * - a user task writes it itself on its way back to user space
 *   (task_work, TWA_RESUME): the record's identity fields then name the
 *   real caller, from the kernel's own audit_log_task_info();
 * - a kernel thread, or a task past exit_task_work(), leaves it to a
 *   worker, and the record names the caller from a snapshot.
 * A task can put off its return for as long as it likes (a tracer holding
 * it at syscall exit, a copy to a page that faults on a file it serves):
 * a record still pending after TA_DEFER_LATE_NS is written by a worker
 * from the snapshot, and the task only gives the slot back when it runs.
 * A full pool loses the record: it is counted and a summary says so.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/hardirq.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/wait_bit.h>

#include "config.h"
#include "defer.h"

/*
 * A slot lives from a probe's return until its task is back in user
 * space, microseconds, or until a worker ran. The rate limit lets at
 * most rate_limit records per class and second through, plus steps too
 * large to hold back: 64 slots (about 30 KiB) cover every CPU of a large
 * machine having a few events in flight at once.
 */
#define TA_DEFER_SLOTS	64

/*
 * A task can keep its slot for as long as it keeps itself from returning
 * to user space (a copy to a page that faults on a FUSE file it serves).
 * Refusals, which anyone can make, may hold this many slots at most, so
 * that they never take the last slots a privileged change needs.
 */
#define TA_DEFER_DENIED_SLOTS	(TA_DEFER_SLOTS / 4)

static struct ta_pending ta_pool[TA_DEFER_SLOTS];
static DECLARE_BITMAP(ta_pool_used, TA_DEFER_SLOTS);
static atomic_t ta_pool_pending = ATOMIC_INIT(0);
static atomic_t ta_pool_denied = ATOMIC_INIT(0);
static struct workqueue_struct *ta_defer_wq;

/* A record pending longer than this is written without its task. */
#define TA_DEFER_LATE_NS	NSEC_PER_SEC

/*
 * A slot's state: a generation in the high bits, bumped at each claim
 * (wrapping is harmless), and a phase in the low two. Who moves a slot
 * of a generation from QUEUED to WRITTEN writes its records; the payload
 * does not change while it is QUEUED.
 */
enum { TA_SLOT_FILLING, TA_SLOT_QUEUED, TA_SLOT_WRITTEN };
#define TA_SLOT_PHASE	3
#define TA_SLOT_GEN	4

static int ta_slot_phase(int state)
{
	return state & TA_SLOT_PHASE;
}
NOKPROBE_SYMBOL(ta_slot_phase);

static bool ta_slot_take(struct ta_pending *p, int state)
{
	return ta_slot_phase(state) == TA_SLOT_QUEUED &&
	       atomic_cmpxchg(&p->state, state,
			      state - TA_SLOT_QUEUED + TA_SLOT_WRITTEN) ==
	       state;
}

static void ta_defer_late_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(ta_defer_late_dwork, ta_defer_late_work);

/* Probe context: lock-free. NULL when every slot it may take is taken. */
struct ta_pending *ta_defer_claim(bool denied)
{
	unsigned int home = hash_ptr(current, ilog2(TA_DEFER_SLOTS));
	unsigned int i, n;

	if (denied &&
	    atomic_inc_return(&ta_pool_denied) > TA_DEFER_DENIED_SLOTS) {
		atomic_dec(&ta_pool_denied);
		return NULL;
	}
	for (n = 0; n < TA_DEFER_SLOTS; n++) {
		i = (home + n) % TA_DEFER_SLOTS;
		if (!test_bit(i, ta_pool_used) &&
		    !test_and_set_bit_lock(i, ta_pool_used)) {
			struct ta_pending *p = &ta_pool[i];
			int gen = atomic_read(&p->state) & ~TA_SLOT_PHASE;

			atomic_set(&p->state, gen + TA_SLOT_GEN + TA_SLOT_FILLING);
			atomic_inc(&ta_pool_pending);
			p->denied = denied;
			return p;
		}
	}
	if (denied)
		atomic_dec(&ta_pool_denied);
	return NULL;
}
NOKPROBE_SYMBOL(ta_defer_claim);

/* Task context: write the records of a slot's copy or of the slot. */
static void ta_defer_write(const struct ta_pending *p, bool self)
{
	struct ta_actor who = p->who;
	struct ta_config cfg;

	who.self = self;
	ta_config_get(&cfg);
	if (p->emit)
		ta_record_event(&p->ev, &p->d, p->emit, &who, &cfg);
	if (p->time_drift)
		ta_record_drift(&p->ev, &p->d, &p->time_res, TA_DRIFT_TIME, &who, &cfg);
	if (p->freq_drift)
		ta_record_drift(&p->ev, &p->d, &p->freq_res, TA_DRIFT_FREQ, &who, &cfg);
	if (p->pll_drift)
		ta_record_drift(&p->ev, &p->d, &p->pll_res, TA_DRIFT_PLL, &who, &cfg);
}

/*
 * Task context, once per slot: write its records unless the late worker
 * did, then give the slot back.
 */
static void ta_defer_emit(struct ta_pending *p, bool self)
{
	if (ta_slot_take(p, atomic_read(&p->state)))
		ta_defer_write(p, self);

	/*
	 * Under RCU, so that module exit, which waits for the count and
	 * then for a grace period, cannot free this code under us.
	 */
	rcu_read_lock();
	if (p->denied)
		atomic_dec(&ta_pool_denied);
	clear_bit_unlock(p - ta_pool, ta_pool_used);
	if (atomic_dec_and_test(&ta_pool_pending))
		wake_up_var(&ta_pool_pending);
	rcu_read_unlock();
}

static void ta_defer_task_cb(struct callback_head *cb)
{
	ta_defer_emit(container_of(cb, struct ta_pending, cb), true);
}

static void ta_defer_work_cb(struct work_struct *work)
{
	ta_defer_emit(container_of(work, struct ta_pending, work), false);
}

/*
 * Records whose task has not come back within TA_DEFER_LATE_NS: written
 * from a copy, taken while the slot was QUEUED in the same generation
 * (if it was reused meanwhile, the take fails and the copy is dropped).
 */
static void ta_defer_late_work(struct work_struct *work)
{
	static struct ta_pending copy;	/* only this worker uses it */
	u64 now = ktime_get_mono_fast_ns();
	bool waiting = false;
	int i, state;

	for (i = 0; i < TA_DEFER_SLOTS; i++) {
		struct ta_pending *p = &ta_pool[i];

		if (!test_bit(i, ta_pool_used))
			continue;
		state = atomic_read_acquire(&p->state);
		if (ta_slot_phase(state) != TA_SLOT_QUEUED)
			continue;
		if (now - READ_ONCE(p->queued_ns) < TA_DEFER_LATE_NS) {
			waiting = true;
			continue;
		}
		copy = *p;
		if (ta_slot_take(p, state))
			ta_defer_write(&copy, false);
	}
	if (waiting)
		queue_delayed_work(ta_defer_wq, &ta_defer_late_dwork,
				   nsecs_to_jiffies(TA_DEFER_LATE_NS));
}

/* Probe context: no allocation, no sleeping lock. */
void ta_defer_submit(struct ta_pending *p)
{
	int state = atomic_read(&p->state);

	p->queued_ns = ktime_get_mono_fast_ns();
	atomic_set_release(&p->state,
			   state - TA_SLOT_FILLING + TA_SLOT_QUEUED);
	/* Only a task's own call, never an interrupt that hit it. */
	if (in_task() && !(current->flags & (PF_KTHREAD | PF_IO_WORKER))) {
		init_task_work(&p->cb, ta_defer_task_cb);
		/* Fails only once the task is past exit_task_work(). */
		if (!task_work_add(current, &p->cb, TWA_RESUME)) {
			queue_delayed_work(ta_defer_wq, &ta_defer_late_dwork,
					   nsecs_to_jiffies(TA_DEFER_LATE_NS));
			return;
		}
	}
	INIT_WORK(&p->work, ta_defer_work_cb);
	queue_work(ta_defer_wq, &p->work);
}
NOKPROBE_SYMBOL(ta_defer_submit);

int ta_defer_init(void)
{
	ta_defer_wq = alloc_workqueue("timeaudit", WQ_UNBOUND, 0);
	return ta_defer_wq ? 0 : -ENOMEM;
}

/*
 * After the probes are gone, nothing claims a slot: wait until every
 * task has written its records (tasks are on their way back to user
 * space) and every worker ran.
 */
void ta_defer_drain(void)
{
	wait_var_event(&ta_pool_pending, !atomic_read(&ta_pool_pending));
	synchronize_rcu();
}

void ta_defer_exit(void)
{
	cancel_delayed_work_sync(&ta_defer_late_dwork);
	destroy_workqueue(ta_defer_wq);
}
