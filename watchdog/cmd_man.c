/* cmd_man.c: `tocsin-watchdog --help-man`, the manual page, assembled from
 * each command's own flag table and usage text (what its --help prints). */

#include "flags.h"
#include "watchdog_cmd.h"

static const char *const synopsis[] = {
	"tocsin-watchdog --config.file=<file> [<flags>]",
	"tocsin-watchdog check-config <file>...",
	NULL,
};

static const struct flag_page page = {
	"tocsin-watchdog",
	"tocsin " TOCSIN_VERSION,
	"a dead-man's switch for Prometheus, Alertmanager and cron jobs",
	synopsis,
	"tocsin-watchdog expects signs of life and notifies, through the same "
	"durable queue and senders as tocsin-relay, when they stop and when they "
	"return. Its configuration file has Alertmanager's global, templates and "
	"receivers, plus checks: heartbeat checks take Alertmanager's webhook "
	"(the always-firing Watchdog alert) on POST /heartbeat/<name>; ping "
	"checks take Healthchecks-style pings on /ping/<name>, /ping/<name>/start, "
	"/ping/<name>/fail, /ping/<name>/log and /ping/<name>/<exit status> (with "
	"?rid=<uuid> for overlapping runs), and expect them every period or on a "
	"five-field cron schedule in a time zone (tz); freshness checks query "
	"Prometheus every interval and compare an age with max_age.\n\n"
	"A check is new until its first sign of life, up, late once its period "
	"has passed (or its schedule's next time, without a success since), and "
	"down (notified) after the grace; while down it reminds "
	"every repeat_interval, and its recovery is notified with how long it was "
	"down. States persist under --storage.path: a restart gives every check a "
	"full period and grace before it can go down, and a check that was down "
	"stays down without a second notification.\n\n"
	"GET /api/v1/checks shows every check; POST /api/v1/checks/<name>/pause "
	"and /resume pause one for maintenance; GET /-/healthy, GET /-/ready and "
	"GET /metrics serve probes and Prometheus. SIGHUP or POST /-/reload "
	"re-reads the configuration, keeping the states of the checks it keeps; "
	"an invalid one is rejected and the old one keeps running.",
	"tocsin-relay(1), prometheus-alertmanager(1), prometheus(1)",
};

int
wd_cmd_help_man(void)
{
	static const struct flag_man_entry cmds[] = {
		{ "tocsin-watchdog", wd_cmd_serve },
		{ "check-config", wd_cmd_check_config },
		{ NULL, NULL },
	};

	return flags_man_page(&page, cmds);
}
