/* cmd_check_config.c: `tocsin-relay check-config FILE...`, which prints what
 * `amtool check-config` prints, byte for byte, for the same verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "flags.h"
#include "tmpl.h"

#define CHECK_USAGE "tocsin-relay check-config [<check-files>...]\n\n" \
	"Validates alertmanager.yml files and the templates they load, like " \
	"amtool check-config; without files it reads standard input."

/* Loads the template files like Alertmanager's template.FromGlobs: a bad
 * pattern or a file that does not parse fails; a glob matching nothing is
 * fine. */
static int
check_templates(const struct config *cfg, struct terr *err)
{
	struct tmpl_set	*set;
	size_t		 i;
	int		 rc = 0;

	if (config_check_templates(cfg, err) == -1)
		return -1;
	if ((set = tmpl_set_new()) == NULL)
		return terr_set(err, "out of memory");
	for (i = 0; i < config_template_count(cfg) && rc == 0; i++)
		rc = tmpl_set_add_glob(set, config_template_at(cfg, i), err);
	tmpl_set_free(set);
	return rc;
}

/* One file; returns how many checks failed (0, 1 or 2 like amtool, which
 * counts a failed template load separately from the config). */
static int
check_one(const char *path)
{
	struct config	*cfg;
	struct terr	 err;
	int		 failed = 0;

	printf("Checking '%s'", path);
	if ((cfg = config_load_file(path, &err)) == NULL) {
		printf("  FAILED: %s\n\n", err.msg);
		return 1;
	}
	printf("  SUCCESS\n");
	/* Alertmanager's loader always fills in global and requires a route. */
	printf("Found:\n - global config\n - route\n");
	printf(" - %zu inhibit rules\n", config_inhibit_rule_count(cfg));
	printf(" - %zu receivers\n", config_receiver_count(cfg));
	printf(" - %zu templates\n", config_template_count(cfg));
	if (config_template_count(cfg) > 0) {
		if (check_templates(cfg, &err) == -1) {
			printf("  FAILED: %s\n", err.msg);
			failed++;
		} else
			printf("  SUCCESS\n");
	}
	printf("\n");
	config_free(cfg);
	return failed;
}

int
cmd_check_config(int argc, char **argv)
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
		fprintf(stderr, "tocsin-relay: error: %s, try --help\n", err.msg);
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
	/* amtool's argument parser rejects missing files before checking any. */
	for (i = 0; i < n; i++)
		if (stat(files[i], &st) == -1) {
			fprintf(stderr, "tocsin-relay: error: path '%s' does not exist\n",
			    files[i]);
			goto out;
		} else if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "tocsin-relay: error: '%s' is a directory\n",
			    files[i]);
			goto out;
		}
	if (n == 0) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "tocsin-relay: error: Failed to read from "
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
		fprintf(stderr, "tocsin-relay: error: failed to validate %d file(s)\n\n",
		    failed);
		goto out;
	}
	rc = 0;
out:
	free(pos.v);
	return rc;
}
