/* default_tmpl.h: Alertmanager's own default.tmpl, as the sender tests render
 * with it: loaded after tocsin's built-in templates, as a config's
 * `templates:` are, at the fixed clock and zone their expected bodies were
 * written for. Header-only, static functions, because unit tests are single files. */
#ifndef TOCSIN_TEST_DEFAULT_TMPL_H
#define TOCSIN_TEST_DEFAULT_TMPL_H

#include "tmpl.h"
#include "tmpl_builtin.h"

#define DEFAULT_TMPL_PATH	"/usr/share/prometheus/alertmanager/default.tmpl"

/* Loads default.tmpl and sets opts to the tests' clock, in UTC. Returns the
 * set (caller frees) or NULL with err filled. */
static inline struct tmpl_set *
default_tmpl_load(struct tmpl_opts *opts, struct terr *err)
{
	struct tmpl_set	*set;

	if ((set = tmpl_set_new()) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	if (tmpl_set_add_builtin(set, tmpl_builtin_tocsin.name,
	    tmpl_builtin_tocsin.text, err) == -1 ||
	    tmpl_set_add_file(set, DEFAULT_TMPL_PATH, err) == -1) {
		tmpl_set_free(set);
		return NULL;
	}
	opts->now_sec = 1795441781;
	opts->local_tz = "UTC";
	return set;
}

#endif
