/* test_deliver.c: what the intake side of delivery does for tocsin's
 * escalate extension: a firing notification starts its group's timer in
 * the transaction of its messages, a resolved one ends it; a step of the
 * timer (a repeat, the escalation) is queued under a tagged dedup key, once
 * however often it is queued, and starts no timer of its own; a step read
 * from a timer that a resolved notification ended meanwhile is not queued
 * at all. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "config_cases.h"
#include "dedup.h"
#include "deliver.h"
#include "payload.h"
#include "store.h"
#include "tmpl.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */

struct env {
	char		 dir[64];
	int64_t		 now;
	struct store	*s;
	struct config	*cfg;
	struct tmpl_set	*tmpl;
};

static int64_t
fake_clock(void *arg)
{
	return ((struct env *)arg)->now;
}

static int
setup(void **state)
{
	struct env		*e = calloc(1, sizeof(*e));
	struct store_params	 p;
	struct terr		 err;

	assert_non_null(e);
	scratch_make(e->dir, sizeof(e->dir), "tocsin-deliver");
	e->now = T0;
	memset(&p, 0, sizeof(p));
	p.path = e->dir;
	p.clock = fake_clock;
	p.clock_arg = e;
	if ((e->s = store_open(&p, &err)) == NULL)
		fail_msg("store_open: %s", err.msg);
	e->cfg = config_must_load(e->dir, "route:\n  receiver: pager\n"
	    "receivers:\n- name: pager\n  webhook_configs:\n"
	    "  - url: http://127.0.0.1:9/pager\n  escalate:\n    repeat: 1m\n"
	    "    after: 5m\n    receiver: oncall\n- name: oncall\n"
	    "  webhook_configs:\n  - url: http://127.0.0.1:9/oncall\n"
	    "  escalate: {repeat: 10m}\n");
	assert_non_null(e->tmpl = tmpl_set_new());
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	store_close(e->s);
	config_free(e->cfg);
	tmpl_set_free(e->tmpl);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

static struct notification *
notif(const char *status)
{
	char			 body[512];
	struct terr		 err;
	struct notification	*n;

	snprintf(body, sizeof(body), "{\"version\":\"4\",\"status\":\"%s\","
	    "\"receiver\":\"pager\",\"groupKey\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"groupLabels\":{\"alertname\":\"Disk\"},\"alerts\":[{\"status\":"
	    "\"%s\",\"labels\":{\"alertname\":\"Disk\"},\"startsAt\":"
	    "\"2026-11-23T13:48:41Z\"}]}", status, status);
	if ((n = payload_parse(body, strlen(body), &err)) == NULL)
		fail_msg("payload: %s", err.msg);
	return n;
}

/* "receiver:since+next:body status" of every timer, times in seconds
 * after T0. */
static void
timers_are(struct env *e, const char *want)
{
	struct store_escalation	*t;
	struct terr		 err;
	char			 got[512] = "";
	size_t			 n, o = 0;

	if (store_escalation_due(e->s, STORE_NEVER, 10, &t, &n, &err) == -1)
		fail_msg("due: %s", err.msg);
	for (size_t i = 0; i < n; i++) {
		struct notification *b = payload_parse(t[i].body,
		    strlen(t[i].body), &err);

		assert_non_null(b);
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s:%" PRId64
		    "+%" PRId64 ":%s", i ? " " : "", t[i].receiver,
		    (t[i].since - T0) / 1000, (t[i].next_at - T0) / 1000,
		    b->status == ALERT_FIRING ? "firing" : "resolved");
		notification_free(b);
	}
	store_escalations_free(t, n);
	assert_string_equal(got, want);
}

/* "receiver integration <dedup key's tail after its hash>" per message. */
static void
messages_are(struct env *e, const char *want)
{
	struct store_entry	*v;
	struct terr		 err;
	char			 got[512] = "";
	size_t			 n, o = 0;

	if (store_list(e->s, 1u << STORE_PENDING, &v, &n, &err) == -1)
		fail_msg("list: %s", err.msg);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s %s %s",
		    i ? "|" : "", v[i].receiver, v[i].integration,
		    strlen(v[i].dedup_key) > DEDUP_KEY_LEN ?
		    v[i].dedup_key + DEDUP_KEY_LEN : "-");
	store_entries_free(v, n);
	assert_string_equal(got, want);
}

static void
enqueue(struct env *e, const char *receiver, const struct notification *n,
    const char *tag, size_t accepted, size_t duplicates)
{
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .reply = tag != NULL };
	struct deliver_result	 res;
	struct terr		 err;
	const struct receiver	*r = config_receiver(e->cfg, receiver);
	int			 rc;

	assert_non_null(r);
	rc = tag == NULL ? deliver_enqueue(e->s, r, n, &ctx, 60000, &res, &err) :
	    deliver_enqueue_step(e->s, r, n, &ctx, tag, NULL, 60000, &res, &err);
	if (rc == -1)
		fail_msg("enqueue: %s", err.msg);
	assert_int_equal(res.accepted, accepted);
	assert_int_equal(res.duplicates, duplicates);
}

static void
test_firing_starts_resolved_ends_the_timer(void **state)
{
	struct env		*e = *state;
	struct notification	*f = notif("firing"), *r = notif("resolved");

	enqueue(e, "pager", f, NULL, 1, 0);
	timers_are(e, "pager:0+60:firing");
	/* Alertmanager's repeat_interval: the same timer. */
	e->now = T0 + 30000;
	enqueue(e, "pager", f, NULL, 0, 1);
	timers_are(e, "pager:0+60:firing");
	enqueue(e, "pager", r, NULL, 1, 0);
	timers_are(e, "");
	messages_are(e, "pager webhook/0 -|pager webhook/0 -");
	notification_free(f);
	notification_free(r);
}

static void
test_steps_are_tagged_once_and_start_no_timer(void **state)
{
	struct env		*e = *state;
	struct notification	*f = notif("firing");

	enqueue(e, "pager", f, NULL, 1, 0);
	enqueue(e, "pager", f, "r1795441725000.1", 1, 0);
	/* Queued again after a crash: the same message. */
	enqueue(e, "pager", f, "r1795441725000.1", 0, 1);
	enqueue(e, "pager", f, "r1795441725000.2", 1, 0);
	enqueue(e, "oncall", f, "e1795441725000", 1, 0);
	timers_are(e, "pager:0+60:firing");
	messages_are(e, "pager webhook/0 -|pager webhook/0 /r1795441725000.1|"
	    "pager webhook/0 /r1795441725000.2|oncall webhook/0 /e1795441725000");
	notification_free(f);
}

/* The escalator read a due timer; before its repeat is queued, the
 * resolved notification ends the timer: the repeat must not follow the
 * resolved message, so it is not stored (STORE_STALE). */
static void
test_step_of_an_ended_timer_is_not_queued(void **state)
{
	struct env		*e = *state;
	struct notification	*f = notif("firing"), *r = notif("resolved");
	struct sender_render_ctx ctx = { .tmpl = e->tmpl, .reply = true };
	const struct receiver	*pager = config_receiver(e->cfg, "pager");
	struct store_escalation	*t;
	struct deliver_result	 res;
	struct terr		 err;
	size_t			 n;

	enqueue(e, "pager", f, NULL, 1, 0);
	if (store_escalation_due(e->s, STORE_NEVER, 10, &t, &n, &err) == -1)
		fail_msg("due: %s", err.msg);
	assert_int_equal(n, 1);
	/* While it runs, the step is stored. */
	assert_int_equal(deliver_enqueue_step(e->s, pager, f, &ctx, "r1", t,
	    60000, &res, &err), 0);
	assert_int_equal(res.accepted, 1);
	assert_int_equal(res.stale, 0);
	/* The resolved notification ends it; the next step read from it
	 * before that is dropped, not queued after the resolved message. */
	enqueue(e, "pager", r, NULL, 1, 0);
	assert_int_equal(deliver_enqueue_step(e->s, pager, f, &ctx, "r2", t,
	    60000, &res, &err), 0);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.stale, 1);
	messages_are(e, "pager webhook/0 -|pager webhook/0 /r1|pager webhook/0 -");
	/* A new firing is a new timer (another since): the old one's step is
	 * still stale. */
	e->now = T0 + 120000;
	enqueue(e, "pager", f, NULL, 1, 0);
	assert_int_equal(deliver_enqueue_step(e->s, pager, f, &ctx, "r3", t,
	    60000, &res, &err), 0);
	assert_int_equal(res.stale, 1);
	store_escalations_free(t, n);
	notification_free(f);
	notification_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_firing_starts_resolved_ends_the_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_step_of_an_ended_timer_is_not_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_steps_are_tagged_once_and_start_no_timer, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
