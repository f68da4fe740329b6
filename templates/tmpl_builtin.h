/* tmpl_builtin.h: tocsin's own template files, compiled into every program,
 * and the template set a daemon renders with: the built-in files first, then
 * the config's globs, so that a user's file replaces any define it repeats
 * (as Alertmanager's files replace one another in order). */
#ifndef TOCSIN_TMPL_BUILTIN_H
#define TOCSIN_TMPL_BUILTIN_H

#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "tmpl.h"

/* One embedded template file. */
struct tmpl_builtin {
	const char	*name;	/* its file name, as errors name it */
	const char	*text;	/* NUL-terminated */
};

/* templates/tocsin.tmpl: tocsin's default messages for every channel. */
extern const struct tmpl_builtin tmpl_builtin_tocsin;
/* templates/watchdog.tmpl: tocsin-watchdog's check notifications, over
 * tocsin.tmpl's Alertmanager default names. */
extern const struct tmpl_builtin tmpl_builtin_watchdog;

/*
 * Compiles builtins[0..n-1] in order, then every template glob of cfg in
 * order (config_check_templates first, so a bad pattern fails as it does in
 * Alertmanager). Returns the set, which the caller frees with tmpl_set_free,
 * or NULL with err naming the file that failed.
 */
struct tmpl_set *tmpl_set_for_config(const struct config *cfg,
	    const struct tmpl_builtin *const *builtins, size_t n, struct terr *err);

#endif
