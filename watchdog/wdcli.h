/* wdcli.h: tocsin-watchdog's subcommands. Each takes its own argv (argv[0]
 * is the subcommand's name) and returns the process exit status. */
#ifndef TOCSIN_WDCLI_H
#define TOCSIN_WDCLI_H

/* tocsin-watchdog [flags]: the daemon. */
int	wd_cmd_serve(int argc, char **argv);
/* tocsin-watchdog check-config FILE...: like tocsin-relay check-config. */
int	wd_cmd_check_config(int argc, char **argv);

#endif
