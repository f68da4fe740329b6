/* test_sender_webhook.c: webhook_configs' fields of Alertmanager 0.26-0.34
 * (url_file, timeout): their defaults, every error with its position, and
 * what the sender does with them against the fake Slack, which records any
 * POST: url_file read at every send as Alertmanager reads it, the timeout
 * cutting a slow answer short. Alertmanager 0.25 (the Debian one the
 * integration tests run) has neither field, so nothing here is compared
 * with a real Alertmanager. The v4 body itself is pinned in
 * test_sender_slack.c. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The receiver under test starts on line 5. */
#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	char			 dir[64];	/* url_file */
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
	scratch_make(e->dir, sizeof(e->dir), "test_sender_webhook");
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
load(struct env *e, const char *fields)
{
	char	 yaml[2048];

	snprintf(yaml, sizeof(yaml), HEAD "  webhook_configs:\n  - %s", fields);
	return config_must_load(e->dir, yaml);
}

/* One render and one send of the fixture; returns the number of parts. */
static size_t
run(struct env *e, const struct config *cfg, long ctx_timeout_ms,
    struct sender_parts *parts, struct send_result *r)
{
	const struct receiver		*rc = config_receiver(cfg, "r");
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "webhook/0", .timeout_ms = ctx_timeout_ms };
	struct notification		*n = fixture("ssh-login-firing.json");
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (sender_webhook_ops.render(WEBHOOK_AT(rc, 0), n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		sender_webhook_ops.send(WEBHOOK_AT(rc, 0), &sctx, parts->v[i].dest,
		    parts->v[i].payload, parts->v[i].len, r);
		assert_null(strstr(r->reason, "XXXXXXXX"));
	}
	notification_free(n);
	return parts->n;
}

static void
force_ok(struct env *e)
{
	free(fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 200, \"body\": \"ok\"}]}"));
}

/* ---- config ---- */

static void
test_webhook_new_fields_defaults(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	const struct webhook_config *c;

	cfg = load(e, "url: 'http://h/x'\n");
	c = WEBHOOK_AT(config_receiver(cfg, "r"), 0);
	assert_null(c->url_file);
	assert_int_equal(c->timeout_ms, 0);
	config_free(cfg);
	/* The file need not exist at load: it is read at every send. */
	cfg = load(e, "url_file: not-yet\n    timeout: 1m30.5s\n");
	c = WEBHOOK_AT(config_receiver(cfg, "r"), 0);
	assert_null(c->url);
	assert_non_null(strstr(c->url_file, "/not-yet"));
	assert_int_equal(c->timeout_ms, 90500);
	config_free(cfg);
	/* A part of a millisecond is a millisecond; 0 and negative: none. */
	cfg = load(e, "url: 'http://h/x'\n    timeout: 1us\n");
	assert_int_equal(WEBHOOK_AT(config_receiver(cfg, "r"), 0)->timeout_ms, 1);
	config_free(cfg);
	cfg = load(e, "url: 'http://h/x'\n    timeout: -5s\n");
	assert_int_equal(WEBHOOK_AT(config_receiver(cfg, "r"), 0)->timeout_ms, -5000);
	config_free(cfg);
	cfg = load(e, "url: 'http://h/x'\n    timeout: null\n");
	assert_int_equal(WEBHOOK_AT(config_receiver(cfg, "r"), 0)->timeout_ms, 0);
	config_free(cfg);
	cfg = load(e, "url: 'http://h/x'\n    timeout: 0\n    url_file: ''\n");
	c = WEBHOOK_AT(config_receiver(cfg, "r"), 0);
	assert_int_equal(c->timeout_ms, 0);
	assert_null(c->url_file);
	config_free(cfg);
}

/* Alertmanager 0.34's messages (notify/webhook/config.go), at the node
 * they are about; time.ParseDuration's for a bad timeout. */
static const struct errcase webhook_errors[] = {
	{ "  webhook_configs:\n" "  - {max_alerts: 1}\n",
	    "6:5: one of url or url_file must be configured" },
	{ "  webhook_configs:\n" "  - {url: null, url_file: ''}\n",
	    "6:5: one of url or url_file must be configured" },
	{ "  webhook_configs:\n" "  - {url: 'http://h/SECRET', url_file: f}\n",
	    "6:40: at most one of url & url_file must be configured" },
	{ "  webhook_configs:\n" "  - {url_file: [f]}\n",
	    "6:16: url_file must be a file name, not a list" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: 5}\n",
	    "6:28: timeout: time: missing unit in duration \"5\"" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: 1d}\n",
	    "6:28: timeout: time: unknown unit \"d\" in duration \"1d\"" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: 'soon'}\n",
	    "6:28: timeout: time: invalid duration \"soon\"" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: ''}\n",
	    "6:28: timeout: time: invalid duration \"\"" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: [1s]}\n",
	    "6:28: timeout must be a duration, not a list" },
	{ "  webhook_configs:\n" "  - {url_file: f, timeout: 3000000h}\n",
	    "6:28: timeout: time: invalid duration \"3000000h\"" },
};

static void
test_webhook_config_errors(void **state)
{
	struct env *e = *state;

	check_errors(e->dir, HEAD, "", webhook_errors, nitems(webhook_errors));
}

/* ---- sending ---- */

/* url_file is read at every send, trimmed: a changed file takes the next
 * message elsewhere; the destination (the rate-limit bucket) stays that of
 * the file, and the URL in it never reaches a reason. */
static void
test_webhook_url_file_read_at_send(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	struct sender_parts	 parts;
	struct send_result	 r;
	char			 url[256], dest[64];
	json_t			*reqs;

	snprintf(url, sizeof(url), " \n%s%s\t\n", e->fake.base, HOOK);
	scratch_write(e->dir, "hook", url);
	cfg = load(e, "url_file: hook\n");
	force_ok(e);
	assert_int_equal(run(e, cfg, 5000, &parts, &r), 1);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "webhook: 200");
	snprintf(dest, sizeof(dest), "%s", parts.v[0].dest);
	assert_int_equal(strncmp(dest, "webhook:", 8), 0);
	assert_int_equal(strlen(dest), 8 + 16);
	sender_parts_free(&parts);

	snprintf(url, sizeof(url), "%s/services/T000/B000/OTHER\n", e->fake.base);
	scratch_write(e->dir, "hook", url);
	assert_int_equal(run(e, cfg, 5000, &parts, &r), 1);
	assert_string_equal(parts.v[0].dest, dest);
	/* The fake knows no such webhook. */
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "webhook: 403 invalid_token");
	sender_parts_free(&parts);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	assert_string_equal(fake_req_str(reqs, 0, "path"), HOOK);
	assert_string_equal(fake_req_str(reqs, 1, "path"), "/services/T000/B000/OTHER");
	json_decref(reqs);
	config_free(cfg);
}

/* A missing or empty url_file: nothing is sent, and the message waits
 * (Alertmanager gives up on it) with the path, not the URL, in the reason. */
static void
test_webhook_url_file_missing_or_empty_waits(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "url_file: gone\n");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			 want[256];
	json_t			*reqs;

	assert_int_equal(run(e, cfg, 5000, &parts, &r), 1);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	snprintf(want, sizeof(want), "webhook: cannot read url_file \"%s/gone\": "
	    "No such file or directory", e->dir);
	assert_string_equal(r.reason, want);
	sender_parts_free(&parts);

	scratch_write(e->dir, "gone", " \n");
	assert_int_equal(run(e, cfg, 5000, &parts, &r), 1);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "webhook: url_file \"%s/gone\" is empty", e->dir);
	assert_string_equal(r.reason, want);
	sender_parts_free(&parts);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 0);
	json_decref(reqs);
	config_free(cfg);
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* timeout cuts a slow answer short (a transient failure); a per-attempt
 * timeout of the dispatcher's still bounds a longer one. */
static void
test_webhook_timeout(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	struct sender_parts	 parts;
	struct send_result	 r;
	struct timespec		 t0;
	char			 yaml[256], want[256];

	snprintf(yaml, sizeof(yaml), "url: '%s%s'\n    timeout: 300ms\n",
	    e->fake.base, HOOK);
	cfg = load(e, yaml);
	free(fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"delay\": 3}]}"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(e, cfg, 5000, &parts, &r), 1);
	assert_true(elapsed_ms(&t0) < 2500);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	/* Alertmanager's words for its context's cause. */
	snprintf(want, sizeof(want), "webhook: POST %s/<redacted>: Timeout was "
	    "reached: configured webhook timeout reached (300ms)", e->fake.base);
	assert_string_equal(r.reason, want);
	sender_parts_free(&parts);
	config_free(cfg);

	snprintf(yaml, sizeof(yaml), "url: '%s%s'\n    timeout: 1h\n",
	    e->fake.base, HOOK);
	cfg = load(e, yaml);
	free(fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"delay\": 3}]}"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(e, cfg, 300, &parts, &r), 1);
	assert_true(elapsed_ms(&t0) < 2500);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "webhook: POST %s/<redacted>: Timeout was "
	    "reached: no answer within 300ms", e->fake.base);
	assert_string_equal(r.reason, want);
	sender_parts_free(&parts);
	config_free(cfg);
}

static void
test_sender_timeout_is_the_shorter(void **state)
{
	struct sender_send_ctx	 ctx = { .receiver = "r",
	    .integration = "webhook/0", .timeout_ms = 5000 };

	(void)state;
	assert_int_equal(sender_timeout_ms(&ctx, 0), 5000);
	assert_int_equal(sender_timeout_ms(&ctx, -1), 5000);
	assert_int_equal(sender_timeout_ms(&ctx, 300), 300);
	assert_int_equal(sender_timeout_ms(&ctx, 9000), 5000);
	/* No timeout from the dispatcher: the HTTP client's default (30 s)
	 * gives way to the config's, longer or shorter. */
	ctx.timeout_ms = 0;
	assert_int_equal(sender_timeout_ms(&ctx, 0), 0);
	assert_int_equal(sender_timeout_ms(&ctx, 45000), 45000);
	assert_int_equal(sender_timeout_ms(&ctx, 10), 10);
	assert_int_equal(sender_timeout_ms(NULL, 10), 10);
	assert_int_equal(sender_timeout_ms(NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webhook_new_fields_defaults),
		cmocka_unit_test(test_webhook_config_errors),
		cmocka_unit_test_setup(test_webhook_url_file_read_at_send, reset),
		cmocka_unit_test_setup(test_webhook_url_file_missing_or_empty_waits, reset),
		cmocka_unit_test_setup(test_webhook_timeout, reset),
		cmocka_unit_test(test_sender_timeout_is_the_shorter),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
