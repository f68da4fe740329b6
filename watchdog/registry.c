/* registry.c: the set of checks, in config order, with a hash index by
 * name (a ping finds its check in O(1)) and a heap of deadlines (the
 * scheduler finds what is due in O(log n)), so 100,000 checks cost what ten
 * do per ping and per tick. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "checkstate.h"
#include "dlheap.h"
#include "registry.h"

struct registry {
	struct check	**v;
	size_t		  n;
	size_t		  alloc;
	uint32_t	 *slots;	/* index + 1 into v, 0: empty */
	size_t		  nslots;	/* a power of two, >= 2n */
	struct dlheap	 *dl;		/* check_deadline per index */
};

struct registry *
registry_new(void)
{
	struct registry	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->dl = dlheap_new(0)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
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
	free(r->slots);
	dlheap_free(r->dl);
	free(r);
}

/* FNV-1a: names are short and chosen by the operator, not an attacker. */
static size_t
name_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding name, or the empty one where it would go. */
static size_t
slot_of(const struct registry *r, const char *name)
{
	size_t	i = name_hash(name) & (r->nslots - 1);

	while (r->slots[i] != 0 &&
	    strcmp(check_name(r->v[r->slots[i] - 1]), name) != 0)
		i = (i + 1) & (r->nslots - 1);
	return i;
}

static int
rehash(struct registry *r, size_t nslots)
{
	uint32_t	*old = r->slots;
	size_t		 i;

	if ((r->slots = calloc(nslots, sizeof(*r->slots))) == NULL) {
		r->slots = old;
		return -1;
	}
	r->nslots = nslots;
	for (i = 0; i < r->n; i++)
		r->slots[slot_of(r, check_name(r->v[i]))] = (uint32_t)(i + 1);
	free(old);
	return 0;
}

static int
make_room(struct registry *r)
{
	struct check	**nv;
	size_t		  na;

	if (r->n == UINT32_MAX - 1)
		return -1;
	if (r->n == r->alloc) {
		na = r->alloc ? r->alloc * 2 : 8;
		if ((nv = reallocarray(r->v, na, sizeof(*nv))) == NULL ||
		    (r->v = nv, dlheap_grow(r->dl, na) == -1))
			return -1;
		r->alloc = na;
	}
	if (2 * (r->n + 1) > r->nslots)
		return rehash(r, r->nslots ? 2 * r->nslots : 16);
	return 0;
}

static struct check *
add(struct registry *r, const struct check_conf *conf, bool shared,
    struct terr *err)
{
	struct check	 *c;

	if (conf->name != NULL && registry_find(r, conf->name) != NULL) {
		terr_set(err, "duplicate check name \"%s\"", conf->name);
		return NULL;
	}
	if ((c = (shared ? check_new_shared : check_new)(conf, err)) == NULL)
		return NULL;
	if (make_room(r) == -1) {
		check_free(c);
		terr_set(err, "out of memory");
		return NULL;
	}
	r->v[r->n] = c;
	r->slots[slot_of(r, conf->name)] = (uint32_t)(r->n + 1);
	dlheap_set(r->dl, r->n, check_deadline(c));
	r->n++;
	return c;
}

struct check *
registry_add(struct registry *r, const struct check_conf *conf,
    struct terr *err)
{
	return add(r, conf, false, err);
}

struct check *
registry_add_shared(struct registry *r, const struct check_conf *conf,
    struct terr *err)
{
	return add(r, conf, true, err);
}

size_t
registry_index(const struct registry *r, const char *name)
{
	uint32_t	k;

	if (r->nslots == 0 || name == NULL)
		return SIZE_MAX;
	k = r->slots[slot_of(r, name)];
	return k == 0 ? SIZE_MAX : k - 1;
}

struct check *
registry_find(const struct registry *r, const char *name)
{
	size_t	i = registry_index(r, name);

	return i == SIZE_MAX ? NULL : r->v[i];
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

void
registry_touch(struct registry *r, const struct check *c)
{
	size_t	i = registry_index(r, check_name(c));

	if (i != SIZE_MAX && r->v[i] == c)
		dlheap_set(r->dl, i, check_deadline(c));
}

void
registry_touch_all(struct registry *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		dlheap_set(r->dl, i, check_deadline(r->v[i]));
}

int64_t
registry_next_deadline(const struct registry *r, struct check **which)
{
	size_t	 i;
	int64_t	 d = dlheap_min(r->dl, &i);

	if (which != NULL)
		*which = d == DLHEAP_NEVER ? NULL : r->v[i];
	return d;
}

struct check *
registry_pop_due(struct registry *r, int64_t now)
{
	size_t	 i;

	if (dlheap_min(r->dl, &i) > now)
		return NULL;
	dlheap_set(r->dl, i, DLHEAP_NEVER);
	return r->v[i];
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
	registry_touch_all(r);
	ret = 0;
out:
	checkstate_records_free(recs, n);
	return ret;
}
