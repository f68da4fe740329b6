/* test_sender.c: the helpers every channel shares (sender.h): the describe
 * of a JSON payload and the destination of a secret URL. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sender.h"

static void
describe(const char *json, const char *const *paths, const char *want)
{
	char	 out[64];

	memset(out, 'x', sizeof(out));
	sender_json_describe(json, strlen(json), paths, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_json_describe_takes_the_first_non_empty_path(void **state)
{
	static const char *const tm[] = { "title", "message", NULL };
	static const char *const deep[] = { "embeds/0/title", "embeds/1/title",
	    "content", NULL };

	describe("{\"title\":\"Disk full\\nmore\",\"message\":\"m\"}", tm, "Disk full");
	describe("{\"title\":\"\",\"message\":\"  m1\\n m2\"}", tm, "m1");
	describe("{\"title\":7,\"message\":\"m\"}", tm, "m");
	describe("{\"embeds\":[{\"title\":\"\"},{\"title\":\"second\"}]}", deep,
	    "second");
	describe("{\"embeds\":{\"0\":{\"title\":\"an object\"}},\"content\":\"c\"}",
	    deep, "an object");
	describe("{\"embeds\":[],\"content\":\"c\"}", deep, "c");
	describe("{\"other\":\"x\"}", tm, "");
	describe("not json", tm, "");
}

static void
test_url_dest_hides_the_url(void **state)
{
	char	 a[64], b[64], c[64];

	sender_url_dest("slack", "https://hooks.example/T0/B0/SECRET", a, sizeof(a));
	sender_url_dest("slack", "https://hooks.example/T0/B0/SECRET", b, sizeof(b));
	sender_url_dest("slack", "https://hooks.example/T0/B0/OTHER", c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), strlen("slack:") + 16);
	assert_memory_equal(a, "slack:", 6);
	assert_null(strstr(a, "SECRET"));
	sender_url_dest("gotify", NULL, b, sizeof(b));
	sender_url_dest("gotify", "", c, sizeof(c));
	assert_string_equal(b, c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_describe_takes_the_first_non_empty_path),
		cmocka_unit_test(test_url_dest_hides_the_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
