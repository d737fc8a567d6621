// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

long ta_log_mark(void)
{
	struct stat st;

	return stat(TA_AUDIT_LOG, &st) ? 0 : st.st_size;
}

/*
 * Records reach the log through kauditd and auditd in order, so once a
 * marker sent after them is in the log, so are they.
 */
static int ta_audit_sync(void)
{
	static int seq;
	char marker[64], line[TA_REC_MAX];
	int tries;

	snprintf(marker, sizeof(marker), "ta-sync-%d-%d", getpid(), ++seq);
	if (ta_sh("auditctl -m %s >/dev/null 2>&1", marker))
		return -1;
	for (tries = 0; tries < 500; tries++) {
		FILE *f = fopen(TA_AUDIT_LOG, "r");
		int found = 0;

		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, marker))
				found = 1;
		if (f)
			fclose(f);
		if (found)
			return 0;
		usleep(10000);
	}
	return -1;
}

int ta_search(long since, const char *type, const char *const *needles,
	      char *first, size_t len)
{
	const char *tail = "/tmp/ta-tail.log";
	char cmd[256], line[TA_REC_MAX];
	FILE *in, *out, *p;
	int count = 0;

	if (first && len)
		first[0] = '\0';
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

	snprintf(cmd, sizeof(cmd), "ausearch -if %s -m %s --raw 2>/dev/null",
		 tail, type);
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
		if (!count && first && len)
			snprintf(first, len, "%s", line);
		count++;
	}
	pclose(p);
	return count;
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
