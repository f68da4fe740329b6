/* slack_deliveries.c: deliveries per second from the durable queue to Slack
 * incoming webhooks (tests/fakes/fake_slack.py) with rate limits off. The
 * queue is filled first (rendered and committed like the intake does), then
 * a dispatcher with no rate limits is started and timed until the last
 * message is marked delivered: store_due -> store_head -> send -> mark, the
 * path every notification takes after its 200. Not a test; see README.md. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "config.h"
#include "deliver.h"
#include "dispatcher.h"
#include "log.h"
#include "payload.h"
#include "store.h"
#include "tmpl.h"

#define BATCH		64	/* notifications per commit while filling */
#define TIMEOUT_SEC	600

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for one asynchronous batch: the fill is not what is measured. */
struct waiter {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 done;
	int		 rc;
	struct terr	 err;
};

static void
stored(void *arg, int rc, const struct terr *err)
{
	struct waiter	*w = arg;

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	if (rc == -1)
		w->err = *err;
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		*len = fread(p, 1, (size_t)n, f);
		p[*len] = '\0';
	}
	fclose(f);
	return p;
}

/* NOTIFICATIONS copies of the payload, each with its own group key (so the
 * dedup window keeps them all), rendered for every slack_config of r. */
static int
fill(struct store *st, const struct config *cfg, struct tmpl_set *tmpl,
    const struct notification *src, long count, struct terr *err)
{
	const struct receiver	*r = config_receiver(cfg, "bench");
	struct sender_render_ctx ctx = { .tmpl = tmpl };
	struct deliver_batch	*b = NULL;
	struct waiter		 w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, { "" } };
	struct notification	*n;
	size_t			 idx[1] = { 0 };
	char			 key[32];
	long			 i;
	int			 rc = -1;

	for (i = 0; i < count; i++) {
		if (b == NULL && (b = deliver_batch_new()) == NULL)
			return terr_set(err, "out of memory");
		if ((n = notification_subset(src, idx, 1, "bench")) == NULL)
			goto out;
		snprintf(key, sizeof(key), "bench-%ld", i);
		free(n->group_key);
		n->group_key = strdup(key);
		rc = n->group_key == NULL ? terr_set(err, "out of memory") :
		    deliver_batch_add(b, r, n, &ctx, err);
		notification_free(n);
		if (rc == -1)
			goto out;
		rc = -1;
		if ((i + 1) % BATCH != 0 && i + 1 < count)
			continue;
		w.done = 0;
		if (deliver_batch_store_async(st, b, 0, stored, &w, err) == -1)
			goto out;
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		if (w.rc == -1) {
			*err = w.err;
			goto out;
		}
		deliver_batch_free(b);
		b = NULL;
	}
	rc = 0;
out:
	deliver_batch_free(b);
	return rc;
}

int
main(int argc, char **argv)
{
	struct store_params	 sp;
	struct dispatcher_params dp;
	struct dispatcher_stats	 ds;
	struct sender_limits	 lim;
	struct store_stats	 s0, s1;
	struct store		*st = NULL;
	struct dispatcher	*d;
	struct config		*cfg = NULL;
	struct tmpl_set		*tmpl = NULL;
	struct notification	*src = NULL;
	struct terr		 err;
	struct timespec		 tick = { 0, 1000000 };
	char			*yaml = NULL, *body = NULL, *p;
	size_t			 len, cap;
	long			 count, dests, workers, i, total;
	double			 t0, t1;
	int			 rc = 1;

	if (argc != 8) {
		fprintf(stderr, "usage: bench_slack_deliveries SLACK_BASE_URL TEMPLATE_FILE PAYLOAD"
		    " STORAGE_DIR NOTIFICATIONS DESTINATIONS WORKERS\n");
		return 2;
	}
	count = atol(argv[5]);
	dests = atol(argv[6]);
	workers = atol(argv[7]);
	if (count < 1 || dests < 1 || dests > 256 || workers < 1 || workers > 64) {
		fprintf(stderr, "bench_slack_deliveries: bad counts\n");
		return 2;
	}
	log_setup(LOGL_ERROR, LOGF_LOGFMT);
	/* One slack_config per destination: each URL is its own FIFO with
	 * one message in flight, as in the relay. */
	cap = 256 + (size_t)dests * (strlen(argv[1]) + 96);
	if ((yaml = malloc(cap)) == NULL)
		goto out;
	p = yaml;
	p += snprintf(p, cap, "route:\n  receiver: bench\nreceivers:\n- name: bench\n"
	    "  slack_configs:\n");
	for (i = 0; i < dests; i++)
		p += snprintf(p, cap - (size_t)(p - yaml),
		    "  - api_url: %s/services/T000/B000/BENCH%04ld\n", argv[1], i);
	if ((cfg = config_load_buffer("bench.yml", ".", yaml, strlen(yaml), &err)) == NULL ||
	    (tmpl = tmpl_set_new()) == NULL ||
	    tmpl_set_add_file(tmpl, argv[2], &err) == -1) {
		fprintf(stderr, "bench_slack_deliveries: %s\n", err.msg);
		goto out;
	}
	if ((body = read_file(argv[3], &len)) == NULL ||
	    (src = payload_parse(body, len, &err)) == NULL) {
		fprintf(stderr, "bench_slack_deliveries: %s: %s\n", argv[3],
		    body == NULL ? "cannot read" : err.msg);
		goto out;
	}
	memset(&sp, 0, sizeof(sp));
	sp.path = argv[4];
	if ((st = store_open(&sp, &err)) == NULL ||
	    fill(st, cfg, tmpl, src, count, &err) == -1) {
		fprintf(stderr, "bench_slack_deliveries: %s\n", err.msg);
		goto out;
	}
	total = count * dests;

	/* Rate limits off: every bucket unlimited. */
	memset(&lim, 0, sizeof(lim));
	memset(&dp, 0, sizeof(dp));
	dp.store = st;
	dp.cfg = cfg;
	dp.memo_dir = argv[4];
	/* Sends in flight at most; one kind (all Slack here) takes 3/4 of them. */
	dp.max_sends = (int)workers;
	dp.limits = &lim;
	dp.send_timeout_ms = 10000;
	store_stats(st, &s0);
	t0 = mono();
	if ((d = dispatcher_start(&dp, &err)) == NULL) {
		fprintf(stderr, "bench_slack_deliveries: %s\n", err.msg);
		goto out;
	}
	for (;;) {
		dispatcher_get_stats(d, &ds);
		if ((long)(ds.delivered + ds.dead) >= total || mono() - t0 > TIMEOUT_SEC)
			break;
		nanosleep(&tick, NULL);
	}
	t1 = mono();
	store_stats(st, &s1);
	dispatcher_stop(d);
	printf("BENCH deliveries=%" PRIu64 " expected=%ld seconds=%.3f rate=%.1f"
	    " retries=%" PRIu64 " dead=%" PRIu64 " commits=%" PRIu64
	    " destinations=%ld workers=%ld\n",
	    ds.delivered, total, t1 - t0, (double)ds.delivered / (t1 - t0),
	    ds.retries + ds.waits, ds.dead, s1.transactions - s0.transactions,
	    dests, workers);
	rc = (long)ds.delivered == total ? 0 : 1;
out:
	store_close(st);
	notification_free(src);
	tmpl_set_free(tmpl);
	config_free(cfg);
	free(body);
	free(yaml);
	return rc;
}
