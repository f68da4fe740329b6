/* wdpair.h: two watchdogs on one PostgreSQL database (--storage.url): the
 * leader's lease, and the signals either of them took (pings, heartbeats,
 * pauses), queued in the database for the leader to apply.
 *
 * Why the signals go through the database rather than into the receiving
 * watchdog's memory: only the leader evaluates deadlines, so it must hear
 * every ping, including those sent to the other one; a ping answered 2xx is
 * a committed row, which the leader (this one or the next) applies before
 * it looks at any deadline. */
#ifndef TOCSIN_WDPAIR_H
#define TOCSIN_WDPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "err.h"
#include "store.h"

/* The lease store_lease holds for the leader. */
#define WDPAIR_LEASE	"watchdog-leader"
/* Longest wait between two renewals of the lease (and two looks at the
 * other watchdog's signals); a third of the lease when that is shorter. */
#define WDPAIR_POLL_MAX_MS	1000

struct wdpair;	/* opaque */

enum wdpair_op {
	WDPAIR_SIGNAL,	/* check_signal with sig */
	WDPAIR_PAUSE,
	WDPAIR_RESUME,
};

/* One queued signal. */
struct wdpair_signal {
	int64_t			 id;	/* the database's, in the order taken */
	char			 name[CHECK_NAME_MAX + 1];
	enum check_kind		 kind;	/* the kind the API asked for */
	enum wdpair_op		 op;
	enum check_signal_kind	 sig;	/* WDPAIR_SIGNAL */
	char			 rid[CHECK_RID_LEN + 1];	/* "" none */
	const char		*body;	/* NULL: keep the last message */
	size_t			 bodylen;
	const char		*reason;	/* NULL: none */
};

/* Opens the signals' table in url's database (created if needed) and
 * starts the committer thread; the lease is taken through st (the delivery
 * queue's store, on the same database), for lease_ms. Caller frees with
 * wdpair_close, which commits what is queued first. */
struct wdpair *wdpair_open(const char *url, struct store *st, int64_t lease_ms,
	    struct terr *err);
/* on_commit(arg) is called on the committer thread after each batch of
 * rows committed, before their done callbacks (the leader's scheduler, to
 * apply them at once); NULL: none, never again once this returns. It must
 * not call back into p. */
void	wdpair_on_commit(struct wdpair *p, void (*on_commit)(void *), void *arg);
void	wdpair_close(struct wdpair *p);
/* How often the leader renews its lease, the follower tries to take it,
 * and both look at the database (monotonic ms). */
int64_t	wdpair_poll_ms(const struct wdpair *p);
/* The lease's length (ms). */
int64_t	wdpair_lease_ms(const struct wdpair *p);

/* Takes or renews the leader's lease: *leading says whether this watchdog
 * holds it now. -1 (and *leading false) when the database did not answer. */
int	wdpair_lead(struct wdpair *p, bool *leading, struct terr *err) WARN_UNUSED;

/* Called once per wdpair_put_async, on the committer thread, once the row
 * is committed (rc 0) or failed (-1, err says why); name is the signal's.
 * The signature of checkstate_done_fn. */
typedef void (*wdpair_done_fn)(void *arg, const char *name, int rc,
	    const struct terr *err);
/* Queues s (copied; its id is ignored) for the next commit and returns;
 * done(arg, ...) follows. Rows waiting together are committed in one
 * transaction, in the order they were queued. The body is kept up to what
 * check_signal keeps of it. -1 (done never called) when memory runs out. */
int	wdpair_put_async(struct wdpair *p, const struct wdpair_signal *s,
	    wdpair_done_fn done, void *arg, struct terr *err) WARN_UNUSED;
/* wdpair_put_async, waiting for the commit. */
int	wdpair_put(struct wdpair *p, const struct wdpair_signal *s,
	    struct terr *err) WARN_UNUSED;
/* The oldest signals queued (at most max), in the order they were taken,
 * into *out (count *n); free with wdpair_signals_free. They stay queued
 * until wdpair_done. */
int	wdpair_take(struct wdpair *p, size_t max, struct wdpair_signal **out,
	    size_t *n, struct terr *err) WARN_UNUSED;
/* Removes the first n signals of v (applied). */
int	wdpair_done(struct wdpair *p, const struct wdpair_signal *v, size_t n,
	    struct terr *err) WARN_UNUSED;
void	wdpair_signals_free(struct wdpair_signal *v, size_t n);

#endif
