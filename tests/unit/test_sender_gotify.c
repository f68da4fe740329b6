/* test_sender_gotify.c: the gotify channel: its config section (defaults,
 * every error with its position, token_file), the request the fake Gotify
 * receives byte for byte for a real Alertmanager payload (body, path, the
 * X-Gotify-Key header, no token in the URL), each Gotify answer classified,
 * and no token in any reason. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "config_cases.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "receiver.h"
#include "sender.h"
#include "sender_gotify.h"
#include "tmpl.h"

#define TOKEN	"ATESTtoken.1234"
#define GOTIFY_AT(r, i) ((const struct gotify_config *) \
	receiver_config((r), &channel_gotify, (i)))

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	struct config_fixture	*cf;
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;
	void		*cf;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_gotify.py", NULL), 0);
	e->tmpl = tmpl_set_new();
	if (tmpl_set_add_file(e->tmpl, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("templates: %s", err.msg);
	e->opts.now_sec = 1795441781;
	e->opts.local_tz = "UTC";
	e->cf = config_fixture_new(&cf, "test_sender_gotify");
	scratch_write(e->cf->dir, "token", "  " TOKEN "\n");
	scratch_write(e->cf->dir, "empty", "\n");
	scratch_write(e->cf->dir, "spaced", "A b\n");
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

/* A config with one gotify_config at the fake: extra lines follow
 * "url: <fake><path>". */
static struct config *
load(struct env *e, const char *path, const char *extra)
{
	char		 yaml[4096];

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  gotify_configs:\n  - url: %s%s\n%s",
	    e->fake.base, path, extra ? extra : "    token: " TOKEN "\n");
	return config_must_load(e->cf->dir, yaml);
}

/* Renders with the gotify ops and sends each part; returns the number of
 * parts. No reason may hold the token. */
static size_t
run(struct env *e, const void *cfg, const struct notification *n,
    struct sender_parts *parts, struct send_result *r)
{
	const struct sender_ops		*ops = channel_gotify.ops;
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "gotify/0", .timeout_ms = 5000 };
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (ops->render(cfg, n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		ops->send(cfg, &sctx, parts->v[i].dest, parts->v[i].payload,
		    parts->v[i].len, r);
		assert_null(strstr(r->reason, TOKEN));
		assert_null(strstr(r->reason, "SECRET"));
	}
	return parts->n;
}

/* The value of request i's header name, or NULL. */
static const char *
req_header(json_t *reqs, size_t i, const char *name)
{
	json_t	*hdrs = json_object_get(json_array_get(reqs, i), "headers");

	for (size_t k = 0; k < json_array_size(hdrs); k++) {
		json_t *h = json_array_get(hdrs, k);

		if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
			return json_string_value(json_array_get(h, 1));
	}
	return NULL;
}

/* ---- gotify_configs ---- */

#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

static const struct errcase gotify_errors[] = {
	{ "  gotify_configs:\n" "  - {token: SECRET}\n",
	    "6:5: missing url in gotify_config" },
	{ "  gotify_configs:\n" "  - {url: http://g/}\n",
	    "6:5: missing token or token_file in gotify_config" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: ''}\n",
	    "6:5: missing token or token_file in gotify_config" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: SECRET, token_file: token}\n",
	    "6:49: at most one of token & token_file must be configured" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token_file: missing}\n",
	    "6:34: cannot read token_file \"{dir}/missing\": No such file or "
	    "directory" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token_file: empty}\n",
	    "6:34: token_file \"{dir}/empty\" holds no token" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token_file: spaced}\n",
	    "6:34: token_file holds a space or a control character; a Gotify "
	    "token has none" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: \"SECRET\\r\\nX: y\"}\n",
	    "6:29: token holds a space or a control character; a Gotify token "
	    "has none" },
	{ "  gotify_configs:\n" "  - {url: 'http://g/?token=SECRET', token: x}\n",
	    "6:11: url must not have a query or fragment in gotify_config" },
	{ "  gotify_configs:\n" "  - {url: ftp://g/, token: SECRET}\n",
	    "6:11: url must be an http or https URL" },
	{ "  gotify_configs:\n" "  - {url: 'http://u:SECRET@g:x/', token: x}\n",
	    "6:11: url is not a valid URL: invalid port after host" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: x, priority: [5]}\n",
	    "6:42: priority must be a string, not a list" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: x, markdown: yes please}\n",
	    "6:42: markdown must be true or false, not \"yes please\"" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: x, app_token: y}\n",
	    "6:32: unknown field app_token in gotify_config" },
	{ "  gotify_configs:\n" "  - {url: http://g/, token: x, click_url: [a]}\n",
	    "6:43: click_url must be a string, not a list" },
};

static void
test_gotify_config_errors_with_positions(void **state)
{
	struct env *e = *state;

	check_errors(e->cf->dir, HEAD, "", gotify_errors,
	    sizeof(gotify_errors) / sizeof(gotify_errors[0]));
}

static void
test_gotify_config_defaults_and_token_file(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->cf->dir, HEAD
	    "  gotify_configs:\n"
	    "  - {url: 'https://push.example/gotify/', token_file: token}\n"
	    "  - {url: 'http://g', token: x, send_resolved: false, markdown: true,\n"
	    "     title: t, message: m, priority: '{{ 3 }}', click_url: ''}\n"
	    "  - {url: 'http://g', token: x, priority: 8}\n");
	const struct receiver	*r = config_receiver(cfg, "r");
	const struct gotify_config *c = GOTIFY_AT(r, 0);

	assert_int_equal(receiver_count(r, &channel_gotify), 3);
	assert_true(c->send_resolved);
	assert_false(c->markdown);
	assert_string_equal(c->url, "https://push.example/gotify/");
	/* The file's content, trimmed. */
	assert_string_equal(c->token, TOKEN);
	assert_string_equal(c->title, "{{ template \"gotify.default.title\" . }}");
	assert_string_equal(c->message, "{{ template \"gotify.default.message\" . }}");
	assert_string_equal(c->priority, "{{ template \"gotify.default.priority\" . }}");
	assert_string_equal(c->click_url, "{{ template \"gotify.default.clickurl\" . }}");
	c = GOTIFY_AT(r, 1);
	assert_false(c->send_resolved);
	assert_true(c->markdown);
	assert_string_equal(c->token, "x");
	assert_string_equal(c->click_url, "");
	/* A plain number is a template that renders as itself. */
	assert_string_equal(GOTIFY_AT(r, 2)->priority, "8");
	config_free(cfg);
}

/* The supported list names the new key. */
static void
test_gotify_listed_as_supported(void **state)
{
	struct env *e = *state;
	static const struct errcase c[] = {
		{ "  victorops_configs: []\n",
		    "5:3: receiver \"r\": victorops_configs are not supported by "
		    "tocsin (supported: telegram_configs, slack_configs, "
		    "email_configs, webhook_configs, gotify_configs, pagerduty_configs, ntfy_configs, discord_configs, pushover_configs, file_configs)" },
	};

	check_errors(e->cf->dir, HEAD, "", c, 1);
}

/* ---- sending ---- */

/* Defaults on a real Alertmanager 0.25 payload: the exact body, POSTed to
 * {url}/message (one slash), the token in X-Gotify-Key and nowhere in the
 * URL, and the fake created the message. */
static void
test_gotify_fixture_exact_request(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "/", NULL);
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	const char		*want =
	    "{\"title\":\"🔴 [FIRING:1] SSHLoginFromNonLAN\","
	    "\"message\":\"🔴 FIRING SSHLoginFromNonLAN on homelab:9100 · since 13:49 UTC\\n"
	    "Shell login for root from 203.0.113.7\\n"
	    "A shell login succeeded from a non-LAN address.\","
	    "\"priority\":10,"
	    "\"extras\":{\"client::notification\":{\"click\":{\"url\":"
	    "\"http://alertmanager.lan:9093/#/alerts?receiver=tocsin\"}}}}";

	assert_int_equal(run(e, GOTIFY_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(strncmp(parts.v[0].dest, "gotify:", 7), 0);
	assert_int_equal(strlen(parts.v[0].dest), 7 + 16);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "gotify: 200");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/message");
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	assert_string_equal(req_header(reqs, 0, "X-Gotify-Key"), TOKEN);
	assert_string_equal(req_header(reqs, 0, "Content-Type"), "application/json");
	assert_null(req_header(reqs, 0, "Authorization"));
	assert_int_equal(fake_req_int(reqs, 0, "status"), 200);
	assert_non_null(strstr(fake_req_str(reqs, 0, "response"),
	    "{\"id\":1,\"appid\":1,\"message\":"));
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Priority by the common severity (warning 7 and mixed 4 here), markdown
 * and a click URL in extras, a path prefix, and a resolved group. */
static void
test_gotify_priority_markdown_click(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "/gotify",
	    "    token: " TOKEN "\n    markdown: true\n"
	    "    title: '{{ .CommonLabels.alertname }}'\n"
	    "    message: '**{{ .Status }}** <&>'\n"
	    "    click_url: 'https://grafana.example/d/x?a=1&b=2'\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct notification	*res = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;
	json_t			*reqs;

	s = fake_call(&e->fake, "/_fake/config", "{\"base_path\": \"/gotify\"}");
	free(s);
	assert_int_equal(run(e, GOTIFY_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"title\":\"HighLLMErrorRate\",\"message\":\"**firing** \\u003c\\u0026\\u003e\","
	    "\"priority\":4,\"extras\":{\"client::display\":{\"contentType\":\"text/markdown\"},"
	    "\"client::notification\":{\"click\":{\"url\":"
	    "\"https://grafana.example/d/x?a=1\\u0026b=2\"}}}}");
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	/* Resolved: sent (send_resolved defaults to true), its severity's
	 * priority kept. */
	assert_int_equal(run(e, GOTIFY_AT(rc, 0), res, &parts, &r), 1);
	assert_non_null(strstr(parts.v[0].payload, "\"priority\":10,"));
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_string_equal(fake_req_str(reqs, 1, "path"), "/gotify/message");
	json_decref(reqs);
	/* A reset keeps the fake's config. */
	s = fake_call(&e->fake, "/_fake/config", "{\"base_path\": \"\"}");
	free(s);
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

/* A priority template that gives no integer falls back to the severity's;
 * the default message with no ExternalURL has no extras at all. */
static void
test_gotify_bad_priority_falls_back_no_extras(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "",
	    "    token: " TOKEN "\n    priority: '{{ .CommonLabels.severity }}'\n"
	    "    send_resolved: false\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct notification	*res = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	free(n->external_url);
	n->external_url = strdup("");
	assert_int_equal(run(e, GOTIFY_AT(rc, 0), n, &parts, &r), 1);
	assert_non_null(strstr(parts.v[0].payload, ",\"priority\":10}"));
	assert_null(strstr(parts.v[0].payload, "extras"));
	sender_parts_free(&parts);
	/* send_resolved false: nothing for a resolved group. */
	assert_int_equal(run(e, GOTIFY_AT(rc, 0), res, &parts, &r), 0);
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

/* Gotify's answers: a wrong token 401, a user's basic auth 403, a body
 * Gotify refuses 400, a wrong URL 404: permanent, with Gotify's words; a
 * 5xx, a 429 (with Retry-After) and a dropped connection temporary; a 2xx
 * that is no Gotify message permanent. */
static void
test_gotify_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "", "    token: SECRETwrong\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;

	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "gotify: 401 Unauthorized: you need to provide "
	    "a valid access token or user credentials to access this api");
	sender_parts_free(&parts);
	config_free(cfg);

	/* A user's password where an application token belongs. */
	cfg = load(e, "", "    token: SECRETwrong\n    http_config:\n"
	    "      basic_auth: {username: admin, password: admin}\n");
	rc = config_receiver(cfg, "r");
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "gotify: 403 Forbidden: you are not allowed "
	    "to access this api");
	sender_parts_free(&parts);
	config_free(cfg);

	/* An empty message is refused by Gotify. */
	cfg = load(e, "", "    token: " TOKEN "\n    message: ''\n");
	rc = config_receiver(cfg, "r");
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "gotify: 400 Bad Request: Field 'message' is "
	    "required");
	sender_parts_free(&parts);
	config_free(cfg);

	/* The URL of something else on the server. */
	cfg = load(e, "/api", NULL);
	rc = config_receiver(cfg, "r");
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "gotify: 404 Not Found: page not found");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "", NULL);
	rc = config_receiver(cfg, "r");
	s = fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 500}, {\"status\": 429, \"retry_after\": 3},"
	    " {\"status\": 502, \"body\": \"<html>bad gateway</html>\"},"
	    " {\"close\": true},"
	    " {\"status\": 200, \"body\": \"<html>login</html>\", \"content_type\": \"text/html\"}]}");
	free(s);
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	assert_string_equal(r.reason, "gotify: 500 Internal Server Error: database "
	    "is locked");
	sender_parts_free(&parts);
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, 3000);
	assert_string_equal(r.reason, "gotify: 429 Too Many Requests: too many requests");
	sender_parts_free(&parts);
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason, "gotify: 502 <html>bad gateway</html>");
	sender_parts_free(&parts);
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(strncmp(r.reason, "gotify: POST http://127.0.0.1:", 30), 0);
	sender_parts_free(&parts);
	run(e, GOTIFY_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "gotify: 200 answer is not a Gotify message; "
	    "is url the Gotify server?");
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* The dead-letter report's one line: the title. */
static void
test_gotify_describe(void **state)
{
	static const char p[] = "{\"title\":\"🔴 [FIRING:1] X\",\"message\":\"m\\nn\","
	    "\"priority\":10}";
	static const char q[] = "{\"title\":\"\",\"message\":\"first\\nsecond\"}";
	char	 out[64];

	(void)state;
	channel_gotify.ops->describe(p, strlen(p), out, sizeof(out));
	assert_string_equal(out, "🔴 [FIRING:1] X");
	channel_gotify.ops->describe(q, strlen(q), out, sizeof(out));
	assert_string_equal(out, "first");
}

/* One bucket per server at --ratelimit.gotify, 1/s by default. */
static void
test_gotify_limits_one_bucket_per_server(void **state)
{
	struct sender_limits	 lim;
	struct rl_want		 w[4];
	const char		*dest = "gotify:0123456789abcdef";

	(void)state;
	sender_limits_default(&lim);
	memset(w, 0xa5, sizeof(w));
	assert_int_equal(channel_gotify.ops->limits(dest, &lim, w, 4), 1);
	assert_string_equal(w[0].key, dest);
	assert_true(w[0].rate.per_sec == 1.0);
	assert_true(w[0].rate.burst == 1.0);
	assert_false(w[0].shared);
	assert_int_equal(channel_gotify.ops->limits(dest, &lim, w, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gotify_config_errors_with_positions),
		cmocka_unit_test(test_gotify_config_defaults_and_token_file),
		cmocka_unit_test(test_gotify_listed_as_supported),
		cmocka_unit_test_setup(test_gotify_fixture_exact_request, reset),
		cmocka_unit_test_setup(test_gotify_priority_markdown_click, reset),
		cmocka_unit_test_setup(test_gotify_bad_priority_falls_back_no_extras, reset),
		cmocka_unit_test_setup(test_gotify_classification, reset),
		cmocka_unit_test(test_gotify_describe),
		cmocka_unit_test(test_gotify_limits_one_bucket_per_server),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
