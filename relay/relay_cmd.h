/* relay_cmd.h: tocsin-relay's subcommands. Each takes its own argv (argv[0] is the
 * subcommand's name) and returns the process exit status. */
#ifndef TOCSIN_RELAY_CMD_H
#define TOCSIN_RELAY_CMD_H

/* tocsin-relay [flags]: the daemon. */
int	cmd_serve(int argc, char **argv);
/* tocsin-relay check-config FILE...: like `amtool check-config`. */
int	cmd_check_config(int argc, char **argv);
/* tocsin-relay config routes [test] ...: like `amtool config routes [test]`. */
int	cmd_config_routes(int argc, char **argv);
/* tocsin-relay template render ...: like `amtool template render`. */
int	cmd_template_render(int argc, char **argv);
/* tocsin-relay queue --storage.path=DIR list|retry ID|drop ID: the durable
 * queue's pending and dead messages. */
int	cmd_queue(int argc, char **argv);
/* tocsin-relay send-test --config.file=FILE --receiver=NAME: a sample
 * notification through every integration of one receiver, one result line
 * each; 0 only when all of them delivered. */
int	cmd_send_test(int argc, char **argv);
/* tocsin-relay --help-man: the manual page (man(7)) on stdout, from every
 * command's flags; each command above writes its own section when given
 * --help-man. */
int	cmd_help_man(void);

#endif
