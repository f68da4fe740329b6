/* test_sender_pagerduty.c: the pagerduty channel: pagerduty_configs
 * (Alertmanager's defaults, every error with its position, Events API v1
 * refused), the Events API v2 body byte for byte against the fake
 * PagerDuty, the dedup key, summary and size cuts, and PagerDuty's answers
 * classified without the routing key in any reason. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "buf.h"
#include "config_cases.h"
#include "default_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "sender.h"
#include "sender_pagerduty.h"
#include "tmpl.h"

/* The fake's known routing key; "SECRET" in it is what reasons and keys
 * are searched for. */
#define KEY	"0123456789abcdefSECRET6789abcdef"
#define HEAD	"route:\n  receiver: r\nreceivers:\n- name: r\n"

#define PD_AT(r, i) ((const struct pagerduty_config *) \
	receiver_config((r), &channel_pagerduty, (i)))

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	char			 dir[64];
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_pagerduty.py",
	    "{\"rate_limits_enabled\": false, \"routing_keys\": [\"" KEY "\"]}"), 0);
	if ((e->tmpl = default_tmpl_load(&e->opts, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	scratch_make(e->dir, sizeof(e->dir), "test_sender_pagerduty");
	scratch_write(e->dir, "key", "  " KEY "\n");
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

/* A receiver with one pagerduty_config: routing key and url of the fake,
 * then extra. */
static struct config *
load(struct env *e, const char *extra)
{
	size_t		 len = (extra ? strlen(extra) : 0) + 1024;
	char		*yaml = malloc(len);
	struct config	*cfg;

	assert_non_null(yaml);
	assert_true((size_t)snprintf(yaml, len, HEAD
	    "  pagerduty_configs:\n  - routing_key: " KEY "\n"
	    "    url: %s/v2/enqueue\n%s", e->fake.base, extra ? extra : "") < len);
	cfg = config_must_load(e->dir, yaml);
	free(yaml);
	return cfg;
}

/* Renders with the first pagerduty integration and sends each part. */
static size_t
run(struct env *e, const void *cfg, const struct notification *n,
    struct sender_parts *parts, struct send_result *r)
{
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "pagerduty/0", .timeout_ms = 5000 };
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (sender_pagerduty_ops.render(cfg, n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		assert_null(strstr(parts->v[i].dest, "SECRET"));
		assert_null(strstr(parts->v[i].payload, "SECRET"));
		sender_pagerduty_ops.send(cfg, &sctx, parts->v[i].dest,
		    parts->v[i].payload, parts->v[i].len, r);
		assert_null(strstr(r->reason, "SECRET"));
	}
	return parts->n;
}

/* Alertmanager's DefaultPagerdutyConfig, the global URL, the notifier's
 * severity, source from client, the four default details sorted. */
static void
test_pagerduty_config_defaults(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->dir, HEAD
	    "  pagerduty_configs:\n  - routing_key_file: key\n"
	    "    details: {zz: '{{ .Status }}', firing: mine}\n");
	const struct pagerduty_config *c = PD_AT(config_receiver(cfg, "r"), 0);

	assert_true(c->send_resolved);
	assert_string_equal(c->routing_key, KEY);
	assert_string_equal(c->url, "https://events.pagerduty.com/v2/enqueue");
	assert_string_equal(c->client, "{{ template \"pagerduty.default.client\" . }}");
	assert_string_equal(c->client_url,
	    "{{ template \"pagerduty.default.clientURL\" . }}");
	assert_string_equal(c->description,
	    "{{ template \"pagerduty.default.description\" .}}");
	assert_string_equal(c->source, c->client);
	assert_string_equal(c->severity, "error");
	assert_null(c->class);
	assert_int_equal(c->ndetails, 5);
	assert_string_equal(c->details[0].key, "firing");
	assert_string_equal(c->details[0].value, "mine");
	assert_string_equal(c->details[1].key, "num_firing");
	assert_string_equal(c->details[1].value, "{{ .Alerts.Firing | len }}");
	assert_string_equal(c->details[2].key, "num_resolved");
	assert_string_equal(c->details[3].key, "resolved");
	assert_string_equal(c->details[3].value,
	    "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}");
	assert_string_equal(c->details[4].key, "zz");
	config_free(cfg);

	cfg = config_must_load(e->dir, "global:\n  pagerduty_url: http://pd.example/x\n"
	    HEAD "  pagerduty_configs:\n  - routing_key: k\n    client: c\n"
	    "    severity: '{{ .CommonLabels.severity }}'\n    send_resolved: false\n");
	c = PD_AT(config_receiver(cfg, "r"), 0);
	assert_false(c->send_resolved);
	assert_string_equal(c->url, "http://pd.example/x");
	assert_string_equal(c->source, "c");
	assert_string_equal(c->severity, "{{ .CommonLabels.severity }}");
	assert_int_equal(c->timeout_ms, 0);
	config_free(cfg);

	/* Alertmanager 0.30's timeout, a time.Duration. */
	cfg = load(e, "    timeout: 1m30s\n");
	assert_int_equal(PD_AT(config_receiver(cfg, "r"), 0)->timeout_ms, 90000);
	config_free(cfg);
}

static const struct errcase pd_errors[] = {
	{ "  pagerduty_configs:\n  - {client: x}\n",
	    "6:5: missing service or routing key in PagerDuty config" },
	{ "  pagerduty_configs:\n  - {routing_key: SECRET, routing_key_file: key}\n",
	    "6:45: at most one of routing_key & routing_key_file must be configured" },
	{ "  pagerduty_configs:\n  - {service_key: SECRET, service_key_file: key}\n",
	    "6:45: at most one of service_key & service_key_file must be configured" },
	{ "  pagerduty_configs:\n  - {service_key: SECRET}\n",
	    "6:6: service_key (PagerDuty Events API v1) is not supported by tocsin: "
	    "use routing_key or routing_key_file (Events API v2)" },
	{ "  pagerduty_configs:\n  - {routing_key: k, service_key_file: key}\n",
	    "6:22: service_key_file (PagerDuty Events API v1) is not supported by "
	    "tocsin: use routing_key or routing_key_file (Events API v2)" },
	{ "  pagerduty_configs:\n  - {routing_key: k, severity: [x]}\n",
	    "6:32: severity must be a string, not a list" },
	{ "  pagerduty_configs:\n  - {routing_key: k, detail: {}}\n",
	    "6:22: unknown field detail in pagerduty_config" },
	{ "  pagerduty_configs:\n  - {routing_key: k, details: [a]}\n",
	    "6:31: details must be a mapping, not a list" },
	{ "  pagerduty_configs:\n  - {routing_key: k, details: {a: [b]}}\n",
	    "6:35: a must be a string, not a list" },
	{ "  pagerduty_configs:\n  - {routing_key: k, links: [{href: a, txt: b}]}\n",
	    "6:40: unknown field txt in pagerduty link" },
	{ "  pagerduty_configs:\n  - {routing_key: k, images: [{source: a}]}\n",
	    "6:32: unknown field source in pagerduty image" },
	{ "  pagerduty_configs:\n  - {routing_key: k, url: 'ftp://x/'}\n",
	    "6:27: url: unsupported scheme \"ftp\" for URL" },
	{ "  pagerduty_configs:\n  - {routing_key_file: missing}\n",
	    "6:24: cannot read routing_key_file \"{dir}/missing\": "
	    "No such file or directory" },
	{ "  pagerduty_configs:\n  - {routing_key: k, timeout: 5}\n",
	    "6:31: timeout: time: missing unit in duration \"5\"" },
	{ "  pagerduty_configs:\n  - {routing_key: k}\nglobal:\n  pagerduty_url: null\n",
	    "6:5: no global PagerDuty URL set" },
};

static void
test_pagerduty_config_errors(void **state)
{
	struct env *e = *state;

	check_errors(e->dir, HEAD, "", pd_errors,
	    sizeof(pd_errors) / sizeof(pd_errors[0]));
}

/* The value of header name in recorded request i, or NULL. */
static const char *
req_header(json_t *reqs, size_t i, const char *name)
{
	json_t		*h, *kv;
	size_t		 k;

	h = json_object_get(json_array_get(reqs, i), "headers");
	json_array_foreach(h, k, kv)
		if (strcasecmp(json_string_value(json_array_get(kv, 0)), name) == 0)
			return json_string_value(json_array_get(kv, 1));
	return NULL;
}

#define DEDUP	"09d5d4fbebcb5436344489fac8b978e126c8657acce8f2af8aee7ccd877c7bc4"

/* Default config on the fixture: Alertmanager 0.25's body (with its
 * default.tmpl), the routing key only in what was sent, a 202. */
static void
test_pagerduty_fixture_exact(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, NULL);
	const struct pagerduty_config *c = PD_AT(config_receiver(cfg, "r"), 0);
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	const char		*rest =
	    "\"dedup_key\":\"" DEDUP "\",\"event_action\":\"trigger\","
	    "\"payload\":{\"summary\":\"[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7)\","
	    "\"source\":\"Alertmanager\",\"severity\":\"error\",\"custom_details\":{"
	    "\"firing\":\"Labels:\\n - alertname = SSHLoginFromNonLAN\\n - instance = homelab:9100\\n"
	    " - severity = critical\\n - src_ip = 203.0.113.7\\nAnnotations:\\n"
	    " - description = A shell login succeeded from a non-LAN address.\\n"
	    " - summary = Shell login for root from 203.0.113.7\\nSource: \\n\","
	    "\"num_firing\":\"1\",\"num_resolved\":\"0\",\"resolved\":\"\"}},"
	    "\"client\":\"Alertmanager\","
	    "\"client_url\":\"http://alertmanager.lan:9093/#/alerts?receiver=tocsin\"}\n";
	char			 want[4096];

	assert_int_equal(run(e, c, n, &parts, &r), 1);
	snprintf(want, sizeof(want), "{%s", rest);
	assert_string_equal(parts.v[0].payload, want);
	assert_int_equal(strncmp(parts.v[0].dest, "pagerduty:", 10), 0);
	assert_int_equal(strlen(parts.v[0].dest), 10 + 16);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "pagerduty: 202");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/v2/enqueue");
	assert_string_equal(req_header(reqs, 0, "Content-Type"), "application/json");
	snprintf(want, sizeof(want), "{\"routing_key\":\"" KEY "\",%s", rest);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	assert_non_null(strstr(fake_req_str(reqs, 0, "response"),
	    "\"dedup_key\": \"" DEDUP "\""));
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* All resolved: a resolve event with the same dedup key; send_resolved
 * false sends nothing. Every optional field set, images and links without
 * src/href dropped, HTML characters escaped as Go escapes them. */
static void
test_pagerduty_resolve_and_all_fields(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e,
	    "    client: ''\n    severity: '{{ .CommonLabels.severity }}'\n"
	    "    class: c<1>\n    component: '{{ .CommonLabels.instance }}'\n    group: g&\n"
	    "    source: src\n    description: d\n"
	    "    details: {firing: '', resolved: '', num_firing: '', num_resolved: ''}\n"
	    "    images: [{src: 'http://i/{{ .Status }}.png', alt: a}, {src: '', href: h}]\n"
	    "    links: [{href: 'http://l/', text: t}, {text: dropped}]\n");
	const struct pagerduty_config *c = PD_AT(config_receiver(cfg, "r"), 0);
	struct notification	*n = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	const char		*want = "{\"dedup_key\":\"" DEDUP
	    "\",\"event_action\":\"resolve\",\"payload\":{\"summary\":\"d\","
	    "\"source\":\"src\",\"severity\":\"critical\",\"class\":\"c\\u003c1\\u003e\","
	    "\"component\":\"homelab:9100\",\"group\":\"g\\u0026\",\"custom_details\":"
	    "{\"firing\":\"\",\"num_firing\":\"\",\"num_resolved\":\"\",\"resolved\":\"\"}},"
	    "\"client_url\":\"";

	assert_int_equal(run(e, c, n, &parts, &r), 1);
	assert_int_equal(strncmp(parts.v[0].payload, want, strlen(want)), 0);
	assert_non_null(strstr(parts.v[0].payload,
	    "\"images\":[{\"src\":\"http://i/resolved.png\",\"alt\":\"a\",\"href\":\"\"}],"
	    "\"links\":[{\"href\":\"http://l/\",\"text\":\"t\"}]}\n"));
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "    send_resolved: false\n");
	assert_int_equal(run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts,
	    &r), 0);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* The summary keeps 1023 runes and an ellipsis; details that make the
 * event larger than 512 KB are replaced by Alertmanager's note. */
static void
test_pagerduty_summary_and_size_cuts(void **state)
{
	struct env		*e = *state;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct config		*cfg;
	struct sender_parts	 parts;
	struct send_result	 r;
	struct buf		 extra, want;
	json_t			*reqs;

	buf_init(&extra, 0);
	buf_init(&want, 0);
	assert_int_equal(buf_adds(&extra, "    description: '"), 0);
	assert_int_equal(buf_adds(&want, "\"summary\":\""), 0);
	for (int i = 0; i < 1100; i++)
		assert_int_equal(buf_adds(&extra, "\xc3\xa9"), 0);
	for (int i = 0; i < 1023; i++)
		assert_int_equal(buf_adds(&want, "\xc3\xa9"), 0);
	assert_int_equal(buf_adds(&extra, "'\n"), 0);
	assert_int_equal(buf_adds(&want, "\xe2\x80\xa6\",\"source\""), 0);
	cfg = load(e, buf_str(&extra));
	assert_int_equal(run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts,
	    &r), 1);
	assert_non_null(strstr(parts.v[0].payload, buf_str(&want)));
	sender_parts_free(&parts);
	config_free(cfg);

	/* 512,000 bytes is the limit of the whole body sent. */
	buf_reset(&extra);
	assert_int_equal(buf_adds(&extra, "    details: {big: '"), 0);
	for (int i = 0; i < 512000; i++)
		assert_int_equal(buf_addc(&extra, 'x'), 0);
	assert_int_equal(buf_adds(&extra, "'}\n"), 0);
	cfg = load(e, buf_str(&extra));
	assert_int_equal(run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts,
	    &r), 1);
	assert_non_null(strstr(parts.v[0].payload, "\"severity\":\"error\","
	    "\"custom_details\":{\"error\":\"Custom details have been removed "
	    "because the original event exceeds the maximum size of 512KB\"}},"));
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	json_decref(reqs);
	sender_parts_free(&parts);
	buf_free(&extra);
	buf_free(&want);
	notification_free(n);
	config_free(cfg);
}

/* PagerDuty's answers: 400 permanent with its error list, 429 and 5xx
 * transient, a network error transient; no reason holds the key. */
static void
test_pagerduty_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg;
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			 yaml[1024], *s;

	/* A key PagerDuty does not know. */
	snprintf(yaml, sizeof(yaml), HEAD "  pagerduty_configs:\n"
	    "  - routing_key: ffffffffffffffffSECRETffffffffff\n"
	    "    url: %s/v2/enqueue\n", e->fake.base);
	cfg = config_must_load(e->dir, yaml);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason,
	    "pagerduty: 400 Event object is invalid: Invalid routing key");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, NULL);
	s = fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 429}, {\"status\": 429, \"retry_after\": 7},"
	    " {\"status\": 500}, {\"status\": 400, \"errors\": [\"a\", \"b\"]},"
	    " {\"status\": 403, \"body\": \"" KEY "\"}, {\"close\": true}]}");
	free(s);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	assert_string_equal(r.reason, "pagerduty: 429 ");
	sender_parts_free(&parts);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, 7000);
	sender_parts_free(&parts);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason,
	    "pagerduty: 500 {\"status\": \"error\", \"message\": \"Internal error\"}");
	sender_parts_free(&parts);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason,
	    "pagerduty: 400 Event object is invalid: a,b");
	sender_parts_free(&parts);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason,
	    "pagerduty: 403 (answer withheld: it holds the routing key)");
	sender_parts_free(&parts);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	sender_parts_free(&parts);
	config_free(cfg);

	/* A service that does not answer within the integration's timeout:
	 * retried, in Alertmanager's words. */
	cfg = load(e, "    timeout: 300ms\n");
	free(fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"delay\": 3}]}"));
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	snprintf(yaml, sizeof(yaml), "pagerduty: POST %s/<redacted>: Timeout was "
	    "reached: configured pagerduty timeout reached (300ms)", e->fake.base);
	assert_string_equal(r.reason, yaml);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* One bucket per routing key, named by its digest. */
static void
test_pagerduty_limits_per_routing_key(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, NULL);
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct sender_limits	 lim;
	struct rl_want		 w[4];
	char			 desc[128];

	sender_limits_default(&lim);
	run(e, PD_AT(config_receiver(cfg, "r"), 0), n, &parts, &r);
	assert_int_equal(sender_pagerduty_ops.limits(parts.v[0].dest, &lim, w, 4), 1);
	sender_pagerduty_ops.describe(parts.v[0].payload, parts.v[0].len, desc,
	    sizeof(desc));
	assert_string_equal(desc,
	    "[FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical 203.0.113.7)");
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagerduty_config_defaults),
		cmocka_unit_test(test_pagerduty_config_errors),
		cmocka_unit_test_setup(test_pagerduty_fixture_exact, reset),
		cmocka_unit_test_setup(test_pagerduty_resolve_and_all_fields, reset),
		cmocka_unit_test_setup(test_pagerduty_summary_and_size_cuts, reset),
		cmocka_unit_test_setup(test_pagerduty_classification, reset),
		cmocka_unit_test_setup(test_pagerduty_limits_per_routing_key, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
