/* test_sender_slack.c: the Slack and webhook senders against the fake Slack
 * (which records any POST): Alertmanager's attachment JSON and v4 webhook
 * body byte for byte, max_alerts truncation, send_resolved, and Slack's error
 * strings classified; Alertmanager 0.30-0.34's slack fields (app_token and
 * chat.postMessage, the global slack_app_*, message_text, timeout) with
 * their config errors. Alertmanager 0.25 (the Debian one the integration
 * tests run) has none of these, so their bodies are pinned against the
 * fake and Alertmanager 0.34's notify/slack code, not a real
 * Alertmanager. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "config_cases.h"
#include "default_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "receiver_configs.h"
#include "sender.h"
#include "tmpl.h"

#define HOOK "/services/T000/B000/XXXXXXXX"
#define API "/api/chat.postMessage"
#define TOKEN "xoxb-TEST-token"

/* The receiver under test starts on line 5 (config_cases.h's tables). */
#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	char			 dir[64];	/* *_file secrets */
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_slack.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	if ((e->tmpl = default_tmpl_load(&e->opts, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	scratch_make(e->dir, sizeof(e->dir), "test_sender_slack");
	scratch_write(e->dir, "token", "\n  " TOKEN "\n");
	scratch_write(e->dir, "hook", "http://127.0.0.1:1" HOOK "\n");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

static int
reset(void **state)
{
	struct env	*e = *state;

	assert_int_equal(fake_reset(&e->fake), 0);
	return 0;
}

static struct config *
load(struct env *e, const char *kind, const char *url_path, const char *extra)
{
	char		 yaml[4096];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml),
	    "global:\n  resolve_timeout: 5m\nroute:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  %s_configs:\n  - %s: %s%s\n%s",
	    kind, strcmp(kind, "slack") == 0 ? "api_url" : "url",
	    e->fake.base, url_path, extra ? extra : "");
	cfg = config_load_buffer("s.yml", "/tmp", yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

/* Renders with ops for the first integration of kind and sends each part;
 * returns the number of parts. */
static size_t
run(struct env *e, const struct sender_ops *ops, const void *cfg,
    const struct notification *n, struct sender_parts *parts,
    struct send_result *r)
{
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "x/0", .timeout_ms = 5000 };
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (ops->render(cfg, n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		ops->send(cfg, &sctx, parts->v[i].dest, parts->v[i].payload,
		    parts->v[i].len, r);
		assert_null(strstr(r->reason, "XXXXXXXX"));
		assert_null(strstr(r->reason, "secret"));
	}
	return parts->n;
}

/* Default slack_config on the fixture: the exact body, and the fake took it. */
static void
test_slack_fixture_exact(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "slack", HOOK,
	    "    channel: '#alerts'\n    send_resolved: true\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	const char		*want =
	    "{\"channel\":\"#alerts\",\"username\":\"Alertmanager\","
	    "\"attachments\":[{\"title\":\"[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7)\","
	    "\"title_link\":\"http://alertmanager.lan:9093/#/alerts?receiver=tocsin\","
	    "\"text\":\"\",\"fallback\":\"[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7) | http://alertmanager.lan:9093/#/alerts?receiver=tocsin\","
	    "\"callback_id\":\"\",\"footer\":\"\",\"color\":\"danger\","
	    "\"mrkdwn_in\":[\"fallback\",\"pretext\",\"text\"]}]}\n";

	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(strncmp(parts.v[0].dest, "slack:", 6), 0);
	assert_int_equal(strlen(parts.v[0].dest), 6 + 16);
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "path"), HOOK);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* HTML-special label values: the body a real Alertmanager 0.25 sent for the
 * same alert (pinned in tests/integration/fakes_selftest.sh), plus the
 * newline Go's json.Encoder ends it with. */
static void
test_slack_matches_real_alertmanager(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "slack", HOOK, "    channel: '#alerts'\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	static const char	 in[] =
	    "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"both\","
	    "\"groupKey\":\"{}:{}\",\"externalURL\":\"http://am.example:9093\","
	    "\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\","
	    "\"instance\":\"a<b>&c\"},\"annotations\":{\"summary\":"
	    "\"disk <full> & more\"},\"startsAt\":\"2026-11-23T13:49:41Z\"}]}";
	struct terr		 err;
	struct notification	*n = payload_parse(in, strlen(in), &err);
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_non_null(n);
	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"channel\":\"#alerts\",\"username\":\"Alertmanager\",\"attachments\":[{"
	    "\"title\":\"[FIRING:1]  (DiskFull a\\u003cb\\u003e\\u0026c critical)\","
	    "\"title_link\":\"http://am.example:9093/#/alerts?receiver=both\",\"text\":\"\","
	    "\"fallback\":\"[FIRING:1]  (DiskFull a\\u003cb\\u003e\\u0026c critical) | "
	    "http://am.example:9093/#/alerts?receiver=both\",\"callback_id\":\"\",\"footer\":\"\","
	    "\"color\":\"danger\",\"mrkdwn_in\":[\"fallback\",\"pretext\",\"text\"]}]}\n");
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Fields (short falling back to short_fields), actions, omitted empties. */
static void
test_slack_fields_actions(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "slack", HOOK,
	    "    title: 'T'\n    title_link: ''\n    text: '{{ .CommonLabels.severity }}'\n"
	    "    fallback: ''\n    footer: 'f'\n    color: ''\n    username: ''\n"
	    "    icon_emoji: ':fire:'\n    link_names: true\n    short_fields: true\n"
	    "    mrkdwn_in: [text]\n"
	    "    fields:\n    - title: a\n      value: '1'\n    - title: b\n      value: '2'\n      short: false\n"
	    "    actions:\n    - type: button\n      text: Runbook\n      url: 'http://rb/x'\n"
	    "    - type: button\n      text: Ack\n      name: ack\n      value: v\n"
	    "      confirm:\n        text: Sure?\n        ok_text: Yes\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"icon_emoji\":\":fire:\",\"link_names\":true,"
	    "\"attachments\":[{\"title\":\"T\",\"text\":\"critical\",\"fallback\":\"\","
	    "\"callback_id\":\"\",\"fields\":[{\"title\":\"a\",\"value\":\"1\",\"short\":true},"
	    "{\"title\":\"b\",\"value\":\"2\",\"short\":false}],"
	    "\"actions\":[{\"type\":\"button\",\"text\":\"Runbook\",\"url\":\"http://rb/x\"},"
	    "{\"type\":\"button\",\"text\":\"Ack\",\"name\":\"ack\",\"value\":\"v\","
	    "\"confirm\":{\"text\":\"Sure?\",\"ok_text\":\"Yes\"}}],"
	    "\"footer\":\"f\",\"mrkdwn_in\":[\"text\"]}]}\n");
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* A title over 1024 runes keeps 1023 and an ellipsis, counted and cut as
 * Go's TruncateInRunes does: an invalid byte is one rune, and in the cut
 * title it has become U+FFFD. */
static void
test_slack_title_cut_at_1024_runes_like_go(void **state)
{
	struct env		*e = *state;
	char			 extra[1400], want[1200];
	struct config		*cfg;
	const struct receiver	*rc;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	size_t			 len;

	len = (size_t)snprintf(extra, sizeof(extra),
	    "    title: '{{ \"\\x80\" }}");
	for (int i = 0; i < 1100; i++)
		extra[len++] = 'a';
	snprintf(extra + len, sizeof(extra) - len, "'\n");
	len = (size_t)snprintf(want, sizeof(want), "\"title\":\"\xef\xbf\xbd");
	for (int i = 0; i < 1022; i++)
		want[len++] = 'a';
	snprintf(want + len, sizeof(want) - len, "\xe2\x80\xa6\",");
	cfg = load(e, "slack", HOOK, extra);
	rc = config_receiver(cfg, "r");
	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r), 1);
	assert_non_null(strstr(parts.v[0].payload, want));
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Slack's answers: error words permanent, rate_limited waits Retry-After,
 * rollup_error and 5xx transient. send_resolved false drops resolved. */
static void
test_slack_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "slack", "/services/T000/B001/secret", NULL);
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct notification	*res = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;

	/* Unknown webhook: 403 invalid_token. */
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "slack: 403 invalid_token");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "slack", HOOK, NULL);
	rc = config_receiver(cfg, "r");
	s = fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 429, \"retry_after\": 3}, {\"status\": 500},"
	    " {\"status\": 404, \"body\": \"channel_not_found\"},"
	    " {\"status\": 200, \"body\": \"invalid_payload\"}]}");
	free(s);
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, 3000);
	assert_string_equal(r.reason, "slack: 429 rate_limited");
	sender_parts_free(&parts);
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	assert_string_equal(r.reason, "slack: 500 rollup_error");
	sender_parts_free(&parts);
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "slack: 404 channel_not_found");
	sender_parts_free(&parts);
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "slack: 200 invalid_payload");
	sender_parts_free(&parts);
	/* Slack's default send_resolved is false. */
	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), res, &parts, &r), 0);
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

/* Webhook: the v4 payload as Alertmanager sends it (Go encoder newline),
 * cut to max_alerts with truncatedAlerts, basic auth sent. */
static void
test_webhook(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "webhook", HOOK,
	    "    max_alerts: 1\n    http_config:\n      basic_auth:\n"
	    "        username: u\n        password: p\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct notification	*want_n;
	struct sender_parts	 parts;
	struct send_result	 r;
	struct terr		 err;
	char			*want, *got;
	json_t			*reqs, *hdrs;
	bool			 auth = false;

	assert_int_equal(run(e, &sender_webhook_ops, WEBHOOK_AT(rc, 0), n, &parts, &r), 1);
	/* Expected: the first alert's notification with truncatedAlerts 1,
	 * as Alertmanager 0.34 sends it (the default release). */
	want_n = notification_subset(n, (size_t[]){ 0 }, 1, n->receiver);
	want_n->truncated_alerts = 1;
	want = payload_to_json_034(want_n, &err);
	assert_non_null(want);
	assert_non_null(strstr(want, "],\"notification_reason\":\"\",\"groupLabels\":"));
	assert_non_null(strstr(want, ",\"routeLabels\":{},\"externalURL\":"));
	assert_int_equal(parts.v[0].len, strlen(want) + 1);
	assert_memory_equal(parts.v[0].payload, want, strlen(want));
	assert_int_equal(parts.v[0].payload[strlen(want)], '\n');
	assert_non_null(strstr(want, "\"truncatedAlerts\":1"));
	/* The fake Slack records the request and refuses it as no Slack
	 * payload: 400 is permanent for a webhook. */
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "webhook: 400 no_text");
	reqs = fake_requests(&e->fake);
	got = strdup(fake_req_str(reqs, 0, "body"));
	assert_string_equal(fake_req_str(reqs, 0, "path"), HOOK);
	hdrs = json_object_get(json_array_get(reqs, 0), "headers");
	for (size_t i = 0; i < json_array_size(hdrs); i++) {
		json_t *h = json_array_get(hdrs, i);

		if (strcasecmp(json_string_value(json_array_get(h, 0)), "Authorization") == 0)
			auth = strcmp(json_string_value(json_array_get(h, 1)),
			    "Basic dTpw") == 0;
	}
	assert_true(auth);
	assert_memory_equal(got, parts.v[0].payload, parts.v[0].len);
	free(got);
	json_decref(reqs);
	free(want);
	notification_free(want_n);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Under --template.alertmanager-version=0.25 the body is 0.25's webhook:
 * no notification_reason, no routeLabels. */
static void
test_webhook_025_body(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "webhook", HOOK, NULL);
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_render_ctx rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_parts	 parts = { 0 };
	struct terr		 err;
	char			*want;

	/* Only the release is read by the webhook's render. */
	tmpl_set_am_version(e->tmpl, TMPL_AM_0_25);
	assert_int_equal(sender_webhook_ops.render(WEBHOOK_AT(rc, 0), n, &rctx,
	    &parts, &err), 0);
	tmpl_set_am_version(e->tmpl, TMPL_AM_0_34);
	assert_int_equal(parts.n, 1);
	assert_non_null(want = payload_to_json(n, &err));
	assert_null(strstr(want, "routeLabels"));
	assert_int_equal(parts.v[0].len, strlen(want) + 1);
	assert_memory_equal(parts.v[0].payload, want, strlen(want));
	free(want);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Slack and webhook destinations each take one token from a bucket of
 * their own, keyed by the destination, at their flag's rate. */
static void
test_limits_one_bucket_per_destination(void **state)
{
	struct sender_limits	 lim;
	struct rl_want		 w[4];
	const struct sender_ops *const ops[] = { &sender_slack_ops,
	    &sender_webhook_ops };
	const char		*dest = "url:0123456789abcdef";
	size_t			 i;

	sender_limits_default(&lim);
	for (i = 0; i < 2; i++) {
		memset(w, 0xa5, sizeof(w));
		assert_int_equal(ops[i]->limits(dest, &lim, w, 4), 1);
		assert_string_equal(w[0].key, dest);
		assert_true(w[0].rate.per_sec == 1.0);
		assert_true(w[0].rate.burst == 1.0);
		assert_false(w[0].shared);
		assert_int_equal(ops[i]->limits(dest, &lim, w, 0), 0);
	}
}

/* ---- Alertmanager 0.30-0.34: app tokens, message_text, timeout ---- */

/* A config with the fake's base URL in place of every "@". */
static struct config *
load_at(struct env *e, const char *fmt)
{
	char	 yaml[4096];
	size_t	 o = 0;

	for (const char *p = fmt; *p != '\0' && o + 64 < sizeof(yaml); p++)
		if (*p == '@')
			o += (size_t)snprintf(yaml + o, sizeof(yaml) - o, "%s",
			    e->fake.base);
		else
			yaml[o++] = *p;
	yaml[o] = '\0';
	return config_must_load(e->dir, yaml);
}

static const char *
header(json_t *reqs, size_t i, const char *name)
{
	json_t	*hdrs = json_object_get(json_array_get(reqs, i), "headers");

	for (size_t k = 0; k < json_array_size(hdrs); k++) {
		json_t *h = json_array_get(hdrs, k);

		if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
			return json_string_value(json_array_get(h, 1));
	}
	return NULL;
}

static void
test_slack_app_defaults(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	const struct slack_config *c;

	cfg = load_at(e, HEAD "  slack_configs:\n  - app_token: xoxb-1\n");
	c = SLACK_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->app_url, "https://slack.com/api/chat.postMessage");
	assert_string_equal(c->api_url, "https://slack.com/api/chat.postMessage");
	assert_string_equal(c->http.authorization_type, "Bearer");
	assert_string_equal(c->http.authorization_credentials, "xoxb-1");
	assert_null(c->message_text);
	assert_int_equal(c->timeout_ms, 0);
	config_free(cfg);
	/* The global slack_app_url, token from a file, trimmed. */
	cfg = load_at(e, "global:\n  slack_app_url: 'http://g.example/api'\n" HEAD
	    "  slack_configs:\n  - app_token_file: token\n    timeout: 2s\n");
	c = SLACK_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->api_url, "http://g.example/api");
	assert_string_equal(c->http.authorization_credentials, TOKEN);
	assert_int_equal(c->timeout_ms, 2000);
	config_free(cfg);
	/* The global token where the section has neither URL nor
	 * authorization; not over an api_url of its own, nor over a bearer
	 * token of its http_config. */
	cfg = load_at(e, "global:\n  slack_app_token_file: token\n" HEAD
	    "  slack_configs:\n  - channel: a\n"
	    "  - api_url: 'http://h.example/hook'\n"
	    "  - api_url: 'https://slack.com/api/chat.postMessage'\n"
	    "    http_config: {authorization: {credentials: xoxb-own}}\n"
	    "  - api_url_file: hook\n");
	c = SLACK_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->api_url, "https://slack.com/api/chat.postMessage");
	assert_string_equal(c->http.authorization_credentials, TOKEN);
	c = SLACK_AT(config_receiver(cfg, "r"), 1);
	assert_string_equal(c->api_url, "http://h.example/hook");
	assert_null(c->http.authorization_credentials);
	c = SLACK_AT(config_receiver(cfg, "r"), 2);
	assert_string_equal(c->http.authorization_credentials, "xoxb-own");
	/* As in Alertmanager, an api_url_file does not keep the global
	 * token out, and the token wins. */
	c = SLACK_AT(config_receiver(cfg, "r"), 3);
	assert_string_equal(c->api_url, "https://slack.com/api/chat.postMessage");
	assert_string_equal(c->http.authorization_credentials, TOKEN);
	config_free(cfg);
	/* An empty app_token of the section's own counts as none. */
	cfg = load_at(e, "global:\n  slack_app_token: xoxb-g\n" HEAD
	    "  slack_configs:\n  - app_token: ''\n");
	c = SLACK_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->app_token, "xoxb-g");
	assert_string_equal(c->http.authorization_credentials, "xoxb-g");
	config_free(cfg);
	/* A global slack_api_url equal to slack_app_url goes with a token. */
	cfg = load_at(e, "global:\n  slack_app_token: xoxb-g\n"
	    "  slack_api_url: 'https://slack.com/api/chat.postMessage'\n" HEAD
	    "  slack_configs:\n  - channel: a\n");
	c = SLACK_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->http.authorization_credentials, "xoxb-g");
	config_free(cfg);
}

/* Alertmanager 0.34's checks and messages (config/notifiers.go,
 * config/config.go), in its order, at the node they are about; no token
 * (spelled SECRET) echoed. */
static const struct errcase slack_app_errors[] = {
	{ "  slack_configs:\n" "  - {app_token: SECRET, app_token_file: token}\n",
	    "6:41: at most one of app_token & app_token_file must be configured" },
	{ "  slack_configs:\n" "  - {api_url: 'http://h/SECRET', app_token: SECRET}\n",
	    "6:45: at most one of api_url/api_url_file & app_token/app_token_file "
	    "must be configured" },
	{ "  slack_configs:\n" "  - {api_url_file: hook, app_token_file: token}\n",
	    "6:42: at most one of api_url/api_url_file & app_token/app_token_file "
	    "must be configured" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, http_config: {bearer_token: SECRET}}\n",
	    "6:38: http authorization can't be set when using Slack App tokens" },
	{ "  slack_configs:\n" "  - {app_token_file: missing}\n",
	    "6:22: cannot read app_token_file \"{dir}/missing\": No such file or "
	    "directory" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, app_url: 'ftp://x/'}\n",
	    "6:34: app_url: unsupported scheme \"ftp\" for URL" },
	{ "  slack_configs:\n" "  - {app_token: [SECRET]}\n",
	    "6:17: app_token must be a string, not a list" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, message_text: {a: b}}\n",
	    "6:39: message_text must be a string, not a mapping" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, timeout: 10}\n",
	    "6:34: timeout: time: missing unit in duration \"10\"" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, timeout: 1w}\n",
	    "6:34: timeout: time: unknown unit \"w\" in duration \"1w\"" },
	{ "  slack_configs:\n" "  - {channel: a}\n",
	    "6:5: no Slack API URL nor App token set either inline or in a file" },
	/* An incoming webhook cannot edit what it posted. */
	{ "  slack_configs:\n" "  - {api_url: 'http://h/services/T/B/X', update_message: true}\n",
	    "6:58: update_message can only be used with bot tokens. api_url "
	    "must be set to https://slack.com/api/chat.postMessage" },
	{ "  slack_configs:\n" "  - {app_token: SECRET, app_url: 'http://h/api/chat.update', "
	    "update_message: true}\n",
	    "6:78: update_message can only be used with bot tokens. api_url "
	    "must be set to https://slack.com/api/chat.postMessage" },
};

static const struct errcase slack_global_errors[] = {
	{ "global:\n  slack_app_token: SECRET\n  slack_app_token_file: token\n",
	    "3:25: at most one of slack_app_token & slack_app_token_file must be "
	    "configured" },
	{ "global:\n  slack_app_token: SECRET\n  slack_api_url: 'http://h/SECRET'\n",
	    "3:18: at most one of slack_app_token/slack_app_token_file & "
	    "slack_api_url/slack_api_url_file must be configured" },
	{ "global:\n  slack_app_token_file: token\n  slack_api_url_file: hook\n",
	    "3:23: at most one of slack_app_token/slack_app_token_file & "
	    "slack_api_url/slack_api_url_file must be configured" },
	{ "global:\n  slack_app_url: x\n",
	    "2:18: slack_app_url: unsupported scheme \"\" for URL" },
	{ "global:\n  slack_app_token: [SECRET]\n",
	    "2:20: slack_app_token must be a string, not a list" },
	{ "global:\n  slack_app_token_file: missing\n",
	    "2:25: cannot read slack_app_token_file \"{dir}/missing\": No such "
	    "file or directory" },
	/* A null slack_app_url leaves every slack_config without one. */
	{ "global:\n  slack_app_url: null\n",
	    "8:5: no global Slack App URL set" },
};

static void
test_slack_app_config_errors(void **state)
{
	struct env *e = *state;

	check_errors(e->dir, HEAD, "", slack_app_errors, nitems(slack_app_errors));
	check_errors(e->dir, "", HEAD "  slack_configs:\n  - {api_url: 'http://h/SECRET'}\n",
	    slack_global_errors, nitems(slack_global_errors));
}

/* app_token: chat.postMessage with the bot token, message_text as the
 * message's own text between link_names and the attachments (Alertmanager
 * 0.34's request struct), the fake's JSON answer read as success. */
static void
test_slack_app_token_posts_to_chat_post_message(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load_at(e, HEAD "  slack_configs:\n"
	    "  - app_token: " TOKEN "\n    app_url: '@" API "'\n"
	    "    channel: '#alerts'\n    link_names: true\n"
	    "    message_text: '<!here> {{ .CommonLabels.alertname }}'\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	const char		*want =
	    "{\"channel\":\"#alerts\",\"username\":\"Alertmanager\",\"link_names\":true,"
	    "\"text\":\"\\u003c!here\\u003e SSHLoginFromNonLAN\","
	    "\"attachments\":[{\"title\":\"[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7)\","
	    "\"title_link\":\"http://alertmanager.lan:9093/#/alerts?receiver=tocsin\","
	    "\"text\":\"\",\"fallback\":\"[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7) | http://alertmanager.lan:9093/#/alerts?receiver=tocsin\","
	    "\"callback_id\":\"\",\"footer\":\"\",\"color\":\"danger\","
	    "\"mrkdwn_in\":[\"fallback\",\"pretext\",\"text\"]}]}\n";

	assert_int_equal(run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "slack: 200");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "path"), API);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	assert_string_equal(header(reqs, 0, "Authorization"), "Bearer " TOKEN);
	assert_string_equal(header(reqs, 0, "Content-Type"), "application/json");
	assert_non_null(strstr(fake_req_str(reqs, 0, "response"),
	    "\"ok\":true,\"channel\":\"C0ALERTS01\""));
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* One rate-limit bucket per app token and channel (Slack limits each
 * channel), not one for everything posted to chat.postMessage. */
static void
test_slack_app_destination_per_channel(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load_at(e, "global:\n  slack_app_token: " TOKEN
	    "\n  slack_app_url: '@" API "'\n" HEAD "  slack_configs:\n"
	    "  - channel: '#alerts'\n  - channel: '#alerts'\n  - channel: '#ops'\n"
	    "  - channel: '#alerts'\n    app_token: xoxb-other\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_render_ctx rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_parts	 parts;
	struct terr		 err;

	memset(&parts, 0, sizeof(parts));
	for (size_t i = 0; i < 4; i++)
		if (sender_slack_ops.render(SLACK_AT(rc, i), n, &rctx, &parts, &err) == -1)
			fail_msg("render: %s", err.msg);
	assert_int_equal(parts.n, 4);
	assert_string_equal(parts.v[0].dest, parts.v[1].dest);
	assert_string_not_equal(parts.v[0].dest, parts.v[2].dest);
	assert_string_not_equal(parts.v[0].dest, parts.v[3].dest);
	assert_null(strstr(parts.v[0].dest, TOKEN));
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* The Web API's answers: {"ok":false} is permanent as in Alertmanager, but
 * for the words that mean "later"; 429 ratelimited waits Retry-After. */
static void
test_slack_app_answers_classified(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load_at(e, HEAD "  slack_configs:\n"
	    "  - app_token: xoxb-wrong\n    app_url: '@" API "'\n    channel: '#alerts'\n"
	    "  - app_token: " TOKEN "\n    app_url: '@" API "'\n    channel: '#gone'\n"
	    "  - app_token: " TOKEN "\n    app_url: '@" API "'\n    channel: '#alerts'\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	static const struct {
		const char	*force;		/* NULL: the fake's own answer */
		size_t		 cfg;
		enum send_status status;
		int64_t		 retry_ms;
		const char	*reason;
	} cases[] = {
		{ NULL, 0, SEND_PERMFAIL, -1, "slack: 200 invalid_auth" },
		{ NULL, 1, SEND_PERMFAIL, -1, "slack: 200 channel_not_found" },
		{ "{\"status\": 429, \"retry_after\": 7}", 2, SEND_TEMPFAIL, 7000,
		    "slack: 429 ratelimited" },
		{ "{\"status\": 503}", 2, SEND_TEMPFAIL, -1,
		    "slack: 503 service_unavailable" },
		{ "{\"status\": 200, \"error\": \"fatal_error\"}", 2, SEND_TEMPFAIL, -1,
		    "slack: 200 fatal_error" },
		{ "{\"status\": 200, \"error\": \"is_archived\"}", 2, SEND_PERMFAIL, -1,
		    "slack: 200 is_archived" },
		{ "{\"status\": 200, \"body\": \"{\\\"ok\\\":false}\"}", 2,
		    SEND_PERMFAIL, -1, "slack: 200 ok:false" },
		{ NULL, 2, SEND_OK, -1, "slack: 200" },
	};
	char			 force[256];

	for (size_t i = 0; i < nitems(cases); i++) {
		if (cases[i].force != NULL) {
			snprintf(force, sizeof(force), "{\"force\": [%s]}", cases[i].force);
			free(fake_call(&e->fake, "/_fake/config", force));
		}
		run(e, &sender_slack_ops, SLACK_AT(rc, cases[i].cfg), n, &parts, &r);
		if (r.status != cases[i].status ||
		    strcmp(r.reason, cases[i].reason) != 0 ||
		    (cases[i].retry_ms != -1 && r.retry_after_ms != cases[i].retry_ms))
			fail_msg("case %zu: got %d %lld \"%s\"", i, (int)r.status,
			    (long long)r.retry_after_ms, r.reason);
		assert_null(strstr(r.reason, "xoxb"));
		sender_parts_free(&parts);
	}
	notification_free(n);
	config_free(cfg);
}

/* timeout cuts a slow Slack short. */
static void
test_slack_timeout(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "slack", HOOK, "    timeout: 250ms\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct timespec		 t0, t1;
	char			 want[256];

	free(fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"delay\": 3}]}"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(e, &sender_slack_ops, SLACK_AT(rc, 0), n, &parts, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "slack: POST %s/<redacted>: Timeout was "
	    "reached: configured slack timeout reached (250ms)", e->fake.base);
	assert_string_equal(r.reason, want);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_slack_fixture_exact, reset),
		cmocka_unit_test_setup(test_slack_matches_real_alertmanager, reset),
		cmocka_unit_test_setup(test_slack_fields_actions, reset),
		cmocka_unit_test_setup(test_slack_title_cut_at_1024_runes_like_go, reset),
		cmocka_unit_test_setup(test_slack_classification, reset),
		cmocka_unit_test_setup(test_webhook, reset),
		cmocka_unit_test_setup(test_webhook_025_body, reset),
		cmocka_unit_test(test_limits_one_bucket_per_destination),
		cmocka_unit_test(test_slack_app_defaults),
		cmocka_unit_test(test_slack_app_config_errors),
		cmocka_unit_test_setup(test_slack_app_token_posts_to_chat_post_message, reset),
		cmocka_unit_test_setup(test_slack_app_destination_per_channel, reset),
		cmocka_unit_test_setup(test_slack_app_answers_classified, reset),
		cmocka_unit_test_setup(test_slack_timeout, reset),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
