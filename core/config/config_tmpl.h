/* config_tmpl.h: the template set a daemon renders with: tocsin's built-in
 * files first, then the config's globs, so that a user's file replaces any
 * define it repeats (as Alertmanager's files replace one another in order). */
#ifndef TOCSIN_CONFIG_TMPL_H
#define TOCSIN_CONFIG_TMPL_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "tmpl.h"
#include "tmpl_builtin.h"

/*
 * Compiles builtins[0..n-1] in order, then every template glob of cfg in
 * order (config_check_templates first, so a bad pattern fails as it does in
 * Alertmanager). Returns the set, which the caller frees with tmpl_set_free,
 * or NULL with err naming the file that failed.
 */
struct tmpl_set *tmpl_set_for_config(const struct config *cfg,
	    const struct tmpl_builtin *const *builtins, size_t n, struct terr *err);
/* The same, following Alertmanager release am (tmpl_set_for_config: 0.34). */
struct tmpl_set *tmpl_set_for_config_am(const struct config *cfg,
	    enum tmpl_am_version am, const struct tmpl_builtin *const *builtins,
	    size_t n, struct terr *err);

#endif
