/* test_config_global.c: the global section of alertmanager.yml, key by key:
 * the exact error (message and position) for unknown keys, wrong types, bad
 * durations, URLs and host:ports, x together with x_file, unreadable *_file
 * secrets, and which problem wins when there are several; then what the
 * receivers get from it: Alertmanager's defaults, null read as Go reads it,
 * the global value where a receiver sets none and the receiver's own value
 * where it does. */
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
#include "receiver_configs.h"

/* Every case is followed by this; the global section comes first so that
 * its keys start on line 2. */
#define TAIL "route:\n  receiver: r\nreceivers:\n- name: r\n"
#define G "global:\n"

static int
setup(void **state)
{
	struct config_fixture *f;

	f = config_fixture_new(state, "test_config_global");
	scratch_write(f->dir, "token", "  123:TOKEN\n");
	scratch_write(f->dir, "pw", "pw\n");
	scratch_write(f->dir, "hook", "https://hooks.slack.example/T/B/X\n");
	return 0;
}

/* yaml (a global section) followed by receivers, which must load. */
static struct config *
load(const struct config_fixture *f, const char *yaml, const char *receivers)
{
	char		 text[4096];

	assert_true((size_t)snprintf(text, sizeof(text), "%s" TAIL "%s", yaml,
	    receivers) < sizeof(text));
	return config_must_load(f->dir, text);
}

/* Cases whose yaml precedes TAIL. */
static void
check_global_errors(const struct config_fixture *f, const struct errcase *c, size_t n)
{
	check_errors(f->dir, "", TAIL, c, n);
}

/* The section itself, and each key with a value of the wrong shape. */
static const struct errcase shape_errors[] = {
	{ "global: [a]\n",
	    "1:9: global must be a mapping, not a list" },
	{ "global: x\n",
	    "1:9: global must be a mapping, not a scalar" },
	{ G "  smtp_frm: a@b\n",
	    "2:3: unknown field smtp_frm in global" },
	{ G "  {a: 1}: b\n",
	    "2:3: global has a mapping as a key; keys must be field names" },
	{ G "  smtp_from: a\n" "  smtp_from: b\n",
	    "3:3: field smtp_from is set twice in global (first at line 2)" },
	{ G "  resolve_timeout: []\n",
	    "2:20: resolve_timeout must be a duration, not a list" },
	{ G "  http_config: []\n",
	    "2:16: http_config must be a mapping, not a list" },
	{ G "  smtp_from: [a]\n",
	    "2:14: smtp_from must be a string, not a list" },
	{ G "  smtp_hello: {a: b}\n",
	    "2:15: smtp_hello must be a string, not a mapping" },
	{ G "  smtp_smarthost: [a]\n",
	    "2:19: smtp_smarthost must be host:port, not a list" },
	{ G "  smtp_auth_username: [a]\n",
	    "2:23: smtp_auth_username must be a string, not a list" },
	{ G "  smtp_auth_password: [SECRET]\n",
	    "2:23: smtp_auth_password must be a string, not a list" },
	{ G "  smtp_auth_password_file: [a]\n",
	    "2:28: smtp_auth_password_file must be a file name, not a list" },
	{ G "  smtp_auth_secret: [SECRET]\n",
	    "2:21: smtp_auth_secret must be a string, not a list" },
	{ G "  smtp_auth_identity: [a]\n",
	    "2:23: smtp_auth_identity must be a string, not a list" },
	{ G "  smtp_require_tls: [true]\n",
	    "2:21: smtp_require_tls must be true or false, not a list" },
	{ G "  slack_api_url: [a]\n",
	    "2:18: slack_api_url must be a URL, not a list" },
	{ G "  slack_api_url_file: [a]\n",
	    "2:23: slack_api_url_file must be a file name, not a list" },
	{ G "  telegram_api_url: [a]\n",
	    "2:21: telegram_api_url must be a URL, not a list" },
	{ G "  telegram_bot_token: [SECRET]\n",
	    "2:23: telegram_bot_token must be a string, not a list" },
	{ G "  telegram_bot_token_file: [a]\n",
	    "2:28: telegram_bot_token_file must be a file name, not a list" },
	{ G "  opsgenie_api_url: [a]\n",
	    "2:21: opsgenie_api_url must be a URL, not a list" },
	{ G "  opsgenie_api_key: [a]\n",
	    "2:21: opsgenie_api_key must be a string, not a list" },
	{ G "  opsgenie_api_key_file: [a]\n",
	    "2:26: opsgenie_api_key_file must be a string, not a list" },
	{ G "  wechat_api_secret: [a]\n",
	    "2:22: wechat_api_secret must be a string, not a list" },
	{ G "  wechat_api_corp_id: [a]\n",
	    "2:23: wechat_api_corp_id must be a string, not a list" },
	{ G "  victorops_api_key: [a]\n",
	    "2:22: victorops_api_key must be a string, not a list" },
	{ G "  victorops_api_key_file: [a]\n",
	    "2:27: victorops_api_key_file must be a string, not a list" },
	/* A value that does not parse ends the load: the type error before
	 * it is not reported (amtool: not a valid duration string). */
	{ G "  smtp_from: [a]\n" "  resolve_timeout: 5x\n",
	    "3:20: resolve_timeout: not a valid duration string: \"5x\"" },
	/* Type errors are all reported, in file order. */
	{ G "  smtp_from: [a]\n" "  resolve_timeout: [5m]\n",
	    " 2 errors:\n  " NAME ":2:14: smtp_from must be a string, not a list\n  "
	    NAME ":3:20: resolve_timeout must be a duration, not a list" },
};

/* Values of the right shape that are not valid: durations, http_config,
 * host:ports, booleans, URLs (a secret one never echoed). */
static const struct errcase value_errors[] = {
	{ G "  resolve_timeout: 5x\n",
	    "2:20: resolve_timeout: not a valid duration string: \"5x\"" },
	{ G "  resolve_timeout: ''\n",
	    "2:20: resolve_timeout: empty duration string" },
	{ G "  resolve_timeout: -1m\n",
	    "2:20: resolve_timeout: not a valid duration string: \"-1m\"" },
	{ G "  resolve_timeout: !!null ''\n",
	    "2:20: resolve_timeout: empty duration string" },
	{ G "  resolve_timeout: !!str ''\n",
	    "2:20: resolve_timeout: empty duration string" },
	{ G "  http_config: {foo: 1}\n",
	    "2:17: unknown field foo in http_config" },
	{ G "  http_config: {bearer_token: SECRET, bearer_token_file: missing}\n",
	    "2:58: at most one of bearer_token & bearer_token_file must be "
	    "configured" },
	{ G "  smtp_smarthost: host\n",
	    "2:19: smtp_smarthost \"host\": missing port in address" },
	{ G "  smtp_smarthost: 'a:b:25'\n",
	    "2:19: smtp_smarthost \"a:b:25\": too many colons in address" },
	{ G "  smtp_smarthost: 'host:'\n",
	    "2:19: smtp_smarthost \"host:\": port cannot be empty" },
	{ G "  smtp_smarthost: '[::1'\n",
	    "2:19: smtp_smarthost \"[::1\": missing ']' in address" },
	{ G "  smtp_require_tls: maybe\n",
	    "2:21: smtp_require_tls must be true or false, not \"maybe\"" },
	{ G "  smtp_require_tls: 'true'\n",
	    "2:21: smtp_require_tls must be true or false, not the string "
	    "\"true\"" },
	{ G "  slack_api_url: 'ftp://SECRET/'\n",
	    "2:18: slack_api_url must be an http or https URL" },
	{ G "  slack_api_url: 'http://SECRET:pw@/x'\n",
	    "2:18: slack_api_url is not a valid URL: missing host for URL" },
	{ G "  slack_api_url: ''\n",
	    "2:18: slack_api_url must be an http or https URL" },
	{ G "  telegram_api_url: 'ftp://x/'\n",
	    "2:21: telegram_api_url: unsupported scheme \"ftp\" for URL" },
	{ G "  telegram_api_url: 'http://'\n",
	    "2:21: telegram_api_url: missing host for URL" },
	{ G "  telegram_api_url: 'http://a b/'\n",
	    "2:21: telegram_api_url: invalid character in host name \" \" "
	    "in \"http://a b/\"" },
	{ G "  pagerduty_url: 'ftp://x/'\n",
	    "2:18: pagerduty_url: unsupported scheme \"ftp\" for URL" },
	{ G "  wechat_api_url: 'x'\n",
	    "2:19: wechat_api_url: unsupported scheme \"\" for URL" },
	{ G "  victorops_api_url: 'http://'\n",
	    "2:22: victorops_api_url: missing host for URL" },
	{ G "  webex_api_url: 'http://a b/'\n",
	    "2:18: webex_api_url: invalid character in host name \" \" in "
	    "\"http://a b/\"" },
};

/* *_file secrets: read at load time with the position of the *_file key,
 * never together with the inline value; the conflicts are reported before
 * any file is read, then the files in a fixed order. */
static const struct errcase secret_errors[] = {
	{ G "  smtp_auth_password_file: missing\n",
	    "2:28: cannot read smtp_auth_password_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ G "  smtp_auth_password_file: .\n",
	    "2:28: cannot read smtp_auth_password_file \"{dir}\": not a "
	    "regular file" },
	{ G "  slack_api_url_file: missing\n",
	    "2:23: cannot read slack_api_url_file \"{dir}/missing\": No "
	    "such file or directory" },
	{ G "  telegram_bot_token_file: missing\n",
	    "2:28: cannot read telegram_bot_token_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ G "  smtp_auth_password: SECRET\n" "  smtp_auth_password_file: pw\n",
	    "3:28: at most one of smtp_auth_password & "
	    "smtp_auth_password_file must be configured" },
	{ G "  smtp_auth_password_file: pw\n" "  smtp_auth_password: SECRET\n",
	    "2:28: at most one of smtp_auth_password & "
	    "smtp_auth_password_file must be configured" },
	{ G "  slack_api_url: 'http://SECRET/'\n" "  slack_api_url_file: hook\n",
	    "3:23: at most one of slack_api_url & slack_api_url_file must "
	    "be configured" },
	{ G "  slack_api_url_file: hook\n" "  slack_api_url: 'http://SECRET/'\n",
	    "2:23: at most one of slack_api_url & slack_api_url_file must "
	    "be configured" },
	{ G "  telegram_bot_token: SECRET\n" "  telegram_bot_token_file: token\n",
	    "3:28: at most one of telegram_bot_token & "
	    "telegram_bot_token_file must be configured" },
	{ G "  slack_api_url: ''\n" "  slack_api_url_file: hook\n",
	    "2:18: slack_api_url must be an http or https URL" },
	{ G "  smtp_auth_password_file: missing\n" "  "
	    "telegram_bot_token_file: missing\n",
	    "2:28: cannot read smtp_auth_password_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ G "  slack_api_url_file: missing\n" "  smtp_auth_password_file: "
	    "missing\n",
	    "3:28: cannot read smtp_auth_password_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ G "  telegram_bot_token_file: missing\n" "  slack_api_url_file: "
	    "missing\n" "  smtp_auth_password_file: missing\n",
	    "4:28: cannot read smtp_auth_password_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ G "  smtp_auth_password_file: missing\n" "  slack_api_url: "
	    "'http://SECRET/'\n" "  slack_api_url_file: hook\n",
	    "4:23: at most one of slack_api_url & slack_api_url_file must "
	    "be configured" },
};


static void
test_global_shape_errors(void **state)
{
	check_global_errors(*state, shape_errors, nitems(shape_errors));
}

static void
test_global_value_errors(void **state)
{
	check_global_errors(*state, value_errors, nitems(value_errors));
}

static void
test_global_secret_errors(void **state)
{
	check_global_errors(*state, secret_errors, nitems(secret_errors));
}

#define EMAIL "  email_configs:\n  - to: a@b\n"
#define SLACK "  slack_configs:\n  - channel: c\n"
#define TELEGRAM "  telegram_configs:\n  - chat_id: 1\n"
#define WEBHOOK "  webhook_configs:\n  - url: http://w/\n"

/* Without a global section, and with an empty or null one: Alertmanager's
 * DefaultGlobalConfig. */
static void
test_global_defaults(void **state)
{
	static const char *const globals[] = { "", G, "global: {}\n",
	    "global: null\n" };
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;
	size_t	 i;

	for (i = 0; i < nitems(globals); i++) {
		cfg = load(f, globals[i], "  email_configs:\n  - {to: a@b, "
	    "from: f@b, "
		    "smarthost: 'h:25'}\n  telegram_configs:\n  - {chat_id: 1, "
		    "bot_token: t}\n" WEBHOOK);
		r = config_receiver_at(cfg, 0);
		assert_int_equal(config_resolve_timeout_ms(cfg), 5 * 60 * 1000);
		assert_string_equal(EMAIL_AT(r, 0)->hello, "localhost");
		assert_true(EMAIL_AT(r, 0)->require_tls);
		assert_null(EMAIL_AT(r, 0)->auth_username);
		assert_null(EMAIL_AT(r, 0)->auth_password);
		assert_null(EMAIL_AT(r, 0)->auth_secret);
		assert_null(EMAIL_AT(r, 0)->auth_identity);
		assert_string_equal(TELEGRAM_AT(r, 0)->api_url, "https://api.telegram.org");
		assert_true(WEBHOOK_AT(r, 0)->http.follow_redirects);
		assert_true(WEBHOOK_AT(r, 0)->http.enable_http2);
		assert_null(WEBHOOK_AT(r, 0)->http.authorization_type);
		config_free(cfg);
	}
}

/* Every global key a receiver inherits, set in the global section. */
static void
test_global_values_reach_receivers(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;

	cfg = load(f, G "  resolve_timeout: 90s\n"
	    "  http_config: {follow_redirects: false, authorization: "
	    "{credentials: c}}\n"
	    "  smtp_from: g@b\n  smtp_hello: gh\n  smtp_smarthost: 'mail:587'\n"
	    "  smtp_auth_username: gu\n  smtp_auth_password: gp\n"
	    "  smtp_auth_secret: gs\n  smtp_auth_identity: gi\n"
	    "  smtp_require_tls: false\n"
	    "  slack_api_url: 'https://hooks.slack.example/G'\n"
	    "  telegram_api_url: 'http://tg.example:8081'\n"
	    "  telegram_bot_token: gt\n"
	    "  pagerduty_url: 'https://events.pagerduty.com/v2/enqueue'\n"
	    "  opsgenie_api_url: 'https://api.opsgenie.com/'\n"
	    "  opsgenie_api_key: k\n  opsgenie_api_key_file: /nonexistent\n"
	    "  wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/'\n"
	    "  wechat_api_secret: s\n  wechat_api_corp_id: c\n"
	    "  victorops_api_url: 'https://alert.victorops.com/'\n"
	    "  victorops_api_key: k\n  victorops_api_key_file: /nonexistent\n"
	    "  webex_api_url: 'https://webexapis.com/v1/messages'\n",
	    EMAIL SLACK TELEGRAM WEBHOOK);
	r = config_receiver_at(cfg, 0);
	assert_int_equal(config_resolve_timeout_ms(cfg), 90 * 1000);
	assert_string_equal(EMAIL_AT(r, 0)->from, "g@b");
	assert_string_equal(EMAIL_AT(r, 0)->hello, "gh");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost, "mail:587");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost_host, "mail");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost_port, "587");
	assert_string_equal(EMAIL_AT(r, 0)->auth_username, "gu");
	assert_string_equal(EMAIL_AT(r, 0)->auth_password, "gp");
	assert_null(EMAIL_AT(r, 0)->auth_password_file);
	assert_string_equal(EMAIL_AT(r, 0)->auth_secret, "gs");
	assert_string_equal(EMAIL_AT(r, 0)->auth_identity, "gi");
	assert_false(EMAIL_AT(r, 0)->require_tls);
	assert_string_equal(SLACK_AT(r, 0)->api_url, "https://hooks.slack.example/G");
	assert_false(SLACK_AT(r, 0)->http.follow_redirects);
	assert_string_equal(SLACK_AT(r, 0)->http.authorization_type, "Bearer");
	assert_string_equal(SLACK_AT(r, 0)->http.authorization_credentials, "c");
	assert_string_equal(TELEGRAM_AT(r, 0)->api_url, "http://tg.example:8081");
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token, "gt");
	assert_false(TELEGRAM_AT(r, 0)->http.follow_redirects);
	assert_false(WEBHOOK_AT(r, 0)->http.follow_redirects);
	assert_string_equal(WEBHOOK_AT(r, 0)->http.authorization_credentials, "c");
	config_free(cfg);
}

/* A receiver's own setting wins over the global one, field by field. */
static void
test_receiver_settings_win_over_global(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;

	cfg = load(f, G "  http_config: {follow_redirects: false}\n"
	    "  smtp_from: g@b\n  smtp_hello: gh\n  smtp_smarthost: 'mail:587'\n"
	    "  smtp_auth_username: gu\n  smtp_auth_password_file: pw\n"
	    "  smtp_auth_secret: gs\n  smtp_auth_identity: gi\n"
	    "  smtp_require_tls: false\n"
	    "  slack_api_url_file: hook\n"
	    "  telegram_api_url: 'http://tg.example:8081'\n"
	    "  telegram_bot_token_file: token\n",
	    "  email_configs:\n  - {to: a@b, from: o@b, hello: oh, "
	    "smarthost: 'own:25', auth_username: ou, auth_password: op, "
	    "auth_secret: os, auth_identity: oi, require_tls: true}\n"
	    "  slack_configs:\n  - {api_url: 'http://own/', http_config: {}}\n"
	    "  telegram_configs:\n  - {chat_id: 1, api_url: 'http://owntg/', "
	    "bot_token: ot}\n");
	r = config_receiver_at(cfg, 0);
	assert_string_equal(EMAIL_AT(r, 0)->from, "o@b");
	assert_string_equal(EMAIL_AT(r, 0)->hello, "oh");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost, "own:25");
	assert_string_equal(EMAIL_AT(r, 0)->auth_username, "ou");
	assert_string_equal(EMAIL_AT(r, 0)->auth_password, "op");
	assert_null(EMAIL_AT(r, 0)->auth_password_file);
	assert_string_equal(EMAIL_AT(r, 0)->auth_secret, "os");
	assert_string_equal(EMAIL_AT(r, 0)->auth_identity, "oi");
	assert_true(EMAIL_AT(r, 0)->require_tls);
	assert_string_equal(SLACK_AT(r, 0)->api_url, "http://own/");
	assert_null(SLACK_AT(r, 0)->api_url_file);
	assert_true(SLACK_AT(r, 0)->http.follow_redirects);
	assert_string_equal(TELEGRAM_AT(r, 0)->api_url, "http://owntg/");
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token, "ot");
	assert_null(TELEGRAM_AT(r, 0)->bot_token_file);
	config_free(cfg);
}

/* *_file secrets are read when the config loads, trimmed, and handed to the
 * receivers with the file's path. */
static void
test_global_secret_files(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;
	char	 want[128];

	cfg = load(f, G "  smtp_smarthost: 'mail:587'\n  smtp_from: g@b\n"
	    "  smtp_auth_password: ''\n  smtp_auth_password_file: pw\n"
	    "  slack_api_url: null\n  slack_api_url_file: hook\n"
	    "  telegram_bot_token: ''\n  telegram_bot_token_file: token\n",
	    EMAIL SLACK TELEGRAM);
	r = config_receiver_at(cfg, 0);
	assert_string_equal(EMAIL_AT(r, 0)->auth_password, "pw");
	snprintf(want, sizeof(want), "%s/pw", f->dir);
	assert_string_equal(EMAIL_AT(r, 0)->auth_password_file, want);
	assert_string_equal(SLACK_AT(r, 0)->api_url, "https://hooks.slack.example/T/B/X");
	snprintf(want, sizeof(want), "%s/hook", f->dir);
	assert_string_equal(SLACK_AT(r, 0)->api_url_file, want);
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token, "123:TOKEN");
	snprintf(want, sizeof(want), "%s/token", f->dir);
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token_file, want);
	config_free(cfg);
}

/* Null is Go's zero value, except for telegram_api_url, which falls back to
 * its documented default. */
static void
test_global_null_values(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;

	cfg = load(f, G "  resolve_timeout: null\n  http_config: null\n"
	    "  smtp_hello: null\n  smtp_require_tls: ~\n  smtp_from: g@b\n"
	    "  smtp_smarthost: 'mail:587'\n  telegram_api_url: null\n"
	    "  telegram_bot_token: null\n  slack_api_url: null\n"
	    "  smtp_auth_password_file: null\n  pagerduty_url: null\n"
	    "  opsgenie_api_key: null\n",
	    EMAIL TELEGRAM "    bot_token: t\n" WEBHOOK);
	r = config_receiver_at(cfg, 0);
	assert_int_equal(config_resolve_timeout_ms(cfg), 0);
	assert_null(EMAIL_AT(r, 0)->hello);
	assert_false(EMAIL_AT(r, 0)->require_tls);
	assert_null(EMAIL_AT(r, 0)->auth_password);
	assert_string_equal(TELEGRAM_AT(r, 0)->api_url, "https://api.telegram.org");
	assert_true(WEBHOOK_AT(r, 0)->http.follow_redirects);
	assert_true(WEBHOOK_AT(r, 0)->http.enable_http2);
	config_free(cfg);
}

/* What a receiver needs from global and does not find there. */
static void
test_global_missing_settings(void **state)
{
	const struct config_fixture *f = *state;
	static const struct errcase c[] = {
		{ TAIL EMAIL, "6:5: no global SMTP smarthost set" },
		{ G "  smtp_smarthost: 'h:25'\n" TAIL EMAIL,
		    "8:5: no global SMTP from set" },
		{ G "  smtp_smarthost: 'h:25'\n  smtp_from: ''\n" TAIL EMAIL,
		    "9:5: no global SMTP from set" },
		{ TAIL SLACK, "6:5: no Slack API URL nor App token set either "
		    "inline or in a file" },
		{ TAIL TELEGRAM, "6:5: missing bot_token or bot_token_file on "
		    "telegram_config" },
		{ G "  telegram_bot_token: ''\n" TAIL TELEGRAM,
		    "8:5: missing bot_token or bot_token_file on "
		    "telegram_config" },
	};

	check_errors(f->dir, "", "", c, nitems(c));
}

/* Receivers inherit from global wherever it is in the file. */
static void
test_global_after_receivers(void **state)
{
	const struct config_fixture *f = *state;
	struct terr err;
	struct config *cfg;

	cfg = config_must_load(f->dir, TAIL EMAIL "global:\n  smtp_from: g@b\n"
	    "  smtp_smarthost: 'h:25'\n");
	assert_string_equal(EMAIL_AT(config_receiver_at(cfg, 0), 0)->from, "g@b");
	config_free(cfg);
	/* ... and its type errors are listed in file order with the others. */
	config_must_fail(f->dir, "receivers: {}\nglobal:\n  foo: 1\n"
	    "route: []\n", &err);
	assert_string_equal(err.msg, NAME ": 3 errors:\n"
	    "  " NAME ":1:12: receivers must be a list, not a mapping\n"
	    "  " NAME ":3:3: unknown field foo in global\n"
	    "  " NAME ":4:8: the root route must be a mapping, not a list");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_global_shape_errors, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_value_errors, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_secret_errors, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_defaults, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_values_reach_receivers, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_receiver_settings_win_over_global, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_secret_files, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_null_values, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_missing_settings, setup, config_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_global_after_receivers, setup, config_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
