// SPDX-License-Identifier: GPL-2.0
/*
 * Records are standalone (no audit context), so they never drag a SYSCALL
 * record along and need no syscall rule. The kernel's own field names come
 * first so existing TIME_INJOFFSET/TIME_ADJNTPVAL parsers keep working.
 * The kernel path is "via=", not "path=": auparse reads that as a file.
 */
#include <linux/audit.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/math64.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timex.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "compat.h"

#include "counters.h"
#include "event.h"
#include "format.h"
#include "record.h"
#include "witness.h"

static const char * const ta_class_names[] = TIMEAUDIT_CLASS_NAMES;

static const char * const ta_path_names[TA_PATH_COUNT] = {
	[TA_PATH_SETTOD]	= "settimeofday",
	[TA_PATH_ADJTIMEX]	= "adjtimex",
	[TA_PATH_WARP]		= "warp",
	[TA_PATH_RTC]		= "rtc",
	[TA_PATH_TZ]		= "settimeofday",
	[TA_PATH_PHC]		= "phc",
	[TA_PATH_AUX]		= "aux",
};

/* A task name, quoted when plain, hex like audit's own otherwise. */
static void ta_log_comm(struct audit_buffer *ab, const char *comm)
{
	const char *p;

	for (p = comm; *p; p++)
		if (*p <= ' ' || *p == '"' || *p > '~')
			break;
	if (!*p) {
		audit_log_format(ab, "\"%s\"", comm);
		return;
	}
	for (p = comm; *p; p++)
		audit_log_format(ab, "%02X", (unsigned char)*p);
}

static struct audit_buffer *ta_start(int type, gfp_t gfp)
{
	struct audit_buffer *ab;

	if (!audit_enabled)
		return NULL;
	ab = audit_log_start(NULL, gfp, type);
	/* NULL: backlog full, or an exclude rule for this type. */
	ta_count(ab ? TA_CNT_EMITTED : TA_CNT_LOST);
	if (!ab)
		ta_event_loss();	/* a summary says so soon */
	return ab;
}

/*
 * auparse interprets a syscall= number only in SYSCALL records (elsewhere
 * it shows "read" or "unknown-syscall(-1)"), so name the call ourselves.
 */
static const struct {
	int nr;
	bool compat;
	const char *name;
} ta_time_syscalls[] = {
	{ __NR_adjtimex, false, "adjtimex" },
	{ __NR_settimeofday, false, "settimeofday" },
	{ __NR_clock_settime, false, "clock_settime" },
	{ __NR_clock_adjtime, false, "clock_adjtime" },
	/* RTC_SET_TIME on /dev/rtcN (hwclock --systohc) */
	{ __NR_ioctl, false, "ioctl" },
#ifdef TA_NR32_STIME
	{ TA_NR32_STIME, true, "stime" },
#endif
	{ TA_NR32_SETTIMEOFDAY, true, "settimeofday" },
	{ TA_NR32_ADJTIMEX, true, "adjtimex" },
	{ TA_NR32_CLOCK_SETTIME, true, "clock_settime" },
	{ TA_NR32_CLOCK_ADJTIME, true, "clock_adjtime" },
	{ TA_NR32_CLOCK_SETTIME64, true, "clock_settime64" },
	{ TA_NR32_CLOCK_ADJTIME64, true, "clock_adjtime64" },
	{ TA_NR32_IOCTL, true, "ioctl" },
	{ __NR_delete_module, false, "delete_module" },
	{ TA_NR32_DELETE_MODULE, true, "delete_module" },
};

static const char *ta_syscall_name(bool compat, int nr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ta_time_syscalls); i++)
		if (ta_time_syscalls[i].nr == nr &&
		    ta_time_syscalls[i].compat == compat)
			return ta_time_syscalls[i].name;
	return NULL;
}

/*
 * Probe context: everything a record says about its caller, copied
 * without a lock (no task_lock, no d_path), so that a worker can name it
 * too. current's own cred and comm are stable enough for that.
 */
void ta_actor_get(struct ta_actor *who)
{
	struct task_struct *t = current;
	const struct cred *cred = current_cred();

	who->pid = task_tgid_nr(t);
	rcu_read_lock();
	who->ppid = task_tgid_nr(rcu_dereference(t->real_parent));
	rcu_read_unlock();
	who->uid = from_kuid(&init_user_ns, cred->uid);
	who->euid = from_kuid(&init_user_ns, cred->euid);
	who->gid = from_kgid(&init_user_ns, cred->gid);
	who->auid = from_kuid(&init_user_ns, audit_get_loginuid(t));
	who->ses = audit_get_sessionid(t);
	memcpy(who->comm, t->comm, sizeof(who->comm));
	who->comm[sizeof(who->comm) - 1] = '\0';
	who->self = false;
	who->syscall = -1;
	who->compat = false;
	who->arch = 0;
	if (in_task() && !(t->flags & PF_KTHREAD) && t->mm) {
		who->syscall = syscall_get_nr(t, task_pt_regs(t));
		who->compat = in_compat_syscall();
		who->arch = syscall_get_arch(t);
	}
}
NOKPROBE_SYMBOL(ta_actor_get);

/* Who did it: the syscall that got here, or the kernel function. */
static void ta_log_entry(struct audit_buffer *ab, const struct ta_actor *who,
			 unsigned long caller)
{
	const char *name;
	char sym[64];
	char *p;

	if (who->syscall >= 0) {
		name = ta_syscall_name(who->compat, who->syscall);
		if (name)
			audit_log_format(ab, " entry=%s", name);
		else
			audit_log_format(ab, " entry=syscall_%d", who->syscall);
		audit_log_format(ab, " arch=%x", who->arch);
		return;
	}
	/* %ps may append " [module]": keep the field one token. */
	scnprintf(sym, sizeof(sym), "%ps", (void *)caller);
	for (p = sym; *p; p++)
		if (*p == ' ')
			*p = ':';
	audit_log_format(ab, " entry=kernel caller=%s", sym);
}

/*
 * The caller, named by the kernel when the record is written in its own
 * context; else from the snapshot, with the same field names.
 */
static void ta_log_who(struct audit_buffer *ab, const struct ta_actor *who)
{
	if (who->self) {
		audit_log_task_info(ab);
		return;
	}
	audit_log_format(ab,
			 " ppid=%d pid=%d auid=%u uid=%u gid=%u euid=%u ses=%u comm=",
			 who->ppid, who->pid, who->auid, who->uid, who->gid,
			 who->euid, who->ses);
	ta_log_comm(ab, who->comm);
}

/*
 * Clock records say res=success|failed, as asked of them; CONFIG_CHANGE
 * keeps the kernel's res=1|0, which ausearch -sv and aureport parse.
 */
static void ta_log_key(struct audit_buffer *ab, const struct ta_config *cfg)
{
	if (cfg->key[0])
		audit_log_format(ab, " key=\"%s\"", cfg->key);
	else
		audit_log_format(ab, " key=(null)");
}

static void ta_log_tail(struct audit_buffer *ab, const struct ta_config *cfg,
			int err, bool res_numeric)
{
	audit_log_task_info(ab);
	ta_log_key(ab, cfg);
	if (res_numeric)
		audit_log_format(ab, " res=%d", err >= 0);
	else
		audit_log_format(ab, " res=%s", err < 0 ? "failed" : "success");
	if (err < 0)
		audit_log_format(ab, " exit=%d", err);
}

/* The end of a clock record: who, key, result; then it is written. */
static void ta_log_end(struct audit_buffer *ab, const struct ta_actor *who,
		       unsigned long caller, const struct ta_config *cfg,
		       int err)
{
	ta_log_entry(ab, who, caller);
	ta_log_who(ab, who);
	ta_log_key(ab, cfg);
	audit_log_format(ab, " res=%s", err < 0 ? "failed" : "success");
	if (err < 0)
		audit_log_format(ab, " exit=%d", err);
	audit_log_end(ab);
}

/*
 * Values written by a user are untrusted: quote them when they are plain,
 * hex-encode them otherwise, as the audit subsystem does.
 */
static void ta_log_value(struct audit_buffer *ab, const char *field,
			 const char *val, bool sysfs)
{
	size_t len = strnlen(val, 64);
	size_t i;

	/* A sysfs write may end in one newline; a file name keeps it. */
	if (sysfs && len && val[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (!isalnum(val[i]) && !strchr("._:,|-", val[i]))
			break;
	if (i == len) {
		audit_log_format(ab, " %s=\"%.*s\"", field, (int)len, val);
		return;
	}
	audit_log_format(ab, " %s=", field);
	for (i = 0; i < len; i++)
		audit_log_format(ab, "%02X", (unsigned char)val[i]);
}

static void ta_record_step(const struct ta_event *ev,
			   const struct ta_value *v, const struct ta_actor *who,
			   const struct ta_config *cfg, bool denied)
{
	struct timespec64 d = ns_to_timespec64(ev->step_ns);
	char before[TA_NUM_BUF], after[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	if (!ab) {
		/* Refused by audit: no longer explained, the witness tells it. */
		if (!denied)
			ta_witness_explain(-ev->step_ns);
		return;
	}
	ta_format_time(before, sizeof(before), ev->real_before_ns);
	ta_format_time(after, sizeof(after),
		       ta_add_sat(ev->real_before_ns, ev->step_ns));
	audit_log_format(ab,
			 "sec=%lld nsec=%ld delta_ns=%lld old_time=%s new_time=%s threshold_ns=%llu class=%s via=%s",
			 (long long)d.tv_sec, d.tv_nsec, ev->step_ns,
			 before, after, v->threshold,
			 denied ? "denied" : "step", ta_path_names[ev->path]);
	if (ev->modes)
		audit_log_format(ab, " modes=0x%x", ev->modes);
	/* Another step may be in delta_ns, or this one partly outside it. */
	if (ev->concurrent)
		audit_log_format(ab, " concurrent=1");
	/* It cleared an NTP state that mattered: see struct ta_event. */
	if (ev->ntp_cleared)
		audit_log_format(ab, " ntp_cleared=1");
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

/*
 * The raw values of @ev, and @val as the policy converted and judged them,
 * as item @item of the system clock (an aux clock's: ta_aux_ntp_item()).
 * An aux clock's op is prefixed "aux_" and its class is in its tail.
 */
static void ta_log_ntp_values(struct audit_buffer *ab, enum ta_item item,
			      const struct ta_event *ev,
			      const struct ta_value *val, bool aux)
{
	char a[TA_FLAGS_BUF], b[TA_FLAGS_BUF], c[TA_NUM_BUF];
	const char *op = aux ? "aux_" : "";
	const struct ta_ntp_val *v;

	switch (item) {
	case TA_ITEM_OFFSET:
		v = &ev->ntp[TA_NTP_OFFSET];
		audit_log_format(ab,
				 "op=%soffset old=%lld new=%lld old_ns=%lld new_ns=%lld threshold_ns=%llu",
				 op, v->old, v->new, val->old, val->new,
				 val->threshold);
		break;
	case TA_ITEM_ADJUST:
		v = &ev->ntp[TA_NTP_ADJUST];
		audit_log_format(ab,
				 "op=%sadjust old=%lld new=%lld old_ns=%lld new_ns=%lld threshold_ns=%llu",
				 op, v->old, v->new, val->old, val->new,
				 val->threshold);
		break;
	case TA_ITEM_FREQ:
		v = &ev->ntp[TA_NTP_FREQ];
		ta_format_ppm(a, sizeof(a), val->old);
		ta_format_ppm(b, sizeof(b), val->new);
		ta_format_ppm(c, sizeof(c), val->new - val->old);
		audit_log_format(ab,
				 "op=%sfreq old=%lld new=%lld old_ppm=%s new_ppm=%s delta_ppm=%s threshold_ppb=%llu%s",
				 op, v->old, v->new, a, b, c, val->threshold,
				 ev->modes & ADJ_FREQUENCY ? "" : " source=pll");
		break;
	case TA_ITEM_STATUS:
		v = &ev->ntp[TA_NTP_STATUS];
		ta_format_status(a, sizeof(a), v->old);
		ta_format_status(b, sizeof(b), v->new);
		audit_log_format(ab,
				 "op=%sstatus old=%lld new=%lld old_flags=%s new_flags=%s",
				 op, v->old, v->new, a, b);
		ta_format_status(a, sizeof(a), v->old ^ v->new);
		audit_log_format(ab, " changed=%s mask=0x%04llx",
				 a, val->threshold);
		break;
	case TA_ITEM_TAI:
		v = &ev->ntp[TA_NTP_TAI];
		audit_log_format(ab,
				 "op=%stai old=%lld new=%lld delta_s=%lld threshold_s=%llu",
				 op, v->old, v->new, val->new - val->old,
				 val->threshold);
		break;
	case TA_ITEM_TICK:
		v = &ev->ntp[TA_NTP_TICK];
		audit_log_format(ab,
				 "op=%stick old=%lld new=%lld delta_us=%lld threshold_us=%llu",
				 op, v->old, v->new, val->new - val->old,
				 val->threshold);
		break;
	default:	/* TA_ITEM_DENIED: nothing changed, so nothing to show */
		audit_log_format(ab, "op=denied old=0 new=0");
		break;
	}
	if (!aux)
		audit_log_format(ab, " class=%s",
				 ta_class_names[ta_item_class(item)]);
}

static void ta_record_ntp(const struct ta_event *ev,
			  const struct ta_value *val, const struct ta_actor *who,
			  enum ta_item item, const struct ta_config *cfg)
{
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);
	if (!ab)
		return;
	ta_log_ntp_values(ab, item, ev, val, false);
	audit_log_format(ab, " via=%s modes=0x%x", ta_path_names[ev->path],
			 ev->modes);
	if (ev->result >= 0)
		audit_log_format(ab, " state=%s", ta_state_name(ev->result));
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

static void ta_record_rtc(const struct ta_event *ev,
			  const struct ta_value *v, const struct ta_actor *who,
			  const struct ta_config *cfg)
{
	s64 base = ev->rtc.old_known ? ev->rtc.old_ns : ev->real_before_ns;
	struct timespec64 d = ns_to_timespec64(ta_sub_sat(ev->rtc.new_ns, base));
	char old[TA_NUM_BUF], new[TA_NUM_BUF], sys[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	if (!ab)
		return;
	if (ev->rtc.old_known)
		ta_format_time(old, sizeof(old), ev->rtc.old_ns);
	else
		strscpy(old, "unknown", sizeof(old));
	ta_format_time(new, sizeof(new), ev->rtc.new_ns);
	ta_format_time(sys, sizeof(sys), ev->real_before_ns);
	/* sec/nsec: the change of the RTC, or its offset if the old is unknown */
	audit_log_format(ab,
			 "sec=%lld nsec=%ld rtc=rtc%d old_rtc=%s new_rtc=%s sys_time=%s offset_ns=%lld threshold_ns=%llu class=rtc via=rtc",
			 (long long)d.tv_sec, d.tv_nsec, ev->rtc.id, old, new,
			 sys, ta_sub_sat(ev->rtc.new_ns, ev->real_before_ns),
			 v->threshold);
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

static void ta_record_tz(const struct ta_event *ev,
			 const struct ta_actor *who,
			 const struct ta_config *cfg)
{
	struct audit_buffer *ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);

	if (!ab)
		return;
	audit_log_format(ab,
			 "op=tz old=%d new=%d old_dsttime=%d new_dsttime=%d class=tz via=settimeofday",
			 ev->tz.old_minuteswest, ev->tz.new_minuteswest,
			 ev->tz.old_dsttime, ev->tz.new_dsttime);
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

/* The end of every PTP clock record: which clock, how, who, the result. */
static void ta_log_phc_tail(struct audit_buffer *ab, const struct ta_event *ev,
			    const struct ta_actor *who,
			    const struct ta_config *cfg, bool denied)
{
	audit_log_format(ab, " class=%s via=phc", denied ? "denied" : "ptp");
	ta_log_value(ab, "clock", ev->phc.name, false);
	if (ev->modes)
		audit_log_format(ab, " modes=0x%x", ev->modes);
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

/*
 * A PTP clock set, as TIME_INJOFFSET: sec/nsec are how far from the
 * system clock it was set (its old time is not known); or stepped: the
 * step. A refused attempt shows what it asked for, with res=failed.
 */
static void ta_record_phc_step(const struct ta_event *ev,
			       const struct ta_value *v,
			       const struct ta_actor *who,
			       const struct ta_config *cfg, bool denied)
{
	char new[TA_NUM_BUF], sys[TA_NUM_BUF];
	struct audit_buffer *ab;
	struct timespec64 d;
	s64 ns;

	ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	if (!ab)
		return;
	if (ev->phc.settime) {
		ns = ta_sub_sat(ev->phc.new_ns, ev->real_before_ns);
		d = ns_to_timespec64(ns);
		ta_format_time(new, sizeof(new), ev->phc.new_ns);
		ta_format_time(sys, sizeof(sys), ev->real_before_ns);
		audit_log_format(ab,
				 "sec=%lld nsec=%ld op=phc_settime new_phc=%s sys_time=%s offset_ns=%lld",
				 (long long)d.tv_sec, d.tv_nsec, new, sys, ns);
	} else {
		ns = ev->phc.offset_ns;
		d = ns_to_timespec64(ns);
		audit_log_format(ab,
				 "sec=%lld nsec=%ld op=phc_step delta_ns=%lld threshold_ns=%llu",
				 (long long)d.tv_sec, d.tv_nsec, ns, v->threshold);
	}
	ta_log_phc_tail(ab, ev, who, cfg, denied);
}

/*
 * A PTP clock's new frequency, as TIME_ADJNTPVAL: old/new in the timex
 * unit (ppm << 16), then in ppm. "unknown" if no read or write of this
 * clock was seen since the module was loaded.
 */
static void ta_record_phc_freq(const struct ta_event *ev,
			       const struct ta_value *v,
			       const struct ta_actor *who,
			       const struct ta_config *cfg, bool denied)
{
	char old[TA_NUM_BUF], new[TA_NUM_BUF], delta[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);
	if (!ab)
		return;
	if (denied && !(ev->modes & ADJ_FREQUENCY)) {
		/* Refused before it was read: only the modes tell what. */
		audit_log_format(ab, "op=denied old=0 new=0");
		ta_log_phc_tail(ab, ev, who, cfg, denied);
		return;
	}
	ta_format_ppm(new, sizeof(new), v->new);
	if (ev->phc.old_known) {
		audit_log_format(ab, "op=phc_freq old=%lld new=%lld",
				 ev->phc.old_freq, ev->phc.new_freq);
		ta_format_ppm(old, sizeof(old), v->old);
		ta_format_ppm(delta, sizeof(delta), v->new - v->old);
	} else {
		audit_log_format(ab, "op=phc_freq old=unknown new=%lld",
				 ev->phc.new_freq);
		strscpy(old, "unknown", sizeof(old));
		strscpy(delta, "unknown", sizeof(delta));
	}
	audit_log_format(ab,
			 " old_ppm=%s new_ppm=%s delta_ppm=%s threshold_ppb=%llu",
			 old, new, delta, v->threshold);
	ta_log_phc_tail(ab, ev, who, cfg, denied);
}

/* The end of every aux clock record: which clock, how, who, the result. */
static void ta_log_aux_tail(struct audit_buffer *ab, const struct ta_event *ev,
			    const struct ta_actor *who,
			    const struct ta_config *cfg, bool denied)
{
	audit_log_format(ab, " class=%s via=aux clock=aux%d",
			 denied ? "denied" : "aux", ev->aux.id);
	if (ev->modes)
		audit_log_format(ab, " modes=0x%x", ev->modes);
	/* 6.17 to 7.2 set an aux clock without asking for CAP_SYS_TIME. */
	audit_log_format(ab, " cap_sys_time=%d", ev->aux.may_set_time);
	ta_log_end(ab, who, ev->caller, cfg, ev->result);
}

/*
 * An aux clock set (clock_settime) or stepped (ADJ_SETOFFSET), as
 * TIME_INJOFFSET: sec/nsec and delta_ns are the step, measured for a
 * set, as asked for a step. A refused attempt is a step of zero.
 */
static void ta_record_aux_step(const struct ta_event *ev,
			       const struct ta_value *v,
			       const struct ta_actor *who,
			       const struct ta_config *cfg, bool denied)
{
	struct timespec64 d = ns_to_timespec64(ev->aux.step_ns);
	char old[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	if (!ab)
		return;
	audit_log_format(ab, "sec=%lld nsec=%ld delta_ns=%lld",
			 (long long)d.tv_sec, d.tv_nsec, ev->aux.step_ns);
	if (ev->aux.op == TA_AUX_SET) {
		if (ev->aux.old_known)
			snprintf(old, sizeof(old), "%lld", ev->aux.old_ns);
		else
			strscpy(old, "unknown", sizeof(old));
		audit_log_format(ab, " op=aux_settime old_ns=%s new_ns=%lld",
				 old, ev->aux.new_ns);
	} else {
		audit_log_format(ab, " op=aux_step");
	}
	audit_log_format(ab, " threshold_ns=%llu", v->threshold);
	ta_log_aux_tail(ab, ev, who, cfg, denied);
}

/* The system clock's item an aux clock's NTP item is printed as. */
static enum ta_item ta_aux_ntp_item(const struct ta_event *ev,
				    enum ta_item item)
{
	switch (item) {
	case TA_ITEM_AUX_SLEW:	/* adjtime() or the PLL, never both */
		return ev->ntp_valid & BIT(TA_NTP_ADJUST) ? TA_ITEM_ADJUST :
							    TA_ITEM_OFFSET;
	case TA_ITEM_AUX_FREQ:
		return TA_ITEM_FREQ;
	case TA_ITEM_AUX_STATUS:
		return TA_ITEM_STATUS;
	case TA_ITEM_AUX_TICK:
		return TA_ITEM_TICK;
	default:
		return TA_ITEM_DENIED;
	}
}

/*
 * An aux clock's NTP value, as TIME_ADJNTPVAL: old/new as its NTP core
 * keeps them, then converted, as the system clock's (op=aux_freq...).
 */
static void ta_record_aux_ntp(const struct ta_event *ev,
			      const struct ta_value *v,
			      const struct ta_actor *who, enum ta_item item,
			      const struct ta_config *cfg, bool denied)
{
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);
	if (!ab)
		return;
	ta_log_ntp_values(ab, denied ? TA_ITEM_DENIED :
			  ta_aux_ntp_item(ev, item), ev, v, true);
	ta_log_aux_tail(ab, ev, who, cfg, denied);
}

/* An aux clock enabled or disabled (or a refused attempt), 0 or 1. */
static void ta_record_aux_state(const struct ta_event *ev,
				const struct ta_actor *who,
				const struct ta_config *cfg, bool denied)
{
	struct audit_buffer *ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);

	if (!ab)
		return;
	audit_log_format(ab, "op=%s old=%d new=%d",
			 ev->aux.new_on ? "aux_enable" : "aux_disable",
			 ev->aux.old_on, ev->aux.new_on);
	ta_log_aux_tail(ab, ev, who, cfg, denied);
}

/* A refusal shows a step or a frequency of zero, and today's threshold. */
static void ta_record_aux_denied(const struct ta_event *ev,
				 const struct ta_value *step,
				 const struct ta_actor *who,
				 const struct ta_config *cfg)
{
	if (ev->aux.op == TA_AUX_ENABLE)
		ta_record_aux_state(ev, who, cfg, true);
	else if (ev->aux.op == TA_AUX_ADJ && !(ev->modes & ADJ_SETOFFSET))
		ta_record_aux_ntp(ev, NULL, who, TA_ITEM_DENIED, cfg, true);
	else
		ta_record_aux_step(ev, step, who, cfg, true);
}

static void ta_record_denied(const struct ta_event *ev,
			     const struct ta_actor *who,
			     const struct ta_config *cfg)
{
	const struct ta_value step = {
		.threshold = cfg->threshold[TIMEAUDIT_CLASS_STEP],
	};
	const struct ta_value freq = {
		.threshold = cfg->threshold[TIMEAUDIT_CLASS_FREQ],
	};

	if (ev->path == TA_PATH_AUX)
		ta_record_aux_denied(ev, &step, who, cfg);
	else if (ev->path == TA_PATH_PHC && !ev->phc.settime &&
		 !(ev->modes & ADJ_SETOFFSET))
		ta_record_phc_freq(ev, &freq, who, cfg, true);
	else if (ev->path == TA_PATH_PHC)
		ta_record_phc_step(ev, &step, who, cfg, true);
	else if (ev->path != TA_PATH_ADJTIMEX || (ev->modes & ADJ_SETOFFSET))
		ta_record_step(ev, &step, who, cfg, true);
	else
		ta_record_ntp(ev, NULL, who, TA_ITEM_DENIED, cfg);
}

/*
 * In task context: the records @emit asks for, each with the values
 * @d judged it on.
 */
void ta_record_event(const struct ta_event *ev, const struct ta_decision *d,
		     u32 emit, const struct ta_actor *who,
		     const struct ta_config *cfg)
{
	const struct ta_value *v = d->val;
	int item;

	if (emit & BIT(TA_ITEM_DENIED)) {
		ta_record_denied(ev, who, cfg);
		return;
	}
	if (emit & BIT(TA_ITEM_RTC))
		ta_record_rtc(ev, &v[TA_ITEM_RTC], who, cfg);
	if (emit & BIT(TA_ITEM_TZ))
		ta_record_tz(ev, who, cfg);
	if (emit & BIT(TA_ITEM_PHC_STEP))
		ta_record_phc_step(ev, &v[TA_ITEM_PHC_STEP], who, cfg, false);
	if (emit & BIT(TA_ITEM_PHC_FREQ))
		ta_record_phc_freq(ev, &v[TA_ITEM_PHC_FREQ], who, cfg, false);
	if (emit & BIT(TA_ITEM_AUX_STATE))
		ta_record_aux_state(ev, who, cfg, false);
	if (emit & BIT(TA_ITEM_AUX_STEP))
		ta_record_aux_step(ev, &v[TA_ITEM_AUX_STEP], who, cfg, false);
	for (item = TA_ITEM_AUX_FREQ; item < TA_ITEM_COUNT; item++)
		if (item != TA_ITEM_AUX_STATE && (emit & BIT(item)))
			ta_record_aux_ntp(ev, &v[item], who, item, cfg, false);
	if (emit & BIT(TA_ITEM_STEP))
		ta_record_step(ev, &v[TA_ITEM_STEP], who, cfg, false);
	for (item = TA_ITEM_OFFSET; item < TA_ITEM_DENIED; item++)
		if (emit & BIT(item))
			ta_record_ntp(ev, &v[item], who, item, cfg);
}

/*
 * Small changes that added up: the net over the window, as a step of the
 * clock (TIME_INJOFFSET) or a change of frequency (TIME_ADJNTPVAL); or
 * how far the frequency moved from the one last on record (source=pll).
 */
void ta_record_drift(const struct ta_event *ev, const struct ta_decision *dec,
		     const struct ta_drift_result *res, enum ta_drift_kind kind,
		     const struct ta_actor *who, const struct ta_config *cfg)
{
	struct timespec64 d = ns_to_timespec64(res->net);
	char a[TA_NUM_BUF], b[TA_NUM_BUF], c[TA_NUM_BUF];
	struct audit_buffer *ab;
	s64 now_ppb;

	ab = ta_start(kind == TA_DRIFT_TIME ? AUDIT_TIME_INJOFFSET :
		      AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);
	if (!ab)
		return;
	if (kind != TA_DRIFT_TIME) {
		now_ppb = dec->val[TA_ITEM_FREQ].new;
		ta_format_ppm(a, sizeof(a), now_ppb - res->net);
		ta_format_ppm(b, sizeof(b), now_ppb);
		ta_format_ppm(c, sizeof(c), res->net);
		audit_log_format(ab,
				 "op=freq old=%lld new=%lld old_ppm=%s new_ppm=%s delta_ppm=%s events=%u",
				 ta_sub_sat(ev->ntp[TA_NTP_FREQ].new,
					    ta_mul_sat(res->net, 1LL << 32)),
				 ev->ntp[TA_NTP_FREQ].new, a, b, c, res->count);
		/* The PLL's excursion counts from the last record, not a window. */
		if (kind == TA_DRIFT_PLL)
			audit_log_format(ab, " budget_ppb=%llu source=pll",
					 cfg->pll_threshold_ppb);
		else
			audit_log_format(ab, " window_s=%llu budget_ppb=%llu",
					 cfg->freq_drift_window_s,
					 cfg->freq_drift_budget_ppb);
		audit_log_format(ab, " class=drift via=%s",
				 ta_path_names[ev->path]);
	} else {
		audit_log_format(ab,
				 "sec=%lld nsec=%ld delta_ns=%lld events=%u window_s=%llu budget_ns=%llu class=drift via=%s",
				 (long long)d.tv_sec, d.tv_nsec, res->net,
				 res->count, cfg->drift_window_s,
				 cfg->drift_budget_ns, ta_path_names[ev->path]);
	}
	ta_log_end(ab, who, ev->caller, cfg, 0);
}

/*
 * One class's share of a summary: how many, how much, the largest, who.
 * Returns 1 if the record was lost (counted in records_lost), else 0.
 */
static int ta_record_held(const struct ta_summary *sum, int class,
			  const struct ta_config *cfg)
{
	const struct ta_held *h = class < 0 ? NULL : &sum->cls[class];
	struct timespec64 d = ns_to_timespec64(h ? h->net_ns : 0);
	char first[TA_NUM_BUF], when[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	if (!ab)
		return audit_enabled ? 1 : 0;
	audit_log_format(ab, "sec=%lld nsec=%ld delta_ns=%lld class=ratelimit",
			 (long long)d.tv_sec, d.tv_nsec, h ? h->net_ns : 0);
	if (h) {
		ta_format_time(first, sizeof(first), sum->first_ns);
		ta_format_time(when, sizeof(when), h->max_time_ns);
		audit_log_format(ab,
				 " held_class=%s suppressed=%llu sum_abs=%llu max_abs=%llu unit=%s max_time=%s since=%s",
				 ta_class_names[class], h->count, h->sum_abs,
				 h->max_abs, ta_rate_unit(class), when, first);
	} else {
		audit_log_format(ab, " held_class=none suppressed=0");
	}
	audit_log_format(ab, " rate_limit=%llu lost=%llu missed=%llu",
			 cfg->rate_limit, sum->lost, sum->missed);
	if (h) {
		audit_log_format(ab,
				 " max_pid=%d max_auid=%u max_uid=%u max_ses=%u max_comm=",
				 h->max_who.pid, h->max_who.auid,
				 h->max_who.uid, h->max_who.ses);
		ta_log_comm(ab, h->max_who.comm);
	}
	ta_log_key(ab, cfg);
	audit_log_format(ab, " res=success");
	audit_log_end(ab);
	return 0;
}

/*
 * Written by a worker, so the identity fields would name the worker: the
 * task with the largest change of each class is named in max_* fields.
 * One record per class held back; one with held_class=none when only
 * losses are new. Returns how many of its records were lost.
 */
int ta_record_summary(const struct ta_summary *sum,
		      const struct ta_config *cfg)
{
	bool any = false;
	int class, lost = 0;

	for (class = 0; class < TIMEAUDIT_CLASS_COUNT; class++) {
		if (!sum->cls[class].count)
			continue;
		lost += ta_record_held(sum, class, cfg);
		any = true;
	}
	if (!any)
		lost += ta_record_held(sum, -1, cfg);
	return lost;
}

void ta_record_config(const char *op, const char *param, const char *old_val,
		      const char *new_val, int err, const struct ta_config *cfg,
		      gfp_t gfp)
{
	struct audit_buffer *ab = ta_start(AUDIT_CONFIG_CHANGE, gfp);

	if (!ab)
		return;
	audit_log_format(ab, "op=%s module=%s param=%s", op, TIMEAUDIT_NAME,
			 param);
	if (old_val)
		ta_log_value(ab, "old", old_val, true);
	ta_log_value(ab, "new", new_val, true);
	ta_log_tail(ab, cfg, err, true);
	audit_log_end(ab);
}

void ta_record_load(const struct ta_config *cfg)
{
	struct audit_buffer *ab = ta_start(AUDIT_CONFIG_CHANGE, GFP_KERNEL);
	char classes[TA_FLAGS_BUF];
	static const struct { const char *name; int class; } thr[] = {
		{ TIMEAUDIT_PARAM_STEP, TIMEAUDIT_CLASS_STEP },
		{ TIMEAUDIT_PARAM_SLEW, TIMEAUDIT_CLASS_SLEW },
		{ TIMEAUDIT_PARAM_FREQ, TIMEAUDIT_CLASS_FREQ },
		{ TIMEAUDIT_PARAM_TICK, TIMEAUDIT_CLASS_TICK },
		{ TIMEAUDIT_PARAM_TAI, TIMEAUDIT_CLASS_TAI },
		{ TIMEAUDIT_PARAM_RTC, TIMEAUDIT_CLASS_RTC },
	};
	int i;

	if (!ab)
		return;
	audit_log_format(ab, "op=%s module=%s version=%s", TIMEAUDIT_OP_LOAD,
			 TIMEAUDIT_NAME, TIMEAUDIT_VERSION);
	for (i = 0; i < ARRAY_SIZE(thr); i++)
		audit_log_format(ab, " %s=%llu", thr[i].name,
				 cfg->threshold[thr[i].class]);
	ta_format_classes(classes, sizeof(classes), cfg->classes);
	audit_log_format(ab,
			 " %s=0x%04x %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu %s=%s %s=%d",
			 TIMEAUDIT_PARAM_STATUS, cfg->status_mask,
			 TIMEAUDIT_PARAM_DRIFT_WINDOW, cfg->drift_window_s,
			 TIMEAUDIT_PARAM_DRIFT_BUDGET, cfg->drift_budget_ns,
			 TIMEAUDIT_PARAM_FDRIFT_WINDOW, cfg->freq_drift_window_s,
			 TIMEAUDIT_PARAM_FDRIFT_BUDGET, cfg->freq_drift_budget_ppb,
			 TIMEAUDIT_PARAM_PLL, cfg->pll_threshold_ppb,
			 TIMEAUDIT_PARAM_RATE, cfg->rate_limit,
			 TIMEAUDIT_PARAM_RATE_EXEMPT, cfg->ratelimit_exempt_ns,
			 TIMEAUDIT_PARAM_CLASSES, classes,
			 TIMEAUDIT_PARAM_LOCKED, cfg->locked);
	ta_log_tail(ab, cfg, 0, true);
	audit_log_end(ab);
}

/* In the caller's own task: rmmod's exit, or a refusal's task_work. */
void ta_record_unload(const struct ta_unload *u, const struct ta_config *cfg,
		      gfp_t gfp)
{
	struct audit_buffer *ab = ta_start(AUDIT_CONFIG_CHANGE, gfp);
	const char *name;
	int nr;

	if (!ab)
		return;
	audit_log_format(ab,
			 "op=%s module=%s version=%s locked=%d forced=%d suppressed=%llu",
			 TIMEAUDIT_OP_UNLOAD, TIMEAUDIT_NAME, TIMEAUDIT_VERSION,
			 u->locked, u->forced, u->suppressed);
	/* A user task in delete_module(), native or 32-bit: name the entry. */
	nr = syscall_get_nr(current, task_pt_regs(current));
	name = ta_syscall_name(in_compat_syscall(), nr);
	if (name)
		audit_log_format(ab, " entry=%s", name);
	else
		audit_log_format(ab, " entry=syscall_%d", nr);
	audit_log_format(ab, " arch=%x", syscall_get_arch(current));
	ta_log_tail(ab, cfg, u->err, true);
	audit_log_end(ab);
}

/*
 * The witness, the canary and the heartbeat write from their worker
 * (task context). No task did what they report: no identity fields.
 */
static void ta_log_untasked_tail(struct audit_buffer *ab,
				 const struct ta_config *cfg)
{
	ta_log_key(ab, cfg);
	audit_log_format(ab, " res=success");
	audit_log_end(ab);
}

/* A change of the clock no probe reported, and where it was first seen. */
void ta_record_witness(const struct ta_witness_rec *w,
		       const struct ta_config *cfg)
{
	struct audit_buffer *ab = ta_start(AUDIT_TIME_INJOFFSET, GFP_KERNEL);
	struct timespec64 d = ns_to_timespec64(w->delta_ns);
	char from[TA_NUM_BUF], to[TA_NUM_BUF];

	if (!ab)
		return;
	ta_format_time(from, sizeof(from), w->start_real_ns);
	ta_format_time(to, sizeof(to), w->end_real_ns);
	audit_log_format(ab,
			 "sec=%lld nsec=%ld delta_ns=%lld threshold_ns=%llu class=%s window_start=%s window_end=%s window_ms=%llu probes=%s",
			 (long long)d.tv_sec, d.tv_nsec, w->delta_ns,
			 cfg->threshold[TIMEAUDIT_CLASS_STEP],
			 TIMEAUDIT_CLASS_WITNESS, from, to, w->window_ms,
			 w->blind ? "blind" : "armed");
	ta_log_untasked_tail(ab, cfg);
}

/*
 * The probes stopped firing: a state (TIME_ADJNTPVAL). They fire again:
 * how long they did not and how far the clock was stepped meanwhile
 * (TIME_INJOFFSET).
 */
void ta_record_blind(const struct ta_blind_rec *b, bool end,
		     const struct ta_config *cfg)
{
	struct timespec64 d = ns_to_timespec64(b->delta_ns);
	char since[TA_NUM_BUF], until[TA_NUM_BUF];
	struct audit_buffer *ab;

	ab = ta_start(end ? AUDIT_TIME_INJOFFSET : AUDIT_TIME_ADJNTPVAL,
		      GFP_KERNEL);
	if (!ab)
		return;
	ta_format_time(since, sizeof(since), b->since_real_ns);
	ta_format_time(until, sizeof(until), b->until_real_ns);
	if (end)
		audit_log_format(ab,
				 "sec=%lld nsec=%ld delta_ns=%lld unexplained_ns=%lld witness_records=%llu op=rearmed class=%s probes=armed since=%s until=%s blind_ms=%llu",
				 (long long)d.tv_sec, d.tv_nsec, b->delta_ns,
				 b->unexplained_ns, b->witness_records,
				 TIMEAUDIT_CLASS_BLIND, since, until,
				 b->blind_ms);
	else
		audit_log_format(ab,
				 "op=blind class=%s probes=blind since=%s detected=%s",
				 TIMEAUDIT_CLASS_BLIND, since, until);
	ta_log_untasked_tail(ab, cfg);
}

void ta_record_heartbeat(const struct ta_heartbeat_rec *h,
			 const struct ta_config *cfg)
{
	static const char * const names[] = TIMEAUDIT_CLASS_NAMES;
	struct audit_buffer *ab = ta_start(AUDIT_TIME_ADJNTPVAL, GFP_KERNEL);
	char flags[TA_FLAGS_BUF];
	int i;

	if (!ab)
		return;
	audit_log_format(ab,
			 "op=heartbeat class=%s seq=%llu period_ms=%llu version=%s probes=%s witness_records=%llu blind_records=%llu",
			 TIMEAUDIT_CLASS_HEARTBEAT, h->seq, h->period_ms,
			 TIMEAUDIT_VERSION, h->armed ? "armed" : "blind",
			 h->witness_records, h->blind_records);
	for (i = 0; i < TIMEAUDIT_CLASS_COUNT; i++)
		audit_log_format(ab, " %s%s=%llu", TIMEAUDIT_CNT_EVENTS_PREFIX,
				 names[i], h->events[i]);
	audit_log_format(ab, " %s=%llu %s=%llu %s=%llu %s=%llu",
			 TIMEAUDIT_CNT_SUPPRESSED, h->suppressed,
			 TIMEAUDIT_CNT_RATELIMITED, h->ratelimited,
			 TIMEAUDIT_CNT_LOST, h->lost,
			 TIMEAUDIT_CNT_MISSED, h->missed);
	if (h->sync.seen) {
		ta_format_status(flags, sizeof(flags), h->sync.status);
		audit_log_format(ab,
				 " ntp_status=0x%04x ntp_flags=%s unsync=%d maxerror_us=%ld esterror_us=%ld",
				 h->sync.status, flags,
				 !!(h->sync.status & STA_UNSYNC),
				 h->sync.maxerror, h->sync.esterror);
	} else {
		/* No successful adjtimex() write seen since load. */
		audit_log_format(ab,
				 " ntp_status=unknown ntp_flags=unknown unsync=unknown maxerror_us=unknown esterror_us=unknown");
	}
	ta_log_untasked_tail(ab, cfg);
}
