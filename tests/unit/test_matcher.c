/* test_matcher.c: matcher syntax, errors, printing and matching, pinned to
 * what Alertmanager 0.25 (amtool) accepts, rejects and prints. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "matcher.h"

/* Parses s with matchers_parse, sorts like a route does, and returns the
 * printed list ("{...}") or "ERR <message>". Caller frees. */
static char *
parse_show(const char *s)
{
	struct matchers	 ms;
	struct terr	 err;
	struct buf	 b;
	char		*out;

	matchers_init(&ms);
	buf_init(&b, 0);
	if (matchers_parse(&ms, s, &err) == -1) {
		assert_int_equal(ms.n, 0);
		assert_int_equal(buf_printf(&b, "ERR %s", err.msg), 0);
	} else {
		matchers_sort(&ms);
		assert_int_equal(matchers_format(&ms, &b), 0);
	}
	out = buf_steal(&b);
	matchers_free(&ms);
	return out;
}

static void
check(const char *in, const char *want)
{
	char	*got = parse_show(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_matcher_parse_basic_forms(void **state)
{
	check("a=b", "{a=\"b\"}");
	check("a!=b", "{a!=\"b\"}");
	check("a=~b", "{a=~\"b\"}");
	check("a!~b", "{a!~\"b\"}");
	check("a==b", "{a=\"=b\"}");
	check("a=!~b", "{a=\"!~b\"}");
	check("  a  =~  \"x\"  ", "{a=~\"x\"}");
	check("a:b_c9=c", "{a:b_c9=\"c\"}");
	check("_x=1", "{_x=\"1\"}");
	check("a=", "{a=\"\"}");
	check("a= ", "{a=\"\"}");
	check("a=\"\"", "{a=\"\"}");
	check("a=\t b \t", "{a=\"b\"}");
	check("a= \" b \" ", "{a=\" b \"}");
	check("a=\"x,y\"", "{a=\"x,y\"}");
	check("a=ü", "{a=\"ü\"}");
}

static void
test_matcher_parse_lists_braces_and_commas(void **state)
{
	check("{a=b,c=d}", "{a=\"b\",c=\"d\"}");
	check("{a=b, c!=\"d\" , e=~f}", "{a=\"b\",c!=\"d\",e=~\"f\"}");
	check("{a=b,}", "{a=\"b\"}");
	check("a=b,", "{a=\"b\"}");
	check("a=b , ", "{a=\"b\"}");
	check("{a=b", "{a=\"b\"}");
	check("a=b}", "{a=\"b\"}");
	check("{}", "{}");
	check("", "{}");
	check("   ", "{}");
	check("{a=~\"d,e\"}", "{a=~\"d,e\"}");
	/* Sorted by name, then value, then operator. */
	check("z=a,a=z,a=y,a!=y,a=~y,a!~y",
	    "{a=\"y\",a!=\"y\",a=~\"y\",a!~\"y\",a=\"z\",z=\"a\"}");
	check("team!~\"x|y\",severity=\"critical\",a!=\"b\"",
	    "{a!=\"b\",severity=\"critical\",team!~\"x|y\"}");
}

static void
test_matcher_parse_escapes(void **state)
{
	struct matchers	ms;
	struct terr	err;

	/* \" \\ \n are escapes; other backslashes stay literal. */
	check("x=\"a\\\"b\\\\c\\nd\te\"", "{x=\"a\\\"b\\\\c\\nd\te\"}");
	check("a=\"x\\y\"", "{a=\"x\\\\y\"}");
	check("a=\"x\\\\\"", "{a=\"x\\\\\"}");
	check("a=x\\", "{a=\"x\\\\\"}");
	check("a=\"\\u0001\"", "{a=\"\\\\u0001\"}");
	/* A backslash before a quote keeps the comma inside the quotes. */
	check("a=\"x\\\",y\"", "{a=\"x\\\",y\"}");

	matchers_init(&ms);
	assert_int_equal(matchers_parse(&ms, "x=\"a\\\"b\\\\c\\nd\"", &err), 0);
	assert_int_equal(ms.n, 1);
	assert_string_equal(matcher_name(ms.v[0]), "x");
	assert_int_equal(matcher_type(ms.v[0]), MATCH_EQ);
	assert_string_equal(matcher_value(ms.v[0]), "a\"b\\c\nd");
	matchers_free(&ms);
}

static void
test_matcher_parse_errors_match_alertmanager(void **state)
{
	check("a!b", "ERR bad matcher format: a!b");
	check("1a=b", "ERR bad matcher format: 1a=b");
	check("a.b=c", "ERR bad matcher format: a.b=c");
	check("{,}", "ERR bad matcher format: ");
	check(",a=b", "ERR bad matcher format: ");
	check("a=b,,c=d", "ERR bad matcher format: ");
	check("{a=b, c}", "ERR bad matcher format: c");
	check("{a=b, c ,d=e}", "ERR bad matcher format:  c ");
	check("{{a=b}}", "ERR bad matcher format: {a=b}");
	check("a=\"b", "ERR matcher value contains unescaped double quote: \"b");
	check("a=b\"", "ERR matcher value contains unescaped double quote: b\"");
	check("a=\"b\"c\"",
	    "ERR matcher value contains unescaped double quote: \"b\"c\"");
	check("a=\"", "ERR matcher value contains unescaped double quote: \"");
}

static void
test_matcher_regex_errors_match_go(void **state)
{
	check("a=~\"(\"", "ERR error parsing regexp: missing closing ): `^(?:()$`");
	check("a=~\"a)\"", "ERR error parsing regexp: unexpected ): `^(?:a))$`");
	check("a=~\"[a\"", "ERR error parsing regexp: missing closing ]: `[a)$`");
	check("a=~\"[z-a]\"",
	    "ERR error parsing regexp: invalid character class range: `z-a`");
	check("a=~\"[[:foo:]]\"",
	    "ERR error parsing regexp: invalid character class range: `[:foo:]`");
	check("a=~\"\\\\p{Foo}\"",
	    "ERR error parsing regexp: invalid character class range: `\\p{Foo}`");
	check("a=~\"*x\"",
	    "ERR error parsing regexp: missing argument to repetition operator: `*`");
	check("a=~\"(*UTF)x\"",
	    "ERR error parsing regexp: missing argument to repetition operator: `*`");
	check("a=~\"x{1001}\"", "ERR error parsing regexp: invalid repeat count: `{1001}`");
	check("a=~\"x{2,1}\"", "ERR error parsing regexp: invalid repeat count: `{2,1}`");
	check("a=~\"(a{500}){3}\"",
	    "ERR error parsing regexp: invalid repeat count: `{3}`");
	check("a=~\"\\\\e\"", "ERR error parsing regexp: invalid escape sequence: `\\e`");
	check("a=~\"\\\\C\"", "ERR error parsing regexp: invalid escape sequence: `\\C`");
	check("a=~\"\\\\Z\"", "ERR error parsing regexp: invalid escape sequence: `\\Z`");
	check("a=~\"\\\\x4\"", "ERR error parsing regexp: invalid escape sequence: `\\x4)`");
}

/* Constructs RE2 lacks but PCRE2 has must not pass: a config tocsin
 * accepts has to load in Alertmanager too. */
static void
test_matcher_rejects_pcre_only_constructs(void **state)
{
	check("a=~\"(?=x)\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
	check("a=~\"(?!x)\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
	check("a=~\"(?<=x)\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?<`");
	check("a=~\"(?>x)\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?>`");
	check("a=~\"(?x)a\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?x`");
	check("a=~\"(?i-)a\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`");
	check("a=~\"(?P=n)\"",
	    "ERR error parsing regexp: invalid or unsupported Perl syntax: `(?P`");
	check("a=~\"(a)\\\\1\"", "ERR error parsing regexp: invalid escape sequence: `\\1`");
	check("a=~\"\\\\k<n>\"", "ERR error parsing regexp: invalid escape sequence: `\\k`");
	check("a=~\"\\\\g1\"", "ERR error parsing regexp: invalid escape sequence: `\\g`");
	check("a=~\"\\\\K\"", "ERR error parsing regexp: invalid escape sequence: `\\K`");
	check("a=~\"\\\\h\"", "ERR error parsing regexp: invalid escape sequence: `\\h`");
	check("a=~x++", "ERR error parsing regexp: invalid nested repetition operator: `++`");
	check("a=~x*+", "ERR error parsing regexp: invalid nested repetition operator: `*+`");
	check("a=~\"x**\"", "ERR error parsing regexp: invalid nested repetition operator: `**`");
	check("a=~\"x{2}{3}\"",
	    "ERR error parsing regexp: invalid nested repetition operator: `{2}{3}`");
	check("a=~\"\\\\p{Xan}\"",
	    "ERR error parsing regexp: invalid character class range: `\\p{Xan}`");
	/* Go 1.19 knows Unicode 13 scripts by full name only. */
	check("a=~\"\\\\p{Alphabetic}\"",
	    "ERR error parsing regexp: invalid character class range: `\\p{Alphabetic}`");
	check("a=~\"\\\\p{Grek}\"",
	    "ERR error parsing regexp: invalid character class range: `\\p{Grek}`");
	check("a=~\"\\\\p{Vithkuqi}\"",
	    "ERR error parsing regexp: invalid character class range: `\\p{Vithkuqi}`");
	check("a=~\"\\\\p{Yezidi}\\\\p{SignWriting}\\\\p{^Old_Italic}\"",
	    "{a=~\"\\\\p{Yezidi}\\\\p{SignWriting}\\\\p{^Old_Italic}\"}");
	/* What RE2 has is accepted. */
	check("a=~\"(?P<1n>x)(?i)y(?s-m:.)\\\\pL\\\\p{Greek}[[:^alpha:]\\\\d]\\\\x{41}\\\\101\"",
	    "{a=~\"(?P<1n>x)(?i)y(?s-m:.)\\\\pL\\\\p{Greek}[[:^alpha:]\\\\d]\\\\x{41}\\\\101\"}");
	check("a=~\"^*x\\\\b+x{,3}x{01}\"", "{a=~\"^*x\\\\b+x{,3}x{01}\"}");
}

static struct matcher *
mk(enum matcher_type t, const char *v)
{
	struct terr	 err;
	struct matcher	*m = matcher_new(t, "a", v, &err);

	assert_non_null(m);
	return m;
}

static bool
re_matches(const char *re, const char *value)
{
	struct matcher	*m = mk(MATCH_RE, re);
	bool		 ok = matcher_matches(m, value);

	matcher_free(m);
	return ok;
}

static void
test_matcher_regex_semantics_follow_go(void **state)
{
	/* Anchored as ^(?:VALUE)$. */
	assert_true(re_matches("b|c", "c"));
	assert_false(re_matches("b|c", "bc"));
	assert_false(re_matches("b", "abc"));
	/* The value is pasted in, so a stray ')' can unanchor half of it,
	 * exactly as in Alertmanager. */
	assert_true(re_matches("a)|(b", "ax"));
	assert_true(re_matches("a)|(b", "xb"));
	assert_false(re_matches("a)|(b", "xa"));
	/* '$' is the end of the text, never before a final newline. */
	assert_false(re_matches("b", "b\n"));
	assert_true(re_matches("(?m)b$\\n", "b\n"));
	/* (?m): '^' and '$' at line ends, also after a final newline. */
	assert_true(re_matches("(?m)^x$\\n^y$", "x\ny"));
	assert_true(re_matches("(?m)x\\n^", "x\n"));
	assert_false(re_matches("x$\\n", "x\n"));
	assert_true(re_matches("(?m:x$)\\n$", "x\n"));
	/* A repeat after a flag group repeats the item before it. */
	assert_true(re_matches("ab(?i)*", "abbb"));
	assert_true(re_matches("a{2}(?m)?", "aa"));
	assert_false(re_matches("ab(?i)*", "abB"));
	/* Go's \s has no \v; \v is the VT character, not a class. */
	assert_false(re_matches("\\s", "\v"));
	assert_true(re_matches("\\s", "\f"));
	assert_true(re_matches("\\v", "\v"));
	assert_false(re_matches("\\v", "\n"));
	assert_true(re_matches("[^\\S]", " "));
	assert_true(re_matches("\\S", "\v"));
	/* Octal escapes, not backreferences. */
	assert_true(re_matches("(A)\\101", "AA"));
	/* Unicode: '.' is one code point, case folding is Unicode's. */
	assert_true(re_matches(".", "ü"));
	assert_false(re_matches("..", "ü"));
	assert_true(re_matches("(?i)ü", "Ü"));
	/* Under (?i) Go folds POSIX classes like ranges: K is KELVIN SIGN. */
	assert_true(re_matches("(?i)[[:upper:]]", "\u212a"));
	assert_false(re_matches("(?i)[^[:lower:]]", "\u212a"));
	assert_false(re_matches("[[:upper:]]", "\u212a"));
	/* ... and negates after folding; \w and \W fold too. */
	assert_false(re_matches("(?i)[[:^alpha:]]", "\u212a"));
	assert_true(re_matches("[[:^alpha:]]", "\u212a"));
	assert_true(re_matches("(?i)\\w", "\u017f"));
	assert_false(re_matches("(?i)\\W", "\u017f"));
	assert_true(re_matches("\\W", "\u017f"));
	assert_true(re_matches("[[:punct:]]+", "!/:@[`{~"));
	assert_false(re_matches("[[:space:]]", "\u00a0"));
	assert_true(re_matches("\\p{Greek}+", "αβγ"));
	assert_true(re_matches("x{,3}", "x{,3}"));
	assert_true(re_matches("^*x", "x"));
	/* Go reads an invalid byte in a value as U+FFFD. */
	assert_true(re_matches(".", "\xff"));
	assert_true(re_matches("a\\x{fffd}b.", "a\xff" "b\xc3"));
	assert_false(re_matches("..", "\xff"));
	assert_true(re_matches(".*", ""));
	/* Patterns that make a backtracking matcher give up (PCRE2 hits its
	 * match limit on the first alternative) are still decided like
	 * RE2 decides them. */
	assert_true(re_matches("(a|a)*c|.*b",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
	assert_false(re_matches("(a*)*b",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"));
}

static void
test_matcher_missing_label_is_empty_string(void **state)
{
	struct matchers	ms;
	struct kv	labels;
	struct terr	err;

	kv_init(&labels);
	assert_int_equal(kv_set(&labels, "b", "x"), 0);
	matchers_init(&ms);
	assert_int_equal(matchers_parse(&ms, "a=\"\"", &err), 0);
	assert_true(matchers_match(&ms, &labels));
	matchers_free(&ms);
	assert_int_equal(matchers_parse(&ms, "a!=\"\"", &err), 0);
	assert_false(matchers_match(&ms, &labels));
	matchers_free(&ms);
	assert_int_equal(matchers_parse(&ms, "a=~\".*\",b=x", &err), 0);
	assert_true(matchers_match(&ms, &labels));
	matchers_free(&ms);
	assert_int_equal(matchers_parse(&ms, "a=~\".+\"", &err), 0);
	assert_false(matchers_match(&ms, &labels));
	matchers_free(&ms);
	assert_int_equal(matchers_parse(&ms, "a!~\"x\"", &err), 0);
	assert_true(matchers_match(&ms, &labels));
	matchers_free(&ms);
	/* An empty list matches everything. */
	assert_true(matchers_match(&ms, &labels));
	kv_free(&labels);
}

static void
test_matcher_legacy_match_re_is_shown_anchored(void **state)
{
	struct matcher	*m;
	struct terr	 err;
	struct buf	 b;

	m = matcher_new_legacy_re("severity", "warn.*", &err);
	assert_non_null(m);
	assert_string_equal(matcher_value(m), "^(?:warn.*)$");
	assert_true(matcher_matches(m, "warning"));
	assert_false(matcher_matches(m, "a warning"));
	buf_init(&b, 0);
	assert_int_equal(matcher_format(m, &b), 0);
	assert_string_equal(buf_str(&b), "severity=~\"^(?:warn.*)$\"");
	buf_free(&b);
	matcher_free(m);

	assert_null(matcher_new_legacy_re("a", "(", &err));
	assert_string_equal(err.msg,
	    "error parsing regexp: missing closing ): `^(?:()$`");
	m = matcher_new(MATCH_RE, "a", "x|y", &err);
	assert_string_equal(matcher_value(m), "x|y");
	matcher_free(m);
}

static void
test_matcher_parse_one_is_amtools_label_parser(void **state)
{
	struct matcher	*m;
	struct terr	 err;
	struct matchers	 ms;

	m = matcher_parse(" a = \"x,y\" ", &err);
	assert_non_null(m);
	assert_string_equal(matcher_name(m), "a");
	assert_string_equal(matcher_value(m), "x,y");
	matcher_free(m);
	assert_null(matcher_parse("{a=b}", &err));
	assert_string_equal(err.msg, "bad matcher format: {a=b}");
	assert_null(matcher_parse("a=\xff", &err));
	assert_string_equal(err.msg, "matcher value not valid UTF-8: \xff");
	assert_null(matcher_parse("a=\"\xc3\"", &err));
	assert_string_equal(err.msg, "matcher value not valid UTF-8: \"\xc3\"");
	/* The list parser reads runes, so a bad byte becomes U+FFFD. */
	matchers_init(&ms);
	assert_int_equal(matchers_parse(&ms, "a=\xff", &err), 0);
	assert_string_equal(matcher_value(ms.v[0]), "\xef\xbf\xbd");
	matchers_free(&ms);
}

static void
test_matcher_format_escapes_like_openmetrics(void **state)
{
	struct matcher	*m;
	struct terr	 err;
	struct buf	 b;

	m = matcher_new(MATCH_NE, "x", "q\"b\\s\nt\tc\x01é", &err);
	assert_non_null(m);
	buf_init(&b, 0);
	assert_int_equal(matcher_format(m, &b), 0);
	assert_string_equal(buf_str(&b), "x!=\"q\\\"b\\\\s\\nt\tc\x01é\"");
	buf_free(&b);
	matcher_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matcher_parse_basic_forms),
		cmocka_unit_test(test_matcher_parse_lists_braces_and_commas),
		cmocka_unit_test(test_matcher_parse_escapes),
		cmocka_unit_test(test_matcher_parse_errors_match_alertmanager),
		cmocka_unit_test(test_matcher_regex_errors_match_go),
		cmocka_unit_test(test_matcher_rejects_pcre_only_constructs),
		cmocka_unit_test(test_matcher_regex_semantics_follow_go),
		cmocka_unit_test(test_matcher_missing_label_is_empty_string),
		cmocka_unit_test(test_matcher_legacy_match_re_is_shown_anchored),
		cmocka_unit_test(test_matcher_parse_one_is_amtools_label_parser),
		cmocka_unit_test(test_matcher_format_escapes_like_openmetrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
