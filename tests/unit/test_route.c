/* test_route.c: route tree matching (dispatch.Route.Match) and the exact
 * output of amtool's two tree printers. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route.h"

/* treeprint's pieces as amtool (Debian's build) prints them. */
#define LINK	"\u2502\u00a0\u00a0 "
#define MID	"\u251c\u2500\u2500 "
#define END	"\u2514\u2500\u2500 "

static struct route *
child(struct route *parent, const char *matchers, const char *receiver,
    bool cont)
{
	struct route	*r = route_add_child(parent);
	struct matchers	 ms;
	struct terr	 err;

	assert_non_null(r);
	matchers_init(&ms);
	if (matchers != NULL) {
		assert_int_equal(matchers_parse(&ms, matchers, &err), 0);
		assert_int_equal(route_add_matchers(r, &ms), 0);
		assert_int_equal(ms.n, 0);
	}
	assert_int_equal(route_set_receiver(r, receiver), 0);
	route_set_continue(r, cont);
	return r;
}

/*
 * The tree of this config (also checked against amtool by hand):
 *
 * route:
 *   receiver: default
 *   routes:
 *     - receiver: crit
 *       matchers: ['team!~"x|y"', 'severity="critical"', 'a!="b"']
 *       continue: true
 *       routes:
 *         - match_re: {severity: 'warn.*'}
 *           receiver: ''
 *         - matchers: ['x="a\"b\\c\nd<TAB>e"']
 *           receiver: q
 *     - receiver: db
 *       match: {service: database, zz: "1"}
 *     - receiver: crit
 *       routes:
 *         - receiver: db
 *           matchers: ['{a=b, c=~"d,e"}']
 *     - matchers: ['x="ü\u0001é"']
 */
static struct route *
sample_tree(void)
{
	struct route	*root, *c1, *c3, *r;
	struct matchers	 ms;
	struct matcher	*m;
	struct terr	 err;

	root = route_new();
	assert_non_null(root);
	assert_int_equal(route_set_receiver(root, "default"), 0);
	c1 = child(root, "team!~\"x|y\"", "crit", true);
	/* Each `matchers:` entry is added on its own; the route sorts. */
	matchers_init(&ms);
	assert_int_equal(matchers_parse(&ms, "severity=\"critical\"", &err), 0);
	assert_int_equal(matchers_parse(&ms, "a!=\"b\"", &err), 0);
	assert_int_equal(route_add_matchers(c1, &ms), 0);
	r = child(c1, NULL, "", false);
	m = matcher_new_legacy_re("severity", "warn.*", &err);
	assert_non_null(m);
	assert_int_equal(matchers_add(&ms, m), 0);
	assert_int_equal(route_add_matchers(r, &ms), 0);
	child(c1, "x=\"a\\\"b\\\\c\\nd\te\"", "q", false);
	r = child(root, NULL, "db", false);
	assert_non_null(m = matcher_new(MATCH_EQ, "zz", "1", &err));
	assert_int_equal(matchers_add(&ms, m), 0);
	assert_non_null(m = matcher_new(MATCH_EQ, "service", "database", &err));
	assert_int_equal(matchers_add(&ms, m), 0);
	assert_int_equal(route_add_matchers(r, &ms), 0);
	c3 = child(root, NULL, "crit", false);
	child(c3, "{a=b, c=~\"d,e\"}", "db", false);
	child(root, "x=\"ü\\u0001é\"", NULL, false);
	return root;
}

static char *
print_to_string(const struct route *root, const struct kv *labels)
{
	char	*data = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&data, &len);

	assert_non_null(fp);
	if (labels == NULL)
		assert_int_equal(route_print_tree(root, fp), 0);
	else
		assert_int_equal(route_print_matching_tree(root, labels, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return data;
}

static void
test_route_print_tree_is_amtools(void **state)
{
	struct route	*root = sample_tree();
	char		*got = print_to_string(root, NULL);

	assert_string_equal(got,
	    "Routing tree:\n"
	    ".\n"
	    END "default-route  receiver: default\n"
	    "    " MID "{a!=\"b\",severity=\"critical\",team!~\"x|y\"}  continue: true  receiver: crit\n"
	    "    " LINK MID "{severity=~\"^(?:warn.*)$\"}  receiver: crit\n"
	    "    " LINK END "{x=\"a\\\"b\\\\c\\nd\te\"}  receiver: q\n"
	    "    " MID "{service=\"database\",zz=\"1\"}  receiver: db\n"
	    "    " MID "default-route  receiver: crit\n"
	    "    " LINK END "{a=\"b\",c=~\"d,e\"}  receiver: db\n"
	    "    " END "{x=\"ü\\\\u0001é\"}  receiver: default\n"
	    "\n");
	free(got);
	route_free(root);
}

static void
labels_set(struct kv *kv, ...)
{
	va_list		 ap;
	const char	*k, *v;

	kv_init(kv);
	va_start(ap, kv);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		assert_int_equal(kv_set(kv, k, v), 0);
	}
	va_end(ap);
}

static void
test_route_print_matching_tree_is_amtools(void **state)
{
	struct route	*root = sample_tree();
	struct kv	 labels;
	char		*got;

	labels_set(&labels, "severity", "critical", "a", "c", NULL);
	got = print_to_string(root, &labels);
	/* The continue child matched, so its sibling is tried too; only
	 * the final nodes show their receiver. */
	assert_string_equal(got,
	    "Matching routes:\n"
	    ".\n"
	    END "default-route\n"
	    "    " MID "{a!=\"b\",severity=\"critical\",team!~\"x|y\"}  receiver: crit\n"
	    "    " END "default-route  receiver: crit\n"
	    "\n\n");
	free(got);
	kv_free(&labels);

	labels_set(&labels, NULL);
	got = print_to_string(root, &labels);
	assert_string_equal(got,
	    "Matching routes:\n"
	    ".\n"
	    END "default-route\n"
	    "    " END "default-route  receiver: crit\n"
	    "\n\n");
	free(got);
	kv_free(&labels);
	route_free(root);
}

/* Receivers of route_match, comma-joined like amtool prints them. */
static void
check_match(const struct route *root, const struct kv *labels, const char *want)
{
	const struct route	*out[8];
	size_t			 n, i;
	char			 buf[256] = "";

	n = route_match(root, labels, out, 8);
	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, ",");
		strcat(buf, route_receiver(out[i]));
	}
	assert_string_equal(buf, want);
}

static void
test_route_continue_matches_later_siblings(void **state)
{
	struct route	*root = sample_tree();
	struct kv	 labels;

	labels_set(&labels, "severity", "critical", "a", "c", NULL);
	check_match(root, &labels, "crit,crit");
	kv_free(&labels);
	/* Nested: the continue child's deeper match, then the sibling. */
	labels_set(&labels, "severity", "critical", "x", "a\"b\\c\nd\te", NULL);
	check_match(root, &labels, "q,crit");
	kv_free(&labels);
	/* A child without continue stops the walk at its level. */
	labels_set(&labels, "service", "database", "zz", "1", NULL);
	check_match(root, &labels, "db");
	kv_free(&labels);
	route_free(root);
}

static void
test_route_children_only_when_parent_matches(void **state)
{
	struct route	*root = route_new(), *p;
	struct kv	 labels;

	assert_int_equal(route_set_receiver(root, "root"), 0);
	p = child(root, "team=a", "team-a", false);
	child(p, "severity=critical", "pager", false);
	child(root, "severity=critical", "crit", false);

	labels_set(&labels, "severity", "critical", NULL);
	check_match(root, &labels, "crit");
	kv_free(&labels);
	labels_set(&labels, "severity", "critical", "team", "a", NULL);
	check_match(root, &labels, "pager");
	kv_free(&labels);
	labels_set(&labels, "team", "a", NULL);
	check_match(root, &labels, "team-a");
	kv_free(&labels);
	labels_set(&labels, "team", "b", NULL);
	check_match(root, &labels, "root");
	kv_free(&labels);
	route_free(root);
}

static void
test_route_receiver_is_inherited(void **state)
{
	struct route	*root = route_new(), *a, *b, *c;
	struct kv	 labels;

	assert_int_equal(route_set_receiver(root, "root"), 0);
	a = child(root, "x=1", NULL, false);
	b = child(a, "y=1", "", false);
	c = child(b, "z=1", "deep", false);
	assert_string_equal(route_receiver(a), "root");
	assert_string_equal(route_receiver(b), "root");
	assert_string_equal(route_receiver(c), "deep");
	assert_false(route_continue(c));
	labels_set(&labels, "x", "1", "y", "1", NULL);
	check_match(root, &labels, "root");
	kv_free(&labels);
	route_free(root);
}

static void
test_route_match_reports_count_beyond_max(void **state)
{
	struct route		*root = route_new();
	const struct route	*out[2];
	struct kv		 labels;
	int			 i;
	char			 name[8];

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		child(root, NULL, name, true);
	}
	labels_set(&labels, NULL);
	assert_int_equal(route_match(root, &labels, out, 2), 5);
	assert_string_equal(route_receiver(out[0]), "r0");
	assert_string_equal(route_receiver(out[1]), "r1");
	kv_free(&labels);
	route_free(root);
}

static void
test_route_root_matchers_are_checked(void **state)
{
	struct route		*root = route_new();
	const struct route	*out[2];
	struct matchers		 ms;
	struct terr		 err;
	struct kv		 labels;

	matchers_init(&ms);
	assert_int_equal(matchers_parse(&ms, "a=1", &err), 0);
	assert_int_equal(route_add_matchers(root, &ms), 0);
	labels_set(&labels, "a", "2", NULL);
	assert_int_equal(route_match(root, &labels, out, 2), 0);
	kv_free(&labels);
	route_free(root);
}

static void
test_route_intervals_are_kept_in_order(void **state)
{
	struct route		*root = route_new();
	const char *const	*names;

	assert_int_equal(route_add_mute_interval(root, "nights"), 0);
	assert_int_equal(route_add_mute_interval(root, "weekends"), 0);
	assert_int_equal(route_add_active_interval(root, "office"), 0);
	assert_int_equal(route_mute_intervals(root, &names), 2);
	assert_string_equal(names[0], "nights");
	assert_string_equal(names[1], "weekends");
	assert_int_equal(route_active_intervals(root, &names), 1);
	assert_string_equal(names[0], "office");
	route_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_print_tree_is_amtools),
		cmocka_unit_test(test_route_print_matching_tree_is_amtools),
		cmocka_unit_test(test_route_continue_matches_later_siblings),
		cmocka_unit_test(test_route_children_only_when_parent_matches),
		cmocka_unit_test(test_route_receiver_is_inherited),
		cmocka_unit_test(test_route_match_reports_count_beyond_max),
		cmocka_unit_test(test_route_root_matchers_are_checked),
		cmocka_unit_test(test_route_intervals_are_kept_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
