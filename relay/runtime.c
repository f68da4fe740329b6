/* runtime.c: the intake over the outbox, and the relay's generations (see
 * runtime.h). */
#include <stdlib.h>

#include "runtime.h"
#include "config_tmpl.h"

struct runtime {
	struct outbox	*ob;
	struct intake	*intake;
	enum tmpl_am_version tmpl_am;
};

struct runtime *
runtime_open(const struct runtime_params *p, struct terr *err)
{
	struct runtime	*rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	rt->ob = p->ob;
	rt->tmpl_am = p->tmpl_am;
	if ((rt->intake = intake_new(p->metrics, p->files, err)) == NULL) {
		runtime_free(rt);
		return NULL;
	}
	intake_set_outbox(rt->intake, rt->ob, p->dedup_window_ms);
	return rt;
}

struct intake *
runtime_intake(struct runtime *rt)
{
	return rt->intake;
}

static void
free_config(void *cfg)
{
	config_free(cfg);
}

int
runtime_load(struct runtime *rt, struct config *cfg, struct terr *err)
{
	static const struct tmpl_builtin *const builtins[] = {
		&tmpl_builtin_tocsin, &tmpl_builtin_actions,
	};
	struct tmpl_set	*tmpl;

	if ((tmpl = tmpl_set_for_config_am(cfg, rt->tmpl_am, builtins, 2, err)) == NULL) {
		config_free(cfg);
		return -1;
	}
	return outbox_load(rt->ob, cfg, tmpl, cfg, free_config, err);
}

void
runtime_free(struct runtime *rt)
{
	if (rt == NULL)
		return;
	intake_free(rt->intake);
	free(rt);
}
