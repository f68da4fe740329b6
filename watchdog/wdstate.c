/* wdstate.c: the live checks under one lock (see wdstate.h).
 *
 * Why one lock around signal, notification and persistence together: the
 * order of a check's events must be the order of its messages in the queue
 * (a DOWN must never be sent after the RECOVERED that follows it) and of its
 * rows on disk. The lock covers the change in memory and queueing its row;
 * the commit (an fsync) happens outside it, on the store's committer, which
 * writes every row waiting in one transaction, so a ping's 200 waits for
 * its commit without making the next ping wait for it.
 *
 * Why notify before persisting: a crash between the two then repeats a
 * DOWN after the restart (the check comes back up, then goes down again),
 * where the other order would lose it: at least once, as for the relay.
 * And a notification the queue refuses (a full disk) takes the check back
 * to its state before the event, so that the event happens again (the
 * client's retry after our 503, the next tick) instead of being lost. */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "duration.h"
#include "log.h"
#include "redact.h"
#include "prober.h"
#include "registry.h"
#include "tmpl.h"
#include "config_tmpl.h"
#include "wdnotify.h"
#include "wdstate.h"

/* How soon a tick whose notification the queue refused runs again. */
#define TICK_RETRY_MS	1000

struct wdstate {
	struct wdstate_params	 p;
	pthread_mutex_t		 mu;
	struct outbox_gen	*gen;		/* held; its owner is the wdconfig */
	struct metric		*m_notif;
	struct metric		*m_failed;
	struct metric		*m_fallbacks;
	struct metric		*m_leader;
	bool			 leading;	/* under mu */
	int64_t			 next_poll;	/* a pair's; the scheduler's */
	int64_t			 seen;		/* checkstate_load_changed's */
	int64_t			 held_at;	/* the last renewal that held */
	bool			 lease_ok;	/* the last renewal held */
	bool			 db_failing;	/* the last renewal failed */
};

struct wdstate *
wdstate_new(const struct wdstate_params *p, struct terr *err)
{
	static const char *const ce[] = { "check", "event", NULL };
	static const char *const rl[] = { "receiver", NULL };
	struct wdstate	*ws;

	if ((ws = calloc(1, sizeof(*ws))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	ws->p = *p;
	pthread_mutex_init(&ws->mu, NULL);
	ws->m_notif = metrics_counter(p->metrics, "tocsin_watchdog_notifications_total",
	    "Notifications committed to the queue, by check and event (down, reminder, recovered).",
	    ce);
	ws->m_failed = metrics_counter(p->metrics,
	    "tocsin_watchdog_notifications_failed_total",
	    "Notifications that could not be committed to the queue, by check and event.", ce);
	ws->m_fallbacks = metrics_counter(p->metrics, "tocsin_template_fallbacks_total",
	    "Total number of templated fields that failed to render and went out with the fallback text, by receiver.",
	    rl);
	/* Alone, a watchdog always leads: a rule summing the metric over a
	 * pair's two hosts holds for one watchdog as well. */
	ws->leading = p->pair == NULL;
	if ((ws->m_leader = metrics_gauge(p->metrics, "tocsin_watchdog_leader",
	    "1 while this watchdog evaluates deadlines and notifies (always, alone; the leader of a pair), 0 while it follows.",
	    NULL)) == NULL || metric_set(ws->m_leader, NULL, ws->leading) == -1) {
		terr_set(err, "cannot register watchdog metrics");
		wdstate_free(ws);
		return NULL;
	}
	if (ws->m_notif == NULL || ws->m_failed == NULL || ws->m_fallbacks == NULL) {
		terr_set(err, "cannot register watchdog metrics");
		wdstate_free(ws);
		return NULL;
	}
	return ws;
}

void
wdstate_free(struct wdstate *ws)
{
	if (ws == NULL)
		return;
	outbox_release(ws->p.ob, ws->gen);
	pthread_mutex_destroy(&ws->mu);
	free(ws);
}

static struct wdconfig *
current(const struct wdstate *ws)
{
	return outbox_gen_owner(ws->gen);
}

static void
changed(struct wdstate *ws)
{
	if (ws->p.on_change)
		ws->p.on_change(ws->p.on_change_arg);
}

/* How a change is stored: wait for its commit (done NULL), or queue it and
 * have done(arg, ...) called after the commit (see checkstate_save_async). */
struct persist_how {
	checkstate_done_fn	 done;
	void			*arg;
};

static void
log_not_stored(void *arg, const char *name, int rc, const struct terr *err)
{
	(void)arg;
	if (rc == -1)
		log_error("Check state not stored", "check", name, "err", err->msg);
}

/* 0 stored, 1 queued (how->done follows), -1 failed (logged). */
static int
persist_with(struct wdstate *ws, const struct check *c, const struct persist_how *how,
    struct terr *err)
{
	struct check_record	 rec;
	int			 rc;

	check_snapshot(c, &rec);
	if (how != NULL && how->done != NULL)
		rc = checkstate_save_async(ws->p.cs, &rec, how->done, how->arg, err);
	else
		rc = checkstate_save(ws->p.cs, &rec, err);
	if (rc == -1) {
		log_error("Check state not stored", "check", check_name(c), "err", err->msg);
		return -1;
	}
	return how != NULL && how->done != NULL ? 1 : 0;
}

static int
persist(struct wdstate *ws, const struct check *c, struct terr *err)
{
	return persist_with(ws, c, NULL, err);
}

static void
log_event(const struct check_notif *cn, const char *receiver)
{
	char	 dur[64];

	switch (cn->kind) {
	case CHECK_NOTIF_DOWN:
		log_warn("Check down", "check", cn->name, "reason", cn->reason,
		    "receiver", receiver);
		break;
	case CHECK_NOTIF_REMINDER:
		log_warn("Check still down", "check", cn->name, "reason", cn->reason,
		    "receiver", receiver);
		break;
	case CHECK_NOTIF_RECOVERED:
		duration_format(cn->down_ms - cn->down_ms % 1000, dur, sizeof(dur));
		log_info("Check recovered", "check", cn->name, "down_for", dur,
		    "receiver", receiver);
		break;
	case CHECK_NOTIF_NONE:
		break;
	}
}

static int
notify(struct wdstate *ws, const struct check_notif *cn, struct terr *err)
{
	const struct wdconfig_check *wcc = wdconfig_check(current(ws), cn->name);
	const struct receiver *r = wdconfig_receiver(current(ws), wcc->receiver);
	const char	*const lv[] = { cn->name, check_notif_kind_name(cn->kind) };
	struct store	*st = outbox_store(ws->p.ob);
	uint64_t	 fallbacks = 0;
	int		 rc;

	log_event(cn, r->name);
	if (st == NULL)
		rc = terr_set(err, "the delivery queue is not open");
	else
		rc = wdnotify_send(st, r, outbox_gen_templates(ws->gen), cn, &fallbacks, err);
	if (fallbacks)
		(void)metric_add(ws->m_fallbacks, (const char *const[]){ r->name },
		    (double)fallbacks);
	if (rc == -1) {
		log_error("Notification not stored", "check", cn->name, "err", err->msg);
		(void)metric_add(ws->m_failed, lv, 1);
		return -1;
	}
	(void)metric_add(ws->m_notif, lv, 1);
	return 0;
}

/* A copy of c's state to go back to; NULL when memory runs out (then an
 * unqueued notification is lost, and logged). Caller frees with check_free. */
static struct check *
save(const struct check *c)
{
	struct check	*s;
	struct terr	 err;
	struct wd_time	 unused = { 0, 0 };

	if ((s = check_new(check_conf(c), &err)) != NULL)
		check_adopt(s, c, &unused);
	return s;
}

/* What an event function returned: notify, then persist. saved (may be
 * NULL) is c before the event. */
static int
apply(struct wdstate *ws, struct check *c, const struct check *saved, int ev,
    const struct check_notif *cn, const struct persist_how *how, struct terr *err)
{
	struct wd_time	 unused = { 0, 0 };

	if ((ev & CHECK_EV_NOTIFY) && notify(ws, cn, err) == -1) {
		if (saved != NULL)
			check_adopt(c, saved, &unused);
		return -1;
	}
	if (ev & (CHECK_EV_PERSIST | CHECK_EV_NOTIFY))
		return persist_with(ws, c, how, err);
	return 0;
}

static void
free_wdconfig(void *wc)
{
	wdconfig_free(wc);
}

/* A reload: each new check takes over the running one of its name. Under
 * ws->mu. Failures to store are logged: the states live on in memory. */
static void
carry_over(struct wdstate *ws, struct registry *old, struct registry *reg,
    const struct wd_time *now)
{
	struct check	*c, *o;
	struct terr	 err;
	size_t		 i;

	for (i = 0; i < registry_count(reg); i++) {
		c = registry_at(reg, i);
		if ((o = registry_find(old, check_name(c))) == NULL)
			continue;
		if (check_conf(o)->kind == check_conf(c)->kind)
			check_adopt(c, o, now);
		else
			/* Another kind under the same name is another check:
			 * it starts new, and so does its stored state. */
			(void)persist(ws, c, &err);
	}
	registry_touch_all(reg);
	for (i = 0; i < registry_count(old); i++) {
		o = registry_at(old, i);
		if (registry_find(reg, check_name(o)) == NULL &&
		    checkstate_delete(ws->p.cs, check_name(o), &err) == -1)
			log_error("Check state not removed", "check", check_name(o),
			    "err", err.msg);
	}
}

int
wdstate_load(struct wdstate *ws, struct wdconfig *wc, struct terr *err)
{
	static const struct tmpl_builtin *const builtins[] = {
		&tmpl_builtin_tocsin, &tmpl_builtin_watchdog,
	};
	struct outbox_gen *g, *old;
	struct tmpl_set	*tmpl;
	struct wd_time	 now;

	if ((tmpl = tmpl_set_for_config_am(wdconfig_config(wc), ws->p.tmpl_am,
	    builtins, 2, err)) == NULL) {
		wdconfig_free(wc);
		return -1;
	}
	wd_time_now(&now);
	/* Before the first load nothing else runs yet: no lock needed. */
	if (ws->gen == NULL &&
	    registry_restore(wdconfig_registry(wc), ws->p.cs, &now, err) == -1) {
		tmpl_set_free(tmpl);
		wdconfig_free(wc);
		return -1;
	}
	if (outbox_load(ws->p.ob, wdconfig_config(wc), tmpl, wc, free_wdconfig, err) == -1)
		return -1;
	/* Loads are serialised by the caller (core/daemon), so this is the
	 * generation just loaded. */
	g = outbox_hold(ws->p.ob);
	pthread_mutex_lock(&ws->mu);
	old = ws->gen;
	if (old != NULL) {
		wd_time_now(&now);
		carry_over(ws, wdconfig_registry(outbox_gen_owner(old)),
		    wdconfig_registry(wc), &now);
	}
	ws->gen = g;
	pthread_mutex_unlock(&ws->mu);
	outbox_release(ws->p.ob, old);
	/* The YAML tree of a large config (a million nodes for 100,000
	 * checks) is gone by now, but glibc keeps its pages: hand them back,
	 * so the resident size is the checks', not the load's peak. */
	(void)malloc_trim(0);
	changed(ws);
	return 0;
}

bool
wdstate_kind(struct wdstate *ws, const char *name, enum check_kind *kind)
{
	struct check	*c = NULL;

	pthread_mutex_lock(&ws->mu);
	if (ws->gen != NULL &&
	    (c = registry_find(wdconfig_registry(current(ws)), name)) != NULL)
		*kind = check_conf(c)->kind;
	pthread_mutex_unlock(&ws->mu);
	return c != NULL;
}

/* A signal for c, under ws->mu. */
static enum wdstate_result
signal_locked(struct wdstate *ws, struct check *c, enum check_signal_kind sig,
    const char *rid, const char *body, size_t bodylen, const char *reason,
    const struct persist_how *how, struct terr *err)
{
	struct registry		*reg = wdconfig_registry(current(ws));
	enum wdstate_result	 res = WDSTATE_OK;
	struct check_notif	 cn;
	struct check		*saved;
	struct wd_time		 now;
	int			 ev, paused;

	wd_time_now(&now);
	saved = save(c);
	paused = check_paused(c);
	ev = check_signal(c, sig, &now, rid, body, bodylen, reason, &cn);
	switch (apply(ws, c, saved, ev, &cn, how, err)) {
	case -1:
		res = WDSTATE_FAILED;
		break;
	case 1:
		res = WDSTATE_PENDING;
		break;
	}
	if (res != WDSTATE_FAILED && paused && !check_paused(c))
		log_info("Check resumed by a success", "check", check_name(c));
	registry_touch(reg, c);
	check_free(saved);
	return res;
}

/* One of a pair: the signal goes to the database, for the leader to apply
 * (wdpair.h). Its commit is the answer's: with how->done, queued for the
 * next group commit (WDSTATE_PENDING, done follows), else waited for. */
static enum wdstate_result
queue_signal(struct wdstate *ws, const char *name, enum check_kind want,
    enum wdpair_op op, enum check_signal_kind sig, const char *rid,
    const char *body, size_t bodylen, const char *reason,
    const struct persist_how *how, struct terr *err)
{
	struct wdpair_signal	 s;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.kind = want;
	s.op = op;
	s.sig = sig;
	snprintf(s.rid, sizeof(s.rid), "%s", rid != NULL ? rid : "");
	s.body = body;
	s.bodylen = bodylen;
	s.reason = reason;
	if (how != NULL && how->done != NULL) {
		if (wdpair_put_async(ws->p.pair, &s, how->done, how->arg, err) == 0)
			return WDSTATE_PENDING;
	} else if (wdpair_put(ws->p.pair, &s, err) == 0)
		return WDSTATE_OK;
	log_error("Signal not stored", "check", name, "err", err->msg);
	return WDSTATE_FAILED;
}

static enum wdstate_result
signal_with(struct wdstate *ws, const char *name, enum check_kind want,
    enum check_signal_kind sig, const char *rid, const char *body,
    size_t bodylen, const char *reason,
    enum check_kind *actual, const struct persist_how *how, struct terr *err)
{
	enum wdstate_result	 res;
	struct registry		*reg = NULL;
	struct check		*c;
	int64_t			 before = CHECK_NEVER, after = CHECK_NEVER;

	pthread_mutex_lock(&ws->mu);
	if (ws->gen != NULL)
		reg = wdconfig_registry(current(ws));
	if (reg == NULL || (c = registry_find(reg, name)) == NULL)
		res = WDSTATE_UNKNOWN;
	else if (check_conf(c)->kind != want) {
		*actual = check_conf(c)->kind;
		res = WDSTATE_WRONG_KIND;
	} else if (ws->p.pair != NULL) {
		pthread_mutex_unlock(&ws->mu);
		return queue_signal(ws, name, want, WDPAIR_SIGNAL, sig, rid, body,
		    bodylen, reason, how, err);
	} else {
		before = registry_next_deadline(reg, NULL);
		res = signal_locked(ws, c, sig, rid, body, bodylen, reason, how,
		    err);
		after = registry_next_deadline(reg, NULL);
	}
	pthread_mutex_unlock(&ws->mu);
	/* The scheduler sleeps until the earliest deadline it saw: only an
	 * earlier one needs it now. A ping usually moves its check's deadline
	 * later, and waking the scheduler for each would cost a thread switch
	 * and a turn of the lock per ping. */
	if (after < before)
		changed(ws);
	return res;
}

enum wdstate_result
wdstate_signal(struct wdstate *ws, const char *name, enum check_kind want,
    enum check_signal_kind sig, const char *body, size_t bodylen, const char *reason,
    enum check_kind *actual, struct terr *err)
{
	return signal_with(ws, name, want, sig, NULL, body, bodylen, reason,
	    actual, NULL, err);
}

enum wdstate_result
wdstate_signal_async(struct wdstate *ws, const char *name, enum check_kind want,
    enum check_signal_kind sig, const char *rid, const char *body,
    size_t bodylen, const char *reason,
    enum check_kind *actual, checkstate_done_fn done, void *arg, struct terr *err)
{
	struct persist_how	how = { done, arg };

	return signal_with(ws, name, want, sig, rid, body, bodylen, reason,
	    actual, &how, err);
}

enum wdstate_result
wdstate_probe_result(struct wdstate *ws, const struct wdstate_probe *pr, bool fresh,
    const char *reason, struct terr *err)
{
	const struct wdconfig_check *wcc = NULL;
	enum wdstate_result	 res = WDSTATE_UNKNOWN;
	struct check		*c;
	char			 clean[CHECK_REASON_MAX];

	pthread_mutex_lock(&ws->mu);
	if (ws->gen != NULL) {
		wcc = wdconfig_check(current(ws), pr->name);
		/* Prometheus's error may quote the request, and the reason
		 * goes to the API, the state and the notification: the
		 * config's secrets (its prometheus_url's) out first. */
		snprintf(clean, sizeof(clean), "%s", reason != NULL ? reason : "");
		redactor_fix(config_redactor(wdconfig_config(current(ws))),
		    clean, sizeof(clean));
		reason = clean;
	}
	/* A reload while the query ran may have changed the question: its
	 * answer would judge the check by settings it no longer has. */
	if (wcc != NULL && wcc->conf.kind == CHECK_FRESHNESS &&
	    prober_same_question(&wcc->fresh, &pr->fresh) &&
	    (c = registry_find(wdconfig_registry(current(ws)), pr->name)) != NULL)
		res = signal_locked(ws, c, fresh ? CHECK_SIG_SUCCESS : CHECK_SIG_FAIL,
		    NULL, NULL, 0, fresh ? NULL : reason, NULL, err);
	pthread_mutex_unlock(&ws->mu);
	if (res != WDSTATE_UNKNOWN)
		changed(ws);
	return res;
}

/* Pauses or resumes c, under ws->mu. */
static enum wdstate_result
pause_locked(struct wdstate *ws, struct check *c, bool pause,
    const struct persist_how *how, struct terr *err)
{
	struct wd_time	 now;
	int		 ev;

	wd_time_now(&now);
	ev = pause ? check_pause(c, &now) : check_resume(c, &now);
	if (ev != 0)
		log_info(pause ? "Check paused" : "Check resumed", "check",
		    check_name(c));
	/* Stored even when nothing changed: the retry of a pause whose
	 * store failed (503) finds the check paused already, and its 200
	 * must mean the pause survives a restart. */
	registry_touch(wdconfig_registry(current(ws)), c);
	if (persist_with(ws, c, how, err) == -1)
		return WDSTATE_FAILED;
	return WDSTATE_OK;
}

enum wdstate_result
wdstate_pause(struct wdstate *ws, const char *name, bool pause, struct terr *err)
{
	enum wdstate_result	 res;
	struct check		*c;

	pthread_mutex_lock(&ws->mu);
	if (ws->gen == NULL ||
	    (c = registry_find(wdconfig_registry(current(ws)), name)) == NULL) {
		pthread_mutex_unlock(&ws->mu);
		return WDSTATE_UNKNOWN;
	}
	if (ws->p.pair != NULL) {
		enum check_kind kind = check_conf(c)->kind;

		pthread_mutex_unlock(&ws->mu);
		return queue_signal(ws, name, kind, pause ? WDPAIR_PAUSE :
		    WDPAIR_RESUME, CHECK_SIG_SUCCESS, NULL, NULL, 0, NULL, NULL, err);
	}
	res = pause_locked(ws, c, pause, NULL, err);
	pthread_mutex_unlock(&ws->mu);
	changed(ws);
	return res;
}

/* Ticks c (due now) and touches it back into the heap; -1 when its
 * notification or state was not stored. */
static int
tick_one(struct wdstate *ws, struct registry *reg, struct check *c,
    const struct wd_time *now)
{
	/* Queued, not waited for: 100,000 checks going late at once are a
	 * few commits, not 100,000 fsyncs under the lock. A failure is
	 * logged; the state lives on in memory. */
	static const struct persist_how how = { log_not_stored, NULL };
	struct check_notif	 cn;
	struct check		*saved;
	struct terr		 err;
	int			 ev, rc;

	saved = save(c);
	ev = check_tick(c, now, &cn);
	rc = apply(ws, c, saved, ev, &cn, &how, &err);
	check_free(saved);
	registry_touch(reg, c);
	return rc == -1 ? -1 : 0;
}

static int64_t
tick_checks(struct wdstate *ws)
{
	struct registry		*reg;
	struct check		*c, **due = NULL, **nd;
	struct wd_time		 now;
	int64_t			 next;
	size_t			 i, n = 0, alloc = 0;
	int			 failed = 0;

	pthread_mutex_lock(&ws->mu);
	if (ws->gen == NULL) {
		pthread_mutex_unlock(&ws->mu);
		return CHECK_NEVER;
	}
	reg = wdconfig_registry(current(ws));
	wd_time_now(&now);
	/* Only checks whose deadline has come can change: the heap hands out
	 * those, all of them before any is ticked, so that one whose
	 * notification fails (due again at once) waits for the retry. */
	while ((c = registry_pop_due(reg, now.mono_ms)) != NULL) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			if ((nd = reallocarray(due, alloc, sizeof(*due))) == NULL) {
				/* Put it back; the rest waits for the retry. */
				registry_touch(reg, c);
				failed = 1;
				break;
			}
			due = nd;
		}
		due[n++] = c;
	}
	for (i = 0; i < n; i++)
		if (tick_one(ws, reg, due[i], &now) == -1)
			failed = 1;
	free(due);
	next = registry_next_deadline(reg, NULL);
	pthread_mutex_unlock(&ws->mu);
	/* A refused notification comes due again at once: try again in a
	 * second rather than spin. */
	if (failed && next < now.mono_ms + TICK_RETRY_MS)
		next = now.mono_ms + TICK_RETRY_MS;
	return next;
}

/* Loads the committed states into the configured checks (check_restore:
 * down stays down without a new DOWN, up gets a full period + grace from
 * now): those saved since *since (see checkstate_load_changed; 0: all).
 * Unlike registry_restore it removes nothing: the rows are the pair's.
 * Under ws->mu. */
static int
restore_locked(struct wdstate *ws, int64_t *since, struct terr *err)
{
	struct check_record	*recs = NULL;
	struct registry		*reg = wdconfig_registry(current(ws));
	struct check		*c;
	struct wd_time		 now;
	size_t			 n = 0, i;

	if (checkstate_load_changed(ws->p.cs, since, &recs, &n, err) == -1)
		return -1;
	wd_time_now(&now);
	for (i = 0; i < n; i++)
		if ((c = registry_find(reg, recs[i].name)) != NULL)
			check_restore(c, &recs[i], &now);
	registry_touch_all(reg);
	checkstate_records_free(recs, n);
	return 0;
}

/* Applies one queued signal, under ws->mu: -1 when its notification or
 * state could not be stored (it is applied again later). A check that is
 * gone, or now of another kind (a reload since), takes nothing. */
static int
apply_queued(struct wdstate *ws, const struct wdpair_signal *s,
    const struct persist_how *how)
{
	struct check	*c;
	struct terr	 err;

	c = registry_find(wdconfig_registry(current(ws)), s->name);
	if (c == NULL || check_conf(c)->kind != s->kind)
		return 0;
	switch (s->op) {
	case WDPAIR_PAUSE:
	case WDPAIR_RESUME:
		return pause_locked(ws, c, s->op == WDPAIR_PAUSE, how, &err) ==
		    WDSTATE_FAILED ? -1 : 0;
	case WDPAIR_SIGNAL:
		break;
	}
	return signal_locked(ws, c, s->sig, s->rid[0] ? s->rid : NULL, s->body,
	    s->bodylen, s->reason, how, &err) == WDSTATE_FAILED ? -1 : 0;
}

#define DRAIN_BATCH	512

/*
 * The leader applies every queued signal, its own and the other's, before
 * it looks at a deadline: a ping the follower answered 200 counts as if it
 * had come here. The rows go once the states they made are committed, so a
 * leader that dies in between leaves them to the next one (see wdpair.c).
 * -1: stop before the deadlines, whose checks may miss a success.
 */
static int
drain(struct wdstate *ws, struct terr *err)
{
	static const struct persist_how how = { log_not_stored, NULL };
	struct wdpair_signal	*v;
	size_t			 n, i;
	uint64_t		 mark;
	int			 rc = 0;

	do {
		if (wdpair_take(ws->p.pair, DRAIN_BATCH, &v, &n, err) == -1)
			return -1;
		if (n == 0)
			break;
		mark = checkstate_mark(ws->p.cs);
		pthread_mutex_lock(&ws->mu);
		for (i = 0; i < n && ws->gen != NULL; i++)
			if (apply_queued(ws, &v[i], &how) == -1) {
				rc = terr_set(err, "check \"%s\": its notification "
				    "or state was not stored", v[i].name);
				break;
			}
		pthread_mutex_unlock(&ws->mu);
		if (checkstate_flush(ws->p.cs, mark, err) == -1 ||
		    wdpair_done(ws->p.pair, v, i, err) == -1)
			rc = -1;
		wdpair_signals_free(v, n);
	} while (rc == 0 && i == DRAIN_BATCH);
	return rc;
}

static void
set_leading(struct wdstate *ws, bool leading)
{
	pthread_mutex_lock(&ws->mu);
	ws->leading = leading;
	pthread_mutex_unlock(&ws->mu);
	(void)metric_set(ws->m_leader, NULL, leading ? 1 : 0);
}

/*
 * wdstate_tick for one of a pair (on the scheduler's thread only).
 *
 * Why a leader whose renewal failed (the database did not answer) neither
 * steps down nor ticks: it holds the lease until the lease's length after
 * its last renewal (timed from before that call), and nobody else can
 * lead before then, so the checks it has in memory stay right; stepping
 * down would reload them, and every up check would get a new period +
 * grace at each hiccup of the database. It only ticks right after a
 * renewal that held: acting on a lease it may have lost could send what
 * the other one sends too. Past the lease's length it steps down.
 */
static int64_t
pair_tick(struct wdstate *ws)
{
	int64_t		 now = mono_ms(), poll = wdpair_poll_ms(ws->p.pair), next;
	bool		 held, was;
	struct terr	 err;
	int64_t		 all = 0;
	int		 rc;

	pthread_mutex_lock(&ws->mu);
	was = ws->leading;
	pthread_mutex_unlock(&ws->mu);
	if (now >= ws->next_poll) {
		ws->next_poll = now + poll;
		if (wdpair_lead(ws->p.pair, &held, &err) == -1) {
			/* Once per outage, not every second. */
			if (!ws->db_failing)
				log_error("Watchdog lease not renewed", "err", err.msg);
			ws->db_failing = true;
			ws->lease_ok = false;
			if (was && now - ws->held_at < wdpair_lease_ms(ws->p.pair))
				return ws->next_poll;
			held = false;
		} else {
			ws->db_failing = false;
			if ((ws->lease_ok = held))
				ws->held_at = now;
		}
		if (held && !was) {
			/* The other one's last committed states, then its
			 * queue (below): nothing it notified is notified
			 * again, nothing it heard is missed. Our own saves
			 * still queued (from when we last led) first, or
			 * they would land on top of its. */
			rc = checkstate_flush(ws->p.cs, checkstate_mark(ws->p.cs), &err);
			pthread_mutex_lock(&ws->mu);
			if (rc == 0 && ws->gen != NULL)
				rc = restore_locked(ws, &all, &err);
			pthread_mutex_unlock(&ws->mu);
			if (rc == -1) {
				log_error("Cannot take over the checks", "err", err.msg);
				held = false;
			}
		}
		/* The metric first, then the log: who reads the log finds
		 * the metric saying so too. */
		if (held != was)
			set_leading(ws, held);
		if (held && !was)
			log_info("Leading the watchdog pair: deadlines and "
			    "notifications are this watchdog's");
		else if (!held && was) {
			log_warn("No longer leading the watchdog pair: the other "
			    "watchdog's deadlines and notifications");
			ws->seen = 0;
		}
		was = held;
		if (!held && !ws->db_failing) {
			/* What the API and /metrics show: the leader's last
			 * committed states, those it changed since the last
			 * look. */
			pthread_mutex_lock(&ws->mu);
			rc = ws->gen != NULL ? restore_locked(ws, &ws->seen, &err) : 0;
			pthread_mutex_unlock(&ws->mu);
			if (rc == -1)
				log_error("Cannot read the check states", "err", err.msg);
		}
	}
	if (!was || !ws->lease_ok)
		return ws->next_poll;
	if (drain(ws, &err) == -1) {
		log_error("Queued signals not applied: deadlines wait", "err", err.msg);
		return now + TICK_RETRY_MS < ws->next_poll ? now + TICK_RETRY_MS :
		    ws->next_poll;
	}
	next = tick_checks(ws);
	return next < ws->next_poll ? next : ws->next_poll;
}

int64_t
wdstate_tick(struct wdstate *ws)
{
	if (ws->p.pair != NULL)
		return pair_tick(ws);
	return tick_checks(ws);
}

bool
wdstate_leading(struct wdstate *ws)
{
	bool	 leading;

	pthread_mutex_lock(&ws->mu);
	leading = ws->leading;
	pthread_mutex_unlock(&ws->mu);
	return leading;
}

void
wdstate_probes_free(struct wdstate_probe *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(p[i].fresh.prometheus_url);
		free(p[i].fresh.query);
	}
	free(p);
}

int
wdstate_probes(struct wdstate *ws, struct wdstate_probe **out, size_t *n, struct terr *err)
{
	const struct wdconfig_check *wcc;
	struct wdstate_probe *v = NULL;
	struct wdconfig	*wc;
	size_t		 i, k = 0, cnt;

	pthread_mutex_lock(&ws->mu);
	wc = ws->gen ? current(ws) : NULL;
	cnt = wc ? wdconfig_check_count(wc) : 0;
	if (cnt > 0 && (v = calloc(cnt, sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < cnt; i++) {
		wcc = wdconfig_check_at(wc, i);
		if (wcc->conf.kind != CHECK_FRESHNESS)
			continue;
		snprintf(v[k].name, sizeof(v[k].name), "%s", wcc->conf.name);
		v[k].fresh = wcc->fresh;
		v[k].fresh.prometheus_url = strdup(wcc->fresh.prometheus_url);
		v[k].fresh.query = strdup(wcc->fresh.query);
		k++;
		if (v[k - 1].fresh.prometheus_url == NULL || v[k - 1].fresh.query == NULL)
			goto oom;
	}
	pthread_mutex_unlock(&ws->mu);
	*out = v;
	*n = k;
	return 0;
 oom:
	pthread_mutex_unlock(&ws->mu);
	wdstate_probes_free(v, k);
	return terr_set(err, "out of memory");
}

/* An RFC 3339 time (UTC, milliseconds), or JSON null for 0. */
static json_t *
jtime(int64_t wall_ms)
{
	struct tstamp	 t;
	char		 s[48];

	if (wall_ms == 0)
		return json_null();
	memset(&t, 0, sizeof(t));
	t.sec = wall_ms / 1000;
	t.nsec = (int32_t)(wall_ms % 1000) * 1000000;
	snprintf(t.zone, sizeof(t.zone), "UTC");
	tstamp_format_rfc3339(&t, s, sizeof(s));
	return json_string(s);
}

/* A monotonic deadline as wall time, or null for none. */
static json_t *
jdeadline(int64_t mono, const struct wd_time *now)
{
	if (mono == CHECK_NEVER)
		return json_null();
	return jtime(now->wall_ms + (mono - now->mono_ms));
}

/* When the check next expects a success (wall ms, 0: never): when an up
 * check becomes late; for a scheduled check that is not up, the
 * schedule's next time from now. A schedule fires on whole minutes: the
 * instant is rounded to the second, so that drift between the monotonic
 * and the wall clock since the anchor does not show. */
static int64_t
next_expected(const struct check_conf *conf, const struct check *c,
    const struct wd_time *now)
{
	int64_t	late = check_late_at(c), sec;

	if (late != CHECK_NEVER) {
		late = now->wall_ms + (late - now->mono_ms);
		return conf->schedule == NULL ? late : (late + 500) / 1000 * 1000;
	}
	if (conf->schedule == NULL || check_paused(c))
		return 0;
	sec = cron_next(conf->schedule, conf->tz ? conf->tz : tz_utc(),
	    now->wall_ms / 1000);
	return sec == CRON_NEVER ? 0 : sec * 1000;
}

/* An instant as RFC 3339 in a zone (its offset, no fraction), or null. */
static json_t *
jlocal(int64_t wall_ms, const struct tz *tz)
{
	struct tstamp	 t;
	const char	*ab;
	char		 s[48];

	if (wall_ms == 0)
		return json_null();
	memset(&t, 0, sizeof(t));
	t.sec = wall_ms / 1000;
	tz_lookup(tz, t.sec, &t.off, &ab);
	snprintf(t.zone, sizeof(t.zone), "%s", ab);
	tstamp_format_rfc3339(&t, s, sizeof(s));
	return json_string(s);
}

static json_t *
check_json(const struct wdconfig_check *wcc, const struct check *c, const struct wd_time *now)
{
	const struct check_conf	*conf = &wcc->conf;
	const struct tz		*tz = conf->tz ? conf->tz : tz_utc();
	struct check_record	 rec;
	int64_t			 dur = check_last_duration(c);
	int64_t			 expected = next_expected(conf, c, now);
	json_t			*o;

	check_snapshot(c, &rec);
	o = json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:f, s:f, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
	    "name", rec.name,
	    "kind", check_kind_name(wcc->conf.kind),
	    "state", check_state_name(rec.state),
	    "paused", rec.paused != 0,
	    "receiver", wcc->receiver,
	    "period_seconds", conf->schedule != NULL ? json_null() :
	    json_real((double)conf->period_ms / 1000),
	    "schedule", conf->schedule_expr != NULL ?
	    json_string(conf->schedule_expr) : json_null(),
	    "tz", conf->schedule != NULL ? json_string(tz_name(tz)) : json_null(),
	    "grace_seconds", (double)wcc->conf.grace_ms / 1000,
	    "repeat_interval_seconds", (double)wcc->conf.repeat_ms / 1000,
	    "last_ping", jtime(rec.last_success_wall_ms),
	    "last_start", jtime(rec.last_start_wall_ms),
	    "down_since", jtime(rec.down_since_wall_ms),
	    "late_at", jdeadline(check_late_at(c), now),
	    "next_expected", jtime(expected),
	    "next_expected_local", jlocal(expected, tz),
	    "next_deadline", jdeadline(check_deadline(c), now),
	    "last_duration_seconds", dur >= 0 ? json_real((double)dur / 1000) : json_null(),
	    "last_message", rec.last_message,
	    "reason", rec.reason);
	return o;
}

/* Appends c's object, serialised on its own, so that a page of 100,000
 * checks holds one check's JSON tree at a time besides the text. */
static int
add_check_json(struct buf *out, const struct wdconfig_check *wcc,
    const struct check *c, const struct wd_time *now)
{
	json_t	*o;
	char	*s;
	int	 rc = -1;

	if ((o = check_json(wcc, c, now)) == NULL)
		return -1;
	if ((s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII)) != NULL)
		rc = buf_adds(out, s);
	free(s);
	json_decref(o);
	return rc;
}

/* A check name as a JSON string (names are [A-Za-z0-9._-]: no escapes). */
static int
add_next(struct buf *out, const char *name)
{
	if (name == NULL)
		return buf_adds(out, ",\"next\":null}");
	return buf_printf(out, ",\"next\":\"%s\"}", name);
}

char *
wdstate_checks_json(struct wdstate *ws, size_t limit, const char *after,
    bool *unknown_after)
{
	struct wdconfig	*wc;
	struct registry	*reg;
	struct wd_time	 now;
	struct buf	 out;
	size_t		 i = 0, first, end, n = 0;
	int		 rc = -1;

	*unknown_after = false;
	/* All checks at once can pass the default cap (long last messages):
	 * that is what limit= is for, but the answer stays whole. */
	buf_init(&out, SIZE_MAX);
	pthread_mutex_lock(&ws->mu);
	wd_time_now(&now);
	wc = ws->gen ? current(ws) : NULL;
	reg = wc ? wdconfig_registry(wc) : NULL;
	n = wc ? wdconfig_check_count(wc) : 0;
	if (after != NULL) {
		if (reg == NULL || (i = registry_index(reg, after)) == SIZE_MAX) {
			*unknown_after = true;
			goto out;
		}
		i++;
	}
	end = limit == 0 || n - i <= limit ? n : i + limit;
	if (buf_adds(&out, "{\"checks\":[") == -1)
		goto out;
	for (first = i; i < end; i++)
		if ((i > first && buf_addc(&out, ',') == -1) ||
		    add_check_json(&out, wdconfig_check_at(wc, i), registry_at(reg, i),
		    &now) == -1)
			goto out;
	if (buf_addc(&out, ']') == -1)
		goto out;
	if (limit == 0)
		rc = buf_addc(&out, '}');
	else
		rc = add_next(&out, end < n ? check_name(registry_at(reg, end - 1)) : NULL);
 out:
	pthread_mutex_unlock(&ws->mu);
	if (rc == -1) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* The per-check families, written straight from the checks as
 * metrics_write would write them (families by name, series by label values:
 * the checks by name, the states as strings): seven series per check held
 * as a registry cost 100 MB and seconds of inserts at 100,000 checks on
 * every scrape. */
enum { F_LAST, F_PAUSED, F_LATE, F_STATE, F_N };

static const struct {
	const char	*name;
	const char	*type;	/* tests/lib/metric_families.py reads these rows */
	const char	*help;
} check_families[F_N] = {
	{ "tocsin_watchdog_check_last_success_timestamp_seconds", "gauge",
	    "When the check last succeeded (ping, firing heartbeat, fresh value); 0: never." },
	{ "tocsin_watchdog_check_paused", "gauge", "Whether the check is paused." },
	{ "tocsin_watchdog_check_seconds_until_late", "gauge",
	    "Seconds until an up check is late; negative once it is. Only checks up or late and not paused." },
	{ "tocsin_watchdog_check_state", "gauge",
	    "1 for the state each check is in (new, up, late, down), 0 for the others." },
};

static int
by_check_name(const void *a, const void *b)
{
	return strcmp(check_name(*(struct check *const *)a),
	    check_name(*(struct check *const *)b));
}

static int
write_check_family(struct buf *out, int f, struct check *const *byname,
    size_t n, const struct wd_time *now)
{
	/* The states in the order of their names. */
	static const enum check_state states[] = { CHECK_DOWN, CHECK_LATE,
	    CHECK_NEW, CHECK_UP };
	static const char *const cks[] = { "check", "kind", "state", NULL };
	static const char *const ck[] = { "check", NULL };
	struct check_record rec;
	struct check	*c;
	const char	*name;
	int64_t		 late;
	size_t		 i, s;
	int		 header = 0;

	for (i = 0; i < n; i++) {
		c = byname[i];
		name = check_name(c);
		late = check_late_at(c);
		if (f == F_LATE && late == CHECK_NEVER)
			continue;
		if (!header++ && metrics_write_header(out, check_families[f].name,
		    check_families[f].help, check_families[f].type) == -1)
			return -1;
		check_snapshot(c, &rec);
		switch (f) {
		case F_LAST:
			if (metrics_write_sample(out, check_families[f].name, ck,
			    (const char *const[]){ name },
			    (double)rec.last_success_wall_ms / 1000) == -1)
				return -1;
			break;
		case F_PAUSED:
			if (metrics_write_sample(out, check_families[f].name, ck,
			    (const char *const[]){ name }, rec.paused != 0) == -1)
				return -1;
			break;
		case F_LATE:
			if (metrics_write_sample(out, check_families[f].name, ck,
			    (const char *const[]){ name },
			    (double)(late - now->mono_ms) / 1000) == -1)
				return -1;
			break;
		default:
			for (s = 0; s < sizeof(states) / sizeof(states[0]); s++)
				if (metrics_write_sample(out, check_families[f].name,
				    cks, (const char *const[]){ name,
				    check_kind_name(check_conf(c)->kind),
				    check_state_name(states[s]) },
				    states[s] == rec.state) == -1)
					return -1;
		}
	}
	return 0;
}

int
wdstate_write_metrics(struct wdstate *ws, struct buf *out)
{
	struct registry	*reg;
	struct check	**byname = NULL;
	struct wd_time	 now;
	size_t		 i, n;
	int		 f, rc = 0;

	pthread_mutex_lock(&ws->mu);
	wd_time_now(&now);
	reg = ws->gen ? wdconfig_registry(current(ws)) : NULL;
	n = reg != NULL ? registry_count(reg) : 0;
	if (n > 0 && (byname = calloc(n, sizeof(*byname))) == NULL)
		rc = -1;
	for (i = 0; byname != NULL && i < n; i++)
		byname[i] = registry_at(reg, i);
	if (byname != NULL)
		qsort(byname, n, sizeof(*byname), by_check_name);
	for (f = 0; byname != NULL && f < F_N && rc == 0; f++)
		rc = write_check_family(out, f, byname, n, &now);
	pthread_mutex_unlock(&ws->mu);
	free(byname);
	return rc;
}
