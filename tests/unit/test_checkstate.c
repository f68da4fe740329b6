/* test_checkstate.c: persisted watchdog check states: round trip, damaged
 * files with clear errors, and no torn state after a kill -9 mid-write. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "checkstate.h"

struct tmp {
	char	dir[64];
	char	db[128];
};

static int
setup(void **state)
{
	struct tmp	*t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/tocsin-checkstate-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->db, sizeof(t->db), "%s/%s", t->dir, CHECKSTATE_FILE);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tmp	*t = *state;
	char		 p[160];

	unlink(t->db);
	snprintf(p, sizeof(p), "%s-wal", t->db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->db);
	unlink(p);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
test_checkstate_round_trip_sorted_and_replaced(void **state)
{
	struct tmp		*t = *state;
	struct terr		 err;
	struct checkstate	*cs;
	struct check_record	*recs, a = { "nightly", CHECK_DOWN, 1,
	    1795273200123, 1795273100000, 1795273300000, 1795273400000,
	    "tar: disk full\n\xc3\xa9", "exit status 2" },
	    b = { "alertmanager", CHECK_UP, 0, 5, 0, 0, 0, "", "" };
	size_t			 n;

	cs = checkstate_open(t->dir, &err);
	assert_non_null(cs);
	assert_string_equal(checkstate_path(cs), t->db);
	assert_int_equal(checkstate_load(cs, &recs, &n, &err), 0);
	assert_int_equal(n, 0);
	checkstate_records_free(recs, n);
	assert_int_equal(checkstate_save(cs, &a, &err), 0);
	assert_int_equal(checkstate_save(cs, &b, &err), 0);
	b.state = CHECK_LATE;
	b.last_message = "second";
	assert_int_equal(checkstate_save(cs, &b, &err), 0);
	checkstate_close(cs);

	cs = checkstate_open(t->dir, &err);
	assert_non_null(cs);
	assert_int_equal(checkstate_load(cs, &recs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(recs[0].name, "alertmanager");
	assert_int_equal(recs[0].state, CHECK_LATE);
	assert_string_equal(recs[0].last_message, "second");
	assert_true(recs[0].last_success_wall_ms == 5);
	assert_string_equal(recs[1].name, "nightly");
	assert_int_equal(recs[1].state, CHECK_DOWN);
	assert_int_equal(recs[1].paused, 1);
	assert_true(recs[1].last_success_wall_ms == 1795273200123);
	assert_true(recs[1].last_start_wall_ms == 1795273100000);
	assert_true(recs[1].down_since_wall_ms == 1795273300000);
	assert_true(recs[1].last_notified_wall_ms == 1795273400000);
	assert_string_equal(recs[1].last_message, "tar: disk full\n\xc3\xa9");
	assert_string_equal(recs[1].reason, "exit status 2");
	checkstate_records_free(recs, n);

	assert_int_equal(checkstate_delete(cs, "nightly", &err), 0);
	assert_int_equal(checkstate_delete(cs, "never-there", &err), 0);
	assert_int_equal(checkstate_load(cs, &recs, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0].name, "alertmanager");
	checkstate_records_free(recs, n);
	checkstate_close(cs);
}

static void
test_checkstate_garbage_file_is_a_clear_error(void **state)
{
	struct tmp	*t = *state;
	struct terr	 err;
	FILE		*f;
	char		 want[256];
	int		 i;

	f = fopen(t->db, "w");
	assert_non_null(f);
	for (i = 0; i < 200; i++)
		fputs("this is not a database at all\n", f);
	fclose(f);
	assert_null(checkstate_open(t->dir, &err));
	snprintf(want, sizeof(want), "watchdog state %s is damaged: "
	    "file is not a database (SQLITE_NOTADB)", t->db);
	assert_string_equal(err.msg, want);
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_checkstate_foreign_table_and_bad_rows_are_errors(void **state)
{
	struct tmp		*t = *state;
	struct terr		 err;
	struct checkstate	*cs;
	struct check_record	*recs;
	size_t			 n;
	char			 want[256];

	exec_sql(t->db, "CREATE TABLE checks (name TEXT)");
	assert_null(checkstate_open(t->dir, &err));
	snprintf(want, sizeof(want), "watchdog state %s: check table: no such "
	    "column: state", t->db);
	assert_string_equal(err.msg, want);
	exec_sql(t->db, "DROP TABLE checks; PRAGMA user_version = 7");
	assert_null(checkstate_open(t->dir, &err));
	snprintf(want, sizeof(want), "watchdog state %s: schema version 7 is "
	    "newer than this program's 1", t->db);
	assert_string_equal(err.msg, want);
	exec_sql(t->db, "PRAGMA user_version = 0");

	cs = checkstate_open(t->dir, &err);
	assert_non_null(cs);
	exec_sql(t->db, "INSERT INTO checks VALUES ('x', 'sideways', 0, 0, 0, 0, "
	    "0, '', '')");
	recs = (void *)&n;
	assert_int_equal(checkstate_load(cs, &recs, &n, &err), -1);
	assert_null(recs);
	assert_int_equal(n, 0);
	snprintf(want, sizeof(want), "watchdog state %s: check \"x\" has unknown "
	    "state \"sideways\"", t->db);
	assert_string_equal(err.msg, want);
	checkstate_close(cs);
}

static void
test_checkstate_missing_directory_is_an_error(void **state)
{
	struct terr	err;

	assert_null(checkstate_open("/nonexistent/tocsin-watchdog", &err));
	assert_string_equal(err.msg, "watchdog state /nonexistent/tocsin-watchdog/"
	    "watchdog.db: open: unable to open database file");
}

/* Writes ever newer records whose fields all carry the same counter, so a
 * torn write would show up as fields that disagree. Never returns. */
static void
writer(const char *dir, int fd)
{
	struct checkstate	*cs;
	struct check_record	 rec = { NULL, CHECK_UP, 0, 0, 0, 0, 0, NULL, NULL };
	struct terr		 err;
	char			 msg[64], reason[64];
	const char		*names[] = { "a", "b", "c" };
	int64_t			 i;

	if ((cs = checkstate_open(dir, &err)) == NULL)
		_exit(2);
	for (i = 1;; i++) {
		snprintf(msg, sizeof(msg), "message %lld", (long long)i);
		snprintf(reason, sizeof(reason), "reason %lld", (long long)i);
		rec.name = names[i % 3];
		rec.state = (enum check_state)(i % 4);
		rec.last_success_wall_ms = i;
		rec.last_notified_wall_ms = i;
		rec.last_message = msg;
		rec.reason = reason;
		if (checkstate_save(cs, &rec, &err) == -1)
			_exit(3);
		if (i == 3 && write(fd, "x", 1) != 1)
			_exit(4);
	}
}

static void
test_checkstate_kill_mid_write_leaves_committed_records(void **state)
{
	struct tmp		*t = *state;
	struct terr		 err;
	struct checkstate	*cs;
	struct check_record	*recs;
	size_t			 n, i;
	int			 p[2], status, round;
	char			 c, want[64];
	pid_t			 pid;

	for (round = 0; round < 3; round++) {
		assert_int_equal(pipe(p), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			writer(t->dir, p[1]);
		}
		close(p[1]);
		assert_int_equal(read(p[0], &c, 1), 1);
		close(p[0]);
		usleep(20000 + round * 15000);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));

		cs = checkstate_open(t->dir, &err);
		assert_non_null(cs);
		assert_int_equal(checkstate_load(cs, &recs, &n, &err), 0);
		assert_int_equal(n, 3);
		for (i = 0; i < n; i++) {
			assert_true(recs[i].last_success_wall_ms >= 1);
			assert_true(recs[i].last_notified_wall_ms ==
			    recs[i].last_success_wall_ms);
			assert_int_equal(recs[i].state,
			    (int)(recs[i].last_success_wall_ms % 4));
			snprintf(want, sizeof(want), "message %lld",
			    (long long)recs[i].last_success_wall_ms);
			assert_string_equal(recs[i].last_message, want);
			snprintf(want, sizeof(want), "reason %lld",
			    (long long)recs[i].last_success_wall_ms);
			assert_string_equal(recs[i].reason, want);
		}
		checkstate_records_free(recs, n);
		checkstate_close(cs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checkstate_round_trip_sorted_and_replaced,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkstate_garbage_file_is_a_clear_error,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkstate_foreign_table_and_bad_rows_are_errors,
		    setup, teardown),
		cmocka_unit_test(test_checkstate_missing_directory_is_an_error),
		cmocka_unit_test_setup_teardown(test_checkstate_kill_mid_write_leaves_committed_records,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
