/* test_registry.c: the watchdog's set of checks: names, lookups, the next
 * deadline over all checks, and a restart through the persisted states. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "checkstate.h"
#include "registry.h"
#include "wd_clock.h"

static void
test_registry_rejects_duplicate_and_invalid_names(void **state)
{
	struct registry		*r = registry_new();
	struct check_conf	 conf = { .name = "alertmanager",
	    .kind = CHECK_HEARTBEAT, .period_ms = 5 * MIN, .grace_ms = 2 * MIN,
	    .repeat_ms = HOUR };
	struct terr		 err;
	struct check		*c;

	assert_non_null(r);
	c = registry_add(r, &conf, &err);
	assert_non_null(c);
	assert_null(registry_add(r, &conf, &err));
	assert_string_equal(err.msg, "duplicate check name \"alertmanager\"");
	conf.name = "night ly";
	assert_null(registry_add(r, &conf, &err));
	assert_string_equal(err.msg, "check name \"night ly\": only letters, "
	    "digits, '.', '_' and '-' are allowed");
	conf.name = NULL;
	assert_null(registry_add(r, &conf, &err));
	assert_string_equal(err.msg, "check name is empty");
	conf.name = "nightly-backup";
	conf.kind = CHECK_PING;
	assert_non_null(registry_add(r, &conf, &err));
	assert_int_equal(registry_count(r), 2);
	assert_ptr_equal(registry_find(r, "alertmanager"), c);
	assert_ptr_equal(registry_at(r, 0), c);
	assert_string_equal(check_name(registry_at(r, 1)), "nightly-backup");
	assert_null(registry_at(r, 2));
	assert_null(registry_find(r, "Alertmanager"));
	assert_null(registry_find(r, "alertmanage"));
	registry_free(r);
}

static void
test_registry_next_deadline_is_the_earliest(void **state)
{
	struct registry		*r = registry_new();
	struct check_conf	 ca = { .name = "a", .kind = CHECK_PING,
	    .period_ms = 10 * MIN, .grace_ms = MIN },
	    cb = { .name = "b", .kind = CHECK_PING, .period_ms = 5 * MIN,
	    .grace_ms = MIN };
	struct check		*a, *b, *which = (void *)&which;
	struct check_notif	 n;
	struct wd_time		 now;
	struct terr		 err;

	assert_true(registry_next_deadline(r, &which) == CHECK_NEVER);
	assert_null(which);
	a = registry_add(r, &ca, &err);
	b = registry_add(r, &cb, &err);
	assert_non_null(a);
	assert_non_null(b);
	/* New checks never fire. */
	assert_true(registry_next_deadline(r, &which) == CHECK_NEVER);
	now = at(1000, W0);
	check_signal(a, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL, &n);
	registry_touch(r, a);
	assert_true(registry_next_deadline(r, &which) == 1000 + 10 * MIN);
	assert_ptr_equal(which, a);
	now = at(2000, W0 + 1000);
	check_signal(b, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL, &n);
	registry_touch(r, b);
	assert_true(registry_next_deadline(r, &which) == 2000 + 5 * MIN);
	assert_ptr_equal(which, b);
	/* b late: its grace deadline is still the earliest. */
	now = at(2000 + 5 * MIN, W0);
	check_tick(b, &now, &n);
	registry_touch(r, b);
	assert_true(registry_next_deadline(r, NULL) == 2000 + 6 * MIN);
	/* b down without reminders: a's deadline is next. */
	now = at(2000 + 6 * MIN, W0);
	assert_int_equal(check_tick(b, &now, &n), CHECK_EV_NOTIFY | CHECK_EV_PERSIST);
	registry_touch(r, b);
	assert_true(registry_next_deadline(r, &which) == 1000 + 10 * MIN);
	assert_ptr_equal(which, a);
	now = at(3000, W0);
	check_pause(a, &now);
	registry_touch(r, a);
	assert_true(registry_next_deadline(r, &which) == CHECK_NEVER);
	assert_null(which);
	registry_free(r);
}

static void
test_registry_pop_due_hands_out_only_due_checks(void **state)
{
	struct registry		*r = registry_new();
	struct check_conf	 conf = { .kind = CHECK_PING, .period_ms = 10 * MIN,
	    .grace_ms = MIN };
	const char		*names[] = { "c0", "c1", "c2", "c3" };
	struct check		*c[4];
	struct check_notif	 n;
	struct wd_time		 now;
	struct terr		 err;
	size_t			 i;

	assert_non_null(r);
	for (i = 0; i < 4; i++) {
		conf.name = names[i];
		assert_non_null(c[i] = registry_add(r, &conf, &err));
		assert_int_equal(registry_index(r, names[i]), i);
	}
	assert_true(registry_index(r, "c4") == SIZE_MAX);
	/* Pinged at 3000, 1000, 2000: c3 stays new. */
	for (i = 0; i < 3; i++) {
		now = at((int64_t)((i + 2) % 3 + 1) * 1000, W0);
		check_signal(c[i], CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL, &n);
		registry_touch(r, c[i]);
	}
	assert_null(registry_pop_due(r, 1000 + 10 * MIN - 1));
	assert_ptr_equal(registry_pop_due(r, 2000 + 10 * MIN), c[1]);
	assert_ptr_equal(registry_pop_due(r, 2000 + 10 * MIN), c[2]);
	assert_null(registry_pop_due(r, 2000 + 10 * MIN));
	/* Popped checks are out until touched back in. */
	assert_true(registry_next_deadline(r, NULL) == 3000 + 10 * MIN);
	registry_touch(r, c[1]);
	assert_true(registry_next_deadline(r, NULL) == 1000 + 10 * MIN);
	registry_free(r);
}

static int
setup(void **state)
{
	char	*dir = strdup("/tmp/tocsin-registry-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	char	*dir = *state, p[128];

	snprintf(p, sizeof(p), "%s/" CHECKSTATE_FILE, dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" CHECKSTATE_FILE "-wal", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" CHECKSTATE_FILE "-shm", dir);
	unlink(p);
	rmdir(dir);
	free(dir);
	return 0;
}

/* The daemon's rule: save a snapshot whenever an event says so. */
static void
persist(struct checkstate *cs, struct check *c, int ev)
{
	struct check_record	rec;
	struct terr		err;

	if (ev & CHECK_EV_PERSIST) {
		check_snapshot(c, &rec);
		assert_int_equal(checkstate_save(cs, &rec, &err), 0);
	}
}

static struct registry *
load_config(const char *const *names, int64_t repeat)
{
	struct registry		*r = registry_new();
	struct check_conf	 conf = { .kind = CHECK_HEARTBEAT, .period_ms = 5 * MIN,
	    .grace_ms = 2 * MIN, .repeat_ms = repeat };
	struct terr		 err;

	assert_non_null(r);
	for (; *names != NULL; names++) {
		conf.name = *names;
		assert_non_null(registry_add(r, &conf, &err));
	}
	return r;
}

static void
test_registry_restart_keeps_outage_without_duplicate_down(void **state)
{
	const char *const	 first[] = { "am", "cron", "removed", NULL };
	const char *const	 second[] = { "am", "cron", "added", NULL };
	const char		*dir = *state;
	struct checkstate	*cs;
	struct registry		*r;
	struct check		*am, *cron;
	struct check_notif	 n;
	struct check_record	*recs;
	struct wd_time		 now;
	struct terr		 err;
	size_t			 nrec, i;
	int			 ev, downs = 0;

	/* First run: am goes down (notified), cron is up, removed is up. */
	cs = checkstate_open(dir, &err);
	assert_non_null(cs);
	r = load_config(first, HOUR);
	assert_int_equal(registry_restore(r, cs, &(struct wd_time){ 0, W0 }, &err), 0);
	now = at(1000, W0);
	for (i = 0; i < 3; i++) {
		ev = check_signal(registry_at(r, i), CHECK_SIG_SUCCESS, &now,
		    NULL, "hello", 5, NULL, &n);
		persist(cs, registry_at(r, i), ev);
	}
	now = at(1000 + 4 * MIN, W0 + 4 * MIN);
	cron = registry_find(r, "cron");
	persist(cs, cron, check_signal(cron, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0,
	    NULL, &n));
	am = registry_find(r, "am");
	now = at(1000 + 7 * MIN, W0 + 7 * MIN);
	ev = check_tick(am, &now, &n);
	persist(cs, am, ev);
	assert_int_equal(n.kind, CHECK_NOTIF_DOWN);
	assert_string_equal(n.reason, "no heartbeat for 7m");
	registry_free(r);
	checkstate_close(cs);

	/* Restart three hours later (a new monotonic epoch), with one check
	 * removed from the configuration and one added. */
	cs = checkstate_open(dir, &err);
	assert_non_null(cs);
	r = load_config(second, HOUR);
	now = at(50, W0 + 3 * HOUR);
	assert_int_equal(registry_restore(r, cs, &now, &err), 0);
	am = registry_find(r, "am");
	cron = registry_find(r, "cron");
	assert_int_equal(check_get_state(am), CHECK_DOWN);
	assert_int_equal(check_get_state(cron), CHECK_UP);
	assert_int_equal(check_get_state(registry_find(r, "added")), CHECK_NEW);
	/* The removed check's record is gone. */
	assert_int_equal(checkstate_load(cs, &recs, &nrec, &err), 0);
	assert_int_equal(nrec, 2);
	assert_string_equal(recs[0].name, "am");
	assert_string_equal(recs[1].name, "cron");
	checkstate_records_free(recs, nrec);

	/* cron's last ping was hours ago, yet it gets 5m + 2m from start-up;
	 * am's reminder, due an hour after the DOWN, is overdue: now. */
	assert_true(check_deadline(cron) == 50 + 5 * MIN);
	assert_true(registry_next_deadline(r, NULL) == 50);
	ev = check_tick(am, &now, &n);
	persist(cs, am, ev);
	registry_touch(r, am);
	assert_int_equal(n.kind, CHECK_NOTIF_REMINDER);
	assert_true(n.since_wall_ms == W0 + 7 * MIN);
	assert_string_equal(n.last_message, "hello");
	assert_true(check_deadline(am) == 50 + HOUR);
	/* Walk every deadline for 6m59.999s: nothing but cron going late. */
	while (registry_next_deadline(r, NULL) < 50 + 7 * MIN) {
		now = at(registry_next_deadline(r, NULL), W0 + 3 * HOUR);
		for (i = 0; i < registry_count(r); i++) {
			ev = check_tick(registry_at(r, i), &now, &n);
			persist(cs, registry_at(r, i), ev);
			registry_touch(r, registry_at(r, i));
			assert_int_equal(n.kind, CHECK_NOTIF_NONE);
		}
	}
	assert_int_equal(check_get_state(cron), CHECK_LATE);
	now = at(50 + 7 * MIN, W0 + 3 * HOUR + 7 * MIN);
	for (i = 0; i < registry_count(r); i++)
		if (check_tick(registry_at(r, i), &now, &n) & CHECK_EV_NOTIFY) {
			assert_string_equal(n.name, "cron");
			assert_int_equal(n.kind, CHECK_NOTIF_DOWN);
			assert_string_equal(n.reason, "no heartbeat for 3h3m");
			downs++;
		}
	assert_int_equal(downs, 1);
	now = at(100 + 7 * MIN, W0 + 3 * HOUR + 8 * MIN);
	ev = check_signal(am, CHECK_SIG_SUCCESS, &now, NULL, NULL, 0, NULL, &n);
	persist(cs, am, ev);
	assert_int_equal(n.kind, CHECK_NOTIF_RECOVERED);
	assert_true(n.down_ms == 3 * HOUR + MIN);
	registry_free(r);
	checkstate_close(cs);
}

static void
test_registry_restore_reports_damaged_state(void **state)
{
	const char *const	 names[] = { "am", NULL };
	char			 p[128];
	FILE			*f;
	struct checkstate	*cs;
	struct registry		*r;
	struct terr		 err;
	struct wd_time		 now = { 0, W0 };

	cs = checkstate_open(*state, &err);
	assert_non_null(cs);
	r = load_config(names, 0);
	assert_int_equal(registry_restore(r, cs, &now, &err), 0);
	assert_int_equal(check_get_state(registry_find(r, "am")), CHECK_NEW);
	checkstate_close(cs);
	registry_free(r);
	snprintf(p, sizeof(p), "%s/" CHECKSTATE_FILE "-wal", (char *)*state);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" CHECKSTATE_FILE, (char *)*state);
	f = fopen(p, "r+");
	assert_non_null(f);
	fputs("garbage garbage garbage garbage", f);
	fclose(f);
	assert_null(checkstate_open(*state, &err));
	assert_non_null(strstr(err.msg, "file is not a database"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_rejects_duplicate_and_invalid_names),
		cmocka_unit_test(test_registry_next_deadline_is_the_earliest),
		cmocka_unit_test(test_registry_pop_due_hands_out_only_due_checks),
		cmocka_unit_test_setup_teardown(test_registry_restart_keeps_outage_without_duplicate_down,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_restore_reports_damaged_state,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
