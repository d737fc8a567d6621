// SPDX-License-Identifier: GPL-2.0
/*
 * Raw access to /sys/module/timeaudit. The subdirectory names are taken
 * from the full paths in the uapi header, so a rename there follows here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/timeaudit.h>

#include "sysfs.h"

#define TA_SYSFS_ROOT	"/sys/module/" TIMEAUDIT_NAME

const char *ta_root(void)
{
	const char *env = getenv(TA_SYSFS_ENV);

	return env && *env ? env : TA_SYSFS_ROOT;
}

bool ta_loaded(void)
{
	struct stat st;

	return !stat(ta_root(), &st) && S_ISDIR(st.st_mode);
}

static const char *ta_dirname(enum ta_dir dir)
{
	const char *full;

	switch (dir) {
	case TA_DIR_PARAMS:
		full = TIMEAUDIT_SYSFS_PARAMS;
		break;
	case TA_DIR_COUNTERS:
		full = TIMEAUDIT_SYSFS_COUNTERS;
		break;
	case TA_DIR_ROOT:
	default:
		return NULL;
	}
	return strrchr(full, '/') + 1;
}

int ta_path(char *buf, size_t len, enum ta_dir dir, const char *name)
{
	const char *sub = ta_dirname(dir);
	int n;

	if (sub)
		n = snprintf(buf, len, "%s/%s/%s", ta_root(), sub, name);
	else
		n = snprintf(buf, len, "%s/%s", ta_root(), name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ta_read(enum ta_dir dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	err = ta_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	n = (ssize_t)strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int ta_write(enum ta_dir dir, const char *name, const char *val)
{
	char path[PATH_MAX];
	size_t len;
	ssize_t n;
	int fd, err;

	err = ta_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	/* sysfs drops zero-length writes; a lone newline is "empty". */
	if (!*val)
		val = "\n";
	len = strlen(val);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	/* A short write would be a second, truncated store: treat as I/O. */
	err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int ta_can_write(enum ta_dir dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = ta_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	return access(path, W_OK) ? -errno : 0;
}

int ta_read_locked(void)
{
	char buf[TA_READ_MAX];
	int err;

	err = ta_read(TA_DIR_PARAMS, TIMEAUDIT_PARAM_LOCKED, buf, sizeof(buf));
	if (err)
		return err;
	if (!strcmp(buf, "0"))
		return 0;
	if (!strcmp(buf, "1"))
		return 1;
	return -EINVAL;
}
