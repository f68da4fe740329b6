/* registry.c: the set of checks. A plain array: a watchdog has tens of
 * checks, and a linear scan keeps the deadline and the lookup obvious. */
#include <stdlib.h>
#include <string.h>

#include "checkstate.h"
#include "registry.h"

struct registry {
	struct check	**v;
	size_t		  n;
	size_t		  alloc;
};

struct registry *
registry_new(void)
{
	return calloc(1, sizeof(struct registry));
}

void
registry_free(struct registry *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		check_free(r->v[i]);
	free(r->v);
	free(r);
}

struct check *
registry_add(struct registry *r, const struct check_conf *conf,
    struct terr *err)
{
	struct check	 *c, **nv;
	size_t		  na;

	if (conf->name != NULL && registry_find(r, conf->name) != NULL) {
		terr_set(err, "duplicate check name \"%s\"", conf->name);
		return NULL;
	}
	if ((c = check_new(conf, err)) == NULL)
		return NULL;
	if (r->n == r->alloc) {
		na = r->alloc ? r->alloc * 2 : 8;
		if ((nv = reallocarray(r->v, na, sizeof(*nv))) == NULL) {
			check_free(c);
			terr_set(err, "out of memory");
			return NULL;
		}
		r->v = nv;
		r->alloc = na;
	}
	r->v[r->n++] = c;
	return c;
}

struct check *
registry_find(const struct registry *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (strcmp(check_name(r->v[i]), name) == 0)
			return r->v[i];
	return NULL;
}

size_t
registry_count(const struct registry *r)
{
	return r->n;
}

struct check *
registry_at(const struct registry *r, size_t i)
{
	return i < r->n ? r->v[i] : NULL;
}

int64_t
registry_next_deadline(const struct registry *r, struct check **which)
{
	int64_t		 best = CHECK_NEVER, d;
	struct check	*bc = NULL;
	size_t		 i;

	for (i = 0; i < r->n; i++) {
		d = check_deadline(r->v[i]);
		if (d < best) {
			best = d;
			bc = r->v[i];
		}
	}
	if (which != NULL)
		*which = bc;
	return best;
}

int
registry_restore(struct registry *r, struct checkstate *cs,
    const struct wd_time *now, struct terr *err)
{
	struct check_record	*recs = NULL;
	struct check		*c;
	size_t			 n = 0, i;
	int			 ret = -1;

	if (checkstate_load(cs, &recs, &n, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if ((c = registry_find(r, recs[i].name)) != NULL) {
			check_restore(c, &recs[i], now);
			continue;
		}
		/* A removed check: forget it, so that adding it back later
		 * starts fresh instead of resurrecting an old outage. */
		if (checkstate_delete(cs, recs[i].name, err) == -1)
			goto out;
	}
	ret = 0;
out:
	checkstate_records_free(recs, n);
	return ret;
}
