/* test_store_pg.c: what only the PostgreSQL store has: a versioned schema
 * that refuses a newer one, URLs described without their password, the
 * dedup key, the destination leases, the named leases, the rate-limit
 * buckets and the wake-ups shared by two handles on one database (two
 * relays), and no size cap. Runs under tests/lib/with_pg.sh
 * (unit/test_store_pg@pg); without TOCSIN_TEST_PG_URL it exits 77, the
 * skip of unit/test_store_pg. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <libpq-fe.h>

#include "ratelimit.h"
#include "store.h"
#include "storetest.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */

static int64_t
fixed_clock(void *arg)
{
	return T0;
}

/* The test database, opened with p (and the fixed clock unless p has a
 * clock); the test fails if it cannot be. */
static struct store *
open_params(struct store_params *p)
{
	struct terr	 err;
	struct store	*s;

	p->url = storetest_url();
	if (p->clock == NULL)
		p->clock = fixed_clock;
	if ((s = store_open(p, &err)) == NULL)
		fail_msg("store_open: %s", err.msg);
	return s;
}

static struct store *
open_pg(int64_t lease_ms)
{
	struct store_params p = { .lease_ms = lease_ms };

	return open_params(&p);
}

/* Runs sql in the test database; its first value into out (may be NULL). */
static void
sql(const char *q, char *out, size_t len)
{
	PGconn		*c = PQconnectdb(storetest_url());
	PGresult	*res;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	res = PQexec(c, q);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQerrorMessage(c));
	if (out != NULL)
		snprintf(out, len, "%s", PQntuples(res) > 0 ?
		    PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	PQfinish(c);
}

static int
setup(void **state)
{
	storetest_reset();
	return 0;
}

static struct store_ack
put(struct store *s, const char *dest, const char *key, const char *payload)
{
	struct store_msg	 m;
	struct store_ack	 ack;
	struct terr		 err;

	memset(&m, 0, sizeof(m));
	m.receiver = "team";
	m.integration = "webhook/0";
	m.dest = dest;
	m.dedup_key = key;
	m.payload = payload;
	m.payload_len = strlen(payload);
	if (store_enqueue(s, &m, 1, 300000, &ack, &err) == -1)
		fail_msg("store_enqueue: %s", err.msg);
	return ack;
}

/* The due destinations as "dest:id dest:id". */
static void
assert_due(struct store *s, const char *want)
{
	struct store_head	*h;
	struct terr		 err;
	size_t			 n, i;
	char			 got[256] = "";

	if (store_due(s, &h, &n, &err) == -1)
		fail_msg("store_due: %s", err.msg);
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s%s:%" PRId64, i ? " " : "", h[i].dest, h[i].id);
	store_heads_free(h, n);
	assert_string_equal(got, want);
}

static void
test_pg_schema_is_versioned_and_a_newer_one_refused(void **state)
{
	struct store_params	 p;
	struct store		*s;
	struct terr		 err;
	char			 v[32];

	s = open_pg(0);
	store_close(s);
	sql("SELECT version FROM tocsin_schema", v, sizeof(v));
	assert_string_equal(v, "2");
	/* Opening again migrates nothing. */
	s = open_pg(0);
	store_close(s);
	sql("SELECT version FROM tocsin_schema", v, sizeof(v));
	assert_string_equal(v, "2");

	sql("UPDATE tocsin_schema SET version = 99", NULL, 0);
	memset(&p, 0, sizeof(p));
	p.url = storetest_url();
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: database schema version 99 is newer"
	    " than this program knows (2): a newer tocsin migrated it; run that one");
}

static void
test_pg_describe_leaves_the_password_out(void **state)
{
	char	 out[128];

	store_pg_describe("postgresql://relay:hunter2@db.lan:5433/tocsin", out,
	    sizeof(out));
	assert_string_equal(out, "postgresql://relay@db.lan:5433/tocsin");
	store_pg_describe("postgresql://relay:hunter2@db.lan/tocsin"
	    "?sslmode=require&password=other", out, sizeof(out));
	assert_string_equal(out, "postgresql://relay@db.lan/tocsin");
	store_pg_describe("host=db.lan user=relay password=hunter2 dbname=q",
	    out, sizeof(out));
	assert_string_equal(out, "postgresql://relay@db.lan/q");
	store_pg_describe("postgresql://[", out, sizeof(out));
	assert_string_equal(out, "postgresql://<unparsable>");
}

/* Nothing listens on port 1: libpq's error names the address, never the
 * password. */
static void
test_pg_connect_error_has_no_password(void **state)
{
	struct store_params	 p;
	struct terr		 err;

	memset(&p, 0, sizeof(p));
	p.url = "postgresql://relay:hunter2secret@127.0.0.1:1/tocsin";
	assert_null(store_open(&p, &err));
	assert_non_null(strstr(err.msg, "store: cannot connect to PostgreSQL: "));
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	assert_null(strstr(err.msg, "hunter2secret"));
	p.url = "postgresql://relay:hunter2secret@127.0.0.1:1/tocsin?bogus=1";
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: invalid --storage.url: invalid URI"
	    " query parameter: \"<secret>\"");
	/* libpq's own messages would quote the password or the whole URL. */
	p.url = "postgresql://relay:hunter2%zzsecret@127.0.0.1:1/tocsin";
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: invalid --storage.url: invalid"
	    " percent-encoded token: \"<secret>\"");
	p.url = "postgresql://relay:hunter2secret@[::1/tocsin";
	assert_null(store_open(&p, &err));
	assert_null(strstr(err.msg, "hunter2secret"));
	p.url = "postgresql://relay:hunter2@secret@127.0.0.1:1/tocsin";
	assert_null(store_open(&p, &err));
	assert_string_equal(err.msg, "store: invalid --storage.url: more than one"
	    " '@' before the host; write an '@' in the user or password as %40");
}

/* The same notification posted to two relays: queued once, and the
 * second relay's answer names the first one's message. */
static void
test_pg_dedup_key_is_shared_by_two_relays(void **state)
{
	struct store		*a = open_pg(0), *b = open_pg(0);
	struct store_ack	 ka, kb;
	int64_t			 c[STORE_NSTATES];
	struct terr		 err;

	ka = put(a, "wh:1", "key-1", "one");
	kb = put(b, "wh:1", "key-1", "one");
	assert_int_equal(ka.verdict, STORE_ACCEPTED);
	assert_int_equal(kb.verdict, STORE_DUPLICATE);
	assert_int_equal(kb.id, ka.id);
	/* Dropped, the message forgets its key, as SQLite's does. */
	assert_int_equal(store_drop(a, ka.id, &err), 0);
	kb = put(b, "wh:1", "key-1", "one");
	assert_int_equal(kb.verdict, STORE_ACCEPTED);
	assert_int_equal(store_count(a, c, &err), 0);
	assert_int_equal(c[STORE_PENDING], 1);
	store_close(a);
	store_close(b);
}

/* Two relays posting the same 40 keys at once: each key queued once. */
struct racer {
	struct store	*s;
	int		 accepted;
	int		 failed;
};

static void *
race(void *arg)
{
	struct racer	*r = arg;
	struct store_msg m;
	struct store_ack ack;
	char		 key[16];
	int		 i;

	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "race-%d", i);
		memset(&m, 0, sizeof(m));
		m.receiver = "team";
		m.integration = "webhook/0";
		m.dest = "wh:1";
		m.dedup_key = key;
		m.payload = key;
		m.payload_len = strlen(key);
		if (store_enqueue(r->s, &m, 1, 300000, &ack, NULL) == -1)
			r->failed++;
		else if (ack.verdict == STORE_ACCEPTED)
			r->accepted++;
	}
	return NULL;
}

static void
test_pg_concurrent_relays_queue_each_key_once(void **state)
{
	struct racer	 r[2] = { { open_pg(0), 0, 0 }, { open_pg(0), 0, 0 } };
	pthread_t	 th[2];
	int64_t		 c[STORE_NSTATES];
	struct terr	 err;
	int		 i;

	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(r[0].failed + r[1].failed, 0);
	assert_int_equal(r[0].accepted + r[1].accepted, 40);
	assert_int_equal(store_count(r[0].s, c, &err), 0);
	assert_int_equal(c[STORE_PENDING], 40);
	store_close(r[0].s);
	store_close(r[1].s);
}

/* A destination is one relay's while its lease runs: the other sees none
 * of its messages as due. A closed relay hands its destinations over at
 * once; one that stops renewing (killed) when its lease ran out. */
static void
test_pg_destination_leases_hand_over(void **state)
{
	struct store		*a = open_pg(0), *b = open_pg(0), *c;
	struct timespec		 pause = { 0, 400 * 1000000L };

	put(a, "wh:1", NULL, "one");
	put(a, "wh:2", NULL, "two");
	assert_due(a, "wh:1:1 wh:2:2");
	assert_due(b, "");
	/* Renewing its own lease keeps it a's. */
	assert_due(a, "wh:1:1 wh:2:2");
	put(b, "wh:3", NULL, "three");
	assert_due(b, "wh:3:3");
	assert_due(a, "wh:1:1 wh:2:2");
	store_close(a);
	assert_due(b, "wh:1:1 wh:2:2 wh:3:3");

	/* c takes wh:4 for 300 ms and never comes back. */
	c = open_pg(300);
	put(c, "wh:4", NULL, "four");
	assert_due(c, "wh:4:4");
	assert_due(b, "wh:1:1 wh:2:2 wh:3:3");
	nanosleep(&pause, NULL);
	assert_due(b, "wh:1:1 wh:2:2 wh:3:3 wh:4:4");
	assert_due(c, "");
	store_close(c);
	store_close(b);
}

/* Work one relay of several does: a named lease (a bot's poller), and the
 * receipts' and timers' leases inside their due reads. */
static void
test_pg_named_leases_pick_one_relay(void **state)
{
	struct store		*a = open_pg(0), *b = open_pg(0);
	struct store_timer	 t;
	struct store_escalation	*e;
	struct store_ack	 ack;
	struct timespec		 pause = { 0, 400 * 1000000L };
	struct terr		 err;
	size_t			 n;
	bool			 held;

	assert_int_equal(store_lease(a, "telegram-poll:1", 300, &held, &err), 0);
	assert_true(held);
	assert_int_equal(store_lease(b, "telegram-poll:1", 300, &held, &err), 0);
	assert_false(held);
	assert_int_equal(store_lease(a, "telegram-poll:1", 300, &held, &err), 0);
	assert_true(held);
	/* Not renewed: it runs out and b takes it. */
	nanosleep(&pause, NULL);
	assert_int_equal(store_lease(b, "telegram-poll:1", 300, &held, &err), 0);
	assert_true(held);
	assert_int_equal(store_lease(a, "telegram-poll:1", 300, &held, &err), 0);
	assert_false(held);

	memset(&t, 0, sizeof(t));
	t.receiver = "team";
	t.group_key = "{}:{alertname=\"X\"}";
	t.body = "{}";
	assert_int_equal(store_enqueue_timers(a, NULL, 0, 0, &ack, &t, 1, &err), 0);
	assert_int_equal(store_escalation_due(a, T0 + 1, 10, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	store_escalations_free(e, n);
	assert_int_equal(store_escalation_due(b, T0 + 1, 10, &e, &n, &err), 0);
	assert_int_equal(n, 0);
	store_escalations_free(e, n);
	/* A closed store gives its leases up at once. */
	store_close(a);
	assert_int_equal(store_escalation_due(b, T0 + 1, 10, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	store_escalations_free(e, n);
	store_close(b);
}

/* Counts a store's on_enqueue calls. */
struct wakes {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 n;
};

static void
count_wake(void *arg)
{
	struct wakes *w = arg;

	pthread_mutex_lock(&w->mu);
	w->n++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* w->n once it is at least want or 5 s passed. */
static int
wakes_wait(struct wakes *w, int want)
{
	struct timespec	 ts;
	int		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&w->mu);
	while (w->n < want &&
	    pthread_cond_timedwait(&w->cv, &w->mu, &ts) == 0)
		;
	n = w->n;
	pthread_mutex_unlock(&w->mu);
	return n;
}

static struct store *
open_pg_woken(struct wakes *w)
{
	struct store_params p = { .on_enqueue = count_wake,
	    .on_enqueue_arg = w };

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->n = 0;
	return open_params(&p);
}

/* A commit that stores a new message (or puts a dead one back) wakes the
 * other relays' dispatchers through LISTEN/NOTIFY, once; the committing
 * relay is woken by its committer only, and a duplicate wakes no one. */
static void
test_pg_a_commit_wakes_the_other_relays(void **state)
{
	struct wakes		 wa, wb;
	struct store		*a = open_pg_woken(&wa), *b = open_pg_woken(&wb);
	struct store_ack	 ack;
	struct terr		 err;
	char			 n[16] = "";
	int			 i;

	/* Both listeners connected: a NOTIFY before a LISTEN is not heard. */
	for (i = 0; i < 500 && strcmp(n, "2") != 0; i++) {
		sql("SELECT count(*) FROM pg_stat_activity"
		    " WHERE query = 'LISTEN tocsin_queue'", n, sizeof(n));
		if (strcmp(n, "2") != 0)
			usleep(10000);
	}
	assert_string_equal(n, "2");

	ack = put(a, "wh:1", "key-1", "one");
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(wakes_wait(&wb, 1), 1);
	assert_int_equal(put(b, "wh:1", "key-1", "one").verdict, STORE_DUPLICATE);
	usleep(300000);
	assert_int_equal(wakes_wait(&wa, 1), 1);
	assert_int_equal(wakes_wait(&wb, 1), 1);

	assert_int_equal(store_mark_dead(a, ack.id, "gone", &err), 0);
	assert_int_equal(store_retry(b, ack.id, &err), 0);
	assert_int_equal(wakes_wait(&wa, 2), 2);
	usleep(300000);
	assert_int_equal(wakes_wait(&wb, 1), 1);
	store_close(a);
	store_close(b);
	pthread_mutex_destroy(&wa.mu);
	pthread_cond_destroy(&wa.cv);
	pthread_mutex_destroy(&wb.mu);
	pthread_cond_destroy(&wb.cv);
}

/* The clock of two relays' stores and limiters in the rate tests. */
static int64_t rate_ms;

static int64_t
rate_clock(void *arg)
{
	return rate_ms;
}

static struct store *
open_pg_rate(void)
{
	struct store_params p = { .clock = rate_clock };

	return open_params(&p);
}

static struct rl_want
want(const char *key, double per_sec, double burst, bool shared)
{
	struct rl_want	 w;

	memset(&w, 0, sizeof(w));
	snprintf(w.key, sizeof(w.key), "%s", key);
	w.rate.per_sec = per_sec;
	w.rate.burst = burst;
	w.shared = shared;
	return w;
}

/* Two relays, each with its limiter on one database, share a bucket to the
 * token: burst 3 at 1/s allows 3 takes over both, and the 4th waits until
 * the first token is back, on either. */
static void
test_pg_two_limiters_share_a_bucket_exactly(void **state)
{
	struct store		*a, *b;
	struct ratelimit	*ra, *rb;
	struct rl_want		 w = want("tg-bot:1", 1, 3, true);
	char			 v[64];

	rate_ms = T0;
	a = open_pg_rate();
	b = open_pg_rate();
	assert_non_null(ra = ratelimit_new(rate_clock, NULL));
	assert_non_null(rb = ratelimit_new(rate_clock, NULL));
	assert_true(store_rate_share(a, ra));
	assert_true(store_rate_share(b, rb));

	assert_int_equal(ratelimit_take(ra, &w, 1), 0);
	assert_int_equal(ratelimit_take(rb, &w, 1), 0);
	assert_int_equal(ratelimit_take(ra, &w, 1), 0);
	assert_int_equal(ratelimit_take(rb, &w, 1), 1000);
	assert_int_equal(ratelimit_take(ra, &w, 1), 1000);
	rate_ms += 400;
	assert_int_equal(ratelimit_take(ra, &w, 1), 600);
	rate_ms += 599;
	assert_int_equal(ratelimit_take(rb, &w, 1), 1);
	rate_ms += 1;
	assert_int_equal(ratelimit_take(rb, &w, 1), 0);
	assert_int_equal(ratelimit_take(ra, &w, 1), 1000);
	/* Refused takes took nothing: one token after one more second. */
	rate_ms += 1000;
	assert_int_equal(ratelimit_take(ra, &w, 1), 0);
	assert_int_equal(ratelimit_take(rb, &w, 1), 1000);
	sql("SELECT tokens || ' ' || (stamp - 1795441725000) FROM rate_buckets"
	    " WHERE key = 'tg-bot:1'", v, sizeof(v));
	assert_string_equal(v, "0 2000");

	ratelimit_free(ra);
	ratelimit_free(rb);
	store_close(a);
	store_close(b);
}

/* A database of schema version 1 (before the buckets) with a message in it
 * is migrated at open: the message stays, and takes are shared. */
static void
test_pg_version_1_database_gains_the_buckets(void **state)
{
	struct store		*a, *b;
	struct ratelimit	*ra, *rb;
	struct rl_want		 w = want("tg-bot:1", 1, 1, true);
	struct terr		 err;
	int64_t			 c[STORE_NSTATES];
	char			 v[32];

	rate_ms = T0;
	a = open_pg_rate();
	assert_int_equal(put(a, "wh:1", "key-1", "one").verdict, STORE_ACCEPTED);
	store_close(a);
	sql("DROP FUNCTION tocsin_rate_take; DROP TABLE rate_buckets;"
	    " UPDATE tocsin_schema SET version = 1", NULL, 0);

	a = open_pg_rate();
	b = open_pg_rate();
	sql("SELECT version FROM tocsin_schema", v, sizeof(v));
	assert_string_equal(v, "2");
	assert_int_equal(store_count(a, c, &err), 0);
	assert_int_equal(c[STORE_PENDING], 1);
	assert_non_null(ra = ratelimit_new(rate_clock, NULL));
	assert_non_null(rb = ratelimit_new(rate_clock, NULL));
	assert_true(store_rate_share(a, ra));
	assert_true(store_rate_share(b, rb));
	assert_int_equal(ratelimit_take(ra, &w, 1), 0);
	assert_int_equal(ratelimit_take(rb, &w, 1), 1000);
	ratelimit_free(ra);
	ratelimit_free(rb);
	store_close(a);
	store_close(b);
}

/* A chat's bucket goes with the chat to the relay that takes it over,
 * including the refill restarted when the send was answered; a take over a
 * chat and a bot is all or nothing across relays. */
static void
test_pg_a_destination_bucket_moves_with_its_lease(void **state)
{
	struct store		*a, *b;
	struct ratelimit	*ra, *rb;
	struct rl_want		 w[2];

	rate_ms = T0;
	a = open_pg_rate();
	b = open_pg_rate();
	assert_non_null(ra = ratelimit_new(rate_clock, NULL));
	assert_non_null(rb = ratelimit_new(rate_clock, NULL));
	assert_true(store_rate_share(a, ra));
	assert_true(store_rate_share(b, rb));
	w[0] = want("tg-chat:1:42", 1, 1, false);
	w[1] = want("tg-bot:1", 1, 2, true);

	/* A sends to chat 42; the answer comes 300 ms later. */
	assert_int_equal(ratelimit_take(ra, w, 2), 0);
	rate_ms += 300;
	ratelimit_done(ra, w, 2);
	/* B took the chat over: its token is back a second after the
	 * answer, not after the take. */
	rate_ms += 800;
	assert_int_equal(ratelimit_take(rb, w, 2), 200);
	/* Refused for the chat, the bot's token stays: one left of two
	 * (the take plus 1.1 s of refill, capped at the burst). */
	assert_int_equal(ratelimit_take(rb, &w[1], 1), 0);
	assert_int_equal(ratelimit_take(ra, &w[1], 1), 0);
	assert_int_equal(ratelimit_take(ra, &w[1], 1), 1000);
	rate_ms += 200;
	/* The chat has its token, the bot has not: all or nothing. */
	assert_int_equal(ratelimit_take(rb, w, 2), 800);
	rate_ms += 800;
	assert_int_equal(ratelimit_take(rb, w, 2), 0);

	ratelimit_free(ra);
	ratelimit_free(rb);
	store_close(a);
	store_close(b);
}

static void
test_pg_size_cap_is_refused(void **state)
{
	struct store	*s = open_pg(0);
	struct terr	 err;

	assert_int_equal(store_set_max_size(s, 0, &err), 0);
	assert_int_equal(store_set_max_size(s, 1 << 20, &err), -1);
	assert_string_equal(err.msg, "store: --storage.max-bytes caps the SQLite"
	    " store only; PostgreSQL's size is the server's to limit");
	assert_true(store_reachable(s, NULL));
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pg_schema_is_versioned_and_a_newer_one_refused, setup),
		cmocka_unit_test_setup(test_pg_describe_leaves_the_password_out, setup),
		cmocka_unit_test_setup(test_pg_connect_error_has_no_password, setup),
		cmocka_unit_test_setup(test_pg_dedup_key_is_shared_by_two_relays, setup),
		cmocka_unit_test_setup(test_pg_concurrent_relays_queue_each_key_once, setup),
		cmocka_unit_test_setup(test_pg_destination_leases_hand_over, setup),
		cmocka_unit_test_setup(test_pg_named_leases_pick_one_relay, setup),
		cmocka_unit_test_setup(test_pg_two_limiters_share_a_bucket_exactly, setup),
		cmocka_unit_test_setup(test_pg_a_destination_bucket_moves_with_its_lease, setup),
		cmocka_unit_test_setup(test_pg_version_1_database_gains_the_buckets, setup),
		cmocka_unit_test_setup(test_pg_a_commit_wakes_the_other_relays, setup),
		cmocka_unit_test_setup(test_pg_size_cap_is_refused, setup),
	};

	if (storetest_url() == NULL) {
		printf("SKIP: no TOCSIN_TEST_PG_URL (unit/test_store_pg@pg runs"
		    " these tests)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
