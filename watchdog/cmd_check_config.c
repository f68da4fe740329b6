/* cmd_check_config.c: `tocsin-watchdog check-config FILE...`, which reports
 * like `tocsin-relay check-config` (and so like amtool), with the checks
 * where amtool has the route (core/daemon/checkconfig.c over the watchdog's
 * loader). */
#include <stdio.h>

#include "checkconfig.h"
#include "watchdog_cmd.h"
#include "wdconfig.h"

static void *
load(const char *path, struct terr *err, struct terrs *all)
{
	return wdconfig_load_file_all(path, err, all);
}

static void
unload(void *wc)
{
	wdconfig_free(wc);
}

static const struct config *
config(const void *wc)
{
	return wdconfig_config(wc);
}

static void
found(const void *wc)
{
	printf(" - %zu checks\n", wdconfig_check_count(wc));
}

int
wd_cmd_check_config(int argc, char **argv)
{
	static const struct checkconfig c = {
		"tocsin-watchdog",
		"tocsin-watchdog check-config [<check-files>...]\n\n"
		"Validates tocsin-watchdog configuration files and the templates they "
		"load; without files it reads standard input.",
		load, unload, config, found,
	};

	return checkconfig_run(&c, argc, argv);
}
