/* checkconfig.c: check-config over a program's loader (see checkconfig.h). */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checkconfig.h"
#include "flags.h"
#include "tmpl.h"

/* Loads the template files like Alertmanager's template.FromGlobs (and the
 * daemons, after their own): a bad pattern or a file that does not parse
 * fails; a glob matching nothing is fine. */
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
check_one(const struct checkconfig *c, const char *path)
{
	const struct config *cfg;
	struct terrs	 all = { NULL, 0 };
	void		*loaded;
	struct terr	 err;
	char		*text;
	int		 failed = 0;

	printf("Checking '%s'", path);
	if ((loaded = c->load(path, &err, &all)) == NULL) {
		text = terrs_text(&all, path);
		printf("  FAILED: %s\n\n", text != NULL ? text : err.msg);
		free(text);
		terrs_clear(&all);
		return 1;
	}
	cfg = c->config(loaded);
	printf("  SUCCESS\n");
	/* Alertmanager's loader always fills in global. */
	printf("Found:\n - global config\n");
	c->found(loaded);
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
	c->unload(loaded);
	return failed;
}

/* amtool's argument parser rejects missing files before checking any. */
static int
check_paths(const struct checkconfig *c, const char *const *files, int n)
{
	struct stat	 st;
	int		 i;

	for (i = 0; i < n; i++)
		if (stat(files[i], &st) == -1) {
			fprintf(stderr, "%s: error: path '%s' does not exist\n", c->program,
			    files[i]);
			return -1;
		} else if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "%s: error: '%s' is a directory\n", c->program,
			    files[i]);
			return -1;
		}
	return 0;
}

int
checkconfig_run(const struct checkconfig *c, int argc, char **argv)
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
	int		 i, n, failed = 0, rc = 1;

	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "%s: error: %s, try --help\n", c->program, err.msg);
		return 1;
	}
	if (flags_help_done(help, help_man, c->usage, flags)) {
		rc = 0;
		goto out;
	}
	files = pos.v;
	n = pos.n;
	if (check_paths(c, files, n) == -1)
		goto out;
	if (n == 0) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "%s: error: Failed to read from standard input\n",
			    c->program);
			goto out;
		}
		files = stdin_path;
		n = 1;
	}
	for (i = 0; i < n; i++)
		failed += check_one(c, files[i]);
	fflush(stdout);
	if (failed > 0) {
		fprintf(stderr, "%s: error: failed to validate %d file(s)\n\n", c->program,
		    failed);
		goto out;
	}
	rc = 0;
 out:
	free(pos.v);
	return rc;
}
