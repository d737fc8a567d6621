// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exitcodes.h"
#include "msg.h"

#define TA_LOCK_KEY	"lock"

static char *ta_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "lock" or "lock = 0|1"; the batch remembers the line for duplicates. */
static int ta_config_lock(struct ta_batch *b, const char *value,
			  const char *fname, unsigned int line,
			  unsigned int *lock_line)
{
	if (*lock_line) {
		ta_err("%s:%u: %s already set on line %u", fname, line,
		       TA_LOCK_KEY, *lock_line);
		return TA_EXIT_USAGE;
	}
	if (strcmp(value, "0") && strcmp(value, "1")) {
		ta_err("%s:%u: %s=%s: accepted: 0 or 1", fname, line,
		       TA_LOCK_KEY, value);
		return TA_EXIT_USAGE;
	}
	*lock_line = line;
	b->lock = !strcmp(value, "1");
	return TA_EXIT_OK;
}

int ta_config_parse(FILE *f, const char *fname, struct ta_batch *b)
{
	unsigned int line = 0, lock_line = 0;
	char *buf = NULL, *s, *eq;
	size_t cap = 0;
	int rc = TA_EXIT_OK;

	while (getline(&buf, &cap, f) >= 0) {
		const char *name, *value;
		char *hash = strchr(buf, '#');

		line++;
		if (hash)
			*hash = '\0';
		s = ta_trim(buf);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (eq) {
			*eq = '\0';
			name = ta_trim(s);
			value = ta_trim(eq + 1);
		} else {
			name = s;
			value = strcmp(s, TA_LOCK_KEY) ? NULL : "1";
		}
		if (!value || !*name) {
			ta_err("%s:%u: expected 'name = value'", fname, line);
			rc = TA_EXIT_USAGE;
		} else if (!strcmp(name, TA_LOCK_KEY)) {
			if (ta_config_lock(b, value, fname, line, &lock_line))
				rc = TA_EXIT_USAGE;
		} else if (ta_batch_add(b, name, value, fname, line)) {
			rc = TA_EXIT_USAGE;
		}
	}
	if (ferror(f)) {
		ta_err("%s: read error after line %u", fname, line);
		rc = TA_EXIT_IO;
	}
	free(buf);
	return rc;
}

int ta_config_load(const char *path, struct ta_batch *b)
{
	FILE *f = fopen(path, "re");
	int rc;

	if (!f) {
		rc = errno;
		ta_err("cannot open %s: %s", path, strerror(rc));
		return rc == EACCES ? TA_EXIT_PERM : TA_EXIT_IO;
	}
	rc = ta_config_parse(f, path, b);
	fclose(f);
	return rc;
}
