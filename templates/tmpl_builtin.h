/* tmpl_builtin.h: tocsin's own template files, compiled into every program
 * (core/config/config_tmpl.h builds a daemon's template set from them). */
#ifndef TOCSIN_TMPL_BUILTIN_H
#define TOCSIN_TMPL_BUILTIN_H

#include <stddef.h>

/* One embedded template file. */
struct tmpl_builtin {
	const char	*name;	/* its file name, as errors name it */
	const char	*text;	/* NUL-terminated */
};

/* templates/tocsin.tmpl: tocsin's default messages for every channel. */
extern const struct tmpl_builtin tmpl_builtin_tocsin;
/* templates/actions.tmpl: the action links in tocsin's default e-mail
 * bodies (.Actions, which amtool does not know), over tocsin.tmpl. */
extern const struct tmpl_builtin tmpl_builtin_actions;
/* templates/watchdog.tmpl: tocsin-watchdog's check notifications, over
 * tocsin.tmpl's Alertmanager default names. */
extern const struct tmpl_builtin tmpl_builtin_watchdog;

#endif
