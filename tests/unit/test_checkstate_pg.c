/* test_checkstate_pg.c: check states in PostgreSQL (checkstate_open_pg), as
 * a watchdog pair shares them: what one handle saves the other loads, sorted
 * by name, replaced and deleted; a follower's look reads only the rows
 * saved since its last; a flush says when queued saves are committed; a table of another shape is a clear error. Runs under
 * tests/lib/with_pg.sh (unit/test_checkstate_pg@pg); without
 * TOCSIN_TEST_PG_URL it exits 77, the skip of unit/test_checkstate_pg. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libpq-fe.h>

#include "checkstate.h"
#include "storetest.h"

static int
setup(void **state)
{
	(void)state;
	storetest_reset();
	return 0;
}

static struct checkstate *
open_pg(void)
{
	struct checkstate	*cs;
	struct terr		 err;

	if ((cs = checkstate_open_pg(storetest_url(), &err)) == NULL)
		fail_msg("checkstate_open_pg: %s", err.msg);
	return cs;
}

static void
sql(const char *q)
{
	PGconn		*c = PQconnectdb(storetest_url());
	PGresult	*res;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	res = PQexec(c, q);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
}

static void
test_checkstate_pg_two_handles_share_sorted_replaced_records(void **state)
{
	struct terr		 err;
	struct checkstate	*one, *two;
	struct check_record	*recs, a = { "nightly", CHECK_DOWN, 1,
	    1795273200123, 1795273100000, 1795273300000, 1795273400000,
	    "tar: disk full\n\xc3\xa9", "exit status 2" },
	    b = { "alertmanager", CHECK_UP, 0, 5, 0, 0, 0, "", "" },
	    c = { "Zulu", CHECK_NEW, 0, 0, 0, 0, 0, "", "" };
	size_t			 n;

	(void)state;
	one = open_pg();
	two = open_pg();
	assert_int_equal(strncmp(checkstate_path(one), "postgresql://", 13), 0);
	assert_int_equal(checkstate_load(two, &recs, &n, &err), 0);
	assert_int_equal(n, 0);
	checkstate_records_free(recs, n);
	assert_int_equal(checkstate_save(one, &a, &err), 0);
	assert_int_equal(checkstate_save(one, &b, &err), 0);
	assert_int_equal(checkstate_save(one, &c, &err), 0);
	b.state = CHECK_LATE;
	b.last_message = "second";
	assert_int_equal(checkstate_save(one, &b, &err), 0);

	/* The other watchdog's view: byte order, as SQLite sorts. */
	assert_int_equal(checkstate_load(two, &recs, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(recs[0].name, "Zulu");
	assert_int_equal(recs[0].state, CHECK_NEW);
	assert_string_equal(recs[1].name, "alertmanager");
	assert_int_equal(recs[1].state, CHECK_LATE);
	assert_string_equal(recs[1].last_message, "second");
	assert_true(recs[1].last_success_wall_ms == 5);
	assert_int_equal(recs[1].paused, 0);
	assert_string_equal(recs[2].name, "nightly");
	assert_int_equal(recs[2].state, CHECK_DOWN);
	assert_int_equal(recs[2].paused, 1);
	assert_true(recs[2].last_success_wall_ms == 1795273200123);
	assert_true(recs[2].last_start_wall_ms == 1795273100000);
	assert_true(recs[2].down_since_wall_ms == 1795273300000);
	assert_true(recs[2].last_notified_wall_ms == 1795273400000);
	assert_string_equal(recs[2].last_message, "tar: disk full\n\xc3\xa9");
	assert_string_equal(recs[2].reason, "exit status 2");
	checkstate_records_free(recs, n);

	assert_int_equal(checkstate_delete(two, "nightly", &err), 0);
	assert_int_equal(checkstate_delete(two, "never-there", &err), 0);
	checkstate_close(two);
	assert_int_equal(checkstate_load(one, &recs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(recs[0].name, "Zulu");
	assert_string_equal(recs[1].name, "alertmanager");
	checkstate_records_free(recs, n);
	checkstate_close(one);
}

static void
test_checkstate_pg_flush_waits_for_queued_saves(void **state)
{
	struct terr		 err;
	struct checkstate	*cs, *other;
	struct check_record	*recs, r = { "job0", CHECK_UP, 0, 1, 0, 0, 0, "", "" };
	char			 name[16];
	uint64_t		 mark;
	size_t			 n;
	int			 i;

	(void)state;
	cs = open_pg();
	other = open_pg();
	mark = checkstate_mark(cs);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "job%02d", i);
		r.name = name;
		r.last_success_wall_ms = i;
		assert_int_equal(checkstate_save_async(cs, &r, NULL, NULL, &err), 0);
	}
	assert_int_equal(checkstate_flush(cs, mark, &err), 0);
	/* Committed: another connection sees all of them. */
	assert_int_equal(checkstate_load(other, &recs, &n, &err), 0);
	assert_int_equal(n, 50);
	assert_string_equal(recs[49].name, "job49");
	assert_true(recs[49].last_success_wall_ms == 49);
	checkstate_records_free(recs, n);

	/* A save that fails (a state PostgreSQL refuses: a NUL-free text
	 * that is not UTF-8) makes the flush after its mark fail, not one
	 * before it. */
	mark = checkstate_mark(cs);
	r.name = "bad";
	r.last_message = "\xff\xfe";
	assert_int_equal(checkstate_save_async(cs, &r, NULL, NULL, &err), 0);
	assert_int_equal(checkstate_flush(cs, mark, &err), -1);
	assert_non_null(strstr(err.msg, "a save failed"));
	assert_int_equal(checkstate_flush(cs, checkstate_mark(cs), &err), 0);
	checkstate_close(other);
	checkstate_close(cs);
}

static void
test_checkstate_pg_load_changed_skips_rows_saved_long_before(void **state)
{
	struct terr		 err;
	struct checkstate	*cs;
	struct check_record	*recs, r = { "old", CHECK_DOWN, 0, 1, 0, 2, 2, "", "gone" };
	int64_t			 since = 0, first;
	size_t			 n;

	(void)state;
	cs = open_pg();
	assert_int_equal(checkstate_save(cs, &r, &err), 0);
	r.name = "recent";
	r.state = CHECK_UP;
	assert_int_equal(checkstate_save(cs, &r, &err), 0);
	/* The first look: every row. */
	assert_int_equal(checkstate_load_changed(cs, &since, &recs, &n, &err), 0);
	assert_int_equal(n, 2);
	checkstate_records_free(recs, n);
	assert_true(since > 0);
	first = since;
	/* "old" saved a minute before that look, "recent" just now. */
	sql("UPDATE watchdog_checks SET changed_at = changed_at - 60000 WHERE name = 'old'");
	assert_int_equal(checkstate_save(cs, &r, &err), 0);
	assert_int_equal(checkstate_load_changed(cs, &since, &recs, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0].name, "recent");
	assert_int_equal(recs[0].state, CHECK_UP);
	checkstate_records_free(recs, n);
	assert_true(since >= first);
	/* checkstate_load still has them all. */
	assert_int_equal(checkstate_load(cs, &recs, &n, &err), 0);
	assert_int_equal(n, 2);
	checkstate_records_free(recs, n);
	checkstate_close(cs);
}

static void
test_checkstate_pg_foreign_table_is_a_clear_error(void **state)
{
	struct terr	 err;

	(void)state;
	sql("CREATE TABLE watchdog_checks (name text PRIMARY KEY, x integer)");
	assert_null(checkstate_open_pg(storetest_url(), &err));
	assert_non_null(strstr(err.msg, "watchdog state postgresql://"));
	assert_non_null(strstr(err.msg, "check table"));
	assert_non_null(strstr(err.msg, "column \"state\" does not exist"));
}

static void
test_checkstate_pg_unreachable_is_a_clear_error(void **state)
{
	struct terr	 err;

	(void)state;
	assert_null(checkstate_open_pg("postgresql://tocsin:s3cret@127.0.0.1:1/tocsin",
	    &err));
	assert_non_null(strstr(err.msg, "watchdog state postgresql://tocsin@127.0.0.1:1/tocsin: cannot connect: "));
	assert_null(strstr(err.msg, "s3cret"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_checkstate_pg_two_handles_share_sorted_replaced_records, setup),
		cmocka_unit_test_setup(test_checkstate_pg_flush_waits_for_queued_saves, setup),
		cmocka_unit_test_setup(test_checkstate_pg_load_changed_skips_rows_saved_long_before, setup),
		cmocka_unit_test_setup(test_checkstate_pg_foreign_table_is_a_clear_error, setup),
		cmocka_unit_test_setup(test_checkstate_pg_unreachable_is_a_clear_error, setup),
	};

	if (storetest_url() == NULL) {
		printf("SKIP: no TOCSIN_TEST_PG_URL (unit/test_checkstate_pg@pg runs"
		    " these tests)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
