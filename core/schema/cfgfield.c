/* cfgfield.c: the config loader's table engine (cfgfield.h): one walker for
 * every mapping whose fields a table describes. */
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"

static bool
is_string(const struct cf_field *f)
{
	return f->kind == CF_STR || f->kind == CF_FILE || f->kind == CF_URL;
}

static void *
target(void *obj, size_t off)
{
	return (char *)obj + off;
}

static const struct cf_field *
lookup(const struct cf_type *t, const char *name)
{
	const struct cf_field *f;

	for (f = t->fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

void *
cf_append(void **v, size_t *n, size_t elem)
{
	void	*nv;

	if ((nv = reallocarray(*v, *n + 1, elem)) == NULL)
		return NULL;
	*v = nv;
	memset((char *)nv + *n * elem, 0, elem);
	(*n)++;
	return (char *)nv + (*n - 1) * elem;
}

static int
table_list(struct cfg_load *ld, const struct cf_field *f, const struct ynode *v,
    void *obj)
{
	size_t	 i, mark = cfg_mark(ld);
	void	*e;

	if (cfg_seq(ld, v, f->name) == -1)
		return -1;
	for (i = 0; !ynode_is_null(v) && i < v->n; i++) {
		e = cf_append(target(obj, f->off), target(obj, f->count), f->sub->size);
		if (e == NULL)
			return cfg_fail(ld, v, "out of memory");
		if (cf_parse(ld, v->child[i], f->sub, e) == -1 && cfg_stop(ld))
			return -1;
	}
	return cfg_walked(ld, mark);
}

static int
parse_value(struct cfg_load *ld, const struct cf_field *f, const struct ynode *k,
    const struct ynode *v, void *obj)
{
	void	*p = target(obj, f->off);

	switch (f->kind) {
	case CF_STR:
		if (cfg_str(ld, f->name, v, p) == -1 ||
		    (f->secret && cfg_keep_secret(ld, v, *(char **)p) == -1))
			return -1;
		return f->check == NULL ? 0 : f->check(ld, f->name, v, *(char **)p);
	case CF_FILE:
		return cfg_path(ld, f->name, v, p);
	case CF_URL:
		if (cfg_url(ld, f->name, v, f->secret, p) == -1)
			return -1;
		return f->secret ? cfg_keep_secret(ld, v, *(char **)p) : 0;
	case CF_BOOL:
		return cfg_bool(ld, f->name, v, p);
	case CF_INT:
		return cfg_int64(ld, f->name, v, p);
	case CF_UINT:
		return cfg_uint64(ld, f->name, v, p);
	case CF_DURATION:
		if (cfg_duration(ld, f->name, v, p) == -1)
			return -1;
		/* A null duration that parsed is an untagged one, left unset. */
		if (f->nonzero && *(int64_t *)p == 0 && !ynode_is_null(v))
			return cfg_fail(ld, v, "%s cannot be zero", f->name);
		return 0;
	case CF_GO_DURATION:
		return cfg_go_duration(ld, f->name, v, p);
	case CF_STR_LIST:
		return cfg_str_list(ld, f->name, v, p, target(obj, f->count));
	case CF_HTTP:
		return cfg_http_config(ld, v, p);
	case CF_TABLE:
		return cf_parse(ld, v, f->sub, p);
	case CF_TABLE_LIST:
		return table_list(ld, f, v, obj);
	case CF_CUSTOM:
		return f->parse(ld, k, v, obj);
	}
	return cfg_fail(ld, k, "%s: unknown field kind", f->name);
}

static int
defaults(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct cf_field *f;
	void	*p;

	for (f = w->type->fields; f->name != NULL; f++) {
		p = target(w->obj, f->off);
		if (is_string(f) && f->def != NULL && *(char **)p == NULL &&
		    (*(char **)p = strdup(f->def)) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
		/* Without an http_config of its own, the global one. */
		if (f->kind == CF_HTTP && cf_given(w, f->name) == NULL) {
			http_config_clear(p);
			if (cfg_http_copy(p, &ld->global.http) == -1)
				return cfg_fail(ld, w->n, "out of memory");
		}
	}
	return 0;
}

int
cf_parse(struct cfg_load *ld, const struct ynode *n, const struct cf_type *t,
    void *obj)
{
	const struct cf_walk w = { t, n, obj };
	const struct cf_field *f;
	size_t	 i, mark = cfg_mark(ld);

	for (f = t->fields; f->name != NULL; f++)
		if (f->kind == CF_BOOL && f->on)
			*(bool *)target(obj, f->off) = true;
	if (cfg_map(ld, n, t->what) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n; i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];

		if (cfg_repeated(k))
			continue;
		if ((f = lookup(t, k->value)) == NULL)
			cfg_unknown(ld, k, t->what);
		else if ((f->allow == NULL || f->allow(ld, k, obj) == 0) &&
		    parse_value(ld, f, k, v, obj) == 0)
			continue;
		if (cfg_stop(ld))
			return -1;
	}
	/* Like Go's UnmarshalYAML methods: no validation of a mapping that
	 * holds a type error. */
	if (cfg_mark(ld) > mark)
		return -1;
	for (f = t->fields; f->name != NULL; f++)
		if (is_string(f) && f->missing != NULL && !f->inherit &&
		    cfg_empty(*(char **)target(obj, f->off)))
			return cfg_fail(ld, n, "%s", f->missing);
	if (defaults(ld, &w) == -1)
		return -1;
	return t->finish == NULL ? 0 : t->finish(ld, &w);
}

int
cf_inherit(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct cf_field *f;
	const void *g;
	char	**s;

	for (f = w->type->fields; f->name != NULL; f++) {
		if (!f->inherit)
			continue;
		g = (const char *)&ld->global + f->goff;
		if (f->kind == CF_BOOL) {
			if (cf_given(w, f->name) == NULL)
				*(bool *)target(w->obj, f->off) = *(const bool *)g;
			continue;
		}
		s = target(w->obj, f->off);
		if (!cfg_empty(*s))
			continue;
		/* Config's check in Alertmanager, made once the whole file
		 * is decoded. */
		if (f->missing != NULL && cfg_empty(*(char *const *)g))
			return cfg_late(ld, w->n, "%s", f->missing);
		free(*s);
		*s = NULL;
		if (*(char *const *)g != NULL && (*s = strdup(*(char *const *)g)) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
	}
	return 0;
}

int
cf_conflict(struct cfg_load *ld, const struct cf_walk *w, const char *a,
    const char *b)
{
	return cfg_fail(ld, cf_value(w, b), "at most one of %s & %s must be "
	    "configured", a, b);
}

const struct ynode *
cf_value(const struct cf_walk *w, const char *name)
{
	return ynode_map_get(w->n, name);
}

const struct ynode *
cf_given(const struct cf_walk *w, const char *name)
{
	size_t	 i;

	for (i = 0; w->n != NULL && w->n->kind == YN_MAP && i < w->n->n; i += 2)
		if (strcmp(w->n->child[i]->value, name) == 0)
			return ynode_is_null(w->n->child[i + 1]) ? NULL : w->n->child[i];
	return NULL;
}

int
cf_secret(struct cfg_load *ld, const struct cf_walk *w, const char *filefield,
    char **val, char **file, const char *gval, const char *gfile)
{
	if (*file != NULL)
		return cfg_read_secret(ld, filefield, cf_value(w, filefield), *file, val);
	if (!cfg_empty(*val))
		return 0;
	free(*val);
	if (cfg_dup(val, gval) == -1 || cfg_dup(file, gfile) == -1)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}
