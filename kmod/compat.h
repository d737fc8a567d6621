/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference lives here, each entry naming the
 * version that needs it. Supported: 5.10 and later (proven on Debian's
 * 5.10, 6.1, 6.12 and newer: see the admin guide).
 */
#ifndef TA_COMPAT_H
#define TA_COMPAT_H

#include <linux/kprobes.h>
#include <linux/version.h>

/*
 * 5.10 (Debian 11) is the oldest kernel built and tested here; older
 * ones are refused rather than guessed at.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "timeaudit needs Linux 5.10 or later"
#endif

#ifndef CONFIG_AUDITSYSCALL
/* struct audit_ntp_data is empty without it: no old NTP values. */
#error "timeaudit needs CONFIG_AUDITSYSCALL"
#endif

#if !defined(CONFIG_KRETPROBES)
#error "timeaudit needs CONFIG_KRETPROBES"
#endif

/*
 * The hot path keeps its big stack structs out of INIT_STACK_ALL_ZERO
 * with __uninitialized, which 5.10 stable releases before 5.10.223 lack:
 * there they are zeroed, which costs only time.
 */
#ifndef __uninitialized
#define __uninitialized
#endif

/*
 * The NTP core that fills struct audit_ntp_data under the timekeeper lock.
 * 6.17 renamed __do_adjtimex() to ntp_adjtimex() and added a timekeeper
 * id as the first argument (auxiliary clocks), moving the data pointer.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define TA_NTP_CORE_SYM		"ntp_adjtimex"
#define TA_NTP_CORE_TXC_ARG	1
#define TA_NTP_CORE_AD_ARG	4
#else
#define TA_NTP_CORE_SYM		"__do_adjtimex"
#define TA_NTP_CORE_TXC_ARG	0
#define TA_NTP_CORE_AD_ARG	3
#endif

/*
 * 6.14 passes struct module_attribute to its callbacks as const
 * ("module: Constify 'struct module_attribute'").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define TA_MODATTR_CONST	const
#else
#define TA_MODATTR_CONST
#endif

/*
 * 6.17: auxiliary clocks (CLOCK_AUX + n), when CONFIG_POSIX_AUX_CLOCKS is
 * on: aux_clock_set(), aux_clock_adj() and the sysfs enable switch.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0) && \
	defined(CONFIG_POSIX_AUX_CLOCKS)
#define TA_HAVE_AUX_CLOCKS
#define TA_AUX_SET_SYM		"aux_clock_set"
#define TA_AUX_ADJ_SYM		"aux_clock_adj"
#define TA_AUX_ENABLE_SYM	"aux_clock_enable_store"
#endif

/*
 * Until 6.13 moved them onto the shadow timekeeper ("timekeeping: Rework
 * do_settimeofday64() to use shadow_timekeeper"), do_settimeofday64()
 * and timekeeping_inject_offset() run timekeeping_update(TK_CLEAR_NTP)
 * even when they refuse the time (EINVAL: before the boot, or out of
 * range once added): the refusal drops a pending adjtime() slew and the
 * PLL's offset, sets STA_UNSYNC and disarms a leap second.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define TA_REFUSED_STEP_CLEARS_NTP	true
#else
#define TA_REFUSED_STEP_CLEARS_NTP	false
#endif

/*
 * 7.3 refuses kernel.ftrace_enabled=0 itself (EOPNOTSUPP: the switch is
 * deprecated), whatever is registered: only older kernels need a
 * permanent ftrace_ops of ours to refuse it.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(7, 3, 0)
#define TA_FTRACE_CAN_BE_TURNED_OFF
#endif

/*
 * Syscall entry points take the user's pt_regs since 4.17 on x86-64 and
 * 4.19 on arm64 (ARCH_HAS_SYSCALL_WRAPPER). Only read, never written.
 * x86-64: delete_module()'s name is in regs->di, and in regs->bx for the
 * i386 entry of CONFIG_IA32_EMULATION, which has no compat_ version of
 * its own; stime() exists only there (sys_stime32). arm64: in x0;
 * AArch32 tasks (CONFIG_COMPAT) enter the same __arm64_sys_delete_module
 * (no compat_ version either) with r0 there.
 *
 * TA_NR32_* are the 32-bit compat numbers of the calls records name.
 * arm64's asm/unistd32.h cannot be included beside asm/unistd.h (same
 * __NR_ names), so its AArch32 EABI numbers are written out; EABI has
 * no stime().
 */
#if defined(CONFIG_X86_64)
#include <asm/unistd_32_ia32.h>
#define TA_SYS_DELETE_MODULE		"__x64_sys_delete_module"
#define TA_DELETE_MODULE_NAME(uregs)	((uregs)->di)
#ifdef CONFIG_IA32_EMULATION
#define TA_IA32_SYS_DELETE_MODULE	"__ia32_sys_delete_module"
#define TA_IA32_DELETE_MODULE_NAME(uregs) ((uregs)->bx)
#ifdef CONFIG_COMPAT_32BIT_TIME
#define TA_IA32_SYS_STIME		"__ia32_sys_stime32"
#endif
#endif
#define TA_NR32_STIME			__NR_ia32_stime
#define TA_NR32_SETTIMEOFDAY		__NR_ia32_settimeofday
#define TA_NR32_ADJTIMEX		__NR_ia32_adjtimex
#define TA_NR32_CLOCK_SETTIME		__NR_ia32_clock_settime
#define TA_NR32_CLOCK_ADJTIME		__NR_ia32_clock_adjtime
#define TA_NR32_CLOCK_SETTIME64		__NR_ia32_clock_settime64
#define TA_NR32_CLOCK_ADJTIME64		__NR_ia32_clock_adjtime64
#define TA_NR32_IOCTL			__NR_ia32_ioctl
#define TA_NR32_DELETE_MODULE		__NR_ia32_delete_module
#elif defined(CONFIG_ARM64)
#define TA_SYS_DELETE_MODULE		"__arm64_sys_delete_module"
#define TA_DELETE_MODULE_NAME(uregs)	((uregs)->regs[0])
#define TA_NR32_SETTIMEOFDAY		79
#define TA_NR32_ADJTIMEX		124
#define TA_NR32_CLOCK_SETTIME		262
#define TA_NR32_CLOCK_ADJTIME		372
#define TA_NR32_CLOCK_SETTIME64		404
#define TA_NR32_CLOCK_ADJTIME64		405
#define TA_NR32_IOCTL			54
#define TA_NR32_DELETE_MODULE		129
#else
#error "timeaudit supports x86-64 and arm64 only for now"
#endif

/*
 * The caller's return address: a field of the instance until 5.18 moved
 * kretprobes onto rethook and added get_kretprobe_retaddr().
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
static nokprobe_inline unsigned long
get_kretprobe_retaddr(struct kretprobe_instance *ri)
{
	return (unsigned long)ri->ret_addr;
}
#endif

/*
 * What an ftrace_ops callback gets last: struct ftrace_regs since 5.11
 * ("ftrace: Have the callbacks receive a struct ftrace_regs instead of
 * pt_regs"), struct pt_regs before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define TA_FTRACE_REGS		struct ftrace_regs
#else
#define TA_FTRACE_REGS		struct pt_regs
#endif

/*
 * ftrace_free_filter() is exported to modules since 6.2 (and in some
 * 6.1 stable updates). Before, resetting the filter to empty frees the
 * old one just as well; only once the ops is unregistered, since an
 * empty filter means every function.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ta_ftrace_free_filter(ops)	ftrace_free_filter(ops)
#else
#define ta_ftrace_free_filter(ops)	ftrace_set_filter((ops), NULL, 0, 1)
#endif

#endif /* TA_COMPAT_H */
