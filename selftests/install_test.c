// SPDX-License-Identifier: GPL-2.0
/*
 * What "make install" installs works on a machine without the source
 * tree (the VM image gets it from mkinitramfs.sh: make install-files
 * DESTDIR=<image>, and the module where modules_install puts it, indexed
 * by depmod). modprobe finds the module; the files are in place; the
 * unit's ExecStart= commands, run as the unit file writes them, load the
 * module and apply /etc/timeaudit.conf: as shipped it changes nothing,
 * uncommented it sets the module's own defaults, and with values changed
 * each one is in effect and recorded. The audit rules file loads. The
 * module is left loaded with its defaults.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "ta_lib.h"

#define PREFIX		"/usr/local"
#define CTL		PREFIX "/sbin/timeauditctl"
#define UNIT		PREFIX "/lib/systemd/system/timeaudit.service"
#define CONF		"/etc/timeaudit.conf"
#define RULES		"/etc/audit/rules.d/60-timeaudit.rules"
#define WATCH		"-w /etc/localtime -p wa -k time-change-syscall"
#define TAMPER		"-w /sys/kernel/debug/kprobes/enabled -p w -k timeaudit-tamper"
#define SETTIME		"-a always,exit -F arch=b64 -S clock_settime -F a0=0x0 -F key="
#define CHRONYD_Q	"/usr/sbin/chronyd -q -u root -t 3 'cmdport 0' 'port 0' " \
			"'pidfile /tmp/ta-q.pid' 'server 127.0.0.2' >/dev/null 2>&1"
#define MAX_PARAMS	64
#define MAX_EXEC	8
#define CONF_MAX	16384

static const char *const files[] = {
	CTL, PREFIX "/share/man/man8/timeauditctl.8", UNIT, CONF,
	"/etc/modprobe.d/timeaudit.conf", "/etc/modules-load.d/timeaudit.conf",
	RULES, "/var/lib/timeaudit/install-manifest",
};

/*
 * Settings an admin changes in the installed file: the value written
 * there, what timeauditctl writes (the record's new=), what sysfs reads.
 */
static const struct {
	const char *name, *file, *value, *written, *readback;
} changes[] = {
	{ "step", TIMEAUDIT_PARAM_STEP, "2500us", "2500000", "2500000" },
	{ "slew", TIMEAUDIT_PARAM_SLEW, "1s", "1000000000", "1000000000" },
	{ "freq", TIMEAUDIT_PARAM_FREQ, "25ppm", "25000", "25000" },
	{ "tick", TIMEAUDIT_PARAM_TICK, "5us", "5", "5" },
	{ "tai", TIMEAUDIT_PARAM_TAI, "3s", "3", "3" },
	{ "rtc", TIMEAUDIT_PARAM_RTC, "2s", "2000000000", "2000000000" },
	{ "status", TIMEAUDIT_PARAM_STATUS, "INS|DEL|UNSYNC", "112",
	  "0x0070" },
	{ "drift_window", TIMEAUDIT_PARAM_DRIFT_WINDOW, "15min", "900",
	  "900" },
	{ "drift_budget", TIMEAUDIT_PARAM_DRIFT_BUDGET, "50ms", "50000000",
	  "50000000" },
	{ "freq_drift_window", TIMEAUDIT_PARAM_FDRIFT_WINDOW, "2h", "7200",
	  "7200" },
	{ "freq_drift_budget", TIMEAUDIT_PARAM_FDRIFT_BUDGET, "3ppm", "3000",
	  "3000" },
	{ "pll", TIMEAUDIT_PARAM_PLL, "70ppm", "70000", "70000" },
	{ "rate", TIMEAUDIT_PARAM_RATE, "50/s", "50", "50" },
	{ "classes", TIMEAUDIT_PARAM_CLASSES, "step,freq,denied",
	  "step,freq,denied", "step,freq,denied" },
	{ "key", TIMEAUDIT_PARAM_KEY, "installed-conf", "installed-conf",
	  "installed-conf" },
};

struct params {
	int n;
	char name[MAX_PARAMS][64];
	char val[MAX_PARAMS][256];
};

static struct params defaults, now;
static char shipped[CONF_MAX];
static char exec[MAX_EXEC][1024];
static int nexec;

static int exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every parameter file and its value, sorted by name. */
static int snapshot(struct params *p)
{
	DIR *d = opendir(TA_SYSFS "/parameters");
	struct dirent *e;
	int i;

	p->n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) && p->n < MAX_PARAMS)
		if (e->d_name[0] != '.')
			snprintf(p->name[p->n++], sizeof(p->name[0]), "%.63s",
				 e->d_name);
	closedir(d);
	qsort(p->name, p->n, sizeof(p->name[0]), cmp_name);
	for (i = 0; i < p->n; i++)
		if (ta_param_read(p->name[i], p->val[i], sizeof(p->val[i])))
			return -1;
	return 0;
}

/* Whether the module's parameters equal @want; names the first that not. */
static int same_params(const struct params *want, char *why, size_t len)
{
	int i;

	snprintf(why, len, "unreadable");
	if (snapshot(&now) || now.n != want->n || !want->n)
		return 0;
	for (i = 0; i < now.n; i++)
		if (strcmp(now.name[i], want->name[i]) ||
		    strcmp(now.val[i], want->val[i])) {
			snprintf(why, len, "%s=%s, want %s=%s", now.name[i],
				 now.val[i], want->name[i], want->val[i]);
			return 0;
		}
	snprintf(why, len, "all %d", now.n);
	return 1;
}

static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The unit's ExecStart= command lines, in order. */
static int parse_unit(void)
{
	char line[1024];
	FILE *f = fopen(UNIT, "r");

	nexec = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nexec < MAX_EXEC)
		if (!strncmp(line, "ExecStart=", 10)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(exec[nexec++], sizeof(exec[0]), "%.1000s",
				 line + 10);
		}
	fclose(f);
	return nexec;
}

/* Start as systemd would: module unloaded, each ExecStart= in order. */
static int run_unit(long *mark, char *why, size_t len)
{
	int i, status;

	if (ta_module_loaded() && ta_module_unload()) {
		snprintf(why, len, "cannot unload");
		return 0;
	}
	*mark = ta_log_mark();
	for (i = 0; i < nexec; i++) {
		const char *argv[] = { "/bin/sh", "-c", exec[i], NULL };

		if (ta_spawn(argv, -1, &status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			snprintf(why, len, "'%.200s' failed", exec[i]);
			return 0;
		}
	}
	snprintf(why, len, "%d commands", nexec);
	return ta_module_loaded();
}

/*
 * The shipped file with its commented-out settings ("#name = value")
 * uncommented; with @changed, only those of changes[], with their new
 * values. Returns how many were uncommented, -1 on overflow.
 */
static int edit_conf(char *out, size_t len, int changed, int *found)
{
	const char *p = shipped;
	size_t used = 0;
	int count = 0;

	while (*p) {
		const char *end = strchrnul(p, '\n');
		int n = end - p, k = 0, w = 0;
		size_t i;

		while (p + 1 + k < end && (p[1 + k] == '_' ||
					   (p[1 + k] >= 'a' && p[1 + k] <= 'z')))
			k++;
		if (*p == '#' && k && !strncmp(p + 1 + k, " = ", 3)) {
			if (!changed) {
				w = snprintf(out + used, len - used, "%.*s\n",
					     n - 1, p + 1);
				count++;
			}
			for (i = 0; changed && i < ARRAY_SIZE(changes); i++)
				if ((int)strlen(changes[i].name) == k &&
				    !strncmp(p + 1, changes[i].name, k)) {
					w = snprintf(out + used, len - used,
						     "%s = %s\n",
						     changes[i].name,
						     changes[i].value);
					found[i] = 1;
					count++;
				}
		}
		if (!w)
			w = snprintf(out + used, len - used, "%.*s\n", n, p);
		used += w;
		if (used >= len)
			return -1;
		p = *end ? end + 1 : end;
	}
	return count;
}

static int count_sets(long mark, const char *res)
{
	const char *needles[] = { "op=" TIMEAUDIT_OP_SET, res, NULL };

	return ta_search(mark, "CONFIG_CHANGE", needles, NULL, 0);
}

int main(void)
{
	const char *op_load[] = { "op=" TIMEAUDIT_OP_LOAD, "res=1", NULL };
	const char *modprobe[] = { "/sbin/modprobe", "timeaudit", NULL };
	const char *chronyd_sys[] = { "exe=\"/usr/sbin/chronyd\"",
				      "key=\"time-change-syscall\"", NULL };
	const char *adjtimex_sys[] = { "exe=\"/usr/sbin/adjtimex\"",
				       "key=\"time-change-syscall\"", NULL };
	static char conf[CONF_MAX], rec[TA_REC_MAX], why[512], path[512];
	int found[ARRAY_SIZE(changes)] = { 0 };
	int status, n, all, missing;
	struct utsname u;
	size_t i;
	long mark;

	ksft_print_header();
	ksft_set_plan(33 + 2 * ARRAY_SIZE(changes));
	uname(&u);
	if (ta_module_loaded())
		ta_module_unload();

	/* The files, and the module where modprobe looks. */
	for (i = 0; i < ARRAY_SIZE(files); i++)
		ksft_test_result(exists(files[i]), "%s installed\n", files[i]);
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/kmod/timeaudit.ko",
		 u.release);
	ksft_test_result(exists(path), "%s installed\n", path);
	snprintf(path, sizeof(path), "grep -q '^extra/kmod/timeaudit.ko:' /lib/modules/%s/modules.dep",
		 u.release);
	ksft_test_result(ta_sh("%s", path) == 0,
			 "modules.dep lists extra/kmod/timeaudit.ko\n");

	mark = ta_log_mark();
	ta_spawn(modprobe, -1, &status);
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
			 ta_module_loaded(),
			 "modprobe timeaudit loads the installed module\n");
	n = ta_search(mark, "CONFIG_CHANGE", op_load, rec, sizeof(rec));
	ksft_test_result(n == 1 && !ta_field(rec, "comm", why, sizeof(why)) &&
			 !strcmp(why, "modprobe"),
			 "one load record, comm=modprobe (found %d)\n", n);
	ksft_test_result(!snapshot(&defaults) && defaults.n > 0,
			 "%d parameters, defaults read\n", defaults.n);
	ksft_test_result(ta_sh(CTL " --version | grep -q ' %s$'",
			       TIMEAUDIT_VERSION) == 0,
			 CTL " --version says %s\n", TIMEAUDIT_VERSION);

	/* The unit file. */
	n = parse_unit();
	ksft_test_result(n >= 2, "the unit has %d ExecStart= lines\n", n);
	ksft_test_result(ta_sh("grep -qx Type=oneshot " UNIT) == 0 &&
			 ta_sh("grep -qx After=auditd.service " UNIT) == 0,
			 "the unit is a oneshot ordered after auditd\n");

	/* As shipped: every setting commented out, nothing changes. */
	ksft_test_result(!read_text(CONF, shipped, sizeof(shipped)) &&
			 shipped[0], "read the installed " CONF "\n");
	for (i = 0, missing = 0; i < (size_t)defaults.n; i++) {
		char want[80];

		snprintf(want, sizeof(want), "[%s]", defaults.name[i]);
		if (!strstr(shipped, want)) {
			ksft_print_msg("%s: no %s\n", CONF, want);
			missing++;
		}
	}
	ksft_test_result(!missing, CONF " documents every parameter\n");
	ksft_test_result(run_unit(&mark, why, sizeof(why)),
			 "unit, " CONF " as shipped: %s run, module loaded\n",
			 why);
	ksft_test_result(same_params(&defaults, why, sizeof(why)),
			 "as shipped: every parameter at its default (%s)\n",
			 why);
	n = ta_search(mark, "CONFIG_CHANGE", op_load, rec, sizeof(rec));
	all = count_sets(mark, "res=");
	ksft_test_result(n == 1 && all == 0,
			 "as shipped: a load record and no set record (%d, %d)\n",
			 n, all);

	/* Uncommented: the values the file documents are the defaults. */
	n = edit_conf(conf, sizeof(conf), 0, NULL);
	ksft_test_result(n > 0 && !write_text(CONF, conf),
			 "uncommented %d settings in " CONF "\n", n);
	ksft_test_result(run_unit(&mark, why, sizeof(why)),
			 "unit, settings uncommented: %s run\n", why);
	ksft_test_result(same_params(&defaults, why, sizeof(why)),
			 "uncommented: every parameter at its default (%s)\n",
			 why);
	/* "lock = 0" writes nothing. */
	all = count_sets(mark, "res=");
	ksft_test_result(all == n - 1 && count_sets(mark, "res=1") == all,
			 "uncommented: %d set records, all res=1 (want %d)\n",
			 all, n - 1);

	/* Changed: each new value in effect, and recorded once. */
	n = edit_conf(conf, sizeof(conf), 1, found);
	for (i = 0, all = 0; i < ARRAY_SIZE(changes); i++)
		all += found[i];
	ksft_test_result(all == (int)ARRAY_SIZE(changes) &&
			 !write_text(CONF, conf),
			 "changed %d of %zu settings in " CONF "\n", all,
			 ARRAY_SIZE(changes));
	ksft_test_result(run_unit(&mark, why, sizeof(why)),
			 "unit, settings changed: %s run\n", why);
	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		char v[256] = "";

		ta_param_read(changes[i].file, v, sizeof(v));
		ksft_test_result(!strcmp(v, changes[i].readback),
				 "%s = %s: %s reads %s (got %s)\n",
				 changes[i].name, changes[i].value,
				 changes[i].file, changes[i].readback, v);
	}
	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		char p[96], nv[96];
		const char *needles[] = { "op=" TIMEAUDIT_OP_SET, p, nv,
					  "res=1", NULL };

		snprintf(p, sizeof(p), "param=%s ", changes[i].file);
		snprintf(nv, sizeof(nv), "new=\"%s\"", changes[i].written);
		n = ta_search(mark, "CONFIG_CHANGE", needles, NULL, 0);
		ksft_test_result(n == 1,
				 "one record: %s new=\"%s\" res=1 (found %d)\n",
				 changes[i].file, changes[i].written, n);
	}
	ksft_test_result(ta_param_read(TIMEAUDIT_PARAM_LOCKED, why,
				       sizeof(why)) == 0 && !strcmp(why, "0"),
			 "not locked: the lock line stays commented out\n");

	/*
	 * The audit rules load into the kernel (every syscall name, exe= and
	 * watch path resolved; /lib/systemd as on any systemd host): the
	 * daemons' never rules first, then the scanners' syscall rules and
	 * the watches; a stock 30-stig.rules rule is no duplicate of ours.
	 * Then the VM's own rules again.
	 */
	ta_sh("mkdir -p /lib/systemd");
	ksft_test_result(ta_sh("auditctl -R " RULES " >/dev/null") == 0 &&
			 ta_sh("auditctl -l | head -n 1 | grep -q '^-a never,exit .* -F exe=/'") == 0 &&
			 ta_sh("[ $(auditctl -l | grep -c '^-a never,exit') = 10 ]") == 0 &&
			 ta_sh("auditctl -l | grep -qx -- '" SETTIME "time-change-syscall'") == 0 &&
			 ta_sh("auditctl -l | grep -qx -- '" WATCH "'") == 0 &&
			 ta_sh("auditctl -l | grep -qx -- '" TAMPER "'") == 0,
			 RULES " loads: never rules first, syscall rules, watches\n");
	/*
	 * chronyd -q initialises the kernel clock state with adjtimex() and
	 * gives up: the never rule keeps its calls out of the log, while
	 * adjtimex(8) is recorded; without the never rules, chronyd is too.
	 */
	mark = ta_log_mark();
	ta_sh(CHRONYD_Q);
	ta_sh("/usr/sbin/adjtimex -p >/dev/null");
	n = ta_search(mark, "SYSCALL", chronyd_sys, NULL, 0);
	all = ta_search(mark, "SYSCALL", adjtimex_sys, NULL, 0);
	ksft_test_result(n == 0 && all > 0,
			 "shipped rules: chronyd's calls unrecorded (%d), adjtimex(8)'s recorded (%d)\n",
			 n, all);
	mark = ta_log_mark();
	ta_sh("grep -v '^-A never' " RULES " >/tmp/no-never.rules");
	ta_sh("auditctl -D >/dev/null; auditctl -R /tmp/no-never.rules >/dev/null");
	ta_sh(CHRONYD_Q);
	n = ta_search(mark, "SYSCALL", chronyd_sys, NULL, 0);
	ksft_test_result(n > 0, "without the never rules: chronyd's calls recorded (%d)\n",
			 n);
	ksft_test_result(ta_sh("auditctl " SETTIME "time-change >/dev/null") == 0 &&
			 ta_sh("auditctl -R /etc/audit/audit.rules >/dev/null") == 0 &&
			 ta_sh("auditctl -l | grep -q time-change") != 0,
			 "a stock rule loads beside them; the VM's rules restored\n");

	/* Leave things as later tests expect them. */
	ksft_test_result(!write_text(CONF, shipped) &&
			 ta_module_load(NULL) == 0 &&
			 same_params(&defaults, why, sizeof(why)),
			 CONF " restored, module reloaded with defaults (%s)\n",
			 why);
	ksft_finished();
}
