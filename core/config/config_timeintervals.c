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
	size_t		 i, mark = cfg_mark(ld);

	if (cfg_seq(ld, n, field) == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i++) {
		const struct ynode *v = n->child[i];

		if (v->kind != YN_SCALAR)
			cfg_type_fail(ld, v, "%s must be a list of ranges, not contain a "
			    "%s", field, ynode_kind_name(v));
		else if (add(e, v->value, &te) == -1)
			return cfg_fail(ld, v, "%s", te.msg);
	}
	return cfg_walked(ld, mark);
}

static int
times(struct cfg_load *ld, const struct ynode *n, struct ti_entry *e)
{
	struct terr	 te;
	char		*start = NULL, *end = NULL;
	size_t		 i, j, mark = cfg_mark(ld), tmark;

	if (cfg_seq(ld, n, "times") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i++) {
		const struct ynode *t = n->child[i];

		tmark = cfg_mark(ld);
		if (cfg_map(ld, t, "times entry") == -1)
			continue;
		for (j = 0; !ynode_is_null(t) && j < t->n && !cfg_stop(ld); j += 2) {
			const struct ynode *k = t->child[j], *v = t->child[j + 1];

			if (cfg_repeated(k))
				continue;
			if (strcmp(k->value, "start_time") == 0)
				cfg_str(ld, k->value, v, &start);
			else if (strcmp(k->value, "end_time") == 0)
				cfg_str(ld, k->value, v, &end);
			else
				cfg_unknown(ld, k, "times entry");
		}
		if (cfg_walked(ld, tmark) == 0 && ti_entry_add_times(e,
		    start ? start : "", end ? end : "", &te) == -1)
			cfg_fail(ld, t, "%s", te.msg);
		free(start);
		free(end);
		start = end = NULL;
	}
	return cfg_walked(ld, mark);
}

static int
entry(struct cfg_load *ld, const struct ynode *n, struct ti_entry *e)
{
	struct terr	 te;
	struct tz	*zone;
	char		*loc = NULL;
	size_t		 i, mark = cfg_mark(ld);

	if (cfg_map(ld, n, "time interval") == -1)
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2) {
		const struct ynode *k = n->child[i], *v = n->child[i + 1];
		const char *key = k->value;

		if (cfg_repeated(k))
			continue;
		if (strcmp(key, "times") == 0)
			times(ld, v, e);
		else if (strcmp(key, "weekdays") == 0)
			ranges(ld, key, v, e, ti_entry_add_weekdays);
		else if (strcmp(key, "days_of_month") == 0)
			ranges(ld, key, v, e, ti_entry_add_days_of_month);
		else if (strcmp(key, "months") == 0)
			ranges(ld, key, v, e, ti_entry_add_months);
		else if (strcmp(key, "years") == 0)
			ranges(ld, key, v, e, ti_entry_add_years);
		else if (strcmp(key, "location") == 0) {
			if (cfg_str(ld, key, v, &loc) == 0 && loc != NULL) {
				if ((zone = tz_load(loc, &te)) == NULL)
					cfg_fail(ld, v, "%s", te.msg);
				else
					ti_entry_set_location(e, zone);
			}
			free(loc);
			loc = NULL;
		} else
			cfg_unknown(ld, k, "time interval");
	}
	return cfg_walked(ld, mark);
}

struct time_interval *
cfg_time_interval(struct cfg_load *ld, const struct ynode *n, const char *what)
{
	const struct ynode *name, *list;
	struct time_interval *ti = NULL;
	struct ti_entry	*e;
	size_t		 i, mark = cfg_mark(ld);
	bool		 mute = strcmp(what, "mute_time_intervals") == 0;

	if (cfg_map(ld, n, mute ? "mute time interval" : "time interval") == -1)
		return NULL;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2)
		if (strcmp(n->child[i]->value, "name") != 0 &&
		    strcmp(n->child[i]->value, "time_intervals") != 0)
			cfg_unknown(ld, n->child[i], mute ? "mute time interval" :
			    "time interval");
	name = ynode_map_get(n, "name");
	if (name != NULL && name->kind != YN_SCALAR) {
		cfg_type_fail(ld, name, "name must be a string, not a %s",
		    ynode_kind_name(name));
		name = NULL;
	}
	/* The name is read even when a key is unknown, so that the entries
	 * are walked for type errors too; the interval is then dropped. */
	if ((ti = time_interval_new(name != NULL && !ynode_is_null(name) ?
	    name->value : "")) == NULL) {
		cfg_fail(ld, n, "out of memory");
		return NULL;
	}
	list = ynode_map_get(n, "time_intervals");
	if (cfg_seq(ld, list, "time_intervals") == -1)
		goto fail;
	for (i = 0; !ynode_is_null(list) && i < list->n && !cfg_stop(ld); i++) {
		if ((e = time_interval_add_entry(ti)) == NULL) {
			cfg_fail(ld, list->child[i], "out of memory");
			goto fail;
		}
		entry(ld, list->child[i], e);
	}
	if (cfg_walked(ld, mark) == -1)
		goto fail;
	/* Checked once the entries are known to be well-typed, as Alertmanager
	 * checks it after decoding. */
	if (name == NULL || ynode_is_null(name) || name->value[0] == '\0') {
		cfg_fail(ld, n, "missing name in %s", mute ? "mute time interval" :
		    "time interval");
		goto fail;
	}
	return ti;
fail:
	time_interval_free(ti);
	return NULL;
}
