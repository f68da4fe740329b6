/* test_check.c: the watchdog check state machine on an injected clock:
 * every transition, grace edges, reminders, fail, start, pause, restarts and
 * wall-clock jumps, with exact notifications. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "wd_clock.h"

/* Monotonic and wall clocks advancing together from (1000, W0). */
static struct wd_time
t_(int64_t mono)
{
	return at(mono, W0 + (mono - 1000));
}

static struct check *
mk(const char *name, enum check_kind kind, int64_t period, int64_t grace,
    int64_t repeat)
{
	struct check_conf	conf = { .name = name, .kind = kind,
	    .period_ms = period, .grace_ms = grace, .repeat_ms = repeat };
	struct terr		err = { "" };
	struct check		*c;

	c = check_new(&conf, &err);
	assert_non_null(c);
	return c;
}

static int
sig(struct check *c, enum check_signal_kind s, int64_t mono, const char *body,
    const char *reason, struct check_notif *n)
{
	struct wd_time	now = t_(mono);

	return check_signal(c, s, &now, NULL, body, body ? strlen(body) : 0, reason, n);
}

static int
tick(struct check *c, int64_t mono, struct check_notif *n)
{
	struct wd_time	now = t_(mono);

	return check_tick(c, &now, n);
}

/* Two of the prober's reasons. */
#define UNREACHABLE	"Prometheus unreachable: connection refused"
#define TOO_OLD		"{file=\"/x.prom\"} is 16m40s old (max_age 10m)"

/* A check that got its first success at 1000. */
static struct check *
mk_up(const char *name, enum check_kind kind, int64_t period, int64_t grace,
    int64_t repeat)
{
	struct check		*c = mk(name, kind, period, grace, repeat);
	struct check_notif	 n;

	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 1000, NULL, NULL, &n), CHECK_EV_PERSIST);
	return c;
}

/* ev (an event's return) notified: a message of that kind, saying reason
 * (NULL: not compared). */
static void
assert_notified(int ev, const struct check_notif *n, enum check_notif_kind kind,
    const char *reason)
{
	assert_int_equal(ev, CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	assert_int_equal(n->kind, kind);
	if (reason != NULL)
		assert_string_equal(n->reason, reason);
}

static void
test_check_new_is_silent_forever(void **state)
{
	struct check		*c = mk("nightly", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;

	assert_int_equal(check_get_state(c), CHECK_NEW);
	assert_true(check_deadline(c) == CHECK_NEVER);
	assert_int_equal(tick(c, 1000 + 1000 * HOUR, &n), 0);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_NEW);
	check_free(c);
}

static void
test_check_grace_edges_late_at_period_down_at_period_plus_grace(void **state)
{
	struct check		*c = mk("nightly", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;

	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 1000, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 61000);

	assert_int_equal(tick(c, 60999, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_int_equal(tick(c, 61000, &n), CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_true(check_deadline(c) == 71000);
	assert_int_equal(tick(c, 61001, &n), 0);

	assert_int_equal(tick(c, 70999, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_notified(tick(c, 71000, &n), &n, CHECK_NOTIF_DOWN, NULL);
	assert_string_equal(n.name, "nightly");
	assert_int_equal(n.check_kind, CHECK_PING);
	assert_int_equal(n.state, CHECK_DOWN);
	assert_true(n.at_wall_ms == W0 + 70000);
	assert_true(n.since_wall_ms == W0 + 70000);
	assert_true(n.last_success_wall_ms == W0);
	assert_string_equal(n.reason, "no ping for 1m10s");
	assert_string_equal(n.last_message, "");
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	/* No repeat_interval: nothing more to wait for. */
	assert_true(check_deadline(c) == CHECK_NEVER);
	assert_int_equal(tick(c, 71001, &n), 0);
	assert_int_equal(tick(c, 1000 * HOUR, &n), 0);
	check_free(c);
}

static void
test_check_one_ms_past_grace_goes_down_once_from_up(void **state)
{
	struct check		*c = mk_up("hb", CHECK_HEARTBEAT, MIN, 10000, 0);
	struct check_notif	 n;

	/* The daemon slept past both deadlines: one DOWN, no LATE step. */
	assert_notified(tick(c, 71001, &n), &n, CHECK_NOTIF_DOWN, "no heartbeat for 1m10s");
	assert_int_equal(tick(c, 71002, &n), 0);
	check_free(c);
}

static void
test_check_freshness_reason_and_zero_grace(void **state)
{
	struct check		*c = mk_up("ssh", CHECK_FRESHNESS, MIN, 0, 0);
	struct check_notif	 n;

	assert_int_equal(tick(c, 60999, &n), 0);
	assert_int_equal(tick(c, 61000, &n), CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	assert_string_equal(n.reason, "no fresh value for 1m");
	check_free(c);
}

static void
test_check_recovery_reports_down_duration_and_reason(void **state)
{
	struct check		*c = mk_up("nightly", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;

	tick(c, 71000, &n);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 71000 + HOUR, "back", NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, NULL);
	assert_int_equal(n.state, CHECK_UP);
	assert_true(n.down_ms == HOUR);
	assert_true(n.since_wall_ms == W0 + 70000 + HOUR);
	assert_true(n.last_success_wall_ms == W0 + 70000 + HOUR);
	assert_string_equal(n.reason, "no ping for 1m10s");
	assert_string_equal(n.last_message, "back");
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 71000 + HOUR + MIN);
	/* A second success is just a success. */
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 72000 + HOUR, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	/* A late check recovers silently: it was never reported. */
	tick(c, 72000 + HOUR + MIN, &n);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 73000 + HOUR + MIN, NULL, NULL,
	    &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_UP);
	check_free(c);
}

static void
test_check_reminders_every_repeat_interval_while_down(void **state)
{
	struct check		*c = mk_up("nightly", CHECK_PING, MIN, 10000, 30000);
	struct check_notif	 n;
	int64_t			 d;
	unsigned		 i;

	assert_notified(tick(c, 71000, &n), &n, CHECK_NOTIF_DOWN, NULL);
	assert_true(check_deadline(c) == 101000);
	assert_int_equal(tick(c, 100999, &n), 0);
	/* Sleeping exactly until each deadline: reminders 1..5 at down + k*30s. */
	for (i = 1; i <= 5; i++) {
		d = check_deadline(c);
		assert_true(d == 71000 + (int64_t)i * 30000);
		assert_int_equal(tick(c, d, &n), CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
		assert_int_equal(n.kind, CHECK_NOTIF_REMINDER);
		assert_int_equal(n.reminder, i);
		assert_true(n.down_ms == (int64_t)i * 30000);
		assert_true(n.since_wall_ms == W0 + 70000);
		assert_true(n.at_wall_ms == W0 + 70000 + (int64_t)i * 30000);
		assert_string_equal(n.reason, "no ping for 1m10s");
		assert_int_equal(tick(c, d + 29999, &n), 0);
	}
	/* Overslept three intervals: one reminder, then a full interval. */
	assert_int_equal(tick(c, 71000 + 6 * 30000 + 95000, &n),
	    CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	assert_int_equal(n.reminder, 6);
	assert_true(check_deadline(c) == 71000 + 6 * 30000 + 95000 + 30000);
	/* Recovery stops the reminders. */
	sig(c, CHECK_SIG_SUCCESS, 400000, NULL, NULL, &n);
	assert_int_equal(n.kind, CHECK_NOTIF_RECOVERED);
	assert_true(n.down_ms == 400000 - 71000);
	assert_true(check_deadline(c) == 400000 + MIN);
	check_free(c);
}

static void
test_check_fail_goes_straight_down_and_recovers(void **state)
{
	struct check		*c = mk_up("backup", CHECK_PING, HOUR, MIN, 0);
	struct check_notif	 n;

	assert_notified(sig(c, CHECK_SIG_FAIL, 5000, "disk full", "exit status 3",
	    &n), &n, CHECK_NOTIF_DOWN, "exit status 3");
	assert_string_equal(n.last_message, "disk full");
	assert_true(n.since_wall_ms == W0 + 4000);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	/* Already down: no second DOWN, but the message is kept. */
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 6000, "still full", "exit status 3",
	    &n), CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 7000, NULL, NULL, &n), 0);
	/* Down by failure does not time out into anything else. */
	assert_int_equal(tick(c, 10 * HOUR, &n), 0);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 65000, "ok", NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, NULL);
	assert_true(n.down_ms == 60000);
	assert_string_equal(n.reason, "exit status 3");
	assert_string_equal(n.last_message, "ok");
	check_free(c);
}

static void
test_check_fail_from_new_and_default_reason(void **state)
{
	struct check		*c = mk("ssh", CHECK_FRESHNESS, MIN, 0, 0);
	struct check_notif	 n;

	assert_notified(sig(c, CHECK_SIG_FAIL, 1000, NULL, NULL, &n), &n,
	    CHECK_NOTIF_DOWN, "failure reported");
	assert_true(n.last_success_wall_ms == 0);
	sig(c, CHECK_SIG_SUCCESS, 2000, NULL, NULL, &n);
	assert_notified(sig(c, CHECK_SIG_FAIL, 3000, NULL, UNREACHABLE, &n), &n,
	    CHECK_NOTIF_DOWN, UNREACHABLE);
	check_free(c);
}

/* While down, each failure says why it is down now: Prometheus came back
 * but the file is still old, or tonight's run failed otherwise. Reminders,
 * the API and the recovery say the latest cause, not the first one. */
static void
test_check_failure_while_down_updates_the_reason(void **state)
{
	struct check		*c = mk("ssh", CHECK_FRESHNESS, MIN, 0, 30000);
	struct check_notif	 n;
	struct check_record	 rec;

	assert_notified(sig(c, CHECK_SIG_FAIL, 1000, NULL, UNREACHABLE, &n), &n,
	    CHECK_NOTIF_DOWN, UNREACHABLE);
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 2000, NULL, TOO_OLD, &n), CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	check_snapshot(c, &rec);
	assert_string_equal(rec.reason, TOO_OLD);
	/* The same reason again, or none, changes nothing. */
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 3000, NULL, TOO_OLD, &n), 0);
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 4000, NULL, NULL, &n), 0);
	assert_notified(tick(c, 31000, &n), &n, CHECK_NOTIF_REMINDER, TOO_OLD);
	assert_true(n.since_wall_ms == W0);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 40000, NULL, NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, TOO_OLD);
	check_free(c);
}

static void
test_check_start_records_run_time_without_resetting_lateness(void **state)
{
	struct check		*c = mk_up("backup", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;
	struct check_record	 rec;

	assert_true(check_last_duration(c) == -1);
	assert_int_equal(sig(c, CHECK_SIG_START, 55000, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_UP);
	/* Lateness still counts from the last success. */
	assert_true(check_deadline(c) == 61000);
	check_snapshot(c, &rec);
	assert_true(rec.last_start_wall_ms == W0 + 54000);
	assert_int_equal(tick(c, 61000, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	/* Down at start + grace, before period + grace. */
	assert_true(check_deadline(c) == 65000);
	sig(c, CHECK_SIG_SUCCESS, 64999, NULL, NULL, &n);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_last_duration(c) == 9999);
	assert_true(check_deadline(c) == 64999 + MIN);
	/* A start on a new check does not make it up. */
	check_free(c);
	c = mk("fresh", CHECK_PING, MIN, 0, 0);
	sig(c, CHECK_SIG_START, 1000, NULL, NULL, &n);
	assert_int_equal(check_get_state(c), CHECK_NEW);
	assert_true(check_deadline(c) == CHECK_NEVER);
	check_free(c);
}

static void
test_check_started_run_without_success_goes_down_after_grace(void **state)
{
	struct check		*c = mk_up("backup", CHECK_PING, HOUR, 10 * MIN, 0);
	struct check_notif	 n;
	struct wd_time		 now;

	sig(c, CHECK_SIG_START, 1000 + 30 * MIN, NULL, NULL, &n);
	assert_true(check_deadline(c) == 1000 + 40 * MIN);
	assert_int_equal(tick(c, 1000 + 40 * MIN - 1, &n), 0);
	assert_notified(tick(c, 1000 + 40 * MIN, &n), &n,
	    CHECK_NOTIF_DOWN, "started 10m ago, no success since");
	assert_true(check_deadline(c) == CHECK_NEVER);
	sig(c, CHECK_SIG_SUCCESS, 1000 + 50 * MIN, NULL, NULL, &n);
	assert_int_equal(n.kind, CHECK_NOTIF_RECOVERED);
	assert_true(n.down_ms == 10 * MIN);
	assert_true(check_deadline(c) == 1000 + 110 * MIN);

	/* A FAIL ends the run: no second DOWN from the start afterwards. */
	sig(c, CHECK_SIG_START, 1000 + 60 * MIN, NULL, NULL, &n);
	sig(c, CHECK_SIG_FAIL, 1000 + 61 * MIN, NULL, "exit status 1", &n);
	assert_int_equal(n.kind, CHECK_NOTIF_DOWN);
	assert_int_equal(tick(c, 1000 + 71 * MIN, &n), 0);
	sig(c, CHECK_SIG_SUCCESS, 1000 + 72 * MIN, NULL, NULL, &n);
	assert_true(check_deadline(c) == 1000 + 132 * MIN);

	/* A run started before a pause does not fire on resume. */
	sig(c, CHECK_SIG_START, 1000 + 73 * MIN, NULL, NULL, &n);
	now = t_(1000 + 74 * MIN);
	check_pause(c, &now);
	now = t_(1000 + 200 * MIN);
	check_resume(c, &now);
	assert_true(check_deadline(c) == 1000 + 260 * MIN);
	assert_int_equal(tick(c, 1000 + 200 * MIN, &n), 0);
	check_free(c);
}

static void
test_check_pause_stops_everything_resume_gives_full_period(void **state)
{
	struct check		*c = mk_up("nightly", CHECK_PING, MIN, 10000, 30000);
	struct check_notif	 n;
	struct wd_time		 now;

	now = t_(2000);
	assert_int_equal(check_pause(c, &now), CHECK_EV_PERSIST);
	assert_int_equal(check_pause(c, &now), 0);
	assert_true(check_paused(c));
	assert_true(check_deadline(c) == CHECK_NEVER);
	assert_int_equal(tick(c, 100 * HOUR, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_UP);
	/* Failures and starts while paused are recorded but change nothing. */
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 3000, "boom", "exit status 1", &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_int_equal(sig(c, CHECK_SIG_START, 4000, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_true(check_paused(c));

	now = t_(500000);
	assert_int_equal(check_resume(c, &now), CHECK_EV_PERSIST);
	assert_int_equal(check_resume(c, &now), 0);
	assert_true(check_deadline(c) == 560000);
	assert_int_equal(tick(c, 500000, &n), 0);
	assert_int_equal(tick(c, 569999, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_notified(tick(c, 570000, &n), &n, CHECK_NOTIF_DOWN, "no ping for 9m29s");

	/* Paused while down: no reminders; resume waits a full interval. */
	now = t_(580000);
	check_pause(c, &now);
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 590000, NULL, "exit status 2", &n),
	    0);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(tick(c, 600000, &n), 0);
	assert_int_equal(tick(c, 10 * HOUR, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	now = t_(10 * HOUR);
	check_resume(c, &now);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	assert_true(check_deadline(c) == 10 * HOUR + 30000);
	assert_int_equal(tick(c, 10 * HOUR + 29999, &n), 0);
	assert_notified(tick(c, 10 * HOUR + 30000, &n), &n, CHECK_NOTIF_REMINDER, NULL);
	assert_int_equal(n.reminder, 1);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 11 * HOUR, NULL, NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, NULL);
	assert_true(n.down_ms == 11 * HOUR - 570000);
	check_free(c);
}

/* A success is the sign that the maintenance is over: it resumes the check,
 * so a pause that nobody lifts cannot silence it for good. A failure does
 * not: failing during the window is what the pause is for. */
static void
test_check_success_resumes_a_paused_check(void **state)
{
	struct check		*c = mk_up("nightly", CHECK_PING, MIN, 10000, 30000);
	struct check_notif	 n;
	struct wd_time		 now;

	tick(c, 61000, &n);
	now = t_(62000);
	check_pause(c, &now);
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, HOUR, "back", NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_false(check_paused(c));
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == HOUR + MIN);

	/* Down before the pause: the success resumes it and the recovery of
	 * the outage that was notified goes out. */
	tick(c, HOUR + MIN + 10000, &n);
	assert_int_equal(n.kind, CHECK_NOTIF_DOWN);
	now = t_(2 * HOUR);
	check_pause(c, &now);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 3 * HOUR, NULL, NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, NULL);
	assert_true(n.down_ms == 3 * HOUR - (HOUR + MIN + 10000));
	assert_false(check_paused(c));
	assert_true(check_deadline(c) == 3 * HOUR + MIN);
	check_free(c);

	/* A fresh value resumes a paused freshness check; a stale one is
	 * the silence the pause hides. */
	c = mk("ssh", CHECK_FRESHNESS, MIN, 0, 0);
	now = t_(1000);
	check_pause(c, &now);
	assert_int_equal(sig(c, CHECK_SIG_FAIL, 2000, NULL, "query returned no series",
	    &n), 0);
	assert_true(check_paused(c));
	assert_int_equal(check_get_state(c), CHECK_NEW);
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 3000, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_false(check_paused(c));
	assert_int_equal(check_get_state(c), CHECK_UP);
	check_free(c);
}

/* A pause usually comes before the maintenance: Alertmanager's heartbeats,
 * or fresh values, still arrive on time for a while. Those are not the end
 * of a maintenance that has not begun yet; only a success after a whole
 * period of silence is. */
static void
test_check_signs_of_life_on_time_keep_the_pause(void **state)
{
	struct check		*c = mk_up("am", CHECK_HEARTBEAT, 5 * MIN, 2 * MIN, HOUR);
	struct check_notif	 n;
	struct check_record	 rec = { "am", CHECK_UP, 1, W0 - MIN, 0, 0, 0, "", "" };
	struct wd_time		 now;

	now = t_(2000);
	check_pause(c, &now);
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 1000 + MIN, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 1000 + 6 * MIN - 1, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_true(check_paused(c));
	assert_true(check_deadline(c) == CHECK_NEVER);
	/* Stopped for the upgrade, and back when a whole period passed in
	 * silence (the moment it would have been late). */
	assert_int_equal(sig(c, CHECK_SIG_SUCCESS, 1000 + 11 * MIN - 1, NULL, NULL, &n),
	    CHECK_EV_PERSIST);
	assert_false(check_paused(c));
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 1000 + 16 * MIN - 1);
	check_free(c);

	/* After a restart the quiet spell counts from the start-up. */
	c = mk("am", CHECK_HEARTBEAT, 5 * MIN, 2 * MIN, HOUR);
	now = at(5000, W0);
	check_restore(c, &rec, &now);
	assert_true(check_paused(c));
	sig(c, CHECK_SIG_SUCCESS, 5000 + 5 * MIN - 1, NULL, NULL, &n);
	assert_true(check_paused(c));
	sig(c, CHECK_SIG_SUCCESS, 5000 + 11 * MIN, NULL, NULL, &n);
	assert_false(check_paused(c));
	check_free(c);
}

static void
test_check_paused_late_check_resumes_up(void **state)
{
	struct check		*c = mk_up("nightly", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;
	struct wd_time		 now;

	tick(c, 61000, &n);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	now = t_(62000);
	check_pause(c, &now);
	now = t_(HOUR);
	check_resume(c, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == HOUR + MIN);
	assert_int_equal(tick(c, HOUR + MIN - 1, &n), 0);
	check_free(c);
}

static void
test_check_wall_clock_jumps_change_no_deadline(void **state)
{
	struct check		*c = mk_up("hb", CHECK_HEARTBEAT, MIN, 10000, 30000);
	struct check_notif	 n;
	struct wd_time		 now;

	/* Wall clock a day ahead, monotonic barely moved: nothing fires. */
	now = at(2000, W0 + 24 * HOUR);
	assert_int_equal(check_tick(c, &now, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 61000);
	/* Wall clock a day behind: the monotonic deadline still fires. */
	now = at(61000, W0 - 24 * HOUR);
	assert_int_equal(check_tick(c, &now, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_true(check_deadline(c) == 71000);
	now = at(71000, W0 - 24 * HOUR);
	assert_int_equal(check_tick(c, &now, &n), CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	/* Elapsed time comes from the monotonic clock too. */
	assert_string_equal(n.reason, "no heartbeat for 1m10s");
	assert_true(check_deadline(c) == 101000);
	now = at(80000, W0 + 48 * HOUR);
	assert_int_equal(check_tick(c, &now, &n), 0);
	assert_true(check_deadline(c) == 101000);
	/* Recovery duration as well. */
	now = at(131000, W0 - 99 * HOUR);
	assert_int_equal(check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL,
	    &n), CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	assert_true(n.down_ms == 60000);
	check_free(c);
}

static void
test_check_restart_up_check_gets_full_period_and_grace(void **state)
{
	struct check		*c = mk("nightly", CHECK_PING, MIN, 10000, 0);
	struct check_notif	 n;
	struct check_record	 rec = { "nightly", CHECK_UP, 0, W0 - 72 * HOUR, 0,
	    0, 0, "last night's log", "" };
	struct wd_time		 now = at(5000, W0);

	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 65000);
	assert_int_equal(tick(c, 5000, &n), 0);
	assert_int_equal(tick(c, 64999, &n), 0);
	assert_int_equal(tick(c, 65000, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_int_equal(tick(c, 74999, &n), 0);
	now = at(75000, W0 + 70000);
	assert_notified(check_tick(c, &now, &n), &n, CHECK_NOTIF_DOWN, NULL);
	/* Across the restart only the wall clock knows how long ago. */
	assert_string_equal(n.reason, "no ping for 3d1m10s");
	assert_string_equal(n.last_message, "last night's log");
	assert_true(n.last_success_wall_ms == W0 - 72 * HOUR);
	check_free(c);

	/* A late check too, and a new one stays new. */
	c = mk("nightly", CHECK_PING, MIN, 10000, 0);
	rec.state = CHECK_LATE;
	now = at(5000, W0);
	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 65000);
	rec.state = CHECK_NEW;
	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_NEW);
	assert_true(check_deadline(c) == CHECK_NEVER);
	check_free(c);
}

static void
test_check_restart_down_check_stays_down_without_duplicate(void **state)
{
	struct check		*c = mk("am", CHECK_HEARTBEAT, 5 * MIN, 2 * MIN, HOUR);
	struct check_notif	 n;
	struct check_record	 rec = { "am", CHECK_DOWN, 0, W0 - 3 * HOUR, 0,
	    W0 - 2 * HOUR, W0 - 20 * MIN, "", "no heartbeat for 7m" }, snap;
	struct wd_time		 now = at(5000, W0);

	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	assert_int_equal(check_tick(c, &now, &n), 0);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	/* The reminder schedule continues: one hour after the last one. */
	assert_true(check_deadline(c) == 5000 + 40 * MIN);
	assert_int_equal(tick(c, 5000 + 40 * MIN - 1, &n), 0);
	now = at(5000 + 40 * MIN, W0 + 40 * MIN);
	assert_notified(check_tick(c, &now, &n), &n, CHECK_NOTIF_REMINDER, NULL);
	assert_int_equal(n.reminder, 1);
	assert_true(n.since_wall_ms == W0 - 2 * HOUR);
	assert_true(n.down_ms == 2 * HOUR + 40 * MIN);
	assert_string_equal(n.reason, "no heartbeat for 7m");
	check_snapshot(c, &snap);
	assert_true(snap.last_notified_wall_ms == W0 + 40 * MIN);
	assert_true(snap.down_since_wall_ms == W0 - 2 * HOUR);
	assert_true(check_deadline(c) == 5000 + 100 * MIN);

	now = at(5000 + 50 * MIN, W0 + 50 * MIN);
	assert_notified(check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL,
	    &n), &n, CHECK_NOTIF_RECOVERED, NULL);
	assert_true(n.down_ms == 2 * HOUR + 50 * MIN);
	check_snapshot(c, &snap);
	assert_int_equal(snap.state, CHECK_UP);
	assert_true(snap.down_since_wall_ms == 0);
	assert_string_equal(snap.reason, "");
	check_free(c);
}

static void
test_check_restart_down_reminder_overdue_or_clock_behind(void **state)
{
	struct check		*c = mk("am", CHECK_HEARTBEAT, 5 * MIN, 2 * MIN, HOUR);
	struct check_record	 rec = { "am", CHECK_DOWN, 0, 0, 0,
	    W0 - 5 * HOUR, W0 - 3 * HOUR, "", "exit status 2" };
	struct wd_time		 now = at(5000, W0);
	struct check_notif	 n;

	/* Overdue while the watchdog was stopped: remind at once. */
	check_restore(c, &rec, &now);
	assert_true(check_deadline(c) == 5000);
	assert_notified(check_tick(c, &now, &n), &n, CHECK_NOTIF_REMINDER, NULL);
	/* The last notification is "in the future" (clock went back): at
	 * most one interval of silence. */
	rec.last_notified_wall_ms = W0 + 5 * HOUR;
	check_restore(c, &rec, &now);
	assert_true(check_deadline(c) == 5000 + HOUR);
	/* Never notified (down_since only): from the outage's start. */
	rec.last_notified_wall_ms = 0;
	rec.down_since_wall_ms = W0 - 20 * MIN;
	check_restore(c, &rec, &now);
	assert_true(check_deadline(c) == 5000 + 40 * MIN);
	/* Paused stays paused. */
	rec.paused = 1;
	check_restore(c, &rec, &now);
	assert_true(check_paused(c));
	assert_true(check_deadline(c) == CHECK_NEVER);
	check_free(c);

	/* Without repeat_interval a restored down check has no deadline. */
	c = mk("am", CHECK_HEARTBEAT, 5 * MIN, 2 * MIN, 0);
	rec.paused = 0;
	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	assert_true(check_deadline(c) == CHECK_NEVER);
	check_free(c);
}

static void
test_check_body_kept_up_to_10kb_at_utf8_boundary(void **state)
{
	struct check		*c = mk("job", CHECK_PING, MIN, 0, 0);
	struct check_notif	 n;
	struct wd_time		 now = t_(1000);
	char			*body;
	size_t			 len = CHECK_MSG_MAX + 100;

	body = malloc(len);
	assert_non_null(body);
	memset(body, 'a', len);
	/* "é" straddles the limit: bytes 10239 and 10240. */
	body[CHECK_MSG_MAX - 1] = (char)0xC3;
	body[CHECK_MSG_MAX] = (char)0xA9;
	check_signal(c, CHECK_SIG_FAIL, &now, NULL, body, len, "exit status 1", &n);
	assert_int_equal(strlen(n.last_message), CHECK_MSG_MAX - 1);
	assert_int_equal(n.last_message[CHECK_MSG_MAX - 2], 'a');
	/* Exactly 10 kB of ASCII is kept whole. */
	memset(body, 'b', len);
	check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, body, CHECK_MSG_MAX, NULL, &n);
	tick(c, 1000 + MIN, &n);
	assert_int_equal(strlen(n.last_message), CHECK_MSG_MAX);
	/* Cut at a NUL; a NULL body keeps the previous message. */
	check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, "ok\0hidden", 9, NULL, &n);
	check_signal(c, CHECK_SIG_START, &now, NULL, NULL, 0, NULL, &n);
	tick(c, 1000 + MIN, &n);
	assert_string_equal(n.last_message, "ok");
	free(body);
	check_free(c);
}

/* A job's output is not always UTF-8 (a Latin-1 file name, binary junk):
 * each invalid byte becomes U+FFFD, as Healthchecks shows a body, so the
 * API's JSON, the templates and Telegram get text they can carry. */
static void
test_check_body_invalid_utf8_becomes_replacement_characters(void **state)
{
	struct check		*c = mk("job", CHECK_PING, MIN, 0, 0);
	struct check_notif	 n;
	struct wd_time		 now = t_(1000);
	char			*body;

	check_signal(c, CHECK_SIG_FAIL, &now, NULL, "caf\xe9 \xff\xfe ok \xc3\xa9", 13,
	    "exit status 1", &n);
	assert_string_equal(n.last_message, "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9");
	/* A sequence cut short is invalid bytes too. */
	assert_notified(check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, "x\xe2\x82", 3, NULL, &n),
	    &n, CHECK_NOTIF_RECOVERED, NULL);
	assert_string_equal(n.last_message, "x\xef\xbf\xbd\xef\xbf\xbd");
	/* The limit counts what is kept: a replacement that does not fit is
	 * cut like any other character. */
	assert_non_null(body = malloc(CHECK_MSG_MAX));
	memset(body, 'a', CHECK_MSG_MAX);
	body[CHECK_MSG_MAX - 1] = (char)0xff;
	check_signal(c, CHECK_SIG_FAIL, &now, NULL, body, CHECK_MSG_MAX, "exit status 1", &n);
	assert_int_equal(strlen(n.last_message), CHECK_MSG_MAX - 1);
	free(body);
	check_free(c);
}

static void
test_check_config_validation_errors(void **state)
{
	struct check_conf	conf = { .name = "ok", .kind = CHECK_PING,
	    .period_ms = MIN };
	struct terr		err;

	conf.name = "bad/name";
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check name \"bad/name\": only letters, "
	    "digits, '.', '_' and '-' are allowed");
	conf.name = "";
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check name is empty");
	conf.name = "..";
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check name \"..\" cannot be only dots");
	conf.name = "caf\xc3\xa9";
	assert_null(check_new(&conf, &err));
	conf.name = "a.b_c-D9";
	conf.period_ms = 0;
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check a.b_c-D9: period must be positive "
	    "and at most 10 years");
	conf.period_ms = MIN;
	conf.grace_ms = -1;
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check a.b_c-D9: grace must be between 0 "
	    "and 10 years");
	conf.grace_ms = 0;
	conf.repeat_ms = CHECK_DURATION_MAX + 1;
	assert_null(check_new(&conf, &err));
	assert_string_equal(err.msg, "check a.b_c-D9: repeat_interval must be "
	    "between 0 and 10 years");
	assert_int_equal(check_name_valid("a.b_c-D9", &err), 0);
	assert_int_equal(check_name_valid(".hidden", &err), 0);
}

static void
test_check_names_of_enums(void **state)
{
	enum check_state	s;
	enum check_kind		k;

	assert_string_equal(check_state_name(CHECK_LATE), "late");
	assert_int_equal(check_state_parse("down", &s), 0);
	assert_int_equal(s, CHECK_DOWN);
	assert_int_equal(check_state_parse("paused", &s), -1);
	assert_string_equal(check_kind_name(CHECK_FRESHNESS), "freshness");
	assert_int_equal(check_kind_parse("heartbeat", &k), 0);
	assert_int_equal(k, CHECK_HEARTBEAT);
	assert_int_equal(check_kind_parse("cron", &k), -1);
	assert_string_equal(check_notif_kind_name(CHECK_NOTIF_RECOVERED), "recovered");
}

static void
test_check_snapshot_follows_every_transition(void **state)
{
	struct check		*c = mk("job", CHECK_PING, MIN, 10000, 30000);
	struct check_notif	 n;
	struct check_record	 r;

	check_snapshot(c, &r);
	assert_string_equal(r.name, "job");
	assert_int_equal(r.state, CHECK_NEW);
	assert_true(r.last_success_wall_ms == 0);
	assert_string_equal(r.last_message, "");
	sig(c, CHECK_SIG_SUCCESS, 1000, "first", NULL, &n);
	check_snapshot(c, &r);
	assert_int_equal(r.state, CHECK_UP);
	assert_true(r.last_success_wall_ms == W0);
	assert_string_equal(r.last_message, "first");
	/* One millisecond past the period. */
	assert_int_equal(tick(c, 61001, &n), CHECK_EV_PERSIST);
	check_snapshot(c, &r);
	assert_int_equal(r.state, CHECK_LATE);
	tick(c, 71000, &n);
	check_snapshot(c, &r);
	assert_int_equal(r.state, CHECK_DOWN);
	assert_true(r.down_since_wall_ms == W0 + 70000);
	assert_true(r.last_notified_wall_ms == W0 + 70000);
	assert_string_equal(r.reason, "no ping for 1m10s");
	tick(c, 101000, &n);
	check_snapshot(c, &r);
	assert_true(r.last_notified_wall_ms == W0 + 100000);
	assert_true(r.down_since_wall_ms == W0 + 70000);
	sig(c, CHECK_SIG_SUCCESS, 102000, NULL, NULL, &n);
	check_snapshot(c, &r);
	assert_int_equal(r.state, CHECK_UP);
	assert_true(r.down_since_wall_ms == 0);
	assert_string_equal(r.reason, "");
	/* The last notification time survives for the record. */
	assert_true(r.last_notified_wall_ms == W0 + 100000);
	check_free(c);
}

/* A reload keeps the live state; new durations apply from the last success
 * and the last reminder. */
static void
test_check_adopt_keeps_state_and_applies_new_durations(void **state)
{
	struct check		*old = mk("job", CHECK_PING, HOUR, 10 * MIN, HOUR);
	struct check		*c;
	struct check_notif	 n;
	struct wd_time		 now;

	assert_int_equal(sig(old, CHECK_SIG_SUCCESS, 1000, "ran", NULL, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_late_at(old), 1000 + HOUR);
	/* Up: a shorter period counts from the success at 1000, not from now. */
	c = mk("job", CHECK_PING, 30 * MIN, 5 * MIN, 2 * HOUR);
	now = t_(1000 + 20 * MIN);
	check_adopt(c, old, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_int_equal(check_late_at(c), 1000 + 30 * MIN);
	assert_int_equal(check_deadline(c), 1000 + 30 * MIN);
	assert_notified(tick(c, 1000 + 35 * MIN, &n), &n, CHECK_NOTIF_DOWN, "no ping for 35m");
	assert_string_equal(n.last_message, "ran");
	assert_int_equal(check_late_at(c), CHECK_NEVER);
	/* Down, reminder due at +2h from the DOWN; a reload to a 1h repeat
	 * moves it to +1h from the DOWN, and to none with 0s. */
	check_free(old);
	old = c;
	c = mk("job", CHECK_PING, 30 * MIN, 5 * MIN, HOUR);
	now = t_(1000 + 40 * MIN);
	check_adopt(c, old, &now);
	assert_int_equal(check_get_state(c), CHECK_DOWN);
	assert_int_equal(check_deadline(c), 1000 + 35 * MIN + HOUR);
	check_free(old);
	old = c;
	c = mk("job", CHECK_PING, 30 * MIN, 5 * MIN, 0);
	check_adopt(c, old, &now);
	assert_int_equal(check_deadline(c), CHECK_NEVER);
	/* Reminders back on: counted from now, as none was scheduled. */
	check_free(old);
	old = c;
	c = mk("job", CHECK_PING, 30 * MIN, 5 * MIN, HOUR);
	check_adopt(c, old, &now);
	assert_int_equal(check_deadline(c), 1000 + 40 * MIN + HOUR);
	assert_notified(sig(c, CHECK_SIG_SUCCESS, 1000 + 50 * MIN, NULL, NULL, &n), &n,
	    CHECK_NOTIF_RECOVERED, NULL);
	assert_int_equal(n.down_ms, 15 * MIN);
	assert_string_equal(n.reason, "no ping for 35m");
	check_free(old);
	check_free(c);
}

/* A late check reloaded with a longer period is not late any more: its
 * state says what its deadline says. */
static void
test_check_adopt_with_a_longer_period_makes_a_late_check_up(void **state)
{
	struct check		*old = mk_up("job", CHECK_PING, MIN, HOUR, 0);
	struct check		*c;
	struct check_notif	 n;
	struct wd_time		 now;

	assert_int_equal(tick(old, 1000 + 2 * MIN, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(old), CHECK_LATE);
	c = mk("job", CHECK_PING, 10 * MIN, HOUR, 0);
	now = t_(1000 + 3 * MIN);
	check_adopt(c, old, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_deadline(c) == 1000 + 10 * MIN);
	assert_int_equal(tick(c, 1000 + 10 * MIN, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	check_free(c);
	/* The same period: a plain copy, whatever the time (wdstate keeps
	 * one to go back to when the queue refuses a notification). */
	c = mk("job", CHECK_PING, MIN, HOUR, 0);
	now = at(0, 0);
	check_adopt(c, old, &now);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	check_free(old);
	check_free(c);
}

/* A ping check on a schedule in a zone, anchored by a success at mono 1000
 * and wall instant wall_sec (Unix seconds). */
static struct check *
mk_sched(const char *expr, const char *zone, int64_t grace, int64_t wall_sec,
    struct cron **cr, struct tz **z)
{
	struct check_conf	 conf = { .name = "backup", .kind = CHECK_PING,
	    .grace_ms = grace, .schedule_expr = expr };
	struct terr		 err = { "" };
	struct check		*c;
	struct check_notif	 n;
	struct wd_time		 now = at(1000, wall_sec * 1000);

	*cr = cron_parse(expr, NULL, &err);
	*z = tz_load(zone, &err);
	assert_non_null(*cr);
	assert_non_null(*z);
	conf.schedule = *cr;
	conf.tz = *z;
	assert_non_null(c = check_new(&conf, &err));
	assert_int_equal(check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0,
	    NULL, &n), CHECK_EV_PERSIST);
	return c;
}

/* 30 2 * * * in Europe/Berlin, pinged at 02:35 CET on 2026-03-28: the next
 * run is at 03:00 CEST the next night, the first valid time after the 02:30
 * that does not exist (2026-03-29T01:00:00Z, cronsim's answer), 23h25m
 * later; late then, down an hour after. */
static void
test_check_schedule_late_at_next_run_plus_grace(void **state)
{
	struct cron		*cr;
	struct tz		*z;
	struct check		*c = mk_sched("30 2 * * *", "Europe/Berlin", HOUR,
	    1774661700, &cr, &z);
	struct check_notif	 n;
	int64_t			 late = 1000 + (1774746000 - 1774661700) * 1000;

	assert_true(check_late_at(c) == late);
	assert_true(late - 1000 == 23 * HOUR + 25 * MIN);
	assert_true(check_deadline(c) == late);
	assert_int_equal(tick(c, late - 1, &n), 0);
	assert_int_equal(tick(c, late, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_true(check_deadline(c) == late + HOUR);
	assert_notified(tick(c, late + HOUR, &n), &n, CHECK_NOTIF_DOWN,
	    "no ping for 1d25m");
	check_free(c);
	cron_free(cr);
	tz_free(z);
}

/* A success after the run's time (within grace) is that run's: up, and
 * late at the following run, not before. New York's fall-back night: the
 * job at 01:30 runs once, at 01:30 EDT (05:30Z); the next is 01:30 EST on
 * 2026-11-02 (06:30Z). */
static void
test_check_schedule_success_in_grace_waits_for_the_next_run(void **state)
{
	struct cron		*cr;
	struct tz		*z;
	/* 2026-10-31T16:00:00Z */
	struct check		*c = mk_sched("30 1 * * *", "America/New_York",
	    30 * MIN, 1793462400, &cr, &z);
	struct check_notif	 n;
	int64_t			 late = 1000 + (1793511000 - 1793462400) * 1000;
	struct wd_time		 now;

	assert_true(check_late_at(c) == late);
	assert_int_equal(tick(c, late, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	/* The run reports 10 minutes late, at 05:40Z. */
	now = at(late + 10 * MIN, (1793511000 + 600) * INT64_C(1000));
	assert_int_equal(check_signal(c, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0,
	    NULL, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_UP);
	/* Not at 01:30 EST the same night (06:30Z): the next day's. */
	assert_true(check_late_at(c) == late + 10 * MIN +
	    (1793601000 - 1793511600) * 1000);
	check_free(c);
	cron_free(cr);
	tz_free(z);
}

/* The schedule is read on the wall clock when the check is anchored, then
 * kept on the monotonic clock: setting the clock does not move it. */
static void
test_check_schedule_deadline_ignores_later_clock_jumps(void **state)
{
	struct cron		*cr;
	struct tz		*z;
	struct check		*c = mk_sched("0 * * * *", "UTC", 5 * MIN,
	    1796644830, &cr, &z);	/* 2026-12-07T12:00:30Z */
	struct check_notif	 n;
	struct wd_time		 now;

	assert_true(check_late_at(c) == 1000 + 59 * MIN + 30000);
	now = at(2000, (1796644830 + 86400) * INT64_C(1000));
	assert_int_equal(check_tick(c, &now, &n), 0);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_late_at(c) == 1000 + 59 * MIN + 30000);
	check_free(c);
	cron_free(cr);
	tz_free(z);
}

static int
sig_rid(struct check *c, enum check_signal_kind s, int64_t mono,
    const char *rid, struct check_notif *n)
{
	struct wd_time	now = t_(mono);

	return check_signal(c, s, &now, rid, NULL, 0, NULL, n);
}

#define RID_A	"05f4aa48-1d2c-4b1e-9e37-6b1f0c8a0a01"
#define RID_B	"7671e111-5b0a-4c33-8d6e-2a9b3c4d5e02"

/* Overlapping runs: each success measures from its own start; the hung-run
 * timer follows the latest start (B), so A's success leaves it running and
 * B's stops it, as Healthchecks does. */
static void
test_check_run_ids_track_overlapping_runs_apart(void **state)
{
	struct check		*c = mk_up("job", CHECK_PING, HOUR, 10 * MIN, 0);
	struct check_notif	 n;

	assert_int_equal(sig_rid(c, CHECK_SIG_START, 2000, RID_A, &n),
	    CHECK_EV_PERSIST);
	assert_int_equal(sig_rid(c, CHECK_SIG_START, 2000 + MIN, RID_B, &n),
	    CHECK_EV_PERSIST);
	assert_true(check_deadline(c) == 2000 + MIN + 10 * MIN);
	sig_rid(c, CHECK_SIG_SUCCESS, 2000 + 5 * MIN, RID_A, &n);
	assert_true(check_last_duration(c) == 5 * MIN);
	/* B's start is still timed: A's success is not B's. */
	assert_true(check_deadline(c) == 2000 + MIN + 10 * MIN);
	sig_rid(c, CHECK_SIG_SUCCESS, 2000 + 7 * MIN, RID_B, &n);
	assert_true(check_last_duration(c) == 6 * MIN);
	assert_true(check_deadline(c) == 2000 + 7 * MIN + HOUR);
	assert_int_equal(check_get_state(c), CHECK_UP);
	check_free(c);
}

static void
test_check_run_id_of_an_older_run_leaves_a_hung_run_down(void **state)
{
	struct check		*c = mk_up("job", CHECK_PING, HOUR, 10 * MIN, 0);
	struct check_notif	 n;

	sig_rid(c, CHECK_SIG_START, 2000, RID_A, &n);
	sig_rid(c, CHECK_SIG_START, 2000 + 10 * MIN, RID_B, &n);
	sig_rid(c, CHECK_SIG_SUCCESS, 2000 + 12 * MIN, RID_A, &n);
	assert_true(check_last_duration(c) == 12 * MIN);
	assert_notified(tick(c, 2000 + 20 * MIN, &n), &n, CHECK_NOTIF_DOWN,
	    "started 10m ago, no success since");
	/* A success without a rid ends any run (and recovers). */
	assert_notified(sig_rid(c, CHECK_SIG_SUCCESS, 2000 + 21 * MIN, NULL, &n),
	    &n, CHECK_NOTIF_RECOVERED, NULL);
	check_free(c);
}

/* /log keeps its body as the last message and changes nothing else. */
static void
test_check_log_records_a_message_only(void **state)
{
	struct check		*c = mk_up("job", CHECK_PING, HOUR, 10 * MIN, 0);
	struct check_notif	 n;
	struct check_record	 rec;
	struct wd_time		 now = t_(1000 + 2 * HOUR);

	assert_int_equal(tick(c, 1000 + HOUR, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_signal(c, CHECK_SIG_LOG, &now, NULL, "step 2 of 5",
	    11, NULL, &n), CHECK_EV_PERSIST);
	assert_int_equal(n.kind, CHECK_NOTIF_NONE);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	check_snapshot(c, &rec);
	assert_string_equal(rec.last_message, "step 2 of 5");
	assert_true(rec.last_success_wall_ms == W0);
	assert_int_equal(check_signal(c, CHECK_SIG_LOG, &now, NULL, NULL, 0, NULL,
	    &n), 0);
	assert_true(check_deadline(c) == 1000 + HOUR + 10 * MIN);
	check_free(c);
}

static void
test_check_rid_must_be_a_canonical_uuid(void **state)
{
	assert_int_equal(check_rid_valid(RID_A), 0);
	assert_int_equal(check_rid_valid("05F4AA48-1d2c-4b1e-9e37-6b1f0c8a0a01"), -1);
	assert_int_equal(check_rid_valid("{05f4aa48-1d2c-4b1e-9e37-6b1f0c8a0a01}"), -1);
	assert_int_equal(check_rid_valid("05f4aa481d2c4b1e9e376b1f0c8a0a01"), -1);
	assert_int_equal(check_rid_valid("05f4aa48-1d2c-4b1e-9e37-6b1f0c8a0a011"), -1);
	assert_int_equal(check_rid_valid(""), -1);
}

/* A reload that changes the schedule counts from the same anchor with the
 * new one: hourly (late at 13:00) becomes daily at 03:00 UTC (tomorrow);
 * a late check made on time is up again. A restart waits for the
 * schedule's first time after the start-up. */
static void
test_check_schedule_reload_and_restart(void **state)
{
	struct cron		*cr, *daily;
	struct tz		*z;
	/* 2026-12-07T12:00:30Z */
	struct check		*c = mk_sched("0 * * * *", "UTC", 5 * MIN,
	    1796644830, &cr, &z);
	struct check_conf	 conf = *check_conf(c);
	struct check		*d;
	struct check_record	 rec;
	struct check_notif	 n;
	struct terr		 err;
	struct wd_time		 now;

	assert_int_equal(tick(c, 1000 + 59 * MIN + 30000, &n), CHECK_EV_PERSIST);
	assert_int_equal(check_get_state(c), CHECK_LATE);
	assert_non_null(daily = cron_parse("0 3 * * *", NULL, &err));
	conf.schedule = daily;
	conf.schedule_expr = "0 3 * * *";
	assert_non_null(d = check_new(&conf, &err));
	now = at(1000 + HOUR, (1796644830 + 3600) * INT64_C(1000));
	check_adopt(d, c, &now);
	assert_int_equal(check_get_state(d), CHECK_UP);
	/* 2026-12-08T03:00:00Z, 14h59m30s after the anchor. */
	assert_true(check_late_at(d) == 1000 + (1796698800 - 1796644830) * 1000);

	/* After a restart at 2026-12-08T02:59:00Z: 03:00 is a minute away. */
	check_snapshot(d, &rec);
	now = at(5000, INT64_C(1796698740) * 1000);
	check_restore(c, &rec, &now);
	assert_int_equal(check_get_state(c), CHECK_UP);
	assert_true(check_late_at(c) == 5000 + MIN);
	check_free(d);
	check_free(c);
	cron_free(daily);
	cron_free(cr);
	tz_free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_new_is_silent_forever),
		cmocka_unit_test(test_check_grace_edges_late_at_period_down_at_period_plus_grace),
		cmocka_unit_test(test_check_one_ms_past_grace_goes_down_once_from_up),
		cmocka_unit_test(test_check_freshness_reason_and_zero_grace),
		cmocka_unit_test(test_check_recovery_reports_down_duration_and_reason),
		cmocka_unit_test(test_check_reminders_every_repeat_interval_while_down),
		cmocka_unit_test(test_check_fail_goes_straight_down_and_recovers),
		cmocka_unit_test(test_check_fail_from_new_and_default_reason),
		cmocka_unit_test(test_check_failure_while_down_updates_the_reason),
		cmocka_unit_test(test_check_start_records_run_time_without_resetting_lateness),
		cmocka_unit_test(test_check_started_run_without_success_goes_down_after_grace),
		cmocka_unit_test(test_check_pause_stops_everything_resume_gives_full_period),
		cmocka_unit_test(test_check_success_resumes_a_paused_check),
		cmocka_unit_test(test_check_signs_of_life_on_time_keep_the_pause),
		cmocka_unit_test(test_check_paused_late_check_resumes_up),
		cmocka_unit_test(test_check_wall_clock_jumps_change_no_deadline),
		cmocka_unit_test(test_check_restart_up_check_gets_full_period_and_grace),
		cmocka_unit_test(test_check_restart_down_check_stays_down_without_duplicate),
		cmocka_unit_test(test_check_restart_down_reminder_overdue_or_clock_behind),
		cmocka_unit_test(test_check_body_kept_up_to_10kb_at_utf8_boundary),
		cmocka_unit_test(test_check_body_invalid_utf8_becomes_replacement_characters),
		cmocka_unit_test(test_check_config_validation_errors),
		cmocka_unit_test(test_check_names_of_enums),
		cmocka_unit_test(test_check_snapshot_follows_every_transition),
		cmocka_unit_test(test_check_adopt_keeps_state_and_applies_new_durations),
		cmocka_unit_test(test_check_adopt_with_a_longer_period_makes_a_late_check_up),
		cmocka_unit_test(test_check_schedule_late_at_next_run_plus_grace),
		cmocka_unit_test(test_check_schedule_success_in_grace_waits_for_the_next_run),
		cmocka_unit_test(test_check_schedule_deadline_ignores_later_clock_jumps),
		cmocka_unit_test(test_check_run_ids_track_overlapping_runs_apart),
		cmocka_unit_test(test_check_run_id_of_an_older_run_leaves_a_hung_run_down),
		cmocka_unit_test(test_check_log_records_a_message_only),
		cmocka_unit_test(test_check_rid_must_be_a_canonical_uuid),
		cmocka_unit_test(test_check_schedule_reload_and_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
