// SPDX-License-Identifier: GPL-2.0
/*
 * timeauditctl: show and change the settings of the timeaudit module.
 * Commands live here; parsing, sysfs access, the config file and the
 * all-or-nothing writes each have their own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/timeaudit.h>

#include "assign.h"
#include "config.h"
#include "exitcodes.h"
#include "json.h"
#include "msg.h"
#include "params.h"
#include "sysfs.h"

/* A value read from sysfs for "status"; ok is false if it was not. */
struct ta_val {
	bool ok;
	char raw[TA_VALUE_MAX];
	uint64_t num;		/* numbers and the status mask */
};

struct ta_status {
	bool loaded;
	bool have_version;
	char version[TA_VALUE_MAX];
	bool have_unavailable;		/* older modules have no such file */
	char unavailable[TA_VALUE_MAX];	/* classes this kernel cannot audit */
	struct ta_val locked;
	struct ta_val param[TA_NPARAMS];
	struct ta_val counter[TA_NCOUNTERS];
	char counter_name[TA_NCOUNTERS][64];
};

static void ta_usage(FILE *f)
{
	char units[64], range[160];
	size_t i, c;

	fprintf(f,
		"Usage: " TA_PROG " [--json] [status]\n"
		"       " TA_PROG " set NAME=VALUE...\n"
		"       " TA_PROG " apply [FILE]  (default "
		TA_CONFIG_DEFAULT ")\n"
		"       " TA_PROG " lock\n"
		"       " TA_PROG " --help | --version\n"
		"\nNames, units (a bare number is in the first) and ranges:\n");
	for (i = 0; i < TA_NPARAMS; i++) {
		const struct ta_param *p = &ta_params[i];

		fprintf(f, "  %-18s", p->name);
		switch (p->kind) {
		case TA_KIND_NUM:
			ta_units_join(units, sizeof(units), p->units);
			ta_param_range(p, range, sizeof(range));
			fprintf(f, "%s; %s%s%s\n", units, range,
				p->zero ? "; 0: " : "",
				p->zero ? p->zero : "");
			break;
		case TA_KIND_STATUS:
			fprintf(f, "number (0x hex ok) or flags like INS|DEL\n");
			break;
		case TA_KIND_CLASSES:
			fprintf(f, "comma list of");
			for (c = 0; c < TIMEAUDIT_CLASS_COUNT; c++)
				fprintf(f, "%s%s", c ? "," : " ",
					ta_class_names[c]);
			fprintf(f, "; or all, none\n");
			break;
		case TA_KIND_KEY:
			fprintf(f, TA_KEY_CHARSET ", 1..%d bytes\n",
				TIMEAUDIT_KEY_MAX);
			break;
		}
	}
	fprintf(f,
		"Decimals are allowed where exact: 1.5ms, 0.5ppm, 1.5min.\n"
		"\nExit: 0 ok, 1 usage, 2 not loaded, 3 permission denied,\n"
		"      4 locked, 5 kernel rejected a value, 6 other I/O error.\n"
		"See timeauditctl(8).\n");
}

/* Read one value and, for numeric kinds, parse it. Warns on failure. */
static int ta_get(enum ta_dir dir, const char *name, enum ta_kind kind,
		  struct ta_val *v)
{
	char buf[TA_READ_MAX];
	int err;

	v->ok = false;
	err = ta_read(dir, name, buf, sizeof(buf));
	if (err) {
		ta_err("cannot read %s: %s", name, strerror(-err));
		return err == -EACCES ? TA_EXIT_PERM : TA_EXIT_IO;
	}
	if (strlen(buf) >= sizeof(v->raw)) {
		ta_err("cannot read %s: value too long", name);
		return TA_EXIT_IO;
	}
	strcpy(v->raw, buf);
	if (kind == TA_KIND_NUM)
		err = ta_parse_u64(buf, &v->num);
	else if (kind == TA_KIND_STATUS)
		err = ta_parse_status(buf, &v->num);
	if (err) {
		ta_err("unexpected value in %s: '%s'", name, buf);
		return TA_EXIT_IO;
	}
	v->ok = true;
	return TA_EXIT_OK;
}

/* Fill s; returns the first failure's exit code but reads everything. */
static int ta_collect(struct ta_status *s)
{
	int rc = TA_EXIT_OK, r, err;
	size_t i;

	s->loaded = ta_loaded();
	if (!s->loaded)
		return ta_check_loaded();

	/* MODULE_VERSION is optional in a module: absent is not an error. */
	err = ta_read(TA_DIR_ROOT, TA_VERSION_FILE, s->version,
		      sizeof(s->version));
	s->have_version = !err;
	err = ta_read(TA_DIR_PARAMS, TIMEAUDIT_PARAM_UNAVAILABLE,
		      s->unavailable, sizeof(s->unavailable));
	s->have_unavailable = !err;

	r = ta_get(TA_DIR_PARAMS, TIMEAUDIT_PARAM_LOCKED, TA_KIND_NUM,
		   &s->locked);
	if (!r && s->locked.num > 1) {
		ta_err("unexpected value in %s: '%s'",
		       TIMEAUDIT_PARAM_LOCKED, s->locked.raw);
		s->locked.ok = false;
		r = TA_EXIT_IO;
	}
	rc = rc ? rc : r;
	for (i = 0; i < TA_NPARAMS; i++) {
		r = ta_get(TA_DIR_PARAMS, ta_params[i].file, ta_params[i].kind,
			   &s->param[i]);
		rc = rc ? rc : r;
	}
	for (i = 0; i < TA_NCOUNTERS; i++) {
		ta_counter_name(i, s->counter_name[i],
				sizeof(s->counter_name[i]));
		r = ta_get(TA_DIR_COUNTERS, s->counter_name[i], TA_KIND_NUM,
			   &s->counter[i]);
		rc = rc ? rc : r;
	}
	return rc;
}

#define TA_COL	"%-20s"

static void ta_print_param(const struct ta_param *p, const struct ta_val *v)
{
	char human[64], flags[256];

	printf(TA_COL, p->label);
	if (!v->ok) {
		printf("unavailable\n");
		return;
	}
	switch (p->kind) {
	case TA_KIND_NUM:
		ta_format_scaled(human, sizeof(human), v->num, p->units);
		printf("%s (%llu %s%s%s)\n", human, (unsigned long long)v->num,
		       ta_param_base(p), p->zero && !v->num ? ", " : "",
		       p->zero && !v->num ? p->zero : "");
		break;
	case TA_KIND_STATUS:
		ta_format_status(flags, sizeof(flags), v->num);
		printf("0x%04llx (%s)\n", (unsigned long long)v->num, flags);
		break;
	default:
		printf("%s\n", v->raw);
	}
}

static void ta_print_text(const struct ta_status *s)
{
	size_t i;

	if (!s->loaded) {
		printf(TA_COL "not loaded\n", TIMEAUDIT_NAME);
		return;
	}
	printf(TA_COL "loaded, version %s\n", TIMEAUDIT_NAME,
	       s->have_version ? s->version : "unknown");
	printf(TA_COL "%s\n", TIMEAUDIT_PARAM_LOCKED, !s->locked.ok ?
	       "unavailable" : s->locked.num ? "yes" : "no");
	printf(TA_COL "%s\n", TIMEAUDIT_PARAM_UNAVAILABLE,
	       s->have_unavailable ? s->unavailable : "unknown");
	for (i = 0; i < TA_NPARAMS; i++)
		ta_print_param(&ta_params[i], &s->param[i]);
	for (i = 0; i < TA_NCOUNTERS; i++) {
		printf(TA_COL, s->counter_name[i]);
		if (s->counter[i].ok)
			printf("%llu\n",
			       (unsigned long long)s->counter[i].num);
		else
			printf("unavailable\n");
	}
}

static void ta_json_num(const struct ta_val *v)
{
	if (v->ok)
		printf("%llu", (unsigned long long)v->num);
	else
		printf("null");
}

/* The class list as a JSON array; blanks around names are dropped. */
static void ta_json_classes(const char *list)
{
	char buf[TA_VALUE_MAX], *tok, *save = NULL;
	bool first = true;

	snprintf(buf, sizeof(buf), "%s", list);
	printf("[");
	for (tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		printf("%s", first ? "" : ",");
		ta_json_str(stdout, tok);
		first = false;
	}
	printf("]");
}

static const struct ta_val *ta_find_val(const struct ta_status *s,
					enum ta_kind kind)
{
	size_t i;

	for (i = 0; i < TA_NPARAMS; i++)
		if (ta_params[i].kind == kind)
			return &s->param[i];
	return NULL;
}

/* Keys are always present, null when unknown, so parsers need no ifs. */
static void ta_print_json(const struct ta_status *s)
{
	const struct ta_val *key = ta_find_val(s, TA_KIND_KEY);
	const struct ta_val *cls = ta_find_val(s, TA_KIND_CLASSES);
	size_t i, n = 0;

	printf("{\"loaded\":%s,\"version\":", s->loaded ? "true" : "false");
	ta_json_str(stdout, s->loaded && s->have_version ? s->version : NULL);
	if (!s->loaded) {
		printf(",\"locked\":null,\"key\":null,\"classes\":null,"
		       "\"unavailable_classes\":null,"
		       "\"thresholds\":null,\"counters\":null}\n");
		return;
	}
	printf(",\"locked\":%s,\"key\":", !s->locked.ok ? "null" :
	       s->locked.num ? "true" : "false");
	ta_json_str(stdout, key->ok ? key->raw : NULL);
	printf(",\"classes\":");
	if (cls->ok)
		ta_json_classes(cls->raw);
	else
		printf("null");
	/* "none" is an empty list; null: the module does not say. */
	printf(",\"unavailable_classes\":");
	if (!s->have_unavailable)
		printf("null");
	else if (!strcmp(s->unavailable, "none"))
		printf("[]");
	else
		ta_json_classes(s->unavailable);
	printf(",\"thresholds\":{");
	for (i = 0; i < TA_NPARAMS; i++) {
		if (!ta_params[i].json)
			continue;
		printf("%s\"%s\":", n++ ? "," : "", ta_params[i].json);
		ta_json_num(&s->param[i]);
	}
	printf("},\"counters\":{");
	for (i = 0; i < TA_NCOUNTERS; i++) {
		printf("%s", i ? "," : "");
		ta_json_str(stdout, s->counter_name[i]);
		printf(":");
		ta_json_num(&s->counter[i]);
	}
	printf("}}\n");
}

static int ta_cmd_status(bool json)
{
	static struct ta_status s;
	int rc;

	rc = ta_collect(&s);
	if (json)
		ta_print_json(&s);
	else
		ta_print_text(&s);
	return rc;
}

static int ta_cmd_set(int argc, char **argv)
{
	static struct ta_batch b;
	int rc = TA_EXIT_OK, i;

	if (!argc) {
		ta_err("set: nothing to set; try '" TA_PROG " set step=1ms'");
		return TA_EXIT_USAGE;
	}
	/* Check every argument so all mistakes show up in one go. */
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i]) {
			ta_err("set: expected NAME=VALUE, got '%s'", argv[i]);
			rc = TA_EXIT_USAGE;
			continue;
		}
		*eq = '\0';
		if (ta_batch_add(&b, argv[i], eq + 1, NULL, 0))
			rc = TA_EXIT_USAGE;
		*eq = '=';
	}
	return rc ? rc : ta_batch_commit(&b);
}

static int ta_cmd_apply(int argc, char **argv)
{
	static struct ta_batch b;
	int rc;

	if (argc > 1) {
		ta_err("apply: one config file at most");
		return TA_EXIT_USAGE;
	}
	rc = ta_config_load(argc ? argv[0] : TA_CONFIG_DEFAULT, &b);
	return rc ? rc : ta_batch_commit(&b);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			ta_usage(stdout);
			return TA_EXIT_OK;
		case 'V':
			printf(TA_PROG " (" TIMEAUDIT_NAME ") "
			       TIMEAUDIT_VERSION "\n");
			return TA_EXIT_OK;
		default:
			ta_usage(stderr);
			return TA_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	cmd = argc ? argv[0] : "status";
	if (argc) {
		argc--;
		argv++;
	}

	if (json && strcmp(cmd, "status")) {
		ta_err("--json only applies to status");
		return TA_EXIT_USAGE;
	}
	if (!strcmp(cmd, "status")) {
		if (argc) {
			ta_err("status takes no arguments");
			return TA_EXIT_USAGE;
		}
		return ta_cmd_status(json);
	}
	if (!strcmp(cmd, "set"))
		return ta_cmd_set(argc, argv);
	if (!strcmp(cmd, "apply"))
		return ta_cmd_apply(argc, argv);
	if (!strcmp(cmd, "lock")) {
		if (argc) {
			ta_err("lock takes no arguments");
			return TA_EXIT_USAGE;
		}
		return ta_lock();
	}
	ta_err("unknown command '%s'; try '" TA_PROG " --help'", cmd);
	return TA_EXIT_USAGE;
}
