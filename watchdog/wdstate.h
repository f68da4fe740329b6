/* wdstate.h: the watchdog's live checks. The loaded config's checks under
 * one lock; every signal (ping, heartbeat, probe) and every tick applied to
 * them, each notification committed to the outbox's queue and each change
 * persisted (checkstate) before the caller hears back; reloads that keep
 * each kept check's state; and the views the API and /metrics show. */
#ifndef TOCSIN_WDSTATE_H
#define TOCSIN_WDSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "check.h"
#include "checkstate.h"
#include "err.h"
#include "metrics.h"
#include "outbox.h"
#include "tmpl.h"
#include "wdconfig.h"
#include "wdpair.h"

struct wdstate;	/* opaque */

struct wdstate_params {
	struct outbox		*ob;	/* borrowed: queue and loaded generation */
	struct checkstate	*cs;	/* borrowed: persisted states */
	struct metrics		*metrics; /* borrowed: tocsin_watchdog_notifications_total */
	/* Called (under no lock of ours) when deadlines or the set of
	 * freshness checks may have changed, so the scheduler recomputes its
	 * wait. NULL: none. */
	void			(*on_change)(void *arg);
	void			*on_change_arg;
	enum tmpl_am_version	 tmpl_am; /* --template.alertmanager-version */
	/* borrowed: NULL for a watchdog on its own; else one of a pair on
	 * cs's database: signals and pauses are queued there (wdpair_put),
	 * and only while this one leads does wdstate_tick apply them, tick
	 * and notify. */
	struct wdpair		*pair;
};

enum wdstate_result {
	WDSTATE_OK,
	WDSTATE_UNKNOWN,	/* no check of that name */
	WDSTATE_WRONG_KIND,	/* the check is of another kind */
	WDSTATE_FAILED,		/* applied, but not stored: err says why */
	WDSTATE_PENDING,	/* applied, the store's commit follows: done is called */
};

/* Caller frees with wdstate_free (after the HTTP server and the scheduler
 * stopped). */
struct wdstate *wdstate_new(const struct wdstate_params *p, struct terr *err);
void	wdstate_free(struct wdstate *ws);

/*
 * Makes wc current. Compiles templates/tocsin.tmpl, templates/watchdog.tmpl
 * and the config's files, and hands wc with them to the outbox (which then
 * owns wc). The first load restores the persisted states (registry_restore:
 * a full period + grace for checks that were up, down ones stay down);
 * later loads carry each running check's state into the check of the same
 * name and kind (check_adopt), start added ones as new and forget the
 * persisted state of removed ones. Takes wc in every case; on failure the
 * running config stays.
 */
int	wdstate_load(struct wdstate *ws, struct wdconfig *wc, struct terr *err) WARN_UNUSED;

/* Whether check name exists, and its kind into *kind. */
bool	wdstate_kind(struct wdstate *ws, const char *name, enum check_kind *kind);
/* A signal for check name, which must be of kind want. body (may be NULL:
 * keep the last message) and reason as check_signal takes them. *actual
 * gets the check's kind when the answer is WDSTATE_WRONG_KIND. */
enum wdstate_result wdstate_signal(struct wdstate *ws, const char *name,
	    enum check_kind want, enum check_signal_kind sig, const char *body,
	    size_t bodylen, const char *reason, enum check_kind *actual,
	    struct terr *err);
/* wdstate_signal with a run id (rid: NULL, "" or a UUID, as check_signal
 * takes it), without waiting for the store: WDSTATE_PENDING when the
 * change is queued for the next group commit, then done(arg, name, rc, err)
 * is called once, on the store's committer thread, when it is durable (rc
 * 0) or failed (-1). Any other answer is final and done is not called.
 * What a ping's 200 waits for without holding a server thread. */
enum wdstate_result wdstate_signal_async(struct wdstate *ws, const char *name,
	    enum check_kind want, enum check_signal_kind sig, const char *rid,
	    const char *body,
	    size_t bodylen, const char *reason, enum check_kind *actual,
	    checkstate_done_fn done, void *arg, struct terr *err);
/* Pauses or resumes check name. */
enum wdstate_result wdstate_pause(struct wdstate *ws, const char *name, bool pause,
	    struct terr *err);

/* Ticks every check at the current time (notifying and persisting what
 * changed) and returns the earliest deadline left (monotonic ms,
 * CHECK_NEVER if none).
 * One of a pair first takes or renews the leader's lease (every
 * wdpair_poll_ms). Taking it, it loads the states the other committed;
 * leading, it applies every queued signal, then ticks; following, it only
 * reloads the committed states (what the API and /metrics show). It never
 * waits longer than wdpair_poll_ms. */
int64_t	wdstate_tick(struct wdstate *ws);
/* Whether this watchdog evaluates deadlines and notifies: always on its
 * own, while it holds the lease in a pair. Freshness queries run only
 * then. */
bool	wdstate_leading(struct wdstate *ws);

/* A freshness check's schedule entry, with copies of what the prober needs. */
struct wdstate_probe {
	char			 name[CHECK_NAME_MAX + 1];
	struct wd_freshness	 fresh;	/* strings owned by the array */
};
/* The current freshness checks into *out (count *n); free with
 * wdstate_probes_free. */
int	wdstate_probes(struct wdstate *ws, struct wdstate_probe **out, size_t *n,
	    struct terr *err) WARN_UNUSED;
void	wdstate_probes_free(struct wdstate_probe *p, size_t n);
/* The answer to pr's query: fresh is a success, else a failure with reason.
 * WDSTATE_UNKNOWN (nothing applied) when the check is gone, or its
 * prometheus_url, query or max_age changed since pr was read: a reload
 * while the query ran made it an answer to another question. */
enum wdstate_result wdstate_probe_result(struct wdstate *ws, const struct wdstate_probe *pr,
	    bool fresh, const char *reason, struct terr *err);

/* Longest page of GET /api/v1/checks?limit=. */
#define WDSTATE_PAGE_MAX	10000

/* GET /api/v1/checks: {"checks":[...]} (see docs/WATCHDOG.md), one line,
 * the checks in config order. limit 0: all of them; else at most limit,
 * starting after the check called after (NULL: from the first), and a
 * "next" member: the name to pass as after for the next page, null on the
 * last one. Caller frees the string. NULL when memory runs out, or with
 * *unknown_after set when no check is called after. */
char	*wdstate_checks_json(struct wdstate *ws, size_t limit, const char *after,
	    bool *unknown_after);
/* The per-check metrics, appended to out in the exposition format:
 *   tocsin_watchdog_check_state{check,kind,state} 1 for the current state
 *   tocsin_watchdog_check_paused{check}
 *   tocsin_watchdog_check_last_success_timestamp_seconds{check} (0: never)
 *   tocsin_watchdog_check_seconds_until_late{check} (negative once late;
 *     only for checks that are up or late and not paused)
 * Built afresh on each scrape, so removed checks disappear. */
int	wdstate_write_metrics(struct wdstate *ws, struct buf *out) WARN_UNUSED;

#endif
