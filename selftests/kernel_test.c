// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-version contract (kmod/compat.h): on the kernel this runs
 * on, every probe target exists and is probed at its entry, and a module
 * whose probe target is missing refuses to load, saying which symbol and
 * which kernel. The missing target is made by renaming one target in a
 * copy of the module (same length, so nothing else moves). And no
 * auxiliary clock (6.17) exists that timeaudit would not see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define KPROBES_LIST	"/sys/kernel/debug/kprobes/list"
#define MISSING_KO	"/tmp/timeaudit-missing.ko"
/* include/uapi/linux/time.h, 6.17: the first auxiliary clock. */
#define TA_CLOCK_AUX	16

/* Whether /proc/kallsyms has @sym as a text symbol of the kernel. */
static int in_kallsyms(const char *sym)
{
	char line[512], name[256], type;
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %c %255s", &type, name) == 2 &&
		    (type == 't' || type == 'T') && !strcmp(name, sym) &&
		    !strchr(line, '['))
			found = 1;
	fclose(f);
	return found;
}

#define MAX_PROBES	64

/* Every kretprobe in debugfs, as "symbol+0xoffset"; how many, or -1. */
static int kretprobes(char (*syms)[128], int max)
{
	char line[512], *p;
	int n = 0;
	FILE *f = fopen(KPROBES_LIST, "r");

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		p = strstr(line, "  r  ");
		if (!p)
			continue;
		p += 5;
		snprintf(syms[n], sizeof(syms[n]), "%.*s",
			 (int)strcspn(p, " \n"), p);
		n++;
	}
	fclose(f);
	return n;
}

/*
 * A kretprobe on a function sits at its entry: +0x0, or +0x4 past the
 * ENDBR64 that kernels built with CONFIG_X86_KERNEL_IBT (Debian 6.12 and
 * later) start every function with.
 */
static int at_entry(const char *off)
{
	return !strcmp(off, "+0x0") || !strcmp(off, "+0x4");
}

/* Whether @syms has @sym at its entry. */
static int listed(char (*syms)[128], int n, const char *sym)
{
	int i, len = strlen(sym);

	for (i = 0; i < n; i++)
		if (!strncmp(syms[i], sym, len) && at_entry(syms[i] + len))
			return 1;
	return 0;
}

/* Whether @syms has the whole entry @ent. */
static int has(char (*syms)[128], int n, const char *ent)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(syms[i], ent))
			return 1;
	return 0;
}

/* Copy the module with @from spelled @to (same length); count renames. */
static int make_missing_ko(const char *ko, const char *from, const char *to)
{
	size_t len = 0, cap = 1 << 20, n;
	char *buf = malloc(cap), *p;
	FILE *in = fopen(ko, "rb"), *out;
	int renamed = 0;

	if (!buf || !in) {
		free(buf);
		if (in)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf + len, 1, cap - len, in)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
	}
	fclose(in);
	/* Only the whole, NUL-terminated name: the string literal. */
	for (p = buf; (p = memmem(p, len - (p - buf), from,
				  strlen(from) + 1)); renamed++)
		memcpy(p, to, strlen(to));
	out = fopen(MISSING_KO, "wb");
	if (!out || fwrite(buf, 1, len, out) != len)
		renamed = -1;
	if (out && fclose(out))
		renamed = -1;
	free(buf);
	return renamed;
}

/* The first kernel message after @fd's position that contains @needle. */
static int kmsg_find(int fd, const char *needle, char *msg, size_t len)
{
	char rec[1024];
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue;	/* overwritten records: go on */
		rec[n] = '\0';
		if (strstr(rec, needle)) {
			snprintf(msg, len, "%s", strchr(rec, ';') ?
				 strchr(rec, ';') + 1 : rec);
			msg[strcspn(msg, "\n")] = '\0';
			return 1;
		}
	}
	return 0;
}

static char before[MAX_PROBES][128], after[MAX_PROBES][128];
static char ours[MAX_PROBES][128];

/*
 * A kernel without @from: insmod fails, the kernel log names the symbol
 * and the kernel, and nothing stays registered (@nb kretprobes before).
 */
static void missing_target(const char *ko, const char *from, int nb,
			   const char *release)
{
	char msg[1024] = "", needle[128], to[128];
	int fd, renamed, rc, left;

	/* Same length, so the copy stays a valid module: last letter X. */
	snprintf(to, sizeof(to), "%s", from);
	to[strlen(to) - 1] = 'X';
	renamed = make_missing_ko(ko, from, to);
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	rc = ta_sh("insmod %s 2>/dev/null", MISSING_KO);
	ksft_test_result(renamed > 0 && !in_kallsyms(to) && rc != 0,
			 "a module whose probe target %s is missing does not load (%d renamed)\n",
			 from, renamed);
	snprintf(needle, sizeof(needle), "cannot probe %s:", to);
	ksft_test_result(fd >= 0 && kmsg_find(fd, needle, msg, sizeof(msg)) &&
			 strstr(msg, "timeaudit") && strstr(msg, release),
			 "it says which symbol and kernel: \"%s\"\n", msg);
	left = kretprobes(after, MAX_PROBES);
	ksft_test_result(!ta_module_loaded() && left == nb,
			 "nothing is left registered (%d kretprobes, %d before)\n",
			 left, nb);
	if (fd >= 0)
		close(fd);
	unlink(MISSING_KO);
}

int main(void)
{
	const char *ko = getenv("TA_MODULE") ? getenv("TA_MODULE") :
		"/ta/timeaudit.ko";
	const char *core = ta_ntp_core_sym();
	const char *other = strcmp(core, "ntp_adjtimex") ? "ntp_adjtimex" :
		"__do_adjtimex";
	const char *unload = NULL;
	int i, rc, nb, na, n = 0, loaded, entry, err, aux;
	char *plus, unavail[64];
	struct utsname u;

	ksft_print_header();
	uname(&u);
	if (ta_module_loaded())
		ta_module_unload();
	nb = kretprobes(before, MAX_PROBES);
	loaded = ta_module_load(NULL) == 0;
	na = kretprobes(after, MAX_PROBES);
	for (i = 0; i < na; i++)
		if (!has(before, nb, after[i]))
			memcpy(ours[n++], after[i], sizeof(ours[0]));

	/* The module's own kretprobes, whatever its list is today. */
	ksft_set_plan(12 + n);
	ksft_print_msg("kernel %s: NTP core %s, %d kretprobes\n", u.release,
		       core, n);
	ksft_test_result(loaded && nb >= 0 && n > 0,
			 "module loaded: every probe target resolved\n");
	for (i = 0; i < n; i++) {
		plus = strchr(ours[i], '+');
		entry = plus && at_entry(plus);
		if (plus)
			*plus = '\0';
		ksft_test_result(entry && in_kallsyms(ours[i]),
				 "%s: kretprobe at its entry (+0x%s), text symbol in /proc/kallsyms\n",
				 ours[i], plus ? plus + 3 : "?");
		/* lock.c's native delete_module entry, registered last */
		if (!unload && !strstr(ours[i], "ia32") &&
		    strstr(ours[i], "sys_delete_module"))
			unload = ours[i];
	}
	ksft_test_result(listed(after, na, core) && in_kallsyms(core),
			 "the NTP core probed is %s, as compat.h says for %s\n",
			 core, u.release);
	ksft_test_result(!listed(after, na, other),
			 "%s is not probed (%s in this kernel)\n", other,
			 in_kallsyms(other) ? "another function" : "absent");
	ksft_test_result(ta_module_unload() == 0 &&
			 kretprobes(after, MAX_PROBES) == nb,
			 "module unloaded, its kretprobes gone\n");

	/*
	 * One target of the last set probes.c registers (the sets before
	 * it must go again), one of lock.c, spelled wrong in turn.
	 */
	missing_target(ko, "pc_clock_adjtime", nb, u.release);
	missing_target(ko, unload ? unload : "sys_delete_module", nb,
		       u.release);

	/* The tests that follow expect the module loaded. */
	ksft_test_result(ta_module_load(NULL) == 0, "module reloads\n");

	/*
	 * Auxiliary clocks (6.17, CONFIG_POSIX_AUX_CLOCKS) are adjusted
	 * without do_adjtimex(): audited by probes of their own where the
	 * kernel has them (aux_test), listed unavailable where not.
	 */
	rc = clock_adjtime(TA_CLOCK_AUX, &(struct timex){ .modes = 0 });
	err = rc == -1 ? errno : 0;
	aux = !access("/sys/kernel/time/aux_clocks", F_OK);
	if (ta_param_read(TIMEAUDIT_PARAM_UNAVAILABLE, unavail,
			  sizeof(unavail)))
		strcpy(unavail, "?");
	ksft_test_result(aux ? err != EINVAL && !strcmp(unavail, "none") :
			 err == EINVAL && !strcmp(unavail, "aux"),
			 "auxiliary clocks %s (CLOCK_AUX: %s), unavailable_classes=%s\n",
			 aux ? "present" : "absent",
			 err ? strerror(err) : "ok", unavail);
	ksft_finished();
}
