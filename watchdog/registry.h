/* registry.h: the watchdog's set of checks: unique names, lookup by name (for
 * /ping/<name>) in O(1), the earliest deadline over all checks (for the
 * scheduler) from a heap. */
#ifndef TOCSIN_REGISTRY_H
#define TOCSIN_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "err.h"

struct registry;
struct checkstate;

/* Returns an empty registry, NULL if memory runs out. The caller frees it
 * with registry_free(), which frees its checks. */
struct registry *registry_new(void);
void	registry_free(struct registry *r);

/* Validates conf (see check_new) and adds a check in state new. Rejects a
 * name already present. Returns the check (owned by the registry) or NULL. */
struct check *registry_add(struct registry *r, const struct check_conf *conf,
	    struct terr *err);
/* registry_add with conf borrowed (check_new_shared): for a loaded
 * config, which outlives its registry. */
struct check *registry_add_shared(struct registry *r,
	    const struct check_conf *conf, struct terr *err);
/* The check called name, NULL if there is none. */
struct check *registry_find(const struct registry *r, const char *name);
/* The index (as registry_at counts) of the check called name, SIZE_MAX if
 * none. */
size_t	registry_index(const struct registry *r, const char *name);
size_t	registry_count(const struct registry *r);
/* Checks in the order they were added, i < registry_count(). */
struct check *registry_at(const struct registry *r, size_t i);

/* The registry keeps each check's check_deadline() in a heap: whoever
 * changes a check (a signal, a tick, a pause, check_restore, check_adopt)
 * tells it with registry_touch (one check) or registry_touch_all. */
void	registry_touch(struct registry *r, const struct check *c);
void	registry_touch_all(struct registry *r);
/* The earliest deadline as last touched (monotonic ms), CHECK_NEVER if
 * none; *which (may be NULL) gets that check or NULL. O(1). */
int64_t	registry_next_deadline(const struct registry *r, struct check **which);
/* A check whose deadline is at or before now, taken out of the heap (the
 * caller ticks it, then touches it back in); NULL when none is due.
 * O(log n) per check due, nothing for the others. */
struct check *registry_pop_due(struct registry *r, int64_t now);

/* Loads the persisted states from cs and restores each configured check
 * (check_restore with now, then registry_touch_all). Records of checks no longer configured are
 * deleted from cs; configured checks without a record stay new. */
int	registry_restore(struct registry *r, struct checkstate *cs,
	    const struct wd_time *now, struct terr *err) WARN_UNUSED;

#endif
