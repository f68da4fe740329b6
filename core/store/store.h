/* store.h: the durable message queue between intake and dispatcher, behind an
 * ops table so that a shared database can replace the embedded SQLite one.
 *
 * Durability contract (why the functions below look the way they do):
 *  - store_enqueue returns only after the batch is committed and fsynced, so
 *    the intake may answer 200 the moment it returns; a storage failure fails
 *    the whole batch (nothing of it is stored) and the intake answers 503, so
 *    Alertmanager retries and nothing accepted is ever lost.
 *  - Each fsync is expensive, so writers never commit on their own: one
 *    committer thread takes every request waiting at that moment and runs them
 *    as one transaction (group commit). N concurrent requests cost one fsync.
 *  - Delivery is at-least-once: a message leaves the pending state only when
 *    the dispatcher marks it after the upstream answered. A crash between the
 *    upstream's answer and that mark re-sends the message once after restart,
 *    so there is at most one duplicate per message in flight at a crash.
 *  - On open everything pending is simply still pending: there is no
 *    "in flight" state to recover.
 *  - Per destination messages go out strictly by id (acceptance order); a
 *    head waiting for its retry time holds back the ones behind it.
 *  - Error messages name ids, states and the database's own message, never
 *    payload bytes: a rendered message can carry sensitive data.
 */
#ifndef TOCSIN_STORE_H
#define TOCSIN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actionrec.h"
#include "err.h"
#include "metrics.h"

struct store;	/* opaque */
struct store_escalation;
struct ratelimit;
struct rl_want;

enum store_state {
	STORE_PENDING,
	STORE_DELIVERED,
	STORE_DEAD,
};
#define STORE_NSTATES 3

/* "pending", "delivered", "dead". */
const char *store_state_str(enum store_state s);

/* Milliseconds since the Unix epoch. Tests inject their own clock. */
typedef int64_t (*store_clock_fn)(void *arg);

struct store_ops;

struct store_params {
	const char		*path;		/* directory (--storage.path); created if missing */
	/* A PostgreSQL connection string (--storage.url: a libpq URI or
	 * key=value string); set, the store is store_pg_ops' and path is
	 * not used. Borrowed for the call. */
	const char		*url;
	/* PostgreSQL: how long a relay's claim on a destination lasts
	 * without renewal (store_pg_ops); 0: STORE_PG_LEASE_MS. */
	int64_t			 lease_ms;
	store_clock_fn		 clock;		/* NULL: the real clock */
	void			*clock_arg;
	const struct store_ops	*ops;		/* NULL: store_pg_ops with url,
						 * else store_sqlite_ops */
	/* Called from the committer thread after a commit that stored at least
	 * one new message, so that the dispatcher can sleep until there is
	 * work. It must not call the store's write functions (the committer
	 * would wait for itself). On PostgreSQL also from the backend's
	 * listener thread when any relay on the database committed new
	 * messages (LISTEN/NOTIFY). NULL: none. */
	void			(*on_enqueue)(void *arg);
	void			*on_enqueue_arg;
	/* NULL: none. Registers and updates
	 *   tocsin_store_commits_total (write transactions committed)
	 *   tocsin_store_commit_requests (histogram: write requests per
	 *     transaction, the group commit's effect)
	 *   tocsin_store_commit_duration_seconds (histogram: one
	 *     transaction, fsync included)
	 *   tocsin_store_healthy (1, or 0 once the database failed as a
	 *     damaged one does: see store_healthy) */
	struct metrics		*metrics;
	/* The database is missing or empty although the store's mark says it
	 * held messages (store_mark.h): start empty anyway, say so in the log
	 * and mark the new database. false: refuse to open. */
	bool			 allow_empty;
};

/* One message to enqueue; every pointer is borrowed for the call. */
struct store_msg {
	const char	*receiver;
	const char	*integration;	/* e.g. "telegram/0" */
	const char	*dest;		/* destination key, e.g. "telegram:<bot id>:<chat>"; opaque */
	const char	*dedup_key;	/* NULL or "": never a duplicate */
	const void	*payload;	/* the rendered message; opaque */
	size_t		 payload_len;
	/* The record behind the message's action links (actionrec.h),
	 * stored with it in the same transaction when it is accepted (not
	 * when it is a duplicate); NULL: none. */
	const struct action_rec *action;
};

enum store_verdict {
	STORE_ACCEPTED,		/* stored, will be delivered */
	STORE_DUPLICATE,	/* same dedup key accepted within the window: not stored */
	STORE_STALE,		/* store_enqueue_step: its timer ended: not stored */
};

struct store_ack {
	enum store_verdict verdict;
	int64_t		 id;	/* the new message, or the earlier one it duplicates */
};

/* A stored message as read back. */
struct store_entry {
	int64_t		 id;
	int64_t		 created;	/* unix ms */
	char		*receiver;
	char		*integration;
	char		*dest;
	char		*dedup_key;	/* "" when none */
	void		*payload;	/* NULL from store_list (see there); else
					 * followed by a NUL not in payload_len */
	size_t		 payload_len;
	enum store_state state;
	int		 attempts;	/* failed delivery attempts */
	int64_t		 next_attempt;	/* unix ms */
	char		*last_error;	/* "" when none */
	int64_t		 done_at;	/* delivered or dead time, 0 while pending */
};

/* A destination with pending messages, and its oldest one. */
struct store_head {
	char		*dest;
	int64_t		 id;
	int64_t		 next_attempt;
};

struct store_stats {
	uint64_t	transactions;	/* write transactions committed */
	uint64_t	requests;	/* write requests those carried */
};

/* Opens (creating if needed) the store under p->path, checks it (the
 * backend's integrity check, and the database against the store's mark:
 * store_mark.h), migrates its schema and starts the committer thread. A
 * store that fails a check is not opened: err says why and how to proceed.
 * Caller frees with store_close. */
struct store *store_open(const struct store_params *p, struct terr *err);
/* Finishes every request already waiting, stops the committer and closes. */
void	store_close(struct store *s);

/* The store's clock (the injected one in tests), for callers that compute
 * retry times. */
int64_t	store_now(struct store *s);
/* The clock of the escalation timers: the store's clock when it was opened,
 * then advanced by the monotonic clock, so that a wall-clock jump while the
 * daemon runs neither fires nor holds back a timer (a restart measures them
 * on the wall clock again). The injected clock itself in tests. */
int64_t	store_steady_now(struct store *s);

/*
 * Stores msgs[0..n-1] in one transaction and returns once it is committed and
 * fsynced. A message whose dedup key was accepted within the last window_ms
 * (or earlier in the same batch) is answered STORE_DUPLICATE and not stored.
 * acks[i] (caller's array of n) says what happened to msgs[i]. On a storage
 * failure returns -1 with the cause in err, and none of the batch is stored.
 * Safe from any thread; concurrent calls share commits.
 */
int	store_enqueue(struct store *s, const struct store_msg *msgs, size_t n,
	    int64_t window_ms, struct store_ack *acks, struct terr *err) WARN_UNUSED;

/* The outcome of store_enqueue_async: rc 0 (acks filled) or -1 with err. */
typedef void (*store_done_fn)(void *arg, int rc, const struct terr *err);

/*
 * store_enqueue without the wait, for callers that must not hold a thread
 * while the commit is pending (the HTTP intake): queues the batch and
 * returns; done(arg, ...) is called once, from the committer thread, after
 * the transaction holding the batch is committed and fsynced, or has failed
 * (nothing of the batch stored). msgs, the strings they point to and acks
 * are borrowed until done is called. done runs while the next commit waits,
 * so it should only hand the outcome over, and it must not call the store's
 * blocking functions (the committer would wait for itself). Returns -1
 * (done is then never called) only when memory runs out.
 */
int	store_enqueue_async(struct store *s, const struct store_msg *msgs,
	    size_t n, int64_t window_ms, struct store_ack *acks,
	    store_done_fn done, void *arg, struct terr *err) WARN_UNUSED;

/* A change to an escalation timer (below) made in the same transaction as
 * the messages of a notification: the timers never disagree with the
 * queue. A firing notification starts its group's timer at
 * store_steady_now, due first_ms later, or, when it runs already, only
 * replaces its body (since, next_at and the counts stay). A resolved one
 * drops the group's acknowledgements and its timer, but for a timer that
 * escalated: that one takes the resolved body, is marked resolved and
 * falls due at once, so that the escalation receiver hears of it too. The
 * group firing anew is a new page. */
struct store_timer {
	const char	*receiver;
	const char	*group_key;
	const char	*body;		/* the notification's webhook JSON */
	bool		 resolved;
	int64_t		 first_ms;
	/* The receiver it escalates to (NULL: none): a resolved notification
	 * drops that one's acknowledgement of the group too (a Pushover
	 * receipt of the escalation). */
	const char	*escalate_to;
};

/* store_enqueue and store_enqueue_async with timers[0..ntimers-1] applied in
 * the same transaction (borrowed as msgs are). */
int	store_enqueue_timers(struct store *s, const struct store_msg *msgs,
	    size_t n, int64_t window_ms, struct store_ack *acks,
	    const struct store_timer *timers, size_t ntimers,
	    struct terr *err) WARN_UNUSED;
int	store_enqueue_timers_async(struct store *s, const struct store_msg *msgs,
	    size_t n, int64_t window_ms, struct store_ack *acks,
	    const struct store_timer *timers, size_t ntimers,
	    store_done_fn done, void *arg, struct terr *err) WARN_UNUSED;

/* An escalation step's messages (store_escalation, below): stored only
 * while timer (its receiver, group key and since) still runs and has not
 * resolved, checked in the transaction that would store them, so that a
 * repeat read from a due timer never follows the resolved notification
 * that ended the timer meanwhile: then every ack is STORE_STALE and
 * nothing is stored (not an error). Otherwise store_enqueue. */
int	store_enqueue_step(struct store *s, const struct store_msg *msgs,
	    size_t n, int64_t window_ms, struct store_ack *acks,
	    const struct store_escalation *timer, struct terr *err) WARN_UNUSED;

/* Dispatcher side. */

/* Destinations whose oldest pending message is due (next_attempt <= now),
 * oldest head first. *out is an array of *n heads the caller frees with
 * store_heads_free. */
int	store_due(struct store *s, struct store_head **out, size_t *n,
	    struct terr *err) WARN_UNUSED;
/* The earliest next_attempt over all heads (due or not) into *when, or -1
 * when nothing is pending: how long the dispatcher may sleep. */
int	store_next_due(struct store *s, int64_t *when, struct terr *err) WARN_UNUSED;
void	store_heads_free(struct store_head *h, size_t n);
/* The oldest pending message of dest, due or not (the caller compares
 * next_attempt with store_now), or *out = NULL when dest has none. Caller
 * frees with store_entry_free. */
int	store_head(struct store *s, const char *dest, struct store_entry **out,
	    struct terr *err) WARN_UNUSED;
/* Message id in any state, with payload; *out = NULL when absent. */
int	store_get(struct store *s, int64_t id, struct store_entry **out,
	    struct terr *err) WARN_UNUSED;
void	store_entry_free(struct store_entry *e);

/* State changes; each is durable when it returns. Marking a message that is
 * not pending (dropped, or already marked) fails with a message naming the
 * id and its state. */
int	store_mark_delivered(struct store *s, int64_t id, struct terr *err) WARN_UNUSED;
/* attempts + 1, next_attempt as given (unix ms), last_error = why. */
int	store_mark_retry(struct store *s, int64_t id, int64_t next_attempt,
	    const char *why, struct terr *err) WARN_UNUSED;
/* The service asked for a wait (Telegram retry_after, HTTP Retry-After): the
 * message is due again at next_attempt and last_error = why, but attempts is
 * unchanged, because a rate limit is not a failure and must not lengthen the
 * backoff of later real failures. */
int	store_mark_wait(struct store *s, int64_t id, int64_t next_attempt,
	    const char *why, struct terr *err) WARN_UNUSED;
/* attempts + 1, dead now, last_error = why. */
int	store_mark_dead(struct store *s, int64_t id, const char *why,
	    struct terr *err) WARN_UNUSED;

/* Message counts by state, for metrics. */
int	store_count(struct store *s, int64_t counts[STORE_NSTATES],
	    struct terr *err) WARN_UNUSED;
/* Deletes delivered and dead messages that reached that state more than
 * retention_ms ago; *deleted (may be NULL) gets how many. */
int	store_prune(struct store *s, int64_t retention_ms, int64_t *deleted,
	    struct terr *err) WARN_UNUSED;

/* Operator side (the queue CLI). */

/* Messages whose state bit (1 << state) is set in states, by id, without
 * payloads (payload NULL, payload_len its size). *out is an array of *n the
 * caller frees with store_entries_free. */
int	store_list(struct store *s, unsigned states, struct store_entry **out,
	    size_t *n, struct terr *err) WARN_UNUSED;
void	store_entries_free(struct store_entry *e, size_t n);
/* A dead message back to pending, due now, attempts reset; it keeps its id
 * and so its place in its destination's order. */
int	store_retry(struct store *s, int64_t id, struct terr *err) WARN_UNUSED;
/* Deletes a message in any state. */
int	store_drop(struct store *s, int64_t id, struct terr *err) WARN_UNUSED;

/* Caps the database at max_bytes (0: no cap), rounded down to whole pages but
 * never below the current size. A write that would grow past it fails as a
 * full disk does. */
int	store_set_max_size(struct store *s, int64_t max_bytes, struct terr *err) WARN_UNUSED;

/*
 * The phone loop's state (actionrec.h), durable when a write returns, read
 * from any thread: the records behind notification buttons and named
 * cursors (a poller's update offset); acknowledgements are store_ack_put's
 * (below).
 * store_prune also deletes the records that expired before its cutoff.
 */

/* Stores r (r->id chosen by the caller), replacing a record of that id: a
 * message sent again after a failed attempt keeps its buttons. */
int	store_action_put(struct store *s, const struct action_rec *r,
	    struct terr *err) WARN_UNUSED;
/* Sets the message id of record id (the service's answer); no record of
 * that id is an error. */
int	store_action_set_message(struct store *s, const char *id,
	    int64_t message_id, struct terr *err) WARN_UNUSED;
/* Sets the silence of record id ("" once it is expired again). */
int	store_action_set_silence(struct store *s, const char *id,
	    const char *silence_id, struct terr *err) WARN_UNUSED;
/* Record id into *out (caller clears with action_rec_clear) and *found 1,
 * or *found 0 when there is none. */
int	store_action_get(struct store *s, const char *id, struct action_rec *out,
	    int *found, struct terr *err) WARN_UNUSED;
/* Cursor name := value. */
int	store_cursor_put(struct store *s, const char *name, int64_t value,
	    struct terr *err) WARN_UNUSED;
/* Cursor name into *value, or 0 when it was never set. */
int	store_cursor_get(struct store *s, const char *name, int64_t *value,
	    struct terr *err) WARN_UNUSED;

/* The message a group's notification went out as (Telegram's
 * update_message: resolved edits it): chat and message id per receiver,
 * integration and group key, replacing an earlier one. store_prune deletes
 * those not updated within the retention. */
int	store_group_message_put(struct store *s, const char *receiver,
	    const char *integration, const char *group_key, const char *chat,
	    int64_t message_id, struct terr *err) WARN_UNUSED;
/* *found 1 with chat (>= 32 bytes) and *message_id, or *found 0. */
int	store_group_message_get(struct store *s, const char *receiver,
	    const char *integration, const char *group_key, char *chat,
	    size_t chatlen, int64_t *message_id, int *found,
	    struct terr *err) WARN_UNUSED;

/*
 * Receipts: a service's handle on a message that keeps alerting the phone
 * until someone acknowledges it, it expires or it is cancelled (Pushover's
 * emergency priority), kept so that the receipt poller follows it across
 * restarts; and the acknowledgements of groups, which any code may read.
 * Each write is durable when it returns.
 */
struct store_receipt {
	char	*receipt;	/* the service's handle; unique */
	char	*receiver;
	char	*integration;	/* "pushover/0" */
	char	*group_key;
	int64_t	 expires;	/* unix ms: dropped after it */
	int64_t	 next_poll;	/* unix ms */
	bool	 cancel;	/* the group resolved: cancel it, poll no more */
};

/* Stores r, replacing a receipt of that handle. */
int	store_receipt_put(struct store *s, const struct store_receipt *r,
	    struct terr *err) WARN_UNUSED;
/* The receipts whose next_poll is at most now, soonest first, at most max;
 * *out is an array of *n the caller frees with store_receipts_free. */
int	store_receipt_due(struct store *s, int64_t now, size_t max,
	    struct store_receipt **out, size_t *n, struct terr *err) WARN_UNUSED;
void	store_receipts_free(struct store_receipt *r, size_t n);
/* Receipt handle is polled next at next_poll (unix ms). */
int	store_receipt_later(struct store *s, const char *receipt,
	    int64_t next_poll, struct terr *err) WARN_UNUSED;
/* Every receipt of group_key of receiver is to be cancelled, now. */
int	store_receipt_cancel_group(struct store *s, const char *receiver,
	    const char *group_key, struct terr *err) WARN_UNUSED;
/* Forgets receipt handle (acknowledged, expired, cancelled). */
int	store_receipt_drop(struct store *s, const char *receipt,
	    struct terr *err) WARN_UNUSED;
/* Records that `by` acknowledged group group_key of receiver at `at` (unix
 * ms), replacing an earlier acknowledgement of it. Any channel's
 * acknowledgement goes here (a Pushover receipt, the phone loop's
 * buttons), and whatever repeats or escalates a group reads it. */
int	store_ack_put(struct store *s, const char *receiver,
	    const char *group_key, const char *by, int64_t at,
	    struct terr *err) WARN_UNUSED;
/* Who acknowledged the group and when: *found 1 with *by (caller frees)
 * and *at, or *found 0. */
int	store_group_acked(struct store *s, const char *receiver,
	    const char *group_key, char **by, int64_t *at, int *found,
	    struct terr *err) WARN_UNUSED;

/* false once the database failed as a damaged one does (SQLite's
 * SQLITE_CORRUPT, SQLITE_NOTADB or an I/O error, on a write or a count),
 * with the first such failure in *why (may be NULL). It stays false until
 * the store is opened again, where the integrity check runs: a write that
 * succeeds on another page proves nothing about the damaged one. A full
 * disk or a size cap is not damage: it passes once there is room. */
bool	store_healthy(struct store *s, struct terr *why);
/* false while the backend cannot reach its database (a PostgreSQL server
 * down or out of reach), with the reason in *why (may be NULL): writes
 * fail meanwhile (the intake answers 503) and the backend reconnects by
 * itself. Not damage: true again once a connection works. */
bool	store_reachable(struct store *s, struct terr *why);

/*
 * Escalation timers (tocsin's escalate extension, receiver.h): one per firing
 * group of a receiver that repeats or escalates, from its first firing
 * notification to its resolved one (store_enqueue_timers), kept across
 * restarts. Times are unix ms on store_steady_now's clock. Each write is
 * durable when it returns.
 */
struct store_escalation {
	char	*receiver;
	char	*group_key;
	char	*body;		/* what to send again (the notification) */
	int64_t	 since;		/* unix ms: the firing started */
	int64_t	 next_at;	/* unix ms: the next step is due;
				 * STORE_NEVER: none left */
	int64_t	 repeats;	/* repeats sent so far */
	bool	 escalated;	/* the escalation receiver was notified */
	bool	 resolved;	/* the group resolved: tell the escalation
				 * receiver, then drop the timer */
};

#define STORE_NEVER	INT64_MAX

/* A step taken: next_at, repeats and escalated of the timer of e's receiver
 * and group, if it is still the one that started at e->since and has not
 * resolved (a resolved notification may have dropped or marked it
 * meanwhile, or a new firing started another: then nothing changes). */
int	store_escalation_update(struct store *s, const struct store_escalation *e,
	    struct terr *err) WARN_UNUSED;
/* Forgets the timer of e's receiver and group if it is still the one that
 * started at e->since (none: not an error). */
int	store_escalation_drop(struct store *s, const struct store_escalation *e,
	    struct terr *err) WARN_UNUSED;
/* The timers whose next_at is at most now, soonest first, at most max;
 * *out is an array of *n the caller frees with store_escalations_free. */
int	store_escalation_due(struct store *s, int64_t now, size_t max,
	    struct store_escalation **out, size_t *n, struct terr *err) WARN_UNUSED;
void	store_escalations_free(struct store_escalation *e, size_t n);

/*
 * Work that one daemon of several on one database does (store_pg_ops): true
 * in *held when this process holds the lease `name`, taken now if it was
 * free or ran out, renewed for ms (0: the store's lease length) if it was
 * ours. Call it before each round of the work and skip the round when not
 * held; a daemon that stops calling (a kill) loses it once it runs out, a
 * closed store gives its leases up. The PostgreSQL backend takes the
 * receipts' and the escalation timers' leases inside store_receipt_due and
 * store_escalation_due itself (no rows while another daemon holds them).
 * Always held on SQLite, whose database has one daemon.
 */
int	store_lease(struct store *s, const char *name, int64_t ms, bool *held,
	    struct terr *err) WARN_UNUSED;

/*
 * Makes rl (ratelimit.h) keep its token buckets in the database when the
 * backend shares it among several daemons (PostgreSQL), and returns true;
 * on SQLite returns false and leaves rl's buckets in memory, where one
 * process needs no round trip per send. Shared, a take is one statement
 * that takes from every bucket of the send or from none, measured on the
 * database's clock (the store's injected one in tests); a failure to reach
 * the database is logged and the send waits for a later scan. rl must not
 * outlive s.
 */
bool	store_rate_share(struct store *s, struct ratelimit *rl);

/* Committer statistics (tests assert group commit with them). */
void	store_stats(struct store *s, struct store_stats *st);
/* Requests waiting for the committer right now. */
size_t	store_queued(struct store *s);

/*
 * Backend interface. store.c owns the committer thread and calls write ops
 * from it only, one at a time; read ops may be called from any thread and the
 * backend serialises them itself.
 */
enum store_job_kind {
	STORE_JOB_ENQUEUE,
	STORE_JOB_DELIVERED,
	STORE_JOB_RETRY,
	STORE_JOB_WAIT,
	STORE_JOB_DEAD,
	STORE_JOB_REQUEUE,	/* dead -> pending (store_retry) */
	STORE_JOB_DROP,
	STORE_JOB_PRUNE,
	STORE_JOB_ACTION_PUT,		/* rec */
	STORE_JOB_ACTION_MESSAGE,	/* name = record id, value = message id */
	STORE_JOB_ACTION_SILENCE,	/* name = record id, text = silence id */
	STORE_JOB_CURSOR,		/* name := value */
	STORE_JOB_GROUP_MESSAGE,	/* name = receiver, name2 = integration,
					 * why = group key, text = chat,
					 * value = message id */
	STORE_JOB_RECEIPT_PUT,		/* rcpt */
	STORE_JOB_RECEIPT_LATER,	/* rcpt->receipt, rcpt->next_poll */
	STORE_JOB_RECEIPT_CANCEL,	/* rcpt->receiver, rcpt->group_key */
	STORE_JOB_RECEIPT_DROP,		/* rcpt->receipt */
	STORE_JOB_GROUP_ACK,		/* rcpt->receiver, ->group_key;
					 * why = by, when = at */
	STORE_JOB_ESCALATION_UPDATE,	/* esc */
	STORE_JOB_ESCALATION_DROP,	/* esc->receiver, esc->group_key */
};

struct store_job {
	enum store_job_kind	 kind;
	/* ENQUEUE */
	const struct store_msg	*msgs;
	size_t			 nmsgs;
	int64_t			 window_ms;
	struct store_ack	*acks;
	const struct store_timer *timers;
	size_t			 ntimers;
	/* store_enqueue_step: store only while this timer runs (NULL: always) */
	const struct store_escalation *only_if;
	/* state changes */
	int64_t			 id;
	int64_t			 when;		/* RETRY: next attempt; PRUNE: cutoff;
						 * ENQUEUE: the timers' now */
	const char		*why;
	/* the phone loop's state */
	const struct action_rec	*rec;
	const char		*name;
	const char		*name2;
	const char		*text;
	int64_t			 value;
	/* RECEIPT_* and GROUP_ACK */
	const struct store_receipt *rcpt;
	/* ESCALATION_* */
	const struct store_escalation *esc;
	/* results of a committed transaction */
	int			 rc;		/* -1: this job was refused (err says why) */
	int64_t			 count;		/* PRUNE: rows deleted */
	struct terr		 err;
	/* store.c's bookkeeping */
	struct store_job	*next;
	bool			 done;
	int			 txrc;		/* -1: the transaction failed */
	store_done_fn		 on_done;	/* NULL: a caller waits */
	void			*on_done_arg;
};

struct store_ops {
	const char *name;
	int	(*open)(const struct store_params *p, void **be, struct terr *err);
	void	(*close)(void *be);
	/* Runs jobs[0..n-1] in one transaction at time now. Returns 0 once it
	 * is committed durably (a job's own refusal, such as an unknown id, is in
	 * its rc/err and does not abort the others), or -1 when nothing of it
	 * was stored. */
	int	(*apply)(void *be, struct store_job **jobs, size_t n, int64_t now,
		    struct terr *err);
	int	(*due)(void *be, int64_t now, struct store_head **out, size_t *n,
		    struct terr *err);
	int	(*next_due)(void *be, int64_t *when, struct terr *err);
	int	(*head)(void *be, const char *dest, struct store_entry **out,
		    struct terr *err);
	int	(*get)(void *be, int64_t id, struct store_entry **out,
		    struct terr *err);
	int	(*count)(void *be, int64_t counts[STORE_NSTATES], struct terr *err);
	int	(*list)(void *be, unsigned states, struct store_entry **out,
		    size_t *n, struct terr *err);
	int	(*set_max_size)(void *be, int64_t max_bytes, struct terr *err);
	int	(*action_get)(void *be, const char *id, struct action_rec *out,
		    int *found, struct terr *err);
	int	(*cursor_get)(void *be, const char *name, int64_t *value,
		    struct terr *err);
	int	(*group_message_get)(void *be, const char *receiver,
		    const char *integration, const char *group_key, char *chat,
		    size_t chatlen, int64_t *message_id, int *found,
		    struct terr *err);
	int	(*receipt_due)(void *be, int64_t now, size_t max,
		    struct store_receipt **out, size_t *n, struct terr *err);
	int	(*group_acked)(void *be, const char *receiver,
		    const char *group_key, char **by, int64_t *at, int *found,
		    struct terr *err);
	/* Whether a failure of apply or count since open was damage (see
	 * store_healthy) rather than a full disk or a busy lock; once true it
	 * stays true. NULL: never. */
	bool	(*damaged)(void *be);
	/* Whether the database is out of reach right now (see
	 * store_reachable), with the reason; NULL: never. */
	bool	(*unreachable)(void *be, struct terr *why);
	/* store_lease; NULL: always held. */
	int	(*lease)(void *be, const char *name, int64_t ms, bool *held,
		    struct terr *err);

	int	(*escalation_due)(void *be, int64_t now, size_t max,
		    struct store_escalation **out, size_t *n, struct terr *err);
	/* store_rate_share's buckets; NULL (both): the backend has one
	 * daemon, and buckets stay in memory. now is the store's injected
	 * clock, or -1 for the database's own. rate_take takes one token from
	 * each of w[0..n-1] (each with a rate) or from none, and sets *wait
	 * to 0 or to the ms until all have one; rate_done restarts the refill
	 * of w[0..n-1] at now (ratelimit_done). */
	int	(*rate_take)(void *be, const struct rl_want *w, size_t n,
		    int64_t now, int64_t *wait, struct terr *err);
	int	(*rate_done)(void *be, const struct rl_want *w, size_t n,
		    int64_t now, struct terr *err);
};

/* The embedded backend: SQLite in WAL mode under the directory, in the file
 * STORE_SQLITE_FILE (with its -wal and -shm companions), marked by
 * STORE_SQLITE_MARK (store_mark.h) beside it. */
extern const struct store_ops store_sqlite_ops;
#define STORE_SQLITE_FILE	"queue.db"
#define STORE_SQLITE_MARK	"queue.mark"

/*
 * The shared backend: PostgreSQL through libpq (store_pg.c), for several
 * relays on one queue. The database is its own identity: there is no mark
 * (allow_empty does not apply) and no size cap (set_max_size refuses one).
 * Every relay claims the destinations it sends to with a lease that it
 * renews while it holds them (lease_ms); a relay that stops renewing (a
 * kill -9) leaves its destinations to another once the lease ran out.
 */
extern const struct store_ops store_pg_ops;
#define STORE_PG_LEASE_MS	30000

/* url with its password taken out, for logs and errors:
 * "postgresql://USER@HOST:PORT/DBNAME" from what libpq reads of it (a URI
 * or key=value string), or "postgresql://<unparsable>" . */
void	store_pg_describe(const char *url, char *out, size_t len);

/* PRAGMA quick_check of the SQLite database file (created empty when
 * missing): 0 when it answers ok, else -1 with the first fault found, such
 * as "Page 21: btreeInitPage() returns error code 11" or "database disk
 * image is malformed (SQLITE_CORRUPT)" (or, when it cannot be opened at
 * all, "store: cannot open FILE: ..."). For every SQLite file a daemon
 * keeps, so that each is checked the same way at start. */
int	store_sqlite_check(const char *file, struct terr *err) WARN_UNUSED;

#endif
