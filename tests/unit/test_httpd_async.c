/* test_httpd_async.c: requests suspended while the store commits them, as
 * the intake does: more requests than server threads wait at once and share
 * one commit, each is answered only after that commit, a failing commit
 * answers 503 to every request of it, a client that leaves while its
 * request is suspended costs nothing (the continuation still runs once),
 * and a handler that suspends after a stop gave up waiting for it still
 * gets its resume before the server is gone. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "httpd.h"
#include "log.h"
#include "store.h"

#define NREQ		16	/* concurrent requests; the server has 2 threads */
#define BIG		(256 * 1024)

/* Holds the store's first transaction until `want` requests are in it or
 * queued behind it (or `hold` is cleared, for the disconnect test), so the
 * number of commits does not depend on timing. */
struct gate {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct store	*s;
	size_t		 want;
	bool		 hold;
	bool		 entered;	/* the first apply has begun */
	int		 napplies;
	size_t		 first_n;
	size_t		 max_waiting;	/* most requests seen in or behind it */
	int		 continued;	/* continuations run */
	int		 early;		/* 200s whose row was not readable yet */
	bool		 slow_entered;	/* h_slow is running */
	bool		 slow_release;	/* h_slow may go on */
	bool		 gave_up;	/* the stop logged that it gave up waiting */
};

static struct gate gate = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static int64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
gated_apply(void *be, struct store_job **jobs, size_t n, int64_t now,
    struct terr *err)
{
	int64_t	 deadline = mono_ms() + 30000;
	size_t	 waiting;

	pthread_mutex_lock(&gate.mu);
	if (gate.napplies++ == 0) {
		gate.first_n = n;
		gate.entered = true;
		pthread_cond_broadcast(&gate.cv);
		for (;;) {
			waiting = store_queued(gate.s) + n;
			if (waiting > gate.max_waiting)
				gate.max_waiting = waiting;
			if ((!gate.hold && waiting >= gate.want) || mono_ms() > deadline)
				break;
			pthread_mutex_unlock(&gate.mu);
			usleep(1000);
			pthread_mutex_lock(&gate.mu);
		}
	}
	pthread_mutex_unlock(&gate.mu);
	return store_sqlite_ops.apply(be, jobs, n, now, err);
}

/* One request on its way through the store. */
struct pending {
	struct httpd_req	*req;
	struct store_msg	 msg;
	struct store_ack	 ack;
	int			 rc;
	struct terr		 err;
};

static void
answer(struct httpd_req *req, void *arg)
{
	struct pending	*p = arg;
	struct store_entry *e = NULL;
	struct terr	 err;
	bool		 early = false;

	if (p->rc == 0) {
		/* Committed means readable from another connection. */
		if (store_get(gate.s, p->ack.id, &e, &err) == -1 || e == NULL)
			early = true;
		store_entry_free(e);
		httpd_reply_text(req, 200, "stored %lld", (long long)p->ack.id);
	} else
		httpd_reply_text(req, 503, "%s", p->err.msg);
	pthread_mutex_lock(&gate.mu);
	if (early)
		gate.early++;
	gate.continued++;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	free(p);
}

static void
committed(void *arg, int rc, const struct terr *err)
{
	struct pending	*p = arg;

	p->rc = rc;
	if (rc == -1)
		p->err = *err;
	httpd_resume(p->req);
}

/* The intake's shape: suspend, hand the body to the store, answer on
 * resume. The body stays valid while the request is suspended. */
static void
h_store(struct httpd_req *req, void *arg)
{
	struct store	*s = arg;
	struct pending	*p;
	struct terr	 err;
	const char	*body;
	size_t		 len;

	assert_non_null(p = calloc(1, sizeof(*p)));
	body = httpd_req_body(req, &len);
	p->req = req;
	p->msg.receiver = "team";
	p->msg.integration = "webhook/0";
	p->msg.dest = "webhook:test";
	p->msg.payload = body;
	p->msg.payload_len = len;
	httpd_suspend(req, answer, p);
	if (store_enqueue_async(s, &p->msg, 1, 0, &p->ack, committed, p, &err) == -1) {
		p->rc = -1;
		p->err = err;
		httpd_resume(req);
	}
}

/* h_store, once the test lets it go on: a handler that is still running
 * when a stop's grace period ends. */
static void
h_slow(struct httpd_req *req, void *arg)
{
	pthread_mutex_lock(&gate.mu);
	gate.slow_entered = true;
	pthread_cond_broadcast(&gate.cv);
	while (!gate.slow_release)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	h_store(req, arg);
}

static void
capture_log(const char *line, void *arg)
{
	(void)arg;
	if (strstr(line, "msg=\"Stopping the HTTP server with requests still running\"") == NULL)
		return;
	pthread_mutex_lock(&gate.mu);
	gate.gave_up = true;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}

struct fixture {
	char		 dir[64];
	struct store	*s;
	struct httpd	*h;
	char		 base[64];
};

static int
setup_grace(void **state, unsigned grace_ms)
{
	static struct store_ops ops;
	struct fixture	*f;
	struct store_params sp;
	struct httpd_params hp;
	struct terr	 err;

	assert_non_null(f = calloc(1, sizeof(*f)));
	strcpy(f->dir, "/tmp/test_httpd_async.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	ops = store_sqlite_ops;
	ops.apply = gated_apply;
	memset(&sp, 0, sizeof(sp));
	sp.path = f->dir;
	sp.ops = &ops;
	pthread_mutex_lock(&gate.mu);
	gate.napplies = 0;
	gate.first_n = gate.max_waiting = 0;
	gate.entered = gate.hold = false;
	gate.want = 1;
	gate.continued = 0;
	gate.early = 0;
	gate.slow_entered = gate.slow_release = gate.gave_up = false;
	pthread_mutex_unlock(&gate.mu);
	assert_non_null(f->s = store_open(&sp, &err));
	gate.s = f->s;
	memset(&hp, 0, sizeof(hp));
	hp.listen = "127.0.0.1:0";
	hp.max_body = 1 << 20;
	hp.threads = 2;
	hp.stop_grace_ms = grace_ms;
	assert_non_null(f->h = httpd_new(&hp, &err));
	assert_int_equal(httpd_handle(f->h, "POST", "/store", false, NULL, h_store, f->s), 0);
	assert_int_equal(httpd_handle(f->h, "POST", "/slow", false, NULL, h_slow, f->s), 0);
	assert_int_equal(httpd_start(f->h, &err), 0);
	snprintf(f->base, sizeof(f->base), "http://%s/store", httpd_address(f->h));
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_grace(state, 0);
}

/* A stop that gives running handlers 100 ms. */
static int
setup_short_grace(void **state)
{
	return setup_grace(state, 100);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 path[128];
	const char	*names[] = { "queue.db", "queue.db-wal", "queue.db-shm" };

	httpd_free(f->h);
	store_close(f->s);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_add(arg, p, size * n) == 0 ? size * n : 0;
}

/* POSTs bodies[0..n-1] concurrently (one connection each); codes and
 * answers get the results. */
static void
post_all(const char *url, const char *const *bodies, size_t n, long *codes,
    struct buf *answers)
{
	CURLM	*m;
	CURL	*c[NREQ];
	int	 running = 0, left;
	size_t	 i;

	assert_true(n <= NREQ);
	assert_non_null(m = curl_multi_init());
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
	for (i = 0; i < n; i++) {
		buf_init(&answers[i], 0);
		assert_non_null(c[i] = curl_easy_init());
		curl_easy_setopt(c[i], CURLOPT_URL, url);
		curl_easy_setopt(c[i], CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(c[i], CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c[i], CURLOPT_WRITEDATA, &answers[i]);
		curl_easy_setopt(c[i], CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(c[i], CURLOPT_FORBID_REUSE, 1L);
		curl_multi_add_handle(m, c[i]);
	}
	do {
		assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
		if (running)
			assert_int_equal(curl_multi_poll(m, NULL, 0, 100, NULL), CURLM_OK);
	} while (running);
	while (curl_multi_info_read(m, &left) != NULL)
		;
	for (i = 0; i < n; i++) {
		curl_easy_getinfo(c[i], CURLINFO_RESPONSE_CODE, &codes[i]);
		curl_multi_remove_handle(m, c[i]);
		curl_easy_cleanup(c[i]);
	}
	curl_multi_cleanup(m);
}

static void
test_httpd_async_requests_beyond_threads_share_one_commit(void **state)
{
	struct fixture	*f = *state;
	struct buf	 answers[NREQ];
	char		 bodies[NREQ][32], want[32];
	const char	*bp[NREQ];
	long		 codes[NREQ];
	int		 seen[NREQ + 1] = { 0 };
	struct store_stats st;
	struct store_entry *e;
	struct terr	 err;
	long long	 id;
	size_t		 i;

	gate.want = NREQ;
	for (i = 0; i < NREQ; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "body-%zu", i);
		bp[i] = bodies[i];
	}
	post_all(f->base, bp, NREQ, codes, answers);

	/* 16 requests waited for the store at once on 2 server threads. */
	assert_int_equal(gate.max_waiting, NREQ);
	store_stats(f->s, &st);
	assert_int_equal(st.requests, NREQ);
	assert_int_equal(st.transactions, gate.first_n == NREQ ? 1 : 2);
	for (i = 0; i < NREQ; i++) {
		assert_int_equal(codes[i], 200);
		assert_int_equal(sscanf(buf_str(&answers[i]), "stored %lld", &id), 1);
		snprintf(want, sizeof(want), "stored %lld\n", id);
		assert_string_equal(buf_str(&answers[i]), want);
		assert_true(id >= 1 && id <= NREQ);
		seen[id]++;
		/* The id answered is the row holding this request's body. */
		assert_int_equal(store_get(f->s, id, &e, &err), 0);
		assert_non_null(e);
		assert_string_equal((char *)e->payload, bodies[i]);
		store_entry_free(e);
		buf_free(&answers[i]);
	}
	for (i = 1; i <= NREQ; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(gate.continued, NREQ);
	assert_int_equal(gate.early, 0);
}

static void
test_httpd_async_failed_commit_answers_503_to_each(void **state)
{
	struct fixture	*f = *state;
	struct buf	 answers[8];
	const char	*bp[8];
	long		 codes[8];
	char		*big[8];
	int64_t		 counts[STORE_NSTATES];
	struct terr	 err;
	size_t		 i;

	/* Capped at its size, the database takes no page for a large row:
	 * SQLite's own "disk full". */
	assert_int_equal(store_set_max_size(f->s, 1, &err), 0);
	gate.want = 8;
	for (i = 0; i < 8; i++) {
		assert_non_null(big[i] = malloc(BIG + 1));
		memset(big[i], 'a' + (int)i, BIG);
		big[i][BIG] = '\0';
		bp[i] = big[i];
	}
	post_all(f->base, bp, 8, codes, answers);
	for (i = 0; i < 8; i++) {
		assert_int_equal(codes[i], 503);
		assert_string_equal(buf_str(&answers[i]),
		    "store: insert failed: database or disk is full (SQLITE_FULL)\n");
		buf_free(&answers[i]);
		free(big[i]);
	}
	assert_int_equal(gate.continued, 8);
	assert_int_equal(store_count(f->s, counts, &err), 0);
	assert_int_equal(counts[STORE_PENDING], 0);
}

static void
test_httpd_async_client_gone_while_suspended(void **state)
{
	struct fixture	*f = *state;
	static const char req[] = "POST /store HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 9\r\n\r\nleft-body";
	struct sockaddr_in sin;
	struct store_entry *e;
	struct terr	 err;
	const char	*addr = strchr(f->base, '/') + 2;
	int64_t		 deadline;
	int		 fd;

	gate.hold = true;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL), (ssize_t)(sizeof(req) - 1));

	/* The request is in the store's hands, then its client goes. */
	pthread_mutex_lock(&gate.mu);
	while (!gate.entered)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	close(fd);
	pthread_mutex_lock(&gate.mu);
	gate.hold = false;
	deadline = mono_ms() + 30000;
	while (gate.continued == 0 && mono_ms() < deadline) {
		pthread_mutex_unlock(&gate.mu);
		usleep(1000);
		pthread_mutex_lock(&gate.mu);
	}
	assert_int_equal(gate.continued, 1);
	pthread_mutex_unlock(&gate.mu);

	/* Committed all the same: the answer is what got lost, and a retry
	 * would be caught by the dedup window. */
	assert_int_equal(store_get(f->s, 1, &e, &err), 0);
	assert_non_null(e);
	assert_string_equal((char *)e->payload, "left-body");
	store_entry_free(e);
	/* teardown's httpd_free returns: nothing is left suspended. */
}

static void *
free_server(void *arg)
{
	httpd_free(arg);
	return NULL;
}

/* Waits (30 s at most) until *flag is set under gate.mu. */
static bool
wait_flag(bool *flag)
{
	int64_t	 deadline = mono_ms() + 30000;
	bool	 set;

	pthread_mutex_lock(&gate.mu);
	while (!*flag && mono_ms() < deadline) {
		pthread_mutex_unlock(&gate.mu);
		usleep(1000);
		pthread_mutex_lock(&gate.mu);
	}
	set = *flag;
	pthread_mutex_unlock(&gate.mu);
	return set;
}

static void
test_httpd_async_suspend_after_the_stop_grace_still_resumes(void **state)
{
	struct fixture	*f = *state;
	static const char req[] = "POST /slow HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 9\r\n\r\nslow-body";
	struct sockaddr_in sin;
	struct store_entry *e;
	struct terr	 err;
	const char	*addr = strchr(f->base, '/') + 2;
	pthread_t	 stopper;
	char		 answer[256];
	ssize_t		 got;
	int		 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL), (ssize_t)(sizeof(req) - 1));
	assert_true(wait_flag(&gate.slow_entered));

	/* The stop waits its grace for the running handler, gives up, and
	 * stops the server; only then does the handler suspend its request
	 * and hand it to the store. */
	log_set_sink(capture_log, NULL);
	assert_int_equal(pthread_create(&stopper, NULL, free_server, f->h), 0);
	f->h = NULL;
	assert_true(wait_flag(&gate.gave_up));
	pthread_mutex_lock(&gate.mu);
	gate.slow_release = true;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	assert_int_equal(pthread_join(stopper, NULL), 0);
	log_set_sink(NULL, NULL);

	/* httpd_free returned after the continuation ran, once: nothing is
	 * left to resume into a freed server. */
	pthread_mutex_lock(&gate.mu);
	assert_int_equal(gate.continued, 1);
	pthread_mutex_unlock(&gate.mu);
	assert_int_equal(store_get(f->s, 1, &e, &err), 0);
	assert_non_null(e);
	assert_string_equal((char *)e->payload, "slow-body");
	store_entry_free(e);

	/* The client gets the 200 or, when the stop closed the connection
	 * first, nothing: never an answer that is not the store's. */
	got = recv(fd, answer, sizeof(answer) - 1, 0);
	if (got > 0) {
		answer[got] = '\0';
		assert_memory_equal(answer, "HTTP/1.1 200 OK\r\n", 17);
	}
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_httpd_async_requests_beyond_threads_share_one_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpd_async_failed_commit_answers_503_to_each,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpd_async_client_gone_while_suspended,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_httpd_async_suspend_after_the_stop_grace_still_resumes,
		    setup_short_grace, teardown),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
