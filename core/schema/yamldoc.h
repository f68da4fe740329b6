/* yamldoc.h: a YAML document as a tree of nodes with 1-based line/column
 * positions, built with libyaml, so that config validation can point at the
 * offending node.
 *
 * Only the first document of a stream is read (like Go's yaml.Unmarshal).
 * Aliases point at their anchored node (shared, not copied); a document whose
 * aliases would add more than a fixed number of nodes to a full walk (each
 * reference counting its target's expanded subtree) is rejected, so a
 * "billion laughs" file cannot make a tree walk explode. Nodes written out
 * are not counted: a large plain document (100,000 watchdog checks) loads. */
#ifndef TOCSIN_YAMLDOC_H
#define TOCSIN_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum ynode_kind {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
};

struct ynode {
	enum ynode_kind	 kind;
	int		 line;		/* 1-based */
	int		 col;		/* 1-based */
	bool		 plain;		/* YN_SCALAR: unquoted, so subject to null/bool/int resolution */
	char		*tag;		/* explicit tag ("!!str") or NULL */
	/* YN_SCALAR */
	char		*value;		/* NUL-terminated; may contain NULs up to len */
	size_t		 len;
	/* A mapping's scalar key: the earlier key of the same name in that
	 * mapping (Go's decoder keeps the first and reports the repetition),
	 * else NULL. */
	const struct ynode *first;
	/* YN_SEQ: items child[0..n); YN_MAP: key child[2i], value child[2i+1] */
	struct ynode	**child;
	size_t		 n;
	size_t		 weight;	/* nodes in the expanded subtree (internal) */
};

struct ydoc;

/* Parses text. On error returns NULL with err set to "LINE:COL: message"
 * (without a file name; the caller prefixes it). Caller frees with ydoc_free. */
struct ydoc *ydoc_parse(const char *text, size_t len, struct terr *err);
void	ydoc_free(struct ydoc *doc);
/*
 * ydoc_parse, but the sequence that is the value of key in the root mapping
 * is not built: its node is an empty sequence, and ydoc_stream reads its
 * items one at a time. For a config whose one list may be very long (the
 * watchdog's checks), so that the whole list never exists as nodes at once.
 * text must stay unchanged until ydoc_free. Not deferred when the sequence
 * has an anchor of its own, or when an alias after it refers to an anchor
 * inside it (the whole tree is built then).
 */
struct ydoc *ydoc_parse_defer(const char *text, size_t len, const char *key,
	    struct terr *err);
/* How many items the deferred sequence seq has; SIZE_MAX when seq is not
 * doc's deferred sequence (a whole-tree node: read its children). */
size_t	ydoc_deferred_items(const struct ydoc *doc, const struct ynode *seq);
/* Calls fn(arg, item, i) for each item of the deferred sequence seq, in
 * order. An item and its nodes are valid only during its call (but for
 * those it shares through anchors). fn returning -1 stops the stream:
 * ydoc_stream returns -1 and leaves err alone, fn having said why. Other
 * failures (memory, an alias to an unknown anchor) return -1 with err set
 * to "LINE:COL: message". Alias expansion counts against the document's
 * limit across all items. */
typedef int (*ydoc_item_fn)(void *arg, const struct ynode *item, size_t i);
int	ydoc_stream(struct ydoc *doc, const struct ynode *seq, ydoc_item_fn fn,
	    void *arg, struct terr *err);
/* The root node, or NULL for an empty document. Owned by doc. */
const struct ynode *ydoc_root(const struct ydoc *doc);

/* YAML 1.1 null: a plain "", "~", "null", "Null", "NULL" scalar (or !!null). */
bool	ynode_is_null(const struct ynode *n);
/* "scalar", "sequence" or "mapping", for messages. */
const char *ynode_kind_name(const struct ynode *n);
/* The value of key in a mapping, or NULL. */
const struct ynode *ynode_map_get(const struct ynode *map, const char *key);

#endif
