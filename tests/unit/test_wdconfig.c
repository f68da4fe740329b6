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

#include "watchdog/registry.h"
#include "watchdog/wdconfig.h"

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
		check_signal(c, CHECK_SIG_SUCCESS, &t, NULL, 0, NULL, &n);
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
	    "watchdog.yml:6:5: check \"a\": period is required for ping checks");
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
	c = wdconfig_check_at(wc, 2);
	assert_string_equal(c->conf.name, "ssh-exporter");
	assert_int_equal(c->conf.kind, CHECK_FRESHNESS);
	assert_string_equal(c->fresh.query,
	    "time() - node_textfile_mtime_seconds{file=~\".*/ssh.prom\"}");
	assert_non_null(r = wdconfig_receiver(wc, "phone"));
	assert_int_equal(r->ntelegram, 1);
	assert_int_equal(registry_count(wdconfig_registry(wc)), 3);
	wdconfig_free(wc);

	/* Without the credential the example fails, naming the file. */
	assert_int_equal(unlink(tok), 0);
	assert_null(wdconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, "telegram-token"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
