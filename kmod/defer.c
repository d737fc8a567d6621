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
			atomic_inc(&ta_pool_pending);
			ta_pool[i].denied = denied;
			return &ta_pool[i];
		}
	}
	if (denied)
		atomic_dec(&ta_pool_denied);
	return NULL;
}
NOKPROBE_SYMBOL(ta_defer_claim);

/* Task context: write the records, then give the slot back. */
static void ta_defer_emit(struct ta_pending *p)
{
	struct ta_config cfg;

	ta_config_get(&cfg);
	if (p->emit)
		ta_record_event(&p->ev, p->emit, &p->who, &cfg);
	if (p->time_drift)
		ta_record_drift(&p->ev, &p->time_res, false, &p->who, &cfg);
	if (p->freq_drift)
		ta_record_drift(&p->ev, &p->freq_res, true, &p->who, &cfg);

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
	struct ta_pending *p = container_of(cb, struct ta_pending, cb);

	p->who.self = true;
	ta_defer_emit(p);
}

static void ta_defer_work_cb(struct work_struct *work)
{
	ta_defer_emit(container_of(work, struct ta_pending, work));
}

/* Probe context: no allocation, no sleeping lock. */
void ta_defer_submit(struct ta_pending *p)
{
	p->who.self = false;
	/* Only a task's own call, never an interrupt that hit it. */
	if (in_task() && !(current->flags & (PF_KTHREAD | PF_IO_WORKER))) {
		init_task_work(&p->cb, ta_defer_task_cb);
		/* Fails only once the task is past exit_task_work(). */
		if (!task_work_add(current, &p->cb, TWA_RESUME))
			return;
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
	destroy_workqueue(ta_defer_wq);
}
