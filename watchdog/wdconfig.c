/* wdconfig.c: loads tocsin-watchdog's config: the relay's loader handles
 * global, templates and receivers; this file adds checks: and builds the
 * registry, with file:line:col errors as the relay gives them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "duration.h"
#include "wdconfig.h"

struct wdconfig_check_int {
	struct wdconfig_check	 pub;
	char			*name;		/* owned; pub.conf.name points here */
};

struct wdconfig {
	struct config			*cfg;
	struct registry			*reg;
	struct wdconfig_check_int	*checks;
	size_t				 nchecks;
};

/* Load-time state: positions of what finish() cross-checks. */
struct wdload {
	struct wdconfig		 *wc;
	const struct ynode	 *checksnode;
	const struct ynode	**checknode;	/* per check: its mapping */
	const struct ynode	**recvnode;	/* per check: its receiver value */
};

/* Keys every kind takes, keys only heartbeat and ping take, keys only
 * freshness takes. */
static const char *const common_keys[] = { "name", "kind", "receiver",
    "repeat_interval", "paused" };
static const char *const timer_keys[] = { "period", "grace" };
static const char *const fresh_keys[] = { "prometheus_url", "query", "max_age",
    "interval", "timeout" };

static bool
in_list(const char *key, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return true;
	return false;
}

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

static void
check_clear(struct wdconfig_check_int *c)
{
	free(c->name);
	free(c->pub.receiver);
	free(c->pub.fresh.prometheus_url);
	free(c->pub.fresh.query);
	memset(c, 0, sizeof(*c));
}

/* A duration that must not be zero; null leaves 0, which callers read as
 * absent. */
static int
positive_duration(struct cfg_load *ld, const char *field, const struct ynode *v,
    int64_t *ms)
{
	if (cfg_duration(ld, field, v, ms) == -1)
		return -1;
	if (*ms == 0 && !(ynode_is_null(v) && v->tag == NULL))
		return cfg_fail(ld, v, "%s cannot be zero", field);
	return 0;
}

static int
parse_check(struct cfg_load *ld, struct wdload *wl, const struct ynode *n,
    struct wdconfig_check_int *c)
{
	struct wdconfig_check	*pc = &c->pub;
	struct terr		 e;
	const struct ynode	*kindnode, *k, *v, *timeoutnode = NULL;
	const struct ynode	*seen_period = NULL, *seen_grace = NULL;
	const struct ynode	*seen_repeat = NULL, *seen_url = NULL;
	const struct ynode	*seen_query = NULL, *seen_age = NULL;
	const struct ynode	*seen_interval = NULL;
	const char		*key, *kname;
	char			*kind = NULL;
	bool			 paused = false;
	size_t			 i;
	int			 rc = 0;

	if (ynode_is_null(n))
		return cfg_fail(ld, n, "empty entry in checks");
	if (cfg_map(ld, n, "check") == -1)
		return -1;
	/* The kind decides which keys are allowed, wherever it is written. */
	if ((kindnode = ynode_map_get(n, "kind")) != NULL && !ynode_is_null(kindnode)) {
		if (cfg_str(ld, "kind", kindnode, &kind) == -1)
			return -1;
		if (check_kind_parse(kind, &pc->conf.kind) == -1) {
			rc = cfg_fail(ld, kindnode, "kind must be heartbeat, ping or "
			    "freshness, not \"%.64s\"", kind);
			free(kind);
			return rc;
		}
		free(kind);
	} else
		kindnode = NULL;
	kname = kindnode != NULL ? check_kind_name(pc->conf.kind) : NULL;
	pc->conf.repeat_ms = WDCONFIG_REPEAT_DEFAULT_MS;
	pc->fresh.interval_ms = WDCONFIG_INTERVAL_DEFAULT_MS;
	pc->fresh.timeout_ms = WDCONFIG_TIMEOUT_DEFAULT_MS;
	for (i = 0; i < n->n && rc == 0; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		key = k->value;
		if (!in_list(key, common_keys, NKEYS(common_keys)) &&
		    !in_list(key, timer_keys, NKEYS(timer_keys)) &&
		    !in_list(key, fresh_keys, NKEYS(fresh_keys)))
			return cfg_unknown(ld, k, "check");
		if (kname != NULL && pc->conf.kind == CHECK_FRESHNESS &&
		    in_list(key, timer_keys, NKEYS(timer_keys)))
			return cfg_fail(ld, k, "field %s is not allowed in a freshness "
			    "check (only in heartbeat and ping checks)", key);
		if (kname != NULL && pc->conf.kind != CHECK_FRESHNESS &&
		    in_list(key, fresh_keys, NKEYS(fresh_keys)))
			return cfg_fail(ld, k, "field %s is not allowed in a %s check "
			    "(only in freshness checks)", key, kname);
		if (strcmp(key, "name") == 0) {
			if ((rc = cfg_str(ld, key, v, &c->name)) == 0 &&
			    c->name != NULL && check_name_valid(c->name, &e) == -1)
				rc = cfg_fail(ld, v, "%s", e.msg);
		} else if (strcmp(key, "kind") == 0)
			continue;
		else if (strcmp(key, "receiver") == 0) {
			if ((rc = cfg_str(ld, key, v, &pc->receiver)) == 0)
				wl->recvnode[wl->wc->nchecks] = v;
		} else if (strcmp(key, "paused") == 0)
			rc = cfg_bool(ld, key, v, &paused);
		else if (strcmp(key, "repeat_interval") == 0) {
			seen_repeat = v;
			rc = cfg_duration(ld, key, v, &pc->conf.repeat_ms);
		} else if (strcmp(key, "period") == 0) {
			seen_period = v;
			rc = positive_duration(ld, key, v, &pc->conf.period_ms);
		} else if (strcmp(key, "grace") == 0) {
			seen_grace = v;
			rc = cfg_duration(ld, key, v, &pc->conf.grace_ms);
		} else if (strcmp(key, "prometheus_url") == 0) {
			seen_url = v;
			/* May carry credentials: never echoed. */
			rc = cfg_url(ld, key, v, true, &pc->fresh.prometheus_url);
		} else if (strcmp(key, "query") == 0) {
			seen_query = v;
			if ((rc = cfg_str(ld, key, v, &pc->fresh.query)) == 0 &&
			    (pc->fresh.query == NULL || pc->fresh.query[0] == '\0'))
				rc = cfg_fail(ld, v, "query cannot be empty");
		} else if (strcmp(key, "max_age") == 0) {
			seen_age = v;
			rc = positive_duration(ld, key, v, &pc->fresh.max_age_ms);
		} else if (strcmp(key, "interval") == 0) {
			seen_interval = v;
			rc = positive_duration(ld, key, v, &pc->fresh.interval_ms);
		} else if (strcmp(key, "timeout") == 0) {
			timeoutnode = v;
			rc = positive_duration(ld, key, v, &pc->fresh.timeout_ms);
		}
	}
	if (rc == -1)
		return -1;
	if (c->name == NULL || c->name[0] == '\0')
		return cfg_fail(ld, n, "check has no name");
	pc->conf.name = c->name;
	if (kindnode == NULL)
		return cfg_fail(ld, n, "check \"%s\" has no kind (heartbeat, ping or "
		    "freshness)", c->name);
	if (pc->receiver == NULL || pc->receiver[0] == '\0')
		return cfg_fail(ld, n, "check \"%s\" has no receiver", c->name);
	/* A null repeat_interval reads as unset, like an absent one. */
	if (seen_repeat != NULL && ynode_is_null(seen_repeat) && seen_repeat->tag == NULL)
		pc->conf.repeat_ms = WDCONFIG_REPEAT_DEFAULT_MS;
	pc->conf.paused = paused;
	if (pc->conf.kind != CHECK_FRESHNESS) {
		if (seen_period == NULL || pc->conf.period_ms == 0)
			return cfg_fail(ld, n, "check \"%s\": period is required for "
			    "%s checks", c->name, kname);
		if (seen_grace == NULL || (ynode_is_null(seen_grace) &&
		    seen_grace->tag == NULL))
			return cfg_fail(ld, n, "check \"%s\": grace is required for "
			    "%s checks", c->name, kname);
		return 0;
	}
	if (pc->fresh.prometheus_url == NULL)
		return cfg_fail(ld, seen_url != NULL ? seen_url : n, "check \"%s\": "
		    "prometheus_url is required for freshness checks", c->name);
	if (pc->fresh.query == NULL)
		return cfg_fail(ld, seen_query != NULL ? seen_query : n, "check \"%s\": "
		    "query is required for freshness checks", c->name);
	if (pc->fresh.max_age_ms == 0)
		return cfg_fail(ld, seen_age != NULL ? seen_age : n, "check \"%s\": "
		    "max_age is required for freshness checks", c->name);
	/* Null interval or timeout: the defaults. */
	if (seen_interval != NULL && pc->fresh.interval_ms == 0)
		pc->fresh.interval_ms = WDCONFIG_INTERVAL_DEFAULT_MS;
	if (timeoutnode != NULL && pc->fresh.timeout_ms == 0)
		pc->fresh.timeout_ms = WDCONFIG_TIMEOUT_DEFAULT_MS;
	if (pc->fresh.timeout_ms >= pc->fresh.interval_ms) {
		char	 t[64], iv[64];

		duration_format(pc->fresh.timeout_ms, t, sizeof(t));
		duration_format(pc->fresh.interval_ms, iv, sizeof(iv));
		return cfg_fail(ld, timeoutnode != NULL ? timeoutnode :
		    seen_interval != NULL ? seen_interval : n, "check \"%s\": "
		    "timeout (%s) must be shorter than interval (%s)", c->name, t, iv);
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

static int
parse_checks(struct cfg_load *ld, struct wdload *wl, const struct ynode *v)
{
	struct wdconfig	*wc = wl->wc;
	size_t		 i, j;

	if (cfg_seq(ld, v, "checks") == -1)
		return -1;
	wl->checksnode = v;
	if (ynode_is_null(v) || v->n == 0)
		return 0;
	if ((wc->checks = calloc(v->n, sizeof(*wc->checks))) == NULL ||
	    (wl->checknode = calloc(v->n, sizeof(*wl->checknode))) == NULL ||
	    (wl->recvnode = calloc(v->n, sizeof(*wl->recvnode))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	for (i = 0; i < v->n; i++) {
		struct wdconfig_check_int *c = &wc->checks[i];

		wl->checknode[i] = v->child[i];
		if (parse_check(ld, wl, v->child[i], c) == -1) {
			check_clear(c);
			return -1;
		}
		wc->nchecks++;
		for (j = 0; j < i; j++)
			if (strcmp(wc->checks[j].name, c->name) == 0)
				return cfg_fail(ld, ynode_map_get(v->child[i], "name"),
				    "check name \"%s\" is not unique", c->name);
	}
	return 0;
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
	struct terr	 e;
	size_t		 i;

	if (wc->nchecks == 0)
		return cfg_fail(ld, wl->checksnode, "no checks provided in config");
	for (i = 0; i < wc->nchecks; i++)
		if (config_receiver(cfg, wc->checks[i].pub.receiver) == NULL)
			return cfg_fail(ld, wl->recvnode[i], "undefined receiver "
			    "\"%s\" used in check \"%s\"", wc->checks[i].pub.receiver,
			    wc->checks[i].name);
	if ((wc->reg = registry_new()) == NULL)
		return cfg_fail(ld, NULL, "out of memory");
	for (i = 0; i < wc->nchecks; i++)
		if (registry_add(wc->reg, &wc->checks[i].pub.conf, &e) == NULL)
			return cfg_fail(ld, wl->checknode[i], "%s", e.msg);
	return 0;
}

/* Runs the relay's loader with the watchdog's keys; file or buffer. */
static struct wdconfig *
load(const char *path, const char *name, const char *dir, const char *yaml,
    size_t len, struct terr *err)
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
	if (path != NULL)
		wc->cfg = cfg_load_file_with(path, &extra, err);
	else
		wc->cfg = cfg_load_buffer_with(name, dir, yaml, len, &extra, err);
	free(wl.checknode);
	free(wl.recvnode);
	if (wc->cfg == NULL) {
		wdconfig_free(wc);
		return NULL;
	}
	return wc;
}

struct wdconfig *
wdconfig_load_file(const char *path, struct terr *err)
{
	return load(path, NULL, NULL, NULL, 0, err);
}

struct wdconfig *
wdconfig_load_buffer(const char *name, const char *dir, const char *yaml,
    size_t len, struct terr *err)
{
	return load(NULL, name, dir, yaml, len, err);
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
