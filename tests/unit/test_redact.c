/* test_redact.c: a config's secrets out of texts of any shape: an upstream's
 * error page quoting the request line and headers, Basic credentials,
 * secret URLs taken apart as a request carries them, the longest form
 * first, and the in-place cut at a character boundary. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "redact.h"

static char out_text[4096];

/* in through r, as a string. */
static const char *
red(const struct redactor *r, const char *in)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(redactor_text(r, in, &b), 0);
	snprintf(out_text, sizeof(out_text), "%s", buf_str(&b));
	buf_free(&b);
	return out_text;
}

static void
test_token_in_a_quoted_request_line(void **state)
{
	struct redactor *r;

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add(r, "123456:TEST-token"), 0);
	assert_string_equal(red(r, "400 bad request: POST /bot123456:TEST-token"
	    "/sendMessage HTTP/1.1"), "400 bad request: POST /bot<secret>"
	    "/sendMessage HTTP/1.1");
	/* Query-escaped, as in a form or a query string. */
	assert_string_equal(red(r, "token=123456%3ATEST-token&x=1"),
	    "token=<secret>&x=1");
	assert_string_equal(red(r, "nothing here"), "nothing here");
	redactor_unref(r);
}

static void
test_secret_url_parts(void **state)
{
	struct redactor *r;

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add(r,
	    "http://127.0.0.1:9/services/T000/B000/XXXXXXXXXXXX"), 0);
	assert_int_equal(redactor_add(r,
	    "https://hook.lan/notify?token=abc%2Fdef&team=ops"), 0);
	assert_int_equal(redactor_add(r, "http://alice:s3cr%3At@proxy.lan:3128"), 0);
	/* The whole URL, its path, the path's token; the host stays. */
	assert_string_equal(red(r,
	    "POST /services/T000/B000/XXXXXXXXXXXX HTTP/1.1\nHost: 127.0.0.1:9"),
	    "POST <secret> HTTP/1.1\nHost: 127.0.0.1:9");
	assert_string_equal(red(r, "unknown webhook XXXXXXXXXXXX"),
	    "unknown webhook <secret>");
	assert_string_equal(red(r, "url http://127.0.0.1:9/services/T000/B000/"
	    "XXXXXXXXXXXX failed"), "url <secret> failed");
	/* Every query value of token length, escaped and not; the whole
	 * query first. "ops" is too short to be a token. */
	assert_string_equal(red(r, "GET /notify?token=abc%2Fdef&team=ops"),
	    "GET <secret>?<secret>");
	assert_string_equal(red(r, "token abc/def refused, team ops"),
	    "token <secret> refused, team ops");
	/* The user info's password, and the Basic credentials libcurl
	 * sends for it: base64("alice:s3cr:t"). */
	assert_string_equal(red(r, "Proxy-Authorization: Basic YWxpY2U6czNjcjp0"),
	    "Proxy-Authorization: Basic <secret>");
	assert_string_equal(red(r, "password s3cr:t"), "password <secret>");
	redactor_unref(r);
}

static void
test_short_path_segments_and_query_values_are_words(void **state)
{
	struct redactor *r;

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add(r, "http://hook.lan/api/hook"), 0);
	/* "/api/hook" is the path; "hook" alone is no token. */
	assert_string_equal(red(r, "POST /api/hook: the hook said no"),
	    "POST <secret>: the hook said no");
	/* Nor is a short query value or query: "?n=1" would otherwise take
	 * every "1" out of the log. */
	assert_int_equal(redactor_add(r, "http://hook.lan/x?n=1"), 0);
	assert_string_equal(red(r, "attempt 1 of 3, n=1"), "attempt 1 of 3, n=1");
	/* A server's address alone is no secret. */
	assert_int_equal(redactor_add(r, "http://gotify.lan:8080/"), 0);
	assert_int_equal(redactor_add(r, "https://ntfy.sh"), 0);
	assert_string_equal(red(r, "POST http://gotify.lan:8080/<redacted>: "
	    "refused; https://ntfy.sh"), "POST http://gotify.lan:8080/<redacted>: "
	    "refused; https://ntfy.sh");
	redactor_unref(r);
}

static void
test_basic_credentials(void **state)
{
	struct redactor *r;

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add_basic(r, "u", "p"), 0);
	assert_int_equal(redactor_add_basic(r, "u", ""), 0);
	assert_int_equal(redactor_count(r), 1);
	assert_string_equal(red(r, "Authorization: Basic dTpw"),
	    "Authorization: Basic <secret>");
	redactor_unref(r);
}

static void
test_longest_form_first(void **state)
{
	struct redactor *r;

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add(r, "abc"), 0);
	assert_int_equal(redactor_add(r, "abcdef"), 0);
	assert_int_equal(redactor_add(r, "abc"), 0);
	assert_int_equal(redactor_add(r, NULL), 0);
	assert_int_equal(redactor_add(r, ""), 0);
	assert_int_equal(redactor_count(r), 2);
	assert_string_equal(red(r, "xabcdefx abcx"), "x<secret>x <secret>x");
	assert_string_equal(red(NULL, "abcdef"), "abcdef");
	redactor_unref(r);
}

static void
test_fix_in_place_cuts_at_a_character(void **state)
{
	struct redactor	*r;
	char		 s[16];

	(void)state;
	assert_non_null(r = redactor_new());
	assert_int_equal(redactor_add(r, "k"), 0);
	/* "<secret> é<secret>" is 19 bytes: cut to 10, é does not fit
	 * whole; cut to 15, it does. */
	snprintf(s, sizeof(s), "k \xc3\xa9k");
	redactor_fix(r, s, 11);
	assert_string_equal(s, "<secret> ");
	snprintf(s, sizeof(s), "k \xc3\xa9k");
	redactor_fix(r, s, sizeof(s));
	assert_string_equal(s, "<secret> \xc3\xa9<sec");
	/* Shared: the last reference frees. */
	assert_ptr_equal(redactor_ref(r), r);
	redactor_unref(r);
	snprintf(s, sizeof(s), "xkx");
	redactor_fix(r, s, sizeof(s));
	assert_string_equal(s, "x<secret>x");
	redactor_unref(r);
	redactor_fix(NULL, s, sizeof(s));
	assert_string_equal(s, "x<secret>x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_in_a_quoted_request_line),
		cmocka_unit_test(test_secret_url_parts),
		cmocka_unit_test(test_short_path_segments_and_query_values_are_words),
		cmocka_unit_test(test_basic_credentials),
		cmocka_unit_test(test_longest_form_first),
		cmocka_unit_test(test_fix_in_place_cuts_at_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
