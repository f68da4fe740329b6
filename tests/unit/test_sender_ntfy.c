/* test_sender_ntfy.c: the ntfy channel against the fake ntfy: its config
 * section (defaults, every error with its position), the exact JSON body and
 * headers published for a real Alertmanager payload with tocsin's default
 * templates, the message cut to 4,096 bytes, ntfy's error answers classified
 * with no secret in a reason, and one rate bucket per server. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "channel.h"
#include "config_cases.h"
#include "config_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "receiver.h"
#include "sender.h"
#include "sender_ntfy.h"
#include "tmpl.h"
#include "tmpl_builtin.h"

#define HEAD	"route:\n  receiver: r\nreceivers:\n- name: r\n"
#define TOKEN	"tk_tocsintesttoken0000000000000"
#define NTFY_AT(r, i) ((const struct ntfy_config *) \
	receiver_config((r), &channel_ntfy, (i)))

struct env {
	struct config_fixture	*cf;
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;
	void		*cf;

	assert_non_null(e);
	config_fixture_new(&cf, "ntfy");
	e->cf = cf;
	scratch_write(e->cf->dir, "token", TOKEN "\n");
	assert_int_equal(fake_start(&e->fake, "fake_ntfy.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	assert_non_null(e->tmpl = tmpl_set_new());
	if (tmpl_set_add_file(e->tmpl, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("templates: %s", err.msg);
	e->opts.now_sec = 1795441781;
	e->opts.local_tz = "UTC";
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	void		*cf = e->cf;

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	config_fixture_teardown(&cf);
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

/* An ntfy_config pointing at the fake, with extra lines; must load. */
static struct config *
load(struct env *e, const char *topic, const char *extra)
{
	char	 yaml[8192];

	assert_true((size_t)snprintf(yaml, sizeof(yaml), HEAD
	    "  ntfy_configs:\n  - url: %s\n    topic: %s\n%s", e->fake.base, topic,
	    extra ? extra : "") < sizeof(yaml));
	return config_must_load(e->cf->dir, yaml);
}

/* Renders n for the first ntfy integration of cfg and sends each part;
 * returns the number of parts. No reason ever holds the token, the topic
 * or the server's URL. */
static size_t
run(struct env *e, const struct config *cfg, const struct notification *n,
    struct sender_parts *parts, struct send_result *r)
{
	const struct ntfy_config	*c = NTFY_AT(config_receiver(cfg, "r"), 0);
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "ntfy/0", .timeout_ms = 5000 };
	struct terr			 err;

	assert_non_null(c);
	memset(parts, 0, sizeof(*parts));
	if (channel_ntfy.ops->render(c, n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		channel_ntfy.ops->send(c, &sctx, parts->v[i].dest,
		    parts->v[i].payload, parts->v[i].len, r);
		assert_null(strstr(r->reason, TOKEN));
		assert_null(strstr(r->reason, c->topic));
		assert_null(strstr(parts->v[i].dest, c->topic));
	}
	return parts->n;
}

/* ---- config ---- */

static void
test_ntfy_config_defaults(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->cf->dir, HEAD
	    "  ntfy_configs:\n  - topic: alerts\n");
	const struct ntfy_config *c = NTFY_AT(config_receiver(cfg, "r"), 0);

	assert_non_null(c);
	assert_string_equal(c->url, "https://ntfy.sh");
	assert_string_equal(c->topic, "alerts");
	assert_true(c->send_resolved);
	assert_false(c->markdown);
	assert_null(c->token);
	assert_string_equal(c->title, "{{ template \"ntfy.default.title\" . }}");
	assert_string_equal(c->message, "{{ template \"ntfy.default.message\" . }}");
	assert_string_equal(c->priority, "{{ template \"ntfy.default.priority\" . }}");
	assert_string_equal(c->click, "{{ template \"ntfy.default.click\" . }}");
	assert_null(c->icon);
	assert_int_equal(c->ntags, 1);
	assert_string_equal(c->tags[0], "{{ template \"ntfy.default.tag\" . }}");
	config_free(cfg);

	/* token_file read at load; tags: [] means none; a 64-character
	 * topic is allowed. */
	cfg = config_must_load(e->cf->dir, HEAD "  ntfy_configs:\n"
	    "  - topic: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_\n"
	    "    token_file: token\n    tags: []\n    send_resolved: false\n"
	    "    markdown: true\n");
	c = NTFY_AT(config_receiver(cfg, "r"), 0);
	assert_string_equal(c->token, TOKEN);
	assert_int_equal(c->ntags, 0);
	assert_false(c->send_resolved);
	assert_true(c->markdown);
	config_free(cfg);
}

static const struct errcase ntfy_errors[] = {
	{ "  ntfy_configs:\n  - url: https://ntfy.example\n",
	    "6:5: missing topic in ntfy_config" },
	{ "  ntfy_configs:\n  - topic: ''\n",
	    "6:5: missing topic in ntfy_config" },
	{ "  ntfy_configs:\n  - topic: SECRET/x\n",
	    "6:12: invalid topic in ntfy_config: 1 to 64 letters, digits, '-' or '_'" },
	{ "  ntfy_configs:\n  - topic: SECRET-"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    "6:12: invalid topic in ntfy_config: 1 to 64 letters, digits, '-' or '_'" },
	{ "  ntfy_configs:\n  - topic: a\n    url: ftp://SECRET\n",
	    "7:10: url must be an http or https URL" },
	{ "  ntfy_configs:\n  - topic: a\n    token: SECRET\n    token_file: token\n",
	    "8:17: at most one of token & token_file must be configured" },
	{ "  ntfy_configs:\n  - topic: a\n    token: SECRET\n"
	    "    http_config:\n      basic_auth:\n        username: u\n"
	    "        password: SECRET\n",
	    "9:7: at most one of token & http_config authorization or basic_auth "
	    "must be configured" },
	{ "  ntfy_configs:\n  - topic: a\n    token_file: nothere\n",
	    "7:17: cannot read token_file \"{dir}/nothere\": No such file or directory" },
	{ "  ntfy_configs:\n  - topic: a\n    priority: [5]\n",
	    "7:15: priority must be a string, not a list" },
	{ "  ntfy_configs:\n  - topic: a\n    markdown: yes please\n",
	    "7:15: markdown must be true or false, not \"yes please\"" },
	{ "  ntfy_configs:\n  - topic: a\n    actions: []\n",
	    "7:5: unknown field actions in ntfy_config" },
};

static void
test_ntfy_config_errors(void **state)
{
	struct env	*e = *state;

	check_errors(e->cf->dir, HEAD, "", ntfy_errors,
	    sizeof(ntfy_errors) / sizeof(ntfy_errors[0]));
}

/* ---- render and send ---- */

/* The exact JSON body and headers for Alertmanager's SSH login payload
 * with the defaults and a token; the fake accepted it. */
static void
test_ntfy_fixture_exact(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "private", "    token: " TOKEN "\n");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs, *hdrs;
	bool			 auth = false, ctype = false;
	const char		*want =
	    "{\"topic\":\"private\",\"title\":\"[FIRING:1] SSHLoginFromNonLAN\","
	    "\"message\":\"\xf0\x9f\x94\xb4 FIRING SSHLoginFromNonLAN on homelab:9100 "
	    "(critical) \xc2\xb7 since 13:49 UTC\\nShell login for root from 203.0.113.7\","
	    "\"priority\":5,\"tags\":[\"rotating_light\"],"
	    "\"click\":\"http://alertmanager.lan:9093/#/alerts?receiver=tocsin\"}";

	assert_int_equal(run(e, cfg, n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(parts.v[0].len, strlen(want));
	assert_int_equal(strncmp(parts.v[0].dest, "ntfy:", 5), 0);
	assert_int_equal(strlen(parts.v[0].dest), 5 + 16 + 1 + 16);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "ntfy: 200");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/");
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	hdrs = json_object_get(json_array_get(reqs, 0), "headers");
	for (size_t i = 0; i < json_array_size(hdrs); i++) {
		const char *k = json_string_value(json_array_get(json_array_get(hdrs, i), 0));
		const char *v = json_string_value(json_array_get(json_array_get(hdrs, i), 1));

		if (strcasecmp(k, "Authorization") == 0) {
			assert_false(auth);
			auth = strcmp(v, "Bearer " TOKEN) == 0;
		}
		if (strcasecmp(k, "Content-Type") == 0)
			ctype = strcmp(v, "application/json") == 0;
	}
	assert_true(auth);
	assert_true(ctype);
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Resolved: the status tag, and the defaults' priority from severity;
 * send_resolved false drops it; templates for every field; markdown and
 * basic auth from http_config; a trailing slash on the URL. */
static void
test_ntfy_resolved_templates_markdown(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "alerts", NULL);
	struct notification	*n = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	char			 extra[512];

	assert_int_equal(run(e, cfg, n, &parts, &r), 1);
	assert_non_null(strstr(parts.v[0].payload,
	    "\"priority\":5,\"tags\":[\"white_check_mark\"]"));
	assert_non_null(strstr(parts.v[0].payload, "\"title\":\"[RESOLVED] SSHLoginFromNonLAN\""));
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "alerts", "    send_resolved: false\n");
	assert_int_equal(run(e, cfg, n, &parts, &r), 0);
	sender_parts_free(&parts);
	config_free(cfg);

	assert_int_equal(fake_reset(&e->fake), 0);
	snprintf(extra, sizeof(extra), "    title: ''\n    message: '*{{ .Status }}*'\n"
	    "    priority: ' high '\n    tags: ['{{ .CommonLabels.severity }}', '', 'x<y']\n"
	    "    click: ''\n    icon: 'https://example.org/i.png'\n    markdown: true\n"
	    "    http_config:\n      basic_auth:\n        username: phil\n"
	    "        password: mypass\n");
	{
		char	 yaml[4096];

		snprintf(yaml, sizeof(yaml), HEAD "  ntfy_configs:\n  - url: %s/\n"
		    "    topic: private\n%s", e->fake.base, extra);
		cfg = config_must_load(e->cf->dir, yaml);
	}
	notification_free(n);
	n = fixture("ssh-login-firing.json");
	assert_int_equal(run(e, cfg, n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"topic\":\"private\",\"message\":\"*firing*\",\"priority\":4,"
	    "\"tags\":[\"critical\",\"x\\u003cy\"],"
	    "\"icon\":\"https://example.org/i.png\",\"markdown\":true}");
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/");
	assert_non_null(strstr(fake_req_str(reqs, 0, "response"),
	    "\"content_type\":\"text/markdown\""));
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* A message over 4,096 bytes keeps whole characters up to 4,093 bytes and
 * ends with an ellipsis; the fake, which refuses anything longer, takes
 * it. An invalid byte counts as the U+FFFD it is sent as. */
static void
test_ntfy_message_cut_to_4096_bytes(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*body;
	const char		*msg;
	static char		 extra[8192];
	size_t			 len, i;

	/* "\x80" (sent as U+FFFD, 3 bytes) then 2,100 two-byte characters:
	 * 3 + 2 * 2,045 = 4,093 bytes kept, then the ellipsis. */
	len = (size_t)snprintf(extra, sizeof(extra), "    message: '{{ \"\\x80\" }}");
	for (i = 0; i < 2100; i++)
		len += (size_t)snprintf(extra + len, sizeof(extra) - len, "\xc3\xa9");
	snprintf(extra + len, sizeof(extra) - len, "'\n");
	cfg = load(e, "alerts", extra);
	assert_int_equal(run(e, cfg, n, &parts, &r), 1);
	assert_int_equal(r.status, SEND_OK);
	body = json_loadb(parts.v[0].payload, parts.v[0].len, 0, NULL);
	assert_non_null(body);
	msg = json_string_value(json_object_get(body, "message"));
	assert_int_equal(strlen(msg), 4096);
	assert_memory_equal(msg, "\xef\xbf\xbd\xc3\xa9", 5);
	assert_memory_equal(msg + 4091, "\xc3\xa9\xe2\x80\xa6", 5);
	json_decref(body);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* ntfy's answers: a wrong token 401, a protected topic without one 403,
 * 413 and 400 permanent; 429 waits ntfy's 5 s refill (or Retry-After);
 * 5xx and a dropped connection transient. */
static void
test_ntfy_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "private", "    token: tk_wrongtoken\n");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;
	static const struct {
		const char	*force;
		enum send_status st;
		int64_t		 wait;
		const char	*reason;
	} cases[] = {
		{ "{\"status\": 429}", SEND_TEMPFAIL, 5000,
		  "ntfy: 429 42901 limit reached: too many requests" },
		{ "{\"status\": 429, \"headers\": {\"Retry-After\": \"7\"}, \"body\":"
		  " \"{\\\"code\\\":42901,\\\"http\\\":429,\\\"error\\\":\\\"x\\\"}\"}",
		  SEND_TEMPFAIL, 7000, "ntfy: 429 42901 x" },
		{ "{\"status\": 413}", SEND_PERMFAIL, -1,
		  "ntfy: 413 41301 attachment too large, or bandwidth limit reached" },
		{ "{\"status\": 400}", SEND_PERMFAIL, -1,
		  "ntfy: 400 40024 invalid request: request body must be valid JSON" },
		{ "{\"status\": 404}", SEND_PERMFAIL, -1, "ntfy: 404 40401 page not found" },
		{ "{\"status\": 500}", SEND_TEMPFAIL, -1,
		  "ntfy: 500 50001 internal server error" },
		{ "{\"status\": 502, \"body\": \"Bad Gateway\", \"content_type\": "
		  "\"text/plain\"}", SEND_TEMPFAIL, -1, "ntfy: 502 Bad Gateway" },
	};

	run(e, cfg, n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "ntfy: 401 40101 unauthorized");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "private", NULL);
	run(e, cfg, n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "ntfy: 403 40301 forbidden");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "alerts", "    token_file: token\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];

		snprintf(body, sizeof(body), "{\"force\": [%s]}", cases[i].force);
		s = fake_call(&e->fake, "/_fake/config", body);
		assert_non_null(s);
		free(s);
		run(e, cfg, n, &parts, &r);
		if (r.status != cases[i].st || r.retry_after_ms != cases[i].wait ||
		    strcmp(r.reason, cases[i].reason) != 0)
			fail_msg("case %zu: %d %lld \"%s\"", i, (int)r.status,
			    (long long)r.retry_after_ms, r.reason);
		sender_parts_free(&parts);
	}
	s = fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"close\": true}]}");
	free(s);
	run(e, cfg, n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Two topics of one server share its bucket, 12/m by default; another
 * server has its own. The dead-letter report reads the title. */
static void
test_ntfy_limits_per_server_and_describe(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->cf->dir, HEAD
	    "  ntfy_configs:\n  - topic: one\n  - topic: two\n"
	    "  - topic: one\n    url: https://ntfy.example\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_render_ctx rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_parts	 p[3];
	struct sender_limits	 lim;
	struct rl_want		 w[3][2];
	struct terr		 err;
	char			 d[128];

	sender_limits_default(&lim);
	for (size_t i = 0; i < 3; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		assert_int_equal(channel_ntfy.ops->render(NTFY_AT(rc, i), n, &rctx,
		    &p[i], &err), 0);
		assert_int_equal(channel_ntfy.ops->limits(p[i].v[0].dest, &lim,
		    w[i], 2), 1);
		assert_false(w[i][0].shared);
		assert_true(w[i][0].rate.per_sec > 0.19 && w[i][0].rate.per_sec < 0.21);
		assert_true(w[i][0].rate.burst == 12.0);
		assert_int_equal(strlen(w[i][0].key), 5 + 16);
		assert_int_equal(strncmp(w[i][0].key, p[i].v[0].dest, 5 + 16), 0);
	}
	assert_string_not_equal(p[0].v[0].dest, p[1].v[0].dest);
	assert_string_equal(w[0][0].key, w[1][0].key);
	assert_string_not_equal(w[0][0].key, w[2][0].key);
	assert_int_equal(channel_ntfy.ops->limits(p[0].v[0].dest, &lim, w[0], 0), 0);
	channel_ntfy.ops->describe(p[0].v[0].payload, p[0].v[0].len, d, sizeof(d));
	assert_string_equal(d, "[FIRING:1] SSHLoginFromNonLAN");
	{
		const char *pl = "{\"topic\":\"a\",\"message\":\"\\nfirst\\nsecond\"}";

		channel_ntfy.ops->describe(pl, strlen(pl), d, sizeof(d));
	}
	assert_string_equal(d, "first");
	for (size_t i = 0; i < 3; i++)
		sender_parts_free(&p[i]);
	notification_free(n);
	config_free(cfg);
}

/* tocsin-watchdog's TocsinCheckDown, through the built-in templates:
 * watchdog.tmpl's ntfy title and plain-text message. */
static void
test_ntfy_watchdog_defaults(void **state)
{
	static const struct tmpl_builtin *const b[] = {
		&tmpl_builtin_tocsin, &tmpl_builtin_watchdog,
	};
	static const char in[] =
	    "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"phone\","
	    "\"groupKey\":\"{}:{check=\\\"nightly-backup\\\"}\",\"alerts\":[{"
	    "\"status\":\"firing\",\"labels\":{\"alertname\":\"TocsinCheckDown\","
	    "\"check\":\"nightly-backup\",\"kind\":\"ping\",\"severity\":\"critical\"},"
	    "\"annotations\":{\"reason\":\"exit status 2\",\"last_message\":\"tar: <x>\"},"
	    "\"startsAt\":\"2026-11-23T03:12:09.311Z\"}]}";
	struct env		*e = *state;
	struct config		*cfg = load(e, "alerts", NULL);
	struct sender_render_ctx rctx = { .opts = &e->opts };
	struct sender_parts	 parts;
	struct tmpl_set		*set;
	struct terr		 err;
	struct notification	*n = payload_parse(in, strlen(in), &err);

	assert_non_null(n);
	if ((set = tmpl_set_for_config(cfg, b, 2, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	rctx.tmpl = set;
	memset(&parts, 0, sizeof(parts));
	assert_int_equal(channel_ntfy.ops->render(NTFY_AT(config_receiver(cfg, "r"), 0),
	    n, &rctx, &parts, &err), 0);
	assert_string_equal(parts.v[0].payload,
	    "{\"topic\":\"alerts\",\"title\":\"[DOWN] nightly-backup\","
	    "\"message\":\"\xf0\x9f\x94\xb4 DOWN nightly-backup \xc2\xb7 ping\\nexit status 2\\n"
	    "down since 2026-11-23 03:12 UTC\\nlast message:\\ntar: \\u003cx\\u003e\","
	    "\"priority\":5,\"tags\":[\"rotating_light\"]}");
	sender_parts_free(&parts);
	tmpl_set_free(set);
	notification_free(n);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntfy_config_defaults),
		cmocka_unit_test(test_ntfy_config_errors),
		cmocka_unit_test_setup(test_ntfy_fixture_exact, reset),
		cmocka_unit_test_setup(test_ntfy_resolved_templates_markdown, reset),
		cmocka_unit_test_setup(test_ntfy_message_cut_to_4096_bytes, reset),
		cmocka_unit_test_setup(test_ntfy_classification, reset),
		cmocka_unit_test(test_ntfy_limits_per_server_and_describe),
		cmocka_unit_test(test_ntfy_watchdog_defaults),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
