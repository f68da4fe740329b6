/* test_config_route.c: the route and inhibit_rules sections of
 * alertmanager.yml, key by key: the exact error (message and position) for
 * unknown keys, wrong types, bad durations, matchers and label names, the
 * root route's rules and undefined references, and which problem wins when
 * there are several; then the tree a valid section builds, printed as
 * amtool prints it, and the time intervals a route names. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "route.h"

#define NAME "alertmanager.yml"

/* Every case is followed by this: two receivers and one time interval. */
#define TAIL "receivers:\n- name: r\n- name: s\ntime_intervals:\n- name: ti\n" \
	"  time_intervals: [{weekdays: [monday]}]\n"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* A config that must fail: yaml precedes TAIL, want follows
 * "alertmanager.yml:". */
struct errcase {
	const char	*yaml;
	const char	*want;
};

/* A config that loads: its routing tree and how many inhibit rules. */
struct treecase {
	const char	*yaml;
	const char	*tree;
	size_t		 ninhibit;
};

static struct config *
load(const char *yaml, struct terr *err)
{
	char	 text[2048];

	snprintf(text, sizeof(text), "%s" TAIL, yaml);
	err->msg[0] = '\0';
	return config_load_buffer(NAME, "/etc/am", text, strlen(text), err);
}

static const struct errcase errors[] = {
	{ "route: x\n",
	    "1:8: the root route must be a mapping, not a scalar" },
	{ "route: []\n",
	    "1:8: the root route must be a mapping, not a list" },
	{ "route: null\n",
	    " no route provided in config" },
	{ "route: {}\n",
	    "1:8: root route must specify a default receiver" },
	{ "route:\n  receiver: r\n  receiver: s\n",
	    "3:3: field receiver is set twice in the root route (first at "
	    "line 2)" },
	{ "route:\n  receiver: r\n  recevier: x\n",
	    "3:3: unknown field recevier in the root route" },
	{ "route:\n  receiver: r\n  [a]: b\n",
	    "3:3: the root route has a list as a key; keys must be field names" },
	{ "route:\n  receiver: [r]\n",
	    "2:13: receiver must be a string, not a list" },
	{ "route:\n  receiver: ''\n",
	    "2:13: root route must specify a default receiver" },
	{ "route:\n  receiver: null\n",
	    "2:13: root route must specify a default receiver" },
	{ "route:\n  receiver: nope\n",
	    "2:13: undefined receiver \"nope\" used in route" },
	{ "route:\n  group_wait: 1m\n",
	    "2:3: root route must specify a default receiver" },
	{ "route:\n  receiver: r\n  group_by: x\n",
	    "3:13: group_by must be a list, not a scalar" },
	{ "route:\n  receiver: r\n  group_by: [[a]]\n",
	    "3:14: group_by must be a list of label names, not contain a list" },
	{ "route:\n  receiver: r\n  group_by: ['1a']\n",
	    "3:14: invalid label name \"1a\" in group_by list" },
	{ "route:\n  receiver: r\n  group_by: ['...', a]\n",
	    "3:13: cannot have wildcard group_by (`...`) and other labels "
	    "at the same time" },
	{ "route:\n  receiver: r\n  group_by: [a, b, a]\n",
	    "3:20: duplicated label \"a\" in group_by" },
	{ "route:\n  receiver: r\n  group_by: [a, '...', '1a']\n",
	    "3:24: invalid label name \"1a\" in group_by list" },
	{ "route:\n  receiver: r\n  group_wait: 5x\n",
	    "3:15: group_wait: not a valid duration string: \"5x\"" },
	{ "route:\n  receiver: r\n  group_wait: []\n",
	    "3:15: group_wait must be a duration, not a list" },
	{ "route:\n  receiver: r\n  group_wait: ''\n",
	    "3:15: group_wait: empty duration string" },
	{ "route:\n  receiver: r\n  group_wait: !!null ''\n",
	    "3:15: group_wait: empty duration string" },
	{ "route:\n  receiver: r\n  group_interval: 0s\n",
	    "3:19: group_interval cannot be zero" },
	{ "route:\n  receiver: r\n  group_interval: 5x\n",
	    "3:19: group_interval: not a valid duration string: \"5x\"" },
	{ "route:\n  receiver: r\n  group_interval: !!null ''\n",
	    "3:19: group_interval: empty duration string" },
	{ "route:\n  receiver: r\n  group_interval: -1s\n",
	    "3:19: group_interval: not a valid duration string: \"-1s\"" },
	{ "route:\n  receiver: r\n  repeat_interval: 0s\n",
	    "3:20: repeat_interval cannot be zero" },
	{ "route:\n  receiver: r\n  repeat_interval: 0\n",
	    "3:20: repeat_interval cannot be zero" },
	{ "route:\n  receiver: r\n  repeat_interval: {}\n",
	    "3:20: repeat_interval must be a duration, not a mapping" },
	{ "route:\n  receiver: r\n  repeat_interval: '0ms'\n",
	    "3:20: repeat_interval cannot be zero" },
	{ "route:\n  receiver: r\n  continue: true\n",
	    "3:13: cannot have continue in root route" },
	{ "route:\n  receiver: r\n  continue: maybe\n",
	    "3:13: continue must be true or false, not \"maybe\"" },
	{ "route:\n  receiver: r\n  continue: [a]\n",
	    "3:13: continue must be true or false, not a list" },
	{ "route:\n  receiver: r\n  matchers: [a=b]\n",
	    "3:3: root route must not have any matchers" },
	{ "route:\n  receiver: r\n  match: {a: b}\n",
	    "3:3: root route must not have any matchers" },
	{ "route:\n  receiver: r\n  match_re: {a: b}\n",
	    "3:3: root route must not have any matchers" },
	{ "route:\n  receiver: r\n  mute_time_intervals: [ti]\n",
	    "3:3: root route must not have any mute or active time intervals" },
	{ "route:\n  receiver: r\n  active_time_intervals: [ti]\n",
	    "3:3: root route must not have any mute or active time intervals" },
	{ "route:\n  receiver: r\n  mute_time_intervals: [ti]\n  "
	    "active_time_intervals: [ti]\n  matchers: [a=b]\n",
	    "5:3: root route must not have any matchers" },
	{ "route:\n  receiver: r\n  matchers: [a=b]\n  receiver: ''\n",
	    "4:3: field receiver is set twice in the root route (first at "
	    "line 2)" },
	{ "route:\n  matchers: [a=b]\n  mute_time_intervals: [ti]\n",
	    "2:3: root route must specify a default receiver" },
	{ "route:\n  receiver: r\n  active_time_intervals: [ti]\n  "
	    "mute_time_intervals: [ti]\n",
	    "4:3: root route must not have any mute or active time intervals" },
	{ "route:\n  receiver: r\n  match_re: {a: b}\n  matchers: [a=b]\n",
	    "3:3: root route must not have any matchers" },
	{ "route:\n  receiver: r\n  routes: x\n",
	    "3:11: routes must be a list, not a scalar" },
	{ "route:\n  receiver: r\n  routes: [x]\n",
	    "3:12: route must be a mapping, not a scalar" },
	{ "route:\n  receiver: r\n  routes: [null]\n",
	    "3:12: empty entry in routes" },
	{ "route:\n  receiver: r\n  routes:\n  -\n",
	    "4:4: empty entry in routes" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    receiver: nope\n",
	    "5:5: field receiver is set twice in route (first at line 4)" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    receiver: [s]\n",
	    "5:5: field receiver is set twice in route (first at line 4)" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    receiver: ''\n",
	    "5:5: field receiver is set twice in route (first at line 4)" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    recevier: s\n",
	    "5:5: unknown field recevier in route" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "continue: maybe\n",
	    "5:15: continue must be true or false, not \"maybe\"" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    matchers: x\n",
	    "5:15: matchers must be a list, not a scalar" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "matchers: [[a]]\n",
	    "5:16: matchers must be a list of strings, not contain a list" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "matchers: ['a!']\n",
	    "5:16: invalid matcher: bad matcher format: a!" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "matchers: ['a=~(']\n",
	    "5:16: invalid matcher: error parsing regexp: missing closing "
	    "): `^(?:()$`" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    match: x\n",
	    "5:12: match must be a mapping, not a scalar" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    match: "
	    "{'1a': b}\n",
	    "5:13: invalid label name \"1a\" in match" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    match: "
	    "{a: [b]}\n",
	    "5:16: match.a must be a string, not a list" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "match_re: {a: '('}\n",
	    "5:19: invalid regular expression for \"a\" in match_re: error "
	    "parsing regexp: missing closing ): `^(?:()$`" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "match_re: {a: null}\n",
	    "5:19: invalid regexp value for \"a\"" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "match_re: {a: [b]}\n",
	    "5:19: match_re.a must be a string, not a list" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "match_re: {'a-b': x}\n",
	    "5:16: invalid label name \"a-b\" in match_re" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "mute_time_intervals: x\n",
	    "5:26: mute_time_intervals must be a list, not a scalar" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "mute_time_intervals: [[a]]\n",
	    "5:27: mute_time_intervals must be a list of names, not "
	    "contain a list" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "mute_time_intervals: [nope]\n",
	    "5:27: undefined time interval \"nope\" used in route" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "active_time_intervals: [nope]\n",
	    "5:29: undefined time interval \"nope\" used in route" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "active_time_intervals: [{}]\n",
	    "5:29: active_time_intervals must be a list of names, not "
	    "contain a mapping" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "group_by: ['...', a]\n",
	    "5:15: cannot have wildcard group_by (`...`) and other labels "
	    "at the same time" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    group_wait: 5x\n",
	    "5:17: group_wait: not a valid duration string: \"5x\"" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "group_interval: 0s\n",
	    "5:21: group_interval cannot be zero" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "repeat_interval: 0s\n",
	    "5:22: repeat_interval cannot be zero" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    routes: "
	    "[{receiver: nope}]\n",
	    "5:25: undefined receiver \"nope\" used in route" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    routes: "
	    "[{recevier: x}]\n",
	    "5:15: unknown field recevier in route" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "receiver: nope\n    matchers: ['a=~(']\n",
	    "6:16: invalid matcher: error parsing regexp: missing closing "
	    "): `^(?:()$`" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "mute_time_intervals: [nope]\n    receiver: nope\n",
	    "6:5: field receiver is set twice in route (first at line 4)" },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "matchers: []\n    match: {}\n    continue: null\n    receiver: null\n",
	    "8:5: field receiver is set twice in route (first at line 4)" },
	{ "route:\n  receiver: r\ninhibit_rules: x\n",
	    "3:16: inhibit_rules must be a list, not a scalar" },
	{ "route:\n  receiver: r\ninhibit_rules: [x]\n",
	    "3:17: inhibit rule must be a mapping, not a scalar" },
	{ "route:\n  receiver: r\ninhibit_rules: [{foo: 1}]\n",
	    "3:18: unknown field foo in inhibit rule" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match: x}]\n",
	    "3:32: source_match must be a mapping, not a scalar" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match: {'1a': b}}]\n",
	    "3:33: invalid label name \"1a\" in source_match" },
	{ "route:\n  receiver: r\ninhibit_rules: [{target_match: {a: [b]}}]\n",
	    "3:36: target_match.a must be a string, not a list" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match_re: {a: '('}}]\n",
	    "3:39: invalid regular expression for \"a\" in "
	    "source_match_re: error parsing regexp: missing closing ): `^(?:()$`" },
	{ "route:\n  receiver: r\ninhibit_rules: [{target_match_re: {a: null}}]\n",
	    "3:39: invalid regexp value for \"a\"" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_matchers: [[a]]}]\n",
	    "3:36: matchers must be a list of strings, not contain a list" },
	{ "route:\n  receiver: r\ninhibit_rules: [{target_matchers: ['a!']}]\n",
	    "3:36: invalid matcher: bad matcher format: a!" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_matchers: x}]\n",
	    "3:35: matchers must be a list, not a scalar" },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: x}]\n",
	    "3:25: equal must be a list, not a scalar" },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: [[a]]}]\n",
	    "3:26: equal must be a list of strings, not contain a list" },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: [a, '1b']}]\n",
	    "3:29: invalid label name \"1b\" in equal" },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: ['1b'], "
	    "source_match_re: {a: '('}}]\n",
	    "3:26: invalid label name \"1b\" in equal" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match_re: {a: "
	    "'('}, equal: ['1b']}]\n",
	    "3:39: invalid regular expression for \"a\" in "
	    "source_match_re: error parsing regexp: missing closing ): `^(?:()$`" },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match: {a: b}, "
	    "source_match: {a: c}}]\n",
	    "3:40: field source_match is set twice in inhibit rule (first "
	    "at line 3)" },
};

static const struct treecase trees[] = {
	{ "route:\n  receiver: r\n  group_wait: 0s\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  group_interval: null\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  continue: false\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  matchers: []\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  match: {}\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  match: null\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  mute_time_intervals: []\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  routes: []\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  routes: null\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 0 },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    match: "
	    "{a: null}\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n    └── "
	    "{a=\"\"}  receiver: s\n\n", 0 },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    routes: "
	    "[{continue: true, matchers: ['a=(']}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n    └── "
	    "default-route  receiver: s\n        └── {a=\"(\"}  continue: "
	    "true  receiver: s\n\n", 0 },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "matchers: [a=b, 'c=~d.*']\n    match: {e: f}\n    match_re: "
	    "{g: 'h|i'}\n    continue: true\n    mute_time_intervals: "
	    "[ti]\n    active_time_intervals: [ti]\n    group_by: [a]\n    "
	    "group_wait: 1s\n    group_interval: 2s\n    repeat_interval: 3s\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n    └── "
	    "{a=\"b\",c=~\"d.*\",e=\"f\",g=~\"^(?:h|i)$\"}  continue: true "
	    " receiver: s\n\n", 0 },
	{ "route:\n  receiver: r\n  routes:\n  - receiver: s\n    "
	    "continue: true\n    routes: [{matchers: ['x=\"1\"'], "
	    "receiver: r}, {match: {y: '2'}}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n    └── "
	    "default-route  continue: true  receiver: s\n        ├── "
	    "{x=\"1\"}  receiver: r\n        └── {y=\"2\"}  receiver: s\n\n", 0 },
	{ "route:\n  receiver: r\ninhibit_rules: [null]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 1 },
	{ "route:\n  receiver: r\ninhibit_rules: [{}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 1 },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: [a, null]}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 1 },
	{ "route:\n  receiver: r\ninhibit_rules: [{source_match: {a: b}, "
	    "target_match: {a: b}, source_match_re: {a: 'b.*'}, "
	    "target_match_re: {a: 'b|c'}, source_matchers: [a=b], "
	    "target_matchers: ['a=~b'], equal: [a, b]}, {}, {equal: []}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 3 },
	{ "route:\n  receiver: r\ninhibit_rules: [{equal: null, "
	    "source_match: null, source_matchers: null}]\n",
	    "Routing tree:\n.\n└── default-route  receiver: r\n\n", 1 },
};

static void
test_route_and_inhibit_errors(void **state)
{
	struct config	*cfg;
	struct terr	 err;
	char		 want[TERR_MAX];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(errors); i++) {
		snprintf(want, sizeof(want), NAME ":%s", errors[i].want);
		if ((cfg = load(errors[i].yaml, &err)) != NULL) {
			config_free(cfg);
			fail_msg("case %zu loaded:\n%s", i, errors[i].yaml);
		}
		if (strcmp(err.msg, want) != 0)
			fail_msg("case %zu:\n%s\nwant: %s\ngot:  %s", i, errors[i].yaml,
			    want, err.msg);
	}
}

static void
test_route_trees(void **state)
{
	struct config	*cfg;
	struct terr	 err;
	char		*got;
	size_t		 i, len;
	FILE		*f;

	(void)state;
	for (i = 0; i < nitems(trees); i++) {
		if ((cfg = load(trees[i].yaml, &err)) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
		assert_non_null(f = open_memstream(&got, &len));
		assert_int_equal(route_print_tree(config_route(cfg), f), 0);
		assert_int_equal(fclose(f), 0);
		if (strcmp(got, trees[i].tree) != 0)
			fail_msg("case %zu:\n%s\nwant:\n%sgot:\n%s", i, trees[i].yaml,
			    trees[i].tree, got);
		assert_int_equal(config_inhibit_rule_count(cfg), trees[i].ninhibit);
		free(got);
		config_free(cfg);
	}
}

/* The intervals a route names, in file order, for the route an alert
 * reaches. */
static void
test_route_time_intervals(void **state)
{
	const struct route *out[4];
	const char *const *names;
	struct config	*cfg;
	struct terr	 err;
	struct kv	 labels;

	(void)state;
	cfg = load("route:\n  receiver: r\n  routes:\n  - matchers: [a=b]\n"
	    "    mute_time_intervals: [ti, ti]\n    active_time_intervals: [ti]\n"
	    "    receiver: s\n", &err);
	if (cfg == NULL)
		fail_msg("%s", err.msg);
	kv_init(&labels);
	assert_int_equal(kv_set(&labels, "a", "b"), 0);
	assert_int_equal(route_match(config_route(cfg), &labels, out, 4), 1);
	assert_string_equal(route_receiver(out[0]), "s");
	assert_int_equal(route_mute_intervals(out[0], &names), 2);
	assert_string_equal(names[0], "ti");
	assert_string_equal(names[1], "ti");
	assert_int_equal(route_active_intervals(out[0], &names), 1);
	assert_string_equal(names[0], "ti");
	kv_free(&labels);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_and_inhibit_errors),
		cmocka_unit_test(test_route_trees),
		cmocka_unit_test(test_route_time_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
