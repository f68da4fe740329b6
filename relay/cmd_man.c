/* cmd_man.c: `tocsin-relay --help-man`, the manual page, assembled from
 * each command's own flag table and usage text (what its --help prints). */
#include <stdio.h>

#include "cli.h"
#include "flags.h"

static const char *const synopsis[] = {
	"tocsin-relay [<flags>]",
	"tocsin-relay <command> [<flags>] [<args>...]",
	NULL,
};

static const struct flag_page page = {
	"tocsin-relay",
	"tocsin " TOCSIN_VERSION,
	"relay Alertmanager notifications to Telegram, Slack, e-mail and webhooks",
	synopsis,
	"tocsin-relay is an Alertmanager webhook receiver. Its configuration file "
	"uses Alertmanager's alertmanager.yml schema (global, templates, route, "
	"receivers, time_intervals). Every alert of a notification is routed "
	"through the route tree, the messages are rendered with "
	"Alertmanager-compatible templates and committed to a durable queue "
	"under --storage.path before Alertmanager gets its 200; they are then "
	"sent per destination in order, rate-limited, and retried with backoff "
	"across restarts.\n\n"
	"Without a command it runs the daemon: POST /webhook routes through the "
	"tree, POST /webhook/<receiver> hands the notification to one receiver; "
	"GET /-/healthy, GET /-/ready and GET /metrics serve probes and "
	"Prometheus. SIGHUP or POST /-/reload re-reads the configuration; an "
	"invalid one is rejected and the old one keeps running.\n\n"
	"check-config, config routes and template render print what amtool's "
	"commands of the same names print; send-test checks a receiver's path "
	"end to end; queue shows and handles what is waiting in the queue.",
	"amtool(1), prometheus-alertmanager(1), tocsin-watchdog(1)",
};

int
cmd_help_man(void)
{
	/* Each command writes its own section from its flag table. */
	char	 serve[] = "tocsin-relay", check[] = "check-config";
	char	 routes[] = "routes", render[] = "render", queue[] = "queue";
	char	 send_test[] = "send-test";
	char	 flag[] = "--help-man";
	char	*av[3] = { NULL, flag, NULL };
	int	 rc = 0;

	flags_man_begin(stdout, &page);
	flags_man_section(stdout, "COMMANDS");
	av[0] = serve;
	rc |= cmd_serve(2, av);
	av[0] = check;
	rc |= cmd_check_config(2, av);
	av[0] = routes;
	rc |= cmd_config_routes(2, av);
	av[0] = render;
	rc |= cmd_template_render(2, av);
	av[0] = send_test;
	rc |= cmd_send_test(2, av);
	av[0] = queue;
	rc |= cmd_queue(2, av);
	flags_man_end(stdout, &page);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("tocsin-relay: error: writing the manual page");
		return 1;
	}
	return rc;
}
