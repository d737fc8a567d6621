// SPDX-License-Identifier: GPL-2.0
/*
 * Validate-then-write with rollback. Nothing reaches the kernel until every
 * value has passed the same checks the kernel makes, so a typo can never
 * leave half a configuration behind.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "assign.h"
#include "exitcodes.h"
#include "msg.h"
#include "sysfs.h"

/* Room for "FILE:LINE: ". */
#define TA_WHERE_MAX	(PATH_MAX + 32)

/* "FILE:LINE: " or "" for messages about an assignment. */
static const char *ta_where(const char *src, unsigned int line, char *buf,
			    size_t len)
{
	if (!src)
		return "";
	snprintf(buf, len, "%s:%u: ", src, line);
	return buf;
}

static void ta_unknown_name(const char *where, const char *name)
{
	char list[256];
	size_t used = 0, i;

	list[0] = '\0';
	for (i = 0; i < TA_NPARAMS && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "",
					 ta_params[i].name);
	ta_err("%sunknown name '%s', accepted: %s (or their sysfs names)",
	       where, name, list);
}

int ta_batch_add(struct ta_batch *b, const char *name, const char *value,
		 const char *src, unsigned int line)
{
	const struct ta_param *p = ta_param_find(name);
	struct ta_assign *a;
	char buf[TA_WHERE_MAX];
	const char *where = ta_where(src, line, buf, sizeof(buf));
	size_t i;
	int err;

	if (!p) {
		if (!strcmp(name, TIMEAUDIT_PARAM_LOCKED))
			ta_err("%s%s cannot be set; use '" TA_PROG
			       " lock' or a 'lock' line in the config file",
			       where, name);
		else
			ta_unknown_name(where, name);
		return TA_EXIT_USAGE;
	}
	for (i = 0; i < b->n; i++) {
		if (b->a[i].param != p)
			continue;
		if (src)
			ta_err("%s%s already set on line %u", where, p->name,
			       b->a[i].line);
		else
			ta_err("%s given twice", p->name);
		return TA_EXIT_USAGE;
	}
	/* Unreachable while duplicates are refused; guards the array. */
	if (b->n >= TA_NPARAMS)
		return TA_EXIT_USAGE;
	a = &b->a[b->n];
	err = ta_param_parse(p, value, a->value, sizeof(a->value));
	if (err) {
		char why[512];

		ta_param_errmsg(p, err, why, sizeof(why));
		ta_err("%s%s=%s: %s", where, p->name, value, why);
		return TA_EXIT_USAGE;
	}
	a->param = p;
	a->old[0] = '\0';
	a->src = src;
	a->line = line;
	b->n++;
	return TA_EXIT_OK;
}

/* Map a failed write to an exit code, saying what it means. */
static int ta_write_failed(int err, const char *where, const char *file,
			   const char *value)
{
	switch (err) {
	case -EACCES:
		ta_err("%scannot write %s: permission denied (run as root)",
		       where, file);
		return TA_EXIT_PERM;
	case -EPERM:
		/* The kernel says EPERM when locked and without the cap. */
		if (ta_read_locked() == 1) {
			ta_err("%scannot write %s: module is locked until reboot",
			       where, file);
			return TA_EXIT_LOCKED;
		}
		ta_err("%scannot write %s: operation not permitted (CAP_AUDIT_CONTROL needed)",
		       where, file);
		return TA_EXIT_PERM;
	case -EINVAL:
	case -ERANGE:
		ta_err("%skernel rejected %s=%s: %s", where, file, value,
		       strerror(-err));
		return TA_EXIT_REJECTED;
	default:
		ta_err("%scannot write %s: %s", where, file, strerror(-err));
		return TA_EXIT_IO;
	}
}

int ta_check_loaded(void)
{
	if (ta_loaded())
		return TA_EXIT_OK;
	ta_err("module %s not loaded (%s missing)", TIMEAUDIT_NAME,
	       ta_root());
	return TA_EXIT_NOT_LOADED;
}

/* Module present and unlocked, or say why not. */
static int ta_check_writable_module(void)
{
	int locked, rc;

	rc = ta_check_loaded();
	if (rc)
		return rc;
	locked = ta_read_locked();
	if (locked < 0) {
		ta_err("cannot read %s: %s", TIMEAUDIT_PARAM_LOCKED,
		       locked == -EINVAL ? "unexpected value" :
		       strerror(-locked));
		return locked == -EACCES ? TA_EXIT_PERM : TA_EXIT_IO;
	}
	if (locked) {
		ta_err("module is locked (%s=1): no changes until reboot",
		       TIMEAUDIT_PARAM_LOCKED);
		return TA_EXIT_LOCKED;
	}
	return TA_EXIT_OK;
}

/* Put back the first n values, newest first. */
static void ta_rollback(struct ta_batch *b, size_t n)
{
	size_t i = n, bad = 0;

	while (i--) {
		struct ta_assign *a = &b->a[i];
		int err = ta_write(TA_DIR_PARAMS, a->param->file, a->old);

		if (err) {
			ta_err("rollback: could not restore %s=%s: %s",
			       a->param->file, a->old, strerror(-err));
			bad++;
		}
	}
	if (!n)
		ta_err("nothing was changed");
	else if (!bad)
		ta_err("rolled back %zu value(s) written before the failure",
		       n);
	else
		ta_err("rollback incomplete: %zu of %zu value(s) not restored",
		       bad, n);
}

int ta_batch_commit(struct ta_batch *b)
{
	char where[TA_WHERE_MAX], buf[TA_READ_MAX];
	size_t i;
	int rc, err;

	rc = ta_check_writable_module();
	if (rc)
		return rc;

	/* Old values first: without them there is no way back. */
	for (i = 0; i < b->n; i++) {
		struct ta_assign *a = &b->a[i];

		err = ta_read(TA_DIR_PARAMS, a->param->file, buf, sizeof(buf));
		if (!err && strlen(buf) >= sizeof(a->old))
			err = -EOVERFLOW;
		if (err) {
			ta_err("%scannot read %s: %s",
			       ta_where(a->src, a->line, where, sizeof(where)),
			       a->param->file, strerror(-err));
			return err == -EACCES ? TA_EXIT_PERM : TA_EXIT_IO;
		}
		strcpy(a->old, buf);
	}

	/* Catch "not root" before the first write rather than after. */
	for (i = 0; i < b->n; i++) {
		err = ta_can_write(TA_DIR_PARAMS, b->a[i].param->file);
		if (err)
			return ta_write_failed(err, "", b->a[i].param->file,
					       "");
	}
	if (b->lock) {
		err = ta_can_write(TA_DIR_PARAMS, TIMEAUDIT_PARAM_LOCKED);
		if (err)
			return ta_write_failed(err, "", TIMEAUDIT_PARAM_LOCKED,
					       "");
	}

	for (i = 0; i < b->n; i++) {
		struct ta_assign *a = &b->a[i];

		err = ta_write(TA_DIR_PARAMS, a->param->file, a->value);
		if (err) {
			rc = ta_write_failed(err, ta_where(a->src, a->line,
					     where, sizeof(where)),
					     a->param->file, a->value);
			ta_rollback(b, i);
			return rc;
		}
	}
	if (b->lock) {
		err = ta_write(TA_DIR_PARAMS, TIMEAUDIT_PARAM_LOCKED, "1");
		if (err) {
			rc = ta_write_failed(err, "", TIMEAUDIT_PARAM_LOCKED,
					     "1");
			ta_rollback(b, b->n);
			return rc;
		}
	}
	return TA_EXIT_OK;
}

int ta_lock(void)
{
	struct ta_batch b = { .lock = true };
	int rc;

	rc = ta_check_loaded();
	if (rc)
		return rc;
	if (ta_read_locked() == 1) {
		ta_err("already locked");
		return TA_EXIT_OK;
	}
	return ta_batch_commit(&b);
}
