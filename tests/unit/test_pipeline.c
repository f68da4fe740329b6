/* test_pipeline.c: Alertmanager's captured payloads through the relay's
 * pipeline at fixed times: which receivers they reach, with which alerts
 * and common labels, what time intervals mute, and the file receiver's
 * exact lines. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <cmocka.h>

#include "config.h"
#include "filesink.h"
#include "payload.h"
#include "pipeline.h"
#include "scratch_dir.h"
#include "tmpl.h"

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

/* The contents of dir/name, NUL-terminated, or NULL when there is no such
 * file; caller frees. */
static char *
slurp(const char *dir, const char *name)
{
	char	 path[512], *s;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(s = malloc((size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
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
	char			*body;

	if ((body = slurp(TOCSIN_FIXTURES_DIR, name)) == NULL)
		fail_msg("%s: cannot read", name);
	n = parse(body, strlen(body));
	free(body);
	return n;
}

/* The two warning/critical LLM alerts with the resolved SSH alert appended:
 * a group whose alerts share no label. */
static struct notification *
mixed_fixture(void)
{
	json_t			*llm, *ssh;
	struct notification	*n;
	char			*body;

	assert_non_null(llm = json_load_file(TOCSIN_FIXTURES_DIR
	    "/llm-error-rate-mixed-severity.json", 0, NULL));
	assert_non_null(ssh = json_load_file(TOCSIN_FIXTURES_DIR
	    "/ssh-login-resolved.json", 0, NULL));
	assert_int_equal(json_array_extend(json_object_get(llm, "alerts"),
	    json_object_get(ssh, "alerts")), 0);
	assert_non_null(body = json_dumps(llm, JSON_PRESERVE_ORDER));
	n = parse(body, strlen(body));
	free(body);
	json_decref(llm);
	json_decref(ssh);
	return n;
}

/* Loads yaml with relative paths under dir; it must load. */
static struct config *
load_in(const char *dir, const char *yaml)
{
	struct config	*cfg;
	struct terr	 err;

	if ((cfg = config_load_buffer("alertmanager.yml", dir, yaml,
	    strlen(yaml), &err)) == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

static struct config *
load(const char *yaml)
{
	return load_in("/tmp", yaml);
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

/* A config, a payload and the targets it routed to, for tests that look
 * into the notifications. */
struct routed {
	struct config		*cfg;
	struct notification	*n;
	struct pipeline_targets	 t;
};

/* Loads yaml, routes the fixture name through it at now_ms and checks the
 * targets against want. */
static void
route_fixture(struct routed *r, const char *yaml, const char *name,
    int64_t now_ms, const char *want)
{
	struct terr	 err;

	r->cfg = load(yaml);
	r->n = fixture(name);
	r->t.v = NULL;
	r->t.n = 0;
	if (pipeline_route(r->cfg, r->n, NULL, now_ms, &r->t, &err) == -1)
		fail_msg("pipeline_route: %s", err.msg);
	assert_string_equal(describe(&r->t), want);
}

static void
routed_free(struct routed *r)
{
	pipeline_targets_free(&r->t);
	assert_null(r->t.v);
	assert_int_equal(r->t.n, 0);
	config_free(r->cfg);
	notification_free(r->n);
}

/* The LLM fixture: dea2f97046eb43e1 is the warning, 014c07b83d75a0f4 the
 * critical alert. */
#define LLM	"llm-error-rate-mixed-severity.json"
#define WARN	"dea2f97046eb43e1"
#define CRIT	"014c07b83d75a0f4"
#define SSH	"401829964b136b0d"

static void
test_pipeline_continue_reaches_both_receivers(void **state)
{
	struct routed	 r;

	(void)state;
	/* The warning reaches team first, so team comes first. */
	route_fixture(&r, "route:\n  receiver: default\n  routes:\n"
	    "  - receiver: oncall\n    matchers: ['severity=\"critical\"']\n"
	    "    continue: true\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: oncall\n- name: team\n"),
	    LLM, MON_1200, "team[" WARN "," CRIT "] oncall[" CRIT "]");

	assert_string_equal(r.t.v[0].n->receiver, "team");
	assert_int_equal(r.t.v[0].n->status, ALERT_FIRING);
	assert_string_equal(pairs(&r.t.v[0].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm");
	assert_string_equal(pairs(&r.t.v[0].n->common_annotations), "");

	/* A subset of one alert: all its labels and annotations are common. */
	assert_string_equal(r.t.v[1].n->receiver, "oncall");
	assert_string_equal(pairs(&r.t.v[1].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm,model=phi-3.5-mini,"
	    "severity=critical");
	assert_string_equal(pairs(&r.t.v[1].n->common_annotations),
	    "summary=High LLM error rate (31%)");
	/* Carried over from the payload. */
	assert_string_equal(pairs(&r.t.v[1].n->group_labels), "alertname=HighLLMErrorRate");
	assert_string_equal(r.t.v[1].n->group_key, "{}:{alertname=\"HighLLMErrorRate\"}");
	assert_string_equal(r.t.v[1].n->external_url, "http://alertmanager.lan:9093");
	routed_free(&r);
}

static void
test_pipeline_without_continue_first_match_wins(void **state)
{
	struct config		*cfg;
	struct notification	*n = fixture(LLM);
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
	struct routed	 r;

	(void)state;
	route_fixture(&r, "route:\n  receiver: default\n  routes:\n"
	    "  - receiver: team\n    matchers: ['severity=\"critical\"']\n"
	    "    continue: true\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: team\n"),
	    LLM, MON_1200, "team[" WARN "," CRIT "]");
	assert_int_equal(r.t.n, 1);
	assert_string_equal(pairs(&r.t.v[0].n->common_labels),
	    "alertname=HighLLMErrorRate,job=local-llm");
	routed_free(&r);
}

/* Without route labels in the payload (Alertmanager before 0.34), a
 * notification takes those of tocsin's route that first reached its
 * receiver, merged down from the root, and they render as Alertmanager's
 * dispatcher renders them: each a template against the notification, a
 * failing one left out. */
static void
test_pipeline_own_route_labels_merge_and_render(void **state)
{
	struct routed		 r;
	struct tmpl_set		*set = tmpl_set_new();
	struct terr		 err;

	(void)state;
	route_fixture(&r, "route:\n  receiver: default\n  labels: {team: core, tier: '1'}\n"
	    "  routes:\n"
	    "  - receiver: oncall\n    matchers: ['severity=\"critical\"']\n"
	    "    continue: true\n"
	    "    labels:\n      tier: '0'\n"
	    "      page: '{{ .CommonLabels.model }} for {{ routeLabels \"team\" }}'\n"
	    "      loop: '{{ routeLabels \"loop\" }}'\n"
	    "  - receiver: team\n    matchers: [job=local-llm]\n"
	    RECEIVERS("- name: default\n- name: oncall\n- name: team\n"),
	    LLM, MON_1200, "team[" WARN "," CRIT "] oncall[" CRIT "]");
	assert_string_equal(pairs(&r.t.v[0].n->route_labels), "team=core,tier=1");
	assert_false(r.t.v[0].n->route_labels_rendered);
	assert_string_equal(pairs(&r.t.v[1].n->route_labels),
	    "loop={{ routeLabels \"loop\" }},page={{ .CommonLabels.model }} for "
	    "{{ routeLabels \"team\" }},team=core,tier=0");
	assert_non_null(set);
	assert_int_equal(tmpl_render_route_labels(set, r.t.v[1].n, NULL, &err), 0);
	assert_true(r.t.v[1].n->route_labels_rendered);
	assert_string_equal(pairs(&r.t.v[1].n->route_labels),
	    "page=phi-3.5-mini for core,team=core,tier=0");
	/* rendered values are final: a second call changes nothing */
	assert_int_equal(tmpl_render_route_labels(set, r.t.v[1].n, NULL, &err), 0);
	assert_string_equal(pairs(&r.t.v[1].n->route_labels),
	    "page=phi-3.5-mini for core,team=core,tier=0");
	tmpl_set_free(set);
	routed_free(&r);
}

/* Alertmanager 0.34's own route labels, already rendered, win. */
static void
test_pipeline_payload_route_labels_are_kept(void **state)
{
	static const char body[] = "{\"version\":\"4\",\"status\":\"firing\","
	    "\"receiver\":\"x\",\"routeLabels\":{\"team\":\"{{ sent }}\"},"
	    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}}]}";
	struct config		*cfg;
	struct notification	*n = parse(body, strlen(body));
	struct pipeline_targets	 t = { NULL, 0 };
	struct terr		 err;

	(void)state;
	cfg = load("route:\n  receiver: default\n  labels: {team: mine}\n"
	    RECEIVERS("- name: default\n"));
	assert_int_equal(pipeline_route(cfg, n, NULL, MON_1200, &t, &err), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(pairs(&t.v[0].n->route_labels), "team={{ sent }}");
	assert_true(t.v[0].n->route_labels_rendered);
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
	struct notification	*n = fixture(LLM);

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

/* Alertmanager's compact JSON of ssh-login-firing.json, for receiver
 * "files". */
#define SSH_LINE "{\"receiver\":\"files\",\"status\":\"firing\",\"alerts\":[" \
	"{\"status\":\"firing\",\"labels\":{\"alertname\":\"SSHLoginFromNonLAN\"," \
	"\"instance\":\"homelab:9100\",\"severity\":\"critical\"," \
	"\"src_ip\":\"203.0.113.7\"},\"annotations\":{\"description\":" \
	"\"A shell login succeeded from a non-LAN address.\",\"summary\":" \
	"\"Shell login for root from 203.0.113.7\"},\"startsAt\":" \
	"\"2026-11-23T13:49:41.29721526Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"," \
	"\"generatorURL\":\"\",\"fingerprint\":\"401829964b136b0d\"}]," \
	"\"groupLabels\":{\"alertname\":\"SSHLoginFromNonLAN\"},\"commonLabels\":" \
	"{\"alertname\":\"SSHLoginFromNonLAN\",\"instance\":\"homelab:9100\"," \
	"\"severity\":\"critical\",\"src_ip\":\"203.0.113.7\"},\"commonAnnotations\":" \
	"{\"description\":\"A shell login succeeded from a non-LAN address.\"," \
	"\"summary\":\"Shell login for root from 203.0.113.7\"},\"externalURL\":" \
	"\"http://alertmanager.lan:9093\",\"version\":\"4\",\"groupKey\":" \
	"\"{}:{alertname=\\\"SSHLoginFromNonLAN\\\"}\",\"truncatedAlerts\":0}\n"

#define LLM_ALERTS \
	"{\"status\":\"firing\",\"labels\":{\"alertname\":\"HighLLMErrorRate\"," \
	"\"job\":\"local-llm\",\"model\":\"llama-3.2-vision\",\"severity\":\"warning\"}," \
	"\"annotations\":{\"summary\":\"High LLM error rate (12.5%)\"},\"startsAt\":" \
	"\"2026-11-23T13:49:41.313138618Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"," \
	"\"generatorURL\":\"\",\"fingerprint\":\"dea2f97046eb43e1\"}," \
	"{\"status\":\"firing\",\"labels\":{\"alertname\":\"HighLLMErrorRate\"," \
	"\"job\":\"local-llm\",\"model\":\"phi-3.5-mini\",\"severity\":\"critical\"}," \
	"\"annotations\":{\"summary\":\"High LLM error rate (31%)\"},\"startsAt\":" \
	"\"2026-11-23T13:49:41.332154232Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"," \
	"\"generatorURL\":\"\",\"fingerprint\":\"014c07b83d75a0f4\"}"

#define SSH_RESOLVED_ALERT \
	"{\"status\":\"resolved\",\"labels\":{\"alertname\":\"SSHLoginFromNonLAN\"," \
	"\"instance\":\"homelab:9100\",\"severity\":\"critical\"," \
	"\"src_ip\":\"203.0.113.7\"},\"annotations\":{\"description\":" \
	"\"A shell login succeeded from a non-LAN address.\",\"summary\":" \
	"\"Shell login for root from 203.0.113.7\"},\"startsAt\":" \
	"\"2026-11-23T13:48:45Z\",\"endsAt\":\"2026-11-23T13:48:45Z\"," \
	"\"generatorURL\":\"\",\"fingerprint\":\"401829964b136b0d\"}"

/* The mixed group as every alert, and as the firing ones alone (with their
 * common labels, which the whole group does not have). */
#define MIXED_LINE "{\"receiver\":\"files\",\"status\":\"firing\",\"alerts\":[" \
	LLM_ALERTS "," SSH_RESOLVED_ALERT "]," \
	"\"groupLabels\":{\"alertname\":\"HighLLMErrorRate\"},\"commonLabels\":{}," \
	"\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager.lan:9093\"," \
	"\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"HighLLMErrorRate\\\"}\"," \
	"\"truncatedAlerts\":0}\n"
#define FIRING_LINE "{\"receiver\":\"files\",\"status\":\"firing\",\"alerts\":[" \
	LLM_ALERTS "]," \
	"\"groupLabels\":{\"alertname\":\"HighLLMErrorRate\"},\"commonLabels\":" \
	"{\"alertname\":\"HighLLMErrorRate\",\"job\":\"local-llm\"}," \
	"\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager.lan:9093\"," \
	"\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"HighLLMErrorRate\\\"}\"," \
	"\"truncatedAlerts\":0}\n"

/* The one notification a config with a single receiver "files" gives. */
static struct notification *
only_target(const struct config *cfg, const struct notification *n)
{
	struct pipeline_targets	 t = { NULL, 0 };
	struct notification	*got;
	struct terr		 err;

	if (pipeline_route(cfg, n, NULL, MON_1200, &t, &err) == -1)
		fail_msg("pipeline_route: %s", err.msg);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0].rcv->name, "files");
	got = t.v[0].n;
	t.v[0].n = NULL;
	t.n = 0;
	pipeline_targets_free(&t);
	return got;
}

static char *
line_of(const struct notification *n, bool send_resolved)
{
	char		*line;
	size_t		 len;
	struct terr	 err;

	if (pipeline_file_line(n, send_resolved, &line, &len, &err) == -1)
		fail_msg("pipeline_file_line: %s", err.msg);
	if (line != NULL)
		assert_int_equal(strlen(line), len);
	return line;
}

static void
test_pipeline_file_line_send_resolved(void **state)
{
	struct config		*cfg;
	struct notification	*src, *n;
	char			*line;

	(void)state;
	cfg = load("route:\n  receiver: files\n" RECEIVERS("- name: files\n"));

	src = fixture("ssh-login-firing.json");
	n = only_target(cfg, src);
	assert_non_null(line = line_of(n, true));
	assert_string_equal(line, SSH_LINE);
	free(line);
	assert_non_null(line = line_of(n, false));
	assert_string_equal(line, SSH_LINE);
	free(line);
	notification_free(n);
	notification_free(src);

	/* Resolved only: nothing at all without send_resolved. */
	src = fixture("ssh-login-resolved.json");
	n = only_target(cfg, src);
	assert_non_null(line = line_of(n, true));
	assert_non_null(strstr(line, "\"status\":\"resolved\",\"alerts\""));
	free(line);
	assert_null(line_of(n, false));
	notification_free(n);
	notification_free(src);

	src = mixed_fixture();
	n = only_target(cfg, src);
	assert_non_null(line = line_of(n, true));
	assert_string_equal(line, MIXED_LINE);
	free(line);
	assert_non_null(line = line_of(n, false));
	assert_string_equal(line, FIRING_LINE);
	free(line);
	notification_free(n);
	notification_free(src);
	config_free(cfg);
}

/* Routes src (taken over) to the one receiver "files" and writes it to its
 * file_configs: want_rc and want_written lines, err holding the reason. */
static void
write_through(const struct config *cfg, struct filesink *fs,
    struct notification *src, int want_rc, size_t want_written, struct terr *err)
{
	struct notification	*n = only_target(cfg, src);
	size_t			 written;

	err->msg[0] = '\0';
	assert_int_equal(pipeline_write_files(fs, config_receiver(cfg, "files"), n,
	    &written, err), want_rc);
	assert_int_equal(written, want_written);
	notification_free(n);
	notification_free(src);
}

/* A scratch directory for file_configs, the files open in it and the
 * config a test loads there. */
struct files_env {
	char		 dir[64];
	struct filesink	*fs;
	struct config	*cfg;
};

static int
files_setup(void **state)
{
	struct files_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	scratch_make(e->dir, sizeof(e->dir), "test_pipeline");
	assert_non_null(e->fs = filesink_new());
	*state = e;
	return 0;
}

static int
files_teardown(void **state)
{
	struct files_env *e = *state;

	config_free(e->cfg);
	filesink_free(e->fs);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

/* Each file_config of the receiver gets its own line; one with
 * send_resolved false gets the firing alerts only, and no line when none
 * fire. */
static void
test_pipeline_write_files_one_line_per_file_config(void **state)
{
	struct files_env *e = *state;
	struct terr	 err;
	char		*got;

	e->cfg = load_in(e->dir, "route:\n  receiver: files\n"
	    RECEIVERS("- name: files\n  file_configs:\n  - path: all.jsonl\n"
	    "  - path: firing.jsonl\n    send_resolved: false\n"));
	write_through(e->cfg, e->fs, mixed_fixture(), 0, 2, &err);
	write_through(e->cfg, e->fs, fixture("ssh-login-resolved.json"), 0, 1, &err);

	assert_non_null(got = slurp(e->dir, "all.jsonl"));
	assert_true(strncmp(got, MIXED_LINE, strlen(MIXED_LINE)) == 0);
	assert_non_null(strstr(got + strlen(MIXED_LINE),
	    "{\"receiver\":\"files\",\"status\":\"resolved\""));
	free(got);
	assert_non_null(got = slurp(e->dir, "firing.jsonl"));
	assert_string_equal(got, FIRING_LINE);
	free(got);
}

/* A file that cannot be written stops the receiver and says why; the lines
 * before it count. */
static void
test_pipeline_write_files_failure_counts_lines_written(void **state)
{
	struct files_env *e = *state;
	struct terr	 err;
	char		*got;

	e->cfg = load_in(e->dir, "route:\n  receiver: files\n"
	    RECEIVERS("- name: files\n  file_configs:\n  - path: ok.jsonl\n"
	    "  - path: missing/x.jsonl\n  - path: never.jsonl\n"));
	write_through(e->cfg, e->fs, fixture("ssh-login-firing.json"), -1, 1, &err);
	assert_non_null(strstr(err.msg, "missing/x.jsonl"));
	assert_non_null(got = slurp(e->dir, "ok.jsonl"));
	assert_string_equal(got, SSH_LINE);
	free(got);
	assert_null(slurp(e->dir, "never.jsonl"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_continue_reaches_both_receivers),
		cmocka_unit_test(test_pipeline_without_continue_first_match_wins),
		cmocka_unit_test(test_pipeline_receiver_reached_twice_yields_one_notification),
		cmocka_unit_test(test_pipeline_own_route_labels_merge_and_render),
		cmocka_unit_test(test_pipeline_payload_route_labels_are_kept),
		cmocka_unit_test(test_pipeline_mute_time_intervals),
		cmocka_unit_test(test_pipeline_active_time_intervals),
		cmocka_unit_test(test_pipeline_file_line_send_resolved),
		cmocka_unit_test_setup_teardown(
		    test_pipeline_write_files_one_line_per_file_config,
		    files_setup, files_teardown),
		cmocka_unit_test_setup_teardown(
		    test_pipeline_write_files_failure_counts_lines_written,
		    files_setup, files_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
