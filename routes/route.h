/* route.h: Alertmanager's routing tree.
 *
 * A tree is built once from config and is immutable afterwards; matching an
 * alert's labels walks it depth first exactly like Alertmanager's
 * dispatch.Route.Match: a node matches when its matchers do; a matching node
 * returns its deepest matching children (or itself if none match); siblings
 * after a match are tried only when the matching child has `continue`. */
#ifndef TOCSIN_ROUTE_H
#define TOCSIN_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "alert.h"
#include "err.h"
#include "matcher.h"

struct route;	/* opaque */

/* Builder. route_new() makes a root; route_add_child() appends a child that
 * the parent owns. route_free() on the root frees the whole tree. */
struct route *route_new(void);
struct route *route_add_child(struct route *parent);
void	route_free(struct route *root);
/* An empty or NULL receiver inherits the parent's. */
int	route_set_receiver(struct route *r, const char *receiver) WARN_UNUSED;
void	route_set_continue(struct route *r, bool cont);
/* Takes ownership of the matchers (ms is left empty). */
int	route_add_matchers(struct route *r, struct matchers *ms) WARN_UNUSED;
/* One of the route's labels (Alertmanager 0.34's route `labels`; a value
 * may be a template). Copies both; replaces a value set before. */
int	route_set_label(struct route *r, const char *name, const char *value) WARN_UNUSED;
/* Names of time_intervals; resolved by the caller against its config. */
int	route_add_mute_interval(struct route *r, const char *name) WARN_UNUSED;
int	route_add_active_interval(struct route *r, const char *name) WARN_UNUSED;

/* Matches labels against the tree. Fills out[0..] with the matching routes in
 * Alertmanager's order, at most max of them, and returns how many matched
 * (which may exceed max; the caller then retries with a larger array). */
size_t	route_match(const struct route *root, const struct kv *labels,
	    const struct route **out, size_t max);

/* The effective receiver (own or inherited). */
const char *route_receiver(const struct route *r);
bool	route_continue(const struct route *r);
/* Adds the route's labels to out as Alertmanager merges them: the parents'
 * from the root down, each route's own replacing what it inherits. -1 when
 * memory runs out. */
int	route_labels(const struct route *r, struct kv *out) WARN_UNUSED;
/* The route's own matchers (match, match_re and matchers together), sorted
 * as Alertmanager sorts them. */
const struct matchers *route_matchers(const struct route *r);
size_t	route_mute_intervals(const struct route *r, const char *const **names);
size_t	route_active_intervals(const struct route *r, const char *const **names);

/* Prints like `amtool config routes`: "Routing tree:\n.\n└── default-route ..."
 * followed by an empty line. Returns -1 when writing fails. */
int	route_print_tree(const struct route *root, FILE *out);
/* Prints like `amtool config routes test --tree`: "Matching routes:\n.\n",
 * only the matching paths (the receiver shown on the final nodes), then two
 * empty lines. Like amtool, the root's own matchers are not checked here. */
int	route_print_matching_tree(const struct route *root, const struct kv *labels, FILE *out);

#endif
