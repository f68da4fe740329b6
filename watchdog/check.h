/* check.h: one watchdog check's state machine (new, up, late, down), pure and
 * clock-injected: callers pass the time in and get notifications back. */
#ifndef TOCSIN_CHECK_H
#define TOCSIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cron.h"
#include "err.h"
#include "tz.h"

/* Longest kept ping body, in bytes (Healthchecks keeps 10 kB too). */
#define CHECK_MSG_MAX	10240
/* A run id (?rid=): a UUID in canonical text form, as Healthchecks takes it. */
#define CHECK_RID_LEN	36
/* Runs with an id followed at once for their durations; the oldest
 * start is forgotten past this. */
#define CHECK_RUNS_MAX	8
/* Longest check name: it is a URL path segment and a label value. */
#define CHECK_NAME_MAX	128
/* Longest kept reason ("Prometheus unreachable: ..."). */
#define CHECK_REASON_MAX	512
/* "No deadline": the check cannot change by itself. */
#define CHECK_NEVER	INT64_MAX
/* Longest period, grace or repeat_interval: ten years keeps all sums of
 * monotonic instants far from overflow. */
#define CHECK_DURATION_MAX	((int64_t)10 * 366 * 86400 * 1000)

/* Both clocks at one instant. Deadlines use only mono_ms, so wall-clock jumps
 * neither fire nor hide a check; wall_ms (Unix epoch milliseconds) is for
 * display and persistence. */
struct wd_time {
	int64_t	mono_ms;
	int64_t	wall_ms;
};

enum check_kind {
	CHECK_HEARTBEAT,
	CHECK_PING,
	CHECK_FRESHNESS,
};

enum check_state {
	CHECK_NEW,	/* never seen: silent, never goes down */
	CHECK_UP,
	CHECK_LATE,	/* period passed, within grace */
	CHECK_DOWN,	/* notified */
};

enum check_signal_kind {
	CHECK_SIG_SUCCESS,	/* ping, firing heartbeat, fresh value */
	CHECK_SIG_START,	/* /ping/<name>/start */
	CHECK_SIG_FAIL,		/* /fail, non-zero exit, stale freshness */
	CHECK_SIG_LOG,		/* /ping/<name>/log: a message, nothing else */
};

enum check_notif_kind {
	CHECK_NOTIF_NONE,
	CHECK_NOTIF_DOWN,
	CHECK_NOTIF_REMINDER,
	CHECK_NOTIF_RECOVERED,
};

struct check_conf {
	const char	*name;		/* [A-Za-z0-9._-]+, not all dots */
	enum check_kind	 kind;
	int		 paused;	/* initial value when nothing is persisted */
	int64_t		 period_ms;	/* > 0, unless schedule is set */
	int64_t		 grace_ms;	/* >= 0 */
	int64_t		 repeat_ms;	/* 0: no reminders while down */
	/* Instead of a period: late at the first time the schedule fires
	 * after the last success (and down grace later). Borrowed from the
	 * config, which outlives the check; tz NULL is UTC. */
	const struct cron *schedule;
	const struct tz	  *tz;
	const char	  *schedule_expr;	/* as written: what reloads compare */
};

/* What to tell people. The strings are borrowed from the check and stay valid
 * until the next call on it (the daemon renders and enqueues right away). */
struct check_notif {
	enum check_notif_kind	 kind;
	const char		*name;
	enum check_kind		 check_kind;
	enum check_state	 state;		/* after the event */
	int64_t			 at_wall_ms;	/* when it was emitted */
	int64_t			 since_wall_ms;	/* DOWN/REMINDER: down since; RECOVERED: up since */
	int64_t			 down_ms;	/* REMINDER: down so far; RECOVERED: total */
	int64_t			 last_success_wall_ms;	/* 0: never */
	unsigned		 reminder;	/* REMINDER: 1 for the first one */
	const char		*last_message;	/* body of the last ping, "" if none */
	/* DOWN/REMINDER: why it is down ("no ping for 1d2h", "exit status 3",
	 * "Prometheus unreachable: ..."); RECOVERED: why it was down. */
	const char		*reason;
};

/* The persisted part of a check. check_snapshot() fills one with strings
 * borrowed from the check; checkstate_load() hands out owned ones. */
struct check_record {
	const char		*name;
	enum check_state	 state;
	int			 paused;
	int64_t			 last_success_wall_ms;	/* 0: never */
	int64_t			 last_start_wall_ms;	/* 0: never */
	int64_t			 down_since_wall_ms;	/* 0 unless down */
	int64_t			 last_notified_wall_ms;	/* last DOWN or REMINDER, 0: never */
	const char		*last_message;
	const char		*reason;		/* why it is down, "" otherwise */
};

/* Bits returned by the event functions. */
#define CHECK_EV_NOTIFY		0x1	/* *out holds a notification */
#define CHECK_EV_PERSIST	0x2	/* persisted fields changed: save a snapshot */

struct check;

/* 0 if name is a valid check name, else -1 with the reason. */
int	check_name_valid(const char *name, struct terr *err) WARN_UNUSED;
/* Validates conf and returns a check in state new; the caller frees it with
 * check_free(). NULL with err set on bad configuration. */
struct check *check_new(const struct check_conf *conf, struct terr *err);
/* check_new without a copy: conf, its name and what it points to are
 * borrowed and must outlive the check (a loaded config's checks). */
struct check *check_new_shared(const struct check_conf *conf, struct terr *err);
void	check_free(struct check *c);

/* Applies persisted state after a restart (rec->name is not compared).
 * The reminder counter starts again at 1; the paused flag comes from rec.
 * up or late become up with a full period + grace from now; down stays down
 * without a new DOWN, its reminders continuing from the last one sent (at
 * most one repeat_interval from now, at once if overdue); new stays new. */
void	check_restore(struct check *c, const struct check_record *rec,
	    const struct wd_time *now);
/* Fills rec with the persisted fields; its strings point into c and live
 * until the next call on c. */
void	check_snapshot(const struct check *c, struct check_record *rec);
/* On a reload: c (from the new config, state new) takes over the live
 * state of from, the same check in the running config: state, times, the
 * pending run, reminders, paused, last message and reason, so a reload
 * neither resets nor fires a check. The new durations apply from now on:
 * the period still counts from the last success (a late check that a
 * longer period makes on time is up again), and a changed repeat_interval
 * from the last reminder sent (now if reminders were off). Between checks
 * of the same durations it is a plain copy. The caller adopts only between
 * checks of the same kind. */
void	check_adopt(struct check *c, const struct check *from,
	    const struct wd_time *now);

/* A signal arrived. rid (may be NULL or "") is its run id, already checked
 * to be a UUID (see check_rid_valid). body (may be NULL: keep the last message) is kept up to
 * CHECK_MSG_MAX bytes, cut before the first NUL and at a UTF-8 character
 * boundary, each byte that is not UTF-8 replaced by U+FFFD. reason (may be NULL) says why a FAIL failed.
 * reason is kept up to CHECK_REASON_MAX bytes; a FAIL while down sends no
 * second DOWN but makes reason the check's (reminders and the recovery say
 * the latest cause).
 * Returns CHECK_EV_* bits; *out is filled when CHECK_EV_NOTIFY is set (and
 * zeroed otherwise). Never fails: the message and reason are allocated to
 * their length, and one that finds no memory is kept empty. */
int	check_signal(struct check *c, enum check_signal_kind sig,
	    const struct wd_time *now, const char *rid, const char *body,
	    size_t bodylen, const char *reason, struct check_notif *out);
/* 0 if rid is a UUID in canonical text form (8-4-4-4-12 lower-case hex
 * digits), else -1. */
int	check_rid_valid(const char *rid);
/* Time passed: late, down and reminders. Same return and *out as above.
 * Ticking early or often is harmless. */
int	check_tick(struct check *c, const struct wd_time *now,
	    struct check_notif *out);
/* The monotonic instant at which check_tick() next matters, CHECK_NEVER if
 * none (new, paused, down without reminders). */
int64_t	check_deadline(const struct check *c);
/* The monotonic instant at which an up check becomes (or a late one
 * became) late, CHECK_NEVER when not up or late, or paused. */
int64_t	check_late_at(const struct check *c);

/* A START never changes the state and does not reset lateness (as in
 * Healthchecks); but an up or late check whose run started and has not
 * succeeded within grace of the start goes down ("started 5m ago, no success
 * since"), as Healthchecks marks a hung run down. A SUCCESS ends the run
 * (check_last_duration), a FAIL ends it too. Starts are not persisted: after
 * a restart only the full period + grace applies.
 *
 * Run ids, as Healthchecks has them: only the latest START is timed for a
 * hung run; a SUCCESS ends it when it has the latest start's rid or none, a
 * FAIL with any. A SUCCESS with a rid measures its duration from the START
 * of the same rid (the last CHECK_RUNS_MAX of them are kept), so
 * overlapping runs of one job get their own durations; without a rid, from
 * the latest START. A LOG only keeps its body as the last message. */

/* Pausing stops all transitions and notifications; failures and starts
 * while paused only record the last message and times, and so do successes
 * that keep coming on time (the maintenance has not begun). A SUCCESS after
 * a whole period without one (or the first one ever) resumes the check: the
 * maintenance is over. It then counts as usual: a check down when paused
 * recovers, notified like any other recovery.
 * Resuming gives up/late checks a full period + grace from now and down
 * checks a full repeat_interval before the next reminder, as after a
 * restart, so a resume never fires at once.
 * Both return CHECK_EV_PERSIST when something changed, else 0. */
int	check_pause(struct check *c, const struct wd_time *now);
int	check_resume(struct check *c, const struct wd_time *now);

const char *check_name(const struct check *c);
const struct check_conf *check_conf(const struct check *c);
enum check_state check_get_state(const struct check *c);
int	check_paused(const struct check *c);
/* Milliseconds the last start..success run took, -1 if unknown. */
int64_t	check_last_duration(const struct check *c);

const char *check_state_name(enum check_state s);	/* "new", "up", ... */
int	check_state_parse(const char *s, enum check_state *out);
const char *check_kind_name(enum check_kind k);	/* "heartbeat", ... */
int	check_kind_parse(const char *s, enum check_kind *out);
const char *check_notif_kind_name(enum check_notif_kind k);	/* "down", ... */

/* Reads both clocks (CLOCK_MONOTONIC and CLOCK_REALTIME). */
void	wd_time_now(struct wd_time *now);

#endif
