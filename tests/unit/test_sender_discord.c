/* test_sender_discord.c: the discord channel: discord_configs (defaults,
 * every error with its position, the webhook URL never echoed), the body
 * Alertmanager's discord notifier posts byte for byte (its default.tmpl and
 * tocsin's), Alertmanager 0.34's cuts to 256/4096/2000 runes, and Discord's
 * answers from the fake Discord classified, with no token in a reason. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "config_cases.h"
#include "default_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "receiver.h"
#include "sender.h"
#include "sender_discord.h"
#include "tmpl.h"

#define HOOK	"/api/webhooks/123456789012345678/TEST-token"
#define DISCORD_AT(r, i) ((const struct discord_config *) \
	receiver_config((r), &channel_discord, (i)))

/* The receiver under test starts on line 5. */
#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

struct env {
	struct fake		 fake;
	struct tmpl_set		*am;		/* Alertmanager's default.tmpl */
	struct tmpl_set		*own;		/* tocsin.tmpl */
	struct tmpl_opts	 opts;
	char			 dir[64];	/* *_file secrets */
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_discord.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	if ((e->am = default_tmpl_load(&e->opts, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	assert_non_null(e->own = tmpl_set_new());
	if (tmpl_set_add_file(e->own, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("tocsin.tmpl: %s", err.msg);
	scratch_make(e->dir, sizeof(e->dir), "test_sender_discord");
	scratch_write(e->dir, "hook", "  http://127.0.0.1:1" HOOK "\n");
	scratch_write(e->dir, "empty", "");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	fake_stop(&e->fake);
	tmpl_set_free(e->am);
	tmpl_set_free(e->own);
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

/* A config with one discord_config posting to the fake at path, plus extra
 * keys (indented for the entry). */
static struct config *
load(struct env *e, const char *path, const char *extra)
{
	char		 yaml[16384];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml), HEAD "  discord_configs:\n"
	    "  - webhook_url: %s%s\n%s", e->fake.base, path, extra ? extra : "");
	cfg = config_load_buffer("d.yml", e->dir, yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

/* Renders n with set for the receiver's first discord_config and sends each
 * part; returns the number of parts. */
static size_t
run(struct env *e, const struct tmpl_set *set, const struct config *cfg,
    const struct notification *n, struct sender_parts *parts,
    struct send_result *r)
{
	const struct receiver		*rc = config_receiver(cfg, "r");
	const struct sender_ops		*ops = channel_discord.ops;
	struct sender_render_ctx	 rctx = { .tmpl = set, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "discord/0", .timeout_ms = 5000 };
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (ops->render(DISCORD_AT(rc, 0), n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		ops->send(DISCORD_AT(rc, 0), &sctx, parts->v[i].dest,
		    parts->v[i].payload, parts->v[i].len, r);
		assert_null(strstr(r->reason, "TEST-token"));
		assert_null(strstr(r->reason, "WRONG"));
		assert_null(strstr(r->reason, "123456789012345678"));
	}
	return parts->n;
}

/* ---- config ---- */

static void
test_discord_config_defaults(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, HOOK, NULL);
	const struct discord_config *c = DISCORD_AT(config_receiver(cfg, "r"), 0);
	char			 want[128];

	assert_non_null(c);
	assert_true(c->send_resolved);
	snprintf(want, sizeof(want), "%s%s", e->fake.base, HOOK);
	assert_string_equal(c->webhook_url, want);
	assert_null(c->webhook_url_file);
	assert_string_equal(c->title, "{{ template \"discord.default.title\" . }}");
	assert_string_equal(c->message, "{{ template \"discord.default.message\" . }}");
	assert_null(c->content);
	assert_null(c->username);
	assert_null(c->avatar_url);
	assert_true(c->http.follow_redirects);
	assert_int_equal(receiver_count(config_receiver(cfg, "r"), &channel_discord), 1);
	config_free(cfg);
}

/* webhook_url_file is read at load, white space trimmed; every 0.34 field
 * is taken. */
static void
test_discord_config_file_and_fields(void **state)
{
	struct env		*e = *state;
	static const char	 yaml[] = HEAD "  discord_configs:\n"
	    "  - webhook_url_file: hook\n    send_resolved: false\n"
	    "    content: 'c {{ .Status }}'\n    title: t\n    message: m\n"
	    "    username: u\n    avatar_url: 'https://a.example/x.png'\n"
	    "    http_config: {proxy_url: 'http://proxy:3128'}\n";
	struct config		*cfg = config_must_load(e->dir, yaml);
	const struct discord_config *c = DISCORD_AT(config_receiver(cfg, "r"), 0);

	assert_string_equal(c->webhook_url, "http://127.0.0.1:1" HOOK);
	assert_false(c->send_resolved);
	assert_string_equal(c->content, "c {{ .Status }}");
	assert_string_equal(c->title, "t");
	assert_string_equal(c->message, "m");
	assert_string_equal(c->username, "u");
	assert_string_equal(c->avatar_url, "https://a.example/x.png");
	config_free(cfg);
}

/* Alertmanager 0.34's checks and messages, in its order, at the node they
 * are about; the URL (spelled SECRET) never echoed. */
static const struct errcase discord_errors[] = {
	{ "  discord_configs:\n" "  - {title: x}\n",
	    "6:5: one of webhook_url or webhook_url_file must be configured" },
	{ "  discord_configs:\n" "  - {webhook_url: null}\n",
	    "6:5: one of webhook_url or webhook_url_file must be configured" },
	{ "  discord_configs:\n" "  - {webhook_url_file: ''}\n",
	    "6:5: one of webhook_url or webhook_url_file must be configured" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d/SECRET', webhook_url_file: hook}\n",
	    "6:56: at most one of webhook_url & webhook_url_file must be configured" },
	{ "  discord_configs:\n" "  - {webhook_url: '://d/SECRET'}\n",
	    "6:19: webhook_url is not a valid URL: missing protocol scheme" },
	{ "  discord_configs:\n" "  - {webhook_url: 'ftp://d/SECRET'}\n",
	    "6:19: webhook_url must be an http or https URL" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d:8x/SECRET'}\n",
	    "6:19: webhook_url is not a valid URL: invalid port after host" },
	{ "  discord_configs:\n" "  - {webhook_url: [x]}\n",
	    "6:19: webhook_url must be a URL, not a list" },
	{ "  discord_configs:\n" "  - {webhook_url_file: missing}\n",
	    "6:24: cannot read webhook_url_file \"{dir}/missing\": No such file "
	    "or directory" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d/SECRET', webhok: x}\n",
	    "6:38: unknown field webhok in discord_config" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d/SECRET', content: [x]}\n",
	    "6:47: content must be a string, not a list" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d/SECRET', send_resolved: 'no'}\n",
	    "6:53: send_resolved must be true or false, not the string \"no\"" },
	{ "  discord_configs:\n" "  - {webhook_url: 'http://d/SECRET', http_config: x}\n",
	    "6:51: http_config must be a mapping, not a scalar" },
	{ "  discord_configs:\n" "  - webhook_url: 'http://d/SECRET'\n"
	    "    username: {a: b}\n",
	    "7:15: username must be a string, not a mapping" },
	{ "  discord_configs: {webhook_url: x}\n",
	    "5:20: discord_configs must be a list, not a mapping" },
	{ "  discord_configs: [null]\n",
	    "5:21: receiver \"r\": empty entry in discord_configs" },
};

static void
test_discord_config_errors(void **state)
{
	struct env *e = *state;

	check_errors(e->dir, HEAD, "", discord_errors,
	    sizeof(discord_errors) / sizeof(discord_errors[0]));
}

/* ---- the body ---- */

/* With Alertmanager's default.tmpl: the body its discord notifier posts,
 * which tests/integration/discord_e2e.sh checks against a real 0.25. */
static void
test_discord_body_with_alertmanager_templates(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, HOOK, NULL);
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs, *hdrs;
	const char		*want =
	    "{\"content\":\"\",\"embeds\":[{\"title\":\"[FIRING:1] SSHLoginFromNonLAN "
	    "(homelab:9100 critical 203.0.113.7)\",\"description\":\"\\n\\nAlerts Firing:\\n"
	    "Labels:\\n - alertname = SSHLoginFromNonLAN\\n - instance = homelab:9100\\n"
	    " - severity = critical\\n - src_ip = 203.0.113.7\\nAnnotations:\\n"
	    " - description = A shell login succeeded from a non-LAN address.\\n"
	    " - summary = Shell login for root from 203.0.113.7\\nSource: \\n\\n\\n\\n\","
	    "\"color\":10038562}]}\n";
	bool			 ct = false;

	assert_int_equal(run(e, e->am, cfg, n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(strncmp(parts.v[0].dest, "discord:", 8), 0);
	assert_int_equal(strlen(parts.v[0].dest), 8 + 16);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "discord: 204");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 0, "path"), HOOK);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	hdrs = json_object_get(json_array_get(reqs, 0), "headers");
	for (size_t i = 0; i < json_array_size(hdrs); i++) {
		json_t *h = json_array_get(hdrs, i);

		if (strcasecmp(json_string_value(json_array_get(h, 0)), "Content-Type") == 0)
			ct = strcmp(json_string_value(json_array_get(h, 1)),
			    "application/json") == 0;
	}
	assert_true(ct);
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* tocsin's own defaults: phone-first title and markdown description. */
static void
test_discord_body_with_tocsin_templates(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, HOOK, NULL);
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct notification	*res = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"content\":\"\",\"embeds\":[{\"title\":\"[FIRING:2] HighLLMErrorRate\","
	    "\"description\":\"🟠 **FIRING** HighLLMErrorRate on local-llm · since 13:49 UTC\\n"
	    "High LLM error rate (12.5%)\\n\\n"
	    "🔴 **FIRING** HighLLMErrorRate on local-llm · since 13:49 UTC\\n"
	    "High LLM error rate (31%)\",\"color\":10038562}]}\n");
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	/* All resolved: green. */
	assert_int_equal(run(e, e->own, cfg, res, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"content\":\"\",\"embeds\":[{\"title\":\"[RESOLVED] SSHLoginFromNonLAN\","
	    "\"description\":\"✅ **RESOLVED** SSHLoginFromNonLAN on homelab:9100 · resolved 13:48 UTC\\n"
	    "Shell login for root from 203.0.113.7\\n"
	    "*A shell login succeeded from a non-LAN address.*\",\"color\":3066993}]}\n");
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

/* content (templated), username and avatar_url (as given) after the
 * embeds, as 0.34 encodes them; markdown and HTML characters escaped as
 * Discord markdown and as Go's JSON; send_resolved false drops resolved. */
static void
test_discord_content_username_avatar(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, HOOK,
	    "    content: '{{ .CommonLabels.severity }} <@&42>'\n"
	    "    title: 'T'\n    message: '{{ template \"tocsin.discord.esc\" \"a*b_c <d> & `e`\" }}'\n"
	    "    username: 'Alertmanager'\n    avatar_url: 'https://x.example/a.png?s=1&t=2'\n"
	    "    send_resolved: false\n");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct notification	*res = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"content\":\"critical \\u003c@\\u002642\\u003e\",\"embeds\":[{\"title\":\"T\","
	    "\"description\":\"a\\\\*b\\\\_c \\\\\\u003cd\\\\\\u003e \\u0026 \\\\`e\\\\`\","
	    "\"color\":10038562}],\"username\":\"Alertmanager\","
	    "\"avatar_url\":\"https://x.example/a.png?s=1\\u0026t=2\"}\n");
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	assert_int_equal(run(e, e->own, cfg, res, &parts, &r), 0);
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

/* An avatar_url Go's url.Parse refuses is left out, as Alertmanager does
 * (it logs "Bad avatar url"); anything it takes goes as it is. */
static void
test_discord_bad_avatar_url_left_out(void **state)
{
	static const struct {
		const char	*url;
		bool		 kept;
	} cases[] = {
		{ "https://x.example/a.png", true },
		{ "a.png", true },
		{ "mailto:x@y", true },
		{ "https://x.example/a%zz.png", false },
		{ "https://x.example/a.png?q=%zz", true },
		{ ":x.png", false },
		{ "a:b/c", true },
		{ "1a:b", false },
		{ "https://[::1/a.png", false },
		{ "https://x.example:8x/a.png", false },
		{ "https://x.example/a\\tb", false },
	};
	struct env		*e = *state;
	struct notification	*n = fixture("ssh-login-firing.json");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char			 extra[256];
		struct config		*cfg;
		struct sender_parts	 parts;
		struct send_result	 r;

		snprintf(extra, sizeof(extra), "    title: T\n    message: M\n"
		    "    avatar_url: \"%s\"\n", cases[i].url);
		cfg = load(e, HOOK, extra);
		assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
		if ((strstr(parts.v[0].payload, "avatar_url") != NULL) != cases[i].kept)
			fail_msg("%s: %s", cases[i].url, parts.v[0].payload);
		sender_parts_free(&parts);
		config_free(cfg);
	}
	notification_free(n);
}

/* Over Discord's limits, Alertmanager 0.34 keeps n-1 runes and an
 * ellipsis: title 256, description 4096, content 2000 (an invalid byte is
 * one rune and becomes U+FFFD in the cut text). The fake takes the cut
 * body. */
static void
test_discord_cut_at_discord_limits(void **state)
{
	struct env		*e = *state;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct config		*cfg;
	json_t			*body, *emb;
	const char		*s;
	char			*extra;
	size_t			 o;
	int			 i;

	assert_non_null(extra = malloc(8192));
	o = (size_t)sprintf(extra, "    title: '{{ \"\\x80\" }}");
	for (i = 0; i < 300; i++)
		o += (size_t)sprintf(extra + o, "\xc3\xa9");
	o += (size_t)sprintf(extra + o, "'\n    message: '");
	for (i = 0; i < 4096; i++)
		extra[o++] = 'm';
	o += (size_t)sprintf(extra + o, "'\n    content: '");
	for (i = 0; i < 2001; i++)
		extra[o++] = 'c';
	sprintf(extra + o, "'\n");
	cfg = load(e, HOOK, extra);
	free(extra);
	assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
	assert_int_equal(r.status, SEND_OK);
	assert_non_null(body = json_loads(parts.v[0].payload, 0, NULL));
	emb = json_array_get(json_object_get(body, "embeds"), 0);
	s = json_string_value(json_object_get(emb, "title"));
	/* U+FFFD, 254 é, U+2026: 256 runes. */
	assert_int_equal(strlen(s), 3 + 254 * 2 + 3);
	assert_memory_equal(s, "\xef\xbf\xbd\xc3\xa9", 5);
	assert_string_equal(s + 3 + 254 * 2, "\xe2\x80\xa6");
	/* Exactly 4096: as it is. */
	assert_int_equal(strlen(json_string_value(json_object_get(emb, "description"))), 4096);
	s = json_string_value(json_object_get(body, "content"));
	assert_int_equal(strlen(s), 1999 + 3);
	assert_string_equal(s + 1999, "\xe2\x80\xa6");
	json_decref(body);
	sender_parts_free(&parts);
	config_free(cfg);
	notification_free(n);
}

/* The rule itself, at its edges (one rune over, n <= 3). */
static void
test_discord_truncate_runes_edges(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(sender_truncate_runes(&b, 4), 0);
	assert_string_equal(buf_str(&b), "abcd");
	assert_int_equal(sender_truncate_runes(&b, 3), 1);
	/* n <= 3: no room for the marker, n runes kept. */
	assert_string_equal(buf_str(&b), "abc");
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "h\xc3\xa9llo"), 0);
	assert_int_equal(sender_truncate_runes(&b, 4), 1);
	assert_string_equal(buf_str(&b), "h\xc3\xa9l\xe2\x80\xa6");
	buf_free(&b);
}

/* ---- Discord's answers ---- */

static void
expect(struct env *e, const struct config *cfg, const struct notification *n,
    enum send_status st, int64_t retry_after_ms, const char *reason)
{
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
	if (r.status != st || r.retry_after_ms != retry_after_ms ||
	    strcmp(r.reason, reason) != 0)
		fail_msg("want %d %lld \"%s\", got %d %lld \"%s\"", st,
		    (long long)retry_after_ms, reason, r.status,
		    (long long)r.retry_after_ms, r.reason);
	sender_parts_free(&parts);
}

static void
force(struct env *e, const char *json)
{
	char *s = fake_call(&e->fake, "/_fake/config", json);

	assert_non_null(s);
	assert_non_null(strstr(s, "\"ok\": true"));
	free(s);
}

static void
test_discord_classification(void **state)
{
	struct env		*e = *state;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct config		*cfg;

	/* A deleted webhook, a wrong token: permanent. */
	cfg = load(e, "/api/webhooks/999/TEST-token", NULL);
	expect(e, cfg, n, SEND_PERMFAIL, -1, "discord: 404 Unknown Webhook (10015)");
	config_free(cfg);
	cfg = load(e, "/api/webhooks/123456789012345678/WRONG", NULL);
	expect(e, cfg, n, SEND_PERMFAIL, -1, "discord: 401 Invalid Webhook Token (50027)");
	config_free(cfg);
	/* ?wait=true: 200 and the message. */
	cfg = load(e, HOOK "?wait=true", NULL);
	expect(e, cfg, n, SEND_OK, -1, "discord: 200");
	config_free(cfg);

	cfg = load(e, HOOK, NULL);
	/* 429: retry_after in seconds with decimals, exactly; global said. */
	force(e, "{\"force\": [{\"status\": 429, \"retry_after\": 0.5},"
	    " {\"status\": 429, \"retry_after\": 0.57, \"global\": true},"
	    " {\"status\": 429, \"body\": \"rate limited\", \"content_type\": \"text/plain\","
	    "   \"headers\": {\"Retry-After\": \"7\"}},"
	    " {\"status\": 500}, {\"status\": 502, \"body\": \"<html>bad gateway</html>\","
	    "   \"content_type\": \"text/html\"}, {\"close\": true},"
	    " {\"status\": 403, \"body\": \"{\\\"message\\\": \\\"Missing Access\\\", \\\"code\\\": 50001}\"}]}");
	expect(e, cfg, n, SEND_TEMPFAIL, 500, "discord: 429 You are being rate limited.");
	expect(e, cfg, n, SEND_TEMPFAIL, 570,
	    "discord: 429 You are being rate limited. (global)");
	/* Not Discord's JSON (a proxy): the Retry-After header. */
	expect(e, cfg, n, SEND_TEMPFAIL, 7000, "discord: 429 rate limited");
	expect(e, cfg, n, SEND_TEMPFAIL, -1, "discord: 500 500: Internal Server Error (0)");
	expect(e, cfg, n, SEND_TEMPFAIL, -1, "discord: 502 <html>bad gateway</html>");
	/* No answer: the URL redacted, the token nowhere. */
	{
		struct sender_parts	 parts;
		struct send_result	 r;

		assert_int_equal(run(e, e->own, cfg, n, &parts, &r), 1);
		assert_int_equal(r.status, SEND_TEMPFAIL);
		assert_int_equal(r.retry_after_ms, -1);
		assert_int_equal(strncmp(r.reason, "discord: POST http://127.0.0.1:", 31), 0);
		assert_non_null(strstr(r.reason, "/<redacted>: "));
		sender_parts_free(&parts);
	}
	expect(e, cfg, n, SEND_PERMFAIL, -1, "discord: 403 Missing Access (50001)");
	/* Discord's form errors: the first one's path and message. */
	force(e, "{\"force\": [{\"status\": 400, \"body\": \"{\\\"code\\\": 50035, "
	    "\\\"errors\\\": {\\\"embeds\\\": {\\\"0\\\": {\\\"description\\\": "
	    "{\\\"_errors\\\": [{\\\"code\\\": \\\"BASE_TYPE_MAX_LENGTH\\\", "
	    "\\\"message\\\": \\\"Must be 4096 or fewer in length.\\\"}]}}}}, "
	    "\\\"message\\\": \\\"Invalid Form Body\\\"}\"}]}");
	expect(e, cfg, n, SEND_PERMFAIL, -1, "discord: 400 Invalid Form Body (50035): "
	    "embeds.0.description: Must be 4096 or fewer in length.");
	config_free(cfg);
	/* Nothing to show: the fake, as Discord, refuses an empty message. */
	cfg = load(e, HOOK, "    title: ' '\n    message: ''\n");
	expect(e, cfg, n, SEND_PERMFAIL, -1,
	    "discord: 400 Cannot send an empty message (50006)");
	config_free(cfg);
	notification_free(n);
}

/* One bucket per webhook, keyed by the destination (a digest, never the
 * URL), at --ratelimit.discord's 2/s: two at once, then one every 0.5 s,
 * the most that stays within Discord's 5 per 2 s. */
static void
test_discord_limits_one_bucket_per_webhook(void **state)
{
	struct sender_limits	 lim;
	struct rl_want		 w[4];
	const char		*dest = "discord:0123456789abcdef";

	(void)state;
	sender_limits_default(&lim);
	memset(w, 0xa5, sizeof(w));
	assert_int_equal(channel_discord.ops->limits(dest, &lim, w, 4), 1);
	assert_string_equal(w[0].key, dest);
	assert_true(w[0].rate.per_sec == 2.0);
	assert_true(w[0].rate.burst == 2.0);
	assert_false(w[0].shared);
	assert_int_equal(channel_discord.ops->limits(dest, &lim, w, 0), 0);
	assert_string_equal(channel_discord.limits[0].flag, "ratelimit.discord");
	assert_null(channel_discord.limits[1].flag);
}

/* The dead-letter report's "began:": the embed's title, else its
 * description, else the content, on one line. */
static void
test_discord_describe(void **state)
{
	static const char *const in[] = {
		"{\"content\":\"c\",\"embeds\":[{\"title\":\"[FIRING:1] Disk\",\"description\":\"d\",\"color\":1}]}\n",
		"{\"content\":\"c\",\"embeds\":[{\"title\":\"\",\"description\":\"\\n\\nAlerts Firing:\\nx\",\"color\":1}]}\n",
		"{\"content\":\"only content\",\"embeds\":[{\"title\":\"\",\"description\":\"\",\"color\":1}]}\n",
		"not json",
	};
	static const char *const want[] = { "[FIRING:1] Disk", "Alerts Firing:",
	    "only content", "" };
	char	 out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		channel_discord.ops->describe(in[i], strlen(in[i]), out, sizeof(out));
		assert_string_equal(out, want[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discord_config_defaults),
		cmocka_unit_test(test_discord_config_file_and_fields),
		cmocka_unit_test(test_discord_config_errors),
		cmocka_unit_test_setup(test_discord_body_with_alertmanager_templates, reset),
		cmocka_unit_test_setup(test_discord_body_with_tocsin_templates, reset),
		cmocka_unit_test_setup(test_discord_content_username_avatar, reset),
		cmocka_unit_test_setup(test_discord_bad_avatar_url_left_out, reset),
		cmocka_unit_test_setup(test_discord_cut_at_discord_limits, reset),
		cmocka_unit_test(test_discord_truncate_runes_edges),
		cmocka_unit_test_setup(test_discord_classification, reset),
		cmocka_unit_test(test_discord_limits_one_bucket_per_webhook),
		cmocka_unit_test(test_discord_describe),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
