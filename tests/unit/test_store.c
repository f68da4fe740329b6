/* test_store.c: the durable message store: FIFO per destination, dedup window,
 * retries holding back their destination, dead letters, pruning, reopening,
 * group commit, SIGKILL in the middle of enqueues, and a full database. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store.h"
#include "storetest.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */

struct fixture {
	char		 dir[64];
	int64_t		 now;
	struct store	*s;
	int		 wakeups;	/* on_enqueue calls */
};

static void
count_wakeup(void *arg)
{
	((struct fixture *)arg)->wakeups++;
}

static int64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static struct store *
reopen(struct fixture *f, const struct store_ops *ops)
{
	struct store_params	 p;
	struct terr		 err;

	memset(&p, 0, sizeof(p));
	storetest_params(&p, f->dir);
	p.clock = fake_clock;
	p.clock_arg = f;
	p.ops = ops;
	p.on_enqueue = count_wakeup;
	p.on_enqueue_arg = f;
	f->s = store_open(&p, &err);
	if (f->s == NULL)
		fail_msg("store_open: %s", err.msg);
	return f->s;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	storetest_reset();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 path[128];
	const char	*names[] = { "queue.db", "queue.db-wal", "queue.db-shm" };
	size_t		 i;

	store_close(f->s);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct store_msg
msg(const char *dest, const char *key, const char *payload)
{
	struct store_msg m;

	memset(&m, 0, sizeof(m));
	m.receiver = "team";
	m.integration = "telegram/0";
	m.dest = dest;
	m.dedup_key = key;
	m.payload = payload;
	m.payload_len = strlen(payload);
	return m;
}

/* Enqueues one message and returns its ack. */
static struct store_ack
put(struct store *s, const char *dest, const char *key, const char *payload,
    int64_t window)
{
	struct store_msg	 m = msg(dest, key, payload);
	struct store_ack	 ack;
	struct terr		 err;

	if (store_enqueue(s, &m, 1, window, &ack, &err) == -1)
		fail_msg("store_enqueue: %s", err.msg);
	return ack;
}

/* Asserts the head of dest: its id and payload, or none (id 0). */
static void
assert_head(struct store *s, const char *dest, int64_t id, const char *payload)
{
	struct store_entry	*e;
	struct terr		 err;

	assert_int_equal(store_head(s, dest, &e, &err), 0);
	if (id == 0) {
		assert_null(e);
		return;
	}
	assert_non_null(e);
	assert_int_equal(e->id, id);
	assert_string_equal(e->dest, dest);
	assert_int_equal(e->payload_len, strlen(payload));
	assert_memory_equal(e->payload, payload, strlen(payload));
	assert_int_equal(e->state, STORE_PENDING);
	store_entry_free(e);
}

/* The due destinations as "dest:id dest:id". */
static void
assert_due(struct store *s, const char *want)
{
	struct store_head	*h;
	struct terr		 err;
	size_t			 n, i;
	char			 got[256] = "";

	assert_int_equal(store_due(s, &h, &n, &err), 0);
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s:%" PRId64,
		    i ? " " : "", h[i].dest, h[i].id);
	store_heads_free(h, n);
	assert_string_equal(got, want);
}

static void
assert_counts(struct store *s, int64_t pending, int64_t delivered, int64_t dead)
{
	int64_t		 c[STORE_NSTATES];
	struct terr	 err;

	assert_int_equal(store_count(s, c, &err), 0);
	assert_int_equal(c[STORE_PENDING], pending);
	assert_int_equal(c[STORE_DELIVERED], delivered);
	assert_int_equal(c[STORE_DEAD], dead);
}

static void
deliver(struct store *s, int64_t id)
{
	struct terr err;

	if (store_mark_delivered(s, id, &err) == -1)
		fail_msg("store_mark_delivered: %s", err.msg);
}

static void
test_store_fifo_per_destination_interleaved(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_msg	 m[5];
	struct store_ack	 acks[5];
	struct terr		 err;
	size_t			 i;

	m[0] = msg("tg:1:A", NULL, "A1");
	m[1] = msg("tg:1:B", NULL, "B1");
	m[2] = msg("tg:1:A", NULL, "A2");
	m[3] = msg("tg:1:B", NULL, "B2");
	m[4] = msg("tg:1:A", NULL, "A3");
	assert_int_equal(store_enqueue(s, m, 5, 300000, acks, &err), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(acks[i].verdict, STORE_ACCEPTED);
		assert_int_equal(acks[i].id, (int64_t)i + 1);
	}
	assert_counts(s, 5, 0, 0);
	assert_due(s, "tg:1:A:1 tg:1:B:2");
	assert_head(s, "tg:1:A", 1, "A1");
	assert_head(s, "tg:1:B", 2, "B1");
	deliver(s, 1);
	assert_head(s, "tg:1:A", 3, "A2");
	assert_due(s, "tg:1:B:2 tg:1:A:3");
	deliver(s, 3);
	assert_head(s, "tg:1:A", 5, "A3");
	assert_head(s, "tg:1:B", 2, "B1");
	deliver(s, 2);
	assert_head(s, "tg:1:B", 4, "B2");
	deliver(s, 4);
	assert_head(s, "tg:1:B", 0, NULL);
	deliver(s, 5);
	assert_head(s, "tg:1:A", 0, NULL);
	assert_due(s, "");
	assert_counts(s, 0, 5, 0);
	assert_head(s, "tg:1:C", 0, NULL);
}

static void
test_store_entry_fields_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_entry	*e;
	struct store_ack	 ack;
	struct terr		 err;

	ack = put(s, "tg:1:A", "k1", "hello", 300000);
	assert_int_equal(store_get(s, ack.id, &e, &err), 0);
	assert_non_null(e);
	assert_int_equal(e->id, 1);
	assert_int_equal(e->created, T0);
	assert_string_equal(e->receiver, "team");
	assert_string_equal(e->integration, "telegram/0");
	assert_string_equal(e->dest, "tg:1:A");
	assert_string_equal(e->dedup_key, "k1");
	assert_string_equal((char *)e->payload, "hello");
	assert_int_equal(e->state, STORE_PENDING);
	assert_int_equal(e->attempts, 0);
	assert_int_equal(e->next_attempt, T0);
	assert_string_equal(e->last_error, "");
	assert_int_equal(e->done_at, 0);
	store_entry_free(e);
	assert_int_equal(store_get(s, 2, &e, &err), 0);
	assert_null(e);
	assert_string_equal(store_state_str(STORE_DEAD), "dead");
}

static void
test_store_dedup_within_and_after_window(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_msg	 m[3];
	struct store_ack	 ack, acks[3];
	struct terr		 err;

	ack = put(s, "tg:1:A", "k1", "first", 300000);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 1);
	assert_int_equal(f->wakeups, 1);

	f->now = T0 + 299999;
	ack = put(s, "tg:1:A", "k1", "again", 300000);
	assert_int_equal(ack.verdict, STORE_DUPLICATE);
	assert_int_equal(ack.id, 1);
	/* Nothing new stored: the dispatcher is not woken. */
	assert_int_equal(f->wakeups, 1);

	/* Within one batch: the second k2 duplicates the first. No key, no
	 * dedup. */
	m[0] = msg("tg:1:A", "k2", "x");
	m[1] = msg("tg:1:B", "k2", "y");
	m[2] = msg("tg:1:B", NULL, "z");
	assert_int_equal(store_enqueue(s, m, 3, 300000, acks, &err), 0);
	assert_int_equal(acks[0].verdict, STORE_ACCEPTED);
	assert_int_equal(acks[0].id, 2);
	assert_int_equal(acks[1].verdict, STORE_DUPLICATE);
	assert_int_equal(acks[1].id, 2);
	assert_int_equal(acks[2].verdict, STORE_ACCEPTED);
	assert_int_equal(acks[2].id, 3);
	ack = put(s, "tg:1:B", NULL, "z", 300000);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 4);
	assert_counts(s, 4, 0, 0);
	assert_int_equal(f->wakeups, 3);

	/* Delivered messages still count: the window is about acceptance. */
	deliver(s, 1);
	assert_int_equal(f->wakeups, 3);
	f->now = T0 + 299999;
	ack = put(s, "tg:1:A", "k1", "again", 300000);
	assert_int_equal(ack.verdict, STORE_DUPLICATE);

	/* The window is over exactly window_ms after acceptance. */
	f->now = T0 + 300000;
	ack = put(s, "tg:1:A", "k1", "later", 300000);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 5);

	/* A zero window disables dedup. */
	ack = put(s, "tg:1:A", "k1", "later", 0);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 6);
	assert_counts(s, 5, 1, 0);
}

/* A dropped message is no longer a duplicate's original; keys alike in
 * their first characters are still different keys. */
static void
test_store_dedup_after_drop_and_by_whole_key(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_ack	 ack;
	struct terr		 err;

	ack = put(s, "tg:1:A", "0123456789abcdef-one", "x", 300000);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(put(s, "tg:1:A", "0123456789abcdef-two", "y",
	    300000).verdict, STORE_ACCEPTED);
	assert_int_equal(put(s, "tg:1:A", "0123456789abcdef-one", "x",
	    300000).verdict, STORE_DUPLICATE);
	assert_int_equal(store_drop(s, ack.id, &err), 0);
	ack = put(s, "tg:1:A", "0123456789abcdef-one", "x", 300000);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 3);
	assert_int_equal(put(s, "tg:1:A", "0123456789abcdef-one", "x",
	    300000).verdict, STORE_DUPLICATE);
	/* And after a restart, from the table. */
	store_close(s);
	f->s = NULL;
	s = reopen(f, NULL);
	assert_int_equal(put(s, "tg:1:A", "0123456789abcdef-one", "x",
	    300000).id, 3);
	assert_int_equal(put(s, "tg:1:A", "0123456789abcdef-two", "y",
	    300000).id, 2);
	assert_counts(s, 2, 0, 0);
}

static void
test_store_retry_holds_back_only_its_destination(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_entry	*e;
	struct terr		 err;
	int64_t			 when;

	assert_int_equal(store_next_due(s, &when, &err), 0);
	assert_int_equal(when, -1);
	put(s, "tg:1:A", NULL, "A1", 0);
	put(s, "tg:1:A", NULL, "A2", 0);
	put(s, "tg:1:B", NULL, "B1", 0);
	assert_int_equal(store_mark_retry(s, 1, T0 + 60000, "HTTP 502", &err), 0);

	/* A2 is due but waits behind A1; B is not held back. */
	assert_due(s, "tg:1:B:3");
	assert_head(s, "tg:1:A", 1, "A1");
	assert_int_equal(store_head(s, "tg:1:A", &e, &err), 0);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->next_attempt, T0 + 60000);
	assert_string_equal(e->last_error, "HTTP 502");
	store_entry_free(e);
	assert_int_equal(store_next_due(s, &when, &err), 0);
	assert_int_equal(when, T0);
	deliver(s, 3);
	assert_int_equal(store_next_due(s, &when, &err), 0);
	assert_int_equal(when, T0 + 60000);

	f->now = T0 + 59999;
	assert_due(s, "");
	f->now = T0 + 60000;
	assert_due(s, "tg:1:A:1");
	assert_int_equal(store_mark_retry(s, 1, T0 + 180000, "HTTP 503", &err), 0);
	assert_int_equal(store_get(s, 1, &e, &err), 0);
	assert_int_equal(e->attempts, 2);
	assert_string_equal(e->last_error, "HTTP 503");
	store_entry_free(e);
	/* A service-requested wait reschedules without counting an attempt. */
	assert_int_equal(store_mark_wait(s, 1, T0 + 240000, "HTTP 429, retry after 60s", &err), 0);
	assert_int_equal(store_get(s, 1, &e, &err), 0);
	assert_int_equal(e->attempts, 2);
	assert_int_equal(e->next_attempt, T0 + 240000);
	assert_string_equal(e->last_error, "HTTP 429, retry after 60s");
	store_entry_free(e);
	deliver(s, 1);
	assert_due(s, "tg:1:A:2");
	assert_counts(s, 1, 2, 0);
	assert_int_equal(store_mark_wait(s, 1, T0, "late", &err), -1);
	assert_string_equal(err.msg, "store: message 1 is delivered, not pending");
}

static void
test_store_dead_retry_and_drop(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_entry	*e, *list;
	struct terr		 err;
	size_t			 n;

	put(s, "tg:1:A", NULL, "A1", 0);
	put(s, "tg:1:A", NULL, "A2", 0);
	f->now = T0 + 5;
	assert_int_equal(store_mark_dead(s, 1, "chat not found", &err), 0);
	assert_int_equal(store_get(s, 1, &e, &err), 0);
	assert_int_equal(e->state, STORE_DEAD);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->done_at, T0 + 5);
	assert_string_equal(e->last_error, "chat not found");
	store_entry_free(e);
	/* A dead message does not hold its destination back. */
	assert_head(s, "tg:1:A", 2, "A2");
	assert_counts(s, 1, 0, 1);

	assert_int_equal(store_mark_delivered(s, 1, &err), -1);
	assert_string_equal(err.msg, "store: message 1 is dead, not pending");
	assert_int_equal(store_mark_retry(s, 99, T0, "x", &err), -1);
	assert_string_equal(err.msg, "store: no message 99");

	assert_int_equal(store_list(s, 1u << STORE_DEAD, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, 1);
	assert_null(list[0].payload);
	assert_int_equal(list[0].payload_len, 2);
	assert_string_equal(list[0].last_error, "chat not found");
	store_entries_free(list, n);
	assert_int_equal(store_list(s, (1u << STORE_DEAD) | (1u << STORE_PENDING),
	    &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, 1);
	assert_int_equal(list[1].id, 2);
	store_entries_free(list, n);

	/* Back to pending keeps its place: before A2 again. */
	f->now = T0 + 10;
	assert_int_equal(store_retry(s, 1, &err), 0);
	assert_head(s, "tg:1:A", 1, "A1");
	assert_int_equal(store_get(s, 1, &e, &err), 0);
	assert_int_equal(e->attempts, 0);
	assert_int_equal(e->next_attempt, T0 + 10);
	assert_int_equal(e->done_at, 0);
	store_entry_free(e);
	assert_int_equal(store_retry(s, 1, &err), -1);
	assert_string_equal(err.msg, "store: message 1 is pending, not dead");
	assert_counts(s, 2, 0, 0);

	assert_int_equal(store_drop(s, 1, &err), 0);
	assert_int_equal(store_get(s, 1, &e, &err), 0);
	assert_null(e);
	assert_int_equal(store_drop(s, 1, &err), -1);
	assert_string_equal(err.msg, "store: no message 1");
	assert_head(s, "tg:1:A", 2, "A2");
	assert_counts(s, 1, 0, 0);
	/* Ids are never reused. */
	assert_int_equal(put(s, "tg:1:A", NULL, "A3", 0).id, 3);
}

/* The committer no longer checkpoints (store_sqlite.c's checkpointer does,
 * on its own connection): a store that keeps committing still gets its WAL
 * copied into the database while it is open, so the WAL does not grow
 * without end. */
static void
test_store_wal_checkpointed_while_open(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	char			 path[128], key[32], *payload;
	struct stat		 sb;
	int			 i;

	/* SQLite's own: test_store_pg has PostgreSQL's. */
	if (storetest_url() != NULL)
		skip();
	payload = malloc(8192);
	assert_non_null(payload);
	memset(payload, 'x', 8191);
	payload[8191] = '\0';
	/* about 3 pages a commit: past the 1000-page threshold */
	for (i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		put(s, "tg:1:A", key, payload, 60000);
	}
	snprintf(path, sizeof(path), "%s/queue.db", f->dir);
	/* the checkpoint runs beside the commits: wait for it, up to 20 s */
	for (i = 0; i < 2000; i++) {
		assert_int_equal(stat(path, &sb), 0);
		if (sb.st_size > 1024 * 1024)
			break;
		usleep(10000);
	}
	assert_true(sb.st_size > 1024 * 1024);
	assert_head(s, "tg:1:A", 1, payload);
	free(payload);
}

static void
test_store_prune_by_retention(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct terr		 err;
	int64_t			 deleted;

	put(s, "tg:1:A", NULL, "A1", 0);
	put(s, "tg:1:A", NULL, "A2", 0);
	put(s, "tg:1:A", NULL, "A3", 0);
	f->now = T0 + 1000;
	deliver(s, 1);
	f->now = T0 + 2000;
	assert_int_equal(store_mark_dead(s, 2, "HTTP 403", &err), 0);

	f->now = T0 + 1000 + 5000;
	assert_int_equal(store_prune(s, 5000, &deleted, &err), 0);
	assert_int_equal(deleted, 0);
	f->now = T0 + 1000 + 5001;
	assert_int_equal(store_prune(s, 5000, &deleted, &err), 0);
	assert_int_equal(deleted, 1);
	assert_counts(s, 1, 0, 1);
	f->now = T0 + 100000000;
	assert_int_equal(store_prune(s, 5000, &deleted, &err), 0);
	assert_int_equal(deleted, 1);
	/* Pending messages are never pruned, however old. */
	assert_counts(s, 1, 0, 0);
	assert_head(s, "tg:1:A", 3, "A3");
}

static void
sql_int(const char *dir, const char *sql, int64_t *out, const char **text)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		 path[128];
	static char	 buf[64];

	snprintf(path, sizeof(path), "%s/queue.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (out != NULL || text != NULL)
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	else
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	if (out != NULL)
		*out = sqlite3_column_int64(st, 0);
	if (text != NULL) {
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(st, 0));
		*text = buf;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_store_reopen_keeps_pending_and_schema(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_params	 p;
	struct store_entry	*e;
	struct terr		 err;
	const char		*mode;
	int64_t			 v;

	/* SQLite's own: test_store_pg has PostgreSQL's. */
	if (storetest_url() != NULL)
		skip();

	put(s, "tg:1:A", "k1", "A1", 300000);
	put(s, "tg:1:A", NULL, "A2", 0);
	put(s, "tg:1:B", NULL, "B1", 0);
	deliver(s, 3);
	assert_int_equal(store_mark_retry(s, 1, T0 + 1000, "timeout", &err), 0);
	store_close(s);
	f->s = NULL;

	sql_int(f->dir, "PRAGMA user_version", &v, NULL);
	assert_int_equal(v, 7);
	sql_int(f->dir, "PRAGMA journal_mode", NULL, &mode);
	assert_string_equal(mode, "wal");

	s = reopen(f, NULL);
	assert_counts(s, 2, 1, 0);
	assert_int_equal(store_head(s, "tg:1:A", &e, &err), 0);
	assert_int_equal(e->id, 1);
	assert_int_equal(e->attempts, 1);
	assert_int_equal(e->next_attempt, T0 + 1000);
	assert_string_equal(e->last_error, "timeout");
	store_entry_free(e);
	/* Dedup survives the restart; ids continue. */
	assert_int_equal(put(s, "tg:1:A", "k1", "A1", 300000).verdict, STORE_DUPLICATE);
	assert_int_equal(put(s, "tg:1:B", NULL, "B2", 0).id, 4);
	store_close(s);
	f->s = NULL;

	/* A database from a newer version is refused, not migrated down. */
	sql_int(f->dir, "PRAGMA user_version = 99", NULL, NULL);
	memset(&p, 0, sizeof(p));
	p.path = f->dir;
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg,
	    "store: database schema version 99 is newer than this program knows (7)");
}

/* Group commit: the first transaction is held until all 16 requests are
 * either in it or waiting, which makes the count deterministic: one
 * transaction for the first round, one for everything that queued behind. */
struct gc {
	struct store		*s;
	pthread_barrier_t	 go;
	int			 napplies;
	size_t			 first_n;	/* requests in the held transaction */
	struct store_ack	 acks[16];
	int			 rcs[16];
};

static struct gc *gc_hook;	/* the held apply finds its test here */

static int
held_apply(void *be, struct store_job **jobs, size_t n, int64_t now,
    struct terr *err)
{
	if (gc_hook->napplies++ == 0) {
		gc_hook->first_n = n;
		while (store_queued(gc_hook->s) + n < 16)
			sched_yield();
	}
	return storetest_ops()->apply(be, jobs, n, now, err);
}

struct gc_arg {
	struct gc	*gc;
	int		 i;
};

static void *
gc_thread(void *arg)
{
	struct gc_arg		*a = arg;
	struct store_msg	 m;
	struct terr		 err;
	char			 payload[16];

	snprintf(payload, sizeof(payload), "msg-%d", a->i);
	m = msg("tg:1:A", NULL, payload);
	pthread_barrier_wait(&a->gc->go);
	a->gc->rcs[a->i] = store_enqueue(a->gc->s, &m, 1, 0, &a->gc->acks[a->i],
	    &err);
	return NULL;
}

static void
test_store_group_commit_16_threads_share_transactions(void **state)
{
	struct fixture		*f = *state;
	struct store_ops	 ops = *storetest_ops();
	struct gc		 gc;
	struct gc_arg		 args[16];
	pthread_t		 th[16];
	struct store_stats	 st;
	struct store_entry	*list;
	struct terr		 err;
	size_t			 n, i;
	int			 seen[16] = { 0 }, k;

	ops.apply = held_apply;
	memset(&gc, 0, sizeof(gc));
	gc_hook = &gc;
	gc.s = reopen(f, &ops);
	pthread_barrier_init(&gc.go, NULL, 16);
	for (i = 0; i < 16; i++) {
		args[i].gc = &gc;
		args[i].i = (int)i;
		assert_int_equal(pthread_create(&th[i], NULL, gc_thread, &args[i]), 0);
	}
	for (i = 0; i < 16; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&gc.go);

	store_stats(gc.s, &st);
	assert_true(st.transactions < 16);
	/* Usually 1 + 15; 16 at once if they all queued before the first
	 * round began. */
	assert_int_equal(st.transactions, gc.first_n == 16 ? 1 : 2);
	assert_int_equal(st.requests, 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(gc.rcs[i], 0);
		assert_int_equal(gc.acks[i].verdict, STORE_ACCEPTED);
	}
	assert_int_equal(store_list(gc.s, 1u << STORE_PENDING, &list, &n, &err), 0);
	assert_int_equal(n, 16);
	for (i = 0; i < n; i++) {
		struct store_entry *e;

		assert_int_equal(store_get(gc.s, list[i].id, &e, &err), 0);
		assert_int_equal(sscanf(e->payload, "msg-%d", &k), 1);
		assert_true(k >= 0 && k < 16);
		seen[k]++;
		/* Each thread got the id its message was stored under. */
		assert_int_equal(gc.acks[k].id, e->id);
		store_entry_free(e);
	}
	for (i = 0; i < 16; i++)
		assert_int_equal(seen[i], 1);
	store_entries_free(list, n);
	gc_hook = NULL;
}

/* Crash safety: a child enqueues batches and reports each acknowledged
 * message on a pipe; the parent SIGKILLs it at several points, then checks
 * that every acknowledged message is in the store exactly once. */
#define CRASH_BATCH 3

static void
crash_child(const char *dir, int wfd, int base)
{
	struct store_params	 p;
	struct store		*s;
	struct store_msg	 m[CRASH_BATCH];
	struct store_ack	 acks[CRASH_BATCH];
	char			 keys[CRASH_BATCH][32], payload[512];
	int			 seq, i;

	memset(&p, 0, sizeof(p));
	storetest_params(&p, dir);
	if ((s = store_open(&p, NULL)) == NULL)
		_exit(2);
	memset(payload, 'p', sizeof(payload) - 1);
	payload[sizeof(payload) - 1] = '\0';
	for (seq = base; seq < base + 100000; seq += CRASH_BATCH) {
		for (i = 0; i < CRASH_BATCH; i++) {
			snprintf(keys[i], sizeof(keys[i]), "seq-%d", seq + i);
			m[i] = msg(i % 2 ? "tg:1:A" : "tg:1:B", keys[i], payload);
		}
		if (store_enqueue(s, m, CRASH_BATCH, 600000, acks, NULL) == -1)
			_exit(3);
		for (i = 0; i < CRASH_BATCH; i++) {
			int v = seq + i;

			if (acks[i].verdict != STORE_ACCEPTED ||
			    write(wfd, &v, sizeof(v)) != sizeof(v))
				_exit(4);
		}
	}
	_exit(5);
}

static void
test_store_crash_keeps_every_acknowledged_message(void **state)
{
	struct fixture		*f = *state;
	static const int	 kill_after[] = { 1, 2, 5, 13, 40, 3 };
	static char		 acked[6 * 100000];
	struct store_entry	*list;
	struct terr		 err;
	size_t			 r, n, i;
	int			 fds[2], v, got, status, nacked = 0, k;
	pid_t			 pid;
	ssize_t			 rd;

	memset(acked, 0, sizeof(acked));
	for (r = 0; r < sizeof(kill_after) / sizeof(kill_after[0]); r++) {
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(f->dir, fds[1], (int)r * 100000);
		}
		close(fds[1]);
		for (got = 0; got < kill_after[r]; got++) {
			assert_int_equal(read(fds[0], &v, sizeof(v)), sizeof(v));
			acked[v] = 1;
		}
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		/* Acknowledgements written before the kill count too. */
		while ((rd = read(fds[0], &v, sizeof(v))) == sizeof(v))
			acked[v] = 1;
		assert_int_equal(rd, 0);
		close(fds[0]);
	}

	reopen(f, NULL);
	assert_int_equal(store_list(f->s, 1u << STORE_PENDING, &list, &n, &err), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(list[i].dedup_key, "seq-%d", &k), 1);
		assert_true(k >= 0 && k < (int)sizeof(acked));
		/* 1: acknowledged, 0: in flight at the kill; 2+: twice. */
		assert_true(acked[k] <= 1);
		acked[k] += 2;
	}
	store_entries_free(list, n);
	for (k = 0; k < (int)sizeof(acked); k++) {
		if (acked[k] == 1)
			fail_msg("acknowledged message seq-%d is missing", k);
		if (acked[k] == 3)
			nacked++;
	}
	assert_true(nacked >= 1 + 2 + 5 + 13 + 40 + 3);
}

static void
test_store_full_database_fails_whole_batch_then_recovers(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct store_msg	 m[2];
	struct store_ack	 acks[2];
	struct store_entry	*e;
	struct terr		 err;
	char			*big;
	size_t			 biglen = 256 * 1024;

	/* SQLite's own: test_store_pg has PostgreSQL's. */
	if (storetest_url() != NULL)
		skip();

	put(s, "tg:1:A", NULL, "A1", 0);
	put(s, "tg:1:A", NULL, "A2", 0);
	big = malloc(biglen);
	assert_non_null(big);
	memset(big, 'S', biglen);
	memcpy(big, "SECRET", 6);

	/* Capped at its current size, the database takes no new pages. */
	assert_int_equal(store_set_max_size(s, 1, &err), 0);
	m[0] = msg("tg:1:B", "kb1", "B1");
	m[1] = msg("tg:1:B", "kb2", "x");
	m[1].payload = big;
	m[1].payload_len = biglen;
	assert_int_equal(store_enqueue(s, m, 2, 300000, acks, &err), -1);
	assert_string_equal(err.msg,
	    "store: insert failed: database or disk is full (SQLITE_FULL)");
	assert_null(strstr(err.msg, "SECRET"));
	/* Nothing of the batch, everything from before. */
	assert_counts(s, 2, 0, 0);
	assert_head(s, "tg:1:B", 0, NULL);
	assert_head(s, "tg:1:A", 1, "A1");
	assert_int_equal(store_get(s, 2, &e, &err), 0);
	assert_string_equal((char *)e->payload, "A2");
	store_entry_free(e);

	/* Space again: the same batch goes in, and its keys were never
	 * recorded by the failed attempt. */
	assert_int_equal(store_set_max_size(s, 0, &err), 0);
	assert_int_equal(store_enqueue(s, m, 2, 300000, acks, &err), 0);
	assert_int_equal(acks[0].verdict, STORE_ACCEPTED);
	assert_int_equal(acks[0].id, 3);
	assert_int_equal(acks[1].verdict, STORE_ACCEPTED);
	assert_int_equal(acks[1].id, 4);
	assert_int_equal(store_get(s, 4, &e, &err), 0);
	assert_int_equal(e->payload_len, biglen);
	assert_memory_equal(e->payload, big, biglen);
	store_entry_free(e);
	assert_counts(s, 4, 0, 0);
	free(big);
}

/* The queue CLI opens the directory while the relay has it open: both see
 * each other's commits and their writes wait for each other. */
static void
test_store_two_handles_share_one_directory(void **state)
{
	struct fixture		*f = *state;
	struct store		*relay = reopen(f, NULL), *cli;
	struct store_params	 p;
	struct store_entry	*e;
	struct terr		 err;

	memset(&p, 0, sizeof(p));
	storetest_params(&p, f->dir);
	p.clock = fake_clock;
	p.clock_arg = f;
	cli = store_open(&p, &err);
	assert_non_null(cli);
	put(relay, "tg:1:A", NULL, "A1", 0);
	put(relay, "tg:1:A", NULL, "A2", 0);
	assert_int_equal(store_mark_dead(relay, 1, "HTTP 403", &err), 0);
	assert_int_equal(store_retry(cli, 1, &err), 0);
	assert_head(relay, "tg:1:A", 1, "A1");
	assert_int_equal(store_drop(cli, 2, &err), 0);
	assert_int_equal(store_get(relay, 2, &e, &err), 0);
	assert_null(e);
	assert_int_equal(put(cli, "tg:1:A", NULL, "A3", 0).id, 3);
	assert_int_equal(put(relay, "tg:1:A", NULL, "A4", 0).id, 4);
	assert_counts(relay, 3, 0, 0);
	store_close(cli);
}

/* Producers and a dispatcher at once: every message is delivered exactly
 * once and in order per destination. */
#define SOAK_PRODUCERS	4
#define SOAK_EACH	50

struct soak {
	struct store	*s;
	int		 which;
	int		 failures;
};

static void *
soak_producer(void *arg)
{
	struct soak	*sk = arg;
	char		 dest[16], payload[16];
	struct store_msg m;
	struct store_ack ack;
	int		 i;

	snprintf(dest, sizeof(dest), "d%d", sk->which);
	for (i = 0; i < SOAK_EACH; i++) {
		snprintf(payload, sizeof(payload), "%d", i);
		m = msg(dest, NULL, payload);
		if (store_enqueue(sk->s, &m, 1, 0, &ack, NULL) == -1)
			sk->failures++;
	}
	return NULL;
}

static void
test_store_concurrent_producers_and_dispatcher(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct soak		 sk[SOAK_PRODUCERS];
	pthread_t		 th[SOAK_PRODUCERS];
	struct store_head	*h;
	struct store_entry	*e;
	struct terr		 err;
	int			 next[SOAK_PRODUCERS] = { 0 }, delivered = 0, d, i;
	size_t			 n, j;

	for (i = 0; i < SOAK_PRODUCERS; i++) {
		sk[i].s = s;
		sk[i].which = i;
		sk[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, soak_producer, &sk[i]), 0);
	}
	while (delivered < SOAK_PRODUCERS * SOAK_EACH) {
		assert_int_equal(store_due(s, &h, &n, &err), 0);
		for (j = 0; j < n; j++) {
			assert_int_equal(sscanf(h[j].dest, "d%d", &d), 1);
			assert_int_equal(store_head(s, h[j].dest, &e, &err), 0);
			assert_non_null(e);
			assert_int_equal(e->id, h[j].id);
			assert_int_equal(atoi(e->payload), next[d]);
			next[d]++;
			deliver(s, e->id);
			store_entry_free(e);
			delivered++;
		}
		store_heads_free(h, n);
		if (n == 0)
			sched_yield();
	}
	for (i = 0; i < SOAK_PRODUCERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(sk[i].failures, 0);
		assert_int_equal(next[i], SOAK_EACH);
	}
	assert_counts(s, 0, SOAK_PRODUCERS * SOAK_EACH, 0);
}

/* A VFS shim that makes fsync fail on demand, installed as SQLite's default
 * for one test, so the store's own open path is what it exercises. */
struct ffile {
	sqlite3_file	 base;
	sqlite3_file	*real;	/* follows this struct in the same block */
};

static sqlite3_vfs	*real_vfs;
static volatile int	 fail_sync;

#define REAL(f) (((struct ffile *)(f))->real)

static int
f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}

static int
f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 sz)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), sz);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (fail_sync)
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *sz)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), sz);
}

static int
f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
f_reserved(sqlite3_file *f, int *r)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r);
}

static int
f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
f_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
f_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, p);
}

static int
f_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
f_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p)
{
	return REAL(f)->pMethods->xFetch(REAL(f), o, n, p);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), o, p);
}

static const sqlite3_io_methods faulty_io = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_fcntl, f_sector, f_devchar, f_shmmap,
	f_shmlock, f_shmbarrier, f_shmunmap, f_fetch, f_unfetch,
};

static int
f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct ffile	*ff = (struct ffile *)f;
	int		 rc;

	ff->real = (sqlite3_file *)(ff + 1);
	ff->base.pMethods = NULL;
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	if (ff->real->pMethods != NULL)
		ff->base.pMethods = &faulty_io;
	return rc;
}

static void
test_store_fsync_failure_fails_batch_and_store_recovers(void **state)
{
	struct fixture		*f = *state;
	static sqlite3_vfs	 faulty;
	struct store_msg	 m[2];
	struct store_ack	 acks[2];
	struct terr		 err;
	struct store		*s;

	/* SQLite's own: test_store_pg has PostgreSQL's. */
	if (storetest_url() != NULL)
		skip();

	real_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(real_vfs);
	faulty = *real_vfs;
	faulty.zName = "faulty";
	faulty.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	faulty.xOpen = f_open;
	faulty.pNext = NULL;
	assert_int_equal(sqlite3_vfs_register(&faulty, 1), SQLITE_OK);

	s = reopen(f, NULL);
	/* Keyed, but with no window: the relay's dedup window is loaded
	 * from the table by the first enqueue that asks for one, after
	 * the restart below. */
	put(s, "tg:1:A", "k0", "A1", 0);
	store_close(s);
	f->s = NULL;
	s = reopen(f, NULL);
	fail_sync = 1;
	m[0] = msg("tg:1:B", "k1", "B1");
	m[1] = msg("tg:1:B", "k2", "B2");
	assert_int_equal(store_enqueue(s, m, 2, 300000, acks, &err), -1);
	fail_sync = 0;
	assert_string_equal(err.msg, "store: cannot commit: disk I/O error (SQLITE_IOERR)");
	/* An I/O error is damage: the store says so until it is reopened. */
	assert_false(store_healthy(s, &err));
	assert_string_equal(err.msg, "store: cannot commit: disk I/O error (SQLITE_IOERR)");
	assert_counts(s, 1, 0, 0);
	assert_head(s, "tg:1:B", 0, NULL);

	/* The same batch succeeds once the disk does; the failed attempt
	 * recorded no dedup keys. */
	assert_int_equal(store_enqueue(s, m, 2, 300000, acks, &err), 0);
	assert_int_equal(acks[0].verdict, STORE_ACCEPTED);
	assert_int_equal(acks[1].verdict, STORE_ACCEPTED);
	assert_counts(s, 3, 0, 0);
	assert_head(s, "tg:1:B", acks[0].id, "B1");
	assert_head(s, "tg:1:A", 1, "A1");
	/* The window loaded by the failed attempt went with its rollback
	 * and was loaded again. */
	assert_int_equal(put(s, "tg:1:A", "k0", "A2", 300000).verdict,
	    STORE_DUPLICATE);

	store_close(s);
	f->s = NULL;
	assert_int_equal(sqlite3_vfs_unregister(&faulty), SQLITE_OK);
	assert_int_equal(sqlite3_vfs_register(real_vfs, 1), SQLITE_OK);
	s = reopen(f, NULL);
	assert_true(store_healthy(s, NULL));
	assert_counts(s, 3, 0, 0);
}

/* store_enqueue_async: the callback comes once per request, after its
 * commit, and store_close finishes requests still queued. */
struct async_done {
	pthread_mutex_t	 mu;
	int		 calls;
	int		 rcs[3];
	int		 order[3];
	int		 visible[3];	/* its row readable when told */
};

struct async_req {
	struct async_done	*d;
	struct store		*s;
	struct store_ack	*ack;
	int			 i;
};

static void
async_cb(void *arg, int rc, const struct terr *err)
{
	struct async_req	*r = arg;
	struct store_entry	*e = NULL;
	struct terr		 rerr;

	pthread_mutex_lock(&r->d->mu);
	if (store_get(r->s, r->ack->id, &e, &rerr) == 0 && e != NULL)
		r->d->visible[r->i] = 1;
	store_entry_free(e);
	r->d->rcs[r->i] = rc;
	r->d->order[r->d->calls++] = r->i;
	pthread_mutex_unlock(&r->d->mu);
}

static void
test_store_async_enqueue_reports_after_commit_and_close_finishes_it(void **state)
{
	struct fixture		*f = *state;
	struct store		*s = reopen(f, NULL);
	struct async_done	 d = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct async_req	 r[3];
	struct store_msg	 m[3];
	struct store_ack	 acks[3];
	struct terr		 err;
	char			 payload[3][8];
	int			 i;

	for (i = 0; i < 3; i++) {
		snprintf(payload[i], sizeof(payload[i]), "A%d", i + 1);
		m[i] = msg("tg:1:A", NULL, payload[i]);
		r[i].d = &d;
		r[i].s = s;
		r[i].ack = &acks[i];
		r[i].i = i;
		assert_int_equal(store_enqueue_async(s, &m[i], 1, 0, &acks[i],
		    async_cb, &r[i], &err), 0);
	}
	store_close(s);
	f->s = NULL;
	/* All three answered before close returned, in arrival order. */
	assert_int_equal(d.calls, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(d.rcs[i], 0);
		assert_int_equal(d.order[i], i);
		assert_int_equal(d.visible[i], 1);
		assert_int_equal(acks[i].verdict, STORE_ACCEPTED);
	}
	s = reopen(f, NULL);
	assert_counts(s, 3, 0, 0);
	assert_head(s, "tg:1:A", acks[0].id, "A1");
}

/* An apply that refuses every transaction holding the payload "BAD", and
 * holds its first one until all four requests are in it or wait behind it,
 * so that BAD shares a transaction with at least one other. */
static struct store *split_store;
static size_t split_failed_n;	/* requests in the largest refused transaction */

static int
split_apply(void *be, struct store_job **jobs, size_t n, int64_t now,
    struct terr *err)
{
	static bool	 first = true;
	struct timespec	 pause = { 0, 1000000 };
	int		 i;

	if (first) {
		first = false;
		for (i = 0; i < 30000 && store_queued(split_store) + n < 4; i++)
			nanosleep(&pause, NULL);
	}
	for (size_t k = 0; k < n; k++)
		if (jobs[k]->kind == STORE_JOB_ENQUEUE &&
		    strcmp(jobs[k]->msgs[0].payload, "BAD") == 0) {
			if (n > split_failed_n)
				split_failed_n = n;
			return terr_set(err, "store: refused BAD");
		}
	return storetest_ops()->apply(be, jobs, n, now, err);
}

struct split_req {
	int		 rc;
	int		 calls;
	char		 why[TERR_MAX];
};

static void
split_cb(void *arg, int rc, const struct terr *err)
{
	struct split_req *r = arg;

	r->rc = rc;
	r->calls++;
	if (rc == -1)
		snprintf(r->why, sizeof(r->why), "%s", err->msg);
}

/* A transaction of several asynchronous requests that fails is retried
 * one request at a time: each is told its own outcome, the one that
 * cannot be stored fails alone and its neighbours are stored. */
static void
test_store_async_failed_batch_fails_only_the_bad_request(void **state)
{
	struct fixture		*f = *state;
	static struct store_ops	 ops;
	static const char *const payloads[] = { "W", "A", "BAD", "C" };
	struct split_req	 r[4];
	struct store_msg	 m[4];
	struct store_ack	 acks[4];
	struct store_entry	*e;
	struct terr		 err;
	int			 i;

	ops = *storetest_ops();
	ops.apply = split_apply;
	split_failed_n = 0;
	split_store = reopen(f, &ops);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++) {
		m[i] = msg(i == 3 ? "tg:1:C" : "tg:1:A", NULL, payloads[i]);
		assert_int_equal(store_enqueue_async(split_store, &m[i], 1, 0,
		    &acks[i], split_cb, &r[i], &err), 0);
	}
	store_close(split_store);
	f->s = NULL;
	/* BAD failed a transaction it shared, which was then retried one
	 * request at a time. */
	assert_true(split_failed_n >= 2);
	for (i = 0; i < 4; i++)
		assert_int_equal(r[i].calls, 1);
	assert_int_equal(r[0].rc, 0);
	assert_int_equal(r[1].rc, 0);
	assert_int_equal(r[2].rc, -1);
	assert_string_equal(r[2].why, "store: refused BAD");
	assert_int_equal(r[3].rc, 0);

	split_store = reopen(f, NULL);
	assert_counts(split_store, 3, 0, 0);
	for (i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		assert_int_equal(store_get(split_store, acks[i].id, &e, &err), 0);
		assert_non_null(e);
		assert_string_equal((char *)e->payload, payloads[i]);
		store_entry_free(e);
	}
}

static void
test_store_open_refuses_a_file_as_directory(void **state)
{
	struct store_params	 p;
	struct terr		 err;

	/* SQLite's own: test_store_pg has PostgreSQL's. */
	if (storetest_url() != NULL)
		skip();

	memset(&p, 0, sizeof(p));
	p.path = "/dev/null";
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: /dev/null is not a directory");
	p.path = "";
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: no storage path");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_fifo_per_destination_interleaved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_entry_fields_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_dedup_within_and_after_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_dedup_after_drop_and_by_whole_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_retry_holds_back_only_its_destination, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_dead_retry_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_wal_checkpointed_while_open,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_prune_by_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_reopen_keeps_pending_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_group_commit_16_threads_share_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_crash_keeps_every_acknowledged_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_full_database_fails_whole_batch_then_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_two_handles_share_one_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_concurrent_producers_and_dispatcher, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_fsync_failure_fails_batch_and_store_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_async_enqueue_reports_after_commit_and_close_finishes_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_async_failed_batch_fails_only_the_bad_request, setup, teardown),
		cmocka_unit_test(test_store_open_refuses_a_file_as_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
