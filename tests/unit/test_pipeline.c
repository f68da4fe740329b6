/* test_pipeline.c: Alertmanager's captured payloads through the relay's
 * pipeline at fixed times: which receivers they reach, with which alerts
 * and common labels, and what time intervals mute. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "payload.h"
#include "pipeline.h"

/* Unix milliseconds, UTC: 2026-11-23 is a Monday. */
#define MON_0859_59_999	INT64_C(1795424399999)
#define MON_0900	INT64_C(1795424400000)
#define MON_1200	INT64_C(1795435200000)
#define MON_1659_59_999	INT64_C(1795453199999)
#define MON_1700	INT64_C(1795453200000)
#define MON_1800	INT64_C(1795456800000)
#define SAT_1200	INT64_C(1795867200000)

/* Weekday evenings and weekday office hours, in UTC. */
#define INTERVALS \
	"time_intervals:\n" \
	"- name: offhours\n  time_intervals:\n" \
	"  - times:\n    - start_time: '17:00'\n      end_time: '24:00'\n" \
	"    weekdays: ['monday:friday']\n    location: UTC\n" \
	"- name: workhours\n  time_intervals:\n" \
	"  - times:\n    - start_time: '09:00'\n      end_time: '17:00'\n" \
	"    weekdays: ['monday:friday']\n    location: UTC\n"

#define RECEIVERS(...) "receivers:\n" __VA_ARGS__

/* The bytes of a fixture, NUL-terminated; caller frees. */
static char *
fixture_text(const char *name, size_t *len)
{
	char	 path[512], *body;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", TOCSIN_FIXTURES_DIR, name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) > 0);
	rewind(f);
	assert_non_null(body = malloc((size_t)n + 1));
	assert_int_equal(fread(body, 1, (size_t)n, f), (size_t)n);
	body[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return body;
}

static struct notification *
parse(const char *body, size_t len)
{
	struct notification	*n;
	struct terr		 err;

	if ((n = payload_parse(body, len, &err)) == NULL)
		fail_msg("payload: %s", err.msg);
	return n;
}

static struct notification *
fixture(const char *name)
{
	struct notification	*n;
	size_t			 len;
	char			*body = fixture_text(name, &len);

	n = parse(body, len);
	free(body);
	return n;
}

static struct config *
load(const char *yaml)
{
	struct config	*cfg;
	struct terr	 err;

	if ((cfg = config_load_buffer("alertmanager.yml", "/tmp", yaml,
	    strlen(yaml), &err)) == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

/* The targets as one line: "receiver[fingerprint,...] ..." in order. */
static char *
describe(const struct pipeline_targets *t)
{
	static char	 out[1024];
	size_t		 i, j, off = 0;

	out[0] = '\0';
	for (i = 0; i < t->n; i++) {
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s[",
		    i ? " " : "", t->v[i].rcv->name);
		for (j = 0; j < t->v[i].n->nalerts; j++)
			off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
			    j ? "," : "", t->v[i].n->alerts[j].fingerprint);
		off += (size_t)snprintf(out + off, sizeof(out) - off, "]");
		assert_true(off < sizeof(out));
	}
	return out;
}

/* A label or annotation set as "a=1,b=2". */
static char *
pairs(const struct kv *kv)
{
	static char	 out[1024];
	size_t		 i, off = 0;

	out[0] = '\0';
	for (i = 0; i < kv->n; i++) {
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s=%s",
		    i ? "," : "", kv->v[i].name, kv->v[i].value);
		assert_true(off < sizeof(out));
	}
	return out;
}

/* Routes n through cfg at now and checks the targets against want. */
static void
expect_route(const struct config *cfg, const struct notification *n,
    const char *receiver, int64_t now_ms, const char *want)
{
	struct pipeline_targets	 t = { NULL, 0 };
	struct terr		 err;

	if (pipeline_route(cfg, n, receiver, now_ms, &t, &err) == -1)
		fail_msg("pipeline_route: %s", err.msg);
	assert_string_equal(describe(&t), want);
	pipeline_targets_free(&t);
}

/* LLM fixture: dea2f97046eb43e1 is the warning, 014c07b83d75a0f4 the
 * critical alert. */
#define WARN	"dea2f97046eb43e1"
#define CRIT	"014c07b83d75a0f4"
#define SSH	"401829964b136b0d"

static void
test_pipeline_continue_reaches_both_receivers(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct pipeline_targets	 t = { NULL, 0 };
	struct terr		 err;

	(void)state;
	cfg = load("route:\n  receiver: default\n  routes:\n"
	    "  - receiver: oncall\n    matchers: ['severity=\"critical\"']\n"
	    "    continue: true\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: oncall\n- name: team\n"));
	assert_int_equal(pipeline_route(cfg, n, NULL, MON_1200, &t, &err), 0);
	/* The warning reaches team first, so team comes first. */
	assert_string_equal(describe(&t), "team[" WARN "," CRIT "] oncall[" CRIT "]");

	assert_string_equal(t.v[0].n->receiver, "team");
	assert_int_equal(t.v[0].n->status, ALERT_FIRING);
	assert_string_equal(pairs(&t.v[0].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm");
	assert_string_equal(pairs(&t.v[0].n->common_annotations), "");

	/* A subset of one alert: all its labels and annotations are common. */
	assert_string_equal(t.v[1].n->receiver, "oncall");
	assert_string_equal(pairs(&t.v[1].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm,model=phi-3.5-mini,"
	    "severity=critical");
	assert_string_equal(pairs(&t.v[1].n->common_annotations),
	    "summary=High LLM error rate (31%)");
	/* Carried over from the payload. */
	assert_string_equal(pairs(&t.v[1].n->group_labels), "alertname=HighLLMErrorRate");
	assert_string_equal(t.v[1].n->group_key, "{}:{alertname=\"HighLLMErrorRate\"}");
	assert_string_equal(t.v[1].n->external_url, "http://alertmanager.lan:9093");
	pipeline_targets_free(&t);
	assert_null(t.v);
	assert_int_equal(t.n, 0);
	config_free(cfg);
	notification_free(n);
}

static void
test_pipeline_without_continue_first_match_wins(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct notification	*ssh = fixture("ssh-login-firing.json");

	(void)state;
	cfg = load("route:\n  receiver: default\n  routes:\n"
	    "  - receiver: oncall\n    matchers: ['severity=\"critical\"']\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: oncall\n- name: team\n"));
	expect_route(cfg, n, NULL, MON_1200, "team[" WARN "] oncall[" CRIT "]");
	expect_route(cfg, ssh, NULL, MON_1200, "oncall[" SSH "]");
	config_free(cfg);
	notification_free(n);
	notification_free(ssh);
}

/* Two routes to one receiver: one notification, each alert in it once. */
static void
test_pipeline_receiver_reached_twice_yields_one_notification(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct pipeline_targets	 t = { NULL, 0 };
	struct terr		 err;

	(void)state;
	cfg = load("route:\n  receiver: default\n  routes:\n"
	    "  - receiver: team\n    matchers: ['severity=\"critical\"']\n"
	    "    continue: true\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: team\n"));
	assert_int_equal(pipeline_route(cfg, n, NULL, MON_1200, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(describe(&t), "team[" WARN "," CRIT "]");
	assert_string_equal(pairs(&t.v[0].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm");
	pipeline_targets_free(&t);
	config_free(cfg);
	notification_free(n);
}

/* A muted route does not notify, and its alerts do not fall through to
 * another route; a sibling reached by continue still notifies. */
static void
test_pipeline_mute_time_intervals(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");

	(void)state;
	cfg = load("route:\n  receiver: default\n  routes:\n"
	    "  - receiver: pager\n    matchers: ['severity=\"critical\"']\n"
	    "    mute_time_intervals: [offhours]\n    continue: true\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: pager\n- name: team\n")
	    INTERVALS);
	expect_route(cfg, n, NULL, MON_1200, "team[" WARN "," CRIT "] pager[" CRIT "]");
	expect_route(cfg, n, NULL, MON_1659_59_999, "team[" WARN "," CRIT "] pager[" CRIT "]");
	expect_route(cfg, n, NULL, MON_1700, "team[" WARN "," CRIT "]");
	expect_route(cfg, n, NULL, MON_1800, "team[" WARN "," CRIT "]");
	/* Weekday evenings only. */
	expect_route(cfg, n, NULL, SAT_1200, "team[" WARN "," CRIT "] pager[" CRIT "]");
	/* Naming the receiver skips the tree and its intervals. */
	expect_route(cfg, n, "pager", MON_1800, "pager[" WARN "," CRIT "]");
	config_free(cfg);
	notification_free(n);
}

static void
test_pipeline_active_time_intervals(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture("ssh-login-firing.json");

	(void)state;
	cfg = load("route:\n  receiver: default\n  routes:\n"
	    "  - receiver: office\n    matchers: [alertname=SSHLoginFromNonLAN]\n"
	    "    active_time_intervals: [workhours]\n    continue: true\n"
	    "  - receiver: always\n    matchers: [alertname=SSHLoginFromNonLAN]\n"
	    "    active_time_intervals: [workhours, offhours]\n"
	    RECEIVERS("- name: default\n- name: office\n- name: always\n")
	    INTERVALS);
	expect_route(cfg, n, NULL, MON_0859_59_999, "");
	expect_route(cfg, n, NULL, MON_0900, "office[" SSH "] always[" SSH "]");
	expect_route(cfg, n, NULL, MON_1200, "office[" SSH "] always[" SSH "]");
	expect_route(cfg, n, NULL, MON_1800, "always[" SSH "]");
	expect_route(cfg, n, NULL, SAT_1200, "");
	config_free(cfg);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_continue_reaches_both_receivers),
		cmocka_unit_test(test_pipeline_without_continue_first_match_wins),
		cmocka_unit_test(test_pipeline_receiver_reached_twice_yields_one_notification),
		cmocka_unit_test(test_pipeline_mute_time_intervals),
		cmocka_unit_test(test_pipeline_active_time_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
