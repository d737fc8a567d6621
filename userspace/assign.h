/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A batch of NAME=VALUE assignments, from "set" or a config file: checked
 * completely first, then written all-or-nothing.
 */
#ifndef TA_ASSIGN_H
#define TA_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "params.h"

struct ta_assign {
	const struct ta_param *param;
	char value[TA_VALUE_MAX];	/* what the kernel is sent */
	char old[TA_VALUE_MAX];		/* what it held, for rollback */
	const char *src;		/* config file name, or NULL */
	unsigned int line;		/* line in src */
};

struct ta_batch {
	struct ta_assign a[TA_NPARAMS];	/* duplicates are refused */
	size_t n;
	bool lock;			/* write locked=1 last */
};

/*
 * Check one assignment and append it to b. Prints why not and returns
 * TA_EXIT_USAGE if it is bad (unknown name, bad value, duplicate).
 */
int ta_batch_add(struct ta_batch *b, const char *name, const char *value,
		 const char *src, unsigned int line);

/*
 * Write b to the kernel in order, then lock if asked. Refuses if the
 * module is missing or locked; on a failed write restores what was
 * already written. Returns a TA_EXIT_* code, having said why.
 */
int ta_batch_commit(struct ta_batch *b);

/* TA_EXIT_NOT_LOADED, having said so, if the module is not there. */
int ta_check_loaded(void);

/* "lock": write locked=1. Already locked is success. */
int ta_lock(void);

#endif /* TA_ASSIGN_H */
