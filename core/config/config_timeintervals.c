/* config_timeintervals.c: time_intervals (and the legacy mute_time_intervals)
 * entries. The range syntax is routes/timeinterval.c's business: the YAML
 * scalars are handed over unchanged and its messages get our position. */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

typedef int (*ti_add_fn)(struct ti_entry *, const char *, struct terr *);

static int
ranges(struct cfg_load *ld, const char *field, const struct ynode *n,
    struct ti_entry *e, ti_add_fn add)
{
	struct terr	 te;
	size_t		 i;

	if (cfg_seq(ld, n, field) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n; i++) {
		const struct ynode *v = n->child[i];

		if (v->kind != YN_SCALAR)
			return cfg_fail(ld, v, "%s must be a list of ranges, not contain a %s",
			    field, ynode_kind_name(v));
		if (add(e, v->value, &te) == -1)
			return cfg_fail(ld, v, "%s", te.msg);
	}
	return 0;
}

static int
times(struct cfg_load *ld, const struct ynode *n, struct ti_entry *e)
{
	struct terr	 te;
	char		*start = NULL, *end = NULL;
	size_t		 i, j;
	int		 rc = 0;

	if (cfg_seq(ld, n, "times") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && rc == 0; i++) {
		const struct ynode *t = n->child[i];

		if (cfg_map(ld, t, "times entry") == -1)
			return -1;
		for (j = 0; !ynode_is_null(t) && j < t->n && rc == 0; j += 2) {
			const struct ynode *k = t->child[j], *v = t->child[j + 1];

			if (strcmp(k->value, "start_time") == 0)
				rc = cfg_str(ld, k->value, v, &start);
			else if (strcmp(k->value, "end_time") == 0)
				rc = cfg_str(ld, k->value, v, &end);
			else
				rc = cfg_unknown(ld, k, "times entry");
		}
		if (rc == 0 && ti_entry_add_times(e, start ? start : "", end ? end : "",
		    &te) == -1)
			rc = cfg_fail(ld, t, "%s", te.msg);
		free(start);
		free(end);
		start = end = NULL;
	}
	return rc;
}

static int
entry(struct cfg_load *ld, const struct ynode *n, struct ti_entry *e)
{
	struct terr	 te;
	struct tz	*zone;
	char		*loc = NULL;
	size_t		 i;
	int		 rc = 0;

	if (cfg_map(ld, n, "time interval") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && rc == 0; i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];
		const char *key = k->value;

		if (strcmp(key, "times") == 0)
			rc = times(ld, v, e);
		else if (strcmp(key, "weekdays") == 0)
			rc = ranges(ld, key, v, e, ti_entry_add_weekdays);
		else if (strcmp(key, "days_of_month") == 0)
			rc = ranges(ld, key, v, e, ti_entry_add_days_of_month);
		else if (strcmp(key, "months") == 0)
			rc = ranges(ld, key, v, e, ti_entry_add_months);
		else if (strcmp(key, "years") == 0)
			rc = ranges(ld, key, v, e, ti_entry_add_years);
		else if (strcmp(key, "location") == 0) {
			if ((rc = cfg_str(ld, key, v, &loc)) == 0 && loc != NULL) {
				if ((zone = tz_load(loc, &te)) == NULL)
					rc = cfg_fail(ld, v, "%s", te.msg);
				else
					ti_entry_set_location(e, zone);
			}
			free(loc);
			loc = NULL;
		} else
			rc = cfg_unknown(ld, k, "time interval");
	}
	return rc;
}

struct time_interval *
cfg_time_interval(struct cfg_load *ld, const struct ynode *n, const char *what)
{
	const struct ynode *name, *list;
	struct time_interval *ti = NULL;
	struct ti_entry	*e;
	size_t		 i;
	bool		 mute = strcmp(what, "mute_time_intervals") == 0;

	if (cfg_map(ld, n, mute ? "mute time interval" : "time interval") == -1)
		return NULL;
	for (i = 0; !ynode_is_null(n) && i < n->n; i += 2)
		if (strcmp(n->child[i]->value, "name") != 0 &&
		    strcmp(n->child[i]->value, "time_intervals") != 0) {
			cfg_unknown(ld, n->child[i], mute ? "mute time interval" :
			    "time interval");
			return NULL;
		}
	name = ynode_map_get(n, "name");
	if (name == NULL || ynode_is_null(name) || name->kind != YN_SCALAR ||
	    name->value[0] == '\0') {
		if (name != NULL && name->kind != YN_SCALAR)
			cfg_fail(ld, name, "name must be a string, not a %s",
			    ynode_kind_name(name));
		else
			cfg_fail(ld, n, "missing name in %s", mute ? "mute time interval" :
			    "time interval");
		return NULL;
	}
	if ((ti = time_interval_new(name->value)) == NULL) {
		cfg_fail(ld, n, "out of memory");
		return NULL;
	}
	list = ynode_map_get(n, "time_intervals");
	if (cfg_seq(ld, list, "time_intervals") == -1)
		goto fail;
	for (i = 0; !ynode_is_null(list) && i < list->n; i++) {
		if ((e = time_interval_add_entry(ti)) == NULL) {
			cfg_fail(ld, list->child[i], "out of memory");
			goto fail;
		}
		if (entry(ld, list->child[i], e) == -1)
			goto fail;
	}
	return ti;
fail:
	time_interval_free(ti);
	return NULL;
}
