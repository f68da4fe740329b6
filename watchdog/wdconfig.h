/* wdconfig.h: tocsin-watchdog's configuration: global, templates and receivers
 * in the relay's (Alertmanager's) schema, plus checks: naming their receiver. */
#ifndef TOCSIN_WDCONFIG_H
#define TOCSIN_WDCONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "config.h"
#include "err.h"
#include "receiver.h"
#include "registry.h"

/* Defaults of a check's optional durations. repeat_interval follows
 * Alertmanager's route default (4h); "0s" turns reminders off. */
#define WDCONFIG_REPEAT_DEFAULT_MS	((int64_t)4 * 3600 * 1000)
#define WDCONFIG_INTERVAL_DEFAULT_MS	((int64_t)60 * 1000)
#define WDCONFIG_TIMEOUT_DEFAULT_MS	((int64_t)10 * 1000)

/* What the Prometheus prober needs for a freshness check. The check's state
 * machine gets period = interval + timeout (the next answer is overdue) and
 * grace = interval, so a prober that stops probing is itself noticed. */
struct wd_freshness {
	char	*prometheus_url;	/* http(s) base URL, without /api/v1/query */
	char	*query;			/* PromQL, non-empty */
	int64_t	 max_age_ms;		/* > 0: a larger value is stale */
	int64_t	 interval_ms;		/* > 0, default 1m */
	int64_t	 timeout_ms;		/* > 0 and < interval_ms, default 10s */
};

/* One configured check. All strings are owned by the wdconfig. */
struct wdconfig_check {
	struct check_conf	 conf;		/* what check_new was given */
	char			*receiver;	/* an existing receiver's name */
	struct wd_freshness	 fresh;		/* kind freshness only, else zeroed */
};

struct wdconfig;	/* opaque, immutable once loaded */

/* Loads a file; relative paths inside it (templates, *_file) are resolved
 * against its directory, *_file secrets are read now. Errors read
 * "FILE:LINE:COL: sentence". The caller frees the result with wdconfig_free. */
struct wdconfig *wdconfig_load_file(const char *path, struct terr *err);
/* wdconfig_load_file, and on failure every error of the file appended to
 * all, as config_load_file_all does. The caller clears all. */
struct wdconfig *wdconfig_load_file_all(const char *path, struct terr *err,
	    struct terrs *all);
/* Loads YAML text; name is used in error positions, dir resolves relative
 * paths. The caller frees the result with wdconfig_free. */
struct wdconfig *wdconfig_load_buffer(const char *name, const char *dir,
	    const char *yaml, size_t len, struct terr *err);
/* Frees wc, its registry and its checks. */
void	wdconfig_free(struct wdconfig *wc);

/* The checks as a registry, in file order, all in state new (owned by wc;
 * the daemon restores persisted states into it with registry_restore). */
struct registry *wdconfig_registry(const struct wdconfig *wc);
size_t	wdconfig_check_count(const struct wdconfig *wc);
const struct wdconfig_check *wdconfig_check_at(const struct wdconfig *wc, size_t i);
/* The check called name, NULL if there is none. */
const struct wdconfig_check *wdconfig_check(const struct wdconfig *wc,
	    const char *name);

/* Receivers and templates, as for the relay (owned by wc). */
const struct receiver *wdconfig_receiver(const struct wdconfig *wc, const char *name);
size_t	wdconfig_template_count(const struct wdconfig *wc);
const char *wdconfig_template_at(const struct wdconfig *wc, size_t i);
/* The underlying relay-schema config (receivers, templates, global
 * resolve_timeout); it has no route. Owned by wc. */
const struct config *wdconfig_config(const struct wdconfig *wc);

#endif
