/* main.c: tocsin-watchdog's entry point; picks the subcommand or runs the
 * daemon. */
#include <string.h>

#include "watchdog_cmd.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "check-config") == 0)
		return wd_cmd_check_config(argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "--help-man") == 0)
		return wd_cmd_help_man();
	/* Everything else, --help and --version included, is the daemon's. */
	return wd_cmd_serve(argc, argv);
}
