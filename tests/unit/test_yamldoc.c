/* test_yamldoc.c: the positioned YAML tree: positions, nulls, aliases and
 * merge keys, and the limits that keep hostile documents cheap. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "yamldoc.h"

static struct ydoc *
parse(const char *s)
{
	struct terr	 err;
	struct ydoc	*doc;

	if ((doc = ydoc_parse(s, strlen(s), &err)) == NULL)
		fail_msg("%s", err.msg);
	return doc;
}

static void
test_positions_are_one_based(void **state)
{
	struct ydoc *doc = parse("a: 1\nb:\n  - x\n  - {c: 'd'}\n");
	const struct ynode *root = ydoc_root(doc), *b, *c;

	assert_int_equal(root->kind, YN_MAP);
	assert_int_equal(root->n, 4);
	assert_int_equal(root->child[0]->line, 1);
	assert_int_equal(root->child[0]->col, 1);
	assert_int_equal(root->child[1]->col, 4);
	b = ynode_map_get(root, "b");
	assert_int_equal(b->kind, YN_SEQ);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->col, 3);
	assert_int_equal(b->child[0]->col, 5);
	c = ynode_map_get(b->child[1], "c");
	assert_string_equal(c->value, "d");
	assert_false(c->plain);
	assert_int_equal(c->line, 4);
	assert_int_equal(c->col, 9);
	assert_null(ynode_map_get(root, "zz"));
	ydoc_free(doc);
}

static void
test_nulls_follow_yaml_1_1(void **state)
{
	struct ydoc *doc = parse("a:\nb: ~\nc: null\nd: ''\ne: NULL\nf: !!null x\ng: nil\n");
	const struct ynode *r = ydoc_root(doc);

	assert_true(ynode_is_null(ynode_map_get(r, "a")));
	assert_true(ynode_is_null(ynode_map_get(r, "b")));
	assert_true(ynode_is_null(ynode_map_get(r, "c")));
	assert_false(ynode_is_null(ynode_map_get(r, "d")));
	assert_true(ynode_is_null(ynode_map_get(r, "e")));
	assert_true(ynode_is_null(ynode_map_get(r, "f")));
	assert_false(ynode_is_null(ynode_map_get(r, "g")));
	ydoc_free(doc);
	doc = parse("");
	assert_null(ydoc_root(doc));
	ydoc_free(doc);
}

static void
test_aliases_share_and_merge_keys_merge(void **state)
{
	struct ydoc *doc = parse("base: &b {x: 1, y: 2}\nuse: *b\n"
	    "m:\n  <<: *b\n  y: 3\n  z: 4\n");
	const struct ynode *r = ydoc_root(doc), *m;

	assert_ptr_equal(ynode_map_get(r, "base"), ynode_map_get(r, "use"));
	m = ynode_map_get(r, "m");
	assert_int_equal(m->n, 6);
	assert_string_equal(ynode_map_get(m, "x")->value, "1");
	assert_string_equal(ynode_map_get(m, "y")->value, "3");
	assert_string_equal(ynode_map_get(m, "z")->value, "4");
	assert_null(ynode_map_get(m, "<<"));
	ydoc_free(doc);
}

/* A repeated key points at the first of its name in the same mapping;
 * merged keys never count as repeated, and ynode_map_get finds the first. */
static void
test_repeated_keys_point_at_the_first(void **state)
{
	struct ydoc *doc = parse("a: 1\nb: 2\na: 3\nc: {x: 1}\na: 4\n"
	    "base: &b {y: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
	const struct ynode *r = ydoc_root(doc), *base, *m;

	assert_null(r->child[0]->first);
	assert_null(r->child[2]->first);
	assert_ptr_equal(r->child[4]->first, r->child[0]);
	assert_null(r->child[6]->first);
	assert_ptr_equal(r->child[8]->first, r->child[0]);
	assert_string_equal(ynode_map_get(r, "a")->value, "1");
	base = ynode_map_get(r, "base");
	assert_ptr_equal(base->child[2]->first, base->child[0]);
	m = ynode_map_get(r, "m");
	assert_int_equal(m->n, 2);
	assert_null(m->child[0]->first);
	assert_string_equal(m->child[1]->value, "3");
	ydoc_free(doc);
}

static void
test_errors_and_limits(void **state)
{
	struct terr	 err;
	char		*deep;
	size_t		 i;
	const char	*bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";

	assert_null(ydoc_parse("a: [1, 2\n", 9, &err));
	assert_string_equal(err.msg, "2:1: did not find expected ',' or ']' "
	    "while parsing a flow sequence");
	assert_null(ydoc_parse("a: *nope\n", 9, &err));
	assert_string_equal(err.msg, "1:4: unknown anchor 'nope' referenced");
	assert_null(ydoc_parse(bomb, strlen(bomb), &err));
	/* The ninth *e of f brings the aliases past 2^20 nodes: b adds
	 * 10 * 11, c 10 * 111, d 10 * 1111, e 10 * 11111, f 111111 each. */
	assert_string_equal(err.msg, "6:32: document too large after alias expansion");
	deep = malloc(1001);
	assert_non_null(deep);
	for (i = 0; i < 1000; i++)
		deep[i] = '[';
	deep[1000] = '\0';
	assert_null(ydoc_parse(deep, 1000, &err));
	assert_string_equal(err.msg, "1:257: nesting deeper than 256 levels");
	free(deep);
}

/* A sequence "[x,x,...]" of n scalars, then, when refs > 0, a second key
 * whose sequence refers refs times to the first: "a: &a [...]\nb: [*a,...]". */
static char *
seq_doc(size_t n, size_t refs)
{
	char	*s = malloc(16 + 2 * n + 3 * refs + 8), *p;
	size_t	 i;

	assert_non_null(s);
	p = s + sprintf(s, "a: &a [");
	for (i = 0; i < n; i++)
		p += sprintf(p, i ? ",x" : "x");
	p += sprintf(p, "]\n");
	if (refs > 0) {
		p += sprintf(p, "b: [");
		for (i = 0; i < refs; i++)
			p += sprintf(p, i ? ",*a" : "*a");
		p += sprintf(p, "]\n");
	}
	return s;
}

static void
test_plain_nodes_are_not_counted_as_expansion(void **state)
{
	struct ydoc	*doc;
	struct terr	 err;
	char		*s = seq_doc(1200000, 0);

	/* 1.2 million written nodes, more than the alias budget: loads. */
	doc = ydoc_parse(s, strlen(s), &err);
	assert_non_null(doc);
	assert_int_equal(ynode_map_get(ydoc_root(doc), "a")->n, 1200000);
	ydoc_free(doc);
	free(s);
}

static void
test_alias_expansion_is_counted_per_reference(void **state)
{
	struct ydoc	*doc;
	struct terr	 err;
	char		*s;

	/* a weighs 1001 nodes (the sequence and its 1000 items): 1047
	 * references add 1,048,047 nodes, within 2^20 = 1,048,576. */
	s = seq_doc(1000, 1047);
	doc = ydoc_parse(s, strlen(s), &err);
	assert_non_null(doc);
	assert_int_equal(ynode_map_get(ydoc_root(doc), "b")->n, 1047);
	ydoc_free(doc);
	free(s);
	/* One more adds 1,049,048: refused at that reference, the 1048th
	 * (column 5 + 3 * 1047). */
	s = seq_doc(1000, 1048);
	assert_null(ydoc_parse(s, strlen(s), &err));
	assert_string_equal(err.msg, "2:3146: document too large after alias expansion");
	free(s);
}

/* What ydoc_stream hands over, item by item, as one line each: the
 * item's position, then its scalar, or its keys and values (an alias
 * shows its target's value). */
struct seen {
	char	 text[1024];
	size_t	 len;
	int	 stop_at;	/* return -1 at this index; -1: never */
};

static void
say(struct seen *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	s->len += (size_t)vsnprintf(s->text + s->len, sizeof(s->text) - s->len,
	    fmt, ap);
	va_end(ap);
}

static int
see(void *arg, const struct ynode *item, size_t i)
{
	struct seen	*s = arg;
	size_t		 k;

	if ((int)i == s->stop_at)
		return -1;
	say(s, "%zu@%d:%d", i, item->line, item->col);
	if (item->kind == YN_SCALAR)
		say(s, " %s", item->value);
	else
		for (k = 0; k < item->n; k++)
			say(s, " %s", item->child[k]->kind == YN_SCALAR ?
			    item->child[k]->value : "[..]");
	say(s, "\n");
	return 0;
}

static int
see_nothing(void *arg, const struct ynode *item, size_t i)
{
	return 0;
}

static struct ydoc *
parse_defer(const char *t, const char *key)
{
	struct terr	 err;
	struct ydoc	*doc;

	if ((doc = ydoc_parse_defer(t, strlen(t), key, &err)) == NULL)
		fail_msg("%s", err.msg);
	return doc;
}

static void
test_deferred_sequence_is_streamed_item_by_item(void **state)
{
	static const char t[] =
	    "base: &b {kind: ping}\n"
	    "checks:\n"
	    "  - {name: a, <<: *b}\n"
	    "  - &two {name: b}\n"
	    "  - *two\n"
	    "  - plain\n"
	    "  - [x, y]\n"
	    "after: 1\n";
	struct ydoc		*doc = parse_defer(t, "checks");
	const struct ynode	*root = ydoc_root(doc), *seq = ynode_map_get(root, "checks");
	struct seen		 s = { .stop_at = -1 };
	struct terr		 err;

	/* The first pass keeps the rest of the document and an empty
	 * sequence where the list was. */
	assert_int_equal(root->n, 6);
	assert_int_equal(seq->kind, YN_SEQ);
	assert_int_equal(seq->n, 0);
	assert_int_equal(seq->line, 3);
	assert_int_equal(seq->col, 3);
	assert_string_equal(ynode_map_get(root, "after")->value, "1");
	assert_int_equal(ydoc_deferred_items(doc, seq), 5);
	assert_int_equal(ydoc_deferred_items(doc, root), SIZE_MAX);
	/* Merge keys from before the list, anchors of an earlier item. */
	assert_int_equal(ydoc_stream(doc, seq, see, &s, &err), 0);
	assert_string_equal(s.text,
	    "0@3:5 name a kind ping\n"
	    "1@4:5 name b\n"
	    "2@4:5 name b\n"
	    "3@6:5 plain\n"
	    "4@7:5 x y\n");
	/* Twice, the same. */
	s = (struct seen){ .stop_at = -1 };
	assert_int_equal(ydoc_stream(doc, seq, see, &s, &err), 0);
	assert_string_equal(s.text,
	    "0@3:5 name a kind ping\n"
	    "1@4:5 name b\n"
	    "2@4:5 name b\n"
	    "3@6:5 plain\n"
	    "4@7:5 x y\n");
	/* The caller stops it: -1, err left alone. */
	s = (struct seen){ .stop_at = 1 };
	snprintf(err.msg, sizeof(err.msg), "untouched");
	assert_int_equal(ydoc_stream(doc, seq, see, &s, &err), -1);
	assert_string_equal(s.text, "0@3:5 name a kind ping\n");
	assert_string_equal(err.msg, "untouched");
	ydoc_free(doc);
}

static void
test_deferral_falls_back_to_the_whole_tree(void **state)
{
	struct ydoc		*doc;
	const struct ynode	*seq;

	/* An alias after the list to an anchor inside it. */
	doc = parse_defer("checks:\n  - &a x\nlater: *a\n", "checks");
	seq = ynode_map_get(ydoc_root(doc), "checks");
	assert_int_equal(ydoc_deferred_items(doc, seq), SIZE_MAX);
	assert_int_equal(seq->n, 1);
	assert_string_equal(ynode_map_get(ydoc_root(doc), "later")->value, "x");
	ydoc_free(doc);
	/* A list with an anchor of its own. */
	doc = parse_defer("checks: &all [1, 2]\nagain: *all\n", "checks");
	seq = ynode_map_get(ydoc_root(doc), "checks");
	assert_int_equal(ydoc_deferred_items(doc, seq), SIZE_MAX);
	assert_int_equal(ynode_map_get(ydoc_root(doc), "again")->n, 2);
	ydoc_free(doc);
	/* Only the root mapping's key: a nested one is built. */
	doc = parse_defer("x:\n  checks: [1]\nchecks: []\n", "checks");
	seq = ynode_map_get(ynode_map_get(ydoc_root(doc), "x"), "checks");
	assert_int_equal(ydoc_deferred_items(doc, seq), SIZE_MAX);
	assert_int_equal(seq->n, 1);
	assert_int_equal(ydoc_deferred_items(doc,
	    ynode_map_get(ydoc_root(doc), "checks")), 0);
	ydoc_free(doc);
}

static void
test_streamed_items_share_the_alias_budget(void **state)
{
	struct ydoc		*doc;
	struct terr		 err;
	char			*t, *p;
	size_t			 i;

	/* a weighs 1001 nodes; 1048 references in items add 1,049,048,
	 * over 2^20: refused at the 1048th item (line 1049 + 3). */
	t = seq_doc(1000, 0);
	assert_non_null(t = realloc(t, strlen(t) + 20 + 1048 * 8));
	p = t + strlen(t);
	p += sprintf(p, "checks:\n");
	for (i = 0; i < 1048; i++)
		p += sprintf(p, "  - *a\n");
	doc = parse_defer(t, "checks");
	assert_int_equal(ydoc_stream(doc, ynode_map_get(ydoc_root(doc), "checks"),
	    see_nothing, NULL, &err), -1);
	assert_string_equal(err.msg, "1050:5: document too large after alias expansion");
	ydoc_free(doc);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_are_one_based),
		cmocka_unit_test(test_nulls_follow_yaml_1_1),
		cmocka_unit_test(test_aliases_share_and_merge_keys_merge),
		cmocka_unit_test(test_repeated_keys_point_at_the_first),
		cmocka_unit_test(test_errors_and_limits),
		cmocka_unit_test(test_plain_nodes_are_not_counted_as_expansion),
		cmocka_unit_test(test_alias_expansion_is_counted_per_reference),
		cmocka_unit_test(test_deferred_sequence_is_streamed_item_by_item),
		cmocka_unit_test(test_deferral_falls_back_to_the_whole_tree),
		cmocka_unit_test(test_streamed_items_share_the_alias_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
