/* yamldoc.c: builds a positioned node tree from libyaml's event stream.
 *
 * The tree is built with an explicit stack rather than recursion so that a
 * deeply nested hostile document fails with an error instead of overflowing
 * the C stack.
 *
 * A deferred sequence (ydoc_parse_defer) is skipped by the first pass and
 * read again, item by item, by ydoc_stream: a second parser runs over the
 * same text up to the sequence, and each item is built into a small document
 * of its own that is freed once the caller has taken what it needs, so that
 * 100,000 watchdog checks never exist as a tree all at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "yamldoc.h"

#define YDOC_MAX_DEPTH	256
/* Nodes that aliases may add to a full walk (each reference counts its
 * target's expanded subtree). The nodes written out are not counted: their
 * number is bounded by the document's size, whereas a few lines of aliases
 * can stand for billions of nodes. */
#define YDOC_MAX_EXPANSION	((size_t)1 << 20)

struct anchor {
	char		*name;
	struct ynode	*node;
};

/* Nodes and short scalar values are carved from blocks rather than
 * malloc'ed one by one: a config of 100,000 checks has over a million
 * nodes, and a malloc'ed node and its value cost about twice their size. */
#define YDOC_BLOCK_NODES	1024
#define YDOC_BLOCK_BYTES	((size_t)64 << 10)

struct node_block {
	struct node_block	*next;
	size_t			 used;
	struct ynode		 v[YDOC_BLOCK_NODES];
};

struct text_block {
	struct text_block	*next;
	size_t			 used, size;
	char			 v[];
};

struct ydoc {
	struct ynode	 *root;
	struct node_block *nodes;	/* newest first */
	struct text_block *texts;	/* newest first */
	struct anchor	 *anchors;
	size_t		  nanchors, aanchors;
	size_t		  expanded;	/* nodes added by aliases so far */
	/* The deferred sequence (at most one): its node, where its start
	 * event is in the text (borrowed until ydoc_free), its items, the
	 * anchors defined before it, and the item documents kept because
	 * they define anchors (later items may refer to them). */
	const char	 *text;
	size_t		  len;
	struct ynode	 *deferred;
	size_t		  defer_index, defer_items, defer_anchors;
	struct ydoc	 *kept;		/* newest first, by outer */
	struct ydoc	 *outer;	/* an item's: the document it is part of */
};

/* Per open collection while parsing. */
struct frame {
	struct ynode	*node;
	char		*anchor;	/* registered when the collection closes */
	size_t		 achild;
	size_t		 weight;
};

struct builder {
	struct ydoc	*doc;
	struct frame	 stack[YDOC_MAX_DEPTH];
	size_t		 depth;
	size_t		*expanded;	/* the whole document's count */
	/* ydoc_parse_defer: the root mapping's key whose sequence value is
	 * skipped (NULL: none), and while skipping it, the depth inside it. */
	const char	*defer_key;
	size_t		 skip;
	bool		 unknown_anchor;	/* an alias failed: parse again whole */
};

static int
push_ptr(void **v, size_t *n, size_t *alloc, size_t elem, const void *item)
{
	void	*nv;
	size_t	 na;

	if (*n == *alloc) {
		na = *alloc ? *alloc * 2 : 16;
		if ((nv = reallocarray(*v, na, elem)) == NULL)
			return -1;
		*v = nv;
		*alloc = na;
	}
	memcpy((char *)*v + *n * elem, item, elem);
	(*n)++;
	return 0;
}

/* len bytes from the newest text block (a long value gets a block of its
 * own, so the blocks' tails stay small). NULL when memory runs out. */
static char *
text_new(struct ydoc *doc, size_t len)
{
	struct text_block	*t = doc->texts;
	size_t			 size;

	if (t == NULL || t->size - t->used < len) {
		size = len > YDOC_BLOCK_BYTES / 4 ? len : YDOC_BLOCK_BYTES;
		if ((t = malloc(sizeof(*t) + size)) == NULL)
			return NULL;
		t->used = 0;
		t->size = size;
		if (len > YDOC_BLOCK_BYTES / 4 && doc->texts != NULL) {
			/* Behind the current block, which keeps filling. */
			t->next = doc->texts->next;
			doc->texts->next = t;
		} else {
			t->next = doc->texts;
			doc->texts = t;
		}
	}
	t->used += len;
	return t->v + t->used - len;
}

static struct ynode *
node_new(struct builder *b, enum ynode_kind kind, const yaml_mark_t *mark,
    const char *tag)
{
	struct ydoc		*doc = b->doc;
	struct node_block	*nb = doc->nodes;
	struct ynode		*n;

	if (nb == NULL || nb->used == YDOC_BLOCK_NODES) {
		if ((nb = malloc(sizeof(*nb))) == NULL)
			return NULL;
		nb->used = 0;
		nb->next = doc->nodes;
		doc->nodes = nb;
	}
	n = &nb->v[nb->used];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (int)mark->line + 1;
	n->col = (int)mark->column + 1;
	if (tag != NULL && strcmp(tag, "!") != 0 && (n->tag = strdup(tag)) == NULL)
		return NULL;
	nb->used++;
	n->weight = 1;
	return n;
}

static int
add_anchor(struct ydoc *doc, const char *name, struct ynode *node)
{
	struct anchor	 a;

	if ((a.name = strdup(name)) == NULL)
		return -1;
	a.node = node;
	if (push_ptr((void **)&doc->anchors, &doc->nanchors, &doc->aanchors,
	    sizeof(a), &a) == -1) {
		free(a.name);
		return -1;
	}
	return 0;
}

static struct ynode *
find_in(const struct ydoc *doc, size_t n, const char *name)
{
	size_t	 i;

	/* Latest definition wins, as YAML redefinition allows. */
	for (i = n; i-- > 0;)
		if (strcmp(doc->anchors[i].name, name) == 0)
			return doc->anchors[i].node;
	return NULL;
}

/* For an item of a deferred sequence: its own anchors, then those of the
 * items kept before it, then the document's defined before the sequence. */
static struct ynode *
find_anchor(struct ydoc *doc, const char *name)
{
	const struct ydoc	*k;
	struct ynode		*n;

	if ((n = find_in(doc, doc->nanchors, name)) != NULL || doc->outer == NULL)
		return n;
	for (k = doc->outer->kept; k != NULL; k = k->kept)
		if ((n = find_in(k, k->nanchors, name)) != NULL)
			return n;
	return find_in(doc->outer, doc->outer->defer_anchors, name);
}

/* Attaches a finished node to the open collection (or makes it the root). */
static int
attach(struct builder *b, struct ynode *n, size_t weight, const yaml_mark_t *m,
    struct terr *err)
{
	struct frame	*f;
	struct ynode	**nc;
	size_t		 na;

	if (b->depth == 0) {
		if (b->doc->root == NULL)
			b->doc->root = n;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->n == f->achild) {
		na = f->achild ? f->achild * 2 : 8;
		if ((nc = reallocarray(f->node->child, na, sizeof(*nc))) == NULL)
			return terr_set(err, "%zu:%zu: out of memory",
			    m->line + 1, m->column + 1);
		f->node->child = nc;
		f->achild = na;
	}
	f->node->child[f->node->n++] = n;
	f->weight += weight;
	return 0;
}

static bool
is_merge_key(const struct ynode *k)
{
	if (k->kind != YN_SCALAR || strcmp(k->value, "<<") != 0)
		return false;
	return k->tag == NULL ? k->plain :
	    strcmp(k->tag, "tag:yaml.org,2002:merge") == 0;
}

static bool
has_key(struct ynode **child, size_t n, const struct ynode *k)
{
	size_t	 i;

	if (k->kind != YN_SCALAR)
		return false;
	for (i = 0; i < n; i += 2)
		if (child[i]->kind == YN_SCALAR && strcmp(child[i]->value, k->value) == 0)
			return true;
	return false;
}

static int
merge_from(struct ynode ***out, size_t *nout, const struct ynode *src)
{
	size_t	 i;

	for (i = 0; i + 1 < src->n; i += 2) {
		if (has_key(*out, *nout, src->child[i]))
			continue;
		(*out)[(*nout)++] = src->child[i];
		(*out)[(*nout)++] = src->child[i + 1];
	}
	return 0;
}

/* Applies YAML merge keys ("<<: *base", "<<: [*a, *b]") the way Go's
 * yaml.v2 does: the mapping's own keys win, then earlier merged maps. */
static int
apply_merges(struct ynode *map, const yaml_mark_t *m, struct terr *err)
{
	struct ynode	**out;
	size_t		  i, j, cap = 0, nout = 0;
	bool		  any = false;

	for (i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *v = map->child[i + 1];

		if (!is_merge_key(map->child[i])) {
			cap += 2;
			continue;
		}
		any = true;
		if (v->kind == YN_MAP)
			cap += v->n;
		else if (v->kind == YN_SEQ) {
			for (j = 0; j < v->n; j++) {
				if (v->child[j]->kind != YN_MAP)
					return terr_set(err, "%d:%d: map merge requires map or "
					    "sequence of maps as the value", v->line, v->col);
				cap += v->child[j]->n;
			}
		} else
			return terr_set(err, "%d:%d: map merge requires map or sequence "
			    "of maps as the value", v->line, v->col);
	}
	if (!any)
		return 0;
	if ((out = calloc(cap + 1, sizeof(*out))) == NULL)
		return terr_set(err, "%zu:%zu: out of memory", m->line + 1,
		    m->column + 1);
	for (i = 0; i + 1 < map->n; i += 2)
		if (!is_merge_key(map->child[i])) {
			out[nout++] = map->child[i];
			out[nout++] = map->child[i + 1];
		}
	for (i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *v = map->child[i + 1];

		if (!is_merge_key(map->child[i]))
			continue;
		if (v->kind == YN_MAP)
			merge_from(&out, &nout, v);
		else
			for (j = 0; j < v->n; j++)
				merge_from(&out, &nout, v->child[j]);
	}
	free(map->child);
	map->child = out;
	map->n = nout;
	map->weight = 1;
	for (i = 0; i < nout; i++)
		map->weight += out[i]->weight;
	return 0;
}

struct keyref {
	struct ynode	*key;
	size_t		 idx;
};

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int	 c = strcmp(x->key->value, y->key->value);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Points each repeated scalar key of map at its first occurrence. Sorting
 * keeps a huge mapping from costing n^2 comparisons. Merged keys never
 * repeat (apply_merges skips them), so a marked key belongs to map alone. */
static int
mark_repeats(struct ynode *map)
{
	struct keyref	*refs;
	size_t		 i, nk = 0;

	if (map->n < 4)
		return 0;
	if ((refs = calloc(map->n / 2, sizeof(*refs))) == NULL)
		return -1;
	for (i = 0; i + 1 < map->n; i += 2)
		if (map->child[i]->kind == YN_SCALAR) {
			refs[nk].key = map->child[i];
			refs[nk].idx = i;
			nk++;
		}
	qsort(refs, nk, sizeof(*refs), keyref_cmp);
	for (i = 1; i < nk; i++)
		if (strcmp(refs[i].key->value, refs[i - 1].key->value) == 0)
			refs[i].key->first = refs[i - 1].key->first != NULL ?
			    refs[i - 1].key->first : refs[i - 1].key;
	free(refs);
	return 0;
}

/* Whether this sequence is the deferred one: the value of defer_key in the
 * root mapping, without an anchor of its own (an alias of it needs the
 * tree). */
static bool
defer_here(const struct builder *b, const yaml_event_t *ev)
{
	const struct ynode *map;

	if (b->defer_key == NULL || b->depth != 1 || b->doc->deferred != NULL ||
	    ev->data.sequence_start.anchor != NULL)
		return false;
	map = b->stack[0].node;
	return map->kind == YN_MAP && map->n % 2 == 1 &&
	    map->child[map->n - 1]->kind == YN_SCALAR &&
	    strcmp(map->child[map->n - 1]->value, b->defer_key) == 0;
}

static int
start_skip(struct builder *b, const yaml_mark_t *m)
{
	struct ynode	*n;

	if ((n = node_new(b, YN_SEQ, m, NULL)) == NULL)
		return -1;
	b->doc->deferred = n;
	b->doc->defer_index = m->index;
	b->doc->defer_anchors = b->doc->nanchors;
	b->skip = 1;
	return 0;
}

/* Inside the deferred sequence: counts its items and finds its end, where
 * its (empty) node joins the root mapping. */
static int
skip_event(struct builder *b, const yaml_event_t *ev, const yaml_mark_t *m,
    struct terr *err)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->skip == 1)
			b->doc->defer_items++;
		if (++b->skip > YDOC_MAX_DEPTH)
			return terr_set(err, "%zu:%zu: nesting deeper than %d levels",
			    m->line + 1, m->column + 1, YDOC_MAX_DEPTH);
		return 0;
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if (b->skip == 1)
			b->doc->defer_items++;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (--b->skip == 0)
			return attach(b, b->doc->deferred, 1, m, err);
		return 0;
	default:
		return 0;
	}
}

static int
on_event(struct builder *b, yaml_event_t *ev, int *done, struct terr *err)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode	*n;
	struct frame	*f;
	size_t		 w;
	const char	*anchor = NULL, *tag = NULL;

	if (b->skip > 0)
		return skip_event(b, ev, m, err);
	if (ev->type == YAML_SEQUENCE_START_EVENT && defer_here(b, ev))
		return start_skip(b, m);
	switch (ev->type) {
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		*done = 1;
		return 0;
	case YAML_ALIAS_EVENT:
		n = find_anchor(b->doc, (const char *)ev->data.alias.anchor);
		if (n == NULL) {
			b->unknown_anchor = true;
			return terr_set(err, "%zu:%zu: unknown anchor '%s' referenced",
			    m->line + 1, m->column + 1, ev->data.alias.anchor);
		}
		/* A walk visits the target's expanded subtree once more per
		 * reference: the sum over references is what a bomb inflates. */
		*b->expanded += n->weight;
		if (*b->expanded > YDOC_MAX_EXPANSION)
			return terr_set(err, "%zu:%zu: document too large after alias expansion",
			    m->line + 1, m->column + 1);
		return attach(b, n, n->weight, m, err);
	case YAML_SCALAR_EVENT:
		anchor = (const char *)ev->data.scalar.anchor;
		tag = (const char *)ev->data.scalar.tag;
		if ((n = node_new(b, YN_SCALAR, m, tag)) == NULL)
			goto oom;
		if ((n->value = text_new(b->doc, ev->data.scalar.length + 1)) == NULL)
			goto oom;
		memcpy(n->value, ev->data.scalar.value, ev->data.scalar.length);
		n->value[ev->data.scalar.length] = '\0';
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (anchor != NULL && add_anchor(b->doc, anchor, n) == -1)
			goto oom;
		return attach(b, n, 1, m, err);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth == YDOC_MAX_DEPTH)
			return terr_set(err, "%zu:%zu: nesting deeper than %d levels",
			    m->line + 1, m->column + 1, YDOC_MAX_DEPTH);
		if (ev->type == YAML_SEQUENCE_START_EVENT) {
			anchor = (const char *)ev->data.sequence_start.anchor;
			tag = (const char *)ev->data.sequence_start.tag;
			n = node_new(b, YN_SEQ, m, tag);
		} else {
			anchor = (const char *)ev->data.mapping_start.anchor;
			tag = (const char *)ev->data.mapping_start.tag;
			n = node_new(b, YN_MAP, m, tag);
		}
		if (n == NULL)
			goto oom;
		f = &b->stack[b->depth++];
		memset(f, 0, sizeof(*f));
		f->node = n;
		f->weight = 1;
		if (anchor != NULL && (f->anchor = strdup(anchor)) == NULL)
			goto oom;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f = &b->stack[--b->depth];
		n = f->node;
		w = f->weight;
		/* Doubling left up to half the array unused: give it back. */
		if (n->n > 0 && n->n < f->achild) {
			struct ynode **nc = reallocarray(n->child, n->n, sizeof(*nc));

			if (nc != NULL)
				n->child = nc;
		}
		if (n->kind == YN_MAP) {
			if (apply_merges(n, m, err) == -1) {
				free(f->anchor);
				f->anchor = NULL;
				return -1;
			}
			if (n->weight > 1)
				w = n->weight;
			if (mark_repeats(n) == -1) {
				free(f->anchor);
				f->anchor = NULL;
				goto oom;
			}
		}
		n->weight = w;
		/* Registered only now, so an alias cannot point into its own
		 * unfinished anchor and make the tree cyclic. */
		if (f->anchor != NULL) {
			int r = add_anchor(b->doc, f->anchor, n);

			free(f->anchor);
			f->anchor = NULL;
			if (r == -1)
				goto oom;
		}
		return attach(b, n, w, m, err);
	default:
		return 0;
	}
oom:
	return terr_set(err, "%zu:%zu: out of memory", m->line + 1, m->column + 1);
}

/* One libyaml parser error as "LINE:COL: problem context". */
static int
parser_error(const yaml_parser_t *parser, struct terr *err)
{
	const yaml_mark_t *pm = parser->problem_mark.line ||
	    parser->problem_mark.column ? &parser->problem_mark :
	    &parser->context_mark;

	return terr_set(err, "%zu:%zu: %s%s%s", pm->line + 1, pm->column + 1,
	    parser->problem ? parser->problem : "invalid YAML",
	    parser->context ? " " : "", parser->context ? parser->context : "");
}

static struct ydoc *
parse_with(const char *text, size_t len, const char *defer_key,
    bool *unknown_anchor, struct terr *err)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	struct builder	 b;
	int		 done = 0, ok = 0;

	memset(&b, 0, sizeof(b));
	b.defer_key = defer_key;
	if ((b.doc = calloc(1, sizeof(*b.doc))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	b.expanded = &b.doc->expanded;
	b.doc->text = text;
	b.doc->len = len;
	if (!yaml_parser_initialize(&parser)) {
		terr_set(err, "out of memory");
		free(b.doc);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&parser, err);
			goto out;
		}
		if (on_event(&b, &ev, &done, err) == -1) {
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
	}
	ok = 1;
out:
	*unknown_anchor = b.unknown_anchor;
	while (b.depth > 0)
		free(b.stack[--b.depth].anchor);
	yaml_parser_delete(&parser);
	if (!ok) {
		ydoc_free(b.doc);
		return NULL;
	}
	return b.doc;
}

struct ydoc *
ydoc_parse(const char *text, size_t len, struct terr *err)
{
	bool	 unknown;

	return parse_with(text, len, NULL, &unknown, err);
}

struct ydoc *
ydoc_parse_defer(const char *text, size_t len, const char *key, struct terr *err)
{
	struct ydoc	*doc;
	bool		 unknown;

	if ((doc = parse_with(text, len, key, &unknown, err)) != NULL || !unknown)
		return doc;
	/* An alias after the sequence to an anchor inside it: only the
	 * whole tree has it. */
	return parse_with(text, len, NULL, &unknown, err);
}

size_t
ydoc_deferred_items(const struct ydoc *doc, const struct ynode *seq)
{
	return doc != NULL && seq != NULL && seq == doc->deferred ?
	    doc->defer_items : SIZE_MAX;
}

/* An item document's builder for the next item. */
static int
item_doc(struct builder *b, struct ydoc *outer)
{
	b->depth = 0;
	if ((b->doc = calloc(1, sizeof(*b->doc))) == NULL)
		return -1;
	b->doc->outer = outer;
	return 0;
}

/* Empties an item document that defined no anchors for the next item,
 * keeping its newest blocks: a fresh block per item would cost 100,000
 * allocations of 64 kB and their page faults. */
static void
item_reset(struct ydoc *d)
{
	struct node_block	*nb;
	struct text_block	*t;
	size_t			 i;

	for (nb = d->nodes; nb != NULL; nb = nb->next)
		for (i = 0; i < nb->used; i++) {
			free(nb->v[i].tag);
			free(nb->v[i].child);
		}
	if ((nb = d->nodes) != NULL) {
		while (nb->next != NULL) {
			struct node_block *old = nb->next;

			nb->next = old->next;
			free(old);
		}
		nb->used = 0;
	}
	if ((t = d->texts) != NULL) {
		while (t->next != NULL) {
			struct text_block *old = t->next;

			t->next = old->next;
			free(old);
		}
		t->used = 0;
	}
	d->root = NULL;
}

int
ydoc_stream(struct ydoc *doc, const struct ynode *seq, ydoc_item_fn fn,
    void *arg, struct terr *err)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	struct builder	 b;
	struct ynode	*item;
	size_t		 i = 0;
	int		 done = 0, rc = -1, started = 0;

	if (ydoc_deferred_items(doc, seq) == SIZE_MAX)
		return terr_set(err, "not a deferred sequence");
	memset(&b, 0, sizeof(b));
	b.expanded = &doc->expanded;
	if (!yaml_parser_initialize(&parser))
		return terr_set(err, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc->text,
	    doc->len);
	if (item_doc(&b, doc) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&parser, err);
			goto out;
		}
		if (!started) {
			/* The text up to the sequence was read already. */
			started = ev.type == YAML_SEQUENCE_START_EVENT &&
			    ev.start_mark.index == doc->defer_index;
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			continue;
		}
		if (b.depth == 0 && ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (on_event(&b, &ev, &done, err) == -1) {
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
		if (b.depth > 0 || (item = b.doc->root) == NULL)
			continue;
		if (fn(arg, item, i++) == -1)
			goto out;	/* err is fn's */
		/* Kept while later items may refer to its anchors. */
		if (b.doc->nanchors == 0) {
			item_reset(b.doc);
			continue;
		}
		b.doc->kept = doc->kept;
		doc->kept = b.doc;
		b.doc = NULL;
		if (item_doc(&b, doc) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	while (b.depth > 0)
		free(b.stack[--b.depth].anchor);
	ydoc_free(b.doc);
	yaml_parser_delete(&parser);
	return rc;
}

void
ydoc_free(struct ydoc *doc)
{
	struct node_block	*nb;
	struct text_block	*t;
	size_t			 i;

	if (doc == NULL)
		return;
	while (doc->kept != NULL) {
		struct ydoc *k = doc->kept;

		doc->kept = k->kept;
		k->kept = NULL;
		ydoc_free(k);
	}
	while ((nb = doc->nodes) != NULL) {
		for (i = 0; i < nb->used; i++) {
			free(nb->v[i].tag);
			free(nb->v[i].child);
		}
		doc->nodes = nb->next;
		free(nb);
	}
	while ((t = doc->texts) != NULL) {
		doc->texts = t->next;
		free(t);
	}
	for (i = 0; i < doc->nanchors; i++)
		free(doc->anchors[i].name);
	free(doc->anchors);
	free(doc);
}

const struct ynode *
ydoc_root(const struct ydoc *doc)
{
	return doc->root;
}

bool
ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t	 i;

	if (n == NULL)
		return true;
	if (n->kind != YN_SCALAR)
		return false;
	if (n->tag != NULL)
		return strcmp(n->tag, "tag:yaml.org,2002:null") == 0;
	if (!n->plain)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->value, nulls[i]) == 0)
			return true;
	return false;
}

const char *
ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YN_SCALAR:
		return "scalar";
	case YN_SEQ:
		return "sequence";
	default:
		return "mapping";
	}
}

const struct ynode *
ynode_map_get(const struct ynode *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->kind != YN_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (map->child[i]->kind == YN_SCALAR &&
		    strcmp(map->child[i]->value, key) == 0)
			return map->child[i + 1];
	return NULL;
}
