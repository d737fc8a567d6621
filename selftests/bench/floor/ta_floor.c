// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of make bench: what a probe costs with nothing in it. One
 * probe on each path timeaudit hooks for the calls call_cost makes
 * (do_adjtimex, do_sys_settimeofday64), either a kprobe whose handler
 * returns at once (kind=kprobe) or a kretprobe with an empty return
 * handler (kind=kretprobe); kind=kretprobe2 adds one on the NTP core
 * (ntp_core, __do_adjtimex before 6.17), where timeaudit copies the
 * kernel's old NTP values: the floor of a change that needs them.
 *
 * kind=skeleton is timeaudit's own probes with nothing in them: the
 * four kretprobes it puts on these paths (do_adjtimex, the NTP core,
 * do_sys_settimeofday64, do_settimeofday64), each declining its return
 * where timeaudit's does (a read; adjtime() at the NTP core; every call
 * at do_settimeofday64, which is under the outer probe for the calls
 * measured). What timeaudit costs above it is its own work; the issue's
 * targets (17) are judged against it, in the same boot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/timex.h>

static char *kind = "kretprobe";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "kprobe, kretprobe (default), kretprobe2 or skeleton");

static char *ntp_core = "__do_adjtimex";
module_param(ntp_core, charp, 0444);
MODULE_PARM_DESC(ntp_core, "The NTP core kind=kretprobe2 probes too");

/* The timex is ntp_adjtimex()'s second argument (6.17), after the clock. */
static int ntp_core_txc;

/* do_adjtimex, do_sys_settimeofday64, ntp_core, do_settimeofday64. */
static const char *ta_floor_syms[4];

static struct kprobe ta_floor_kp[ARRAY_SIZE(ta_floor_syms)];
static struct kretprobe ta_floor_krp[ARRAY_SIZE(ta_floor_syms)];
static bool ta_floor_ret;

static int ta_floor_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(ta_floor_pre);

static int ta_floor_exit(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}
NOKPROBE_SYMBOL(ta_floor_exit);

/* kind=skeleton: the same declines as timeaudit's entry handlers. */
static u32 ta_floor_modes(struct pt_regs *regs, int arg)
{
	const struct __kernel_timex *txc;

	txc = (const void *)regs_get_kernel_argument(regs, arg);
	return READ_ONCE(txc->modes);
}
NOKPROBE_SYMBOL(ta_floor_modes);

static int ta_floor_adjtimex(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	return !ta_floor_modes(regs, 0);
}
NOKPROBE_SYMBOL(ta_floor_adjtimex);

static int ta_floor_ntp_core(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	u32 modes = ta_floor_modes(regs, ntp_core_txc);

	return !modes || (modes & ADJ_ADJTIME);
}
NOKPROBE_SYMBOL(ta_floor_ntp_core);

static int ta_floor_decline(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	return 1;
}
NOKPROBE_SYMBOL(ta_floor_decline);

static void ta_floor_unregister(int n)
{
	while (n--) {
		if (ta_floor_ret)
			unregister_kretprobe(&ta_floor_krp[n]);
		else
			unregister_kprobe(&ta_floor_kp[n]);
	}
}

static int __init ta_floor_init(void)
{
	int i, err = 0;

	ntp_core_txc = !strcmp(ntp_core, "ntp_adjtimex");
	ta_floor_syms[0] = "do_adjtimex";
	ta_floor_syms[1] = "do_sys_settimeofday64";
	if (!strcmp(kind, "kretprobe2") || !strcmp(kind, "skeleton"))
		ta_floor_syms[2] = ntp_core;
	if (!strcmp(kind, "skeleton")) {
		ta_floor_syms[3] = "do_settimeofday64";
		ta_floor_krp[0].entry_handler = ta_floor_adjtimex;
		ta_floor_krp[2].entry_handler = ta_floor_ntp_core;
		ta_floor_krp[3].entry_handler = ta_floor_decline;
	}
	if (!strncmp(kind, "kretprobe", 9) || !strcmp(kind, "skeleton"))
		ta_floor_ret = true;
	else if (strcmp(kind, "kprobe"))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(ta_floor_syms) && ta_floor_syms[i] &&
	     !err; i++) {
		if (ta_floor_ret) {
			ta_floor_krp[i].kp.symbol_name = ta_floor_syms[i];
			ta_floor_krp[i].handler = ta_floor_exit;
			ta_floor_krp[i].maxactive = 128;	/* as timeaudit's */
			err = register_kretprobe(&ta_floor_krp[i]);
		} else {
			ta_floor_kp[i].symbol_name = ta_floor_syms[i];
			ta_floor_kp[i].pre_handler = ta_floor_pre;
			err = register_kprobe(&ta_floor_kp[i]);
		}
		if (err)
			pr_err("cannot probe %s: %d\n", ta_floor_syms[i], err);
	}
	if (err)
		ta_floor_unregister(i - 1);
	return err;
}

static void __exit ta_floor_exit_module(void)
{
	int n = 0;

	while (n < ARRAY_SIZE(ta_floor_syms) && ta_floor_syms[n])
		n++;
	ta_floor_unregister(n);
}

module_init(ta_floor_init);
module_exit(ta_floor_exit_module);
MODULE_DESCRIPTION("Empty probes: the cost floor for timeaudit's make bench");
MODULE_LICENSE("GPL");
