/* main.c: tocsin-relay's entry point; picks the amtool-style subcommand or
 * runs the daemon. */
#include "cli.h"

int
main(int argc, char **argv)
{
	/* Everything else, --help and --version included, is the daemon's. */
	return cmd_serve(argc, argv);
}
