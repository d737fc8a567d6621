// SPDX-License-Identifier: GPL-2.0
/*
 * Locked means pinned until reboot: config.c takes a reference on the
 * module, so delete_module() fails with EWOULDBLOCK. Nothing here changes
 * what the kernel does; this file only records the refusals.
 *
 * A refusal is recorded only if the caller passed the kernel's
 * CAP_SYS_MODULE check (anything but EPERM): nobody else can unload
 * anything, and must not be able to flood the audit log by trying. Even
 * those are rate-limited by a token bucket; what it holds back is counted
 * and stated in the next record (suppressed=). The record is not written
 * from the kretprobe: the return handler queues a preallocated task_work
 * that writes it, with GFP_KERNEL and the caller's identity, when the
 * caller returns to user space. One in flight is enough at this rate; a
 * refusal that finds it busy is held back like one over the rate.
 *
 * A kernel built with MODULE_FORCE_UNLOAD still unloads on rmmod -f; the
 * module's exit records that (ta_lock_forced()).
 */
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/rcupdate.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/wait_bit.h>

#include "compat.h"
#include "config.h"
#include "lock.h"
#include "probes.h"
#include "record.h"

/* Refusals recorded: a burst of 5, then 5 per second. */
#define TA_LOCK_BURST		5
#define TA_LOCK_PERIOD_NS	(NSEC_PER_SEC / 5)

static DEFINE_RAW_SPINLOCK(ta_lock_bucket);
static unsigned int ta_lock_tokens = TA_LOCK_BURST;
static u64 ta_lock_refill_ns;
static u64 ta_lock_held;	/* refusals held back since the last record */

/* The one record in flight: owned by whoever set ta_lock_busy. */
static struct {
	struct callback_head cb;
	int err;
	u64 suppressed;
} ta_lock_refusal;
static atomic_t ta_lock_busy;

static void ta_lock_emit(struct callback_head *cb)
{
	struct ta_unload u = {
		.err = ta_lock_refusal.err,
		.locked = true,
		.suppressed = ta_lock_refusal.suppressed,
	};
	struct ta_config cfg;

	ta_config_get(&cfg);
	ta_record_unload(&u, &cfg, GFP_KERNEL);
	/*
	 * Under RCU: module exit waits for the flag, then for a grace
	 * period (ta_defer_drain()), before this code can go.
	 */
	rcu_read_lock();
	atomic_set_release(&ta_lock_busy, 0);
	wake_up_var(&ta_lock_busy);
	rcu_read_unlock();
}

/* Under ta_lock_bucket: whether a token is left, after refilling. */
static bool ta_lock_take_token(void)
{
	u64 now = ktime_get_mono_fast_ns();
	u64 n = div_u64(now - ta_lock_refill_ns, TA_LOCK_PERIOD_NS);

	if (n) {
		ta_lock_tokens = min_t(u64, TA_LOCK_BURST, ta_lock_tokens + n);
		ta_lock_refill_ns = ta_lock_tokens == TA_LOCK_BURST ? now :
				    ta_lock_refill_ns + n * TA_LOCK_PERIOD_NS;
	}
	if (!ta_lock_tokens)
		return false;
	ta_lock_tokens--;
	return true;
}
NOKPROBE_SYMBOL(ta_lock_take_token);

/* A refusal: queue its record for the caller's return, or count it. */
static void ta_lock_refused(int err)
{
	unsigned long flags;
	bool queue = false;

	raw_spin_lock_irqsave(&ta_lock_bucket, flags);
	if (!atomic_read(&ta_lock_busy) && ta_lock_take_token()) {
		atomic_set(&ta_lock_busy, 1);
		ta_lock_refusal.err = err;
		ta_lock_refusal.suppressed = ta_lock_held;
		ta_lock_held = 0;
		queue = true;
	} else {
		ta_lock_held++;
	}
	raw_spin_unlock_irqrestore(&ta_lock_bucket, flags);

	if (!queue)
		return;
	init_task_work(&ta_lock_refusal.cb, ta_lock_emit);
	if (!task_work_add(current, &ta_lock_refusal.cb, TWA_RESUME))
		return;
	/* An exiting task runs no more work: back to the count. */
	raw_spin_lock_irqsave(&ta_lock_bucket, flags);
	ta_lock_held += ta_lock_refusal.suppressed + 1;
	raw_spin_unlock_irqrestore(&ta_lock_bucket, flags);
	atomic_set_release(&ta_lock_busy, 0);
}
NOKPROBE_SYMBOL(ta_lock_refused);

/* The delete_module() name argument, from the caller's saved registers. */
struct ta_lock_data {
	const char __user *name;
};

static int ta_lock_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
			 bool compat)
{
	struct ta_lock_data *d = (void *)ri->data;
	const struct pt_regs *uregs;

	if (!ta_config_locked())
		return 1;
	uregs = (const void *)regs_get_kernel_argument(regs, 0);
#ifdef TA_IA32_SYS_DELETE_MODULE
	if (compat) {
		d->name = (const char __user *)TA_IA32_DELETE_MODULE_NAME(uregs);
		return 0;
	}
#endif
	d->name = (const char __user *)TA_DELETE_MODULE_NAME(uregs);
	return 0;
}
NOKPROBE_SYMBOL(ta_lock_entry);

static int ta_lock_entry64(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	return ta_lock_entry(ri, regs, false);
}
NOKPROBE_SYMBOL(ta_lock_entry64);

static int ta_lock_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ta_lock_data *d = (void *)ri->data;
	long err = regs_return_value(regs);
	char name[sizeof(TIMEAUDIT_NAME)];

	/* EPERM: no CAP_SYS_MODULE (or modules_disabled), refused first. */
	if (err >= 0 || err == -EPERM)
		return 0;
	/*
	 * The kernel has just read the name, so its page is present; a
	 * name that cannot be read now did not name us.
	 */
	if (copy_from_user_nofault(name, d->name, sizeof(name)) ||
	    memcmp(name, TIMEAUDIT_NAME, sizeof(name)))
		return 0;
	ta_lock_refused(err);
	return 0;
}
NOKPROBE_SYMBOL(ta_lock_ret);

#ifdef TA_IA32_SYS_DELETE_MODULE
static int ta_lock_entry32(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	return ta_lock_entry(ri, regs, true);
}
NOKPROBE_SYMBOL(ta_lock_entry32);
#endif

static struct kretprobe ta_lock_probes[] = {
	TA_KRETPROBE(TA_SYS_DELETE_MODULE, ta_lock_entry64, ta_lock_ret,
		     sizeof(struct ta_lock_data)),
#ifdef TA_IA32_SYS_DELETE_MODULE
	TA_KRETPROBE(TA_IA32_SYS_DELETE_MODULE, ta_lock_entry32, ta_lock_ret,
		     sizeof(struct ta_lock_data)),
#endif
};

static const struct ta_probe_set ta_lock_set = TA_PROBE_SET(ta_lock_probes);

int ta_lock_init(void)
{
	const char *failed;
	int err;

	ta_lock_refill_ns = ktime_get_mono_fast_ns();
	/* Callers refused early return at once; allowed ones may sleep. */
	err = ta_probe_set_register(&ta_lock_set, 16, &failed);
	if (err)
		/* Named one by one: a kernel may lack either entry. */
		pr_err("cannot probe %s: error %d; is it missing from this kernel (%s)?\n",
		       failed, err, init_utsname()->release);
	return err;
}

/*
 * No new refusal can be queued once the probes are gone; one already
 * queued runs when its task returns to user space, and must be done
 * before this module's text goes away.
 */
void ta_lock_exit(void)
{
	ta_probe_set_unregister(&ta_lock_set);
	wait_var_event(&ta_lock_busy, !atomic_read_acquire(&ta_lock_busy));
}

/*
 * Called from the module's exit: a reference still held (the lock's, or
 * anyone's) means the kernel unloaded us by force (rmmod -f). A normal
 * unload leaves module_refcount() at -1.
 */
bool ta_lock_forced(void)
{
	return module_refcount(THIS_MODULE) > 0;
}

/* Refusals still held back when the module goes: for the unload record. */
u64 ta_lock_suppressed(void)
{
	unsigned long flags;
	u64 n;

	raw_spin_lock_irqsave(&ta_lock_bucket, flags);
	n = ta_lock_held;
	raw_spin_unlock_irqrestore(&ta_lock_bucket, flags);
	return n;
}

u64 ta_lock_missed(void)
{
	return ta_probe_set_missed(&ta_lock_set);
}
