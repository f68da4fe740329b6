/* test_store_mark.c: the mark beside the queue's database (identity and last
 * committed id): written and read back, a damaged mark refused, and the
 * judgement that keeps a store from starting silently empty, from another
 * database or from an older copy; then the same through store_open. */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scratch_dir.h"
#include "store.h"
#include "store_mark.h"

#define ID_A	"0123456789abcdef0123456789abcdef"
#define ID_B	"fedcba9876543210fedcba9876543210"

static void
test_store_mark_round_trip_and_no_temporary_left(void **state)
{
	struct store_mark m = { ID_A, 4329 }, back;
	struct terr	 err;
	char		 dir[64], path[128];
	struct dirent	*de;
	DIR		*d;
	int		 found, files = 0;

	(void)state;
	scratch_make(dir, sizeof(dir), "test_store_mark");
	snprintf(path, sizeof(path), "%s/queue.mark", dir);
	assert_int_equal(store_mark_read(path, &back, &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_mark_write(path, &m, &err), 0);
	assert_int_equal(store_mark_read(path, &back, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(back.id, ID_A);
	assert_int_equal(back.last_id, 4329);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			files++;
	closedir(d);
	assert_int_equal(files, 1);
	scratch_remove(dir);
}

static void
test_store_mark_not_a_mark_is_refused_by_name(void **state)
{
	struct store_mark back;
	struct terr	 err;
	char		 dir[64], path[128], want[256];
	int		 found;

	(void)state;
	scratch_make(dir, sizeof(dir), "test_store_mark");
	snprintf(path, sizeof(path), "%s/queue.mark", dir);
	snprintf(want, sizeof(want), "store: %s is not a store mark; remove it"
	    " to start without comparing the database with it", path);
	scratch_write(dir, "queue.mark", "");
	assert_int_equal(store_mark_read(path, &back, &found, &err), -1);
	assert_string_equal(err.msg, want);
	scratch_write(dir, "queue.mark", "tocsin-store-mark 1 " ID_A " 12");
	assert_int_equal(store_mark_read(path, &back, &found, &err), -1);
	scratch_write(dir, "queue.mark", "tocsin-store-mark 2 " ID_A " 12\n");
	assert_int_equal(store_mark_read(path, &back, &found, &err), -1);
	scratch_write(dir, "queue.mark", "tocsin-store-mark 1 0123 12\n");
	assert_int_equal(store_mark_read(path, &back, &found, &err), -1);
	scratch_write(dir, "queue.mark", "tocsin-store-mark 1 " ID_A " -1\n");
	assert_int_equal(store_mark_read(path, &back, &found, &err), -1);
	assert_int_equal(found, 0);
	scratch_remove(dir);
}

static void
test_store_mark_new_ids_differ(void **state)
{
	char		 a[STORE_MARK_ID_LEN + 1], b[STORE_MARK_ID_LEN + 1];
	struct terr	 err;

	(void)state;
	assert_int_equal(store_mark_new_id(a, &err), 0);
	assert_int_equal(store_mark_new_id(b, &err), 0);
	assert_int_equal(strlen(a), STORE_MARK_ID_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), STORE_MARK_ID_LEN);
	assert_string_not_equal(a, b);
}

static void
test_store_mark_judge_no_mark_or_same_database_is_fine(void **state)
{
	struct store_mark m = { ID_A, 10 };
	struct store_mark_db fresh = { true, NULL, 0 }, same = { false, ID_A, 10 },
	    newer = { false, ID_A, 11 };
	struct terr	 err;

	(void)state;
	assert_int_equal(store_mark_judge(NULL, &fresh, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_OK);
	assert_int_equal(store_mark_judge(&m, &same, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_OK);
	/* The mark lags behind the commits: a database ahead of it is fine. */
	assert_int_equal(store_mark_judge(&m, &newer, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_OK);
}

static void
test_store_mark_judge_empty_database_under_a_mark_is_refused(void **state)
{
	struct store_mark m = { ID_A, 4329 };
	struct store_mark_db fresh = { true, NULL, 0 };
	struct terr	 err;

	(void)state;
	assert_int_equal(store_mark_judge(&m, &fresh, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_REFUSE);
	assert_string_equal(err.msg, "store: d/queue.db is empty or missing,"
	    " but d/queue.mark says it held messages up to id 4329; refusing"
	    " to start with an empty queue: restore the database, or start"
	    " with --storage.allow-empty to begin empty on purpose");
	assert_int_equal(store_mark_judge(&m, &fresh, true, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_EMPTY_ALLOWED);
}

static void
test_store_mark_judge_other_database_is_refused(void **state)
{
	struct store_mark m = { ID_A, 10 };
	struct store_mark_db other = { false, ID_B, 99 }, none = { false, NULL, 99 };
	struct terr	 err;

	(void)state;
	/* allow_empty is about a missing queue, not a foreign one. */
	assert_int_equal(store_mark_judge(&m, &other, true, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_REFUSE);
	assert_string_equal(err.msg, "store: d/queue.db is another database"
	    " (identity " ID_B ") than the one d/queue.mark belongs to"
	    " (identity " ID_A "); refusing to start: put the right database"
	    " back, or remove d/queue.mark to adopt this one");
	assert_int_equal(store_mark_judge(&m, &none, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_REFUSE);
	assert_string_equal(err.msg, "store: d/queue.db is another database"
	    " (identity none) than the one d/queue.mark belongs to"
	    " (identity " ID_A "); refusing to start: put the right database"
	    " back, or remove d/queue.mark to adopt this one");
}

static void
test_store_mark_judge_older_copy_is_refused(void **state)
{
	struct store_mark m = { ID_A, 4329 };
	struct store_mark_db older = { false, ID_A, 12 };
	struct terr	 err;

	(void)state;
	assert_int_equal(store_mark_judge(&m, &older, false, "d/queue.db",
	    "d/queue.mark", &err), STORE_MARK_REFUSE);
	assert_string_equal(err.msg, "store: d/queue.db ends at message id 12,"
	    " but d/queue.mark says id 4329 was committed: the database is an"
	    " older copy that lost messages; refusing to start: put the newer"
	    " database back, or remove d/queue.mark to adopt this one");
}

static struct store *
open_store(const char *dir, bool allow_empty, struct terr *err)
{
	struct store_params p;

	memset(&p, 0, sizeof(p));
	p.path = dir;
	p.allow_empty = allow_empty;
	return store_open(&p, err);
}

static void
put_one(struct store *s)
{
	struct store_msg m = { .receiver = "r", .integration = "telegram/0",
	    .dest = "tg:1:A", .payload = "x", .payload_len = 1 };
	struct store_ack ack;
	struct terr	 err;

	assert_int_equal(store_enqueue(s, &m, 1, 0, &ack, &err), 0);
}

static void
remove_db(const char *dir)
{
	char	 path[128];

	snprintf(path, sizeof(path), "%s/queue.db", dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/queue.db-wal", dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/queue.db-shm", dir);
	(void)unlink(path);
}

static void
test_store_open_refuses_a_lost_database_until_allowed(void **state)
{
	struct store	*s;
	struct store_mark m1, m2;
	struct terr	 err;
	char		 dir[64], mark[128], want[512];
	int64_t		 counts[STORE_NSTATES];
	int		 found;

	(void)state;
	scratch_make(dir, sizeof(dir), "test_store_mark");
	snprintf(mark, sizeof(mark), "%s/queue.mark", dir);
	assert_non_null(s = open_store(dir, false, &err));
	put_one(s);
	put_one(s);
	store_close(s);
	assert_int_equal(store_mark_read(mark, &m1, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_int_equal(m1.last_id, 2);

	/* Reopening the same database is fine, again and again. */
	assert_non_null(s = open_store(dir, false, &err));
	store_close(s);

	remove_db(dir);
	snprintf(want, sizeof(want), "store: %s/queue.db is empty or missing,"
	    " but %s says it held messages up to id 2; refusing to start with"
	    " an empty queue: restore the database, or start with"
	    " --storage.allow-empty to begin empty on purpose", dir, mark);
	assert_null(open_store(dir, false, &err));
	assert_string_equal(err.msg, want);
	/* Refused the same way the second time: the refusal changed nothing. */
	assert_null(open_store(dir, false, &err));
	assert_string_equal(err.msg, want);

	assert_non_null(s = open_store(dir, true, &err));
	assert_int_equal(store_count(s, counts, &err), 0);
	assert_int_equal(counts[STORE_PENDING], 0);
	store_close(s);
	assert_int_equal(store_mark_read(mark, &m2, &found, &err), 0);
	assert_string_not_equal(m2.id, m1.id);
	assert_int_equal(m2.last_id, 0);
	assert_non_null(s = open_store(dir, false, &err));
	store_close(s);
	scratch_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_mark_round_trip_and_no_temporary_left),
		cmocka_unit_test(test_store_mark_not_a_mark_is_refused_by_name),
		cmocka_unit_test(test_store_mark_new_ids_differ),
		cmocka_unit_test(test_store_mark_judge_no_mark_or_same_database_is_fine),
		cmocka_unit_test(test_store_mark_judge_empty_database_under_a_mark_is_refused),
		cmocka_unit_test(test_store_mark_judge_other_database_is_refused),
		cmocka_unit_test(test_store_mark_judge_older_copy_is_refused),
		cmocka_unit_test(test_store_open_refuses_a_lost_database_until_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
