/* wdconfig.c: loads tocsin-watchdog's config: the relay's loader handles
 * global, templates and receivers; this file adds checks: (a field table
 * for cfgfield.c's walker, plus the rules of each kind) and builds the
 * registry, with file:line:col errors as the relay gives them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "config_int.h"
#include "cron.h"
#include "duration.h"
#include "tz.h"
#include "wdconfig.h"

struct wdconfig_check_int {
	struct wdconfig_check	 pub;
	char			*name;		/* owned; pub.conf.name points here */
	char			*schedule;	/* owned; pub.conf.schedule_expr */
	char			*tzname;	/* owned */
	struct cron		*cron;		/* owned; pub.conf.schedule */
	struct wdconfig		*wc;		/* its zones, while loading */
	/* As written, while loading. */
	bool			 has_kind;
	bool			 paused;
	/* pub.receiver is the config's receiver's own name (not freed
	 * here): 100,000 checks share a few receivers. */
	bool			 receiver_shared;
};

struct wdconfig {
	struct config			*cfg;
	struct registry			*reg;
	struct wdconfig_check_int	*checks;
	size_t				 nchecks;
	/* The zones the checks' schedules name, each loaded once: 100,000
	 * checks in Europe/Berlin share one. */
	struct tz			**zones;
	size_t				 nzones;
};

/* Where a node was: the checks are read as a stream (ydoc_stream), so
 * their nodes are gone by the time finish() cross-checks them. */
struct ypos {
	int	 line, col;
};

/* Load-time state: positions of what finish() cross-checks. */
struct wdload {
	struct wdconfig		 *wc;
	struct cfg_load		 *ld;
	const struct ynode	 *checksnode;
	struct ypos		 *checkpos;	/* per check: its mapping */
	struct ypos		 *namepos;	/* per check: its name's value */
	struct ypos		 *recvpos;	/* per check: its receiver value */
	/* The distinct receiver names the checks name so far, which their
	 * pub.receiver points to until finish() points it at the config's
	 * receiver: a copy per check would cost 3 MB at 100,000 checks. */
	char			**recvnames;
	size_t			  nrecvnames;
};

/* c's receiver replaced by the load's one copy of that name. */
static int
share_receiver(struct wdload *wl, struct wdconfig_check_int *c)
{
	char	**grown;
	size_t	  i;

	if (c->pub.receiver == NULL)
		return 0;
	for (i = wl->nrecvnames; i-- > 0;)
		if (strcmp(wl->recvnames[i], c->pub.receiver) == 0)
			break;
	if (i == SIZE_MAX) {
		if ((grown = reallocarray(wl->recvnames, wl->nrecvnames + 1,
		    sizeof(*grown))) == NULL)
			return -1;
		wl->recvnames = grown;
		i = wl->nrecvnames++;
		wl->recvnames[i] = c->pub.receiver;
	} else
		free(c->pub.receiver);
	c->pub.receiver = wl->recvnames[i];
	c->receiver_shared = true;
	return 0;
}

static struct ypos
pos_of(const struct ynode *n, const struct ynode *or)
{
	if (n == NULL)
		n = or;
	return (struct ypos){ n->line, n->col };
}

/* A node standing for a position, for the error functions. */
static struct ynode
at_pos(struct ypos p)
{
	return (struct ynode){ .kind = YN_SCALAR, .line = p.line, .col = p.col,
	    .value = (char *)"" };
}

static void
check_clear(struct wdconfig_check_int *c)
{
	free(c->name);
	free(c->schedule);
	free(c->tzname);
	cron_free(c->cron);
	if (!c->receiver_shared)
		free(c->pub.receiver);
	free(c->pub.fresh.prometheus_url);
	free(c->pub.fresh.query);
	memset(c, 0, sizeof(*c));
}

static int
timer_only(struct cfg_load *ld, const struct ynode *k, const void *obj)
{
	const struct wdconfig_check_int *c = obj;

	if (c->has_kind && c->pub.conf.kind == CHECK_FRESHNESS)
		return cfg_type_fail(ld, k, "field %s is not allowed in a freshness "
		    "check (only in heartbeat and ping checks)", k->value);
	return 0;
}

static int
ping_only(struct cfg_load *ld, const struct ynode *k, const void *obj)
{
	const struct wdconfig_check_int *c = obj;

	if (c->has_kind && c->pub.conf.kind != CHECK_PING)
		return cfg_type_fail(ld, k, "field %s is not allowed in a %s check "
		    "(only in ping checks)", k->value,
		    check_kind_name(c->pub.conf.kind));
	return 0;
}

static int
fresh_only(struct cfg_load *ld, const struct ynode *k, const void *obj)
{
	const struct wdconfig_check_int *c = obj;

	if (c->has_kind && c->pub.conf.kind != CHECK_FRESHNESS)
		return cfg_type_fail(ld, k, "field %s is not allowed in a %s check "
		    "(only in freshness checks)", k->value,
		    check_kind_name(c->pub.conf.kind));
	return 0;
}

/* Both are schema errors, collected like an unknown field. parse_check
 * reads the kind before the walk. */
static int
kind_read(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	return 0;
}

static int
name_ok(struct cfg_load *ld, const char *field, const struct ynode *v,
    const char *s)
{
	struct terr	 e;

	if (s != NULL && check_name_valid(s, &e) == -1)
		return cfg_fail(ld, v, "%s", e.msg);
	return 0;
}

static int
query_ok(struct cfg_load *ld, const char *field, const struct ynode *v,
    const char *s)
{
	if (s == NULL || s[0] == '\0')
		return cfg_fail(ld, v, "query cannot be empty");
	return 0;
}

/* The zone called name, loaded once per config. NULL with err set. */
static const struct tz *
zone(struct wdconfig *wc, const char *name, struct terr *err)
{
	struct tz	**grown, *z;
	size_t		  i;

	for (i = 0; i < wc->nzones; i++)
		if (strcmp(tz_name(wc->zones[i]), name) == 0)
			return wc->zones[i];
	if ((z = tz_load(name, err)) == NULL)
		return NULL;
	if ((grown = realloc(wc->zones, (wc->nzones + 1) * sizeof(*grown))) == NULL) {
		tz_free(z);
		terr_set(err, "out of memory");
		return NULL;
	}
	wc->zones = grown;
	wc->zones[wc->nzones++] = z;
	return z;
}

/* A position inside a scalar: the byte at off of v's value, for a plain or
 * quoted scalar on one line (the node's own position otherwise). */
static struct ynode
inside(const struct ynode *v, size_t off)
{
	struct ynode	at = *v;

	if (memchr(v->value, '\n', v->len) == NULL && off < (size_t)1 << 20)
		at.col += (int)off + (v->plain ? 0 : 1);
	return at;
}

/* A ping check's schedule and zone, instead of a period. */
static int
schedule_finish(struct cfg_load *ld, const struct cf_walk *w,
    struct wdconfig_check_int *c)
{
	const struct ynode	*sv = NULL, *tv = NULL;
	struct ynode		 at;
	struct terr		 e;
	size_t			 pos;
	const char		*zname;

	/* Errors point at the values; null ones read as absent. */
	if (cf_given(w, "schedule") != NULL)
		sv = cf_value(w, "schedule");
	if (cf_given(w, "tz") != NULL)
		tv = cf_value(w, "tz");
	if (sv == NULL) {
		if (tv != NULL)
			return cfg_fail(ld, tv, "check \"%s\": tz needs a schedule "
			    "(a period does not depend on the zone)", c->name);
		return 0;
	}
	if (cf_given(w, "period") != NULL)
		return cfg_fail(ld, sv, "check \"%s\": period and schedule cannot "
		    "both be set", c->name);
	if ((c->cron = cron_parse_schedule(c->schedule ? c->schedule : "", &pos,
	    &e)) == NULL) {
		at = inside(sv, pos);
		return cfg_fail(ld, &at, "check \"%s\": schedule \"%s\": %s",
		    c->name, c->schedule ? c->schedule : "", e.msg);
	}
	c->pub.conf.schedule = c->cron;
	c->pub.conf.schedule_expr = c->schedule;
	/* A calendar event may name its zone, as in a timer unit. */
	if ((zname = cron_zone(c->cron, &pos)) != NULL) {
		at = inside(sv, pos);
		if (tv != NULL)
			return cfg_fail(ld, tv, "check \"%s\": tz and the schedule's "
			    "own zone (%s) cannot both be set", c->name, zname);
		if ((c->pub.conf.tz = zone(c->wc, zname, &e)) == NULL)
			return cfg_fail(ld, &at, "check \"%s\": schedule \"%s\": %s",
			    c->name, c->schedule, e.msg);
		return 0;
	}
	if (tv != NULL && (c->tzname == NULL || c->tzname[0] == '\0'))
		return cfg_fail(ld, tv, "check \"%s\": tz cannot be empty (UTC is "
		    "the default)", c->name);
	if ((c->pub.conf.tz = zone(c->wc, c->tzname ? c->tzname : "UTC", &e)) == NULL)
		return cfg_fail(ld, tv, "check \"%s\": tz: %s", c->name, e.msg);
	return 0;
}

/* What a table cannot say, in this order: the kind, the receiver, then the
 * keys the kind requires and how they relate. */
static int
check_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct wdconfig_check_int *c = w->obj;
	struct wdconfig_check	*pc = &c->pub;
	const struct ynode	*at;
	const char		*kname = check_kind_name(pc->conf.kind);

	pc->conf.name = c->name;
	pc->conf.paused = c->paused;
	if (!c->has_kind)
		return cfg_fail(ld, w->n, "check \"%s\" has no kind (heartbeat, ping or "
		    "freshness)", c->name);
	if (pc->receiver == NULL || pc->receiver[0] == '\0')
		return cfg_fail(ld, w->n, "check \"%s\" has no receiver", c->name);
	/* A null duration reads as unset, like an absent one. */
	if (cf_given(w, "repeat_interval") == NULL)
		pc->conf.repeat_ms = WDCONFIG_REPEAT_DEFAULT_MS;
	if (pc->conf.kind != CHECK_FRESHNESS) {
		if (schedule_finish(ld, w, c) == -1)
			return -1;
		if (pc->conf.kind == CHECK_PING && pc->conf.period_ms == 0 &&
		    pc->conf.schedule == NULL)
			return cfg_fail(ld, w->n, "check \"%s\": period or schedule is "
			    "required for ping checks", c->name);
		if (pc->conf.period_ms == 0 && pc->conf.schedule == NULL)
			return cfg_fail(ld, w->n, "check \"%s\": period is required for "
			    "%s checks", c->name, kname);
		if (cf_given(w, "grace") == NULL)
			return cfg_fail(ld, w->n, "check \"%s\": grace is required for "
			    "%s checks", c->name, kname);
		return 0;
	}
	if (pc->fresh.prometheus_url == NULL)
		return cfg_fail(ld, (at = cf_value(w, "prometheus_url")) ? at : w->n,
		    "check \"%s\": prometheus_url is required for freshness checks",
		    c->name);
	if (pc->fresh.query == NULL)
		return cfg_fail(ld, (at = cf_value(w, "query")) ? at : w->n, "check "
		    "\"%s\": query is required for freshness checks", c->name);
	if (pc->fresh.max_age_ms == 0)
		return cfg_fail(ld, (at = cf_value(w, "max_age")) ? at : w->n, "check "
		    "\"%s\": max_age is required for freshness checks", c->name);
	if (cf_given(w, "interval") == NULL)
		pc->fresh.interval_ms = WDCONFIG_INTERVAL_DEFAULT_MS;
	if (cf_given(w, "timeout") == NULL)
		pc->fresh.timeout_ms = WDCONFIG_TIMEOUT_DEFAULT_MS;
	if (pc->fresh.timeout_ms >= pc->fresh.interval_ms) {
		char	 t[64], iv[64];

		if ((at = cf_value(w, "timeout")) == NULL &&
		    (at = cf_value(w, "interval")) == NULL)
			at = w->n;
		duration_format(pc->fresh.timeout_ms, t, sizeof(t));
		duration_format(pc->fresh.interval_ms, iv, sizeof(iv));
		return cfg_fail(ld, at, "check \"%s\": timeout (%s) must be shorter "
		    "than interval (%s)", c->name, t, iv);
	}
	/* The prober queries every interval and an answer may take the
	 * timeout: late only when the next answer is overdue (with period =
	 * interval, answers a little slower than the last one made a healthy
	 * check late now and then); a prober that stops is noticed after one
	 * more interval. */
	pc->conf.period_ms = pc->fresh.interval_ms + pc->fresh.timeout_ms;
	pc->conf.grace_ms = pc->fresh.interval_ms;
	return 0;
}

#define CHECK_AT(f)	CF_AT(wdconfig_check_int, f)

static const struct cf_field check_fields[] = {
	{ "name", CF_STR, CHECK_AT(name), .check = name_ok,
	    .missing = "check has no name" },
	{ "kind", CF_CUSTOM, .parse = kind_read },
	{ "receiver", CF_STR, CHECK_AT(pub.receiver) },
	{ "repeat_interval", CF_DURATION, CHECK_AT(pub.conf.repeat_ms) },
	{ "paused", CF_BOOL, CHECK_AT(paused) },
	{ "period", CF_DURATION, CHECK_AT(pub.conf.period_ms), .nonzero = true,
	    .allow = timer_only },
	{ "grace", CF_DURATION, CHECK_AT(pub.conf.grace_ms), .allow = timer_only },
	{ "schedule", CF_STR, CHECK_AT(schedule), .allow = ping_only },
	{ "tz", CF_STR, CHECK_AT(tzname), .allow = ping_only },
	/* May carry credentials: never echoed. */
	{ "prometheus_url", CF_URL, CHECK_AT(pub.fresh.prometheus_url),
	    .secret = true, .allow = fresh_only },
	{ "query", CF_STR, CHECK_AT(pub.fresh.query), .check = query_ok,
	    .allow = fresh_only },
	{ "max_age", CF_DURATION, CHECK_AT(pub.fresh.max_age_ms), .nonzero = true,
	    .allow = fresh_only },
	{ "interval", CF_DURATION, CHECK_AT(pub.fresh.interval_ms), .nonzero = true,
	    .allow = fresh_only },
	{ "timeout", CF_DURATION, CHECK_AT(pub.fresh.timeout_ms), .nonzero = true,
	    .allow = fresh_only },
	{ .name = NULL }
};
static const struct cf_type check_type = { "check", check_fields, 0,
    check_finish };

static int
parse_check(struct cfg_load *ld, const struct ynode *n,
    struct wdconfig_check_int *c)
{
	const struct ynode	*kind;
	char			*s = NULL;
	int			 rc = 0;

	if (ynode_is_null(n))
		return cfg_fail(ld, n, "empty entry in checks");
	if (cfg_map(ld, n, "check") == -1)
		return -1;
	/* The kind decides which keys are allowed, wherever it is written. */
	kind = ynode_map_get(n, "kind");
	if (!ynode_is_null(kind)) {
		if (cfg_str(ld, "kind", kind, &s) == -1)
			return -1;
		if (check_kind_parse(s, &c->pub.conf.kind) == -1)
			rc = cfg_fail(ld, kind, "kind must be heartbeat, ping or "
			    "freshness, not \"%.64s\"", s);
		free(s);
		if (rc == -1)
			return -1;
		c->has_kind = true;
	}
	c->pub.conf.repeat_ms = WDCONFIG_REPEAT_DEFAULT_MS;
	c->pub.fresh.interval_ms = WDCONFIG_INTERVAL_DEFAULT_MS;
	c->pub.fresh.timeout_ms = WDCONFIG_TIMEOUT_DEFAULT_MS;
	return cf_parse(ld, n, &check_type, c);
}

struct named {
	const char	*name;
	size_t		 i;
};

static int
by_name_then_index(const void *a, const void *b)
{
	const struct named *na = a, *nb = b;
	int	c = strcmp(na->name, nb->name);

	if (c != 0)
		return c;
	return na->i < nb->i ? -1 : na->i > nb->i;
}

/* The first check (in file order) whose name an earlier one has, n if none:
 * sorted, so that 100,000 names take a moment, not n^2 comparisons. */
static size_t
first_duplicate(const struct wdconfig_check_int *checks, size_t n, bool *oom)
{
	struct named	*ix;
	size_t		 i, dup = n;

	*oom = false;
	if (n < 2)
		return n;
	if ((ix = calloc(n, sizeof(*ix))) == NULL) {
		*oom = true;
		return n;
	}
	for (i = 0; i < n; i++)
		ix[i] = (struct named){ checks[i].name, i };
	qsort(ix, n, sizeof(*ix), by_name_then_index);
	for (i = 1; i < n; i++)
		if (strcmp(ix[i - 1].name, ix[i].name) == 0 && ix[i].i < dup)
			dup = ix[i].i;
	free(ix);
	return dup;
}

/* One entry of checks: a check with type errors is dropped and the next one
 * takes its slot, so that the type errors of every check are reported. */
static int
check_item(void *arg, const struct ynode *item, size_t i)
{
	struct wdload			*wl = arg;
	struct wdconfig			*wc = wl->wc;
	struct wdconfig_check_int	*c = &wc->checks[wc->nchecks];

	(void)i;
	if (cfg_stop(wl->ld))
		return -1;
	c->wc = wc;
	if (parse_check(wl->ld, item, c) == -1) {
		check_clear(c);
		return cfg_stop(wl->ld) ? -1 : 0;
	}
	if (share_receiver(wl, c) == -1) {
		check_clear(c);
		return cfg_fail(wl->ld, item, "out of memory");
	}
	wl->checkpos[wc->nchecks] = pos_of(item, item);
	wl->namepos[wc->nchecks] = pos_of(ynode_map_get(item, "name"), item);
	wl->recvpos[wc->nchecks] = pos_of(ynode_map_get(item, "receiver"), item);
	wc->nchecks++;
	return 0;
}

/* The stream's own failure ("LINE:COL: message"), at its position. */
static int
stream_fail(struct cfg_load *ld, const struct ynode *v, const struct terr *e)
{
	struct ypos	 p;
	int		 off = 0;

	if (sscanf(e->msg, "%d:%d: %n", &p.line, &p.col, &off) == 2 && off > 0) {
		struct ynode at = at_pos(p);

		return cfg_fail(ld, &at, "%s", e->msg + off);
	}
	return cfg_fail(ld, v, "%s", e->msg);
}

static int
parse_checks(struct cfg_load *ld, struct wdload *wl, const struct ynode *v)
{
	struct wdconfig	*wc = wl->wc;
	struct terr	 e;
	size_t		 i, dup, n, mark = cfg_mark(ld);
	bool		 oom;

	if (cfg_seq(ld, v, "checks") == -1)
		return -1;
	wl->checksnode = v;
	wl->ld = ld;
	if (ynode_is_null(v))
		return 0;
	if ((n = ydoc_deferred_items(ld->doc, v)) == SIZE_MAX)
		n = v->n;
	if (n == 0)
		return 0;
	if ((wc->checks = calloc(n, sizeof(*wc->checks))) == NULL ||
	    (wl->checkpos = calloc(n, sizeof(*wl->checkpos))) == NULL ||
	    (wl->namepos = calloc(n, sizeof(*wl->namepos))) == NULL ||
	    (wl->recvpos = calloc(n, sizeof(*wl->recvpos))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	if (ydoc_deferred_items(ld->doc, v) != SIZE_MAX) {
		if (ydoc_stream(ld->doc, v, check_item, wl, &e) == -1 &&
		    !cfg_stop(ld))
			return stream_fail(ld, v, &e);
	} else
		for (i = 0; i < v->n && check_item(wl, v->child[i], i) == 0; i++)
			;
	if (cfg_stop(ld))
		return -1;
	/* Like receiver names, checked as the file's own rule; sorted, so
	 * that 100,000 names are not n^2 comparisons. */
	dup = first_duplicate(wc->checks, wc->nchecks, &oom);
	if (oom)
		return cfg_fail(ld, v, "out of memory");
	if (dup < wc->nchecks) {
		struct ynode at = at_pos(wl->namepos[dup]);

		cfg_late(ld, &at, "check name \"%s\" is not unique",
		    wc->checks[dup].name);
	}
	return cfg_walked(ld, mark);
}

static int
wd_key(struct cfg_load *ld, const struct ynode *k, const struct ynode *v, void *arg)
{
	struct wdload	*wl = arg;

	if (strcmp(k->value, "checks") == 0)
		return parse_checks(ld, wl, v);
	if (strcmp(k->value, "route") == 0)
		return cfg_fail(ld, k, "tocsin-watchdog has no route tree: each "
		    "check names its receiver");
	return cfg_unknown(ld, k, "the configuration");
}

static int
wd_finish(struct cfg_load *ld, const struct config *cfg, void *arg)
{
	struct wdload	*wl = arg;
	struct wdconfig	*wc = wl->wc;
	size_t		 i;

	if (wc->nchecks == 0)
		return cfg_fail(ld, wl->checksnode, "no checks provided in config");
	for (i = 0; i < wc->nchecks; i++) {
		struct wdconfig_check_int *c = &wc->checks[i];
		const struct receiver *r = config_receiver(cfg, c->pub.receiver);

		if (r == NULL) {
			struct ynode at = at_pos(wl->recvpos[i]);

			return cfg_fail(ld, &at, "undefined receiver \"%s\" used in "
			    "check \"%s\"", c->pub.receiver, c->name);
		}
		c->pub.receiver = r->name;
	}
	return 0;
}

/* The registry, built once the load is over and its text and positions
 * are freed: 100,000 checks are never in memory as config text, config
 * entries and checks at once. A check the table accepted and check_new
 * refuses (a period over ten years) is reported at its entry. */
static int
build_registry(struct wdconfig *wc, const char *name, const struct ypos *at,
    struct terr *err)
{
	struct terr	 e;
	size_t		 i;

	if ((wc->reg = registry_new()) == NULL)
		return terr_set(err, "%s: out of memory", name);
	for (i = 0; i < wc->nchecks; i++)
		if (registry_add_shared(wc->reg, &wc->checks[i].pub.conf, &e) == NULL)
			return terr_set(err, "%s:%d:%d: %s", name, at[i].line,
			    at[i].col, e.msg);
	return 0;
}

/* Runs the relay's loader with the watchdog's keys; file or buffer. */
static struct wdconfig *
load(const char *path, const char *name, const char *dir, const char *yaml,
    size_t len, struct terr *err, struct terrs *all)
{
	struct wdconfig	*wc;
	struct wdload	 wl;
	struct cfg_extra extra;

	if ((wc = calloc(1, sizeof(*wc))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	memset(&wl, 0, sizeof(wl));
	wl.wc = wc;
	extra.key = wd_key;
	extra.finish = wd_finish;
	extra.arg = &wl;
	extra.defer_key = "checks";
	if (path != NULL)
		wc->cfg = cfg_load_file_with(path, &extra, err, all);
	else
		wc->cfg = cfg_load_buffer_with(name, dir, yaml, len, &extra, err, all);
	free(wl.namepos);
	free(wl.recvpos);
	for (size_t i = 0; i < wl.nrecvnames; i++)
		free(wl.recvnames[i]);
	free(wl.recvnames);
	if (wc->cfg == NULL || build_registry(wc, path != NULL ? path : name,
	    wl.checkpos, err) == -1) {
		free(wl.checkpos);
		wdconfig_free(wc);
		return NULL;
	}
	free(wl.checkpos);
	return wc;
}

struct wdconfig *
wdconfig_load_file(const char *path, struct terr *err)
{
	return load(path, NULL, NULL, NULL, 0, err, NULL);
}

struct wdconfig *
wdconfig_load_file_all(const char *path, struct terr *err, struct terrs *all)
{
	return load(path, NULL, NULL, NULL, 0, err, all);
}

struct wdconfig *
wdconfig_load_buffer(const char *name, const char *dir, const char *yaml,
    size_t len, struct terr *err)
{
	return load(NULL, name, dir, yaml, len, err, NULL);
}

void
wdconfig_free(struct wdconfig *wc)
{
	size_t	 i;

	if (wc == NULL)
		return;
	registry_free(wc->reg);
	for (i = 0; i < wc->nchecks; i++)
		check_clear(&wc->checks[i]);
	free(wc->checks);
	for (i = 0; i < wc->nzones; i++)
		tz_free(wc->zones[i]);
	free(wc->zones);
	config_free(wc->cfg);
	free(wc);
}

struct registry *
wdconfig_registry(const struct wdconfig *wc)
{
	return wc->reg;
}

size_t
wdconfig_check_count(const struct wdconfig *wc)
{
	return wc->nchecks;
}

const struct wdconfig_check *
wdconfig_check_at(const struct wdconfig *wc, size_t i)
{
	return i < wc->nchecks ? &wc->checks[i].pub : NULL;
}

const struct wdconfig_check *
wdconfig_check(const struct wdconfig *wc, const char *name)
{
	size_t	 i;

	/* The registry holds the checks in the same order, indexed. */
	if (wc->reg != NULL)
		return wdconfig_check_at(wc, registry_index(wc->reg, name));
	for (i = 0; i < wc->nchecks; i++)
		if (strcmp(wc->checks[i].name, name) == 0)
			return &wc->checks[i].pub;
	return NULL;
}

const struct receiver *
wdconfig_receiver(const struct wdconfig *wc, const char *name)
{
	return config_receiver(wc->cfg, name);
}

size_t
wdconfig_template_count(const struct wdconfig *wc)
{
	return config_template_count(wc->cfg);
}

const char *
wdconfig_template_at(const struct wdconfig *wc, size_t i)
{
	return config_template_at(wc->cfg, i);
}

const struct config *
wdconfig_config(const struct wdconfig *wc)
{
	return wc->cfg;
}
