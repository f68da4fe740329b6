/* test_deadletter.c: the report about a dead message: its exact
 * Alertmanager-shaped data, what each channel's stored payload says it was
 * about, and the messages it queues for the dead-letter receiver. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "deadletter.h"
#include "payload.h"
#include "tmpl.h"

struct env {
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	struct config		*cfg;
	struct notification	*n;	/* two alerts, one of them twice named */
};

static const char yaml[] =
    "route:\n  receiver: pager\nreceivers:\n"
    "- name: pager\n"
    "  telegram_configs:\n  - bot_token: '123456:TEST-token'\n    chat_id: 42\n"
    "    api_url: http://127.0.0.1:9\n"
    "  slack_configs:\n  - api_url: http://127.0.0.1:9/services/T/B/X\n"
    "  email_configs:\n  - to: 'ops@example.org'\n    from: 'tocsin@example.org'\n"
    "    smarthost: 'localhost:25'\n    require_tls: false\n"
    "  webhook_configs:\n  - url: http://127.0.0.1:9/hook\n"
    "- name: ops\n"
    "  slack_configs:\n  - api_url: http://127.0.0.1:9/services/T/B/Y\n"
    "    channel: '#ops'\n";

static const char payload[] =
    "{\"receiver\":\"pager\",\"status\":\"firing\",\"alerts\":["
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"nas <1>\","
    "\"severity\":\"critical\"},\"annotations\":{\"summary\":\"Disk <90%> & rising\"},"
    "\"startsAt\":\"2026-11-23T13:49:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
    "\"generatorURL\":\"\",\"fingerprint\":\"0000000000000001\"},"
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"BackupLate\",\"severity\":\"critical\"},"
    "\"annotations\":{},\"startsAt\":\"2026-11-23T13:49:00Z\","
    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\"0000000000000002\"},"
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"nas2\","
    "\"severity\":\"critical\"},\"annotations\":{},\"startsAt\":\"2026-11-23T13:49:00Z\","
    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\"0000000000000003\"}],"
    "\"groupLabels\":{\"severity\":\"critical\"},\"commonLabels\":{\"severity\":\"critical\"},"
    "\"commonAnnotations\":{},\"externalURL\":\"http://am:9093\",\"version\":\"4\","
    "\"groupKey\":\"{}:{severity=\\\"critical\\\"}\",\"truncatedAlerts\":0}";

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	e->tmpl = tmpl_set_new();
	if (tmpl_set_add_file(e->tmpl, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("templates: %s", err.msg);
	e->opts.now_sec = 1795441781;
	e->opts.local_tz = "UTC";
	if ((e->cfg = config_load_buffer("d.yml", "/tmp", yaml, strlen(yaml), &err)) == NULL)
		fail_msg("config: %s", err.msg);
	if ((e->n = payload_parse(payload, strlen(payload), &err)) == NULL)
		fail_msg("payload: %s", err.msg);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	tmpl_set_free(e->tmpl);
	config_free(e->cfg);
	notification_free(e->n);
	free(e);
	return 0;
}

/* Renders integration integ of pager as the intake would and returns its
 * part number `part` as a stored entry. */
static struct store_entry *
stored(struct env *e, const char *integ, size_t part)
{
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = &e->opts };
	const struct sender_ops	*ops;
	const void		*cfg;
	struct sender_parts	 parts = { 0 };
	struct store_entry	*se = calloc(1, sizeof(*se));
	struct terr		 err;

	assert_non_null(se);
	assert_int_equal(sender_lookup(config_receiver(e->cfg, "pager"), integ,
	    &ops, &cfg), 0);
	if (ops->render(cfg, e->n, &ctx, &parts, &err) == -1)
		fail_msg("render %s: %s", integ, err.msg);
	assert_true(part < parts.n);
	se->id = 17;
	se->receiver = strdup("pager");
	se->integration = strdup(integ);
	se->dest = strdup(parts.v[part].dest);
	se->dedup_key = strdup("");
	se->last_error = strdup("");
	se->payload = parts.v[part].payload;
	se->payload_len = parts.v[part].len;
	parts.v[part].payload = NULL;
	sender_parts_free(&parts);
	return se;
}

static void
test_report_is_one_firing_alert_with_the_reason(void **state)
{
	struct env		*e = *state;
	struct store_entry	*se = stored(e, "telegram/0", 0);
	struct notification	*r;
	struct terr		 err;
	char			*json;

	r = deadletter_report(se, "telegram: 400 Bad Request: chat not found", "ops",
	    INT64_C(1795441781250), &err);
	assert_non_null(r);
	assert_non_null(json = payload_to_json(r, &err));
	assert_string_equal(json,
	    "{\"receiver\":\"ops\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"alertname\":\"TocsinDeliveryFailed\",\"integration\":\"telegram/0\","
	    "\"receiver\":\"pager\",\"severity\":\"critical\"},"
	    "\"annotations\":{"
	    "\"description\":\"The message given up (queue id 17) began: 🔴 FIRING DiskFull on nas \\u003c1\\u003e · since 13:49 UTC\","
	    "\"destination\":\"telegram:123456:42\","
	    "\"message\":\"🔴 FIRING DiskFull on nas \\u003c1\\u003e · since 13:49 UTC\","
	    "\"message_id\":\"17\","
	    "\"reason\":\"telegram: 400 Bad Request: chat not found\","
	    "\"summary\":\"Could not deliver a notification to pager (telegram/0): "
	    "telegram: 400 Bad Request: chat not found\"},"
	    "\"startsAt\":\"2026-11-23T13:49:41.25Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
	    "\"generatorURL\":\"\",\"fingerprint\":\"5adb20c71f3d3833\"}],"
	    "\"groupLabels\":{\"alertname\":\"TocsinDeliveryFailed\"},"
	    "\"commonLabels\":{\"alertname\":\"TocsinDeliveryFailed\",\"integration\":\"telegram/0\","
	    "\"receiver\":\"pager\",\"severity\":\"critical\"},"
	    "\"commonAnnotations\":{"
	    "\"description\":\"The message given up (queue id 17) began: 🔴 FIRING DiskFull on nas \\u003c1\\u003e · since 13:49 UTC\","
	    "\"destination\":\"telegram:123456:42\","
	    "\"message\":\"🔴 FIRING DiskFull on nas \\u003c1\\u003e · since 13:49 UTC\","
	    "\"message_id\":\"17\","
	    "\"reason\":\"telegram: 400 Bad Request: chat not found\","
	    "\"summary\":\"Could not deliver a notification to pager (telegram/0): "
	    "telegram: 400 Bad Request: chat not found\"},"
	    "\"externalURL\":\"\",\"version\":\"4\","
	    "\"groupKey\":\"{}:{alertname=\\\"TocsinDeliveryFailed\\\"}\",\"truncatedAlerts\":0}");
	free(json);
	notification_free(r);
	store_entry_free(se);
}

/* What each channel's stored message says it was about. */
static void
test_describe_each_channel(void **state)
{
	struct env	*e = *state;
	static const struct {
		const char	*integ;
		const char	*want;
	} cases[] = {
		/* The first line as the chat shows it: tags gone, entities decoded. */
		{ "telegram/0", "🔴 FIRING DiskFull on nas <1> · since 13:49 UTC" },
		/* The title, Slack's escapes undone. */
		{ "slack/0", "[FIRING:3] critical" },
		{ "email/0", "[FIRING:3] critical" },
		/* Each alert name once, in order. */
		{ "webhook/0", "DiskFull, BackupLate" },
	};
	char		 out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct store_entry	*se = stored(e, cases[i].integ, 0);
		char			 kind[16];

		snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(cases[i].integ, "/"),
		    cases[i].integ);
		sender_ops_by_name(kind)->describe(se->payload, se->payload_len, out,
		    sizeof(out));
		assert_string_equal(out, cases[i].want);
		store_entry_free(se);
	}
	/* Not a payload of ours: nothing, and no crash. */
	sender_telegram_ops.describe("{", 1, out, sizeof(out));
	assert_string_equal(out, "");
	sender_email_ops.describe("x", 1, out, sizeof(out));
	assert_string_equal(out, "");
}

static void
test_first_line_cut_at_a_character(void **state)
{
	char	 out[12];

	(void)state;
	sender_first_line("\n  \n  ab\tc  \r\nsecond", 20, out, sizeof(out));
	assert_string_equal(out, "ab c");
	/* "aaaaaa" then a 3-byte character that does not fit before the
	 * marker: cut before it, never inside. */
	sender_first_line("aaaaaa€€€", strlen("aaaaaa€€€"), out, sizeof(out));
	assert_string_equal(out, "aaaaaa...");
}

/* The report goes into the queue for every integration of the dead-letter
 * receiver, rendered with the templates it was given. */
static void
test_enqueue_renders_for_the_receiver(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct store_entry	*se = stored(e, "webhook/0", 0), *list = NULL, *got = NULL;
	struct store_params	 sp;
	struct store		*st;
	struct terr		 err;
	char			 dir[64] = "/tmp/tocsin-dl-XXXXXX", path[128];
	size_t			 n = 0;

	assert_non_null(mkdtemp(dir));
	memset(&sp, 0, sizeof(sp));
	sp.path = dir;
	assert_non_null(st = store_open(&sp, &err));
	assert_int_equal(deadletter_enqueue(st, config_receiver(e->cfg, "ops"), &ctx, se,
	    "webhook: 410 Gone", INT64_C(1795441781250), &err), 0);
	/* The same dead message reported again is queued again: reports are
	 * never taken for duplicates. */
	assert_int_equal(deadletter_enqueue(st, config_receiver(e->cfg, "ops"), &ctx, se,
	    "webhook: 410 Gone", INT64_C(1795441781250), &err), 0);
	assert_int_equal(store_list(st, 1u << STORE_PENDING, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].receiver, "ops");
	assert_string_equal(list[0].integration, "slack/0");
	assert_int_equal(store_get(st, list[0].id, &got, &err), 0);
	assert_string_equal(got->payload,
	    "{\"channel\":\"#ops\",\"username\":\"Alertmanager\",\"attachments\":[{"
	    "\"title\":\"[FIRING:1] TocsinDeliveryFailed\","
	    "\"text\":\"🔴 *TocsinDeliveryFailed*: Could not deliver a notification to pager (webhook/0): webhook: 410 Gone\\n\","
	    "\"fallback\":\"[FIRING:1] TocsinDeliveryFailed\","
	    "\"callback_id\":\"\",\"footer\":\"\",\"color\":\"danger\","
	    "\"mrkdwn_in\":[\"fallback\",\"pretext\",\"text\"]}]}\n");
	store_entry_free(got);
	store_entries_free(list, n);
	store_close(st);
	store_entry_free(se);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_is_one_firing_alert_with_the_reason),
		cmocka_unit_test(test_describe_each_channel),
		cmocka_unit_test(test_first_line_cut_at_a_character),
		cmocka_unit_test(test_enqueue_renders_for_the_receiver),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
