/* watchdog_cmd.h: tocsin-watchdog's subcommands. Each takes its own argv (argv[0]
 * is the subcommand's name) and returns the process exit status. */
#ifndef TOCSIN_WATCHDOG_CMD_H
#define TOCSIN_WATCHDOG_CMD_H

/* tocsin-watchdog [flags]: the daemon. */
int	wd_cmd_serve(int argc, char **argv);
/* tocsin-watchdog check-config FILE...: like tocsin-relay check-config. */
int	wd_cmd_check_config(int argc, char **argv);
/* tocsin-watchdog --help-man: the manual page (man(7)) on stdout, from every
 * command's flag table, so it says what --help says. */
int	wd_cmd_help_man(void);

#endif
