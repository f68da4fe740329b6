/* registry.h: the watchdog's set of checks: unique names, lookup by name (for
 * /ping/<name>), the earliest deadline over all checks (for the main loop). */
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
/* The check called name, NULL if there is none. */
struct check *registry_find(const struct registry *r, const char *name);
size_t	registry_count(const struct registry *r);
/* Checks in the order they were added, i < registry_count(). */
struct check *registry_at(const struct registry *r, size_t i);

/* The earliest check_deadline() of all checks (monotonic ms), CHECK_NEVER if
 * none; *which (may be NULL) gets that check or NULL. */
int64_t	registry_next_deadline(const struct registry *r, struct check **which);

/* Loads the persisted states from cs and restores each configured check
 * (check_restore with now). Records of checks no longer configured are
 * deleted from cs; configured checks without a record stay new. */
int	registry_restore(struct registry *r, struct checkstate *cs,
	    const struct wd_time *now, struct terr *err) WARN_UNUSED;

#endif
