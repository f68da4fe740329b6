/* wdcheck_config.c: `tocsin-watchdog check-config FILE...`, which reports
 * like `tocsin-relay check-config` (and so like amtool): one verdict per
 * file, what was found, the template files loaded, exit status 1 when any
 * file failed. */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "flags.h"
#include "tmpl.h"
#include "wdcli.h"
#include "wdconfig.h"

#define CHECK_USAGE "tocsin-watchdog check-config [<check-files>...]\n\n" \
	"Validates tocsin-watchdog configuration files and the templates they " \
	"load; without files it reads standard input."

/* Loads the config's template files like the daemon (after its own), so a
 * file that does not parse fails here and not at start-up. */
static int
check_templates(const struct wdconfig *wc, struct terr *err)
{
	struct tmpl_set	*set;
	size_t		 i;
	int		 rc = 0;

	if (config_check_templates(wdconfig_config(wc), err) == -1)
		return -1;
	if ((set = tmpl_set_new()) == NULL)
		return terr_set(err, "out of memory");
	for (i = 0; i < wdconfig_template_count(wc) && rc == 0; i++)
		rc = tmpl_set_add_glob(set, wdconfig_template_at(wc, i), err);
	tmpl_set_free(set);
	return rc;
}

/* One file; returns how many checks failed (0, 1 or 2, as the relay counts
 * a failed template load apart from the config). */
static int
check_one(const char *path)
{
	const struct config *cfg;
	struct wdconfig	*wc;
	struct terr	 err;
	int		 failed = 0;

	printf("Checking '%s'", path);
	if ((wc = wdconfig_load_file(path, &err)) == NULL) {
		printf("  FAILED: %s\n\n", err.msg);
		return 1;
	}
	cfg = wdconfig_config(wc);
	printf("  SUCCESS\n");
	printf("Found:\n - global config\n");
	printf(" - %zu checks\n", wdconfig_check_count(wc));
	printf(" - %zu receivers\n", config_receiver_count(cfg));
	printf(" - %zu templates\n", wdconfig_template_count(wc));
	if (wdconfig_template_count(wc) > 0) {
		if (check_templates(wc, &err) == -1) {
			printf("  FAILED: %s\n", err.msg);
			failed++;
		} else
			printf("  SUCCESS\n");
	}
	printf("\n");
	wdconfig_free(wc);
	return failed;
}

int
wd_cmd_check_config(int argc, char **argv)
{
	const char	*stdin_path[] = { "/dev/stdin" };
	const char	*const *files;
	bool		 help = false, help_man = false;
	const struct flag flags[] = {
		{ "help", FLAG_BOOL, &help, "Show help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct flag_list pos = { NULL, 0 };
	struct terr	 err;
	struct stat	 st;
	int		 i, n, failed = 0, rc = 1;

	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "tocsin-watchdog: error: %s, try --help\n", err.msg);
		return 1;
	}
	if (help || help_man) {
		if (help_man)
			flags_man_command(stdout, CHECK_USAGE, flags);
		else
			flags_usage(CHECK_USAGE, flags);
		rc = 0;
		goto out;
	}
	files = pos.v;
	n = pos.n;
	for (i = 0; i < n; i++)
		if (stat(files[i], &st) == -1) {
			fprintf(stderr, "tocsin-watchdog: error: path '%s' does not exist\n",
			    files[i]);
			goto out;
		} else if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "tocsin-watchdog: error: '%s' is a directory\n",
			    files[i]);
			goto out;
		}
	if (n == 0) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "tocsin-watchdog: error: Failed to read from "
			    "standard input\n");
			goto out;
		}
		files = stdin_path;
		n = 1;
	}
	for (i = 0; i < n; i++)
		failed += check_one(files[i]);
	fflush(stdout);
	if (failed > 0) {
		fprintf(stderr, "tocsin-watchdog: error: failed to validate %d file(s)\n\n",
		    failed);
		goto out;
	}
	rc = 0;
 out:
	free(pos.v);
	return rc;
}
