/* tmpl.h: Go text/template (and html/template escaping) with Alertmanager's
 * data model and function library, compiled once and rendered many times. */
#ifndef TOCSIN_TMPL_H
#define TOCSIN_TMPL_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "buf.h"
#include "err.h"

enum tmpl_kind {
	TMPL_TEXT,
	TMPL_HTML,
};

struct tmpl_set;	/* opaque; immutable once loaded, shareable by threads */

/* The Alertmanager release whose template semantics a set follows where
 * releases differ (README, "Templates"): 0.34 by default; 0.25 (Debian 12's
 * Alertmanager and amtool) prints KV and Pairs as Go maps and slices and has
 * no Strings.Join. Functions added after 0.25 stay available under 0.25. */
enum tmpl_am_version {
	TMPL_AM_0_34 = 0,
	TMPL_AM_0_25,
};

#define TMPL_AM_VERSION_FLAG "template.alertmanager-version"
#define TMPL_AM_VERSION_HELP "Alertmanager release whose template " \
	"semantics to follow where releases differ: 0.34 or 0.25."

/* Reads "0.34" or "0.25" (the --template.alertmanager-version values); NULL
 * gives 0.34. Anything else fails with err saying what is accepted. */
int	tmpl_am_version_parse(const char *s, enum tmpl_am_version *v,
	    struct terr *err) WARN_UNUSED;

/* An empty set following Alertmanager 0.34. Caller frees with tmpl_set_free.
 * NULL when memory runs out. */
struct tmpl_set *tmpl_set_new(void);
/* Selects the release a set follows; call before adding templates. */
void	tmpl_set_am_version(struct tmpl_set *set, enum tmpl_am_version v);
/* The release a set follows. */
enum tmpl_am_version tmpl_set_get_am_version(const struct tmpl_set *set);
void	tmpl_set_free(struct tmpl_set *set);

/* Parses text as a template file called name (its top level becomes template
 * `name`, its defines become named templates, later definitions replace
 * earlier ones as in Go). Errors read "template: name:line: ...". */
int	tmpl_set_add_text(struct tmpl_set *set, const char *name,
	    const char *text, struct terr *err) WARN_UNUSED;
/* tmpl_set_add_text for tocsin's built-in texts, which stand where
 * Alertmanager has its default.tmpl: a later file's definition replaces
 * theirs even when it is empty (Go keeps a non-empty one otherwise). */
int	tmpl_set_add_builtin(struct tmpl_set *set, const char *name,
	    const char *text, struct terr *err) WARN_UNUSED;
/* Reads one file and adds it under its base name. */
int	tmpl_set_add_file(struct tmpl_set *set, const char *path,
	    struct terr *err) WARN_UNUSED;
/* Adds every file matching pattern, in sorted order; no match is not an
 * error (Alertmanager allows globs that match nothing yet). */
int	tmpl_set_add_glob(struct tmpl_set *set, const char *pattern,
	    struct terr *err) WARN_UNUSED;

/* Whether the set defines a template called name. */
int	tmpl_set_has(const struct tmpl_set *set, const char *name);

/* Options that make a render reproducible (tests) or differ per call. */
struct tmpl_opts {
	int64_t		 now_sec;	/* 0: the real clock; used by now/since */
	int32_t		 now_nsec;
	const char	*local_tz;	/* zone of now; NULL: "Local" */
	uint64_t	 max_steps;	/* 0: TMPL_MAX_STEPS */
	/* Incremented (atomically) each time tmpl_render_text_or_fallback
	 * falls back; NULL: not counted. Backs a metric. */
	uint64_t	*fallbacks;
};

/* Every render stops with an error after this many evaluation steps, so a
 * template that recurses exponentially cannot hang the relay. */
#define TMPL_MAX_STEPS UINT64_C(20000000)

/* Renders the named template (tmpl_render) or parses and renders an ad-hoc
 * text against the set like amtool/Alertmanager's ExecuteTextString
 * (tmpl_render_text; "" renders ""), appending to out. On failure out holds
 * what was written before the error and err the reason. opts may be NULL. */
int	tmpl_render(const struct tmpl_set *set, const char *name,
	    const struct notification *data, enum tmpl_kind kind,
	    const struct tmpl_opts *opts, struct buf *out, struct terr *err)
	    WARN_UNUSED;
int	tmpl_render_text(const struct tmpl_set *set, const char *text,
	    const struct notification *data, enum tmpl_kind kind,
	    const struct tmpl_opts *opts, struct buf *out, struct terr *err)
	    WARN_UNUSED;

/* For delivery: like tmpl_render_text, but a template that fails to execute
 * does not lose the alert. The failure is logged (with `what`, e.g.
 * "telegram message", and the receiver) and counted in opts->fallbacks, and
 * out gets tocsin's fallback text instead: status, alert count and alertname,
 * the reason, then one line per alert with its labels and summary, escaped
 * for kind. Returns 0 when the template rendered, 1 when out holds the
 * fallback, and -1 only when memory runs out. */
int	tmpl_render_text_or_fallback(const struct tmpl_set *set,
	    const char *text, const struct notification *data,
	    enum tmpl_kind kind, const struct tmpl_opts *opts, const char *what,
	    struct buf *out) WARN_UNUSED;

/* Renders n's route labels when they are not rendered yet (those of
 * tocsin's own routes), as Alertmanager's dispatcher renders a route's
 * labels before notifying: each value as a text template against n, all
 * through one routeLabels memory. A label that fails is logged (with
 * `receiver`) and left out, as Alertmanager leaves it out. Marks them
 * rendered. -1 only when memory runs out. */
int	tmpl_render_route_labels(const struct tmpl_set *set,
	    struct notification *n, const struct tmpl_opts *opts,
	    struct terr *err) WARN_UNUSED;

/* Loads amtool's --template.data JSON (Go's template.Data: keys matched
 * case-insensitively like encoding/json, absent fields zero). Caller frees
 * with notification_free. NULL with err set on bad input. */
struct notification *tmpl_data_parse(const char *json, size_t len,
	    struct terr *err);

#endif
