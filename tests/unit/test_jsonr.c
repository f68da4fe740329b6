/* test_jsonr.c: the arena JSON reader. Every verdict in the table is also
 * asked of jansson 2.14 (JSON_REJECT_DUPLICATES), whose answers the reader
 * must give; the values are checked byte for byte. fuzz_jsonr does the same
 * on generated texts. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "jsonr.h"

static int
jansson_takes(const char *s, size_t len)
{
	json_error_t	 je;
	json_t		*j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);

	json_decref(j);
	return j != NULL;
}

static const struct {
	const char	*text;
	int		 ok;
} verdicts[] = {
	{ "{}", 1 },
	{ "[]", 1 },
	{ " \t\r\n{ } \n", 1 },
	{ "", 0 },
	{ "   ", 0 },
	{ "\"x\"", 0 },			/* only an object or array at the top */
	{ "1", 0 },
	{ "null", 0 },
	{ "{} {}", 0 },
	{ "{},", 0 },
	{ "{\"a\":1,}", 0 },
	{ "[1,]", 0 },
	{ "[,1]", 0 },
	{ "{\"a\" 1}", 0 },
	{ "{'a':1}", 0 },
	{ "{a:1}", 0 },
	{ "{\"a\":1 \"b\":2}", 0 },
	{ "[true,false,null]", 1 },
	{ "[truex]", 0 },
	{ "[True]", 0 },
	{ "[nul]", 0 },
	{ "[0,-0,10,-10,1.5,1e5,1E-5,1.5e+5,-0.0]", 1 },
	{ "[01]", 0 },
	{ "[-01]", 0 },
	{ "[+1]", 0 },
	{ "[1.]", 0 },
	{ "[.5]", 0 },
	{ "[1e]", 0 },
	{ "[1e+]", 0 },
	{ "[-]", 0 },
	{ "[0x10]", 0 },
	{ "[Infinity]", 0 },
	{ "[NaN]", 0 },
	{ "[9223372036854775807,-9223372036854775808]", 1 },
	{ "[9223372036854775808]", 0 },	/* too big integer */
	{ "[-9223372036854775809]", 0 },
	{ "[1e308,1e-400]", 1 },		/* underflow is taken */
	{ "[1e309]", 0 },			/* overflow is not */
	{ "[-1e309]", 0 },
	{ "[\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"]", 1 },
	{ "[\"\\u0000\"]", 0 },
	{ "[\"\\ud800\"]", 0 },		/* unpaired high surrogate */
	{ "[\"\\ud800x\"]", 0 },
	{ "[\"\\ud800\\u0041\"]", 0 },
	{ "[\"\\udc00\"]", 0 },		/* lone low surrogate */
	{ "[\"\\u12\"]", 0 },
	{ "[\"\\u12g4\"]", 0 },
	{ "[\"\\x41\"]", 0 },
	{ "[\"\\'\"]", 0 },
	{ "[\"a\tb\"]", 0 },		/* raw control character */
	{ "[\"a\x7f\"]", 1 },		/* DEL is not one */
	{ "[\"\xc3\xa9\"]", 1 },
	{ "[\"\xc3\"]", 0 },		/* truncated sequence */
	{ "[\"\xc0\xaf\"]", 0 },		/* overlong */
	{ "[\"\xed\xa0\x80\"]", 0 },	/* encoded surrogate */
	{ "[\"\xf4\x90\x80\x80\"]", 0 },	/* past U+10FFFF */
	{ "[\"\xff\"]", 0 },
	{ "[\xc3\xa9]", 0 },
	{ "\xef\xbb\xbf{}", 0 },		/* a BOM */
	{ "[\"abc", 0 },
	{ "[\"abc\\", 0 },
	{ "[\"abc\\\"]", 0 },
	{ "{\"a\":1,\"a\":2}", 0 },
	{ "{\"a\":1,\"b\":{\"a\":2}}", 1 },	/* the same key in another object */
	{ "[{\"a\":1},{\"a\":1}]", 1 },
	{ "{\"a\":1,\"\\u0061\":2}", 0 },	/* the same key escaped */
	{ "{\"\":1,\"\":2}", 0 },
};

static void
test_verdicts_match_jansson(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		const char	*t = verdicts[i].text;
		struct jr_doc	 doc;
		int		 rc = jr_parse(&doc, t, strlen(t), JR_MAX_DEPTH);

		if ((rc == 0) != verdicts[i].ok ||
		    jansson_takes(t, strlen(t)) != verdicts[i].ok)
			fail_msg("%s: expected %s, jr_parse %d, jansson %d", t,
			    verdicts[i].ok ? "taken" : "refused", rc,
			    jansson_takes(t, strlen(t)));
		jr_free(&doc);
	}
}

static void
test_values(void **state)
{
	static const char text[] =
	    "{\"n\":[0,-0,-9223372036854775808,1.5e-400,2E+3],"
	    "\"s\":\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\xc3\xa9\","
	    "\"z\":{},\"e\":[],\"l\":[true,false,null],\"\":\"empty key\"}";
	struct jr_doc		 doc;
	const struct jr_value	*n, *s, *l;

	(void)state;
	assert_int_equal(jr_parse(&doc, text, sizeof(text) - 1, JR_MAX_DEPTH), 0);
	assert_int_equal(doc.root.type, JR_OBJECT);
	assert_int_equal(doc.root.n, 6);
	/* Members in the order of the text. */
	assert_string_equal(doc.root.u.m[0].key, "n");
	assert_string_equal(doc.root.u.m[1].key, "s");
	assert_string_equal(doc.root.u.m[2].key, "z");
	assert_string_equal(doc.root.u.m[5].key, "");
	assert_int_equal(doc.root.u.m[5].keylen, 0);

	assert_non_null(n = jr_get(&doc.root, "n"));
	assert_int_equal(n->type, JR_ARRAY);
	assert_int_equal(n->n, 5);
	assert_int_equal(n->u.v[0].type, JR_INTEGER);
	assert_true(n->u.v[0].u.i == 0);
	assert_int_equal(n->u.v[1].type, JR_INTEGER);
	assert_true(n->u.v[1].u.i == 0);
	assert_true(n->u.v[2].u.i == INT64_MIN);
	assert_int_equal(n->u.v[3].type, JR_REAL);
	assert_true(n->u.v[3].u.r == 0.0);
	assert_int_equal(n->u.v[4].type, JR_REAL);
	assert_true(n->u.v[4].u.r == 2000.0);

	assert_non_null(s = jr_get(&doc.root, "s"));
	assert_int_equal(s->type, JR_STRING);
	assert_string_equal(s->u.s, "\xc3\xa9\xf0\x9f\x98\x80/\b\f\n\r\t\"\\\xc3\xa9");
	assert_int_equal(s->n, strlen(s->u.s));

	assert_int_equal(jr_get(&doc.root, "z")->type, JR_OBJECT);
	assert_int_equal(jr_get(&doc.root, "z")->n, 0);
	assert_int_equal(jr_get(&doc.root, "e")->type, JR_ARRAY);
	assert_non_null(l = jr_get(&doc.root, "l"));
	assert_int_equal(l->u.v[0].type, JR_TRUE);
	assert_int_equal(l->u.v[1].type, JR_FALSE);
	assert_int_equal(l->u.v[2].type, JR_NULL);
	assert_string_equal(jr_get(&doc.root, "")->u.s, "empty key");
	assert_null(jr_get(&doc.root, "x"));
	assert_null(jr_get(n, "n"));		/* not an object */
	jr_free(&doc);
}

/* An object of count keys k0, k1, ...; with dup, the last repeats the
 * first. */
static char *
many_keys(size_t count, int dup)
{
	char	*s = malloc(count * 24 + 16);
	size_t	 o = 0;

	assert_non_null(s);
	s[o++] = '{';
	for (size_t i = 0; i < count; i++)
		o += (size_t)sprintf(s + o, "%s\"k%zu\":%zu", i ? "," : "",
		    dup && i == count - 1 ? (size_t)0 : i, i);
	s[o++] = '}';
	s[o] = '\0';
	return s;
}

static void
test_repeated_keys_in_large_objects(void **state)
{
	size_t sizes[] = { 2, 16, 17, 1000, 50000 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int dup = 0; dup < 2; dup++) {
			char		*s = many_keys(sizes[i], dup);
			struct jr_doc	 doc;
			int		 rc = jr_parse(&doc, s, strlen(s), JR_MAX_DEPTH);

			assert_int_equal(rc, dup ? -1 : 0);
			assert_int_equal(jansson_takes(s, strlen(s)), !dup);
			if (!dup) {
				assert_int_equal(doc.root.n, sizes[i]);
				assert_true(jr_get(&doc.root, "k0")->u.i == 0);
				assert_true(doc.root.u.m[sizes[i] - 1].v.u.i ==
				    (int64_t)sizes[i] - 1);
			}
			jr_free(&doc);
			free(s);
		}
}

static void
test_depth_as_jansson(void **state)
{
	size_t depths[] = { JR_MAX_DEPTH, JR_MAX_DEPTH + 1 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t		 d = depths[i];
		char		*s = malloc(2 * d + 1);
		struct jr_doc	 doc;

		assert_non_null(s);
		memset(s, '[', d);
		memset(s + d, ']', d);
		s[2 * d] = '\0';
		assert_int_equal(jr_parse(&doc, s, 2 * d, JR_MAX_DEPTH), i == 0 ? 0 : -1);
		assert_int_equal(jansson_takes(s, 2 * d), i == 0);
		jr_free(&doc);
		free(s);
	}
}

/* A caller's smaller limit: payload.c reads at most 16 levels. */
static void
test_depth_limit_of_the_caller(void **state)
{
	static const struct {
		const char	*text;
		unsigned	 max;
		int		 rc;
	} cases[] = {
		{ "[[[]]]", 3, 0 },
		{ "[[[[]]]]", 3, -1 },
		{ "[{\"a\":[{}]}]", 3, -1 },
		{ "[{\"a\":[{}]}]", 4, 0 },
		{ "[[\"[[[[\"]]", 2, 0 },	/* brackets in a string */
	};
	struct jr_doc doc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(jr_parse(&doc, cases[i].text,
		    strlen(cases[i].text), cases[i].max), cases[i].rc);
		jr_free(&doc);
	}
}

/* Strings past the first arena block, and a text that is not terminated
 * (the reader never looks past len). */
static void
test_large_and_unterminated(void **state)
{
	size_t		 big = 100000;
	char		*s = malloc(big + 16);
	struct jr_doc	 doc;

	(void)state;
	assert_non_null(s);
	memcpy(s, "[\"", 2);
	memset(s + 2, 'x', big);
	memcpy(s + 2 + big, "\",\"", 3);
	memset(s + 5 + big, 'y', 5);
	memcpy(s + 10 + big, "\"]", 2);
	assert_int_equal(jr_parse(&doc, s, big + 12, JR_MAX_DEPTH), 0);
	assert_int_equal(doc.root.u.v[0].n, big);
	assert_int_equal(doc.root.u.v[1].n, 5);
	assert_string_equal(doc.root.u.v[1].u.s, "yyyyy");
	jr_free(&doc);
	/* Cut before the closing bracket: refused, not read past the end. */
	assert_int_equal(jr_parse(&doc, s, big + 11, JR_MAX_DEPTH), -1);
	jr_free(&doc);
	/* A number at the very end of the text. */
	assert_int_equal(jr_parse(&doc, "[12", 3, JR_MAX_DEPTH), -1);
	jr_free(&doc);
	assert_int_equal(jr_parse(&doc, "[12]xyz", 4, JR_MAX_DEPTH), 0);
	assert_true(doc.root.u.v[0].u.i == 12);
	jr_free(&doc);
	free(s);
}

static void
test_from_jansson_reads_alike(void **state)
{
	static const char text[] =
	    "{\"b\":[1,2.5,\"\\u00e9\",null,true],\"a\":{\"y\":false,\"x\":{}}}";
	struct jr_doc	 mine, theirs;
	json_error_t	 je;
	json_t		*j;

	(void)state;
	assert_non_null(j = json_loads(text, JSON_REJECT_DUPLICATES, &je));
	assert_int_equal(jr_from_jansson(&theirs, j), 0);
	json_decref(j);
	assert_int_equal(jr_parse(&mine, text, sizeof(text) - 1, JR_MAX_DEPTH), 0);
	assert_string_equal(theirs.root.u.m[0].key, "b");
	assert_string_equal(theirs.root.u.m[1].key, "a");
	assert_int_equal(theirs.root.u.m[0].v.n, 5);
	assert_true(theirs.root.u.m[0].v.u.v[1].u.r ==
	    mine.root.u.m[0].v.u.v[1].u.r);
	assert_string_equal(theirs.root.u.m[0].v.u.v[2].u.s,
	    mine.root.u.m[0].v.u.v[2].u.s);
	assert_int_equal(theirs.root.u.m[0].v.u.v[3].type, JR_NULL);
	assert_string_equal(jr_get(&theirs.root.u.m[1].v, "x") ==
	    &theirs.root.u.m[1].v.u.m[1].v ? "x second" : "?", "x second");
	jr_free(&theirs);
	jr_free(&mine);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts_match_jansson),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_repeated_keys_in_large_objects),
		cmocka_unit_test(test_depth_as_jansson),
		cmocka_unit_test(test_depth_limit_of_the_caller),
		cmocka_unit_test(test_large_and_unterminated),
		cmocka_unit_test(test_from_jansson_reads_alike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
