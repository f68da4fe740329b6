/* check.c: one watchdog check's state machine. Pure: no clock reads, no I/O,
 * so every event is deterministic in tests. The last message and the reason
 * are allocated to their length when they are set: an idle check costs a
 * couple of hundred bytes, so a watchdog can hold 100,000 of them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "check.h"
#include "duration.h"
#include "utf8.h"

struct check {
	/* A copy after the struct (check_new), or the caller's
	 * (check_new_shared: at 100,000 checks a copy of each config costs
	 * 8 MB). name is conf->name. */
	const char		*name;
	const struct check_conf	*conf;
	/* The 4-byte fields together: 100,000 checks pay for padding. */
	enum check_state	 state;
	int			 paused;
	int			 have_success_mono;	/* set in this process */
	int			 have_start_mono;
	int			 have_down_mono;
	unsigned		 reminders;

	/* The period runs from anchor_mono: the last success, or start-up and
	 * resume, which is what gives a restarted check its full period.
	 * late_mono is when it ends: anchor + period, or the schedule's first
	 * time after the anchor (CHECK_NEVER if it never fires again). */
	int64_t			 anchor_mono;
	int64_t			 late_mono;

	int64_t			 last_success_wall;
	int64_t			 last_success_mono;
	int64_t			 last_start_wall;
	int64_t			 last_start_mono;
	int64_t			 last_duration;

	int64_t			 down_since_wall;
	int64_t			 down_since_mono;
	int64_t			 last_notified_wall;
	int64_t			 next_reminder_mono;

	char			*message;	/* NULL: "" */
	char			*reason;	/* NULL: "" */
	struct check_runs	*runs;		/* NULL until a start has a rid */
};

/* Starts with a run id: the latest start's, and the open runs' starts. */
struct check_runs {
	char	 latest[CHECK_RID_LEN + 1];	/* "" when the latest had none */
	size_t	 n;
	struct {
		char	 rid[CHECK_RID_LEN + 1];
		int64_t	 mono;
	}	 open[CHECK_RUNS_MAX];			/* oldest first */
};

int
check_name_valid(const char *name, struct terr *err)
{
	size_t	i, dots = 0;

	if (name == NULL || name[0] == '\0')
		return terr_set(err, "check name is empty");
	for (i = 0; name[i] != '\0'; i++) {
		char ch = name[i];

		if (i >= CHECK_NAME_MAX)
			return terr_set(err, "check name longer than %d bytes",
			    CHECK_NAME_MAX);
		if (ch == '.')
			dots++;
		else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return terr_set(err, "check name \"%.*s\": only letters, "
			    "digits, '.', '_' and '-' are allowed", CHECK_NAME_MAX,
			    name);
	}
	/* "." and ".." are removed from URL paths by clients and proxies, so
	 * /ping/.. could never reach the check. */
	if (dots == i)
		return terr_set(err, "check name \"%s\" cannot be only dots", name);
	return 0;
}

static struct check *
make(const struct check_conf *conf, bool shared, struct terr *err)
{
	struct check	*c = NULL;
	struct check_conf *own;
	size_t		 len;

	if (check_name_valid(conf->name, err) == -1)
		return NULL;
	if (conf->kind != CHECK_HEARTBEAT && conf->kind != CHECK_PING &&
	    conf->kind != CHECK_FRESHNESS) {
		terr_set(err, "check %s: unknown kind", conf->name);
		return NULL;
	}
	if (conf->schedule != NULL && conf->kind != CHECK_PING) {
		terr_set(err, "check %s: only ping checks take a schedule",
		    conf->name);
		return NULL;
	}
	if (conf->schedule == NULL &&
	    (conf->period_ms <= 0 || conf->period_ms > CHECK_DURATION_MAX)) {
		terr_set(err, "check %s: period must be positive and at most "
		    "10 years", conf->name);
		return NULL;
	}
	if (conf->grace_ms < 0 || conf->grace_ms > CHECK_DURATION_MAX) {
		terr_set(err, "check %s: grace must be between 0 and 10 years",
		    conf->name);
		return NULL;
	}
	if (conf->repeat_ms < 0 || conf->repeat_ms > CHECK_DURATION_MAX) {
		terr_set(err, "check %s: repeat_interval must be between 0 and "
		    "10 years", conf->name);
		return NULL;
	}
	/* A copy of the config and its name lives in the same allocation:
	 * at 100,000 checks a malloc'ed name of its own costs 3 MB. */
	len = shared ? 0 : strlen(conf->name) + 1;
	if ((c = calloc(1, sizeof(*c) + (shared ? 0 : sizeof(*own) + len))) == NULL) {
		terr_set(err, "check %s: out of memory", conf->name);
		return NULL;
	}
	if (shared)
		c->conf = conf;
	else {
		own = (struct check_conf *)(c + 1);
		*own = *conf;
		own->name = memcpy(own + 1, conf->name, len);
		c->conf = own;
	}
	c->name = c->conf->name;
	c->state = CHECK_NEW;
	c->paused = conf->paused != 0;
	c->last_duration = -1;
	c->next_reminder_mono = CHECK_NEVER;
	c->late_mono = CHECK_NEVER;
	return c;
}

struct check *
check_new(const struct check_conf *conf, struct terr *err)
{
	return make(conf, false, err);
}

struct check *
check_new_shared(const struct check_conf *conf, struct terr *err)
{
	return make(conf, true, err);
}

void
check_free(struct check *c)
{
	if (c == NULL)
		return;
	free(c->message);
	free(c->reason);
	free(c->runs);
	free(c);
}

/* Copies s (stopping at a NUL) into dst as valid UTF-8, at most max bytes
 * and never part of a character: a job's output is not always UTF-8 (a
 * Latin-1 file name, binary junk), and the API's JSON, the templates and
 * Telegram need text they can carry. Each invalid byte becomes U+FFFD, as
 * Healthchecks shows a body. */
static void
copy_text(char *dst, size_t max, const char *s, size_t len)
{
	static const char	 repl[] = "\xEF\xBF\xBD";
	const unsigned char	*p = (const unsigned char *)s;
	const char		*nul;
	size_t			 i, n, out = 0;
	uint32_t		 rune;

	if ((nul = memchr(s, '\0', len)) != NULL)
		len = (size_t)(nul - s);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(p + i, len - i, &rune)) == 0) {
			if (out + sizeof(repl) - 1 > max)
				break;
			memcpy(dst + out, repl, sizeof(repl) - 1);
			out += sizeof(repl) - 1;
			n = 1;
			continue;
		}
		if (out + n > max)
			break;
		memcpy(dst + out, s + i, n);
		out += n;
	}
	dst[out] = '\0';
}

/* Replaces *dst with s made text by copy_text, allocated to its length;
 * "" is kept as NULL. When memory runs out the text is dropped (""): losing
 * a ping's body must not lose the ping. */
static void
set_text(char **dst, size_t max, const char *s, size_t len)
{
	char	*t = NULL, *shrunk;
	size_t	 cap = len > max / 3 ? max : len * 3;

	if (len > 0 && s[0] != '\0' && (t = malloc(cap + 1)) != NULL) {
		copy_text(t, cap, s, len);
		if ((shrunk = realloc(t, strlen(t) + 1)) != NULL)
			t = shrunk;
	}
	free(*dst);
	*dst = t;
}

static const char *
text(const char *s)
{
	return s != NULL ? s : "";
}

static void
set_reason(struct check *c, const char *reason)
{
	set_text(&c->reason, CHECK_REASON_MAX, reason, strlen(reason));
}

/* When a check anchored at from (monotonic) becomes late: a period later,
 * or at the schedule's first time after from's wall-clock time. The wall
 * clock is read once, at now, and the answer kept on the monotonic clock:
 * setting the clock afterwards neither fires nor hides the check. */
static int64_t
late_after(const struct check *c, int64_t from, const struct wd_time *now)
{
	int64_t	wall, sec, next;

	if (c->conf->schedule == NULL)
		return from + c->conf->period_ms;
	wall = now->wall_ms - (now->mono_ms - from);
	sec = wall >= 0 ? wall / 1000 : -((999 - wall) / 1000);
	next = cron_next(c->conf->schedule, c->conf->tz ? c->conf->tz : tz_utc(), sec);
	if (next == CRON_NEVER)
		return CHECK_NEVER;
	return from + (next * 1000 - wall);
}

static void
anchor(struct check *c, const struct wd_time *now)
{
	c->anchor_mono = now->mono_ms;
	c->late_mono = late_after(c, now->mono_ms, now);
}

/* Grace after an instant, CHECK_NEVER after none. */
static int64_t
plus_grace(const struct check *c, int64_t at)
{
	return at == CHECK_NEVER ? CHECK_NEVER : at + c->conf->grace_ms;
}

static int
same_timing(const struct check_conf *a, const struct check_conf *b)
{
	if (a->period_ms != b->period_ms || (a->schedule == NULL) != (b->schedule == NULL))
		return 0;
	if (a->schedule == NULL)
		return 1;
	return strcmp(a->schedule_expr ? a->schedule_expr : "",
	    b->schedule_expr ? b->schedule_expr : "") == 0 &&
	    strcmp(tz_name(a->tz ? a->tz : tz_utc()),
	    tz_name(b->tz ? b->tz : tz_utc())) == 0;
}

void
check_restore(struct check *c, const struct check_record *rec,
    const struct wd_time *now)
{
	int64_t	due, delay;

	c->paused = rec->paused != 0;
	c->last_success_wall = rec->last_success_wall_ms;
	c->have_success_mono = 0;
	c->last_start_wall = rec->last_start_wall_ms;
	c->have_start_mono = 0;
	c->last_duration = -1;
	c->down_since_wall = 0;
	c->have_down_mono = 0;
	c->last_notified_wall = rec->last_notified_wall_ms;
	c->next_reminder_mono = CHECK_NEVER;
	c->reminders = 0;
	set_reason(c, "");
	set_text(&c->message, CHECK_MSG_MAX, text(rec->last_message),
	    strlen(text(rec->last_message)));
	free(c->runs);
	c->runs = NULL;
	anchor(c, now);

	switch (rec->state) {
	case CHECK_NEW:
		c->state = CHECK_NEW;
		break;
	case CHECK_UP:
	case CHECK_LATE:
		/* However long ago the last success was, the watchdog could
		 * not hear pings while it was not running: a full period +
		 * grace from now, never an alarm at start-up. */
		c->state = CHECK_UP;
		break;
	case CHECK_DOWN:
		/* Still down, already notified: no second DOWN. */
		c->state = CHECK_DOWN;
		c->down_since_wall = rec->down_since_wall_ms;
		set_reason(c, rec->reason ? rec->reason : "");
		if (c->conf->repeat_ms > 0) {
			/* Continue the reminder schedule from the last one
			 * sent. The wall clock is all that survives a restart;
			 * clamping to one interval keeps a clock that went
			 * backwards from silencing reminders for long. */
			due = (rec->last_notified_wall_ms != 0 ?
			    rec->last_notified_wall_ms : rec->down_since_wall_ms) +
			    c->conf->repeat_ms;
			delay = due - now->wall_ms;
			if (delay < 0)
				delay = 0;
			if (delay > c->conf->repeat_ms)
				delay = c->conf->repeat_ms;
			c->next_reminder_mono = now->mono_ms + delay;
		}
		break;
	}
}

void
check_snapshot(const struct check *c, struct check_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->name = c->name;
	rec->state = c->state;
	rec->paused = c->paused;
	rec->last_success_wall_ms = c->last_success_wall;
	rec->last_start_wall_ms = c->last_start_wall;
	rec->down_since_wall_ms = c->state == CHECK_DOWN ? c->down_since_wall : 0;
	rec->last_notified_wall_ms = c->last_notified_wall;
	rec->last_message = text(c->message);
	rec->reason = c->state == CHECK_DOWN ? text(c->reason) : "";
}

void
check_adopt(struct check *c, const struct check *from, const struct wd_time *now)
{
	const char	*name = c->name;
	char		*message = c->message, *reason = c->reason;
	const struct check_conf *conf = c->conf;
	int64_t		 base;

	free(c->runs);
	memcpy(c, from, sizeof(*c));
	c->name = name;
	c->conf = conf;
	c->message = message;
	c->reason = reason;
	/* Open runs are the job's, whatever the config says; a copy that
	 * finds no memory forgets them (their durations, not a state). */
	c->runs = NULL;
	if (from->runs != NULL && (c->runs = malloc(sizeof(*c->runs))) != NULL)
		memcpy(c->runs, from->runs, sizeof(*c->runs));
	set_text(&c->message, CHECK_MSG_MAX, text(from->message),
	    strlen(text(from->message)));
	set_reason(c, text(from->reason));
	/* Late under the old period or schedule, not under the new one: up
	 * again, or the API and metrics say late with a late_at still to
	 * come. (With the same timing this is a plain copy, whatever now is.) */
	if (!same_timing(conf, from->conf)) {
		c->late_mono = late_after(c, c->anchor_mono, now);
		if (c->state == CHECK_LATE && now->mono_ms < c->late_mono)
			c->state = CHECK_UP;
	}
	if (c->state != CHECK_DOWN || conf->repeat_ms == from->conf->repeat_ms)
		return;
	if (conf->repeat_ms == 0) {
		c->next_reminder_mono = CHECK_NEVER;
		return;
	}
	base = from->conf->repeat_ms > 0 && from->next_reminder_mono != CHECK_NEVER ?
	    from->next_reminder_mono - from->conf->repeat_ms : now->mono_ms;
	c->next_reminder_mono = base + conf->repeat_ms;
}

/* How long it has been down: the monotonic clock when the outage began in
 * this process, the wall clock across a restart (never negative). */
static int64_t
down_for(const struct check *c, const struct wd_time *now)
{
	int64_t	d;

	if (c->have_down_mono)
		d = now->mono_ms - c->down_since_mono;
	else
		d = now->wall_ms - c->down_since_wall;
	return d < 0 ? 0 : d;
}

static void
fill(const struct check *c, enum check_notif_kind kind,
    const struct wd_time *now, struct check_notif *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->name = c->name;
	out->check_kind = c->conf->kind;
	out->state = c->state;
	out->at_wall_ms = now->wall_ms;
	out->last_success_wall_ms = c->last_success_wall;
	out->last_message = text(c->message);
	out->reason = text(c->reason);
}

static int
go_down(struct check *c, const struct wd_time *now, const char *reason,
    struct check_notif *out)
{
	c->state = CHECK_DOWN;
	c->down_since_wall = now->wall_ms;
	c->down_since_mono = now->mono_ms;
	c->have_down_mono = 1;
	c->last_notified_wall = now->wall_ms;
	c->reminders = 0;
	c->next_reminder_mono = c->conf->repeat_ms > 0 ?
	    now->mono_ms + c->conf->repeat_ms : CHECK_NEVER;
	set_reason(c, reason);
	fill(c, CHECK_NOTIF_DOWN, now, out);
	out->since_wall_ms = c->down_since_wall;
	return CHECK_EV_NOTIFY | CHECK_EV_PERSIST;
}

static const char *
signal_word(enum check_kind k)
{
	switch (k) {
	case CHECK_HEARTBEAT:
		return "heartbeat";
	case CHECK_FRESHNESS:
		return "fresh value";
	case CHECK_PING:
		break;
	}
	return "ping";
}

static int
timed_out(struct check *c, const struct wd_time *now, struct check_notif *out)
{
	char	reason[128], dur[64];
	int64_t	ago;

	if (c->last_success_wall == 0 && !c->have_success_mono) {
		snprintf(reason, sizeof(reason), "no %s since start-up",
		    signal_word(c->conf->kind));
	} else {
		ago = c->have_success_mono ? now->mono_ms - c->last_success_mono :
		    now->wall_ms - c->last_success_wall;
		if (ago < 0)
			ago = 0;
		/* Whole seconds: milliseconds in an alarm are noise. */
		duration_format(ago - ago % 1000, dur, sizeof(dur));
		snprintf(reason, sizeof(reason), "no %s for %s",
		    signal_word(c->conf->kind), dur);
	}
	return go_down(c, now, reason, out);
}

/* When a pending start (in this process) makes an up or late check go down:
 * grace after the start, as Healthchecks marks a hung run down. */
static int64_t
start_down_at(const struct check *c)
{
	if (!c->have_start_mono || (c->state != CHECK_UP && c->state != CHECK_LATE))
		return CHECK_NEVER;
	return c->last_start_mono + c->conf->grace_ms;
}

static int
run_too_long(struct check *c, const struct wd_time *now,
    struct check_notif *out)
{
	char	reason[128], dur[64];
	int64_t	ago = now->mono_ms - c->last_start_mono;

	duration_format(ago - ago % 1000, dur, sizeof(dur));
	snprintf(reason, sizeof(reason), "started %s ago, no success since", dur);
	c->have_start_mono = 0;
	return go_down(c, now, reason, out);
}

/* Whether a success now ends a pause: the check was never seen, or went a
 * whole period without a success (counted from the start-up when none came
 * in this process), so the maintenance happened and is over. Signs of life
 * that keep coming on time, as they do when a pause comes before the
 * maintenance, do not end it. */
static int
quiet_for_a_period(const struct check *c, const struct wd_time *now)
{
	int64_t	since = c->have_success_mono ? c->last_success_mono : c->anchor_mono;

	return c->state == CHECK_NEW || now->mono_ms >= late_after(c, since, now);
}

int
check_rid_valid(const char *rid)
{
	size_t	i;

	for (i = 0; i < CHECK_RID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (rid[i] != '-')
				return -1;
		} else if (!((rid[i] >= '0' && rid[i] <= '9') ||
		    (rid[i] >= 'a' && rid[i] <= 'f')))
			return -1;
	}
	return rid[i] == '\0' ? 0 : -1;
}

/* A start with run id rid ("" for none): the latest start, and an open run
 * to measure when rid is set (the oldest forgotten when all are taken). */
static void
run_start(struct check *c, const char *rid, const struct wd_time *now)
{
	struct check_runs	*r = c->runs;
	size_t			 i;

	c->last_start_wall = now->wall_ms;
	c->last_start_mono = now->mono_ms;
	c->have_start_mono = 1;
	if (rid[0] == '\0' && r == NULL)
		return;
	if (r == NULL && (r = c->runs = calloc(1, sizeof(*r))) == NULL)
		return;	/* no memory: timed as a start without an id */
	snprintf(r->latest, sizeof(r->latest), "%s", rid);
	if (rid[0] == '\0')
		return;
	for (i = 0; i < r->n && strcmp(r->open[i].rid, rid) != 0; i++)
		;
	if (i == r->n && r->n == CHECK_RUNS_MAX)
		i = 0;
	if (i < r->n) {
		memmove(&r->open[i], &r->open[i + 1],
		    (r->n - i - 1) * sizeof(r->open[0]));
		r->n--;
	}
	snprintf(r->open[r->n].rid, sizeof(r->open[r->n].rid), "%s", rid);
	r->open[r->n++].mono = now->mono_ms;
}

/* The end of a run: its start's monotonic time (the open run of the same
 * rid, which is closed; without a rid the latest start), -1 if unknown. */
static int64_t
run_end(struct check *c, const char *rid)
{
	struct check_runs	*r = c->runs;
	int64_t			 started;
	size_t			 i;

	if (rid[0] == '\0')
		return c->have_start_mono ? c->last_start_mono : -1;
	for (i = 0; r != NULL && i < r->n; i++)
		if (strcmp(r->open[i].rid, rid) == 0) {
			started = r->open[i].mono;
			memmove(&r->open[i], &r->open[i + 1],
			    (r->n - i - 1) * sizeof(r->open[0]));
			r->n--;
			return started;
		}
	return -1;
}

/* Whether rid's end stops the hung-run timer of the latest start: it has
 * that start's rid, or none (Healthchecks' rule). */
static int
ends_latest(const struct check *c, const char *rid)
{
	return rid[0] == '\0' || c->runs == NULL ||
	    strcmp(c->runs->latest, rid) == 0;
}

int
check_signal(struct check *c, enum check_signal_kind sig,
    const struct wd_time *now, const char *rid, const char *body,
    size_t bodylen, const char *reason, struct check_notif *out)
{
	char	latest[CHECK_REASON_MAX + 1];
	int	ev = 0, resume;
	int64_t	started;

	memset(out, 0, sizeof(*out));
	if (rid == NULL)
		rid = "";
	if (body != NULL) {
		set_text(&c->message, CHECK_MSG_MAX, body, bodylen);
		ev |= CHECK_EV_PERSIST;
	}

	switch (sig) {
	case CHECK_SIG_LOG:
		return ev;
	case CHECK_SIG_START:
		/* Healthchecks semantics: a start measures run time and does
		 * not reset lateness; a run that has not succeeded within
		 * grace of its start goes down (see start_down_at). */
		run_start(c, rid, now);
		return ev | CHECK_EV_PERSIST;
	case CHECK_SIG_SUCCESS:
		/* Before the success is recorded: it measures the silence. */
		resume = c->paused && quiet_for_a_period(c, now);
		c->last_success_wall = now->wall_ms;
		c->last_success_mono = now->mono_ms;
		c->have_success_mono = 1;
		if ((started = run_end(c, rid)) >= 0)
			c->last_duration = now->mono_ms - started;
		if (ends_latest(c, rid))
			c->have_start_mono = 0;
		ev |= CHECK_EV_PERSIST;
		if (c->paused && !resume)
			return ev;
		/* The maintenance is over: a sign of life after a silence
		 * resumes the check (Healthchecks resumes on any), so a pause
		 * that nobody lifts cannot silence it for good. */
		c->paused = 0;
		anchor(c, now);
		if (c->state == CHECK_DOWN) {
			int64_t d = down_for(c, now);

			c->state = CHECK_UP;
			c->next_reminder_mono = CHECK_NEVER;
			c->down_since_wall = 0;
			c->have_down_mono = 0;
			/* out->reason still says why it was down; the check
			 * itself no longer exposes it (see check_snapshot). */
			fill(c, CHECK_NOTIF_RECOVERED, now, out);
			out->since_wall_ms = now->wall_ms;
			out->down_ms = d;
			return ev | CHECK_EV_NOTIFY;
		}
		c->state = CHECK_UP;
		set_reason(c, "");
		return ev;
	case CHECK_SIG_FAIL:
		/* The run ended, badly. A failure while paused changes
		 * nothing more: failing during a maintenance window is what
		 * the pause is for (Healthchecks resumes here too). */
		c->have_start_mono = 0;
		(void)run_end(c, rid);
		if (c->paused)
			return ev;
		if (c->state == CHECK_DOWN) {
			/* Down already: no second DOWN, but reminders and the
			 * recovery say why it is down now (Prometheus back,
			 * the file still old). */
			if (reason != NULL && reason[0] != '\0') {
				copy_text(latest, CHECK_REASON_MAX, reason, strlen(reason));
				if (strcmp(latest, text(c->reason)) != 0) {
					set_reason(c, latest);
					ev |= CHECK_EV_PERSIST;
				}
			}
			return ev;
		}
		return ev | go_down(c, now,
		    reason != NULL && reason[0] != '\0' ? reason : "failure reported",
		    out);
	}
	return ev;
}

int
check_tick(struct check *c, const struct wd_time *now, struct check_notif *out)
{
	int64_t	late_at, down_at;

	memset(out, 0, sizeof(*out));
	if (c->paused)
		return 0;
	late_at = c->late_mono;
	down_at = plus_grace(c, late_at);

	switch (c->state) {
	case CHECK_NEW:
		return 0;
	case CHECK_UP:
	case CHECK_LATE:
		/* Inclusive edges, as Healthchecks: late at exactly period,
		 * down at exactly period + grace. A long sleep goes straight
		 * from up to down with one notification. */
		if (now->mono_ms >= down_at)
			return timed_out(c, now, out);
		if (now->mono_ms >= start_down_at(c))
			return run_too_long(c, now, out);
		if (c->state == CHECK_UP && now->mono_ms >= late_at) {
			c->state = CHECK_LATE;
			return CHECK_EV_PERSIST;
		}
		return 0;
	case CHECK_DOWN:
		if (now->mono_ms < c->next_reminder_mono)
			return 0;
		c->reminders++;
		c->last_notified_wall = now->wall_ms;
		c->next_reminder_mono += c->conf->repeat_ms;
		/* After a long stall, one reminder, then on schedule again
		 * from now rather than a burst of catch-up messages. */
		if (c->next_reminder_mono <= now->mono_ms)
			c->next_reminder_mono = now->mono_ms + c->conf->repeat_ms;
		fill(c, CHECK_NOTIF_REMINDER, now, out);
		out->since_wall_ms = c->down_since_wall;
		out->down_ms = down_for(c, now);
		out->reminder = c->reminders;
		return CHECK_EV_NOTIFY | CHECK_EV_PERSIST;
	}
	return 0;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int64_t
check_deadline(const struct check *c)
{
	if (c->paused)
		return CHECK_NEVER;
	switch (c->state) {
	case CHECK_NEW:
		return CHECK_NEVER;
	case CHECK_UP:
		return min64(c->late_mono, start_down_at(c));
	case CHECK_LATE:
		return min64(plus_grace(c, c->late_mono), start_down_at(c));
	case CHECK_DOWN:
		return c->next_reminder_mono;
	}
	return CHECK_NEVER;
}

int64_t
check_late_at(const struct check *c)
{
	if (c->paused || (c->state != CHECK_UP && c->state != CHECK_LATE))
		return CHECK_NEVER;
	return c->late_mono;
}

int
check_pause(struct check *c, const struct wd_time *now)
{
	if (c->paused)
		return 0;
	c->paused = 1;
	return CHECK_EV_PERSIST;
}

int
check_resume(struct check *c, const struct wd_time *now)
{
	if (!c->paused)
		return 0;
	c->paused = 0;
	anchor(c, now);
	/* A run started before or during the pause must not fire at once. */
	c->have_start_mono = 0;
	if (c->state == CHECK_LATE)
		c->state = CHECK_UP;
	if (c->state == CHECK_DOWN && c->conf->repeat_ms > 0)
		c->next_reminder_mono = now->mono_ms + c->conf->repeat_ms;
	return CHECK_EV_PERSIST;
}

const char *
check_name(const struct check *c)
{
	return c->name;
}

const struct check_conf *
check_conf(const struct check *c)
{
	return c->conf;
}

enum check_state
check_get_state(const struct check *c)
{
	return c->state;
}

int
check_paused(const struct check *c)
{
	return c->paused;
}

int64_t
check_last_duration(const struct check *c)
{
	return c->last_duration;
}

static const char *const state_names[] = { "new", "up", "late", "down" };
static const char *const kind_names[] = { "heartbeat", "ping", "freshness" };
static const char *const notif_names[] = { "none", "down", "reminder", "recovered" };

const char *
check_state_name(enum check_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "unknown";
}

int
check_state_parse(const char *s, enum check_state *out)
{
	unsigned	i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum check_state)i;
			return 0;
		}
	return -1;
}

const char *
check_kind_name(enum check_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "unknown";
}

int
check_kind_parse(const char *s, enum check_kind *out)
{
	unsigned	i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum check_kind)i;
			return 0;
		}
	return -1;
}

const char *
check_notif_kind_name(enum check_notif_kind k)
{
	return (unsigned)k < 4 ? notif_names[k] : "unknown";
}

void
wd_time_now(struct wd_time *now)
{
	now->mono_ms = mono_ms();
	now->wall_ms = wall_ms();
}
