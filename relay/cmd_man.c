/* cmd_man.c: `tocsin-relay --help-man`, the manual page, assembled from
 * each command's own flag table and usage text (what its --help prints). */

#include "relay_cmd.h"
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
	static const struct flag_man_entry cmds[] = {
		{ "tocsin-relay", cmd_serve },
		{ "check-config", cmd_check_config },
		{ "routes", cmd_config_routes },
		{ "render", cmd_template_render },
		{ "send-test", cmd_send_test },
		{ "queue", cmd_queue },
		{ NULL, NULL },
	};

	return flags_man_page(&page, cmds);
}
