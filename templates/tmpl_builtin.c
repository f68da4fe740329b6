/* tmpl_builtin.c: the embedded template files and the daemons' template
 * sets (see tmpl_builtin.h). */
#include "tmpl_builtin.h"

/* Generated from the .tmpl files by templates/CMakeLists.txt. */
extern const char tmpl_text_tocsin[];
extern const char tmpl_text_watchdog[];

const struct tmpl_builtin tmpl_builtin_tocsin = { "tocsin.tmpl", tmpl_text_tocsin };
const struct tmpl_builtin tmpl_builtin_watchdog = { "watchdog.tmpl", tmpl_text_watchdog };

struct tmpl_set *
tmpl_set_for_config(const struct config *cfg, const struct tmpl_builtin *const *builtins,
    size_t n, struct terr *err)
{
	struct tmpl_set	*set;
	size_t		 i;

	if (config_check_templates(cfg, err) == -1)
		return NULL;
	if ((set = tmpl_set_new()) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (tmpl_set_add_text(set, builtins[i]->name, builtins[i]->text, err) == -1)
			goto fail;
	for (i = 0; i < config_template_count(cfg); i++)
		if (tmpl_set_add_glob(set, config_template_at(cfg, i), err) == -1)
			goto fail;
	return set;
 fail:
	tmpl_set_free(set);
	return NULL;
}
