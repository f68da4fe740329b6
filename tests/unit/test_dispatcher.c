/* test_dispatcher.c: store -> dispatcher -> senders -> fakes, end to end in
 * one process: everything accepted is delivered in order per destination,
 * transient failures retried, retry_after honoured (checked on the fake's own
 * clock), permanent failures dead and reported, and no secret in any log
 * line. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <cmocka.h>

#include "config.h"
#include "deliver.h"
#include "dispatcher.h"
#include "log.h"
#include "payload.h"
#include "tmpl.h"
#include "fake_client.h"

#define TOKEN	"123456:TEST-token"
#define HOOK	"/services/T000/B000/XXXXXXXX"
/* How long a test waits for a condition before failing: generous, as CI
 * runs the suite under ASan on two busy cores. Only a failure waits it out. */
#define WAIT_MS	60000

struct env {
	struct fake		 tg, sl;
	struct tmpl_set		*tmpl;
	struct notification	*firing;
	char			 dir[64];
	struct store		*store;
	struct dispatcher	*disp;		/* read by the on_enqueue hook */
	struct metrics		*metrics;
	pthread_mutex_t		 mu;
	char			**lines;	/* captured log lines */
	size_t			 nlines;
	int			 ndead;
	char			 dead_why[256];
	int64_t			 budget_ms;	/* the next start's; 0: default */
	int			 max_sends;	/* the next start's; 0: 2 */
	long			 send_timeout_ms; /* the next start's; 0: 5 s */
};

static int64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static void
sink(const char *line, void *arg)
{
	struct env *e = arg;

	pthread_mutex_lock(&e->mu);
	e->lines = realloc(e->lines, (e->nlines + 1) * sizeof(*e->lines));
	e->lines[e->nlines++] = strdup(line);
	pthread_mutex_unlock(&e->mu);
}

static void
on_enqueue(void *arg)
{
	struct env *e = arg;

	dispatcher_wake(__atomic_load_n(&e->disp, __ATOMIC_ACQUIRE));
}

static void
on_dead(void *arg, const struct store_entry *se, const char *why)
{
	struct env *e = arg;

	(void)se;
	pthread_mutex_lock(&e->mu);
	e->ndead++;
	snprintf(e->dead_why, sizeof(e->dead_why), "%s", why);
	pthread_mutex_unlock(&e->mu);
}

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;
	FILE		*f;
	char		 body[8192];
	size_t		 len;

	assert_non_null(e);
	pthread_mutex_init(&e->mu, NULL);
	assert_int_equal(fake_start(&e->tg, "fake_telegram.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	assert_int_equal(fake_start(&e->sl, "fake_slack.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	e->tmpl = tmpl_set_new();
	assert_int_equal(tmpl_set_add_file(e->tmpl,
	    "/usr/share/prometheus/alertmanager/default.tmpl", &err), 0);
	f = fopen(TOCSIN_FIXTURES_DIR "/ssh-login-firing.json", "rb");
	assert_non_null(f);
	len = fread(body, 1, sizeof(body), f);
	fclose(f);
	e->firing = payload_parse(body, len, &err);
	assert_non_null(e->firing);
	log_setup(LOGL_DEBUG, LOGF_LOGFMT);
	log_set_sink(sink, e);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	log_set_sink(NULL, NULL);
	fake_stop(&e->tg);
	fake_stop(&e->sl);
	tmpl_set_free(e->tmpl);
	notification_free(e->firing);
	for (size_t i = 0; i < e->nlines; i++)
		free(e->lines[i]);
	free(e->lines);
	pthread_mutex_destroy(&e->mu);
	free(e);
	return 0;
}

static struct config *
load(struct env *e, const char *chat)
{
	char		 yaml[2048];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  telegram_configs:\n  - bot_token: '" TOKEN "'\n    chat_id: %s\n"
	    "    api_url: %s\n    message: '{{ .GroupLabels.n }}'\n"
	    "  slack_configs:\n  - api_url: %s" HOOK "\n    text: '{{ .GroupLabels.n }}'\n"
	    "    send_resolved: true\n",
	    chat, e->tg.base, e->sl.base);
	cfg = config_load_buffer("d.yml", "/tmp", yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

static void
start_dispatcher(struct env *e, const struct config *cfg, bool limits_on)
{
	struct dispatcher_params	 dp;
	struct sender_limits		 lim;
	struct terr			 err;

	sender_limits_default(&lim);
	if (!limits_on)
		memset(&lim, 0, sizeof(lim));
	memset(&dp, 0, sizeof(dp));
	dp.store = e->store;
	dp.cfg = cfg;
	dp.memo_dir = e->dir;
	dp.max_sends = e->max_sends > 0 ? e->max_sends : 2;
	dp.backoff.base_ms = 20;
	dp.backoff.cap_ms = 100;
	dp.backoff.budget_ms = e->budget_ms;
	dp.limits = &lim;
	dp.send_timeout_ms = e->send_timeout_ms > 0 ? e->send_timeout_ms : 5000;
	dp.on_dead = on_dead;
	dp.on_dead_arg = e;
	e->metrics = metrics_new(0);
	dp.metrics = e->metrics;
	e->ndead = 0;
	__atomic_store_n(&e->disp, dispatcher_start(&dp, &err), __ATOMIC_RELEASE);
	if (e->disp == NULL)
		fail_msg("dispatcher: %s", err.msg);
}

/* Opens a fresh store and (unless held) starts a dispatcher with fast
 * backoff. */
static void
start_held(struct env *e, const struct config *cfg, bool limits_on, bool hold)
{
	struct store_params		 sp;
	struct terr			 err;
	char				*r;

	r = fake_call(&e->tg, "/_fake/reset", "{}");
	free(r);
	r = fake_call(&e->sl, "/_fake/reset", "{}");
	free(r);
	/* each test's lines count from zero against the per-site log limit */
	log_setup(LOGL_DEBUG, LOGF_LOGFMT);
	snprintf(e->dir, sizeof(e->dir), "/tmp/tocsin-disp-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	memset(&sp, 0, sizeof(sp));
	sp.path = e->dir;
	sp.on_enqueue = on_enqueue;
	sp.on_enqueue_arg = e;
	e->store = store_open(&sp, &err);
	if (e->store == NULL)
		fail_msg("store: %s", err.msg);
	if (!hold)
		start_dispatcher(e, cfg, limits_on);
}

static void
start(struct env *e, const struct config *cfg, bool limits_on)
{
	start_held(e, cfg, limits_on, false);
}

static void
stop(struct env *e)
{
	struct dispatcher	*d = e->disp;
	char			 cmd[128];

	__atomic_store_n(&e->disp, NULL, __ATOMIC_RELEASE);
	dispatcher_stop(d);
	metrics_free(e->metrics);
	e->metrics = NULL;
	store_close(e->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
}

/* Enqueues notification number i (group label n = "m<i>"). */
static void
enqueue(struct env *e, const struct config *cfg, int i)
{
	struct notification	*n = notification_subset(e->firing,
	    (size_t[]){ 0 }, 1, "r");
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = NULL };
	struct deliver_result	 res;
	struct terr		 err;
	char			 v[16];

	snprintf(v, sizeof(v), "m%d", i);
	assert_int_equal(kv_set(&n->group_labels, "n", v), 0);
	free(n->group_key);
	n->group_key = strdup(v);
	if (deliver_enqueue(e->store, config_receiver(cfg, "r"), n, &ctx,
	    300000, &res, &err) == -1)
		fail_msg("enqueue: %s", err.msg);
	assert_int_equal(res.accepted, 2);
	notification_free(n);
}

/*
 * Waits (bounded) until nothing is pending and every settled message is
 * fully accounted for. A worker marks the store first and then counts,
 * logs and reports (on_dead), so an empty queue alone does not mean the
 * stats and the dead-letter callback have caught up.
 */
static void
drain(struct env *e)
{
	int64_t			counts[STORE_NSTATES], deadline = mono_ms() + WAIT_MS;
	struct dispatcher_stats	st;
	struct terr		err;
	int			ndead;

	for (;;) {
		dispatcher_get_stats(e->disp, &st);
		pthread_mutex_lock(&e->mu);
		ndead = e->ndead;
		pthread_mutex_unlock(&e->mu);
		assert_int_equal(store_count(e->store, counts, &err), 0);
		if (counts[STORE_PENDING] == 0 &&
		    (int64_t)st.delivered == counts[STORE_DELIVERED] &&
		    ndead == counts[STORE_DEAD])
			return;
		if (mono_ms() > deadline)
			break;
		pause_ms(20);
	}
	fail_msg("after %d ms: %lld pending, %lld delivered (%llu counted), "
	    "%lld dead (%d reported)", WAIT_MS, (long long)counts[STORE_PENDING],
	    (long long)counts[STORE_DELIVERED], (unsigned long long)st.delivered,
	    (long long)counts[STORE_DEAD], ndead);
}

/* The texts the fake accepted (status 200), in order, joined by ','. */
static void
accepted(struct fake *f, bool telegram, char *out, size_t len)
{
	json_t *reqs = fake_requests(f);

	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(reqs); i++) {
		json_t		*b;
		const char	*t;

		if (fake_req_int(reqs, i, "status") != 200)
			continue;
		b = json_loads(fake_req_str(reqs, i, "body"), 0, NULL);
		if (telegram)
			t = json_string_value(json_object_get(b, "text"));
		else
			t = json_string_value(json_object_get(json_array_get(
			    json_object_get(b, "attachments"), 0), "text"));
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
		    out[0] ? "," : "", t ? t : "?");
		json_decref(b);
	}
	json_decref(reqs);
}

static void
no_secrets_logged(struct env *e)
{
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->nlines; i++) {
		if (strstr(e->lines[i], "TEST-token") != NULL ||
		    strstr(e->lines[i], "XXXXXXXX") != NULL)
			fail_msg("secret in log line: %s", e->lines[i]);
	}
	pthread_mutex_unlock(&e->mu);
}

/* Upstream failing (a dropped connection, 500s) then up: everything is
 * delivered, in acceptance order per destination. (The drop comes first, on
 * a fresh connection: on a kept-alive one libcurl itself retries once on a
 * new connection.) */
static void
test_down_then_up_in_order(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	struct dispatcher_stats	 st;
	char			*r, got[256];

	start(e, cfg, false);
	r = fake_call(&e->tg, "/_fake/config",
	    "{\"force\": [{\"close\": true}, {\"status\": 500, \"count\": 3}]}");
	free(r);
	r = fake_call(&e->sl, "/_fake/config", "{\"force\": [{\"status\": 500, \"count\": 2}]}");
	free(r);
	for (int i = 1; i <= 5; i++)
		enqueue(e, cfg, i);
	drain(e);
	accepted(&e->tg, true, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3,m4,m5");
	accepted(&e->sl, false, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3,m4,m5");
	dispatcher_get_stats(e->disp, &st);
	assert_int_equal(st.delivered, 10);
	assert_int_equal(st.retries, 6);
	assert_int_equal(st.dead, 0);
	stop(e);
	config_free(cfg);
	no_secrets_logged(e);
}

/* 429 with retry_after 1: the next request to that chat comes no earlier
 * than 1 s later on the fake's clock, and is not a failure. */
static void
test_retry_after_honoured(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	struct dispatcher_stats	 st;
	struct store_entry	*list = NULL;
	size_t			 n = 0;
	struct terr		 err;
	json_t			*reqs;
	char			*r;

	start(e, cfg, false);
	r = fake_call(&e->tg, "/_fake/config",
	    "{\"force\": [{\"status\": 429, \"retry_after\": 1}]}");
	free(r);
	r = fake_call(&e->sl, "/_fake/config",
	    "{\"force\": [{\"status\": 429, \"headers\": {\"Retry-After\": \"1\"}, \"body\": \"rate_limited\"}]}");
	free(r);
	enqueue(e, cfg, 1);
	drain(e);
	reqs = fake_requests(&e->tg);
	assert_int_equal(json_array_size(reqs), 2);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 429);
	assert_int_equal(fake_req_int(reqs, 1, "status"), 200);
	assert_true(fake_req_int(reqs, 1, "received_ms") -
	    fake_req_int(reqs, 0, "received_ms") >= 1000);
	json_decref(reqs);
	reqs = fake_requests(&e->sl);
	assert_int_equal(json_array_size(reqs), 2);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 429);
	assert_true(fake_req_int(reqs, 1, "received_ms") -
	    fake_req_int(reqs, 0, "received_ms") >= 1000);
	json_decref(reqs);
	dispatcher_get_stats(e->disp, &st);
	assert_int_equal(st.waits, 2);
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.delivered, 2);
	/* Neither wait counted as a failed attempt. */
	assert_int_equal(store_list(e->store, 1u << STORE_DELIVERED, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].attempts, 0);
	assert_int_equal(list[1].attempts, 0);
	store_entries_free(list, n);
	stop(e);
	config_free(cfg);
	no_secrets_logged(e);
}

/* A wait the service asks for is no failure: one longer than what is left
 * of the retry budget (2 s asked, 1.5 s of budget) is waited out, capped at
 * the budget's length, and the message sent, where it used to go dead at
 * once. */
static void
test_retry_after_past_budget_is_waited(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	struct dispatcher_stats	 st;
	json_t			*reqs;
	char			*r;

	e->budget_ms = 1500;
	start(e, cfg, false);
	e->budget_ms = 0;
	r = fake_call(&e->tg, "/_fake/config",
	    "{\"force\": [{\"status\": 429, \"retry_after\": 2}]}");
	free(r);
	enqueue(e, cfg, 1);
	drain(e);
	reqs = fake_requests(&e->tg);
	assert_int_equal(json_array_size(reqs), 2);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 429);
	assert_int_equal(fake_req_int(reqs, 1, "status"), 200);
	assert_true(fake_req_int(reqs, 1, "received_ms") -
	    fake_req_int(reqs, 0, "received_ms") >= 1500);
	json_decref(reqs);
	dispatcher_get_stats(e->disp, &st);
	assert_int_equal(st.waits, 1);
	assert_int_equal(st.dead, 0);
	assert_int_equal(st.delivered, 2);
	stop(e);
	config_free(cfg);
}

/* Permanent errors: unknown chat (400 chat not found) and a gone Slack
 * webhook (404 no_service) go dead at once, reported and logged; the messages
 * behind them still go out. */
static void
test_permanent_dead(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "41");
	struct dispatcher_stats	 st;
	int64_t			 counts[STORE_NSTATES];
	struct terr		 err;
	char			*r;
	bool			 logged = false;

	start(e, cfg, true);
	r = fake_call(&e->sl, "/_fake/config", "{\"force\": [{\"status\": 404, \"body\": \"no_service\"}]}");
	free(r);
	enqueue(e, cfg, 1);
	enqueue(e, cfg, 2);
	drain(e);
	assert_int_equal(store_count(e->store, counts, &err), 0);
	assert_int_equal(counts[STORE_DEAD], 3);	/* 2 telegram, 1 slack */
	assert_int_equal(counts[STORE_DELIVERED], 1);
	dispatcher_get_stats(e->disp, &st);
	assert_int_equal(st.dead, 3);
	pthread_mutex_lock(&e->mu);
	assert_int_equal(e->ndead, 3);
	for (size_t i = 0; i < e->nlines; i++)
		if (strstr(e->lines[i], "msg=\"message dead\"") != NULL &&
		    strstr(e->lines[i], "reason=\"telegram: 400 Bad Request: chat not found\"") != NULL)
			logged = true;
	pthread_mutex_unlock(&e->mu);
	assert_true(logged);
	{
		struct buf	 out;
		const char	*want[] = {
			"tocsin_deliveries_total{integration=\"slack/0\",receiver=\"r\",result=\"dead\"} 1\n",
			"tocsin_deliveries_total{integration=\"slack/0\",receiver=\"r\",result=\"delivered\"} 1\n",
			"tocsin_deliveries_total{integration=\"telegram/0\",receiver=\"r\",result=\"dead\"} 2\n",
			"tocsin_delivery_latency_seconds_count{integration=\"slack\"} 1\n",
		};

		buf_init(&out, 0);
		assert_int_equal(metrics_write(e->metrics, &out), 0);
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (strstr(buf_str(&out), want[i]) == NULL)
				fail_msg("missing %s in\n%s", want[i], buf_str(&out));
		buf_free(&out);
	}
	stop(e);
	config_free(cfg);
	no_secrets_logged(e);
}

/* Default limits: 1/s per Telegram chat and per Slack webhook, seen as the
 * gaps between requests on the fake's clock (the fake's own limits off). */
static void
test_rate_limits(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	struct fake		*fk[2] = { &e->tg, &e->sl };
	char			 got[128];

	start(e, cfg, true);
	for (int i = 1; i <= 3; i++)
		enqueue(e, cfg, i);
	drain(e);
	for (int k = 0; k < 2; k++) {
		json_t *reqs = fake_requests(fk[k]);

		assert_int_equal(json_array_size(reqs), 3);
		for (size_t i = 1; i < 3; i++)
			assert_true(fake_req_int(reqs, i, "received_ms") -
			    fake_req_int(reqs, i - 1, "received_ms") >= 1000);
		json_decref(reqs);
	}
	accepted(&e->tg, true, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3");
	stop(e);
	config_free(cfg);
}

/* Messages stored while no dispatcher runs (a restart) go out when one
 * starts; a stop leaves nothing half-marked. */
static void
test_resume_on_start(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	int64_t			 counts[STORE_NSTATES];
	struct terr		 err;
	char			 got[128];

	start_held(e, cfg, false, true);
	for (int i = 1; i <= 4; i++)
		enqueue(e, cfg, i);
	assert_int_equal(store_count(e->store, counts, &err), 0);
	assert_int_equal(counts[STORE_PENDING], 8);
	/* The same notification again (an Alertmanager retry) is suppressed
	 * for both integrations. */
	{
		struct notification	*n = notification_subset(e->firing,
		    (size_t[]){ 0 }, 1, "r");
		struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = NULL };
		struct deliver_result	 res;

		assert_int_equal(kv_set(&n->group_labels, "n", "m2"), 0);
		free(n->group_key);
		n->group_key = strdup("m2");
		assert_int_equal(deliver_enqueue(e->store, config_receiver(cfg, "r"),
		    n, &ctx, 300000, &res, &err), 0);
		assert_int_equal(res.accepted, 0);
		assert_int_equal(res.duplicates, 2);
		notification_free(n);
	}
	start_dispatcher(e, cfg, false);
	drain(e);
	accepted(&e->tg, true, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3,m4");
	accepted(&e->sl, false, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3,m4");
	assert_int_equal(store_count(e->store, counts, &err), 0);
	assert_int_equal(counts[STORE_DELIVERED], 8);
	stop(e);
	config_free(cfg);
}

/* Telegram not running at all (connection refused), then started on the
 * same port: every message arrives, in order. */
static void
test_upstream_not_started(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	int			 port = atoi(strrchr(e->tg.base, ':') + 1);
	int64_t			 counts[STORE_NSTATES], deadline;
	struct dispatcher_stats	 st;
	struct terr		 err;
	char			 got[128];

	start(e, cfg, false);
	fake_stop(&e->tg);
	for (int i = 1; i <= 3; i++)
		enqueue(e, cfg, i);
	/* Wait until Telegram's head failed a few times and Slack's
	 * messages (another destination) went out meanwhile, counted and not
	 * only marked (see drain). */
	for (deadline = mono_ms() + WAIT_MS; mono_ms() < deadline; pause_ms(20)) {
		dispatcher_get_stats(e->disp, &st);
		assert_int_equal(store_count(e->store, counts, &err), 0);
		if (st.retries >= 3 && counts[STORE_PENDING] == 3 &&
		    st.delivered == 3)
			break;
	}
	assert_true(st.retries >= 3);
	assert_int_equal(counts[STORE_PENDING], 3);
	assert_int_equal(st.delivered, 3);
	assert_int_equal(fake_start_port(&e->tg, "fake_telegram.py",
	    "{\"rate_limits_enabled\": false}", port), 0);
	drain(e);
	accepted(&e->tg, true, got, sizeof(got));
	assert_string_equal(got, "m1,m2,m3");
	stop(e);
	config_free(cfg);
	no_secrets_logged(e);
}

/* A reloaded configuration applies to later sends; a receiver it no longer
 * has makes its messages dead rather than stuck. */
static void
test_set_config(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42"), *cfg2;
	int64_t			 counts[STORE_NSTATES];
	struct terr		 err;
	static const char	 yaml[] =
	    "route:\n  receiver: other\nreceivers:\n- name: other\n";

	struct dispatcher_stats	 st;
	int64_t			 deadline;
	char			*r;

	start(e, cfg, false);
	enqueue(e, cfg, 1);
	drain(e);
	/* m2 keeps failing, so it is pending (and in flight now and then)
	 * while the configuration changes. */
	r = fake_call(&e->tg, "/_fake/config", "{\"force\": [{\"status\": 500, \"count\": 1000}]}");
	free(r);
	r = fake_call(&e->sl, "/_fake/config", "{\"force\": [{\"status\": 500, \"count\": 1000}]}");
	free(r);
	enqueue(e, cfg, 2);
	for (deadline = mono_ms() + WAIT_MS; mono_ms() < deadline; pause_ms(20)) {
		dispatcher_get_stats(e->disp, &st);
		if (st.retries >= 4)
			break;
	}
	assert_true(st.retries >= 4);
	cfg2 = config_load_buffer("o.yml", "/tmp", yaml, strlen(yaml), &err);
	assert_non_null(cfg2);
	dispatcher_set_config(e->disp, cfg2);
	config_free(cfg);
	drain(e);
	assert_int_equal(store_count(e->store, counts, &err), 0);
	assert_int_equal(counts[STORE_DELIVERED], 2);
	assert_int_equal(counts[STORE_DEAD], 2);
	pthread_mutex_lock(&e->mu);
	assert_string_equal(e->dead_why, "receiver or integration no longer configured");
	pthread_mutex_unlock(&e->mu);
	stop(e);
	config_free(cfg2);
}

/* Stopping while a send is in flight waits for its answer and marks it. */
static void
test_stop_finishes_in_flight(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "42");
	struct dispatcher	*d;
	int64_t			 counts[STORE_NSTATES], deadline;
	struct terr		 err;
	char			*r, cmd[128];
	size_t			 n = 0;

	start(e, cfg, false);
	r = fake_call(&e->tg, "/_fake/config", "{\"force\": [{\"delay\": 1.5}]}");
	free(r);
	enqueue(e, cfg, 1);
	/* The fakes record a request when it arrives (Telegram's before its
	 * delay): both sends are then in a worker's hands. */
	for (deadline = mono_ms() + WAIT_MS; n < 2 && mono_ms() < deadline; ) {
		json_t *a = fake_requests(&e->tg), *b = fake_requests(&e->sl);

		n = json_array_size(a) + json_array_size(b);
		json_decref(a);
		json_decref(b);
		if (n < 2)
			pause_ms(10);
	}
	assert_int_equal(n, 2);
	d = e->disp;
	__atomic_store_n(&e->disp, NULL, __ATOMIC_RELEASE);
	dispatcher_stop(d);
	assert_int_equal(store_count(e->store, counts, &err), 0);
	assert_int_equal(counts[STORE_PENDING], 0);
	assert_int_equal(counts[STORE_DELIVERED], 2);
	metrics_free(e->metrics);
	e->metrics = NULL;
	store_close(e->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
	config_free(cfg);
}

/* A template that fails does not lose the alert: its integration is stored
 * with tocsin's fallback text (logged), the others as usual. */
static void
test_render_failure_sends_fallback(void **state)
{
	struct env		*e = *state;
	char			 yaml[1024];
	struct terr		 err;
	struct config		*cfg;
	struct notification	*n = notification_subset(e->firing, (size_t[]){ 0 }, 1, "r");
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = NULL };
	struct deliver_result	 res;
	struct store_entry	*list = NULL, *tg = NULL;
	size_t			 nlist = 0;
	bool			 logged = false;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  telegram_configs:\n  - bot_token: '" TOKEN "'\n    chat_id: 42\n"
	    "    api_url: %s\n    message: '{{ .NoSuchField }}'\n"
	    "  slack_configs:\n  - api_url: %s" HOOK "\n", e->tg.base, e->sl.base);
	cfg = config_load_buffer("f.yml", "/tmp", yaml, strlen(yaml), &err);
	assert_non_null(cfg);
	start_held(e, cfg, false, true);
	assert_int_equal(deliver_enqueue(e->store, config_receiver(cfg, "r"), n,
	    &ctx, 300000, &res, &err), 0);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.render_failed, 0);
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->nlines; i++)
		if (strstr(e->lines[i], "msg=\"Template rendering failed; sending the fallback text\"") != NULL &&
		    strstr(e->lines[i], "template=\"telegram message\"") != NULL &&
		    strstr(e->lines[i], "receiver=r") != NULL)
			logged = true;
	pthread_mutex_unlock(&e->mu);
	assert_true(logged);
	assert_int_equal(store_list(e->store, 1u << STORE_PENDING, &list, &nlist, &err), 0);
	assert_int_equal(nlist, 2);
	for (size_t i = 0; i < nlist; i++)
		if (strcmp(list[i].integration, "telegram/0") == 0)
			assert_int_equal(store_get(e->store, list[i].id, &tg, &err), 0);
	assert_non_null(tg);
	assert_non_null(memmem(tg->payload, tg->payload_len, "[FIRING:1] ", 11));
	assert_non_null(memmem(tg->payload, tg->payload_len,
	    "(tocsin: the telegram message template failed: template: ", 57));
	store_entry_free(tg);
	store_entries_free(list, nlist);
	notification_free(n);
	store_close(e->store);
	snprintf(yaml, sizeof(yaml), "rm -rf '%s'", e->dir);
	assert_int_equal(system(yaml), 0);
	config_free(cfg);
}

/* The store's due reads, counted: one per dispatcher scan. */
static int	scans;

static int
counting_due(void *be, int64_t now, struct store_head **out, size_t *n,
    struct terr *err)
{
	__atomic_add_fetch(&scans, 1, __ATOMIC_RELAXED);
	return store_sqlite_ops.due(be, now, out, n, err);
}

/* The number of due reads so far, once it is more than `than` (bounded). */
static int
scans_above(int than)
{
	int64_t	deadline = mono_ms() + WAIT_MS;
	int	n;

	while ((n = __atomic_load_n(&scans, __ATOMIC_RELAXED)) <= than &&
	    mono_ms() < deadline)
		pause_ms(1);
	return n;
}

/*
 * The store wakes the dispatcher after every commit; a burst of wakes is
 * one scan per 10 ms at most, not one each, and still leads to a scan.
 * The bound is on the time measured around the counts, so a slow machine
 * widens it exactly as much as it stretches the burst.
 */
static void
test_wake_burst_costs_few_scans(void **state)
{
	struct env		*e = *state;
	static struct store_ops	 ops;
	struct config		*cfg = load(e, "111");
	struct store_params	 sp;
	struct terr		 err;
	int64_t			 t0, elapsed;
	int			 before, after, i;

	ops = store_sqlite_ops;
	ops.due = counting_due;
	snprintf(e->dir, sizeof(e->dir), "/tmp/tocsin-disp-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	memset(&sp, 0, sizeof(sp));
	sp.path = e->dir;
	sp.ops = &ops;
	if ((e->store = store_open(&sp, &err)) == NULL)
		fail_msg("store: %s", err.msg);
	start_dispatcher(e, cfg, false);
	/* The start-up scan, then quiet: nothing is pending. */
	assert_true(scans_above(0) > 0);
	/* The clock starts before the first count and stops after the last,
	 * so every scan counted falls inside the measured time. */
	t0 = mono_ms();
	before = __atomic_load_n(&scans, __ATOMIC_RELAXED);
	for (i = 0; i < 2000; i++) {
		dispatcher_wake(e->disp);
		if (i % 100 == 99)
			pause_ms(1);
	}
	/* Long enough for the debounced scan to run. */
	after = scans_above(before);
	elapsed = mono_ms() - t0;
	assert_true(after > before);
	/* One per 10 ms of the burst, plus the first and the idle rescans. */
	if (after - before > 2 + elapsed / 10 + elapsed / 1000)
		fail_msg("%d scans for 2000 wakes in %lld ms", after - before,
		    (long long)elapsed);
	stop(e);
	config_free(cfg);
}

/* How many requests the fake has recorded (each when it arrived, a hung
 * one included). */
static size_t
fake_nrequests(struct fake *f)
{
	json_t	*a = fake_requests(f);
	size_t	 n = json_array_size(a);

	json_decref(a);
	return n;
}

static void
wait_nrequests(struct fake *f, size_t n)
{
	int64_t	 deadline = mono_ms() + WAIT_MS;

	while (fake_nrequests(f) < n && mono_ms() < deadline)
		pause_ms(10);
	assert_int_equal(fake_nrequests(f), n);
}

struct swap {
	struct dispatcher	*d;
	const struct config	*cfg;
	bool			 done;		/* atomic */
};

static void *
swap_main(void *arg)
{
	struct swap *sw = arg;

	dispatcher_set_config(sw->d, sw->cfg);
	__atomic_store_n(&sw->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Destinations that never answer hold a slot each until their timeout and
 * nothing else: with 4 slots (1 reserved), 3 hung webhooks take what one
 * kind may, the 4th webhook waits for a slot, and the Telegram message
 * queued after them all goes out while they hang, even while a reload
 * waits for them. When they time out, they are retried with Alertmanager's
 * reason. */
static void
test_hung_destinations_delay_no_other(void **state)
{
	struct env		*e = *state;
	struct config		*cfg, *cfg2;
	struct dispatcher_stats	 st;
	struct notification	*n;
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .opts = NULL };
	struct deliver_result	 res;
	struct terr		 err;
	struct swap		 sw;
	pthread_t		 t;
	char			 yaml[2048], want[256];
	size_t			 timeouts = 0;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: phone\nreceivers:\n- name: phone\n"
	    "  telegram_configs:\n  - bot_token: '" TOKEN "'\n    chat_id: 42\n"
	    "    api_url: %s\n    message: '{{ .GroupLabels.n }}'\n"
	    "- name: hooks\n  webhook_configs:\n"
	    "  - {url: '%s" HOOK "?n=alpha', timeout: 10s}\n"
	    "  - {url: '%s" HOOK "?n=bravo', timeout: 10s}\n"
	    "  - {url: '%s" HOOK "?n=charlie', timeout: 10s}\n"
	    "  - {url: '%s" HOOK "?n=delta', timeout: 10s}\n",
	    e->tg.base, e->sl.base, e->sl.base, e->sl.base, e->sl.base);
	cfg = config_load_buffer("h.yml", "/tmp", yaml, strlen(yaml), &err);
	cfg2 = config_load_buffer("h.yml", "/tmp", yaml, strlen(yaml), &err);
	assert_non_null(cfg);
	assert_non_null(cfg2);
	e->max_sends = 4;
	e->send_timeout_ms = 60000;
	start(e, cfg, false);
	e->max_sends = 0;
	e->send_timeout_ms = 0;
	free(fake_call(&e->sl, "/_fake/config", "{\"force\": [{\"delay\": 60, "
	    "\"count\": 3}, {\"status\": 200, \"count\": 8}]}"));

	n = notification_subset(e->firing, (size_t[]){ 0 }, 1, "hooks");
	assert_int_equal(deliver_enqueue(e->store, config_receiver(cfg, "hooks"),
	    n, &ctx, 300000, &res, &err), 0);
	assert_int_equal(res.accepted, 4);
	notification_free(n);
	wait_nrequests(&e->sl, 3);

	sw.d = e->disp;
	sw.cfg = cfg2;
	sw.done = false;
	assert_int_equal(pthread_create(&t, NULL, swap_main, &sw), 0);
	pause_ms(200);

	n = notification_subset(e->firing, (size_t[]){ 0 }, 1, "phone");
	assert_int_equal(kv_set(&n->group_labels, "n", "page"), 0);
	assert_int_equal(deliver_enqueue(e->store, config_receiver(cfg, "phone"),
	    n, &ctx, 300000, &res, &err), 0);
	assert_int_equal(res.accepted, 1);
	notification_free(n);
	wait_nrequests(&e->tg, 1);

	/* The page is out; the hung ones still hang, the reload still waits
	 * for them, and the 4th webhook still waits for a slot. */
	assert_int_equal(fake_nrequests(&e->sl), 3);
	assert_false(__atomic_load_n(&sw.done, __ATOMIC_ACQUIRE));
	dispatcher_get_stats(e->disp, &st);
	assert_true(st.held_for_slot >= 1);
	assert_int_equal(st.retries, 0);

	drain(e);
	assert_int_equal(pthread_join(t, NULL), 0);
	config_free(cfg);
	dispatcher_get_stats(e->disp, &st);
	assert_int_equal(st.delivered, 5);
	assert_int_equal(st.retries, 3);
	assert_int_equal(fake_nrequests(&e->sl), 7);
	snprintf(want, sizeof(want), "reason=\"webhook: POST %s/<redacted>: "
	    "Timeout was reached: configured webhook timeout reached (10s)\"",
	    e->sl.base);
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->nlines; i++)
		if (strstr(e->lines[i], "msg=\"message will be retried\"") &&
		    strstr(e->lines[i], want) != NULL)
			timeouts++;
	pthread_mutex_unlock(&e->mu);
	assert_int_equal(timeouts, 3);
	stop(e);
	config_free(cfg2);
	no_secrets_logged(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_down_then_up_in_order),
		cmocka_unit_test(test_retry_after_honoured),
		cmocka_unit_test(test_retry_after_past_budget_is_waited),
		cmocka_unit_test(test_permanent_dead),
		cmocka_unit_test(test_rate_limits),
		cmocka_unit_test(test_resume_on_start),
		cmocka_unit_test(test_upstream_not_started),
		cmocka_unit_test(test_set_config),
		cmocka_unit_test(test_stop_finishes_in_flight),
		cmocka_unit_test(test_render_failure_sends_fallback),
		cmocka_unit_test(test_wake_burst_costs_few_scans),
		cmocka_unit_test(test_hung_destinations_delay_no_other),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
