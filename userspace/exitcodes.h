/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes of timeauditctl. Scripts branch on these, so they are part of
 * the interface: keep them in step with Documentation/timeauditctl.8.
 */
#ifndef TA_EXITCODES_H
#define TA_EXITCODES_H

enum ta_exit {
	TA_EXIT_OK		= 0,
	TA_EXIT_USAGE		= 1,	/* bad command line, value or config */
	TA_EXIT_NOT_LOADED	= 2,	/* module directory missing */
	TA_EXIT_PERM		= 3,	/* EACCES, or EPERM while unlocked */
	TA_EXIT_LOCKED		= 4,	/* locked=1: nothing can change */
	TA_EXIT_REJECTED	= 5,	/* kernel said EINVAL */
	TA_EXIT_IO		= 6,	/* any other I/O failure */
};

#endif /* TA_EXITCODES_H */
