/* config_tmpl.c: a config's template set (see config_tmpl.h). */
#include "config_tmpl.h"

struct tmpl_set *
tmpl_set_for_config(const struct config *cfg, const struct tmpl_builtin *const *builtins,
    size_t n, struct terr *err)
{
	return tmpl_set_for_config_am(cfg, TMPL_AM_0_34, builtins, n, err);
}

struct tmpl_set *
tmpl_set_for_config_am(const struct config *cfg, enum tmpl_am_version am,
    const struct tmpl_builtin *const *builtins, size_t n, struct terr *err)
{
	struct tmpl_set	*set;
	size_t		 i;

	if (config_check_templates(cfg, err) == -1)
		return NULL;
	if ((set = tmpl_set_new()) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	tmpl_set_am_version(set, am);
	for (i = 0; i < n; i++)
		if (tmpl_set_add_builtin(set, builtins[i]->name, builtins[i]->text, err) == -1)
			goto fail;
	for (i = 0; i < config_template_count(cfg); i++)
		if (tmpl_set_add_glob(set, config_template_at(cfg, i), err) == -1)
			goto fail;
	return set;
 fail:
	tmpl_set_free(set);
	return NULL;
}
