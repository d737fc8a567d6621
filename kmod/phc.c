// SPDX-License-Identifier: GPL-2.0
/*
 * PTP hardware clocks (/dev/ptpN). clock_settime() and clock_adjtime() on
 * a clock file reach pc_clock_settime() and pc_clock_adjtime(), which
 * check write access and call the driver. A probe cannot read the
 * driver's clock (some drivers sleep on a bus to do it), so a setting is
 * recorded as asked, and the frequency is remembered from each read and
 * write seen: ptp4l and phc2sys read it when they start.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hardirq.h>
#include <linux/kprobes.h>
#include <linux/posix-timers.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>

#include "compat.h"
#include "event.h"
#include "probes.h"
#include "seen.h"

/* Where clock_settime and clock_adjtime reach any dynamic posix clock. */
#define TA_PHC_SETTIME_SYM	"pc_clock_settime"
#define TA_PHC_ADJTIME_SYM	"pc_clock_adjtime"

/* What the entry handlers keep for the return handlers. */
struct ta_phc_data {
	dev_t dev;
	u32 modes;
	struct __kernel_timex *tx;	/* the kernel's copy, alive on return */
	s64 freq, new_ns, offset_ns;
	s64 real_before;
	char name[TA_PHC_NAME];
};

#define TA_PHC_CACHE	8

static struct ta_seen ta_phc_seen[TA_PHC_CACHE];	/* val[0]: scaled ppm */

/* The frequency last seen of @dev into *@old, and @freq in its place. */
static bool ta_phc_exchange(dev_t dev, bool set, s64 freq, s64 *old)
{
	s64 val[2] = { freq }, prev[2];

	if (!ta_seen_exchange(ta_phc_seen, TA_PHC_CACHE, dev,
			      set ? val : NULL, prev))
		return false;
	*old = prev[0];
	return true;
}
NOKPROBE_SYMBOL(ta_phc_exchange);

/*
 * When, and which clock: the device and the name of the file the caller
 * opened (the clock id, first argument of both, is made from its fd).
 */
static void ta_phc_begin(struct ta_phc_data *d, struct pt_regs *regs)
{
	clockid_t id = (clockid_t)regs_get_kernel_argument(regs, 0);
	struct file *f;

	d->real_before = ktime_get_real_ns();
	d->dev = 0;
	strscpy(d->name, "unknown", sizeof(d->name));
	/*
	 * An int3 kprobe runs as an NMI, where a last fput() (the fd closed
	 * meanwhile by another thread) must not queue its work. Debian's
	 * kernels put entry probes on ftrace, in the caller's context.
	 */
	if (in_nmi())
		return;
	f = fget(clockid_to_fd(id));
	if (!f)
		return;
	d->dev = file_inode(f)->i_rdev;
	snprintf(d->name, sizeof(d->name), "%pD", f);
	fput(f);
}
NOKPROBE_SYMBOL(ta_phc_begin);

static void ta_phc_event(struct kretprobe_instance *ri, struct pt_regs *regs,
			 const struct ta_phc_data *d, struct ta_event *ev)
{
	ev->path = TA_PATH_PHC;
	ev->result = regs_return_value(regs);
	ev->modes = d->modes;
	ev->real_before_ns = d->real_before;
	ev->caller = get_kretprobe_retaddr(ri);
	memcpy(ev->phc.name, d->name, sizeof(ev->phc.name));
	ta_handle_event(ev);
}
NOKPROBE_SYMBOL(ta_phc_event);

static int ta_phc_settime_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct ta_phc_data *d = (void *)ri->data;
	const struct timespec64 *ts;

	ts = (const void *)regs_get_kernel_argument(regs, 1);
	d->new_ns = timespec64_to_ns(ts);
	d->modes = 0;
	ta_phc_begin(d, regs);
	return 0;
}
NOKPROBE_SYMBOL(ta_phc_settime_entry);

static int ta_phc_settime_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct ta_phc_data *d = (void *)ri->data;
	struct ta_event ev = {
		.phc.settime = true,
		.phc.new_ns = d->new_ns,
	};

	ta_phc_event(ri, regs, d, &ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_phc_settime_ret);

static int ta_phc_adjtime_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct ta_phc_data *d = (void *)ri->data;

	d->tx = (void *)regs_get_kernel_argument(regs, 1);
	d->modes = d->tx->modes;
	d->freq = d->tx->freq;
	d->offset_ns = ta_setoffset_ns(d->tx, d->modes);
	ta_phc_begin(d, regs);
	return 0;
}
NOKPROBE_SYMBOL(ta_phc_adjtime_entry);

static int ta_phc_adjtime_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct ta_phc_data *d = (void *)ri->data;
	struct ta_event ev = {
		.phc.offset_ns = d->offset_ns,
		.phc.new_freq = d->freq,
	};
	bool freq_set = (d->modes & (ADJ_SETOFFSET | ADJ_FREQUENCY)) ==
			ADJ_FREQUENCY;
	bool ok = !regs_return_value(regs);

	/* A read answers with the frequency the clock was last dialed to. */
	if (!d->modes) {
		if (ok && d->dev)
			ta_phc_exchange(d->dev, true, d->tx->freq,
					&ev.phc.old_freq);
		return 0;
	}
	if (freq_set && d->dev)
		ev.phc.old_known = ta_phc_exchange(d->dev, ok, d->freq,
						   &ev.phc.old_freq);
	ta_phc_event(ri, regs, d, &ev);
	return 0;
}
NOKPROBE_SYMBOL(ta_phc_adjtime_ret);

static struct kretprobe ta_phc_table[] = {
	TA_KRETPROBE(TA_PHC_SETTIME_SYM, ta_phc_settime_entry,
		     ta_phc_settime_ret, sizeof(struct ta_phc_data)),
	TA_KRETPROBE(TA_PHC_ADJTIME_SYM, ta_phc_adjtime_entry,
		     ta_phc_adjtime_ret, sizeof(struct ta_phc_data)),
};

const struct ta_probe_set ta_phc_probes = TA_PROBE_SET(ta_phc_table);
