/* config_int.h: internals shared by the alertmanager.yml loader's files
 * (config.c, config_receivers.c, config_timeintervals.c) and by the
 * watchdog's loader (watchdog/wdconfig.c, through cfg_extra); not an
 * interface for anyone else. The readers they use are schema.h's. */
#ifndef TOCSIN_CONFIG_INT_H
#define TOCSIN_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "receiver.h"
#include "schema.h"

/* Another document in the same schema (the watchdog's config): global,
 * templates and receivers are loaded as for the relay, every other top-level
 * key goes to key() (which fails with cfg_unknown for what it does not know),
 * "route" is not required, and finish() runs once everything is loaded,
 * while the nodes are still alive, to cross-check references with positions.
 * Both return 0 or -1 with ld->err set through cfg_fail. */
struct cfg_extra {
	int	(*key)(struct cfg_load *ld, const struct ynode *k,
		    const struct ynode *v, void *arg);
	int	(*finish)(struct cfg_load *ld, const struct config *cfg, void *arg);
	void	*arg;
	/* A root key whose sequence is read as a stream (ydoc_parse_defer):
	 * key() gets an empty sequence node and reads its items with
	 * ydoc_stream(ld->doc, ...). NULL: none. */
	const char *defer_key;
};

/* config_load_buffer and config_load_file_all with extra (NULL: exactly
 * them); all may be NULL. The caller frees the result with config_free. */
struct config *cfg_load_buffer_with(const char *name, const char *dir,
	    const char *yaml, size_t len, const struct cfg_extra *extra,
	    struct terr *err, struct terrs *all);
struct config *cfg_load_file_with(const char *path, const struct cfg_extra *extra,
	    struct terr *err, struct terrs *all);

/* One receivers entry (config_receivers.c); *r is zeroed by the caller and
 * cleared with receiver_clear on failure by the caller. Applies defaults and
 * global inheritance from ld->global. */
int	cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r);

/* One time_intervals (or mute_time_intervals) entry (config_timeintervals.c). */
struct time_interval *cfg_time_interval(struct cfg_load *ld, const struct ynode *n,
	    const char *what);

#endif
