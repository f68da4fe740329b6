/* test_silent_unless.c: tocsin's telegram_configs[].silent_unless: the exact
 * sendMessage bodies the fake Bot API receives with and without a firing
 * alert that matches every matcher, and the config errors the key gives. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "fake_client.h"
#include "payload.h"
#include "receiver_configs.h"
#include "sender.h"
#include "tmpl.h"

#define TOKEN "123456:TEST-token"

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct notification	*mixed;		/* one warning, one critical */
	struct notification	*resolved;	/* a critical one, resolved */
};

static struct notification *
fixture(const char *name)
{
	char			 path[512], *body;
	struct terr		 err;
	struct notification	*n;
	FILE			*f;
	long			 len;

	snprintf(path, sizeof(path), "%s/%s", TOCSIN_FIXTURES_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	body = malloc((size_t)len);
	assert_non_null(body);
	assert_int_equal(fread(body, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	n = payload_parse(body, (size_t)len, &err);
	if (n == NULL)
		fail_msg("%s: %s", name, err.msg);
	free(body);
	return n;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_telegram.py",
	    "{\"chats\": {\"42\": {\"type\": \"private\"}},"
	    " \"rate_limits_enabled\": false}"), 0);
	e->tmpl = tmpl_set_new();
	assert_non_null(e->tmpl);
	e->mixed = fixture("llm-error-rate-mixed-severity.json");
	e->resolved = fixture("ssh-login-resolved.json");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	notification_free(e->mixed);
	notification_free(e->resolved);
	free(e);
	return 0;
}

/* A telegram integration with a short message and these extra lines. */
static struct config *
load(struct env *e, const char *extra)
{
	char		 yaml[2048];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
	    "  - bot_token: '" TOKEN "'\n    chat_id: 42\n    api_url: %s\n"
	    "    parse_mode: ''\n"
	    "    message: '{{ .Status }} {{ len .Alerts.Firing }}'\n%s",
	    e->fake.base, extra);
	cfg = config_load_buffer("tg.yml", "/tmp", yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

#define RINGS(text) "{\"chat_id\":\"42\",\"disable_web_page_preview\":\"true\"," \
	"\"text\":\"" text "\"}"
#define SILENT(text) "{\"chat_id\":\"42\",\"disable_notification\":\"true\"," \
	"\"disable_web_page_preview\":\"true\",\"text\":\"" text "\"}"

/* Renders n, sends it to the fake, and checks the body it received. */
static void
expect_body(struct env *e, const char *extra, const struct notification *n,
    const char *want)
{
	struct config			*cfg = load(e, extra);
	const struct receiver		*r = config_receiver(cfg, "tg");
	const struct telegram_config	*c = TELEGRAM_AT(r, 0);
	struct sender_render_ctx	 ctx = { .tmpl = e->tmpl };
	struct sender_send_ctx		 sctx = { .receiver = "tg",
	    .integration = "telegram/0", .timeout_ms = 5000 };
	struct sender_parts		 parts = { 0 };
	struct send_result		 res;
	struct terr			 err;
	json_t				*reqs;

	assert_int_equal(fake_reset(&e->fake), 0);
	if (sender_telegram_ops.render(c, n, &ctx, &parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	assert_int_equal(parts.n, 1);
	assert_string_equal(parts.v[0].payload, want);
	sender_telegram_ops.send(c, &sctx, parts.v[0].dest, parts.v[0].payload,
	    parts.v[0].len, &res);
	assert_int_equal(res.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	json_decref(reqs);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* Only the warning alert of the mixed group. */
static struct notification *
warning_only(struct env *e)
{
	struct notification *n = notification_subset(e->mixed, (size_t[]){ 0 },
	    1, "tg");

	assert_non_null(n);
	assert_string_equal(kv_get(&n->alerts[0].labels, "severity"), "warning");
	return n;
}

static void
test_rings_for_a_matching_firing_alert(void **state)
{
	struct env *e = *state;

	expect_body(e, "    silent_unless: ['severity=\"critical\"']\n", e->mixed,
	    RINGS("firing 2"));
}

static void
test_silent_without_a_matching_alert(void **state)
{
	struct env		*e = *state;
	struct notification	*n = warning_only(e);

	expect_body(e, "    silent_unless: ['severity=\"critical\"']\n", n,
	    SILENT("firing 1"));
	/* Without the key nothing changes: it rings, as in Alertmanager. */
	expect_body(e, "", n, RINGS("firing 1"));
	notification_free(n);
}

/* A resolved alert does not page, even when its labels match. */
static void
test_resolved_is_silent(void **state)
{
	struct env *e = *state;

	assert_string_equal(kv_get(&e->resolved->alerts[0].labels, "severity"),
	    "critical");
	expect_body(e, "    silent_unless: ['severity=\"critical\"']\n",
	    e->resolved, SILENT("resolved 0"));
}

/* Every matcher of every entry must hold for one and the same alert. */
static void
test_all_matchers_on_one_alert(void **state)
{
	struct env *e = *state;

	expect_body(e, "    silent_unless:\n"
	    "    - '{severity=\"critical\", job=\"local-llm\"}'\n"
	    "    - 'model=~\"phi.*\"'\n", e->mixed, RINGS("firing 2"));
	/* The critical alert is phi's; llama's is only a warning. */
	expect_body(e, "    silent_unless:\n"
	    "    - '{severity=\"critical\", job=\"local-llm\"}'\n"
	    "    - 'model=~\"llama.*\"'\n", e->mixed, SILENT("firing 2"));
}

/* disable_notifications silences everything; silent_unless cannot undo it. */
static void
test_disable_notifications_wins(void **state)
{
	struct env *e = *state;

	expect_body(e, "    disable_notifications: true\n"
	    "    silent_unless: ['severity=\"critical\"']\n", e->mixed,
	    SILENT("firing 2"));
}

/* An empty list is no restriction. */
static void
test_empty_list_rings(void **state)
{
	struct env		*e = *state;
	struct notification	*n = warning_only(e);

	expect_body(e, "    silent_unless: []\n", n, RINGS("firing 1"));
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rings_for_a_matching_firing_alert),
		cmocka_unit_test(test_silent_without_a_matching_alert),
		cmocka_unit_test(test_resolved_is_silent),
		cmocka_unit_test(test_all_matchers_on_one_alert),
		cmocka_unit_test(test_disable_notifications_wins),
		cmocka_unit_test(test_empty_list_rings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
