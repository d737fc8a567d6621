// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ta_lib.h"

int ta_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

pid_t ta_spawn(const char *const argv[], int loginuid, int *status)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (loginuid >= 0) {
			char v[16];

			snprintf(v, sizeof(v), "%d", loginuid);
			if (ta_write_file("/proc/self/loginuid", v))
				_exit(126);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, status, 0) < 0)
		return -1;
	return pid;
}

int ta_module_loaded(void)
{
	struct stat st;

	return stat(TA_SYSFS "/parameters", &st) == 0;
}

/* The kernel's own list, independent of sysfs. */
int ta_module_listed(void)
{
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/modules", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, TIMEAUDIT_NAME " ", strlen(TIMEAUDIT_NAME) + 1))
			found = 1;
	if (f)
		fclose(f);
	return found;
}

int ta_module_load(const char *params)
{
	const char *ko = getenv("TA_MODULE");

	if (ta_module_loaded() && ta_module_unload())
		return -1;
	return ta_sh("insmod %s %s", ko ? ko : "/ta/timeaudit.ko",
		     params ? params : "");
}

int ta_module_unload(void)
{
	return ta_sh("rmmod timeaudit");
}

int ta_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int ta_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

int ta_param_read(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), TA_SYSFS "/parameters/%s", name);
	return ta_read_file(path, buf, len);
}

int ta_param_write(const char *name, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), TA_SYSFS "/parameters/%s", name);
	return ta_write_file(path, val);
}

unsigned long long ta_counter(const char *name)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), TA_SYSFS "/counters/%s", name);
	if (ta_read_file(path, buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 10);
}

static long ta_log_size(void)
{
	struct stat st;

	return stat(TA_AUDIT_LOG, &st) ? 0 : st.st_size;
}

long long ta_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Records reach the log through kauditd and auditd in order, so once a
 * marker sent after them is in the log, so are they. An auditd behind
 * by a storm of records is waited for as long as the log grows (up to
 * 2 min); 10 s without growth is a failure, said on the TAP stream.
 */
static int ta_audit_sync(void)
{
	static int seq;
	char marker[64], line[TA_REC_MAX];
	long from = ta_log_size(), size = from;
	long long start = ta_mono_ms(), grew = start, now;

	snprintf(marker, sizeof(marker), "ta-sync-%d-%d", getpid(), ++seq);
	if (ta_sh("auditctl -m %s >/dev/null 2>&1", marker)) {
		printf("# audit sync: auditctl -m failed\n");
		return -1;
	}
	do {
		FILE *f = fopen(TA_AUDIT_LOG, "r");
		long cur = ta_log_size();
		int found = 0;

		/* The marker comes after @from, unless auditd rotated the log. */
		if (f && fseek(f, cur < from ? 0 : from, SEEK_SET))
			rewind(f);
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, marker))
				found = 1;
		if (f)
			fclose(f);
		if (found)
			return 0;
		now = ta_mono_ms();
		if (cur != size) {
			size = cur;
			grew = now;
		}
		usleep(10000);
	} while (now - grew < 10000 && now - start < 120000);
	printf("# audit sync: %s not in %s after %lld ms\n", marker,
	       TA_AUDIT_LOG, now - start);
	fflush(stdout);
	return -1;
}

/*
 * Always after a sync: a record sent before the mark but written after
 * it would count as new (stress_test once saw 74 from its previous phase).
 */
long ta_log_mark(void)
{
	ta_audit_sync();
	return ta_log_size();
}

/* Wait for auditd, then copy the log written after @since to @tail. */
static int ta_log_tail(long since, const char *tail)
{
	char line[TA_REC_MAX];
	FILE *in, *out;

	if (ta_audit_sync())
		return -1;
	in = fopen(TA_AUDIT_LOG, "r");
	out = fopen(tail, "w");
	if (!in || !out || fseek(in, since, SEEK_SET)) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return -1;
	}
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	fclose(in);
	fclose(out);
	return 0;
}

int ta_search(long since, const char *type, const char *const *needles,
	      char *first, size_t len)
{
	static char one[1][TA_REC_MAX];
	char args[128];
	int n;

	snprintf(args, sizeof(args), "-m %s", type);
	one[0][0] = '\0';
	n = ta_ausearch(since, args, needles, one, 1);
	if (first && len)
		snprintf(first, len, "%s", n > 0 ? one[0] : "");
	return n;
}

int ta_field(const char *rec, const char *name, char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = rec;
	size_t n;

	/* Stop at the enriched part (after 0x1d), like auparse does. */
	while ((p = strstr(p, name))) {
		const char *end = strchr(rec, 0x1d);

		if (end && p > end)
			return -1;
		if ((p == rec || p[-1] == ' ' || p[-1] == '(' || p[-1] == ':') &&
		    p[nlen] == '=')
			break;
		p += nlen;
	}
	if (!p)
		return -1;
	p += nlen + 1;
	if (*p == '"') {
		p++;
		n = strcspn(p, "\"");
	} else {
		n = strcspn(p, " \n\x1d");
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

long long ta_field_ll(const char *rec, const char *name)
{
	char v[64];

	if (ta_field(rec, name, v, sizeof(v)))
		return LLONG_MIN;
	return strtoll(v, NULL, 0);
}

long long ta_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int ta_ausearch(long since, const char *args, const char *const *needles,
		char (*recs)[TA_REC_MAX], int max)
{
	const char *tail = "/tmp/ta-tail-all.log";
	char cmd[512], line[TA_REC_MAX];
	int count = 0;
	FILE *p;

	if (ta_log_tail(since, tail))
		return -1;
	snprintf(cmd, sizeof(cmd), "ausearch -if %s %s --raw 2>/dev/null",
		 tail, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *const *n;

		for (n = needles; n && *n; n++)
			if (!strstr(line, *n))
				break;
		if (n && *n)
			continue;
		if (count < max)
			snprintf(recs[count], TA_REC_MAX, "%s", line);
		count++;
	}
	pclose(p);
	return count;
}

/* --- a strict JSON (RFC 8259) checker, for timeauditctl --json -------- */

static const char *ta_js_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *ta_js_string(const char *p)
{
	int i;

	if (!p || *p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)	/* and the end of the text */
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *ta_js_digits(const char *p)
{
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

static const char *ta_js_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (!(p = ta_js_digits(p)))
		return NULL;
	if (*p == '.' && !(p = ta_js_digits(p + 1)))
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		p = ta_js_digits(p);
	}
	return p;
}

static const char *ta_js_value(const char *p, int depth)
{
	char close;

	p = ta_js_ws(p);
	if (depth > 64)
		return NULL;
	switch (*p) {
	case '{':
	case '[':
		close = *p == '{' ? '}' : ']';
		p = ta_js_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = ta_js_string(ta_js_ws(p));
				if (!p)
					return NULL;
				p = ta_js_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = ta_js_value(p, depth + 1);
			if (!p)
				return NULL;
			p = ta_js_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	case '"':
		return ta_js_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return ta_js_number(p);
	}
}

int ta_json_valid(const char *text)
{
	const char *p = ta_js_value(text, 0);

	return p && !*ta_js_ws(p);
}

const char *ta_ntp_core_sym(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (!uname(&u))
		sscanf(u.release, "%d.%d", &major, &minor);
	if (major > 6 || (major == 6 && minor >= 17))
		return "ntp_adjtimex";
	return "__do_adjtimex";
}

pid_t ta_start_child(void (*fn)(void), const char *cmd)
{
	pid_t pid = fork();

	if (!pid) {
		if (fn)
			fn();
		else
			execl("/bin/sh", "sh", "-c", cmd, NULL);
		_exit(127);
	}
	return pid;
}

void ta_stop_child(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

pid_t ta_run_child(int (*fn)(int), int arg, int *ret)
{
	int pipefd[2], r;
	pid_t pid;

	*ret = -1;
	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (!pid) {
		close(pipefd[0]);
		r = fn(arg);
		_exit(write(pipefd[1], &r, sizeof(r)) != sizeof(r));
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], &r, sizeof(r)) == sizeof(r))
		*ret = r;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

void ta_timex_setoffset(struct timex *tx, long long ns)
{
	tx->modes = ADJ_SETOFFSET | ADJ_NANO;
	/* tv_usec holds ns with ADJ_NANO, and must not be negative */
	tx->time.tv_sec = ns / 1000000000LL;
	tx->time.tv_usec = ns % 1000000000LL;
	if (tx->time.tv_usec < 0) {
		tx->time.tv_sec--;
		tx->time.tv_usec += 1000000000LL;
	}
}

void ta_clock_restore(long long real0_ns, const struct timespec *mono0)
{
	struct timespec mono1, t;

	clock_gettime(CLOCK_MONOTONIC, &mono1);
	real0_ns += (mono1.tv_sec - mono0->tv_sec) * 1000000000LL +
		    (mono1.tv_nsec - mono0->tv_nsec);
	t.tv_sec = real0_ns / 1000000000LL;
	t.tv_nsec = real0_ns % 1000000000LL;
	clock_settime(CLOCK_REALTIME, &t);
}

int ta_kernel_before(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return -1;
	return ma < major || (ma == major && mi < minor);
}

#ifdef __x86_64__
/* stime() exists only for 32-bit callers; its argument below 4 GiB. */
long ta_stime32(int seconds)
{
	int *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret;

	if (t == MAP_FAILED)
		return -errno;
	*t = seconds;
	asm volatile ("int $0x80" : "=a" (ret)
		      : "a" (25), "b" (t) : "memory");	/* __NR_stime, i386 */
	munmap(t, 4096);
	return ret;
}
#endif

int ta_be_nobody(void)
{
	return setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ?
	       -1 : 0;
}
