/* config.c: loads alertmanager.yml (top level, global, templates, route,
 * inhibit_rules) and cross-checks references; receivers and time intervals
 * live in config_receivers.c and config_timeintervals.c.
 *
 * Validation follows Alertmanager 0.25's config.Load, with the position of
 * the node that caused each problem: type errors are collected across the
 * file, any other error ends the load (schema.h), and Config's own checks
 * (references, unique names, the root route) wait for the end of the walk. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cfgfield.h"
#include "config.h"
#include "config_int.h"
#include "duration.h"
#include "redact.h"
#include "utf8.h"

/* Config files are small; this only stops a mistaken path (a log file, a
 * device) from being read whole into memory. */
#define CONFIG_MAX_SIZE ((size_t)16 << 20)

#define TELEGRAM_API_URL "https://api.telegram.org"
#define PAGERDUTY_URL "https://events.pagerduty.com/v2/enqueue"
#define SLACK_APP_URL "https://slack.com/api/chat.postMessage"

struct config {
	struct route		 *route;
	struct receiver		 *receivers;
	size_t			  nreceivers;
	char			**templates;
	size_t			  ntemplates;
	struct time_interval	**intervals;
	size_t			  nintervals;
	size_t			  ninhibit;
	int64_t			  resolve_timeout_ms;
	struct redactor		 *secrets;
};

/* ---- global ---- */

static void
global_clear(struct cfg_global *g)
{
	http_config_clear(&g->http);
	free(g->smtp_from);
	free(g->smtp_hello);
	free(g->smtp_smarthost);
	free(g->smtp_auth_username);
	if (g->smtp_auth_password != NULL)
		explicit_bzero(g->smtp_auth_password, strlen(g->smtp_auth_password));
	free(g->smtp_auth_password);
	free(g->smtp_auth_password_file);
	if (g->smtp_auth_secret != NULL)
		explicit_bzero(g->smtp_auth_secret, strlen(g->smtp_auth_secret));
	free(g->smtp_auth_secret);
	free(g->smtp_auth_secret_file);
	free(g->smtp_auth_identity);
	http_tls_clear(&g->smtp_tls);
	if (g->slack_api_url != NULL)
		explicit_bzero(g->slack_api_url, strlen(g->slack_api_url));
	free(g->slack_api_url);
	free(g->slack_api_url_file);
	cfg_secret_free(g->slack_app_token);
	free(g->slack_app_token_file);
	free(g->slack_app_url);
	free(g->telegram_api_url);
	if (g->telegram_bot_token != NULL)
		explicit_bzero(g->telegram_bot_token, strlen(g->telegram_bot_token));
	free(g->telegram_bot_token);
	free(g->telegram_bot_token_file);
	free(g->pagerduty_url);
	free(g->unused);
	memset(g, 0, sizeof(*g));
}

/* Alertmanager's DefaultGlobalConfig, in place before the global section is
 * read: a null in the file clears a value, as Go's decoder does. */
static int
global_defaults(struct cfg_global *g)
{
	memset(g, 0, sizeof(*g));
	g->resolve_timeout_ms = 5 * 60 * 1000;
	cfg_http_defaults(&g->http);
	g->smtp_require_tls = true;
	if ((g->smtp_hello = strdup("localhost")) == NULL ||
	    (g->telegram_api_url = strdup(TELEGRAM_API_URL)) == NULL ||
	    (g->slack_app_url = strdup(SLACK_APP_URL)) == NULL ||
	    (g->pagerduty_url = strdup(PAGERDUTY_URL)) == NULL)
		return -1;
	return 0;
}


/* Checked as the receivers' smarthost is; they split it themselves. */
static int
global_smarthost(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct cfg_global *g = obj;
	char	*host = NULL, *port = NULL;
	int	 rc;

	rc = cfg_hostport(ld, k->value, v, &g->smtp_smarthost, &host, &port);
	free(host);
	free(port);
	return rc;
}

/* Not CF_HTTP: this is the http_config the others default to. */
static int
global_http(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	return cfg_http_config(ld, v, &((struct cfg_global *)obj)->http);
}

static int
file_secret(struct cfg_load *ld, const struct cf_walk *w, const char *field,
    const char *path, char **out)
{
	if (path == NULL)
		return 0;
	return cfg_read_secret(ld, field, cf_value(w, field), path, out);
}

/* Alertmanager's order: the conflicts first, then the secrets from files,
 * read once, here, so that a missing file is a load error with a position
 * rather than a failed delivery later. */
static int
global_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct cfg_global *g = w->obj;

	if (!cfg_empty(g->slack_app_token) && g->slack_app_token_file != NULL)
		return cf_conflict(ld, w, "slack_app_token", "slack_app_token_file");
	if (g->slack_api_url != NULL && g->slack_api_url_file != NULL)
		return cf_conflict(ld, w, "slack_api_url", "slack_api_url_file");
	/* A slack_api_url equal to the app URL is allowed: configs that
	 * posted to chat.postMessage with a bearer token in http_config
	 * before app tokens existed. */
	if ((!cfg_empty(g->slack_app_token) || g->slack_app_token_file != NULL) &&
	    (g->slack_api_url != NULL || g->slack_api_url_file != NULL) &&
	    (g->slack_api_url == NULL || g->slack_app_url == NULL ||
	    strcmp(g->slack_api_url, g->slack_app_url) != 0))
		return cfg_fail(ld, cf_value(w, g->slack_api_url != NULL ?
		    "slack_api_url" : "slack_api_url_file"), "at most one of "
		    "slack_app_token/slack_app_token_file & "
		    "slack_api_url/slack_api_url_file must be configured");
	if (g->smtp_auth_password != NULL && g->smtp_auth_password[0] != '\0' &&
	    g->smtp_auth_password_file != NULL)
		return cf_conflict(ld, w, "smtp_auth_password",
		    "smtp_auth_password_file");
	if (g->telegram_bot_token != NULL && g->telegram_bot_token[0] != '\0' &&
	    g->telegram_bot_token_file != NULL)
		return cf_conflict(ld, w, "telegram_bot_token",
		    "telegram_bot_token_file");
	if (!cfg_empty(g->smtp_auth_secret) && !cfg_empty(g->smtp_auth_secret_file))
		return cf_conflict(ld, w, "smtp_auth_secret",
		    "smtp_auth_secret_file");
	g->smtp_force_implicit_tls_set =
	    cf_given(w, "smtp_force_implicit_tls") != NULL;
	if (file_secret(ld, w, "smtp_auth_password_file",
	    g->smtp_auth_password_file, &g->smtp_auth_password) == -1 ||
	    file_secret(ld, w, "smtp_auth_secret_file",
	    g->smtp_auth_secret_file, &g->smtp_auth_secret) == -1 ||
	    file_secret(ld, w, "slack_api_url_file", g->slack_api_url_file,
	    &g->slack_api_url) == -1 ||
	    file_secret(ld, w, "slack_app_token_file", g->slack_app_token_file,
	    &g->slack_app_token) == -1 ||
	    file_secret(ld, w, "telegram_bot_token_file",
	    g->telegram_bot_token_file, &g->telegram_bot_token) == -1)
		return -1;
	return 0;
}

/* The defaults that a null in the file clears are global_defaults'; the
 * one .def is the value an explicit null would otherwise leave without a
 * target. */
static const struct cf_field global_fields[] = {
	{ "resolve_timeout", CF_DURATION, CF_AT(cfg_global, resolve_timeout_ms) },
	{ "http_config", CF_CUSTOM, .parse = global_http },
	{ "smtp_from", CF_STR, CF_AT(cfg_global, smtp_from) },
	{ "smtp_hello", CF_STR, CF_AT(cfg_global, smtp_hello) },
	{ "smtp_smarthost", CF_CUSTOM, .parse = global_smarthost },
	{ "smtp_auth_username", CF_STR, CF_AT(cfg_global, smtp_auth_username) },
	{ "smtp_auth_password", CF_STR, CF_AT(cfg_global, smtp_auth_password),
	    .secret = true },
	{ "smtp_auth_password_file", CF_FILE,
	    CF_AT(cfg_global, smtp_auth_password_file) },
	{ "smtp_auth_secret", CF_STR, CF_AT(cfg_global, smtp_auth_secret),
	    .secret = true },
	{ "smtp_auth_secret_file", CF_FILE,
	    CF_AT(cfg_global, smtp_auth_secret_file) },
	{ "smtp_auth_identity", CF_STR, CF_AT(cfg_global, smtp_auth_identity) },
	{ "smtp_require_tls", CF_BOOL, CF_AT(cfg_global, smtp_require_tls) },
	{ "smtp_tls_config", CF_TABLE, CF_AT(cfg_global, smtp_tls),
	    .sub = &cfg_tls_type },
	{ "smtp_force_implicit_tls", CF_BOOL,
	    CF_AT(cfg_global, smtp_force_implicit_tls) },
	{ "slack_api_url", CF_URL, CF_AT(cfg_global, slack_api_url), .secret = true },
	{ "slack_api_url_file", CF_FILE, CF_AT(cfg_global, slack_api_url_file) },
	{ "slack_app_token", CF_STR, CF_AT(cfg_global, slack_app_token),
	    .secret = true },
	{ "slack_app_token_file", CF_FILE, CF_AT(cfg_global, slack_app_token_file) },
	{ "slack_app_url", CF_URL, CF_AT(cfg_global, slack_app_url) },
	{ "telegram_api_url", CF_URL, CF_AT(cfg_global, telegram_api_url),
	    .def = TELEGRAM_API_URL },
	{ "telegram_bot_token", CF_STR, CF_AT(cfg_global, telegram_bot_token),
	    .secret = true },
	{ "telegram_bot_token_file", CF_FILE,
	    CF_AT(cfg_global, telegram_bot_token_file) },
	/* A null leaves none: receivers without a url then fail as in
	 * Alertmanager ("no global PagerDuty URL set"). */
	{ "pagerduty_url", CF_URL, CF_AT(cfg_global, pagerduty_url) },
	/* Settings of integrations tocsin lacks: checked, then dropped. */
	{ "opsgenie_api_url", CF_URL, CF_AT(cfg_global, unused) },
	{ "wechat_api_url", CF_URL, CF_AT(cfg_global, unused) },
	{ "victorops_api_url", CF_URL, CF_AT(cfg_global, unused) },
	{ "webex_api_url", CF_URL, CF_AT(cfg_global, unused) },
	{ "opsgenie_api_key", CF_STR, CF_AT(cfg_global, unused) },
	{ "opsgenie_api_key_file", CF_STR, CF_AT(cfg_global, unused) },
	{ "wechat_api_secret", CF_STR, CF_AT(cfg_global, unused) },
	{ "wechat_api_corp_id", CF_STR, CF_AT(cfg_global, unused) },
	{ "victorops_api_key", CF_STR, CF_AT(cfg_global, unused) },
	{ "victorops_api_key_file", CF_STR, CF_AT(cfg_global, unused) },
	{ .name = NULL }
};
static const struct cf_type global_type = { "global", global_fields, 0,
    global_finish };

/* ---- route ---- */

/* Checks for the receiver and time interval references, collected while
 * building, once every receiver and interval is known. */
struct refs {
	const struct ynode	**recv;		/* receiver value nodes */
	size_t			  nrecv, arecv;
	const struct ynode	**ti;		/* interval name nodes */
	size_t			  nti, ati;
};

static int
refs_add(const struct ynode ***v, size_t *n, size_t *a, const struct ynode *x)
{
	const struct ynode **nv;

	if (*n == *a) {
		*a = *a ? *a * 2 : 16;
		if ((nv = reallocarray(*v, *a, sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/* match, match_re, source_match...: a value of the wrong kind is a type
 * error; an invalid label name is one of the checks the route or inhibit
 * rule makes once decoded (later); a regular expression that does not
 * compile ends the load, as Go's Regexp decoder does. */
static int
add_match(struct cfg_load *ld, struct route *r, const struct ynode *n, bool re,
    const char *field, struct cfg_later *later)
{
	struct matchers	 ms;
	struct matcher	*m;
	struct terr	 e;
	size_t		 i, mark = cfg_mark(ld);

	if (cfg_map(ld, n, field) == -1)
		return -1;
	if (ynode_is_null(n))
		return 0;
	matchers_init(&ms);
	for (i = 0; i < n->n && !cfg_stop(ld); i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];

		if (cfg_repeated(k))
			continue;
		if (v->kind != YN_SCALAR) {
			cfg_type_fail(ld, v, "%s.%s must be a string, not %s", field,
			    k->value, cfg_kind_article(v));
			continue;
		}
		if (!cfg_label_name_ok(k->value))
			cfg_defer(ld, later, k, "invalid label name \"%s\" in %s",
			    k->value, field);
		if (re && ynode_is_null(v)) {
			cfg_fail(ld, v, "invalid regexp value for \"%s\"", k->value);
			break;
		}
		if (re)
			m = matcher_new_legacy_re(k->value,
			    ynode_is_null(v) ? "" : v->value, &e);
		else
			m = matcher_new(MATCH_EQ, k->value,
			    ynode_is_null(v) ? "" : v->value, &e);
		if (m == NULL) {
			cfg_fail(ld, v, "invalid regular expression for \"%s\" in %s: %s",
			    k->value, field, e.msg);
			break;
		}
		if (matchers_add(&ms, m) == -1) {
			matcher_free(m);
			cfg_fail(ld, v, "out of memory");
			break;
		}
	}
	if (cfg_walked(ld, mark) == -1) {
		matchers_free(&ms);
		return -1;
	}
	if (route_add_matchers(r, &ms) == -1) {
		matchers_free(&ms);
		return cfg_fail(ld, n, "out of memory");
	}
	return 0;
}

/* Alertmanager 0.34's route labels: names are any non-empty UTF-8 (its
 * default label name rules), values strings that may be templates. */
static int
add_labels(struct cfg_load *ld, struct route *r, const struct ynode *n)
{
	size_t i;

	if (cfg_map(ld, n, "labels") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];

		if (cfg_repeated(k))
			continue;
		if (v->kind != YN_SCALAR) {
			cfg_type_fail(ld, v, "labels.%s must be a string, not %s",
			    k->value, cfg_kind_article(v));
			continue;
		}
		if (k->value[0] == '\0' || !utf8_valid(k->value, strlen(k->value)))
			return cfg_fail(ld, k, "invalid label name \"%s\" in route "
			    "labels", k->value);
		if (route_set_label(r, k->value, ynode_is_null(v) ? "" :
		    v->value) == -1)
			return cfg_fail(ld, v, "out of memory");
	}
	return 0;
}

static int
add_matchers(struct cfg_load *ld, struct route *r, const struct ynode *n)
{
	struct matchers	 ms;
	struct terr	 e;
	size_t		 i, mark = cfg_mark(ld);

	if (cfg_seq(ld, n, "matchers") == -1)
		return -1;
	if (ynode_is_null(n))
		return 0;
	/* Go decodes the list of strings first, then parses each. */
	for (i = 0; i < n->n && !cfg_stop(ld); i++)
		if (n->child[i]->kind != YN_SCALAR)
			cfg_type_fail(ld, n->child[i], "matchers must be a list of "
			    "strings, not contain %s", cfg_kind_article(n->child[i]));
	if (cfg_walked(ld, mark) == -1)
		return -1;
	matchers_init(&ms);
	for (i = 0; i < n->n; i++)
		if (matchers_parse(&ms, n->child[i]->value, &e) == -1) {
			matchers_free(&ms);
			return cfg_fail(ld, n->child[i], "invalid matcher: %s", e.msg);
		}
	if (route_add_matchers(r, &ms) == -1) {
		matchers_free(&ms);
		return cfg_fail(ld, n, "out of memory");
	}
	return 0;
}

/* group_by: items of the wrong kind are type errors; the names themselves
 * are the route's own checks (later), in Alertmanager's order: invalid
 * names, the wildcard conflict, duplicates. */
static int
check_group_by(struct cfg_load *ld, const struct ynode *n, struct cfg_later *later)
{
	size_t	 i, j, mark = cfg_mark(ld);
	bool	 all = false, named = false;

	if (cfg_seq(ld, n, "group_by") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i++)
		if (n->child[i]->kind != YN_SCALAR)
			cfg_type_fail(ld, n->child[i], "group_by must be a list of label "
			    "names, not contain %s", cfg_kind_article(n->child[i]));
	if (cfg_walked(ld, mark) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n; i++) {
		const struct ynode *v = n->child[i];

		if (strcmp(v->value, "...") == 0)
			all = true;
		else if (!cfg_label_name_ok(v->value))
			return cfg_defer(ld, later, v, "invalid label name \"%s\" in "
			    "group_by list", v->value);
		else
			named = true;
	}
	if (all && named)
		return cfg_defer(ld, later, n, "cannot have wildcard group_by (`...`) "
		    "and other labels at the same time");
	for (i = 0; !ynode_is_null(n) && i < n->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(n->child[j]->value, n->child[i]->value) == 0)
				return cfg_defer(ld, later, n->child[i], "duplicated label "
				    "\"%s\" in group_by", n->child[i]->value);
	return 0;
}

static int
add_intervals(struct cfg_load *ld, struct route *r, const struct ynode *n,
    bool mute, struct refs *refs)
{
	const char	*field = mute ? "mute_time_intervals" : "active_time_intervals";
	size_t		 i, mark = cfg_mark(ld);
	int		 rc;

	if (cfg_seq(ld, n, field) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i++) {
		const struct ynode *v = n->child[i];

		if (v->kind != YN_SCALAR) {
			cfg_type_fail(ld, v, "%s must be a list of names, not contain %s",
			    field, cfg_kind_article(v));
			continue;
		}
		rc = mute ? route_add_mute_interval(r, v->value) :
		    route_add_active_interval(r, v->value);
		if (rc == -1 || refs_add(&refs->ti, &refs->nti, &refs->ati, v) == -1)
			return cfg_fail(ld, v, "out of memory");
	}
	return cfg_walked(ld, mark);
}

static int
parse_receiver_ref(struct cfg_load *ld, const struct ynode *v, struct route *r,
    struct refs *refs)
{
	char	*s = NULL;
	int	 rc = 0;

	if (cfg_str(ld, "receiver", v, &s) == -1)
		return -1;
	if (route_set_receiver(r, s) == -1)
		rc = cfg_fail(ld, v, "out of memory");
	else if (s != NULL && s[0] != '\0' &&
	    refs_add(&refs->recv, &refs->nrecv, &refs->arecv, v) == -1)
		rc = cfg_fail(ld, v, "out of memory");
	free(s);
	return rc;
}

static int parse_route(struct cfg_load *, const struct ynode *, struct route *,
	    bool, struct refs *);

static int
route_children(struct cfg_load *ld, const struct ynode *v, struct route *r,
    struct refs *refs)
{
	size_t	 j, mark = cfg_mark(ld);

	if (cfg_seq(ld, v, "routes") == -1)
		return -1;
	for (j = 0; !ynode_is_null(v) && j < v->n && !cfg_stop(ld); j++) {
		struct route *child = route_add_child(r);

		/* Alertmanager crashes on a null route; an empty one would
		 * silently catch every alert. */
		if (ynode_is_null(v->child[j]))
			return cfg_fail(ld, v->child[j], "empty entry in routes");
		if (child == NULL)
			return cfg_fail(ld, v->child[j], "out of memory");
		parse_route(ld, v->child[j], child, false, refs);
	}
	return cfg_walked(ld, mark);
}

/* A mapping of the route tree. Type errors are collected across the tree;
 * the route's own checks wait for its walk (they are dropped when the walk
 * found type errors, as in Go's Route.UnmarshalYAML); the root's are
 * Config's, reported once the whole file is known to be well-typed. */
static int
parse_route(struct cfg_load *ld, const struct ynode *n, struct route *r, bool root,
    struct refs *refs)
{
	const struct ynode *k, *v, *recv = NULL, *matchnode = NULL, *intervals = NULL;
	const char	*what = root ? "the root route" : "route";
	struct cfg_later later = { false, "" };
	int64_t		 ms;
	bool		 cont = false;
	size_t		 i, mark = cfg_mark(ld);

	if (cfg_map(ld, n, what) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2) {
		const char *key;

		k = n->child[i];
		v = n->child[i + 1];
		key = k->value;
		if (cfg_repeated(k))
			continue;
		if (strcmp(key, "receiver") == 0) {
			if (parse_receiver_ref(ld, v, r, refs) == 0)
				recv = v;
		} else if (strcmp(key, "group_by") == 0)
			check_group_by(ld, v, &later);
		else if (strcmp(key, "match") == 0 || strcmp(key, "match_re") == 0) {
			if (!ynode_is_null(v) && v->kind == YN_MAP && v->n > 0 &&
			    matchnode == NULL)
				matchnode = k;
			add_match(ld, r, v, strcmp(key, "match_re") == 0, key, &later);
		} else if (strcmp(key, "matchers") == 0) {
			if (!ynode_is_null(v) && v->kind == YN_SEQ && v->n > 0 && !matchnode)
				matchnode = k;
			add_matchers(ld, r, v);
		} else if (strcmp(key, "labels") == 0)
			add_labels(ld, r, v);
		else if (strcmp(key, "mute_time_intervals") == 0 ||
		    strcmp(key, "active_time_intervals") == 0) {
			if (!ynode_is_null(v) && v->kind == YN_SEQ && v->n > 0)
				intervals = k;
			add_intervals(ld, r, v, strcmp(key, "mute_time_intervals") == 0,
			    refs);
		} else if (strcmp(key, "continue") == 0) {
			if (cfg_bool(ld, key, v, &cont) == 0) {
				route_set_continue(r, cont);
				if (root && cont)
					cfg_late(ld, v, "cannot have continue in root route");
			}
		} else if (strcmp(key, "group_wait") == 0)
			cfg_duration(ld, key, v, &ms);
		else if (strcmp(key, "group_interval") == 0 ||
		    strcmp(key, "repeat_interval") == 0) {
			if (cfg_duration(ld, key, v, &ms) == 0 && ms == 0 &&
			    !ynode_is_null(v))
				cfg_defer(ld, &later, v, "%s cannot be zero", key);
		} else if (strcmp(key, "routes") == 0)
			route_children(ld, v, r, refs);
		else
			cfg_unknown(ld, k, what);
	}
	if (cfg_later_end(ld, &later, mark) == -1)
		return -1;
	if (root) {
		if (recv == NULL || ynode_is_null(recv) || recv->value[0] == '\0')
			return cfg_late(ld, recv != NULL ? recv : n,
			    "root route must specify a default receiver");
		if (matchnode != NULL)
			return cfg_late(ld, matchnode, "root route must not have any "
			    "matchers");
		if (intervals != NULL)
			return cfg_late(ld, intervals, "root route must not have any "
			    "mute or active time intervals");
	}
	return 0;
}

/* ---- inhibit_rules: validated (their matchers must parse), then dropped,
 * because Alertmanager has applied them before it notifies tocsin. ---- */

static int
check_inhibit_rule(struct cfg_load *ld, const struct ynode *n)
{
	struct cfg_later later = { false, "" };
	struct route	*scratch;
	char		**names = NULL;
	size_t		  i, j, nnames = 0, mark = cfg_mark(ld);
	int		  rc;

	if (cfg_map(ld, n, "inhibit rule") == -1)
		return -1;
	if ((scratch = route_new()) == NULL)
		return cfg_fail(ld, n, "out of memory");
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];
		const char *key = k->value;

		if (cfg_repeated(k))
			continue;
		if (strcmp(key, "source_match") == 0 || strcmp(key, "target_match") == 0)
			add_match(ld, scratch, v, false, key, &later);
		else if (strcmp(key, "source_match_re") == 0 ||
		    strcmp(key, "target_match_re") == 0)
			add_match(ld, scratch, v, true, key, &later);
		else if (strcmp(key, "source_matchers") == 0 ||
		    strcmp(key, "target_matchers") == 0)
			add_matchers(ld, scratch, v);
		else if (strcmp(key, "equal") == 0) {
			if (cfg_str_list(ld, key, v, &names, &nnames) == 0)
				for (j = 0; j < nnames; j++)
					if (!cfg_label_name_ok(names[j])) {
						cfg_fail(ld, v->child[j], "invalid label "
						    "name \"%s\" in equal", names[j]);
						break;
					}
		} else
			cfg_unknown(ld, k, "inhibit rule");
	}
	rc = cfg_later_end(ld, &later, mark);
	for (j = 0; j < nnames; j++)
		free(names[j]);
	free(names);
	route_free(scratch);
	return rc;
}

/* ---- top level ---- */

/* One bracket expression element as Go's path/filepath getEsc reads it. */
static int
glob_esc(const char **pp)
{
	const char	*p = *pp;

	if (*p == '\0' || *p == '-' || *p == ']')
		return -1;
	if (*p == '\\' && *++p == '\0')
		return -1;
	p++;
	/* A multi-byte character is taken whole. */
	while (((unsigned char)*p & 0xc0) == 0x80)
		p++;
	if (*p == '\0')
		return -1;
	*pp = p;
	return 0;
}

/* True when Go's filepath.Match would accept pattern (on Unix). */
static bool
glob_pattern_ok(const char *p)
{
	int	 nrange;

	while (*p != '\0') {
		if (*p == '\\') {
			if (*++p == '\0')
				return false;
			p++;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			for (nrange = 0;; nrange++) {
				if (*p == ']' && nrange > 0) {
					p++;
					break;
				}
				if (glob_esc(&p) == -1)
					return false;
				if (*p == '-') {
					p++;
					if (glob_esc(&p) == -1)
						return false;
				}
			}
		} else
			p++;
	}
	return true;
}

int
config_check_templates(const struct config *cfg, struct terr *err)
{
	size_t	 i;

	for (i = 0; i < cfg->ntemplates; i++)
		if (!glob_pattern_ok(cfg->templates[i]))
			return terr_set(err, "syntax error in pattern");
	return 0;
}

static int
parse_templates(struct cfg_load *ld, struct config *cfg, const struct ynode *n)
{
	char	**v = NULL, *p;
	size_t	  nv = 0, i;

	if (cfg_str_list(ld, "templates", n, &v, &nv) == -1)
		return -1;
	for (i = 0; i < nv; i++) {
		if (v[i][0] != '\0' && (p = cfg_join_dir(ld->dir, v[i])) != NULL) {
			free(v[i]);
			v[i] = p;
		} else if (v[i][0] != '\0') {
			cfg_fail(ld, n->child[i], "out of memory");
			goto fail;
		}
	}
	cfg->templates = v;
	cfg->ntemplates = nv;
	return 0;
fail:
	for (i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	return -1;
}

/* tocsin's escalate extension: the receiver it names exists and is another
 * one. */
static int
check_escalate(struct cfg_load *ld, const struct config *cfg,
    const struct receiver *r, const struct ynode *n)
{
	const struct ynode *v;
	const char	*to;

	if (r->escalate == NULL || (to = r->escalate->receiver) == NULL)
		return 0;
	v = ynode_map_get(ynode_map_get(n, "escalate"), "receiver");
	if (strcmp(to, r->name) == 0)
		return cfg_late(ld, v, "receiver \"%s\" cannot escalate to "
		    "itself", to);
	if (config_receiver(cfg, to) == NULL)
		return cfg_late(ld, v, "undefined receiver \"%s\" used in "
		    "escalate of receiver \"%s\"", to, r->name);
	return 0;
}

static int
parse_receivers(struct cfg_load *ld, struct config *cfg, const struct ynode *n)
{
	size_t	 i, j, mark = cfg_mark(ld);

	if (cfg_seq(ld, n, "receivers") == -1)
		return -1;
	if (ynode_is_null(n) || n->n == 0)
		return 0;
	if ((cfg->receivers = calloc(n->n, sizeof(*cfg->receivers))) == NULL)
		return cfg_fail(ld, n, "out of memory");
	for (i = 0; i < n->n && !cfg_stop(ld); i++) {
		struct receiver *r = &cfg->receivers[i];

		cfg->nreceivers++;
		if (cfg_receiver(ld, n->child[i], r) == -1 || r->name == NULL)
			continue;
		/* Config's check, once every receiver is decoded. */
		for (j = 0; j < i; j++)
			if (cfg->receivers[j].name != NULL &&
			    strcmp(cfg->receivers[j].name, r->name) == 0) {
				cfg_late(ld, n->child[i], "notification config name "
				    "\"%s\" is not unique", r->name);
				break;
			}
	}
	if (cfg_walked(ld, mark) == -1)
		return -1;
	for (i = 0; i < cfg->nreceivers && !ld->late.set; i++)
		check_escalate(ld, cfg, &cfg->receivers[i], n->child[i]);
	return 0;
}

static int
parse_intervals(struct cfg_load *ld, struct config *cfg, const struct ynode *n,
    const char *field)
{
	struct time_interval	**nv;
	size_t			  i, j, mark = cfg_mark(ld);

	if (cfg_seq(ld, n, field) == -1)
		return -1;
	if (ynode_is_null(n) || n->n == 0)
		return 0;
	nv = reallocarray(cfg->intervals, cfg->nintervals + n->n, sizeof(*nv));
	if (nv == NULL)
		return cfg_fail(ld, n, "out of memory");
	cfg->intervals = nv;
	for (i = 0; i < n->n && !cfg_stop(ld); i++) {
		struct time_interval *ti;
		const char *name;

		if ((ti = cfg_time_interval(ld, n->child[i], field)) == NULL)
			continue;
		cfg->intervals[cfg->nintervals++] = ti;
		name = time_interval_name(ti);
		for (j = 0; j + 1 < cfg->nintervals; j++)
			if (strcmp(time_interval_name(cfg->intervals[j]), name) == 0) {
				cfg_late(ld, n->child[i], "%s \"%s\" is not unique",
				    strcmp(field, "mute_time_intervals") == 0 ?
				    "mute time interval" : "time interval", name);
				break;
			}
	}
	return cfg_walked(ld, mark);
}

static int
check_refs(struct cfg_load *ld, const struct config *cfg, const struct refs *refs)
{
	size_t	 i;

	for (i = 0; i < refs->nrecv; i++)
		if (config_receiver(cfg, refs->recv[i]->value) == NULL)
			return cfg_late(ld, refs->recv[i], "undefined receiver \"%s\" "
			    "used in route", refs->recv[i]->value);
	for (i = 0; i < refs->nti; i++)
		if (config_time_interval(cfg, refs->ti[i]->value) == NULL)
			return cfg_late(ld, refs->ti[i], "undefined time interval \"%s\" "
			    "used in route", refs->ti[i]->value);
	return 0;
}

/* Whether the file is clean so far: no error of any kind. */
static bool
load_clean(const struct cfg_load *ld)
{
	return !ld->fatal && cfg_mark(ld) == 0 && !ld->late.set;
}

static int
load_root(struct cfg_load *ld, struct config *cfg, const struct ynode *root)
{
	/* An empty document, for a caller whose own keys may all be optional. */
	static const struct ynode empty_root = { .kind = YN_SCALAR, .line = 1,
	    .col = 1, .value = (char *)"", .plain = true };
	struct refs	 refs;
	const struct ynode *routenode = NULL;
	size_t		 i, j;

	memset(&refs, 0, sizeof(refs));
	if ((root == NULL || ynode_is_null(root)) && ld->extra == NULL)
		return cfg_fail(ld, NULL, "no route provided in config");
	if (root == NULL)
		root = &empty_root;
	if (cfg_map(ld, root, "the configuration") == -1)
		return -1;
	/* Receivers inherit from global wherever it appears in the file. */
	if (cf_parse(ld, ynode_map_get(root, "global"), &global_type,
	    &ld->global) == -1 && cfg_stop(ld))
		return -1;
	cfg->resolve_timeout_ms = ld->global.resolve_timeout_ms;
	for (i = 0; i < root->n && !cfg_stop(ld); i += 2) {
		const struct ynode *k = root->child[i], *v = root->child[i + 1];
		const char *key = k->value;

		if (strcmp(key, "global") == 0 || cfg_repeated(k))
			continue;
		else if (strcmp(key, "templates") == 0)
			parse_templates(ld, cfg, v);
		else if (strcmp(key, "receivers") == 0)
			parse_receivers(ld, cfg, v);
		else if (ld->extra != NULL && ld->extra->key != NULL)
			ld->extra->key(ld, k, v, ld->extra->arg);
		else if (strcmp(key, "time_intervals") == 0 ||
		    strcmp(key, "mute_time_intervals") == 0)
			parse_intervals(ld, cfg, v, key);
		else if (strcmp(key, "route") == 0) {
			if (ynode_is_null(v))
				continue;
			routenode = v;
			if (cfg->route == NULL && (cfg->route = route_new()) == NULL)
				cfg_fail(ld, v, "out of memory");
			else
				parse_route(ld, v, cfg->route, true, &refs);
		} else if (strcmp(key, "inhibit_rules") == 0) {
			if (cfg_seq(ld, v, key) == 0 && !ynode_is_null(v))
				for (j = 0; j < v->n && !cfg_stop(ld); j++) {
					check_inhibit_rule(ld, v->child[j]);
					cfg->ninhibit++;
				}
		} else
			cfg_unknown(ld, k, "the configuration");
	}
	/* Config's own checks, once the file is known to be well-typed. */
	if (!cfg_stop(ld) && cfg_mark(ld) == 0) {
		if (routenode == NULL && ld->extra == NULL)
			cfg_late(ld, NULL, "no route provided in config");
		check_refs(ld, cfg, &refs);
	}
	if (load_clean(ld) && ld->extra != NULL && ld->extra->finish != NULL)
		ld->extra->finish(ld, cfg, ld->extra->arg);
	free(refs.recv);
	free(refs.ti);
	return load_clean(ld) ? 0 : -1;
}

/* The load's verdict into err and all: the error that ended it, else
 * every type error, else the first of Config's checks. */
static void
load_report(struct cfg_load *ld, struct terr *err, struct terrs *all)
{
	struct terrs	 sorted = { NULL, 0 };
	size_t		 i;

	if (!ld->fatal && cfg_mark(ld) > 0) {
		if (cfg_type_errors(ld, &sorted) == -1) {
			terr_set(err, "%s: out of memory", ld->name);
			terrs_clear(&sorted);
			return;
		}
		terrs_set(err, &sorted, ld->name);
		for (i = 0; all != NULL && i < sorted.n; i++)
			if (terrs_add(all, sorted.msg[i]) == -1)
				break;
		terrs_clear(&sorted);
		return;
	}
	if (!ld->fatal && ld->late.set)
		terr_set(err, "%s", ld->late.msg);
}

struct config *
config_load_buffer(const char *name, const char *dir, const char *yaml, size_t len,
    struct terr *err)
{
	return cfg_load_buffer_with(name, dir, yaml, len, NULL, err, NULL);
}

struct config *
cfg_load_buffer_with(const char *name, const char *dir, const char *yaml,
    size_t len, const struct cfg_extra *extra, struct terr *err, struct terrs *all)
{
	struct cfg_load	 ld;
	struct config	*cfg = NULL;
	struct ydoc	*doc = NULL;
	struct terr	 e;

	memset(&ld, 0, sizeof(ld));
	ld.name = name;
	ld.dir = dir;
	ld.err = err;
	ld.extra = extra;
	doc = extra != NULL && extra->defer_key != NULL ?
	    ydoc_parse_defer(yaml, len, extra->defer_key, &e) :
	    ydoc_parse(yaml, len, &e);
	if (doc == NULL) {
		terr_set(err, "%s:%s", name, e.msg);
		goto fail;
	}
	ld.doc = doc;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->secrets = ld.secrets = redactor_new()) == NULL ||
	    global_defaults(&ld.global) == -1) {
		terr_set(err, "%s: out of memory", name);
		goto fail;
	}
	if (load_root(&ld, cfg, ydoc_root(doc)) == -1) {
		load_report(&ld, err, all);
		goto fail;
	}
	global_clear(&ld.global);
	ydoc_free(doc);
	return cfg;
fail:
	terrs_clear(&ld.terrors);
	free(ld.tpos);
	global_clear(&ld.global);
	ydoc_free(doc);
	config_free(cfg);
	return NULL;
}

struct config *
config_load_file(const char *path, struct terr *err)
{
	return cfg_load_file_with(path, NULL, err, NULL);
}

struct config *
config_load_file_all(const char *path, struct terr *err, struct terrs *all)
{
	return cfg_load_file_with(path, NULL, err, all);
}

static struct config *
load_file(const char *path, const struct cfg_extra *extra, struct terr *err,
    struct terrs *all)
{
	struct config	*cfg = NULL;
	struct buf	 b;
	struct stat	 st;
	FILE		*f;
	char		 chunk[8192], *dir = NULL, *slash;
	size_t		 r;

	buf_init(&b, CONFIG_MAX_SIZE);
	if ((f = fopen(path, "re")) == NULL) {
		terr_set(err, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		terr_set(err, "read %s: is a directory", path);
		goto out;
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, r) == -1) {
			terr_set(err, "read %s: larger than %zu bytes", path,
			    (size_t)CONFIG_MAX_SIZE);
			goto out;
		}
	if (ferror(f)) {
		terr_set(err, "read %s: %s", path, strerror(errno));
		goto out;
	}
	if ((dir = strdup(path)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	cfg = cfg_load_buffer_with(path, dir, buf_str(&b), b.len, extra, err, all);
out:
	fclose(f);
	free(dir);
	buf_free(&b);
	return cfg;
}

struct config *
cfg_load_file_with(const char *path, const struct cfg_extra *extra,
    struct terr *err, struct terrs *all)
{
	struct config	*cfg;
	struct terr	 e;

	if ((cfg = load_file(path, extra, &e, all)) == NULL) {
		/* One error other than type errors: all holds just it. */
		if (all != NULL && all->n == 0 && terrs_add(all, e.msg) == -1)
			terr_set(&e, "out of memory");
		terr_set(err, "%s", e.msg);
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	route_free(cfg->route);
	for (i = 0; i < cfg->nreceivers; i++)
		receiver_clear(&cfg->receivers[i]);
	free(cfg->receivers);
	for (i = 0; i < cfg->ntemplates; i++)
		free(cfg->templates[i]);
	free(cfg->templates);
	for (i = 0; i < cfg->nintervals; i++)
		time_interval_free(cfg->intervals[i]);
	free(cfg->intervals);
	redactor_unref(cfg->secrets);
	free(cfg);
}

struct redactor *
config_redactor(const struct config *cfg)
{
	return cfg->secrets;
}

const struct route *
config_route(const struct config *cfg)
{
	return cfg->route;
}

size_t
config_receiver_count(const struct config *cfg)
{
	return cfg->nreceivers;
}

const struct receiver *
config_receiver_at(const struct config *cfg, size_t i)
{
	return i < cfg->nreceivers ? &cfg->receivers[i] : NULL;
}

const struct receiver *
config_receiver(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nreceivers; i++)
		if (cfg->receivers[i].name != NULL &&
		    strcmp(cfg->receivers[i].name, name) == 0)
			return &cfg->receivers[i];
	return NULL;
}

size_t
config_template_count(const struct config *cfg)
{
	return cfg->ntemplates;
}

const char *
config_template_at(const struct config *cfg, size_t i)
{
	return i < cfg->ntemplates ? cfg->templates[i] : NULL;
}

const struct time_interval *
config_time_interval(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nintervals; i++)
		if (strcmp(time_interval_name(cfg->intervals[i]), name) == 0)
			return cfg->intervals[i];
	return NULL;
}

size_t
config_time_interval_count(const struct config *cfg)
{
	return cfg->nintervals;
}

const struct time_interval *
config_time_interval_at(const struct config *cfg, size_t i)
{
	return i < cfg->nintervals ? cfg->intervals[i] : NULL;
}

size_t
config_inhibit_rule_count(const struct config *cfg)
{
	return cfg->ninhibit;
}

int64_t
config_resolve_timeout_ms(const struct config *cfg)
{
	return cfg->resolve_timeout_ms;
}
