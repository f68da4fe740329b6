/* test_config.c: alertmanager.yml loading: exact error messages with
 * positions, Alertmanager's defaults and global inheritance, *_file secrets,
 * and the route tree the loader builds. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config_cases.h"
#include "matcher.h"
#include "redact.h"
#include "receiver_configs.h"

/* Minimal valid tail: a root route and one receiver. */
#define ROOT "route:\n  receiver: default\n"

static int
setup(void **state)
{
	config_fixture_new(state, "test_config");
	return 0;
}

static struct config *
load(struct config_fixture *f, const char *yaml)
{
	return config_must_load(f->dir, yaml);
}

/* Loads yaml expecting failure; returns the message. */
static const char *
load_err(struct config_fixture *f, const char *yaml)
{
	struct terr	 err;

	config_must_fail(f->dir, yaml, &err);
	snprintf(f->err, sizeof(f->err), "%s", err.msg);
	return f->err;
}

static void
test_minimal_config_loads_with_defaults(void **state)
{
	struct config_fixture *f = *state;
	struct config *cfg = load(f, ROOT "receivers:\n- name: default\n");

	assert_non_null(config_route(cfg));
	assert_string_equal(route_receiver(config_route(cfg)), "default");
	assert_int_equal(config_receiver_count(cfg), 1);
	assert_string_equal(config_receiver_at(cfg, 0)->name, "default");
	assert_null(config_receiver(cfg, "nope"));
	assert_int_equal(config_template_count(cfg), 0);
	assert_int_equal(config_inhibit_rule_count(cfg), 0);
	assert_int_equal(config_resolve_timeout_ms(cfg), 5 * 60 * 1000);
	config_free(cfg);
}

static const struct errcase unknown_keys_errors[] = {
	{ ROOT "receivers:\n- name: default\nfoo: 1\n",
	    "5:1: unknown field foo in the configuration" },
	{ "route:\n  receiver: default\n  recevier: x\n"
	    "receivers:\n- name: default\n",
	    "3:3: unknown field recevier in the root route" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: http://x/\n    sendresolved: true\n",
	    "7:5: unknown field sendresolved in webhook_config" },
	{ "global:\n  smtp_frm: a@b\n" ROOT
	    "receivers:\n- name: default\n",
	    "2:3: unknown field smtp_frm in global" },
	{ ROOT "receivers:\n- name: default\n"
	    "  emails: []\n",
	    "5:3: receiver \"default\": unknown field emails" },
};

static void
test_unknown_keys_are_errors_with_position(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", unknown_keys_errors,
	    nitems(unknown_keys_errors));
}

static void
test_duplicate_keys_are_errors(void **state)
{
	struct config_fixture *f = *state;

	assert_string_equal(load_err(f, "route:\n  receiver: default\n  receiver: x\n"
	    "receivers:\n- name: default\n"),
	    NAME ":3:3: field receiver is set twice in the root route (first at line 2)");
}

static const struct errcase wrong_types_errors[] = {
	{ ROOT "receivers:\n  name: default\n",
	    "4:3: receivers must be a list, not a mapping" },
	{ "route:\n- receiver: default\n",
	    "2:1: the root route must be a mapping, not a list" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: http://x/\n    send_resolved: maybe\n",
	    "7:20: send_resolved must be true or false, not \"maybe\"" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: http://x/\n    send_resolved: \"true\"\n",
	    "7:20: send_resolved must be true or false, not the string \"true\"" },
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: t\n    chat_id: abc\n",
	    "7:14: chat_id must be an integer, not \"abc\"" },
	{ ROOT "receivers:\n- name: default\n"
	    "  email_configs:\n  - to: [a, b]\n",
	    "6:9: to must be a string, not a list" },
	{ "global:\n  http_config: []\n" ROOT
	    "receivers:\n- name: default\n",
	    "2:16: http_config must be a mapping, not a list" },
};

static void
test_wrong_types_are_errors(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", wrong_types_errors,
	    nitems(wrong_types_errors));
}

static const struct errcase bad_durations_errors[] = {
	{ "route:\n  receiver: default\n  group_wait: 5x\n"
	    "receivers:\n- name: default\n",
	    "3:15: group_wait: not a valid duration string: \"5x\"" },
	{ "global:\n  resolve_timeout: 1h1h\n" ROOT
	    "receivers:\n- name: default\n",
	    "2:20: resolve_timeout: not a valid duration string: \"1h1h\"" },
	{ "route:\n  receiver: default\n"
	    "  repeat_interval: 0s\nreceivers:\n- name: default\n",
	    "3:20: repeat_interval cannot be zero" },
	{ "route:\n  receiver: default\n"
	    "  group_interval: ''\nreceivers:\n- name: default\n",
	    "3:19: group_interval: empty duration string" },
};

static void
test_bad_durations(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", bad_durations_errors,
	    nitems(bad_durations_errors));
}

static const struct errcase receiver_references_errors[] = {
	{ "route:\n  receiver: default\n  routes:\n"
	    "  - receiver: nope\nreceivers:\n- name: default\n",
	    "4:15: undefined receiver \"nope\" used in route" },
	{ ROOT "receivers:\n- name: default\n"
	    "- name: default\n",
	    "5:3: notification config name \"default\" is not unique" },
	{ ROOT "receivers:\n- name: default\n- {}\n",
	    "5:3: missing name in receiver" },
	{ "route:\n  group_by: [a]\n"
	    "receivers:\n- name: default\n",
	    "2:3: root route must specify a default receiver" },
	{ "receivers:\n- name: default\n",
	    " no route provided in config" },
	{ "",
	    " no route provided in config" },
};

static void
test_receiver_references(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", receiver_references_errors,
	    nitems(receiver_references_errors));
}

static void
test_unsupported_receiver_type_names_it(void **state)
{
	struct config_fixture *f = *state;

	assert_string_equal(load_err(f, "route:\n  receiver: default\n"
	    "receivers:\n- name: ok\n- name: default\n  webhook_configs: []\n"
	    "  opsgenie_configs:\n  - api_key: x\n"),
	    NAME ":7:3: receiver \"default\": opsgenie_configs are not supported by "
	    "tocsin (supported: telegram_configs, slack_configs, email_configs, "
	    "webhook_configs, gotify_configs, pagerduty_configs, ntfy_configs, discord_configs, pushover_configs, file_configs)");
}

static const struct errcase root_route_rules_errors[] = {
	{ "route:\n  receiver: default\n  continue: true\n"
	    "receivers:\n- name: default\n",
	    "3:13: cannot have continue in root route" },
	{ "route:\n  receiver: default\n"
	    "  matchers: [a=b]\nreceivers:\n- name: default\n",
	    "3:3: root route must not have any matchers" },
	{ "route:\n  receiver: default\n"
	    "  match:\n    a: b\nreceivers:\n- name: default\n",
	    "3:3: root route must not have any matchers" },
};

static void
test_root_route_rules(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", root_route_rules_errors,
	    nitems(root_route_rules_errors));
}

static const struct errcase matchers_and_regexes_errors[] = {
	{ "route:\n  receiver: default\n  routes:\n"
	    "  - match:\n      1job: x\nreceivers:\n- name: default\n",
	    "5:7: invalid label name \"1job\" in match" },
	{ "route:\n  receiver: default\n"
	    "  group_by: [a, '...']\nreceivers:\n- name: default\n",
	    "3:13: cannot have wildcard group_by (`...`) and other labels at "
	    "the same time" },
	{ "route:\n  receiver: default\n"
	    "  group_by: [a-b]\nreceivers:\n- name: default\n",
	    "3:14: invalid label name \"a-b\" in group_by list" },
};

static void
test_matchers_and_regexes(void **state)
{
	struct config_fixture *f = *state;
	const char *e;

	e = load_err(f, "route:\n  receiver: default\n  routes:\n"
	    "  - match_re:\n      job: 'a(b'\nreceivers:\n- name: default\n");
	assert_true(strncmp(e, NAME ":5:12: invalid regular expression for \"job\" "
	    "in match_re: ", strlen(NAME ":5:12: invalid regular expression for "
	    "\"job\" in match_re: ")) == 0);
	e = load_err(f, "route:\n  receiver: default\n  routes:\n"
	    "  - matchers: ['job=~\"a(b\"']\nreceivers:\n- name: default\n");
	assert_string_equal(e, NAME ":4:16: invalid matcher: error parsing regexp: "
	    "missing closing ): `^(?:a(b)$`");
	assert_string_equal(load_err(f, "route:\n  receiver: default\n  routes:\n"
	    "  - match_re:\n      job:\nreceivers:\n- name: default\n"),
	    NAME ":5:11: invalid regexp value for \"job\"");
	/* A control byte from the config is escaped, never copied raw. */
	e = load_err(f, "route:\n  receiver: default\n  routes:\n"
	    "  - match_re:\n      job: \"a(\\nb\"\nreceivers:\n- name: default\n");
	assert_null(strchr(e, '\n'));
	assert_non_null(strstr(e, "`^(?:a(\\nb)$`"));
	check_errors(f->dir, "", "", matchers_and_regexes_errors,
	    nitems(matchers_and_regexes_errors));
	assert_string_equal(load_err(f, ROOT "receivers:\n- name: default\n"
	    "inhibit_rules:\n- source_matchers: ['a=~\"(\"']\n"),
	    load_err(f, ROOT "receivers:\n- name: default\n"
	    "inhibit_rules:\n- source_matchers: ['a=~\"(\"']\n"));
	assert_true(strncmp(f->err, NAME ":6:21: invalid matcher: ",
	    strlen(NAME ":6:21: invalid matcher: ")) == 0);
}

static void
test_route_tree_routes_labels(void **state)
{
	struct config_fixture *f = *state;
	const struct route *out[8];
	struct kv	 labels;
	struct config	*cfg;
	size_t		 n;

	cfg = load(f, "route:\n  receiver: default\n  group_by: [alertname]\n"
	    "  group_wait: 30s\n  routes:\n"
	    "  - matchers: ['severity=\"critical\"']\n    receiver: pager\n"
	    "    continue: true\n"
	    "  - match_re:\n      severity: 'warn.*|critical'\n    receiver: chat\n"
	    "  - match:\n      team: db\n    receiver: db\n"
	    "receivers:\n- name: default\n- name: pager\n- name: chat\n- name: db\n"
	    "inhibit_rules:\n- source_match: {severity: critical}\n"
	    "  target_match_re: {severity: 'warn.*'}\n  equal: [alertname]\n");
	assert_int_equal(config_inhibit_rule_count(cfg), 1);
	kv_init(&labels);
	assert_int_equal(kv_set(&labels, "severity", "critical"), 0);
	n = route_match(config_route(cfg), &labels, out, 8);
	assert_int_equal(n, 2);
	assert_string_equal(route_receiver(out[0]), "pager");
	assert_string_equal(route_receiver(out[1]), "chat");
	assert_int_equal(kv_set(&labels, "severity", "warning"), 0);
	n = route_match(config_route(cfg), &labels, out, 8);
	assert_int_equal(n, 1);
	assert_string_equal(route_receiver(out[0]), "chat");
	assert_int_equal(kv_set(&labels, "severity", "info"), 0);
	assert_int_equal(kv_set(&labels, "team", "db"), 0);
	n = route_match(config_route(cfg), &labels, out, 8);
	assert_int_equal(n, 1);
	assert_string_equal(route_receiver(out[0]), "db");
	assert_int_equal(kv_set(&labels, "team", "web"), 0);
	n = route_match(config_route(cfg), &labels, out, 8);
	assert_int_equal(n, 1);
	assert_string_equal(route_receiver(out[0]), "default");
	kv_free(&labels);
	config_free(cfg);
}

static const struct errcase telegram_errors[] = {
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: x\n    chat_id: 1\n"
	    "    parse_mode: html\n",
	    "8:17: unknown parse_mode on telegram_config, must be Markdown, "
	    "MarkdownV2, HTML or empty string" },
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: x\n",
	    "6:5: missing chat_id or chat_id_file on telegram_config" },
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - chat_id: 5\n",
	    "6:5: missing bot_token or bot_token_file on telegram_config" },
};

static void
test_telegram_defaults_and_global_api_url(void **state)
{
	struct config_fixture *f = *state;
	const struct telegram_config *t;
	struct config *cfg;

	cfg = load(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token: '123:abc'\n    chat_id: -1001234\n"
	    "  - bot_token: t2\n    chat_id: 7\n    parse_mode: ''\n"
	    "    send_resolved: false\n    message_thread_id: 42\n"
	    "    api_url: https://tg.example/\n");
	assert_int_equal(NTELEGRAM(config_receiver_at(cfg, 0)), 2);
	t = TELEGRAM_AT(config_receiver_at(cfg, 0), 0);
	assert_true(t->send_resolved);
	assert_string_equal(t->api_url, "https://api.telegram.org");
	assert_string_equal(t->bot_token, "123:abc");
	assert_int_equal(t->chat_id, -1001234);
	assert_string_equal(t->parse_mode, "HTML");
	assert_string_equal(t->message, "{{ template \"telegram.default.message\" . }}");
	assert_false(t->disable_notifications);
	assert_true(t->http.follow_redirects);
	assert_true(t->http.enable_http2);
	t = TELEGRAM_AT(config_receiver_at(cfg, 0), 1);
	assert_false(t->send_resolved);
	assert_string_equal(t->parse_mode, "");
	assert_int_equal(t->message_thread_id, 42);
	assert_string_equal(t->api_url, "https://tg.example/");
	config_free(cfg);

	cfg = load(f, "global:\n  telegram_api_url: http://127.0.0.1:8080\n" ROOT
	    "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token: x\n    chat_id: 1\n");
	assert_string_equal(TELEGRAM_AT(config_receiver_at(cfg, 0), 0)->api_url,
	    "http://127.0.0.1:8080");
	config_free(cfg);

	cfg = load(f, "global:\n  telegram_api_url:\n" ROOT
	    "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token: x\n    chat_id: 1\n");
	assert_string_equal(TELEGRAM_AT(config_receiver_at(cfg, 0), 0)->api_url,
	    "https://api.telegram.org");
	config_free(cfg);

	check_errors(f->dir, "", "", telegram_errors, nitems(telegram_errors));
}

/* tocsin's silent_unless: matcher strings as routes take them, all kept
 * (several per string too), in order; an empty list means unset. */
static const struct errcase telegram_silent_unless_errors[] = {
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: x\n    chat_id: 1\n"
	    "    silent_unless:\n    - a=\"b\"\n    - 'a=~\"(\"'\n",
	    "10:7: silent_unless: error parsing regexp: missing closing ): "
	    "`^(?:()$`" },
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: x\n    chat_id: 1\n"
	    "    silent_unless: a=b\n",
	    "8:20: silent_unless must be a list, not a scalar" },
	{ ROOT "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token: x\n    chat_id: 1\n"
	    "    silent_unless:\n    - a: b\n",
	    "9:7: silent_unless must be a string, not a mapping" },
	{ ROOT "receivers:\n- name: default\n"
	    "  slack_configs:\n  - api_url: http://x/\n    silent_unless: [a=b]\n",
	    "7:5: unknown field silent_unless in slack_config" },
};

static void
test_telegram_silent_unless(void **state)
{
	struct config_fixture			*f = *state;
	struct config			*cfg;
	const struct telegram_config	*t;
	struct buf			 b;
	const char			*want[] = { "severity=\"critical\"",
	    "team=~\"ops|infra\"", "env!=\"test\"" };

	cfg = load(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token: x\n    chat_id: 1\n    silent_unless:\n"
	    "    - severity=\"critical\"\n    - '{team=~\"ops|infra\",env!=\"test\"}'\n"
	    "  - bot_token: x\n    chat_id: 2\n    silent_unless: []\n"
	    "  - bot_token: x\n    chat_id: 3\n");
	t = TELEGRAM_AT(config_receiver_at(cfg, 0), 0);
	assert_non_null(t->silent_unless);
	assert_int_equal(t->silent_unless->n, 3);
	for (size_t i = 0; i < 3; i++) {
		buf_init(&b, 0);
		assert_int_equal(matcher_format(t->silent_unless->v[i], &b), 0);
		assert_string_equal(buf_str(&b), want[i]);
		buf_free(&b);
	}
	assert_null(TELEGRAM_AT(config_receiver_at(cfg, 0), 1)->silent_unless);
	assert_null(TELEGRAM_AT(config_receiver_at(cfg, 0), 2)->silent_unless);
	config_free(cfg);

	check_errors(f->dir, "", "", telegram_silent_unless_errors,
	    nitems(telegram_silent_unless_errors));
}

static void
test_secret_files_are_read_and_never_echoed(void **state)
{
	struct config_fixture *f = *state;
	const struct telegram_config *t;
	struct config *cfg;
	const char *e;

	scratch_write(f->dir, "token", "  123:SECRETTOKEN\n");
	scratch_write(f->dir, "chat", "-42\n");
	scratch_write(f->dir, "badchat", "SECRETCHAT\n");
	cfg = load(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token_file: token\n    chat_id_file: chat\n");
	t = TELEGRAM_AT(config_receiver_at(cfg, 0), 0);
	assert_string_equal(t->bot_token, "123:SECRETTOKEN");
	assert_int_equal(t->chat_id, -42);
	config_free(cfg);

	e = load_err(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token_file: missing\n    chat_id: 1\n");
	assert_true(strstr(e, NAME ":6:21: cannot read bot_token_file \"") == e);
	assert_non_null(strstr(e, "/missing\": No such file or directory"));

	e = load_err(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token_file: token\n    chat_id_file: badchat\n");
	assert_true(strstr(e, NAME ":7:19: chat_id_file \"") == e);
	assert_null(strstr(e, "SECRETCHAT"));

	e = load_err(f, ROOT "receivers:\n- name: default\n  slack_configs:\n"
	    "  - api_url: ftp://hooks.example/SECRETHOOK\n");
	assert_string_equal(e, NAME ":6:14: api_url must be an http or https URL");

	e = load_err(f, ROOT "receivers:\n- name: default\n  telegram_configs:\n"
	    "  - bot_token: SECRETINLINE\n    bot_token_file: token\n    chat_id: 1\n");
	assert_string_equal(e, NAME ":7:21: at most one of bot_token & bot_token_file "
	    "must be configured");
}

/* Every secret the file holds, inline or in a *_file, in global or in a
 * receiver, is in the config's redactor, in the forms a request carries it;
 * what is no secret (a chat id from its file, a host) is not. */
static void
test_redactor_holds_every_secret(void **state)
{
	struct config_fixture *f = *state;
	struct config	*cfg;
	struct buf	 b;
	static const char *const text =
	    "POST /bot123:FILETOKEN/sendMessage chat -42 | "
	    "POST /services/T0/B0/SLACKSLACKPATH Host: hooks.lan | "
	    "POST /hook?key=QUERYTOKEN Authorization: Basic d2g6QkFTSUNQVw== | "
	    "BASICPW BEARERTOK SMTPPASS GLOBALPASS ROUTINGKEY1 PUSHUSER1 "
	    "PUSHTOKEN1 NTFYTOKEN1 GOTIFYTOK1";

	scratch_write(f->dir, "token", "123:FILETOKEN\n");
	scratch_write(f->dir, "chat", "-42\n");
	scratch_write(f->dir, "pw", "BASICPW\n");
	cfg = load(f, "global:\n  smtp_auth_password: GLOBALPASS\n" ROOT
	    "receivers:\n- name: default\n"
	    "  telegram_configs:\n  - bot_token_file: token\n    chat_id_file: chat\n"
	    "  slack_configs:\n  - api_url: http://hooks.lan/services/T0/B0/SLACKSLACKPATH\n"
	    "  webhook_configs:\n  - url: http://hooks.lan/hook?key=QUERYTOKEN\n"
	    "    http_config:\n      basic_auth: {username: wh, password_file: pw}\n"
	    "  - url: http://hooks.lan/other\n"
	    "    http_config:\n      authorization: {credentials: BEARERTOK}\n"
	    "  email_configs:\n  - to: a@b.c\n    from: x@b.c\n"
	    "    smarthost: mail.lan:587\n    auth_username: x\n    auth_password: SMTPPASS\n"
	    "  pagerduty_configs:\n  - routing_key: ROUTINGKEY1\n"
	    "  pushover_configs:\n  - user_key: PUSHUSER1\n    token: PUSHTOKEN1\n"
	    "  ntfy_configs:\n  - topic: tocsin-alerts\n    token: NTFYTOKEN1\n"
	    "  gotify_configs:\n  - url: http://gotify.lan\n    token: GOTIFYTOK1\n");
	buf_init(&b, 0);
	assert_int_equal(redactor_text(config_redactor(cfg), text, &b), 0);
	assert_string_equal(buf_str(&b),
	    "POST /bot<secret>/sendMessage chat -42 | "
	    "POST <secret> Host: hooks.lan | "
	    "POST <secret>?<secret> Authorization: Basic <secret> | "
	    "<secret> <secret> <secret> <secret> <secret> <secret> "
	    "<secret> <secret> <secret>");
	buf_free(&b);
	config_free(cfg);
}

static void
test_secret_urls_are_never_echoed(void **state)
{
	struct config_fixture *f = *state;
	static const char *const bad[] = {
		"  webhook_configs:\n  - url: ftp://SECRET@hooks.example/\n",
		"  webhook_configs:\n  - url: 'http://hooks example/SECRET'\n",
		"  webhook_configs:\n  - url: 'http://a:SECRET/'\n",
		"  webhook_configs:\n  - url: \"http://a/\\tSECRET\"\n",
		"  webhook_configs:\n  - url: http://a/\n    http_config:\n"
		    "      proxy_url: \"http://u:SECRET@p/\\n\"\n",
		"  slack_configs:\n  - api_url: 'https://hooks%20SECRET/'\n",
		"  slack_configs:\n  - api_url: SECRET\n",
		"  webhook_configs:\n  - url: http://a/\n    http_config:\n"
		    "      basic_auth: {username: u, password: SECRET, password_file: x}\n",
		"  webhook_configs:\n  - url: http://a/\n    http_config:\n"
		    "      authorization: {credentials: SECRET, credentials_file: x}\n",
	};
	char	 yaml[512];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *e;

		snprintf(yaml, sizeof(yaml), ROOT "receivers:\n- name: default\n%s",
		    bad[i]);
		e = load_err(f, yaml);
		if (strstr(e, "SECRET") != NULL)
			fail_msg("secret echoed: %s", e);
		assert_true(strncmp(e, NAME ":", strlen(NAME ":")) == 0);
	}
}

static const struct errcase email_errors[] = {
	{ ROOT "receivers:\n- name: default\n"
	    "  email_configs:\n  - to: a@b\n",
	    "6:5: no global SMTP smarthost set" },
	{ "global:\n  smtp_smarthost: mail:25\n" ROOT
	    "receivers:\n- name: default\n  email_configs:\n  - to: a@b\n",
	    "8:5: no global SMTP from set" },
	{ "global:\n  smtp_smarthost: mail\n" ROOT
	    "receivers:\n- name: default\n",
	    "2:19: smtp_smarthost \"mail\": missing port in address" },
	{ "global:\n  smtp_smarthost: mail:25\n"
	    "  smtp_from: a@b\n" ROOT "receivers:\n- name: default\n"
	    "  email_configs:\n  - to: a@b\n    headers: {To: x, to: y}\n",
	    "10:22: duplicate header \"To\" in email config" },
};

static void
test_email_inherits_global_smtp(void **state)
{
	struct config_fixture *f = *state;
	const struct email_config *e;
	struct config *cfg;

	scratch_write(f->dir, "smtp-pass", "hunter2\n");
	cfg = load(f, "global:\n  smtp_smarthost: 'mail.example:587'\n"
	    "  smtp_from: am@example\n  smtp_auth_username: am\n"
	    "  smtp_auth_password_file: smtp-pass\n  smtp_require_tls: false\n" ROOT
	    "receivers:\n- name: default\n  email_configs:\n  - to: ops@example\n"
	    "  - to: dev@example\n    from: dev-am@example\n    smarthost: '[::1]:25'\n"
	    "    require_tls: true\n    hello: mx.example\n"
	    "    headers:\n      subject: custom\n      x-team: dev\n");
	e = EMAIL_AT(config_receiver_at(cfg, 0), 0);
	assert_false(e->send_resolved);
	assert_string_equal(e->smarthost, "mail.example:587");
	assert_string_equal(e->smarthost_host, "mail.example");
	assert_string_equal(e->smarthost_port, "587");
	assert_string_equal(e->from, "am@example");
	assert_string_equal(e->hello, "localhost");
	assert_string_equal(e->auth_username, "am");
	assert_string_equal(e->auth_password, "hunter2");
	assert_false(e->require_tls);
	assert_string_equal(e->html, "{{ template \"email.default.html\" . }}");
	assert_null(e->text);
	assert_int_equal(e->headers.n, 3);
	assert_string_equal(kv_get(&e->headers, "Subject"),
	    "{{ template \"email.default.subject\" . }}");
	assert_string_equal(kv_get(&e->headers, "To"), "ops@example");
	assert_string_equal(kv_get(&e->headers, "From"), "am@example");
	e = EMAIL_AT(config_receiver_at(cfg, 0), 1);
	assert_string_equal(e->smarthost_host, "::1");
	assert_string_equal(e->smarthost_port, "25");
	assert_string_equal(e->from, "dev-am@example");
	assert_string_equal(e->hello, "mx.example");
	assert_true(e->require_tls);
	assert_string_equal(kv_get(&e->headers, "Subject"), "custom");
	assert_string_equal(kv_get(&e->headers, "X-Team"), "dev");
	assert_string_equal(kv_get(&e->headers, "From"), "dev-am@example");
	config_free(cfg);

	check_errors(f->dir, "", "", email_errors, nitems(email_errors));
}

static const struct errcase slack_webhook_errors[] = {
	{ ROOT "receivers:\n- name: default\n"
	    "  slack_configs:\n  - channel: x\n",
	    "6:5: no Slack API URL nor App token set either inline or in a file" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: example.com/hook\n",
	    "6:10: url must be an http or https URL" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: http:///hook\n",
	    "6:10: url is not a valid URL: missing host for URL" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - max_alerts: 1\n",
	    "6:5: one of url or url_file must be configured" },
	{ ROOT "receivers:\n- name: default\n"
	    "  webhook_configs:\n  - url: http://x/\n    http_config:\n"
	    "      bearer_token: a\n      basic_auth: {username: u}\n",
	    "8:21: at most one of basic_auth, oauth2, bearer_token & "
	    "bearer_token_file must be configured" },
	{ "global:\n  telegram_api_url: ftp://x\n" ROOT
	    "receivers:\n- name: default\n",
	    "2:21: telegram_api_url: unsupported scheme \"ftp\" for URL" },
};

static void
test_slack_and_webhook_defaults_and_http_config(void **state)
{
	struct config_fixture *f = *state;
	const struct slack_config *s;
	const struct webhook_config *w;
	struct config *cfg;

	scratch_write(f->dir, "hook", "https://hooks.slack.example/T/B/X\n");
	cfg = load(f, "global:\n  slack_api_url_file: hook\n"
	    "  http_config:\n    proxy_url: http://proxy:3128\n"
	    "    basic_auth: {username: u, password: p}\n" ROOT
	    "receivers:\n- name: default\n  slack_configs:\n  - channel: '#ops'\n"
	    "    fields:\n    - {title: a, value: b, short: true}\n"
	    "    actions:\n    - {type: button, text: Open, url: 'http://x/'}\n"
	    "  webhook_configs:\n  - url: http://hook.example/a\n    max_alerts: 10\n"
	    "  - url: https://hook.example/b\n    http_config:\n"
	    "      bearer_token: tok\n      tls_config: {insecure_skip_verify: true}\n");
	s = SLACK_AT(config_receiver_at(cfg, 0), 0);
	assert_false(s->send_resolved);
	assert_string_equal(s->api_url, "https://hooks.slack.example/T/B/X");
	assert_string_equal(s->channel, "#ops");
	assert_string_equal(s->color, "{{ template \"slack.default.color\" . }}");
	assert_string_equal(s->title, "{{ template \"slack.default.title\" . }}");
	assert_string_equal(s->text, "{{ template \"slack.default.text\" . }}");
	assert_null(s->image_url);
	assert_int_equal(s->nfields, 1);
	assert_true(s->fields[0].has_short && s->fields[0].is_short);
	assert_int_equal(s->nactions, 1);
	assert_string_equal(s->actions[0].url, "http://x/");
	assert_string_equal(s->http.proxy_url, "http://proxy:3128");
	assert_string_equal(s->http.basic_auth_password, "p");
	w = WEBHOOK_AT(config_receiver_at(cfg, 0), 0);
	assert_true(w->send_resolved);
	assert_string_equal(w->url, "http://hook.example/a");
	assert_int_equal(w->max_alerts, 10);
	assert_string_equal(w->http.basic_auth_username, "u");
	w = WEBHOOK_AT(config_receiver_at(cfg, 0), 1);
	assert_null(w->http.proxy_url);
	assert_string_equal(w->http.authorization_type, "Bearer");
	assert_string_equal(w->http.authorization_credentials, "tok");
	assert_true(w->http.tls.insecure_skip_verify);
	config_free(cfg);

	check_errors(f->dir, "", "", slack_webhook_errors,
	    nitems(slack_webhook_errors));
}

static void
test_file_configs_resolve_paths(void **state)
{
	struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;
	char	 want[256];

	cfg = load(f, ROOT "receivers:\n- name: default\n  file_configs:\n"
	    "  - path: out/alerts.jsonl\n  - path: '-'\n    send_resolved: false\n"
	    "  - path: /var/log/a.jsonl\n");
	r = config_receiver_at(cfg, 0);
	assert_int_equal(NFILE(r), 3);
	snprintf(want, sizeof(want), "%s/out/alerts.jsonl", f->dir);
	assert_string_equal(FILE_AT(r, 0)->path, want);
	assert_true(FILE_AT(r, 0)->send_resolved);
	assert_string_equal(FILE_AT(r, 1)->path, "-");
	assert_false(FILE_AT(r, 1)->send_resolved);
	assert_string_equal(FILE_AT(r, 2)->path, "/var/log/a.jsonl");
	config_free(cfg);
	assert_string_equal(load_err(f, ROOT "receivers:\n- name: default\n"
	    "  file_configs:\n  - send_resolved: true\n"),
	    NAME ":6:5: missing path in file_config");
}

static void
test_templates_resolve_against_config_dir(void **state)
{
	struct config_fixture *f = *state;
	struct config *cfg;
	struct terr err;
	char	 want[256];

	cfg = load(f, ROOT "receivers:\n- name: default\ntemplates:\n"
	    "- './x/../tmpl//*.tmpl'\n- /etc/am/x.tmpl\n");
	assert_int_equal(config_template_count(cfg), 2);
	snprintf(want, sizeof(want), "%s/tmpl/*.tmpl", f->dir);
	assert_string_equal(config_template_at(cfg, 0), want);
	assert_string_equal(config_template_at(cfg, 1), "/etc/am/x.tmpl");
	assert_int_equal(config_check_templates(cfg, &err), 0);
	config_free(cfg);
	cfg = load(f, ROOT "receivers:\n- name: default\ntemplates: ['x/[a-]']\n");
	assert_int_equal(config_check_templates(cfg, &err), -1);
	assert_string_equal(err.msg, "syntax error in pattern");
	config_free(cfg);
}

static const struct errcase time_intervals_errors[] = {
	{ "route:\n  receiver: default\n  routes:\n"
	    "  - mute_time_intervals: [nope]\nreceivers:\n- name: default\n",
	    "4:27: undefined time interval \"nope\" used in route" },
	{ ROOT "receivers:\n- name: default\n"
	    "time_intervals:\n- name: a\n- name: a\n",
	    "7:3: time interval \"a\" is not unique" },
};

static void
test_time_intervals(void **state)
{
	struct config_fixture *f = *state;
	struct config *cfg;
	const struct route *out[4];
	struct kv labels;

	cfg = load(f, "route:\n  receiver: default\n  routes:\n"
	    "  - receiver: default\n    mute_time_intervals: [offhours]\n"
	    "    active_time_intervals: [legacy]\n"
	    "receivers:\n- name: default\n"
	    "time_intervals:\n- name: offhours\n  time_intervals:\n"
	    "  - times:\n    - start_time: '17:00'\n      end_time: '24:00'\n"
	    "    weekdays: ['monday:friday']\n    location: UTC\n"
	    "  - weekdays: [saturday, sunday]\n    months: ['january:march']\n"
	    "    days_of_month: ['1:7', '-1']\n    years: ['2020:2030']\n"
	    "mute_time_intervals:\n- name: legacy\n  time_intervals: [{}]\n");
	assert_int_equal(config_time_interval_count(cfg), 2);
	assert_non_null(config_time_interval(cfg, "offhours"));
	assert_non_null(config_time_interval(cfg, "legacy"));
	/* 2026-11-23 (a Monday) 18:00 UTC is in offhours; 12:00 is not. */
	assert_true(time_interval_contains(config_time_interval(cfg, "offhours"),
	    INT64_C(1795461600)));
	assert_false(time_interval_contains(config_time_interval(cfg, "offhours"),
	    INT64_C(1795442400)));
	kv_init(&labels);
	assert_int_equal(route_match(config_route(cfg), &labels, out, 4), 1);
	assert_string_equal(route_receiver(out[0]), "default");
	config_free(cfg);

	check_errors(f->dir, "", "", time_intervals_errors,
	    nitems(time_intervals_errors));
	assert_string_equal(load_err(f, ROOT "receivers:\n- name: default\n"
	    "time_intervals:\n- name: a\n  time_intervals:\n  - weekdays: [funday]\n"
	    "    location: Mars/Base\n"),
	    load_err(f, ROOT "receivers:\n- name: default\n"
	    "time_intervals:\n- name: a\n  time_intervals:\n  - weekdays: [funday]\n"
	    "    location: Mars/Base\n"));
	assert_string_equal(f->err, NAME ":8:16: weekdays: funday is not a valid weekday");
	assert_string_equal(load_err(f, ROOT "receivers:\n- name: default\n"
	    "time_intervals:\n- name: a\n  time_intervals:\n  - hours: [1]\n"),
	    NAME ":8:5: unknown field hours in time interval");
}

static const struct errcase yaml_syntax_errors[] = {
	{ "route:\n  receiver: [\n",
	    "3:1: did not find expected node content while parsing a flow node" },
	{ "a: &x [*x]\n",
	    "1:8: unknown anchor 'x' referenced" },
};

static void
test_yaml_syntax_errors_have_positions(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", yaml_syntax_errors,
	    nitems(yaml_syntax_errors));
}

static void
test_load_file_reports_missing_file(void **state)
{
	struct terr	 err;

	assert_null(config_load_file("/nonexistent/alertmanager.yml", &err));
	assert_string_equal(err.msg, "open /nonexistent/alertmanager.yml: "
	    "No such file or directory");
}

/* Type errors are collected across the file and listed in file order;
 * any other error is reported alone; Config's checks (references, unique
 * names) only when the file has no type error, wherever that is. */
static const struct errcase collected_errors[] = {
	{ "global:\n  smtp_hello: [h]\nroute:\n  receiver: default\n  foo: 1\n"
	    "receivers:\n- name: default\n  webhook_configs:\n  - url: http://x/\n"
	    "    max_alerts: x\nbar: 2\n",
	    " 4 errors:\n"
	    "  " NAME ":2:15: smtp_hello must be a string, not a list\n"
	    "  " NAME ":5:3: unknown field foo in the root route\n"
	    "  " NAME ":10:17: max_alerts must be a non-negative integer, not \"x\"\n"
	    "  " NAME ":11:1: unknown field bar in the configuration" },
	{ "route:\n  receiver: default\n  foo: 1\n  group_wait: 5x\n"
	    "receivers:\n- name: default\n",
	    "4:15: group_wait: not a valid duration string: \"5x\"" },
	{ "route:\n  receiver: nope\nreceivers:\n- name: default\n- name: default\n"
	    "- name: b\n  foo: 1\n",
	    "7:3: receiver \"b\": unknown field foo" },
	{ "route:\n  receiver: nope\nreceivers:\n- name: default\n- name: default\n",
	    "5:3: notification config name \"default\" is not unique" },
	/* A route with a type error is not validated (duplicated group_by). */
	{ "route:\n  receiver: default\n  group_by: [a, a]\n  continue: maybe\n"
	    "receivers:\n- name: default\n",
	    "4:13: continue must be true or false, not \"maybe\"" },
	/* A receiver with one: no "missing name". */
	{ ROOT "receivers:\n- foo: 1\n", "4:3: receiver \"\": unknown field foo" },
};

static void
test_type_errors_are_collected(void **state)
{
	struct config_fixture *f = *state;

	check_errors(f->dir, "", "", collected_errors, nitems(collected_errors));
}

/* config_load_file_all hands every error over; err holds them too. */
static void
test_load_file_all_lists_every_error(void **state)
{
	struct config_fixture *f = *state;
	struct terrs	 all = { NULL, 0 };
	struct terr	 err;
	char		 path[600];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/am.yml", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("route:\n  receiver: default\n  foo: 1\nreceivers:\n"
	    "- name: default\n  bar: 2\n", fp);
	fclose(fp);
	assert_null(config_load_file_all(path, &err, &all));
	assert_int_equal(all.n, 2);
	assert_true(strstr(all.msg[0], "/am.yml:3:3: unknown field foo in the "
	    "root route") != NULL);
	assert_true(strstr(all.msg[1], "/am.yml:6:3: receiver \"default\": "
	    "unknown field bar") != NULL);
	assert_non_null(strstr(err.msg, "/am.yml: 2 errors:\n  "));
	terrs_clear(&all);
	/* One error of another kind: the list holds just it. */
	assert_null(config_load_file_all("/nonexistent/am.yml", &err, &all));
	assert_int_equal(all.n, 1);
	assert_string_equal(all.msg[0], "open /nonexistent/am.yml: No such file or "
	    "directory");
	terrs_clear(&all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_minimal_config_loads_with_defaults, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_are_errors_with_position, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys_are_errors, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types_are_errors, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_durations, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_receiver_references, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_receiver_type_names_it, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_root_route_rules, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_matchers_and_regexes, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_route_tree_routes_labels, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_telegram_defaults_and_global_api_url, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_telegram_silent_unless, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_secret_files_are_read_and_never_echoed, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_secret_urls_are_never_echoed, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_email_inherits_global_smtp, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_slack_and_webhook_defaults_and_http_config, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_file_configs_resolve_paths, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_templates_resolve_against_config_dir, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_time_intervals, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_yaml_syntax_errors_have_positions, setup, config_fixture_teardown),
		cmocka_unit_test(test_load_file_reports_missing_file),
		cmocka_unit_test_setup_teardown(test_type_errors_are_collected, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_load_file_all_lists_every_error, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_redactor_holds_every_secret, setup, config_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
