/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the timeaudit selftests: run commands, load the
 * module, and find records in auditd's log with ausearch.
 */
#ifndef TA_LIB_H
#define TA_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/timeaudit.h>

#define TA_AUDIT_LOG	"/var/log/audit/audit.log"
#define TA_SYSFS	"/sys/module/timeaudit"
#define TA_REC_MAX	4096

/* Run a shell command; returns its exit status, or -1. */
int ta_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fork, optionally set a login uid, exec argv; returns the child's pid. */
pid_t ta_spawn(const char *const argv[], int loginuid, int *status);

int ta_module_load(const char *params);
int ta_module_unload(void);
int ta_module_loaded(void);
int ta_module_listed(void);	/* in /proc/modules */

int ta_read_file(const char *path, char *buf, size_t len);
int ta_write_file(const char *path, const char *val);	/* 0 or -errno */
int ta_param_read(const char *name, char *buf, size_t len);
int ta_param_write(const char *name, const char *val);	/* 0 or -errno */
unsigned long long ta_counter(const char *name);
long long ta_mono_ms(void);		/* CLOCK_MONOTONIC, ms */

/*
 * Size of the audit log once every record sent so far is in it: records
 * after this offset are "new". Needs audit enabled and auditd running.
 */
long ta_log_mark(void);

/*
 * Count the records of @type (an ausearch -m name) written after @since
 * that contain every string of the NULL-terminated @needles; copy the
 * first one into @first. Waits for auditd to write everything first.
 */
int ta_search(long since, const char *type, const char *const *needles,
	      char *first, size_t len);

/*
 * Like ta_search, with any ausearch selection in @args ("-m TYPE",
 * "-k KEY"...): count the matching records and copy the first @max of
 * them, in log order, into @recs.
 */
int ta_ausearch(long since, const char *args, const char *const *needles,
		char (*recs)[TA_REC_MAX], int max);

/* Copy the value of field @name of a raw record; 0 if found. */
int ta_field(const char *rec, const char *name, char *buf, size_t len);
long long ta_field_ll(const char *rec, const char *name);

/* Whether @text is exactly one valid JSON value (RFC 8259). */
int ta_json_valid(const char *text);

/*
 * The NTP core that kmod/compat.h probes on the running kernel:
 * __do_adjtimex, renamed ntp_adjtimex in 6.17.
 */
const char *ta_ntp_core_sym(void);

/*
 * struct old_timex32 of include/linux/time32.h: what the i386 adjtimex()
 * and clock_adjtime() take (the tests call them with int $0x80).
 */
struct timex32 {
	uint32_t modes;
	int32_t offset, freq, maxerror, esterror, status, constant;
	int32_t precision, tolerance;
	int32_t tv_sec, tv_usec;
	int32_t tick, ppsfreq, jitter, shift, stabil, jitcnt, calcnt;
	int32_t errcnt, stbcnt, tai;
	int32_t pad[11];
};

/* Whether the running kernel is older than @major.@minor: 1, 0, -1. */
int ta_kernel_before(int major, int minor);

/*
 * kmod/compat.h's TA_REFUSED_STEP_CLEARS_NTP: before 6.13 a time the
 * timekeeper refuses with EINVAL still clears the NTP state.
 */
#define ta_refused_step_clears_ntp()	ta_kernel_before(6, 13)

/* Realtime as ns since the epoch. */
long long ta_now_ns(void);

struct timespec;
/*
 * Set CLOCK_REALTIME back to where it would be had a test not moved it:
 * @real0_ns, read with CLOCK_MONOTONIC @mono0, plus the time since.
 */
void ta_clock_restore(long long real0_ns, const struct timespec *mono0);

/*
 * The audit arch of this program's own (64-bit) syscalls, as records
 * print it; the i386 parts of the tests are x86-64 only.
 */
#if defined(__x86_64__)
#define TA_ARCH_NATIVE	"c000003e"
#define TA_SYS_DELETE_MODULE	"__x64_sys_delete_module"	/* probed */
#elif defined(__aarch64__)
#define TA_ARCH_NATIVE	"c00000b7"
#define TA_SYS_DELETE_MODULE	"__arm64_sys_delete_module"
#endif

/* A child running @fn, or else the shell command @cmd; its pid. */
pid_t ta_start_child(void (*fn)(void), const char *cmd);
/* SIGTERM to a child of ta_start_child(), and reap it. */
void ta_stop_child(pid_t pid);
/*
 * @fn(@arg) in a child, which may drop its rights first (ta_be_nobody());
 * its pid, reaped, and what it returned in *@ret (-1 if it died first).
 */
pid_t ta_run_child(int (*fn)(int), int arg, int *ret);
/* setresgid/setresuid to nobody (65534); 0 or -1. */
int ta_be_nobody(void);

struct timex;
/* An ADJ_SETOFFSET | ADJ_NANO request of @ns, as the kernel wants it. */
void ta_timex_setoffset(struct timex *tx, long long ns);

#ifdef __x86_64__
/* stime(@seconds) through the i386 entry (int $0x80): 0 or -errno. */
long ta_stime32(int seconds);
#endif

#endif /* TA_LIB_H */
