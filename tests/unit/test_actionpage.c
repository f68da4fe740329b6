/* test_actionpage.c: the exact HTML /action/<token> answers with, label
 * values that try to inject markup escaped. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "actionpage.h"

#define HEAD(title) "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">" \
	"<meta name=\"robots\" content=\"noindex\">" \
	"<meta name=\"referrer\" content=\"no-referrer\">\n" \
	"<title>tocsin: " title "</title></head>\n<body>\n<h1>" title "</h1>\n"

/* 2026-12-14 08:41 UTC */
#define EXPIRES INT64_C(1797237660000)

static void
confirm_silence(void **state)
{
	struct tga_ctx	 c;
	struct buf	 b;
	struct actionpage p = { .kind = ACTION_SILENCE, .duration_ms = 3600000,
	    .receiver = "pager<&>", .ctx = &c, .expires = EXPIRES };

	(void)state;
	assert_int_equal(tga_ctx_parse("{\"external_url\":\"http://am:9093\","
	    "\"group\":{\"alertname\":\"Disk<script>\",\"team\":\"o'ps \\\"x\\\"\"},"
	    "\"common\":{\"alertname\":\"Disk<script>\"},"
	    "\"alerts\":[{\"alertname\":\"Disk<script>\"},{\"alertname\":"
	    "\"Disk<script>\"}]}", &c), 0);
	buf_init(&b, 0);
	assert_int_equal(actionpage_confirm(&b, &p), 0);
	assert_string_equal(buf_str(&b), HEAD("Silence for 1h?")
	    "<p>This creates a silence on Alertmanager for 1h, from when you "
	    "confirm, matching:</p>\n<ul>\n"
	    "<li>alertname=&#34;Disk&lt;script&gt;&#34;</li>\n"
	    "<li>team=&#34;o&#39;ps &#34;x&#34;&#34;</li>\n</ul>\n"
	    "<p>Receiver pager&lt;&amp;&gt;, 2 alerts.</p>\n"
	    "<form method=\"post\"><button type=\"submit\">Silence for 1h"
	    "</button></form>\n"
	    "<p>This link works until 2026-12-14 08:41 UTC.</p>\n"
	    "</body></html>\n");
	buf_free(&b);
	tga_ctx_clear(&c);
}

/* Ack; a group without group labels shows the common labels. */
static void
confirm_ack(void **state)
{
	struct tga_ctx	 c;
	struct buf	 b;
	struct actionpage p = { .kind = ACTION_ACK, .receiver = "mail",
	    .ctx = &c, .expires = EXPIRES };

	(void)state;
	assert_int_equal(tga_ctx_parse("{\"external_url\":\"http://am:9093\","
	    "\"group\":{},\"common\":{\"alertname\":\"Down\"},"
	    "\"alerts\":[{\"alertname\":\"Down\",\"instance\":\"a\"}]}", &c), 0);
	buf_init(&b, 0);
	assert_int_equal(actionpage_confirm(&b, &p), 0);
	assert_string_equal(buf_str(&b), HEAD("Acknowledge?")
	    "<p>This acknowledges the alert group: its repeats and escalations "
	    "stop until it resolves. The group is:</p>\n<ul>\n"
	    "<li>alertname=&#34;Down&#34;</li>\n</ul>\n"
	    "<p>Receiver mail, 1 alert.</p>\n"
	    "<form method=\"post\"><button type=\"submit\">Acknowledge"
	    "</button></form>\n"
	    "<p>This link works until 2026-12-14 08:41 UTC.</p>\n"
	    "</body></html>\n");
	buf_free(&b);
	tga_ctx_clear(&c);
}

static void
message(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(actionpage_message(&b, "Link refused",
	    "This link is not valid or has expired <a>."), 0);
	assert_string_equal(buf_str(&b), HEAD("Link refused")
	    "<p>This link is not valid or has expired &lt;a&gt;.</p>\n"
	    "</body></html>\n");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(confirm_silence),
		cmocka_unit_test(confirm_ack),
		cmocka_unit_test(message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
