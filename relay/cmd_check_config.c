/* cmd_check_config.c: `tocsin-relay check-config FILE...`, which prints what
 * `amtool check-config` prints, byte for byte, for the same verdicts
 * (core/daemon/checkconfig.c over the relay's loader). */
#include <stdio.h>

#include "checkconfig.h"
#include "relay_cmd.h"
#include "config.h"

static void *
load(const char *path, struct terr *err, struct terrs *all)
{
	return config_load_file_all(path, err, all);
}

static void
unload(void *cfg)
{
	config_free(cfg);
}

static const struct config *
config(const void *cfg)
{
	return cfg;
}

/* Alertmanager's loader requires a route. */
static void
found(const void *cfg)
{
	printf(" - route\n - %zu inhibit rules\n", config_inhibit_rule_count(cfg));
}

int
cmd_check_config(int argc, char **argv)
{
	static const struct checkconfig c = {
		"tocsin-relay",
		"tocsin-relay check-config [<check-files>...]\n\n"
		"Validates alertmanager.yml files and the templates they load, like "
		"amtool check-config; without files it reads standard input.",
		load, unload, config, found,
	};

	return checkconfig_run(&c, argc, argv);
}
