/* test_wdconfig.c: tocsin-watchdog's config: checks of all three kinds, the
 * registry built from them, exact errors with positions, and etc/watchdog.yml. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "receiver_configs.h"
#include "registry.h"
#include "wdconfig.h"

#define NAME "watchdog.yml"

#define RECEIVERS \
	"receivers:\n" \
	"  - name: phone\n" \
	"    webhook_configs:\n" \
	"      - url: http://127.0.0.1:9/hook\n"

static struct wdconfig *
load(const char *yaml, struct terr *err)
{
	memset(err, 0, sizeof(*err));
	return wdconfig_load_buffer(NAME, "/etc/tocsin", yaml, strlen(yaml), err);
}

/* Loads yaml, which must fail, and compares the message. */
static void
assert_load_error(const char *yaml, const char *want)
{
	struct wdconfig	*wc;
	struct terr	 err;

	wc = load(yaml, &err);
	if (wc != NULL)
		wdconfig_free(wc);
	assert_null(wc);
	assert_string_equal(err.msg, want);
}

static void
test_wdconfig_all_three_kinds(void **state)
{
	const char *yaml =
	    "templates: ['watchdog/*.tmpl']\n"
	    RECEIVERS
	    "checks:\n"
	    "  - {name: alertmanager, kind: heartbeat, period: 5m, grace: 2m, "
	    "receiver: phone, repeat_interval: 1h}\n"
	    "  - {name: nightly-backup, kind: ping, period: 24h, grace: 1h, "
	    "receiver: phone, paused: true}\n"
	    "  - name: ssh-exporter\n"
	    "    kind: freshness\n"
	    "    prometheus_url: http://127.0.0.1:9090\n"
	    "    query: 'time() - node_textfile_mtime_seconds{file=~\".*/ssh.prom\"}'\n"
	    "    max_age: 10m\n"
	    "    receiver: phone\n";
	const struct wdconfig_check *c;
	struct wdconfig	*wc;
	struct registry	*reg;
	struct terr	 err;

	(void)state;
	wc = load(yaml, &err);
	if (wc == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(wdconfig_check_count(wc), 3);

	c = wdconfig_check_at(wc, 0);
	assert_string_equal(c->conf.name, "alertmanager");
	assert_int_equal(c->conf.kind, CHECK_HEARTBEAT);
	assert_int_equal(c->conf.period_ms, 300000);
	assert_int_equal(c->conf.grace_ms, 120000);
	assert_int_equal(c->conf.repeat_ms, 3600000);
	assert_int_equal(c->conf.paused, 0);
	assert_string_equal(c->receiver, "phone");
	assert_null(c->fresh.query);

	c = wdconfig_check(wc, "nightly-backup");
	assert_ptr_equal(c, wdconfig_check_at(wc, 1));
	assert_int_equal(c->conf.kind, CHECK_PING);
	assert_int_equal(c->conf.period_ms, 86400000);
	assert_int_equal(c->conf.grace_ms, 3600000);
	/* repeat_interval defaults to Alertmanager's 4h. */
	assert_int_equal(c->conf.repeat_ms, 4 * 3600000);
	assert_int_equal(c->conf.paused, 1);

	c = wdconfig_check(wc, "ssh-exporter");
	assert_non_null(c);
	assert_int_equal(c->conf.kind, CHECK_FRESHNESS);
	assert_string_equal(c->fresh.prometheus_url, "http://127.0.0.1:9090");
	assert_string_equal(c->fresh.query,
	    "time() - node_textfile_mtime_seconds{file=~\".*/ssh.prom\"}");
	assert_int_equal(c->fresh.max_age_ms, 600000);
	assert_int_equal(c->fresh.interval_ms, 60000);
	assert_int_equal(c->fresh.timeout_ms, 10000);
	/* Late when the next answer is overdue; grace covers one more probe. */
	assert_int_equal(c->conf.period_ms, 70000);
	assert_int_equal(c->conf.grace_ms, 60000);
	assert_null(wdconfig_check(wc, "nope"));

	reg = wdconfig_registry(wc);
	assert_int_equal(registry_count(reg), 3);
	assert_string_equal(check_name(registry_at(reg, 0)), "alertmanager");
	assert_string_equal(check_name(registry_at(reg, 2)), "ssh-exporter");
	assert_int_equal(check_get_state(registry_find(reg, "nightly-backup")),
	    CHECK_NEW);
	assert_int_equal(check_paused(registry_find(reg, "nightly-backup")), 1);
	assert_int_equal(check_conf(registry_find(reg, "alertmanager"))->repeat_ms,
	    3600000);

	assert_non_null(wdconfig_receiver(wc, "phone"));
	assert_null(wdconfig_receiver(wc, "pager"));
	assert_int_equal(wdconfig_template_count(wc), 1);
	assert_string_equal(wdconfig_template_at(wc, 0), "/etc/tocsin/watchdog/*.tmpl");
	assert_null(config_route(wdconfig_config(wc)));
	wdconfig_free(wc);
}

static void
test_wdconfig_freshness_interval_timeout_and_no_repeat(void **state)
{
	const char *yaml =
	    RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'https://prom.example:9090/', "
	    "query: up, max_age: 90s, interval: 5m, timeout: 30s, receiver: phone, "
	    "repeat_interval: 0s}\n";
	const struct wdconfig_check *c;
	struct wdconfig	*wc;
	struct terr	 err;

	(void)state;
	wc = load(yaml, &err);
	if (wc == NULL)
		fail_msg("%s", err.msg);
	c = wdconfig_check_at(wc, 0);
	assert_int_equal(c->fresh.max_age_ms, 90000);
	assert_int_equal(c->fresh.interval_ms, 300000);
	assert_int_equal(c->fresh.timeout_ms, 30000);
	assert_int_equal(c->conf.period_ms, 330000);
	assert_int_equal(c->conf.grace_ms, 300000);
	/* 0s turns reminders off. */
	assert_int_equal(c->conf.repeat_ms, 0);
	wdconfig_free(wc);
}

/* The prober queries every interval from the start of the last query, and
 * each answer takes up to timeout: a check whose answers come a little
 * later each time is still answered on schedule and must never show late. */
static void
test_wdconfig_freshness_answered_on_schedule_is_never_late(void **state)
{
	const char *yaml =
	    RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'http://127.0.0.1:9090', "
	    "query: up, max_age: 90s, interval: 1m, timeout: 10s, receiver: phone}\n";
	struct check_notif n;
	struct wd_time	 t;
	struct wdconfig	*wc;
	struct check	*c;
	struct terr	 err;
	int64_t		 start;

	(void)state;
	wc = load(yaml, &err);
	if (wc == NULL)
		fail_msg("%s", err.msg);
	c = registry_find(wdconfig_registry(wc), "f");
	/* Queries start at 0, 60 s, 120 s, ...; the first answers at once,
	 * each later one takes a second longer, up to 9 s. */
	for (start = 0; start <= 9 * 60000; start += 60000) {
		t.mono_ms = t.wall_ms = start + start / 60;
		check_signal(c, CHECK_SIG_SUCCESS, &t, NULL, NULL, 0, NULL, &n);
		/* Ticks just before the next answer (the scheduler wakes at
		 * every deadline). */
		t.mono_ms = t.wall_ms = start + 60000 + (start + 60000) / 60 - 1;
		assert_int_equal(check_tick(c, &t, &n), 0);
		assert_int_equal(check_get_state(c), CHECK_UP);
	}
	/* An answer overdue by the whole timeout is late. */
	t.mono_ms = t.wall_ms = start - 60000 + 9000 + 60000 + 10000;
	assert_int_equal(check_tick(c, &t, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	wdconfig_free(wc);
}

static void
test_wdconfig_errors_checks(void **state)
{
	(void)state;
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: phone}\n"
	    "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:7:12: check name \"a\" is not unique");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: 'my check', kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:6:12: check name \"my check\": only letters, digits, "
	    "'.', '_' and '-' are allowed");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: '..', kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:6:12: check name \"..\" cannot be only dots");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    kind: cron\n",
	    "watchdog.yml:7:11: kind must be heartbeat, ping or freshness, not \"cron\"");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    kind: ping\n"
	    "    grace: 1m\n"
	    "    receiver: phone\n",
	    "watchdog.yml:6:5: check \"a\": period or schedule is required for ping checks");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: heartbeat, period: 1m, receiver: phone}\n",
	    "watchdog.yml:6:5: check \"a\": grace is required for heartbeat checks");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    kind: ping\n"
	    "    period: 5x\n",
	    "watchdog.yml:8:13: period: not a valid duration string: \"5x\"");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: ping, period: 0s, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:6:35: period cannot be zero");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    kind: ping\n"
	    "    period: 1m\n"
	    "    grace: 1m\n"
	    "    receiver: pager\n",
	    "watchdog.yml:10:15: undefined receiver \"pager\" used in check \"a\"");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: ping, period: 1m, grace: 1m}\n",
	    "watchdog.yml:6:5: check \"a\" has no receiver");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:6:5: check has no name");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, period: 1m, grace: 1m, receiver: phone}\n",
	    "watchdog.yml:6:5: check \"a\" has no kind (heartbeat, ping or freshness)");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    kind: ping\n"
	    "    periode: 1m\n",
	    "watchdog.yml:8:5: unknown field periode in check");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: a\n"
	    "    query: up\n"
	    "    kind: ping\n",
	    "watchdog.yml:7:5: field query is not allowed in a ping check "
	    "(only in freshness checks)");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: freshness, period: 1m}\n",
	    "watchdog.yml:6:32: field period is not allowed in a freshness check "
	    "(only in heartbeat and ping checks)");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: phone, "
	    "paused: maybe}\n",
	    "watchdog.yml:6:75: paused must be true or false, not \"maybe\"");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - a\n",
	    "watchdog.yml:6:5: check must be a mapping, not a scalar");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - \n",
	    "watchdog.yml:6:4: empty entry in checks");
	assert_load_error(RECEIVERS
	    "checks: {a: 1}\n",
	    "watchdog.yml:5:9: checks must be a list, not a mapping");
}

static void
test_wdconfig_errors_freshness(void **state)
{
	(void)state;
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - name: f\n"
	    "    kind: freshness\n"
	    "    prometheus_url: http://127.0.0.1:9090\n"
	    "    query: up\n"
	    "    max_age: 10m\n"
	    "    interval: 10s\n"
	    "    timeout: 10s\n"
	    "    receiver: phone\n",
	    "watchdog.yml:12:14: check \"f\": timeout (10s) must be shorter "
	    "than interval (10s)");
	/* The default timeout (10s) against a short interval. */
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, interval: 5s, receiver: phone}\n",
	    "watchdog.yml:6:99: check \"f\": timeout (10s) must be shorter "
	    "than interval (5s)");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, query: up, max_age: 1m, receiver: phone}\n",
	    "watchdog.yml:6:5: check \"f\": prometheus_url is required for "
	    "freshness checks");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'ftp://p', query: up, "
	    "max_age: 1m, receiver: phone}\n",
	    "watchdog.yml:6:48: prometheus_url must be an http or https URL");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: '', max_age: 1m, receiver: phone}\n",
	    "watchdog.yml:6:72: query cannot be empty");
	assert_load_error(RECEIVERS
	    "checks:\n"
	    "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, receiver: phone}\n",
	    "watchdog.yml:6:5: check \"f\": max_age is required for freshness checks");
}

static void
test_wdconfig_errors_top_level(void **state)
{
	(void)state;
	assert_load_error(RECEIVERS
	    "route:\n"
	    "  receiver: phone\n"
	    "checks: []\n",
	    "watchdog.yml:5:1: tocsin-watchdog has no route tree: each check "
	    "names its receiver");
	assert_load_error(RECEIVERS
	    "checkz: []\n",
	    "watchdog.yml:5:1: unknown field checkz in the configuration");
	assert_load_error(RECEIVERS,
	    "watchdog.yml: no checks provided in config");
	assert_load_error("",
	    "watchdog.yml: no checks provided in config");
	assert_load_error(RECEIVERS
	    "checks: []\n",
	    "watchdog.yml:5:9: no checks provided in config");
	/* The relay's receiver validation applies unchanged. */
	assert_load_error(
	    "receivers:\n"
	    "  - name: phone\n"
	    "    telegram_configs:\n"
	    "      - chat_id: 1\n"
	    "checks: []\n",
	    "watchdog.yml:4:9: missing bot_token or bot_token_file on telegram_config");
	assert_load_error(
	    "global:\n"
	    "  resolve_timeout: 5x\n"
	    RECEIVERS
	    "checks: []\n",
	    "watchdog.yml:2:20: resolve_timeout: not a valid duration string: \"5x\"");
}

/* The hook the watchdog uses leaves the relay's loader as it was: checks:
 * is an unknown key there, and a route is still required. */
static void
test_wdconfig_relay_loader_unchanged(void **state)
{
	const char	*yaml = RECEIVERS "checks: []\n";
	struct config	*cfg;
	struct terr	 err;

	(void)state;
	cfg = config_load_buffer("alertmanager.yml", "/etc", yaml, strlen(yaml), &err);
	assert_null(cfg);
	assert_string_equal(err.msg, "alertmanager.yml:5:1: unknown field checks "
	    "in the configuration");
	cfg = config_load_buffer("alertmanager.yml", "/etc", RECEIVERS,
	    strlen(RECEIVERS), &err);
	assert_null(cfg);
	assert_string_equal(err.msg, "alertmanager.yml: no route provided in config");
	cfg = config_load_buffer("alertmanager.yml", "/etc", "", 0, &err);
	assert_null(cfg);
	assert_string_equal(err.msg, "alertmanager.yml: no route provided in config");
}

/* The shipped example loads, its credentials pointed at temporary files as
 * tests/compat/etc_examples.sh does for the relay's examples. */
static void
test_wdconfig_etc_example_loads(void **state)
{
	const char	*in = "/run/credentials/tocsin-watchdog.service/";
	char		 dir[64], path[128], tok[128], *text = NULL, *p;
	size_t		 cap = 0, len = 0, n;
	char		 chunk[4096];
	FILE		*f;
	struct wdconfig	*wc;
	struct terr	 err;
	const struct wdconfig_check *c;
	const struct receiver *r;
	int		 replaced = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_wdconfig.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(tok, sizeof(tok), "%s/telegram-token", dir);
	assert_non_null(f = fopen(tok, "w"));
	fputs("123456789:AAdummy-telegram-token\n", f);
	assert_int_equal(fclose(f), 0);

	assert_non_null(f = fopen(TOCSIN_SOURCE_DIR "/etc/watchdog.yml", "r"));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		assert_true(len + n < 1 << 20);
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			assert_non_null(text = realloc(text, cap));
		}
		memcpy(text + len, chunk, n);
		len += n;
	}
	fclose(f);
	assert_non_null(text);
	text[len] = '\0';

	snprintf(path, sizeof(path), "%s/watchdog.yml", dir);
	assert_non_null(f = fopen(path, "w"));
	for (p = text; *p != '\0';) {
		if (strncmp(p, in, strlen(in)) == 0) {
			fprintf(f, "%s/", dir);
			p += strlen(in);
			replaced++;
		} else
			fputc(*p++, f);
	}
	assert_int_equal(fclose(f), 0);
	free(text);
	/* The bot_token_file and the comment naming the directory. */
	assert_true(replaced > 0);

	wc = wdconfig_load_file(path, &err);
	if (wc == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(wdconfig_check_count(wc), 3);
	c = wdconfig_check_at(wc, 0);
	assert_string_equal(c->conf.name, "alertmanager");
	assert_int_equal(c->conf.kind, CHECK_HEARTBEAT);
	assert_int_equal(c->conf.repeat_ms, 3600000);
	c = wdconfig_check_at(wc, 1);
	assert_string_equal(c->conf.name, "nightly-backup");
	assert_int_equal(c->conf.kind, CHECK_PING);
	assert_string_equal(c->conf.schedule_expr, "0 3 * * *");
	assert_string_equal(tz_name(c->conf.tz), "Europe/Berlin");
	c = wdconfig_check_at(wc, 2);
	assert_string_equal(c->conf.name, "ssh-exporter");
	assert_int_equal(c->conf.kind, CHECK_FRESHNESS);
	assert_string_equal(c->fresh.query,
	    "time() - node_textfile_mtime_seconds{file=~\".*/ssh.prom\"}");
	assert_non_null(r = wdconfig_receiver(wc, "phone"));
	assert_int_equal(NTELEGRAM(r), 1);
	assert_int_equal(registry_count(wdconfig_registry(wc)), 3);
	wdconfig_free(wc);

	/* Without the credential the example fails, naming the file. */
	assert_int_equal(unlink(tok), 0);
	assert_null(wdconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, "telegram-token"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Each key of a check, one at a time, against checks that are otherwise
 * valid; the check is the last line (line 6), its keys in the order
 * written. */
struct wdcase {
	const char	*checks;	/* after "checks:\n" */
	const char	*want;		/* after "watchdog.yml:", or the checks */
};

static const struct wdcase check_key_errors[] = {
	/* A bad schedule points at the field at fault, inside the value. */
	{ "  - name: a\n    kind: ping\n    schedule: 0 25 * * *\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:17: check \"a\": schedule \"0 25 * * *\": bad hour \"25\": hours "
	    "are 0-23" },
	{ "  - name: a\n    kind: ping\n    schedule: \"0 3 * * mon-fry\"\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:24: check \"a\": schedule \"0 3 * * mon-fry\": bad day-of-week "
	    "\"mon-fry\": days of the week are 0-7 or sun-sat, with 5L for the "
	    "last Friday or mon#2 for the second Monday" },
	{ "  - name: a\n    kind: ping\n    schedule: '@daily'\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:16: check \"a\": schedule \"@daily\": cron expression needs 5 "
	    "fields (minute hour day-of-month month day-of-week), not fewer" },
	/* A systemd calendar event: its errors, its zone. */
	{ "  - name: a\n    kind: ping\n    schedule: Mon..Fry 03:00\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:15: check \"a\": schedule \"Mon..Fry 03:00\": bad weekday "
	    "\"Mon..Fry\"" },
	{ "  - name: a\n    kind: ping\n    schedule: '*-*-* 03:00:00.5'\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:30: check \"a\": schedule \"*-*-* 03:00:00.5\": fractional seconds "
	    "are not supported (\"00.5\")" },
	{ "  - name: a\n    kind: ping\n    schedule: '*-*-* 03:00 Europe/Berln'\n"
	    "    grace: 1h\n    receiver: phone\n",
	    "8:28: check \"a\": schedule \"*-*-* 03:00 Europe/Berln\": unknown "
	    "time zone Europe/Berln" },
	{ "  - name: a\n    kind: ping\n    schedule: daily Europe/Berlin\n"
	    "    tz: Europe/Berlin\n    grace: 1h\n    receiver: phone\n",
	    "9:9: check \"a\": tz and the schedule's own zone (Europe/Berlin) "
	    "cannot both be set" },
	{ "  - name: a\n    kind: ping\n    schedule: 0 3 * * *\n"
	    "    tz: Europe/Berln\n    grace: 1h\n    receiver: phone\n",
	    "9:9: check \"a\": tz: unknown time zone Europe/Berln" },
	{ "  - name: a\n    kind: ping\n    schedule: 0 3 * * *\n"
	    "    tz: ''\n    grace: 1h\n    receiver: phone\n",
	    "9:9: check \"a\": tz cannot be empty (UTC is the default)" },
	{ "  - {name: a, kind: ping, period: 1d, schedule: '0 3 * * *', grace: 1h, "
	    "receiver: phone}\n",
	    "6:49: check \"a\": period and schedule cannot both be set" },
	{ "  - {name: a, kind: ping, period: 1d, tz: UTC, grace: 1h, "
	    "receiver: phone}\n",
	    "6:43: check \"a\": tz needs a schedule (a period does not depend on "
	    "the zone)" },
	{ "  - {name: a, kind: heartbeat, schedule: '0 3 * * *', grace: 1h, "
	    "receiver: phone}\n",
	    "6:32: field schedule is not allowed in a heartbeat check (only in "
	    "ping checks)" },
	{ "  - {kind: ping, period: 1m, grace: 1m, receiver: phone, name: [a]}\n",
	    "6:64: name must be a string, not a list" },
	{ "  - {name: a, period: 1m, grace: 1m, receiver: phone, kind: [a]}\n",
	    "6:61: kind must be a string, not a list" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: [a]}\n",
	    "6:60: receiver must be a string, not a list" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: ''}\n",
	    "6:5: check \"a\" has no receiver" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, paused: [a]}\n",
	    "6:75: paused must be true or false, not a list" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, paused: 'true'}\n",
	    "6:75: paused must be true or false, not the string \"true\"" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: 5x}\n",
	    "6:84: repeat_interval: not a valid duration string: \"5x\"" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: []}\n",
	    "6:84: repeat_interval must be a duration, not a list" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: ''}\n",
	    "6:84: repeat_interval: empty duration string" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: !!null ''}\n",
	    "6:84: repeat_interval: empty duration string" },
	{ "  - {name: a, kind: ping, grace: 1m, receiver: phone, period: []}\n",
	    "6:63: period must be a duration, not a list" },
	{ "  - {name: a, kind: ping, grace: 1m, receiver: phone, period: ''}\n",
	    "6:63: period: empty duration string" },
	{ "  - {name: a, kind: ping, grace: 1m, receiver: phone, period: null}\n",
	    "6:5: check \"a\": period or schedule is required for ping checks" },
	{ "  - {name: a, kind: ping, grace: 1m, receiver: phone, period: "
	    "!!null ''}\n",
	    "6:63: period: empty duration string" },
	{ "  - {name: a, kind: ping, period: 1m, receiver: phone, grace: 5x}\n",
	    "6:63: grace: not a valid duration string: \"5x\"" },
	{ "  - {name: a, kind: ping, period: 1m, receiver: phone, grace: []}\n",
	    "6:63: grace must be a duration, not a list" },
	{ "  - {name: a, kind: ping, period: 1m, receiver: phone, grace: null}\n",
	    "6:5: check \"a\": grace is required for ping checks" },
	{ "  - {name: a, kind: ping, period: 1m, receiver: phone, grace: "
	    "!!null ''}\n",
	    "6:63: grace: empty duration string" },
	{ "  - {name: f, kind: freshness, query: up, max_age: 1m, "
	    "receiver: phone, prometheus_url: [a]}\n",
	    "6:89: prometheus_url must be a URL, not a list" },
	{ "  - {name: f, kind: freshness, query: up, max_age: 1m, "
	    "receiver: phone, prometheus_url: 'http://SECRET:pw@/x'}\n",
	    "6:89: prometheus_url is not a valid URL: missing host for URL" },
	{ "  - {name: f, kind: freshness, query: up, max_age: 1m, "
	    "receiver: phone, prometheus_url: null}\n",
	    "6:89: check \"f\": prometheus_url is required for freshness checks" },
	{ "  - {name: f, kind: freshness, query: up, max_age: 1m, "
	    "receiver: phone, prometheus_url: ''}\n",
	    "6:89: prometheus_url must be an http or https URL" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "max_age: 1m, receiver: phone, query: [a]}\n",
	    "6:102: query must be a string, not a list" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "max_age: 1m, receiver: phone, query: null}\n",
	    "6:102: query cannot be empty" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, receiver: phone, max_age: 0s}\n",
	    "6:102: max_age cannot be zero" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, receiver: phone, max_age: null}\n",
	    "6:102: check \"f\": max_age is required for freshness checks" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, receiver: phone, max_age: 5x}\n",
	    "6:102: max_age: not a valid duration string: \"5x\"" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: 0s}\n",
	    "6:116: interval cannot be zero" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: 1s}\n",
	    "6:116: check \"f\": timeout (10s) must be shorter than "
	    "interval (1s)" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: 5x}\n",
	    "6:116: interval: not a valid duration string: \"5x\"" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, timeout: 0s}\n",
	    "6:115: timeout cannot be zero" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, timeout: []}\n",
	    "6:115: timeout must be a duration, not a list" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: 20s, "
	    "timeout: 30s}\n",
	    "6:130: check \"f\": timeout (30s) must be shorter than "
	    "interval (20s)" },
	{ "  - {name: a, kind: null, period: 1m, grace: 1m, receiver: phone}\n",
	    "6:5: check \"a\" has no kind (heartbeat, ping or freshness)" },
	{ "  - {name: a, kind: '', period: 1m, grace: 1m, receiver: phone}\n",
	    "6:21: kind must be heartbeat, ping or freshness, not \"\"" },
	{ "  - {name: null, kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    "6:5: check has no name" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: null}\n",
	    "6:5: check \"a\" has no receiver" },
	{ "  - {name: a, kind: heartbeat, grace: 1m, receiver: phone, "
	    "period: 1m, kind: ping}\n",
	    "6:72: field kind is set twice in check (first at line 6)" },
	{ "  - {kind: ping, name: [a], nope: 1}\n",
	    " 2 errors:\n  " NAME ":6:24: name must be a string, not a list\n  "
	    NAME ":6:29: unknown field nope in check" },
	{ "  - {nope: 1, kind: [a]}\n",
	    "6:21: kind must be a string, not a list" },
	{ "  - {timeout: 1s, kind: heartbeat}\n",
	    "6:6: field timeout is not allowed in a heartbeat check (only "
	    "in freshness checks)" },
	{ "  - {period: 5x, kind: freshness}\n",
	    "6:6: field period is not allowed in a freshness check (only "
	    "in heartbeat and ping checks)" },
	{ "  - {query: [a], kind: freshness, period: 1m}\n",
	    " 2 errors:\n  " NAME ":6:13: query must be a string, not a list\n  "
	    NAME ":6:35: field period is not allowed in a freshness check (only "
	    "in heartbeat and ping checks)" },
	{ "  - {name: 'a b', kind: cron}\n",
	    "6:25: kind must be heartbeat, ping or freshness, not \"cron\"" },
	{ "  - {name: 'a b', kind: ping, receiver: [a]}\n",
	    "6:12: check name \"a b\": only letters, digits, '.', '_' and "
	    "'-' are allowed" },
	/* The type errors of every check are listed; a repeated name is not
	 * reported while there are any. */
	{ "  - {name: a, kind: heartbeat, period: 1m, grace: [1m], receiver: phone}\n"
	  "  - {name: b, kind: ping, period: 1m, grace: 1m, receiver: phone, query: x}\n"
	  "  - {name: b, kind: ping, period: 1m, grace: 1m, receiver: phone}\n",
	    " 2 errors:\n  " NAME ":6:51: grace must be a duration, not a list\n  "
	    NAME ":7:67: field query is not allowed in a ping check (only in "
	    "freshness checks)" },
	/* An invalid value ends the load alone, as in Alertmanager. */
	{ "  - {receiver: [a], name: 'a b'}\n",
	    "6:27: check name \"a b\": only letters, digits, '.', '_' and '-' are "
	    "allowed" },
	{ "  - {name: a, kind: freshness, receiver: phone, prometheus_url: "
	    "'http://p', query: up, max_age: 1m, interval: 10s}\n",
	    "6:111: check \"a\": timeout (10s) must be shorter than "
	    "interval (10s)" },
	{ "  - {name: a, kind: freshness, receiver: phone, prometheus_url: "
	    "'http://p', max_age: 1m, query: ''}\n",
	    "6:97: query cannot be empty" },
	{ "  - {name: a, kind: freshness, receiver: phone, prometheus_url: "
	    "'http://p', max_age: 0s}\n",
	    "6:86: max_age cannot be zero" },
	{ "  - {name: a, kind: freshness, receiver: phone}\n",
	    "6:5: check \"a\": prometheus_url is required for freshness checks" },
	{ "  - {name: a, kind: freshness}\n",
	    "6:5: check \"a\" has no receiver" },
	{ "  - {name: a, kind: ping}\n",
	    "6:5: check \"a\" has no receiver" },
	{ "  - {name: a, kind: ping, receiver: phone}\n",
	    "6:5: check \"a\": period or schedule is required for ping checks" },
	{ "  - {name: a, kind: ping, receiver: phone, period: 1m}\n",
	    "6:5: check \"a\": grace is required for ping checks" },
	{ "  - {name: a, kind: freshness, receiver: phone, prometheus_url: "
	    "'ftp://SECRET', query: up, max_age: 1m}\n",
	    "6:65: prometheus_url must be an http or https URL" },
	{ "  - []\n",
	    "6:5: check must be a mapping, not a list" },
	{ "  - {}\n",
	    "6:5: check has no name" },
	{ "  - {name: a}\n",
	    "6:5: check \"a\" has no kind (heartbeat, ping or freshness)" },
	{ "  - {kind: ping}\n",
	    "6:5: check has no name" },
};

/* What a check holds, printed one line per check. */
static const struct wdcase check_key_values[] = {
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: 0s}\n",
	    "a ping receiver=phone period=60000 grace=60000 repeat=0 "
	    "paused=0 url=(null) query=(null) max_age=0 interval=60000 "
	    "timeout=10000\n" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, repeat_interval: null}\n",
	    "a ping receiver=phone period=60000 grace=60000 "
	    "repeat=14400000 paused=0 url=(null) query=(null) max_age=0 "
	    "interval=60000 timeout=10000\n" },
	{ "  - {name: a, kind: ping, period: 1m, receiver: phone, grace: 0s}\n",
	    "a ping receiver=phone period=60000 grace=0 repeat=14400000 "
	    "paused=0 url=(null) query=(null) max_age=0 interval=60000 "
	    "timeout=10000\n" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: null}\n",
	    "f freshness receiver=phone period=70000 grace=60000 "
	    "repeat=14400000 paused=0 url=http://p:9090 query=up "
	    "max_age=60000 interval=60000 timeout=10000\n" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, timeout: null}\n",
	    "f freshness receiver=phone period=70000 grace=60000 "
	    "repeat=14400000 paused=0 url=http://p:9090 query=up "
	    "max_age=60000 interval=60000 timeout=10000\n" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, timeout: 30s}\n",
	    "f freshness receiver=phone period=90000 grace=60000 "
	    "repeat=14400000 paused=0 url=http://p:9090 query=up "
	    "max_age=60000 interval=60000 timeout=30000\n" },
	{ "  - {name: f, kind: freshness, prometheus_url: 'http://p:9090', "
	    "query: up, max_age: 1m, receiver: phone, interval: 2m, timeout: 1m}\n",
	    "f freshness receiver=phone period=180000 grace=120000 "
	    "repeat=14400000 paused=0 url=http://p:9090 query=up "
	    "max_age=60000 interval=120000 timeout=60000\n" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, paused: null}\n",
	    "a ping receiver=phone period=60000 grace=60000 "
	    "repeat=14400000 paused=0 url=(null) query=(null) max_age=0 "
	    "interval=60000 timeout=10000\n" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone, paused: yes}\n",
	    "a ping receiver=phone period=60000 grace=60000 "
	    "repeat=14400000 paused=1 url=(null) query=(null) max_age=0 "
	    "interval=60000 timeout=10000\n" },
	{ "  - {name: a, kind: heartbeat, period: 1m, grace: 0s, receiver: "
	    "phone}\n",
	    "a heartbeat receiver=phone period=60000 grace=0 "
	    "repeat=14400000 paused=0 url=(null) query=(null) max_age=0 "
	    "interval=60000 timeout=10000\n" },
	{ "  - {name: a, kind: ping, period: 1m, grace: 1m, receiver: "
	    "phone}\n  - {name: b, kind: freshness, prometheus_url: "
	    "'http://p', query: up, max_age: 1m, receiver: phone}\n",
	    "a ping receiver=phone period=60000 grace=60000 "
	    "repeat=14400000 paused=0 url=(null) query=(null) max_age=0 "
	    "interval=60000 timeout=10000\nb freshness receiver=phone "
	    "period=70000 grace=60000 repeat=14400000 paused=0 "
	    "url=http://p query=up max_age=60000 interval=60000 timeout=10000\n" },
};

static void
print_checks(const struct wdconfig *wc, char *out, size_t len)
{
	const struct wdconfig_check *c;
	size_t	 i, o = 0;

	out[0] = '\0';
	for (i = 0; i < wdconfig_check_count(wc) && o < len; i++) {
		c = wdconfig_check_at(wc, i);
		o += (size_t)snprintf(out + o, len - o, "%s %s receiver=%s period=%lld "
		    "grace=%lld repeat=%lld paused=%d url=%s query=%s max_age=%lld "
		    "interval=%lld timeout=%lld\n", c->conf.name,
		    check_kind_name(c->conf.kind), c->receiver,
		    (long long)c->conf.period_ms, (long long)c->conf.grace_ms,
		    (long long)c->conf.repeat_ms, c->conf.paused,
		    c->fresh.prometheus_url ? c->fresh.prometheus_url : "(null)",
		    c->fresh.query ? c->fresh.query : "(null)",
		    (long long)c->fresh.max_age_ms, (long long)c->fresh.interval_ms,
		    (long long)c->fresh.timeout_ms);
	}
}

/* A scheduled check: its expression, its zone (one per config, shared by
 * the checks that name it) and no period. */
static void
test_wdconfig_schedule_and_zone(void **state)
{
	struct wdconfig	*wc;
	struct terr	 err;
	const struct wdconfig_check *a, *b, *c;

	(void)state;
	wc = load(RECEIVERS "checks:\n"
	    "  - {name: a, kind: ping, schedule: '0 3 * * *', tz: Europe/Berlin, "
	    "grace: 1h, receiver: phone}\n"
	    "  - {name: b, kind: ping, schedule: '30 2 * * *', tz: Europe/Berlin, "
	    "grace: 1h, receiver: phone}\n"
	    "  - {name: c, kind: ping, schedule: '*/5 * * * *', grace: 1m, "
	    "receiver: phone}\n", &err);
	if (wc == NULL)
		fail_msg("%s", err.msg);
	a = wdconfig_check(wc, "a");
	b = wdconfig_check(wc, "b");
	c = wdconfig_check(wc, "c");
	assert_string_equal(a->conf.schedule_expr, "0 3 * * *");
	assert_non_null(a->conf.schedule);
	assert_string_equal(tz_name(a->conf.tz), "Europe/Berlin");
	assert_ptr_equal(a->conf.tz, b->conf.tz);
	assert_string_equal(tz_name(c->conf.tz), "UTC");
	assert_true(a->conf.period_ms == 0);
	assert_true(c->conf.grace_ms == 60000);
	wdconfig_free(wc);
}

static void
test_wdconfig_check_key_errors(void **state)
{
	char		 yaml[1024], want[TERR_MAX];
	struct wdconfig	*wc;
	struct terr	 err;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(check_key_errors) / sizeof(check_key_errors[0]); i++) {
		snprintf(yaml, sizeof(yaml), RECEIVERS "checks:\n%s",
		    check_key_errors[i].checks);
		snprintf(want, sizeof(want), NAME ":%s", check_key_errors[i].want);
		if ((wc = load(yaml, &err)) != NULL) {
			wdconfig_free(wc);
			fail_msg("case %zu loaded:\n%s", i, yaml);
		}
		if (strcmp(err.msg, want) != 0)
			fail_msg("case %zu:\n%s\nwant: %s\ngot:  %s", i, yaml, want,
			    err.msg);
		/* Secrets in these cases are spelled SECRET. */
		if (strstr(err.msg, "SECRET") != NULL)
			fail_msg("case %zu echoes a secret: %s", i, err.msg);
	}
}

static void
test_wdconfig_check_key_values(void **state)
{
	char		 yaml[1024], got[2048];
	struct wdconfig	*wc;
	struct terr	 err;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(check_key_values) / sizeof(check_key_values[0]); i++) {
		snprintf(yaml, sizeof(yaml), RECEIVERS "checks:\n%s",
		    check_key_values[i].checks);
		if ((wc = load(yaml, &err)) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
		print_checks(wc, got, sizeof(got));
		wdconfig_free(wc);
		if (strcmp(got, check_key_values[i].want) != 0)
			fail_msg("case %zu:\n%s\nwant: %sgot:  %s", i, yaml,
			    check_key_values[i].want, got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wdconfig_all_three_kinds),
		cmocka_unit_test(test_wdconfig_freshness_interval_timeout_and_no_repeat),
		cmocka_unit_test(test_wdconfig_freshness_answered_on_schedule_is_never_late),
		cmocka_unit_test(test_wdconfig_errors_checks),
		cmocka_unit_test(test_wdconfig_errors_freshness),
		cmocka_unit_test(test_wdconfig_errors_top_level),
		cmocka_unit_test(test_wdconfig_relay_loader_unchanged),
		cmocka_unit_test(test_wdconfig_etc_example_loads),
		cmocka_unit_test(test_wdconfig_check_key_errors),
		cmocka_unit_test(test_wdconfig_schedule_and_zone),
		cmocka_unit_test(test_wdconfig_check_key_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
