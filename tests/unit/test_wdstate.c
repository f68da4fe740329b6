/* test_wdstate.c: the watchdog's live checks over a real queue and state
 * database: answers by check and kind, a failure queued and persisted, a
 * notification the queue refuses taking the check back so nothing is lost,
 * a reload that keeps kept checks' states and forgets removed ones, a
 * freshness answer to a question a reload changed, dropped, and a pause
 * that could not be stored stored by its retry. */
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "checkstate.h"
#include "metrics.h"
#include "outbox.h"
#include "store.h"
#include "wdconfig.h"
#include "wdstate.h"

struct env {
	char			 dir[64];
	struct metrics		*m;
	struct outbox		*ob;
	struct checkstate	*cs;
	struct wdstate		*ws;
	int			 changes;
};

static void
on_change(void *arg)
{
	struct env	*e = arg;

	__atomic_add_fetch(&e->changes, 1, __ATOMIC_RELAXED);
}

/* Receivers that never answer (the discard port): messages stay queued. */
#define RECEIVERS "receivers:\n  - name: phone\n    webhook_configs:\n" \
	"      - url: http://127.0.0.1:9/\n"

static struct wdconfig *
config(const char *checks)
{
	struct wdconfig	*wc;
	struct terr	 err;
	char		 yaml[1024];

	snprintf(yaml, sizeof(yaml), RECEIVERS "checks:\n%s", checks);
	if ((wc = wdconfig_load_buffer("wd.yml", ".", yaml, strlen(yaml), &err)) == NULL)
		fail_msg("config: %s", err.msg);
	return wc;
}

static int
setup(void **state)
{
	struct env		*e = calloc(1, sizeof(*e));
	struct outbox_params	 op;
	struct wdstate_params	 sp;
	struct terr		 err;

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/tocsin-wdstate-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	assert_non_null(e->m = metrics_new(0));
	memset(&op, 0, sizeof(op));
	op.storage_path = e->dir;
	op.metrics = e->m;
	if ((e->ob = outbox_open(&op, &err)) == NULL ||
	    (e->cs = checkstate_open(e->dir, &err)) == NULL)
		fail_msg("open: %s", err.msg);
	memset(&sp, 0, sizeof(sp));
	sp.ob = e->ob;
	sp.cs = e->cs;
	sp.metrics = e->m;
	sp.on_change = on_change;
	sp.on_change_arg = e;
	if ((e->ws = wdstate_new(&sp, &err)) == NULL)
		fail_msg("wdstate: %s", err.msg);
	if (wdstate_load(e->ws, config(
	    "  - {name: job, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}\n"
	    "  - {name: hb, kind: heartbeat, period: 1h, grace: 1h, receiver: phone}\n"), &err) == -1)
		fail_msg("load: %s", err.msg);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	wdstate_free(e->ws);
	outbox_free(e->ob);
	checkstate_close(e->cs);
	metrics_free(e->m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

static int64_t
queued(struct env *e)
{
	int64_t		 c[STORE_NSTATES];
	struct terr	 err;

	assert_int_equal(store_count(outbox_store(e->ob), c, &err), 0);
	return c[STORE_PENDING] + c[STORE_DELIVERED] + c[STORE_DEAD];
}

/* The stored record of name ("" when there is none): "state reason". */
static void
stored(struct env *e, const char *name, char *out, size_t len)
{
	struct check_record	*recs;
	struct terr		 err;
	size_t			 n, i;

	assert_int_equal(checkstate_load(e->cs, &recs, &n, &err), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(recs[i].name, name) == 0)
			snprintf(out, len, "%s %s", check_state_name(recs[i].state),
			    recs[i].reason);
	checkstate_records_free(recs, n);
}

#define JOB_NEW "{\"name\":\"job\",\"kind\":\"ping\",\"state\":\"new\",\"paused\":false," \
	"\"receiver\":\"phone\",\"period_seconds\":3600.0,\"schedule\":null,\"tz\":null," \
	"\"grace_seconds\":3600.0," \
	"\"repeat_interval_seconds\":0.0,\"last_ping\":null,\"last_start\":null," \
	"\"down_since\":null,\"late_at\":null,\"next_expected\":null," \
	"\"next_expected_local\":null,\"next_deadline\":null," \
	"\"last_duration_seconds\":null,\"last_message\":\"\",\"reason\":\"\"}"
#define HB_NEW "{\"name\":\"hb\",\"kind\":\"heartbeat\",\"state\":\"new\",\"paused\":false," \
	"\"receiver\":\"phone\",\"period_seconds\":3600.0,\"schedule\":null,\"tz\":null," \
	"\"grace_seconds\":3600.0," \
	"\"repeat_interval_seconds\":14400.0,\"last_ping\":null,\"last_start\":null," \
	"\"down_since\":null,\"late_at\":null,\"next_expected\":null," \
	"\"next_expected_local\":null,\"next_deadline\":null," \
	"\"last_duration_seconds\":null,\"last_message\":\"\",\"reason\":\"\"}"

static const char *
state_of(struct env *e, const char *name)
{
	static char	 buf[32];
	char		*json, *p, pat[64];
	bool		 unknown;

	assert_non_null(json = wdstate_checks_json(e->ws, 0, NULL, &unknown));
	snprintf(pat, sizeof(pat), "{\"name\":\"%s\",", name);
	if ((p = strstr(json, pat)) == NULL || (p = strstr(p, "\"state\":\"")) == NULL)
		snprintf(buf, sizeof(buf), "absent");
	else
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p + 9, "\""), p + 9);
	free(json);
	return buf;
}

static void
test_wdstate_answers_by_check_and_kind(void **state)
{
	struct env	*e = *state;
	enum check_kind	 k = CHECK_FRESHNESS;
	struct terr	 err;
	int		 before = e->changes;

	assert_int_equal(wdstate_signal(e->ws, "nope", CHECK_PING, CHECK_SIG_SUCCESS, NULL, 0,
	    NULL, &k, &err), WDSTATE_UNKNOWN);
	assert_int_equal(wdstate_signal(e->ws, "hb", CHECK_PING, CHECK_SIG_SUCCESS, NULL, 0,
	    NULL, &k, &err), WDSTATE_WRONG_KIND);
	assert_int_equal(k, CHECK_HEARTBEAT);
	assert_true(wdstate_kind(e->ws, "job", &k));
	assert_int_equal(k, CHECK_PING);
	assert_false(wdstate_kind(e->ws, "nope", &k));
	assert_int_equal(e->changes, before);
	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_SUCCESS, "ok", 2,
	    NULL, &k, &err), WDSTATE_OK);
	assert_int_equal(e->changes, before + 1);
	assert_string_equal(state_of(e, "job"), "up");
	assert_string_equal(state_of(e, "hb"), "new");
	assert_int_equal(wdstate_pause(e->ws, "nope", true, &err), WDSTATE_UNKNOWN);
	assert_int_equal(wdstate_pause(e->ws, "hb", true, &err), WDSTATE_OK);
	assert_int_equal(queued(e), 0);
}

static void
test_wdstate_failure_is_queued_then_persisted(void **state)
{
	struct env	*e = *state;
	enum check_kind	 k;
	struct terr	 err;
	char		 rec[128];

	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, "boom", 4,
	    "exit status 3", &k, &err), WDSTATE_OK);
	assert_string_equal(state_of(e, "job"), "down");
	assert_int_equal(queued(e), 1);
	stored(e, "job", rec, sizeof(rec));
	assert_string_equal(rec, "down exit status 3");
	/* Already down: a second failure sends nothing, but its reason is
	 * the stored one now. */
	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, NULL, 0,
	    "exit status 4", &k, &err), WDSTATE_OK);
	assert_int_equal(queued(e), 1);
	stored(e, "job", rec, sizeof(rec));
	assert_string_equal(rec, "down exit status 4");
	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_SUCCESS, NULL, 0,
	    NULL, &k, &err), WDSTATE_OK);
	assert_int_equal(queued(e), 2);
	stored(e, "job", rec, sizeof(rec));
	assert_string_equal(rec, "up ");
}

/* Enqueues filler, smaller and smaller, until the capped store refuses
 * even a one-byte message. */
static void
fill(struct store *st)
{
	static char		 payload[2048];
	struct store_msg	 m = { .receiver = "filler", .integration = "webhook/0",
	    .dest = "filler", .payload = payload };
	struct store_ack	 ack;
	struct terr		 err;
	size_t			 size;
	int			 i;

	for (size = sizeof(payload); size > 0; size /= 2) {
		m.payload_len = size;
		for (i = 0; i < 10000; i++)
			if (store_enqueue(st, &m, 1, 0, &ack, &err) == -1)
				break;
		if (i == 10000)
			fail_msg("the capped store never filled up");
	}
}

static void
test_wdstate_refused_notification_takes_the_check_back(void **state)
{
	struct env	*e = *state;
	struct store	*st = outbox_store(e->ob);
	int64_t		 base;
	enum check_kind	 k;
	struct terr	 err;
	char		 rec[128];

	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_SUCCESS, NULL, 0,
	    NULL, &k, &err), WDSTATE_OK);
	/* The queue as full as a full disk: not one more page, and the free
	 * ones filled. */
	assert_int_equal(store_set_max_size(st, 1, &err), 0);
	fill(st);
	base = queued(e);
	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, NULL, 0,
	    "exit status 1", &k, &err), WDSTATE_FAILED);
	assert_non_null(strstr(err.msg, "full"));
	assert_string_equal(state_of(e, "job"), "up");
	stored(e, "job", rec, sizeof(rec));
	assert_string_equal(rec, "up ");
	assert_int_equal(queued(e), base);
	/* Room again: the client's retry goes down and is told. */
	assert_int_equal(store_set_max_size(st, 0, &err), 0);
	if (wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, NULL, 0,
	    "exit status 1", &k, &err) != WDSTATE_OK)
		fail_msg("retry: %s", err.msg);
	assert_string_equal(state_of(e, "job"), "down");
	assert_int_equal(queued(e), base + 1);
}

static void
test_wdstate_reload_keeps_kept_checks_and_forgets_removed(void **state)
{
	struct env	*e = *state;
	enum check_kind	 k;
	struct terr	 err;
	char		 rec[128];

	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, NULL, 0,
	    "failure reported", &k, &err), WDSTATE_OK);
	assert_int_equal(wdstate_signal(e->ws, "hb", CHECK_HEARTBEAT, CHECK_SIG_SUCCESS, NULL, 0,
	    NULL, &k, &err), WDSTATE_OK);
	/* job kept (new period), hb removed, added one new; hb becomes a
	 * ping check of the same name later: a new check. */
	assert_int_equal(wdstate_load(e->ws, config(
	    "  - {name: job, kind: ping, period: 2h, grace: 1h, receiver: phone}\n"
	    "  - {name: added, kind: ping, period: 1h, grace: 1h, receiver: phone}\n"), &err), 0);
	assert_string_equal(state_of(e, "job"), "down");
	assert_string_equal(state_of(e, "added"), "new");
	assert_string_equal(state_of(e, "hb"), "absent");
	stored(e, "hb", rec, sizeof(rec));
	assert_string_equal(rec, "");
	assert_int_equal(wdstate_load(e->ws, config(
	    "  - {name: job, kind: heartbeat, period: 2h, grace: 1h, receiver: phone}\n"), &err), 0);
	assert_string_equal(state_of(e, "job"), "new");
	stored(e, "job", rec, sizeof(rec));
	assert_string_equal(rec, "new ");
	/* A bad config's templates fail the load and keep the running one. */
	assert_int_equal(wdstate_load(e->ws, config(
	    "  - {name: other, kind: ping, period: 1h, grace: 1h, receiver: phone}\n"
	    "templates: ['[']\n"), &err), -1);
	assert_string_equal(err.msg, "syntax error in pattern");
	assert_string_equal(state_of(e, "job"), "new");
	assert_string_equal(state_of(e, "other"), "absent");
}

/* Runs sql on the state database through a connection of its own. */
static void
db_exec(struct env *e, const char *sql)
{
	sqlite3	*db;
	char	 path[128];

	snprintf(path, sizeof(path), "%s/%s", e->dir, CHECKSTATE_FILE);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* The stored paused flag of name, -1 when there is no record. */
static int
stored_paused(struct env *e, const char *name)
{
	struct check_record	*recs;
	struct terr		 err;
	size_t			 n, i;
	int			 paused = -1;

	assert_int_equal(checkstate_load(e->cs, &recs, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (strcmp(recs[i].name, name) == 0)
			paused = recs[i].paused;
	checkstate_records_free(recs, n);
	return paused;
}

/* A pause answered 503 (not stored) and retried: the retry stores it, so a
 * 200 always means the pause survives a restart. */
static void
test_wdstate_pause_not_stored_is_stored_by_the_retry(void **state)
{
	struct env	*e = *state;
	struct terr	 err;

	db_exec(e, "ALTER TABLE checks RENAME TO hidden");
	assert_int_equal(wdstate_pause(e->ws, "job", true, &err), WDSTATE_FAILED);
	assert_non_null(strstr(err.msg, "no such table"));
	db_exec(e, "ALTER TABLE hidden RENAME TO checks");
	assert_int_equal(stored_paused(e, "job"), -1);
	assert_int_equal(wdstate_pause(e->ws, "job", true, &err), WDSTATE_OK);
	assert_int_equal(stored_paused(e, "job"), 1);
	/* The same for a resume. */
	db_exec(e, "ALTER TABLE checks RENAME TO hidden");
	assert_int_equal(wdstate_pause(e->ws, "job", false, &err), WDSTATE_FAILED);
	db_exec(e, "ALTER TABLE hidden RENAME TO checks");
	assert_int_equal(stored_paused(e, "job"), 1);
	assert_int_equal(wdstate_pause(e->ws, "job", false, &err), WDSTATE_OK);
	assert_int_equal(stored_paused(e, "job"), 0);
}

/* A body that is not UTF-8 still leaves GET /api/v1/checks valid JSON. */
static void
test_wdstate_body_not_utf8_keeps_the_api_answering(void **state)
{
	struct env	*e = *state;
	enum check_kind	 k;
	struct terr	 err;
	char		*json;
	bool		 unknown;

	assert_int_equal(wdstate_signal(e->ws, "job", CHECK_PING, CHECK_SIG_SUCCESS,
	    "caf\xe9", 4, NULL, &k, &err), WDSTATE_OK);
	assert_non_null(json = wdstate_checks_json(e->ws, 0, NULL, &unknown));
	assert_non_null(strstr(json, "\"last_message\":\"caf\\uFFFD\""));
	free(json);
}

/* What an async signal's done callback saw, and what was stored by then. */
struct async_seen {
	struct env	*e;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 calls, rc;
	char		 name[32], msg[TERR_MAX];
};

static void
async_done(void *arg, const char *name, int rc, const struct terr *err)
{
	struct async_seen	*a = arg;

	pthread_mutex_lock(&a->mu);
	a->calls++;
	a->rc = rc;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->msg, sizeof(a->msg), "%s", rc == -1 ? err->msg : "");
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void
async_wait(struct async_seen *a, int calls)
{
	pthread_mutex_lock(&a->mu);
	while (a->calls < calls)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

/* A ping through wdstate_signal_async: applied at once, done called once
 * the row is committed; a failed commit reaches done with the reason. */
static void
test_wdstate_signal_async_calls_done_after_the_commit(void **state)
{
	struct env		*e = *state;
	struct async_seen	 a;
	enum check_kind		 k = CHECK_FRESHNESS;
	struct terr		 err;
	char			 got[64];

	memset(&a, 0, sizeof(a));
	a.e = e;
	pthread_mutex_init(&a.mu, NULL);
	pthread_cond_init(&a.cv, NULL);
	assert_int_equal(wdstate_signal_async(e->ws, "nope", CHECK_PING, CHECK_SIG_SUCCESS, NULL,
	    "", 0, NULL, &k, async_done, &a, &err), WDSTATE_UNKNOWN);
	assert_int_equal(wdstate_signal_async(e->ws, "hb", CHECK_PING, CHECK_SIG_SUCCESS, NULL,
	    "", 0, NULL, &k, async_done, &a, &err), WDSTATE_WRONG_KIND);
	assert_int_equal(k, CHECK_HEARTBEAT);
	assert_int_equal(wdstate_signal_async(e->ws, "job", CHECK_PING, CHECK_SIG_SUCCESS, NULL,
	    "42 files", 8, NULL, &k, async_done, &a, &err), WDSTATE_PENDING);
	assert_string_equal(state_of(e, "job"), "up");
	async_wait(&a, 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, 0);
	assert_string_equal(a.name, "job");
	stored(e, "job", got, sizeof(got));
	assert_string_equal(got, "up ");

	db_exec(e, "ALTER TABLE checks RENAME TO hidden");
	assert_int_equal(wdstate_signal_async(e->ws, "job", CHECK_PING, CHECK_SIG_FAIL, NULL,
	    "", 0, "exit status 2", &k, async_done, &a, &err), WDSTATE_PENDING);
	async_wait(&a, 2);
	assert_int_equal(a.rc, -1);
	assert_non_null(strstr(a.msg, ": save: no such table: checks"));
	db_exec(e, "ALTER TABLE hidden RENAME TO checks");
	stored(e, "job", got, sizeof(got));
	assert_string_equal(got, "up ");
	pthread_cond_destroy(&a.cv);
	pthread_mutex_destroy(&a.mu);
}

/* GET /api/v1/checks?limit=&after=: pages in config order, each naming
 * the cursor of the next, the last with "next":null. */
static void
test_wdstate_checks_json_pages(void **state)
{
	struct env	*e = *state;
	char		*json;
	bool		 unknown = true;

	assert_non_null(json = wdstate_checks_json(e->ws, 1, NULL, &unknown));
	assert_false(unknown);
	assert_string_equal(json, "{\"checks\":[" JOB_NEW "],\"next\":\"job\"}");
	free(json);
	assert_non_null(json = wdstate_checks_json(e->ws, 1, "job", &unknown));
	assert_string_equal(json, "{\"checks\":[" HB_NEW "],\"next\":null}");
	free(json);
	assert_non_null(json = wdstate_checks_json(e->ws, 5, NULL, &unknown));
	assert_string_equal(json, "{\"checks\":[" JOB_NEW "," HB_NEW "],\"next\":null}");
	free(json);
	assert_non_null(json = wdstate_checks_json(e->ws, 5, "hb", &unknown));
	assert_string_equal(json, "{\"checks\":[],\"next\":null}");
	free(json);
	assert_non_null(json = wdstate_checks_json(e->ws, 0, NULL, &unknown));
	assert_string_equal(json, "{\"checks\":[" JOB_NEW "," HB_NEW "]}");
	free(json);
	assert_null(wdstate_checks_json(e->ws, 1, "nope", &unknown));
	assert_true(unknown);
}

/* A reload while a freshness query runs: its answer was to the old
 * question (another max_age, query or Prometheus) and is dropped; the next
 * query's counts. */
static void
test_wdstate_answer_to_a_query_changed_by_a_reload_is_dropped(void **state)
{
	static const char *const fresh[] = {
		"  - {name: f, kind: freshness, prometheus_url: 'http://127.0.0.1:9', "
		"query: up, max_age: 1m, receiver: phone}\n",
		"  - {name: f, kind: freshness, prometheus_url: 'http://127.0.0.1:9', "
		"query: up, max_age: 2m, receiver: phone}\n",
		"  - {name: f, kind: freshness, prometheus_url: 'http://127.0.0.1:9', "
		"query: 'up == 1', max_age: 2m, receiver: phone}\n",
		"  - {name: f, kind: freshness, prometheus_url: 'http://127.0.0.1:19', "
		"query: 'up == 1', max_age: 2m, receiver: phone}\n",
	};
	struct env		*e = *state;
	struct wdstate_probe	*pr, *now;
	struct terr		 err;
	size_t			 n, m, i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(wdstate_load(e->ws, config(fresh[i]), &err), 0);
		assert_int_equal(wdstate_probes(e->ws, &pr, &n, &err), 0);
		assert_int_equal(n, 1);
		if (i < 3) {
			/* The query in flight; the next config arrives. */
			assert_int_equal(wdstate_load(e->ws, config(fresh[i + 1]), &err), 0);
			assert_int_equal(wdstate_probe_result(e->ws, pr, false,
			    "{} is 1m30s old (max_age 1m)", &err), WDSTATE_UNKNOWN);
			assert_string_equal(state_of(e, "f"), "new");
		}
		wdstate_probes_free(pr, n);
	}
	/* The same settings: the answer counts. */
	assert_int_equal(wdstate_probes(e->ws, &now, &m, &err), 0);
	assert_int_equal(wdstate_probe_result(e->ws, now, false, "query returned no series",
	    &err), WDSTATE_OK);
	assert_string_equal(state_of(e, "f"), "down");
	wdstate_probes_free(now, m);
	/* Gone, or another kind under the name: dropped too. */
	assert_int_equal(wdstate_probes(e->ws, &now, &m, &err), 0);
	assert_int_equal(wdstate_load(e->ws, config(
	    "  - {name: f, kind: ping, period: 1h, grace: 1h, receiver: phone}\n"), &err), 0);
	assert_int_equal(wdstate_probe_result(e->ws, now, true, NULL, &err), WDSTATE_UNKNOWN);
	assert_string_equal(state_of(e, "f"), "new");
	assert_int_equal(wdstate_load(e->ws, config(
	    "  - {name: g, kind: ping, period: 1h, grace: 1h, receiver: phone}\n"), &err), 0);
	assert_int_equal(wdstate_probe_result(e->ws, now, true, NULL, &err), WDSTATE_UNKNOWN);
	wdstate_probes_free(now, m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wdstate_answers_by_check_and_kind,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_failure_is_queued_then_persisted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_refused_notification_takes_the_check_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_reload_keeps_kept_checks_and_forgets_removed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_answer_to_a_query_changed_by_a_reload_is_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_pause_not_stored_is_stored_by_the_retry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_checks_json_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_signal_async_calls_done_after_the_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wdstate_body_not_utf8_keeps_the_api_answering,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
