/* test_httpclient.c: URL redaction (secrets live in Telegram's and Slack's
 * paths) and that errors name only the redacted URL. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "httpclient.h"

static void
check(const char *url, const char *want)
{
	char out[256];

	http_redact_url(url, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_redact(void **state)
{
	(void)state;
	check("https://api.telegram.org/bot123:SECRET/sendMessage",
	    "https://api.telegram.org/<redacted>");
	check("https://hooks.slack.com/services/T0/B0/SECRET",
	    "https://hooks.slack.com/<redacted>");
	check("http://user:SECRET@hook.lan:8080/x?token=SECRET#f",
	    "http://hook.lan:8080/<redacted>");
	check("http://hook.lan:8080?token=SECRET", "http://hook.lan:8080/<redacted>");
	check("http://hook.lan/", "http://hook.lan");
	check("http://hook.lan", "http://hook.lan");
	check("not a url SECRET", "<redacted url>");
}

static void
test_error_is_redacted(void **state)
{
	struct http_request	req;
	struct http_response	resp;
	struct terr		err;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.url = "http://127.0.0.1:1/bot1:SECRET/sendMessage";
	req.body = "{}";
	req.body_len = 2;
	http_response_init(&resp);
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_string_equal(err.msg,
	    "POST http://127.0.0.1:1/<redacted>: Couldn't connect to server");
	/* Only http and https. */
	req.url = "file:///etc/SECRET";
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_null(strstr(err.msg, "SECRET"));
	http_response_free(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_error_is_redacted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
