/* tgpoll.c: the getUpdates threads, their durable offsets and backoff. */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoff.h"
#include "log.h"
#include "press.h"
#include "sender.h"
#include "sender_telegram.h"
#include "tgpoll.h"

#define POLL_TIMEOUT_S	25
#define BACKOFF_BASE_MS	1000
#define BACKOFF_CAP_MS	60000
/* The poller's lease (store_lease) outlasts a long poll by this much; a
 * relay that does not hold it asks again this often. */
#define LEASE_MARGIN_S	15
#define LEASE_WAIT_MS	5000

struct poller {
	struct tgpoll		*t;
	struct outbox_gen	*gen;		/* held while the thread runs */
	struct tgbot		 bot;		/* borrows gen's config */
	char			 bot_id[32];	/* the token's public part */
	char			 cursor[48];	/* "telegram-offset:<bot id>" */
	char			 lease[48];	/* "telegram-poll:<bot id>" */
	bool			 polling;	/* holds the lease, offset read */
	pthread_t		 thread;
	struct poller		*next;
};

struct tgpoll {
	struct outbox	*ob;
	struct metric	*m_actions;
	int		 timeout_s;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 stopping;	/* under mu; read unlocked by cancel */
	struct poller	*pollers;
};

static bool
cancelled(void *arg)
{
	struct tgpoll *t = arg;

	return __atomic_load_n(&t->stopping, __ATOMIC_ACQUIRE);
}

/* Sleeps ms or until stopped; true when stopped. */
static bool
pause_ms(struct tgpoll *t, int64_t ms)
{
	struct timespec	 ts;
	bool		 stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&t->mu);
	while (!t->stopping && pthread_cond_timedwait(&t->cv, &t->mu, &ts) == 0)
		;
	stop = t->stopping;
	pthread_mutex_unlock(&t->mu);
	return stop;
}

/* Acts on each update and moves the cursor past it; -1 when the cursor
 * cannot be stored (the caller backs off and polls the same ones again). */
static int
handle_all(struct poller *p, const struct tg_update *u, size_t n,
    int64_t *offset)
{
	struct press_env env = {
		.store = outbox_store(p->t->ob),
		.cfg = outbox_gen_config(p->gen),
		.m_actions = p->t->m_actions,
	};
	struct terr	 err;

	for (size_t i = 0; i < n; i++) {
		if (cancelled(p->t))
			break;		/* the rest come again after a restart */
		if (u[i].update_id < *offset)
			continue;	/* already acted on */
		press_handle(&env, &p->bot, &u[i]);
		if (store_cursor_put(env.store, p->cursor, u[i].update_id + 1,
		    &err) == -1) {
			log_error("Cannot store the Telegram update offset", "bot",
			    p->bot_id, "err", err.msg);
			return -1;
		}
		*offset = u[i].update_id + 1;
	}
	return 0;
}

/* One getUpdates round; returns the wait before the next one (0: at once),
 * counting failures in *fails. */
static int64_t
poll_once(struct poller *p, int64_t *offset, int *fails)
{
	struct backoff		 bo = { BACKOFF_BASE_MS, BACKOFF_CAP_MS, 0, NULL, NULL };
	struct tgbot_answer	 a;
	struct tg_update	*u = NULL;
	struct terr		 err;
	size_t			 n = 0;
	int64_t			 wait = 0;

	if (tgbot_get_updates(&p->bot, *offset, p->t->timeout_s, &u, &n, &a,
	    &err) == -1) {
		if (!cancelled(p->t))
			log_warn("Telegram getUpdates failed", "bot", p->bot_id,
			    "err", err.msg);
		return backoff_delay(&bo, ++*fails);
	}
	if (a.status == 200) {
		*fails = 0;
		if (handle_all(p, u, n, offset) == -1)
			wait = backoff_delay(&bo, ++*fails);
	} else if (a.status == 409) {
		/* Telegram gives one bot's updates to one poller, and none
		 * while a webhook is set: say which bot, keep trying. */
		log_warn("Another program is polling this Telegram bot, or it "
		    "has a webhook set; button presses may go there. Retrying",
		    "bot", p->bot_id, "status", "409", "description",
		    a.description);
		wait = backoff_delay(&bo, ++*fails);
	} else if (a.status == 429 && a.retry_after >= 0)
		wait = a.retry_after * 1000;
	else {
		char st[16];

		snprintf(st, sizeof(st), "%ld", a.status);
		log_warn("Telegram getUpdates refused", "bot", p->bot_id,
		    "status", st, "description", a.description);
		wait = backoff_delay(&bo, ++*fails);
	}
	tg_updates_free(u, n);
	return wait;
}

/*
 * Telegram gives a bot's updates to one poller (a second gets 409), and a
 * press must be handled once: of several relays on one database, the one
 * holding the bot's lease polls, for a lease longer than a long poll. It
 * reads the offset whenever it takes the lease over, since the relay that
 * polled before moved it on. Whether it can poll is asked before each
 * round; false while the offset cannot be read.
 */
static bool
take_lease(struct poller *p, int64_t *offset)
{
	struct store	*s = outbox_store(p->t->ob);
	struct terr	 err;
	bool		 held;

	if (store_lease(s, p->lease, ((int64_t)p->t->timeout_s + LEASE_MARGIN_S) *
	    1000, &held, &err) == -1) {
		log_error("Cannot take the Telegram poller's lease", "bot",
		    p->bot_id, "err", err.msg);
		p->polling = false;
		return false;
	}
	if (!held) {
		if (p->polling)
			log_info("Another relay polls this Telegram bot now",
			    "bot", p->bot_id);
		p->polling = false;
		return false;
	}
	if (p->polling)
		return true;
	if (store_cursor_get(s, p->cursor, offset, &err) == -1) {
		log_error("Cannot read the Telegram update offset", "bot",
		    p->bot_id, "err", err.msg);
		return false;
	}
	log_info("Polling Telegram for button presses", "bot", p->bot_id);
	p->polling = true;
	return true;
}

static void *
poller_main(void *arg)
{
	struct poller	*p = arg;
	int64_t		 offset = 0, wait;
	int		 fails = 0;

	while (!cancelled(p->t)) {
		if (!take_lease(p, &offset)) {
			if (pause_ms(p->t, LEASE_WAIT_MS))
				break;
			continue;
		}
		wait = poll_once(p, &offset, &fails);
		if (wait > 0 && pause_ms(p->t, wait))
			break;
	}
	return NULL;
}

struct tgpoll *
tgpoll_new(const struct tgpoll_params *pp, struct terr *err)
{
	struct tgpoll	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	t->ob = pp->ob;
	t->timeout_s = pp->poll_timeout_s > 0 ? pp->poll_timeout_s : POLL_TIMEOUT_S;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pp->metrics != NULL &&
	    (t->m_actions = press_metric(pp->metrics)) == NULL) {
		terr_set(err, "cannot register tocsin_actions_total");
		tgpoll_free(t);
		return NULL;
	}
	return t;
}

struct metric *
tgpoll_actions_metric(struct tgpoll *t)
{
	return t->m_actions;
}

void
tgpoll_stop(struct tgpoll *t)
{
	struct poller	*p, *next;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	__atomic_store_n(&t->stopping, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	for (p = t->pollers; p != NULL; p = next) {
		next = p->next;
		pthread_join(p->thread, NULL);
		outbox_release(t->ob, p->gen);
		free(p);
	}
	t->pollers = NULL;
	__atomic_store_n(&t->stopping, false, __ATOMIC_RELEASE);
}

/* Whether a poller for token already runs. */
static bool
polled(const struct tgpoll *t, const char *token)
{
	for (const struct poller *p = t->pollers; p != NULL; p = p->next)
		if (strcmp(p->bot.token, token) == 0)
			return true;
	return false;
}

static int
start(struct tgpoll *t, const struct telegram_config *c, struct terr *err)
{
	struct poller	*p;
	size_t		 n;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return terr_set(err, "out of memory");
	p->t = t;
	p->gen = outbox_hold(t->ob);
	p->bot.api = c->api_url;
	p->bot.token = c->bot_token;
	p->bot.http = &c->http;
	p->bot.cancel = cancelled;
	p->bot.cancel_arg = t;
	n = strcspn(c->bot_token, ":");
	snprintf(p->bot_id, sizeof(p->bot_id), "%.*s", (int)n, c->bot_token);
	snprintf(p->cursor, sizeof(p->cursor), "telegram-offset:%s", p->bot_id);
	snprintf(p->lease, sizeof(p->lease), "telegram-poll:%s", p->bot_id);
	if (pthread_create(&p->thread, NULL, poller_main, p) != 0) {
		outbox_release(t->ob, p->gen);
		free(p);
		return terr_set(err, "cannot start a Telegram poller thread");
	}
	p->next = t->pollers;
	t->pollers = p;
	return 0;
}

int
tgpoll_restart(struct tgpoll *t, struct terr *err)
{
	struct outbox_gen	*g;
	const struct config	*cfg;
	const struct receiver	*r;
	const struct telegram_config *c;
	size_t			 k, i, ri;
	int			 rc = 0;

	tgpoll_stop(t);
	if ((g = outbox_hold(t->ob)) == NULL)
		return 0;
	cfg = outbox_gen_config(g);
	for (k = 0; sender_kind_at(k) != NULL; k++)
		if (sender_kind_at(k) == &sender_telegram_ops)
			break;
	for (ri = 0; sender_kind_at(k) != NULL && rc == 0 &&
	    ri < config_receiver_count(cfg); ri++) {
		r = config_receiver_at(cfg, ri);
		for (i = 0; rc == 0 && i < sender_kind_count(r, k); i++) {
			c = sender_kind_config(r, k, i);
			if (c->actions.enabled && c->bot_token != NULL &&
			    !polled(t, c->bot_token))
				rc = start(t, c, err);
		}
	}
	outbox_release(t->ob, g);
	return rc;
}

void
tgpoll_free(struct tgpoll *t)
{
	if (t == NULL)
		return;
	tgpoll_stop(t);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
