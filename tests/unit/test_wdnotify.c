/* test_wdnotify.c: a check's notification in Alertmanager's shape (the exact
 * webhook JSON) and the default Telegram, Slack, e-mail and Discord texts that
 * templates/watchdog.tmpl renders from it. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "payload.h"
#include "tmpl.h"
#include "config_tmpl.h"
#include "wdnotify.h"

/* 2026-11-23T03:12:09.311Z */
#define W0	INT64_C(1795403529311)
#define MIN	INT64_C(60000)

static struct check_notif
notif(enum check_notif_kind kind)
{
	struct check_notif	 cn;

	memset(&cn, 0, sizeof(cn));
	cn.kind = kind;
	cn.name = "nightly-backup";
	cn.check_kind = CHECK_PING;
	cn.state = kind == CHECK_NOTIF_RECOVERED ? CHECK_UP : CHECK_DOWN;
	cn.last_success_wall_ms = W0 - 1440 * MIN;
	cn.last_message = "tar: /srv/db: Cannot open <&>";
	cn.reason = "exit status 2";
	switch (kind) {
	case CHECK_NOTIF_DOWN:
		cn.at_wall_ms = cn.since_wall_ms = W0;
		break;
	case CHECK_NOTIF_REMINDER:
		cn.at_wall_ms = W0 + 120 * MIN;
		cn.since_wall_ms = W0;
		cn.down_ms = 120 * MIN + 42;
		cn.reminder = 2;
		break;
	default:
		cn.at_wall_ms = cn.since_wall_ms = W0 + 25 * MIN;
		cn.down_ms = 25 * MIN;
		cn.last_message = "";
		break;
	}
	return cn;
}

static char *
json_of(enum check_notif_kind kind)
{
	struct check_notif	 cn = notif(kind);
	struct notification	*n;
	struct terr		 err;
	char			*s;

	if ((n = wdnotify_build(&cn, "phone", &err)) == NULL)
		fail_msg("build: %s", err.msg);
	if ((s = payload_to_json(n, &err)) == NULL)
		fail_msg("json: %s", err.msg);
	notification_free(n);
	return s;
}

/* The fingerprint is Alertmanager's (FNV-1a over the sorted labels), as
 * computed for these labels by its model.LabelSet.Fingerprint. */
static void
test_wdnotify_down_is_one_firing_alert(void **state)
{
	char	*s = json_of(CHECK_NOTIF_DOWN);

	assert_string_equal(s, "{\"receiver\":\"phone\",\"status\":\"firing\",\"alerts\":[{"
	    "\"status\":\"firing\",\"labels\":{\"alertname\":\"TocsinCheckDown\",\"check\":"
	    "\"nightly-backup\",\"kind\":\"ping\",\"severity\":\"critical\"},\"annotations\":{"
	    "\"event\":\"down\",\"last_message\":\"tar: /srv/db: Cannot open \\u003c\\u0026\\u003e\","
	    "\"last_success\":\"2026-11-22T03:12:09.311Z\",\"reason\":\"exit status 2\","
	    "\"summary\":\"nightly-backup is down: exit status 2\"},"
	    "\"startsAt\":\"2026-11-23T03:12:09.311Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
	    "\"generatorURL\":\"\",\"fingerprint\":\"4cef5fe2e4b9693c\"}],"
	    "\"groupLabels\":{\"check\":\"nightly-backup\"},\"commonLabels\":{\"alertname\":"
	    "\"TocsinCheckDown\",\"check\":\"nightly-backup\",\"kind\":\"ping\",\"severity\":"
	    "\"critical\"},\"commonAnnotations\":{\"event\":\"down\",\"last_message\":"
	    "\"tar: /srv/db: Cannot open \\u003c\\u0026\\u003e\",\"last_success\":"
	    "\"2026-11-22T03:12:09.311Z\",\"reason\":\"exit status 2\",\"summary\":"
	    "\"nightly-backup is down: exit status 2\"},\"externalURL\":\"\",\"version\":\"4\","
	    "\"groupKey\":\"{}:{check=\\\"nightly-backup\\\"}\",\"truncatedAlerts\":0}");
	free(s);
}

static void
test_wdnotify_reminder_and_recovery(void **state)
{
	char	*s = json_of(CHECK_NOTIF_REMINDER);

	/* The reminder keeps the outage's start; whole seconds only. */
	assert_non_null(strstr(s, "\"annotations\":{\"down_for\":\"2h\",\"event\":\"reminder\","
	    "\"last_message\":\"tar: /srv/db: Cannot open \\u003c\\u0026\\u003e\","
	    "\"last_success\":\"2026-11-22T03:12:09.311Z\",\"reason\":\"exit status 2\","
	    "\"reminder\":\"2\",\"summary\":\"nightly-backup is still down (for 2h): exit status 2\"},"
	    "\"startsAt\":\"2026-11-23T03:12:09.311Z\",\"endsAt\":\"0001-01-01T00:00:00Z\""));
	free(s);
	s = json_of(CHECK_NOTIF_RECOVERED);
	/* Resolved: started when the outage did, ended now; no empty message. */
	assert_non_null(strstr(s, "{\"receiver\":\"phone\",\"status\":\"resolved\",\"alerts\":[{"
	    "\"status\":\"resolved\""));
	assert_non_null(strstr(s, "\"annotations\":{\"down_for\":\"25m\",\"event\":\"recovered\","
	    "\"last_success\":\"2026-11-22T03:12:09.311Z\",\"reason\":\"exit status 2\","
	    "\"summary\":\"nightly-backup is up again after 25m down\"},"
	    "\"startsAt\":\"2026-11-23T03:12:09.311Z\",\"endsAt\":\"2026-11-23T03:37:09.311Z\""));
	free(s);
}

/* Renders text against cn's notification with tocsin.tmpl + watchdog.tmpl. */
static void
render(enum check_notif_kind kind, const char *text, const char *want)
{
	static const struct tmpl_builtin *const b[] = {
		&tmpl_builtin_tocsin, &tmpl_builtin_watchdog,
	};
	static const char yaml[] = "route:\n  receiver: r\nreceivers:\n  - name: r\n";
	struct check_notif	 cn = notif(kind);
	struct notification	*n;
	struct config		*cfg;
	struct tmpl_set		*set;
	struct terr		 err;
	struct buf		 out;

	assert_non_null(cfg = config_load_buffer("t.yml", ".", yaml, strlen(yaml), &err));
	if ((set = tmpl_set_for_config(cfg, b, 2, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	assert_non_null(n = wdnotify_build(&cn, "phone", &err));
	buf_init(&out, 0);
	if (tmpl_render_text(set, text, n, TMPL_TEXT, NULL, &out, &err) == -1)
		fail_msg("render: %s", err.msg);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
	notification_free(n);
	tmpl_set_free(set);
	config_free(cfg);
}

static void
test_wdnotify_telegram_texts(void **state)
{
	const char	*t = "{{ template \"telegram.default.message\" . }}";

	render(CHECK_NOTIF_DOWN, t, "🔴 <b>DOWN</b> nightly-backup · ping\n"
	    "exit status 2\n"
	    "down since 2026-11-23 03:12 UTC\n"
	    "last message:\n"
	    "<pre>tar: /srv/db: Cannot open &lt;&amp;&gt;</pre>");
	render(CHECK_NOTIF_REMINDER, t, "🔴 <b>STILL DOWN</b> nightly-backup · ping\n"
	    "exit status 2\n"
	    "down since 2026-11-23 03:12 UTC (2h)\n"
	    "last message:\n"
	    "<pre>tar: /srv/db: Cannot open &lt;&amp;&gt;</pre>");
	render(CHECK_NOTIF_RECOVERED, t, "✅ <b>UP</b> nightly-backup · ping\n"
	    "back after 25m down\n"
	    "was: exit status 2");
}

static void
test_wdnotify_slack_and_email_texts(void **state)
{
	render(CHECK_NOTIF_DOWN, "{{ template \"slack.default.title\" . }}|"
	    "{{ template \"slack.default.text\" . }}|{{ template \"email.default.subject\" . }}",
	    "[DOWN] nightly-backup|nightly-backup is down: exit status 2\n"
	    "down since 2026-11-23 03:12 UTC\n"
	    "```tar: /srv/db: Cannot open &lt;&amp;&gt;```\n"
	    "|[DOWN] nightly-backup is down: exit status 2");
	render(CHECK_NOTIF_RECOVERED, "{{ template \"slack.default.title\" . }}|"
	    "{{ template \"email.default.subject\" . }}",
	    "[UP] nightly-backup|[UP] nightly-backup is up again after 25m down");
}

/* Discord: a plain title; markdown escaped in the description, the last
 * message raw in a code block. */
static void
test_wdnotify_discord_texts(void **state)
{
	const char	*t = "{{ template \"discord.default.title\" . }}|"
	    "{{ template \"discord.default.message\" . }}";

	render(CHECK_NOTIF_DOWN, t, "[DOWN] nightly-backup|"
	    "🔴 **DOWN** nightly-backup · ping\n"
	    "exit status 2\n"
	    "down since 2026-11-23 03:12 UTC\n"
	    "last message:\n"
	    "```tar: /srv/db: Cannot open <&>```");
	render(CHECK_NOTIF_REMINDER, t, "[STILL DOWN] nightly-backup|"
	    "🔴 **STILL DOWN** nightly-backup · ping\n"
	    "exit status 2\n"
	    "down since 2026-11-23 03:12 UTC (2h)\n"
	    "last message:\n"
	    "```tar: /srv/db: Cannot open <&>```");
	render(CHECK_NOTIF_RECOVERED, t, "[UP] nightly-backup|"
	    "✅ **UP** nightly-backup · ping\n"
	    "back after 25m down\n"
	    "was: exit status 2");
}

/* Pushover: ntfy's plain text (title, message) and no link: the
 * watchdog's notifications come from no Alertmanager. */
static void
test_wdnotify_pushover_texts(void **state)
{
	const char	*t = "{{ template \"pushover.default.title\" . }}|"
	    "{{ template \"pushover.default.message\" . }}|"
	    "{{ template \"pushover.default.url\" . }}";

	render(CHECK_NOTIF_DOWN, t, "[DOWN] nightly-backup|"
	    "🔴 DOWN nightly-backup · ping\n"
	    "exit status 2\n"
	    "down since 2026-11-23 03:12 UTC\n"
	    "last message:\n"
	    "tar: /srv/db: Cannot open <&>|");
	render(CHECK_NOTIF_RECOVERED, t, "[UP] nightly-backup|"
	    "✅ UP nightly-backup · ping\n"
	    "back after 25m down\n"
	    "was: exit status 2|");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wdnotify_down_is_one_firing_alert),
		cmocka_unit_test(test_wdnotify_reminder_and_recovery),
		cmocka_unit_test(test_wdnotify_telegram_texts),
		cmocka_unit_test(test_wdnotify_slack_and_email_texts),
		cmocka_unit_test(test_wdnotify_discord_texts),
		cmocka_unit_test(test_wdnotify_pushover_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
