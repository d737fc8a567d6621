/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files under the module's sysfs directory. Every function returns 0 or a
 * negative errno and prints nothing: callers know what the file meant.
 */
#ifndef TA_SYSFS_H
#define TA_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* Tests point this at a fake tree. */
#define TA_SYSFS_ENV	"TIMEAUDIT_SYSFS"

/* Where a file lives: the root itself or one of its subdirectories. */
enum ta_dir { TA_DIR_ROOT, TA_DIR_PARAMS, TA_DIR_COUNTERS };

/* The module's standard MODULE_VERSION attribute. */
#define TA_VERSION_FILE	"version"

/* Largest value a sysfs show() can return: one page. */
#define TA_READ_MAX	4096

const char *ta_root(void);
bool ta_loaded(void);
int ta_path(char *buf, size_t len, enum ta_dir dir, const char *name);

/* One read(2), as sysfs hands out the whole value at once; no newline. */
int ta_read(enum ta_dir dir, const char *name, char *buf, size_t len);
/* val as a single write(2); an empty val is sent as "\n". */
int ta_write(enum ta_dir dir, const char *name, const char *val);
int ta_can_write(enum ta_dir dir, const char *name);

/* locked as 0 or 1; -EINVAL if the file holds anything else. */
int ta_read_locked(void);

#endif /* TA_SYSFS_H */
