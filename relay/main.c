/* main.c: tocsin-relay's entry point; picks the amtool-style subcommand or
 * runs the daemon. */
#include <string.h>

#include "relay_cmd.h"

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "check-config") == 0)
		return cmd_check_config(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "queue") == 0)
		return cmd_queue(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "send-test") == 0)
		return cmd_send_test(argc - 1, argv + 1);
	/* "config routes ..." and "template render ...": the subcommand's
	 * argv[0] is its second word, as amtool's nesting reads. */
	if (argc > 2 && strcmp(argv[1], "config") == 0 && strcmp(argv[2], "routes") == 0)
		return cmd_config_routes(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[1], "template") == 0 && strcmp(argv[2], "render") == 0)
		return cmd_template_render(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "--help-man") == 0)
		return cmd_help_man();
	/* Everything else, --help and --version included, is the daemon's. */
	return cmd_serve(argc, argv);
}
