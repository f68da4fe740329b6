/* test_config_receivers.c: the receivers section of alertmanager.yml, type by
 * type: the exact error (message and position) for unknown fields, wrong
 * types, missing required fields, x together with x_file, bad URLs and
 * host:ports, and which problem wins when there are several; then the values
 * a loaded receiver holds: Alertmanager's defaults, null read as Go reads it,
 * global inheritance and *_file secrets read at load time. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config_cases.h"
#include "matcher.h"
#include "receiver_configs.h"

/* Every case appends to this: the receiver under test starts on line 5. A
 * global section, when a case needs one, goes last. */
#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

/* The files the cases refer to, written once for the whole group. */
static int
setup(void **state)
{
	struct config_fixture *f;
	char	 path[128];

	f = config_fixture_new(state, "test_config_receivers");
	scratch_write(f->dir, "token", "  123:TOKEN\n");
	scratch_write(f->dir, "empty", "");
	scratch_write(f->dir, "chat", "-42\n");
	scratch_write(f->dir, "badchat", "notanint\n");
	scratch_write(f->dir, "zero", "0\n");
	scratch_write(f->dir, "pw", "pw\n");
	scratch_write(f->dir, "hook", "https://hooks.slack.example/T/B/X\n");
	snprintf(path, sizeof(path), "%s/adir", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	return 0;
}

/* yaml after HEAD, which must load. */
static struct config *
load(const struct config_fixture *f, const char *yaml)
{
	char		 text[2048];

	assert_true((size_t)snprintf(text, sizeof(text), HEAD "%s", yaml) <
	    sizeof(text));
	return config_must_load(f->dir, text);
}

/* Cases whose yaml follows HEAD. */
static void
check_receiver_errors(const struct config_fixture *f, const struct errcase *c,
    size_t n)
{
	check_errors(f->dir, HEAD, "", c, n);
}

static const struct errcase receiver_errors[] = {
	{ "- x\n",
	    "5:3: receiver must be a mapping, not a scalar" },
	{ "  telegram_configs: {}\n",
	    "5:21: telegram_configs must be a list, not a mapping" },
	{ "  slack_configs: x\n",
	    "5:18: slack_configs must be a list, not a scalar" },
	{ "  telegram_configs:\n" "  - null\n",
	    "6:5: receiver \"r\": empty entry in telegram_configs" },
	{ "  email_configs:\n" "  - [to]\n",
	    "6:5: email_config must be a mapping, not a list" },
	{ "  webhook_configs:\n" "  - url: http://a/\n" "  - x\n",
	    "7:5: webhook_config must be a mapping, not a scalar" },
	{ "  file_configs: [{path: a}, ~]\n",
	    "5:29: receiver \"r\": empty entry in file_configs" },
	{ "  [a]: b\n",
	    "5:3: receiver has a list as a key; keys must be field names" },
	{ "  emails: []\n",
	    "5:3: receiver \"r\": unknown field emails" },
	{ "  opsgenie_configs: []\n",
	    "5:3: receiver \"r\": opsgenie_configs are not supported by "
	    "tocsin (supported: telegram_configs, slack_configs, "
	    "email_configs, webhook_configs, gotify_configs, pagerduty_configs, ntfy_configs, discord_configs, pushover_configs, file_configs)" },
	{ "- foo: 1\n" "  name: s\n",
	    "5:3: receiver \"s\": unknown field foo" },
	{ "- telegram_configs: []\n",
	    "5:3: missing name in receiver" },
	{ "- name: [r]\n",
	    "5:9: name must be a string, not a list" },
	{ "- {name: s, name: t}\n",
	    "5:13: field name is set twice in receiver (first at line 5)" },
};

static const struct errcase telegram_errors[] = {
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id: 1, chatid: 2}\n",
	    "6:32: unknown field chatid in telegram_config" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, chat_id: 2}\n",
	    "6:32: field chat_id is set twice in telegram_config (first at "
	    "line 6)" },
	{ "  telegram_configs:\n" "  - {bot_token: [t], chat_id: 1}\n",
	    "6:17: bot_token must be a string, not a list" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id: '1'}\n",
	    "6:29: chat_id must be an integer, not the string \"1\"" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id: 1.5x}\n",
	    "6:29: chat_id must be an integer, not \"1.5x\"" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 99999999999999999999}\n",
	    "6:29: chat_id is out of range: 99999999999999999999" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, message_thread_id: x}\n",
	    "6:51: message_thread_id must be an integer, not \"x\"" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, disable_notifications: 1}\n",
	    "6:55: disable_notifications must be true or false, not \"1\"" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, send_resolved: [true]}\n",
	    "6:47: send_resolved must be true or false, not a list" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, message: {a: b}}\n",
	    "6:41: message must be a string, not a mapping" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, parse_mode: [HTML]}\n",
	    "6:44: parse_mode must be a string, not a list" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, parse_mode: markdown}\n",
	    "6:44: unknown parse_mode on telegram_config, must be Markdown, "
	    "MarkdownV2, HTML or empty string" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, api_url: ftp://x}\n",
	    "6:41: api_url: unsupported scheme \"ftp\" for URL" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, api_url: 'http://a b/'}\n",
	    "6:41: api_url: invalid character in host name \" \" in "
	    "\"http://a b/\"" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, api_url: [x]}\n",
	    "6:41: api_url must be a URL, not a list" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, http_config: x}\n",
	    "6:45: http_config must be a mapping, not a scalar" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, bot_token_file: [x]}\n",
	    "6:48: bot_token_file must be a file name, not a list" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, silent_unless: [a=b, [x]]}\n",
	    "6:53: silent_unless must be a string, not a list" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, bot_token_file: token, chat_id: 1}\n",
	    "6:36: at most one of bot_token & bot_token_file must be "
	    "configured" },
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, chat_id: 1, chat_id_file: chat}\n",
	    "6:46: at most one of chat_id & chat_id_file must be configured" },
	{ "  telegram_configs:\n" "  - {bot_token: t}\n",
	    "6:5: missing chat_id or chat_id_file on telegram_config" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id_file: missing}\n",
	    "6:34: cannot read chat_id_file \"{dir}/missing\": No such file "
	    "or directory" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id_file: zero}\n",
	    "6:34: chat_id_file \"{dir}/zero\" does not hold a chat id (a "
	    "non-zero integer)" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id_file: badchat}\n",
	    "6:34: chat_id_file \"{dir}/badchat\" does not hold a chat id (a "
	    "non-zero integer)" },
	{ "  telegram_configs:\n" "  - {bot_token: t, chat_id_file: adir}\n",
	    "6:34: cannot read chat_id_file \"{dir}/adir\": not a regular "
	    "file" },
	{ "  telegram_configs:\n" "  - {bot_token_file: missing, chat_id: 1}\n",
	    "6:22: cannot read bot_token_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  telegram_configs:\n" "  - {bot_token_file: '', chat_id: 1}\n",
	    "6:5: missing bot_token or bot_token_file on telegram_config" },
	{ "  telegram_configs:\n" "  - {bot_token: '', chat_id: 1}\n"
	    "global:\n" "  telegram_bot_token: ''\n",
	    "6:5: missing bot_token or bot_token_file on telegram_config" },
	{ "  telegram_configs:\n" "  - {chat_id: 1}\n" "global:\n"
	    "  telegram_bot_token_file: empty\n",
	    "6:5: missing bot_token or bot_token_file on telegram_config" },
	/* Order: the walk stops at the first bad key in file order. */
	{ "  telegram_configs:\n" "  - {chat_id: x, bot_token: [t]}\n",
	    " 2 errors:\n  " NAME ":6:15: chat_id must be an integer, not \"x\"\n  "
	    NAME ":6:29: bot_token must be a string, not a list" },
	{ "  telegram_configs:\n" "  - {bot_token: [t], chat_id: x}\n",
	    " 2 errors:\n  " NAME ":6:17: bot_token must be a string, not a list\n  "
	    NAME ":6:31: chat_id must be an integer, not \"x\"" },
	/* Then: bot_token & file, missing chat_id, chat_id & file, parse_mode,
	 * the token from global, chat_id_file. */
	{ "  telegram_configs:\n"
	    "  - {bot_token: t, bot_token_file: token, parse_mode: x}\n",
	    "6:36: at most one of bot_token & bot_token_file must be "
	    "configured" },
	{ "  telegram_configs:\n" "  - {parse_mode: x}\n",
	    "6:5: missing chat_id or chat_id_file on telegram_config" },
	{ "  telegram_configs:\n"
	    "  - {chat_id: 1, chat_id_file: badchat, parse_mode: x}\n",
	    "6:32: at most one of chat_id & chat_id_file must be configured" },
	{ "  telegram_configs:\n"
	    "  - {chat_id_file: badchat, parse_mode: x}\n",
	    "6:41: unknown parse_mode on telegram_config, must be Markdown, "
	    "MarkdownV2, HTML or empty string" },
	{ "  telegram_configs:\n" "  - {chat_id_file: badchat}\n",
	    "6:5: missing bot_token or bot_token_file on telegram_config" },
	{ "  telegram_configs:\n"
	    "  - {bot_token_file: missing, chat_id_file: badchat}\n",
	    "6:22: cannot read bot_token_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  telegram_configs:\n" "  - {unknown: 1, parse_mode: x}\n",
	    "6:6: unknown field unknown in telegram_config" },
};

static const struct errcase slack_errors[] = {
	{ "  slack_configs:\n" "  - {api_url: http://x/, chanel: a}\n",
	    "6:26: unknown field chanel in slack_config" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, channel: [a]}\n",
	    "6:35: channel must be a string, not a list" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, short_fields: 'yes'}\n",
	    "6:40: short_fields must be true or false, not the string "
	    "\"yes\"" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, link_names: [x]}\n",
	    "6:38: link_names must be true or false, not a list" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, mrkdwn_in: text}\n",
	    "6:37: mrkdwn_in must be a list, not a scalar" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, mrkdwn_in: [text, {a: b}]}\n",
	    "6:44: mrkdwn_in must be a list of strings, not contain a "
	    "mapping" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, http_config: [x]}\n",
	    "6:39: http_config must be a mapping, not a list" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, api_url_file: hook}\n",
	    "6:40: at most one of api_url & api_url_file must be configured" },
	{ "  slack_configs:\n" "  - {api_url: '://x/SECRET'}\n",
	    "6:15: api_url is not a valid URL: missing protocol scheme" },
	{ "  slack_configs:\n" "  - {api_url: 'http://[::1/SECRET'}\n",
	    "6:15: api_url is not a valid URL: missing ']' in host" },
	{ "  slack_configs:\n" "  - {api_url: 'http://h:80x/SECRET'}\n",
	    "6:15: api_url is not a valid URL: invalid port after host" },
	{ "  slack_configs:\n" "  - {api_url: 'mailto:SECRET@x'}\n",
	    "6:15: api_url must be an http or https URL" },
	{ "  slack_configs:\n" "  - {api_url: [x]}\n",
	    "6:15: api_url must be a URL, not a list" },
	{ "  slack_configs:\n" "  - {api_url_file: missing}\n",
	    "6:20: cannot read api_url_file \"{dir}/missing\": No such file "
	    "or directory" },
	{ "  slack_configs:\n" "  - {api_url_file: adir}\n",
	    "6:20: cannot read api_url_file \"{dir}/adir\": not a regular "
	    "file" },
	{ "  slack_configs:\n" "  - {api_url_file: [hook]}\n",
	    "6:20: api_url_file must be a file name, not a list" },
	{ "  slack_configs:\n" "  - {api_url: null, channel: x}\n",
	    "6:5: no Slack API URL nor App token set either inline or in a file" },
	{ "  slack_configs:\n" "  - {channel: x}\n" "global:\n"
	    "  slack_api_url_file: missing\n",
	    "8:23: cannot read slack_api_url_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  slack_configs:\n" "  - {api_url_file: missing, unknown: 1}\n",
	    "6:29: unknown field unknown in slack_config" },
};

static const struct errcase slack_field_and_action_errors[] = {
	{ "  slack_configs:\n" "  - {api_url: http://x/, fields: {title: a}}\n",
	    "6:34: fields must be a list, not a mapping" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: a}]}\n",
	    "6:35: missing value in Slack field configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{value: a}]}\n",
	    "6:35: missing title in Slack field configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: '', value: a}]}\n",
	    "6:35: missing title in Slack field configuration" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, fields: [null]}\n",
	    "6:35: missing title in Slack field configuration" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, fields: [x]}\n",
	    "6:35: slack field must be a mapping, not a scalar" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: a, value: b, long: "
	    "true}]}\n",
	    "6:56: unknown field long in slack field" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: a, value: b, short: "
	    "x}]}\n",
	    "6:63: short must be true or false, not \"x\"" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: a, value: b, title: "
	    "c}]}\n",
	    "6:56: field title is set twice in slack field (first at line 6)" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, fields: [{title: a, value: b}, {value: "
	    "c}]}\n",
	    "6:57: missing title in Slack field configuration" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, actions: x}\n",
	    "6:35: actions must be a list, not a scalar" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{text: a}]}\n",
	    "6:36: missing type in Slack action configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button}]}\n",
	    "6:36: missing text in Slack action configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a}]}\n",
	    "6:36: missing name or url in Slack action configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, id: 1}]}\n",
	    "6:69: unknown field id in slack action" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, style: [x]}]}\n",
	    "6:76: style must be a string, not a list" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, confirm: x}]}\n",
	    "6:78: confirm must be a mapping, not a scalar" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, confirm: {title: t}}]}\n",
	    "6:78: missing text in Slack confirmation configuration" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, confirm: {text: t, ok: y}}]}\n",
	    "6:88: unknown field ok in confirm" },
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, "
	    "name: n, confirm: {text: [t]}}]}\n",
	    "6:85: text must be a string, not a list" },
	/* A link button's confirm is checked before it is dropped. */
	{ "  slack_configs:\n"
	    "  - {api_url: http://x/, actions: [{type: button, text: a, url: "
	    "'http://u/', confirm: {title: t}}]}\n",
	    "6:87: missing text in Slack confirmation configuration" },
	{ "  slack_configs:\n" "  - {api_url: http://x/, actions: [null]}\n",
	    "6:36: missing type in Slack action configuration" },
};

static const struct errcase email_errors[] = {
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', too: c}\n",
	    "6:45: unknown field too in email_config" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', to: [a]}\n",
	    "6:45: field to is set twice in email_config (first at line 6)" },
	{ "  email_configs:\n" "  - {to: '', smarthost: 'm:25'}\n",
	    "6:5: missing to address in email config" },
	{ "  email_configs:\n" "  - {from: f@b}\n",
	    "6:5: missing to address in email config" },
	{ "  email_configs:\n" "  - {to: a@b}\n",
	    "6:5: no global SMTP smarthost set" },
	{ "  email_configs:\n" "  - {to: a@b, smarthost: 'm:25'}\n",
	    "6:5: no global SMTP from set" },
	{ "  email_configs:\n" "  - {to: a@b, from: f@b, smarthost: m}\n",
	    "6:37: smarthost \"m\": missing port in address" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'a:b:25'}\n",
	    "6:37: smarthost \"a:b:25\": too many colons in address" },
	{ "  email_configs:\n" "  - {to: a@b, from: f@b, smarthost: 'm:'}\n",
	    "6:37: smarthost \"m:\": port cannot be empty" },
	{ "  email_configs:\n" "  - {to: a@b, from: f@b, smarthost: '[::1'}\n",
	    "6:37: smarthost \"[::1\": missing ']' in address" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: '[::1]25'}\n",
	    "6:37: smarthost \"[::1]25\": missing port in address" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: '[::1]:2:5'}\n",
	    "6:37: smarthost \"[::1]:2:5\": too many colons in address" },
	{ "  email_configs:\n" "  - {to: a@b, from: f@b, smarthost: [m]}\n",
	    "6:37: smarthost must be host:port, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', require_tls: "
	    "'false'}\n",
	    "6:58: require_tls must be true or false, not the string "
	    "\"false\"" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', send_resolved: x}\n",
	    "6:60: send_resolved must be true or false, not \"x\"" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', hello: [x]}\n",
	    "6:52: hello must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_username: [x]}\n",
	    "6:60: auth_username must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_password: [x]}\n",
	    "6:60: auth_password must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_secret: {a: "
	    "b}}\n",
	    "6:58: auth_secret must be a string, not a mapping" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_identity: [x]}\n",
	    "6:60: auth_identity must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', html: [x]}\n",
	    "6:51: html must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', text: [x]}\n",
	    "6:51: text must be a string, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', headers: [a]}\n",
	    "6:54: headers must be a mapping, not a list" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', headers: {Subject: "
	    "[a]}}\n",
	    "6:64: header Subject must be a string, not a sequence" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', headers: {x-a: 1, "
	    "X-A: 2}}\n",
	    "6:63: duplicate header \"X-A\" in email config" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', headers: {x-a: 1, "
	    "x-a: 2}}\n",
	    "6:63: field x-a is set twice in headers (first at line 6)" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_password_file: "
	    "missing}\n",
	    "6:65: cannot read auth_password_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', auth_password_file: "
	    "[x]}\n",
	    "6:65: auth_password_file must be a file name, not a list" },
	{ "  email_configs:\n" "  - {to: a@b}\n" "global:\n"
	    "  smtp_from: ''\n" "  smtp_smarthost: 'm:25'\n",
	    "6:5: no global SMTP from set" },
	{ "  email_configs:\n" "  - {to: a@b, from: f@b}\n" "global:\n"
	    "  smtp_smarthost: ''\n",
	    "6:5: no global SMTP smarthost set" },
	/* Order: to, the smarthost, from, then the password file. */
	{ "  email_configs:\n" "  - {auth_password_file: missing}\n",
	    "6:5: missing to address in email config" },
	{ "  email_configs:\n" "  - {to: a@b, auth_password_file: missing}\n",
	    "6:5: no global SMTP smarthost set" },
	{ "  email_configs:\n"
	    "  - {to: a@b, smarthost: 'm:25', auth_password_file: missing}\n",
	    "6:5: no global SMTP from set" },
	{ "  email_configs:\n"
	    "  - {to: a@b, from: f@b, auth_password_file: missing}\n"
	    "global:\n" "  smtp_smarthost: 'm:25'\n",
	    "6:46: cannot read auth_password_file \"{dir}/missing\": No such "
	    "file or directory" },
};

static const struct errcase webhook_and_file_errors[] = {
	{ "  webhook_configs:\n" "  - {url: http://x/, urls: y}\n",
	    "6:22: unknown field urls in webhook_config" },
	{ "  webhook_configs:\n" "  - {url: [http://x/]}\n",
	    "6:11: url must be a URL, not a list" },
	{ "  webhook_configs:\n" "  - {url: http://x/, send_resolved: maybe}\n",
	    "6:37: send_resolved must be true or false, not \"maybe\"" },
	{ "  webhook_configs:\n" "  - {url: http://x/, max_alerts: -1}\n",
	    "6:34: max_alerts must be a non-negative integer, not \"-1\"" },
	{ "  webhook_configs:\n" "  - {url: http://x/, max_alerts: '3'}\n",
	    "6:34: max_alerts must be a non-negative integer, not the string "
	    "\"3\"" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, max_alerts: 18446744073709551616}\n",
	    "6:34: max_alerts is out of range: 18446744073709551616" },
	{ "  webhook_configs:\n" "  - {url: http://x/, max_alerts: [1]}\n",
	    "6:34: max_alerts must be a non-negative integer, not a list" },
	{ "  webhook_configs:\n" "  - {url: null}\n",
	    "6:5: one of url or url_file must be configured" },
	{ "  webhook_configs:\n" "  - {max_alerts: x}\n",
	    "6:18: max_alerts must be a non-negative integer, not \"x\"" },
	{ "  webhook_configs:\n" "  - {url: 'http://SECRET@a b/'}\n",
	    "6:11: url is not a valid URL: invalid character in host name" },
	{ "  webhook_configs:\n" "  - {url: \"http://a/\\x01SECRET\"}\n",
	    "6:11: url is not a valid URL: invalid control character in URL" },
	{ "  webhook_configs:\n" "  - {url: 'https://u:SECRET@h:x/'}\n",
	    "6:11: url is not a valid URL: invalid port after host" },
	{ "  webhook_configs:\n" "  - {url: ''}\n",
	    "6:11: url must be an http or https URL" },
	{ "  file_configs:\n" "  - {path: [a]}\n",
	    "6:12: path must be a string, not a list" },
	{ "  file_configs:\n" "  - {path: ''}\n",
	    "6:5: missing path in file_config" },
	{ "  file_configs:\n" "  - {path: null, send_resolved: true}\n",
	    "6:5: missing path in file_config" },
	{ "  file_configs:\n" "  - {path: a, mode: 0600}\n",
	    "6:15: unknown field mode in file_config" },
	{ "  file_configs:\n" "  - {path: a, send_resolved: x}\n",
	    "6:30: send_resolved must be true or false, not \"x\"" },
};

static const struct errcase http_config_errors[] = {
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {proxy: x}}\n",
	    "6:36: unknown field proxy in http_config" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {oauth2: {client_id: x}}}\n",
	    "6:36: http_config: oauth2 is not supported by tocsin" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {follow_redirects: x}}\n",
	    "6:54: follow_redirects must be true or false, not \"x\"" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {enable_http2: [x]}}\n",
	    "6:50: enable_http2 must be true or false, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {proxy_url: [x]}}\n",
	    "6:47: proxy_url must be a string, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {proxy_url: "
	    "\"http://u:SECRET@p/\\r\"}}\n",
	    "6:47: proxy_url is not a valid URL: invalid control character "
	    "in URL" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: x}}\n",
	    "6:48: basic_auth must be a mapping, not a scalar" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {user: x}}}\n",
	    "6:49: unknown field user in basic_auth" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {username: "
	    "[u]}}}\n",
	    "6:59: username must be a string, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {username: u, "
	    "password_file: missing}}}\n",
	    "6:77: cannot read password_file \"{dir}/missing\": No such file "
	    "or directory" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {password: "
	    "SECRET, password_file: pw}}}\n",
	    "6:82: at most one of basic_auth password & password_file must "
	    "be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: x}}\n",
	    "6:51: authorization must be a mapping, not a scalar" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {token: x}}}\n",
	    "6:52: unknown field token in authorization" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: "
	    "{credentials_file: missing}}}\n",
	    "6:70: cannot read credentials_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {credentials: "
	    "SECRET, credentials_file: pw}}}\n",
	    "6:91: at most one of authorization credentials & "
	    "credentials_file must be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {type: Basic, "
	    "credentials: c}}}\n",
	    "6:36: authorization type cannot be set to \"basic\", use "
	    "\"basic_auth\" instead" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {credentials: "
	    "c}, bearer_token: t}}\n",
	    "6:36: authorization is not compatible with bearer_token & "
	    "bearer_token_file" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {credentials: "
	    "c}, bearer_token_file: pw}}\n",
	    "6:36: authorization is not compatible with bearer_token & "
	    "bearer_token_file" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {credentials: "
	    "c}, basic_auth: {username: u}}}\n",
	    "6:36: at most one of basic_auth, oauth2 & authorization must be "
	    "configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token: t, "
	    "bearer_token_file: pw}}\n",
	    "6:72: at most one of bearer_token & bearer_token_file must be "
	    "configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token: t, basic_auth: "
	    "{username: u}}}\n",
	    "6:50: at most one of basic_auth, oauth2, bearer_token & "
	    "bearer_token_file must be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token_file: pw, "
	    "basic_auth: {username: u}}}\n",
	    "6:55: at most one of basic_auth, oauth2, bearer_token & "
	    "bearer_token_file must be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token_file: missing}}\n",
	    "6:55: cannot read bearer_token_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token: [t]}}\n",
	    "6:50: bearer_token must be a string, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token_file: [t]}}\n",
	    "6:55: bearer_token_file must be a file name, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {server: x}}}\n",
	    "6:49: unknown field server in tls_config" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: [x]}}\n",
	    "6:48: tls_config must be a mapping, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {max_version: "
	    "1.3}}}\n",
	    "6:62: unknown TLS version: 1.3" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {min_version: "
	    "[TLS12]}}}\n",
	    "6:62: min_version must be a string, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {ca_file: [x]}}}\n",
	    "6:58: ca_file must be a file name, not a list" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {cert_file: "
	    "c.pem}}}\n",
	    "6:48: client cert file \"{dir}/c.pem\" specified without client "
	    "key file" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {key_file: "
	    "k.pem}}}\n",
	    "6:48: client key file \"{dir}/k.pem\" specified without client "
	    "cert file" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {server_name: "
	    "[x]}}}\n",
	    "6:62: server_name must be a string, not a list" },
	{ "  webhook_configs:\n" "  - {url: http://x/}\n" "global:\n"
	    "  http_config: {proxy: x}\n",
	    "8:17: unknown field proxy in http_config" },
	/* Order: the walk first, then Validate's checks in prometheus/common's
	 * order. */
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {bearer_token: t, "
	    "bearer_token_file: pw, basic_auth: {username: u}}}\n",
	    "6:72: at most one of bearer_token & bearer_token_file must be "
	    "configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {password: p, "
	    "password_file: pw}, authorization: {}}}\n",
	    "6:77: at most one of basic_auth password & password_file must "
	    "be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {type: "
	    "basic}, basic_auth: {}}}\n",
	    "6:36: authorization type cannot be set to \"basic\", use "
	    "\"basic_auth\" instead" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {authorization: {credentials: "
	    "c, credentials_file: pw}, basic_auth: {}}}\n",
	    "6:86: at most one of authorization credentials & "
	    "credentials_file must be configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {basic_auth: {password_file: "
	    "missing}, authorization: {credentials_file: missing}}}\n",
	    "6:74: at most one of basic_auth, oauth2 & authorization must be "
	    "configured" },
	{ "  webhook_configs:\n"
	    "  - {url: http://x/, http_config: {tls_config: {cert_file: "
	    "c.pem}, proxy: 1}}\n",
	    "6:48: client cert file \"{dir}/c.pem\" specified without client "
	    "key file" },
};

static void
test_receiver_entry_errors(void **state)
{
	check_receiver_errors(*state, receiver_errors, nitems(receiver_errors));
}

static void
test_telegram_config_errors(void **state)
{
	check_receiver_errors(*state, telegram_errors, nitems(telegram_errors));
}

static void
test_slack_config_errors(void **state)
{
	check_receiver_errors(*state, slack_errors, nitems(slack_errors));
}

static void
test_slack_field_and_action_errors(void **state)
{
	check_receiver_errors(*state, slack_field_and_action_errors, nitems(slack_field_and_action_errors));
}

static void
test_email_config_errors(void **state)
{
	check_receiver_errors(*state, email_errors, nitems(email_errors));
}

static void
test_webhook_and_file_config_errors(void **state)
{
	check_receiver_errors(*state, webhook_and_file_errors, nitems(webhook_and_file_errors));
}

static void
test_http_and_tls_config_errors(void **state)
{
	check_receiver_errors(*state, http_config_errors, nitems(http_config_errors));
}

static void
test_defaults_of_each_type(void **state)
{
	const struct telegram_config *t;
	const struct slack_config *s;
	const struct email_config *e;
	const struct webhook_config *w;
	const struct receiver *r;
	struct config *cfg;

	cfg = load(*state, "  telegram_configs: [{bot_token: t, chat_id: 1}]\n"
	    "  slack_configs: [{api_url: 'http://s/'}]\n"
	    "  email_configs: [{to: a@b, from: f@b, smarthost: 'm:25'}]\n"
	    "  webhook_configs: [{url: 'http://w/'}]\n"
	    "  file_configs: [{path: '-'}]\n");
	r = config_receiver_at(cfg, 0);
	t = TELEGRAM_AT(r, 0);
	assert_true(t->send_resolved);
	assert_string_equal(t->api_url, "https://api.telegram.org");
	assert_string_equal(t->parse_mode, "HTML");
	assert_string_equal(t->message, "{{ template \"telegram.default.message\" . }}");
	assert_null(t->bot_token_file);
	assert_null(t->chat_id_file);
	assert_int_equal(t->message_thread_id, 0);
	assert_false(t->disable_notifications);
	assert_null(t->silent_unless);
	assert_true(t->http.follow_redirects);
	assert_true(t->http.enable_http2);
	assert_null(t->http.authorization_type);

	s = SLACK_AT(r, 0);
	assert_false(s->send_resolved);
	assert_null(s->api_url_file);
	assert_null(s->channel);
	assert_string_equal(s->username, "{{ template \"slack.default.username\" . }}");
	/* Alertmanager 0.34's default; 0.25 wrote the text out. */
	assert_string_equal(s->color, "{{ template \"slack.default.color\" . }}");
	assert_string_equal(s->title, "{{ template \"slack.default.title\" . }}");
	assert_string_equal(s->title_link, "{{ template \"slack.default.titlelink\" . }}");
	assert_string_equal(s->pretext, "{{ template \"slack.default.pretext\" . }}");
	assert_string_equal(s->text, "{{ template \"slack.default.text\" . }}");
	assert_string_equal(s->footer, "{{ template \"slack.default.footer\" . }}");
	assert_string_equal(s->fallback, "{{ template \"slack.default.fallback\" . }}");
	assert_string_equal(s->callback_id, "{{ template \"slack.default.callbackid\" . }}");
	assert_string_equal(s->icon_emoji, "{{ template \"slack.default.iconemoji\" . }}");
	assert_string_equal(s->icon_url, "{{ template \"slack.default.iconurl\" . }}");
	assert_null(s->image_url);
	assert_null(s->thumb_url);
	assert_false(s->short_fields);
	assert_false(s->link_names);
	assert_int_equal(s->nfields + s->nactions + s->nmrkdwn_in, 0);

	e = EMAIL_AT(r, 0);
	assert_false(e->send_resolved);
	assert_string_equal(e->hello, "localhost");
	assert_string_equal(e->smarthost_host, "m");
	assert_string_equal(e->smarthost_port, "25");
	assert_null(e->auth_username);
	assert_null(e->auth_password);
	assert_null(e->auth_secret);
	assert_null(e->auth_identity);
	assert_string_equal(e->html, "{{ template \"email.default.html\" . }}");
	assert_null(e->text);
	assert_true(e->require_tls);
	assert_int_equal(e->headers.n, 3);
	assert_string_equal(kv_get(&e->headers, "Subject"),
	    "{{ template \"email.default.subject\" . }}");
	assert_string_equal(kv_get(&e->headers, "To"), "a@b");
	assert_string_equal(kv_get(&e->headers, "From"), "f@b");

	w = WEBHOOK_AT(r, 0);
	assert_true(w->send_resolved);
	assert_int_equal(w->max_alerts, 0);
	assert_true(w->http.follow_redirects);
	assert_true(FILE_AT(r, 0)->send_resolved);
	config_free(cfg);
}

/* Go's YAML decoder leaves a null at the zero value, and Alertmanager's
 * defaults fill only what is still unset: a null bool is false even where
 * the default is true, a null string takes the default, '' stays ''. */
static void
test_null_and_empty_values(void **state)
{
	const struct receiver *r;
	struct config *cfg;

	cfg = load(*state, "  telegram_configs: [{bot_token: t, chat_id: 1, "
	    "send_resolved: null, parse_mode: null, message: '', silent_unless: null}]\n"
	    "  slack_configs: [{api_url: 'http://s/', title: '', text: null, "
	    "fields: [{title: a, value: b, short: null}, {title: c, value: d, short: false}], "
	    "actions: [{type: button, text: a, name: n, confirm: null}], mrkdwn_in: null}]\n"
	    "  webhook_configs: [{url: 'http://w/', send_resolved: ~, http_config: ~}]\n"
	    "  file_configs: [{path: '-', send_resolved: null}]\n"
	    "  email_configs: [{to: a@b, from: f@b, smarthost: 'm:25', "
	    "require_tls: null, headers: {X-Empty: null}}]\n"
	    "global:\n  smtp_require_tls: false\n");
	r = config_receiver_at(cfg, 0);
	assert_false(TELEGRAM_AT(r, 0)->send_resolved);
	assert_string_equal(TELEGRAM_AT(r, 0)->parse_mode, "HTML");
	assert_string_equal(TELEGRAM_AT(r, 0)->message, "");
	assert_null(TELEGRAM_AT(r, 0)->silent_unless);
	assert_string_equal(SLACK_AT(r, 0)->title, "");
	assert_string_equal(SLACK_AT(r, 0)->text, "{{ template \"slack.default.text\" . }}");
	assert_false(SLACK_AT(r, 0)->fields[0].has_short);
	assert_true(SLACK_AT(r, 0)->fields[1].has_short);
	assert_false(SLACK_AT(r, 0)->fields[1].is_short);
	assert_null(SLACK_AT(r, 0)->actions[0].confirm);
	assert_int_equal(SLACK_AT(r, 0)->nmrkdwn_in, 0);
	assert_false(WEBHOOK_AT(r, 0)->send_resolved);
	assert_true(WEBHOOK_AT(r, 0)->http.follow_redirects);
	assert_false(FILE_AT(r, 0)->send_resolved);
	assert_false(EMAIL_AT(r, 0)->require_tls);
	assert_string_equal(kv_get(&EMAIL_AT(r, 0)->headers, "X-Empty"), "");
	config_free(cfg);
}

/* A receiver without its own http_config (or with a null one) gets a copy of
 * the global one; an empty one means the defaults, not the global's. */
static void
test_http_config_own_or_global(void **state)
{
	const struct receiver *r;
	struct config *cfg;

	cfg = load(*state, "  webhook_configs:\n  - {url: 'http://a/'}\n"
	    "  - {url: 'http://b/', http_config: {}}\n"
	    "  - {url: 'http://c/', http_config: {follow_redirects: false, "
	    "enable_http2: false, authorization: {type: Token, credentials: c}}}\n"
	    "  telegram_configs: [{bot_token: t, chat_id: 1, http_config: null}]\n"
	    "  slack_configs: [{api_url: 'http://s/'}]\n"
	    "global:\n  http_config:\n    proxy_url: http://proxy:3128\n"
	    "    basic_auth: {username: u, password_file: pw}\n"
	    "    tls_config: {ca_file: ca.pem, server_name: s, min_version: TLS12}\n");
	r = config_receiver_at(cfg, 0);
	assert_string_equal(WEBHOOK_AT(r, 0)->http.proxy_url, "http://proxy:3128");
	assert_string_equal(WEBHOOK_AT(r, 0)->http.basic_auth_username, "u");
	assert_string_equal(WEBHOOK_AT(r, 0)->http.basic_auth_password, "pw");
	assert_string_equal(WEBHOOK_AT(r, 0)->http.tls.server_name, "s");
	assert_string_equal(WEBHOOK_AT(r, 0)->http.tls.min_version, "TLS12");
	assert_non_null(strstr(WEBHOOK_AT(r, 0)->http.tls.ca_file, "/ca.pem"));
	assert_null(WEBHOOK_AT(r, 1)->http.proxy_url);
	assert_null(WEBHOOK_AT(r, 1)->http.basic_auth_username);
	assert_true(WEBHOOK_AT(r, 1)->http.follow_redirects);
	assert_false(WEBHOOK_AT(r, 2)->http.follow_redirects);
	assert_false(WEBHOOK_AT(r, 2)->http.enable_http2);
	assert_string_equal(WEBHOOK_AT(r, 2)->http.authorization_type, "Token");
	assert_string_equal(WEBHOOK_AT(r, 2)->http.authorization_credentials, "c");
	assert_string_equal(TELEGRAM_AT(r, 0)->http.proxy_url, "http://proxy:3128");
	assert_string_equal(SLACK_AT(r, 0)->http.basic_auth_password, "pw");
	config_free(cfg);
}

/* bearer_token is the old spelling of authorization; *_file secrets are read
 * at load time and their path kept. */
static void
test_http_config_credentials(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;
	char	 want[128];

	cfg = load(f, "  webhook_configs:\n"
	    "  - {url: 'http://a/', http_config: {bearer_token: tok}}\n"
	    "  - {url: 'http://b/', http_config: {bearer_token_file: pw}}\n"
	    "  - {url: 'http://c/', http_config: {authorization: {credentials_file: pw}}}\n"
	    "  - {url: 'http://d/', http_config: {basic_auth: {username: u, password: p}}}\n"
	    "  - {url: 'http://e/', http_config: {tls_config: {cert_file: c.pem, "
	    "key_file: /k.pem, insecure_skip_verify: true, max_version: TLS13}}}\n");
	r = config_receiver_at(cfg, 0);
	snprintf(want, sizeof(want), "%s/pw", f->dir);
	assert_string_equal(WEBHOOK_AT(r, 0)->http.authorization_type, "Bearer");
	assert_string_equal(WEBHOOK_AT(r, 0)->http.authorization_credentials, "tok");
	assert_null(WEBHOOK_AT(r, 0)->http.authorization_credentials_file);
	assert_string_equal(WEBHOOK_AT(r, 1)->http.authorization_type, "Bearer");
	assert_string_equal(WEBHOOK_AT(r, 1)->http.authorization_credentials, "pw");
	assert_string_equal(WEBHOOK_AT(r, 1)->http.authorization_credentials_file, want);
	assert_string_equal(WEBHOOK_AT(r, 2)->http.authorization_type, "Bearer");
	assert_string_equal(WEBHOOK_AT(r, 2)->http.authorization_credentials, "pw");
	assert_string_equal(WEBHOOK_AT(r, 2)->http.authorization_credentials_file, want);
	assert_string_equal(WEBHOOK_AT(r, 3)->http.basic_auth_username, "u");
	assert_string_equal(WEBHOOK_AT(r, 3)->http.basic_auth_password, "p");
	assert_null(WEBHOOK_AT(r, 3)->http.authorization_type);
	snprintf(want, sizeof(want), "%s/c.pem", f->dir);
	assert_string_equal(WEBHOOK_AT(r, 4)->http.tls.cert_file, want);
	assert_string_equal(WEBHOOK_AT(r, 4)->http.tls.key_file, "/k.pem");
	assert_true(WEBHOOK_AT(r, 4)->http.tls.insecure_skip_verify);
	assert_string_equal(WEBHOOK_AT(r, 4)->http.tls.max_version, "TLS13");
	config_free(cfg);
}

/* Own secrets, *_file secrets and the global ones (with their file, so that
 * a reload knows where they came from). */
static void
test_secrets_own_file_and_global(void **state)
{
	const struct config_fixture *f = *state;
	const struct receiver *r;
	struct config *cfg;
	char	 want[128];

	cfg = load(f, "  telegram_configs:\n"
	    "  - {bot_token_file: token, chat_id_file: chat, chat_id: 0}\n"
	    "  - {chat_id: 1}\n"
	    "  slack_configs:\n  - {api_url_file: hook}\n  - {channel: x}\n"
	    "  email_configs:\n  - {to: a@b}\n"
	    "  - {to: c@d, auth_username: own, auth_password: own-pw, "
	    "auth_secret: own-s, auth_identity: own-i, hello: h, require_tls: true}\n"
	    "global:\n  telegram_bot_token_file: token\n  slack_api_url: 'http://g/'\n"
	    "  smtp_smarthost: '[::1]:587'\n  smtp_from: g@b\n  smtp_hello: gh\n"
	    "  smtp_auth_username: gu\n  smtp_auth_password_file: pw\n"
	    "  smtp_auth_secret: gs\n  smtp_auth_identity: gi\n  smtp_require_tls: false\n");
	r = config_receiver_at(cfg, 0);
	snprintf(want, sizeof(want), "%s/token", f->dir);
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token, "123:TOKEN");
	assert_string_equal(TELEGRAM_AT(r, 0)->bot_token_file, want);
	assert_int_equal(TELEGRAM_AT(r, 0)->chat_id, -42);
	assert_string_equal(TELEGRAM_AT(r, 1)->bot_token, "123:TOKEN");
	assert_string_equal(TELEGRAM_AT(r, 1)->bot_token_file, want);
	assert_string_equal(SLACK_AT(r, 0)->api_url, "https://hooks.slack.example/T/B/X");
	snprintf(want, sizeof(want), "%s/hook", f->dir);
	assert_string_equal(SLACK_AT(r, 0)->api_url_file, want);
	assert_string_equal(SLACK_AT(r, 1)->api_url, "http://g/");
	assert_null(SLACK_AT(r, 1)->api_url_file);

	snprintf(want, sizeof(want), "%s/pw", f->dir);
	assert_string_equal(EMAIL_AT(r, 0)->smarthost, "[::1]:587");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost_host, "::1");
	assert_string_equal(EMAIL_AT(r, 0)->smarthost_port, "587");
	assert_string_equal(EMAIL_AT(r, 0)->from, "g@b");
	assert_string_equal(EMAIL_AT(r, 0)->hello, "gh");
	assert_string_equal(EMAIL_AT(r, 0)->auth_username, "gu");
	assert_string_equal(EMAIL_AT(r, 0)->auth_password, "pw");
	assert_string_equal(EMAIL_AT(r, 0)->auth_password_file, want);
	assert_string_equal(EMAIL_AT(r, 0)->auth_secret, "gs");
	assert_string_equal(EMAIL_AT(r, 0)->auth_identity, "gi");
	assert_false(EMAIL_AT(r, 0)->require_tls);
	assert_string_equal(kv_get(&EMAIL_AT(r, 0)->headers, "From"), "g@b");
	assert_string_equal(EMAIL_AT(r, 1)->auth_username, "own");
	assert_string_equal(EMAIL_AT(r, 1)->auth_password, "own-pw");
	assert_null(EMAIL_AT(r, 1)->auth_password_file);
	assert_string_equal(EMAIL_AT(r, 1)->auth_secret, "own-s");
	assert_string_equal(EMAIL_AT(r, 1)->auth_identity, "own-i");
	assert_string_equal(EMAIL_AT(r, 1)->hello, "h");
	assert_true(EMAIL_AT(r, 1)->require_tls);
	config_free(cfg);
}

static void
test_slack_fields_actions_and_lists(void **state)
{
	const struct slack_config *s;
	struct config *cfg;

	cfg = load(*state, "  slack_configs:\n  - api_url: 'http://s/'\n"
	    "    mrkdwn_in: [text, pretext]\n"
	    "    fields: [{title: a, value: b, short: true}, {title: c, value: d}]\n"
	    "    actions:\n"
	    "    - {type: button, text: Go, url: 'http://u/', name: dropped, "
	    "value: dropped, confirm: {text: sure?}}\n"
	    "    - {type: button, text: Ack, name: ack, value: v, style: danger, "
	    "confirm: {text: sure?, title: T, ok_text: Y, dismiss_text: N}}\n");
	s = SLACK_AT(config_receiver_at(cfg, 0), 0);
	assert_int_equal(s->nmrkdwn_in, 2);
	assert_string_equal(s->mrkdwn_in[1], "pretext");
	assert_int_equal(s->nfields, 2);
	assert_string_equal(s->fields[1].title, "c");
	assert_string_equal(s->fields[1].value, "d");
	assert_false(s->fields[1].has_short);
	assert_int_equal(s->nactions, 2);
	/* A link button carries no message-action fields. */
	assert_string_equal(s->actions[0].url, "http://u/");
	assert_null(s->actions[0].name);
	assert_null(s->actions[0].value);
	assert_null(s->actions[0].confirm);
	assert_null(s->actions[1].url);
	assert_string_equal(s->actions[1].name, "ack");
	assert_string_equal(s->actions[1].value, "v");
	assert_string_equal(s->actions[1].style, "danger");
	assert_non_null(s->actions[1].confirm);
	assert_string_equal(s->actions[1].confirm->text, "sure?");
	assert_string_equal(s->actions[1].confirm->title, "T");
	assert_string_equal(s->actions[1].confirm->ok_text, "Y");
	assert_string_equal(s->actions[1].confirm->dismiss_text, "N");
	config_free(cfg);
}

/* Header names are canonical MIME keys; the defaults never replace what the
 * config sets, whatever its spelling. */
static void
test_email_headers(void **state)
{
	const struct email_config *e;
	struct config *cfg;

	cfg = load(*state, "  email_configs:\n  - to: a@b\n    from: f@b\n"
	    "    smarthost: 'm:25'\n    text: plain\n"
	    "    headers: {content-TYPE: x, to: list@b, 'odd key': v, X-Num: 5}\n");
	e = EMAIL_AT(config_receiver_at(cfg, 0), 0);
	assert_int_equal(e->headers.n, 6);
	assert_string_equal(kv_get(&e->headers, "Content-Type"), "x");
	assert_string_equal(kv_get(&e->headers, "To"), "list@b");
	assert_string_equal(kv_get(&e->headers, "odd key"), "v");
	assert_string_equal(kv_get(&e->headers, "X-Num"), "5");
	assert_string_equal(kv_get(&e->headers, "From"), "f@b");
	assert_non_null(kv_get(&e->headers, "Subject"));
	assert_string_equal(e->text, "plain");
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receiver_entry_errors),
		cmocka_unit_test(test_telegram_config_errors),
		cmocka_unit_test(test_slack_config_errors),
		cmocka_unit_test(test_slack_field_and_action_errors),
		cmocka_unit_test(test_email_config_errors),
		cmocka_unit_test(test_webhook_and_file_config_errors),
		cmocka_unit_test(test_http_and_tls_config_errors),
		cmocka_unit_test(test_defaults_of_each_type),
		cmocka_unit_test(test_null_and_empty_values),
		cmocka_unit_test(test_http_config_own_or_global),
		cmocka_unit_test(test_http_config_credentials),
		cmocka_unit_test(test_secrets_own_file_and_global),
		cmocka_unit_test(test_slack_fields_actions_and_lists),
		cmocka_unit_test(test_email_headers),
	};

	return cmocka_run_group_tests(tests, setup, config_fixture_teardown);
}
