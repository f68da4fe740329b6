/* test_cfgfield.c: the config loader's table engine on a table of its own:
 * the order of its phases (booleans on, the walk in file order with .allow
 * seeing what it has set so far, required fields, defaults, finish), exact
 * messages with positions, durations, lists of nested tables, validators
 * and inheritance from the global section. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfgfield.h"

struct item {
	char	*label;
};

struct toy {
	char		*name;
	char		*greeting;
	char		*from;
	char		*home;
	char		*url;
	bool		 loud;
	bool		 tls;
	int64_t		 n;
	uint64_t	 u;
	int64_t		 wait;		/* ms */
	int64_t		 every;		/* ms */
	char		**tags;
	size_t		 ntags;
	struct item	*items;
	size_t		 nitems;
	struct tls_config tlsc;
	int		 finished;	/* 1 or 2: finish() ran, loud given */
};

static int
no_x(struct cfg_load *ld, const char *field, const struct ynode *v, const char *s)
{
	if (s != NULL && strchr(s, 'x') != NULL)
		return cfg_fail(ld, v, "%s has an x", field);
	return 0;
}

/* every is for loud toys only, as far as the walk has got. */
static int
loud_only(struct cfg_load *ld, const struct ynode *k, const void *obj)
{
	const struct toy *t = obj;

	if (!t->loud)
		return cfg_fail(ld, k, "%s is for loud toys", k->value);
	return 0;
}

static const struct cf_field item_fields[] = {
	{ "label", CF_STR, CF_AT(item, label), .missing = "missing label" },
	{ .name = NULL }
};
static const struct cf_type item_type = { "item", item_fields,
    sizeof(struct item), NULL };

static const struct cf_field tls_fields[] = {
	{ "server_name", CF_STR, CF_AT(tls_config, server_name) },
	{ .name = NULL }
};
static const struct cf_type tls_type = { "tls", tls_fields, 0, NULL };

static int
toy_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct toy *t = w->obj;

	if (t->greeting == NULL)
		return cfg_fail(ld, w->n, "finish ran before the defaults");
	if (strcmp(t->name, "late") == 0)
		return cfg_fail(ld, cf_value(w, "name"), "name is late");
	t->finished = cf_given(w, "loud") != NULL ? 2 : 1;
	return cf_inherit(ld, w);
}

static const struct cf_field toy_fields[] = {
	{ "name", CF_STR, CF_AT(toy, name), .missing = "missing name in toy",
	    .check = no_x },
	{ "greeting", CF_STR, CF_AT(toy, greeting), .def = "hello" },
	{ "from", CF_STR, CF_AT(toy, from), CF_GLOBAL(smtp_from),
	    .missing = "no global from" },
	{ "home", CF_FILE, CF_AT(toy, home) },
	{ "url", CF_URL, CF_AT(toy, url), .secret = true },
	{ "loud", CF_BOOL, CF_AT(toy, loud), .on = true },
	{ "tls", CF_BOOL, CF_AT(toy, tls), CF_GLOBAL(smtp_require_tls) },
	{ "n", CF_INT, CF_AT(toy, n) },
	{ "u", CF_UINT, CF_AT(toy, u) },
	{ "wait", CF_DURATION, CF_AT(toy, wait) },
	{ "every", CF_DURATION, CF_AT(toy, every), .nonzero = true,
	    .allow = loud_only },
	{ "tags", CF_STR_LIST, CF_AT(toy, tags), CF_COUNT(toy, ntags) },
	{ "items", CF_TABLE_LIST, CF_AT(toy, items), CF_COUNT(toy, nitems),
	    .sub = &item_type },
	{ "tls_config", CF_TABLE, CF_AT(toy, tlsc), .sub = &tls_type },
	{ .name = NULL }
};
static const struct cf_type toy_type = { "toy", toy_fields, sizeof(struct toy),
    toy_finish };

static void
toy_free(struct toy *t)
{
	size_t	 i;

	free(t->name);
	free(t->greeting);
	free(t->from);
	free(t->home);
	free(t->url);
	for (i = 0; i < t->ntags; i++)
		free(t->tags[i]);
	free(t->tags);
	for (i = 0; i < t->nitems; i++)
		free(t->items[i].label);
	free(t->items);
	free(t->tlsc.server_name);
}

/* Parses yaml into t with a global section that has smtp_from gfrom and
 * smtp_require_tls; returns cf_parse's result, the message in err: the
 * error that ended the walk, else the type errors, else Config's check. */
static int
parse(const char *yaml, const char *gfrom, struct toy *t, struct terr *err)
{
	struct cfg_load	 ld;
	struct ydoc	*doc;
	int		 rc;

	memset(t, 0, sizeof(*t));
	memset(&ld, 0, sizeof(ld));
	err->msg[0] = '\0';
	ld.name = "toy.yml";
	ld.dir = "/etc/toy";
	ld.err = err;
	ld.global.smtp_from = (char *)gfrom;
	ld.global.smtp_require_tls = true;
	assert_non_null(doc = ydoc_parse(yaml, strlen(yaml), err));
	rc = cf_parse(&ld, ydoc_root(doc), &toy_type, t);
	if (!ld.fatal && ld.terrors.n > 0) {
		struct terrs sorted = { NULL, 0 };

		assert_int_equal(cfg_type_errors(&ld, &sorted), 0);
		terrs_set(err, &sorted, ld.name);
		terrs_clear(&sorted);
	} else if (!ld.fatal && ld.late.set)
		snprintf(err->msg, sizeof(err->msg), "%s", ld.late.msg);
	terrs_clear(&ld.terrors);
	free(ld.tpos);
	ydoc_free(doc);
	return rc;
}

static void
assert_parse_error(const char *yaml, const char *gfrom, const char *want)
{
	struct toy	 t;
	struct terr	 err;

	assert_int_equal(parse(yaml, gfrom, &t, &err), -1);
	assert_string_equal(err.msg, want);
	toy_free(&t);
}

static void
test_cfgfield_fills_every_kind(void **state)
{
	struct toy	 t;
	struct terr	 err;

	(void)state;
	if (parse("name: a\nhome: ../h\nurl: https://h/\nn: -3\nu: 0x10\n"
	    "wait: 1m30s\nevery: 500ms\ntags: [x, y]\nitems: [{label: one}, {label: two}]\n"
	    "tls_config: {server_name: s}\nfrom: own\n", "g", &t, &err) == -1)
		fail_msg("%s", err.msg);
	assert_string_equal(t.name, "a");
	assert_string_equal(t.greeting, "hello");
	assert_string_equal(t.from, "own");
	assert_string_equal(t.home, "/etc/h");
	assert_string_equal(t.url, "https://h/");
	assert_true(t.loud);
	assert_true(t.tls);
	assert_int_equal(t.n, -3);
	assert_int_equal(t.u, 16);
	assert_int_equal(t.wait, 90000);
	assert_int_equal(t.every, 500);
	assert_int_equal(t.ntags, 2);
	assert_string_equal(t.tags[1], "y");
	assert_int_equal(t.nitems, 2);
	assert_string_equal(t.items[1].label, "two");
	assert_string_equal(t.tlsc.server_name, "s");
	assert_int_equal(t.finished, 1);
	toy_free(&t);
}

/* Null is Go's zero value: a null bool is false even where the default is
 * true, and counts as not given for the global default; a null string takes
 * the default or the global value. */
static void
test_cfgfield_null_defaults_and_global(void **state)
{
	struct toy	 t;
	struct terr	 err;

	(void)state;
	if (parse("name: a\nloud: null\ntls: null\ngreeting: null\nfrom: ''\n"
	    "wait: null\n",
	    "global-from", &t, &err) == -1)
		fail_msg("%s", err.msg);
	assert_false(t.loud);
	assert_true(t.tls);
	assert_string_equal(t.greeting, "hello");
	assert_string_equal(t.from, "global-from");
	assert_int_equal(t.wait, 0);
	assert_int_equal(t.finished, 1);
	toy_free(&t);

	if (parse("name: a\nevery: null\nloud: false\ntls: false\ngreeting: ''\n",
	    "g", &t, &err) == -1)
		fail_msg("%s", err.msg);
	assert_false(t.tls);
	assert_false(t.loud);
	assert_int_equal(t.every, 0);
	assert_string_equal(t.greeting, "");
	assert_int_equal(t.finished, 2);
	toy_free(&t);
}

static void
test_cfgfield_errors_in_phase_order(void **state)
{
	(void)state;
	/* Type errors are collected across the walk, in file order, and
	 * then neither the required fields nor finish are checked. */
	assert_parse_error("n: x\nfoo: 1\n", "g",
	    "toy.yml: 2 errors:\n"
	    "  toy.yml:1:4: n must be an integer, not \"x\"\n"
	    "  toy.yml:2:1: unknown field foo in toy");
	assert_parse_error("foo: 1\nn: x\nitems: [{label: [a]}, {bar: 1}]\n", "g",
	    "toy.yml: 4 errors:\n"
	    "  toy.yml:1:1: unknown field foo in toy\n"
	    "  toy.yml:2:4: n must be an integer, not \"x\"\n"
	    "  toy.yml:3:17: label must be a string, not a list\n"
	    "  toy.yml:3:24: unknown field bar in item");
	/* A repeated key is reported and its value skipped, as Go does. */
	assert_parse_error("name: a\nname: [b]\n", "g",
	    "toy.yml:2:1: field name is set twice in toy (first at line 1)");
	/* Any other error ends the walk alone, whatever came before it. */
	assert_parse_error("foo: 1\nwait: 5x\nbar: 2\n", "g",
	    "toy.yml:2:7: wait: not a valid duration string: \"5x\"");
	assert_parse_error("- a\n", "g",
	    "toy.yml:1:1: toy must be a mapping, not a list");
	assert_parse_error("name: box\n", "g", "toy.yml:1:7: name has an x");
	assert_parse_error("name: a\nurl: ftp://SECRET/\n", "g",
	    "toy.yml:2:6: url must be an http or https URL");
	assert_parse_error("name: a\nitems: [{label: a}, {}]\n", "g",
	    "toy.yml:2:21: missing label");
	assert_parse_error("name: a\nitems: {label: a}\n", "g",
	    "toy.yml:2:8: items must be a list, not a mapping");
	assert_parse_error("name: a\ntls_config: {name: s}\n", "g",
	    "toy.yml:2:14: unknown field name in tls");
	/* Durations; zero where .nonzero says so (null stays unset). */
	assert_parse_error("name: a\nwait: 5x\n", "g",
	    "toy.yml:2:7: wait: not a valid duration string: \"5x\"");
	assert_parse_error("name: a\nwait: []\n", "g",
	    "toy.yml:2:7: wait must be a duration, not a list");
	assert_parse_error("name: a\nevery: 0s\n", "g",
	    "toy.yml:2:8: every cannot be zero");
	/* .allow sees what the walk has set so far, before the value. */
	assert_parse_error("name: a\nloud: false\nevery: 5x\n", "g",
	    "toy.yml:3:1: every is for loud toys");
	/* Then the required fields, then finish (after the defaults). */
	assert_parse_error("greeting: hi\n", "g",
	    "toy.yml:1:1: missing name in toy");
	assert_parse_error("~\n", "g", "toy.yml:1:1: missing name in toy");
	assert_parse_error("name: late\n", "g", "toy.yml:1:7: name is late");
	/* An inherited required field is checked when it is inherited; it is
	 * one of Config's checks, which do not end the walk. */
	assert_parse_error("name: a\n", "", "toy.yml:1:1: no global from");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfgfield_fills_every_kind),
		cmocka_unit_test(test_cfgfield_null_defaults_and_global),
		cmocka_unit_test(test_cfgfield_errors_in_phase_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
