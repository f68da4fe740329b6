/* checkconfig.h: the `check-config FILE...` command both programs have,
 * written once over each program's loader: one verdict per file as amtool
 * check-config prints it (every type error of a file, one per line, as
 * amtool lists Go's "yaml: unmarshal errors") (byte for byte for the relay, which
 * tests/compat/check_config_amtool.sh holds to amtool), what the file holds,
 * the template files it loads, and exit status 1 when any file failed. */
#ifndef TOCSIN_CHECKCONFIG_H
#define TOCSIN_CHECKCONFIG_H

#include "config.h"
#include "err.h"

/* What a program's check-config loads and says; every field is set. */
struct checkconfig {
	const char	*program;	/* "tocsin-relay": starts every error */
	const char	*usage;		/* --help's synopsis and description */
	/* Loads and validates one file; NULL with the reason (the
	 * "FILE:LINE:COL: sentence" the daemon would log) in err and every
	 * error of the file appended to all (config_load_file_all). The
	 * caller frees the result with unload. */
	void		*(*load)(const char *path, struct terr *err,
			    struct terrs *all);
	void		 (*unload)(void *loaded);
	/* The Alertmanager-schema part of what was loaded: its receivers and
	 * template globs. Owned by loaded. */
	const struct config *(*config)(const void *loaded);
	/* Prints the program's own lines of "Found:", between " - global
	 * config" and " - N receivers" (amtool: the route and inhibit rules). */
	void		 (*found)(const void *loaded);
};

/* The command: argv[0] is its name, then --help, --help-man (its section
 * of the manual page) and files; no files reads standard input unless it is
 * a terminal. Missing files and directories are refused before any is
 * checked, as amtool's argument parser does. Returns the exit status. */
int	checkconfig_run(const struct checkconfig *c, int argc, char **argv);

#endif
