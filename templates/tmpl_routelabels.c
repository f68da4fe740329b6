/* tmpl_routelabels.c: Alertmanager 0.34's routeLabels function. A route
 * label's value may itself be a template (referring to the group's data or
 * to other route labels), rendered once per top-level render and checked
 * for cycles, unless the data says the values are already rendered. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tmpl_int.h"

/* The labels rendered so far (memo) and those being rendered (stack). */
struct rlres {
	struct kv	 memo;
	const char	**stack;
	size_t		 nstack, astack;
};

void
rlres_free(struct rlres *rl)
{
	if (rl == NULL)
		return;
	kv_free(&rl->memo);
	free(rl->stack);
	free(rl);
}

static bool
in_progress(const struct rlres *rl, const char *name)
{
	for (size_t i = 0; i < rl->nstack; i++)
		if (strcmp(rl->stack[i], name) == 0)
			return true;
	return false;
}

/* "route label cycle detected: a -> b -> a", as Alertmanager words it. */
static int
cycle_error(struct exec *x, const struct rlres *rl, const char *name)
{
	struct buf	 b;
	int		 r;

	int		 full = 0;

	/* capped at an error's length: a longer chain is cut there anyway */
	buf_init(&b, TERR_MAX);
	for (size_t i = 0; i < rl->nstack && full == 0; i++)
		full = buf_printf(&b, "%s -> ", rl->stack[i]);
	if (full == 0)
		full = buf_adds(&b, name);
	r = xerr(x, "error calling routeLabels: route label cycle detected: %s%s",
	    buf_str(&b), full == 0 ? "" : "...");
	buf_free(&b);
	return r;
}

static int
push(struct rlres *rl, const char *name)
{
	if (rl->nstack == rl->astack) {
		size_t		 n = rl->astack ? rl->astack * 2 : 8;
		const char	**p = realloc(rl->stack, n * sizeof(*p));

		if (p == NULL)
			return -1;
		rl->stack = p;
		rl->astack = n;
	}
	rl->stack[rl->nstack++] = name;
	return 0;
}

/* Renders the raw value of label name (not yet in the memo) and keeps it. */
static int
render_label(struct exec *x, const char *name, const char *raw,
    const char **value)
{
	struct rlres	*rl = x->rl;
	struct buf	 b;
	struct terr	 e;
	int		 r;

	if (in_progress(rl, name))
		return cycle_error(x, rl, name);
	if (push(rl, name) == -1)
		return xerr(x, "out of memory");
	buf_init(&b, 0);
	r = tmpl_exec_nested(x, raw, &b, &e);
	rl->nstack--;
	if (r == -1) {
		buf_free(&b);
		return xerr(x, "error calling routeLabels: %s", e.msg);
	}
	if (kv_set(&rl->memo, name, buf_str(&b)) == -1 ||
	    (*value = arena_strdup(&x->ar, buf_str(&b))) == NULL) {
		buf_free(&b);
		return xerr(x, "out of memory");
	}
	buf_free(&b);
	return 0;
}

/* routeLabels NAME: the route label's value; "" for a label the data lacks. */
int
fn_routelabels(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*name, *raw, *memo;
	const char	*value = "";

	(void)n;
	if (!val_is_stringish(&a[0]))
		return xerr(x, "wrong type for value; expected string; got %s",
		    val_type_name(&a[0]));
	name = a[0].u.s;
	out->t = V_STR;
	out->u.s = "";
	if (x->data == NULL ||
	    (raw = kv_get(&x->data->route_labels, name)) == NULL)
		return 0;
	if (x->data->route_labels_rendered) {
		out->u.s = raw;
		return 0;
	}
	if (x->rl == NULL && (x->rl = calloc(1, sizeof(*x->rl))) == NULL)
		return xerr(x, "out of memory");
	if ((memo = kv_get(&x->rl->memo, name)) != NULL)
		value = memo;
	else if (render_label(x, name, raw, &value) == -1)
		return -1;
	out->u.s = value;
	return 0;
}

struct render_all {
	const struct notification *n;
	struct kv		 done;
	bool			 oom;
};

static int
render_all(struct exec *x, void *arg)
{
	struct render_all	*ra = arg;
	const struct kv		*labels = &ra->n->route_labels;
	struct val		 name, v = { 0 };	/* set on success; -O2 cannot tell */

	for (size_t i = 0; i < labels->n; i++) {
		name.t = V_STR;
		name.u.s = labels->v[i].name;
		if (fn_routelabels(x, &name, 1, &v) == -1) {
			log_error("Failed to render route label", "receiver",
			    ra->n->receiver, "label", labels->v[i].name, "err",
			    x->err->msg);
			continue;
		}
		if (kv_set(&ra->done, labels->v[i].name, v.u.s) == -1) {
			ra->oom = true;
			return -1;
		}
	}
	return 0;
}

int
tmpl_render_route_labels(const struct tmpl_set *set, struct notification *n,
    const struct tmpl_opts *opts, struct terr *err)
{
	struct render_all	ra = { n, { NULL, 0, false }, false };
	struct terr		e;

	if (n->route_labels_rendered || n->route_labels.n == 0)
		return 0;
	(void)tmpl_with_exec(set, n, opts, render_all, &ra, &e);
	if (ra.oom) {
		kv_free(&ra.done);
		return terr_set(err, "out of memory");
	}
	kv_free(&n->route_labels);
	n->route_labels = ra.done;
	n->route_labels_rendered = true;
	return 0;
}
