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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
