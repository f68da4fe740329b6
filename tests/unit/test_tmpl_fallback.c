/* test_tmpl_fallback.c: a failing template still delivers the alert. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "payload.h"
#include "tmpl.h"

static char logged[4096];

static void
capture(const char *line, void *arg)
{
	snprintf(logged, sizeof(logged), "%s", line);
}

static struct notification *
fixture(const char *name)
{
	char			 path[512], *body;
	FILE			*f;
	long			 len;
	struct terr		 err;
	struct notification	*n;

	snprintf(path, sizeof(path), "%s/%s", TOCSIN_FIXTURES_DIR, name);
	assert_non_null(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	body = malloc(len);
	assert_int_equal(fread(body, 1, len, f), (size_t)len);
	fclose(f);
	n = payload_parse(body, len, &err);
	free(body);
	assert_non_null(n);
	return n;
}

static struct tmpl_set *
set_with_broken_define(void)
{
	struct tmpl_set	*set = tmpl_set_new();
	struct terr	 err;

	assert_non_null(set);
	/* Parses fine, fails when run: there is no 100th alert. */
	assert_int_equal(tmpl_set_add_text(set, "user.tmpl",
	    "{{ define \"broken\" }}{{ (index .Alerts 99).Labels.x }}{{ end }}"
	    "{{ define \"fine\" }}{{ .CommonLabels.alertname }}{{ end }}", &err), 0);
	return set;
}

static void
test_fallback_carries_every_alert_and_the_reason(void **state)
{
	struct notification	*n = fixture("llm-error-rate-mixed-severity.json");
	struct tmpl_set		*set = set_with_broken_define();
	uint64_t		 fallbacks = 0;
	struct tmpl_opts	 opts = { .fallbacks = &fallbacks };
	struct buf		 out;

	buf_init(&out, 0);
	log_set_sink(capture, NULL);
	assert_int_equal(tmpl_render_text_or_fallback(set,
	    "before {{ template \"broken\" . }}", n, TMPL_TEXT, &opts,
	    "telegram message", &out), 1);
	log_set_sink(NULL, NULL);
	assert_string_equal(buf_str(&out),
	    "[FIRING:2] HighLLMErrorRate\n"
	    "(tocsin: the telegram message template failed: template: user.tmpl:1:25: "
	    "executing \"broken\" at <index .Alerts 99>: error calling index: "
	    "index out of range: 99)\n"
	    "- firing alertname=HighLLMErrorRate job=local-llm model=llama-3.2-vision "
	    "severity=warning: High LLM error rate (12.5%)\n"
	    "- firing alertname=HighLLMErrorRate job=local-llm model=phi-3.5-mini "
	    "severity=critical: High LLM error rate (31%)");
	assert_int_equal(fallbacks, 1);
	assert_non_null(strstr(logged, "level=error"));
	assert_non_null(strstr(logged, "receiver=tocsin"));
	assert_non_null(strstr(logged, "template=\"telegram message\""));
	buf_free(&out);
	tmpl_set_free(set);
	notification_free(n);
}

static void
test_fallback_escapes_html_bodies(void **state)
{
	struct notification	*n = fixture("ssh-login-resolved.json");
	struct tmpl_set		*set = set_with_broken_define();
	struct buf		 out;

	free(n->alerts[0].annotations.v[1].value);	/* summary */
	n->alerts[0].annotations.v[1].value = strdup("<b>root</b> & co");
	buf_init(&out, 0);
	log_set_sink(capture, NULL);
	assert_int_equal(tmpl_render_text_or_fallback(set,
	    "{{ template \"broken\" . }}", n, TMPL_HTML, NULL, "email html", &out), 1);
	log_set_sink(NULL, NULL);
	assert_non_null(strstr(buf_str(&out), "[RESOLVED:1] SSHLoginFromNonLAN<br>\n"));
	assert_non_null(strstr(buf_str(&out),
	    "src_ip=203.0.113.7: &lt;b&gt;root&lt;/b&gt; &amp; co"));
	assert_null(strstr(buf_str(&out), "<b>"));
	buf_free(&out);
	tmpl_set_free(set);
	notification_free(n);
}

static void
test_working_template_renders_normally_and_is_not_counted(void **state)
{
	struct notification	*n = fixture("ssh-login-firing.json");
	struct tmpl_set		*set = set_with_broken_define();
	uint64_t		 fallbacks = 0;
	struct tmpl_opts	 opts = { .fallbacks = &fallbacks };
	struct buf		 out;

	buf_init(&out, 0);
	assert_int_equal(tmpl_render_text_or_fallback(set,
	    "{{ template \"fine\" . }}!", n, TMPL_TEXT, &opts, "slack title", &out), 0);
	assert_string_equal(buf_str(&out), "SSHLoginFromNonLAN!");
	assert_int_equal(fallbacks, 0);
	buf_free(&out);
	tmpl_set_free(set);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fallback_carries_every_alert_and_the_reason),
		cmocka_unit_test(test_fallback_escapes_html_bodies),
		cmocka_unit_test(test_working_template_renders_normally_and_is_not_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
